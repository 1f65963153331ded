/*
 * Copyright (C) ngx_http_resources authors
 */


#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdlib.h>

#include <lz4.h>

#include "resources_snapshot.h"
#include "resources_typos.h"
#include "resources_text.h"


/* chunks of records checked together by resources_snapshot_verify */
#define RESOURCES_VERIFY_CHUNKS  4


#define resources_snapshot_error(...)                                        \
    do { snprintf(err, errlen, __VA_ARGS__); goto failed; } while (0)


static const u_char *resources_snapshot_map_base(resources_snapshot_t *s,
    const u_char *p);
static int resources_snapshot_verify_term(resources_snapshot_t *s,
    u_char kind, const resources_term_info_t *t);
static int resources_snapshot_term_decode(MDB_val *d, int with_folded,
    resources_term_info_t *t);
static int resources_snapshot_check_facets(resources_snapshot_t *s,
    MDB_val *d);


int
resources_snapshot_value(const resources_snapshot_t *s, const MDB_val *v,
    size_t unit)
{
    uintptr_t  p, start, end;

    if (unit > 1 && v->mv_size % unit) {
        return -1;
    }

    if (s->map == NULL || v->mv_size == 0) {
        return 0;
    }

    p = (uintptr_t) v->mv_data;
    start = (uintptr_t) s->map;
    end = start + s->map_len;

    if (p < start || p > end || v->mv_size > end - p) {
        return -1;
    }

    return 0;
}


/*
 * A bitmap's value: RESOURCES_BITMAP_WORDS(ndocs) words inside the map,
 * no bit set past docno ndocs - 1 (the words are read whole: a bit there
 * would be a docno past the end)
 */

static int
resources_snapshot_bitmap_ok(const resources_snapshot_t *s, const MDB_val *d)
{
    size_t    nw;
    uint64_t  last;

    nw = RESOURCES_BITMAP_WORDS(s->header.ndocs);

    if (nw == 0 || d->mv_size != nw * sizeof(uint64_t)
        || resources_snapshot_value(s, d, 1) != 0)
    {
        return -1;
    }

    if (s->header.ndocs % 64) {
        memcpy(&last, (const u_char *) d->mv_data
                      + (nw - 1) * sizeof(uint64_t), sizeof(uint64_t));

        if (last >> (s->header.ndocs % 64)) {
            return -1;
        }
    }

    return 0;
}


static int
resources_snapshot_column(resources_snapshot_t *s, const char *name,
    size_t esize, size_t n, const u_char **col, size_t *got)
{
    MDB_val  k, d;

    k.mv_size = strlen(name);
    k.mv_data = (void *) name;

    if (mdb_get(s->txn, s->cols, &k, &d) != 0
        || resources_snapshot_value(s, &d, esize) != 0)
    {
        return -1;
    }

    if (got) {
        *got = d.mv_size / esize;

        if (d.mv_size % esize) {
            return -1;
        }

    } else if (d.mv_size != n * esize) {
        return -1;
    }

    *col = d.mv_data;

    return 0;
}


/*
 * Lists the bitmaps of a kind (s->bitmaps[i]), in folded order: the keys
 * of RESOURCES_PART_BITMAP come in that order, and each term's id is read
 * from "terms".
 */

static int
resources_snapshot_bitmaps(resources_snapshot_t *s, u_char kind, int i)
{
    int                rc;
    u_char             key[2];
    uint32_t           nterms;
    MDB_val            k, d, tk, td;
    MDB_cursor        *c;
    resources_term_t   t;

    s->nbitmaps[i] = 0;
    s->bitmaps_all[i] = 1;

    nterms = (kind == RESOURCES_KIND_TYPE) ? s->header.ntypes[1]
                                           : s->header.nkeywords[1];

    rc = mdb_cursor_open(s->txn, s->post, &c);
    if (rc != 0) {
        return -1;
    }

    key[0] = RESOURCES_PART_BITMAP;
    key[1] = kind;
    k.mv_size = 2;
    k.mv_data = key;

    for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
         rc == 0;
         rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
    {
        if (k.mv_size <= 2 || memcmp(k.mv_data, key, 2) != 0) {
            break;
        }

        /*
         * size and place only: these are ANDed with results, bits past
         * ndocs never become docnos; reading each one's last word would
         * fault in a page a bitmap (5 ms at 100k, with the pair counts')
         */

        if (d.mv_size != RESOURCES_BITMAP_WORDS(s->header.ndocs)
                         * sizeof(uint64_t)
            || resources_snapshot_value(s, &d, 1) != 0)
        {
            goto failed;
        }

        if (s->nbitmaps[i] == RESOURCES_SNAPSHOT_BITMAPS) {
            s->bitmaps_all[i] = 0;
            break;
        }

        /* "terms": kind, folded */

        tk.mv_size = k.mv_size - 1;
        tk.mv_data = (u_char *) k.mv_data + 1;

        if (mdb_get(s->txn, s->terms, &tk, &td) != 0
            || td.mv_size < sizeof(resources_term_t)
            || resources_snapshot_value(s, &td, 1) != 0)
        {
            goto failed;
        }

        memcpy(&t, td.mv_data, sizeof(resources_term_t));

        if (t.id >= nterms) {
            goto failed;
        }

        s->bitmaps[i][s->nbitmaps[i]].id = t.id;
        s->bitmaps[i][s->nbitmaps[i]].bits = d.mv_data;
        s->nbitmaps[i]++;
    }

    mdb_cursor_close(c);

    return 0;

failed:

    mdb_cursor_close(c);

    return -1;
}


static int
resources_freq_cmp(const void *one, const void *two)
{
    const resources_freq_t  *x = one, *y = two;

    if (x->count != y->count) {
        return x->count > y->count ? -1 : 1;
    }

    return (x->id > y->id) - (x->id < y->id);
}


static int
resources_pair_cmp(const void *one, const void *two)
{
    const resources_pair_t  *x = one, *y = two;

    return (x->bits > y->bits) - (x->bits < y->bits);
}


/*
 * The loader's pair counts ("post" "c*", RESOURCES_PART_PAIRS), when it
 * wrote them: each bitmap they count found by its key, the table checked
 * for size (its counts, by resources_snapshot_verify)
 */

static int
resources_snapshot_pairs(resources_snapshot_t *s)
{
    u_char         key[2 + 255];
    size_t         n, i, off, len, size;
    MDB_val        k, d, v;
    const u_char  *p;

    key[0] = RESOURCES_PART_PAIRS;
    key[1] = RESOURCES_KIND_ALL;
    k.mv_size = 2;
    k.mv_data = key;

    if (mdb_get(s->txn, s->post, &k, &d) != 0) {
        return 0;
    }

    if (resources_snapshot_value(s, &d, sizeof(uint32_t)) != 0) {
        return -1;
    }

    p = d.mv_data;
    n = (d.mv_size >= sizeof(uint32_t)) ? resources_get_u32(p) : 0;

    if (n == 0 || n > RESOURCES_PAIRS_MAX
        || n > s->header.ndocs / RESOURCES_PAIRS_DOCS)
    {
        return -1;
    }

    s->pairs = malloc(n * sizeof(resources_pair_t));
    if (s->pairs == NULL) {
        return -1;
    }

    size = RESOURCES_BITMAP_WORDS(s->header.ndocs) * sizeof(uint64_t);
    off = sizeof(uint32_t);

    for (i = 0; i < n; i++) {
        len = (off < d.mv_size) ? p[off++] : 0;

        if (len == 0 || len > d.mv_size - off) {
            return -1;
        }

        key[0] = RESOURCES_PART_BITMAP;
        memcpy(key + 1, p + off, len);
        off += len;

        k.mv_size = 1 + len;

        if (mdb_get(s->txn, s->post, &k, &v) != 0 || v.mv_size != size
            || resources_snapshot_value(s, &v, 1) != 0)
        {
            return -1;
        }

        s->pairs[i].bits = v.mv_data;
        s->pairs[i].index = (uint32_t) i;
    }

    off = (off + 3) & ~(size_t) 3;

    if (d.mv_size != off + n * (n + 1) / 2 * sizeof(uint32_t)) {
        return -1;
    }

    qsort(s->pairs, n, sizeof(resources_pair_t), resources_pair_cmp);

    for (i = 1; i < n; i++) {
        if (s->pairs[i].bits == s->pairs[i - 1].bits) {
            return -1;
        }
    }

    s->npairs = (uint32_t) n;
    s->pair_counts = p + off;

    return 0;
}


