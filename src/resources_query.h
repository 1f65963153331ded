/*
 * Copyright (C) ngx_http_resources authors
 *
 * The query string of the HTTP API, parsed without nginx: the module and
 * the unit tests (and the fuzzer) share it.  Values are percent-decoded
 * ("+" is a space) into a buffer the caller owns, at least as long as the
 * query string; they are checked to be UTF-8 without NUL and point into
 * that buffer.  A known parameter with a bad value is an error that names
 * it.  Each route takes its own parameters (RESOURCES_QUERY_LIST: the list
 * and the feed; RESOURCES_QUERY_TERMS: _keywords and _types;
 * RESOURCES_QUERY_LOOKUP: a lookup; none: _meta); any other is ignored,
 * or, with RESOURCES_QUERY_STRICT,
 * an error that names it and lists the route's, unless its name starts
 * with "_" or "utm_" (cache busters, campaign tags: always ignored).
 */

#ifndef _RESOURCES_QUERY_H_INCLUDED_
#define _RESOURCES_QUERY_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "resources_text.h"


#define RESOURCES_QUERY_MAX_KW      16      /* kw parameters, at most */
#define RESOURCES_QUERY_MAX_TYPE    16      /* type parameters, at most */
#define RESOURCES_QUERY_MAX_SERIES  16      /* series parameters, at most */
#define RESOURCES_QUERY_MAX_VALUE   1024    /* bytes of a decoded value */
#define RESOURCES_QUERY_MAX_OFFSET  1000000000
#define RESOURCES_QUERY_MAX_FACET   100

#define RESOURCES_SORT_DEFAULT      0       /* relevance with q, else newest */
#define RESOURCES_SORT_NEWEST       1
#define RESOURCES_SORT_OLDEST       2
#define RESOURCES_SORT_TITLE        3
#define RESOURCES_SORT_RELEVANCE    4
#define RESOURCES_SORT_UPDATED      5       /* update (else publication) date */

#define RESOURCES_FORMAT_JSON       0
#define RESOURCES_FORMAT_HTML       1

#define RESOURCES_QUERY_LIST        0x01    /* flags: the route's */
#define RESOURCES_QUERY_TERMS       0x02
#define RESOURCES_QUERY_LOOKUP      0x04
#define RESOURCES_QUERY_STRICT      0x100   /* unknown parameters: an error */

#define RESOURCES_HIGHLIGHT_TITLE   0x01    /* highlight=: its fields */
#define RESOURCES_HIGHLIGHT_SUMMARY 0x02
#define RESOURCES_QUERY_MAX_CROP    200     /* crop=: words, at most */

#define RESOURCES_FACET_KW          0x01
#define RESOURCES_FACET_TYPE        0x02
#define RESOURCES_FACET_YEAR        0x04


typedef struct {
    const u_char  *data;
    size_t         len;
} resources_str_t;


typedef struct {
    resources_str_t  kw[RESOURCES_QUERY_MAX_KW];
    size_t           nkw;
    resources_str_t  type[RESOURCES_QUERY_MAX_TYPE];
    size_t           ntype;
    resources_str_t  series[RESOURCES_QUERY_MAX_SERIES];
    size_t           nseries;
    resources_str_t  q;                 /* len 0: absent */
    resources_str_t  prefix;            /* len 0: absent */
    uint32_t         from;              /* YYYYMMDD lower bound, 0: none */
    uint32_t         to;                /* YYYYMMDD upper bound, 0: none */
    int64_t          limit;             /* -1: absent */
    int64_t          offset;
    int64_t          facet_limit;       /* -1: absent */
    unsigned         sort;
    unsigned         facets;
    unsigned         format;            /* RESOURCES_FORMAT_* */
    unsigned         typos;             /* 0: typos=0, no typo matching */
    unsigned         highlight;         /* RESOURCES_HIGHLIGHT_*, 0: none */
    int64_t          crop;              /* words of the summary, 0: all */
} resources_query_t;


/*
 * Parses args[0 .. len) into q, values into buf (len bytes at least), for
 * the route and strictness of flags (RESOURCES_QUERY_*).  max_limit bounds
 * "limit".  Returns 0, or -1 with a message for the client (English, names
 * the parameter) in err (errlen bytes, NUL-terminated).
 */
