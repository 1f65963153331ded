/*
 * Copyright (C) ngx_http_resources authors
 *
 * libFuzzer target: a corrupt snapshot must not crash a reader (issue #20).
 *
 * Once, in LLVMFuzzerInitialize(): a catalogue of FUZZ_SNAPSHOT_DOCS
 * generated records (more than RESOURCES_BITMAP_MIN, so that the snapshot
 * has bitmaps, field bits, facet tables, pair counts and prefix unions) is
 * built with the loader's code, packed against a dictionary, into a file
 * that is read into memory and removed: the pristine snapshot.  Opening it
 * lists its regions (every value and key of every database, by database,
 * part and column) and the terms the queries use.
 *
 * Each input is a list of mutations, 8 bytes each (kind, sel, a: u16,
 * b: u32, see fuzz_mutate()): bit flips in the bytes of any value or key,
 * and structured ones: a posting entry past the end, out of order,
 * repeated or zero; a bitmap's words and the padding after its last
 * docno; a column entry (kwoff, kwids, type, date, title, bytitle, order,
 * rec...); a term's id and lengths; a facet table's counts and ids; the
 * pair table's size, keys and counts; a record's header and packed
 * length; the snapshot's header.  LMDB's own pages (branch and leaf
 * headers, node offsets) are left alone: LMDB 0.9 does not check them
 * (FUZZ_SNAPSHOT_ANY=1 flips bits anywhere in the file too, to see what
 * it does).  The copy, in a memfd, is opened with resources_snapshot_open()
 * and, when it opens, queried as the module queries it (fuzz_queries():
 * postings of frequent and rare keywords, types and words, both views,
 * prefixes, unions, intersections with and without a dense prefix,
 * bitmaps, relevance from bitmaps, facets from the columns, the bitmaps
 * and the loader's tables, pair counts, date ranges, sorts, records in
 * list and full form, terms by id, lookups by id).
 *
 * Invariants: no sanitizer report, no signal, no hang; every value the
 * snapshot's functions hand out lies inside the map; every docno they
 * give is below ndocs; an error is reported as such (the return values of
 * resources_snapshot.h and resources_postings.h), never as a crash.
 *
 * FUZZ_SNAPSHOT_TODAY (a compiler flag) calls the postings functions as
 * ngx_http_resources_handler.c called them before issue #20 (no bounds):
 * it finds the out-of-bounds write of resources_union_dense at once.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>

#include "resources_build.h"
#include "resources_snapshot.h"
#include "resources_postings.h"
#include "resources_text.h"


#include "fuzz.h"


#define FUZZ_SNAPSHOT_DOCS    4500     /* > RESOURCES_BITMAP_MIN */
#define FUZZ_SNAPSHOT_OPS     32       /* mutations an input, at most */
#define FUZZ_TERMS            8        /* of each kind the queries use */


/* what a region of the file is */

enum {
    R_POST = 0,       /* "post" part p or x: u32 entries */
    R_BITMAP,         /* "post" part b, h, l */
    R_FACETS,         /* "post" part f */
    R_PAIRS,          /* "post" "c*" */
    R_COL,            /* "cols" */
    R_CHUNK,          /* "heap" */
    R_TERM,           /* "terms" */
    R_TID,            /* "tids" */
    R_ID,             /* "ids" */
    R_META,           /* "meta": header, dict */
    R_KEY,            /* a key, any database */
    R_KINDS
};


typedef struct {
    size_t     off;
    size_t     len;
    int        type;
    char       name[16];         /* a column's */
} fuzz_region_t;


typedef struct {
    u_char     term[64];
    size_t     len;
} fuzz_term_t;


static u_char          *fuzz_pristine;
static size_t           fuzz_size;
static int              fuzz_fd = -1;
static char             fuzz_path[64];

static fuzz_region_t   *fuzz_regions;
static size_t           fuzz_nregions;
static size_t          *fuzz_by[R_KINDS];      /* region indices by type */
static size_t           fuzz_nby[R_KINDS];

static uint32_t         fuzz_ndocs, fuzz_nkw, fuzz_ntypes;

/* terms: most frequent first */
static fuzz_term_t      fuzz_kw[FUZZ_TERMS], fuzz_type[FUZZ_TERMS],
                        fuzz_word[FUZZ_TERMS], fuzz_rare_word[FUZZ_TERMS],
                        fuzz_prefix[FUZZ_TERMS];
static size_t           fuzz_nkwt, fuzz_ntypet, fuzz_nword, fuzz_nrare,
                        fuzz_nprefix;
static char             fuzz_ids[4][32];

/* the ranges the last input changed, restored before the next */
static struct { size_t off, len; } fuzz_dirty[FUZZ_SNAPSHOT_OPS * 2];
static size_t           fuzz_ndirty;

/* inputs: refused at open, opened, and of those with an error found */
static unsigned long    fuzz_refused, fuzz_opened, fuzz_reported;
static int              fuzz_corrupt;

/* the map of the snapshot being queried */
static const u_char    *fuzz_map;
static size_t           fuzz_map_len;


/* the catalogue ------------------------------------------------------------ */

static uint64_t
fuzz_rand(uint64_t *x)
{
    uint64_t  z;

    z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;

    return z ^ (z >> 31);
}


/* about Zipf over n: rank r with weight 1 / (r + 1) */

static size_t
fuzz_zipf(uint64_t *x, size_t n)
{
    size_t  r;

    r = (size_t) (fuzz_rand(x) % n);

    return (size_t) (fuzz_rand(x) % (r + 1));
}


static const char  *fuzz_stems[] = {
    "tier", "coop", "fonc", "habi", "mobi", "ener", "soli", "terr", "eco",
    "loca", "alim", "cult", "sant", "form", "empl", "inno"
};

static const char  *fuzz_ends[] = {
    "s", "slieux", "sa", "ce", "ation", "ations", "atif", "ative", "er",
    "ement", "ique", "iques", "al", "ale", "aux", "ite"
};

static const char  *fuzz_types[] = {
    "Article", "Fiche", "Guide", "Etude", "Video", "Note", "Rapport",
    "Autre", "Portrait", "Agenda"
};


static void
fuzz_word_of(uint64_t *x, char *out, size_t size)
{
    size_t  s, e;

    s = fuzz_zipf(x, sizeof(fuzz_stems) / sizeof(fuzz_stems[0]));
    e = fuzz_zipf(x, sizeof(fuzz_ends) / sizeof(fuzz_ends[0]));

    snprintf(out, size, "%s%s", fuzz_stems[s], fuzz_ends[e]);
}


static void
fuzz_text(uint64_t *x, char *out, size_t size, size_t nwords)
{
    size_t  i, at;
    char    w[32];

    for (i = 0, at = 0; i < nwords && at + 40 < size; i++) {
        fuzz_word_of(x, w, sizeof(w));
        at += (size_t) snprintf(out + at, size - at, "%s%s", i ? " " : "", w);
    }

    out[at] = '\0';
}


static json_t *
fuzz_record(size_t i)
{
    int       y, m;
    char      id[32], title[256], summary[1024], body[4096], kw[16], date[16];
    size_t    k, nk;
    json_t   *r, *kws;
    uint64_t  x;

    x = 0x5eed0000 + i;

    snprintf(id, sizeof(id), "r%zu", i);
    fuzz_text(&x, title, sizeof(title), 2 + fuzz_rand(&x) % 5);
    fuzz_text(&x, summary, sizeof(summary), 5 + fuzz_rand(&x) % 15);
    fuzz_text(&x, body, sizeof(body), 20 + fuzz_rand(&x) % 80);

    r = json_object();
    json_object_set_new(r, "id", json_string(id));
    json_object_set_new(r, "title", json_string(title));
    json_object_set_new(r, "type", json_string(fuzz_types[fuzz_zipf(&x,
                                   sizeof(fuzz_types) / sizeof(char *))]));
    json_object_set_new(r, "private", json_boolean(fuzz_rand(&x) % 25 == 0));

    if (fuzz_rand(&x) % 30 == 0) {
        json_object_set_new(r, "date", json_null());

    } else {
        y = 2000 + (int) (fuzz_rand(&x) % 26);
        m = 1 + (int) (fuzz_rand(&x) % 12);
        snprintf(date, sizeof(date), "%04d-%02d", y, m);
        json_object_set_new(r, "date", json_string(date));
    }

    kws = json_array();
    nk = fuzz_rand(&x) % 6;

    for (k = 0; k < nk; k++) {
        snprintf(kw, sizeof(kw), "kw%zu", fuzz_zipf(&x, 120));
        json_array_append_new(kws, json_string(kw));
    }

    json_object_set_new(r, "keywords", kws);
    json_object_set_new(r, "summary", json_string(summary));
    json_object_set_new(r, "body", json_string(body));

    return r;
}


