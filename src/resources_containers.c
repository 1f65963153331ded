/*
 * Copyright (C) ngx_http_resources authors
 */


#include <string.h>

#include "resources_containers.h"
#include "resources_postings.h"
#include "resources_store.h"


#define RESOURCES_CSET_BITMAP_BYTES  (RESOURCES_CSET_WORDS * 8)

/*
 * The functions that count bits: with the POPCNT instruction where the
 * CPU has it, chosen at load time (as resources_postings.c does); without
 * it __builtin_popcountll() is a call
 */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) \
    && defined(__linux__)
#define RESOURCES_CSET_POPCNT  __attribute__((target_clones("popcnt", \
                                                             "default")))
#else
#define RESOURCES_CSET_POPCNT
#endif


/* a container of a set, its bounds checked: type 0 when they fail */

typedef struct {
    const u_char  *p;             /* the payload (runs: the pairs) */
    uint32_t       base;          /* key << 16 */
    uint32_t       count;         /* array: entries, runs: runs,
                                     bitmap: docnos */
    uint32_t       cum;
    u_char         type;
} resources_cset_cont_t;


static inline uint32_t
resources_cset_u16(const u_char *p, size_t i)
{
    uint16_t  v;

    memcpy(&v, p + 2 * i, sizeof(uint16_t));

    return v;
}


static inline uint32_t
resources_cset_u32(const u_char *p, size_t i)
{
    uint32_t  v;

    memcpy(&v, p + 4 * i, sizeof(uint32_t));

    return v;
}


static inline uint64_t
resources_cset_word(const u_char *p, size_t w)
{
    uint64_t  v;

    memcpy(&v, p + 8 * w, sizeof(uint64_t));

    return v;
}


static inline void
resources_cset_put16(u_char *p, size_t i, uint32_t v)
{
    uint16_t  x = (uint16_t) v;

    memcpy(p + 2 * i, &x, sizeof(uint16_t));
}


static inline void
resources_cset_put32(u_char *p, size_t i, uint32_t v)
{
    memcpy(p + 4 * i, &v, sizeof(uint32_t));
}


/* where the parts of the directory of n containers start */

static inline size_t
resources_cset_cum_at(size_t n)
{
    return (RESOURCES_CSET_HEADER + 5 * n + 3) & ~(size_t) 3;
}


static inline size_t
resources_cset_payload_at(size_t n)
{
    return (resources_cset_cum_at(n) + 8 * n + 7) & ~(size_t) 7;
}


/* --- the writer ---------------------------------------------------------- */

static size_t
resources_cset_build(u_char *out, const uint32_t *docnos,
    const u_char *fields, size_t n, int with_fields)
{
    size_t    i, j, k, nc, c, nruns, pos, off, psize, dir, r, start;
    uint32_t  key, v;
    uint64_t  x;
    u_char    type, *p;

    /* the containers; the docnos strictly increasing and in range */

    for (i = 0, nc = 0; i < n; i++) {
        if (docnos[i] >= RESOURCES_CSET_MAX_DOCS
            || (i > 0 && docnos[i] <= docnos[i - 1]))
        {
            return 0;
        }

        if (i == 0 || (docnos[i] >> 16) != (docnos[i - 1] >> 16)) {
            nc++;
        }
    }

    pos = resources_cset_payload_at(nc);
    dir = 0;

    for (i = 0; i < n; i = j) {
        key = docnos[i] >> 16;
        nruns = 1;

        for (j = i + 1; j < n && (docnos[j] >> 16) == key; j++) {
            nruns += (docnos[j] != docnos[j - 1] + 1);
        }

        c = j - i;

        /* Roaring's choice: the smallest, an array only up to 4096 */

        if (c <= RESOURCES_CSET_ARRAY_MAX) {
            type = RESOURCES_CSET_ARRAY;
            psize = 2 * c;

        } else {
            type = RESOURCES_CSET_BITMAP;
            psize = RESOURCES_CSET_BITMAP_BYTES;
        }

        if (2 + 4 * nruns < psize) {
            type = RESOURCES_CSET_RUNS;
            psize = 2 + 4 * nruns;
        }

        off = (type == RESOURCES_CSET_BITMAP) ? (pos + 7) & ~(size_t) 7
                                              : pos;

        if (out) {
            resources_cset_put16(out + RESOURCES_CSET_HEADER, dir, key);
            resources_cset_put16(out + RESOURCES_CSET_HEADER + 2 * nc, dir,
                                 (uint32_t) (c - 1));
            out[RESOURCES_CSET_HEADER + 4 * nc + dir] = type;
            resources_cset_put32(out + resources_cset_cum_at(nc), dir,
                                 (uint32_t) i);
            resources_cset_put32(out + resources_cset_cum_at(nc) + 4 * nc,
                                 dir, (uint32_t) off);

            p = out + off;

            switch (type) {

            case RESOURCES_CSET_ARRAY:
                for (k = i; k < j; k++) {
                    resources_cset_put16(p, k - i, docnos[k] & 0xffff);
                }

                break;

            case RESOURCES_CSET_BITMAP:
                for (k = i; k < j; k++) {
                    v = docnos[k] & 0xffff;
                    memcpy(&x, p + 8 * (v / 64), sizeof(uint64_t));
                    x |= (uint64_t) 1 << (v % 64);
                    memcpy(p + 8 * (v / 64), &x, sizeof(uint64_t));
                }

                break;

            default: /* RESOURCES_CSET_RUNS */
                resources_cset_put16(p, 0, (uint32_t) nruns);

                for (k = i, r = 0, start = i; k <= j; k++) {
                    if (k == j || (k > i && docnos[k] != docnos[k - 1] + 1)) {
                        resources_cset_put16(p + 2, 2 * r,
                                             docnos[start] & 0xffff);
                        resources_cset_put16(p + 2, 2 * r + 1,
                                             (uint32_t) (k - 1 - start));
                        r++;
                        start = k;
                    }
                }

                break;
            }
        }

        pos = off + psize;
        dir++;
    }

    off = 0;

    if (with_fields) {
        off = pos;

        if (out && fields) {
            for (k = 0; k < n; k++) {
                out[off + k / 4] |= (u_char) ((fields[k] & 3)
                                              << (2 * (k % 4)));
            }
        }

        pos += (n + 3) / 4;
    }

    if (out) {
        resources_cset_put32(out, 0, (uint32_t) n);
        resources_cset_put16(out, 2, (uint32_t) nc);
        out[6] = with_fields ? RESOURCES_CSET_FIELDS : 0;
        out[7] = 0;
        resources_cset_put32(out, 2, (uint32_t) off);
        resources_cset_put32(out, 3, (uint32_t) pos);
    }

    return (pos + 7) & ~(size_t) 7;
}


