/*
 * bench/stemmers.c: which French stemmer for #22's word forms
 * (docs/format.md section 4, docs/relevance.md).
 *
 *   make bench-stemmers
 *   build/bench/stemmers check
 *   build/bench/stemmers forms
 *   build/bench/stemmers vocab CATALOGUE.jsonl [TOP]
 *   build/bench/stemmers dump CATALOGUE.jsonl > words.tsv
 *   taskset -c 1 build/bench/stemmers speed CATALOGUE.jsonl [TOKENS] [RUNS]
 *   build/bench/stemmers judged CATALOGUE.jsonl QUERIES.tsv [CATEGORIES]
 *
 * Five ways to reduce a word, each applied to the word as the project
 * folds and splits it (resources_fold(), then the words of
 * resources_words(): elisions dropped, stop words not counted):
 *
 *   none      the folded word itself (exact match only), for reference;
 *   project   resources_stem(), today's stemmer (plurals: -s, -x, -aux);
 *   minimal   Lucene's FrenchMinimalStemmer, ported below;
 *   light     Lucene's FrenchLightStemmer, ported below;
 *   snowball  Snowball's French stemmer (libstemmer, Debian libstemmer-dev);
 *   snowball+project  Snowball, then resources_stem() on its stem:
 *             Snowball keeps the plural of "lieux", "enjeux", "emplois",
 *             "lois" (its step 4 drops no "s" after "i", "o", "u", and no
 *             "x" after "eu"); the project's rules undo it.  (The other
 *             order, resources_stem() first, cuts the "s" of verb endings
 *             that Snowball needs: 13,806 stems at 100k against Snowball's
 *             13,466.)
 *
 * The Lucene stemmers and Snowball expect accented lower-case text; here
 * they see folded text, as the module would give them (accents gone, "oe"
 * for "œ").  The ports read an accented letter of a rule as its folded
 * letter ("é" as "e", "ère" as "ere", "ième" as "ieme"); FrenchLightStemmer's
 * norm() folds accents itself, a no-op here.  "forms" also shows Snowball on
 * the accented word (its stem folded afterwards): what it would give if
 * the loader stemmed before folding (a query typed without accents would
 * not get it).
 *
 * Modes:
 *   check   the ports against the words of Lucene's tests
 *           (TestFrenchLightStemFilter, TestFrenchMinimalStemFilter
 *           testExamples()), folded: exit status 1 when one differs;
 *   forms   the word groups of #22 (and words that should stay apart):
 *           the classes each stemmer makes of each group;
 *   vocab   the distinct words of a catalogue (title, keywords, summary,
 *           body; stop words and words without a letter left out): the
 *           distinct stems, the classes of 2+ words, the TOP (default 30)
 *           largest classes with their words;
 *   dump    each distinct word of a catalogue, its count and its stems
 *           (tab-separated), for comparing the classes elsewhere;
 *   speed   ns a word: the first TOKENS (default 1,000,000) words of the
 *           catalogue in text order, each copied and stemmed, RUNS (default
 *           7) runs, median (run it pinned: taskset -c 1);
 *   judged  for each query of CATEGORIES (default "form"; "all" for every
 *           one) of QUERIES.tsv: the public records of CATALOGUE that hold
 *           every non-stop query word, or a word of the same stem, against
 *           the judgments: grade-2 records found, judged records found,
 *           unjudged records found; and each (query word, grade-2 record)
 *           where the record lacks the word itself: whether it has a word
 *           of the same stem.
 *
 * The words are cross-checked against resources_words(): the project
 * stemmer applied to each word found here must give its word, in order.
 *
 * The ports of FrenchMinimalStemmer and FrenchLightStemmer follow
 * lucene/analysis/common/src/java/org/apache/lucene/analysis/fr/
 * FrenchMinimalStemmer.java and FrenchLightStemmer.java of Apache Lucene
 * (https://github.com/apache/lucene), Licensed to the Apache Software
 * Foundation (ASF) under the Apache License, Version 2.0
 * (http://www.apache.org/licenses/LICENSE-2.0); those files are based on
 * Jacques Savoy's code (http://members.unine.ch/jacques.savoy/clef/),
 * Copyright (c) 2005, Jacques Savoy, All rights reserved, under this notice:
 *
 *   Redistribution and use in source and binary forms, with or without
 *   modification, are permitted provided that the following conditions are
 *   met: Redistributions of source code must retain the above copyright
 *   notice, this list of conditions and the following disclaimer.
 *   Redistributions in binary form must reproduce the above copyright
 *   notice, this list of conditions and the following disclaimer in the
 *   documentation and/or other materials provided with the distribution.
 *   Neither the name of the author nor the names of its contributors may
 *   be used to endorse or promote products derived from this software
 *   without specific prior written permission.
 *
 *   THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
 *   "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
 *   LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A
 *   PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT
 *   HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL,
 *   SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED
 *   TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR
 *   PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF
 *   LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING
 *   NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
 *   SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 *
 * The ports (this file's functions bench_minimal() and bench_light()) are
 * under the Apache License 2.0 and the notice above; the rest of this file
 * is BSD 2-Clause, like the project.  Links the project's
 * build/obj/resources_text.o, libstemmer, jansson and utf8proc.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include <libstemmer.h>
#include <utf8proc.h>

#include "resources_text.h"


#define NSTEM       6
#define WORD_CAP    (RESOURCES_WORD_MAX + 16)

enum { S_NONE, S_PROJECT, S_MINIMAL, S_LIGHT, S_SNOWBALL, S_PSNOWBALL };

static const char  *stem_names[NSTEM] = {
    "none", "project", "minimal", "light", "snowball", "snowball+project"
};

static struct sb_stemmer  *sb;


/* ---- Lucene's FrenchMinimalStemmer (Apache-2.0, Savoy), on folded bytes */

