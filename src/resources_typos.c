/*
 * Copyright (C) ngx_http_resources authors
 */


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
