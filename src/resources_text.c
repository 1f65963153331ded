/*
 * Copyright (C) ngx_http_resources authors
 */


#include <pthread.h>
#include <string.h>
#include <utf8proc.h>

#include "resources_text.h"

#if (RESOURCES_TEXT_AVX2)
#include <immintrin.h>
#endif


#define RESOURCES_DECOMP_MAX  32

/* a folded code point that is white space (resources_fold_cp) */
#define RESOURCES_FOLD_SPACE  -1


/*
 * The fast paths.  Folding and splitting work on the code points one by one
 * (the slow path: UTF-8 decoding, utf8proc, a call or more per character);
 * the fast paths give the same result from tables:
 *
 *   - resources_fold_byte: for every ASCII byte its folded byte, or ' ' for
 *     white space; 0 for NUL and the bytes above 0x7f;
 *   - resources_fold_tab: for U+0080..U+07FF (2 bytes of UTF-8: Latin-1,
 *     Latin Extended...) and U+2000..U+20FF (E2 80..E2 83: quotes, dashes,
 *     white space) the bytes they fold to, or "white space", or "slow" (a
 *     fold longer than 6 bytes, with white space among other output, or
 *     invalid);
 *   - resources_word_byte, resources_word_tab: whether an ASCII byte, a code
 *     point below U+0800, is a letter or a digit;
 *   - stop words are looked up as one number (resources_pack) in a hash
 *     table, elisions likewise in a list.
 *
 * resources_text_init() builds them once (pthread_once: the loader and the
 * nginx workers may call from several threads) from the slow path itself:
 * resources_fold_cp(), resources_fold_put(), resources_is_word_char(), so
 * that the two cannot disagree.  On top of the tables, ASCII is folded and
 * split 8 bytes at a time (SWAR) when the tables say that ASCII folds as
 * the SWAR code assumes (resources_fold_swar, resources_words_swar).
 * t/unit/test_text.c compares folding and splitting with a copy of the
 * code before the fast paths, on every code point and on random text.
 */

#define RESOURCES_FOLD_BYTES  0     /* data[0 .. len - 1], len 0..6 */
#define RESOURCES_FOLD_WS     1     /* white space */
#define RESOURCES_FOLD_SLOW   2

#define RESOURCES_FOLD_TAB2   (0x800 - 0x80)
#define RESOURCES_FOLD_TAB    (RESOURCES_FOLD_TAB2 + 0x100)

/*
 * The room a resources_fold_tab entry needs for no check of the slow path
 * to fail: a space, 6 bytes, and the 6 bytes that the check keeps free.
 */
#define RESOURCES_FOLD_ROOM   16

/* stop words: a hash table of packed words, ~0 for an empty slot */
#define RESOURCES_STOP_BITS   9
#define RESOURCES_STOP_HASH   (1 << RESOURCES_STOP_BITS)
#define RESOURCES_STOP_EMPTY  0xffffffffffffffffULL

/* SWAR: the high bit of each byte set, the low bit of each byte set */
#define RESOURCES_SWAR_HIGH   0x8080808080808080ULL
#define RESOURCES_SWAR_ONES   0x0101010101010101ULL

#if (defined __BYTE_ORDER__ && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
#define RESOURCES_SWAR_LE     1
#else
#define RESOURCES_SWAR_LE     0
#endif


typedef struct {
    u_char          data[6];
    u_char          len;
    u_char          kind;
} resources_fold_entry_t;


static pthread_once_t          resources_text_once = PTHREAD_ONCE_INIT;

static u_char                  resources_fold_byte[256];
static resources_fold_entry_t  resources_fold_tab[RESOURCES_FOLD_TAB];
static int                     resources_fold_swar;
static int                     resources_text_avx2_on;
static int                     resources_fold_avx2_on;
static u_char                  resources_word_byte[256];
static u_char                  resources_word_tab[0x800];
static int                     resources_words_swar;
static uint64_t                resources_stop_hash[RESOURCES_STOP_HASH];
static uint64_t                resources_stop_mult;
static size_t                  resources_stop_probes;
static uint64_t                resources_pack_mask[8];
static uint64_t                resources_pack_len[8];


static void resources_text_init(void);
static const u_char *resources_utf8_next(const u_char *p, const u_char *end,
    int32_t *cp);
static size_t resources_utf8_put(u_char *p, int32_t cp);
static int resources_is_word_char(int32_t cp);
static size_t resources_stem_word(u_char *w, size_t len);


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


#if (RESOURCES_TEXT_AVX2)

/*
 * UTF-8 validation 32 bytes at a time, after Keiser and Lemire,
 * "Validating UTF-8 in less than one instruction per byte" (2021): the
 * high and low nibbles of each byte and the high nibble of the next one
 * index three tables of the errors they allow, and the bytes that must be
 * the second or third continuation of a sequence are checked apart.  NUL
 * is an error here too.  Returns how far the bytes are valid for sure and
 * end a character: the caller's byte-at-a-time code goes on from there and
 * finds the first error, if any.
 */

#define RESOURCES_U8_TOO_SHORT   (1 << 0)
#define RESOURCES_U8_TOO_LONG    (1 << 1)
#define RESOURCES_U8_OVERLONG_3  (1 << 2)
#define RESOURCES_U8_TOO_LARGE   (1 << 3)
#define RESOURCES_U8_SURROGATE   (1 << 4)
#define RESOURCES_U8_OVERLONG_2  (1 << 5)
#define RESOURCES_U8_TOO_LARGE_1000  (1 << 6)
#define RESOURCES_U8_OVERLONG_4  (1 << 6)
#define RESOURCES_U8_TWO_CONTS   (1 << 7)
#define RESOURCES_U8_CARRY       (RESOURCES_U8_TOO_SHORT                   \
                                  | RESOURCES_U8_TOO_LONG                  \
                                  | RESOURCES_U8_TWO_CONTS)


