/*
 * Copyright (C) ngx_http_resources authors
 *
 * What the fuzz targets share: check(), an invariant that, broken, stops
 * the target with a trap (libFuzzer then saves the input).
 */

#ifndef _RESOURCES_FUZZ_H_INCLUDED_
#define _RESOURCES_FUZZ_H_INCLUDED_


#include <stdio.h>


#define check(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s: check failed at line %d: %s\n", __FILE__,    \
                    __LINE__, #cond);                                         \
            __builtin_trap();                                                 \
        }                                                                     \
    } while (0)


#endif /* _RESOURCES_FUZZ_H_INCLUDED_ */
