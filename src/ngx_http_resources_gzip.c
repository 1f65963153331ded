/*
 * Copyright (C) ngx_http_resources authors
 *
 * resources_gzip: a list answered as a gzip stream assembled from the
 * pieces the loader compressed (src/resources_gzip.h), as if it had been
 * compressed in advance, like a file of gzip_static.
 *
 * The body is written as for identity, in the same pool buffers (the
 * envelope, the commas, the facets), but a record's piece is copied where
 * its list form would be.  The bytes written between two pieces (a "run")
 * are a stored block: bytes are kept before the run for its head (and, for
 * the first run, the member's header), written when the next piece comes
 * or at the end, once the run's length is known; the run's CRC-32 is taken
 * then, and each piece's is combined with its stored operator.  A run
 * longer than a stored block (64 KiB of facets) is cut into several: the
 * only case where the body's buffers are split into links.
 */


#include "ngx_http_resources_module.h"


static ngx_int_t ngx_http_resources_gzip_open(ngx_http_resources_req_t *rq,
    size_t head);
static ngx_int_t ngx_http_resources_gzip_run(ngx_http_resources_req_t *rq);
static ngx_int_t ngx_http_resources_gzip_split(ngx_http_resources_req_t *rq,
    size_t n);
static ngx_chain_t *ngx_http_resources_gzip_link(ngx_http_resources_req_t *rq,
    u_char *pos, u_char *last);


/*
 * Called before anything of a list's JSON body is written, with the
 * number of records on the page: whether it goes compressed (rq->gzip).
 * As gzip_static does, a location that can answer compressed marks the
 * answer as varying with Accept-Encoding (the Vary header then follows
 * gzip_vary), and nginx's own tests decide for the request:
 * Accept-Encoding, gzip_http_version, gzip_proxied (with the ETag and
 * Last-Modified the answer will have), gzip_disable, a subrequest.  A page
 * without records stays identity: it would be stored blocks only (and
 * nginx's gzip filter may compress it).  So does a list with highlight=:
 * its items are not the stored list forms the pieces hold.
 */

ngx_int_t
ngx_http_resources_gzip_start(ngx_http_resources_req_t *rq, size_t npage)
{
#if (NGX_HTTP_GZIP)
    ngx_int_t            rc;
    ngx_table_elt_t      etag;
    ngx_http_request_t  *r;

    r = rq->r;

    if (!rq->rlcf->gzip
        || !(rq->s->header.flags & RESOURCES_HEADER_GZIP)
        || rq->out != NULL
        || rq->q.highlight)
    {
        return NGX_OK;
    }

    r->gzip_vary = 1;

    if (npage == 0) {
        return NGX_OK;
    }

    /* gzip_proxied no_etag, no_last_modified look at them: as sent */

    ngx_memzero(&etag, sizeof(ngx_table_elt_t));
    etag.hash = 1;
    ngx_str_set(&etag.key, "ETag");
    etag.value = rq->snap->view[rq->vi].etag;

    r->headers_out.etag = &etag;
    r->headers_out.last_modified_time = rq->snap->view[rq->vi].built;

    rc = ngx_http_gzip_ok(r);

    r->headers_out.etag = NULL;

    if (rc != NGX_OK) {
        return NGX_OK;
    }

    rq->gzip = 1;
    rq->gz_first = 1;
    rq->gz_crc = 0;
    rq->gz_size = 0;

    /* the member's header, then the first stored block's head */

    return ngx_http_resources_gzip_open(rq, RESOURCES_GZIP_HEADER_LEN + 5);

#else

    return NGX_OK;

#endif
}


/* a record: the run before it closed, its piece copied, the next run */

