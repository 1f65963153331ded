/*
 * Copyright (C) ngx_http_resources authors
 *
 * resources-load --metrics-file (resources_metrics.h): a node_exporter
 * textfile, one gauge a family, each with its "# HELP" and "# TYPE":
 *
 *     # HELP resources_load_resources Resources in the published ...
 *     # TYPE resources_load_resources gauge
 *     resources_load_resources{db="/var/lib/resources/catalogue.mdb"} 52
 *
 * The help texts never change (node_exporter refuses a family whose help
 * differs between two files), and the label tells the catalogues apart.
 */


#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "resources_metrics.h"
#include "resources_text.h"
#include "resources_util.h"


/* a previous file larger than this is not one of ours */
#define RESOURCES_METRICS_MAX    (64 * 1024)


typedef struct {
    const char  *name;
    const char  *help;
} resources_metric_t;


/* in this order in the file; v[] of resources_metrics_success() too */

#define RESOURCES_METRIC_SUCCESS  0
#define RESOURCES_METRIC_FAILURE  1
#define RESOURCES_METRICS_N       9

static const resources_metric_t  resources_metrics[RESOURCES_METRICS_N] = {
    { "resources_load_last_success_timestamp_seconds",
      "Unix time of the end of the last successful load of the catalogue"
      " (published, or unchanged)." },
    { "resources_load_last_failure_timestamp_seconds",
      "Unix time of the end of the last failed load of the catalogue"
      " (0: none since the file was made)." },
    { "resources_load_duration_seconds",
      "Wall time of the last successful load, in seconds." },
    { "resources_load_resources",
      "Resources in the snapshot published by the last successful load." },
    { "resources_load_public_resources",
      "Public resources in the snapshot published by the last successful"
      " load." },
    { "resources_load_snapshot_bytes",
      "Size of the snapshot file published by the last successful load." },
    { "resources_load_added_resources",
      "Resources that the last successful load added to the snapshot it"
      " replaced." },
    { "resources_load_removed_resources",
      "Resources that the last successful load removed from the snapshot"
      " it replaced." },
    { "resources_load_changed_resources",
      "Resources whose record the last successful load changed in the"
      " snapshot it replaced." }
};


static void
resources_metrics_puts(resources_buf_t *b, const char *s)
{
    resources_buf_put(b, s, strlen(s));
}


/*
 * {db="<db>"}: a backslash, a double quote and a line feed escaped as the
 * format says; a byte that is not UTF-8 becomes U+FFFD (label values are
 * UTF-8)
 */

static void
resources_metrics_label(resources_buf_t *b, const char *db)
{
    size_t         n, i;
    const u_char  *p, *end;

    p = (const u_char *) db;
    end = p + strlen(db);

    resources_buf_put(b, "{db=\"", 5);

    while (p < end) {
        n = resources_utf8_valid(p, (size_t) (end - p));

        for (i = 0; i < n; i++) {
            switch (p[i]) {

            case '\\':
                resources_buf_put(b, "\\\\", 2);
                break;

            case '"':
                resources_buf_put(b, "\\\"", 2);
                break;

            case '\n':
                resources_buf_put(b, "\\n", 2);
                break;

            default:
                resources_buf_put(b, &p[i], 1);
            }
        }

        p += n;

        if (p < end) {
            resources_buf_put(b, "\xef\xbf\xbd", 3);
            p++;
        }
    }

    resources_buf_put(b, "\"}", 2);
}


/* the "# HELP", "# TYPE" and sample lines of one family */

static void
resources_metrics_family(resources_buf_t *b, unsigned i,
    const resources_buf_t *label, const char *value, size_t len)
{
    resources_metrics_puts(b, "# HELP ");
    resources_metrics_puts(b, resources_metrics[i].name);
    resources_metrics_puts(b, " ");
    resources_metrics_puts(b, resources_metrics[i].help);
    resources_metrics_puts(b, "\n# TYPE ");
    resources_metrics_puts(b, resources_metrics[i].name);
    resources_metrics_puts(b, " gauge\n");
    resources_metrics_puts(b, resources_metrics[i].name);
    resources_buf_put(b, label->data, label->len);
    resources_buf_put(b, " ", 1);
    resources_buf_put(b, value, len);
    resources_buf_put(b, "\n", 1);
}


/* the real time, in seconds with milliseconds (SOURCE_DATE_EPOCH aside) */

static void
resources_metrics_now(char *buf, size_t len)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_REALTIME, &ts);

    snprintf(buf, len, "%lld.%03ld", (long long) ts.tv_sec,
             ts.tv_nsec / 1000000);
}


