/*
 * Copyright (C) ngx_http_resources authors
 *
 * The HTTP API (docs/api.md): the entry point and its routes.
 *
 *     GET L, L/            the list (ngx_http_resources_list.c)
 *     GET L/<id>           one resource, full form
 *     GET L/_meta          version, build time, counts, types
 *     GET L/_keywords      keyword suggestions (?prefix=, ?limit=)
 *     GET L/_types         type suggestions
 *     GET L/_feed          the list as Atom (ngx_http_resources_feed.c)
 *
 * and CORS (resources_cors).  Everything a request computes lives in its
 * pool or the work area; the records themselves are read from the
 * snapshot's map (a lookup's body points into it).
 */


#include "ngx_http_resources_module.h"
#include "resources_text.h"


static ngx_int_t ngx_http_resources_answer(ngx_http_request_t *r,
    ngx_http_resources_ctx_t *ctx);
static ngx_uint_t ngx_http_resources_route(u_char *p, size_t len);
static ngx_int_t ngx_http_resources_no_args(ngx_http_resources_req_t *rq);
static ngx_int_t ngx_http_resources_lookup(ngx_http_resources_req_t *rq,
    u_char *id, size_t len);
static ngx_int_t ngx_http_resources_meta(ngx_http_resources_req_t *rq);
static ngx_int_t ngx_http_resources_terms_more(ngx_http_resources_req_t *rq,
    u_char kind, const u_char *folded, size_t flen, size_t limit,
    ngx_http_resources_facet_t **fp, size_t *np, size_t cap,
    ngx_uint_t *ordered);
static ngx_int_t ngx_http_resources_terms(ngx_http_resources_req_t *rq,
    u_char kind);
static ngx_int_t ngx_http_resources_preflight(ngx_http_request_t *r,
    ngx_http_resources_loc_conf_t *rlcf);


/*
 * The entry point: the answer, and, when resources_status is on, its
 * route, status and time counted
 */

ngx_int_t
ngx_http_resources_handler(ngx_http_request_t *r)
{
    ngx_int_t                        rc;
    ngx_http_resources_ctx_t        *ctx;
    ngx_http_resources_main_conf_t  *rmcf;

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_resources_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->total = -1;
    ctx->route = NGX_HTTP_RESOURCES_ROUTE_OTHER;
    ngx_http_set_ctx(r, ctx, ngx_http_resources_module);

    rmcf = ngx_http_get_module_main_conf(r, ngx_http_resources_module);

    if (rmcf->sh == NULL) {
        return ngx_http_resources_answer(r, ctx);
    }

    ngx_http_resources_status_start(ctx);

    rc = ngx_http_resources_answer(r, ctx);

    ngx_http_resources_status_count(r, ctx, rc);

    return rc;
}