static void
fuzz_build(const char *path)
{
    char                      err[512], dict[8192];
    size_t                    i, n;
    uint64_t                  x;
    json_t                   *r;
    resources_build_t        *b;
    resources_build_stats_t   st;

    unlink(path);

    b = resources_build_create(path, (size_t) 1 << 30, err, sizeof(err));
    if (b == NULL) {
        fprintf(stderr, "fuzz_snapshot: build_create: %s\n", err);
        abort();
    }

    x = 42;
    fuzz_text(&x, dict, sizeof(dict), 1000);
    n = strlen(dict);
    check(resources_build_dict(b, (const u_char *) dict, n) == 0);

    for (i = 0; i < FUZZ_SNAPSHOT_DOCS; i++) {
        r = fuzz_record(i);

        if (resources_build_add(b, r, err, sizeof(err)) != 0) {
            fprintf(stderr, "fuzz_snapshot: record %zu: %s\n", i, err);
            abort();
        }

        json_decref(r);
    }

    if (resources_build_finish(b, &st, err, sizeof(err)) != 0) {
        fprintf(stderr, "fuzz_snapshot: build_finish: %s\n", err);
        abort();
    }

    resources_build_free(b);
}


/* the map: where the snapshot's file is mapped ----------------------------- */

static const u_char *
fuzz_map_base(const void *p)
{
    char           line[512];
    FILE          *f;
    unsigned long  start, end, offset;
    const u_char  *base;

    f = fopen("/proc/self/maps", "re");
    check(f != NULL);

    base = NULL;

    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "%lx-%lx %*s %lx", &start, &end, &offset) == 3
            && (uintptr_t) p >= start && (uintptr_t) p < end)
        {
            base = (const u_char *) (uintptr_t) (start - offset);
            break;
        }
    }

    fclose(f);

    return base;
}


/* a pointer the snapshot handed out, and its length: inside the map */

static void
fuzz_in_map(const void *p, size_t len)
{
    const u_char  *u = p;

    if (len == 0) {
        return;
    }

    check(u >= fuzz_map && u <= fuzz_map + fuzz_map_len
          && len <= (size_t) (fuzz_map + fuzz_map_len - u));
}


/* the regions of the pristine snapshot ---------------------------------- */

static void
fuzz_add_region(const void *p, size_t len, int type, const char *name)
{
    fuzz_region_t  *r;

    if (len == 0) {
        return;
    }

    fuzz_regions = realloc(fuzz_regions,
                           (fuzz_nregions + 1) * sizeof(fuzz_region_t));
    check(fuzz_regions != NULL);

    r = &fuzz_regions[fuzz_nregions++];
    r->off = (size_t) ((const u_char *) p - fuzz_map);
    r->len = len;
    r->type = type;
    check(r->off + len <= fuzz_size);
    snprintf(r->name, sizeof(r->name), "%s", name ? name : "");
}


static void
fuzz_walk(MDB_txn *txn, MDB_dbi dbi, int type)
{
    int          rc, t;
    char         name[16];
    u_char       part;
    MDB_val      k, d;
    MDB_cursor  *c;

    check(mdb_cursor_open(txn, dbi, &c) == 0);

    for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST);
         rc == 0;
         rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
    {
        fuzz_add_region(k.mv_data, k.mv_size, R_KEY, NULL);

        t = type;
        name[0] = '\0';

        if (type == R_POST) {
            part = ((u_char *) k.mv_data)[0];
            t = (part == RESOURCES_PART_BITMAP
                 || part == RESOURCES_PART_FIELD_HI
                 || part == RESOURCES_PART_FIELD_LO) ? R_BITMAP
              : (part == RESOURCES_PART_FACETS) ? R_FACETS
              : (part == RESOURCES_PART_PAIRS) ? R_PAIRS : R_POST;

        } else if (type == R_COL) {
            snprintf(name, sizeof(name), "%.*s", (int) k.mv_size,
                     (char *) k.mv_data);
        }

        fuzz_add_region(d.mv_data, d.mv_size, t, name);
    }

    mdb_cursor_close(c);
}


static int
fuzz_term_cmp(const void *one, const void *two)
{
    const uint64_t  *x = one, *y = two;

    return (*x < *y) - (*x > *y);
}


/*
 * The terms of a kind, most resources first: from "terms" (keys: kind,
 * folded), a count read from the posting's length for words
 */

static size_t
fuzz_terms(resources_snapshot_t *s, u_char kind, fuzz_term_t *out,
    size_t max, int rare)
{
    int                   rc;
    size_t                n, i, j;
    uint64_t             *keys;
    MDB_val               k, d;
    MDB_cursor           *c;
    resources_posting_t   p;
    static fuzz_term_t    all[4096];

    check(mdb_cursor_open(s->txn, s->terms, &c) == 0);

    keys = malloc(4096 * sizeof(uint64_t));
    check(keys != NULL);
    n = 0;

    for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST);
         rc == 0 && n < 4096;
         rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
    {
        if (((u_char *) k.mv_data)[0] != kind || k.mv_size - 1 > 63) {
            continue;
        }

        memcpy(all[n].term, (u_char *) k.mv_data + 1, k.mv_size - 1);
        all[n].len = k.mv_size - 1;

        resources_snapshot_posting(s, RESOURCES_PART_PUBLIC, kind,
                                   all[n].term, all[n].len, &p);

        keys[n] = (uint64_t) p.n << 32 | n;
        n++;
    }

    mdb_cursor_close(c);

    qsort(keys, n, sizeof(uint64_t), fuzz_term_cmp);

    for (i = 0, j = 0; i < n && j < max; i++) {
        out[j++] = all[(uint32_t) keys[rare ? n - 1 - i : i]];
    }

    free(keys);

    return j;
}


