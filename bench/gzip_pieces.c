/*
 * bench/gzip_pieces.c: compressed list answers built from pieces compressed
 * in advance, against compressing the whole answer (issue #26,
 * docs/format.md "Compressed answers (#26): measured").
 *
 *   make bench-gzip
 *   build/bench/gzip_pieces [-p PAGES] [-s SEED] [-a] [-t REPS] [-w DIR]
 *                           SNAPSHOT.mdb
 *   build/bench/gzip_pieces -m METHOD [-r ROUNDS] SNAPSHOT.mdb   (callgrind)
 *
 * Reads a snapshot (schema 2: records in "heap" chunks, the "rec" column,
 * the public postings of "post") and makes PAGES (default 400) list answers
 * as the module writes them for the public view, limit=20:
 *
 *   {"total":N,"offset":O,"limit":20,"items":[R1,R2,...]}\n
 *
 * where Ri is a record's list form (its first list_len bytes, closed with
 * "}").  Page 0 is kw=QPV, offset 0 (issue #26's query); the others are,
 * drawn with splitmix64 from SEED: 1/4 the whole public list, 1/2 a keyword
 * and 1/4 a type (both drawn in proportion to their public counts), at
 * offset 0 half of the time, else at a random page among the first 50.
 *
 * For those bodies it prints (sizes are exact and deterministic):
 *
 *   - whole-answer compression: zlib (gzip -1, -6, -9), libdeflate
 *     (1, 6, 9, 12), zstd (1, 3, 19);
 *   - (a) per-record raw deflate pieces (zlib levels 1, 6, 9; default,
 *     fixed-code, Huffman-only strategies), each ended by a sync flush so
 *     that it ends on a byte boundary, concatenated between stored blocks
 *     for the envelope and the commas, a gzip header and a trailer whose
 *     CRC is crc32_combine()d from the pieces' CRCs; and the same pieces
 *     concatenated at the bit level (no sync marker, glue as fixed-code
 *     blocks), which a module would have to shift into place;
 *   - (b) pieces deflated with a preset dictionary (a sample of list
 *     forms; the JSON skeleton; the previous record of the page; all that
 *     precedes the record in the answer): sizes only, as these are not
 *     valid gzip for a decoder that lacks the dictionary in its window,
 *     but for the last one (which is one stream flushed per record);
 *   - (c) one shared Huffman code (the loader's, from training pages of
 *     consecutive docnos): pieces stored as bit strings under that code,
 *     the answer one dynamic block, shifted into place; with "references":
 *     strings of a small dictionary (the JSON keys, types, frequent
 *     keywords) that a piece codes as a reference, which the module turns
 *     into a match to the string's last occurrence earlier in the answer
 *     (or into literals when there is none), so that every byte of the
 *     stream is the answer's own;
 *   - (d) zstd: a frame per record (raw blocks for the glue inside the
 *     frames), levels 1, 3, 19, with and without a trained dictionary
 *     (with one: valid only with a shared dictionary, "dcz");
 *
 * every constructed gzip stream inflated (zlib) and compared with the body,
 * every zstd stream decompressed and compared; with -w DIR, a few of them
 * written there for "gzip -t" and "zstd -t".
 *
 * -t REPS: the request-time speed of whole-answer compression (zlib level
 * 1 with deflateReset, and with deflateInit2/deflateEnd per answer as
 * nginx's filter does; libdeflate level 1; zstd level 1) and of the
 * assembly from pieces (CRC by crc32_combine(), by crc32_combine_op() and
 * precomputed operators, by crc32 of the raw records), REPS rounds,
 * median: pin it (taskset -c 1).  -a: every record of the snapshot
 * compressed alone, for what pieces would add to the snapshot and to the
 * load.  -m METHOD runs one method only, ROUNDS times over the pages, for
 * valgrind --tool=callgrind --toggle-collect='bench_*'.
 *
 * zlib, libdeflate (libdeflate-dev), zstd (libzstd-dev), LMDB.
 *
 * BSD 2-Clause, like the project.
 */

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <lmdb.h>
#include <zlib.h>
#include <zstd.h>
#include <zdict.h>
#include <libdeflate.h>

#include "resources_store.h"
#include "resources_gzip.h"


#define LIMIT      20
#define MAXPAGES   100000
#define BUFCAP     (1 << 22)


static void
die(const char *msg)
{
    fprintf(stderr, "gzip_pieces: %s\n", msg);
    exit(1);
}


static void *
xmalloc(size_t n)
{
    void  *p = malloc(n ? n : 1);

    if (p == NULL) {
        die("out of memory");
    }

    return p;
}


static void *
xcalloc(size_t n, size_t m)
{
    void  *p = calloc(n ? n : 1, m ? m : 1);

    if (p == NULL) {
        die("out of memory");
    }

    return p;
}


static uint64_t  rng;

static uint64_t
next_rand(void)
{
    uint64_t  z = (rng += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;

    return z ^ (z >> 31);
}


static double
now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec + ts.tv_nsec / 1e9;
}


static int
cmp_double(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}


static double
median(double *v, int n)
{
    qsort(v, n, sizeof(double), cmp_double);

    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}


/* ------------------------------------------------------------------------ */
/* the snapshot */

static MDB_env         *env;
static MDB_txn         *txn;
static MDB_dbi          db_heap, db_cols, db_post;
static const u_char    *chunk[RESOURCES_CHUNKS_MAX];
static size_t           chunk_len[RESOURCES_CHUNKS_MAX];
static const u_char    *reccol;
static uint32_t         ndocs;

/* a record's list form closed with "}", as the module sends it */
static u_char         **rtext;
static uint32_t        *rlen;


static void
snapshot_open(const char *path)
{
    MDB_val              k, v;
    uint32_t             c;
    resources_header_t   h;
    MDB_dbi              meta;

    if (mdb_env_create(&env) != 0
        || mdb_env_set_maxdbs(env, RESOURCES_MAXDBS) != 0
        || mdb_env_set_mapsize(env, 4096) != 0
        || mdb_env_open(env, path, MDB_RDONLY | MDB_NOLOCK | MDB_NOSUBDIR,
                        0) != 0
        || mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0
        || mdb_dbi_open(txn, RESOURCES_DB_META, 0, &meta) != 0
        || mdb_dbi_open(txn, RESOURCES_DB_HEAP, MDB_INTEGERKEY, &db_heap)
           != 0
        || mdb_dbi_open(txn, RESOURCES_DB_COLS, 0, &db_cols) != 0
        || mdb_dbi_open(txn, RESOURCES_DB_POST, 0, &db_post) != 0)
    {
        die("cannot open the snapshot");
    }

    k.mv_data = "header";
    k.mv_size = 6;

    if (mdb_get(txn, meta, &k, &v) != 0 || v.mv_size != sizeof(h)) {
        die("no header");
    }

    memcpy(&h, v.mv_data, sizeof(h));
    ndocs = h.ndocs;

    k.mv_data = "rec";
    k.mv_size = 3;

    if (mdb_get(txn, db_cols, &k, &v) != 0
        || v.mv_size != (size_t) ndocs * 8)
    {
        die("no rec column");
    }

    reccol = v.mv_data;

    for (c = 0; c < RESOURCES_CHUNKS_MAX; c++) {
        k.mv_data = &c;
        k.mv_size = sizeof(c);

        if (mdb_get(txn, db_heap, &k, &v) != 0) {
            break;
        }

        chunk[c] = v.mv_data;
        chunk_len[c] = v.mv_size;
    }

    rtext = xcalloc(ndocs, sizeof(u_char *));
    rlen = xcalloc(ndocs, sizeof(uint32_t));
}


/* the list form of docno d, closed with "}", into buf (no cache) */

static size_t
record_into(uint32_t d, u_char *buf)
{
    uint64_t          loc;
    resources_doc_t   doc;
    const u_char     *p;

    memcpy(&loc, reccol + (size_t) d * 8, 8);
    p = chunk[loc >> 32] + (uint32_t) loc;
    memcpy(&doc, p, sizeof(doc));
    memcpy(buf, p + sizeof(doc), doc.list_len);
    buf[doc.list_len] = '}';

    return doc.list_len + 1;
}


static void
record_cache(uint32_t d)
{
    uint64_t          loc;
    resources_doc_t   doc;
    const u_char     *p;

    if (rtext[d]) {
        return;
    }

    memcpy(&loc, reccol + (size_t) d * 8, 8);
    p = chunk[loc >> 32] + (uint32_t) loc;
    memcpy(&doc, p, sizeof(doc));
    rtext[d] = xmalloc(doc.list_len + 1 + 8);
    memcpy(rtext[d], p + sizeof(doc), doc.list_len);
    rtext[d][doc.list_len] = '}';
    rlen[d] = doc.list_len + 1;
}


/* ------------------------------------------------------------------------ */
/* the pages */

typedef struct {
    char        term[64];
    uint32_t    n;                      /* public docnos */
    const u_char *post;                 /* u32 entries docno << 2 | field */
} list_t;

typedef struct {
    char        what[80];
    uint32_t    total, offset, n;
    uint32_t    doc[LIMIT];
    char        env[96];
    size_t      env_len;
    u_char     *body;
    size_t      body_len;
} page_t;

static page_t    *pages;
static int        npages;
static list_t     all_list;
static list_t    *kw_lists, *type_lists;
static int        nkw, ntype;
static uint64_t   kw_sum, type_sum;

static const char  closing[] = "]}\n";


static int
lists_of(u_char kind, list_t **out, uint64_t *sum)
{
    MDB_cursor  *c;
    MDB_val      k, v;
    u_char       key[2];
    int          n = 0, cap = 256, rc;
    list_t      *l = xmalloc(cap * sizeof(list_t));

    key[0] = RESOURCES_PART_PUBLIC;
    key[1] = kind;
    k.mv_data = key;
    k.mv_size = 2;
    *sum = 0;

    if (mdb_cursor_open(txn, db_post, &c) != 0) {
        die("cursor");
    }

    for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
    {
        if (k.mv_size < 2 || ((u_char *) k.mv_data)[0] != key[0]
            || ((u_char *) k.mv_data)[1] != kind)
        {
            break;
        }

        if (n == cap) {
            cap *= 2;
            l = realloc(l, cap * sizeof(list_t));
        }

        snprintf(l[n].term, sizeof(l[n].term), "%.*s",
                 (int) k.mv_size - 2, (char *) k.mv_data + 2);
        l[n].n = (uint32_t) (v.mv_size / 4);
        l[n].post = v.mv_data;
        *sum += l[n].n;
        n++;
    }

    mdb_cursor_close(c);
    *out = l;

    return n;
}


static list_t *
pick(list_t *l, int n, uint64_t sum)
{
    uint64_t  r = next_rand() % sum;
    int       i;

    for (i = 0; i < n - 1; i++) {
        if (r < l[i].n) {
            break;
        }
        r -= l[i].n;
    }

    return &l[i];
}


static void
page_make(page_t *pg, const char *what, list_t *l, uint32_t offset)
{
    uint32_t   i, e;
    size_t     n;

    snprintf(pg->what, sizeof(pg->what), "%s", what);
    pg->total = l->n;
    pg->offset = offset;
    pg->n = offset < l->n ? l->n - offset : 0;

    if (pg->n > LIMIT) {
        pg->n = LIMIT;
    }

    pg->env_len = (size_t) snprintf(pg->env, sizeof(pg->env),
                      "{\"total\":%u,\"offset\":%u,\"limit\":%u,\"items\":[",
                      pg->total, pg->offset, LIMIT);

    n = pg->env_len + sizeof(closing) - 1;

    for (i = 0; i < pg->n; i++) {
        e = resources_get_u32(l->post + (size_t) (offset + i) * 4);
        pg->doc[i] = RESOURCES_DOCNO(e);
        record_cache(pg->doc[i]);
        n += rlen[pg->doc[i]] + (i > 0);
    }

    pg->body = xmalloc(n + 8);
    memcpy(pg->body, pg->env, pg->env_len);
    pg->body_len = pg->env_len;

    for (i = 0; i < pg->n; i++) {
        if (i > 0) {
            pg->body[pg->body_len++] = ',';
        }
        memcpy(pg->body + pg->body_len, rtext[pg->doc[i]], rlen[pg->doc[i]]);
        pg->body_len += rlen[pg->doc[i]];
    }

    memcpy(pg->body + pg->body_len, closing, sizeof(closing) - 1);
    pg->body_len += sizeof(closing) - 1;
}


