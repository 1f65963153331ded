/*
 * Copyright (C) ngx_http_resources authors
 *
 * Unit tests of resources_text.c: folding, slugs, ids, words, stemming;
 * the fast paths of folding and splitting against the code they replaced
 * (equivalence(): every code point, random text, t/data/sample.jsonl).
 */

#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>
#include <utf8proc.h>

#include "tap.h"
#include "resources_text.h"


static char *
fold(const char *s)
{
    static u_char  out[4096];
    ssize_t        n;

    n = resources_fold((const u_char *) s, strlen(s), out, sizeof(out) - 1);
    if (n < 0) {
        return n == RESOURCES_TEXT_INVALID ? "(invalid)" : "(too long)";
    }

    out[n] = '\0';

    return (char *) out;
}


static char *
slug(const char *s)
{
    static u_char  out[RESOURCES_SLUG_MAX + 1];

    if (resources_slug((const u_char *) s, strlen(s), out) < 0) {
        return "(invalid)";
    }

    return (char *) out;
}


typedef struct {
    char      words[1024];
    unsigned  last_flags;
} words_t;


static int
collect(void *data, const u_char *w, size_t len, unsigned flags)
{
    words_t  *ws = data;
    size_t    n;

    n = strlen(ws->words);
    snprintf(ws->words + n, sizeof(ws->words) - n, "%s%.*s%s", n ? " " : "",
             (int) len, w, (flags & RESOURCES_WORD_STOP) ? "/stop" : "");
    ws->last_flags = flags;

    return 0;
}


static char *
words(const char *s, unsigned *last)
{
    static words_t  ws;
    char           *f;

    memset(&ws, 0, sizeof(ws));
    f = fold(s);
    resources_words((const u_char *) f, strlen(f), collect, &ws);

    if (last) {
        *last = ws.last_flags;
    }

    return ws.words;
}



/*
 * The reference: src/resources_text.c as it was before its fast paths
 * (tables, SWAR), the code points one by one through utf8proc; copied
 * verbatim, "resources_" renamed "ref_".  resources_fold() and
 * resources_words() must give exactly what these give, for every input
 * (equivalence(), below).  Do not change it with resources_text.c: a change
 * of what folding does is a change of both, made on purpose.
 */

#define REF_DECOMP_MAX  32


/*
 * Decodes one code point; returns the position after it, or NULL on
 * invalid UTF-8 (overlong, surrogate, > U+10FFFF, truncated) or a NUL.
 */

static const u_char *
ref_utf8_next(const u_char *p, const u_char *end, int32_t *cp)
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
ref_utf8_put(u_char *p, int32_t cp)
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



static int
ref_is_space(int32_t cp)
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
ref_unify(int32_t cp)
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
ref_hangul_compose(int32_t *cp, size_t n)
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


static ssize_t
ref_fold(const u_char *s, size_t len, u_char *out, size_t cap)
{
    int32_t             cp, dec[REF_DECOMP_MAX];
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

            } else if (ref_is_space(cp)) {
                space = (o > 0);
                continue;
            }

            dec[0] = ref_unify(cp);
            n = 1;

        } else {
            p = ref_utf8_next(p, end, &cp);
            if (p == NULL) {
                return RESOURCES_TEXT_INVALID;
            }

            if (ref_is_space(cp)) {
                space = (o > 0);
                continue;
            }

            rc = utf8proc_decompose_char(ref_unify(cp), dec,
                                         REF_DECOMP_MAX, opt, NULL);
            if (rc < 0 || rc > REF_DECOMP_MAX) {
                return RESOURCES_TEXT_INVALID;
            }

            n = ref_hangul_compose(dec, (size_t) rc);
        }

        for (i = 0; i < n; i++) {
            cp = ref_unify(dec[i]);

            if (ref_is_space(cp)) {
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

            o += ref_utf8_put(out + o, cp);
        }
    }

    return (ssize_t) o;
}



static int
ref_is_word_char(int32_t cp)
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


static const char  *ref_elisions[] = {
    "c", "d", "j", "l", "m", "n", "s", "t", "qu",
    "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu", NULL
};


/* sorted, folded */

static const char  *ref_stopwords[] = {
    "a", "au", "aux", "avec", "c", "ce", "ces", "cet", "cette", "d",
    "dans", "de", "des", "du", "elle", "en", "est", "et", "il", "ils",
    "j", "l", "la", "le", "les", "leur", "leurs", "lui", "m", "ma", "mais",
    "me", "mes", "n", "ne", "nos", "notre", "nous", "on", "ont", "ou",
    "par", "pas", "pour", "qu", "que", "qui", "s", "sa", "se", "ses",
    "son", "sont", "sur", "t", "ta", "te", "tes", "un", "une", "vos",
    "votre", "vous", "y"
};