static void
fuzz_regions_of(void)
{
    char                   err[256];
    size_t                 i, t;
    MDB_dbi                meta;
    resources_snapshot_t   s;

    check(resources_snapshot_open(&s, fuzz_path, err, sizeof(err)) == 0);

    fuzz_map = fuzz_map_base(s.rec);
    check(fuzz_map != NULL);
    fuzz_map_len = fuzz_size;

    check(mdb_dbi_open(s.txn, RESOURCES_DB_META, 0, &meta) == 0);

    fuzz_walk(s.txn, meta, R_META);
    fuzz_walk(s.txn, s.heap, R_CHUNK);
    fuzz_walk(s.txn, s.ids, R_ID);
    fuzz_walk(s.txn, s.post, R_POST);
    fuzz_walk(s.txn, s.terms, R_TERM);
    fuzz_walk(s.txn, s.tids, R_TID);
    fuzz_walk(s.txn, s.cols, R_COL);

    for (t = 0; t < R_KINDS; t++) {
        fuzz_by[t] = malloc((fuzz_nregions + 1) * sizeof(size_t));
        check(fuzz_by[t] != NULL);
    }

    for (i = 0; i < fuzz_nregions; i++) {
        t = (size_t) fuzz_regions[i].type;
        fuzz_by[t][fuzz_nby[t]++] = i;
    }

    fuzz_ndocs = s.header.ndocs;
    fuzz_nkw = s.header.nkeywords[1];
    fuzz_ntypes = s.header.ntypes[1];

    fuzz_nkwt = fuzz_terms(&s, RESOURCES_KIND_KEYWORD, fuzz_kw, 6, 0);
    fuzz_nkwt += fuzz_terms(&s, RESOURCES_KIND_KEYWORD, fuzz_kw + fuzz_nkwt,
                            2, 1);
    fuzz_ntypet = fuzz_terms(&s, RESOURCES_KIND_TYPE, fuzz_type, 4, 0);
    fuzz_ntypet += fuzz_terms(&s, RESOURCES_KIND_TYPE,
                              fuzz_type + fuzz_ntypet, 2, 1);
    fuzz_nword = fuzz_terms(&s, RESOURCES_KIND_WORD, fuzz_word, FUZZ_TERMS,
                            0);
    fuzz_nrare = fuzz_terms(&s, RESOURCES_KIND_WORD, fuzz_rare_word,
                            FUZZ_TERMS, 1);

    /* prefixes: of the stems, which start many words */

    for (i = 0; i < FUZZ_TERMS && i < sizeof(fuzz_stems) / sizeof(char *);
         i++)
    {
        fuzz_prefix[i].len = (i % 2) ? 2 : strlen(fuzz_stems[i]);
        memcpy(fuzz_prefix[i].term, fuzz_stems[i], fuzz_prefix[i].len);
        fuzz_nprefix++;
    }

    for (i = 0; i < 4; i++) {
        snprintf(fuzz_ids[i], sizeof(fuzz_ids[i]), "r%zu",
                 (size_t) (i * 1499) % FUZZ_SNAPSHOT_DOCS);
    }

    fprintf(stderr, "fuzz_snapshot: %zu bytes, %u resources, %u keywords, "
            "%u types, %zu regions (%zu postings, %zu bitmaps, %zu facet "
            "tables, %zu pair tables, %zu columns, %zu chunks), %u bitmaps "
            "of keywords, %u of types, %u pair counts\n",
            fuzz_size, fuzz_ndocs, fuzz_nkw, fuzz_ntypes, fuzz_nregions,
            fuzz_nby[R_POST], fuzz_nby[R_BITMAP], fuzz_nby[R_FACETS],
            fuzz_nby[R_PAIRS], fuzz_nby[R_COL], fuzz_nby[R_CHUNK],
            s.nbitmaps[0], s.nbitmaps[1], s.npairs);

    check(fuzz_nby[R_BITMAP] > 0 && fuzz_nby[R_FACETS] > 0
          && fuzz_nby[R_PAIRS] > 0 && s.npairs > 0);

    resources_snapshot_close(&s);
}


static void
fuzz_stats(void)
{
    fprintf(stderr, "fuzz_snapshot: %lu inputs refused at open, %lu opened"
            " (%lu of them with an error returned by a read)\n",
            fuzz_refused, fuzz_opened, fuzz_reported);
}


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    int          fd;
    char         path[PATH_MAX];
    ssize_t      got;
    struct stat  sb;
    const char  *tmp;

    tmp = getenv("TMPDIR");
    if (tmp == NULL || *tmp == '\0') {
        tmp = "/tmp";
    }

    snprintf(path, sizeof(path), "%s/fuzz_snapshot.%d.mdb", tmp,
             (int) getpid());

    fuzz_build(path);

    fd = open(path, O_RDONLY);
    check(fd >= 0 && fstat(fd, &sb) == 0);

    fuzz_size = (size_t) sb.st_size;
    fuzz_pristine = malloc(fuzz_size);
    check(fuzz_pristine != NULL);
    got = pread(fd, fuzz_pristine, fuzz_size, 0);
    check(got == (ssize_t) fuzz_size);
    close(fd);
    unlink(path);

    /* the copy that is mutated and opened */

    fuzz_fd = memfd_create("fuzz_snapshot", 0);
    check(fuzz_fd >= 0);
    check(pwrite(fuzz_fd, fuzz_pristine, fuzz_size, 0)
          == (ssize_t) fuzz_size);
    snprintf(fuzz_path, sizeof(fuzz_path), "/proc/self/fd/%d", fuzz_fd);

    fuzz_regions_of();

    atexit(fuzz_stats);

    return 0;
}


/* mutations ------------------------------------------------------------- */

static void
fuzz_write(size_t off, const void *p, size_t len)
{
    if (off >= fuzz_size) {
        return;
    }

    if (len > fuzz_size - off) {
        len = fuzz_size - off;
    }

    if (fuzz_ndirty < sizeof(fuzz_dirty) / sizeof(fuzz_dirty[0])) {
        fuzz_dirty[fuzz_ndirty].off = off;
        fuzz_dirty[fuzz_ndirty].len = len;
        fuzz_ndirty++;
    }

    check(pwrite(fuzz_fd, p, len, (off_t) off) == (ssize_t) len);
}


static void
fuzz_restore(void)
{
    size_t  i;

    for (i = 0; i < fuzz_ndirty; i++) {
        check(pwrite(fuzz_fd, fuzz_pristine + fuzz_dirty[i].off,
                     fuzz_dirty[i].len, (off_t) fuzz_dirty[i].off)
              == (ssize_t) fuzz_dirty[i].len);
    }

    fuzz_ndirty = 0;
}


static uint32_t
fuzz_read32(size_t off)
{
    uint32_t  v;

    memcpy(&v, fuzz_pristine + off, sizeof(uint32_t));

    return v;
}


static void
fuzz_write32(size_t off, uint32_t v)
{
    fuzz_write(off, &v, sizeof(uint32_t));
}


/* a value that breaks something: past an end, at an end, huge, zero */

static uint32_t
fuzz_value(u_char sel, uint32_t b)
{
    switch (sel % 12) {
    case 0: return fuzz_ndocs;
    case 1: return fuzz_ndocs + 1 + b % 64;
    case 2: return fuzz_ndocs - 1;
    case 3: return fuzz_nkw;
    case 4: return fuzz_ntypes;
    case 5: return UINT32_MAX;
    case 6: return 0x80000000u;
    case 7: return 0;
    case 8: return b;
    case 9: return b % 1024;
    case 10: return fuzz_ndocs * 4 + (b & 3);
    default: return 0x7fffffffu;
    }
}


static const fuzz_region_t *
fuzz_pick(int type, uint32_t a)
{
    if (fuzz_nby[type] == 0) {
        return NULL;
    }

    return &fuzz_regions[fuzz_by[type][a % fuzz_nby[type]]];
}


static const fuzz_region_t *
fuzz_column(const char *name)
{
    size_t  i;

    for (i = 0; i < fuzz_nby[R_COL]; i++) {
        if (strcmp(fuzz_regions[fuzz_by[R_COL][i]].name, name) == 0) {
            return &fuzz_regions[fuzz_by[R_COL][i]];
        }
    }

    return NULL;
}