static void
pages_make(int want, uint64_t seed)
{
    MDB_val    k, v;
    u_char     key[2] = { RESOURCES_PART_PUBLIC, RESOURCES_KIND_ALL };
    list_t    *l;
    uint32_t   off, maxp;
    char       what[80];
    int        i, r;

    k.mv_data = key;
    k.mv_size = 2;

    if (mdb_get(txn, db_post, &k, &v) != 0) {
        die("no posting of every public docno");
    }

    all_list.n = (uint32_t) (v.mv_size / 4);
    all_list.post = v.mv_data;
    nkw = lists_of(RESOURCES_KIND_KEYWORD, &kw_lists, &kw_sum);
    ntype = lists_of(RESOURCES_KIND_TYPE, &type_lists, &type_sum);

    pages = xcalloc(want, sizeof(page_t));
    rng = seed;

    for (i = 0; i < want; i++) {
        if (i == 0) {
            for (r = 0; r < nkw; r++) {
                if (strcmp(kw_lists[r].term, "qpv") == 0) {
                    break;
                }
            }
            if (r == nkw) {
                die("no keyword qpv");
            }
            page_make(&pages[0], "kw=QPV", &kw_lists[r], 0);
            continue;
        }

        r = (int) (next_rand() % 4);
        l = r == 0 ? &all_list
            : r == 3 ? pick(type_lists, ntype, type_sum)
            : pick(kw_lists, nkw, kw_sum);

        maxp = l->n / LIMIT;
        maxp = maxp > 50 ? 50 : maxp;
        off = (next_rand() % 2 || maxp == 0)
              ? 0 : (uint32_t) (next_rand() % maxp) * LIMIT;

        snprintf(what, sizeof(what), "%s=%s offset %u",
                 r == 0 ? "all" : r == 3 ? "type" : "kw",
                 r == 0 ? "" : l->term, off);
        page_make(&pages[i], what, l, off);
    }

    npages = want;
}


/* ------------------------------------------------------------------------ */
/* checks */

static u_char  *chk_buf;
static long     checked, check_failed;


static void
check_gzip(const u_char *gz, size_t n, const page_t *pg, const char *what)
{
    z_stream  z;
    int       rc;

    memset(&z, 0, sizeof(z));
    inflateInit2(&z, 31);
    z.next_in = (Bytef *) gz;
    z.avail_in = (uInt) n;
    z.next_out = chk_buf;
    z.avail_out = BUFCAP;
    rc = inflate(&z, Z_FINISH);
    checked++;

    if (rc != Z_STREAM_END || z.avail_in != 0
        || BUFCAP - z.avail_out != pg->body_len
        || memcmp(chk_buf, pg->body, pg->body_len) != 0)
    {
        if (check_failed++ > 5) return;
        fprintf(stderr, "gzip_pieces: %s: page \"%s\" does not inflate to its"
                " body (rc %d, %lu bytes of %zu)\n", what, pg->what, rc,
                (unsigned long) (BUFCAP - z.avail_out), pg->body_len);
    }

    inflateEnd(&z);
}


static void
check_zstd(const u_char *zs, size_t n, const page_t *pg, const char *what,
    const ZSTD_DDict *dd)
{
    static ZSTD_DCtx  *dctx;
    size_t             r;

    if (dctx == NULL) {
        dctx = ZSTD_createDCtx();
    }

    r = dd ? ZSTD_decompress_usingDDict(dctx, chk_buf, BUFCAP, zs, n, dd)
           : ZSTD_decompressDCtx(dctx, chk_buf, BUFCAP, zs, n);
    checked++;

    if (ZSTD_isError(r) || r != pg->body_len
        || memcmp(chk_buf, pg->body, pg->body_len) != 0)
    {
        if (check_failed++ > 5) return;
        fprintf(stderr, "gzip_pieces: %s: page \"%s\" does not decompress to"
                " its body (%s)\n", what, pg->what,
                ZSTD_isError(r) ? ZSTD_getErrorName(r) : "wrong bytes");
    }
}


static const char  *write_dir;

static void
write_sample(const char *name, int page, const u_char *p, size_t n)
{
    char   path[512];
    FILE  *f;

    if (write_dir == NULL || page > 3) {
        return;
    }

    snprintf(path, sizeof(path), "%s/%s-%d", write_dir, name, page);
    f = fopen(path, "wb");

    if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
        die("cannot write a sample");
    }
}


/* ------------------------------------------------------------------------ */
/* results: bytes of each method over the pages */

typedef struct {
    const char  *name;
    double       bytes;                 /* sum over the pages */
    double      *ratio;                 /* per page, to gzip -6 */
} result_t;

#define MAXRES  64
static result_t  res[MAXRES];
static int       nres;
static double   *gz6;                   /* per page */
static double    raw_total;


static result_t *
result(const char *name)
{
    int  i;

    for (i = 0; i < nres; i++) {
        if (strcmp(res[i].name, name) == 0) {
            return &res[i];
        }
    }

    if (nres == MAXRES) {
        die("too many results");
    }

    res[nres].name = name;
    res[nres].ratio = xcalloc(MAXPAGES, sizeof(double));

    return &res[nres++];
}


static void
record_size(const char *name, int page, size_t n)
{
    result_t  *r = result(name);

    r->bytes += n;
    r->ratio[page] = n / gz6[page];
}


static void
print_results(void)
{
    int      i;
    double  *v = xmalloc(npages * sizeof(double)), g6 = 0;

    for (i = 0; i < npages; i++) {
        g6 += gz6[i];
    }

    printf("\n%-58s %9s %6s %6s %6s %6s %6s\n", "method (bytes: mean of the"
           " pages)", "bytes", "/raw", "/gz6", "p10", "p50", "p90");

    for (i = 0; i < nres; i++) {
        memcpy(v, res[i].ratio, npages * sizeof(double));
        qsort(v, npages, sizeof(double), cmp_double);
        printf("%-58s %9.0f %6.3f %6.3f %6.3f %6.3f %6.3f\n", res[i].name,
               res[i].bytes / npages, res[i].bytes / raw_total,
               res[i].bytes / g6, v[npages / 10], v[npages / 2],
               v[npages * 9 / 10]);
    }

    free(v);
}


/* ------------------------------------------------------------------------ */
/* whole answers */

static u_char  *out_buf;

static size_t
zlib_whole(z_stream *z, const u_char *in, size_t n, u_char *out, size_t cap)
{
    deflateReset(z);
    z->next_in = (Bytef *) in;
    z->avail_in = (uInt) n;
    z->next_out = out;
    z->avail_out = (uInt) cap;

    if (deflate(z, Z_FINISH) != Z_STREAM_END) {
        die("deflate");
    }

    return cap - z->avail_out;
}


static void
whole_sizes(void)
{
    static const int     zl[] = { 1, 6, 9 }, dl[] = { 1, 6, 9, 12 },
                         sl[] = { 1, 3, 19 };
    static char          names[16][64];
    z_stream             z;
    struct libdeflate_compressor  *dc;
    ZSTD_CCtx           *cc = ZSTD_createCCtx();
    size_t               n;
    int                  i, j, m = 0;

    /* gzip -6 first: every ratio is to it */
    memset(&z, 0, sizeof(z));
    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    for (i = 0; i < npages; i++) {
        gz6[i] = (double) zlib_whole(&z, pages[i].body, pages[i].body_len,
                                     out_buf, BUFCAP);
    }
    deflateEnd(&z);

    for (j = 0; j < 3; j++) {
        memset(&z, 0, sizeof(z));
        deflateInit2(&z, zl[j], Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
        snprintf(names[m], 64, "whole: zlib gzip -%d", zl[j]);

        for (i = 0; i < npages; i++) {
            n = zlib_whole(&z, pages[i].body, pages[i].body_len, out_buf,
                           BUFCAP);
            record_size(names[m], i, n);
            check_gzip(out_buf, n, &pages[i], names[m]);
        }

        deflateEnd(&z);
        m++;
    }

    for (j = 0; j < 4; j++) {
        dc = libdeflate_alloc_compressor(dl[j]);
        snprintf(names[m], 64, "whole: libdeflate gzip level %d", dl[j]);

        for (i = 0; i < npages; i++) {
            n = libdeflate_gzip_compress(dc, pages[i].body,
                                         pages[i].body_len, out_buf, BUFCAP);
            record_size(names[m], i, n);
            check_gzip(out_buf, n, &pages[i], names[m]);
        }

        libdeflate_free_compressor(dc);
        m++;
    }

    for (j = 0; j < 3; j++) {
        snprintf(names[m], 64, "whole: zstd level %d", sl[j]);

        for (i = 0; i < npages; i++) {
            n = ZSTD_compressCCtx(cc, out_buf, BUFCAP, pages[i].body,
                                  pages[i].body_len, sl[j]);
            record_size(names[m], i, n);
            check_zstd(out_buf, n, &pages[i], names[m], NULL);
        }

        m++;
    }

    ZSTD_freeCCtx(cc);
}


/* ------------------------------------------------------------------------ */
/* (a) deflate pieces, byte-aligned by a sync flush */

typedef struct {
    u_char     *p;
    uint32_t    n;                      /* bytes, with the sync marker */
    uint32_t    bits;                   /* bits of the blocks alone */
    uint32_t    crc;
    uint32_t    op;                     /* crc32_combine_gen(length) */
} piece_t;


/*
 * raw deflate of in alone (or after a preset dictionary), ended by a sync
 * flush; *bits: the bits of its blocks before the flush's empty stored
 * block (Z_BLOCK, then deflatePending())
 */

static size_t
deflate_piece(z_stream *z, const u_char *dict, size_t dict_len,
    const u_char *in, size_t len, u_char *out, size_t cap, uint32_t *bits)
{
    unsigned  pend;
    int       pbits;
    size_t    n1;

    deflateReset(z);

    if (dict_len) {
        deflateSetDictionary(z, dict, (uInt) dict_len);
    }

    z->next_in = (Bytef *) in;
    z->avail_in = (uInt) len;
    z->next_out = out;
    z->avail_out = (uInt) cap;

    if (deflate(z, Z_BLOCK) != Z_OK) {
        die("deflate Z_BLOCK");
    }

    n1 = cap - z->avail_out;
    deflatePending(z, &pend, &pbits);

    if (bits) {
        *bits = (uint32_t) ((n1 + pend) * 8 + pbits);
    }

    if (deflate(z, Z_SYNC_FLUSH) != Z_OK) {
        die("deflate Z_SYNC_FLUSH");
    }

    return cap - z->avail_out;
}


/* gzip header: no name, no time, OS unknown, as nginx's filter writes it */
static const u_char  gzhdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };


static u_char *
put_stored(u_char *o, const void *data, size_t n, int final)
{
    *o++ = (u_char) final;              /* BFINAL, BTYPE 00, padding */
    *o++ = (u_char) n;
    *o++ = (u_char) (n >> 8);
    *o++ = (u_char) ~n;
    *o++ = (u_char) (~n >> 8);
    memcpy(o, data, n);

    return o + n;
}


static u_char *
put_u32le(u_char *o, uint32_t v)
{
    o[0] = (u_char) v;
    o[1] = (u_char) (v >> 8);
    o[2] = (u_char) (v >> 16);
    o[3] = (u_char) (v >> 24);

    return o + 4;
}


/* crc-32 operators of the glue, made once */
static uint32_t  crc_comma, op_comma, crc_closing, op_closing;

/*
 * crc32_combine_op() without zlib's 32-step multmodp(), with PCLMULQDQ:
 * the module's own, resources_gzip_combine() (src/resources_gzip.c)
 */
#define combine_clmul  resources_gzip_combine


enum { CRC_OP, CRC_COMBINE, CRC_ZLIB, CRC_CLMUL, CRC_LIBDEFLATE };


static inline uint32_t
crc_next(int mode, uint32_t crc, uint32_t crc2, uint32_t op, size_t len,
    const u_char *raw)
{
    switch (mode) {
    case CRC_OP:
        return (uint32_t) crc32_combine_op(crc, crc2, op);
    case CRC_COMBINE:
        return (uint32_t) crc32_combine(crc, crc2, (z_off_t) len);
    case CRC_ZLIB:
        return (uint32_t) crc32(crc, raw, (uInt) len);
    case CRC_CLMUL:
        return combine_clmul(crc, crc2, op);
    default:
        return libdeflate_crc32(crc, raw, len);
    }
}


