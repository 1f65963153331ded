/*
 * Copyright (C) ngx_http_resources authors
 */


#include <stdlib.h>
#include <string.h>

#include "resources_text.h"
#include "resources_typos.h"


#define RESOURCES_TYPOS_LEN  RESOURCES_WORD_MAX


static uint32_t
resources_typos_u32(const u_char *p)
{
    uint32_t  v;

    memcpy(&v, p, sizeof(uint32_t));

    return v;
}


const u_char *
resources_typos_word(const resources_typos_list_t *list, uint32_t i,
    size_t *len)
{
    uint32_t  a, b;

    a = resources_typos_u32(list->off + 4 * (size_t) i);
    b = resources_typos_u32(list->off + 4 * ((size_t) i + 1));

    *len = b - a;

    return list->text + a;
}


uint32_t
resources_typos_stem(const resources_typos_t *wl, uint32_t i)
{
    return resources_typos_u32(wl->stem + 4 * (size_t) i);
}


/*
 * A list at p (size bytes left): its counts, offsets, flags (and, for
 * the forms, their words' indexes, nwords set), text; checked in order,
 * each entry once.  Returns the bytes it takes, or 0 when it is malformed.
 */

static size_t
resources_typos_list(const u_char *p, size_t size, resources_typos_list_t *l,
    const u_char **stem, uint32_t nwords)
{
    int            cmp;
    size_t         need, i, la, lb;
    uint32_t       a, b;
    const u_char  *wa, *wb;

    if (size < 8) {
        return 0;
    }

    l->n = resources_typos_u32(p);
    l->bytes = resources_typos_u32(p + 4);

    if (l->n > (1u << 28) || l->bytes > (1u << 30)) {
        return 0;
    }

    need = 8 + 4 * ((size_t) l->n + 1) + (stem ? 4 * (size_t) l->n : 0)
           + (size_t) l->n + l->bytes;
    if (need > size) {
        return 0;
    }

    l->off = p + 8;

    if (stem) {
        *stem = l->off + 4 * ((size_t) l->n + 1);
        l->flags = *stem + 4 * (size_t) l->n;

    } else {
        l->flags = l->off + 4 * ((size_t) l->n + 1);
    }

    l->text = l->flags + l->n;

    if (resources_typos_u32(l->off) != 0
        || resources_typos_u32(l->off + 4 * (size_t) l->n) != l->bytes)
    {
        return 0;
    }

    for (i = 0; i < l->n; i++) {
        a = resources_typos_u32(l->off + 4 * i);
        b = resources_typos_u32(l->off + 4 * (i + 1));

        if (b <= a || b - a > RESOURCES_TYPOS_LEN) {
            return 0;
        }

        if (stem && resources_typos_u32(*stem + 4 * i) >= nwords) {
            return 0;
        }
    }

    /* in order, each entry once: a walk's skips rely on it */

    for (i = 1; i < l->n; i++) {
        wa = resources_typos_word(l, (uint32_t) i - 1, &la);
        wb = resources_typos_word(l, (uint32_t) i, &lb);

        cmp = memcmp(wa, wb, la < lb ? la : lb);
        if (cmp > 0 || (cmp == 0 && la >= lb)) {
            return 0;
        }
    }

    return need;
}


int
resources_typos_check(const void *data, size_t size, resources_typos_t *wl)
{
    size_t         n;
    const u_char  *p;

    p = data;

    if (size < 4 || resources_typos_u32(p) != RESOURCES_TYPOS_MAGIC) {
        return -1;
    }

    n = resources_typos_list(p + 4, size - 4, &wl->words, NULL, 0);
    if (n == 0) {
        return -1;
    }

    n = (4 + n + 3) & ~(size_t) 3;

    if (n > size
        || resources_typos_list(p + n, size - n, &wl->forms, &wl->stem,
                                wl->words.n)
           != size - n)
    {
        return -1;
    }

    return 0;
}


/* the first index of list whose entry is not below w[0 .. len) */

static uint32_t
resources_typos_lower(const resources_typos_list_t *list, const u_char *w,
    size_t len)
{
    int            cmp;
    size_t         n;
    uint32_t       lo, hi, mid;
    const u_char  *t;

    lo = 0;
    hi = list->n;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        t = resources_typos_word(list, mid, &n);

        cmp = memcmp(t, w, n < len ? n : len);
        if (cmp == 0) {
            cmp = (n > len) - (n < len);
        }

        if (cmp < 0) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return lo;
}


