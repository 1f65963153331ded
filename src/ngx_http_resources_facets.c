/*
 * Copyright (C) ngx_http_resources authors
 *
 * Facets (step 9 of docs/design.md's list): keywords and types counted
 * over the result, from their bitmaps or their postings, or taken from
 * the table the loader counted for a frequent term; years as runs of
 * docnos; each written most frequent first, ties in folded order.
 */


#include "ngx_http_resources_module.h"


/*
 * Writes "[{"value":...,"count":N},...]" for the (id, count) pairs of f,
 * which come in folded value order: the most frequent first, ties in that
 * order, at most limit of them.  With kind set, values are looked up for
 * the pairs written only; with kind 0 they are already in f.
 */

ngx_int_t
ngx_http_resources_facet_out(ngx_http_resources_req_t *rq, u_char kind,
    ngx_http_resources_facet_t *f, size_t n, size_t limit)
{
    size_t                  i, m;
    uint64_t               *keys;
    resources_term_info_t   t;
    ngx_http_resources_facet_t  *e, *out;

    m = ngx_min(n, limit);

    keys = ngx_http_resources_alloc(rq, (n + 1) * sizeof(uint64_t));
    if (keys == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        keys[i] = (uint64_t) (UINT32_MAX - f[i].count) << 32 | i;
    }

    resources_select_u64(keys, n, m);

    out = ngx_http_resources_alloc(rq, (m + 1)
                                       * sizeof(ngx_http_resources_facet_t));
    if (out == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < m; i++) {
        e = &f[(uint32_t) keys[i]];

        if (kind) {
            if (resources_snapshot_term(rq->s, kind, e->id, &t) != 0) {
                (void) ngx_http_resources_damaged(rq, "a facet's term id is"
                                                  " unknown");
                return NGX_ERROR;
            }

            ngx_http_resources_spelling(rq, &t, &e->value, &e->len);
        }

        out[i] = *e;
    }

    return ngx_http_resources_items_out(rq, out, m);
}


/* "[{"value":...,"count":N},...]" for f, in its order */

