/*
 * Copyright (C) ngx_http_resources authors
 *
 * Text normalization shared by the loader and the nginx module.
 *
 * This file and resources_text.c use no nginx type and allocate nothing:
 * every function writes into a buffer that the caller owns.  The tables of
 * resources_text.c are static, built at the first call (pthread_once): any
 * thread may call any function.  The loader and the module compile the
 * same file, so a keyword or a word folds to the same bytes on both sides;
 * change it and the store's schema version must change (RESOURCES_SCHEMA in
 * resources_store.h).
 *
 * Folding (resources_fold): valid UTF-8 in, UTF-8 out:
 *   - Unicode compatibility decomposition (NFKD), case folding and removal of
 *     all marks (Mn, Mc, Me), then Hangul syllables recomposed: for text that
 *     carries no marks after that, this is NFKC case-folded with accents
 *     stripped ("Économie" -> "economie", "ﬁ" -> "fi", "ß" -> "ss");
 *   - the ligatures "œ" and "æ" become "oe" and "ae", also when they come
 *     out of a decomposition ("ǽ"), so that folding is idempotent;
 *   - typographic apostrophes (U+2018, U+2019, U+02BC, U+2032, U+0060,
 *     U+00B4) become "'", dashes and hyphens (U+2010..U+2015, U+2212,
 *     U+FE63, U+FF0D) become "-";
 *   - runs of white space (any Unicode Z* or C* character) become one space,
 *     leading and trailing space is removed.
 */

#ifndef _RESOURCES_TEXT_H_INCLUDED_
#define _RESOURCES_TEXT_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>


/*
 * The AVX2 paths of the text code (folding, UTF-8 validation) and of the
 * loader's JSON strings: compiled where gcc targets x86-64, taken where
 * the CPU has AVX2 (resources_text_avx2(), chosen once)
 */

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) \
    && (__GNUC__ >= 8)
#define RESOURCES_TEXT_AVX2  1
#else
#define RESOURCES_TEXT_AVX2  0
#endif

int resources_text_avx2(void);


/*
 * A folded string is never longer than this many times its input, plus 16:
 * the longest expansion is U+FDFA, 3 bytes that fold to 33 (found by
 * t/fuzz/fuzz_text.c, which checks the bound).
 */
#define RESOURCES_FOLD_RATIO        12

/* words longer than this (bytes, folded) are cut at a character boundary */
#define RESOURCES_WORD_MAX          64

/* the length of a slug, at most */
#define RESOURCES_SLUG_MAX          80

#define RESOURCES_TEXT_OK           0
#define RESOURCES_TEXT_INVALID     -1   /* invalid UTF-8 or a NUL byte */
#define RESOURCES_TEXT_TOO_LONG    -2   /* the output buffer is too small */


/*
 * Returns the number of bytes of valid UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF, no NUL) at the start of s: len when
 * the whole string is valid.
 */
size_t resources_utf8_valid(const u_char *s, size_t len);

/*
 * Folds s into out (cap bytes; RESOURCES_FOLD_RATIO * len + 16 always
 * suffices).  Returns the folded length, RESOURCES_TEXT_INVALID or
 * RESOURCES_TEXT_TOO_LONG.  out is not NUL-terminated.
 */
ssize_t resources_fold(const u_char *s, size_t len, u_char *out, size_t cap);

/*
 * The slug of a title: folded, runs of characters other than [a-z0-9]
 * become one "-", trimmed of "-", cut at RESOURCES_SLUG_MAX bytes (and
 * trimmed again).  out must hold RESOURCES_SLUG_MAX + 1 bytes; it is
 * NUL-terminated.  Returns the length (0 when nothing is left) or
 * RESOURCES_TEXT_INVALID.
 */
ssize_t resources_slug(const u_char *s, size_t len, u_char *out);

/* whether id matches [a-z0-9][a-z0-9-]{0,127} */
int resources_id_valid(const u_char *id, size_t len);


/*
 * Words.  resources_words() splits FOLDED text on every character that is
 * not a letter or a digit, drops French elisions ("l'", "d'", "qu'"...:
 * the word before an apostrophe when it is one of them), cuts words at
 * RESOURCES_WORD_MAX bytes and stems each word (resources_stem).  For every
 * word it calls handler(data, word, len, flags) with a pointer into a
 * buffer of its own, valid only during the call.  flags has
 * RESOURCES_WORD_STOP set for a stop word (a very common French word that a
 * query does not require) and RESOURCES_WORD_LAST for the last word of the
 * text when the text does not end with a separator (a query's last word is
 * also matched as a prefix).  A handler returning non-zero stops the walk
 * and that value is returned; otherwise 0.
 */