/*
 * the answer from byte-aligned pieces: how the module would write it.  The
 * CRC from the pieces' CRCs and operators stored with them
 * (crc32_combine_op(), or its PCLMULQDQ form), from crc32_combine() and
 * the lengths, or by crc32() of the raw list forms (zlib's, libdeflate's:
 * the module has them in the map anyway).
 */

__attribute__((noinline)) static size_t
assemble_aligned(const page_t *pg, piece_t **pc, u_char *out,
    int crc_mode)
{
    u_char    *o = out;
    uint32_t   crc, i;
    size_t     isize;

    memcpy(o, gzhdr, 10);
    o = put_stored(o + 10, pg->env, pg->env_len, 0);
    crc = (uint32_t) crc32(0, (const Bytef *) pg->env, (uInt) pg->env_len);
    isize = pg->env_len;

    for (i = 0; i < pg->n; i++) {
        if (i > 0) {
            o = put_stored(o, ",", 1, 0);
            crc = crc_next(crc_mode, crc, crc_comma, op_comma, 1,
                           (const u_char *) ",");
            isize++;
        }

        memcpy(o, pc[i]->p, pc[i]->n);
        o += pc[i]->n;

        crc = crc_next(crc_mode, crc, pc[i]->crc, pc[i]->op,
                       rlen[pg->doc[i]], rtext[pg->doc[i]]);
        isize += rlen[pg->doc[i]];
    }

    o = put_stored(o, closing, sizeof(closing) - 1, 1);
    crc = crc_next(crc_mode, crc, crc_closing, op_closing, 3,
                   (const u_char *) closing);
    isize += sizeof(closing) - 1;

    o = put_u32le(o, crc);
    o = put_u32le(o, (uint32_t) isize);

    return (size_t) (o - out);
}


/* ------------------------------------------------------------------------ */
/* a bit writer, LSB first as deflate wants */

typedef struct {
    u_char     *o;
    uint64_t    acc;
    int         cnt;                    /* < 32 between calls */
} bw_t;


static inline void
bw_put(bw_t *w, uint32_t bits, int n)
{
    w->acc |= (uint64_t) bits << w->cnt;
    w->cnt += n;

    if (w->cnt >= 32) {
        uint32_t  v = (uint32_t) w->acc;
        memcpy(w->o, &v, 4);
        w->o += 4;
        w->acc >>= 32;
        w->cnt -= 32;
    }
}


/* nbits of p (LSB first), p readable 8 bytes past its end: 64 bits a step
 * while it can, as a module would shift a piece into place */

static inline void
bw_bits(bw_t *w, const u_char *p, uint32_t nbits)
{
    uint64_t  v, o, acc = w->acc;
    uint32_t  v32;
    u_char   *out = w->o;
    int       cnt = w->cnt;

    for ( /* void */ ; nbits >= 64; nbits -= 64, p += 8) {
        memcpy(&v, p, 8);
        o = acc | (v << cnt);
        memcpy(out, &o, 8);
        out += 8;
        acc = (v >> 1) >> (63 - cnt);
    }

    w->acc = acc;
    w->o = out;

    for ( /* void */ ; nbits >= 32; nbits -= 32, p += 4) {
        memcpy(&v32, p, 4);
        bw_put(w, v32, 32);
    }

    if (nbits) {
        memcpy(&v32, p, 4);
        bw_put(w, v32 & ((1u << nbits) - 1), (int) nbits);
    }
}


/* pads to a byte boundary, returns the end */

static u_char *
bw_flush(bw_t *w)
{
    while (w->cnt > 0) {
        *w->o++ = (u_char) w->acc;
        w->acc >>= 8;
        w->cnt -= 8;
    }

    w->cnt = 0;
    w->acc = 0;

    return w->o;
}


/* ------------------------------------------------------------------------ */
/* the pieces concatenated at the bit level: no sync marker */

/* a fixed-code block of literals, never final */

static void
bw_fixed_literals(bw_t *w, const u_char *s, size_t n, int final)
{
    uint32_t  c, code, len, r, k;

    bw_put(w, (uint32_t) final | (1u << 1), 3);    /* BTYPE 01 */

    for ( /* void */ ; n; n--, s++) {
        c = *s;
        if (c < 144) {
            code = 0x30 + c;
            len = 8;
        } else {
            code = 0x190 + (c - 144);
            len = 9;
        }
        for (r = 0, k = 0; k < len; k++) {
            r |= ((code >> k) & 1) << (len - 1 - k);
        }
        bw_put(w, r, (int) len);
    }

    bw_put(w, 0, 7);                    /* end of block: 256, 7 zero bits */
}


static size_t
assemble_bitlevel(const page_t *pg, piece_t **pc, u_char *out)
{
    bw_t       w;
    uint32_t   crc, i;
    size_t     isize;

    memcpy(out, gzhdr, 10);
    w.o = out + 10;
    w.acc = 0;
    w.cnt = 0;

    bw_fixed_literals(&w, (const u_char *) pg->env, pg->env_len, 0);
    crc = crc32(0, (const Bytef *) pg->env, (uInt) pg->env_len);
    isize = pg->env_len;

    for (i = 0; i < pg->n; i++) {
        if (i > 0) {
            bw_fixed_literals(&w, (const u_char *) ",", 1, 0);
            crc = crc32_combine_op(crc, crc_comma, op_comma);
            isize++;
        }

        bw_bits(&w, pc[i]->p, pc[i]->bits);
        crc = crc32_combine_op(crc, pc[i]->crc, pc[i]->op);
        isize += rlen[pg->doc[i]];
    }

    bw_fixed_literals(&w, (const u_char *) closing, sizeof(closing) - 1, 1);
    crc = crc32_combine_op(crc, crc_closing, op_closing);
    isize += sizeof(closing) - 1;

    w.o = bw_flush(&w);
    w.o = put_u32le(w.o, crc);
    w.o = put_u32le(w.o, (uint32_t) isize);

    return (size_t) (w.o - out);
}


/* pieces of every docno of the pages, for one method */

static piece_t **
pieces_make(z_stream *z, const u_char *dict, size_t dict_len)
{
    piece_t  **pc = xcalloc(ndocs, sizeof(piece_t *));
    int        i;
    uint32_t   j, d, bits;
    size_t     n;

    for (i = 0; i < npages; i++) {
        for (j = 0; j < pages[i].n; j++) {
            d = pages[i].doc[j];
            if (pc[d]) {
                continue;
            }
            n = deflate_piece(z, dict, dict_len, rtext[d], rlen[d], out_buf,
                              BUFCAP, &bits);
            pc[d] = xmalloc(sizeof(piece_t));
            pc[d]->p = xmalloc(n + 8);
            memcpy(pc[d]->p, out_buf, n);
            memset(pc[d]->p + n, 0, 8);
            pc[d]->n = (uint32_t) n;
            pc[d]->bits = bits;
            pc[d]->crc = (uint32_t) crc32(0, rtext[d], rlen[d]);
            pc[d]->op = (uint32_t) crc32_combine_gen(rlen[d]);
        }
    }

    return pc;
}


static void
pieces_free(piece_t **pc)
{
    uint32_t  d;

    for (d = 0; d < ndocs; d++) {
        if (pc[d]) {
            free(pc[d]->p);
            free(pc[d]);
        }
    }

    free(pc);
}


static void
page_pieces(const page_t *pg, piece_t **all, piece_t **pc)
{
    uint32_t  i;

    for (i = 0; i < pg->n; i++) {
        pc[i] = all[pg->doc[i]];
    }
}


static void
pieces_sizes(void)
{
    static const struct {
        int          level, strategy;
        const char  *name, *bits_name;
    } m[] = {
        { 1, Z_DEFAULT_STRATEGY, "(a) pieces, level 1, sync-flushed",
          "(a) pieces, level 1, bit-concatenated" },
        { 6, Z_DEFAULT_STRATEGY, "(a) pieces, level 6, sync-flushed",
          "(a) pieces, level 6, bit-concatenated" },
        { 9, Z_DEFAULT_STRATEGY, "(a) pieces, level 9, sync-flushed",
          "(a) pieces, level 9, bit-concatenated" },
        { 9, Z_FIXED, "(c) pieces, level 9, fixed code (Z_FIXED)",
          NULL },
        { 6, Z_HUFFMAN_ONLY, "(c) pieces, Huffman only, own code",
          NULL },
        { 6, Z_RLE, "(c) pieces, Z_RLE", NULL },
    };
    z_stream   z;
    piece_t  **all, *pc[LIMIT];
    size_t     n, glue = 0, marker = 0;
    unsigned   k;
    int        i;

    for (k = 0; k < sizeof(m) / sizeof(m[0]); k++) {
        memset(&z, 0, sizeof(z));
        deflateInit2(&z, m[k].level, Z_DEFLATED, -15, 9, m[k].strategy);
        all = pieces_make(&z, NULL, 0);

        for (i = 0; i < npages; i++) {
            page_pieces(&pages[i], all, pc);
            n = assemble_aligned(&pages[i], pc, out_buf, 0);
            record_size(m[k].name, i, n);
            check_gzip(out_buf, n, &pages[i], m[k].name);
            write_sample(m[k].level == 6 && m[k].strategy == 0
                         ? "pieces6.gz" : "pieces.gz", i, out_buf, n);

            if (k == 1) {
                uint32_t  j;
                /* what the glue and the sync markers cost */
                glue += 10 + 8 + 5 + pages[i].env_len + 8
                        + (pages[i].n ? pages[i].n - 1 : 0) * 6;
                for (j = 0; j < pages[i].n; j++) {
                    marker += pc[j]->n - pc[j]->bits / 8;
                }
            }

            if (k == 1) {
                int  mode;
                for (mode = CRC_COMBINE; mode <= CRC_LIBDEFLATE; mode++) {
                    n = assemble_aligned(&pages[i], pc, out_buf, mode);
                    check_gzip(out_buf, n, &pages[i], "(a) other CRC ways");
                }
            }

            if (m[k].bits_name) {
                n = assemble_bitlevel(&pages[i], pc, out_buf);
                record_size(m[k].bits_name, i, n);
                check_gzip(out_buf, n, &pages[i], m[k].bits_name);
            }
        }

        pieces_free(all);
        deflateEnd(&z);
    }

    printf("(a) level 6, sync-flushed: of %.0f bytes a page, glue (header,"
           " trailer, stored blocks, envelope, commas) %.0f, sync markers"
           " %.0f\n", result(m[1].name)->bytes / npages,
           (double) glue / npages, (double) marker / npages);
}


/* ------------------------------------------------------------------------ */
/* (b) pieces with a preset dictionary: sizes (not valid gzip, but (b4)) */

static const char  *skeleton[] = {
    "{\"id\":\"", "\",\"title\":\"", "\",\"type\":\"",
    "\",\"private\":false,\"date\":\"", "\",\"private\":false,\"date\":null",
    "\",\"updated\":\"", "\",\"keywords\":[\"",
    "\"],\"series\":null,\"number\":null,\"summary\":\"",
    "\"],\"series\":\"", "\",\"number\":", "\"}",
};
#define NSKEL  (sizeof(skeleton) / sizeof(skeleton[0]))


static u_char  *sample_dict;
static size_t   sample_dict_len;


