/*
 * Copyright (C) ngx_http_resources authors
 *
 * libFuzzer target: the RTES listing parser (src/loader/resources_listing.c)
 * on arbitrary text: resources_listing_parse() with handlers that only
 * count (the parser owns each record, a tree of resources_json.h, and
 * reuses it after the call), and resources_listing_detect().
 *
 * Invariants (resources_listing.h): parse returns 0 or -1 (the handlers
 * return 0); every record, written as JSON (resources_json_write), is read
 * back by jansson (so every string the parser built is valid UTF-8, not
 * cut inside a sequence) as an object whose "id" is a valid id of at most
 * RESOURCES_SLUG_MAX bytes and whose "title" and "type" are non-empty
 * strings, reported at a line of the input; every problem is reported at
 * line 0 or a line of the input, with a non-empty message; "out of memory"
 * is never reported (ASan makes malloc abort rather than return NULL); a
 * text that detect() calls a listing, if it is valid UTF-8, has at least
 * one resource.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "resources_listing.h"
#include "resources_text.h"


#include "fuzz.h"


typedef struct {
    unsigned long  nlines;
    unsigned long  records;
    unsigned long  errors;
    unsigned long  last_line;
    int            no_resource;
} fuzz_listing_t;


static int
fuzz_record(void *data, resources_json_t *tree, unsigned long line)
{
    json_t           *rec, *id, *title, *type;
    resources_buf_t   buf;
    fuzz_listing_t   *fl = data;

    memset(&buf, 0, sizeof(resources_buf_t));
    resources_json_write(tree, RESOURCES_JSON_ROOT, &buf);
    rec = json_loadb((const char *) buf.data, buf.len,
                     JSON_REJECT_DUPLICATES, NULL);
    resources_buf_free(&buf);

    check(rec != NULL);
    check(json_is_object(rec));
    check(line >= 1 && line <= fl->nlines);

    /* in input order */
    check(line > fl->last_line);
    fl->last_line = line;

    id = json_object_get(rec, "id");
    check(json_is_string(id));
    check(json_string_length(id) <= RESOURCES_SLUG_MAX);
    check(resources_id_valid((const u_char *) json_string_value(id),
                             json_string_length(id)));

    title = json_object_get(rec, "title");
    check(json_is_string(title) && json_string_length(title) > 0);

    type = json_object_get(rec, "type");
    check(json_is_string(type) && json_string_length(type) > 0);

    check(json_is_boolean(json_object_get(rec, "private")));
    check(json_is_array(json_object_get(rec, "keywords")));
    check(json_is_array(json_object_get(rec, "tags")));
    check(json_is_array(json_object_get(rec, "links")));
    check(json_is_string(json_object_get(rec, "summary")));
    check(json_is_string(json_object_get(rec, "body")));

    fl->records++;
    json_decref(rec);

    return 0;
}


static void
fuzz_error(void *data, unsigned long line, const char *message)
{
    fuzz_listing_t  *fl = data;

    check(message != NULL && message[0] != '\0');
    check(line <= fl->nlines);
    check(strcmp(message, "out of memory") != 0);

    if (strcmp(message, "no resource found") == 0) {
        fl->no_resource = 1;
    }

    fl->errors++;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int              rc, listing;
    size_t           i;
    fuzz_listing_t   fl;

    memset(&fl, 0, sizeof(fl));

    fl.nlines = 1;

    for (i = 0; i < size; i++) {
        fl.nlines += (data[i] == '\n');
    }

    listing = resources_listing_detect((const char *) data, size);
    check(listing == 0 || listing == 1);

    rc = resources_listing_parse((const char *) data, size, fuzz_record,
                                 fuzz_error, &fl);

    check(rc == 0 || rc == -1);

    if (rc == -1) {
        check(fl.errors > 0);
    }

    if (listing && resources_utf8_valid(data, size) == size) {
        check(!fl.no_resource);
    }

    return 0;
}
