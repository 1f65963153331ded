/*
 * Copyright (C) ngx_http_resources authors
 */


#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lz4.h>

#include "resources_prepare.h"
#include "resources_gzip.h"
#include "resources_json.h"
#include "resources_text.h"
#include "resources_util.h"


static const char  *resources_canonical[] = {
    "id", "title", "type", "private", "date", "updated", "keywords", "tags",
    "series", "number", "summary", "body", "links", NULL
};

static const size_t  resources_canonical_len[] = {
    2, 5, 4, 7, 4, 7, 8, 4, 6, 6, 7, 4, 5
};


#define RESOURCES_PREPARE_ERRLEN  512

/* the canonical fields, in resources_canonical order */
#define RESOURCES_F_ID        0
#define RESOURCES_F_TITLE     1
#define RESOURCES_F_TYPE      2
#define RESOURCES_F_PRIVATE   3
#define RESOURCES_F_DATE      4
#define RESOURCES_F_UPDATED   5
#define RESOURCES_F_KEYWORDS  6
#define RESOURCES_F_TAGS      7
#define RESOURCES_F_SERIES    8
#define RESOURCES_F_NUMBER    9
#define RESOURCES_F_SUMMARY   10
#define RESOURCES_F_BODY      11
#define RESOURCES_F_LINKS     12
#define RESOURCES_F_N         13


typedef struct {
    uint64_t               head;        /* the word's first 8 bytes, 0s */
    uint32_t               gen;
    uint32_t               hash;
    uint32_t               off;         /* of the word in the word section */
    uint32_t               len;
} resources_wslot_t;


struct resources_prepare_s {
    resources_json_t       json;
    u_char                *fold;
    size_t                 fold_cap;

    /*
     * packing: the builder's (or NULL); a window of our own, a copy of its
     * dictionary followed by the tail to pack (LZ4 compresses faster when
     * the dictionary precedes the input), a stream that loaded it (base),
     * the stream copied from it for each tail, and the block
     */
    const resources_pack_t  *pack;
    u_char                *window;
    size_t                 window_cap;
    LZ4_stream_t          *base;
    LZ4_stream_t          *lz;
    u_char                *block;
    size_t                 block_cap;

    /* gzip pieces: a deflate stream, reset for each record */
    z_stream               zs;
    unsigned               gzip:1;

    /* the words of the record being prepared, each once, best field */
    resources_buf_t        words;
    uint32_t               nwords;
    uint32_t               field;
    resources_wslot_t     *wslots;
    uint32_t               wsize;        /* a power of 2 */
    uint32_t               wgen;
    const u_char          *prev;         /* the previous word, unstemmed */
    size_t                 prev_len;

    /*
     * word forms (the words as the text has them, unstemmed): those this
     * thread has seen (value: RESOURCES_FORM_SEEN, _PUBLIC), and those
     * of the record being prepared that are new to it or newly public
     */
    resources_arena_t      form_arena;
    resources_hash_t       formh;
    resources_buf_t        forms;
    uint32_t               nforms;
    unsigned               pub:1;

    char                   err[RESOURCES_PREPARE_ERRLEN];
};


resources_prepare_t *
resources_prepare_create(const resources_pack_t *pack, int gzip)
{
    resources_prepare_t  *p;

    p = resources_xcalloc(sizeof(resources_prepare_t));

    resources_arena_init(&p->form_arena);
    resources_hash_init(&p->formh, &p->form_arena);

    if (gzip) {
        if (resources_gzip_init(&p->zs) != 0) {
            resources_oom();
        }

        p->gzip = 1;
    }

    if (pack) {
        p->lz = LZ4_createStream();
        p->base = LZ4_createStream();

        if (p->lz == NULL || p->base == NULL) {
            resources_oom();
        }

        p->pack = pack;
    }

    p->wsize = 1024;
    p->wslots = resources_xcalloc(p->wsize * sizeof(resources_wslot_t));

    return p;
}


void
resources_prepare_free(resources_prepare_t *p)
{
    if (p == NULL) {
        return;
    }

    if (p->lz) {
        LZ4_freeStream(p->lz);
    }

    if (p->base) {
        LZ4_freeStream(p->base);
    }

    if (p->gzip) {
        resources_gzip_done(&p->zs);
    }

    free(p->window);
    free(p->block);
    resources_json_free(&p->json);
    resources_buf_free(&p->words);
    resources_buf_free(&p->forms);
    resources_hash_free(&p->formh);
    resources_arena_free(&p->form_arena);
    free(p->fold);
    free(p->wslots);
    free(p);
}


/* folds s into p->fold; returns the length, or -1 (invalid UTF-8) */

static ssize_t
resources_prepare_fold(resources_prepare_t *p, const u_char *s, size_t len)
{
    size_t  need;

    need = len * RESOURCES_FOLD_RATIO + 16;

    if (p->fold_cap < need) {
        free(p->fold);
        p->fold_cap = need;
        p->fold = resources_xmalloc(need);
    }

    return resources_fold(s, len, p->fold, p->fold_cap);
}


/* folds s at the end of out; returns the length, or -1 */

