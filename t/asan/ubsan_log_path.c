/*
 * Copyright (C) ngx_http_resources authors
 *
 * t/asan/run.sh links this into the sanitized loader and unit tests and
 * preloads it (as a .so) into nginx: with gcc, when ASan and UBSan are both
 * in a process, libubsan starts as ASan's plugin and ignores the log_path of
 * UBSAN_OPTIONS (its reports go to stderr, where the tests compare the
 * loader's diagnostics or nginx sends them to the error log).  This
 * constructor gives libubsan the log_path of UBSAN_OPTIONS itself, through
 * its own __sanitizer_set_report_path().  Without libubsan in the process,
 * or without log_path, it does nothing.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>


__attribute__((constructor))
static void
resources_ubsan_log_path(void)
{
    char         path[4096];
    size_t       n;
    void        *h;
    void       (*set)(const char *);
    const char  *opts, *p;

    opts = getenv("UBSAN_OPTIONS");
    if (opts == NULL) {
        return;
    }

    /* the last "log_path=" of the options (":" separates them) */

    p = NULL;

    for (const char *s = opts; (s = strstr(s, "log_path=")) != NULL; s++) {
        if (s == opts || s[-1] == ':' || s[-1] == ' ') {
            p = s + sizeof("log_path=") - 1;
        }
    }

    if (p == NULL) {
        return;
    }

    n = strcspn(p, ": ");
    if (n == 0 || n >= sizeof(path)) {
        return;
    }

    memcpy(path, p, n);
    path[n] = '\0';

    h = dlopen("libubsan.so.1", RTLD_NOW | RTLD_NOLOAD);
    if (h == NULL) {
        return;
    }

    set = (void (*)(const char *)) dlsym(h, "__sanitizer_set_report_path");
    if (set != NULL) {
        set(path);
    }

    dlclose(h);
}
