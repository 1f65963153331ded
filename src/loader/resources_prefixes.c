/*
 * Copyright (C) ngx_http_resources authors
 *
 * The unions of the words a prefix starts.  In key order, the words a
 * prefix starts are a run, and the prefixes that give different runs are
 * the nodes of a trie: the lcp-intervals of the sorted words (an interval
 * of at least two words whose longest common prefix is longer than that
 * of each word just outside it).  They are found first, from the words
 * alone; then, as the words come with their entries, each word goes into
 * the deepest interval that may be written, and an interval, once its
 * last word has come, is written and ORed into the next one up that may
 * be.  Only the open intervals hold bitmaps: at most one per length.
 */

#include <stdlib.h>
#include <string.h>

#include "resources_store.h"
#include "resources_postings.h"
#include "resources_prefixes.h"
#include "resources_util.h"


typedef struct {
    uint32_t        lb;             /* its first word */
    uint32_t        rb;             /* its last word */
    uint32_t        len;            /* its common prefix */
    int32_t         parent;         /* the next interval up written, or -1 */
    uint32_t        npublic;        /* public words come in */
    uint32_t        first;          /* the first and last of them */
    uint32_t        last;
    uint64_t       *acc;            /* 4 bitmaps, or NULL before a word */
} resources_interval_t;


struct resources_prefixes_s {
    const u_char              **words;
    const uint32_t             *lens;
    size_t                      n;
    size_t                      nw;         /* u64 words a bitmap */
    uint32_t                    ndocs;

    resources_interval_t       *iv;         /* in closing order */
    size_t                      niv;
    size_t                      next;       /* the next to close */
    int32_t                    *deep;       /* a word's interval, or -1 */

    const u_char               *written;    /* the last prefix written */
    size_t                      written_len;
    size_t                      nwritten;

    resources_prefixes_put_pt   put;
    void                       *data;
};


static size_t
resources_lcp(const u_char *a, size_t alen, const u_char *b, size_t blen)
{
    size_t  i, n;

    n = (alen < blen) ? alen : blen;

    for (i = 0; i < n && a[i] == b[i]; i++) { /* void */ }

    return i;
}


static int
resources_cmp_interval_len(const void *one, const void *two)
{
    const resources_interval_t  *a = *(resources_interval_t * const *) one;
    const resources_interval_t  *b = *(resources_interval_t * const *) two;

    return (a->len > b->len) - (a->len < b->len);
}


resources_prefixes_t *
resources_prefixes_create(const u_char **words, const uint32_t *lens,
    const uint32_t *sizes, size_t n, uint32_t ndocs,
    resources_prefixes_put_pt put, void *data)
{
    size_t                   i, sp, l, lb, j, w;
    uint64_t                 total;
    resources_interval_t    *iv, **byl;
    resources_prefixes_t    *pr;

    struct {
        size_t  len;
        size_t  lb;
    }                       *stack;

    pr = resources_xcalloc(sizeof(resources_prefixes_t));

    pr->words = words;
    pr->lens = lens;
    pr->n = n;
    pr->ndocs = ndocs;
    pr->nw = RESOURCES_BITMAP_WORDS(ndocs);
    pr->put = put;
    pr->data = data;

    pr->iv = resources_xmalloc((n + 1) * sizeof(resources_interval_t));
    pr->deep = resources_xmalloc((n + 1) * sizeof(int32_t));

    for (i = 0; i < n; i++) {
        pr->deep[i] = -1;
    }

    /*
     * The lcp-intervals, innermost first (Abouelhoda, Kurtz, Ohlebusch):
     * the stack holds the open ones, of increasing common prefixes; those
     * that may be written are kept
     */

    stack = resources_xmalloc((n + 2) * sizeof(*stack));
    sp = 0;
    stack[sp].len = 0;
    stack[sp].lb = 0;
    sp++;

    for (i = 1; i <= n; i++) {
        l = (i < n) ? resources_lcp(words[i - 1], lens[i - 1], words[i],
                                    lens[i])
                    : 0;
        lb = i - 1;

        while (l < stack[sp - 1].len) {
            sp--;
            lb = stack[sp].lb;

            if (stack[sp].len < 2 || i - lb > RESOURCES_PREFIX_WORDS) {
                continue;
            }

            for (j = lb, total = 0; j < i; j++) {
                total += sizes[j];
            }

            if (total < ndocs / 64 || total == 0) {
                continue;               /* can never be frequent */
            }

            iv = &pr->iv[pr->niv++];
            iv->lb = (uint32_t) lb;
            iv->rb = (uint32_t) (i - 1);
            iv->len = (uint32_t) stack[sp].len;
            iv->parent = -1;
            iv->npublic = 0;
            iv->acc = NULL;
        }

        if (l > stack[sp - 1].len) {
            stack[sp].len = l;
            stack[sp].lb = lb;
            sp++;
        }
    }

    free(stack);

    /*
     * A word's deepest interval, and an interval's parent: the intervals
     * by increasing common prefix, each claiming its words (two of one
     * length are disjoint); what an interval's first word had before it
     * claims is its parent
     */

    byl = resources_xmalloc((pr->niv + 1) * sizeof(resources_interval_t *));

    for (i = 0; i < pr->niv; i++) {
        byl[i] = &pr->iv[i];
    }

    qsort(byl, pr->niv, sizeof(resources_interval_t *),
          resources_cmp_interval_len);

    for (i = 0; i < pr->niv; i++) {
        iv = byl[i];
        iv->parent = pr->deep[iv->lb];

        for (w = iv->lb; w <= iv->rb; w++) {
            pr->deep[w] = (int32_t) (iv - pr->iv);
        }
    }

    free(byl);

    return pr;
}


