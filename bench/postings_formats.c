/*
 * bench/postings_formats.c: what the word postings of a snapshot would take,
 * and cost, in other formats (issue #23; docs/format.md).
 *
 *   make bench-postings
 *   taskset -c 1 build/bench/postings_formats SNAPSHOT.mdb [REPEAT]
 *
 * Reads a snapshot of schema 2 read-only (LMDB, as the module does), takes
 * every posting of database "post" and prints:
 *
 *   1. what "post" holds today, by part and kind (lists, bitmaps, field
 *      bitmaps, prefix unions, facets, pair counts), and the pages LMDB
 *      gives it;
 *   2. the words' lists (parts p and x, kind w) encoded as:
 *        u32        today: docno << 2 | field, 4 bytes an entry
 *        roaring    CRoaring, run-optimised, portable and frozen sizes, of
 *                   the docnos alone; the field kept as two more bitmaps
 *                   (hi, lo bits), or as 2 bits an entry in list order, or
 *                   inside the value (docno << 2 | field) as one bitmap
 *        varint     blocks of 128 docno gaps, LEB128, a skip entry (last
 *                   docno, offset: 8 bytes) a block, fields 2 bits apart
 *        svb        the same blocks in StreamVByte (delta), 2 bits a field
 *        bp128      the same blocks bit-packed (a width byte, 128 gaps of
 *                   that width), the last partial block in varint, as
 *                   Lucene's postings do
 *      and the same for the lists of the frequent words, which have
 *      bitmaps today;
 *   3. the time (ns, median of REPEAT runs, default 7) of what the module
 *      does with lists: intersect a rare and a frequent word, two
 *      mid-frequency words, union the words of a prefix into a docno
 *      bitmap, count a posting inside a result bitmap, decode a list;
 *      each in u32 (the project's own resources_intersect(),
 *      resources_bits_count_posting()), roaring (from frozen views, their
 *      making included), varint and svb blocks (skips used), and flat
 *      bitmaps as today's module uses them for a word of ndocs/64 or
 *      more (bitmap: a rare list tested in a bitmap, two bitmaps ANDed,
 *      ORed, counted with resources_bits_and_count()).
 *
 * Links the project's build/obj/resources_postings.o (make loader first)
 * and Debian's libroaring-dev and libstreamvbyte-dev.  Changes nothing.
 *
 * BSD 2-Clause, like the project.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lmdb.h>
#include <roaring/roaring.h>
#include <streamvbyte.h>
#include <streamvbytedelta.h>

#include "resources_store.h"
#include "resources_postings.h"


#define BLOCK  128


typedef struct {
    u_char     key[RESOURCES_KEY_MAX + 2];
    size_t     klen;
    uint32_t  *e;              /* entries, docno << 2 | field */
    uint32_t   n;
} list_t;


typedef struct {
    size_t     lists;
    size_t     entries;
    size_t     u32;
    size_t     rr_doc;         /* roaring portable, docnos */
    size_t     rr_doc_frozen;
    size_t     rr_hilo;        /* + hi and lo bitmaps, portable */
    size_t     rr_entry;       /* docno << 2 | field as one bitmap */
    size_t     varint;
    size_t     svb;
    size_t     bp;
    size_t     fields;         /* 2 bits an entry */
    size_t     skips;
} sizes_t;


static list_t   *lists;
static size_t    nlists, caplists;
static uint32_t  ndocs;


static void *
xmalloc(size_t n)
{
    void  *p = malloc(n ? n : 1);

    if (p == NULL) {
        perror("postings_formats: malloc");
        exit(1);
    }

    return p;
}


static double
now_ns(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}


static int
dbl_cmp(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}


/* --- encoders ------------------------------------------------------------ */

static size_t
varint_put(u_char *out, uint32_t v)
{
    size_t  n = 0;

    while (v >= 0x80) {
        out[n++] = (u_char) (v | 0x80);
        v >>= 7;
    }

    out[n++] = (u_char) v;
    return n;
}


static size_t
varint_size(uint32_t v)
{
    return v < (1u << 7) ? 1 : v < (1u << 14) ? 2 : v < (1u << 21) ? 3
           : v < (1u << 28) ? 4 : 5;
}


/*
 * A block-coded list: docnos in blocks of 128 gaps (the first gap from the
 * previous block's last docno, or from 0), a skip entry per block (the
 * block's last docno and its offset), the fields apart.
 */

typedef struct {
    uint32_t   n;
    uint32_t   nblocks;
    uint32_t  *last;           /* last docno of each block */
    uint32_t  *off;            /* offset of each block in data */
    u_char    *data;
    size_t     size;
} blocks_t;


