/*
 * Copyright (C) ngx_http_resources authors
 *
 * A synonyms file (resources-load --synonyms), in Solr's synonyms.txt
 * format, parsed into the "syn" value of the snapshot
 * (src/resources_synonyms.h describes the value; docs/loader.md the
 * format, its limits and its messages):
 *
 *     # a comment; blank lines are skipped
 *     a, b, c              equivalent forms: each expands to all three
 *     a, b => c, d         one way: a and b expand to c and d (a and b
 *                          are not kept unless the right side names them)
 *     qpv, quartiers prioritaires     forms of several words
 *     a\, b => c\=>d       "\" makes the next character plain text
 *
 * Each form is folded and split into words as resources_q_parse() does
 * with q (resources_fold(), resources_words(), stop words left out), so
 * that the module matches a query's words against forms byte for byte.
 * Rules are merged (as Solr does): a form's expansions are the union of
 * every rule's.
 *
 * Every bad line is reported (FILE:LINE: message, through a callback)
 * and the file then gives no value: the caller publishes nothing.
 */

#ifndef _RESOURCES_SYNFILE_H_INCLUDED_
#define _RESOURCES_SYNFILE_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "resources_synonyms.h"


/* (form, expansion) pairs of a file before merging, at most */
#define RESOURCES_SYN_PAIRS_MAX     1000000


/* a problem: line 0 for the file as a whole (it cannot be read, ...) */
typedef void (*resources_synfile_error_pt)(void *data, unsigned long line,
    const char *message);


typedef struct {
    u_char        *value;       /* malloc'ed; NULL: the file has no rule */
    size_t         len;
    unsigned long  rules;
    uint32_t       ntriggers;
    uint32_t       nforms;
} resources_synfile_t;


/*
 * Parses text[0 .. len) into sf; returns the number of problems reported
 * through error (0: sf->value, or NULL for a file with no rule; otherwise
 * sf->value is NULL)
 */
unsigned long resources_synfile_parse(const u_char *text, size_t len,
    resources_synfile_t *sf, resources_synfile_error_pt error, void *data);

/* the same from a file (at most RESOURCES_SYN_FILE_MAX bytes) */
unsigned long resources_synfile_read(const char *path,
    resources_synfile_t *sf, resources_synfile_error_pt error, void *data);

void resources_synfile_free(resources_synfile_t *sf);


#endif /* _RESOURCES_SYNFILE_H_INCLUDED_ */