#define RESOURCES_WORD_STOP         0x01
#define RESOURCES_WORD_LAST         0x02

typedef int (*resources_word_pt)(void *data, const u_char *word, size_t len,
    unsigned flags);

int resources_words(const u_char *folded, size_t len,
    resources_word_pt handler, void *data);

/*
 * Light French stemming of a folded word, in place; returns the new length.
 * Only plurals are undone, so that singular and plural forms meet:
 *   "...eaux" -> "...eau", "...aux" -> "...al" (words of 5+ letters),
 *   a final "s" (not "ss") or "x" is dropped (words of 4+ letters).
 * "tiers-lieux" gives "tier" "lieu", "collectivités" gives "collectivite".
 */
size_t resources_stem(u_char *word, size_t len);

/*
 * Word forms (issue #22): Lucene's FrenchLightStemmer (Savoy's UniNE rules:
 * plurals and "-aux", "-ement", "-ive" -> "-if", "-euse", "-trice",
 * "-ation", "-ique" from 9 letters, doubled letters, final "-ie", "r",
 * "e"), ported to folded bytes, after a table of overrides that joins what
 * it leaves apart (public / publique) and keeps apart what it joins too
 * eagerly in this domain (formation / forme).  In place; returns the new
 * length.  src/resources_stem.c; docs/design.md, "Word forms".
 */
size_t resources_stem_light(u_char *word, size_t len);

/*
 * resources_words() with a choice of stemmer (how) and a handler that
 * also gets the word as the text has it, folded and unstemmed (surface:
 * a pointer into folded, surface_len bytes, cut as the word is).  The
 * loader indexes with RESOURCES_STEM_LIGHT since 0.7 (the snapshot's
 * header says which: RESOURCES_HEADER_LIGHT); RESOURCES_STEM_PLURALS is
 * resources_stem(), the stemmer of older snapshots.
 */

#define RESOURCES_STEM_PLURALS      0
#define RESOURCES_STEM_LIGHT        1
#define RESOURCES_STEM_NONE         2

typedef struct {
    const u_char  *word;                /* stemmed, in a buffer of its own */
    size_t         len;
    const u_char  *surface;             /* unstemmed, in the folded text */
    size_t         surface_len;
    unsigned       flags;               /* RESOURCES_WORD_* */
} resources_word_t;

typedef int (*resources_word_ex_pt)(void *data, const resources_word_t *w);

int resources_words_ex(const u_char *folded, size_t len, unsigned how,
    resources_word_ex_pt handler, void *data);

/*
 * A keyword's key (loaders since 0.7, RESOURCES_HEADER_LIGHT): its folded
 * form's words (resources_words_ex(), stop words kept, elisions dropped)
 * stemmed by the light stemmer, one space between them, so that spelling
 * variants are one keyword ("tiers-lieu", "Tiers lieux", "tiers-lieux":
 * "tier lieu"); the folded form itself when it has no word.  Into out
 * (cap bytes; len is always enough: a key is never longer than its
 * folded form); returns its length, or -1 (invalid text, no room).
 */
ssize_t resources_keyword_key(const u_char *folded, size_t len, u_char *out,
    size_t cap);

/*
 * A title's signature (loaders since 0.7, column "tsig"), for ranking by
 * proximity and exactness without reading the title: sig[0] has the bits
 * of resources_sig_pair(a, b) set for each two words one after the other
 * (stemmed by the light stemmer, stop words skipped between them), sig[1]
 * those of resources_sig_word(w) for each word as written (folded, not
 * stemmed), stop words left out.  Two bits of 64 each (FNV-1a 32, bits
 * h % 64 and (h >> 6) % 64): a bloom filter, where another pair or word
 * may set the same two bits (about 3% for a title of 6 words); ranking
 * reads it as a hint, never as a filter.
 */
void resources_title_sig(const u_char *folded, size_t len, uint64_t sig[2]);
uint64_t resources_sig_pair(const u_char *a, size_t alen, const u_char *b,
    size_t blen);
uint64_t resources_sig_word(const u_char *w, size_t len);

int resources_stopword(const u_char *word, size_t len);


#endif /* _RESOURCES_TEXT_H_INCLUDED_ */
