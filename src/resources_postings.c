/*
 * Copyright (C) ngx_http_resources authors
 */


#include <pthread.h>

#include "resources_postings.h"
#include "resources_store.h"

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) \
    && defined(__linux__)
#include <immintrin.h>
#define RESOURCES_HAVE_AVX2  1
#endif


const uint32_t  resources_field_weight[4] = { 1, 2, 4, 8 };


static inline uint32_t
resources_entry(const u_char *data, size_t i)
{
    return resources_get_u32(data + i * sizeof(uint32_t));
}


/* the docno of entry i, as resources_gallop_keys() reads it */

static uint32_t
resources_entry_docno(const u_char *data, size_t i)
{
    return RESOURCES_DOCNO(resources_entry(data, i));
}


size_t
resources_gallop(const u_char *data, size_t n, size_t from, uint32_t docno)
{
    return resources_gallop_keys(data, n, from, docno,
                                 resources_entry_docno);
}


size_t
resources_intersect(resources_posting_t *lists, size_t nlists, uint32_t lo,
    uint32_t hi, uint32_t *out, uint32_t *score)
{
    return resources_intersect_dense(lists, nlists, lo, hi, NULL, out, score);
}


size_t
resources_intersect_dense(resources_posting_t *lists, size_t nlists,
    uint32_t lo, uint32_t hi, const u_char *dense, uint32_t *out,
    uint32_t *score)
{
    size_t               i, j, k, count, pos[RESOURCES_INTERSECT_MAX];
    u_char               linear[RESOURCES_INTERSECT_MAX];
    uint32_t             e, d, s, cand, next;
    resources_posting_t  t;

    if (nlists == 0 || nlists > RESOURCES_INTERSECT_MAX || lo >= hi) {
        return 0;
    }

    /* smallest first: it drives, the others are galloped into */

    for (i = 1; i < nlists; i++) {
        t = lists[i];

        for (j = i; j > 0 && lists[j - 1].n > t.n; j--) {
            lists[j] = lists[j - 1];
        }

        lists[j] = t;
    }

    for (i = 0; i < nlists; i++) {
        pos[i] = resources_gallop(lists[i].data, lists[i].n, 0, lo);
        linear[i] = (lists[i].n <= 8 * lists[0].n);
    }

    count = 0;
    next = lo;                      /* the smallest docno still to give */

    for (k = pos[0]; k < lists[0].n; k++) {
        e = resources_entry(lists[0].data, k);
        cand = RESOURCES_DOCNO(e);

        if (cand >= hi) {
            break;
        }

        if (cand < next) {
            continue;               /* out of order: a corrupt list */
        }

        next = cand + 1;

        s = lists[0].scored ? resources_field_weight[RESOURCES_FIELD(e)] : 0;

        for (i = 1; i < nlists; i++) {

            if (linear[i]) {

                /* about as dense as the driver: a few steps forward */

                while (pos[i] < lists[i].n
                       && RESOURCES_DOCNO(resources_entry(lists[i].data,
                                                          pos[i]))
                          < cand)
                {
                    pos[i]++;
                }

            } else {
                pos[i] = resources_gallop(lists[i].data, lists[i].n, pos[i],
                                          cand);
            }

            if (pos[i] == lists[i].n) {
                return count;
            }

            e = resources_entry(lists[i].data, pos[i]);
            d = RESOURCES_DOCNO(e);

            if (d != cand) {
                break;
            }

            if (lists[i].scored) {
                s += resources_field_weight[RESOURCES_FIELD(e)];
            }
        }

        if (i < nlists) {
            continue;
        }

        if (dense) {
            if (dense[cand] == 0) {
                continue;
            }

            s += resources_field_weight[(dense[cand] - 1) & 3];
        }

        out[count] = cand;

        if (score) {
            score[count] = s;
        }

        count++;
    }

    return count;
}


void
resources_sort_u32(uint32_t *a, size_t n, uint32_t *work,
    uint32_t max)
{
    size_t     i, j, c, sum, count[2048];
    uint32_t   x, *src, *dst, *t;
    unsigned   shift;

    /* a short array: insertion sort */

    if (n < 64) {
        for (i = 1; i < n; i++) {
            x = a[i];

            for (j = i; j > 0 && a[j - 1] > x; j--) {
                a[j] = a[j - 1];
            }

            a[j] = x;
        }

        return;
    }

    /* LSD radix, 11 bits a pass, as many passes as max needs */

    src = a;
    dst = work;

    for (shift = 0; shift < 32; shift += 11) {
        if (shift && (max >> shift) == 0) {
            break;
        }

        memset(count, 0, sizeof(count));

        for (i = 0; i < n; i++) {
            count[(src[i] >> shift) & 2047]++;
        }

        for (i = 0, sum = 0; i < 2048; i++) {
            c = count[i];
            count[i] = sum;
            sum += c;
        }

        for (i = 0; i < n; i++) {
            dst[count[(src[i] >> shift) & 2047]++] = src[i];
        }

        t = src;
        src = dst;
        dst = t;
    }

    if (src != a) {
        memcpy(a, src, n * sizeof(uint32_t));
    }
}


