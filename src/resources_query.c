/*
 * Copyright (C) ngx_http_resources authors
 */


#include <stdio.h>
#include <string.h>

#include "resources_query.h"
#include "resources_text.h"


typedef struct {
    const char  *name;
    size_t       len;
    int          id;
    unsigned     routes;                /* RESOURCES_QUERY_LIST, _TERMS */
} resources_param_t;


enum {
    RESOURCES_P_KW = 1,
    RESOURCES_P_TYPE,
    RESOURCES_P_Q,
    RESOURCES_P_PREFIX,
    RESOURCES_P_FROM,
    RESOURCES_P_TO,
    RESOURCES_P_SORT,
    RESOURCES_P_LIMIT,
    RESOURCES_P_OFFSET,
    RESOURCES_P_FACETS,
    RESOURCES_P_FACET_LIMIT,
    RESOURCES_P_SERIES,
    RESOURCES_P_FORMAT      /* the last one */
};


#define RESOURCES_Q_LIST   RESOURCES_QUERY_LIST
#define RESOURCES_Q_TERMS  RESOURCES_QUERY_TERMS
#define RESOURCES_Q_LOOKUP RESOURCES_QUERY_LOOKUP

static const resources_param_t  resources_params[] = {
    { "kw", 2, RESOURCES_P_KW, RESOURCES_Q_LIST },
    { "type", 4, RESOURCES_P_TYPE, RESOURCES_Q_LIST },
    { "series", 6, RESOURCES_P_SERIES, RESOURCES_Q_LIST },
    { "q", 1, RESOURCES_P_Q, RESOURCES_Q_LIST },
    { "prefix", 6, RESOURCES_P_PREFIX, RESOURCES_Q_TERMS },
    { "from", 4, RESOURCES_P_FROM, RESOURCES_Q_LIST },
    { "to", 2, RESOURCES_P_TO, RESOURCES_Q_LIST },
    { "sort", 4, RESOURCES_P_SORT, RESOURCES_Q_LIST },
    { "limit", 5, RESOURCES_P_LIMIT, RESOURCES_Q_LIST|RESOURCES_Q_TERMS },
    { "offset", 6, RESOURCES_P_OFFSET, RESOURCES_Q_LIST },
    { "facets", 6, RESOURCES_P_FACETS, RESOURCES_Q_LIST },
    { "facet_limit", 11, RESOURCES_P_FACET_LIMIT, RESOURCES_Q_LIST },
    { "format", 6, RESOURCES_P_FORMAT, RESOURCES_Q_LIST|RESOURCES_Q_LOOKUP },
    { NULL, 0, 0, 0 }
};


static int
resources_hex(u_char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    return -1;
}


ssize_t
resources_unescape(const u_char *src, size_t len, u_char *dst, int plus)
{
    size_t  i, o;
    int     h, l;

    o = 0;

    for (i = 0; i < len; i++) {

        if (src[i] == '%') {
            if (len - i < 3) {
                return -1;
            }

            h = resources_hex(src[i + 1]);
            l = resources_hex(src[i + 2]);

            if (h < 0 || l < 0) {
                return -1;
            }

            dst[o++] = (u_char) (h << 4 | l);
            i += 2;

        } else if (src[i] == '+' && plus) {
            dst[o++] = ' ';

        } else {
            dst[o++] = src[i];
        }
    }

    return (ssize_t) o;
}


/* a whole decimal number in [0, max]; -1 otherwise */

static int64_t
resources_number(const u_char *p, size_t len, int64_t max)
{
    size_t   i;
    int64_t  v;

    if (len == 0 || len > 19) {
        return -1;
    }

    v = 0;

    for (i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return -1;
        }

        v = v * 10 + (p[i] - '0');

        if (v > max) {
            return -1;
        }
    }

    return v;
}


/* YYYY or YYYY-MM as YYYYMM00 (upper: YYYY1299 or YYYYMM99); 0 if bad */

static uint32_t
resources_month(const u_char *p, size_t len, int upper)
{
    int64_t  y, m;

    if (len != 4 && len != 7) {
        return 0;
    }

    y = resources_number(p, 4, 9999);
    if (y < 1000) {
        return 0;
    }

    if (len == 4) {
        return (uint32_t) (y * 10000 + (upper ? 1299 : 0));
    }

    if (p[4] != '-') {
        return 0;
    }

    m = resources_number(p + 5, 2, 12);
    if (m < 1) {
        return 0;
    }

    return (uint32_t) (y * 10000 + m * 100 + (upper ? 99 : 0));
}


static int
resources_facets(const u_char *p, size_t len, unsigned *facets)
{
    size_t          i, n;
    const u_char   *s;

    *facets = 0;
    i = 0;

    while (i <= len) {
        s = p + i;

        for (n = 0; i + n < len && p[i + n] != ','; n++) { /* void */ }

        if (n == 2 && memcmp(s, "kw", 2) == 0) {
            *facets |= RESOURCES_FACET_KW;

        } else if (n == 4 && memcmp(s, "type", 4) == 0) {
            *facets |= RESOURCES_FACET_TYPE;

        } else if (n == 4 && memcmp(s, "year", 4) == 0) {
            *facets |= RESOURCES_FACET_YEAR;

        } else {
            return -1;
        }

        i += n + 1;
    }

    return 0;
}