static void
blocks_encode(blocks_t *b, const uint32_t *doc, uint32_t n, int svb)
{
    uint32_t  i, k, prev = 0, gaps[BLOCK];
    size_t    pos = 0;

    b->n = n;
    b->nblocks = (n + BLOCK - 1) / BLOCK;
    b->last = xmalloc(b->nblocks * sizeof(uint32_t));
    b->off = xmalloc(b->nblocks * sizeof(uint32_t));
    b->data = xmalloc((size_t) n * 5 + b->nblocks * 40 + 64);

    for (k = 0; k < b->nblocks; k++) {
        uint32_t  m = n - k * BLOCK < BLOCK ? n - k * BLOCK : BLOCK;

        b->off[k] = (uint32_t) pos;

        if (svb) {
            pos += streamvbyte_delta_encode(doc + k * BLOCK, m,
                                            b->data + pos, prev);

        } else {
            for (i = 0; i < m; i++) {
                gaps[i] = doc[k * BLOCK + i] - (i ? doc[k * BLOCK + i - 1]
                                                  : prev);
                pos += varint_put(b->data + pos, gaps[i]);
            }
        }

        prev = doc[k * BLOCK + m - 1];
        b->last[k] = prev;
    }

    b->size = pos;
}


static void
blocks_free(blocks_t *b)
{
    free(b->last);
    free(b->off);
    free(b->data);
}


/* decodes block k into out; returns its length */

static uint32_t
block_decode(const blocks_t *b, uint32_t k, uint32_t *out, int svb)
{
    uint32_t       m = b->n - k * BLOCK < BLOCK ? b->n - k * BLOCK : BLOCK;
    uint32_t       prev = k ? b->last[k - 1] : 0, i, v, s;
    const u_char  *p = b->data + b->off[k];

    if (svb) {
        streamvbyte_delta_decode(p, out, m, prev);
        return m;
    }

    for (i = 0; i < m; i++) {
        v = *p & 0x7f;
        s = 7;
        while (*p++ & 0x80) {
            v |= (uint32_t) (*p & 0x7f) << s;
            s += 7;
        }
        prev += v;
        out[i] = prev;
    }

    return m;
}


/* bits needed for v */

static uint32_t
bits_of(uint32_t v)
{
    return v ? 32 - (uint32_t) __builtin_clz(v) : 0;
}


static size_t
bp_size(const uint32_t *doc, uint32_t n)
{
    uint32_t  k, i, m, w, prev = 0, gap;
    size_t    size = 0;

    for (k = 0; k * BLOCK < n; k++) {
        m = n - k * BLOCK < BLOCK ? n - k * BLOCK : BLOCK;

        if (m < BLOCK) {       /* the tail: varint */
            for (i = 0; i < m; i++) {
                gap = doc[k * BLOCK + i] - prev;
                prev = doc[k * BLOCK + i];
                size += varint_size(gap);
            }
            break;
        }

        for (w = 0, i = 0; i < m; i++) {
            gap = doc[k * BLOCK + i] - prev;
            prev = doc[k * BLOCK + i];
            if (bits_of(gap) > w) {
                w = bits_of(gap);
            }
        }

        size += 1 + (BLOCK * w + 7) / 8;
    }

    return size;
}


static void
sizes_add(sizes_t *s, const list_t *l, uint32_t *doc)
{
    uint32_t           i, nhi = 0, nlo = 0, *hi, *lo;
    roaring_bitmap_t  *r;
    blocks_t           b;

    for (i = 0; i < l->n; i++) {
        doc[i] = RESOURCES_DOCNO(l->e[i]);
    }

    s->lists++;
    s->entries += l->n;
    s->u32 += (size_t) l->n * 4;

    r = roaring_bitmap_of_ptr(l->n, doc);
    roaring_bitmap_run_optimize(r);
    s->rr_doc += roaring_bitmap_portable_size_in_bytes(r);
    s->rr_doc_frozen += roaring_bitmap_frozen_size_in_bytes(r);
    roaring_bitmap_free(r);

    hi = xmalloc((size_t) l->n * 4);
    lo = xmalloc((size_t) l->n * 4);
    for (i = 0; i < l->n; i++) {
        if (l->e[i] & 2) {
            hi[nhi++] = doc[i];
        }
        if (l->e[i] & 1) {
            lo[nlo++] = doc[i];
        }
    }

    r = roaring_bitmap_of_ptr(nhi, hi);
    roaring_bitmap_run_optimize(r);
    s->rr_hilo += roaring_bitmap_portable_size_in_bytes(r);
    roaring_bitmap_free(r);
    r = roaring_bitmap_of_ptr(nlo, lo);
    roaring_bitmap_run_optimize(r);
    s->rr_hilo += roaring_bitmap_portable_size_in_bytes(r);
    roaring_bitmap_free(r);
    free(hi);
    free(lo);

    r = roaring_bitmap_of_ptr(l->n, l->e);
    roaring_bitmap_run_optimize(r);
    s->rr_entry += roaring_bitmap_portable_size_in_bytes(r);
    roaring_bitmap_free(r);

    blocks_encode(&b, doc, l->n, 0);
    s->varint += b.size;
    blocks_free(&b);
    blocks_encode(&b, doc, l->n, 1);
    s->svb += b.size;
    blocks_free(&b);

    s->bp += bp_size(doc, l->n);
    s->fields += (l->n + 3) / 4;
    s->skips += l->n > BLOCK ? (size_t) ((l->n + BLOCK - 1) / BLOCK) * 8 : 0;
}


