/*
 * Copyright (C) ngx_http_resources authors
 *
 * A result's forms and orders: docnos in docno order (the default order)
 * or a bitmap, one made from the other; a date range as a docno range;
 * oldest first; title or update order, walking their column.
 */


#include "ngx_http_resources_module.h"


/* the first docno in [lo, hi) whose date makes pred true (pred monotone) */

#define NGX_HTTP_RESOURCES_DATE_LE    0   /* date <= v (0 counts as <=) */
#define NGX_HTTP_RESOURCES_DATE_LT    1   /* date < v */

uint32_t
ngx_http_resources_date_bound(resources_snapshot_t *s, uint32_t v, int op)
{
    uint32_t  lo, hi, mid, d;

    lo = 0;
    hi = s->header.ndocs;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        d = resources_snapshot_col(s->date, mid);

        if (op == NGX_HTTP_RESOURCES_DATE_LE ? d <= v : d < v) {
            hi = mid;

        } else {
            lo = mid + 1;
        }
    }

    return lo;
}


/* oldest first, undated last, ties in input order (= docno order) */

void
ngx_http_resources_oldest(resources_snapshot_t *s, uint32_t *res, size_t n,
    uint32_t *out)
{
    size_t    u, i, j, k, lo, hi;
    uint32_t  date;

    /* u: the first undated one (undated are last in docno order) */

    lo = 0;
    hi = n;

    while (lo < hi) {
        i = lo + (hi - lo) / 2;

        if (resources_snapshot_col(s->date, res[i]) == 0) {
            hi = i;

        } else {
            lo = i + 1;
        }
    }

    u = lo;
    k = 0;
    j = u;

    while (j > 0) {
        date = resources_snapshot_col(s->date, res[j - 1]);
        i = j - 1;

        while (i > 0 && resources_snapshot_col(s->date, res[i - 1]) == date) {
            i--;
        }

        ngx_memcpy(out + k, res + i, (j - i) * sizeof(uint32_t));
        k += j - i;
        j = i;
    }

    ngx_memcpy(out + k, res + u, (n - u) * sizeof(uint32_t));
}


/*
 * The first k docnos of a result bitmap (of k or more) in the order of a
 * walk column (bytitle, byupdated: the docnos in that order)
 */

void
ngx_http_resources_order_walk(resources_snapshot_t *s, const u_char *walk,
    const uint64_t *bits, size_t k, uint32_t *out)
{
    size_t    i, m;
    uint32_t  d;

    for (i = 0, m = 0; m < k && i < s->header.ndocs; i++) {
        d = resources_snapshot_col(walk, i);

        if ((bits[d / 64] >> (d % 64)) & 1) {
            out[m++] = d;
        }
    }
}


/* the same over a bitmap in the map (any alignment), in [lo, hi) */

void
ngx_http_resources_order_walk_map(resources_snapshot_t *s,
    const u_char *walk, const u_char *bits, uint32_t lo, uint32_t hi,
    size_t k, uint32_t *out)
{
    size_t    i, m;
    uint32_t  d;

    for (i = 0, m = 0; m < k && i < s->header.ndocs; i++) {
        d = resources_snapshot_col(walk, i);

        if (d >= lo && d < hi && ngx_http_resources_bit(bits, d)) {
            out[m++] = d;
        }
    }
}


/* the n set bits of a result bitmap, as a list in docno order */

uint32_t *
ngx_http_resources_bits_list(ngx_http_resources_req_t *rq,
    const uint64_t *bits, size_t n)
{
    size_t     w, j, nw;
    uint32_t  *out;
    uint64_t   x;

    nw = RESOURCES_BITMAP_WORDS(rq->s->header.ndocs);

    out = ngx_http_resources_alloc(rq, (n + 1) * sizeof(uint32_t));
    if (out == NULL) {
        return NULL;
    }

    for (w = 0, j = 0; w < nw && j < n; w++) {
        for (x = bits[w]; x; x &= x - 1) {
            out[j++] = (uint32_t) (w * 64 + __builtin_ctzll(x));
        }
    }

    return out;
}


/* the result's docnos, all in [lo, hi), as a bitmap (work area) */

uint64_t *
ngx_http_resources_result_bits(ngx_http_resources_req_t *rq,
    const uint32_t *res, size_t n)
{
    size_t     i, nw;
    uint64_t  *bits;

    nw = RESOURCES_BITMAP_WORDS(rq->s->header.ndocs);

    bits = ngx_http_resources_calloc(rq, nw * sizeof(uint64_t));
    if (bits == NULL) {
        return NULL;
    }

    for (i = 0; i < n; i++) {
        bits[res[i] / 64] |= (uint64_t) 1 << (res[i] % 64);
    }

    return bits;
}
