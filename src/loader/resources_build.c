/*
 * Copyright (C) ngx_http_resources authors
 */


#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <lmdb.h>

#include "resources_build.h"
#include "resources_typos.h"
#include "resources_json.h"
#include "resources_facets.h"
#include "resources_postings.h"
#include "resources_pairs.h"
#include "resources_prefault.h"
#include "resources_prefixes.h"
#include "resources_synonyms.h"
#include "resources_text.h"
#include "resources_util.h"


/* the address space for the new file when the input's size is unknown */
#define RESOURCES_BUILD_MAPSIZE   ((size_t) 64 << 30)


typedef struct resources_spelling_s  resources_spelling_t;

struct resources_spelling_s {
    resources_spelling_t  *next;
    const u_char          *data;
    uint32_t               len;
    uint32_t               count[2];      /* public resources, all */
    uint32_t               first[2];      /* the ordinal where it was first
                                             seen, per view (UINT32_MAX:
                                             never in a public one) */
};


typedef struct {
    u_char                 kind;
    uint32_t               id;
    const u_char          *folded;
    uint32_t               folded_len;
    uint32_t               count[2];
    uint32_t               last;          /* ordinal + 1 of the last entry */
    resources_vec_t        post;          /* ordinals, increasing */
    resources_spelling_t  *spellings;
} resources_bterm_t;


typedef struct {
    resources_plist_t      post;          /* ordinals and fields */
} resources_bword_t;


typedef struct {
    const u_char          *surface;       /* in the arena (the hash's) */
    const u_char          *stem;          /* in the arena */
    uint32_t               len;
    uint32_t               stem_len;
    uint32_t               pub;           /* in a public record */
} resources_bform_t;


/* the scratch of resources_build_order: one a thread */

typedef struct {
    uint32_t              *sort;
    size_t                 sort_cap;
    resources_vec_t        tmp;
} resources_scratch_t;


struct resources_build_s {
    MDB_env               *env;
    MDB_txn               *txn;
    MDB_dbi                meta;
    MDB_dbi                heap;
    MDB_dbi                ids;
    MDB_dbi                cols;
    MDB_dbi                post;
    MDB_dbi                terms_db;
    MDB_dbi                tids;

    resources_arena_t      arena;
    resources_hash_t       idh;           /* id -> ordinal */
    resources_hash_t       termh;         /* kind, folded -> term index */
    resources_hash_t       wordh;         /* folded word -> word index */

    resources_bterm_t     *terms;
    uint32_t               nterms;
    uint32_t               terms_cap;
    uint32_t               nkind[3];      /* keywords, types, series */

    resources_bword_t     *words;
    uint32_t               nwords;
    uint32_t               words_cap;

    resources_hash_t       formh;         /* word form -> form index */
    resources_bform_t     *forms;
    uint32_t               nforms;
    uint32_t               forms_cap;

    /* per ordinal */
    uint32_t               ndocs;
    uint32_t               docs_cap;
    uint64_t              *loc;           /* chunk << 32 | offset */
    uint64_t              *tsig;          /* 2 a record: the title's */
    uint64_t              *rhash;         /* XXH64 of the full form */

    /* the chunk of records being filled */
    u_char                *chunk;
    size_t                 chunk_len;
    uint32_t               nchunks;
    uint32_t              *date;
    uint32_t              *updated;       /* YYYYMMDD, 0: none */
    u_char                *priv;
    uint32_t              *type;
    uint32_t              *kwoff;
    const u_char         **title;
    uint32_t              *title_len;
    resources_vec_t        kwids;
    uint32_t               nprivate;

    uint64_t               hash;
    uint64_t               hash_public;   /* the public records' alone */

    /* the synonyms' value (resources_build_synonyms), or NULL */
    u_char                *syn;
    size_t                 syn_len;
    uint64_t               syn_hash;      /* its XXH64 */

    /* the header's times (resources_build_time) */
    uint64_t               built;
    uint64_t               public_built;  /* the published snapshot's */
    uint64_t               public_hash;   /* ... and its public_hash */
    int                    published;     /* those two were given */

    char                  *path;          /* the file being written */

    /* the writer thread (resources_build_background) */
    pthread_t              writer;
    pthread_mutex_t        wmutex;
    pthread_cond_t         wcond;
    int                    writer_on;
    int                    wbusy;         /* a chunk is being written */
    int                    wquit;
    int                    wrc;           /* its first error */
    const u_char          *wchunk;
    size_t                 wchunk_len;
    uint32_t               wno;
    u_char                *chunk2;        /* the other chunk buffer */
    void                  *hold;          /* LMDB's block for a chunk */

    /* the prefaulter, after the records (resources_build_finish), or NULL */
    resources_prefault_t  *prefault;
    size_t                 psize;         /* LMDB's page size */

    /* packing the records: NULL until resources_build_dict() */
    resources_pack_t      *pack;
    int                    no_gzip;        /* no gzip pieces */
    uint32_t               tail_max;       /* the longest packed tail */

    /* resources_build_add(), resources_build_add_tree() */
    resources_prepare_t   *prep;
    resources_buf_t        prep_out;
    resources_json_t       tree;

    /* finishing */
    unsigned               threads;        /* helpers */
    resources_scratch_t    scratch;
    size_t                 written;        /* since the last commit */
};


static int resources_build_foreground(resources_build_t *b);
static off_t resources_build_end(resources_build_t *b);


resources_build_t *
resources_build_create(const char *path, size_t mapsize, char *err,
    size_t errlen)
{
    int                 rc;
    MDB_stat            ms;
    const char         *what;
    resources_build_t  *b;

    b = resources_xcalloc(sizeof(resources_build_t));

    resources_arena_init(&b->arena);
    resources_hash_init(&b->idh, &b->arena);
    resources_hash_init(&b->termh, &b->arena);
    resources_hash_init(&b->wordh, &b->arena);
    resources_hash_init(&b->formh, &b->arena);
    b->hash = resources_version_start();
    b->hash_public = resources_version_start();
    b->built = (uint64_t) time(NULL);
    b->path = resources_xmalloc(strlen(path) + 1);
    memcpy(b->path, path, strlen(path) + 1);
    b->chunk = resources_xmalloc(RESOURCES_CHUNK_MAX);

    /* what failed, for the message: "<what>: <LMDB's reason>" */

    what = "mdb_env_create";

    rc = mdb_env_create(&b->env);
    if (rc != 0) {
        goto failed;
    }

    mdb_env_set_maxdbs(b->env, RESOURCES_MAXDBS);
    mdb_env_set_mapsize(b->env, mapsize ? mapsize : RESOURCES_BUILD_MAPSIZE);

    what = path;

    rc = mdb_env_open(b->env, path,
                      MDB_NOSUBDIR | MDB_NOLOCK | MDB_NOSYNC | MDB_NOMETASYNC,
                      0644);
    if (rc != 0) {
        goto failed;
    }

    what = "mdb_txn_begin";

    rc = mdb_txn_begin(b->env, NULL, 0, &b->txn);
    if (rc != 0) {
        goto failed;
    }

    what = "mdb_env_stat";

    rc = mdb_env_stat(b->env, &ms);
    if (rc != 0) {
        goto failed;
    }

    b->psize = ms.ms_psize;

    what = "mdb_dbi_open";

    if ((rc = mdb_dbi_open(b->txn, RESOURCES_DB_META, MDB_CREATE, &b->meta))
        || (rc = mdb_dbi_open(b->txn, RESOURCES_DB_HEAP,
                              MDB_CREATE | MDB_INTEGERKEY, &b->heap))
        || (rc = mdb_dbi_open(b->txn, RESOURCES_DB_IDS, MDB_CREATE, &b->ids))
        || (rc = mdb_dbi_open(b->txn, RESOURCES_DB_COLS, MDB_CREATE, &b->cols))
        || (rc = mdb_dbi_open(b->txn, RESOURCES_DB_POST, MDB_CREATE, &b->post))
        || (rc = mdb_dbi_open(b->txn, RESOURCES_DB_TERMS, MDB_CREATE,
                              &b->terms_db))
        || (rc = mdb_dbi_open(b->txn, RESOURCES_DB_TIDS,
                              MDB_CREATE | MDB_INTEGERKEY, &b->tids)))
    {
        goto failed;
    }

    return b;

failed:

    snprintf(err, errlen, "%s: %s", what, mdb_strerror(rc));
    resources_build_free(b);

    return NULL;
}


void
resources_build_free(resources_build_t *b)
{
    uint32_t  i;

    if (b == NULL) {
        return;
    }

    if (b->prefault) {
        (void) resources_prefault_stop(b->prefault, resources_build_end(b));
        b->prefault = NULL;
    }

    (void) resources_build_foreground(b);

    if (b->txn) {
        mdb_txn_abort(b->txn);
    }

    if (b->env) {
        mdb_env_close(b->env);
    }

    for (i = 0; i < b->nterms; i++) {
        resources_vec_free(&b->terms[i].post);
    }

    for (i = 0; i < b->nwords; i++) {
        resources_plist_free(&b->words[i].post);
    }

    free(b->terms);
    free(b->words);
    free(b->forms);
    free(b->tsig);
    free(b->date);
    free(b->updated);
    free(b->priv);
    free(b->type);
    free(b->kwoff);
    free(b->title);
    free(b->title_len);
    free(b->loc);
    free(b->rhash);
    free(b->chunk);
    free(b->chunk2);
    free(b->hold);
    resources_vec_free(&b->scratch.tmp);
    free(b->scratch.sort);
    resources_vec_free(&b->kwids);
    resources_prepare_free(b->prep);

    if (b->pack) {
        free(b->pack->dict);
        free(b->pack);
    }

    resources_buf_free(&b->prep_out);
    resources_json_free(&b->tree);

    resources_hash_free(&b->idh);
    resources_hash_free(&b->termh);
    resources_hash_free(&b->wordh);
    resources_hash_free(&b->formh);
    resources_arena_free(&b->arena);

    free(b->syn);
    free(b->path);
    free(b);
}


void
resources_build_time(resources_build_t *b, uint64_t built,
    const resources_header_t *published)
{
    b->built = built;
    b->published = 0;

    if (published && (published->flags & RESOURCES_HEADER_PUBLIC)) {
        b->published = 1;
        b->public_hash = published->public_hash;
        b->public_built = published->public_built;
    }
}


void
resources_build_synonyms(resources_build_t *b, const u_char *value,
    size_t len)
{
    free(b->syn);
    b->syn = NULL;
    b->syn_len = 0;

    if (len == 0) {
        return;
    }

    b->syn = resources_xmalloc(len);
    memcpy(b->syn, value, len);
    b->syn_len = len;
    b->syn_hash = resources_xxh64(value, len, 0);
}