static void
fuzz_mutate(const u_char *op)
{
    u_char                kind, sel, byte;
    size_t                at, n, i;
    uint32_t              a, b, v, e;
    uint64_t              w;
    const fuzz_region_t  *r;

    static const char  *cols[] = { "kwoff", "kwids", "type", "date", "title",
                                   "bytitle", "order", "rec", "private",
                                   "kwsorted", "typesorted" };

    kind = op[0];
    sel = op[1];
    a = (uint32_t) op[2] | (uint32_t) op[3] << 8;
    memcpy(&b, op + 4, sizeof(uint32_t));

    switch (kind % 12) {

    case 0:     /* a bit of any value or key */
    case 1:
        r = &fuzz_regions[(a | (uint32_t) sel << 16) % fuzz_nregions];
        at = r->off + b % r->len;
        byte = fuzz_pristine[at] ^ (u_char) (1u << (b >> 29));
        fuzz_write(at, &byte, 1);
        return;

    case 2:     /* a bit anywhere: LMDB's pages too (FUZZ_SNAPSHOT_ANY) */
        if (getenv("FUZZ_SNAPSHOT_ANY") == NULL) {
            return;
        }

        at = b % fuzz_size;
        byte = fuzz_pristine[at] ^ (u_char) (1u << (a % 8));
        fuzz_write(at, &byte, 1);
        return;

    case 3:     /* a posting entry */
    case 4:
        r = fuzz_pick(R_POST, a);
        if (r == NULL || r->len < 4) {
            return;
        }

        n = r->len / 4;
        i = b % n;
        at = r->off + i * 4;
        e = fuzz_read32(at);

        switch ((sel >> 4) % 6) {
        case 0:                                 /* a docno past the end */
            v = (fuzz_value(sel, b) << 2) | (e & 3);
            break;
        case 1:                                 /* the next one first */
            if (i + 1 < n) {
                fuzz_write32(at + 4, e);
                v = fuzz_read32(at + 4);
            } else {
                v = 0;
            }
            break;
        case 2:                                 /* the one before again */
            v = i ? fuzz_read32(at - 4) : e;
            break;
        case 3:                                 /* zero */
            v = 0;
            break;
        case 4:                                 /* the last, far past */
            at = r->off + (n - 1) * 4;
            v = 0xfffffffcu | (e & 3);
            break;
        default:                                /* anything */
            v = fuzz_value(sel, b);
            break;
        }

        fuzz_write32(at, v);
        return;

    case 5:     /* a bitmap's word, or its padding */
        r = fuzz_pick(R_BITMAP, a);
        if (r == NULL || r->len < 8) {
            return;
        }

        n = r->len / 8;

        if (sel & 1) {
            i = n - 1;                           /* the last: padding */
            memcpy(&w, fuzz_pristine + r->off + i * 8, 8);
            w |= ~(uint64_t) 0 << (fuzz_ndocs % 64 ? fuzz_ndocs % 64 : 63);

        } else {
            i = b % n;
            w = (sel & 2) ? ~(uint64_t) 0 : (uint64_t) b << (sel % 32);
        }

        fuzz_write(r->off + i * 8, &w, 8);
        return;

    case 6:     /* a column's entry */
    case 7:
        r = fuzz_column(cols[sel % (sizeof(cols) / sizeof(cols[0]))]);
        if (r == NULL || r->len < 4) {
            return;
        }

        if (strcmp(r->name, "private") == 0) {
            byte = (u_char) b;
            fuzz_write(r->off + b % r->len, &byte, 1);
            return;
        }

        if (strcmp(r->name, "rec") == 0) {
            i = (b % (r->len / 8)) * 8 + ((sel & 0x10) ? 4 : 0);
            fuzz_write32(r->off + i, fuzz_value(sel >> 5, a));
            return;
        }

        i = b % (r->len / 4);

        if ((sel >> 4) % 3 == 0) {
            v = fuzz_value((u_char) a, b);                 /* a bound */

        } else if ((sel >> 4) % 3 == 1) {
            v = fuzz_read32(r->off + i * 4) + 1;           /* off by one */

        } else {                                           /* a neighbour */
            v = fuzz_read32(r->off + ((i + 1) % (r->len / 4)) * 4);
        }

        fuzz_write32(r->off + i * 4, v);
        return;

    case 8:     /* a term's value: its id, counts, lengths */
        r = fuzz_pick((sel & 1) ? R_TID : R_TERM, a);
        if (r == NULL || r->len < sizeof(resources_term_t)) {
            return;
        }

        fuzz_write32(r->off + ((sel >> 1) % 5) * 4, fuzz_value(sel >> 4, b));
        return;

    case 9:     /* a facet table's sizes, ids, counts */
        r = fuzz_pick(R_FACETS, a);
        if (r == NULL || r->len < 4) {
            return;
        }

        i = (sel & 1) ? (b % 3) : (b % (r->len / 4));
        fuzz_write32(r->off + i * 4, fuzz_value(sel >> 1, b));
        return;

    case 10:    /* the pair table: its size, key lengths, counts */
        r = fuzz_pick(R_PAIRS, a);
        if (r == NULL || r->len < 8) {
            return;
        }

        if ((sel & 3) == 0) {
            fuzz_write32(r->off, fuzz_value(sel >> 2, b));

        } else if ((sel & 3) == 1) {
            byte = (u_char) b;
            fuzz_write(r->off + 4 + b % 64, &byte, 1);

        } else {
            i = (r->len / 4) - 1 - b % (r->len / 8);
            fuzz_write32(r->off + i * 4, fuzz_value(sel >> 2, b));
        }

        return;

    default:    /* a record's header, its packed length; the header */
        if (sel & 0x80) {
            r = fuzz_pick(R_META, 0);
            for (i = 0; i < fuzz_nby[R_META]; i++) {
                r = &fuzz_regions[fuzz_by[R_META][i]];
                if (r->len == sizeof(resources_header_t)) {
                    break;
                }
            }

            if (r == NULL || r->len != sizeof(resources_header_t)) {
                return;
            }

            /* ndocs .. tail_max: u32s at 32 .. 60 */
            fuzz_write32(r->off + 32 + (a % 8) * 4, fuzz_value(sel, b));
            return;
        }

        r = fuzz_column("rec");
        if (r == NULL) {
            return;
        }

        memcpy(&w, fuzz_pristine + r->off + (b % (r->len / 8)) * 8, 8);

        if ((w >> 32) >= fuzz_nby[R_CHUNK]) {
            return;
        }

        /* chunk w >> 32, offset (u32) w: the chunk's region */

        for (i = 0; i < fuzz_nby[R_CHUNK]; i++) {
            if (i == (w >> 32)) {
                break;
            }
        }

        {
            size_t                chunk_off;
            const fuzz_region_t  *c;
            resources_doc_t       doc;

            c = &fuzz_regions[fuzz_by[R_CHUNK][w >> 32]];
            chunk_off = c->off + (uint32_t) w;

            if ((uint32_t) w + sizeof(resources_doc_t) > c->len) {
                return;
            }

            memcpy(&doc, fuzz_pristine + chunk_off, sizeof(doc));

            if ((sel & 7) < 5) {
                fuzz_write32(chunk_off + (sel & 7) * 4,
                             fuzz_value(sel >> 3, a));

            } else if (doc.flags & RESOURCES_DOC_PACKED) {
                /* the block's length, after the list form */
                fuzz_write32(chunk_off + sizeof(doc) + doc.list_len,
                             fuzz_value(sel >> 3, a));
            }
        }

        return;
    }
}


/* queries, as the module makes them ---------------------------------------- */

typedef struct {
    resources_snapshot_t  *s;
    u_char                 view;
    resources_posting_t    lists[RESOURCES_INTERSECT_MAX];
    const u_char          *bits[RESOURCES_INTERSECT_MAX];
    size_t                 nlists;
    u_char                *dense;
    size_t                 nwords;
    resources_posting_t   *prefix;
    size_t                 nprefix;
    resources_posting_t    table;
    unsigned               empty:1;
    unsigned               corrupt:1;

    /* what to free */
    void                  *mem[64];
    size_t                 nmem;
} fuzz_req_t;


static void *
fuzz_alloc(fuzz_req_t *rq, size_t size, int zero)
{
    void  *p;

    check(rq->nmem < sizeof(rq->mem) / sizeof(rq->mem[0]));

    p = zero ? calloc(1, size ? size : 1) : malloc(size ? size : 1);
    check(p != NULL);
    rq->mem[rq->nmem++] = p;

    return p;
}


static void
fuzz_posting_ok(const resources_posting_t *p)
{
    fuzz_in_map(p->data, p->n * sizeof(uint32_t));
}


/* a term's posting as a view sees it (ngx_http_resources_posting) */

static void
fuzz_posting(fuzz_req_t *rq, u_char kind, const u_char *term, size_t len,
    resources_posting_t *p)
{
    uint32_t             *out;
    resources_posting_t   parts[2];

    memset(parts, 0, sizeof(parts));

    resources_snapshot_posting(rq->s, RESOURCES_PART_PUBLIC, kind, term, len,
                               &parts[0]);
    fuzz_posting_ok(&parts[0]);

    *p = parts[0];

    if (rq->view != RESOURCES_VIEW_ALL) {
        return;
    }

    resources_snapshot_posting(rq->s, RESOURCES_PART_PRIVATE, kind, term,
                               len, &parts[1]);
    fuzz_posting_ok(&parts[1]);

    if (parts[1].n == 0) {
        return;
    }

    if (parts[0].n == 0) {
        *p = parts[1];
        return;
    }

    out = fuzz_alloc(rq, (parts[0].n + parts[1].n + 1) * 2 * 4, 0);
    p->n = resources_union(parts, 2, out, out + parts[0].n + parts[1].n + 1);
    p->data = (u_char *) out;
}


