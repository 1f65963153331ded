/*
 * Copyright (C) ngx_http_resources authors
 *
 * libFuzzer target: the query string of the HTTP API (src/resources_query.c)
 * as the module parses it, then what the module does next with each kw,
 * type, q and prefix value: resources_fold() into RESOURCES_FOLD_RATIO * len
 * + 16 bytes and resources_words() on the folded text.
 *
 * The buffer given to resources_query_parse() is exactly as long as the
 * input (the header asks for "at least as long as the query string"), so
 * AddressSanitizer catches a write past it.
 *
 * Invariants (resources_query.h): on success every value points into the
 * buffer, is valid UTF-8 without NUL, at most RESOURCES_QUERY_MAX_VALUE
 * bytes; kw and type values are not empty and at most 16 of each; limit is
 * -1 or 0..max_limit, offset -1 or 0..RESOURCES_QUERY_MAX_OFFSET,
 * facet_limit -1 or 1..RESOURCES_QUERY_MAX_FACET; sort and facets take
 * known values; from and to are 0 or dates, and to >= from when both are
 * set.  On failure the message is a non-empty NUL-terminated string.  A
 * value the parser accepted is never INVALID for resources_fold().
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resources_query.h"
#include "resources_text.h"


#include "fuzz.h"

#define FUZZ_MAX_LIMIT  100


static size_t  fuzz_nwords;


static int
fuzz_word(void *data, const u_char *w, size_t len, unsigned flags)
{
    check(len >= 1 && len <= RESOURCES_WORD_MAX);
    fuzz_nwords++;

    return 0;
}


static int
fuzz_date(uint32_t d, int upper)
{
    uint32_t  y, m, dd;

    y = d / 10000;
    m = d / 100 % 100;
    dd = d % 100;

    if (y < 1000 || y > 9999) {
        return 0;
    }

    if (upper) {
        return (m == 12 && dd == 99) || (m >= 1 && m <= 12 && dd == 99);
    }

    return m <= 12 && dd == 0;
}


static void
fuzz_value(const resources_str_t *v, const u_char *buf, size_t size,
    int nonempty)
{
    u_char   *out;
    size_t    cap;
    ssize_t   n;

    check(v->len <= RESOURCES_QUERY_MAX_VALUE);
    check(!nonempty || v->len > 0);

    if (v->len) {
        check(v->data >= buf && v->data + v->len <= buf + size);
    }

    check(resources_utf8_valid(v->data, v->len) == v->len);

    /* what the module does: fold into 4x + 16, then words */

    cap = RESOURCES_FOLD_RATIO * v->len + 16;
    out = malloc(cap);
    check(out != NULL);

    n = resources_fold(v->data, v->len, out, cap);

    /* valid UTF-8 without NUL: folding cannot call it invalid */
    check(n != RESOURCES_TEXT_INVALID);

    if (n >= 0) {
        check((size_t) n <= cap);
        check(resources_words(out, (size_t) n, fuzz_word, NULL) == 0);
    }

    free(out);
}


/*
 * q's syntax (resources_q_parse) into a buffer exactly RESOURCES_Q_ROOM:
 * at most 10 words used, each inside the buffer and at most a word's
 * length; units inside q, in order, their words in order, the ignored
 * ones last; the groups non-decreasing
 */

