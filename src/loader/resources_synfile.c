/*
 * Copyright (C) ngx_http_resources authors
 *
 * A synonyms file parsed into the "syn" value (resources_synfile.h).
 *
 * Lines are parsed into forms (each normalized into a pool of words) and
 * (trigger, form) pairs; at the end the forms are sorted and made
 * distinct, the pairs sorted and made distinct, and the value written in
 * the order resources_synonyms.h defines.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "resources_store.h"
#include "resources_synfile.h"
#include "resources_text.h"
#include "resources_util.h"


/* a form while parsing: its words in the pool */

typedef struct {
    uint32_t       off;             /* of its first word in the pool */
    uint32_t       id;              /* its number once sorted */
    uint8_t        nwords;
    uint8_t        len[RESOURCES_SYN_FORM_WORDS];
} resources_synform_t;


typedef struct {
    uint32_t       trigger;         /* form entries, then form numbers */
    uint32_t       form;
    uint32_t       line;
} resources_synpair_t;


typedef struct {
    resources_synfile_error_pt   error;
    void                        *data;
    unsigned long                problems;
    unsigned long                line;

    u_char                      *pool;
    size_t                       pool_len;
    size_t                       pool_cap;

    resources_synform_t         *forms;
    size_t                       nforms;
    size_t                       forms_cap;

    resources_synpair_t         *pairs;
    size_t                       npairs;
    size_t                       pairs_cap;

    u_char                      *piece;     /* a form, unescaped */
    u_char                      *fold;      /* a piece of it, folded */
    size_t                       fold_cap;
} resources_synparse_t;


/* the walk of a form's words (resources_words) */

typedef struct {
    resources_synparse_t        *sp;
    resources_synform_t         *form;
    unsigned                     over:1;
} resources_synwalk_t;


static void
resources_synfile_problem(resources_synparse_t *sp, unsigned long line,
    const char *fmt, ...)
{
    char     msg[512];
    va_list  ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    sp->problems++;
    sp->error(sp->data, line, msg);
}


/* at most max bytes of s, cut at a character boundary (for a message) */

static int
resources_synfile_shown(const u_char *s, size_t len, size_t max)
{
    if (len <= max) {
        return (int) len;
    }

    while (max > 0 && (s[max] & 0xc0) == 0x80) {
        max--;
    }

    return (int) max;
}


static int
resources_synfile_word(void *data, const u_char *word, size_t len,
    unsigned flags)
{
    resources_synwalk_t  *w = data;

    resources_synparse_t  *sp = w->sp;

    if (flags & RESOURCES_WORD_STOP) {
        return 0;                       /* as resources_q_parse() */
    }

    if (w->form->nwords == RESOURCES_SYN_FORM_WORDS) {
        w->over = 1;
        return 1;
    }

    if (sp->pool_cap - sp->pool_len < len) {
        sp->pool_cap = (sp->pool_cap + len) * 2;
        sp->pool = resources_xrealloc(sp->pool, sp->pool_cap);
    }

    memcpy(sp->pool + sp->pool_len, word, len);
    sp->pool_len += len;
    w->form->len[w->form->nwords++] = (uint8_t) len;

    return 0;
}


/* the words stemmed as the loader indexes them (RESOURCES_STEM_LIGHT) */

static int
resources_synfile_word_ex(void *data, const resources_word_t *wd)
{
    return resources_synfile_word(data, wd->word, wd->len, wd->flags);
}


static int
resources_synfile_space(u_char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
           || c == '\v';
}


/*
 * A form: its pieces (separated by white space, as q's) folded and split
 * into words; returns its entry, or -1 (reported)
 */

