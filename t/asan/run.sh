#!/bin/bash
#
# t/asan/run.sh: the whole test suite against the module and the loader built
# with AddressSanitizer + UndefinedBehaviorSanitizer, then valgrind on the
# normal loader.  Run from anywhere, as root (like "make test"), after
# "make deps".  Nothing is installed here.
#
# What it builds, into build/asan/:
#   resources-load                  the loader: the Makefile's loader sources,
#                                   gcc -fsanitize=address,undefined
#                                   -fno-omit-frame-pointer -g -O1
#   unit/test_*                     the C unit tests, linked with the same
#                                   sanitized objects
#   ngx_http_resources_module.so    the module, nginx's module build as the
#                                   Makefile's $(BUILD)/nginx/Makefile rule
#                                   configures it (Debian's conf_flags,
#                                   --with-compat), with the sanitizers added
#                                   to --with-cc-opt / --with-ld-opt;
#                                   nginx's build tree is build/asan/nginx/
#   nginx-asan                      a wrapper script used as
#                                   TEST_NGINX_BINARY (below)
#
# How an instrumented module runs in Debian's uninstrumented /usr/sbin/nginx:
# the ASan runtime must be the first library loaded, so the wrapper
# build/asan/nginx-asan sets LD_PRELOAD=libasan.so:libubsan.so (gcc
# -print-file-name) and ASAN_OPTIONS / UBSAN_OPTIONS for nginx alone, then
# execs /usr/sbin/nginx.  The harness (t/lib/Resources/TestNginx.pm) forks
# and execs TEST_NGINX_BINARY with the environment of prove, and
# t/001-module.t runs "$TEST_NGINX_BINARY -t": both go through the wrapper.
# LD_PRELOAD is NOT set for prove itself: perl, curl, sh and the tools the
# tests run stay uninstrumented.  Workers are forked (no exec), so they keep
# the runtime although nginx rebuilds their environment; they run as nobody,
# so the report directory is world-writable (mode 1777).
#
# Reports: every sanitizer writes to build/asan/logs/ (/tmp/ngx-resources-asan/logs when nobody cannot reach the project) (log_path): asan.<pid>
# and ubsan.<pid> for nginx, loader-asan.<pid> / loader-ubsan.<pid> for the
# loader and the unit tests; not to stderr, where the tests compare the
# loader's diagnostics.  Any file there at the end is a failure, printed
# with its stack.  nginx: detect_leaks=0 (nginx frees little at exit, by
# design); the loader and the unit tests: detect_leaks=1, abort_on_error=1;
# UBSan: print_stacktrace=1, halt_on_error=1.  With gcc, libubsan ignores
# UBSAN_OPTIONS' log_path when ASan is in the process too: t/asan/
# ubsan_log_path.c (linked into the loader and the unit tests, preloaded
# into nginx after the runtimes) hands it the path.  As a last net, a
# sanitizer report that still reaches the tests' output (prove.log) counts.
#
# The suite: prove -r t/ (the C unit tests first, with prove -e ''), with
#   TEST_NGINX_BINARY=build/asan/nginx-asan
#   TEST_NGINX_LOAD_MODULES=build/asan/ngx_http_resources_module.so
#   TEST_RESOURCES_LOADER=build/asan/resources-load
#   TEST_NGINX_SERVROOT=/tmp/ngx-resources-asan/servroot  (nobody can read it)
#   TEST_NGINX_PORT=19841                                  (not 1984)
# ASAN_PORT and ASAN_SERVROOT override the last two.
#
# Before the suite, a self-test starts build/asan/nginx-asan, checks that its
# worker (user nobody) has the ASan runtime, kills it with SIGSEGV and checks
# that ASan's report lands in build/asan/logs/ (then moves it aside).
#
# Then valgrind (memcheck, --leak-check=full --error-exitcode=9) on the normal
# build/resources-load ("make loader"): a load of t/data/sample.jsonl, a load
# of ../shared/catalogue/rtes-listing.txt, --dump and --verify of the first,
# --verify of the second.  The two loads run with a preloaded shim that caps
# mdb_env_set_mapsize() at 4 GiB: the loader's 256 GiB map reservation does
# not fit in valgrind's address space (mdb_env_open: "Invalid argument").
#
# Last line: "asan: N test files, M sanitizer reports; valgrind: K runs
# clean" (", E with errors" when some are not); exit 0 only when every test
# passed, M is 0 and every valgrind run is clean.
#
# Limits: nginx's own pools (ngx_palloc) carve many small allocations out of
# one malloc()ed block: ASan sees the block, not each buffer the module gets
# from the pool; the fuzz targets (t/fuzz/) check the nginx-free code with
# exact buffers.  Debian's nginx itself is not instrumented.
#
#   t/asan/run.sh              build, test, valgrind
#   ASAN_SKIP_VALGRIND=1 ...   no valgrind
#   ASAN_PROVE_ARGS="t/020-list.t" ...   only these test files

