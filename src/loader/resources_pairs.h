/*
 * Copyright (C) ngx_http_resources authors
 *
 * The pair counts of the frequent terms' bitmaps, counted once by the
 * loader (RESOURCES_PART_PAIRS in resources_store.h): the total of a
 * request whose filters are two frequent keywords, a frequent type and
 * keyword, or two frequent words of q, without a pass over the bitmaps.
 *
 * Caveats, first:
 *   - call it once every bitmap of part RESOURCES_PART_BITMAP is in the
 *     "post" database of the transaction, and before anything else is put
 *     in it: the bitmaps are read where LMDB keeps them, and an update
 *     would move them;
 *   - ndocs must be the snapshot's, the bitmaps ndocs / 64 words each;
 *   - allocation failures are fatal (resources_xmalloc).
 */

#ifndef _RESOURCES_PAIRS_H_INCLUDED_
#define _RESOURCES_PAIRS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>


/*
 * Writes key "c*" for the bitmaps of the transaction (none when there are
 * none), counted with threads more threads than the caller's; *written
 * grows by the bytes written.  0, an LMDB error, or EINVAL for a bitmap of
 * the wrong size.
 */
int resources_pairs_write(MDB_txn *txn, MDB_dbi post, uint32_t ndocs,
    unsigned threads, size_t *written);


#endif /* _RESOURCES_PAIRS_H_INCLUDED_ */
