/*
 * bench/records_costs.c: how the records of a snapshot could shrink, and
 * what each way costs a lookup and a list (issue #23's "Records" item,
 * docs/format.md §13 "Records, measured").
 *
 *   make bench-records
 *   taskset -c 1 build/bench/records_costs [-r ROUNDS] [-m SAMPLE]
 *       [-t TRAIN_MB] [-T TABLES] SNAPSHOT.mdb INPUT.jsonl
 *
 * -T: a bit mask of the tables to make (1 tails, 2 groups, 4 list forms,
 * 8 full forms; default 15, all, and then the combinations).
 *
 * Reads a schema 2 snapshot (records in "heap" chunks, in input order; the
 * "rec" column; the packed records' dictionary in "meta" "dict"), unpacks
 * every record's tail (the full form after its list form) and takes its
 * list form as stored, then encodes them again in each of these ways and
 * prints their bytes (each unit with a u32 length, as a packed tail has
 * today), bytes a record, x of INPUT's size, the encoder's speed (MB/s of
 * input, one thread; for LZ4 and LZ4HC also without the copy of the
 * stream state that was loaded with the dictionary, which a loader makes
 * before each block: 16 KiB for LZ4, 256 KiB for LZ4HC) and the
 * decoder's time a record.  Every encoding is kept, then they are timed
 * in turn, ROUNDS (default 7) rounds, median: "random", SAMPLE (default
 * 20,000) records drawn at random (splitmix64, seed 1; each pass its own
 * records, so that they come from memory as a lookup's record does) and
 * "hot", 16 records again and again (the decoder's own cost).  Pin it
 * (taskset -c 1).  LZ4 decodes as the module does: into a buffer that its
 * dictionary precedes.  Every encoding is decoded in full once and
 * compared with the records (and the full forms' prefixes, partially).
 *
 *   - the snapshot's records as stored: heap, headers, list forms, packed
 *     tails, ids, gzip pieces;
 *   - tails, a block each: raw; LZ4 without a dictionary, against the
 *     input's first 16 or 64 KiB (today: resources_prepare_pack(), the
 *     dictionary of resources_load_dict()), or against a dictionary
 *     trained by zstd's ZDICT_trainFromBuffer() on the tails of the first
 *     TRAIN_MB (default 8) MB of records, its content only (the last 16 or
 *     64 KiB: LZ4 reads no entropy tables); LZ4HC levels 2, 3, 4, 6, 9; zstd
 *     frames (magicless, no checksum, content size or dictionary id: what
 *     a snapshot would store), levels 1, 3 and 9, trained dictionary of
 *     64 KiB (16 KiB at level 3);
 *   - tails in groups of K = 2, 4, 8, 16 consecutive records, one LZ4
 *     block (LZ4HC 9: K = 4, 16) or one zstd 3 frame a group, plus 2 bytes a record
 *     (its offset in the group): reading a record decodes the group up to
 *     its end (LZ4_decompress_safe_partial_usingDict()), or all of it
 *     (zstd decodes a block at once);
 *   - list forms, a block each: raw (today: a copy), LZ4 against the
 *     input's 64 KiB or a dictionary trained on list forms (16, 64 KiB),
 *     LZ4HC 3, 6 and 9, zstd 1 and 3; a list is 20 records (a page of a
 *     keyword is scattered in the heap), also timed with the 20 records'
 *     compressed bytes prefetched before the first is decoded;
 *   - the full form as one block (dictionary trained on full forms): a
 *     list decodes the prefix up to list_len, a lookup all of it;
 *   - combinations: the records with their gzip pieces, as they are, and
 *     list forms and tails (or full forms) in some of the ways above:
 *     bytes, a lookup's decoding (list form and tail), a list's.
 *
 * Links liblmdb, liblz4, libzstd (the Makefile installs the -dev packages).
 *
 * BSD 2-Clause, like the project.
 */

#define ZSTD_STATIC_LINKING_ONLY           /* ZSTD_c_format, ZSTD_d_format */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <lmdb.h>
#include <lz4.h>
#include <lz4hc.h>
#include <zstd.h>
#include <zdict.h>

#include "resources_store.h"


#define LIST_N     20
#define KIB        1024


static void
die(const char *msg)
{
    fprintf(stderr, "records_costs: %s\n", msg);
    exit(1);
}


static void *
xmalloc(size_t n)
{
    void  *p = malloc(n ? n : 1);

    if (p == NULL) {
        die("out of memory");
    }

    return p;
}


static double
now_ns(void)
{
    struct timespec  t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}


static uint64_t
splitmix64(uint64_t *s)
{
    uint64_t  z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}


static int
dbl_cmp(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}


/* ------------------------------------------------------------------------ */
/* the records, in heap (input) order */

typedef struct {
    u_char     *data;
    uint64_t   *off;                    /* n + 1 */
    size_t      n;
} items_t;

static items_t    lists, tails, fulls;
static size_t     nrec;
static size_t     input_bytes;
static size_t     st_heap, st_hdr, st_list, st_tail, st_tail_raw, st_idatom,
                  st_gzip, st_pad, st_packed;
static u_char    *sdict;                /* the snapshot's dictionary */
static size_t     sdict_len;


#define ITEM(it, i)      ((it)->data + (it)->off[i])
#define ITEM_LEN(it, i)  ((size_t) ((it)->off[(i) + 1] - (it)->off[i]))


typedef struct {
    uint64_t   loc;
    uint32_t   docno;
} loc_t;


