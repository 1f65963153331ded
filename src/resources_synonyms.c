/*
 * Copyright (C) ngx_http_resources authors
 *
 * Synonyms: the "syn" value checked, and looked up in place
 * (resources_synonyms.h describes the layout).
 */

#include <stdio.h>
#include <string.h>

#include "resources_store.h"
#include "resources_synonyms.h"


#define resources_syn_u32(p, i)                                               \
    resources_get_u32((p) + (size_t) (i) * sizeof(uint32_t))

#define resources_syn_error(...)                                              \
    do {                                                                      \
        snprintf(err, errlen, __VA_ARGS__);                                   \
        return -1;                                                            \
    } while (0)


static int
resources_syn_cmp_word(const u_char *a, size_t alen, const u_char *b,
    size_t blen)
{
    int  rc;

    rc = memcmp(a, b, alen < blen ? alen : blen);

    if (rc != 0) {
        return rc;
    }

    return (alen > blen) - (alen < blen);
}


int
resources_syn_cmp_words(const resources_str_t *a, size_t na,
    const resources_str_t *b, size_t nb)
{
    int     rc;
    size_t  i;

    for (i = 0; i < na && i < nb; i++) {
        rc = resources_syn_cmp_word(a[i].data, a[i].len, b[i].data,
                                    b[i].len);
        if (rc != 0) {
            return rc;
        }
    }

    return (na > nb) - (na < nb);
}


void
resources_syn_word(const resources_syn_t *syn,
    const resources_syn_form_t *form, uint32_t i, resources_str_t *word)
{
    uint32_t  slot, off;

    slot = form->word + i;
    off = resources_syn_u32(syn->words, slot);

    word->data = syn->text + off;
    word->len = resources_syn_u32(syn->words, slot + 1) - off;
}


static void
resources_syn_form(const resources_syn_t *syn, uint32_t form,
    resources_syn_form_t *f)
{
    f->form = form;
    f->word = resources_syn_u32(syn->forms, 2 * (size_t) form);
    f->nwords = resources_syn_u32(syn->forms, 2 * (size_t) form + 1);
}


/* form a against form b (both checked), in the value's order */

static int
resources_syn_cmp_forms(const resources_syn_t *syn, uint32_t a, uint32_t b)
{
    int                   rc;
    uint32_t              i;
    resources_str_t       wa, wb;
    resources_syn_form_t  fa, fb;

    resources_syn_form(syn, a, &fa);
    resources_syn_form(syn, b, &fb);

    for (i = 0; i < fa.nwords && i < fb.nwords; i++) {
        resources_syn_word(syn, &fa, i, &wa);
        resources_syn_word(syn, &fb, i, &wb);

        rc = resources_syn_cmp_word(wa.data, wa.len, wb.data, wb.len);
        if (rc != 0) {
            return rc;
        }
    }

    return (fa.nwords > fb.nwords) - (fa.nwords < fb.nwords);
}


int
resources_syn_init(resources_syn_t *syn, const u_char *value, size_t len,
    char *err, size_t errlen)
{
    size_t           i, j;
    uint64_t         size;
    uint32_t         T, F, W, E, B, at, next, form, prev, n, first;
    const u_char    *p;

    memset(syn, 0, sizeof(resources_syn_t));

    if (len < RESOURCES_SYN_HEAD * sizeof(uint32_t) || len % 4
        || len > RESOURCES_SYN_VALUE_MAX)
    {
        resources_syn_error("the synonyms: a value of %zu bytes", len);
    }

    if (resources_syn_u32(value, 0) != RESOURCES_SYN_FORMAT) {
        resources_syn_error("the synonyms: unknown format %u",
                            resources_syn_u32(value, 0));
    }

    T = resources_syn_u32(value, 1);
    F = resources_syn_u32(value, 2);
    W = resources_syn_u32(value, 3);
    E = resources_syn_u32(value, 4);
    B = resources_syn_u32(value, 5);

    size = (uint64_t) RESOURCES_SYN_HEAD * 4 + 12 * (uint64_t) T
           + 4 * (uint64_t) E + 8 * (uint64_t) F + 4 * ((uint64_t) W + 1)
           + (((uint64_t) B + 3) & ~(uint64_t) 3);

    if (size != len || T == 0 || F == 0) {
        resources_syn_error("the synonyms: counts (%u triggers, %u forms, %u"
                            " words, %u expansions, %u bytes) that do not"
                            " make the value's %zu bytes", T, F, W, E, B,
                            len);
    }

    syn->value = value;
    syn->len = len;
    syn->ntriggers = T;
    syn->nforms = F;
    syn->nwords = W;
    syn->nexpand = E;
    syn->nbytes = B;
    syn->triggers = value + RESOURCES_SYN_HEAD * 4;
    syn->expand = syn->triggers + 12 * (size_t) T;
    syn->forms = syn->expand + 4 * (size_t) E;
    syn->words = syn->forms + 8 * (size_t) F;
    syn->text = syn->words + 4 * ((size_t) W + 1);

    /* the text's padding */

    for (p = syn->text + B; p < value + len; p++) {
        if (*p != 0) {
            goto failed_padding;
        }
    }

    /* the words: 1 to RESOURCES_WORD_MAX bytes each, in order */

    if (resources_syn_u32(syn->words, 0) != 0
        || resources_syn_u32(syn->words, W) != B)
    {
        goto failed_words;
    }

    for (i = 0; i < W; i++) {
        at = resources_syn_u32(syn->words, i);
        next = resources_syn_u32(syn->words, i + 1);

        if (next <= at || next - at > RESOURCES_WORD_MAX) {
            goto failed_words;
        }
    }

    /* the forms: consecutive slots, distinct and in order */

    next = 0;

    for (i = 0; i < F; i++) {
        if (resources_syn_u32(syn->forms, 2 * i) != next) {
            resources_syn_error("the synonyms: form %zu does not start at"
                                " slot %u", i, next);
        }

        n = resources_syn_u32(syn->forms, 2 * i + 1);

        if (n == 0 || n > RESOURCES_SYN_FORM_WORDS || n > W - next) {
            resources_syn_error("the synonyms: form %zu has %u words", i, n);
        }

        next += n;

        if (i > 0 && resources_syn_cmp_forms(syn, (uint32_t) i - 1,
                                             (uint32_t) i) >= 0)
        {
            resources_syn_error("the synonyms: form %zu is not after the"
                                " one before it", i);
        }
    }

    if (next != W) {
        resources_syn_error("the synonyms: the forms use %u of %u word"
                            " slots", next, W);
    }

    /* the triggers: forms in order, their lists consecutive */

    next = 0;
    prev = 0;

    for (i = 0; i < T; i++) {
        form = resources_syn_u32(syn->triggers, 3 * i);
        first = resources_syn_u32(syn->triggers, 3 * i + 1);
        n = resources_syn_u32(syn->triggers, 3 * i + 2);

        if (form >= F || (i > 0 && form <= prev)) {
            resources_syn_error("the synonyms: trigger %zu: form %u", i,
                                form);
        }

        if (first != next || n == 0 || n > RESOURCES_SYN_EXPAND_MAX
            || n > E - next)
        {
            resources_syn_error("the synonyms: trigger %zu: expansions %u"
                                " to %u + %u", i, first, first, n);
        }

        for (j = first; j < (size_t) first + n; j++) {
            form = resources_syn_u32(syn->expand, j);

            if (form >= F
                || (j > first && form <= resources_syn_u32(syn->expand,
                                                           j - 1)))
            {
                resources_syn_error("the synonyms: trigger %zu: expansion"
                                    " %zu: form %u", i, j - first, form);
            }
        }

        prev = resources_syn_u32(syn->triggers, 3 * i);
        next += n;
    }

    if (next != E) {
        resources_syn_error("the synonyms: the triggers use %u of %u"
                            " expansions", next, E);
    }

    return 0;

failed_padding:

    resources_syn_error("the synonyms: padding that is not zeros");

failed_words:

    resources_syn_error("the synonyms: word offsets out of order or past"
                        " the text");
}