size_t
resources_union(const resources_posting_t *lists, size_t nlists,
    uint32_t *out, uint32_t *work)
{
    size_t    i, k, n, o;

    /* all entries, sorted; of equal docnos the last has the best field */

    n = 0;

    for (i = 0; i < nlists; i++) {
        for (k = 0; k < lists[i].n; k++) {
            out[n++] = resources_entry(lists[i].data, k);
        }
    }

    resources_sort_u32(out, n, work, UINT32_MAX);

    for (i = 0, o = 0; i < n; i++) {
        if (i + 1 < n && RESOURCES_DOCNO(out[i]) == RESOURCES_DOCNO(out[i + 1]))
        {
            continue;
        }

        out[o++] = out[i];
    }

    return o;
}


int
resources_union_dense_bounded(const resources_posting_t *lists,
    size_t nlists, u_char *best, uint32_t ndocs)
{
    int       rc;
    size_t    i, k;
    uint32_t  e, d;
    u_char    f;

    rc = 0;

    for (i = 0; i < nlists; i++) {
        for (k = 0; k < lists[i].n; k++) {
            e = resources_entry(lists[i].data, k);
            d = RESOURCES_DOCNO(e);

            if (d >= ndocs) {
                rc = -1;
                continue;
            }

            f = (u_char) (RESOURCES_FIELD(e) + 1);

            if (best[d] < f) {
                best[d] = f;
            }
        }
    }

    return rc;
}


size_t
resources_dense_list(const u_char *best, uint32_t ndocs, uint32_t *out)
{
    size_t    n;
    uint32_t  d, b;
    uint64_t  w;

    n = 0;
    d = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__

    /* eight docnos at a time: the set bytes of a word, lowest first */

    for ( /* void */ ; ndocs - d >= 8; d += 8) {
        memcpy(&w, best + d, sizeof(uint64_t));

        while (w) {
            b = (uint32_t) __builtin_ctzll(w) / 8;
            out[n++] = (d + b) << 2 | ((best[d + b] - 1u) & 3);
            w &= ~((uint64_t) 0xff << (8 * b));
        }
    }

#endif

    for ( /* void */ ; d < ndocs; d++) {
        if (best[d]) {
            out[n++] = d << 2 | ((best[d] - 1u) & 3);
        }
    }

    return n;
}


void
resources_union_dense(const resources_posting_t *lists, size_t nlists,
    u_char *best)
{
    size_t    i, k;
    uint32_t  e, d;
    u_char    f;

    for (i = 0; i < nlists; i++) {
        for (k = 0; k < lists[i].n; k++) {
            e = resources_entry(lists[i].data, k);
            d = RESOURCES_DOCNO(e);
            f = (u_char) (RESOURCES_FIELD(e) + 1);

            if (best[d] < f) {
                best[d] = f;
            }
        }
    }
}


static void
resources_sift_down(uint64_t *h, size_t i, size_t n)
{
    size_t    c;
    uint64_t  x;

    x = h[i];

    for ( ;; ) {
        c = 2 * i + 1;

        if (c >= n) {
            break;
        }

        if (c + 1 < n && h[c + 1] > h[c]) {
            c++;
        }

        if (h[c] <= x) {
            break;
        }

        h[i] = h[c];
        i = c;
    }

    h[i] = x;
}


void
resources_select_u64(uint64_t *keys, size_t n, size_t k)
{
    size_t    i;
    uint64_t  t;

    if (k > n) {
        k = n;
    }

    if (k == 0) {
        return;
    }

    /* a max-heap of the k smallest seen so far */

    for (i = k / 2; i-- > 0; /* void */) {
        resources_sift_down(keys, i, k);
    }

    for (i = k; i < n; i++) {
        if (keys[i] < keys[0]) {
            t = keys[0];
            keys[0] = keys[i];
            keys[i] = t;
            resources_sift_down(keys, 0, k);
        }
    }

    /* heap sort of the k */

    for (i = k; i-- > 1; /* void */) {
        t = keys[0];
        keys[0] = keys[i];
        keys[i] = t;
        resources_sift_down(keys, 0, i);
    }
}


/* bitmaps */

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) \
    && defined(__linux__)
#define RESOURCES_POPCNT_CLONES  __attribute__((target_clones("popcnt", \
                                                               "default")))

/*
 * The block loops of relevance by levels: vectorized, with AVX2 where the
 * CPU has it.  At -O2 (Debian builds modules with its nginx's flags) GCC
 * 12 vectorizes only loops whose trip count it knows; "dynamic" lets it
 * vectorize the blocks (variable at the end of a bitmap): 22-30% fewer
 * instructions a q request (callgrind).
 */
#define RESOURCES_VECTOR_CLONES                                              \
    __attribute__((target_clones("avx2", "popcnt", "default"),              \
                   optimize("tree-vectorize", "vect-cost-model=dynamic")))
#else
#define RESOURCES_POPCNT_CLONES
#define RESOURCES_VECTOR_CLONES
#endif


static inline uint64_t
resources_bits_word(const u_char *bits, size_t w)
{
    uint64_t  x;

    memcpy(&x, bits + w * sizeof(uint64_t), sizeof(uint64_t));

    return x;
}


