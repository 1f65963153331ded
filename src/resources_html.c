/*
 * Copyright (C) ngx_http_resources authors
 */


#include <stdio.h>
#include <string.h>

#include "resources_html.h"
#include "resources_fields.h"


#define resources_html_literal(o, s)                                         \
    (memcpy(o, s, sizeof(s) - 1), (o) + sizeof(s) - 1)


static const char  *resources_html_months[] = {
    "janvier", "f\xc3\xa9vrier", "mars", "avril", "mai", "juin", "juillet",
    "ao\xc3\xbbt", "septembre", "octobre", "novembre", "d\xc3\xa9" "cembre"
};


size_t
resources_html_link_room(const resources_html_conf_t *conf, size_t len)
{
    /* the template with every "{id}" an id percent-encoded (3 a byte) */

    return conf->link ? conf->link_len + conf->link_ids * 3 * len
                      : conf->self_len + 3 * len + sizeof("/?format=html");
}


/* the bytes escape changes: 1, an entity; 2, dropped */

static const u_char  resources_html_special[256] = {
    2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 2, 2, 0, 2, 2,     /* \t \n \r kept */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0,     /* " & ' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0,     /* < > */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2      /* DEL */
};


size_t
resources_html_escape(const u_char *s, size_t len, u_char *out)
{
    size_t         n;
    u_char        *o;
    const u_char  *p, *end, *run;

    o = out;
    p = s;
    end = s + len;

    while (p < end) {

        /* a run of bytes kept as they are, copied at once */

        for (run = p; p < end && resources_html_special[*p] == 0; p++) {
            /* void */
        }

        n = (size_t) (p - run);
        memcpy(o, run, n);
        o += n;

        if (p == end) {
            break;
        }

        switch (*p++) {
        case '&':
            o = resources_html_literal(o, "&amp;");
            break;
        case '<':
            o = resources_html_literal(o, "&lt;");
            break;
        case '>':
            o = resources_html_literal(o, "&gt;");
            break;
        case '"':
            o = resources_html_literal(o, "&quot;");
            break;
        case '\'':
            o = resources_html_literal(o, "&#39;");
            break;
        default:
            break;                          /* a control: dropped */
        }
    }

    return (size_t) (o - out);
}


/* the bytes a URL keeps as they are (RFC 3986 unreserved) */

static const u_char  resources_html_unreserved[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0,
};


/* percent-encoding for a query value or a path segment: 3 bytes a byte */

static u_char *
resources_html_percent(u_char *o, const u_char *s, size_t len)
{
    size_t                 i;
    u_char                 c;
    static const u_char    hex[] = "0123456789ABCDEF";

    for (i = 0; i < len; i++) {
        c = s[i];

        if (resources_html_unreserved[c]) {
            *o++ = c;
            continue;
        }

        *o++ = '%';
        *o++ = hex[c >> 4];
        *o++ = hex[c & 0xf];
    }

    return o;
}


u_char *
resources_html_link(u_char *o, const resources_html_conf_t *conf,
    const u_char *id, size_t len)
{
    const u_char  *p, *end;

    if (conf->link == NULL) {
        memcpy(o, conf->self, conf->self_len);
        o += conf->self_len;
        *o++ = '/';
        o = resources_html_percent(o, id, len);

        return resources_html_literal(o, "?format=html");
    }

    p = conf->link;
    end = p + conf->link_len;

    while (p < end) {
        if (end - p >= 4 && memcmp(p, "{id}", 4) == 0) {
            o = resources_html_percent(o, id, len);
            p += 4;
            continue;
        }

        *o++ = *p++;
    }

    return o;
}


/* a field decoded, then escaped; *bad set when it cannot be decoded */

static u_char *
resources_html_text(u_char *o, const resources_field_t *s, u_char *work,
    int *bad)
{
    ssize_t  n;

    n = resources_fields_decode(s, work);
    if (n < 0) {
        *bad = 1;
        return o;
    }

    return o + resources_html_escape(work, (size_t) n, o);
}


