/*
 * Copyright (C) ngx_http_resources authors
 *
 * Unit tests of resources_query.c: the API's query string.
 */

#include "tap.h"
#include "resources_query.h"


static resources_query_t  q;
static char               err[256];
static u_char             buf[65536];


static int
parse(const char *args)
{
    err[0] = '\0';

    return resources_query_parse((const u_char *) args, strlen(args), buf, 100,
                                 RESOURCES_QUERY_LIST,
                                 &q, err, sizeof(err));
}


static int
fails(const char *args, const char *needle)
{
    return parse(args) == -1 && strstr(err, needle) != NULL;
}


/* the same, for a route and strictness of flags */

static int
strict(const char *args, unsigned flags, const char *needle)
{
    int  rc;

    err[0] = '\0';

    rc = resources_query_parse((const u_char *) args, strlen(args), buf, 100,
                               flags | RESOURCES_QUERY_STRICT, &q, err,
                               sizeof(err));

    if (needle == NULL) {
        return rc == 0;
    }

    return rc == -1 && strstr(err, needle) != NULL;
}


int
main(void)
{
    char    big[3000];
    size_t  i;

    ok(parse("") == 0 && q.nkw == 0 && q.limit == -1 && q.offset == -1,
       "empty query: defaults");

    /* parameters a route does not take */

    ok(parse("kwd=QPV&tag=x") == 0 && q.nkw == 0,
       "not strict: unknown parameters ignored");
    ok(strict("kwd=QPV", RESOURCES_QUERY_LIST, "unknown parameter \"kwd\""),
       "strict: an unknown parameter is named");
    ok(strict("kw=a&tag=x", RESOURCES_QUERY_LIST,
              "this route accepts kw, type, series, q, from, to, sort,"
              " limit, offset, facets, facet_limit, format"),
       "strict: the list route's parameters are listed");
    ok(strict("prefix=ti", RESOURCES_QUERY_LIST, "\"prefix\""),
       "strict: prefix is not the list's");
    ok(strict("prefix=ti&limit=5", RESOURCES_QUERY_TERMS, NULL)
       && q.limit == 5, "strict: prefix and limit are the terms'");
    ok(strict("kw=QPV", RESOURCES_QUERY_TERMS,
              "this route accepts prefix, limit"),
       "strict: kw is not the terms'");
    ok(strict("x=1", 0, "this route accepts no parameter"),
       "strict: a lookup takes none");
    ok(strict("_=1700000000&utm_source=news&utm_campaign=a&_x",
              RESOURCES_QUERY_LIST, NULL) && q.nkw == 0,
       "strict: _ and utm_ parameters are ignored");
    ok(strict("utm=1", RESOURCES_QUERY_LIST, "\"utm\""),
       "strict: utm without its underscore is not ignored");
    ok(strict("%6Bw%64=1", RESOURCES_QUERY_LIST, "\"kwd\""),
       "strict: the name is decoded");
    ok(strict("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              "aaaa=1", RESOURCES_QUERY_LIST,
              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
              "...\""), "strict: a long name is cut");
    ok(strict("%C3=1", RESOURCES_QUERY_LIST, "unknown parameter \"...\""),
       "strict: a name that is not UTF-8 is not echoed");

    ok(parse("kw=QPV&kw=tiers-lieux") == 0 && q.nkw == 2, "two kw");
    is_mem(q.kw[0].data, q.kw[0].len, "QPV", "first kw");
    is_mem(q.kw[1].data, q.kw[1].len, "tiers-lieux", "second kw");

    ok(parse("type=Ressources%20RTES&type=Autres") == 0 && q.ntype == 2,
       "two types");
    is_mem(q.type[0].data, q.type[0].len, "Ressources RTES", "%%20 decoded");
    ok(parse("type=Ressources+RTES") == 0, "plus");
    is_mem(q.type[0].data, q.type[0].len, "Ressources RTES", "+ is a space");
    ok(parse("q=%C3%A9conomie") == 0, "UTF-8 escapes");
    is_mem(q.q.data, q.q.len, "\xc3\xa9" "conomie", "decoded UTF-8");

    ok(parse("limit=0&offset=10") == 0 && q.limit == 0 && q.offset == 10,
       "limit 0, offset 10");
    ok(parse("limit=100") == 0 && q.limit == 100, "limit at the max");
    ok(fails("limit=101", "\"limit\""), "limit above the max");
    ok(fails("limit=-1", "\"limit\""), "negative limit");
    ok(fails("limit=abc", "\"limit\""), "limit not a number");
    ok(fails("limit=", "\"limit\""), "empty limit");
    ok(fails("limit=99999999999999999999", "\"limit\""), "huge limit");
    ok(fails("offset=1000000001", "\"offset\""), "offset too large");
    ok(fails("limit=1&limit=2", "more than once"), "limit twice");

    ok(parse("from=2023&to=2024-02") == 0 && q.from == 20230000
       && q.to == 20240299, "from a year to a month");
    ok(parse("from=2023-09&to=2023-09") == 0 && q.from == 20230900
       && q.to == 20230999, "one month");
    ok(fails("from=2024-13", "\"from\""), "month 13");
    ok(fails("from=24", "\"from\""), "two-digit year");
    ok(fails("to=2024-1", "\"to\""), "one-digit month");
    ok(fails("from=2024&to=2023", "before"), "to before from");

    ok(parse("sort=oldest") == 0 && q.sort == RESOURCES_SORT_OLDEST, "oldest");
    ok(parse("sort=title") == 0 && q.sort == RESOURCES_SORT_TITLE, "title");
    ok(parse("sort=relevance") == 0 && q.sort == RESOURCES_SORT_RELEVANCE,
       "relevance");
    ok(fails("sort=random", "\"sort\""), "unknown sort");

    ok(parse("facets=kw,type,year") == 0
       && q.facets == (RESOURCES_FACET_KW | RESOURCES_FACET_TYPE
                       | RESOURCES_FACET_YEAR), "all facets");
    ok(fails("facets=kw,color", "\"facets\""), "unknown facet");
    ok(fails("facets=", "\"facets\""), "empty facets");
    ok(fails("facet_limit=0", "\"facet_limit\""), "facet_limit 0");

    ok(parse("utm_source=x&_=123&kw=a") == 0 && q.nkw == 1,
       "unknown parameters are ignored");
    ok(parse("&&kw=a&") == 0 && q.nkw == 1, "empty pairs are ignored");
    ok(fails("kw=", "\"kw\""), "empty kw");
    ok(fails("kw", "\"kw\""), "kw without a value");
    ok(parse("q=") == 0 && q.q.len == 0, "empty q is no q");

    ok(fails("kw=%ZZ", "percent"), "bad escape");
    ok(fails("kw=abc%", "percent"), "trailing %");
    ok(fails("kw=%C3%28", "UTF-8"), "invalid UTF-8");
    ok(fails("kw=%FF", "UTF-8"), "0xff");
    ok(fails("kw=%C0%AF", "UTF-8"), "overlong");
    ok(fails("kw=a%00b", "UTF-8"), "NUL");
    ok(fails("k%ZZ=1", "name"), "bad escape in a name");
    ok(parse("k%77=a") == 0 && q.nkw == 1, "an escaped name is decoded");

    for (i = 0; i < 17 * 5; i += 5) {
        memcpy(big + i, "kw=a&", 5);
    }

    big[17 * 5 - 1] = '\0';
    ok(fails(big, "more than 16"), "17 kw are too many");

    memcpy(big, "q=", 2);
    memset(big + 2, 'a', 1100);
    big[1102] = '\0';
    ok(fails(big, "longer"), "a value of 1100 bytes is refused");

    ok(strict("prefix=ti&limit=5", RESOURCES_QUERY_TERMS, NULL)
       && q.prefix.len == 2 && q.limit == 5, "prefix");
    ok(parse("prefix=ti") == 0 && q.prefix.len == 0,
       "not strict: prefix is not the list's, ignored");

    /* series, sort=updated, format (issue #24) */

    ok(parse("series=D%C3%A9nich%C3%A9+pour+vous&series=Focus") == 0
       && q.nseries == 2 && q.series[0].len == 19
       && memcmp(q.series[1].data, "Focus", 5) == 0,
       "series: repeated, decoded");
    ok(fails("series=", "\"series\" must not be empty"), "series: not empty");
    ok(parse("sort=updated") == 0 && q.sort == RESOURCES_SORT_UPDATED,
       "sort=updated");
    ok(fails("sort=update", "newest, oldest, title, relevance, updated"),
       "sort: the message lists updated");
    ok(parse("format=html") == 0 && q.format == RESOURCES_FORMAT_HTML,
       "format=html");
    ok(parse("format=json") == 0 && q.format == RESOURCES_FORMAT_JSON,
       "format=json");
    ok(parse("kw=a") == 0 && q.format == RESOURCES_FORMAT_JSON,
       "format: JSON by default");
    ok(fails("format=xml", "\"format\" must be json or html"),
       "format: json or html");
    ok(fails("format=json&format=html", "\"format\" is given more than once"),
       "format: once");
    ok(parse("limit=4&kw=a&limit=4&sort=title&sort=title&q=x+y&q=x%20y")
       == 0 && q.limit == 4 && q.sort == RESOURCES_SORT_TITLE && q.q.len == 3,
       "the same value twice is given once (SSI include and page)");
    ok(fails("limit=4&limit=04", "\"limit\" is given more than once"),
       "the same number written otherwise: twice");
    ok(fails("q=a&q=", "\"q\" is given more than once"),
       "an empty value after one: twice");
    ok(strict("format=html", RESOURCES_QUERY_LOOKUP, NULL)
       && q.format == RESOURCES_FORMAT_HTML, "a lookup takes format");
    ok(strict("kw=QPV", RESOURCES_QUERY_LOOKUP,
              "this route accepts format"), "and nothing else");
    ok(strict("format=html", 0, "this route accepts no parameter"),
       "_meta takes no format");
    ok(strict("format=html", RESOURCES_QUERY_TERMS, "\"format\""),
       "_keywords takes no format");

    return tap_done();
}
