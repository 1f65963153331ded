/*
 * Copyright (C) ngx_http_resources authors
 *
 * Synonyms (issue #22): synonyms.txt parsed into the "syn" value
 * (src/loader/resources_synfile.c), its good and bad lines and their
 * messages; the value checked and looked up with the words that
 * resources_q_parse() gives (src/resources_synonyms.c); a corrupt value
 * refused, by resources_syn_init() and by the snapshot's opening.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "tap.h"
#include "resources_build.h"
#include "resources_query.h"
#include "resources_snapshot.h"
#include "resources_synfile.h"
#include "resources_synonyms.h"


/* the messages of a parse, "LINE: message\n" each */

static char    messages[8192];


static void
collect(void *data, unsigned long line, const char *message)
{
    size_t  n;

    n = strlen(messages);
    snprintf(messages + n, sizeof(messages) - n, "%lu: %s\n", line,
             message);
}


static unsigned long
parse(const char *text, resources_synfile_t *sf)
{
    messages[0] = '\0';

    return resources_synfile_parse((const u_char *) text, strlen(text), sf,
                                   collect, NULL);
}


/* a query's words, as the module has them: resources_q_parse() */

typedef struct {
    resources_q_t    q;
    u_char           buf[RESOURCES_Q_ROOM(256)];
    resources_str_t  w[RESOURCES_Q_WORDS_MAX];
    size_t           n;
} query_t;


static void
query(query_t *qy, const char *q)
{
    size_t  i;

    (void) resources_q_parse((const u_char *) q, strlen(q), qy->buf,
                             sizeof(qy->buf), RESOURCES_STEM_LIGHT, &qy->q);

    for (i = 0; i < qy->q.nwords; i++) {
        qy->w[i] = qy->q.word[i].text;
    }

    qy->n = qy->q.nwords;
}


/* a form's words joined by "+" */

static const char *
form_text(const resources_syn_t *syn, const resources_syn_form_t *f)
{
    size_t           n;
    uint32_t         i;
    resources_str_t  w;
    static char      buf[1024];

    n = 0;

    for (i = 0; i < f->nwords; i++) {
        resources_syn_word(syn, f, i, &w);
        n += snprintf(buf + n, sizeof(buf) - n, "%s%.*s", i ? "+" : "",
                      (int) w.len, w.data);
    }

    buf[n] = '\0';

    return buf;
}


/* the expansions of q's match number m from word start, joined by ", " */

static const char *
expand(const resources_syn_t *syn, const char *q, size_t start, size_t m,
    size_t *nmatch, uint32_t *covers)
{
    size_t                 n, len;
    query_t                qy;
    resources_syn_iter_t   it;
    resources_syn_form_t   f;
    resources_syn_match_t  match[RESOURCES_SYN_FORM_WORDS];
    static char            out[2048];

    query(&qy, q);
    n = resources_syn_lookup(syn, qy.w, qy.n, start, match);

    if (nmatch) {
        *nmatch = n;
    }

    out[0] = '\0';

    if (m >= n) {
        return "(none)";
    }

    if (covers) {
        *covers = match[m].nwords;
    }

    resources_syn_expand(syn, &match[m], &it);

    while (resources_syn_next(&it, &f)) {
        len = strlen(out);
        snprintf(out + len, sizeof(out) - len, "%s%s", len ? ", " : "",
                 form_text(syn, &f));
    }

    return out;
}