RESOURCES_POPCNT_CLONES
size_t
resources_bits_and(uint64_t *acc, const u_char *bits, size_t nw)
{
    size_t    w, n;
    uint64_t  x;

    n = 0;

    for (w = 0; w < nw; w++) {
        x = acc[w] & resources_bits_word(bits, w);
        acc[w] = x;
        n += (size_t) __builtin_popcountll(x);
    }

    return n;
}


/*
 * The bits set in both a and b (any alignment), words [w, w + nw): the
 * loop of the counts over two bitmaps (two keywords, a result and a term).
 * Where the CPU has AVX2, 4 words at a time with a nibble lookup table
 * (Mula, Kurz and Lemire, "Faster population counts using AVX2
 * instructions", 2018): about half the instructions of POPCNT word by
 * word.  The choice is made once, at the first call.
 */

RESOURCES_POPCNT_CLONES
static size_t
resources_and_count_words(const u_char *a, const u_char *b, size_t w,
    size_t nw)
{
    size_t  n, e;

    for (n = 0, e = w + nw; w < e; w++) {
        n += (size_t) __builtin_popcountll(resources_bits_word(a, w)
                                           & resources_bits_word(b, w));
    }

    return n;
}


/* the same over the AND of nb >= 1 bitmaps */

RESOURCES_POPCNT_CLONES
static size_t
resources_and_many_count_words(const u_char **bits, size_t nb, size_t w,
    size_t nw)
{
    size_t    n, e, i;
    uint64_t  x;

    for (n = 0, e = w + nw; w < e; w++) {
        x = resources_bits_word(bits[0], w);

        for (i = 1; i < nb; i++) {
            x &= resources_bits_word(bits[i], w);
        }

        n += (size_t) __builtin_popcountll(x);
    }

    return n;
}


#if (RESOURCES_HAVE_AVX2)

/*
 * The bits set in each 64-bit lane of v, by a lookup of each nibble's
 * count (Mula, Kurz and Lemire, "Faster population counts using AVX2
 * instructions", 2018), and the sum of the lanes of such counts
 */

__attribute__((target("avx2,popcnt")))
static inline __m256i
resources_popcount_avx2(__m256i v)
{
    __m256i  lut, low, c;

    lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                           0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    low = _mm256_set1_epi8(0x0f);

    c = _mm256_add_epi8(
            _mm256_shuffle_epi8(lut, _mm256_and_si256(v, low)),
            _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(v, 4),
                                                      low)));

    return _mm256_sad_epu8(c, _mm256_setzero_si256());
}


__attribute__((target("avx2,popcnt")))
static inline size_t
resources_lanes_sum_avx2(__m256i acc)
{
    uint64_t  t[4];

    _mm256_storeu_si256((__m256i *) t, acc);

    return (size_t) (t[0] + t[1] + t[2] + t[3]);
}


__attribute__((target("avx2,popcnt")))
static size_t
resources_and_count_avx2(const u_char *a, const u_char *b, size_t w,
    size_t nw)
{
    size_t    i, n;
    __m256i   x, acc;

    acc = _mm256_setzero_si256();

    a += w * sizeof(uint64_t);
    b += w * sizeof(uint64_t);

    for (i = 0; i + 4 <= nw; i += 4) {
        x = _mm256_and_si256(
                _mm256_loadu_si256((const __m256i *) (a + i * 8)),
                _mm256_loadu_si256((const __m256i *) (b + i * 8)));

        acc = _mm256_add_epi64(acc, resources_popcount_avx2(x));
    }

    n = resources_lanes_sum_avx2(acc);

    for ( /* void */ ; i < nw; i++) {
        n += (size_t) __builtin_popcountll(resources_bits_word(a, i)
                                           & resources_bits_word(b, i));
    }

    return n;
}


__attribute__((target("avx2,popcnt")))
static size_t
resources_and_many_count_avx2(const u_char **bits, size_t nb, size_t w,
    size_t nw)
{
    size_t    i, j, n, e;
    __m256i   x, acc;

    acc = _mm256_setzero_si256();

    for (i = w, e = w + nw; i + 4 <= e; i += 4) {
        x = _mm256_loadu_si256((const __m256i *) (bits[0] + i * 8));

        for (j = 1; j < nb; j++) {
            x = _mm256_and_si256(x, _mm256_loadu_si256(
                                        (const __m256i *) (bits[j] + i * 8)));
        }

        acc = _mm256_add_epi64(acc, resources_popcount_avx2(x));
    }

    n = resources_lanes_sum_avx2(acc);

    return n + resources_and_many_count_words(bits, nb, i, e - i);
}

#endif


static int             resources_avx2 = -1;    /* -1: not known yet */

#if (RESOURCES_HAVE_AVX2)

static pthread_once_t  resources_avx2_once = PTHREAD_ONCE_INIT;


/*
 * The default, at the first count, unless resources_bits_avx2() chose
 * already: once, as the loader's threads may all count at once
 */

static void
resources_avx2_init(void)
{
    if (resources_avx2 < 0) {
        (void) resources_bits_avx2(1);
    }
}

