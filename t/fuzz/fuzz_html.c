/*
 * Copyright (C) ngx_http_resources authors
 *
 * libFuzzer target: resources_html_item() and resources_html_article()
 * (src/resources_html.c) on arbitrary bytes taken as a record's JSON.  A
 * violated invariant is __builtin_trap().
 *
 * Invariants checked (resources_html.h):
 *   with no room, the renderer says the room it needs and writes
 *   nothing; the fragment then fits that room (the buffer is exactly that
 *   large, so ASan sees any write past it) and work needs len bytes; an item is "<li ...</li>\n", an article "<article ...
 *   </article>\n"; every '<' opens or closes one of the fragment's own
 *   elements (a record's text never makes markup); every href is a page
 *   link ("?"), a path, the link template's, or http(s) / mailto: never
 *   "javascript:" or another scheme.
 */

#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "resources_html.h"


static const char  *tags[] = {
    "li", "h3", "h2", "a", "p", "span", "time", "ul", "div", "article", NULL
};


static int
known_tag(const u_char *p, const u_char *end)
{
    size_t  i, n;

    p++;

    if (p < end && *p == '/') {
        p++;
    }

    for (i = 0; tags[i]; i++) {
        n = strlen(tags[i]);

        if ((size_t) (end - p) > n && memcmp(p, tags[i], n) == 0
            && (p[n] == '>' || p[n] == ' '))
        {
            return 1;
        }
    }

    return 0;
}


static void
check(const u_char *out, size_t n, const char *open, const char *close)
{
    const u_char  *p, *end, *h, *tag_end;

    end = out + n;

    if (n < strlen(open) + strlen(close)
        || memcmp(out, open, strlen(open)) != 0
        || memcmp(end - strlen(close), close, strlen(close)) != 0)
    {
        __builtin_trap();
    }

    for (p = out; p < end; p++) {
        if (*p == '<' && !known_tag(p, end)) {
            __builtin_trap();
        }
    }

    /* the hrefs of the <a> tags (text holds no "<": it would have failed) */

    for (p = out; (p = memmem(p, (size_t) (end - p), "<a ", 3)); p++) {
        h = memmem(p, (size_t) (end - p), "href=\"", 6);
        tag_end = memchr(p, '>', (size_t) (end - p));

        if (h == NULL || tag_end == NULL || h > tag_end) {
            __builtin_trap();
        }

        h += 6;

        if (!(*h == '?' || *h == '/'
              || strncasecmp((const char *) h, "https://x/", 10) == 0
              || strncasecmp((const char *) h, "http:", 5) == 0
              || strncasecmp((const char *) h, "https:", 6) == 0
              || strncasecmp((const char *) h, "mailto:", 7) == 0))
        {
            __builtin_trap();
        }
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t                  room, need;
    u_char                 *out, *work;
    ssize_t                 n;
    resources_html_conf_t   conf[2];

    memset(conf, 0, sizeof(conf));
    conf[0].self = (const u_char *) "/resources";
    conf[0].self_len = 10;
    conf[1] = conf[0];
    conf[1].link = (const u_char *) "https://x/{id}/{id}?a=1&b={";
    conf[1].link_len = strlen((const char *) conf[1].link);
    conf[1].link_ids = 2;

    for (int i = 0; i < 2; i++) {
        for (int article = 0; article < 2; article++) {
            work = malloc(size + 1);

            if (work == NULL) {
                __builtin_trap();
            }

            /* no room: the room it needs; then exactly that much */

            n = article ? resources_html_article(data, size, &conf[i], NULL,
                                                 0, work, &need)
                        : resources_html_item(data, size, &conf[i], NULL, 0,
                                              work, &need);

            if (n == -1) {
                free(work);
                continue;
            }

            if (n != RESOURCES_HTML_AGAIN || need == 0) {
                __builtin_trap();
            }

            out = malloc(need);

            if (out == NULL) {
                __builtin_trap();
            }

            n = article ? resources_html_article(data, size, &conf[i], out,
                                                 need, work, &room)
                        : resources_html_item(data, size, &conf[i], out,
                                              need, work, &room);

            if (n >= 0) {
                if ((size_t) n > need || room != need) {
                    __builtin_trap();
                }

                if (article) {
                    check(out, (size_t) n,
                          "<article class=\"resource resource-full\"",
                          "</article>\n");

                } else {
                    check(out, (size_t) n, "<li class=\"resource\"",
                          "</li>\n");
                }

            } else if (n == RESOURCES_HTML_AGAIN) {
                __builtin_trap();
            }

            free(out);
            free(work);
        }
    }

    return 0;
}