static int
ref_stopword(const u_char *word, size_t len)
{
    int     lo, hi, mid, c;
    size_t  n;

    /* the longest stop word has 6 letters, all are ASCII */

    if (len > 6 || word[0] < 'a' || word[0] > 'y') {
        return 0;
    }

    lo = 0;
    hi = (int) (sizeof(ref_stopwords) / sizeof(char *)) - 1;

    while (lo <= hi) {
        mid = (lo + hi) / 2;
        n = strlen(ref_stopwords[mid]);

        c = memcmp(word, ref_stopwords[mid], len < n ? len : n);
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
ref_elision(const u_char *word, size_t len)
{
    const char  **e;

    for (e = ref_elisions; *e; e++) {
        if (strlen(*e) == len && memcmp(*e, word, len) == 0) {
            return 1;
        }
    }

    return 0;
}


static size_t
ref_stem(u_char *w, size_t len)
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


static int
ref_words(const u_char *folded, size_t len, resources_word_pt handler,
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
        next = ref_utf8_next(p, end, &cp);
        if (next == NULL) {
            return RESOURCES_TEXT_INVALID;
        }

        if (!ref_is_word_char(cp)) {
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

            next = ref_utf8_next(p, end, &cp);
            if (next == NULL) {
                return RESOURCES_TEXT_INVALID;
            }

            if (!ref_is_word_char(cp)) {
                break;
            }

            p = next;
        }

        n = (size_t) (cut - start);

        if (p < end && *p == '\'' && ref_elision(start, n)) {
            continue;
        }

        memcpy(word, start, n);
        wlen = ref_stem(word, n);

        flags = 0;

        if (ref_stopword(start, n)) {
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


/* equivalence of the fast paths with the reference */


typedef struct {
    u_char  *data;
    size_t   len;
    size_t   cap;
    size_t   words;
    size_t   stop_at;       /* the handler returns 7 at this word, 0: never */
} rec_t;


static int
rec_word(void *d, const u_char *w, size_t len, unsigned flags)
{
    rec_t  *r = d;

    if (r->len + len + 2 > r->cap) {
        r->cap = (r->len + len + 2) * 2;
        r->data = realloc(r->data, r->cap);

        if (r->data == NULL) {
            abort();
        }
    }

    r->data[r->len++] = (u_char) len;
    r->data[r->len++] = (u_char) flags;
    memcpy(r->data + r->len, w, len);
    r->len += len;

    if (++r->words == r->stop_at) {
        return 7;
    }

    return 0;
}


#define EQ_MAX    (1 << 17)
#define EQ_CANARY 32

static u_char   eq_out1[EQ_MAX * RESOURCES_FOLD_RATIO + 16 + EQ_CANARY];
static u_char   eq_out2[EQ_MAX * RESOURCES_FOLD_RATIO + 16 + EQ_CANARY];
static u_char   s[EQ_MAX];
static rec_t    eq_rec1, eq_rec2;
static size_t   eq_fold_runs, eq_fold_fails, eq_words_runs, eq_words_fails;


static void
eq_diag(const char *what, const u_char *s, size_t len, size_t cap)
{
    size_t  i;

    printf("# %s differs: cap %zu, input (%zu bytes):", what, cap, len);

    for (i = 0; i < len && i < 64; i++) {
        printf(" %02x", s[i]);
    }

    printf("%s\n", len > 64 ? " ..." : "");
}


/* resources_words() and ref_words() on s: the same words, flags, result */

static void
eq_words(const u_char *s, size_t len, size_t stop_at)
{
    int  rc1, rc2;

    eq_rec1.len = 0;
    eq_rec1.words = 0;
    eq_rec1.stop_at = stop_at;
    eq_rec2.len = 0;
    eq_rec2.words = 0;
    eq_rec2.stop_at = stop_at;

    rc1 = resources_words(s, len, rec_word, &eq_rec1);
    rc2 = ref_words(s, len, rec_word, &eq_rec2);

    eq_words_runs++;

    if (rc1 != rc2 || eq_rec1.len != eq_rec2.len
        || (eq_rec1.len && memcmp(eq_rec1.data, eq_rec2.data, eq_rec1.len)))
    {
        if (eq_words_fails++ < 5) {
            eq_diag("words", s, len, 0);
            printf("#   result %d, %zu words; reference %d, %zu words\n",
                   rc1, eq_rec1.words, rc2, eq_rec2.words);
        }
    }
}


/*
 * resources_fold() and ref_fold() on s with cap bytes: the same result and
 * bytes, nothing written past cap; returns the length (or error).
 */

static ssize_t
eq_fold_cap(const u_char *s, size_t len, size_t cap)
{
    size_t   i;
    ssize_t  n1, n2;
    int      bad;

    memset(eq_out1 + cap, 0xa5, EQ_CANARY);

    n1 = resources_fold(s, len, eq_out1, cap);
    n2 = ref_fold(s, len, eq_out2, cap);

    eq_fold_runs++;

    bad = (n1 != n2 || (n1 > 0 && memcmp(eq_out1, eq_out2, (size_t) n1)));

    for (i = 0; i < EQ_CANARY; i++) {
        bad |= (eq_out1[cap + i] != 0xa5);
    }

    if (bad && eq_fold_fails++ < 5) {
        eq_diag("fold", s, len, cap);
        printf("#   result %zd '%.*s', reference %zd '%.*s'\n",
               n1, n1 > 0 ? (int) n1 : 0, eq_out1,
               n2, n2 > 0 ? (int) n2 : 0, eq_out2);
    }

    return n2;
}


/* fold with the room callers give, then words on the result and on s */

static void
eq_text(const u_char *s, size_t len)
{
    ssize_t  n;

    n = eq_fold_cap(s, len, len * RESOURCES_FOLD_RATIO + 16);

    if (n >= 0) {
        eq_words(eq_out2, (size_t) n, 0);
    }

    eq_words(s, len, 0);
}


/* every room from 0 to a little more than the folded length */

static void
eq_caps(const u_char *s, size_t len)
{
    size_t   cap, max;
    ssize_t  n;

    n = eq_fold_cap(s, len, len * RESOURCES_FOLD_RATIO + 16);
    max = (n > 0 ? (size_t) n : 0) + 24;

    for (cap = 0; cap <= max && cap <= len * RESOURCES_FOLD_RATIO + 16;
         cap++)
    {
        (void) eq_fold_cap(s, len, cap);
    }
}


static uint64_t  eq_seed = 0x2545f4914f6cdd1dULL;


static uint64_t
eq_rand(void)
{
    /* xorshift64* */

    eq_seed ^= eq_seed >> 12;
    eq_seed ^= eq_seed << 25;
    eq_seed ^= eq_seed >> 27;

    return eq_seed * 0x2545f4914f6cdd1dULL;
}


/* UTF-8 of any value up to U+10FFFF, surrogates included (invalid) */

static size_t
eq_put(u_char *p, uint32_t cp)
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


static const char  *eq_french[] = {
    "l'", "d'", "qu'", "jusqu'", "lorsqu'", "presqu'", "c'", "s'", "n'",
    "L\xe2\x80\x99", "d\xe2\x80\x99", "qu\xe2\x80\x99", "l`", "l\xc2\xb4",
    "aux", "eaux", "chevaux", "r\xc3\xa9seaux", "faux", "taux", "tiers",
    "lieux", "process", "bus", "de", "la", "les", "des", "une", "votre",
    "leurs", "cette", "Le", "DES", "y", "\xc3\xa9" "conomie",
    "\xc3\x89" "CONOMIE", "\xc5\x93uvre", "\xc5\x92UVRE", "\xc3\xa6",
    "\xc3\x86", "\xc7\xbd", "Stra\xc3\x9f" "e", "\xef\xac\x81", "\xc2\xbd",
    "\xc2\xa8", "\xc2\xa0", "\xc2\xad", "\xe2\x80\x93", "\xe2\x80\x94",
    "\xe2\x80\xaf", "\xe2\x80\xa6", "\xc2\xab", "\xc2\xbb", "n\xc2\xb0",
    "n\xc2\xba", "\xe2\x82\xac", "\xef\xb7\xba", "\xe3\x8c\x96",
    "\xe2\x91\xb4", "\xcd\xba", "\xc4\xb0", "\xc5\x89", "e\xcc\x81",
    "\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8", "\xea\xb0\x80\xe1\x86\xa8",
    "tiers-lieux", "Tiers\xe2\x80\x91Lieux", "ESS,", "QPV;", "2024!",
    "  ", "\t", "\n\n", " \xc2\xa0 ", "\xe3\x80\x80", "'", "-", ".",
    NULL
};


/* a piece of random text: mostly French-like, some of everything */

static size_t
eq_piece(u_char *p)
{
    size_t       n, i, k;
    uint64_t     r;
    const char  *w;

    static const char  letters[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    r = eq_rand() % 1000;

    if (r < 4) {

        /* invalid UTF-8, rarely: it makes the whole text invalid */

        switch (eq_rand() % 6) {
        case 0:
            p[0] = (u_char) (0x80 + eq_rand() % 0x80);
            return 1;
        case 1:
            p[0] = (u_char) (0xc2 + eq_rand() % 0x1e);
            p[1] = 'a';
            return 2;
        case 2:
            p[0] = 0xe2;
            p[1] = 0x80;
            return 2;
        case 3:
            p[0] = 0xc0 + eq_rand() % 2;
            p[1] = 0xaf;
            return 2;
        case 4:
            p[0] = 0xed;
            p[1] = 0xa0 + eq_rand() % 0x20;
            p[2] = 0x80;
            return 3;
        default:
            p[0] = 0;
            return 1;
        }
    }

    if (r < 300) {
        n = 1 + eq_rand() % 12;

        for (i = 0; i < n; i++) {
            k = eq_rand() % ((r & 1) ? 26 : 52);
            p[i] = letters[k];
        }

        return n;
    }

    if (r < 450) {
        return eq_put(p, r < 430 ? ' ' : "\t\n\r\x0b\x1f\x7f  "[eq_rand() % 8]);
    }

    if (r < 600) {
        for (k = 0; eq_french[k]; k++) {
            /* void */
        }

        w = (r & 1) ? eq_french[eq_rand() % k]
                    : ref_stopwords[eq_rand() % (sizeof(ref_stopwords)
                                                 / sizeof(char *))];
        n = strlen(w);
        memcpy(p, w, n);

        return n;
    }

    if (r < 650) {
        return eq_put(p, (uint32_t) (1 + eq_rand() % 0x7f));
    }

    if (r < 700) {
        n = 1 + eq_rand() % 4;

        for (i = 0; i < n; i++) {
            p[i] = (u_char) ('0' + eq_rand() % 10);
        }

        return n;
    }

    if (r < 780) {
        return eq_put(p, (uint32_t) (0x80 + eq_rand() % 0x80));
    }

    if (r < 840) {
        return eq_put(p, (uint32_t) (0x100 + eq_rand() % 0x700));
    }

    if (r < 870) {
        return eq_put(p, (uint32_t) (0x2000 + eq_rand() % 0x100));
    }

    if (r < 890) {
        return eq_put(p, (uint32_t) (0x300 + eq_rand() % 0x70));
    }

    if (r < 910) {

        /* Hangul jamo, which compose */

        switch (eq_rand() % 3) {
        case 0:
            return eq_put(p, (uint32_t) (0x1100 + eq_rand() % 19));
        case 1:
            return eq_put(p, (uint32_t) (0x1161 + eq_rand() % 21));
        default:
            return eq_put(p, (uint32_t) (0x11a7 + eq_rand() % 28));
        }
    }

    if (r < 940) {
        do {
            k = 0x800 + eq_rand() % 0xf800;
        } while (k >= 0xd800 && k <= 0xdfff);

        return eq_put(p, (uint32_t) k);
    }

    if (r < 950) {
        return eq_put(p, (uint32_t) (0x10000 + eq_rand() % 0x100000));
    }

    /* a long word: accents around the cut at RESOURCES_WORD_MAX bytes */

    n = 55 + eq_rand() % 20;

    for (i = 0; i < n; i++) {
        if (eq_rand() % 8 == 0) {
            i += eq_put(p + i, (eq_rand() & 1) ? 0xe9 : 0x4e00) - 1;

        } else {
            p[i] = letters[eq_rand() % 26];
        }
    }

    return i;
}


static size_t
eq_random_text(u_char *s, size_t pieces)
{
    size_t  i, len;

    len = 0;

    for (i = 0; i < pieces; i++) {
        len += eq_piece(s + len);
    }

    return len;
}


static void
eq_json_strings(json_t *j)
{
    size_t       i;
    const char  *key;
    json_t      *v;

    if (json_is_string(j)) {
        eq_text((const u_char *) json_string_value(j), json_string_length(j));
        eq_caps((const u_char *) json_string_value(j),
                json_string_length(j) < 400 ? json_string_length(j) : 400);

    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v) {
            eq_json_strings(v);
        }

    } else if (json_is_object(j)) {
        json_object_foreach(j, key, v) {
            eq_text((const u_char *) key, strlen(key));
            eq_json_strings(v);
        }
    }
}


static void
equivalence(void)
{
    u_char        w[16];
    char         *line;
    size_t        len, lcap, cp, i, n, k, lines, fails;
    ssize_t       ll;
    FILE         *fp;
    json_t       *j;
    json_error_t  err;
    int           table;
    static const char  *ctx[][2] = {
        { "", "" }, { "a", "b" }, { " ", " " }, { "Le ", "  X" },
        { "aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb " },
        { "ab cd EF gh ", " ij kl mn op" },
    };

    /*
     * every code point (surrogates: invalid), alone and between letters,
     * spaces, itself; in longer contexts and with every room those of the
     * tables (below U+0800, U+2000..U+20FF) and one in 16 of the others
     */

    fails = 0;

    for (cp = 0; cp <= 0x10ffff; cp++) {
        table = (cp < 0x800 || (cp >= 0x2000 && cp < 0x2100));

        for (k = 0; k < sizeof(ctx) / sizeof(ctx[0]); k++) {
            if (k >= 3 && !table && cp % 16 != 0) {
                break;
            }

            len = strlen(ctx[k][0]);
            memcpy(s, ctx[k][0], len);
            len += eq_put(s + len, (uint32_t) cp);
            n = strlen(ctx[k][1]);
            memcpy(s + len, ctx[k][1], n);
            len += n;

            if (k == 0) {
                eq_text(s, len);

            } else {
                n = (size_t) eq_fold_cap(s, len,
                                         len * RESOURCES_FOLD_RATIO + 16);

                if ((ssize_t) n >= 0) {
                    eq_words(eq_out2, n, 0);
                }
            }
        }

        len = eq_put(s, (uint32_t) cp);
        len += eq_put(s + len, (uint32_t) cp);
        (void) eq_fold_cap(s, len, len * RESOURCES_FOLD_RATIO + 16);

        if (table || cp % 251 == 0) {
            memcpy(s, "ab ", 3);
            len = 3 + eq_put(s + 3, (uint32_t) cp);
            eq_caps(s, len);
            memcpy(s + len, "c d", 3);
            eq_caps(s, len + 3);
        }
    }

    ok(eq_fold_fails + eq_words_fails == fails,
       "every code point: fold and words as the reference (%zu folds, %zu"
       " splits)", eq_fold_runs, eq_words_runs);

    /* random text, seeded: short, with every room for some; long */

    eq_fold_runs = eq_words_runs = 0;
    fails = eq_fold_fails + eq_words_fails;

    for (i = 0; i < 300000; i++) {
        len = eq_random_text(s, 1 + eq_rand() % 30);

        eq_text(s, len);

        if (i % 256 == 0) {
            eq_caps(s, len);

        } else {
            (void) eq_fold_cap(s, len, eq_rand() % (len * 3 + 24));
        }

        if (i % 16 == 0) {
            eq_words(s, len, 1 + eq_rand() % 4);
        }
    }

    for (i = 0; i < 1000; i++) {
        len = eq_random_text(s, 100 + eq_rand() % 700);

        eq_text(s, len);
        (void) eq_fold_cap(s, len, eq_rand() % (len * 2 + 24));
    }

    ok(eq_fold_fails + eq_words_fails == fails,
       "random text: fold and words as the reference (%zu folds, %zu"
       " splits)", eq_fold_runs, eq_words_runs);

    /* the sample catalogue: every string, every line */

    eq_fold_runs = eq_words_runs = 0;
    fails = eq_fold_fails + eq_words_fails;
    lines = 0;

    fp = fopen("t/data/sample.jsonl", "r");

    if (ok(fp != NULL, "t/data/sample.jsonl opened (run from the top"
           " directory)"))
    {
        line = NULL;
        lcap = 0;

        while ((ll = getline(&line, &lcap, fp)) > 0) {
            lines++;
            eq_text((u_char *) line, (size_t) ll);

            j = json_loadb(line, (size_t) ll, 0, &err);

            if (j != NULL) {
                eq_json_strings(j);
                json_decref(j);
            }
        }

        free(line);
        fclose(fp);
    }

    ok(lines > 0 && eq_fold_fails + eq_words_fails == fails,
       "t/data/sample.jsonl: fold and words as the reference (%zu lines, %zu"
       " folds, %zu splits)", lines, eq_fold_runs, eq_words_runs);

    /* stop words and stems: every word of 0..6 letters of a small set */

    memset(w, 0, sizeof(w));
    n = 0;
    k = 0;

    for (len = 0; len <= 6; len++) {
        size_t  total, t, x;

        static const char  set[] = "aeulsxotnq'\xc3";

        for (total = 1, t = 0; t < len; t++) {
            total *= sizeof(set) - 1;
        }

        for (t = 0; t < total; t++) {
            u_char  w2[16];

            for (x = t, i = 0; i < len; i++, x /= sizeof(set) - 1) {
                w[i] = (u_char) set[x % (sizeof(set) - 1)];
            }

            memcpy(w2, w, len);
            n++;

            k += (resources_stopword(w, len) != ref_stopword(w, len));
            k += (resources_stem(w, len) != ref_stem(w2, len)
                  || memcmp(w, w2, len) != 0);
        }
    }

    for (i = 0; i < sizeof(ref_stopwords) / sizeof(char *); i++) {
        len = strlen(ref_stopwords[i]);
        k += !resources_stopword((const u_char *) ref_stopwords[i], len);
        memcpy(w, ref_stopwords[i], len);
        w[len] = 's';
        k += resources_stopword(w, len + 1) != ref_stopword(w, len + 1);
        k += resources_stopword(w, len - 1) != ref_stopword(w, len - 1);
        n += 3;
    }

    ok(k == 0, "stop words and stems as the reference (%zu words)", n);

    free(eq_rec1.data);
    free(eq_rec2.data);
}


/* UTF-8 checked one code point at a time, as the code before its fast path */

static size_t
ref_utf8_valid(const u_char *s, size_t len)
{
    int32_t        cp;
    const u_char  *p, *next, *end;

    end = s + len;

    for (p = s; p < end; p = next) {
        next = ref_utf8_next(p, end, &cp);

        if (next == NULL) {
            break;
        }
    }

    return (size_t) (p - s);
}


int
main(void)
{
    unsigned  flags;
    u_char    w[32];
    char      big[300];

    /* folding: case, accents, NFKC, punctuation, space */

    is_str(fold("QPV"), "qpv", "QPV folds to qpv");
    is_str(fold("Qpv"), "qpv", "Qpv folds to qpv");
    is_str(fold("Scic"), fold("SCIC"), "Scic and SCIC are one");
    is_str(fold("Économie"), "economie", "Économie loses its accent");
    is_str(fold("ÉCONOMIE"), fold("economie"), "ÉCONOMIE = economie");
    is_str(fold("Tiers-Lieux"), "tiers-lieux", "hyphen kept, case folded");
    is_str(fold("tiers\xe2\x80\x93lieux"), "tiers-lieux", "en dash unified");
    is_str(fold("l\xe2\x80\x99" "ESS"), "l'ess", "typographic apostrophe");
    is_str(fold("  a \t\n b\xc2\xa0 c  "), "a b c",
           "white space collapsed and trimmed, NBSP included");
    is_str(fold("\xef\xac\x81" "n"), "fin", "the fi ligature (NFKC)");
    is_str(fold("\xc5\x93uvre"), "oeuvre", "oe ligature");
    is_str(fold("Stra\xc3\x9f" "e"), "strasse", "sharp s case-folds to ss");
    is_str(fold("n\xc2\xba" "1"), "no1", "ordinal indicator: NFKC o");
    is_str(fold("n\xc2\xb0" "1"), "n\xc2\xb0" "1", "degree sign stays");
    is_str(fold("\xef\xbc\xa1\xef\xbc\xa2"), "ab", "fullwidth letters");
    is_str(fold("e\xcc\x81t\xc3\xa9"), "ete", "combining and precomposed"
           " accents meet");
    is_str(fold("\xed\x95\x9c\xea\xb8\x80"), "\xed\x95\x9c\xea\xb8\x80",
           "Hangul syllables survive (recomposed)");
    is_str(fold("caf\xc3"), "(invalid)", "truncated UTF-8 is invalid");
    is_str(fold("\xc0\xaf"), "(invalid)", "overlong UTF-8 is invalid");
    is_str(fold("\xed\xa0\x80"), "(invalid)", "a surrogate is invalid");
    is_str(fold("\xff"), "(invalid)", "0xff is invalid");
    ok(resources_fold((const u_char *) "a\0b", 3, w, sizeof(w))
       == RESOURCES_TEXT_INVALID, "NUL is invalid");
    ok(resources_fold((const u_char *) "abcdef", 6, w, 4)
       == RESOURCES_TEXT_TOO_LONG, "a small buffer is reported");

    is_int(resources_utf8_valid((const u_char *) "caf\xc3\xa9", 5), 5,
           "valid UTF-8 length");
    is_int(resources_utf8_valid((const u_char *) "ab\xc3\x28", 4), 2,
           "invalid UTF-8 found at its byte");

    /* the 8-byte ASCII steps: a NUL or a bad byte at every position */

    {
        size_t   i, j, fails;
        u_char   t[40];

        fails = 0;

        for (i = 0; i < sizeof(t); i++) {
            for (j = 0; j < 3; j++) {
                memset(t, 'a', sizeof(t));
                t[i] = j == 0 ? 0x00 : (j == 1 ? 0xff : 0x7f);

                if (resources_utf8_valid(t, sizeof(t))
                    != (j == 2 ? sizeof(t) : i))
                {
                    fails++;
                }
            }

            memset(t, 'a', sizeof(t));
            memcpy(t + i, "\xc3\xa9", i + 2 <= sizeof(t) ? 2 : 1);

            if (resources_utf8_valid(t, sizeof(t))
                != (i + 2 <= sizeof(t) ? sizeof(t) : i))
            {
                fails++;
            }
        }

        is_int(fails, 0, "UTF-8 checked 8 bytes at a time: NUL, 0xff, 0x7f,"
               " a 2-byte sequence at every position");
    }

    /* random text: letters, sequences of 2 to 4 bytes, a few bad bytes */

    {
        int      r;
        size_t   round, i, n, fails;
        u_char   t[80];

        static const char  *seq[] = { "\xc3\xa9", "\xc5\x93", "\xe2\x80\x99",
                                      "\xf0\x9f\x98\x80", "\xc0\xaf",
                                      "\xed\xa0\x80", "\xf4\x90\x80\x80" };

        fails = 0;
        srand(11);

        for (round = 0; round < 100000; round++) {
            n = (size_t) rand() % sizeof(t);

            for (i = 0; i < n; i++) {
                r = rand() % 200;

                if (r < 150) {
                    t[i] = (u_char) ('a' + r % 26);

                } else if (r < 190) {
                    /* a sequence, cut where the buffer ends */
                    const char  *q = seq[r % 4];
                    size_t       l = strlen(q);

                    l = (i + l <= n) ? l : n - i;
                    memcpy(t + i, q, l);
                    i += l - 1;

                } else if (r < 196) {
                    t[i] = (u_char) (0x80 + rand() % 0x80);

                } else if (r < 198) {
                    const char  *q = seq[4 + r % 3];
                    size_t       l = strlen(q);

                    l = (i + l <= n) ? l : n - i;
                    memcpy(t + i, q, l);
                    i += l - 1;

                } else {
                    t[i] = (u_char) (r == 198 ? 0x00 : 0x7f);
                }
            }

            if (resources_utf8_valid(t, n) != ref_utf8_valid(t, n)) {
                fails++;
            }
        }

        is_int(fails, 0, "UTF-8: the fast path agrees with one code point at"
               " a time on 100000 random texts");
    }

    /*
     * long random texts, 32 bytes at a time where the CPU has AVX2: a bad
     * byte or sequence in one text of two, anywhere, sequences across the
     * 32-byte blocks
     */

    {
        size_t        round, i, n, l, at, fails, valid;
        u_char        t[400];
        const char   *q;

        static const char  *ok_seq[] = { "\xc3\xa9", "\xc5\x93",
                                         "\xe2\x80\x99", "\xe2\x82\xac",
                                         "\xf0\x9f\x98\x80",
                                         "\xf4\x8f\xbf\xbf", "\xef\xbf\xbf",
                                         "\xdf\xbf", "\xc2\x80",
                                         "\xed\x9f\xbf", "\xee\x80\x80" };
        static const char  *bad_seq[] = { "\xc0\xaf", "\xc1\xbf",
                                          "\xe0\x80\xaf", "\xe0\x9f\xbf",
                                          "\xed\xa0\x80", "\xed\xbf\xbf",
                                          "\xf0\x80\x80\xaf",
                                          "\xf4\x90\x80\x80",
                                          "\xf5\x80\x80\x80", "\xff", "\xfe",
                                          "\x80", "\xbf", "\xc3", "\xe2\x80",
                                          "\xf0\x9f\x98", "\xc3\xa9\xa9",
                                          "\x00" };

        fails = 0;
        valid = 0;
        srand(12);

        for (round = 0; round < 50000; round++) {
            n = 64 + (size_t) rand() % (sizeof(t) - 64);

            for (i = 0; i < n; i += l) {
                if (rand() % 4) {
                    t[i] = (u_char) (' ' + rand() % 95);
                    l = 1;
                    continue;
                }

                q = ok_seq[rand() % 11];
                l = strlen(q);

                if (i + l > n) {
                    t[i] = 'x';
                    l = 1;

                } else {
                    memcpy(t + i, q, l);
                }
            }

            if (round % 2) {
                q = bad_seq[rand() % 18];
                l = strlen(q) ? strlen(q) : 1;
                at = (size_t) rand() % n;
                l = (at + l <= n) ? l : n - at;
                memcpy(t + at, q, l);
            }

            if (resources_utf8_valid(t, n) != ref_utf8_valid(t, n)) {
                if (fails++ < 3) {
                    printf("# round %zu: %zu, reference %zu\n", round,
                           resources_utf8_valid(t, n), ref_utf8_valid(t, n));
                }
            }

            valid += (ref_utf8_valid(t, n) == n);
        }

        is_int(fails, 0, "UTF-8: 32 bytes at a time agrees with one code"
               " point at a time on 50000 long random texts");
        ok(valid > 5000 && valid < 45000, "%zu of them valid", valid);
    }

    /* a sequence, whole or cut, at every position of ASCII text */

    {
        size_t   i, k, n, fails;
        u_char   t[100];

        static const char  *seq[] = { "\xc3", "\xe2\x80", "\xf0\x9f\x98",
                                      "\x80", "\xc3\xa9", "\xe2\x80\x99",
                                      "\xf0\x9f\x98\x80", "\xed\xa0\x80",
                                      "\xe0\x80\xaf" };

        fails = 0;

        for (k = 0; k < 9; k++) {
            n = strlen(seq[k]);

            for (i = 0; i + n <= sizeof(t); i++) {
                memset(t, 'a', sizeof(t));
                memcpy(t + i, seq[k], n);

                if (resources_utf8_valid(t, sizeof(t))
                    != ref_utf8_valid(t, sizeof(t)))
                {
                    fails++;
                }
            }
        }

        is_int(fails, 0, "UTF-8: a sequence, whole or cut, at every position"
               " of 100 bytes of ASCII");
    }

    /* slugs */

    is_str(slug("Fiche Déniché pour vous n°126 - Le Centième Singe"),
           "fiche-deniche-pour-vous-n-126-le-centieme-singe",
           "slug of a Déniché title");
    is_str(slug("\"Le tourisme responsable : une opportunité\" - ANCT"),
           "le-tourisme-responsable-une-opportunite-anct",
           "slug drops quotes and colons");
    is_str(slug("!!!"), "", "a slug can be empty");
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    is_int(strlen(slug(big)), RESOURCES_SLUG_MAX, "slugs are cut at 80");
    is_str(slug("Économie 2024  !"), "economie-2024", "slug trimmed");

    /* ids */

    ok(resources_id_valid((const u_char *) "abc-1", 5), "abc-1 is an id");
    ok(!resources_id_valid((const u_char *) "-abc", 4), "-abc is not");
    ok(!resources_id_valid((const u_char *) "Abc", 3), "upper case is not");
    ok(!resources_id_valid((const u_char *) "a.b", 3), "a dot is not");
    ok(!resources_id_valid((const u_char *) "", 0), "empty is not");
    memset(big, 'a', 129);
    ok(!resources_id_valid((const u_char *) big, 129), "129 bytes is not");
    ok(resources_id_valid((const u_char *) big, 128), "128 bytes is");

    /* words: split, elisions, stop words, stemming */

    is_str(words("L'association d'économie", NULL),
           "association economie", "elisions l' and d' removed");
    is_str(words("l’ESS", NULL), "ess", "typographic elision removed");
    is_str(words("économie de subsistance", NULL),
           "economie de/stop subsistance", "de is a stop word");
    is_str(words("tiers-lieux", NULL), "tier lieu", "tiers-lieux stems");
    is_str(words("tiers-lieu", NULL), "tier lieu", "tiers-lieu meets it");
    is_str(words("collectivités collectivité", NULL),
           "collectivite collectivite", "plural and singular meet");
    is_str(words("territoriaux territorial", NULL),
           "territorial territorial", "-aux plurals");
    is_str(words("réseaux réseau", NULL), "reseau reseau", "-eaux plurals");
    is_str(words("ESS, QPV; 2024!", NULL), "ess qpv 2024",
           "punctuation separates, digits are words");
    is_str(words("bus", NULL), "bus", "short words are not stemmed");
    is_str(words("process", NULL), "process", "-ss is not a plural");

    words("tiers lie", &flags);
    ok(flags & RESOURCES_WORD_LAST, "the last word is marked when the text"
       " ends in it");
    words("tiers lie.", &flags);
    ok(!(flags & RESOURCES_WORD_LAST), "not when a separator ends the text"
       " (folding trims, so only punctuation)");

    memcpy(w, "lieux", 5);
    is_int(resources_stem(w, 5), 4, "stem lieux");
    ok(resources_stopword((const u_char *) "les", 3), "les is a stop word");
    ok(!resources_stopword((const u_char *) "lieu", 4), "lieu is not");

    /* the fast paths against the reference */

    equivalence();

    return tap_done();
}
