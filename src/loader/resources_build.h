/*
 * Copyright (C) ngx_http_resources authors
 *
 * The builder: canonical records in, a snapshot file out (resources_store.h
 * describes the file).  Lifetime: create opens a new LMDB file at a path of
 * the caller's (a temporary name: publishing is the caller's business) and
 * a write transaction that lasts until finish; add validates one record and
 * writes its JSON at once, keeping only the index (terms, postings, a few
 * integers a record) in memory; finish sorts, writes the index and commits;
 * free releases everything, whether finish ran or not.  On any error the
 * file is left half-written: the caller unlinks it.
 */

#ifndef _RESOURCES_BUILD_H_INCLUDED_
#define _RESOURCES_BUILD_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "resources_store.h"
#include "resources_util.h"


/* limits on a record, checked by resources_build_add (docs/loader.md) */
#define RESOURCES_TITLE_MAX        2048      /* bytes */
#define RESOURCES_TEXT_MAX         (4 * 1024 * 1024)  /* summary, body */
#define RESOURCES_KEYWORDS_MAX     100       /* keywords of a record */


typedef struct resources_build_s  resources_build_t;

/* the steps of resources_build_finish(), timed (resources-load -v) */
#define RESOURCES_BUILD_STEPS      5

typedef struct {
    uint32_t   ndocs;
    uint32_t   nprivate;
    uint32_t   nkeywords;
    uint32_t   ntypes;
    uint32_t   nwords;
    u_char     version[RESOURCES_VERSION_LEN + 1];
    u_char     public_version[RESOURCES_VERSION_LEN + 1];  /* hex of the
                                        header's public_hash */
    uint64_t   built;
    uint64_t   public_built;
    uint64_t   size;                 /* bytes of the file */
    double     step[RESOURCES_BUILD_STEPS];   /* seconds: see below */
} resources_build_stats_t;

/* what each of st->step[] timed */
extern const char  *resources_build_step_names[RESOURCES_BUILD_STEPS];


/*
 * Adding a record in two steps, so that the first may run in other
 * threads: preparing it (checks, the rendered record, folding, words: no
 * builder needed; one resources_prepare_t per thread) appends a
 * resources_prepared_t to a buffer; resources_build_apply() then adds the
 * prepared records to the builder, in input order.  Applying a prepared
 * record does exactly what resources_build_add() of the same record does,
 * messages included.
 */

typedef struct resources_prepare_s  resources_prepare_t;


/*
 * How records are packed: the dictionary (a copy, at most
 * RESOURCES_DICT_MAX bytes, possibly none).  Made by resources_build_dict()
 * before the first record, read-only after it (the preparers of every
 * thread read it), freed with the builder.  Each preparer keeps a copy
 * with the tail to pack after it, and an LZ4 stream that loaded that copy,
 * which it copies before each tail (lz4.h: copying a stream that loaded a
 * dictionary is how one dictionary serves many blocks).
 */

typedef struct resources_pack_s  resources_pack_t;

#define RESOURCES_PACK_MIN         64     /* shorter tails stay as they are */

#define RESOURCES_PREP_OK          0
#define RESOURCES_PREP_BAD         1   /* refused, whatever the builder holds */
#define RESOURCES_PREP_BAD_ID      2   /* refused, after the count check */
#define RESOURCES_PREP_BAD_LATE    3   /* refused, after the duplicate check */

typedef struct {
    uint64_t   line;
    uint64_t   hash;            /* XXH64 of the full form (status OK) */
    uint32_t   size;            /* bytes, this header included; 8-aligned */
    uint32_t   status;          /* RESOURCES_PREP_* */
    uint32_t   msg_len;         /* the message, after the header */
    uint32_t   id_len;          /* the id, after the message */
    uint32_t   blob_len;        /* the record, as stored in the heap */
    uint32_t   full_len;
    uint32_t   tail_len;        /* of a packed record's full form, or 0 */
    uint32_t   date;
    uint32_t   priv;
    uint32_t   type_len;        /* folded */
    uint32_t   type_raw_len;
    uint32_t   nkeywords;
    uint32_t   keywords_len;
    uint32_t   title_len;       /* folded */
    uint32_t   nwords;
    uint32_t   words_len;
    uint32_t   bytes;           /* of input, for progress (the reader's) */
} resources_prepared_t;

/* pack: how to pack records, or NULL to store them as they are */
resources_prepare_t *resources_prepare_create(const resources_pack_t *pack);
void resources_prepare_free(resources_prepare_t *p);

/* a JSON Lines line (not blank, no "\n"): its record or its problem */
void resources_prepare_line(resources_prepare_t *p, const u_char *s,
    size_t len, uint64_t line, resources_buf_t *out);
void resources_prepare_json(resources_prepare_t *p, json_t *record,
    uint64_t line, resources_buf_t *out);
/* a problem of the line itself */
void resources_prepare_error(resources_buf_t *out, uint64_t line,
    const char *message);

/* 0: added; -1: the record is refused, err says why */
int resources_build_apply(resources_build_t *b, const resources_prepared_t *r,
    char *err, size_t errlen);


/* mapsize: the address space the new file may grow to (0: a default) */
resources_build_t *resources_build_create(const char *path, size_t mapsize,
    char *err, size_t errlen);

/*
 * Records are then written by a thread of their own while the next ones
 * are added (a write error shows at a later add, or at finish), and finish
 * sorts postings with that many helper threads.  0 or -1.
 */
int resources_build_background(resources_build_t *b, unsigned threads);
/*
 * The dictionary of the packed records, before the first one (the first
 * RESOURCES_DICT_MAX bytes of the input, say; len may be 0): the records
 * are packed from then on, with it; 0 or -1 (out of memory)
 */
int resources_build_dict(resources_build_t *b, const u_char *dict,
    size_t len);
/* how to pack records (NULL until resources_build_dict()) */
const resources_pack_t *resources_build_pack(resources_build_t *b);

/* 0: added; -1: the record is refused, err says why */
int resources_build_add(resources_build_t *b, json_t *record, char *err,
    size_t errlen);

int resources_build_finish(resources_build_t *b, resources_build_stats_t *st,
    char *err, size_t errlen);

/*
 * Before finish: the build time (seconds since the epoch; time(NULL)
 * unless this is called) and the header of the snapshot that the new one
 * replaces, or NULL: its public_built is carried over when its public_hash
 * is the new one's (resources_store.h)
 */
void resources_build_time(resources_build_t *b, uint64_t built,
    const resources_header_t *published);

/*
 * The content version of the records added so far, and the public one
 * (over the public records alone), in hex (RESOURCES_VERSION_LEN + 1
 * bytes each): what finish will write in the header
 */
void resources_build_version(resources_build_t *b, u_char *version,
    u_char *public_version);

/* 1 when a record of this id was added, else 0 */
int resources_build_has_id(resources_build_t *b, const u_char *id,
    size_t len);

void resources_build_free(resources_build_t *b);

/* YYYY-MM or YYYY-MM-DD (days checked) as YYYYMMDD, DD = 0 for a month;
 * 0 when s is not such a date; day set when a day is required */
uint32_t resources_parse_date(const char *s, int day);
uint32_t resources_parse_date_n(const char *s, size_t len, int day);


#endif /* _RESOURCES_BUILD_H_INCLUDED_ */
