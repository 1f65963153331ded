/*
 * Copyright (C) ngx_http_resources authors
 *
 * format=html: the list and a lookup as HTML fragments (rendered by
 * src/resources_html.c from the records' JSON), for pages that include
 * them with nginx's SSI filter; errors as fragments too.  And the Link
 * header (RFC 8288) of list answers, whose URLs the fragments' page links
 * share.
 */


#include "ngx_http_resources_module.h"


/*
 * A parameter's name, as the query parser reads it (percent-decoded), is
 * "name": names of 6 bytes are all this file looks for
 */

static ngx_uint_t
ngx_http_resources_arg_is(const u_char *p, size_t len, const char *name)
{
    u_char   buf[3 * 6];
    ssize_t  n;

    if (len > sizeof(buf)) {
        return 0;
    }

    n = resources_unescape(p, len, buf, 1);

    return n == 6 && ngx_strncmp(buf, name, 6) == 0;
}


/*
 * Whether the request asks for HTML, read before its arguments are (its
 * errors are HTML too): the first "format" parameter, decoded, is "html"
 */

ngx_uint_t
ngx_http_resources_wants_html(ngx_http_request_t *r)
{
    u_char   *p, *end, *amp, *eq, v[3 * 4];
    ssize_t   n;

    p = r->args.data;
    end = p + r->args.len;

    for ( /* void */ ; p < end; p = amp + 1) {
        for (amp = p; amp < end && *amp != '&'; amp++) { /* void */ }
        for (eq = p; eq < amp && *eq != '='; eq++) { /* void */ }

        if (eq == amp || !ngx_http_resources_arg_is(p, eq - p, "format")) {
            continue;
        }

        n = (size_t) (amp - eq - 1) <= sizeof(v)
            ? resources_unescape(eq + 1, amp - eq - 1, v, 1) : -1;

        return n == 4 && ngx_strncmp(v, "html", 4) == 0;
    }

    return 0;
}


/*
 * The bytes a link may hold as they are: RFC 3986's unreserved and
 * sub-delims, ":", "@", "/", "?" and "%" (an escape already); any other
 * (<, >, ", space, controls, non-ASCII) is percent-encoded, so that a
 * query string cannot close the Link header's <...> and add links
 */

static const u_char  ngx_http_resources_link_safe[128] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,    /* ! $%&'()*+,-./ */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,    /* 0-9 : ; = ? */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,    /* @ A-O */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,    /* P-Z _ */
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,    /* a-o */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0     /* p-z ~ */
};


/*
 * The request's query string without "offset" (and "format" if asked),
 * each other parameter as sent but for the bytes a link may not hold,
 * percent-encoded, and an "&" after it when it is not empty: what a link
 * to another page of the same list starts with
 */

static ngx_int_t
ngx_http_resources_args_but(ngx_http_request_t *r, ngx_uint_t format,
    ngx_str_t *out)
{
    u_char                *p, *end, *amp, *eq, *o, c;
    static const u_char    hex[] = "0123456789ABCDEF";

    out->data = ngx_pnalloc(r->pool, 3 * r->args.len + 1);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    o = out->data;
    p = r->args.data;
    end = p + r->args.len;

    for ( /* void */ ; p < end; p = amp + 1) {
        for (amp = p; amp < end && *amp != '&'; amp++) { /* void */ }
        for (eq = p; eq < amp && *eq != '='; eq++) { /* void */ }

        if (amp == p
            || ngx_http_resources_arg_is(p, eq - p, "offset")
            || (format && ngx_http_resources_arg_is(p, eq - p, "format")))
        {
            continue;
        }

        for ( /* void */ ; p < amp; p++) {
            c = *p;

            if (c < 128 && ngx_http_resources_link_safe[c]) {
                *o++ = c;

            } else {
                *o++ = '%';
                *o++ = hex[c >> 4];
                *o++ = hex[c & 0xf];
            }
        }

        *o++ = '&';
    }

    out->len = o - out->data;

    return NGX_OK;
}


static ngx_str_t  ngx_http_resources_rels[] = {
    ngx_string("first"),
    ngx_string("prev"),
    ngx_string("next"),
    ngx_string("last")
};


/* one link of the Link header: <?ARGSoffset=N>; rel="REL" */

static u_char *
ngx_http_resources_link_one(u_char *p, ngx_str_t *args, size_t offset,
    ngx_uint_t rel)
{
    u_char   digits[NGX_SIZE_T_LEN], *d;

    p = ngx_cpymem(p, "<?", 2);
    p = ngx_cpymem(p, args->data, args->len);
    p = ngx_cpymem(p, "offset=", 7);

    d = digits + NGX_SIZE_T_LEN;

    do {
        *--d = (u_char) ('0' + offset % 10);
        offset /= 10;
    } while (offset);

    p = ngx_cpymem(p, d, digits + NGX_SIZE_T_LEN - d);
    p = ngx_cpymem(p, ">; rel=\"", 8);
    p = ngx_cpymem(p, ngx_http_resources_rels[rel].data,
                   ngx_http_resources_rels[rel].len);
    *p++ = '"';

    return p;
}


/*
 * Link: <?ARGSoffset=0>; rel="first", <...>; rel="prev", ...: relative
 * references, resolved against the request's own URL
 */

