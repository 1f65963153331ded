/*
 * bench/containers_bench.c: the container sets of schema 3
 * (src/resources_containers.c, docs/format.md §3 and §12) on a real
 * snapshot's word lists, against today's u32 lists and flat bitmaps and,
 * when built with libroaring-dev, CRoaring.
 *
 *   make bench-postings
 *   taskset -c 1 build/bench/containers_bench SNAPSHOT.mdb [REPEAT]
 *
 * Reads a snapshot of schema 2 read-only, takes every word list of "post"
 * (parts p and x, kind w; entries docno << 2 | field) and prints:
 *
 *   1. sizes: each list written as a container set with its field stream
 *      (and without), every value checked with resources_cset_check() and
 *      read back; the containers by type; against 4 bytes an entry (u32),
 *      flat bitmaps (the frequent words' part b), CRoaring's frozen and
 *      portable sizes (docnos only, run-optimised); the frequent words'
 *      field sets (docnos whose field has the high bit, the low bit) as
 *      container sets, which replace today's bitmaps h and l;
 *   2. the time (ns, median of REPEAT samples of >= 2 ms each, default 7)
 *      of: AND of two words (rare x frequent, mid x mid, mid x frequent);
 *      the union of a prefix's words into a flat bitmap (econom*, coop*,
 *      con*); counting a word inside a result bitmap (the facets' hot
 *      path); the AND of a word into a result bitmap; decoding a list.
 *      Formats: u32 (resources_intersect(), resources_bits_count_posting()
 *      of today), bitmap (today's flat bitmaps, for the words of ndocs/64
 *      or more, as bench/postings_formats), cset (ours, values 8-byte
 *      aligned as in a blob chunk), cset@2 (the same values at an address
 *      2 mod 8, as LMDB gives), roaring (frozen views, their making
 *      included).
 *
 * Links build/obj/resources_containers.o and resources_postings.o.
 * Changes nothing.
 *
 * BSD 2-Clause, like the project.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lmdb.h>

#if (RESOURCES_BENCH_ROARING)
#include <roaring/roaring.h>
#endif

#include "resources_store.h"
#include "resources_postings.h"
#include "resources_containers.h"


typedef struct {
    u_char     key[RESOURCES_KEY_MAX + 2];
    size_t     klen;
    uint32_t  *e;              /* entries, docno << 2 | field */
    uint32_t   n;
} list_t;


static list_t   *lists;
static size_t    nlists, caplists;
static uint32_t  ndocs;
static int       repeat = 7;


