/*
 * Copyright (C) ngx_http_resources authors
 *
 * ngx_http_resources_module: a resource catalogue served from an LMDB
 * snapshot, inside nginx's workers.
 *
 *   ngx_http_resources_module.c    directives, configuration, variables,
 *                                  worker start and exit
 *   ngx_http_resources_store.c     the snapshots a worker serves: opening,
 *                                  noticing a new file, swapping, lifetimes
 *   ngx_http_resources_handler.c   the entry point and its routes: lookups,
 *                                  _meta, _keywords, _types, CORS
 *   ngx_http_resources_reply.c     the work area, the body, replies, errors
 *   ngx_http_resources_list.c      the list, as docs/design.md's steps: the
 *                                  strategies, the order, the page
 *   ngx_http_resources_filters.c   kw, type and q as postings (prefixes)
 *   ngx_http_resources_bitmaps.c   answers from bitmaps, relevance by levels
 *   ngx_http_resources_result.c    a result's forms (docnos, bitmap), orders
 *   ngx_http_resources_facets.c    facets
 *   ngx_http_resources_feed.c      the Atom feed
 *   ngx_http_resources_html.c      format=html: fragments for SSI, the
 *                                  Link header of lists
 *   ngx_http_resources_status.c    resources_status: counters summed over
 *                                  workers in a shared zone, the snapshot
 *                                  each worker serves, searches that found
 *                                  nothing
 *   ngx_http_resources_gzip.c      resources_gzip: lists as gzip streams
 *                                  made of the loader's pieces
 *   ngx_http_resources_highlight.c highlight=, crop=: the words to mark,
 *                                  the title and summary of the page's
 *                                  records highlighted (JSON, HTML)
 *
 * Request state lives in ngx_http_resources_req_t (the request's pool),
 * never in the configuration; the snapshot is read through
 * src/resources_snapshot.h only (no LMDB cursor in these files).
 *
 * Lifetimes: a snapshot (ngx_http_resources_snap_t) lives in a pool of its
 * own and is reference-counted: its db holds one reference while it is the
 * current one, and every request that uses it holds one until the request's
 * pool is destroyed (a pool cleanup), so that a swap never unmaps memory
 * that a response in flight still points into.  The store is opened in
 * init_process, in each worker, never in the master.
 */

#ifndef _NGX_HTTP_RESOURCES_MODULE_H_INCLUDED_
#define _NGX_HTTP_RESOURCES_MODULE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "resources_snapshot.h"
#include "resources_query.h"
#include "resources_html.h"
#include "resources_highlight.h"


#include "resources_version.h"


typedef struct ngx_http_resources_db_s  ngx_http_resources_db_t;
typedef struct ngx_http_resources_status_db_s
    ngx_http_resources_status_db_t;
typedef struct ngx_http_resources_status_sh_s
    ngx_http_resources_status_sh_t;


/* what resources_status shows, at most (ngx_http_resources_status.c) */

#define NGX_HTTP_RESOURCES_STATUS_DBS       16   /* files */
#define NGX_HTTP_RESOURCES_STATUS_WORKERS   128  /* workers of each */
#define NGX_HTTP_RESOURCES_STATUS_SEARCHES  256  /* searches counted */
#define NGX_HTTP_RESOURCES_STATUS_QLEN      128  /* bytes of a search */


/* the routes, as resources_status counts them */

#define NGX_HTTP_RESOURCES_ROUTE_LIST       0
#define NGX_HTTP_RESOURCES_ROUTE_LOOKUP     1
#define NGX_HTTP_RESOURCES_ROUTE_META       2
#define NGX_HTTP_RESOURCES_ROUTE_KEYWORDS   3
#define NGX_HTTP_RESOURCES_ROUTE_TYPES      4
#define NGX_HTTP_RESOURCES_ROUTE_FEED       5
#define NGX_HTTP_RESOURCES_ROUTE_PREFLIGHT  6
#define NGX_HTTP_RESOURCES_ROUTE_OTHER      7
#define NGX_HTTP_RESOURCES_ROUTES           8


