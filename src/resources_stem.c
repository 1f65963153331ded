/*
 * Copyright (C) ngx_http_resources authors
 *
 * Word forms: a French light stemmer on folded words, and its overrides.
 *
 * resources_stem_light_rules() is a port of Lucene's FrenchLightStemmer
 * (lucene/analysis/common/src/java/org/apache/lucene/analysis/fr/
 * FrenchLightStemmer.java, Apache License 2.0), itself an implementation
 * of the light stemmer of Jacques Savoy, University of Neuchatel
 * (http://members.unine.ch/jacques.savoy/clef/), distributed under the BSD
 * License:
 *
 *   Copyright (c) 2005, Jacques Savoy.  All rights reserved.
 *   Redistribution and use in source and binary forms, with or without
 *   modification, are permitted provided that the following conditions
 *   are met: Redistributions of source code must retain the above
 *   copyright notice, this list of conditions and the following
 *   disclaimer.  Redistributions in binary form must reproduce the above
 *   copyright notice, this list of conditions and the following disclaimer
 *   in the documentation and/or other materials provided with the
 *   distribution.  Neither the name of the author nor the names of its
 *   contributors may be used to endorse or promote products derived from
 *   this software without specific prior written permission.  THIS
 *   SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
 *   AND ANY EXPRESS OR IMPLIED WARRANTIES ... ARE DISCLAIMED.
 *
 * The port works on folded bytes (resources_fold(): lower case, accents
 * removed), where Lucene's works on accented characters: its "è", "é" and
 * "ê" rules are the plain letters here, and norm()'s accent removal is
 * done already.  bench/stemmers.c measured it against Lucene's minimal
 * stemmer and Snowball on the judged set (docs/format.md, section 4): it
 * stems the words of Lucene's own tests as Lucene does.
 */


#include <string.h>

#include "resources_text.h"


static int
resources_stem_ends(const u_char *s, size_t len, const char *suf, size_t n)
{
    return len >= n && memcmp(s + len - n, suf, n) == 0;
}

#define resources_ends(s, len, suf)                                          \
    resources_stem_ends(s, len, suf, sizeof(suf) - 1)


static int
resources_stem_letter(u_char c)
{
    return c >= 'a' && c <= 'z';
}


static size_t
resources_stem_norm(u_char *s, size_t len)
{
    /*
     * Lucene's norm() makes a letter repeated one letter, anywhere in the
     * word (StemmerUtil.delete()); not here: "monnaie" would become
     * "mona", which a visitor typing "monn" does not start, and the last
     * word of q is matched as a prefix of the stems.  The final doubled
     * letter below is Lucene's too, and kept.
     */

    if (len > 4 && resources_ends(s, len, "ie")) {
        len -= 2;
    }

    if (len > 4) {
        if (s[len - 1] == 'r') {
            len--;
        }

        if (s[len - 1] == 'e') {
            len--;
        }

        if (s[len - 1] == 'e') {
            len--;
        }

        if (s[len - 1] == s[len - 2] && resources_stem_letter(s[len - 1])) {
            len--;
        }
    }

    return len;
}