static ssize_t
resources_prepare_fold_to(resources_buf_t *out, const u_char *s, size_t len)
{
    u_char   *d;
    size_t    cap;
    ssize_t   n;

    cap = len * RESOURCES_FOLD_RATIO + 16;
    d = resources_buf_reserve(out, cap);

    n = resources_fold(s, len, d, cap);

    if (n > 0) {
        out->len += n;
    }

    return n;
}


/* a quick hash of a word (1 to RESOURCES_WORD_MAX bytes), for the words
 * of one record, and its first 8 bytes (0s after a shorter word) */

static inline uint32_t
resources_word_hash(const u_char *w, size_t len, uint64_t *head)
{
    uint32_t  x;
    uint64_t  a, b;

    if (len >= 8) {
        memcpy(&a, w, 8);
        memcpy(&b, w + len - 8, 8);

#if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
    } else if (len >= 4) {
        memcpy(&x, w, 4);
        a = x;
        memcpy(&x, w + len - 4, 4);
        a |= (uint64_t) x << ((len - 4) * 8);
        b = 0;
#endif

    } else {
        a = 0;
        b = 0;

        for (x = 0; x < len; x++) {
            a |= (uint64_t) w[x] << (x * 8);
        }
    }

    *head = a;
    a = (a ^ (b * 0x9e3779b97f4a7c15ULL) ^ len) * 0xff51afd7ed558ccdULL;

    return (uint32_t) (a >> 32);
}


static void
resources_prepare_rehash(resources_prepare_t *p)
{
    u_char             *e;
    uint32_t            i, h, mask, size;
    uint64_t            head;
    resources_wslot_t  *slots;

    size = p->wsize * 2;
    slots = resources_xcalloc(size * sizeof(resources_wslot_t));
    mask = size - 1;

    p->wgen = 1;

    for (e = p->words.data; e < p->words.data + p->words.len; e += 6 + e[4]) {
        h = resources_word_hash(e + 6, e[4], &head);

        for (i = h & mask; slots[i].gen == 1; i = (i + 1) & mask) {
            /* void */
        }

        slots[i].gen = 1;
        slots[i].hash = h;
        slots[i].off = (uint32_t) (e - p->words.data);
        slots[i].len = e[4];
        slots[i].head = head;
    }

    free(p->wslots);
    p->wslots = slots;
    p->wsize = size;
}


/* a word of the record: kept once, with its best field; the builder's
 * hash of it (resources_hash_key) is computed once */

static int
resources_prepare_word(void *data, const u_char *word, size_t len,
    unsigned flags)
{
    resources_prepare_t  *p = data;

    u_char             *e;
    uint32_t            h, k, i, mask;
    uint64_t            head;
    resources_wslot_t  *s;

    if ((flags & RESOURCES_WORD_STOP) || len == 0) {
        return 0;
    }

    if (p->nwords * 2 >= p->wsize) {
        resources_prepare_rehash(p);
    }

    h = resources_word_hash(word, len, &head);
    mask = p->wsize - 1;

    for (i = h & mask; ; i = (i + 1) & mask) {
        s = &p->wslots[i];

        if (s->gen != p->wgen) {
            break;
        }

        if (s->hash == h && s->len == len && s->head == head
            && (len <= 8
                || memcmp(p->words.data + s->off + 6 + 8, word + 8, len - 8)
                   == 0))
        {
            e = p->words.data + s->off;

            if (e[5] < p->field) {
                e[5] = (u_char) p->field;
            }

            return 0;
        }
    }

    s->gen = p->wgen;
    s->hash = h;
    s->off = (uint32_t) p->words.len;
    s->len = (uint32_t) len;
    s->head = head;

    k = resources_hash_key(word, len);

    e = resources_buf_reserve(&p->words, 6 + len);
    memcpy(e, &k, sizeof(uint32_t));
    e[4] = (u_char) len;
    e[5] = (u_char) p->field;
    memcpy(e + 6, word, len);
    p->words.len += 6 + len;
    p->nwords++;

    return 0;
}


/*
 * A word of the text, stemmed by the light stemmer; and when it follows
 * the previous word across one "-" ("tiers-lieux", "eco-conception"), the
 * two joined as well ("tierslieux", "ecoconception"), so that a visitor
 * who types them joined finds them (issue #22, split and joined words)
 */

/*
 * A word form and its stem, for the word list (resources_typos.h), when
 * this thread has not given it yet, or not yet from a public record: each
 * thread gives each form once or twice, the builder keeps them all
 */

#define RESOURCES_FORM_SEEN        1
#define RESOURCES_FORM_PUBLIC      2

static void
resources_prepare_form(resources_prepare_t *p, const u_char *surface,
    size_t slen, const u_char *stem, size_t len)
{
    u_char             *e;
    uint32_t            want;
    resources_slot_t   *slot;

    want = RESOURCES_FORM_SEEN | (p->pub ? RESOURCES_FORM_PUBLIC : 0);

    slot = resources_hash_find(&p->formh, surface, slen);

    if (slot->key) {
        if ((slot->value & want) == want) {
            return;
        }

        slot->value |= want;

    } else {
        (void) resources_hash_set(&p->formh, slot, surface, slen, want);
    }

    e = resources_buf_reserve(&p->forms, 3 + slen + len);
    e[0] = (u_char) slen;
    e[1] = (u_char) len;
    e[2] = (u_char) p->pub;
    memcpy(e + 3, surface, slen);
    memcpy(e + 3 + slen, stem, len);
    p->forms.len += 3 + slen + len;
    p->nforms++;
}


