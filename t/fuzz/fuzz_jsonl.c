/*
 * Copyright (C) ngx_http_resources authors
 *
 * libFuzzer target: the JSON Lines path of the loader.  Each line of the
 * input (split as resources-load does: "\n", a final "\r" dropped, blank
 * lines skipped) goes through jansson json_loadb(JSON_REJECT_DUPLICATES |
 * JSON_DECODE_ANY), then resources_build_add():
 *
 *   1. into ONE long-lived builder, created in LLVMFuzzerInitialize() on a
 *      file under $TMPDIR (default /tmp): records accumulate across inputs
 *      as in a real load (duplicate ids, term and word tables that grow).
 *      Every FUZZ_JSONL_RESET accepted records it is finished, opened and
 *      verified like a small one (below), then freed and created again.
 *
 *   2. for one input in FUZZ_JSONL_FINISH (environment, default 16; 0: none;
 *      1: all), chosen by a hash of its bytes so that a crash reproduces,
 *      when it has at most FUZZ_JSONL_SMALL_MAX records, one of them at
 *      least with a valid "id" and non-empty string "title" and "type": into
 *      a builder of its own, its records packed with the input as the
 *      dictionary (as the loader packs them), then resources_build_finish(),
 *      resources_snapshot_open(), resources_snapshot_verify(), and read back
 *      through the module's functions: every record (the list form, closed
 *      with "}", and the full form, unpacked, are JSON objects with the
 *      right id and private flag), every id, and for every accepted record
 *      the postings of its type, its keywords and its title words (folded
 *      as the module folds a query) hold its docno: in the public part for
 *      a public record, in the private part for a private one.  Then
 *      close, free,
 *      unlink.  A builder costs about 70 ms under ASan (it allocates a
 *      32 MiB chunk: page faults on the shadow memory), hence the sampling;
 *      the long-lived builder (1.) runs at thousands of inputs a second.
 *
 * Invariants: build_add returns 0 or -1 with a message; finish, open and
 * verify succeed on what the builder wrote; the read-back above holds.
 */

#define _GNU_SOURCE
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "resources_build.h"
#include "resources_snapshot.h"
#include "resources_text.h"


#include "fuzz.h"

#define FUZZ_JSONL_RESET      4100    /* records, then the big one restarts:
                                         more than RESOURCES_BITMAP_MIN (4096), so
                                         that finishing it writes bitmaps */
#define FUZZ_JSONL_SMALL_MAX  64      /* records of an input built on its own */


static resources_build_t  *fuzz_big;
static unsigned long       fuzz_big_added;
static char                fuzz_big_path[PATH_MAX];
static char                fuzz_small_path[PATH_MAX];
static unsigned long       fuzz_finish_every = 16;


static void
fuzz_cleanup(void)
{
    resources_build_free(fuzz_big);
    fuzz_big = NULL;
    unlink(fuzz_big_path);
    unlink(fuzz_small_path);
}


static resources_build_t *
fuzz_create(const char *path)
{
    char                err[512];
    resources_build_t  *b;

    unlink(path);

    b = resources_build_create(path, (size_t) 1 << 30, err, sizeof(err));
    if (b == NULL) {
        fprintf(stderr, "fuzz_jsonl: resources_build_create(%s): %s\n", path,
                err);
        abort();
    }

    return b;
}


int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char  *tmp, *fin;

    tmp = getenv("TMPDIR");
    if (tmp == NULL || *tmp == '\0') {
        tmp = "/tmp";
    }

    snprintf(fuzz_big_path, sizeof(fuzz_big_path), "%s/fuzz_jsonl.%d.mdb",
             tmp, (int) getpid());
    snprintf(fuzz_small_path, sizeof(fuzz_small_path),
             "%s/fuzz_jsonl.%d.small.mdb", tmp, (int) getpid());

    fin = getenv("FUZZ_JSONL_FINISH");
    if (fin && *fin) {
        fuzz_finish_every = strtoul(fin, NULL, 10);
    }

    fuzz_big = fuzz_create(fuzz_big_path);
    atexit(fuzz_cleanup);

    return 0;
}


/* whether posting p holds docno */

static int
fuzz_has(const resources_posting_t *p, uint32_t docno)
{
    size_t  i;

    i = resources_gallop(p->data, p->n, 0, docno);

    return i < p->n
           && RESOURCES_DOCNO(resources_get_u32(p->data + i * 4)) == docno;
}


static void
fuzz_posting(resources_snapshot_t *s, u_char kind, const u_char *term,
    size_t len, uint32_t docno, int priv)
{
    resources_posting_t  p;

    /* a public resource is in the public part only, a private one in the
     * private part only: the private view merges both */

    check(resources_snapshot_posting(s, RESOURCES_PART_PUBLIC, kind, term,
                                     len, &p) == 0);
    check(fuzz_has(&p, docno) == !priv);

    check(resources_snapshot_posting(s, RESOURCES_PART_PRIVATE, kind, term,
                                     len, &p) == 0);
    check(fuzz_has(&p, docno) == priv);
}


