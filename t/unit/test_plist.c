/*
 * Copyright (C) ngx_http_resources authors
 *
 * The loader's posting lists being built (resources_plist_t,
 * src/loader/resources_util.h): what goes in comes out, ordinals and
 * fields, whatever the gaps (a byte each up to 31, five bytes for the
 * largest), across the heap and the mapped sizes of their memory.
 */

#include <stdint.h>
#include <stdlib.h>

#include "tap.h"
#include "resources_util.h"


/* a small deterministic generator (xorshift64) */

static uint64_t  seed = 0x9e3779b97f4a7c15ULL;

static uint64_t
next_rand(void)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;

    return seed;
}


/*
 * n entries whose gaps are drawn below 2^bits (capped so that the last
 * ordinal stays below 2^30); checks the round trip and the encoded size
 */

static void
round_trip(const char *name, uint32_t n, unsigned bits)
{
    int                 same;
    size_t              want_len;
    uint32_t            i, ord, gap, v, *in, *out;
    resources_plist_t   l;

    in = malloc((n + 1) * sizeof(uint32_t));
    out = malloc((n + 1) * sizeof(uint32_t));

    memset(&l, 0, sizeof(resources_plist_t));

    ord = 0;
    want_len = 0;

    for (i = 0; i < n; i++) {
        gap = (uint32_t) (next_rand() & (((uint64_t) 1 << bits) - 1));

        if (i > 0 && ord + 1 + gap >= ((uint32_t) 1 << 30) - n) {
            gap = 0;
        }

        ord = (i == 0) ? gap : ord + 1 + gap;
        in[i] = ord << 2 | (uint32_t) (next_rand() & 3);

        resources_plist_add(&l, ord, in[i] & 3);

        /* the varint of (gap << 2 | field): 7 bits a byte */

        v = gap << 2 | (in[i] & 3);

        do {
            want_len++;
            v >>= 7;
        } while (v);
    }

    is_int(l.n, n, "%s: %u entries counted", name, n);
    is_int(l.len, want_len, "%s: %zu bytes", name, want_len);

    resources_plist_decode(&l, out);

    same = 1;

    for (i = 0; i < n; i++) {
        if (out[i] != in[i]) {
            printf("#   entry %u: got %u << 2 | %u, want %u << 2 | %u\n", i,
                 out[i] >> 2, out[i] & 3, in[i] >> 2, in[i] & 3);
            same = 0;
            break;
        }
    }

    ok(same, "%s: every ordinal and field back", name);

    resources_plist_free(&l);
    ok(l.data == NULL && l.n == 0 && l.len == 0 && l.cap == 0,
       "%s: freed", name);

    free(in);
    free(out);
}


int
main(void)
{
    uint32_t           i;
    resources_plist_t  l;

    /* the sizes of one entry */

    memset(&l, 0, sizeof(resources_plist_t));

    resources_plist_add(&l, 0, 1);
    is_int(l.len, 1, "ordinal 0: one byte");
    resources_plist_add(&l, 32, 2);
    is_int(l.len, 2, "a gap of 31: one byte");
    resources_plist_add(&l, 65, 3);
    is_int(l.len, 4, "a gap of 32: two bytes");
    resources_plist_add(&l, ((uint32_t) 1 << 30) - 1, 3);
    is_int(l.len, 9, "the largest ordinal after 65: five bytes");
    is_int(l.next, (uint32_t) 1 << 30, "next: after the last");

    {
        uint32_t  out[4];

        resources_plist_decode(&l, out);
        is_int(out[0], 0 << 2 | 1, "decoded: 0, body");
        is_int(out[1], 32 << 2 | 2, "decoded: 32");
        is_int(out[2], 65 << 2 | 3, "decoded: 65");
        is_int(out[3], (((uint32_t) 1 << 30) - 1) << 2 | 3,
               "decoded: 2^30 - 1");
    }

    resources_plist_free(&l);

    /* an entry for every ordinal: a byte each */

    memset(&l, 0, sizeof(resources_plist_t));

    for (i = 0; i < 100000; i++) {
        resources_plist_add(&l, i, i & 3);
    }

    is_int(l.len, 100000, "consecutive ordinals: a byte each");
    ok(l.cap >= l.len && (l.cap & (l.cap - 1)) == 0,
       "the capacity is a power of 2 (%u)", l.cap);
    resources_plist_free(&l);

    /* gaps of every size; lists on the heap and mapped (256 KiB on) */

    round_trip("tiny gaps", 1000, 3);
    round_trip("one-byte gaps", 300000, 5);
    round_trip("two-byte gaps", 200000, 12);
    round_trip("mixed gaps", 100000, 20);
    round_trip("huge gaps", 1000, 30);
    round_trip("a million entries", 1000000, 4);

    return tap_done();
}
