/*
 * Copyright (C) ngx_http_resources authors
 *
 * Synonyms (issue #22): the "syn" value of "meta", read in place without
 * nginx and without allocating.  The loader writes it from a synonyms.txt
 * (resources-load --synonyms, src/loader/resources_synfile.h); the module
 * reads it through the functions below.
 *
 * A form is a sequence of words, normalized exactly as resources_q_parse()
 * normalizes the words of q (folded, split by resources_words(), stemmed,
 * stop words left out): a form's words and a query's words compare byte
 * for byte.  A trigger is a form that a query may contain; it expands to
 * a list of forms (itself included for "a, b, c" rules, not for the left
 * side of "a => b" unless the right side names it too: as Solr with
 * expand).  The rules of a file are merged: a trigger's list is the union
 * of what every rule gives it.
 *
 * The value (every integer a u32 in host byte order, as everywhere in the
 * snapshot, read through resources_get_u32(); every section at a multiple
 * of 4 bytes from the value's start):
 *
 *     u32 format           RESOURCES_SYN_FORMAT
 *     u32 ntriggers        T
 *     u32 nforms           F
 *     u32 nwords           W: word slots, those of every form
 *     u32 nexpand          E: entries of the expansion lists
 *     u32 nbytes           B: bytes of the words' text
 *     triggers             T x (u32 form, u32 first, u32 n): the trigger's
 *                          form, and its expansions expand[first ..
 *                          first + n), n >= 1
 *     expand               E x u32: form numbers
 *     forms                F x (u32 word, u32 n): the form's words are
 *                          slots word .. word + n - 1, 1 <= n <=
 *                          RESOURCES_SYN_FORM_WORDS
 *     words                W + 1 x u32: the offset of each slot's text in
 *                          text; the last one is B (a word's length is the
 *                          next offset less its own, 1 to
 *                          RESOURCES_WORD_MAX bytes)
 *     text                 B bytes, then zeros up to a multiple of 4
 *
 * Order, so that the value is the same for the same rules whatever the
 * file's order, comments or spelling of the forms (the content version
 * hashes it): forms are distinct and sorted by their words (compared a
 * word at a time, a word's bytes as memcmp() then the shorter first; a
 * form that is a prefix of another sorts first); the slots of form i come
 * just after those of form i - 1; triggers are sorted by form number
 * (hence by their words: the triggers that start with a word are
 * consecutive); each expansion list is strictly increasing.
 *
 * Lifetime: resources_syn_init() checks the whole value once (the
 * snapshot's opening does it, resources_snapshot.h) and keeps pointers
 * into it; the lookups then trust it.  Every pointer handed out (the
 * words' text) points into the map: valid while the snapshot's read
 * transaction is, as every value of the snapshot.
 */

#ifndef _RESOURCES_SYNONYMS_H_INCLUDED_
#define _RESOURCES_SYNONYMS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "resources_query.h"
#include "resources_text.h"


#define RESOURCES_SYN_KEY           "syn"       /* in "meta" */
#define RESOURCES_SYN_FORMAT        1

/* limits: the loader refuses a file beyond them (docs/loader.md) */
#define RESOURCES_SYN_FORM_WORDS    RESOURCES_Q_WORDS_MAX   /* a form */
#define RESOURCES_SYN_RULE_FORMS    64          /* forms of a rule */
#define RESOURCES_SYN_EXPAND_MAX    256         /* forms of a trigger */
#define RESOURCES_SYN_RULES_MAX     10000       /* rules of a file */
#define RESOURCES_SYN_LINE_MAX      4096        /* bytes of a line */
#define RESOURCES_SYN_FILE_MAX      (16 * 1024 * 1024)   /* of the file */

/* the value, at most: every limit reached, with room */
#define RESOURCES_SYN_VALUE_MAX     (64 * 1024 * 1024)

#define RESOURCES_SYN_HEAD          6           /* u32s before triggers */


typedef struct {
    const u_char  *value;           /* NULL: no synonyms */
    size_t         len;
    uint32_t       ntriggers;
    uint32_t       nforms;
    uint32_t       nwords;
    uint32_t       nexpand;
    uint32_t       nbytes;
    const u_char  *triggers;
    const u_char  *expand;
    const u_char  *forms;
    const u_char  *words;
    const u_char  *text;
} resources_syn_t;


/* a form: its number, and its words (resources_syn_word) */

typedef struct {
    uint32_t       form;
    uint32_t       word;            /* its first slot */
    uint32_t       nwords;
} resources_syn_form_t;


/* a trigger that the query's words match, from the start given */

typedef struct {
    uint32_t       trigger;         /* its number */
    uint32_t       nwords;          /* query words it covers */
} resources_syn_match_t;


/* the forms a trigger expands to, one at a time */

typedef struct {
    const resources_syn_t  *syn;
    uint32_t                next;   /* in expand */
    uint32_t                end;
} resources_syn_iter_t;


/*
 * Checks a "syn" value entirely (O(its size)) and sets syn to read it:
 * 0, or -1 with a message in err (errlen bytes, NUL-terminated): the
 * value is corrupt.  value must stay mapped as long as syn is used.
 */
int resources_syn_init(resources_syn_t *syn, const u_char *value,
    size_t len, char *err, size_t errlen);

/*
 * The triggers whose words are words[start], words[start + 1], ... (the
 * query's words, normalized as resources_q_parse() gives them): at most
 * RESOURCES_SYN_FORM_WORDS of them (triggers are distinct: at most one of
 * each length) into match[], the longest first; returns their number (0:
 * none, or syn has no synonyms, or start >= nwords).  O(log T) and the
 * triggers that start with words[start].
 */
size_t resources_syn_lookup(const resources_syn_t *syn,
    const resources_str_t *words, size_t nwords, size_t start,
    resources_syn_match_t *match);

/* the trigger's own form */
void resources_syn_trigger(const resources_syn_t *syn,
    const resources_syn_match_t *m, resources_syn_form_t *form);

/*
 * The forms a trigger expands to, in form order: resources_syn_expand()
 * starts, resources_syn_next() gives the next one (1) or says there is no
 * more (0).  The trigger's own form is among them unless only one-way
 * rules name it (form.form == the trigger's form.form: it is kept).
 */
void resources_syn_expand(const resources_syn_t *syn,
    const resources_syn_match_t *m, resources_syn_iter_t *it);
int resources_syn_next(resources_syn_iter_t *it, resources_syn_form_t *form);

/* word i (< form->nwords) of a form: points into the value */
void resources_syn_word(const resources_syn_t *syn,
    const resources_syn_form_t *form, uint32_t i, resources_str_t *word);

/*
 * Two word sequences compared in the value's order: < 0, 0, > 0
 * (the loader sorts with it)
 */
int resources_syn_cmp_words(const resources_str_t *a, size_t na,
    const resources_str_t *b, size_t nb);


#endif /* _RESOURCES_SYNONYMS_H_INCLUDED_ */
