/*
 * Copyright (C) ngx_http_resources authors
 *
 * The listing parser.
 *
 * Lines.  A line is trimmed of white space at both ends (ASCII white space,
 * "\r", U+00A0 and the other Unicode spaces, U+FEFF); a line left empty is
 * blank, so a line holding only a non-breaking space separates paragraphs.
 * A paragraph is a run of non-blank lines.
 *
 * Sections.  The lines "Type de ressource", <type>, "Ressource privée",
 * <"Oui" or "Non">, "Résumé" (compared folded: case and accents aside) are
 * the sections of a resource; they cut the text into regions.  The region
 * before the first sections holds the site header, the first title and the
 * first body; every later region holds the summary of the resource before
 * it, then the title and the body of the resource after it; the region after
 * the last sections is the last summary.  A "Ressource privée" line without
 * "Type de ressource" before it starts sections too (reported as broken).
 *
 * The boundary between a summary and the next title.  In the region before
 * the sections of resource k:
 *   1. the anchor is the first paragraph after the sections of resource k
 *      (the start of its summary, which repeats the start of its body);
 *   2. r is the number of leading paragraphs of the region that repeat,
 *      in order, paragraphs of the body of resource k - 1 (the summary of
 *      k - 1; body paragraphs it leaves out are skipped, and a last
 *      paragraph cut short, a prefix of 32 bytes or more, still counts);
 *   3. the title is the paragraph just before the first occurrence of the
 *      anchor that leaves the r repeated paragraphs before the title
 *      (failing that, the first occurrence among them); the body starts
 *      with the anchor;
 *   4. failing an anchor, the title is the first paragraph after the r
 *      repeated ones.
 * The paragraphs before the title are the summary of resource k - 1 (or,
 * for the first resource, r = 0, the site header, which is dropped).
 * Paragraphs compare with their lines joined and white space runs made one
 * space.  No title list is used: on the shared listing, where every summary
 * repeats its body, step 3 alone finds the 10 titles.  A missing "Résumé"
 * line is tolerated (the summary starts right after "Oui" or "Non").
 *
 * Fields.  The title is the first line of its paragraph (further lines, if
 * any, start the body).  The date, keywords, updated, links fields come
 * from the body only (the summary is a repeat of it):
 *   - the first line "Mots-clés : a ; b - Février 2024" gives keywords
 *     (split on ";", trimmed, empty ones dropped) and date "2024-02" (the
 *     month part may be missing: date null);
 *   - the first line "Mis à jour le 1er mars 2024" gives updated
 *     "2024-03-01" (an impossible day gives null);
 *   - a line starting with "Téléchargez" or "Retrouvez" (any case) and not
 *     ending with ":" (that is a heading) is a link {"label": line, "url":
 *     null}; a line that is a URL (http:// or https://) is {"label": url,
 *     "url": url}; links are deduplicated by label.  These lines stay in
 *     the body as well: they are part of the published text.
 * A title "Fiche <series> n°<number> - ..." gives series and number, else
 * both are null.
 *
 * Text.  body and summary are the paragraphs, lines trimmed (a bullet
 * "  • text" becomes "• text"), lines joined by "\n", paragraphs by "\n\n",
 * without the keyword lines and without caption lines.  A caption is a
 * paragraph of one line of one or two words of letters and digits, at most
 * 12 characters in all ("100ème singe", "ESS", "lt"): image captions and
 * tags the page left behind.  Captions of the body and the summary go to
 * tags, deduplicated, in order of appearance.
 */


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "resources_listing.h"
#include "resources_text.h"


#define RESOURCES_LISTING_NONE          ((size_t) -1)

#define RESOURCES_LISTING_TYPE          1
#define RESOURCES_LISTING_PRIVATE       2
#define RESOURCES_LISTING_SUMMARY       3

#define RESOURCES_LISTING_OK            0
#define RESOURCES_LISTING_NO_TYPE       1
#define RESOURCES_LISTING_EMPTY_TYPE    2
#define RESOURCES_LISTING_NO_PRIVATE    3
#define RESOURCES_LISTING_EMPTY_PRIVATE 4
#define RESOURCES_LISTING_BAD_PRIVATE   5

/* longest section line and month name looked at, in bytes */
#define RESOURCES_LISTING_SECTION_MAX   32
#define RESOURCES_LISTING_MONTH_MAX     16

#define RESOURCES_LISTING_CAPTION_MAX   12   /* characters */
#define RESOURCES_LISTING_CUT_MIN       32   /* bytes */
#define RESOURCES_LISTING_QUOTED_MAX    80   /* bytes of a title in errors */
#define RESOURCES_LISTING_MESSAGE_MAX   512

#define RESOURCES_LISTING_RE_OPTIONS                                         \
    (PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS)

#define RESOURCES_LISTING_MONTHS                                             \
    "janvier|f[e\\x{e9}]vrier|mars|avril|mai|juin|juillet|ao[u\\x{fb}]t"      \
    "|septembre|octobre|novembre|d[e\\x{e9}]cembre"


typedef struct {
    const u_char               *data;     /* after leading white space */
    size_t                      len;      /* 0 for a blank line */
} resources_listing_line_t;

typedef struct {
    size_t                      first;    /* its first line */
    size_t                      nlines;
    size_t                      norm;     /* offset of its normalized text */
    size_t                      norm_len;
} resources_listing_para_t;

typedef struct {
    size_t                      line;     /* the first line of the sections */
    size_t                      end;      /* the line after the sections */
    size_t                      type;     /* the type line, or NONE */
    size_t                      private;  /* the "Oui"/"Non" line, or NONE */
    size_t                      problem_line;
    size_t                      region;   /* the paragraph after them */
    size_t                      title;    /* its paragraph, or NONE */
    int                         problem;
    int                         is_private;
} resources_listing_block_t;

typedef struct {
    u_char                     *data;
    size_t                      len;
    size_t                      cap;
} resources_listing_buf_t;

