/*
 * Copyright (C) ngx_http_resources authors
 */


#include <string.h>

#include "resources_highlight.h"
#include "resources_html.h"
#include "resources_text.h"


/* a run's first bytes folded at most (its words are cut at 64 anyway) */
#define RESOURCES_HL_RUN     256

#define RESOURCES_HL_SEP     0      /* not part of a word */
#define RESOURCES_HL_WORD    1      /* folds to a letter or a digit */
#define RESOURCES_HL_ATTACH  2      /* folds to nothing: a combining mark */

#define RESOURCES_HL_MATCH   1      /* a run: marked */
#define RESOURCES_HL_WORDS   2      /* a run: holds a word (no elision) */


/* the runs a crop's first pass keeps for its second, at most */
#define RESOURCES_HL_SPANS   256

typedef struct {
    const u_char            *rs;
    const u_char            *re;
    unsigned                 info;
} resources_hl_span_t;


typedef struct {
    const resources_mark_t  *marks;
    size_t                   nmarks;
    unsigned                 words;     /* words of the run */
    unsigned                 stop:1;    /* one of them a stop word */
    unsigned                 match:1;
} resources_hl_run_t;


static size_t resources_hl_char(const u_char *p, const u_char *end);
static unsigned resources_hl_class(const u_char *p, size_t n);
static int resources_hl_next(const u_char *p, const u_char *end,
    const u_char **rs, const u_char **re);
static unsigned resources_hl_info(unsigned how, const u_char *rs,
    const u_char *re, const u_char *end, const resources_mark_t *marks,
    size_t nmarks);
static u_char *resources_hl_run(u_char *o, const u_char *rs,
    const u_char *re, unsigned info);


/* the bytes of the UTF-8 character at p: 1 for a byte that starts none */

static size_t
resources_hl_char(const u_char *p, const u_char *end)
{
    size_t  n;

    n = (*p < 0xc0) ? 1 : (*p < 0xe0) ? 2 : (*p < 0xf0) ? 3 : 4;

    if (n == 1 || n > (size_t) (end - p) || resources_utf8_valid(p, n) != n)
    {
        return 1;
    }

    return n;
}


static int
resources_hl_count(void *data, const resources_word_t *wd)
{
    (*(unsigned *) data)++;

    return 0;
}


static int
resources_hl_alnum(u_char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9');
}


/* what the character p[0 .. n) folds to: RESOURCES_HL_* */

static unsigned
resources_hl_class(const u_char *p, size_t n)
{
    u_char    buf[RESOURCES_FOLD_RATIO * 4 + 16];
    ssize_t   f;
    unsigned  words;

    if (n == 1) {
        return resources_hl_alnum(*p) ? RESOURCES_HL_WORD : RESOURCES_HL_SEP;
    }

    /*
     * Latin-1 Supplement and Latin Extended-A letters (U+00C0 to U+017F,
     * French accents and ligatures), but for U+00D7 and U+00F7 (the
     * multiplication and division signs): letters, without folding
     */

    if (n == 2 && p[0] >= 0xc3 && p[0] <= 0xc5
        && !(p[0] == 0xc3 && (p[1] == 0x97 || p[1] == 0xb7)))
    {
        return RESOURCES_HL_WORD;
    }

    f = resources_fold(p, n, buf, sizeof(buf));
    if (f < 0) {
        return RESOURCES_HL_SEP;
    }

    if (f == 0) {
        return RESOURCES_HL_ATTACH;
    }

    words = 0;
    (void) resources_words_ex(buf, (size_t) f, RESOURCES_STEM_NONE,
                              resources_hl_count, &words);

    return words ? RESOURCES_HL_WORD : RESOURCES_HL_SEP;
}


/*
 * The next run of word characters from p: *rs .. *re (a combining mark
 * after a letter is part of it); 0 when there is none
 */