/*
 * What a view shows of a snapshot: [0] a location without
 * resources_private (the public records' own version and the time they
 * last changed, so that a private record's edit shows nowhere there), [1]
 * a private one (the version and build time over everything)
 */

typedef struct {
    u_char                        version[RESOURCES_VERSION_LEN + 1];
    ngx_str_t                     etag;       /* "\"<version>\"" */
    ngx_str_t                     etag_gzip;  /* W/ and etag: compressed */
    time_t                        built;
} ngx_http_resources_view_t;


typedef struct {
    resources_snapshot_t          snap;
    ngx_pool_t                   *pool;
    ngx_uint_t                    refs;
    ngx_http_resources_db_t      *db;
    ngx_http_resources_view_t     view[2];    /* RESOURCES_VIEW_INDEX() */
} ngx_http_resources_snap_t;


/* one resources_db file; its worker state is set in init_process */

struct ngx_http_resources_db_s {
    ngx_str_t                     path;       /* full, NUL-terminated */
    ngx_msec_t                    interval;   /* smallest of its locations */

    /* per worker */
    ngx_http_resources_snap_t    *current;
    ngx_msec_t                    last_check;
    ngx_event_t                   timer;
    ngx_log_t                    *log;
    ngx_http_resources_status_db_t  *sh;      /* its status, or NULL */

    /* the last file that failed, not retried until it changes */
    unsigned                      failed:1;
    dev_t                         failed_dev;
    ino_t                         failed_ino;
    off_t                         failed_size;
    time_t                        failed_mtime;
    ngx_err_t                     failed_errno;
};


typedef struct {
    ngx_array_t                   dbs;        /* ngx_http_resources_db_t * */

    /* resources_status: its zone, when a location has it */
    ngx_flag_t                    status;
    ngx_shm_zone_t               *zone;
    ngx_slab_pool_t              *shpool;
    ngx_http_resources_status_sh_t  *sh;
} ngx_http_resources_main_conf_t;


typedef struct {
    ngx_flag_t                    enable;
    ngx_str_t                     db_path;
    ngx_http_resources_db_t      *db;
    ngx_flag_t                    private;
    ngx_uint_t                    default_limit;
    ngx_uint_t                    max_limit;
    ngx_uint_t                    facet_limit;
    ngx_msec_t                    check_interval;
    time_t                        retry_after;
    ngx_array_t                  *cors;       /* ngx_str_t; NULL: off */
    ngx_str_t                     feed_title;
    ngx_flag_t                    strict_args;
    ngx_flag_t                    gzip;       /* resources_gzip */
    ngx_flag_t                    status_searches;  /* or unset */
    ngx_str_t                     link;       /* resources_link, or empty */
    resources_html_conf_t         html;       /* links of the HTML, Atom */
    ngx_str_t                     prefix;     /* the location's name */
} ngx_http_resources_loc_conf_t;


typedef struct ngx_http_resources_req_s  ngx_http_resources_req_t;


/*
 * whether a resources location counts searches (resources_status_searches;
 * a status location shows them unless it is off)
 */

#define NGX_HTTP_RESOURCES_SEARCHES(rlcf)                                     \
    ((rlcf)->status_searches == NGX_CONF_UNSET ? !(rlcf)->private             \
                                               : (rlcf)->status_searches)


/* per request: what the variables and resources_status show */

typedef struct {
    ngx_http_resources_snap_t    *snap;
    ngx_http_resources_view_t    *view;       /* of snap, the location's */
    ngx_int_t                     total;      /* -1: not a list */
    ngx_http_resources_req_t     *rq;
    ngx_uint_t                    route;      /* NGX_HTTP_RESOURCES_ROUTE_ */
    uint64_t                      start;      /* microseconds, monotonic */
} ngx_http_resources_ctx_t;


extern ngx_module_t  ngx_http_resources_module;


ngx_int_t ngx_http_resources_handler(ngx_http_request_t *r);
void ngx_http_resources_work_done(void);

/*
 * The request path: what ngx_http_resources_*.c (but module.c and
 * store.c) share
 */

