/*
 * bench/typo_walk.c: what finding a query word's typo derivations costs on
 * a sorted term list, walked as a trie (docs/format.md, issue #22).
 *
 *   make bench-postings
 *   taskset -c 1 build/bench/typo_walk SNAPSHOT.mdb [QUERIES]
 *
 * Takes the public words of a snapshot (database "post", part p, kind w:
 * folded and stemmed, in key order: the sorted list that schema 3 would
 * store front-coded), makes QUERIES (default 400) query words from them,
 * each with one edit (a substitution, deletion, insertion or
 * transposition, never on the first byte) and, for words of 9 bytes or
 * more, a second one, and finds for each every term within Meilisearch's
 * distance (1 typo from 5 bytes, 2 from 9; the first byte must match, as
 * milli's word_derivations() asks of a one-typo match), the optimal
 * string alignment distance (a transposition counts as one).  Also as a
 * prefix (the typed-ahead last word: the distance to any prefix of a term).
 *
 * The walk: the terms that start with the query's first byte are a range;
 * within it, the dynamic-programming row of each depth is kept, so a term
 * computes only the rows past the prefix it shares with the previous one,
 * and when a row's minimum exceeds the distance, every term that shares
 * that prefix is skipped (a binary search to the end of the prefix); a
 * row computes only the 2k + 1 cells of Ukkonen's band (scalar code: a
 * bit-parallel row, Myers / Hyyro, would be one word operation).
 * Bytes, not characters: an accented letter is two edits here (the real
 * walk would step UTF-8 characters).
 *
 * The terms are copied one after the other first, as a front-coded list
 * would hold them (TYPO_WALK_MAP=1 walks the keys where LMDB has them).
 * Prints the median and 90th percentile time a query word, the DP cells
 * computed and the terms found.  BSD 2-Clause, like the project.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lmdb.h>


#define MAXLEN  64

typedef struct {
    const char  *s;
    uint32_t     len;
} term_t;

static term_t   *terms;
static size_t    nterms;
static uint64_t  cells, visits;


static uint64_t
sm64(uint64_t *s)
{
    uint64_t  z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}


static int
dbl_cmp(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}


/* the first index in [lo, hi) of a term that does not start with p[0, n) */

