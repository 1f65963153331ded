/*
 * Copyright (C) ngx_http_resources authors
 *
 * The word list of a snapshot ("meta" "words", RESOURCES_HEADER_WORDS),
 * and the typo derivations of a query word found in it (issue #22).
 *
 * Caveats first: the list is read in place, from the map; every pointer
 * resources_typos_check() sets and every word a walk hands to its
 * handler points into the value, valid while the read transaction that
 * found it is (the module's request, the loader's verification).  Nothing
 * is allocated.  Distances count bytes of folded, stemmed words (the
 * loader's words are ASCII but for the rare letter that folding keeps).
 *
 * The layout, in host byte order as the rest of the snapshot, 4-aligned
 * (LMDB values are):
 *
 *     u32 magic "RWDS", u32 n (words), u32 bytes (of their text)
 *     u32 off[n + 1]      word i is text[off[i] .. off[i + 1]);
 *                         off[0] = 0, off[n] = bytes, increasing
 *     u8  flags[n]        RESOURCES_TYPOS_PUBLIC: in a public record
 *     u8  text[bytes]     the words (folded, stemmed: the keys of their
 *                         postings), in LMDB's key order (memcmp, then
 *                         length), each at most RESOURCES_WORD_MAX bytes
 *     zeros to a multiple of 4
 *     u32 nf (forms), u32 fbytes
 *     u32 foff[nf + 1], u32 stem[nf] (the index of its word), u8
 *     fflags[nf], u8 ftext[fbytes]: the word forms as the texts have
 *     them (folded, not stemmed; "tierslieux" for "tiers-lieux" too), in
 *     the same order, each with its word
 *
 * Typos and prefixes are matched against the forms (a visitor types
 * "monaie", one edit from the form "monnaie", where the stems "mona" and
 * "monna" are too short to allow one); what a form gives is its word.
 *
 * The typo index ("meta" "typoix", RESOURCES_HEADER_TYPOIX): a table of
 * one-deletion keys (SymSpell's symmetric deletions, Wolf Garbe), so that
 * a word's one-typo derivations are a few hash probes instead of a walk.
 * Its nodes are the distinct prefixes of 4 bytes or more of the forms
 * (whole forms among them); a node's keys are itself and itself less one
 * byte, never the first (the first byte is fixed, as the walk has it).
 * Two strings within one edit (optimal string alignment) share a key: the
 * query's keys are probed, and what they find is verified.  The layout,
 * host byte order, 4-aligned:
 *
 *     u32 magic "RTIX", u32 bits (B, 4 to 24), u32 n (entries), u32 0
 *     u32 start[2^B + 1]  the entries of bucket b are [start[b],
 *                         start[b + 1]); start[0] = 0, start[2^B] = n
 *     u32 check[n]        a key's hash, its low 32 bits (its bucket: the
 *                         top B bits of the 64, resources_typos_hash())
 *     u32 ref[n]          the node: (its first form << 8) | its length;
 *                         the first form of the list that starts with
 *                         the node, which is at most that form's length
 *
 * A damaged table can lose derivations, never read out of bounds:
 * resources_typos_index_check() checks every bound and node.
 */

#ifndef _RESOURCES_TYPOS_H_INCLUDED_
#define _RESOURCES_TYPOS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>


#define RESOURCES_TYPOS_MAGIC      0x53445752      /* "RWDS" */
#define RESOURCES_TYPOS_IX_MAGIC   0x58495452      /* "RTIX" */
#define RESOURCES_TYPOS_IX_NODE    4    /* the shortest node, in bytes */
#define RESOURCES_TYPOS_IX_BITS_MIN  4  /* buckets: 2^4 to 2^24 */
#define RESOURCES_TYPOS_IX_BITS_MAX  24
#define RESOURCES_TYPOS_IX_MAX     (1u << 28)   /* entries, at most */
#define RESOURCES_TYPOS_PUBLIC     0x01

/* Meilisearch's defaults: 1 typo from 5 bytes, 2 from 9 */
#define RESOURCES_TYPOS_ONE        5
#define RESOURCES_TYPOS_TWO        9


typedef struct {
    uint32_t        n;
    const u_char   *off;            /* u32 each, unaligned reads */
    const u_char   *flags;
    const u_char   *text;
    uint32_t        bytes;
} resources_typos_list_t;