__attribute__((target("avx2")))
static inline __m256i
resources_u8_lookup(__m256i table, __m256i nibbles)
{
    return _mm256_shuffle_epi8(table, nibbles);
}


__attribute__((target("avx2")))
static inline __m256i
resources_u8_high(__m256i v)
{
    return _mm256_and_si256(_mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0f));
}


__attribute__((target("avx2")))
static size_t
resources_utf8_valid_avx2(const u_char *s, size_t len)
{
    size_t   i, j;
    __m256i  v, prev, p1, p2, p3, t, sc, must, err, incomplete, zero;
    __m256i  byte_1_high, byte_1_low, byte_2_high, max;

#define U8(x)  ((char) (x))

#define RESOURCES_U8_FIRST                                                  \
        /* 0_______: ASCII first */                                         \
        U8(RESOURCES_U8_TOO_LONG), U8(RESOURCES_U8_TOO_LONG),               \
        U8(RESOURCES_U8_TOO_LONG), U8(RESOURCES_U8_TOO_LONG),               \
        U8(RESOURCES_U8_TOO_LONG), U8(RESOURCES_U8_TOO_LONG),               \
        U8(RESOURCES_U8_TOO_LONG), U8(RESOURCES_U8_TOO_LONG),               \
        /* 10______: a continuation first */                                \
        U8(RESOURCES_U8_TWO_CONTS), U8(RESOURCES_U8_TWO_CONTS),             \
        U8(RESOURCES_U8_TWO_CONTS), U8(RESOURCES_U8_TWO_CONTS),             \
        /* 1100____, 1101____: two bytes */                                 \
        U8(RESOURCES_U8_TOO_SHORT | RESOURCES_U8_OVERLONG_2),               \
        U8(RESOURCES_U8_TOO_SHORT),                                         \
        /* 1110____: three bytes */                                         \
        U8(RESOURCES_U8_TOO_SHORT | RESOURCES_U8_OVERLONG_3                 \
           | RESOURCES_U8_SURROGATE),                                       \
        /* 1111____: four bytes, or more */                                 \
        U8(RESOURCES_U8_TOO_SHORT | RESOURCES_U8_TOO_LARGE                  \
           | RESOURCES_U8_TOO_LARGE_1000 | RESOURCES_U8_OVERLONG_4)

    /* each table twice: _mm256_shuffle_epi8() looks up in each lane */

    byte_1_high = _mm256_setr_epi8(RESOURCES_U8_FIRST, RESOURCES_U8_FIRST);

/* a lead byte of 4 (____01__ but 0100) or more (____1___): too large */
#define RESOURCES_U8_LARGE                                                  \
        U8(RESOURCES_U8_CARRY | RESOURCES_U8_TOO_LARGE                      \
           | RESOURCES_U8_TOO_LARGE_1000)

#define RESOURCES_U8_LOW                                                    \
        /* ____0000 */                                                      \
        U8(RESOURCES_U8_CARRY | RESOURCES_U8_OVERLONG_3                     \
           | RESOURCES_U8_OVERLONG_2 | RESOURCES_U8_OVERLONG_4),            \
        /* ____0001 */                                                      \
        U8(RESOURCES_U8_CARRY | RESOURCES_U8_OVERLONG_2),                   \
        /* ____001_ */                                                      \
        U8(RESOURCES_U8_CARRY), U8(RESOURCES_U8_CARRY),                     \
        /* ____0100 */                                                      \
        U8(RESOURCES_U8_CARRY | RESOURCES_U8_TOO_LARGE),                    \
        /* ____0101, ____011_ */                                            \
        RESOURCES_U8_LARGE, RESOURCES_U8_LARGE, RESOURCES_U8_LARGE,         \
        /* ____1000 .. ____1100 */                                          \
        RESOURCES_U8_LARGE, RESOURCES_U8_LARGE, RESOURCES_U8_LARGE,         \
        RESOURCES_U8_LARGE, RESOURCES_U8_LARGE,                             \
        /* ____1101 */                                                      \
        U8(RESOURCES_U8_CARRY | RESOURCES_U8_TOO_LARGE                      \
           | RESOURCES_U8_TOO_LARGE_1000 | RESOURCES_U8_SURROGATE),         \
        /* ____1110, ____1111 */                                            \
        RESOURCES_U8_LARGE, RESOURCES_U8_LARGE

    byte_1_low = _mm256_setr_epi8(RESOURCES_U8_LOW, RESOURCES_U8_LOW);

#define RESOURCES_U8_SECOND                                                 \
        /* 0_______: ASCII second */                                        \
        U8(RESOURCES_U8_TOO_SHORT), U8(RESOURCES_U8_TOO_SHORT),             \
        U8(RESOURCES_U8_TOO_SHORT), U8(RESOURCES_U8_TOO_SHORT),             \
        U8(RESOURCES_U8_TOO_SHORT), U8(RESOURCES_U8_TOO_SHORT),             \
        U8(RESOURCES_U8_TOO_SHORT), U8(RESOURCES_U8_TOO_SHORT),             \
        /* 1000____ */                                                      \
        U8(RESOURCES_U8_TOO_LONG | RESOURCES_U8_OVERLONG_2                  \
           | RESOURCES_U8_TWO_CONTS | RESOURCES_U8_OVERLONG_3               \
           | RESOURCES_U8_TOO_LARGE_1000 | RESOURCES_U8_OVERLONG_4),        \
        /* 1001____ */                                                      \
        U8(RESOURCES_U8_TOO_LONG | RESOURCES_U8_OVERLONG_2                  \
           | RESOURCES_U8_TWO_CONTS | RESOURCES_U8_OVERLONG_3               \
           | RESOURCES_U8_TOO_LARGE),                                       \
        /* 101_____ */                                                      \
        U8(RESOURCES_U8_TOO_LONG | RESOURCES_U8_OVERLONG_2                  \
           | RESOURCES_U8_TWO_CONTS | RESOURCES_U8_SURROGATE                \
           | RESOURCES_U8_TOO_LARGE),                                       \
        U8(RESOURCES_U8_TOO_LONG | RESOURCES_U8_OVERLONG_2                  \
           | RESOURCES_U8_TWO_CONTS | RESOURCES_U8_SURROGATE                \
           | RESOURCES_U8_TOO_LARGE),                                       \
        /* 11______ */                                                      \
        U8(RESOURCES_U8_TOO_SHORT), U8(RESOURCES_U8_TOO_SHORT),             \
        U8(RESOURCES_U8_TOO_SHORT), U8(RESOURCES_U8_TOO_SHORT)

    byte_2_high = _mm256_setr_epi8(RESOURCES_U8_SECOND, RESOURCES_U8_SECOND);

    /* the last 3 bytes of a block that begin a sequence it does not end */

    max = _mm256_setr_epi8(-1, -1, -1, -1, -1, -1, -1, -1,
                           -1, -1, -1, -1, -1, -1, -1, -1,
                           -1, -1, -1, -1, -1, -1, -1, -1,
                           -1, -1, -1, -1, -1, U8(0xf0 - 1), U8(0xe0 - 1),
                           U8(0xc0 - 1));

#undef U8

    zero = _mm256_setzero_si256();
    prev = zero;
    incomplete = zero;

    for (i = 0; i + 32 <= len; i += 32) {
        v = _mm256_loadu_si256((const __m256i *) (s + i));

        if (_mm256_movemask_epi8(v) == 0) {
            err = incomplete;

        } else {
            t = _mm256_permute2x128_si256(prev, v, 0x21);
            p1 = _mm256_alignr_epi8(v, t, 15);
            p2 = _mm256_alignr_epi8(v, t, 14);
            p3 = _mm256_alignr_epi8(v, t, 13);

            sc = _mm256_and_si256(
                     _mm256_and_si256(
                         resources_u8_lookup(byte_1_high,
                                             resources_u8_high(p1)),
                         resources_u8_lookup(byte_1_low,
                             _mm256_and_si256(p1, _mm256_set1_epi8(0x0f)))),
                     resources_u8_lookup(byte_2_high, resources_u8_high(v)));

            must = _mm256_and_si256(
                       _mm256_or_si256(
                           _mm256_subs_epu8(p2, _mm256_set1_epi8(0xe0 - 0x80)),
                           _mm256_subs_epu8(p3,
                                            _mm256_set1_epi8(0xf0 - 0x80))),
                       _mm256_set1_epi8((char) 0x80));

            err = _mm256_xor_si256(must, sc);
            incomplete = _mm256_subs_epu8(v, max);
        }

        err = _mm256_or_si256(err, _mm256_cmpeq_epi8(v, zero));

        if (!_mm256_testz_si256(err, err)) {
            break;
        }

        prev = v;
    }

    /*
     * back to where the last character before i begins: it may go on
     * past i, or be where the error is
     */

    for (j = i; j > 0 && i - j < 3 && (s[j - 1] & 0xc0) == 0x80; j--) {
        /* void */
    }

    if (j > 0 && s[j - 1] >= 0xc0) {
        j--;
    }

    return j;
}

