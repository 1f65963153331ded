/*
 * Copyright (C) ngx_http_resources authors
 *
 * libFuzzer target: src/resources_text.c (folding, slugs, ids, words,
 * stemming) on arbitrary bytes, with the invariants that its header
 * promises.  A violated invariant is __builtin_trap().
 *
 * Invariants checked (resources_text.h):
 *   utf8_valid    <= len; fold is INVALID exactly when the input is not
 *                 valid UTF-8 without NUL (or TOO_LONG came first);
 *   fold          with RESOURCES_FOLD_RATIO * len + 16 bytes of room it
 *                 never says TOO_LONG ("always suffices");  the output is
 *                 valid UTF-8, has no ASCII upper case letter, no control
 *                 character, no leading, trailing or double space, no
 *                 typographic apostrophe or dash, no oe/ae ligature;
 *                 fold(fold(x)) == fold(x) (the folded form is what
 *                 matching uses: folding it again must not change it);
 *   slug          [a-z0-9-]*, at most RESOURCES_SLUG_MAX bytes, NUL-
 *                 terminated, no "-" at either end, no "--", a valid id
 *                 when not empty, the same as the slug computed from the
 *                 folded text; never INVALID for valid UTF-8;
 *   words         each word 1..RESOURCES_WORD_MAX bytes, valid UTF-8, only
 *                 STOP|LAST flags, LAST only on the last word;
 *   stem          shortens by 0 or 1 byte, keeps valid UTF-8 valid;
 *   id_valid      agrees with [a-z0-9][a-z0-9-]{0,127}.
 *
 * Build with -DFUZZ_LAX to relax the design checks that the regressions in
 * t/fuzz/regressions/fuzz_text/ show failing (fold bound; no ligature in the
 * folded form, fold(fold(x)) == fold(x): lax, fold(fold(fold(x))) ==
 * fold(fold(x))), to explore past them.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "resources_text.h"


#include "fuzz.h"


typedef struct {
    size_t     count;
    size_t     last_seen;      /* words seen with the LAST flag */
    int        last_was_last;
} fuzz_words_t;


static int
fuzz_word(void *data, const u_char *w, size_t len, unsigned flags)
{
    fuzz_words_t  *fw = data;

    check(len >= 1 && len <= RESOURCES_WORD_MAX);
    check((flags & ~(RESOURCES_WORD_STOP | RESOURCES_WORD_LAST)) == 0);

    /* a word handed over must stay valid UTF-8 (stemming included) */
    check(resources_utf8_valid(w, len) == len);

    /* LAST is only the very last word: no word may follow it */
    check(!fw->last_was_last);

    fw->last_was_last = (flags & RESOURCES_WORD_LAST) != 0;
    fw->last_seen += fw->last_was_last;
    fw->count++;

    return 0;
}


static void
fuzz_words(const u_char *s, size_t len, int must_be_valid)
{
    int           rc;
    fuzz_words_t  fw;

    memset(&fw, 0, sizeof(fw));

    rc = resources_words(s, len, fuzz_word, &fw);

    check(rc == 0 || rc == RESOURCES_TEXT_INVALID);

    if (must_be_valid) {
        check(rc == 0);
    }

    check(fw.last_seen <= 1);
}


/* the code point at p (valid UTF-8), its length in *n */

static uint32_t
fuzz_decode(const u_char *p, size_t *n)
{
    if (p[0] < 0x80) {
        *n = 1;
        return p[0];
    }

    if (p[0] < 0xe0) {
        *n = 2;
        return ((p[0] & 0x1f) << 6) | (p[1] & 0x3f);
    }

    if (p[0] < 0xf0) {
        *n = 3;
        return ((p[0] & 0x0f) << 12) | ((p[1] & 0x3f) << 6) | (p[2] & 0x3f);
    }

    *n = 4;
    return ((p[0] & 0x07) << 18) | ((p[1] & 0x3f) << 12)
           | ((p[2] & 0x3f) << 6) | (p[3] & 0x3f);
}


