/*
 * Copyright (C) ngx_http_resources authors
 *
 * The facets of a frequent keyword or type, counted once by the loader
 * (RESOURCES_PART_FACETS in resources_store.h): what the module would
 * count for kw=<it>&facets=kw,type,year in the public view.
 *
 * Caveats, first:
 *   - every array is indexed by docno (the default order) or by term id,
 *     and belongs to the caller, who keeps it for the calls;
 *   - the entries given are those of the public part of a posting:
 *     private resources must not be counted;
 *   - allocation failures are fatal (resources_xmalloc).
 */

#ifndef _RESOURCES_FACETS_H_INCLUDED_
#define _RESOURCES_FACETS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "resources_util.h"


typedef struct {
    const uint32_t  *kwoff;         /* ndocs + 1 offsets into kwids */
    const uint32_t  *kwids;         /* each docno's keyword ids */
    const uint32_t  *type;          /* each docno's type id */
    const uint32_t  *date;          /* each docno's date, non-increasing */
    const uint32_t  *kwrank;        /* keyword id -> rank in folded order */
    const uint32_t  *typerank;      /* type id -> rank in folded order */
    uint32_t         nkeywords;
    uint32_t         ntypes;

    /* scratch, NULL at first */
    uint32_t        *count;
    uint32_t        *byrank;
    uint64_t        *keys;
} resources_facets_t;


/*
 * The table of the n entries at p (docno << 2 | field, docnos
 * increasing), into out (emptied first): u32s, see resources_store.h
 */
void resources_facets_table(resources_facets_t *f, const uint32_t *p,
    size_t n, resources_vec_t *out);

void resources_facets_free(resources_facets_t *f);


#endif /* _RESOURCES_FACETS_H_INCLUDED_ */