static int
loc_cmp(const void *a, const void *b)
{
    uint64_t  x = ((const loc_t *) a)->loc, y = ((const loc_t *) b)->loc;

    return x < y ? -1 : x > y;
}


static void
snapshot_read(const char *path)
{
    MDB_env             *env;
    MDB_txn             *txn;
    MDB_dbi              meta, heap, cols;
    MDB_val              k, v;
    resources_header_t   h;
    const u_char        *reccol, *chunk[RESOURCES_CHUNKS_MAX];
    size_t               chunk_len[RESOURCES_CHUNKS_MAX], i, end, lcap, tcap,
                         fcap;
    uint32_t             c, nchunks;
    loc_t               *locs;

    if (mdb_env_create(&env) != 0
        || mdb_env_set_maxdbs(env, RESOURCES_MAXDBS) != 0
        || mdb_env_set_mapsize(env, 4096) != 0
        || mdb_env_open(env, path, MDB_RDONLY | MDB_NOLOCK | MDB_NOSUBDIR,
                        0) != 0
        || mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) != 0
        || mdb_dbi_open(txn, RESOURCES_DB_META, 0, &meta) != 0
        || mdb_dbi_open(txn, RESOURCES_DB_HEAP, MDB_INTEGERKEY, &heap) != 0
        || mdb_dbi_open(txn, RESOURCES_DB_COLS, 0, &cols) != 0)
    {
        die("cannot open the snapshot");
    }

    k.mv_data = "header";
    k.mv_size = 6;
    if (mdb_get(txn, meta, &k, &v) != 0 || v.mv_size != sizeof(h)) {
        die("no header");
    }
    memcpy(&h, v.mv_data, sizeof(h));
    nrec = h.ndocs;

    k.mv_data = "dict";
    k.mv_size = 4;
    if (mdb_get(txn, meta, &k, &v) != 0) {
        die("no dictionary: load the snapshot without -u");
    }
    sdict_len = v.mv_size;
    sdict = xmalloc(sdict_len);
    memcpy(sdict, v.mv_data, sdict_len);

    k.mv_data = "rec";
    k.mv_size = 3;
    if (mdb_get(txn, cols, &k, &v) != 0 || v.mv_size != nrec * 8) {
        die("no rec column");
    }
    reccol = v.mv_data;

    for (c = 0; c < RESOURCES_CHUNKS_MAX; c++) {
        k.mv_data = &c;
        k.mv_size = sizeof(c);
        if (mdb_get(txn, heap, &k, &v) != 0) {
            break;
        }
        chunk[c] = v.mv_data;
        chunk_len[c] = v.mv_size;
        st_heap += v.mv_size;
    }
    nchunks = c;

    locs = xmalloc(nrec * sizeof(loc_t));
    for (i = 0; i < nrec; i++) {
        memcpy(&locs[i].loc, reccol + i * 8, 8);
        locs[i].docno = (uint32_t) i;
    }
    qsort(locs, nrec, sizeof(loc_t), loc_cmp);

    lcap = st_heap;
    tcap = st_heap * 4;
    fcap = st_heap * 4;
    lists.data = xmalloc(lcap);
    tails.data = xmalloc(tcap);
    fulls.data = xmalloc(fcap);
    lists.off = xmalloc((nrec + 1) * 8);
    tails.off = xmalloc((nrec + 1) * 8);
    fulls.off = xmalloc((nrec + 1) * 8);
    lists.off[0] = tails.off[0] = fulls.off[0] = 0;
    lists.n = tails.n = fulls.n = nrec;

    {
        u_char  *win = xmalloc(sdict_len + RESOURCES_RECORD_MAX);

        memcpy(win, sdict, sdict_len);

        for (i = 0; i < nrec; i++) {
            uint64_t         loc = locs[i].loc;
            uint32_t         ch = (uint32_t) (loc >> 32), o = (uint32_t) loc;
            const u_char    *p, *q;
            resources_doc_t  doc;
            size_t           tl, bl;

            if (ch >= nchunks) {
                die("record out of the heap");
            }
            p = chunk[ch] + o;
            memcpy(&doc, p, sizeof(doc));
            q = p + sizeof(doc);
            tl = doc.full_len - doc.list_len;

            memcpy(lists.data + lists.off[i], q, doc.list_len);
            lists.off[i + 1] = lists.off[i] + doc.list_len;
            q += doc.list_len;

            if (doc.flags & RESOURCES_DOC_PACKED) {
                bl = resources_get_u32(q);
                if (LZ4_decompress_safe_usingDict((const char *) q + 4,
                        (char *) win + sdict_len, (int) bl, (int) tl,
                        (const char *) win, (int) sdict_len) != (int) tl)
                {
                    die("a packed tail does not unpack");
                }
                memcpy(tails.data + tails.off[i], win + sdict_len, tl);
                q += 4 + bl;
                st_tail += 4 + bl;
                st_packed++;

            } else {
                memcpy(tails.data + tails.off[i], q, tl);
                q += tl;
                st_tail += tl;
            }
            tails.off[i + 1] = tails.off[i] + tl;
            st_tail_raw += tl;

            memcpy(fulls.data + fulls.off[i], ITEM(&lists, i), doc.list_len);
            memcpy(fulls.data + fulls.off[i] + doc.list_len,
                   ITEM(&tails, i), tl);
            fulls.off[i + 1] = fulls.off[i] + doc.full_len;

            q += doc.atom_len + doc.id_len;
            st_idatom += doc.atom_len + doc.id_len;

            if (doc.flags & RESOURCES_DOC_GZIP) {
                bl = resources_get_u32(q);
                q += 12 + bl;
                st_gzip += 12 + bl;
            }

            st_hdr += sizeof(doc);
            st_list += doc.list_len;

            /* what lies up to the next record: padding */
            if (i + 1 < nrec && (uint32_t) (locs[i + 1].loc >> 32) == ch) {
                end = (uint32_t) locs[i + 1].loc;
            } else {
                end = chunk_len[ch];
            }
            st_pad += end - (size_t) (q - chunk[ch]);
        }

        free(win);
    }

    free(locs);
    mdb_txn_abort(txn);
    mdb_env_close(env);
}


