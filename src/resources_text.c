/*
 * Copyright (C) ngx_http_resources authors
 */


#include <string.h>
#include <utf8proc.h>

#include "resources_text.h"


#define RESOURCES_DECOMP_MAX  32


static const u_char *resources_utf8_next(const u_char *p, const u_char *end,
    int32_t *cp);
static size_t resources_utf8_put(u_char *p, int32_t cp);
static int resources_is_word_char(int32_t cp);


/*
 * Decodes one code point; returns the position after it, or NULL on
 * invalid UTF-8 (overlong, surrogate, > U+10FFFF, truncated) or a NUL.
 */

static const u_char *
resources_utf8_next(const u_char *p, const u_char *end, int32_t *cp)
{
    u_char    c;
    size_t    n, i;
    uint32_t  v, min;

    c = *p++;

    if (c < 0x80) {
        if (c == 0) {
            return NULL;
        }

        *cp = c;
        return p;
    }

    if (c >= 0xc2 && c <= 0xdf) {
        n = 1; v = c & 0x1f; min = 0x80;

    } else if (c >= 0xe0 && c <= 0xef) {
        n = 2; v = c & 0x0f; min = 0x800;

    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3; v = c & 0x07; min = 0x10000;

    } else {
        return NULL;
    }

    if ((size_t) (end - p) < n) {
        return NULL;
    }

    for (i = 0; i < n; i++) {
        c = p[i];

        if ((c & 0xc0) != 0x80) {
            return NULL;
        }

        v = (v << 6) | (c & 0x3f);
    }

    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        return NULL;
    }

    *cp = (int32_t) v;

    return p + n;
}


static size_t
resources_utf8_put(u_char *p, int32_t cp)
{
    if (cp < 0x80) {
        p[0] = (u_char) cp;
        return 1;
    }

    if (cp < 0x800) {
        p[0] = (u_char) (0xc0 | (cp >> 6));
        p[1] = (u_char) (0x80 | (cp & 0x3f));
        return 2;
    }

    if (cp < 0x10000) {
        p[0] = (u_char) (0xe0 | (cp >> 12));
        p[1] = (u_char) (0x80 | ((cp >> 6) & 0x3f));
        p[2] = (u_char) (0x80 | (cp & 0x3f));
        return 3;
    }

    p[0] = (u_char) (0xf0 | (cp >> 18));
    p[1] = (u_char) (0x80 | ((cp >> 12) & 0x3f));
    p[2] = (u_char) (0x80 | ((cp >> 6) & 0x3f));
    p[3] = (u_char) (0x80 | (cp & 0x3f));

    return 4;
}


size_t
resources_utf8_valid(const u_char *s, size_t len)
{
    int32_t        cp;
    const u_char  *p, *end, *next;

    p = s;
    end = s + len;

    while (p < end) {

        if (*p >= 0x01 && *p < 0x80) {
            p++;
            continue;
        }

        next = resources_utf8_next(p, end, &cp);
        if (next == NULL) {
            break;
        }

        p = next;
    }

    return (size_t) (p - s);
}


static int
resources_is_space(int32_t cp)
{
    utf8proc_category_t  cat;

    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
        return 1;
    }

    if (cp < 0x80) {
        return cp < 0x20 || cp == 0x7f;
    }

    cat = utf8proc_category(cp);

    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL
           || cat == UTF8PROC_CATEGORY_ZP || cat == UTF8PROC_CATEGORY_CC
           || cat == UTF8PROC_CATEGORY_CF;
}


static int32_t
resources_unify(int32_t cp)
{
    switch (cp) {

    case 0x2018: case 0x2019: case 0x201b: case 0x02bc: case 0x2032:
    case 0x0060: case 0x00b4: case 0xff07:
        return '\'';

    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
    case 0x2015: case 0x2212: case 0xfe63: case 0xff0d: case 0x00ad:
        return '-';
    }

    return cp;
}


/* Hangul syllable composition (the only composition left once marks go) */

#define HANGUL_SBASE  0xac00
#define HANGUL_LBASE  0x1100
#define HANGUL_VBASE  0x1161
#define HANGUL_TBASE  0x11a7
#define HANGUL_LCOUNT 19
#define HANGUL_VCOUNT 21
#define HANGUL_TCOUNT 28
#define HANGUL_NCOUNT (HANGUL_VCOUNT * HANGUL_TCOUNT)
#define HANGUL_SCOUNT (HANGUL_LCOUNT * HANGUL_NCOUNT)


