/*
 * bench/text_costs.c: what positions (phrases, proximity) and per-record
 * deflate pieces (gzip answers) would add to a snapshot (docs/format.md).
 *
 *   make bench-postings
 *   build/bench/text_costs catalogue.jsonl [PAGE]
 *
 * Reads a catalogue of bench/gen.c (JSON Lines; "title", "summary" and
 * "body" are found by their keys, the list form is taken as the bytes of
 * the line up to the end of "summary", closed with "}", as the loader
 * renders it for the generator's records) and words it as the loader does
 * (the project's resources_fold() and resources_words(): folding,
 * elisions, stemming, stop words), with one position per word, stop words
 * included, and a gap of 16 between fields.  Prints:
 *
 *   - words, stop words, (word, record) entries: the postings' entries;
 *   - positional postings: for each (word, record) its count and the gaps
 *     between its positions, LEB128 (the bytes Lucene's .pos file or a
 *     phrase index would hold, before block packing);
 *   - a forward index: each record as the LEB128 of its words' ids (ids
 *     in order of first appearance), stop words included: what checking a
 *     phrase in a candidate record would read;
 *   - adjacent pairs: distinct (word, next word) pairs of each record,
 *     stop words skipped: the entries of a proximity-1 pair index
 *     (Meilisearch's word_pair_proximity_docids at proximity 1);
 *   - deflate: each record's list form and full form deflated alone
 *     (zlib level 6, raw, ended by a sync flush so that pieces concatenate)
 *     against gzip -6 of a page of PAGE (default 20) list forms in one
 *     stream (the answer nginx's gzip filter would send), the same
 *     pieces with deflate's fixed Huffman code (Z_FIXED: no code table in
 *     each piece), and the LZ4 block of the list form for scale; then
 *     the time to inflate each list form's piece alone (what an identity
 *     answer would pay if the pieces were the only copy), against LZ4.
 *
 * Links the project's build/obj/resources_text.o; zlib and liblz4.
 *
 * BSD 2-Clause, like the project.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include <lz4.h>

#include "resources_text.h"


#define FIELD_GAP  16
#define MAXTOK     (1 << 16)


/* words -> ids: open addressing */

typedef struct {
    char      *w;
    uint32_t   len;
    uint32_t   id;
} slot_t;

static slot_t   *tab;
static size_t    tabcap = 1 << 20, nids;


static uint64_t
hash(const u_char *s, size_t n)
{
    uint64_t  h = 0xcbf29ce484222325ULL;

    while (n--) {
        h = (h ^ *s++) * 0x100000001b3ULL;
    }

    return h ^ (h >> 29);
}


static uint32_t
word_id(const u_char *w, size_t len)
{
    size_t  i = hash(w, len) & (tabcap - 1);

    while (tab[i].w != NULL) {
        if (tab[i].len == len && memcmp(tab[i].w, w, len) == 0) {
            return tab[i].id;
        }
        i = (i + 1) & (tabcap - 1);
    }

    tab[i].w = malloc(len);
    memcpy(tab[i].w, w, len);
    tab[i].len = (uint32_t) len;
    tab[i].id = (uint32_t) nids++;

    if (nids * 2 > tabcap) {
        fprintf(stderr, "text_costs: too many words\n");
        exit(1);
    }

    return tab[i].id;
}


/* a record's words */

typedef struct {
    uint32_t   id;
    uint32_t   pos;
    uint32_t   stop;
} tok_t;

static tok_t     toks[MAXTOK];
static size_t    ntoks;
static uint32_t  pos;


static int
on_word(void *data, const u_char *w, size_t len, unsigned flags)
{
    if (ntoks < MAXTOK) {
        toks[ntoks].id = word_id(w, len);
        toks[ntoks].pos = pos;
        toks[ntoks].stop = (flags & RESOURCES_WORD_STOP) != 0;
        ntoks++;
    }

    pos++;
    return 0;
}


