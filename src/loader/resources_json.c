/*
 * Copyright (C) ngx_http_resources authors
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resources_json.h"
#include "resources_text.h"

#if (RESOURCES_TEXT_AVX2)
#include <immintrin.h>
#endif


#define RESOURCES_JSON_MEMBERS   1024     /* more: jansson checks the keys */

#if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#define resources_ctz64(m)  __builtin_ctzll(m)
#else
#define resources_ctz64(m)  0                /* a byte at a time */
#endif
#define RESOURCES_JSON_DIGITS    18       /* more: jansson reads the number */


typedef struct {
    resources_json_t  *j;
    const u_char      *p;
    const u_char      *end;
} resources_jparse_t;


static uint32_t resources_json_value(resources_jparse_t *jp, int depth);


static uint32_t
resources_json_node(resources_json_t *j, uint32_t type)
{
    resources_jnode_t  *nd;

    if (j->n == j->cap) {
        j->cap = j->cap ? j->cap * 2 : 64;
        j->nodes = resources_xrealloc(j->nodes,
                                      j->cap * sizeof(resources_jnode_t));
    }

    nd = &j->nodes[j->n];
    memset(nd, 0, sizeof(resources_jnode_t));
    nd->type = type;

    return j->n++;
}


void
resources_json_free(resources_json_t *j)
{
    free(j->nodes);
    free(j->buf);
    memset(j, 0, sizeof(resources_json_t));
}


static void
resources_json_skip_ws(resources_jparse_t *jp)
{
    while (jp->p < jp->end
           && (*jp->p == ' ' || *jp->p == '\t' || *jp->p == '\n'
               || *jp->p == '\r'))
    {
        jp->p++;
    }
}


/*
 * The bytes among the 8 at p that a string cannot hold as they are:
 * '"', '\\', a control character, non-ASCII; their high bits set.  The
 * lowest bit set is exact (a borrow only reaches the bytes above it).
 */

static inline uint64_t
resources_json_special8(const u_char *p)
{
    uint64_t  x, q, b, c;

    memcpy(&x, p, 8);

    q = x ^ 0x2222222222222222ULL;
    q = (q - 0x0101010101010101ULL) & ~q;
    b = x ^ 0x5c5c5c5c5c5c5c5cULL;
    b = (b - 0x0101010101010101ULL) & ~b;
    c = (x - 0x2020202020202020ULL) & ~x;

    return (x | q | b | c) & 0x8080808080808080ULL;
}


/* the length of the UTF-8 sequence at p (< end), 0 when it is invalid */

static inline size_t
resources_json_utf8(const u_char *p, const u_char *end)
{
    u_char  c, lo, hi;
    size_t  n, i;

    c = p[0];

    if (c >= 0xc2 && c <= 0xdf) {
        n = 2; lo = 0x80; hi = 0xbf;

    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        lo = (c == 0xe0) ? 0xa0 : 0x80;
        hi = (c == 0xed) ? 0x9f : 0xbf;

    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        lo = (c == 0xf0) ? 0x90 : 0x80;
        hi = (c == 0xf4) ? 0x8f : 0xbf;

    } else {
        return 0;
    }

    if ((size_t) (end - p) < n || p[1] < lo || p[1] > hi) {
        return 0;
    }

    for (i = 2; i < n; i++) {
        if (p[i] < 0x80 || p[i] > 0xbf) {
            return 0;
        }
    }

    return n;
}


static int
resources_json_hex4(const u_char *p, uint32_t *v)
{
    int       i;
    u_char    c;
    uint32_t  x;

    x = 0;

    for (i = 0; i < 4; i++) {
        c = p[i];

        if (c >= '0' && c <= '9') {
            x = x * 16 + (c - '0');

        } else if (c >= 'a' && c <= 'f') {
            x = x * 16 + (c - 'a' + 10);

        } else if (c >= 'A' && c <= 'F') {
            x = x * 16 + (c - 'A' + 10);

        } else {
            return -1;
        }
    }

    *v = x;

    return 0;
}