set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

out=$root/build/asan
logs=$out/logs

# the workers (nobody) write their reports there: when nobody cannot reach
# the project (a clone in a 0700 directory, as mktemp -d makes), under /tmp
if [ "$(id -u)" = 0 ] \
   && ! perl -e '$> = getpwnam("nobody"); exit(-x $ARGV[0] ? 0 : 1)' -- "$root"
then
    logs=/tmp/ngx-resources-asan/logs
fi
port=${ASAN_PORT:-19841}
servroot=${ASAN_SERVROOT:-/tmp/ngx-resources-asan/servroot}
NGX_SRC=${NGX_SRC:-/usr/share/nginx/src}
NGINX=${NGINX:-/usr/sbin/nginx}
CC=${CC:-gcc}
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer"
LIBS="-llmdb -llz4 -lz -lutf8proc -ljansson -lpcre2-8"

t0=$(date +%s)

say() { echo "asan: $*"; }
die() { echo "asan: $*" >&2; exit 1; }

# --- what is needed ------------------------------------------------------------

command -v "$CC" >/dev/null || die "$CC not found (make deps)"
command -v prove >/dev/null || die "prove not found (make deps)"
[ -x "$NGINX" ] || die "$NGINX not found (make deps)"
[ -f "$NGX_SRC/conf_flags" ] || die "$NGX_SRC/conf_flags not found (nginx-dev; make deps)"

libasan=$($CC -print-file-name=libasan.so)
libubsan=$($CC -print-file-name=libubsan.so)
[ -f "$libasan" ] || die "libasan.so not found ($CC -print-file-name=libasan.so)"
[ -f "$libubsan" ] || die "libubsan.so not found ($CC -print-file-name=libubsan.so)"

valgrind=yes
if [ -n "${ASAN_SKIP_VALGRIND:-}" ]; then
    valgrind=no
elif ! command -v valgrind >/dev/null; then
    die "valgrind not found (apt-get install valgrind, or ASAN_SKIP_VALGRIND=1)"
fi

# the source lists, from the Makefile itself (they change)

mkvar() {
    make --no-print-directory -s -f Makefile -f - "print-$1" <<'EOF'
print-%:
	@echo $($*)
EOF
}

shared_srcs=$(mkvar SHARED_SRCS)
loader_srcs=$(mkvar LOADER_SRCS)
[ -n "$shared_srcs" ] && [ -n "$loader_srcs" ] \
    || die "cannot read SHARED_SRCS / LOADER_SRCS from the Makefile"

rm -rf "$logs"
mkdir -p "$out/obj" "$out/unit" "$logs"
chmod 1777 "$logs"

# --- the loader and the unit tests ---------------------------------------------

CFLAGS="-std=gnu99 -g -O1 $SAN -Wall -Wextra -Wno-unused-parameter -Isrc -Isrc/loader"

say "building the loader and the unit tests"

objs=""
pids=""
for src in $shared_srcs $loader_srcs src/loader/resources_load.c; do
    obj=$out/obj/$(echo "${src#src/}" | tr / _ | sed 's/\.c$/.o/')
    [ "$src" = src/loader/resources_load.c ] && main_obj=$obj || objs="$objs $obj"
    $CC $CFLAGS -c "$src" -o "$obj" &
    pids="$pids $!"
