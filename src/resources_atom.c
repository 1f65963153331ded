/*
 * Copyright (C) ngx_http_resources authors
 */


#include <string.h>

#include "resources_atom.h"
#include "resources_fields.h"


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
resources_atom_text(u_char *o, const resources_field_t *s, u_char *work,
    int *bad)
{
    ssize_t  n;

    n = resources_fields_decode(s, work);
    if (n < 0) {
        *bad = 1;
        return o;
    }

    return o + resources_atom_xml(work, (size_t) n, o);
}


ssize_t
resources_atom_render(const u_char *list, size_t len, const u_char *alt,
    size_t alt_len, u_char *out, u_char *work)
{
    int                  bad, rc;
    ssize_t              n;
    u_char              *o;
    const u_char        *p;
    resources_fields_t   rec;
    resources_field_t    kw, *date;

    if (resources_fields_parse(list, list + len, &rec) != 0) {
        return -1;
    }

    bad = 0;
    o = out;

    o = resources_atom_literal(o, "<title>");
    o = resources_atom_text(o, &rec.title, work, &bad);
    o = resources_atom_literal(o, "</title>");

    if (alt) {
        o = resources_atom_literal(o, "<link rel=\"alternate\""
                                      " type=\"text/html\" href=\"");
        o += resources_atom_xml(alt, alt_len, o);
        o = resources_atom_literal(o, "\"/><link rel=\"related\""
                                      " type=\"application/json\" href=\"");

    } else {
        o = resources_atom_literal(o, "<link href=\"");
    }

    o = resources_atom_text(o, &rec.id, work, &bad);
    o = resources_atom_literal(o, "\"/><updated>");

    date = rec.updated.set ? &rec.updated : rec.date.set ? &rec.date : NULL;

    if (date) {
        n = resources_fields_decode(date, work);
        if (n < 0) {
            return -1;
        }

        o = resources_atom_stamp(o, work, (size_t) n);

    } else {
        o = resources_atom_literal(o, "1970-01-01T00:00:00Z");
    }

    o = resources_atom_literal(o, "</updated>");

    if (rec.date.set) {
        n = resources_fields_decode(&rec.date, work);
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
        p = rec.keywords;

        while ((rc = resources_fields_next(&p, rec.keywords_end, &kw)) > 0) {
            o = resources_atom_literal(o, "<category term=\"");
            o = resources_atom_text(o, &kw, work, &bad);
            o = resources_atom_literal(o, "\"/>");
        }

        if (rc < 0) {
            return -1;
        }
    }

    o = resources_atom_literal(o, "</entry>");

    return bad ? -1 : (ssize_t) (o - out);
}