static int
resources_prepare_word_ex(void *data, const resources_word_t *w)
{
    resources_prepare_t  *p = data;

    size_t  n;
    u_char  joined[RESOURCES_WORD_MAX], surface[RESOURCES_WORD_MAX];

    if (p->prev != NULL && w->surface == p->prev + p->prev_len + 1
        && w->surface[-1] == '-'
        && p->prev_len + w->surface_len <= RESOURCES_WORD_MAX)
    {
        memcpy(joined, p->prev, p->prev_len);
        memcpy(joined + p->prev_len, w->surface, w->surface_len);

        n = resources_stem_light(joined, p->prev_len + w->surface_len);

        (void) resources_prepare_word(p, joined, n, 0);

        memcpy(surface, p->prev, p->prev_len);
        memcpy(surface + p->prev_len, w->surface, w->surface_len);

        resources_prepare_form(p, surface, p->prev_len + w->surface_len,
                               joined, n);
    }

    p->prev = w->surface;
    p->prev_len = w->surface_len;

    if (!(w->flags & RESOURCES_WORD_STOP) && w->len > 0) {
        resources_prepare_form(p, w->surface, w->surface_len, w->word,
                               w->len);
    }

    return resources_prepare_word(p, w->word, w->len, w->flags);
}


static void
resources_prepare_words(resources_prepare_t *p, const u_char *folded,
    size_t len, uint32_t field)
{
    p->field = field;
    p->prev = NULL;
    p->prev_len = 0;

    (void) resources_words_ex(folded, len, RESOURCES_STEM_LIGHT,
                              resources_prepare_word_ex, p);
}


#define resources_prepare_literal(out, s)                                    \
    resources_buf_put(out, s, sizeof(s) - 1)


/* the canonical field of a key, RESOURCES_F_N for another key */

static uint32_t
resources_prepare_field(const u_char *key, size_t len)
{
    uint32_t  i;

    for (i = 0; resources_canonical[i]; i++) {
        if (resources_canonical_len[i] == len
            && memcmp(resources_canonical[i], key, len) == 0)
        {
            return i;
        }
    }

    return RESOURCES_F_N;
}


/* f[name]: null is as good as absent; -1 when it is not a string */

static int
resources_prepare_string(resources_prepare_t *p, resources_json_t *j,
    uint32_t *f, uint32_t i)
{
    uint32_t  type;

    if (f[i] == 0) {
        return 0;
    }

    type = j->nodes[f[i]].type;

    if (type == RESOURCES_JSON_NULL) {
        f[i] = 0;
        return 0;
    }

    if (type != RESOURCES_JSON_STRING) {
        snprintf(p->err, sizeof(p->err), "\"%s\" must be a string or null",
                 resources_canonical[i]);
        return -1;
    }

    return 0;
}


static int
resources_prepare_array(resources_prepare_t *p, resources_json_t *j,
    uint32_t *f, uint32_t i, size_t max)
{
    uint32_t            k;
    resources_jnode_t  *nd;

    if (f[i] == 0) {
        return 0;
    }

    nd = &j->nodes[f[i]];

    if (nd->type == RESOURCES_JSON_NULL) {
        f[i] = 0;
        return 0;
    }

    if (nd->type != RESOURCES_JSON_ARRAY) {
        snprintf(p->err, sizeof(p->err), "\"%s\" must be an array of strings",
                 resources_canonical[i]);
        return -1;
    }

    if (nd->n > max) {
        snprintf(p->err, sizeof(p->err), "\"%s\" has more than %zu entries",
                 resources_canonical[i], max);
        return -1;
    }

    for (k = nd->child; k; k = j->nodes[k].next) {
        if (j->nodes[k].type != RESOURCES_JSON_STRING
            || j->nodes[k].len == 0)
        {
            snprintf(p->err, sizeof(p->err), "\"%s\" must be an array of"
                     " non-empty strings", resources_canonical[i]);
            return -1;
        }
    }

    return 0;
}


static void
resources_prepare_failed(resources_buf_t *out, size_t start, uint64_t line,
    uint32_t status, const char *msg, const u_char *id, size_t id_len)
{
    size_t                 len, size;
    u_char                *d;
    resources_prepared_t   r;

    len = strlen(msg);
    size = (sizeof(resources_prepared_t) + len + id_len + 7) & ~(size_t) 7;

    memset(&r, 0, sizeof(resources_prepared_t));
    r.line = line;
    r.size = (uint32_t) size;
    r.status = status;
    r.msg_len = (uint32_t) len;
    r.id_len = (uint32_t) id_len;

    out->len = start;
    d = resources_buf_reserve(out, size);
    memset(d, 0, size);
    memcpy(d, &r, sizeof(resources_prepared_t));
    memcpy(d + sizeof(resources_prepared_t), msg, len);

    if (id_len) {
        memcpy(d + sizeof(resources_prepared_t) + len, id, id_len);
    }
    out->len += size;
}


void
resources_prepare_error(resources_buf_t *out, uint64_t line, const char *msg)
{
    resources_prepare_failed(out, out->len, line, RESOURCES_PREP_BAD, msg,
                             NULL, 0);
}