static void
dict_sizes(void)
{
    z_stream   z;
    piece_t  **all, *pc[LIMIT];
    u_char     skel[1024];
    size_t     skel_len = 0, n, total;
    uint32_t   j, bits, d;
    int        i, level;
    char      *name;

    for (j = 0; j < NSKEL; j++) {
        n = strlen(skeleton[j]);
        memcpy(skel + skel_len, skeleton[j], n);
        skel_len += n;
    }

    for (level = 6; level <= 9; level += 3) {
        memset(&z, 0, sizeof(z));
        deflateInit2(&z, level, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);

        /* (b1) a sample of list forms (the last 32 KiB of the dictionary) */
        name = xmalloc(96);
        snprintf(name, 96, "(b) pieces, level %d, dictionary: 32 KiB of list"
                 " forms *", level);
        all = pieces_make(&z, sample_dict + sample_dict_len - 32768, 32768);
        for (i = 0; i < npages; i++) {
            page_pieces(&pages[i], all, pc);
            n = assemble_aligned(&pages[i], pc, out_buf, 0);
            record_size(name, i, n);
        }
        pieces_free(all);

        /* (b2) the JSON skeleton */
        name = xmalloc(96);
        snprintf(name, 96, "(b) pieces, level %d, dictionary: JSON keys"
                 " (%zu B) *", level, skel_len);
        all = pieces_make(&z, skel, skel_len);
        for (i = 0; i < npages; i++) {
            page_pieces(&pages[i], all, pc);
            n = assemble_aligned(&pages[i], pc, out_buf, 0);
            record_size(name, i, n);
        }
        pieces_free(all);

        /* (b3) the previous record of the page; (b4) all the answer before
         * the record (the first record: the envelope) */
        name = xmalloc(96);
        snprintf(name, 96, "(b) pieces, level %d, dictionary: previous"
                 " record *", level);
        for (i = 0; i < npages; i++) {
            total = 10 + 8 + 5 + pages[i].env_len + 8;
            for (j = 0; j < pages[i].n; j++) {
                d = pages[i].doc[j];
                if (j) {
                    total += 6;
                }
                total += deflate_piece(&z,
                             j ? rtext[pages[i].doc[j - 1]] : NULL,
                             j ? rlen[pages[i].doc[j - 1]] : 0,
                             rtext[d], rlen[d], out_buf, BUFCAP, &bits);
            }
            record_size(name, i, total);
        }

        name = xmalloc(96);
        snprintf(name, 96, "(b) level %d, one stream flushed after each"
                 " record (valid)", level);
        for (i = 0; i < npages; i++) {
            /* the envelope and every record, sync-flushed after each */
            u_char  *o = out_buf;
            size_t   pos = 0, start;
            memcpy(o, gzhdr, 10);
            o += 10;
            deflateReset(&z);
            z.next_out = o;
            z.avail_out = BUFCAP - 32;
            for (j = 0; j <= pages[i].n; j++) {
                start = pos;
                pos = j == 0 ? pages[i].env_len
                      : pos + rlen[pages[i].doc[j - 1]] + (j > 1);
                z.next_in = pages[i].body + start;
                z.avail_in = (uInt) (pos - start);
                deflate(&z, Z_SYNC_FLUSH);
            }
            z.next_in = pages[i].body + pos;
            z.avail_in = (uInt) (pages[i].body_len - pos);
            deflate(&z, Z_FINISH);
            o = z.next_out;
            o = put_u32le(o, (uint32_t) crc32(0, pages[i].body,
                                              (uInt) pages[i].body_len));
            o = put_u32le(o, (uint32_t) pages[i].body_len);
            n = (size_t) (o - out_buf);
            record_size(name, i, n);
            check_gzip(out_buf, n, &pages[i], name);
        }

        deflateEnd(&z);
    }

}


/* ------------------------------------------------------------------------ */
/* tokens: a raw deflate stream decoded into literals and matches (puff) */

typedef struct {
    uint16_t   len;                     /* 0: a literal */
    uint16_t   dist;                    /* or the literal */
} tok_t;

typedef struct {
    const u_char  *in;
    size_t         n, pos;
    uint32_t       bitbuf;
    int            bitcnt;
} br_t;

typedef struct {
    short   count[16];
    short   symbol[320];
} huff_t;


static int
br_bits(br_t *s, int need)
{
    long  val = s->bitbuf;

    while (s->bitcnt < need) {
        if (s->pos == s->n) {
            die("token decoder: out of input");
        }
        val |= (long) s->in[s->pos++] << s->bitcnt;
        s->bitcnt += 8;
    }

    s->bitbuf = (uint32_t) (val >> need);
    s->bitcnt -= need;

    return (int) (val & ((1L << need) - 1));
}


static int
huff_decode(br_t *s, const huff_t *h)
{
    int  len, code = 0, first = 0, count, index = 0;

    for (len = 1; len <= 15; len++) {
        code |= br_bits(s, 1);
        count = h->count[len];
        if (code - count < first) {
            return h->symbol[index + (code - first)];
        }
        index += count;
        first += count;
        first <<= 1;
        code <<= 1;
    }

    die("token decoder: bad code");
    return -1;
}


static void
huff_build(huff_t *h, const short *length, int n)
{
    short  offs[16];
    int    sym, len;

    memset(h->count, 0, sizeof(h->count));

    for (sym = 0; sym < n; sym++) {
        h->count[length[sym]]++;
    }

    offs[1] = 0;

    for (len = 1; len < 15; len++) {
        offs[len + 1] = offs[len] + h->count[len];
    }

    for (sym = 0; sym < n; sym++) {
        if (length[sym] != 0) {
            h->symbol[offs[length[sym]]++] = (short) sym;
        }
    }
}