size_t
resources_cset_size(const uint32_t *docnos, size_t n, int fields)
{
    return resources_cset_build(NULL, docnos, NULL, n, fields);
}


size_t
resources_cset_write(u_char *out, size_t size, const uint32_t *docnos,
    const u_char *fields, size_t n)
{
    if (resources_cset_build(NULL, docnos, NULL, n, fields != NULL) != size
        || size == 0)
    {
        return 0;
    }

    memset(out, 0, size);

    return resources_cset_build(out, docnos, fields, n, fields != NULL);
}


/* --- the checks ---------------------------------------------------------- */

int
resources_cset_view(resources_cset_t *s, const u_char *data, size_t len)
{
    size_t  n, size;

    if (len < RESOURCES_CSET_HEADER) {
        return -1;
    }

    n = resources_cset_u16(data, 2);
    size = resources_cset_u32(data, 3);

    if (size > len || resources_cset_payload_at(n) > size) {
        return -1;
    }

    s->data = data;
    s->size = size;
    s->card = resources_cset_u32(data, 0);
    s->n = (uint32_t) n;
    s->fields = (data[6] & RESOURCES_CSET_FIELDS)
                ? resources_cset_u32(data, 2) : 0;
    s->keys = data + RESOURCES_CSET_HEADER;
    s->counts = s->keys + 2 * n;
    s->types = s->keys + 4 * n;
    s->cum = data + resources_cset_cum_at(n);
    s->offsets = s->cum + 4 * n;

    if (s->fields
        && (s->fields > size
            || ((size_t) s->card + 3) / 4 > size - s->fields))
    {
        return -1;
    }

    return 0;
}


/* whether data[from .. to) is zeros (padding) */

static int
resources_cset_zeros(const u_char *data, size_t from, size_t to)
{
    for ( /* void */ ; from < to; from++) {
        if (data[from]) {
            return 0;
        }
    }

    return 1;
}


#define RESOURCES_CSET_BAD(what)                                             \
    do {                                                                     \
        if (err) {                                                           \
            *err = what;                                                     \
        }                                                                    \
        return -1;                                                           \
    } while (0)


