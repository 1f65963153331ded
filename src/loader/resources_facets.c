/*
 * Copyright (C) ngx_http_resources authors
 *
 * A frequent term's facets, counted over its public resources: the
 * keywords and types by count, most first, ties in folded order (the
 * module's order, so that it writes the first ones as they come), the
 * years newest first (the module orders them as it does its own).
 */

#include <stdlib.h>
#include <string.h>

#include "resources_store.h"
#include "resources_facets.h"
#include "resources_postings.h"


/*
 * The terms of a kind counted in f->count: (id, count) pairs into out,
 * most first, ties in folded order (rank); the counts are reset.  Returns
 * how many pairs.
 */

static size_t
resources_facets_kind(resources_facets_t *f, const uint32_t *rank,
    uint32_t nterms, resources_vec_t *out)
{
    size_t    i, m;
    uint32_t  id;

    for (id = 0; id < nterms; id++) {
        f->byrank[rank[id]] = id;
    }

    for (id = 0, m = 0; id < nterms; id++) {
        if (f->count[id]) {
            f->keys[m++] = (uint64_t) (UINT32_MAX - f->count[id]) << 32
                           | rank[id];
        }
    }

    resources_select_u64(f->keys, m, m);

    for (i = 0; i < m; i++) {
        id = f->byrank[(uint32_t) f->keys[i]];
        resources_vec_push(out, id);
        resources_vec_push(out, f->count[id]);
    }

    for (id = 0; id < nterms; id++) {
        f->count[id] = 0;
    }

    return m;
}


void
resources_facets_table(resources_facets_t *f, const uint32_t *p, size_t n,
    resources_vec_t *out)
{
    size_t     i, k, nk, nt, ny;
    uint32_t   d, year, run;

    if (f->count == NULL) {
        k = (size_t) f->nkeywords + f->ntypes + 1;
        f->count = resources_xmalloc(k * sizeof(uint32_t));
        f->byrank = resources_xmalloc(k * sizeof(uint32_t));
        f->keys = resources_xmalloc(k * sizeof(uint64_t));
        memset(f->count, 0, k * sizeof(uint32_t));
    }

    out->n = 0;

    /* the header, filled at the end: keywords, types, years */

    for (i = 0; i < 3; i++) {
        resources_vec_push(out, 0);
    }

    /* keywords */

    for (i = 0; i < n; i++) {
        d = RESOURCES_DOCNO(p[i]);

        for (k = f->kwoff[d]; k < f->kwoff[d + 1]; k++) {
            f->count[f->kwids[k]]++;
        }
    }

    nk = resources_facets_kind(f, f->kwrank, f->nkeywords, out);

    /* types */

    for (i = 0; i < n; i++) {
        f->count[f->type[RESOURCES_DOCNO(p[i])]]++;
    }

    nt = resources_facets_kind(f, f->typerank, f->ntypes, out);

    /* years: docnos in date order, so in runs, newest first */

    ny = 0;
    run = 0;
    year = 0;

    for (i = 0; i <= n; i++) {
        d = (i < n) ? f->date[RESOURCES_DOCNO(p[i])] / 10000 : 0;

        if (i < n && d == year && run) {
            run++;
            continue;
        }

        if (run) {
            resources_vec_push(out, year);
            resources_vec_push(out, run);
            ny++;
        }

        if (d == 0) {
            break;                      /* undated, and all after it */
        }

        year = d;
        run = 1;
    }

    out->elts[0] = (uint32_t) nk;
    out->elts[1] = (uint32_t) nt;
    out->elts[2] = (uint32_t) ny;
}


void
resources_facets_free(resources_facets_t *f)
{
    free(f->count);
    free(f->byrank);
    free(f->keys);
    f->count = NULL;
    f->byrank = NULL;
    f->keys = NULL;
}