static ngx_int_t
ngx_http_resources_answer(ngx_http_request_t *r,
    ngx_http_resources_ctx_t *ctx)
{
    u_char                         *p, *buf;
    size_t                          plen, len;
    ngx_int_t                       rc;
    ngx_str_t                       rest;
    ngx_http_resources_req_t       *rq;
    ngx_http_resources_snap_t      *snap;
    ngx_http_resources_loc_conf_t  *rlcf;

    rlcf = ngx_http_get_module_loc_conf(r, ngx_http_resources_module);

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        if (r->method == NGX_HTTP_OPTIONS && rlcf->cors) {
            ctx->route = NGX_HTTP_RESOURCES_ROUTE_PREFLIGHT;
            return ngx_http_resources_preflight(r, rlcf);
        }

        return ngx_http_resources_error(r, NGX_HTTP_NOT_ALLOWED,
                                        "only GET and HEAD are allowed");
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    /* the route: what follows the location's prefix */

    plen = rlcf->prefix.len;

    if (plen && rlcf->prefix.data[plen - 1] == '/') {
        plen--;
    }

    if (r->uri.len < plen) {
        rest.len = 0;
        rest.data = r->uri.data;

    } else {
        rest.len = r->uri.len - plen;
        rest.data = r->uri.data + plen;
    }

    if (rest.len > 0 && rest.data[0] != '/') {
        return ngx_http_resources_error(r, NGX_HTTP_NOT_FOUND,
                                        "no such route");
    }

    p = rest.data + 1;
    len = rest.len > 1 ? rest.len - 1 : 0;

    ctx->route = ngx_http_resources_route(p, len);

    /* the snapshot: none yet is a 503, in the route's format */

    snap = ngx_http_resources_db_get(rlcf->db, r);

    if (snap == NULL) {
        return ngx_http_resources_error(r, NGX_HTTP_SERVICE_UNAVAILABLE,
                                        "the catalogue is not available yet");
    }

    ctx->snap = snap;

    rq = ngx_pcalloc(r->pool, sizeof(ngx_http_resources_req_t));
    if (rq == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_resources_work_reset(r->connection->log);

    ctx->rq = rq;

    rq->r = r;
    rq->rlcf = rlcf;
    rq->snap = snap;
    rq->s = &snap->snap;
    rq->view = rlcf->private ? RESOURCES_VIEW_ALL : RESOURCES_VIEW_PUBLIC;
    rq->vi = RESOURCES_VIEW_INDEX(rq->view);
    ctx->view = &snap->view[rq->vi];
    rq->last = &rq->out;
    rq->total = -1;

    switch (ctx->route) {

    case NGX_HTTP_RESOURCES_ROUTE_LIST:
    case NGX_HTTP_RESOURCES_ROUTE_FEED:
        rc = ngx_http_resources_list(rq, ctx->route
                                         == NGX_HTTP_RESOURCES_ROUTE_FEED);
        ctx->total = rq->total;
        break;

    case NGX_HTTP_RESOURCES_ROUTE_META:
        rc = ngx_http_resources_no_args(rq);

        if (rc == NGX_OK) {
            rc = ngx_http_resources_meta(rq);
        }

        break;

    case NGX_HTTP_RESOURCES_ROUTE_KEYWORDS:
        rc = ngx_http_resources_terms(rq, RESOURCES_KIND_KEYWORD);
        break;

    case NGX_HTTP_RESOURCES_ROUTE_TYPES:
        rc = ngx_http_resources_terms(rq, RESOURCES_KIND_TYPE);
        break;

    default: /* NGX_HTTP_RESOURCES_ROUTE_LOOKUP */
        rc = ngx_http_resources_args(rq, RESOURCES_QUERY_LOOKUP, &buf);

        if (rc == NGX_OK) {
            rc = ngx_http_resources_lookup(rq, p, len);
        }
    }

    if (rc == NGX_OK) {
        return ngx_http_resources_send(rq, snap);
    }

    if (rq->message) {
        return ngx_http_resources_error(r, rc, rq->message);
    }

    /*
     * Our failure, not the client's (a damaged snapshot, memory): the
     * cause is in the log already, at alert or crit; the answer is JSON
     * all the same
     */

    if (rc == NGX_HTTP_INTERNAL_SERVER_ERROR) {
        return ngx_http_resources_error(r, rc, "the catalogue could not be"
                                        " read: see the server's error log");
    }

    return rc;
}


/* the route of what follows the location's prefix and its "/" */

static ngx_uint_t
ngx_http_resources_route(u_char *p, size_t len)
{
    if (len == 0) {
        return NGX_HTTP_RESOURCES_ROUTE_LIST;
    }

    if (len == 5 && ngx_strncmp(p, "_meta", 5) == 0) {
        return NGX_HTTP_RESOURCES_ROUTE_META;
    }

    if (len == 9 && ngx_strncmp(p, "_keywords", 9) == 0) {
        return NGX_HTTP_RESOURCES_ROUTE_KEYWORDS;
    }

    if (len == 6 && ngx_strncmp(p, "_types", 6) == 0) {
        return NGX_HTTP_RESOURCES_ROUTE_TYPES;
    }

    if (len == 5 && ngx_strncmp(p, "_feed", 5) == 0) {
        return NGX_HTTP_RESOURCES_ROUTE_FEED;
    }

    return NGX_HTTP_RESOURCES_ROUTE_LOOKUP;
}


/*
 * The query string of a route (RESOURCES_QUERY_LIST, _TERMS, or 0: none
 * taken) into rq->q, its values into *buf (from the request's pool, as
 * long as the query string), strictly or not as the location says:
 * NGX_OK, a 400 (rq->message), or a 500
 */

ngx_int_t
ngx_http_resources_args(ngx_http_resources_req_t *rq, unsigned route,
    u_char **buf)
{
    ngx_http_request_t  *r;

    r = rq->r;

    *buf = ngx_pnalloc(r->pool, r->args.len + 1);
    if (*buf == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rq->rlcf->strict_args) {
        route |= RESOURCES_QUERY_STRICT;
    }

    if (resources_query_parse(r->args.data, r->args.len, *buf,
                              (int64_t) rq->rlcf->max_limit, route, &rq->q,
                              rq->err, sizeof(rq->err))
        != 0)
    {
        return ngx_http_resources_fail(rq, NGX_HTTP_BAD_REQUEST, rq->err);
    }

    return NGX_OK;
}


/*
 * A route that takes no parameter (a lookup, _meta): its query string is
 * checked all the same, so that a misspelt one is not silently ignored
 */

static ngx_int_t
ngx_http_resources_no_args(ngx_http_resources_req_t *rq)
{
    u_char  *buf;

    if (rq->r->args.len == 0 || !rq->rlcf->strict_args) {
        return NGX_OK;
    }

    return ngx_http_resources_args(rq, 0, &buf);
}


/* a lookup as HTML: the full form, put together when packed, rendered */

static ngx_int_t
ngx_http_resources_lookup_html(ngx_http_resources_req_t *rq,
    resources_record_t *rec)
{
    u_char  *full;

    if (rec->full) {
        return ngx_http_resources_html_article(rq, rec->full, rec->full_len);
    }

    full = ngx_http_resources_alloc(rq, rec->full_len + 1);
    if (full == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(full, rec->list, rec->list_len);

    if (resources_snapshot_tail(rq->s, rec, full + rec->list_len) != 0) {
        return ngx_http_resources_damaged(rq, "a record does not unpack");
    }

    return ngx_http_resources_html_article(rq, full, rec->full_len);
}


/* a lookup: one resource in full */

static ngx_int_t
ngx_http_resources_lookup(ngx_http_resources_req_t *rq, u_char *id,
    size_t len)
{
    u_char              *p;
    size_t               tail;
    uint32_t             docno;
    resources_record_t   rec;

    if (!resources_id_valid(id, len)
        || resources_snapshot_id(rq->s, id, len, &docno) != 0)
    {
        return ngx_http_resources_fail(rq, NGX_HTTP_NOT_FOUND,
                                        "no resource with this id");
    }

    if (resources_snapshot_record(rq->s, docno, &rec) != 0) {
        return ngx_http_resources_damaged(rq, "an id's record is unreadable");
    }

    if (rec.priv && rq->view != RESOURCES_VIEW_ALL) {
        return ngx_http_resources_fail(rq, NGX_HTTP_NOT_FOUND,
                                        "no resource with this id");
    }

    if (rq->q.format == RESOURCES_FORMAT_HTML) {
        return ngx_http_resources_lookup_html(rq, &rec);
    }

    if (rec.full) {
        return ngx_http_resources_append_ref(rq, rec.full, rec.full_len);
    }

    /* packed: the list form from the map, the rest unpacked after it */

    if (ngx_http_resources_append_ref(rq, rec.list, rec.list_len) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    tail = rec.full_len - rec.list_len;

    p = ngx_http_resources_reserve(rq, tail);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (resources_snapshot_tail(rq->s, &rec, p) != 0) {
        return ngx_http_resources_damaged(rq, "a record does not unpack");
    }

    rq->b->last = p + tail;
    rq->length += tail;

    return NGX_OK;
}


static ngx_int_t
ngx_http_resources_meta(ngx_http_resources_req_t *rq)
{
    u_char                      *p;
    size_t                       i, m;
    uint32_t                     ntypes;
    resources_snapshot_t        *s;
    resources_term_info_t        t;
    ngx_http_resources_facet_t  *f;
    u_char                       built[sizeof("1970-01-01T00:00:00Z")];
    ngx_tm_t                     tm;

    s = rq->s;
    ntypes = s->header.ntypes[1];

    f = ngx_palloc(rq->r->pool, (ntypes + 1)
                                * sizeof(ngx_http_resources_facet_t));
    if (f == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0, m = 0; i < ntypes; i++) {
        if (resources_snapshot_term(s, RESOURCES_KIND_TYPE,
                                    resources_snapshot_col(s->typesorted, i),
                                    &t)
            != 0)
        {
            return ngx_http_resources_damaged(rq, "a type is unreadable");
        }

        if (t.count[rq->vi]) {
            f[m].id = t.id;
            f[m].count = t.count[rq->vi];
            ngx_http_resources_spelling(rq, &t, &f[m].value, &f[m].len);
            m++;
        }
    }

    ngx_gmtime(rq->snap->view[rq->vi].built, &tm);
    p = ngx_sprintf(built, "%4d-%02d-%02dT%02d:%02d:%02dZ",
                    tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                    tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec);

    if (ngx_http_resources_append_literal(rq, "{\"version\":") != NGX_OK
        || ngx_http_resources_append_string(rq,
                                            rq->snap->view[rq->vi].version,
                                            RESOURCES_VERSION_LEN)
           != NGX_OK
        || ngx_http_resources_append_literal(rq, ",\"built\":") != NGX_OK
        || ngx_http_resources_append_string(rq, built, p - built) != NGX_OK
        || ngx_http_resources_append_literal(rq, ",\"total\":") != NGX_OK
        || ngx_http_resources_append_int(rq, rq->vi ? s->header.ndocs
                                                    : s->header.npublic)
           != NGX_OK
        || ngx_http_resources_append_literal(rq, ",\"keywords\":") != NGX_OK
        || ngx_http_resources_append_int(rq, s->header.nkeywords[rq->vi])
           != NGX_OK
        || ngx_http_resources_append_literal(rq, ",\"types\":") != NGX_OK
        || ngx_http_resources_facet_out(rq, 0, f, m, m) != NGX_OK
        || ngx_http_resources_append_literal(rq, ",\"limits\":{\"default\":")
           != NGX_OK
        || ngx_http_resources_append_int(rq, rq->rlcf->default_limit)
           != NGX_OK
        || ngx_http_resources_append_literal(rq, ",\"max\":") != NGX_OK
        || ngx_http_resources_append_int(rq, rq->rlcf->max_limit) != NGX_OK
        || ngx_http_resources_append_literal(rq, "},\"link\":") != NGX_OK
        || (rq->rlcf->link.len
            ? ngx_http_resources_append_string(rq, rq->rlcf->link.data,
                                               rq->rlcf->link.len)
            : ngx_http_resources_append_literal(rq, "null"))
           != NGX_OK
        || ngx_http_resources_append_literal(rq, "}\n") != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_OK;
}


/*
 * The most used keywords or types of the public view, from s->freq: the
 * first limit, and those tied with the last of them (ties are broken in
 * folded order by ngx_http_resources_facet_out(), so they are put in that
 * order first)
 */

static ngx_int_t
ngx_http_resources_terms_top(ngx_http_resources_req_t *rq, u_char kind,
    size_t limit)
{
    size_t                       i, j, n, m;
    uint32_t                    *rank;
    resources_freq_t            *freq;
    ngx_http_resources_facet_t  *f, e;

    i = (kind == RESOURCES_KIND_TYPE);
    freq = rq->s->freq[i];
    rank = rq->s->rank[i];
    n = rq->s->nterms[i];

    for (m = 0; m < n && limit > 0 && freq[m].count > 0; m++) {
        if (m >= limit && freq[m].count < freq[limit - 1].count) {
            break;
        }
    }

    f = ngx_http_resources_alloc(rq, (m + 1)
                                     * sizeof(ngx_http_resources_facet_t));
    if (f == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (j = 0; j < m; j++) {
        f[j].id = freq[j].id;
        f[j].count = freq[j].count;
    }

    for (j = 1; j < m; j++) {
        e = f[j];

        for (i = j; i > 0 && f[i - 1].count == e.count
                    && rank[f[i - 1].id] > rank[e.id]; i--)
        {
            f[i] = f[i - 1];
        }

        f[i] = e;
    }

    if (ngx_http_resources_append_literal(rq, "{\"items\":") != NGX_OK
        || ngx_http_resources_facet_out(rq, kind, f, m, limit) != NGX_OK
        || ngx_http_resources_append_literal(rq, "}\n") != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_OK;
}


/*
 * Text for suggestions: every run of characters that are neither ASCII
 * letters nor digits (nor above ASCII: the letters folding keeps) one
 * space, none at either end ("tiers-lieux" and "tiers lieux" are alike).
 * out has len bytes at least; returns its length.
 */

static size_t
ngx_http_resources_squash(const u_char *in, size_t len, u_char *out)
{
    size_t  i, n;
    u_char  c;

    for (i = 0, n = 0; i < len; i++) {
        c = in[i];

        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
            out[n++] = c;

        } else if (n && out[n - 1] != ' ') {
            out[n++] = ' ';
        }
    }

    if (n && out[n - 1] == ' ') {
        n--;
    }

    return n;
}


/*
 * Whether p[0 .. m) is within one edit (optimal string alignment) of a
 * prefix of t[0 .. n): the last row of the dynamic programme, Ukkonen's
 * band of 3 cells
 */

static ngx_uint_t
ngx_http_resources_near_prefix(const u_char *p, size_t m, const u_char *t,
    size_t n)
{
    size_t    i, j, lo, hi;
    unsigned  v, row[3][RESOURCES_TERM_MAX + 2];

    if (m > RESOURCES_TERM_MAX) {
        return 0;
    }

    for (j = 0; j <= m; j++) {
        row[0][j] = (unsigned) j;
    }

    if (row[0][m] <= 1) {
        return 1;
    }

    for (i = 1; i <= n && i <= m + 1; i++) {
        lo = (i > 1) ? i - 1 : 1;
        hi = ngx_min(m, i + 1);

        row[i % 3][0] = (unsigned) i;

        for (j = 1; j <= m; j++) {
            if (j < lo || j > hi) {
                row[i % 3][j] = 2;
                continue;
            }

            v = row[(i - 1) % 3][j - 1] + (t[i - 1] != p[j - 1]);
            v = ngx_min(v, row[(i - 1) % 3][j] + 1);
            v = ngx_min(v, row[i % 3][j - 1] + 1);

            if (i > 1 && j > 1 && t[i - 1] == p[j - 2] && t[i - 2] == p[j - 1])
            {
                v = ngx_min(v, row[(i - 2) % 3][j - 2] + 1);
            }

            row[i % 3][j] = ngx_min(v, 2);
        }

        if (row[i % 3][m] <= 1) {
            return 1;
        }
    }

    return 0;
}


/*
 * How a keyword or type (folded: key, len) answers suggestions for the
 * squashed prefix p[0 .. m) (issue #22): 2 when one of its words starts the
 * prefix, punctuation aside ("courts" for "circuits courts", "tiers lieux"
 * for "tiers-lieux"); 3 when it does with one typo, for a prefix of 5
 * letters or more; 0 otherwise.  (1 is for the keywords whose folded form
 * starts with the folded prefix: the range ngx_http_resources_terms()
 * scans first.)
 */

static ngx_uint_t
ngx_http_resources_suggests(const u_char *key, size_t len, const u_char *p,
    size_t m, u_char *buf)
{
    size_t      i, n;
    ngx_uint_t  typo;

    n = ngx_http_resources_squash(key, len, buf);

    typo = 0;

    for (i = 0; i < n; i++) {
        if (i > 0 && buf[i - 1] != ' ') {
            continue;                           /* not a word's start */
        }

        if (n - i >= m && ngx_memcmp(buf + i, p, m) == 0) {
            return 2;
        }

        if (!typo && m >= 5 && buf[i] == p[0]
            && ngx_http_resources_near_prefix(p, m, buf + i, n - i))
        {
            typo = 1;
        }
    }

    return typo ? 3 : 0;
}


/*
 * Keyword or type suggestions: those whose folded form starts with the
 * folded prefix, most used first; then, when they are fewer than limit,
 * those with a word that starts it (punctuation aside), then those with a
 * typo in it, each most used first
 */

static ngx_int_t
ngx_http_resources_terms(ngx_http_resources_req_t *rq, u_char kind)
{
    int                          more;
    ngx_int_t                    rc;
    ngx_uint_t                   ordered;
    u_char                      *folded, *key;
    size_t                       n, cap, limit, klen;
    ssize_t                      flen;
    MDB_val                      k, d;
    resources_scan_t             sc;
    resources_term_info_t        t;
    ngx_http_request_t          *r;
    ngx_http_resources_facet_t  *f, *nf;

    r = rq->r;

    rc = ngx_http_resources_args(rq, RESOURCES_QUERY_TERMS, &folded);
    if (rc != NGX_OK) {
        return rc;
    }

    limit = rq->q.limit >= 0 ? (size_t) rq->q.limit : rq->rlcf->facet_limit;

    flen = 0;
    folded = NULL;

    if (rq->q.prefix.len) {
        flen = ngx_http_resources_fold(rq, &rq->q.prefix, &folded);

        if (flen < 0 || flen > RESOURCES_TERM_MAX) {
            return ngx_http_resources_fail(rq, NGX_HTTP_BAD_REQUEST,
                                            "\"prefix\" cannot be read as"
                                            " text");
        }

        if (flen > 0 && kind == RESOURCES_KIND_KEYWORD
            && (rq->s->header.flags & RESOURCES_HEADER_LIGHT))
        {
            /* keywords are keyed by their words stemmed (0.7) */

            key = ngx_pnalloc(r->pool, flen);
            if (key == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            flen = resources_keyword_key(folded, (size_t) flen, key,
                                         (size_t) flen);
            if (flen < 0) {
                return ngx_http_resources_fail(rq, NGX_HTTP_BAD_REQUEST,
                                                "\"prefix\" cannot be read"
                                                " as text");
            }

            folded = key;
        }
    }

    /*
     * The most used of the public view: the first of the terms by public
     * resources (a table made at the opening), ties in folded order
     */

    if (flen == 0 && rq->view == RESOURCES_VIEW_PUBLIC) {
        return ngx_http_resources_terms_top(rq, kind, limit);
    }

    key = ngx_pnalloc(r->pool, flen + 1);
    if (key == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    key[0] = kind;

    if (flen) {
        ngx_memcpy(key + 1, folded, flen);
    }

    klen = flen + 1;

    cap = 64;
    n = 0;

    f = ngx_palloc(r->pool, cap * sizeof(ngx_http_resources_facet_t));
    if (f == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (resources_snapshot_scan(rq->s, &sc, RESOURCES_SCAN_TERMS, key, klen)
        != 0)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    while ((more = resources_scan_next(&sc, &k, &d)) == 1) {

        if (d.mv_size < sizeof(resources_term_t)) {
            more = -1;
            break;
        }

        if (resources_snapshot_term_value(&d, &t) != 0
            || t.count[rq->vi] == 0)
        {
            continue;
        }

        if (n == cap) {
            nf = ngx_palloc(r->pool,
                            cap * 2 * sizeof(ngx_http_resources_facet_t));
            if (nf == NULL) {
                resources_scan_close(&sc);
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            ngx_memcpy(nf, f, cap * sizeof(ngx_http_resources_facet_t));
            f = nf;
            cap *= 2;
        }

        f[n].id = t.id;
        f[n].count = t.count[rq->vi];
        ngx_http_resources_spelling(rq, &t, &f[n].value, &f[n].len);
        n++;
    }

    resources_scan_close(&sc);

    if (more == -1) {
        return ngx_http_resources_damaged(rq, "a term is malformed");
    }

    ordered = 0;

    if (n < limit && flen > 0) {
        rc = ngx_http_resources_terms_more(rq, kind, folded, flen, limit,
                                           &f, &n, cap, &ordered);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (ngx_http_resources_append_literal(rq, "{\"items\":") != NGX_OK
        || (ordered ? ngx_http_resources_items_out(rq, f, n)
                    : ngx_http_resources_facet_out(rq, 0, f, n, limit))
           != NGX_OK
        || ngx_http_resources_append_literal(rq, "}\n") != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_OK;
}


/*
 * Suggestions past the folded prefix's range: every term of the kind that
 * the location sees, tested (ngx_http_resources_suggests); those found
 * appended to f (the range's there already), then all put in order: the
 * range's, the words' matches, the typos', each group most used first,
 * ties in folded order; the first limit in *fp, *ordered set when any was
 * found (they are then written as they are, not by count)
 */

static ngx_int_t
ngx_http_resources_terms_more(ngx_http_resources_req_t *rq, u_char kind,
    const u_char *folded, size_t flen, size_t limit,
    ngx_http_resources_facet_t **fp, size_t *np, size_t cap,
    ngx_uint_t *ordered)
{
    int                          more;
    u_char                      *p, *buf;
    size_t                       m, n, n1, i, j, g;
    uint64_t                    *keys;
    ngx_uint_t                   grp, *group, *ng;
    MDB_val                      k, d;
    resources_scan_t             sc;
    resources_term_info_t        t;
    ngx_http_resources_facet_t  *f, *nf, *out;

    f = *fp;
    n = *np;
    n1 = n;

    p = ngx_pnalloc(rq->r->pool, flen + RESOURCES_TERM_MAX + 2);
    group = ngx_palloc(rq->r->pool, cap * sizeof(ngx_uint_t));
    if (p == NULL || group == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    buf = p + flen;
    m = ngx_http_resources_squash(folded, flen, p);

    if (m == 0) {
        return NGX_OK;
    }

    for (i = 0; i < n; i++) {
        group[i] = 1;
    }

    if (resources_snapshot_scan(rq->s, &sc, RESOURCES_SCAN_TERMS, &kind, 1)
        != 0)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    while ((more = resources_scan_next(&sc, &k, &d)) == 1) {

        if (d.mv_size < sizeof(resources_term_t) || k.mv_size < 1
            || k.mv_size - 1 > RESOURCES_TERM_MAX)
        {
            more = -1;
            break;
        }

        if (resources_snapshot_term_value(&d, &t) != 0
            || t.count[rq->vi] == 0)
        {
            continue;
        }

        /* the first group's (the range already scanned) */

        if (k.mv_size - 1 >= flen
            && ngx_memcmp((u_char *) k.mv_data + 1, folded, flen) == 0)
        {
            continue;
        }

        grp = ngx_http_resources_suggests((u_char *) k.mv_data + 1,
                                          k.mv_size - 1, p, m, buf);
        if (grp == 0) {
            continue;
        }

        if (n == cap) {
            nf = ngx_palloc(rq->r->pool,
                            cap * 2 * sizeof(ngx_http_resources_facet_t));
            ng = ngx_palloc(rq->r->pool, cap * 2 * sizeof(ngx_uint_t));
            if (nf == NULL || ng == NULL) {
                resources_scan_close(&sc);
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            ngx_memcpy(nf, f, cap * sizeof(ngx_http_resources_facet_t));
            ngx_memcpy(ng, group, cap * sizeof(ngx_uint_t));
            f = nf;
            group = ng;
            cap *= 2;
        }

        f[n].id = t.id;
        f[n].count = t.count[rq->vi];
        ngx_http_resources_spelling(rq, &t, &f[n].value, &f[n].len);
        group[n] = grp;
        n++;
    }

    resources_scan_close(&sc);

    if (more == -1) {
        return ngx_http_resources_damaged(rq, "a term is malformed");
    }

    if (n == n1) {
        return NGX_OK;
    }

    /* in order: group, most used first, folded order; the first limit */

    keys = ngx_http_resources_alloc(rq, (n + 1) * sizeof(uint64_t));
    out = ngx_http_resources_alloc(rq, (n + 1)
                                       * sizeof(ngx_http_resources_facet_t));
    if (keys == NULL || out == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0; i < n; i++) {
        keys[i] = (uint64_t) group[i] << 56
                  | (uint64_t) (UINT32_MAX - f[i].count) << 24 | i;
    }

    g = ngx_min(n, limit);

    resources_select_u64(keys, n, g);

    for (j = 0; j < g; j++) {
        out[j] = f[keys[j] & 0xffffff];
    }

    *fp = out;
    *np = g;
    *ordered = 1;

    return NGX_OK;
}


/* CORS (resources_cors) */


static ngx_table_elt_t *
ngx_http_resources_header_in(ngx_http_request_t *r, const char *name,
    size_t len)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == len
            && ngx_strncasecmp(h[i].key.data, (u_char *) name, len) == 0)
        {
            return &h[i];
        }
    }
}


static ngx_int_t
ngx_http_resources_header_out(ngx_http_request_t *r, const char *key,
    ngx_str_t *value)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    h->key.data = (u_char *) key;
    h->key.len = ngx_strlen(key);
    h->value = *value;

    return NGX_OK;
}


/*
 * Access-Control-Allow-Origin: "*", or the request's Origin when it is one
 * of the configured ones (with Vary: Origin, and with credentials allowed
 * in a private location); nothing when CORS is off or the origin unknown.
 * Returns NGX_DECLINED when no origin is allowed.
 */

static ngx_int_t
ngx_http_resources_cors_origin(ngx_http_request_t *r,
    ngx_http_resources_loc_conf_t *rlcf, ngx_str_t *allow)
{
    ngx_str_t        *o, vary;
    ngx_uint_t        i;
    ngx_table_elt_t  *origin;

    o = rlcf->cors->elts;

    if (rlcf->cors->nelts == 1 && o[0].len == 1 && o[0].data[0] == '*') {
        ngx_str_set(allow, "*");
        return NGX_OK;
    }

    ngx_str_set(&vary, "Origin");

    if (ngx_http_resources_header_out(r, "Vary", &vary) != NGX_OK) {
        return NGX_ERROR;
    }

    origin = ngx_http_resources_header_in(r, "Origin", 6);
    if (origin == NULL) {
        return NGX_DECLINED;
    }

    for (i = 0; i < rlcf->cors->nelts; i++) {
        if (o[i].len == origin->value.len
            && ngx_strncasecmp(o[i].data, origin->value.data, o[i].len) == 0)
        {
            *allow = origin->value;
            return NGX_OK;
        }
    }

    return NGX_DECLINED;
}


ngx_int_t
ngx_http_resources_cors(ngx_http_request_t *r,
    ngx_http_resources_loc_conf_t *rlcf)
{
    ngx_int_t  rc;
    ngx_str_t  allow, v;

    if (rlcf->cors == NULL) {
        return NGX_OK;
    }

    rc = ngx_http_resources_cors_origin(r, rlcf, &allow);

    if (rc != NGX_OK) {
        return rc == NGX_DECLINED ? NGX_OK : NGX_ERROR;
    }

    ngx_str_set(&v, "ETag, Last-Modified, Link");

    if (ngx_http_resources_header_out(r, "Access-Control-Allow-Origin",
                                      &allow)
        != NGX_OK
        || ngx_http_resources_header_out(r, "Access-Control-Expose-Headers",
                                         &v)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (rlcf->private && !(allow.len == 1 && allow.data[0] == '*')) {
        ngx_str_set(&v, "true");

        if (ngx_http_resources_header_out(r,
                                     "Access-Control-Allow-Credentials", &v)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/* OPTIONS with CORS on: a preflight, 204 */

static ngx_int_t
ngx_http_resources_preflight(ngx_http_request_t *r,
    ngx_http_resources_loc_conf_t *rlcf)
{
    ngx_int_t  rc;
    ngx_str_t  v;

    if (ngx_http_resources_cors(r, rlcf) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_str_set(&v, "GET, HEAD, OPTIONS");
    rc = ngx_http_resources_header_out(r, "Access-Control-Allow-Methods", &v);

    if (rc == NGX_OK) {
        ngx_str_set(&v, "If-None-Match, If-Modified-Since");
        rc = ngx_http_resources_header_out(r, "Access-Control-Allow-Headers",
                                           &v);
    }

    if (rc == NGX_OK) {
        ngx_str_set(&v, "86400");
        rc = ngx_http_resources_header_out(r, "Access-Control-Max-Age", &v);
    }

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.status = NGX_HTTP_NO_CONTENT;
    r->headers_out.content_length_n = 0;
    r->header_only = 1;

    return ngx_http_send_header(r);
}
