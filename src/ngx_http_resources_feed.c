/*
 * Copyright (C) ngx_http_resources authors
 *
 * The list as an Atom 1.0 feed (GET L/_feed): the entries rendered from
 * the records' list forms (src/resources_atom.c), their URLs built from
 * the request's scheme, host and the location.
 */


#include "ngx_http_resources_module.h"
#include "resources_atom.h"


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

ngx_int_t
ngx_http_resources_feed(ngx_http_resources_req_t *rq, uint32_t *page,
    size_t m)
{
    u_char                    *p, *atom, *alt;
    size_t                     i, plen, alt_len, room;
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

    /* with resources_link, each entry's page: built in one buffer */

    alt = NULL;

    if (rq->rlcf->html.link) {
        alt = ngx_http_resources_alloc(rq,
                         resources_html_link_room(&rq->rlcf->html,
                                                  RESOURCES_ID_MAX));
        if (alt == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    for (i = 0; i < m; i++) {
        if (resources_snapshot_record(rq->s, page[i], &rec) != 0) {
            return ngx_http_resources_damaged(rq, "a record is unreadable");
        }

        if (rec.atom_len == 0) {

            /* rendered from the list form (loaders since 0.2) */

            alt_len = 0;
            room = RESOURCES_ATOM_ROOM(rec.list_len);

            if (alt) {
                alt_len = resources_html_link(alt, &rq->rlcf->html, rec.id,
                                              ngx_min(rec.id_len,
                                                      RESOURCES_ID_MAX))
                          - alt;
                room += 6 * alt_len;
            }

            atom = ngx_http_resources_alloc(rq, room + rec.list_len);
            if (atom == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            n = resources_atom_render(rec.list, rec.list_len, alt, alt_len,
                                      atom, atom + room);
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
