/*
 * Copyright (C) ngx_http_resources authors
 *
 * Gzip answers from pieces compressed in advance: see resources_gzip.h.
 */


#include <string.h>

#include "resources_gzip.h"


#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define RESOURCES_GZIP_CLMUL  1
#endif


/* zlib's Z_SYNC_FLUSH ends with an empty stored block: 00 00 ff ff */
static const u_char  resources_gzip_sync[4] = { 0x00, 0x00, 0xff, 0xff };


/* the CRC-32 of a list form and "}", and the operator of their length */

static void
resources_gzip_sums(const u_char *list, size_t len, uint32_t *crc,
    uint32_t *op)
{
    *crc = (uint32_t) crc32(crc32(0, list, (uInt) len),
                            (const u_char *) "}", 1);
    *op = (uint32_t) crc32_combine_gen((z_off_t) len + 1);
}


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
    resources_gzip_sums(list, len, &head[1], &head[2]);

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
    uint32_t  crc, op;

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

    resources_gzip_sums(list, len, &crc, &op);

    if (pc->crc != crc || pc->op != op) {
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


#if (RESOURCES_GZIP_CLMUL)

/* the CRC-32 byte table (reflected, polynomial 0xedb88320) */

static const uint32_t  resources_gzip_crc_table[256] = {
    0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau,
    0x076dc419u, 0x706af48fu, 0xe963a535u, 0x9e6495a3u,
    0x0edb8832u, 0x79dcb8a4u, 0xe0d5e91eu, 0x97d2d988u,
    0x09b64c2bu, 0x7eb17cbdu, 0xe7b82d07u, 0x90bf1d91u,
    0x1db71064u, 0x6ab020f2u, 0xf3b97148u, 0x84be41deu,
    0x1adad47du, 0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u,
    0x136c9856u, 0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu,
    0x14015c4fu, 0x63066cd9u, 0xfa0f3d63u, 0x8d080df5u,
    0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u, 0xa2677172u,
    0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu,
    0x35b5a8fau, 0x42b2986cu, 0xdbbbc9d6u, 0xacbcf940u,
    0x32d86ce3u, 0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u,
    0x26d930acu, 0x51de003au, 0xc8d75180u, 0xbfd06116u,
    0x21b4f4b5u, 0x56b3c423u, 0xcfba9599u, 0xb8bda50fu,
    0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u,
    0x2f6f7c87u, 0x58684c11u, 0xc1611dabu, 0xb6662d3du,
    0x76dc4190u, 0x01db7106u, 0x98d220bcu, 0xefd5102au,
    0x71b18589u, 0x06b6b51fu, 0x9fbfe4a5u, 0xe8b8d433u,
    0x7807c9a2u, 0x0f00f934u, 0x9609a88eu, 0xe10e9818u,
    0x7f6a0dbbu, 0x086d3d2du, 0x91646c97u, 0xe6635c01u,
    0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu,
    0x6c0695edu, 0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u,
    0x65b0d9c6u, 0x12b7e950u, 0x8bbeb8eau, 0xfcb9887cu,
    0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u, 0xfbd44c65u,
    0x4db26158u, 0x3ab551ceu, 0xa3bc0074u, 0xd4bb30e2u,
    0x4adfa541u, 0x3dd895d7u, 0xa4d1c46du, 0xd3d6f4fbu,
    0x4369e96au, 0x346ed9fcu, 0xad678846u, 0xda60b8d0u,
    0x44042d73u, 0x33031de5u, 0xaa0a4c5fu, 0xdd0d7cc9u,
    0x5005713cu, 0x270241aau, 0xbe0b1010u, 0xc90c2086u,
    0x5768b525u, 0x206f85b3u, 0xb966d409u, 0xce61e49fu,
    0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u,
    0x59b33d17u, 0x2eb40d81u, 0xb7bd5c3bu, 0xc0ba6cadu,
    0xedb88320u, 0x9abfb3b6u, 0x03b6e20cu, 0x74b1d29au,
    0xead54739u, 0x9dd277afu, 0x04db2615u, 0x73dc1683u,
    0xe3630b12u, 0x94643b84u, 0x0d6d6a3eu, 0x7a6a5aa8u,
    0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u,
    0xf00f9344u, 0x8708a3d2u, 0x1e01f268u, 0x6906c2feu,
    0xf762575du, 0x806567cbu, 0x196c3671u, 0x6e6b06e7u,
    0xfed41b76u, 0x89d32be0u, 0x10da7a5au, 0x67dd4accu,
    0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u,
    0xd6d6a3e8u, 0xa1d1937eu, 0x38d8c2c4u, 0x4fdff252u,
    0xd1bb67f1u, 0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu,
    0xd80d2bdau, 0xaf0a1b4cu, 0x36034af6u, 0x41047a60u,
    0xdf60efc3u, 0xa867df55u, 0x316e8eefu, 0x4669be79u,
    0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u,
    0xcc0c7795u, 0xbb0b4703u, 0x220216b9u, 0x5505262fu,
    0xc5ba3bbeu, 0xb2bd0b28u, 0x2bb45a92u, 0x5cb36a04u,
    0xc2d7ffa7u, 0xb5d0cf31u, 0x2cd99e8bu, 0x5bdeae1du,
    0x9b64c2b0u, 0xec63f226u, 0x756aa39cu, 0x026d930au,
    0x9c0906a9u, 0xeb0e363fu, 0x72076785u, 0x05005713u,
    0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu, 0x0cb61b38u,
    0x92d28e9bu, 0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u,
    0x86d3d2d4u, 0xf1d4e242u, 0x68ddb3f8u, 0x1fda836eu,
    0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u, 0x18b74777u,
    0x88085ae6u, 0xff0f6a70u, 0x66063bcau, 0x11010b5cu,
    0x8f659effu, 0xf862ae69u, 0x616bffd3u, 0x166ccf45u,
    0xa00ae278u, 0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u,
    0xa7672661u, 0xd06016f7u, 0x4969474du, 0x3e6e77dbu,
    0xaed16a4au, 0xd9d65adcu, 0x40df0b66u, 0x37d83bf0u,
    0xa9bcae53u, 0xdebb9ec5u, 0x47b2cf7fu, 0x30b5ffe9u,
    0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u,
    0xbad03605u, 0xcdd70693u, 0x54de5729u, 0x23d967bfu,
    0xb3667a2eu, 0xc4614ab8u, 0x5d681b02u, 0x2a6f2b94u,
    0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu, 0x2d02ef8du
};


/*
 * crc32_combine_op() without zlib's bit-by-bit multiplication modulo the
 * polynomial: the carry-less product of the operator and the CRC
 * (PCLMULQDQ), its lower 32 bits reduced by four steps of the byte table
 * (all reflected); the same result (t/unit/test_gzip.c checks it)
 */

__attribute__((target("pclmul,sse2")))
static uint32_t
resources_gzip_combine_clmul(uint32_t crc1, uint32_t crc2, uint32_t op)
{
    __m128i   p;
    uint64_t  v;
    uint32_t  h, l;

    p = _mm_clmulepi64_si128(_mm_cvtsi32_si128((int) op),
                             _mm_cvtsi32_si128((int) crc1), 0);
    v = (uint64_t) _mm_cvtsi128_si64(p) << 1;
    l = (uint32_t) (v >> 32);
    h = (uint32_t) v;
    h = resources_gzip_crc_table[h & 0xff] ^ (h >> 8);
    h = resources_gzip_crc_table[h & 0xff] ^ (h >> 8);
    h = resources_gzip_crc_table[h & 0xff] ^ (h >> 8);
    h = resources_gzip_crc_table[h & 0xff] ^ (h >> 8);

    return h ^ l ^ crc2;
}

#endif


uint32_t
resources_gzip_combine(uint32_t crc1, uint32_t crc2, uint32_t op)
{
#if (RESOURCES_GZIP_CLMUL)
    static int  clmul = -1;

    if (clmul == -1) {
        clmul = __builtin_cpu_supports("pclmul") ? 1 : 0;
    }

    if (clmul) {
        return resources_gzip_combine_clmul(crc1, crc2, op);
    }
#endif

    return (uint32_t) crc32_combine_op(crc1, crc2, op);
}
