/*
 * Copyright (C) ngx_http_resources authors
 *
 * Unit tests of resources_postings.c, against a brute-force reference.
 */

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "resources_postings.h"
#include "resources_store.h"


#define N  2000


static uint32_t  lists[4][N], out[N], score[N], work[4 * N], uout[4 * N];
static size_t    lens[4];


static int
has(int l, uint32_t d, uint32_t *field)
{
    size_t  i;

    for (i = 0; i < lens[l]; i++) {
        if (RESOURCES_DOCNO(lists[l][i]) == d) {
            *field = RESOURCES_FIELD(lists[l][i]);
            return 1;
        }
    }

    return 0;
}


/*
 * Slots: the AND of ORs, and relevance by levels, against a brute force
 * over random fields.  Each term has a field per docno (-1: absent); its
 * three bitmaps (presence, field & 2, field & 1) are made from them.
 */

#define SLOT_DOCS   (64 * 140)            /* more than one block of words */
#define SLOT_TERMS  4

static int       sfield[RESOURCES_INTERSECT_MAX][SLOT_TERMS][SLOT_DOCS];
static u_char    sraw[RESOURCES_INTERSECT_MAX][SLOT_TERMS][3]
                     [SLOT_DOCS / 8 + 1];
static uint32_t  stop[SLOT_DOCS], swant[SLOT_DOCS];
static uint64_t  skey[SLOT_DOCS];


static int
cmp_u64(const void *a, const void *b)
{
    uint64_t  x = *(const uint64_t *) a, y = *(const uint64_t *) b;

    return (x > y) - (x < y);
}


static void
test_slots(const char *how)
{
    int                     round, good, cgood, in, f, best, density;
    size_t                  ns, nscored, i, j, b, d, lo, hi, k, n, nw, want;
    size_t                  nterms[RESOURCES_INTERSECT_MAX];
    uint32_t                score;
    const u_char           *bits[RESOURCES_INTERSECT_MAX][3][SLOT_TERMS];
    resources_bits_slot_t   slots[RESOURCES_INTERSECT_MAX];

    good = 1;
    cgood = 1;

    for (round = 0; round < 400; round++) {
        nw = 1 + (size_t) rand() % (SLOT_DOCS / 64);
        ns = 1 + (size_t) rand() % 5;
        nscored = 0;

        for (i = 0; i < ns; i++) {
            int  scored = (nscored < RESOURCES_TOP_SLOTS && rand() % 3 != 0);

            nscored += scored;
            nterms[i] = 1 + (size_t) rand() % SLOT_TERMS;   /* an OR */
            density = 1 + rand() % 4;

            for (j = 0; j < nterms[i]; j++) {
                for (b = 0; b < 3; b++) {
                    memset(sraw[i][j][b], 0, sizeof(sraw[i][j][b]));
                }

                for (d = 0; d < nw * 64; d++) {
                    f = (rand() % density == 0) ? -1 : rand() % 4;

                    /*
                     * titles and keywords are rarer, as in a catalogue;
                     * in every other round much rarer, so that the first
                     * level leaves most words of a block empty
                     */

                    if (f >= 2 && rand() % ((round % 2) ? 64 : 3) != 0) {
                        f = rand() % 2;
                    }

                    sfield[i][j][d] = f;

                    if (f < 0) {
                        continue;
                    }

                    sraw[i][j][0][1 + d / 8] |= (u_char) (1 << (d % 8));

                    if (f & 2) {
                        sraw[i][j][1][1 + d / 8] |= (u_char) (1 << (d % 8));
                    }

                    if (f & 1) {
                        sraw[i][j][2][1 + d / 8] |= (u_char) (1 << (d % 8));
                    }
                }

                for (b = 0; b < 3; b++) {
                    bits[i][b][j] = sraw[i][j][b] + 1;      /* unaligned */
                }
            }

            slots[i].bits = bits[i][0];
            slots[i].hi = scored ? bits[i][1] : NULL;
            slots[i].lo = scored ? bits[i][2] : NULL;
            slots[i].n = nterms[i];
        }

        lo = (size_t) rand() % (nw * 64);
        hi = lo + 1 + (size_t) rand() % (nw * 64 - lo);

        /* the brute force: in every slot, the score of the best fields */

        n = 0;

        for (d = lo; d < hi; d++) {
            in = 1;
            score = 0;

            for (i = 0; i < ns && in; i++) {
                best = -1;

                for (j = 0; j < nterms[i]; j++) {
                    if (sfield[i][j][d] > best) {
                        best = sfield[i][j][d];
                    }
                }

                in = (best >= 0);

                if (in && slots[i].hi) {
                    score += resources_field_weight[best];
                }
            }

            if (in) {
                skey[n++] = (uint64_t) (UINT32_MAX - score) << 32 | d;
            }
        }

        qsort(skey, n, sizeof(uint64_t), cmp_u64);

        for (i = 0; i < n; i++) {
            swant[i] = (uint32_t) skey[i];
        }

        cgood &= (resources_bits_slots_count(slots, ns, lo, hi) == n);

        k = (size_t) rand() % 4 == 0 ? n + 3 : 1 + (size_t) rand() % 100;
        want = k < n ? k : n;

        if (nscored == 0) {
            continue;           /* a query has a word */
        }

        if (resources_bits_slots_top(slots, ns, lo, hi, k, stop) != want) {
            good = 0;
            continue;
        }

        for (i = 0; i < want; i++) {
            good &= (stop[i] == swant[i]);
        }
    }

    ok(cgood, "slots: the AND of ORs, counted (400 rounds, half of them "
       "with rare titles, %s)", how);
    ok(good, "slots: relevance by levels, first k (400 rounds, half of them "
       "with rare titles, %s)", how);
}