#endif


int
resources_bits_avx2(int on)
{
#if (RESOURCES_HAVE_AVX2)
    __builtin_cpu_init();
    resources_avx2 = (on && __builtin_cpu_supports("avx2")) ? 1 : 0;
#else
    resources_avx2 = 0;
#endif

    return resources_avx2;
}


#if (RESOURCES_HAVE_AVX2)

/* whether the counts use AVX2: chosen at the first count */

static int
resources_use_avx2(void)
{
    (void) pthread_once(&resources_avx2_once, resources_avx2_init);

    return resources_avx2 > 0;
}

#endif


static size_t
resources_and_count(const u_char *a, const u_char *b, size_t w, size_t nw)
{
#if (RESOURCES_HAVE_AVX2)
    if (resources_use_avx2()) {
        return resources_and_count_avx2(a, b, w, nw);
    }
#endif

    return resources_and_count_words(a, b, w, nw);
}


static size_t
resources_and_many_count(const u_char **bits, size_t nb, size_t w,
    size_t nw)
{
#if (RESOURCES_HAVE_AVX2)
    if (resources_use_avx2()) {
        return resources_and_many_count_avx2(bits, nb, w, nw);
    }
#endif

    return resources_and_many_count_words(bits, nb, w, nw);
}


size_t
resources_bits_and_count(const uint64_t *acc, const u_char *bits, size_t nw)
{
    return resources_and_count((const u_char *) acc, bits, 0, nw);
}


size_t
resources_bits_count(const u_char *bits, size_t nw)
{
    return resources_and_count(bits, bits, 0, nw);
}


/*
 * Rows [lo, hi) of an n x n triangle for part p of nparts: about as many
 * counts in each (row i has n - i)
 */

void
resources_pair_rows(size_t n, unsigned part, unsigned nparts, size_t *lo,
    size_t *hi)
{
    size_t    i, area, total, bound[2];
    unsigned  k;

    total = n * (n + 1) / 2;

    for (k = 0; k < 2; k++) {
        area = total / nparts * (part + k);

        if (part + k >= nparts) {
            bound[k] = n;
            continue;
        }

        /* the first row whose start is at area or beyond */

        for (i = 0; i < n && resources_pair_index(n, i, i) < area; i++) {
            /* void */
        }

        bound[k] = i;
    }

    *lo = bound[0];
    *hi = bound[1];
}

/*
 * The pair counts of rows [lo, hi) (see resources_postings.h), a tile of
 * RESOURCES_PAIRS_TILE words of every bitmap at a time: n tiles stay in
 * the cache while each is counted against the others, where whole
 * bitmaps (ndocs / 8 bytes each) would be read from memory n times
 */

void
resources_bits_pairs(const u_char **bits, size_t n, size_t nw, size_t lo,
    size_t hi, uint32_t *counts)
{
    size_t     i, j, w, m;
    uint32_t  *row;

    for (i = lo; i < hi; i++) {
        memset(counts + resources_pair_index(n, i, i), 0,
               (n - i) * sizeof(uint32_t));
    }

    for (w = 0; w < nw; w += RESOURCES_PAIRS_TILE) {
        m = (nw - w < RESOURCES_PAIRS_TILE) ? nw - w : RESOURCES_PAIRS_TILE;

        for (i = lo; i < hi; i++) {
            row = counts + resources_pair_index(n, i, i);

            for (j = i; j < n; j++) {
                row[j - i] += (uint32_t) resources_and_count(bits[i], bits[j],
                                                             w, m);
            }
        }
    }
}


RESOURCES_POPCNT_CLONES
size_t
resources_bits_count_range(const uint64_t *acc, size_t lo, size_t hi)
{
    size_t    w, wl, wh, n;
    uint64_t  x;

    if (lo >= hi) {
        return 0;
    }

    wl = lo / 64;
    wh = (hi - 1) / 64;
    n = 0;

    for (w = wl; w <= wh; w++) {
        x = acc[w];

        if (w == wl) {
            x &= ~(uint64_t) 0 << (lo % 64);
        }

        if (w == wh && hi % 64) {
            x &= ~(uint64_t) 0 >> (64 - hi % 64);
        }

        n += (size_t) __builtin_popcountll(x);
    }

    return n;
}


RESOURCES_POPCNT_CLONES
size_t
resources_bits_clip(uint64_t *acc, size_t nw, size_t lo, size_t hi)
{
    size_t  w, n;

    if (hi > nw * 64) {
        hi = nw * 64;
    }

    if (lo >= hi) {
        memset(acc, 0, nw * sizeof(uint64_t));
        return 0;
    }

    memset(acc, 0, (lo / 64) * sizeof(uint64_t));
    memset(acc + (hi + 63) / 64, 0, (nw - (hi + 63) / 64) * sizeof(uint64_t));

    acc[lo / 64] &= ~(uint64_t) 0 << (lo % 64);

    if (hi % 64) {
        acc[hi / 64] &= ~(uint64_t) 0 >> (64 - hi % 64);
    }

    n = 0;

    for (w = lo / 64; w < (hi + 63) / 64; w++) {
        n += (size_t) __builtin_popcountll(acc[w]);
    }

    return n;
}


