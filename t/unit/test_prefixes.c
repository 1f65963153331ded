/*
 * Copyright (C) ngx_http_resources authors
 *
 * The unions of the words a prefix starts (src/loader/resources_prefixes.c)
 * against their definition, computed by brute force over random
 * vocabularies: for every prefix of 2 bytes or more, the public words it
 * starts (S) and their longest common prefix (K); a union is due under K
 * when S has 2 words or more, at most 64 words of any view start with K,
 * and the union holds ndocs / 64 docnos or more; it holds, for every
 * docno, the best field of the words of S in it.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resources_store.h"
#include "resources_prefixes.h"
#include "tap.h"


#define TEST_NDOCS   640
#define TEST_WORDS   400
#define TEST_PUTS    2048


typedef struct {
    u_char     prefix[16];
    size_t     len;
    uint64_t  *bits;
    int        due;
} test_put_t;


static test_put_t  test_puts[TEST_PUTS];
static size_t      test_nputs;


static int
test_put(void *data, const u_char *prefix, size_t len, const uint64_t *bits,
    size_t nw)
{
    test_put_t  *p;

    if (test_nputs == TEST_PUTS || len > sizeof(p->prefix)) {
        return -1;
    }

    p = &test_puts[test_nputs++];
    memcpy(p->prefix, prefix, len);
    p->len = len;
    p->due = 0;
    p->bits = malloc(3 * nw * sizeof(uint64_t));
    memcpy(p->bits, bits, 3 * nw * sizeof(uint64_t));

    return 0;
}


static int
test_cmp_word(const void *one, const void *two)
{
    int            c;
    const u_char  *a = *(const u_char * const *) one;
    const u_char  *b = *(const u_char * const *) two;
    size_t         la = strlen((const char *) a), lb = strlen((const char *) b);

    c = memcmp(a, b, la < lb ? la : lb);

    return c ? c : (la > lb) - (la < lb);
}


static int
test_starts(const u_char *w, const u_char *p, size_t len)
{
    return strlen((const char *) w) >= len && memcmp(w, p, len) == 0;
}


static int
test_round(unsigned seed, int alphabet, int maxlen, int density)
{
    int                    fails;
    size_t                 n, i, j, k, len, plen, ns, na, nw, d, count;
    u_char                *words[TEST_WORDS], buf[16], *first, *last;
    u_char                 best[TEST_NDOCS];
    uint32_t               lens[TEST_WORDS], sizes[TEST_WORDS];
    uint32_t              *entries[TEST_WORDS], nent[TEST_WORDS];
    uint64_t              *want;
    test_put_t            *p;
    resources_prefixes_t  *pr;

    srand(seed);
    fails = 0;
    nw = RESOURCES_BITMAP_WORDS(TEST_NDOCS);

    /* a vocabulary: distinct words over a few letters */

    n = 0;

    for (i = 0; i < TEST_WORDS * 4 && n < TEST_WORDS; i++) {
        len = 1 + rand() % maxlen;

        for (j = 0; j < len; j++) {
            buf[j] = (u_char) ('a' + rand() % alphabet);
        }

        buf[len] = '\0';

        for (j = 0; j < n; j++) {
            if (strcmp((char *) words[j], (char *) buf) == 0) {
                break;
            }
        }

        if (j == n) {
            words[n++] = (u_char *) strdup((char *) buf);
        }
    }

    qsort(words, n, sizeof(u_char *), test_cmp_word);

    /* public entries: none for some (a private word), few or many */

    for (i = 0; i < n; i++) {
        lens[i] = (uint32_t) strlen((char *) words[i]);
        entries[i] = malloc(TEST_NDOCS * sizeof(uint32_t));
        nent[i] = 0;

        if (rand() % 8 == 0) {
            sizes[i] = 1 + rand() % 5;
            continue;
        }

        k = (rand() % 4 == 0) ? density : 3;

        for (d = 0; d < TEST_NDOCS; d++) {
            if ((size_t) rand() % 1000 < k) {
                entries[i][nent[i]++] = (uint32_t) (d << 2 | rand() % 4);
            }
        }

        sizes[i] = nent[i] + rand() % 3;
    }

    test_nputs = 0;

    pr = resources_prefixes_create((const u_char **) words, lens, sizes, n,
                                   TEST_NDOCS, test_put, NULL);

    for (i = 0; i < n; i++) {
        if (resources_prefixes_add(pr, i, entries[i], nent[i]) != 0) {
            fails++;
        }
    }

    is_int(resources_prefixes_written(pr), test_nputs,
           "seed %u: the unions counted", seed);

    resources_prefixes_free(pr);

    /* every union due, by brute force, is written once and right */

    want = malloc(3 * nw * sizeof(uint64_t));
    count = 0;

    for (i = 0; i < n; i++) {
        for (plen = 2; plen <= lens[i]; plen++) {

            /* S, and K */

            first = NULL;
            last = NULL;

            for (j = 0, ns = 0; j < n; j++) {
                if (nent[j] && test_starts(words[j], words[i], plen)) {
                    first = first ? first : words[j];
                    last = words[j];
                    ns++;
                }
            }

            if (ns < 2) {
                continue;
            }

            for (k = 0; first[k] && first[k] == last[k]; k++) { /* void */ }

            len = k;

            for (j = 0, na = 0; j < n; j++) {
                na += test_starts(words[j], first, len);
            }

            memset(best, 0, sizeof(best));
            memset(want, 0, 3 * nw * sizeof(uint64_t));

            for (j = 0, d = 0; j < n; j++) {
                if (!test_starts(words[j], first, len)) {
                    continue;
                }

                for (k = 0; k < nent[j]; k++) {
                    uint32_t  e = entries[j][k];

                    if (!((want[RESOURCES_DOCNO(e) / 64]
                           >> (RESOURCES_DOCNO(e) % 64)) & 1))
                    {
                        d++;
                    }

                    want[RESOURCES_DOCNO(e) / 64] |=
                                      (uint64_t) 1 << (RESOURCES_DOCNO(e) % 64);

                    if (RESOURCES_FIELD(e) + 1u > best[RESOURCES_DOCNO(e)]) {
                        best[RESOURCES_DOCNO(e)] =
                                         (u_char) (RESOURCES_FIELD(e) + 1);
                    }
                }
            }

            for (k = 0; k < TEST_NDOCS; k++) {
                if (best[k] && ((best[k] - 1) & 2)) {
                    want[nw + k / 64] |= (uint64_t) 1 << (k % 64);
                }

                if (best[k] && ((best[k] - 1) & 1)) {
                    want[2 * nw + k / 64] |= (uint64_t) 1 << (k % 64);
                }
            }

            /* the puts under K */

            for (j = 0, p = NULL, k = 0; j < test_nputs; j++) {
                if (test_puts[j].len == len
                    && memcmp(test_puts[j].prefix, first, len) == 0)
                {
                    p = &test_puts[j];
                    k++;
                }
            }

            if (na > RESOURCES_PREFIX_WORDS || d < TEST_NDOCS / 64) {
                if (k != 0) {
                    ok(0, "seed %u: no union for \"%.*s\" (%zu words, %zu)",
                       seed, (int) len, first, na, d);
                    fails++;
                }

                continue;
            }

            if (k == 1 && !p->due) {
                p->due = 1;
                count++;
            }

            if (k != 1
                || memcmp(p->bits, want, 3 * nw * sizeof(uint64_t)) != 0)
            {
                ok(0, "seed %u: the union of \"%.*s\": %zu written%s", seed,
                   (int) len, first, k, k == 1 ? ", wrong bits" : "");
                fails++;
            }
        }
    }

    /* and nothing else */

    for (j = 0; j < test_nputs; j++) {
        if (!test_puts[j].due) {
            ok(0, "seed %u: \"%.*s\" written, not due", seed,
               (int) test_puts[j].len, test_puts[j].prefix);
            fails++;
        }

        free(test_puts[j].bits);
    }

    free(want);

    for (i = 0; i < n; i++) {
        free(words[i]);
        free(entries[i]);
    }

    ok(fails == 0, "seed %u: %zu words, %zu unions due, %zu written", seed,
       n, count, test_nputs);

    return fails;
}


int
main(void)
{
    unsigned  seed;

    for (seed = 1; seed <= 40; seed++) {
        test_round(seed, 2 + seed % 4, 3 + seed % 5, 30 + seed % 200);
    }

    /* more than 64 words under 2-letter prefixes */

    for (seed = 100; seed < 108; seed++) {
        test_round(seed, 2, 9, 5 + seed % 50);
    }

    return tap_done();
}