/* ------------------------------------------------------------------------ */
/* dictionaries */

/* a zstd dictionary trained on the first items of up to mb MB */

static size_t
train(const items_t *it, size_t mb, u_char *dict, size_t cap)
{
    size_t    n, total, i, r;
    size_t   *sizes;

    for (n = 0, total = 0; n < it->n && total + ITEM_LEN(it, n) <= mb << 20;
         n++)
    {
        total += ITEM_LEN(it, n);
    }

    sizes = xmalloc(n * sizeof(size_t));
    for (i = 0; i < n; i++) {
        sizes[i] = ITEM_LEN(it, i);
    }

    r = ZDICT_trainFromBuffer(dict, cap, it->data, sizes, (unsigned) n);
    free(sizes);

    if (ZDICT_isError(r)) {
        fprintf(stderr, "records_costs: training: %s\n",
                ZDICT_getErrorName(r));
        exit(1);
    }

    return r;
}


typedef struct {
    const char  *name;
    u_char      *zdict;                 /* full zstd dictionary */
    size_t       zlen;
    u_char      *raw;                   /* its content: for LZ4 */
    size_t       rlen;
} dict_t;


static void
dict_trained(dict_t *d, const char *name, const items_t *it, size_t mb,
    size_t size)
{
    size_t   hdr, n, cap = size + 8 * KIB;
    u_char  *l;

    d->name = name;

    /* LZ4: the last size bytes of the content (its best segments) of a
       dictionary trained a little larger: LZ4 reads no entropy tables */
    l = xmalloc(cap);
    n = train(it, mb, l, cap);
    hdr = ZDICT_getDictHeaderSize(l, n);
    if (ZDICT_isError(hdr)) {
        die("dictionary header");
    }
    d->rlen = n - hdr < size ? n - hdr : size;
    d->raw = l + n - d->rlen;

    /* zstd: trained at size exactly, tables included */
    d->zdict = xmalloc(size);
    d->zlen = train(it, mb, d->zdict, size);
}


/* ------------------------------------------------------------------------ */
/* encodings */

enum { C_RAW, C_LZ4, C_LZ4HC, C_ZSTD };

typedef struct {
    char           name[96];
    int            codec;
    int            level;
    size_t         k;                   /* records a unit */
    const u_char  *dict;                /* LZ4: raw; zstd: full */
    size_t         dict_len;
    ZSTD_DDict    *ddict;
    u_char        *blob;
    uint64_t      *off;                 /* units + 1 */
    uint8_t       *stored;              /* unit kept raw */
    size_t         units;
    size_t         bytes;               /* stored, lengths included */
    double         enc_mbs;
    double         enc_mbs_nocopy;      /* without the stream state copy */
    u_char        *window;              /* LZ4: dictionary, then output */
} enc_t;


static ZSTD_CCtx  *cctx;
static ZSTD_DCtx  *dctx;


static void
enc_init(enc_t *e, const char *name, int codec, int level, size_t k,
    const u_char *dict, size_t dict_len)
{
    memset(e, 0, sizeof(*e));
    snprintf(e->name, sizeof(e->name), "%s", name);
    e->codec = codec;
    e->level = level;
    e->k = k;
    e->dict = dict;
    e->dict_len = dict_len;
}