/* the versions: the records', then the synonyms' when there are */

static void
resources_build_hashes(resources_build_t *b, uint64_t *h, uint64_t *hp)
{
    *h = b->hash;
    *hp = b->hash_public;

    if (b->syn) {
        *h = resources_version_synonyms(*h, b->syn_hash);
        *hp = resources_version_synonyms(*hp, b->syn_hash);
    }
}


void
resources_build_version(resources_build_t *b, u_char *version,
    u_char *public_version)
{
    uint64_t  h, hp;

    resources_build_hashes(b, &h, &hp);
    resources_version_hex(h, version);
    resources_version_hex(hp, public_version);
}


int
resources_build_has_id(resources_build_t *b, const u_char *id, size_t len)
{
    return resources_hash_find(&b->idh, id, len)->key != NULL;
}


int
resources_build_id_hash(resources_build_t *b, const u_char *id, size_t len,
    uint64_t *hash)
{
    resources_slot_t  *slot;

    slot = resources_hash_find(&b->idh, id, len);

    if (slot->key == NULL) {
        return 0;
    }

    *hash = b->rhash[slot->value];

    return 1;
}


/*
 * A write of the snapshot failed: err gets "<path>: writing the snapshot:
 * <why>".  LMDB says EIO for a short write, which is what a full disk
 * gives: the file system is asked (resources_write_errno)
 */

static void
resources_build_write_error(resources_build_t *b, int rc, char *err,
    size_t errlen)
{
    if (rc == EIO) {
        rc = resources_write_errno(b->path, rc);
    }

    snprintf(err, errlen, "%s: writing the snapshot: %s", b->path,
             mdb_strerror(rc));
}


/* the end of the file: what the last commit wrote */

static off_t
resources_build_end(resources_build_t *b)
{
    MDB_envinfo  info;

    if (mdb_env_info(b->env, &info) != 0) {
        return 0;
    }

    return (off_t) ((info.me_last_pgno + 1) * b->psize);
}


/*
 * Commits and begins the next transaction.  The kernel is asked to start
 * writing what was committed (without waiting): the final sync then has
 * little left to wait for.
 */

static int
resources_build_commit(resources_build_t *b)
{
    int  rc, fd;

    rc = mdb_txn_commit(b->txn);
    b->txn = NULL;

    if (rc != 0) {
        return rc;
    }

    resources_prefault_advance(b->prefault, resources_build_end(b));

#ifdef SYNC_FILE_RANGE_WRITE
    if (mdb_env_get_fd(b->env, &fd) == 0) {
        (void) sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    }
#else
    (void) fd;
#endif

    return mdb_txn_begin(b->env, NULL, 0, &b->txn);
}


/*
 * Writes a chunk of records and commits: a transaction per chunk keeps the
 * loader's memory (LMDB's dirty pages) bounded.
 */

static int
resources_build_write(resources_build_t *b, const u_char *chunk, size_t len,
    uint32_t no)
{
    int      rc;
    MDB_val  k, d;

    k.mv_size = sizeof(uint32_t);
    k.mv_data = &no;
    d.mv_size = len;
    d.mv_data = (void *) chunk;

    /*
     * LMDB allocates the pages of the chunk and frees them at the commit:
     * the block is held in between, so that it is not taken for something
     * else and the next chunk's pages are not new memory (a page fault a
     * page)
     */

    free(b->hold);
    b->hold = NULL;

    rc = mdb_put(b->txn, b->heap, &k, &d, MDB_APPEND);

    if (rc == 0) {
        rc = resources_build_commit(b);
    }

    b->hold = malloc(RESOURCES_CHUNK_MAX + 64 * 1024);

    return rc;
}


/* the writer thread: the chunks that resources_build_flush hands over */

static void *
resources_build_writer(void *arg)
{
    resources_build_t  *b = arg;

    int  rc;

    pthread_mutex_lock(&b->wmutex);

    for ( ;; ) {
        while (!b->wbusy && !b->wquit) {
            pthread_cond_wait(&b->wcond, &b->wmutex);
        }

        if (!b->wbusy) {
            break;
        }

        pthread_mutex_unlock(&b->wmutex);

        rc = resources_build_write(b, b->wchunk, b->wchunk_len, b->wno);

        pthread_mutex_lock(&b->wmutex);

        if (rc != 0 && b->wrc == 0) {
            b->wrc = rc;
        }

        b->wbusy = 0;
        pthread_cond_broadcast(&b->wcond);
    }

    pthread_mutex_unlock(&b->wmutex);

    return NULL;
}


int
resources_build_dict(resources_build_t *b, const u_char *dict, size_t len)
{
    resources_pack_t  *pk;

    if (len > RESOURCES_DICT_MAX) {
        len = RESOURCES_DICT_MAX;
    }

    pk = calloc(1, sizeof(resources_pack_t));
    if (pk == NULL) {
        return -1;
    }

    pk->dict = malloc(len ? len : 1);
    if (pk->dict == NULL) {
        free(pk);
        return -1;
    }

    memcpy(pk->dict, dict, len);
    pk->len = len;

    b->pack = pk;

    return 0;
}


const resources_pack_t *
resources_build_pack(resources_build_t *b)
{
    return b->pack;
}


void
resources_build_set_gzip(resources_build_t *b, int on)
{
    b->no_gzip = !on;
}


int
resources_build_gzip(resources_build_t *b)
{
    return !b->no_gzip;
}


int
resources_build_background(resources_build_t *b, unsigned threads)
{
    b->threads = threads;

    if (b->writer_on) {
        return 0;
    }

    b->chunk2 = resources_xmalloc(RESOURCES_CHUNK_MAX);

    pthread_mutex_init(&b->wmutex, NULL);
    pthread_cond_init(&b->wcond, NULL);

    b->writer_on = (resources_threads_start(&b->writer, 1,
                                            resources_build_writer, b, 0)
                    == 1);

    if (!b->writer_on) {
        pthread_mutex_destroy(&b->wmutex);
        pthread_cond_destroy(&b->wcond);
        return -1;
    }

    return 0;
}


/* waits for the writer thread to be done and stops it: its first error */

static int
resources_build_foreground(resources_build_t *b)
{
    int  rc;

    if (!b->writer_on) {
        return 0;
    }

    pthread_mutex_lock(&b->wmutex);

    while (b->wbusy) {
        pthread_cond_wait(&b->wcond, &b->wmutex);
    }

    b->wquit = 1;
    pthread_cond_broadcast(&b->wcond);
    rc = b->wrc;

    pthread_mutex_unlock(&b->wmutex);

    pthread_join(b->writer, NULL);
    pthread_mutex_destroy(&b->wmutex);
    pthread_cond_destroy(&b->wcond);
    b->writer_on = 0;

    return rc;
}


/*
 * Writes the chunk of records being filled, at once or, with a writer
 * thread, handed over to it while the next chunk is filled (an error of
 * the writer is then returned by the next flush)
 */

static int
resources_build_flush(resources_build_t *b)
{
    int      rc;
    u_char  *full;

    if (b->chunk_len == 0) {
        return 0;
    }

    if (b->nchunks == RESOURCES_CHUNKS_MAX) {
        return MDB_MAP_FULL;
    }

    if (!b->writer_on) {
        rc = resources_build_write(b, b->chunk, b->chunk_len, b->nchunks);
        if (rc != 0) {
            return rc;
        }

        b->nchunks++;
        b->chunk_len = 0;

        return 0;
    }

    pthread_mutex_lock(&b->wmutex);

    while (b->wbusy) {
        pthread_cond_wait(&b->wcond, &b->wmutex);
    }

    rc = b->wrc;

    if (rc == 0) {
        full = b->chunk;
        b->chunk = b->chunk2;
        b->chunk2 = full;

        b->wchunk = full;
        b->wchunk_len = b->chunk_len;
        b->wno = b->nchunks;
        b->wbusy = 1;
        pthread_cond_broadcast(&b->wcond);
    }

    pthread_mutex_unlock(&b->wmutex);

    if (rc != 0) {
        return rc;
    }

    b->nchunks++;
    b->chunk_len = 0;

    return 0;
}


static resources_bterm_t *
resources_build_term(resources_build_t *b, u_char kind, const u_char *folded,
    size_t len)
{
    u_char              key[RESOURCES_KEY_MAX];
    size_t              klen;
    const u_char       *copy;
    resources_slot_t   *slot;
    resources_bterm_t  *t;

    key[0] = kind;
    memcpy(key + 1, folded, len);
    klen = len + 1;

    slot = resources_hash_find(&b->termh, key, klen);

    if (slot->key) {
        return &b->terms[slot->value];
    }

    if (b->nterms == b->terms_cap) {
        b->terms_cap = b->terms_cap ? b->terms_cap * 2 : 256;
        b->terms = resources_xrealloc(b->terms,
                                      b->terms_cap * sizeof(resources_bterm_t));
    }

    /* the slot may move when the table grows: the key's copy, not it */

    copy = resources_hash_set(&b->termh, slot, key, klen, b->nterms);

    t = &b->terms[b->nterms++];
    memset(t, 0, sizeof(resources_bterm_t));

    t->kind = kind;
    t->id = b->nkind[kind == RESOURCES_KIND_TYPE ? 1
                     : kind == RESOURCES_KIND_SERIES ? 2 : 0]++;
    t->folded = copy + 1;
    t->folded_len = (uint32_t) len;

    return t;
}


/*
 * A spelling of a term, in the record of ordinal ord, counted in the
 * private view and, for a public record, in the public view (where it was
 * first seen in each view breaks ties: resources_build_display)
 */

static void
resources_build_spelling(resources_build_t *b, resources_bterm_t *t,
    const char *s, size_t len, uint32_t ord, int priv)
{
    resources_spelling_t  *sp;

    for (sp = t->spellings; sp; sp = sp->next) {
        if (sp->len == len && memcmp(sp->data, s, len) == 0) {
            sp->count[1]++;

            if (!priv) {
                if (sp->count[0]++ == 0) {
                    sp->first[0] = ord;
                }
            }

            return;
        }
    }

    sp = resources_arena_alloc(&b->arena, sizeof(resources_spelling_t));
    sp->data = resources_arena_dup(&b->arena, (const u_char *) s, len);
    sp->len = (uint32_t) len;
    sp->count[0] = priv ? 0 : 1;
    sp->count[1] = 1;
    sp->first[0] = priv ? UINT32_MAX : ord;
    sp->first[1] = ord;
    sp->next = NULL;

    /* appended: the first seen wins ties */

    if (t->spellings == NULL) {
        t->spellings = sp;

    } else {
        resources_spelling_t  *last;

        for (last = t->spellings; last->next; last = last->next) { /* void */ }
        last->next = sp;
    }
}