done

for p in $pids; do wait "$p" || die "build failed"; done

# UBSan's log_path (see t/asan/ubsan_log_path.c): linked into the loader and
# the unit tests, preloaded into nginx
$CC -g -O1 -fPIC -c t/asan/ubsan_log_path.c -o "$out/obj/ubsan_log_path.o"
$CC -shared -o "$out/ubsan_log_path.so" "$out/obj/ubsan_log_path.o" -ldl

$CC $SAN -o "$out/resources-load" "$main_obj" $objs \
    "$out/obj/ubsan_log_path.o" $LIBS -ldl

units=""
for t in t/unit/test_*.c; do
    [ -f "$t" ] || continue
    b=$out/unit/$(basename "$t" .c)
    $CC $CFLAGS -It/unit "$t" $objs "$out/obj/ubsan_log_path.o" -o "$b" \
        $LIBS -ldl || die "build of $t failed"
    units="$units $b"
done

# --- the module ------------------------------------------------------------------

say "building the module (nginx's module build, $NGX_SRC)"

mkdir -p "$out/nginx"

# configure again only when the flags or the module's config changed
conf_args="$(dpkg-buildflags --get CFLAGS) -fPIC $(dpkg-buildflags --get CPPFLAGS) -U_FORTIFY_SOURCE $SAN|$(dpkg-buildflags --get LDFLAGS) -fPIC -fsanitize=address,undefined|$root"

if [ ! -f "$out/nginx/Makefile" ] || [ config -nt "$out/nginx/Makefile" ] \
   || [ "$(cat "$out/nginx/configure.args" 2>/dev/null)" != "$conf_args" ]
then
    rm -f "$out/nginx/configure.args"
    ( cd "$NGX_SRC" && . ./conf_flags && ./configure \
        --with-cc-opt="$(dpkg-buildflags --get CFLAGS) -fPIC $(dpkg-buildflags --get CPPFLAGS) -U_FORTIFY_SOURCE $SAN" \
        --with-ld-opt="$(dpkg-buildflags --get LDFLAGS) -fPIC -fsanitize=address,undefined" \
        "${NGX_CONF_FLAGS[@]}" \
        --add-dynamic-module="$root" --builddir="$out/nginx" \
        > "$out/nginx/configure.log" 2>&1 ) \
    || { tail -20 "$out/nginx/configure.log"; rm -f "$out/nginx/Makefile"; die "nginx configure failed"; }
    echo "$conf_args" > "$out/nginx/configure.args"
fi

make --no-print-directory -f "$out/nginx/Makefile" -C "$NGX_SRC" modules \
    > "$out/nginx/make.log" 2>&1 \
    || { tail -30 "$out/nginx/make.log"; die "module build failed"; }

cp "$out/nginx/ngx_http_resources_module.so" "$out/ngx_http_resources_module.so"

# the module must really be instrumented
[ "$(nm -D "$out/ngx_http_resources_module.so" | grep -c __asan_report)" -gt 0 ] \
    || die "the module is not instrumented (no __asan_report_* symbol)"

# --- the nginx wrapper ------------------------------------------------------------

cat > "$out/nginx-asan" <<EOF
#!/bin/sh
# written by t/asan/run.sh: Debian's nginx with the ASan/UBSan runtime
# preloaded, for the instrumented module; reports go to $logs
LD_PRELOAD="$libasan:$libubsan:$out/ubsan_log_path.so\${LD_PRELOAD:+:\$LD_PRELOAD}"
ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:log_path=$logs/asan"
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan"
export LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS
exec $NGINX "\$@"
EOF
chmod 755 "$out/nginx-asan"

"$out/nginx-asan" -V > /dev/null 2>&1 || die "$out/nginx-asan -V fails: the preloaded runtime does not start"

# --- self-test: a report from a worker (user nobody) reaches $logs ----------------

