/*
 * Copyright (C) ngx_http_resources authors
 *
 * Posting lists: sorted arrays of u32 entries (docno << 2 | field), read
 * straight from the snapshot (unaligned) or from memory.  Nothing here
 * allocates; the caller sizes the output arrays (the smallest input for an
 * intersection, the sum of the inputs for a union).
 *
 * Caveat, first: a list read from the snapshot may be corrupt (issue #20:
 * nothing read from the file is used as an index before it is checked).
 * Every function below reads only entries [0, n) of its lists and writes
 * only inside the arrays it is given, whatever the entries hold: those
 * that index an array with a docno take its bound (ndocs, hi, or a
 * bitmap's words) and never index past it.  Where a function can tell
 * that a list breaks the layout it says so: RESOURCES_CORRUPT (a size_t
 * function) or -1 (an int one); the caller then answers 500 and logs the
 * snapshot's path once.  The exceptions, kept until the module calls the
 * bounded forms: resources_union_dense() (use _bounded).
 */

#ifndef _RESOURCES_POSTINGS_H_INCLUDED_
#define _RESOURCES_POSTINGS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>


/* lists one intersection takes at most */
#define RESOURCES_INTERSECT_MAX  32

/* what a size_t function returns for a list that breaks the layout */
#define RESOURCES_CORRUPT        ((size_t) -1)


typedef struct {
    const u_char  *data;      /* n u32 entries, any alignment */
    size_t         n;
    unsigned       scored:1;  /* a query word: add its field weight */
} resources_posting_t;


/* the score of a word found in a field: title > keywords > summary > body */
extern const uint32_t  resources_field_weight[4];


/*
 * The galloping search of every sorted array of the store (posting lists,
 * and the keys, arrays and runs of src/resources_containers.c): the first
 * index i >= from of the n keys key(base, i) with key(base, i) >= v, or n.
 * Steps double from "from" until a key is v or more, then a binary search
 * between the last two: O(log d) for a distance d, so that a walk by short
 * hops stays linear.  Reads only keys [from, n) (keys out of order give
 * some index in [from, n]).  Inline, so that key is inlined where it is
 * used.
 */

typedef uint32_t (*resources_key_pt)(const u_char *base, size_t i);

static inline size_t
resources_gallop_keys(const u_char *base, size_t n, size_t from, uint32_t v,
    resources_key_pt key)
{
    size_t  lo, hi, step, mid;

    if (from >= n || key(base, from) >= v) {
        return from;
    }

    /* key[from] < v: find hi with key[hi] >= v by doubling */

    lo = from;
    step = 1;

    for ( ;; ) {
        hi = lo + step;

        if (hi >= n) {
            hi = n;
            break;
        }

        if (key(base, hi) >= v) {
            break;
        }

        lo = hi;
        step <<= 1;
    }

    /* key[lo] < v, key[hi] >= v (or hi == n) */

    while (hi - lo > 1) {
        mid = lo + (hi - lo) / 2;

        if (key(base, mid) >= v) {
            hi = mid;

        } else {
            lo = mid;
        }
    }

    return hi;
}

/* First index i >= from with docno(list[i]) >= docno, or n (as above) */
size_t resources_gallop(const u_char *data, size_t n, size_t from,
    uint32_t docno);

/*
 * Docnos in every list and in [lo, hi), in increasing order, into out.
 * When score is not NULL, score[k] is the sum, over the scored lists, of
 * the weight of the field of out[k].  The lists are reordered (smallest
 * first).  Returns the number of docnos written, at most the length of
 * the smallest list.  Whatever the lists hold, the docnos written are
 * strictly increasing and in [lo, hi) (entries of the smallest list that
 * do not increase are skipped): the caller may index arrays of hi entries
 * with them.
 */
size_t resources_intersect(resources_posting_t *lists, size_t nlists,
    uint32_t lo, uint32_t hi, uint32_t *out, uint32_t *score);

/*
 * The same, also keeping only the docnos d with dense[d] != 0, and adding
 * the weight of field dense[d] - 1 to their score: dense is the union of
 * a query word's expansions, from resources_union_dense_bounded() (hi
 * bytes at least: only dense[lo .. hi) is read).
 */