static size_t
bench_minimal(u_char *s, size_t len)
{
    if (len < 6) {
        return len;
    }

    if (s[len - 1] == 'x') {
        if (s[len - 3] == 'a' && s[len - 2] == 'u') {
            s[len - 2] = 'l';
        }
        return len - 1;
    }

    if (s[len - 1] == 's') len--;
    if (s[len - 1] == 'r') len--;
    if (s[len - 1] == 'e') len--;
    if (s[len - 1] == 'e') len--;          /* Lucene: 'é' */
    if (s[len - 1] == s[len - 2]
        && s[len - 1] >= 'a' && s[len - 1] <= 'z')
    {
        len--;
    }

    return len;
}


/* ---- Lucene's FrenchLightStemmer (Apache-2.0, Savoy), on folded bytes */

static int
ends(const u_char *s, size_t len, const char *suf)
{
    size_t  n = strlen(suf);

    return len >= n && memcmp(s + len - n, suf, n) == 0;
}


static int
is_letter(u_char c)
{
    return c >= 'a' && c <= 'z';
}


static size_t
light_norm(u_char *s, size_t len)
{
    size_t  i, j;
    u_char  ch;

    if (len > 4) {
        /* the accents of Lucene's norm() are folded already */

        ch = s[0];
        for (i = 1, j = 1; i < len; i++) {
            if (s[i] == ch && is_letter(ch)) {
                continue;                   /* StemmerUtil.delete() */
            }
            ch = s[i];
            s[j++] = s[i];
        }
        len = j;
    }

    if (len > 4 && ends(s, len, "ie")) len -= 2;

    if (len > 4) {
        if (s[len - 1] == 'r') len--;
        if (s[len - 1] == 'e') len--;
        if (s[len - 1] == 'e') len--;
        if (s[len - 1] == s[len - 2] && is_letter(s[len - 1])) len--;
    }

    return len;
}


static size_t
bench_light(u_char *s, size_t len)
{
    if (len > 5 && s[len - 1] == 'x') {
        if (s[len - 3] == 'a' && s[len - 2] == 'u' && s[len - 4] != 'e') {
            s[len - 2] = 'l';
        }
        len--;
    }

    if (len > 3 && s[len - 1] == 'x') len--;

    if (len > 3 && s[len - 1] == 's') len--;

    if (len > 9 && ends(s, len, "issement")) {
        len -= 6;
        s[len - 1] = 'r';
        return light_norm(s, len);
    }

    if (len > 8 && ends(s, len, "issant")) {
        len -= 4;
        s[len - 1] = 'r';
        return light_norm(s, len);
    }

    if (len > 6 && ends(s, len, "ement")) {
        len -= 4;
        if (len > 3 && ends(s, len, "ive")) {
            len--;
            s[len - 1] = 'f';
        }
        return light_norm(s, len);
    }

    if (len > 11 && ends(s, len, "ficatrice")) {
        len -= 5;
        s[len - 2] = 'e';
        s[len - 1] = 'r';
        return light_norm(s, len);
    }

    if (len > 10 && ends(s, len, "ficateur")) {
        len -= 4;
        s[len - 2] = 'e';
        s[len - 1] = 'r';
        return light_norm(s, len);
    }

    if (len > 9 && ends(s, len, "catrice")) {
        len -= 3;
        s[len - 4] = 'q';
        s[len - 3] = 'u';
        s[len - 2] = 'e';
        return light_norm(s, len);
    }

    if (len > 8 && ends(s, len, "cateur")) {
        len -= 2;
        s[len - 4] = 'q';
        s[len - 3] = 'u';
        s[len - 2] = 'e';
        s[len - 1] = 'r';
        return light_norm(s, len);
    }

    if (len > 8 && ends(s, len, "atrice")) {
        len -= 4;
        s[len - 2] = 'e';
        s[len - 1] = 'r';
        return light_norm(s, len);
    }

    if (len > 7 && ends(s, len, "ateur")) {
        len -= 3;
        s[len - 2] = 'e';
        s[len - 1] = 'r';
        return light_norm(s, len);
    }

    if (len > 6 && ends(s, len, "trice")) {
        len--;
        s[len - 3] = 'e';
        s[len - 2] = 'u';
        s[len - 1] = 'r';
    }

    /* Lucene: "ième", 4 chars; folded "ieme" */
    if (len > 5 && ends(s, len, "ieme")) return light_norm(s, len - 4);

    if (len > 7 && ends(s, len, "teuse")) {
        len -= 2;
        s[len - 1] = 'r';
        return light_norm(s, len);
    }

    if (len > 6 && ends(s, len, "teur")) {
        len--;
        s[len - 1] = 'r';
        return light_norm(s, len);
    }

    if (len > 5 && ends(s, len, "euse")) return light_norm(s, len - 2);

    if (len > 8 && ends(s, len, "ere")) {           /* "ère" */
        len--;
        s[len - 2] = 'e';
        return light_norm(s, len);
    }

    if (len > 7 && ends(s, len, "ive")) {
        len--;
        s[len - 1] = 'f';
        return light_norm(s, len);
    }

    if (len > 4 && (ends(s, len, "folle") || ends(s, len, "molle"))) {
        len -= 2;
        s[len - 1] = 'u';
        return light_norm(s, len);
    }

    if (len > 9 && ends(s, len, "nnelle")) return light_norm(s, len - 5);

    if (len > 9 && ends(s, len, "nnel")) return light_norm(s, len - 3);

    if (len > 4 && ends(s, len, "ete")) {           /* "ète" */
        len--;
        s[len - 2] = 'e';
    }

    if (len > 8 && ends(s, len, "ique")) len -= 4;

    if (len > 8 && ends(s, len, "esse")) return light_norm(s, len - 3);

    if (len > 7 && ends(s, len, "inage")) return light_norm(s, len - 3);

    if (len > 9 && ends(s, len, "isation")) {
        len -= 7;
        if (len > 5 && ends(s, len, "ual")) s[len - 2] = 'e';
        return light_norm(s, len);
    }

    if (len > 9 && ends(s, len, "isateur")) return light_norm(s, len - 7);

    if (len > 8 && ends(s, len, "ation")) return light_norm(s, len - 5);

    if (len > 8 && ends(s, len, "ition")) return light_norm(s, len - 5);

    return light_norm(s, len);
}