RESOURCES_CSET_POPCNT
int
resources_cset_check(const u_char *data, size_t len, uint32_t ndocs,
    const char **err)
{
    size_t            i, k, off, end, total, count, nruns, sum;
    uint32_t          key, prev, v, start, last;
    resources_cset_t  s;

    if (len < RESOURCES_CSET_HEADER) {
        RESOURCES_CSET_BAD("shorter than its header");
    }

    if (resources_cset_view(&s, data, len) != 0) {
        RESOURCES_CSET_BAD("shorter than its header says");
    }

    if (len - s.size >= 8) {
        RESOURCES_CSET_BAD("longer than its header says");
    }

    if ((data[6] & ~RESOURCES_CSET_FIELDS) || data[7]
        || (!(data[6] & RESOURCES_CSET_FIELDS)
            && resources_cset_u32(data, 2) != 0))
    {
        RESOURCES_CSET_BAD("unknown flags");
    }

    if ((s.n == 0) != (s.card == 0)) {
        RESOURCES_CSET_BAD("containers and count disagree");
    }

    end = resources_cset_payload_at(s.n);

    if (!resources_cset_zeros(data, RESOURCES_CSET_HEADER + 5 * s.n,
                              s.cum - data)
        || !resources_cset_zeros(data, (s.offsets - data) + 4 * s.n, end)
        || !resources_cset_zeros(data, s.size, len))
    {
        RESOURCES_CSET_BAD("padding not zero");
    }

    total = 0;
    prev = 0;

    for (i = 0; i < s.n; i++) {
        key = resources_cset_u16(s.keys, i);
        count = resources_cset_u16(s.counts, i) + 1;
        off = resources_cset_u32(s.offsets, i);

        if (i > 0 && key <= prev) {
            RESOURCES_CSET_BAD("container keys not increasing");
        }

        prev = key;

        if (resources_cset_u32(s.cum, i) != total) {
            RESOURCES_CSET_BAD("cumulative counts wrong");
        }

        total += count;

        if (off < end || off > s.size) {
            RESOURCES_CSET_BAD("container offset out of place");
        }

        if (!resources_cset_zeros(data, end, off)) {
            RESOURCES_CSET_BAD("padding not zero");
        }

        last = 0;

        switch (s.types[i]) {

        case RESOURCES_CSET_ARRAY:
            if (off % 2 || count > RESOURCES_CSET_ARRAY_MAX
                || 2 * count > s.size - off)
            {
                RESOURCES_CSET_BAD("array out of bounds");
            }

            for (k = 0; k < count; k++) {
                v = resources_cset_u16(data + off, k);

                if (k > 0 && v <= last) {
                    RESOURCES_CSET_BAD("array not increasing");
                }

                last = v;
            }

            end = off + 2 * count;
            break;

        case RESOURCES_CSET_BITMAP:
            if (off % 8 || RESOURCES_CSET_BITMAP_BYTES > s.size - off) {
                RESOURCES_CSET_BAD("bitmap out of bounds");
            }

            for (k = 0, sum = 0; k < RESOURCES_CSET_WORDS; k++) {
                uint64_t  x = resources_cset_word(data + off, k);

                if (x) {
                    sum += (size_t) __builtin_popcountll(x);
                    last = (uint32_t) (k * 64 + 63 - __builtin_clzll(x));
                }
            }

            if (sum != count) {
                RESOURCES_CSET_BAD("bitmap count wrong");
            }

            end = off + RESOURCES_CSET_BITMAP_BYTES;
            break;

        case RESOURCES_CSET_RUNS:
            if (off % 2 || 2 > s.size - off) {
                RESOURCES_CSET_BAD("runs out of bounds");
            }

            nruns = resources_cset_u16(data + off, 0);

            if (nruns == 0 || 4 * nruns > s.size - off - 2) {
                RESOURCES_CSET_BAD("runs out of bounds");
            }

            for (k = 0, sum = 0; k < nruns; k++) {
                start = resources_cset_u16(data + off + 2, 2 * k);

                if (k > 0 && start <= last + 1) {
                    RESOURCES_CSET_BAD("runs not increasing");
                }

                last = start + resources_cset_u16(data + off + 2, 2 * k + 1);

                if (last > 0xffff) {
                    RESOURCES_CSET_BAD("run past its container");
                }

                sum += last - start + 1;
            }

            if (sum != count) {
                RESOURCES_CSET_BAD("runs count wrong");
            }

            end = off + 2 + 4 * nruns;
            break;

        default:
            RESOURCES_CSET_BAD("unknown container type");
        }

        if (((size_t) key << 16 | last) >= ndocs) {
            RESOURCES_CSET_BAD("docno out of range");
        }
    }

    if (total != s.card) {
        RESOURCES_CSET_BAD("count wrong");
    }

    if (s.fields) {
        if (s.fields < end || !resources_cset_zeros(data, end, s.fields)) {
            RESOURCES_CSET_BAD("field stream out of place");
        }

        if (s.fields != end || s.size != end + (s.card + 3) / 4) {
            RESOURCES_CSET_BAD("field stream out of place");
        }

        if (s.card % 4
            && (data[s.fields + s.card / 4] >> (2 * (s.card % 4))) != 0)
        {
            RESOURCES_CSET_BAD("field stream has stray bits");
        }

    } else if (s.size != end) {
        RESOURCES_CSET_BAD("size wrong");
    }

    return 0;
}


/* --- readers ------------------------------------------------------------- */

