/*
 * Copyright (C) ngx_http_resources authors
 *
 * Reading a snapshot, without nginx: the module and the loader (--verify,
 * --dump, and the check before publishing) share this code.
 *
 * Lifetime: resources_snapshot_open() opens the file read-only (MDB_RDONLY |
 * MDB_NOLOCK | MDB_NOSUBDIR: no lock file, no reader slot, no write access
 * needed), checks that it is not truncated and that its header and columns
 * are consistent, and begins the one read transaction that lasts until
 * resources_snapshot_close().  Every pointer handed out points into the map
 * and is valid until then.  Never use a snapshot across fork().
 *
 * A corrupt file (issue #20; docs/reliability.md, "Corrupt snapshots"):
 * nothing read from it is used as an index, an offset or a length before
 * it is checked.  The opening checks, in O(ndocs + terms), every value it
 * keeps (inside the map, of the right size) and what becomes an index:
 * the columns (kwoff, kwids, type, date order, title, bytitle, order,
 * rec), the term orders, the listed bitmaps, the pair table, the facets
 * of the whole view, the synonyms (whole: resources_syn_init), the word
 * list (resources_typos_check), the titles' signatures (their size).
 * What it does not walk (postings, bitmaps and facet tables looked up by
 * term, records, terms) is checked where it is read:
 * the functions below return an error (documented with each) rather than
 * hand out a value outside the map or of the wrong size, and the postings
 * functions bound the docnos they meet (resources_postings.h).  A caller
 * that gets such an error from a snapshot that opened answers 500 and
 * logs the path once: the file is corrupt.  LMDB's own pages are LMDB's:
 * it bounds page numbers, not node offsets (resources-load --verify reads
 * every page).
 */

#ifndef _RESOURCES_SNAPSHOT_H_INCLUDED_
#define _RESOURCES_SNAPSHOT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <lmdb.h>

#include "resources_store.h"
#include "resources_gzip.h"
#include "resources_postings.h"
#include "resources_typos.h"
#include "resources_synonyms.h"


/* a frequent term's bitmap (RESOURCES_PART_BITMAP) and its term id */

typedef struct {
    uint32_t             id;
    const u_char        *bits;
} resources_bitmap_t;


#define RESOURCES_SNAPSHOT_BITMAPS  256     /* listed per kind, at most */


/* a keyword or type and its number of public resources */

typedef struct {
    uint32_t             count;
    uint32_t             id;
    const u_char        *bits;          /* its bitmap, or NULL */
} resources_freq_t;


/* a bitmap of the loader's pair counts, and its index in their table */
typedef struct {
    const u_char        *bits;
    uint32_t             index;
} resources_pair_t;


