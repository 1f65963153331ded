/*
 * Copyright (C) ngx_http_resources authors
 *
 * Unit tests of resources_containers.c: every operation against a naive
 * reference (a byte per docno) on random sets of every shape, round trips,
 * values read at odd addresses, and the check refusing truncated and
 * corrupted values, on which the readers must still stay in bounds (run
 * under ASan by t/asan/run.sh).
 */

#include <stdlib.h>

#include "tap.h"
#include "resources_containers.h"
#include "resources_postings.h"
#include "resources_store.h"


#define MAXDOCS  (4 * 65536 + 1000)

static uint64_t  rng = 88172645463325252ull;

static u_char    ina[MAXDOCS], inb[MAXDOCS];
static uint32_t  da[MAXDOCS], db[MAXDOCS], out[MAXDOCS], want[MAXDOCS];
static u_char    fa[MAXDOCS], fb[MAXDOCS], fout[MAXDOCS], fwant[MAXDOCS];
static uint64_t  acc[MAXDOCS / 64 + 2], ref[MAXDOCS / 64 + 2];


static uint32_t
rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;

    return n ? (uint32_t) ((rng >> 11) % n) : 0;
}


/*
 * A random set of ndocs at most, shape:
 *   0 empty, 1 one docno, 2 sparse (arrays), 3 dense (bitmaps),
 *   4 runs, 5 mixed per container, 6 around the container boundaries
 */

static const char  *shape_name[] = { "empty", "one", "arrays", "bitmaps",
                                     "runs", "mixed", "boundaries" };

static size_t
make_set(int shape, uint32_t ndocs, u_char *in, uint32_t *d, u_char *f)
{
    size_t    n, c, i;
    uint32_t  x, lo, hi, len, per, k;

    memset(in, 0, ndocs);

    switch (shape) {

    case 1:
        x = rnd(4) == 0 ? 65535 : rnd(4) == 0 ? 65536 : rnd(ndocs);
        in[x % ndocs] = 1;
        break;

    case 2:
        per = 1 + rnd(3500);
        for (i = 0; i < (size_t) per * ndocs / 65536 + 1; i++) {
            in[rnd(ndocs)] = 1;
        }
        break;

    case 3:
        per = 10 + rnd(80);
        for (x = 0; x < ndocs; x++) {
            in[x] = (rnd(100) < per);
        }
        break;

    case 4:
        for (x = rnd(100); x < ndocs; x += len + 1 + rnd(300)) {
            len = 1 + rnd(rnd(2) ? 40 : 3000);
            for (k = 0; k < len && x + k < ndocs; k++) {
                in[x + k] = 1;
            }
        }
        break;

    case 5:
        for (c = 0; c * 65536 < ndocs; c++) {
            lo = (uint32_t) c * 65536;
            hi = lo + 65536 < ndocs ? lo + 65536 : ndocs;

            switch (rnd(5)) {
            case 0:
                break;
            case 1:
                for (i = rnd(4097); i > 0; i--) {
                    in[lo + rnd(hi - lo)] = 1;
                }
                break;
            case 2:
                per = 5 + rnd(95);
                for (x = lo; x < hi; x++) {
                    in[x] = (rnd(100) < per);
                }
                break;
            case 3:
                for (x = lo + rnd(50); x < hi; x += 1 + rnd(2000)) {
                    for (k = rnd(500); k > 0 && x < hi; k--) {
                        in[x++] = 1;
                    }
                }
                break;
            default:
                for (x = lo; x < hi; x++) {
                    in[x] = 1;               /* a full container */
                }
            }
        }
        break;

    case 6:
        for (c = 1; c * 65536 <= ndocs; c++) {
            for (x = (uint32_t) c * 65536 - rnd(3);
                 x < c * 65536 + rnd(3) && x < ndocs; x++)
            {
                in[x] = 1;
            }
        }
        in[0] = 1;
        in[ndocs - 1] = 1;
        break;
    }

    for (x = 0, n = 0; x < ndocs; x++) {
        if (in[x]) {
            d[n] = x;
            f[n] = (u_char) rnd(4);
            in[x] = 1 + f[n];                   /* 1 + the field */
            n++;
        }
    }

    return n;
}


