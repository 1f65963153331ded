/*
 * Copyright (C) ngx_http_resources authors
 *
 * resources-load: catalogue in, snapshot out, published atomically.
 *
 *     resources-load [-knquvV] [--force] [--max-remove N|P%] [--keep N]
 *                    [--metrics-file FILE] [-s SYNONYMS] [-f jsonl|listing]
 *                    -o CATALOGUE.mdb FILE...
 *     resources-load --rollback -o CATALOGUE.mdb
 *     resources-load --dump CATALOGUE.mdb
 *     resources-load --verify CATALOGUE.mdb
 *
 * Publishing: the snapshot is built in "<output>.tmp.<pid>" next to the
 * output, checked (resources_snapshot_verify) while it is synced, renamed
 * over the output and the directory is synced.  Until the rename the
 * published file is untouched; on any failure the temporary file is
 * removed.  Temporary files left by a loader that died (its pid no longer
 * runs) are removed.  A catalogue with the published content version
 * publishes nothing; one that would remove too many published resources
 * is refused; the snapshots replaced are kept as generations.
 *
 * --metrics-file: the outcome of each load (not of a dry run), for
 * Prometheus (resources_metrics.h): every line after a success, the
 * failure line alone after a failure.
 *
 * Exit status: 0 success, 1 bad data or a runtime error, 2 bad usage.
 */


#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "resources_build.h"
#include "resources_jsonl.h"
#include "resources_listing.h"
#include "resources_metrics.h"
#include "resources_snapshot.h"
#include "resources_synfile.h"
#include "resources_text.h"
#include "resources_util.h"
#include "resources_version.h"


#define RESOURCES_LISTING_MAX    (256 * 1024 * 1024)
#define RESOURCES_SHOWN_MAX      20

/* a snapshot of more chunks of records is verified by several threads */
#define RESOURCES_VERIFY_CHUNKS_MIN  8

#define RESOURCES_FORMAT_AUTO    0
#define RESOURCES_FORMAT_JSONL   1
#define RESOURCES_FORMAT_LISTING 2


typedef struct {
    /* the command line (resources_options) */
    char                    *out;
    char                    *dump;
    char                    *verify;
    char                   **inputs;
    int                      ninputs;
    int                      skip_invalid;
    int                      quiet;
    int                      verbose;        /* -v: the time of each step */
    int                      format;
    int                      dry_run;
    int                      unpacked;
    int                      no_gzip;        /* --no-gzip */
    int                      diff;
    int                      rollback;
    int                      force;
    int                      percent;        /* max_remove is a percentage */
    uint64_t                 max_remove;
    unsigned long            keep;
    char                    *metrics;        /* --metrics-file, or NULL */
    char                    *synonyms;       /* --synonyms, or NULL */

    /* reading */
    resources_synfile_t      syn;            /* the synonyms' value */
    unsigned long            syn_shown;      /* their problems shown */
    resources_build_t       *build;
    resources_jsonl_t       *jsonl;
    const char              *file;
    unsigned long            problems;
    unsigned long            skipped;
    unsigned long            records;
    int                      fatal;          /* a file could not be read */
    int                      progress;       /* stderr is a terminal */
    double                   started;
    double                   shown;
    uint64_t                 bytes;          /* input read so far */
    uint64_t                 size;           /* input size, 0 when unknown */
    FILE                    *replay;         /* stdin, its head given again */

    /* the load (resources_load) */
    char                    *dir;            /* of the output */
    char                    *dir_copy;
    char                    *base_copy;
    uint64_t                 built;
    double                   start;
    double                   t_read;
    double                   t_verify;
    double                   t_diff;
    u_char                   version[RESOURCES_VERSION_LEN + 1];
    u_char                   public_version[RESOURCES_VERSION_LEN + 1];

    /* the published snapshot (resources_load_compare) */
    resources_header_t       ph;
    uint32_t                 removed;        /* of its resources */
    uint32_t                 changed;        /* of the others (metrics) */
    int                      published;
    int                      unchanged;
    int                      over;           /* removed more than allowed */

    resources_build_stats_t  st;

    /* a successful load, for --metrics-file */
    resources_metrics_t      m;
    int                      m_done;         /* m is set */
} resources_load_t;


/*
 * Standard input when it is a pipe: its first bytes are read for the
 * dictionary, then given again before the rest by a stream of our own
 * (fopencookie), so that a catalogue piped in is packed as its file is
 */

typedef struct {
    u_char             *head;
    size_t              len;
    size_t              pos;
    int                 eof;            /* met while reading the head */
} resources_replay_t;


static const char  *resources_prog = "resources-load";
static char        *resources_tmp_path;


static void
resources_usage(FILE *f)
{
    fprintf(f, "usage: %s [-knquvV] [--diff] [--force] [--max-remove N|P%%]"
            " [--keep N] [--metrics-file FILE] [--no-gzip]"
            " [-s SYNONYMS] [-f jsonl|listing]"
            " -o CATALOGUE.mdb FILE..."
            " | --rollback -o CATALOGUE.mdb | --dump CATALOGUE.mdb"
            " | --verify CATALOGUE.mdb\n", resources_prog);
}


static void
resources_problem(resources_load_t *ld, unsigned long line, const char *fmt,
    ...)
{
    va_list  ap;

    ld->problems++;

    if (ld->problems > RESOURCES_SHOWN_MAX) {
        return;
    }

    if (line) {
        fprintf(stderr, "%s: %s:%lu: ", resources_prog, ld->file, line);

    } else {
        fprintf(stderr, "%s: %s: ", resources_prog, ld->file);
    }

    if (ld->skip_invalid) {
        fprintf(stderr, "skipped: ");
    }

    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}


static void
resources_fatal_cleanup(int signo)
{
    if (resources_tmp_path) {
        unlink(resources_tmp_path);
    }

    signal(signo, SIG_DFL);
    raise(signo);
}


static void
resources_added(resources_load_t *ld)
{
    ld->records++;

    if (ld->progress && (ld->records & 1023) == 0) {
        double  now = resources_clock();

        if (now - ld->shown >= 0.25) {
            ld->shown = now;
            fprintf(stderr, "\r%s: %lu records, %.0f records/s",
                    resources_prog, ld->records,
                    ld->records / (now - ld->started));

            if (ld->size) {
                fprintf(stderr, ", %.0f%%", 100.0 * ld->bytes / ld->size);
            }

            fprintf(stderr, "\033[K");
        }
    }
}


static void
resources_add(resources_load_t *ld, resources_json_t *rec,
    unsigned long line)
{
    char  err[512];

    if (resources_build_add_tree(ld->build, rec, err, sizeof(err)) != 0) {
        ld->skipped++;
        resources_problem(ld, line, "%s", err);
        return;
    }

    resources_added(ld);
}


/* a prepared record of JSON Lines (or a problem of its line), in order */

static void
resources_apply(void *data, const resources_prepared_t *r, size_t bytes)
{
    resources_load_t  *ld = data;

    char  err[512];

    ld->bytes += bytes;

    if (resources_build_apply(ld->build, r, err, sizeof(err)) != 0) {
        ld->skipped++;
        resources_problem(ld, (unsigned long) r->line, "%s", err);
        return;
    }

    resources_added(ld);
}


/*
 * JSON Lines: read in batches, prepared by worker threads, added in input
 * order (resources_jsonl.h); memory stays bounded by a few batches and the
 * longest line
 */

static int
resources_read_jsonl(resources_load_t *ld, FILE *f, unsigned long lineno)
{
    uint64_t  line;

    if (ld->jsonl == NULL) {
        ld->jsonl = resources_jsonl_create(resources_jsonl_threads(),
                                           resources_build_pack(ld->build),
                                           resources_build_gzip(ld->build));
    }

    line = lineno;

    if (resources_jsonl_read(ld->jsonl, f, &line, resources_apply, ld) != 0) {
        resources_problem(ld, (unsigned long) line, "read error: %s",
                          strerror(errno));
        return -1;
    }

    return 0;
}


static int
resources_listing_record(void *data, resources_json_t *rec,
    unsigned long line)
{
    resources_add(data, rec, line);

    return 0;
}


static void
resources_listing_error(void *data, unsigned long line, const char *message)
{
    resources_load_t  *ld = data;

    ld->skipped++;
    resources_problem(ld, line, "%s", message);
}