static inline void
resources_cset_cont(const resources_cset_t *s, uint32_t i,
    resources_cset_cont_t *c)
{
    size_t    off, need;
    uint32_t  count;

    c->base = resources_cset_u16(s->keys, i) << 16;
    c->cum = resources_cset_u32(s->cum, i);
    c->type = s->types[i];
    off = resources_cset_u32(s->offsets, i);
    count = resources_cset_u16(s->counts, i) + 1;

    switch (c->type) {

    case RESOURCES_CSET_ARRAY:
        need = 2 * (size_t) count;
        break;

    case RESOURCES_CSET_BITMAP:
        need = RESOURCES_CSET_BITMAP_BYTES;
        break;

    case RESOURCES_CSET_RUNS:
        if (off > s->size || s->size - off < 2) {
            goto bad;
        }

        count = resources_cset_u16(s->data + off, 0);
        off += 2;
        need = 4 * (size_t) count;
        break;

    default:
        goto bad;
    }

    if (off > s->size || need > s->size - off) {
        goto bad;
    }

    c->p = s->data + off;
    c->count = count;

    return;

bad:

    c->type = 0;
    c->count = 0;
    c->p = s->data;
}


/* the first index i >= from of u16 array a (n) with a[i] >= v, or n */

static inline uint32_t
resources_cset_gallop16(const u_char *a, uint32_t n, uint32_t from,
    uint32_t v)
{
    return (uint32_t) resources_gallop_keys(a, n, from, v,
                                            resources_cset_u16);
}


/* the first container i >= from whose key is key or more, or n */

static uint32_t
resources_cset_find(const resources_cset_t *s, uint32_t key, uint32_t from)
{
    return resources_cset_gallop16(s->keys, s->n, from, key);
}


/* the last low bits of run i of r (pairs of u16: start, length - 1) */

static inline uint32_t
resources_cset_run_end(const u_char *r, size_t i)
{
    return resources_cset_u16(r, 2 * i) + resources_cset_u16(r, 2 * i + 1);
}


/* the first run i >= from of runs r (n) whose end is v or more, or n */

static inline uint32_t
resources_cset_gallop_runs(const u_char *r, uint32_t n, uint32_t from,
    uint32_t v)
{
    return (uint32_t) resources_gallop_keys(r, n, from, v,
                                            resources_cset_run_end);
}


/* the rank of low bits v in a container, or -1 when v is not in it */

static inline long
resources_cset_rank(const resources_cset_cont_t *c, uint32_t v)
{
    uint32_t  i, w, start;
    uint64_t  x;
    long      r;

    switch (c->type) {

    case RESOURCES_CSET_ARRAY:
        i = resources_cset_gallop16(c->p, c->count, 0, v);

        return (i < c->count && resources_cset_u16(c->p, i) == v) ? (long) i
                                                                  : -1;

    case RESOURCES_CSET_BITMAP:
        x = resources_cset_word(c->p, v / 64);

        if (!((x >> (v % 64)) & 1)) {
            return -1;
        }

        r = __builtin_popcountll(x & ((((uint64_t) 1) << (v % 64)) - 1));

        for (w = 0; w < v / 64; w++) {
            r += __builtin_popcountll(resources_cset_word(c->p, w));
        }

        return r;

    case RESOURCES_CSET_RUNS:
        i = resources_cset_gallop_runs(c->p, c->count, 0, v);
        start = (i < c->count) ? resources_cset_u16(c->p, 2 * i) : 0;

        if (i == c->count || start > v) {
            return -1;
        }

        for (r = v - start, w = 0; w < i; w++) {
            r += resources_cset_u16(c->p, 2 * w + 1) + 1;
        }

        return r;
    }

    return -1;
}


int
resources_cset_contains(const resources_cset_t *s, uint32_t d)
{
    uint32_t               i, v, start;
    resources_cset_cont_t  c;

    i = resources_cset_find(s, d >> 16, 0);

    if (i == s->n || resources_cset_u16(s->keys, i) != (d >> 16)) {
        return 0;
    }

    resources_cset_cont(s, i, &c);
    v = d & 0xffff;

    switch (c.type) {

    case RESOURCES_CSET_BITMAP:
        return (resources_cset_word(c.p, v / 64) >> (v % 64)) & 1;

    case RESOURCES_CSET_RUNS:
        i = resources_cset_gallop_runs(c.p, c.count, 0, v);
        start = (i < c.count) ? resources_cset_u16(c.p, 2 * i) : 0;

        return i < c.count && start <= v;

    default:
        return resources_cset_rank(&c, v) >= 0;
    }
}


static inline int
resources_cset_field_at(const resources_cset_t *s, size_t r)
{
    if (s->fields == 0 || r >= s->card) {
        return -1;
    }

    return (s->data[s->fields + r / 4] >> (2 * (r % 4))) & 3;
}


RESOURCES_CSET_POPCNT
int
resources_cset_field(const resources_cset_t *s, uint32_t d)
{
    long                   r;
    uint32_t               i;
    resources_cset_cont_t  c;

    if (s->fields == 0) {
        return -1;
    }

    i = resources_cset_find(s, d >> 16, 0);

    if (i == s->n || resources_cset_u16(s->keys, i) != (d >> 16)) {
        return -1;
    }

    resources_cset_cont(s, i, &c);

    r = resources_cset_rank(&c, d & 0xffff);

    return (r < 0) ? -1 : resources_cset_field_at(s, (size_t) c.cum + r);
}


