/*
 * Copyright (C) ngx_http_resources authors
 *
 * A frequent term's facets as the loader counts them
 * (src/loader/resources_facets.c), on a catalogue of five docnos whose
 * expected tables were worked out by hand: keywords and types by count,
 * ties in folded order (not in id order), years newest first, undated
 * resources not counted.
 */


#include <stdio.h>
#include <string.h>

#include "resources_facets.h"
#include "tap.h"


/*
 * docno:    0         1         2         3        4
 * keywords: {0, 1}    {1}       {2, 1}    {}       {0}
 * type:     0         1         1         0        1
 * date:     2024-03-01 2024-01  2023-05   undated  undated
 * folded order: keywords 1, 2, 0; types 1, 0
 */

static const uint32_t  kwoff[] = { 0, 2, 3, 5, 5, 6 };
static const uint32_t  kwids[] = { 0, 1, 1, 2, 1, 0 };
static const uint32_t  type[] = { 0, 1, 1, 0, 1 };
static const uint32_t  date[] = { 20240301, 20240100, 20230500, 0, 0 };
static const uint32_t  kwrank[] = { 2, 0, 1 };
static const uint32_t  typerank[] = { 1, 0 };


static void
test_table(resources_facets_t *f, const uint32_t *docnos, size_t n,
    const uint32_t *want, size_t nwant, const char *name)
{
    size_t           i;
    uint32_t         p[8];
    resources_vec_t  out;

    memset(&out, 0, sizeof(resources_vec_t));

    for (i = 0; i < n; i++) {
        p[i] = docnos[i] << 2 | (uint32_t) (i % 4);
    }

    resources_facets_table(f, p, n, &out);

    is_int(out.n, nwant, "%s: the table's length", name);
    if (!ok(out.n == nwant && memcmp(out.elts, want, nwant * 4) == 0,
            "%s: the table", name))
    {
        printf("#   got:");

        for (i = 0; i < out.n; i++) {
            printf(" %u", out.elts[i]);
        }

        printf("\n");
    }

    resources_vec_free(&out);
}


int
main(void)
{
    resources_facets_t  f;

    static const uint32_t  all[] = { 0, 1, 2, 3, 4 };
    static const uint32_t  all_want[] = { 3, 2, 2,  1, 3,  0, 2,  2, 1,
                                          1, 3,  0, 2,
                                          2024, 2,  2023, 1 };

    static const uint32_t  ties[] = { 0, 2 };
    static const uint32_t  ties_want[] = { 3, 2, 2,  1, 2,  2, 1,  0, 1,
                                           1, 1,  0, 1,
                                           2024, 1,  2023, 1 };

    static const uint32_t  undated[] = { 3, 4 };
    static const uint32_t  undated_want[] = { 1, 2, 0,  0, 1,
                                              1, 1,  0, 1 };

    memset(&f, 0, sizeof(resources_facets_t));
    f.kwoff = kwoff;
    f.kwids = kwids;
    f.type = type;
    f.date = date;
    f.kwrank = kwrank;
    f.typerank = typerank;
    f.nkeywords = 3;
    f.ntypes = 2;

    test_table(&f, all, 5, all_want, 17, "every docno");
    test_table(&f, ties, 2, ties_want, 17, "ties");
    test_table(&f, undated, 2, undated_want, 9, "undated only");

    /* the scratch is left clean between tables */

    test_table(&f, all, 5, all_want, 17, "every docno again");

    resources_facets_free(&f);

    return tap_done();
}