static u_char *resources_html_paras(u_char *o, const u_char *text,
    size_t n, int escape);


/*
 * Paragraphs: a text's blank lines separate them; each is a <p>, its
 * leading and trailing white space left out
 */

static u_char *
resources_html_paragraphs(u_char *o, const resources_field_t *s,
    u_char *work, int *bad)
{
    ssize_t  n;

    n = resources_fields_decode(s, work);
    if (n < 0) {
        *bad = 1;
        return o;
    }

    return resources_html_paras(o, work, (size_t) n, 1);
}


/* text in paragraphs, escaped (escape) or HTML already */

static u_char *
resources_html_paras(u_char *o, const u_char *text, size_t n, int escape)
{
    const u_char  *p, *end, *q, *e, *next;

    p = text;
    end = text + n;

    while (p < end) {

        /*
         * the paragraph ends at a line that holds nothing but spaces; the
         * next one starts after it
         */

        next = end;

        for (q = p; q < end; q++) {
            q = memchr(q, '\n', (size_t) (end - q));
            if (q == NULL) {
                q = end;
                break;
            }

            for (e = q + 1; e < end && (*e == ' ' || *e == '\t'
                                        || *e == '\r');
                 e++)
            { /* void */ }

            if (e < end && *e == '\n') {
                next = e + 1;
                break;
            }
        }

        e = q;

        while (p < e && (*p == ' ' || *p == '\n' || *p == '\r'
                         || *p == '\t'))
        {
            p++;
        }

        while (e > p && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r'
                         || e[-1] == '\t'))
        {
            e--;
        }

        if (e > p) {
            o = resources_html_literal(o, "<p>");

            if (escape) {
                o += resources_html_escape(p, (size_t) (e - p), o);

            } else {
                o = (u_char *) memcpy(o, p, (size_t) (e - p)) + (e - p);
            }

            o = resources_html_literal(o, "</p>");
        }

        p = next;
    }

    return o;
}


/* "février 2024" or "15 février 2024" of YYYY-MM or YYYY-MM-DD; or as is */

static u_char *
resources_html_date(u_char *o, const u_char *d, size_t len)
{
    size_t       m, n;
    const char  *month;

    /* YYYY-MM or YYYY-MM-DD, digits where digits go; else as it is */

    if ((len != 7 && len != 10) || d[4] != '-'
        || (len == 10 && d[7] != '-'))
    {
        return o + resources_html_escape(d, len, o);
    }

    for (n = 0; n < len; n++) {
        if (n != 4 && n != 7 && (d[n] < '0' || d[n] > '9')) {
            return o + resources_html_escape(d, len, o);
        }
    }

    m = (size_t) (d[5] - '0') * 10 + (size_t) (d[6] - '0');

    if (m < 1 || m > 12) {
        return o + resources_html_escape(d, len, o);
    }

    if (len == 10) {
        if (d[8] != '0') {
            *o++ = d[8];
        }

        *o++ = d[9];

        if (d[8] == '0' && d[9] == '1') {
            *o++ = 'e';                     /* "1er mai 2024" */
            *o++ = 'r';
        }

        *o++ = ' ';
    }

    month = resources_html_months[m - 1];
    n = strlen(month);
    memcpy(o, month, n);
    o += n;
    *o++ = ' ';

    return o + resources_html_escape(d, 4, o);
}


/* <time class="resource-..." datetime="...">...</time> */

static u_char *
resources_html_time(u_char *o, const char *cls, const resources_field_t *f,
    u_char *work, int *bad)
{
    ssize_t  n;

    n = resources_fields_decode(f, work);
    if (n < 0) {
        *bad = 1;
        return o;
    }

    o = resources_html_literal(o, "<time class=\"");
    memcpy(o, cls, strlen(cls));
    o += strlen(cls);
    o = resources_html_literal(o, "\" datetime=\"");
    o += resources_html_escape(work, (size_t) n, o);
    o = resources_html_literal(o, "\">");
    o = resources_html_date(o, work, (size_t) n);

    return resources_html_literal(o, "</time>");
}


