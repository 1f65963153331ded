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


/* limits on a record, checked by resources_build_add (docs/loader.md) */
#define RESOURCES_TITLE_MAX        2048      /* bytes */
#define RESOURCES_TEXT_MAX         (4 * 1024 * 1024)  /* summary, body */
#define RESOURCES_KEYWORDS_MAX     100       /* keywords of a record */
#define RESOURCES_RECORD_MAX       (16 * 1024 * 1024)  /* rendered JSON */


typedef struct resources_build_s  resources_build_t;

typedef struct {
    uint32_t   ndocs;
    uint32_t   nprivate;
    uint32_t   nkeywords;
    uint32_t   ntypes;
    uint32_t   nwords;
    u_char     version[RESOURCES_VERSION_LEN + 1];
    uint64_t   size;                 /* bytes of the file */
} resources_build_stats_t;


/* mapsize: the address space the new file may grow to (0: a default) */
resources_build_t *resources_build_create(const char *path, size_t mapsize,
    char *err, size_t errlen);

/* 0: added; -1: the record is refused, err says why */
int resources_build_add(resources_build_t *b, json_t *record, char *err,
    size_t errlen);

int resources_build_finish(resources_build_t *b, resources_build_stats_t *st,
    char *err, size_t errlen);

void resources_build_free(resources_build_t *b);

/* YYYY-MM or YYYY-MM-DD (days checked) as YYYYMMDD, DD = 0 for a month;
 * 0 when s is not such a date; day set when a day is required */
uint32_t resources_parse_date(const char *s, int day);


#endif /* _RESOURCES_BUILD_H_INCLUDED_ */
