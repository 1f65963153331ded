/*
 * Copyright (C) ngx_http_resources authors
 */


#include "resources_postings.h"
#include "resources_store.h"


const uint32_t  resources_field_weight[4] = { 1, 2, 4, 8 };


static inline uint32_t
resources_entry(const u_char *data, size_t i)
{
    return resources_get_u32(data + i * sizeof(uint32_t));
}


size_t
resources_gallop(const u_char *data, size_t n, size_t from, uint32_t docno)
{
    size_t  lo, hi, step, mid;

    if (from >= n || RESOURCES_DOCNO(resources_entry(data, from)) >= docno) {
        return from;
    }

    /* entry[from] < docno: find hi with entry[hi] >= docno by doubling */

    lo = from;
    step = 1;

    for ( ;; ) {
        hi = lo + step;

        if (hi >= n) {
            hi = n;
            break;
        }

        if (RESOURCES_DOCNO(resources_entry(data, hi)) >= docno) {
            break;
        }

        lo = hi;
        step <<= 1;
    }

    /* entry[lo] < docno, entry[hi] >= docno (or hi == n) */

    while (hi - lo > 1) {
        mid = lo + (hi - lo) / 2;

        if (RESOURCES_DOCNO(resources_entry(data, mid)) >= docno) {
            hi = mid;

        } else {
            lo = mid;
        }
    }

    return hi;
}


size_t
resources_intersect(resources_posting_t *lists, size_t nlists, uint32_t lo,
    uint32_t hi, uint32_t *out, uint32_t *score)
{
    size_t               i, j, k, count, pos[RESOURCES_INTERSECT_MAX];
    uint32_t             e, d, s, cand;
    resources_posting_t  t;

    if (nlists == 0 || nlists > RESOURCES_INTERSECT_MAX || lo >= hi) {
        return 0;
    }

    /* smallest first: it drives, the others are galloped into */

    for (i = 1; i < nlists; i++) {
        t = lists[i];

        for (j = i; j > 0 && lists[j - 1].n > t.n; j--) {
            lists[j] = lists[j - 1];
        }

        lists[j] = t;
    }

    for (i = 0; i < nlists; i++) {
        pos[i] = resources_gallop(lists[i].data, lists[i].n, 0, lo);
    }

    count = 0;

    for (k = pos[0]; k < lists[0].n; k++) {
        e = resources_entry(lists[0].data, k);
        cand = RESOURCES_DOCNO(e);

        if (cand >= hi) {
            break;
        }

        s = lists[0].scored ? resources_field_weight[RESOURCES_FIELD(e)] : 0;

        for (i = 1; i < nlists; i++) {
            pos[i] = resources_gallop(lists[i].data, lists[i].n, pos[i],
                                      cand);
            if (pos[i] == lists[i].n) {
                return count;
            }

            e = resources_entry(lists[i].data, pos[i]);
            d = RESOURCES_DOCNO(e);

            if (d != cand) {
                break;
            }

            if (lists[i].scored) {
                s += resources_field_weight[RESOURCES_FIELD(e)];
            }
        }

        if (i < nlists) {
            continue;
        }

        out[count] = cand;

        if (score) {
            score[count] = s;
        }

        count++;
    }

    return count;
}


/* merges two sorted entry runs, keeping the best field of equal docnos */

static size_t
resources_merge(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
    uint32_t *out)
{
    size_t    i, j, o;
    uint32_t  x, y;

    i = 0;
    j = 0;
    o = 0;

    while (i < na && j < nb) {
        x = a[i];
        y = b[j];

        if (RESOURCES_DOCNO(x) < RESOURCES_DOCNO(y)) {
            out[o++] = x;
            i++;

        } else if (RESOURCES_DOCNO(x) > RESOURCES_DOCNO(y)) {
            out[o++] = y;
            j++;

        } else {
            out[o++] = x > y ? x : y;
            i++;
            j++;
        }
    }

    while (i < na) {
        out[o++] = a[i++];
    }

    while (j < nb) {
        out[o++] = b[j++];
    }

    return o;
}


size_t
resources_union(const resources_posting_t *lists, size_t nlists,
    uint32_t *out, uint32_t *work)
{
    size_t     i, k, n, m;
    uint32_t  *t;

    /* fold the lists in one by one: out holds the union so far */

    n = 0;

    for (i = 0; i < nlists; i++) {
        m = lists[i].n;

        for (k = 0; k < m; k++) {
            work[n + k] = resources_entry(lists[i].data, k);
        }

        n = resources_merge(out, n, work + n, m, work);

        t = out;
        out = work;
        work = t;
    }

    /* the result is in "out" as last swapped: copy back when needed */

    if (nlists % 2 == 1) {
        for (k = 0; k < n; k++) {
            work[k] = out[k];
        }
    }

    return n;
}