static ssize_t
resources_synfile_form(resources_synparse_t *sp, const u_char *text,
    size_t len)
{
    size_t                n;
    ssize_t               flen;
    const u_char         *p, *end, *start;
    resources_synwalk_t   w;
    resources_synform_t  *f;

    if (sp->nforms == sp->forms_cap) {
        sp->forms_cap = sp->forms_cap ? 2 * sp->forms_cap : 256;
        sp->forms = resources_xrealloc(sp->forms, sp->forms_cap
                                                  * sizeof(*sp->forms));
    }

    f = &sp->forms[sp->nforms];
    memset(f, 0, sizeof(resources_synform_t));
    f->off = (uint32_t) sp->pool_len;

    w.sp = sp;
    w.form = f;
    w.over = 0;

    p = text;
    end = text + len;

    while (p < end && !w.over) {
        while (p < end && resources_synfile_space(*p)) {
            p++;
        }

        start = p;

        while (p < end && !resources_synfile_space(*p)) {
            p++;
        }

        if (p == start) {
            break;
        }

        flen = resources_fold(start, (size_t) (p - start), sp->fold,
                              sp->fold_cap);
        if (flen < 0) {
            resources_synfile_problem(sp, sp->line, "\"%.*s\": cannot be"
                                      " folded",
                                      resources_synfile_shown(text, len, 80),
                                      text);
            goto failed;
        }

        (void) resources_words_ex(sp->fold, (size_t) flen,
                                  RESOURCES_STEM_LIGHT,
                                  resources_synfile_word_ex, &w);
    }

    n = resources_synfile_shown(text, len, 80);

    if (w.over) {
        resources_synfile_problem(sp, sp->line, "\"%.*s\": more than %d"
                                  " words", (int) n, text,
                                  RESOURCES_SYN_FORM_WORDS);
        goto failed;
    }

    if (f->nwords == 0) {
        resources_synfile_problem(sp, sp->line, "\"%.*s\": no word to"
                                  " search for once folded (stop words and"
                                  " punctuation are not searched for)",
                                  (int) n, text);
        goto failed;
    }

    return (ssize_t) sp->nforms++;

failed:

    sp->pool_len = f->off;

    return -1;
}


static void
resources_synfile_pair(resources_synparse_t *sp, size_t trigger,
    size_t form)
{
    if (sp->npairs == sp->pairs_cap) {
        sp->pairs_cap = sp->pairs_cap ? 2 * sp->pairs_cap : 1024;
        sp->pairs = resources_xrealloc(sp->pairs, sp->pairs_cap
                                                  * sizeof(*sp->pairs));
    }

    sp->pairs[sp->npairs].trigger = (uint32_t) trigger;
    sp->pairs[sp->npairs].form = (uint32_t) form;
    sp->pairs[sp->npairs].line = (uint32_t) sp->line;
    sp->npairs++;
}


/*
 * One rule: a line that is not blank or a comment (valid UTF-8, without
 * its end of line); 0, or -1 (reported)
 */

static int
resources_synfile_rule(resources_synparse_t *sp, const u_char *line,
    size_t len)
{
    int            arrow;
    size_t         i, j, n, side[2], nforms, pool;
    ssize_t        form, forms[2][RESOURCES_SYN_RULE_FORMS];
    u_char        *piece;
    const u_char  *p, *end;

    arrow = 0;
    side[0] = 0;
    side[1] = 0;
    nforms = sp->nforms;
    pool = sp->pool_len;

    p = line;
    end = line + len;

    for ( ;; ) {

        /* a form: up to "," or "=>" or the end, "\" escaping */

        piece = sp->piece;
        n = 0;

        while (p < end) {
            if (*p == '\\' && p + 1 < end) {
                piece[n++] = p[1];
                p += 2;
                continue;
            }

            if (*p == ',' || (*p == '=' && p + 1 < end && p[1] == '>')) {
                break;
            }

            piece[n++] = *p++;
        }

        /* trimmed */

        for (i = 0; i < n && resources_synfile_space(piece[i]); i++) {
            /* void */
        }

        for (j = n; j > i && resources_synfile_space(piece[j - 1]); j--) {
            /* void */
        }

        if (i == j) {
            resources_synfile_problem(sp, sp->line, "an empty form (a \",\""
                                      " or \"=>\" with nothing before or"
                                      " after it)");
            goto failed;
        }

        if (side[arrow] == RESOURCES_SYN_RULE_FORMS) {
            resources_synfile_problem(sp, sp->line, "more than %d forms"
                                      " on a side of a rule",
                                      RESOURCES_SYN_RULE_FORMS);
            goto failed;
        }

        form = resources_synfile_form(sp, piece + i, j - i);
        if (form < 0) {
            goto failed;
        }

        forms[arrow][side[arrow]++] = form;

        if (p == end) {
            break;
        }

        if (*p == ',') {
            p++;
            continue;
        }

        /* "=>" */

        if (arrow) {
            resources_synfile_problem(sp, sp->line, "\"=>\" more than once"
                                      " (write \"\\=>\" for the text)");
            goto failed;
        }

        arrow = 1;
        p += 2;
    }

    if (!arrow && side[0] == 1) {
        resources_synfile_problem(sp, sp->line, "one form alone: a rule"
                                  " has two forms or more (\"a, b\"), or"
                                  " \"=>\" (\"a => b\")");
        goto failed;
    }

    /* its pairs: every form of each side to every form of the last side */

    n = arrow ? side[0] * side[1] : side[0] * side[0];

    if (n > RESOURCES_SYN_PAIRS_MAX - sp->npairs) {
        resources_synfile_problem(sp, sp->line, "more than %d (form,"
                                  " expansion) pairs in the file",
                                  RESOURCES_SYN_PAIRS_MAX);
        goto failed;
    }

    for (i = 0; i < side[0]; i++) {
        for (j = 0; j < side[arrow]; j++) {
            resources_synfile_pair(sp, (size_t) forms[0][i],
                                   (size_t) forms[arrow][j]);
        }
    }

    return 0;

failed:

    /* the forms of a bad rule go */

    sp->nforms = nforms;
    sp->pool_len = pool;

    return -1;
}