typedef struct {
    MDB_env             *env;
    MDB_txn             *txn;
    MDB_dbi              heap;
    MDB_dbi              ids;
    MDB_dbi              post;
    MDB_dbi              terms;
    MDB_dbi              tids;
    MDB_dbi              cols;

    resources_header_t   header;
    u_char               version[RESOURCES_VERSION_LEN + 1];

    /* the record chunks, resolved once */
    const u_char        *chunk[RESOURCES_CHUNKS_MAX];
    uint32_t             chunk_len[RESOURCES_CHUNKS_MAX];
    uint32_t             nchunks;

    /* columns, one entry per docno (unaligned: resources_get_u32) */
    const u_char        *rec;              /* u64 */
    const u_char        *order;
    const u_char        *date;
    const u_char        *priv;
    const u_char        *type;
    const u_char        *kwoff;
    const u_char        *kwids;
    const u_char        *title;
    const u_char        *bytitle;          /* docnos in title order, or
                                              NULL (an older loader) */
    const u_char        *tsig;             /* 2 u64 a docno: its title's
                                              signature, or NULL (a loader
                                              before 0.7) */
    const u_char        *updated;          /* ranks in update order, and */
    const u_char        *byupdated;        /* docnos in it; or both NULL
                                              (a loader before 0.5) */
    size_t               nkwids;

    /* term ids in folded order, per kind */
    const u_char        *kwsorted;
    const u_char        *typesorted;

    /*
     * the bitmaps of the frequent keywords ([0]) and types ([1]), in
     * folded order; bitmaps_all[i] is 1 when every one is listed: a term
     * not listed then has fewer than ndocs / 64 public resources
     */
    resources_bitmap_t   bitmaps[2][RESOURCES_SNAPSHOT_BITMAPS];
    uint32_t             nbitmaps[2];
    unsigned             bitmaps_all[2];

    /*
     * per kind (0 keywords, 1 types), nterms of each (malloc'ed, freed by
     * close): every term by number of public resources, most first (ties:
     * id), and each term id's rank in folded order
     */
    resources_freq_t    *freq[2];
    uint32_t            *rank[2];
    uint32_t             nterms[2];

    /* per kind, each term id's value in "tids" (malloc'ed, or NULL) */
    MDB_val             *tid[2];

    /*
     * the loader's pair counts ("post" "c*"), or npairs 0 (an older
     * loader): their bitmaps by address (malloc'ed, freed by close), and
     * the table (in the map)
     */
    resources_pair_t    *pairs;
    uint32_t             npairs;
    const u_char        *pair_counts;

    /*
     * the dictionary of packed records ("meta" "dict", in the map), and
     * scratch (malloc'ed, freed by close): a copy of it followed by room
     * for the longest tail, LZ4 decompressing fastest into a buffer that
     * its dictionary precedes
     */
    const u_char        *dict;
    size_t               dict_len;

    /* the word list, checked (RESOURCES_HEADER_WORDS: has_typos set) */
    resources_typos_t    typos;
    unsigned             has_typos:1;

    /* the typo index (RESOURCES_HEADER_TYPOIX: has_typoix set) */
    resources_typos_index_t  typoix;
    unsigned             has_typoix:1;
    u_char              *scratch;

    /*
     * the synonyms ("meta" "syn", in the map), checked at the opening
     * (resources_syn_init); syn.value NULL when the header has no
     * RESOURCES_HEADER_SYNONYMS
     */
    resources_syn_t      syn;

    /*
     * the map (from /proc/self/maps, or NULL where that cannot be read:
     * values are then checked for size only)
     */
    const u_char        *map;
    size_t               map_len;

    /* the file, as opened */
    dev_t                dev;
    ino_t                ino;
    off_t                size;
} resources_snapshot_t;


/*
 * A record: its full form is full_len bytes, the list form its first
 * list_len bytes and "}".  The full form is at full, or, for a packed
 * record, full is NULL and the bytes after the list form are the LZ4 block
 * at packed: resources_snapshot_tail() gives them.
 */

typedef struct {
    const u_char        *list;             /* and "}" after list_len */
    size_t               list_len;
    const u_char        *full;             /* or NULL: packed */
    size_t               full_len;
    const u_char        *packed;           /* or NULL */
    size_t               packed_len;
    const u_char        *atom;
    size_t               atom_len;
    const u_char        *id;
    size_t               id_len;
    resources_gzip_piece_t  gz;            /* gz.data NULL: none */
    unsigned             priv:1;
} resources_record_t;


typedef struct {
    uint32_t             id;
    uint32_t             count[2];
    const u_char        *display;          /* the public view's */
    size_t               display_len;
    const u_char        *folded;
    size_t               folded_len;
    const u_char        *display_all;      /* the private view's (display
                                              when they are the same) */
    size_t               display_all_len;
} resources_term_info_t;


/* 0, or -1 with a message in err (the snapshot is then closed) */
int resources_snapshot_open(resources_snapshot_t *s, const char *path,
    char *err, size_t errlen);

void resources_snapshot_close(resources_snapshot_t *s);

/*
 * What a verification reports, and may do with each record: record, when
 * not NULL, is called with the full form of every record it checks (from
 * the thread of the part that checks it: each docno once, in one part)
 */

