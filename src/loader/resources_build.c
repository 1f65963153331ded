/*
 * Copyright (C) ngx_http_resources authors
 */


#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <lmdb.h>

#include "resources_build.h"
#include "resources_postings.h"
#include "resources_text.h"
#include "resources_util.h"


/* the address space for the new file when the input's size is unknown */
#define RESOURCES_BUILD_MAPSIZE   ((size_t) 64 << 30)


typedef struct resources_spelling_s  resources_spelling_t;

struct resources_spelling_s {
    resources_spelling_t  *next;
    const u_char          *data;
    uint32_t               len;
    uint32_t               count;
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
    resources_vec_t        post;          /* ordinal << 2 | field */
    uint32_t               last;          /* ordinal + 1 of the last entry */
} resources_bword_t;


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
    uint32_t               nkind[2];      /* keywords, types */

    resources_bword_t     *words;
    uint32_t               nwords;
    uint32_t               words_cap;

    /* per ordinal */
    uint32_t               ndocs;
    uint32_t               docs_cap;
    uint64_t              *loc;           /* chunk << 32 | offset */

    /* the chunk of records being filled */
    u_char                *chunk;
    size_t                 chunk_len;
    uint32_t               nchunks;
    uint32_t              *date;
    u_char                *priv;
    uint32_t              *type;
    uint32_t              *kwoff;
    const u_char         **title;
    uint32_t              *title_len;
    resources_vec_t        kwids;
    uint32_t               nprivate;

    uint64_t               hash;

    /* scratch */
    u_char                *fold;
    size_t                 fold_cap;
    u_char                *json;
    size_t                 json_cap;
    uint32_t               field;
    resources_vec_t        tmp;
    size_t                 written;        /* since the last commit */
    uint32_t              *sort;
    size_t                 sort_cap;
};


#define vec_tmp_push(b, x)  resources_vec_push(&(b)->tmp, x)


static const char  *resources_canonical[] = {
    "id", "title", "type", "private", "date", "updated", "keywords", "tags",
    "series", "number", "summary", "body", "links", NULL
};


#define resources_build_error(...)                                           \
    do { snprintf(err, errlen, __VA_ARGS__); goto failed; } while (0)


resources_build_t *
resources_build_create(const char *path, size_t mapsize, char *err,
    size_t errlen)
{
    int                 rc;
    resources_build_t  *b;

    b = resources_xmalloc(sizeof(resources_build_t));
    memset(b, 0, sizeof(resources_build_t));

    resources_arena_init(&b->arena);
    resources_hash_init(&b->idh, &b->arena);
    resources_hash_init(&b->termh, &b->arena);
    resources_hash_init(&b->wordh, &b->arena);
    b->hash = 0xcbf29ce484222325ULL;
    b->hash = resources_fnv1a(b->hash, "schema1\n", 8);
    b->chunk = resources_xmalloc(RESOURCES_CHUNK_MAX);
    b->json_cap = 64 * 1024;
    b->json = resources_xmalloc(b->json_cap);

    rc = mdb_env_create(&b->env);
    if (rc != 0) {
        resources_build_error("mdb_env_create: %s", mdb_strerror(rc));
    }

    mdb_env_set_maxdbs(b->env, RESOURCES_MAXDBS);
    mdb_env_set_mapsize(b->env, mapsize ? mapsize : RESOURCES_BUILD_MAPSIZE);

    rc = mdb_env_open(b->env, path,
                      MDB_NOSUBDIR | MDB_NOLOCK | MDB_NOSYNC | MDB_NOMETASYNC,
                      0644);
    if (rc != 0) {
        resources_build_error("%s: %s", path, mdb_strerror(rc));
    }

    rc = mdb_txn_begin(b->env, NULL, 0, &b->txn);
    if (rc != 0) {
        resources_build_error("mdb_txn_begin: %s", mdb_strerror(rc));
    }

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
        resources_build_error("mdb_dbi_open: %s", mdb_strerror(rc));
    }

    return b;

failed:

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
        resources_vec_free(&b->words[i].post);
    }

    free(b->terms);
    free(b->words);
    free(b->date);
    free(b->priv);
    free(b->type);
    free(b->kwoff);
    free(b->title);
    free(b->title_len);
    free(b->loc);
    free(b->chunk);
    resources_vec_free(&b->tmp);
    free(b->sort);
    resources_vec_free(&b->kwids);
    free(b->fold);
    free(b->json);

    resources_hash_free(&b->idh);
    resources_hash_free(&b->termh);
    resources_hash_free(&b->wordh);
    resources_arena_free(&b->arena);

    free(b);
}


static int
resources_build_commit(resources_build_t *b)
{
    int  rc;

    rc = mdb_txn_commit(b->txn);
    b->txn = NULL;

    if (rc != 0) {
        return rc;
    }

    return mdb_txn_begin(b->env, NULL, 0, &b->txn);
}


uint32_t
resources_parse_date(const char *s, int day)
{
    static const int  mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
                                  30, 31 };
    size_t  len, i;
    int     y, m, d;

    len = strlen(s);

    if (len != 7 && len != 10) {
        return 0;
    }

    if (day && len != 10) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-') {
                return 0;
            }

        } else if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }

    y = atoi(s);
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = 0;

    if (y < 1000 || m < 1 || m > 12) {
        return 0;
    }

    if (len == 10) {
        d = (s[8] - '0') * 10 + (s[9] - '0');

        if (d < 1 || d > mdays[m - 1]) {
            return 0;
        }

        if (m == 2 && d == 29
            && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        {
            return 0;
        }
    }

    return (uint32_t) (y * 10000 + m * 100 + d);
}