#define NGX_HTTP_RESOURCES_WORDS_MAX     RESOURCES_Q_WORDS_MAX /* of q */
#define NGX_HTTP_RESOURCES_PREFIX_MAX    64   /* expansions of q's last word */
#define NGX_HTTP_RESOURCES_DERIVED_MAX   128  /* words highlight= adds */
#define NGX_HTTP_RESOURCES_LISTS_MAX     RESOURCES_INTERSECT_MAX
#define NGX_HTTP_RESOURCES_YEARS         10000 /* 0000 .. 9999 */

#define NGX_HTTP_RESOURCES_DATE_LE       0    /* date <= v (0 counts as <=) */
#define NGX_HTTP_RESOURCES_DATE_LT       1    /* date < v */


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


/*
 * A word that highlight= marks (folded and stemmed; a prefix when flagged):
 * q's positive words now (ngx_http_resources_marks()); what else a word
 * of q should mark (its typos, word forms, synonyms) goes in the same array
 */

typedef resources_mark_t  ngx_http_resources_mark_t;


/*
 * The state of one request, from its pool (never in the configuration):
 * what the handler, the list's steps, the facets and the reply share
 */

struct ngx_http_resources_req_s {
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

    /* q as parsed (its syntax, its words, what was ignored), or NULL */
    resources_q_t                   *qs;

    /* q's exclusions: the docnos they hold, as entries in docno order */
    resources_posting_t              excluded;

    /*
     * the public bitmaps of the exclusions that are one word each, when
     * all are (a public location): the filter of relevance from bitmaps
     * is then made a word at a time (ngx_http_resources_top)
     */
    const u_char                    *excluded_bits[RESOURCES_Q_WORDS_MAX];
    ngx_uint_t                       nexcluded_bits;

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
    unsigned                         html:1;      /* the body is HTML */
    unsigned                         exclude:1;   /* excluded: a filter */
    unsigned                         failed:1;
    unsigned                         top:1;       /* relevance from bitmaps */

    /* highlight=: the words to mark; a record's texts highlighted here */
    ngx_http_resources_mark_t       *marks;
    ngx_uint_t                       nmarks;
    resources_str_t                 *derived;   /* words q found through
                                                   typos, forms, synonyms
                                                   (highlight= only) */
    ngx_uint_t                       nderived;
    u_char                          *hl_buf;
    size_t                           hl_room;

    /* format=html: a record's fragment is rendered here, then appended */
    u_char                          *html_buf;
    size_t                           html_room;

    /* the body being built */
    ngx_chain_t                     *out;
    ngx_chain_t                    **last;
    ngx_buf_t                       *b;
    off_t                            length;

    /* resources_gzip: the body as a gzip stream (ngx_http_resources_gzip.c) */
    ngx_chain_t                     *gz_link;     /* the run's first link */
    u_char                          *gz_at;       /* its kept bytes */
    size_t                           gz_head;     /* how many */
    uint64_t                         gz_size;     /* identity bytes */
    uint32_t                         gz_crc;
    unsigned                         gzip:1;
    unsigned                         gz_first:1;  /* the first run */
};


typedef struct {
    uint32_t                         id;
    uint32_t                         count;
    const u_char                    *value;      /* as published */
    size_t                           len;
} ngx_http_resources_facet_t;


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


/* a term's spelling as the location's view shows it */

static ngx_inline void
ngx_http_resources_spelling(ngx_http_resources_req_t *rq,
    const resources_term_info_t *t, const u_char **value, size_t *len)
{
    *value = rq->vi ? t->display_all : t->display;
    *len = rq->vi ? t->display_all_len : t->display_len;
}


/* bit d of a bitmap in the map (any alignment) */

static ngx_inline ngx_uint_t
ngx_http_resources_bit(const u_char *bits, uint32_t d)
{
    uint64_t  w;

    ngx_memcpy(&w, bits + (d / 64) * sizeof(uint64_t), sizeof(uint64_t));

    return (w >> (d % 64)) & 1;
}


/*
 * The body: room for size bytes at its end (the current buffer, or a new
 * one), and bytes appended; inline, as most appends are a few bytes
 */

u_char *ngx_http_resources_reserve_more(ngx_http_resources_req_t *rq,
    size_t size);