static void
fuzz_q(const resources_str_t *v)
{
    u_char              *qbuf;
    size_t               i, room, used;
    resources_q_t        qs;
    resources_q_unit_t  *u;

    room = RESOURCES_Q_ROOM(v->len);
    qbuf = malloc(room);
    check(qbuf != NULL);

    check(resources_q_parse(v->data, v->len, qbuf, room,
                            (v->len & 1) ? RESOURCES_STEM_LIGHT
                                          : RESOURCES_STEM_PLURALS, &qs) == 0);
    check(qs.nwords <= RESOURCES_Q_WORDS_MAX);
    check(qs.nunits <= RESOURCES_Q_UNITS_MAX);
    check(qs.nignored <= qs.nunits);

    for (i = 0; i < qs.nwords; i++) {
        check(qs.word[i].text.len >= 1
              && qs.word[i].text.len <= RESOURCES_WORD_MAX);
        check(qs.word[i].text.data >= qbuf
              && qs.word[i].text.data + qs.word[i].text.len <= qbuf + room);
        check(qs.word[i].unit < qs.nunits);
    }

    for (i = 0, used = 0; i < qs.nunits; i++) {
        u = &qs.unit[i];

        check(u->text.data >= v->data
              && u->text.data + u->text.len <= v->data + v->len);
        check(i == 0 || u->text.data >= qs.unit[i - 1].text.data
                                        + qs.unit[i - 1].text.len);
        check(i == 0 || u->group >= qs.unit[i - 1].group);

        if (u->flags & RESOURCES_Q_IGNORED) {
            check(u->nwords == 0);
            check(i + 1 == qs.nunits
                  || (qs.unit[i + 1].flags & RESOURCES_Q_IGNORED));
            continue;
        }

        check(u->nwords >= 1 && u->word == used);
        check(!(u->flags & RESOURCES_Q_PREFIX)
              || (i + 1 == qs.nunits
                  && !(u->flags & (RESOURCES_Q_NEGATED
                                   | RESOURCES_Q_PHRASE))));
        used += u->nwords;
    }

    check(used == qs.nwords);

    free(qbuf);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                 rc;
    char                err[256];
    u_char             *buf;
    size_t              i;
    resources_query_t   q;

    buf = malloc(size ? size : 1);
    check(buf != NULL);

    memset(err, 0x5a, sizeof(err));

    /* every route, strict or not, by the input's length */

    rc = resources_query_parse(data, size, buf, FUZZ_MAX_LIMIT,
                               (size % 3 == 0 ? RESOURCES_QUERY_LIST
                                : size % 3 == 1 ? RESOURCES_QUERY_TERMS : 0)
                               | (size & 4 ? RESOURCES_QUERY_STRICT : 0),
                               &q, err, sizeof(err));

    check(rc == 0 || rc == -1);

    if (rc != 0) {
        check(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
        free(buf);
        return 0;
    }

    check(q.nkw <= RESOURCES_QUERY_MAX_KW);
    check(q.ntype <= RESOURCES_QUERY_MAX_TYPE);
    check(q.limit >= -1 && q.limit <= FUZZ_MAX_LIMIT);
    check(q.offset >= -1 && q.offset <= RESOURCES_QUERY_MAX_OFFSET);
    check(q.facet_limit == -1
          || (q.facet_limit >= 1
              && q.facet_limit <= RESOURCES_QUERY_MAX_FACET));
    check(q.sort <= RESOURCES_SORT_RELEVANCE);
    check((q.facets & ~(RESOURCES_FACET_KW | RESOURCES_FACET_TYPE
                        | RESOURCES_FACET_YEAR)) == 0);
    check(q.from == 0 || fuzz_date(q.from, 0));
    check(q.to == 0 || fuzz_date(q.to, 1));
    check(q.from == 0 || q.to == 0 || q.to >= q.from);

    fuzz_nwords = 0;

    for (i = 0; i < q.nkw; i++) {
        fuzz_value(&q.kw[i], buf, size, 1);
    }

    for (i = 0; i < q.ntype; i++) {
        fuzz_value(&q.type[i], buf, size, 1);
    }

    if (q.q.data) {
        fuzz_value(&q.q, buf, size, 0);
        fuzz_q(&q.q);
    }

    if (q.prefix.data) {
        fuzz_value(&q.prefix, buf, size, 0);
    }

    /* percent-decoding alone, into a buffer exactly as long */

    {
        u_char   *dst = malloc(size ? size : 1);
        ssize_t   n;

        check(dst != NULL);
        n = resources_unescape(data, size, dst, 1);
        check(n == -1 || (n >= 0 && (size_t) n <= size));
        free(dst);
    }

    free(buf);

    return 0;
}