void
resources_cset_iter_init(resources_cset_iter_t *it, const resources_cset_t *s)
{
    it->set = s;
    it->i = 0;
    it->pos = 0;
    it->sub = 0;
}


size_t
resources_cset_iter_read(resources_cset_iter_t *it, uint32_t *out,
    size_t max)
{
    size_t                   n;
    uint32_t                 w, start, len;
    uint64_t                 x;
    resources_cset_cont_t    c;
    const resources_cset_t  *s;

    s = it->set;
    n = 0;

    while (n < max && it->i < s->n) {
        resources_cset_cont(s, it->i, &c);

        switch (c.type) {

        case RESOURCES_CSET_ARRAY:
            while (it->pos < c.count && n < max) {
                out[n++] = c.base | resources_cset_u16(c.p, it->pos++);
            }

            if (it->pos < c.count) {
                return n;
            }

            break;

        case RESOURCES_CSET_BITMAP:
            for (w = it->pos / 64; w < RESOURCES_CSET_WORDS; w++) {
                x = resources_cset_word(c.p, w);

                if (w == it->pos / 64) {
                    x &= ~(uint64_t) 0 << (it->pos % 64);
                }

                for ( /* void */ ; x && n < max; x &= x - 1) {
                    out[n++] = c.base | (w * 64 + __builtin_ctzll(x));
                }

                if (x) {
                    it->pos = w * 64 + __builtin_ctzll(x);
                    return n;
                }
            }

            break;

        case RESOURCES_CSET_RUNS:
            for ( /* void */ ; it->pos < c.count; it->pos++, it->sub = 0) {
                start = resources_cset_u16(c.p, 2 * it->pos);
                len = resources_cset_u16(c.p, 2 * it->pos + 1) + 1;

                while (it->sub < len && n < max) {
                    out[n++] = c.base | (start + it->sub++);
                }

                if (it->sub < len) {
                    return n;
                }
            }

            break;
        }

        it->i++;
        it->pos = 0;
        it->sub = 0;
    }

    return n;
}


/* --- the AND of two sets ------------------------------------------------- */

/* whether low bits v are in c, from where the last probe stopped */

static inline int
resources_cset_probe(const resources_cset_cont_t *c, uint32_t *pos,
    uint32_t v)
{
    switch (c->type) {

    case RESOURCES_CSET_ARRAY:
        *pos = resources_cset_gallop16(c->p, c->count, *pos, v);

        return *pos < c->count && resources_cset_u16(c->p, *pos) == v;

    case RESOURCES_CSET_BITMAP:
        return (resources_cset_word(c->p, v / 64) >> (v % 64)) & 1;

    case RESOURCES_CSET_RUNS:
        *pos = resources_cset_gallop_runs(c->p, c->count, *pos, v);

        return *pos < c->count && resources_cset_u16(c->p, 2 * *pos) <= v;
    }

    return 0;
}


/* the docnos of bitmap b in [lo, hi] (low bits), into out */

static size_t
resources_cset_bitmap_range(const resources_cset_cont_t *b, uint32_t lo,
    uint32_t hi, uint32_t *out, size_t max)
{
    size_t    n;
    uint32_t  w;
    uint64_t  x;

    for (n = 0, w = lo / 64; w <= hi / 64 && n < max; w++) {
        x = resources_cset_word(b->p, w);

        if (w == lo / 64) {
            x &= ~(uint64_t) 0 << (lo % 64);
        }

        if (w == hi / 64 && hi % 64 != 63) {
            x &= ((uint64_t) 1 << (hi % 64 + 1)) - 1;
        }

        for ( /* void */ ; x && n < max; x &= x - 1) {
            out[n++] = b->base | (w * 64 + __builtin_ctzll(x));
        }
    }

    return n;
}