static ngx_inline u_char *
ngx_http_resources_reserve(ngx_http_resources_req_t *rq, size_t size)
{
    if (rq->b && (size_t) (rq->b->end - rq->b->last) >= size) {
        return rq->b->last;
    }

    return ngx_http_resources_reserve_more(rq, size);
}


static ngx_inline ngx_int_t
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


/* ngx_http_resources_reply.c */
void ngx_http_resources_work_reset(ngx_log_t *log);
void *ngx_http_resources_alloc(ngx_http_resources_req_t *rq, size_t size);
void *ngx_http_resources_calloc(ngx_http_resources_req_t *rq, size_t size);
void *ngx_http_resources_alloc_more(ngx_http_resources_req_t *rq, void *old,
    size_t old_size, size_t size);
ngx_int_t ngx_http_resources_append_string(ngx_http_resources_req_t *rq,
    const u_char *data, size_t len);
ngx_int_t ngx_http_resources_append_int(ngx_http_resources_req_t *rq,
    int64_t v);
ngx_int_t ngx_http_resources_append_ref(ngx_http_resources_req_t *rq,
    const u_char *data, size_t len);
ngx_int_t ngx_http_resources_send(ngx_http_resources_req_t *rq,
    ngx_http_resources_snap_t *snap);
ngx_int_t ngx_http_resources_error(ngx_http_request_t *r, ngx_uint_t status,
    const char *message);
ngx_int_t ngx_http_resources_send_buf(ngx_http_request_t *r, ngx_buf_t *b);
ngx_int_t ngx_http_resources_damaged(ngx_http_resources_req_t *rq,
    const char *what);

/* ngx_http_resources_handler.c */
ngx_int_t ngx_http_resources_args(ngx_http_resources_req_t *rq,
    unsigned route, u_char **buf);
ngx_int_t ngx_http_resources_cors(ngx_http_request_t *r,
    ngx_http_resources_loc_conf_t *rlcf);

/* ngx_http_resources_list.c */
ngx_int_t ngx_http_resources_list(ngx_http_resources_req_t *rq,
    ngx_uint_t atom);

/* ngx_http_resources_filters.c */
ngx_int_t ngx_http_resources_filters(ngx_http_resources_req_t *rq);
ngx_int_t ngx_http_resources_posting(ngx_http_resources_req_t *rq,
    u_char kind, const u_char *term, size_t len, resources_posting_t *p);
ngx_int_t ngx_http_resources_merge(ngx_http_resources_req_t *rq);
ssize_t ngx_http_resources_fold(ngx_http_resources_req_t *rq,
    resources_str_t *in, u_char **out);

/* ngx_http_resources_bitmaps.c */
ngx_int_t ngx_http_resources_bitmaps(ngx_http_resources_req_t *rq,
    uint32_t lo, uint32_t hi, size_t offset, size_t limit, uint32_t **res,
    uint32_t **score, size_t *total, size_t *page, uint64_t **bits);
ngx_int_t ngx_http_resources_top(ngx_http_resources_req_t *rq, uint32_t lo,
    uint32_t hi, size_t offset, size_t limit, size_t *total,
    uint32_t **page, size_t *m);

/* ngx_http_resources_result.c */
uint32_t ngx_http_resources_date_bound(resources_snapshot_t *s, uint32_t v,
    int op);
void ngx_http_resources_oldest(resources_snapshot_t *s, uint32_t *res,
    size_t n, uint32_t *out);
void ngx_http_resources_order_walk(resources_snapshot_t *s,
    const u_char *walk, const uint64_t *bits, size_t k, uint32_t *out);
void ngx_http_resources_order_walk_map(resources_snapshot_t *s,
    const u_char *walk, const u_char *bits, uint32_t lo, uint32_t hi,
    size_t k, uint32_t *out);
uint32_t *ngx_http_resources_bits_list(ngx_http_resources_req_t *rq,
    const uint64_t *bits, size_t n);
#define NGX_HTTP_RESOURCES_RERANK  20     /* the window proximity orders */