int
resources_snapshot_pair_count(resources_snapshot_t *s, const u_char **bits,
    size_t nb, size_t *count)
{
    size_t   i, lo, hi, mid, x[2];

    if (s->npairs == 0 || nb == 0 || nb > 2) {
        return -1;
    }

    for (i = 0; i < nb; i++) {
        lo = 0;
        hi = s->npairs;

        while (lo < hi) {
            mid = lo + (hi - lo) / 2;

            if (s->pairs[mid].bits < bits[i]) {
                lo = mid + 1;

            } else {
                hi = mid;
            }
        }

        if (lo == s->npairs || s->pairs[lo].bits != bits[i]) {
            return -1;
        }

        x[i] = s->pairs[lo].index;
    }

    if (nb == 1) {
        x[1] = x[0];

    } else if (x[0] > x[1]) {
        i = x[0];
        x[0] = x[1];
        x[1] = i;
    }

    *count = resources_get_u32(s->pair_counts
                               + resources_pair_index(s->npairs, x[0], x[1])
                                 * sizeof(uint32_t));

    return 0;
}


/*
 * Where the map of the snapshot's file starts, less the file offset it
 * starts at (LMDB maps the whole file at once, and does not say where):
 * from the line of /proc/self/maps that holds p, a pointer into it; NULL
 * when that cannot be read
 */

static const u_char *
resources_snapshot_map_base(resources_snapshot_t *s, const u_char *p)
{
    char           line[512];
    FILE          *f;
    unsigned long  start, end, offset, ino;
    const u_char  *base;

    f = fopen("/proc/self/maps", "re");
    if (f == NULL) {
        return NULL;
    }

    base = NULL;

    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "%lx-%lx %*s %lx %*s %lu", &start, &end, &offset,
                   &ino) == 4
            && (uintptr_t) p >= start && (uintptr_t) p < end
            && ino == (unsigned long) s->ino)
        {
            base = (const u_char *) (uintptr_t) (start - offset);
            break;
        }
    }

    fclose(f);

    return base;
}


/*
 * The rows of part p of nparts of the pair counts, counted again; 0, or -1
 * and a message.  The bitmaps are read with pread(), a tile of each at a
 * time, rather than through the map: a fault in the map of a file may map
 * the 2 MiB around the page (a large folio of the page cache), and
 * touching every bitmap would map most of the postings into the loader
 * (680 MB more at a million resources).  Where the map's offsets cannot
 * be known (no /proc), they are read through the map all the same.
 */

static int
resources_snapshot_check_pairs(resources_snapshot_t *s, unsigned part,
    unsigned nparts, char *err, size_t errlen)
{
    int             fd, rc;
    off_t          *off;
    size_t          n, i, k, lo, hi, nw, w, m, from, to, len;
    ssize_t         got;
    u_char         *buf;
    uint32_t       *sum, *tile;
    const u_char   *base, **bits;

    n = s->npairs;
    nw = RESOURCES_BITMAP_WORDS(s->header.ndocs);

    resources_pair_rows(n, part, nparts, &lo, &hi);

    if (lo == hi) {
        return 0;
    }

    base = resources_snapshot_map_base(s, s->pairs[0].bits);

    if (mdb_env_get_fd(s->env, &fd) != 0) {
        base = NULL;
    }

    from = resources_pair_index(n, lo, lo);
    to = resources_pair_index(n, hi, hi);
    rc = -1;

    bits = malloc(n * sizeof(u_char *));
    off = malloc(n * sizeof(off_t));
    buf = malloc(n * RESOURCES_PAIRS_TILE * sizeof(uint64_t));
    sum = calloc(to, sizeof(uint32_t));
    tile = malloc(to * sizeof(uint32_t));

    if (bits == NULL || off == NULL || buf == NULL || sum == NULL
        || tile == NULL)
    {
        resources_snapshot_error("out of memory");
    }

    if (base == NULL) {

        /* through the map */

        for (i = 0; i < n; i++) {
            bits[s->pairs[i].index] = s->pairs[i].bits;
        }

        resources_bits_pairs(bits, n, nw, lo, hi, sum);

        goto compare;
    }

    for (i = 0; i < n; i++) {
        k = s->pairs[i].index;
        off[k] = s->pairs[i].bits - base;
        bits[k] = buf + k * RESOURCES_PAIRS_TILE * sizeof(uint64_t);
    }

    /* rows lo .. hi - 1 read the bitmaps lo .. n - 1 */

    for (w = 0; w < nw; w += RESOURCES_PAIRS_TILE) {
        m = (nw - w < RESOURCES_PAIRS_TILE) ? nw - w : RESOURCES_PAIRS_TILE;
        len = m * sizeof(uint64_t);

        for (i = lo; i < n; i++) {
            got = pread(fd, (u_char *) bits[i], len,
                        off[i] + (off_t) (w * sizeof(uint64_t)));

            if (got != (ssize_t) len) {
                resources_snapshot_error("reading the bitmaps of the pair"
                                         " counts: %s", got < 0
                                         ? strerror(errno) : "short read");
            }
        }

        resources_bits_pairs(bits, n, m, lo, hi, tile);

        for (k = from; k < to; k++) {
            sum[k] += tile[k];
        }
    }

compare:

    if (memcmp(sum + from, s->pair_counts + from * sizeof(uint32_t),
               (to - from) * sizeof(uint32_t))
        != 0)
    {
        resources_snapshot_error("the pair counts are wrong");
    }

    rc = 0;

failed:

    free(bits);
    free(off);
    free(buf);
    free(sum);
    free(tile);

    return rc;
}


/* s->freq[i] and s->rank[i] of a kind, from "tids" and its folded order */

static int
resources_snapshot_freq(resources_snapshot_t *s, u_char kind, int i,
    const u_char *sorted)
{
    int                rc;
    uint32_t           n, key, id, r;
    MDB_val            k, d;
    MDB_cursor        *c;
    resources_term_t   t;

    n = (kind == RESOURCES_KIND_TYPE) ? s->header.ntypes[1]
                                      : s->header.nkeywords[1];

    s->nterms[i] = n;
    s->freq[i] = malloc((n + 1) * sizeof(resources_freq_t));
    s->rank[i] = malloc((n + 1) * sizeof(uint32_t));
    s->tid[i] = malloc((n + 1) * sizeof(MDB_val));

    if (s->freq[i] == NULL || s->rank[i] == NULL || s->tid[i] == NULL) {
        return -1;
    }

    /* the folded order: a permutation of the ids (checked < n already) */

    memset(s->rank[i], 0xff, (n + 1) * sizeof(uint32_t));

    for (r = 0; r < n; r++) {
        id = resources_snapshot_col(sorted, r);

        if (s->rank[i][id] != UINT32_MAX) {
            return -1;
        }

        s->rank[i][id] = r;
    }

    rc = mdb_cursor_open(s->txn, s->tids, &c);
    if (rc != 0) {
        return -1;
    }

    key = resources_tid_key(kind, 0);
    k.mv_size = sizeof(uint32_t);
    k.mv_data = &key;
    id = 0;

    for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
         rc == 0 && id < n;
         rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
    {
        if (k.mv_size != sizeof(uint32_t)
            || resources_get_u32(k.mv_data) != resources_tid_key(kind, id)
            || d.mv_size < sizeof(resources_term_t)
            || resources_snapshot_value(s, &d, 1) != 0)
        {
            break;
        }

        memcpy(&t, d.mv_data, sizeof(resources_term_t));

        s->freq[i][id].count = t.count[0];
        s->freq[i][id].id = id;
        s->freq[i][id].bits = NULL;
        s->tid[i][id] = d;
        id++;
    }

    mdb_cursor_close(c);

    if (id != n) {
        return -1;
    }

    for (r = 0; r < s->nbitmaps[i]; r++) {
        if (s->bitmaps[i][r].id >= n) {
            return -1;
        }

        s->freq[i][s->bitmaps[i][r].id].bits = s->bitmaps[i][r].bits;
    }

    qsort(s->freq[i], n, sizeof(resources_freq_t), resources_freq_cmp);

    return 0;
}


