/*
 * Copyright (C) ngx_http_resources authors
 *
 * resources_highlight.c: escaping, marks (folding, elisions, stems,
 * prefixes), crop; the marks of a parsed q.
 */

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "resources_highlight.h"
#include "resources_query.h"


static u_char            out[1 << 19];
static u_char            qbuf[1 << 16];
static resources_q_t     qs;
static resources_mark_t  marks[RESOURCES_Q_WORDS_MAX];


/* text highlighted for q (NULL: no q), cropped to crop words (0: not) */

static const char *
hl(const char *text, const char *q, size_t crop)
{
    size_t  n, nmarks, len;

    nmarks = 0;

    if (q != NULL) {
        if (resources_q_parse((const u_char *) q, strlen(q), qbuf,
                              sizeof(qbuf), RESOURCES_STEM_PLURALS, &qs)
            != 0)
        {
            return "(q unreadable)";
        }

        nmarks = resources_highlight_marks(&qs, marks);
    }

    len = strlen(text);

    memset(out, 0x55, RESOURCES_HIGHLIGHT_ROOM(len) + 16);

    n = resources_highlight((const u_char *) text, len, marks, nmarks, crop,
                            RESOURCES_STEM_PLURALS,
                            out);

    if (n > RESOURCES_HIGHLIGHT_ROOM(len)) {
        return "(over its room)";
    }

    out[n] = '\0';

    return (const char *) out;
}