static size_t
resources_hangul_compose(int32_t *cp, size_t n)
{
    size_t   i, o;
    int32_t  last, c;

    if (n == 0) {
        return 0;
    }

    last = cp[0];
    o = 0;

    for (i = 1; i < n; i++) {
        c = cp[i];

        if (last >= HANGUL_LBASE && last < HANGUL_LBASE + HANGUL_LCOUNT
            && c >= HANGUL_VBASE && c < HANGUL_VBASE + HANGUL_VCOUNT)
        {
            last = HANGUL_SBASE + ((last - HANGUL_LBASE) * HANGUL_VCOUNT
                                   + (c - HANGUL_VBASE)) * HANGUL_TCOUNT;
            continue;
        }

        if (last >= HANGUL_SBASE && last < HANGUL_SBASE + HANGUL_SCOUNT
            && (last - HANGUL_SBASE) % HANGUL_TCOUNT == 0
            && c > HANGUL_TBASE && c < HANGUL_TBASE + HANGUL_TCOUNT)
        {
            last += c - HANGUL_TBASE;
            continue;
        }

        cp[o++] = last;
        last = c;
    }

    cp[o++] = last;

    return o;
}


ssize_t
resources_fold(const u_char *s, size_t len, u_char *out, size_t cap)
{
    int32_t             cp, dec[RESOURCES_DECOMP_MAX];
    size_t              o, i, n;
    ssize_t             rc;
    const u_char       *p, *end;
    int                 space;
    utf8proc_option_t   opt;

    opt = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD
          | UTF8PROC_STRIPMARK;

    p = s;
    end = s + len;
    o = 0;
    space = 0;

    while (p < end) {

        if (*p >= 0x01 && *p < 0x80) {
            cp = *p++;

            if (cp >= 'A' && cp <= 'Z') {
                cp |= 0x20;

            } else if (resources_is_space(cp)) {
                space = (o > 0);
                continue;
            }

            dec[0] = resources_unify(cp);
            n = 1;

        } else {
            p = resources_utf8_next(p, end, &cp);
            if (p == NULL) {
                return RESOURCES_TEXT_INVALID;
            }

            if (resources_is_space(cp)) {
                space = (o > 0);
                continue;
            }

            rc = utf8proc_decompose_char(resources_unify(cp), dec,
                                         RESOURCES_DECOMP_MAX, opt, NULL);
            if (rc < 0 || rc > RESOURCES_DECOMP_MAX) {
                return RESOURCES_TEXT_INVALID;
            }

            n = resources_hangul_compose(dec, (size_t) rc);
        }

        for (i = 0; i < n; i++) {
            cp = resources_unify(dec[i]);

            if (resources_is_space(cp)) {
                space = (o > 0);
                continue;
            }

            if (cap - o < 6) {
                return RESOURCES_TEXT_TOO_LONG;
            }

            if (space) {
                out[o++] = ' ';
                space = 0;
            }

            /* the ligatures, spelled out (case folding made them small) */

            if (cp == 0x0153) {
                out[o++] = 'o';
                out[o++] = 'e';
                continue;
            }

            if (cp == 0x00e6) {
                out[o++] = 'a';
                out[o++] = 'e';
                continue;
            }

            o += resources_utf8_put(out + o, cp);
        }
    }

    return (ssize_t) o;
}


ssize_t
resources_slug(const u_char *s, size_t len, u_char *out)
{
    u_char   buf[RESOURCES_SLUG_MAX * 4 * RESOURCES_FOLD_RATIO + 16];
    u_char   c;
    size_t   i, o;
    ssize_t  n;
    int      dash;

    /* only the start of a long title can reach the slug */

    if (len > RESOURCES_SLUG_MAX * 4) {
        len = RESOURCES_SLUG_MAX * 4;

        while (len > 0 && (s[len] & 0xc0) == 0x80) {
            len--;
        }
    }

    n = resources_fold(s, len, buf, sizeof(buf));
    if (n < 0) {
        return RESOURCES_TEXT_INVALID;
    }

    o = 0;
    dash = 0;

    for (i = 0; i < (size_t) n && o < RESOURCES_SLUG_MAX; i++) {
        c = buf[i];

        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && o > 0) {
                out[o++] = '-';

                if (o == RESOURCES_SLUG_MAX) {
                    break;
                }
            }

            out[o++] = c;
            dash = 0;

        } else {
            dash = 1;
        }
    }

    while (o > 0 && out[o - 1] == '-') {
        o--;
    }

    out[o] = '\0';

    return (ssize_t) o;
}


int
resources_id_valid(const u_char *id, size_t len)
{
    size_t  i;
    u_char  c;

    if (len == 0 || len > 128) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = id[i];

        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            continue;
        }

        if (c == '-' && i > 0) {
            continue;
        }

        return 0;
    }

    return 1;
}


