/*
 * Copyright (C) ngx_http_resources authors
 *
 * bench/text: the time of resources_fold() + resources_words() on the
 * "body" strings of a catalogue in JSON Lines, as the loader calls them
 * (out buffer of RESOURCES_FOLD_RATIO * len + 16 bytes).
 *
 *   cc -O2 -g -std=gnu99 -Isrc bench/text.c src/resources_text.c \
 *       -o build/bench/text -lutf8proc -ljansson -pthread
 *   build/bench/text FILE.jsonl [MAX_RECORDS [ROUNDS [SUM]]]
 *
 * Prints ns per input byte (best round) and a checksum of the folded bytes
 * and the words (flags included), equal for equal results; with SUM 0, no
 * checksum (the handler only counts the words), to time fold and words
 * alone.  Only bench_run() folds and splits: for instruction counts,
 *
 *   valgrind --tool=callgrind --toggle-collect=bench_run \
 *       build/bench/text FILE.jsonl 2000 1 0
 *
 * Measured (2 shared cores, /tmp/pb/c100k.jsonl: 100000 bodies, 243 MB):
 * before the fast paths of resources_text.c, 19 ns/byte and 193
 * instructions/byte (2000 bodies), after, 3.2 ns/byte and 44 (SUM 0).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "resources_text.h"


typedef struct {
    char    *data;
    size_t   len;
} bench_str_t;


typedef struct {
    uint64_t  sum;
    size_t    words;
} bench_words_t;


/* a checksum, 8 bytes at a time: cheap next to what it checks */

static uint64_t
bench_hash(uint64_t h, const u_char *p, size_t len)
{
    size_t    i;
    uint64_t  v;

    for (i = 0; i + 8 <= len; i += 8) {
        memcpy(&v, p + i, 8);
        h = (h ^ v) * 0x100000001b3ULL;
    }

    v = len;

    for ( /* void */ ; i < len; i++) {
        v = (v << 8) | p[i];
    }

    return (h ^ v) * 0x100000001b3ULL;
}


static int  bench_sum = 1;


static int
bench_word(void *data, const u_char *w, size_t len, unsigned flags)
{
    bench_words_t  *bw = data;

    if (bench_sum) {
        bw->sum = bench_hash(bw->sum, w, len) * 31 + flags;
    }

    bw->words++;

    return 0;
}


/* not inlined: callgrind's --toggle-collect needs it */

static int __attribute__((noinline, noclone))
bench_run(bench_str_t *s, size_t n, u_char *out, size_t cap,
    bench_words_t *bw, uint64_t *fsum)
{
    size_t   i;
    ssize_t  f;

    for (i = 0; i < n; i++) {
        f = resources_fold((u_char *) s[i].data, s[i].len, out, cap);
        if (f < 0) {
            return -1;
        }

        if (bench_sum) {
            *fsum = bench_hash(*fsum, out, (size_t) f);
        }

        if (resources_words(out, (size_t) f, bench_word, bw) != 0) {
            return -1;
        }
    }

    return 0;
}


int
main(int argc, char **argv)
{
    FILE             *fp;
    char             *line;
    size_t            lcap, max, rounds, r, n, nalloc, bytes, longest, cap;
    ssize_t           ll;
    u_char           *out;
    double            ns, best;
    uint64_t          fsum;
    json_t           *j, *body;
    bench_str_t      *s;
    bench_words_t     bw;
    json_error_t      err;
    struct timespec   t0, t1;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.jsonl [MAX_RECORDS [ROUNDS [SUM]]]\n",
                argv[0]);
        return 2;
    }

    max = argc > 2 ? strtoul(argv[2], NULL, 10) : (size_t) -1;
    rounds = argc > 3 ? strtoul(argv[3], NULL, 10) : 3;
    bench_sum = argc > 4 ? atoi(argv[4]) : 1;

    fp = fopen(argv[1], "r");
    if (fp == NULL) {
        perror(argv[1]);
        return 1;
    }

    s = NULL;
    n = 0;
    nalloc = 0;
    bytes = 0;
    longest = 0;
    line = NULL;
    lcap = 0;

    while (n < max && (ll = getline(&line, &lcap, fp)) > 0) {
        j = json_loadb(line, (size_t) ll, 0, &err);
        if (j == NULL) {
            continue;
        }

        body = json_object_get(j, "body");

        if (json_is_string(body)) {
            if (n == nalloc) {
                nalloc = nalloc ? nalloc * 2 : 1024;
                s = realloc(s, nalloc * sizeof(bench_str_t));
                if (s == NULL) {
                    return 1;
                }
            }

            s[n].len = json_string_length(body);
            s[n].data = malloc(s[n].len + 1);
            if (s[n].data == NULL) {
                return 1;
            }

            memcpy(s[n].data, json_string_value(body), s[n].len);
            bytes += s[n].len;
            longest = s[n].len > longest ? s[n].len : longest;
            n++;
        }

        json_decref(j);
    }

    free(line);
    fclose(fp);

    cap = longest * RESOURCES_FOLD_RATIO + 16;
    out = malloc(cap);
    if (out == NULL) {
        return 1;
    }

    best = 0;
    fsum = 0;
    memset(&bw, 0, sizeof(bw));

    for (r = 0; r < rounds; r++) {
        fsum = 0xcbf29ce484222325ULL;
        memset(&bw, 0, sizeof(bw));

        clock_gettime(CLOCK_MONOTONIC, &t0);

        if (bench_run(s, n, out, cap, &bw, &fsum) != 0) {
            fprintf(stderr, "fold or words failed\n");
            return 1;
        }

        clock_gettime(CLOCK_MONOTONIC, &t1);

        ns = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);

        if (r == 0 || ns < best) {
            best = ns;
        }

        printf("round %zu: %.3f s, %.2f ns/byte\n", r + 1, ns / 1e9,
               ns / (double) bytes);
    }

    printf("%zu bodies, %zu bytes, %zu words; best %.2f ns/byte, %.1f MB/s;"
           " checksum %016llx %016llx\n", n, bytes, bw.words,
           best / (double) bytes, bytes / best * 1e3,
           (unsigned long long) fsum, (unsigned long long) bw.sum);

    return 0;
}