/* ---- the five, on a folded word: the stem into out (WORD_CAP bytes) */

static size_t
stem_word(int which, const u_char *w, size_t len, u_char *out)
{
    const sb_symbol  *r;
    size_t            n;

    /* 8 bytes before the word readable for resources_stem() (its rule) */
    memcpy(out, w, len);

    switch (which) {
    case S_NONE:
        return len;
    case S_PROJECT:
        return resources_stem(out, len);
    case S_MINIMAL:
        return bench_minimal(out, len);
    case S_LIGHT:
        return bench_light(out, len);
    default:
        r = sb_stemmer_stem(sb, w, (int) len);
        n = (size_t) sb_stemmer_length(sb);
        if (r == NULL || n > WORD_CAP) {
            return len;
        }
        memcpy(out, r, n);
        return which == S_SNOWBALL ? n : resources_stem(out, n);
    }
}


/* ---- folded words, as resources_words() finds them, unstemmed */

static const char  *elisions[] = {
    "c", "d", "j", "l", "m", "n", "s", "t", "qu",
    "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu", NULL
};


static int
is_elision(const u_char *w, size_t len)
{
    int  i;

    for (i = 0; elisions[i]; i++) {
        if (strlen(elisions[i]) == len && memcmp(elisions[i], w, len) == 0) {
            return 1;
        }
    }

    return 0;
}


static int
is_word_cp(int32_t cp)
{
    utf8proc_category_t  cat;

    if (cp < 0x80) {
        return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')
               || (cp >= 'A' && cp <= 'Z');
    }

    cat = utf8proc_category(cp);

    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO)
           || (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}


typedef void (*word_pt)(void *data, const u_char *w, size_t len, int stop);

typedef struct {
    u_char   w[WORD_CAP];
    size_t   len;
    int      stop;
} xword_t;

typedef struct {
    xword_t  *v;
    size_t    n, cap;
} xlist_t;

static size_t  mismatches;


static int
xcollect(void *data, const u_char *word, size_t len, unsigned flags)
{
    xlist_t  *l = data;

    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = realloc(l->v, l->cap * sizeof(xword_t));
    }

    memcpy(l->v[l->n].w, word, len);
    l->v[l->n].len = len;
    l->v[l->n].stop = (flags & RESOURCES_WORD_STOP) != 0;
    l->n++;

    return 0;
}


/* the words of folded text f: handler(word, len, stop) for each */

static void
folded_words(const u_char *f, size_t len, word_pt handler, void *data)
{
    static xlist_t  x;
    u_char          buf[8 + WORD_CAP], *b = buf + 8;
    size_t          i, k, n, cut, start;
    int32_t         cp;
    utf8proc_ssize_t  step;

    /* the project's words, stemmed: the cross-check */
    x.n = 0;
    (void) resources_words(f, len, xcollect, &x);

    memset(buf, 0, 8);
    i = 0;
    k = 0;

    while (i < len) {
        step = utf8proc_iterate(f + i, (utf8proc_ssize_t) (len - i), &cp);
        if (step <= 0) {
            return;
        }

        if (!is_word_cp(cp)) {
            i += (size_t) step;
            continue;
        }

        start = i;
        cut = i;

        while (i < len) {
            step = utf8proc_iterate(f + i, (utf8proc_ssize_t) (len - i), &cp);
            if (step <= 0 || !is_word_cp(cp)) {
                break;
            }
            i += (size_t) step;
            if (i - start <= RESOURCES_WORD_MAX) {
                cut = i;
            }
        }

        n = cut - start;

        if (i < len && f[i] == '\'' && is_elision(f + start, n)) {
            continue;
        }

        memcpy(b, f + start, n);

        if (k >= x.n || resources_stem(b, n) != x.v[k].len
            || memcmp(b, x.v[k].w, x.v[k].len) != 0)
        {
            if (mismatches++ < 10) {
                fprintf(stderr, "word %zu: \"%.*s\" against the project's "
                        "\"%.*s\"\n", k, (int) n, f + start,
                        k < x.n ? (int) x.v[k].len : 0,
                        k < x.n ? (const char *) x.v[k].w : "");
            }
        }

        handler(data, f + start, n, resources_stopword(f + start, n));
        k++;
    }

    if (k != x.n && mismatches++ < 10) {
        fprintf(stderr, "%zu words against the project's %zu\n", k, x.n);
    }
}


static u_char  *fbuf;
static size_t   fcap;


static void
text_words(const char *s, size_t len, word_pt handler, void *data)
{
    ssize_t  n;

    if (fcap < RESOURCES_FOLD_RATIO * len + 16) {
        fcap = RESOURCES_FOLD_RATIO * len + 16;
        fbuf = realloc(fbuf, fcap);
    }

    n = resources_fold((const u_char *) s, len, fbuf, fcap);
    if (n < 0) {
        return;
    }

    folded_words(fbuf, (size_t) n, handler, data);
}


/* a record's text fields: title, keywords, summary, body */

static void
record_words(json_t *rec, word_pt handler, void *data)
{
    static const char  *fields[] = { "title", "summary", "body", NULL };
    json_t             *v, *k;
    size_t              i;
    int                 f;

    for (f = 0; fields[f]; f++) {
        v = json_object_get(rec, fields[f]);
        if (json_is_string(v)) {
            text_words(json_string_value(v), json_string_length(v),
                       handler, data);
        }
    }

    json_array_foreach(json_object_get(rec, "keywords"), i, k) {
        if (json_is_string(k)) {
            text_words(json_string_value(k), json_string_length(k),
                       handler, data);
        }
    }
}


/* ---- the vocabulary: distinct words, their counts and stems */

typedef struct {
    char      *w;
    uint32_t   len;
    uint64_t   count;
    char      *stem[NSTEM];
    uint32_t   slen[NSTEM];
    uint32_t   mark;                     /* the last record that had it */
} vword_t;