static const u_char *
fuzz_bitmap(fuzz_req_t *rq, u_char part, u_char kind, const u_char *term,
    size_t len)
{
    const u_char  *b;

    b = resources_snapshot_bits(rq->s, part, kind, term, len);

    if (b) {
        fuzz_in_map(b, RESOURCES_BITMAP_WORDS(rq->s->header.ndocs) * 8);
    }

    return b;
}


/* the union of a large prefix as a byte per docno */

static void
fuzz_union_dense(fuzz_req_t *rq, const resources_posting_t *lists, size_t n,
    u_char *dense)
{
#if (FUZZ_SNAPSHOT_TODAY)
    resources_union_dense(lists, n, dense);
#else
    if (resources_union_dense_bounded(lists, n, dense,
                                      rq->s->header.ndocs) != 0)
    {
        rq->corrupt = 1;
    }
#endif
}


/* q's last word: the words it starts (ngx_http_resources_prefix) */

static void
fuzz_prefix_lists(fuzz_req_t *rq, const u_char *word, size_t len,
    resources_posting_t *p)
{
    int           rc;
    size_t        n, klen, part;
    u_char        key[2 + 64];
    MDB_val       k, d;
    MDB_cursor   *c;

    rq->prefix = fuzz_alloc(rq, 64 * sizeof(resources_posting_t), 0);
    n = 0;

    for (part = 0; part < (rq->view == RESOURCES_VIEW_ALL ? 2u : 1u);
         part++)
    {
        klen = resources_post_key(key, part ? RESOURCES_PART_PRIVATE
                                            : RESOURCES_PART_PUBLIC,
                                  RESOURCES_KIND_WORD, word, len);

        check(mdb_cursor_open(rq->s->txn, rq->s->post, &c) == 0);

        k.mv_size = klen;
        k.mv_data = key;

        for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
             rc == 0 && n < 64;
             rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
        {
            if (k.mv_size < klen || memcmp(k.mv_data, key, klen) != 0) {
                break;
            }

#if !(FUZZ_SNAPSHOT_TODAY)
            if (resources_snapshot_value(rq->s, &d, sizeof(uint32_t)) != 0) {
                rq->corrupt = 1;
                continue;
            }
#endif

            fuzz_in_map(d.mv_data, d.mv_size);

            rq->prefix[n].data = d.mv_data;
            rq->prefix[n].n = d.mv_size / sizeof(uint32_t);
            rq->prefix[n].scored = 1;
            n++;
        }

        mdb_cursor_close(c);
    }

    rq->nprefix = n;
    p->scored = 1;
    p->data = NULL;
    p->n = n;
}


/* the prefix as one list, or a byte per docno (ngx_http_resources_merge) */

static void
fuzz_merge(fuzz_req_t *rq, resources_posting_t *p)
{
    size_t     i, total;
    uint32_t  *out;

    if (rq->nprefix <= 1) {
        p->data = rq->nprefix ? rq->prefix[0].data : NULL;
        p->n = rq->nprefix ? rq->prefix[0].n : 0;
        return;
    }

    for (i = 0, total = 0; i < rq->nprefix; i++) {
        total += rq->prefix[i].n;
    }

    if (total >= rq->s->header.ndocs / 32) {
        rq->dense = fuzz_alloc(rq, rq->s->header.ndocs + 1, 1);
        fuzz_union_dense(rq, rq->prefix, rq->nprefix, rq->dense);
        rq->nlists--;
        return;
    }

    out = fuzz_alloc(rq, (total + 1) * 2 * 4, 0);
    p->n = resources_union(rq->prefix, rq->nprefix, out, out + total + 1);
    p->data = (u_char *) out;
}


static uint32_t
fuzz_date_bound(resources_snapshot_t *s, uint32_t v, int lt)
{
    uint32_t  lo, hi, mid, d;

    lo = 0;
    hi = s->header.ndocs;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        d = resources_snapshot_col(s->date, mid);

        if (lt ? d < v : d <= v) {
            hi = mid;

        } else {
            lo = mid + 1;
        }
    }

    return lo;
}


/* records: list form, full form, tail; every docno of a result */

static void
fuzz_records(fuzz_req_t *rq, const uint32_t *page, size_t m)
{
    u_char              *buf, *tail;
    size_t               i, cap, sum;
    const u_char        *full;
    resources_record_t   rec;

    buf = NULL;
    cap = 0;
    sum = 0;

    for (i = 0; i < m && i < 64; i++) {
        if (resources_snapshot_record(rq->s, page[i], &rec) != 0) {
            rq->corrupt = 1;
            continue;
        }

        check(page[i] < rq->s->header.ndocs);
        fuzz_in_map(rec.list, rec.list_len);
        fuzz_in_map(rec.atom, rec.atom_len);
        fuzz_in_map(rec.id, rec.id_len);

        if (rec.full) {
            fuzz_in_map(rec.full, rec.full_len);
        } else {
            fuzz_in_map(rec.packed, rec.packed_len);
        }

        if (rec.list_len) {
            sum += rec.list[0] + rec.list[rec.list_len - 1];
        }

        if (i < 4) {
            full = resources_snapshot_full(rq->s, &rec, &buf, &cap);

            if (full && rec.full_len) {
                sum += full[rec.full_len - 1];
            }

            tail = malloc(rec.full_len - rec.list_len + 1);
            check(tail != NULL);
            (void) resources_snapshot_tail(rq->s, &rec, tail);
            free(tail);
        }
    }

    free(buf);

    /* a use of what was read, so that nothing is optimized away */
    check(sum != 1);
}


/* the facets over a result, as ngx_http_resources_facets counts them */

static void
fuzz_facet_bitmaps(fuzz_req_t *rq, int i, u_char kind, const uint64_t *bits)
{
    size_t                  j, k, nw;
    uint32_t                c, d, id;
    resources_snapshot_t   *s;
    resources_posting_t     p;
    resources_term_info_t   t;

    s = rq->s;
    nw = RESOURCES_BITMAP_WORDS(s->header.ndocs);

    for (j = 0; j < s->nterms[i] && j < 40; j++) {
        id = s->freq[i][j].id;

        if (s->freq[i][j].bits) {
            fuzz_in_map(s->freq[i][j].bits, nw * 8);
            c = (uint32_t) resources_bits_and_count(bits, s->freq[i][j].bits,
                                                    nw);
            (void) c;
            continue;
        }

        if (resources_snapshot_term(s, kind, id, &t) != 0) {
            rq->corrupt = 1;
            continue;
        }

        fuzz_in_map(t.display, t.display_len);
        fuzz_in_map(t.folded, t.folded_len);

        if (resources_snapshot_posting(s, RESOURCES_PART_PUBLIC, kind,
                                       t.folded, t.folded_len, &p)
            != 0)
        {
            rq->corrupt = 1;
            continue;
        }

        fuzz_posting_ok(&p);

#if (FUZZ_SNAPSHOT_TODAY)
        for (k = 0, c = 0; k < p.n; k++) {
            d = RESOURCES_DOCNO(resources_get_u32(p.data + k * 4));
            c += (bits[d / 64] >> (d % 64)) & 1;
        }
#else
        (void) k;
        (void) d;
        if (resources_bits_count_posting(bits, s->header.ndocs, &p)
            == RESOURCES_CORRUPT)
        {
            rq->corrupt = 1;
        }
#endif
    }
}


