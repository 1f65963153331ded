/*
 * Copyright (C) ngx_http_resources authors
 *
 * Word forms and typos (issue #22): resources_stem_light() on the forms
 * the issue names, the override table, and resources_typos_walk() against
 * a brute-force optimal string alignment distance over random word lists
 * and queries; resources_typos_check() on damaged values.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "resources_text.h"
#include "resources_typos.h"
#include "tap.h"


#define diag(...)  (printf("# "), printf(__VA_ARGS__), printf("\n"))


static const char *
light(const char *w)
{
    static u_char  buf[RESOURCES_WORD_MAX + 1];
    size_t         n;

    n = strlen(w);
    memcpy(buf, w, n);
    n = resources_stem_light(buf, n);
    buf[n] = '\0';

    return (const char *) buf;
}


static int
same_stem(const char **words)
{
    char  first[RESOURCES_WORD_MAX + 1];
    int   i;

    strcpy(first, light(words[0]));

    for (i = 1; words[i]; i++) {
        if (strcmp(first, light(words[i])) != 0) {
            diag("%s -> %s but %s -> %s", words[0], first, words[i],
                 light(words[i]));
            return 0;
        }
    }

    return 1;
}


/* ---- the word list: built as the loader builds it */

typedef struct {
    u_char   *value;
    size_t    size;
    char    **words;
    u_char   *pub;
    size_t    n;
} list_t;


static int
cmp_str(const void *a, const void *b)
{
    const char  *x = *(char *const *) a, *y = *(char *const *) b;

    return strcmp(x, y);
}


static void
list_make(list_t *l, char **words, size_t n, uint64_t seed)
{
    size_t    i, j, bytes, at;
    uint32_t  v;

    qsort(words, n, sizeof(char *), cmp_str);

    for (i = 0, j = 0; i < n; i++) {
        if (j && strcmp(words[j - 1], words[i]) == 0) {
            free(words[i]);
            continue;
        }
        words[j++] = words[i];
    }

    n = j;

    for (i = 0, bytes = 0; i < n; i++) {
        bytes += strlen(words[i]);
    }

    /* the words, padding, then no forms (a count, bytes, foff[0]) */

    l->size = ((12 + 4 * (n + 1) + n + bytes + 3) & ~(size_t) 3) + 12;
    l->value = calloc(1, l->size);
    l->pub = malloc(n + 1);
    l->words = words;
    l->n = n;

    v = RESOURCES_TYPOS_MAGIC;
    memcpy(l->value, &v, 4);
    v = (uint32_t) n;
    memcpy(l->value + 4, &v, 4);
    v = (uint32_t) bytes;
    memcpy(l->value + 8, &v, 4);

    for (i = 0, at = 0; i <= n; i++) {
        v = (uint32_t) at;
        memcpy(l->value + 12 + 4 * i, &v, 4);

        if (i < n) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            l->pub[i] = (seed >> 60) < 12;
            l->value[12 + 4 * (n + 1) + i] = l->pub[i]
                                             ? RESOURCES_TYPOS_PUBLIC : 0;
            memcpy(l->value + 12 + 4 * (n + 1) + n + at, words[i],
                   strlen(words[i]));
            at += strlen(words[i]);
        }
    }
}


/* the optimal string alignment distance, plainly */

static unsigned
osa(const char *a, size_t m, const char *b, size_t n)
{
    static unsigned  d[80][80];
    size_t           i, j;
    unsigned         v;

    for (j = 0; j <= n; j++) {
        d[0][j] = (unsigned) j;
    }

    for (i = 1; i <= m; i++) {
        d[i][0] = (unsigned) i;

        for (j = 1; j <= n; j++) {
            v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

            if (d[i - 1][j] + 1 < v) {
                v = d[i - 1][j] + 1;
            }

            if (d[i][j - 1] + 1 < v) {
                v = d[i][j - 1] + 1;
            }

            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
                && d[i - 2][j - 2] + 1 < v)
            {
                v = d[i - 2][j - 2] + 1;
            }

            d[i][j] = v;
        }
    }

    return d[m][n];
}


