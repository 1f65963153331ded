/*
 * Copyright (C) ngx_http_resources authors
 *
 * Preparing a record: an input record (a JSON Lines line, or a tree of
 * resources_json.h) to its canonical forms, everything
 * that needs no builder: the checks, the full form (packed or not) and its
 * hash, the folded type, keywords and title, the words with their best
 * field.  One resources_prepare_t per thread (it keeps buffers from record
 * to record); the result is appended to a buffer, a resources_prepared_t
 * and what follows it, for resources_build_apply() to add in input order.
 * A record refused here is a resources_prepared_t too, with its message:
 * the builder reports it at its place, so that the messages and their
 * order do not depend on the number of threads.
 *
 *     input (resources_jsonl, resources_listing) -> prepare -> build
 */

#ifndef _RESOURCES_PREPARE_H_INCLUDED_
#define _RESOURCES_PREPARE_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include "resources_json.h"
#include "resources_store.h"
#include "resources_util.h"


/* limits on a record, checked when it is prepared (docs/loader.md) */
#define RESOURCES_TITLE_MAX        2048      /* bytes */
#define RESOURCES_TEXT_MAX         (4 * 1024 * 1024)  /* summary, body */
#define RESOURCES_KEYWORDS_MAX     100       /* keywords of a record */


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

typedef struct {
    u_char                *dict;
    size_t                 len;
} resources_pack_t;

#define RESOURCES_PACK_MIN         64     /* shorter tails stay as they are */


/*
 * A prepared record: this header, then, each 8-aligned as a whole:
 *
 *     the message (status not OK), the id (status OK or BAD_LATE);
 *     then for OK, after padding to 8 bytes: the record as stored in the
 *     heap (resources_doc_t, full form, its tail packed or not, the id),
 *     the folded type, the type as written, the folded series and the
 *     series as written (both empty when none), the keywords (each: u32
 *     folded length, u32 length, u32 key length, folded, key
 *     (resources_keyword_key), as written), the folded title,
 *     the words (each: u32 resources_hash_key(), u8 length, u8 best
 *     field, the word), the word forms (each: u8 length, u8 stem length,
 *     u8 public, the form as the text has it, folded, and its stem: those
 *     the preparing thread had not given before, or not from a public
 *     record)
 */

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
    uint32_t   updated;         /* YYYYMMDD, 0 when none */
    uint32_t   type_len;        /* folded */
    uint32_t   type_raw_len;
    uint32_t   series_len;      /* folded, 0 when none */
    uint32_t   series_raw_len;
    uint32_t   nkeywords;
    uint32_t   keywords_len;
    uint32_t   title_len;       /* folded */
    uint32_t   nwords;
    uint32_t   words_len;
    uint32_t   nforms;          /* word forms new to the thread, after the */
    uint32_t   forms_len;       /* words (each: u8 length, u8 stem length,
                                   u8 public, the form, its stem) */
    uint32_t   bytes;           /* of input, for progress (the reader's) */
    uint32_t   pad;
    uint64_t   tsig[2];         /* the title's (resources_title_sig) */
} resources_prepared_t;


/*
 * pack: how to pack records, or NULL to store them as they are; gzip: give
 * each record its gzip piece (RESOURCES_DOC_GZIP)
 */
resources_prepare_t *resources_prepare_create(const resources_pack_t *pack,
    int gzip);
void resources_prepare_free(resources_prepare_t *p);

/* a JSON Lines line (not blank, no "\n"): its record or its problem */
void resources_prepare_line(resources_prepare_t *p, const u_char *s,
    size_t len, uint64_t line, resources_buf_t *out);
/* a record as a tree (resources_json.h: its root, RESOURCES_JSON_ROOT) */
void resources_prepare_tree(resources_prepare_t *p, resources_json_t *j,
    uint64_t line, resources_buf_t *out);
/* a problem of the line itself */
void resources_prepare_error(resources_buf_t *out, uint64_t line,
    const char *message);

/* YYYY-MM or YYYY-MM-DD (days checked) as YYYYMMDD, DD = 0 for a month;
 * 0 when s is not such a date; day set when a day is required */
uint32_t resources_parse_date(const char *s, int day);
uint32_t resources_parse_date_n(const char *s, size_t len, int day);


#endif /* _RESOURCES_PREPARE_H_INCLUDED_ */
