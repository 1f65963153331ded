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
 * The layout, little-endian, 4-aligned (LMDB values are):
 *
 *     u32 magic "RWDS", u32 n (words), u32 bytes (of text)
 *     u32 off[n + 1]      word i is text[off[i] .. off[i + 1]);
 *                         off[0] = 0, off[n] = bytes, increasing
 *     u8  flags[n]        RESOURCES_TYPOS_PUBLIC: in a public record
 *     u8  text[bytes]     the words, in LMDB's key order (memcmp, then
 *                         length), each at most RESOURCES_WORD_MAX bytes
 */

#ifndef _RESOURCES_TYPOS_H_INCLUDED_
#define _RESOURCES_TYPOS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>


#define RESOURCES_TYPOS_MAGIC      0x53445752      /* "RWDS" */
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
} resources_typos_t;


/*
 * Checks a "words" value (data, size bytes) and sets wl; 0, or -1 when
 * it is malformed (bounds, order, lengths): a damaged snapshot.
 */
int resources_typos_check(const void *data, size_t size,
    resources_typos_t *wl);

/* the typos a word of len bytes is allowed: 0, 1 or 2 */
unsigned resources_typos_allowed(size_t len);

/* whether wl has the word w[0 .. len) (with public set: in a public record) */
int resources_typos_find(const resources_typos_t *wl, const u_char *w,
    size_t len, int public);

/*
 * handler(data, index, word, len, distance) for each word of wl within k
 * edits of q[0 .. m) (optimal string alignment: a transposition is one
 * edit; the first byte never changes, as Meilisearch asks of a one-typo
 * match), or, with prefix set, that has a prefix within k of q (the last
 * word of a query, typed on).  Words without RESOURCES_TYPOS_PUBLIC are
 * skipped when public is set.  In the list's order; a handler returning
 * non-zero stops the walk.  Returns the number of words handed.
 */
typedef int (*resources_typos_pt)(void *data, uint32_t index,
    const u_char *word, size_t len, unsigned distance);

size_t resources_typos_walk(const resources_typos_t *wl, const u_char *q,
    size_t m, unsigned k, int prefix, int public, resources_typos_pt handler,
    void *data);


#endif /* _RESOURCES_TYPOS_H_INCLUDED_ */
