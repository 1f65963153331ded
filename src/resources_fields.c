/*
 * Copyright (C) ngx_http_resources authors
 */


#include <string.h>

#include "resources_fields.h"


#define RESOURCES_FIELDS_DEPTH  64      /* nesting skipped, at most */


/* the end of a JSON string whose opening quote is at p, or NULL */

static const u_char *
resources_fields_string_end(const u_char *p, const u_char *end)
{
    const u_char  *start, *q, *b;

    start = ++p;

    /* the next quote that an odd run of backslashes does not escape */

    while (p < end) {
        q = memchr(p, '"', (size_t) (end - p));
        if (q == NULL) {
            return NULL;
        }

        for (b = q; b > start && b[-1] == '\\'; b--) { /* void */ }

        if ((q - b) % 2 == 0) {
            return q;
        }

        p = q + 1;
    }

    return NULL;
}


static int
resources_fields_hex(const u_char *p, const u_char *end, unsigned *v)
{
    int       i;
    unsigned  x;
    u_char    c;

    if (end - p < 4) {
        return -1;
    }

    x = 0;

    for (i = 0; i < 4; i++) {
        c = p[i];
        x <<= 4;

        if (c >= '0' && c <= '9') {
            x |= c - '0';

        } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') {
            x |= (c | 0x20) - 'a' + 10;

        } else {
            return -1;
        }
    }

    *v = x;

    return 0;
}


/* decodes a JSON string's contents into out (as long at most); -1: bad */

ssize_t
resources_fields_decode(const resources_field_t *s, u_char *out)
{
    size_t         n;
    unsigned       cp, lo;
    u_char        *o;
    const u_char  *p, *q;

    o = out;

    for (p = s->start; p < s->end; p++) {
        if (*p != '\\') {

            /* the run up to the next escape, at once */

            q = memchr(p, '\\', (size_t) (s->end - p));
            n = (q ? q : s->end) - p;
            memcpy(o, p, n);
            o += n;
            p += n - 1;
            continue;
        }

        if (++p == s->end) {
            return -1;
        }

        switch (*p) {
        case '"': case '\\': case '/':
            *o++ = *p;
            continue;
        case 'b':
            *o++ = '\b';
            continue;
        case 'f':
            *o++ = '\f';
            continue;
        case 'n':
            *o++ = '\n';
            continue;
        case 'r':
            *o++ = '\r';
            continue;
        case 't':
            *o++ = '\t';
            continue;
        case 'u':
            break;
        default:
            return -1;
        }

        if (resources_fields_hex(p + 1, s->end, &cp) != 0) {
            return -1;
        }

        p += 4;

        if (cp >= 0xd800 && cp < 0xdc00) {
            if (s->end - p < 7 || p[1] != '\\' || p[2] != 'u'
                || resources_fields_hex(p + 3, s->end, &lo) != 0
                || lo < 0xdc00 || lo >= 0xe000)
            {
                return -1;
            }

            p += 6;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);

        } else if (cp >= 0xdc00 && cp < 0xe000) {
            return -1;
        }

        /* \uXXXX takes 6 bytes or more, its UTF-8 4 at most */

        if (cp < 0x80) {
            *o++ = (u_char) cp;

        } else if (cp < 0x800) {
            *o++ = (u_char) (0xc0 | (cp >> 6));
            *o++ = (u_char) (0x80 | (cp & 0x3f));

        } else if (cp < 0x10000) {
            *o++ = (u_char) (0xe0 | (cp >> 12));
            *o++ = (u_char) (0x80 | ((cp >> 6) & 0x3f));
            *o++ = (u_char) (0x80 | (cp & 0x3f));

        } else {
            *o++ = (u_char) (0xf0 | (cp >> 18));
            *o++ = (u_char) (0x80 | ((cp >> 12) & 0x3f));
            *o++ = (u_char) (0x80 | ((cp >> 6) & 0x3f));
            *o++ = (u_char) (0x80 | (cp & 0x3f));
        }
    }

    return (ssize_t) (o - out);
}


/* the end of any JSON value at p (just past it), or NULL */

static const u_char *
resources_fields_skip(const u_char *p, const u_char *end)
{
    unsigned  depth;

    depth = 0;

    while (p < end) {
        switch (*p) {

        case '"':
            p = resources_fields_string_end(p, end);
            if (p == NULL) {
                return NULL;
            }

            p++;
            break;

        case '{':
        case '[':
            if (++depth > RESOURCES_FIELDS_DEPTH) {
                return NULL;
            }

            p++;
            continue;

        case '}':
        case ']':
            if (depth == 0) {
                return p;
            }

            depth--;
            p++;
            break;

        case ',':
            if (depth == 0) {
                return p;
            }

            p++;
            continue;

        default:
            p++;
            continue;
        }

        if (depth == 0) {
            return p;
        }
    }

    return depth ? NULL : p;
}


/*
 * The members of the object at p: for each, its key and where its value
 * starts; the callback's return: 0 to go on, -1 to stop
 */