/* the type, the date, the series and number */

static u_char *
resources_html_meta(u_char *o, const resources_fields_t *rec, u_char *work,
    int *bad)
{
    o = resources_html_literal(o, "<p class=\"resource-meta\">"
                                  "<span class=\"resource-type\">");
    o = resources_html_text(o, &rec->type, work, bad);
    o = resources_html_literal(o, "</span>");

    if (rec->date.set) {
        *o++ = ' ';
        o = resources_html_time(o, "resource-date", &rec->date, work, bad);
    }

    if (rec->series.set) {
        o = resources_html_literal(o, " <span class=\"resource-series\">");
        o = resources_html_text(o, &rec->series, work, bad);

        if (rec->number.set) {
            o = resources_html_literal(o, " n\xc2\xb0");
            o += resources_html_escape(rec->number.start,
                                       (size_t) (rec->number.end
                                                 - rec->number.start), o);
        }

        o = resources_html_literal(o, "</span>");
    }

    return resources_html_literal(o, "</p>\n");
}


/* the keywords, each a link to the page's list of that keyword */

static u_char *
resources_html_keywords(u_char *o, const resources_fields_t *rec,
    u_char *work, int *bad)
{
    int                 rc, first;
    ssize_t             n;
    const u_char       *p;
    resources_field_t   kw;

    if (rec->keywords == NULL) {
        return o;
    }

    p = rec->keywords;
    first = 1;

    while ((rc = resources_fields_next(&p, rec->keywords_end, &kw)) > 0) {
        n = resources_fields_decode(&kw, work);
        if (n < 0) {
            *bad = 1;
            return o;
        }

        if (first) {
            o = resources_html_literal(o, "<ul class=\"resource-keywords\">");
            first = 0;
        }

        o = resources_html_literal(o, "<li><a class=\"resource-keyword\""
                                      " href=\"?kw=");
        o = resources_html_percent(o, work, (size_t) n);
        o = resources_html_literal(o, "\">");
        o += resources_html_escape(work, (size_t) n, o);
        o = resources_html_literal(o, "</a></li>");
    }

    if (rc < 0) {
        *bad = 1;
    }

    if (!first) {
        o = resources_html_literal(o, "</ul>\n");
    }

    return o;
}


/* the title, linked to the resource's page (link: whether to) */

static u_char *
resources_html_title(u_char *o, const char *open, const char *close,
    const resources_fields_t *rec, const resources_html_conf_t *conf,
    int link, const resources_html_marked_t *hl, u_char *work, int *bad)
{
    ssize_t   n;
    u_char   *url, *end;

    memcpy(o, open, strlen(open));
    o += strlen(open);

    if (link) {
        n = resources_fields_decode(&rec->id, work);
        if (n < 0) {
            *bad = 1;
            return o;
        }

        /* the URL built at the end of out's room, then escaped into it */

        o = resources_html_literal(o, "<a href=\"");
        url = o + 6 * resources_html_link_room(conf, (size_t) n);
        end = resources_html_link(url, conf, work, (size_t) n);
        o += resources_html_escape(url, (size_t) (end - url), o);
        o = resources_html_literal(o, "\">");
    }

    if (hl != NULL && hl->title != NULL) {
        o = (u_char *) memcpy(o, hl->title, hl->title_len) + hl->title_len;

    } else {
        o = resources_html_text(o, &rec->title, work, bad);
    }

    if (link) {
        o = resources_html_literal(o, "</a>");
    }

    memcpy(o, close, strlen(close));

    return o + strlen(close);
}


/* the id, in an attribute */

static u_char *
resources_html_id(u_char *o, const char *open, const resources_fields_t *rec,
    u_char *work, int *bad)
{
    memcpy(o, open, strlen(open));
    o += strlen(open);
    o = resources_html_text(o, &rec->id, work, bad);

    return resources_html_literal(o, "\">\n");
}