static void
test_good(void)
{
    char                 err[256] = "";
    size_t               n;
    uint32_t             covers;
    resources_syn_t      syn;
    resources_syn_form_t f;
    resources_synfile_t  sf;
    resources_syn_match_t  m[RESOURCES_SYN_FORM_WORDS];
    query_t              qy;

    static const char  *text =
        "\xef\xbb\xbf# a comment\n"
        "\n"
        "   \t\n"
        "  # an indented comment\n"
        "ess, Économie sociale et solidaire\r\n"
        "qpv, quartiers prioritaires, quartiers politique de la ville\n"
        "quartiers => zones\n"
        "maison de retraite, maisons de retraite => ehpad\n"
        "cantine, restauration scolaire\n"
        "cantine, restauration scolaire => restauration collective\n"
        "alpha\\, beta => gamma\n"
        "tiers-lieux, tiers lieu\n"
        "l'économie => ecologie";

    is_int(parse(text, &sf), 0, "a good file: no problem");
    is_str(messages, "", "a good file: no message");
    is_int(sf.rules, 9, "9 rules");

    if (!ok(sf.value != NULL, "a value")) {
        return;
    }

    ok(resources_syn_init(&syn, sf.value, sf.len, err, sizeof(err)) == 0,
       "the value checks: %s", err);

    /* equivalent forms: each expands to all, itself included */

    is_str(expand(&syn, "ess", 0, 0, &n, &covers),
           "econom+social+solidair, ess", "ess: both forms");
    is_int(n, 1, "ess: one match");
    is_str(expand(&syn, "économie sociale et solidaire", 0, 0, &n, &covers),
           "econom+social+solidair, ess",
           "a multi-word form, as q gives its words (stop words out)");
    is_int(covers, 3, "it covers the query's 3 words");

    /* several words, longest first */

    is_str(expand(&syn, "quartiers prioritaires ville", 0, 0, &n, &covers),
           "qpv, quarti+polit+vil, quarti+prioritair",
           "quartiers prioritaires: the longest match first");
    is_int(n, 2, "two triggers start there");
    is_int(covers, 2, "the first covers 2 words");
    is_str(expand(&syn, "quartiers prioritaires ville", 0, 1, &n, &covers),
           "zone", "then \"quartiers\", one way: zones alone");
    is_int(covers, 1, "it covers 1 word");
    is_str(expand(&syn, "les quartiers politique de la ville", 0, 0, &n,
                  &covers),
           "qpv, quarti+polit+vil, quarti+prioritair",
           "stop words in the query and the form alike");
    is_str(expand(&syn, "habitat quartiers prioritaires", 1, 0, &n, NULL),
           "qpv, quarti+polit+vil, quarti+prioritair",
           "from the query's second word");
    is_str(expand(&syn, "habitat quartiers prioritaires", 0, 0, &n, NULL),
           "(none)", "habitat: nothing");
    is_str(expand(&syn, "quartiers prioritaires", 2, 0, &n, NULL), "(none)",
           "a start past the words: nothing");

    /* one way: the left side is not kept */

    is_str(expand(&syn, "maison de retraite", 0, 0, &n, NULL), "ehpad",
           "maison de retraite => ehpad: ehpad alone");
    is_str(expand(&syn, "maisons de retraite", 0, 0, &n, NULL), "ehpad",
           "its plural: the same form once stemmed");
    is_str(expand(&syn, "ehpad", 0, 0, &n, NULL), "(none)",
           "ehpad is not a trigger");
    is_str(expand(&syn, "maison", 0, 0, &n, NULL), "(none)",
           "a trigger's first word alone: nothing");

    /* rules merged */

    is_str(expand(&syn, "cantine", 0, 0, &n, NULL),
           "cantin, restau+collectif, restau+scolair",
           "rules merged: the union, the trigger kept by the first rule");
    is_str(expand(&syn, "restauration collective", 0, 0, &n, NULL),
           "(none)", "the right side of a one-way rule is no trigger");

    /* escapes, dashes, elisions */

    is_str(expand(&syn, "alpha beta", 0, 0, &n, NULL), "gamma",
           "\"\\,\": a comma inside a form");
    is_str(expand(&syn, "tiers-lieux", 0, 0, &n, NULL), "tier+lieu",
           "tiers-lieux and tiers lieu: one form");
    is_str(expand(&syn, "économie", 0, 0, &n, NULL), "ecolog",
           "l'économie: the elision dropped, as in q");

    /* the trigger's own form */

    query(&qy, "qpv");
    n = resources_syn_lookup(&syn, qy.w, qy.n, 0, m);
    resources_syn_trigger(&syn, &m[0], &f);
    is_str(form_text(&syn, &f), "qpv", "resources_syn_trigger");

    resources_synfile_free(&sf);
}