static const short  len_base[29] = {
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const short  len_extra[29] = {
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
    3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const int    dist_base[30] = {
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
    257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577 };
static const short  dist_extra[30] = {
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
    7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };


static size_t
tokens_of(const u_char *in, size_t n, tok_t *t, size_t cap)
{
    br_t     s = { in, n, 0, 0, 0 };
    huff_t   lh, dh;
    short    lengths[320];
    size_t   nt = 0;
    int      last = 0, type, i, sym, len, nlen, ndist, ncode, idx, rep;
    static const short  order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
                                      11, 4, 12, 3, 13, 2, 14, 1, 15 };

    while (!last && s.pos < s.n) {
        last = br_bits(&s, 1);
        type = br_bits(&s, 2);

        if (type == 0) {
            s.bitbuf = 0;
            s.bitcnt = 0;
            if (s.pos + 4 > s.n) {
                die("token decoder: stored block");
            }
            len = s.in[s.pos] | s.in[s.pos + 1] << 8;
            s.pos += 4;
            for (i = 0; i < len; i++) {
                t[nt].len = 0;
                t[nt++].dist = s.in[s.pos++];
            }
            continue;
        }

        if (type == 1) {
            for (sym = 0; sym < 144; sym++) lengths[sym] = 8;
            for (; sym < 256; sym++) lengths[sym] = 9;
            for (; sym < 280; sym++) lengths[sym] = 7;
            for (; sym < 288; sym++) lengths[sym] = 8;
            huff_build(&lh, lengths, 288);
            for (sym = 0; sym < 30; sym++) lengths[sym] = 5;
            huff_build(&dh, lengths, 30);

        } else if (type == 2) {
            nlen = br_bits(&s, 5) + 257;
            ndist = br_bits(&s, 5) + 1;
            ncode = br_bits(&s, 4) + 4;
            memset(lengths, 0, sizeof(lengths));
            for (i = 0; i < ncode; i++) {
                lengths[order[i]] = (short) br_bits(&s, 3);
            }
            huff_build(&lh, lengths, 19);
            for (idx = 0; idx < nlen + ndist; ) {
                sym = huff_decode(&s, &lh);
                if (sym < 16) {
                    lengths[idx++] = (short) sym;
                    continue;
                }
                len = 0;
                if (sym == 16) {
                    len = lengths[idx - 1];
                    rep = 3 + br_bits(&s, 2);
                } else if (sym == 17) {
                    rep = 3 + br_bits(&s, 3);
                } else {
                    rep = 11 + br_bits(&s, 7);
                }
                while (rep--) {
                    lengths[idx++] = (short) len;
                }
            }
            huff_build(&lh, lengths, nlen);
            huff_build(&dh, lengths + nlen, ndist);

        } else {
            die("token decoder: bad block type");
        }

        for ( ;; ) {
            sym = huff_decode(&s, &lh);
            if (sym < 256) {
                t[nt].len = 0;
                t[nt++].dist = (uint16_t) sym;
            } else if (sym == 256) {
                break;
            } else {
                sym -= 257;
                len = len_base[sym] + br_bits(&s, len_extra[sym]);
                sym = huff_decode(&s, &dh);
                t[nt].len = (uint16_t) len;
                t[nt++].dist = (uint16_t) (dist_base[sym]
                                           + br_bits(&s, dist_extra[sym]));
            }
            if (nt + 300 > cap) {
                die("token decoder: too many tokens");
            }
        }
    }

    return nt;
}


/* ------------------------------------------------------------------------ */
/* (c) one shared Huffman code: pieces as bit strings, references */

/* a deflate code: lengths (limited), codes bit-reversed for LSB-first */

typedef struct {
    int        n;
    uint8_t    len[288];
    uint16_t   code[288];
} code_t;


static void
code_lengths(const uint64_t *freq, int n, int limit, uint8_t *len)
{
    /* Huffman by repeated merging of the two lightest; then the lengths
     * over the limit fixed by lengthening the longest shorter codes, then
     * the slack given back, so the code stays complete (inflate wants it) */
    uint64_t  w[600];
    int       parent[600], alive[600], nodes = n, i, a, b, d, changed;
    long      kraft, one = 1L << limit;

    for (i = 0; i < n; i++) {
        w[i] = freq[i] ? freq[i] : 1;
        alive[i] = 1;
        parent[i] = -1;
    }

    if (n < 2) {
        die("a code of fewer than two symbols");
    }

    for ( ;; ) {
        a = b = -1;
        for (i = 0; i < nodes; i++) {
            if (!alive[i]) continue;
            if (a < 0 || w[i] < w[a]) { b = a; a = i; }
            else if (b < 0 || w[i] < w[b]) { b = i; }
        }
        if (b < 0) {
            break;
        }
        w[nodes] = w[a] + w[b];
        alive[nodes] = 1;
        parent[nodes] = -1;
        alive[a] = alive[b] = 0;
        parent[a] = parent[b] = nodes;
        nodes++;
    }

    for (i = 0; i < n; i++) {
        for (d = 0, a = i; parent[a] >= 0; a = parent[a]) {
            d++;
        }
        len[i] = (uint8_t) (d > limit ? limit : d);
    }

    for ( ;; ) {
        kraft = 0;
        for (i = 0; i < n; i++) {
            kraft += one >> len[i];
        }
        if (kraft <= one) {
            break;
        }
        /* lengthen the least frequent code shorter than the limit */
        b = -1;
        for (i = 0; i < n; i++) {
            if (len[i] < limit && (b < 0 || freq[i] < freq[b]
                                   || (freq[i] == freq[b] && len[i] > len[b])))
            {
                b = i;
            }
        }
        len[b]++;
    }

    do {
        changed = 0;
        kraft = 0;
        for (i = 0; i < n; i++) {
            kraft += one >> len[i];
        }
        /* shorten the most frequent code that the slack allows */
        b = -1;
        for (i = 0; i < n; i++) {
            if (len[i] > 1 && kraft + (one >> len[i]) <= one
                && (b < 0 || freq[i] > freq[b]))
            {
                b = i;
            }
        }
        if (b >= 0) {
            len[b]--;
            changed = 1;
        }
    } while (changed);

    kraft = 0;
    for (i = 0; i < n; i++) {
        kraft += one >> len[i];
    }
    if (kraft != one) {
        die("an incomplete code");
    }
}


static void
code_make(code_t *c, const uint64_t *freq, int n, int limit)
{
    int       bl_count[16] = { 0 }, next[16], i, l, k;
    uint32_t  v, r;

    c->n = n;
    code_lengths(freq, n, limit, c->len);

    for (i = 0; i < n; i++) {
        bl_count[c->len[i]]++;
    }

    bl_count[0] = 0;
    next[1] = 0;

    for (l = 2; l <= 15; l++) {
        next[l] = (next[l - 1] + bl_count[l - 1]) << 1;
    }

    for (i = 0; i < n; i++) {
        l = c->len[i];
        v = (uint32_t) next[l]++;
        for (r = 0, k = 0; k < l; k++) {
            r |= ((v >> k) & 1) << (l - 1 - k);
        }
        c->code[i] = (uint16_t) r;
    }
}


/* the length and distance symbols of a match */

static uint8_t   len_sym[259];
static uint8_t   dist_sym_lo[513], dist_sym_hi[128];


static void
tables_make(void)
{
    int  s, l, d;

    for (s = 0; s < 29; s++) {
        for (l = len_base[s]; l < (s < 28 ? len_base[s + 1] : 259); l++) {
            len_sym[l] = (uint8_t) s;
        }
    }
    len_sym[258] = 28;

    for (s = 0; s < 30; s++) {
        for (d = dist_base[s]; d < (s < 29 ? dist_base[s + 1] : 32769); d++) {
            if (d <= 512) {
                dist_sym_lo[d] = (uint8_t) s;
            } else {
                dist_sym_hi[(d - 1) >> 8] = (uint8_t) s;
            }
        }
    }
}


static inline int
dist_sym(int d)
{
    return d <= 512 ? dist_sym_lo[d] : dist_sym_hi[(d - 1) >> 8];
}


/* a dictionary of strings that pieces may refer to */

typedef struct {
    int          n;
    const char  *s[512];
    uint16_t     len[512];
    uint32_t     start[512];            /* in dict */
    u_char       dict[32768];
    size_t       dict_len;
} refdict_t;


static void
refdict_add(refdict_t *rd, const char *s)
{
    size_t  n = strlen(s);

    if (rd->n == 512 || rd->dict_len + n + 1 > sizeof(rd->dict)) {
        return;
    }

    rd->s[rd->n] = s;
    rd->len[rd->n] = (uint16_t) n;
    rd->start[rd->n] = (uint32_t) rd->dict_len;
    memcpy(rd->dict + rd->dict_len, s, n);
    rd->dict_len += n;
    rd->dict[rd->dict_len++] = 1;       /* no match runs across strings */
    rd->n++;
}


/*
 * a record coded for the shared code: its tokens, where a match into the
 * dictionary (dist > its position) is a reference (string k, from byte j,
 * len bytes); and where each dictionary string last occurs in it
 */

typedef struct {
    tok_t      *t;
    uint32_t    nt;
    uint16_t   *refk, *refj;            /* per token, for references */
    int32_t    *last;                   /* per dictionary string, or -1 */
    /* under the shared code: segments of bits between references */
    u_char     *bits;
    uint32_t    nseg;
    uint32_t   *seg_bits, *seg_off;     /* bits and byte offset of each */
    uint32_t   *seg_ref;                /* the token index of the reference
                                           after the segment, or nt */
    uint32_t   *seg_pos;                /* its byte position in the record */
    uint32_t    crc, op;
} srec_t;


static tok_t  *tok_buf;


static int
is_ref(const srec_t *r, uint32_t i, uint32_t pos)
{
    return r->t[i].len && r->t[i].dist > pos;
}


static srec_t *
srec_make(z_stream *z, const refdict_t *rd, uint32_t d)
{
    srec_t   *r = xcalloc(1, sizeof(srec_t));
    size_t    n, nt, pos = 0, i;
    int       k, a;
    const u_char  *hit;

    n = deflate_piece(z, rd->dict_len ? rd->dict : NULL, rd->dict_len,
                      rtext[d], rlen[d], out_buf, BUFCAP, NULL);
    nt = tokens_of(out_buf, n, tok_buf, BUFCAP / 4);
    r->t = xmalloc(nt * sizeof(tok_t));
    memcpy(r->t, tok_buf, nt * sizeof(tok_t));
    r->nt = (uint32_t) nt;
    r->refk = xcalloc(nt, 2);
    r->refj = xcalloc(nt, 2);

    for (i = 0; i < nt; i++) {
        if (r->t[i].len && r->t[i].dist > pos) {
            a = (int) rd->dict_len - (int) (r->t[i].dist - pos);
            for (k = rd->n - 1; k >= 0 && (int) rd->start[k] > a; k--) {
                /* void */
            }
            if (k < 0 || a + r->t[i].len > (int) (rd->start[k] + rd->len[k]))
            {
                die("a reference across dictionary strings");
            }
            r->refk[i] = (uint16_t) k;
            r->refj[i] = (uint16_t) (a - rd->start[k]);
        }
        pos += r->t[i].len ? r->t[i].len : 1;
    }

    if (pos != rlen[d]) {
        die("tokens do not make the record");
    }

    /* a reference to a type or keyword string (beyond the JSON keys) is
     * kept only when it is the whole string: parts of them (" de ",
     * "tion") are literals, as they rarely resolve */
    if (rd->n > (int) NSKEL) {
        tok_t     *t2 = xmalloc((nt + rlen[d]) * sizeof(tok_t));
        uint16_t  *k2 = xcalloc(nt + rlen[d], 2), *j2 = xcalloc(nt + rlen[d], 2);
        size_t     n2 = 0, x;

        for (i = 0, pos = 0; i < nt; i++) {
            if (is_ref(r, (uint32_t) i, (uint32_t) pos)
                && r->refk[i] >= NSKEL
                && (r->refj[i] != 0 || r->t[i].len != rd->len[r->refk[i]]))
            {
                for (x = 0; x < r->t[i].len; x++) {
                    t2[n2].len = 0;
                    t2[n2++].dist = (u_char) rd->s[r->refk[i]][r->refj[i] + x];
                }
            } else {
                t2[n2] = r->t[i];
                k2[n2] = r->refk[i];
                j2[n2++] = r->refj[i];
            }
            pos += r->t[i].len ? r->t[i].len : 1;
        }

        free(r->t);
        free(r->refk);
        free(r->refj);
        r->t = t2;
        r->refk = k2;
        r->refj = j2;
        r->nt = (uint32_t) n2;
    }

    r->last = xmalloc(rd->n * sizeof(int32_t));

    for (k = 0; k < rd->n; k++) {
        r->last[k] = -1;
        for (hit = rtext[d]; (hit = memmem(hit, rlen[d] - (hit - rtext[d]),
                                           rd->s[k], rd->len[k])) != NULL;
             hit++)
        {
            r->last[k] = (int32_t) (hit - rtext[d]);
        }
    }

    r->crc = (uint32_t) crc32(0, rtext[d], rlen[d]);
    r->op = (uint32_t) crc32_combine_gen(rlen[d]);

    return r;
}


/* symbol counts of a page's stream (training: the loader's code) */

typedef struct {
    uint64_t   lit[288];
    uint64_t   dist[30];
} freq_t;


static void
count_literals(freq_t *f, const u_char *s, size_t n)
{
    while (n--) {
        f->lit[*s++]++;
    }
}


static void
count_page(freq_t *f, const refdict_t *rd, srec_t **sr, const uint32_t *doc,
    uint32_t n, size_t env_len, int32_t *last_abs)
{
    uint32_t   i, j, pos;
    size_t     at = env_len;
    int32_t    q;
    const srec_t  *r;
    int        k;

    for (k = 0; k < rd->n; k++) {
        last_abs[k] = -1;
    }

    f->lit['{'] += 1;                   /* the envelope, roughly */
    f->lit[','] += 1;

    for (i = 0; i < n; i++) {
        r = sr[doc[i]];
        if (i) {
            f->lit[',']++;
            at++;
        }
        for (j = 0, pos = 0; j < r->nt; j++) {
            if (!r->t[j].len) {
                f->lit[r->t[j].dist]++;
                pos++;
                continue;
            }
            if (is_ref(r, j, pos)) {
                k = r->refk[j];
                q = last_abs[k] < 0 ? -1 : last_abs[k] + r->refj[j];
                if (q < 0 || at + pos - (size_t) q > 32768) {
                    count_literals(f, (const u_char *) rd->s[k] + r->refj[j],
                                   r->t[j].len);
                    pos += r->t[j].len;
                    continue;
                }
                f->lit[257 + len_sym[r->t[j].len]]++;
                f->dist[dist_sym((int) (at + pos - (size_t) q))]++;
            } else {
                f->lit[257 + len_sym[r->t[j].len]]++;
                f->dist[dist_sym(r->t[j].dist)]++;
            }
            pos += r->t[j].len;
        }
        for (k = 0; k < rd->n; k++) {
            if (r->last[k] >= 0) {
                last_abs[k] = (int32_t) at + r->last[k];
            }
        }
        at += pos;
    }

    count_literals(f, (const u_char *) closing, 3);
    f->lit[256]++;
}


/* the shared code and its dynamic block header, made once by the loader */

typedef struct {
    code_t     lit, dist;
    u_char     hdr[512];                /* the block header, LSB first */
    uint32_t   hdr_bits;
} shared_t;


static void
shared_make(shared_t *sc, freq_t *f)
{
    static const int  order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5,
                                    11, 4, 12, 3, 13, 2, 14, 1, 15 };
    uint8_t    all[320];
    uint16_t   rl_sym[320], rl_extra[320];
    uint64_t   cf[19] = { 0 };
    code_t     cc;
    int        i, n, nrl = 0, run, hclen;
    bw_t       w;
    u_char    *end;

    f->lit[256] += 1;

    for (i = 0; i < 286; i++) {
        f->lit[i] += 1;                 /* every symbol codable */
    }

    for (i = 0; i < 30; i++) {
        f->dist[i] += 1;
    }

    code_make(&sc->lit, f->lit, 286, 15);
    code_make(&sc->dist, f->dist, 30, 15);

    /* the code lengths, run-length coded (16, 17, 18) */
    memcpy(all, sc->lit.len, 286);
    memcpy(all + 286, sc->dist.len, 30);
    n = 316;

    for (i = 0; i < n; i += run) {
        for (run = 1; i + run < n && all[i + run] == all[i]; run++) {
            /* void */
        }
        if (all[i] == 0 && run >= 3) {
            run = run > 138 ? 138 : run;
            rl_sym[nrl] = run >= 11 ? 18 : 17;
            rl_extra[nrl++] = (uint16_t) (run >= 11 ? run - 11 : run - 3);
        } else if (run >= 4) {
            rl_sym[nrl] = all[i];
            rl_extra[nrl++] = 0;
            run = run - 1 > 6 ? 7 : run;
            rl_sym[nrl] = 16;
            rl_extra[nrl++] = (uint16_t) (run - 1 - 3);
        } else {
            run = 1;
            rl_sym[nrl] = all[i];
            rl_extra[nrl++] = 0;
        }
    }

    for (i = 0; i < nrl; i++) {
        cf[rl_sym[i]]++;
    }

    /* the code-length code: only the symbols used (a zero is no code) */
    {
        uint64_t  used[19];
        int       map[19], m = 0, j;
        uint8_t   l[19];

        for (i = 0; i < 19; i++) {
            if (cf[i]) {
                map[m] = i;
                used[m++] = cf[i];
            }
        }
        if (m < 2) {
            die("a degenerate code-length code");
        }
        code_lengths(used, m, 7, l);
        memset(cc.len, 0, sizeof(cc.len));
        for (j = 0; j < m; j++) {
            cc.len[map[j]] = l[j];
        }
        /* codes from the lengths */
        {
            int       bl[16] = { 0 }, nx[16], k, ln;
            uint32_t  v, r;
            for (i = 0; i < 19; i++) bl[cc.len[i]]++;
            bl[0] = 0;
            nx[1] = 0;
            for (ln = 2; ln <= 15; ln++) nx[ln] = (nx[ln - 1] + bl[ln - 1]) << 1;
            for (i = 0; i < 19; i++) {
                ln = cc.len[i];
                if (!ln) continue;
                v = (uint32_t) nx[ln]++;
                for (r = 0, k = 0; k < ln; k++) r |= ((v >> k) & 1) << (ln - 1 - k);
                cc.code[i] = (uint16_t) r;
            }
        }
    }

    for (hclen = 19; hclen > 4 && cc.len[order[hclen - 1]] == 0; hclen--) {
        /* void */
    }

    memset(sc->hdr, 0, sizeof(sc->hdr));
    w.o = sc->hdr;
    w.acc = 0;
    w.cnt = 0;
    bw_put(&w, 1 | (2 << 1), 3);        /* BFINAL (one block), BTYPE 10 */
    bw_put(&w, 286 - 257, 5);
    bw_put(&w, 30 - 1, 5);
    bw_put(&w, (uint32_t) hclen - 4, 4);

    for (i = 0; i < hclen; i++) {
        bw_put(&w, cc.len[order[i]], 3);
    }

    for (i = 0; i < nrl; i++) {
        bw_put(&w, cc.code[rl_sym[i]], cc.len[rl_sym[i]]);
        if (rl_sym[i] == 16) bw_put(&w, rl_extra[i], 2);
        if (rl_sym[i] == 17) bw_put(&w, rl_extra[i], 3);
        if (rl_sym[i] == 18) bw_put(&w, rl_extra[i], 7);
    }

    sc->hdr_bits = (uint32_t) ((w.o - sc->hdr) * 8 + w.cnt);
    end = bw_flush(&w);
    (void) end;
}


/* a record's bits under the shared code: segments between references */