static vword_t   *vocab;
static size_t     nvocab, vcap;
static uint32_t  *vhash;
static size_t     vmask;


static uint64_t
hash(const void *p, size_t len)
{
    const u_char  *s = p;
    uint64_t       h = 1469598103934665603ULL;

    while (len--) {
        h = (h ^ *s++) * 1099511628211ULL;
    }

    return h;
}


static int
has_letter(const u_char *w, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if ((w[i] >= 'a' && w[i] <= 'z') || w[i] >= 0x80) {
            return 1;
        }
    }

    return 0;
}


/* the index of w in vocab, added when add; (size_t) -1 when absent */

static size_t
vocab_find(const u_char *w, size_t len, int add)
{
    size_t   i, j;
    vword_t *v;

    if (vhash == NULL) {
        vmask = (1 << 16) - 1;
        vhash = calloc(vmask + 1, sizeof(uint32_t));
    }

    for (i = hash(w, len) & vmask; vhash[i]; i = (i + 1) & vmask) {
        v = &vocab[vhash[i] - 1];
        if (v->len == len && memcmp(v->w, w, len) == 0) {
            return vhash[i] - 1;
        }
    }

    if (!add) {
        return (size_t) -1;
    }

    if (nvocab == vcap) {
        vcap = vcap ? 2 * vcap : 4096;
        vocab = realloc(vocab, vcap * sizeof(vword_t));
    }

    v = &vocab[nvocab];
    memset(v, 0, sizeof(vword_t));
    v->w = malloc(len + 1);
    memcpy(v->w, w, len);
    v->w[len] = '\0';
    v->len = (uint32_t) len;
    v->mark = UINT32_MAX;
    vhash[i] = (uint32_t) ++nvocab;

    if (nvocab * 2 > vmask) {
        vmask = 2 * vmask + 1;
        free(vhash);
        vhash = calloc(vmask + 1, sizeof(uint32_t));
        for (j = 0; j < nvocab; j++) {
            for (i = hash(vocab[j].w, vocab[j].len) & vmask; vhash[i];
                 i = (i + 1) & vmask) { /* void */ }
            vhash[i] = (uint32_t) (j + 1);
        }
    }

    return nvocab - 1;
}


static void
vocab_stems(void)
{
    u_char  out[8 + WORD_CAP];
    size_t  i, n;
    int     s;

    memset(out, 0, 8);

    for (i = 0; i < nvocab; i++) {
        for (s = 0; s < NSTEM; s++) {
            if (vocab[i].stem[s] != NULL) {
                continue;
            }
            n = stem_word(s, (u_char *) vocab[i].w, vocab[i].len, out + 8);
            vocab[i].stem[s] = malloc(n + 1);
            memcpy(vocab[i].stem[s], out + 8, n);
            vocab[i].stem[s][n] = '\0';
            vocab[i].slen[s] = (uint32_t) n;
        }
    }
}


static void
vocab_add(void *data, const u_char *w, size_t len, int stop)
{
    size_t  v;

    if (stop || !has_letter(w, len)) {
        return;
    }

    v = vocab_find(w, len, 1);          /* may move vocab */
    vocab[v].count++;
}


/* reads a JSON Lines catalogue: handler for each record */

static size_t
read_catalogue(const char *path, void (*rec)(json_t *, size_t, void *),
    void *data)
{
    FILE        *f;
    char        *line = NULL;
    size_t       cap = 0, n = 0;
    ssize_t      len;
    json_t      *j;
    json_error_t err;

    f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        exit(1);
    }

    while ((len = getline(&line, &cap, f)) > 0) {
        j = json_loadb(line, (size_t) len, 0, &err);
        if (j == NULL) {
            continue;
        }
        rec(j, n++, data);
        json_decref(j);
    }

    free(line);
    fclose(f);

    return n;
}


static void
rec_vocab(json_t *rec, size_t n, void *data)
{
    record_words(rec, vocab_add, NULL);
}


/* ---- forms */

static const char  *form_groups[] = {
    /* #22's groups */
    "social sociale sociaux sociales",
    "public publique publics publiques",
    "territorial territoriale territoriaux territoriales",
    "collectif collective collectifs collectives",
    "hôpital hôpitaux",
    "économie économies économique économiques",
    "coopérative coopératives coopératif coopératifs",
    /* more agreement and derivation of the catalogue's words */
    "local locale locaux locales",
    "rural rurale ruraux rurales",
    "national nationale nationaux",
    "associatif associative associatifs associatives",
    "participatif participative participatifs",
    "culturel culturelle culturels culturelles",
    "professionnel professionnelle professionnels",
    "européen européenne européens européennes",
    "nouveau nouvelle nouveaux nouvelles",
    "alimentaire alimentaires",
    "numérique numériques",
    "solidaire solidaires",
    "acteur acteurs actrice actrices",
    "travailleur travailleurs travailleuse travailleuses",
    "inclusif inclusive inclusifs",
    "innovant innovante innovants innovantes",
    "publié publiée publiés publiées",
    "lieu lieux",
    "enjeu enjeux",
    "emploi emplois",
    "loi lois",
    "collectivité collectivités",
    /* derivations: joining them is a choice */
    "coopérative coopération coopérer",
    "solidaire solidarité solidarités",
    "économie économique économiquement",
    "écologie écologique écologiques",
    "alimentation alimentaire",
    "inclusion inclusive",
    "innovation innovant innovante",
    "mutualisation mutualiser mutualisé",
    /* words of unrelated meanings: should stay apart */
    "marché marchés marcher marche",
    "don dons donner données",
    "mobile mobilité mobilisation",
    "commune communes communal communauté communication",
    "politique politiques police",
    "fond fonds fondation fonder",
    "cours court courts",
    "régie régies région régional",
    "logement logements loge loger",
    "place placement",
    "porte portail portage",
    "général généralisation généraliste",
    "sens sensible",
    "capital capitale capitalisme",
    "organisation organisme orgue",
    "action actions actionnaire",
    "personne personnes personnel",
    "emploi emplois employeur",
    "chantier chantiers chant",
    "santé sans",
    "gestion geste",
    "prix pris",
    "coopération copie copies",
    "numérique numéro",
    NULL
};


