/*
 * Copyright (C) ngx_http_resources authors
 *
 * resources_html.c: the fragments of format=html, escaping, links, pages,
 * dates; and resources_fields.c, the record reader they share with Atom.
 */

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "resources_html.h"
#include "resources_fields.h"


static u_char  out[1 << 20], work[1 << 18];


static resources_html_conf_t  plain = {
    NULL, 0, 0, (const u_char *) "/resources", 10
};

static resources_html_conf_t  linked = {
    (const u_char *) "https://x.org/r/{id}?a=1&b={id}", 31, 2,
    (const u_char *) "/resources", 10
};


static const char *
item(const char *json, const resources_html_conf_t *conf, int article)
{
    ssize_t  n;
    size_t   len, need;

    len = strlen(json);

    n = article ? resources_html_article((const u_char *) json, len, conf,
                                         out, sizeof(out) - 1, work, &need)
                : resources_html_item((const u_char *) json, len, conf, out,
                                      sizeof(out) - 1, work, &need);
    if (n < 0) {
        return NULL;
    }

    if ((size_t) n > need || need > len + 5 * len + 2048 + 40 * len + 2048) {
        return "(over its room)";
    }

    out[n] = '\0';

    return (const char *) out;
}


#define has(s, needle)  ((s) != NULL && strstr((s), (needle)) != NULL)