static void
test_canonical(void)
{
    resources_synfile_t  a, b;

    parse("bois, arbre\nchat => dindon, ecureuil\n# x\n", &a);
    parse("  # other comments\nCHAT => Écureuils, DINDON\r\narbre ,  bois"
          "\n\nbois, arbres\n", &b);
    is_str(messages, "", "no problem");

    ok(a.value && b.value && a.len == b.len
       && memcmp(a.value, b.value, a.len) == 0,
       "the same rules in another order, case and spacing: the same bytes");

    resources_synfile_free(&a);
    resources_synfile_free(&b);

    is_int(parse("# nothing\n\n", &a), 0, "comments alone: no problem");
    ok(a.value == NULL, "comments alone: no value");
}


static void
test_bad(void)
{
    size_t               i;
    char                 line[6000];
    resources_synfile_t  sf;

    is_int(parse("ok, fine\nbois,, arbre\n", &sf), 1,
           "an empty form: 1 problem");
    is_str(messages, "2: an empty form (a \",\" or \"=>\" with nothing"
           " before or after it)\n", "an empty form: its line");
    ok(sf.value == NULL, "a bad line: no value");

    parse("ferme, ferme urbaine,\n", &sf);
    is_str(messages, "1: an empty form (a \",\" or \"=>\" with nothing"
           " before or after it)\n", "a trailing comma");

    parse("\n=> ehpad\n", &sf);
    is_str(messages, "2: an empty form (a \",\" or \"=>\" with nothing"
           " before or after it)\n", "nothing before \"=>\"");

    parse("a1 => b1 => c1\n", &sf);
    is_str(messages, "1: \"=>\" more than once (write \"\\=>\" for the"
           " text)\n", "\"=>\" twice");

    parse("bois\n\nchat\n#\nle, la, les\n", &sf);
    is_str(messages,
           "1: one form alone: a rule has two forms or more (\"a, b\"), or"
           " \"=>\" (\"a => b\")\n"
           "3: one form alone: a rule has two forms or more (\"a, b\"), or"
           " \"=>\" (\"a => b\")\n"
           "5: \"le\": no word to search for once folded (stop words and"
           " punctuation are not searched for)\n",
           "every bad line is reported, with its line");

    parse("ok, ... !!!\n", &sf);
    is_str(messages, "1: \"... !!!\": no word to search for once folded"
           " (stop words and punctuation are not searched for)\n",
           "punctuation alone");

    parse("a1, deux trois quatre cinq six sept huit neuf dix onze douze\n",
          &sf);
    is_str(messages, "1: \"deux trois quatre cinq six sept huit neuf dix"
           " onze douze\": more than 10 words\n", "a form of 11 words");
    parse("a1, deux trois quatre cinq six sept huit neuf dix onze le la\n",
          &sf);
    is_str(messages, "", "10 words and stop words: no problem");
    ok(sf.value != NULL, "10 words: a value");
    resources_synfile_free(&sf);

    parse("ok, b\ncaf\xc3, cafe\n", &sf);
    is_str(messages, "2: invalid UTF-8 (byte 4 of the line)\n",
           "invalid UTF-8");

    memset(line, 'a', sizeof(line));
    memcpy(line, "x1, ", 4);
    line[4097] = '\n';
    line[4098] = '\0';
    parse(line, &sf);
    is_str(messages, "1: a line of 4097 bytes, more than 4096\n",
           "a line too long");

    line[4096] = '\n';
    line[4097] = '\0';
    parse(line, &sf);
    is_str(messages, "", "a line of 4096 bytes is read (its word is cut at"
           " 64 bytes, as in q)");
    ok(sf.value != NULL, "a line of 4096 bytes: a value");
    resources_synfile_free(&sf);

    memset(line, '!', 200);
    memcpy(line, "x1, ", 4);
    line[200] = '\0';
    parse(line, &sf);
    is_str(messages, "1: \"!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
           "!!!!!!!!!!!!!!!!!!!!!!!!!!!!\": no word to search for once"
           " folded (stop words and punctuation are not searched for)\n",
           "a long form is cut to 80 bytes in its message");

    /* 65 forms on a side */

    for (i = 0, line[0] = '\0'; i < 65; i++) {
        snprintf(line + strlen(line), sizeof(line) - strlen(line), "%sw%zu",
                 i ? ", " : "", i);
    }

    parse(line, &sf);
    is_str(messages, "1: more than 64 forms on a side of a rule\n",
           "65 forms");
}


