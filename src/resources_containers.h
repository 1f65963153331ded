/*
 * Copyright (C) ngx_http_resources authors
 *
 * Container sets: a set of docnos in Roaring-style containers of our own
 * (docs/format.md §3, schema 3), read in place from the snapshot, with an
 * optional 2-bit field per docno.  Nothing here allocates; nothing here
 * depends on nginx.
 *
 * Caveats, first:
 *   - a value read from the snapshot may be corrupt (issue #20).  Check
 *     every value once with resources_cset_check() (the loader before it
 *     publishes, the module when it opens a snapshot) before trusting its
 *     answers.  Whatever the bytes, the readers below never read outside
 *     [data, data + len) of a value that resources_cset_view() accepted,
 *     and never write outside the arrays they are given (a list's max, a
 *     bitmap's ndocs bits): a corrupt value gives wrong answers, never a
 *     crash.  resources_cset_view() itself checks only what it needs for
 *     that (O(1)); the full check is O(size).
 *   - values are read through memcpy(), at any alignment (LMDB aligns
 *     values to 2 bytes only); the writer lays a value out for 8-byte
 *     aligned storage (a blob chunk), where the bitmaps are then aligned.
 *   - integers in host byte order, as the rest of the snapshot.
 *   - docnos are below RESOURCES_MAX_DOCS (2^30): at most 16,384
 *     containers.
 *   - the field of a docno in a bitmap container is found by counting the
 *     bits before it: up to 1,024 words (a few hundred ns); the walks over
 *     a set (resources_cset_and_list() with fields) count as they go.
 *
 * The layout (u16/u32 in host order; offsets from the start of the value):
 *
 *   0   u32  card        docnos in the set
 *   4   u16  n           containers
 *   6   u8   flags       RESOURCES_CSET_FIELDS: the field stream follows
 *   7   u8   reserved    0
 *   8   u32  fields      offset of the field stream, 0 without one
 *   12  u32  size        bytes used (the value is then padded with zeros
 *                        to a multiple of 8: size <= len < size + 8)
 *   16  u16  key[n]      high 16 bits of the container's docnos, strictly
 *                        increasing
 *       u16  count[n]    docnos in the container, minus 1
 *       u8   type[n]     RESOURCES_CSET_ARRAY, _BITMAP or _RUNS
 *       (zeros to a multiple of 4)
 *       u32  cum[n]      docnos in the containers before this one
 *       u32  offset[n]   of the container's payload, increasing
 *       (zeros to a multiple of 8)
 *   then the payloads, in key order:
 *       array            count u16, the low 16 bits of the docnos,
 *                        strictly increasing; count <= 4,096
 *       bitmap           1,024 u64 (8 KiB), at an offset that is a
 *                        multiple of 8: bit v of word v / 64 for low bits
 *                        v, as the module's flat bitmaps
 *       runs             u16 nruns, then nruns pairs of u16 (start,
 *                        length - 1), increasing and not touching
 *   then, with RESOURCES_CSET_FIELDS, the field stream: the field of the
 *   r-th docno of the set (in docno order; a container's start at its
 *   cum) in bits 2 (r % 4) of byte r / 4; 0 body, 1 summary, 2 keyword,
 *   3 title (RESOURCES_FIELD_*); unused bits zero.
 *
 * Containers as Roaring chooses them: an array up to 4,096 docnos, else a
 * bitmap, unless runs take fewer bytes (2 + 4 nruns against 2 count or
 * 8,192).  A bitmap container is word for word the part of a flat bitmap
 * of the module's (bit d of u64 word d / 64) for docnos [key << 16,
 * (key + 1) << 16): the dense cases use the flat bitmap code.
 */

#ifndef _RESOURCES_CONTAINERS_H_INCLUDED_
#define _RESOURCES_CONTAINERS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>


#define RESOURCES_CSET_ARRAY       1
#define RESOURCES_CSET_BITMAP      2
#define RESOURCES_CSET_RUNS        3

#define RESOURCES_CSET_FIELDS      0x01      /* flags: a field stream */

#define RESOURCES_CSET_HEADER      16
#define RESOURCES_CSET_ARRAY_MAX   4096
#define RESOURCES_CSET_WORDS       1024      /* u64 words of a bitmap */
#define RESOURCES_CSET_MAX_DOCS    (1u << 30)


