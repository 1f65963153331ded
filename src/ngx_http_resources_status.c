/*
 * Copyright (C) ngx_http_resources authors
 *
 * What operators watch: a location with "resources_status;" answers, in
 * Prometheus' text format (or JSON with ?format=json), counters summed over
 * all workers, the snapshot each worker serves, and the searches that
 * found nothing.
 *
 * The counters live in one shared memory zone, "resources_status", that
 * the module adds itself when some location has resources_status (none
 * otherwise: a configuration without it pays nothing).  Its size is fixed
 * by the layout below (ngx_http_resources_status_sh_t and 8 pages: 272 KB
 * on x86-64); it cannot fill up:
 *   - request counters are lock-free atomic adds into fixed arrays (route
 *     by status code 100..599, duration buckets);
 *   - each resources_db file has an entry, found by its path, with a slot
 *     per worker (ngx_worker); the first NGX_HTTP_RESOURCES_STATUS_DBS
 *     files and NGX_HTTP_RESOURCES_STATUS_WORKERS workers are shown, the
 *     others are counted in the totals only (a [warn] says so at start);
 *   - the searches that found nothing are kept by the Space-Saving
 *     algorithm (Metwally, Agrawal, El Abbadi, 2005) in
 *     NGX_HTTP_RESOURCES_STATUS_SEARCHES counters, under the zone's mutex:
 *     when they are all taken, a new search replaces the least counted
 *     one and inherits its count as its possible error, so that any search
 *     more frequent than 1/NGX_HTTP_RESOURCES_STATUS_SEARCHES of them all
 *     is always there, with a count at most "error" too high.
 *
 * The zone survives a reload when its size does not change (counters are
 * not reset).  Entries of files no longer configured are kept, unused.
 *
 * Privacy: the status shows what a public location would show of a
 * snapshot (the public view's version, resources and build time) and
 * nothing of private records, whatever location it is in; the searches
 * are the visitors' own words (docs/operations.md: keep it internal).
 */


#include "ngx_http_resources_module.h"
#include "resources_text.h"


#define NGX_HTTP_RESOURCES_STATUS_FIRST    100  /* status codes counted */
#define NGX_HTTP_RESOURCES_STATUS_CODES    500  /* 100 .. 599 */
#define NGX_HTTP_RESOURCES_STATUS_BUCKETS  13   /* the last one: +Inf */
#define NGX_HTTP_RESOURCES_STATUS_SHOWN    50   /* searches shown */
#define NGX_HTTP_RESOURCES_STATUS_PATH     256


static ngx_str_t  ngx_http_resources_status_routes[] = {
    ngx_string("list"),
    ngx_string("lookup"),
    ngx_string("meta"),
    ngx_string("keywords"),
    ngx_string("types"),
    ngx_string("feed"),
    ngx_string("preflight"),
    ngx_string("other")
};


/* the upper bounds of the duration buckets, microseconds and as shown */

static ngx_uint_t  ngx_http_resources_status_bounds[] = {
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
    1000000
};

static ngx_str_t  ngx_http_resources_status_le[] = {
    ngx_string("0.0001"), ngx_string("0.00025"), ngx_string("0.0005"),
    ngx_string("0.001"), ngx_string("0.0025"), ngx_string("0.005"),
    ngx_string("0.01"), ngx_string("0.025"), ngx_string("0.05"),
    ngx_string("0.1"), ngx_string("0.25"), ngx_string("1"),
    ngx_string("+Inf")
};


/*
 * What a worker serves of a db, written by that worker only, read by
 * any: seq is odd while it writes (a reader retries)
 */

typedef struct {
    ngx_atomic_t                    seq;
    ngx_atomic_t                    pid;        /* 0: no worker */
    dev_t                           dev;
    ino_t                           ino;
    time_t                          built;      /* the public view's */
    uint32_t                        resources;  /* public */
    u_char                          version[RESOURCES_VERSION_LEN + 1];
} ngx_http_resources_status_worker_t;


struct ngx_http_resources_status_db_s {
    size_t                          len;        /* of path; 0: free */
    u_char                          path[NGX_HTTP_RESOURCES_STATUS_PATH];
    ngx_atomic_t                    swaps;
    ngx_atomic_t                    refused;
    ngx_http_resources_status_worker_t
                          worker[NGX_HTTP_RESOURCES_STATUS_WORKERS];
};


typedef struct {
    uint32_t                        hash;       /* of key */
    u_char                          klen;
    u_char                          qlen;
    u_char                          key[NGX_HTTP_RESOURCES_STATUS_QLEN];
    u_char                          q[NGX_HTTP_RESOURCES_STATUS_QLEN];
    uint64_t                        count;
    uint64_t                        error;
} ngx_http_resources_status_search_t;


struct ngx_http_resources_status_sh_s {
    ngx_atomic_t                    requests[NGX_HTTP_RESOURCES_ROUTES]
                                            [NGX_HTTP_RESOURCES_STATUS_CODES];
    ngx_atomic_t                    buckets[NGX_HTTP_RESOURCES_ROUTES]
                                           [NGX_HTTP_RESOURCES_STATUS_BUCKETS];
    ngx_atomic_t                    usec[NGX_HTTP_RESOURCES_ROUTES];
    ngx_atomic_t                    zero_results;