static size_t
past_prefix(size_t lo, size_t hi, const char *p, uint32_t n)
{
    while (lo < hi) {
        size_t  mid = lo + (hi - lo) / 2;

        if (terms[mid].len >= n && memcmp(terms[mid].s, p, n) == 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }

    return lo;
}


/*
 * The derivations of q (m bytes) within k, as words (prefix == 0) or as
 * prefixes of terms; returns how many terms match.
 */

static size_t
derive(const char *q, uint32_t m, uint32_t k, int prefix)
{
    static uint32_t  row[MAXLEN + 2][MAXLEN + 2];
    size_t           lo, hi, i, found = 0;
    uint32_t         d, j, shared = 0, v, best, plen = 0;
    const char      *prev = NULL;

    /* the range of terms that start with q[0] */
    for (lo = 0, hi = nterms; lo < hi; ) {
        size_t  mid = lo + (hi - lo) / 2;
        if ((unsigned char) terms[mid].s[0] < (unsigned char) q[0]) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    for (i = lo, hi = nterms; i < hi; ) {
        size_t  mid = i + (hi - i) / 2;
        if ((unsigned char) terms[mid].s[0] <= (unsigned char) q[0]) {
            i = mid + 1;
        } else {
            hi = mid;
        }
    }

    for (j = 0; j <= m; j++) {
        row[0][j] = j;
    }

    /*
     * A word matches when its last row ends within k.  As a prefix, a term
     * matches when q is within k of one of its prefixes: then so does every
     * term that shares that prefix, a range of term ids, taken whole.
     */

    for (i = lo; i < hi; ) {
        const term_t  *t = &terms[i];
        uint32_t       n = t->len < MAXLEN ? t->len : MAXLEN;
        size_t         next = i + 1;

        visits++;

        for (shared = 0; prev != NULL && shared < n && shared < plen
             && prev[shared] == t->s[shared]; shared++) { }

        for (d = shared + 1; d <= n; d++) {
            /* Ukkonen's band: cells further than k off the diagonal are
               more than k; the band's edges are set to k + 1 */
            uint32_t  jlo = d > k ? d - k : 1, jhi = d + k < m ? d + k : m;

            row[d][0] = d;
            best = jlo == 1 ? d : k + 1;
            if (jlo > 1) {
                row[d][jlo - 1] = k + 1;
            }
            if (jhi < m) {
                row[d][jhi + 1] = k + 1;
            }
            for (j = jlo; j <= jhi; j++) {
                v = row[d - 1][j - 1] + (t->s[d - 1] != q[j - 1]);
                if (row[d - 1][j] + 1 < v) {
                    v = row[d - 1][j] + 1;
                }
                if (row[d][j - 1] + 1 < v) {
                    v = row[d][j - 1] + 1;
                }
                if (d > 1 && j > 1 && t->s[d - 1] == q[j - 2]
                    && t->s[d - 2] == q[j - 1] && row[d - 2][j - 2] + 1 < v)
                {
                    v = row[d - 2][j - 2] + 1;
                }
                row[d][j] = v;
                if (v < best) {
                    best = v;
                }
            }
            cells += jhi >= jlo ? jhi - jlo + 1 : 0;

            if (prefix && m <= jhi && m >= jlo && row[d][m] <= k) {
                /* every term under t[0, d) matches: one range */
                next = past_prefix(i + 1, hi, t->s, d);
                found += next - i;
                break;
            }

            if (best > k) {
                /* no term under t[0, d) can match: skip them all */
                next = past_prefix(i + 1, hi, t->s, d);
                break;
            }
        }

        if (d > n && m + k >= n && m <= n + k && row[n][m] <= k) {
            found++;
        }

        prev = t->s;
        plen = d > n ? n : d;
        i = next;
    }

    return found;
}


int
main(int argc, char **argv)
{
    MDB_env     *env;
    MDB_txn     *txn;
    MDB_dbi      post;
    MDB_cursor  *cur;
    MDB_val      k, v;
    size_t       cap = 1 << 16, nq = 400, i, r, f, total[2] = { 0, 0 };
    uint64_t     seed = 1, cell_sum[2] = { 0, 0 }, visit_sum[2] = { 0, 0 };
    double      *ns[2];
    int          rc, p;

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: typo_walk SNAPSHOT.mdb [QUERIES]\n");
        return 2;
    }

    if (argc == 3) {
        nq = (size_t) atoi(argv[2]);
        if (nq < 10 || nq > 100000) {
            nq = 400;
        }
    }

    if ((rc = mdb_env_create(&env)) != 0
        || (rc = mdb_env_set_maxdbs(env, 8)) != 0
        || (rc = mdb_env_set_mapsize(env, (size_t) 1 << 40)) != 0
        || (rc = mdb_env_open(env, argv[1], MDB_RDONLY | MDB_NOLOCK
                              | MDB_NOSUBDIR, 0644)) != 0
        || (rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0
        || (rc = mdb_dbi_open(txn, "post", 0, &post)) != 0)
    {
        fprintf(stderr, "typo_walk: %s: %s\n", argv[1], mdb_strerror(rc));
        return 1;
    }

    terms = malloc(cap * sizeof(term_t));
    mdb_cursor_open(txn, post, &cur);
    while (mdb_cursor_get(cur, &k, &v, MDB_NEXT) == 0) {
        const char  *key = k.mv_data;

        if (k.mv_size < 3 || key[0] != 'p' || key[1] != 'w') {
            continue;
        }
        if (nterms == cap) {
            cap *= 2;
            terms = realloc(terms, cap * sizeof(term_t));
        }
        terms[nterms].s = key + 2;
        terms[nterms].len = (uint32_t) k.mv_size - 2;
        nterms++;
    }

    /* the terms one after the other, as a front-coded list would keep
       them (the keys in the map are spread over LMDB's pages) */
    if (getenv("TYPO_WALK_MAP") == NULL) {
        size_t  bytes = 0;
        char   *arena, *a;

        for (i = 0; i < nterms; i++) {
            bytes += terms[i].len;
        }
        a = arena = malloc(bytes + 1);
        for (i = 0; i < nterms; i++) {
            memcpy(a, terms[i].s, terms[i].len);
            terms[i].s = a;
            a += terms[i].len;
        }
    }

    ns[0] = malloc(nq * sizeof(double));
    ns[1] = malloc(nq * sizeof(double));

    for (i = 0; i < nq; i++) {
        char             q[MAXLEN + 4];
        const term_t    *t;
        uint32_t         m, kk, e, at;
        struct timespec  t0, t1;

        do {
            t = &terms[sm64(&seed) % nterms];
        } while (t->len < 5 || t->len > MAXLEN - 2);

        m = t->len;
        memcpy(q, t->s, m);
        kk = m >= 9 ? 2 : 1;

        for (e = 0; e < kk; e++) {
            at = 1 + (uint32_t) (sm64(&seed) % (m - 1));
            switch (sm64(&seed) % 4) {
            case 0:
                q[at] = (char) ('a' + sm64(&seed) % 26);
                break;
            case 1:
                memmove(q + at, q + at + 1, m - at - 1);
                m--;
                break;
            case 2:
                memmove(q + at + 1, q + at, m - at);
                q[at] = (char) ('a' + sm64(&seed) % 26);
                m++;
                break;
            default:
                if (at + 1 < m) {
                    char  c = q[at];
                    q[at] = q[at + 1];
                    q[at + 1] = c;
                }
            }
        }

        for (p = 0; p < 2; p++) {
            double  best = 0, tt;

            for (r = 0; r < 5; r++) {
                uint64_t  c0 = cells, v0 = visits;

                clock_gettime(CLOCK_MONOTONIC, &t0);
                f = derive(q, m, kk, p);
                clock_gettime(CLOCK_MONOTONIC, &t1);
                tt = (t1.tv_sec - t0.tv_sec) * 1e9
                     + (t1.tv_nsec - t0.tv_nsec);
                if (r == 0 || tt < best) {
                    best = tt;
                }
                if (r == 0) {
                    cell_sum[p] += cells - c0;
                    visit_sum[p] += visits - v0;
                    total[p] += f;
                }
            }
            ns[p][i] = best;
        }
    }

    printf("%zu terms (public words of %s), %zu query words, one edit"
           " (two from 9 bytes)\n", nterms, argv[1], nq);

    for (p = 0; p < 2; p++) {
        qsort(ns[p], nq, sizeof(double), dbl_cmp);
        printf("  %-8s median %.1f us, p90 %.1f us, max %.1f us a word;"
               " %.0f terms visited, %.0f DP cells, %.1f terms found a"
               " word\n", p ? "prefix" : "word", ns[p][nq / 2] / 1e3,
               ns[p][nq * 9 / 10] / 1e3, ns[p][nq - 1] / 1e3,
               (double) visit_sum[p] / nq, (double) cell_sum[p] / nq,
               (double) total[p] / nq);
    }

    return 0;
}
