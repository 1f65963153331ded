/*
 * Copyright (C) ngx_http_resources authors
 *
 * The unions of the words a prefix starts (part of the snapshot's layout:
 * RESOURCES_KIND_PREFIX in resources_store.h), made while the words are
 * written in key order.
 *
 * Caveats, first:
 *   - the words given to resources_prefixes_create() must be every word of
 *     the snapshot, public or not, in LMDB's key order (bytes, then the
 *     shorter first), and resources_prefixes_add() called for each of them
 *     in that order;
 *   - the pointers to the words must stay valid until
 *     resources_prefixes_free();
 *   - allocation failures are fatal (resources_xmalloc).
 *
 * A union is written for the set S of the public words that start with a
 * prefix of at least 2 bytes, under the longest common prefix of S (the
 * same for every prefix that gives S: the module finds it from the first
 * and the last word it expands), when S has 2 to RESOURCES_PREFIX_WORDS
 * words, at most RESOURCES_PREFIX_WORDS words of any view start with that
 * common prefix, and the union holds at least ndocs / 64 docnos.
 */

#ifndef _RESOURCES_PREFIXES_H_INCLUDED_
#define _RESOURCES_PREFIXES_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>


#define RESOURCES_PREFIX_WORDS  64   /* the module's expansions, at most */


typedef struct resources_prefixes_s  resources_prefixes_t;

/*
 * Writes one union: its three bitmaps (nw u64 words each: the docnos, the
 * field's high bit, the field's low bit) under the prefix; 0 or an LMDB
 * error
 */
typedef int (*resources_prefixes_put_pt)(void *data, const u_char *prefix,
    size_t len, const uint64_t *bits, size_t nw);

/*
 * words[i], lens[i]: the n words in key order; sizes[i]: an upper bound of
 * the resources of word i (its entries before they are split by view)
 */
resources_prefixes_t *resources_prefixes_create(const u_char **words,
    const uint32_t *lens, const uint32_t *sizes, size_t n, uint32_t ndocs,
    resources_prefixes_put_pt put, void *data);

/*
 * Word i's public entries (docno << 2 | field, n of them, any order);
 * writes the unions that it completes.  0 or the error of put.
 */
int resources_prefixes_add(resources_prefixes_t *pr, size_t i,
    const uint32_t *p, uint32_t n);

/* the unions made (for the loader's statistics) */
size_t resources_prefixes_written(const resources_prefixes_t *pr);

void resources_prefixes_free(resources_prefixes_t *pr);


#endif /* _RESOURCES_PREFIXES_H_INCLUDED_ */