/* the words of a form entry, as strings */

static uint32_t
resources_synfile_words(resources_synparse_t *sp, const resources_synform_t *f,
    resources_str_t *w)
{
    uint32_t  i, off;

    off = f->off;

    for (i = 0; i < f->nwords; i++) {
        w[i].data = sp->pool + off;
        w[i].len = f->len[i];
        off += f->len[i];
    }

    return f->nwords;
}


/* a form's words joined by spaces, for a message (cut to fit buf) */

static const char *
resources_synfile_text(resources_synparse_t *sp, const resources_synform_t *f,
    char *buf, size_t size)
{
    size_t           i, n, at, room;
    resources_str_t  w[RESOURCES_SYN_FORM_WORDS];

    n = resources_synfile_words(sp, f, w);
    at = 0;

    for (i = 0; i < n && at + 1 < size; i++) {
        if (i > 0) {
            buf[at++] = ' ';
        }

        room = size - 1 - at;
        room = (size_t) resources_synfile_shown(w[i].data, w[i].len, room);
        memcpy(buf + at, w[i].data, room);
        at += room;
    }

    buf[at < size ? at : size - 1] = '\0';

    return buf;
}


static resources_synparse_t  *resources_synfile_sorting;


static int
resources_synfile_form_cmp(const void *one, const void *two)
{
    size_t                 na, nb;
    resources_str_t        a[RESOURCES_SYN_FORM_WORDS];
    resources_str_t        b[RESOURCES_SYN_FORM_WORDS];
    resources_synparse_t  *sp = resources_synfile_sorting;

    na = resources_synfile_words(sp, &sp->forms[*(const uint32_t *) one], a);
    nb = resources_synfile_words(sp, &sp->forms[*(const uint32_t *) two], b);

    return resources_syn_cmp_words(a, na, b, nb);
}


static int
resources_synfile_pair_cmp(const void *one, const void *two)
{
    const resources_synpair_t  *a = one, *b = two;

    if (a->trigger != b->trigger) {
        return a->trigger < b->trigger ? -1 : 1;
    }

    if (a->form != b->form) {
        return a->form < b->form ? -1 : 1;
    }

    return (a->line > b->line) - (a->line < b->line);
}


static void
resources_synfile_put(u_char *value, size_t i, uint32_t v)
{
    memcpy(value + i * sizeof(uint32_t), &v, sizeof(uint32_t));
}


/*
 * The value: forms sorted and distinct, pairs sorted and distinct; 0, or
 * -1 (reported: a trigger with too many expansions, a value too long)
 */