static int
resources_read_listing(resources_load_t *ld, FILE *f, const char *head,
    size_t head_len)
{
    int     rc;
    char   *text;
    size_t  len, cap, n;

    cap = head_len + 64 * 1024;
    text = malloc(cap);
    if (text == NULL) {
        resources_problem(ld, 0, "out of memory");
        return -1;
    }

    memcpy(text, head, head_len);
    len = head_len;

    while ((n = fread(text + len, 1, cap - len, f)) > 0) {
        len += n;

        if (len > RESOURCES_LISTING_MAX) {
            resources_problem(ld, 0, "a listing is at most %d bytes",
                              RESOURCES_LISTING_MAX);
            free(text);
            return -1;
        }

        if (len == cap) {
            cap *= 2;
            text = realloc(text, cap);
            if (text == NULL) {
                resources_problem(ld, 0, "out of memory");
                return -1;
            }
        }
    }

    if (ferror(f)) {
        resources_problem(ld, 0, "read error: %s", strerror(errno));
        free(text);
        return -1;
    }

    rc = resources_listing_parse(text, len, resources_listing_record,
                                 resources_listing_error, ld);

    free(text);

    return rc == 0 ? 0 : (rc < 0 && ld->skip_invalid ? 0 : -1);
}


static ssize_t
resources_replay_read(void *cookie, char *buf, size_t size)
{
    size_t               n;
    ssize_t              rc;
    resources_replay_t  *r = cookie;

    if (r->pos < r->len) {
        n = (r->len - r->pos < size) ? r->len - r->pos : size;
        memcpy(buf, r->head + r->pos, n);
        r->pos += n;
        return (ssize_t) n;
    }

    if (r->eof) {
        return 0;               /* a terminal's ^D is not asked for twice */
    }

    do {
        rc = read(STDIN_FILENO, buf, size);
    } while (rc < 0 && errno == EINTR);

    return rc;
}


static int
resources_replay_close(void *cookie)
{
    resources_replay_t  *r = cookie;

    free(r->head);
    free(r);

    return 0;
}


/*
 * The first RESOURCES_DICT_MAX bytes of standard input, to dict; returns
 * how many.  A regular file is read where it is (pread: it stays there);
 * anything else gives them once, and ld->replay gives them again: it is
 * standard input from then on, every "-" reading it, closed at the end.
 */

static size_t
resources_stdin_head(resources_load_t *ld, u_char *dict)
{
    off_t                   at;
    size_t                  n;
    ssize_t                 rc;
    struct stat             sb;
    resources_replay_t     *r;
    cookie_io_functions_t   io = { resources_replay_read, NULL, NULL,
                                   resources_replay_close };

    if (fstat(STDIN_FILENO, &sb) != 0) {
        return 0;
    }

    if (S_ISREG(sb.st_mode)) {
        at = lseek(STDIN_FILENO, 0, SEEK_CUR);
        rc = (at < 0) ? -1
                      : pread(STDIN_FILENO, dict, RESOURCES_DICT_MAX, at);

        return (rc > 0) ? (size_t) rc : 0;
    }

    /* a pipe, a terminal: read once (an error is met again later) */

    n = 0;
    rc = 1;

    while (n < RESOURCES_DICT_MAX) {
        rc = read(STDIN_FILENO, dict + n, RESOURCES_DICT_MAX - n);

        if (rc < 0 && errno == EINTR) {
            continue;
        }

        if (rc <= 0) {
            break;
        }

        n += (size_t) rc;
    }

    r = resources_xmalloc(sizeof(resources_replay_t));
    r->head = resources_xmalloc(n ? n : 1);
    memcpy(r->head, dict, n);
    r->len = n;
    r->pos = 0;
    r->eof = (rc == 0);

    ld->replay = fopencookie(r, "r", io);

    if (ld->replay == NULL) {
        resources_oom();
    }

    return n;
}


/*
 * A UTF-8 byte order mark (EF BB BF) at the start of a file, in either
 * format, is skipped; anything else is given back (glibc's ungetc() takes
 * back more than one byte)
 */

static void
resources_skip_bom(FILE *f)
{
    int     c, i;
    int     got[3];
    static  const int  bom[3] = { 0xef, 0xbb, 0xbf };

    for (i = 0; i < 3; i++) {
        c = getc(f);
        got[i] = c;

        if (c != bom[i]) {
            break;
        }
    }

    if (i == 3) {
        return;
    }

    for ( /* void */ ; i >= 0; i--) {
        if (got[i] != EOF) {
            ungetc(got[i], f);
        }
    }
}


static int
resources_read_file(resources_load_t *ld, const char *path)
{
    int             rc, c, format;
    char            head[4096];
    FILE           *f;
    size_t          n, i;
    unsigned long   lines;

    if (strcmp(path, "-") == 0) {
        f = ld->replay ? ld->replay : stdin;
        ld->file = "-";

    } else {
        f = fopen(path, "r");
        if (f == NULL) {
            fprintf(stderr, "%s: %s: %s\n", resources_prog, path,
                    strerror(errno));
            ld->problems++;
            ld->fatal = 1;
            return -1;
        }

        ld->file = path;
    }

    {
        struct stat  sb;

        ld->size = 0;
        ld->bytes = 0;

        if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode)) {
            ld->size = (uint64_t) sb.st_size;
        }
    }

    format = ld->format;
    lines = 0;

    resources_skip_bom(f);

    if (format == RESOURCES_FORMAT_AUTO) {

        /*
         * JSON Lines start with "{" (or "[", to say that it is no record)
         * after white space (and a byte order mark); a listing starts with
         * its header line
         */

        n = 0;

        while ((c = getc(f)) != EOF && n < sizeof(head)) {
            head[n++] = (char) c;

            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                break;
            }
        }

        if (n == 0) {
            resources_problem(ld, 0, "empty file");
            rc = -1;
            goto done;
        }

        format = (head[n - 1] == '{' || head[n - 1] == '[')
                 ? RESOURCES_FORMAT_JSONL : RESOURCES_FORMAT_LISTING;

        if (format == RESOURCES_FORMAT_JSONL) {

            /* put it back; the blank lines before it are counted */

            ungetc(head[n - 1], f);

            for (i = 0; i < n; i++) {
                lines += (head[i] == '\n');
            }
        }

    } else {
        n = 0;
    }

    if (format == RESOURCES_FORMAT_JSONL) {
        rc = resources_read_jsonl(ld, f, lines);

    } else {
        rc = resources_read_listing(ld, f, head, n);
    }

done:

    if (f != stdin && f != ld->replay) {
        fclose(f);
    }

    return rc;
}


/*
 * The pid in a temporary file's name of ours, or 0: "<base>.tmp.<pid>"
 * (a snapshot being written), "<base>.prev[.N].tmp.<pid>" or
 * "<base>.undone.tmp.<pid>" (a generation being linked into place)
 */

static long
resources_stale_pid(const char *name, const char *base, size_t blen)
{
    long         pid;
    char        *end;
    const char  *p;

    if (strncmp(name, base, blen) != 0) {
        return 0;
    }

    p = name + blen;

    if (strncmp(p, ".prev", 5) == 0) {
        p += 5;

        if (p[0] == '.' && p[1] >= '0' && p[1] <= '9') {
            for (p++; *p >= '0' && *p <= '9'; p++) { /* void */ }
        }

    } else if (strncmp(p, ".undone", 7) == 0) {
        p += 7;
    }

    if (strncmp(p, ".tmp.", 5) != 0) {
        return 0;
    }

    pid = strtol(p + 5, &end, 10);

    return (*end == '\0' && pid > 0) ? pid : 0;
}


/* removes the temporary files of ours whose loader is gone */

static void
resources_clean_stale(const char *dir, const char *base)
{
    DIR            *d;
    long            pid;
    char            path[4096];
    size_t          blen;
    struct dirent  *de;

    d = opendir(dir);
    if (d == NULL) {
        return;
    }

    blen = strlen(base);

    while ((de = readdir(d)) != NULL) {
        pid = resources_stale_pid(de->d_name, base, blen);

        if (pid == 0 || kill((pid_t) pid, 0) == 0 || errno != ESRCH) {
            continue;
        }

        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);

        if (unlink(path) == 0) {
            fprintf(stderr, "%s: removed %s, left by a load that did not"
                    " finish\n", resources_prog, path);
        }
    }

    closedir(d);
}