#define resources_query_error(...)                                           \
    do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)


/*
 * Parameters that pages and tools add for themselves: cache busters
 * ("_=1700000000") and campaign tags ("utm_source=..."); never an error
 */

static int
resources_query_ignored(const u_char *name, size_t len)
{
    return (len >= 1 && name[0] == '_')
           || (len >= 4 && memcmp(name, "utm_", 4) == 0);
}


/* the message for a parameter the route does not take, with its list */

static void
resources_query_unknown(const u_char *name, size_t len, unsigned flags,
    char *err, size_t errlen)
{
    int                       n, first;
    size_t                    at, show;
    const resources_param_t  *prm;

    /* the name as the client sent it: valid UTF-8, cut at 64 bytes */

    show = resources_utf8_valid(name, len < 64 ? len : 64);

    n = snprintf(err, errlen, "unknown parameter \"%.*s%s\": ", (int) show,
                 (const char *) name, show < len ? "..." : "");
    at = (n > 0 && (size_t) n < errlen) ? (size_t) n : errlen - 1;
    first = 1;

    for (prm = resources_params; prm->name; prm++) {
        if (!(prm->routes & flags)) {
            continue;
        }

        n = snprintf(err + at, errlen - at, "%s%s",
                     first ? "this route accepts " : ", ", prm->name);
        at = (n > 0 && at + n < errlen) ? at + n : errlen - 1;
        first = 0;
    }

    snprintf(err + at, errlen - at, "%s (and any parameter whose name"
             " starts with \"_\" or \"utm_\")",
             first ? "this route accepts no parameter" : "");
}