static int
resources_hl_next(const u_char *p, const u_char *end, const u_char **rs,
    const u_char **re)
{
    size_t  n;

    for ( ;; ) {
        if (p == end) {
            return 0;
        }

        if (*p < 0x80) {                /* ASCII: resources_hl_class()'s */
            n = 1;

            if (resources_hl_alnum(*p)) {
                break;
            }

        } else {
            n = resources_hl_char(p, end);

            if (resources_hl_class(p, n) == RESOURCES_HL_WORD) {
                break;
            }
        }

        p += n;
    }

    *rs = p;
    p += n;

    while (p < end) {
        if (*p < 0x80) {
            if (!resources_hl_alnum(*p)) {
                break;
            }

            p++;
            continue;
        }

        n = resources_hl_char(p, end);

        if (resources_hl_class(p, n) == RESOURCES_HL_SEP) {
            break;
        }

        p += n;
    }

    *re = p;

    return 1;
}


/* a word of the run against the marks */

static int
resources_hl_word(void *data, const u_char *word, size_t len,
    unsigned flags)
{
    resources_hl_run_t  *run = data;

    size_t                   i;
    const resources_mark_t  *m;

    run->words++;

    if (flags & RESOURCES_WORD_STOP) {
        run->stop = 1;              /* not indexed: never found by q */
        return 0;
    }

    for (i = 0; i < run->nmarks; i++) {
        m = &run->marks[i];

        if ((m->len == len || (m->prefix && m->len < len))
            && memcmp(word, m->data, m->len) == 0)
        {
            run->match = 1;
            return 1;
        }
    }

    return 0;
}


static int
resources_hl_word_ex(void *data, const resources_word_t *wd)
{
    return resources_hl_word(data, wd->word, wd->len, wd->flags);
}


/* whether a mark starts with byte c */

static int
resources_hl_starts_mark(u_char c, const resources_mark_t *marks,
    size_t nmarks)
{
    size_t  k;

    for (k = 0; k < nmarks; k++) {
        if (marks[k].len > 0 && marks[k].data[0] == c) {
            return 1;
        }
    }

    return 0;
}


/*
 * Whether a word of the folded run buf[0 .. n) may match a mark: one
 * starts with a mark's first byte (a byte that folding keeps above ASCII
 * anywhere: may)
 */

static int
resources_hl_may_match(const u_char *buf, size_t n,
    const resources_mark_t *marks, size_t nmarks)
{
    size_t  i;

    for (i = 0; i < n; i++) {
        if (buf[i] >= 0x80) {
            return 1;
        }

        if (resources_hl_alnum(buf[i])
            && (i == 0 || !resources_hl_alnum(buf[i - 1]))
            && resources_hl_starts_mark(buf[i], marks, nmarks))
        {
            return 1;
        }
    }

    return 0;
}


/*
 * A run all ASCII letters and digits whose first letter, folded, starts
 * no mark: 0; anything else (a byte above ASCII, a mark that may match):
 * 1, the run is looked at whole
 */

static int
resources_hl_may_match_ascii(const u_char *rs, size_t n,
    const resources_mark_t *marks, size_t nmarks)
{
    size_t  i;
    u_char  c;

    for (i = 0; i < n; i++) {
        if (rs[i] >= 0x80 || !resources_hl_alnum(rs[i])) {
            return 1;
        }
    }

    c = (rs[0] >= 'A' && rs[0] <= 'Z') ? (u_char) (rs[0] | 0x20) : rs[0];

    return resources_hl_starts_mark(c, marks, nmarks);
}


/*
 * What the run rs .. re is (RESOURCES_HL_MATCH, RESOURCES_HL_WORDS):
 * folded (with the apostrophe after it, for the elisions), split and
 * stemmed as the loader does it; for a run of one word, a prefix is also
 * tried against its unstemmed form
 */