/* words */


static int
resources_is_word_char(int32_t cp)
{
    utf8proc_category_t  cat;

    if (cp < 0x80) {
        return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')
               || (cp >= 'A' && cp <= 'Z');
    }

    cat = utf8proc_category(cp);

    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO)
           || (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}


static const char  *resources_elisions[] = {
    "c", "d", "j", "l", "m", "n", "s", "t", "qu",
    "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu", NULL
};


/* sorted, folded */

static const char  *resources_stopwords[] = {
    "a", "au", "aux", "avec", "c", "ce", "ces", "cet", "cette", "d",
    "dans", "de", "des", "du", "elle", "en", "est", "et", "il", "ils",
    "j", "l", "la", "le", "les", "leur", "leurs", "lui", "m", "ma", "mais",
    "me", "mes", "n", "ne", "nos", "notre", "nous", "on", "ont", "ou",
    "par", "pas", "pour", "qu", "que", "qui", "s", "sa", "se", "ses",
    "son", "sont", "sur", "t", "ta", "te", "tes", "un", "une", "vos",
    "votre", "vous", "y"
};


int
resources_stopword(const u_char *word, size_t len)
{
    int     lo, hi, mid, c;
    size_t  n;

    /* the longest stop word has 6 letters, all are ASCII */

    if (len > 6 || word[0] < 'a' || word[0] > 'y') {
        return 0;
    }

    lo = 0;
    hi = (int) (sizeof(resources_stopwords) / sizeof(char *)) - 1;

    while (lo <= hi) {
        mid = (lo + hi) / 2;
        n = strlen(resources_stopwords[mid]);

        c = memcmp(word, resources_stopwords[mid], len < n ? len : n);
        if (c == 0) {
            c = (len > n) - (len < n);
        }

        if (c == 0) {
            return 1;
        }

        if (c < 0) {
            hi = mid - 1;

        } else {
            lo = mid + 1;
        }
    }

    return 0;
}


static int
resources_elision(const u_char *word, size_t len)
{
    const char  **e;

    for (e = resources_elisions; *e; e++) {
        if (strlen(*e) == len && memcmp(*e, word, len) == 0) {
            return 1;
        }
    }

    return 0;
}


size_t
resources_stem(u_char *w, size_t len)
{
    /* counts bytes: accented letters are already folded to ASCII here */

    if (len >= 5 && memcmp(w + len - 4, "eaux", 4) == 0) {
        return len - 1;
    }

    if (len >= 5 && memcmp(w + len - 3, "aux", 3) == 0) {
        w[len - 2] = 'l';
        return len - 1;
    }

    if (len >= 4 && w[len - 1] == 'x') {
        return len - 1;
    }

    if (len >= 4 && w[len - 1] == 's' && w[len - 2] != 's') {
        return len - 1;
    }

    return len;
}


int
resources_words(const u_char *folded, size_t len, resources_word_pt handler,
    void *data)
{
    int32_t        cp;
    u_char         word[RESOURCES_WORD_MAX];
    size_t         n, wlen;
    unsigned       flags;
    int            rc;
    const u_char  *p, *end, *start, *next, *cut;

    p = folded;
    end = folded + len;

    while (p < end) {

        /* skip separators */

        start = p;
        next = resources_utf8_next(p, end, &cp);
        if (next == NULL) {
            return RESOURCES_TEXT_INVALID;
        }

        if (!resources_is_word_char(cp)) {
            p = next;
            continue;
        }

        /* a word: start .. p */

        cut = NULL;
        p = next;

        for ( ;; ) {
            if ((size_t) (p - start) <= RESOURCES_WORD_MAX) {
                cut = p;
            }

            if (p == end) {
                break;
            }

            next = resources_utf8_next(p, end, &cp);
            if (next == NULL) {
                return RESOURCES_TEXT_INVALID;
            }

            if (!resources_is_word_char(cp)) {
                break;
            }

            p = next;
        }

        n = (size_t) (cut - start);

        if (p < end && *p == '\'' && resources_elision(start, n)) {
            continue;
        }

        memcpy(word, start, n);
        wlen = resources_stem(word, n);

        flags = 0;

        if (resources_stopword(start, n)) {
            flags |= RESOURCES_WORD_STOP;
        }

        if (p == end) {
            flags |= RESOURCES_WORD_LAST;
        }

        rc = handler(data, word, wlen, flags);
        if (rc != 0) {
            return rc;
        }
    }

    return 0;
}
