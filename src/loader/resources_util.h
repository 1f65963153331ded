/*
 * Copyright (C) ngx_http_resources authors
 *
 * The loader's memory: an arena for strings that live as long as the load,
 * growable arrays of u32 and of bytes, and an open-addressing hash table
 * from byte strings to u32 values.  Allocation failures are fatal: the
 * loader says "out of memory" and exits 1 (resources_oom); nothing has
 * been published.
 */

#ifndef _RESOURCES_UTIL_H_INCLUDED_
#define _RESOURCES_UTIL_H_INCLUDED_


#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>


typedef struct resources_arena_block_s  resources_arena_block_t;

typedef struct {
    resources_arena_block_t  *block;
    size_t                    used;
    size_t                    size;
    size_t                    total;       /* bytes handed out */
} resources_arena_t;


/* a growable array of u32 (resources_vec_grow: mapped when large) */
typedef struct {
    uint32_t  *elts;
    uint32_t   n;
    uint32_t   cap;
} resources_vec_t;

#define RESOURCES_VEC_MAP          (256 * 1024)   /* bytes */


/*
 * A posting list being built: ordinals, increasing, each with a 2-bit
 * field, appended as LEB128 varints of (ordinal - next) << 2 | field, next
 * being the ordinal after the last one: a byte each for an entry less
 * than 32 ordinals after the last (4 in a resources_vec_t).  The memory
 * is the loader's largest (a word's entries of a million resources).
 */
typedef struct {
    u_char    *data;
    uint32_t   len;
    uint32_t   cap;           /* bytes: 0, or a power of 2 from 16 */
    uint32_t   n;             /* entries */
    uint32_t   next;
} resources_plist_t;


typedef struct {
    const u_char  *key;           /* in the arena */
    uint32_t       len;
    uint32_t       hash;
    uint32_t       value;
} resources_slot_t;

/* a growable byte buffer */
typedef struct {
    u_char    *data;
    size_t     len;
    size_t     cap;
} resources_buf_t;


typedef struct {
    resources_slot_t   *slots;
    size_t              size;      /* a power of 2 */
    size_t              n;
    resources_arena_t  *arena;
} resources_hash_t;


void resources_oom(void);
/* huge pages for the heap grown since the last call (the first one: none) */
void resources_heap_huge(void);
void *resources_xmalloc(size_t size);
/* zeroed */
void *resources_xcalloc(size_t size);
void *resources_xrealloc(void *p, size_t size);

/*
 * Starts n threads, thread i running start(arg + i * size) (size 0: arg
 * for every one), with every signal blocked in them: signals are for the
 * main thread, which removes the temporary file.  Returns how many
 * started (tids[0 .. that)): the caller does the work of the others.
 */
unsigned resources_threads_start(pthread_t *tids, unsigned n,
    void *(*start)(void *), void *arg, size_t size);

/*
 * A function run alongside the caller: in a thread of its own
 * (resources_threads_start) when "thread" is set and one starts, else at
 * once, in the caller's; resources_task_wait() returns once it is done
 */
typedef struct {
    pthread_t  thread;
    int        running;
} resources_task_t;

void resources_task_start(resources_task_t *t, void *(*start)(void *),
    void *arg, int thread);
void resources_task_wait(resources_task_t *t);

/* seconds on the monotonic clock: for durations */
double resources_clock(void);

void resources_arena_init(resources_arena_t *a);
void *resources_arena_alloc(resources_arena_t *a, size_t size);
u_char *resources_arena_dup(resources_arena_t *a, const u_char *s,
    size_t len);
void resources_arena_free(resources_arena_t *a);

void resources_vec_grow(resources_vec_t *v);

static inline void
resources_vec_push(resources_vec_t *v, uint32_t x)
{
    if (v->n == v->cap) {
        resources_vec_grow(v);
    }

    v->elts[v->n++] = x;
}

void resources_vec_free(resources_vec_t *v);

void resources_plist_grow(resources_plist_t *l);

/* ord: not less than l->next, less than 2^30 */
static inline void
resources_plist_add(resources_plist_t *l, uint32_t ord, uint32_t field)
{
    uint32_t  v;

    if (l->cap - l->len < 5) {
        resources_plist_grow(l);
    }

    v = (ord - l->next) << 2 | field;

    while (v >= 0x80) {
        l->data[l->len++] = (u_char) (v | 0x80);
        v >>= 7;
    }

    l->data[l->len++] = (u_char) v;
    l->n++;
    l->next = ord + 1;
}

/* the entries of l, as ordinal << 2 | field, to out (l->n of them) */
void resources_plist_decode(const resources_plist_t *l, uint32_t *out);
void resources_plist_free(resources_plist_t *l);

/* room for size more bytes at b->data + b->len; returns that place */
u_char *resources_buf_reserve(resources_buf_t *b, size_t size);
void resources_buf_free(resources_buf_t *b);

static inline void
resources_buf_put(resources_buf_t *b, const void *s, size_t len)
{
    if (len == 0) {
        return;
    }

    if (b->cap - b->len < len) {
        resources_buf_reserve(b, len);
    }

    memcpy(b->data + b->len, s, len);
    b->len += len;
}

void resources_hash_init(resources_hash_t *h, resources_arena_t *arena);
/* the slot of key: found (slot->key != NULL) or to be filled */
resources_slot_t *resources_hash_find(resources_hash_t *h, const u_char *key,
    size_t len);
/*
 * fills an empty slot returned by find (the key is copied to the arena):
 * returns the copy; the table may grow, so that slot is then stale
 */
const u_char *resources_hash_set(resources_hash_t *h, resources_slot_t *slot,
    const u_char *key, size_t len, uint32_t value);
/* the same, with the key's resources_hash_key() computed by the caller */
uint32_t resources_hash_key(const u_char *key, size_t len);


static inline resources_slot_t *
resources_hash_find_hashed(resources_hash_t *h, const u_char *key,
    size_t len, uint32_t hash)
{
    size_t             i;
    resources_slot_t  *s;

    for (i = hash & (h->size - 1); ; i = (i + 1) & (h->size - 1)) {
        s = &h->slots[i];

        if (s->key == NULL
            || (s->hash == hash && s->len == len
                && memcmp(s->key, key, len) == 0))
        {
            return s;
        }
    }
}

const u_char *resources_hash_set_hashed(resources_hash_t *h,
    resources_slot_t *slot, const u_char *key, size_t len, uint32_t hash,
    uint32_t value);

void resources_hash_free(resources_hash_t *h);

uint64_t resources_fnv1a(uint64_t h, const void *data, size_t len);
uint64_t resources_xxh64(const void *data, size_t len, uint64_t seed);

/*
 * The content version (docs/design.md, "Content version"): started once,
 * then each record added in input order, the XXH64 of its full form and
 * its private flag; written as RESOURCES_VERSION_LEN hex digits
 */
uint64_t resources_version_start(void);
uint64_t resources_version_add(uint64_t h, uint64_t hash, int priv);
/*
 * After the records, the synonyms when there are (--synonyms): the XXH64
 * (seed 0) of the "syn" value, into the content version and the public
 * one alike
 */
uint64_t resources_version_synonyms(uint64_t h, uint64_t hash);
void resources_version_hex(uint64_t h, u_char *out);

/*
 * The cause of a failed write of the file at path: err, or ENOSPC (or
 * EDQUOT) when the file system has no room left for the file to grow (a
 * page is written past its end, then the file is cut back to its size).
 * LMDB reports a short write, what a full disk gives, as EIO.
 */
int resources_write_errno(const char *path, int err);


#endif /* _RESOURCES_UTIL_H_INCLUDED_ */