/*
 * Packs the tail of the full form that ends out (the len bytes after its
 * list form, at out->data + tail): the u32 length of its LZ4 block and the
 * block replace it when that is shorter; returns len then, or 0
 */

static uint32_t
resources_prepare_pack(resources_prepare_t *p, resources_buf_t *out,
    size_t tail, size_t len)
{
    int       bound, n;
    size_t    dlen;
    uint32_t  n32;

    if (p->pack == NULL || len < RESOURCES_PACK_MIN) {
        return 0;
    }

    dlen = p->pack->len;

    if (dlen + len > p->window_cap) {

        /* a window where the tail follows the dictionary; loaded anew */

        free(p->window);
        p->window_cap = dlen + (len > 65536 ? len : 65536);
        p->window = resources_xmalloc(p->window_cap);
        memcpy(p->window, p->pack->dict, dlen);
        (void) LZ4_loadDict(p->base, (const char *) p->window, (int) dlen);
    }

    bound = LZ4_compressBound((int) len);

    if ((size_t) bound > p->block_cap) {
        free(p->block);
        p->block = resources_xmalloc(bound);
        p->block_cap = bound;
    }

    memcpy(p->window + dlen, out->data + tail, len);
    memcpy(p->lz, p->base, sizeof(LZ4_stream_t));

    n = LZ4_compress_fast_continue(p->lz, (const char *) p->window + dlen,
                                   (char *) p->block, (int) len, bound, 1);

    if (n <= 0 || (size_t) n + sizeof(uint32_t) >= len) {
        return 0;
    }

    n32 = (uint32_t) n;
    memcpy(out->data + tail, &n32, sizeof(uint32_t));
    memcpy(out->data + tail + sizeof(uint32_t), p->block, n);
    out->len = tail + sizeof(uint32_t) + n;

    return (uint32_t) len;
}


/*
 * The members of the full form, in the order it is served: the list
 * form's first, so that the list form is its prefix up to "tags" (closed
 * with "}" by the module); an absent member is written as "absent" (NULL:
 * null, the value of node 0)
 */

typedef struct {
    uint32_t       field;
    const char    *key;            /* with what comes before it */
    const char    *absent;
} resources_member_t;

static const resources_member_t  resources_list_form[] = {
    { RESOURCES_F_ID, "{\"id\":", NULL },
    { RESOURCES_F_TITLE, ",\"title\":", NULL },
    { RESOURCES_F_TYPE, ",\"type\":", NULL },
    { RESOURCES_F_PRIVATE, ",\"private\":", "false" },
    { RESOURCES_F_DATE, ",\"date\":", NULL },
    { RESOURCES_F_UPDATED, ",\"updated\":", NULL },
    { RESOURCES_F_KEYWORDS, ",\"keywords\":", "[]" },
    { RESOURCES_F_SERIES, ",\"series\":", NULL },
    { RESOURCES_F_NUMBER, ",\"number\":", NULL },
    { RESOURCES_F_SUMMARY, ",\"summary\":", "\"\"" },
    { RESOURCES_F_N, NULL, NULL }
};

static const resources_member_t  resources_tail_form[] = {
    { RESOURCES_F_TAGS, ",\"tags\":", "[]" },
    { RESOURCES_F_BODY, ",\"body\":", "\"\"" },
    { RESOURCES_F_LINKS, ",\"links\":", "[]" },
    { RESOURCES_F_N, NULL, NULL }
};


static void
resources_prepare_members(resources_json_t *j, const uint32_t *f,
    const resources_member_t *m, resources_buf_t *out)
{
    for ( /* void */ ; m->key; m++) {
        resources_buf_put(out, m->key, strlen(m->key));

        if (f[m->field] == 0 && m->absent) {
            resources_buf_put(out, m->absent, strlen(m->absent));

        } else {
            resources_json_write(j, f[m->field], out);
        }
    }
}


/*
 * The full form of the record in j, its fields checked, appended to out
 * as json_dumpb(JSON_COMPACT) writes the object that the loader once
 * built with jansson: the canonical fields, then any other field in its
 * order; returns the end of its list form in out
 */

static size_t
resources_prepare_full(resources_json_t *j, const uint32_t *f,
    resources_buf_t *out)
{
    size_t    list_end;
    uint32_t  k, v;

    resources_prepare_members(j, f, resources_list_form, out);
    list_end = out->len;
    resources_prepare_members(j, f, resources_tail_form, out);

    for (k = j->nodes[RESOURCES_JSON_ROOT].child; k; k = j->nodes[v].next) {
        v = j->nodes[k].next;

        if (resources_prepare_field(j->nodes[k].str, j->nodes[k].len)
            == RESOURCES_F_N)
        {
            resources_prepare_literal(out, ",");
            resources_json_write(j, k, out);
            resources_prepare_literal(out, ":");
            resources_json_write(j, v, out);
        }
    }

    resources_prepare_literal(out, "}");

    return list_end;
}


/*
 * A problem of the record being prepared: its message, in p->err; returns
 * status, for the caller to return
 */

static uint32_t __attribute__((format(printf, 3, 4)))
resources_prepare_bad(resources_prepare_t *p, uint32_t status,
    const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    vsnprintf(p->err, sizeof(p->err), fmt, ap);
    va_end(ap);

    return status;
}