/*
 * The display spelling of a term in a view (0 public, 1 private): the most
 * common one there, the first seen there on a tie; a term that no public
 * resource carries has the private view's in both (the public view never
 * shows it)
 */

static const resources_spelling_t *
resources_build_display(const resources_bterm_t *t, int v)
{
    const resources_spelling_t  *sp, *best;

    if (v == 0 && t->count[0] == 0) {
        v = 1;
    }

    best = t->spellings;

    for (sp = t->spellings; sp; sp = sp->next) {
        if (sp->count[v] > best->count[v]
            || (sp->count[v] == best->count[v]
                && sp->first[v] < best->first[v]))
        {
            best = sp;
        }
    }

    return best;
}


static void
resources_build_grow(resources_build_t *b)
{
    uint32_t  cap;

    cap = b->docs_cap ? b->docs_cap * 2 : 1024;

    b->date = resources_xrealloc(b->date, cap * sizeof(uint32_t));
    b->updated = resources_xrealloc(b->updated, cap * sizeof(uint32_t));
    b->priv = resources_xrealloc(b->priv, cap);
    b->type = resources_xrealloc(b->type, cap * sizeof(uint32_t));
    b->kwoff = resources_xrealloc(b->kwoff, (cap + 1) * sizeof(uint32_t));
    b->title = resources_xrealloc(b->title, cap * sizeof(u_char *));
    b->title_len = resources_xrealloc(b->title_len, cap * sizeof(uint32_t));
    b->loc = resources_xrealloc(b->loc, cap * sizeof(uint64_t));
    b->tsig = resources_xrealloc(b->tsig, cap * 2 * sizeof(uint64_t));
    b->rhash = resources_xrealloc(b->rhash, cap * sizeof(uint64_t));

    b->docs_cap = cap;
}


/* word forms into the builder's: surface -> stem, public or not */

static void
resources_build_forms(resources_build_t *b, const u_char *p, uint32_t n)
{
    uint32_t            i;
    resources_slot_t   *slot;
    resources_bform_t  *f;

    for (i = 0; i < n; i++, p += 3 + p[0] + p[1]) {
        slot = resources_hash_find(&b->formh, p + 3, p[0]);

        if (slot->key) {
            b->forms[slot->value].pub |= p[2];
            continue;
        }

        if (b->nforms == b->forms_cap) {
            b->forms_cap = b->forms_cap ? b->forms_cap * 2 : 1024;
            b->forms = resources_xrealloc(b->forms,
                                     b->forms_cap * sizeof(resources_bform_t));
        }

        f = &b->forms[b->nforms];
        f->stem = resources_arena_dup(&b->arena, p + 3 + p[0], p[1]);
        f->stem_len = p[1];
        f->pub = p[2];

        f->surface = resources_hash_set(&b->formh, slot, p + 3, p[0],
                                        b->nforms);
        f->len = p[0];

        b->nforms++;
    }
}


/*
 * Adding a prepared record, in input order: its id against the others,
 * its record into the chunk, its terms and words into the index.
 */

int
resources_build_apply(resources_build_t *b, const resources_prepared_t *r,
    char *err, size_t errlen)
{
    int                  rc;
    u_char              *dst;
    uint32_t             ord, i, flen, rlen, klen, hash, len, kwid;
    const u_char        *p, *id, *blob, *title, *type, *raw, *w,
                        *series, *series_raw;
    resources_slot_t    *slot;
    resources_bterm_t   *t;
    resources_bword_t   *wd;

    p = (const u_char *) r + sizeof(resources_prepared_t);

    if (r->status == RESOURCES_PREP_BAD) {
        snprintf(err, errlen, "%.*s", (int) r->msg_len, p);
        return -1;
    }

    if (r->status == RESOURCES_PREP_OK && r->nforms) {

        /*
         * the word forms, whatever becomes of the record: its thread
         * gives them once (a refused record's are dropped with the stems
         * that no resource has, resources_build_words)
         */

        resources_build_forms(b, (const u_char *) r
                    + ((sizeof(resources_prepared_t) + r->id_len + 7)
                       & ~(size_t) 7)
                    + r->blob_len + r->type_len + r->type_raw_len
                    + r->series_len + r->series_raw_len + r->keywords_len
                    + r->title_len + r->words_len, r->nforms);
    }

    if (b->ndocs == RESOURCES_MAX_DOCS - 1) {
        snprintf(err, errlen, "more than %u resources",
                 RESOURCES_MAX_DOCS - 1);
        return -1;
    }

    if (r->status == RESOURCES_PREP_BAD_ID) {
        snprintf(err, errlen, "%.*s", (int) r->msg_len, p);
        return -1;
    }

    id = p + r->msg_len;

    slot = resources_hash_find(&b->idh, id, r->id_len);
    if (slot->key) {
        snprintf(err, errlen, "duplicate id \"%.*s\"", (int) r->id_len, id);
        return -1;
    }

    if (r->status != RESOURCES_PREP_OK) {
        snprintf(err, errlen, "%.*s", (int) r->msg_len, p);
        return -1;
    }

    p = (const u_char *) r
        + ((sizeof(resources_prepared_t) + r->id_len + 7) & ~(size_t) 7);
    blob = p;
    p += r->blob_len;
    type = p;
    p += r->type_len;
    raw = p;
    p += r->type_raw_len;
    series = p;
    p += r->series_len;
    series_raw = p;
    p += r->series_raw_len;

    ord = b->ndocs;

    if (ord == b->docs_cap) {
        resources_build_grow(b);
    }

    /* the record, as the module will send it */

    if (b->chunk_len + r->blob_len > RESOURCES_CHUNK_MAX) {
        rc = resources_build_flush(b);
        if (rc != 0) {
            resources_build_write_error(b, rc, err, errlen);
            return -1;
        }
    }

    b->loc[ord] = (uint64_t) b->nchunks << 32 | b->chunk_len;

    dst = b->chunk + b->chunk_len;
    memcpy(dst, blob, r->blob_len);
    b->chunk_len += r->blob_len;

    if (r->tail_len > b->tail_max) {
        b->tail_max = r->tail_len;
    }

    resources_hash_set(&b->idh, slot, id, r->id_len, ord);

    /* per ordinal */

    b->date[ord] = r->date;
    b->updated[ord] = r->updated;
    b->tsig[2 * ord] = r->tsig[0];
    b->tsig[2 * ord + 1] = r->tsig[1];
    b->priv[ord] = (u_char) r->priv;
    b->nprivate += r->priv;

    t = resources_build_term(b, RESOURCES_KIND_TYPE, type, r->type_len);
    resources_build_spelling(b, t, (const char *) raw, r->type_raw_len, ord,
                             r->priv);
    resources_vec_push(&t->post, ord);
    t->last = ord + 1;
    b->type[ord] = t->id;

    if (r->series_len) {
        t = resources_build_term(b, RESOURCES_KIND_SERIES, series,
                                 r->series_len);
        resources_build_spelling(b, t, (const char *) series_raw,
                                 r->series_raw_len, ord, r->priv);
        resources_vec_push(&t->post, ord);
        t->last = ord + 1;
    }

    b->kwoff[ord] = b->kwids.n;

    for (i = 0; i < r->nkeywords; i++) {
        flen = resources_get_u32(p);
        rlen = resources_get_u32(p + sizeof(uint32_t));
        klen = resources_get_u32(p + 2 * sizeof(uint32_t));
        p += 3 * sizeof(uint32_t);

        /* keyed by its words stemmed (resources_keyword_key) */

        t = resources_build_term(b, RESOURCES_KIND_KEYWORD, p + flen, klen);
        resources_build_spelling(b, t, (const char *) p + flen + klen, rlen,
                                 ord, r->priv);
        p += flen + klen + rlen;

        if (t->last == ord + 1) {
            continue;               /* twice in one record */
        }

        resources_vec_push(&t->post, ord);
        t->last = ord + 1;
        kwid = t->id;
        resources_vec_push(&b->kwids, kwid);
    }

    title = p;
    b->title[ord] = resources_arena_dup(&b->arena, title, r->title_len);
    b->title_len[ord] = r->title_len;
    p += r->title_len;

    /* words: each once, with its best field */

    for (i = 0, w = p; i < r->nwords; i++, w += 6 + len) {
        hash = resources_get_u32(w);
        len = w[4];

        slot = resources_hash_find_hashed(&b->wordh, w + 6, len, hash);

        if (slot->key) {
            wd = &b->words[slot->value];

        } else {
            if (b->nwords == b->words_cap) {
                b->words_cap = b->words_cap ? b->words_cap * 2 : 1024;
                b->words = resources_xrealloc(b->words,
                                     b->words_cap * sizeof(resources_bword_t));
            }

            resources_hash_set_hashed(&b->wordh, slot, w + 6, len, hash,
                                      b->nwords);

            wd = &b->words[b->nwords++];
            memset(wd, 0, sizeof(resources_bword_t));
        }

        resources_plist_add(&wd->post, ord, w[5]);
    }

    /*
     * The content version: FNV-1a 64 over the record hashes (XXH64 of the
     * full form, computed when the record was prepared) and private flags,
     * in input order
     */

    b->hash = resources_version_add(b->hash, r->hash, r->priv);
    b->rhash[ord] = r->hash;

    /* the public view's: the version of the catalogue without them */

    if (!r->priv) {
        b->hash_public = resources_version_add(b->hash_public, r->hash, 0);
    }

    b->ndocs++;

    return 0;
}


int
resources_build_add_tree(resources_build_t *b, resources_json_t *record,
    char *err, size_t errlen)
{
    if (b->prep == NULL) {
        b->prep = resources_prepare_create(b->pack, !b->no_gzip);
    }

    b->prep_out.len = 0;
    resources_prepare_tree(b->prep, record, 0, &b->prep_out);

    return resources_build_apply(b,
                                 (resources_prepared_t *) b->prep_out.data,
                                 err, errlen);
}


int
resources_build_add(resources_build_t *b, json_t *rec, char *err,
    size_t errlen)
{
    resources_json_from_jansson(&b->tree, rec);

    return resources_build_add_tree(b, &b->tree, err, errlen);
}


/* finishing */


/*
 * The default order of the ordinals: the newest first, the undated ones
 * last, ties in input order.  A stable radix sort, 9 bits a pass, of their
 * ranks (RESOURCES_DATE_END - 1 - date, RESOURCES_DATE_END when undated:
 * no date reaches it) and ordinals, as one 64-bit number.
 */