int
main(void)
{
    int                  round, l, good, ugood, pass;
    const char          *how;
    size_t               i, n, k, nu;
    uint32_t             d, f, s, best, e;
    resources_posting_t  p[4];

    srand(7);

    for (round = 0; round < 50; round++) {

        for (l = 0; l < 4; l++) {
            lens[l] = 0;

            for (d = 0; d < N; d++) {
                if (rand() % (l + 2) == 0) {
                    lists[l][lens[l]++] = d << 2 | (rand() & 3);
                }
            }

            p[l].data = (const u_char *) lists[l];
            p[l].n = lens[l];
            p[l].scored = (l != 3);
        }

        n = resources_intersect(p, 4, 100, N - 100, out, score);

        good = 1;
        k = 0;

        for (d = 100; d < N - 100; d++) {
            s = 0;

            for (l = 0; l < 4; l++) {
                if (!has(l, d, &f)) {
                    break;
                }

                if (l != 3) {
                    s += resources_field_weight[f];
                }
            }

            if (l < 4) {
                continue;
            }

            if (k >= n || out[k] != d || score[k] != s) {
                good = 0;
            }

            k++;
        }

        ok(good && k == n, "round %d: intersection of 4 lists in [100, %d)"
           " (%zu docs)", round, N - 100, n);

        /* union of the first three: the best field of each docno */

        for (l = 0; l < 3; l++) {
            p[l].data = (const u_char *) lists[l];
            p[l].n = lens[l];
        }

        nu = resources_union(p, 3, uout, work);
        ugood = 1;
        k = 0;

        for (d = 0; d < N; d++) {
            best = 4;

            for (l = 0; l < 3; l++) {
                if (has(l, d, &f) && (best == 4 || f > best)) {
                    best = f;
                }
            }

            if (best == 4) {
                continue;
            }

            e = d << 2 | best;

            if (k >= nu || uout[k] != e) {
                ugood = 0;
            }

            k++;
        }

        ok(ugood && k == nu, "round %d: union of 3 lists (%zu docs)", round,
           nu);
    }

    /* galloping */

    for (i = 0; i < 100; i++) {
        lists[0][i] = (uint32_t) (i * 3) << 2;
    }

    is_int(resources_gallop((u_char *) lists[0], 100, 0, 0), 0, "gallop 0");
    is_int(resources_gallop((u_char *) lists[0], 100, 0, 4), 2, "gallop 4");
    is_int(resources_gallop((u_char *) lists[0], 100, 10, 297), 99,
           "gallop to the last");
    is_int(resources_gallop((u_char *) lists[0], 100, 0, 298), 100,
           "gallop past the end");
    is_int(resources_gallop((u_char *) lists[0] + 1, 0, 0, 5), 0,
           "an empty list");

    p[0].data = (const u_char *) lists[0];
    p[0].n = 100;
    p[1].data = NULL;
    p[1].n = 0;
    is_int(resources_intersect(p, 2, 0, 1000, out, NULL), 0,
           "with an empty list, nothing");
    p[1].n = 100;
    p[1].data = (const u_char *) lists[0];
    is_int(resources_intersect(p, 2, 5, 5, out, NULL), 0, "an empty range");

    /* the counts with AVX2 (where the CPU has it), then word by word */

    for (pass = 0; pass < 2; pass++) {
        how = resources_bits_avx2(pass == 0) ? "avx2" : "word by word";

        /* bitmaps, against bit-by-bit counts; the second bitmap unaligned */

        {
            size_t    nw, w, lo, hi, d, want, got, round2;
            uint64_t  a[40], b[40], c[40];
            u_char    raw[40 * 8 + 1];
            int       good;

            good = 1;

            for (round2 = 0; round2 < 2000; round2++) {
                nw = 1 + (size_t) ((size_t) rand() % 40);

                for (w = 0; w < nw; w++) {
                    a[w] = (uint64_t) rand() << 33 ^ (uint64_t) rand() << 2 ^ (uint64_t) rand();
                    b[w] = (uint64_t) rand() << 33 ^ (uint64_t) rand() << 2 ^ (uint64_t) rand();

                    if (round2 % 3 == 0) {
                        a[w] &= (uint64_t) rand() << 33 ^ (uint64_t) rand() << 2 ^ (uint64_t) rand();  /* sparser */
                    }
                }

                memcpy(raw + 1, b, nw * 8);

                want = 0;
                for (d = 0; d < nw * 64; d++) {
                    want += (a[d / 64] >> (d % 64)) & (b[d / 64] >> (d % 64)) & 1;
                }

                good &= (resources_bits_and_count(a, raw + 1, nw) == want);

                memcpy(c, a, nw * 8);
                got = resources_bits_and(c, raw + 1, nw);
                good &= (got == want);
                for (w = 0; w < nw; w++) {
                    good &= (c[w] == (a[w] & b[w]));
                }

                lo = (size_t) ((size_t) rand() % (nw * 64 + 1));
                hi = (size_t) ((size_t) rand() % (nw * 64 + 1));

                want = 0;
                for (d = lo; d < hi; d++) {
                    want += (a[d / 64] >> (d % 64)) & 1;
                }

                good &= (resources_bits_count_range(a, lo, hi) == want);

                memcpy(c, a, nw * 8);
                got = resources_bits_clip(c, nw, lo, hi);
                good &= (got == want);

                for (d = 0; d < nw * 64; d++) {
                    good &= (((c[d / 64] >> (d % 64)) & 1)
                             == ((d >= lo && d < hi) ? (a[d / 64] >> (d % 64)) & 1
                                                     : 0));
                }
            }

            ok(good, "bitmaps: and, and_count, count_range, clip (2000 rounds, %s)",
               how);

            /*
             * pair counts: n bitmaps (unaligned), nw words across tiles of
             * RESOURCES_PAIRS_TILE, the rows shared out in 1 to 4 parts,
             * against counts bit by bit
             */

            good = 1;

            for (round2 = 0; round2 < 60; round2++) {
                size_t     pn, pw, i2, j2, q, parts, plo, phi, next;
                u_char    *mem;
                uint32_t  *table;
                const u_char  *pb[24];

                pn = 1 + (size_t) rand() % 24;
                pw = 1 + (size_t) rand() % (3 * RESOURCES_PAIRS_TILE);
                mem = malloc(pn * pw * 8 + 1);
                table = malloc(pn * (pn + 1) / 2 * sizeof(uint32_t));

                for (i2 = 0; i2 < pn * pw * 8; i2++) {
                    mem[1 + i2] = (u_char) (rand() & rand() & 0xff);
                }

                for (i2 = 0; i2 < pn; i2++) {
                    pb[i2] = mem + 1 + i2 * pw * 8;
                }

                parts = 1 + (size_t) rand() % 4;
                next = 0;

                for (q = 0; q < parts; q++) {
                    resources_pair_rows(pn, (unsigned) q, (unsigned) parts,
                                        &plo, &phi);
                    good &= (plo == next && phi >= plo);
                    next = phi;
                    resources_bits_pairs(pb, pn, pw, plo, phi, table);
                }

                good &= (next == pn);

                for (i2 = 0; i2 < pn; i2++) {
                    for (j2 = i2; j2 < pn; j2++) {
                        want = 0;

                        for (d = 0; d < pw * 8; d++) {
                            want += (size_t) __builtin_popcount(
                                        pb[i2][d] & pb[j2][d]);
                        }

                        good &= (table[resources_pair_index(pn, i2, j2)]
                                 == want);
                    }

                    want = 0;

                    for (d = 0; d < pw * 8; d++) {
                        want += (size_t) __builtin_popcount(pb[i2][d]);
                    }

                    good &= (resources_bits_count(pb[i2], pw) == want);
                }

                free(mem);
                free(table);
            }

            ok(good, "bitmaps: pair counts, rows in parts (60 rounds, %s)",
               how);

            /* the AND of 1 to 3 bitmaps, unwritten: count and pages */

            good = 1;

            for (round2 = 0; round2 < 3000; round2++) {
                const u_char  *bm[3];
                u_char         raw3[3][40 * 8 + 1];
                uint32_t       page[64 * 40], all[64 * 40];
                size_t         nb, nall, off, lim, m, q;

                nw = 1 + (size_t) ((size_t) rand() % 40);
                nb = 1 + (size_t) ((size_t) rand() % 3);

                for (q = 0; q < nb; q++) {
                    for (w = 0; w < nw; w++) {
                        c[w] = (uint64_t) rand() << 33 ^ (uint64_t) rand() << 2
                               ^ (uint64_t) rand();
                    }

                    memcpy(raw3[q] + (q & 1), c, nw * 8);
                    bm[q] = raw3[q] + (q & 1);
                }

                lo = (size_t) ((size_t) rand() % (nw * 64));
                hi = lo + 1 + (size_t) ((size_t) rand() % (nw * 64 - lo));

                nall = 0;
                for (d = lo; d < hi; d++) {
                    int  in = 1;

                    for (q = 0; q < nb; q++) {
                        memcpy(&c[0], bm[q] + (d / 64) * 8, 8);
                        in &= (int) ((c[0] >> (d % 64)) & 1);
                    }

                    if (in) {
                        all[nall++] = (uint32_t) d;
                    }
                }

                good &= (resources_bits_and_many_count(bm, nb, lo, hi) == nall);

                off = (size_t) rand() % (nall + 2);
                lim = (size_t) rand() % 70;

                m = resources_bits_and_many_page(bm, nb, lo, hi, off, lim, page);
                want = off < nall ? (nall - off < lim ? nall - off : lim) : 0;
                good &= (m == want);

                for (q = 0; q < m && q < want; q++) {
                    good &= (page[q] == all[off + q]);
                }
            }

            ok(good, "bitmaps: AND of 1 to 3, count and page (3000 rounds, %s)",
               how);
        }
    }

    test_slots(resources_bits_avx2(1) ? "avx2" : "word by word");

    resources_bits_avx2(0);
    test_slots("word by word");

    /* a union's bytes as a list: against a plain loop */

    {
        static u_char    best[1000];
        static uint32_t  got[1000], want[1000];
        size_t           len, i, n, m, bad;
        uint64_t         x;

        bad = 0;
        x = 7;

        for (len = 0; len < 1000; len += 37) {
            for (i = 0; i < len; i++) {
                x = x * 6364136223846793005ULL + 1442695040888963407ULL;
                best[i] = ((x >> 40) % 3 == 0) ? (u_char) (1 + (x >> 50) % 4)
                                                : 0;
            }

            for (i = 0, m = 0; i < len; i++) {
                if (best[i]) {
                    want[m++] = (uint32_t) i << 2 | (best[i] - 1u);
                }
            }

            n = resources_dense_list(best, (uint32_t) len, got);

            if (n != m || (n && memcmp(got, want, n * sizeof(uint32_t)))) {
                bad++;
            }
        }

        ok(bad == 0, "resources_dense_list: the set bytes in docno order");
    }

    return tap_done();
}