int
main(void)
{
    size_t  i, n;
    char   *big;

    /* escaping, no marks */

    is_str(hl("a <b> & \"c\" 'd'", NULL, 0),
           "a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;", "escaped");
    is_str(hl("x\001y\tz\n", NULL, 0), "xy\tz\n", "controls dropped");
    is_str(hl("", "tiers", 0), "", "empty text");
    is_str(hl("<script>alert(1)</script>", "script", 0),
           "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;",
           "markup in the text: escaped, its words marked");

    /* words, folded and stemmed */

    is_str(hl("Économie sociale et solidaire", "economie", 0),
           "<mark>Économie</mark> sociale et solidaire",
           "an accented word marked in full");
    is_str(hl("L'ÉCONOMIE, l\xe2\x80\x99" "économie", "économie", 0),
           "L&#39;<mark>ÉCONOMIE</mark>, l\xe2\x80\x99<mark>économie</mark>",
           "elisions: only the word after them");
    is_str(hl("Les collectivités territoriales", "collectivité", 0),
           "Les <mark>collectivités</mark> territoriales",
           "a plural against a singular (stems)");
    is_str(hl("Un tiers-lieu, des tiers-lieux", "tiers-lieux ", 0),
           "Un <mark>tiers</mark>-<mark>lieu</mark>, des <mark>tiers</mark>-"
           "<mark>lieux</mark>", "tiers-lieux, hyphenated");
    is_str(hl("Les chevaux du cheval", "cheval ", 0),
           "Les <mark>chevaux</mark> du <mark>cheval</mark>", "-aux -> -al");
    is_str(hl("Cœur et coeur", "coeur", 0),
           "<mark>Cœur</mark> et <mark>coeur</mark>", "oe ligature");
    is_str(hl("Cafe\xcc\x81 et cafe", "café ", 0),
           "<mark>Cafe\xcc\x81</mark> et <mark>cafe</mark>",
           "a combining accent stays with its letter");
    is_str(hl("QPV et qpv", "Qpv", 0), "<mark>QPV</mark> et <mark>qpv</mark>",
           "case");
    is_str(hl("de la commande publique", "de la commande", 0),
           "de la <mark>commande</mark> publique",
           "stop words are never marked");
    is_str(hl("économie", "-économie", 0), "économie",
           "an excluded word is not marked");
    is_str(hl("cantine et garage", "cantine OR garage", 0),
           "<mark>cantine</mark> et <mark>garage</mark>", "OR: both marked");
    is_str(hl("économie sociale", "\"économie sociale\"", 0),
           "<mark>économie</mark> <mark>sociale</mark>", "a phrase's words");

    /* prefixes: the last word typed on */

    is_str(hl("coopération, coopératives, coop", "coop", 0),
           "<mark>coopération</mark>, <mark>coopératives</mark>, "
           "<mark>coop</mark>", "a prefix");
    is_str(hl("coopération, coop", "coop ", 0),
           "coopération, <mark>coop</mark>", "a final space: no prefix");
    is_str(hl("tiers-lieux", "tiers lie", 0),
           "<mark>tiers</mark>-<mark>lieux</mark>", "tiers lie");
    is_str(hl("les lieux", "lieux", 0), "les <mark>lieux</mark>",
           "a prefix against the unstemmed word");
    is_str(hl("locaux", "locau", 0), "<mark>locaux</mark>",
           "a prefix that only the unstemmed word starts");
    is_str(hl("lorsqu'il parle", "lors", 0), "lorsqu&#39;il parle",
           "an elision is no word, also for a prefix");
    is_str(hl("a b", "b", 0), "a <mark>b</mark>",
           "a one-letter prefix: the word only");
    is_str(hl("bateau ba", "b", 0), "bateau ba",
           "a one-letter prefix matches no longer word");

    /* crop */

    is_str(hl("un deux trois quatre cinq six sept huit neuf dix onze douze",
              "sept", 4),
           "\xe2\x80\xa6" "cinq six <mark>sept</mark> huit\xe2\x80\xa6",
           "cut on both sides, the match in the middle");
    is_str(hl("un deux trois quatre cinq six", "deux", 4),
           "un <mark>deux</mark> trois quatre\xe2\x80\xa6",
           "a match near the start: cut at the end");
    is_str(hl("un deux trois quatre cinq six.", "six", 4),
           "\xe2\x80\xa6" "trois quatre cinq <mark>six</mark>.",
           "a match near the end: cut at the start, the end kept");
    is_str(hl("(un deux trois.)", "deux", 3), "(un <mark>deux</mark> trois.)",
           "as many words as crop: not cut");
    is_str(hl("un deux trois quatre", NULL, 2), "un deux\xe2\x80\xa6",
           "no q: the first words");
    is_str(hl("un deux trois quatre", "zzz", 1), "un\xe2\x80\xa6",
           "no match: the first words");
    is_str(hl("a <b> c & x e", "x", 2), "\xe2\x80\xa6" "c &amp; <mark>x</mark>"
           "\xe2\x80\xa6", "crop escapes what it keeps");

    is_str(hl("Synthèse d'une journée d'échanges entre collectivités", NULL,
              4),
           "Synthèse d&#39;une journée d&#39;échanges\xe2\x80\xa6",
           "an elision is no word of crop's, and goes with its word");
    is_str(hl("un deux trois l'économie cinq six sept", "économie", 3),
           "\xe2\x80\xa6" "trois l&#39;<mark>économie</mark> cinq\xe2\x80\xa6",
           "crop around an elided word");

    /* crop past the runs its first pass keeps (256): the same words */

    {
        static char  text[600 * 8], want[64];
        size_t       i, at;

        for (i = 0, at = 0; i < 600; i++) {
            at += (size_t) sprintf(text + at, i == 400 ? "cible. "
                                              : "w%zu, ", i);
        }

        text[at - 1] = '\0';

        is_str(hl(text, "cible", 3),
               "\xe2\x80\xa6" "w399, <mark>cible</mark>. w401\xe2\x80\xa6",
               "crop around a match at word 401 of 600");

        snprintf(want, sizeof(want),
                 "\xe2\x80\xa6" "w598, <mark>w599</mark>,");
        is_str(hl(text, "w599", 2), want, "crop at the end of 600 words");
    }

    /* the room, on text that makes it grow most */

    big = malloc(20001);
    for (i = 0; i < 20000; i += 2) {
        big[i] = 'z';
        big[i + 1] = (i % 4) ? '"' : '&';
    }
    big[20000] = '\0';

    ok(strcmp(hl(big, "z", 0), "(over its room)") != 0, "within its room");
    n = strlen((const char *) out);
    ok(n > 20000 * 9, "and near it (%zu bytes)", n);
    free(big);

    /* the marks of q */

    (void) hl("", "tiers tiers -garage \"a b\" coop", 0);
    n = resources_highlight_marks(&qs, marks);
    is_int(n, 3, "marks: tiers once, no exclusion, no stop word");
    is_mem(marks[0].data, marks[0].len, "tier", "marks: stemmed");
    ok(!marks[0].prefix && marks[2].prefix, "marks: the last one a prefix");
    is_mem(marks[1].data, marks[1].len, "b", "marks: a phrase's word");

    return tap_done();
}
