/*
 * Copyright (C) ngx_http_resources authors
 *
 * Reading JSON Lines in a pipeline.  The calling thread reads the input in
 * batches of lines (about RESOURCES_JSONL_BATCH bytes each); worker threads
 * prepare the records of a batch (resources_prepare_line: parsing, checks,
 * rendering, folding, words), several batches at once; the calling thread
 * hands the prepared records to the handler in input order, which adds them
 * to the builder (resources_build_apply).  At most a fixed number of batches
 * are read ahead: memory stays bounded whatever the input's size.
 *
 * Lines are split on "\n", a final "\r" is dropped, blank lines (spaces and
 * tabs) are skipped; a line longer than RESOURCES_LINE_MAX bytes is a
 * problem of its own ("line is longer than ... bytes").
 */

#ifndef _RESOURCES_JSONL_H_INCLUDED_
#define _RESOURCES_JSONL_H_INCLUDED_


#include <stdio.h>
#include <stdint.h>

#include "resources_prepare.h"


#define RESOURCES_LINE_MAX       (16 * 1024 * 1024)
#define RESOURCES_JSONL_BATCH    (1024 * 1024)
#define RESOURCES_JSONL_THREADS  16          /* workers, at most */


typedef struct resources_jsonl_s  resources_jsonl_t;

/* a prepared record (or a problem), in input order; bytes: the input it
 * took, for progress */
typedef void (*resources_jsonl_handler_pt)(void *data,
    const resources_prepared_t *r, size_t bytes);


/*
 * threads: the number of workers; 0 prepares in the calling thread; pack:
 * how to pack the records (resources_build_pack()), or NULL; gzip: give
 * them their gzip pieces (resources_build_gzip())
 */
resources_jsonl_t *resources_jsonl_create(unsigned threads,
    const resources_pack_t *pack, int gzip);

/* the workers for this machine: RESOURCES_LOAD_THREADS, else the CPUs */
unsigned resources_jsonl_threads(void);

/*
 * Reads f to its end, the first line being number line + 1.  Returns 0, or
 * -1 on a read error: errno is set and *line is the line it happened on
 * (the records before it have been handed over).
 */
int resources_jsonl_read(resources_jsonl_t *p, FILE *f, uint64_t *line,
    resources_jsonl_handler_pt handler, void *data);

void resources_jsonl_free(resources_jsonl_t *p);


#endif /* _RESOURCES_JSONL_H_INCLUDED_ */