size_t resources_intersect_dense(resources_posting_t *lists, size_t nlists,
    uint32_t lo, uint32_t hi, const u_char *dense, uint32_t *out,
    uint32_t *score);

/*
 * The union of the lists as one byte per docno: best[d] is 1 + the best
 * field of docno d in them, or left 0 (best: ndocs bytes, zeroed by the
 * caller).  In O(entries), for unions too large to sort.  0, or -1 when
 * an entry's docno is ndocs or more (the snapshot is corrupt): such
 * entries are skipped, nothing is written outside best[0 .. ndocs).
 */
int resources_union_dense_bounded(const resources_posting_t *lists,
    size_t nlists, u_char *best, uint32_t ndocs);

/*
 * The union best[0 .. ndocs) (as resources_union_dense_bounded() makes
 * it) as a list: entries docno << 2 | field in docno order, into out
 * (room for every docno set); returns how many.  A counting sort: for a
 * union of many lists that is the only list of a query.
 */
size_t resources_dense_list(const u_char *best, uint32_t ndocs,
    uint32_t *out);

/*
 * The same without a bound: for lists known to be good only (made in
 * memory).  Every docno indexes best: a corrupt posting from the
 * snapshot writes outside it (issue #20).  Kept until the module calls
 * the bounded form; do not add callers.
 */
void resources_union_dense(const resources_posting_t *lists, size_t nlists,
    u_char *best);

/*
 * The union of the lists, as entries (docno << 2 | best field) in
 * increasing order, into out (room for the sum of the n's; work is as
 * large).  Returns the number of entries written.  The entries are copied
 * as they are: from a corrupt snapshot a docno may be ndocs or more (the
 * intersections bound what they give by hi; a page read straight from
 * the union goes through resources_snapshot_record(), which refuses it).
 */
size_t resources_union(const resources_posting_t *lists, size_t nlists,
    uint32_t *out, uint32_t *work);

/*
 * Puts the k smallest of keys[0 .. n) in keys[0 .. k), in increasing
 * order (the rest is left in no order), in O(n log k) and in place.
 */
void resources_select_u64(uint64_t *keys, size_t n, size_t k);

/*
 * Sorts n u32, all at most max, in place, with work as large: an LSD radix
 * sort on 11 bits a pass, as many passes as max needs, in O(n) a pass; an
 * insertion sort below 64 entries.
 */
void resources_sort_u32(uint32_t *a, size_t n, uint32_t *work, uint32_t max);


/*
 * Bitmaps: bit d of word d / 64 (bit d % 64) stands for docno d.  "acc" is
 * an aligned array of the caller's; "bits" may be any alignment (a bitmap
 * in the map: LMDB aligns values to 2 bytes).  With gcc on x86-64 the loops
 * use the POPCNT instruction where the CPU has it (chosen at load time).
 */

/*
 * The counts over two bitmaps use AVX2 where the CPU has it (the default);
 * resources_bits_avx2(0) turns it off, for tests.  Returns whether it is
 * now in use.
 */
int resources_bits_avx2(int on);

/* acc[w] &= bits[w] for w < nw; returns the bits left set */
size_t resources_bits_and(uint64_t *acc, const u_char *bits, size_t nw);

/* the bits set in both acc and bits */
size_t resources_bits_and_count(const uint64_t *acc, const u_char *bits,
    size_t nw);

/*
 * Pair counts: for n bitmaps of nw words (any alignment), the bits set in
 * both bitmap i and bitmap j, for i <= j (i == j: the bitmap's own count),
 * as the upper triangle of an n x n table, row after row:
 * resources_pair_index(n, i, j) entries, n (n + 1) / 2 in all.
 * resources_bits_pairs() fills rows [lo, hi) of counts, and
 * resources_pair_rows() says which rows make part p of nparts with about
 * as many counts each (so that threads share the rows out); each count
 * must fit in a u32.
 */
#define RESOURCES_PAIRS_TILE  256       /* words of each bitmap at a time */

static inline size_t
resources_pair_index(size_t n, size_t i, size_t j)
{
    return i * (2 * n - i + 1) / 2 + (j - i);
}