static void
encode(enc_t *e, const items_t *it)
{
    size_t           u, lo, hi, len, cap, maxunit = 0, bound;
    u_char          *win, *src;
    LZ4_stream_t    *base = NULL, *lz = NULL;
    LZ4_streamHC_t  *hbase = NULL, *hlz = NULL;
    ZSTD_CDict      *cdict = NULL;
    double           t0, tc, copy = 0;
    int              n;

    e->units = (it->n + e->k - 1) / e->k;
    for (u = 0; u < e->units; u++) {
        lo = u * e->k;
        hi = lo + e->k < it->n ? lo + e->k : it->n;
        len = it->off[hi] - it->off[lo];
        if (len > maxunit) {
            maxunit = len;
        }
    }

    bound = (size_t) LZ4_compressBound((int) maxunit) + 64;
    if (ZSTD_compressBound(maxunit) > bound) {
        bound = ZSTD_compressBound(maxunit);
    }
    cap = it->off[it->n] + e->units * 64 + 1024;
    e->blob = xmalloc(cap);
    e->off = xmalloc((e->units + 1) * 8);
    e->stored = xmalloc(e->units);
    e->off[0] = 0;

    win = xmalloc(e->dict_len + maxunit + 64);
    memcpy(win, e->dict, e->dict_len);
    src = win + e->dict_len;
    e->window = win;

    if (e->codec == C_LZ4) {
        base = LZ4_createStream();
        lz = LZ4_createStream();
        if (e->dict_len) {
            LZ4_loadDict(base, (const char *) win, (int) e->dict_len);
        }

    } else if (e->codec == C_LZ4HC) {
        hbase = LZ4_createStreamHC();
        hlz = LZ4_createStreamHC();
        LZ4_resetStreamHC_fast(hbase, e->level);
        if (e->dict_len) {
            LZ4_loadDictHC(hbase, (const char *) win, (int) e->dict_len);
        }

    } else if (e->codec == C_ZSTD) {
        cdict = ZSTD_createCDict(e->dict, e->dict_len, e->level);
        e->ddict = ZSTD_createDDict(e->dict, e->dict_len);
        ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
        ZSTD_CCtx_refCDict(cctx, cdict);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_format, ZSTD_f_zstd1_magicless);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 0);
        ZSTD_CCtx_setParameter(cctx, ZSTD_c_dictIDFlag, 0);
    }

    t0 = now_ns();

    for (u = 0; u < e->units; u++) {
        u_char  *out = e->blob + e->off[u];

        lo = u * e->k;
        hi = lo + e->k < it->n ? lo + e->k : it->n;
        len = it->off[hi] - it->off[lo];
        memcpy(src, it->data + it->off[lo], len);

        if (e->off[u] + bound > cap) {
            die("blob too small");
        }

        switch (e->codec) {

        case C_LZ4:
            tc = now_ns();
            memcpy(lz, base, sizeof(LZ4_stream_t));
            copy += now_ns() - tc;
            n = LZ4_compress_fast_continue(lz, (const char *) src,
                    (char *) out, (int) len, (int) bound, 1);
            break;

        case C_LZ4HC:
            tc = now_ns();
            memcpy(hlz, hbase, sizeof(LZ4_streamHC_t));
            copy += now_ns() - tc;
            n = LZ4_compress_HC_continue(hlz, (const char *) src,
                    (char *) out, (int) len, (int) bound);
            break;

        case C_ZSTD:
            {
                size_t  r = ZSTD_compress2(cctx, out, bound, src, len);

                if (ZSTD_isError(r)) {
                    die(ZSTD_getErrorName(r));
                }
                n = (int) r;
            }
            break;

        default:
            n = 0;
        }

        if (n <= 0 || (size_t) n >= len) {
            memcpy(out, src, len);      /* kept as it is */
            n = (int) len;
            e->stored[u] = 1;
        } else {
            e->stored[u] = 0;
        }

        e->off[u + 1] = e->off[u] + (size_t) n;
    }

    t0 = now_ns() - t0;
    e->enc_mbs = it->off[it->n] / (t0 / 1e9) / 1e6;
    e->enc_mbs_nocopy = it->off[it->n] / ((t0 - copy) / 1e9) / 1e6;

    /* a u32 length a unit; raw list forms have none (the header's
       list_len); a record of a group its u16 offset in the group */
    e->bytes = e->off[e->units] + (e->codec == C_RAW ? 0 : 4 * e->units)
               + (e->k > 1 ? 2 * it->n : 0);

    if (base) {
        LZ4_freeStream(base);
        LZ4_freeStream(lz);
    }
    if (hbase) {
        LZ4_freeStreamHC(hbase);
        LZ4_freeStreamHC(hlz);
    }
    if (cdict) {
        ZSTD_freeCDict(cdict);
    }

    /* the decoder's window: the dictionary, then room for a unit */
    memcpy(win, e->dict, e->dict_len);
}


/* record r (of items it) out of e, its first need bytes at least; returns
   where its bytes are */

static const u_char *
decode(enc_t *e, const items_t *it, size_t r, size_t need)
{
    size_t         u = r / e->k, at = it->off[r] - it->off[u * e->k];
    const u_char  *in = e->blob + e->off[u];
    size_t         inlen = e->off[u + 1] - e->off[u];
    size_t         full = it->off[u * e->k + e->k < it->n ? u * e->k + e->k
                                  : it->n] - it->off[u * e->k];
    u_char        *dst = e->window + e->dict_len;
    int            n;

    if (e->codec == C_RAW || e->stored[u]) {
        memcpy(dst, in + at, need);     /* what the module would copy */
        return dst;
    }

    if (e->codec == C_ZSTD) {
        size_t  z = ZSTD_decompressDCtx(dctx, dst, full, in, inlen);

        if (z != full) {
            die("zstd: does not decode");
        }
        return dst + at;
    }

    if (at + need < full) {
        n = LZ4_decompress_safe_partial_usingDict((const char *) in,
                (char *) dst, (int) inlen, (int) (at + need), (int) full,
                (const char *) e->window, (int) e->dict_len);
        if (n < (int) (at + need)) {
            die("LZ4: does not decode (partial)");
        }

    } else {
        n = LZ4_decompress_safe_usingDict((const char *) in, (char *) dst,
                (int) inlen, (int) full, (const char *) e->window,
                (int) e->dict_len);
        if (n != (int) full) {
            die("LZ4: does not decode");
        }
    }

    return dst + at;
}


static void
dctx_for(enc_t *e)
{
    if (e->codec == C_ZSTD) {
        ZSTD_DCtx_reset(dctx, ZSTD_reset_session_and_parameters);
        ZSTD_DCtx_setParameter(dctx, ZSTD_d_format, ZSTD_f_zstd1_magicless);
        ZSTD_DCtx_refDDict(dctx, e->ddict);
    }
}


