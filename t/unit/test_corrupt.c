/*
 * Copyright (C) ngx_http_resources authors
 *
 * A corrupt snapshot (issue #20): the postings functions keep inside their
 * arrays and say so, whatever the lists hold; the opening refuses a file
 * whose columns would index out of bounds; the accessors refuse a posting
 * whose ends are past the last docno.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "tap.h"
#include "resources_build.h"
#include "resources_postings.h"
#include "resources_snapshot.h"


static void
set_entries(u_char *p, const uint32_t *e, size_t n)
{
    memcpy(p, e, n * sizeof(uint32_t));
}


static void
test_postings(void)
{
    size_t               i, n;
    u_char               data[4][64], *best;
    uint32_t             out[16], score[16];
    uint64_t            *acc, bits[2];
    resources_posting_t  l[2];

    static const uint32_t  past[] = { 1 << 2, 5 << 2 | 3, 0x3fffffffu << 2,
                                      9 << 2 };
    static const uint32_t  unsorted[] = { 2 << 2, 7 << 2, 3 << 2, 7 << 2,
                                          8 << 2, 1 << 2 };
    static const uint32_t  every[] = { 1 << 2, 2 << 2, 3 << 2, 7 << 2,
                                       8 << 2, 9 << 2 };

    /* union_dense: an entry past the end is skipped and reported */

    set_entries(data[0], past, 4);
    l[0].data = data[0];
    l[0].n = 4;
    l[0].scored = 1;

    best = calloc(10 + 64, 1);              /* 10 docnos, then a guard */
    is_int(resources_union_dense_bounded(l, 1, best, 10), -1,
           "union_dense_bounded: a docno past the end is reported");
    ok(best[1] == 1 && best[5] == 4 && best[9] == 1,
       "union_dense_bounded: the others are there");

    for (i = 10, n = 0; i < 10 + 64; i++) {
        n += best[i];
    }

    is_int(n, 0, "union_dense_bounded: nothing written past ndocs");

    memset(best, 0, 10);
    l[0].n = 2;
    is_int(resources_union_dense_bounded(l, 1, best, 10), 0,
           "union_dense_bounded: good lists: 0");
    free(best);

    /* intersect: a driving list out of order gives increasing docnos */

    set_entries(data[1], unsorted, 6);
    set_entries(data[2], every, 6);
    l[0].data = data[1];
    l[0].n = 6;
    l[0].scored = 0;
    l[1].data = data[2];
    l[1].n = 6;
    l[1].scored = 0;

    n = resources_intersect(l, 2, 0, 9, out, NULL);
    ok(n == 3 && out[0] == 2 && out[1] == 7 && out[2] == 8,
       "intersect: a list out of order: strictly increasing, in [lo, hi)"
       " (%zu)", n);

    l[0].data = data[1];
    l[0].n = 6;
    l[1].data = data[2];
    l[1].n = 6;
    best = calloc(9, 1);
    memset(best, 1, 9);
    n = resources_intersect_dense(l, 2, 2, 8, best, out, score);
    ok(n == 2 && out[0] == 2 && out[1] == 7,
       "intersect_dense: [lo, hi) and increasing (%zu)", n);
    free(best);

    /* fields_add: a docno past the bitmaps is skipped and reported */

    set_entries(data[0], past, 4);
    acc = calloc(4 * 1 + 4, sizeof(uint64_t));     /* nw 1, and a guard */
    is_int(resources_bits_fields_add(acc, 1, data[0], 4), -1,
           "bits_fields_add: a docno past 64 * nw is reported");
    ok(acc[0] == ((1u << 1) | (1u << 5) | (1u << 9)),
       "bits_fields_add: the others are set");
    ok(acc[4] == 0 && acc[5] == 0 && acc[6] == 0 && acc[7] == 0,
       "bits_fields_add: nothing written past the four bitmaps");
    is_int(resources_bits_fields_add(acc, 1, data[0], 2), 0,
           "bits_fields_add: good entries: 0");
    free(acc);

    /* count_posting: a rare term's facet over a result bitmap */

    bits[0] = (1u << 1) | (1u << 9);
    bits[1] = 0;
    l[0].data = data[0];
    l[0].n = 2;
    is_int(resources_bits_count_posting(bits, 10, &l[0]), 1,
           "bits_count_posting: the docnos set");
    l[0].n = 4;
    ok(resources_bits_count_posting(bits, 10, &l[0]) == RESOURCES_CORRUPT,
       "bits_count_posting: a docno past ndocs is RESOURCES_CORRUPT");
}


/* a small snapshot, built by the loader's code */