/* a value seen through resources_cset_view(): a few pointers into it */

typedef struct {
    const u_char  *data;
    size_t         size;          /* bytes used, <= the value's length */
    uint32_t       card;
    uint32_t       n;
    uint32_t       fields;        /* offset of the field stream, or 0 */
    const u_char  *keys;
    const u_char  *counts;
    const u_char  *types;
    const u_char  *cum;
    const u_char  *offsets;
} resources_cset_t;


/* where an iteration stands: resources_cset_iter_init(), then _read() */

typedef struct {
    const resources_cset_t  *set;
    uint32_t                 i;   /* container */
    uint32_t                 pos; /* in it: entry, bit or run */
    uint32_t                 sub; /* in a run: docnos given */
} resources_cset_iter_t;


/*
 * The writer.  docnos: n strictly increasing docnos below
 * RESOURCES_CSET_MAX_DOCS; fields: NULL, or the field of each (0-3).
 * resources_cset_size() returns the bytes of the value (a multiple of 8),
 * or 0 when the docnos are not strictly increasing or too large;
 * resources_cset_write() writes it into out (size bytes, from
 * resources_cset_size(); any alignment, 8 for aligned bitmaps) and
 * returns it, or 0 when size is not that.
 */
size_t resources_cset_size(const uint32_t *docnos, size_t n, int fields);
size_t resources_cset_write(u_char *out, size_t size, const uint32_t *docnos,
    const u_char *fields, size_t n);

/*
 * The full check: 0 when data[0 .. len) is a well-formed value whose
 * docnos are all below ndocs, else -1 and, when err is not NULL, a static
 * string saying what is wrong.  O(len).
 */
int resources_cset_check(const u_char *data, size_t len, uint32_t ndocs,
    const char **err);

/*
 * The header and the directory's bounds only, O(1): 0, or -1 when the
 * value is too short for what its header says (then s is unusable)
 */
int resources_cset_view(resources_cset_t *s, const u_char *data,
    size_t len);

/* whether docno d is in the set */
int resources_cset_contains(const resources_cset_t *s, uint32_t d);

/*
 * The field of docno d in the set (0-3), or -1 when d is not in it or
 * the set has no field stream
 */
int resources_cset_field(const resources_cset_t *s, uint32_t d);

/* the docnos in increasing order, at most max at a time; 0 at the end */
void resources_cset_iter_init(resources_cset_iter_t *it,
    const resources_cset_t *s);
size_t resources_cset_iter_read(resources_cset_iter_t *it, uint32_t *out,
    size_t max);

/* the docnos in both sets, increasing, into out; at most max written */
size_t resources_cset_and(const resources_cset_t *a, const resources_cset_t *b,
    uint32_t *out, size_t max);

/*
 * The docnos of list (n strictly increasing docnos: a short list) in the
 * set, into out (at most n); with fields not NULL, fields[k] is the field
 * of out[k] in the set (0 without a field stream).  Containers are found
 * and searched by galloping from where the last docno was found.
 */
size_t resources_cset_and_list(const resources_cset_t *s,
    const uint32_t *list, size_t n, uint32_t *out, u_char *fields);

/*
 * Flat bitmaps of ndocs bits (RESOURCES_BITMAP_WORDS(ndocs) u64 words,
 * the caller's, aligned): bit d of word d / 64.  Docnos of the set at
 * ndocs or beyond are ignored.
 *
 *   _or_bits    acc |= set
 *   _and_bits   acc &= set; returns the bits left set
 *   _count_bits the docnos of the set whose bit is set in bits: a term's
 *               count inside a result (facets); bitmap containers by
 *               resources_bits_and_count() (AVX2 where the CPU has it)
 */
void resources_cset_or_bits(const resources_cset_t *s, uint64_t *acc,
    uint32_t ndocs);
size_t resources_cset_and_bits(const resources_cset_t *s, uint64_t *acc,
    uint32_t ndocs);
size_t resources_cset_count_bits(const resources_cset_t *s,
    const uint64_t *bits, uint32_t ndocs);


#endif /* _RESOURCES_CONTAINERS_H_INCLUDED_ */