static void
fuzz_facets(fuzz_req_t *rq, const uint32_t *res, size_t n, uint32_t lo,
    uint32_t hi)
{
    size_t                  i, k, j, m, nn[3];
    uint32_t               *counts, off, end, d, year, steps;
    uint64_t               *bits;
    resources_snapshot_t   *s;
    resources_term_info_t   t;

    s = rq->s;

    if (rq->table.n) {
        fuzz_in_map(rq->table.data, rq->table.n * 4);

        if (resources_snapshot_facets_sizes(&rq->table, nn) != 0) {
            rq->corrupt = 1;
            return;
        }

        for (j = 0, k = 3; j < 3; j++) {
            for (i = 0; i < nn[j]; i++, k += 2) {
                check(k + 1 < rq->table.n);
                d = resources_get_u32(rq->table.data + k * 4);

                if (j < 2 && i < 10
                    && resources_snapshot_term(s, j ? RESOURCES_KIND_TYPE
                                                    : RESOURCES_KIND_KEYWORD,
                                               d, &t) == 0)
                {
                    fuzz_in_map(t.display, t.display_len);
                }
            }
        }

        return;
    }

    /* the result as a bitmap: popcounts of the frequent terms */

    bits = fuzz_alloc(rq, RESOURCES_BITMAP_WORDS(s->header.ndocs) * 8, 1);

    for (i = 0; i < n; i++) {
        check(res[i] < s->header.ndocs);
        bits[res[i] / 64] |= (uint64_t) 1 << (res[i] % 64);
    }

    if (s->bitmaps_all[0]) {
        fuzz_facet_bitmaps(rq, 0, RESOURCES_KIND_KEYWORD, bits);
    }

    if (s->bitmaps_all[1]) {
        fuzz_facet_bitmaps(rq, 1, RESOURCES_KIND_TYPE, bits);
    }

    /* keywords and types from the columns */

    counts = fuzz_alloc(rq, (s->header.nkeywords[1] + 1) * 4, 1);

    for (i = 0, m = 0; i < n; i++) {
        off = resources_snapshot_col(s->kwoff, res[i]);
        end = resources_snapshot_col(s->kwoff, res[i] + 1);

        for (k = off; k < end; k++) {
            d = resources_snapshot_col(s->kwids, k);
            m += (counts[d]++ == 0);
        }
    }

    for (i = 0; i < s->header.nkeywords[1]; i++) {
        d = resources_snapshot_col(s->kwsorted, i);
        m += counts[d];
    }

    counts = fuzz_alloc(rq, (s->header.ntypes[1] + 1) * 4, 1);

    for (i = 0; i < n; i++) {
        d = resources_snapshot_col(s->type, res[i]);
        counts[d]++;
    }

    for (i = 0; i < s->header.ntypes[1]; i++) {
        d = resources_snapshot_col(s->typesorted, i);
        m += counts[d];
        (void) s->rank[1][d];
    }

    /* years: runs of docnos, a binary search each */

    for (i = lo, k = 0, steps = 0; i < hi; steps++) {
        check(steps <= s->header.ndocs + 1);            /* no hang */

        year = resources_snapshot_col(s->date, i) / 10000;

        if (year == 0) {
            break;
        }

        end = fuzz_date_bound(s, year * 10000, 1);
        end = end < hi ? end : hi;

        check(end > i);                                 /* progress */

        k += resources_bits_count_range(bits, i, end);
        i = end;
    }

    for (i = 0, k = 0, steps = 0; i < n; steps++) {
        check(steps <= n);

        year = resources_snapshot_col(s->date, res[i]) / 10000;

        if (year == 0) {
            break;
        }

        end = fuzz_date_bound(s, year * 10000, 1);

        /* the first of res[i ..] at end or beyond */

        for (j = i; j < n && res[j] < end; j++) { /* void */ }

        check(j > i);
        i = j;
    }
}


/* relevance from bitmaps (ngx_http_resources_top), the public view */

static void
fuzz_top(fuzz_req_t *rq, const u_char **words, const size_t *lens,
    size_t nw, uint32_t lo, uint32_t hi)
{
    size_t                  i, j, ns, nwd, n, k;
    uint32_t               *out;
    uint64_t               *rare;
    const u_char           *bits[RESOURCES_TOP_SLOTS][3], *b, *pair[2];
    const u_char           *sb[RESOURCES_INTERSECT_MAX],
                           *sh[RESOURCES_INTERSECT_MAX],
                           *sl[RESOURCES_INTERSECT_MAX];
    resources_posting_t     p;
    resources_bits_slot_t   slots[RESOURCES_TOP_SLOTS + 2];
    resources_snapshot_t   *s;

    s = rq->s;
    nwd = RESOURCES_BITMAP_WORDS(s->header.ndocs);
    ns = 0;

    /* a filter: the first keyword's bitmap */

    b = fuzz_bitmap(rq, RESOURCES_PART_BITMAP, RESOURCES_KIND_KEYWORD,
                    fuzz_kw[0].term, fuzz_kw[0].len);

    if (b) {
        sb[0] = b;
        slots[ns].bits = &sb[0];
        slots[ns].hi = NULL;
        slots[ns].lo = NULL;
        slots[ns].n = 1;
        ns++;
    }

    for (i = 0; i < nw && i < RESOURCES_TOP_SLOTS; i++) {
        for (j = 0; j < 3; j++) {
            bits[i][j] = fuzz_bitmap(rq, j == 0 ? RESOURCES_PART_BITMAP
                                       : j == 1 ? RESOURCES_PART_FIELD_HI
                                                : RESOURCES_PART_FIELD_LO,
                                     RESOURCES_KIND_WORD, words[i], lens[i]);
        }

        k = 1 + i * 2;

        if (bits[i][0] && bits[i][1] && bits[i][2]) {
            sb[k] = bits[i][0];
            sh[k] = bits[i][1];
            sl[k] = bits[i][2];
            slots[ns].bits = &sb[k];
            slots[ns].hi = &sh[k];
            slots[ns].lo = &sl[k];
            slots[ns].n = 1;
            ns++;
            continue;
        }

        /* a rare word: its posting into four bitmaps */

        rare = fuzz_alloc(rq, 4 * nwd * 8, 1);

        resources_snapshot_posting(s, RESOURCES_PART_PUBLIC,
                                   RESOURCES_KIND_WORD, words[i], lens[i],
                                   &p);
        fuzz_posting_ok(&p);

#if (FUZZ_SNAPSHOT_TODAY)
        resources_bits_fields_add(rare, nwd, p.data, p.n);
#else
        if (resources_bits_fields_add(rare, nwd, p.data, p.n) != 0) {
            rq->corrupt = 1;
        }
#endif
        resources_bits_fields_low(rare, nwd);

        sb[k] = (u_char *) rare;
        sh[k] = (u_char *) (rare + nwd);
        sl[k] = (u_char *) (rare + 2 * nwd);
        slots[ns].bits = &sb[k];
        slots[ns].hi = &sh[k];
        slots[ns].lo = &sl[k];
        slots[ns].n = 1;
        ns++;
    }

    if (ns == 0) {
        return;
    }

    pair[0] = slots[0].bits[0];
    pair[1] = ns > 1 ? slots[1].bits[0] : NULL;

    if (lo != 0 || hi != s->header.ndocs
        || resources_snapshot_pair_count(s, pair, ns > 1 ? 2 : 1, &n) != 0)
    {
        n = resources_bits_slots_count(slots, ns, lo, hi);
    }

    n = resources_bits_slots_count(slots, ns, lo, hi);
    k = n < 30 ? n : 30;

    if (k == 0) {
        return;
    }

    out = fuzz_alloc(rq, k * 4, 0);
    k = resources_bits_slots_top(slots, ns, lo, hi, k, out);

    for (i = 0; i < k; i++) {
        check(out[i] >= lo && out[i] < hi);
    }

    fuzz_records(rq, out, k);
}


/* one list request: kw, type, q (its last word a prefix), dates, facets */

typedef struct {
    const fuzz_term_t  *kw[2];
    const fuzz_term_t  *type[2];
    const fuzz_term_t  *word[3];      /* the last: a prefix when prefix */
    unsigned            nkw, ntype, nword;
    unsigned            prefix:1;
    unsigned            facets:1;
    unsigned            dates:1;
    unsigned            sort;         /* 0 newest, 1 oldest, 2 title, 3 rel */
    u_char              view;
} fuzz_query_t;