typedef void (*resources_verify_record_pt)(void *data, uint32_t docno,
    const u_char *full, size_t len);

typedef struct {
    uint32_t                     packed;    /* out: packed records seen */
    resources_verify_record_pt   record;
    void                        *data;

    /*
     * shared by the parts of one verification, 0 at first, or NULL: the
     * next window of records to check, taken by the part that is free
     * first; NULL: part p checks windows p, p + nparts...
     */
    uint32_t                    *windows;
} resources_verify_t;


/* reads every record, posting and term and checks them: slow, thorough */
int resources_snapshot_verify(resources_snapshot_t *s,
    resources_verify_t *vf, char *err, size_t errlen);
/*
 * The same in parts that may run at once, each on a snapshot of its own
 * (opened on the same file): part p of nparts checks the records of one
 * window of chunks in nparts; part 0 checks the columns and the terms too,
 * the last part the postings.  Every part succeeding is
 * resources_snapshot_verify succeeding.  vf may be NULL.
 */
int resources_snapshot_verify_part(resources_snapshot_t *s, unsigned part,
    unsigned nparts, resources_verify_t *vf, char *err, size_t errlen);

/*
 * Whether a value the caller read from the snapshot with LMDB (a cursor
 * of its own) lies inside the map and is a whole number of units (unit 1:
 * any size): 0, or -1 (corrupt)
 */
int resources_snapshot_value(const resources_snapshot_t *s, const MDB_val *v,
    size_t unit);

/*
 * The record of docno, in O(1); 0, or -1 when docno is ndocs or more or
 * the record's header or lengths do not fit its chunk (corrupt)
 */
int resources_snapshot_record(resources_snapshot_t *s, uint32_t docno,
    resources_record_t *rec);

/*
 * The bytes of rec's full form after its list form (rec->full_len -
 * rec->list_len of them) into out: copied, or decompressed for a packed
 * record (through the snapshot's scratch: not from two threads at once);
 * 0, or -1 for a block that does not decompress to them
 */
int resources_snapshot_tail(resources_snapshot_t *s,
    const resources_record_t *rec, u_char *out);

/*
 * rec's whole full form (rec->full_len bytes): at rec->full, or, for a
 * packed record, its list form and its tail unpacked into *buf, malloc'ed
 * and grown to *cap as needed (the caller frees *buf; what is there stays
 * valid until the next call with it); NULL when the block does not unpack
 * or memory is short
 */
const u_char *resources_snapshot_full(resources_snapshot_t *s,
    const resources_record_t *rec, u_char **buf, size_t *cap);

/* the docno of an id; 0, or -1 when there is none */
int resources_snapshot_id(resources_snapshot_t *s, const u_char *id,
    size_t len, uint32_t *docno);

/*
 * One part (RESOURCES_PART_PUBLIC or _PRIVATE) of a term's posting; an
 * unknown term gives an empty one (0).  The private view is the union of
 * both parts: the caller merges them.  -1, and p empty, when the value is
 * not a whole number of u32s or lies outside the map, or (parts public and
 * private) its last entry's docno is ndocs or more or its first docno is
 * above its last (corrupt; the entries between are checked where they are
 * used: resources_postings.h).  Part RESOURCES_PART_FACETS reads a facets
 * table (its layout: resources_snapshot_facets_sizes).
 */
int resources_snapshot_posting(resources_snapshot_t *s, u_char part,
    u_char kind, const u_char *term, size_t len, resources_posting_t *p);

/*
 * The bitmap of a frequent keyword, type or word's public part: its words
 * (any alignment; RESOURCES_BITMAP_WORDS(ndocs) of them), or NULL.  The
 * second form reads another part: a frequent word's field bits
 * (RESOURCES_PART_FIELD_HI, RESOURCES_PART_FIELD_LO).  A bitmap of the
 * wrong size, outside the map, or with a bit set past docno ndocs - 1 is
 * corrupt: NULL too (the caller then reads the term's posting, as for a
 * term without a bitmap).
 */
