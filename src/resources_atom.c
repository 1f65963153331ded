/*
 * Copyright (C) ngx_http_resources authors
 */


#include <string.h>

#include "resources_atom.h"


typedef struct {
    const u_char  *start;       /* a string's contents, escapes and all */
    const u_char  *end;
    unsigned       set:1;       /* a string (not null, not absent) */
} resources_atom_str_t;


typedef struct {
    resources_atom_str_t   id;
    resources_atom_str_t   title;
    resources_atom_str_t   type;
    resources_atom_str_t   date;
    resources_atom_str_t   updated;
    resources_atom_str_t   summary;
    const u_char          *keywords;      /* "[" ... "]" */
    const u_char          *keywords_end;
} resources_atom_rec_t;


size_t
resources_atom_xml(const u_char *s, size_t len, u_char *out)
{
    size_t   i;
    u_char   c, *o;

    o = out;

    for (i = 0; i < len; i++) {
        c = s[i];

        switch (c) {
        case '&':
            memcpy(o, "&amp;", 5);
            o += 5;
            continue;
        case '<':
            memcpy(o, "&lt;", 4);
            o += 4;
            continue;
        case '>':
            memcpy(o, "&gt;", 4);
            o += 4;
            continue;
        case '"':
            memcpy(o, "&quot;", 6);
            o += 6;
            continue;
        }

        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            continue;
        }

        if (c == 0xef && i + 2 < len && s[i + 1] == 0xbf
            && (s[i + 2] == 0xbe || s[i + 2] == 0xbf))
        {
            i += 2;
            continue;
        }

        *o++ = c;
    }

    return (size_t) (o - out);
}


/* the end of a JSON string whose opening quote is at p, or NULL */

static const u_char *
resources_atom_string_end(const u_char *p, const u_char *end)
{
    for (p++; p < end; p++) {
        if (*p == '\\') {
            p++;
            continue;
        }

        if (*p == '"') {
            return p;
        }
    }

    return NULL;
}


static int
resources_atom_hex(const u_char *p, const u_char *end, unsigned *v)
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