static u_char *
resources_json_utf8_put(u_char *d, uint32_t cp)
{
    if (cp < 0x80) {
        *d++ = (u_char) cp;

    } else if (cp < 0x800) {
        *d++ = (u_char) (0xc0 | (cp >> 6));
        *d++ = (u_char) (0x80 | (cp & 0x3f));

    } else if (cp < 0x10000) {
        *d++ = (u_char) (0xe0 | (cp >> 12));
        *d++ = (u_char) (0x80 | ((cp >> 6) & 0x3f));
        *d++ = (u_char) (0x80 | (cp & 0x3f));

    } else {
        *d++ = (u_char) (0xf0 | (cp >> 18));
        *d++ = (u_char) (0x80 | ((cp >> 12) & 0x3f));
        *d++ = (u_char) (0x80 | ((cp >> 6) & 0x3f));
        *d++ = (u_char) (0x80 | (cp & 0x3f));
    }

    return d;
}


#if (RESOURCES_TEXT_AVX2)

/* the first quote, backslash or control character from p, or end: 32
 * bytes at a time */

__attribute__((target("avx2")))
static const u_char *
resources_json_scan_avx2(const u_char *p, const u_char *end)
{
    unsigned  m;
    __m256i   v, special;

    while (end - p >= 32) {
        v = _mm256_loadu_si256((const __m256i *) p);

        special = _mm256_or_si256(
                      _mm256_or_si256(
                          _mm256_cmpeq_epi8(v, _mm256_set1_epi8('"')),
                          _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\\'))),
                      /* below 0x20, unsigned */
                      _mm256_cmpeq_epi8(
                          _mm256_min_epu8(v, _mm256_set1_epi8(0x1f)), v));

        m = (unsigned) _mm256_movemask_epi8(special);

        if (m) {
            return p + __builtin_ctz(m);
        }

        p += 32;
    }

    while (p < end && *p != '"' && *p != '\\' && *p >= 0x20) {
        p++;
    }

    return p;
}

#endif


/* the end of the run of bytes at p that a string holds as they are, at a
 * quote or a backslash; NULL on the end of the line, a control character
 * or invalid UTF-8 */

static const u_char *
resources_json_run(const u_char *p, const u_char *end)
{
    size_t         n;
    uint64_t       m;
#if (RESOURCES_TEXT_AVX2)
    const u_char  *q;

    /*
     * With AVX2, and a line long enough for it: the end of the run first,
     * then its UTF-8 (resources_utf8_valid: the same rules, 32 bytes at a
     * time too); a sequence cut by the quote or the backslash is invalid
     */

    if (end - p >= 64 && resources_text_avx2()) {
        q = resources_json_scan_avx2(p, end);

        if (q == end || *q < 0x20
            || resources_utf8_valid(p, (size_t) (q - p)) != (size_t) (q - p))
        {
            return NULL;
        }

        return q;
    }
#endif

    for ( ;; ) {
        while (end - p >= 8) {
            m = resources_json_special8(p);

            if (m) {
                p += resources_ctz64(m) / 8;    /* little-endian */
                break;
            }

            p += 8;
        }

        if (p == end) {
            return NULL;
        }

        if (*p == '"' || *p == '\\') {
            return p;
        }

        if (*p < 0x20) {
            return NULL;
        }

        if (*p < 0x80) {
            p++;
            continue;
        }

        n = resources_json_utf8(p, end);
        if (n == 0) {
            return NULL;
        }

        p += n;
    }
}


/*
 * A string, jp->p after its opening quote.  Without a backslash the value
 * is the bytes of the line; with one it is unescaped into the tree's
 * buffer, and the line's bytes stay its written form as long as every
 * escape is one that jansson writes itself (not "\/" nor "\u").
 */

static int
resources_json_string(resources_jparse_t *jp, resources_jnode_t *nd)
{
    int            canonical;
    u_char        *d;
    uint32_t       cp, lo;
    const u_char  *p, *end, *start, *run;

    start = jp->p;
    end = jp->end;

    p = resources_json_run(start, end);
    if (p == NULL) {
        return -1;
    }

    if (*p == '"') {
        nd->str = start;
        nd->len = p - start;
        nd->esc = start;
        nd->esc_len = nd->len;
        jp->p = p + 1;
        return 0;
    }

    /* escapes: unescaped into the buffer */

    d = jp->j->used;
    run = start;
    canonical = 1;

    for ( ;; ) {
        memcpy(d, run, p - run);
        d += p - run;

        if (*p == '"') {
            break;
        }

        /* a backslash */

        if (end - p < 2) {
            return -1;
        }

        switch (p[1]) {
        case '"': *d++ = '"'; break;
        case '\\': *d++ = '\\'; break;
        case '/': *d++ = '/'; canonical = 0; break;
        case 'b': *d++ = '\b'; break;
        case 'f': *d++ = '\f'; break;
        case 'n': *d++ = '\n'; break;
        case 'r': *d++ = '\r'; break;
        case 't': *d++ = '\t'; break;

        case 'u':
            if (end - p < 6 || resources_json_hex4(p + 2, &cp) != 0) {
                return -1;
            }

            canonical = 0;

            if (cp == 0 || (cp >= 0xdc00 && cp <= 0xdfff)) {
                return -1;
            }

            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (end - p < 12 || p[6] != '\\' || p[7] != 'u'
                    || resources_json_hex4(p + 8, &lo) != 0
                    || lo < 0xdc00 || lo > 0xdfff)
                {
                    return -1;
                }

                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p += 6;
            }

            d = resources_json_utf8_put(d, cp);
            p += 4;
            break;

        default:
            return -1;
        }

        run = p + 2;

        p = resources_json_run(run, end);
        if (p == NULL) {
            return -1;
        }
    }

    nd->str = jp->j->used;
    nd->len = d - jp->j->used;
    nd->esc = canonical ? start : NULL;
    nd->esc_len = p - start;
    jp->j->used = d;
    jp->p = p + 1;

    return 0;
}


