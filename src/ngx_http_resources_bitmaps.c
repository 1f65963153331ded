/*
 * Copyright (C) ngx_http_resources authors
 *
 * The answers from bitmaps (public view): frequent keywords and types ANDed
 * (step 5 of docs/design.md's list), relevance read by levels from the
 * words' field bitmaps (step 6), totals as the loader counted them.
 */


#include "ngx_http_resources_module.h"


/*
 * The count of the AND of nb bitmaps of the snapshot over docnos [lo, hi),
 * when the loader counted it (one or two bitmaps, every docno):
 * NGX_DECLINED otherwise
 */

static ngx_int_t
ngx_http_resources_pair_total(ngx_http_resources_req_t *rq,
    const u_char **bits, size_t nb, uint32_t lo, uint32_t hi, size_t *n)
{
    if (lo != 0 || hi != rq->s->header.ndocs
        || resources_snapshot_pair_count(rq->s, bits, nb, n) != 0)
    {
        return NGX_DECLINED;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, rq->r->connection->log, 0,
                   "resources: total %uz as the loader counted it", *n);

    return NGX_OK;
}


/*
 * Frequent keywords and types (public view) have bitmaps.  Two or more: AND
 * them, ndocs / 64 word operations; one, with other lists: intersect the
 * others and keep what its bitmap has; one alone: only when the caller
 * wants the result as a bitmap (*bits not NULL on entry: facets).
 *
 * When the bitmaps are all there is, the result is that bitmap: *bits is
 * set to it (when asked for), *total is its count, and when the caller
 * needs only a page of the default order (limit != SIZE_MAX) *res is that
 * page (*page items) and nothing else is built.  Otherwise *res is the
 * whole result in docno order (*page is SIZE_MAX), or NULL when bitmaps do
 * not help: the lists are intersected as usual.
 */

ngx_int_t
ngx_http_resources_bitmaps(ngx_http_resources_req_t *rq, uint32_t lo,
    uint32_t hi, size_t offset, size_t limit, uint32_t **res,
    uint32_t **score, size_t *total, size_t *page, uint64_t **bits)
{
    size_t         i, j, nw, n, nb, cap, k;
    uint32_t      *out, *sc, d;
    uint64_t      *acc;
    ngx_uint_t     want;
    const u_char  *one, *bm[NGX_HTTP_RESOURCES_LISTS_MAX];

    want = (*bits != NULL);

    *res = NULL;
    *page = SIZE_MAX;
    *bits = NULL;

    if (rq->empty || lo >= hi || rq->dense) {
        return NGX_OK;
    }

    for (i = 0, nb = 0; i < rq->nlists; i++) {
        nb += (rq->bits[i] != NULL);
    }

    if (nb == 0 || (nb == 1 && rq->nlists == 1 && !want)) {
        return NGX_OK;
    }

    if (!want && limit != SIZE_MAX && nb == rq->nlists
        && nb <= NGX_HTTP_RESOURCES_LISTS_MAX)
    {
        /*
         * Bitmaps alone, a page of the default order: the count and the
         * page come from the bitmaps as they are, nothing is written
         */

        for (i = 0; i < nb; i++) {
            bm[i] = rq->bits[i];
        }

        if (ngx_http_resources_pair_total(rq, bm, nb, lo, hi, &n) != NGX_OK) {
            n = resources_bits_and_many_count(bm, nb, lo, hi);
        }
        k = (offset < n) ? ngx_min(limit, n - offset) : 0;

        out = ngx_http_resources_alloc(rq, (k + 1) * sizeof(uint32_t));
        if (out == NULL) {
            return NGX_ERROR;
        }

        rq->nlists = 0;

        *res = out;
        *page = resources_bits_and_many_page(bm, nb, lo, hi, offset, k, out);
        *total = n;
        *score = NULL;

        return NGX_OK;
    }

    nw = RESOURCES_BITMAP_WORDS(rq->s->header.ndocs);
    acc = NULL;
    one = NULL;

    for (i = 0, k = 0; i < rq->nlists; i++) {
        if (rq->bits[i] == NULL) {
            rq->lists[k++] = rq->lists[i];      /* kept as a list */
            continue;
        }

        if (nb == 1 && rq->nlists > 1) {
            one = rq->bits[i];
            continue;
        }

        if (acc == NULL) {
            acc = ngx_http_resources_alloc(rq, nw * sizeof(uint64_t));
            if (acc == NULL) {
                return NGX_ERROR;
            }

            ngx_memcpy(acc, rq->bits[i], nw * sizeof(uint64_t));
            continue;
        }

        resources_bits_and(acc, rq->bits[i], nw);
    }

    rq->nlists = k;

    if (acc && rq->nlists == 0) {

        n = resources_bits_clip(acc, nw, lo, hi);

        *total = n;
        *bits = want ? acc : NULL;
        *score = NULL;

        if (limit != SIZE_MAX) {

            /* only the page: skip offset set bits, take limit */

            k = (offset < n) ? ngx_min(limit, n - offset) : 0;

            out = ngx_http_resources_alloc(rq, (k + 1) * sizeof(uint32_t));
            if (out == NULL) {
                return NGX_ERROR;
            }

            bm[0] = (const u_char *) acc;
            j = resources_bits_and_many_page(bm, 1, lo, hi, offset, k, out);

            *res = out;
            *page = j;

            return NGX_OK;
        }

        /* the set bits, in docno order */

        out = ngx_http_resources_bits_list(rq, acc, n);
        if (out == NULL) {
            return NGX_ERROR;
        }

        *res = out;

        return NGX_OK;
    }

    /* the other lists, then through the bitmap(s) */

    for (i = 0, cap = SIZE_MAX; i < rq->nlists; i++) {
        cap = ngx_min(cap, rq->lists[i].n);
    }

    out = ngx_http_resources_alloc(rq, (cap + 1) * sizeof(uint32_t));
    sc = rq->nwords ? ngx_http_resources_alloc(rq,
                                               (cap + 1) * sizeof(uint32_t))
                    : NULL;
    if (out == NULL || (rq->nwords && sc == NULL)) {
        return NGX_ERROR;
    }

    n = resources_intersect_dense(rq->lists, rq->nlists, lo, hi, rq->dense,
                                  out, sc);

    for (i = 0, j = 0; i < n; i++) {
        d = out[i];

        if (acc ? (acc[d / 64] >> (d % 64)) & 1
                : ngx_http_resources_bit(one, d))
        {
            out[j] = d;

            if (sc) {
                sc[j] = sc[i];
            }

            j++;
        }
    }

    *res = out;
    *score = sc;
    *total = j;

    return NGX_OK;
}


