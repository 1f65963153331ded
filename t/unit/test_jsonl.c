/*
 * Copyright (C) ngx_http_resources authors
 *
 * The JSON Lines reader (src/loader/resources_jsonl.c): every line of a
 * 48 MB input is handed over once, in order, and the pages of the input
 * that were read leave the page cache as the reading goes on (the first
 * 32 MiB are gone before the last records are handed over) and at its end.
 * The input is written in /var/tmp (TMPDIR if set): on a tmpfs, where
 * pages cannot leave the cache, the page checks are skipped.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "tap.h"
#include "resources_jsonl.h"


#define LINES     40000
#define LINE_LEN  1200          /* about: 48 MB in all */
#define MiB       ((size_t) 1 << 20)
#define TMPFS     0x01021994


typedef struct {
    const u_char   *map;
    size_t          size;
    uint64_t        seen;
    uint64_t        bad;        /* out of order, or a problem */
    long            resident;   /* of the first 32 MiB, late in the read */
} reader_t;


static long
resident(const u_char *map, size_t len)
{
    long            n;
    size_t          i, pages, page;
    unsigned char  *vec;

    page = (size_t) sysconf(_SC_PAGESIZE);
    pages = (len + page - 1) / page;
    vec = malloc(pages);

    if (vec == NULL || mincore((void *) map, len, vec) != 0) {
        free(vec);
        return -1;
    }

    for (i = 0, n = 0; i < pages; i++) {
        n += vec[i] & 1;
    }

    free(vec);

    return n;
}


static void
handler(void *data, const resources_prepared_t *r, size_t bytes)
{
    reader_t  *rd = data;

    (void) bytes;

    if (r->status != RESOURCES_PREP_OK || r->line != rd->seen + 1) {
        rd->bad++;
    }

    rd->seen++;

    /* 44 MB in: the first 32 MiB were read long ago */

    if (rd->seen == LINES * 11 / 12) {
        rd->resident = resident(rd->map, 32 * MiB);
    }
}


int
main(void)
{
    int                 fd, skip;
    char                path[4096], body[LINE_LEN];
    FILE               *f;
    size_t              i, size;
    uint64_t            line;
    const char         *tmp;
    struct stat         sb;
    struct statfs       fs;
    reader_t            rd;
    resources_jsonl_t  *p;

    tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/var/tmp";
    snprintf(path, sizeof(path), "%s/resources-jsonl-XXXXXX", tmp);

    fd = mkstemp(path);
    if (fd < 0) {
        ok(0, "mkstemp %s: %s", path, strerror(errno));
        return tap_done();
    }

    f = fdopen(fd, "w");

    for (i = 0; i < sizeof(body) - 1; i++) {
        body[i] = "abcdefghij klmnopqrstuvwxyz "[i % 28];
    }

    body[sizeof(body) - 1] = '\0';

    for (i = 0; i < LINES; i++) {
        fprintf(f, "{\"id\":\"r%zu\",\"title\":\"Titre %zu\",\"type\":\"Autres\","
                "\"body\":\"%s\"}\n", i, i, body);
    }

    ok(fflush(f) == 0 && fsync(fd) == 0, "the input written and synced");
    fclose(f);

    /* the input in the page cache, as an export just written is */

    f = fopen(path, "r");
    unlink(path);

    if (f == NULL || fstat(fileno(f), &sb) != 0) {
        ok(0, "reopened");
        return tap_done();
    }

    size = (size_t) sb.st_size;
    ok(size > 44 * MiB, "%zu bytes", size);

    memset(&rd, 0, sizeof(reader_t));
    rd.size = size;
    rd.resident = -1;
    rd.map = mmap(NULL, size, PROT_READ, MAP_SHARED, fileno(f), 0);
    ok(rd.map != MAP_FAILED, "mapped");

    /* read, not touched through the map: mapped pages would stay */

    for (i = 0; i < size; i += sizeof(body)) {
        if (pread(fileno(f), body, sizeof(body), (off_t) i) < 0) {
            break;
        }
    }

    skip = (fstatfs(fileno(f), &fs) == 0 && fs.f_type == TMPFS);

    if (!skip) {
        ok(resident(rd.map, size) > (long) (size / 4096) * 9 / 10,
           "in the page cache before the load");
    }

    p = resources_jsonl_create(2, NULL, 1);
    line = 0;

    is_int(resources_jsonl_read(p, f, &line, handler, &rd), 0, "read");
    is_int(rd.seen, LINES, "every line handed over");
    is_int(rd.bad, 0, "in order, each prepared");
    is_int(line, LINES, "the last line number");

    if (skip) {
        ok(1, "# SKIP %s is a tmpfs: pages stay in the cache", tmp);

    } else {
        is_int(rd.resident, 0, "the first 32 MiB left the page cache before"
               " the last records were handed over");
        is_int(resident(rd.map, size), 0, "no page of the input is left in"
               " the page cache");
    }

    resources_jsonl_free(p);
    munmap((void *) rd.map, size);
    fclose(f);

    return tap_done();
}
