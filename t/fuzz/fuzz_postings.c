/*
 * Copyright (C) ngx_http_resources authors
 *
 * libFuzzer target: src/resources_postings.c (the module's list algebra)
 * against plain reference implementations: resources_gallop(),
 * resources_intersect() (with scores), resources_union(),
 * resources_sort_u32(), resources_select_u64(), and the bitmap slots
 * (resources_bits_slots_count(), resources_bits_slots_top()) over bitmaps
 * made from the same lists.
 *
 * The input makes up to 8 posting lists (strictly increasing docnos, any
 * field), stored at odd addresses ("any alignment", resources_postings.h),
 * a docno range and some keys.  Output arrays are exactly as large as the
 * header asks (intersection: the smallest list; union: the sum of the
 * lists, work as large), so that AddressSanitizer sees a write past them.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resources_postings.h"
#include "resources_store.h"


#include "fuzz.h"

#define FUZZ_LISTS_MAX  8


static uint32_t
fuzz_u32(const uint8_t *p)
{
    return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16
           | (uint32_t) p[3] << 24;
}


static uint32_t
fuzz_entry(const resources_posting_t *p, size_t i)
{
    return resources_get_u32(p->data + i * sizeof(uint32_t));
}


static int
fuzz_cmp_u32(const void *a, const void *b)
{
    uint32_t  x = *(const uint32_t *) a, y = *(const uint32_t *) b;

    return (x > y) - (x < y);
}


static int
fuzz_cmp_u64(const void *a, const void *b)
{
    uint64_t  x = *(const uint64_t *) a, y = *(const uint64_t *) b;

    return (x > y) - (x < y);
}


/* the entry of docno in p, or -1 */

static int64_t
fuzz_find(const resources_posting_t *p, uint32_t docno)
{
    size_t  i;

    for (i = 0; i < p->n; i++) {
        if (RESOURCES_DOCNO(fuzz_entry(p, i)) == docno) {
            return fuzz_entry(p, i);
        }
    }

    return -1;
}


/*
 * The slots: list i in slot i % nslots, a slot the OR of its lists, the
 * result the AND of the slots; up to RESOURCES_TOP_SLOTS slots scored (the
 * best field of the docno among the slot's lists).  Bitmaps made from the
 * lists (presence, field & 2, field & 1) at odd addresses; the reference is
 * a table of every docno's best field in each slot.
 */

