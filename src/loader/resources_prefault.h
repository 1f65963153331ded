/*
 * Copyright (C) ngx_http_resources authors
 *
 * The prefaulter: a thread that puts the next pages of the file being
 * written into the page cache, on a CPU that would otherwise be idle, so
 * that the writes which follow only copy into pages that exist.  On the
 * benchmark's virtual machine a new page-cache page costs about 3.5 ns a
 * byte the first time (the host backs it), a page that exists 0.1 ns: a
 * million resources write 1 GB after the records, from the main thread
 * alone (docs/design.md, "Publishing", and docs/benchmarks.md).
 *
 * Caveats, first:
 *   - Linux only: fallocate(2) extends the file, zeroed, and
 *     POSIX_FADV_WILLNEED brings the zeroes into the page cache without
 *     reading the disk; where fallocate() fails (a file system without it,
 *     a full disk) the thread stops and the writes go on as without it;
 *   - nothing is ever written by the prefaulter: the bytes of the file are
 *     only LMDB's, and the file's size is LMDB's again once
 *     resources_prefault_stop() returned 0;
 *   - the caller says how far the file will surely grow ("limit"): the
 *     prefaulter never allocates beyond it, so that it cannot fill a disk
 *     that the load itself would not fill;
 *   - the thread runs with SCHED_IDLE where the kernel allows it: it takes
 *     no CPU from the load's other threads.
 */

#ifndef _RESOURCES_PREFAULT_H_INCLUDED_
#define _RESOURCES_PREFAULT_H_INCLUDED_


#include <sys/types.h>


typedef struct resources_prefault_s  resources_prefault_t;


/*
 * Starts a prefaulter for the file open at fd, written up to "end" so far,
 * that will grow to at least "limit" bytes; NULL when there is nothing to
 * do or no thread (the load goes on without).
 */
resources_prefault_t *resources_prefault_start(int fd, off_t end,
    off_t limit);

/* the file is written up to end: the prefaulter keeps ahead of it */
void resources_prefault_advance(resources_prefault_t *pf, off_t end);

/*
 * Stops the prefaulter (NULL: nothing to do) and gives the file its size:
 * end, where its writer stopped.  0, or the errno of ftruncate().
 */
int resources_prefault_stop(resources_prefault_t *pf, off_t end);


#endif /* _RESOURCES_PREFAULT_H_INCLUDED_ */
