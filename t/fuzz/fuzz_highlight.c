/*
 * Copyright (C) ngx_http_resources authors
 *
 * libFuzzer target: resources_highlight() (src/resources_highlight.c) on
 * arbitrary text and q.  The input is: a byte (crop, modulo 201), a byte
 * (the length of q), q, then the text; q and the text are cut to their
 * valid UTF-8 (the module gives it nothing else).
 *
 * Invariants checked (resources_highlight.h): the output fits
 * RESOURCES_HIGHLIGHT_ROOM(len) (the buffer is exactly that large, so ASan
 * sees any write past it); every '<' opens or closes a <mark>, never two
 * open at once; without crop, the output without its marks, unescaped,
 * is the text less the C0 controls but tab, newline and return, and DEL.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "resources_highlight.h"
#include "resources_query.h"
#include "resources_text.h"


static const char  *entities[] = { "&amp;", "&lt;", "&gt;", "&quot;",
                                   "&#39;", NULL };
static const char   entity_char[] = "&<>\"'";


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char            *out, *plain, *qbuf;
    size_t             crop, qlen, len, n, room, i, k, m, nmarks;
    int                open;
    resources_q_t      qs;
    resources_mark_t   marks[RESOURCES_Q_WORDS_MAX];
    const u_char      *q, *text;

    if (size < 2) {
        return 0;
    }

    crop = data[0] % (RESOURCES_QUERY_MAX_CROP + 1);
    qlen = data[1];

    if (qlen > size - 2) {
        qlen = size - 2;
    }

    q = data + 2;
    text = q + qlen;
    len = size - 2 - qlen;

    qlen = resources_utf8_valid(q, qlen);
    len = resources_utf8_valid(text, len);

    nmarks = 0;

    if (qlen) {
        room = RESOURCES_Q_ROOM(qlen);
        qbuf = malloc(room);
        check(qbuf != NULL);

        if (resources_q_parse(q, qlen, qbuf, room, RESOURCES_STEM_LIGHT, &qs)
            == 0)
        {
            nmarks = resources_highlight_marks(&qs, marks);
            check(nmarks <= qs.nwords);
        }

    } else {
        qbuf = NULL;
    }

    room = RESOURCES_HIGHLIGHT_ROOM(len);
    out = malloc(room);
    plain = malloc(len + 1);
    check(out != NULL && plain != NULL);

    n = resources_highlight(text, len, marks, nmarks, crop,
                            RESOURCES_STEM_LIGHT, out);
    check(n <= room);

    /* the marks, and what is between them unescaped */

    open = 0;
    m = 0;

    for (i = 0; i < n; ) {
        if (out[i] == '<') {
            if (!open && n - i >= 6 && memcmp(out + i, "<mark>", 6) == 0) {
                open = 1;
                i += 6;
                continue;
            }

            check(open && n - i >= 7 && memcmp(out + i, "</mark>", 7) == 0);
            open = 0;
            i += 7;
            continue;
        }

        check(out[i] != '>' && out[i] != '"' && out[i] != '\'');

        if (out[i] == '&') {
            for (k = 0; entities[k]; k++) {
                if (n - i >= strlen(entities[k])
                    && memcmp(out + i, entities[k], strlen(entities[k])) == 0)
                {
                    break;
                }
            }

            check(entities[k] != NULL);

            if (m < len + 1) {
                plain[m] = (u_char) entity_char[k];
            }

            m++;
            i += strlen(entities[k]);
            continue;
        }

        if (m < len + 1) {
            plain[m] = out[i];
        }

        m++;
        i++;
    }

    check(!open);

    if (crop == 0) {
        for (i = 0, k = 0; i < len; i++) {
            if ((text[i] < 0x20 && text[i] != '\t' && text[i] != '\n'
                 && text[i] != '\r')
                || text[i] == 0x7f)
            {
                continue;
            }

            check(k < m && plain[k] == text[i]);
            k++;
        }

        check(k == m);
    }

    free(out);
    free(plain);
    free(qbuf);

    return 0;
}
