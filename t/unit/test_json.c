/*
 * Copyright (C) ngx_http_resources authors
 *
 * The loader's JSON nodes (src/loader/resources_json.c) against jansson:
 * whenever the fast parser takes a line, jansson takes it too
 * (json_loadb(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)) and gives the same
 * values, keys in the same order, and resources_json_write() writes what
 * json_dumpb(JSON_COMPACT) writes, byte for byte; the nodes made from
 * jansson's value write the same too.  Hand-written lines, then many
 * random ones (valid and broken: escapes, surrogates, UTF-8, control
 * characters, numbers, literals, repeated keys, truncations).
 *
 *     test_json [N]        N random lines (default 200000)
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "resources_json.h"
#include "resources_util.h"
#include "tap.h"


static unsigned long  test_seed = 12345;
static unsigned       test_long;      /* strings of 20 to 80 pieces */


static unsigned
test_rand(unsigned n)
{
    test_seed = test_seed * 6364136223846793005ULL + 1442695040888963407ULL;

    return (unsigned) ((test_seed >> 33) % n);
}


/* node i of j and jansson's v: same type, same value, same order */

static int
test_same(resources_json_t *j, uint32_t i, json_t *v)
{
    size_t              n;
    uint32_t            k;
    const char         *key;
    json_t             *e;
    resources_jnode_t  *nd;

    nd = &j->nodes[i];

    switch (nd->type) {

    case RESOURCES_JSON_NULL:
        return json_is_null(v);

    case RESOURCES_JSON_TRUE:
        return json_is_true(v);

    case RESOURCES_JSON_FALSE:
        return json_is_false(v);

    case RESOURCES_JSON_INTEGER:
        return json_is_integer(v) && json_integer_value(v) == nd->integer;

    case RESOURCES_JSON_STRING:
        return json_is_string(v) && json_string_length(v) == nd->len
               && memcmp(json_string_value(v), nd->str, nd->len) == 0;

    case RESOURCES_JSON_ARRAY:
        if (!json_is_array(v) || json_array_size(v) != nd->n) {
            return 0;
        }

        k = nd->child;

        json_array_foreach(v, n, e) {
            if (!test_same(j, k, e)) {
                return 0;
            }

            k = j->nodes[k].next;
        }

        return k == 0;

    case RESOURCES_JSON_OBJECT:
        if (!json_is_object(v) || json_object_size(v) != nd->n) {
            return 0;
        }

        k = nd->child;

        json_object_foreach(v, key, e) {
            if (j->nodes[k].len != strlen(key)
                || memcmp(j->nodes[k].str, key, j->nodes[k].len) != 0
                || !test_same(j, j->nodes[k].next, e))
            {
                return 0;
            }

            k = j->nodes[j->nodes[k].next].next;
        }

        return k == 0;

    default:
        return json_is_real(v) && nd->real == v;
    }
}


static char *
test_dump(json_t *v, size_t *len)
{
    char  *s;

    s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    *len = s ? strlen(s) : 0;

    return s;
}


typedef struct {
    unsigned long  lines;
    unsigned long  fast;           /* taken by the fast parser */
    unsigned long  jansson;        /* taken by jansson */
    unsigned long  objects;        /* jansson: an object */
    unsigned long  bad;
} test_count_t;


static int
test_line(resources_json_t *j, const char *line, size_t len, test_count_t *c,
    int verbose)
{
    int              fast, ok;
    char            *want;
    size_t           want_len;
    json_t          *v;
    json_error_t     jerr;
    resources_buf_t  out;

    memset(&out, 0, sizeof(resources_buf_t));
    c->lines++;
    ok = 1;

    fast = resources_json_parse(j, (const u_char *) line, len);
    v = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
                   &jerr);

    c->fast += (fast == 0);
    c->jansson += (v != NULL);
    c->objects += (v != NULL && json_is_object(v));

    if (fast == 0) {
        if (v == NULL) {
            ok = 0;

        } else {
            resources_json_write(j, RESOURCES_JSON_ROOT, &out);
            want = test_dump(v, &want_len);

            ok = want && out.len == want_len
                 && memcmp(out.data, want, want_len) == 0
                 && test_same(j, RESOURCES_JSON_ROOT, v);

            free(want);
        }
    }

    if (ok && v) {
        resources_json_from_jansson(j, v);
        out.len = 0;
        resources_json_write(j, RESOURCES_JSON_ROOT, &out);
        want = test_dump(v, &want_len);

        ok = want && out.len == want_len
             && memcmp(out.data, want, want_len) == 0
             && test_same(j, RESOURCES_JSON_ROOT, v);

        free(want);
    }

    if (!ok) {
        c->bad++;

        if (verbose || c->bad <= 5) {
            printf("# line: %.*s\n# fast: %d, jansson: %s\n", (int) len, line,
                   fast, v ? "ok" : jerr.text);

            if (out.len) {
                printf("# written: %.*s\n", (int) out.len, out.data);
            }
        }
    }

    json_decref(v);
    resources_buf_free(&out);

    return ok;
}


/* random JSON, mostly valid */

