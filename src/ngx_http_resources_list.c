/*
 * Copyright (C) ngx_http_resources authors
 *
 * The list (GET L, and the feed's entries), as docs/design.md's steps:
 *
 *   1-2  the filters as postings            ngx_http_resources_filters()
 *   3    the date range, the order, the page          ..._list_init()
 *   4-7  the strategies, fastest first, each answering or declining:
 *        relevance from bitmaps (6), the lists made ready, one posting (4),
 *        a title walk over one bitmap, bitmaps (5), the intersection (7)
 *   8    the order of a whole result                  ..._list_order()
 *   9    the page's records and the facets, or the feed   ..._list_out()
 *
 * A strategy answers with the page (ls->paged) or with the whole result in
 * docno order (ls->res), which step 8 orders.
 */


#include "ngx_http_resources_module.h"


typedef struct {
    uint32_t                     lo;         /* the date range, as docnos */
    uint32_t                     hi;
    ngx_uint_t                   sort;       /* never the default */
    size_t                       offset;
    size_t                       limit;
    size_t                       facet_limit;
    const u_char                *rank;       /* sort=title, updated: the */
    const u_char                *walk;       /* rank of each docno, the
                                                docnos in that order (or
                                                NULL: an older snapshot) */

    /* the answer */
    unsigned                     paged:1;    /* page and npage are it */
    size_t                       total;
    uint32_t                    *page;
    size_t                       npage;
    uint32_t                    *res;        /* the result, docno order */
    uint32_t                    *score;      /* its scores, or NULL */
    uint64_t                    *bits;       /* it as a bitmap, or NULL */
} ngx_http_resources_list_t;


typedef ngx_int_t (*ngx_http_resources_strategy_pt)(
    ngx_http_resources_req_t *rq, ngx_http_resources_list_t *ls);


static void ngx_http_resources_list_init(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls);
static ngx_int_t ngx_http_resources_list_top(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls);
static ngx_int_t ngx_http_resources_list_ready(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls);
static ngx_int_t ngx_http_resources_list_one(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls);
static ngx_int_t ngx_http_resources_list_title_map(
    ngx_http_resources_req_t *rq, ngx_http_resources_list_t *ls);
static ngx_int_t ngx_http_resources_list_bitmaps(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls);
static ngx_int_t ngx_http_resources_list_intersect(
    ngx_http_resources_req_t *rq, ngx_http_resources_list_t *ls);
static size_t ngx_http_resources_list_exclude(ngx_http_resources_req_t *rq,
    uint32_t *res, uint32_t *score, size_t n);
static ngx_int_t ngx_http_resources_list_query(ngx_http_resources_req_t *rq);
static ngx_int_t ngx_http_resources_list_order(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls);
static ngx_int_t ngx_http_resources_list_out(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls, ngx_uint_t atom);


/* the page of a result of ls->total in order at sorted */

static ngx_inline void
ngx_http_resources_list_page(ngx_http_resources_list_t *ls, uint32_t *sorted)
{
    size_t  n;

    n = ls->total;

    ls->page = sorted + ngx_min(ls->offset, n);
    ls->npage = (ls->offset < n) ? ngx_min(ls->limit, n - ls->offset) : 0;
    ls->paged = 1;
}


/*
 * In this order; the first that does not decline answers.  "ready" never
 * answers: it makes the lists ready for the strategies after it (a prefix
 * merged, a large word as a byte per docno, the view's "*" posting when
 * there is no filter), which relevance from bitmaps does not need.
 */

static ngx_http_resources_strategy_pt  ngx_http_resources_strategies[] = {
    ngx_http_resources_list_top,
    ngx_http_resources_list_ready,
    ngx_http_resources_list_one,
    ngx_http_resources_list_title_map,
    ngx_http_resources_list_bitmaps,
    ngx_http_resources_list_intersect,
    NULL
};


