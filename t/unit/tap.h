/*
 * Copyright (C) ngx_http_resources authors
 *
 * A minimal TAP producer for the C unit tests: prove reads their output.
 *
 *     ok(cond, "name %d", n);     is_int(got, want, "name");
 *     is_str(got, want, "name");  is_mem(got, glen, want, "name");
 *     return tap_done();          (prints the plan, returns the exit code)
 */

#ifndef _RESOURCES_TAP_H_INCLUDED_
#define _RESOURCES_TAP_H_INCLUDED_


#include <stdarg.h>
#include <stdio.h>
#include <string.h>


static int  tap_run, tap_failed;


static int
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
    va_list  ap;

    tap_run++;

    if (!cond) {
        tap_failed++;
    }

    printf("%sok %d - ", cond ? "" : "not ", tap_run);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");

    if (!cond) {
        printf("#   Failed test at %s line %d.\n", file, line);
    }

    fflush(stdout);

    return cond;
}


#define ok(cond, ...)  tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, ...)                                               \
    do {                                                                     \
        long long  g_ = (long long) (got), w_ = (long long) (want);          \
        if (!ok(g_ == w_, __VA_ARGS__)) {                                    \
            printf("#          got: %lld\n#     expected: %lld\n", g_, w_);  \
        }                                                                    \
    } while (0)

#define is_str(got, want, ...)                                               \
    do {                                                                     \
        const char  *g_ = (got), *w_ = (want);                               \
        if (!ok(g_ && w_ && strcmp(g_, w_) == 0, __VA_ARGS__)) {             \
            printf("#          got: '%s'\n#     expected: '%s'\n",           \
                   g_ ? g_ : "(null)", w_ ? w_ : "(null)");                  \
        }                                                                    \
    } while (0)

#define is_mem(got, glen, want, ...)                                         \
    do {                                                                     \
        const char  *g_ = (const char *) (got), *w_ = (want);                \
        size_t       gl_ = (size_t) (glen);                                  \
        if (!ok(gl_ == strlen(w_) && memcmp(g_, w_, gl_) == 0,               \
                __VA_ARGS__))                                                \
        {                                                                    \
            printf("#          got: '%.*s'\n#     expected: '%s'\n",         \
                   (int) gl_, g_, w_);                                       \
        }                                                                    \
    } while (0)


static int
tap_done(void)
{
    printf("1..%d\n", tap_run);

    return tap_failed ? 1 : 0;
}


#endif /* _RESOURCES_TAP_H_INCLUDED_ */