static void
fuzz_list(resources_snapshot_t *s, const fuzz_query_t *q)
{
    size_t                i, j, n, k, cap, first, nw, nb;
    uint32_t              lo, hi, *res, *score, *page, *out, d;
    uint64_t             *acc, *keys;
    fuzz_req_t            rq;
    const u_char         *bm[RESOURCES_INTERSECT_MAX];
    resources_posting_t  *p, types[2];

    memset(&rq, 0, sizeof(rq));
    rq.s = s;
    rq.view = q->view;

    for (i = 0; i < q->nkw; i++) {
        p = &rq.lists[rq.nlists++];
        fuzz_posting(&rq, RESOURCES_KIND_KEYWORD, q->kw[i]->term,
                     q->kw[i]->len, p);
        p->scored = 0;
        rq.empty |= (p->n == 0);

        if (rq.view == RESOURCES_VIEW_PUBLIC) {
            rq.bits[rq.nlists - 1] = fuzz_bitmap(&rq, RESOURCES_PART_BITMAP,
                                                 RESOURCES_KIND_KEYWORD,
                                                 q->kw[i]->term,
                                                 q->kw[i]->len);

            if (q->facets && q->nkw == 1 && q->ntype == 0
                && rq.bits[rq.nlists - 1]
                && resources_snapshot_posting(s, RESOURCES_PART_FACETS,
                                              RESOURCES_KIND_KEYWORD,
                                              q->kw[i]->term, q->kw[i]->len,
                                              &rq.table) != 0)
            {
                rq.corrupt = 1;
            }
        }
    }

    if (q->ntype) {
        p = &rq.lists[rq.nlists++];
        p->scored = 0;

        for (i = 0, n = 0, cap = 0; i < q->ntype; i++) {
            fuzz_posting(&rq, RESOURCES_KIND_TYPE, q->type[i]->term,
                         q->type[i]->len, &types[n]);

            if (types[n].n) {
                cap += types[n].n;
                n++;
            }
        }

        if (n == 0) {
            p->n = 0;
            rq.empty = 1;

        } else if (n == 1) {
            *p = types[0];
            p->scored = 0;

            if (rq.view == RESOURCES_VIEW_PUBLIC) {
                rq.bits[rq.nlists - 1] = fuzz_bitmap(&rq,
                                                  RESOURCES_PART_BITMAP,
                                                  RESOURCES_KIND_TYPE,
                                                  q->type[0]->term,
                                                  q->type[0]->len);
            }

        } else {
            res = fuzz_alloc(&rq, (cap + 1) * 2 * 4, 0);
            p->n = resources_union(types, n, res, res + cap + 1);
            p->data = (u_char *) res;
        }
    }

    for (i = 0; i < q->nword; i++) {
        p = &rq.lists[rq.nlists++];
        rq.nwords++;

        if (q->prefix && i + 1 == q->nword) {
            fuzz_prefix_lists(&rq, q->word[i]->term, q->word[i]->len, p);

        } else {
            fuzz_posting(&rq, RESOURCES_KIND_WORD, q->word[i]->term,
                         q->word[i]->len, p);
            p->scored = 1;
        }

        rq.empty |= (p->n == 0);
    }

    lo = 0;
    hi = s->header.ndocs;

    if (q->dates) {
        hi = fuzz_date_bound(s, 20050000, 1);
        lo = fuzz_date_bound(s, 20201231, 0);
    }

    if (q->sort == 3 && q->view == RESOURCES_VIEW_PUBLIC && !q->facets
        && q->nword)
    {
        const u_char  *w[3];
        size_t         l[3];

        for (i = 0; i < q->nword; i++) {
            w[i] = q->word[i]->term;
            l[i] = q->word[i]->len;
        }

        fuzz_top(&rq, w, l, q->nword, lo, hi);
    }

    if (q->prefix && q->nword) {
        fuzz_merge(&rq, &rq.lists[rq.nlists - 1]);
    }

    /* a large word as a byte per docno */

    if (rq.dense == NULL && rq.nlists >= 2 && !rq.empty) {
        for (i = 0, k = rq.nlists; i < rq.nlists; i++) {
            if (rq.lists[i].scored && rq.lists[i].n >= s->header.ndocs / 32) {
                k = i;
            }
        }

        if (k < rq.nlists) {
            rq.dense = fuzz_alloc(&rq, s->header.ndocs + 1, 1);
            fuzz_union_dense(&rq, &rq.lists[k], 1, rq.dense);
            rq.nlists--;
            rq.lists[k] = rq.lists[rq.nlists];
            rq.bits[k] = rq.bits[rq.nlists];
        }
    }

    if (rq.nlists == 0) {
        fuzz_posting(&rq, RESOURCES_KIND_ALL, (u_char *) "", 0, &rq.lists[0]);
        rq.lists[0].scored = 0;
        rq.bits[0] = NULL;
        rq.nlists = 1;

        if (q->facets && rq.view == RESOURCES_VIEW_PUBLIC
            && resources_snapshot_posting(s, RESOURCES_PART_FACETS,
                                          RESOURCES_KIND_ALL, (u_char *) "",
                                          0, &rq.table) != 0)
        {
            rq.corrupt = 1;
        }
    }

    if (rq.table.n && (rq.nlists != 1 || rq.nwords || rq.dense || lo != 0
                       || hi != s->header.ndocs || rq.empty))
    {
        rq.table.n = 0;
    }

    /* the page straight from one posting */

    if (!rq.empty && rq.nlists == 1 && q->sort == 0 && rq.dense == NULL) {
        p = &rq.lists[0];
        first = resources_gallop(p->data, p->n, 0, lo);
        n = resources_gallop(p->data, p->n, first, hi) - first;
        check(first + n <= p->n);
        k = n < 20 ? n : 20;
        page = fuzz_alloc(&rq, (k + 1) * 4, 0);

        for (i = 0; i < k; i++) {
            page[i] = RESOURCES_DOCNO(resources_get_u32(p->data
                                                    + (first + i) * 4));
        }

        fuzz_records(&rq, page, k);
    }

    /* bitmaps: the AND of the frequent filters */

    nw = RESOURCES_BITMAP_WORDS(s->header.ndocs);

    for (i = 0, nb = 0; i < rq.nlists; i++) {
        if (rq.bits[i]) {
            bm[nb++] = rq.bits[i];
        }
    }

    if (nb && !rq.empty && lo < hi) {
        n = resources_bits_and_many_count(bm, nb, lo, hi);
        k = n < 20 ? n : 20;
        out = fuzz_alloc(&rq, (k + 1) * 4, 0);
        k = resources_bits_and_many_page(bm, nb, lo, hi, 0, k, out);

        for (i = 0; i < k; i++) {
            check(out[i] >= lo && out[i] < hi);
        }

        fuzz_records(&rq, out, k);

        acc = fuzz_alloc(&rq, nw * 8, 0);
        memcpy(acc, bm[0], nw * 8);

        for (i = 1; i < nb; i++) {
            resources_bits_and(acc, bm[i], nw);
        }

        n = resources_bits_clip(acc, nw, lo, hi);

        if (nb <= 2) {
            (void) resources_snapshot_pair_count(s, bm, nb, &k);
        }

        /* the set bits, in docno order, and title order */

        res = fuzz_alloc(&rq, (n + 1) * 4, 0);

        for (i = 0, j = 0; i < nw && j < n; i++) {
            for (uint64_t x = acc[i]; x; x &= x - 1) {
                res[j++] = (uint32_t) (i * 64 + __builtin_ctzll(x));
            }
        }

        for (i = 0; i < j; i++) {
            check(res[i] >= lo && res[i] < hi);
        }

        if (s->bytitle) {
            for (i = 0, k = 0; k < 10 && i < s->header.ndocs; i++) {
                d = resources_snapshot_col(s->bytitle, i);
                k += (acc[d / 64] >> (d % 64)) & 1;
            }
        }

        if (q->facets) {
            fuzz_facets(&rq, res, j, lo, hi);
        }
    }

    /* the intersection, through the dense prefix */

    for (i = 0, cap = SIZE_MAX; i < rq.nlists; i++) {
        cap = cap < rq.lists[i].n ? cap : rq.lists[i].n;
    }

    res = fuzz_alloc(&rq, (cap + 1) * 4, 0);
    score = fuzz_alloc(&rq, (cap + 1) * 4, 0);

    n = rq.empty ? 0 : resources_intersect_dense(rq.lists, rq.nlists, lo, hi,
                                                 rq.dense, res, score);

#if !(FUZZ_SNAPSHOT_TODAY)
    if (n == RESOURCES_CORRUPT) {
        rq.corrupt = 1;
        n = 0;
    }
#endif

    check(n <= cap);

    for (i = 0; i < n; i++) {
        check(res[i] >= lo && res[i] < hi);
        check(i == 0 || res[i] > res[i - 1]);
    }

    /* the order: title ranks, scores; oldest first by dates */

    if (n > 1) {
        keys = fuzz_alloc(&rq, n * 8, 0);

        for (i = 0; i < n; i++) {
            keys[i] = (q->sort == 2)
                      ? (uint64_t) resources_snapshot_col(s->title, res[i])
                        << 32 | res[i]
                      : (uint64_t) (UINT32_MAX - score[i]) << 32 | res[i];
            (void) resources_snapshot_col(s->date, res[i]);
        }

        k = n < 20 ? n : 20;
        resources_select_u64(keys, n, k);

        page = fuzz_alloc(&rq, k * 4, 0);

        for (i = 0; i < k; i++) {
            page[i] = (uint32_t) keys[i];
        }

        fuzz_records(&rq, page, k);
    }

    if (q->facets) {
        fuzz_facets(&rq, res, n, lo, hi);
    }

    fuzz_corrupt |= rq.corrupt;

    for (i = 0; i < rq.nmem; i++) {
        free(rq.mem[i]);
    }
}


