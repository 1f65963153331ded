/*
 * Copyright (C) ngx_http_resources authors
 */


#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <jansson.h>

#include "resources_jsonl.h"
#include "resources_util.h"


#define RESOURCES_LINE_TOO_LONG  UINT32_MAX


typedef struct {
    uint64_t                line;
    uint32_t                off;
    uint32_t                len;          /* RESOURCES_LINE_TOO_LONG */
} resources_jline_t;


typedef struct resources_batch_s  resources_batch_t;

struct resources_batch_s {
    resources_batch_t      *next;         /* work to do, or free */
    u_char                 *in;
    size_t                  in_len;
    size_t                  in_cap;
    resources_jline_t      *lines;
    uint32_t                nlines;
    uint32_t                lines_cap;
    resources_buf_t         out;          /* resources_prepared_t, ... */
    int                     done;         /* under the mutex */
};


typedef struct {
    FILE                   *f;
    uint64_t                line;
    int                     eof;
    int                     error;        /* errno */
    int                     skipping;     /* the rest of a line too long */
    u_char                 *carry;        /* a line begun in a batch read */
    size_t                  carry_len;
    size_t                  carry_cap;
    int                     regular;      /* f is a regular file */
    off_t                   start;        /* where f was at first */
    off_t                   dropped;      /* from the page cache, to here */
} resources_reader_t;


/* the input's pages already read leave the page cache by 32 MiB */
#define RESOURCES_JSONL_DROP   ((off_t) 32 << 20)
#define RESOURCES_JSONL_RETRY  ((off_t) 512 << 20)


struct resources_jsonl_s {
    pthread_mutex_t         mutex;
    pthread_cond_t          work;         /* a batch to prepare, or quit */
    pthread_cond_t          done;         /* a batch prepared */
    resources_batch_t      *todo;         /* to prepare, in input order */
    resources_batch_t      *todo_last;
    int                     quit;

    pthread_t              *threads;
    unsigned                nthreads;

    resources_batch_t      *batches;
    unsigned                nbatches;
    resources_batch_t     **flight;       /* read, in input order (a ring) */
    unsigned                first;
    unsigned                nflight;
    resources_batch_t      *free;

    resources_prepare_t    *prep;         /* without workers */
    const resources_pack_t *pack;
    int                     gzip;
};


/* the records of one batch, in its buffer */

static void
resources_jsonl_prepare(resources_prepare_t *prep, resources_batch_t *b)
{
    char                  msg[64];
    size_t                len, n, at;
    uint32_t              i;
    const u_char         *s;
    resources_prepared_t  *r;
    resources_jline_t     *l;

    b->out.len = 0;

    for (i = 0; i < b->nlines; i++) {
        l = &b->lines[i];
        at = b->out.len;

        if (l->len == RESOURCES_LINE_TOO_LONG) {
            snprintf(msg, sizeof(msg), "line is longer than %d bytes",
                     RESOURCES_LINE_MAX);
            resources_prepare_error(&b->out, l->line, msg);
            len = RESOURCES_LINE_MAX;

        } else {
            s = b->in + l->off;
            len = l->len;

            if (len > 0 && s[len - 1] == '\r') {
                len--;
            }

            for (n = 0; n < len && (s[n] == ' ' || s[n] == '\t'); n++) {
                /* void */
            }

            if (n == len) {
                continue;                   /* blank line */
            }

            resources_prepare_line(prep, s, len, l->line, &b->out);
            len = l->len;
        }

        r = (resources_prepared_t *) (b->out.data + at);
        r->bytes = (uint32_t) len + 1;
    }
}


static void *
resources_jsonl_worker(void *arg)
{
    resources_jsonl_t  *p = arg;

    resources_batch_t    *b;
    resources_prepare_t  *prep;

    prep = resources_prepare_create(p->pack, p->gzip);

    pthread_mutex_lock(&p->mutex);

    for ( ;; ) {
        while (p->todo == NULL && !p->quit) {
            pthread_cond_wait(&p->work, &p->mutex);
        }

        if (p->todo == NULL) {
            break;
        }

        b = p->todo;
        p->todo = b->next;

        if (p->todo == NULL) {
            p->todo_last = NULL;
        }

        pthread_mutex_unlock(&p->mutex);

        resources_jsonl_prepare(prep, b);

        pthread_mutex_lock(&p->mutex);
        b->done = 1;
        pthread_cond_signal(&p->done);
    }

    pthread_mutex_unlock(&p->mutex);

    resources_prepare_free(prep);

    return NULL;
}


unsigned
resources_jsonl_threads(void)
{
    long         n;
    const char  *env;

    env = getenv("RESOURCES_LOAD_THREADS");

    if (env && *env) {
        n = strtol(env, NULL, 10);

    } else {
        n = sysconf(_SC_NPROCESSORS_ONLN);
    }

    if (n < 0) {
        n = 1;
    }

    return (unsigned) (n > RESOURCES_JSONL_THREADS ? RESOURCES_JSONL_THREADS
                                                   : n);
}