    ngx_http_resources_status_db_t  db[NGX_HTTP_RESOURCES_STATUS_DBS];

    ngx_uint_t                      nsearches;
    uint64_t                        searched;   /* all, counted */
    ngx_http_resources_status_search_t
                          search[NGX_HTTP_RESOURCES_STATUS_SEARCHES];
};


static ngx_int_t ngx_http_resources_status_init_zone(ngx_shm_zone_t *zone,
    void *data);
static void ngx_http_resources_status_search(ngx_http_request_t *r,
    ngx_http_resources_main_conf_t *rmcf, resources_str_t *q);
static ngx_int_t ngx_http_resources_status_prometheus(ngx_http_request_t *r,
    ngx_http_resources_main_conf_t *rmcf, ngx_buf_t *b);
static ngx_int_t ngx_http_resources_status_json(ngx_http_request_t *r,
    ngx_http_resources_main_conf_t *rmcf, ngx_flag_t searches,
    ngx_buf_t *b);


/* postconfiguration: the zone, when some location shows it */

ngx_int_t
ngx_http_resources_status_add_zone(ngx_conf_t *cf)
{
    size_t                           size;
    ngx_str_t                        name;
    ngx_shm_zone_t                  *zone;
    ngx_http_resources_main_conf_t  *rmcf;

    rmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_resources_module);

    if (!rmcf->status) {
        return NGX_OK;
    }

    ngx_str_set(&name, "resources_status");

    size = ngx_align(sizeof(ngx_http_resources_status_sh_t)
                     + 8 * ngx_pagesize, ngx_pagesize);

    zone = ngx_shared_memory_add(cf, &name, size, &ngx_http_resources_module);
    if (zone == NULL) {
        return NGX_ERROR;
    }

    if (zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "the shared memory zone \"resources_status\" is"
                           " used by another module");
        return NGX_ERROR;
    }

    zone->init = ngx_http_resources_status_init_zone;
    zone->data = rmcf;
    rmcf->zone = zone;

    return NGX_OK;
}


/*
 * In the master, at start and at each reload: the layout (or the previous
 * cycle's, kept), then an entry per db of this configuration, by its path
 */

static ngx_int_t
ngx_http_resources_status_init_zone(ngx_shm_zone_t *zone, void *data)
{
    ngx_http_resources_main_conf_t  *rmcf = zone->data;
    ngx_http_resources_main_conf_t  *old = data;

    size_t                            len;
    ngx_uint_t                        i, k;
    ngx_slab_pool_t                  *shpool;
    ngx_http_resources_db_t         **dbp;
    ngx_http_resources_status_db_t   *e;
    ngx_http_resources_status_sh_t   *sh;

    shpool = (ngx_slab_pool_t *) zone->shm.addr;

    if (old) {
        sh = old->sh;

    } else if (zone->shm.exists) {
        sh = shpool->data;

    } else {
        sh = ngx_slab_calloc(shpool, sizeof(ngx_http_resources_status_sh_t));
        if (sh == NULL) {
            return NGX_ERROR;
        }

        shpool->data = sh;
    }

    rmcf->sh = sh;
    rmcf->shpool = shpool;

    dbp = rmcf->dbs.elts;

    for (i = 0; i < rmcf->dbs.nelts; i++) {
        len = dbp[i]->path.len;
        dbp[i]->sh = NULL;

        if (len > NGX_HTTP_RESOURCES_STATUS_PATH) {
            ngx_log_error(NGX_LOG_WARN, zone->shm.log, 0,
                          "resources_status: \"%V\" is not shown: its path"
                          " is longer than %d bytes", &dbp[i]->path,
                          NGX_HTTP_RESOURCES_STATUS_PATH);
            continue;
        }

        for (k = 0; k < NGX_HTTP_RESOURCES_STATUS_DBS; k++) {
            e = &sh->db[k];

            if (e->len == 0) {
                ngx_memcpy(e->path, dbp[i]->path.data, len);
                e->len = len;
                break;
            }

            if (e->len == len && ngx_memcmp(e->path, dbp[i]->path.data, len)
                                 == 0)
            {
                break;
            }
        }

        if (k == NGX_HTTP_RESOURCES_STATUS_DBS) {
            ngx_log_error(NGX_LOG_WARN, zone->shm.log, 0,
                          "resources_status: \"%V\" is not shown: the status"
                          " shows %d catalogue files at most",
                          &dbp[i]->path, NGX_HTTP_RESOURCES_STATUS_DBS);
            continue;
        }

        dbp[i]->sh = &sh->db[k];
    }

    return NGX_OK;
}


/* the worker's slot of a db, or NULL */

static ngx_http_resources_status_worker_t *
ngx_http_resources_status_slot(ngx_http_resources_db_t *db)
{
    if (db->sh == NULL || ngx_worker >= NGX_HTTP_RESOURCES_STATUS_WORKERS) {
        return NULL;
    }

    return &db->sh->worker[ngx_worker];
}