/* the file, its LMDB environment and the one read transaction */

static int
resources_snapshot_open_env(resources_snapshot_t *s, const char *path,
    char *err, size_t errlen)
{
    int           rc, fd;
    struct stat   sb;
    MDB_stat      mst;
    MDB_envinfo   info;

    /* an empty file (LMDB would try to write a header to it: EBADF) */

    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == 0) {
        resources_snapshot_error("the file is empty (0 bytes)");
    }

    rc = mdb_env_create(&s->env);
    if (rc != 0) {
        resources_snapshot_error("mdb_env_create: %s", mdb_strerror(rc));
    }

    mdb_env_set_maxdbs(s->env, RESOURCES_MAXDBS);

    /*
     * The loader's file records a huge map size; a size smaller than the
     * data is rounded up by LMDB to exactly the pages in use, so the map
     * covers the file and no more.
     */

    mdb_env_set_mapsize(s->env, 4096);

    rc = mdb_env_open(s->env, path, MDB_RDONLY | MDB_NOLOCK | MDB_NOSUBDIR,
                      0);
    if (rc != 0) {
        resources_snapshot_error("%s", rc == MDB_INVALID
                                 ? "not an LMDB file" : mdb_strerror(rc));
    }

    /* nothing in the map may lie beyond the end of the file */

    if (mdb_env_get_fd(s->env, &fd) != 0 || fstat(fd, &sb) != 0) {
        resources_snapshot_error("fstat failed");
    }

    if (mdb_env_info(s->env, &info) != 0 || mdb_env_stat(s->env, &mst) != 0)
    {
        resources_snapshot_error("cannot read the LMDB header");
    }

    if ((uint64_t) sb.st_size
        < (uint64_t) (info.me_last_pgno + 1) * mst.ms_psize)
    {
        resources_snapshot_error("truncated: %lld bytes, %llu expected",
                                 (long long) sb.st_size,
                                 (unsigned long long) (info.me_last_pgno + 1)
                                 * mst.ms_psize);
    }

    s->dev = sb.st_dev;
    s->ino = sb.st_ino;
    s->size = sb.st_size;

    /* the map's length, its start with the header (below) */

    s->map_len = (info.me_mapsize < (size_t) sb.st_size)
                 ? info.me_mapsize : (size_t) sb.st_size;

    rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &s->txn);
    if (rc != 0) {
        resources_snapshot_error("mdb_txn_begin: %s", mdb_strerror(rc));
    }

    return 0;

failed:

    return -1;
}


/* the header, the dictionary of packed records */

static int
resources_snapshot_open_header(resources_snapshot_t *s, char *err,
    size_t errlen)
{
    uint32_t   i;
    MDB_val    k, d;
    MDB_dbi    meta;

    if (mdb_dbi_open(s->txn, RESOURCES_DB_META, 0, &meta) != 0) {
        resources_snapshot_error("not a resources snapshot (no \"%s\")",
                                 RESOURCES_DB_META);
    }

    k.mv_size = 6;
    k.mv_data = "header";

    if (mdb_get(s->txn, meta, &k, &d) != 0
        || d.mv_size != sizeof(resources_header_t))
    {
        resources_snapshot_error("not a resources snapshot (no header)");
    }

    memcpy(&s->header, d.mv_data, sizeof(resources_header_t));

    /*
     * The map, where every value kept or handed out must lie: LMDB bounds
     * page numbers, not the sizes in its nodes
     */

    s->map = resources_snapshot_map_base(s, d.mv_data);

    if (resources_snapshot_value(s, &d, 1) != 0) {
        resources_snapshot_error("the header lies outside the file");
    }

    if (s->header.magic != RESOURCES_MAGIC) {
        resources_snapshot_error("not a resources snapshot of this machine's"
                                 " byte order");
    }

    if (s->header.schema < RESOURCES_SCHEMA_MIN
        || s->header.schema > RESOURCES_SCHEMA)
    {
        resources_snapshot_error("unknown schema version %u (this build reads"
                                 " %u to %u)", s->header.schema,
                                 RESOURCES_SCHEMA_MIN, RESOURCES_SCHEMA);
    }

    if (s->header.schema < 2) {
        s->header.tail_max = 0;
    }

    /* the dictionary of packed records, and the scratch to unpack them */

    k.mv_size = 4;
    k.mv_data = "dict";

    if (mdb_get(s->txn, meta, &k, &d) == 0 && s->header.schema >= 2) {
        if (d.mv_size > RESOURCES_DICT_MAX
            || resources_snapshot_value(s, &d, 1) != 0)
        {
            resources_snapshot_error("the dictionary is too long");
        }

        s->dict = d.mv_data;
        s->dict_len = d.mv_size;
    }

    /* the word list for typos (resources_typos.h) */

    if (s->header.flags & RESOURCES_HEADER_WORDS) {
        k.mv_size = 5;
        k.mv_data = "words";

        if (mdb_get(s->txn, meta, &k, &d) != 0
            || resources_snapshot_value(s, &d, 1) != 0
            || resources_typos_check(d.mv_data, d.mv_size, &s->typos) != 0)
        {
            resources_snapshot_error("the word list is missing or"
                                     " malformed");
        }

        s->has_typos = 1;
    }

    /* its typo index, checked against the forms (resources_typos.h) */

    if (s->header.flags & RESOURCES_HEADER_TYPOIX) {
        k.mv_size = 6;
        k.mv_data = "typoix";

        if (!s->has_typos
            || mdb_get(s->txn, meta, &k, &d) != 0
            || resources_snapshot_value(s, &d, 1) != 0
            || resources_typos_index_check(d.mv_data, d.mv_size,
                                           &s->typos.forms, &s->typoix)
               != 0)
        {
            resources_snapshot_error("the typo index is missing or"
                                     " malformed");
        }

        s->has_typoix = 1;
    }

    /* the synonyms, checked whole */

    if (s->header.flags & RESOURCES_HEADER_SYNONYMS) {
        k.mv_size = sizeof(RESOURCES_SYN_KEY) - 1;
        k.mv_data = RESOURCES_SYN_KEY;

        if (mdb_get(s->txn, meta, &k, &d) != 0) {
            resources_snapshot_error("the header has synonyms, the file"
                                     " has none");
        }

        if (resources_snapshot_value(s, &d, 1) != 0) {
            resources_snapshot_error("the synonyms lie outside the file");
        }

        if (resources_syn_init(&s->syn, d.mv_data, d.mv_size, err, errlen)
            != 0)
        {
            goto failed;
        }
    }

    if (s->header.tail_max > RESOURCES_RECORD_MAX) {
        resources_snapshot_error("bad longest tail in the header");
    }

    if (s->header.tail_max > 0) {
        s->scratch = malloc(s->dict_len + s->header.tail_max);
        if (s->scratch == NULL) {
            resources_snapshot_error("out of memory");
        }

        if (s->dict_len) {
            memcpy(s->scratch, s->dict, s->dict_len);   /* dict not NULL */
        }
    }

    memcpy(s->version, s->header.version, RESOURCES_VERSION_LEN);
    s->version[RESOURCES_VERSION_LEN] = '\0';

    for (i = 0; i < RESOURCES_VERSION_LEN; i++) {
        if (!((s->version[i] >= '0' && s->version[i] <= '9')
              || (s->version[i] >= 'a' && s->version[i] <= 'f')))
        {
            resources_snapshot_error("bad content version in the header");
        }
    }

    if (s->header.npublic > s->header.ndocs
        || s->header.ndocs >= RESOURCES_MAX_DOCS)
    {
        resources_snapshot_error("bad counts in the header");
    }

    return 0;

failed:

    return -1;
}