static void
srec_encode(srec_t *r, const shared_t *sc)
{
    bw_t       w;
    uint32_t   i, pos = 0, nseg = 0, seg_start_bits;
    u_char    *buf = out_buf;
    int        s, e;

    r->seg_bits = xmalloc((r->nt + 1) * sizeof(uint32_t));
    r->seg_off = xmalloc((r->nt + 1) * sizeof(uint32_t));
    r->seg_ref = xmalloc((r->nt + 1) * sizeof(uint32_t));
    r->seg_pos = xmalloc((r->nt + 1) * sizeof(uint32_t));

    w.o = buf;
    w.acc = 0;
    w.cnt = 0;
    r->seg_off[0] = 0;
    seg_start_bits = 0;

    for (i = 0; i <= r->nt; i++) {
        if (i == r->nt || is_ref(r, i, pos)) {
            r->seg_bits[nseg] = (uint32_t) ((w.o - buf) * 8 + w.cnt)
                                - seg_start_bits;
            r->seg_ref[nseg] = i;
            r->seg_pos[nseg] = pos;
            nseg++;
            w.o = bw_flush(&w);         /* each segment from a byte */
            r->seg_off[nseg] = (uint32_t) (w.o - buf);
            seg_start_bits = (uint32_t) (w.o - buf) * 8;
            if (i < r->nt) {
                pos += r->t[i].len;
            }
            continue;
        }
        if (!r->t[i].len) {
            bw_put(&w, sc->lit.code[r->t[i].dist], sc->lit.len[r->t[i].dist]);
            pos++;
            continue;
        }
        s = len_sym[r->t[i].len];
        bw_put(&w, sc->lit.code[257 + s], sc->lit.len[257 + s]);
        bw_put(&w, (uint32_t) (r->t[i].len - len_base[s]), len_extra[s]);
        e = dist_sym(r->t[i].dist);
        bw_put(&w, sc->dist.code[e], sc->dist.len[e]);
        bw_put(&w, (uint32_t) (r->t[i].dist - dist_base[e]), dist_extra[e]);
        pos += r->t[i].len;
    }

    r->nseg = nseg;
    r->bits = xmalloc(w.o - buf + 8);
    memcpy(r->bits, buf, w.o - buf);
    memset(r->bits + (w.o - buf), 0, 8);
}


static size_t
srec_stored_bytes(const srec_t *r, int nrefs_bytes)
{
    /* the bit strings, and per reference its string, offset, length, the
     * bits of the segment before it */
    return r->seg_off[r->nseg] + (size_t) (r->nseg - 1) * nrefs_bytes;
}


static inline void
put_literals(bw_t *w, const shared_t *sc, const u_char *s, size_t n)
{
    while (n--) {
        bw_put(w, sc->lit.code[*s], sc->lit.len[*s]);
        s++;
    }
}


/* the answer under the shared code: what the module would do */

__attribute__((noinline)) static size_t
assemble_shared(const page_t *pg, const refdict_t *rd, srec_t **sr,
    const shared_t *sc, u_char *out, int32_t *last_abs)
{
    bw_t            w;
    uint32_t        i, s, tk, crc;
    size_t          at, isize, dist;
    int32_t         q;
    int             k, ls, ds;
    const srec_t   *r;
    const tok_t    *t;

    memcpy(out, gzhdr, 10);
    w.o = out + 10;
    w.acc = 0;
    w.cnt = 0;

    bw_bits(&w, sc->hdr, sc->hdr_bits);
    put_literals(&w, sc, (const u_char *) pg->env, pg->env_len);
    crc = (uint32_t) crc32(0, (const Bytef *) pg->env, (uInt) pg->env_len);
    at = pg->env_len;

    for (k = 0; k < rd->n; k++) {
        last_abs[k] = -1;
    }

    for (i = 0; i < pg->n; i++) {
        r = sr[pg->doc[i]];

        if (i) {
            put_literals(&w, sc, (const u_char *) ",", 1);
            crc = combine_clmul(crc, crc_comma, op_comma);
            at++;
        }

        for (s = 0; s < r->nseg; s++) {
            bw_bits(&w, r->bits + r->seg_off[s], r->seg_bits[s]);

            tk = r->seg_ref[s];
            if (tk == r->nt) {
                break;
            }

            t = &r->t[tk];
            k = r->refk[tk];
            q = last_abs[k] < 0 ? -1 : last_abs[k] + r->refj[tk];
            dist = at + r->seg_pos[s] - (size_t) q;

            if (q < 0 || dist > 32768) {
                put_literals(&w, sc, (const u_char *) rd->s[k] + r->refj[tk],
                             t->len);
                continue;
            }

            ls = len_sym[t->len];
            bw_put(&w, sc->lit.code[257 + ls], sc->lit.len[257 + ls]);
            bw_put(&w, (uint32_t) (t->len - len_base[ls]), len_extra[ls]);
            ds = dist_sym((int) dist);
            bw_put(&w, sc->dist.code[ds], sc->dist.len[ds]);
            bw_put(&w, (uint32_t) (dist - (size_t) dist_base[ds]),
                   dist_extra[ds]);
        }

        for (k = 0; k < rd->n; k++) {
            if (r->last[k] >= 0) {
                last_abs[k] = (int32_t) at + r->last[k];
            }
        }

        crc = combine_clmul(crc, r->crc, r->op);
        at += rlen[pg->doc[i]];
    }

    put_literals(&w, sc, (const u_char *) closing, sizeof(closing) - 1);
    crc = combine_clmul(crc, crc_closing, op_closing);
    at += sizeof(closing) - 1;
    bw_put(&w, sc->lit.code[256], sc->lit.len[256]);
    isize = at;

    w.o = bw_flush(&w);
    w.o = put_u32le(w.o, crc);
    w.o = put_u32le(w.o, (uint32_t) isize);

    return (size_t) (w.o - out);
}


/* the dictionaries of references */

static refdict_t  rd_none, rd_skel, rd_terms;


typedef struct {
    char       *s;
    uint32_t    n;
} value_t;


static int
cmp_value(const void *a, const void *b)
{
    const value_t  *x = a, *y = b;

    return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->s, y->s);
}


/* the distinct values of "type" and of "keywords" in a sample, counted */

static void
values_count(value_t *v, int *nv, int cap, const u_char *p, size_t n)
{
    int  i;

    for (i = 0; i < *nv; i++) {
        if (strlen(v[i].s) == n && memcmp(v[i].s, p, n) == 0) {
            v[i].n++;
            return;
        }
    }

    if (*nv < cap) {
        v[*nv].s = xmalloc(n + 1);
        memcpy(v[*nv].s, p, n);
        v[*nv].s[n] = 0;
        v[(*nv)++].n = 1;
    }
}


static void
refdicts_make(void)
{
    static value_t  types[256], kws[8192];
    int             nt = 0, nk = 0, i;
    unsigned        j;
    uint32_t        d;
    u_char         *buf = xmalloc(RESOURCES_RECORD_MAX + 8);
    const u_char   *p, *q, *e;
    size_t          n;

    for (j = 0; j < NSKEL; j++) {
        refdict_add(&rd_skel, skeleton[j]);
        refdict_add(&rd_terms, skeleton[j]);
    }

    /* the types and the 100 most used keywords of 10,000 records, quotes
     * included, as written in a record */
    rng = 99;

    for (i = 0; i < 10000; i++) {
        d = (uint32_t) (next_rand() % ndocs);
        n = record_into(d, buf);
        e = buf + n;

        p = memmem(buf, n, "\"type\":\"", 8);
        if (p) {
            p += 7;
            for (q = p + 1; q < e && *q != '"'; q++) { }
            values_count(types, &nt, 256, p, (size_t) (q + 1 - p));
        }

        p = memmem(buf, n, "\"keywords\":[", 12);
        for (p = p ? p + 11 : e; p < e && *p != ']'; ) {
            p++;                        /* '[' or ',' */
            if (*p != '"') {
                break;
            }
            for (q = p + 1; q < e && *q != '"'; q++) {
                if (*q == '\\') q++;
            }
            values_count(kws, &nk, 8192, p, (size_t) (q + 1 - p));
            p = q + 1;
        }
    }

    qsort(types, nt, sizeof(value_t), cmp_value);
    qsort(kws, nk, sizeof(value_t), cmp_value);

    for (i = 0; i < nt; i++) {
        refdict_add(&rd_terms, types[i].s);
    }

    for (i = 0; i < nk && i < 100; i++) {
        refdict_add(&rd_terms, kws[i].s);
    }

    free(buf);
}


