/*
 * Copyright (C) ngx_http_resources authors
 *
 * The fields of a stored record, read from its JSON (nginx-free): what the
 * Atom entries (src/resources_atom.c) and the HTML fragments
 * (src/resources_html.c) are rendered from.  The record is the loader's
 * canonical JSON, list form or full form (docs/design.md); the reader
 * takes any JSON object, skips what it does not know (nested values
 * included), and points into the input: strings are left escaped, as
 * written, until resources_fields_decode().
 */

#ifndef _RESOURCES_FIELDS_H_INCLUDED_
#define _RESOURCES_FIELDS_H_INCLUDED_


#include <stddef.h>
#include <sys/types.h>


typedef struct {
    const u_char  *start;       /* a string's contents, escapes and all; */
    const u_char  *end;         /* a number's digits */
    unsigned       set:1;       /* a string (a number for "number") */
} resources_field_t;


typedef struct {
    resources_field_t   id;
    resources_field_t   title;
    resources_field_t   type;
    resources_field_t   date;
    resources_field_t   updated;
    resources_field_t   series;
    resources_field_t   number;
    resources_field_t   summary;
    resources_field_t   body;
    const u_char       *keywords;      /* "[" ... "]", or NULL */
    const u_char       *keywords_end;
    const u_char       *links;         /* "[" ... "]", or NULL */
    const u_char       *links_end;
} resources_fields_t;


/* 0, or -1 when p .. end is not an object with string id, title, type */
int resources_fields_parse(const u_char *p, const u_char *end,
    resources_fields_t *f);

/*
 * The next string of an array of strings (keywords): *p starts at "[" or
 * after the previous one; 1 with s set, 0 at the end, -1 when malformed
 */
int resources_fields_next(const u_char **p, const u_char *end,
    resources_field_t *s);

/*
 * The next object of an array of objects (links), its string members
 * "label" and "url" (unset when absent or not strings): 1, 0 at the end,
 * -1 when malformed
 */
int resources_fields_next_link(const u_char **p, const u_char *end,
    resources_field_t *label, resources_field_t *url);

/* a string's contents decoded into out (as long at most); -1: malformed */
ssize_t resources_fields_decode(const resources_field_t *s, u_char *out);


#endif /* _RESOURCES_FIELDS_H_INCLUDED_ */
