/*
 * Copyright (C) ngx_http_resources authors
 *
 * resources_gzip: a list answered as a gzip stream assembled from the
 * pieces the loader compressed (src/resources_gzip.h), as if it had been
 * compressed in advance, like a file of gzip_static.
 *
 * The body is built as for identity (the envelope, the commas, the facets
 * appended to pool buffers), but each record is a buffer pointing at its
 * piece in the map.  The bytes written between two pieces (a "run") become
 * stored blocks: their head is spliced in before the run when the next
 * piece comes, or at the end; their CRC-32 is taken as they are spliced,
 * and each piece's is combined with its stored operator.  A run always
 * starts a buffer of its own: a piece's buffer ends the one before.
 */


#include "ngx_http_resources_module.h"


static ngx_int_t ngx_http_resources_gzip_run(ngx_http_resources_req_t *rq);
static ngx_int_t ngx_http_resources_gzip_split(ngx_http_resources_req_t *rq,
    ngx_buf_t *head, size_t n);
static ngx_chain_t *ngx_http_resources_gzip_link(ngx_http_resources_req_t *rq,
    u_char *pos, u_char *last);


/*
 * Called before anything of a list's JSON body is written: whether it
 * goes compressed (rq->gzip).  As gzip_static does, a location that can
 * answer compressed marks the answer as varying with Accept-Encoding
 * (the Vary header then follows gzip_vary), and nginx's own tests decide
 * for the request: Accept-Encoding, gzip_http_version, gzip_proxied,
 * gzip_disable, a subrequest.
 */

void
ngx_http_resources_gzip_start(ngx_http_resources_req_t *rq)
{
#if (NGX_HTTP_GZIP)
    ngx_http_request_t  *r;

    r = rq->r;

    if (!rq->rlcf->gzip
        || !(rq->s->header.flags & RESOURCES_HEADER_GZIP)
        || rq->out != NULL)
    {
        return;
    }

    r->gzip_vary = 1;

    if (ngx_http_gzip_ok(r) != NGX_OK) {
        return;
    }

    rq->gzip = 1;
    rq->gz_run = rq->last;
    rq->gz_first = 1;
    rq->gz_after = 0;
    rq->gz_crc = 0;
    rq->gz_size = 0;
#endif
}


/* a record: the run before it closed, then its piece from the map */