/* folds as the module folds a query value; -1 when it cannot */

static ssize_t
fuzz_fold(const char *s, size_t len, u_char **out)
{
    size_t  cap;

    cap = RESOURCES_FOLD_RATIO * len + 16;
    *out = malloc(cap);
    check(*out != NULL);

    return resources_fold((const u_char *) s, len, *out, cap);
}


typedef struct {
    resources_snapshot_t  *s;
    uint32_t               docno;
    int                    priv;
} fuzz_words_t;


static int
fuzz_word(void *data, const u_char *w, size_t len, unsigned flags)
{
    fuzz_words_t  *fw = data;

    if (!(flags & RESOURCES_WORD_STOP)) {
        fuzz_posting(fw->s, RESOURCES_KIND_WORD, w, len, fw->docno, fw->priv);
    }

    return 0;
}


static int
fuzz_word_ex(void *data, const resources_word_t *w)
{
    return fuzz_word(data, w->word, w->len, w->flags);
}


/* reads back one accepted record through the module's functions */

static void
fuzz_read_back(resources_snapshot_t *s, json_t *rec)
{
    int                  priv;
    char                *buf;
    size_t               i, fcap;
    ssize_t              n, k;
    u_char              *f, *fbuf, *key;
    json_t              *id, *v, *list, *full;
    const u_char        *fform;
    uint32_t             docno;
    json_error_t         jerr;
    fuzz_words_t         fw;
    resources_record_t   r;

    id = json_object_get(rec, "id");
    check(resources_snapshot_id(s, (const u_char *) json_string_value(id),
                                json_string_length(id), &docno) == 0);
    check(resources_snapshot_record(s, docno, &r) == 0);
    check(r.id_len == json_string_length(id)
          && memcmp(r.id, json_string_value(id), r.id_len) == 0);

    priv = json_is_true(json_object_get(rec, "private"));
    check(r.priv == priv);
    check(s->priv[docno] == priv);

    /* the list form is sent as its list_len bytes, then "}" */

    buf = malloc(r.list_len + 1);
    check(buf != NULL);
    memcpy(buf, r.list, r.list_len);
    buf[r.list_len] = '}';
    list = json_loadb(buf, r.list_len + 1, JSON_REJECT_DUPLICATES, &jerr);
    free(buf);
    check(json_is_object(list));
    check(json_equal(json_object_get(list, "id"), id));
    check(json_is_boolean(json_object_get(list, "private"))
          && json_is_true(json_object_get(list, "private")) == priv);
    json_decref(list);

    /* the full form: in the map, or unpacked after the list form */

    fbuf = NULL;
    fcap = 0;
    fform = resources_snapshot_full(s, &r, &fbuf, &fcap);
    check(fform != NULL);
    full = json_loadb((const char *) fform, r.full_len,
                      JSON_REJECT_DUPLICATES, &jerr);
    free(fbuf);
    check(json_is_object(full));
    check(json_equal(json_object_get(full, "id"), id));
    check(json_equal(json_object_get(full, "title"),
                     json_object_get(rec, "title")));
    json_decref(full);

    /* the type and the keywords, folded as a query's kw and type are */

    v = json_object_get(rec, "type");
    n = fuzz_fold(json_string_value(v), json_string_length(v), &f);
    check(n > 0);
    fuzz_posting(s, RESOURCES_KIND_TYPE, f, (size_t) n, docno, priv);
    free(f);

    json_array_foreach(json_object_get(rec, "keywords"), i, v) {
        n = fuzz_fold(json_string_value(v), json_string_length(v), &f);
        check(n > 0);

        /* keyed by its words stemmed, as the module keys a kw (0.7) */

        key = malloc((size_t) n);
        check(key != NULL);
        k = resources_keyword_key(f, (size_t) n, key, (size_t) n);
        check(k > 0);
        fuzz_posting(s, RESOURCES_KIND_KEYWORD, key, (size_t) k, docno,
                     priv);
        free(key);
        free(f);
    }

    /* the words of the title, as a query's q finds them */

    v = json_object_get(rec, "title");
    n = fuzz_fold(json_string_value(v), json_string_length(v), &f);

    if (n >= 0) {
        fw.s = s;
        fw.docno = docno;
        fw.priv = priv;
        check(resources_words_ex(f, (size_t) n, RESOURCES_STEM_LIGHT,
                                 fuzz_word_ex, &fw) == 0);
    }

    free(f);
}


/* FNV-1a: picks the inputs built on their own, the same ones every time */

static unsigned long
fuzz_hash(const uint8_t *data, size_t size)
{
    size_t    i;
    uint64_t  h;

    h = 0xcbf29ce484222325ULL;

    for (i = 0; i < size; i++) {
        h = (h ^ data[i]) * 0x100000001b3ULL;
    }

    return (unsigned long) (h >> 32);
}


/* a record that resources_build_add() might accept: the cheap part of its
 * checks, so that inputs without one do not pay for a builder of their own */

