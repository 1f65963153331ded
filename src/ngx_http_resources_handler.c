/*
 * Copyright (C) ngx_http_resources authors
 *
 * The HTTP API (docs/api.md):
 *
 *     GET L, L/            the list, filtered, sorted, paged, with facets
 *     GET L/<id>           one resource, full form
 *     GET L/_meta          version, build time, counts, types
 *     GET L/_keywords      keyword suggestions (?prefix=, ?limit=)
 *     GET L/_types         type suggestions
 *
 * Everything a request computes lives in its pool; the records themselves
 * are read from the snapshot's map (a lookup's body points into it).
 */


#include "ngx_http_resources_module.h"
#include "resources_text.h"
#include "resources_atom.h"


#define NGX_HTTP_RESOURCES_WORDS_MAX     10   /* required words of q */
#define NGX_HTTP_RESOURCES_PREFIX_MAX    64   /* expansions of q's last word */
#define NGX_HTTP_RESOURCES_LISTS_MAX     RESOURCES_INTERSECT_MAX
#define NGX_HTTP_RESOURCES_YEARS         10000 /* 0000 .. 9999 */


/*
 * A term of q (a word, or a word its last word starts) for relevance from
 * bitmaps: its bitmap and its field bits' (RESOURCES_PART_BITMAP,
 * RESOURCES_PART_FIELD_HI, RESOURCES_PART_FIELD_LO), or none for a rare
 * one, whose posting is then read
 */

typedef struct {
    const u_char                    *bits[3];
    resources_posting_t              post;
    ngx_uint_t                       slot;        /* its word of q */
} ngx_http_resources_term_t;


typedef struct {
    ngx_http_request_t              *r;
    ngx_http_resources_loc_conf_t   *rlcf;
    ngx_http_resources_snap_t       *snap;
    resources_snapshot_t            *s;       /* &snap->snap */
    u_char                           view;
    ngx_uint_t                       vi;          /* view index */
    resources_query_t                q;

    resources_posting_t              lists[NGX_HTTP_RESOURCES_LISTS_MAX];
    const u_char                    *bits[NGX_HTTP_RESOURCES_LISTS_MAX];
    ngx_uint_t                       nlists;
    const u_char                    *dense;       /* a large prefix */
    ngx_uint_t                       nwords;

    /* q's last word as a prefix: its expansions, merged when needed */
    resources_posting_t             *prefix;
    ngx_uint_t                       nprefix;
    ngx_uint_t                       prefix_at;   /* 1 + its list, or 0 */

    /* q's terms, for relevance from bitmaps (when rq->top) */
    ngx_http_resources_term_t       *terms;
    ngx_uint_t                       nterms;

    /* the facets the loader counted for the one filter, if any */
    resources_posting_t              table;
    ngx_int_t                        total;
    const char                      *message;     /* for a 4xx */
    char                             err[512];
    unsigned                         empty:1;     /* a term is unknown */
    unsigned                         atom:1;      /* the body is a feed */
    unsigned                         too_many:1;
    unsigned                         failed:1;
    unsigned                         top:1;       /* relevance from bitmaps */

    /* the body being built */
    ngx_chain_t                     *out;
    ngx_chain_t                    **last;
    ngx_buf_t                       *b;
    off_t                            length;
} ngx_http_resources_req_t;


typedef struct {
    uint32_t                         id;
    uint32_t                         count;
    const u_char                    *value;      /* as published */
    size_t                           len;
} ngx_http_resources_facet_t;


/*
 * The work area: the large temporaries of a list (result sets, scores, sort
 * keys, counts, bitmaps) come from one buffer per worker, reused from
 * request to request, instead of the request's pool: a big query then
 * does not map, fault in and unmap fresh pages every time.  Only the
 * content handler uses it, start to end (nothing in the body points into
 * it: records come from the map, everything else is copied into the
 * body's buffers), and a worker runs one handler at a time.  What does not
 * fit comes from the pool; the buffer grows to the largest need seen, up
 * to NGX_HTTP_RESOURCES_WORK_MAX, at the next request.
 */

#define NGX_HTTP_RESOURCES_WORK_MIN      (256 * 1024)
#define NGX_HTTP_RESOURCES_WORK_MAX      (16 * 1024 * 1024)


typedef struct {
    u_char                          *start;
    size_t                           size;
    size_t                           used;
    size_t                           want;        /* the largest need */
} ngx_http_resources_work_t;


static ngx_http_resources_work_t  ngx_http_resources_work;


static ngx_int_t ngx_http_resources_list(ngx_http_resources_req_t *rq,
    ngx_uint_t atom);
static ngx_int_t ngx_http_resources_bitmaps(ngx_http_resources_req_t *rq,
    uint32_t lo, uint32_t hi, size_t offset, size_t limit, uint32_t **res,
    uint32_t **score, size_t *total, size_t *page, uint64_t **bits);
static uint32_t *ngx_http_resources_bits_list(ngx_http_resources_req_t *rq,
    const uint64_t *bits, size_t n);
static ngx_int_t ngx_http_resources_feed(ngx_http_resources_req_t *rq,
    uint32_t *page, size_t m);
static ngx_int_t ngx_http_resources_cors(ngx_http_request_t *r,
    ngx_http_resources_loc_conf_t *rlcf);
static ngx_int_t ngx_http_resources_preflight(ngx_http_request_t *r,
    ngx_http_resources_loc_conf_t *rlcf);
static ngx_int_t ngx_http_resources_lookup(ngx_http_resources_req_t *rq,
    u_char *id, size_t len);
static ngx_int_t ngx_http_resources_meta(ngx_http_resources_req_t *rq);
static ngx_int_t ngx_http_resources_terms(ngx_http_resources_req_t *rq,
    u_char kind);
static ngx_int_t ngx_http_resources_send(ngx_http_resources_req_t *rq,
    ngx_http_resources_snap_t *snap);
static ngx_int_t ngx_http_resources_error(ngx_http_request_t *r,
    ngx_uint_t status, const char *message);


/*
 * A route's answer to a client's mistake: the handler sends it.  Routes
 * return NGX_OK (the body is built), such a status, or
 * NGX_HTTP_INTERNAL_SERVER_ERROR.
 */

static ngx_inline ngx_int_t
ngx_http_resources_fail(ngx_http_resources_req_t *rq, ngx_uint_t status,
    const char *message)
{
    rq->message = message;

    return status;
}


/*
 * Data of the snapshot found wrong as it is used (what its open checks do
 * not cover): one alert naming the file; the request gets a JSON 500
 */

static ngx_int_t
ngx_http_resources_damaged(ngx_http_resources_req_t *rq, const char *what)
{
    ngx_log_error(NGX_LOG_ALERT, rq->r->connection->log, 0,
                  "resources: \"%s\" is damaged: %s",
                  rq->rlcf->db->path.data, what);

    return NGX_HTTP_INTERNAL_SERVER_ERROR;
}


/* the parameters a route takes, strictly or not as the location says */

static ngx_inline unsigned
ngx_http_resources_query_flags(ngx_http_resources_req_t *rq, unsigned route)
{
    return route | (rq->rlcf->strict_args ? RESOURCES_QUERY_STRICT : 0);
}


/*
 * A route that takes no parameter (a lookup, _meta): its query string is
 * checked all the same, so that a misspelt one is not silently ignored
 */