/* the bytes escaping makes longer, and the backslash (of escapes) */

static const u_char  resources_html_grows[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};


/* how many of them s holds */

static size_t
resources_html_specials(const u_char *s, const u_char *end)
{
    size_t  n;

    for (n = 0; s < end; s++) {
        n += resources_html_grows[*s];
    }

    return n;
}


/*
 * The room a record's fragment needs at most, from its JSON (len bytes):
 * every text once, decoded (never longer than its JSON) and escaped (6
 * bytes at most for the bytes resources_html_specials() counts: "\""
 * is 2 bytes in JSON, 6 escaped); the keywords twice more (a link,
 * percent-encoded: 3 bytes a byte) with about 80 bytes of markup each (a
 * keyword takes 3 bytes of the array at least); the links once more (a
 * URL without a label is shown too) with 40 bytes each; the dates once
 * more (an attribute, then text); the title's link,
 * built in the room past the fragment then escaped (8 times its length);
 * the dates, series, number and markup around them (2048)
 */

static size_t
resources_html_need(const u_char *json, size_t len,
    const resources_fields_t *rec, const resources_html_conf_t *conf,
    size_t room)
{
    size_t  need, x, id;

    need = 2048;

    if (rec->keywords) {
        x = (size_t) (rec->keywords_end - rec->keywords);
        need += 40 * x + 100;
    }

    if (rec->links) {
        x = (size_t) (rec->links_end - rec->links);
        need += 20 * x + 64;
    }

    /* a date is shown twice: in datetime="", then as text */

    need += 6 * (size_t) (rec->date.end - rec->date.start)
            + 6 * (size_t) (rec->updated.end - rec->updated.start);

    id = (size_t) (rec->id.end - rec->id.start);
    need += 8 * resources_html_link_room(conf, id) + 6 * id + 256;

    /*
     * The texts: 6 bytes a byte of JSON when that fits the room (not
     * counting what escaping makes longer, a pass over the record), else
     * the count.  Either way a call with the room the count asks for
     * succeeds.
     */

    if (need + 6 * len <= room) {
        return need + 6 * len;
    }

    return need + len + 5 * resources_html_specials(json, json + len);
}


/* a record's link: a link only for http, https, mailto and paths */

static int
resources_html_safe_url(const u_char *u, size_t len)
{
    size_t  i;

    if (len >= 1 && u[0] == '/') {
        return 1;
    }

    for (i = 0; i < len && i < 8; i++) {
        if (u[i] == ':') {
            break;
        }
    }

    if (i == len || u[i] != ':') {
        return 0;
    }

    return (i == 4 && strncasecmp((const char *) u, "http", 4) == 0)
           || (i == 5 && strncasecmp((const char *) u, "https", 5) == 0)
           || (i == 6 && strncasecmp((const char *) u, "mailto", 6) == 0);
}


static u_char *
resources_html_links(u_char *o, const resources_fields_t *rec, u_char *work,
    int *bad)
{
    int                 rc, first;
    ssize_t             n;
    const u_char       *p;
    resources_field_t   label, url;

    if (rec->links == NULL) {
        return o;
    }

    p = rec->links;
    first = 1;

    while ((rc = resources_fields_next_link(&p, rec->links_end, &label, &url))
           > 0)
    {
        if (!label.set && !url.set) {
            continue;
        }

        if (first) {
            o = resources_html_literal(o, "<ul class=\"resource-links\">");
            first = 0;
        }

        o = resources_html_literal(o, "<li>");

        n = url.set ? resources_fields_decode(&url, work) : -1;

        if (n > 0 && resources_html_safe_url(work, (size_t) n)) {
            o = resources_html_literal(o, "<a href=\"");
            o += resources_html_escape(work, (size_t) n, o);
            o = resources_html_literal(o, "\">");
            o = label.set ? resources_html_text(o, &label, work, bad)
                          : resources_html_text(o, &url, work, bad);
            o = resources_html_literal(o, "</a>");

        } else if (label.set) {
            o = resources_html_text(o, &label, work, bad);

        } else {
            o = resources_html_text(o, &url, work, bad);
        }

        o = resources_html_literal(o, "</li>");
    }

    if (rc < 0) {
        *bad = 1;
    }

    if (!first) {
        o = resources_html_literal(o, "</ul>\n");
    }

    return o;
}