static void
fuzz_slots(const resources_posting_t *lists, size_t nlists, uint8_t first,
    uint8_t flags, uint32_t lo, uint32_t hi)
{
    int                     *best, f;
    size_t                   nslots, nscored, nw, i, j, s, d, n, k, got;
    uint32_t                 e, docs, score, *out;
    uint64_t                *keys, bit;
    u_char                  *raw;
    const u_char           **ptrs;
    resources_bits_slot_t    slots[FUZZ_LISTS_MAX];

    nslots = 1 + (size_t) (first >> 3) % nlists;

    for (i = 0, docs = 1; i < nlists; i++) {
        if (lists[i].n) {
            e = fuzz_entry(&lists[i], lists[i].n - 1);
            docs = RESOURCES_DOCNO(e) + 1 > docs ? RESOURCES_DOCNO(e) + 1
                                                 : docs;
        }
    }

    nw = RESOURCES_BITMAP_WORDS(docs);

    raw = calloc(nlists * 3, nw * sizeof(uint64_t) + 1);
    ptrs = malloc(nlists * 3 * sizeof(u_char *));
    best = malloc(nslots * nw * 64 * sizeof(int));
    check(raw != NULL && ptrs != NULL && best != NULL);

    for (i = 0; i < nslots * nw * 64; i++) {
        best[i] = -1;
    }

    /* each list's three bitmaps; the lists of a slot one after the other */

    for (s = 0, k = 0; s < nslots; s++) {
        slots[s].n = 0;
        slots[s].bits = &ptrs[3 * k];

        for (i = s; i < nlists; i += nslots) {
            slots[s].n++;
            k++;
        }

        slots[s].hi = slots[s].bits + slots[s].n;
        slots[s].lo = slots[s].hi + slots[s].n;
    }

    for (s = 0, nscored = 0; s < nslots; s++) {
        if (((flags >> s) & 1) && nscored < RESOURCES_TOP_SLOTS) {
            nscored++;

        } else {
            slots[s].hi = NULL;
            slots[s].lo = NULL;
        }

        for (j = 0, i = s; i < nlists; i += nslots, j++) {
            u_char  *b[3];

            for (k = 0; k < 3; k++) {
                b[k] = raw + (i * 3 + k) * (nw * sizeof(uint64_t) + 1) + 1;
            }

            slots[s].bits[j] = b[0];

            if (slots[s].hi) {
                slots[s].hi[j] = b[1];
                slots[s].lo[j] = b[2];
            }

            for (n = 0; n < lists[i].n; n++) {
                e = fuzz_entry(&lists[i], n);
                d = RESOURCES_DOCNO(e);
                f = (int) RESOURCES_FIELD(e);
                bit = (uint64_t) 1 << (d % 64);

                for (k = 0; k < 3; k++) {
                    uint64_t  w;

                    if ((k == 1 && !(f & 2)) || (k == 2 && !(f & 1))) {
                        continue;
                    }

                    memcpy(&w, b[k] + d / 64 * 8, 8);
                    w |= bit;
                    memcpy(b[k] + d / 64 * 8, &w, 8);
                }

                if (f > best[s * nw * 64 + d]) {
                    best[s * nw * 64 + d] = f;
                }
            }
        }
    }

    hi = hi < nw * 64 ? hi : (uint32_t) (nw * 64);

    /* the reference: every docno in [lo, hi) in every slot, its score */

    keys = malloc((nw * 64 + 1) * sizeof(uint64_t));
    out = malloc((nw * 64 + 3) * sizeof(uint32_t));
    check(keys != NULL && out != NULL);

    n = 0;

    for (d = lo; d < hi; d++) {
        score = 0;

        for (s = 0; s < nslots; s++) {
            f = best[s * nw * 64 + d];

            if (f < 0) {
                break;
            }

            if (slots[s].hi) {
                score += resources_field_weight[f];
            }
        }

        if (s == nslots) {
            keys[n++] = (uint64_t) (UINT32_MAX - score) << 32 | d;
        }
    }

    qsort(keys, n, sizeof(uint64_t), fuzz_cmp_u64);

    check(resources_bits_slots_count(slots, nslots, lo, hi) == (lo < hi ? n
                                                                      : 0));

    if (nscored > 0 && lo < hi) {
        k = (first & 1) ? n + 2 : 1 + first % 37;

        got = resources_bits_slots_top(slots, nslots, lo, hi, k, out);

        check(got == (k < n ? k : n));

        for (i = 0; i < got; i++) {
            check(out[i] == (uint32_t) keys[i]);
        }
    }

    free(keys);
    free(out);
    free(best);
    free(ptrs);
    free(raw);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    u_char               *mem[FUZZ_LISTS_MAX];
    uint8_t               first, flags;
    size_t                nlists, i, j, k, n, chunk, min, sum, got, exp;
    uint32_t              lo, hi, docno, e, s, *out, *score, *work, *ref;
    uint64_t             *keys, *sorted;
    int64_t               x;
    resources_posting_t   lists[FUZZ_LISTS_MAX], orig[FUZZ_LISTS_MAX];

    if (size < 10) {
        return 0;
    }

    first = data[0];
    flags = data[1];
    nlists = 1 + first % FUZZ_LISTS_MAX;
    lo = fuzz_u32(data + 2) % 4096;
    hi = fuzz_u32(data + 6) % 4096;

    if (flags & 0x80) {
        hi = UINT32_MAX >> 2;
    }

    data += 10;
    size -= 10;

    /* the lists: each byte a step (1 .. 64 docnos) and a field */

    chunk = size / nlists;

    for (i = 0; i < nlists; i++) {
        const uint8_t  *p = data + i * chunk;

        n = chunk;
        mem[i] = malloc(n * sizeof(uint32_t) + 1);
        check(mem[i] != NULL);

        docno = (flags & 0x40) ? 0 : (uint32_t) i;

        for (j = 0; j < n; j++) {
            docno += (p[j] >> 2) + (j > 0 || (flags & 0x40) == 0);
            e = docno << 2 | (p[j] & 3);
            memcpy(mem[i] + 1 + j * sizeof(uint32_t), &e, sizeof(e));
        }

        lists[i].data = mem[i] + 1;     /* odd address */
        lists[i].n = n;
        lists[i].scored = (flags >> i) & 1;
        orig[i] = lists[i];
    }

    /* gallop, against a linear search */

    for (i = 0; i < nlists; i++) {
        for (j = 0; j <= lists[i].n; j += 1 + lists[i].n / 7) {
            docno = j < lists[i].n ? RESOURCES_DOCNO(fuzz_entry(&lists[i], j))
                                   : 0;
            for (k = 0; k < 3; k++) {
                uint32_t  d = docno + (uint32_t) k - 1;
                size_t    from = j / 2, r;

                got = resources_gallop(lists[i].data, lists[i].n, from, d);

                for (r = from; r < lists[i].n
                               && RESOURCES_DOCNO(fuzz_entry(&lists[i], r)) < d;
                     r++)
                { /* void */ }

                check(got == r);
            }
        }
    }

    /* intersection, against the definition */

    min = SIZE_MAX;
    sum = 0;

    for (i = 0; i < nlists; i++) {
        min = lists[i].n < min ? lists[i].n : min;
        sum += lists[i].n;
    }

    out = malloc(min * sizeof(uint32_t));
    score = malloc(min * sizeof(uint32_t));
    check(out != NULL && score != NULL);

    got = resources_intersect(lists, nlists, lo, hi, out, score);

    exp = 0;

    if (lo < hi) {
        for (j = 0; j < orig[0].n; j++) {
            docno = RESOURCES_DOCNO(fuzz_entry(&orig[0], j));

            if (docno < lo || docno >= hi) {
                continue;
            }

            s = 0;

            for (i = 0; i < nlists; i++) {
                x = fuzz_find(&orig[i], docno);
                if (x < 0) {
                    break;
                }

                if (orig[i].scored) {
                    s += resources_field_weight[RESOURCES_FIELD((uint32_t) x)];
                }
            }

            if (i < nlists) {
                continue;
            }

            check(exp < got);
            check(out[exp] == docno);
            check(score[exp] == s);
            exp++;
        }
    }

    check(got == exp);

    free(out);
    free(score);

    /* union, against the definition: every docno, its best field */

    out = malloc(sum * sizeof(uint32_t));
    work = malloc(sum * sizeof(uint32_t));
    ref = malloc(sum * sizeof(uint32_t));
    check(out != NULL && work != NULL && ref != NULL);

    got = resources_union(orig, nlists, out, work);

    n = 0;
    for (i = 0; i < nlists; i++) {
        for (j = 0; j < orig[i].n; j++) {
            ref[n++] = fuzz_entry(&orig[i], j);
        }
    }

    qsort(ref, n, sizeof(uint32_t), fuzz_cmp_u32);

    for (i = 0, exp = 0; i < n; i++) {
        if (exp > 0 && RESOURCES_DOCNO(ref[exp - 1]) == RESOURCES_DOCNO(ref[i]))
        {
            ref[exp - 1] = ref[i];      /* sorted: the later is the better */
            continue;
        }

        ref[exp++] = ref[i];
    }

    check(got == exp);
    check(memcmp(out, ref, got * sizeof(uint32_t)) == 0);

    /* radix sort, against qsort, on the raw bytes */

    n = size / sizeof(uint32_t);

    {
        uint32_t  *a = malloc(n * sizeof(uint32_t) + 1);
        uint32_t  *w = malloc(n * sizeof(uint32_t) + 1);
        uint32_t  *b = malloc(n * sizeof(uint32_t) + 1);
        uint32_t   max = (flags & 0x10) ? 0xffff : UINT32_MAX;

        check(a != NULL && w != NULL && b != NULL);

        /* all 32 bits, or below 2^16 (two passes) */

        for (i = 0; i < n; i++) {
            a[i] = b[i] = fuzz_u32(data + i * 4) & max;
        }

        resources_sort_u32(a, n, w, max);
        qsort(b, n, sizeof(uint32_t), fuzz_cmp_u32);
        check(memcmp(a, b, n * sizeof(uint32_t)) == 0);

        free(a);
        free(w);
        free(b);
    }

    /* selection of the k smallest, against a sort */

    n = size / sizeof(uint64_t);
    keys = malloc(n * sizeof(uint64_t) + 1);
    sorted = malloc(n * sizeof(uint64_t) + 1);
    check(keys != NULL && sorted != NULL);

    for (i = 0; i < n; i++) {
        keys[i] = (uint64_t) fuzz_u32(data + i * 8) << 32
                  | fuzz_u32(data + i * 8 + 4);

        if (flags & 0x20) {
            keys[i] &= 0x0f;        /* many ties */
        }

        sorted[i] = keys[i];
    }

    qsort(sorted, n, sizeof(uint64_t), fuzz_cmp_u64);

    k = n ? first % (n + 2) : first % 2;

    resources_select_u64(keys, n, k);

    if (k > n) {
        k = n;
    }

    check(memcmp(keys, sorted, k * sizeof(uint64_t)) == 0);

    /* the rest is still the same multiset */

    qsort(keys, n, sizeof(uint64_t), fuzz_cmp_u64);
    check(memcmp(keys, sorted, n * sizeof(uint64_t)) == 0);

    free(keys);
    free(sorted);
    free(out);
    free(work);
    free(ref);

    fuzz_slots(orig, nlists, first, flags, lo, hi);

    for (i = 0; i < nlists; i++) {
        free(mem[i]);
    }

    return 0;
}