int
resources_bits_fields_add(uint64_t *acc, size_t nw, const u_char *p,
    size_t n)
{
    int       rc;
    size_t    i;
    uint32_t  e, d, f;
    uint64_t  bit;

    rc = 0;

    for (i = 0; i < n; i++) {
        e = resources_get_u32(p + i * sizeof(uint32_t));
        d = RESOURCES_DOCNO(e);
        f = RESOURCES_FIELD(e);

        if (d / 64 >= nw) {
            rc = -1;
            continue;
        }

        bit = (uint64_t) 1 << (d % 64);

        acc[d / 64] |= bit;
        acc[nw + d / 64] |= (f & 2) ? bit : 0;
        acc[2 * nw + d / 64] |= (f & 1) ? bit : 0;
        acc[3 * nw + d / 64] |= (f == RESOURCES_FIELD_TITLE) ? bit : 0;
    }

    return rc;
}


size_t
resources_bits_count_posting(const uint64_t *bits, uint32_t ndocs,
    const resources_posting_t *p)
{
    size_t    k, c;
    uint32_t  d;

    for (k = 0, c = 0; k < p->n; k++) {
        d = RESOURCES_DOCNO(resources_entry(p->data, k));

        if (d >= ndocs) {
            return RESOURCES_CORRUPT;
        }

        c += (bits[d / 64] >> (d % 64)) & 1;
    }

    return c;
}


void
resources_bits_fields_low(uint64_t *acc, size_t nw)
{
    size_t  i;

    for (i = 0; i < nw; i++) {
        acc[2 * nw + i] = (acc[2 * nw + i] & ~acc[nw + i]) | acc[3 * nw + i];
    }
}


/* the bits of word w that stand for docnos in [lo, hi) */

static inline uint64_t
resources_bits_range(size_t w, size_t lo, size_t hi)
{
    uint64_t  m;

    m = ~(uint64_t) 0;

    if (w == lo / 64) {
        m &= ~(uint64_t) 0 << (lo % 64);
    }

    if (w == (hi - 1) / 64 && hi % 64) {
        m &= ~(uint64_t) 0 >> (64 - hi % 64);
    }

    return m;
}


/* word w of the AND of nb bitmaps, bits outside [lo, hi) cleared */

static inline uint64_t
resources_bits_and_word(const u_char **bits, size_t nb, size_t w, size_t lo,
    size_t hi)
{
    size_t    i;
    uint64_t  x;

    x = resources_bits_word(bits[0], w);

    for (i = 1; i < nb; i++) {
        x &= resources_bits_word(bits[i], w);
    }

    return x & resources_bits_range(w, lo, hi);
}


RESOURCES_POPCNT_CLONES
size_t
resources_bits_and_many_count(const u_char **bits, size_t nb, size_t lo,
    size_t hi)
{
    size_t  w, n;

    if (nb == 0 || lo >= hi) {
        return 0;
    }

    n = 0;

    /* the words inside [lo, hi) at once, the first and last apart */

    w = lo / 64;

    n = (size_t) __builtin_popcountll(
                     resources_bits_and_word(bits, nb, w, lo, hi));

    if ((hi - 1) / 64 > w) {
        n += (size_t) __builtin_popcountll(
                 resources_bits_and_word(bits, nb, (hi - 1) / 64, lo, hi));

        if (nb <= 2) {
            n += resources_and_count(bits[0], bits[nb - 1], w + 1,
                                     (hi - 1) / 64 - w - 1);

        } else {
            n += resources_and_many_count(bits, nb, w + 1,
                                          (hi - 1) / 64 - w - 1);
        }
    }

    return n;
}


RESOURCES_POPCNT_CLONES
size_t
resources_bits_and_many_page(const u_char **bits, size_t nb, size_t lo,
    size_t hi, size_t offset, size_t limit, uint32_t *out)
{
    size_t    w, j, c;
    uint64_t  x;

    if (nb == 0 || lo >= hi || limit == 0) {
        return 0;
    }

    j = 0;

    for (w = lo / 64; w <= (hi - 1) / 64 && j < limit; w++) {
        x = resources_bits_and_word(bits, nb, w, lo, hi);
        c = (size_t) __builtin_popcountll(x);

        if (offset >= c) {
            offset -= c;
            continue;
        }

        for ( /* void */ ; x && j < limit; x &= x - 1) {
            if (offset) {
                offset--;
                continue;
            }

            out[j++] = (uint32_t) (w * 64 + __builtin_ctzll(x));
        }
    }

    return j;
}


/* slots: a slot is the OR of its bitmaps, the result the AND of the slots */

static inline uint64_t
resources_bits_slot_word(const resources_bits_slot_t *slot, size_t w)
{
    size_t    j;
    uint64_t  x;

    x = resources_bits_word(slot->bits[0], w);

    for (j = 1; j < slot->n; j++) {
        x |= resources_bits_word(slot->bits[j], w);
    }

    return x;
}


#if (RESOURCES_HAVE_AVX2)