ngx_int_t
ngx_http_resources_link_header(ngx_http_resources_req_t *rq, size_t total,
    size_t offset, size_t limit)
{
    u_char              *p;
    size_t               last, len;
    ngx_str_t            args;
    ngx_table_elt_t     *h;
    ngx_http_request_t  *r;

    r = rq->r;

    if (limit == 0 || r != r->main) {
        return NGX_OK;
    }

    if (ngx_http_resources_args_but(r, 0, &args) != NGX_OK) {
        return NGX_ERROR;
    }

    last = total ? (total - 1) / limit * limit : 0;
    len = 4 * (args.len + sizeof("<?offset=>; rel=\"first\", ")
                          + NGX_SIZE_T_LEN);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_ERROR;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Link");
    h->value.data = p;

    p = ngx_http_resources_link_one(p, &args, 0, 0);

    if (offset > 0) {
        p = ngx_cpymem(p, ", ", 2);
        p = ngx_http_resources_link_one(p, &args,
                                        offset > limit
                                        ? ngx_min(offset - limit, last) : 0,
                                        1);
    }

    if (offset + limit < total) {
        p = ngx_cpymem(p, ", ", 2);
        p = ngx_http_resources_link_one(p, &args, offset + limit, 2);
    }

    p = ngx_cpymem(p, ", ", 2);
    p = ngx_http_resources_link_one(p, &args, last, 3);

    h->value.len = p - h->value.data;

    return NGX_OK;
}


/*
 * A record's fragment: rendered in a buffer of the work area kept from
 * record to record (grown when a record needs more room than it has),
 * then appended to the body
 */

static ngx_int_t
ngx_http_resources_html_record(ngx_http_resources_req_t *rq,
    const u_char *json, size_t len, ngx_uint_t full)
{
    size_t                   need;
    ssize_t                  n;
    resources_html_marked_t  hl;

    /* highlight=: a list item's title and summary, marked, in rq->hl_buf */

    if (!full && rq->q.highlight
        && ngx_http_resources_highlight(rq, json, len, &hl) != NGX_OK)
    {
        return NGX_ERROR;
    }

    for ( ;; ) {
        if (rq->html_room < len + 1) {
            n = RESOURCES_HTML_AGAIN;
            need = 0;

        } else {
            n = full ? resources_html_article(json, len, &rq->rlcf->html,
                                              rq->html_buf,
                                              rq->html_room - len - 1,
                                              rq->html_buf + rq->html_room
                                              - len - 1, &need)
                     : resources_html_item_marked(json, len,
                                                  &rq->rlcf->html,
                                                  rq->q.highlight ? &hl
                                                                  : NULL,
                                                  rq->html_buf,
                                                  rq->html_room - len - 1,
                                                  rq->html_buf + rq->html_room
                                                  - len - 1, &need);
        }

        if (n != RESOURCES_HTML_AGAIN) {
            break;
        }

        /*
         * the room it needs, and more than most records need (some KB of
         * markup on top of their length): a record is rarely asked twice
         */

        rq->html_room = ngx_max(need, 4 * len + 65536) + len + 1;

        rq->html_buf = ngx_http_resources_alloc(rq, rq->html_room);
        if (rq->html_buf == NULL) {
            return NGX_ERROR;
        }
    }

    if (n < 0) {
        (void) ngx_http_resources_damaged(rq, "a record cannot be read as"
                                          " JSON");
        return NGX_ERROR;
    }

    return ngx_http_resources_append(rq, rq->html_buf, (size_t) n);
}


ngx_int_t
ngx_http_resources_html_list(ngx_http_resources_req_t *rq, uint32_t *page,
    size_t m, size_t total, size_t offset, size_t limit)
{
    u_char              *p;
    size_t               i;
    ngx_str_t            args;
    resources_record_t   rec;

    if (ngx_http_resources_args_but(rq->r, 1, &args) != NGX_OK) {
        return NGX_ERROR;
    }

    p = ngx_http_resources_reserve(rq, RESOURCES_HTML_HEAD_ROOM);
    if (p == NULL) {
        return NGX_ERROR;
    }

    p = resources_html_head(p, total, offset, limit);
    rq->length += p - rq->b->last;
    rq->b->last = p;

    for (i = 0; i < m; i++) {
        if (resources_snapshot_record(rq->s, page[i], &rec) != 0) {
            (void) ngx_http_resources_damaged(rq, "a record is unreadable");
            return NGX_ERROR;
        }

        if (ngx_http_resources_html_record(rq, rec.list, rec.list_len, 0)
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    p = ngx_http_resources_reserve(rq, RESOURCES_HTML_PAGES_ROOM(args.len)
                                       + RESOURCES_HTML_HEAD_ROOM);
    if (p == NULL) {
        return NGX_ERROR;
    }

    p = resources_html_pages(p, args.data, args.len, total, offset, limit);
    p = resources_html_tail(p, total);
    rq->length += p - rq->b->last;
    rq->b->last = p;

    rq->html = 1;

    return NGX_OK;
}


ngx_int_t
ngx_http_resources_html_article(ngx_http_resources_req_t *rq,
    const u_char *full, size_t len)
{
    if (ngx_http_resources_html_record(rq, full, len, 1) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rq->html = 1;

    return NGX_OK;
}


/* an error's body, as a fragment */

ngx_buf_t *
ngx_http_resources_html_error(ngx_http_request_t *r, const char *message)
{
    size_t      len;
    ngx_buf_t  *b;

    len = ngx_strlen(message);

    b = ngx_create_temp_buf(r->pool, 6 * len + 64);
    if (b == NULL) {
        return NULL;
    }

    b->last = resources_html_error(b->last, (u_char *) message, len);

    return b;
}