/* the previous file: 0, or -1 when it is missing, unreadable or too large */

static int
resources_metrics_previous(const char *path, resources_buf_t *b)
{
    int          fd;
    ssize_t      n;
    struct stat  sb;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        return -1;
    }

    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return -1;
    }

    do {
        resources_buf_reserve(b, 4096);
        n = read(fd, b->data + b->len, 4096);

        if (n > 0) {
            b->len += (size_t) n;
        }

    } while ((n > 0 || (n < 0 && errno == EINTR))
             && b->len <= RESOURCES_METRICS_MAX);

    close(fd);

    return (n < 0 || b->len > RESOURCES_METRICS_MAX) ? -1 : 0;
}


/*
 * A sample line of ours, "<name>{db="<db>"} <value>": the length of its
 * name, or 0
 */

static size_t
resources_metrics_ours(const u_char *line, size_t len,
    const resources_buf_t *label)
{
    size_t  n;
    u_char  c;

    for (n = 0; n < len; n++) {
        c = line[n];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
              || c == ':' || (n > 0 && c >= '0' && c <= '9')))
        {
            break;
        }
    }

    if (n == 0 || len - n < label->len + 2
        || memcmp(line + n, label->data, label->len) != 0
        || line[n + label->len] != ' ')
    {
        return 0;
    }

    return n;
}


/*
 * The previous file with its failure sample's value replaced: -1 (and out
 * as it was) unless every line is a comment, blank, or a sample of ours,
 * with exactly one failure sample, and the file ends with a line feed
 */

static int
resources_metrics_update(const resources_buf_t *prev,
    const resources_buf_t *label, const char *value, resources_buf_t *out)
{
    size_t         n, len, start;
    unsigned       failures;
    const u_char  *p, *end, *nl;
    const char    *name;

    name = resources_metrics[RESOURCES_METRIC_FAILURE].name;
    start = out->len;
    failures = 0;

    p = prev->data;
    end = p + prev->len;

    if (prev->len == 0 || end[-1] != '\n') {
        return -1;
    }

    for ( /* void */ ; p < end; p = nl + 1) {
        nl = memchr(p, '\n', (size_t) (end - p));
        len = (size_t) (nl - p);

        if (len == 0 || p[0] == '#') {
            resources_buf_put(out, p, len + 1);
            continue;
        }

        n = resources_metrics_ours(p, len, label);

        if (n == 0) {
            goto not_ours;
        }

        if (n == strlen(name) && memcmp(p, name, n) == 0) {
            failures++;
            resources_buf_put(out, p, n + label->len + 1);
            resources_buf_put(out, value, strlen(value));
            resources_buf_put(out, "\n", 1);
            continue;
        }

        resources_buf_put(out, p, len + 1);
    }

    if (failures == 1) {
        return 0;
    }

not_ours:

    out->len = start;

    return -1;
}


/*
 * The failure time of the previous file, when it has one of ours that is
 * a number as we write them (into value, size len); else "0"
 */

static void
resources_metrics_last_failure(const resources_buf_t *prev,
    const resources_buf_t *label, char *value, size_t size)
{
    size_t         n, len, i, skip;
    const u_char  *p, *end, *nl, *v;
    const char    *name;

    name = resources_metrics[RESOURCES_METRIC_FAILURE].name;
    snprintf(value, size, "0");

    p = prev->data;
    end = p + prev->len;

    for ( /* void */ ; p < end; p = nl + 1) {
        nl = memchr(p, '\n', (size_t) (end - p));
        if (nl == NULL) {
            return;
        }

        len = (size_t) (nl - p);
        n = resources_metrics_ours(p, len, label);

        if (n != strlen(name) || memcmp(p, name, n) != 0) {
            continue;
        }

        skip = n + label->len + 1;
        v = p + skip;
        len -= skip;

        for (i = 0; i < len; i++) {
            if ((v[i] < '0' || v[i] > '9') && v[i] != '.') {
                return;
            }
        }

        if (len > 0 && len < size) {
            memcpy(value, v, len);
            value[len] = '\0';
        }

        return;
    }
}


/*
 * The file written as "<path>.tmp.<pid>", synced and renamed over path,
 * the directory synced; the signals that end a load are held meanwhile.
 * 0, or -1 with a message (and no temporary file left)
 */

