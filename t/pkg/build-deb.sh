#!/bin/sh
# t/pkg/build-deb.sh - build the Debian packages (libnginx-mod-http-resources,
# resources-loader) into build/deb/, from a copy of the work tree in
# build/deb/src, so that the work tree itself is not touched.
#
# Installs nothing: the build dependencies must be there already (the
# Makefile's deps installs them): debhelper dpkg-dev nginx-dev liblmdb-dev
# libutf8proc-dev libjansson-dev libpcre2-dev build-essential; lintian, if
# installed, checks the result (its tags are printed, they do not fail the
# build).
#
# usage: t/pkg/build-deb.sh        (from anywhere; prints the .deb paths)
#        BUILD_DEB_REF=HEAD t/pkg/build-deb.sh   (a commit instead of the work
#                                         tree, e.g. while others edit it)

set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/deb
src=$out/src

cd "$root"
for tool in dpkg-buildpackage dh dpkg-checkbuilddeps; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "build-deb: $tool is missing (apt-get install debhelper dpkg-dev)" >&2
        exit 1
    }
done

# the files of the work tree, as they are now (uncommitted edits included;
# build/, *.so, *.mdb and other ignored files left out)
rm -rf "$out"
mkdir -p "$src"
if [ -n "${BUILD_DEB_REF:-}" ]; then
    # that commit, plus debian/ and the untracked files of the work tree
    git archive --format=tar "$BUILD_DEB_REF" | tar -xf - -C "$src"
    { git ls-files -z --others --exclude-standard; \
      git ls-files -z --cached debian; } \
        | perl -0ne 'chomp; print "$_\0" if -f $_ || -l $_' \
        | tar --null -T - -cf - \
        | tar -xf - -C "$src"
elif git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard \
        | perl -0ne 'chomp; print "$_\0" if -f $_ || -l $_' \
        | tar --null -T - -cf - \
        | tar -xf - -C "$src"
else
    tar --exclude=./build --exclude=./t/servroot --exclude=./.git \
        -cf - . | tar -xf - -C "$src"
fi

cd "$src"
if ! dpkg-checkbuilddeps >"$out/checkbuilddeps.log" 2>&1; then
    cat "$out/checkbuilddeps.log" >&2
    echo "build-deb: install the missing build dependencies (make deps)" >&2
    exit 1
fi

echo "build-deb: dpkg-buildpackage -us -uc -b in $src (log: $out/build.log)"
if ! dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1; then
    tail -n 40 "$out/build.log" >&2
    echo "build-deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
    exit 1
fi

cd "$out"
ls -1 "$out"/*.deb
if command -v lintian >/dev/null 2>&1; then
    echo "build-deb: lintian"
    lintian --info --display-info --pedantic --tag-display-limit 0 \
        "$out"/*.changes || true
fi
