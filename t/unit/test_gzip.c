/*
 * Copyright (C) ngx_http_resources authors
 *
 * Unit tests of src/resources_gzip.c: pieces made and checked, streams
 * assembled from pieces and glue as the module assembles them (pieces
 * back to back, glue of every size up to several stored blocks), inflated
 * by zlib as a gzip member and compared with the identity bytes.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "resources_gzip.h"


#define TEST_MAX  (1 << 20)


typedef struct {
    u_char    *data;
    size_t     len;
    u_char    *plain;           /* the identity bytes */
    size_t     plain_len;
    uint32_t   crc;
    int        after;           /* a piece's block is open */
    int        first;
} test_stream_t;


static u_char  *piece_buf;


static void
test_glue(test_stream_t *st, const u_char *p, size_t n)
{
    size_t  m;

    if (st->first) {
        st->len = resources_gzip_header(st->data) - st->data;
        st->first = 0;
    }

    /* as the module: a piece's open block is closed by an empty run */

    if (n == 0 && st->after) {
        st->len = resources_gzip_stored(st->data + st->len, 0, 1) - st->data;
        st->after = 0;
        return;
    }

    while (n) {
        m = n > RESOURCES_GZIP_STORED_MAX ? RESOURCES_GZIP_STORED_MAX : n;
        st->len = resources_gzip_stored(st->data + st->len, m, st->after)
                  - st->data;
        st->after = 0;
        memcpy(st->data + st->len, p, m);
        st->len += m;
        memcpy(st->plain + st->plain_len, p, m);
        st->plain_len += m;
        st->crc = (uint32_t) crc32(st->crc, p, (uInt) m);
        p += m;
        n -= m;
    }
}


static int
test_piece(test_stream_t *st, z_stream *zs, const u_char *list, size_t len)
{
    size_t                  n;
    resources_gzip_piece_t  pc;

    if (st->first) {
        test_glue(st, (const u_char *) "", 0);
        st->len = resources_gzip_stored(st->data + st->len, 0, 0)
                  - st->data;
    }

    if (st->after) {
        test_glue(st, (const u_char *) "", 0);
    }

    n = resources_gzip_piece(zs, list, len, piece_buf);

    if (n == 0 || resources_gzip_read(piece_buf, n, &pc) != n) {
        return -1;
    }

    memcpy(st->data + st->len, pc.data, pc.len);
    st->len += pc.len;
    memcpy(st->plain + st->plain_len, list, len);
    st->plain_len += len;
    st->plain[st->plain_len++] = '}';
    st->crc = resources_gzip_combine(st->crc, pc.crc, pc.op);
    st->after = 1;

    return 0;
}


static int
test_inflates(test_stream_t *st)
{
    int        rc;
    u_char    *out;
    z_stream   zs;

    st->len = resources_gzip_end(st->data + st->len, st->crc, st->plain_len,
                                 st->after)
              - st->data;

    memset(&zs, 0, sizeof(z_stream));

    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        return 0;
    }

    out = malloc(st->plain_len + 16);
    zs.next_in = st->data;
    zs.avail_in = (uInt) st->len;
    zs.next_out = out;
    zs.avail_out = (uInt) st->plain_len + 16;

    rc = inflate(&zs, Z_FINISH);

    rc = (rc == Z_STREAM_END && zs.avail_in == 0
          && zs.total_out == st->plain_len
          && memcmp(out, st->plain, st->plain_len) == 0);

    (void) inflateEnd(&zs);
    free(out);

    return rc;
}


static void
test_start(test_stream_t *st)
{
    st->len = 0;
    st->plain_len = 0;
    st->crc = 0;
    st->after = 0;
    st->first = 1;
}


static void
test_random(u_char *p, size_t n, unsigned seed, int text)
{
    size_t  i;

    static const char  *words[] = {
        "\"title\":", "économie ", "solidaire ", "QPV", "tiers-lieux ",
        "\"summary\":\"", ",", "collectivités ", "<b>&amp;</b> ", "\\n"
    };

    srand(seed);

    for (i = 0; i < n; /* void */ ) {
        if (text) {
            const char  *w = words[rand() % 10];
            size_t       l = strlen(w);

            if (l > n - i) {
                l = n - i;
            }

            memcpy(p + i, w, l);
            i += l;

        } else {
            p[i++] = (u_char) rand();
        }
    }
}


