/*
 * Copyright (C) ngx_http_resources authors
 *
 * The answer's memory and bytes: the work area of large temporaries, the
 * body appended to a chain of pool buffers (or pointing into the map), the
 * reply sent with its headers, the JSON errors.
 */


#include "ngx_http_resources_module.h"


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


/* at the start of a request: everything in the work area is free again */

void
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


void *
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


void *
ngx_http_resources_calloc(ngx_http_resources_req_t *rq, size_t size)
{
    void  *p;

    p = ngx_http_resources_alloc(rq, size);

    if (p) {
        ngx_memzero(p, size);
    }

    return p;
}


void *
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


/* a new buffer of the body, for size bytes at least */

u_char *
ngx_http_resources_reserve_more(ngx_http_resources_req_t *rq, size_t size)
{
    size_t        bsize;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

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


/* a JSON string, quoted and escaped */

ngx_int_t
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


ngx_int_t
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

ngx_int_t
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
ngx_http_resources_send(ngx_http_resources_req_t *rq,
    ngx_http_resources_snap_t *snap)
{
    ngx_int_t            rc;
    ngx_table_elt_t     *etag, *h;
    ngx_http_request_t  *r;

    r = rq->r;

    if (rq->gzip && ngx_http_resources_gzip_finish(rq) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = rq->length;

    if (rq->atom) {
        ngx_str_set(&r->headers_out.content_type,
                    "application/atom+xml; charset=utf-8");
        r->headers_out.content_type_len = sizeof("application/atom+xml") - 1;

    } else if (rq->html) {
        ngx_str_set(&r->headers_out.content_type, "text/html; charset=utf-8");
        r->headers_out.content_type_len = sizeof("text/html") - 1;

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
    etag->value = rq->gzip ? snap->view[rq->vi].etag_gzip
                           : snap->view[rq->vi].etag;
    r->headers_out.etag = etag;

    if (rq->gzip) {
        h = ngx_list_push(&r->headers_out.headers);
        if (h == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        h->hash = 1;
        ngx_str_set(&h->key, "Content-Encoding");
        ngx_str_set(&h->value, "gzip");
        r->headers_out.content_encoding = h;

        /* byte ranges of the stream, as gzip_static gives of its file */

        r->allow_ranges = 1;
        r->single_range = 1;
    }

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


ngx_int_t
ngx_http_resources_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *message)
{
    size_t                          len;
    ngx_uint_t                      level;
    ngx_buf_t                      *b;
    ngx_table_elt_t                *h;
    ngx_http_resources_ctx_t       *ctx;
    ngx_http_resources_loc_conf_t  *rlcf;

    len = ngx_strlen(message);
    ctx = ngx_http_get_module_ctx(r, ngx_http_resources_module);

    /*
     * A list or a lookup that asks for HTML has its errors in HTML: read
     * from the query string here, as the error may be in its parsing
     */

    if (ctx
        && (ctx->route == NGX_HTTP_RESOURCES_ROUTE_LIST
            || ctx->route == NGX_HTTP_RESOURCES_ROUTE_LOOKUP)
        && ngx_http_resources_wants_html(r))
    {
        b = ngx_http_resources_html_error(r, message);
        if (b == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_str_set(&r->headers_out.content_type, "text/html; charset=utf-8");
        r->headers_out.content_type_len = sizeof("text/html") - 1;

    } else {
        b = ngx_create_temp_buf(r->pool, len
                                + ngx_escape_json(NULL, (u_char *) message,
                                                  len)
                                + sizeof("{\"error\":{\"status\":000,"
                                         "\"message\":\"\"}}\n"));
        if (b == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        b->last = ngx_sprintf(b->last, "{\"error\":{\"status\":%ui,"
                                       "\"message\":\"", status);
        b->last = (u_char *) ngx_escape_json(b->last, (u_char *) message,
                                             len);
        b->last = ngx_cpymem(b->last, "\"}}\n", 4);

        ngx_str_set(&r->headers_out.content_type,
                    "application/json; charset=utf-8");
        r->headers_out.content_type_len = sizeof("application/json") - 1;
    }

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    r->headers_out.status = status;
    r->headers_out.content_length_n = b->last - b->pos;
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

    return ngx_http_resources_send_buf(r, b);
}


/* the headers, then one buffer as the whole body */

ngx_int_t
ngx_http_resources_send_buf(ngx_http_request_t *r, ngx_buf_t *b)
{
    ngx_int_t    rc;
    ngx_chain_t  out;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


/*
 * Data of the snapshot found wrong as it is used (what its open checks do
 * not cover): one alert naming the file; the request gets a JSON 500
 */

ngx_int_t
ngx_http_resources_damaged(ngx_http_resources_req_t *rq, const char *what)
{
    ngx_log_error(NGX_LOG_ALERT, rq->r->connection->log, 0,
                  "resources: \"%s\" is damaged: %s",
                  rq->rlcf->db->path.data, what);

    return NGX_HTTP_INTERNAL_SERVER_ERROR;
}