static void
shared_sizes(void)
{
    static const struct {
        refdict_t   *rd;
        const char  *name;
        int          level;
    } m[] = {
        { &rd_none, "(c) shared code, level 9 tokens, no references", 9 },
        { &rd_skel, "(c) shared code + references: JSON keys", 9 },
        { &rd_terms, "(c) shared code + refs: keys, whole types and 100 kw", 9 },
    };
    z_stream    z;
    srec_t    **sr;
    shared_t    sc;
    freq_t      f;
    int32_t     last_abs[512];
    uint32_t    doc[LIMIT], j, d, start;
    unsigned    k;
    int         i, t;
    size_t      n, stored;
    double      stored_sum, nstored;

    for (k = 0; k < sizeof(m) / sizeof(m[0]); k++) {
        memset(&z, 0, sizeof(z));
        deflateInit2(&z, m[k].level, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
        sr = xcalloc(ndocs, sizeof(srec_t *));

        /* training: 2,000 pages of 20 consecutive public docnos (what the
         * loader can simulate), not the pages measured */
        memset(&f, 0, sizeof(f));
        rng = 12345;
        for (t = 0; t < 2000; t++) {
            start = (uint32_t) (next_rand() % (all_list.n - LIMIT));
            for (j = 0; j < LIMIT; j++) {
                d = RESOURCES_DOCNO(resources_get_u32(all_list.post
                                                      + (start + j) * 4));
                record_cache(d);
                if (sr[d] == NULL) {
                    sr[d] = srec_make(&z, m[k].rd, d);
                }
                doc[j] = d;
            }
            count_page(&f, m[k].rd, sr, doc, LIMIT, 45, last_abs);
        }

        shared_make(&sc, &f);

        stored_sum = 0;
        nstored = 0;
        for (i = 0; i < npages; i++) {
            for (j = 0; j < pages[i].n; j++) {
                d = pages[i].doc[j];
                if (sr[d] == NULL) {
                    sr[d] = srec_make(&z, m[k].rd, d);
                }
            }
        }

        for (d = 0; d < ndocs; d++) {
            if (sr[d]) {
                srec_encode(sr[d], &sc);
                stored = srec_stored_bytes(sr[d], 8);
                stored_sum += stored;
                nstored++;
            }
        }

        for (i = 0; i < npages; i++) {
            n = assemble_shared(&pages[i], m[k].rd, sr, &sc, out_buf,
                                      last_abs);
            record_size(m[k].name, i, n);
            check_gzip(out_buf, n, &pages[i], m[k].name);
            write_sample(k == 0 ? "shared.gz" : "shared-refs.gz", i, out_buf,
                         n);
        }

        printf("%s: code header %u bits; %d dictionary strings (%zu B);"
               " stored a record %.1f B (bit strings + 8 B a reference)"
               " over %.0f records\n", m[k].name, sc.hdr_bits, m[k].rd->n,
               m[k].rd->dict_len, stored_sum / nstored, nstored);

        /* keep the last one for the timing */
        if (k + 1 < sizeof(m) / sizeof(m[0])) {
            for (d = 0; d < ndocs; d++) {
                if (sr[d]) {
                    free(sr[d]->t); free(sr[d]->refk); free(sr[d]->refj);
                    free(sr[d]->last); free(sr[d]->bits);
                    free(sr[d]->seg_bits); free(sr[d]->seg_off);
                    free(sr[d]->seg_ref); free(sr[d]->seg_pos);
                    free(sr[d]);
                }
            }
            free(sr);
        }
        deflateEnd(&z);
    }
}


/* ------------------------------------------------------------------------ */
/* (d) zstd: a frame per record */

typedef struct {
    u_char     *p;                      /* the record's blocks, the last one
                                           not marked last */
    uint32_t    n;
    uint32_t    last_hdr;               /* offset of its last block header */
    u_char      wd;                     /* its window descriptor */
} zpiece_t;


static size_t
zstd_frame_blocks(const u_char *f, size_t n, u_char *wd, uint32_t *last_hdr)
{
    size_t    pos;
    uint32_t  h, bs;

    if (n < 6 || f[0] != 0x28 || f[1] != 0xb5 || f[2] != 0x2f || f[3] != 0xfd
        || f[4] != 0x00)
    {
        die("an unexpected zstd frame header");
    }

    *wd = f[5];

    for (pos = 6; ; ) {
        h = f[pos] | f[pos + 1] << 8 | (uint32_t) f[pos + 2] << 16;
        bs = h >> 3;
        *last_hdr = (uint32_t) (pos - 6);
        pos += 3 + (((h >> 1) & 3) == 1 ? 1 : bs);
        if (h & 1) {
            break;
        }
    }

    if (pos != n) {
        die("a zstd frame with a checksum or trailing bytes");
    }

    return 6;
}


static u_char *
zstd_raw_block(u_char *o, const void *data, size_t n, int last)
{
    uint32_t  h = (uint32_t) (n << 3) | (uint32_t) last;  /* type 0: raw */

    o[0] = (u_char) h;
    o[1] = (u_char) (h >> 8);
    o[2] = (u_char) (h >> 16);
    memcpy(o + 3, data, n);

    return o + 3 + n;
}


static u_char *
zstd_frame_header(u_char *o, u_char wd)
{
    o[0] = 0x28; o[1] = 0xb5; o[2] = 0x2f; o[3] = 0xfd;
    o[4] = 0x00;                        /* no content size, no checksum */
    o[5] = wd;

    return o + 6;
}


/*
 * frame 0: the envelope as a raw block; frame i: record i's blocks, then
 * "," (the last frame: "]}\n") as a raw block, the frame's last.  Each
 * record starts its own frame, as it was compressed: its first block's
 * repeat offsets, and references into a dictionary, stay valid.
 */

static size_t
assemble_zstd(const page_t *pg, zpiece_t **zp, u_char *out)
{
    u_char    *o = out;
    uint32_t   i;

    o = zstd_frame_header(o, 0x50);
    o = zstd_raw_block(o, pg->env, pg->env_len, pg->n > 0);

    if (pg->n == 0) {
        return (size_t) (zstd_raw_block(o, closing, 3, 1) - out);
    }

    for (i = 0; i < pg->n; i++) {
        o = zstd_frame_header(o, zp[i]->wd);
        memcpy(o, zp[i]->p, zp[i]->n);
        o += zp[i]->n;
        o = i + 1 < pg->n ? zstd_raw_block(o, ",", 1, 1)
                          : zstd_raw_block(o, closing, 3, 1);
    }

    return (size_t) (o - out);
}


static zpiece_t *
zpiece_make(ZSTD_CCtx *cc, uint32_t d)
{
    zpiece_t  *z = xmalloc(sizeof(zpiece_t));
    size_t     n, h;

    n = ZSTD_compress2(cc, out_buf, BUFCAP, rtext[d], rlen[d]);

    if (ZSTD_isError(n)) {
        die("zstd");
    }

    h = zstd_frame_blocks(out_buf, n, &z->wd, &z->last_hdr);
    z->n = (uint32_t) (n - h);
    z->p = xmalloc(z->n);
    memcpy(z->p, out_buf + h, z->n);
    z->p[z->last_hdr] &= (u_char) ~1;

    return z;
}


static ZSTD_DDict  *zdict_d;
static const u_char *zdict_raw;
static size_t       zdict_len;


static void
zstd_sizes(void)
{
    static const int   lv[] = { 1, 3, 19 };
    static char        names[8][80];
    ZSTD_CCtx         *cc = ZSTD_createCCtx();
    zpiece_t         **all, *zp[LIMIT];
    unsigned           k;
    int                i, withdict;
    uint32_t           j, d;
    size_t             n;

    for (withdict = 0; withdict < 2; withdict++) {
        for (k = 0; k < 3; k++) {
            ZSTD_CCtx_reset(cc, ZSTD_reset_session_and_parameters);
            ZSTD_CCtx_loadDictionary(cc, NULL, 0);
            ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, lv[k]);
            ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 0);
            ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 0);
            ZSTD_CCtx_setParameter(cc, ZSTD_c_dictIDFlag, 0);
            ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, 15);

            if (withdict) {
                ZSTD_CCtx_loadDictionary(cc, zdict_raw, zdict_len);
                snprintf(names[withdict * 3 + k], 80, "(d) zstd frames,"
                         " level %d, raw %zu KiB dictionary, dcz *",
                         lv[k], zdict_len / 1024);
            } else {
                snprintf(names[withdict * 3 + k], 80, "(d) zstd frames per"
                         " record, level %d", lv[k]);
            }

            all = xcalloc(ndocs, sizeof(zpiece_t *));

            for (i = 0; i < npages; i++) {
                for (j = 0; j < pages[i].n; j++) {
                    d = pages[i].doc[j];
                    if (all[d] == NULL) {
                        all[d] = zpiece_make(cc, d);
                    }
                    zp[j] = all[d];
                }

                if (withdict) {
                    /* dcz: a skippable frame of the dictionary's SHA-256 */
                    static const u_char  dcz[8] = { 0x5e, 0x2a, 0x4d, 0x18,
                                                    32, 0, 0, 0 };
                    memcpy(out_buf, dcz, 8);
                    memset(out_buf + 8, 0, 32);
                    n = 40 + assemble_zstd(&pages[i], zp, out_buf + 40);
                } else {
                    n = assemble_zstd(&pages[i], zp, out_buf);
                }
                record_size(names[withdict * 3 + k], i, n);
                check_zstd(out_buf, n, &pages[i], names[withdict * 3 + k],
                           withdict ? zdict_d : NULL);
                if (!withdict && k == 0) {
                    write_sample("frames.zst", i, out_buf, n);
                }
            }

            for (d = 0; d < ndocs; d++) {
                if (all[d]) {
                    free(all[d]->p);
                    free(all[d]);
                }
            }
            free(all);
        }
    }

    ZSTD_freeCCtx(cc);
}


/* a sample of list forms, as a dictionary (zstd's trainer, else raw) */

static void
dicts_make(void)
{
    size_t     cap = 8 << 20, used = 0, *sizes, n, r;
    u_char    *samples = xmalloc(cap);
    uint32_t   i, d, ns = 0;

    sizes = xmalloc(20000 * sizeof(size_t));
    rng = 777;

    for (i = 0; i < 20000; i++) {
        d = (uint32_t) (next_rand() % ndocs);
        n = record_into(d, samples + used);
        if (used + n + 65536 > cap) {
            break;
        }
        sizes[ns++] = n;
        used += n;
    }

    sample_dict = xmalloc(65536);
    r = ZDICT_trainFromBuffer(sample_dict, 65536, samples, sizes, ns);

    if (ZDICT_isError(r) || r < 32768) {
        /* the last 64 KiB of the samples */
        memcpy(sample_dict, samples + used - 65536, 65536);
        r = 65536;
    }

    sample_dict_len = r;

    /* dcz (RFC 9842) takes a raw dictionary: the trainer's content, without
     * its header (magic, id, entropy tables) */
    n = ZDICT_getDictHeaderSize(sample_dict, r);
    if (ZDICT_isError(n)) {
        n = 0;
    }
    zdict_raw = sample_dict + n;
    zdict_len = r - n;
    zdict_d = ZSTD_createDDict(zdict_raw, zdict_len);
    printf("dictionary: %zu bytes, zstd's trainer on %u list forms (raw"
           " content: %zu bytes)\n", r, ns, zdict_len);
    free(samples);
    free(sizes);
}


/* ------------------------------------------------------------------------ */
/* speed */

static z_stream                        t_z1;
static struct libdeflate_compressor   *t_ld1;
static ZSTD_CCtx                      *t_zs;
static piece_t                       **t_pieces;
static srec_t                        **t_sr, **t_sr0;
static shared_t                        t_sc, t_sc0;


__attribute__((noinline)) static size_t
bench_zlib1(const page_t *pg)
{
    return zlib_whole(&t_z1, pg->body, pg->body_len, out_buf, BUFCAP);
}