static void
verify(enc_t *e, const items_t *it, const items_t *prefix_of)
{
    size_t  r, n;

    dctx_for(e);
    for (r = 0; r < it->n; r++) {
        if (memcmp(decode(e, it, r, ITEM_LEN(it, r)), ITEM(it, r),
                   ITEM_LEN(it, r)) != 0)
        {
            fprintf(stderr, "records_costs: %s: record %zu differs\n",
                    e->name, r);
            exit(1);
        }

        /* a list's read: the prefix alone */
        n = prefix_of ? ITEM_LEN(prefix_of, r) : 0;
        if (n && memcmp(decode(e, it, r, n), ITEM(it, r), n) != 0) {
            fprintf(stderr, "records_costs: %s: record %zu's prefix"
                    " differs\n", e->name, r);
            exit(1);
        }
    }
}


/* ------------------------------------------------------------------------ */
/* timing: every encoding kept, then timed in interleaved rounds, so that
   the load of a shared machine falls on all of them alike */

static size_t   *sample, nsample = 20000, pass;
static size_t    hot[16];

#define SEGMENTS  8                     /* a cold pass reads fresh records:
                                           SEGMENTS samples in turn */
static int       rounds = 7;

typedef struct {
    enc_t           e;
    const items_t  *it;
    const items_t  *prefix_of;          /* read only its items' length */
    int             table;
    double         *t[5];               /* cold, hot; then the whole item;
                                           a list with prefetches */
    double          m[5];               /* medians */
} job_t;

#define JOBS_MAX  64

static job_t     jobs[JOBS_MAX];
static int       njobs;


/* ns a record: the sample (cold: records at random over the whole set,
   as lookups and lists are), or 16 records over and over (hot: what the
   decoder itself costs) */

static double
time_pass(job_t *j, int is_hot, int whole)
{
    double         t0;
    size_t         i, r, need;
    const size_t  *draw = sample + (pass++ % SEGMENTS) * nsample;
    volatile u_char  sink = 0;

    dctx_for(&j->e);

    t0 = now_ns();
    for (i = 0; i < nsample; i++) {
        r = is_hot ? hot[i & 15] : draw[i];
        need = j->prefix_of && !whole ? ITEM_LEN(j->prefix_of, r)
                                      : ITEM_LEN(j->it, r);
        sink ^= decode(&j->e, j->it, r, need)[need - 1];
    }
    (void) sink;

    return (now_ns() - t0) / nsample;
}


/* ns a record of lists of 20 random records whose compressed bytes (the
   part that holds the list form) are all prefetched first, as a module
   that knows a page's 20 records could do */

static double
time_list_prefetch(job_t *j)
{
    double         t0;
    size_t         i, k, r, u, need, len, at;
    const size_t  *draw = sample + (pass++ % SEGMENTS) * nsample;
    const u_char  *p;
    volatile u_char  sink = 0;

    dctx_for(&j->e);

    t0 = now_ns();
    for (i = 0; i + LIST_N <= nsample; i += LIST_N) {
        for (k = 0; k < LIST_N; k++) {
            r = draw[i + k];
            u = r / j->e.k;
            p = j->e.blob + j->e.off[u];
            len = j->e.off[u + 1] - j->e.off[u];
            if (j->prefix_of && !j->e.stored[u]) {
                len = len * ITEM_LEN(j->prefix_of, r) / ITEM_LEN(j->it, r)
                      + 64;
            }
            for (at = 0; at < len; at += 64) {
                __builtin_prefetch(p + at);
            }
        }
        for (k = 0; k < LIST_N; k++) {
            r = draw[i + k];
            need = j->prefix_of ? ITEM_LEN(j->prefix_of, r)
                                : ITEM_LEN(j->it, r);
            sink ^= decode(&j->e, j->it, r, need)[need - 1];
        }
    }
    (void) sink;

    return (now_ns() - t0) / (i ? i : 1);
}


static int   tables = 0xf;             /* -T: which tables to build */


static void
add(int table, const char *name, int codec, int level, size_t k,
    const u_char *dict, size_t dict_len, const items_t *it,
    const items_t *prefix_of)
{
    job_t  *j;
    int     m;

    if (!(tables & (1 << table))) {
        return;
    }

    j = &jobs[njobs++];

    if (njobs > JOBS_MAX) {
        die("too many jobs");
    }

    enc_init(&j->e, name, codec, level, k, dict, dict_len);
    j->it = it;
    j->prefix_of = prefix_of;
    j->table = table;
    for (m = 0; m < 5; m++) {
        j->t[m] = xmalloc(rounds * sizeof(double));
    }

    encode(&j->e, it);
    verify(&j->e, it, prefix_of);
    fprintf(stderr, "encoded: %s\n", name);
}


static const char  *titles[] = {
    "Tails (the full form after its list form), a block each: a lookup",
    "Tails in groups of K consecutive records: reading one decodes the"
    " group up to its end (LZ4), or all of it (zstd)",
    "List forms, a block each: a list reads 20 records",
    "The full form as one block: a list decodes its prefix up to list_len,"
    " a lookup all of it"
};