static void
sizes_print(const char *what, const sizes_t *s)
{
    double  mb = 1e6;

    printf("\n%s: %zu lists, %zu entries\n", what, s->lists, s->entries);
    printf("  %-44s %9.2f MB  %5.2f bytes/entry\n", "u32 (today)",
           s->u32 / mb, (double) s->u32 / s->entries);
    printf("  %-44s %9.2f MB  %5.2f\n", "roaring docnos, portable",
           s->rr_doc / mb, (double) s->rr_doc / s->entries);
    printf("  %-44s %9.2f MB  %5.2f\n", "roaring docnos, frozen",
           s->rr_doc_frozen / mb, (double) s->rr_doc_frozen / s->entries);
    printf("  %-44s %9.2f MB  %5.2f\n", "roaring docnos + hi + lo bitmaps",
           (s->rr_doc + s->rr_hilo) / mb,
           (double) (s->rr_doc + s->rr_hilo) / s->entries);
    printf("  %-44s %9.2f MB  %5.2f\n", "roaring docnos + 2-bit fields",
           (s->rr_doc + s->fields) / mb,
           (double) (s->rr_doc + s->fields) / s->entries);
    printf("  %-44s %9.2f MB  %5.2f\n", "roaring of docno << 2 | field",
           s->rr_entry / mb, (double) s->rr_entry / s->entries);
    printf("  %-44s %9.2f MB  %5.2f\n",
           "varint blocks + skips + 2-bit fields",
           (s->varint + s->skips + s->fields) / mb,
           (double) (s->varint + s->skips + s->fields) / s->entries);
    printf("  %-44s %9.2f MB  %5.2f\n",
           "streamvbyte blocks + skips + 2-bit fields",
           (s->svb + s->skips + s->fields) / mb,
           (double) (s->svb + s->skips + s->fields) / s->entries);
    printf("  %-44s %9.2f MB  %5.2f\n",
           "bit-packed 128 blocks + skips + 2-bit fields",
           (s->bp + s->skips + s->fields) / mb,
           (double) (s->bp + s->skips + s->fields) / s->entries);
    printf("  %-44s %9.2f MB  (docnos only: varint %.2f, svb %.2f,"
           " bp128 %.2f)\n", "  of which fields", s->fields / mb,
           s->varint / mb, s->svb / mb, s->bp / mb);
}


/* --- the snapshot ------------------------------------------------------ */

typedef struct {
    size_t  n;
    size_t  bytes;
} tally_t;