static size_t
resources_stem_light_rules(u_char *s, size_t len)
{
    if (len > 5 && s[len - 1] == 'x') {
        if (s[len - 3] == 'a' && s[len - 2] == 'u' && s[len - 4] != 'e') {
            s[len - 2] = 'l';
        }

        len--;
    }

    if (len > 3 && s[len - 1] == 'x') {
        len--;
    }

    if (len > 3 && s[len - 1] == 's') {
        len--;
    }

    if (len > 9 && resources_ends(s, len, "issement")) {
        len -= 6;
        s[len - 1] = 'r';
        return resources_stem_norm(s, len);
    }

    if (len > 8 && resources_ends(s, len, "issant")) {
        len -= 4;
        s[len - 1] = 'r';
        return resources_stem_norm(s, len);
    }

    if (len > 6 && resources_ends(s, len, "ement")) {
        len -= 4;

        if (len > 3 && resources_ends(s, len, "ive")) {
            len--;
            s[len - 1] = 'f';
        }

        return resources_stem_norm(s, len);
    }

    if (len > 11 && resources_ends(s, len, "ficatrice")) {
        len -= 5;
        s[len - 2] = 'e';
        s[len - 1] = 'r';
        return resources_stem_norm(s, len);
    }

    if (len > 10 && resources_ends(s, len, "ficateur")) {
        len -= 4;
        s[len - 2] = 'e';
        s[len - 1] = 'r';
        return resources_stem_norm(s, len);
    }

    if (len > 9 && resources_ends(s, len, "catrice")) {
        len -= 3;
        s[len - 4] = 'q';
        s[len - 3] = 'u';
        s[len - 2] = 'e';
        return resources_stem_norm(s, len);
    }

    if (len > 8 && resources_ends(s, len, "cateur")) {
        len -= 2;
        s[len - 4] = 'q';
        s[len - 3] = 'u';
        s[len - 2] = 'e';
        s[len - 1] = 'r';
        return resources_stem_norm(s, len);
    }

    if (len > 8 && resources_ends(s, len, "atrice")) {
        len -= 4;
        s[len - 2] = 'e';
        s[len - 1] = 'r';
        return resources_stem_norm(s, len);
    }

    if (len > 7 && resources_ends(s, len, "ateur")) {
        len -= 3;
        s[len - 2] = 'e';
        s[len - 1] = 'r';
        return resources_stem_norm(s, len);
    }

    if (len > 6 && resources_ends(s, len, "trice")) {
        len--;
        s[len - 3] = 'e';
        s[len - 2] = 'u';
        s[len - 1] = 'r';
    }

    if (len > 5 && resources_ends(s, len, "ieme")) {
        return resources_stem_norm(s, len - 4);
    }

    if (len > 7 && resources_ends(s, len, "teuse")) {
        len -= 2;
        s[len - 1] = 'r';
        return resources_stem_norm(s, len);
    }

    if (len > 6 && resources_ends(s, len, "teur")) {
        len--;
        s[len - 1] = 'r';
        return resources_stem_norm(s, len);
    }

    if (len > 5 && resources_ends(s, len, "euse")) {
        return resources_stem_norm(s, len - 2);
    }

    if (len > 8 && resources_ends(s, len, "ere")) {
        len--;
        s[len - 2] = 'e';
        return resources_stem_norm(s, len);
    }

    if (len > 7 && resources_ends(s, len, "ive")) {
        len--;
        s[len - 1] = 'f';
        return resources_stem_norm(s, len);
    }

    if (len > 4
        && (resources_ends(s, len, "folle") || resources_ends(s, len, "molle")))
    {
        len -= 2;
        s[len - 1] = 'u';
        return resources_stem_norm(s, len);
    }

    if (len > 9 && resources_ends(s, len, "nnelle")) {
        return resources_stem_norm(s, len - 5);
    }

    if (len > 9 && resources_ends(s, len, "nnel")) {
        return resources_stem_norm(s, len - 3);
    }

    if (len > 4 && resources_ends(s, len, "ete")) {
        len--;
        s[len - 2] = 'e';
    }

    if (len > 8 && resources_ends(s, len, "ique")) {
        len -= 4;
    }

    if (len > 8 && resources_ends(s, len, "esse")) {
        return resources_stem_norm(s, len - 3);
    }

    if (len > 7 && resources_ends(s, len, "inage")) {
        return resources_stem_norm(s, len - 3);
    }

    if (len > 9 && resources_ends(s, len, "isation")) {
        len -= 7;

        if (len > 5 && resources_ends(s, len, "ual")) {
            s[len - 2] = 'e';
        }

        return resources_stem_norm(s, len);
    }

    if (len > 9 && resources_ends(s, len, "isateur")) {
        return resources_stem_norm(s, len - 7);
    }

    if (len > 8 && resources_ends(s, len, "ation")) {
        return resources_stem_norm(s, len - 5);
    }

    if (len > 8 && resources_ends(s, len, "ition")) {
        return resources_stem_norm(s, len - 5);
    }

    return resources_stem_norm(s, len);
}


