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
    RESOURCES_P_TYPOS,
    RESOURCES_P_HIGHLIGHT,
    RESOURCES_P_CROP,
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
    { "typos", 5, RESOURCES_P_TYPOS, RESOURCES_Q_LIST },
    { "highlight", 9, RESOURCES_P_HIGHLIGHT, RESOURCES_Q_LIST },
    { "crop", 4, RESOURCES_P_CROP, RESOURCES_Q_LIST },
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


/* highlight=: "1" (title and summary), or any of title,summary */

static int
resources_highlight_fields(const u_char *p, size_t len, unsigned *fields)
{
    size_t         i, n;
    const u_char  *s;

    *fields = 0;

    if (len == 1 && p[0] == '1') {
        *fields = RESOURCES_HIGHLIGHT_TITLE | RESOURCES_HIGHLIGHT_SUMMARY;
        return 0;
    }

    i = 0;

    while (i <= len) {
        s = p + i;

        for (n = 0; i + n < len && p[i + n] != ','; n++) { /* void */ }

        if (n == 5 && memcmp(s, "title", 5) == 0) {
            *fields |= RESOURCES_HIGHLIGHT_TITLE;

        } else if (n == 7 && memcmp(s, "summary", 7) == 0) {
            *fields |= RESOURCES_HIGHLIGHT_SUMMARY;

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
    q->typos = 1;
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

        case RESOURCES_P_TYPOS:
            if (vlen != 1 || (value[0] != '0' && value[0] != '1')) {
                resources_query_error("\"typos\" must be 0 or 1");
            }

            q->typos = (value[0] == '1');

            break;

        case RESOURCES_P_FACETS:
            if (resources_facets(value, vlen, &q->facets) != 0) {
                resources_query_error("\"facets\" must be a comma-separated"
                                      " list of kw, type, year");
            }

            break;

        case RESOURCES_P_HIGHLIGHT:
            if (resources_highlight_fields(value, vlen, &q->highlight) != 0) {
                resources_query_error("\"highlight\" must be 1 or a"
                                      " comma-separated list of title,"
                                      " summary");
            }

            break;

        case RESOURCES_P_CROP:
            q->crop = resources_number(value, vlen,
                                       RESOURCES_QUERY_MAX_CROP);
            if (q->crop < 1) {
                resources_query_error("\"crop\" must be a whole number from"
                                      " 1 to %d", RESOURCES_QUERY_MAX_CROP);
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

    if (q->crop > 0 && !(q->highlight & RESOURCES_HIGHLIGHT_SUMMARY)) {
        resources_query_error("\"crop\" cuts the highlighted summary: it"
                              " needs \"highlight\" with summary");
    }

    return 0;
}


/*
 * q's syntax (resources_q_parse): a piece at a time, from the raw text
 */

#define RESOURCES_Q_TOKEN_UNIT  0
#define RESOURCES_Q_TOKEN_OR    1


typedef struct {
    const u_char  *start;       /* as typed */
    const u_char  *end;
    const u_char  *in;          /* its text: without "-" and quotes */
    const u_char  *in_end;
    unsigned       kind;        /* RESOURCES_Q_TOKEN_* */
    unsigned       negated:1;
    unsigned       phrase:1;
} resources_q_token_t;


typedef struct {
    resources_q_t  *out;
    u_char         *at;         /* where the next word is copied */
    u_char         *words_end;
    size_t          room;       /* words the unit may still take */
    size_t          k;          /* its words (not stop words) */
    size_t          kept;       /* of them, copied */
    size_t          pos;        /* words seen, stop words too */
    unsigned        last;       /* the last word was a whole-text LAST */
} resources_q_walk_t;


static int
resources_q_space(u_char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
}


/* the length of a quote mark at p ("  U+201C U+201D U+00AB U+00BB), or 0 */

static size_t
resources_q_quote(const u_char *p, const u_char *end)
{
    if (*p == '"') {
        return 1;
    }

    if (end - p >= 2 && p[0] == 0xc2 && (p[1] == 0xab || p[1] == 0xbb)) {
        return 2;
    }

    if (end - p >= 3 && p[0] == 0xe2 && p[1] == 0x80
        && (p[2] == 0x9c || p[2] == 0x9d))
    {
        return 3;
    }

    return 0;
}


/* the next piece of q from *pp; 0 at the end */

static int
resources_q_token(const u_char **pp, const u_char *end,
    resources_q_token_t *t)
{
    size_t         n, m;
    const u_char  *p, *c;

    p = *pp;

    while (p < end && resources_q_space(*p)) {
        p++;
    }

    if (p == end) {
        *pp = p;
        return 0;
    }

    t->start = p;
    t->kind = RESOURCES_Q_TOKEN_UNIT;
    t->negated = 0;
    t->phrase = 0;

    if (*p == '-' && end - p >= 2 && !resources_q_space(p[1])
        && p[1] != '-')
    {
        t->negated = 1;
        p++;
    }

    n = resources_q_quote(p, end);

    if (n) {
        for (c = p + n; c < end; c++) {
            m = resources_q_quote(c, end);

            if (m) {
                t->phrase = 1;
                t->in = p + n;
                t->in_end = c;
                t->end = c + m;
                *pp = c + m;
                return 1;
            }
        }

        /* a quote that nothing closes: plain text */

        t->negated = 0;
        p = t->start;
    }

    for (c = p; c < end && !resources_q_space(*c); c++) { /* void */ }

    t->in = p;
    t->in_end = c;
    t->end = c;
    *pp = c;

    if (!t->negated && c - p == 2 && p[0] == 'O' && p[1] == 'R') {
        t->kind = RESOURCES_Q_TOKEN_OR;
    }

    return 1;
}


static int
resources_q_word(void *data, const resources_word_t *wd)
{
    resources_q_walk_t  *w = data;

    size_t               len;
    unsigned             flags;
    const u_char        *word;
    resources_q_word_t  *qw;

    word = wd->word;
    len = wd->len;
    flags = wd->flags;

    w->pos++;
    w->last = 0;

    if (flags & RESOURCES_WORD_STOP) {
        return 0;
    }

    w->k++;
    w->last = (flags & RESOURCES_WORD_LAST) != 0;

    if (w->kept == w->room
        || (size_t) (w->words_end - w->at) < len + wd->surface_len)
    {
        return 0;
    }

    qw = &w->out->word[w->out->nwords + w->kept++];

    memcpy(w->at, word, len);
    qw->text.data = w->at;
    qw->text.len = len;
    qw->pos = (uint16_t) (w->pos - 1);
    qw->unit = (uint16_t) w->out->nunits;

    w->at += len;

    memcpy(w->at, wd->surface, wd->surface_len);
    qw->surface.data = w->at;
    qw->surface.len = wd->surface_len;

    w->at += wd->surface_len;

    return 0;
}


int
resources_q_parse(const u_char *q, size_t len, u_char *buf, size_t cap,
    unsigned how, resources_q_t *out)
{
    size_t               i, j, n;
    ssize_t              flen;
    u_char              *scratch, *at;
    unsigned             prev, join, group, full;
    const u_char        *p, *end;
    resources_q_walk_t   w;
    resources_q_unit_t  *u;
    resources_q_token_t  tok[2], *t;

    memset(out, 0, sizeof(resources_q_t));

    if (cap < RESOURCES_Q_ROOM(len)) {
        return -1;
    }

    w.out = out;
    w.at = buf;
    w.words_end = buf + 2 * RESOURCES_Q_WORDS_MAX * RESOURCES_WORD_MAX;
    scratch = w.words_end;

    p = q;
    end = q + len;

    prev = 0;                   /* the piece before: a unit, not negated */
    group = 0;
    full = 0;                   /* the limit is reached: the rest ignored */
    n = 0;                      /* tokens read ahead in tok[] */

    for ( ;; ) {

        if (n == 0) {
            if (!resources_q_token(&p, end, &tok[0])) {
                break;
            }

            n = 1;
        }

        t = &tok[0];
        join = 0;

        if (t->kind == RESOURCES_Q_TOKEN_OR) {

            /* OR between two pieces that are neither "-" nor OR */

            if (n == 1 && resources_q_token(&p, end, &tok[1])) {
                n = 2;
            }

            if (prev && n == 2 && tok[1].kind == RESOURCES_Q_TOKEN_UNIT
                && !tok[1].negated)
            {
                tok[0] = tok[1];
                n = 1;
                join = 1;

            } else {
                t->kind = RESOURCES_Q_TOKEN_UNIT;     /* the word "OR" */
            }
        }

        if (!join) {
            group++;
        }

        prev = !t->negated;

        /* its words */

        flen = resources_fold(t->in, (size_t) (t->in_end - t->in), scratch,
                              cap - (size_t) (scratch - buf));
        if (flen < 0) {
            return -1;
        }

        at = w.at;
        w.k = 0;
        w.kept = 0;
        w.pos = 0;
        w.last = 0;
        w.room = full ? 0 : RESOURCES_Q_WORDS_MAX - out->nwords;

        (void) resources_words_ex(scratch, (size_t) flen, how,
                                  resources_q_word, &w);

        if (w.k == 0) {
            goto next;                  /* stop words, punctuation */
        }

        if (out->nunits == RESOURCES_Q_UNITS_MAX) {

            /* only ignored units can be that many: the last one grows */

            u = &out->unit[out->nunits - 1];
            w.at = at;

            if (u->flags & RESOURCES_Q_IGNORED) {
                u->text.len = (size_t) (t->end - u->text.data);
            }

            goto next;
        }

        u = &out->unit[out->nunits];
        u->text.data = t->start;
        u->text.len = (size_t) (t->end - t->start);
        u->word = (uint16_t) out->nwords;
        u->group = (uint16_t) group;
        u->flags = (t->negated ? RESOURCES_Q_NEGATED : 0)
                   | (t->phrase ? RESOURCES_Q_PHRASE : 0);

        if (w.kept < w.k) {

            /*
             * Past the limit: a plain piece or a phrase keeps its first
             * words (unless it is an alternative), any other is ignored
             */

            if (w.kept && !t->negated && !join) {
                u->flags |= RESOURCES_Q_CUT;

            } else {
                u->flags |= RESOURCES_Q_IGNORED;
                w.kept = 0;
                w.at = at;              /* its words are not kept */
            }

            full = 1;
            out->nignored++;
        }

        u->nwords = (uint16_t) w.kept;
        out->nwords += w.kept;
        out->nunits++;

        /*
         * The last piece's last word is also a prefix when the text ends
         * there: typed on, not closed by a quote, a space or a separator
         */

        if (t->end == end && w.last && !t->negated && !t->phrase
            && !(u->flags & (RESOURCES_Q_IGNORED | RESOURCES_Q_CUT))
            && out->word[out->nwords - 1].text.len >= 2)
        {
            u->flags |= RESOURCES_Q_PREFIX;
        }

    next:

        if (n == 2) {
            tok[0] = tok[1];
        }

        n--;
    }

    /* an exclusion, or a group of two or more, is used */

    for (i = 0; i < out->nunits; i = j) {
        u = &out->unit[i];

        for (j = i + 1;
             j < out->nunits && out->unit[j].group == u->group
             && !(out->unit[j].flags & RESOURCES_Q_IGNORED);
             j++)
        { /* void */ }

        if (u->flags & RESOURCES_Q_IGNORED) {
            break;
        }

        if ((u->flags & RESOURCES_Q_NEGATED) || j - i > 1) {
            out->syntax = 1;
        }

        if (j - i > 1) {
            out->any = 1;
        }
    }

    return 0;
}