/* the first word of trigger t's form */

static void
resources_syn_first(const resources_syn_t *syn, uint32_t t,
    resources_str_t *word)
{
    resources_syn_form_t  f;

    resources_syn_form(syn, resources_syn_u32(syn->triggers, 3 * (size_t) t),
                       &f);
    resources_syn_word(syn, &f, 0, word);
}


size_t
resources_syn_lookup(const resources_syn_t *syn,
    const resources_str_t *words, size_t nwords, size_t start,
    resources_syn_match_t *match)
{
    int                   rc;
    size_t                n, i, rest;
    uint32_t              lo, hi, mid, t, k;
    resources_str_t       w;
    resources_syn_form_t  f;
    resources_syn_match_t  m;

    if (syn->value == NULL || start >= nwords) {
        return 0;
    }

    /* the first trigger whose first word is not below words[start] */

    lo = 0;
    hi = syn->ntriggers;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        resources_syn_first(syn, mid, &w);

        if (resources_syn_cmp_word(w.data, w.len, words[start].data,
                                   words[start].len)
            < 0)
        {
            lo = mid + 1;

        } else {
            hi = mid;
        }
    }

    /*
     * The triggers that are prefixes of words[start ..]: in order, each
     * longer than the one before; the first one past those words ends it
     */

    rest = nwords - start;
    n = 0;

    for (t = lo; t < syn->ntriggers; t++) {
        resources_syn_form(syn,
                           resources_syn_u32(syn->triggers, 3 * (size_t) t),
                           &f);

        rc = 0;

        for (k = 0; k < f.nwords && k < rest; k++) {
            resources_syn_word(syn, &f, k, &w);
            rc = resources_syn_cmp_word(w.data, w.len, words[start + k].data,
                                        words[start + k].len);
            if (rc != 0) {
                break;
            }
        }

        if (rc > 0 || (rc == 0 && f.nwords > rest)) {
            break;                      /* past words[start ..] */
        }

        if (rc == 0 && n < RESOURCES_SYN_FORM_WORDS) {
            match[n].trigger = t;
            match[n].nwords = f.nwords;
            n++;
        }
    }

    /* the longest first */

    for (i = 0; i < n / 2; i++) {
        m = match[i];
        match[i] = match[n - 1 - i];
        match[n - 1 - i] = m;
    }

    return n;
}


void
resources_syn_trigger(const resources_syn_t *syn,
    const resources_syn_match_t *m, resources_syn_form_t *form)
{
    uint32_t  i;

    i = 3 * m->trigger;

    resources_syn_form(syn, resources_syn_u32(syn->triggers, i), form);
}


void
resources_syn_expand(const resources_syn_t *syn,
    const resources_syn_match_t *m, resources_syn_iter_t *it)
{
    it->syn = syn;
    it->next = resources_syn_u32(syn->triggers, 3 * (size_t) m->trigger + 1);
    it->end = it->next
              + resources_syn_u32(syn->triggers, 3 * (size_t) m->trigger + 2);
}


int
resources_syn_next(resources_syn_iter_t *it, resources_syn_form_t *form)
{
    if (it->next >= it->end) {
        return 0;
    }

    resources_syn_form(it->syn, resources_syn_u32(it->syn->expand, it->next),
                       form);
    it->next++;

    return 1;
}