ngx_uint_t ngx_http_resources_rerank_wanted(ngx_http_resources_req_t *rq);
void ngx_http_resources_rerank(ngx_http_resources_req_t *rq, uint32_t *docs,
    const uint32_t *score, size_t n);
uint64_t *ngx_http_resources_result_bits(ngx_http_resources_req_t *rq,
    const uint32_t *res, size_t n);

/* ngx_http_resources_facets.c */
ngx_int_t ngx_http_resources_facet_out(ngx_http_resources_req_t *rq,
    u_char kind, ngx_http_resources_facet_t *f, size_t n, size_t limit);
ngx_int_t ngx_http_resources_items_out(ngx_http_resources_req_t *rq,
    const ngx_http_resources_facet_t *f, size_t n);
ngx_int_t ngx_http_resources_table(ngx_http_resources_req_t *rq, u_char kind,
    const u_char *folded, size_t len);
ngx_int_t ngx_http_resources_facets(ngx_http_resources_req_t *rq,
    uint32_t *res, size_t n, uint64_t *bits, uint32_t lo, uint32_t hi,
    size_t limit);

/* ngx_http_resources_html.c */
ngx_int_t ngx_http_resources_html_list(ngx_http_resources_req_t *rq,
    uint32_t *page, size_t m, size_t total, size_t offset, size_t limit);
ngx_int_t ngx_http_resources_html_article(ngx_http_resources_req_t *rq,
    const u_char *full, size_t len);
ngx_buf_t *ngx_http_resources_html_error(ngx_http_request_t *r,
    const char *message);
ngx_int_t ngx_http_resources_link_header(ngx_http_resources_req_t *rq,
    size_t total, size_t offset, size_t limit);
ngx_uint_t ngx_http_resources_wants_html(ngx_http_request_t *r);

/* ngx_http_resources_gzip.c */
ngx_int_t ngx_http_resources_gzip_start(ngx_http_resources_req_t *rq,
    size_t npage);
ngx_int_t ngx_http_resources_gzip_record(ngx_http_resources_req_t *rq,
    const resources_record_t *rec);
ngx_int_t ngx_http_resources_gzip_finish(ngx_http_resources_req_t *rq);

/* ngx_http_resources_highlight.c */
ngx_int_t ngx_http_resources_marks(ngx_http_resources_req_t *rq);
ngx_int_t ngx_http_resources_derived(ngx_http_resources_req_t *rq,
    const u_char *word, size_t len);
ngx_int_t ngx_http_resources_highlight(ngx_http_resources_req_t *rq,
    const u_char *list, size_t len, resources_html_marked_t *hl);
ngx_int_t ngx_http_resources_highlight_json(ngx_http_resources_req_t *rq,
    const u_char *list, size_t len);

/* ngx_http_resources_feed.c */
ngx_int_t ngx_http_resources_feed(ngx_http_resources_req_t *rq,
    uint32_t *page, size_t m);


/* ngx_http_resources_status.c */
ngx_int_t ngx_http_resources_status_add_zone(ngx_conf_t *cf);
ngx_int_t ngx_http_resources_status_handler(ngx_http_request_t *r);
void ngx_http_resources_status_start(ngx_http_resources_ctx_t *ctx);
void ngx_http_resources_status_count(ngx_http_request_t *r,
    ngx_http_resources_ctx_t *ctx, ngx_int_t rc);
void ngx_http_resources_status_claim(ngx_http_resources_db_t *db);
void ngx_http_resources_status_serving(ngx_http_resources_db_t *db,
    ngx_uint_t swap);
void ngx_http_resources_status_refused(ngx_http_resources_db_t *db);
void ngx_http_resources_status_exit(ngx_http_resources_db_t *db);


ngx_int_t ngx_http_resources_db_init(ngx_http_resources_db_t *db,
    ngx_cycle_t *cycle);
void ngx_http_resources_db_done(ngx_http_resources_db_t *db);
ngx_http_resources_snap_t *ngx_http_resources_db_get(
    ngx_http_resources_db_t *db, ngx_http_request_t *r);


#endif /* _NGX_HTTP_RESOURCES_MODULE_H_INCLUDED_ */
