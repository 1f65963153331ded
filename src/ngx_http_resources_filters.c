/*
 * Copyright (C) ngx_http_resources authors
 *
 * The request's filters as postings (steps 1 and 2 of docs/design.md's
 * list): the query string, a posting per kw, the types' union, a posting
 * per required word of q, the last one as a prefix (its words' postings,
 * or, for relevance from bitmaps, their bitmaps and the loader's unions),
 * each term's public and private parts as the location sees them.
 */


#include "ngx_http_resources_module.h"
#include "resources_synonyms.h"
#include "resources_text.h"


static ngx_int_t ngx_http_resources_union_of(ngx_http_resources_req_t *rq,
    const resources_posting_t *lists, size_t n, resources_posting_t *p);
static ngx_int_t ngx_http_resources_and(ngx_http_resources_req_t *rq,
    const resources_posting_t *lists, size_t k, size_t cap,
    resources_posting_t *p);
static ngx_int_t ngx_http_resources_union_term(ngx_http_resources_req_t *rq,
    const u_char *prefix, size_t len, const resources_posting_t *post);
static ngx_int_t ngx_http_resources_typos(ngx_http_resources_req_t *rq,
    const resources_str_t *surface, ngx_uint_t prefix, ngx_uint_t lazy,
    resources_posting_t *p);


/*
 * A term's posting as the location sees it: the public part, merged with
 * the private part in a private location.
 */

ngx_int_t
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
 * The words a prefix starts, in one part of the postings: a walk forward
 * only, as the words come in key order (bitmaps and field bits, one walk
 * each, instead of a lookup per word); a word's bitmap, or NULL
 */

static const u_char  ngx_http_resources_walk_parts[3] = {
    RESOURCES_PART_BITMAP, RESOURCES_PART_FIELD_HI, RESOURCES_PART_FIELD_LO
};