static void
print_table(int table)
{
    int     i;
    job_t  *j;

    printf("\n## %s\n\n", titles[table]);
    printf("| encoding | MB | bytes a record | x input | encode MB/s"
           " (without the state copy) | ns a record, random | ns, hot |%s\n",
           table >= 2 ? " µs a list of 20, random | µs, hot |"
           " µs, random, prefetched |" : "");
    printf("|---|---|---|---|---|---|---|%s\n", table >= 2 ? "---|---|---|"
           : "");

    for (i = 0; i < njobs; i++) {
        j = &jobs[i];
        if (j->table != table) {
            continue;
        }

        printf("| %s | %.1f | %.0f | %.3f | ", j->e.name, j->e.bytes / 1e6,
               (double) j->e.bytes / j->it->n,
               (double) j->e.bytes / input_bytes);
        if (j->e.codec == C_RAW) {
            printf("(copy) | ");
        } else if (j->e.codec == C_ZSTD) {
            printf("%.0f | ", j->e.enc_mbs);
        } else {
            printf("%.0f (%.0f) | ", j->e.enc_mbs, j->e.enc_mbs_nocopy);
        }
        printf("%.0f | %.0f |", j->m[0], j->m[1]);
        if (table >= 2) {
            printf(" %.1f | %.1f | %.1f |", j->m[0] * LIST_N / 1e3,
                   j->m[1] * LIST_N / 1e3, j->m[4] * LIST_N / 1e3);
        }
        printf("\n");
        if (table == 3) {
            printf("| (the same, a lookup) | | | | | %.0f | %.0f | | | |\n",
                   j->m[2], j->m[3]);
        }
    }
}

static job_t *
find(int table, const char *name)
{
    int  i;

    for (i = 0; i < njobs; i++) {
        if (jobs[i].table == table && strcmp(jobs[i].e.name, name) == 0) {
            return &jobs[i];
        }
    }

    fprintf(stderr, "records_costs: no job \"%s\"\n", name);
    exit(1);
}


/* records (headers, ids, gzip pieces as they are) with a list form and a
   tail encoding, or a full form one: bytes, x input, a lookup (list form
   and tail: random, hot), a list of 20 */

static void
combo(const char *list, const char *tail, const char *full)
{
    size_t   fixed = st_hdr + st_idatom + st_gzip + st_pad, b;
    double   lk[2], ls[3];
    job_t   *l, *t, *f;
    int      m;

    if (full) {
        f = find(3, full);
        b = fixed + f->e.bytes;
        for (m = 0; m < 2; m++) {
            lk[m] = f->m[2 + m];
            ls[m] = f->m[m] * LIST_N;
        }
        ls[2] = f->m[4] * LIST_N;
        printf("| full form: %s | %.1f | %.0f | %.3f | %.2f / %.2f |"
               " %.1f / %.1f / %.1f |\n", full, b / 1e6, (double) b / nrec,
               (double) b / input_bytes, lk[0] / 1e3, lk[1] / 1e3,
               ls[0] / 1e3, ls[1] / 1e3, ls[2] / 1e3);
        return;
    }

    l = find(2, list);
    t = find(0, tail);
    b = fixed + l->e.bytes + t->e.bytes;
    for (m = 0; m < 2; m++) {
        lk[m] = l->m[m] + t->m[m];
        ls[m] = l->m[m] * LIST_N;
    }
    ls[2] = l->m[4] * LIST_N;
    printf("| %s; %s | %.1f | %.0f | %.3f | %.2f / %.2f |"
           " %.1f / %.1f / %.1f |\n", list, tail, b / 1e6, (double) b / nrec,
           (double) b / input_bytes, lk[0] / 1e3, lk[1] / 1e3, ls[0] / 1e3,
           ls[1] / 1e3, ls[2] / 1e3);
}


static void
combos(void)
{
    if (tables != 0xf) {
        return;
    }

    printf("\n## Records with their gzip pieces, combined (headers, ids and"
           " gzip pieces as stored: %.1f MB)\n\n", (st_hdr + st_idatom
           + st_gzip + st_pad) / 1e6);
    printf("| list forms; tails | MB | bytes a record | x input |"
           " µs a lookup, random / hot | µs a list of 20, random / hot /"
           " random, prefetched |\n|---|---|---|---|---|---|\n");

    combo("**raw (today: a copy)**", "**LZ4, input's first 64 KiB (today)**",
          NULL);
    combo("**raw (today: a copy)**", "LZ4, trained 64 KiB", NULL);
    combo("**raw (today: a copy)**", "LZ4HC 3, trained 64 KiB", NULL);
    combo("**raw (today: a copy)**", "LZ4HC 9, input's first 64 KiB", NULL);
    combo("**raw (today: a copy)**", "LZ4HC 9, trained 64 KiB", NULL);
    combo("**raw (today: a copy)**", "zstd 3, trained 64 KiB", NULL);
    combo("LZ4, trained 64 KiB", "LZ4, trained 64 KiB", NULL);
    combo("LZ4, trained 64 KiB", "LZ4HC 9, trained 64 KiB", NULL);
    combo("LZ4HC 3, trained 64 KiB", "LZ4HC 3, trained 64 KiB", NULL);
    combo("LZ4HC 9, trained 64 KiB", "LZ4HC 9, trained 64 KiB", NULL);
    combo("LZ4HC 9, trained 64 KiB", "zstd 3, trained 64 KiB", NULL);
    combo(NULL, NULL, "LZ4, trained 64 KiB");
    combo(NULL, NULL, "LZ4HC 3, trained 64 KiB");
    combo(NULL, NULL, "LZ4HC 9, trained 64 KiB");
    combo(NULL, NULL, "zstd 3, trained 64 KiB");
}