/*
 * The overrides, sorted by word (memcmp order): a word, or the word less
 * its final "s" or "x", that is listed gets the stem given here instead.
 * Two kinds, read against the judged set's vocabulary (t/relevance/) and
 * the realistic catalogue's (docs/format.md, section 4):
 *   - joins the rules miss: "-ique" under 9 letters (publique, laique)
 *     and its "-ic" masculine;
 *   - words the rules join with another of a different meaning in this
 *     domain, kept as themselves: formation (forme), publication
 *     (public), ressourcerie (ressource), fondation (fonds), copie
 *     (cooperation's "cop"), entree (entre), repas (reparation),
 *     directeur (direct), autorisation (auto), classique (classee),
 *     utilisation (utile), mobilisation (mobile), porteur (porte).
 * Changing this table changes what the loader writes: the snapshot then
 * differs, and the module stems queries with the same table.
 */

typedef struct {
    const char  *word;
    size_t       len;
    const char  *stem;
    size_t       stem_len;
} resources_stem_override_t;

#define resources_stem_entry(w, s)  { w, sizeof(w) - 1, s, sizeof(s) - 1 }

static const resources_stem_override_t  resources_stem_overrides[] = {
    resources_stem_entry("autorisation", "autorisation"),
    resources_stem_entry("classique", "classique"),
    resources_stem_entry("copie", "copie"),
    resources_stem_entry("directeur", "directeur"),
    resources_stem_entry("directrice", "directeur"),
    resources_stem_entry("entree", "entree"),
    resources_stem_entry("fondation", "fondation"),
    resources_stem_entry("formation", "formation"),
    resources_stem_entry("laic", "laic"),
    resources_stem_entry("laique", "laic"),
    resources_stem_entry("mobilisation", "mobilisation"),
    resources_stem_entry("porteur", "porteur"),
    resources_stem_entry("porteuse", "porteur"),
    resources_stem_entry("public", "public"),
    resources_stem_entry("publication", "publication"),
    resources_stem_entry("publique", "public"),
    resources_stem_entry("repas", "repas"),
    resources_stem_entry("ressourcerie", "ressourcerie"),
    resources_stem_entry("utilisation", "utilisation"),
};

/* the first letters of the table's words ("a" is bit 0): most words of a
 * text start with another one, and are not looked up */
#define RESOURCES_STEM_FIRST  0x12983du


static const resources_stem_override_t *
resources_stem_override(const u_char *w, size_t len)
{
    int                               cmp;
    size_t                            lo, hi, mid;
    const resources_stem_override_t  *o;

    lo = 0;
    hi = sizeof(resources_stem_overrides)
         / sizeof(resources_stem_overrides[0]);

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        o = &resources_stem_overrides[mid];

        cmp = memcmp(w, o->word, len < o->len ? len : o->len);
        if (cmp == 0) {
            cmp = (len > o->len) - (len < o->len);
        }

        if (cmp == 0) {
            return o;
        }

        if (cmp < 0) {
            hi = mid;

        } else {
            lo = mid + 1;
        }
    }

    return NULL;
}


size_t
resources_stem_light(u_char *w, size_t len)
{
    const resources_stem_override_t  *o;

    if (len < 4) {
        return len;
    }

    o = NULL;

    if (w[0] >= 'a' && w[0] <= 'z'
        && (RESOURCES_STEM_FIRST >> (w[0] - 'a')) & 1)
    {
        o = resources_stem_override(w, len);

        if (o == NULL && (w[len - 1] == 's' || w[len - 1] == 'x')) {
            o = resources_stem_override(w, len - 1);
        }
    }

    if (o != NULL) {
        memcpy(w, o->stem, o->stem_len);
        return o->stem_len;
    }

    return resources_stem_light_rules(w, len);
}
