/*
 * Copyright (C) ngx_http_resources authors
 */


#include "ngx_http_resources_module.h"


static ngx_int_t ngx_http_resources_add_variables(ngx_conf_t *cf);
static void *ngx_http_resources_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_resources_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_resources_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static char *ngx_http_resources(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_resources_cors_set(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_resources_status(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_resources_link_check(ngx_conf_t *cf, void *post,
    void *data);
static size_t ngx_http_resources_link_ids(ngx_str_t *link);


static ngx_conf_post_t  ngx_http_resources_link_post = {
    ngx_http_resources_link_check
};
static ngx_int_t ngx_http_resources_init_process(ngx_cycle_t *cycle);
static void ngx_http_resources_exit_process(ngx_cycle_t *cycle);
static ngx_int_t ngx_http_resources_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


/* like ngx_conf_num_bounds_t, with the directive's name for the message */

typedef struct {
    ngx_conf_post_handler_pt  post_handler;
    const char               *name;
    ngx_int_t                 low;
    ngx_int_t                 high;
} ngx_http_resources_bounds_t;


static char *ngx_http_resources_check_bounds(ngx_conf_t *cf, void *post,
    void *data);


static ngx_http_resources_bounds_t  ngx_http_resources_default_limit_bounds = {
    ngx_http_resources_check_bounds, "resources_default_limit", 0, 10000
};

static ngx_http_resources_bounds_t  ngx_http_resources_max_limit_bounds = {
    ngx_http_resources_check_bounds, "resources_max_limit", 1, 10000
};

static ngx_http_resources_bounds_t  ngx_http_resources_facet_limit_bounds = {
    ngx_http_resources_check_bounds, "resources_facet_limit", 1,
    RESOURCES_QUERY_MAX_FACET
};


static ngx_command_t  ngx_http_resources_commands[] = {

    { ngx_string("resources"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_resources,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("resources_db"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_resources_loc_conf_t, db_path),
      NULL },

    { ngx_string("resources_private"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_resources_loc_conf_t, private),
      NULL },

    { ngx_string("resources_default_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_resources_loc_conf_t, default_limit),
      &ngx_http_resources_default_limit_bounds },

    { ngx_string("resources_max_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_resources_loc_conf_t, max_limit),
      &ngx_http_resources_max_limit_bounds },

    { ngx_string("resources_facet_limit"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_resources_loc_conf_t, facet_limit),
      &ngx_http_resources_facet_limit_bounds },

    { ngx_string("resources_check_interval"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_resources_loc_conf_t, check_interval),
      NULL },

    { ngx_string("resources_retry_after"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_resources_loc_conf_t, retry_after),
      NULL },

    { ngx_string("resources_cors"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_resources_cors_set,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("resources_feed_title"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_resources_loc_conf_t, feed_title),
      NULL },

    { ngx_string("resources_strict_args"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_resources_loc_conf_t, strict_args),
      NULL },

    { ngx_string("resources_gzip"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_resources_loc_conf_t, gzip),
      NULL },

    { ngx_string("resources_link"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_resources_loc_conf_t, link),
      &ngx_http_resources_link_post },

    { ngx_string("resources_status"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_resources_status,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("resources_status_searches"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_resources_loc_conf_t, status_searches),
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_resources_module_ctx = {
    ngx_http_resources_add_variables,      /* preconfiguration */
    ngx_http_resources_status_add_zone,    /* postconfiguration */

    ngx_http_resources_create_main_conf,   /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_resources_create_loc_conf,    /* create location configuration */
    ngx_http_resources_merge_loc_conf      /* merge location configuration */
};


ngx_module_t  ngx_http_resources_module = {
    NGX_MODULE_V1,
    &ngx_http_resources_module_ctx,        /* module context */
    ngx_http_resources_commands,           /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_http_resources_init_process,       /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_http_resources_exit_process,       /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_http_variable_t  ngx_http_resources_vars[] = {

    { ngx_string("resources_version"), NULL, ngx_http_resources_variable,
      0, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("resources_total"), NULL, ngx_http_resources_variable,
      1, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


static char *
ngx_http_resources_check_bounds(ngx_conf_t *cf, void *post, void *data)
{
    ngx_http_resources_bounds_t  *bounds = post;
    ngx_uint_t                   *np = data;

    if ((ngx_int_t) *np >= bounds->low && (ngx_int_t) *np <= bounds->high) {
        return NGX_CONF_OK;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"%s\" must be between %i and %i", bounds->name,
                       bounds->low, bounds->high);

    return NGX_CONF_ERROR;
}


static ngx_int_t
ngx_http_resources_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_resources_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_http_resources_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    u_char                    *p;
    ngx_http_resources_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_resources_module);

    if (ctx == NULL || ctx->snap == NULL || (data == 1 && ctx->total < 0)) {
        v->not_found = 1;
        return NGX_OK;
    }

    if (data == 0) {
        v->data = ctx->view->version;
        v->len = RESOURCES_VERSION_LEN;

    } else {
        p = ngx_pnalloc(r->pool, NGX_INT_T_LEN);
        if (p == NULL) {
            return NGX_ERROR;
        }

        v->data = p;
        v->len = ngx_sprintf(p, "%i", ctx->total) - p;
    }

    v->valid = 1;
    v->no_cacheable = 0;
    v->not_found = 0;

    return NGX_OK;
}


static void *
ngx_http_resources_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_resources_main_conf_t  *rmcf;

    rmcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_resources_main_conf_t));
    if (rmcf == NULL) {
        return NULL;
    }

    if (ngx_array_init(&rmcf->dbs, cf->pool, 4,
                       sizeof(ngx_http_resources_db_t *))
        != NGX_OK)
    {
        return NULL;
    }

    return rmcf;
}


static void *
ngx_http_resources_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_resources_loc_conf_t  *rlcf;

    rlcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_resources_loc_conf_t));
    if (rlcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     rlcf->db_path = { 0, NULL };
     *     rlcf->db = NULL;
     *     rlcf->prefix = { 0, NULL };
     */

    rlcf->enable = NGX_CONF_UNSET;
    rlcf->private = NGX_CONF_UNSET;
    rlcf->default_limit = NGX_CONF_UNSET_UINT;
    rlcf->max_limit = NGX_CONF_UNSET_UINT;
    rlcf->facet_limit = NGX_CONF_UNSET_UINT;
    rlcf->check_interval = NGX_CONF_UNSET_MSEC;
    rlcf->retry_after = NGX_CONF_UNSET;
    rlcf->cors = NGX_CONF_UNSET_PTR;
    rlcf->strict_args = NGX_CONF_UNSET;
    rlcf->gzip = NGX_CONF_UNSET;
    rlcf->status_searches = NGX_CONF_UNSET;

    return rlcf;
}


/* the db of a path, shared by all the locations that name it */

static ngx_http_resources_db_t *
ngx_http_resources_db_register(ngx_conf_t *cf, ngx_str_t *name,
    ngx_msec_t interval)
{
    ngx_str_t                         path;
    ngx_uint_t                        i;
    ngx_http_resources_db_t          *db, **dbp;
    ngx_http_resources_main_conf_t   *rmcf;

    path = *name;

    if (ngx_conf_full_name(cf->cycle, &path, 0) != NGX_OK) {
        return NULL;
    }

    rmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_resources_module);

    dbp = rmcf->dbs.elts;

    for (i = 0; i < rmcf->dbs.nelts; i++) {
        db = dbp[i];

        if (db->path.len == path.len
            && ngx_strncmp(db->path.data, path.data, path.len) == 0)
        {
            db->interval = ngx_min(db->interval, interval);
            return db;
        }
    }

    db = ngx_pcalloc(cf->pool, sizeof(ngx_http_resources_db_t));
    if (db == NULL) {
        return NULL;
    }

    /* NUL-terminated for open() */

    db->path.data = ngx_pnalloc(cf->pool, path.len + 1);
    if (db->path.data == NULL) {
        return NULL;
    }

    ngx_memcpy(db->path.data, path.data, path.len);
    db->path.data[path.len] = '\0';
    db->path.len = path.len;
    db->interval = interval;

    dbp = ngx_array_push(&rmcf->dbs);
    if (dbp == NULL) {
        return NULL;
    }

    *dbp = db;

    return db;
}


static char *
ngx_http_resources_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_resources_loc_conf_t *prev = parent;
    ngx_http_resources_loc_conf_t *conf = child;

    ngx_conf_merge_str_value(conf->db_path, prev->db_path, "");
    ngx_conf_merge_value(conf->private, prev->private, 0);
    ngx_conf_merge_uint_value(conf->default_limit, prev->default_limit, 20);
    ngx_conf_merge_uint_value(conf->max_limit, prev->max_limit, 100);
    ngx_conf_merge_uint_value(conf->facet_limit, prev->facet_limit, 10);
    ngx_conf_merge_msec_value(conf->check_interval, prev->check_interval,
                              1000);
    ngx_conf_merge_sec_value(conf->retry_after, prev->retry_after, 5);
    ngx_conf_merge_ptr_value(conf->cors, prev->cors, NULL);
    ngx_conf_merge_str_value(conf->feed_title, prev->feed_title, "Resources");
    ngx_conf_merge_value(conf->strict_args, prev->strict_args, 1);
    ngx_conf_merge_value(conf->gzip, prev->gzip, 0);

#if !(NGX_HTTP_GZIP)
    if (conf->gzip && !prev->gzip) {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0, "\"resources_gzip\" needs"
                           " an nginx built with the gzip module: answers"
                           " stay uncompressed");
    }
#endif

    /*
     * Left unset when no level sets it: then on, but in a private
     * location (staff's searches are not counted unless asked):
     * NGX_HTTP_RESOURCES_SEARCHES()
     */

    ngx_conf_merge_value(conf->status_searches, prev->status_searches,
                         NGX_CONF_UNSET);
    ngx_conf_merge_str_value(conf->link, prev->link, "");

    if (conf->enable != 1) {
        conf->enable = 0;
        return NGX_CONF_OK;
    }

    /* the links of HTML fragments and feeds: the template, or self/<id> */

    if (conf->link.len) {
        conf->html.link = conf->link.data;
        conf->html.link_len = conf->link.len;
        conf->html.link_ids = ngx_http_resources_link_ids(&conf->link);
    }

    conf->html.self = conf->prefix.data;
    conf->html.self_len = conf->prefix.len;

    if (conf->html.self_len && conf->html.self[conf->html.self_len - 1] == '/')
    {
        conf->html.self_len--;
    }

    if (conf->db_path.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"resources\" needs \"resources_db\" in location"
                           " \"%V\"", &conf->prefix);
        return NGX_CONF_ERROR;
    }

    if (conf->default_limit > conf->max_limit) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"resources_default_limit\" %ui is larger than"
                           " \"resources_max_limit\" %ui in location \"%V\"",
                           conf->default_limit, conf->max_limit,
                           &conf->prefix);
        return NGX_CONF_ERROR;
    }

    if (conf->private && conf->cors) {
        ngx_str_t  *o = conf->cors->elts;

        if (o[0].len == 1 && o[0].data[0] == '*') {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"resources_cors *\" is not allowed with"
                               " \"resources_private on\" in location \"%V\":"
                               " name the origins", &conf->prefix);
            return NGX_CONF_ERROR;
        }
    }

    if (conf->check_interval == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"resources_check_interval\" must be more than 0");
        return NGX_CONF_ERROR;
    }

    conf->db = ngx_http_resources_db_register(cf, &conf->db_path,
                                              conf->check_interval);
    if (conf->db == NULL) {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_resources(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_resources_loc_conf_t *rlcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    if (rlcf->enable != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

#if (NGX_PCRE)
    if (clcf->regex) {
        return "cannot be used in a regex location";
    }
#endif

    if (clcf->named) {
        return "cannot be used in a named location";
    }

    if (clcf->handler == ngx_http_resources_status_handler) {
        return "cannot be used with \"resources_status\" in one location";
    }

    rlcf->enable = 1;
    rlcf->prefix = clcf->name;

    clcf->handler = ngx_http_resources_handler;

    return NGX_CONF_OK;
}


/* how many times a link template holds "{id}" */

static size_t
ngx_http_resources_link_ids(ngx_str_t *link)
{
    size_t   n, i;

    for (i = 0, n = 0; i + 4 <= link->len; i++) {
        if (ngx_strncmp(link->data + i, "{id}", 4) == 0) {
            n++;
            i += 3;
        }
    }

    return n;
}


/* resources_link TEMPLATE: with "{id}" at least once */

static char *
ngx_http_resources_link_check(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *link = data;

    if (ngx_http_resources_link_ids(link) == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"resources_link\" must hold \"{id}\", where"
                           " the resource's id goes: \"%V\"", link);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* resources_status: this location shows the counters (the zone follows) */

static char *
ngx_http_resources_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t        *clcf;
    ngx_http_resources_main_conf_t  *rmcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler == ngx_http_resources_handler) {
        return "cannot be used with \"resources\" in one location";
    }

    rmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_resources_module);
    rmcf->status = 1;

    clcf->handler = ngx_http_resources_status_handler;

    return NGX_CONF_OK;
}