static size_t
resources_cset_and_cont(const resources_cset_cont_t *a,
    const resources_cset_cont_t *b, uint32_t *out, size_t max)
{
    size_t                        n;
    uint32_t                      i, j, w, v, lo, hi, alo, ahi, blo, bhi;
    uint64_t                      x;
    const resources_cset_cont_t  *t;

    if (a->type == 0 || b->type == 0) {
        return 0;
    }

    /* arrays drive: the shorter one, else the array */

    if (b->type == RESOURCES_CSET_ARRAY
        && (a->type != RESOURCES_CSET_ARRAY || b->count < a->count))
    {
        t = a;
        a = b;
        b = t;
    }

    n = 0;

    if (a->type == RESOURCES_CSET_ARRAY) {
        for (i = 0, j = 0; i < a->count && n < max; i++) {
            v = resources_cset_u16(a->p, i);

            if (resources_cset_probe(b, &j, v)) {
                out[n++] = a->base | v;
            }

            if (j >= b->count && b->type != RESOURCES_CSET_BITMAP) {
                break;
            }
        }

        return n;
    }

    if (a->type == RESOURCES_CSET_BITMAP && b->type == RESOURCES_CSET_BITMAP) {

        if (max >= 65536) {
            for (w = 0; w < RESOURCES_CSET_WORDS; w++) {
                x = resources_cset_word(a->p, w)
                    & resources_cset_word(b->p, w);

                for ( /* void */ ; x; x &= x - 1) {
                    out[n++] = a->base | (w * 64 + __builtin_ctzll(x));
                }
            }

            return n;
        }

        for (w = 0; w < RESOURCES_CSET_WORDS && n < max; w++) {
            x = resources_cset_word(a->p, w) & resources_cset_word(b->p, w);

            for ( /* void */ ; x && n < max; x &= x - 1) {
                out[n++] = a->base | (w * 64 + __builtin_ctzll(x));
            }
        }

        return n;
    }

    if (b->type == RESOURCES_CSET_BITMAP) {
        t = a;
        a = b;
        b = t;
    }

    if (a->type == RESOURCES_CSET_BITMAP) {

        /* b: runs */

        for (i = 0; i < b->count && n < max; i++) {
            lo = resources_cset_u16(b->p, 2 * i);
            hi = lo + resources_cset_u16(b->p, 2 * i + 1);
            hi = (hi > 0xffff) ? 0xffff : hi;

            if (lo <= hi) {
                n += resources_cset_bitmap_range(a, lo, hi, out + n, max - n);
            }
        }

        return n;
    }

    /* runs and runs: the intersections of the intervals */

    for (i = 0, j = 0; i < a->count && j < b->count && n < max; /* void */) {
        alo = resources_cset_u16(a->p, 2 * i);
        ahi = alo + resources_cset_u16(a->p, 2 * i + 1);
        blo = resources_cset_u16(b->p, 2 * j);
        bhi = blo + resources_cset_u16(b->p, 2 * j + 1);

        lo = (alo > blo) ? alo : blo;
        hi = (ahi < bhi) ? ahi : bhi;

        for (v = lo; v <= hi && v <= 0xffff && n < max; v++) {
            out[n++] = a->base | v;
        }

        if (ahi < bhi) {
            i++;

        } else {
            j++;
        }
    }

    return n;
}


size_t
resources_cset_and(const resources_cset_t *a, const resources_cset_t *b,
    uint32_t *out, size_t max)
{
    size_t                 n;
    uint32_t               i, j, ka, kb;
    resources_cset_cont_t  ca, cb;

    n = 0;
    i = 0;
    j = 0;

    while (i < a->n && j < b->n && n < max) {
        ka = resources_cset_u16(a->keys, i);
        kb = resources_cset_u16(b->keys, j);

        if (ka < kb) {
            i = resources_cset_find(a, kb, i + 1);
            continue;
        }

        if (kb < ka) {
            j = resources_cset_find(b, ka, j + 1);
            continue;
        }

        resources_cset_cont(a, i, &ca);
        resources_cset_cont(b, j, &cb);

        n += resources_cset_and_cont(&ca, &cb, out + n, max - n);

        i++;
        j++;
    }

    return n;
}


RESOURCES_CSET_POPCNT
size_t
resources_cset_and_list(const resources_cset_t *s, const uint32_t *list,
    size_t n, uint32_t *out, u_char *fields)
{
    int                    in;
    size_t                 k, m, r;
    uint32_t               i, d, key, v, pos, w, rw, start;
    uint64_t               x;
    resources_cset_cont_t  c;

    m = 0;
    i = 0;
    key = (uint32_t) -1;
    c.type = 0;
    c.count = 0;
    c.cum = 0;
    c.p = s->data;
    pos = 0;
    rw = 0;
    r = 0;

    for (k = 0; k < n; k++) {
        d = list[k];

        if ((d >> 16) != key) {
            key = d >> 16;
            i = resources_cset_find(s, key, i);

            if (i == s->n) {
                break;
            }

            if (resources_cset_u16(s->keys, i) != key) {
                c.type = 0;
                continue;
            }

            resources_cset_cont(s, i, &c);
            pos = 0;
            rw = 0;              /* bitmap: words counted in r */
            r = 0;               /* runs: docnos before run pos */
        }

        v = d & 0xffff;

        switch (c.type) {

        case RESOURCES_CSET_ARRAY:
            pos = resources_cset_gallop16(c.p, c.count, pos, v);
            in = (pos < c.count && resources_cset_u16(c.p, pos) == v);

            if (in && fields) {
                fields[m] = (u_char) resources_cset_field_at(s, c.cum + pos);
            }

            break;

        case RESOURCES_CSET_BITMAP:
            x = resources_cset_word(c.p, v / 64);
            in = (x >> (v % 64)) & 1;

            if (in && fields) {
                for (w = v / 64; rw < w; rw++) {
                    r += (size_t) __builtin_popcountll(
                                      resources_cset_word(c.p, rw));
                }

                fields[m] = (u_char) resources_cset_field_at(s,
                    c.cum + r + __builtin_popcountll(
                                    x & (((uint64_t) 1 << (v % 64)) - 1)));
            }

            break;

        case RESOURCES_CSET_RUNS:
            if (fields) {
                while (pos < c.count
                       && resources_cset_run_end(c.p, pos) < v)
                {
                    r += resources_cset_u16(c.p, 2 * pos + 1) + 1;
                    pos++;
                }

            } else {
                pos = resources_cset_gallop_runs(c.p, c.count, pos, v);
            }

            start = (pos < c.count) ? resources_cset_u16(c.p, 2 * pos) : 0;
            in = (pos < c.count && start <= v);

            if (in && fields) {
                fields[m] = (u_char) resources_cset_field_at(s,
                                                      c.cum + r + v - start);
            }

            break;

        default:
            in = 0;
        }

        if (in) {
            if (fields && fields[m] > 3) {
                fields[m] = 0;     /* no stream, or a corrupt value */
            }

            out[m++] = d;
        }
    }

    return m;
}