static unsigned
resources_hl_info(unsigned how, const u_char *rs, const u_char *re,
    const u_char *end, const resources_mark_t *marks, size_t nmarks)
{
    u_char                   buf[RESOURCES_FOLD_RATIO
                                 * (RESOURCES_HL_RUN + 4) + 16];
    size_t                   i, n, c;
    ssize_t                  f;
    unsigned                 words;
    resources_hl_run_t       run;
    const resources_mark_t  *m;

    n = (size_t) (re - rs);

    /*
     * A run of ASCII letters and digits, no apostrophe after it: one word
     * (a stop word is one too), as it is folded but for the case; when no
     * mark starts with its first letter it is only counted
     */

    if (n <= RESOURCES_HL_RUN
        && !resources_hl_may_match_ascii(rs, n, marks, nmarks)
        && (re == end || (*re < 0x80 && *re != '\'' && *re != '`')))
    {
        return RESOURCES_HL_WORDS;
    }

    if (n > RESOURCES_HL_RUN) {
        n = RESOURCES_HL_RUN;

        while (n > 0 && (rs[n] & 0xc0) == 0x80) {
            n--;
        }

    } else if (re < end) {

        /* the separator after it, when it is an apostrophe */

        c = resources_hl_char(re, end);

        if ((c == 1 && (*re == '\'' || *re == '`'))
            || (c > 1 && resources_fold(re, c, buf, sizeof(buf)) == 1
                && buf[0] == '\''))
        {
            n += c;
        }
    }

    f = resources_fold(rs, n, buf, sizeof(buf));
    if (f <= 0) {
        return 0;
    }

    run.marks = marks;
    run.nmarks = nmarks;
    run.words = 0;
    run.stop = 0;
    run.match = 0;

    /*
     * A word and its stem start with the same byte (stemming cuts and
     * changes endings): when no word of the run starts as a mark does,
     * none matches, and its words are only counted, not stemmed
     */

    if (!resources_hl_may_match(buf, (size_t) f, marks, nmarks)) {
        (void) resources_words_ex(buf, (size_t) f, RESOURCES_STEM_NONE,
                                  resources_hl_count, &run.words);

        return run.words ? RESOURCES_HL_WORDS : 0;
    }

    (void) resources_words_ex(buf, (size_t) f, how, resources_hl_word_ex,
                              &run);

    words = run.words ? RESOURCES_HL_WORDS : 0;

    if (run.match) {
        return words | RESOURCES_HL_MATCH;
    }

    if (run.words != 1 || run.stop) {
        return words;
    }

    /* one word: the run folded is it, unstemmed (and its apostrophe) */

    if (buf[f - 1] == '\'') {
        f--;
    }

    for (i = 0; i < nmarks; i++) {
        m = &marks[i];

        if (m->prefix && m->len <= (size_t) f
            && memcmp(buf, m->data, m->len) == 0)
        {
            return words | RESOURCES_HL_MATCH;
        }
    }

    return words;
}


/* a run escaped, marked when it matches */

static u_char *
resources_hl_run(u_char *o, const u_char *rs, const u_char *re,
    unsigned info)
{
    if (!(info & RESOURCES_HL_MATCH)) {
        return o + resources_html_escape(rs, (size_t) (re - rs), o);
    }

    o = memcpy(o, "<mark>", 6);
    o += 6;
    o += resources_html_escape(rs, (size_t) (re - rs), o);

    return (u_char *) memcpy(o, "</mark>", 7) + 7;
}


size_t
resources_highlight_marks(const resources_q_t *qs, resources_mark_t *marks)
{
    size_t                     i, j, k, n;
    unsigned                   prefix;
    const resources_q_unit_t  *u;
    const resources_str_t     *w;

    n = 0;

    for (i = 0; i < qs->nunits; i++) {
        u = &qs->unit[i];

        if (u->flags & (RESOURCES_Q_NEGATED | RESOURCES_Q_IGNORED)) {
            continue;
        }

        for (k = 0; k < u->nwords; k++) {
            w = &qs->word[u->word + k].text;
            prefix = (k + 1 == u->nwords && (u->flags & RESOURCES_Q_PREFIX)
                      && w->len >= 2);

            for (j = 0; j < n; j++) {
                if (marks[j].len == w->len && marks[j].prefix == prefix
                    && memcmp(marks[j].data, w->data, w->len) == 0)
                {
                    break;
                }
            }

            if (j == n) {
                marks[n].data = w->data;
                marks[n].len = w->len;
                marks[n].prefix = prefix;
                n++;
            }
        }
    }

    return n;
}