/* the databases, and the record chunks: keys 0 .. nchunks - 1 */

static int
resources_snapshot_open_chunks(resources_snapshot_t *s, char *err,
    size_t errlen)
{
    int          rc;
    MDB_val      k, d;
    MDB_cursor  *c;

    if ((rc = mdb_dbi_open(s->txn, RESOURCES_DB_HEAP, MDB_INTEGERKEY,
                           &s->heap))
        || (rc = mdb_dbi_open(s->txn, RESOURCES_DB_IDS, 0, &s->ids))
        || (rc = mdb_dbi_open(s->txn, RESOURCES_DB_POST, 0, &s->post))
        || (rc = mdb_dbi_open(s->txn, RESOURCES_DB_TERMS, 0, &s->terms))
        || (rc = mdb_dbi_open(s->txn, RESOURCES_DB_TIDS, MDB_INTEGERKEY,
                              &s->tids))
        || (rc = mdb_dbi_open(s->txn, RESOURCES_DB_COLS, 0, &s->cols)))
    {
        resources_snapshot_error("a database is missing: %s",
                                 mdb_strerror(rc));
    }

    /* the chunks: keys 0 .. nchunks - 1 */

    rc = mdb_cursor_open(s->txn, s->heap, &c);
    if (rc != 0) {
        resources_snapshot_error("mdb_cursor_open: %s", mdb_strerror(rc));
    }

    for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST);
         rc == 0;
         rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
    {
        if (s->nchunks == RESOURCES_CHUNKS_MAX
            || k.mv_size != sizeof(uint32_t)
            || resources_get_u32(k.mv_data) != s->nchunks
            || d.mv_size > RESOURCES_CHUNK_MAX
            || resources_snapshot_value(s, &d, 1) != 0)
        {
            mdb_cursor_close(c);
            resources_snapshot_error("the record chunks are inconsistent");
        }

        s->chunk[s->nchunks] = d.mv_data;
        s->chunk_len[s->nchunks] = (uint32_t) d.mv_size;
        s->nchunks++;
    }

    mdb_cursor_close(c);

    return 0;

failed:

    return -1;
}


/* the columns, one entry per docno (bytitle optional) */

static int
resources_snapshot_open_columns(resources_snapshot_t *s, char *err,
    size_t errlen)
{
    size_t   n;

    n = s->header.ndocs;

    if (resources_snapshot_column(s, "rec", 8, n, &s->rec, NULL)
        || resources_snapshot_column(s, "order", 4, n, &s->order, NULL)
        || resources_snapshot_column(s, "date", 4, n, &s->date, NULL)
        || resources_snapshot_column(s, "private", 1, n, &s->priv, NULL)
        || resources_snapshot_column(s, "type", 4, n, &s->type, NULL)
        || resources_snapshot_column(s, "kwoff", 4, n + 1, &s->kwoff, NULL)
        || resources_snapshot_column(s, "kwids", 4, 0, &s->kwids, &s->nkwids)
        || resources_snapshot_column(s, "title", 4, n, &s->title, NULL)
        || resources_snapshot_column(s, "kwsorted", 4, s->header.nkeywords[1],
                                     &s->kwsorted, NULL)
        || resources_snapshot_column(s, "typesorted", 4, s->header.ntypes[1],
                                     &s->typesorted, NULL))
    {
        resources_snapshot_error("a column is missing or has a wrong size");
    }

    if (resources_snapshot_column(s, "bytitle", 4, n, &s->bytitle, NULL)
        != 0)
    {
        s->bytitle = NULL;
    }

    s->tsig = NULL;

    if ((s->header.flags & RESOURCES_HEADER_TSIG)
        && resources_snapshot_column(s, "tsig", 16, n, &s->tsig, NULL) != 0)
    {
        resources_snapshot_error("the titles' signatures are missing or have"
                                 " a wrong size");
    }

    if (resources_snapshot_column(s, "updated", 4, n, &s->updated, NULL)
        != 0
        || resources_snapshot_column(s, "byupdated", 4, n, &s->byupdated,
                                     NULL)
           != 0)
    {
        s->updated = NULL;
        s->byupdated = NULL;
    }

    return 0;

failed:

    return -1;
}


/* what requests index with must stay in bounds: checked once, here */

static int
resources_snapshot_check_columns(resources_snapshot_t *s, char *err,
    size_t errlen)
{
    size_t     n, nkwoff;
    uint32_t   i, prev, cur;
    uint64_t   loc;

    n = s->header.ndocs;

    nkwoff = n + 1;
    prev = 0;

    for (i = 0; i < nkwoff; i++) {
        cur = resources_snapshot_col(s->kwoff, i);

        if (cur < prev || cur > s->nkwids) {
            resources_snapshot_error("the keyword column is inconsistent");
        }

        prev = cur;
    }

    if (prev != s->nkwids) {
        resources_snapshot_error("the keyword column is inconsistent");
    }

    /*
     * dates non-increasing, undated last: a date range is a docno range
     * (binary searches), and the years of a result come in runs
     */

    prev = UINT32_MAX;

    for (i = 0; i < n; i++) {
        cur = resources_snapshot_col(s->date, i);

        if (cur != 0 && (prev == 0 || cur > prev)) {
            resources_snapshot_error("the date column is not in order");
        }

        prev = cur;
    }

    /* each record's header inside its chunk (its lengths: at its use) */

    for (i = 0; i < n; i++) {
        memcpy(&loc, s->rec + (size_t) i * sizeof(uint64_t),
               sizeof(uint64_t));

        if ((loc >> 32) >= s->nchunks
            || (uint32_t) loc + sizeof(resources_doc_t)
               > s->chunk_len[loc >> 32])
        {
            resources_snapshot_error("the record column is inconsistent"
                                     " (docno %u)", i);
        }
    }

    for (i = 0; i < n; i++) {
        if (resources_snapshot_col(s->order, i) >= n
            || resources_snapshot_col(s->title, i) >= n
            || (s->bytitle && resources_snapshot_col(s->bytitle, i) >= n)
            || (s->updated && (resources_snapshot_col(s->updated, i) >= n
                               || resources_snapshot_col(s->byupdated, i)
                                  >= n))
            || resources_snapshot_col(s->type, i) >= s->header.ntypes[1])
        {
            resources_snapshot_error("a column is inconsistent");
        }
    }

    for (i = 0; i < s->nkwids; i++) {
        if (resources_snapshot_col(s->kwids, i) >= s->header.nkeywords[1]) {
            resources_snapshot_error("the keyword column is inconsistent");
        }
    }

    for (i = 0; i < s->header.nkeywords[1]; i++) {
        if (resources_snapshot_col(s->kwsorted, i) >= s->header.nkeywords[1]) {
            resources_snapshot_error("the keyword order is inconsistent");
        }
    }

    for (i = 0; i < s->header.ntypes[1]; i++) {
        if (resources_snapshot_col(s->typesorted, i) >= s->header.ntypes[1]) {
            resources_snapshot_error("the type order is inconsistent");
        }
    }

    return 0;

failed:

    return -1;
}