static u_char *
build(const uint32_t *d, const u_char *f, size_t n, size_t *size)
{
    u_char  *v;

    *size = resources_cset_size(d, n, f != NULL);
    v = malloc(*size);

    if (v == NULL || resources_cset_write(v, *size, d, f, n) != *size) {
        printf("# cannot build a set of %zu\n", n);
        exit(1);
    }

    return v;
}


/*
 * Whether every container of s is of the type Roaring's rule gives it
 * (the reference in: its count and runs); counts the types in seen[]
 */

static int
types_ok(const resources_cset_t *s, const u_char *in, uint32_t ndocs,
    size_t *seen)
{
    int       type;
    size_t    c, r, best;
    uint32_t  i, x, lo, hi;

    for (i = 0; i < s->n; i++) {
        memcpy(&x, s->keys + 2 * i, 2);
        x &= 0xffff;
        lo = x << 16;
        hi = (lo + 65536 < ndocs) ? lo + 65536 : ndocs;

        for (x = lo, c = 0, r = 0; x < hi; x++) {
            c += (in[x] != 0);
            r += (in[x] && (x == lo || !in[x - 1]));
        }

        type = (c <= 4096) ? RESOURCES_CSET_ARRAY : RESOURCES_CSET_BITMAP;
        best = (c <= 4096) ? 2 * c : 8192;

        if (2 + 4 * r < best) {
            type = RESOURCES_CSET_RUNS;
        }

        if (s->types[i] != type) {
            printf("# container %u: type %d, want %d (%zu docnos, %zu runs)\n",
                   i, s->types[i], type, c, r);
            return 0;
        }

        seen[type]++;
    }

    return 1;
}


/* every reader on a and b, against in and the lists */

static void
check_ops(const char *what, const resources_cset_t *a,
    const resources_cset_t *b, uint32_t ndocs, size_t na, size_t nb)
{
    int                    good;
    size_t                 n, m, k, w, nw, chunk;
    uint32_t               x;
    resources_cset_iter_t  it;

    nw = RESOURCES_BITMAP_WORDS(ndocs);

    /* iteration, in chunks */

    chunk = 1 + rnd(rnd(2) ? 7 : 5000);
    resources_cset_iter_init(&it, a);

    for (n = 0; (m = resources_cset_iter_read(&it, out + n, chunk)) > 0;
         n += m)
    {
        if (n + m > na) {
            break;
        }
    }

    ok(n == na && memcmp(out, da, na * 4) == 0 && a->card == na,
       "%s: iteration (%zu, chunks of %zu)", what, na, chunk);

    /* contains, field: every docno near a boundary, some at random */

    good = 1;

    for (k = 0; k < 3000; k++) {
        x = (k < 1000) ? rnd(ndocs)
            : (k < 2000 && na) ? da[rnd((uint32_t) na)]
            : (uint32_t) (65536 * rnd(ndocs / 65536 + 1) + rnd(5) - 2)
              % ndocs;

        if (resources_cset_contains(a, x) != (ina[x] != 0)
            || resources_cset_field(a, x) != (int) ina[x] - 1)
        {
            printf("# docno %u: contains %d field %d, want %d\n", x,
                   resources_cset_contains(a, x),
                   resources_cset_field(a, x), ina[x]);
            good = 0;
            break;
        }
    }

    ok(good, "%s: contains and field", what);

    /* AND of the two sets */

    for (x = 0, m = 0; x < ndocs; x++) {
        if (ina[x] && inb[x]) {
            want[m] = x;
            fwant[m] = ina[x] - 1;
            m++;
        }
    }

    n = resources_cset_and(a, b, out, MAXDOCS);
    ok(n == m && memcmp(out, want, m * 4) == 0, "%s: and (%zu)", what, m);

    if (m > 1) {
        n = resources_cset_and(a, b, out, m / 2);
        ok(n == m / 2 && memcmp(out, want, n * 4) == 0,
           "%s: and, bounded by max", what);
    }

    /* the list of b ANDed with a, fields of a */

    memset(fout, 0xff, m + 1);
    n = resources_cset_and_list(a, db, nb, out, fout);
    ok(n == m && memcmp(out, want, m * 4) == 0
       && memcmp(fout, fwant, m) == 0 && fout[m] == 0xff,
       "%s: and_list with fields (%zu)", what, m);

    n = resources_cset_and_list(a, db, nb, out, NULL);
    ok(n == m && memcmp(out, want, m * 4) == 0, "%s: and_list", what);

    /* flat bitmaps: OR, AND, count */

    for (w = 0; w < nw; w++) {
        ref[w] = ((uint64_t) rnd(0xffffffff) << 32) | rnd(0xffffffff);
    }

    if (ndocs % 64) {
        ref[nw - 1] &= ~(uint64_t) 0 >> (64 - ndocs % 64);
    }

    for (x = 0, m = 0; x < ndocs; x++) {
        m += (ina[x] && ((ref[x / 64] >> (x % 64)) & 1));
    }

    ok(resources_cset_count_bits(a, ref, ndocs) == m,
       "%s: count in a bitmap (%zu)", what, m);

    memcpy(acc, ref, nw * 8);
    resources_cset_or_bits(a, acc, ndocs);

    for (x = 0, good = 1; x < ndocs; x++) {
        if (((acc[x / 64] >> (x % 64)) & 1)
            != (ina[x] || ((ref[x / 64] >> (x % 64)) & 1)))
        {
            good = 0;
        }
    }

    ok(good && (ndocs % 64 == 0 || acc[nw - 1] >> (ndocs % 64) == 0),
       "%s: or into a bitmap", what);

    memcpy(acc, ref, nw * 8);
    n = resources_cset_and_bits(a, acc, ndocs);

    for (x = 0, good = 1; x < ndocs; x++) {
        if (((acc[x / 64] >> (x % 64)) & 1)
            != (ina[x] && ((ref[x / 64] >> (x % 64)) & 1)))
        {
            good = 0;
        }
    }

    ok(good && n == m, "%s: and into a bitmap (%zu)", what, n);
}


