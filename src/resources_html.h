/*
 * Copyright (C) ngx_http_resources authors
 *
 * HTML fragments of records (format=html; nginx-free): plain, semantic,
 * classed HTML that a site styles with its own CSS, made to be included by
 * nginx's SSI filter.  docs/api.md gives the structure and the classes.
 *
 * Every piece of record text is escaped (&, <, >, " and ' as entities; C0
 * controls but tab, newline and return dropped), and a record's link is a
 * link only when its URL is http, https, mailto or a path: a record's own
 * "<" or "javascript:" never reaches a page.  The texts around the records
 * are French, as the widget's.
 */

#ifndef _RESOURCES_HTML_H_INCLUDED_
#define _RESOURCES_HTML_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>


typedef struct {
    const u_char  *link;        /* resources_link's template, or NULL */
    size_t         link_len;
    size_t         link_ids;    /* how many "{id}" it holds */
    const u_char  *self;        /* the location's path: the default link */
    size_t         self_len;    /* is self/<id>?format=html */
} resources_html_conf_t;


/* bytes the link of a resource whose id has len bytes needs at most */
size_t resources_html_link_room(const resources_html_conf_t *conf,
    size_t len);

/* text escaped: out has room for 6 * len bytes; returns bytes written */
size_t resources_html_escape(const u_char *s, size_t len, u_char *out);

/*
 * The link of a resource (conf's template, or the default) into out
 * (resources_html_link_room() bytes), not escaped; returns its end
 */
u_char *resources_html_link(u_char *out, const resources_html_conf_t *conf,
    const u_char *id, size_t len);

/*
 * A list item (<li class="resource">...</li>) from a list form, or an
 * article (<article class="resource resource-full">...</article>) from a
 * full form, into out (room bytes); work: len bytes.  The room a record
 * needs is a bound computed from it, about its length plus 5 bytes a
 * character to escape (a few KB more for the markup): when room is less,
 * nothing is written, *need is set and RESOURCES_HTML_AGAIN returned.
 * Returns the bytes written, or -1 when it is not such a form.
 */
#define RESOURCES_HTML_AGAIN  -2

ssize_t resources_html_item(const u_char *list, size_t len,
    const resources_html_conf_t *conf, u_char *out, size_t room,
    u_char *work, size_t *need);

/*
 * The same with the title, the summary or both given already as HTML
 * (highlighted: src/resources_highlight.h), used as they are: NULL, the
 * record's own, escaped.  The summary is still in paragraphs, and shown
 * only when the record has one.
 */

typedef struct {
    const u_char  *title;
    size_t         title_len;
    const u_char  *summary;
    size_t         summary_len;
} resources_html_marked_t;

ssize_t resources_html_item_marked(const u_char *list, size_t len,
    const resources_html_conf_t *conf, const resources_html_marked_t *hl,
    u_char *out, size_t room, u_char *work, size_t *need);
ssize_t resources_html_article(const u_char *full, size_t len,
    const resources_html_conf_t *conf, u_char *out, size_t room,
    u_char *work, size_t *need);

/*
 * The list's parts: its opening (with the count), its pages (links
 * relative to the page: "?" args "offset=N", args being the request's
 * parameters but format and offset, as sent, with its "&" if not empty),
 * its end.  Room: RESOURCES_HTML_HEAD_ROOM, RESOURCES_HTML_PAGES_ROOM().
 */
#define RESOURCES_HTML_HEAD_ROOM      512
#define RESOURCES_HTML_PAGES_ROOM(n)  (5 * (5 * (size_t) (n) + 160) + 256)

u_char *resources_html_head(u_char *o, uint64_t total, uint64_t offset,
    uint64_t limit);
u_char *resources_html_pages(u_char *o, const u_char *args, size_t len,
    uint64_t total, uint64_t offset, uint64_t limit);
u_char *resources_html_tail(u_char *o, uint64_t total);

/* an error: a paragraph; room: 6 * len + 64 */
u_char *resources_html_error(u_char *o, const u_char *message, size_t len);


#endif /* _RESOURCES_HTML_H_INCLUDED_ */