int
main(void)
{
    int                     i, all;
    u_char                 *list, *inf;
    size_t                  n, len;
    z_stream                zs, zi;
    test_stream_t           st;
    resources_gzip_piece_t  pc;

    static const size_t  lens[] = { 1, 2, 30, 700, 4095, 4096, 70000,
                                    300000 };

    piece_buf = malloc(resources_gzip_bound(TEST_MAX));
    list = malloc(TEST_MAX);
    inf = malloc(TEST_MAX);
    st.data = malloc(4 * TEST_MAX);
    st.plain = malloc(4 * TEST_MAX);

    ok(resources_gzip_init(&zs) == 0, "deflate state");

    memset(&zi, 0, sizeof(z_stream));
    ok(inflateInit2(&zi, -MAX_WBITS) == Z_OK, "inflate state");

    /* pieces of text and of noise, of every size: made, read, checked */

    all = 1;

    for (i = 0; i < (int) (sizeof(lens) / sizeof(lens[0])) * 2; i++) {
        len = lens[i / 2];
        test_random(list, len, i, i % 2 == 0);

        n = resources_gzip_piece(&zs, list, len, piece_buf);

        if (n == 0 || n > resources_gzip_bound(len)
            || resources_gzip_read(piece_buf, n, &pc) != n
            || resources_gzip_check(&zi, &pc, list, len) != 0)
        {
            all = 0;
            printf("# length %zu (%s) fails\n", len,
                   i % 2 ? "noise" : "text");
        }
    }

    ok(all, "pieces of 1 to 300,000 bytes, text and noise, check");

    /* the check refuses what is not the list form's piece */

    memcpy(list, "{\"id\":\"a\",\"title\":\"Economie solidaire\"", 38);
    n = resources_gzip_piece(&zs, list, 38, piece_buf);
    ok(n > 0 && resources_gzip_read(piece_buf, n, &pc) == n, "a piece");
    ok(resources_gzip_check(&zi, &pc, list, 38) == 0, "it checks");

    list[10] = 'X';
    ok(resources_gzip_check(&zi, &pc, list, 38) != 0,
       "another list form: refused");
    list[10] = '"';
    ok(resources_gzip_check(&zi, &pc, list, 37) != 0,
       "a shorter list form: refused");

    pc.len--;
    ok(resources_gzip_check(&zi, &pc, list, 38) != 0, "truncated: refused");
    pc.len++;

    pc.crc ^= 1;
    ok(resources_gzip_check(&zi, &pc, list, 38) != 0, "wrong CRC: refused");
    pc.crc ^= 1;

    pc.op ^= 1;
    ok(resources_gzip_check(&zi, &pc, list, 38) != 0,
       "wrong operator: refused");
    pc.op ^= 1;

    /* the first byte changed: the block type or the data differ */

    memcpy(inf, pc.data, pc.len);
    inf[0] ^= 0x01;                     /* BFINAL set: a final block */
    {
        resources_gzip_piece_t  bad = pc;

        bad.data = inf;
        ok(resources_gzip_check(&zi, &bad, list, 38) != 0,
           "a final block: refused");
    }

    /* a whole stream with its sync marker left: not a piece */
    {
        resources_gzip_piece_t  bad = pc;
        u_char                  tail[4] = { 0x00, 0x00, 0xff, 0xff };

        memcpy(inf, pc.data, pc.len);
        memcpy(inf + pc.len, tail, 4);
        bad.data = inf;
        bad.len = pc.len + 4;
        ok(resources_gzip_check(&zi, &bad, list, 38) != 0,
           "a piece whose block is closed: refused");
    }

    ok(resources_gzip_read(piece_buf, RESOURCES_GZIP_PIECE_HEAD + pc.len - 1,
                           &pc) == 0,
       "read: a piece longer than its room is refused");
    ok(resources_gzip_read(piece_buf, 3, &pc) == 0,
       "read: a head that does not fit is refused");

    /* the combined CRC: zlib's, whatever the CPU */

    all = 1;
    srand(26);

    for (i = 0; i < 100000; i++) {
        uint32_t  c1, c2, op;

        c1 = (uint32_t) rand() ^ ((uint32_t) rand() << 16);
        c2 = (uint32_t) rand() ^ ((uint32_t) rand() << 16);
        op = (uint32_t) crc32_combine_gen((z_off_t) (rand() % 1000000 + 1));

        if (resources_gzip_combine(c1, c2, op)
            != (uint32_t) crc32_combine_op(c1, c2, op))
        {
            all = 0;
            break;
        }
    }

    ok(all, "resources_gzip_combine() is crc32_combine_op() (100,000 cases)");

    /* streams as the module makes them */

    test_start(&st);
    test_glue(&st, (const u_char *) "{\"total\":0,\"items\":[", 20);
    test_glue(&st, (const u_char *) "]}\n", 3);
    ok(test_inflates(&st), "no piece: the envelope only");

    test_start(&st);
    test_glue(&st, (const u_char *) "{\"items\":[", 10);
    test_random(list, 700, 1, 1);
    ok(test_piece(&st, &zs, list, 700) == 0, "one piece");
    test_glue(&st, (const u_char *) ",", 1);
    test_random(list, 900, 2, 1);
    ok(test_piece(&st, &zs, list, 900) == 0, "two pieces");
    test_glue(&st, (const u_char *) "]}\n", 3);
    ok(test_inflates(&st), "glue, piece, comma, piece, glue");

    test_start(&st);
    test_random(list, 500, 3, 1);
    test_piece(&st, &zs, list, 500);
    test_random(list, 40, 4, 0);
    test_piece(&st, &zs, list, 40);
    test_piece(&st, &zs, list, 1);
    ok(test_inflates(&st), "pieces back to back, first and last");

    test_start(&st);
    test_glue(&st, (const u_char *) "[", 1);
    test_random(list, 200, 5, 1);
    test_piece(&st, &zs, list, 200);
    test_random(inf, 200000, 6, 1);
    test_glue(&st, inf, 200000);
    test_piece(&st, &zs, list, 200);
    test_glue(&st, inf, RESOURCES_GZIP_STORED_MAX);
    test_glue(&st, inf, RESOURCES_GZIP_STORED_MAX + 1);
    ok(test_inflates(&st), "glue of several stored blocks, after a piece");

    test_start(&st);
    test_glue(&st, inf, 3 * RESOURCES_GZIP_STORED_MAX);
    ok(test_inflates(&st), "glue of exactly 3 blocks, first");

    resources_gzip_done(&zs);
    (void) inflateEnd(&zi);
    free(piece_buf);
    free(list);
    free(inf);
    free(st.data);
    free(st.plain);

    return tap_done();
}