static int
fuzz_candidate(json_t *rec)
{
    json_t  *id, *title, *type;

    id = json_object_get(rec, "id");
    title = json_object_get(rec, "title");
    type = json_object_get(rec, "type");

    return json_is_string(id)
           && resources_id_valid((const u_char *) json_string_value(id),
                                 json_string_length(id))
           && json_is_string(title) && json_string_length(title) > 0
           && json_is_string(type) && json_string_length(type) > 0;
}


/* finishes b (built from recs, ok[i] saying which were accepted), opens,
 * verifies and reads the snapshot back; frees b and unlinks path */

static void
fuzz_finish_and_verify(resources_build_t *b, const char *path, json_t **recs,
    const char *ok, size_t nrecs, unsigned long accepted)
{
    char                      err[512];
    size_t                    i;
    uint32_t                  d;
    resources_record_t        r;
    resources_snapshot_t      s;
    resources_build_stats_t   st;

    memset(&st, 0, sizeof(st));

    if (resources_build_finish(b, &st, err, sizeof(err)) != 0) {
        fprintf(stderr, "fuzz_jsonl: resources_build_finish: %s\n", err);
        check(0);
    }

    check(st.ndocs == accepted);

    resources_build_free(b);

    if (resources_snapshot_open(&s, path, err, sizeof(err)) != 0) {
        fprintf(stderr, "fuzz_jsonl: resources_snapshot_open: %s\n", err);
        check(0);
    }

    check(s.header.ndocs == accepted);
    check(memcmp(s.version, st.version, RESOURCES_VERSION_LEN) == 0);

    if (resources_snapshot_verify(&s, NULL, err, sizeof(err)) != 0) {
        fprintf(stderr, "fuzz_jsonl: resources_snapshot_verify: %s\n", err);
        check(0);
    }

    for (d = 0; d < accepted; d++) {
        check(resources_snapshot_record(&s, d, &r) == 0);
        check(resources_id_valid(r.id, r.id_len));
    }

    for (i = 0; i < nrecs; i++) {
        if (ok[i]) {
            fuzz_read_back(&s, recs[i]);
        }
    }

    resources_snapshot_close(&s);

    unlink(path);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                 rc;
    char                err[512], *ok;
    size_t              i, len, n, nrecs, cap;
    json_t            **recs;
    const char         *p, *end, *eol;
    json_error_t        jerr;
    unsigned long       accepted;
    resources_build_t  *small;

    /* the lines, parsed */

    recs = NULL;
    nrecs = 0;
    cap = 0;

    p = (const char *) data;
    end = p + size;

    while (p < end) {
        eol = memchr(p, '\n', (size_t) (end - p));
        if (eol == NULL) {
            eol = end;
        }

        len = (size_t) (eol - p);

        if (len > 0 && p[len - 1] == '\r') {
            len--;
        }

        for (n = 0; n < len && (p[n] == ' ' || p[n] == '\t'); n++) {
            /* void */
        }

        if (n < len) {
            json_t  *rec;

            rec = json_loadb(p, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
                             &jerr);

            if (rec) {
                if (nrecs == cap) {
                    cap = cap ? 2 * cap : 16;
                    recs = realloc(recs, cap * sizeof(json_t *));
                    check(recs != NULL);
                }

                recs[nrecs++] = rec;
            }
        }

        p = (eol == end) ? end : eol + 1;
    }

    /* 1. the long-lived builder */

    for (i = 0; i < nrecs; i++) {
        err[0] = '\0';
        rc = resources_build_add(fuzz_big, recs[i], err, sizeof(err));
        check(rc == 0 || rc == -1);

        if (rc == 0) {
            fuzz_big_added++;

        } else {
            check(err[0] != '\0' && memchr(err, '\0', sizeof(err)) != NULL);
        }
    }

    if (fuzz_big_added >= FUZZ_JSONL_RESET) {
        fuzz_finish_and_verify(fuzz_big, fuzz_big_path, NULL, NULL, 0,
                               fuzz_big_added);
        fuzz_big = fuzz_create(fuzz_big_path);
        fuzz_big_added = 0;
    }

    /* 2. a builder of its own, finished, opened, verified, read back */

    for (i = 0, n = 0; i < nrecs; i++) {
        n += fuzz_candidate(recs[i]);
    }

    if (n > 0 && nrecs <= FUZZ_JSONL_SMALL_MAX && fuzz_finish_every
        && fuzz_hash(data, size) % fuzz_finish_every == 0)
    {
        ok = calloc(nrecs, 1);
        check(ok != NULL);

        /* its records packed, the input as the dictionary (the loader's) */

        small = fuzz_create(fuzz_small_path);
        check(resources_build_dict(small, (const u_char *) data, size) == 0);
        accepted = 0;

        for (i = 0; i < nrecs; i++) {
            if (resources_build_add(small, recs[i], err, sizeof(err)) == 0) {
                ok[i] = 1;
                accepted++;
            }
        }

        fuzz_finish_and_verify(small, fuzz_small_path, recs, ok, nrecs,
                               accepted);
        free(ok);
    }

    for (i = 0; i < nrecs; i++) {
        json_decref(recs[i]);
    }

    free(recs);

    return 0;
}
