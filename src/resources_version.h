/*
 * Copyright (C) ngx_http_resources authors
 *
 * The version of the project, the one place it is defined: the loader
 * prints it (resources-load -V), the module includes it.  The Debian
 * packages take theirs from debian/changelog: change both together.
 */

#ifndef _RESOURCES_VERSION_H_INCLUDED_
#define _RESOURCES_VERSION_H_INCLUDED_


#define RESOURCES_VERSION  "0.8.0"


#endif /* _RESOURCES_VERSION_H_INCLUDED_ */