static int
resources_json_literal(resources_jparse_t *jp, const char *word, size_t len)
{
    if ((size_t) (jp->end - jp->p) < len || memcmp(jp->p, word, len) != 0) {
        return -1;
    }

    jp->p += len;

    /* jansson reads a run of letters as one token */

    if (jp->p < jp->end
        && ((*jp->p >= 'a' && *jp->p <= 'z') || (*jp->p >= 'A'
                                                 && *jp->p <= 'Z')))
    {
        return -1;
    }

    return 0;
}


/* node appended to the children of parent, after *last (0: none yet) */

static void
resources_json_append(resources_json_t *j, uint32_t parent, uint32_t *last,
    uint32_t node)
{
    if (*last) {
        j->nodes[*last].next = node;

    } else {
        j->nodes[parent].child = node;
    }

    *last = node;
    j->nodes[parent].n++;
}


/*
 * After a member or an element: 1 past the closing character, 0 past a
 * comma (and white space), -1 on anything else
 */

static int
resources_json_more(resources_jparse_t *jp, u_char close)
{
    resources_json_skip_ws(jp);

    if (jp->p == jp->end) {
        return -1;
    }

    if (*jp->p == close) {
        jp->p++;
        return 1;
    }

    if (*jp->p != ',') {
        return -1;
    }

    jp->p++;
    resources_json_skip_ws(jp);

    return 0;
}


/*
 * A member of object obj, jp->p at its key: the key's node in *key, and
 * the value's node returned, 0 when the parser gives up
 */

static uint32_t
resources_json_member(resources_jparse_t *jp, int depth, uint32_t obj,
    uint32_t *key)
{
    uint32_t           k, prev;
    resources_json_t  *j;

    j = jp->j;

    if (jp->p == jp->end || *jp->p != '"'
        || j->nodes[obj].n == RESOURCES_JSON_MEMBERS)
    {
        return 0;
    }

    k = resources_json_node(j, RESOURCES_JSON_STRING);
    jp->p++;

    if (resources_json_string(jp, &j->nodes[k]) != 0) {
        return 0;
    }

    /* a repeated key: jansson says so */

    for (prev = j->nodes[obj].n ? j->nodes[obj].child : 0;
         prev;
         prev = j->nodes[j->nodes[prev].next].next)
    {
        if (j->nodes[prev].len == j->nodes[k].len
            && memcmp(j->nodes[prev].str, j->nodes[k].str, j->nodes[k].len)
               == 0)
        {
            return 0;
        }
    }

    resources_json_skip_ws(jp);

    if (jp->p == jp->end || *jp->p != ':') {
        return 0;
    }

    jp->p++;
    resources_json_skip_ws(jp);

    *key = k;

    return resources_json_value(jp, depth + 1);
}