typedef struct {
    resources_listing_line_t   *lines;
    size_t                      nlines;
    resources_listing_para_t   *paras;
    size_t                      nparas;
    size_t                      paras_cap;
    resources_listing_block_t  *blocks;
    size_t                      nblocks;
    size_t                      blocks_cap;
    u_char                     *norm;

    pcre2_code                 *title_re;
    pcre2_code                 *keywords_re;
    pcre2_code                 *updated_re;
    pcre2_code                 *link_re;
    pcre2_code                 *url_re;
    pcre2_code                 *caption_re;
    pcre2_match_data           *match;

    resources_listing_error_pt  on_error;
    void                       *data;

    /* the record being made (resources_listing_record) */
    resources_json_t            rec;
    uint32_t                    keywords;     /* its arrays' nodes */
    uint32_t                    tags;
    uint32_t                    links;
    char                        date[48];     /* empty: null */
    char                        updated[48];
    resources_listing_buf_t     body;
    resources_listing_buf_t     summary;
    u_char                      slug[RESOURCES_SLUG_MAX + 1];
} resources_listing_t;


static size_t resources_listing_space(const u_char *p, const u_char *end);
static size_t resources_listing_space_back(const u_char *start,
    const u_char *end);
static void resources_listing_trim(const u_char **s, const u_char **e);
static void resources_listing_next(const u_char **p, const u_char *end,
    resources_listing_line_t *line);
static int resources_listing_section(const u_char *p, size_t len);
static void resources_listing_error(resources_listing_t *ls,
    unsigned long line, const char *fmt, ...);
static int resources_listing_compile(resources_listing_t *ls);
static void resources_listing_free(resources_listing_t *ls);
static int resources_listing_split(resources_listing_t *ls, const u_char *p,
    size_t len);
static int resources_listing_scan(resources_listing_t *ls);
static size_t resources_listing_block(resources_listing_t *ls, size_t i,
    int kind);
static int resources_listing_para(resources_listing_t *ls, size_t first,
    size_t last);
static int resources_listing_normalize(resources_listing_t *ls,
    size_t total);
static size_t resources_listing_region_end(resources_listing_t *ls,
    size_t k);
static int resources_listing_same(resources_listing_t *ls, size_t a,
    size_t b);
static int resources_listing_starts(resources_listing_t *ls, size_t a,
    size_t b);
static size_t resources_listing_repeat(resources_listing_t *ls, size_t a,
    size_t e, size_t c, size_t d);
static void resources_listing_titles(resources_listing_t *ls);
static size_t resources_listing_find(resources_listing_t *ls, size_t from,
    size_t to, size_t anchor);
static int resources_listing_resource(resources_listing_t *ls, size_t k,
    resources_listing_record_pt on_record, void *data);
static int resources_listing_problem(resources_listing_t *ls,
    resources_listing_block_t *b, resources_listing_line_t *title);
static int resources_listing_quoted(resources_listing_line_t *title);
static int resources_listing_match(resources_listing_t *ls, pcre2_code *re,
    const u_char *p, size_t len);
static int resources_listing_group(resources_listing_t *ls, int n,
    const u_char *p, const u_char **s, size_t *len);
static int resources_listing_record(resources_listing_t *ls,
    resources_listing_block_t *b, size_t slug_len, size_t from, size_t to,
    size_t sfrom, size_t sto);
static void resources_listing_member(resources_listing_t *ls,
    const char *key, uint32_t value);
static uint32_t resources_listing_string(resources_listing_t *ls,
    const u_char *s, size_t len, int null);
static void resources_listing_fields(resources_listing_t *ls, size_t from,
    size_t to);
static void resources_listing_keywords(resources_listing_t *ls,
    const u_char *p, size_t len);
static int resources_listing_is(resources_json_t *j, uint32_t i,
    const u_char *p, size_t len);
static void resources_listing_link(resources_listing_t *ls,
    const u_char *label, size_t len, int url);
static void resources_listing_series(resources_listing_t *ls,
    resources_listing_line_t *title);
static int resources_listing_text(resources_listing_t *ls,
    resources_listing_buf_t *buf, size_t from, size_t to);
static int resources_listing_caption(resources_listing_t *ls,
    resources_listing_line_t *line);
static void resources_listing_tag(resources_listing_t *ls, const u_char *p,
    size_t len);
static int resources_listing_append(resources_listing_buf_t *buf,
    const u_char *p, size_t len);
static int resources_listing_month(const u_char *p, size_t len);
static int resources_listing_number(const u_char *p, size_t len);


static const char  *resources_listing_months[] = {
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet",
    "aout", "septembre", "octobre", "novembre", "decembre", NULL
};


int
resources_listing_parse(const char *text, size_t len,
    resources_listing_record_pt on_record, resources_listing_error_pt on_error,
    void *data)
{
    int                  rc;
    size_t               valid, k, i;
    unsigned long        line;
    const u_char        *p;
    resources_listing_t  ls;

    memset(&ls, 0, sizeof(resources_listing_t));
    ls.on_error = on_error;
    ls.data = data;

    p = (const u_char *) text;

    if (len) {
        valid = resources_utf8_valid(p, len);

        if (valid != len) {
            line = 1;

            for (i = 0; i < valid; i++) {
                line += (p[i] == '\n');
            }

            resources_listing_error(&ls, line, p[valid] == '\0'
                                               ? "NUL byte" : "invalid UTF-8");
            return -1;
        }
    }

    rc = -1;

    if (resources_listing_compile(&ls) != 0
        || resources_listing_split(&ls, p, len) != 0
        || resources_listing_scan(&ls) != 0)
    {
        goto done;
    }

    if (ls.nblocks == 0) {
        resources_listing_error(&ls, 0, "no resource found");
        goto done;
    }

    resources_listing_titles(&ls);

    rc = 0;

    for (k = 0; k < ls.nblocks; k++) {
        rc = resources_listing_resource(&ls, k, on_record, data);
        if (rc != 0) {
            break;
        }
    }

done:

    resources_listing_free(&ls);

    return rc;
}