typedef int (*resources_fields_member_pt)(const u_char *key, size_t klen,
    const u_char *v, const u_char *vend, void *data);


static const u_char *
resources_fields_object(const u_char *p, const u_char *end,
    resources_fields_member_pt member, void *data)
{
    size_t         klen;
    const u_char  *key, *v;

    if (p == end || *p++ != '{') {
        return NULL;
    }

    if (p < end && *p == '}') {
        return p + 1;
    }

    while (p < end) {

        /* "key": */

        if (*p != '"') {
            return NULL;
        }

        key = p + 1;
        p = resources_fields_string_end(p, end);

        if (p == NULL || end - p < 2 || p[1] != ':') {
            return NULL;
        }

        klen = (size_t) (p - key);
        p += 2;

        v = resources_fields_skip(p, end);

        if (v == NULL || v == p
            || member(key, klen, p, v, data) != 0)
        {
            return NULL;
        }

        p = v;

        if (p == end) {
            return p;       /* a list form: the full form without its "}" */
        }

        if (*p == '}') {
            return p + 1;
        }

        if (*p++ != ',') {
            return NULL;
        }
    }

    return NULL;
}


#define resources_fields_key(name)                                           \
    (klen == sizeof(name) - 1 && memcmp(key, name, klen) == 0)


static void
resources_fields_string(resources_field_t *s, const u_char *v,
    const u_char *vend)
{
    if (*v == '"') {
        s->start = v + 1;
        s->end = vend - 1;
        s->set = 1;
    }
}


static int
resources_fields_member(const u_char *key, size_t klen, const u_char *v,
    const u_char *vend, void *data)
{
    resources_fields_t  *f = data;

    resources_field_t  *s;

    s = resources_fields_key("id") ? &f->id
        : resources_fields_key("title") ? &f->title
        : resources_fields_key("type") ? &f->type
        : resources_fields_key("date") ? &f->date
        : resources_fields_key("updated") ? &f->updated
        : resources_fields_key("series") ? &f->series
        : resources_fields_key("summary") ? &f->summary
        : resources_fields_key("body") ? &f->body
        : NULL;

    if (s) {
        resources_fields_string(s, v, vend);
        return 0;
    }

    if (resources_fields_key("number")) {
        if ((*v >= '0' && *v <= '9') || *v == '-') {
            f->number.start = v;
            f->number.end = vend;
            f->number.set = 1;
        }

        return 0;
    }

    if (*v == '[') {
        if (resources_fields_key("keywords")) {
            f->keywords = v;
            f->keywords_end = vend;

        } else if (resources_fields_key("links")) {
            f->links = v;
            f->links_end = vend;
        }
    }

    return 0;
}


int
resources_fields_parse(const u_char *p, const u_char *end,
    resources_fields_t *f)
{
    memset(f, 0, sizeof(resources_fields_t));

    if (resources_fields_object(p, end, resources_fields_member, f)
        == NULL)
    {
        return -1;
    }

    return (f->id.set && f->title.set && f->type.set) ? 0 : -1;
}


/* the next element of the array at *pp (at "[" or after an element) */

static const u_char *
resources_fields_element(const u_char **pp, const u_char *end)
{
    const u_char  *p;

    p = *pp;

    if (p < end && *p == '[') {
        p++;
    }

    while (p < end && (*p == ',' || *p == ' ')) {
        p++;
    }

    *pp = p;

    return (p == end || *p == ']') ? NULL : p;
}


int
resources_fields_next(const u_char **pp, const u_char *end,
    resources_field_t *s)
{
    const u_char  *p, *e;

    p = resources_fields_element(pp, end);

    if (p == NULL) {
        return 0;
    }

    if (*p != '"') {
        return -1;
    }

    e = resources_fields_string_end(p, end);
    if (e == NULL) {
        return -1;
    }

    s->start = p + 1;
    s->end = e;
    s->set = 1;

    *pp = e + 1;

    return 1;
}


typedef struct {
    resources_field_t  *label;
    resources_field_t  *url;
} resources_fields_link_t;


static int
resources_fields_link_member(const u_char *key, size_t klen,
    const u_char *v, const u_char *vend, void *data)
{
    resources_fields_link_t  *l = data;

    if (resources_fields_key("label")) {
        resources_fields_string(l->label, v, vend);

    } else if (resources_fields_key("url")) {
        resources_fields_string(l->url, v, vend);
    }

    return 0;
}


int
resources_fields_next_link(const u_char **pp, const u_char *end,
    resources_field_t *label, resources_field_t *url)
{
    const u_char             *p;
    resources_fields_link_t   l;

    p = resources_fields_element(pp, end);

    if (p == NULL) {
        return 0;
    }

    if (*p != '{') {
        return -1;
    }

    memset(label, 0, sizeof(resources_field_t));
    memset(url, 0, sizeof(resources_field_t));
    l.label = label;
    l.url = url;

    p = resources_fields_object(p, end, resources_fields_link_member, &l);
    if (p == NULL) {
        return -1;
    }

    *pp = p;

    return 1;
}