int
main(int argc, char **argv)
{
    int          c, lv, r, i, m, levels[] = { 1, 3, 9 };
    size_t       train_mb = 8, ks[] = { 2, 4, 8, 16 }, ki;
    uint64_t     seed = 1;
    struct stat  sb;
    dict_t       t16, t64, l16, l64, f64;
    char         name[96];
    double       t0;

    while ((c = getopt(argc, argv, "r:m:t:T:")) != -1) {
        switch (c) {
        case 'r':
            rounds = atoi(optarg);
            break;
        case 'm':
            nsample = (size_t) atol(optarg);
            break;
        case 't':
            train_mb = (size_t) atol(optarg);
            break;
        case 'T':
            tables = atoi(optarg) & 0xf;
            break;
        default:
            goto usage;
        }
    }

    if (argc - optind != 2 || rounds < 1 || nsample < 1) {
usage:
        fprintf(stderr, "usage: records_costs [-r ROUNDS] [-m SAMPLE]"
                " [-t TRAIN_MB] [-T TABLES] SNAPSHOT.mdb INPUT.jsonl\n");
        return 2;
    }

    if (stat(argv[optind + 1], &sb) != 0) {
        perror(argv[optind + 1]);
        return 1;
    }
    input_bytes = (size_t) sb.st_size;

    snapshot_read(argv[optind]);

    cctx = ZSTD_createCCtx();
    dctx = ZSTD_createDCtx();

    sample = xmalloc(SEGMENTS * nsample * sizeof(size_t));
    for (i = 0; (size_t) i < SEGMENTS * nsample; i++) {
        sample[i] = splitmix64(&seed) % nrec;
    }
    for (i = 0; i < 16; i++) {
        hot[i] = splitmix64(&seed) % nrec;
    }

    printf("%zu records; input %.1f MB; snapshot dictionary %zu bytes;"
           " %d interleaved rounds of %zu records (random: drawn over all"
           " records, fresh ones each pass; hot: 16 records over and"
           " over), median\n\n", nrec,
           input_bytes / 1e6, sdict_len, rounds, nsample);

    printf("## The snapshot's records as stored\n\n");
    printf("| part | MB | bytes a record | x input |\n|---|---|---|---|\n");
#define PART(name, v) \
    printf("| %s | %.1f | %.0f | %.3f |\n", name, (v) / 1e6, \
           (double) (v) / nrec, (double) (v) / input_bytes)
    PART("heap (all chunks)", st_heap);
    PART("headers (resources_doc_t)", st_hdr);
    PART("list forms, raw", st_list);
    PART("tails, LZ4 + u32 length (today)", st_tail);
    PART("(tails unpacked)", st_tail_raw);
    PART("ids (+ Atom entries)", st_idatom);
    PART("gzip pieces (+ 12 bytes each)", st_gzip);
    PART("between records (alignment)", st_pad);
    printf("\n%zu of %zu tails packed\n\n", st_packed, nrec);

    t0 = now_ns();
    dict_trained(&t16, "trained 16 KiB", &tails, train_mb, 16 * KIB);
    dict_trained(&t64, "trained 64 KiB", &tails, train_mb, 64 * KIB);
    dict_trained(&l16, "trained 16 KiB", &lists, train_mb, 16 * KIB);
    dict_trained(&l64, "trained 64 KiB", &lists, train_mb, 64 * KIB);
    dict_trained(&f64, "trained 64 KiB", &fulls, train_mb, 64 * KIB);
    printf("dictionaries (ZDICT_trainFromBuffer on the first %zu MB of"
           " tails, list forms, full forms; each trained twice, for LZ4 and"
           " for zstd): %.1f s\n", train_mb, (now_ns() - t0) / 1e9);

    /* tails */
    add(0, "raw (a copy)", C_RAW, 0, 1, NULL, 0, &tails, NULL);
    add(0, "LZ4, no dictionary", C_LZ4, 0, 1, NULL, 0, &tails, NULL);
    add(0, "LZ4, input's first 16 KiB", C_LZ4, 0, 1, sdict,
        sdict_len < 16 * KIB ? sdict_len : 16 * KIB, &tails, NULL);
    add(0, "**LZ4, input's first 64 KiB (today)**", C_LZ4, 0, 1, sdict,
        sdict_len, &tails, NULL);
    add(0, "LZ4, trained 16 KiB", C_LZ4, 0, 1, t16.raw, t16.rlen, &tails,
        NULL);
    add(0, "LZ4, trained 64 KiB", C_LZ4, 0, 1, t64.raw, t64.rlen, &tails,
        NULL);
    add(0, "LZ4HC 9, input's first 64 KiB", C_LZ4HC, 9, 1, sdict, sdict_len,
        &tails, NULL);
    add(0, "LZ4HC 2, trained 64 KiB", C_LZ4HC, 2, 1, t64.raw, t64.rlen,
        &tails, NULL);
    add(0, "LZ4HC 3, trained 64 KiB", C_LZ4HC, 3, 1, t64.raw, t64.rlen,
        &tails, NULL);
    add(0, "LZ4HC 4, trained 64 KiB", C_LZ4HC, 4, 1, t64.raw, t64.rlen,
        &tails, NULL);
    add(0, "LZ4HC 6, trained 64 KiB", C_LZ4HC, 6, 1, t64.raw, t64.rlen,
        &tails, NULL);
    add(0, "LZ4HC 9, trained 64 KiB", C_LZ4HC, 9, 1, t64.raw, t64.rlen,
        &tails, NULL);
    add(0, "zstd 3, trained 16 KiB", C_ZSTD, 3, 1, t16.zdict, t16.zlen,
        &tails, NULL);
    for (lv = 0; lv < 3; lv++) {
        snprintf(name, sizeof(name), "zstd %d, trained 64 KiB", levels[lv]);
        add(0, name, C_ZSTD, levels[lv], 1, t64.zdict, t64.zlen, &tails,
            NULL);
    }

    /* groups of tails */
    for (ki = 0; ki < 4; ki++) {
        snprintf(name, sizeof(name), "LZ4, input's 64 KiB, K = %zu", ks[ki]);
        add(1, name, C_LZ4, 0, ks[ki], sdict, sdict_len, &tails, NULL);
    }
    for (ki = 0; ki < 4; ki++) {
        snprintf(name, sizeof(name), "LZ4, trained 64 KiB, K = %zu", ks[ki]);
        add(1, name, C_LZ4, 0, ks[ki], t64.raw, t64.rlen, &tails, NULL);
    }
    for (ki = 1; ki < 4; ki += 2) {
        snprintf(name, sizeof(name), "LZ4HC 9, trained 64 KiB, K = %zu",
                 ks[ki]);
        add(1, name, C_LZ4HC, 9, ks[ki], t64.raw, t64.rlen, &tails, NULL);
    }
    for (ki = 0; ki < 4; ki++) {
        snprintf(name, sizeof(name), "zstd 3, trained 64 KiB, K = %zu",
                 ks[ki]);
        add(1, name, C_ZSTD, 3, ks[ki], t64.zdict, t64.zlen, &tails, NULL);
    }

    /* list forms */
    add(2, "**raw (today: a copy)**", C_RAW, 0, 1, NULL, 0, &lists, NULL);
    add(2, "LZ4, input's first 64 KiB", C_LZ4, 0, 1, sdict, sdict_len,
        &lists, NULL);
    add(2, "LZ4, trained 16 KiB", C_LZ4, 0, 1, l16.raw, l16.rlen, &lists,
        NULL);
    add(2, "LZ4, trained 64 KiB", C_LZ4, 0, 1, l64.raw, l64.rlen, &lists,
        NULL);
    add(2, "LZ4HC 3, trained 64 KiB", C_LZ4HC, 3, 1, l64.raw, l64.rlen,
        &lists, NULL);
    add(2, "LZ4HC 6, trained 64 KiB", C_LZ4HC, 6, 1, l64.raw, l64.rlen,
        &lists, NULL);
    add(2, "LZ4HC 9, trained 64 KiB", C_LZ4HC, 9, 1, l64.raw, l64.rlen,
        &lists, NULL);
    add(2, "zstd 1, trained 64 KiB", C_ZSTD, 1, 1, l64.zdict, l64.zlen,
        &lists, NULL);
    add(2, "zstd 3, trained 64 KiB", C_ZSTD, 3, 1, l64.zdict, l64.zlen,
        &lists, NULL);

    /* full forms as one block */
    add(3, "LZ4, input's first 64 KiB", C_LZ4, 0, 1, sdict, sdict_len,
        &fulls, &lists);
    add(3, "LZ4, trained 64 KiB", C_LZ4, 0, 1, f64.raw, f64.rlen, &fulls,
        &lists);
    add(3, "LZ4HC 9, input's first 64 KiB", C_LZ4HC, 9, 1, sdict,
        sdict_len, &fulls, &lists);
    add(3, "LZ4HC 3, trained 64 KiB", C_LZ4HC, 3, 1, f64.raw, f64.rlen,
        &fulls, &lists);
    add(3, "LZ4HC 4, trained 64 KiB", C_LZ4HC, 4, 1, f64.raw, f64.rlen,
        &fulls, &lists);
    add(3, "LZ4HC 6, trained 64 KiB", C_LZ4HC, 6, 1, f64.raw, f64.rlen,
        &fulls, &lists);
    add(3, "LZ4HC 9, trained 64 KiB", C_LZ4HC, 9, 1, f64.raw, f64.rlen,
        &fulls, &lists);
    add(3, "zstd 3, trained 64 KiB", C_ZSTD, 3, 1, f64.zdict, f64.zlen,
        &fulls, &lists);

    /* the timing, interleaved */
    for (r = 0; r < rounds; r++) {
        for (i = 0; i < njobs; i++) {
            jobs[i].t[0][r] = time_pass(&jobs[i], 0, 0);
            jobs[i].t[1][r] = time_pass(&jobs[i], 1, 0);
            if (jobs[i].table == 3) {
                jobs[i].t[2][r] = time_pass(&jobs[i], 0, 1);
                jobs[i].t[3][r] = time_pass(&jobs[i], 1, 1);
            }
            if (jobs[i].table >= 2) {
                jobs[i].t[4][r] = time_list_prefetch(&jobs[i]);
            }
        }
    }

    for (i = 0; i < njobs; i++) {
        for (m = 0; m < 5; m++) {
            if ((m >= 2 && m < 4 && jobs[i].table != 3)
                || (m == 4 && jobs[i].table < 2))
            {
                continue;
            }
            qsort(jobs[i].t[m], rounds, sizeof(double), dbl_cmp);
            jobs[i].m[m] = jobs[i].t[m][rounds / 2];
        }
    }

    for (i = 0; i < 4; i++) {
        print_table(i);
    }

    combos();

    return 0;
}