/* folds s into b->fold; returns the length, or -1 (invalid UTF-8) */

static ssize_t
resources_build_fold(resources_build_t *b, const char *s, size_t len)
{
    size_t  need;

    need = len * RESOURCES_FOLD_RATIO + 16;

    if (b->fold_cap < need) {
        free(b->fold);
        b->fold_cap = need;
        b->fold = resources_xmalloc(need);
    }

    return resources_fold((const u_char *) s, len, b->fold, b->fold_cap);
}


/*
 * Writes the chunk of records being filled and commits: a transaction per
 * chunk keeps the loader's memory (LMDB's dirty pages) bounded.
 */

static int
resources_build_flush(resources_build_t *b)
{
    int      rc;
    MDB_val  k, d;

    if (b->chunk_len == 0) {
        return 0;
    }

    if (b->nchunks == RESOURCES_CHUNKS_MAX) {
        return MDB_MAP_FULL;
    }

    k.mv_size = sizeof(uint32_t);
    k.mv_data = &b->nchunks;
    d.mv_size = b->chunk_len;
    d.mv_data = b->chunk;

    rc = mdb_put(b->txn, b->heap, &k, &d, MDB_APPEND);
    if (rc != 0) {
        return rc;
    }

    b->nchunks++;
    b->chunk_len = 0;

    return resources_build_commit(b);
}


static resources_bterm_t *
resources_build_term(resources_build_t *b, u_char kind, const u_char *folded,
    size_t len)
{
    u_char              key[RESOURCES_KEY_MAX];
    size_t              klen;
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

    resources_hash_set(&b->termh, slot, key, klen, b->nterms);

    t = &b->terms[b->nterms++];
    memset(t, 0, sizeof(resources_bterm_t));

    t->kind = kind;
    t->id = b->nkind[kind == RESOURCES_KIND_TYPE]++;
    t->folded = slot->key + 1;
    t->folded_len = (uint32_t) len;

    return t;
}