/*
 * A slot is written under its seq, odd while a writer holds it.  A
 * writer that died holding it (it cannot be interrupted otherwise) is
 * waited for a bounded time, then overridden.
 */

static ngx_atomic_uint_t
ngx_http_resources_status_lock(ngx_http_resources_status_worker_t *w)
{
    ngx_uint_t         tries;
    ngx_atomic_uint_t  seq;

    for (tries = 0; tries < 1000000; tries++) {
        seq = w->seq;

        if (!(seq & 1) && ngx_atomic_cmp_set(&w->seq, seq, seq + 1)) {
            return seq + 1;
        }

        ngx_cpu_pause();
    }

    seq = (w->seq | 1);
    w->seq = seq;
    ngx_memory_barrier();

    return seq;
}


static void
ngx_http_resources_status_unlock(ngx_http_resources_status_worker_t *w,
    ngx_atomic_uint_t seq)
{
    ngx_memory_barrier();
    w->seq = seq + 1;
}


/*
 * What the worker's db serves now: db->current, or nothing (NULL).  The
 * worker claims its slot at start (claim); afterwards it writes it only
 * while the slot is still its own, so that a worker of the previous cycle
 * that swaps before it is told to quit cannot take the slot back from its
 * successor.
 */

static void
ngx_http_resources_status_write(ngx_http_resources_db_t *db,
    ngx_uint_t claim)
{
    ngx_atomic_uint_t                    seq;
    ngx_http_resources_snap_t           *snap;
    ngx_http_resources_status_worker_t  *w;

    w = ngx_http_resources_status_slot(db);

    if (w == NULL) {
        return;
    }

    seq = ngx_http_resources_status_lock(w);

    if (!claim && w->pid != (ngx_atomic_uint_t) ngx_pid) {
        ngx_http_resources_status_unlock(w, seq);
        return;
    }

    snap = db->current;

    w->pid = ngx_pid;

    if (snap) {
        w->dev = snap->snap.dev;
        w->ino = snap->snap.ino;
        w->built = snap->view[0].built;
        w->resources = snap->snap.header.npublic;
        ngx_memcpy(w->version, snap->view[0].version,
                   RESOURCES_VERSION_LEN + 1);

    } else {
        w->dev = 0;
        w->ino = 0;
        w->built = 0;
        w->resources = 0;
        w->version[0] = '\0';
    }

    ngx_http_resources_status_unlock(w, seq);
}


/* at a worker's start, once its db was first checked */

void
ngx_http_resources_status_claim(ngx_http_resources_db_t *db)
{
    if (db->sh) {
        ngx_http_resources_status_write(db, 1);
    }
}


/* the worker's db serves a new snapshot: a swap, when it replaced one */

void
ngx_http_resources_status_serving(ngx_http_resources_db_t *db,
    ngx_uint_t swap)
{
    if (db->sh == NULL) {
        return;
    }

    if (swap) {
        (void) ngx_atomic_fetch_add(&db->sh->swaps, 1);
    }

    ngx_http_resources_status_write(db, 0);
}


void
ngx_http_resources_status_refused(ngx_http_resources_db_t *db)
{
    if (db->sh) {
        (void) ngx_atomic_fetch_add(&db->sh->refused, 1);
    }
}


/* at a worker's exit: its slot is free (a worker that died keeps it) */

void
ngx_http_resources_status_exit(ngx_http_resources_db_t *db)
{
    ngx_atomic_uint_t                    seq;
    ngx_http_resources_status_worker_t  *w;

    w = ngx_http_resources_status_slot(db);

    if (w == NULL) {
        return;
    }

    seq = ngx_http_resources_status_lock(w);

    if (w->pid == (ngx_atomic_uint_t) ngx_pid) {
        w->pid = 0;
    }

    ngx_http_resources_status_unlock(w, seq);
}


/* the module's time for a request, in microseconds since start */

void
ngx_http_resources_status_start(ngx_http_resources_ctx_t *ctx)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    ctx->start = (uint64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}


/*
 * A request of a resources location has been answered (rc: what its
 * handler returns to nginx): counted by route and status, its time, and a
 * list that found nothing
 */

