/*
 * Copyright (C) ngx_http_resources authors
 *
 * The prefaulter (src/loader/resources_prefault.c): it never changes a
 * byte that the writer wrote, even while the writer goes on, and the file
 * ends where the writer's last byte is once it stopped, however far ahead
 * it went.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "resources_prefault.h"


#define MiB  ((off_t) 1 << 20)


static off_t
size_of(int fd)
{
    struct stat  sb;

    return (fstat(fd, &sb) == 0) ? sb.st_size : -1;
}


static void
pause_ms(long ms)
{
    struct timespec  ts;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000;
    nanosleep(&ts, NULL);
}


/* the byte at offset i of what the writer writes */

static unsigned char
byte_at(off_t i)
{
    return (unsigned char) ((i * 2654435761u) >> 13);
}


static int
write_pattern(int fd, off_t from, off_t to)
{
    unsigned char  buf[65536];
    off_t          at, i, n;

    for (at = from; at < to; at += n) {
        n = (to - at < (off_t) sizeof(buf)) ? to - at : (off_t) sizeof(buf);

        for (i = 0; i < n; i++) {
            buf[i] = byte_at(at + i);
        }

        if (pwrite(fd, buf, n, at) != n) {
            return -1;
        }
    }

    return 0;
}


static off_t
check_pattern(int fd, off_t to)
{
    unsigned char  buf[65536];
    off_t          at, i, n;

    for (at = 0; at < to; at += n) {
        n = (to - at < (off_t) sizeof(buf)) ? to - at : (off_t) sizeof(buf);

        if (pread(fd, buf, n, at) != n) {
            return at;
        }

        for (i = 0; i < n; i++) {
            if (buf[i] != byte_at(at + i)) {
                return at + i;
            }
        }
    }

    return -1;
}


int
main(void)
{
    int                    fd, i;
    off_t                  end;
    char                   path[] = "/tmp/resources-prefault-XXXXXX";
    resources_prefault_t  *pf;

    fd = mkstemp(path);
    if (fd < 0) {
        ok(0, "mkstemp: %s", strerror(errno));
        return tap_done();
    }

    unlink(path);

    ok(resources_prefault_start(fd, 4 * MiB, 4 * MiB) == NULL,
       "nothing to do when the file will not grow: no thread");

    is_int(resources_prefault_stop(NULL, 0), 0, "stopping none: 0");

    /* the writer writes 1 MiB, then more while the prefaulter runs */

    ok(write_pattern(fd, 0, 1 * MiB) == 0, "1 MiB written");

    pf = resources_prefault_start(fd, 1 * MiB, 48 * MiB);
    ok(pf != NULL, "a prefaulter for a file that will grow to 48 MiB");

    /* it goes ahead of the writer (where the file system lets it) */

    for (i = 0; i < 500 && size_of(fd) <= 1 * MiB; i++) {
        pause_ms(10);
    }

    if (size_of(fd) <= 1 * MiB) {
        ok(1, "# SKIP the file system does not allocate ahead (fallocate)");

    } else {
        ok(size_of(fd) > 1 * MiB, "the file is allocated ahead of the writer"
           " (%lld bytes)", (long long) size_of(fd));
        ok(size_of(fd) <= 48 * MiB, "never beyond the limit");
    }

    /* the writer goes on, telling it where it is */

    for (end = 1 * MiB; end < 24 * MiB; end += 3 * MiB + 12345) {
        ok(write_pattern(fd, end, end + 3 * MiB + 12345) == 0,
           "written up to %lld", (long long) (end + 3 * MiB + 12345));
        resources_prefault_advance(pf, end + 3 * MiB + 12345);
    }

    /* ahead of the writer again, so that stopping has something to cut */

    for (i = 0; i < 500 && size_of(fd) <= end; i++) {
        pause_ms(10);
    }

    is_int(resources_prefault_stop(pf, end), 0, "stopped");
    is_int(size_of(fd), end, "the file ends where the writer stopped");
    is_int(check_pattern(fd, end), -1, "every byte is the writer's");

    /* stopped at once, before it did anything */

    pf = resources_prefault_start(fd, end, end + 64 * MiB);
    is_int(resources_prefault_stop(pf, end), 0, "stopped at once");
    is_int(size_of(fd), end, "the file ends where the writer stopped");
    is_int(check_pattern(fd, end), -1, "every byte is the writer's");

    close(fd);

    return tap_done();
}