#define RESOURCES_DATE_END  100000000       /* above every date */

static void resources_sort_newest(const uint32_t *date, size_t n,
    uint32_t *order);

static void
resources_build_default_order(resources_build_t *b, uint32_t *order)
{
    resources_sort_newest(b->date, b->ndocs, order);
}


/*
 * The indexes 0 .. n - 1 of date[] in that order (newest first, undated
 * last, ties by index): the default order of the ordinals, and the update
 * order of the docnos
 */

static void
resources_sort_newest(const uint32_t *date, size_t n, uint32_t *order)
{
    size_t     i, at, count[512];
    unsigned   shift;
    uint32_t   d;
    uint64_t  *mem, *a, *t, *swap;

    mem = resources_xmalloc((2 * n + 1) * sizeof(uint64_t));
    a = mem;
    t = mem + n;

    for (i = 0; i < n; i++) {
        d = date[i];
        d = (d == 0 || d >= RESOURCES_DATE_END) ? RESOURCES_DATE_END
                                                : RESOURCES_DATE_END - 1 - d;
        a[i] = ((uint64_t) d << 32) | i;
    }

    /* the ranks take 27 bits: three passes over bits 32 .. 58 */

    for (shift = 32; shift < 32 + 27; shift += 9) {
        memset(count, 0, sizeof(count));

        for (i = 0; i < n; i++) {
            count[(a[i] >> shift) & 511]++;
        }

        for (i = 0, at = 0; i < 512; i++) {
            at += count[i];
            count[i] = at - count[i];
        }

        for (i = 0; i < n; i++) {
            t[count[(a[i] >> shift) & 511]++] = a[i];
        }

        swap = a;
        a = t;
        t = swap;
    }

    for (i = 0; i < n; i++) {
        order[i] = (uint32_t) a[i];
    }

    free(mem);
}


static int
resources_cmp_title(const void *one, const void *two, void *arg)
{
    resources_build_t  *b = arg;

    int       c;
    uint32_t  x, y, lx, ly;

    x = *(const uint32_t *) one;
    y = *(const uint32_t *) two;
    lx = b->title_len[x];
    ly = b->title_len[y];

    c = memcmp(b->title[x], b->title[y], lx < ly ? lx : ly);
    if (c != 0) {
        return c;
    }

    if (lx != ly) {
        return lx < ly ? -1 : 1;
    }

    return (x > y) - (x < y);
}


/* terms in folded order (within a kind) */

static int
resources_cmp_term(const void *one, const void *two, void *arg)
{
    resources_build_t  *b = arg;

    int                 c;
    uint32_t            lx, ly;
    resources_bterm_t  *x, *y;

    x = &b->terms[*(const uint32_t *) one];
    y = &b->terms[*(const uint32_t *) two];
    lx = x->folded_len;
    ly = y->folded_len;

    c = memcmp(x->folded, y->folded, lx < ly ? lx : ly);
    if (c != 0) {
        return c;
    }

    return (lx > ly) - (lx < ly);
}


static int
resources_put(resources_build_t *b, MDB_dbi dbi, const void *key,
    size_t klen, const void *data, size_t dlen)
{
    MDB_val  k, d;

    k.mv_size = klen;
    k.mv_data = (void *) key;
    d.mv_size = dlen;
    d.mv_data = (void *) data;

    return mdb_put(b->txn, dbi, &k, &d, 0);
}


/*
 * Makes a posting ready to be written, in place: its entries are ordinals
 * (shifted left by 2 with field bits when shifted is set) mapped to docnos
 * and sorted, the public ones first, then the private ones.  count[] gets
 * the number of resources of each view.  Needs nothing but its arguments:
 * several run at once (resources_build_words).
 */

static void
resources_build_order(const uint32_t *doc_of, const u_char *priv_doc,
    uint32_t ndocs, resources_vec_t *post, int shifted, uint32_t *count,
    resources_scratch_t *sc)
{
    uint32_t   i, j, e, ord, *p;

    p = post->elts;

    for (i = 0; i < post->n; i++) {
        e = p[i];
        ord = shifted ? RESOURCES_DOCNO(e) : e;
        p[i] = (doc_of[ord] << 2) | (shifted ? RESOURCES_FIELD(e) : 0);
    }

    if (sc->sort_cap < post->n) {
        free(sc->sort);
        sc->sort_cap = post->n;
        sc->sort = resources_xmalloc(post->n * sizeof(uint32_t));
    }

    resources_sort_u32(p, post->n, sc->sort, ndocs << 2);

    /* split in place: public entries first, then private ones */

    count[1] = post->n;

    for (i = 0, j = 0; i < post->n; i++) {
        if (!priv_doc[RESOURCES_DOCNO(p[i])]) {
            p[j++] = p[i];

        } else {
            resources_vec_push(&sc->tmp, p[i]);
        }
    }

    count[0] = j;

    for (i = 0; i < sc->tmp.n; i++) {
        p[j + i] = sc->tmp.elts[i];
    }

    sc->tmp.n = 0;
}


/*
 * The bitmaps of the public part of a term (n entries at p) under its
 * posting key (klen bytes; key[0] is changed): its docnos (part
 * RESOURCES_PART_BITMAP) and, for a word, the docnos whose field has the
 * high bit and the low bit set (RESOURCES_PART_FIELD_HI, _LO); made in
 * one pass over the entries.
 */

static int
resources_build_bitmaps(resources_build_t *b, const uint32_t *p, uint32_t n,
    u_char *key, size_t klen, int word)
{
    int         rc;
    size_t      nw, i, m;
    MDB_val     k, d;
    uint32_t    j, f;
    uint64_t   *bits, bit;
    u_char      parts[3] = { RESOURCES_PART_BITMAP, RESOURCES_PART_FIELD_HI,
                             RESOURCES_PART_FIELD_LO };

    nw = RESOURCES_BITMAP_WORDS(b->ndocs);
    m = word ? 3 : 1;

    /* built aside: LMDB aligns values to 2 bytes only */

    bits = resources_xcalloc(m * nw * sizeof(uint64_t));

    for (i = 0; i < n; i++) {
        j = RESOURCES_DOCNO(p[i]);
        f = RESOURCES_FIELD(p[i]);
        bit = (uint64_t) 1 << (j % 64);

        bits[j / 64] |= bit;

        if (word) {
            bits[nw + j / 64] |= (f & 2) ? bit : 0;
            bits[2 * nw + j / 64] |= (f & 1) ? bit : 0;
        }
    }

    for (i = 0; i < m; i++) {
        key[0] = parts[i];
        k.mv_size = klen;
        k.mv_data = key;
        d.mv_size = nw * sizeof(uint64_t);

        rc = mdb_put(b->txn, b->post, &k, &d, MDB_RESERVE);
        if (rc != 0) {
            free(bits);
            return rc;
        }

        memcpy(d.mv_data, bits + i * nw, d.mv_size);
        b->written += d.mv_size;
    }

    free(bits);

    return 0;
}


/*
 * Writes the posting of one term, made ready by resources_build_order, for
 * both views.
 */

static int
resources_build_posting(resources_build_t *b, resources_vec_t *post,
    int shifted, u_char kind, const u_char *term, size_t len,
    const uint32_t *count)
{
    int        rc;
    u_char     key[2 + RESOURCES_TERM_MAX + RESOURCES_WORD_MAX];
    size_t     klen;
    uint32_t  *p;

    p = post->elts;

    klen = resources_post_key(key, RESOURCES_PART_PUBLIC, kind, term, len);

    if (count[0]) {
        rc = resources_put(b, b->post, key, klen, p,
                           count[0] * sizeof(uint32_t));
        if (rc != 0) {
            return rc;
        }
    }

    if (count[1] > count[0]) {
        key[0] = RESOURCES_PART_PRIVATE;

        rc = resources_put(b, b->post, key, klen, p + count[0],
                           (count[1] - count[0]) * sizeof(uint32_t));
        if (rc != 0) {
            return rc;
        }
    }

    /*
     * A frequent term: its public part as a bitmap too; a frequent word
     * also has the two bits of its fields as bitmaps (relevance ranks from
     * them)
     */

    if (b->ndocs >= RESOURCES_BITMAP_MIN && count[0] >= b->ndocs / 64
        && kind != RESOURCES_KIND_SERIES)
    {
        rc = resources_build_bitmaps(b, p, count[0], key, klen, shifted);
        if (rc != 0) {
            return rc;
        }
    }

    b->written += post->n * sizeof(uint32_t) + klen;

    if (b->written > RESOURCES_CHUNK_MAX) {
        b->written = 0;
        return resources_build_commit(b);
    }

    return 0;
}


/*
 * A term's value, in "terms" or in "tids": the term, its public display,
 * flen bytes of its folded form (none in "terms"), the private display
 * when it differs (extra bytes of all's)
 */

static int
resources_build_term_put(resources_build_t *b, MDB_dbi dbi, void *key,
    size_t klen, const resources_term_t *rt, const resources_spelling_t *sp,
    const u_char *folded, size_t flen, const resources_spelling_t *all,
    size_t extra)
{
    int      rc;
    u_char  *buf;
    MDB_val  k, d;

    k.mv_size = klen;
    k.mv_data = key;
    d.mv_size = sizeof(resources_term_t) + sp->len + flen + extra;

    rc = mdb_put(b->txn, dbi, &k, &d, MDB_RESERVE);
    if (rc != 0) {
        return rc;
    }

    buf = d.mv_data;
    memcpy(buf, rt, sizeof(resources_term_t));
    buf += sizeof(resources_term_t);
    memcpy(buf, sp->data, sp->len);
    buf += sp->len;
    memcpy(buf, folded, flen);
    memcpy(buf + flen, all->data, extra);

    return 0;
}


