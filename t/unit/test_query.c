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


/*
 * q's syntax, rendered: units separated by " ", " | " between the units
 * of a group, a unit's words joined by "+", "-" for an exclusion, quotes
 * around a phrase, "*" after a prefix, "~" after a cut unit, an ignored
 * unit as "!" and its text as typed; "(syntax)" first when set
 */

static resources_q_t  qs;
static char           shown[2048];


static const char *
q_show(const char *text)
{
    size_t               i, k, at;
    const char          *sep;
    resources_q_unit_t  *u;
    static u_char        qbuf[RESOURCES_Q_ROOM(1024)];

    if (resources_q_parse((const u_char *) text, strlen(text), qbuf,
                          sizeof(qbuf), RESOURCES_STEM_PLURALS, &qs)
        != 0)
    {
        return "(error)";
    }

    at = (size_t) snprintf(shown, sizeof(shown), "%s",
                           qs.syntax ? "(syntax) " : "");

    for (i = 0; i < qs.nunits; i++) {
        u = &qs.unit[i];
        sep = (i == 0) ? ""
              : (u->group == qs.unit[i - 1].group) ? " | " : " ";

        if (u->flags & RESOURCES_Q_IGNORED) {
            at += snprintf(shown + at, sizeof(shown) - at, "%s!%.*s", sep,
                           (int) u->text.len, (const char *) u->text.data);
            continue;
        }

        at += snprintf(shown + at, sizeof(shown) - at, "%s%s%s", sep,
                       (u->flags & RESOURCES_Q_NEGATED) ? "-" : "",
                       (u->flags & RESOURCES_Q_PHRASE) ? "\"" : "");

        for (k = 0; k < u->nwords; k++) {
            at += snprintf(shown + at, sizeof(shown) - at, "%s%.*s",
                           k ? "+" : "",
                           (int) qs.word[u->word + k].text.len,
                           (const char *) qs.word[u->word + k].text.data);
        }

        at += snprintf(shown + at, sizeof(shown) - at, "%s%s%s",
                       (u->flags & RESOURCES_Q_PREFIX) ? "*" : "",
                       (u->flags & RESOURCES_Q_PHRASE) ? "\"" : "",
                       (u->flags & RESOURCES_Q_CUT) ? "~" : "");
    }

    return shown;
}


