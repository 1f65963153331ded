/*
 * Copyright (C) ngx_http_resources authors
 *
 * Highlighting (nginx-free): a record's text HTML-escaped, the words that
 * match a query wrapped in <mark> and </mark>, and cut to about N words
 * around the first match ("crop").  The module renders the title and the
 * summary of the page's records with it (highlight=, crop=: docs/api.md).
 *
 * A word of the text is what the loader indexes (resources_words() in
 * src/resources_text.c): the text is cut into runs of characters that
 * fold to letters or digits (a combining mark stays with its letter); each
 * run is folded on its own, with the apostrophe after it when there is
 * one (so that an elision, "l'" of "l'économie", is dropped as the loader
 * drops it), split and stemmed by resources_words_ex() (the snapshot's
 * stemmer).  A run is marked, as
 * written (accents, case, "œ": the original bytes), when one of its words
 * that is not a stop word equals a mark, or, for a mark that is a prefix,
 * starts with it, stemmed or not.  Marks are folded and stemmed as q's
 * words are (resources_q_parse()).
 *
 * Escaping is resources_html_escape()'s: &, <, >, " and ' as entities, C0
 * controls but tab, newline and return dropped; so the output holds no
 * "<" but those of <mark> and </mark>.  Nothing is allocated: the caller
 * owns the output.
 */

#ifndef _RESOURCES_HIGHLIGHT_H_INCLUDED_
#define _RESOURCES_HIGHLIGHT_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>

#include "resources_query.h"



/* the room resources_highlight() needs at most for len bytes of text */
#define RESOURCES_HIGHLIGHT_ROOM(len)  (13 * (size_t) (len) + 16)


/* a word to mark: folded and stemmed, as q's words */

typedef struct {
    const u_char  *data;
    size_t         len;
    unsigned       prefix:1;    /* also the start of a word (q's last) */
} resources_mark_t;


/*
 * The marks of q as parsed: the words of its units that are neither
 * excluded nor ignored, the last word of a unit flagged RESOURCES_Q_PREFIX
 * a prefix when it has 2 bytes or more (as the list matches it).  marks
 * has room for qs->nwords; returns how many were written (a word given
 * twice once).
 */
size_t resources_highlight_marks(const resources_q_t *qs,
    resources_mark_t *marks);

/*
 * text[0 .. len) (UTF-8) escaped into out (RESOURCES_HIGHLIGHT_ROOM(len)
 * bytes), its words that match one of marks[0 .. nmarks) in <mark>;
 * crop > 0: only about crop words of it, around the first match (from
 * the start without one), with "…" where it was cut.  Words are stemmed
 * as how says (RESOURCES_STEM_*: the snapshot's stemmer, as q's words and
 * the marks are).  Returns the bytes written.
 */
size_t resources_highlight(const u_char *text, size_t len,
    const resources_mark_t *marks, size_t nmarks, size_t crop, unsigned how,
    u_char *out);


#endif /* _RESOURCES_HIGHLIGHT_H_INCLUDED_ */