/* the AND of the slots' ORs, words [w, w + nw), 4 words at a time */

__attribute__((target("avx2,popcnt")))
static size_t
resources_slots_count_avx2(const resources_bits_slot_t *slots, size_t ns,
    size_t w, size_t nw)
{
    size_t    i, j, k, n;
    uint64_t  x, y;
    __m256i   v, o, acc;

    acc = _mm256_setzero_si256();

    for (k = 0; k + 4 <= nw; k += 4) {
        v = _mm256_set1_epi8(-1);

        for (i = 0; i < ns; i++) {
            o = _mm256_loadu_si256((const __m256i *)
                                   (slots[i].bits[0] + (w + k) * 8));

            for (j = 1; j < slots[i].n; j++) {
                o = _mm256_or_si256(o, _mm256_loadu_si256((const __m256i *)
                                       (slots[i].bits[j] + (w + k) * 8)));
            }

            v = _mm256_and_si256(v, o);
        }

        acc = _mm256_add_epi64(acc, resources_popcount_avx2(v));
    }

    n = resources_lanes_sum_avx2(acc);

    for ( /* void */ ; k < nw; k++) {
        x = ~(uint64_t) 0;

        for (i = 0; i < ns; i++) {
            y = 0;

            for (j = 0; j < slots[i].n; j++) {
                y |= resources_bits_word(slots[i].bits[j], w + k);
            }

            x &= y;
        }

        n += (size_t) __builtin_popcountll(x);
    }

    return n;
}

#endif


RESOURCES_POPCNT_CLONES
size_t
resources_bits_slots_count(const resources_bits_slot_t *slots, size_t ns,
    size_t lo, size_t hi)
{
    size_t    i, w, n;
    uint64_t  x;

    const u_char  *one[RESOURCES_INTERSECT_MAX];

    if (ns == 0 || lo >= hi) {
        return 0;
    }

    /* a bitmap a slot: the AND of them */

    for (i = 0; i < ns && i < RESOURCES_INTERSECT_MAX; i++) {
        if (slots[i].n != 1) {
            break;
        }

        one[i] = slots[i].bits[0];
    }

    if (i == ns) {
        return resources_bits_and_many_count(one, ns, lo, hi);
    }

    n = 0;

#if (RESOURCES_HAVE_AVX2)

    (void) pthread_once(&resources_avx2_once, resources_avx2_init);

    if (resources_avx2 && (hi - 1) / 64 > lo / 64 + 1) {

        /* the words inside [lo, hi), then the first and the last */

        n = resources_slots_count_avx2(slots, ns, lo / 64 + 1,
                                       (hi - 1) / 64 - lo / 64 - 1);

        for (w = lo / 64; w <= (hi - 1) / 64; w += (hi - 1) / 64 - lo / 64) {
            x = resources_bits_range(w, lo, hi);

            for (i = 0; i < ns && x; i++) {
                x &= resources_bits_slot_word(&slots[i], w);
            }

            n += (size_t) __builtin_popcountll(x);
        }

        return n;
    }

#endif

    for (w = lo / 64; w <= (hi - 1) / 64; w++) {
        x = resources_bits_range(w, lo, hi);

        for (i = 0; i < ns && x; i++) {
            x &= resources_bits_slot_word(&slots[i], w);
        }

        n += (size_t) __builtin_popcountll(x);
    }

    return n;
}


/*
 * Relevance by levels.  With m scored slots a docno's score is one of the
 * sums of m weights; a level is the set of the m-tuples of fields (one per
 * slot) that give one sum.  Levels are taken from the highest sum down,
 * and the docnos of each in increasing order, until k are found: the
 * first levels usually hold them, and a level is left as soon as it gave
 * what was missing.  A slot's best field in a docno comes from the field
 * bits of its terms: title if one has both bits, else keyword if one has
 * the high bit, else summary if one has the low bit, else the body.
 */

/*
 * The words of a slot's bitmaps from word w0 on (nw of them), ORed into
 * acc: a block at a time, in loops the compiler can vectorize
 */

static void
resources_bits_block_or(const u_char **bits, size_t n, size_t w0,
    size_t nw, uint64_t *acc)
{
    size_t  i, j;

    for (j = 0; j < n; j++) {
        for (i = 0; i < nw; i++) {
            acc[i] |= resources_bits_word(bits[j], w0 + i);
        }
    }
}


#define RESOURCES_TOP_BLOCK  64                   /* words of a block */

/*
 * The first level of a block (every scored slot in its title) into acc:
 * the AND of the filters' words and of the scored slots' docnos in the
 * title (both field bits of one of their terms).  A slot of one term gives
 * its bitmaps as they are, the others are made into one block (u); then
 * the words of four of them are ANDed at a time, in one pass.
 */

static const uint64_t  resources_bits_ones[RESOURCES_TOP_BLOCK] = {
    [0 ... RESOURCES_TOP_BLOCK - 1] = ~(uint64_t) 0
};