static void
fold_word(const char *w, u_char *out, size_t *n)
{
    ssize_t  r;

    r = resources_fold((const u_char *) w, strlen(w), out, WORD_CAP);
    *n = r > 0 ? (size_t) r : 0;
}


/* Snowball on the accented lower-case word, its stem folded */

static void
snowball_accented(const char *w, u_char *out, size_t *n)
{
    utf8proc_uint8_t  *low = NULL;
    utf8proc_ssize_t   r;
    const sb_symbol   *st;
    char               tmp[WORD_CAP * 4];
    int                sl;

    r = utf8proc_map((const utf8proc_uint8_t *) w, 0, &low,
                     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE
                     | UTF8PROC_CASEFOLD);
    if (r < 0) {
        *n = 0;
        return;
    }

    st = sb_stemmer_stem(sb, low, (int) r);
    sl = sb_stemmer_length(sb);
    memcpy(tmp, st, (size_t) sl);
    tmp[sl] = '\0';
    free(low);

    fold_word(tmp, out, n);
}


static void
print_classes(const char *name, char words[][WORD_CAP], u_char stems[][WORD_CAP],
    size_t *slen, size_t nw)
{
    size_t  i, j, classes = 0;
    int     done[32] = { 0 };

    printf("  %-17s", name);

    for (i = 0; i < nw; i++) {
        if (done[i]) {
            continue;
        }
        classes++;
        printf(" {");
        for (j = i; j < nw; j++) {
            if (!done[j] && slen[j] == slen[i]
                && memcmp(stems[j], stems[i], slen[i]) == 0)
            {
                done[j] = 1;
                printf("%s%s", j == i ? "" : " ", words[j]);
            }
        }
        printf("}=%.*s", (int) slen[i], stems[i]);
    }

    printf("%s\n", classes == 1 ? "   JOINED" : "");
}


static int
mode_forms(void)
{
    char     words[32][WORD_CAP], buf[512], *w, *save;
    u_char   folded[32][WORD_CAP], stems[32][8 + WORD_CAP];
    u_char   st[32][WORD_CAP];
    size_t   flen[32], slen[32], nw, i;
    int      g, s;

    for (g = 0; form_groups[g]; g++) {
        snprintf(buf, sizeof(buf), "%s", form_groups[g]);
        nw = 0;

        for (w = strtok_r(buf, " ", &save); w && nw < 32;
             w = strtok_r(NULL, " ", &save))
        {
            snprintf(words[nw], WORD_CAP, "%s", w);
            fold_word(w, folded[nw], &flen[nw]);
            nw++;
        }

        printf("%s\n", form_groups[g]);

        for (s = S_PROJECT; s < NSTEM; s++) {
            for (i = 0; i < nw; i++) {
                memset(stems[i], 0, 8);
                slen[i] = stem_word(s, folded[i], flen[i], stems[i] + 8);
                memcpy(st[i], stems[i] + 8, slen[i]);
            }
            print_classes(stem_names[s], words, st, slen, nw);
        }

        for (i = 0; i < nw; i++) {
            snowball_accented(words[i], st[i], &slen[i]);
        }
        print_classes("snowball(acc)", words, st, slen, nw);
    }

    return 0;
}


/* ---- check: Lucene's own test words (TestFrench{Light,Minimal}StemFilter
 * testExamples()), folded first */

static const char  *light_vectors[][2] = {
    { "chevaux", "cheval" },
    { "cheval", "cheval" },
    { "hiboux", "hibou" },
    { "hibou", "hibou" },
    { "chantés", "chant" },
    { "chanter", "chant" },
    { "chante", "chant" },
    { "chant", "chant" },
    { "baronnes", "baron" },
    { "barons", "baron" },
    { "baron", "baron" },
    { "peaux", "peau" },
    { "peau", "peau" },
    { "anneaux", "aneau" },
    { "anneau", "aneau" },
    { "neveux", "neveu" },
    { "neveu", "neveu" },
    { "affreux", "afreu" },
    { "affreuse", "afreu" },
    { "investissement", "investi" },
    { "investir", "investi" },
    { "assourdissant", "asourdi" },
    { "assourdir", "asourdi" },
    { "pratiquement", "pratiqu" },
    { "pratique", "pratiqu" },
    { "administrativement", "administratif" },
    { "administratif", "administratif" },
    { "justificatrice", "justifi" },
    { "justificateur", "justifi" },
    { "justifier", "justifi" },
    { "educatrice", "eduqu" },
    { "eduquer", "eduqu" },
    { "communicateur", "comuniqu" },
    { "communiquer", "comuniqu" },
    { "accompagnatrice", "acompagn" },
    { "accompagnateur", "acompagn" },
    { "administrateur", "administr" },
    { "administrer", "administr" },
    { "productrice", "product" },
    { "producteur", "product" },
    { "acheteuse", "achet" },
    { "acheteur", "achet" },
    { "planteur", "plant" },
    { "plante", "plant" },
    { "poreuse", "poreu" },
    { "poreux", "poreu" },
    { "plieuse", "plieu" },
    { "bijoutière", "bijouti" },
    { "bijoutier", "bijouti" },
    { "caissière", "caisi" },
    { "caissier", "caisi" },
    { "abrasive", "abrasif" },
    { "abrasif", "abrasif" },
    { "folle", "fou" },
    { "fou", "fou" },
    { "personnelle", "person" },
    { "personne", "person" },
    { "complète", "complet" },
    { "complet", "complet" },
    { "aromatique", "aromat" },
    { "faiblesse", "faibl" },
    { "faible", "faibl" },
    { "patinage", "patin" },
    { "patin", "patin" },
    { "sonorisation", "sono" },
    { "ritualisation", "rituel" },
    { "rituel", "rituel" },
    { "nomination", "nomin" },
    { "disposition", "dispos" },
    { "dispose", "dispos" },
    { "1234555", "1234555" },
    { "12333345", "12333345" },
    { "1234", "1234" },
    { "abcdeff", "abcdef" },
    { "abcccddeef", "abcdef" },
    { "créées", "cre" },
    { "22hh00", "22h00" }
};

