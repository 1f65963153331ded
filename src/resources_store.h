/*
 * Copyright (C) ngx_http_resources authors
 *
 * The snapshot: the LMDB file that the loader writes and the module reads.
 * docs/design.md describes it in prose; this header is the reference.
 *
 * Caveats, first:
 *   - a snapshot is immutable once published: the loader writes a new file
 *     and rename()s it over the old name.  Readers map it read-only with
 *     MDB_RDONLY | MDB_NOLOCK | MDB_NOSUBDIR and keep ONE read transaction
 *     open for as long as they use the file; every pointer returned by
 *     mdb_get() stays valid until that transaction ends.  Writing into a
 *     published file (cp over it, say) would change bytes under those
 *     pointers: never do that, publish with the loader or rename().
 *   - LMDB values are only 2-byte aligned: read integers through
 *     resources_get_u32(), never through a cast pointer.
 *   - integers are stored in host byte order: a snapshot moves only between
 *     machines of the same byte order and word size (RESOURCES_MAGIC tells).
 *   - LMDB keys are at most 511 bytes: a folded keyword or type is at most
 *     RESOURCES_TERM_MAX bytes (the loader refuses longer ones), a word at
 *     most RESOURCES_WORD_MAX.
 *
 * Databases (named, in one file):
 *
 *   "meta"   "header" -> resources_header_t
 *
 *   "meta"   "words"  -> every word (folded, stemmed) in key order, with
 *            whether a public record has it: the list that typo matching
 *            walks (resources_typos.h; RESOURCES_HEADER_WORDS)
 *   "meta"   "dict"   -> the dictionary of the packed records (at most
 *                       RESOURCES_DICT_MAX bytes; absent when none is)
 *
 *   "meta"   "syn"    -> the synonyms (resources-load --synonyms, issue
 *                       #22), when the header has RESOURCES_HEADER_SYNONYMS:
 *                       triggers (forms a query may contain, sorted by
 *                       their words), each with the forms it expands to;
 *                       a form is a sequence of words normalized as the
 *                       words of q (resources_q_parse).  The layout:
 *                       src/resources_synonyms.h; resources_syn_init()
 *                       checks it when the snapshot opens.  Its bytes
 *                       (XXH64) are hashed into the content version and
 *                       the public version, after the records
 *                       (docs/design.md, "Content version")
 *
 *   "heap"   u32 chunk number (MDB_INTEGERKEY) -> records, packed: each a
 *            resources_doc_t, then the full form JSON (whose first
 *            list_len bytes, closed with "}", are the list form), the Atom
 *            entry and the id.  Loaders since 0.2 store an empty Atom entry
 *            (atom_len 0): the module renders it from the list form
 *            (src/resources_atom.c); older snapshots store it, from
 *            "<title>" to "</entry>" (the module writes "<entry><id>" and
 *            the id before it), and the module uses it.  Chunks hold
 *            up to RESOURCES_CHUNK_MAX bytes, so that records are packed
 *            without rounding each to pages and reached in O(1).
 *            A record with RESOURCES_DOC_PACKED (schema 2) stores its full
 *            form's tail, the bytes after the list form, as a u32 length
 *            and an LZ4 block of that length (LZ4_compress_fast_continue()
 *            after the dictionary of "meta"): the full form is list_len
 *            bytes as they are, then full_len - list_len bytes once the
 *            block is decompressed; the Atom entry and the id follow the
 *            block.  A record with RESOURCES_DOC_GZIP (loaders since 0.6)
 *            has, after its id, its list form and "}" compressed alone as
 *            a gzip piece: u32 length, u32 CRC-32, u32 CRC operator, the
 *            raw deflate data (src/resources_gzip.h says how they are
 *            made and sent); the header's RESOURCES_HEADER_GZIP says that
 *            every record has one.
 *
 *   "ids"    id -> u32 docno
 *
 *   "cols"   name -> one u32 (or u8) per docno, docno being the rank in the
 *            default order (newest first, undated last, ties in input order)
 *            "rec"     u64 (chunk << 32 | offset) of docno's record
 *            "order"   u32 ordinal of docno
 *            "date"    u32 YYYYMMDD (DD = 0 for a month), 0 when undated;
 *                      non-increasing, so a date range is a docno range
 *            "private" u8 1 for a private resource
 *            "type"    u32 term id of the type
 *            "kwoff"   u32 ndocs + 1 offsets into "kwids"
 *            "kwids"   u32 term ids of each docno's keywords (distinct)
 *            "title"   u32 rank of docno in title order
 *            "bytitle" u32 the docno at each rank of title order (the
 *                      inverse of "title"; optional: snapshots of loaders
 *                      before 0.3 lack it, and sort=title then selects)
 *            "updated" u32 rank of docno in update order: the "updated"
 *                      day, else the publication date, newest first,
 *                      undated last, ties in docno order
 *            "byupdated" u32 the docno at each rank of update order
 *                      (both optional: snapshots of loaders before 0.5
 *                      lack them, and sort=updated is then newest)
 *   "cols"   "kwsorted", "typesorted": u32 term ids of the keywords (of
 *            the types) in folded order, one per term of the kind
 *
 *   "post"   part, kind, folded term -> posting: u32 entries
 *            (docno << 2 | field), strictly increasing
 *            part: RESOURCES_PART_PUBLIC (the public resources) or
 *                  RESOURCES_PART_PRIVATE (the private ones): the public
 *                  view reads the first, the private view both;
 *                  RESOURCES_PART_BITMAP: the public part of a frequent
 *                  keyword, type or word as a bitmap (see below);
 *                  RESOURCES_PART_FIELD_HI, RESOURCES_PART_FIELD_LO: the
 *                  docnos of that public part whose field has the high
 *                  bit (keyword, title), or the low bit (summary, title),
 *                  set, as bitmaps (frequent words only)
 *                  RESOURCES_PART_FACETS: the facets of the public part
 *                  of a keyword or type that has a bitmap (and, under
 *                  kind RESOURCES_KIND_ALL, of the whole public view), as
 *                  u32s:
 *                  nk, nt, ny, then nk (keyword id, count) pairs and nt
 *                  (type id, count) pairs, most resources first, ties in
 *                  folded order, then ny (year, count) pairs, newest
 *                  first, undated resources not counted (snapshots of
 *                  older loaders have none)
 *                  RESOURCES_PART_PAIRS, under kind RESOURCES_KIND_ALL
 *                  (key "c*"): the loader's pair counts, for n of the
 *                  bitmaps of part RESOURCES_PART_BITMAP (the n with the
 *                  most bits, ties in key order; n <= RESOURCES_PAIRS_MAX,
 *                  and n <= ndocs / RESOURCES_PAIRS_DOCS: the table then
 *                  takes at most 1/8 of the bytes of the bitmaps it
 *                  counts, where counting costs little anyway):
 *                  u32 n; n keys, in that order, each a byte (its length)
 *                  and the bitmap's key without its part byte (kind, then
 *                  folded term); zeros up to a multiple of 4 bytes; then
 *                  n (n + 1) / 2 u32s: for i <= j, the bits set in both
 *                  bitmap i and bitmap j (i == j: in bitmap i), at
 *                  resources_pair_index(n, i, j) (resources_postings.h).
 *                  A request whose filters are one or two such bitmaps
 *                  and no date range reads its total there (snapshots of
 *                  older loaders have none)
 *            kind: RESOURCES_KIND_ALL (empty term: every docno of the view),
 *                  RESOURCES_KIND_KEYWORD, RESOURCES_KIND_TYPE,
 *                  RESOURCES_KIND_SERIES (parts p and x only, since 0.5;
 *                  its "terms" and "tids" entries count nowhere in the
 *                  header),
 *                  RESOURCES_KIND_WORD (field: best field the word is in),
 *                  RESOURCES_KIND_PREFIX (parts b, h, l only: the union
 *                  of the public words that start with the term, as if
 *                  it were one word whose field in a docno is the best
 *                  of theirs; written for some prefixes only, see
 *                  src/loader/resources_prefixes.h; older snapshots
 *                  have none)
 *
 *   "terms"  kind, folded term -> resources_term_t, then the display
 *            spelling of the public view (display_len bytes), then, when
 *            it differs, the display spelling of the private view (the
 *            rest of the value)
 *
 *   "tids"   u32 (kind << 24 | term id) -> resources_term_t, then the
 *            display spelling of the public view, then the folded term
 *            (folded_len bytes), then, when it differs, the display
 *            spelling of the private view (the rest of the value)
 *
 *   Display spellings: of the spellings that fold to a term, the most
 *   common one (the first seen on a tie), counted over the public
 *   resources for the public view (over all of them for a term that only
 *   private resources carry: the public view never shows it), over all
 *   resources for the private view.  Snapshots of older loaders have one
 *   spelling, counted over all resources, for both views.
 */

