/*
 * Copyright (C) ngx_http_resources authors
 */


#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "resources_store.h"
#include "resources_util.h"


#define RESOURCES_ARENA_BLOCK  (1024 * 1024)


struct resources_arena_block_s {
    resources_arena_block_t  *prev;
    u_char                    data[];
};


void
resources_oom(void)
{
    fprintf(stderr, "resources-load: out of memory\n");
    exit(1);
}


void *
resources_xmalloc(size_t size)
{
    void  *p;

    p = malloc(size ? size : 1);
    if (p == NULL) {
        resources_oom();
    }

    return p;
}


void *
resources_xcalloc(size_t size)
{
    void  *p;

    p = resources_xmalloc(size);
    memset(p, 0, size);

    return p;
}


void *
resources_xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (p == NULL) {
        resources_oom();
    }

    return p;
}


unsigned
resources_threads_start(pthread_t *tids, unsigned n, void *(*start)(void *),
    void *arg, size_t size)
{
    unsigned  i;
    sigset_t  all, old;

    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);

    for (i = 0; i < n; i++) {
        if (pthread_create(&tids[i], NULL, start, (u_char *) arg + i * size)
            != 0)
        {
            break;
        }
    }

    pthread_sigmask(SIG_SETMASK, &old, NULL);

    return i;
}


void
resources_task_start(resources_task_t *t, void *(*start)(void *),
    void *arg, int thread)
{
    t->running = thread
                 && resources_threads_start(&t->thread, 1, start, arg, 0) == 1;

    if (!t->running) {
        (void) start(arg);
    }
}


void
resources_task_wait(resources_task_t *t)
{
    if (t->running) {
        pthread_join(t->thread, NULL);
        t->running = 0;
    }
}


double
resources_clock(void)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec + ts.tv_nsec / 1e9;
}


/*
 * Transparent huge pages for the heap: a page fault a 4 KiB page is dear
 * (very much so on some virtual machines), and the loader's index grows
 * by hundreds of megabytes.  The loader keeps its memory in the heap
 * (main(): mallopt) and asks, now and then, for huge pages on the part of
 * the heap not yet asked for: most of it is not yet touched then, as the
 * heap grows 64 MiB at a time (M_TOP_PAD).
 */

#define RESOURCES_HUGE  (2 * 1024 * 1024)

static uintptr_t  resources_heap_advised;


void
resources_heap_huge(void)
{
    uintptr_t  start, end;

    end = (uintptr_t) sbrk(0) & ~((uintptr_t) RESOURCES_HUGE - 1);

    if (resources_heap_advised == 0) {
        resources_heap_advised = end;
        return;
    }

    start = (resources_heap_advised + RESOURCES_HUGE - 1)
            & ~((uintptr_t) RESOURCES_HUGE - 1);

    if (end <= start) {
        return;
    }

    (void) madvise((void *) start, end - start, MADV_HUGEPAGE);
    resources_heap_advised = end;
}


void
resources_arena_init(resources_arena_t *a)
{
    memset(a, 0, sizeof(resources_arena_t));
}


void *
resources_arena_alloc(resources_arena_t *a, size_t size)
{
    size_t                    bsize;
    resources_arena_block_t  *b;
    void                     *p;

    size = (size + 7) & ~(size_t) 7;

    if (a->block == NULL || a->size - a->used < size) {
        bsize = size > RESOURCES_ARENA_BLOCK ? size : RESOURCES_ARENA_BLOCK;

        b = resources_xmalloc(sizeof(resources_arena_block_t) + bsize);
        b->prev = a->block;
        a->block = b;
        a->used = 0;
        a->size = bsize;
    }

    p = a->block->data + a->used;
    a->used += size;
    a->total += size;

    return p;
}