/* a text in paragraphs, in a <div class="resource-CLS">, when not empty */

static u_char *
resources_html_block(u_char *o, const char *open, const resources_field_t *f,
    u_char *work, int *bad)
{
    if (!f->set || f->end == f->start) {
        return o;
    }

    memcpy(o, open, strlen(open));
    o += strlen(open);
    o = resources_html_paragraphs(o, f, work, bad);

    return resources_html_literal(o, "</div>\n");
}


/*
 * An item (a list form) or an article (a full form): the record read,
 * its room checked, then the parts they share and those of each
 */

static ssize_t
resources_html_render(const u_char *json, size_t len,
    const resources_html_conf_t *conf, const resources_html_marked_t *hl,
    u_char *out, size_t room, u_char *work, size_t *need, int article)
{
    int                  bad;
    u_char              *o;
    resources_fields_t   rec;

    if (resources_fields_parse(json, json + len, &rec) != 0) {
        return -1;
    }

    *need = resources_html_need(json, len, &rec, conf, room);

    /* HTML given: as it is, a summary's paragraphs 7 bytes each at most */

    if (hl != NULL) {
        *need += hl->title_len + 4 * hl->summary_len + 64;
    }

    if (*need > room) {
        return RESOURCES_HTML_AGAIN;
    }

    bad = 0;
    o = out;

    if (article) {
        o = resources_html_id(o, "<article class=\"resource resource-full\""
                                 " data-id=\"", &rec, work, &bad);
        o = resources_html_title(o, "<h2 class=\"resource-title\">",
                                 "</h2>\n", &rec, conf, conf->link != NULL,
                                 hl, work, &bad);

    } else {
        o = resources_html_id(o, "<li class=\"resource\" data-id=\"", &rec,
                              work, &bad);
        o = resources_html_title(o, "<h3 class=\"resource-title\">",
                                 "</h3>\n", &rec, conf, 1, hl, work, &bad);
    }

    o = resources_html_meta(o, &rec, work, &bad);

    if (article && rec.updated.set) {
        o = resources_html_literal(o, "<p class=\"resource-updated\">"
                                      "Mis \xc3\xa0 jour le ");
        o = resources_html_time(o, "resource-updated-date", &rec.updated,
                                work, &bad);
        o = resources_html_literal(o, "</p>\n");
    }

    o = resources_html_keywords(o, &rec, work, &bad);
    if (hl != NULL && hl->summary != NULL) {
        if (rec.summary.set && rec.summary.end != rec.summary.start) {
            o = resources_html_literal(o, "<div class=\"resource-summary\">");
            o = resources_html_paras(o, hl->summary, hl->summary_len, 0);
            o = resources_html_literal(o, "</div>\n");
        }

    } else {
        o = resources_html_block(o, "<div class=\"resource-summary\">",
                                 &rec.summary, work, &bad);
    }

    if (article) {
        o = resources_html_block(o, "<div class=\"resource-body\">",
                                 &rec.body, work, &bad);
        o = resources_html_links(o, &rec, work, &bad);
        o = resources_html_literal(o, "</article>\n");

    } else {
        o = resources_html_literal(o, "</li>\n");
    }

    return bad ? -1 : (ssize_t) (o - out);
}


ssize_t
resources_html_item(const u_char *list, size_t len,
    const resources_html_conf_t *conf, u_char *out, size_t room,
    u_char *work, size_t *need)
{
    return resources_html_render(list, len, conf, NULL, out, room, work,
                                 need, 0);
}


