/*
 * Copyright (C) ngx_http_resources authors
 *
 * Unit tests of resources_text.c: folding, slugs, ids, words, stemming.
 */

#include <stdlib.h>

#include "tap.h"
#include "resources_text.h"


static char *
fold(const char *s)
{
    static u_char  out[4096];
    ssize_t        n;

    n = resources_fold((const u_char *) s, strlen(s), out, sizeof(out) - 1);
    if (n < 0) {
        return n == RESOURCES_TEXT_INVALID ? "(invalid)" : "(too long)";
    }

    out[n] = '\0';

    return (char *) out;
}


static char *
slug(const char *s)
{
    static u_char  out[RESOURCES_SLUG_MAX + 1];

    if (resources_slug((const u_char *) s, strlen(s), out) < 0) {
        return "(invalid)";
    }

    return (char *) out;
}


typedef struct {
    char      words[1024];
    unsigned  last_flags;
} words_t;


static int
collect(void *data, const u_char *w, size_t len, unsigned flags)
{
    words_t  *ws = data;
    size_t    n;

    n = strlen(ws->words);
    snprintf(ws->words + n, sizeof(ws->words) - n, "%s%.*s%s", n ? " " : "",
             (int) len, w, (flags & RESOURCES_WORD_STOP) ? "/stop" : "");
    ws->last_flags = flags;

    return 0;
}


static char *
words(const char *s, unsigned *last)
{
    static words_t  ws;
    char           *f;

    memset(&ws, 0, sizeof(ws));
    f = fold(s);
    resources_words((const u_char *) f, strlen(f), collect, &ws);

    if (last) {
        *last = ws.last_flags;
    }

    return ws.words;
}


int
main(void)
{
    unsigned  flags;
    u_char    w[32];
    char      big[300];

    /* folding: case, accents, NFKC, punctuation, space */

    is_str(fold("QPV"), "qpv", "QPV folds to qpv");
    is_str(fold("Qpv"), "qpv", "Qpv folds to qpv");
    is_str(fold("Scic"), fold("SCIC"), "Scic and SCIC are one");
    is_str(fold("Économie"), "economie", "Économie loses its accent");
    is_str(fold("ÉCONOMIE"), fold("economie"), "ÉCONOMIE = economie");
    is_str(fold("Tiers-Lieux"), "tiers-lieux", "hyphen kept, case folded");
    is_str(fold("tiers\xe2\x80\x93lieux"), "tiers-lieux", "en dash unified");
    is_str(fold("l\xe2\x80\x99" "ESS"), "l'ess", "typographic apostrophe");
    is_str(fold("  a \t\n b\xc2\xa0 c  "), "a b c",
           "white space collapsed and trimmed, NBSP included");
    is_str(fold("\xef\xac\x81" "n"), "fin", "the fi ligature (NFKC)");
    is_str(fold("\xc5\x93uvre"), "oeuvre", "oe ligature");
    is_str(fold("Stra\xc3\x9f" "e"), "strasse", "sharp s case-folds to ss");
    is_str(fold("n\xc2\xba" "1"), "no1", "ordinal indicator: NFKC o");
    is_str(fold("n\xc2\xb0" "1"), "n\xc2\xb0" "1", "degree sign stays");
    is_str(fold("\xef\xbc\xa1\xef\xbc\xa2"), "ab", "fullwidth letters");
    is_str(fold("e\xcc\x81t\xc3\xa9"), "ete", "combining and precomposed"
           " accents meet");
    is_str(fold("\xed\x95\x9c\xea\xb8\x80"), "\xed\x95\x9c\xea\xb8\x80",
           "Hangul syllables survive (recomposed)");
    is_str(fold("caf\xc3"), "(invalid)", "truncated UTF-8 is invalid");
    is_str(fold("\xc0\xaf"), "(invalid)", "overlong UTF-8 is invalid");
    is_str(fold("\xed\xa0\x80"), "(invalid)", "a surrogate is invalid");
    is_str(fold("\xff"), "(invalid)", "0xff is invalid");
    ok(resources_fold((const u_char *) "a\0b", 3, w, sizeof(w))
       == RESOURCES_TEXT_INVALID, "NUL is invalid");
    ok(resources_fold((const u_char *) "abcdef", 6, w, 4)
       == RESOURCES_TEXT_TOO_LONG, "a small buffer is reported");

    is_int(resources_utf8_valid((const u_char *) "caf\xc3\xa9", 5), 5,
           "valid UTF-8 length");
    is_int(resources_utf8_valid((const u_char *) "ab\xc3\x28", 4), 2,
           "invalid UTF-8 found at its byte");

    /* slugs */

    is_str(slug("Fiche Déniché pour vous n°126 - Le Centième Singe"),
           "fiche-deniche-pour-vous-n-126-le-centieme-singe",
           "slug of a Déniché title");
    is_str(slug("\"Le tourisme responsable : une opportunité\" - ANCT"),
           "le-tourisme-responsable-une-opportunite-anct",
           "slug drops quotes and colons");
    is_str(slug("!!!"), "", "a slug can be empty");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    is_int(strlen(slug(big)), RESOURCES_SLUG_MAX, "slugs are cut at 80");
    is_str(slug("Économie 2024  !"), "economie-2024", "slug trimmed");

    /* ids */

    ok(resources_id_valid((const u_char *) "abc-1", 5), "abc-1 is an id");
    ok(!resources_id_valid((const u_char *) "-abc", 4), "-abc is not");
    ok(!resources_id_valid((const u_char *) "Abc", 3), "upper case is not");
    ok(!resources_id_valid((const u_char *) "a.b", 3), "a dot is not");
    ok(!resources_id_valid((const u_char *) "", 0), "empty is not");
    memset(big, 'a', 129);
    ok(!resources_id_valid((const u_char *) big, 129), "129 bytes is not");
    ok(resources_id_valid((const u_char *) big, 128), "128 bytes is");

    /* words: split, elisions, stop words, stemming */

    is_str(words("L'association d'économie", NULL),
           "association economie", "elisions l' and d' removed");
    is_str(words("l’ESS", NULL), "ess", "typographic elision removed");
    is_str(words("économie de subsistance", NULL),
           "economie de/stop subsistance", "de is a stop word");
    is_str(words("tiers-lieux", NULL), "tier lieu", "tiers-lieux stems");
    is_str(words("tiers-lieu", NULL), "tier lieu", "tiers-lieu meets it");
    is_str(words("collectivités collectivité", NULL),
           "collectivite collectivite", "plural and singular meet");
    is_str(words("territoriaux territorial", NULL),
           "territorial territorial", "-aux plurals");
    is_str(words("réseaux réseau", NULL), "reseau reseau", "-eaux plurals");
    is_str(words("ESS, QPV; 2024!", NULL), "ess qpv 2024",
           "punctuation separates, digits are words");
    is_str(words("bus", NULL), "bus", "short words are not stemmed");
    is_str(words("process", NULL), "process", "-ss is not a plural");

    words("tiers lie", &flags);
    ok(flags & RESOURCES_WORD_LAST, "the last word is marked when the text"
       " ends in it");
    words("tiers lie.", &flags);
    ok(!(flags & RESOURCES_WORD_LAST), "not when a separator ends the text"
       " (folding trims, so only punctuation)");

    memcpy(w, "lieux", 5);
    is_int(resources_stem(w, 5), 4, "stem lieux");
    ok(resources_stopword((const u_char *) "les", 3), "les is a stop word");
    ok(!resources_stopword((const u_char *) "lieu", 4), "lieu is not");

    return tap_done();
}