/*
 * An object or an array, jp->p after its "{" or "["; its node, 0 when the
 * parser gives up.  An object's children are its keys, each key's next
 * its value.
 */

static inline uint32_t
resources_json_container(resources_jparse_t *jp, int depth, uint32_t type,
    u_char close)
{
    int                 more;
    uint32_t            i, k, v, last;
    resources_json_t   *j;

    j = jp->j;
    i = resources_json_node(j, type);
    resources_json_skip_ws(jp);

    if (jp->p < jp->end && *jp->p == close) {
        jp->p++;
        return i;
    }

    last = 0;

    do {
        if (type == RESOURCES_JSON_OBJECT) {
            v = resources_json_member(jp, depth, i, &k);
            if (v == 0) {
                return 0;
            }

            j->nodes[k].next = v;
            resources_json_append(j, i, &last, k);
            last = v;

        } else {
            v = resources_json_value(jp, depth + 1);
            if (v == 0) {
                return 0;
            }

            resources_json_append(j, i, &last, v);
        }

        more = resources_json_more(jp, close);

    } while (more == 0);

    return more == 1 ? i : 0;
}


/* a small integer: -?(0|[1-9][0-9]*), at most 18 digits; 0 otherwise */

static uint32_t
resources_json_integer(resources_jparse_t *jp)
{
    int        neg, digits;
    uint32_t   i;
    long long  x;

    neg = 0;

    if (*jp->p == '-') {
        neg = 1;
        jp->p++;
    }

    if (jp->p == jp->end || *jp->p < '0' || *jp->p > '9') {
        return 0;
    }

    x = 0;
    digits = 0;

    if (*jp->p == '0') {
        jp->p++;
        digits = 1;

    } else {
        while (jp->p < jp->end && *jp->p >= '0' && *jp->p <= '9') {
            if (++digits > RESOURCES_JSON_DIGITS) {
                return 0;
            }

            x = x * 10 + (*jp->p++ - '0');
        }
    }

    if (jp->p < jp->end
        && ((*jp->p >= '0' && *jp->p <= '9') || *jp->p == '.'
            || *jp->p == 'e' || *jp->p == 'E'))
    {
        return 0;
    }

    i = resources_json_node(jp->j, RESOURCES_JSON_INTEGER);
    jp->j->nodes[i].integer = neg ? -x : x;

    return i;
}


/* returns the node, 0 when the parser gives up */

static uint32_t
resources_json_value(resources_jparse_t *jp, int depth)
{
    uint32_t           i;
    resources_json_t  *j;

    j = jp->j;

    if (jp->p == jp->end || depth > RESOURCES_JSON_DEPTH) {
        return 0;
    }

    switch (*jp->p) {

    case '"':
        i = resources_json_node(j, RESOURCES_JSON_STRING);
        jp->p++;

        return resources_json_string(jp, &j->nodes[i]) == 0 ? i : 0;

    case '{':
        jp->p++;
        return resources_json_container(jp, depth, RESOURCES_JSON_OBJECT,
                                        '}');

    case '[':
        jp->p++;
        return resources_json_container(jp, depth, RESOURCES_JSON_ARRAY,
                                        ']');

    case 't':
        i = resources_json_node(j, RESOURCES_JSON_TRUE);
        return resources_json_literal(jp, "true", 4) == 0 ? i : 0;

    case 'f':
        i = resources_json_node(j, RESOURCES_JSON_FALSE);
        return resources_json_literal(jp, "false", 5) == 0 ? i : 0;

    case 'n':
        i = resources_json_node(j, RESOURCES_JSON_NULL);
        return resources_json_literal(jp, "null", 4) == 0 ? i : 0;

    default:
        return resources_json_integer(jp);
    }
}