static const char  *minimal_vectors[][2] = {
    { "chevaux", "cheval" },
    { "hiboux", "hibou" },
    { "chantés", "chant" },
    { "chanter", "chant" },
    { "chante", "chant" },
    { "baronnes", "baron" },
    { "barons", "baron" },
    { "baron", "baron" }
};


static int
check_vectors(const char *name, const char *(*v)[2], size_t n, int which)
{
    u_char  in[WORD_CAP], out[8 + WORD_CAP];
    size_t  i, len, sl, bad = 0;

    memset(out, 0, 8);

    for (i = 0; i < n; i++) {
        fold_word(v[i][0], in, &len);
        sl = stem_word(which, in, len, out + 8);
        if (sl != strlen(v[i][1]) || memcmp(out + 8, v[i][1], sl) != 0) {
            printf("%s: %s -> %.*s, Lucene's test: %s\n", name, v[i][0],
                   (int) sl, out + 8, v[i][1]);
            bad++;
        }
    }

    printf("%s: %zu of %zu of Lucene's test words as Lucene stems them\n",
           name, n - bad, n);

    return bad != 0;
}


static int
mode_check(void)
{
    int  rc;

    rc = check_vectors("light", light_vectors,
                       sizeof(light_vectors) / sizeof(light_vectors[0]),
                       S_LIGHT);
    rc |= check_vectors("minimal", minimal_vectors,
                        sizeof(minimal_vectors) / sizeof(minimal_vectors[0]),
                        S_MINIMAL);

    return rc;
}


/* ---- vocab */

typedef struct {
    size_t    start, n;
    uint64_t  freq;
} class_t;

static int  sort_stemmer;


static int
cmp_by_stem(const void *a, const void *b)
{
    const vword_t  *x = &vocab[*(const uint32_t *) a];
    const vword_t  *y = &vocab[*(const uint32_t *) b];
    int             c;

    c = strcmp(x->stem[sort_stemmer], y->stem[sort_stemmer]);
    if (c) {
        return c;
    }

    return x->count > y->count ? -1 : x->count < y->count;
}


static int
cmp_class(const void *a, const void *b)
{
    const class_t  *x = a, *y = b;

    if (x->n != y->n) {
        return x->n > y->n ? -1 : 1;
    }

    return x->freq > y->freq ? -1 : x->freq < y->freq;
}


static int
mode_vocab(const char *path, size_t top)
{
    uint32_t  *ord;
    class_t   *cl;
    size_t     ncl, i, j, k, records, multi, inmulti, maxn;
    uint64_t   tokens = 0;
    int        s;

    records = read_catalogue(path, rec_vocab, NULL);
    vocab_stems();

    for (i = 0; i < nvocab; i++) {
        tokens += vocab[i].count;
    }

    printf("%s: %zu records, %llu words (stop words and words without a "
           "letter left out), %zu distinct folded words; %zu words "
           "disagreed with resources_words()\n\n", path, records,
           (unsigned long long) tokens, nvocab, mismatches);

    ord = malloc(nvocab * sizeof(uint32_t));
    cl = malloc(nvocab * sizeof(class_t));

    printf("| stemmer | distinct stems | words per stem | classes of 2+ "
           "words | words in them | largest class |\n"
           "|---|---:|---:|---:|---:|---:|\n");

    for (s = 0; s < NSTEM; s++) {
        for (i = 0; i < nvocab; i++) {
            ord[i] = (uint32_t) i;
        }
        sort_stemmer = s;
        qsort(ord, nvocab, sizeof(uint32_t), cmp_by_stem);

        ncl = 0;
        for (i = 0; i < nvocab; i = j) {
            cl[ncl].start = i;
            cl[ncl].freq = 0;
            for (j = i; j < nvocab
                 && strcmp(vocab[ord[j]].stem[s], vocab[ord[i]].stem[s]) == 0;
                 j++)
            {
                cl[ncl].freq += vocab[ord[j]].count;
            }
            cl[ncl].n = j - i;
            ncl++;
        }

        multi = inmulti = maxn = 0;
        for (i = 0; i < ncl; i++) {
            if (cl[i].n > 1) {
                multi++;
                inmulti += cl[i].n;
            }
            if (cl[i].n > maxn) {
                maxn = cl[i].n;
            }
        }

        printf("| %s | %zu | %.3f | %zu | %zu | %zu |\n", stem_names[s], ncl,
               (double) nvocab / ncl, multi, inmulti, maxn);

        if (s == S_NONE) {
            continue;
        }

        qsort(cl, ncl, sizeof(class_t), cmp_class);

        fprintf(stderr, "\n%s: the %zu largest classes (words, most "
                "frequent first, with their counts)\n", stem_names[s], top);

        for (i = 0; i < ncl && i < top; i++) {
            fprintf(stderr, "%3zu %-14s", cl[i].n,
                    vocab[ord[cl[i].start]].stem[s]);
            for (k = 0; k < cl[i].n && k < 24; k++) {
                fprintf(stderr, " %s(%llu)", vocab[ord[cl[i].start + k]].w,
                        (unsigned long long) vocab[ord[cl[i].start + k]].count);
            }
            fprintf(stderr, "%s\n", cl[i].n > 24 ? " ..." : "");
        }
    }

    return 0;
}


/* ---- dump: word, count, then each stem, tab-separated */