/*
 * f[i]: the node of canonical field i, 0 when the record has none (node 0
 * reads as null: no child, no length)
 */

static uint32_t
resources_prepare_fields(resources_prepare_t *p, resources_json_t *j,
    uint32_t *f)
{
    uint32_t  k, v;

    if (j->nodes[RESOURCES_JSON_ROOT].type != RESOURCES_JSON_OBJECT) {
        return resources_prepare_bad(p, RESOURCES_PREP_BAD,
                                     "a record must be a JSON object");
    }

    memset(f, 0, (RESOURCES_F_N + 1) * sizeof(uint32_t));

    for (k = j->nodes[RESOURCES_JSON_ROOT].child; k; k = j->nodes[v].next) {
        v = j->nodes[k].next;
        f[resources_prepare_field(j->nodes[k].str, j->nodes[k].len)] = v;
    }

    return RESOURCES_PREP_OK;
}


static uint32_t
resources_prepare_id(resources_prepare_t *p, resources_jnode_t *id)
{
    if (id->type == RESOURCES_JSON_NULL) {
        return resources_prepare_bad(p, RESOURCES_PREP_BAD_ID,
                                     "\"id\" is missing");
    }

    if (id->type != RESOURCES_JSON_STRING
        || !resources_id_valid(id->str, id->len))
    {
        return resources_prepare_bad(p, RESOURCES_PREP_BAD_ID,
                                     "\"id\" must be a string matching"
                                     " [a-z0-9][a-z0-9-]{0,127}");
    }

    return RESOURCES_PREP_OK;
}


/* title, type, private, the strings, dates and number; r->priv, r->date */

static uint32_t
resources_prepare_scalars(resources_prepare_t *p, resources_json_t *j,
    uint32_t *f, resources_prepared_t *r)
{
    resources_jnode_t  *nd;

    nd = &j->nodes[f[RESOURCES_F_TITLE]];

    if (nd->type != RESOURCES_JSON_STRING || nd->len == 0) {
        return resources_prepare_bad(p, RESOURCES_PREP_BAD_LATE,
                                     "\"title\" must be a non-empty string");
    }

    if (nd->len > RESOURCES_TITLE_MAX) {
        return resources_prepare_bad(p, RESOURCES_PREP_BAD_LATE,
                                     "\"title\" is longer than %d bytes",
                                     RESOURCES_TITLE_MAX);
    }

    nd = &j->nodes[f[RESOURCES_F_TYPE]];

    if (nd->type != RESOURCES_JSON_STRING || nd->len == 0) {
        return resources_prepare_bad(p, RESOURCES_PREP_BAD_LATE,
                                     "\"type\" must be a non-empty string");
    }

    /* never guessed: null is not false (leave the field out) */

    nd = &j->nodes[f[RESOURCES_F_PRIVATE]];

    if (f[RESOURCES_F_PRIVATE] && nd->type != RESOURCES_JSON_TRUE
        && nd->type != RESOURCES_JSON_FALSE)
    {
        return resources_prepare_bad(p, RESOURCES_PREP_BAD_LATE,
                                     "\"private\" must be true or false%s",
                                     nd->type == RESOURCES_JSON_NULL
                                     ? ", not null" : "");
    }

    r->priv = (f[RESOURCES_F_PRIVATE] && nd->type == RESOURCES_JSON_TRUE);

    if (resources_prepare_string(p, j, f, RESOURCES_F_DATE) != 0
        || resources_prepare_string(p, j, f, RESOURCES_F_UPDATED) != 0
        || resources_prepare_string(p, j, f, RESOURCES_F_SERIES) != 0
        || resources_prepare_string(p, j, f, RESOURCES_F_SUMMARY) != 0
        || resources_prepare_string(p, j, f, RESOURCES_F_BODY) != 0)
    {
        return RESOURCES_PREP_BAD_LATE;
    }

    if (f[RESOURCES_F_DATE]) {
        nd = &j->nodes[f[RESOURCES_F_DATE]];
        r->date = resources_parse_date_n((const char *) nd->str, nd->len, 0);

        if (r->date == 0) {
            return resources_prepare_bad(p, RESOURCES_PREP_BAD_LATE,
                                         "\"date\" must be YYYY-MM or"
                                         " YYYY-MM-DD");
        }
    }

    nd = &j->nodes[f[RESOURCES_F_UPDATED]];

    if (f[RESOURCES_F_UPDATED]) {
        r->updated = resources_parse_date_n((const char *) nd->str, nd->len,
                                            1);
        if (r->updated == 0) {
            return resources_prepare_bad(p, RESOURCES_PREP_BAD_LATE,
                                         "\"updated\" must be YYYY-MM-DD");
        }
    }

    if (j->nodes[f[RESOURCES_F_SUMMARY]].len > RESOURCES_TEXT_MAX
        || j->nodes[f[RESOURCES_F_BODY]].len > RESOURCES_TEXT_MAX)
    {
        return resources_prepare_bad(p, RESOURCES_PREP_BAD_LATE,
                                     "\"summary\" and \"body\" must be at"
                                     " most %d bytes each",
                                     RESOURCES_TEXT_MAX);
    }

    nd = &j->nodes[f[RESOURCES_F_NUMBER]];

    if (nd->type == RESOURCES_JSON_NULL) {
        f[RESOURCES_F_NUMBER] = 0;
        return RESOURCES_PREP_OK;
    }

    if (nd->type == RESOURCES_JSON_INTEGER && nd->integer >= 0) {
        return RESOURCES_PREP_OK;
    }

    return resources_prepare_bad(p, RESOURCES_PREP_BAD_LATE,
                                 "\"number\" must be a whole number or null");
}