resources_jsonl_t *
resources_jsonl_create(unsigned threads, const resources_pack_t *pack,
    int gzip)
{
    unsigned            i;
    resources_jsonl_t  *p;

    p = resources_xcalloc(sizeof(resources_jsonl_t));
    p->pack = pack;
    p->gzip = gzip;

    /* enough batches for every worker to have one ahead */

    p->nbatches = threads ? threads * 2 + 2 : 1;
    p->batches = resources_xcalloc(p->nbatches * sizeof(resources_batch_t));
    p->flight = resources_xmalloc(p->nbatches * sizeof(resources_batch_t *));

    for (i = 0; i < p->nbatches; i++) {
        p->batches[i].next = p->free;
        p->free = &p->batches[i];
    }

    if (threads == 0) {
        p->prep = resources_prepare_create(pack, gzip);
        return p;
    }

    pthread_mutex_init(&p->mutex, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);

    /* jansson's one piece of global state, set before any thread uses it */

    json_object_seed(0);

    p->threads = resources_xmalloc(threads * sizeof(pthread_t));
    p->nthreads = resources_threads_start(p->threads, threads,
                                          resources_jsonl_worker, p, 0);

    if (p->nthreads == 0) {
        p->prep = resources_prepare_create(pack, gzip);
    }

    return p;
}


void
resources_jsonl_free(resources_jsonl_t *p)
{
    unsigned  i;

    if (p == NULL) {
        return;
    }

    if (p->threads) {
        pthread_mutex_lock(&p->mutex);
        p->quit = 1;
        pthread_cond_broadcast(&p->work);
        pthread_mutex_unlock(&p->mutex);

        for (i = 0; i < p->nthreads; i++) {
            pthread_join(p->threads[i], NULL);
        }

        pthread_mutex_destroy(&p->mutex);
        pthread_cond_destroy(&p->work);
        pthread_cond_destroy(&p->done);
        free(p->threads);
    }

    for (i = 0; i < p->nbatches; i++) {
        free(p->batches[i].in);
        free(p->batches[i].lines);
        resources_buf_free(&p->batches[i].out);
    }

    free(p->batches);
    free(p->flight);
    resources_prepare_free(p->prep);
    free(p);
}


static void
resources_jsonl_line(resources_batch_t *b, size_t off, size_t len,
    uint64_t line)
{
    resources_jline_t  *l;

    if (b->nlines == b->lines_cap) {
        b->lines_cap = b->lines_cap ? b->lines_cap * 2 : 1024;
        b->lines = resources_xrealloc(b->lines,
                                      b->lines_cap * sizeof(resources_jline_t));
    }

    l = &b->lines[b->nlines++];
    l->line = line;
    l->off = (uint32_t) off;
    l->len = len > RESOURCES_LINE_MAX ? RESOURCES_LINE_TOO_LONG
                                      : (uint32_t) len;
}


static void
resources_jsonl_grow(resources_batch_t *b, size_t need)
{
    size_t  cap;

    if (b->in_cap >= need) {
        return;
    }

    cap = b->in_cap ? b->in_cap : RESOURCES_JSONL_BATCH;

    while (cap < need) {
        cap *= 2;
    }

    b->in = resources_xrealloc(b->in, cap);
    b->in_cap = cap;
}


/*
 * The input is read once: the pages of a regular file that were read go
 * from the page cache as the load goes on (the last MiB read kept), so
 * that a large export does not push other files out of it.  On the
 * benchmark's virtual machine this memory is also what the snapshot's new
 * pages reuse, where new memory costs 3.5 ns a byte (docs/benchmarks.md).
 */

static void
resources_jsonl_drop(resources_reader_t *rd)
{
    off_t  from, to;

    to = ftello(rd->f);

    if (!rd->eof) {
        to = (to - ((off_t) 1 << 20)) & ~(RESOURCES_JSONL_DROP - 1);
    }

    if (to - rd->dropped < (rd->eof ? 1 : RESOURCES_JSONL_DROP)) {
        return;
    }

    /*
     * dirty pages (an export just written) are written back first and go
     * at a later call: the last RESOURCES_JSONL_RETRY bytes are asked again
     */

    from = (rd->dropped - rd->start > RESOURCES_JSONL_RETRY)
           ? rd->dropped - RESOURCES_JSONL_RETRY : rd->start;

    (void) posix_fadvise(fileno(rd->f), from, to - from, POSIX_FADV_DONTNEED);
    rd->dropped = to;
}


/*
 * Reads the next lines into a batch: about RESOURCES_JSONL_BATCH bytes of
 * whole lines (more for a long line); a line begun is kept for the next
 * batch.  The bytes of a line longer than RESOURCES_LINE_MAX are not kept.
 */