static size_t
varint_size(uint32_t v)
{
    return v < (1u << 7) ? 1 : v < (1u << 14) ? 2 : v < (1u << 21) ? 3
           : v < (1u << 28) ? 4 : 5;
}


static int
tok_cmp(const void *a, const void *b)
{
    const tok_t  *x = a, *y = b;

    if (x->id != y->id) {
        return x->id < y->id ? -1 : 1;
    }

    return x->pos < y->pos ? -1 : x->pos > y->pos;
}


static int
u64_cmp(const void *a, const void *b)
{
    uint64_t  x = *(const uint64_t *) a, y = *(const uint64_t *) b;

    return x < y ? -1 : x > y;
}


/* the JSON string value of "key" in line: unescaped into out */

static size_t
field(const char *line, const char *key, char *out, size_t cap,
    const char **end)
{
    char         pat[64];
    const char  *p;
    size_t       n = 0;

    snprintf(pat, sizeof(pat), "\"%s\":\"", key);
    p = strstr(line, pat);
    if (p == NULL) {
        *end = NULL;
        return 0;
    }

    for (p += strlen(pat); *p && *p != '"' && n + 1 < cap; p++) {
        if (*p == '\\') {
            p++;
            out[n++] = *p == 'n' ? '\n' : *p;
        } else {
            out[n++] = *p;
        }
    }

    *end = p;
    return n;
}


/* deflate alone, raw, ended by a sync flush */

static size_t
deflate_piece(z_stream *z, const void *in, size_t len, u_char *out,
    size_t cap)
{
    deflateReset(z);
    z->next_in = (Bytef *) in;
    z->avail_in = (uInt) len;
    z->next_out = out;
    z->avail_out = (uInt) cap;
    deflate(z, Z_SYNC_FLUSH);
    return cap - z->avail_out;
}