/* keywords, tags and links */

static uint32_t
resources_prepare_lists(resources_prepare_t *p, resources_json_t *j,
    uint32_t *f)
{
    uint32_t            k, v;
    resources_jnode_t  *nd;

    if (resources_prepare_array(p, j, f, RESOURCES_F_KEYWORDS,
                                RESOURCES_KEYWORDS_MAX) != 0
        || resources_prepare_array(p, j, f, RESOURCES_F_TAGS,
                                   RESOURCES_KEYWORDS_MAX) != 0)
    {
        return RESOURCES_PREP_BAD_LATE;
    }

    nd = &j->nodes[f[RESOURCES_F_LINKS]];

    if (nd->type == RESOURCES_JSON_NULL) {
        f[RESOURCES_F_LINKS] = 0;
        return RESOURCES_PREP_OK;
    }

    if (nd->type != RESOURCES_JSON_ARRAY) {
        return resources_prepare_bad(p, RESOURCES_PREP_BAD_LATE,
                                     "\"links\" must be an array");
    }

    for (k = nd->child; k; k = j->nodes[k].next) {
        v = resources_json_get(j, k, "url", 3);

        if (j->nodes[k].type != RESOURCES_JSON_OBJECT
            || j->nodes[resources_json_get(j, k, "label", 5)].type
               != RESOURCES_JSON_STRING
            || (v && j->nodes[v].type != RESOURCES_JSON_NULL
                && j->nodes[v].type != RESOURCES_JSON_STRING))
        {
            return resources_prepare_bad(p, RESOURCES_PREP_BAD_LATE,
                                         "\"links\" must hold objects with a"
                                         " string \"label\" and a string or"
                                         " null \"url\"");
        }
    }

    return RESOURCES_PREP_OK;
}


/*
 * The record as the heap stores it, appended to out after room for the
 * header and the id: resources_doc_t, the full form (its tail packed when
 * that is shorter), the id; its hash, the record's part of the content
 * version (resources_build_apply), and lengths in r
 */

static uint32_t
resources_prepare_blob(resources_prepare_t *p, resources_json_t *j,
    const uint32_t *f, resources_prepared_t *r, resources_buf_t *out)
{
    size_t            size, blob, full, list_len, full_len;
    const u_char     *id;
    resources_doc_t   doc;

    id = j->nodes[f[RESOURCES_F_ID]].str;
    r->id_len = (uint32_t) j->nodes[f[RESOURCES_F_ID]].len;

    size = (sizeof(resources_prepared_t) + r->id_len + 7) & ~(size_t) 7;
    memset(resources_buf_reserve(out, size), 0, size);
    out->len += size;
    blob = out->len;
    resources_buf_reserve(out, sizeof(resources_doc_t));
    out->len += sizeof(resources_doc_t);
    full = out->len;

    list_len = resources_prepare_full(j, f, out) - full;
    full_len = out->len - full;

    r->hash = resources_xxh64(out->data + full, full_len, 0);

    if (full_len > RESOURCES_RECORD_MAX) {
        return resources_prepare_bad(p, RESOURCES_PREP_BAD_LATE,
                                     "the record is larger than %d bytes as"
                                     " JSON", RESOURCES_RECORD_MAX);
    }

    r->tail_len = resources_prepare_pack(p, out, full + list_len,
                                         full_len - list_len);

    resources_buf_put(out, id, r->id_len);

    /* the gzip piece of the list form (still at full: the tail follows) */

    if (p->gzip) {
        u_char  *at;
        size_t   n;

        at = resources_buf_reserve(out, resources_gzip_bound(list_len));
        n = resources_gzip_piece(&p->zs, out->data + full, list_len, at);

        if (n == 0) {
            return resources_prepare_bad(p, RESOURCES_PREP_BAD_LATE,
                                         "the record does not compress");
        }

        out->len += n;
    }

    /* no Atom entry: the module renders it from the list form */

    doc.list_len = (uint32_t) list_len;
    doc.full_len = (uint32_t) full_len;
    doc.atom_len = 0;
    doc.id_len = r->id_len;
    doc.flags = (r->priv ? RESOURCES_DOC_PRIVATE : 0)
                | (r->tail_len ? RESOURCES_DOC_PACKED : 0)
                | (p->gzip ? RESOURCES_DOC_GZIP : 0);
    memcpy(out->data + blob, &doc, sizeof(resources_doc_t));

    r->blob_len = (uint32_t) (out->len - blob);
    r->full_len = (uint32_t) full_len;

    return RESOURCES_PREP_OK;
}


/* a keyword: u32 folded length, u32 length, folded, as written */