#endif


int
resources_text_avx2(void)
{
    (void) pthread_once(&resources_text_once, resources_text_init);

    return resources_text_avx2_on;
}


size_t
resources_utf8_valid(const u_char *s, size_t len)
{
    int32_t        cp;
    uint64_t       x, m;
    const u_char  *p, *end, *next;

    p = s;
    end = s + len;

#if (RESOURCES_TEXT_AVX2)
    if (len >= 64 && resources_text_avx2()) {
        p += resources_utf8_valid_avx2(s, len);
    }
#endif

    while (p < end) {

        /*
         * 8 bytes at a time while they are all in 0x01-0x7f; otherwise,
         * in little-endian order, the bytes before the first one that is
         * not are skipped at once (a borrow of x - 0x01.. flags bytes above
         * a NUL only, never below the first byte flagged)
         */

        if (end - p >= 8) {
            memcpy(&x, p, sizeof(uint64_t));
            m = (x | (x - RESOURCES_SWAR_ONES)) & RESOURCES_SWAR_HIGH;

            if (m == 0) {
                p += 8;
                continue;
            }

#if (RESOURCES_SWAR_LE)
            p += __builtin_ctzll(m) / 8;
#endif
        }

        if (*p >= 0x01 && *p < 0x80) {
            p++;
            continue;
        }

        /* two bytes (Latin-1, Latin Extended: French), inline */

        if (*p >= 0xc2 && *p <= 0xdf && end - p >= 2 && (p[1] & 0xc0) == 0x80)
        {
            p += 2;
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


/*
 * The slow path of folding, one code point: the code points that cp folds
 * to, each unified, white space as RESOURCES_FOLD_SPACE, in dec (room for
 * RESOURCES_DECOMP_MAX); returns their number or RESOURCES_TEXT_INVALID.
 */

static ssize_t
resources_fold_cp(int32_t cp, int32_t *dec)
{
    size_t             i, n;
    ssize_t            rc;
    utf8proc_option_t  opt;

    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z') {
            cp |= 0x20;

        } else if (resources_is_space(cp)) {
            dec[0] = RESOURCES_FOLD_SPACE;
            return 1;
        }

        dec[0] = resources_unify(cp);
        n = 1;

    } else {
        if (resources_is_space(cp)) {
            dec[0] = RESOURCES_FOLD_SPACE;
            return 1;
        }

        opt = UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD
              | UTF8PROC_STRIPMARK;

        rc = utf8proc_decompose_char(resources_unify(cp), dec,
                                     RESOURCES_DECOMP_MAX, opt, NULL);
        if (rc < 0 || rc > RESOURCES_DECOMP_MAX) {
            return RESOURCES_TEXT_INVALID;
        }

        n = resources_hangul_compose(dec, (size_t) rc);
    }

    for (i = 0; i < n; i++) {
        cp = resources_unify(dec[i]);
        dec[i] = resources_is_space(cp) ? RESOURCES_FOLD_SPACE : cp;
    }

    return (ssize_t) n;
}


/*
 * The slow path of folding, output: writes the n code points of dec
 * (resources_fold_cp) at out + o, *space saying whether a space is due
 * before the next one; returns the new length or RESOURCES_TEXT_TOO_LONG.
 */

static ssize_t
resources_fold_put(const int32_t *dec, size_t n, u_char *out, size_t o,
    size_t cap, int *space)
{
    size_t   i;
    int32_t  cp;

    for (i = 0; i < n; i++) {
        cp = dec[i];

        if (cp == RESOURCES_FOLD_SPACE) {
            *space = (o > 0);
            continue;
        }

        if (cap - o < 6) {
            return RESOURCES_TEXT_TOO_LONG;
        }

        if (*space) {
            out[o++] = ' ';
            *space = 0;
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

    return (ssize_t) o;
}


/*
 * SWAR: in x, 8 bytes all below 0x80, the high bit of each byte that is c,
 * that is in lo..hi (no carry from a byte to the next one: every sum stays
 * below 0x100).
 */

static uint64_t
resources_swar_eq(uint64_t x, u_char c)
{
    uint64_t  t;

    t = x ^ (RESOURCES_SWAR_ONES * c);

    return ~(((t & ~RESOURCES_SWAR_HIGH) + ~RESOURCES_SWAR_HIGH) | t)
           & RESOURCES_SWAR_HIGH;
}


static uint64_t
resources_swar_range(uint64_t x, u_char lo, u_char hi)
{
    return (x + RESOURCES_SWAR_ONES * (0x80 - lo))
           & ~(x + RESOURCES_SWAR_ONES * (0x7f - hi)) & RESOURCES_SWAR_HIGH;
}


#if (RESOURCES_TEXT_AVX2)

/*
 * 32 bytes at p, lowercased (A-Z to a-z), stored at out; returns how many
 * of them, from the first, fold to themselves that way: printable ASCII
 * but "`", and no space right after a space (p[-1] is read: p > the
 * start).  The bytes from the first other one on are stored but not
 * counted.
 */

__attribute__((target("avx2")))
static unsigned
resources_fold_avx2(const u_char *p, u_char *out)
{
    unsigned  m;
    __m256i   v, sp, bad, up;

    v = _mm256_loadu_si256((const __m256i *) p);
    sp = _mm256_set1_epi8(' ');

    /* below 0x20, signed: the controls and every byte above 0x7f */

    bad = _mm256_or_si256(_mm256_cmpgt_epi8(sp, v),
              _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(0x7f)),
                              _mm256_cmpeq_epi8(v, _mm256_set1_epi8('`'))));

    m = (unsigned) _mm256_movemask_epi8(bad)
        | ((unsigned) _mm256_movemask_epi8(
               _mm256_and_si256(_mm256_cmpeq_epi8(v, sp),
                   _mm256_cmpeq_epi8(
                       _mm256_loadu_si256((const __m256i *) (p - 1)), sp)))
           & ~1u);

    up = _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8('A' - 1)),
                          _mm256_cmpgt_epi8(_mm256_set1_epi8('Z' + 1), v));
    v = _mm256_or_si256(v, _mm256_and_si256(up, _mm256_set1_epi8(0x20)));

    _mm256_storeu_si256((__m256i *) out, v);

    return m ? (unsigned) __builtin_ctz(m) : 32;
}