const u_char *resources_snapshot_bitmap(resources_snapshot_t *s, u_char kind,
    const u_char *term, size_t len);
const u_char *resources_snapshot_bits(resources_snapshot_t *s, u_char part,
    u_char kind, const u_char *term, size_t len);

/*
 * The numbers of keyword, type and year pairs of a facets table
 * (RESOURCES_PART_FACETS, a value of table->n u32s) into n[0..2]; 0, or
 * -1 when the value is not that long
 */
int resources_snapshot_facets_sizes(const resources_posting_t *table,
    size_t *n);

/*
 * The AND of nb (1 or 2) bitmaps of the snapshot (the addresses
 * resources_snapshot_bitmap() and resources_snapshot_bits() return), over
 * every docno, counted by the loader: 0 and *count, or -1 when it did not
 * count them (an older loader, a bitmap with fewer bits than those of the
 * table: RESOURCES_PAIRS_MAX, RESOURCES_PAIRS_DOCS in resources_store.h, or
 * one made by the caller)
 */
int resources_snapshot_pair_count(resources_snapshot_t *s,
    const u_char **bits, size_t nb, size_t *count);

/*
 * A value of "terms" (kind, folded -> term, display spellings) decoded:
 * its folded form is not in it (t->folded NULL); 0, or -1 when its lengths
 * do not add up
 */
int resources_snapshot_term_value(MDB_val *d, resources_term_info_t *t);

/*
 * term of a kind by id; 0, or -1 when there is none or its value's
 * lengths do not add up (corrupt)
 */
int resources_snapshot_term(resources_snapshot_t *s, u_char kind,
    uint32_t id, resources_term_info_t *t);

/*
 * A walk, in key order and forward only, of the keys of "post"
 * (RESOURCES_SCAN_POST) or "terms" (RESOURCES_SCAN_TERMS) from a first
 * key on: the module's prefix expansions and suggestions, without a
 * cursor of its own.  Every value handed out has been checked to lie
 * inside the map (resources_snapshot_value()).  Lifetime: from
 * resources_snapshot_scan() to resources_scan_close(), within the
 * snapshot's one transaction; keys and values point into the map.  Use
 * either resources_scan_next() or resources_scan_find() on one walk.
 */

#define RESOURCES_SCAN_POST   0
#define RESOURCES_SCAN_TERMS  1

typedef struct {
    MDB_cursor                  *c;
    const resources_snapshot_t  *s;
    MDB_val                      k;
    MDB_val                      d;
    int                          rc;        /* 0: at an entry */
    unsigned                     fresh:1;   /* next() not called yet */
    size_t                       len;
    u_char                       prefix[RESOURCES_KEY_MAX + 2];
} resources_scan_t;

/*
 * Starts a walk at the first key >= key[0 .. len) (at most
 * RESOURCES_KEY_MAX + 2 bytes), which resources_scan_next() also takes as
 * the prefix that its keys start with; 0, or -1 (no cursor, a key too long)
 */
int resources_snapshot_scan(resources_snapshot_t *s, resources_scan_t *sc,
    int db, const u_char *key, size_t len);

/*
 * The next key that starts with the walk's prefix, and its value: 1, or 0
 * when there is none, or -1 when its value lies outside the map (corrupt)
 */
int resources_scan_next(resources_scan_t *sc, MDB_val *key, MDB_val *val);

/*
 * Moves forward to the first key >= key[0 .. len), never back: 1 and its
 * value when that key is key, 0 when it is not there, -1 when its value
 * lies outside the map (corrupt)
 */
int resources_scan_find(resources_scan_t *sc, const u_char *key, size_t len,
    MDB_val *val);

void resources_scan_close(resources_scan_t *sc);


static inline uint32_t
resources_snapshot_col(const u_char *col, uint32_t docno)
{
    return resources_get_u32(col + (size_t) docno * sizeof(uint32_t));
}


#endif /* _RESOURCES_SNAPSHOT_H_INCLUDED_ */