int
resources_json_parse(resources_json_t *j, const u_char *s, size_t len)
{
    resources_jparse_t  jp;

    j->n = 0;
    (void) resources_json_node(j, RESOURCES_JSON_NULL);     /* 0: none */

    if (j->buf_cap < len + 1) {
        free(j->buf);
        j->buf_cap = len + 1 > 4096 ? len + 1 : 4096;
        j->buf = resources_xmalloc(j->buf_cap);
    }

    j->used = j->buf;

    jp.j = j;
    jp.p = s;
    jp.end = s + len;

    resources_json_skip_ws(&jp);

    /* records are objects; anything else goes to jansson */

    if (jp.p == jp.end || *jp.p != '{') {
        return -1;
    }

    if (resources_json_value(&jp, 1) != RESOURCES_JSON_ROOT) {
        return -1;
    }

    resources_json_skip_ws(&jp);

    return jp.p == jp.end ? 0 : -1;
}


static uint32_t
resources_json_convert(resources_json_t *j, json_t *v)
{
    uint32_t     i, k, c, last;
    size_t       n;
    const char  *key;
    json_t      *e;

    switch (json_typeof(v)) {

    case JSON_OBJECT:
        i = resources_json_node(j, RESOURCES_JSON_OBJECT);
        last = 0;

        json_object_foreach(v, key, e) {
            k = resources_json_add_string(j, (const u_char *) key,
                                          strlen(key));
            c = resources_json_convert(j, e);

            j->nodes[k].next = c;
            resources_json_append(j, i, &last, k);
            last = c;
        }

        return i;

    case JSON_ARRAY:
        i = resources_json_node(j, RESOURCES_JSON_ARRAY);
        last = 0;

        json_array_foreach(v, n, e) {
            c = resources_json_convert(j, e);
            resources_json_append(j, i, &last, c);
        }

        return i;

    case JSON_STRING:
        return resources_json_add_string(j,
                                   (const u_char *) json_string_value(v),
                                   json_string_length(v));

    case JSON_INTEGER:
        return resources_json_add_integer(j, json_integer_value(v));

    case JSON_REAL:
        i = resources_json_node(j, RESOURCES_JSON_REAL);
        j->nodes[i].real = v;
        return i;

    case JSON_TRUE:
        return resources_json_node(j, RESOURCES_JSON_TRUE);

    case JSON_FALSE:
        return resources_json_node(j, RESOURCES_JSON_FALSE);

    default:
        return resources_json_node(j, RESOURCES_JSON_NULL);
    }
}


void
resources_json_from_jansson(resources_json_t *j, json_t *v)
{
    resources_json_start(j);
    (void) resources_json_convert(j, v);
}


void
resources_json_start(resources_json_t *j)
{
    j->n = 0;
    j->used = j->buf;

    (void) resources_json_node(j, RESOURCES_JSON_NULL);     /* 0: none */
}


uint32_t
resources_json_add(resources_json_t *j, uint32_t type)
{
    return resources_json_node(j, type);
}


uint32_t
resources_json_add_string(resources_json_t *j, const u_char *s, size_t len)
{
    uint32_t  i;

    i = resources_json_node(j, RESOURCES_JSON_STRING);
    j->nodes[i].str = s;
    j->nodes[i].len = len;

    return i;
}


uint32_t
resources_json_add_integer(resources_json_t *j, long long v)
{
    uint32_t  i;

    i = resources_json_node(j, RESOURCES_JSON_INTEGER);
    j->nodes[i].integer = v;

    return i;
}


void
resources_json_put(resources_json_t *j, uint32_t parent, uint32_t key,
    uint32_t value)
{
    int       object;
    uint32_t  last, k;

    object = (j->nodes[parent].type == RESOURCES_JSON_OBJECT);

    /* where the next child is linked: an object's last value, an array's
     * last element */

    last = 0;

    for (k = j->nodes[parent].child; k; k = j->nodes[last].next) {
        last = object ? j->nodes[k].next : k;
    }

    if (object) {
        j->nodes[key].next = value;
        resources_json_append(j, parent, &last, key);

    } else {
        resources_json_append(j, parent, &last, value);
    }
}


uint32_t
resources_json_get(resources_json_t *j, uint32_t obj, const char *name,
    size_t len)
{
    uint32_t  k;

    if (j->nodes[obj].type != RESOURCES_JSON_OBJECT) {
        return 0;
    }

    for (k = j->nodes[obj].child; k; k = j->nodes[j->nodes[k].next].next) {
        if (j->nodes[k].len == len && memcmp(j->nodes[k].str, name, len) == 0)
        {
            return j->nodes[k].next;
        }
    }

    return 0;
}