static int
ref_match(const char *t, const char *q, unsigned k, int prefix)
{
    size_t  d, n = strlen(t), m = strlen(q);

    if (t[0] != q[0]) {
        return 0;
    }

    if (!prefix) {
        return osa(t, n, q, m) <= k;
    }

    for (d = 1; d <= n; d++) {
        if (osa(t, d, q, m) <= k) {
            return 1;
        }
    }

    return 0;
}


/* what a walk or a lookup hands, in order */

typedef struct {
    uint32_t  index[4096];
    unsigned  distance[4096];
    size_t    n;
} handed_t;


static int
on_handed(void *data, uint32_t index, const u_char *word, size_t len,
    unsigned distance)
{
    handed_t  *h = data;

    if (h->n < 4096) {
        h->index[h->n] = index;
        h->distance[h->n] = distance;
    }

    h->n++;

    return 0;
}


static int
same_handed(const handed_t *a, const handed_t *b)
{
    size_t  i;

    if (a->n != b->n || a->n > 4096) {
        return 0;
    }

    for (i = 0; i < a->n; i++) {
        if (a->index[i] != b->index[i] || a->distance[i] != b->distance[i]) {
            return 0;
        }
    }

    return 1;
}


static char *
random_word(uint64_t *s, size_t min, size_t max, const char *alpha)
{
    size_t  n, i, na = strlen(alpha);
    char   *w;

    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    n = min + (size_t) ((*s >> 33) % (max - min + 1));
    w = malloc(n + 1);

    for (i = 0; i < n; i++) {
        *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
        w[i] = alpha[(*s >> 33) % na];
    }

    w[n] = '\0';

    return w;
}


/* a word of the list with edits, as a visitor mistypes it */

static char *
mistype(uint64_t *s, const char *t)
{
    char    *w;
    size_t   n, i, edits;
    char     c;

    n = strlen(t);
    w = malloc(n + 4);
    strcpy(w, t);

    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    edits = 1 + (*s >> 62) % 2;

    while (edits--) {
        n = strlen(w);
        *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
        i = 1 + (size_t) ((*s >> 33) % (n > 1 ? n - 1 : 1));

        switch ((*s >> 20) % 4) {
        case 0:                                 /* substitution */
            if (i < n) {
                w[i] = (char) ('a' + (*s >> 40) % 6);
            }
            break;
        case 1:                                 /* deletion */
            if (n > 2 && i < n) {
                memmove(w + i, w + i + 1, n - i);
            }
            break;
        case 2:                                 /* insertion */
            memmove(w + i + 1, w + i, n - i + 1);
            w[i] = (char) ('a' + (*s >> 40) % 6);
            break;
        default:                                /* transposition */
            if (i + 1 < n) {
                c = w[i];
                w[i] = w[i + 1];
                w[i + 1] = c;
            }
        }
    }

    return w;
}


static int
typos_check(list_t *l, resources_typos_t *wl)
{
    return resources_typos_check(l->value, l->size, wl);
}