int
resources_listing_detect(const char *text, size_t len)
{
    int                        kind, before[2];
    const u_char              *p, *end;
    resources_listing_line_t   line;

    p = (const u_char *) text;
    end = p + len;

    /* the kinds of the two lines before this one; -1: a blank line */

    before[0] = -1;
    before[1] = -1;

    while (p < end) {
        resources_listing_next(&p, end, &line);

        kind = (line.len == 0) ? -1 : resources_listing_section(line.data,
                                                                line.len);

        if (kind == RESOURCES_LISTING_PRIVATE
            && before[0] == RESOURCES_LISTING_TYPE && before[1] == 0)
        {
            return 1;
        }

        before[0] = before[1];
        before[1] = kind;
    }

    return 0;
}


/* the length of the white space character at p, 0 when there is none */

static size_t
resources_listing_space(const u_char *p, const u_char *end)
{
    size_t  n;

    n = end - p;

    if (n == 0) {
        return 0;
    }

    switch (p[0]) {

    case ' ':
    case '\t':
    case '\r':
    case '\v':
    case '\f':
        return 1;

    case 0xc2:
        /* U+00A0 */
        return (n >= 2 && p[1] == 0xa0) ? 2 : 0;

    case 0xe2:
        if (n < 3) {
            return 0;
        }

        /* U+2000 .. U+200B, U+202F */

        if (p[1] == 0x80 && (p[2] <= 0x8b || p[2] == 0xaf)) {
            return 3;
        }

        /* U+205F */

        return (p[1] == 0x81 && p[2] == 0x9f) ? 3 : 0;

    case 0xe3:
        /* U+3000 */
        return (n >= 3 && p[1] == 0x80 && p[2] == 0x80) ? 3 : 0;

    case 0xef:
        /* U+FEFF */
        return (n >= 3 && p[1] == 0xbb && p[2] == 0xbf) ? 3 : 0;

    default:
        return 0;
    }
}


/* the length of the white space character that ends at end, or 0 */

static size_t
resources_listing_space_back(const u_char *start, const u_char *end)
{
    size_t  n;

    n = end - start;

    if (n >= 1 && resources_listing_space(end - 1, end) == 1) {
        return 1;
    }

    if (n >= 2 && resources_listing_space(end - 2, end) == 2) {
        return 2;
    }

    if (n >= 3 && resources_listing_space(end - 3, end) == 3) {
        return 3;
    }

    return 0;
}


/* the text from *s to *e less its white space at either end */

static void
resources_listing_trim(const u_char **s, const u_char **e)
{
    size_t  n;

    while ((n = resources_listing_space(*s, *e)) != 0) {
        *s += n;
    }

    while ((n = resources_listing_space_back(*s, *e)) != 0) {
        *e -= n;
    }
}


/* the line at *p (before end), trimmed; *p goes to the next one */

static void
resources_listing_next(const u_char **p, const u_char *end,
    resources_listing_line_t *line)
{
    const u_char  *eol, *s, *e;

    eol = memchr(*p, '\n', end - *p);
    if (eol == NULL) {
        eol = end;
    }

    s = *p;
    e = eol;
    resources_listing_trim(&s, &e);

    line->data = s;
    line->len = e - s;

    *p = (eol == end) ? end : eol + 1;
}


/* which section line a trimmed line is, 0 for none */

static int
resources_listing_section(const u_char *p, size_t len)
{
    u_char   buf[RESOURCES_FOLD_RATIO * RESOURCES_LISTING_SECTION_MAX + 16];
    ssize_t  n;

    if (len == 0 || len > RESOURCES_LISTING_SECTION_MAX) {
        return 0;
    }

    n = resources_fold(p, len, buf, sizeof(buf));

    if (n == 17 && memcmp(buf, "type de ressource", 17) == 0) {
        return RESOURCES_LISTING_TYPE;
    }

    if (n == 16 && memcmp(buf, "ressource privee", 16) == 0) {
        return RESOURCES_LISTING_PRIVATE;
    }

    if (n == 6 && memcmp(buf, "resume", 6) == 0) {
        return RESOURCES_LISTING_SUMMARY;
    }

    return 0;
}


static void
resources_listing_error(resources_listing_t *ls, unsigned long line,
    const char *fmt, ...)
{
    char     message[RESOURCES_LISTING_MESSAGE_MAX];
    va_list  ap;

    if (ls->on_error == NULL) {
        return;
    }

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);

    ls->on_error(ls->data, line, message);
}


static int
resources_listing_compile(resources_listing_t *ls)
{
    int           errcode;
    size_t        i;
    PCRE2_SIZE    erroffset;
    PCRE2_UCHAR   message[128];

    static const char  *patterns[] = {

        /* "Fiche Déniché pour vous n°126 - Le Centième Singe" */
        "^fiche\\s+(\\S.*?)\\s+n\\s?[\\x{b0}\\x{ba}]\\s?([0-9]{1,9})(?![0-9])"
        "(?:\\s*[-:\\x{2013}\\x{2014}]\\s*.*)?$",

        /* "Mots-clés : tiers-lieu ; Scic ; alimentation - Février 2024" */
        "^mots[-\\s]?cl[e\\x{e9}]s?\\s*:\\s*(.*?)"
        "(?:\\s*[-\\x{2013}\\x{2014}]\\s*(" RESOURCES_LISTING_MONTHS ")"
        "\\s+([0-9]{4}))?\\s*$",

        /* "Mis à jour le 29 septembre 2023", "... le 1er mars 2024" */
        "^mis\\s+(?:[a\\x{e0}]\\s+)?jour\\s+le\\s+([0-9]{1,2})(?:er)?\\s+"
        "(" RESOURCES_LISTING_MONTHS ")\\s+([0-9]{4})(?![0-9])",

        /* "Téléchargez la fiche ...", "Retrouvez la publication ici" */
        "^(?:t[e\\x{e9}]l[e\\x{e9}]chargez|retrouvez)\\b(?:.*[^:])?$",

        "^https?://\\S+$",

        /* "100ème singe", "ESS" (the length is checked apart) */
        "^[\\p{L}\\p{N}]+(?:\\s[\\p{L}\\p{N}]+)?$"
    };

    pcre2_code  **codes[] = {
        &ls->title_re, &ls->keywords_re, &ls->updated_re, &ls->link_re,
        &ls->url_re, &ls->caption_re
    };

    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        *codes[i] = pcre2_compile((PCRE2_SPTR) patterns[i],
                                  PCRE2_ZERO_TERMINATED,
                                  RESOURCES_LISTING_RE_OPTIONS, &errcode,
                                  &erroffset, NULL);

        if (*codes[i] == NULL) {
            pcre2_get_error_message(errcode, message, sizeof(message));
            resources_listing_error(ls, 0, "pattern %d: %s at offset %d",
                                    (int) i, (char *) message,
                                    (int) erroffset);
            return -1;
        }
    }

    ls->match = pcre2_match_data_create(8, NULL);
    if (ls->match == NULL) {
        resources_listing_error(ls, 0, "out of memory");
        return -1;
    }

    return 0;
}