static ngx_int_t
ngx_http_resources_no_args(ngx_http_resources_req_t *rq)
{
    u_char              *buf;
    ngx_http_request_t  *r;

    r = rq->r;

    if (r->args.len == 0 || !rq->rlcf->strict_args) {
        return NGX_OK;
    }

    buf = ngx_pnalloc(r->pool, r->args.len + 1);
    if (buf == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (resources_query_parse(r->args.data, r->args.len, buf,
                              (int64_t) rq->rlcf->max_limit,
                              ngx_http_resources_query_flags(rq, 0), &rq->q,
                              rq->err, sizeof(rq->err))
        != 0)
    {
        return ngx_http_resources_fail(rq, NGX_HTTP_BAD_REQUEST, rq->err);
    }

    return NGX_OK;
}


/* the body: appended to a chain of pool buffers */

/* at the start of a request: everything in the work area is free again */

static void
ngx_http_resources_work_reset(ngx_log_t *log)
{
    size_t                      size;
    ngx_http_resources_work_t  *w;

    w = &ngx_http_resources_work;
    w->used = 0;

    if (w->want <= w->size) {
        return;
    }

    size = ngx_max(w->want, 2 * w->size);
    size = ngx_max(size, NGX_HTTP_RESOURCES_WORK_MIN);
    size = ngx_min(size, NGX_HTTP_RESOURCES_WORK_MAX);

    if (size <= w->size) {
        return;
    }

    if (w->start) {
        ngx_free(w->start);
    }

    w->start = ngx_alloc(size, log);
    w->size = w->start ? size : 0;
}


void
ngx_http_resources_work_done(void)
{
    if (ngx_http_resources_work.start) {
        ngx_free(ngx_http_resources_work.start);
    }

    ngx_memzero(&ngx_http_resources_work, sizeof(ngx_http_resources_work_t));
}


static void *
ngx_http_resources_alloc(ngx_http_resources_req_t *rq, size_t size)
{
    u_char                     *p;
    ngx_http_resources_work_t  *w;

    w = &ngx_http_resources_work;
    size = ngx_align(size, 64);

    if (w->size - w->used >= size) {
        p = w->start + w->used;
        w->used += size;
        return p;
    }

    w->want = ngx_max(w->want, w->used + size);

    return ngx_palloc(rq->r->pool, size);
}


static void *
ngx_http_resources_calloc(ngx_http_resources_req_t *rq, size_t size)
{
    void  *p;

    p = ngx_http_resources_alloc(rq, size);

    if (p) {
        ngx_memzero(p, size);
    }

    return p;
}


static void *
ngx_http_resources_alloc_more(ngx_http_resources_req_t *rq, void *old,
    size_t n, size_t cap)
{
    void  *p;

    p = ngx_http_resources_alloc(rq, cap * sizeof(ngx_http_resources_facet_t));

    if (p) {
        ngx_memcpy(p, old, n * sizeof(ngx_http_resources_facet_t));
    }

    return p;
}


static u_char *
ngx_http_resources_reserve(ngx_http_resources_req_t *rq, size_t size)
{
    size_t        bsize;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    b = rq->b;

    if (b && (size_t) (b->end - b->last) >= size) {
        return b->last;
    }

    bsize = ngx_max(size, 16384);

    b = ngx_create_temp_buf(rq->r->pool, bsize);
    if (b == NULL) {
        return NULL;
    }

    cl = ngx_alloc_chain_link(rq->r->pool);
    if (cl == NULL) {
        return NULL;
    }

    cl->buf = b;
    cl->next = NULL;
    *rq->last = cl;
    rq->last = &cl->next;
    rq->b = b;

    return b->last;
}


static ngx_int_t
ngx_http_resources_append(ngx_http_resources_req_t *rq, const u_char *data,
    size_t len)
{
    u_char  *p;

    p = ngx_http_resources_reserve(rq, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    rq->b->last = ngx_cpymem(p, data, len);
    rq->length += len;

    return NGX_OK;
}


#define ngx_http_resources_append_literal(rq, s)                              \
    ngx_http_resources_append(rq, (u_char *) s, sizeof(s) - 1)


/* a JSON string, quoted and escaped */

static ngx_int_t
ngx_http_resources_append_string(ngx_http_resources_req_t *rq,
    const u_char *data, size_t len)
{
    u_char  *p, *start;
    size_t   size;

    size = len + ngx_escape_json(NULL, (u_char *) data, len) + 2;

    p = ngx_http_resources_reserve(rq, size);
    if (p == NULL) {
        return NGX_ERROR;
    }

    start = p;
    *p++ = '"';
    p = (u_char *) ngx_escape_json(p, (u_char *) data, len);
    *p++ = '"';

    rq->b->last = p;
    rq->length += p - start;

    return NGX_OK;
}


static ngx_int_t
ngx_http_resources_append_int(ngx_http_resources_req_t *rq, int64_t v)
{
    u_char  *p, *start;

    p = ngx_http_resources_reserve(rq, NGX_INT64_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    start = p;
    p = ngx_sprintf(p, "%L", v);

    rq->b->last = p;
    rq->length += p - start;

    return NGX_OK;
}


/* a body that points into the snapshot: no copy */

static ngx_int_t
ngx_http_resources_append_ref(ngx_http_resources_req_t *rq,
    const u_char *data, size_t len)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    b = ngx_calloc_buf(rq->r->pool);
    if (b == NULL) {
        return NGX_ERROR;
    }

    cl = ngx_alloc_chain_link(rq->r->pool);
    if (cl == NULL) {
        return NGX_ERROR;
    }

    b->pos = (u_char *) data;
    b->last = (u_char *) data + len;
    b->memory = 1;

    cl->buf = b;
    cl->next = NULL;
    *rq->last = cl;
    rq->last = &cl->next;
    rq->b = NULL;
    rq->length += len;

    return NGX_OK;
}


ngx_int_t
ngx_http_resources_handler(ngx_http_request_t *r)
{
    u_char                         *p;
    size_t                          plen, len;
    ngx_int_t                       rc;
    ngx_str_t                       rest;
    ngx_http_resources_req_t       *rq;
    ngx_http_resources_ctx_t       *ctx;
    ngx_http_resources_snap_t      *snap;
    ngx_http_resources_loc_conf_t  *rlcf;

    rlcf = ngx_http_get_module_loc_conf(r, ngx_http_resources_module);

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        rc = ngx_http_discard_request_body(r);
        if (rc != NGX_OK) {
            return rc;
        }

        if (r->method == NGX_HTTP_OPTIONS && rlcf->cors) {
            return ngx_http_resources_preflight(r, rlcf);
        }

        return ngx_http_resources_error(r, NGX_HTTP_NOT_ALLOWED,
                                        "only GET and HEAD are allowed");
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_resources_ctx_t));
    if (ctx == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ctx->total = -1;
    ngx_http_set_ctx(r, ctx, ngx_http_resources_module);

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

    rq->r = r;
    rq->rlcf = rlcf;
    rq->snap = snap;
    rq->s = &snap->snap;
    rq->view = rlcf->private ? RESOURCES_VIEW_ALL : RESOURCES_VIEW_PUBLIC;
    rq->vi = RESOURCES_VIEW_INDEX(rq->view);
    ctx->view = &snap->view[rq->vi];
    rq->last = &rq->out;
    rq->total = -1;

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

    if (rest.len <= 1) {
        rc = ngx_http_resources_list(rq, 0);
        ctx->total = rq->total;

    } else {
        p = rest.data + 1;
        len = rest.len - 1;

        if (len == 5 && ngx_strncmp(p, "_meta", 5) == 0) {
            rc = ngx_http_resources_no_args(rq);

            if (rc == NGX_OK) {
                rc = ngx_http_resources_meta(rq);
            }

        } else if (len == 9 && ngx_strncmp(p, "_keywords", 9) == 0) {
            rc = ngx_http_resources_terms(rq, RESOURCES_KIND_KEYWORD);

        } else if (len == 6 && ngx_strncmp(p, "_types", 6) == 0) {
            rc = ngx_http_resources_terms(rq, RESOURCES_KIND_TYPE);

        } else if (len == 5 && ngx_strncmp(p, "_feed", 5) == 0) {
            rc = ngx_http_resources_list(rq, 1);
            ctx->total = rq->total;

        } else {
            rc = ngx_http_resources_no_args(rq);

            if (rc == NGX_OK) {
                rc = ngx_http_resources_lookup(rq, p, len);
            }
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


static ngx_int_t
ngx_http_resources_send(ngx_http_resources_req_t *rq,
    ngx_http_resources_snap_t *snap)
{
    ngx_int_t            rc;
    ngx_table_elt_t     *etag;
    ngx_http_request_t  *r;

    r = rq->r;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = rq->length;

    if (rq->atom) {
        ngx_str_set(&r->headers_out.content_type,
                    "application/atom+xml; charset=utf-8");
        r->headers_out.content_type_len = sizeof("application/atom+xml") - 1;

    } else {
        ngx_str_set(&r->headers_out.content_type,
                    "application/json; charset=utf-8");
        r->headers_out.content_type_len = sizeof("application/json") - 1;
    }

    r->headers_out.content_type_lowcase = NULL;

    if (ngx_http_resources_cors(r, rq->rlcf) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.last_modified_time = snap->view[rq->vi].built;

    etag = ngx_list_push(&r->headers_out.headers);
    if (etag == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    etag->hash = 1;
    ngx_str_set(&etag->key, "ETag");
    etag->value = snap->view[rq->vi].etag;
    r->headers_out.etag = etag;

    if (rq->out) {
        rq->b = NULL;

        /* the last buffer */

        ngx_chain_t  *cl;

        for (cl = rq->out; cl->next; cl = cl->next) { /* void */ }

        cl->buf->last_buf = (r == r->main) ? 1 : 0;
        cl->buf->last_in_chain = 1;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only || rq->out == NULL) {
        return rc;
    }

    return ngx_http_output_filter(r, rq->out);
}


static ngx_int_t
ngx_http_resources_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *message)
{
    size_t                          len;
    ngx_int_t                       rc;
    ngx_uint_t                      level;
    ngx_buf_t                      *b;
    ngx_chain_t                     out;
    ngx_table_elt_t                *h;
    ngx_http_resources_loc_conf_t  *rlcf;

    len = ngx_strlen(message);

    b = ngx_create_temp_buf(r->pool, len
                            + ngx_escape_json(NULL, (u_char *) message, len)
                            + sizeof("{\"error\":{\"status\":000,"
                                     "\"message\":\"\"}}\n"));
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->last = ngx_sprintf(b->last, "{\"error\":{\"status\":%ui,\"message\":\"",
                          status);
    b->last = (u_char *) ngx_escape_json(b->last, (u_char *) message, len);
    b->last = ngx_cpymem(b->last, "\"}}\n", 4);
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    r->headers_out.status = status;
    r->headers_out.content_length_n = b->last - b->pos;

    ngx_str_set(&r->headers_out.content_type,
                "application/json; charset=utf-8");
    r->headers_out.content_type_len = sizeof("application/json") - 1;
    r->headers_out.content_type_lowcase = NULL;

    rlcf = ngx_http_get_module_loc_conf(r, ngx_http_resources_module);

    if (ngx_http_resources_cors(r, rlcf) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (status == NGX_HTTP_NOT_ALLOWED) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = 1;
        ngx_str_set(&h->key, "Allow");
        ngx_str_set(&h->value, "GET, HEAD");
    }

    if (status == NGX_HTTP_SERVICE_UNAVAILABLE) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->value.data = ngx_pnalloc(r->pool, NGX_TIME_T_LEN);
        if (h->value.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = 1;
        ngx_str_set(&h->key, "Retry-After");
        h->value.len = ngx_sprintf(h->value.data, "%T", rlcf->retry_after)
                       - h->value.data;
    }

    /* a client's mistake is not the server's: info at most */

    level = (status >= NGX_HTTP_INTERNAL_SERVER_ERROR) ? NGX_LOG_ERR
                                                       : NGX_LOG_INFO;

    ngx_log_error(level, r->connection->log, 0, "resources: %ui: %s",
                  status, message);

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
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


/*
 * A term's posting as the location sees it: the public part, merged with
 * the private part in a private location.
 */

static ngx_int_t
ngx_http_resources_posting(ngx_http_resources_req_t *rq, u_char kind,
    const u_char *term, size_t len, resources_posting_t *p)
{
    uint32_t             *out;
    resources_posting_t   parts[2];

    if (resources_snapshot_posting(rq->s, RESOURCES_PART_PUBLIC, kind, term,
                                   len, &parts[0])
        != 0)
    {
        (void) ngx_http_resources_damaged(rq, "a posting is malformed");
        return NGX_ERROR;
    }

    *p = parts[0];

    if (rq->view != RESOURCES_VIEW_ALL) {
        return NGX_OK;
    }

    if (resources_snapshot_posting(rq->s, RESOURCES_PART_PRIVATE, kind, term,
                                   len, &parts[1])
        != 0)
    {
        (void) ngx_http_resources_damaged(rq, "a posting is malformed");
        return NGX_ERROR;
    }

    if (parts[1].n == 0) {
        return NGX_OK;
    }

    if (parts[0].n == 0) {
        *p = parts[1];
        return NGX_OK;
    }

    out = ngx_http_resources_alloc(rq,
                     (parts[0].n + parts[1].n + 1) * 2 * sizeof(uint32_t));
    if (out == NULL) {
        return NGX_ERROR;
    }

    p->n = resources_union(parts, 2, out, out + parts[0].n + parts[1].n + 1);
    p->data = (u_char *) out;

    return NGX_OK;
}


/*
 * A term of q for relevance from bitmaps.  A word without a bitmap is
 * rare: its list is short, the usual intersection is the way; a rare word
 * a prefix starts is read from its posting.
 */

/*
 * The words a prefix starts, in one part of the postings: a cursor moved
 * forward only, as the words come in key order (bitmaps and field bits,
 * one walk each, instead of a lookup per word)
 */

typedef struct {
    MDB_cursor                      *c;
    MDB_val                          k;
    MDB_val                          d;
    int                              rc;
    u_char                           part;
} ngx_http_resources_walk_t;


static const u_char *
ngx_http_resources_walk(ngx_http_resources_req_t *rq,
    ngx_http_resources_walk_t *w, const u_char *word, size_t len)
{
    int     c;
    size_t  n;
    u_char  key[2 + RESOURCES_WORD_MAX];

    if (len > RESOURCES_WORD_MAX) {
        return NULL;
    }

    n = resources_post_key(key, w->part, RESOURCES_KIND_WORD, word, len);

    for ( /* void */ ; w->rc == 0; w->rc = mdb_cursor_get(w->c, &w->k, &w->d,
                                                          MDB_NEXT))
    {
        c = ngx_memcmp(w->k.mv_data, key, ngx_min(w->k.mv_size, n));

        if (c == 0) {
            c = (w->k.mv_size > n) - (w->k.mv_size < n);
        }

        if (c > 0) {
            return NULL;
        }

        if (c == 0) {
            if (w->d.mv_size != RESOURCES_BITMAP_WORDS(rq->s->header.ndocs)
                                * sizeof(uint64_t)
                || resources_snapshot_value(rq->s, &w->d, 1) != 0)
            {
                return NULL;            /* the word's list serves */
            }

            return w->d.mv_data;
        }
    }

    return NULL;
}


static ngx_int_t
ngx_http_resources_terms_alloc(ngx_http_resources_req_t *rq)
{
    if (rq->terms == NULL) {
        rq->terms = ngx_http_resources_alloc(rq,
                        (NGX_HTTP_RESOURCES_WORDS_MAX
                         + NGX_HTTP_RESOURCES_PREFIX_MAX)
                        * sizeof(ngx_http_resources_term_t));
        if (rq->terms == NULL) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_resources_term(ngx_http_resources_req_t *rq, const u_char *word,
    size_t len, const resources_posting_t *post,
    ngx_http_resources_walk_t *walk)
{
    ngx_uint_t                  i, prefix;
    ngx_http_resources_term_t  *t;

    prefix = (walk != NULL);

    if (ngx_http_resources_terms_alloc(rq) != NGX_OK) {
        return NGX_ERROR;
    }

    t = &rq->terms[rq->nterms];

    if (walk) {
        for (i = 0; i < 3; i++) {
            t->bits[i] = ngx_http_resources_walk(rq, &walk[i], word, len);
        }

    } else {
        t->bits[0] = resources_snapshot_bitmap(rq->s, RESOURCES_KIND_WORD,
                                               word, len);
        t->bits[1] = NULL;
        t->bits[2] = NULL;

        if (t->bits[0]) {
            t->bits[1] = resources_snapshot_bits(rq->s,
                                                 RESOURCES_PART_FIELD_HI,
                                                 RESOURCES_KIND_WORD, word,
                                                 len);
            t->bits[2] = resources_snapshot_bits(rq->s,
                                                 RESOURCES_PART_FIELD_LO,
                                                 RESOURCES_KIND_WORD, word,
                                                 len);
        }
    }

    if (t->bits[0] == NULL || t->bits[1] == NULL || t->bits[2] == NULL) {
        if (!prefix) {
            rq->top = 0;
            return NGX_OK;
        }

        t->bits[0] = NULL;
    }

    t->post = *post;
    t->slot = rq->nwords - 1;

    rq->nterms++;

    return NGX_OK;
}


/*
 * Relevance from bitmaps for a prefix whose words are all known (fewer
 * than NGX_HTTP_RESOURCES_PREFIX_MAX, or that many and no more): their
 * union, one term, when the loader made it (under their longest common
 * prefix: the same for every prefix that starts the same words).
 * NGX_DECLINED when there is none.
 */

static ngx_int_t
ngx_http_resources_union(ngx_http_resources_req_t *rq, const MDB_val *first,
    const MDB_val *last, const resources_posting_t *post)
{
    size_t                      i, n;
    const u_char               *a, *b;
    ngx_http_resources_term_t  *t;

    static const u_char  parts[3] = { RESOURCES_PART_BITMAP,
                                      RESOURCES_PART_FIELD_HI,
                                      RESOURCES_PART_FIELD_LO };

    /* the words' keys: part, kind, word */

    a = (const u_char *) first->mv_data + 2;
    b = (const u_char *) last->mv_data + 2;
    n = ngx_min(first->mv_size, last->mv_size) - 2;

    for (i = 0; i < n && a[i] == b[i]; i++) { /* void */ }

    t = &rq->terms[rq->nterms];

    for (n = 0; n < 3; n++) {
        t->bits[n] = resources_snapshot_bits(rq->s, parts[n],
                                             RESOURCES_KIND_PREFIX, a, i);
        if (t->bits[n] == NULL) {
            return NGX_DECLINED;
        }
    }

    t->post = *post;
    t->slot = rq->nwords - 1;

    rq->nterms++;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, rq->r->connection->log, 0,
                   "resources: the union of the words \"%*s\" starts",
                   i, a);

    return NGX_OK;
}


/*
 * q's last word as a prefix: the postings of the first
 * NGX_HTTP_RESOURCES_PREFIX_MAX words it starts, in folded order (a word
 * of the private view has two parts, public and private: both are taken,
 * as one of those words), in rq->prefix; ngx_http_resources_merge()
 * makes them one list when relevance from bitmaps did not answer
 */

static ngx_int_t
ngx_http_resources_prefix(ngx_http_resources_req_t *rq, const u_char *word,
    size_t len, resources_posting_t *p)
{
    int                        rc, cmp;
    size_t                     n, klen, words;
    ngx_int_t                  u;
    ngx_uint_t                 part, nparts, i, more, live[2];
    u_char                     key[2 + RESOURCES_WORD_MAX],
                               pkey[2][2 + RESOURCES_WORD_MAX];
    MDB_val                    k[2], d[2], *keys;
    MDB_cursor                *c[2];
    resources_posting_t       *lists;
    ngx_http_resources_walk_t  walk[3];

    ngx_memzero(walk, sizeof(walk));

    nparts = (rq->view == RESOURCES_VIEW_ALL) ? 2 : 1;

    lists = ngx_http_resources_alloc(rq, nparts * NGX_HTTP_RESOURCES_PREFIX_MAX
                                         * sizeof(resources_posting_t));
    keys = ngx_http_resources_alloc(rq, nparts * NGX_HTTP_RESOURCES_PREFIX_MAX
                                        * sizeof(MDB_val));
    if (lists == NULL || keys == NULL) {
        return NGX_ERROR;
    }

    /* a cursor a part, each at the first word the prefix starts */

    klen = 0;

    for (part = 0; part < nparts; part++) {
        klen = resources_post_key(pkey[part], part ? RESOURCES_PART_PRIVATE
                                                   : RESOURCES_PART_PUBLIC,
                                  RESOURCES_KIND_WORD, word, len);

        if (mdb_cursor_open(rq->s->txn, rq->s->post, &c[part]) != 0) {
            if (part) {
                mdb_cursor_close(c[0]);
            }

            return NGX_ERROR;
        }

        k[part].mv_size = klen;
        k[part].mv_data = pkey[part];

        live[part] = (mdb_cursor_get(c[part], &k[part], &d[part],
                                     MDB_SET_RANGE) == 0
                      && k[part].mv_size >= klen
                      && ngx_memcmp(k[part].mv_data, pkey[part], klen) == 0);
    }

    if (nparts == 1) {
        live[1] = 0;
    }

    /* the words of both parts in folded order, merged */

    n = 0;
    words = 0;
    more = 0;

    while (live[0] || live[1]) {

        if (words == NGX_HTTP_RESOURCES_PREFIX_MAX) {
            more = 1;
            break;
        }

        if (!live[1]) {
            cmp = -1;

        } else if (!live[0]) {
            cmp = 1;

        } else {
            /* the keys past their part byte, as LMDB orders them */

            cmp = ngx_memcmp((u_char *) k[0].mv_data + 1,
                             (u_char *) k[1].mv_data + 1,
                             ngx_min(k[0].mv_size, k[1].mv_size) - 1);
            if (cmp == 0) {
                cmp = (k[0].mv_size > k[1].mv_size)
                      - (k[0].mv_size < k[1].mv_size);
            }
        }

        words++;

        for (part = 0; part < 2; part++) {
            if (part == 0 ? cmp > 0 : cmp < 0) {
                continue;
            }

            if (resources_snapshot_value(rq->s, &d[part], sizeof(uint32_t))
                != 0)
            {
                for (part = 0; part < nparts; part++) {
                    mdb_cursor_close(c[part]);
                }

                (void) ngx_http_resources_damaged(rq, "a word's posting is"
                                                  " malformed");
                return NGX_ERROR;
            }

            keys[n] = k[part];
            lists[n].data = d[part].mv_data;
            lists[n].n = d[part].mv_size / sizeof(uint32_t);
            lists[n].scored = 1;
            n++;

            live[part] = (mdb_cursor_get(c[part], &k[part], &d[part],
                                         MDB_NEXT) == 0
                          && k[part].mv_size >= klen
                          && ngx_memcmp(k[part].mv_data, pkey[part], klen)
                             == 0);
        }
    }

    for (part = 0; part < nparts; part++) {
        mdb_cursor_close(c[part]);
    }

    rq->prefix = lists;
    rq->nprefix = n;
    rq->prefix_at = (p - rq->lists) + 1;

    p->scored = 1;
    p->data = NULL;
    p->n = n;                           /* 0: no word starts so */

    if (!rq->top || n == 0) {
        return NGX_OK;
    }

    if (ngx_http_resources_terms_alloc(rq) != NGX_OK) {
        return NGX_ERROR;
    }

    /* relevance from bitmaps (public view): the union, or each word's */

    if (n >= 2 && !more) {
        u = ngx_http_resources_union(rq, &keys[0], &keys[n - 1], p);

        if (u != NGX_DECLINED) {
            return u;
        }
    }

    rc = NGX_OK;

    for (i = 0; i < 3; i++) {
        walk[i].part = (i == 0) ? RESOURCES_PART_BITMAP
                     : (i == 1) ? RESOURCES_PART_FIELD_HI
                                : RESOURCES_PART_FIELD_LO;

        if (mdb_cursor_open(rq->s->txn, rq->s->post, &walk[i].c) != 0) {
            rc = NGX_ERROR;
            goto done;
        }

        walk[i].k.mv_size = resources_post_key(key, walk[i].part,
                                               RESOURCES_KIND_WORD, word,
                                               len);
        walk[i].k.mv_data = key;
        walk[i].rc = mdb_cursor_get(walk[i].c, &walk[i].k, &walk[i].d,
                                    MDB_SET_RANGE);
    }

    for (i = 0; i < n && rq->top; i++) {
        if (ngx_http_resources_term(rq, (u_char *) keys[i].mv_data + 2,
                                    keys[i].mv_size - 2, &lists[i], walk)
            != NGX_OK)
        {
            rc = NGX_ERROR;
            break;
        }
    }

done:

    for (i = 0; i < 3; i++) {
        if (walk[i].c) {
            mdb_cursor_close(walk[i].c);
        }
    }

    return rc;
}


/* the prefix as one list, or as one byte per docno when it is large */

static ngx_int_t
ngx_http_resources_merge(ngx_http_resources_req_t *rq)
{
    size_t                n, i, total;
    u_char               *dense;
    uint32_t             *out, *work;
    resources_posting_t  *p, *lists;

    p = &rq->lists[rq->prefix_at - 1];
    lists = rq->prefix;
    n = rq->nprefix;

    rq->prefix_at = 0;

    if (n <= 1) {
        p->data = n ? lists[0].data : NULL;
        p->n = n ? lists[0].n : 0;
        return NGX_OK;
    }

    for (i = 0, total = 0; i < n; i++) {
        total += lists[i].n;
    }

    /*
     * Many entries: a byte per docno (the best field), filled in one pass
     * and tested by the intersection, rather than a sorted union
     */

    if (total >= rq->s->header.ndocs / 32) {
        dense = ngx_http_resources_calloc(rq, rq->s->header.ndocs + 1);
        if (dense == NULL) {
            return NGX_ERROR;
        }

        if (resources_union_dense_bounded(lists, n, dense,
                                          rq->s->header.ndocs)
            != 0)
        {
            (void) ngx_http_resources_damaged(rq, "a word's posting is past"
                                              " the end");
            return NGX_ERROR;
        }

        rq->dense = dense;

        /* tested through rq->dense: the prefix is the last list */

        rq->nlists--;

        return NGX_OK;
    }

    out = ngx_http_resources_alloc(rq, (total + 1) * 2 * sizeof(uint32_t));
    if (out == NULL) {
        return NGX_ERROR;
    }

    work = out + total + 1;

    p->n = resources_union(lists, n, out, work);
    p->data = (u_char *) out;

    return NGX_OK;
}


static int
ngx_http_resources_word(void *data, const u_char *word, size_t len,
    unsigned flags)
{
    ngx_http_resources_req_t  *rq = data;

    resources_posting_t  *p;

    if (flags & RESOURCES_WORD_STOP) {
        return 0;
    }

    if (rq->nwords == NGX_HTTP_RESOURCES_WORDS_MAX) {
        rq->too_many = 1;
        return 1;
    }

    rq->nwords++;
    p = &rq->lists[rq->nlists++];

    if ((flags & RESOURCES_WORD_LAST) && len >= 2) {
        if (ngx_http_resources_prefix(rq, word, len, p) != NGX_OK) {
            rq->failed = 1;
            return 1;
        }

    } else {
        if (ngx_http_resources_posting(rq, RESOURCES_KIND_WORD, word, len, p)
            != NGX_OK)
        {
            rq->failed = 1;
            return 1;
        }

        p->scored = 1;

        if (rq->top && p->n
            && ngx_http_resources_term(rq, word, len, p, NULL) != NGX_OK)
        {
            rq->failed = 1;
            return 1;
        }
    }

    if (p->n == 0) {
        rq->empty = 1;
    }

    return 0;
}


static ssize_t
ngx_http_resources_fold(ngx_http_resources_req_t *rq, resources_str_t *in,
    u_char **out)
{
    size_t  cap;

    cap = in->len * RESOURCES_FOLD_RATIO + 16;

    *out = ngx_pnalloc(rq->r->pool, cap);
    if (*out == NULL) {
        return RESOURCES_TEXT_TOO_LONG;
    }

    return resources_fold(in->data, in->len, *out, cap);
}


static ngx_inline ngx_uint_t
ngx_http_resources_bit(const u_char *bits, uint32_t d)
{
    uint64_t  w;

    ngx_memcpy(&w, bits + (d / 64) * sizeof(uint64_t), sizeof(uint64_t));

    return (w >> (d % 64)) & 1;
}


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

static ngx_int_t
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


/* the first docno in [lo, hi) whose date makes pred true (pred monotone) */

#define NGX_HTTP_RESOURCES_DATE_LE    0   /* date <= v (0 counts as <=) */
#define NGX_HTTP_RESOURCES_DATE_LT    1   /* date < v */

static uint32_t
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

static void
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
 * Writes "[{"value":...,"count":N},...]" for the (id, count) pairs of f,
 * which come in folded value order: the most frequent first, ties in that
 * order, at most limit of them.  With kind set, values are looked up for
 * the pairs written only; with kind 0 they are already in f.
 */

static ngx_int_t
ngx_http_resources_facet_out(ngx_http_resources_req_t *rq, u_char kind,
    ngx_http_resources_facet_t *f, size_t n, size_t limit)
{
    size_t                  i, m;
    uint64_t               *keys;
    resources_term_info_t   t;
    ngx_http_resources_facet_t  *e;

    m = ngx_min(n, limit);

    keys = ngx_http_resources_alloc(rq, (n + 1) * sizeof(uint64_t));
    if (keys == NULL) {
        return NGX_ERROR;
    }

    for (i = 0; i < n; i++) {
        keys[i] = (uint64_t) (UINT32_MAX - f[i].count) << 32 | i;
    }

    resources_select_u64(keys, n, m);

    if (ngx_http_resources_append_literal(rq, "[") != NGX_OK) {
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

            e->value = rq->vi ? t.display_all : t.display;
            e->len = rq->vi ? t.display_all_len : t.display_len;
        }

        if ((i && ngx_http_resources_append_literal(rq, ",") != NGX_OK)
            || ngx_http_resources_append_literal(rq, "{\"value\":") != NGX_OK
            || ngx_http_resources_append_string(rq, e->value, e->len)
               != NGX_OK
            || ngx_http_resources_append_literal(rq, ",\"count\":") != NGX_OK
            || ngx_http_resources_append_int(rq, e->count) != NGX_OK
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


/* the first k docnos of a result bitmap (of k or more) in title order */

static void
ngx_http_resources_title_walk(resources_snapshot_t *s, const uint64_t *bits,
    size_t k, uint32_t *out)
{
    size_t    i, m;
    uint32_t  d;

    for (i = 0, m = 0; m < k && i < s->header.ndocs; i++) {
        d = resources_snapshot_col(s->bytitle, i);

        if ((bits[d / 64] >> (d % 64)) & 1) {
            out[m++] = d;
        }
    }
}


/* the same over a bitmap in the map (any alignment), in [lo, hi) */

static void
ngx_http_resources_title_walk_map(resources_snapshot_t *s, const u_char *bits,
    uint32_t lo, uint32_t hi, size_t k, uint32_t *out)
{
    size_t    i, m;
    uint32_t  d;

    for (i = 0, m = 0; m < k && i < s->header.ndocs; i++) {
        d = resources_snapshot_col(s->bytitle, i);

        if (d >= lo && d < hi && ngx_http_resources_bit(bits, d)) {
            out[m++] = d;
        }
    }
}


/* the n set bits of a result bitmap, as a list in docno order */

static uint32_t *
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

static ngx_int_t
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


/* the result's docnos, all in [lo, hi), as a bitmap (work area) */

static uint64_t *
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


static ngx_int_t
ngx_http_resources_facets(ngx_http_resources_req_t *rq, uint32_t *res,
    size_t n, uint64_t *bits, uint32_t lo, uint32_t hi, size_t limit)
{
    u_char                      *years;
    size_t                       i, k, m, nterms;
    uint32_t                     d, *counts, off, end, year;
    ngx_uint_t                   first, done;
    resources_snapshot_t        *s;
    ngx_http_resources_facet_t  *f;

    s = rq->s;
    first = 1;

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

    if (rq->q.facets & RESOURCES_FACET_KW) {

        if (ngx_http_resources_append_literal(rq, "\"kw\":") != NGX_OK) {
            return NGX_ERROR;
        }

        first = 0;
        done = 0;

        if (bits
            && ngx_http_resources_facet_bitmaps(rq, RESOURCES_KIND_KEYWORD,
                                                bits, limit, &done)
               != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (done) {
            goto types;
        }

        if (res == NULL) {
            res = ngx_http_resources_bits_list(rq, bits, n);
            if (res == NULL) {
                return NGX_ERROR;
            }
        }

        nterms = s->header.nkeywords[1];

        counts = ngx_http_resources_calloc(rq,
                                           (nterms + 1) * sizeof(uint32_t));
        if (counts == NULL) {
            return NGX_ERROR;
        }

        m = 0;

        for (i = 0; i < n; i++) {
            off = resources_snapshot_col(s->kwoff, res[i]);
            end = resources_snapshot_col(s->kwoff, res[i] + 1);

            for (k = off; k < end; k++) {
                d = resources_snapshot_col(s->kwids, k);
                m += (counts[d]++ == 0);
            }
        }

        if (ngx_http_resources_facet_terms(rq, RESOURCES_KIND_KEYWORD,
                                           counts, nterms, m, s->kwsorted,
                                           limit)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

types:

    if (rq->q.facets & RESOURCES_FACET_TYPE) {

        if ((!first && ngx_http_resources_append_literal(rq, ",") != NGX_OK)
            || ngx_http_resources_append_literal(rq, "\"type\":") != NGX_OK)
        {
            return NGX_ERROR;
        }

        first = 0;
        done = 0;

        if (bits
            && ngx_http_resources_facet_bitmaps(rq, RESOURCES_KIND_TYPE,
                                                bits, limit, &done)
               != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (done) {
            goto years;
        }

        if (res == NULL) {
            res = ngx_http_resources_bits_list(rq, bits, n);
            if (res == NULL) {
                return NGX_ERROR;
            }
        }

        nterms = s->header.ntypes[1];

        counts = ngx_http_resources_calloc(rq,
                                           (nterms + 1) * sizeof(uint32_t));
        if (counts == NULL) {
            return NGX_ERROR;
        }

        m = 0;

        for (i = 0; i < n; i++) {
            d = resources_snapshot_col(s->type, res[i]);
            m += (counts[d]++ == 0);
        }

        if (ngx_http_resources_facet_terms(rq, RESOURCES_KIND_TYPE, counts,
                                           nterms, m, s->typesorted, limit)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

years:

    if (rq->q.facets & RESOURCES_FACET_YEAR) {

        /*
         * docnos are in date order: years come in runs, newest first; a
         * run ends at the first docno dated before January of its year (a
         * binary search), and its count is then a popcount over the
         * result's bitmap, or a binary search in its list
         */

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
                break;                  /* undated, and all after it */
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
        f += k;

        if ((!first && ngx_http_resources_append_literal(rq, ",") != NGX_OK)
            || ngx_http_resources_append_literal(rq, "\"year\":") != NGX_OK
            || ngx_http_resources_facet_out(rq, 0, f, m, limit) != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return ngx_http_resources_append_literal(rq, "}");
}


/*
 * Relevance from bitmaps (public view): every filter is a bitmap, q has at
 * most RESOURCES_TOP_SLOTS words and each has its bitmaps (a prefix: at
 * least one of the words it starts; the rare others are made into one).
 * The total is the count of the AND, the page is read level by level
 * (resources_bits_slots_top); nothing else is built.  Otherwise
 * NGX_DECLINED: the lists are intersected and ranked as usual.
 */

static ngx_int_t
ngx_http_resources_top(ngx_http_resources_req_t *rq, uint32_t lo,
    uint32_t hi, size_t offset, size_t limit, size_t *total,
    uint32_t **page, size_t *m)
{
    size_t                      i, j, n, k, nw, ns, nb;
    uint32_t                   *out;
    uint64_t                   *rare;
    ngx_uint_t                  slot, nrare;
    const u_char              **bits, *pair[2];
    resources_bits_slot_t       slots[NGX_HTTP_RESOURCES_LISTS_MAX], *sl;
    ngx_http_resources_term_t  *t;

    if (rq->nterms == 0 || lo >= hi
        || rq->nwords > RESOURCES_TOP_SLOTS
        || rq->nlists > NGX_HTTP_RESOURCES_LISTS_MAX)
    {
        return NGX_DECLINED;
    }

    bits = ngx_http_resources_alloc(rq, (rq->nlists + rq->nterms + rq->nwords)
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

    /* the words: their terms' bitmaps, the rare ones made into one */

    nw = RESOURCES_BITMAP_WORDS(rq->s->header.ndocs);

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

    *page = out + offset;
    *m = k - offset;

    return NGX_OK;
}


static ngx_int_t
ngx_http_resources_list(ngx_http_resources_req_t *rq, ngx_uint_t atom)
{
    u_char                *folded, *dense, c;
    size_t                 i, k, n, m, cap, first, limit, offset,
                           facet_limit;
    ngx_uint_t             page_only, by_title;
    ssize_t                flen;
    uint32_t               lo, hi, *res, *score, *sorted, *page;
    uint64_t              *keys, *bits;
    ngx_uint_t             sort;
    resources_posting_t   *p, types[RESOURCES_QUERY_MAX_TYPE];
    resources_record_t     rec;
    resources_snapshot_t  *s;
    ngx_http_request_t    *r;

    r = rq->r;
    s = rq->s;
    bits = NULL;

    folded = ngx_pnalloc(r->pool, r->args.len + 1);
    if (folded == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (resources_query_parse(r->args.data, r->args.len, folded,
                              (int64_t) rq->rlcf->max_limit,
                              ngx_http_resources_query_flags(rq,
                                                      RESOURCES_QUERY_LIST),
                              &rq->q, rq->err, sizeof(rq->err))
        != 0)
    {
        return ngx_http_resources_fail(rq, NGX_HTTP_BAD_REQUEST, rq->err);
    }

    /* keywords: all of them */

    for (i = 0; i < rq->q.nkw; i++) {
        flen = ngx_http_resources_fold(rq, &rq->q.kw[i], &folded);

        if (flen == RESOURCES_TEXT_TOO_LONG && folded == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        p = &rq->lists[rq->nlists++];

        if (flen <= 0 || flen > RESOURCES_TERM_MAX) {
            p->n = 0;
            rq->empty = 1;
            continue;
        }

        if (ngx_http_resources_posting(rq, RESOURCES_KIND_KEYWORD, folded,
                                       (size_t) flen, p)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (p->n == 0) {
            rq->empty = 1;
        }

        if (rq->view == RESOURCES_VIEW_PUBLIC) {
            rq->bits[rq->nlists - 1] = resources_snapshot_bitmap(s,
                                                   RESOURCES_KIND_KEYWORD,
                                                   folded, (size_t) flen);

            if (ngx_http_resources_table(rq, RESOURCES_KIND_KEYWORD, folded,
                                         (size_t) flen)
                != NGX_OK)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }
        }
    }

    /* types: any of them */

    if (rq->q.ntype) {
        n = 0;
        cap = 0;

        for (i = 0; i < rq->q.ntype; i++) {
            flen = ngx_http_resources_fold(rq, &rq->q.type[i], &folded);

            if (flen == RESOURCES_TEXT_TOO_LONG && folded == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            if (flen <= 0 || flen > RESOURCES_TERM_MAX) {
                continue;
            }

            if (ngx_http_resources_posting(rq, RESOURCES_KIND_TYPE, folded,
                                           (size_t) flen, &types[n])
                != NGX_OK)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            if (types[n].n) {
                cap += types[n].n;
                n++;
            }
        }

        p = &rq->lists[rq->nlists++];
        p->scored = 0;

        if (n == 0) {
            p->n = 0;
            rq->empty = 1;

        } else if (n == 1) {
            *p = types[0];

            if (rq->q.ntype == 1 && rq->view == RESOURCES_VIEW_PUBLIC) {
                rq->bits[rq->nlists - 1] = resources_snapshot_bitmap(s,
                                                   RESOURCES_KIND_TYPE,
                                                   folded, (size_t) flen);

                if (ngx_http_resources_table(rq, RESOURCES_KIND_TYPE, folded,
                                             (size_t) flen)
                    != NGX_OK)
                {
                    return NGX_HTTP_INTERNAL_SERVER_ERROR;
                }
            }

        } else {
            res = ngx_http_resources_alloc(rq,
                                           (cap + 1) * 2 * sizeof(uint32_t));
            if (res == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            p->n = resources_union(types, n, res, res + cap + 1);
            p->data = (u_char *) res;
        }
    }

    /* q: every word that is not a stop word */

    rq->top = (rq->view == RESOURCES_VIEW_PUBLIC
               && (rq->q.sort == RESOURCES_SORT_DEFAULT
                   || rq->q.sort == RESOURCES_SORT_RELEVANCE)
               && rq->q.facets == 0);

    if (rq->q.q.len) {
        flen = ngx_http_resources_fold(rq, &rq->q.q, &folded);

        if (flen < 0) {
            return ngx_http_resources_fail(rq, NGX_HTTP_BAD_REQUEST,
                                            "\"q\" cannot be read as text");
        }

        /*
         * Folding trims spaces, but a q that ends with one ends with a
         * whole word: its last word is no prefix (the buffer has room)
         */

        c = rq->q.q.data[rq->q.q.len - 1];

        if (flen > 0 && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            folded[flen++] = ' ';
        }

        resources_words(folded, (size_t) flen, ngx_http_resources_word, rq);

        if (rq->failed) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (rq->too_many) {
            return ngx_http_resources_fail(rq, NGX_HTTP_BAD_REQUEST,
                                            "\"q\" has more than 10 words");
        }
    }

    /* dates: a docno range, as docnos are in date order */

    lo = 0;
    hi = s->header.ndocs;

    if (rq->q.from || rq->q.to) {
        hi = ngx_http_resources_date_bound(s, rq->q.from ? rq->q.from : 1,
                                           NGX_HTTP_RESOURCES_DATE_LT);
        if (rq->q.to) {
            lo = ngx_http_resources_date_bound(s, rq->q.to,
                                               NGX_HTTP_RESOURCES_DATE_LE);
        }
    }

    /* the order */

    sort = rq->q.sort;

    if (sort == RESOURCES_SORT_DEFAULT) {
        sort = rq->nwords ? RESOURCES_SORT_RELEVANCE : RESOURCES_SORT_NEWEST;
    }

    if (sort == RESOURCES_SORT_RELEVANCE && rq->nwords == 0) {
        sort = RESOURCES_SORT_NEWEST;
    }

    limit = rq->q.limit >= 0 ? (size_t) rq->q.limit
                             : rq->rlcf->default_limit;
    offset = rq->q.offset >= 0 ? (size_t) rq->q.offset : 0;
    facet_limit = rq->q.facet_limit > 0 ? (size_t) rq->q.facet_limit
                                        : rq->rlcf->facet_limit;

    /*
     * Relevance, public view, frequent words: the first page from the words'
     * title entries when they decide it, the total from the bitmaps
     */

    if (sort == RESOURCES_SORT_RELEVANCE && rq->top && !rq->empty) {
        switch (ngx_http_resources_top(rq, lo, hi, offset, limit, &n, &page,
                                       &m))
        {
        case NGX_OK:
            res = NULL;
            goto output;

        case NGX_DECLINED:
            break;

        default:
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (rq->prefix_at && ngx_http_resources_merge(rq) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /*
     * Two or more lists, a word's large: when nothing else made a byte per
     * docno, that word's list becomes one (one pass), and the intersection
     * tests it rather than stepping through it
     */

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
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            if (resources_union_dense_bounded(&rq->lists[k], 1, dense,
                                              s->header.ndocs)
                != 0)
            {
                return ngx_http_resources_damaged(rq, "a word's posting is"
                                                  " past the end");
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
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        rq->lists[0].scored = 0;
        rq->bits[0] = NULL;
        rq->nlists = 1;

        /* the facets of the whole public view, as the loader counted them */

        if (rq->view == RESOURCES_VIEW_PUBLIC && rq->q.facets
            && resources_snapshot_posting(s, RESOURCES_PART_FACETS,
                                          RESOURCES_KIND_ALL, (u_char *) "",
                                          0, &rq->table)
               != 0)
        {
            return ngx_http_resources_damaged(rq, "the facets table is"
                                              " malformed");
        }
    }

    /*
     * One posting in the default order, nothing to count beyond it: the
     * total is the length of its slice in [lo, hi), the page is read
     * straight from it.
     */

    if (rq->table.n
        && !(rq->nlists == 1 && rq->nwords == 0 && rq->dense == NULL
             && lo == 0 && hi == s->header.ndocs && !rq->empty))
    {
        rq->table.n = 0;                /* not the filter's whole set */
    }

    if (!rq->empty && rq->nlists == 1 && sort == RESOURCES_SORT_NEWEST
        && (rq->q.facets == 0 || rq->table.n) && rq->dense == NULL)
    {
        p = &rq->lists[0];
        first = resources_gallop(p->data, p->n, 0, lo);
        n = resources_gallop(p->data, p->n, first, hi) - first;
        m = (offset < n) ? ngx_min(limit, n - offset) : 0;

        page = ngx_palloc(r->pool, (m + 1) * sizeof(uint32_t));
        if (page == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        for (i = 0; i < m; i++) {
            page[i] = RESOURCES_DOCNO(resources_get_u32(p->data
                          + (first + offset + i) * sizeof(uint32_t)));
        }

        res = NULL;
        goto output;
    }

    /* the result set, in docno order */

    page_only = (sort == RESOURCES_SORT_NEWEST);

    /*
     * Facets, and sort=title by walking title order, over a bitmap result:
     * the bitmap itself, asked for (for title with an empty page, so that
     * the result is not listed)
     */

    by_title = (sort == RESOURCES_SORT_TITLE && s->bytitle != NULL);

    /*
     * sort=title over one frequent term alone: its bitmap, in the map, is
     * tested as the walk goes, nothing is copied; the total is the length
     * of its posting's slice
     */

    if (by_title && rq->q.facets == 0 && rq->nlists == 1 && rq->bits[0]
        && rq->dense == NULL && !rq->empty)
    {
        p = &rq->lists[0];
        first = resources_gallop(p->data, p->n, 0, lo);
        n = resources_gallop(p->data, p->n, first, hi) - first;
        k = ngx_min(n, offset + limit);

        if (n > 1 && k * (s->header.ndocs / n) < n / 4) {
            sorted = ngx_http_resources_alloc(rq, (k + 1) * sizeof(uint32_t));
            if (sorted == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            ngx_http_resources_title_walk_map(s, rq->bits[0], lo, hi, k,
                                              sorted);

            page = sorted + ngx_min(offset, n);
            m = (offset < n) ? ngx_min(limit, n - offset) : 0;
            res = NULL;
            goto output;
        }
    }

    /*
     * Facets of any kind count over the whole result, not the page: when
     * the bitmaps give the page alone, they must give the result's bitmap
     * too (the year facet counts over it as well)
     */

    bits = ((rq->q.facets && rq->table.n == 0) || by_title)
           ? (uint64_t *) &bits : NULL;

    if (ngx_http_resources_bitmaps(rq, lo, hi, page_only ? offset : 0,
                                   page_only ? limit
                                             : by_title ? 0 : SIZE_MAX,
                                   &res, &score, &n, &m, &bits)
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (res && m != SIZE_MAX && by_title && bits) {
        k = ngx_min(n, offset + limit);

        if (n <= 1 || k * (s->header.ndocs / n) >= n / 4) {

            /* a small result: listed, then selected */

            res = ngx_http_resources_bits_list(rq, bits, n);
            if (res == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            score = NULL;
            goto sort;
        }

        sorted = ngx_http_resources_alloc(rq, (k + 1) * sizeof(uint32_t));
        if (sorted == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_http_resources_title_walk(s, bits, k, sorted);

        page = sorted + ngx_min(offset, n);
        m = (offset < n) ? ngx_min(limit, n - offset) : 0;
        goto output;
    }

    if (res && m != SIZE_MAX) {
        page = res;                     /* the page alone, n the total */
        res = NULL;
        goto output;
    }

    if (res) {
        goto sort;
    }

    cap = SIZE_MAX;

    for (i = 0; i < rq->nlists; i++) {
        cap = ngx_min(cap, rq->lists[i].n);
    }

    res = ngx_http_resources_alloc(rq, (cap + 1) * sizeof(uint32_t));
    score = rq->nwords ? ngx_http_resources_alloc(rq,
                                               (cap + 1) * sizeof(uint32_t))
                       : NULL;
    if (res == NULL || (rq->nwords && score == NULL)) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    n = rq->empty ? 0 : resources_intersect_dense(rq->lists, rq->nlists, lo,
                                                  hi, rq->dense, res, score);

sort:

    sorted = res;

    if (n > 1 && sort != RESOURCES_SORT_NEWEST) {
        sorted = ngx_http_resources_alloc(rq, n * sizeof(uint32_t));
        if (sorted == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        k = ngx_min(n, offset + limit);

        if (sort == RESOURCES_SORT_OLDEST) {
            ngx_http_resources_oldest(s, res, n, sorted);

        } else if (sort == RESOURCES_SORT_TITLE && s->bytitle
                   && k * (s->header.ndocs / n) < n / 4)
        {
            /*
             * A large result: walk the docnos in title order and keep the
             * result's, about k * ndocs / n of them, rather than select
             * the first k of n keys
             */

            if (bits == NULL) {
                bits = ngx_http_resources_result_bits(rq, res, n);
                if (bits == NULL) {
                    return NGX_HTTP_INTERNAL_SERVER_ERROR;
                }
            }

            ngx_http_resources_title_walk(s, bits, k, sorted);

        } else {
            keys = ngx_http_resources_alloc(rq, n * sizeof(uint64_t));
            if (keys == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            for (i = 0; i < n; i++) {
                if (sort == RESOURCES_SORT_TITLE) {
                    keys[i] = (uint64_t) resources_snapshot_col(s->title,
                                                                res[i]) << 32
                              | res[i];

                } else {
                    keys[i] = (uint64_t) (UINT32_MAX - score[i]) << 32
                              | res[i];
                }
            }

            /* only the items up to the page's end need an order */

            resources_select_u64(keys, n, k);

            for (i = 0; i < k; i++) {
                sorted[i] = (uint32_t) keys[i];
            }
        }
    }

    /* the page */

    page = sorted + ngx_min(offset, n);
    m = (offset < n) ? ngx_min(limit, n - offset) : 0;

output:

    rq->total = (ngx_int_t) n;

    if (atom) {
        return ngx_http_resources_feed(rq, page, m);
    }

    if (ngx_http_resources_append_literal(rq, "{\"total\":") != NGX_OK
        || ngx_http_resources_append_int(rq, n) != NGX_OK
        || ngx_http_resources_append_literal(rq, ",\"offset\":") != NGX_OK
        || ngx_http_resources_append_int(rq, offset) != NGX_OK
        || ngx_http_resources_append_literal(rq, ",\"limit\":") != NGX_OK
        || ngx_http_resources_append_int(rq, limit) != NGX_OK
        || ngx_http_resources_append_literal(rq, ",\"items\":[") != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0; i < m; i++) {
        if (resources_snapshot_record(s, page[i], &rec) != 0) {
            return ngx_http_resources_damaged(rq, "a record is unreadable");
        }

        if ((i > 0 && ngx_http_resources_append_literal(rq, ",") != NGX_OK)
            || ngx_http_resources_append(rq, rec.list, rec.list_len)
               != NGX_OK
            || ngx_http_resources_append_literal(rq, "}") != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (ngx_http_resources_append_literal(rq, "]") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (rq->q.facets
        && ngx_http_resources_facets(rq, res, n, bits, lo, hi, facet_limit)
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_resources_append_literal(rq, "}\n") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_OK;
}


/* XML text, escaped */

static ngx_int_t
ngx_http_resources_append_xml(ngx_http_resources_req_t *rq,
    const u_char *s, size_t len)
{
    u_char  *p, *start;
    size_t   i;

    p = ngx_http_resources_reserve(rq, len * 6);
    if (p == NULL) {
        return NGX_ERROR;
    }

    start = p;

    for (i = 0; i < len; i++) {
        switch (s[i]) {
        case '&':
            p = ngx_cpymem(p, "&amp;", 5);
            break;
        case '<':
            p = ngx_cpymem(p, "&lt;", 4);
            break;
        case '>':
            p = ngx_cpymem(p, "&gt;", 4);
            break;
        case '"':
            p = ngx_cpymem(p, "&quot;", 6);
            break;
        default:
            if (s[i] >= 0x20 || s[i] == '\t') {
                *p++ = s[i];
            }
        }
    }

    rq->b->last = p;
    rq->length += p - start;

    return NGX_OK;
}


/*
 * An Atom 1.0 feed of the page: entries are pre-rendered by the loader from
 * <title> on; their <id> is the resource's URL, built here from the scheme,
 * the Host and the location's prefix (also the feed's xml:base, against
 * which entries' relative <link>s resolve).
 */

static ngx_int_t
ngx_http_resources_feed(ngx_http_resources_req_t *rq, uint32_t *page,
    size_t m)
{
    u_char                    *p, *atom;
    size_t                     i, plen;
    ssize_t                    n;
    ngx_str_t                  scheme, host;
    ngx_tm_t                   tm;
    resources_record_t         rec;
    ngx_http_request_t        *r;
    ngx_http_core_srv_conf_t  *cscf;
    u_char                     built[sizeof("1970-01-01T00:00:00Z")];

    r = rq->r;

    ngx_str_set(&scheme, "http://");

#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        ngx_str_set(&scheme, "https://");
    }
#endif

    /* the Host header as sent (with its port), validated by nginx */

    if (r->headers_in.host) {
        host = r->headers_in.host->value;

    } else {
        host = r->headers_in.server;
    }

    if (host.len == 0) {
        cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);
        host = cscf->server_name;
    }

    plen = rq->rlcf->prefix.len;

    if (plen && rq->rlcf->prefix.data[plen - 1] == '/') {
        plen--;
    }

    ngx_gmtime(rq->snap->view[rq->vi].built, &tm);
    p = ngx_sprintf(built, "%4d-%02d-%02dT%02d:%02d:%02dZ",
                    tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                    tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec);

#define ngx_http_resources_base(rq)                                          \
    (ngx_http_resources_append(rq, scheme.data, scheme.len) != NGX_OK        \
     || ngx_http_resources_append_xml(rq, host.data, host.len) != NGX_OK     \
     || ngx_http_resources_append_xml(rq, rq->rlcf->prefix.data, plen)       \
        != NGX_OK)

    if (ngx_http_resources_append_literal(rq,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"")
        != NGX_OK
        || ngx_http_resources_base(rq)
        || ngx_http_resources_append_literal(rq, "/\"><id>") != NGX_OK
        || ngx_http_resources_append(rq, scheme.data, scheme.len) != NGX_OK
        || ngx_http_resources_append_xml(rq, host.data, host.len) != NGX_OK
        || ngx_http_resources_append_xml(rq, r->unparsed_uri.data,
                                         r->unparsed_uri.len)
           != NGX_OK
        || ngx_http_resources_append_literal(rq, "</id><title>") != NGX_OK
        || ngx_http_resources_append_xml(rq, rq->rlcf->feed_title.data,
                                         rq->rlcf->feed_title.len)
           != NGX_OK
        || ngx_http_resources_append_literal(rq, "</title><updated>")
           != NGX_OK
        || ngx_http_resources_append(rq, built, p - built) != NGX_OK
        || ngx_http_resources_append_literal(rq,
               "</updated><link rel=\"self\" href=\"") != NGX_OK
        || ngx_http_resources_append(rq, scheme.data, scheme.len) != NGX_OK
        || ngx_http_resources_append_xml(rq, host.data, host.len) != NGX_OK
        || ngx_http_resources_append_xml(rq, r->unparsed_uri.data,
                                         r->unparsed_uri.len)
           != NGX_OK
        || ngx_http_resources_append_literal(rq, "\"/><author><name>")
           != NGX_OK
        || ngx_http_resources_append_xml(rq, rq->rlcf->feed_title.data,
                                         rq->rlcf->feed_title.len)
           != NGX_OK
        || ngx_http_resources_append_literal(rq, "</name></author>"
               "<generator>ngx_http_resources</generator>\n") != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    for (i = 0; i < m; i++) {
        if (resources_snapshot_record(rq->s, page[i], &rec) != 0) {
            return ngx_http_resources_damaged(rq, "a record is unreadable");
        }

        if (rec.atom_len == 0) {

            /* rendered from the list form (loaders since 0.2) */

            atom = ngx_http_resources_alloc(rq,
                                            RESOURCES_ATOM_ROOM(rec.list_len)
                                            + rec.list_len);
            if (atom == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            n = resources_atom_render(rec.list, rec.list_len, atom,
                                      atom + RESOURCES_ATOM_ROOM(rec.list_len));
            if (n < 0) {
                return ngx_http_resources_damaged(rq, "a record has no Atom"
                                                  " entry");
            }

            rec.atom = atom;
            rec.atom_len = (size_t) n;
        }

        if (ngx_http_resources_append_literal(rq, "<entry><id>") != NGX_OK
            || ngx_http_resources_base(rq)
            || ngx_http_resources_append_literal(rq, "/") != NGX_OK
            || ngx_http_resources_append(rq, rec.id, rec.id_len) != NGX_OK
            || ngx_http_resources_append_literal(rq, "</id>") != NGX_OK
            || ngx_http_resources_append(rq, rec.atom, rec.atom_len)
               != NGX_OK
            || ngx_http_resources_append_literal(rq, "\n") != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

#undef ngx_http_resources_base

    if (ngx_http_resources_append_literal(rq, "</feed>\n") != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rq->atom = 1;

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
            f[m].value = rq->vi ? t.display_all : t.display;
            f[m].len = rq->vi ? t.display_all_len : t.display_len;
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


/* keyword or type suggestions: by folded prefix, most used first */

static ngx_int_t
ngx_http_resources_terms(ngx_http_resources_req_t *rq, u_char kind)
{
    int                          rc;
    u_char                      *folded, *key;
    size_t                       n, cap, limit, klen;
    ssize_t                      flen;
    MDB_val                      k, d;
    MDB_cursor                  *c;
    resources_term_t             rt;
    ngx_http_request_t          *r;
    ngx_http_resources_facet_t  *f, *nf;

    r = rq->r;

    folded = ngx_pnalloc(r->pool, r->args.len + 1);
    if (folded == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (resources_query_parse(r->args.data, r->args.len, folded,
                              (int64_t) rq->rlcf->max_limit,
                              ngx_http_resources_query_flags(rq,
                                                      RESOURCES_QUERY_TERMS),
                              &rq->q, rq->err, sizeof(rq->err))
        != 0)
    {
        return ngx_http_resources_fail(rq, NGX_HTTP_BAD_REQUEST, rq->err);
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

    if (mdb_cursor_open(rq->s->txn, rq->s->terms, &c) != 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    k.mv_size = klen;
    k.mv_data = key;

    for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
         rc == 0;
         rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
    {
        if (k.mv_size < klen || ngx_memcmp(k.mv_data, key, klen) != 0) {
            break;
        }

        if (d.mv_size < sizeof(resources_term_t)
            || resources_snapshot_value(rq->s, &d, 1) != 0)
        {
            mdb_cursor_close(c);
            return ngx_http_resources_damaged(rq, "a term is malformed");
        }

        ngx_memcpy(&rt, d.mv_data, sizeof(resources_term_t));

        /* the private view's spelling may follow (resources_store.h) */

        if (rt.count[rq->vi] == 0
            || sizeof(resources_term_t) + rt.display_len > d.mv_size)
        {
            continue;
        }

        if (n == cap) {
            nf = ngx_palloc(r->pool,
                            cap * 2 * sizeof(ngx_http_resources_facet_t));
            if (nf == NULL) {
                mdb_cursor_close(c);
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            ngx_memcpy(nf, f, cap * sizeof(ngx_http_resources_facet_t));
            f = nf;
            cap *= 2;
        }

        /* the view's spelling: the private one, when it differs, last */

        f[n].id = rt.id;
        f[n].count = rt.count[rq->vi];
        f[n].value = (u_char *) d.mv_data + sizeof(resources_term_t);
        f[n].len = rt.display_len;

        if (rq->vi && d.mv_size > sizeof(resources_term_t) + rt.display_len) {
            f[n].value += rt.display_len;
            f[n].len = d.mv_size - sizeof(resources_term_t) - rt.display_len;
        }

        n++;
    }

    mdb_cursor_close(c);

    if (ngx_http_resources_append_literal(rq, "{\"items\":") != NGX_OK
        || ngx_http_resources_facet_out(rq, 0, f, n, limit) != NGX_OK
        || ngx_http_resources_append_literal(rq, "}\n") != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

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


static ngx_int_t
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

    ngx_str_set(&v, "ETag, Last-Modified");

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