__attribute__((noinline)) static size_t
bench_zlib1_init(const page_t *pg)
{
    /* as nginx's gzip filter: a stream set up and ended per answer (its
     * window and memory level made smaller for a small Content-Length) */
    z_stream  z;
    size_t    n;

    memset(&z, 0, sizeof(z));
    deflateInit2(&z, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    z.next_in = pg->body;
    z.avail_in = (uInt) pg->body_len;
    z.next_out = out_buf;
    z.avail_out = BUFCAP;
    deflate(&z, Z_FINISH);
    n = BUFCAP - z.avail_out;
    deflateEnd(&z);

    return n;
}


__attribute__((noinline)) static size_t
bench_libdeflate1(const page_t *pg)
{
    return libdeflate_gzip_compress(t_ld1, pg->body, pg->body_len, out_buf,
                                    BUFCAP);
}


__attribute__((noinline)) static size_t
bench_zstd1(const page_t *pg)
{
    return ZSTD_compressCCtx(t_zs, out_buf, BUFCAP, pg->body, pg->body_len,
                             1);
}


#define PIECES_METHOD(name, mode)                                         \
__attribute__((noinline)) static size_t                                      \
name(const page_t *pg)                                                       \
{                                                                            \
    piece_t  *pc[LIMIT];                                                     \
                                                                             \
    page_pieces(pg, t_pieces, pc);                                           \
    return assemble_aligned(pg, pc, out_buf, mode);                    \
}

PIECES_METHOD(bench_pieces_op, CRC_OP)
PIECES_METHOD(bench_pieces_combine, CRC_COMBINE)
PIECES_METHOD(bench_pieces_crc_zlib, CRC_ZLIB)
PIECES_METHOD(bench_pieces_clmul, CRC_CLMUL)
PIECES_METHOD(bench_pieces_crc_libdeflate, CRC_LIBDEFLATE)


__attribute__((noinline)) static size_t
bench_identity(const page_t *pg)
{
    /* the identity answer's copies, for scale */
    u_char    *o = out_buf;
    uint32_t   i;

    memcpy(o, pg->env, pg->env_len);
    o += pg->env_len;

    for (i = 0; i < pg->n; i++) {
        if (i) {
            *o++ = ',';
        }
        memcpy(o, rtext[pg->doc[i]], rlen[pg->doc[i]]);
        o += rlen[pg->doc[i]];
    }

    memcpy(o, closing, 3);

    return (size_t) (o + 3 - out_buf);
}


__attribute__((noinline)) static size_t
bench_crc_libdeflate(const page_t *pg)
{
    return libdeflate_crc32(0, pg->body, pg->body_len);
}


static int32_t  t_last[512];

__attribute__((noinline)) static size_t
bench_shared_refs(const page_t *pg)
{
    return assemble_shared(pg, &rd_skel, t_sr, &t_sc, out_buf,
                                 t_last);
}


__attribute__((noinline)) static size_t
bench_shared(const page_t *pg)
{
    return assemble_shared(pg, &rd_none, t_sr0, &t_sc0, out_buf,
                                 t_last);
}


typedef size_t (*method_t)(const page_t *);

static const struct {
    const char  *name;
    method_t     f;
} methods[] = {
    { "identity", bench_identity },
    { "zlib1", bench_zlib1 },
    { "zlib1_init", bench_zlib1_init },
    { "libdeflate1", bench_libdeflate1 },
    { "zstd1", bench_zstd1 },
    { "pieces_op", bench_pieces_op },
    { "pieces_clmul", bench_pieces_clmul },
    { "pieces_combine", bench_pieces_combine },
    { "pieces_crc_zlib", bench_pieces_crc_zlib },
    { "pieces_crc_libdeflate", bench_pieces_crc_libdeflate },
    { "crc_libdeflate", bench_crc_libdeflate },
    { "shared", bench_shared },
    { "shared_refs", bench_shared_refs },
};
#define NMETHODS  (sizeof(methods) / sizeof(methods[0]))


/* the loader's work for the shared code: tokens, training, bits */

static void
shared_setup(const refdict_t *rd, srec_t ***srp, shared_t *sc)
{
    z_stream   z;
    freq_t     f;
    srec_t   **sr;
    uint32_t   doc[LIMIT], start, i, j, d;
    int        p;

    memset(&z, 0, sizeof(z));
    deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
    sr = xcalloc(ndocs, sizeof(srec_t *));
    memset(&f, 0, sizeof(f));
    rng = 12345;

    for (p = 0; p < 2000; p++) {
        start = (uint32_t) (next_rand() % (all_list.n - LIMIT));
        for (j = 0; j < LIMIT; j++) {
            d = RESOURCES_DOCNO(resources_get_u32(all_list.post
                                                  + (start + j) * 4));
            record_cache(d);
            if (sr[d] == NULL) {
                sr[d] = srec_make(&z, rd, d);
            }
            doc[j] = d;
        }
        count_page(&f, rd, sr, doc, LIMIT, 45, t_last);
    }

    shared_make(sc, &f);

    for (p = 0; p < npages; p++) {
        for (i = 0; i < pages[p].n; i++) {
            d = pages[p].doc[i];
            if (sr[d] == NULL) {
                sr[d] = srec_make(&z, rd, d);
            }
        }
    }

    for (d = 0; d < ndocs; d++) {
        if (sr[d]) {
            srec_encode(sr[d], sc);
        }
    }

    deflateEnd(&z);
    *srp = sr;
}


static void
speed_setup(int need_shared)
{
    z_stream  z;
    int       p;
    size_t    n;

    memset(&t_z1, 0, sizeof(t_z1));
    deflateInit2(&t_z1, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    t_ld1 = libdeflate_alloc_compressor(1);
    t_zs = ZSTD_createCCtx();

    memset(&z, 0, sizeof(z));
    deflateInit2(&z, 6, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
    t_pieces = pieces_make(&z, NULL, 0);
    deflateEnd(&z);

    if (need_shared & 1) {
        shared_setup(&rd_none, &t_sr0, &t_sc0);
        for (p = 0; p < npages; p++) {
            n = assemble_shared(&pages[p], &rd_none, t_sr0, &t_sc0, out_buf,
                                t_last);
            check_gzip(out_buf, n, &pages[p], "shared (timed)");
        }
    }

    if (need_shared & 2) {
        shared_setup(&rd_skel, &t_sr, &t_sc);
        for (p = 0; p < npages; p++) {
            n = assemble_shared(&pages[p], &rd_skel, t_sr, &t_sc, out_buf,
                                t_last);
            check_gzip(out_buf, n, &pages[p], "shared_refs (timed)");
        }
    }

    for (p = 0; p < 1000; p++) {
        uint32_t  a = (uint32_t) next_rand(), b = (uint32_t) next_rand(),
                  op = (uint32_t) crc32_combine_gen((z_off_t) (p + 1) * 37);
        if (combine_clmul(a, b, op) != (uint32_t) crc32_combine_op(a, b, op)) {
            die("combine_clmul differs from crc32_combine_op");
        }
    }
}


static void
speed(int reps)
{
    double   *t = xmalloc(reps * sizeof(double)), t0, bytes = 0, us, q;
    unsigned  m;
    int       r, i, qi;
    size_t    sink = 0;

    for (i = 0; i < npages; i++) {
        bytes += pages[i].body_len;
    }

    printf("\nspeed over the %d pages (%.0f bytes a body on average), %d"
           " rounds: median (min); and kw=QPV (%zu bytes) alone, 200 a round\n",
           npages, bytes / npages, reps, pages[0].body_len);
    printf("%-22s %16s %10s %16s\n", "method", "us/body", "MB/s",
           "us kw=QPV");

    for (m = 0; m < NMETHODS; m++) {
        double  mn, qmn;

        for (r = 0; r < reps; r++) {
            t0 = now();
            for (i = 0; i < npages; i++) {
                sink += methods[m].f(&pages[i]);
            }
            t[r] = now() - t0;
        }
        us = median(t, reps) * 1e6 / npages;
        mn = t[0] * 1e6 / npages;

        for (r = 0; r < reps; r++) {
            t0 = now();
            for (qi = 0; qi < 200; qi++) {
                sink += methods[m].f(&pages[0]);
            }
            t[r] = now() - t0;
        }
        q = median(t, reps) * 1e6 / 200;
        qmn = t[0] * 1e6 / 200;

        printf("%-22s %8.2f (%5.2f) %10.1f %8.2f (%5.2f)\n", methods[m].name,
               us, mn, bytes / npages / us, q, qmn);
    }

    if (sink == 42) {
        printf(" ");
    }

    free(t);
}


/* ------------------------------------------------------------------------ */
/* what pieces add to the snapshot and to the load: every record */

static void
all_records(void)
{
    static const struct {
        int          level, wbits, memlevel;
        const char  *name;
    } m[] = {
        { 1, 15, 9, "deflate piece, level 1" },
        { 6, 15, 9, "deflate piece, level 6" },
        { 9, 15, 9, "deflate piece, level 9" },
        { 6, 15, 8, "deflate piece, level 6, memLevel 8" },
        { 6, 12, 4, "deflate piece, level 6, window 4 KiB, memLevel 4" },
    };
    static const int   zl[] = { 1, 3, 19 };
    u_char    *buf = xmalloc(RESOURCES_RECORD_MAX + 8);
    z_stream   z;
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    double     raw = 0, bytes, t0, t1;
    uint32_t   d;
    size_t     n;
    unsigned   k;

    printf("\nevery record of the snapshot (%u), compressed alone:"
           " one thread\n", ndocs);
    printf("%-48s %10s %8s %9s %8s\n", "piece", "MB", "B/rec", "CPU s",
           "MB/s in");

    for (d = 0; d < ndocs; d++) {
        raw += record_into(d, buf);
    }

    printf("%-48s %10.1f %8.1f\n", "list forms, raw (with \"}\")", raw / 1e6,
           raw / ndocs);

    for (k = 0; k < sizeof(m) / sizeof(m[0]); k++) {
        memset(&z, 0, sizeof(z));
        deflateInit2(&z, m[k].level, Z_DEFLATED, -m[k].wbits, m[k].memlevel,
                     Z_DEFAULT_STRATEGY);
        bytes = 0;
        t0 = now();
        for (d = 0; d < ndocs; d++) {
            n = record_into(d, buf);
            bytes += deflate_piece(&z, NULL, 0, buf, n, out_buf, BUFCAP,
                                   NULL);
            (void) crc32(0, buf, (uInt) n);
            (void) crc32_combine_gen((z_off_t) n);
        }
        t1 = now();
        printf("%-48s %10.1f %8.1f %9.2f %8.1f\n", m[k].name, bytes / 1e6,
               bytes / ndocs, t1 - t0, raw / 1e6 / (t1 - t0));
        deflateEnd(&z);
    }

    for (k = 0; k < 3; k++) {
        ZSTD_CCtx_reset(cc, ZSTD_reset_session_and_parameters);
        ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, zl[k]);
        ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 0);
        ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 0);
        ZSTD_CCtx_setParameter(cc, ZSTD_c_dictIDFlag, 0);
        ZSTD_CCtx_setParameter(cc, ZSTD_c_windowLog, 15);
        bytes = 0;
        t0 = now();
        for (d = 0; d < ndocs; d++) {
            n = record_into(d, buf);
            bytes += ZSTD_compress2(cc, out_buf, BUFCAP, buf, n) - 6;
        }
        t1 = now();
        printf("zstd blocks, level %-29d %10.1f %8.1f %9.2f %8.1f\n", zl[k],
               bytes / 1e6, bytes / ndocs, t1 - t0, raw / 1e6 / (t1 - t0));
    }

    /* the shared code: tokens at level 9, bits under the code of the
     * references run (rd_terms), a sample of every 10th record */
    {
        z_stream   zz;
        srec_t    *r;
        double     sb = 0, ns = 0, refs = 0;

        if (t_sr == NULL) {
            speed_setup(3);
        }
        memset(&zz, 0, sizeof(zz));
        deflateInit2(&zz, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
        t0 = now();
        for (d = 0; d < ndocs; d += 10) {
            record_cache(d);
            r = srec_make(&zz, &rd_skel, d);
            srec_encode(r, &t_sc);
            sb += r->seg_off[r->nseg];
            refs += r->nseg - 1;
            ns++;
            free(r->t); free(r->refk); free(r->refj); free(r->last);
            free(r->bits); free(r->seg_bits); free(r->seg_off);
            free(r->seg_ref); free(r->seg_pos); free(r);
            free(rtext[d]);
            rtext[d] = NULL;
        }
        t1 = now();
        printf("shared code + references (1 in 10): bit strings %.1f B a"
               " record, %.1f references a record; %.2f s for %.0f records"
               " (tokens at level 9, decoded, coded)\n", sb / ns, refs / ns,
               t1 - t0, ns);
        deflateEnd(&zz);
    }

    ZSTD_freeCCtx(cc);
    free(buf);
}


/* ------------------------------------------------------------------------ */

int
main(int argc, char **argv)
{
    int          c, want = 400, reps = 0, everything = 0, rounds = 20, i, r;
    uint64_t     seed = 1;
    const char  *method = NULL;
    unsigned     m;
    size_t       sink = 0;

    while ((c = getopt(argc, argv, "p:s:at:w:m:r:")) != -1) {
        switch (c) {
        case 'p': want = atoi(optarg); break;
        case 's': seed = strtoull(optarg, NULL, 10); break;
        case 'a': everything = 1; break;
        case 't': reps = atoi(optarg); break;
        case 'w': write_dir = optarg; break;
        case 'm': method = optarg; break;
        case 'r': rounds = atoi(optarg); break;
        default:
            die("usage: gzip_pieces [-p PAGES] [-s SEED] [-a] [-t REPS]"
                " [-w DIR] [-m METHOD [-r ROUNDS]] SNAPSHOT.mdb");
        }
    }

    if (optind + 1 != argc || want < 1 || want > MAXPAGES) {
        die("usage: gzip_pieces [options] SNAPSHOT.mdb");
    }

    out_buf = xmalloc(BUFCAP + 64);
    chk_buf = xmalloc(BUFCAP);
    tok_buf = xmalloc(BUFCAP);
    gz6 = xcalloc(MAXPAGES, sizeof(double));
    tables_make();

    crc_comma = (uint32_t) crc32(0, (const Bytef *) ",", 1);
    op_comma = (uint32_t) crc32_combine_gen(1);
    crc_closing = (uint32_t) crc32(0, (const Bytef *) closing, 3);
    op_closing = (uint32_t) crc32_combine_gen(3);

    snapshot_open(argv[optind]);
    pages_make(want, seed);
    refdicts_make();

    for (i = 0; i < npages; i++) {
        raw_total += pages[i].body_len;
    }

    if (method) {
        for (m = 0; m < NMETHODS; m++) {
            if (strcmp(methods[m].name, method) == 0) {
                break;
            }
        }
        if (m == NMETHODS) {
            die("no such method");
        }
        speed_setup(strcmp(method, "shared") == 0 ? 1
                    : strcmp(method, "shared_refs") == 0 ? 2 : 0);
        for (r = 0; r < rounds; r++) {
            for (i = 0; i < npages; i++) {
                sink += methods[m].f(&pages[i]);
            }
        }
        printf("%s: %d rounds of %d pages (%.0f bytes a body), %zu\n",
               method, rounds, npages, raw_total / npages, sink);
        return 0;
    }

    printf("snapshot %s: %u records; %d pages (seed %llu), %.0f bytes a"
           " body on average; kw=QPV: total %u, %zu bytes\n", argv[optind],
           ndocs, npages, (unsigned long long) seed, raw_total / npages,
           pages[0].total, pages[0].body_len);

    for (i = 0; i < npages && i < 6; i++) {
        printf("page %d: %s, total %u, %zu bytes\n", i, pages[i].what,
               pages[i].total, pages[i].body_len);
    }

    whole_sizes();
    pieces_sizes();
    dicts_make();
    dict_sizes();
    shared_sizes();
    zstd_sizes();
    print_results();
    printf("(* : not valid for a decoder without the dictionary in its"
           " window)\nkw=QPV page: gzip -6 %.0f bytes\n", gz6[0]);
    for (i = 0; i < nres; i++) {
        printf("  kw=QPV %-56s %6.0f (%.3f)\n", res[i].name,
               res[i].ratio[0] * gz6[0], res[i].ratio[0]);
    }
    printf("checked %ld streams, %ld failed\n", checked, check_failed);

    if (reps) {
        speed_setup(3);
        speed(reps);
    }

    if (everything) {
        all_records();
    }

    return check_failed ? 1 : 0;
}
