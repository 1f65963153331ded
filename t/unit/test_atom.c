/*
 * Copyright (C) ngx_http_resources authors
 *
 * resources_atom_render(): the Atom entry rendered from a list form must
 * be byte for byte the one the loader of 0.1 stored next to it
 * (atom_fixtures.h, taken from a catalogue of quotes, markup, control
 * characters, \u escapes, surrogate pairs, non-characters, dates and
 * updates of every kind); malformed list forms are refused.
 */


#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "resources_atom.h"
#include "atom_fixtures.h"


static ssize_t
render(const char *list, size_t len, u_char *out)
{
    u_char  work[4096];

    if (RESOURCES_ATOM_ROOM(len) > 65536 || len > sizeof(work)) {
        return -2;
    }

    return resources_atom_render((const u_char *) list, len, NULL, 0, out, work);
}


int
main(void)
{
    size_t    i, n, good;
    ssize_t   m;
    u_char    out[65536];

    static const char  *bad[] = {
        "",
        "[",
        "{\"id\":\"a\",\"title\":\"t\"",                        /* no type */
        "{\"id\":\"a\",\"title\":\"t\",\"type\":\"x",           /* open */
        "{\"id\":\"a\",\"title\":\"t\\q\",\"type\":\"x\"",      /* escape */
        "{\"id\":\"a\",\"title\":\"\\ud800\",\"type\":\"x\"",   /* lone */
        "{\"id\":\"a\",\"title\":\"\\udc00x\",\"type\":\"x\"",
        "{\"id\":\"a\",\"title\":\"\\u12\",\"type\":\"x\"",
        "{\"id\":\"a\",\"title\":\"t\",\"type\":\"x\",\"keywords\":[\"k\"",
        "{\"id\":\"a\",\"title\":\"t\",\"type\":\"x\",\"x\":{\"y\":[}",
        "{\"id\":\"a\",\"title\":\"t\",\"type\":\"x\",\"x\":}",
        "{\"id\" \"a\",\"title\":\"t\",\"type\":\"x\"",
        "{\"id\":\"a\";\"title\":\"t\",\"type\":\"x\"",
        NULL
    };

    n = sizeof(resources_atom_fixtures) / sizeof(resources_atom_fixtures[0]);
    good = 0;

    for (i = 0; i < n; i++) {
        m = render(resources_atom_fixtures[i].list,
                   resources_atom_fixtures[i].list_len, out);

        if (m >= 0 && (size_t) m == resources_atom_fixtures[i].atom_len
            && memcmp(out, resources_atom_fixtures[i].atom, (size_t) m) == 0)
        {
            good++;

        } else {
            printf("# fixture %zu: got %.*s\n", i, (int) (m < 0 ? 0 : m),
                   out);
        }
    }

    ok(good == n && n > 30, "%zu of %zu entries as the loader rendered them",
       good, n);

    for (i = 0; bad[i]; i++) {
        ok(render(bad[i], strlen(bad[i]), out) == -1, "refused: %s", bad[i]);
    }

    {
        const char  *pair = "{\"id\":\"a\",\"title\":\"\\ud83d\\ude00 &\","
                            "\"type\":\"x\"";

        m = render(pair, strlen(pair), out);
    }

    ok(m > 0 && memmem(out, (size_t) m, "\360\237\230\200 &amp;", 9) != NULL,
       "a surrogate pair and an ampersand");

    {
        const char  *nested = "{\"id\":\"a\",\"title\":\"t\",\"x\":{\"y\":"
                              "[1,{\"z\":\"]}\"}]},\"type\":\"x\"";

        m = render(nested, strlen(nested), out);
    }

    ok(m > 0 && memmem(out, (size_t) m, "term=\"x\"", 8) != NULL,
       "a nested value is skipped, the fields after it read");

    return tap_done();
}