static inline __attribute__((always_inline)) void
resources_bits_block_title(const resources_bits_slot_t *slots, size_t ns,
    size_t w0, size_t wn, uint64_t *acc)
{
    size_t                        i, j, c, np, nu;
    uint64_t                      t[RESOURCES_TOP_BLOCK],
                                  u[RESOURCES_TOP_BLOCK];
    const u_char                 *a, *b, *d, *e,
                                 *p[2 * RESOURCES_INTERSECT_MAX + 4];
    const resources_bits_slot_t  *sl;

    for (j = 0, np = 0, nu = 0; j < ns; j++) {
        sl = &slots[j];

        if (sl->n == 1) {
            if (sl->hi == NULL) {
                p[np++] = sl->bits[0] + w0 * sizeof(uint64_t);

            } else {
                p[np++] = sl->hi[0] + w0 * sizeof(uint64_t);
                p[np++] = sl->lo[0] + w0 * sizeof(uint64_t);
            }

            continue;
        }

        memset(t, 0, wn * sizeof(uint64_t));

        if (sl->hi == NULL) {
            resources_bits_block_or(sl->bits, sl->n, w0, wn, t);

        } else {
            for (c = 0; c < sl->n; c++) {
                a = sl->hi[c];
                b = sl->lo[c];

                for (i = 0; i < wn; i++) {
                    t[i] |= resources_bits_word(a, w0 + i)
                            & resources_bits_word(b, w0 + i);
                }
            }
        }

        if (nu++ == 0) {
            memcpy(u, t, wn * sizeof(uint64_t));

        } else {
            for (i = 0; i < wn; i++) {
                u[i] &= t[i];
            }
        }
    }

    if (nu) {
        p[np++] = (const u_char *) u;
    }

    while (np % 4) {
        p[np++] = (const u_char *) resources_bits_ones;
    }

    for (j = 0; j < np; j += 4) {
        a = p[j];
        b = p[j + 1];
        d = p[j + 2];
        e = p[j + 3];

        if (j == 0) {
            for (i = 0; i < wn; i++) {
                acc[i] = resources_bits_word(a, i) & resources_bits_word(b, i)
                         & resources_bits_word(d, i)
                         & resources_bits_word(e, i);
            }

        } else {
            for (i = 0; i < wn; i++) {
                acc[i] &= resources_bits_word(a, i)
                          & resources_bits_word(b, i)
                          & resources_bits_word(d, i)
                          & resources_bits_word(e, i);
            }
        }
    }
}


