/*
 * Copyright (C) ngx_http_resources authors
 *
 * libFuzzer target: the loader's JSON parser (src/loader/resources_json.c)
 * against jansson, on each line of the input, and the preparation of the
 * line as a record (resources_prepare_line).  A violated invariant is
 * __builtin_trap().
 *
 * Invariants checked (resources_json.h):
 *   when resources_json_parse() takes a line, json_loadb(JSON_REJECT_
 *   DUPLICATES | JSON_DECODE_ANY) takes it too, and resources_json_write()
 *   of the root writes what json_dumpb(JSON_COMPACT) writes, byte for
 *   byte; the nodes made from jansson's value (resources_json_from_jansson)
 *   write the same; a prepared record is a whole number of 8-byte units
 *   that fits the output, with the line number it was given.
 */

#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "resources_build.h"
#include "resources_json.h"


static resources_json_t      fuzz_json;
static resources_prepare_t  *fuzz_prep;
static resources_buf_t       fuzz_out;


static void
fuzz_same(json_t *v)
{
    char    *want;
    size_t   len;

    want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (want == NULL) {
        __builtin_trap();
    }

    len = strlen(want);

    if (fuzz_out.len != len || memcmp(fuzz_out.data, want, len) != 0) {
        __builtin_trap();
    }

    free(want);
}


static void
fuzz_line(const u_char *s, size_t len, uint64_t line)
{
    size_t                  at;
    json_t                 *v;
    json_error_t            jerr;
    resources_prepared_t   *r;

    v = json_loadb((const char *) s, len,
                   JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);

    if (resources_json_parse(&fuzz_json, s, len) == 0) {
        if (v == NULL) {
            __builtin_trap();
        }

        fuzz_out.len = 0;
        resources_json_write(&fuzz_json, RESOURCES_JSON_ROOT, &fuzz_out);
        fuzz_same(v);
    }

    if (v) {
        resources_json_from_jansson(&fuzz_json, v);
        fuzz_out.len = 0;
        resources_json_write(&fuzz_json, RESOURCES_JSON_ROOT, &fuzz_out);
        fuzz_same(v);
        json_decref(v);
    }

    fuzz_out.len = 0;
    resources_prepare_line(fuzz_prep, s, len, line, &fuzz_out);

    r = (resources_prepared_t *) fuzz_out.data;
    at = r->size;

    if (at == 0 || at % 8 || at != fuzz_out.len || r->line != line
        || r->status > RESOURCES_PREP_BAD_LATE)
    {
        __builtin_trap();
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t         n;
    uint64_t       line;
    const u_char  *p, *end, *nl;

    if (fuzz_prep == NULL) {
        fuzz_prep = resources_prepare_create(NULL, 1);
    }

    p = data;
    end = data + size;
    line = 0;

    while (p < end) {
        nl = memchr(p, '\n', end - p);
        n = (nl ? nl : end) - p;
        line++;

        if (n > 0) {
            fuzz_line(p, n, line);
        }

        p += n + 1;
    }

    return 0;
}