#ifndef _RESOURCES_STORE_H_INCLUDED_
#define _RESOURCES_STORE_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>


#define RESOURCES_MAGIC            0x52534331u      /* "RSC1" in host order */
#define RESOURCES_SCHEMA           2      /* written */
#define RESOURCES_SCHEMA_MIN       1      /* read: 1 has no packed record */
#define RESOURCES_DICT_MAX         65536  /* bytes of "meta" "dict" */

#define RESOURCES_DB_META          "meta"
#define RESOURCES_DB_HEAP          "heap"
#define RESOURCES_DB_IDS           "ids"
#define RESOURCES_DB_COLS          "cols"
#define RESOURCES_DB_POST          "post"
#define RESOURCES_DB_TERMS         "terms"
#define RESOURCES_DB_TIDS          "tids"
#define RESOURCES_MAXDBS           8

#define RESOURCES_VIEW_PUBLIC      'p'
#define RESOURCES_VIEW_ALL         'a'

#define RESOURCES_PART_PUBLIC      'p'
#define RESOURCES_PART_PRIVATE     'x'
#define RESOURCES_PART_BITMAP      'b'     /* public part, as a bitmap */
#define RESOURCES_PART_FIELD_HI    'h'     /* field & 2, as a bitmap */
#define RESOURCES_PART_FIELD_LO    'l'     /* field & 1, as a bitmap */
#define RESOURCES_PART_FACETS      'f'     /* a frequent term's facets */
#define RESOURCES_PART_PAIRS       'c'     /* counts of bitmap pairs */
#define RESOURCES_PAIRS_MAX        1024    /* bitmaps: a 2 MiB table */
#define RESOURCES_PAIRS_DOCS       128     /* resources a bitmap, at least */