ngx_int_t
ngx_http_resources_list(ngx_http_resources_req_t *rq, ngx_uint_t atom)
{
    ngx_int_t                   rc;
    ngx_uint_t                  i;
    ngx_http_resources_list_t   ls;

    rc = ngx_http_resources_filters(rq);
    if (rc != NGX_OK) {
        return rc;
    }

    ngx_http_resources_list_init(rq, &ls);

    rc = NGX_DECLINED;

    for (i = 0; rc == NGX_DECLINED && ngx_http_resources_strategies[i]; i++) {
        rc = ngx_http_resources_strategies[i](rq, &ls);
    }

    if (rc == NGX_OK && !ls.paged) {
        rc = ngx_http_resources_list_order(rq, &ls);
    }

    if (rc == NGX_OK) {
        rc = ngx_http_resources_list_out(rq, &ls, atom);
    }

    return (rc == NGX_OK) ? NGX_OK : NGX_HTTP_INTERNAL_SERVER_ERROR;
}


/* step 3: dates as a docno range (docnos are in date order); the page */

static void
ngx_http_resources_list_init(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls)
{
    resources_snapshot_t  *s;

    s = rq->s;

    ngx_memzero(ls, sizeof(ngx_http_resources_list_t));

    ls->lo = 0;
    ls->hi = s->header.ndocs;

    if (rq->q.from || rq->q.to) {
        ls->hi = ngx_http_resources_date_bound(s, rq->q.from ? rq->q.from : 1,
                                               NGX_HTTP_RESOURCES_DATE_LT);
        if (rq->q.to) {
            ls->lo = ngx_http_resources_date_bound(s, rq->q.to,
                                                   NGX_HTTP_RESOURCES_DATE_LE);
        }
    }

    ls->sort = rq->q.sort;

    if (ls->sort == RESOURCES_SORT_DEFAULT) {
        ls->sort = rq->nwords ? RESOURCES_SORT_RELEVANCE
                              : RESOURCES_SORT_NEWEST;
    }

    if (ls->sort == RESOURCES_SORT_RELEVANCE && rq->nwords == 0) {
        ls->sort = RESOURCES_SORT_NEWEST;
    }

    ls->limit = rq->q.limit >= 0 ? (size_t) rq->q.limit
                                 : rq->rlcf->default_limit;
    ls->offset = rq->q.offset >= 0 ? (size_t) rq->q.offset : 0;
    ls->facet_limit = rq->q.facet_limit > 0 ? (size_t) rq->q.facet_limit
                                            : rq->rlcf->facet_limit;

    ls->rank = NULL;
    ls->walk = NULL;

    if (ls->sort == RESOURCES_SORT_TITLE) {
        ls->rank = s->title;
        ls->walk = s->bytitle;

    } else if (ls->sort == RESOURCES_SORT_UPDATED) {

        if (s->updated) {
            ls->rank = s->updated;
            ls->walk = s->byupdated;

        } else {
            ls->sort = RESOURCES_SORT_NEWEST;   /* a loader before 0.5 */
        }
    }
}


/*
 * Step 6: relevance, public view, frequent words: the first page from the
 * words' field bitmaps level by level, the total from the bitmaps
 */

static ngx_int_t
ngx_http_resources_list_top(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls)
{
    ngx_int_t  rc;

    if (ls->sort != RESOURCES_SORT_RELEVANCE || !rq->top || rq->empty) {
        return NGX_DECLINED;
    }

    rc = ngx_http_resources_top(rq, ls->lo, ls->hi, ls->offset, ls->limit,
                                &ls->total, &ls->page, &ls->npage);

    ls->paged = (rc == NGX_OK);

    return rc;
}


/*
 * The lists for the other strategies: q's last word as one list (or a
 * byte per docno); of two or more lists, a word's large one as a byte per
 * docno when nothing else made one (one pass, then tested by the
 * intersection rather than stepped through); the view's "*" posting when
 * there is no filter, with the facets the loader counted for it
 */