static void *
xmalloc(size_t n)
{
    void  *p;

    if (posix_memalign(&p, 64, n ? n : 8) != 0) {
        perror("containers_bench: malloc");
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


/* --- the snapshot ------------------------------------------------------ */

static void
read_snapshot(const char *path)
{
    int           rc;
    MDB_env      *env;
    MDB_txn      *txn;
    MDB_dbi       post, meta;
    MDB_cursor   *cur;
    MDB_val       k, v;
    const resources_header_t  *h;

    if ((rc = mdb_env_create(&env)) != 0
        || (rc = mdb_env_set_maxdbs(env, RESOURCES_MAXDBS)) != 0
        || (rc = mdb_env_set_mapsize(env, (size_t) 1 << 40)) != 0
        || (rc = mdb_env_open(env, path, MDB_RDONLY | MDB_NOLOCK
                              | MDB_NOSUBDIR, 0644)) != 0
        || (rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0
        || (rc = mdb_dbi_open(txn, RESOURCES_DB_META, 0, &meta)) != 0
        || (rc = mdb_dbi_open(txn, RESOURCES_DB_POST, 0, &post)) != 0)
    {
        fprintf(stderr, "containers_bench: %s: %s\n", path,
                mdb_strerror(rc));
        exit(1);
    }

    k.mv_data = "header";
    k.mv_size = 6;
    if (mdb_get(txn, meta, &k, &v) != 0 || v.mv_size < sizeof(*h)) {
        fprintf(stderr, "containers_bench: %s: no header\n", path);
        exit(1);
    }

    h = v.mv_data;
    ndocs = resources_get_u32(&h->ndocs);

    mdb_cursor_open(txn, post, &cur);

    while (mdb_cursor_get(cur, &k, &v, MDB_NEXT) == 0) {
        const u_char  *key = k.mv_data;
        list_t        *l;

        if (k.mv_size < 2
            || (key[0] != RESOURCES_PART_PUBLIC
                && key[0] != RESOURCES_PART_PRIVATE)
            || key[1] != RESOURCES_KIND_WORD
            || k.mv_size > sizeof(l->key) - 1 || v.mv_size < 4)
        {
            continue;
        }

        if (nlists == caplists) {
            caplists = caplists ? 2 * caplists : 65536;
            lists = realloc(lists, caplists * sizeof(list_t));
            if (lists == NULL) {
                perror("containers_bench: realloc");
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
    mdb_txn_abort(txn);
    mdb_env_close(env);

    printf("snapshot %s: %u resources, %zu word lists\n", path, ndocs,
           nlists);
}


/* --- encodings --------------------------------------------------------- */

typedef struct {
    const list_t      *l;
    uint32_t          *doc;            /* docnos */
    u_char            *field;
    u_char            *cset;           /* 8-byte aligned */
    u_char            *cset2;          /* the same at 2 mod 8 */
    size_t             size;
    resources_cset_t   s, s2;
    uint64_t          *bits;           /* a flat bitmap, as today's "b" */
    int                frequent;
#if (RESOURCES_BENCH_ROARING)
    char              *frozen;         /* 32-byte aligned */
    size_t             frozen_len;
#endif
} enc_t;


static u_char *
cset_make(const uint32_t *doc, const u_char *field, size_t n, size_t *size)
{
    u_char      *v;
    const char  *err;

    *size = resources_cset_size(doc, n, field != NULL);
    v = xmalloc(*size);

    if (*size == 0 || resources_cset_write(v, *size, doc, field, n) != *size
        || resources_cset_check(v, *size, ndocs, &err) != 0)
    {
        fprintf(stderr, "containers_bench: a set of %zu fails\n", n);
        exit(1);
    }

    return v;
}


static void
enc_make(enc_t *x, const list_t *l)
{
    uint32_t  i;

    x->l = l;
    x->doc = xmalloc((size_t) l->n * 4);
    x->field = xmalloc(l->n);

    for (i = 0; i < l->n; i++) {
        x->doc[i] = RESOURCES_DOCNO(l->e[i]);
        x->field[i] = RESOURCES_FIELD(l->e[i]);
    }

    x->cset = cset_make(x->doc, x->field, l->n, &x->size);
    x->cset2 = (u_char *) xmalloc(x->size + 8) + 2;
    memcpy(x->cset2, x->cset, x->size);
    resources_cset_view(&x->s, x->cset, x->size);
    resources_cset_view(&x->s2, x->cset2, x->size);

    x->bits = xmalloc(RESOURCES_BITMAP_WORDS(ndocs) * 8);
    memset(x->bits, 0, RESOURCES_BITMAP_WORDS(ndocs) * 8);
    for (i = 0; i < l->n; i++) {
        x->bits[x->doc[i] >> 6] |= 1ULL << (x->doc[i] & 63);
    }
    x->frequent = ndocs >= RESOURCES_BITMAP_MIN && l->n >= ndocs / 64;

#if (RESOURCES_BENCH_ROARING)
    {
        roaring_bitmap_t  *r;

        r = roaring_bitmap_of_ptr(l->n, x->doc);
        roaring_bitmap_run_optimize(r);
        x->frozen_len = roaring_bitmap_frozen_size_in_bytes(r);
        if (posix_memalign((void **) &x->frozen, 32, x->frozen_len) != 0) {
            perror("containers_bench: posix_memalign");
            exit(1);
        }
        roaring_bitmap_frozen_serialize(r, x->frozen);
        roaring_bitmap_free(r);
    }
#endif
}


/* --- sizes ------------------------------------------------------------- */

typedef struct {
    size_t  lists, entries;
    size_t  u32, cset, cset_nofields, roaring_frozen, roaring_portable;
    size_t  flat;                      /* flat bitmaps of the frequent */
    size_t  hilo_cset, hilo_roaring, hilo_flat;
    size_t  types[4], cards[4];
} sizes_t;


static void
sizes_add(sizes_t *s, const list_t *l, uint32_t *doc, u_char *field,
    uint32_t *tmp)
{
    int                    frequent;
    size_t                 size, m, k, n;
    uint32_t               i, j, nhi, nlo, *hi, *lo;
    u_char                *v;
    resources_cset_t       c;
    resources_cset_iter_t  it;

    for (i = 0; i < l->n; i++) {
        doc[i] = RESOURCES_DOCNO(l->e[i]);
        field[i] = RESOURCES_FIELD(l->e[i]);
    }

    frequent = ndocs >= RESOURCES_BITMAP_MIN && l->n >= ndocs / 64;

    s->lists++;
    s->entries += l->n;
    s->u32 += (size_t) l->n * 4;

    v = cset_make(doc, field, l->n, &size);
    s->cset += size;
    s->cset_nofields += resources_cset_size(doc, l->n, 0);

    /* read back: docnos and fields */

    resources_cset_view(&c, v, size);
    resources_cset_iter_init(&it, &c);

    for (n = 0; (m = resources_cset_iter_read(&it, tmp + n, 4096)) > 0;
         n += m)
    {
        /* void */
    }

    for (k = 0; k < n && k < l->n; k++) {
        if (tmp[k] != doc[k] || resources_cset_field(&c, doc[k]) != field[k])
        {
            break;
        }
    }

    if (n != l->n || k != n) {
        fprintf(stderr, "containers_bench: %s: read back wrong\n",
                l->key + 2);
        exit(1);
    }

    for (i = 0; i < c.n; i++) {
        uint16_t  cnt;

        memcpy(&cnt, c.counts + 2 * i, sizeof(uint16_t));
        s->types[c.types[i]]++;
        s->cards[c.types[i]] += (size_t) cnt + 1;
    }

    free(v);

    if (frequent) {
        s->flat += RESOURCES_BITMAP_WORDS(ndocs) * 8;
        s->hilo_flat += 2 * RESOURCES_BITMAP_WORDS(ndocs) * 8;

        hi = tmp;
        lo = tmp + l->n;

        for (i = 0, nhi = 0, nlo = 0; i < l->n; i++) {
            if (field[i] & 2) {
                hi[nhi++] = doc[i];
            }
            if (field[i] & 1) {
                lo[nlo++] = doc[i];
            }
        }

        s->hilo_cset += resources_cset_size(hi, nhi, 0)
                        + resources_cset_size(lo, nlo, 0);

#if (RESOURCES_BENCH_ROARING)
        {
            roaring_bitmap_t  *r;

            r = roaring_bitmap_of_ptr(nhi, hi);
            roaring_bitmap_run_optimize(r);
            s->hilo_roaring += roaring_bitmap_portable_size_in_bytes(r);
            roaring_bitmap_free(r);
            r = roaring_bitmap_of_ptr(nlo, lo);
            roaring_bitmap_run_optimize(r);
            s->hilo_roaring += roaring_bitmap_portable_size_in_bytes(r);
            roaring_bitmap_free(r);
        }
#endif
    }

#if (RESOURCES_BENCH_ROARING)
    {
        roaring_bitmap_t  *r;

        r = roaring_bitmap_of_ptr(l->n, doc);
        roaring_bitmap_run_optimize(r);
        s->roaring_frozen += roaring_bitmap_frozen_size_in_bytes(r);
        s->roaring_portable += roaring_bitmap_portable_size_in_bytes(r);
        roaring_bitmap_free(r);
    }
#endif

    (void) j;
}


static void
sizes_print(const char *what, const sizes_t *s)
{
    double  e = (double) s->entries;

    printf("\n%s: %zu lists, %zu entries\n", what, s->lists, s->entries);
    printf("  %-44s %10s %8s\n", "format", "MB", "B/entry");
    printf("  %-44s %10.1f %8.2f\n", "u32 docno << 2 | field (today)",
           s->u32 / 1e6, s->u32 / e);
    printf("  %-44s %10.1f %8.2f\n", "cset docnos + 2-bit fields",
           s->cset / 1e6, s->cset / e);
    printf("  %-44s %10.1f %8.2f\n", "cset docnos only",
           s->cset_nofields / 1e6, s->cset_nofields / e);
#if (RESOURCES_BENCH_ROARING)
    printf("  %-44s %10.1f %8.2f\n", "roaring docnos, frozen",
           s->roaring_frozen / 1e6, s->roaring_frozen / e);
    printf("  %-44s %10.1f %8.2f\n", "roaring docnos, portable",
           s->roaring_portable / 1e6, s->roaring_portable / e);
    printf("  %-44s %10.1f %8.2f\n", "roaring frozen + 2-bit fields",
           (s->roaring_frozen + s->entries / 4) / 1e6,
           (s->roaring_frozen + s->entries / 4) / e);
#endif
    if (s->flat) {
        printf("  %-44s %10.1f\n", "flat bitmaps b (today, the frequent)",
               s->flat / 1e6);
        printf("  %-44s %10.1f\n", "field bitmaps h + l (today)",
               s->hilo_flat / 1e6);
        printf("  %-44s %10.1f\n", "field sets h + l as csets",
               s->hilo_cset / 1e6);
#if (RESOURCES_BENCH_ROARING)
        printf("  %-44s %10.1f\n", "field sets h + l as roaring, portable",
               s->hilo_roaring / 1e6);
#endif
    }
    printf("  containers: %zu arrays (%zu docnos), %zu bitmaps (%zu),"
           " %zu runs (%zu)\n",
           s->types[RESOURCES_CSET_ARRAY], s->cards[RESOURCES_CSET_ARRAY],
           s->types[RESOURCES_CSET_BITMAP], s->cards[RESOURCES_CSET_BITMAP],
           s->types[RESOURCES_CSET_RUNS], s->cards[RESOURCES_CSET_RUNS]);
}


/* --- operations -------------------------------------------------------- */

#define NFMT  5

static const char  *fmt_names[NFMT] = { "u32", "bitmap", "cset", "cset@2",
                                        "roaring" };

typedef struct {
    const char  *name;
    double       ns[NFMT];
    size_t       result[NFMT];
    int          done[NFMT];
} row_t;

static row_t  rows[32];
static size_t nrows;
static int    no_roaring;          /* an operation CRoaring is not run on */


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
#if !(RESOURCES_BENCH_ROARING)
        if (fmt == 4) {
            continue;
        }
#endif
        if (fmt == 4 && no_roaring) {
            continue;
        }
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
        r->done[fmt] = 1;
    }
}


typedef struct {
    enc_t     *a, *b;              /* a: the shorter */
    uint32_t  *out;
} pair_t;


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


static size_t
op_and(void *arg, int fmt)
{
    pair_t               *p = arg;
    resources_posting_t   pl[2];
    size_t                n, i;
    uint32_t              d;

    switch (fmt) {

    case 0:
        pl[0].data = (const u_char *) p->a->l->e;
        pl[0].n = p->a->l->n;
        pl[0].scored = 0;
        pl[1].data = (const u_char *) p->b->l->e;
        pl[1].n = p->b->l->n;
        pl[1].scored = 0;
        return resources_intersect(pl, 2, 0, ndocs, p->out, NULL);

    case 1:
        if (!p->a->frequent) {
            for (n = 0, i = 0; i < p->a->l->n; i++) {
                d = p->a->doc[i];
                if ((p->b->bits[d >> 6] >> (d & 63)) & 1) {
                    p->out[n++] = d;
                }
            }
            return n;
        }
        return bits_list(p->a->bits, p->b->bits, p->out);

    case 2:
        return resources_cset_and(&p->a->s, &p->b->s, p->out, ndocs);

    case 3:
        return resources_cset_and(&p->a->s2, &p->b->s2, p->out, ndocs);

#if (RESOURCES_BENCH_ROARING)
    default: {
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
#else
    default:
        return 0;
#endif
    }
}


/*
 * A short list (a's docnos, u32) ANDed with a set, with the field of each
 * docno found: cset by resources_cset_and_list(); u32 by
 * resources_intersect() with a scored list; bitmap by bit tests (no
 * field: today's bitmap has none); roaring by a contains each
 */

static size_t
op_and_list(void *arg, int fmt)
{
    pair_t               *p = arg;
    resources_posting_t   pl[2];
    size_t                n, i;
    uint32_t              d;

    switch (fmt) {

    case 0:
        pl[0].data = (const u_char *) p->a->l->e;
        pl[0].n = p->a->l->n;
        pl[0].scored = 0;
        pl[1].data = (const u_char *) p->b->l->e;
        pl[1].n = p->b->l->n;
        pl[1].scored = 1;
        return resources_intersect(pl, 2, 0, ndocs, p->out,
                                   p->out + ndocs / 2);

    case 1:
        for (n = 0, i = 0; i < p->a->l->n; i++) {
            d = p->a->doc[i];
            if ((p->b->bits[d >> 6] >> (d & 63)) & 1) {
                p->out[n++] = d;
            }
        }
        return n;

    case 2:
    case 3:
        return resources_cset_and_list(fmt == 2 ? &p->b->s : &p->b->s2,
                                       p->a->doc, p->a->l->n, p->out,
                                       (u_char *) (p->out + ndocs / 2));

#if (RESOURCES_BENCH_ROARING)
    default: {
        const roaring_bitmap_t  *x;

        x = roaring_bitmap_frozen_view(p->b->frozen, p->b->frozen_len);
        for (n = 0, i = 0; i < p->a->l->n; i++) {
            if (roaring_bitmap_contains(x, p->a->doc[i])) {
                p->out[n++] = p->a->doc[i];
            }
        }
        roaring_bitmap_free((roaring_bitmap_t *) x);
        return n;
    }
#else
    default:
        return 0;
#endif
    }
}


typedef struct {
    enc_t     *w;
    size_t     nw;
    uint64_t  *bits;
    void     **tmp;
} uni_t;


static size_t
bits_popcount(const uint64_t *b)
{
    size_t  i, c, nw = RESOURCES_BITMAP_WORDS(ndocs);

    for (i = 0, c = 0; i < nw; i++) {
        c += (size_t) __builtin_popcountll(b[i]);
    }

    return c;
}


static size_t
op_union(void *arg, int fmt)
{
    uni_t     *u = arg;
    size_t     i, j, nwords = RESOURCES_BITMAP_WORDS(ndocs);
    uint32_t   x;

#if (RESOURCES_BENCH_ROARING)
    if (fmt == 4) {
        const roaring_bitmap_t  **v = (const roaring_bitmap_t **) u->tmp;
        roaring_bitmap_t         *z;
        size_t                    c;

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
#endif

    memset(u->bits, 0, nwords * 8);

    for (i = 0; i < u->nw; i++) {
        enc_t  *w = &u->w[i];

        if (fmt == 2 || fmt == 3) {
            resources_cset_or_bits(fmt == 2 ? &w->s : &w->s2, u->bits,
                                   ndocs);
            continue;
        }

        if (fmt == 1 && w->frequent) {
            for (j = 0; j < nwords; j++) {
                u->bits[j] |= w->bits[j];
            }
            continue;
        }

        for (j = 0; j < w->l->n; j++) {
            x = w->l->e[j] >> 2;
            u->bits[x >> 6] |= 1ULL << (x & 63);
        }
    }

    return bits_popcount(u->bits);
}


typedef struct {
    enc_t     *w;
    uint64_t  *bits;               /* the result */
    uint64_t  *acc;                /* a copy, for the AND */
    uint32_t  *tmp;
#if (RESOURCES_BENCH_ROARING)
    roaring_bitmap_t  *rbits;
#endif
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

    case 1:
        if (c->w->frequent) {
            return resources_bits_and_count(c->bits,
                                            (const u_char *) c->w->bits,
                                            RESOURCES_BITMAP_WORDS(ndocs));
        }
        p.data = (const u_char *) c->w->l->e;
        p.n = c->w->l->n;
        p.scored = 0;
        return resources_bits_count_posting(c->bits, ndocs, &p);

    case 2:
        return resources_cset_count_bits(&c->w->s, c->bits, ndocs);

    case 3:
        return resources_cset_count_bits(&c->w->s2, c->bits, ndocs);

#if (RESOURCES_BENCH_ROARING)
    default: {
        const roaring_bitmap_t  *x;
        size_t                   n;

        x = roaring_bitmap_frozen_view(c->w->frozen, c->w->frozen_len);
        n = roaring_bitmap_and_cardinality(x, c->rbits);
        roaring_bitmap_free((roaring_bitmap_t *) x);
        return n;
    }
#else
    default:
        return 0;
#endif
    }
}


/* the result bitmap ANDed with a word, in place (a copy of it) */

static size_t
op_and_bits(void *arg, int fmt)
{
    cnt_t   *c = arg;
    size_t   nw = RESOURCES_BITMAP_WORDS(ndocs), i, n;
    uint32_t d;

    memcpy(c->acc, c->bits, nw * 8);

    switch (fmt) {

    case 0:
    case 1:
        if (fmt == 1 && c->w->frequent) {
            return resources_bits_and(c->acc, (const u_char *) c->w->bits,
                                      nw);
        }

        /* today, a list: the docnos of the list set in the result */
        for (i = 0, n = 0; i < c->w->l->n; i++) {
            d = c->w->l->e[i] >> 2;
            n += (c->bits[d >> 6] >> (d & 63)) & 1;
        }
        return n;

    case 2:
        return resources_cset_and_bits(&c->w->s, c->acc, ndocs);

    case 3:
        return resources_cset_and_bits(&c->w->s2, c->acc, ndocs);

    default:
        return 0;
    }
}


static size_t
op_decode(void *arg, int fmt)
{
    cnt_t                  *c = arg;
    size_t                  i, n, m;
    resources_cset_iter_t   it;

    switch (fmt) {

    case 0:
        for (i = 0; i < c->w->l->n; i++) {
            c->tmp[i] = c->w->l->e[i] >> 2;
        }
        return c->w->l->n;

    case 1:
        return bits_list(c->w->bits, NULL, c->tmp);

    case 2:
    case 3:
        resources_cset_iter_init(&it, fmt == 2 ? &c->w->s : &c->w->s2);
        for (n = 0; (m = resources_cset_iter_read(&it, c->tmp + n, ndocs))
                    > 0; n += m)
        {
            /* void */
        }
        return n;

#if (RESOURCES_BENCH_ROARING)
    default: {
        const roaring_bitmap_t  *x;

        x = roaring_bitmap_frozen_view(c->w->frozen, c->w->frozen_len);
        roaring_bitmap_to_uint32_array(x, c->tmp);
        n = roaring_bitmap_get_cardinality(x);
        roaring_bitmap_free((roaring_bitmap_t *) x);
        return n;
    }
#else
    default:
        return 0;
#endif
    }
}


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

    printf("\n%-50s", "operation (ns, median)");
    for (f = 0; f < NFMT; f++) {
        printf(" %9s", fmt_names[f]);
    }
    printf("   result\n");

    for (i = 0; i < nrows; i++) {
        printf("%-50s", rows[i].name);
        for (f = 0; f < NFMT; f++) {
            if (rows[i].done[f]) {
                printf(" %9.0f", rows[i].ns[f]);
            } else {
                printf(" %9s", "-");
            }
        }
        printf("   %zu", rows[i].result[2]);
        for (f = 0; f < NFMT; f++) {
            if (rows[i].done[f] && rows[i].result[f] != rows[i].result[2]) {
                printf(" (%s: %zu)", fmt_names[f], rows[i].result[f]);
            }
        }
        printf("\n");
    }
}


int
main(int argc, char **argv)
{
    int             nn = 0;
    size_t          i, maxn = 0, nw;
    uint32_t       *doc, *tmp, *out;
    u_char         *field;
    uint64_t       *bits, *acc;
    sizes_t         all, pub, freq, rare;
    pair_t          p;
    cnt_t           c;
    enc_t           ef, em1, em2, er, er2;
    const list_t   *lf, *lm1, *lm2, *lr, *lr2;
    static char     names[32][128];

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: containers_bench SNAPSHOT.mdb [REPEAT]\n");
        return 2;
    }

    if (argc == 3) {
        repeat = atoi(argv[2]);
        if (repeat < 1 || repeat > 64) {
            repeat = 7;
        }
    }

    read_snapshot(argv[1]);

    for (i = 0; i < nlists; i++) {
        maxn = lists[i].n > maxn ? lists[i].n : maxn;
    }

    doc = xmalloc(maxn * 4 + 64);
    field = xmalloc(maxn + 64);
    tmp = xmalloc((size_t) ndocs * 8 + 4096);
    out = xmalloc((size_t) ndocs * 4 + 4096);

    memset(&all, 0, sizeof(all));
    memset(&pub, 0, sizeof(pub));
    memset(&freq, 0, sizeof(freq));
    memset(&rare, 0, sizeof(rare));

    for (i = 0; i < nlists; i++) {
        sizes_add(&all, &lists[i], doc, field, tmp);

        if (lists[i].key[0] == RESOURCES_PART_PUBLIC) {
            sizes_add(&pub, &lists[i], doc, field, tmp);

            if (ndocs >= RESOURCES_BITMAP_MIN && lists[i].n >= ndocs / 64) {
                sizes_add(&freq, &lists[i], doc, field, tmp);

            } else {
                sizes_add(&rare, &lists[i], doc, field, tmp);
            }
        }
    }

    printf("every value checked (resources_cset_check) and read back\n");
    sizes_print("all word lists (p and x)", &all);
    sizes_print("public word lists", &pub);
    sizes_print("public word lists with a bitmap today (>= ndocs/64)",
                &freq);
    sizes_print("public word lists without one", &rare);

    /* --- operations --------------------------------------------------- */

    nw = RESOURCES_BITMAP_WORDS(ndocs);

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

    bits = xmalloc(nw * 8 + 64);
    acc = xmalloc(nw * 8 + 64);

    printf("\noperations on the public lists of %s (%u), %s (%u), %s (%u),"
           " %s (%u), %s (%u); %d samples\n",
           lf->key + 2, lf->n, lm1->key + 2, lm1->n, lm2->key + 2, lm2->n,
           lr->key + 2, lr->n, lr2->key + 2, lr2->n, repeat);

    p.out = out;

    p.a = &er;
    p.b = &ef;
    snprintf(names[nn], 128, "AND rare (%u) x frequent (%u)", lr->n, lf->n);
    measure(names[nn++], op_and, &p);

    p.a = &er2;
    snprintf(names[nn], 128, "AND rare (%u) x frequent (%u)", lr2->n,
             lf->n);
    measure(names[nn++], op_and, &p);

    p.a = &er;
    snprintf(names[nn], 128, "AND u32 list (%u) x set (%u), with fields",
             lr->n, lf->n);
    measure(names[nn++], op_and_list, &p);

    p.a = &er2;
    snprintf(names[nn], 128, "AND u32 list (%u) x set (%u), with fields",
             lr2->n, lf->n);
    measure(names[nn++], op_and_list, &p);

    p.a = &em1;
    p.b = &em2;
    snprintf(names[nn], 128, "AND mid (%u) x mid (%u)", lm1->n, lm2->n);
    measure(names[nn++], op_and, &p);

    p.a = &em1;
    p.b = &ef;
    snprintf(names[nn], 128, "AND mid (%u) x frequent (%u)", lm1->n, lf->n);
    measure(names[nn++], op_and, &p);

    {
        static const char  *prefixes[] = { "coop", "econom", "con" };
        size_t              pi, plen, cnt, ent;
        uni_t               u;

        for (pi = 0; pi < 3; pi++) {
            plen = strlen(prefixes[pi]);
            u.w = xmalloc(nlists * sizeof(enc_t));
            u.nw = 0;
            cnt = 0;
            ent = 0;

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
            u.tmp = xmalloc(u.nw * sizeof(void *) + 8);
            snprintf(names[nn], 128, "union %s* (%zu words, %zu entries)",
                     prefixes[pi], cnt, ent);
            measure(names[nn++], op_union, &u);
        }
    }

    /* a result bitmap: the docnos of the frequent word */

    memcpy(bits, ef.bits, nw * 8);

    c.bits = bits;
    c.acc = acc;
    c.tmp = tmp;
#if (RESOURCES_BENCH_ROARING)
    c.rbits = roaring_bitmap_of_ptr(lf->n, ef.doc);
    roaring_bitmap_run_optimize(c.rbits);
#endif

    c.w = &er2;
    snprintf(names[nn], 128, "count list (%u) in result (%u)", lr2->n,
             lf->n);
    measure(names[nn++], op_count, &c);

    c.w = &em1;
    snprintf(names[nn], 128, "count list (%u) in result (%u)", lm1->n,
             lf->n);
    measure(names[nn++], op_count, &c);

    c.w = &ef;
    snprintf(names[nn], 128, "count list (%u) in result (%u)", lf->n, lf->n);
    measure(names[nn++], op_count, &c);

    /* a mid result: the second mid word */

    memcpy(bits, em2.bits, nw * 8);
#if (RESOURCES_BENCH_ROARING)
    roaring_bitmap_free(c.rbits);
    c.rbits = roaring_bitmap_of_ptr(lm2->n, em2.doc);
    roaring_bitmap_run_optimize(c.rbits);
#endif

    c.w = &ef;
    snprintf(names[nn], 128, "count list (%u) in result (%u)", lf->n,
             lm2->n);
    measure(names[nn++], op_count, &c);

    no_roaring = 1;

    c.w = &em1;
    snprintf(names[nn], 128, "AND list (%u) into result (%u), copy incl.",
             lm1->n, lm2->n);
    measure(names[nn++], op_and_bits, &c);

    c.w = &er2;
    snprintf(names[nn], 128, "AND list (%u) into result (%u), copy incl.",
             lr2->n, lm2->n);
    measure(names[nn++], op_and_bits, &c);

    no_roaring = 0;

    c.w = &ef;
    snprintf(names[nn], 128, "decode list (%u)", lf->n);
    measure(names[nn++], op_decode, &c);

    c.w = &em1;
    snprintf(names[nn], 128, "decode list (%u)", lm1->n);
    measure(names[nn++], op_decode, &c);

    print_rows();

    printf("\nbitmap: today's flat bitmaps for the words of ndocs/64 or"
           " more (others: their u32 list);\nAND into result: u32 counts"
           " the list's docnos set in the result (no write), bitmap only"
           " for\nfrequent words; roaring: frozen views, made and freed in"
           " each operation\n");

    return 0;
}