/* one interval complete: written if it may be, then ORed into its parent */

static int
resources_prefixes_close(resources_prefixes_t *pr, resources_interval_t *iv)
{
    int                    rc;
    size_t                 i, nw, len;
    uint64_t              *b, *pb;
    resources_interval_t  *up;

    if (iv->acc == NULL) {
        return 0;                       /* no public word */
    }

    nw = pr->nw;
    b = iv->acc;

    rc = 0;

    len = resources_lcp(pr->words[iv->first], pr->lens[iv->first],
                        pr->words[iv->last], pr->lens[iv->last]);

    if (iv->npublic >= 2
        && resources_bits_count_range(b, 0, pr->ndocs) >= pr->ndocs / 64
        && !(len == pr->written_len && pr->written
             && memcmp(pr->written, pr->words[iv->first], len) == 0))
    {
        /*
         * The low bit made to read as in one word (the best field of its
         * words'), in place: the first three bitmaps of acc are then the
         * union's.  ORed into the parent so, the parent's low bit comes
         * out the same: what this adds to it and not to the title is
         * under this interval's high bits, which the parent has too.
         */

        resources_bits_fields_low(b, nw);

        rc = pr->put(pr->data, pr->words[iv->first], len, b, nw);

        pr->written = pr->words[iv->first];
        pr->written_len = len;
        pr->nwritten++;
    }

    if (iv->parent >= 0) {
        up = &pr->iv[iv->parent];

        if (up->acc == NULL) {
            up->acc = iv->acc;
            up->first = iv->first;
            iv->acc = NULL;

        } else {
            pb = up->acc;

            for (i = 0; i < 4 * nw; i++) {
                pb[i] |= b[i];
            }
        }

        up->npublic += iv->npublic;
        up->last = iv->last;
    }

    free(iv->acc);
    iv->acc = NULL;

    return rc;
}


int
resources_prefixes_add(resources_prefixes_t *pr, size_t i, const uint32_t *p,
    uint32_t n)
{
    int                    rc;
    size_t                 nw;
    resources_interval_t  *iv;

    nw = pr->nw;

    if (n && pr->deep[i] >= 0) {
        iv = &pr->iv[pr->deep[i]];

        if (iv->acc == NULL) {
            iv->acc = resources_xcalloc(4 * nw * sizeof(uint64_t));
            iv->first = (uint32_t) i;
        }

        iv->npublic++;
        iv->last = (uint32_t) i;

        resources_bits_fields_add(iv->acc, nw, (const u_char *) p, n);
    }

    /* the intervals that end with this word, innermost first */

    while (pr->next < pr->niv && pr->iv[pr->next].rb == i) {
        rc = resources_prefixes_close(pr, &pr->iv[pr->next++]);
        if (rc != 0) {
            return rc;
        }
    }

    return 0;
}


size_t
resources_prefixes_written(const resources_prefixes_t *pr)
{
    return pr->nwritten;
}


void
resources_prefixes_free(resources_prefixes_t *pr)
{
    size_t  i;

    if (pr == NULL) {
        return;
    }

    for (i = 0; i < pr->niv; i++) {
        free(pr->iv[i].acc);
    }

    free(pr->iv);
    free(pr->deep);
    free(pr);
}