static int
mode_dump(const char *path)
{
    size_t  i;
    int     s;

    read_catalogue(path, rec_vocab, NULL);
    vocab_stems();

    printf("# word\tcount");
    for (s = 0; s < NSTEM; s++) {
        printf("\t%s", stem_names[s]);
    }
    printf("\n");

    for (i = 0; i < nvocab; i++) {
        printf("%s\t%llu", vocab[i].w, (unsigned long long) vocab[i].count);
        for (s = 0; s < NSTEM; s++) {
            printf("\t%s", vocab[i].stem[s]);
        }
        printf("\n");
    }

    return 0;
}


/* ---- speed */

typedef struct {
    u_char  *arena;
    size_t   used, cap;
    size_t  *off;
    size_t   n, max;
} stream_t;


static void
stream_add(void *data, const u_char *w, size_t len, int stop)
{
    stream_t  *t = data;

    if (stop || !has_letter(w, len) || t->n == t->max) {
        return;
    }

    if (t->used + len + 1 > t->cap) {
        t->cap = 2 * t->cap + len + 1;
        t->arena = realloc(t->arena, t->cap);
    }

    memcpy(t->arena + t->used, w, len);
    t->arena[t->used + len] = 0;
    t->off[t->n++] = t->used;
    t->used += len + 1;
}


static void
rec_stream(json_t *rec, size_t n, void *data)
{
    stream_t  *t = data;

    if (t->n < t->max) {
        record_words(rec, stream_add, data);
    }
}


static int
cmp_double(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}


static double
now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec + ts.tv_nsec / 1e9;
}


static size_t
lines_of(const char *path, size_t want, stream_t *t)
{
    FILE        *f;
    char        *line = NULL;
    size_t       cap = 0, n = 0;
    ssize_t      len;
    json_t      *j;
    json_error_t err;

    f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        exit(1);
    }

    while (t->n < want && (len = getline(&line, &cap, f)) > 0) {
        j = json_loadb(line, (size_t) len, 0, &err);
        if (j != NULL) {
            rec_stream(j, n++, t);
            json_decref(j);
        }
    }

    free(line);
    fclose(f);

    return n;
}


static int
mode_speed(const char *path, size_t want, int runs)
{
    stream_t   t;
    u_char     out[8 + WORD_CAP];
    double     ns[64], t0, bytes = 0;
    size_t     i, records;
    uint64_t   sink = 0;
    int        s, r;

    memset(&t, 0, sizeof(t));
    t.max = want;
    t.off = malloc(want * sizeof(size_t));

    records = lines_of(path, want, &t);

    for (i = 0; i < t.n; i++) {
        bytes += strlen((char *) t.arena + t.off[i]);
    }

    printf("%zu words (%.1f bytes on average) from the first %zu records "
           "of %s; %d runs\n\n| stemmer | ns a word (median) | min | max |\n"
           "|---|---:|---:|---:|\n", t.n, bytes / t.n, records, path, runs);

    memset(out, 0, 8);

    for (s = 0; s < NSTEM; s++) {
        for (r = 0; r < runs && r < 64; r++) {
            t0 = now();
            for (i = 0; i < t.n; i++) {
                const u_char *w = t.arena + t.off[i];
                size_t len = strlen((const char *) w);

                sink += stem_word(s, w, len, out + 8) + out[8];
            }
            ns[r] = (now() - t0) * 1e9 / t.n;
        }
        qsort(ns, (size_t) r, sizeof(double), cmp_double);
        printf("| %s | %.1f | %.1f | %.1f |\n", stem_names[s], ns[r / 2],
               ns[0], ns[r - 1]);
    }

    fprintf(stderr, "(sink %llu)\n", (unsigned long long) sink);

    return 0;
}


/* ---- judged */

typedef struct {
    char      *id;
    int        private;
    uint32_t  *words;                    /* vocab indices, distinct */
    size_t     nwords, cap;
} record_t;

static record_t  *recs;
static size_t     nrecs, rcap;


static void
rec_word(void *data, const u_char *w, size_t len, int stop)
{
    record_t  *r = data;
    size_t     v;

    if (stop || !has_letter(w, len)) {
        return;
    }

    v = vocab_find(w, len, 1);
    vocab[v].count++;

    if (vocab[v].mark == (uint32_t) (r - recs)) {
        return;
    }
    vocab[v].mark = (uint32_t) (r - recs);

    if (r->nwords == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->words = realloc(r->words, r->cap * sizeof(uint32_t));
    }
    r->words[r->nwords++] = (uint32_t) v;
}


static void
rec_judged(json_t *rec, size_t n, void *data)
{
    record_t  *r;

    if (nrecs == rcap) {
        rcap = rcap ? 2 * rcap : 256;
        recs = realloc(recs, rcap * sizeof(record_t));
    }

    r = &recs[nrecs++];
    memset(r, 0, sizeof(record_t));
    r->id = strdup(json_string_value(json_object_get(rec, "id")));
    r->private = json_is_true(json_object_get(rec, "private"));

    record_words(rec, rec_word, r);
}


static void
qword(void *data, const u_char *w, size_t len, int stop)
{
    xlist_t  *l = data;

    if (stop || !has_letter(w, len)) {
        return;
    }

    if (len == 2 && memcmp(w, "or", 2) == 0) {
        return;                           /* the syntax's OR, folded */
    }

    (void) xcollect(l, w, len, 0);
}


/* whether record r has a word of the same stem as query word q */

static int
rec_has(record_t *r, size_t q, int s)
{
    size_t  i;

    for (i = 0; i < r->nwords; i++) {
        if (vocab[r->words[i]].slen[s] == vocab[q].slen[s]
            && memcmp(vocab[r->words[i]].stem[s], vocab[q].stem[s],
                      vocab[q].slen[s]) == 0)
        {
            return 1;
        }
    }

    return 0;
}