void
resources_json_write_string(resources_buf_t *out, const u_char *s,
    size_t len)
{
    u_char        *d, c;
    const u_char  *p, *end, *run;

    static const char  hex[] = "0123456789ABCDEF";

    /* at most 6 bytes for one, and the quotes */

    d = resources_buf_reserve(out, len * 6 + 2);
    *d++ = '"';

    p = s;
    end = s + len;
    run = p;

    while (p < end) {
        c = *p;

        if (c >= 0x20 && c != '"' && c != '\\') {
            p++;
            continue;
        }

        memcpy(d, run, p - run);
        d += p - run;
        *d++ = '\\';

        switch (c) {
        case '"': *d++ = '"'; break;
        case '\\': *d++ = '\\'; break;
        case '\b': *d++ = 'b'; break;
        case '\f': *d++ = 'f'; break;
        case '\n': *d++ = 'n'; break;
        case '\r': *d++ = 'r'; break;
        case '\t': *d++ = 't'; break;
        default:
            *d++ = 'u';
            *d++ = '0';
            *d++ = '0';
            *d++ = hex[c >> 4];
            *d++ = hex[c & 0xf];
        }

        run = ++p;
    }

    memcpy(d, run, p - run);
    d += p - run;
    *d++ = '"';

    out->len = d - out->data;
}


static void
resources_json_write_integer(resources_buf_t *out, long long v)
{
    u_char              tmp[24], *p;
    unsigned long long  u;

    p = tmp + sizeof(tmp);
    u = v < 0 ? 0 - (unsigned long long) v : (unsigned long long) v;

    do {
        *--p = (u_char) ('0' + u % 10);
        u /= 10;
    } while (u);

    if (v < 0) {
        *--p = '-';
    }

    resources_buf_put(out, p, tmp + sizeof(tmp) - p);
}


void
resources_json_write(resources_json_t *j, uint32_t i, resources_buf_t *out)
{
    u_char             *d;
    size_t              n, room;
    uint32_t            k;
    resources_jnode_t  *nd;

    nd = &j->nodes[i];

    switch (nd->type) {

    case RESOURCES_JSON_NULL:
        resources_buf_put(out, "null", 4);
        return;

    case RESOURCES_JSON_TRUE:
        resources_buf_put(out, "true", 4);
        return;

    case RESOURCES_JSON_FALSE:
        resources_buf_put(out, "false", 5);
        return;

    case RESOURCES_JSON_INTEGER:
        resources_json_write_integer(out, nd->integer);
        return;

    case RESOURCES_JSON_STRING:
        if (nd->esc) {
            n = nd->esc_len;
            d = resources_buf_reserve(out, n + 2);
            d[0] = '"';
            memcpy(d + 1, nd->esc, n);
            d[n + 1] = '"';
            out->len += n + 2;
            return;
        }

        resources_json_write_string(out, nd->str, nd->len);
        return;

    case RESOURCES_JSON_ARRAY:
        resources_buf_put(out, "[", 1);

        for (k = nd->child; k; k = j->nodes[k].next) {
            if (k != j->nodes[i].child) {
                resources_buf_put(out, ",", 1);
            }

            resources_json_write(j, k, out);
        }

        resources_buf_put(out, "]", 1);
        return;

    case RESOURCES_JSON_OBJECT:
        resources_buf_put(out, "{", 1);

        for (k = nd->child; k; k = j->nodes[j->nodes[k].next].next) {
            if (k != j->nodes[i].child) {
                resources_buf_put(out, ",", 1);
            }

            resources_json_write(j, k, out);
            resources_buf_put(out, ":", 1);
            resources_json_write(j, j->nodes[k].next, out);
        }

        resources_buf_put(out, "}", 1);
        return;

    default: /* RESOURCES_JSON_REAL */

        for (room = 64; ; room *= 2) {
            d = resources_buf_reserve(out, room);
            n = json_dumpb(nd->real, (char *) d, room,
                           JSON_COMPACT | JSON_ENCODE_ANY);
            if (n == 0) {
                resources_oom();
            }

            if (n <= room) {
                out->len += n;
                return;
            }
        }
    }
}