/*
 * A keyword, type or word whose public part holds at least ndocs / 64
 * resources (in a catalogue of at least RESOURCES_BITMAP_MIN) also has a
 * bitmap: bit d (of u64 word d / 64, bit d % 64) set when docno d is in it;
 * ANDing two frequent keywords then costs ndocs / 64 word operations.  Such
 * a word also has the two bits of its fields as bitmaps: with them a
 * word's best field in a docno is known without its list.  Older
 * snapshots have none of the three for words: the module uses the lists.
 */
#define RESOURCES_BITMAP_MIN       4096
#define RESOURCES_BITMAP_WORDS(n)  (((size_t) (n) + 63) / 64)

#define RESOURCES_CHUNK_MAX        (32 * 1024 * 1024)
#define RESOURCES_CHUNKS_MAX       1024

#define RESOURCES_KIND_ALL         '*'
#define RESOURCES_KIND_KEYWORD     'k'
#define RESOURCES_KIND_TYPE        't'
#define RESOURCES_KIND_WORD        'w'
#define RESOURCES_KIND_PREFIX      'u'     /* the union of a prefix's words */
#define RESOURCES_KIND_SERIES      's'     /* lists only: no bitmap, facets */

/* the field bits of a word posting entry: higher is better */
#define RESOURCES_FIELD_BODY       0
#define RESOURCES_FIELD_SUMMARY    1
#define RESOURCES_FIELD_KEYWORD    2
#define RESOURCES_FIELD_TITLE      3

#define RESOURCES_DOCNO(e)         ((e) >> 2)
#define RESOURCES_FIELD(e)         ((e) & 3)

/* limits: the loader refuses records beyond them (docs/loader.md) */
#define RESOURCES_MAX_DOCS         (1u << 30)
#define RESOURCES_TERM_MAX         200      /* folded keyword or type */
#define RESOURCES_ID_MAX           128
#define RESOURCES_KEY_MAX          (2 + RESOURCES_TERM_MAX)
#define RESOURCES_VERSION_LEN      16
#define RESOURCES_RECORD_MAX       (16 * 1024 * 1024)  /* rendered JSON */