static int
resources_synfile_value(resources_synparse_t *sp, resources_synfile_t *sf)
{
    int              rc;
    size_t           i, j, k, n, F, W, B, T, E, len, at;
    u_char          *value, *text;
    char             shown[128];
    uint32_t        *order, *distinct, id, slot, off, line;
    resources_str_t  w[RESOURCES_SYN_FORM_WORDS];

    /* the forms in order; equal ones get one number */

    order = resources_xmalloc((sp->nforms + 1) * sizeof(uint32_t));
    distinct = resources_xmalloc((sp->nforms + 1) * sizeof(uint32_t));

    for (i = 0; i < sp->nforms; i++) {
        order[i] = (uint32_t) i;
    }

    resources_synfile_sorting = sp;
    qsort(order, sp->nforms, sizeof(uint32_t), resources_synfile_form_cmp);

    F = 0;
    W = 0;
    B = 0;

    for (i = 0; i < sp->nforms; i++) {
        if (i == 0
            || resources_synfile_form_cmp(&order[i - 1], &order[i]) != 0)
        {
            distinct[F++] = order[i];
            W += sp->forms[order[i]].nwords;

            for (k = 0; k < sp->forms[order[i]].nwords; k++) {
                B += sp->forms[order[i]].len[k];
            }
        }

        sp->forms[order[i]].id = (uint32_t) (F - 1);
    }

    resources_synfile_sorting = NULL;

    /* the pairs by form numbers, sorted, distinct */

    for (i = 0; i < sp->npairs; i++) {
        sp->pairs[i].trigger = sp->forms[sp->pairs[i].trigger].id;
        sp->pairs[i].form = sp->forms[sp->pairs[i].form].id;
    }

    qsort(sp->pairs, sp->npairs, sizeof(resources_synpair_t),
          resources_synfile_pair_cmp);

    T = 0;
    E = 0;
    rc = 0;

    for (i = 0; i < sp->npairs; i = j) {
        n = 0;
        line = 0;

        for (j = i; j < sp->npairs && sp->pairs[j].trigger
                                      == sp->pairs[i].trigger; j++)
        {
            if (j == i || sp->pairs[j].form != sp->pairs[j - 1].form) {
                n++;
            }

            if (sp->pairs[j].line > line) {
                line = sp->pairs[j].line;
            }
        }

        if (n > RESOURCES_SYN_EXPAND_MAX) {
            resources_synfile_problem(sp, line, "\"%s\" (as searched for)"
                                      " expands to more than %d forms with"
                                      " this rule and those before it",
                                      resources_synfile_text(sp,
                                          &sp->forms[distinct[
                                              sp->pairs[i].trigger]],
                                          shown, sizeof(shown)),
                                      RESOURCES_SYN_EXPAND_MAX);
            rc = -1;
        }

        T++;
        E += n;
    }

    len = RESOURCES_SYN_HEAD * 4 + 12 * T + 4 * E + 8 * F + 4 * (W + 1)
          + ((B + 3) & ~(size_t) 3);

    if (rc == 0 && len > RESOURCES_SYN_VALUE_MAX) {
        resources_synfile_problem(sp, 0, "the synonyms make a value of %zu"
                                  " bytes, more than %d", len,
                                  RESOURCES_SYN_VALUE_MAX);
        rc = -1;
    }

    if (rc != 0) {
        free(order);
        free(distinct);
        return -1;
    }

    value = resources_xcalloc(len);

    resources_synfile_put(value, 0, RESOURCES_SYN_FORMAT);
    resources_synfile_put(value, 1, (uint32_t) T);
    resources_synfile_put(value, 2, (uint32_t) F);
    resources_synfile_put(value, 3, (uint32_t) W);
    resources_synfile_put(value, 4, (uint32_t) E);
    resources_synfile_put(value, 5, (uint32_t) B);

    /* the triggers and their expansions */

    at = RESOURCES_SYN_HEAD;
    k = RESOURCES_SYN_HEAD + 3 * T;         /* the next expansion */

    for (i = 0; i < sp->npairs; i = j) {
        resources_synfile_put(value, at, sp->pairs[i].trigger);
        resources_synfile_put(value, at + 1,
                              (uint32_t) (k - RESOURCES_SYN_HEAD - 3 * T));
        n = 0;

        for (j = i; j < sp->npairs && sp->pairs[j].trigger
                                      == sp->pairs[i].trigger; j++)
        {
            if (j == i || sp->pairs[j].form != sp->pairs[j - 1].form) {
                resources_synfile_put(value, k++, sp->pairs[j].form);
                n++;
            }
        }

        resources_synfile_put(value, at + 2, (uint32_t) n);
        at += 3;
    }

    /* the forms, their word slots and the text */

    at = RESOURCES_SYN_HEAD + 3 * T + E;    /* forms */
    k = at + 2 * F;                         /* word offsets */
    text = value + (k + W + 1) * 4;
    slot = 0;
    off = 0;

    for (id = 0; id < F; id++) {
        n = resources_synfile_words(sp, &sp->forms[distinct[id]], w);

        resources_synfile_put(value, at + 2 * id, slot);
        resources_synfile_put(value, at + 2 * id + 1, (uint32_t) n);

        for (i = 0; i < n; i++) {
            resources_synfile_put(value, k + slot++, off);
            memcpy(text + off, w[i].data, w[i].len);
            off += (uint32_t) w[i].len;
        }
    }

    resources_synfile_put(value, k + slot, off);

    free(order);
    free(distinct);

    sf->value = value;
    sf->len = len;
    sf->ntriggers = (uint32_t) T;
    sf->nforms = (uint32_t) F;

    return 0;
}