int64_t
resources_typos_find(const resources_typos_list_t *list, const u_char *w,
    size_t len, int public)
{
    size_t         n;
    uint32_t       i;
    const u_char  *t;

    i = resources_typos_lower(list, w, len);

    if (i == list->n) {
        return -1;
    }

    t = resources_typos_word(list, i, &n);

    if (n != len || memcmp(t, w, len) != 0
        || (public && !(list->flags[i] & RESOURCES_TYPOS_PUBLIC)))
    {
        return -1;
    }

    return i;
}


unsigned
resources_typos_allowed(size_t len)
{
    return (len >= RESOURCES_TYPOS_TWO) ? 2
           : (len >= RESOURCES_TYPOS_ONE) ? 1 : 0;
}


/* the first index in [lo, hi) of a word that does not start with p[0, n) */

static uint32_t
resources_typos_past(const resources_typos_list_t *wl, uint32_t lo,
    uint32_t hi, const u_char *p, size_t n)
{
    size_t         len;
    uint32_t       mid;
    const u_char  *w;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        w = resources_typos_word(wl, mid, &len);

        if (len >= n && memcmp(w, p, n) == 0) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return lo;
}


void
resources_typos_range(const resources_typos_list_t *list, const u_char *p,
    size_t n, uint32_t *lo, uint32_t *hi)
{
    *lo = resources_typos_lower(list, p, n);
    *hi = resources_typos_past(list, *lo, list->n, p, n);
}


/*
 * The walk: the words that start with q[0] are a range; the rows of the
 * dynamic programme are kept by depth, so that a word computes only the
 * rows past the prefix it shares with the previous one.  A row computes
 * the 2k + 1 cells of Ukkonen's band.  When a row's minimum exceeds k, no
 * word under that prefix can match: the walk skips them all (a binary
 * search to the end of the prefix).  As a prefix, when q is within k of
 * the prefix of depth d, every word under it matches: handed as a range.
 */

size_t
resources_typos_walk(const resources_typos_list_t *wl, const u_char *q,
    size_t m, unsigned k, int prefix, int public, resources_typos_pt handler,
    void *data)
{
    u_char         row[RESOURCES_TYPOS_LEN + 2][RESOURCES_TYPOS_LEN + 2];
    size_t         n, j, jlo, jhi, shared, plen, len;
    uint32_t       lo, hi, i, next, x;
    unsigned       v, best, stop;
    size_t         found;
    const u_char  *t, *prev, *w;

    if (m == 0 || m > RESOURCES_TYPOS_LEN || k > 2 || wl->n == 0) {
        return 0;
    }

    /* the range of words that start with q[0] */

    resources_typos_range(wl, q, 1, &lo, &hi);

    for (j = 0; j <= m; j++) {
        row[0][j] = (u_char) j;
    }

    found = 0;
    stop = 0;
    prev = NULL;
    plen = 0;

    for (i = lo; i < hi && !stop; i = next) {
        t = resources_typos_word(wl, i, &n);
        next = i + 1;

        for (shared = 0;
             prev != NULL && shared < n && shared < plen
             && prev[shared] == t[shared];
             shared++)
        { /* void */ }

        for (j = shared + 1; j <= n; j++) {
            size_t  d = j, c;

            jlo = (d > k) ? d - k : 1;
            jhi = (d + k < m) ? d + k : m;

            row[d][0] = (u_char) d;
            best = (jlo == 1) ? (unsigned) d : k + 1;

            if (jlo > 1) {
                row[d][jlo - 1] = (u_char) (k + 1);
            }

            if (jhi < m) {
                row[d][jhi + 1] = (u_char) (k + 1);
            }

            for (c = jlo; c <= jhi; c++) {
                v = row[d - 1][c - 1] + (t[d - 1] != q[c - 1]);

                if (row[d - 1][c] + 1u < v) {
                    v = row[d - 1][c] + 1u;
                }

                if (row[d][c - 1] + 1u < v) {
                    v = row[d][c - 1] + 1u;
                }

                if (d > 1 && c > 1 && t[d - 1] == q[c - 2]
                    && t[d - 2] == q[c - 1] && row[d - 2][c - 2] + 1u < v)
                {
                    v = row[d - 2][c - 2] + 1u;
                }

                if (v > k + 1) {
                    v = k + 1;
                }

                row[d][c] = (u_char) v;

                if (v < best) {
                    best = v;
                }
            }

            if (prefix && m >= jlo && m <= jhi && row[d][m] <= k) {

                /* every word under t[0, d) matches */

                next = resources_typos_past(wl, i + 1, hi, t, d);

                for (x = i; x < next; x++) {
                    if (public
                        && !(wl->flags[x] & RESOURCES_TYPOS_PUBLIC))
                    {
                        continue;
                    }

                    w = resources_typos_word(wl, x, &len);
                    found++;

                    if (handler(data, x, w, len, row[d][m])) {
                        stop = 1;
                        break;
                    }
                }

                break;
            }

            if (best > k) {
                next = resources_typos_past(wl, i + 1, hi, t, d);
                break;
            }
        }

        if (j > n && n + k >= m && m + k >= n && row[n][m] <= k
            && (!public || (wl->flags[i] & RESOURCES_TYPOS_PUBLIC)))
        {
            found++;

            if (handler(data, i, t, n, row[n][m])) {
                stop = 1;
            }
        }

        prev = t;
        plen = (j > n) ? n : j;
    }

    return found;
}