static void
resources_build_spelling(resources_build_t *b, resources_bterm_t *t,
    const char *s, size_t len)
{
    resources_spelling_t  *sp;

    for (sp = t->spellings; sp; sp = sp->next) {
        if (sp->len == len && memcmp(sp->data, s, len) == 0) {
            sp->count++;
            return;
        }
    }

    sp = resources_arena_alloc(&b->arena, sizeof(resources_spelling_t));
    sp->data = resources_arena_dup(&b->arena, (const u_char *) s, len);
    sp->len = (uint32_t) len;
    sp->count = 1;
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


static const resources_spelling_t *
resources_build_display(const resources_bterm_t *t)
{
    const resources_spelling_t  *sp, *best;

    best = t->spellings;

    for (sp = t->spellings; sp; sp = sp->next) {
        if (sp->count > best->count) {
            best = sp;
        }
    }

    return best;
}


static int
resources_build_word(void *data, const u_char *word, size_t len,
    unsigned flags)
{
    resources_build_t  *b = data;

    uint32_t            ord, *e;
    resources_slot_t   *slot;
    resources_bword_t  *w;

    if (flags & RESOURCES_WORD_STOP) {
        return 0;
    }

    slot = resources_hash_find(&b->wordh, word, len);

    if (slot->key) {
        w = &b->words[slot->value];

    } else {
        if (b->nwords == b->words_cap) {
            b->words_cap = b->words_cap ? b->words_cap * 2 : 1024;
            b->words = resources_xrealloc(b->words,
                                  b->words_cap * sizeof(resources_bword_t));
        }

        resources_hash_set(&b->wordh, slot, word, len, b->nwords);

        w = &b->words[b->nwords++];
        memset(w, 0, sizeof(resources_bword_t));
    }

    ord = b->ndocs;

    if (w->last == ord + 1) {
        e = &w->post.elts[w->post.n - 1];

        if (RESOURCES_FIELD(*e) < b->field) {
            *e = (ord << 2) | b->field;
        }

        return 0;
    }

    resources_vec_push(&w->post, (ord << 2) | b->field);
    w->last = ord + 1;

    return 0;
}


static int
resources_build_text(resources_build_t *b, const char *s, size_t len,
    uint32_t field)
{
    ssize_t  n;

    n = resources_build_fold(b, s, len);
    if (n < 0) {
        return -1;
    }

    b->field = field;

    return resources_words(b->fold, (size_t) n, resources_build_word, b);
}


static int
resources_is_canonical(const char *key)
{
    const char  **k;

    for (k = resources_canonical; *k; k++) {
        if (strcmp(*k, key) == 0) {
            return 1;
        }
    }

    return 0;
}


static int
resources_optional_string(json_t *rec, const char *name, json_t **out,
    char *err, size_t errlen)
{
    json_t  *v;

    v = json_object_get(rec, name);

    if (v == NULL || json_is_null(v)) {
        *out = NULL;
        return 0;
    }

    if (!json_is_string(v)) {
        snprintf(err, errlen, "\"%s\" must be a string or null", name);
        return -1;
    }

    *out = v;

    return 0;
}


static int
resources_string_array(json_t *rec, const char *name, size_t max,
    json_t **out, char *err, size_t errlen)
{
    size_t   i;
    json_t  *v, *e;

    v = json_object_get(rec, name);

    if (v == NULL || json_is_null(v)) {
        *out = NULL;
        return 0;
    }

    if (!json_is_array(v)) {
        snprintf(err, errlen, "\"%s\" must be an array of strings", name);
        return -1;
    }

    if (json_array_size(v) > max) {
        snprintf(err, errlen, "\"%s\" has more than %zu entries", name, max);
        return -1;
    }

    json_array_foreach(v, i, e) {
        if (!json_is_string(e) || json_string_length(e) == 0) {
            snprintf(err, errlen, "\"%s\" must be an array of non-empty"
                     " strings", name);
            return -1;
        }
    }

    *out = v;

    return 0;
}


static void
resources_build_grow(resources_build_t *b)
{
    uint32_t  cap;

    cap = b->docs_cap ? b->docs_cap * 2 : 1024;

    b->date = resources_xrealloc(b->date, cap * sizeof(uint32_t));
    b->priv = resources_xrealloc(b->priv, cap);
    b->type = resources_xrealloc(b->type, cap * sizeof(uint32_t));
    b->kwoff = resources_xrealloc(b->kwoff, (cap + 1) * sizeof(uint32_t));
    b->title = resources_xrealloc(b->title, cap * sizeof(u_char *));
    b->title_len = resources_xrealloc(b->title_len, cap * sizeof(uint32_t));
    b->loc = resources_xrealloc(b->loc, cap * sizeof(uint64_t));

    b->docs_cap = cap;
}


static size_t
resources_build_dump(resources_build_t *b, json_t *obj, size_t at)
{
    size_t  n;

    for ( ;; ) {
        n = json_dumpb(obj, (char *) b->json + at, b->json_cap - at,
                       JSON_COMPACT);
        if (n == 0) {
            resources_oom();
        }

        if (n <= b->json_cap - at) {
            return n;
        }

        b->json_cap = (at + n) * 2;
        b->json = resources_xrealloc(b->json, b->json_cap);
    }
}


/* appends to b->json at b->json + *at, growing it */

static void
resources_build_put(resources_build_t *b, size_t *at, const char *s,
    size_t len)
{
    if (b->json_cap - *at < len) {
        b->json_cap = (*at + len) * 2;
        b->json = resources_xrealloc(b->json, b->json_cap);
    }

    memcpy(b->json + *at, s, len);
    *at += len;
}


#define resources_build_literal(b, at, s)                                    \
    resources_build_put(b, at, s, sizeof(s) - 1)


/*
 * XML text: &, <, >, " escaped; characters that XML 1.0 does not allow
 * (C0 controls but tab, newline and return; U+FFFE, U+FFFF) dropped.
 */

static void
resources_build_xml(resources_build_t *b, size_t *at, const char *s,
    size_t len)
{
    size_t  i;
    u_char  c;

    for (i = 0; i < len; i++) {
        c = (u_char) s[i];

        switch (c) {
        case '&':
            resources_build_literal(b, at, "&amp;");
            continue;
        case '<':
            resources_build_literal(b, at, "&lt;");
            continue;
        case '>':
            resources_build_literal(b, at, "&gt;");
            continue;
        case '"':
            resources_build_literal(b, at, "&quot;");
            continue;
        }

        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            continue;
        }

        if (c == 0xef && i + 2 < len && (u_char) s[i + 1] == 0xbf
            && ((u_char) s[i + 2] == 0xbe || (u_char) s[i + 2] == 0xbf))
        {
            i += 2;
            continue;
        }

        resources_build_put(b, at, (const char *) &c, 1);
    }
}


/*
 * The Atom entry of a record, from "<title>" to "</entry>" (the module
 * writes "<entry><id>" and the resource's URL before it).  <updated> is
 * the "updated" day, else the publication month or day, else (undated)
 * 1970-01-01T00:00:00Z; <published> is the publication date when known.
 */

static size_t
resources_build_atom(resources_build_t *b, size_t start, json_t *id,
    json_t *title, json_t *type, json_t *jdate, json_t *updated,
    json_t *summary, json_t *keywords)
{
    char        stamp[32];
    size_t      at, i;
    json_t     *v;
    const char *date;

    at = start;

    resources_build_literal(b, &at, "<title>");
    resources_build_xml(b, &at, json_string_value(title),
                        json_string_length(title));
    resources_build_literal(b, &at, "</title><link href=\"");
    resources_build_xml(b, &at, json_string_value(id),
                        json_string_length(id));
    resources_build_literal(b, &at, "\"/><updated>");

    date = updated ? json_string_value(updated)
                   : jdate ? json_string_value(jdate) : "1970-01-01";
    snprintf(stamp, sizeof(stamp), "%.7s-%.2sT00:00:00Z", date,
             strlen(date) == 10 ? date + 8 : "01");
    resources_build_put(b, &at, stamp, strlen(stamp));
    resources_build_literal(b, &at, "</updated>");

    if (jdate) {
        date = json_string_value(jdate);
        snprintf(stamp, sizeof(stamp), "%.7s-%.2sT00:00:00Z", date,
                 strlen(date) == 10 ? date + 8 : "01");
        resources_build_literal(b, &at, "<published>");
        resources_build_put(b, &at, stamp, strlen(stamp));
        resources_build_literal(b, &at, "</published>");
    }

    if (summary && json_string_length(summary)) {
        resources_build_literal(b, &at, "<summary>");
        resources_build_xml(b, &at, json_string_value(summary),
                            json_string_length(summary));
        resources_build_literal(b, &at, "</summary>");
    }

    resources_build_literal(b, &at, "<category scheme=\"type\" term=\"");
    resources_build_xml(b, &at, json_string_value(type),
                        json_string_length(type));
    resources_build_literal(b, &at, "\"/>");

    if (keywords) {
        json_array_foreach(keywords, i, v) {
            resources_build_literal(b, &at, "<category term=\"");
            resources_build_xml(b, &at, json_string_value(v),
                                json_string_length(v));
            resources_build_literal(b, &at, "\"/>");
        }
    }

    resources_build_literal(b, &at, "</entry>");

    return at - start;
}


