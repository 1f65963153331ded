/*
 * Copyright (C) ngx_http_resources authors
 *
 * libFuzzer target: resources_atom_render() (src/resources_atom.c) on
 * arbitrary bytes taken as a list form.  A violated invariant is
 * __builtin_trap().
 *
 * Invariants checked (resources_atom.h):
 *   the entry fits RESOURCES_ATOM_ROOM(len) bytes (the buffer is exactly
 *   that large, so ASan sees any write past it) and work needs len bytes;
 *   an entry starts with "<title>" and ends with "</entry>"; it has no
 *   '<' or '&' that is not markup or an entity, i.e. between "<title>"
 *   and "</title>" there is no raw '<'.
 */

#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resources_atom.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char   *out, *work, *end;
    ssize_t   n;

    out = malloc(RESOURCES_ATOM_ROOM(size));
    work = malloc(size + 1);

    if (out == NULL || work == NULL) {
        __builtin_trap();
    }

    n = resources_atom_render(data, size, NULL, 0, out, work);

    if (n >= 0) {
        if ((size_t) n > RESOURCES_ATOM_ROOM(size)
            || n < (ssize_t) (sizeof("<title>") + sizeof("</entry>") - 2)
            || memcmp(out, "<title>", 7) != 0
            || memcmp(out + n - 8, "</entry>", 8) != 0)
        {
            __builtin_trap();
        }

        end = memmem(out, (size_t) n, "</title>", 8);

        if (end == NULL || memchr(out + 7, '<', (size_t) (end - out - 7))) {
            __builtin_trap();
        }
    }

    free(out);
    free(work);

    return 0;
}