ngx_int_t
ngx_http_resources_items_out(ngx_http_resources_req_t *rq,
    const ngx_http_resources_facet_t *f, size_t n)
{
    size_t  i;

    if (ngx_http_resources_append_literal(rq, "[") != NGX_OK) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        if ((i && ngx_http_resources_append_literal(rq, ",") != NGX_OK)
            || ngx_http_resources_append_literal(rq, "{\"value\":") != NGX_OK
            || ngx_http_resources_append_string(rq, f[i].value, f[i].len)
               != NGX_OK
            || ngx_http_resources_append_literal(rq, ",\"count\":") != NGX_OK
            || ngx_http_resources_append_int(rq, f[i].count) != NGX_OK
            || ngx_http_resources_append_literal(rq, "}") != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return ngx_http_resources_append_literal(rq, "]");
}


/*
 * The facet of a kind of terms from their counts (m of them not zero): the
 * pairs in folded order (the column "sorted": ids by folded value), which
 * breaks ties, then written by ngx_http_resources_facet_out()
 */

static ngx_int_t
ngx_http_resources_facet_terms(ngx_http_resources_req_t *rq, u_char kind,
    uint32_t *counts, size_t nterms, size_t m, const u_char *sorted,
    size_t limit)
{
    size_t                       i, k;
    uint32_t                     d;
    ngx_http_resources_facet_t  *f;

    f = ngx_http_resources_alloc(rq,
                                 (m + 1) * sizeof(ngx_http_resources_facet_t));
    if (f == NULL) {
        return NGX_ERROR;
    }

    for (i = 0, k = 0; i < nterms; i++) {
        d = resources_snapshot_col(sorted, i);

        if (counts[d]) {
            f[k].id = d;
            f[k].count = counts[d];
            k++;
        }
    }

    return ngx_http_resources_facet_out(rq, kind, f, m, limit);
}


/* the index of the first of res[i .. n) (in docno order) >= next */

static size_t
ngx_http_resources_year_end(const uint32_t *res, size_t n, size_t i,
    uint32_t next)
{
    size_t  lo, hi, mid;

    lo = i;
    hi = n;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;

        if (res[mid] < next) {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    return lo;
}


/*
 * The facet of a kind over a result given as a bitmap (public view): the
 * terms, most public resources first, each counted as the popcount of
 * (result AND its bitmap) when it has one, else by testing its posting's
 * docnos in the result, until a term has fewer public resources than the
 * limit-th best count so far: neither it nor any after it can be among the
 * first limit.  *done = 0 when the snapshot does not list every bitmap
 * (the caller counts everything).
 */

static ngx_int_t
ngx_http_resources_facet_bitmaps(ngx_http_resources_req_t *rq, u_char kind,
    const uint64_t *bits, size_t limit, ngx_uint_t *done)
{
    size_t                       i, j, k, m, nw, cap;
    uint32_t                     c, id, *best, *rank;
    resources_snapshot_t        *s;
    resources_posting_t          p;
    resources_term_info_t        t;
    ngx_http_resources_facet_t  *f, e;

    s = rq->s;
    i = (kind == RESOURCES_KIND_TYPE);
    *done = 0;

    /*
     * The terms' bitmaps and counts are their public parts': a private
     * location's result (a bitmap when sort=title walks it) is counted
     * from its list instead
     */

    if (rq->view != RESOURCES_VIEW_PUBLIC || !s->bitmaps_all[i]
        || limit == 0)
    {
        return NGX_OK;
    }

    nw = RESOURCES_BITMAP_WORDS(s->header.ndocs);
    cap = s->nbitmaps[i] + 64;

    f = ngx_http_resources_alloc(rq, cap * sizeof(ngx_http_resources_facet_t));
    best = ngx_http_resources_calloc(rq, (limit + 1) * sizeof(uint32_t));
    if (f == NULL || best == NULL) {
        return NGX_ERROR;
    }

    /* best[0 .. limit): the largest counts so far, decreasing */

    m = 0;

    for (j = 0; j < s->nterms[i]; j++) {

        if (s->freq[i][j].count < ngx_max(best[limit - 1], 1)) {
            break;
        }

        id = s->freq[i][j].id;

        if (s->freq[i][j].bits) {
            c = (uint32_t) resources_bits_and_count(bits, s->freq[i][j].bits,
                                                    nw);

        } else {
            if (resources_snapshot_term(s, kind, id, &t) != 0
                || resources_snapshot_posting(s, RESOURCES_PART_PUBLIC, kind,
                                              t.folded, t.folded_len, &p)
                   != 0)
            {
                (void) ngx_http_resources_damaged(rq, "a term is unreadable");
                return NGX_ERROR;
            }

            k = resources_bits_count_posting(bits, s->header.ndocs, &p);

            if (k == RESOURCES_CORRUPT) {
                (void) ngx_http_resources_damaged(rq, "a posting entry is"
                                                  " past the end");
                return NGX_ERROR;
            }

            c = (uint32_t) k;
        }

        if (c == 0) {
            continue;
        }

        if (m == cap) {
            cap *= 2;
            f = ngx_http_resources_alloc_more(rq, f, m, cap);
            if (f == NULL) {
                return NGX_ERROR;
            }
        }

        f[m].id = id;
        f[m].count = c;
        m++;

        for (k = limit; k > 0 && best[k - 1] < c; k--) {
            if (k < limit) {
                best[k] = best[k - 1];
            }
        }

        if (k < limit) {
            best[k] = c;
        }
    }

    /* in folded order, which breaks ties */

    rank = s->rank[i];

    for (j = 1; j < m; j++) {
        e = f[j];

        for (k = j; k > 0 && rank[f[k - 1].id] > rank[e.id]; k--) {
            f[k] = f[k - 1];
        }

        f[k] = e;
    }

    *done = 1;

    return ngx_http_resources_facet_out(rq, kind, f, m, limit);
}


/*
 * The facets the loader counted for a frequent keyword or type, looked up
 * when it may be the only filter of a request that asks for facets (the
 * public view only: the counts are the public part's); list() forgets it
 * when the result is not the term's whole public part
 */

ngx_int_t
ngx_http_resources_table(ngx_http_resources_req_t *rq, u_char kind,
    const u_char *folded, size_t len)
{
    if (rq->q.facets == 0 || rq->q.nkw + (rq->q.ntype > 0) != 1
        || rq->bits[rq->nlists - 1] == NULL)
    {
        return NGX_OK;
    }

    if (resources_snapshot_posting(rq->s, RESOURCES_PART_FACETS, kind, folded,
                                   len, &rq->table)
        != 0)
    {
        (void) ngx_http_resources_damaged(rq, "a facets table is malformed");
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The facets from such a table: keywords and types in the order the module
 * gives them (count, then folded value), years newest first
 */

static ngx_int_t
ngx_http_resources_facets_table(ngx_http_resources_req_t *rq, size_t limit)
{
    u_char                      *years;
    size_t                       i, j, m, at, n[3];
    ngx_uint_t                   first;
    const u_char                *p;
    ngx_http_resources_facet_t  *f, *e;

    static const ngx_uint_t  facets[3] = { RESOURCES_FACET_KW,
                                           RESOURCES_FACET_TYPE,
                                           RESOURCES_FACET_YEAR };
    static const u_char      kinds[3] = { RESOURCES_KIND_KEYWORD,
                                          RESOURCES_KIND_TYPE, 0 };
    static const char       *names[3] = { "\"kw\":", "\"type\":",
                                          "\"year\":" };

    p = rq->table.data;

    /* its layout, checked when the snapshot was verified; its size here */

    if (resources_snapshot_facets_sizes(&rq->table, n) != 0) {
        (void) ngx_http_resources_damaged(rq, "the facets of a term are"
                                          " malformed");
        return NGX_ERROR;
    }

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, rq->r->connection->log, 0,
                   "resources: facets as the loader counted them: "
                   "%uz keywords, %uz types, %uz years", n[0], n[1], n[2]);

    if (ngx_http_resources_append_literal(rq, ",\"facets\":{") != NGX_OK) {
        return NGX_ERROR;
    }

    first = 1;
    at = 3;

    for (j = 0; j < 3; j++) {
        if (!(rq->q.facets & facets[j])) {
            at += 2 * n[j];
            continue;
        }

        /* keywords and types: the first ones; years: all, oldest first */

        m = (j < 2) ? ngx_min(n[j], limit) : n[j];

        f = ngx_http_resources_alloc(rq, (m + 1)
                                         * sizeof(ngx_http_resources_facet_t));
        years = (j == 2) ? ngx_http_resources_alloc(rq, m * 4 + 1) : NULL;
        if (f == NULL || (j == 2 && years == NULL)) {
            return NGX_ERROR;
        }

        for (i = 0; i < m; i++) {
            e = (j < 2) ? &f[i] : &f[m - 1 - i];

            e->id = resources_get_u32(p + (at + 2 * i) * 4);
            e->count = resources_get_u32(p + (at + 2 * i + 1) * 4);

            if (j == 2) {
                e->value = years + (m - 1 - i) * 4;
                e->len = 4;
                ngx_sprintf(years + (m - 1 - i) * 4, "%04uD", e->id % 10000);
            }
        }

        at += 2 * n[j];

        if ((!first && ngx_http_resources_append_literal(rq, ",") != NGX_OK)
            || ngx_http_resources_append(rq, (u_char *) names[j],
                                         ngx_strlen(names[j]))
               != NGX_OK
            || ngx_http_resources_facet_out(rq, kinds[j], f, m, limit)
               != NGX_OK)
        {
            return NGX_ERROR;
        }

        first = 0;
    }

    return ngx_http_resources_append_literal(rq, "}");
}


/*
 * The facet of keywords or types over a result: from the terms' bitmaps
 * when the result is one (public view), else counted over the result's
 * docnos (*res, made from the bitmap when it is missing)
 */

static ngx_int_t
ngx_http_resources_facet_kind(ngx_http_resources_req_t *rq, u_char kind,
    uint32_t **res, size_t n, uint64_t *bits, size_t limit)
{
    size_t                 i, k, m, nterms;
    uint32_t               d, *counts, off, end;
    ngx_uint_t             done;
    const u_char          *sorted;
    resources_snapshot_t  *s;

    s = rq->s;
    done = 0;

    if (bits
        && ngx_http_resources_facet_bitmaps(rq, kind, bits, limit, &done)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (done) {
        return NGX_OK;
    }

    if (*res == NULL) {
        *res = ngx_http_resources_bits_list(rq, bits, n);
        if (*res == NULL) {
            return NGX_ERROR;
        }
    }

    if (kind == RESOURCES_KIND_KEYWORD) {
        nterms = s->header.nkeywords[1];
        sorted = s->kwsorted;

    } else {
        nterms = s->header.ntypes[1];
        sorted = s->typesorted;
    }

    counts = ngx_http_resources_calloc(rq, (nterms + 1) * sizeof(uint32_t));
    if (counts == NULL) {
        return NGX_ERROR;
    }

    m = 0;

    for (i = 0; i < n; i++) {
        if (kind == RESOURCES_KIND_TYPE) {
            d = resources_snapshot_col(s->type, (*res)[i]);
            m += (counts[d]++ == 0);
            continue;
        }

        off = resources_snapshot_col(s->kwoff, (*res)[i]);
        end = resources_snapshot_col(s->kwoff, (*res)[i] + 1);

        for (k = off; k < end; k++) {
            d = resources_snapshot_col(s->kwids, k);
            m += (counts[d]++ == 0);
        }
    }

    return ngx_http_resources_facet_terms(rq, kind, counts, nterms, m, sorted,
                                          limit);
}


/*
 * The facet of years.  Docnos are in date order: years come in runs,
 * newest first; a run ends at the first docno dated before January of its
 * year (a binary search), and its count is then a popcount over the
 * result's bitmap, or a binary search in its list
 */

static ngx_int_t
ngx_http_resources_facet_years(ngx_http_resources_req_t *rq, uint32_t *res,
    size_t n, uint64_t *bits, uint32_t lo, uint32_t hi, size_t limit)
{
    u_char                      *years;
    size_t                       i, k, m;
    uint32_t                     d, end, year;
    resources_snapshot_t        *s;
    ngx_http_resources_facet_t  *f;

    s = rq->s;

    if (bits == NULL && res == NULL) {
        ngx_log_error(NGX_LOG_ALERT, rq->r->connection->log, 0,
                      "resources: the year facet has no result to count"
                      " (a bug)");
        return NGX_ERROR;
    }

    /* the work area: only the entries filled are ever touched */

    f = ngx_http_resources_alloc(rq, (NGX_HTTP_RESOURCES_YEARS + 1)
                                     * sizeof(ngx_http_resources_facet_t));
    years = ngx_http_resources_alloc(rq, NGX_HTTP_RESOURCES_YEARS * 4);
    if (f == NULL || years == NULL) {
        return NGX_ERROR;
    }

    /* filled from the end: oldest first, the order of values */

    k = NGX_HTTP_RESOURCES_YEARS;
    i = bits ? lo : 0;

    while (k > 0 && (bits ? i < hi : i < n)) {
        year = resources_snapshot_col(s->date, bits ? i : res[i]) / 10000;

        if (year == 0) {
            break;                      /* undated, and all after it */
        }

        end = ngx_http_resources_date_bound(s, year * 10000,
                                            NGX_HTTP_RESOURCES_DATE_LT);

        if (bits) {
            end = ngx_min(end, hi);
            d = (uint32_t) resources_bits_count_range(bits, i, end);

        } else {
            end = (uint32_t) ngx_http_resources_year_end(res, n, i, end);
            d = (uint32_t) (end - i);
        }

        i = end;

        if (d == 0) {
            continue;
        }

        k--;
        f[k].id = year;
        f[k].count = d;
        f[k].value = years + k * 4;
        f[k].len = 4;
        ngx_sprintf(years + k * 4, "%04uD", year % 10000);
    }

    m = NGX_HTTP_RESOURCES_YEARS - k;

    return ngx_http_resources_facet_out(rq, 0, f + k, m, limit);
}


ngx_int_t
ngx_http_resources_facets(ngx_http_resources_req_t *rq, uint32_t *res,
    size_t n, uint64_t *bits, uint32_t lo, uint32_t hi, size_t limit)
{
    ngx_uint_t             i;
    resources_snapshot_t  *s;

    static const ngx_uint_t  facets[2] = { RESOURCES_FACET_KW,
                                           RESOURCES_FACET_TYPE };
    static const u_char      kinds[2] = { RESOURCES_KIND_KEYWORD,
                                          RESOURCES_KIND_TYPE };
    static const char       *names[2] = { "\"kw\":", "\"type\":" };

    s = rq->s;

    if (rq->table.n) {
        return ngx_http_resources_facets_table(rq, limit);
    }

    /*
     * A large result in the public view: as a bitmap, the frequent terms'
     * counts are popcounts (ndocs / 64 words each) rather than a pass over
     * every result's keywords.  The result comes as a list (res), or as a
     * bitmap (bits), or both; what is missing is made when needed.
     */

    if (bits == NULL
        && rq->view == RESOURCES_VIEW_PUBLIC
        && s->header.ndocs >= RESOURCES_BITMAP_MIN
        && n >= s->header.ndocs / 8
        && (rq->q.facets & (RESOURCES_FACET_KW|RESOURCES_FACET_TYPE)))
    {
        bits = ngx_http_resources_result_bits(rq, res, n);
        if (bits == NULL) {
            return NGX_ERROR;
        }
    }

    if (ngx_http_resources_append_literal(rq, ",\"facets\":{") != NGX_OK) {
        return NGX_ERROR;
    }

    for (i = 0; i < 2; i++) {
        if (!(rq->q.facets & facets[i])) {
            continue;
        }

        if ((i == 1 && (rq->q.facets & RESOURCES_FACET_KW)
             && ngx_http_resources_append_literal(rq, ",") != NGX_OK)
            || ngx_http_resources_append(rq, (u_char *) names[i],
                                         ngx_strlen(names[i]))
               != NGX_OK
            || ngx_http_resources_facet_kind(rq, kinds[i], &res, n, bits,
                                             limit)
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (rq->q.facets & RESOURCES_FACET_YEAR) {
        if (((rq->q.facets & (RESOURCES_FACET_KW|RESOURCES_FACET_TYPE))
             && ngx_http_resources_append_literal(rq, ",") != NGX_OK)
            || ngx_http_resources_append_literal(rq, "\"year\":") != NGX_OK
            || ngx_http_resources_facet_years(rq, res, n, bits, lo, hi, limit)
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return ngx_http_resources_append_literal(rq, "}");
}