static int
resources_build_terms(resources_build_t *b, const uint32_t *doc_of,
    const u_char *priv_doc, resources_facets_t *facets, uint32_t *nterms)
{
    int                          rc;
    size_t                       klen, extra;
    uint32_t                     i, tid, v;
    resources_term_t             rt;
    resources_vec_t              table;
    resources_bterm_t           *t;
    const resources_spelling_t  *sp, *all;
    u_char                       key[2 + RESOURCES_TERM_MAX];

    memset(&table, 0, sizeof(resources_vec_t));

    for (i = 0; i < b->nterms; i++) {
        t = &b->terms[i];

        resources_build_order(doc_of, priv_doc, b->ndocs, &t->post, 0,
                              t->count, &b->scratch);

        rc = resources_build_posting(b, &t->post, 0, t->kind, t->folded,
                                     t->folded_len, t->count);
        if (rc != 0) {
            return rc;
        }

        /* a frequent term (it has a bitmap): its facets too */

        if (facets && t->count[0] >= b->ndocs / 64
            && t->kind != RESOURCES_KIND_SERIES)
        {
            resources_facets_table(facets, t->post.elts, t->count[0],
                                   &table);

            klen = resources_post_key(key, RESOURCES_PART_FACETS, t->kind,
                                      t->folded, t->folded_len);

            rc = resources_put(b, b->post, key, klen, table.elts,
                               table.n * sizeof(uint32_t));
            if (rc != 0) {
                resources_vec_free(&table);
                return rc;
            }
        }

        if (t->kind != RESOURCES_KIND_SERIES) {
            v = (t->kind == RESOURCES_KIND_TYPE) ? 2 : 0;

            nterms[v] += t->count[0] > 0;
            nterms[v + 1]++;
        }

        /* the public view's spelling, then the private view's if not */

        sp = resources_build_display(t, 0);
        all = resources_build_display(t, 1);
        extra = (all == sp) ? 0 : all->len;

        rt.id = t->id;
        rt.count[0] = t->count[0];
        rt.count[1] = t->count[1];
        rt.display_len = sp->len;
        rt.folded_len = t->folded_len;

        /* "terms": kind, folded -> term, display */

        key[0] = t->kind;
        memcpy(key + 1, t->folded, t->folded_len);

        rc = resources_build_term_put(b, b->terms_db, key, 1 + t->folded_len,
                                      &rt, sp, t->folded, 0, all, extra);
        if (rc != 0) {
            return rc;
        }

        /* "tids": kind << 24 | id -> term, display, folded, display */

        tid = resources_tid_key(t->kind, t->id);

        rc = resources_build_term_put(b, b->tids, &tid, sizeof(uint32_t),
                                      &rt, sp, t->folded, t->folded_len, all,
                                      extra);
        if (rc != 0) {
            return rc;
        }

        resources_vec_free(&t->post);
    }

    resources_vec_free(&table);

    return 0;
}


/*
 * The words' postings are made ready (decoded, resources_build_order) by
 * helper threads, in the order they are written, while the calling thread
 * writes those that are; it makes one ready itself when no helper has
 * taken it.  Helpers stay at most RESOURCES_WORDS_AHEAD words ahead of the
 * writer: word i is made ready in ready[i % RESOURCES_WORDS_AHEAD], whose
 * memory serves again and again (new memory costs, resources_util.c).
 */

#define RESOURCES_WORDS_AHEAD  8

typedef struct {
    resources_plist_t     *plist;
    resources_vec_t       *post;          /* once ready */
    const u_char          *word;
    uint32_t               len;
    uint32_t               count[2];
    int                    done;
} resources_wtask_t;


typedef struct {
    pthread_mutex_t        mutex;
    pthread_cond_t         cond;          /* a word ready, or one written */
    resources_wtask_t     *tasks;
    size_t                 ntasks;
    size_t                 next;          /* the first not taken */
    size_t                 written;
    const uint32_t        *doc_of;
    const u_char          *priv_doc;
    uint32_t               ndocs;
    resources_vec_t        ready[RESOURCES_WORDS_AHEAD];
} resources_sorter_t;


static void
resources_sorter_ready(resources_sorter_t *so, size_t i,
    resources_scratch_t *sc)
{
    resources_vec_t    *v;
    resources_wtask_t  *t;

    t = &so->tasks[i];
    v = &so->ready[i % RESOURCES_WORDS_AHEAD];

    v->n = 0;

    while (v->cap < t->plist->n) {
        resources_vec_grow(v);
    }

    resources_plist_decode(t->plist, v->elts);
    v->n = t->plist->n;
    t->post = v;

    resources_build_order(so->doc_of, so->priv_doc, so->ndocs, v, 1,
                          t->count, sc);
}


static void *
resources_sorter_thread(void *arg)
{
    resources_sorter_t  *so = arg;

    size_t                i;
    resources_scratch_t   sc;

    memset(&sc, 0, sizeof(resources_scratch_t));

    pthread_mutex_lock(&so->mutex);

    for ( ;; ) {
        while (so->next < so->ntasks
               && so->next >= so->written + RESOURCES_WORDS_AHEAD)
        {
            pthread_cond_wait(&so->cond, &so->mutex);
        }

        if (so->next == so->ntasks) {
            break;
        }

        i = so->next++;
        pthread_mutex_unlock(&so->mutex);

        resources_sorter_ready(so, i, &sc);

        pthread_mutex_lock(&so->mutex);
        so->tasks[i].done = 1;
        pthread_cond_broadcast(&so->cond);
    }

    pthread_mutex_unlock(&so->mutex);

    free(sc.sort);
    resources_vec_free(&sc.tmp);

    return NULL;
}


/* LMDB's order of the words' keys: bytes, then the shorter first */

static int
resources_cmp_wtask(const void *one, const void *two)
{
    int                       c;
    const resources_wtask_t  *a = one;
    const resources_wtask_t  *b = two;

    c = memcmp(a->word, b->word, (a->len < b->len) ? a->len : b->len);

    return c ? c : (a->len > b->len) - (a->len < b->len);
}


/* a union of the words a prefix starts: parts b, h, l of its kind */

static int
resources_build_union(void *data, const u_char *prefix, size_t len,
    const uint64_t *bits, size_t nw)
{
    resources_build_t  *b = data;

    int      rc;
    size_t   i;
    u_char   key[2 + RESOURCES_WORD_MAX];
    MDB_val  k, d;
    u_char   parts[3] = { RESOURCES_PART_BITMAP, RESOURCES_PART_FIELD_HI,
                          RESOURCES_PART_FIELD_LO };

    for (i = 0; i < 3; i++) {
        k.mv_size = resources_post_key(key, parts[i], RESOURCES_KIND_PREFIX,
                                       prefix, len);
        k.mv_data = key;
        d.mv_size = nw * sizeof(uint64_t);

        rc = mdb_put(b->txn, b->post, &k, &d, MDB_RESERVE);
        if (rc != 0) {
            return rc;
        }

        memcpy(d.mv_data, bits + i * nw, d.mv_size);
        b->written += d.mv_size;
    }

    return 0;
}


static int
resources_cmp_bform(const void *one, const void *two)
{
    int                        c;
    const resources_bform_t  *a = one;
    const resources_bform_t  *b = two;

    c = memcmp(a->surface, b->surface, (a->len < b->len) ? a->len : b->len);

    return c ? c : (a->len > b->len) - (a->len < b->len);
}


/*
 * The word list, "meta" "words" (resources_typos.h): the words in key
 * order (their offsets, flags and text made as they were written, in
 * off, flags, text), then the word forms sorted, each with its word's
 * index; a form whose word no resource has (a refused record's) is left
 * out
 */

static int
resources_build_typo_index(resources_build_t *b, const u_char *words,
    size_t len)
{
    int                 rc;
    void               *ix;
    size_t              size;
    const char         *err;
    resources_typos_t   wl;

    if (resources_typos_check(words, len, &wl) != 0) {
        fprintf(stderr, "resources-load: the word list made is malformed"
                " (a bug)\n");
        return MDB_INCOMPATIBLE;
    }

    ix = resources_typos_index_make(&wl.forms, &size, &err);
    if (ix == NULL) {
        fprintf(stderr, "resources-load: the typo index: %s\n", err);
        return MDB_INCOMPATIBLE;
    }

    rc = resources_put(b, b->meta, "typoix", 6, ix, size);

    free(ix);

    return rc;
}


static int
resources_build_word_list(resources_build_t *b, resources_wtask_t *tasks,
    size_t n, resources_buf_t *off, resources_buf_t *flags,
    resources_buf_t *text)
{
    int                 rc;
    size_t              i, lo, hi, mid;
    uint32_t            v, nf;
    resources_buf_t     all, foff, fstem, fflags, ftext;
    resources_wtask_t   key;
    resources_bform_t  *f;

    memset(&all, 0, sizeof(resources_buf_t));
    memset(&foff, 0, sizeof(resources_buf_t));
    memset(&fstem, 0, sizeof(resources_buf_t));
    memset(&fflags, 0, sizeof(resources_buf_t));
    memset(&ftext, 0, sizeof(resources_buf_t));

    v = RESOURCES_TYPOS_MAGIC;
    resources_buf_put(&all, &v, sizeof(uint32_t));
    v = (uint32_t) n;
    resources_buf_put(&all, &v, sizeof(uint32_t));
    v = (uint32_t) text->len;
    resources_buf_put(&all, &v, sizeof(uint32_t));
    resources_buf_put(&all, off->data, off->len);
    resources_buf_put(&all, &v, sizeof(uint32_t));         /* off[n] */
    resources_buf_put(&all, flags->data, flags->len);
    resources_buf_put(&all, text->data, text->len);

    v = 0;
    resources_buf_put(&all, &v, (4 - all.len % 4) % 4);

    if (b->nforms) {
        qsort(b->forms, b->nforms, sizeof(resources_bform_t),
              resources_cmp_bform);
    }

    for (i = 0, nf = 0; i < b->nforms; i++) {
        f = &b->forms[i];

        key.word = f->stem;
        key.len = f->stem_len;

        for (lo = 0, hi = n; lo < hi; /* void */) {
            mid = lo + (hi - lo) / 2;

            if (resources_cmp_wtask(&tasks[mid], &key) < 0) {
                lo = mid + 1;

            } else {
                hi = mid;
            }
        }

        if (lo == n || resources_cmp_wtask(&tasks[lo], &key) != 0) {
            continue;
        }

        v = (uint32_t) ftext.len;
        resources_buf_put(&foff, &v, sizeof(uint32_t));
        v = (uint32_t) lo;
        resources_buf_put(&fstem, &v, sizeof(uint32_t));
        resources_buf_put(&fflags, (u_char *) (f->pub ? "\001" : "\000"), 1);
        resources_buf_put(&ftext, f->surface, f->len);
        nf++;
    }

    v = nf;
    resources_buf_put(&all, &v, sizeof(uint32_t));
    v = (uint32_t) ftext.len;
    resources_buf_put(&all, &v, sizeof(uint32_t));
    resources_buf_put(&all, foff.data, foff.len);
    resources_buf_put(&all, &v, sizeof(uint32_t));         /* foff[nf] */
    resources_buf_put(&all, fstem.data, fstem.len);
    resources_buf_put(&all, fflags.data, fflags.len);
    resources_buf_put(&all, ftext.data, ftext.len);

    rc = resources_put(b, b->meta, "words", 5, all.data, all.len);

    /* the typo index of the forms, read back from the value as written */

    if (rc == 0) {
        rc = resources_build_typo_index(b, all.data, all.len);
    }

    resources_buf_free(&all);
    resources_buf_free(&foff);
    resources_buf_free(&fstem);
    resources_buf_free(&fflags);
    resources_buf_free(&ftext);

    return rc;
}


