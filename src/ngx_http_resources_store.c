/*
 * Copyright (C) ngx_http_resources authors
 *
 * The snapshots a worker serves.  A db looks at its file at most once per
 * check interval: from the request path (a comparison of ngx_current_msec,
 * then a stat() when due) and from a timer, so that an idle worker lets go
 * of an old file too.  A new file (another inode) is opened first; only
 * when it opened and passed its checks does it replace the current one.  A
 * file that fails is logged once and not retried until it changes.
 */


#include "ngx_http_resources_module.h"


static void ngx_http_resources_db_check(ngx_http_resources_db_t *db);
static void ngx_http_resources_timer_handler(ngx_event_t *ev);
static void ngx_http_resources_snap_release(void *data);


ngx_int_t
ngx_http_resources_db_init(ngx_http_resources_db_t *db, ngx_cycle_t *cycle)
{
    db->log = cycle->log;
    db->current = NULL;
    db->failed = 0;

    db->timer.handler = ngx_http_resources_timer_handler;
    db->timer.data = db;
    db->timer.log = cycle->log;
    db->timer.cancelable = 1;

    ngx_http_resources_db_check(db);

    ngx_http_resources_status_claim(db);

    ngx_add_timer(&db->timer, db->interval);

    return NGX_OK;
}


void
ngx_http_resources_db_done(ngx_http_resources_db_t *db)
{
    ngx_http_resources_snap_t  *snap;

    if (db->timer.timer_set) {
        ngx_del_timer(&db->timer);
    }

    snap = db->current;
    db->current = NULL;

    if (snap) {
        ngx_http_resources_snap_release(snap);
    }
}


static void
ngx_http_resources_timer_handler(ngx_event_t *ev)
{
    ngx_http_resources_db_t  *db = ev->data;

    if (ngx_exiting || ngx_quit || ngx_terminate) {
        return;
    }

    db->last_check = ngx_current_msec - db->interval;

    ngx_http_resources_db_check(db);

    ngx_add_timer(&db->timer, db->interval);
}


static void
ngx_http_resources_snap_release(void *data)
{
    ngx_http_resources_snap_t  *snap = data;

    if (--snap->refs > 0) {
        return;
    }

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, snap->db->log, 0,
                   "resources: closing version %s of \"%s\"",
                   snap->snap.version, snap->db->path.data);

    resources_snapshot_close(&snap->snap);
    ngx_destroy_pool(snap->pool);
}


/*
 * The version, ETag and build time each view shows: the public view's
 * from the header's public fields (an older loader's snapshot has none:
 * the public view then shows those over everything, as it always did)
 */

static ngx_int_t
ngx_http_resources_snap_views(ngx_http_resources_snap_t *snap)
{
    ngx_uint_t                  i;
    resources_header_t         *h;
    ngx_http_resources_view_t  *v;

    h = &snap->snap.header;

    for (i = 0; i < 2; i++) {
        v = &snap->view[i];

        if (i == 0 && (h->flags & RESOURCES_HEADER_PUBLIC)) {
            ngx_sprintf(v->version, "%016uxL%Z", h->public_hash);
            v->built = (time_t) h->public_built;

        } else {
            ngx_memcpy(v->version, snap->snap.version,
                       RESOURCES_VERSION_LEN + 1);
            v->built = (time_t) h->built;
        }

        /* W/"<version>": the compressed answer's, as nginx's gzip has it */

        v->etag_gzip.len = RESOURCES_VERSION_LEN + 4;
        v->etag_gzip.data = ngx_pnalloc(snap->pool, v->etag_gzip.len);
        if (v->etag_gzip.data == NULL) {
            return NGX_ERROR;
        }

        ngx_sprintf(v->etag_gzip.data, "W/\"%s\"", v->version);

        v->etag.len = RESOURCES_VERSION_LEN + 2;
        v->etag.data = v->etag_gzip.data + 2;
    }

    return NGX_OK;
}