#define q_is(text, want, name)  is_str(q_show(text), want, name)


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
              " limit, offset, facets, facet_limit, typos, highlight, crop,"
              " format"),
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

    /* highlight, crop */

    ok(parse("highlight=1") == 0
       && q.highlight == (RESOURCES_HIGHLIGHT_TITLE
                          | RESOURCES_HIGHLIGHT_SUMMARY)
       && q.crop == 0, "highlight=1: both");
    ok(parse("highlight=title") == 0
       && q.highlight == RESOURCES_HIGHLIGHT_TITLE, "highlight=title");
    ok(parse("highlight=summary&crop=200") == 0
       && q.highlight == RESOURCES_HIGHLIGHT_SUMMARY && q.crop == 200,
       "highlight=summary, crop=200");
    ok(parse("highlight=summary,title") == 0
       && q.highlight == (RESOURCES_HIGHLIGHT_TITLE
                          | RESOURCES_HIGHLIGHT_SUMMARY),
       "highlight=summary,title");
    ok(parse("") == 0 && q.highlight == 0 && q.crop == 0,
       "no highlight, no crop");
    ok(fails("highlight=", "\"highlight\" must be 1 or"), "highlight empty");
    ok(fails("highlight=2", "\"highlight\""), "highlight=2");
    ok(fails("highlight=title,", "\"highlight\""), "highlight=title,");
    ok(fails("highlight=body", "\"highlight\""), "highlight=body");
    ok(fails("highlight=1&crop=0", "\"crop\" must be a whole number from 1"
             " to 200"), "crop=0");
    ok(fails("highlight=1&crop=201", "\"crop\""), "crop=201");
    ok(fails("highlight=1&crop=-1", "\"crop\""), "crop=-1");
    ok(fails("highlight=1&crop=abc", "\"crop\""), "crop=abc");
    ok(fails("crop=10", "needs \"highlight\" with summary"),
       "crop without highlight");
    ok(fails("crop=10&highlight=title", "needs \"highlight\""),
       "crop with the title only");
    ok(strict("highlight=1", RESOURCES_QUERY_LOOKUP, "unknown parameter"
              " \"highlight\""), "strict: highlight is not a lookup's");

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

    /* q's syntax (issue #22) */

    q_is("", "", "q: empty");
    q_is("tiers lieux", "tier lieu*", "q: plain words, the last a prefix");
    q_is("tiers lieux ", "tier lieu", "q: a final space: no prefix");
    q_is("coop.", "coop", "q: a final separator: no prefix");
    q_is("l'\xc3\xa9" "conomie de la commande", "economie commande*",
         "q: elision and stop words");
    q_is("a bb", "bb*", "q: a stop word is not kept");
    q_is("a bb x", "bb x", "q: a one-letter word is no prefix");
    q_is("tiers-lieux", "tier+lieu*", "q: a piece of two words");

    /* exclusions */

    q_is("tiers-lieux -num\xc3\xa9rique", "(syntax) tier+lieu -numerique",
         "q: -word excludes, matched exactly (no prefix)");
    q_is("-Cantines", "(syntax) -cantine", "q: an exclusion alone, stemmed");
    q_is("a -\"circuits courts\" bb",
         "(syntax) -\"circuit+court\" bb*", "q: -\"phrase\"");
    q_is("cantine -", "cantine", "q: a lone - is plain");
    q_is("cantine - x", "cantine x", "q: a lone - between words");
    q_is("--cantine", "cantine*", "q: --x is plain");
    q_is("tiers-lieux-", "tier+lieu", "q: a final - is a separator");
    q_is("-de", "", "q: an excluded stop word: nothing");
    q_is("xx -\"cantine", "xx cantine*", "q: -\" that nothing closes: plain");

    /* phrases */

    q_is("\"\xc3\xa9" "conomie solidaire\"", "\"economie+solidaire\"",
         "q: a phrase: its words, no prefix");
    q_is("\"\xc3\xa9" "conomie de la fonctionnalit\xc3\xa9\" xx",
         "\"economie+fonctionnalite\" xx*", "q: a phrase with stop words");
    ok(qs.word[0].pos == 0 && qs.word[1].pos == 3 && qs.word[2].pos == 0,
       "q: a phrase's words keep their places (stop words counted)");
    q_is("\xe2\x80\x9c" "circuits courts" "\xe2\x80\x9d",
         "\"circuit+court\"", "q: typographic quotes");
    q_is("\xc2\xab circuits courts \xc2\xbb xx",
         "\"circuit+court\" xx*", "q: guillemets");
    q_is("\"circuits courts", "circuit court*",
         "q: a lone quote: plain words");
    q_is("circuits\" courts", "circuit court*",
         "q: a quote inside a piece: a separator");
    q_is("\"a bb\"cc", "\"bb\" cc*", "q: a piece right after a phrase");
    q_is("\"\" xx", "xx*", "q: an empty phrase");
    q_is("\"circuits courts\" \"", "\"circuit+court\"",
         "q: a phrase, then a lone quote");

    /* OR */

    q_is("cantine OR restauration", "(syntax) cantine | restauration*",
         "q: OR, the last alternative a prefix");
    q_is("cantine OR restauration scolaire",
         "(syntax) cantine | restauration scolaire*", "q: (a or b) and c");
    q_is("a1 OR b1 OR c1", "(syntax) a1 | b1 | c1*", "q: a chain");
    q_is("a1 OR b1 c1 OR d1", "(syntax) a1 | b1 c1 | d1*", "q: two groups");
    q_is("cantine or restauration", "cantine or restauration*",
         "q: or in lower case is a word");
    q_is("OR cantine", "or cantine*", "q: OR first is a word");
    q_is("cantine OR", "cantine or*", "q: OR last is a word");
    q_is("cantine OR ", "cantine or", "q: OR last, then a space");
    q_is("a1 OR OR b1", "(syntax) a1 or | b1*", "q: OR OR");
    q_is("a1 OR -b1", "(syntax) a1 or -b1", "q: OR before an exclusion");
    q_is("-a1 OR b1", "(syntax) -a1 or b1*", "q: OR after an exclusion");
    q_is("\"a1 b1\" OR c1", "(syntax) \"a1+b1\" | c1*",
         "q: a phrase as an alternative");
    q_is("tiers-lieux OR coworking", "(syntax) tier+lieu | coworking*",
         "q: a piece of two words as an alternative");
    q_is("de OR cantine", "cantine*",
         "q: an alternative of stop words is dropped");
    q_is("cantine OR de", "cantine", "q: ... wherever it is");

    /* the limit: the first 10 words */

    q_is("w1 w2 w3 w4 w5 w6 w7 w8 w9 w10",
         "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10*", "q: 10 words");
    q_is("w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12",
         "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 !w11 !w12", "q: 12 words");
    ok(qs.nwords == 10 && qs.nignored == 2 && !qs.syntax,
       "q: 12 words: 10 used, 2 ignored");
    q_is("w1 de w2 la w3 w4 w5 w6 w7 w8 w9 w10 et",
         "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10", "q: stop words do not count");
    q_is("w1 w2 w3 w4 w5 w6 w7 w8 w9 tiers-lieux w11",
         "w1 w2 w3 w4 w5 w6 w7 w8 w9 tier~ !w11", "q: a piece cut");
    q_is("w1 w2 w3 w4 w5 w6 w7 w8 w9 -tiers-lieux w11",
         "w1 w2 w3 w4 w5 w6 w7 w8 w9 !-tiers-lieux !w11",
         "q: an exclusion past the limit: ignored whole");
    ok(!(qs.unit[8].flags & RESOURCES_Q_PREFIX) && qs.nignored == 2,
       "q: no prefix before ignored words");
    q_is("w1 w2 w3 w4 w5 w6 w7 w8 w9 a1 OR tiers-lieux",
         "w1 w2 w3 w4 w5 w6 w7 w8 w9 a1 | !tiers-lieux",
         "q: an alternative past the limit: ignored whole");
    q_is("w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 -xx OR yy",
         "w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 !-xx !OR !yy",
         "q: past the limit, nothing is used");
    ok(!qs.syntax, "q: an ignored exclusion is no syntax");
    q_is("\"w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11\"",
         "\"w1+w2+w3+w4+w5+w6+w7+w8+w9+w10\"~", "q: a long phrase is cut");
    q_is("-\"w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11\" x",
         "!-\"w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11\" !x",
         "q: a long excluded phrase is ignored");

    for (i = 0; i < 200; i++) {
        memcpy(big + 3 * i, "ab ", 3);
    }

    big[600] = '\0';
    (void) q_show(big);
    ok(qs.nwords == 10 && qs.nunits == RESOURCES_Q_UNITS_MAX
       && qs.unit[RESOURCES_Q_UNITS_MAX - 1].text.len == 600 - 3 * 31 - 1,
       "q: 200 words: 10 used, the ignored ones as 22 units, the last"
       " to the end");

    for (i = 0; i < 1022; i++) {
        big[i] = "\"-OR \xc2\xab"[i % 7];
    }

    big[1022] = '\0';
    ok(strcmp(q_show(big), "(error)") != 0 && qs.nwords == 10,
       "q: 1022 bytes of quotes, dashes and ORs");
    ok(strcmp(q_show("\"\"\"-\"-\"\"--\"\" OR OR -OR \"OR"),
              "(error)") != 0, "q: quotes, dashes and ORs");

    return tap_done();
}