/* the frequent terms' bitmaps and counts, the pair counts, the facets of
 * the whole public view (read by every facets request) */

static int
resources_snapshot_open_terms(resources_snapshot_t *s, char *err,
    size_t errlen)
{
    u_char    key[2];
    MDB_val   k, d;

    if (resources_snapshot_bitmaps(s, RESOURCES_KIND_KEYWORD, 0) != 0
        || resources_snapshot_bitmaps(s, RESOURCES_KIND_TYPE, 1) != 0)
    {
        resources_snapshot_error("a bitmap is malformed");
    }

    if (resources_snapshot_freq(s, RESOURCES_KIND_KEYWORD, 0, s->kwsorted)
        != 0
        || resources_snapshot_freq(s, RESOURCES_KIND_TYPE, 1, s->typesorted)
           != 0)
    {
        resources_snapshot_error("the terms are inconsistent");
    }

    if (resources_snapshot_pairs(s) != 0) {
        resources_snapshot_error("the pair counts are malformed");
    }

    /* the facets of the whole public view: read by every facets request */

    key[0] = RESOURCES_PART_FACETS;
    key[1] = RESOURCES_KIND_ALL;
    k.mv_size = 2;
    k.mv_data = key;

    if (mdb_get(s->txn, s->post, &k, &d) == 0
        && (resources_snapshot_value(s, &d, sizeof(uint32_t)) != 0
            || resources_snapshot_check_facets(s, &d) != 0))
    {
        resources_snapshot_error("the facets of the catalogue are malformed");
    }

    return 0;

failed:

    return -1;
}


int
resources_snapshot_open(resources_snapshot_t *s, const char *path, char *err,
    size_t errlen)
{
    memset(s, 0, sizeof(resources_snapshot_t));

    if (resources_snapshot_open_env(s, path, err, errlen) != 0
        || resources_snapshot_open_header(s, err, errlen) != 0
        || resources_snapshot_open_chunks(s, err, errlen) != 0
        || resources_snapshot_open_columns(s, err, errlen) != 0
        || resources_snapshot_check_columns(s, err, errlen) != 0
        || resources_snapshot_open_terms(s, err, errlen) != 0)
    {
        resources_snapshot_close(s);
        return -1;
    }

    return 0;
}


void
resources_snapshot_close(resources_snapshot_t *s)
{
    int  i;

    free(s->scratch);
    s->scratch = NULL;
    free(s->pairs);
    s->pairs = NULL;
    s->npairs = 0;

    for (i = 0; i < 2; i++) {
        free(s->freq[i]);
        free(s->rank[i]);
        free(s->tid[i]);
        s->freq[i] = NULL;
        s->rank[i] = NULL;
        s->tid[i] = NULL;
    }

    if (s->txn) {
        mdb_txn_abort(s->txn);
        s->txn = NULL;
    }

    if (s->env) {
        mdb_env_close(s->env);
        s->env = NULL;
    }
}


int
resources_snapshot_record(resources_snapshot_t *s, uint32_t docno,
    resources_record_t *rec)
{
    uint64_t          loc, end;
    uint32_t          chunk, off;
    const u_char     *p;
    resources_doc_t   doc;

    if (docno >= s->header.ndocs) {
        return -1;
    }

    memcpy(&loc, s->rec + (size_t) docno * sizeof(uint64_t),
           sizeof(uint64_t));

    chunk = (uint32_t) (loc >> 32);
    off = (uint32_t) loc;

    if (chunk >= s->nchunks
        || (uint64_t) off + sizeof(resources_doc_t) > s->chunk_len[chunk])
    {
        return -1;
    }

    p = s->chunk[chunk] + off;
    memcpy(&doc, p, sizeof(resources_doc_t));

    /* the full form goes on after the list form (a "," or a "}") */

    if (doc.list_len >= doc.full_len) {
        return -1;
    }

    rec->list = p + sizeof(resources_doc_t);
    rec->list_len = doc.list_len;
    rec->full_len = doc.full_len;

    if (doc.flags & RESOURCES_DOC_PACKED) {

        /* the list form, then the u32 length of the block and the block */

        end = (uint64_t) off + sizeof(resources_doc_t) + doc.list_len
              + sizeof(uint32_t);

        if (end > s->chunk_len[chunk]
            || doc.full_len - doc.list_len > s->header.tail_max)
        {
            return -1;
        }

        rec->full = NULL;
        rec->packed = rec->list + doc.list_len + sizeof(uint32_t);
        rec->packed_len = resources_get_u32(rec->list + doc.list_len);
        rec->atom = rec->packed + rec->packed_len;
        end += rec->packed_len;

    } else {
        rec->full = rec->list;
        rec->packed = NULL;
        rec->packed_len = 0;
        rec->atom = rec->full + doc.full_len;
        end = (uint64_t) off + sizeof(resources_doc_t) + doc.full_len;
    }

    end += (uint64_t) doc.atom_len + doc.id_len;

    if (end > s->chunk_len[chunk]) {
        return -1;
    }

    rec->atom_len = doc.atom_len;
    rec->id = rec->atom + doc.atom_len;
    rec->id_len = doc.id_len;
    rec->priv = (doc.flags & RESOURCES_DOC_PRIVATE) != 0;
    rec->gz.data = NULL;

    /* the gzip piece, after the id */

    if ((doc.flags & RESOURCES_DOC_GZIP)
        && resources_gzip_read(rec->id + doc.id_len,
                               s->chunk_len[chunk] - (size_t) end, &rec->gz)
           == 0)
    {
        return -1;
    }

    return 0;
}


int
resources_snapshot_tail(resources_snapshot_t *s,
    const resources_record_t *rec, u_char *out)
{
    int     n;
    size_t  len;

    len = rec->full_len - rec->list_len;

    if (rec->packed == NULL) {
        memcpy(out, rec->full + rec->list_len, len);
        return 0;
    }

    if (rec->packed_len > INT_MAX || len > s->header.tail_max
        || s->scratch == NULL)
    {
        return -1;
    }

    n = LZ4_decompress_safe_usingDict((const char *) rec->packed,
                                      (char *) s->scratch + s->dict_len,
                                      (int) rec->packed_len, (int) len,
                                      (const char *) s->scratch,
                                      (int) s->dict_len);
    if (n < 0 || (size_t) n != len) {
        return -1;
    }

    memcpy(out, s->scratch + s->dict_len, len);

    return 0;
}


const u_char *
resources_snapshot_full(resources_snapshot_t *s,
    const resources_record_t *rec, u_char **buf, size_t *cap)
{
    u_char  *p;

    if (rec->full) {
        return rec->full;
    }

    if (rec->full_len > *cap) {
        p = realloc(*buf, rec->full_len);
        if (p == NULL) {
            return NULL;
        }

        *buf = p;
        *cap = rec->full_len;
    }

    memcpy(*buf, rec->list, rec->list_len);

    if (resources_snapshot_tail(s, rec, *buf + rec->list_len) != 0) {
        return NULL;
    }

    return *buf;
}


int
resources_snapshot_id(resources_snapshot_t *s, const u_char *id, size_t len,
    uint32_t *docno)
{
    MDB_val  k, d;

    if (len == 0 || len > RESOURCES_ID_MAX) {
        return -1;
    }

    k.mv_size = len;
    k.mv_data = (void *) id;

    if (mdb_get(s->txn, s->ids, &k, &d) != 0 || d.mv_size != 4
        || resources_snapshot_value(s, &d, 1) != 0)
    {
        return -1;
    }

    *docno = resources_get_u32(d.mv_data);

    return *docno < s->header.ndocs ? 0 : -1;
}