static void
read_snapshot(const char *path)
{
    int           rc;
    MDB_env      *env;
    MDB_txn      *txn;
    MDB_dbi       post, meta;
    MDB_cursor   *cur;
    MDB_val       k, v;
    MDB_stat      st;
    tally_t       t[256][256];
    int           a, b;
    const resources_header_t  *h;

    memset(t, 0, sizeof(t));

    if ((rc = mdb_env_create(&env)) != 0
        || (rc = mdb_env_set_maxdbs(env, RESOURCES_MAXDBS)) != 0
        || (rc = mdb_env_set_mapsize(env, (size_t) 1 << 40)) != 0
        || (rc = mdb_env_open(env, path, MDB_RDONLY | MDB_NOLOCK
                              | MDB_NOSUBDIR, 0644)) != 0
        || (rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0
        || (rc = mdb_dbi_open(txn, RESOURCES_DB_META, 0, &meta)) != 0
        || (rc = mdb_dbi_open(txn, RESOURCES_DB_POST, 0, &post)) != 0)
    {
        fprintf(stderr, "postings_formats: %s: %s\n", path, mdb_strerror(rc));
        exit(1);
    }

    k.mv_data = "header";
    k.mv_size = 6;
    if (mdb_get(txn, meta, &k, &v) != 0 || v.mv_size < sizeof(*h)) {
        fprintf(stderr, "postings_formats: %s: no header\n", path);
        exit(1);
    }

    h = v.mv_data;
    ndocs = resources_get_u32(&h->ndocs);

    mdb_cursor_open(txn, post, &cur);

    while (mdb_cursor_get(cur, &k, &v, MDB_NEXT) == 0) {
        const u_char  *key = k.mv_data;
        list_t        *l;

        a = key[0];
        b = k.mv_size > 1 ? key[1] : 0;
        t[a][b].n++;
        t[a][b].bytes += v.mv_size;

        if ((a != RESOURCES_PART_PUBLIC && a != RESOURCES_PART_PRIVATE)
            || b != RESOURCES_KIND_WORD || k.mv_size > sizeof(l->key) - 1)
        {
            continue;
        }

        if (nlists == caplists) {
            caplists = caplists ? 2 * caplists : 65536;
            lists = realloc(lists, caplists * sizeof(list_t));
            if (lists == NULL) {
                perror("postings_formats: realloc");
                exit(1);
            }
        }

        l = &lists[nlists++];
        memcpy(l->key, key, k.mv_size);
        l->key[k.mv_size] = '\0';
        l->klen = k.mv_size;
        l->n = (uint32_t) (v.mv_size / 4);
        l->e = xmalloc(v.mv_size);
        memcpy(l->e, v.mv_data, v.mv_size);
    }

    mdb_cursor_close(cur);
    mdb_stat(txn, post, &st);

    printf("snapshot %s: %u resources\n", path, ndocs);
    printf("\n\"post\" today: %zu leaf, %zu branch, %zu overflow pages"
           " of %u bytes: %.2f MB\n", st.ms_leaf_pages, st.ms_branch_pages,
           st.ms_overflow_pages, st.ms_psize,
           (double) (st.ms_leaf_pages + st.ms_branch_pages
                     + st.ms_overflow_pages) * st.ms_psize / 1e6);
    printf("  %-6s %-6s %9s %12s\n", "part", "kind", "values", "MB");

    for (a = 0; a < 256; a++) {
        for (b = 0; b < 256; b++) {
            if (t[a][b].n) {
                printf("  %-6c %-6c %9zu %12.2f\n", a, b ? b : '-',
                       t[a][b].n, t[a][b].bytes / 1e6);
            }
        }
    }

    /* the map stays open: nothing else reads it */
}


/* --- operations -------------------------------------------------------- */

typedef struct {
    const list_t      *l;
    uint32_t          *doc;            /* docnos, aligned */
    blocks_t           vb;             /* varint blocks */
    blocks_t           sb;             /* svb blocks */
    char              *frozen;         /* 32-byte aligned */
    size_t             frozen_len;
    uint64_t          *bits;           /* a flat bitmap, as today's "b" */
    int                frequent;       /* today's loader gives it one */
} enc_t;


static void
enc_make(enc_t *x, const list_t *l)
{
    uint32_t           i;
    roaring_bitmap_t  *r;

    x->l = l;
    x->doc = xmalloc((size_t) l->n * 4);
    for (i = 0; i < l->n; i++) {
        x->doc[i] = RESOURCES_DOCNO(l->e[i]);
    }

    blocks_encode(&x->vb, x->doc, l->n, 0);
    blocks_encode(&x->sb, x->doc, l->n, 1);

    r = roaring_bitmap_of_ptr(l->n, x->doc);
    roaring_bitmap_run_optimize(r);
    x->frozen_len = roaring_bitmap_frozen_size_in_bytes(r);
    if (posix_memalign((void **) &x->frozen, 32, x->frozen_len) != 0) {
        perror("postings_formats: posix_memalign");
        exit(1);
    }
    roaring_bitmap_frozen_serialize(r, x->frozen);
    roaring_bitmap_free(r);

    x->bits = calloc(RESOURCES_BITMAP_WORDS(ndocs), 8);
    if (x->bits == NULL) {
        perror("postings_formats: calloc");
        exit(1);
    }
    for (i = 0; i < l->n; i++) {
        x->bits[x->doc[i] >> 6] |= 1ULL << (x->doc[i] & 63);
    }
    x->frequent = ndocs >= RESOURCES_BITMAP_MIN && l->n >= ndocs / 64;
}


/* the docnos of a flat bitmap, or of the AND of two */

static size_t
bits_list(const uint64_t *a, const uint64_t *b, uint32_t *out)
{
    size_t    w, nw = RESOURCES_BITMAP_WORDS(ndocs), n = 0;
    uint64_t  x;

    for (w = 0; w < nw; w++) {
        x = b ? a[w] & b[w] : a[w];
        while (x) {
            out[n++] = (uint32_t) (w * 64 + __builtin_ctzll(x));
            x &= x - 1;
        }
    }

    return n;
}


/* the intersection of a short list with a long one, blocks and skips */

static size_t
blocks_intersect(const enc_t *s, const enc_t *lg, int svb, uint32_t *out)
{
    uint32_t  buf[BLOCK], i, j = 0, m = 0, k = 0, cur = (uint32_t) -1, d;
    size_t    n = 0;
    const blocks_t  *b = svb ? &lg->sb : &lg->vb;
    const blocks_t  *sb = svb ? &s->sb : &s->vb;
    uint32_t         sbuf[BLOCK], sk, sm;

    for (sk = 0; sk < sb->nblocks; sk++) {
        sm = block_decode(sb, sk, sbuf, svb);

        for (i = 0; i < sm; i++) {
            d = sbuf[i];

            /* the block of lg that may hold d: skips, galloping */
            if (k < b->nblocks && b->last[k] < d) {
                uint32_t  step = 1, lo = k, hi;

                while (lo + step < b->nblocks && b->last[lo + step] < d) {
                    lo += step;
                    step *= 2;
                }
                hi = lo + step < b->nblocks ? lo + step : b->nblocks;
                while (lo < hi) {
                    uint32_t  mid = lo + (hi - lo) / 2;
                    if (b->last[mid] < d) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                k = lo;
            }

            if (k == b->nblocks) {
                return n;
            }

            if (cur != k) {
                m = block_decode(b, k, buf, svb);
                cur = k;
                j = 0;
            }

            while (j < m && buf[j] < d) {
                j++;
            }

            if (j < m && buf[j] == d) {
                out[n++] = d;
            }
        }
    }

    return n;
}


static size_t
blocks_decode_all(const enc_t *x, int svb, uint32_t *out)
{
    const blocks_t  *b = svb ? &x->sb : &x->vb;
    uint32_t         k;
    size_t           n = 0;

    for (k = 0; k < b->nblocks; k++) {
        n += block_decode(b, k, out + n, svb);
    }

    return n;
}


/* the entries of a posting in a result bitmap */

static size_t
blocks_count_in(const enc_t *x, int svb, const uint64_t *bits,
    uint32_t *tmp)
{
    const blocks_t  *b = svb ? &x->sb : &x->vb;
    uint32_t         k, i, m;
    size_t           c = 0;

    for (k = 0; k < b->nblocks; k++) {
        m = block_decode(b, k, tmp, svb);
        for (i = 0; i < m; i++) {
            c += (bits[tmp[i] >> 6] >> (tmp[i] & 63)) & 1;
        }
    }

    return c;
}


#define NFMT  5

typedef struct {
    const char  *name;
    double       ns[NFMT];         /* u32, roaring, varint, svb, bitmap */
    size_t       result[NFMT];
} row_t;

static const char  *fmt_names[NFMT] = { "u32", "roaring", "varint", "svb",
                                        "bitmap" };

static row_t     rows[32];
static size_t    nrows;
static int       repeat = 7;


/* runs f(arg, fmt) enough times for 2 ms a sample, repeat samples */

typedef size_t (*op_pt)(void *arg, int fmt);

static void
measure(const char *name, op_pt op, void *arg)
{
    row_t   *r = &rows[nrows++];
    int      fmt, s;
    size_t   iters, i, res = 0;
    double   t0, t, samples[64];

    r->name = name;

    for (fmt = 0; fmt < NFMT; fmt++) {
        /* calibrate */
        iters = 1;
        for ( ;; ) {
            t0 = now_ns();
            for (i = 0; i < iters; i++) {
                res = op(arg, fmt);
            }
            t = now_ns() - t0;
            if (t > 2e6 || iters > (1u << 26)) {
                break;
            }
            iters *= 2;
        }

        for (s = 0; s < repeat; s++) {
            t0 = now_ns();
            for (i = 0; i < iters; i++) {
                res = op(arg, fmt);
            }
            samples[s] = (now_ns() - t0) / iters;
        }

        qsort(samples, repeat, sizeof(double), dbl_cmp);
        r->ns[fmt] = samples[repeat / 2];
        r->result[fmt] = res;
    }
}


/* the operations, each in the four formats */

typedef struct {
    enc_t     *a, *b;              /* a: the shorter */
    uint32_t  *out;
    uint32_t  *work;
} pair_t;


static size_t
op_intersect(void *arg, int fmt)
{
    pair_t               *p = arg;
    resources_posting_t   pl[2];
    size_t                n;

    switch (fmt) {
    case 0:
        pl[0].data = (const u_char *) p->a->l->e;
        pl[0].n = p->a->l->n;
        pl[0].scored = 0;
        pl[1].data = (const u_char *) p->b->l->e;
        pl[1].n = p->b->l->n;
        pl[1].scored = 0;
        return resources_intersect(pl, 2, 0, ndocs, p->out, NULL);

    case 1: {
        const roaring_bitmap_t  *x, *y;
        roaring_bitmap_t        *z;

        x = roaring_bitmap_frozen_view(p->a->frozen, p->a->frozen_len);
        y = roaring_bitmap_frozen_view(p->b->frozen, p->b->frozen_len);
        z = roaring_bitmap_and(x, y);
        n = roaring_bitmap_get_cardinality(z);
        roaring_bitmap_to_uint32_array(z, p->out);
        roaring_bitmap_free(z);
        roaring_bitmap_free((roaring_bitmap_t *) x);
        roaring_bitmap_free((roaring_bitmap_t *) y);
        return n;
    }

    case 4:
        /* today: a rare list tested in the bitmap, or two bitmaps ANDed */
        if (!p->a->frequent) {
            uint32_t  i, d;

            for (n = 0, i = 0; i < p->a->l->n; i++) {
                d = p->a->doc[i];
                if ((p->b->bits[d >> 6] >> (d & 63)) & 1) {
                    p->out[n++] = d;
                }
            }
            return n;
        }
        return bits_list(p->a->bits, p->b->bits, p->out);

    default:
        return blocks_intersect(p->a, p->b, fmt == 3, p->out);
    }
}


typedef struct {
    enc_t     *w;
    size_t     nw;
    uint64_t  *bits;
    uint32_t  *tmp;
    const char  *prefix;
} uni_t;


static size_t
op_union(void *arg, int fmt)
{
    uni_t    *u = arg;
    size_t    i, j, nwords = RESOURCES_BITMAP_WORDS(ndocs), c = 0;
    uint32_t  n;

    if (fmt == 1) {
        const roaring_bitmap_t  **v = (const roaring_bitmap_t **) u->tmp;
        roaring_bitmap_t         *z;

        for (i = 0; i < u->nw; i++) {
            v[i] = roaring_bitmap_frozen_view(u->w[i].frozen,
                                              u->w[i].frozen_len);
        }
        z = roaring_bitmap_or_many(u->nw, v);
        c = roaring_bitmap_get_cardinality(z);
        roaring_bitmap_free(z);
        for (i = 0; i < u->nw; i++) {
            roaring_bitmap_free((roaring_bitmap_t *) v[i]);
        }
        return c;
    }

    memset(u->bits, 0, nwords * 8);

    for (i = 0; i < u->nw; i++) {
        const uint32_t  *d;

        if (fmt == 4 && u->w[i].frequent) {
            const uint64_t  *b = u->w[i].bits;

            for (j = 0; j < nwords; j++) {
                u->bits[j] |= b[j];
            }
            continue;
        }

        if (fmt == 0 || fmt == 4) {
            const uint32_t  *e = u->w[i].l->e;

            for (j = 0; j < u->w[i].l->n; j++) {
                uint32_t  x = e[j] >> 2;
                u->bits[x >> 6] |= 1ULL << (x & 63);
            }
            continue;
        }

        n = (uint32_t) blocks_decode_all(&u->w[i], fmt == 3, u->tmp);
        d = u->tmp;
        for (j = 0; j < n; j++) {
            u->bits[d[j] >> 6] |= 1ULL << (d[j] & 63);
        }
    }

    for (i = 0; i < nwords; i++) {
        c += (size_t) __builtin_popcountll(u->bits[i]);
    }

    return c;
}


typedef struct {
    enc_t               *w;
    uint64_t            *bits;         /* the result */
    roaring_bitmap_t    *rbits;        /* the result as roaring */
    uint32_t            *tmp;
} cnt_t;


static size_t
op_count(void *arg, int fmt)
{
    cnt_t                *c = arg;
    resources_posting_t   p;

    switch (fmt) {
    case 0:
        p.data = (const u_char *) c->w->l->e;
        p.n = c->w->l->n;
        p.scored = 0;
        return resources_bits_count_posting(c->bits, ndocs, &p);

    case 1: {
        const roaring_bitmap_t  *x;
        size_t                   n;

        x = roaring_bitmap_frozen_view(c->w->frozen, c->w->frozen_len);
        n = roaring_bitmap_and_cardinality(x, c->rbits);
        roaring_bitmap_free((roaring_bitmap_t *) x);
        return n;
    }

    case 4:
        if (c->w->frequent) {
            return resources_bits_and_count(c->bits,
                                            (const u_char *) c->w->bits,
                                            RESOURCES_BITMAP_WORDS(ndocs));
        }
        p.data = (const u_char *) c->w->l->e;
        p.n = c->w->l->n;
        p.scored = 0;
        return resources_bits_count_posting(c->bits, ndocs, &p);

    default:
        return blocks_count_in(c->w, fmt == 3, c->bits, c->tmp);
    }
}


static size_t
op_decode(void *arg, int fmt)
{
    cnt_t    *c = arg;
    size_t    i, s = 0;

    switch (fmt) {
    case 0:
        for (i = 0; i < c->w->l->n; i++) {
            c->tmp[i] = c->w->l->e[i] >> 2;
        }
        return c->w->l->n + c->tmp[c->w->l->n - 1] * 0;

    case 1: {
        const roaring_bitmap_t  *x;

        x = roaring_bitmap_frozen_view(c->w->frozen, c->w->frozen_len);
        roaring_bitmap_to_uint32_array(x, c->tmp);
        s = roaring_bitmap_get_cardinality(x);
        roaring_bitmap_free((roaring_bitmap_t *) x);
        return s;
    }

    case 4:
        return bits_list(c->w->bits, NULL, c->tmp);

    default:
        return blocks_decode_all(c->w, fmt == 3, c->tmp);
    }
}


/* the public word list whose length is nearest target, by key */

static const list_t *
nearest(uint32_t target, const list_t *not)
{
    size_t         i;
    const list_t  *best = NULL;
    uint32_t       d, bd = (uint32_t) -1;

    for (i = 0; i < nlists; i++) {
        if (lists[i].key[0] != RESOURCES_PART_PUBLIC || &lists[i] == not) {
            continue;
        }
        d = lists[i].n > target ? lists[i].n - target : target - lists[i].n;
        if (d < bd) {
            bd = d;
            best = &lists[i];
        }
    }

    return best;
}


static const list_t *
find(const char *word)
{
    size_t  i, len = strlen(word);

    for (i = 0; i < nlists; i++) {
        if (lists[i].key[0] == RESOURCES_PART_PUBLIC
            && lists[i].klen == len + 2
            && memcmp(lists[i].key + 2, word, len) == 0)
        {
            return &lists[i];
        }
    }

    return NULL;
}


static void
print_rows(void)
{
    size_t  i;
    int     f;

    printf("\n%-52s", "operation (ns, median)");
    for (f = 0; f < NFMT; f++) {
        printf(" %10s", fmt_names[f]);
    }
    printf("   result\n");

    for (i = 0; i < nrows; i++) {
        printf("%-52s", rows[i].name);
        for (f = 0; f < NFMT; f++) {
            printf(" %10.0f", rows[i].ns[f]);
        }
        printf("   %zu", rows[i].result[0]);
        for (f = 1; f < NFMT; f++) {
            if (rows[i].result[f] != rows[i].result[0]) {
                printf(" (%s: %zu!)", fmt_names[f], rows[i].result[f]);
            }
        }
        printf("\n");
    }
}


int
main(int argc, char **argv)
{
    size_t          i, maxn = 0;
    uint32_t       *doc;
    sizes_t         all, pub, freq, rare;
    static char     names[16][128];
    int             nn = 0;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: postings_formats SNAPSHOT.mdb [REPEAT]\n");
        return 2;
    }

    if (argc == 3) {
        repeat = atoi(argv[2]);
        if (repeat < 1 || repeat > 64) {
            repeat = 7;
        }
    }

    read_snapshot(argv[1]);

    memset(&all, 0, sizeof(all));
    memset(&pub, 0, sizeof(pub));
    memset(&freq, 0, sizeof(freq));
    memset(&rare, 0, sizeof(rare));

    for (i = 0; i < nlists; i++) {
        if (lists[i].n > maxn) {
            maxn = lists[i].n;
        }
    }

    doc = xmalloc(maxn * 4 + 64);

    {
        /* the distribution of the lists' lengths */
        size_t  lim[] = { 1, 4, 16, 128, 1024, 8192, (size_t) -1 };
        size_t  cnt[8] = { 0 }, ent[8] = { 0 }, tot = 0, k;

        for (i = 0; i < nlists; i++) {
            for (k = 0; lists[i].n > lim[k]; k++) { /* void */ }
            cnt[k]++;
            ent[k] += lists[i].n;
            tot += lists[i].n;
        }

        printf("\nword lists by length (parts p and x):\n");
        for (k = 0; k < 7; k++) {
            printf("  <= %-10zu %8zu lists %12zu entries (%.1f%%)\n",
                   lim[k] == (size_t) -1 ? (size_t) 0 : lim[k], cnt[k],
                   ent[k], 100.0 * ent[k] / tot);
        }
    }

    for (i = 0; i < nlists; i++) {
        sizes_add(&all, &lists[i], doc);

        if (lists[i].key[0] == RESOURCES_PART_PUBLIC) {
            sizes_add(&pub, &lists[i], doc);
            if (ndocs >= RESOURCES_BITMAP_MIN
                && lists[i].n >= ndocs / 64)
            {
                sizes_add(&freq, &lists[i], doc);
            } else {
                sizes_add(&rare, &lists[i], doc);
            }
        }
    }

    sizes_print("all word lists (p and x)", &all);
    sizes_print("public word lists", &pub);
    sizes_print("public word lists with a bitmap today (>= ndocs/64)", &freq);
    sizes_print("public word lists without one", &rare);

    /* --- operations ------------------------------------------------------ */

    {
        const list_t  *lf, *lm1, *lm2, *lr, *lr2;
        enc_t          ef, em1, em2, er, er2;
        pair_t         p;
        cnt_t          c;
        uint64_t      *bits;
        uint32_t      *out, *tmp;
        size_t         nw = RESOURCES_BITMAP_WORDS(ndocs);
        roaring_bitmap_t  *rb;

        lf = find("solidaire");
        if (lf == NULL) {
            lf = nearest(ndocs / 3, NULL);
        }
        lm1 = find("foncier");
        if (lm1 == NULL) {
            lm1 = nearest(ndocs / 20, NULL);
        }
        lm2 = nearest(lm1->n, lm1);
        lr = nearest(ndocs / 1000, NULL);
        lr2 = nearest(ndocs / 200, lr);

        enc_make(&ef, lf);
        enc_make(&em1, lm1);
        enc_make(&em2, lm2);
        enc_make(&er, lr);
        enc_make(&er2, lr2);

        out = xmalloc(maxn * 4 + 64);
        tmp = xmalloc((size_t) ndocs * 4 + 4096);
        if (posix_memalign((void **) &bits, 64, nw * 8 + 64) != 0) {
            perror("postings_formats: posix_memalign");
            return 1;
        }

        printf("\noperations on the public lists of %s (%u), %s (%u),"
               " %s (%u), %s (%u), %s (%u); %d samples\n",
               lf->key + 2, lf->n, lm1->key + 2, lm1->n, lm2->key + 2,
               lm2->n, lr->key + 2, lr->n, lr2->key + 2, lr2->n, repeat);

        p.out = out;
        p.work = tmp;

        p.a = &er;
        p.b = &ef;
        snprintf(names[nn], 128, "AND rare (%u) x frequent (%u)", lr->n,
                 lf->n);
        measure(names[nn++], op_intersect, &p);

        p.a = &er2;
        p.b = &ef;
        snprintf(names[nn], 128, "AND rare (%u) x frequent (%u)", lr2->n,
                 lf->n);
        measure(names[nn++], op_intersect, &p);

        p.a = &em1;
        p.b = &em2;
        snprintf(names[nn], 128, "AND mid (%u) x mid (%u)", lm1->n, lm2->n);
        measure(names[nn++], op_intersect, &p);

        p.a = &em1;
        p.b = &ef;
        snprintf(names[nn], 128, "AND mid (%u) x frequent (%u)", lm1->n,
                 lf->n);
        measure(names[nn++], op_intersect, &p);

        /* prefixes: the public words that start with it */
        {
            static const char  *prefixes[] = { "coop", "econom", "con", "a" };
            size_t              pi;

            for (pi = 0; pi < 4; pi++) {
                uni_t    u;
                size_t   plen = strlen(prefixes[pi]), cnt = 0, ent = 0;

                u.w = xmalloc(nlists * sizeof(enc_t));
                u.nw = 0;

                for (i = 0; i < nlists; i++) {
                    if (lists[i].key[0] == RESOURCES_PART_PUBLIC
                        && lists[i].klen >= plen + 2
                        && memcmp(lists[i].key + 2, prefixes[pi], plen) == 0)
                    {
                        enc_make(&u.w[u.nw++], &lists[i]);
                        cnt++;
                        ent += lists[i].n;
                    }
                }

                u.bits = bits;
                u.tmp = xmalloc((ent > u.nw ? ent : u.nw) * 8 + ndocs * 4
                                + 64);
                u.prefix = prefixes[pi];
                snprintf(names[nn], 128, "union of prefix %s* (%zu words,"
                         " %zu entries)", prefixes[pi], cnt, ent);
                measure(names[nn++], op_union, &u);
            }
        }

        /* a result bitmap: the docnos of the frequent word */
        memset(bits, 0, nw * 8);
        for (i = 0; i < lf->n; i++) {
            uint32_t  d = RESOURCES_DOCNO(lf->e[i]);
            bits[d >> 6] |= 1ULL << (d & 63);
        }
        rb = roaring_bitmap_of_ptr(lf->n, ef.doc);
        roaring_bitmap_run_optimize(rb);

        c.bits = bits;
        c.rbits = rb;
        c.tmp = tmp;

        c.w = &er2;
        snprintf(names[nn], 128, "count list (%u) in result (%u)", lr2->n,
                 lf->n);
        measure(names[nn++], op_count, &c);

        c.w = &em1;
        snprintf(names[nn], 128, "count list (%u) in result (%u)", lm1->n,
                 lf->n);
        measure(names[nn++], op_count, &c);

        c.w = &ef;
        snprintf(names[nn], 128, "decode list (%u)", lf->n);
        measure(names[nn++], op_decode, &c);

        c.w = &em1;
        snprintf(names[nn], 128, "decode list (%u)", lm1->n);
        measure(names[nn++], op_decode, &c);

        print_rows();
    }

    return 0;
}
