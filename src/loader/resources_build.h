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

#include "resources_prepare.h"
#include "resources_store.h"
#include "resources_util.h"


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
 * threads: preparing it (resources_prepare.h) appends a
 * resources_prepared_t to a buffer; resources_build_apply() then adds the
 * prepared records to the builder, in input order.  Applying a prepared
 * record does exactly what resources_build_add() of the same record does,
 * messages included.
 */

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
/*
 * Whether records get their gzip pieces (RESOURCES_HEADER_GZIP): on unless
 * turned off before the first record
 */
void resources_build_set_gzip(resources_build_t *b, int on);
int resources_build_gzip(resources_build_t *b);

/* 0: added; -1: the record is refused, err says why */
int resources_build_add_tree(resources_build_t *b, resources_json_t *record,
    char *err, size_t errlen);
/* the same, from a jansson value (the tests') */
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
/*
 * The same, and then *hash is that record's XXH64 of its full form (seed
 * 0: what resources_snapshot_full() gives back hashes to it)
 */
int resources_build_id_hash(resources_build_t *b, const u_char *id,
    size_t len, uint64_t *hash);

/*
 * The synonyms' value (resources_synfile.h), before resources_build_version()
 * and finish: copied; written as "meta" "syn" with
 * RESOURCES_HEADER_SYNONYMS, and its XXH64 hashed into the content version
 * and the public one after the records (resources_version_synonyms).
 * Never called (or len 0): no synonyms, the versions over the records
 * alone
 */
void resources_build_synonyms(resources_build_t *b, const u_char *value,
    size_t len);

void resources_build_free(resources_build_t *b);

#endif /* _RESOURCES_BUILD_H_INCLUDED_ */