int resources_query_parse(const u_char *args, size_t len, u_char *buf,
    int64_t max_limit, unsigned flags, resources_query_t *q, char *err,
    size_t errlen);

/*
 * The text of q, as a search box user types it (docs/api.md, "Full-text
 * search"): pieces separated by white space; a piece is a word (or several
 * that the text splits into: "tiers-lieux"), "a phrase" in quotes (",
 * \u201c \u201d, \u00ab \u00bb: any closes any), -word or -"a phrase" (an
 * exclusion), or OR (upper case) between two pieces that are neither an
 * exclusion nor OR: they are alternatives, a group.  Anything unbalanced
 * (a quote that nothing closes, a lone or doubled "-", OR first, last, or
 * next to an exclusion or another OR) is read as plain text.  Each piece
 * is folded and split into words as the loader does (resources_words): stop
 * words are not kept.  The first RESOURCES_Q_WORDS_MAX words are used; a
 * piece past them is ignored (an alternative or an exclusion whole, a plain
 * piece or a phrase from its first word past the limit), and so is every
 * piece after it.  Only pieces with words are kept, as units.
 */

#define RESOURCES_Q_WORDS_MAX       10      /* words of q used, at most */
#define RESOURCES_Q_UNITS_MAX       32      /* units kept (more: merged) */

#define RESOURCES_Q_NEGATED         0x01    /* -word, -"phrase" */
#define RESOURCES_Q_PHRASE          0x02    /* "phrase" (or -"phrase") */
#define RESOURCES_Q_PREFIX          0x04    /* its last word: also a prefix */
#define RESOURCES_Q_IGNORED         0x08    /* past the limit: none used */
#define RESOURCES_Q_CUT             0x10    /* only its first words used */


typedef struct {
    resources_str_t  text;      /* as typed, with its "-" and quotes */
    uint16_t         word;      /* its first word in words[] */
    uint16_t         nwords;    /* its words used (0: IGNORED) */
    uint16_t         group;     /* units of an OR group share it */
    uint16_t         flags;     /* RESOURCES_Q_* */
} resources_q_unit_t;


typedef struct {
    resources_str_t  text;      /* folded and stemmed */
    resources_str_t  surface;   /* folded, as typed */
    uint16_t         pos;       /* its place in its unit, stop words too */
    uint16_t         unit;
} resources_q_word_t;


typedef struct {
    resources_q_unit_t  unit[RESOURCES_Q_UNITS_MAX];
    size_t              nunits;
    resources_q_word_t  word[RESOURCES_Q_WORDS_MAX];
    size_t              nwords;
    size_t              nignored;   /* units IGNORED or CUT */
    unsigned            syntax:1;   /* an exclusion or an OR group used */
    unsigned            any:1;      /* an OR group used */
} resources_q_t;


/* the room resources_q_parse() needs in buf for a q of len bytes */
#define RESOURCES_Q_ROOM(len)                                                \
    ((len) * RESOURCES_FOLD_RATIO + 16                                       \
     + 2 * RESOURCES_Q_WORDS_MAX * RESOURCES_WORD_MAX)

/*
 * Parses q[0 .. len) (valid UTF-8: resources_query_parse() checked it)
 * into out; the words are written into buf (cap bytes, at least
 * RESOURCES_Q_ROOM(len)), stemmed as how says (RESOURCES_STEM_*: as the
 * snapshot's loader stemmed).  Returns 0, or -1 when the text cannot be
 * folded.  The units of out are in the order of q; the units of a group
 * are consecutive; the IGNORED ones come last.
 */
int resources_q_parse(const u_char *q, size_t len, u_char *buf, size_t cap,
    unsigned how, resources_q_t *out);

/*
 * Percent-decodes src into dst ("+" is a space when plus is set); returns
 * the decoded length or -1 on a malformed escape.
 */
ssize_t resources_unescape(const u_char *src, size_t len, u_char *dst,
    int plus);


#endif /* _RESOURCES_QUERY_H_INCLUDED_ */