typedef struct {
    uint32_t        bits;
    uint32_t        n;
    const u_char   *start;          /* u32 each, unaligned reads */
    const u_char   *check;
    const u_char   *ref;
} resources_typos_index_t;


typedef struct {
    resources_typos_list_t   words;
    resources_typos_list_t   forms;
    const u_char            *stem;  /* u32 a form: its word */
} resources_typos_t;


/*
 * Checks a "words" value (data, size bytes) and sets wl; 0, or -1 when
 * it is malformed (bounds, order, lengths): a damaged snapshot.
 */
int resources_typos_check(const void *data, size_t size,
    resources_typos_t *wl);

/* the typos a word of len bytes is allowed: 0, 1 or 2 */
unsigned resources_typos_allowed(size_t len);

/*
 * Whether list (wl->words or wl->forms) has w[0 .. len) (with public set:
 * from a public record): its index, or -1
 */
int64_t resources_typos_find(const resources_typos_list_t *list,
    const u_char *w, size_t len, int public);

/* form i's word (an index of wl->words), and that word's text */
uint32_t resources_typos_stem(const resources_typos_t *wl, uint32_t i);
const u_char *resources_typos_word(const resources_typos_list_t *list,
    uint32_t i, size_t *len);

/*
 * The first index of list at or after the entries that start with
 * p[0 .. n), and the first past them: a range (lo == hi: none)
 */
void resources_typos_range(const resources_typos_list_t *list,
    const u_char *p, size_t n, uint32_t *lo, uint32_t *hi);

/*
 * handler(data, index, word, len, distance) for each entry of list
 * within k edits of q[0 .. m) (optimal string alignment: a transposition
 * is one edit; the first byte never changes, as Meilisearch asks of a
 * one-typo match), or, with prefix set, that has a prefix within k of q
 * (the last word of a query, typed on).  Entries without
 * RESOURCES_TYPOS_PUBLIC are skipped when public is set.  In the list's
 * order; a handler returning non-zero stops the walk.  Returns the number
 * of entries handed.
 */
typedef int (*resources_typos_pt)(void *data, uint32_t index,
    const u_char *word, size_t len, unsigned distance);

size_t resources_typos_walk(const resources_typos_list_t *list,
    const u_char *q, size_t m, unsigned k, int prefix, int public,
    resources_typos_pt handler, void *data);


/*
 * The typo index of list (the forms), made for the loader: a value of
 * *size bytes, allocated with malloc (the caller frees it); NULL, *err
 * saying why, when memory runs out or the list is past what an index
 * holds (2^24 forms, RESOURCES_TYPOS_IX_MAX keys)
 */
void *resources_typos_index_make(const resources_typos_list_t *list,
    size_t *size, const char **err);

/*
 * Checks an index value against its list and sets ix; 0, or -1 when it
 * is malformed (bounds, a node past its form or not its first form)
 */
int resources_typos_index_check(const void *data, size_t size,
    const resources_typos_list_t *list, resources_typos_index_t *ix);

/*
 * What resources_typos_walk(list, q, m, 1, prefix, public, ...) hands,
 * the same entries in the same order, found through the index: for one
 * typo.  (A query whose keys find more nodes than it keeps walks.)
 */
size_t resources_typos_lookup(const resources_typos_index_t *ix,
    const resources_typos_list_t *list, const u_char *q, size_t m,
    int prefix, int public, resources_typos_pt handler, void *data);

/*
 * The same as a prefix, as ranges of list: lo[i] .. hi[i] (at most max),
 * each the forms under one node within one typo of q, in the list's
 * order, the forms the lookup would hand (those of private records too:
 * the caller skips them); -1 when the index cannot say (the caller walks)
 */
ssize_t resources_typos_nodes(const resources_typos_index_t *ix,
    const resources_typos_list_t *list, const u_char *q, size_t m,
    uint32_t *lo, uint32_t *hi, size_t max);

/* the 64-bit hash of a key (stable: it is in the snapshot) */
uint64_t resources_typos_hash(const u_char *p, size_t n);


#endif /* _RESOURCES_TYPOS_H_INCLUDED_ */