static int
build(const char *path, size_t ndocs)
{
    char                      err[256], id[16], kw[16], date[16];
    size_t                    i;
    json_t                   *r, *kws;
    resources_build_t        *b;
    resources_build_stats_t   st;

    unlink(path);

    b = resources_build_create(path, (size_t) 1 << 28, err, sizeof(err));
    if (b == NULL) {
        return -1;
    }

    for (i = 0; i < ndocs; i++) {
        snprintf(id, sizeof(id), "r%zu", i);
        snprintf(kw, sizeof(kw), "kw%zu", i % 7);
        snprintf(date, sizeof(date), "%04zu-%02zu", 2000 + i % 20,
                 1 + i % 12);

        r = json_object();
        kws = json_array();
        json_array_append_new(kws, json_string(kw));
        json_array_append_new(kws, json_string("common"));
        json_object_set_new(r, "id", json_string(id));
        json_object_set_new(r, "title", json_string("tiers lieux foncier"));
        json_object_set_new(r, "type", json_string(i % 3 ? "Fiche" : "Note"));
        json_object_set_new(r, "date", json_string(date));
        json_object_set_new(r, "keywords", kws);
        json_object_set_new(r, "summary", json_string("un résumé"));

        if (resources_build_add(b, r, err, sizeof(err)) != 0) {
            json_decref(r);
            resources_build_free(b);
            return -1;
        }

        json_decref(r);
    }

    i = resources_build_finish(b, &st, err, sizeof(err));
    resources_build_free(b);

    return i ? -1 : 0;
}


/* the file offset of a pointer into an open snapshot's map */

static off_t
offset_of(const resources_snapshot_t *s, const void *p)
{
    return (off_t) ((const u_char *) p - s->map);
}


static void
patch(const char *path, off_t off, uint32_t v)
{
    int  fd;

    fd = open(path, O_WRONLY);
    ok(fd >= 0 && pwrite(fd, &v, 4, off) == 4, "patched at %lld",
       (long long) off);
    close(fd);
}


static void
test_open(void)
{
    char                  path[64], err[256];
    off_t                 kwids, date, post;
    uint32_t              nkw, d0, d5, last;
    u_char                best[64];
    resources_posting_t   p;
    resources_snapshot_t  s;

    snprintf(path, sizeof(path), "/tmp/test_corrupt.%d.mdb", (int) getpid());

    if (!ok(build(path, 40) == 0, "a snapshot of 40 resources")) {
        return;
    }

    if (!ok(resources_snapshot_open(&s, path, err, sizeof(err)) == 0,
            "it opens: %s", err))
    {
        unlink(path);
        return;
    }

    ok(s.map != NULL, "the map is known");

    kwids = offset_of(&s, s.kwids);
    nkw = s.header.nkeywords[1];
    date = offset_of(&s, s.date);
    d0 = resources_snapshot_col(s.date, 0);
    d5 = resources_snapshot_col(s.date, 5);

    resources_snapshot_posting(&s, RESOURCES_PART_PUBLIC,
                               RESOURCES_KIND_KEYWORD, (u_char *) "common",
                               6, &p);
    ok(p.n == 40, "the posting of \"common\" (%zu)", p.n);
    post = offset_of(&s, p.data);
    last = resources_get_u32(p.data + 39 * 4);

    resources_snapshot_close(&s);

    /* a keyword id past the keywords */

    patch(path, kwids + 4 * 3, nkw);
    is_int(resources_snapshot_open(&s, path, err, sizeof(err)), -1,
           "a kwids entry out of range is refused at open");
    ok(strstr(err, "keyword column") != NULL, "... saying so: %s", err);
    patch(path, kwids + 4 * 3, 0);

    /* dates out of order */

    patch(path, date + 4 * 5, d0 + 1);
    is_int(resources_snapshot_open(&s, path, err, sizeof(err)), -1,
           "dates out of order are refused at open");
    ok(strstr(err, "date column") != NULL, "... saying so: %s", err);
    patch(path, date + 4 * 5, d5);

    /* a posting entry past the end: in the middle, at the end */

    patch(path, post + 4 * 20, 1000u << 2);

    if (ok(resources_snapshot_open(&s, path, err, sizeof(err)) == 0,
           "a posting entry past the end opens (postings are not walked):"
           " %s", err))
    {
        resources_snapshot_posting(&s, RESOURCES_PART_PUBLIC,
                                   RESOURCES_KIND_KEYWORD,
                                   (u_char *) "common", 6, &p);
        memset(best, 0, sizeof(best));
        is_int(resources_union_dense_bounded(&p, 1, best,
                                             s.header.ndocs), -1,
               "... and union_dense_bounded reports it");
        resources_snapshot_close(&s);
    }

    patch(path, post + 4 * 39, 1000u << 2);

    if (ok(resources_snapshot_open(&s, path, err, sizeof(err)) == 0,
           "a last entry past the end opens: %s", err))
    {
        is_int(resources_snapshot_posting(&s, RESOURCES_PART_PUBLIC,
                                          RESOURCES_KIND_KEYWORD,
                                          (u_char *) "common", 6, &p), -1,
               "... and resources_snapshot_posting refuses it");
        is_int(p.n, 0, "... with an empty posting");
        resources_snapshot_close(&s);
    }

    patch(path, post + 4 * 39, last);

    unlink(path);
}


int
main(void)
{
    test_postings();
    test_open();

    return tap_done();
}