/* The typo index (resources_typos.h): its keys' hash */

uint64_t
resources_typos_hash(const u_char *p, size_t n)
{
    size_t    i;
    uint64_t  h;

    h = 0xcbf29ce484222325ULL ^ n;              /* FNV-1a */

    for (i = 0; i < n; i++) {
        h = (h ^ p[i]) * 0x100000001b3ULL;
    }

    h ^= h >> 33;                               /* MurmurHash3's finish */
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb93fe53ec1b9ULL;
    h ^= h >> 33;

    return h;
}


/* the hash of p[0 .. n) without its byte at skip (skip == n: none) */

static uint64_t
resources_typos_key(const u_char *p, size_t n, size_t skip)
{
    u_char  buf[RESOURCES_TYPOS_LEN];

    if (skip >= n) {
        return resources_typos_hash(p, n);
    }

    memcpy(buf, p, skip);
    memcpy(buf + skip, p + skip + 1, n - skip - 1);

    return resources_typos_hash(buf, n - 1);
}


/*
 * The keys of p[0 .. n): itself, then itself less byte j for j from 1
 * (the first byte stays); of a run of equal bytes only the first is
 * left out (the others give the same key).  Returns whether key j is one.
 */

static int
resources_typos_keyed(const u_char *p, size_t n, size_t j)
{
    return j == n || (j >= 1 && j < n && !(j >= 2 && p[j] == p[j - 1]));
}


typedef struct {
    uint64_t  hash;
    uint32_t  ref;
} resources_typos_entry_t;


void *
resources_typos_index_make(const resources_typos_list_t *list, size_t *size,
    const char **err)
{
    u_char                   *out;
    size_t                    i, j, l, len, plen, shared, n, cap, nb, need;
    uint32_t                  bits, v, *start, *check, *ref, *at;
    const u_char             *t, *prev;
    resources_typos_entry_t  *e, *ne;

    e = NULL;
    n = 0;
    cap = 0;
    prev = NULL;
    plen = 0;

    *err = "out of memory";

    if (list->n >= (1u << 24)) {
        *err = "more word forms than a typo index holds";
        return NULL;
    }

    /* the nodes: the prefixes a form does not share with the one before */

    for (i = 0; i < list->n; i++) {
        t = resources_typos_word(list, (uint32_t) i, &len);

        for (shared = 0;
             prev != NULL && shared < len && shared < plen
             && prev[shared] == t[shared];
             shared++)
        { /* void */ }

        for (l = (shared + 1 > RESOURCES_TYPOS_IX_NODE)
                 ? shared + 1 : RESOURCES_TYPOS_IX_NODE;
             l <= len;
             l++)
        {
            for (j = 1; j <= l; j++) {
                if (!resources_typos_keyed(t, l, j)) {
                    continue;
                }

                if (n == cap) {
                    cap = cap ? 2 * cap : 4096;
                    ne = realloc(e, cap * sizeof(resources_typos_entry_t));
                    if (ne == NULL) {
                        free(e);
                        return NULL;
                    }
                    e = ne;
                }

                e[n].hash = resources_typos_key(t, l, j);
                e[n].ref = (uint32_t) (i << 8 | l);
                n++;
            }
        }

        prev = t;
        plen = len;
    }

    if (n > RESOURCES_TYPOS_IX_MAX) {
        free(e);
        *err = "more keys than a typo index holds";
        return NULL;
    }

    /* buckets: about 4 entries each */

    for (bits = RESOURCES_TYPOS_IX_BITS_MIN;
         bits < RESOURCES_TYPOS_IX_BITS_MAX && ((size_t) 4 << bits) < n;
         bits++)
    {
        /* void */
    }

    nb = (size_t) 1 << bits;
    need = 16 + 4 * (nb + 1) + 8 * n;

    out = calloc(1, need);
    if (out == NULL) {
        free(e);
        return NULL;
    }

    v = RESOURCES_TYPOS_IX_MAGIC;
    memcpy(out, &v, 4);
    memcpy(out + 4, &bits, 4);
    v = (uint32_t) n;
    memcpy(out + 8, &v, 4);

    /* a counting sort by bucket (the value is 4-aligned: u32 writes) */

    start = (uint32_t *) (out + 16);
    check = start + nb + 1;
    ref = check + n;

    for (i = 0; i < n; i++) {
        start[(e[i].hash >> (64 - bits)) + 1]++;
    }

    for (i = 0; i < nb; i++) {
        start[i + 1] += start[i];
    }

    at = malloc(nb * sizeof(uint32_t));
    if (at == NULL) {
        free(out);
        free(e);
        return NULL;
    }

    memcpy(at, start, nb * sizeof(uint32_t));

    for (i = 0; i < n; i++) {
        j = at[e[i].hash >> (64 - bits)]++;
        check[j] = (uint32_t) e[i].hash;
        ref[j] = e[i].ref;
    }

    free(at);
    free(e);

    *size = need;

    return out;
}