unsigned long
resources_synfile_parse(const u_char *text, size_t len,
    resources_synfile_t *sf, resources_synfile_error_pt error, void *data)
{
    size_t                 n, valid;
    const u_char          *p, *end, *eol, *s, *e;
    resources_synparse_t   sp;

    memset(sf, 0, sizeof(resources_synfile_t));
    memset(&sp, 0, sizeof(resources_synparse_t));

    sp.error = error;
    sp.data = data;
    sp.piece = resources_xmalloc(RESOURCES_SYN_LINE_MAX);
    sp.fold_cap = RESOURCES_FOLD_RATIO * RESOURCES_SYN_LINE_MAX + 16;
    sp.fold = resources_xmalloc(sp.fold_cap);

    p = text;
    end = text + len;

    /* a byte order mark */

    if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
        p += 3;
    }

    while (p < end) {
        sp.line++;

        eol = memchr(p, '\n', (size_t) (end - p));
        if (eol == NULL) {
            eol = end;
        }

        s = p;
        e = eol;
        p = (eol < end) ? eol + 1 : end;

        if (e > s && e[-1] == '\r') {
            e--;
        }

        n = (size_t) (e - s);

        if (n > RESOURCES_SYN_LINE_MAX) {
            resources_synfile_problem(&sp, sp.line, "a line of %zu bytes,"
                                      " more than %d", n,
                                      RESOURCES_SYN_LINE_MAX);
            continue;
        }

        valid = resources_utf8_valid(s, n);

        if (valid != n) {
            resources_synfile_problem(&sp, sp.line, "%s (byte %zu of the"
                                      " line)", s[valid] == '\0'
                                                ? "a NUL byte"
                                                : "invalid UTF-8",
                                      valid + 1);
            continue;
        }

        /* blank lines, comments */

        while (s < e && resources_synfile_space(*s)) {
            s++;
        }

        if (s == e || *s == '#') {
            continue;
        }

        if (sf->rules == RESOURCES_SYN_RULES_MAX) {
            resources_synfile_problem(&sp, sp.line, "more than %d rules",
                                      RESOURCES_SYN_RULES_MAX);
            break;
        }

        sf->rules++;

        (void) resources_synfile_rule(&sp, s, (size_t) (e - s));
    }

    if (sp.problems == 0 && sp.npairs > 0) {
        (void) resources_synfile_value(&sp, sf);
    }

    free(sp.piece);
    free(sp.fold);
    free(sp.pool);
    free(sp.forms);
    free(sp.pairs);

    return sp.problems;
}


unsigned long
resources_synfile_read(const char *path, resources_synfile_t *sf,
    resources_synfile_error_pt error, void *data)
{
    char           msg[512];
    FILE          *f;
    size_t         n;
    u_char        *text;
    unsigned long  problems;
    struct stat    sb;

    memset(sf, 0, sizeof(resources_synfile_t));

    f = fopen(path, "r");
    if (f == NULL) {
        snprintf(msg, sizeof(msg), "%s", strerror(errno));
        error(data, 0, msg);
        return 1;
    }

    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode)
        && sb.st_size > RESOURCES_SYN_FILE_MAX)
    {
        fclose(f);
        snprintf(msg, sizeof(msg), "a file of more than %d bytes",
                 RESOURCES_SYN_FILE_MAX);
        error(data, 0, msg);
        return 1;
    }

    /* read whole, one byte past the limit to see it passed */

    text = resources_xmalloc(RESOURCES_SYN_FILE_MAX + 1);
    n = fread(text, 1, RESOURCES_SYN_FILE_MAX + 1, f);

    if (ferror(f)) {
        snprintf(msg, sizeof(msg), "read error: %s", strerror(errno));
        fclose(f);
        free(text);
        error(data, 0, msg);
        return 1;
    }

    fclose(f);

    if (n > RESOURCES_SYN_FILE_MAX) {
        free(text);
        snprintf(msg, sizeof(msg), "a file of more than %d bytes",
                 RESOURCES_SYN_FILE_MAX);
        error(data, 0, msg);
        return 1;
    }

    problems = resources_synfile_parse(text, n, sf, error, data);
    free(text);

    return problems;
}


void
resources_synfile_free(resources_synfile_t *sf)
{
    free(sf->value);
    sf->value = NULL;
    sf->len = 0;
}