/* the readers on a value that may be corrupt: they must stay in bounds */

static void
poke(const u_char *v, size_t len, uint32_t ndocs)
{
    size_t                 nw, k;
    uint32_t               list[64];
    resources_cset_t       s;
    resources_cset_iter_t  it;

    if (resources_cset_view(&s, v, len) != 0) {
        return;
    }

    nw = RESOURCES_BITMAP_WORDS(ndocs);

    resources_cset_iter_init(&it, &s);
    while (resources_cset_iter_read(&it, out, 4096) > 0) { /* void */ }

    for (k = 0; k < 64; k++) {
        list[k] = (uint32_t) k * (ndocs / 64);
        (void) resources_cset_contains(&s, rnd(ndocs + 70000));
        (void) resources_cset_field(&s, rnd(ndocs + 70000));
    }

    (void) resources_cset_and(&s, &s, out, MAXDOCS);
    (void) resources_cset_and_list(&s, list, 64, out, fout);
    memset(acc, 0xff, nw * 8);
    (void) resources_cset_count_bits(&s, acc, ndocs);
    resources_cset_or_bits(&s, acc, ndocs);
    (void) resources_cset_and_bits(&s, acc, ndocs);
}


/* a value the check accepted: its docnos increasing, below ndocs */

static int
still_good(const u_char *v, size_t len, uint32_t ndocs)
{
    size_t                 n, m, k;
    resources_cset_t       s;
    resources_cset_iter_t  it;

    if (resources_cset_view(&s, v, len) != 0) {
        return 0;
    }

    resources_cset_iter_init(&it, &s);

    for (n = 0; (m = resources_cset_iter_read(&it, out, 4096)) > 0; n += m) {
        for (k = 0; k < m; k++) {
            if (out[k] >= ndocs || (k > 0 && out[k] <= out[k - 1])) {
                return 0;
            }
        }
    }

    return n == s.card;
}