/*
 * Relevance from bitmaps (public view): every filter is a bitmap, q has at
 * most RESOURCES_TOP_SLOTS words and each has its bitmaps (a prefix: at
 * least one of the words it starts; the rare others are made into one).
 * The total is the count of the AND, the page is read level by level
 * (resources_bits_slots_top); nothing else is built.  Otherwise
 * NGX_DECLINED: the lists are intersected and ranked as usual.
 */

static uint32_t ngx_http_resources_slots_score(
    const resources_bits_slot_t *slots, size_t ns, uint32_t d);


ngx_int_t
ngx_http_resources_top(ngx_http_resources_req_t *rq, uint32_t lo,
    uint32_t hi, size_t offset, size_t limit, size_t *total,
    uint32_t **page, size_t *m)
{
    size_t                      i, j, n, k, nw, ns, nb, w, want;
    uint32_t                   *out, score[NGX_HTTP_RESOURCES_RERANK];
    uint32_t                    d;
    size_t                      wi;
    uint64_t                   *rare, *notx, x, y;
    ngx_uint_t                  slot, nrare;
    const u_char              **bits, *pair[2];
    resources_bits_slot_t       slots[NGX_HTTP_RESOURCES_LISTS_MAX], *sl;
    ngx_http_resources_term_t  *t;

    if (rq->nterms == 0 || lo >= hi
        || rq->nwords > RESOURCES_TOP_SLOTS
        || rq->nlists + rq->exclude > NGX_HTTP_RESOURCES_LISTS_MAX)
    {
        return NGX_DECLINED;
    }

    bits = ngx_http_resources_alloc(rq, (rq->nlists + rq->nterms + rq->nwords
                                         + 1)
                                        * 3 * sizeof(u_char *));
    if (bits == NULL) {
        return NGX_ERROR;
    }

    /* the filters: a bitmap each */

    ns = 0;
    nb = 0;

    for (i = 0; i < rq->nlists; i++) {
        if (rq->lists[i].scored) {
            continue;
        }

        if (rq->bits[i] == NULL) {
            return NGX_DECLINED;
        }

        sl = &slots[ns++];
        sl->bits = &bits[nb];
        sl->hi = NULL;
        sl->lo = NULL;
        sl->n = 1;
        bits[nb++] = rq->bits[i];
    }

    nw = RESOURCES_BITMAP_WORDS(rq->s->header.ndocs);

    /* q's exclusions: a filter, the bitmap of every docno but theirs */

    if (rq->exclude) {
        notx = ngx_http_resources_alloc(rq, nw * sizeof(uint64_t));
        if (notx == NULL) {
            return NGX_ERROR;
        }

        if (rq->nexcluded_bits) {

            /* words with bitmaps: NOT their OR, a word at a time */

            for (wi = 0; wi < nw; wi++) {
                x = 0;

                for (i = 0; i < rq->nexcluded_bits; i++) {
                    ngx_memcpy(&y, rq->excluded_bits[i]
                                   + wi * sizeof(uint64_t),
                               sizeof(uint64_t));
                    x |= y;
                }

                notx[wi] = ~x;
            }

        } else {
            ngx_memset(notx, 0xff, nw * sizeof(uint64_t));

            /*
             * every entry checked: a posting's are only at its ends
             * (resources_snapshot_posting())
             */

            for (i = 0; i < rq->excluded.n; i++) {
                d = RESOURCES_DOCNO(resources_get_u32(rq->excluded.data
                                                      + i
                                                        * sizeof(uint32_t)));

                if (d >= rq->s->header.ndocs) {
                    (void) ngx_http_resources_damaged(rq, "an excluded docno"
                                                      " is past the end");
                    return NGX_ERROR;
                }

                notx[d / 64] &= ~((uint64_t) 1 << (d % 64));
            }
        }

        sl = &slots[ns++];
        sl->bits = &bits[nb];
        sl->hi = NULL;
        sl->lo = NULL;
        sl->n = 1;
        bits[nb++] = (u_char *) notx;
    }

    /* the words: their terms' bitmaps, the rare ones made into one */

    for (slot = 0, i = 0; slot < rq->nwords; slot++) {

        for (j = i, n = 0, nrare = 0;
             j < rq->nterms && rq->terms[j].slot == slot;
             j++)
        {
            if (rq->terms[j].bits[0]) {
                n++;

            } else {
                nrare++;
            }
        }

        if (n == 0) {
            return NGX_DECLINED;
        }

        n += (nrare > 0);

        sl = &slots[ns++];
        sl->bits = &bits[nb];
        sl->hi = &bits[nb + n];
        sl->lo = &bits[nb + 2 * n];
        sl->n = n;
        nb += 3 * n;

        rare = NULL;

        if (nrare) {
            rare = ngx_http_resources_calloc(rq, 4 * nw * sizeof(uint64_t));
            if (rare == NULL) {
                return NGX_ERROR;
            }

            sl->bits[n - 1] = (u_char *) rare;
            sl->hi[n - 1] = (u_char *) (rare + nw);
            sl->lo[n - 1] = (u_char *) (rare + 2 * nw);
        }

        for (k = 0; i < j; i++) {
            t = &rq->terms[i];

            if (t->bits[0]) {
                sl->bits[k] = t->bits[0];
                sl->hi[k] = t->bits[1];
                sl->lo[k] = t->bits[2];
                k++;
                continue;
            }

            if (resources_bits_fields_add(rare, nw, t->post.data, t->post.n)
                != 0)
            {
                (void) ngx_http_resources_damaged(rq, "a word's posting is"
                                                  " past the end");
                return NGX_ERROR;
            }
        }

        /* the rare words as one: see resources_bits_fields_low() */

        if (rare) {
            resources_bits_fields_low(rare, nw);
        }
    }

    /* one bitmap a slot, two slots at most: the loader may have counted */

    for (i = 0; i < ns && i < 2 && slots[i].n == 1; i++) {
        pair[i] = slots[i].bits[0];
    }

    if (i < ns
        || ngx_http_resources_pair_total(rq, pair, ns, lo, hi, &n) != NGX_OK)
    {
        n = resources_bits_slots_count(slots, ns, lo, hi);
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, rq->r->connection->log, 0,
                   "resources: relevance from bitmaps: %uz slots, total %uz",
                   ns, n);

    *total = n;
    *page = NULL;
    *m = 0;

    if (offset >= n || limit == 0) {
        return NGX_OK;
    }

    k = ngx_min(n, offset + limit);

    /* a page in the window of proximity: the window, ordered again */

    w = (offset < NGX_HTTP_RESOURCES_RERANK)
        ? ngx_http_resources_rerank_wanted(rq) : 0;

    want = k;
    k = ngx_max(k, ngx_min(n, w));

    out = ngx_http_resources_alloc(rq, k * sizeof(uint32_t));
    if (out == NULL) {
        return NGX_ERROR;
    }

    k = resources_bits_slots_top(slots, ns, lo, hi, k, out);

    if (k <= offset) {
        (void) ngx_http_resources_damaged(rq, "fewer items ranked than"
                                          " counted");
        return NGX_ERROR;
    }

    if (w) {
        w = ngx_min(k, w);

        for (i = 0; i < w; i++) {
            score[i] = ngx_http_resources_slots_score(slots, ns, out[i]);
        }

        ngx_http_resources_rerank(rq, out, score, w);
    }

    *page = out + offset;
    *m = ngx_min(k, want) - offset;

    return NGX_OK;
}


/*
 * A docno's score from the slots' bitmaps: each word's best field (the
 * bitmaps are LMDB values, 2-aligned: ngx_http_resources_bit())
 */

static uint32_t
ngx_http_resources_slots_score(const resources_bits_slot_t *slots, size_t ns,
    uint32_t d)
{
    size_t     i, j;
    uint32_t   score, f, best;

    score = 0;

    for (i = 0; i < ns; i++) {
        if (slots[i].hi == NULL) {
            continue;                   /* a filter */
        }

        best = 0;

        for (j = 0; j < slots[i].n; j++) {
            if (!ngx_http_resources_bit(slots[i].bits[j], d)) {
                continue;
            }

            f = ngx_http_resources_bit(slots[i].hi[j], d) << 1
                | ngx_http_resources_bit(slots[i].lo[j], d);

            best = ngx_max(best, resources_field_weight[f]);
        }

        score += best;
    }

    return score;
}
