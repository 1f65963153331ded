/*
 * Copyright (C) ngx_http_resources authors
 *
 * Gzip answers from pieces compressed in advance (issue #26): what the
 * loader stores with each record, how it is checked, and the few bytes the
 * module writes between pieces.  No nginx here: the loader, the module and
 * the unit tests compile it.
 *
 * Caveats, first:
 *   - a piece is raw deflate data (RFC 1951) of a record's list form and
 *     its closing "}", compressed alone (no match reaches outside it), and
 *     flushed as zlib's Z_SYNC_FLUSH does, with the last 4 bytes of that
 *     flush (00 00 ff ff) left out: a piece ends on a byte boundary with
 *     the 3 bits of a stored block's header (not final) and their padding.
 *     Whoever sends a piece MUST follow it with that block's LEN and NLEN
 *     and LEN bytes: resources_gzip_stored() writes them without the header
 *     byte when told the block follows a piece.
 *   - a piece's CRC-32 and length combine with zlib's crc32_combine_op()
 *     and the operator stored with it (crc32_combine_gen() of its
 *     uncompressed length): no pass over the bytes at request time.
 *   - pieces are checked once, by the loader, before the snapshot is
 *     published (resources_gzip_check).  A reader trusts them: a piece
 *     damaged afterwards gives a stream that fails its CRC at the client.
 *
 * In a record of the heap (resources_store.h), when its flags have
 * RESOURCES_DOC_GZIP, after its id: u32 piece length, u32 CRC-32 of the
 * list form and "}", u32 operator, then the piece.
 */

#ifndef _RESOURCES_GZIP_H_INCLUDED_
#define _RESOURCES_GZIP_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <zlib.h>


#define RESOURCES_GZIP_LEVEL       6
#define RESOURCES_GZIP_HEADER_LEN  10      /* the gzip member's header */
#define RESOURCES_GZIP_STORED_MAX  65535   /* bytes of a stored block */
#define RESOURCES_GZIP_END_LEN     13      /* final empty block, trailer */

/* what a record stores before its piece */
#define RESOURCES_GZIP_PIECE_HEAD  (3 * sizeof(uint32_t))


typedef struct {
    const u_char  *data;
    size_t         len;
    uint32_t       crc;                 /* of the list form and "}" */
    uint32_t       op;                  /* crc32_combine_gen(list_len + 1) */
} resources_gzip_piece_t;


/*
 * The deflate state of a loader's thread: deflateInit2() once, then one
 * piece after another (deflateReset); 0, or -1 when zlib refuses.
 */
int resources_gzip_init(z_stream *zs);
void resources_gzip_done(z_stream *zs);

/*
 * The piece of a list form of len bytes (its "}" added) into out, of room
 * resources_gzip_bound(len) at least, with what goes before it: the bytes
 * a record stores (RESOURCES_GZIP_PIECE_HEAD + the piece); their number,
 * or 0 when zlib fails
 */
size_t resources_gzip_bound(size_t len);
size_t resources_gzip_piece(z_stream *zs, const u_char *list, size_t len,
    u_char *out);

/*
 * Reads a stored piece from p (at most room bytes); the bytes it takes,
 * or 0 when they do not fit
 */
size_t resources_gzip_read(const u_char *p, size_t room,
    resources_gzip_piece_t *pc);

/*
 * Checks a piece against its list form: it inflates (zs: inflateInit2 with
 * -15 window bits, reset here) to exactly the list form and "}", then
 * leaves a stored block's header waiting for its length, and its CRC and
 * operator are the list form's.  0, or -1
 */
int resources_gzip_check(z_stream *zs, const resources_gzip_piece_t *pc,
    const u_char *list, size_t len);

/*
 * The CRC-32 of bytes whose CRC is crc1 followed by bytes whose CRC is crc2
 * and operator op: zlib's crc32_combine_op(), with PCLMULQDQ where the CPU
 * has it
 */
uint32_t resources_gzip_combine(uint32_t crc1, uint32_t crc2, uint32_t op);

/* the gzip member's header: RESOURCES_GZIP_HEADER_LEN bytes */
u_char *resources_gzip_header(u_char *p);

/*
 * A stored block's head for len (<= RESOURCES_GZIP_STORED_MAX) bytes: the
 * header byte (not final), then LEN and NLEN; after a piece, LEN and NLEN
 * only (the piece wrote the header's bits).  Returns the end.
 */
u_char *resources_gzip_stored(u_char *p, size_t len, int after_piece);

/*
 * The end of the member (RESOURCES_GZIP_END_LEN bytes, 4 more after a
 * piece: its block closed empty): a final empty stored block, the CRC-32
 * and the length mod 2^32
 */
u_char *resources_gzip_end(u_char *p, uint32_t crc, uint64_t size,
    int after_piece);


#endif /* _RESOURCES_GZIP_H_INCLUDED_ */