int
resources_typos_index_check(const void *data, size_t size,
    const resources_typos_list_t *list, resources_typos_index_t *ix)
{
    size_t         nb, i, len, plen;
    uint32_t       a, b, r, f, l;
    const u_char  *p, *t, *prev;

    p = data;

    if (size < 16 || resources_typos_u32(p) != RESOURCES_TYPOS_IX_MAGIC) {
        return -1;
    }

    ix->bits = resources_typos_u32(p + 4);
    ix->n = resources_typos_u32(p + 8);

    if (ix->bits < RESOURCES_TYPOS_IX_BITS_MIN
        || ix->bits > RESOURCES_TYPOS_IX_BITS_MAX
        || ix->n > RESOURCES_TYPOS_IX_MAX
        || resources_typos_u32(p + 12) != 0)
    {
        return -1;
    }

    nb = (size_t) 1 << ix->bits;

    if (size != 16 + 4 * (nb + 1) + 8 * (size_t) ix->n) {
        return -1;
    }

    ix->start = p + 16;
    ix->check = ix->start + 4 * (nb + 1);
    ix->ref = ix->check + 4 * (size_t) ix->n;

    if (resources_typos_u32(ix->start) != 0
        || resources_typos_u32(ix->start + 4 * nb) != ix->n)
    {
        return -1;
    }

    for (i = 0, a = 0; i < nb; i++, a = b) {
        b = resources_typos_u32(ix->start + 4 * (i + 1));

        if (b < a) {
            return -1;
        }
    }

    /* each node within its form, and that form the first to start so */

    for (i = 0; i < ix->n; i++) {
        r = resources_typos_u32(ix->ref + 4 * i);
        f = r >> 8;
        l = r & 0xff;

        if (f >= list->n) {
            return -1;
        }

        t = resources_typos_word(list, f, &len);

        if (l < RESOURCES_TYPOS_IX_NODE || l > len) {
            return -1;
        }

        if (f > 0) {
            prev = resources_typos_word(list, f - 1, &plen);

            if (plen >= l && memcmp(prev, t, l) == 0) {
                return -1;
            }
        }
    }

    return 0;
}


/* the optimal string alignment distance of a and b, if 0 or 1; else 2 */

static unsigned
resources_typos_osa1(const u_char *a, size_t la, const u_char *b, size_t lb)
{
    size_t         i;
    const u_char  *c;

    if (la < lb) {
        c = a; a = b; b = c;
        i = la; la = lb; lb = i;
    }

    if (la - lb > 1) {
        return 2;
    }

    for (i = 0; i < lb && a[i] == b[i]; i++) { /* void */ }

    if (la != lb) {
        return memcmp(a + i + 1, b + i, lb - i) == 0 ? 1 : 2;
    }

    if (i == la) {
        return 0;
    }

    if (memcmp(a + i + 1, b + i + 1, la - i - 1) == 0) {
        return 1;                               /* a substitution */
    }

    if (i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i]
        && memcmp(a + i + 2, b + i + 2, la - i - 2) == 0)
    {
        return 1;                               /* a transposition */
    }

    return 2;
}


#define RESOURCES_TYPOS_IX_FOUND  256

typedef struct {
    uint32_t  lo;
    uint32_t  hi;
    uint32_t  len;
    uint32_t  distance;
} resources_typos_found_t;