int
resources_snapshot_posting(resources_snapshot_t *s, u_char part, u_char kind,
    const u_char *term, size_t len, resources_posting_t *p)
{
    u_char    key[2 + RESOURCES_TERM_MAX + RESOURCES_WORD_MAX];
    size_t    n;
    MDB_val   k, d;
    uint32_t  first, last;

    p->data = NULL;
    p->n = 0;
    p->scored = 0;

    if (len > RESOURCES_TERM_MAX + RESOURCES_WORD_MAX) {
        return 0;
    }

    k.mv_size = resources_post_key(key, part, kind, term, len);
    k.mv_data = key;

    if (mdb_get(s->txn, s->post, &k, &d) != 0 || d.mv_size == 0) {
        return 0;
    }

    if (resources_snapshot_value(s, &d, sizeof(uint32_t)) != 0) {
        return -1;
    }

    n = d.mv_size / sizeof(uint32_t);

    /* a list: its ends, in O(1) (the entries between: at their use) */

    if (part == RESOURCES_PART_PUBLIC || part == RESOURCES_PART_PRIVATE) {
        first = RESOURCES_DOCNO(resources_get_u32(d.mv_data));
        last = RESOURCES_DOCNO(resources_get_u32((u_char *) d.mv_data
                                                 + (n - 1) * sizeof(uint32_t)));

        if (last >= s->header.ndocs || first > last) {
            return -1;
        }
    }

    p->data = d.mv_data;
    p->n = n;

    return 0;
}


const u_char *
resources_snapshot_bitmap(resources_snapshot_t *s, u_char kind,
    const u_char *term, size_t len)
{
    return resources_snapshot_bits(s, RESOURCES_PART_BITMAP, kind, term,
                                   len);
}


const u_char *
resources_snapshot_bits(resources_snapshot_t *s, u_char part, u_char kind,
    const u_char *term, size_t len)
{
    u_char   key[2 + RESOURCES_TERM_MAX];
    MDB_val  k, d;

    if (len > RESOURCES_TERM_MAX) {
        return NULL;
    }

    k.mv_size = resources_post_key(key, part, kind, term, len);
    k.mv_data = key;

    if (mdb_get(s->txn, s->post, &k, &d) != 0
        || resources_snapshot_bitmap_ok(s, &d) != 0)
    {
        return NULL;
    }

    return d.mv_data;
}


static int
resources_snapshot_term_decode(MDB_val *d, int with_folded,
    resources_term_info_t *t)
{
    size_t            size;
    resources_term_t  rt;

    if (d->mv_size < sizeof(resources_term_t)) {
        return -1;
    }

    memcpy(&rt, d->mv_data, sizeof(resources_term_t));

    /* then, when it differs, the private view's spelling: the rest */

    size = sizeof(resources_term_t) + (size_t) rt.display_len
           + (with_folded ? (size_t) rt.folded_len : 0);

    if (size > d->mv_size) {
        return -1;
    }

    t->id = rt.id;
    t->count[0] = rt.count[0];
    t->count[1] = rt.count[1];
    t->display = (const u_char *) d->mv_data + sizeof(resources_term_t);
    t->display_len = rt.display_len;
    t->folded = with_folded ? t->display + rt.display_len : NULL;
    t->folded_len = with_folded ? rt.folded_len : 0;

    if (size < d->mv_size) {
        t->display_all = (const u_char *) d->mv_data + size;
        t->display_all_len = d->mv_size - size;

    } else {
        t->display_all = t->display;
        t->display_all_len = t->display_len;
    }

    return 0;
}


int
resources_snapshot_term_value(MDB_val *d, resources_term_info_t *t)
{
    return resources_snapshot_term_decode(d, 0, t);
}


int
resources_snapshot_term(resources_snapshot_t *s, u_char kind, uint32_t id,
    resources_term_info_t *t)
{
    int       i;
    uint32_t  key;
    MDB_val   k, d;

    /* from the walk of "tids" made at the opening: no B-tree lookup */

    i = (kind == RESOURCES_KIND_TYPE);

    if (s->tid[i] && id < s->nterms[i]) {
        return resources_snapshot_term_decode(&s->tid[i][id], 1, t);
    }

    key = resources_tid_key(kind, id);
    k.mv_size = sizeof(uint32_t);
    k.mv_data = &key;

    if (mdb_get(s->txn, s->tids, &k, &d) != 0
        || resources_snapshot_value(s, &d, 1) != 0)
    {
        return -1;
    }

    return resources_snapshot_term_decode(&d, 1, t);
}


int
resources_snapshot_facets_sizes(const resources_posting_t *table, size_t *n)
{
    size_t  j, m;

    if (table->n < 3) {
        return -1;
    }

    for (j = 0, m = 3; j < 3; j++) {
        n[j] = resources_get_u32(table->data + j * sizeof(uint32_t));
        m += 2 * n[j];
    }

    return (m == table->n) ? 0 : -1;
}


/* a frequent term's facets (RESOURCES_PART_FACETS) */

/*
 * A term read by its id ("tids") is the same as read by its name
 * ("terms": kind, folded): id, counts and both spellings
 */

static int
resources_snapshot_verify_term(resources_snapshot_t *s, u_char kind,
    const resources_term_info_t *t)
{
    u_char                 key[1 + RESOURCES_TERM_MAX];
    MDB_val                k, d;
    resources_term_info_t  byname;

    if (t->folded_len == 0 || t->folded_len > RESOURCES_TERM_MAX) {
        return -1;
    }

    key[0] = kind;
    memcpy(key + 1, t->folded, t->folded_len);

    k.mv_size = 1 + t->folded_len;
    k.mv_data = key;

    if (mdb_get(s->txn, s->terms, &k, &d) != 0
        || resources_snapshot_value(s, &d, 1) != 0
        || resources_snapshot_term_decode(&d, 0, &byname) != 0)
    {
        return -1;
    }

    if (byname.id != t->id
        || byname.count[0] != t->count[0] || byname.count[1] != t->count[1]
        || byname.display_len != t->display_len
        || memcmp(byname.display, t->display, t->display_len) != 0
        || byname.display_all_len != t->display_all_len
        || memcmp(byname.display_all, t->display_all, t->display_all_len)
           != 0)
    {
        return -1;
    }

    return 0;
}


static int
resources_snapshot_check_facets(resources_snapshot_t *s, MDB_val *d)
{
    size_t                i, j, m, n[3];
    uint32_t              id, c, prev, nterms;
    const u_char         *p;
    resources_posting_t   table;

    p = d->mv_data;
    table.data = p;
    table.n = d->mv_size / sizeof(uint32_t);

    if (d->mv_size % sizeof(uint32_t)
        || resources_snapshot_facets_sizes(&table, n) != 0)
    {
        return -1;
    }

    m = 3;

    for (j = 0; j < 3; j++) {
        nterms = (j == 0) ? s->header.nkeywords[1]
               : (j == 1) ? s->header.ntypes[1] : 10000;
        prev = UINT32_MAX;

        for (i = 0; i < n[j]; i++, m += 2) {
            id = resources_get_u32(p + m * 4);
            c = resources_get_u32(p + m * 4 + 4);

            /* keywords, types: by count; years: newest first, once */

            if (id >= nterms || c == 0 || c > s->header.npublic
                || (j < 2 && c > prev) || (j == 2 && id >= prev))
            {
                return -1;
            }

            prev = (j < 2) ? c : id;
        }
    }

    return 0;
}


