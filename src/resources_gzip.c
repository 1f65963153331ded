/*
 * Copyright (C) ngx_http_resources authors
 *
 * Gzip answers from pieces compressed in advance: see resources_gzip.h.
 */


#include <string.h>

#include "resources_gzip.h"


/* zlib's Z_SYNC_FLUSH ends with an empty stored block: 00 00 ff ff */
static const u_char  resources_gzip_sync[4] = { 0x00, 0x00, 0xff, 0xff };


int
resources_gzip_init(z_stream *zs)
{
    memset(zs, 0, sizeof(z_stream));

    /* raw deflate; records are small: a 32 KiB window sees all of one */

    if (deflateInit2(zs, RESOURCES_GZIP_LEVEL, Z_DEFLATED, -MAX_WBITS, 8,
                     Z_DEFAULT_STRATEGY)
        != Z_OK)
    {
        return -1;
    }

    return 0;
}


void
resources_gzip_done(z_stream *zs)
{
    (void) deflateEnd(zs);
}


size_t
resources_gzip_bound(size_t len)
{
    /* deflateBound() for raw data, plus the flush's 5 bytes and slack */

    return RESOURCES_GZIP_PIECE_HEAD + len + (len >> 12) + (len >> 14)
           + (len >> 25) + 13 + 5 + 16;
}


size_t
resources_gzip_piece(z_stream *zs, const u_char *list, size_t len,
    u_char *out)
{
    size_t    room, n;
    uint32_t  head[3];

    room = resources_gzip_bound(len) - RESOURCES_GZIP_PIECE_HEAD;

    if (deflateReset(zs) != Z_OK) {
        return 0;
    }

    zs->next_out = out + RESOURCES_GZIP_PIECE_HEAD;
    zs->avail_out = (uInt) room;

    zs->next_in = (u_char *) list;
    zs->avail_in = (uInt) len;

    if (deflate(zs, Z_NO_FLUSH) != Z_OK || zs->avail_in != 0) {
        return 0;
    }

    zs->next_in = (u_char *) "}";
    zs->avail_in = 1;

    if (deflate(zs, Z_SYNC_FLUSH) != Z_OK
        || zs->avail_in != 0 || zs->avail_out == 0)
    {
        return 0;
    }

    n = room - zs->avail_out;

    if (n < 5
        || memcmp(out + RESOURCES_GZIP_PIECE_HEAD + n - 4,
                  resources_gzip_sync, 4) != 0)
    {
        return 0;
    }

    n -= 4;

    head[0] = (uint32_t) n;
    head[1] = (uint32_t) crc32(crc32(0, list, (uInt) len),
                               (const u_char *) "}", 1);
    head[2] = (uint32_t) crc32_combine_gen((z_off_t) len + 1);

    memcpy(out, head, sizeof(head));

    return RESOURCES_GZIP_PIECE_HEAD + n;
}


size_t
resources_gzip_read(const u_char *p, size_t room, resources_gzip_piece_t *pc)
{
    uint32_t  head[3];

    if (room < RESOURCES_GZIP_PIECE_HEAD) {
        return 0;
    }

    memcpy(head, p, sizeof(head));

    if (head[0] == 0 || head[0] > room - RESOURCES_GZIP_PIECE_HEAD) {
        return 0;
    }

    pc->data = p + RESOURCES_GZIP_PIECE_HEAD;
    pc->len = head[0];
    pc->crc = head[1];
    pc->op = head[2];

    return RESOURCES_GZIP_PIECE_HEAD + head[0];
}


int
resources_gzip_check(z_stream *zs, const resources_gzip_piece_t *pc,
    const u_char *list, size_t len)
{
    int       rc;
    u_char    out[4096];
    size_t    seen, n;
    uint32_t  crc;

    /* a one-byte stored block after the piece: "x", then nothing */
    static const u_char  probe[5] = { 0x01, 0x00, 0xfe, 0xff, 'x' };

    if (inflateReset(zs) != Z_OK) {
        return -1;
    }

    zs->next_in = (u_char *) pc->data;
    zs->avail_in = (uInt) pc->len;
    seen = 0;

    for ( ;; ) {
        zs->next_out = out;
        zs->avail_out = sizeof(out);

        rc = inflate(zs, Z_SYNC_FLUSH);

        if (rc != Z_OK && rc != Z_BUF_ERROR) {
            return -1;          /* malformed, or a final block */
        }

        n = sizeof(out) - zs->avail_out;

        if (n == 0) {
            break;
        }

        if (seen + n > len + 1) {
            return -1;
        }

        if (seen < len) {
            if (memcmp(out, list + seen,
                       (seen + n <= len) ? n : len - seen) != 0)
            {
                return -1;
            }
        }

        if (seen + n == len + 1 && out[n - 1] != '}') {
            return -1;
        }

        seen += n;
    }

    if (zs->avail_in != 0) {
        return -1;
    }

    if (seen != len + 1) {
        return -1;
    }

    /* the piece left a stored block open: it takes the probe's length */

    zs->next_in = (u_char *) probe;
    zs->avail_in = sizeof(probe);
    zs->next_out = out;
    zs->avail_out = sizeof(out);

    rc = inflate(zs, Z_SYNC_FLUSH);

    if ((rc != Z_OK && rc != Z_BUF_ERROR)
        || zs->avail_in != 0 || sizeof(out) - zs->avail_out != 1
        || out[0] != 'x')
    {
        return -1;
    }

    crc = (uint32_t) crc32(crc32(0, list, (uInt) len),
                           (const u_char *) "}", 1);

    if (pc->crc != crc
        || pc->op != (uint32_t) crc32_combine_gen((z_off_t) len + 1))
    {
        return -1;
    }

    return 0;
}


u_char *
resources_gzip_header(u_char *p)
{
    /* magic, deflate, no flags, no time, no extra flags, OS: Unix */

    static const u_char  header[RESOURCES_GZIP_HEADER_LEN] = {
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03
    };

    memcpy(p, header, sizeof(header));

    return p + sizeof(header);
}


u_char *
resources_gzip_stored(u_char *p, size_t len, int after_piece)
{
    if (!after_piece) {
        *p++ = 0x00;            /* BFINAL 0, BTYPE 00, padding */
    }

    *p++ = (u_char) (len & 0xff);
    *p++ = (u_char) (len >> 8);
    *p++ = (u_char) (~len & 0xff);
    *p++ = (u_char) ((~len >> 8) & 0xff);

    return p;
}


u_char *
resources_gzip_end(u_char *p, uint32_t crc, uint64_t size, int after_piece)
{
    uint32_t  isize;

    if (after_piece) {
        p = resources_gzip_stored(p, 0, 1);
    }

    *p++ = 0x01;                /* BFINAL 1, BTYPE 00: empty */
    *p++ = 0x00;
    *p++ = 0x00;
    *p++ = 0xff;
    *p++ = 0xff;

    isize = (uint32_t) size;

    *p++ = (u_char) (crc & 0xff);
    *p++ = (u_char) ((crc >> 8) & 0xff);
    *p++ = (u_char) ((crc >> 16) & 0xff);
    *p++ = (u_char) (crc >> 24);
    *p++ = (u_char) (isize & 0xff);
    *p++ = (u_char) ((isize >> 8) & 0xff);
    *p++ = (u_char) ((isize >> 16) & 0xff);
    *p++ = (u_char) (isize >> 24);

    return p;
}