void resources_bits_pairs(const u_char **bits, size_t n, size_t nw,
    size_t lo, size_t hi, uint32_t *counts);
void resources_pair_rows(size_t n, unsigned part, unsigned nparts,
    size_t *lo, size_t *hi);

/*
 * The docnos of a posting (p->n entries, any alignment) whose bit is set
 * in bits (RESOURCES_BITMAP_WORDS(ndocs) words): the count of a rare
 * term's facet over a result bitmap.  RESOURCES_CORRUPT when an entry's
 * docno is ndocs or more (nothing is read past the bitmap).
 */
size_t resources_bits_count_posting(const uint64_t *bits, uint32_t ndocs,
    const resources_posting_t *p);

/* the bits set in a bitmap of nw words (any alignment) */
size_t resources_bits_count(const u_char *bits, size_t nw);

/* the bits of acc set in [lo, hi) */
size_t resources_bits_count_range(const uint64_t *acc, size_t lo,
    size_t hi);

/*
 * The AND of nb bitmaps (any alignment), without writing it: the bits set
 * in [lo, hi), and the docnos of the (offset + 1)-th to (offset + limit)-th
 * of them into out (returns how many); lo < hi <= 64 * words
 */
size_t resources_bits_and_many_count(const u_char **bits, size_t nb,
    size_t lo, size_t hi);
size_t resources_bits_and_many_page(const u_char **bits, size_t nb,
    size_t lo, size_t hi, size_t offset, size_t limit, uint32_t *out);

/* keeps only the bits in [lo, hi) of acc (nw words); returns how many */
size_t resources_bits_clip(uint64_t *acc, size_t nw, size_t lo, size_t hi);

/*
 * Several words read as one (a prefix's words: the loader's unions, the
 * module's rare words).  acc holds four bitmaps of nw words: the docnos,
 * the field's high bit, its low bit, the title; resources_bits_fields_add()
 * ORs n entries (docno << 2 | field, u32s, any alignment) into them, and
 * resources_bits_fields_low() then makes the low bit read as in one word
 * whose field in a docno is the best of theirs: the title's (in one of
 * them), or the summary's where none has the high bit.  A keyword in one
 * and a summary in another is not a title.  fields_add returns 0, or -1
 * when an entry's docno is 64 * nw or more (a corrupt snapshot): such
 * entries are skipped.  Docnos in [ndocs, 64 * nw) set bits that the
 * range [lo, hi) of every count and page clears.
 */
int resources_bits_fields_add(uint64_t *acc, size_t nw, const u_char *p,
    size_t n);
void resources_bits_fields_low(uint64_t *acc, size_t nw);

/*
 * Slots: a slot is the OR of its n bitmaps (a keyword, a type, a word, the
 * words a prefix starts), the result the AND of the slots.  A scored slot
 * (a word of q) also has, for each of its terms, the docnos whose field in
 * it has the high bit (keyword, title) and the low bit (summary, title)
 * set, as bitmaps: hi[j] and lo[j]; other slots have hi NULL.
 */

#define RESOURCES_TOP_SLOTS   3                   /* scored slots, at most */
#define RESOURCES_TOP_TUPLES  64                  /* 4 ^ RESOURCES_TOP_SLOTS */

typedef struct {
    const u_char  **bits;
    const u_char  **hi;
    const u_char  **lo;
    size_t          n;
} resources_bits_slot_t;

/* the docnos of the result in [lo, hi) */
size_t resources_bits_slots_count(const resources_bits_slot_t *slots,
    size_t ns, size_t lo, size_t hi);

/*
 * The first k docnos of the result in [lo, hi) by relevance: the sum, over
 * the scored slots, of the weight of the slot's best field in the docno
 * (resources_field_weight), highest first, then by docno; into out, and
 * returns how many (fewer than k: the whole result).  In O(levels * words)
 * at worst, usually much less: each level is scanned in docno order until
 * the page is full.  Returns 0 with more than RESOURCES_TOP_SLOTS scored
 * slots.
 */
size_t resources_bits_slots_top(const resources_bits_slot_t *slots,
    size_t ns, size_t lo, size_t hi, size_t k, uint32_t *out);


#endif /* _RESOURCES_POSTINGS_H_INCLUDED_ */