static int
resources_build_words(resources_build_t *b, const uint32_t *doc_of,
    const u_char *priv_doc)
{
    int                    rc, mine;
    size_t                 i, n;
    uint32_t              *lens, *sizes;
    unsigned               h, nhelpers;
    pthread_t             *helpers;
    const u_char         **words;
    uint32_t               off;
    resources_buf_t        wl_off, wl_flags, wl_text;
    resources_slot_t      *slot;
    resources_wtask_t     *t;
    resources_sorter_t     so;
    resources_prefixes_t  *pr;

    memset(&wl_off, 0, sizeof(resources_buf_t));
    memset(&wl_flags, 0, sizeof(resources_buf_t));
    memset(&wl_text, 0, sizeof(resources_buf_t));

    memset(&so, 0, sizeof(resources_sorter_t));
    so.doc_of = doc_of;
    so.priv_doc = priv_doc;
    so.ndocs = b->ndocs;
    so.tasks = resources_xmalloc((b->nwords + 1) * sizeof(resources_wtask_t));

    for (i = 0, n = 0; i < b->wordh.size; i++) {
        slot = &b->wordh.slots[i];

        if (slot->key) {
            t = &so.tasks[n++];
            t->plist = &b->words[slot->value].post;
            t->post = NULL;
            t->word = slot->key;
            t->len = slot->len;
            t->done = 0;
        }
    }

    so.ntasks = n;

    /*
     * In key order: the words a prefix starts come one after the other
     * (resources_prefixes), and LMDB's pages fill in order
     */

    qsort(so.tasks, n, sizeof(resources_wtask_t), resources_cmp_wtask);

    pr = NULL;
    words = NULL;
    lens = NULL;

    if (b->ndocs >= RESOURCES_BITMAP_MIN) {
        words = resources_xmalloc((n + 1) * sizeof(u_char *));
        lens = resources_xmalloc((n + 1) * 2 * sizeof(uint32_t));
        sizes = lens + n + 1;

        for (i = 0; i < n; i++) {
            words[i] = so.tasks[i].word;
            lens[i] = so.tasks[i].len;
            sizes[i] = so.tasks[i].plist->n;
        }

        pr = resources_prefixes_create(words, lens, sizes, n, b->ndocs,
                                       resources_build_union, b);
    }

    pthread_mutex_init(&so.mutex, NULL);
    pthread_cond_init(&so.cond, NULL);

    helpers = NULL;
    nhelpers = 0;

    if (b->threads) {
        helpers = resources_xmalloc(b->threads * sizeof(pthread_t));
        nhelpers = resources_threads_start(helpers, b->threads,
                                           resources_sorter_thread, &so, 0);
    }

    rc = 0;

    for (i = 0; i < n; i++) {
        t = &so.tasks[i];

        pthread_mutex_lock(&so.mutex);

        mine = (so.next == i);

        if (mine) {
            so.next++;

        } else {
            while (!t->done) {
                pthread_cond_wait(&so.cond, &so.mutex);
            }
        }

        pthread_mutex_unlock(&so.mutex);

        if (mine) {
            resources_sorter_ready(&so, i, &b->scratch);
        }

        if (rc == 0) {
            rc = resources_build_posting(b, t->post, 1, RESOURCES_KIND_WORD,
                                         t->word, t->len, t->count);
        }

        if (rc == 0 && pr) {
            rc = resources_prefixes_add(pr, i, t->post->elts, t->count[0]);
        }

        /* the word list ("meta" "words", resources_typos.h) */

        off = (uint32_t) wl_text.len;
        resources_buf_put(&wl_off, (u_char *) &off, sizeof(uint32_t));
        resources_buf_put(&wl_flags,
                          (u_char *) (t->count[0] ? "\001" : "\000"), 1);
        resources_buf_put(&wl_text, t->word, t->len);

        resources_plist_free(t->plist);

        pthread_mutex_lock(&so.mutex);
        so.written = i + 1;
        pthread_cond_broadcast(&so.cond);
        pthread_mutex_unlock(&so.mutex);
    }

    for (h = 0; h < nhelpers; h++) {
        pthread_join(helpers[h], NULL);
    }

    free(helpers);

    if (pr) {
        resources_prefixes_free(pr);
        free(words);
        free(lens);
    }

    for (h = 0; h < RESOURCES_WORDS_AHEAD; h++) {
        resources_vec_free(&so.ready[h]);
    }

    pthread_mutex_destroy(&so.mutex);
    pthread_cond_destroy(&so.cond);

    if (rc == 0) {
        rc = resources_build_word_list(b, so.tasks, n, &wl_off, &wl_flags,
                                       &wl_text);
    }

    free(so.tasks);

    resources_buf_free(&wl_off);
    resources_buf_free(&wl_flags);
    resources_buf_free(&wl_text);

    return rc;
}


/*
 * An id to sort, all that writing it takes: its first 16 bytes as two
 * big-endian numbers, padded with zeroes (no id has a zero byte:
 * resources_id_valid), so that comparing the numbers compares the bytes;
 * the id in the arena, for the rest; its docno.  Sorting them reads the
 * arena only for the ties, writing them reads it once per id, in order.
 */

typedef struct {
    uint64_t               head[2];
    const u_char          *key;
    uint32_t               len;
    uint32_t               docno;
} resources_idkey_t;


/*
 * The title order needs nothing but the records added: it is sorted by a
 * helper thread while the calling thread sorts the default order, writes
 * the columns and the ids (sorted in LMDB's key order, so that they are
 * appended).
 */

typedef struct {
    resources_build_t     *b;
    uint32_t              *bytitle;       /* ordinals in title order */
    resources_idkey_t     *ids;           /* in key order */
    size_t                 nids;
    resources_task_t       titles;
} resources_sorts_t;


/* 8 bytes as a big-endian number: comparing two compares the bytes */

static uint64_t
resources_get_be64(const u_char *p)
{
    uint64_t  v;
    unsigned  i;

    v = 0;

    for (i = 0; i < 8; i++) {
        v = (v << 8) | p[i];
    }

    return v;
}


/* LMDB's default order of keys: bytes, then the shorter one first */

static int
resources_cmp_idkey(const resources_idkey_t *x, const resources_idkey_t *y)
{
    int       c;
    uint32_t  len;

    if (x->head[0] != y->head[0]) {
        return (x->head[0] < y->head[0]) ? -1 : 1;
    }

    if (x->head[1] != y->head[1]) {
        return (x->head[1] < y->head[1]) ? -1 : 1;
    }

    len = (x->len < y->len) ? x->len : y->len;

    if (len > sizeof(x->head)) {
        c = memcmp(x->key + sizeof(x->head), y->key + sizeof(x->head),
                   len - sizeof(x->head));
        if (c != 0) {
            return c;
        }
    }

    return (x->len > y->len) - (x->len < y->len);
}


static int
resources_cmp_idkey_q(const void *one, const void *two)
{
    return resources_cmp_idkey(one, two);
}


/*
 * Sorts n ids whose first "depth" bytes are the same: a radix sort on the
 * byte at depth (MSD, through tmp), then each bucket on the next byte;
 * small buckets, and ties past the 16 bytes of the head, by comparisons
 */

static void
resources_sort_idkeys(resources_idkey_t *a, resources_idkey_t *tmp,
    size_t n, unsigned depth)
{
    size_t              i, j, at, count[257];
    unsigned            shift, byte;
    resources_idkey_t   k;

    if (n < 32) {
        for (i = 1; i < n; i++) {
            k = a[i];

            for (j = i; j > 0 && resources_cmp_idkey(&k, &a[j - 1]) < 0; j--)
            {
                a[j] = a[j - 1];
            }

            a[j] = k;
        }

        return;
    }

    if (depth >= sizeof(a->head)) {
        qsort(a, n, sizeof(resources_idkey_t), resources_cmp_idkey_q);
        return;
    }

    shift = 56 - 8 * (depth % 8);
    memset(count, 0, sizeof(count));

    for (i = 0; i < n; i++) {
        count[((a[i].head[depth / 8] >> shift) & 0xff) + 1]++;
    }

    for (byte = 0, at = 0; byte < 256; byte++) {
        at += count[byte + 1];
        count[byte + 1] = at;
    }

    /* count[b] is now where bucket b starts */

    for (i = 0; i < n; i++) {
        tmp[count[(a[i].head[depth / 8] >> shift) & 0xff]++] = a[i];
    }

    memcpy(a, tmp, n * sizeof(resources_idkey_t));

    /* count[b] is where bucket b ends; bucket 0 (the ids that ended) is
     * in order already: one id at most */

    for (byte = 1, at = count[0]; byte < 256; byte++) {
        if (count[byte] - at > 1) {
            resources_sort_idkeys(a + at, tmp, count[byte] - at, depth + 1);
        }

        at = count[byte];
    }
}


static void *
resources_build_sort_titles(void *arg)
{
    resources_sorts_t  *so = arg;

    size_t              i, n;
    resources_build_t  *b;

    b = so->b;
    n = b->ndocs;

    for (i = 0; i < n; i++) {
        so->bytitle[i] = (uint32_t) i;
    }

    qsort_r(so->bytitle, n, sizeof(uint32_t), resources_cmp_title, b);

    return NULL;
}


static void
resources_build_sort_ids(resources_build_t *b, resources_sorts_t *so,
    const uint32_t *doc_of)
{
    size_t                   i, n;
    u_char                   head[sizeof(((resources_idkey_t *) 0)->head)];
    resources_idkey_t       *k, *tmp;
    const resources_slot_t  *slot;

    n = 0;

    for (i = 0; i < b->idh.size; i++) {
        slot = &b->idh.slots[i];

        if (slot->key == NULL) {
            continue;
        }

        memset(head, 0, sizeof(head));
        memcpy(head, slot->key,
               slot->len < sizeof(head) ? slot->len : sizeof(head));

        k = &so->ids[n++];
        k->head[0] = resources_get_be64(head);
        k->head[1] = resources_get_be64(head + 8);
        k->key = slot->key;
        k->len = slot->len;
        k->docno = doc_of[slot->value];
    }

    tmp = resources_xmalloc((n + 1) * sizeof(resources_idkey_t));
    resources_sort_idkeys(so->ids, tmp, n, 0);
    free(tmp);

    so->nids = n;
}


