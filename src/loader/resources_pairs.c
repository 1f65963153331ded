/*
 * Copyright (C) ngx_http_resources authors
 *
 * The loader's pair counts: see resources_pairs.h and, for the layout,
 * RESOURCES_PART_PAIRS in resources_store.h.
 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "resources_pairs.h"
#include "resources_postings.h"
#include "resources_store.h"
#include "resources_util.h"


typedef struct {
    const u_char   *key;            /* without its part byte */
    size_t          len;
    const u_char   *bits;
    size_t          count;
} resources_pair_term_t;


typedef struct {
    const u_char  **bits;
    size_t          n;
    size_t          nw;
    uint32_t       *counts;
    unsigned        part;
    unsigned        nparts;
} resources_pair_task_t;


/* most bits first, ties in key order */

static int
resources_pair_cmp(const void *one, const void *two)
{
    int                           rc;
    size_t                        n;
    const resources_pair_term_t  *a, *b;

    a = one;
    b = two;

    if (a->count != b->count) {
        return (a->count > b->count) ? -1 : 1;
    }

    n = (a->len < b->len) ? a->len : b->len;
    rc = memcmp(a->key, b->key, n);

    if (rc != 0) {
        return rc;
    }

    return (a->len > b->len) - (a->len < b->len);
}


static void *
resources_pair_thread(void *arg)
{
    size_t                  lo, hi;
    resources_pair_task_t  *t;

    t = arg;

    resources_pair_rows(t->n, t->part, t->nparts, &lo, &hi);
    resources_bits_pairs(t->bits, t->n, t->nw, lo, hi, t->counts);

    return NULL;
}


int
resources_pairs_write(MDB_txn *txn, MDB_dbi post, uint32_t ndocs,
    unsigned threads, size_t *written)
{
    int                     rc;
    u_char                 *value, *p, key[2];
    size_t                  n, cap, i, nw, size, keys;
    uint32_t                n32;
    unsigned                h, nhelpers;
    pthread_t              *helpers;
    MDB_val                 k, d;
    MDB_cursor             *c;
    const u_char          **bits;
    resources_pair_term_t  *terms;
    resources_pair_task_t  *tasks;

    nw = RESOURCES_BITMAP_WORDS(ndocs);
    terms = NULL;
    n = 0;
    cap = 0;

    /* the bitmaps, where the transaction has them */

    rc = mdb_cursor_open(txn, post, &c);
    if (rc != 0) {
        return rc;
    }

    key[0] = RESOURCES_PART_BITMAP;
    k.mv_size = 1;
    k.mv_data = key;

    for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
         rc == 0;
         rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
    {
        if (k.mv_size < 2
            || ((u_char *) k.mv_data)[0] != RESOURCES_PART_BITMAP)
        {
            break;
        }

        if (d.mv_size != nw * sizeof(uint64_t) || k.mv_size > 256) {
            mdb_cursor_close(c);
            free(terms);
            return EINVAL;
        }

        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            terms = resources_xrealloc(terms,
                                       cap * sizeof(resources_pair_term_t));
        }

        terms[n].key = (const u_char *) k.mv_data + 1;
        terms[n].len = k.mv_size - 1;
        terms[n].bits = d.mv_data;
        terms[n].count = resources_bits_count(d.mv_data, nw);
        n++;
    }

    mdb_cursor_close(c);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        free(terms);
        return rc;
    }

    if (n == 0) {
        return 0;
    }

    qsort(terms, n, sizeof(resources_pair_term_t), resources_pair_cmp);

    /*
     * At most RESOURCES_PAIRS_MAX, and one per RESOURCES_PAIRS_DOCS
     * resources: 4 n (n + 1) / 2 bytes of table against n ndocs / 8 of
     * bitmaps
     */

    if (n > RESOURCES_PAIRS_MAX) {
        n = RESOURCES_PAIRS_MAX;
    }

    if (n > ndocs / RESOURCES_PAIRS_DOCS) {
        n = ndocs / RESOURCES_PAIRS_DOCS;
    }

    if (n == 0) {
        free(terms);
        return 0;
    }

    /*
     * The value, made aside: putting it moves the bitmaps read above.
     * The table is counted straight into it (4-byte aligned).
     */

    for (i = 0, keys = 0; i < n; i++) {
        keys += 1 + terms[i].len;
    }

    keys = (sizeof(uint32_t) + keys + 3) & ~(size_t) 3;
    size = keys + n * (n + 1) / 2 * sizeof(uint32_t);

    value = resources_xmalloc(size);
    memset(value, 0, keys);

    n32 = (uint32_t) n;
    memcpy(value, &n32, sizeof(uint32_t));
    p = value + sizeof(uint32_t);

    bits = resources_xmalloc(n * sizeof(u_char *));

    for (i = 0; i < n; i++) {
        *p++ = (u_char) terms[i].len;
        p = (u_char *) memcpy(p, terms[i].key, terms[i].len) + terms[i].len;
        bits[i] = terms[i].bits;
    }

    /* the rows shared out: part 0 here, the others in helpers */

    tasks = resources_xmalloc((threads + 1) * sizeof(resources_pair_task_t));

    for (h = 0; h <= threads; h++) {
        tasks[h].bits = bits;
        tasks[h].n = n;
        tasks[h].nw = nw;
        tasks[h].counts = (uint32_t *) (value + keys);
        tasks[h].part = h;
        tasks[h].nparts = threads + 1;
    }

    helpers = NULL;
    nhelpers = 0;

    if (threads) {
        helpers = resources_xmalloc(threads * sizeof(pthread_t));
        nhelpers = resources_threads_start(helpers, threads,
                                           resources_pair_thread, &tasks[1],
                                           sizeof(resources_pair_task_t));
    }

    (void) resources_pair_thread(&tasks[0]);

    for (h = 0; h < nhelpers; h++) {
        pthread_join(helpers[h], NULL);
    }

    /* the parts no helper could take */

    for (h = nhelpers + 1; h <= threads; h++) {
        (void) resources_pair_thread(&tasks[h]);
    }

    key[0] = RESOURCES_PART_PAIRS;
    key[1] = RESOURCES_KIND_ALL;
    k.mv_size = 2;
    k.mv_data = key;
    d.mv_size = size;
    d.mv_data = value;

    rc = mdb_put(txn, post, &k, &d, 0);

    if (rc == 0) {
        *written += size;
    }

    free(helpers);
    free(tasks);
    free(bits);
    free(value);
    free(terms);

    return rc;
}