static void
test_put(resources_buf_t *b, const char *s)
{
    resources_buf_put(b, s, strlen(s));
}


static void
test_gen_string(resources_buf_t *b)
{
    char      tmp[16];
    unsigned  i, n, k;

    static const char  *pieces[] = {
        "a", "Z", " ", "/", "\\/", "\\\"", "\\\\", "\\n", "\\t", "\\r", "\\b",
        "\\f", "\\u00e9", "\\u00E9", "\\u0001", "\\u001F", "\\u001f",
        "\\u007f", "\x7f", "\\u2028", "\\ud83d\\ude00", "\\uD83D\\uDE00",
        "\xc3\xa9", "\xe2\x80\x99", "\xf0\x9f\x98\x80", "\xef\xbf\xbf",
        "\xc2\x80", "\xed\x9f\xbf", "\xf4\x8f\xbf\xbf",
        "économie", "l'ESS", "tiers-lieux", "x y z", "0123456789",
        /* broken */
        "\\ud800", "\\udc00", "\\ud83dx", "\\u0000", "\\x", "\\u12",
        "\\uZZZZ", "\x01", "\t", "\xc3", "\xc0\xaf", "\xed\xa0\x80",
        "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\x80", "\xe0\x80\xaf",
        "\xff", "\\"
    };

    n = test_long ? 20 + test_rand(60) : test_rand(12);
    test_put(b, "\"");

    for (i = 0; i < n; i++) {
        k = test_long ? (test_rand(1000) < 998 ? 0 : 99) : test_rand(100);

        if (test_long && k < 97) {
            k = test_rand(2) ? 29 + test_rand(5) : 22 + test_rand(7);

        } else if (k < 45) {
            k = test_rand(29);              /* valid pieces */

        } else if (k < 97) {
            k = 29 + test_rand(5);          /* words */

        } else {
            k = 34 + test_rand(sizeof(pieces) / sizeof(pieces[0]) - 34);
        }

        test_put(b, pieces[k]);
    }

    if (test_rand(50) == 0) {
        snprintf(tmp, sizeof(tmp), "%c", (char) test_rand(256));
        test_put(b, tmp);
    }

    test_put(b, "\"");
}


static void
test_gen_value(resources_buf_t *b, int depth)
{
    char      tmp[64];
    unsigned  i, n, k;

    static const char  *keys[] = {
        "\"id\"", "\"title\"", "\"type\"", "\"a\"", "\"b\"", "\"\"",
        "\"\\u0069d\"", "\"c\\/d\"", "\"x\\ny\""
    };

    static const char  *numbers[] = {
        "0", "-0", "1", "-1", "42", "123456789012345678",
        "-123456789012345678", "9223372036854775807",
        "-9223372036854775808", "9223372036854775808", "1.5", "-0.0",
        "1e2", "1E+2", "1e-2", "0.1", "01", "-", "-01", "1.", ".5", "1e",
        "00", "2.5e300", "1.7976931348623157e308", "12345678901234567890"
    };

    static const char  *ws[] = { "", "", "", " ", "\t", "\r", "  \n", "\f" };

    k = depth > 4 ? test_rand(6) : test_rand(10);
    test_put(b, ws[test_rand(8)]);

    switch (k) {
    case 0: case 1:
        test_gen_string(b);
        break;

    case 2:
        test_put(b, numbers[test_rand(sizeof(numbers) / sizeof(numbers[0]))]);
        break;

    case 3:
        n = test_rand(12);
        test_put(b, n < 4 ? "true" : n < 8 ? "false" : n < 11 ? "null"
                 : test_rand(2) ? "truex" : "nul");
        break;

    case 4:
        snprintf(tmp, sizeof(tmp), "%d", (int) test_rand(100000) - 50000);
        test_put(b, tmp);
        break;

    case 5:
        test_gen_string(b);
        break;

    case 6: case 7:
        n = test_rand(5);
        test_put(b, "[");

        for (i = 0; i < n; i++) {
            if (i) {
                test_put(b, ",");
            }

            test_gen_value(b, depth + 1);
        }

        test_put(b, ws[test_rand(8)]);
        test_put(b, "]");
        break;

    default:
        n = test_rand(6);
        test_put(b, "{");

        for (i = 0; i < n; i++) {
            if (i) {
                test_put(b, ",");
            }

            test_put(b, ws[test_rand(8)]);

            if (test_rand(3) == 0) {
                test_put(b, keys[test_rand(sizeof(keys) / sizeof(keys[0]))]);

            } else {
                snprintf(tmp, sizeof(tmp), "\"k%u\"", test_rand(40));
                test_put(b, tmp);
            }

            test_put(b, ws[test_rand(8)]);
            test_put(b, ":");
            test_gen_value(b, depth + 1);
        }

        test_put(b, ws[test_rand(8)]);
        test_put(b, "}");
        break;
    }
}


