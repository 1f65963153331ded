/*
 * Copyright (C) ngx_http_resources authors
 *
 * highlight= and crop= (docs/api.md, "Highlighting"): the words to mark,
 * from q (rq->marks), and the title and summary of each record of the
 * page read from its list form, decoded, highlighted
 * (src/resources_highlight.c: escaped, marked, cropped) and written into
 * the item as "highlight":{...} (JSON) or in place of its own (format=html).
 * Only records already in the answer are rendered again: nothing of
 * another record, nor of another view, can show.
 */


#include "ngx_http_resources_module.h"
#include "resources_fields.h"


/*
 * The words highlight= marks, from q as parsed (rq->qs: q's positive
 * words, folded and stemmed, its last word a prefix when typed on); none
 * without q.  The one place that fills rq->marks: words derived from q's
 * (typos, word forms, synonyms) belong here too.
 */

ngx_int_t
ngx_http_resources_marks(ngx_http_resources_req_t *rq)
{
    ngx_uint_t                  i;
    ngx_http_resources_mark_t  *m;

    rq->marks = NULL;
    rq->nmarks = 0;

    if (rq->qs == NULL || rq->qs->nwords == 0) {
        return NGX_OK;
    }

    rq->marks = ngx_palloc(rq->r->pool,
                           (rq->qs->nwords + rq->nderived)
                           * sizeof(ngx_http_resources_mark_t));
    if (rq->marks == NULL) {
        return NGX_ERROR;
    }

    rq->nmarks = resources_highlight_marks(rq->qs, rq->marks);

    /* the words q found through typos, word forms and synonyms */

    for (i = 0; i < rq->nderived; i++) {
        m = &rq->marks[rq->nmarks++];
        m->data = rq->derived[i].data;
        m->len = rq->derived[i].len;
        m->prefix = 0;
    }

    return NGX_OK;
}


/*
 * The fields highlight= asks of a list form, as HTML (hl->title,
 * hl->summary; NULL: not asked, or no summary), in rq->hl_buf (the work
 * area, kept from record to record, grown when a record needs more)
 */

ngx_int_t
ngx_http_resources_highlight(ngx_http_resources_req_t *rq,
    const u_char *list, size_t len, resources_html_marked_t *hl)
{
    u_char              *p;
    size_t               tlen, slen, need;
    ssize_t              n;
    unsigned             fields, how;
    resources_fields_t   f;

    ngx_memzero(hl, sizeof(resources_html_marked_t));

    if (resources_fields_parse(list, list + len, &f) != 0) {
        (void) ngx_http_resources_damaged(rq, "a record cannot be read as"
                                          " JSON");
        return NGX_ERROR;
    }

    fields = rq->q.highlight;

    if (!f.summary.set) {
        fields &= ~RESOURCES_HIGHLIGHT_SUMMARY;
    }

    /* each decoded (no longer than its JSON), then highlighted after it */

    tlen = (fields & RESOURCES_HIGHLIGHT_TITLE)
           ? (size_t) (f.title.end - f.title.start) : 0;
    slen = (fields & RESOURCES_HIGHLIGHT_SUMMARY)
           ? (size_t) (f.summary.end - f.summary.start) : 0;

    need = tlen + RESOURCES_HIGHLIGHT_ROOM(tlen)
           + slen + RESOURCES_HIGHLIGHT_ROOM(slen);

    if (rq->hl_room < need) {
        rq->hl_room = ngx_max(need, 65536);

        rq->hl_buf = ngx_http_resources_alloc(rq, rq->hl_room);
        if (rq->hl_buf == NULL) {
            return NGX_ERROR;
        }
    }

    p = rq->hl_buf;

    how = (rq->s->header.flags & RESOURCES_HEADER_LIGHT)
          ? RESOURCES_STEM_LIGHT : RESOURCES_STEM_PLURALS;

    if (fields & RESOURCES_HIGHLIGHT_TITLE) {
        n = resources_fields_decode(&f.title, p);
        if (n < 0) {
            goto bad;
        }

        hl->title = p + n;
        hl->title_len = resources_highlight(p, (size_t) n, rq->marks,
                                            rq->nmarks, 0, how, p + n);
        p += n + hl->title_len;
    }

    if (fields & RESOURCES_HIGHLIGHT_SUMMARY) {
        n = resources_fields_decode(&f.summary, p);
        if (n < 0) {
            goto bad;
        }

        hl->summary = p + n;
        hl->summary_len = resources_highlight(p, (size_t) n, rq->marks,
                                              rq->nmarks,
                                              (size_t) rq->q.crop, how,
                                              p + n);
    }

    return NGX_OK;

bad:

    (void) ngx_http_resources_damaged(rq, "a record's text cannot be"
                                      " decoded");
    return NGX_ERROR;
}


/*
 * An item's "highlight":{"title":"...","summary":"..."} (the fields
 * asked; "summary":null for a record without one), after its list form
 */

ngx_int_t
ngx_http_resources_highlight_json(ngx_http_resources_req_t *rq,
    const u_char *list, size_t len)
{
    resources_html_marked_t  hl;

    if (ngx_http_resources_highlight(rq, list, len, &hl) != NGX_OK
        || ngx_http_resources_append_literal(rq, ",\"highlight\":{")
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    if ((rq->q.highlight & RESOURCES_HIGHLIGHT_TITLE)
        && (ngx_http_resources_append_literal(rq, "\"title\":") != NGX_OK
            || ngx_http_resources_append_string(rq, hl.title, hl.title_len)
               != NGX_OK))
    {
        return NGX_ERROR;
    }

    if (rq->q.highlight & RESOURCES_HIGHLIGHT_SUMMARY) {
        if (((rq->q.highlight & RESOURCES_HIGHLIGHT_TITLE)
             && ngx_http_resources_append_literal(rq, ",") != NGX_OK)
            || ngx_http_resources_append_literal(rq, "\"summary\":")
               != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (hl.summary == NULL) {
            if (ngx_http_resources_append_literal(rq, "null") != NGX_OK) {
                return NGX_ERROR;
            }

        } else if (ngx_http_resources_append_string(rq, hl.summary,
                                                    hl.summary_len)
                   != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    return ngx_http_resources_append_literal(rq, "}");
}