static ngx_http_resources_snap_t *
ngx_http_resources_snap_open(ngx_http_resources_db_t *db, char *err,
    size_t errlen)
{
    ngx_pool_t                 *pool;
    ngx_http_resources_snap_t  *snap;

    pool = ngx_create_pool(1024, db->log);
    if (pool == NULL) {
        ngx_cpystrn((u_char *) err, (u_char *) "out of memory", errlen);
        return NULL;
    }

    snap = ngx_pcalloc(pool, sizeof(ngx_http_resources_snap_t));
    if (snap == NULL) {
        ngx_cpystrn((u_char *) err, (u_char *) "out of memory", errlen);
        ngx_destroy_pool(pool);
        return NULL;
    }

    if (resources_snapshot_open(&snap->snap, (char *) db->path.data, err,
                                errlen)
        != 0)
    {
        ngx_destroy_pool(pool);
        return NULL;
    }

    snap->pool = pool;
    snap->db = db;
    snap->refs = 1;

    if (ngx_http_resources_snap_views(snap) != NGX_OK) {
        resources_snapshot_close(&snap->snap);
        ngx_destroy_pool(pool);
        ngx_cpystrn((u_char *) err, (u_char *) "out of memory", errlen);
        return NULL;
    }

    return snap;
}


static void
ngx_http_resources_db_check(ngx_http_resources_db_t *db)
{
    char                        err[256];
    ngx_uint_t                  level;
    ngx_file_info_t             fi;
    ngx_http_resources_snap_t  *snap, *old;

    db->last_check = ngx_current_msec;

    if (ngx_file_info(db->path.data, &fi) == NGX_FILE_ERROR) {

        if (!db->failed || db->failed_errno != ngx_errno
            || db->failed_ino != 0)
        {
            level = db->current ? NGX_LOG_WARN : NGX_LOG_ERR;

            ngx_log_error(level, db->log, ngx_errno,
                          "resources: cannot stat \"%s\"%s", db->path.data,
                          db->current ? ", still serving the catalogue"
                                        " opened before" : "");
            db->failed = 1;
            db->failed_errno = ngx_errno;
            db->failed_ino = 0;
        }

        return;
    }

    if (db->current
        && db->current->snap.dev == fi.st_dev
        && db->current->snap.ino == fi.st_ino)
    {
        return;
    }

    if (db->failed
        && db->failed_dev == fi.st_dev && db->failed_ino == fi.st_ino
        && db->failed_size == fi.st_size
        && db->failed_mtime == fi.st_mtime)
    {
        return;
    }

    snap = ngx_http_resources_snap_open(db, err, sizeof(err));

    if (snap == NULL) {
        ngx_log_error(NGX_LOG_ERR, db->log, 0,
                      "resources: cannot open \"%s\": %s%s",
                      db->path.data, err,
                      db->current ? ", still serving the catalogue opened"
                                    " before" : "");
        db->failed = 1;
        db->failed_errno = 0;
        db->failed_dev = fi.st_dev;
        db->failed_ino = fi.st_ino;
        db->failed_size = fi.st_size;
        db->failed_mtime = fi.st_mtime;

        ngx_http_resources_status_refused(db);
        return;
    }

    db->failed = 0;

    ngx_log_error(NGX_LOG_NOTICE, db->log, 0,
                  "resources: serving \"%s\" version %s, %uD resources"
                  " (%uD public)", db->path.data, snap->snap.version,
                  snap->snap.header.ndocs, snap->snap.header.npublic);

    old = db->current;
    db->current = snap;

    ngx_http_resources_status_serving(db, old != NULL);

    if (old) {
        ngx_http_resources_snap_release(old);
    }
}


/*
 * The snapshot a request uses, with a reference that the request's pool
 * gives back; NULL when there is none to serve (or no memory).
 */

ngx_http_resources_snap_t *
ngx_http_resources_db_get(ngx_http_resources_db_t *db, ngx_http_request_t *r)
{
    ngx_pool_cleanup_t         *cln;
    ngx_http_resources_snap_t  *snap;

    if (ngx_current_msec - db->last_check >= db->interval) {
        ngx_http_resources_db_check(db);
    }

    snap = db->current;

    if (snap == NULL) {
        return NULL;
    }

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    cln->handler = ngx_http_resources_snap_release;
    cln->data = snap;
    snap->refs++;

    return snap;
}
