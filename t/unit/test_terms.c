/*
 * Copyright (C) ngx_http_resources authors
 *
 * The display spellings of keywords and types, per view, as the builder
 * writes them and resources_snapshot_term() reads them back: the public
 * view's counted over the public resources only, the private view's over
 * all of them (resources_store.h, "Display spellings").
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "tap.h"
#include "resources_build.h"
#include "resources_snapshot.h"


/* builds a snapshot of the records (JSON objects, one a string) at path */

static int
build(const char *path, const char **records, size_t n)
{
    char                      err[512];
    size_t                    i;
    json_t                   *rec;
    json_error_t              jerr;
    resources_build_t        *b;
    resources_build_stats_t   st;

    unlink(path);

    b = resources_build_create(path, 0, err, sizeof(err));
    if (b == NULL) {
        printf("# %s\n", err);
        return -1;
    }

    for (i = 0; i < n; i++) {
        rec = json_loads(records[i], 0, &jerr);

        if (rec == NULL || resources_build_add(b, rec, err, sizeof(err)) != 0)
        {
            printf("# record %zu: %s\n", i, rec ? err : jerr.text);
            json_decref(rec);
            resources_build_free(b);
            return -1;
        }

        json_decref(rec);
    }

    if (resources_build_finish(b, &st, err, sizeof(err)) != 0) {
        printf("# %s\n", err);
        resources_build_free(b);
        return -1;
    }

    resources_build_free(b);

    return 0;
}


/* the term of a kind whose folded form is folded */

static int
term(resources_snapshot_t *s, u_char kind, const char *folded,
    resources_term_info_t *t)
{
    uint32_t  i, n;

    n = (kind == RESOURCES_KIND_TYPE) ? s->header.ntypes[1]
                                      : s->header.nkeywords[1];

    for (i = 0; i < n; i++) {
        if (resources_snapshot_term(s, kind, i, t) == 0
            && t->folded_len == strlen(folded)
            && memcmp(t->folded, folded, t->folded_len) == 0)
        {
            return 0;
        }
    }

    return -1;
}


#define is_spelling(got, len, want, ...)                                     \
    is_mem(got, len, want, __VA_ARGS__)


int
main(void)
{
    char                   path[64], err[512];
    resources_snapshot_t   s;
    resources_term_info_t  t;

    /*
     * "QPV" twice in public records, "Qpv" five times in private ones;
     * "tiers-lieux": a private "TIERS-LIEUX" first, then a public
     * "tiers-lieux" and a public "TIERS-LIEUX" (a tie in the public view,
     * where "tiers-lieux" came first); "Secret": private records only;
     * "Fiche": one spelling.  Keywords are keyed by their words stemmed
     * (resources_keyword_key): "tiers-lieux" is "tier lieu"
     */

    static const char  *records[] = {
        "{\"id\":\"x1\",\"title\":\"X1\",\"type\":\"AUTRES\","
        "\"private\":true,\"keywords\":[\"Qpv\",\"TIERS-LIEUX\","
        "\"Secret\"]}",
        "{\"id\":\"p1\",\"title\":\"P1\",\"type\":\"Fiche\","
        "\"keywords\":[\"QPV\",\"tiers-lieux\"]}",
        "{\"id\":\"x2\",\"title\":\"X2\",\"type\":\"AUTRES\","
        "\"private\":true,\"keywords\":[\"Qpv\",\"secret\"]}",
        "{\"id\":\"x3\",\"title\":\"X3\",\"type\":\"AUTRES\","
        "\"private\":true,\"keywords\":[\"Qpv\",\"Secret\"]}",
        "{\"id\":\"p2\",\"title\":\"P2\",\"type\":\"Autres\","
        "\"keywords\":[\"QPV\",\"TIERS-LIEUX\"]}",
        "{\"id\":\"x4\",\"title\":\"X4\",\"type\":\"AUTRES\","
        "\"private\":true,\"keywords\":[\"Qpv\"]}",
        "{\"id\":\"x5\",\"title\":\"X5\",\"type\":\"Fiche\","
        "\"private\":true,\"keywords\":[\"Qpv\"]}",
    };

    /* the same catalogue without its private records */

    static const char  *public_only[] = {
        "{\"id\":\"p1\",\"title\":\"P1\",\"type\":\"Fiche\","
        "\"keywords\":[\"QPV\",\"tiers-lieux\"]}",
        "{\"id\":\"p2\",\"title\":\"P2\",\"type\":\"Autres\","
        "\"keywords\":[\"QPV\",\"TIERS-LIEUX\"]}",
    };

    snprintf(path, sizeof(path), "/tmp/test_terms.%ld.mdb", (long) getpid());

    if (!ok(build(path, records, 7) == 0, "a catalogue with private records"))
    {
        return tap_done();
    }

    if (!ok(resources_snapshot_open(&s, path, err, sizeof(err)) == 0,
            "opened"))
    {
        printf("# %s\n", err);
        unlink(path);
        return tap_done();
    }

    ok(s.header.flags & RESOURCES_HEADER_PUBLIC, "the header has the public"
       " version");

    ok(term(&s, RESOURCES_KIND_KEYWORD, "qpv", &t) == 0, "qpv");
    is_spelling(t.display, t.display_len, "QPV", "qpv: the public view's"
                " spelling, from the public records");
    is_spelling(t.display_all, t.display_all_len, "Qpv", "qpv: the private"
                " view's, from all of them");

    ok(term(&s, RESOURCES_KIND_KEYWORD, "tier lieu", &t) == 0,
       "tiers-lieux");
    is_spelling(t.display, t.display_len, "tiers-lieux", "tiers-lieux: a tie"
                " in the public view: the first seen there");
    is_spelling(t.display_all, t.display_all_len, "TIERS-LIEUX",
                "tiers-lieux: the private view's");

    ok(term(&s, RESOURCES_KIND_KEYWORD, "secret", &t) == 0, "secret");
    is_spelling(t.display, t.display_len, "Secret", "secret: private only:"
                " the spelling over all, in both");
    ok(t.display_all == t.display && t.display_all_len == t.display_len,
       "secret: one spelling stored");

    ok(term(&s, RESOURCES_KIND_TYPE, "autres", &t) == 0, "autres");
    is_spelling(t.display, t.display_len, "Autres", "autres: public");
    is_spelling(t.display_all, t.display_all_len, "AUTRES", "autres: private");

    ok(term(&s, RESOURCES_KIND_TYPE, "fiche", &t) == 0, "fiche");
    is_spelling(t.display, t.display_len, "Fiche", "fiche: public");
    ok(t.display_all == t.display && t.display_all_len == t.display_len,
       "fiche: the same spelling in both views, stored once");

    resources_snapshot_close(&s);

    /* without the private records: the same public spellings */

    if (ok(build(path, public_only, 2) == 0, "the public records alone")
        && ok(resources_snapshot_open(&s, path, err, sizeof(err)) == 0,
              "opened"))
    {
        ok(term(&s, RESOURCES_KIND_KEYWORD, "qpv", &t) == 0, "qpv");
        is_spelling(t.display, t.display_len, "QPV", "qpv: the same");

        ok(term(&s, RESOURCES_KIND_KEYWORD, "tier lieu", &t) == 0,
           "tiers-lieux");
        is_spelling(t.display, t.display_len, "tiers-lieux",
                    "tiers-lieux: the same");

        ok(term(&s, RESOURCES_KIND_TYPE, "autres", &t) == 0, "autres");
        is_spelling(t.display, t.display_len, "Autres", "autres: the same");

        resources_snapshot_close(&s);
    }

    unlink(path);

    return tap_done();
}
