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
 *   ngx_http_resources_handler.c   the HTTP API: routes, queries, answers
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


#include "resources_version.h"


typedef struct ngx_http_resources_db_s  ngx_http_resources_db_t;


/*
 * What a view shows of a snapshot: [0] a location without
 * resources_private (the public records' own version and the time they
 * last changed, so that a private record's edit shows nowhere there), [1]
 * a private one (the version and build time over everything)
 */

typedef struct {
    u_char                        version[RESOURCES_VERSION_LEN + 1];
    ngx_str_t                     etag;       /* "\"<version>\"" */
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
    ngx_str_t                     prefix;     /* the location's name */
} ngx_http_resources_loc_conf_t;


/* per request: what the variables show */

typedef struct {
    ngx_http_resources_snap_t    *snap;
    ngx_http_resources_view_t    *view;       /* of snap, the location's */
    ngx_int_t                     total;      /* -1: not a list */
} ngx_http_resources_ctx_t;


extern ngx_module_t  ngx_http_resources_module;


ngx_int_t ngx_http_resources_handler(ngx_http_request_t *r);
void ngx_http_resources_work_done(void);

ngx_int_t ngx_http_resources_db_init(ngx_http_resources_db_t *db,
    ngx_cycle_t *cycle);
void ngx_http_resources_db_done(ngx_http_resources_db_t *db);
ngx_http_resources_snap_t *ngx_http_resources_db_get(
    ngx_http_resources_db_t *db, ngx_http_request_t *r);


#endif /* _NGX_HTTP_RESOURCES_MODULE_H_INCLUDED_ */