ngx_int_t
ngx_http_resources_gzip_record(ngx_http_resources_req_t *rq,
    const resources_record_t *rec)
{
    u_char  *p;

    if (rec->gz.data == NULL) {
        (void) ngx_http_resources_damaged(rq, "a record has no gzip piece");
        return NGX_ERROR;
    }

    if (ngx_http_resources_gzip_run(rq) != NGX_OK) {
        return NGX_ERROR;
    }

    p = ngx_http_resources_reserve(rq, rec->gz.len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    rq->b->last = ngx_cpymem(p, rec->gz.data, rec->gz.len);

    rq->gz_crc = resources_gzip_combine(rq->gz_crc, rec->gz.crc, rec->gz.op);
    rq->gz_size += rec->list_len + 1;

    /* the piece left a stored block open: the next run gives its length */

    return ngx_http_resources_gzip_open(rq, 4);
}


/* the last run closed, the member's end; rq->length: what is sent */

ngx_int_t
ngx_http_resources_gzip_finish(ngx_http_resources_req_t *rq)
{
    u_char       *p;
    off_t         length;
    ngx_chain_t  *cl;

    if (ngx_http_resources_gzip_run(rq) != NGX_OK) {
        return NGX_ERROR;
    }

    p = ngx_http_resources_reserve(rq, RESOURCES_GZIP_END_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    rq->b->last = resources_gzip_end(p, rq->gz_crc, rq->gz_size, 0);

    length = 0;

    for (cl = rq->out; cl; cl = cl->next) {
        length += cl->buf->last - cl->buf->pos;
    }

    rq->length = length;

    return NGX_OK;
}


/* a run starts: head bytes kept for what goes before its bytes */

static ngx_int_t
ngx_http_resources_gzip_open(ngx_http_resources_req_t *rq, size_t head)
{
    u_char  *p;

    p = ngx_http_resources_reserve(rq, head);
    if (p == NULL) {
        return NGX_ERROR;
    }

    /* the buffer of p is the last link's */

    rq->gz_link = (ngx_chain_t *) ((u_char *) rq->last
                                   - offsetof(ngx_chain_t, next));
    rq->gz_at = p;
    rq->gz_head = head;
    rq->b->last = p + head;

    return NGX_OK;
}


/*
 * The run after the kept bytes, to the end of the body: its CRC-32 and
 * length counted, its head written in the kept bytes (the member's header
 * first for the first run; only LEN and NLEN after a piece, whose open
 * block it completes), or, when it is longer than a stored block, cut
 * into several
 */

static ngx_int_t
ngx_http_resources_gzip_run(ngx_http_resources_req_t *rq)
{
    u_char       *p, *head;
    size_t        n, len;
    ngx_chain_t  *cl;

    n = 0;
    head = rq->gz_at;
    p = head + rq->gz_head;

    for (cl = rq->gz_link; cl; cl = cl->next) {
        if (cl != rq->gz_link) {
            p = cl->buf->pos;
        }

        len = cl->buf->last - p;
        rq->gz_crc = (uint32_t) crc32(rq->gz_crc, p, (uInt) len);
        n += len;
    }

    rq->gz_size += n;

    if (n > RESOURCES_GZIP_STORED_MAX) {
        return ngx_http_resources_gzip_split(rq, n);
    }

    if (rq->gz_first) {
        head = resources_gzip_header(head);
    }

    (void) resources_gzip_stored(head, n, !rq->gz_first);

    rq->gz_first = 0;

    return NGX_OK;
}


/*
 * A run of more than a block: its bytes relinked as blocks of at most
 * RESOURCES_GZIP_STORED_MAX bytes, each after its head; the first head in
 * the kept bytes, the others in buffers of their own.  The body's buffers
 * are cut where the run starts and where a block ends.
 */

static ngx_int_t
ngx_http_resources_gzip_split(ngx_http_resources_req_t *rq, size_t n)
{
    u_char       *p, *pos, *last;
    size_t        left, len;
    ngx_buf_t    *b;
    ngx_chain_t  *cl, *link, *next, **ll;

    link = rq->gz_link;
    b = link->buf;

    left = ngx_min(n, RESOURCES_GZIP_STORED_MAX);
    n -= left;

    /* the first head, in the kept bytes, ends the run's first buffer */

    p = rq->gz_at;

    if (rq->gz_first) {
        p = resources_gzip_header(p);
    }

    (void) resources_gzip_stored(p, left, !rq->gz_first);

    pos = rq->gz_at + rq->gz_head;
    last = b->last;
    b->last = pos;
    b->end = pos;

    next = link->next;
    ll = &link->next;

    /* the run's bytes: the rest of that buffer, then the next ones */

    for ( ;; ) {

        while (pos < last) {

            if (left == 0) {
                left = ngx_min(n, RESOURCES_GZIP_STORED_MAX);
                n -= left;

                b = ngx_create_temp_buf(rq->r->pool, 5);
                cl = ngx_alloc_chain_link(rq->r->pool);

                if (b == NULL || cl == NULL) {
                    return NGX_ERROR;
                }

                b->last = resources_gzip_stored(b->last, left, 0);

                cl->buf = b;
                *ll = cl;
                ll = &cl->next;
            }

            len = ngx_min((size_t) (last - pos), left);

            cl = ngx_http_resources_gzip_link(rq, pos, pos + len);
            if (cl == NULL) {
                return NGX_ERROR;
            }

            *ll = cl;
            ll = &cl->next;
            pos += len;
            left -= len;
        }

        if (next == NULL) {
            break;
        }

        pos = next->buf->pos;
        last = next->buf->last;
        next = next->next;
    }

    *ll = NULL;
    rq->last = ll;
    rq->b = NULL;
    rq->gz_first = 0;

    return NGX_OK;
}


/* a link to bytes already in the body's memory (pos .. last) */

static ngx_chain_t *
ngx_http_resources_gzip_link(ngx_http_resources_req_t *rq, u_char *pos,
    u_char *last)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    b = ngx_calloc_buf(rq->r->pool);
    if (b == NULL) {
        return NULL;
    }

    cl = ngx_alloc_chain_link(rq->r->pool);
    if (cl == NULL) {
        return NULL;
    }

    b->start = pos;
    b->pos = pos;
    b->last = last;
    b->end = last;
    b->temporary = 1;

    cl->buf = b;
    cl->next = NULL;

    return cl;
}