/* corrupt values: resources_syn_init() refuses each */

static void
set_u32(u_char *v, size_t i, uint32_t x)
{
    memcpy(v + 4 * i, &x, 4);
}


static void
test_corrupt_value(void)
{
    char                 err[256];
    size_t               i, bit, refused, served, n;
    u_char              *v;
    uint32_t             T, E, F, W, forms, words;
    query_t              qy;
    resources_syn_t      syn;
    resources_synfile_t  sf;
    resources_syn_iter_t   it;
    resources_syn_form_t   f;
    resources_syn_match_t  m[RESOURCES_SYN_FORM_WORDS];

    parse("qpv, quartiers prioritaires\nalpha, beta, gamma => delta\n", &sf);

    if (!ok(sf.value != NULL, "a value to corrupt")) {
        return;
    }

    v = malloc(sf.len + 8);

    T = resources_get_u32(sf.value + 4);
    F = resources_get_u32(sf.value + 8);
    W = resources_get_u32(sf.value + 12);
    E = resources_get_u32(sf.value + 16);
    forms = RESOURCES_SYN_HEAD + 3 * T + E;
    words = forms + 2 * F;

#define CORRUPT(what, code, want)                                             \
    do {                                                                      \
        memcpy(v, sf.value, sf.len);                                          \
        code;                                                                 \
        err[0] = '\0';                                                        \
        ok(resources_syn_init(&syn, v, sf.len, err, sizeof(err)) == -1        \
           && strstr(err, want) != NULL, "%s: refused (%s)", what, err);      \
    } while (0)

    memcpy(v, sf.value, sf.len);
    ok(resources_syn_init(&syn, v, sf.len, err, sizeof(err)) == 0,
       "the copy checks");
    ok(resources_syn_init(&syn, v, sf.len - 4, err, sizeof(err)) == -1,
       "cut short: refused (%s)", err);
    ok(resources_syn_init(&syn, v, sf.len - 1, err, sizeof(err)) == -1,
       "not a multiple of 4: refused");
    ok(resources_syn_init(&syn, v, 8, err, sizeof(err)) == -1,
       "8 bytes: refused");

    CORRUPT("another format", set_u32(v, 0, 2), "unknown format");
    CORRUPT("a count too large", set_u32(v, 1, T + 1), "counts");
    CORRUPT("a count wrapping", set_u32(v, 3, 0xffffffffu), "counts");
    CORRUPT("a trigger's form out of range",
            set_u32(v, RESOURCES_SYN_HEAD, F), "trigger 0: form");
    CORRUPT("triggers out of order",
            set_u32(v, RESOURCES_SYN_HEAD + 3,
                    resources_get_u32(v + 4 * RESOURCES_SYN_HEAD)),
            "trigger 1: form");
    CORRUPT("an expansion list past the others",
            set_u32(v, RESOURCES_SYN_HEAD + 2, E + 1), "trigger 0: expan");
    CORRUPT("an empty expansion list",
            set_u32(v, RESOURCES_SYN_HEAD + 2, 0), "trigger 0: expan");
    CORRUPT("an expansion out of range",
            set_u32(v, RESOURCES_SYN_HEAD + 3 * T, F), "expansion 0");
    CORRUPT("a form of 0 words", set_u32(v, forms + 1, 0), "form 0 has");
    CORRUPT("a form of 11 words", set_u32(v, forms + 1, 11), "form 0 has");
    CORRUPT("a form past the slots", set_u32(v, forms, 1),
            "does not start");
    CORRUPT("a word offset past the text", set_u32(v, words + 1, 0x7fffffff),
            "word offsets");
    CORRUPT("the last offset", set_u32(v, words + W, 1), "word offsets");
    CORRUPT("forms out of order",
            v[4 * (words + W + 1)] = 'z', "is not after");
    CORRUPT("padding", v[sf.len - 1] = 1, "padding");

    /* every bit flipped: refused, or looked up without harm */

    refused = 0;
    served = 0;

    for (bit = 0; bit < sf.len * 8; bit++) {
        memcpy(v, sf.value, sf.len);
        v[bit / 8] ^= (u_char) (1 << (bit % 8));

        if (resources_syn_init(&syn, v, sf.len, err, sizeof(err)) != 0) {
            refused++;
            continue;
        }

        served++;
        query(&qy, "qpv alpha quartiers prioritaires beta");

        for (i = 0; i < qy.n; i++) {
            n = resources_syn_lookup(&syn, qy.w, qy.n, i, m);

            while (n--) {
                resources_syn_expand(&syn, &m[n], &it);

                while (resources_syn_next(&it, &f)) {
                    (void) form_text(&syn, &f);
                }
            }
        }
    }

    ok(refused + served == sf.len * 8, "%zu bit flips: %zu refused, %zu"
       " checked and looked up", sf.len * 8, refused, served);

    free(v);
    resources_synfile_free(&sf);
}


