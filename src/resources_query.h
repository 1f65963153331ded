/*
 * Copyright (C) ngx_http_resources authors
 *
 * The query string of the HTTP API, parsed without nginx: the module and
 * the unit tests (and the fuzzer) share it.  Values are percent-decoded
 * ("+" is a space) into a buffer the caller owns, at least as long as the
 * query string; they are checked to be UTF-8 without NUL and point into
 * that buffer.  A known parameter with a bad value is an error that names
 * it.  Each route takes its own parameters (RESOURCES_QUERY_LIST: the list
 * and the feed; RESOURCES_QUERY_TERMS: _keywords and _types;
 * RESOURCES_QUERY_LOOKUP: a lookup; none: _meta); any other is ignored,
 * or, with RESOURCES_QUERY_STRICT,
 * an error that names it and lists the route's, unless its name starts
 * with "_" or "utm_" (cache busters, campaign tags: always ignored).
 */

#ifndef _RESOURCES_QUERY_H_INCLUDED_
#define _RESOURCES_QUERY_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>


#define RESOURCES_QUERY_MAX_KW      16      /* kw parameters, at most */
#define RESOURCES_QUERY_MAX_TYPE    16      /* type parameters, at most */
#define RESOURCES_QUERY_MAX_SERIES  16      /* series parameters, at most */
#define RESOURCES_QUERY_MAX_VALUE   1024    /* bytes of a decoded value */
#define RESOURCES_QUERY_MAX_OFFSET  1000000000
#define RESOURCES_QUERY_MAX_FACET   100

#define RESOURCES_SORT_DEFAULT      0       /* relevance with q, else newest */
#define RESOURCES_SORT_NEWEST       1
#define RESOURCES_SORT_OLDEST       2
#define RESOURCES_SORT_TITLE        3
#define RESOURCES_SORT_RELEVANCE    4
#define RESOURCES_SORT_UPDATED      5       /* update (else publication) date */

#define RESOURCES_FORMAT_JSON       0
#define RESOURCES_FORMAT_HTML       1

#define RESOURCES_QUERY_LIST        0x01    /* flags: the route's */
#define RESOURCES_QUERY_TERMS       0x02
#define RESOURCES_QUERY_LOOKUP      0x04
#define RESOURCES_QUERY_STRICT      0x100   /* unknown parameters: an error */

#define RESOURCES_FACET_KW          0x01
#define RESOURCES_FACET_TYPE        0x02
#define RESOURCES_FACET_YEAR        0x04


typedef struct {
    const u_char  *data;
    size_t         len;
} resources_str_t;


typedef struct {
    resources_str_t  kw[RESOURCES_QUERY_MAX_KW];
    size_t           nkw;
    resources_str_t  type[RESOURCES_QUERY_MAX_TYPE];
    size_t           ntype;
    resources_str_t  series[RESOURCES_QUERY_MAX_SERIES];
    size_t           nseries;
    resources_str_t  q;                 /* len 0: absent */
    resources_str_t  prefix;            /* len 0: absent */
    uint32_t         from;              /* YYYYMMDD lower bound, 0: none */
    uint32_t         to;                /* YYYYMMDD upper bound, 0: none */
    int64_t          limit;             /* -1: absent */
    int64_t          offset;
    int64_t          facet_limit;       /* -1: absent */
    unsigned         sort;
    unsigned         facets;
    unsigned         format;            /* RESOURCES_FORMAT_* */
} resources_query_t;


/*
 * Parses args[0 .. len) into q, values into buf (len bytes at least), for
 * the route and strictness of flags (RESOURCES_QUERY_*).  max_limit bounds
 * "limit".  Returns 0, or -1 with a message for the client (English, names
 * the parameter) in err (errlen bytes, NUL-terminated).
 */
int resources_query_parse(const u_char *args, size_t len, u_char *buf,
    int64_t max_limit, unsigned flags, resources_query_t *q, char *err,
    size_t errlen);

/*
 * Percent-decodes src into dst ("+" is a space when plus is set); returns
 * the decoded length or -1 on a malformed escape.
 */
ssize_t resources_unescape(const u_char *src, size_t len, u_char *dst,
    int plus);


#endif /* _RESOURCES_QUERY_H_INCLUDED_ */