ngx_int_t
ngx_http_resources_gzip_record(ngx_http_resources_req_t *rq,
    const resources_record_t *rec)
{
    if (rec->gz.data == NULL) {
        (void) ngx_http_resources_damaged(rq, "a record has no gzip piece");
        return NGX_ERROR;
    }

    if (ngx_http_resources_gzip_run(rq) != NGX_OK
        || ngx_http_resources_append_ref(rq, rec->gz.data, rec->gz.len)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    rq->gz_crc = (uint32_t) crc32_combine_op(rq->gz_crc, rec->gz.crc,
                                             rec->gz.op);
    rq->gz_size += rec->list_len + 1;
    rq->gz_after = 1;
    rq->gz_run = rq->last;

    return NGX_OK;
}


/* the last run closed, the member's end; rq->length: what is sent */

ngx_int_t
ngx_http_resources_gzip_finish(ngx_http_resources_req_t *rq)
{
    u_char       *p;
    off_t         length;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    if (ngx_http_resources_gzip_run(rq) != NGX_OK) {
        return NGX_ERROR;
    }

    b = ngx_create_temp_buf(rq->r->pool, RESOURCES_GZIP_END_LEN);
    if (b == NULL) {
        return NGX_ERROR;
    }

    p = b->last;
    b->last = resources_gzip_end(p, rq->gz_crc, rq->gz_size, 0);

    cl = ngx_alloc_chain_link(rq->r->pool);
    if (cl == NULL) {
        return NGX_ERROR;
    }

    cl->buf = b;
    cl->next = NULL;
    *rq->last = cl;
    rq->last = &cl->next;
    rq->b = NULL;

    length = 0;

    for (cl = rq->out; cl; cl = cl->next) {
        length += cl->buf->last - cl->buf->pos;
    }

    rq->length = length;

    return NGX_OK;
}


/*
 * The run from *rq->gz_run to the end: its CRC-32 and length counted, and
 * the head of its stored block spliced in before it (with the member's
 * header before the first run), or its blocks' heads when it is longer
 * than a block holds.  A piece's open block is closed even by an empty
 * run.
 */

static ngx_int_t
ngx_http_resources_gzip_run(ngx_http_resources_req_t *rq)
{
    u_char       *p;
    size_t        n, len;
    ngx_buf_t    *b;
    ngx_chain_t  *cl, *hd;

    n = 0;

    for (cl = *rq->gz_run; cl; cl = cl->next) {
        len = cl->buf->last - cl->buf->pos;
        rq->gz_crc = (uint32_t) crc32(rq->gz_crc, cl->buf->pos, (uInt) len);
        n += len;
    }

    rq->gz_size += n;

    if (n == 0 && !rq->gz_first && !rq->gz_after) {
        return NGX_OK;
    }

    b = ngx_create_temp_buf(rq->r->pool, RESOURCES_GZIP_HEADER_LEN + 5);
    if (b == NULL) {
        return NGX_ERROR;
    }

    if (rq->gz_first) {
        b->last = resources_gzip_header(b->last);
    }

    if (n > RESOURCES_GZIP_STORED_MAX) {
        return ngx_http_resources_gzip_split(rq, b, n);
    }

    p = b->last;
    b->last = resources_gzip_stored(p, n, rq->gz_after);

    hd = ngx_alloc_chain_link(rq->r->pool);
    if (hd == NULL) {
        return NGX_ERROR;
    }

    hd->buf = b;
    hd->next = *rq->gz_run;
    *rq->gz_run = hd;

    if (rq->last == rq->gz_run) {
        rq->last = &hd->next;
    }

    rq->gz_first = 0;
    rq->gz_after = 0;

    return NGX_OK;
}


/*
 * A run of more than a block: rebuilt as blocks of at most
 * RESOURCES_GZIP_STORED_MAX bytes, each after its head, buffers cut
 * where a block ends (the first head is written into head, after the
 * member's header when it is there)
 */

static ngx_int_t
ngx_http_resources_gzip_split(ngx_http_resources_req_t *rq, ngx_buf_t *head,
    size_t n)
{
    u_char        *pos;
    size_t         left, len, m;
    ngx_buf_t     *b;
    ngx_chain_t   *cl, *run, *out, **ll;

    run = *rq->gz_run;
    out = NULL;
    ll = &out;

    /* the first head, in the buffer that head points into */

    m = ngx_min(n, RESOURCES_GZIP_STORED_MAX);
    left = m;
    n -= m;

    cl = ngx_alloc_chain_link(rq->r->pool);
    if (cl == NULL) {
        return NGX_ERROR;
    }

    head->last = resources_gzip_stored(head->last, m, rq->gz_after);
    cl->buf = head;
    *ll = cl;
    ll = &cl->next;

    for ( /* void */ ; run; run = run->next) {
        pos = run->buf->pos;

        while (pos < run->buf->last) {

            if (left == 0) {
                b = ngx_create_temp_buf(rq->r->pool, 5);
                if (b == NULL) {
                    return NGX_ERROR;
                }

                m = ngx_min(n, RESOURCES_GZIP_STORED_MAX);
                n -= m;
                left = m;

                b->last = resources_gzip_stored(b->last, m, 0);

                cl = ngx_alloc_chain_link(rq->r->pool);
                if (cl == NULL) {
                    return NGX_ERROR;
                }

                cl->buf = b;
                *ll = cl;
                ll = &cl->next;
            }

            len = ngx_min((size_t) (run->buf->last - pos), left);

            cl = ngx_http_resources_gzip_link(rq, pos, pos + len);
            if (cl == NULL) {
                return NGX_ERROR;
            }

            *ll = cl;
            ll = &cl->next;
            pos += len;
            left -= len;
        }
    }

    *ll = NULL;
    *rq->gz_run = out;
    rq->last = ll;
    rq->b = NULL;
    rq->gz_first = 0;
    rq->gz_after = 0;

    return NGX_OK;
}


/* a link to a buffer of bytes already in memory (pos .. last) */

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

    b->pos = pos;
    b->last = last;
    b->start = pos;
    b->end = last;
    b->memory = 1;

    cl->buf = b;
    cl->next = NULL;

    return cl;
}