/*
 * The new snapshot goes to the disk while it is verified: fdatasync() in
 * a thread of its own (most of it is waiting for the disk), waited for
 * before anything is published
 */

typedef struct {
    const char            *path;
    int                    err;           /* an errno, or 0 */
    resources_task_t       task;
} resources_sync_t;


static void *
resources_sync_file(void *arg)
{
    resources_sync_t  *sy = arg;

    int  fd;

    fd = open(sy->path, O_RDONLY);

    if (fd < 0 || fdatasync(fd) != 0) {
        sy->err = errno ? errno : EIO;
    }

    if (fd >= 0) {
        close(fd);
    }

    return NULL;
}


static void
resources_sync_start(resources_sync_t *sy, const char *path)
{
    sy->path = path;
    sy->err = 0;

    resources_task_start(&sy->task, resources_sync_file, sy, 1);
}


/* 0, or the errno of the sync */

static int
resources_sync_wait(resources_sync_t *sy)
{
    resources_task_wait(&sy->task);

    return sy->err;
}


static int
resources_sync_dir(const char *dir)
{
    int  fd, rc;

    fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        return -1;
    }

    rc = fsync(fd);
    close(fd);

    return rc;
}


static int
resources_dump(const char *path)
{
    int                    rc;
    char                   err[512];
    uint32_t               i, ord, *docno;
    u_char                *buf;
    size_t                 cap;
    const u_char          *full;
    resources_record_t     rec;
    resources_snapshot_t   s;

    buf = NULL;
    cap = 0;

    if (resources_snapshot_open(&s, path, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s: %s: %s\n", resources_prog, path, err);
        return 1;
    }

    /* records in input order: "order" maps docnos to ordinals */

    docno = resources_xmalloc((s.header.ndocs + 1) * sizeof(uint32_t));
    memset(docno, 0xff, (s.header.ndocs + 1) * sizeof(uint32_t));

    for (i = 0; i < s.header.ndocs; i++) {
        ord = resources_snapshot_col(s.order, i);
        docno[ord] = i;
    }

    rc = 0;

    for (i = 0; i < s.header.ndocs; i++) {
        if (docno[i] == UINT32_MAX
            || resources_snapshot_record(&s, docno[i], &rec) != 0)
        {
            fprintf(stderr, "%s: %s: record %u is malformed\n",
                    resources_prog, path, i);
            rc = 1;
            break;
        }

        full = resources_snapshot_full(&s, &rec, &buf, &cap);
        if (full == NULL) {
            fprintf(stderr, "%s: %s: record %u does not unpack\n",
                    resources_prog, path, i);
            rc = 1;
            break;
        }

        fwrite(full, 1, rec.full_len, stdout);
        putchar('\n');
    }

    free(docno);
    free(buf);
    resources_snapshot_close(&s);

    if (fflush(stdout) != 0) {
        fprintf(stderr, "%s: write error: %s\n", resources_prog,
                strerror(errno));
        return 1;
    }

    return rc;
}


/* a part of the verification of a snapshot, on a snapshot of its own */

typedef struct {
    const char            *path;
    unsigned               part;
    unsigned               nparts;
    int                    rc;
    resources_verify_t     v;
    char                   err[512];
} resources_vpart_t;


/* the XXH64 of each record's full form, by docno (resources_verify) */

static void
resources_verify_record(void *data, uint32_t docno, const u_char *full,
    size_t len)
{
    uint64_t  *hashes = data;

    hashes[docno] = resources_xxh64(full, len, 0);
}


/*
 * The content version that the records give (docs/design.md, "Content
 * version"), in input order: "order" must be a permutation; 0, or -1 with
 * a message
 */

static int
resources_verify_version(resources_snapshot_t *s, const uint64_t *hashes,
    char *err, size_t errlen)
{
    u_char     version[RESOURCES_VERSION_LEN + 1];
    u_char     public_version[2][RESOURCES_VERSION_LEN + 1];
    uint32_t   d, o, n, *docno;
    uint64_t   h, hp;

    n = s->header.ndocs;
    docno = resources_xmalloc(((size_t) n + 1) * sizeof(uint32_t));
    memset(docno, 0xff, ((size_t) n + 1) * sizeof(uint32_t));

    for (d = 0; d < n; d++) {
        o = resources_snapshot_col(s->order, d);

        if (o >= n || docno[o] != UINT32_MAX) {
            free(docno);
            snprintf(err, errlen, "the order column is not a permutation"
                     " (docno %u)", d);
            return -1;
        }

        docno[o] = d;
    }

    h = resources_version_start();
    hp = h;

    for (o = 0; o < n; o++) {
        d = docno[o];
        h = resources_version_add(h, hashes[d], s->priv[d]);

        if (!s->priv[d]) {
            hp = resources_version_add(hp, hashes[d], 0);
        }
    }

    free(docno);

    /* the synonyms, after the records (checked when the file opened) */

    if (s->header.flags & RESOURCES_HEADER_SYNONYMS) {
        h = resources_version_synonyms(h, resources_xxh64(s->syn.value,
                                                          s->syn.len, 0));
        hp = resources_version_synonyms(hp, resources_xxh64(s->syn.value,
                                                            s->syn.len, 0));
    }

    resources_version_hex(h, version);

    if (memcmp(version, s->version, RESOURCES_VERSION_LEN) != 0) {
        snprintf(err, errlen, "the records give version %s, the header says"
                 " %s: a record changed after it was written", version,
                 s->version);
        return -1;
    }

    /* the public view's version (when the header has it) */

    if ((s->header.flags & RESOURCES_HEADER_PUBLIC)
        && hp != s->header.public_hash)
    {
        resources_version_hex(hp, public_version[0]);
        resources_version_hex(s->header.public_hash, public_version[1]);
        snprintf(err, errlen, "the public records give version %s, the"
                 " header says %s", public_version[0], public_version[1]);
        return -1;
    }

    return 0;
}


static void *
resources_verify_part(void *arg)
{
    resources_vpart_t  *vp = arg;

    resources_snapshot_t  s;

    vp->rc = -1;

    if (resources_snapshot_open(&s, vp->path, vp->err, sizeof(vp->err)) != 0)
    {
        return NULL;
    }

    vp->rc = resources_snapshot_verify_part(&s, vp->part, vp->nparts,
                                            &vp->v, vp->err,
                                            sizeof(vp->err));
    resources_snapshot_close(&s);

    return NULL;
}


/* the records are checked by as many threads as load, in parts */

static int
resources_verify(const char *path, int quiet)
{
    int                    rc;
    char                   err[512], when[64], pwhen[64], public[128];
    u_char                 pv[RESOURCES_VERSION_LEN + 1];
    time_t                 t;
    unsigned               i, n, nparts;
    int                    check_version;
    uint32_t               windows;
    uint64_t              *hashes;
    resources_verify_t     v;
    pthread_t              tids[RESOURCES_JSONL_THREADS];
    resources_vpart_t      parts[RESOURCES_JSONL_THREADS];
    resources_snapshot_t   s;

    if (resources_snapshot_open(&s, path, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s: %s: %s\n", resources_prog, path, err);
        return 1;
    }

    /*
     * The records against the content version: from schema 2 on (loaders
     * of older schemas may have defined the version otherwise)
     */

    check_version = (s.header.schema >= 2);
    hashes = NULL;

    if (check_version) {
        hashes = resources_xmalloc(((size_t) s.header.ndocs + 1)
                                   * sizeof(uint64_t));
    }

    nparts = resources_jsonl_threads();

    if (nparts < 1 || s.nchunks <= RESOURCES_VERIFY_CHUNKS_MIN) {
        nparts = 1;
    }

    windows = 0;
    v.packed = 0;
    v.record = check_version ? resources_verify_record : NULL;
    v.data = hashes;
    v.windows = &windows;

    for (i = 1; i < nparts; i++) {
        parts[i].path = path;
        parts[i].part = i;
        parts[i].v = v;
        parts[i].nparts = nparts;
    }

    n = resources_threads_start(tids, nparts - 1, resources_verify_part,
                                &parts[1], sizeof(parts[0]));

    if (n + 1 < nparts) {

        /* fewer threads: the parts not started, here */

        for (i = n + 1; i < nparts; i++) {
            resources_verify_part(&parts[i]);
        }
    }

    rc = resources_snapshot_verify_part(&s, 0, nparts, &v, err,
                                        sizeof(err));

    for (i = 0; i < n; i++) {
        pthread_join(tids[i], NULL);
    }

    for (i = 1; rc == 0 && i < nparts; i++) {
        if (parts[i].rc != 0) {
            rc = -1;
            memcpy(err, parts[i].err, sizeof(err));
        }

        v.packed += parts[i].v.packed;
    }

    if (rc == 0 && check_version) {
        rc = resources_verify_version(&s, hashes, err, sizeof(err));
    }

    free(hashes);

    if (rc != 0) {
        fprintf(stderr, "%s: %s: %s\n", resources_prog, path, err);
        resources_snapshot_close(&s);
        return 1;
    }

    t = (time_t) s.header.built;
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));

    /* the public view's version and build time, when the header has them */

    public[0] = '\0';

    if (s.header.flags & RESOURCES_HEADER_PUBLIC) {
        resources_version_hex(s.header.public_hash, pv);
        t = (time_t) s.header.public_built;
        strftime(pwhen, sizeof(pwhen), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
        snprintf(public, sizeof(public), ", public version %s, public"
                 " built %s", pv, pwhen);
    }

    if (!quiet) {
        printf("%s: ok: %u resources (%u private), %u keywords, %u types,"
               " %u words, %lld bytes, version %s, built %s%s, %u records"
               " packed",
               path, s.header.ndocs, s.header.ndocs - s.header.npublic,
               s.header.nkeywords[1], s.header.ntypes[1], s.header.nwords,
               (long long) s.size, s.version, when, public, v.packed);

        if (s.syn.value) {
            printf(", synonyms: %u forms searched for, %u forms",
                   s.syn.ntriggers, s.syn.nforms);
        }

        printf("\n");
    }

    resources_snapshot_close(&s);

    return 0;
}


/*
 * What a new snapshot changes against the published one: "+ id" added,
 * "- id" removed, "~ id" changed (its full form differs), then a count.
 */

static int
resources_diff(const char *new_path, const char *old_path)
{
    char                   err[512];
    uint32_t               i, docno;
    unsigned long          added, removed, changed, same;
    u_char                *abuf, *bbuf;
    size_t                 acap, bcap;
    resources_record_t     a, b;
    resources_snapshot_t   n, o;
    const u_char          *fa, *fb;
    int                    rc, have_old;

    if (resources_snapshot_open(&n, new_path, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s: %s: %s\n", resources_prog, new_path, err);
        return -1;
    }

    have_old = (access(old_path, F_OK) == 0);

    if (have_old
        && resources_snapshot_open(&o, old_path, err, sizeof(err)) != 0)
    {
        fprintf(stderr, "%s: %s: %s\n", resources_prog, old_path, err);
        resources_snapshot_close(&n);
        return -1;
    }

    added = removed = changed = same = 0;
    rc = 0;
    abuf = NULL;
    bbuf = NULL;
    acap = 0;
    bcap = 0;

    for (i = 0; i < n.header.ndocs; i++) {
        if (resources_snapshot_record(&n, i, &a) != 0) {
            continue;
        }

        fa = NULL;
        fb = NULL;

        if (!have_old || resources_snapshot_id(&o, a.id, a.id_len, &docno) != 0
            || resources_snapshot_record(&o, docno, &b) != 0)
        {
            printf("+ %.*s\n", (int) a.id_len, a.id);
            added++;

        } else if (a.full_len == b.full_len
                   && ((fa = resources_snapshot_full(&n, &a, &abuf, &acap))
                       == NULL
                       || (fb = resources_snapshot_full(&o, &b, &bbuf, &bcap))
                          == NULL))
        {
            fprintf(stderr, "%s: %s: record \"%.*s\" does not unpack\n",
                    resources_prog, fa ? old_path : new_path,
                    (int) a.id_len, a.id);
            rc = -1;
            break;

        } else if (a.full_len != b.full_len
                   || memcmp(fa, fb, a.full_len) != 0)
        {
            printf("~ %.*s\n", (int) a.id_len, a.id);
            changed++;

        } else {
            same++;
        }
    }

    for (i = 0; rc == 0 && have_old && i < o.header.ndocs; i++) {
        if (resources_snapshot_record(&o, i, &b) == 0
            && resources_snapshot_id(&n, b.id, b.id_len, &docno) != 0)
        {
            printf("- %.*s\n", (int) b.id_len, b.id);
            removed++;
        }
    }

    if (rc == 0) {
        printf("%s: against %s%s: %lu added, %lu removed, %lu changed,"
               " %lu unchanged\n", resources_prog, old_path,
               have_old ? "" : " (none published yet)", added, removed,
               changed, same);
    }

    free(abuf);
    free(bbuf);
    resources_snapshot_close(&n);

    if (have_old) {
        resources_snapshot_close(&o);
    }

    return (fflush(stdout) == 0 && rc == 0) ? 0 : -1;
}


/*
 * Generations: the snapshots that publishes replaced, the newest first:
 * generation 1 is "<out>.prev", generation i > 1 "<out>.prev.<i>".  A
 * rollback keeps the snapshot it takes down as "<out>.undone".
 */

#define RESOURCES_KEEP_DEFAULT   3
#define RESOURCES_KEEP_MAX       100

static char *
resources_gen_path(const char *out, unsigned i)
{
    char    *p;
    size_t   len;

    len = strlen(out) + 32;
    p = resources_xmalloc(len);

    if (i == 0) {
        snprintf(p, len, "%s.undone", out);

    } else if (i == 1) {
        snprintf(p, len, "%s.prev", out);

    } else {
        snprintf(p, len, "%s.prev.%u", out, i);
    }

    return p;
}


/*
 * "to" becomes another name of the file "from": a hard link renamed over
 * it, so that "to" never disappears; 0, or -1 (errno) and "to" as it was
 */

static int
resources_link_over(const char *from, const char *to)
{
    int     rc, saved;
    char   *tmp;
    size_t  len;

    len = strlen(to) + 32;
    tmp = resources_xmalloc(len);
    snprintf(tmp, len, "%s.tmp.%ld", to, (long) getpid());

    unlink(tmp);
    rc = (link(from, tmp) == 0 && rename(tmp, to) == 0) ? 0 : -1;

    if (rc != 0) {
        saved = errno;
        unlink(tmp);
        errno = saved;
    }

    free(tmp);

    return rc;
}


/*
 * Before a new snapshot replaces the published one: each generation moves
 * one up (the oldest kept, keep, is dropped), and the published one
 * becomes generation 1; generations past keep are removed.  Each step
 * links a file over the next name: a crash between two leaves a name
 * twice, never a generation lost.
 */

static int
resources_keep_previous(const char *out, unsigned keep)
{
    int        rc;
    char      *from, *to;
    unsigned   i;

    if (access(out, F_OK) != 0) {
        return 0;
    }

    rc = 0;

    for (i = keep; rc == 0 && i >= 1; i--) {
        from = (i == 1) ? strdup(out) : resources_gen_path(out, i - 1);
        to = resources_gen_path(out, i);

        if (from == NULL) {
            resources_oom();
        }

        if (access(from, F_OK) == 0 && resources_link_over(from, to) != 0) {
            fprintf(stderr, "%s: %s: cannot keep the previous snapshot: %s\n",
                    resources_prog, to, strerror(errno));
            rc = -1;
        }

        free(from);
        free(to);
    }

    /* the generations past the number to keep */

    for (i = keep + 1; rc == 0 && i <= RESOURCES_KEEP_MAX + 1; i++) {
        to = resources_gen_path(out, i);

        if (unlink(to) != 0 && errno == ENOENT && i > 1) {
            free(to);
            break;
        }

        free(to);
    }

    return rc;
}


/*
 * --rollback: generation 1 (verified entirely first) becomes the
 * published snapshot, each older generation moves one down, and the
 * snapshot taken down is kept as "<out>.undone"; so each rollback goes
 * one generation further back
 */

static int
resources_rollback(const char *out, const char *dir, int quiet)
{
    int                    rc;
    char                  *prev, *undone, *from, *to, err[512];
    unsigned               i;
    u_char                 back[RESOURCES_VERSION_LEN + 1];
    u_char                 was[RESOURCES_VERSION_LEN + 1];
    resources_snapshot_t   s;

    rc = 1;
    was[0] = '\0';
    prev = resources_gen_path(out, 1);
    undone = resources_gen_path(out, 0);

    if (resources_snapshot_open(&s, prev, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s: %s: %s: nothing was changed\n", resources_prog,
                prev, err);
        goto done;
    }

    memcpy(back, s.version, sizeof(back));
    resources_snapshot_close(&s);

    /* entirely, as --verify does: the records against their version too */

    if (resources_verify(prev, 1) != 0) {
        fprintf(stderr, "%s: %s: failed verification: nothing was changed\n",
                resources_prog, prev);
        goto done;
    }

    if (resources_snapshot_open(&s, out, err, sizeof(err)) == 0) {
        memcpy(was, s.version, sizeof(was));
        resources_snapshot_close(&s);
    }

    if (access(out, F_OK) == 0 && resources_link_over(out, undone) != 0) {
        fprintf(stderr, "%s: %s: %s: nothing was changed\n", resources_prog,
                undone, strerror(errno));
        goto done;
    }

    if (resources_link_over(prev, out) != 0) {
        fprintf(stderr, "%s: %s: %s: nothing was changed\n", resources_prog,
                out, strerror(errno));
        goto done;
    }

    /* the older generations, one down; the last name then goes */

    for (i = 1; /* void */ ; i++) {
        from = resources_gen_path(out, i + 1);
        to = resources_gen_path(out, i);

        if (i > RESOURCES_KEEP_MAX || access(from, F_OK) != 0) {
            unlink(to);
            free(from);
            free(to);
            break;
        }

        if (resources_link_over(from, to) != 0) {
            fprintf(stderr, "%s: %s: %s\n", resources_prog, to,
                    strerror(errno));
        }

        free(from);
        free(to);
    }

    resources_sync_dir(dir);

    if (!quiet) {
        printf("%s: rolled back %s to version %s (was %s, kept as %s)\n",
               resources_prog, out, back, was[0] ? (char *) was : "none",
               undone);
    }

    rc = 0;

done:

    free(prev);
    free(undone);

    return rc;
}


/*
 * The snapshot a load would replace: its header, and how many of its
 * resources the new catalogue leaves out (its ids against those added to
 * the builder); 0, or -1 with a message.  With changed (--metrics-file),
 * how many of the others have another full form, as --diff says "~ id":
 * each one unpacked and hashed (none when the content version is the
 * load's, version; a record that does not unpack counts as changed)
 */

static int
resources_published(const char *out, resources_build_t *b,
    const u_char *version, resources_header_t *h, uint32_t *removed,
    uint32_t *changed, char *err, size_t errlen)
{
    int                    rc;
    u_char                *buf;
    size_t                 cap;
    MDB_val                k, d;
    uint32_t               docno;
    uint64_t               hash;
    MDB_cursor            *c;
    const u_char          *full;
    resources_record_t     rec;
    resources_snapshot_t   s;

    if (resources_snapshot_open(&s, out, err, errlen) != 0) {
        return -1;
    }

    *h = s.header;
    memcpy(h->version, s.version, RESOURCES_VERSION_LEN);
    *removed = 0;

    if (changed) {
        *changed = 0;

        if (memcmp(s.version, version, RESOURCES_VERSION_LEN) == 0) {
            changed = NULL;
        }
    }

    buf = NULL;
    cap = 0;

    rc = mdb_cursor_open(s.txn, s.ids, &c);

    if (rc == 0) {
        while ((rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) == 0) {
            if (!resources_build_id_hash(b, k.mv_data, k.mv_size, &hash)) {
                (*removed)++;
                continue;
            }

            if (changed == NULL) {
                continue;
            }

            full = NULL;

            if (d.mv_size == sizeof(uint32_t)) {
                docno = resources_get_u32(d.mv_data);

                if (docno < s.header.ndocs
                    && resources_snapshot_record(&s, docno, &rec) == 0)
                {
                    full = resources_snapshot_full(&s, &rec, &buf, &cap);
                }
            }

            *changed += (full == NULL
                         || resources_xxh64(full, rec.full_len, 0) != hash);
        }

        mdb_cursor_close(c);
    }

    free(buf);
    resources_snapshot_close(&s);

    if (rc != MDB_NOTFOUND) {
        snprintf(err, errlen, "reading its ids: %s", mdb_strerror(rc));
        return -1;
    }

    return 0;
}


/* the most a load may remove of n published resources (--max-remove) */

static uint64_t
resources_max_remove(uint64_t n, uint64_t max, int percent)
{
    return percent ? n * max / 100 : max;
}


/*
 * --max-remove N or P%: 0, or -1 when it is neither (P at most 100)
 */

static int
resources_parse_max_remove(const char *arg, uint64_t *max, int *percent)
{
    char                *end;
    unsigned long long   v;

    if (*arg < '0' || *arg > '9') {
        return -1;
    }

    errno = 0;
    v = strtoull(arg, &end, 10);

    if (errno != 0 || v > UINT32_MAX) {
        return -1;
    }

    *percent = (*end == '%');

    if (*percent) {
        end++;

        if (v > 100) {
            return -1;
        }
    }

    if (*end != '\0') {
        return -1;
    }

    *max = v;

    return 0;
}


/*
 * SOURCE_DATE_EPOCH (reproducible-builds.org): the build time, when it is
 * set; 0, or -1 when it is not a number of seconds
 */

static int
resources_build_epoch(uint64_t *built)
{
    char                *e, *end;
    unsigned long long   v;

    e = getenv("SOURCE_DATE_EPOCH");

    if (e == NULL) {
        *built = (uint64_t) time(NULL);
        return 0;
    }

    errno = 0;
    v = strtoull(e, &end, 10);

    if (*e < '0' || *e > '9' || *end != '\0' || errno != 0
        || v > INT64_MAX)
    {
        fprintf(stderr, "%s: SOURCE_DATE_EPOCH: \"%s\" is not a number of"
                " seconds since 1970\n", resources_prog, e);
        return -1;
    }

    *built = v;

    return 0;
}


/* -v: the time of each step of a load, on stderr, once it succeeded */

static void
resources_steps(const resources_build_stats_t *st, double read, double verify,
    double diff, double publish)
{
    size_t  i;

    fprintf(stderr, "%s: %8.2f s  records read, prepared and added\n",
            resources_prog, read);

    for (i = 0; i < RESOURCES_BUILD_STEPS; i++) {
        fprintf(stderr, "%s: %8.2f s  %s\n", resources_prog, st->step[i],
                resources_build_step_names[i]);
    }

    /* a dry run's file is not synced */

    fprintf(stderr, "%s: %8.2f s  verification%s\n", resources_prog, verify,
            (publish >= 0) ? ", and the file's sync" : "");

    if (diff >= 0) {
        fprintf(stderr, "%s: %8.2f s  differences\n", resources_prog, diff);
    }

    if (publish >= 0) {
        fprintf(stderr, "%s: %8.2f s  publishing\n", resources_prog,
                publish);
    }
}


/*
 * The command line: options into ld; returns RESOURCES_LOAD_GO, or the
 * exit status (-V, -h: 0; bad usage: 2)
 */

#define RESOURCES_LOAD_GO  -1

static int
resources_options(resources_load_t *ld, int argc, char **argv)
{
    int    c;
    char  *end;

    static const struct option  longopts[] = {
        { "skip-invalid", no_argument, NULL, 'k' },
        { "dry-run", no_argument, NULL, 'n' },
        { "quiet", no_argument, NULL, 'q' },
        { "verbose", no_argument, NULL, 'v' },
        { "unpacked", no_argument, NULL, 'u' },
        { "no-gzip", no_argument, NULL, 'Z' },
        { "format", required_argument, NULL, 'f' },
        { "output", required_argument, NULL, 'o' },
        { "dump", required_argument, NULL, 'D' },
        { "verify", required_argument, NULL, 'W' },
        { "diff", no_argument, NULL, 'd' },
        { "rollback", no_argument, NULL, 'R' },
        { "force", no_argument, NULL, 'F' },
        { "max-remove", required_argument, NULL, 'M' },
        { "keep", required_argument, NULL, 'K' },
        { "metrics-file", required_argument, NULL, 'P' },
        { "synonyms", required_argument, NULL, 's' },
        { "version", no_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };

    ld->max_remove = 25;
    ld->percent = 1;
    ld->keep = RESOURCES_KEEP_DEFAULT;

    while ((c = getopt_long(argc, argv, "knquvf:o:s:Vh", longopts, NULL))
           != -1)
    {
        switch (c) {

        case 'k':
            ld->skip_invalid = 1;
            break;

        case 'n':
            ld->dry_run = 1;
            break;

        case 'q':
            ld->quiet = 1;
            break;

        case 'u':
            ld->unpacked = 1;
            break;

        case 'Z':
            ld->no_gzip = 1;
            break;

        case 'v':
            ld->verbose = 1;
            break;

        case 'f':
            if (strcmp(optarg, "jsonl") == 0) {
                ld->format = RESOURCES_FORMAT_JSONL;

            } else if (strcmp(optarg, "listing") == 0) {
                ld->format = RESOURCES_FORMAT_LISTING;

            } else {
                fprintf(stderr, "%s: unknown format \"%s\" (jsonl or"
                        " listing)\n", resources_prog, optarg);
                return 2;
            }

            break;

        case 'o':
            ld->out = optarg;
            break;

        case 'D':
            ld->dump = optarg;
            break;

        case 'W':
            ld->verify = optarg;
            break;

        case 'd':
            ld->diff = 1;
            break;

        case 'R':
            ld->rollback = 1;
            break;

        case 'F':
            ld->force = 1;
            break;

        case 'M':
            if (resources_parse_max_remove(optarg, &ld->max_remove,
                                           &ld->percent)
                != 0)
            {
                fprintf(stderr, "%s: --max-remove \"%s\": a number of"
                        " resources, or a percentage (25%%)\n",
                        resources_prog, optarg);
                return 2;
            }

            break;

        case 'K':
            errno = 0;
            ld->keep = strtoul(optarg, &end, 10);

            if (*optarg < '0' || *optarg > '9' || *end != '\0' || errno != 0
                || ld->keep > RESOURCES_KEEP_MAX)
            {
                fprintf(stderr, "%s: --keep \"%s\": a number of previous"
                        " snapshots, 0 to %d\n", resources_prog, optarg,
                        RESOURCES_KEEP_MAX);
                return 2;
            }

            break;

        case 'P':
            ld->metrics = (*optarg != '\0') ? optarg : NULL;  /* "": none */
            break;

        case 's':
            ld->synonyms = optarg;
            break;

        case 'V':
            printf("%s %s (snapshot schema %d, %s)\n", resources_prog,
                   RESOURCES_VERSION, RESOURCES_SCHEMA, MDB_VERSION_STRING);
            return 0;

        case 'h':
            resources_usage(stdout);
            return 0;

        default:
            resources_usage(stderr);
            return 2;
        }
    }

    ld->inputs = argv + optind;
    ld->ninputs = argc - optind;

    return RESOURCES_LOAD_GO;
}


/* --dump, --verify, --rollback: their exit status, or RESOURCES_LOAD_GO */

static int
resources_modes(resources_load_t *ld)
{
    int    rc;
    char  *dir_copy;

    if (ld->dump || ld->verify) {
        if (ld->ninputs || ld->out || (ld->dump && ld->verify)
            || ld->synonyms)
        {
            resources_usage(stderr);
            return 2;
        }

        return ld->dump ? resources_dump(ld->dump)
                        : resources_verify(ld->verify, ld->quiet);
    }

    if (!ld->rollback) {
        return RESOURCES_LOAD_GO;
    }

    if (ld->ninputs || ld->out == NULL || ld->dry_run || ld->diff
        || ld->synonyms)
    {
        resources_usage(stderr);
        return 2;
    }

    dir_copy = strdup(ld->out);
    if (dir_copy == NULL) {
        resources_oom();
    }

    rc = resources_rollback(ld->out, dirname(dir_copy), ld->quiet);
    free(dir_copy);

    return rc;
}


/*
 * The temporary file, next to the output (stale ones removed), or in
 * TMPDIR for -n alone; removed by a fatal signal
 */

static void
resources_load_tmp(resources_load_t *ld)
{
    size_t  len;

    if (ld->out) {
        ld->dir_copy = strdup(ld->out);
        ld->base_copy = strdup(ld->out);
        if (ld->dir_copy == NULL || ld->base_copy == NULL) {
            resources_oom();
        }

        ld->dir = dirname(ld->dir_copy);

        len = strlen(ld->out) + 32;
        resources_tmp_path = resources_xmalloc(len);
        snprintf(resources_tmp_path, len, "%s.tmp.%ld", ld->out,
                 (long) getpid());

        resources_clean_stale(ld->dir, basename(ld->base_copy));

    } else {
        ld->dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

        len = strlen(ld->dir) + 64;
        resources_tmp_path = resources_xmalloc(len);
        snprintf(resources_tmp_path, len, "%s/resources-load.tmp.%ld",
                 ld->dir, (long) getpid());
    }

    signal(SIGINT, resources_fatal_cleanup);
    signal(SIGTERM, resources_fatal_cleanup);
    signal(SIGHUP, resources_fatal_cleanup);
}


/*
 * The snapshot's address space: three times the input and a GiB (it was
 * 1.5 times the input at a million resources), or LMDB's file may not
 * grow past it; 0 (64 GiB) when an input's size is unknown (stdin)
 */

static size_t
resources_load_mapsize(resources_load_t *ld)
{
    int          i;
    size_t       mapsize;
    struct stat  sb;

    mapsize = (size_t) 1 << 30;

    for (i = 0; i < ld->ninputs; i++) {
        if (strcmp(ld->inputs[i], "-") == 0
            || stat(ld->inputs[i], &sb) != 0 || !S_ISREG(sb.st_mode))
        {
            return 0;
        }

        mapsize += (size_t) sb.st_size * 3;
    }

    return mapsize;
}


/*
 * The dictionary of the packed records: the first bytes of the first
 * input (records look like each other); standard input's, whatever it is
 * (resources_stdin_head); none for a named FIFO or device, which cannot be
 * read twice
 */

static void
resources_load_dict(resources_load_t *ld)
{
    FILE         *f;
    size_t        n;
    u_char       *dict;
    const char   *first;
    struct stat   sb;

    dict = resources_xmalloc(RESOURCES_DICT_MAX);
    n = 0;
    first = ld->ninputs ? ld->inputs[0] : NULL;

    if (first && strcmp(first, "-") == 0) {
        n = resources_stdin_head(ld, dict);

    } else if (first && stat(first, &sb) == 0 && S_ISREG(sb.st_mode)) {
        f = fopen(first, "r");

        if (f) {
            n = fread(dict, 1, RESOURCES_DICT_MAX, f);
            fclose(f);
        }
    }

    if (resources_build_dict(ld->build, dict, n) != 0) {
        free(dict);
        resources_oom();
    }

    free(dict);
}


/* a problem of the synonyms file: FILE:LINE: message, the first 20 */

static void
resources_synonyms_problem(void *data, unsigned long line,
    const char *message)
{
    resources_load_t  *ld = data;

    if (++ld->syn_shown > RESOURCES_SHOWN_MAX) {
        return;
    }

    if (line) {
        fprintf(stderr, "%s: %s:%lu: %s\n", resources_prog, ld->synonyms,
                line, message);

    } else {
        fprintf(stderr, "%s: %s: %s\n", resources_prog, ld->synonyms,
                message);
    }
}


/*
 * --synonyms: the file parsed into its value before any record is read,
 * every bad line reported (-k does not apply: a rule is never skipped);
 * 0, or -1 (nothing may be published)
 */

static int
resources_load_synonyms(resources_load_t *ld)
{
    unsigned long  problems;

    if (ld->synonyms == NULL) {
        return 0;
    }

    problems = resources_synfile_read(ld->synonyms, &ld->syn,
                                      resources_synonyms_problem, ld);
    if (problems == 0) {
        return 0;
    }

    if (problems > RESOURCES_SHOWN_MAX) {
        fprintf(stderr, "%s: %lu more problems not shown\n", resources_prog,
                problems - RESOURCES_SHOWN_MAX);
    }

    fprintf(stderr, "%s: %lu problem%s in the synonyms: nothing was"
            " published%s\n", resources_prog, problems,
            problems == 1 ? "" : "s", ld->out ? "" : " (dry run)");

    return -1;
}


/*
 * The records of every input into a new builder; 0, or -1 once the
 * problems are reported (nothing may be published)
 */

static int
resources_load_read(resources_load_t *ld)
{
    int   i;
    char  err[512];

    ld->build = resources_build_create(resources_tmp_path,
                                       resources_load_mapsize(ld), err,
                                       sizeof(err));
    if (ld->build == NULL) {
        fprintf(stderr, "%s: %s\n", resources_prog, err);
        return -1;
    }

    resources_build_set_gzip(ld->build, !ld->no_gzip);
    resources_build_synonyms(ld->build, ld->syn.value, ld->syn.len);

    if (!ld->unpacked) {
        resources_load_dict(ld);
    }

    /* records are written while the next ones are read */

    (void) resources_build_background(ld->build, resources_jsonl_threads());

    for (i = 0; i < ld->ninputs; i++) {
        if (resources_read_file(ld, ld->inputs[i]) != 0) {
            ld->fatal = 1;
        }
    }

    resources_jsonl_free(ld->jsonl);
    ld->jsonl = NULL;

    if (ld->replay) {
        fclose(ld->replay);
        ld->replay = NULL;
    }

    if (ld->progress && ld->records >= 1024) {
        fprintf(stderr, "\r\033[K");
    }

    if (ld->problems > RESOURCES_SHOWN_MAX) {
        fprintf(stderr, "%s: %lu more problems not shown\n", resources_prog,
                ld->problems - RESOURCES_SHOWN_MAX);
    }

    if (ld->fatal || (ld->problems && !ld->skip_invalid)) {
        fprintf(stderr, "%s: %lu problem%s: nothing was published%s\n",
                resources_prog, ld->problems, ld->problems == 1 ? "" : "s",
                ld->out ? "" : " (dry run)");
        return -1;
    }

    if (ld->records == 0) {
        fprintf(stderr, "%s: no resource to publish\n", resources_prog);
        return -1;
    }

    return 0;
}


/*
 * The published snapshot against the load: a load that leaves its
 * content as it is publishes nothing (the previous generations stay as
 * they are); one that would remove too many of its resources is refused
 * (a cut export).  Sets ld->published, unchanged, over; 0, or -1 when the
 * load cannot be compared with it (unless --force)
 */

static int
resources_load_compare(resources_load_t *ld)
{
    char         err[512];
    struct stat  sb;

    resources_build_version(ld->build, ld->version, ld->public_version);

    if (ld->out == NULL || access(ld->out, F_OK) != 0) {
        return 0;
    }

    if (resources_published(ld->out, ld->build, ld->version, &ld->ph,
                            &ld->removed,
                            (ld->metrics && !ld->dry_run) ? &ld->changed
                                                          : NULL,
                            err, sizeof(err))
        != 0)
    {
        if (!ld->force) {
            fprintf(stderr, "%s: %s: %s: the load cannot be compared with"
                    " the published snapshot; nothing was published%s;"
                    " --force to publish over it\n", resources_prog,
                    ld->out, err, ld->dry_run ? " (dry run)" : "");
            return -1;
        }

        fprintf(stderr, "%s: %s: %s: publishing over it (--force)\n",
                resources_prog, ld->out, err);
        return 0;
    }

    ld->published = 1;

    /*
     * unchanged: the same content, in a snapshot of this schema with the
     * parts this load writes (the public view's version, the series and
     * the update order, the gzip pieces unless --no-gzip, the synonyms
     * with --synonyms and only then: the content version covers them),
     * derived from the records as this loader derives (RESOURCES_DERIVED),
     * that the workers can read (a load publishes it 0644): else it is
     * published again
     */

    ld->unchanged = (memcmp(ld->ph.version, ld->version,
                            RESOURCES_VERSION_LEN) == 0
                     && ld->ph.schema == RESOURCES_SCHEMA
                     && ld->ph.derived == RESOURCES_DERIVED
                     && (ld->ph.flags & RESOURCES_HEADER_ALL)
                        == (RESOURCES_HEADER_ALL
                            & ~(ld->no_gzip ? RESOURCES_HEADER_GZIP : 0)
                            & ~(ld->syn.value ? 0
                                              : RESOURCES_HEADER_SYNONYMS))
                     && stat(ld->out, &sb) == 0
                     && (sb.st_mode & 07777) == 0644);

    ld->over = (ld->removed > resources_max_remove(ld->ph.ndocs,
                                                   ld->max_remove,
                                                   ld->percent)
                && !ld->force);

    return 0;
}


/*
 * The index written and committed, then the new file checked before
 * anyone can see it, while it goes to the disk (a dry run's never needs
 * to), and its differences shown (--diff); 0 or -1 (reported)
 */

static int
resources_load_write(resources_load_t *ld)
{
    int               verified, synced;
    char              err[512];
    double            t;
    resources_sync_t  sync;

    if (resources_build_finish(ld->build, &ld->st, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s: %s: nothing was published%s\n", resources_prog,
                err, ld->dry_run ? " (dry run)" : "");
        return -1;
    }

    resources_build_free(ld->build);
    ld->build = NULL;

    t = resources_clock();

    memset(&sync, 0, sizeof(resources_sync_t));

    if (!ld->dry_run) {
        resources_sync_start(&sync, resources_tmp_path);
    }

    verified = resources_verify(resources_tmp_path, 1);
    synced = resources_sync_wait(&sync);

    if (verified != 0) {
        fprintf(stderr, "%s: the new snapshot failed verification: nothing"
                " was published\n", resources_prog);
        return -1;
    }

    if (synced != 0) {
        if (synced == EIO) {
            synced = resources_write_errno(resources_tmp_path, synced);
        }

        fprintf(stderr, "%s: %s: writing the snapshot: %s: nothing was"
                " published\n", resources_prog, resources_tmp_path,
                strerror(synced));
        return -1;
    }

    ld->t_verify = resources_clock() - t;
    ld->t_diff = -1;

    if (ld->diff) {
        t = resources_clock();

        if (resources_diff(resources_tmp_path, ld->out) != 0) {
            return -1;
        }

        ld->t_diff = resources_clock() - t;
    }

    return 0;
}


/* "unchanged": the load is the published snapshot; the temporary file goes */

static void
resources_load_unchanged(resources_load_t *ld, int finished)
{
    struct stat  sb;

    unlink(resources_tmp_path);

    /* the published snapshot stays: nothing added, removed or changed */

    ld->m.resources = ld->ph.ndocs;
    ld->m.public_resources = ld->ph.npublic;
    ld->m.bytes = (stat(ld->out, &sb) == 0) ? (uint64_t) sb.st_size : 0;
    ld->m_done = 1;

    if (!ld->quiet) {
        printf("%s: unchanged %s: %u resources (%u private), version %s,"
               " public version %s, %.2f s: it is the published one,"
               " nothing was published\n", resources_prog, ld->out,
               ld->ph.ndocs, ld->ph.ndocs - ld->ph.npublic, ld->version,
               ld->public_version, resources_clock() - ld->start);
    }

    if (!ld->verbose) {
        return;
    }

    fflush(stdout);

    if (finished) {
        resources_steps(&ld->st, ld->t_read, ld->t_verify, ld->t_diff, -1);

    } else {
        fprintf(stderr, "%s: %8.2f s  records read, prepared and added\n",
                resources_prog, ld->t_read);
    }
}


/* a load that would remove more published resources than allowed */

static void
resources_load_too_many(resources_load_t *ld, const char *outcome)
{
    fprintf(stderr, "%s: %s: this load would remove %u of %u published"
            " resources (more than %llu%s)%s; --max-remove %u or --force"
            " to publish it\n", resources_prog, ld->out, ld->removed,
            ld->ph.ndocs, (unsigned long long) ld->max_remove,
            ld->percent ? "%" : "", outcome, ld->removed);
}


/* ", synonyms: ..." after a summary line, or "" */

static const char *
resources_load_syn_summary(resources_load_t *ld)
{
    static char  buf[128];

    if (ld->syn.value == NULL) {
        return "";
    }

    snprintf(buf, sizeof(buf), ", synonyms: %lu rules, %u forms searched"
             " for", ld->syn.rules, ld->syn.ntriggers);

    return buf;
}


/* -n: what would have been published; 0, or 1 when it would be refused */

static int
resources_load_dry_run(resources_load_t *ld)
{
    resources_build_stats_t  *st = &ld->st;

    unlink(resources_tmp_path);

    if (!ld->quiet) {
        printf("%s: dry run: %u resources (%u private), %u keywords, %u"
               " types, %llu bytes, version %s, public version %s, %.2f s:"
               " nothing was published%s\n", resources_prog, st->ndocs,
               st->nprivate, st->nkeywords, st->ntypes,
               (unsigned long long) st->size, st->version,
               ld->public_version, resources_clock() - ld->start,
               resources_load_syn_summary(ld));
    }

    if (ld->verbose) {
        fflush(stdout);
        resources_steps(st, ld->t_read, ld->t_verify, ld->t_diff, -1);
    }

    if (!ld->over) {
        return 0;
    }

    fflush(stdout);
    resources_load_too_many(ld, ": it would be refused");

    return 1;
}


/*
 * The new snapshot in place of the published one, kept as generation 1:
 * 0, or 1 (reported; nothing was published unless the directory's sync
 * failed)
 */

static int
resources_load_publish(resources_load_t *ld)
{
    double                    t;
    struct stat               sb;
    resources_build_stats_t  *st = &ld->st;

    t = resources_clock();

    if (chmod(resources_tmp_path, 0644) != 0
        || resources_keep_previous(ld->out, (unsigned) ld->keep) != 0
        || rename(resources_tmp_path, ld->out) != 0)
    {
        fprintf(stderr, "%s: %s: %s\n", resources_prog, ld->out,
                strerror(errno));
        unlink(resources_tmp_path);
        return 1;
    }

    if (resources_sync_dir(ld->dir) != 0) {
        fprintf(stderr, "%s: %s: fsync: %s\n", resources_prog, ld->dir,
                strerror(errno));
        return 1;
    }

    /*
     * Against the snapshot replaced: its resources less those removed are
     * in the new one; with none (or one that could not be read, --force),
     * every resource is added
     */

    ld->m.resources = st->ndocs;
    ld->m.public_resources = st->ndocs - st->nprivate;
    ld->m.bytes = (stat(ld->out, &sb) == 0) ? (uint64_t) sb.st_size
                                            : st->size;
    ld->m.removed = ld->published ? ld->removed : 0;
    ld->m.added = ld->published ? st->ndocs - (ld->ph.ndocs - ld->removed)
                                : st->ndocs;
    ld->m.changed = ld->published ? ld->changed : 0;
    ld->m_done = 1;

    if (!ld->quiet) {
        printf("%s: published %s: %u resources (%u private), %u keywords,"
               " %u types, %llu bytes, version %s, public version %s,"
               " %.2f s%s%s\n", resources_prog, ld->out, st->ndocs,
               st->nprivate, st->nkeywords, st->ntypes,
               (unsigned long long) st->size, st->version,
               ld->public_version, resources_clock() - ld->start,
               resources_load_syn_summary(ld),
               ld->skipped ? " (some records skipped)" : "");
    }

    if (ld->verbose) {
        fflush(stdout);
        resources_steps(st, ld->t_read, ld->t_verify, ld->t_diff,
                        resources_clock() - t);
    }

    return 0;
}


/*
 * A load: the records read, the published snapshot compared with them
 * before the index is written (unless the differences are to be shown
 * first, --diff, or the load is only checked, -n), the new file written
 * and verified, then published
 */

static int
resources_load(resources_load_t *ld)
{
    int  rc;

    ld->progress = !ld->quiet && isatty(STDERR_FILENO);
    ld->start = resources_clock();
    ld->started = ld->start;
    ld->shown = ld->start - 1;        /* the first progress line at once */

    resources_load_tmp(ld);

    if (resources_load_synonyms(ld) != 0) {
        goto failed;
    }

    if (resources_load_read(ld) != 0) {
        goto failed;
    }

    ld->t_read = resources_clock() - ld->start;

    if (resources_load_compare(ld) != 0) {
        goto failed;
    }

    resources_build_time(ld->build, ld->built,
                         ld->published ? &ld->ph : NULL);

    if (ld->unchanged && !ld->diff && !ld->dry_run) {
        resources_build_free(ld->build);
        ld->build = NULL;
        resources_load_unchanged(ld, 0);
        rc = 0;
        goto done;
    }

    if (ld->over && !ld->diff && !ld->dry_run) {
        goto too_many;
    }

    if (resources_load_write(ld) != 0) {
        goto failed;
    }

    if (ld->dry_run) {
        rc = resources_load_dry_run(ld);
        goto done;
    }

    if (ld->unchanged) {
        resources_load_unchanged(ld, 1);
        rc = 0;
        goto done;
    }

    if (ld->over) {
        goto too_many;
    }

    rc = resources_load_publish(ld);
    goto done;

too_many:

    resources_load_too_many(ld, "; nothing was published");

failed:

    resources_build_free(ld->build);
    ld->build = NULL;
    unlink(resources_tmp_path);
    rc = 1;

done:

    free(resources_tmp_path);
    resources_tmp_path = NULL;
    free(ld->dir_copy);
    free(ld->base_copy);
    resources_synfile_free(&ld->syn);

    return rc;
}


/*
 * --metrics-file, once a load (not a dry run) with an output ended: its
 * outcome; the load's exit status stays whatever the file's fate
 */

static void
resources_load_metrics(resources_load_t *ld, int rc)
{
    int    failed;
    char   err[512], *dir_copy, *base_copy;

    if (ld->metrics == NULL || ld->out == NULL || ld->dry_run
        || (rc == 0 && !ld->m_done))
    {
        return;
    }

    /* a metrics file being written by a load that was killed */

    dir_copy = strdup(ld->metrics);
    base_copy = strdup(ld->metrics);
    if (dir_copy == NULL || base_copy == NULL) {
        resources_oom();
    }

    resources_clean_stale(dirname(dir_copy), basename(base_copy));
    free(dir_copy);
    free(base_copy);

    if (rc == 0) {
        ld->m.duration = resources_clock() - ld->start;
        failed = resources_metrics_success(ld->metrics, ld->out, &ld->m, err,
                                           sizeof(err));

    } else {
        failed = resources_metrics_failure(ld->metrics, ld->out, err,
                                           sizeof(err));
    }

    if (failed) {
        fprintf(stderr, "%s: %s: %s\n", resources_prog, ld->metrics, err);
    }
}


int
main(int argc, char **argv)
{
    int               i, rc;
    resources_load_t  ld;

    /*
     * Standard input, output or error closed: /dev/null takes its place,
     * so that no file the loader opens (the snapshot being built) becomes
     * one of them and is read as input or written to
     */

    for (i = 0; i < 3; i++) {
        if (fcntl(i, F_GETFD) == -1 && errno == EBADF
            && open("/dev/null", i == 0 ? O_RDONLY : O_WRONLY) != i)
        {
            return 1;
        }
    }

    /*
     * Memory: one heap, kept.  Memory that malloc() gives back to the
     * system costs a page fault a page when it is used again (very dear on
     * some virtual machines): the large blocks LMDB allocates for each
     * chunk of records (32 MiB) are reused instead, and the heap grows in
     * large steps that get huge pages (resources_heap_huge)
     */

    mallopt(M_MMAP_MAX, 0);
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
    mallopt(M_TOP_PAD, 64 * 1024 * 1024);
    resources_heap_huge();

    memset(&ld, 0, sizeof(resources_load_t));

    rc = resources_options(&ld, argc, argv);
    if (rc != RESOURCES_LOAD_GO) {
        return rc;
    }

    rc = resources_modes(&ld);
    if (rc != RESOURCES_LOAD_GO) {
        return rc;
    }

    if (ld.ninputs == 0 || (ld.out == NULL && !ld.dry_run)
        || (ld.diff && ld.out == NULL))
    {
        resources_usage(stderr);
        rc = 2;

    } else if (resources_build_epoch(&ld.built) != 0) {
        rc = 2;

    } else {
        rc = resources_load(&ld);
    }

    resources_load_metrics(&ld, rc);

    return rc;
}