/* through a snapshot: written by the builder, checked at its opening */

static void
test_snapshot(void)
{
    int                   fd;
    char                  path[64], err[256] = "";
    off_t                 off;
    uint32_t              bad;
    json_t               *r;
    query_t               qy;
    resources_build_t    *b;
    resources_snapshot_t  s;
    resources_synfile_t   sf;
    resources_build_stats_t  st;
    resources_syn_match_t    m[RESOURCES_SYN_FORM_WORDS];

    snprintf(path, sizeof(path), "/tmp/test_synonyms.%d.mdb", (int) getpid());
    unlink(path);

    parse("qpv, quartiers prioritaires\n", &sf);

    b = resources_build_create(path, (size_t) 1 << 26, err, sizeof(err));
    if (!ok(b != NULL, "a builder")) {
        return;
    }

    r = json_pack("{s:s, s:s, s:s}", "id", "r1", "title", "QPV", "type",
                  "Fiche");
    ok(resources_build_add(b, r, err, sizeof(err)) == 0, "a record");
    json_decref(r);

    resources_build_synonyms(b, sf.value, sf.len);
    ok(resources_build_finish(b, &st, err, sizeof(err)) == 0, "finished");
    resources_build_free(b);

    if (!ok(resources_snapshot_open(&s, path, err, sizeof(err)) == 0,
            "it opens: %s", err))
    {
        return;
    }

    ok(s.header.flags & RESOURCES_HEADER_SYNONYMS, "the header's flag");
    ok(s.syn.value != NULL && s.syn.len == sf.len
       && memcmp(s.syn.value, sf.value, sf.len) == 0, "the value, in place");

    query(&qy, "quartiers prioritaires");
    is_int(resources_syn_lookup(&s.syn, qy.w, qy.n, 0, m), 1,
           "looked up in the map");

    off = (off_t) (s.syn.value - s.map);
    resources_snapshot_close(&s);

    /* a form number out of range, in the file */

    bad = 1000;
    fd = open(path, O_WRONLY);
    ok(fd >= 0 && pwrite(fd, &bad, 4, off + 4 * RESOURCES_SYN_HEAD) == 4,
       "patched");
    close(fd);

    ok(resources_snapshot_open(&s, path, err, sizeof(err)) == -1
       && strstr(err, "the synonyms: trigger 0: form 1000") != NULL,
       "a corrupt value: the snapshot is refused (%s)", err);

    unlink(path);
    resources_synfile_free(&sf);
}


int
main(void)
{
    test_good();
    test_canonical();
    test_bad();
    test_corrupt_value();
    test_snapshot();

    return tap_done();
}