/*
 * The nodes within one typo of q[0 .. m) (whole forms only, unless
 * prefix), as ranges of the list: in its order, the outer of nested
 * ranges first, and of two nodes with the same range the shorter, as the
 * walk meets them; nested ones dropped.  Returns how many, or -1 when it
 * cannot say: m out of the index's reach, or more nodes than it keeps.
 */

static ssize_t
resources_typos_found(const resources_typos_index_t *ix,
    const resources_typos_list_t *list, const u_char *q, size_t m,
    int prefix, resources_typos_found_t *got)
{
    size_t                    j, e, end, i, n, len, k;
    uint32_t                  r, f, l, c, top, x;
    uint64_t                  h;
    unsigned                  d;
    const u_char             *t;
    resources_typos_found_t   tmp;

    if (m <= RESOURCES_TYPOS_IX_NODE || m > RESOURCES_TYPOS_LEN
        || ix->n == 0 || list->n == 0)
    {
        return -1;                      /* a shorter node could match */
    }

    n = 0;

    for (j = 1; j <= m; j++) {
        if (!resources_typos_keyed(q, m, j)) {
            continue;
        }

        h = resources_typos_key(q, m, j);
        c = (uint32_t) h;
        top = (uint32_t) (h >> (64 - ix->bits));

        e = resources_typos_u32(ix->start + 4 * (size_t) top);
        end = resources_typos_u32(ix->start + 4 * ((size_t) top + 1));

        for ( /* void */ ; e < end; e++) {
            if (resources_typos_u32(ix->check + 4 * e) != c) {
                continue;
            }

            r = resources_typos_u32(ix->ref + 4 * e);
            f = r >> 8;
            l = r & 0xff;
            t = resources_typos_word(list, f, &len);

            if ((!prefix && l != len) || t[0] != q[0]) {
                continue;
            }

            d = resources_typos_osa1(q, m, t, l);
            if (d > 1) {
                continue;
            }

            if (n == RESOURCES_TYPOS_IX_FOUND) {
                return -1;
            }

            got[n].lo = f;
            got[n].hi = prefix ? resources_typos_past(list, f + 1, list->n,
                                                      t, l)
                               : f + 1;
            got[n].len = l;
            got[n].distance = d;
            n++;
        }
    }

    /* a few: an insertion sort */

    for (i = 1; i < n; i++) {
        tmp = got[i];

        for (j = i;
             j > 0 && (got[j - 1].lo > tmp.lo
                       || (got[j - 1].lo == tmp.lo
                           && (got[j - 1].hi < tmp.hi
                               || (got[j - 1].hi == tmp.hi
                                   && got[j - 1].len > tmp.len))));
             j--)
        {
            got[j] = got[j - 1];
        }

        got[j] = tmp;
    }

    /* the outer ranges only (prefixes' ranges nest or are apart) */

    for (i = 0, k = 0, x = 0; i < n; i++) {
        if (got[i].hi <= x) {
            continue;
        }

        x = got[i].hi;
        got[k++] = got[i];
    }

    return (ssize_t) k;
}


size_t
resources_typos_lookup(const resources_typos_index_t *ix,
    const resources_typos_list_t *list, const u_char *q, size_t m,
    int prefix, int public, resources_typos_pt handler, void *data)
{
    size_t                    i, len, found;
    ssize_t                   n;
    uint32_t                  x;
    const u_char             *w;
    resources_typos_found_t   got[RESOURCES_TYPOS_IX_FOUND];

    n = resources_typos_found(ix, list, q, m, prefix, got);

    if (n < 0) {
        return resources_typos_walk(list, q, m, 1, prefix, public, handler,
                                    data);
    }

    found = 0;

    for (i = 0; i < (size_t) n; i++) {
        for (x = got[i].lo; x < got[i].hi; x++) {
            if (public && !(list->flags[x] & RESOURCES_TYPOS_PUBLIC)) {
                continue;
            }

            w = resources_typos_word(list, x, &len);
            found++;

            if (handler(data, x, w, len, got[i].distance)) {
                return found;
            }
        }
    }

    return found;
}


ssize_t
resources_typos_nodes(const resources_typos_index_t *ix,
    const resources_typos_list_t *list, const u_char *q, size_t m,
    uint32_t *lo, uint32_t *hi, size_t max)
{
    size_t                    i;
    ssize_t                   n;
    resources_typos_found_t   got[RESOURCES_TYPOS_IX_FOUND];

    n = resources_typos_found(ix, list, q, m, 1, got);

    if (n < 0 || (size_t) n > max) {
        return -1;
    }

    for (i = 0; i < (size_t) n; i++) {
        lo[i] = got[i].lo;
        hi[i] = got[i].hi;
    }

    return n;
}