#endif


ssize_t
resources_fold(const u_char *s, size_t len, u_char *out, size_t cap)
{
    u_char                         c, f;
    int32_t                        cp, dec[RESOURCES_DECOMP_MAX];
    size_t                         o, run;
    ssize_t                        n;
    uint64_t                       x, sp, bad;
    const u_char                  *p, *end, *stop;
    int                            space;
    const resources_fold_entry_t  *e;

    (void) pthread_once(&resources_text_once, resources_text_init);

    p = s;
    end = s + len;
    o = 0;
    space = 0;

    while (p < end) {
        c = *p;
        e = NULL;

        if (resources_fold_byte[c]) {

            /*
             * A run of ASCII.  A byte adds one byte at most (a space is
             * written only for a byte that was not), so with "run" + 7
             * bytes of room the check of resources_fold_put() (6 bytes
             * free) cannot fail within "run" bytes: it is not made.
             */

            run = (cap - o > 7) ? cap - o - 7 : 0;

            if (run > 0) {
                stop = (run < (size_t) (end - p)) ? p + run : end;

                while (p < stop) {

#if (RESOURCES_TEXT_AVX2)

                    /*
                     * Up to 32 bytes at once, as the 8 below: the bytes
                     * before the first one that does not fold to itself
                     * (a letter with an accent, most often).  They are
                     * stored after the space due, if any (lead), before
                     * it is known whether there are any.
                     */

                    if (stop - p >= 32 && o > 0 && resources_fold_avx2_on) {
                        size_t  lead, k;

                        lead = space & (p[0] != ' ');
                        out[o] = ' ';
                        k = resources_fold_avx2(p, out + o + lead);

                        if (k > 0) {
                            o += lead + k;

                            /* a space that ends them is left due */

                            space = (p[k - 1] == ' ');
                            o -= space;
                            p += k;
                            continue;
                        }
                    }

#endif

                    /*
                     * 8 bytes at once when they are printable ASCII but
                     * "`", with no two spaces in a row, and something was
                     * written already: they fold to themselves, A-Z to
                     * a-z; a space that ends them is left due.
                     */

                    if (stop - p >= 8 && o > 0 && resources_fold_swar) {
                        memcpy(&x, p, 8);

                        sp = resources_swar_eq(x, ' ');

                        bad = (x & RESOURCES_SWAR_HIGH)
                              | (~(x + RESOURCES_SWAR_ONES * (0x80 - 0x20))
                                 & RESOURCES_SWAR_HIGH)
                              | resources_swar_eq(x, 0x7f)
                              | resources_swar_eq(x, '`')
                              | (sp & (sp << 8));

                        if (bad == 0) {
                            /* the space due, if any */
                            out[o] = ' ';
                            o += space & (p[0] != ' ');

                            x |= resources_swar_range(x, 'A', 'Z') >> 2;

                            memcpy(out + o, &x, 8);
                            space = (p[7] == ' ');
                            o += 8 - space;
                            p += 8;
                            continue;
                        }
                    }

                    f = resources_fold_byte[*p];

                    if (f == ' ') {
                        space = (o > 0);
                        p++;
                        continue;
                    }

                    if (f == 0) {
                        break;
                    }

                    if (space) {
                        out[o++] = ' ';
                        space = 0;
                    }

                    do {
                        out[o++] = f;
                        p++;
                    } while (p < stop && (f = resources_fold_byte[*p]) > ' ');
                }

                continue;
            }

            /* little room left: the slow path checks every byte */

        } else if (c >= 0xc2 && c <= 0xdf && end - p >= 2
                   && (p[1] & 0xc0) == 0x80)
        {
            e = &resources_fold_tab[(((c & 0x1f) << 6) | (p[1] & 0x3f))
                                    - 0x80];

        } else if (c == 0xe2 && end - p >= 3 && (p[1] & 0xfc) == 0x80
                   && (p[2] & 0xc0) == 0x80)
        {
            e = &resources_fold_tab[RESOURCES_FOLD_TAB2
                                    + (((p[1] & 0x03) << 6) | (p[2] & 0x3f))];
        }

        if (e != NULL) {

            if (e->kind == RESOURCES_FOLD_WS) {
                space = (o > 0);
                p += (c == 0xe2) ? 3 : 2;
                continue;
            }

            if (e->kind == RESOURCES_FOLD_BYTES
                && cap - o >= RESOURCES_FOLD_ROOM)
            {
                if (e->len) {
                    if (space) {
                        out[o++] = ' ';
                        space = 0;
                    }

                    memcpy(out + o, e->data, sizeof(e->data));
                    o += e->len;
                }

                p += (c == 0xe2) ? 3 : 2;
                continue;
            }
        }

        /* the slow path */

        p = resources_utf8_next(p, end, &cp);
        if (p == NULL) {
            return RESOURCES_TEXT_INVALID;
        }

        n = resources_fold_cp(cp, dec);
        if (n < 0) {
            return RESOURCES_TEXT_INVALID;
        }

        n = resources_fold_put(dec, (size_t) n, out, o, cap, &space);
        if (n < 0) {
            return n;
        }

        o = (size_t) n;
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


/* 6 bytes at most (resources_pack), as the stop words */

static const char  *resources_elisions[] = {
    "c", "d", "j", "l", "m", "n", "s", "t", "qu",
    "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu", NULL
};

/* resources_pack() of each, then 0 */
static uint64_t  resources_elision_packed[sizeof(resources_elisions)
                                          / sizeof(char *)];


/* sorted, folded, 6 bytes at most (resources_pack) */

static const char  *resources_stopwords[] = {
    "a", "au", "aux", "avec", "c", "ce", "ces", "cet", "cette", "d",
    "dans", "de", "des", "du", "elle", "en", "est", "et", "il", "ils",
    "j", "l", "la", "le", "les", "leur", "leurs", "lui", "m", "ma", "mais",
    "me", "mes", "n", "ne", "nos", "notre", "nous", "on", "ont", "ou",
    "par", "pas", "pour", "qu", "que", "qui", "s", "sa", "se", "ses",
    "son", "sont", "sur", "t", "ta", "te", "tes", "un", "une", "vos",
    "votre", "vous", "y"
};


/*
 * A word of 0..6 bytes (any bytes) as one number: its bytes, zeros, its
 * length in the 8th byte: two words are equal when their numbers are.
 * With 8 bytes readable from w, the same number is (the 8 bytes &
 * resources_pack_mask[len]) | resources_pack_len[len]; with len 7 for any
 * longer word, that is 0, no word's number.
 */

static uint64_t
resources_pack(const u_char *w, size_t len)
{
    u_char    b[8];
    uint64_t  v;

    memset(b, 0, sizeof(b));
    memcpy(b, w, len);
    b[7] = (u_char) len;

    memcpy(&v, b, sizeof(v));

    return v;
}


static size_t
resources_stop_slot(uint64_t v, uint64_t mult)
{
    return (size_t) ((v * mult) >> (64 - RESOURCES_STOP_BITS));
}


/*
 * Fills resources_stop_hash with the stop words, multiplier mult, linear
 * probing; returns the longest probe sequence.
 */

static size_t
resources_stop_fill(uint64_t mult)
{
    size_t    i, k, d, probes;
    uint64_t  v;

    for (i = 0; i < RESOURCES_STOP_HASH; i++) {
        resources_stop_hash[i] = RESOURCES_STOP_EMPTY;
    }

    probes = 0;

    for (i = 0; i < sizeof(resources_stopwords) / sizeof(char *); i++) {
        v = resources_pack((const u_char *) resources_stopwords[i],
                           strlen(resources_stopwords[i]));

        k = resources_stop_slot(v, mult);

        for (d = 1; resources_stop_hash[k] != RESOURCES_STOP_EMPTY; d++) {
            k = (k + 1) & (RESOURCES_STOP_HASH - 1);
        }

        resources_stop_hash[k] = v;

        if (d > probes) {
            probes = d;
        }
    }

    return probes;
}


/* builds the tables of the fast paths from the slow path; once */

static void
resources_text_init(void)
{
    u_char                   buf[RESOURCES_DECOMP_MAX * 5 + 8];
    u_char                   c;
    int32_t                  cp, dec[RESOURCES_DECOMP_MAX];
    size_t                   i, k, ws, probes, best;
    ssize_t                  n, o;
    int                      space;
    uint64_t                 mult, best_mult;
    resources_fold_entry_t  *e;

    /* U+0080..U+07FF, U+2000..U+20FF */

    for (i = 0; i < RESOURCES_FOLD_TAB; i++) {
        e = &resources_fold_tab[i];
        cp = (int32_t) (i < RESOURCES_FOLD_TAB2
                        ? 0x80 + i : 0x2000 + (i - RESOURCES_FOLD_TAB2));

        e->kind = RESOURCES_FOLD_SLOW;

        n = resources_fold_cp(cp, dec);
        if (n < 0) {
            continue;
        }

        ws = 0;

        for (k = 0; k < (size_t) n; k++) {
            ws += (dec[k] == RESOURCES_FOLD_SPACE);
        }

        if (ws > 0) {
            if (ws == (size_t) n) {
                e->kind = RESOURCES_FOLD_WS;
            }

            continue;
        }

        space = 0;
        o = resources_fold_put(dec, (size_t) n, buf, 0, sizeof(buf), &space);

        if (o >= 0 && (size_t) o <= sizeof(e->data)) {
            memcpy(e->data, buf, (size_t) o);
            e->len = (u_char) o;
            e->kind = RESOURCES_FOLD_BYTES;
        }
    }

    /* ASCII: one byte above ' ', or white space; NUL takes the slow path */

    for (i = 1; i < 0x80; i++) {
        n = resources_fold_cp((int32_t) i, dec);

        if (n == 1 && dec[0] == RESOURCES_FOLD_SPACE) {
            resources_fold_byte[i] = ' ';
            continue;
        }

        space = 0;
        o = (n < 0) ? -1
                    : resources_fold_put(dec, (size_t) n, buf, 0, sizeof(buf),
                                         &space);

        if (o == 1 && buf[0] > ' ' && buf[0] < 0x80) {
            resources_fold_byte[i] = buf[0];
        }
    }

    /* what the SWAR code of resources_fold() assumes, checked */

    resources_fold_swar = (resources_fold_byte[' '] == ' ');

    for (c = 0x21; c < 0x7f; c++) {
        if (c != '`'
            && resources_fold_byte[c] != ((c >= 'A' && c <= 'Z') ? c | 0x20
                                                                 : c))
        {
            resources_fold_swar = 0;
        }
    }

#if (RESOURCES_TEXT_AVX2)
    __builtin_cpu_init();
    resources_text_avx2_on = __builtin_cpu_supports("avx2") ? 1 : 0;
#endif

    resources_fold_avx2_on = resources_fold_swar && resources_text_avx2_on;

    /* letters and digits */

    for (i = 1; i < 0x800; i++) {
        resources_word_tab[i] = (u_char) resources_is_word_char((int32_t) i);

        if (i < 0x80) {
            resources_word_byte[i] = resources_word_tab[i];
        }
    }

    resources_words_swar = RESOURCES_SWAR_LE;

    for (i = 0; i < 0x80; i++) {
        if (resources_word_byte[i] != ((i >= 'a' && i <= 'z')
                                       || (i >= 'A' && i <= 'Z')
                                       || (i >= '0' && i <= '9')))
        {
            resources_words_swar = 0;
        }
    }

    /* stop words and elisions */

    for (i = 0; i < 8; i++) {
        memset(buf, 0, 8);
        resources_pack_mask[i] = 0;
        resources_pack_len[i] = 0;

        if (i < 7) {
            memset(buf, 0xff, i);
            memcpy(&resources_pack_mask[i], buf, 8);

            memset(buf, 0, 8);
            buf[7] = (u_char) i;
            memcpy(&resources_pack_len[i], buf, 8);
        }
    }

    /*
     * a multiplier with which no stop word is out of its slot, so that a
     * look-up reads one slot: the first of a fixed sequence (any
     * multiplier gives correct look-ups, the fewest probes are kept)
     */

    best = 0;
    best_mult = 0;
    mult = 0x9e3779b97f4a7c15ULL;

    for (i = 0; i < 4096; i++) {
        probes = resources_stop_fill(mult);

        if (best == 0 || probes < best) {
            best = probes;
            best_mult = mult;

            if (best == 1) {
                break;
            }
        }

        mult += 0x6a09e667f3bcc908ULL;
    }

    resources_stop_mult = best_mult;
    resources_stop_probes = resources_stop_fill(best_mult);

    for (i = 0; resources_elisions[i]; i++) {
        resources_elision_packed[i] =
            resources_pack((const u_char *) resources_elisions[i],
                           strlen(resources_elisions[i]));
    }
}


/* whether v (resources_pack) is a stop word's: no branch on the word */

static int
resources_stop_packed(uint64_t v)
{
    size_t  i, k;
    int     found;

    k = resources_stop_slot(v, resources_stop_mult);
    found = 0;

    for (i = 0; i < resources_stop_probes; i++) {
        found |= (resources_stop_hash[(k + i) & (RESOURCES_STOP_HASH - 1)]
                  == v);
    }

    return found;
}


int
resources_stopword(const u_char *word, size_t len)
{
    (void) pthread_once(&resources_text_once, resources_text_init);

    /* the longest stop word has 6 letters */

    if (len == 0 || len > 6) {
        return 0;
    }

    return resources_stop_packed(resources_pack(word, len));
}


static int
resources_elision(const u_char *word, size_t len)
{
    size_t    i;
    uint64_t  v;

    /* the longest elision has 6 letters */

    if (len == 0 || len > 6) {
        return 0;
    }

    v = resources_pack(word, len);

    for (i = 0; resources_elision_packed[i]; i++) {
        if (resources_elision_packed[i] == v) {
            return 1;
        }
    }

    return 0;
}


size_t
resources_stem(u_char *w, size_t len)
{
    if (len < 4) {
        return len;
    }

    return resources_stem_word(w, len);
}


/*
 * The stem of w: counts bytes, accented letters are already folded to
 * ASCII here.  The rules, in order: 5 bytes or more ending in "eaux": drop
 * the "x"; ending in "aux": "al"; 4 bytes or more ending in "x": drop it;
 * ending in "s" but not "ss": drop it.  Reads the 4 bytes before w when
 * len < 4 (resources_words() has them): no branch on the length.
 */

static size_t
resources_stem_word(u_char *w, size_t len)
{
    u_char   last, prev, *e;

    /* e[-2] and not w[len - 2]: len - 2 may wrap around */

    e = w + len;
    last = e[-1];
    prev = e[-2];

    if (last == 'x' && len >= 5 && prev == 'u' && e[-3] == 'a'
        && e[-4] != 'e')
    {
        e[-2] = 'l';
    }

    return len - ((len >= 4)
                  & ((last == 'x') | ((last == 's') & (prev != 's'))));
}


/*
 * Decodes the character at p (p < end) for resources_words(): returns the
 * position after it, or NULL (invalid UTF-8, NUL); *word says whether it is
 * a letter or a digit.
 */

static const u_char *
resources_word_next(const u_char *p, const u_char *end, int *word)
{
    int32_t        cp;
    const u_char  *next;

    next = resources_utf8_next(p, end, &cp);
    if (next == NULL) {
        return NULL;
    }

    *word = (cp < 0x800) ? resources_word_tab[cp]
                         : resources_is_word_char(cp);

    return next;
}


/* the end of the ASCII letters and digits from p */

static const u_char *
resources_word_run(const u_char *p, const u_char *end)
{
#if (RESOURCES_SWAR_LE)
    uint64_t  x, w;

    /*
     * 8 bytes at once: the first byte that is not [0-9A-Za-z] is the
     * lowest one of ~w (a byte above 0x7f may carry into the next ones,
     * later in memory on a little-endian machine: they are not looked at)
     */

    if (resources_words_swar) {
        while (end - p >= 8) {
            memcpy(&x, p, 8);

            w = (resources_swar_range(x, 'a', 'z')
                 | resources_swar_range(x, '0', '9')
                 | resources_swar_range(x, 'A', 'Z'))
                & ~x;

            if (w != RESOURCES_SWAR_HIGH) {
                return p + (__builtin_ctzll(~w & RESOURCES_SWAR_HIGH) >> 3);
            }

            p += 8;
        }
    }
#endif

    while (p < end && resources_word_byte[*p]) {
        p++;
    }

    return p;
}


/*
 * The walk of resources_words() and resources_words_ex(): how is a
 * RESOURCES_STEM_* constant and exactly one of handler, ex is set; both
 * callers pass constants, so each gets its own copy without the tests
 */

static inline int __attribute__((always_inline))
resources_words_walk(const u_char *folded, size_t len, unsigned how,
    resources_word_pt handler, resources_word_ex_pt ex, void *data)
{
    u_char             buf[8 + RESOURCES_WORD_MAX], *word;
    resources_word_t   wd;
    size_t         n, wlen;
    uint64_t       v;
    unsigned       flags;
    int            rc, w;
    const u_char  *p, *end, *start, *next, *cut, *q;

    (void) pthread_once(&resources_text_once, resources_text_init);

    /* 8 bytes before the word, for resources_stem_word() */

    memset(buf, 0, 8);
    word = buf + 8;

    p = folded;
    end = folded + len;

    while (p < end) {

        /* skip separators */

        start = p;

        if (resources_word_byte[*p]) {
            p++;

        } else if (*p < 0x80 && *p != 0) {
            p++;
            continue;

        } else {
            p = resources_word_next(p, end, &w);
            if (p == NULL) {
                return RESOURCES_TEXT_INVALID;
            }

            if (!w) {
                continue;
            }
        }

        /*
         * a word: start .. p; cut is the last character boundary within
         * RESOURCES_WORD_MAX bytes of start (the first character's end is)
         */

        cut = p;

        for ( ;; ) {

            /* a run of ASCII letters and digits: every byte a boundary */

            q = p;
            p = resources_word_run(p, end);

            if ((size_t) (p - start) <= RESOURCES_WORD_MAX) {
                cut = p;

            } else if ((size_t) (q - start) < RESOURCES_WORD_MAX) {
                cut = start + RESOURCES_WORD_MAX;
            }

            if (p == end || (*p < 0x80 && *p != 0)) {
                break;
            }

            next = resources_word_next(p, end, &w);
            if (next == NULL) {
                return RESOURCES_TEXT_INVALID;
            }

            if (!w) {
                break;
            }

            p = next;

            if ((size_t) (p - start) <= RESOURCES_WORD_MAX) {
                cut = p;
            }
        }

        n = (size_t) (cut - start);

        if (p < end && *p == '\'' && resources_elision(start, n)) {
            continue;
        }

        if (n <= 16 && (size_t) (end - start) >= 16) {

            /* a short word with 16 bytes readable: copies of fixed sizes */

            memcpy(word, start, 16);
            memcpy(&v, word, 8);
            v = (v & resources_pack_mask[n < 7 ? n : 7])
                | resources_pack_len[n < 7 ? n : 7];

        } else {
            memcpy(word, start, n);
            v = (n <= 6) ? resources_pack(start, n) : 0;
        }

        flags = resources_stop_packed(v) ? RESOURCES_WORD_STOP : 0;

        if (how == RESOURCES_STEM_PLURALS) {
            wlen = resources_stem_word(word, n);

        } else if (how == RESOURCES_STEM_LIGHT) {
            wlen = resources_stem_light(word, n);

        } else {
            wlen = n;
        }

        if (p == end) {
            flags |= RESOURCES_WORD_LAST;
        }

        if (ex == NULL) {
            rc = handler(data, word, wlen, flags);

        } else {
            wd.word = word;
            wd.len = wlen;
            wd.surface = start;
            wd.surface_len = n;
            wd.flags = flags;

            rc = ex(data, &wd);
        }

        if (rc != 0) {
            return rc;
        }
    }

    return 0;
}


int
resources_words(const u_char *folded, size_t len, resources_word_pt handler,
    void *data)
{
    return resources_words_walk(folded, len, RESOURCES_STEM_PLURALS, handler,
                                NULL, data);
}


int
resources_words_ex(const u_char *folded, size_t len, unsigned how,
    resources_word_ex_pt handler, void *data)
{
    switch (how) {

    case RESOURCES_STEM_LIGHT:
        return resources_words_walk(folded, len, RESOURCES_STEM_LIGHT, NULL,
                                    handler, data);

    case RESOURCES_STEM_NONE:
        return resources_words_walk(folded, len, RESOURCES_STEM_NONE, NULL,
                                    handler, data);

    default:
        return resources_words_walk(folded, len, RESOURCES_STEM_PLURALS,
                                    NULL, handler, data);
    }
}


typedef struct {
    u_char  *out;
    size_t   n;
    size_t   cap;
} resources_key_t;


static int
resources_keyword_word(void *data, const resources_word_t *w)
{
    resources_key_t  *k = data;

    if (k->n + (k->n > 0) + w->len > k->cap) {
        return 1;
    }

    if (k->n) {
        k->out[k->n++] = ' ';
    }

    memcpy(k->out + k->n, w->word, w->len);
    k->n += w->len;

    return 0;
}


ssize_t
resources_keyword_key(const u_char *folded, size_t len, u_char *out,
    size_t cap)
{
    int              rc;
    resources_key_t  k;

    k.out = out;
    k.n = 0;
    k.cap = cap;

    rc = resources_words_ex(folded, len, RESOURCES_STEM_LIGHT,
                            resources_keyword_word, &k);
    if (rc != 0) {
        return -1;
    }

    if (k.n == 0) {
        if (len > cap) {
            return -1;
        }

        memcpy(out, folded, len);
        return (ssize_t) len;
    }

    return (ssize_t) k.n;
}


/* FNV-1a 32 of a word, of two with a 0 byte between: its bit, 0 to 63 */

static uint32_t
resources_sig_fnv(uint32_t h, const u_char *p, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        h = (h ^ p[i]) * 16777619u;
    }

    return h;
}


/* two bits of 64 from a hash: a bloom filter of two hashes */

static uint64_t
resources_sig_bits(uint32_t h)
{
    return ((uint64_t) 1 << (h % 64)) | ((uint64_t) 1 << ((h >> 6) % 64));
}


uint64_t
resources_sig_pair(const u_char *a, size_t alen, const u_char *b,
    size_t blen)
{
    uint32_t  h;

    h = resources_sig_fnv(2166136261u, a, alen);
    h = (h ^ 0) * 16777619u;
    h = resources_sig_fnv(h, b, blen);

    return resources_sig_bits(h);
}


uint64_t
resources_sig_word(const u_char *w, size_t len)
{
    return resources_sig_bits(resources_sig_fnv(2166136261u, w, len));
}


typedef struct {
    uint64_t  *sig;
    u_char     prev[RESOURCES_WORD_MAX];
    size_t     prev_len;
} resources_sig_t;


static int
resources_sig_word_ex(void *data, const resources_word_t *w)
{
    resources_sig_t  *t = data;

    if ((w->flags & RESOURCES_WORD_STOP) || w->len == 0) {
        return 0;
    }

    if (t->prev_len) {
        t->sig[0] |= resources_sig_pair(t->prev, t->prev_len, w->word,
                                        w->len);
    }

    t->sig[1] |= resources_sig_word(w->surface, w->surface_len);

    memcpy(t->prev, w->word, w->len);
    t->prev_len = w->len;

    return 0;
}


void
resources_title_sig(const u_char *folded, size_t len, uint64_t sig[2])
{
    resources_sig_t  t;

    sig[0] = 0;
    sig[1] = 0;

    t.sig = sig;
    t.prev_len = 0;

    (void) resources_words_ex(folded, len, RESOURCES_STEM_LIGHT,
                              resources_sig_word_ex, &t);
}