static void
resources_listing_free(resources_listing_t *ls)
{
    pcre2_code_free(ls->title_re);
    pcre2_code_free(ls->keywords_re);
    pcre2_code_free(ls->updated_re);
    pcre2_code_free(ls->link_re);
    pcre2_code_free(ls->url_re);
    pcre2_code_free(ls->caption_re);
    pcre2_match_data_free(ls->match);

    free(ls->lines);
    free(ls->paras);
    free(ls->blocks);
    free(ls->norm);

    resources_json_free(&ls->rec);
    free(ls->body.data);
    free(ls->summary.data);
}


static int
resources_listing_split(resources_listing_t *ls, const u_char *p, size_t len)
{
    size_t          n, i;
    const u_char   *end;

    end = p + len;
    n = 1;

    for (i = 0; i < len; i++) {
        n += (p[i] == '\n');
    }

    ls->lines = malloc(n * sizeof(resources_listing_line_t));
    if (ls->lines == NULL) {
        resources_listing_error(ls, 0, "out of memory");
        return -1;
    }

    while (p < end) {
        resources_listing_next(&p, end, &ls->lines[ls->nlines++]);
    }

    return 0;
}


/* finds the sections and the paragraphs between them */

static int
resources_listing_scan(resources_listing_t *ls)
{
    int                         kind;
    size_t                      i, first, total, cap;
    resources_listing_block_t  *blocks;

    first = RESOURCES_LISTING_NONE;
    total = 0;

    for (i = 0; i < ls->nlines; /* void */) {

        kind = resources_listing_section(ls->lines[i].data, ls->lines[i].len);

        if (ls->lines[i].len == 0
            || kind == RESOURCES_LISTING_TYPE
            || kind == RESOURCES_LISTING_PRIVATE)
        {
            if (first != RESOURCES_LISTING_NONE) {
                if (resources_listing_para(ls, first, i) != 0) {
                    return -1;
                }

                total += ls->paras[ls->nparas - 1].norm_len + 1;
                first = RESOURCES_LISTING_NONE;
            }

            if (ls->lines[i].len == 0) {
                i++;
                continue;
            }

            if (ls->nblocks == ls->blocks_cap) {
                cap = ls->blocks_cap ? 2 * ls->blocks_cap : 16;

                blocks = realloc(ls->blocks,
                                 cap * sizeof(resources_listing_block_t));
                if (blocks == NULL) {
                    resources_listing_error(ls, 0, "out of memory");
                    return -1;
                }

                ls->blocks = blocks;
                ls->blocks_cap = cap;
            }

            i = resources_listing_block(ls, i, kind);
            continue;
        }

        if (first == RESOURCES_LISTING_NONE) {
            first = i;
        }

        i++;
    }

    if (first != RESOURCES_LISTING_NONE) {
        if (resources_listing_para(ls, first, i) != 0) {
            return -1;
        }

        total += ls->paras[ls->nparas - 1].norm_len + 1;
    }

    return resources_listing_normalize(ls, total);
}


/* the sections starting at line i; returns the line after them */

static size_t
resources_listing_block(resources_listing_t *ls, size_t i, int kind)
{
    u_char                      buf[RESOURCES_FOLD_RATIO * 8 + 16];
    ssize_t                     n;
    resources_listing_line_t   *l;
    resources_listing_block_t  *b;

    b = &ls->blocks[ls->nblocks++];

    b->line = i;
    b->type = RESOURCES_LISTING_NONE;
    b->private = RESOURCES_LISTING_NONE;
    b->problem_line = i;
    b->title = RESOURCES_LISTING_NONE;
    b->problem = RESOURCES_LISTING_OK;
    b->is_private = 0;

    l = ls->lines;

    if (kind == RESOURCES_LISTING_TYPE) {
        i++;

        if (i < ls->nlines && l[i].len != 0
            && resources_listing_section(l[i].data, l[i].len) == 0)
        {
            b->type = i++;

        } else {
            b->problem = RESOURCES_LISTING_EMPTY_TYPE;
            b->problem_line = b->line;
        }

        if (i >= ls->nlines
            || resources_listing_section(l[i].data, l[i].len)
               != RESOURCES_LISTING_PRIVATE)
        {
            if (b->problem == RESOURCES_LISTING_OK) {
                b->problem = RESOURCES_LISTING_NO_PRIVATE;
                b->problem_line = (i < ls->nlines) ? i : b->line;
            }

            goto summary;
        }

    } else {
        b->problem = RESOURCES_LISTING_NO_TYPE;
        b->problem_line = i;
    }

    /* at the "Ressource privée" line */

    i++;

    if (i < ls->nlines && l[i].len != 0
        && resources_listing_section(l[i].data, l[i].len) == 0)
    {
        b->private = i++;

        n = (l[b->private].len <= 8)
            ? resources_fold(l[b->private].data, l[b->private].len, buf,
                             sizeof(buf))
            : 0;

        if (n == 3 && memcmp(buf, "oui", 3) == 0) {
            b->is_private = 1;

        } else if (!(n == 3 && memcmp(buf, "non", 3) == 0)
                   && b->problem == RESOURCES_LISTING_OK)
        {
            b->problem = RESOURCES_LISTING_BAD_PRIVATE;
            b->problem_line = b->private;
        }

    } else if (b->problem == RESOURCES_LISTING_OK) {
        b->problem = RESOURCES_LISTING_EMPTY_PRIVATE;
        b->problem_line = i - 1;
    }

summary:

    if (i < ls->nlines
        && resources_listing_section(l[i].data, l[i].len)
           == RESOURCES_LISTING_SUMMARY)
    {
        i++;
    }

    b->end = i;
    b->region = ls->nparas;

    return i;
}