/* --- into flat bitmaps --------------------------------------------------- */

/* sets bits [lo, hi) of acc */

static inline void
resources_cset_set_range(uint64_t *acc, uint32_t lo, uint32_t hi)
{
    uint32_t  w, lw, hw;

    if (lo >= hi) {
        return;
    }

    lw = lo / 64;
    hw = (hi - 1) / 64;

    if (lw == hw) {
        acc[lw] |= (~(uint64_t) 0 << (lo % 64))
                   & (~(uint64_t) 0 >> (63 - (hi - 1) % 64));
        return;
    }

    acc[lw] |= ~(uint64_t) 0 << (lo % 64);

    for (w = lw + 1; w < hw; w++) {
        acc[w] = ~(uint64_t) 0;
    }

    acc[hw] |= ~(uint64_t) 0 >> (63 - (hi - 1) % 64);
}


void
resources_cset_or_bits(const resources_cset_t *s, uint64_t *acc,
    uint32_t ndocs)
{
    size_t                 nw;
    uint32_t               i, k, d, wb, m, lo, hi;
    resources_cset_cont_t  c;

    nw = RESOURCES_BITMAP_WORDS(ndocs);

    for (i = 0; i < s->n; i++) {
        resources_cset_cont(s, i, &c);

        if (c.base >= ndocs) {
            continue;
        }

        switch (c.type) {

        case RESOURCES_CSET_ARRAY:
            for (k = 0; k < c.count; k++) {
                d = c.base | resources_cset_u16(c.p, k);

                if (d < ndocs) {
                    acc[d / 64] |= (uint64_t) 1 << (d % 64);
                }
            }

            break;

        case RESOURCES_CSET_BITMAP:
            wb = c.base / 64;
            m = (nw - wb < RESOURCES_CSET_WORDS) ? (uint32_t) (nw - wb)
                                                 : RESOURCES_CSET_WORDS;

            for (k = 0; k < m; k++) {
                acc[wb + k] |= resources_cset_word(c.p, k);
            }

            if (wb + m == nw && ndocs % 64) {
                acc[nw - 1] &= ~(uint64_t) 0 >> (64 - ndocs % 64);
            }

            break;

        case RESOURCES_CSET_RUNS:
            for (k = 0; k < c.count; k++) {
                lo = c.base | resources_cset_u16(c.p, 2 * k);
                hi = lo + resources_cset_u16(c.p, 2 * k + 1) + 1;
                resources_cset_set_range(acc, lo, hi < ndocs ? hi : ndocs);
            }

            break;
        }
    }
}


/*
 * The AND into a flat bitmap, a word at a time in increasing order: the
 * words between the set's docnos are cleared, a word that holds some is
 * ANDed with the mask of them (gathered from one or more arrays' entries
 * or runs before it is applied)
 */

typedef struct {
    uint64_t  *acc;
    size_t     nw;
    size_t     next;              /* the first word not done yet */
    size_t     pw;                /* the pending word, nw: none */
    uint64_t   pm;
    size_t     count;
} resources_cset_and_t;


static inline void
resources_cset_and_flush(resources_cset_and_t *a)
{
    if (a->pw < a->nw) {
        a->acc[a->pw] &= a->pm;
        a->count += (size_t) __builtin_popcountll(a->acc[a->pw]);
        a->next = a->pw + 1;
        a->pw = a->nw;
    }
}