int
resources_query_parse(const u_char *args, size_t len, u_char *buf,
    int64_t max_limit, unsigned flags, resources_query_t *q, char *err,
    size_t errlen)
{
    size_t                    nlen, vlen;
    ssize_t                   n;
    u_char                   *name, *value;
    int64_t                   v;
    const u_char             *p, *end, *amp, *eq;
    const resources_param_t  *prm;
    resources_str_t           seen[RESOURCES_P_FORMAT + 1];

    memset(q, 0, sizeof(resources_query_t));
    q->limit = -1;
    q->offset = -1;
    q->facet_limit = -1;
    memset(seen, 0, sizeof(seen));

    p = args;
    end = args + len;

    while (p < end) {

        for (amp = p; amp < end && *amp != '&'; amp++) { /* void */ }
        for (eq = p; eq < amp && *eq != '='; eq++) { /* void */ }

        if (amp == p) {
            p++;
            continue;
        }

        /* the name: decoded in place at buf, then the value after it */

        name = buf;
        n = resources_unescape(p, (size_t) (eq - p), name, 1);
        if (n < 0) {
            resources_query_error("malformed percent-encoding in a parameter"
                                  " name");
        }

        nlen = (size_t) n;

        for (prm = resources_params; prm->name; prm++) {
            if (prm->len == nlen && memcmp(prm->name, name, nlen) == 0
                && (prm->routes & flags))
            {
                break;
            }
        }

        if (prm->name == NULL) {
            if ((flags & RESOURCES_QUERY_STRICT)
                && !resources_query_ignored(name, nlen))
            {
                resources_query_unknown(name, nlen, flags, err, errlen);
                return -1;
            }

            p = amp + 1;
            continue;                   /* not this route's: ignored */
        }

        value = buf;

        if (eq < amp) {
            n = resources_unescape(eq + 1, (size_t) (amp - eq - 1), value, 1);
            if (n < 0) {
                resources_query_error("malformed percent-encoding in \"%s\"",
                                      prm->name);
            }

        } else {
            n = 0;
        }

        vlen = (size_t) n;
        buf += vlen;

        if (resources_utf8_valid(value, vlen) != vlen) {
            resources_query_error("\"%s\" is not valid UTF-8 text",
                                  prm->name);
        }

        if (vlen > RESOURCES_QUERY_MAX_VALUE) {
            resources_query_error("\"%s\" is longer than %d bytes",
                                  prm->name, RESOURCES_QUERY_MAX_VALUE);
        }

        /*
         * A parameter that takes one value, given again: the same value is
         * the same request (a page that passes its own query string to an
         * SSI include that sets it too), another is an error
         */

        if (prm->id != RESOURCES_P_KW && prm->id != RESOURCES_P_TYPE
            && prm->id != RESOURCES_P_SERIES)
        {
            if (seen[prm->id].data) {
                if (seen[prm->id].len != vlen
                    || memcmp(seen[prm->id].data, value, vlen) != 0)
                {
                    goto twice;
                }

                p = amp + 1;
                continue;
            }

            seen[prm->id].data = value;
            seen[prm->id].len = vlen;
        }

        switch (prm->id) {

        case RESOURCES_P_KW:
        case RESOURCES_P_TYPE:
        case RESOURCES_P_SERIES:
            if (vlen == 0) {
                resources_query_error("\"%s\" must not be empty", prm->name);
            }

            if (prm->id == RESOURCES_P_SERIES) {
                if (q->nseries == RESOURCES_QUERY_MAX_SERIES) {
                    resources_query_error("\"series\" is given more than %d"
                                          " times",
                                          RESOURCES_QUERY_MAX_SERIES);
                }

                q->series[q->nseries].data = value;
                q->series[q->nseries++].len = vlen;

            } else if (prm->id == RESOURCES_P_KW) {
                if (q->nkw == RESOURCES_QUERY_MAX_KW) {
                    resources_query_error("\"kw\" is given more than %d times",
                                          RESOURCES_QUERY_MAX_KW);
                }

                q->kw[q->nkw].data = value;
                q->kw[q->nkw++].len = vlen;

            } else {
                if (q->ntype == RESOURCES_QUERY_MAX_TYPE) {
                    resources_query_error("\"type\" is given more than %d"
                                          " times", RESOURCES_QUERY_MAX_TYPE);
                }

                q->type[q->ntype].data = value;
                q->type[q->ntype++].len = vlen;
            }

            break;

        case RESOURCES_P_Q:
        case RESOURCES_P_PREFIX:
            if (prm->id == RESOURCES_P_Q) {
                q->q.data = value;
                q->q.len = vlen;

            } else {
                q->prefix.data = value;
                q->prefix.len = vlen;
            }

            break;

        case RESOURCES_P_FROM:
        case RESOURCES_P_TO:
            v = resources_month(value, vlen, prm->id == RESOURCES_P_TO);
            if (v == 0) {
                resources_query_error("\"%s\" must be a year (YYYY) or a"
                                      " month (YYYY-MM)", prm->name);
            }

            if (prm->id == RESOURCES_P_FROM) {
                q->from = (uint32_t) v;

            } else {
                q->to = (uint32_t) v;
            }

            break;

        case RESOURCES_P_SORT:
            if (vlen == 6 && memcmp(value, "newest", 6) == 0) {
                q->sort = RESOURCES_SORT_NEWEST;

            } else if (vlen == 6 && memcmp(value, "oldest", 6) == 0) {
                q->sort = RESOURCES_SORT_OLDEST;

            } else if (vlen == 5 && memcmp(value, "title", 5) == 0) {
                q->sort = RESOURCES_SORT_TITLE;

            } else if (vlen == 9 && memcmp(value, "relevance", 9) == 0) {
                q->sort = RESOURCES_SORT_RELEVANCE;

            } else if (vlen == 7 && memcmp(value, "updated", 7) == 0) {
                q->sort = RESOURCES_SORT_UPDATED;

            } else {
                resources_query_error("\"sort\" must be one of newest, oldest,"
                                      " title, relevance, updated");
            }

            break;

        case RESOURCES_P_FORMAT:
            if (vlen == 4 && memcmp(value, "json", 4) == 0) {
                q->format = RESOURCES_FORMAT_JSON;

            } else if (vlen == 4 && memcmp(value, "html", 4) == 0) {
                q->format = RESOURCES_FORMAT_HTML;

            } else {
                resources_query_error("\"format\" must be json or html");
            }

            break;

        case RESOURCES_P_LIMIT:
            q->limit = resources_number(value, vlen, max_limit);
            if (q->limit < 0) {
                resources_query_error("\"limit\" must be a whole number from"
                                      " 0 to %lld", (long long) max_limit);
            }

            break;

        case RESOURCES_P_OFFSET:
            q->offset = resources_number(value, vlen,
                                         RESOURCES_QUERY_MAX_OFFSET);
            if (q->offset < 0) {
                resources_query_error("\"offset\" must be a whole number from"
                                      " 0 to %d", RESOURCES_QUERY_MAX_OFFSET);
            }

            break;

        case RESOURCES_P_FACET_LIMIT:
            q->facet_limit = resources_number(value, vlen,
                                              RESOURCES_QUERY_MAX_FACET);
            if (q->facet_limit < 1) {
                resources_query_error("\"facet_limit\" must be a whole number"
                                      " from 1 to %d",
                                      RESOURCES_QUERY_MAX_FACET);
            }

            break;

        case RESOURCES_P_FACETS:
            if (resources_facets(value, vlen, &q->facets) != 0) {
                resources_query_error("\"facets\" must be a comma-separated"
                                      " list of kw, type, year");
            }

            break;
        }

        p = amp + 1;
        continue;

    twice:

        resources_query_error("\"%s\" is given more than once", prm->name);
    }

    if (q->from && q->to && q->to < q->from) {
        resources_query_error("\"to\" is before \"from\"");
    }

    return 0;
}