/* resources_cors off | * | origin ... */

static char *
ngx_http_resources_cors_set(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_resources_loc_conf_t *rlcf = conf;

    ngx_str_t   *value, *o;
    ngx_uint_t   i;

    if (rlcf->cors != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        rlcf->cors = NULL;
        return NGX_CONF_OK;
    }

    rlcf->cors = ngx_array_create(cf->pool, cf->args->nelts - 1,
                                  sizeof(ngx_str_t));
    if (rlcf->cors == NULL) {
        return NGX_CONF_ERROR;
    }

    for (i = 1; i < cf->args->nelts; i++) {

        if (value[i].len == 1 && value[i].data[0] == '*') {
            if (cf->args->nelts != 2) {
                return "takes \"*\" alone";
            }

        } else if (ngx_strncmp(value[i].data, "http://", 7) != 0
                   && ngx_strncmp(value[i].data, "https://", 8) != 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"resources_cors\": \"%V\" is not an origin"
                               " (scheme://host[:port])", &value[i]);
            return NGX_CONF_ERROR;
        }

        o = ngx_array_push(rlcf->cors);
        if (o == NULL) {
            return NGX_CONF_ERROR;
        }

        *o = value[i];
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_resources_init_process(ngx_cycle_t *cycle)
{
    ngx_uint_t                        i;
    ngx_http_resources_db_t         **dbp;
    ngx_http_resources_main_conf_t   *rmcf;

    /* only the processes that serve requests open the store */

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        return NGX_OK;
    }

    rmcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_resources_module);
    if (rmcf == NULL) {
        return NGX_OK;
    }

    dbp = rmcf->dbs.elts;

    for (i = 0; i < rmcf->dbs.nelts; i++) {
        if (ngx_http_resources_db_init(dbp[i], cycle) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


static void
ngx_http_resources_exit_process(ngx_cycle_t *cycle)
{
    ngx_uint_t                        i;
    ngx_http_resources_db_t         **dbp;
    ngx_http_resources_main_conf_t   *rmcf;

    rmcf = ngx_http_cycle_get_module_main_conf(cycle,
                                               ngx_http_resources_module);
    if (rmcf == NULL) {
        return;
    }

    dbp = rmcf->dbs.elts;

    for (i = 0; i < rmcf->dbs.nelts; i++) {
        ngx_http_resources_status_exit(dbp[i]);
        ngx_http_resources_db_done(dbp[i]);
    }

    ngx_http_resources_work_done();
}