int
main(void)
{
    u_char       *o;
    const char   *s;
    size_t        n;

    /* escaping */

    n = resources_html_escape((const u_char *) "<a href='x'>&\"\x01\t", 17,
                              out);
    out[n] = '\0';
    is_str((char *) out, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;\t",
           "escape: markup, quotes, controls dropped");

    /* links */

    o = resources_html_link(out, &plain, (const u_char *) "a-1", 3);
    *o = '\0';
    is_str((char *) out, "/resources/a-1?format=html",
           "the default link: the lookup");

    o = resources_html_link(out, &linked, (const u_char *) "a-1", 3);
    *o = '\0';
    is_str((char *) out, "https://x.org/r/a-1?a=1&b=a-1",
           "a template: every {id}");

    /* an item */

    s = item("{\"id\":\"a\",\"title\":\"T <b>\",\"type\":\"Guides\","
             "\"private\":false,\"date\":\"2024-02\",\"updated\":null,"
             "\"keywords\":[\"QPV\",\"tiers lieux\",\"\\u00e9\"],"
             "\"series\":\"D\\u00e9nich\\u00e9\",\"number\":12,"
             "\"summary\":\"Un.\\n\\nDeux.\\n\"", &plain, 0);

    ok(s != NULL, "a list form (no closing brace) is read");
    ok(has(s, "<li class=\"resource\" data-id=\"a\">\n"), "the item");
    ok(has(s, "<h3 class=\"resource-title\"><a href=\"/resources/a?format="
              "html\">T &lt;b&gt;</a></h3>"), "its title, linked, escaped");
    ok(has(s, "<time class=\"resource-date\" datetime=\"2024-02\">"
              "f\xc3\xa9vrier 2024</time>"), "its date in French");
    ok(has(s, "<span class=\"resource-series\">D\xc3\xa9nich\xc3\xa9"
              " n\xc2\xb0" "12</span>"), "its series and number");
    ok(has(s, "href=\"?kw=tiers%20lieux\">tiers lieux</a>"),
       "a keyword: percent-encoded link");
    ok(has(s, "href=\"?kw=%C3%A9\">\xc3\xa9</a>"),
       "a keyword decoded from \\u escapes");
    ok(has(s, "<div class=\"resource-summary\"><p>Un.</p><p>Deux.</p>"
              "</div>"), "the summary's paragraphs");
    ok(s && strlen(s) > 6 && strcmp(s + strlen(s) - 6, "</li>\n") == 0,
       "ends the item");

    s = item("{\"id\":\"a\",\"title\":\"T\",\"type\":\"x\"", &linked, 0);
    ok(has(s, "<a href=\"https://x.org/r/a?a=1&amp;b=a\">T</a>"),
       "a template's link, escaped");
    ok(!has(s, "resource-summary") && !has(s, "resource-keywords")
       && !has(s, "<time"), "nothing for absent fields");

    ok(item("{\"id\":\"a\",\"title\":\"T\"", &plain, 0) == NULL,
       "no type: not a record");
    ok(item("{\"id\":\"a\",\"title\":\"\\q\",\"type\":\"x\"", &plain, 0)
       == NULL, "a bad escape: refused");
    ok(item("[1]", &plain, 0) == NULL, "not an object");

    /* an article: the full form, with nested unknown fields */

    s = item("{\"id\":\"b\",\"title\":\"T\",\"type\":\"x\",\"date\":"
             "\"2023-05-07\",\"updated\":\"2024-12-01\",\"body\":\"B1\\n"
             "   \\nB2\",\"links\":[{\"label\":\"ok\",\"url\":\"HTTPS://"
             "e.org/?a=1&b=2\"},{\"label\":\"no\",\"url\":\" javascript:"
             "x\"},{\"url\":\"mailto:a@b.org\"},{\"label\":\"rel\",\"url\":"
             "\"x/y\"}],\"extra\":{\"deep\":[{\"a\":\"]}\"}]},\"tags\":[]}",
             &plain, 1);

    ok(has(s, "<article class=\"resource resource-full\" data-id=\"b\">\n"
              "<h2 class=\"resource-title\">T</h2>"),
       "an article, its title not linked without a template");
    ok(has(s, "datetime=\"2023-05-07\">7 mai 2023</time>"), "a day");
    ok(has(s, "Mis \xc3\xa0 jour le <time class=\"resource-updated-date\""
              " datetime=\"2024-12-01\">1er d\xc3\xa9" "cembre 2024</time>"),
       "the update date");
    ok(has(s, "<div class=\"resource-body\"><p>B1</p><p>B2</p></div>"),
       "the body's paragraphs (a blank line of spaces)");
    ok(has(s, "<li><a href=\"HTTPS://e.org/?a=1&amp;b=2\">ok</a></li>"),
       "an https link");
    ok(has(s, "<li>no</li>") && !has(s, "javascript"),
       "a javascript: URL: its label only");
    ok(has(s, "<li><a href=\"mailto:a@b.org\">mailto:a@b.org</a></li>"),
       "mailto, no label: the URL as its text");
    ok(has(s, "<li>rel</li>"), "a relative URL that is not a path: text");

    s = item("{\"id\":\"b\",\"title\":\"T\",\"type\":\"x\"}", &linked, 1);
    ok(has(s, "<h2 class=\"resource-title\"><a href=\"https://x.org/r/b?"
              "a=1&amp;b=b\">T</a></h2>"),
       "an article links its title to the template");

    /* the room: about the record's length, not a multiple of it */

    {
        static u_char  big[200000];
        size_t         need, len;
        ssize_t        r;

        len = (size_t) snprintf((char *) big, sizeof(big),
                                "{\"id\":\"a\",\"title\":\"T\",\"type\":\"x\","
                                "\"summary\":\"");
        memset(big + len, 'a', 100000);
        len += 100000;
        memcpy(big + len, "\"}", 2);
        len += 2;

        r = resources_html_item(big, len, &plain, out, 100, work, &need);
        ok(r == RESOURCES_HTML_AGAIN && need > len && need < len + 4096,
           "a long summary needs its length and a few KB (%zu for %zu)",
           need, len);

        r = resources_html_item(big, len, &plain, out, need, work, &need);
        ok(r > 100000 && (size_t) r <= need, "and fits it");
    }

    /* the list's parts */

    o = resources_html_head(out, 42, 20, 10);
    *o = '\0';
    is_str((char *) out, "<div class=\"resources\" data-total=\"42\""
           " data-offset=\"20\" data-limit=\"10\">\n<p class=\"resources-"
           "count\">42 ressources</p>\n<ol class=\"resources-list\" start="
           "\"21\">\n", "the head");

    o = resources_html_head(out, 1, 0, 10);
    *o = '\0';
    ok(has((char *) out, ">1 ressource</p>"), "one: singular");

    o = resources_html_head(out, 5, 10, 10);
    *o = '\0';
    ok(!has((char *) out, "<ol"), "past the end: no list");

    o = resources_html_pages(out, (const u_char *) "kw=a&b&", 7, 42, 20, 10);
    *o = '\0';
    is_str((char *) out, "</ol>\n<nav class=\"resources-pages\" aria-label="
           "\"Pages\"><a class=\"resources-first\" rel=\"first\" href=\"?kw=a"
           "&amp;b&amp;offset=0\">Premi\xc3\xa8res</a> <a class=\"resources-"
           "prev\" rel=\"prev\" href=\"?kw=a&amp;b&amp;offset=10\">Pr\xc3\xa9"
           "c\xc3\xa9" "dentes</a> <span class=\"resources-range\">21\xe2\x80"
           "\x93" "30 sur 42</span> <a class=\"resources-next\" rel=\"next\""
           " href=\"?kw=a&amp;b&amp;offset=30\">Suivantes</a> <a class=\""
           "resources-last\" rel=\"last\" href=\"?kw=a&amp;b&amp;offset=40\">"
           "Derni\xc3\xa8res</a></nav>\n", "the pages");

    o = resources_html_pages(out, (const u_char *) "", 0, 5, 0, 10);
    *o = '\0';
    is_str((char *) out, "</ol>\n", "one page: no navigation");

    o = resources_html_pages(out, (const u_char *) "", 0, 42, 1000, 10);
    *o = '\0';
    ok(has((char *) out, "rel=\"prev\" href=\"?offset=40\"")
       && !has((char *) out, "resources-range"),
       "past the end: back to the last page");

    o = resources_html_error(out, (const u_char *) "a <b> & c", 9);
    *o = '\0';
    is_str((char *) out, "<p class=\"resources-error\" role=\"alert\">a &lt;b"
           "&gt; &amp; c</p>\n", "an error");

    /* an item with its title and summary given as HTML (highlight=) */

    {
        ssize_t                  m;
        size_t                   need;
        resources_html_marked_t  hl;
        const char              *json = "{\"id\":\"a\",\"title\":\"T <x>\","
                                        "\"type\":\"t\",\"summary\":"
                                        "\"S\\n\\nP\"}";

        hl.title = (const u_char *) "T <mark>&lt;x&gt;</mark>";
        hl.title_len = strlen((const char *) hl.title);
        hl.summary = (const u_char *) "<mark>S</mark>\n\nP\u2026";
        hl.summary_len = strlen((const char *) hl.summary);

        m = resources_html_item_marked((const u_char *) json, strlen(json),
                                       &plain, &hl, out, sizeof(out) - 1,
                                       work, &need);
        ok(m > 0 && (size_t) m <= need, "marked: rendered in its room");
        out[m > 0 ? m : 0] = '\0';
        ok(has((char *) out, ">T <mark>&lt;x&gt;</mark></a></h3>"),
           "marked: the title as given");
        ok(has((char *) out, "<div class=\"resource-summary\"><p><mark>S"
                             "</mark></p><p>P\u2026</p></div>"),
           "marked: the summary as given, in paragraphs");

        hl.summary = NULL;
        hl.summary_len = 0;
        m = resources_html_item_marked((const u_char *) json, strlen(json),
                                       &plain, &hl, out, sizeof(out) - 1,
                                       work, &need);
        out[m > 0 ? m : 0] = '\0';
        ok(has((char *) out, "<p>S</p><p>P</p>"),
           "marked: the record's own summary when none is given");
    }

    return tap_done();
}