int
main(int argc, char **argv)
{
    int                i;
    unsigned long      n, r;
    test_count_t       c;
    resources_buf_t    b;
    resources_json_t   j;

    static const char  *lines[] = {
        "{}",
        " {} ",
        "{\"id\":\"a\",\"title\":\"T\\u00e9l\\u00e9\",\"n\":-0,\"x\":[]}",
        "{\"a\":1,\"a\":2}",
        "{\"a\":1,\"\\u0061\":2}",
        "{\"a\":{\"b\":1,\"b\":2}}",
        "{\"a\":\"\\u0000\"}",
        "{\"a\":\"x\\/y\",\"b\":\"\\u001f\\u001F\\u0080\"}",
        "{\"a\":\"\\ud83d\\ude00\",\"b\":\"\\uD800\"}",
        "{\"a\":\"\\ud83d\\ude00\"}",
        "{\"a\":1.0,\"b\":1e2,\"c\":-0.0,\"d\":0.1}",
        "{\"a\":true,\"b\":false,\"c\":null}",
        "{\"a\":truex}",
        "{\"a\":1}x",
        "{\"a\":1} \t\r",
        "[1,2]",
        "\"s\"",
        "{\"a\":9223372036854775807,\"b\":-9223372036854775808}",
        "{\"a\":9223372036854775808}",
        "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]"
        "]]]]]]]]]]]]}",
        "{\"a\":\"caf\xc3\"}",
        "{\"a\":\"tab\there\"}",
        "{\"a\":\"\x7f\"}",
        "{\"a\" : [ 1 , \"x\" ] , \"b\" : { } }",
        "{\"a\":01}",
        "{\"a\":-}",
        "{\"a\":\"\\\"quoted\\\" and \\\\ back\"}",
    };

    n = (argc > 1) ? strtoul(argv[1], NULL, 10) : 200000;

    memset(&j, 0, sizeof(resources_json_t));
    memset(&b, 0, sizeof(resources_buf_t));
    memset(&c, 0, sizeof(test_count_t));

    for (i = 0; i < (int) (sizeof(lines) / sizeof(lines[0])); i++) {
        ok(test_line(&j, lines[i], strlen(lines[i]), &c, 1), "line %d: %s",
           i, lines[i]);
    }

    ok(c.fast >= 9, "the fast parser takes the usual lines (%lu)", c.fast);

    memset(&c, 0, sizeof(test_count_t));

    for (r = 0; r < n; r++) {
        b.len = 0;
        test_put(&b, test_rand(20) ? "" : " ");
        test_put(&b, "{");

        for (i = 0; i < (int) test_rand(8); i++) {
            if (i) {
                test_put(&b, ",");
            }

            test_gen_string(&b);
            test_put(&b, ":");
            test_gen_value(&b, 1);
        }

        test_put(&b, "}");

        if (test_rand(20) == 0) {
            b.len = test_rand((unsigned) b.len + 1);     /* truncated */
        }

        test_line(&j, (const char *) b.data, b.len, &c, 0);
    }

    is_int(c.bad, 0, "%lu random lines: the same values and the same bytes"
           " as jansson", c.lines);
    ok(c.fast > c.jansson / 2 && c.jansson > c.lines / 10 && c.fast > 0,
       "coverage: %lu lines, jansson takes %lu (%lu objects), the fast"
       " parser %lu", c.lines, c.jansson, c.objects, c.fast);

    /*
     * long strings (the loader scans them 32 bytes at a time where the CPU
     * has AVX2): words and valid UTF-8 in runs of 100 bytes and more, a
     * broken piece or an escape now and then
     */

    memset(&c, 0, sizeof(test_count_t));
    test_long = 1;

    for (r = 0; r < n / 4; r++) {
        b.len = 0;
        test_put(&b, "{");

        for (i = 0; i < (int) (1 + test_rand(4)); i++) {
            if (i) {
                test_put(&b, ",");
            }

            test_gen_string(&b);
            test_put(&b, ":");
            test_gen_string(&b);
        }

        test_put(&b, "}");

        test_line(&j, (const char *) b.data, b.len, &c, 0);
    }

    test_long = 0;

    is_int(c.bad, 0, "%lu random lines of long strings: the same values and"
           " the same bytes as jansson", c.lines);
    ok(c.fast == c.jansson && c.jansson > c.lines / 10,
       "the fast parser takes every one that jansson takes: %lu of %lu,"
       " jansson %lu", c.fast, c.lines, c.jansson);

    resources_json_free(&j);
    resources_buf_free(&b);

    /* the hash of the content version: XXH64, as libxxhash computes it */

    ok(resources_xxh64("", 0, 0) == 0xef46db3751d8e999ULL, "XXH64 of \"\"");
    ok(resources_xxh64("abc", 3, 0) == 0x44bc2cf5ad770999ULL,
       "XXH64 of \"abc\"");
    ok(resources_xxh64("The quick brown fox jumps over the lazy dog", 43, 0)
       == 0x0b242d361fda71bcULL, "XXH64 of 43 bytes");
    ok(resources_xxh64("{\"id\":\"a\",\"title\":\"T\",\"type\":\"Fiche\","
                       "\"private\":false}", 53, 0)
       == 0x17ba799f6d957566ULL, "XXH64 of 53 bytes");

    return tap_done();
}