void
ngx_http_resources_status_count(ngx_http_request_t *r,
    ngx_http_resources_ctx_t *ctx, ngx_int_t rc)
{
    uint64_t                          now, usec;
    ngx_uint_t                        status, b;
    struct timespec                   ts;
    ngx_http_resources_req_t         *rq;
    ngx_http_resources_status_sh_t   *sh;
    ngx_http_resources_loc_conf_t    *rlcf;
    ngx_http_resources_main_conf_t   *rmcf;

    rmcf = ngx_http_get_module_main_conf(r, ngx_http_resources_module);
    sh = rmcf->sh;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    now = (uint64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    usec = now > ctx->start ? now - ctx->start : 0;

    if (r->header_sent) {
        status = r->headers_out.status;

    } else if (rc >= NGX_HTTP_RESOURCES_STATUS_FIRST
               && rc < NGX_HTTP_RESOURCES_STATUS_FIRST
                       + NGX_HTTP_RESOURCES_STATUS_CODES)
    {
        status = rc;

    } else {
        status = NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (status >= NGX_HTTP_RESOURCES_STATUS_FIRST
        && status < NGX_HTTP_RESOURCES_STATUS_FIRST
                    + NGX_HTTP_RESOURCES_STATUS_CODES)
    {
        (void) ngx_atomic_fetch_add(
                  &sh->requests[ctx->route]
                               [status - NGX_HTTP_RESOURCES_STATUS_FIRST], 1);
    }

    for (b = 0; b < NGX_HTTP_RESOURCES_STATUS_BUCKETS - 1; b++) {
        if (usec <= ngx_http_resources_status_bounds[b]) {
            break;
        }
    }

    (void) ngx_atomic_fetch_add(&sh->buckets[ctx->route][b], 1);
    (void) ngx_atomic_fetch_add(&sh->usec[ctx->route], usec);

    /* a list that found nothing, searched or filtered */

    rq = ctx->rq;

    if ((ctx->route != NGX_HTTP_RESOURCES_ROUTE_LIST
         && ctx->route != NGX_HTTP_RESOURCES_ROUTE_FEED)
        || rq == NULL || ctx->total != 0
        || (status != NGX_HTTP_OK && status != NGX_HTTP_NOT_MODIFIED))
    {
        return;
    }

    if (rq->q.q.len == 0 && rq->q.nkw == 0 && rq->q.ntype == 0
        && rq->q.nseries == 0 && rq->q.from == 0 && rq->q.to == 0)
    {
        return;
    }

    (void) ngx_atomic_fetch_add(&sh->zero_results, 1);

    rlcf = ngx_http_get_module_loc_conf(r, ngx_http_resources_module);

    if (rq->q.q.len && NGX_HTTP_RESOURCES_SEARCHES(rlcf)) {
        ngx_http_resources_status_search(r, rmcf, &rq->q.q);
    }
}


/* n bytes of s at most, cut at a character boundary (s is valid UTF-8) */

static size_t
ngx_http_resources_status_cut(const u_char *s, size_t len, size_t n)
{
    if (len <= n) {
        return len;
    }

    while (n > 0 && (s[n] & 0xc0) == 0x80) {
        n--;
    }

    return n;
}


/* Space-Saving: the search's counter, or the least counted one's */

static void
ngx_http_resources_status_search(ngx_http_request_t *r,
    ngx_http_resources_main_conf_t *rmcf, resources_str_t *q)
{
    u_char                               *key;
    size_t                                klen, qlen, cap;
    ssize_t                               n;
    uint32_t                              hash;
    ngx_uint_t                            i, min;
    ngx_http_resources_status_sh_t       *sh;
    ngx_http_resources_status_search_t   *e;

    /* the folded form is the key: "Économie" and "economie" are one */

    cap = q->len * RESOURCES_FOLD_RATIO + 16;

    key = ngx_pnalloc(r->pool, cap);
    if (key == NULL) {
        return;
    }

    n = resources_fold(q->data, q->len, key, cap);
    if (n <= 0) {
        return;
    }

    klen = ngx_http_resources_status_cut(key, n,
                                         NGX_HTTP_RESOURCES_STATUS_QLEN);
    qlen = ngx_http_resources_status_cut(q->data, q->len,
                                         NGX_HTTP_RESOURCES_STATUS_QLEN);
    hash = ngx_crc32_short(key, klen);

    sh = rmcf->sh;

    ngx_shmtx_lock(&rmcf->shpool->mutex);

    sh->searched++;

    for (i = 0; i < sh->nsearches; i++) {
        e = &sh->search[i];

        if (e->hash == hash && e->klen == klen
            && ngx_memcmp(e->key, key, klen) == 0)
        {
            e->count++;
            ngx_shmtx_unlock(&rmcf->shpool->mutex);
            return;
        }
    }

    if (sh->nsearches < NGX_HTTP_RESOURCES_STATUS_SEARCHES) {
        e = &sh->search[sh->nsearches++];
        e->count = 1;
        e->error = 0;

    } else {
        min = 0;

        for (i = 1; i < NGX_HTTP_RESOURCES_STATUS_SEARCHES; i++) {
            if (sh->search[i].count < sh->search[min].count) {
                min = i;
            }
        }

        e = &sh->search[min];
        e->error = e->count;
        e->count++;
    }

    e->hash = hash;
    e->klen = (u_char) klen;
    ngx_memcpy(e->key, key, klen);
    e->qlen = (u_char) qlen;
    ngx_memcpy(e->q, q->data, qlen);

    ngx_shmtx_unlock(&rmcf->shpool->mutex);
}


/* a consistent copy of a worker's slot */

static void
ngx_http_resources_status_read(ngx_http_resources_status_worker_t *w,
    ngx_http_resources_status_worker_t *copy)
{
    ngx_uint_t         tries;
    ngx_atomic_uint_t  seq;

    for (tries = 0; tries < 1000; tries++) {
        seq = w->seq;
        ngx_memory_barrier();

        *copy = *w;

        ngx_memory_barrier();

        if (!(seq & 1) && seq == w->seq) {
            return;
        }

        ngx_cpu_pause();
    }

    copy->pid = 0;
}


/*
 * The db's view from the answering worker: its current snapshot (checked
 * first, as a request would), and the identity of the file at the path now
 */

typedef struct {
    ngx_http_resources_db_t           *db;
    ngx_http_resources_snap_t         *snap;
    ngx_file_info_t                    fi;
    ngx_uint_t                         have_file;
    ngx_uint_t                         workers;
} ngx_http_resources_status_view_t;


static void
ngx_http_resources_status_view(ngx_http_request_t *r,
    ngx_http_resources_db_t *db, ngx_http_resources_status_view_t *v)
{
    ngx_core_conf_t  *ccf;

    v->db = db;
    v->snap = ngx_http_resources_db_get(db, r);
    v->have_file = (ngx_file_info(db->path.data, &v->fi) != NGX_FILE_ERROR);

    ccf = (ngx_core_conf_t *) ngx_get_conf(ngx_cycle->conf_ctx,
                                           ngx_core_module);

    v->workers = ccf->master ? (ngx_uint_t) ccf->worker_processes : 1;
    v->workers = ngx_min(v->workers, NGX_HTTP_RESOURCES_STATUS_WORKERS);
}


static ngx_uint_t
ngx_http_resources_status_stale(ngx_http_resources_status_view_t *v,
    ngx_http_resources_status_worker_t *w)
{
    return !v->have_file || w->dev != v->fi.st_dev
           || w->ino != v->fi.st_ino;
}


/* a label value: \, " and a newline escaped */

static u_char *
ngx_http_resources_status_label(u_char *p, const u_char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        switch (s[i]) {
        case '\\':
        case '"':
            *p++ = '\\';
            *p++ = s[i];
            break;
        case '\n':
            *p++ = '\\';
            *p++ = 'n';
            break;
        default:
            *p++ = s[i];
        }
    }

    return p;
}


/* the body's size, at most, for what the zone holds now */

static size_t
ngx_http_resources_status_size(ngx_http_resources_main_conf_t *rmcf)
{
    size_t                           size;
    ngx_uint_t                       i, k, n;
    ngx_http_resources_status_sh_t  *sh;

    sh = rmcf->sh;

    for (n = 0, i = 0; i < NGX_HTTP_RESOURCES_ROUTES; i++) {
        for (k = 0; k < NGX_HTTP_RESOURCES_STATUS_CODES; k++) {
            n += (sh->requests[i][k] != 0);
        }
    }

    size = 4096 + n * 128
           + NGX_HTTP_RESOURCES_ROUTES
             * (NGX_HTTP_RESOURCES_STATUS_BUCKETS + 2) * 128
           + NGX_HTTP_RESOURCES_STATUS_SHOWN
             * (NGX_HTTP_RESOURCES_STATUS_QLEN * 6 + 128);

    /* a path escaped: twice its length (Prometheus), 6 times (JSON) */

    size += rmcf->dbs.nelts
            * (2048 + NGX_HTTP_RESOURCES_STATUS_PATH * 6
               + NGX_HTTP_RESOURCES_STATUS_WORKERS
                 * (512 + NGX_HTTP_RESOURCES_STATUS_PATH * 12));

    return size;
}


ngx_int_t
ngx_http_resources_status_handler(ngx_http_request_t *r)
{
    ngx_int_t                        rc;
    ngx_str_t                        format;
    ngx_buf_t                       *b;
    ngx_uint_t                       json;
    ngx_http_resources_loc_conf_t   *rlcf;
    ngx_http_resources_main_conf_t  *rmcf;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    rmcf = ngx_http_get_module_main_conf(r, ngx_http_resources_module);
    rlcf = ngx_http_get_module_loc_conf(r, ngx_http_resources_module);

    if (rmcf->sh == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    json = 0;

    if (ngx_http_arg(r, (u_char *) "format", 6, &format) == NGX_OK) {
        if (format.len == 4 && ngx_strncmp(format.data, "json", 4) == 0) {
            json = 1;

        } else if (!(format.len == 10
                     && ngx_strncmp(format.data, "prometheus", 10) == 0))
        {
            return ngx_http_resources_error(r, NGX_HTTP_BAD_REQUEST,
                                            "format: \"json\" or"
                                            " \"prometheus\"");
        }
    }

    b = ngx_create_temp_buf(r->pool, ngx_http_resources_status_size(rmcf));
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (json) {
        rc = ngx_http_resources_status_json(r, rmcf,
                                            rlcf->status_searches != 0, b);

    } else {
        rc = ngx_http_resources_status_prometheus(r, rmcf, b);
    }

    if (rc != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = b->last - b->pos;

    if (json) {
        ngx_str_set(&r->headers_out.content_type,
                    "application/json; charset=utf-8");
        r->headers_out.content_type_len = sizeof("application/json") - 1;

    } else {
        ngx_str_set(&r->headers_out.content_type,
                    "text/plain; version=0.0.4; charset=utf-8");
        r->headers_out.content_type_len = sizeof("text/plain") - 1;
    }

    r->headers_out.content_type_lowcase = NULL;

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    if (b->last == b->pos) {
        b->sync = 1;
    }

    return ngx_http_resources_send_buf(r, b);
}


/* the start of a sample line: its name and its db label */

static u_char *
ngx_http_resources_status_db_label(u_char *p, const char *name,
    ngx_http_resources_db_t *db)
{
    p = ngx_sprintf(p, "%s{db=\"", name);

    return ngx_http_resources_status_label(p, db->path.data, db->path.len);
}


static ngx_int_t
ngx_http_resources_status_prometheus(ngx_http_request_t *r,
    ngx_http_resources_main_conf_t *rmcf, ngx_buf_t *b)
{
    u_char                              *p;
    time_t                               age;
    uint64_t                             cum, n;
    ngx_uint_t                           i, k, nv;
    ngx_http_resources_db_t            **dbp;
    ngx_http_resources_status_sh_t      *sh;
    ngx_http_resources_status_view_t    *v;
    ngx_http_resources_status_worker_t   w;

    sh = rmcf->sh;
    p = b->last;

    p = ngx_sprintf(p, "# HELP resources_requests_total Requests answered by"
                       " resources locations, by route and status.\n"
                       "# TYPE resources_requests_total counter\n");

    for (i = 0; i < NGX_HTTP_RESOURCES_ROUTES; i++) {
        for (k = 0; k < NGX_HTTP_RESOURCES_STATUS_CODES; k++) {
            n = sh->requests[i][k];

            if (n) {
                p = ngx_sprintf(p, "resources_requests_total{route=\"%V\","
                                   "status=\"%ui\"} %uL\n",
                                &ngx_http_resources_status_routes[i],
                                k + NGX_HTTP_RESOURCES_STATUS_FIRST, n);
            }
        }
    }

    p = ngx_sprintf(p, "# HELP resources_request_duration_seconds The"
                       " module's own time to answer a request.\n"
                       "# TYPE resources_request_duration_seconds"
                       " histogram\n");

    for (i = 0; i < NGX_HTTP_RESOURCES_ROUTES; i++) {
        cum = 0;

        for (k = 0; k < NGX_HTTP_RESOURCES_STATUS_BUCKETS; k++) {
            cum += sh->buckets[i][k];
        }

        if (cum == 0) {
            continue;
        }

        cum = 0;

        for (k = 0; k < NGX_HTTP_RESOURCES_STATUS_BUCKETS; k++) {
            cum += sh->buckets[i][k];
            p = ngx_sprintf(p, "resources_request_duration_seconds_bucket"
                               "{route=\"%V\",le=\"%V\"} %uL\n",
                            &ngx_http_resources_status_routes[i],
                            &ngx_http_resources_status_le[k], cum);
        }

        n = sh->usec[i];

        p = ngx_sprintf(p, "resources_request_duration_seconds_sum"
                           "{route=\"%V\"} %uL.%06uL\n"
                           "resources_request_duration_seconds_count"
                           "{route=\"%V\"} %uL\n",
                        &ngx_http_resources_status_routes[i],
                        n / 1000000, n % 1000000,
                        &ngx_http_resources_status_routes[i], cum);
    }

    p = ngx_sprintf(p, "# HELP resources_zero_results_total Lists and feeds"
                       " with q or filters that found nothing.\n"
                       "# TYPE resources_zero_results_total counter\n"
                       "resources_zero_results_total %uA\n",
                    sh->zero_results);

    /* the snapshots, as the answering worker sees them */

    dbp = rmcf->dbs.elts;

    v = ngx_palloc(r->pool, (rmcf->dbs.nelts + 1)
                            * sizeof(ngx_http_resources_status_view_t));
    if (v == NULL) {
        return NGX_ERROR;
    }

    for (i = 0, nv = 0; i < rmcf->dbs.nelts; i++) {
        if (dbp[i]->sh) {
            ngx_http_resources_status_view(r, dbp[i], &v[nv++]);
        }
    }

    p = ngx_sprintf(p, "# HELP resources_snapshot_info The content version"
                       " served (the public view's), as a label.\n"
                       "# TYPE resources_snapshot_info gauge\n");

    for (i = 0; i < nv; i++) {
        if (v[i].snap) {
            p = ngx_http_resources_status_db_label(p,
                                                   "resources_snapshot_info",
                                                   v[i].db);
            p = ngx_sprintf(p, "\",version=\"%s\"} 1\n",
                            v[i].snap->view[0].version);
        }
    }

    p = ngx_sprintf(p, "# HELP resources_snapshot_resources Public resources"
                       " served.\n"
                       "# TYPE resources_snapshot_resources gauge\n");

    for (i = 0; i < nv; i++) {
        if (v[i].snap) {
            p = ngx_http_resources_status_db_label(p,
                                              "resources_snapshot_resources",
                                              v[i].db);
            p = ngx_sprintf(p, "\"} %uD\n",
                            v[i].snap->snap.header.npublic);
        }
    }

    p = ngx_sprintf(p, "# HELP resources_snapshot_age_seconds Seconds since"
                       " the served public records were built.\n"
                       "# TYPE resources_snapshot_age_seconds gauge\n");

    for (i = 0; i < nv; i++) {
        if (v[i].snap) {
            age = ngx_time() - v[i].snap->view[0].built;
            p = ngx_http_resources_status_db_label(p,
                                            "resources_snapshot_age_seconds",
                                            v[i].db);
            p = ngx_sprintf(p, "\"} %T\n", age > 0 ? age : 0);
        }
    }

    p = ngx_sprintf(p, "# HELP resources_snapshot_swaps_total Swaps to a new"
                       " snapshot file, summed over workers.\n"
                       "# TYPE resources_snapshot_swaps_total counter\n");

    for (i = 0; i < nv; i++) {
        p = ngx_http_resources_status_db_label(p,
                                             "resources_snapshot_swaps_total",
                                             v[i].db);
        p = ngx_sprintf(p, "\"} %uA\n", v[i].db->sh->swaps);
    }

    p = ngx_sprintf(p, "# HELP resources_snapshot_refused_total Snapshot"
                       " files refused as broken, summed over workers.\n"
                       "# TYPE resources_snapshot_refused_total counter\n");

    for (i = 0; i < nv; i++) {
        p = ngx_http_resources_status_db_label(p,
                                           "resources_snapshot_refused_total",
                                           v[i].db);
        p = ngx_sprintf(p, "\"} %uA\n", v[i].db->sh->refused);
    }

    p = ngx_sprintf(p, "# HELP resources_worker_snapshot_info The version"
                       " each worker serves, as a label.\n"
                       "# TYPE resources_worker_snapshot_info gauge\n");

    for (i = 0; i < nv; i++) {
        for (k = 0; k < v[i].workers; k++) {
            ngx_http_resources_status_read(&v[i].db->sh->worker[k], &w);

            if (w.pid) {
                p = ngx_http_resources_status_db_label(p,
                                             "resources_worker_snapshot_info",
                                             v[i].db);
                p = ngx_sprintf(p, "\",worker=\"%ui\",pid=\"%uA\","
                                   "version=\"%s\"} 1\n",
                                k, w.pid, w.version);
            }
        }
    }

    p = ngx_sprintf(p, "# HELP resources_worker_snapshot_stale 1 when the"
                       " worker serves another file than the one at the"
                       " path now.\n"
                       "# TYPE resources_worker_snapshot_stale gauge\n");

    for (i = 0; i < nv; i++) {
        for (k = 0; k < v[i].workers; k++) {
            ngx_http_resources_status_read(&v[i].db->sh->worker[k], &w);

            if (w.pid) {
                p = ngx_http_resources_status_db_label(p,
                                            "resources_worker_snapshot_stale",
                                            v[i].db);
                p = ngx_sprintf(p, "\",worker=\"%ui\"} %ui\n", k,
                                ngx_http_resources_status_stale(&v[i], &w));
            }
        }
    }

    b->last = p;

    return NGX_OK;
}


/* a JSON string: quoted, escaped */

static u_char *
ngx_http_resources_status_string(u_char *p, const u_char *s, size_t len)
{
    *p++ = '"';
    p = (u_char *) ngx_escape_json(p, (u_char *) s, len);
    *p++ = '"';

    return p;
}


static ngx_int_t
ngx_http_resources_status_json(ngx_http_request_t *r,
    ngx_http_resources_main_conf_t *rmcf, ngx_flag_t searches, ngx_buf_t *b)
{
    u_char                               *p;
    time_t                                age;
    uint64_t                              n, cum;
    ngx_tm_t                              tm;
    ngx_uint_t                            i, k, first, nw, m;
    ngx_http_resources_db_t             **dbp;
    ngx_http_resources_status_sh_t       *sh;
    ngx_http_resources_status_view_t      v;
    ngx_http_resources_status_worker_t    w;
    ngx_http_resources_status_search_t   *top, t;

    sh = rmcf->sh;
    p = b->last;

    p = ngx_sprintf(p, "{\"requests\":{");

    for (i = 0, first = 1; i < NGX_HTTP_RESOURCES_ROUTES; i++) {
        for (k = 0, nw = 0; k < NGX_HTTP_RESOURCES_STATUS_CODES; k++) {
            n = sh->requests[i][k];

            if (n == 0) {
                continue;
            }

            if (nw++ == 0) {
                p = ngx_sprintf(p, "%s\"%V\":{", first ? "" : ",",
                                &ngx_http_resources_status_routes[i]);
                first = 0;

            } else {
                *p++ = ',';
            }

            p = ngx_sprintf(p, "\"%ui\":%uL",
                            k + NGX_HTTP_RESOURCES_STATUS_FIRST, n);
        }

        if (nw) {
            *p++ = '}';
        }
    }

    p = ngx_sprintf(p, "},\"duration\":{");

    for (i = 0, first = 1; i < NGX_HTTP_RESOURCES_ROUTES; i++) {
        for (k = 0, cum = 0; k < NGX_HTTP_RESOURCES_STATUS_BUCKETS; k++) {
            cum += sh->buckets[i][k];
        }

        if (cum == 0) {
            continue;
        }

        p = ngx_sprintf(p, "%s\"%V\":{\"count\":%uL,\"sum\":%uL.%06uL,"
                           "\"buckets\":{",
                        first ? "" : ",",
                        &ngx_http_resources_status_routes[i], cum,
                        (uint64_t) sh->usec[i] / 1000000,
                        (uint64_t) sh->usec[i] % 1000000);
        first = 0;

        for (k = 0, cum = 0; k < NGX_HTTP_RESOURCES_STATUS_BUCKETS; k++) {
            cum += sh->buckets[i][k];
            p = ngx_sprintf(p, "%s\"%V\":%uL", k ? "," : "",
                            &ngx_http_resources_status_le[k], cum);
        }

        p = ngx_sprintf(p, "}}");
    }

    p = ngx_sprintf(p, "},\"zero_results\":%uA,\"snapshots\":[",
                    sh->zero_results);

    dbp = rmcf->dbs.elts;

    for (i = 0, first = 1; i < rmcf->dbs.nelts; i++) {
        if (dbp[i]->sh == NULL) {
            continue;
        }

        ngx_http_resources_status_view(r, dbp[i], &v);

        p = ngx_sprintf(p, "%s{\"db\":", first ? "" : ",");
        p = ngx_http_resources_status_string(p, dbp[i]->path.data,
                                             dbp[i]->path.len);
        first = 0;

        if (v.snap) {
            ngx_gmtime(v.snap->view[0].built, &tm);
            age = ngx_time() - v.snap->view[0].built;

            p = ngx_sprintf(p, ",\"version\":\"%s\",\"resources\":%uD,"
                               "\"built\":\"%4d-%02d-%02dT%02d:%02d:%02dZ\","
                               "\"age_seconds\":%T",
                            v.snap->view[0].version,
                            v.snap->snap.header.npublic,
                            tm.ngx_tm_year, tm.ngx_tm_mon, tm.ngx_tm_mday,
                            tm.ngx_tm_hour, tm.ngx_tm_min, tm.ngx_tm_sec,
                            age > 0 ? age : 0);

        } else {
            p = ngx_sprintf(p, ",\"version\":null");
        }

        p = ngx_sprintf(p, ",\"swaps\":%uA,\"refused\":%uA,\"workers\":[",
                        dbp[i]->sh->swaps, dbp[i]->sh->refused);

        for (k = 0, nw = 0; k < v.workers; k++) {
            ngx_http_resources_status_read(&dbp[i]->sh->worker[k], &w);

            if (w.pid == 0) {
                continue;
            }

            p = ngx_sprintf(p, "%s{\"worker\":%ui,\"pid\":%uA,"
                               "\"version\":\"%s\",\"stale\":%s}",
                            nw++ ? "," : "", k, w.pid, w.version,
                            ngx_http_resources_status_stale(&v, &w)
                            ? "true" : "false");
        }

        p = ngx_sprintf(p, "]}");
    }

    *p++ = ']';

    if (searches) {

        /* the most counted, copied under the lock, then sorted */

        top = ngx_palloc(r->pool, NGX_HTTP_RESOURCES_STATUS_SEARCHES
                                  * sizeof(ngx_http_resources_status_search_t));
        if (top == NULL) {
            return NGX_ERROR;
        }

        ngx_shmtx_lock(&rmcf->shpool->mutex);

        m = sh->nsearches;
        n = sh->searched;
        ngx_memcpy(top, sh->search,
                   m * sizeof(ngx_http_resources_status_search_t));

        ngx_shmtx_unlock(&rmcf->shpool->mutex);

        /* a partial selection sort: the first SHOWN by count, then key */

        for (i = 0; i < m && i < NGX_HTTP_RESOURCES_STATUS_SHOWN; i++) {
            for (k = i + 1; k < m; k++) {
                if (top[k].count > top[i].count
                    || (top[k].count == top[i].count
                        && ngx_memn2cmp(top[k].key, top[i].key,
                                        top[k].klen, top[i].klen) < 0))
                {
                    t = top[i];
                    top[i] = top[k];
                    top[k] = t;
                }
            }
        }

        p = ngx_sprintf(p, ",\"searches\":{\"counted\":%uL,\"capacity\":%d,"
                           "\"without_results\":[",
                        n, NGX_HTTP_RESOURCES_STATUS_SEARCHES);

        for (i = 0; i < m && i < NGX_HTTP_RESOURCES_STATUS_SHOWN; i++) {
            p = ngx_sprintf(p, "%s{\"q\":", i ? "," : "");
            p = ngx_http_resources_status_string(p, top[i].q, top[i].qlen);
            p = ngx_sprintf(p, ",\"count\":%uL,\"error\":%uL}",
                            top[i].count, top[i].error);
        }

        p = ngx_sprintf(p, "]}");
    }

    p = ngx_sprintf(p, "}\n");

    b->last = p;

    return NGX_OK;
}