static void
test_corrupt(const u_char *v, size_t size, uint32_t ndocs, const char *what)
{
    int          good, accepted;
    size_t       len, k, step, tries;
    u_char      *c;
    const char  *err;

    /* truncated: refused, and the readers stay in the bytes they get */

    good = 1;
    step = (size > 600) ? size / 300 : 1;

    for (len = 0; len < size; len += (len < 64 ? 1 : step)) {
        c = malloc(len ? len : 1);
        memcpy(c, v, len);

        /* the last padding bytes may go: the value ends at its size */

        if (resources_cset_check(c, len, ndocs, &err) == 0
            && len + 8 <= size)
        {
            printf("# %zu of %zu bytes accepted\n", len, size);
            good = 0;
        }

        poke(c, len, ndocs);
        free(c);
    }

    ok(good, "%s: truncated values refused", what);

    /* bytes changed at random: refused, or still a good value */

    accepted = 0;
    tries = (size < 4096) ? 400 : 150;
    good = 1;

    for (k = 0; k < tries; k++) {
        c = malloc(size);
        memcpy(c, v, size);

        c[rnd(k % 2 ? (uint32_t) size : (uint32_t) (size < 200 ? size : 200))]
            ^= (u_char) (1 + rnd(255));

        if (rnd(2)) {
            c[rnd((uint32_t) size)] = (u_char) rnd(256);
        }

        if (resources_cset_check(c, size, ndocs, &err) == 0) {
            accepted++;
            good &= still_good(c, size, ndocs);
        }

        poke(c, size, ndocs);
        free(c);
    }

    ok(good, "%s: %zu corrupted values read in bounds, %d passed the check"
       " (a field changed) and are good sets", what, tries, accepted);
}


static void
test_sets(uint32_t ndocs, int sa, int sb)
{
    char              what[128];
    int               rc;
    size_t            i, na, nb, sza, szb, seen[4];
    u_char           *va, *vb, *odd;
    const char       *err = "";
    resources_cset_t  a, b, a1;

    na = make_set(sa, ndocs, inb, da, fa);   /* inb as scratch */
    nb = make_set(sb, ndocs, inb, db, fb);

    /* inb is b's now: ina again from a's docnos */

    memset(ina, 0, ndocs);

    for (i = 0; i < na; i++) {
        ina[da[i]] = 1 + fa[i];
    }

    snprintf(what, sizeof(what), "%s x %s, ndocs %u", shape_name[sa],
             shape_name[sb], ndocs);

    va = build(da, fa, na, &sza);
    vb = build(db, NULL, nb, &szb);

    ok(resources_cset_check(va, sza, ndocs, &err) == 0
       && resources_cset_check(vb, szb, ndocs, &err) == 0
       && sza % 8 == 0 && szb % 8 == 0,
       "%s: written values pass the check (%zu, %zu bytes)", what, sza,
       szb);

    if (na && da[na - 1] > 0) {
        rc = resources_cset_check(va, sza, da[na - 1], &err);
        ok(rc != 0, "%s: a docno at ndocs refused (%s)", what, err);
    }

    resources_cset_view(&a, va, sza);
    resources_cset_view(&b, vb, szb);

    memset(seen, 0, sizeof(seen));
    rc = types_ok(&a, ina, ndocs, seen);
    ok(rc, "%s: Roaring's container types"
       " (%zu arrays, %zu bitmaps, %zu runs)", what,
       seen[RESOURCES_CSET_ARRAY], seen[RESOURCES_CSET_BITMAP],
       seen[RESOURCES_CSET_RUNS]);

    if (ndocs >= 65536) {
        ok((sa != 2 || seen[RESOURCES_CSET_ARRAY])
           && (sa != 3 || seen[RESOURCES_CSET_BITMAP])
           && (sa != 4 || seen[RESOURCES_CSET_RUNS]),
           "%s: the shape's container type is there", what);
    }

    check_ops(what, &a, &b, ndocs, na, nb);

    /* the same at an odd address */

    odd = malloc(sza + 1);
    memcpy(odd + 1, va, sza);
    resources_cset_view(&a1, odd + 1, sza);
    strncat(what, ", odd address", sizeof(what) - strlen(what) - 1);
    check_ops(what, &a1, &b, ndocs, na, nb);

    test_corrupt(va, sza, ndocs, what);

    free(odd);
    free(va);
    free(vb);
}


/* where the offsets of a directory of n containers are */

static size_t
offsets_at(size_t n)
{
    return ((RESOURCES_CSET_HEADER + 5 * n + 3) & ~(size_t) 3) + 4 * n;
}