int
main(int argc, char **argv)
{
    FILE      *f;
    char      *line = NULL, *text, *folded;
    size_t     cap = 0, page = 20, nrec = 0, k, i, j;
    ssize_t    len;
    size_t     words = 0, stops = 0, entries = 0, posbytes = 0, fwdbytes = 0,
               pairs = 0, list_bytes = 0, full_bytes = 0, dl = 0, df = 0,
               lz = 0, page_gz = 0, page_pieces = 0, page_raw = 0,
               in_page = 0;
    uint64_t  *pairv;
    u_char    *zout, *pagebuf;
    size_t     pagelen = 0;
    size_t     dfix = 0, npieces = 0, pcap = 1 << 20, blob_len = 0;
    size_t    *plen, *praw, *lzlen;
    u_char    *blob, *lzblob;
    size_t     lzblob_len = 0;
    z_stream   zs, zg, zf;
    const char  *keys[] = { "title", "summary", "body" };

    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: text_costs catalogue.jsonl [PAGE]\n");
        return 2;
    }

    if (argc == 3) {
        page = (size_t) atoi(argv[2]);
        if (page < 1 || page > 1000) {
            page = 20;
        }
    }

    f = fopen(argv[1], "r");
    if (f == NULL) {
        perror(argv[1]);
        return 1;
    }

    tab = calloc(tabcap, sizeof(slot_t));
    plen = malloc(pcap * sizeof(size_t));
    praw = malloc(pcap * sizeof(size_t));
    lzlen = malloc(pcap * sizeof(size_t));
    blob = malloc((size_t) 1 << 30);
    lzblob = malloc((size_t) 1 << 30);
    text = malloc(1 << 24);
    folded = malloc(4 << 24);
    pairv = malloc(MAXTOK * sizeof(uint64_t));
    zout = malloc(1 << 24);
    pagebuf = malloc(1 << 26);

    memset(&zs, 0, sizeof(zs));
    deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    memset(&zf, 0, sizeof(zf));
    deflateInit2(&zf, 6, Z_DEFLATED, -15, 8, Z_FIXED);
    memset(&zg, 0, sizeof(zg));
    deflateInit2(&zg, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);

    while ((len = getline(&line, &cap, f)) > 0) {
        const char  *end = NULL, *send = NULL;
        size_t       tl, fl, list_len;
        ssize_t      n;

        if (line[len - 1] == '\n') {
            line[--len] = '\0';
        }

        ntoks = 0;
        pos = 0;

        for (k = 0; k < 3; k++) {
            tl = field(line, keys[k], text, 1 << 24, &end);
            if (k == 1) {
                send = end;
            }
            n = resources_fold((u_char *) text, tl, (u_char *) folded,
                               4 << 24);
            if (n < 0) {
                continue;
            }
            fl = (size_t) n;
            resources_words((u_char *) folded, fl, on_word, NULL);
            pos += FIELD_GAP;
        }

        nrec++;
        words += ntoks;

        /* adjacent pairs of indexed words, before sorting */
        for (i = 0, j = 0, k = (size_t) -1; i < ntoks; i++) {
            if (toks[i].stop) {
                continue;
            }
            if (k != (size_t) -1 && toks[k].pos + 4 > toks[i].pos) {
                pairv[j++] = (uint64_t) toks[k].id << 32 | toks[i].id;
            }
            k = i;
        }
        qsort(pairv, j, sizeof(uint64_t), u64_cmp);
        for (i = 0; i < j; i++) {
            pairs += i == 0 || pairv[i] != pairv[i - 1];
        }

        /* the forward index: every word's id, stop words included */
        for (i = 0; i < ntoks; i++) {
            fwdbytes += varint_size(toks[i].id);
        }
        fwdbytes += varint_size((uint32_t) ntoks);

        /* positional postings: per (word, record), count then gaps */
        qsort(toks, ntoks, sizeof(tok_t), tok_cmp);
        for (i = 0; i < ntoks; i = j) {
            uint32_t  prev = 0;

            for (j = i; j < ntoks && toks[j].id == toks[i].id; j++) { }

            if (toks[i].stop) {
                stops += j - i;
                continue;
            }

            entries++;
            posbytes += varint_size((uint32_t) (j - i));
            for (k = i; k < j; k++) {
                posbytes += varint_size(toks[k].pos - prev);
                prev = toks[k].pos;
            }
        }

        /* deflate pieces */
        if (send == NULL) {
            continue;
        }

        list_len = (size_t) (send + 1 - line);   /* up to the summary's '"' */
        memcpy(text, line, list_len);
        text[list_len++] = '}';

        list_bytes += list_len;
        full_bytes += (size_t) len;
        k = deflate_piece(&zs, text, list_len, zout, 1 << 24);
        dl += k;

        /* kept, to time their inflating (the first 1 GB of them) */
        if (npieces < pcap && blob_len + k < ((size_t) 1 << 30)
            && lzblob_len + list_len + 64 < ((size_t) 1 << 30))
        {
            memcpy(blob + blob_len, zout, k);
            blob_len += k;
            plen[npieces] = k;
            praw[npieces] = list_len;
            lzlen[npieces] = (size_t) LZ4_compress_default(text,
                                 (char *) lzblob + lzblob_len, (int) list_len,
                                 (int) list_len + 64);
            lzblob_len += lzlen[npieces];
            npieces++;
        }
        dfix += deflate_piece(&zf, text, list_len, zout, 1 << 24);
        df += deflate_piece(&zs, line, (size_t) len, zout, 1 << 24);
        lz += (size_t) LZ4_compress_default(text, (char *) zout,
                                            (int) list_len, 1 << 24);

        /* a page: '[' + list forms joined by ',' + ']' */
        memcpy(pagebuf + pagelen, in_page ? "," : "{\"items\":[", in_page
               ? 1 : 10);
        pagelen += in_page ? 1 : 10;
        memcpy(pagebuf + pagelen, text, list_len);
        pagelen += list_len;
        page_pieces += k + (in_page ? 6 : 16);   /* the glue, stored */
        in_page++;

        if (in_page == page) {
            memcpy(pagebuf + pagelen, "]}", 2);
            pagelen += 2;
            deflateReset(&zg);
            zg.next_in = pagebuf;
            zg.avail_in = (uInt) pagelen;
            zg.next_out = zout;
            zg.avail_out = 1 << 24;
            deflate(&zg, Z_FINISH);
            page_gz += (1 << 24) - zg.avail_out;
            page_pieces += 7 + 18;   /* last glue, empty final block,
                                        gzip header and trailer */
            page_raw += pagelen;
            pagelen = 0;
            in_page = 0;
        }
    }

    printf("%zu records, %zu distinct words (stemmed, folded)\n", nrec, nids);
    printf("words %zu (%.0f a record), of them stop words %zu\n", words,
           (double) words / nrec, stops);
    printf("(word, record) entries, stop words excluded: %zu\n", entries);
    printf("positional postings (count + position gaps, LEB128): %.1f MB,"
           " %.2f bytes an entry\n", posbytes / 1e6, (double) posbytes
           / entries);
    printf("forward index (word ids, LEB128, stop words included): %.1f MB,"
           " %.0f bytes a record\n", fwdbytes / 1e6, (double) fwdbytes / nrec);
    printf("adjacent pairs (distinct in a record, stop words skipped): %zu"
           " entries (%.0f a record)\n", pairs, (double) pairs / nrec);
    printf("list forms %.1f MB: deflate alone %.1f MB (%.2fx), LZ4 alone"
           " %.1f MB\n", list_bytes / 1e6, dl / 1e6,
           (double) list_bytes / dl, lz / 1e6);
    printf("list forms deflated alone with the fixed Huffman code (no"
           " code in the piece): %.1f MB (%.2fx)\n", dfix / 1e6,
           (double) list_bytes / dfix);
    printf("full forms %.1f MB: deflate alone %.1f MB (%.2fx)\n",
           full_bytes / 1e6, df / 1e6, (double) full_bytes / df);
    printf("pages of %zu list forms: %.1f MB raw, gzip -6 whole %.1f MB,"
           " pieces concatenated %.1f MB: %.3fx the whole\n", page,
           page_raw / 1e6, page_gz / 1e6, page_pieces / 1e6,
           (double) page_pieces / page_gz);

    /* inflating the list forms' pieces, one at a time, as a worker would */
    {
        z_stream         zi;
        struct timespec  t0, t1;
        size_t           p, off = 0, raw = 0, r;
        double           best = 0, lzbest = 0, t;

        memset(&zi, 0, sizeof(zi));
        inflateInit2(&zi, -15);

        for (r = 0; r < 5; r++) {
            clock_gettime(CLOCK_MONOTONIC, &t0);
            for (p = 0, off = 0, raw = 0; p < npieces; p++) {
                inflateReset(&zi);
                zi.next_in = blob + off;
                zi.avail_in = (uInt) plen[p];
                zi.next_out = zout;
                zi.avail_out = 1 << 20;
                inflate(&zi, Z_SYNC_FLUSH);
                off += plen[p];
                raw += (1 << 20) - zi.avail_out;
            }
            clock_gettime(CLOCK_MONOTONIC, &t1);
            t = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
            if (r == 0 || t < best) {
                best = t;
            }

            clock_gettime(CLOCK_MONOTONIC, &t0);
            for (p = 0, off = 0; p < npieces; p++) {
                LZ4_decompress_safe((char *) lzblob + off, (char *) zout,
                                    (int) lzlen[p], (int) praw[p]);
                off += lzlen[p];
            }
            clock_gettime(CLOCK_MONOTONIC, &t1);
            t = (t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec);
            if (r == 0 || t < lzbest) {
                lzbest = t;
            }
        }

        printf("inflating %zu list-form pieces (best of 5): %.0f ns a"
               " piece, %.0f MB/s of output (%s); LZ4 blocks of the same"
               " (no dictionary): %.0f ns a piece\n", npieces,
               best / npieces, raw / best * 1e3,
               raw == list_bytes ? "sizes checked" : "SIZE DIFFERS",
               lzbest / npieces);
    }

    return 0;
}