int
main(void)
{
    size_t              i, j, n, found, want, runs, bad, ixsize, lookups,
                        ixbad;
    void               *ixv;
    const char         *ixerr;
    uint32_t            bits;
    resources_typos_index_t  ix;
    static handed_t     hw, hl, hn;
    size_t              nodes;
    uint64_t            s;
    unsigned            k;
    int                 prefix, pub;
    char              **words, *q;
    char                stem[RESOURCES_WORD_MAX + 1];
    list_t              l;
    u_char             *seen;
    int                 wbad;
    resources_typos_t   wl;

    static const char  *social[] = { "social", "sociale", "sociaux",
                                     "sociales", NULL };
    static const char  *public[] = { "public", "publique", "publics",
                                     "publiques", NULL };
    static const char  *territorial[] = { "territorial", "territoriale",
                                          "territoriaux", "territoriales",
                                          NULL };
    static const char  *collectif[] = { "collectif", "collective",
                                        "collectifs", "collectives", NULL };
    static const char  *hopital[] = { "hopital", "hopitaux", NULL };
    static const char  *solidaire[] = { "solidaire", "solidaires", NULL };

    /* word forms: the groups are one stem each */

    ok(same_stem(social), "social, sociale, sociaux, sociales");
    ok(same_stem(public), "public, publique, publics, publiques (override)");
    ok(same_stem(territorial), "territorial, territoriaux...");
    ok(same_stem(collectif), "collectif, collective...");
    ok(same_stem(hopital), "hopital, hopitaux");
    ok(same_stem(solidaire), "solidaire, solidaires");

    /* kept apart by the overrides */

    strcpy(stem, light("formation"));
    ok(strcmp(stem, light("forme")) != 0, "formation is not forme");
    strcpy(stem, light("publications"));
    ok(strcmp(stem, light("public")) != 0, "publications are not public");
    is_str(light("ressourceries"), "ressourcerie", "ressourceries");

    /* a prefix typed stays a prefix of the stem: no doubled letters cut */

    ok(strncmp(light("monnaies"), "monn", 4) == 0, "monnaies keeps monn");
    ok(strncmp(light("ressources"), "ressourc", 8) == 0,
       "ressources keeps ressourc");
    is_str(light("les"), "les", "short words as they are");

    /* the walk against a brute-force distance */

    s = 22;
    bad = 0;
    runs = 0;
    lookups = 0;
    ixbad = 0;
    nodes = 0;

    for (j = 0; j < 40; j++) {
        n = 50 + j * 20;
        words = malloc(n * sizeof(char *));

        for (i = 0; i < n; i++) {
            words[i] = random_word(&s, 1, 14, j % 2 ? "abcdef" : "abcdefghij");
        }

        list_make(&l, words, n, s);

        if (typos_check(&l, &wl) != 0) {
            ok(0, "a list is accepted");
            continue;
        }

        seen = calloc(l.n + 1, 1);

        ixv = resources_typos_index_make(&wl.words, &ixsize, &ixerr);

        if (ixv == NULL
            || resources_typos_index_check(ixv, ixsize, &wl.words, &ix) != 0)
        {
            ixbad++;
            free(ixv);
            ixv = NULL;
        }

        for (i = 0; i < 60; i++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            q = (i % 3) ? mistype(&s, l.words[(s >> 33) % l.n])
                        : random_word(&s, 1, 14, "abcdef");
            prefix = (i % 4 == 1);
            pub = (i % 5 == 2);

            for (k = 0; k <= 2; k++) {
                hw.n = 0;

                found = resources_typos_walk(&wl.words, (u_char *) q,
                                             strlen(q), k, prefix, pub,
                                             on_handed, &hw);

                /* each entry once, in the list */

                memset(seen, 0, l.n + 1);
                wbad = (hw.n > 4096);

                for (n = 0; n < hw.n && !wbad; n++) {
                    if (hw.index[n] >= l.n || seen[hw.index[n]]) {
                        wbad = 1;

                    } else {
                        seen[hw.index[n]] = 1;
                    }
                }

                for (want = 0, n = 0; n < l.n; n++) {
                    int  m = ref_match(l.words[n], q, k, prefix)
                             && (!pub || l.pub[n]);

                    want += m;

                    if (m != seen[n]) {
                        if (bad++ < 5) {
                            diag("\"%s\" k=%u prefix=%d public=%d: \"%s\""
                                 " %s", q, k, prefix, pub, l.words[n],
                                 m ? "missed" : "found wrongly");
                        }
                    }
                }

                if (wbad || found != want) {
                    bad++;
                }

                runs++;

                /* the index hands what the walk hands, at one typo */

                if (k == 1 && ixv != NULL) {
                    hl.n = 0;
                    (void) resources_typos_lookup(&ix, &wl.words,
                                                  (u_char *) q, strlen(q),
                                                  prefix, pub, on_handed,
                                                  &hl);

                    /* the nodes' ranges hold the forms it handed */

                    if (prefix) {
                        uint32_t  nlo[64], nhi[64], x;
                        ssize_t   nn;
                        size_t    a;

                        nn = resources_typos_nodes(&ix, &wl.words,
                                                   (u_char *) q, strlen(q),
                                                   nlo, nhi, 64);

                        if (nn >= 0) {
                            hn.n = 0;

                            for (a = 0; a < (size_t) nn; a++) {
                                for (x = nlo[a]; x < nhi[a]; x++) {
                                    if (!pub || l.pub[x]) {
                                        hn.index[hn.n] = x;
                                        hn.distance[hn.n] = 0;
                                        hn.n++;
                                    }
                                }
                            }

                            for (a = 0; a < hl.n && a < hn.n; a++) {
                                if (hn.index[a] != hl.index[a]) {
                                    break;
                                }
                            }

                            if (a != hl.n || hn.n != hl.n) {
                                ixbad++;
                            }

                            nodes++;
                        }
                    }

                    if (!same_handed(&hw, &hl)) {
                        if (ixbad++ < 5) {
                            diag("\"%s\" prefix=%d public=%d: the walk"
                                 " hands %zu, the index %zu", q, prefix,
                                 pub, hw.n, hl.n);
                        }
                    }

                    lookups++;
                }
            }

            free(q);
        }

        free(seen);
        free(ixv);

        for (i = 0; i < l.n; i++) {
            free(l.words[i]);
        }

        free(l.words);
        free(l.pub);
        free(l.value);
    }

    ok(bad == 0, "the walk finds what the distance says, %zu walks", runs);
    ok(ixbad == 0 && lookups > 1000 && nodes > 200,
       "the typo index hands what the walk hands, %zu lookups (%zu as"
       " nodes)", lookups, nodes);

    /* damaged values are refused */

    words = malloc(3 * sizeof(char *));
    words[0] = strdup("alpha");
    words[1] = strdup("beta");
    words[2] = strdup("gamma");
    list_make(&l, words, 3, 1);

    ok(resources_typos_check(l.value, l.size, &wl) == 0, "a list of 3");

    ixv = resources_typos_index_make(&wl.words, &ixsize, &ixerr);
    ok(ixv != NULL
       && resources_typos_index_check(ixv, ixsize, &wl.words, &ix) == 0,
       "its typo index");
    ok(resources_typos_index_check(ixv, ixsize - 4, &wl.words, &ix) != 0,
       "an index cut short");
    ((u_char *) ixv)[0] ^= 1;
    ok(resources_typos_index_check(ixv, ixsize, &wl.words, &ix) != 0,
       "an index's bad magic");
    ((u_char *) ixv)[0] ^= 1;
    memcpy(&bits, (u_char *) ixv + 4, 4);
    memcpy((u_char *) ixv + 4, "\0\0\0\0", 4);     /* a shift by 64 */
    ok(resources_typos_index_check(ixv, ixsize, &wl.words, &ix) != 0,
       "an index of 2^0 buckets");
    memcpy((u_char *) ixv + 4, &bits, 4);
    ix.bits = bits;
    n = ixsize - 4;                             /* the last entry's ref */
    memcpy((u_char *) ixv + n, "\x05\0\0\0", 4);   /* form 0, 5 bytes */
    ok(resources_typos_index_check(ixv, ixsize, &wl.words, &ix) == 0,
       "a node of alpha's 5 bytes");
    memcpy((u_char *) ixv + n, "\x06\0\0\0", 4);
    ok(resources_typos_index_check(ixv, ixsize, &wl.words, &ix) != 0,
       "a node past its form");
    memcpy((u_char *) ixv + n, "\x04\x03\0\0", 4);
    ok(resources_typos_index_check(ixv, ixsize, &wl.words, &ix) != 0,
       "a node of a form past the list");
    free(ixv);
    ok(resources_typos_check(l.value, l.size - 1, &wl) != 0, "cut short");
    l.value[0] ^= 1;
    ok(resources_typos_check(l.value, l.size, &wl) != 0, "bad magic");
    l.value[0] ^= 1;
    l.value[12 + 4] = 9;                        /* off[1] past off[2] */
    ok(resources_typos_check(l.value, l.size, &wl) != 0,
       "offsets out of order");
    l.value[12 + 4] = 5;
    memcpy(l.value + 12 + 16 + 3, "gamma", 5);  /* beta's place: unsorted */
    memcpy(l.value + 12 + 16 + 3 + 5, "beta", 4);
    ok(resources_typos_check(l.value, l.size, &wl) != 0, "words unsorted");

    for (i = 0; i < 3; i++) {
        free(l.words[i]);
    }

    free(l.words);
    free(l.pub);
    free(l.value);

    return tap_done();
}
