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


/*
 * Proximity and exactness (issue #22's ranking rules after the words and
 * their fields), read from the titles' signatures (column "tsig",
 * resources_title_sig()): the first NGX_HTTP_RESOURCES_RERANK docnos of
 * the relevance order (by score, then docno) are ordered again by score,
 * then by how many of q's pairs of words one after the other the title
 * holds so, then by how many of q's words it holds as typed, then by
 * docno.  A window, so that every page agrees with the others: past it,
 * the order is the score's.  0: nothing to do (no signatures, or no
 * pair and no whole word in q).
 */

ngx_uint_t
ngx_http_resources_rerank_wanted(ngx_http_resources_req_t *rq)
{
    size_t               i, n, whole;
    resources_q_t       *qs;
    resources_q_unit_t  *u;

    qs = rq->qs;

    if (rq->s->tsig == NULL || qs == NULL) {
        return 0;
    }

    for (i = 0, n = 0, whole = 0; i < qs->nunits; i++) {
        u = &qs->unit[i];

        if (u->flags & (RESOURCES_Q_NEGATED | RESOURCES_Q_IGNORED)) {
            continue;
        }

        n += u->nwords;
        whole += u->nwords - ((u->flags & RESOURCES_Q_PREFIX) != 0);
    }

    return (n >= 2 || whole > 0) ? NGX_HTTP_RESOURCES_RERANK : 0;
}


void
ngx_http_resources_rerank(ngx_http_resources_req_t *rq, uint32_t *docs,
    const uint32_t *score, size_t n)
{
    int                  pub;
    size_t               i, j, k, np, nw;
    uint32_t             d, key[NGX_HTTP_RESOURCES_RERANK];
    uint32_t             doc[NGX_HTTP_RESOURCES_RERANK], e, ed, sc;
    uint64_t             sig[2], pair[RESOURCES_Q_WORDS_MAX];
    uint64_t             word[RESOURCES_Q_WORDS_MAX];
    resources_q_t       *qs;
    resources_q_unit_t  *u;
    resources_q_word_t  *w, *prev;

    qs = rq->qs;
    n = ngx_min(n, NGX_HTTP_RESOURCES_RERANK);

    /*
     * q's positive words in order: their pairs, the whole ones; only
     * words of the view count (a word found through a typo or its forms
     * has no pair or form of its own to look for)
     */

    np = 0;
    nw = 0;
    prev = NULL;
    pub = (rq->view != RESOURCES_VIEW_ALL);

    for (i = 0; i < qs->nunits; i++) {
        u = &qs->unit[i];

        if (u->flags & (RESOURCES_Q_NEGATED | RESOURCES_Q_IGNORED)) {
            continue;
        }

        for (k = 0; k < u->nwords; k++) {
            w = &qs->word[u->word + k];

            if (resources_typos_find(&rq->s->typos.words, w->text.data,
                                     w->text.len, pub)
                < 0)
            {
                prev = NULL;
                continue;
            }

            if (prev) {
                pair[np++] = resources_sig_pair(prev->text.data,
                                                prev->text.len,
                                                w->text.data, w->text.len);
            }

            if (!(k + 1 == u->nwords && (u->flags & RESOURCES_Q_PREFIX))) {
                word[nw++] = resources_sig_word(w->surface.data,
                                                w->surface.len);
            }

            prev = w;
        }
    }

    for (i = 0; i < n; i++) {
        d = docs[i];

        ngx_memcpy(sig, rq->s->tsig + (size_t) d * 16, 16);

        for (k = 0, e = 0; k < np; k++) {
            e += ((sig[0] & pair[k]) == pair[k]);
        }

        for (k = 0, ed = 0; k < nw; k++) {
            ed += ((sig[1] & word[k]) == word[k]);
        }

        /* the rank in the window: score, then pairs, then words, high */

        key[i] = (score[i] << 10) | (e << 5) | ed;
        doc[i] = d;

        /* insertion: the window is small, and mostly in order already */

        for (j = i; j > 0; j--) {
            if (key[j - 1] > key[j]
                || (key[j - 1] == key[j] && doc[j - 1] < doc[j]))
            {
                break;
            }

            sc = key[j - 1]; key[j - 1] = key[j]; key[j] = sc;
            sc = doc[j - 1]; doc[j - 1] = doc[j]; doc[j] = sc;
        }
    }

    ngx_memcpy(docs, doc, n * sizeof(uint32_t));
}