static ngx_int_t
ngx_http_resources_list_ready(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls)
{
    u_char                *dense;
    size_t                 i, k;
    resources_snapshot_t  *s;

    s = rq->s;

    if (rq->prefix_at && ngx_http_resources_merge(rq) != NGX_OK) {
        return NGX_ERROR;
    }

    if (rq->dense == NULL && rq->nlists >= 2 && !rq->empty) {
        k = rq->nlists;

        for (i = 0; i < rq->nlists; i++) {
            if (rq->lists[i].scored
                && rq->lists[i].n >= s->header.ndocs / 32
                && (k == rq->nlists || rq->lists[i].n > rq->lists[k].n))
            {
                k = i;
            }
        }

        if (k < rq->nlists) {
            dense = ngx_http_resources_calloc(rq, s->header.ndocs + 1);
            if (dense == NULL) {
                return NGX_ERROR;
            }

            if (resources_union_dense_bounded(&rq->lists[k], 1, dense,
                                              s->header.ndocs)
                != 0)
            {
                (void) ngx_http_resources_damaged(rq, "a word's posting is"
                                                  " past the end");
                return NGX_ERROR;
            }

            rq->dense = dense;

            rq->nlists--;
            rq->lists[k] = rq->lists[rq->nlists];
            rq->bits[k] = rq->bits[rq->nlists];
        }
    }

    if (rq->nlists == 0) {
        if (ngx_http_resources_posting(rq, RESOURCES_KIND_ALL,
                                       (u_char *) "", 0, &rq->lists[0])
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        rq->lists[0].scored = 0;
        rq->bits[0] = NULL;
        rq->nlists = 1;

        if (rq->view == RESOURCES_VIEW_PUBLIC && rq->q.facets
            && resources_snapshot_posting(s, RESOURCES_PART_FACETS,
                                          RESOURCES_KIND_ALL, (u_char *) "",
                                          0, &rq->table)
               != 0)
        {
            (void) ngx_http_resources_damaged(rq, "the facets table is"
                                              " malformed");
            return NGX_ERROR;
        }
    }

    /* the loader's facets serve only for the filter's whole set */

    if (rq->table.n
        && !(rq->nlists == 1 && rq->nwords == 0 && rq->dense == NULL
             && ls->lo == 0 && ls->hi == s->header.ndocs && !rq->empty
             && !rq->exclude))
    {
        rq->table.n = 0;
    }

    return NGX_DECLINED;
}


/*
 * Step 4: one posting in the default order, nothing to count beyond it:
 * the total is the length of its slice in [lo, hi), the page is read
 * straight from it
 */

static ngx_int_t
ngx_http_resources_list_one(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls)
{
    size_t                i, first, n, m;
    uint32_t             *page;
    resources_posting_t  *p;

    if (rq->empty || rq->nlists != 1 || ls->sort != RESOURCES_SORT_NEWEST
        || (rq->q.facets && rq->table.n == 0) || rq->dense != NULL
        || rq->exclude)
    {
        return NGX_DECLINED;
    }

    p = &rq->lists[0];
    first = resources_gallop(p->data, p->n, 0, ls->lo);
    n = resources_gallop(p->data, p->n, first, ls->hi) - first;
    m = (ls->offset < n) ? ngx_min(ls->limit, n - ls->offset) : 0;

    page = ngx_palloc(rq->r->pool, (m + 1) * sizeof(uint32_t));
    if (page == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < m; i++) {
        page[i] = RESOURCES_DOCNO(resources_get_u32(p->data
                      + (first + ls->offset + i) * sizeof(uint32_t)));
    }

    ls->total = n;
    ls->page = page;
    ls->npage = m;
    ls->paged = 1;

    return NGX_OK;
}


/*
 * sort=title over one frequent term alone, a large result: its bitmap, in
 * the map, is tested as the bytitle column is walked, nothing is copied;
 * the total is the length of its posting's slice
 */

static ngx_int_t
ngx_http_resources_list_title_map(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls)
{
    size_t                first, n, k;
    uint32_t             *sorted;
    resources_posting_t  *p;

    if (ls->walk == NULL || rq->q.facets || rq->nlists != 1
        || rq->bits[0] == NULL || rq->dense != NULL || rq->empty
        || rq->exclude)
    {
        return NGX_DECLINED;
    }

    p = &rq->lists[0];
    first = resources_gallop(p->data, p->n, 0, ls->lo);
    n = resources_gallop(p->data, p->n, first, ls->hi) - first;
    k = ngx_min(n, ls->offset + ls->limit);

    if (n <= 1 || k * (rq->s->header.ndocs / n) >= n / 4) {
        return NGX_DECLINED;
    }

    sorted = ngx_http_resources_alloc(rq, (k + 1) * sizeof(uint32_t));
    if (sorted == NULL) {
        return NGX_ERROR;
    }

    ngx_http_resources_order_walk_map(rq->s, ls->walk, rq->bits[0], ls->lo,
                                      ls->hi, k, sorted);

    ls->total = n;
    ngx_http_resources_list_page(ls, sorted);

    return NGX_OK;
}


/*
 * Step 5: frequent keywords and types (public view) as bitmaps.  Facets
 * count over the whole result, and sort=title may walk it: then the
 * result's bitmap is asked for too (a page of the default order alone
 * comes straight from the bitmaps otherwise)
 */

static ngx_int_t
ngx_http_resources_list_bitmaps(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls)
{
    size_t      n, m, k;
    uint32_t   *res, *score, *sorted;
    uint64_t   *bits;
    ngx_uint_t  page_only;

    if (rq->exclude) {
        return NGX_DECLINED;            /* the intersection excludes */
    }

    page_only = (ls->sort == RESOURCES_SORT_NEWEST);

    /* non-NULL on entry: the result's bitmap is wanted */

    bits = ((rq->q.facets && rq->table.n == 0) || ls->walk)
           ? (uint64_t *) &bits : NULL;

    if (ngx_http_resources_bitmaps(rq, ls->lo, ls->hi,
                                   page_only ? ls->offset : 0,
                                   page_only ? ls->limit
                                             : ls->walk ? 0 : SIZE_MAX,
                                   &res, &score, &n, &m, &bits)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (res == NULL) {
        return NGX_DECLINED;            /* bitmaps do not help */
    }

    ls->total = n;
    ls->bits = bits;

    if (m != SIZE_MAX && ls->walk && bits) {
        k = ngx_min(n, ls->offset + ls->limit);

        if (n <= 1 || k * (rq->s->header.ndocs / n) >= n / 4) {

            /* a small result: listed, then ordered (step 8) */

            ls->res = ngx_http_resources_bits_list(rq, bits, n);
            if (ls->res == NULL) {
                return NGX_ERROR;
            }

            return NGX_OK;
        }

        /* a large one: the bytitle column walked, the bitmap tested */

        sorted = ngx_http_resources_alloc(rq, (k + 1) * sizeof(uint32_t));
        if (sorted == NULL) {
            return NGX_ERROR;
        }

        ngx_http_resources_order_walk(rq->s, ls->walk, bits, k, sorted);

        ngx_http_resources_list_page(ls, sorted);

        return NGX_OK;
    }

    if (m != SIZE_MAX) {
        ls->page = res;                 /* the page alone, n the total */
        ls->npage = m;
        ls->paged = 1;

        return NGX_OK;
    }

    ls->res = res;
    ls->score = score;

    return NGX_OK;
}


/*
 * Step 7: the lists intersected, smallest first (a byte per docno of a
 * large word tested as it goes); the result in docno order, scored when
 * q has words
 */

static ngx_int_t
ngx_http_resources_list_intersect(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls)
{
    size_t     i, cap;
    uint32_t  *res, *score;

    cap = SIZE_MAX;

    for (i = 0; i < rq->nlists; i++) {
        cap = ngx_min(cap, rq->lists[i].n);
    }

    res = ngx_http_resources_alloc(rq, (cap + 1) * sizeof(uint32_t));
    score = rq->nwords ? ngx_http_resources_alloc(rq,
                                               (cap + 1) * sizeof(uint32_t))
                       : NULL;
    if (res == NULL || (rq->nwords && score == NULL)) {
        return NGX_ERROR;
    }

    ls->total = rq->empty ? 0
                          : resources_intersect_dense(rq->lists, rq->nlists,
                                                      ls->lo, ls->hi,
                                                      rq->dense, res, score);

    if (rq->exclude) {
        ls->total = ngx_http_resources_list_exclude(rq, res, score,
                                                    ls->total);
    }
    ls->res = res;
    ls->score = score;

    return NGX_OK;
}


/*
 * The result less the docnos of q's exclusions (rq->excluded, in docno
 * order), in place
 */

static size_t
ngx_http_resources_list_exclude(ngx_http_resources_req_t *rq, uint32_t *res,
    uint32_t *score, size_t n)
{
    size_t                      i, j, c;
    uint32_t                    d;
    const resources_posting_t  *x;

    x = &rq->excluded;

    for (i = 0, j = 0, c = 0; i < n; i++) {
        d = res[i];
        c = resources_gallop(x->data, x->n, c, d);

        if (c < x->n
            && RESOURCES_DOCNO(resources_get_u32(x->data
                                                 + c * sizeof(uint32_t)))
               == d)
        {
            continue;
        }

        res[j] = d;

        if (score) {
            score[j] = score[i];
        }

        j++;
    }

    return j;
}


/*
 * Step 8: the order of a whole result (in docno order: newest first):
 * oldest, by title or update (walking the bytitle or byupdated column
 * when the result is large),
 * by relevance; only the items up to the page's end are put in order
 */

static ngx_int_t
ngx_http_resources_list_order(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls)
{
    size_t                 i, k, n, w;
    uint32_t              *res, *sorted, *score;
    uint32_t               win[NGX_HTTP_RESOURCES_RERANK];
    uint64_t              *keys;
    const u_char          *rank;
    resources_snapshot_t  *s;

    s = rq->s;
    res = ls->res;
    n = ls->total;
    sorted = res;
    w = 0;

    if (n > 1 && ls->sort != RESOURCES_SORT_NEWEST) {
        sorted = ngx_http_resources_alloc(rq, n * sizeof(uint32_t));
        if (sorted == NULL) {
            return NGX_ERROR;
        }

        k = ngx_min(n, ls->offset + ls->limit);

        if (ls->sort == RESOURCES_SORT_OLDEST) {
            ngx_http_resources_oldest(s, res, n, sorted);

        } else if (ls->walk && k * (s->header.ndocs / n) < n / 4) {

            /*
             * A large result: walk the docnos in title (update) order and
             * keep the result's, about k * ndocs / n of them, rather than
             * select the first k of n keys
             */

            if (ls->bits == NULL) {
                ls->bits = ngx_http_resources_result_bits(rq, res, n);
                if (ls->bits == NULL) {
                    return NGX_ERROR;
                }
            }

            ngx_http_resources_order_walk(s, ls->walk, ls->bits, k, sorted);

        } else {
            keys = ngx_http_resources_alloc(rq, n * sizeof(uint64_t));
            if (keys == NULL) {
                return NGX_ERROR;
            }

            /* one loop per key: the keys' stores would reload ls-> */

            rank = ls->rank;
            score = ls->score;

            if (rank) {
                for (i = 0; i < n; i++) {
                    keys[i] = (uint64_t) resources_snapshot_col(rank, res[i])
                              << 32 | res[i];
                }

            } else {
                for (i = 0; i < n; i++) {
                    keys[i] = (uint64_t) (UINT32_MAX - score[i]) << 32
                              | res[i];
                }

                /* a page in the window: the window, ordered again */

                w = (ls->offset < NGX_HTTP_RESOURCES_RERANK)
                    ? ngx_http_resources_rerank_wanted(rq) : 0;

                k = ngx_max(k, ngx_min(n, w));
            }

            resources_select_u64(keys, n, k);

            for (i = 0; i < k; i++) {
                sorted[i] = (uint32_t) keys[i];
            }

            if (w) {
                for (i = 0; i < ngx_min(k, w); i++) {
                    win[i] = UINT32_MAX - (uint32_t) (keys[i] >> 32);
                }

                ngx_http_resources_rerank(rq, sorted, win, ngx_min(k, w));
            }
        }
    }

    ngx_http_resources_list_page(ls, sorted);

    return NGX_OK;
}


/* step 9: the page's list forms, then the facets; or the feed */

static ngx_int_t
ngx_http_resources_list_out(ngx_http_resources_req_t *rq,
    ngx_http_resources_list_t *ls, ngx_uint_t atom)
{
    size_t              i;
    resources_record_t  rec;

    rq->total = (ngx_int_t) ls->total;

    if (atom) {
        return ngx_http_resources_feed(rq, ls->page, ls->npage);
    }

    if (ngx_http_resources_link_header(rq, ls->total, ls->offset, ls->limit)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (rq->q.highlight && ngx_http_resources_marks(rq) != NGX_OK) {
        return NGX_ERROR;
    }

    if (rq->q.format == RESOURCES_FORMAT_HTML) {
        return ngx_http_resources_html_list(rq, ls->page, ls->npage,
                                            ls->total, ls->offset,
                                            ls->limit);
    }

    if (ngx_http_resources_gzip_start(rq, ls->npage) != NGX_OK
        || ngx_http_resources_append_literal(rq, "{\"total\":") != NGX_OK
        || ngx_http_resources_append_int(rq, ls->total) != NGX_OK
        || ngx_http_resources_append_literal(rq, ",\"offset\":") != NGX_OK
        || ngx_http_resources_append_int(rq, ls->offset) != NGX_OK
        || ngx_http_resources_append_literal(rq, ",\"limit\":") != NGX_OK
        || ngx_http_resources_append_int(rq, ls->limit) != NGX_OK
        || ngx_http_resources_append_literal(rq, ",\"items\":[") != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0; i < ls->npage; i++) {
        if (resources_snapshot_record(rq->s, ls->page[i], &rec) != 0) {
            (void) ngx_http_resources_damaged(rq, "a record is unreadable");
            return NGX_ERROR;
        }

        if (i > 0 && ngx_http_resources_append_literal(rq, ",") != NGX_OK) {
            return NGX_ERROR;
        }

        if (rq->gzip) {
            if (ngx_http_resources_gzip_record(rq, &rec) != NGX_OK) {
                return NGX_ERROR;
            }

            continue;
        }

        if (ngx_http_resources_append(rq, rec.list, rec.list_len) != NGX_OK
            || (rq->q.highlight
                && ngx_http_resources_highlight_json(rq, rec.list,
                                                     rec.list_len)
                   != NGX_OK)
            || ngx_http_resources_append_literal(rq, "}") != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (ngx_http_resources_append_literal(rq, "]") != NGX_OK) {
        return NGX_ERROR;
    }

    if (rq->q.facets
        && ngx_http_resources_facets(rq, ls->res, ls->total, ls->bits,
                                     ls->lo, ls->hi, ls->facet_limit)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ngx_http_resources_list_query(rq) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_http_resources_append_literal(rq, "}\n");
}


/*
 * What the list says of q, when there is something to say:
 * "query":{"ignored":[...]}, the pieces of q (as typed) whose words were
 * not used, past the limit
 */

static ngx_int_t
ngx_http_resources_list_query(ngx_http_resources_req_t *rq)
{
    size_t               i, n;
    resources_q_unit_t  *u;

    if (rq->qs == NULL || rq->qs->nignored == 0) {
        return NGX_OK;
    }

    if (ngx_http_resources_append_literal(rq, ",\"query\":{\"ignored\":[")
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    for (i = 0, n = 0; i < rq->qs->nunits; i++) {
        u = &rq->qs->unit[i];

        if (!(u->flags & (RESOURCES_Q_IGNORED | RESOURCES_Q_CUT))) {
            continue;
        }

        if ((n++ && ngx_http_resources_append_literal(rq, ",") != NGX_OK)
            || ngx_http_resources_append_string(rq, u->text.data, u->text.len)
               != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return ngx_http_resources_append_literal(rq, "]}");
}