typedef struct {
    uint32_t   magic;
    uint32_t   schema;
    uint64_t   built;                  /* unix time of the load */
    u_char     version[RESOURCES_VERSION_LEN];  /* hex, content version */
    uint32_t   ndocs;                  /* all resources */
    uint32_t   npublic;                /* resources not private */
    uint32_t   nkeywords[2];           /* distinct keywords: public, all */
    uint32_t   ntypes[2];              /* distinct types: public, all */
    uint32_t   nwords;                 /* distinct words, all */
    uint32_t   tail_max;               /* the longest tail of a packed
                                          record, decompressed (schema 2) */

    /*
     * The public view's own version (RESOURCES_HEADER_PUBLIC set): what a
     * location without resources_private shows as its version, ETag,
     * Last-Modified and build time, so that a private record's edit cannot
     * be seen from there.  public_hash is the content version over the
     * public records alone (the version of the same catalogue without its
     * private records); public_built is the build time of the load that
     * last changed it (carried over from the published snapshot when a
     * load leaves the public records as they were).  Snapshots of older
     * loaders have the flag clear: the module then shows them the version
     * and build time over everything.
     */
    uint64_t   public_hash;
    uint64_t   public_built;
    uint32_t   flags;                  /* RESOURCES_HEADER_* */

    /*
     * The version of what the loader derives from the records besides
     * their content (the stemmer and its overrides, keyword keys, the
     * word list, the titles' signatures): RESOURCES_DERIVED when written.
     * A load whose records are unchanged publishes again over a snapshot
     * with another (0: loaders before 0.7), so that a loader that derives
     * otherwise never leaves an older derivation in place.
     */
    uint32_t   derived;
} resources_header_t;

#define RESOURCES_DERIVED          1

#define RESOURCES_HEADER_PUBLIC    0x01    /* public_hash, public_built */
#define RESOURCES_HEADER_SERIES    0x02    /* series postings, the update
                                              order (loaders since 0.5) */
#define RESOURCES_HEADER_GZIP      0x04    /* every record has a gzip
                                              piece (loaders since 0.6,
                                              unless --no-gzip) */
#define RESOURCES_HEADER_LIGHT     0x08    /* words stemmed by
                                              resources_stem_light(), and
                                              dashed pairs also joined
                                              (loaders since 0.7) */
#define RESOURCES_HEADER_WORDS     0x10    /* "meta" "words": the word
                                              list of resources_typos.h
                                              (loaders since 0.7) */
#define RESOURCES_HEADER_SYNONYMS  0x20    /* "meta" "syn" (--synonyms),
                                              hashed into both versions */
#define RESOURCES_HEADER_TSIG      0x40    /* column "tsig": each title's
                                              signature, for ranking
                                              (resources_title_sig(),
                                              loaders since 0.7) */
#define RESOURCES_HEADER_TYPOIX    0x80    /* "meta" "typoix": the typo
                                              index of resources_typos.h
                                              (loaders since 0.8) */
#define RESOURCES_HEADER_ALL       0xff    /* what this loader can write */

/* the header's layout is fixed: 88 bytes, as schema 2 always had */
typedef char resources_header_size_check_t
    [sizeof(resources_header_t) == 88 ? 1 : -1];


typedef struct {
    uint32_t   list_len;               /* the list form: full[0 .. list_len)
                                          and "}" */
    uint32_t   full_len;               /* bytes of the full form JSON */
    uint32_t   atom_len;               /* bytes of the Atom entry's tail */
    uint32_t   id_len;
    uint32_t   flags;                  /* RESOURCES_DOC_* */
} resources_doc_t;

#define RESOURCES_DOC_PRIVATE      0x01
#define RESOURCES_DOC_PACKED       0x02    /* the tail is an LZ4 block */
#define RESOURCES_DOC_GZIP         0x04    /* a gzip piece after the id
                                              (resources_gzip.h) */


typedef struct {
    uint32_t   id;                     /* term id, per kind */
    uint32_t   count[2];               /* resources: public, all */
    uint32_t   display_len;
    uint32_t   folded_len;             /* "tids" values only */
} resources_term_t;


static inline uint32_t
resources_get_u32(const void *p)
{
    uint32_t  v;

    memcpy(&v, p, sizeof(uint32_t));

    return v;
}


/* view index in the count arrays */
#define RESOURCES_VIEW_INDEX(view)  ((view) == RESOURCES_VIEW_ALL ? 1 : 0)


/* builds a "post" or "terms" key; returns its length */

static inline size_t
resources_post_key(u_char *key, u_char view, u_char kind, const u_char *term,
    size_t len)
{
    key[0] = view;
    key[1] = kind;
    memcpy(key + 2, term, len);

    return len + 2;
}


static inline uint32_t
resources_tid_key(u_char kind, uint32_t id)
{
    return ((uint32_t) kind << 24) | id;
}


#endif /* _RESOURCES_STORE_H_INCLUDED_ */