mkdir -p "$(dirname "$servroot")"
chmod 755 "$(dirname "$servroot")"

st=$(dirname "$servroot")/selftest
rm -rf "$st"
mkdir -p "$st/logs" "$st/conf"
chmod -R 755 "$st"
cat > "$st/conf/nginx.conf" <<NGINX
load_module $out/ngx_http_resources_module.so;
user nobody $(id -gn nobody);
worker_processes 1;
daemon off;
error_log logs/error.log;
pid logs/nginx.pid;
events { worker_connections 16; }
http {
    access_log off;
    resources_db $st/none.mdb;
    server { listen 127.0.0.1:$port; location /resources { resources; } }
}
NGINX

"$out/nginx-asan" -p "$st/" -c conf/nginx.conf > "$st/logs/stderr" 2>&1 &
st_pid=$!
worker=""
for i in $(seq 100); do
    worker=$(pgrep -P "$st_pid" 2>/dev/null | head -1 || true)
    [ -n "$worker" ] && break
    kill -0 "$st_pid" 2>/dev/null || break
    sleep 0.1
done

if [ -z "$worker" ]; then
    kill -KILL "$st_pid" 2>/dev/null || true
    cat "$st/logs/stderr" "$st/logs/error.log" 2>/dev/null | tail -5 || true
    die "self-test: nginx-asan did not start a worker (port $port in use?)"
fi

grep -q libasan "/proc/$worker/maps" \
    || { kill -KILL "$st_pid"; die "self-test: the worker has no ASan runtime"; }

# ASan's SEGV handler writes a report (as nobody) into $logs
kill -SEGV "$worker"
for i in $(seq 50); do
    [ -s "$logs/asan.$worker" ] && break
    sleep 0.1
done
kill -QUIT "$st_pid" 2>/dev/null || true
wait "$st_pid" 2>/dev/null || true

[ -s "$logs/asan.$worker" ] \
    || die "self-test: a worker's ASan report did not reach $logs"
mv "$logs/asan.$worker" "$st/"
say "self-test: a worker's report reaches $logs"

# --- the suite ----------------------------------------------------------------------

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:halt_on_error=1:log_path=$logs/loader-asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/loader-ubsan"

export TEST_NGINX_BINARY=$out/nginx-asan
export TEST_NGINX_LOAD_MODULES=$out/ngx_http_resources_module.so
export TEST_RESOURCES_LOADER=$out/resources-load
export TEST_NGINX_SERVROOT=$servroot
export TEST_NGINX_PORT=$port

tests_ok=yes
nunit=$(echo $units | wc -w)

if [ -n "$units" ]; then
    say "unit tests"
    prove -e '' $units 2>&1 | tee "$out/prove-unit.log" || tests_ok=no
fi

if [ -n "${ASAN_PROVE_ARGS:-}" ]; then
    targs=$ASAN_PROVE_ARGS
    nt=$(echo $ASAN_PROVE_ARGS | wc -w)
else
    targs="-r t/"
    nt=$(find t -name '*.t' | wc -l)
fi

say "prove $targs (nginx on port $port, servroot $servroot)"
ts=$(date +%s)
prove $targs 2>&1 | tee "$out/prove.log" || tests_ok=no
say "prove took $(( $(date +%s) - ts ))s"

# a worker that died of a sanitizer report (abort) is in the error log too
if [ -d "$servroot/logs" ]; then
    grep -h "exited on signal" "$servroot"/logs/error.log 2>/dev/null \
        | sed 's/^/asan: nginx: /' | head -5 || true
fi

# --- the reports ----------------------------------------------------------------------

