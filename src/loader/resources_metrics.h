/*
 * Copyright (C) ngx_http_resources authors
 *
 * resources-load --metrics-file: the loads, for Prometheus' node_exporter
 * (its textfile collector), in the text exposition format 0.0.4.  Every
 * sample carries db="<the output as given by -o>".  The file is written
 * as "<file>.tmp.<pid>" in its directory, synced, renamed over the file
 * (and the directory synced), with SIGINT, SIGTERM and SIGHUP held until
 * then, so that it is always either the previous file or the new one.
 */

#ifndef _RESOURCES_METRICS_H_INCLUDED_
#define _RESOURCES_METRICS_H_INCLUDED_


#include <stddef.h>
#include <stdint.h>


/* a successful load: what it left published */
typedef struct {
    uint64_t   resources;
    uint64_t   public_resources;
    uint64_t   bytes;            /* of the published file */
    uint64_t   added;            /* against the snapshot it replaced */
    uint64_t   removed;
    uint64_t   changed;
    double     duration;         /* seconds */
} resources_metrics_t;


/*
 * A successful load: every line, the time now as its success; the failure
 * time of the previous file (of this db) is kept, 0 when it has none.
 * 0, or -1 with a message (the file is then as it was)
 */
int resources_metrics_success(const char *path, const char *db,
    const resources_metrics_t *m, char *err, size_t errlen);

/*
 * A failed load: the previous file with only its failure line changed to
 * the time now; a file that is missing, unreadable or not one of this db
 * becomes the failure line alone.  0, or -1 with a message
 */
int resources_metrics_failure(const char *path, const char *db, char *err,
    size_t errlen);

#endif /* _RESOURCES_METRICS_H_INCLUDED_ */