static const u_char *
ngx_http_resources_walk(ngx_http_resources_req_t *rq, resources_scan_t *sc,
    u_char part, const u_char *word, size_t len)
{
    size_t   n;
    u_char   key[2 + RESOURCES_WORD_MAX];
    MDB_val  d;

    if (len > RESOURCES_WORD_MAX) {
        return NULL;
    }

    n = resources_post_key(key, part, RESOURCES_KIND_WORD, word, len);

    if (resources_scan_find(sc, key, n, &d) != 1
        || d.mv_size != RESOURCES_BITMAP_WORDS(rq->s->header.ndocs)
                        * sizeof(uint64_t))
    {
        return NULL;                    /* the word's list serves */
    }

    return d.mv_data;
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
    size_t len, const resources_posting_t *post, resources_scan_t *walk,
    ngx_uint_t any)
{
    ngx_uint_t                  i, prefix;
    ngx_http_resources_term_t  *t;

    prefix = (walk != NULL || any);     /* one of several: rare is fine */

    if (ngx_http_resources_terms_alloc(rq) != NGX_OK) {
        return NGX_ERROR;
    }

    t = &rq->terms[rq->nterms];

    if (walk) {
        for (i = 0; i < 3; i++) {
            t->bits[i] = ngx_http_resources_walk(rq, &walk[i],
                                            ngx_http_resources_walk_parts[i],
                                            word, len);
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
    size_t         i, n;
    const u_char  *a, *b;

    /* the words' keys: part, kind, word */

    a = (const u_char *) first->mv_data + 2;
    b = (const u_char *) last->mv_data + 2;
    n = ngx_min(first->mv_size, last->mv_size) - 2;

    for (i = 0; i < n && a[i] == b[i]; i++) { /* void */ }

    return ngx_http_resources_union_term(rq, a, i, post);
}


/* the union of the words that prefix[0 .. len) starts, as one term */

static ngx_int_t
ngx_http_resources_union_term(ngx_http_resources_req_t *rq,
    const u_char *prefix, size_t len, const resources_posting_t *post)
{
    size_t                      n;
    ngx_http_resources_term_t  *t;

    static const u_char  parts[3] = { RESOURCES_PART_BITMAP,
                                      RESOURCES_PART_FIELD_HI,
                                      RESOURCES_PART_FIELD_LO };

    t = &rq->terms[rq->nterms];

    for (n = 0; n < 3; n++) {
        t->bits[n] = resources_snapshot_bits(rq->s, parts[n],
                                             RESOURCES_KIND_PREFIX, prefix,
                                             len);
        if (t->bits[n] == NULL) {
            return NGX_DECLINED;
        }
    }

    t->post = *post;
    t->slot = rq->nwords - 1;

    rq->nterms++;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, rq->r->connection->log, 0,
                   "resources: the union of the words \"%*s\" starts",
                   len, prefix);

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
    int                   cmp, live[2];
    size_t                n, klen, words;
    ngx_int_t             rc;
    ngx_uint_t            part, nparts, i, more;
    u_char                key[2 + RESOURCES_WORD_MAX];
    MDB_val               k[2], d[2], *keys;
    resources_scan_t      sc[2], walk[3];
    resources_posting_t  *lists;

    nparts = (rq->view == RESOURCES_VIEW_ALL) ? 2 : 1;

    lists = ngx_http_resources_alloc(rq, nparts * NGX_HTTP_RESOURCES_PREFIX_MAX
                                         * sizeof(resources_posting_t));
    keys = ngx_http_resources_alloc(rq, nparts * NGX_HTTP_RESOURCES_PREFIX_MAX
                                        * sizeof(MDB_val));
    if (lists == NULL || keys == NULL) {
        return NGX_ERROR;
    }

    /* a walk a part, each from the first word the prefix starts */

    live[1] = 0;

    for (part = 0; part < nparts; part++) {
        klen = resources_post_key(key, part ? RESOURCES_PART_PRIVATE
                                            : RESOURCES_PART_PUBLIC,
                                  RESOURCES_KIND_WORD, word, len);

        if (resources_snapshot_scan(rq->s, &sc[part], RESOURCES_SCAN_POST,
                                    key, klen)
            != 0)
        {
            if (part) {
                resources_scan_close(&sc[0]);
            }

            return NGX_ERROR;
        }

        live[part] = resources_scan_next(&sc[part], &k[part], &d[part]);
    }

    /* the words of both parts in folded order, merged */

    n = 0;
    words = 0;
    more = 0;
    rc = NGX_OK;

    while (live[0] == 1 || live[1] == 1) {

        if (words == NGX_HTTP_RESOURCES_PREFIX_MAX) {
            more = 1;
            break;
        }

        if (live[1] != 1) {
            cmp = -1;

        } else if (live[0] != 1) {
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

        for (part = 0; part < nparts; part++) {
            if (part == 0 ? cmp > 0 : cmp < 0) {
                continue;
            }

            if (resources_snapshot_value(rq->s, &d[part], sizeof(uint32_t))
                != 0)
            {
                live[part] = -1;
                break;
            }

            keys[n] = k[part];
            lists[n].data = d[part].mv_data;
            lists[n].n = d[part].mv_size / sizeof(uint32_t);
            lists[n].scored = 1;
            n++;

            live[part] = resources_scan_next(&sc[part], &k[part], &d[part]);
        }

        if (live[0] == -1 || live[1] == -1) {
            break;
        }
    }

    for (part = 0; part < nparts; part++) {
        resources_scan_close(&sc[part]);
    }

    if (live[0] == -1 || live[1] == -1) {
        (void) ngx_http_resources_damaged(rq, "a word's posting is"
                                          " malformed");
        return NGX_ERROR;
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
        rc = ngx_http_resources_union(rq, &keys[0], &keys[n - 1], p);

        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    for (i = 0; i < 3; i++) {
        klen = resources_post_key(key, ngx_http_resources_walk_parts[i],
                                  RESOURCES_KIND_WORD, word, len);

        if (resources_snapshot_scan(rq->s, &walk[i], RESOURCES_SCAN_POST,
                                    key, klen)
            != 0)
        {
            while (i-- > 0) {
                resources_scan_close(&walk[i]);
            }

            return NGX_ERROR;
        }
    }

    rc = NGX_OK;

    for (i = 0; i < n && rq->top; i++) {
        if (ngx_http_resources_term(rq, (u_char *) keys[i].mv_data + 2,
                                    keys[i].mv_size - 2, &lists[i], walk, 0)
            != NGX_OK)
        {
            rc = NGX_ERROR;
            break;
        }
    }

    for (i = 0; i < 3; i++) {
        resources_scan_close(&walk[i]);
    }

    return rc;
}


/* the prefix as one list, or as one byte per docno when it is large */

ngx_int_t
ngx_http_resources_merge(ngx_http_resources_req_t *rq)
{
    size_t                n, i, total;
    u_char               *dense;
    uint32_t             *out;
    resources_posting_t  *p, *lists;

    p = &rq->lists[rq->prefix_at - 1];
    lists = rq->prefix;
    n = rq->nprefix;

    rq->prefix_at = 0;

    for (i = 0, total = 0; i < n; i++) {
        total += lists[i].n;
    }

    /*
     * Many entries: a byte per docno (the best field), filled in one pass
     * and tested by the intersection, rather than a sorted union
     */

    if (n > 1 && total >= rq->s->header.ndocs / 32) {
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

        /*
         * The prefix the only list: its union in docno order, read from
         * the bytes (rather than the view's "*" driving a test of each)
         */

        if (rq->nlists == 1) {
            out = ngx_http_resources_alloc(rq, (total + 1)
                                               * sizeof(uint32_t));
            if (out == NULL) {
                return NGX_ERROR;
            }

            p->n = resources_dense_list(dense, rq->s->header.ndocs, out);
            p->data = (u_char *) out;
            p->scored = 1;

            return NGX_OK;
        }

        rq->dense = dense;

        /* tested through rq->dense: the prefix is the last list */

        rq->nlists--;

        return NGX_OK;
    }

    /* p is scored already (ngx_http_resources_prefix) */

    return ngx_http_resources_union_of(rq, lists, n, p);
}


/*
 * Where q's last word is looked up as a prefix of the words (their stems,
 * the keys of the postings).  With the word list (snapshots since 0.7):
 * the word as typed when it is no form of the texts, as a visitor still
 * typing it ("ressourc", "monn"); when it is one ("economie", "solidaire"),
 * what it shares with its stem ("econom", "solidair"), so that a whole
 * word finds its own forms.  Older snapshots: its stem, as before.
 */

static void
ngx_http_resources_prefix_of(ngx_http_resources_req_t *rq,
    const resources_q_word_t *qw, resources_str_t *key)
{
    size_t  i, n;

    if (!rq->s->has_typos) {
        *key = qw->text;
        return;
    }

    *key = qw->surface;

    if (resources_typos_find(&rq->s->typos.forms, qw->surface.data,
                             qw->surface.len,
                             rq->view != RESOURCES_VIEW_ALL)
        < 0)
    {
        return;
    }

    n = ngx_min(qw->text.len, qw->surface.len);

    for (i = 0; i < n && qw->text.data[i] == qw->surface.data[i]; i++) {
        /* void */
    }

    key->len = (i >= 2) ? i : qw->surface.len;
}


/*
 * The last word of q typed on, when no word starts so: the words of the
 * forms that start so ("hopitau": the forms "hopitaux", the word
 * "hopital"; "conciergeri": "conciergeries", "concierg"), at most
 * NGX_HTTP_RESOURCES_PREFIX_MAX, as one list; relevance from the lists
 */

static ngx_int_t
ngx_http_resources_forms(ngx_http_resources_req_t *rq,
    const resources_str_t *surface, resources_posting_t *p)
{
    size_t                 n, i, len;
    uint32_t               lo, hi, x, w, seen[NGX_HTTP_RESOURCES_PREFIX_MAX];
    const u_char          *word;
    resources_posting_t   *lists;
    const resources_typos_t  *wl;

    p->data = NULL;
    p->n = 0;
    p->scored = 1;

    wl = &rq->s->typos;

    resources_typos_range(&wl->forms, surface->data, surface->len, &lo, &hi);

    if (lo == hi) {
        return NGX_OK;
    }

    lists = ngx_http_resources_alloc(rq, NGX_HTTP_RESOURCES_PREFIX_MAX
                                         * sizeof(resources_posting_t));
    if (lists == NULL) {
        return NGX_ERROR;
    }

    n = 0;

    for (x = lo; x < hi && n < NGX_HTTP_RESOURCES_PREFIX_MAX; x++) {
        if (rq->view != RESOURCES_VIEW_ALL
            && !(wl->forms.flags[x] & RESOURCES_TYPOS_PUBLIC))
        {
            continue;
        }

        w = resources_typos_stem(wl, x);

        for (i = 0; i < n && seen[i] != w; i++) { /* void */ }

        if (i < n) {
            continue;
        }

        word = resources_typos_word(&wl->words, w, &len);

        if (ngx_http_resources_posting(rq, RESOURCES_KIND_WORD, word, len,
                                       &lists[n])
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (lists[n].n) {
            lists[n].scored = 1;
            seen[n++] = w;

            if (ngx_http_resources_derived(rq, word, len) != NGX_OK) {
                return NGX_ERROR;
            }
        }
    }

    if (n == 0) {
        return NGX_OK;
    }

    rq->top = 0;

    return ngx_http_resources_union_of(rq, lists, n, p);
}


/* a word of q that the text does not close (typed on), as one list */

static ngx_int_t
ngx_http_resources_last(ngx_http_resources_req_t *rq,
    const resources_q_word_t *qw, resources_posting_t *p)
{
    resources_str_t  key;

    ngx_http_resources_prefix_of(rq, qw, &key);

    if (ngx_http_resources_prefix(rq, key.data, key.len, p) != NGX_OK) {
        return NGX_ERROR;
    }

    if (p->n || !rq->s->has_typos) {
        return NGX_OK;
    }

    /* no word starts so: the forms that do, or a typo in what was typed */

    rq->prefix_at = 0;

    if (ngx_http_resources_forms(rq, &qw->surface, p) != NGX_OK) {
        return NGX_ERROR;
    }

    if (p->n) {
        return NGX_OK;
    }

    return ngx_http_resources_typos(rq, &qw->surface, 1, 1, p);
}


static ngx_int_t
ngx_http_resources_word(ngx_http_resources_req_t *rq,
    const resources_q_word_t *qw, unsigned flags)
{
    resources_posting_t  *p;

    if (rq->nwords == NGX_HTTP_RESOURCES_WORDS_MAX) {
        return NGX_OK;                  /* resources_q_parse() says not */
    }

    rq->nwords++;
    p = &rq->lists[rq->nlists++];

    if ((flags & RESOURCES_WORD_LAST) && qw->text.len >= 2) {
        if (ngx_http_resources_last(rq, qw, p) != NGX_OK) {
            return NGX_ERROR;
        }

    } else {
        if (ngx_http_resources_posting(rq, RESOURCES_KIND_WORD,
                                       qw->text.data, qw->text.len, p)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        p->scored = 1;

        if (p->n == 0) {
            if (ngx_http_resources_typos(rq, &qw->surface, 0, 0, p)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

        } else if (rq->top
                   && ngx_http_resources_term(rq, qw->text.data,
                                              qw->text.len, p, NULL, 0)
                      != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    if (p->n == 0) {
        rq->empty = 1;
    }

    return NGX_OK;
}


/*
 * A word of q that no resource of the view has (or, typed on, starts):
 * the words within the typos its length allows (resources_typos.h:
 * Meilisearch's 1 from 5 bytes, 2 from 9), those the location may see,
 * at most NGX_HTTP_RESOURCES_PREFIX_MAX of them, as one list.  Typo
 * matches are only looked for when there is no exact one, so an exact
 * match always ranks first; relevance from the lists then.  Nothing
 * without the snapshot's word list, or with typos=0.
 */

typedef struct {
    ngx_http_resources_req_t  *rq;
    resources_posting_t       *lists;
    uint32_t                   seen[NGX_HTTP_RESOURCES_PREFIX_MAX];
    size_t                     n;
    ngx_int_t                  rc;
} ngx_http_resources_typos_ctx_t;


static int
ngx_http_resources_typo(void *data, uint32_t index, const u_char *form,
    size_t flen, unsigned distance)
{
    ngx_http_resources_typos_ctx_t  *ctx = data;

    size_t                i, len;
    uint32_t              w;
    const u_char         *word;
    resources_posting_t  *p;

    if (ctx->n == NGX_HTTP_RESOURCES_PREFIX_MAX) {
        return 1;
    }

    w = resources_typos_stem(&ctx->rq->s->typos, index);

    for (i = 0; i < ctx->n && ctx->seen[i] != w; i++) { /* void */ }

    if (i < ctx->n) {
        return 0;                       /* another form of the same word */
    }

    word = resources_typos_word(&ctx->rq->s->typos.words, w, &len);
    p = &ctx->lists[ctx->n];

    if (ngx_http_resources_posting(ctx->rq, RESOURCES_KIND_WORD, word, len,
                                   p)
        != NGX_OK)
    {
        ctx->rc = NGX_ERROR;
        return 1;
    }

    if (p->n) {
        p->scored = 1;
        ctx->seen[ctx->n++] = w;

        if (ngx_http_resources_derived(ctx->rq, word, len) != NGX_OK) {
            ctx->rc = NGX_ERROR;
            return 1;
        }
    }

    return 0;
}


/*
 * The words ctx->seen[from .. to) (a node's, found through a typo typed
 * on) as one term: the union the loader made of the words that start
 * with their longest common prefix, when those are exactly these (every
 * public word the prefix starts among them); NGX_DECLINED otherwise
 */

static ngx_int_t
ngx_http_resources_typos_union(ngx_http_resources_req_t *rq,
    ngx_http_resources_typos_ctx_t *ctx, size_t from, size_t to,
    resources_posting_t *p)
{
    size_t                    i, n, alen, blen, c;
    uint32_t                  lo, hi, first, last, w;
    const u_char             *a, *b;
    const resources_typos_t  *wl;

    if (to - from < 2 || rq->view != RESOURCES_VIEW_PUBLIC) {
        return NGX_DECLINED;
    }

    wl = &rq->s->typos;
    first = ctx->seen[from];
    last = first;

    for (i = from + 1; i < to; i++) {
        first = ngx_min(first, ctx->seen[i]);
        last = ngx_max(last, ctx->seen[i]);
    }

    /* the words are in key order: what the first and last share, all do */

    a = resources_typos_word(&wl->words, first, &alen);
    b = resources_typos_word(&wl->words, last, &blen);

    for (n = 0; n < alen && n < blen && a[n] == b[n]; n++) { /* void */ }

    if (n == 0) {
        return NGX_DECLINED;
    }

    resources_typos_range(&wl->words, a, n, &lo, &hi);

    for (w = lo, c = 0; w < hi && c <= to - from; w++) {
        c += (wl->words.flags[w] & RESOURCES_TYPOS_PUBLIC) != 0;
    }

    if (c != to - from) {
        return NGX_DECLINED;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, rq->r->connection->log, 0,
                   "resources: a typo's %uz words as one union", c);

    return ngx_http_resources_union_term(rq, a, n, p);
}


static ngx_int_t
ngx_http_resources_typos(ngx_http_resources_req_t *rq,
    const resources_str_t *surface, ngx_uint_t prefix, ngx_uint_t lazy,
    resources_posting_t *p)
{
    size_t                           i, j, end, len, ngroups,
                                     group[NGX_HTTP_RESOURCES_PREFIX_MAX];
    ssize_t                          nn;
    uint32_t                         x, nlo[NGX_HTTP_RESOURCES_PREFIX_MAX],
                                     nhi[NGX_HTTP_RESOURCES_PREFIX_MAX];
    unsigned                         k;
    ngx_int_t                        rc;
    const u_char                    *word;
    ngx_http_resources_typos_ctx_t   ctx;

    p->data = NULL;
    p->n = 0;
    p->scored = 1;

    k = rq->q.typos ? resources_typos_allowed(surface->len) : 0;

    if (k == 0 || !rq->s->has_typos) {
        return NGX_OK;
    }

    ctx.rq = rq;
    ctx.n = 0;
    ctx.rc = NGX_OK;
    ctx.lists = ngx_http_resources_alloc(rq, NGX_HTTP_RESOURCES_PREFIX_MAX
                                             * sizeof(resources_posting_t));
    if (ctx.lists == NULL) {
        return NGX_ERROR;
    }

    /*
     * One typo first: a word with matches at one typo is not looked up at
     * two (fewer typos rank first anyway, and the walk at two costs
     * several times the walk at one)
     */

    ngroups = 0;

    for (i = (k == 2) ? 1 : k; i <= k && ctx.n == 0; i++) {

        /*
         * One typo typed on, through the index: the forms node by node,
         * the words each gives a group (ngx_http_resources_typos_union())
         */

        if (i == 1 && prefix && rq->s->has_typoix && rq->top
            && (nn = resources_typos_nodes(&rq->s->typoix,
                                           &rq->s->typos.forms,
                                           surface->data, surface->len,
                                           nlo, nhi,
                                           NGX_HTTP_RESOURCES_PREFIX_MAX))
               >= 0)
        {
            for (j = 0; j < (size_t) nn && ctx.rc == NGX_OK; j++) {
                for (x = nlo[j]; x < nhi[j]; x++) {
                    if (rq->view != RESOURCES_VIEW_ALL
                        && !(rq->s->typos.forms.flags[x]
                             & RESOURCES_TYPOS_PUBLIC))
                    {
                        continue;
                    }

                    word = resources_typos_word(&rq->s->typos.forms, x,
                                                &len);

                    if (ngx_http_resources_typo(&ctx, x, word, len, 1)) {
                        break;
                    }
                }

                group[ngroups++] = ctx.n;

                if (x < nhi[j]) {
                    break;                      /* the words' cap */
                }
            }

        } else if (i == 1 && rq->s->has_typoix) {

            /* one typo through the index, a few hash probes */

            (void) resources_typos_lookup(&rq->s->typoix,
                                          &rq->s->typos.forms,
                                          surface->data, surface->len,
                                          prefix,
                                          rq->view != RESOURCES_VIEW_ALL,
                                          ngx_http_resources_typo, &ctx);

        } else {
            (void) resources_typos_walk(&rq->s->typos.forms, surface->data,
                                        surface->len, (unsigned) i, prefix,
                                        rq->view != RESOURCES_VIEW_ALL,
                                        ngx_http_resources_typo, &ctx);
        }

        if (ctx.rc != NGX_OK) {
            return NGX_ERROR;
        }
    }

    ngx_log_debug4(NGX_LOG_DEBUG_HTTP, rq->r->connection->log, 0,
                   "resources: \"%*s\": %uz words within its typos%s",
                   surface->len, surface->data, ctx.n,
                   prefix ? ", as a prefix" : "");

    if (ctx.n == 0) {
        return NGX_OK;
    }

    /*
     * A word of its own (p is one of q's lists) while relevance may come
     * from bitmaps: its words are terms of one slot, as a prefix's are
     * (the frequent ones' bitmaps, the rare ones made into one)
     */

    if (rq->top && p == &rq->lists[rq->nlists - 1]
        && ngx_http_resources_terms_alloc(rq) == NGX_OK
        && rq->nterms + ctx.n <= NGX_HTTP_RESOURCES_WORDS_MAX
                                 + NGX_HTTP_RESOURCES_PREFIX_MAX)
    {
        /*
         * The words as one union when the loader made it (all of them,
         * else a node's at a time)
         */

        rc = (ngroups > 1)
             ? ngx_http_resources_typos_union(rq, &ctx, 0, ctx.n, p)
             : NGX_DECLINED;

        i = (rc == NGX_OK) ? ctx.n : 0;

        /* past the nodes' groups (words of two typos): one group more */

        for (j = 0; rc != NGX_ERROR && i < ctx.n; j++) {
            end = (j < ngroups) ? group[j] : ctx.n;

            rc = (j < ngroups)
                 ? ngx_http_resources_typos_union(rq, &ctx, i, end, p)
                 : NGX_DECLINED;

            if (rc == NGX_OK) {
                i = end;
            }

            for ( /* void */ ; i < end && rc != NGX_ERROR; i++) {
                word = resources_typos_word(&rq->s->typos.words,
                                            ctx.seen[i], &len);

                rc = ngx_http_resources_term(rq, word, len, &ctx.lists[i],
                                             NULL, 1);
            }
        }

        if (rc == NGX_ERROR) {
            return NGX_ERROR;
        }

        /*
         * q's last word (lazy): the union made only if the bitmaps do not
         * answer, as a prefix's (ngx_http_resources_merge)
         */

        if (lazy && rq->top && rq->prefix_at == 0) {
            rq->prefix = ctx.lists;
            rq->nprefix = ctx.n;
            rq->prefix_at = (p - rq->lists) + 1;

            p->data = NULL;
            p->n = ctx.n;
            p->scored = 1;

            return NGX_OK;
        }

    } else {
        rq->top = 0;
    }

    return ngx_http_resources_union_of(rq, ctx.lists, ctx.n, p);
}


/*
 * A word that q found through a typo, a word form or a synonym: marked
 * too when highlight= is asked (its text is in the map, or in the
 * request's pool: valid for the request)
 */

ngx_int_t
ngx_http_resources_derived(ngx_http_resources_req_t *rq, const u_char *word,
    size_t len)
{
    ngx_uint_t  i;

    if (!rq->q.highlight) {
        return NGX_OK;
    }

    if (rq->derived == NULL) {
        rq->derived = ngx_palloc(rq->r->pool, NGX_HTTP_RESOURCES_DERIVED_MAX
                                              * sizeof(resources_str_t));
        if (rq->derived == NULL) {
            return NGX_ERROR;
        }
    }

    for (i = 0; i < rq->nderived; i++) {
        if (rq->derived[i].len == len
            && ngx_memcmp(rq->derived[i].data, word, len) == 0)
        {
            return NGX_OK;
        }
    }

    if (rq->nderived < NGX_HTTP_RESOURCES_DERIVED_MAX) {
        rq->derived[rq->nderived].data = word;
        rq->derived[rq->nderived].len = len;
        rq->nderived++;
    }

    return NGX_OK;
}


/* lists as one, by docno, each docno's best field */

static ngx_int_t
ngx_http_resources_union_of(ngx_http_resources_req_t *rq,
    const resources_posting_t *lists, size_t n, resources_posting_t *p)
{
    size_t     i, total;
    uint32_t  *out;

    p->scored = 1;

    if (n <= 1) {
        p->data = n ? lists[0].data : NULL;
        p->n = n ? lists[0].n : 0;
        return NGX_OK;
    }

    for (i = 0, total = 0; i < n; i++) {
        total += lists[i].n;
    }

    out = ngx_http_resources_alloc(rq, (total + 1) * 2 * sizeof(uint32_t));
    if (out == NULL) {
        return NGX_ERROR;
    }

    p->n = resources_union(lists, n, out, out + total + 1);
    p->data = (u_char *) out;

    return NGX_OK;
}


/*
 * A word of q as one list: its posting, or the union of a prefix's words;
 * with typos allowed (neither in an exclusion nor a phrase), what
 * ngx_http_resources_word() would find
 */

static ngx_int_t
ngx_http_resources_word_list(ngx_http_resources_req_t *rq,
    const resources_q_word_t *qw, ngx_uint_t prefix, ngx_uint_t typos,
    resources_posting_t *p)
{
    resources_str_t  key;

    if (!prefix) {
        if (ngx_http_resources_posting(rq, RESOURCES_KIND_WORD,
                                       qw->text.data, qw->text.len, p)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (p->n || !typos) {
            return NGX_OK;
        }

        return ngx_http_resources_typos(rq, &qw->surface, 0, 0, p);
    }

    if (typos) {

        /* the slot after the lists: free, and never read as one */

        if (ngx_http_resources_last(rq, qw, &rq->lists[rq->nlists])
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (!rq->prefix_at) {
            *p = rq->lists[rq->nlists];
            return NGX_OK;              /* the forms' or the typos' list */
        }

    } else {
        ngx_http_resources_prefix_of(rq, qw, &key);

        if (ngx_http_resources_prefix(rq, key.data, key.len,
                                      &rq->lists[rq->nlists])
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    rq->prefix_at = 0;

    return ngx_http_resources_union_of(rq, rq->prefix, rq->nprefix, p);
}


/*
 * A unit of q (a piece, a phrase, an alternative, an exclusion) as one
 * list: the docnos that have all its words, each with the worst of their
 * best fields (the field where they are all found, at least); its last
 * word a prefix when it is one
 */

static ngx_int_t
ngx_http_resources_unit(ngx_http_resources_req_t *rq, resources_q_t *qs,
    const resources_q_unit_t *u, resources_posting_t *p)
{
    size_t                i, k, cap;
    ngx_uint_t            prefix;
    resources_posting_t   lists[RESOURCES_Q_WORDS_MAX];

    k = u->nwords;
    cap = SIZE_MAX;

    p->data = NULL;
    p->n = 0;
    p->scored = 1;

    for (i = 0; i < k; i++) {
        prefix = (i == k - 1 && (u->flags & RESOURCES_Q_PREFIX));

        if (ngx_http_resources_word_list(rq, &qs->word[u->word + i], prefix,
                                   !(u->flags & (RESOURCES_Q_NEGATED
                                                 | RESOURCES_Q_PHRASE)),
                                   &lists[i])
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (lists[i].n == 0) {
            return NGX_OK;              /* a word nowhere: none */
        }

        cap = ngx_min(cap, lists[i].n);
    }

    return ngx_http_resources_and(rq, lists, k, cap, p);
}


/*
 * Lists ANDed as one: the docnos in all k of them (cap: the shortest's
 * length), each with the worst of their best fields
 */

static ngx_int_t
ngx_http_resources_and(ngx_http_resources_req_t *rq,
    const resources_posting_t *lists, size_t k, size_t cap,
    resources_posting_t *p)
{
    size_t                i, j, c, m;
    uint32_t             *docs, *out, e, f;
    resources_posting_t   work[RESOURCES_Q_WORDS_MAX];
    size_t                at[RESOURCES_Q_WORDS_MAX];

    if (k == 1) {
        *p = lists[0];
        p->scored = 1;
        return NGX_OK;
    }

    for (i = 0; i < k; i++) {
        work[i] = lists[i];
    }

    docs = ngx_http_resources_alloc(rq, (2 * cap + 1) * sizeof(uint32_t));
    if (docs == NULL) {
        return NGX_ERROR;
    }

    out = docs + cap;

    m = resources_intersect(work, k, 0, rq->s->header.ndocs, docs, NULL);

    ngx_memzero(at, sizeof(at));

    for (j = 0; j < m; j++) {
        f = RESOURCES_FIELD_TITLE;

        for (i = 0; i < k; i++) {
            c = resources_gallop(lists[i].data, lists[i].n, at[i], docs[j]);
            at[i] = c;

            if (c < lists[i].n) {
                e = resources_get_u32(lists[i].data + c * sizeof(uint32_t));

                if (RESOURCES_DOCNO(e) == docs[j]) {
                    f = ngx_min(f, RESOURCES_FIELD(e));
                }
            }
        }

        out[j] = docs[j] << 2 | f;
    }

    p->data = (u_char *) out;
    p->n = m;

    return NGX_OK;
}


/*
 * A trigger of the synonyms found in q (words[at ..], m): one list, the
 * union of the forms it expands to (its own among them unless only
 * one-way rules name it), each form's words ANDed.  Relevance from the
 * lists.
 */

static ngx_int_t
ngx_http_resources_synonym(ngx_http_resources_req_t *rq,
    const resources_syn_match_t *m)
{
    size_t                 i, n, cap;
    resources_str_t        w;
    resources_posting_t   *p, *alts, words[RESOURCES_SYN_FORM_WORDS];
    resources_syn_form_t   form;
    resources_syn_iter_t   it;
    const resources_syn_t *syn;

    syn = &rq->s->syn;

    alts = ngx_http_resources_alloc(rq, RESOURCES_SYN_EXPAND_MAX
                                        * sizeof(resources_posting_t));
    if (alts == NULL) {
        return NGX_ERROR;
    }

    n = 0;

    resources_syn_expand(syn, m, &it);

    while (resources_syn_next(&it, &form)) {
        cap = SIZE_MAX;

        for (i = 0; i < form.nwords; i++) {
            resources_syn_word(syn, &form, (uint32_t) i, &w);

            if (ngx_http_resources_posting(rq, RESOURCES_KIND_WORD, w.data,
                                           w.len, &words[i])
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            if (words[i].n == 0) {
                break;
            }

            if (ngx_http_resources_derived(rq, w.data, w.len) != NGX_OK) {
                return NGX_ERROR;
            }

            words[i].scored = 1;
            cap = ngx_min(cap, words[i].n);
        }

        if (i < form.nwords) {
            continue;                   /* a word nowhere: the form too */
        }

        if (ngx_http_resources_and(rq, words, form.nwords, cap, &alts[n])
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        n += (alts[n].n != 0);
    }

    p = &rq->lists[rq->nlists];

    if (ngx_http_resources_union_of(rq, alts, n, p) != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, rq->r->connection->log, 0,
                   "resources: a synonym of %uD words, %uz forms found",
                   m->nwords, n);

    rq->nlists++;
    rq->nwords++;
    rq->top = 0;

    if (p->n == 0) {
        rq->empty = 1;
    }

    return NGX_OK;
}


/*
 * Two words of q one after the other that the texts also write joined
 * ("eco conception", "eco-conception": "ecoconception"; the loader
 * indexes "eco-conception" joined as well): one list, the resources with
 * both words (the second one a prefix when it is q's last, typed on) or
 * with the joined one (a whole word).  NGX_DECLINED when no resource of
 * the view has the joined word (and for snapshots without the word list).
 */

static ngx_int_t
ngx_http_resources_joined(ngx_http_resources_req_t *rq,
    const resources_q_word_t *a, const resources_q_word_t *b,
    ngx_uint_t last)
{
    size_t                n;
    u_char                joined[RESOURCES_WORD_MAX];
    resources_posting_t   lists[2], alts[2], *p;

    if (!rq->s->has_typos
        || a->surface.len + b->surface.len > RESOURCES_WORD_MAX)
    {
        return NGX_DECLINED;
    }

    ngx_memcpy(joined, a->surface.data, a->surface.len);
    ngx_memcpy(joined + a->surface.len, b->surface.data, b->surface.len);

    /* a form of the texts (the word list, in memory) before any lookup */

    if (resources_typos_find(&rq->s->typos.forms, joined,
                             a->surface.len + b->surface.len,
                             rq->view != RESOURCES_VIEW_ALL)
        < 0)
    {
        return NGX_DECLINED;
    }

    n = resources_stem_light(joined, a->surface.len + b->surface.len);

    if (ngx_http_resources_posting(rq, RESOURCES_KIND_WORD, joined, n,
                                   &alts[1])
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (alts[1].n == 0) {
        return NGX_DECLINED;
    }

    alts[1].scored = 1;

    /* the second word typed on: as a prefix (and its typos), as alone */

    if (ngx_http_resources_posting(rq, RESOURCES_KIND_WORD, a->text.data,
                                   a->text.len, &lists[0])
        != NGX_OK
        || (last ? ngx_http_resources_word_list(rq, b, 1, 1, &lists[1])
                 : ngx_http_resources_posting(rq, RESOURCES_KIND_WORD,
                                              b->text.data, b->text.len,
                                              &lists[1]))
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    lists[0].scored = 1;
    lists[1].scored = 1;

    alts[0].n = 0;
    alts[0].data = NULL;
    alts[0].scored = 1;

    if (lists[0].n && lists[1].n
        && ngx_http_resources_and(rq, lists, 2,
                                  ngx_min(lists[0].n, lists[1].n), &alts[0])
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    p = &rq->lists[rq->nlists];

    if (ngx_http_resources_union_of(rq, alts[0].n ? alts : &alts[1],
                                    alts[0].n ? 2 : 1, p)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    rq->nlists++;
    rq->nwords++;
    rq->top = 0;

    return NGX_OK;
}


/*
 * Plain units from..to of q (neither phrases, exclusions nor
 * alternatives), their words in order: where a trigger of the synonyms
 * starts, the longest one is one list (ngx_http_resources_synonym); every
 * other word a list, as before
 */

static ngx_int_t
ngx_http_resources_q_words(ngx_http_resources_req_t *rq, resources_q_t *qs,
    size_t from, size_t to)
{
    size_t                  n, at, i, k, nm;
    unsigned                flags, prefix;
    ngx_int_t               rc;
    resources_str_t         words[RESOURCES_Q_WORDS_MAX];
    resources_q_word_t     *qw[RESOURCES_Q_WORDS_MAX];
    resources_q_unit_t     *u;
    resources_syn_match_t   match[RESOURCES_SYN_FORM_WORDS];

    n = 0;
    prefix = 0;

    for (i = from; i < to; i++) {
        u = &qs->unit[i];

        for (k = 0; k < u->nwords && n < RESOURCES_Q_WORDS_MAX; k++) {
            qw[n] = &qs->word[u->word + k];
            words[n++] = qs->word[u->word + k].text;
        }

        prefix = (u->flags & RESOURCES_Q_PREFIX) != 0;
    }

    for (at = 0; at < n; /* void */) {
        nm = (rq->s->syn.value != NULL)
             ? resources_syn_lookup(&rq->s->syn, words, n, at, match) : 0;

        if (nm) {
            if (ngx_http_resources_synonym(rq, &match[0]) != NGX_OK) {
                return NGX_ERROR;
            }

            at += match[0].nwords;
            continue;
        }

        if (at + 1 < n) {
            rc = ngx_http_resources_joined(rq, qw[at], qw[at + 1],
                                           at + 2 == n && prefix);

            if (rc == NGX_ERROR) {
                return NGX_ERROR;
            }

            if (rc == NGX_OK) {
                at += 2;
                continue;
            }
        }

        flags = (at + 1 == n && prefix) ? RESOURCES_WORD_LAST : 0;

        if (ngx_http_resources_word(rq, qw[at], flags) != NGX_OK) {
            return NGX_ERROR;
        }

        at++;
    }

    return NGX_OK;
}


/*
 * q as parsed: each word of a plain unit a list (as before the syntax:
 * relevance from bitmaps, a large prefix as a byte per docno), an OR
 * group one list (the union of its units), the exclusions one list of
 * the docnos they hold (rq->excluded), taken out of the result by the
 * intersection
 */

static ngx_int_t
ngx_http_resources_q(ngx_http_resources_req_t *rq, resources_q_t *qs)
{
    size_t                i, j, k, n, nx;
    unsigned              flags;
    resources_posting_t   alts[RESOURCES_Q_WORDS_MAX], *p;
    resources_posting_t   excl[RESOURCES_Q_WORDS_MAX], one;
    resources_q_unit_t   *u;
    resources_q_word_t   *w;
    const u_char         *bm;
    ngx_uint_t            nbm;

    nx = 0;
    nbm = 0;

    for (i = 0; i < qs->nunits; i = j) {
        u = &qs->unit[i];

        if (u->flags & RESOURCES_Q_IGNORED) {
            break;
        }

        for (j = i + 1;
             j < qs->nunits && qs->unit[j].group == u->group
             && !(qs->unit[j].flags & RESOURCES_Q_IGNORED);
             j++)
        { /* void */ }

        if (u->flags & RESOURCES_Q_NEGATED) {
            if (ngx_http_resources_unit(rq, qs, u, &excl[nx]) != NGX_OK) {
                return NGX_ERROR;
            }

            if (excl[nx].n == 0) {
                continue;
            }

            /*
             * One word, its posting as the snapshot has it: its public
             * bitmap is the same set, if it has one
             */

            bm = NULL;

            if (rq->view != RESOURCES_VIEW_ALL && u->nwords == 1
                && !(u->flags & RESOURCES_Q_PHRASE))
            {
                w = &qs->word[u->word];

                if (ngx_http_resources_posting(rq, RESOURCES_KIND_WORD,
                                               w->text.data, w->text.len,
                                               &one)
                    != NGX_OK)
                {
                    return NGX_ERROR;
                }

                if (one.data == excl[nx].data && one.n == excl[nx].n) {
                    bm = resources_snapshot_bitmap(rq->s, RESOURCES_KIND_WORD,
                                                   w->text.data,
                                                   w->text.len);
                }
            }

            if (bm) {
                rq->excluded_bits[nbm++] = bm;
            }

            nx++;
            continue;
        }

        if (j - i == 1 && !(u->flags & (RESOURCES_Q_PHRASE
                                        | RESOURCES_Q_NEGATED)))
        {
            /* plain units, one after the other: synonyms may span them */

            for (j = i + 1;
                 j < qs->nunits
                 && !(qs->unit[j].flags & (RESOURCES_Q_IGNORED
                                           | RESOURCES_Q_NEGATED
                                           | RESOURCES_Q_PHRASE))
                 && (j + 1 == qs->nunits
                     || qs->unit[j + 1].group != qs->unit[j].group);
                 j++)
            { /* void */ }

            if (ngx_http_resources_q_words(rq, qs, i, j) != NGX_OK) {
                return NGX_ERROR;
            }

            continue;
        }

        if (j - i == 1) {

            /* a plain unit: a list a word */

            for (k = 0; k < u->nwords; k++) {
                flags = (k + 1 == (size_t) u->nwords
                         && (u->flags & RESOURCES_Q_PREFIX))
                        ? RESOURCES_WORD_LAST : 0;

                if (ngx_http_resources_word(rq, &qs->word[u->word + k], flags)
                    != NGX_OK)
                {
                    return NGX_ERROR;
                }
            }

            continue;
        }

        /* an OR group: one list */

        for (k = i, n = 0; k < j; k++) {
            if (ngx_http_resources_unit(rq, qs, &qs->unit[k], &alts[n])
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            n += (alts[n].n != 0);
        }

        p = &rq->lists[rq->nlists];

        if (ngx_http_resources_union_of(rq, alts, n, p) != NGX_OK) {
            return NGX_ERROR;
        }

        rq->nlists++;
        rq->nwords++;

        if (p->n == 0) {
            rq->empty = 1;
        }
    }

    if (nx) {
        if (ngx_http_resources_union_of(rq, excl, nx, &rq->excluded)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        rq->exclude = (rq->excluded.n != 0);
        rq->nexcluded_bits = (nbm == nx) ? nbm : 0;
    }

    return NGX_OK;
}


ssize_t
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


/*
 * A filter that any of its values passes (type, series): one list, the
 * union of theirs; a type alone has its bitmap and facets table (public
 * view), a series none
 */

static ngx_int_t
ngx_http_resources_any_of(ngx_http_resources_req_t *rq, u_char kind,
    resources_str_t *values, size_t nvalues)
{
    u_char                *folded;
    size_t                 i, n, cap;
    ssize_t                flen;
    uint32_t              *res;
    resources_posting_t   *p, any[ngx_max(RESOURCES_QUERY_MAX_TYPE,
                                      RESOURCES_QUERY_MAX_SERIES)];
    resources_snapshot_t  *s;

    s = rq->s;
    n = 0;
    cap = 0;
    folded = NULL;
    flen = 0;

    for (i = 0; i < nvalues; i++) {
        flen = ngx_http_resources_fold(rq, &values[i], &folded);

        if (flen == RESOURCES_TEXT_TOO_LONG && folded == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (flen <= 0 || flen > RESOURCES_TERM_MAX) {
            continue;
        }

        if (ngx_http_resources_posting(rq, kind, folded, (size_t) flen,
                                       &any[n])
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (any[n].n) {
            cap += any[n].n;
            n++;
        }
    }

    p = &rq->lists[rq->nlists++];
    p->scored = 0;

    if (n == 0) {
        p->n = 0;
        rq->empty = 1;

    } else if (n == 1) {
        *p = any[0];

        if (kind == RESOURCES_KIND_TYPE && nvalues == 1
            && rq->view == RESOURCES_VIEW_PUBLIC)
        {
            rq->bits[rq->nlists - 1] = resources_snapshot_bitmap(s, kind,
                                                              folded,
                                                              (size_t) flen);

            if (ngx_http_resources_table(rq, kind, folded, (size_t) flen)
                != NGX_OK)
            {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }
        }

    } else {
        res = ngx_http_resources_alloc(rq, (cap + 1) * 2 * sizeof(uint32_t));
        if (res == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        p->n = resources_union(any, n, res, res + cap + 1);
        p->data = (u_char *) res;
    }

    return NGX_OK;
}


/*
 * Steps 1 and 2: the query string, then a posting per filter (rq->lists,
 * and rq->bits for the frequent ones of the public view), q's words and
 * its last word's expansions.  NGX_OK, a 4xx (rq->message), or
 * NGX_HTTP_INTERNAL_SERVER_ERROR.
 */

ngx_int_t
ngx_http_resources_filters(ngx_http_resources_req_t *rq)
{
    u_char                *folded, *buf, *key;
    size_t                 i, room;
    ngx_int_t              rc;
    ssize_t                flen;
    resources_posting_t   *p;
    resources_snapshot_t  *s;

    s = rq->s;

    rc = ngx_http_resources_args(rq, RESOURCES_QUERY_LIST, &folded);
    if (rc != NGX_OK) {
        return rc;
    }

    /* keywords: all of them */

    for (i = 0; i < rq->q.nkw; i++) {
        flen = ngx_http_resources_fold(rq, &rq->q.kw[i], &folded);

        if (flen == RESOURCES_TEXT_TOO_LONG && folded == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        p = &rq->lists[rq->nlists++];

        if (flen > 0 && flen <= RESOURCES_TERM_MAX
            && (s->header.flags & RESOURCES_HEADER_LIGHT))
        {
            /* keyed by its words stemmed: its variants too (0.7) */

            key = ngx_pnalloc(rq->r->pool, flen);
            if (key == NULL) {
                return NGX_HTTP_INTERNAL_SERVER_ERROR;
            }

            flen = resources_keyword_key(folded, (size_t) flen, key,
                                         (size_t) flen);
            folded = key;
        }

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

    /* types: any of them; series: any of them */

    if (rq->q.ntype) {
        rc = ngx_http_resources_any_of(rq, RESOURCES_KIND_TYPE, rq->q.type,
                                       rq->q.ntype);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    if (rq->q.nseries) {
        rc = ngx_http_resources_any_of(rq, RESOURCES_KIND_SERIES,
                                       rq->q.series, rq->q.nseries);
        if (rc != NGX_OK) {
            return rc;
        }
    }

    /* q: every word that is not a stop word */

    rq->top = (rq->view == RESOURCES_VIEW_PUBLIC
               && (rq->q.sort == RESOURCES_SORT_DEFAULT
                   || rq->q.sort == RESOURCES_SORT_RELEVANCE)
               && rq->q.facets == 0);

    if (rq->q.q.len) {
        rq->qs = ngx_palloc(rq->r->pool, sizeof(resources_q_t));
        room = RESOURCES_Q_ROOM(rq->q.q.len);
        buf = ngx_pnalloc(rq->r->pool, room);
        if (rq->qs == NULL || buf == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (resources_q_parse(rq->q.q.data, rq->q.q.len, buf, room,
                              (rq->s->header.flags & RESOURCES_HEADER_LIGHT)
                              ? RESOURCES_STEM_LIGHT : RESOURCES_STEM_PLURALS,
                              rq->qs)
            != 0)
        {
            return ngx_http_resources_fail(rq, NGX_HTTP_BAD_REQUEST,
                                            "\"q\" cannot be read as text");
        }

        /*
         * OR groups: relevance from the lists only (an exclusion is a
         * filter of the bitmaps' too: ngx_http_resources_top())
         */

        if (rq->qs->any) {
            rq->top = 0;
        }

        if (ngx_http_resources_q(rq, rq->qs) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    return NGX_OK;
}