/* adds the paragraph of lines first .. last - 1 */

static int
resources_listing_para(resources_listing_t *ls, size_t first, size_t last)
{
    size_t                     i, cap;
    resources_listing_para_t  *pa;

    if (ls->nparas == ls->paras_cap) {
        cap = ls->paras_cap ? 2 * ls->paras_cap : 64;

        pa = realloc(ls->paras, cap * sizeof(resources_listing_para_t));
        if (pa == NULL) {
            resources_listing_error(ls, 0, "out of memory");
            return -1;
        }

        ls->paras = pa;
        ls->paras_cap = cap;
    }

    pa = &ls->paras[ls->nparas++];

    pa->first = first;
    pa->nlines = last - first;
    pa->norm = 0;
    pa->norm_len = 0;

    /* an upper bound for now: the lines and a space between them */

    for (i = first; i < last; i++) {
        pa->norm_len += ls->lines[i].len + 1;
    }

    return 0;
}


/* the text of each paragraph with white space runs as one space */

static int
resources_listing_normalize(resources_listing_t *ls, size_t total)
{
    u_char                     *q;
    size_t                      i, j, n;
    const u_char               *p, *end;
    resources_listing_para_t   *pa;
    resources_listing_line_t   *l;

    ls->norm = malloc(total ? total : 1);
    if (ls->norm == NULL) {
        resources_listing_error(ls, 0, "out of memory");
        return -1;
    }

    q = ls->norm;

    for (i = 0; i < ls->nparas; i++) {
        pa = &ls->paras[i];
        pa->norm = q - ls->norm;

        for (j = 0; j < pa->nlines; j++) {
            l = &ls->lines[pa->first + j];

            if (j) {
                *q++ = ' ';
            }

            p = l->data;
            end = p + l->len;

            while (p < end) {
                n = resources_listing_space(p, end);

                if (n == 0) {
                    *q++ = *p++;
                    continue;
                }

                while (n) {
                    p += n;
                    n = resources_listing_space(p, end);
                }

                *q++ = ' ';
            }
        }

        pa->norm_len = (q - ls->norm) - pa->norm;
    }

    return 0;
}


/* the paragraph after the last one of region k (k = nblocks: the tail) */

static size_t
resources_listing_region_end(resources_listing_t *ls, size_t k)
{
    return (k < ls->nblocks) ? ls->blocks[k].region : ls->nparas;
}


static int
resources_listing_same(resources_listing_t *ls, size_t a, size_t b)
{
    resources_listing_para_t  *pa, *pb;

    pa = &ls->paras[a];
    pb = &ls->paras[b];

    return pa->norm_len == pb->norm_len
           && memcmp(ls->norm + pa->norm, ls->norm + pb->norm, pa->norm_len)
              == 0;
}


/* whether paragraph a is a long enough proper prefix of paragraph b */

static int
resources_listing_starts(resources_listing_t *ls, size_t a, size_t b)
{
    resources_listing_para_t  *pa, *pb;

    pa = &ls->paras[a];
    pb = &ls->paras[b];

    return pa->norm_len >= RESOURCES_LISTING_CUT_MIN
           && pa->norm_len < pb->norm_len
           && memcmp(ls->norm + pa->norm, ls->norm + pb->norm, pa->norm_len)
              == 0;
}


/*
 * How many paragraphs of a .. e - 1 (from a on) repeat paragraphs of
 * c .. d - 1 in order, some of these skipped; the last one may be cut short.
 */

static size_t
resources_listing_repeat(resources_listing_t *ls, size_t a, size_t e,
    size_t c, size_t d)
{
    size_t  i, q, m;

    m = 0;

    for (i = a; i < e; i++) {

        for (q = c; q < d; q++) {
            if (resources_listing_same(ls, i, q)) {
                break;
            }
        }

        if (q == d) {
            break;
        }

        m++;
        c = q + 1;
    }

    /* the first paragraph that is no repeat may be one cut short */

    if (i == e) {
        return m;
    }

    for (q = c; q < d; q++) {
        if (resources_listing_starts(ls, i, q)) {
            return m + 1;
        }
    }

    return m;
}


/* the title paragraph of each resource (see the comment on top) */

static void
resources_listing_titles(resources_listing_t *ls)
{
    size_t                      k, a, e, r, anchor, title;
    resources_listing_block_t  *b, *prev;

    for (k = 0; k < ls->nblocks; k++) {
        b = &ls->blocks[k];

        a = (k == 0) ? 0 : ls->blocks[k - 1].region;
        e = b->region;

        r = 0;

        if (k > 0) {
            prev = &ls->blocks[k - 1];

            if (prev->title != RESOURCES_LISTING_NONE) {
                r = resources_listing_repeat(ls, a, e, prev->title + 1, a);
            }
        }

        anchor = RESOURCES_LISTING_NONE;
        title = RESOURCES_LISTING_NONE;

        if (e < resources_listing_region_end(ls, k + 1)) {
            anchor = e;
        }

        if (anchor != RESOURCES_LISTING_NONE) {
            title = resources_listing_find(ls, a + r + 1, e, anchor);

            if (title == RESOURCES_LISTING_NONE) {
                title = resources_listing_find(ls, a + 1, a + r + 1, anchor);
            }
        }

        if (title == RESOURCES_LISTING_NONE && a + r < e) {
            title = a + r;
        }

        b->title = title;
    }
}