static uint32_t
resources_prepare_keyword(resources_prepare_t *p, resources_jnode_t *nd,
    resources_buf_t *out)
{
    size_t    at;
    ssize_t   n, k;
    uint32_t  len[3];

    at = out->len;
    resources_buf_reserve(out, sizeof(len));
    out->len += sizeof(len);

    n = resources_prepare_fold_to(out, nd->str, nd->len);

    if (n <= 0 || n > RESOURCES_TERM_MAX) {
        return resources_prepare_bad(p, RESOURCES_PREP_BAD_LATE,
                                     "keyword \"%.*s\" is empty or longer"
                                     " than %d bytes once folded",
                                     (int) nd->len, nd->str,
                                     RESOURCES_TERM_MAX);
    }

    /* its key: its words stemmed (variants meet: tiers-lieu, Tiers lieux) */

    resources_buf_reserve(out, (size_t) n);

    k = resources_keyword_key(out->data + out->len - n, (size_t) n,
                              out->data + out->len, (size_t) n);
    if (k <= 0) {
        return resources_prepare_bad(p, RESOURCES_PREP_BAD_LATE,
                                     "keyword \"%.*s\" cannot be read as"
                                     " text", (int) nd->len, nd->str);
    }

    out->len += k;

    len[0] = (uint32_t) n;
    len[1] = (uint32_t) nd->len;
    len[2] = (uint32_t) k;
    memcpy(out->data + at, len, sizeof(len));
    resources_buf_put(out, nd->str, nd->len);

    return RESOURCES_PREP_OK;
}


/* the terms that the builder indexes: type, keywords, folded title */

static uint32_t
resources_prepare_terms(resources_prepare_t *p, resources_json_t *j,
    const uint32_t *f, resources_prepared_t *r, resources_buf_t *out)
{
    size_t              kw;
    ssize_t             n;
    uint32_t            k;
    resources_jnode_t  *nd;

    nd = &j->nodes[f[RESOURCES_F_TYPE]];
    n = resources_prepare_fold_to(out, nd->str, nd->len);

    if (n <= 0 || n > RESOURCES_TERM_MAX) {
        return resources_prepare_bad(p, RESOURCES_PREP_BAD_LATE,
                                     "\"type\" is empty or longer than %d"
                                     " bytes once folded",
                                     RESOURCES_TERM_MAX);
    }

    r->type_len = (uint32_t) n;
    resources_buf_put(out, nd->str, nd->len);
    r->type_raw_len = (uint32_t) nd->len;

    /*
     * the series, a filter as the type is: none when it folds to nothing,
     * or to more than RESOURCES_TERM_MAX bytes (the record is served as
     * it is, its series cannot be asked for: docs/loader.md)
     */

    if (f[RESOURCES_F_SERIES]) {
        nd = &j->nodes[f[RESOURCES_F_SERIES]];
        n = resources_prepare_fold_to(out, nd->str, nd->len);

        if (n > RESOURCES_TERM_MAX) {
            out->len -= (size_t) n;
            n = 0;
        }

        if (n > 0) {
            r->series_len = (uint32_t) n;
            resources_buf_put(out, nd->str, nd->len);
            r->series_raw_len = (uint32_t) nd->len;
        }
    }

    kw = out->len;

    for (k = j->nodes[f[RESOURCES_F_KEYWORDS]].child; k;
         k = j->nodes[k].next)
    {
        if (resources_prepare_keyword(p, &j->nodes[k], out)
            != RESOURCES_PREP_OK)
        {
            return RESOURCES_PREP_BAD_LATE;
        }

        r->nkeywords++;
    }

    r->keywords_len = (uint32_t) (out->len - kw);

    nd = &j->nodes[f[RESOURCES_F_TITLE]];
    n = resources_prepare_fold_to(out, nd->str, nd->len);
    r->title_len = (uint32_t) (n < 0 ? 0 : n);

    return RESOURCES_PREP_OK;
}


/* the words of a text field, folded */

static void
resources_prepare_text(resources_prepare_t *p, resources_json_t *j,
    uint32_t node, uint32_t field)
{
    ssize_t  n;

    if (node == 0) {
        return;
    }

    n = resources_prepare_fold(p, j->nodes[node].str, j->nodes[node].len);

    if (n >= 0) {
        resources_prepare_words(p, p->fold, n, field);
    }
}


/*
 * The words of the record, each once, with its best field (the best
 * field last, so that it wins), appended to out: the keywords and the
 * folded title are the last terms that resources_prepare_terms() wrote
 */

