/*
 * bench/ceiling: "bench_ceiling_file PATH;" answers 200 with the bytes of
 * PATH, read once when the configuration is read, exactly as
 * "return 200 '<those bytes>';" would: ngx_http_send_response() with a
 * constant complex value (Content-Type from default_type).
 *
 * It exists because a literal of "return" is one configuration token, and
 * nginx limits a token to its 4096-byte configuration buffer: most list
 * answers of the benchmark are larger.  Used only by bench/run.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


typedef struct {
    ngx_http_complex_value_t  *body;
} ngx_http_bench_ceiling_loc_conf_t;


static ngx_int_t ngx_http_bench_ceiling_handler(ngx_http_request_t *r);
static char *ngx_http_bench_ceiling_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static void *ngx_http_bench_ceiling_create_loc_conf(ngx_conf_t *cf);


static ngx_command_t  ngx_http_bench_ceiling_commands[] = {

    { ngx_string("bench_ceiling_file"),
      NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_bench_ceiling_file,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_bench_ceiling_module_ctx = {
    NULL,                                  /* preconfiguration */
    NULL,                                  /* postconfiguration */
    NULL,                                  /* create main configuration */
    NULL,                                  /* init main configuration */
    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */
    ngx_http_bench_ceiling_create_loc_conf, /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_http_bench_ceiling_module = {
    NGX_MODULE_V1,
    &ngx_http_bench_ceiling_module_ctx,    /* module context */
    ngx_http_bench_ceiling_commands,       /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_http_bench_ceiling_handler(ngx_http_request_t *r)
{
    ngx_http_bench_ceiling_loc_conf_t  *blcf;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    blcf = ngx_http_get_module_loc_conf(r, ngx_http_bench_ceiling_module);

    return ngx_http_send_response(r, NGX_HTTP_OK, NULL, blcf->body);
}


static char *
ngx_http_bench_ceiling_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_bench_ceiling_loc_conf_t *blcf = conf;

    u_char                    *data;
    ssize_t                    n;
    ngx_fd_t                   fd;
    ngx_str_t                 *value;
    ngx_file_info_t            fi;
    ngx_http_core_loc_conf_t  *clcf;

    if (blcf->body != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_conf_full_name(cf->cycle, &value[1], 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    fd = ngx_open_file(value[1].data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_open_file_n " \"%V\" failed", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           ngx_fd_info_n " \"%V\" failed", &value[1]);
        ngx_close_file(fd);
        return NGX_CONF_ERROR;
    }

    data = ngx_pnalloc(cf->pool, ngx_file_size(&fi) + 1);
    if (data == NULL) {
        ngx_close_file(fd);
        return NGX_CONF_ERROR;
    }

    n = ngx_read_fd(fd, data, ngx_file_size(&fi));
    ngx_close_file(fd);

    if (n != (ssize_t) ngx_file_size(&fi)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "short read of \"%V\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    blcf->body = ngx_pcalloc(cf->pool, sizeof(ngx_http_complex_value_t));
    if (blcf->body == NULL) {
        return NGX_CONF_ERROR;
    }

    /* a constant: no lengths, no values, as "return" compiles a literal */
    blcf->body->value.data = data;
    blcf->body->value.len = n;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_http_bench_ceiling_handler;

    return NGX_CONF_OK;
}


static void *
ngx_http_bench_ceiling_create_loc_conf(ngx_conf_t *cf)
{
    return ngx_pcalloc(cf->pool, sizeof(ngx_http_bench_ceiling_loc_conf_t));
}