static int
mode_judged(const char *cat_path, const char *q_path, const char *cats)
{
    FILE     *f;
    char     *line = NULL, *cat, *query, *judged, *tok, *save, *c;
    size_t    cap = 0, i, qi, nq = 0;
    ssize_t   len;
    xlist_t   qw = { 0 };
    size_t    qv[64], nqv;
    int       grade[4096], s, all;
    size_t    g2[NSTEM] = { 0 }, g2all = 0, j1[NSTEM] = { 0 }, j1all = 0;
    size_t    noise[NSTEM] = { 0 }, zero[NSTEM] = { 0 };
    size_t    pairs = 0, bridged[NSTEM] = { 0 };

    read_catalogue(cat_path, rec_judged, NULL);

    f = fopen(q_path, "r");
    if (f == NULL) {
        perror(q_path);
        return 1;
    }

    printf("per query: grade-2 records that hold every word (or a word of "
           "its stem) / grade-2 records, judged found / judged, unjudged "
           "public records found\n\n| category | query | ");
    for (s = 0; s < NSTEM; s++) {
        printf("%s | ", stem_names[s]);
    }
    printf("\n|---|---|");
    for (s = 0; s < NSTEM; s++) {
        printf("---|");
    }
    printf("\n");

    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[0] == '#') {
            continue;
        }
        line[strcspn(line, "\n")] = '\0';

        cat = strtok_r(line, "\t", &save);
        query = strtok_r(NULL, "\t", &save);
        judged = strtok_r(NULL, "\t", &save);
        if (cat == NULL || query == NULL || judged == NULL) {
            continue;
        }

        if (strcmp(cats, "all") != 0) {
            size_t  cl = strlen(cat);

            for (c = strstr(cats, cat); c; c = strstr(c + 1, cat)) {
                if ((c == cats || c[-1] == ',') && (c[cl] == ',' || !c[cl])) {
                    break;
                }
            }
            if (c == NULL) {
                continue;
            }
        }

        for (i = 0; i < nrecs; i++) {
            grade[i] = 0;
        }

        for (tok = strtok_r(judged, " ", &save); tok;
             tok = strtok_r(NULL, " ", &save))
        {
            c = strrchr(tok, ':');
            if (c == NULL) {
                continue;
            }
            *c = '\0';
            for (i = 0; i < nrecs; i++) {
                if (strcmp(recs[i].id, tok) == 0) {
                    grade[i] = atoi(c + 1);
                }
            }
        }

        qw.n = 0;
        text_words(query, strlen(query), qword, &qw);

        nqv = 0;
        for (i = 0; i < qw.n && nqv < 64; i++) {
            qv[nqv++] = vocab_find(qw.v[i].w, qw.v[i].len, 1);
        }
        vocab_stems();

        nq++;
        printf("| %s | %s |", cat, query);

        for (s = 0; s < NSTEM; s++) {
            size_t  a2 = 0, n2 = 0, aj = 0, nj = 0, an = 0;

            for (i = 0; i < nrecs; i++) {
                if (recs[i].private) {
                    continue;
                }

                all = 1;
                for (qi = 0; qi < nqv && all; qi++) {
                    all = rec_has(&recs[i], qv[qi], s);
                }

                if (grade[i] == 2) {
                    n2++;
                    a2 += all;
                }
                if (grade[i] > 0) {
                    nj++;
                    aj += all;
                } else {
                    an += all;
                }

                /* the (query word, grade-2 record) pairs */
                if (grade[i] == 2) {
                    for (qi = 0; qi < nqv; qi++) {
                        if (rec_has(&recs[i], qv[qi], S_NONE)) {
                            continue;
                        }
                        if (s == 0) {
                            pairs++;
                        }
                        bridged[s] += rec_has(&recs[i], qv[qi], s);
                    }
                }
            }

            printf(" %zu/%zu, %zu/%zu, +%zu |", a2, n2, aj, nj, an);

            g2[s] += a2;
            j1[s] += aj;
            noise[s] += an;
            zero[s] += (aj + an == 0);
            if (s == 0) {
                g2all += n2;
                j1all += nj;
            }
        }

        printf("\n");
    }

    free(line);
    fclose(f);

    printf("\n%zu queries (%s); %zu words disagreed with resources_words()"
           "\n\n| stemmer | grade-2 found | judged found | unjudged found |"
           " queries finding nothing | (word, grade-2 record) pairs "
           "without the word, bridged by the stem |\n"
           "|---|---:|---:|---:|---:|---:|\n", nq, cats, mismatches);

    for (s = 0; s < NSTEM; s++) {
        printf("| %s | %zu/%zu | %zu/%zu | %zu | %zu | %zu/%zu |\n",
               stem_names[s], g2[s], g2all, j1[s], j1all, noise[s], zero[s],
               bridged[s], pairs);
    }

    return 0;
}


int
main(int argc, char **argv)
{
    sb = sb_stemmer_new("french", "UTF_8");
    if (sb == NULL) {
        fprintf(stderr, "libstemmer: no French stemmer\n");
        return 1;
    }

    if (argc >= 2 && strcmp(argv[1], "check") == 0) {
        return mode_check();
    }

    if (argc >= 2 && strcmp(argv[1], "forms") == 0) {
        return mode_forms();
    }

    if (argc >= 3 && strcmp(argv[1], "vocab") == 0) {
        return mode_vocab(argv[2], argc > 3 ? strtoul(argv[3], NULL, 10) : 30);
    }

    if (argc >= 3 && strcmp(argv[1], "dump") == 0) {
        return mode_dump(argv[2]);
    }

    if (argc >= 3 && strcmp(argv[1], "speed") == 0) {
        return mode_speed(argv[2],
                          argc > 3 ? strtoul(argv[3], NULL, 10) : 1000000,
                          argc > 4 ? atoi(argv[4]) : 7);
    }

    if (argc >= 4 && strcmp(argv[1], "judged") == 0) {
        return mode_judged(argv[2], argv[3], argc > 4 ? argv[4] : "form");
    }

    fprintf(stderr, "usage: stemmers check | forms | vocab CATALOGUE.jsonl [TOP] | dump "
            "CATALOGUE.jsonl | "
            "speed CATALOGUE.jsonl [TOKENS] [RUNS] | judged CATALOGUE.jsonl "
            "QUERIES.tsv [CATEGORIES|all]\n");

    return 2;
}
