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


void
resources_facets_table(resources_facets_t *f, const uint32_t *p, size_t n,
    resources_vec_t *out)
{
    size_t     i, k, nk, nt, ny;
    uint32_t   d, id, year, run, *byrank;

    if (f->count == NULL) {
        k = (size_t) f->nkeywords + f->ntypes + 1;
        f->count = resources_xmalloc(k * sizeof(uint32_t));
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

    byrank = resources_xmalloc(((size_t) f->nkeywords + f->ntypes + 1)
                               * sizeof(uint32_t));

    for (id = 0; id < f->nkeywords; id++) {
        byrank[f->kwrank[id]] = id;
    }

    for (id = 0, nk = 0; id < f->nkeywords; id++) {
        if (f->count[id]) {
            f->keys[nk++] = (uint64_t) (UINT32_MAX - f->count[id]) << 32
                            | f->kwrank[id];
        }
    }

    resources_select_u64(f->keys, nk, nk);

    for (i = 0; i < nk; i++) {
        id = byrank[(uint32_t) f->keys[i]];
        resources_vec_push(out, id);
        resources_vec_push(out, f->count[id]);
    }

    for (id = 0; id < f->nkeywords; id++) {
        f->count[id] = 0;
    }

    /* types */

    for (i = 0; i < n; i++) {
        f->count[f->type[RESOURCES_DOCNO(p[i])]]++;
    }

    for (id = 0; id < f->ntypes; id++) {
        byrank[f->typerank[id]] = id;
    }

    for (id = 0, nt = 0; id < f->ntypes; id++) {
        if (f->count[id]) {
            f->keys[nt++] = (uint64_t) (UINT32_MAX - f->count[id]) << 32
                            | f->typerank[id];
        }
    }

    resources_select_u64(f->keys, nt, nt);

    for (i = 0; i < nt; i++) {
        id = byrank[(uint32_t) f->keys[i]];
        resources_vec_push(out, id);
        resources_vec_push(out, f->count[id]);
    }

    for (id = 0; id < f->ntypes; id++) {
        f->count[id] = 0;
    }

    free(byrank);

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
    free(f->keys);
    f->count = NULL;
    f->keys = NULL;
}
