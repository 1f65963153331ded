/*
 * Copyright (C) ngx_http_resources authors
 */


#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "resources_prefault.h"
#include "resources_util.h"


/* how far ahead of the writer, and how much at a time */
#define RESOURCES_PREFAULT_AHEAD  ((off_t) 512 << 20)
#define RESOURCES_PREFAULT_STEP   ((off_t) 8 << 20)


struct resources_prefault_s {
    pthread_t        thread;
    pthread_mutex_t  mutex;
    pthread_cond_t   cond;
    int              fd;
    int              quit;
    off_t            end;        /* the writer's end of the file */
    off_t            limit;
    off_t            done;       /* in the page cache up to here */
};


static void *
resources_prefault_thread(void *arg)
{
    resources_prefault_t  *pf = arg;

    off_t  from, to;

    pthread_mutex_lock(&pf->mutex);

    for ( ;; ) {
        to = pf->end + RESOURCES_PREFAULT_AHEAD;

        if (to > pf->limit) {
            to = pf->limit;
        }

        from = (pf->done > pf->end) ? pf->done : pf->end;

        if (pf->quit) {
            break;
        }

        if (from >= to) {
            pthread_cond_wait(&pf->cond, &pf->mutex);
            continue;
        }

        if (to - from > RESOURCES_PREFAULT_STEP) {
            to = from + RESOURCES_PREFAULT_STEP;
        }

        pthread_mutex_unlock(&pf->mutex);

        /*
         * fallocate() extends the file only: the writer's bytes below its
         * end stay as they are, even where it wrote meanwhile
         */

        if (fallocate(pf->fd, 0, from, to - from) != 0) {
            pthread_mutex_lock(&pf->mutex);
            break;
        }

        (void) posix_fadvise(pf->fd, from, to - from, POSIX_FADV_WILLNEED);

        pthread_mutex_lock(&pf->mutex);
        pf->done = to;
    }

    pthread_mutex_unlock(&pf->mutex);

    return NULL;
}


resources_prefault_t *
resources_prefault_start(int fd, off_t end, off_t limit)
{
    struct sched_param     sp;
    resources_prefault_t  *pf;

    if (limit <= end) {
        return NULL;
    }

    pf = resources_xcalloc(sizeof(resources_prefault_t));

    pf->fd = fd;
    pf->end = end;
    pf->limit = limit;
    pf->done = end;

    pthread_mutex_init(&pf->mutex, NULL);
    pthread_cond_init(&pf->cond, NULL);

    if (resources_threads_start(&pf->thread, 1, resources_prefault_thread,
                                pf, 0)
        != 1)
    {
        pthread_mutex_destroy(&pf->mutex);
        pthread_cond_destroy(&pf->cond);
        free(pf);
        return NULL;
    }

    /* where SCHED_IDLE is refused, the thread runs as the others do */

    memset(&sp, 0, sizeof(struct sched_param));
    (void) pthread_setschedparam(pf->thread, SCHED_IDLE, &sp);

    return pf;
}


void
resources_prefault_advance(resources_prefault_t *pf, off_t end)
{
    if (pf == NULL) {
        return;
    }

    pthread_mutex_lock(&pf->mutex);

    if (end > pf->end) {
        pf->end = end;
        pthread_cond_signal(&pf->cond);
    }

    pthread_mutex_unlock(&pf->mutex);
}


int
resources_prefault_stop(resources_prefault_t *pf, off_t end)
{
    int          fd;
    struct stat  sb;

    if (pf == NULL) {
        return 0;
    }

    pthread_mutex_lock(&pf->mutex);
    pf->quit = 1;
    pthread_cond_signal(&pf->cond);
    pthread_mutex_unlock(&pf->mutex);

    pthread_join(pf->thread, NULL);
    pthread_mutex_destroy(&pf->mutex);
    pthread_cond_destroy(&pf->cond);

    fd = pf->fd;
    free(pf);

    /*
     * what was allocated beyond the writer's end goes (fallocate() may
     * have extended the file part of the way before it failed)
     */

    if (fstat(fd, &sb) != 0) {
        return errno;
    }

    if (sb.st_size > end && ftruncate(fd, end) != 0) {
        return errno;
    }

    return 0;
}