/*
 * crop words of text from the word "from" on (words: runs with a word;
 * an elision goes with the word after it), "…" where it is cut
 */

static size_t
resources_hl_crop(unsigned how, const u_char *text, size_t len,
    const resources_mark_t *marks, size_t nmarks, size_t from, size_t crop,
    size_t words, const resources_hl_span_t *spans, size_t nspans,
    u_char *out)
{
    size_t         w, k;
    u_char        *o;
    unsigned       info;
    const u_char  *p, *end, *rs, *re;

    static const u_char  ellipsis[] = "\xe2\x80\xa6";

    o = out;
    p = text;
    end = text + len;
    w = 0;

    for (k = 0; /* void */ ; k++) {

        /*
         * the runs as the first pass found them; past the ones it kept
         * (all of them but in a very long text), found again
         */

        if (k < nspans) {
            rs = spans[k].rs;
            re = spans[k].re;
            info = spans[k].info;

        } else if (nspans < RESOURCES_HL_SPANS) {
            break;

        } else if (resources_hl_next(p, end, &rs, &re)) {
            info = resources_hl_info(how, rs, re, end, marks, nmarks);

        } else {
            break;
        }

        if (w < from) {
            w += (info & RESOURCES_HL_WORDS) != 0;
            p = re;
            continue;
        }

        if (from > 0 && o == out) {
            o = memcpy(o, ellipsis, 3);
            o += 3;

        } else {
            o += resources_html_escape(p, (size_t) (rs - p), o);
        }

        o = resources_hl_run(o, rs, re, info);
        p = re;

        w += (info & RESOURCES_HL_WORDS) != 0;

        if (w == from + crop) {
            break;
        }
    }

    if (from + crop < words) {
        o = memcpy(o, ellipsis, 3);
        return (size_t) (o + 3 - out);
    }

    return (size_t) (o - out)
           + resources_html_escape(p, (size_t) (end - p), o);
}


size_t
resources_highlight(const u_char *text, size_t len,
    const resources_mark_t *marks, size_t nmarks, size_t crop, unsigned how,
    u_char *out)
{
    size_t               words, first, from, nspans;
    u_char              *o;
    unsigned             info;
    const u_char        *p, *end, *rs, *re;
    resources_hl_span_t  spans[RESOURCES_HL_SPANS];

    p = text;
    end = text + len;

    if (crop) {

        /* the words, and the first that matches; the first runs kept */

        words = 0;
        first = (size_t) -1;
        nspans = 0;

        while (resources_hl_next(p, end, &rs, &re)) {
            info = resources_hl_info(how, rs, re, end, marks, nmarks);

            if (nspans < RESOURCES_HL_SPANS) {
                spans[nspans].rs = rs;
                spans[nspans].re = re;
                spans[nspans].info = info;
                nspans++;
            }

            if (first == (size_t) -1 && (info & RESOURCES_HL_MATCH)) {
                first = words;
            }

            words += (info & RESOURCES_HL_WORDS) != 0;
            p = re;
        }

        if (words > crop) {

            /* the first match in the middle, when it can be */

            from = (first == (size_t) -1 || first < crop / 2)
                   ? 0 : first - crop / 2;

            if (from > words - crop) {
                from = words - crop;
            }

            return resources_hl_crop(how, text, len, marks, nmarks, from,
                                     crop, words, spans, nspans, out);
        }

        p = text;
    }

    o = out;

    while (resources_hl_next(p, end, &rs, &re)) {
        o += resources_html_escape(p, (size_t) (rs - p), o);
        o = resources_hl_run(o, rs, re,
                             nmarks ? resources_hl_info(how, rs, re, end,
                                                        marks, nmarks)
                                    : 0);
        p = re;
    }

    return (size_t) (o - out)
           + resources_html_escape(p, (size_t) (end - p), o);
}
