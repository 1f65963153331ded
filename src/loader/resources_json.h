/*
 * Copyright (C) ngx_http_resources authors
 *
 * JSON values as the loader needs them, the one representation of a
 * record between its input and its preparation (resources_prepare.h): a
 * tree of nodes in one array (no allocation per value), made by a fast
 * parser of a JSON Lines line, from a jansson value, or node by node (the
 * listing's records), and written back in the compact form that jansson's
 * json_dumpb(JSON_COMPACT) gives, byte for byte.
 *
 * The fast parser takes the usual lines only: it gives up (-1) on anything
 * it is not sure to read exactly as json_loadb(JSON_REJECT_DUPLICATES |
 * JSON_DECODE_ANY) does (a syntax error, invalid UTF-8, a control
 * character, "\u0000", a lone surrogate, a repeated key, a number that is
 * not a small integer, nesting deeper than RESOURCES_JSON_DEPTH), and the
 * caller then asks jansson, which either fails with its own message or
 * gives a value that resources_json_from_jansson() turns into nodes.  When
 * it succeeds, the nodes are those that jansson's value would give.
 *
 * A parse replaces the nodes of the previous one.  Strings point into the
 * parsed line (no escape in it) or into the tree's own buffer, or into the
 * jansson value, or where the builder of the tree said: the line, the
 * value or those bytes must outlive the nodes.
 */

#ifndef _RESOURCES_JSON_H_INCLUDED_
#define _RESOURCES_JSON_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#include "resources_util.h"


#define RESOURCES_JSON_NULL      0
#define RESOURCES_JSON_FALSE     1
#define RESOURCES_JSON_TRUE      2
#define RESOURCES_JSON_INTEGER   3
#define RESOURCES_JSON_STRING    4
#define RESOURCES_JSON_ARRAY     5
#define RESOURCES_JSON_OBJECT    6
#define RESOURCES_JSON_REAL      7      /* from jansson only */

#define RESOURCES_JSON_DEPTH     32
#define RESOURCES_JSON_ROOT      1


typedef struct {
    uint32_t        type;
    uint32_t        n;           /* array: elements; object: members */
    uint32_t        child;       /* the first element, or the first key
                                    (keys and values alternate) */
    uint32_t        next;        /* the next sibling, 0 for none */
    const u_char   *str;         /* string: the value, unescaped */
    size_t          len;
    const u_char   *esc;         /* string: the value as json_dumpb writes
                                    it (between the quotes), or NULL */
    size_t          esc_len;
    long long       integer;
    json_t         *real;
} resources_jnode_t;


typedef struct {
    resources_jnode_t  *nodes;    /* nodes[1] is the root; 0 means none */
    uint32_t            n;
    uint32_t            cap;
    u_char             *buf;      /* unescaped strings */
    size_t              buf_cap;
    u_char             *used;
} resources_json_t;


/* 0: nodes made; -1: not a line this parser takes, ask jansson */
int resources_json_parse(resources_json_t *j, const u_char *s, size_t len);

void resources_json_from_jansson(resources_json_t *j, json_t *v);

/*
 * A tree node by node: resources_json_start() empties it; the first node
 * added is the root (RESOURCES_JSON_ROOT).  A string node points to s,
 * which must outlive the tree; it is written escaped.  resources_json_put()
 * appends value to an array, or the member key (a string node), value to
 * an object (the caller keeps the keys unique).  Indices of nodes stay
 * valid as nodes are added, pointers to them do not.
 */
void resources_json_start(resources_json_t *j);
uint32_t resources_json_add(resources_json_t *j, uint32_t type);
uint32_t resources_json_add_string(resources_json_t *j, const u_char *s,
    size_t len);
uint32_t resources_json_add_integer(resources_json_t *j, long long v);
void resources_json_put(resources_json_t *j, uint32_t parent, uint32_t key,
    uint32_t value);

/* the value of key name in object node obj, 0 when there is none */
uint32_t resources_json_get(resources_json_t *j, uint32_t obj,
    const char *name, size_t len);

/* node i, compact, appended to out */
void resources_json_write(resources_json_t *j, uint32_t i,
    resources_buf_t *out);

/* a string as json_dumpb writes it, quotes included, appended to out */
void resources_json_write_string(resources_buf_t *out, const u_char *s,
    size_t len);

void resources_json_free(resources_json_t *j);


#endif /* _RESOURCES_JSON_H_INCLUDED_ */