static int
resources_metrics_write(const char *path, const resources_buf_t *b,
    char *err, size_t errlen)
{
    int        fd, rc, saved;
    char      *tmp, *dir_copy;
    size_t     len, off;
    ssize_t    n;
    sigset_t   hold, old;

    len = strlen(path);
    tmp = resources_xmalloc(len + 32);
    memcpy(tmp, path, len);
    snprintf(tmp + len, 32, ".tmp.%ld", (long) getpid());

    dir_copy = strdup(path);
    if (dir_copy == NULL) {
        resources_oom();
    }

    sigemptyset(&hold);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGTERM);
    sigaddset(&hold, SIGHUP);
    sigprocmask(SIG_BLOCK, &hold, &old);

    rc = -1;

    (void) unlink(tmp);

    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              0644);
    if (fd < 0) {
        goto failed;
    }

    /* whatever the umask: node_exporter reads it as another user */

    if (fchmod(fd, 0644) != 0) {
        goto failed;
    }

    for (off = 0; off < b->len; off += (size_t) n) {
        n = write(fd, b->data + off, b->len - off);

        if (n < 0) {
            if (errno == EINTR) {
                n = 0;
                continue;
            }

            goto failed;
        }
    }

    if (fsync(fd) != 0) {
        goto failed;
    }

    n = close(fd);
    fd = -1;

    if (n != 0 || rename(tmp, path) != 0) {
        goto failed;
    }

    fd = open(dirname(dir_copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0 || fsync(fd) != 0) {
        snprintf(err, errlen, "written, but the directory's fsync failed:"
                 " %s", strerror(errno));
        goto done;
    }

    rc = 0;
    goto done;

failed:

    saved = errno;
    (void) unlink(tmp);
    snprintf(err, errlen, "%s: the load's metrics were not written",
             strerror(saved));

done:

    if (fd >= 0) {
        close(fd);
    }

    sigprocmask(SIG_SETMASK, &old, NULL);
    free(tmp);
    free(dir_copy);

    return rc;
}


int
resources_metrics_success(const char *path, const char *db,
    const resources_metrics_t *m, char *err, size_t errlen)
{
    int              rc;
    char             v[RESOURCES_METRICS_N][64];
    unsigned         i;
    resources_buf_t  label, prev, out;

    memset(&label, 0, sizeof(resources_buf_t));
    memset(&prev, 0, sizeof(resources_buf_t));
    memset(&out, 0, sizeof(resources_buf_t));

    resources_metrics_label(&label, db);

    if (resources_metrics_previous(path, &prev) == 0) {
        resources_metrics_last_failure(&prev, &label,
                                       v[RESOURCES_METRIC_FAILURE],
                                       sizeof(v[0]));
    } else {
        snprintf(v[RESOURCES_METRIC_FAILURE], sizeof(v[0]), "0");
    }

    resources_metrics_now(v[RESOURCES_METRIC_SUCCESS], sizeof(v[0]));
    snprintf(v[2], sizeof(v[0]), "%.6f", m->duration);
    snprintf(v[3], sizeof(v[0]), "%llu", (unsigned long long) m->resources);
    snprintf(v[4], sizeof(v[0]), "%llu",
             (unsigned long long) m->public_resources);
    snprintf(v[5], sizeof(v[0]), "%llu", (unsigned long long) m->bytes);
    snprintf(v[6], sizeof(v[0]), "%llu", (unsigned long long) m->added);
    snprintf(v[7], sizeof(v[0]), "%llu", (unsigned long long) m->removed);
    snprintf(v[8], sizeof(v[0]), "%llu", (unsigned long long) m->changed);

    for (i = 0; i < RESOURCES_METRICS_N; i++) {
        resources_metrics_family(&out, i, &label, v[i], strlen(v[i]));
    }

    rc = resources_metrics_write(path, &out, err, errlen);

    resources_buf_free(&label);
    resources_buf_free(&prev);
    resources_buf_free(&out);

    return rc;
}


int
resources_metrics_failure(const char *path, const char *db, char *err,
    size_t errlen)
{
    int              rc;
    char             now[64];
    resources_buf_t  label, prev, out;

    memset(&label, 0, sizeof(resources_buf_t));
    memset(&prev, 0, sizeof(resources_buf_t));
    memset(&out, 0, sizeof(resources_buf_t));

    resources_metrics_label(&label, db);
    resources_metrics_now(now, sizeof(now));

    if (resources_metrics_previous(path, &prev) != 0
        || resources_metrics_update(&prev, &label, now, &out) != 0)
    {
        resources_metrics_family(&out, RESOURCES_METRIC_FAILURE, &label,
                                 now, strlen(now));
    }

    rc = resources_metrics_write(path, &out, err, errlen);

    resources_buf_free(&label);
    resources_buf_free(&prev);
    resources_buf_free(&out);

    return rc;
}