static void
fuzz_check_folded(const u_char *f, size_t n)
{
    size_t    i, cl;
    uint32_t  cp;

    check(resources_utf8_valid(f, n) == n);

    if (n == 0) {
        return;
    }

    check(f[0] != ' ' && f[n - 1] != ' ');

    for (i = 0; i < n; i += cl) {
        cp = fuzz_decode(f + i, &cl);

        check(!(cp >= 'A' && cp <= 'Z'));
        check(cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp < 0xa0));
        check(!(cp == ' ' && i + 1 < n && f[i + 1] == ' '));

        /* unified apostrophes and dashes, spelled-out ligatures */
        check(cp != 0x2018 && cp != 0x2019 && cp != 0x02bc && cp != 0x2032
              && cp != 0x0060 && cp != 0x00b4);
        check(!(cp >= 0x2010 && cp <= 0x2015) && cp != 0x2212
              && cp != 0xfe63 && cp != 0xff0d);

#ifndef FUZZ_LAX
        check(cp != 0x0153 && cp != 0x0152 && cp != 0x00e6 && cp != 0x00c6);
#endif

        /* marks are removed */
        if (cp >= 0x80) {
            utf8proc_category_t  cat = utf8proc_category((utf8proc_int32_t) cp);

            check(cat != UTF8PROC_CATEGORY_MN && cat != UTF8PROC_CATEGORY_MC
                  && cat != UTF8PROC_CATEGORY_ME);
            check(cat != UTF8PROC_CATEGORY_ZS && cat != UTF8PROC_CATEGORY_ZL
                  && cat != UTF8PROC_CATEGORY_ZP && cat != UTF8PROC_CATEGORY_CC
                  && cat != UTF8PROC_CATEGORY_CF);
        }

        /* Unicode white space other than ' ' (a few common ones) */
        check(cp != 0x00a0 && cp != 0x2028 && cp != 0x2029 && cp != 0x3000
              && cp != 0x202f && cp != 0xfeff);
    }
}


/* the slug of folded text, computed independently of resources_slug() */

static size_t
fuzz_expected_slug(const u_char *f, size_t n, u_char *out)
{
    size_t  i, o;
    int     dash;
    u_char  c;

    o = 0;
    dash = 0;

    for (i = 0; i < n; i++) {
        c = f[i];

        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && o > 0) {
                out[o++] = '-';
            }

            out[o++] = c;
            dash = 0;

        } else {
            dash = 1;
        }
    }

    if (o > RESOURCES_SLUG_MAX) {
        o = RESOURCES_SLUG_MAX;
    }

    while (o > 0 && out[o - 1] == '-') {
        o--;
    }

    return o;
}


/* the fold of ASCII text (1..127), computed independently */

static size_t
fuzz_ascii_fold(const u_char *s, size_t len, u_char *out)
{
    size_t  i, o;
    int     space;
    u_char  c;

    o = 0;
    space = 0;

    for (i = 0; i < len; i++) {
        c = s[i];

        if (c < 0x20 || c == 0x7f || c == ' ') {
            space = (o > 0);
            continue;
        }

        if (space) {
            out[o++] = ' ';
            space = 0;
        }

        if (c >= 'A' && c <= 'Z') {
            c |= 0x20;

        } else if (c == '`') {
            c = '\'';
        }

        out[o++] = c;
    }

    return o;
}