static void
resources_build_sorts_start(resources_build_t *b, resources_sorts_t *so)
{
    so->b = b;
    so->bytitle = resources_xmalloc((b->ndocs + 1) * sizeof(uint32_t));
    so->ids = resources_xmalloc((b->idh.n + 1) * sizeof(resources_idkey_t));

    resources_task_start(&so->titles, resources_build_sort_titles, so,
                         b->threads != 0);
}


static void
resources_build_sorts_wait(resources_sorts_t *so)
{
    resources_task_wait(&so->titles);
}


static int
resources_build_col(resources_build_t *b, const char *name, const void *data,
    size_t size)
{
    return resources_put(b, b->cols, name, strlen(name), data, size);
}


/*
 * The bytes that a value of len bytes takes at least: a value too large
 * for a leaf page (LMDB's limit: half a page, less its headers) takes
 * pages of its own, the first with a 16-byte header
 */

static off_t
resources_build_value(resources_build_t *b, size_t len)
{
    if (len <= b->psize / 2 - 32) {
        return (off_t) len;
    }

    return (off_t) ((len + 16 + b->psize - 1) / b->psize * b->psize);
}


/*
 * How far the file will grow at least, once the records are written: the
 * columns (41 bytes a resource, and more), the postings of the terms and
 * words (4 bytes an entry), the bitmaps of the ones that surely have some
 * (private entries aside); LMDB's pages and the unions of the prefixes,
 * the facets and the pair counts come on top.
 */

static off_t
resources_build_limit(resources_build_t *b)
{
    off_t     size, bits;
    size_t    i, n, min;

    bits = resources_build_value(b, RESOURCES_BITMAP_WORDS(b->ndocs)
                                    * sizeof(uint64_t));
    min = (b->ndocs >= RESOURCES_BITMAP_MIN) ? b->ndocs / 64 + b->nprivate
                                             : (size_t) -1;
    size = resources_build_end(b) + (off_t) b->ndocs * 40;

    for (i = 0; i < b->nterms; i++) {
        n = b->terms[i].post.n;
        size += resources_build_value(b, n * sizeof(uint32_t))
                + ((n >= min) ? bits : 0);
    }

    for (i = 0; i < b->nwords; i++) {
        n = b->words[i].post.n;
        size += resources_build_value(b, n * sizeof(uint32_t))
                + ((n >= min) ? 3 * bits : 0);
    }

    return size;
}


const char  *resources_build_step_names[RESOURCES_BUILD_STEPS] = {
    "the last records written, the columns, ids and titles",
    "keywords and types",
    "words",
    "pair counts",
    "commit"
};


/*
 * What finishing keeps between its steps: the orders, by ordinal and by
 * docno, and the columns that the facets read
 */

typedef struct {
    size_t                 n;
    uint32_t              *order;        /* docno -> ordinal */
    uint32_t              *doc_of;       /* ordinal -> docno */
    uint32_t              *col;          /* a column, before it is written */
    uint32_t              *all;          /* every docno << 2, public first */
    size_t                 npub;
    u_char                *priv_doc;
    resources_vec_t        kwoff;        /* by docno */
    resources_vec_t        kwids;
    resources_sorts_t      sorts;
    resources_facets_t     fc;
    resources_facets_t    *facets;       /* &fc, when terms have bitmaps */
    uint32_t               nterms[4];    /* resources_build_terms() */
    double                 t;            /* when the last step ended */
} resources_finish_t;


static void
resources_finish_free(resources_finish_t *fi)
{
    resources_build_sorts_wait(&fi->sorts);

    free(fi->order);
    free(fi->doc_of);
    free(fi->col);
    free(fi->all);
    free(fi->priv_doc);
    free(fi->sorts.bytitle);
    free(fi->sorts.ids);
    resources_vec_free(&fi->kwoff);
    resources_vec_free(&fi->kwids);
    free((void *) fi->fc.type);
    resources_facets_free(&fi->fc);
}


/* step i of st took from the end of the last step until now */

static void
resources_finish_lap(resources_finish_t *fi, resources_build_stats_t *st,
    int i)
{
    double  now;

    now = resources_clock();
    st->step[i] = now - fi->t;
    fi->t = now;
}


/* the header, last, and the dictionary of the packed records */

static int
resources_finish_header(resources_build_t *b, resources_finish_t *fi,
    resources_build_stats_t *st)
{
    int                 rc;
    uint64_t            h, hp;
    resources_header_t  hdr;

    resources_build_hashes(b, &h, &hp);

    memset(&hdr, 0, sizeof(resources_header_t));
    hdr.magic = RESOURCES_MAGIC;
    hdr.schema = RESOURCES_SCHEMA;
    hdr.built = b->built;
    resources_version_hex(h, st->version);
    memcpy(hdr.version, st->version, RESOURCES_VERSION_LEN);

    /*
     * the public view's version, and the time of the load that last
     * changed it: the published snapshot's when it has the same
     */

    hdr.flags = RESOURCES_HEADER_ALL
                & ~(b->no_gzip ? RESOURCES_HEADER_GZIP : 0)
                & ~(b->syn ? 0 : RESOURCES_HEADER_SYNONYMS);
    hdr.derived = RESOURCES_DERIVED;
    hdr.public_hash = hp;
    hdr.public_built = (b->published && b->public_hash == hp)
                       ? b->public_built : b->built;
    resources_version_hex(hp, st->public_version);
    hdr.ndocs = (uint32_t) fi->n;
    hdr.npublic = (uint32_t) fi->npub;
    hdr.nkeywords[0] = fi->nterms[0];
    hdr.nkeywords[1] = fi->nterms[1];
    hdr.ntypes[0] = fi->nterms[2];
    hdr.ntypes[1] = fi->nterms[3];
    hdr.nwords = b->nwords;
    hdr.tail_max = b->tail_max;

    if (b->pack && b->pack->len > 0) {
        rc = resources_put(b, b->meta, "dict", 4, b->pack->dict,
                           b->pack->len);
        if (rc != 0) {
            return rc;
        }
    }

    if (b->syn) {
        rc = resources_put(b, b->meta, RESOURCES_SYN_KEY,
                           sizeof(RESOURCES_SYN_KEY) - 1, b->syn, b->syn_len);
        if (rc != 0) {
            return rc;
        }
    }

    st->ndocs = hdr.ndocs;
    st->nprivate = hdr.ndocs - hdr.npublic;
    st->nkeywords = hdr.nkeywords[1];
    st->ntypes = hdr.ntypes[1];
    st->nwords = hdr.nwords;
    st->built = hdr.built;
    st->public_built = hdr.public_built;

    return resources_put(b, b->meta, "header", 6, &hdr,
                         sizeof(resources_header_t));
}


/* a column from a per-ordinal array, in docno order, through fi->col */

static int
resources_finish_col(resources_build_t *b, resources_finish_t *fi,
    const char *name, const uint32_t *by_ord)
{
    size_t  i;

    for (i = 0; i < fi->n; i++) {
        fi->col[i] = by_ord[fi->order[i]];
    }

    return resources_build_col(b, name, fi->col, fi->n * sizeof(uint32_t));
}


/*
 * The update order: the docnos by their "updated" day, else their date,
 * newest first ("byupdated"), and each docno's rank in it ("updated")
 */

static int
resources_finish_updated(resources_build_t *b, resources_finish_t *fi)
{
    int        rc;
    size_t     i;
    uint32_t   ord, *date, *by;

    date = resources_xmalloc((fi->n + 1) * sizeof(uint32_t));
    by = resources_xmalloc((fi->n + 1) * sizeof(uint32_t));

    for (i = 0; i < fi->n; i++) {
        ord = fi->order[i];
        date[i] = b->updated[ord] ? b->updated[ord] : b->date[ord];
    }

    resources_sort_newest(date, fi->n, by);

    rc = resources_build_col(b, "byupdated", by, fi->n * sizeof(uint32_t));

    if (rc == 0) {
        for (i = 0; i < fi->n; i++) {
            fi->col[by[i]] = (uint32_t) i;
        }

        rc = resources_build_col(b, "updated", fi->col,
                                 fi->n * sizeof(uint32_t));
    }

    free(date);
    free(by);

    return rc;
}


/* the columns of the docnos: rec, order, date, private, type, keywords */

static int
resources_finish_columns(resources_build_t *b, resources_finish_t *fi)
{
    int        rc;
    size_t     i, kw;
    uint64_t  *rec;

    rec = resources_xmalloc((fi->n + 1) * sizeof(uint64_t));

    for (i = 0; i < fi->n; i++) {
        rec[i] = b->loc[fi->order[i]];
    }

    rc = resources_build_col(b, "rec", rec, fi->n * sizeof(uint64_t));
    free(rec);

    if (rc == 0) {
        rc = resources_build_col(b, "order", fi->order,
                                 fi->n * sizeof(uint32_t));
    }

    if (rc == 0) {
        rc = resources_finish_col(b, fi, "date", b->date);
    }

    if (rc == 0) {
        rc = resources_build_col(b, "private", fi->priv_doc, fi->n);
    }

    if (rc == 0) {
        rc = resources_finish_col(b, fi, "type", b->type);
    }

    if (rc == 0) {
        rc = resources_finish_updated(b, fi);
    }

    if (rc == 0) {

        /* the titles' signatures, by docno (resources_title_sig) */

        rec = resources_xmalloc((fi->n + 1) * 2 * sizeof(uint64_t));

        for (i = 0; i < fi->n; i++) {
            rec[2 * i] = b->tsig[2 * fi->order[i]];
            rec[2 * i + 1] = b->tsig[2 * fi->order[i] + 1];
        }

        rc = resources_build_col(b, "tsig", rec,
                                 fi->n * 2 * sizeof(uint64_t));
        free(rec);
    }

    if (rc != 0) {
        return rc;
    }

    for (i = 0; i < fi->n; i++) {
        resources_vec_push(&fi->kwoff, fi->kwids.n);

        for (kw = b->kwoff[fi->order[i]]; kw < b->kwoff[fi->order[i] + 1];
             kw++)
        {
            resources_vec_push(&fi->kwids, b->kwids.elts[kw]);
        }
    }

    resources_vec_push(&fi->kwoff, fi->kwids.n);

    rc = resources_build_col(b, "kwoff", fi->kwoff.elts,
                             fi->kwoff.n * sizeof(uint32_t));
    if (rc != 0) {
        return rc;
    }

    return resources_build_col(b, "kwids", fi->kwids.elts,
                               fi->kwids.n * sizeof(uint32_t));
}