static int
resources_snapshot_check_posting(MDB_val *d, uint32_t n)
{
    size_t    i, cnt;
    uint32_t  e, prev;

    if (d->mv_size % sizeof(uint32_t)) {
        return -1;
    }

    cnt = d->mv_size / sizeof(uint32_t);
    prev = 0;

    for (i = 0; i < cnt; i++) {
        e = resources_get_u32((const u_char *) d->mv_data + i * 4);

        if (RESOURCES_DOCNO(e) >= n
            || (i > 0 && RESOURCES_DOCNO(e) <= RESOURCES_DOCNO(prev)))
        {
            return -1;
        }

        prev = e;
    }

    return 0;
}


/*
 * madvise() on the whole pages of a large value of the map (16 pages at
 * least): MADV_DONTNEED lets them go (they are read again from the page
 * cache if need be), MADV_POPULATE_READ maps them at once
 */

static void
resources_snapshot_advise(const void *p, size_t len, int advice)
{
    uintptr_t  start, end, page;

    page = (uintptr_t) sysconf(_SC_PAGESIZE);

    if (len < 16 * page) {
        return;
    }

    start = ((uintptr_t) p + page - 1) & ~(page - 1);
    end = ((uintptr_t) p + len) & ~(page - 1);

    (void) madvise((void *) start, end - start, advice);
}


#define resources_snapshot_release(p, len)                                   \
    resources_snapshot_advise(p, len, MADV_DONTNEED)


/* lets go of every page of the map (where its start can be known) */

static void
resources_snapshot_release_map(resources_snapshot_t *s)
{
    int            fd;
    struct stat    sb;
    const u_char  *base;

    base = resources_snapshot_map_base(s, s->rec);

    if (base != NULL && mdb_env_get_fd(s->env, &fd) == 0
        && fstat(fd, &sb) == 0)
    {
        resources_snapshot_release(base, (size_t) sb.st_size);
    }
}


int
resources_snapshot_verify(resources_snapshot_t *s, resources_verify_t *vf,
    char *err, size_t errlen)
{
    return resources_snapshot_verify_part(s, 0, 1, vf, err, errlen);
}


/*
 * Checks the record of docno d (its chunk exists: resources_snapshot_
 * verify_records): readable, valid, at the docno its id says
 */

static int
resources_snapshot_verify_record(resources_snapshot_t *s, uint32_t d,
    resources_verify_t *vf, z_stream *zs, u_char **buf, size_t *cap,
    char *err, size_t errlen)
{
    uint32_t             docno;
    const u_char        *full;
    resources_record_t   rec;

    if (resources_snapshot_record(s, d, &rec) != 0) {
        resources_snapshot_error("record %u is missing or malformed", d);
    }

    /* a packed record: its full form, unpacked */

    full = resources_snapshot_full(s, &rec, buf, cap);

    if (full == NULL) {
        resources_snapshot_error("record %u does not unpack", d);
    }

    if (rec.packed && vf) {
        vf->packed++;
    }

    /*
     * the list form is the full form's prefix up to a ',' or a '}': valid
     * UTF-8 when the full form is
     */

    if (!resources_id_valid(rec.id, rec.id_len)
        || resources_utf8_valid(full, rec.full_len) != rec.full_len
        || resources_utf8_valid(rec.atom, rec.atom_len) != rec.atom_len
        || rec.list_len < 2 || rec.list[0] != '{'
        || rec.full_len < 2 || full[0] != '{'
        || full[rec.full_len - 1] != '}'
        || (full[rec.list_len] != ',' && full[rec.list_len] != '}'))
    {
        resources_snapshot_error("record %u is malformed", d);
    }

    if (resources_snapshot_id(s, rec.id, rec.id_len, &docno) != 0
        || docno != d)
    {
        resources_snapshot_error("id \"%.*s\" does not lead to its record",
                                 (int) rec.id_len, rec.id);
    }

    if (rec.priv != (s->priv[d] != 0)) {
        resources_snapshot_error("record %u: private flag mismatch", d);
    }

    /* its gzip piece inflates to its list form, and ends as it must */

    if (rec.gz.data == NULL
        && (s->header.flags & RESOURCES_HEADER_GZIP))
    {
        resources_snapshot_error("record %u has no gzip piece", d);
    }

    if (rec.gz.data
        && resources_gzip_check(zs, &rec.gz, rec.list, rec.list_len) != 0)
    {
        resources_snapshot_error("record %u: its gzip piece is not its list"
                                 " form", d);
    }

    if (vf && vf->record) {
        vf->record(vf->data, d, full, rec.full_len);
    }

    return 0;

failed:

    return -1;
}


/*
 * Every record, in the order of the file (docno_of: the docno of each
 * ordinal), a window of RESOURCES_VERIFY_CHUNKS chunks at a time, whose
 * pages are mapped at once and let go once checked: the map of a large
 * snapshot stays out of the loader's memory.  The windows are taken in
 * turn by the parts through vf->windows, or else part p checks windows p,
 * p + nparts...  A record whose chunk does not exist fails every part.
 */