/* the paragraph before the first of from .. to - 1 that is anchor, or NONE */

static size_t
resources_listing_find(resources_listing_t *ls, size_t from, size_t to,
    size_t anchor)
{
    size_t  i;

    for (i = from; i < to; i++) {
        if (resources_listing_same(ls, i, anchor)) {
            return i - 1;
        }
    }

    return RESOURCES_LISTING_NONE;
}


/* reports or skips resource k; returns 0, -1 or the handler's value */

static int
resources_listing_resource(resources_listing_t *ls, size_t k,
    resources_listing_record_pt on_record, void *data)
{
    int                         len;
    size_t                      from, to, sfrom, sto;
    ssize_t                     n;
    resources_listing_line_t   *title;
    resources_listing_block_t  *b, *next;

    b = &ls->blocks[k];

    if (b->title == RESOURCES_LISTING_NONE) {
        resources_listing_error(ls, b->line + 1,
                                "no title before \"Type de ressource\"");
        return 0;
    }

    title = &ls->lines[ls->paras[b->title].first];

    if (b->problem != RESOURCES_LISTING_OK) {
        return resources_listing_problem(ls, b, title);
    }

    n = resources_slug(title->data, title->len, ls->slug);

    if (n <= 0) {
        len = resources_listing_quoted(title);

        resources_listing_error(ls, ls->paras[b->title].first + 1,
                                "resource \"%.*s%s\" has a title that gives"
                                " no id", len, title->data,
                                (size_t) len < title->len ? "..." : "");
        return 0;
    }

    /* the body: the rest of the title paragraph, the paragraphs after it */

    from = ls->paras[b->title].first + 1;
    to = b->line;

    /* the summary: up to the next title, the next sections or the end */

    sfrom = b->end;

    if (k + 1 < ls->nblocks) {
        next = &ls->blocks[k + 1];
        sto = (next->title != RESOURCES_LISTING_NONE)
              ? ls->paras[next->title].first : next->line;

    } else {
        sto = ls->nlines;
    }

    if (resources_listing_record(ls, b, (size_t) n, from, to, sfrom, sto)
        != 0)
    {
        resources_listing_error(ls, 0, "out of memory");
        return -1;
    }

    return on_record ? on_record(data, &ls->rec, ls->paras[b->title].first + 1)
                     : 0;
}


/* a member of the record: key (a static string), value */

static void
resources_listing_member(resources_listing_t *ls, const char *key,
    uint32_t value)
{
    resources_json_t  *j = &ls->rec;

    resources_json_put(j, RESOURCES_JSON_ROOT,
                       resources_json_add_string(j, (const u_char *) key,
                                                 strlen(key)),
                       value);
}


/* a string of the record, or null when it is empty and may be null */

static uint32_t
resources_listing_string(resources_listing_t *ls, const u_char *s,
    size_t len, int null)
{
    if (len == 0 && null) {
        return resources_json_add(&ls->rec, RESOURCES_JSON_NULL);
    }

    return resources_json_add_string(&ls->rec, s ? s : (const u_char *) "",
                                     len);
}


/*
 * The record of resource b, in the canonical format, into ls->rec (its
 * fields in the order of the README): its body from the lines from .. to
 * - 1, its summary from sfrom .. sto - 1; 0, or -1 (out of memory)
 */

static int
resources_listing_record(resources_listing_t *ls,
    resources_listing_block_t *b, size_t slug_len, size_t from, size_t to,
    size_t sfrom, size_t sto)
{
    resources_json_t          *j;
    resources_listing_line_t  *title, *type;

    j = &ls->rec;
    title = &ls->lines[ls->paras[b->title].first];
    type = &ls->lines[b->type];

    resources_json_start(j);
    (void) resources_json_add(j, RESOURCES_JSON_OBJECT);     /* the root */

    ls->keywords = resources_json_add(j, RESOURCES_JSON_ARRAY);
    ls->tags = resources_json_add(j, RESOURCES_JSON_ARRAY);
    ls->links = resources_json_add(j, RESOURCES_JSON_ARRAY);
    ls->date[0] = '\0';
    ls->updated[0] = '\0';
    ls->body.len = 0;
    ls->summary.len = 0;

    resources_listing_fields(ls, from, to);

    if (resources_listing_text(ls, &ls->body, from, to) != 0
        || resources_listing_text(ls, &ls->summary, sfrom, sto) != 0)
    {
        return -1;
    }

    resources_listing_member(ls, "id",
                             resources_listing_string(ls, ls->slug, slug_len,
                                                      0));
    resources_listing_member(ls, "title",
                             resources_listing_string(ls, title->data,
                                                      title->len, 0));
    resources_listing_member(ls, "type",
                             resources_listing_string(ls, type->data,
                                                      type->len, 0));
    resources_listing_member(ls, "private",
                             resources_json_add(j, b->is_private
                                                   ? RESOURCES_JSON_TRUE
                                                   : RESOURCES_JSON_FALSE));
    resources_listing_member(ls, "date",
                             resources_listing_string(ls,
                                 (const u_char *) ls->date,
                                 strlen(ls->date), 1));
    resources_listing_member(ls, "updated",
                             resources_listing_string(ls,
                                 (const u_char *) ls->updated,
                                 strlen(ls->updated), 1));
    resources_listing_member(ls, "keywords", ls->keywords);
    resources_listing_member(ls, "tags", ls->tags);
    resources_listing_series(ls, title);
    resources_listing_member(ls, "summary",
                             resources_listing_string(ls, ls->summary.data,
                                                      ls->summary.len, 0));
    resources_listing_member(ls, "body",
                             resources_listing_string(ls, ls->body.data,
                                                      ls->body.len, 0));
    resources_listing_member(ls, "links", ls->links);

    return 0;
}