static void
resources_prepare_record_words(resources_prepare_t *p, resources_json_t *j,
    const uint32_t *f, resources_prepared_t *r, resources_buf_t *out)
{
    u_char    *title, *kw;
    uint32_t   i, flen, rlen, klen;

    p->words.len = 0;
    p->nwords = 0;
    p->forms.len = 0;
    p->nforms = 0;
    p->pub = !r->priv;

    if (++p->wgen == 0) {
        memset(p->wslots, 0, p->wsize * sizeof(resources_wslot_t));
        p->wgen = 1;
    }

    resources_prepare_text(p, j, f[RESOURCES_F_BODY], RESOURCES_FIELD_BODY);
    resources_prepare_text(p, j, f[RESOURCES_F_SUMMARY],
                           RESOURCES_FIELD_SUMMARY);

    title = out->data + out->len - r->title_len;
    kw = title - r->keywords_len;

    for (i = 0; i < r->nkeywords; i++) {
        flen = resources_get_u32(kw);
        rlen = resources_get_u32(kw + sizeof(uint32_t));
        klen = resources_get_u32(kw + 2 * sizeof(uint32_t));
        resources_prepare_words(p, kw + 3 * sizeof(uint32_t), flen,
                                RESOURCES_FIELD_KEYWORD);
        kw += 3 * sizeof(uint32_t) + flen + klen + rlen;
    }

    resources_prepare_words(p, title, r->title_len, RESOURCES_FIELD_TITLE);

    resources_title_sig(title, r->title_len, r->tsig);

    r->nwords = p->nwords;
    r->words_len = (uint32_t) p->words.len;
    resources_buf_put(out, p->words.data, p->words.len);

    r->nforms = p->nforms;
    r->forms_len = (uint32_t) p->forms.len;
    resources_buf_put(out, p->forms.data, p->forms.len);
}


/*
 * The record in j, appended to out: its checks, in the order of their
 * messages, then its canonical forms (resources_prepare.h has the layout)
 */

static void
resources_prepare_record(resources_prepare_t *p, resources_json_t *j,
    uint64_t line, resources_buf_t *out)
{
    size_t                 start, size;
    uint32_t               f[RESOURCES_F_N + 1], status;
    const u_char          *id;
    resources_prepared_t   r;

    start = out->len;
    id = NULL;

    memset(&r, 0, sizeof(resources_prepared_t));
    r.line = line;
    r.status = RESOURCES_PREP_OK;

    status = resources_prepare_fields(p, j, f);
    if (status != RESOURCES_PREP_OK) {
        goto failed;
    }

    status = resources_prepare_id(p, &j->nodes[f[RESOURCES_F_ID]]);
    if (status != RESOURCES_PREP_OK) {
        goto failed;
    }

    id = j->nodes[f[RESOURCES_F_ID]].str;
    r.id_len = (uint32_t) j->nodes[f[RESOURCES_F_ID]].len;

    status = resources_prepare_scalars(p, j, f, &r);
    if (status != RESOURCES_PREP_OK) {
        goto failed;
    }

    status = resources_prepare_lists(p, j, f);
    if (status != RESOURCES_PREP_OK) {
        goto failed;
    }

    status = resources_prepare_blob(p, j, f, &r, out);
    if (status != RESOURCES_PREP_OK) {
        goto failed;
    }

    status = resources_prepare_terms(p, j, f, &r, out);
    if (status != RESOURCES_PREP_OK) {
        goto failed;
    }

    resources_prepare_record_words(p, j, f, &r, out);

    /* the header and the id before the record, and padding after it */

    size = ((out->len - start) + 7) & ~(size_t) 7;
    resources_buf_reserve(out, size - (out->len - start));
    memset(out->data + out->len, 0, size - (out->len - start));
    out->len = start + size;

    r.size = (uint32_t) size;
    memcpy(out->data + start, &r, sizeof(resources_prepared_t));
    memcpy(out->data + start + sizeof(resources_prepared_t), id, r.id_len);

    return;

failed:

    resources_prepare_failed(out, start, line, status, p->err, id, r.id_len);
}


void
resources_prepare_line(resources_prepare_t *p, const u_char *s, size_t len,
    uint64_t line, resources_buf_t *out)
{
    json_t        *rec;
    json_error_t   jerr;

    if (resources_json_parse(&p->json, s, len) == 0) {
        resources_prepare_record(p, &p->json, line, out);
        return;
    }

    /* what the fast parser does not take: jansson, and its message */

    rec = json_loadb((const char *) s, len,
                     JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);

    if (rec == NULL) {
        if (resources_utf8_valid(s, len) != len) {
            snprintf(p->err, sizeof(p->err), "invalid UTF-8 (byte %zu)",
                     resources_utf8_valid(s, len) + 1);

        } else {
            snprintf(p->err, sizeof(p->err), "invalid JSON: %s (column %d)",
                     jerr.text, jerr.column);
        }

        resources_prepare_error(out, line, p->err);
        return;
    }

    resources_json_from_jansson(&p->json, rec);
    resources_prepare_record(p, &p->json, line, out);
    json_decref(rec);
}


void
resources_prepare_tree(resources_prepare_t *p, resources_json_t *j,
    uint64_t line, resources_buf_t *out)
{
    resources_prepare_record(p, j, line, out);
}


uint32_t
resources_parse_date(const char *s, int day)
{
    return resources_parse_date_n(s, strlen(s), day);
}


uint32_t
resources_parse_date_n(const char *s, size_t len, int day)
{
    static const int  mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
                                  30, 31 };
    size_t  i;
    int     y, m, d;

    if (len != 7 && len != 10) {
        return 0;
    }

    if (day && len != 10) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-') {
                return 0;
            }

        } else if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }

    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10
        + (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = 0;

    if (y < 1000 || m < 1 || m > 12) {
        return 0;
    }

    if (len == 10) {
        d = (s[8] - '0') * 10 + (s[9] - '0');

        if (d < 1 || d > mdays[m - 1]) {
            return 0;
        }

        if (m == 2 && d == 29
            && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        {
            return 0;
        }
    }

    return (uint32_t) (y * 10000 + m * 100 + d);
}