static inline void
resources_cset_and_zero(resources_cset_and_t *a, size_t to)
{
    if (to > a->nw) {
        to = a->nw;
    }

    if (a->next + 8 < to) {
        memset(a->acc + a->next, 0, (to - a->next) * sizeof(uint64_t));
        a->next = to;
        return;
    }

    for ( /* void */ ; a->next < to; a->next++) {
        a->acc[a->next] = 0;
    }
}


static inline void
resources_cset_and_emit(resources_cset_and_t *a, size_t w, uint64_t m)
{
    if (w == a->pw) {
        a->pm |= m;
        return;
    }

    if (w >= a->nw) {
        return;
    }

    resources_cset_and_flush(a);
    resources_cset_and_zero(a, w);
    a->pw = w;
    a->pm = m;
}


RESOURCES_CSET_POPCNT
size_t
resources_cset_and_bits(const resources_cset_t *s, uint64_t *acc,
    uint32_t ndocs)
{
    size_t                 wb, m, w, lw, hw;
    uint32_t               i, k, d, lo, hi;
    uint64_t               x;
    resources_cset_and_t   a;
    resources_cset_cont_t  c;

    a.acc = acc;
    a.nw = RESOURCES_BITMAP_WORDS(ndocs);
    a.next = 0;
    a.pw = a.nw;
    a.pm = 0;
    a.count = 0;

    for (i = 0; i < s->n; i++) {
        resources_cset_cont(s, i, &c);

        if (c.base >= ndocs) {
            break;
        }

        switch (c.type) {

        case RESOURCES_CSET_ARRAY:
            for (k = 0; k < c.count; k++) {
                d = c.base | resources_cset_u16(c.p, k);
                resources_cset_and_emit(&a, d / 64,
                                        (uint64_t) 1 << (d % 64));
            }

            break;

        case RESOURCES_CSET_BITMAP:
            resources_cset_and_flush(&a);
            wb = c.base / 64;
            resources_cset_and_zero(&a, wb);

            if (a.next > wb) {
                break;                         /* out of order: corrupt */
            }

            m = (a.nw - wb < RESOURCES_CSET_WORDS) ? a.nw - wb
                                                   : RESOURCES_CSET_WORDS;

            for (w = 0; w < m; w++) {
                x = acc[wb + w] & resources_cset_word(c.p, w);
                acc[wb + w] = x;
                a.count += (size_t) __builtin_popcountll(x);
            }

            a.next = wb + m;
            break;

        case RESOURCES_CSET_RUNS:
            for (k = 0; k < c.count; k++) {
                lo = c.base | resources_cset_u16(c.p, 2 * k);
                hi = lo + resources_cset_u16(c.p, 2 * k + 1);   /* last */
                lw = lo / 64;
                hw = hi / 64;

                if (lw == hw) {
                    resources_cset_and_emit(&a, lw,
                        (~(uint64_t) 0 << (lo % 64))
                        & (~(uint64_t) 0 >> (63 - hi % 64)));
                    continue;
                }

                resources_cset_and_emit(&a, lw, ~(uint64_t) 0 << (lo % 64));

                for (w = lw + 1; w < hw && w < a.nw; w++) {
                    resources_cset_and_emit(&a, w, ~(uint64_t) 0);
                }

                resources_cset_and_emit(&a, hw,
                                        ~(uint64_t) 0 >> (63 - hi % 64));
            }

            break;
        }
    }

    resources_cset_and_flush(&a);
    resources_cset_and_zero(&a, a.nw);

    return a.count;
}


size_t
resources_cset_count_bits(const resources_cset_t *s, const uint64_t *bits,
    uint32_t ndocs)
{
    size_t                 n, nw, wb, m;
    uint32_t               i, k, d, lo, hi;
    resources_cset_cont_t  c;

    nw = RESOURCES_BITMAP_WORDS(ndocs);
    n = 0;

    for (i = 0; i < s->n; i++) {
        resources_cset_cont(s, i, &c);

        if (c.base >= ndocs) {
            continue;
        }

        switch (c.type) {

        case RESOURCES_CSET_ARRAY:
            for (k = 0; k < c.count; k++) {
                d = c.base | resources_cset_u16(c.p, k);

                if (d < ndocs) {
                    n += (bits[d / 64] >> (d % 64)) & 1;
                }
            }

            break;

        case RESOURCES_CSET_BITMAP:
            wb = c.base / 64;
            m = (nw - wb < RESOURCES_CSET_WORDS) ? nw - wb
                                                 : RESOURCES_CSET_WORDS;
            n += resources_bits_and_count(bits + wb, c.p, m);
            break;

        case RESOURCES_CSET_RUNS:
            for (k = 0; k < c.count; k++) {
                lo = c.base | resources_cset_u16(c.p, 2 * k);
                hi = lo + resources_cset_u16(c.p, 2 * k + 1) + 1;
                hi = (hi < ndocs) ? hi : ndocs;

                if (lo < hi) {
                    n += resources_bits_count_range(bits, lo, hi);
                }
            }

            break;
        }
    }

    return n;
}
