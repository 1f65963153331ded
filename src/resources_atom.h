/*
 * Copyright (C) ngx_http_resources authors
 *
 * The Atom entry of a record, rendered from its stored JSON (the module's
 * feed; nginx-free).  Snapshots of loaders before 0.2 stored the entry
 * pre-rendered next to the JSON; now the module renders it when a feed
 * asks for it, from the list form, whose fields come in a fixed order
 * (docs/design.md): id, title, type, private, date, updated, keywords,
 * series, number, summary.
 */

#ifndef _RESOURCES_ATOM_H_INCLUDED_
#define _RESOURCES_ATOM_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


/*
 * room the entry of a list form of len bytes needs at most: a text's byte
 * becomes up to 5 ("&" is "&amp;"), and an empty keyword (2 bytes, two
 * quotes) the 19 of an empty <category term=""/>
 */
#define RESOURCES_ATOM_ROOM(len)  (10 * (size_t) (len) + 512)


/*
 * XML text: &, <, >, " escaped; characters XML 1.0 does not allow (C0
 * controls but tab, newline and return; U+FFFE, U+FFFF) dropped.  out has
 * room for 6 * len bytes; returns the bytes written.
 */
size_t resources_atom_xml(const u_char *s, size_t len, u_char *out);

/*
 * The entry from "<title>" to "</entry>" (the caller writes "<entry><id>"
 * and the resource's URL before it): <updated> is the "updated" day, else
 * the publication month or day, else 1970-01-01; <published> the
 * publication date when known.  Its <link> is the resource's JSON, by its
 * id, relative to the feed's xml:base; with an alternate URL (alt, the
 * resource's page: resources_link), that is the "alternate" link and the
 * JSON the "related" one.  list: the list form (up to and with
 * "summary"); out: RESOURCES_ATOM_ROOM(len) + 6 * alt_len bytes; work:
 * len bytes.  Returns the bytes written, or -1 when list is not a list
 * form.
 */
ssize_t resources_atom_render(const u_char *list, size_t len,
    const u_char *alt, size_t alt_len, u_char *out, u_char *work);


#endif /* _RESOURCES_ATOM_H_INCLUDED_ */