int
resources_build_add(resources_build_t *b, json_t *rec, char *err,
    size_t errlen)
{
    int                  rc, priv;
    size_t               i, len, list_len, full_len, atom_len, size;
    u_char              *dst;
    void                *tags_at;
    ssize_t              n;
    uint32_t             ord, date, kwid;
    const char          *key, *s;
    json_t              *id, *title, *type, *jpriv, *jdate, *updated,
                        *keywords, *tags, *series, *number, *summary, *body,
                        *links, *v, *full, *link;
    resources_doc_t      doc;
    resources_slot_t    *slot;
    resources_bterm_t   *t;

    full = NULL;

    if (!json_is_object(rec)) {
        resources_build_error("a record must be a JSON object");
    }

    if (b->ndocs == RESOURCES_MAX_DOCS - 1) {
        resources_build_error("more than %u resources",
                              RESOURCES_MAX_DOCS - 1);
    }

    /* id */

    id = json_object_get(rec, "id");
    if (id == NULL || json_is_null(id)) {
        resources_build_error("\"id\" is missing");
    }

    if (!json_is_string(id)
        || !resources_id_valid((const u_char *) json_string_value(id),
                               json_string_length(id)))
    {
        resources_build_error("\"id\" must be a string matching"
                              " [a-z0-9][a-z0-9-]{0,127}");
    }

    slot = resources_hash_find(&b->idh, (const u_char *) json_string_value(id),
                               json_string_length(id));
    if (slot->key) {
        resources_build_error("duplicate id \"%s\"", json_string_value(id));
    }

    /* title, type */

    title = json_object_get(rec, "title");
    if (title == NULL || !json_is_string(title)
        || json_string_length(title) == 0)
    {
        resources_build_error("\"title\" must be a non-empty string");
    }

    if (json_string_length(title) > RESOURCES_TITLE_MAX) {
        resources_build_error("\"title\" is longer than %d bytes",
                              RESOURCES_TITLE_MAX);
    }

    type = json_object_get(rec, "type");
    if (type == NULL || !json_is_string(type)
        || json_string_length(type) == 0)
    {
        resources_build_error("\"type\" must be a non-empty string");
    }

    /* private */

    priv = 0;
    jpriv = json_object_get(rec, "private");

    if (jpriv && !json_is_null(jpriv)) {
        if (!json_is_boolean(jpriv)) {
            resources_build_error("\"private\" must be true or false");
        }

        priv = json_is_true(jpriv);
    }

    /* dates */

    if (resources_optional_string(rec, "date", &jdate, err, errlen) != 0
        || resources_optional_string(rec, "updated", &updated, err, errlen)
           != 0
        || resources_optional_string(rec, "series", &series, err, errlen)
           != 0
        || resources_optional_string(rec, "summary", &summary, err, errlen)
           != 0
        || resources_optional_string(rec, "body", &body, err, errlen) != 0)
    {
        goto failed;
    }

    date = 0;

    if (jdate) {
        date = resources_parse_date(json_string_value(jdate), 0);
        if (date == 0) {
            resources_build_error("\"date\" must be YYYY-MM or YYYY-MM-DD");
        }
    }

    if (updated && resources_parse_date(json_string_value(updated), 1) == 0) {
        resources_build_error("\"updated\" must be YYYY-MM-DD");
    }

    if ((summary && json_string_length(summary) > RESOURCES_TEXT_MAX)
        || (body && json_string_length(body) > RESOURCES_TEXT_MAX))
    {
        resources_build_error("\"summary\" and \"body\" must be at most %d"
                              " bytes each", RESOURCES_TEXT_MAX);
    }

    number = json_object_get(rec, "number");
    if (number && json_is_null(number)) {
        number = NULL;
    }

    if (number && (!json_is_integer(number)
                   || json_integer_value(number) < 0))
    {
        resources_build_error("\"number\" must be a whole number or null");
    }

    /* arrays */

    if (resources_string_array(rec, "keywords", RESOURCES_KEYWORDS_MAX,
                               &keywords, err, errlen) != 0
        || resources_string_array(rec, "tags", RESOURCES_KEYWORDS_MAX,
                                  &tags, err, errlen) != 0)
    {
        goto failed;
    }

    links = json_object_get(rec, "links");
    if (links && json_is_null(links)) {
        links = NULL;
    }

    if (links) {
        if (!json_is_array(links)) {
            resources_build_error("\"links\" must be an array");
        }

        json_array_foreach(links, i, link) {
            v = json_object_get(link, "url");

            if (!json_is_object(link)
                || !json_is_string(json_object_get(link, "label"))
                || (v && !json_is_null(v) && !json_is_string(v)))
            {
                resources_build_error("\"links\" must hold objects with a"
                                      " string \"label\" and a string or null"
                                      " \"url\"");
            }
        }
    }

    /*
     * The full form, as served: the list form's fields first, so that the
     * list form is its prefix up to "tags" (closed with "}" by the module)
     */

    full = json_object();
    if (full == NULL) {
        resources_oom();
    }

#define resources_set(obj, name, value)                                      \
    json_object_set_new(obj, name, (value) ? json_incref(value) : json_null())

    resources_set(full, "id", id);
    resources_set(full, "title", title);
    resources_set(full, "type", type);
    json_object_set_new(full, "private", json_boolean(priv));
    resources_set(full, "date", jdate);
    resources_set(full, "updated", updated);
    json_object_set_new(full, "keywords",
                        keywords ? json_incref(keywords) : json_array());
    resources_set(full, "series", series);
    resources_set(full, "number", number);
    json_object_set_new(full, "summary",
                        summary ? json_incref(summary) : json_string(""));
    json_object_set_new(full, "tags", tags ? json_incref(tags) : json_array());
    json_object_set_new(full, "body",
                        body ? json_incref(body) : json_string(""));
    json_object_set_new(full, "links",
                        links ? json_incref(links) : json_array());

#undef resources_set

    json_object_foreach(rec, key, v) {
        if (!resources_is_canonical(key)) {
            json_object_set(full, key, v);
        }
    }

    full_len = resources_build_dump(b, full, 0);

    /*
     * ',"tags":[' cannot occur earlier: before it are strings (their
     * quotes escaped), literals and an array of strings
     */

    tags_at = memmem(b->json, full_len, ",\"tags\":[", 9);
    if (tags_at == NULL) {
        resources_build_error("internal error: no \"tags\" in the full form");
    }

    list_len = (u_char *) tags_at - b->json;

    atom_len = resources_build_atom(b, full_len, id, title, type, jdate,
                                    updated, summary, keywords);

    if (full_len + atom_len > RESOURCES_RECORD_MAX) {
        resources_build_error("the record is larger than %d bytes as JSON",
                              RESOURCES_RECORD_MAX);
    }

    /* the index: type, keywords, words (all checked before any change) */

    n = resources_build_fold(b, json_string_value(type),
                             json_string_length(type));
    if (n <= 0 || n > RESOURCES_TERM_MAX) {
        resources_build_error("\"type\" is empty or longer than %d bytes once"
                              " folded", RESOURCES_TERM_MAX);
    }

    if (keywords) {
        json_array_foreach(keywords, i, v) {
            n = resources_build_fold(b, json_string_value(v),
                                     json_string_length(v));
            if (n <= 0 || n > RESOURCES_TERM_MAX) {
                resources_build_error("keyword \"%s\" is empty or longer than"
                                      " %d bytes once folded",
                                      json_string_value(v),
                                      RESOURCES_TERM_MAX);
            }
        }
    }

    ord = b->ndocs;

    if (ord == b->docs_cap) {
        resources_build_grow(b);
    }

    /* the record, as the module will send it */

    doc.list_len = (uint32_t) list_len;
    doc.full_len = (uint32_t) full_len;
    doc.atom_len = (uint32_t) atom_len;
    doc.id_len = (uint32_t) json_string_length(id);
    doc.flags = priv ? RESOURCES_DOC_PRIVATE : 0;

    size = sizeof(resources_doc_t) + full_len + atom_len + doc.id_len;

    if (b->chunk_len + size > RESOURCES_CHUNK_MAX) {
        rc = resources_build_flush(b);
        if (rc != 0) {
            resources_build_error("writing the snapshot: %s",
                                  mdb_strerror(rc));
        }
    }

    b->loc[ord] = (uint64_t) b->nchunks << 32 | b->chunk_len;

    dst = b->chunk + b->chunk_len;
    memcpy(dst, &doc, sizeof(resources_doc_t));
    memcpy(dst + sizeof(resources_doc_t), b->json, full_len + atom_len);
    memcpy(dst + sizeof(resources_doc_t) + full_len + atom_len,
           json_string_value(id), doc.id_len);
    b->chunk_len += size;

    b->hash = resources_fnv1a(b->hash, b->json, full_len);
    b->hash = resources_fnv1a(b->hash, "\n", 1);

    resources_hash_set(&b->idh, slot, (const u_char *) json_string_value(id),
                       json_string_length(id), ord);

    /* per ordinal */

    b->date[ord] = date;
    b->priv[ord] = (u_char) priv;
    b->nprivate += priv;

    n = resources_build_fold(b, json_string_value(title),
                             json_string_length(title));
    if (n < 0) {
        n = 0;
    }

    b->title[ord] = resources_arena_dup(&b->arena, b->fold, (size_t) n);
    b->title_len[ord] = (uint32_t) n;

    n = resources_build_fold(b, json_string_value(type),
                             json_string_length(type));
    t = resources_build_term(b, RESOURCES_KIND_TYPE, b->fold, (size_t) n);
    resources_build_spelling(b, t, json_string_value(type),
                             json_string_length(type));
    resources_vec_push(&t->post, ord);
    t->last = ord + 1;
    b->type[ord] = t->id;

    b->kwoff[ord] = b->kwids.n;

    if (keywords) {
        json_array_foreach(keywords, i, v) {
            s = json_string_value(v);
            len = json_string_length(v);

            n = resources_build_fold(b, s, len);
            t = resources_build_term(b, RESOURCES_KIND_KEYWORD, b->fold,
                                     (size_t) n);
            resources_build_spelling(b, t, s, len);

            if (t->last == ord + 1) {
                continue;               /* twice in one record */
            }

            resources_vec_push(&t->post, ord);
            t->last = ord + 1;
            kwid = t->id;
            resources_vec_push(&b->kwids, kwid);
        }
    }

    /* words, best field last so that it wins */

    if (body) {
        resources_build_text(b, json_string_value(body),
                             json_string_length(body), RESOURCES_FIELD_BODY);
    }

    if (summary) {
        resources_build_text(b, json_string_value(summary),
                             json_string_length(summary),
                             RESOURCES_FIELD_SUMMARY);
    }

    if (keywords) {
        json_array_foreach(keywords, i, v) {
            resources_build_text(b, json_string_value(v),
                                 json_string_length(v),
                                 RESOURCES_FIELD_KEYWORD);
        }
    }

    resources_build_text(b, json_string_value(title),
                         json_string_length(title), RESOURCES_FIELD_TITLE);

    b->ndocs++;

    json_decref(full);

    return 0;

failed:

    json_decref(full);

    return -1;
}


