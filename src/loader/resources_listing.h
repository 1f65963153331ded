/*
 * Copyright (C) ngx_http_resources authors
 *
 * The listing: the resource catalogue as text taken from its published
 * pages (../shared/catalogue/README.md describes the format), turned into
 * records in the canonical format (JSON objects, one a resource).
 *
 * resources_listing.c documents how a resource is cut out of the text (the
 * boundary between a summary and the next title) and what goes into each
 * field.  The parser keeps no state between calls and allocates nothing
 * that outlives a call.
 */

#ifndef _RESOURCES_LISTING_H_INCLUDED_
#define _RESOURCES_LISTING_H_INCLUDED_


#include <stddef.h>

#include "resources_json.h"


/* called once per resource, in input order; record is the parser's tree
 * of the resource (resources_json.h: its root, RESOURCES_JSON_ROOT, an
 * object in the canonical record format, fields below), valid during the
 * call only: its strings point into the text and the parser's buffers.
 * line is the 1-based line of the resource's title. Non-zero return stops
 * parsing and is returned by resources_listing_parse. */
typedef int (*resources_listing_record_pt)(void *data,
    resources_json_t *record, unsigned long line);

/* a problem in the input: line (1-based) and a message in English, lower
 * case, no final period, e.g.
 * "resource \"Foo\" has no \"Type de ressource\" section";
 * line is 0 for a problem of the whole input ("no resource found", "out of
 * memory"). */
typedef void (*resources_listing_error_pt)(void *data, unsigned long line,
    const char *message);

/* Parses the whole listing text (UTF-8, need not be NUL-terminated).
 * Returns 0 when the text was parsed (each resource reported), or the
 * handler's non-zero value, or -1 after reporting errors through on_error
 * (e.g. invalid UTF-8 at line N, no resource found at all). A resource whose
 * own sections are broken is reported through on_error and skipped; parsing
 * goes on with the next one (the caller decides whether that is fatal). */
int resources_listing_parse(const char *text, size_t len,
    resources_listing_record_pt on_record, resources_listing_error_pt on_error,
    void *data);

/* 1 when text looks like a listing (contains a line "Type de ressource"
 * followed by a line, then "Ressource privée"), 0 otherwise: used to detect
 * the input format; JSON Lines start with '{'. */
int resources_listing_detect(const char *text, size_t len);


#endif /* _RESOURCES_LISTING_H_INCLUDED_ */