static int
resources_listing_problem(resources_listing_t *ls,
    resources_listing_block_t *b, resources_listing_line_t *title)
{
    int             len;
    const char     *what, *more;
    unsigned long   line;

    len = resources_listing_quoted(title);
    more = ((size_t) len < title->len) ? "..." : "";
    line = b->problem_line + 1;

    switch (b->problem) {

    case RESOURCES_LISTING_BAD_PRIVATE:
        resources_listing_error(ls, line, "resource \"%.*s%s\": \"Ressource"
                                " priv\xc3\xa9" "e\" is \"%.*s\", not \"Oui\""
                                " or \"Non\"", len, title->data, more,
                                (int) ls->lines[b->private].len,
                                ls->lines[b->private].data);
        return 0;

    case RESOURCES_LISTING_NO_TYPE:
        what = "has no \"Type de ressource\" section";
        break;

    case RESOURCES_LISTING_EMPTY_TYPE:
        what = "has an empty \"Type de ressource\" section";
        break;

    case RESOURCES_LISTING_NO_PRIVATE:
        what = "has no \"Ressource priv\xc3\xa9" "e\" section";
        break;

    default: /* RESOURCES_LISTING_EMPTY_PRIVATE */
        what = "has an empty \"Ressource priv\xc3\xa9" "e\" section";
        break;
    }

    resources_listing_error(ls, line, "resource \"%.*s%s\" %s", len,
                            title->data, more, what);

    return 0;
}


/* how much of a title a message quotes: cut at a character boundary */

static int
resources_listing_quoted(resources_listing_line_t *title)
{
    size_t  n;

    n = title->len;

    if (n > RESOURCES_LISTING_QUOTED_MAX) {
        n = RESOURCES_LISTING_QUOTED_MAX;

        while (n && (title->data[n] & 0xc0) == 0x80) {
            n--;
        }
    }

    return (int) n;
}


/* pcre2_match() on a line: > 0 on a match */

static int
resources_listing_match(resources_listing_t *ls, pcre2_code *re,
    const u_char *p, size_t len)
{
    return pcre2_match(re, (PCRE2_SPTR) p, len, 0, PCRE2_NO_UTF_CHECK,
                       ls->match, NULL);
}


/* group n of the last match in subject p: 1 when it is set */

static int
resources_listing_group(resources_listing_t *ls, int n, const u_char *p,
    const u_char **s, size_t *len)
{
    PCRE2_SIZE  *ov;

    ov = pcre2_get_ovector_pointer(ls->match);

    if (ov[2 * n] == PCRE2_UNSET) {
        return 0;
    }

    *s = p + ov[2 * n];
    *len = ov[2 * n + 1] - ov[2 * n];

    return 1;
}


/*
 * date, keywords, updated and links from the body lines from .. to - 1:
 * into ls->date, ls->updated (empty: null) and the arrays of ls->rec
 */