/* finishing */


static int
resources_cmp_default(const void *one, const void *two, void *arg)
{
    resources_build_t  *b = arg;

    uint32_t  x, y, dx, dy;

    x = *(const uint32_t *) one;
    y = *(const uint32_t *) two;
    dx = b->date[x];
    dy = b->date[y];

    if (dx != dy) {
        if (dx == 0) {
            return 1;
        }

        if (dy == 0) {
            return -1;
        }

        return dx > dy ? -1 : 1;
    }

    return (x > y) - (x < y);
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


/* sorts a posting: radix (resources_sort_u32), b->sort is the scratch */

static void
resources_radix_sort(resources_build_t *b, uint32_t *a, size_t n)
{
    if (b->sort_cap < n) {
        free(b->sort);
        b->sort_cap = n;
        b->sort = resources_xmalloc(n * sizeof(uint32_t));
    }

    resources_sort_u32(a, n, b->sort);
}


/*
 * Writes the posting of one term for both views: entries are ordinals
 * (shifted left by 2 with field bits when shifted is set) mapped to docnos
 * and sorted.  count[] gets the number of resources of each view.
 */

static int
resources_build_posting(resources_build_t *b, const uint32_t *doc_of,
    const u_char *priv_doc, resources_vec_t *post, int shifted, u_char kind,
    const u_char *term, size_t len, uint32_t *count)
{
    int        rc;
    u_char     key[2 + RESOURCES_TERM_MAX + RESOURCES_WORD_MAX];
    size_t     klen;
    uint32_t   i, j, e, ord, *p;

    p = post->elts;

    for (i = 0; i < post->n; i++) {
        e = p[i];
        ord = shifted ? RESOURCES_DOCNO(e) : e;
        p[i] = (doc_of[ord] << 2) | (shifted ? RESOURCES_FIELD(e) : 0);
    }

    resources_radix_sort(b, p, post->n);

    /* split in place: public entries first, then private ones */

    count[1] = post->n;

    for (i = 0, j = 0; i < post->n; i++) {
        if (!priv_doc[RESOURCES_DOCNO(p[i])]) {
            p[j++] = p[i];

        } else {
            vec_tmp_push(b, p[i]);
        }
    }

    count[0] = j;

    for (i = 0; i < b->tmp.n; i++) {
        p[j + i] = b->tmp.elts[i];
    }

    b->tmp.n = 0;

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

    /* a frequent keyword or type: its public part as a bitmap too */

    if (!shifted && b->ndocs >= RESOURCES_BITMAP_MIN
        && count[0] >= b->ndocs / 64)
    {
        MDB_val    k, d;
        uint64_t  *bits;

        key[0] = RESOURCES_PART_BITMAP;
        k.mv_size = klen;
        k.mv_data = key;
        d.mv_size = RESOURCES_BITMAP_WORDS(b->ndocs) * sizeof(uint64_t);

        rc = mdb_put(b->txn, b->post, &k, &d, MDB_RESERVE);
        if (rc != 0) {
            return rc;
        }

        /* built aside: LMDB aligns values to 2 bytes only */

        bits = resources_xmalloc(d.mv_size);
        memset(bits, 0, d.mv_size);

        for (i = 0; i < count[0]; i++) {
            j = RESOURCES_DOCNO(p[i]);
            bits[j / 64] |= (uint64_t) 1 << (j % 64);
        }

        memcpy(d.mv_data, bits, d.mv_size);
        free(bits);

        b->written += d.mv_size;
    }

    b->written += post->n * sizeof(uint32_t) + klen;

    if (b->written > RESOURCES_CHUNK_MAX) {
        b->written = 0;
        return resources_build_commit(b);
    }

    return 0;
}


static int
resources_build_terms(resources_build_t *b, const uint32_t *doc_of,
    const u_char *priv_doc, uint32_t *nterms)
{
    int                          rc;
    u_char                      *buf;
    size_t                       size;
    uint32_t                     i, tid, v;
    MDB_val                      k, d;
    resources_term_t             rt;
    resources_bterm_t           *t;
    const resources_spelling_t  *sp;
    u_char                       key[1 + RESOURCES_TERM_MAX];

    for (i = 0; i < b->nterms; i++) {
        t = &b->terms[i];

        rc = resources_build_posting(b, doc_of, priv_doc, &t->post, 0, t->kind,
                                     t->folded, t->folded_len, t->count);
        if (rc != 0) {
            return rc;
        }

        v = (t->kind == RESOURCES_KIND_TYPE) ? 2 : 0;

        nterms[v] += t->count[0] > 0;
        nterms[v + 1]++;

        sp = resources_build_display(t);

        rt.id = t->id;
        rt.count[0] = t->count[0];
        rt.count[1] = t->count[1];
        rt.display_len = sp->len;
        rt.folded_len = t->folded_len;

        /* "terms": kind, folded -> term, display */

        key[0] = t->kind;
        memcpy(key + 1, t->folded, t->folded_len);

        k.mv_size = 1 + t->folded_len;
        k.mv_data = key;
        d.mv_size = sizeof(resources_term_t) + sp->len;

        rc = mdb_put(b->txn, b->terms_db, &k, &d, MDB_RESERVE);
        if (rc != 0) {
            return rc;
        }

        buf = d.mv_data;
        memcpy(buf, &rt, sizeof(resources_term_t));
        memcpy(buf + sizeof(resources_term_t), sp->data, sp->len);

        /* "tids": kind << 24 | id -> term, display, folded */

        tid = resources_tid_key(t->kind, t->id);
        size = sizeof(resources_term_t) + sp->len + t->folded_len;

        k.mv_size = sizeof(uint32_t);
        k.mv_data = &tid;
        d.mv_size = size;

        rc = mdb_put(b->txn, b->tids, &k, &d, MDB_RESERVE);
        if (rc != 0) {
            return rc;
        }

        buf = d.mv_data;
        memcpy(buf, &rt, sizeof(resources_term_t));
        memcpy(buf + sizeof(resources_term_t), sp->data, sp->len);
        memcpy(buf + sizeof(resources_term_t) + sp->len, t->folded,
               t->folded_len);

        resources_vec_free(&t->post);
    }

    return 0;
}


static int
resources_build_words(resources_build_t *b, const uint32_t *doc_of,
    const u_char *priv_doc)
{
    int                rc;
    size_t             i;
    uint32_t           count[2];
    resources_slot_t  *slot;
    resources_bword_t *w;

    for (i = 0; i < b->wordh.size; i++) {
        slot = &b->wordh.slots[i];

        if (slot->key == NULL) {
            continue;
        }

        w = &b->words[slot->value];

        rc = resources_build_posting(b, doc_of, priv_doc, &w->post, 1,
                                     RESOURCES_KIND_WORD, slot->key,
                                     slot->len, count);
        if (rc != 0) {
            return rc;
        }

        resources_vec_free(&w->post);
    }

    return 0;
}


static int
resources_build_col(resources_build_t *b, const char *name, const void *data,
    size_t size)
{
    return resources_put(b, b->cols, name, strlen(name), data, size);
}


int
resources_build_finish(resources_build_t *b, resources_build_stats_t *st,
    char *err, size_t errlen)
{
    int                  rc;
    size_t               i, n, kw, npub;
    uint32_t            *order, *doc_of, *col, *all, nterms[4];
    u_char              *priv_doc;
    uint64_t             h;
    struct stat          sb;
    resources_header_t   hdr;
    resources_vec_t      kwoff, kwids;
    u_char               key[2];

    n = b->ndocs;

    order = resources_xmalloc((n + 1) * sizeof(uint32_t));
    doc_of = resources_xmalloc((n + 1) * sizeof(uint32_t));
    col = resources_xmalloc((n + 1) * sizeof(uint32_t));
    all = resources_xmalloc((n + 1) * sizeof(uint32_t));
    priv_doc = resources_xmalloc(n + 1);
    memset(&kwoff, 0, sizeof(resources_vec_t));
    memset(&kwids, 0, sizeof(resources_vec_t));

    if (n > 0) {
        b->kwoff[n] = b->kwids.n;
    }

    /* the default order: newest first, undated last, ties in input order */

    for (i = 0; i < n; i++) {
        order[i] = (uint32_t) i;
    }

    qsort_r(order, n, sizeof(uint32_t), resources_cmp_default, b);

    for (i = 0; i < n; i++) {
        doc_of[order[i]] = (uint32_t) i;
        priv_doc[i] = b->priv[order[i]];
    }

#define resources_check(call)                                                    if ((rc = (call)) != 0) {                                                        snprintf(err, errlen, "writing the snapshot: %s", mdb_strerror(rc));         goto failed;                                                             }

    resources_check(resources_build_flush(b));

    {
        uint64_t  *rec;

        rec = resources_xmalloc((n + 1) * sizeof(uint64_t));

        for (i = 0; i < n; i++) {
            rec[i] = b->loc[order[i]];
        }

        rc = resources_build_col(b, "rec", rec, n * sizeof(uint64_t));
        free(rec);
        resources_check(rc);
    }

    resources_check(resources_build_col(b, "order", order,
                                        n * sizeof(uint32_t)));

    for (i = 0; i < n; i++) {
        col[i] = b->date[order[i]];
    }

    resources_check(resources_build_col(b, "date", col, n * sizeof(uint32_t)));
    resources_check(resources_build_col(b, "private", priv_doc, n));

    for (i = 0; i < n; i++) {
        col[i] = b->type[order[i]];
    }

    resources_check(resources_build_col(b, "type", col, n * sizeof(uint32_t)));

    for (i = 0; i < n; i++) {
        resources_vec_push(&kwoff, kwids.n);

        for (kw = b->kwoff[order[i]]; kw < b->kwoff[order[i] + 1]; kw++) {
            resources_vec_push(&kwids, b->kwids.elts[kw]);
        }
    }

    resources_vec_push(&kwoff, kwids.n);

    resources_check(resources_build_col(b, "kwoff", kwoff.elts,
                                        kwoff.n * sizeof(uint32_t)));
    resources_check(resources_build_col(b, "kwids", kwids.elts,
                                        kwids.n * sizeof(uint32_t)));

    /* title ranks */

    for (i = 0; i < n; i++) {
        all[i] = (uint32_t) i;
    }

    qsort_r(all, n, sizeof(uint32_t), resources_cmp_title, b);

    for (i = 0; i < n; i++) {
        col[doc_of[all[i]]] = (uint32_t) i;
    }

    resources_check(resources_build_col(b, "title", col,
                                        n * sizeof(uint32_t)));

    /* ids */

    for (i = 0; i < b->idh.size; i++) {
        if (b->idh.slots[i].key) {
            resources_check(resources_put(b, b->ids, b->idh.slots[i].key,
                                          b->idh.slots[i].len,
                                          &doc_of[b->idh.slots[i].value],
                                          sizeof(uint32_t)));
        }
    }

    /* every docno: the public ones, then the private ones */

    npub = 0;

    for (i = 0; i < n; i++) {
        if (!priv_doc[i]) {
            all[npub++] = (uint32_t) i << 2;
        }
    }

    key[0] = RESOURCES_PART_PUBLIC;
    key[1] = RESOURCES_KIND_ALL;

    if (npub) {
        resources_check(resources_put(b, b->post, key, 2, all,
                                      npub * sizeof(uint32_t)));
    }

    for (i = 0, kw = 0; i < n; i++) {
        if (priv_doc[i]) {
            all[kw++] = (uint32_t) i << 2;
        }
    }

    key[0] = RESOURCES_PART_PRIVATE;

    if (kw) {
        resources_check(resources_put(b, b->post, key, 2, all,
                                      kw * sizeof(uint32_t)));
    }

    /* term ids in folded order, per kind: facets break ties with it */

    {
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

            } else {
                kwsorted[nk++] = b->terms[idx[i]].id;
            }
        }

        rc = resources_build_col(b, "kwsorted", kwsorted,
                                 nk * sizeof(uint32_t));
        if (rc == 0) {
            rc = resources_build_col(b, "typesorted", typesorted,
                                     nt * sizeof(uint32_t));
        }

        free(idx);
        free(kwsorted);
        free(typesorted);
        resources_check(rc);
    }

    /* terms and words */

    memset(nterms, 0, sizeof(nterms));

    resources_check(resources_build_terms(b, doc_of, priv_doc, nterms));
    resources_check(resources_build_words(b, doc_of, priv_doc));

    /* the header, last */

    memset(&hdr, 0, sizeof(resources_header_t));
    hdr.magic = RESOURCES_MAGIC;
    hdr.schema = RESOURCES_SCHEMA;
    hdr.built = (uint64_t) time(NULL);
    h = b->hash;
    snprintf((char *) st->version, sizeof(st->version), "%016llx",
             (unsigned long long) h);
    memcpy(hdr.version, st->version, RESOURCES_VERSION_LEN);
    hdr.ndocs = (uint32_t) n;
    hdr.npublic = (uint32_t) npub;
    hdr.nkeywords[0] = nterms[0];
    hdr.nkeywords[1] = nterms[1];
    hdr.ntypes[0] = nterms[2];
    hdr.ntypes[1] = nterms[3];
    hdr.nwords = b->nwords;

    resources_check(resources_put(b, b->meta, "header", 6, &hdr,
                                  sizeof(resources_header_t)));

    rc = mdb_txn_commit(b->txn);
    b->txn = NULL;
    resources_check(rc);

    resources_check(mdb_env_sync(b->env, 1));

    st->ndocs = hdr.ndocs;
    st->nprivate = hdr.ndocs - hdr.npublic;
    st->nkeywords = hdr.nkeywords[1];
    st->ntypes = hdr.ntypes[1];
    st->nwords = hdr.nwords;

    {
        int  fd;

        st->size = 0;

        if (mdb_env_get_fd(b->env, &fd) == 0 && fstat(fd, &sb) == 0) {
            st->size = (uint64_t) sb.st_size;
        }
    }

#undef resources_check

    free(order);
    free(doc_of);
    free(col);
    free(all);
    free(priv_doc);
    resources_vec_free(&kwoff);
    resources_vec_free(&kwids);

    return 0;

failed:

    free(order);
    free(doc_of);
    free(col);
    free(all);
    free(priv_doc);
    resources_vec_free(&kwoff);
    resources_vec_free(&kwids);

    return -1;
}