static int
resources_snapshot_verify_records(resources_snapshot_t *s, unsigned part,
    unsigned nparts, resources_verify_t *vf, const uint32_t *docno_of,
    char *err, size_t errlen)
{
    int        rc;
    u_char    *buf;
    size_t     cap;
    uint32_t   n, o, d, i, j, w, k, nwin, *first, *next, *bywin;
    uint64_t   loc;
    z_stream   zs;

    memset(&zs, 0, sizeof(z_stream));

    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    n = s->header.ndocs;
    nwin = (s->nchunks + RESOURCES_VERIFY_CHUNKS - 1)
           / RESOURCES_VERIFY_CHUNKS;

    first = malloc((2 * (size_t) nwin + 2)
                                     * sizeof(uint32_t));
    bywin = malloc(((size_t) n + 1) * sizeof(uint32_t));

    if (first == NULL || bywin == NULL) {
        free(first);
        free(bywin);
        (void) inflateEnd(&zs);
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    next = first + nwin + 1;
    memset(first, 0, (nwin + 1) * sizeof(uint32_t));
    buf = NULL;
    cap = 0;
    rc = -1;

    /* the docnos of each window, in the order of the file */

    for (o = 0; o < n; o++) {
        d = docno_of[o];
        memcpy(&loc, s->rec + (size_t) d * sizeof(uint64_t),
               sizeof(uint64_t));
        j = (uint32_t) (loc >> 32);

        if (j >= s->nchunks) {
            resources_snapshot_error("record %u is missing or malformed",
                                     d);
        }

        first[j / RESOURCES_VERIFY_CHUNKS + 1]++;
    }

    for (w = 0; w < nwin; w++) {
        first[w + 1] += first[w];
        next[w] = first[w];
    }

    for (o = 0; o < n; o++) {
        d = docno_of[o];
        memcpy(&loc, s->rec + (size_t) d * sizeof(uint64_t),
               sizeof(uint64_t));
        bywin[next[(loc >> 32) / RESOURCES_VERIFY_CHUNKS]++] = d;
    }

    for (k = 0; ; k++) {
        w = (vf && vf->windows)
            ? __atomic_fetch_add(vf->windows, 1, __ATOMIC_RELAXED)
            : part + k * nparts;

        if (w >= nwin) {
            break;
        }

        j = w * RESOURCES_VERIFY_CHUNKS;

#ifdef MADV_POPULATE_READ
        /* the window's pages mapped at once, not a fault at a time */

        for (i = j; i < s->nchunks && i - j < RESOURCES_VERIFY_CHUNKS; i++) {
            resources_snapshot_advise(s->chunk[i], s->chunk_len[i],
                                      MADV_POPULATE_READ);
        }
#endif

        for (i = first[w]; i < first[w + 1]; i++) {
            if (resources_snapshot_verify_record(s, bywin[i], vf, &zs, &buf,
                                                 &cap, err, errlen)
                != 0)
            {
                goto failed;
            }
        }

        for (i = j; i < s->nchunks && i - j < RESOURCES_VERIFY_CHUNKS; i++) {
            resources_snapshot_release(s->chunk[i], s->chunk_len[i]);
        }
    }

    rc = 0;

failed:

    (void) inflateEnd(&zs);
    free(buf);
    free(first);
    free(bywin);

    return rc;
}


int
resources_snapshot_verify_part(resources_snapshot_t *s, unsigned part,
    unsigned nparts, resources_verify_t *vf, char *err, size_t errlen)
{
    int                     rc;
    uint32_t                i, n, d, o, prev, *docno_of;
    MDB_val                 k, v;
    MDB_cursor             *c;
    resources_term_info_t   t;

    c = NULL;
    n = s->header.ndocs;

    docno_of = malloc(((size_t) n + 1) * sizeof(uint32_t));
    if (docno_of == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }

    /* dates: non-increasing, undated last */

    prev = UINT32_MAX;

    for (i = 0; part == 0 && i < n; i++) {
        d = resources_snapshot_col(s->date, i);

        if (d != 0 && (prev == 0 || d > prev)) {
            resources_snapshot_error("the date column is not in order");
        }

        prev = d;
    }

    /* the order column: a permutation of the ordinals */

    memset(docno_of, 0xff, ((size_t) n + 1) * sizeof(uint32_t));

    for (d = 0; d < n; d++) {
        o = resources_snapshot_col(s->order, d);

        if (o >= n || docno_of[o] != UINT32_MAX) {
            resources_snapshot_error("the order column is not a permutation"
                                     " (docno %u)", d);
        }

        docno_of[o] = d;
    }

    /* the pair counts: each part counts its rows again */

    if (s->npairs
        && resources_snapshot_check_pairs(s, part, nparts, err, errlen) != 0)
    {
        goto failed;
    }

    /* postings (the last part) */

    if (part + 1 < nparts) {
        goto terms;
    }

    rc = mdb_cursor_open(s->txn, s->post, &c);
    if (rc != 0) {
        resources_snapshot_error("mdb_cursor_open: %s", mdb_strerror(rc));
    }

    for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
         rc == 0;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
    {
        if (k.mv_size >= 2
            && (((u_char *) k.mv_data)[0] == RESOURCES_PART_BITMAP
                || ((u_char *) k.mv_data)[0] == RESOURCES_PART_FIELD_HI
                || ((u_char *) k.mv_data)[0] == RESOURCES_PART_FIELD_LO))
        {
            if (v.mv_size != RESOURCES_BITMAP_WORDS(n) * sizeof(uint64_t)) {
                resources_snapshot_error("bitmap \"%.*s\" is malformed",
                                         (int) k.mv_size - 2,
                                         (char *) k.mv_data + 2);
            }

            resources_snapshot_release(v.mv_data, v.mv_size);

            continue;
        }

        if (k.mv_size == 2
            && ((u_char *) k.mv_data)[0] == RESOURCES_PART_PAIRS)
        {
            continue;                   /* opened, and counted above */
        }

        if (k.mv_size >= 2
            && ((u_char *) k.mv_data)[0] == RESOURCES_PART_FACETS)
        {
            if (resources_snapshot_check_facets(s, &v) != 0) {
                resources_snapshot_error("the facets of \"%.*s\" are "
                                         "malformed",
                                         (int) k.mv_size - 2,
                                         (char *) k.mv_data + 2);
            }

            continue;
        }

        if (k.mv_size < 2 || resources_snapshot_check_posting(&v, n) != 0) {
            resources_snapshot_error("posting \"%.*s\" is malformed",
                                     (int) k.mv_size, (char *) k.mv_data);
        }

        resources_snapshot_release(v.mv_data, v.mv_size);
    }

    mdb_cursor_close(c);
    c = NULL;

    /*
     * the leaf pages of the postings, mapped by the walk, go before the
     * records are checked
     */

    resources_snapshot_release_map(s);

terms:

    /* terms by id */

    for (i = 0; part == 0 && i < s->header.nkeywords[1]; i++) {
        if (resources_snapshot_term(s, RESOURCES_KIND_KEYWORD, i, &t) != 0) {
            resources_snapshot_error("keyword %u is missing", i);
        }

        if (resources_snapshot_verify_term(s, RESOURCES_KIND_KEYWORD, &t)
            != 0)
        {
            resources_snapshot_error("keyword %u is not found by its name",
                                     i);
        }
    }

    for (i = 0; part == 0 && i < s->header.ntypes[1]; i++) {
        if (resources_snapshot_term(s, RESOURCES_KIND_TYPE, i, &t) != 0) {
            resources_snapshot_error("type %u is missing", i);
        }

        if (resources_snapshot_verify_term(s, RESOURCES_KIND_TYPE, &t) != 0) {
            resources_snapshot_error("type %u is not found by its name", i);
        }
    }

    /*
     * the records last: a part that had less to check above takes more
     * windows of them
     */

    if (resources_snapshot_verify_records(s, part, nparts, vf, docno_of,
                                          err, errlen)
        != 0)
    {
        goto failed;
    }

    free(docno_of);

    return 0;

failed:

    if (c) {
        mdb_cursor_close(c);
    }

    free(docno_of);

    return -1;
}


int
resources_snapshot_scan(resources_snapshot_t *s, resources_scan_t *sc,
    int db, const u_char *key, size_t len)
{
    sc->c = NULL;
    sc->s = s;
    sc->rc = MDB_NOTFOUND;
    sc->fresh = 1;

    if (len > sizeof(sc->prefix)) {
        return -1;
    }

    memcpy(sc->prefix, key, len);
    sc->len = len;

    if (mdb_cursor_open(s->txn, db == RESOURCES_SCAN_TERMS ? s->terms : s->post,
                        &sc->c)
        != 0)
    {
        sc->c = NULL;
        return -1;
    }

    sc->k.mv_size = len;
    sc->k.mv_data = sc->prefix;

    sc->rc = mdb_cursor_get(sc->c, &sc->k, &sc->d, MDB_SET_RANGE);

    return 0;
}


int
resources_scan_next(resources_scan_t *sc, MDB_val *key, MDB_val *val)
{
    if (!sc->fresh && sc->rc == 0) {
        sc->rc = mdb_cursor_get(sc->c, &sc->k, &sc->d, MDB_NEXT);
    }

    sc->fresh = 0;

    if (sc->rc != 0
        || sc->k.mv_size < sc->len
        || memcmp(sc->k.mv_data, sc->prefix, sc->len) != 0)
    {
        return 0;
    }

    if (resources_snapshot_value(sc->s, &sc->d, 1) != 0) {
        return -1;
    }

    *key = sc->k;
    *val = sc->d;

    return 1;
}


int
resources_scan_find(resources_scan_t *sc, const u_char *key, size_t len,
    MDB_val *val)
{
    int  c;

    for ( /* void */ ; sc->rc == 0;
         sc->rc = mdb_cursor_get(sc->c, &sc->k, &sc->d, MDB_NEXT))
    {
        /* LMDB's order: the bytes, then the shorter first */

        c = memcmp(sc->k.mv_data, key,
                   sc->k.mv_size < len ? sc->k.mv_size : len);

        if (c == 0) {
            c = (sc->k.mv_size > len) - (sc->k.mv_size < len);
        }

        if (c > 0) {
            return 0;
        }

        if (c == 0) {
            if (resources_snapshot_value(sc->s, &sc->d, 1) != 0) {
                return -1;
            }

            *val = sc->d;

            return 1;
        }
    }

    return 0;
}


void
resources_scan_close(resources_scan_t *sc)
{
    if (sc->c) {
        mdb_cursor_close(sc->c);
        sc->c = NULL;
    }
}