u_char *
resources_arena_dup(resources_arena_t *a, const u_char *s, size_t len)
{
    u_char  *p;

    p = resources_arena_alloc(a, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';

    return p;
}


void
resources_arena_free(resources_arena_t *a)
{
    resources_arena_block_t  *b, *prev;

    for (b = a->block; b; b = prev) {
        prev = b->prev;
        free(b);
    }

    resources_arena_init(a);
}


/*
 * A block of RESOURCES_VEC_MAP bytes or more (a vector's, a posting
 * list's) has a map of its own, which mremap() grows without copying it
 * (realloc() of a heap block copies it into memory touched for the first
 * time: a word's posting of a million resources was copied some 20 times,
 * and the fresh pages cost the loader as much as the copies on this kind
 * of virtual machine).  Capacities double from a power of 2, so a block is
 * mapped when its capacity says it is.
 */

#define resources_block_mapped(size)  ((size) >= RESOURCES_VEC_MAP)


/* the block p of old bytes, used of them in use, grown to size bytes */

static void *
resources_block_grow(void *p, size_t old, size_t size, size_t used)
{
    void  *q;

    if (!resources_block_mapped(size)) {
        return resources_xrealloc(p, size);
    }

    if (resources_block_mapped(old)) {
        q = mremap(p, old, size, MREMAP_MAYMOVE);

    } else {
        q = mmap(NULL, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (q != MAP_FAILED) {
            memcpy(q, p, used);
            free(p);
        }
    }

    if (q == MAP_FAILED) {
        resources_oom();
    }

    (void) madvise(q, size, MADV_HUGEPAGE);

    return q;
}


static void
resources_block_free(void *p, size_t size)
{
    if (resources_block_mapped(size)) {
        (void) munmap(p, size);

    } else {
        free(p);
    }
}


void
resources_vec_grow(resources_vec_t *v)
{
    size_t  old;

    old = (size_t) v->cap * sizeof(uint32_t);
    v->cap = v->cap ? v->cap * 2 : 4;

    v->elts = resources_block_grow(v->elts, old,
                                   (size_t) v->cap * sizeof(uint32_t),
                                   (size_t) v->n * sizeof(uint32_t));
}


void
resources_vec_free(resources_vec_t *v)
{
    resources_block_free(v->elts, (size_t) v->cap * sizeof(uint32_t));

    v->elts = NULL;
    v->n = 0;
    v->cap = 0;
}


void
resources_plist_grow(resources_plist_t *l)
{
    size_t  old;

    old = l->cap;
    l->cap = l->cap ? l->cap * 2 : 16;

    l->data = resources_block_grow(l->data, old, l->cap, l->len);
}


void
resources_plist_decode(const resources_plist_t *l, uint32_t *out)
{
    u_char         c;
    uint32_t       v, next, shift;
    const u_char  *p, *end;

    next = 0;
    p = l->data;
    end = l->data + l->len;

    while (p < end) {
        v = *p++;

        if (v & 0x80) {
            v &= 0x7f;
            shift = 7;

            do {
                c = *p++;
                v |= (uint32_t) (c & 0x7f) << shift;
                shift += 7;
            } while (c & 0x80);
        }

        next += v >> 2;
        *out++ = next << 2 | (v & 3);
        next++;
    }
}


void
resources_plist_free(resources_plist_t *l)
{
    resources_block_free(l->data, l->cap);
    memset(l, 0, sizeof(resources_plist_t));
}


u_char *
resources_buf_reserve(resources_buf_t *b, size_t size)
{
    size_t  cap;

    if (b->cap - b->len < size) {
        cap = b->cap ? b->cap : 4096;

        while (cap - b->len < size) {
            cap *= 2;
        }

        b->data = resources_xrealloc(b->data, cap);
        b->cap = cap;
    }

    return b->data + b->len;
}


void
resources_buf_free(resources_buf_t *b)
{
    free(b->data);
    memset(b, 0, sizeof(resources_buf_t));
}


uint64_t
resources_fnv1a(uint64_t h, const void *data, size_t len)
{
    size_t         i;
    const u_char  *p;

    p = data;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }

    return h;
}


uint64_t
resources_version_start(void)
{
    return resources_fnv1a(0xcbf29ce484222325ULL, "schema1\n", 8);
}


uint64_t
resources_version_add(uint64_t h, uint64_t hash, int priv)
{
    int     i;
    u_char  vh[9];

    for (i = 0; i < 8; i++) {
        vh[i] = (u_char) (hash >> (8 * i));
    }

    vh[8] = (u_char) (priv != 0);

    return resources_fnv1a(h, vh, 9);
}


uint64_t
resources_version_synonyms(uint64_t h, uint64_t hash)
{
    int     i;
    u_char  vh[9 + 8];

    /* a tag no record's 9 bytes could be taken for: 17 bytes */

    memcpy(vh, "synonyms\n", 9);

    for (i = 0; i < 8; i++) {
        vh[9 + i] = (u_char) (hash >> (8 * i));
    }

    return resources_fnv1a(h, vh, sizeof(vh));
}


void
resources_version_hex(uint64_t h, u_char *out)
{
    snprintf((char *) out, RESOURCES_VERSION_LEN + 1, "%016llx",
             (unsigned long long) h);
}


/*
 * XXH64 (xxHash, 64 bits, as specified by its authors: the same values as
 * libxxhash's XXH64()), for the content version: several bytes a cycle
 * where FNV-1a takes a byte at a time
 */

#define RESOURCES_XXH_P1  0x9e3779b185ebca87ULL
#define RESOURCES_XXH_P2  0xc2b2ae3d27d4eb4fULL
#define RESOURCES_XXH_P3  0x165667b19e3779f9ULL
#define RESOURCES_XXH_P4  0x85ebca77c2b2ae63ULL
#define RESOURCES_XXH_P5  0x27d4eb2f165667c5ULL

#define resources_rotl64(x, r)  (((x) << (r)) | ((x) >> (64 - (r))))


/* size bytes at p (4 or 8), little-endian, as XXH64 reads them */

static inline uint64_t
resources_xxh_read(const u_char *p, size_t size)
{
    size_t    i;
    uint64_t  v;

    v = 0;

#if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
    memcpy(&v, p, size);
    (void) i;
#else
    for (i = size; i > 0; i--) {
        v = v << 8 | p[i - 1];
    }
#endif

    return v;
}


static inline uint64_t
resources_xxh_round(uint64_t acc, uint64_t input)
{
    acc += input * RESOURCES_XXH_P2;
    acc = resources_rotl64(acc, 31);

    return acc * RESOURCES_XXH_P1;
}


static inline uint64_t
resources_xxh_merge(uint64_t acc, uint64_t v)
{
    acc ^= resources_xxh_round(0, v);

    return acc * RESOURCES_XXH_P1 + RESOURCES_XXH_P4;
}


uint64_t
resources_xxh64(const void *data, size_t len, uint64_t seed)
{
    uint64_t       h, v1, v2, v3, v4;
    const u_char  *p, *end, *limit;

    p = data;
    end = p + len;

    if (len >= 32) {
        limit = end - 32;
        v1 = seed + RESOURCES_XXH_P1 + RESOURCES_XXH_P2;
        v2 = seed + RESOURCES_XXH_P2;
        v3 = seed;
        v4 = seed - RESOURCES_XXH_P1;

        do {
            v1 = resources_xxh_round(v1, resources_xxh_read(p, 8));
            v2 = resources_xxh_round(v2, resources_xxh_read(p + 8, 8));
            v3 = resources_xxh_round(v3, resources_xxh_read(p + 16, 8));
            v4 = resources_xxh_round(v4, resources_xxh_read(p + 24, 8));
            p += 32;
        } while (p <= limit);

        h = resources_rotl64(v1, 1) + resources_rotl64(v2, 7)
            + resources_rotl64(v3, 12) + resources_rotl64(v4, 18);
        h = resources_xxh_merge(h, v1);
        h = resources_xxh_merge(h, v2);
        h = resources_xxh_merge(h, v3);
        h = resources_xxh_merge(h, v4);

    } else {
        h = seed + RESOURCES_XXH_P5;
    }

    h += (uint64_t) len;

    while (p + 8 <= end) {
        h ^= resources_xxh_round(0, resources_xxh_read(p, 8));
        h = resources_rotl64(h, 27) * RESOURCES_XXH_P1 + RESOURCES_XXH_P4;
        p += 8;
    }

    if (p + 4 <= end) {
        h ^= (uint64_t) resources_xxh_read(p, 4) * RESOURCES_XXH_P1;
        h = resources_rotl64(h, 23) * RESOURCES_XXH_P2 + RESOURCES_XXH_P3;
        p += 4;
    }

    while (p < end) {
        h ^= (uint64_t) *p * RESOURCES_XXH_P5;
        h = resources_rotl64(h, 11) * RESOURCES_XXH_P1;
        p++;
    }

    h ^= h >> 33;
    h *= RESOURCES_XXH_P2;
    h ^= h >> 29;
    h *= RESOURCES_XXH_P3;
    h ^= h >> 32;

    return h;
}


/*
 * The hash of the loader's tables (ids, terms, words: never written to a
 * snapshot): 8 bytes at a time, the last ones read where the key ends
 * (overlapping), murmur3's finalizer at the end; words, the most hashed
 * keys, are 4 to 16 bytes long: one or two multiplications
 */

uint32_t
resources_hash_key(const u_char *key, size_t len)
{
    size_t    i;
    uint32_t  x;
    uint64_t  h, a, b;

    h = 0x9e3779b97f4a7c15ULL ^ len;

    if (len >= 8) {
        for (i = 0; i + 8 < len; i += 8) {
            memcpy(&a, key + i, 8);
            h = (h ^ a) * 0xff51afd7ed558ccdULL;
            h ^= h >> 32;
        }

        memcpy(&b, key + len - 8, 8);

    } else if (len >= 4) {
        memcpy(&x, key, 4);
        b = x;
        memcpy(&x, key + len - 4, 4);
        b |= (uint64_t) x << 32;

    } else {
        b = 0;

        for (i = 0; i < len; i++) {
            b = (b << 8) | key[i];
        }
    }

    h = (h ^ b) * 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;

    return (uint32_t) h;
}


void
resources_hash_init(resources_hash_t *h, resources_arena_t *arena)
{
    h->size = 1024;
    h->n = 0;
    h->arena = arena;
    h->slots = resources_xcalloc(h->size * sizeof(resources_slot_t));
}


static resources_slot_t *
resources_hash_lookup(resources_slot_t *slots, size_t size, const u_char *key,
    size_t len, uint32_t hash)
{
    size_t             i;
    resources_slot_t  *s;

    for (i = hash & (size - 1); ; i = (i + 1) & (size - 1)) {
        s = &slots[i];

        if (s->key == NULL) {
            return s;
        }

        if (s->hash == hash && s->len == len && memcmp(s->key, key, len) == 0)
        {
            return s;
        }
    }
}


resources_slot_t *
resources_hash_find(resources_hash_t *h, const u_char *key, size_t len)
{
    return resources_hash_lookup(h->slots, h->size, key, len,
                                 resources_hash_key(key, len));
}


const u_char *
resources_hash_set(resources_hash_t *h, resources_slot_t *slot,
    const u_char *key, size_t len, uint32_t value)
{
    return resources_hash_set_hashed(h, slot, key, len,
                                     resources_hash_key(key, len), value);
}


const u_char *
resources_hash_set_hashed(resources_hash_t *h, resources_slot_t *slot,
    const u_char *key, size_t len, uint32_t hash, uint32_t value)
{
    size_t             i, size;
    const u_char      *copy;
    resources_slot_t  *slots, *s;

    copy = resources_arena_dup(h->arena, key, len);

    slot->key = copy;
    slot->len = (uint32_t) len;
    slot->hash = hash;
    slot->value = value;

    if (++h->n * 2 < h->size) {
        return copy;
    }

    size = h->size * 2;
    slots = resources_xcalloc(size * sizeof(resources_slot_t));

    for (i = 0; i < h->size; i++) {
        if (h->slots[i].key) {
            s = resources_hash_lookup(slots, size, h->slots[i].key,
                                      h->slots[i].len, h->slots[i].hash);
            *s = h->slots[i];
        }
    }

    free(h->slots);
    h->slots = slots;
    h->size = size;

    return copy;
}


void
resources_hash_free(resources_hash_t *h)
{
    free(h->slots);
    h->slots = NULL;
    h->size = 0;
    h->n = 0;
}


int
resources_write_errno(const char *path, int err)
{
    int          fd, rc;
    off_t        at;
    ssize_t      n;
    struct stat  sb;
    u_char       page[4096];

    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return err;
    }

    rc = err;

    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {

        /* a block of its own: past the end, beyond any block in use */

        at = (sb.st_size | 0xfffff) + 1 + 0x100000;
        memset(page, 0, sizeof(page));

        do {
            n = pwrite(fd, page, sizeof(page), at);
        } while (n < 0 && errno == EINTR);

        if (n < 0 && (errno == ENOSPC || errno == EDQUOT)) {
            rc = errno;
        }

        if (ftruncate(fd, sb.st_size) != 0) {
            /* the file is removed anyway */
        }
    }

    close(fd);

    return rc;
}