static ssize_t
resources_atom_decode(const resources_atom_str_t *s, u_char *out)
{
    unsigned       cp, lo;
    u_char        *o;
    const u_char  *p;

    o = out;

    for (p = s->start; p < s->end; p++) {
        if (*p != '\\') {
            *o++ = *p;
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

        if (resources_atom_hex(p + 1, s->end, &cp) != 0) {
            return -1;
        }

        p += 4;

        if (cp >= 0xd800 && cp < 0xdc00) {
            if (s->end - p < 7 || p[1] != '\\' || p[2] != 'u'
                || resources_atom_hex(p + 3, s->end, &lo) != 0
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


/* reads the list form's fields: 0, or -1 when it is not one */

static int
resources_atom_parse(const u_char *p, const u_char *end,
    resources_atom_rec_t *rec)
{
    size_t                 klen;
    const u_char          *key, *v;
    resources_atom_str_t  *str;

    memset(rec, 0, sizeof(resources_atom_rec_t));

    if (p == end || *p++ != '{') {
        return -1;
    }

    while (p < end) {

        /* "key": */

        if (*p != '"') {
            return -1;
        }

        key = p + 1;
        p = resources_atom_string_end(p, end);

        if (p == NULL || end - p < 2 || p[1] != ':') {
            return -1;
        }

        klen = (size_t) (p - key);
        p += 2;

        if (p == end) {
            return -1;
        }

#define resources_atom_key(name)                                             \
        (klen == sizeof(name) - 1 && memcmp(key, name, klen) == 0)

        str = resources_atom_key("id") ? &rec->id
              : resources_atom_key("title") ? &rec->title
              : resources_atom_key("type") ? &rec->type
              : resources_atom_key("date") ? &rec->date
              : resources_atom_key("updated") ? &rec->updated
              : resources_atom_key("summary") ? &rec->summary
              : NULL;

        /* the value */

        if (*p == '"') {
            v = resources_atom_string_end(p, end);
            if (v == NULL) {
                return -1;
            }

            if (str) {
                str->start = p + 1;
                str->end = v;
                str->set = 1;
            }

            p = v + 1;

        } else if (*p == '[') {
            v = p;

            for (p++; p < end && *p != ']'; p++) {
                if (*p == '"') {
                    p = resources_atom_string_end(p, end);
                    if (p == NULL) {
                        return -1;
                    }
                }
            }

            if (p == end) {
                return -1;
            }

            p++;

            if (resources_atom_key("keywords")) {
                rec->keywords = v;
                rec->keywords_end = p;
            }

        } else {

            /* null, true, false, a number */

            while (p < end && *p != ',') {
                if (*p == '{' || *p == '[' || *p == '"') {
                    return -1;
                }

                p++;
            }
        }

#undef resources_atom_key

        if (p == end) {
            break;
        }

        if (*p++ != ',') {
            return -1;
        }
    }

    return (rec->id.set && rec->title.set && rec->type.set) ? 0 : -1;
}


/* "YYYY-MM-DDT00:00:00Z" of a YYYY-MM or YYYY-MM-DD date */

static u_char *
resources_atom_stamp(u_char *o, const u_char *date, size_t len)
{
    size_t  n;

    n = len < 7 ? len : 7;
    memcpy(o, date, n);
    o += n;
    *o++ = '-';

    if (len == 10) {
        memcpy(o, date + 8, 2);

    } else {
        memcpy(o, "01", 2);
    }

    o += 2;
    memcpy(o, "T00:00:00Z", 10);

    return o + 10;
}


#define resources_atom_literal(o, s)                                         \
    (memcpy(o, s, sizeof(s) - 1), (o) + sizeof(s) - 1)


/* the decoded, XML-escaped contents of a JSON string */

static u_char *
resources_atom_text(u_char *o, const resources_atom_str_t *s, u_char *work,
    int *bad)
{
    ssize_t  n;

    n = resources_atom_decode(s, work);
    if (n < 0) {
        *bad = 1;
        return o;
    }

    return o + resources_atom_xml(work, (size_t) n, o);
}


ssize_t
resources_atom_render(const u_char *list, size_t len, u_char *out,
    u_char *work)
{
    int                    bad;
    ssize_t                n;
    u_char                *o;
    const u_char          *p, *end, *e;
    resources_atom_rec_t   rec;
    resources_atom_str_t   kw, *date;

    if (resources_atom_parse(list, list + len, &rec) != 0) {
        return -1;
    }

    bad = 0;
    o = out;

    o = resources_atom_literal(o, "<title>");
    o = resources_atom_text(o, &rec.title, work, &bad);
    o = resources_atom_literal(o, "</title><link href=\"");
    o = resources_atom_text(o, &rec.id, work, &bad);
    o = resources_atom_literal(o, "\"/><updated>");

    date = rec.updated.set ? &rec.updated : rec.date.set ? &rec.date : NULL;

    if (date) {
        n = resources_atom_decode(date, work);
        if (n < 0) {
            return -1;
        }

        o = resources_atom_stamp(o, work, (size_t) n);

    } else {
        o = resources_atom_literal(o, "1970-01-01T00:00:00Z");
    }

    o = resources_atom_literal(o, "</updated>");

    if (rec.date.set) {
        n = resources_atom_decode(&rec.date, work);
        if (n < 0) {
            return -1;
        }

        o = resources_atom_literal(o, "<published>");
        o = resources_atom_stamp(o, work, (size_t) n);
        o = resources_atom_literal(o, "</published>");
    }

    if (rec.summary.set && rec.summary.end > rec.summary.start) {
        o = resources_atom_literal(o, "<summary>");
        o = resources_atom_text(o, &rec.summary, work, &bad);
        o = resources_atom_literal(o, "</summary>");
    }

    o = resources_atom_literal(o, "<category scheme=\"type\" term=\"");
    o = resources_atom_text(o, &rec.type, work, &bad);
    o = resources_atom_literal(o, "\"/>");

    if (rec.keywords) {
        end = rec.keywords_end;

        for (p = rec.keywords + 1; p < end; p++) {
            if (*p != '"') {
                continue;
            }

            e = resources_atom_string_end(p, end);
            if (e == NULL) {
                return -1;
            }

            kw.start = p + 1;
            kw.end = e;
            kw.set = 1;

            o = resources_atom_literal(o, "<category term=\"");
            o = resources_atom_text(o, &kw, work, &bad);
            o = resources_atom_literal(o, "\"/>");

            p = e;
        }
    }

    o = resources_atom_literal(o, "</entry>");

    return bad ? -1 : (ssize_t) (o - out);
}