nreports=0
for f in "$logs"/*; do
    [ -f "$f" ] || continue
    nreports=$((nreports + 1))
    echo "asan: ==== report $(basename "$f") ===="
    sed -n '1,60p' "$f"
done

# a report that escaped log_path (printed on stderr) shows in the tests' output
escaped=$(cat "$out/prove-unit.log" "$out/prove.log" 2>/dev/null \
          | grep -cE 'runtime error:|ERROR: (AddressSanitizer|LeakSanitizer)' || true)
if [ "$escaped" -gt 0 ]; then
    nreports=$((nreports + escaped))
    echo "asan: ==== $escaped report(s) in the tests' output ===="
    grep -hE -A12 'runtime error:|ERROR: (AddressSanitizer|LeakSanitizer)' \
        "$out/prove-unit.log" "$out/prove.log" | head -60
fi

# --- valgrind on the normal loader ------------------------------------------------------

vg_clean=0
vg_bad=0

if [ "$valgrind" = yes ]; then
    say "valgrind on build/resources-load"
    make --no-print-directory -s loader > "$out/make-loader.log" 2>&1 \
        || { tail -20 "$out/make-loader.log"; die "make loader failed"; }

    vg=$out/valgrind
    rm -rf "$vg"
    mkdir -p "$vg"

    # The loader reserves a 256 GiB map (RESOURCES_BUILD_MAPSIZE) for the
    # file it builds; valgrind cannot (its client address space is smaller):
    # mdb_env_open() fails with EINVAL.  For the runs that build a snapshot,
    # a preloaded shim caps mdb_env_set_mapsize() at 4 GiB; nothing else
    # changes.
    cat > "$vg/mapsize.c" <<'SHIM'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <lmdb.h>

int
mdb_env_set_mapsize(MDB_env *env, size_t size)
{
    static int  (*real)(MDB_env *, size_t);

    if (real == NULL) {
        real = (int (*)(MDB_env *, size_t)) dlsym(RTLD_NEXT,
                                                  "mdb_env_set_mapsize");
    }

    return real(env, size > ((size_t) 4 << 30) ? ((size_t) 4 << 30) : size);
}
SHIM
    $CC -shared -fPIC -O1 -o "$vg/mapsize.so" "$vg/mapsize.c" -ldl \
        || die "cannot build the valgrind mapsize shim"

    listing=../shared/catalogue/rtes-listing.txt
    [ -f "$listing" ] || listing=t/data/listing-sample.txt

    vgrun() {
        local name=$1 preload=$2 rc=0
        shift 2
        unset ASAN_OPTIONS UBSAN_OPTIONS
        env ${preload:+LD_PRELOAD=$preload} \
        valgrind -q --tool=memcheck --leak-check=full --error-exitcode=9 \
            --log-file="$vg/$name.valgrind" build/resources-load "$@" \
            > "$vg/$name.out" 2> "$vg/$name.err" || rc=$?
        if [ "$rc" -eq 0 ] && [ ! -s "$vg/$name.valgrind" ]; then
            vg_clean=$((vg_clean + 1))
            say "valgrind $name: clean"
        else
            vg_bad=$((vg_bad + 1))
            say "valgrind $name: exit $rc"
            sed 's/^/    /' "$vg/$name.err" | head -10
            sed 's/^/    /' "$vg/$name.valgrind" | head -60
        fi
    }

    vgrun load-jsonl "$vg/mapsize.so" -q -o "$vg/sample.mdb" t/data/sample.jsonl
    vgrun load-listing "$vg/mapsize.so" -q -o "$vg/listing.mdb" "$listing"
    vgrun dump "" --dump "$vg/sample.mdb"
    vgrun verify "" --verify "$vg/sample.mdb"
    vgrun verify-listing "" --verify "$vg/listing.mdb"
fi

# --- summary ---------------------------------------------------------------------------------

elapsed=$(( $(date +%s) - t0 ))
line="asan: $((nt + nunit)) test files, $nreports sanitizer reports"
if [ "$valgrind" = yes ]; then
    line="$line; valgrind: $vg_clean runs clean"
    [ "$vg_bad" -eq 0 ] || line="$line, $vg_bad with errors"
fi

[ "$tests_ok" = yes ] || say "some tests FAILED (see above)"
say "took ${elapsed}s"
echo "$line"

[ "$tests_ok" = yes ] && [ "$nreports" -eq 0 ] && [ "$vg_bad" -eq 0 ]