static void
resources_listing_fields(resources_listing_t *ls, size_t from, size_t to)
{
    int                        month, day, year, have_keywords, have_updated;
    size_t                     i, len, mlen, ylen;
    const u_char              *s, *m, *y;
    resources_listing_line_t  *l;

    static const int  days[] = {
        31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    have_keywords = 0;
    have_updated = 0;

    for (i = from; i < to; i++) {
        l = &ls->lines[i];

        if (l->len == 0) {
            continue;
        }

        if (resources_listing_match(ls, ls->keywords_re, l->data, l->len)
            > 0)
        {
            if (have_keywords) {
                continue;
            }

            have_keywords = 1;

            if (resources_listing_group(ls, 1, l->data, &s, &len)) {
                resources_listing_keywords(ls, s, len);
            }

            if (!resources_listing_group(ls, 2, l->data, &m, &mlen)
                || !resources_listing_group(ls, 3, l->data, &y, &ylen))
            {
                continue;
            }

            month = resources_listing_month(m, mlen);
            year = resources_listing_number(y, ylen);

            if (month == 0) {
                continue;
            }

            snprintf(ls->date, sizeof(ls->date), "%04d-%02d", year, month);

            continue;
        }

        if (resources_listing_match(ls, ls->updated_re, l->data, l->len) > 0)
        {
            if (have_updated) {
                continue;
            }

            have_updated = 1;

            if (!resources_listing_group(ls, 1, l->data, &s, &len)
                || !resources_listing_group(ls, 2, l->data, &m, &mlen)
                || !resources_listing_group(ls, 3, l->data, &y, &ylen))
            {
                continue;
            }

            day = resources_listing_number(s, len);
            month = resources_listing_month(m, mlen);
            year = resources_listing_number(y, ylen);

            /* an impossible day leaves updated null */

            if (month == 0 || day < 1 || day > days[month - 1]
                || (month == 2 && day == 29
                    && !(year % 4 == 0 && (year % 100 != 0
                                           || year % 400 == 0))))
            {
                continue;
            }

            snprintf(ls->updated, sizeof(ls->updated), "%04d-%02d-%02d", year,
                     month, day);

            continue;
        }

        if (resources_listing_match(ls, ls->url_re, l->data, l->len) > 0) {
            resources_listing_link(ls, l->data, l->len, 1);
            continue;
        }

        if (resources_listing_match(ls, ls->link_re, l->data, l->len) > 0) {
            resources_listing_link(ls, l->data, l->len, 0);
        }
    }
}


/* splits "a ; b ; c" on ";", keywords trimmed, empty ones dropped */

static void
resources_listing_keywords(resources_listing_t *ls, const u_char *p,
    size_t len)
{
    const u_char  *end, *s, *e;

    end = p + len;

    while (p <= end) {
        e = memchr(p, ';', end - p);
        if (e == NULL) {
            e = end;
        }

        s = p;
        p = e + 1;

        resources_listing_trim(&s, &e);

        if (s == e) {
            continue;
        }

        resources_json_put(&ls->rec, ls->keywords, 0,
                           resources_json_add_string(&ls->rec, s, e - s));
    }
}


/* whether node i of the record is the string p */

static int
resources_listing_is(resources_json_t *j, uint32_t i, const u_char *p,
    size_t len)
{
    return j->nodes[i].type == RESOURCES_JSON_STRING && j->nodes[i].len == len
           && memcmp(j->nodes[i].str, p, len) == 0;
}


/* adds {"label": label, "url": url ? label : null} unless the label is in */

static void
resources_listing_link(resources_listing_t *ls, const u_char *label,
    size_t len, int url)
{
    uint32_t           k, link;
    resources_json_t  *j = &ls->rec;

    for (k = j->nodes[ls->links].child; k; k = j->nodes[k].next) {
        if (resources_listing_is(j, resources_json_get(j, k, "label", 5),
                                 label, len))
        {
            return;
        }
    }

    link = resources_json_add(j, RESOURCES_JSON_OBJECT);
    resources_json_put(j, ls->links, 0, link);

    resources_json_put(j, link,
                       resources_json_add_string(j, (const u_char *) "label",
                                                 5),
                       resources_json_add_string(j, label, len));
    resources_json_put(j, link,
                       resources_json_add_string(j, (const u_char *) "url", 3),
                       url ? resources_json_add_string(j, label, len)
                           : resources_json_add(j, RESOURCES_JSON_NULL));
}


/* series and number from "Fiche <series> n°<number> - ...", else null */

static void
resources_listing_series(resources_listing_t *ls,
    resources_listing_line_t *title)
{
    size_t         slen, nlen;
    uint32_t       series, number;
    const u_char  *s, *num;

    if (resources_listing_match(ls, ls->title_re, title->data, title->len) > 0
        && resources_listing_group(ls, 1, title->data, &s, &slen)
        && resources_listing_group(ls, 2, title->data, &num, &nlen))
    {
        series = resources_json_add_string(&ls->rec, s, slen);
        number = resources_json_add_integer(&ls->rec,
                                         resources_listing_number(num, nlen));

    } else {
        series = resources_json_add(&ls->rec, RESOURCES_JSON_NULL);
        number = resources_json_add(&ls->rec, RESOURCES_JSON_NULL);
    }

    resources_listing_member(ls, "series", series);
    resources_listing_member(ls, "number", number);
}


/*
 * Appends the paragraphs of lines from .. to - 1 to buf, without the
 * keyword lines; captions go to tags instead.
 */

static int
resources_listing_text(resources_listing_t *ls, resources_listing_buf_t *buf,
    size_t from, size_t to)
{
    int                        started;
    size_t                     i, j, q;
    resources_listing_line_t  *l;

    l = ls->lines;

    for (i = from; i < to; i = j) {

        if (l[i].len == 0) {
            j = i + 1;
            continue;
        }

        for (j = i; j < to && l[j].len != 0; j++) {
            /* void */
        }

        if (j - i == 1 && resources_listing_caption(ls, &l[i])) {
            resources_listing_tag(ls, l[i].data, l[i].len);
            continue;
        }

        started = 0;

        for (q = i; q < j; q++) {

            if (resources_listing_match(ls, ls->keywords_re, l[q].data,
                                        l[q].len)
                > 0)
            {
                continue;
            }

            if (started) {
                if (resources_listing_append(buf, (const u_char *) "\n", 1)
                    != 0)
                {
                    return -1;
                }

            } else if (buf->len) {
                if (resources_listing_append(buf, (const u_char *) "\n\n", 2)
                    != 0)
                {
                    return -1;
                }
            }

            started = 1;

            if (resources_listing_append(buf, l[q].data, l[q].len) != 0) {
                return -1;
            }
        }
    }

    return 0;
}


static int
resources_listing_caption(resources_listing_t *ls,
    resources_listing_line_t *line)
{
    size_t  i, n;

    n = 0;

    for (i = 0; i < line->len; i++) {
        n += ((line->data[i] & 0xc0) != 0x80);
    }

    return n <= RESOURCES_LISTING_CAPTION_MAX
           && resources_listing_match(ls, ls->caption_re, line->data,
                                      line->len)
              > 0;
}


static void
resources_listing_tag(resources_listing_t *ls, const u_char *p, size_t len)
{
    uint32_t           k;
    resources_json_t  *j = &ls->rec;

    for (k = j->nodes[ls->tags].child; k; k = j->nodes[k].next) {
        if (resources_listing_is(j, k, p, len)) {
            return;
        }
    }

    resources_json_put(j, ls->tags, 0, resources_json_add_string(j, p, len));
}


static int
resources_listing_append(resources_listing_buf_t *buf, const u_char *p,
    size_t len)
{
    size_t   cap;
    u_char  *data;

    if (buf->cap - buf->len < len) {
        cap = buf->cap ? buf->cap : 1024;

        while (cap - buf->len < len) {
            cap *= 2;
        }

        data = realloc(buf->data, cap);
        if (data == NULL) {
            return -1;
        }

        buf->data = data;
        buf->cap = cap;
    }

    memcpy(buf->data + buf->len, p, len);
    buf->len += len;

    return 0;
}


/* 1 .. 12 for a French month name (any case, accents or not), else 0 */

static int
resources_listing_month(const u_char *p, size_t len)
{
    int      m;
    u_char   buf[RESOURCES_FOLD_RATIO * RESOURCES_LISTING_MONTH_MAX + 16];
    ssize_t  n;

    if (len > RESOURCES_LISTING_MONTH_MAX) {
        return 0;
    }

    n = resources_fold(p, len, buf, sizeof(buf));

    for (m = 0; n > 0 && resources_listing_months[m] != NULL; m++) {
        if (strlen(resources_listing_months[m]) == (size_t) n
            && memcmp(buf, resources_listing_months[m], n) == 0)
        {
            return m + 1;
        }
    }

    return 0;
}


/* ASCII digits (at most 9 of them, as the patterns say) */

static int
resources_listing_number(const u_char *p, size_t len)
{
    int     v;
    size_t  i;

    v = 0;

    for (i = 0; i < len && i < 9; i++) {
        v = v * 10 + (p[i] - '0');
    }

    return v;
}