/* a typo derivation handed: inside the forms and the map */

static int
fuzz_typo(void *data, uint32_t index, const u_char *word, size_t len,
    unsigned distance)
{
    resources_snapshot_t  *s = data;

    check(index < s->typos.forms.n);
    check(distance <= 2);
    fuzz_in_map(word, len);

    return 0;
}


static void
fuzz_typos(resources_snapshot_t *s)
{
    size_t         i, j, len;
    u_char         q[RESOURCES_WORD_MAX + 1];
    const u_char  *w;

    static const char  *fixed[] = { "solidiare", "economi", "cooperatve",
                                    "territoir", "fonceir" };

    for (i = 0; i < 5 + 8; i++) {
        if (i < 5) {
            len = strlen(fixed[i]);
            memcpy(q, fixed[i], len);

        } else {
            if (s->typos.forms.n == 0) {
                break;
            }

            /* a form of the list with its second byte changed */

            w = resources_typos_word(&s->typos.forms,
                                     (uint32_t) ((i * 7919)
                                                 % s->typos.forms.n),
                                     &len);
            fuzz_in_map(w, len);
            memcpy(q, w, len);

            if (len > 1) {
                q[1] ^= 1;
            }
        }

        for (j = 0; j < 4; j++) {
            (void) resources_typos_walk(&s->typos.forms, q, len,
                                        1 + (j & 1), j >> 1, 1, fuzz_typo,
                                        s);

            if (s->has_typoix) {
                (void) resources_typos_lookup(&s->typoix, &s->typos.forms,
                                              q, len, j >> 1, j & 1,
                                              fuzz_typo, s);
            }
        }
    }
}


static void
fuzz_queries(resources_snapshot_t *s)
{
    size_t                 i, j;
    uint32_t               docno;
    fuzz_query_t           q;
    resources_term_info_t  t;

    fuzz_map = fuzz_map_base(s->rec);
    check(fuzz_map != NULL);
    fuzz_map_len = fuzz_size;

    /* the columns and values the opening handed out */

    fuzz_in_map(s->rec, (size_t) s->header.ndocs * 8);
    fuzz_in_map(s->kwoff, ((size_t) s->header.ndocs + 1) * 4);
    fuzz_in_map(s->kwids, s->nkwids * 4);
    fuzz_in_map(s->dict, s->dict_len);

    for (i = 0; i < s->nchunks; i++) {
        fuzz_in_map(s->chunk[i], s->chunk_len[i]);
    }

    /* typo derivations, walked and through the index */

    if (s->has_typos) {
        fuzz_typos(s);
    }

    /* terms by id, as _meta, _keywords, _types and the facets read them */

    for (j = 0; j < 2; j++) {
        for (i = 0; i < s->nterms[j] + 2; i++) {
            if (resources_snapshot_term(s, j ? RESOURCES_KIND_TYPE
                                             : RESOURCES_KIND_KEYWORD,
                                        (uint32_t) i, &t) == 0)
            {
                fuzz_in_map(t.display, t.display_len);
                fuzz_in_map(t.folded, t.folded_len);
            }
        }
    }

    /* lookups */

    for (i = 0; i < 4; i++) {
        if (resources_snapshot_id(s, (u_char *) fuzz_ids[i],
                                  strlen(fuzz_ids[i]), &docno) == 0)
        {
            fuzz_req_t  rq;

            check(docno < s->header.ndocs);
            memset(&rq, 0, sizeof(rq));
            rq.s = s;
            fuzz_records(&rq, &docno, 1);
            fuzz_corrupt |= rq.corrupt;
        }
    }

    /* list requests */

    for (i = 0; i < 16; i++) {
        memset(&q, 0, sizeof(q));
        q.view = (i % 4 == 3) ? RESOURCES_VIEW_ALL : RESOURCES_VIEW_PUBLIC;
        q.sort = i % 4;
        q.facets = (i % 3 == 0);
        q.dates = (i % 5 == 4);

        switch (i % 8) {
        case 0:                 /* kw, the q=tiers&kw=QPV */
            q.kw[q.nkw++] = &fuzz_kw[0];
            q.word[q.nword++] = &fuzz_prefix[i / 8];
            q.prefix = 1;
            break;
        case 1:                 /* two frequent keywords */
            q.kw[q.nkw++] = &fuzz_kw[0];
            q.kw[q.nkw++] = &fuzz_kw[1 + i / 8];
            break;
        case 2:                 /* a frequent type, a rare keyword */
            q.type[q.ntype++] = &fuzz_type[0];
            q.kw[q.nkw++] = &fuzz_kw[fuzz_nkwt - 1];
            break;
        case 3:                 /* words */
            q.word[q.nword++] = &fuzz_word[i / 8];
            q.word[q.nword++] = &fuzz_word[2 + i / 8];
            break;
        case 4:                 /* a frequent and a rare word, a prefix */
            q.word[q.nword++] = &fuzz_word[1];
            q.word[q.nword++] = &fuzz_rare_word[i / 8];
            q.word[q.nword++] = &fuzz_prefix[2 + i / 8];
            q.prefix = 1;
            break;
        case 5:                 /* two types */
            q.type[q.ntype++] = &fuzz_type[0];
            q.type[q.ntype++] = &fuzz_type[fuzz_ntypet - 1];
            break;
        case 6:                 /* nothing: every resource */
            break;
        default:                /* one keyword */
            q.kw[q.nkw++] = &fuzz_kw[i / 8 + 2];
            q.sort = 3;
            q.word[q.nword++] = &fuzz_word[0];
            break;
        }

        fuzz_list(s, &q);

        /* every one also with facets and as relevance */

        if (!q.facets) {
            q.facets = 1;
            fuzz_list(s, &q);
        }
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char                  err[256];
    size_t                i;
    resources_snapshot_t  s;

    fuzz_restore();

    for (i = 0; i + 8 <= size && i / 8 < FUZZ_SNAPSHOT_OPS; i += 8) {
        fuzz_mutate(data + i);
    }

    if (resources_snapshot_open(&s, fuzz_path, err, sizeof(err)) != 0) {
        check(err[0] != '\0');
        fuzz_refused++;
        return 0;
    }

    fuzz_opened++;
    fuzz_corrupt = 0;

    fuzz_queries(&s);

    fuzz_reported += fuzz_corrupt;

    resources_snapshot_close(&s);

    return 0;
}