static void
test_refusals(void)
{
    int               rc;
    size_t            size, i;
    u_char           *v, *c;
    uint32_t          d[5000];
    const char       *err = "";
    resources_cset_t  s;

    static const struct {
        size_t      at;
        int         value;
        const char *what;
    } pokes[] = {
        { 7, 1, "reserved byte" },
        { 6, 2, "unknown flag" },
        { 0, 0x55, "count" },
        { 4, 9, "containers" },
    };

    ok(resources_cset_size(NULL, 0, 0) == 16
       && resources_cset_size(NULL, 0, 1) == 16,
       "an empty set: a header");

    d[0] = 5;
    d[1] = 5;
    ok(resources_cset_size(d, 2, 0) == 0, "docnos not increasing refused");

    d[0] = RESOURCES_CSET_MAX_DOCS;
    ok(resources_cset_size(d, 1, 0) == 0, "a docno of 2^30 refused");

    /* a set with an array, a bitmap and runs: keys 0, 1, 2 */

    for (i = 0; i < 100; i++) {
        d[i] = (uint32_t) i * 7;
    }

    for (i = 100; i < 4800; i++) {
        d[i] = 65536 + (uint32_t) (i - 100) * 11;
    }

    for (i = 4800; i < 5000; i++) {
        d[i] = 2 * 65536 + (uint32_t) i;
    }

    v = build(d, NULL, 5000, &size);
    resources_cset_view(&s, v, size);

    ok(s.n == 3 && s.types[0] == RESOURCES_CSET_ARRAY
       && s.types[1] == RESOURCES_CSET_BITMAP
       && s.types[2] == RESOURCES_CSET_RUNS
       && resources_cset_check(v, size, 3 * 65536, &err) == 0,
       "array, bitmap and runs");

    c = malloc(size);

    for (i = 0; i < sizeof(pokes) / sizeof(pokes[0]); i++) {
        memcpy(c, v, size);
        c[pokes[i].at] ^= (u_char) pokes[i].value;
        rc = resources_cset_check(c, size, 3 * 65536, &err);
        ok(rc != 0,
           "refused: %s (%s)", pokes[i].what, err);
    }

    /* keys out of order */
    memcpy(c, v, size);
    c[16] = 2;
    rc = resources_cset_check(c, size, 3 * 65536, &err);
    ok(rc != 0,
       "refused: keys out of order (%s)", err);

    /* a type */
    memcpy(c, v, size);
    c[16 + 4 * 3] = 7;
    rc = resources_cset_check(c, size, 3 * 65536, &err);
    ok(rc != 0,
       "refused: container type (%s)", err);

    /* an offset past the end */
    memcpy(c, v, size);
    memset(c + offsets_at(3), 0x7f, 4);
    rc = resources_cset_check(c, size, 3 * 65536, &err);
    ok(rc != 0,
       "refused: an offset out of the value (%s)", err);
    poke(c, size, 3 * 65536);

    /* an array out of order: its first two entries swapped */
    memcpy(c, v, size);
    {
        uint32_t  off;
        u_char    t[2];

        memcpy(&off, v + offsets_at(3), 4);
        memcpy(t, c + off, 2);
        memcpy(c + off, c + off + 2, 2);
        memcpy(c + off + 2, t, 2);
    }
    rc = resources_cset_check(c, size, 3 * 65536, &err);
    ok(rc != 0,
       "refused: an array out of order (%s)", err);

    /* a size larger than the value */
    memcpy(c, v, size);
    c[13] ^= 0x40;
    rc = resources_cset_check(c, size, 3 * 65536, &err);
    ok(rc != 0 && resources_cset_view(&s, c, size) != 0,
       "refused, even by the view: a size past the value (%s)", err);

    rc = resources_cset_check(v, size, 2 * 65536 + 4999, &err);

    ok(rc != 0,
       "refused: the last docno at ndocs (%s)", err);

    free(c);
    free(v);
}


int
main(void)
{
    int       sa, sb, k;
    uint32_t  ndocs;

    static const uint32_t  sizes[] = { 1, 63, 65536, 65537, 100003,
                                       3 * 65536 + 17, MAXDOCS };

    (void) resources_bits_avx2(1);

    test_refusals();

    for (k = 0; k < 7; k++) {
        ndocs = sizes[k];

        for (sa = 0; sa < 7; sa++) {
            sb = (k * 3 + sa * 5 + 1) % 7;
            test_sets(ndocs, sa, sb);
        }
    }

    /* the same without AVX2 */

    (void) resources_bits_avx2(0);
    test_sets(100003, 3, 5);
    test_sets(MAXDOCS, 5, 3);

    return tap_done();
}