ssize_t
resources_html_item_marked(const u_char *list, size_t len,
    const resources_html_conf_t *conf, const resources_html_marked_t *hl,
    u_char *out, size_t room, u_char *work, size_t *need)
{
    return resources_html_render(list, len, conf, hl, out, room, work, need,
                                 0);
}


ssize_t
resources_html_article(const u_char *full, size_t len,
    const resources_html_conf_t *conf, u_char *out, size_t room,
    u_char *work, size_t *need)
{
    return resources_html_render(full, len, conf, NULL, out, room, work,
                                 need, 1);
}


u_char *
resources_html_head(u_char *o, uint64_t total, uint64_t offset,
    uint64_t limit)
{
    o += sprintf((char *) o, "<div class=\"resources\" data-total=\"%llu\""
                 " data-offset=\"%llu\" data-limit=\"%llu\">\n"
                 "<p class=\"resources-count\">",
                 (unsigned long long) total, (unsigned long long) offset,
                 (unsigned long long) limit);

    if (total == 0) {
        o = resources_html_literal(o, "Aucune ressource");

    } else {
        o += sprintf((char *) o, "%llu ressource%s",
                     (unsigned long long) total, total == 1 ? "" : "s");
    }

    o = resources_html_literal(o, "</p>\n");

    if (total > offset && limit) {
        o += sprintf((char *) o, "<ol class=\"resources-list\" start=\"%llu\">"
                     "\n", (unsigned long long) offset + 1);
    }

    return o;
}


u_char *
resources_html_tail(u_char *o, uint64_t total)
{
    return resources_html_literal(o, "</div>\n");
}


/* a page's link: <a class="resources-CLS" rel="REL" href="?ARGSoffset=N"> */

static u_char *
resources_html_page(u_char *o, const char *cls, const u_char *args,
    size_t len, uint64_t offset, const char *text)
{
    o += sprintf((char *) o, "<a class=\"resources-%s\" rel=\"%s\" href=\"?",
                 cls, cls);
    o += resources_html_escape(args, len, o);
    o += sprintf((char *) o, "offset=%llu\">%s</a>",
                 (unsigned long long) offset, text);

    return o;
}


u_char *
resources_html_pages(u_char *o, const u_char *args, size_t len,
    uint64_t total, uint64_t offset, uint64_t limit)
{
    uint64_t  last, end, prev;

    if (total > offset && limit) {
        o = resources_html_literal(o, "</ol>\n");
    }

    if (limit == 0 || total <= limit) {
        return o;
    }

    last = (total - 1) / limit * limit;
    end = offset + limit < total ? offset + limit : total;

    o = resources_html_literal(o, "<nav class=\"resources-pages\""
                                  " aria-label=\"Pages\">");

    if (offset > 0) {
        prev = offset > limit ? offset - limit : 0;
        prev = prev < last ? prev : last;

        o = resources_html_page(o, "first", args, len, 0,
                                "Premi\xc3\xa8res");
        *o++ = ' ';
        o = resources_html_page(o, "prev", args, len, prev,
                                "Pr\xc3\xa9" "c\xc3\xa9" "dentes");
        *o++ = ' ';
    }

    if (offset < total) {
        o += sprintf((char *) o, "<span class=\"resources-range\">%llu"
                     "\xe2\x80\x93%llu sur %llu</span>",
                     (unsigned long long) offset + 1,
                     (unsigned long long) end, (unsigned long long) total);
    }

    if (offset + limit < total) {
        *o++ = ' ';
        o = resources_html_page(o, "next", args, len, offset + limit,
                                "Suivantes");
        *o++ = ' ';
        o = resources_html_page(o, "last", args, len, last,
                                "Derni\xc3\xa8res");
    }

    return resources_html_literal(o, "</nav>\n");
}


u_char *
resources_html_error(u_char *o, const u_char *message, size_t len)
{
    o = resources_html_literal(o, "<p class=\"resources-error\""
                                  " role=\"alert\">");
    o += resources_html_escape(message, len, o);

    return resources_html_literal(o, "</p>\n");
}