RESOURCES_VECTOR_CLONES
size_t
resources_bits_slots_top(const resources_bits_slot_t *slots, size_t ns,
    size_t lo, size_t hi, size_t k, uint32_t *out)
{
    size_t     i, j, w, w0, wn, n, m, nt, t, c, nl, nf, first, last, g;
    int        title;
    u_char     fields[RESOURCES_TOP_TUPLES][RESOURCES_TOP_SLOTS];
    u_char     lt[RESOURCES_TOP_TUPLES], need[RESOURCES_TOP_SLOTS];
    uint32_t   sum[RESOURCES_TOP_TUPLES], level, next;
    uint64_t   x, h, l, *tp;
    size_t     scored[RESOURCES_TOP_SLOTS], filter[RESOURCES_INTERSECT_MAX];
    uint64_t   f[RESOURCES_TOP_BLOCK], acc[RESOURCES_TOP_BLOCK],
               y[RESOURCES_TOP_BLOCK], anyt[RESOURCES_TOP_BLOCK],
               tier[RESOURCES_TOP_SLOTS][4][RESOURCES_TOP_BLOCK];
    const resources_bits_slot_t  *sl;

    if (ns == 0 || lo >= hi || k == 0 || ns > RESOURCES_INTERSECT_MAX) {
        return 0;
    }

    for (i = 0, m = 0, nf = 0; i < ns; i++) {
        if (slots[i].hi == NULL) {
            filter[nf++] = i;
            continue;
        }

        if (m == RESOURCES_TOP_SLOTS) {
            return 0;
        }

        scored[m++] = i;
    }

    /* every m-tuple of fields, and its sum */

    for (nt = 1, i = 0; i < m; i++) {
        nt *= 4;
    }

    for (t = 0; t < nt; t++) {
        sum[t] = 0;

        for (i = 0, c = t; i < m; i++, c /= 4) {
            fields[t][i] = (u_char) (c % 4);
            sum[t] += resources_field_weight[c % 4];
        }
    }

    first = lo / 64;
    last = (hi - 1) / 64;

    n = 0;
    level = UINT32_MAX;

    while (n < k) {

        /* the next level: the highest sum below the last one */

        for (t = 0, next = 0; t < nt; t++) {
            if (sum[t] < level && sum[t] > next) {
                next = sum[t];
            }
        }

        if (next == 0) {
            break;
        }

        level = next;

        /* its tuples, and the fields each slot needs in them */

        memset(need, 0, sizeof(need));

        for (t = 0, nl = 0; t < nt; t++) {
            if (sum[t] == level) {
                lt[nl++] = (u_char) t;

                for (i = 0; i < m; i++) {
                    need[i] |= (u_char) (1 << fields[t][i]);
                }
            }
        }

        /* the first level: every scored slot in its title */

        for (i = 0, title = (nl == 1); i < m; i++) {
            title &= (need[i] == (1 << RESOURCES_FIELD_TITLE));
        }

        /* the words, a block at a time */

        for (w0 = first; w0 <= last && n < k; w0 += RESOURCES_TOP_BLOCK) {
            wn = last + 1 - w0;
            wn = (wn < RESOURCES_TOP_BLOCK) ? wn : RESOURCES_TOP_BLOCK;

            if (title) {
                resources_bits_block_title(slots, ns, w0, wn, acc);

            } else {
                /* the filters */

                for (i = 0; i < wn; i++) {
                    f[i] = ~(uint64_t) 0;
                }

                for (j = 0; j < nf; j++) {
                    sl = &slots[filter[j]];

                    memset(acc, 0, wn * sizeof(uint64_t));
                    resources_bits_block_or(sl->bits, sl->n, w0, wn, acc);

                    for (i = 0; i < wn; i++) {
                        f[i] &= acc[i];
                    }
                }

                /* each word's fields: the best of its terms' */

                for (j = 0; j < m; j++) {
                    sl = &slots[scored[j]];

                    if (need[j] == (1 << RESOURCES_FIELD_TITLE)) {

                        /* the title alone (the first level): both bits */

                        tp = tier[j][RESOURCES_FIELD_TITLE];

                        for (i = 0; i < wn; i++) {
                            tp[i] = resources_bits_word(sl->hi[0], w0 + i)
                                    & resources_bits_word(sl->lo[0], w0 + i);
                        }

                        for (c = 1; c < sl->n; c++) {
                            for (i = 0; i < wn; i++) {
                                h = resources_bits_word(sl->hi[c], w0 + i);
                                l = resources_bits_word(sl->lo[c], w0 + i);
                                tp[i] |= h & l;
                            }
                        }

                        continue;
                    }

                    for (i = 0; i < wn; i++) {
                        tier[j][RESOURCES_FIELD_KEYWORD][i] = 0;   /* any hi */
                        tier[j][RESOURCES_FIELD_SUMMARY][i] = 0;   /* any lo */
                        anyt[i] = 0;
                    }

                    for (c = 0; c < sl->n; c++) {
                        for (i = 0; i < wn; i++) {
                            h = resources_bits_word(sl->hi[c], w0 + i);
                            l = resources_bits_word(sl->lo[c], w0 + i);
                            tier[j][RESOURCES_FIELD_KEYWORD][i] |= h;
                            tier[j][RESOURCES_FIELD_SUMMARY][i] |= l;
                            anyt[i] |= h & l;
                        }
                    }

                    if (need[j] & (1 << RESOURCES_FIELD_BODY)) {
                        tp = tier[j][RESOURCES_FIELD_BODY];
                        memset(tp, 0, wn * sizeof(uint64_t));
                        resources_bits_block_or(sl->bits, sl->n, w0, wn, tp);

                        for (i = 0; i < wn; i++) {
                            tp[i] &= ~tier[j][RESOURCES_FIELD_KEYWORD][i]
                                     & ~tier[j][RESOURCES_FIELD_SUMMARY][i];
                        }
                    }

                    for (i = 0; i < wn; i++) {
                        h = tier[j][RESOURCES_FIELD_KEYWORD][i];
                        tier[j][RESOURCES_FIELD_SUMMARY][i] &= ~h;
                        tier[j][RESOURCES_FIELD_KEYWORD][i] = h & ~anyt[i];
                        tier[j][RESOURCES_FIELD_TITLE][i] = anyt[i];
                    }
                }

                /* the level's docnos: the OR of its tuples */

                memset(acc, 0, wn * sizeof(uint64_t));

                for (t = 0; t < nl; t++) {
                    for (i = 0; i < wn; i++) {
                        y[i] = f[i];
                    }

                    for (j = 0; j < m; j++) {
                        tp = tier[j][fields[lt[t]][j]];

                        for (i = 0; i < wn; i++) {
                            y[i] &= tp[i];
                        }
                    }

                    for (i = 0; i < wn; i++) {
                        acc[i] |= y[i];
                    }
                }
            }


            /* [lo, hi) */

            if (w0 == first) {
                acc[0] &= ~(uint64_t) 0 << (lo % 64);
            }

            if (w0 + wn - 1 == last && hi % 64) {
                acc[wn - 1] &= ~(uint64_t) 0 >> (64 - hi % 64);
            }

            /*
             * the docnos, in order: a sparse level leaves most words
             * empty, so they are tested four at a time (the block padded
             * with empty words to a multiple of four)
             */

            for (i = wn; i % 4; i++) {
                acc[i] = 0;
            }

            for (g = 0; g < wn && n < k; g += 4) {
                if ((acc[g] | acc[g + 1] | acc[g + 2] | acc[g + 3]) == 0) {
                    continue;
                }

                for (i = g; i < g + 4 && n < k; i++) {
                    w = w0 + i;

                    for (x = acc[i]; x && n < k; x &= x - 1) {
                        out[n++] = (uint32_t) (w * 64 + __builtin_ctzll(x));
                    }
                }
            }
        }
    }

    return n;
}