static void
resources_jsonl_fill(resources_reader_t *rd, resources_batch_t *b)
{
    size_t   pos, scan, n;
    u_char  *nl;

    b->nlines = 0;
    b->in_len = 0;
    b->done = 0;

    resources_jsonl_grow(b, rd->carry_len + RESOURCES_JSONL_BATCH);

    if (rd->carry_len) {
        memcpy(b->in, rd->carry, rd->carry_len);
    }

    b->in_len = rd->carry_len;
    rd->carry_len = 0;

    pos = 0;
    scan = 0;

    for ( ;; ) {

        /* the whole lines */

        while (scan < b->in_len
               && (nl = memchr(b->in + scan, '\n', b->in_len - scan)) != NULL)
        {
            if (rd->skipping) {
                rd->skipping = 0;           /* the end of a line too long */

            } else {
                resources_jsonl_line(b, pos, nl - (b->in + pos), ++rd->line);
            }

            pos = nl + 1 - b->in;
            scan = pos;
        }

        scan = b->in_len;

        /* a line begun: too long already? */

        if (rd->skipping) {
            b->in_len = pos;
            scan = pos;

        } else if (b->in_len - pos > RESOURCES_LINE_MAX) {
            resources_jsonl_line(b, pos, b->in_len - pos, ++rd->line);
            rd->skipping = 1;
            b->in_len = pos;
            scan = pos;
        }

        if (rd->eof || (b->nlines && b->in_len >= RESOURCES_JSONL_BATCH)) {
            break;
        }

        if (b->in_len == b->in_cap) {
            if (b->nlines) {
                break;
            }

            resources_jsonl_grow(b, b->in_cap * 2);
        }

        n = fread(b->in + b->in_len, 1, b->in_cap - b->in_len, rd->f);
        b->in_len += n;

        if (b->in_len < b->in_cap) {
            if (ferror(rd->f)) {
                rd->error = errno ? errno : EIO;
            }

            rd->eof = 1;
        }

        if (rd->regular) {
            resources_jsonl_drop(rd);
        }
    }

    if (!rd->eof) {

        /* the line begun, for the next batch */

        n = b->in_len - pos;

        if (rd->carry_cap < n) {
            free(rd->carry);
            rd->carry_cap = n > RESOURCES_JSONL_BATCH ? n
                                                      : RESOURCES_JSONL_BATCH;
            rd->carry = resources_xmalloc(rd->carry_cap);
        }

        if (n) {
            memcpy(rd->carry, b->in + pos, n);
        }

        rd->carry_len = n;
        b->in_len = pos;
        return;
    }

    if (pos < b->in_len) {
        if (rd->error) {
            rd->line++;                     /* where the error happened */

        } else {
            resources_jsonl_line(b, pos, b->in_len - pos, ++rd->line);
        }
    }
}


static void
resources_jsonl_submit(resources_jsonl_t *p, resources_batch_t *b)
{
    if (p->prep) {
        resources_jsonl_prepare(p->prep, b);
        b->done = 1;
        return;
    }

    pthread_mutex_lock(&p->mutex);

    b->next = NULL;

    if (p->todo_last) {
        p->todo_last->next = b;

    } else {
        p->todo = b;
    }

    p->todo_last = b;

    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mutex);
}


static void
resources_jsonl_wait(resources_jsonl_t *p, resources_batch_t *b)
{
    if (p->prep) {
        return;
    }

    pthread_mutex_lock(&p->mutex);

    while (!b->done) {
        pthread_cond_wait(&p->done, &p->mutex);
    }

    pthread_mutex_unlock(&p->mutex);
}


int
resources_jsonl_read(resources_jsonl_t *p, FILE *f, uint64_t *line,
    resources_jsonl_handler_pt handler, void *data)
{
    size_t                 at;
    struct stat            sb;
    resources_batch_t     *b;
    resources_reader_t     rd;
    resources_prepared_t  *r;

    memset(&rd, 0, sizeof(resources_reader_t));
    rd.f = f;
    rd.line = *line;
    rd.regular = (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode));
    rd.start = rd.regular ? ftello(f) : 0;
    rd.dropped = rd.start;

    if (rd.start < 0) {
        rd.regular = 0;
    }

    for ( ;; ) {

        /* read ahead as far as there are batches */

        while (!rd.eof && p->free) {
            b = p->free;
            p->free = b->next;

            resources_jsonl_fill(&rd, b);

            p->flight[(p->first + p->nflight++) % p->nbatches] = b;
            resources_jsonl_submit(p, b);
        }

        if (p->nflight == 0) {
            break;
        }

        /* the oldest batch, in order */

        b = p->flight[p->first];
        p->first = (p->first + 1) % p->nbatches;
        p->nflight--;

        resources_jsonl_wait(p, b);

        for (at = 0; at < b->out.len; at += r->size) {
            r = (resources_prepared_t *) (b->out.data + at);
            handler(data, r, r->bytes);
        }

        resources_heap_huge();

        b->next = p->free;
        p->free = b;
    }

    free(rd.carry);

    *line = rd.line;

    if (rd.error) {
        errno = rd.error;
        return -1;
    }

    return 0;
}