static int
fuzz_id_reference(const u_char *s, size_t len)
{
    size_t  i;

    if (len < 1 || len > 128) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')) {
            continue;
        }

        if (s[i] == '-' && i > 0) {
            continue;
        }

        return 0;
    }

    return 1;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char        *out, *out2, *exp, *w;
    u_char         slug[RESOURCES_SLUG_MAX + 1 + 8];
    size_t         valid, cap, i, n, wl;
    ssize_t        f, f2, s;
    const u_char  *in = data;

    valid = resources_utf8_valid(in, size);
    check(valid <= size);

    /* the valid prefix is valid */
    check(resources_utf8_valid(in, valid) == valid);

    /* fold, with the room the header says always suffices */

    cap = RESOURCES_FOLD_RATIO * size + 16;
    out = malloc(cap);
    check(out != NULL);

    f = resources_fold(in, size, out, cap);

    check(f == RESOURCES_TEXT_INVALID || f == RESOURCES_TEXT_TOO_LONG
          || (f >= 0 && (size_t) f <= cap));

    if (valid != size) {
        check(f < 0);

    } else {
#ifndef FUZZ_LAX
        check(f != RESOURCES_TEXT_TOO_LONG);
#endif
        check(f != RESOURCES_TEXT_INVALID);
    }

    /* a buffer too small says so, and never writes past cap */

    if (f > 0) {
        u_char  *small = malloc((size_t) f - 1 + 1);

        check(small != NULL);
        check(resources_fold(in, size, small, (size_t) f - 1)
              == RESOURCES_TEXT_TOO_LONG);
        free(small);
    }

    if (f >= 0) {
        fuzz_check_folded(out, (size_t) f);

        for (i = 0; i < size && in[i] >= 0x01 && in[i] < 0x80; i++) {
            /* void */
        }

        if (i == size) {
            exp = malloc(size + 1);
            check(exp != NULL);
            n = fuzz_ascii_fold(in, size, exp);
            check(n == (size_t) f && memcmp(exp, out, n) == 0);
            free(exp);
        }

        /* folding the folded form changes nothing */

        cap = RESOURCES_FOLD_RATIO * (size_t) f + 16;
        out2 = malloc(cap);
        check(out2 != NULL);

        f2 = resources_fold(out, (size_t) f, out2, cap);

#ifndef FUZZ_LAX
        check(f2 == f && memcmp(out, out2, (size_t) f) == 0);
#else
        /* lax: a second fold may still spell out a ligature, a third one
         * must change nothing */
        if (f2 >= 0) {
            u_char   *out3;
            ssize_t   f3;

            out3 = malloc(RESOURCES_FOLD_RATIO * (size_t) f2 + 16);
            check(out3 != NULL);
            f3 = resources_fold(out2, (size_t) f2, out3,
                                RESOURCES_FOLD_RATIO * (size_t) f2 + 16);
            check(f3 == f2 && memcmp(out2, out3, (size_t) f2) == 0);
            free(out3);
        }
#endif

        free(out2);

        fuzz_words(out, (size_t) f, 1);
    }

    /* words on the raw input too (it need not be folded) */

    fuzz_words(in, size, valid == size);

    /* slug */

    memset(slug, 0xa5, sizeof(slug));

    s = resources_slug(in, size, slug);

    check(s == RESOURCES_TEXT_INVALID || (s >= 0 && s <= RESOURCES_SLUG_MAX));

    /* nothing written past RESOURCES_SLUG_MAX + 1 */
    for (i = RESOURCES_SLUG_MAX + 1; i < sizeof(slug); i++) {
        check(slug[i] == 0xa5);
    }

    if (s >= 0) {
        check(slug[s] == '\0');

        for (i = 0; i < (size_t) s; i++) {
            check((slug[i] >= 'a' && slug[i] <= 'z')
                  || (slug[i] >= '0' && slug[i] <= '9') || slug[i] == '-');
            check(!(slug[i] == '-' && i + 1 < (size_t) s
                    && slug[i + 1] == '-'));
        }

        if (s > 0) {
            check(slug[0] != '-' && slug[s - 1] != '-');
            check(resources_id_valid(slug, (size_t) s));
        }

        /* the slug is the folded title's, when the whole title is used */

        if (f >= 0 && size <= RESOURCES_SLUG_MAX * 4) {
            exp = malloc((size_t) f * 2 + 1);
            check(exp != NULL);
            n = fuzz_expected_slug(out, (size_t) f, exp);
            check(n == (size_t) s && memcmp(exp, slug, n) == 0);
            free(exp);
        }

    } else if (valid == size) {
#ifndef FUZZ_LAX
        check(0);               /* valid UTF-8 always has a slug, maybe "" */
#endif
    }

    free(out);

    /* id_valid against a reference */

    check(resources_id_valid(in, size) == fuzz_id_reference(in, size));

    /* stem and stopword on the input taken as one word */

    wl = size < RESOURCES_WORD_MAX ? size : RESOURCES_WORD_MAX;
    w = malloc(wl + 1);
    check(w != NULL);
    memcpy(w, in, wl);

    n = resources_stem(w, wl);
    check(n == wl || n + 1 == wl);
    check(n == 0 || memcmp(w, in, n - 1) == 0);

    if (resources_utf8_valid(in, wl) == wl) {
        check(resources_utf8_valid(w, n) == n);
    }

    (void) resources_stopword(in, size);
    (void) resources_stopword(w, n);

    free(w);

    return 0;
}