/*
 * The ids, in key order: appended (a cursor left open on an error goes
 * with the transaction); then the title ranks and, the other way round,
 * the docnos in title order
 */

static int
resources_finish_ids(resources_build_t *b, resources_finish_t *fi)
{
    int          rc;
    size_t       i;
    MDB_val      k, d;
    MDB_cursor  *cur;

    resources_build_sort_ids(b, &fi->sorts, fi->doc_of);

    rc = mdb_cursor_open(b->txn, b->ids, &cur);
    if (rc != 0) {
        return rc;
    }

    for (i = 0; i < fi->sorts.nids; i++) {
        k.mv_size = fi->sorts.ids[i].len;
        k.mv_data = (void *) fi->sorts.ids[i].key;
        d.mv_size = sizeof(uint32_t);
        d.mv_data = &fi->sorts.ids[i].docno;

        rc = mdb_cursor_put(cur, &k, &d, MDB_APPEND);
        if (rc != 0) {
            return rc;
        }
    }

    mdb_cursor_close(cur);

    resources_build_sorts_wait(&fi->sorts);

    for (i = 0; i < fi->n; i++) {
        fi->col[fi->doc_of[fi->sorts.bytitle[i]]] = (uint32_t) i;
    }

    rc = resources_build_col(b, "title", fi->col, fi->n * sizeof(uint32_t));
    if (rc != 0) {
        return rc;
    }

    for (i = 0; i < fi->n; i++) {
        fi->col[i] = fi->doc_of[fi->sorts.bytitle[i]];
    }

    return resources_build_col(b, "bytitle", fi->col,
                               fi->n * sizeof(uint32_t));
}


/*
 * Every docno (kind "*"): the public ones, then the private ones after
 * them (the public ones are kept for the whole view's facets, below)
 */

static int
resources_finish_all(resources_build_t *b, resources_finish_t *fi)
{
    int     rc;
    size_t  i, np;
    u_char  key[2];

    fi->npub = 0;
    np = fi->n - b->nprivate;

    for (i = 0; i < fi->n; i++) {
        if (fi->priv_doc[i]) {
            fi->all[np++] = (uint32_t) i << 2;

        } else {
            fi->all[fi->npub++] = (uint32_t) i << 2;
        }
    }

    key[0] = RESOURCES_PART_PUBLIC;
    key[1] = RESOURCES_KIND_ALL;

    if (fi->npub) {
        rc = resources_put(b, b->post, key, 2, fi->all,
                           fi->npub * sizeof(uint32_t));
        if (rc != 0) {
            return rc;
        }
    }

    key[0] = RESOURCES_PART_PRIVATE;

    if (fi->npub < fi->n) {
        return resources_put(b, b->post, key, 2, fi->all + fi->npub,
                             (fi->n - fi->npub) * sizeof(uint32_t));
    }

    return 0;
}


/*
 * A frequent term's facets are counted once, by the loader (the same
 * terms as have bitmaps): they need each docno's type, date and keywords,
 * and the folded order of the terms (kwsorted, typesorted: a term's id at
 * each rank)
 */

static void
resources_finish_facets(resources_build_t *b, resources_finish_t *fi,
    const uint32_t *kwsorted, uint32_t nk, const uint32_t *typesorted,
    uint32_t nt)
{
    size_t               i, n;
    uint32_t            *fa;
    resources_facets_t  *fc;

    n = fi->n;
    fc = &fi->fc;
    fa = resources_xmalloc((2 * n + nk + nt + 1) * sizeof(uint32_t));

    fc->type = fa;
    fc->date = fa + n;
    fc->kwrank = fa + 2 * n;
    fc->typerank = fa + 2 * n + nk;
    fc->kwoff = fi->kwoff.elts;
    fc->kwids = fi->kwids.elts;
    fc->nkeywords = nk;
    fc->ntypes = nt;

    for (i = 0; i < n; i++) {
        fa[i] = b->type[fi->order[i]];
        fa[n + i] = b->date[fi->order[i]];
    }

    for (i = 0; i < nk; i++) {
        fa[2 * n + kwsorted[i]] = (uint32_t) i;
    }

    for (i = 0; i < nt; i++) {
        fa[2 * n + nk + typesorted[i]] = (uint32_t) i;
    }

    fi->facets = fc;
}


/* term ids in folded order, per kind: facets break ties with it */

static int
resources_finish_sorted(resources_build_t *b, resources_finish_t *fi)
{
    int        rc;
    size_t     i;
    uint32_t  *idx, *kwsorted, *typesorted, nk, nt;

    idx = resources_xmalloc((b->nterms + 1) * sizeof(uint32_t));
    kwsorted = resources_xmalloc((b->nkind[0] + 1) * sizeof(uint32_t));
    typesorted = resources_xmalloc((b->nkind[1] + 1) * sizeof(uint32_t));

    for (i = 0; i < b->nterms; i++) {
        idx[i] = (uint32_t) i;
    }

    qsort_r(idx, b->nterms, sizeof(uint32_t), resources_cmp_term, b);

    for (i = 0, nk = 0, nt = 0; i < b->nterms; i++) {
        if (b->terms[idx[i]].kind == RESOURCES_KIND_TYPE) {
            typesorted[nt++] = b->terms[idx[i]].id;

        } else if (b->terms[idx[i]].kind == RESOURCES_KIND_KEYWORD) {
            kwsorted[nk++] = b->terms[idx[i]].id;
        }
    }

    rc = resources_build_col(b, "kwsorted", kwsorted, nk * sizeof(uint32_t));

    if (rc == 0) {
        rc = resources_build_col(b, "typesorted", typesorted,
                                 nt * sizeof(uint32_t));
    }

    if (rc == 0 && fi->n >= RESOURCES_BITMAP_MIN) {
        resources_finish_facets(b, fi, kwsorted, nk, typesorted, nt);
    }

    free(idx);
    free(kwsorted);
    free(typesorted);

    return rc;
}


/* the facets of the whole public view (a request without a filter) */

static int
resources_finish_view_facets(resources_build_t *b, resources_finish_t *fi)
{
    int              rc;
    u_char           key[2];
    resources_vec_t  table;

    if (fi->facets == NULL) {
        return 0;
    }

    memset(&table, 0, sizeof(resources_vec_t));
    resources_facets_table(fi->facets, fi->all, fi->npub, &table);

    key[0] = RESOURCES_PART_FACETS;
    key[1] = RESOURCES_KIND_ALL;

    rc = resources_put(b, b->post, key, 2, table.elts,
                       table.n * sizeof(uint32_t));
    resources_vec_free(&table);

    return rc;
}


/*
 * Sorts and writes everything but the records (written as they came):
 * the columns, the ids, the "*" postings, the terms, the words, the pair
 * counts, the header; then commits
 */

int
resources_build_finish(resources_build_t *b, resources_build_stats_t *st,
    char *err, size_t errlen)
{
    int                 rc, fd;
    size_t              i, n;
    struct stat         sb;
    resources_finish_t  fi;

    n = b->ndocs;
    memset(&fi, 0, sizeof(resources_finish_t));
    fi.n = n;
    fi.t = resources_clock();

    resources_build_sorts_start(b, &fi.sorts);

    fi.order = resources_xmalloc((n + 1) * sizeof(uint32_t));
    fi.doc_of = resources_xmalloc((n + 1) * sizeof(uint32_t));
    fi.col = resources_xmalloc((n + 1) * sizeof(uint32_t));
    fi.all = resources_xmalloc((n + 1) * sizeof(uint32_t));
    fi.priv_doc = resources_xmalloc(n + 1);

    if (n > 0) {
        b->kwoff[n] = b->kwids.n;
    }

    /* the default order: newest first, undated last, ties in input order */

    resources_build_default_order(b, fi.order);

    for (i = 0; i < n; i++) {
        fi.doc_of[fi.order[i]] = (uint32_t) i;
        fi.priv_doc[i] = b->priv[fi.order[i]];
    }

    rc = resources_build_foreground(b);

    if (rc == 0) {
        rc = resources_build_flush(b);
    }

    if (rc != 0) {
        goto failed;
    }

    /*
     * The file grows by half again from here (1.88 to 2.87 GB at a
     * million resources), written by the main thread alone: a helper puts
     * the new pages in the page cache ahead of it, on the idle CPU
     * (resources_prefault.h)
     */

    if (b->threads && mdb_env_get_fd(b->env, &fd) == 0) {
        b->prefault = resources_prefault_start(fd, resources_build_end(b),
                                               resources_build_limit(b));
    }

    if ((rc = resources_finish_columns(b, &fi)) != 0
        || (rc = resources_finish_ids(b, &fi)) != 0
        || (rc = resources_finish_all(b, &fi)) != 0
        || (rc = resources_finish_sorted(b, &fi)) != 0
        || (rc = resources_finish_view_facets(b, &fi)) != 0)
    {
        goto failed;
    }

    resources_finish_lap(&fi, st, 0);

    rc = resources_build_terms(b, fi.doc_of, fi.priv_doc, fi.facets,
                               fi.nterms);
    if (rc != 0) {
        goto failed;
    }

    resources_finish_lap(&fi, st, 1);

    rc = resources_build_words(b, fi.doc_of, fi.priv_doc);
    if (rc != 0) {
        goto failed;
    }

    resources_finish_lap(&fi, st, 2);

    /* the pair counts of every bitmap just written (nothing put between) */

    if (n >= RESOURCES_BITMAP_MIN) {
        rc = resources_pairs_write(b->txn, b->post, (uint32_t) n, b->threads,
                                   &b->written);
        if (rc != 0) {
            goto failed;
        }
    }

    resources_finish_lap(&fi, st, 3);

    rc = resources_finish_header(b, &fi, st);
    if (rc != 0) {
        goto failed;
    }

    rc = mdb_txn_commit(b->txn);
    b->txn = NULL;

    if (rc != 0) {
        goto failed;
    }

    rc = resources_prefault_stop(b->prefault, resources_build_end(b));
    b->prefault = NULL;

    if (rc != 0) {
        goto failed;
    }

    /* the caller syncs the file (resources-load: while it verifies it) */

    resources_finish_lap(&fi, st, 4);

    st->size = 0;

    if (mdb_env_get_fd(b->env, &fd) == 0 && fstat(fd, &sb) == 0) {
        st->size = (uint64_t) sb.st_size;
    }

    resources_finish_free(&fi);

    return 0;

failed:

    resources_build_write_error(b, rc, err, errlen);
    resources_finish_free(&fi);

    return -1;
}
