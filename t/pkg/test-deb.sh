#!/bin/sh
# t/pkg/test-deb.sh - install the packages built by t/pkg/build-deb.sh on this
# machine, serve a catalogue with the system's nginx, then purge them and
# check that the machine is as it was.  It changes the system (as root):
# "make test-deb" runs it, "make test" does not.
#
#   1. record the state: dpkg status of the two packages, what is in
#      /etc/nginx/modules-enabled, /usr/lib/nginx/modules,
#      /usr/share/nginx/modules-available, /var/lib/resources, ...
#   2. apt-get install build/deb/libnginx-mod-http-resources_*.deb
#      build/deb/resources-loader_*.deb, check what they installed
#   3. a test server (127.0.0.1:18090) in /etc/nginx/conf.d/, "nginx -t"
#   4. /usr/bin/resources-load t/data/sample.jsonl into
#      /var/lib/resources/test-catalogue.mdb
#   5. the system nginx (started here with /usr/sbin/nginx, or reloaded if it
#      runs already): /resources?kw=QPV must answer total 3
#   6. stop nginx (if started here), remove the test server and the
#      catalogue, apt-get purge both packages, compare with the recorded
#      state.  A trap does the restoring part on failure or interrupt too.
#
# Prints "test-deb: ok" at the end; exit status 1 on any failure.

set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
debdir=$root/build/deb
pkgs="libnginx-mod-http-resources resources-loader"
port=18090
testconf=/etc/nginx/conf.d/resources-test-deb.conf
catalogue=/var/lib/resources/test-catalogue.mdb
nginx=/usr/sbin/nginx
pidfile=/run/nginx.pid
export DEBIAN_FRONTEND=noninteractive

say() { printf 'test-deb: %s\n' "$*"; }
fail() { printf 'test-deb: FAILED: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (it installs and purges packages)"
command -v apt-get >/dev/null 2>&1 || fail "apt-get is missing"
[ -x "$nginx" ] || fail "$nginx is missing (apt-get install nginx)"
command -v curl >/dev/null 2>&1 || fail "curl is missing"

mod_deb=
loader_deb=
for f in "$debdir"/libnginx-mod-http-resources_*.deb; do
    if [ -f "$f" ]; then mod_deb=$f; fi
done
for f in "$debdir"/resources-loader_*.deb; do
    if [ -f "$f" ]; then loader_deb=$f; fi
done
if [ -z "$mod_deb" ] || [ -z "$loader_deb" ]; then
    fail "no packages in $debdir: run t/pkg/build-deb.sh (make deb) first"
fi

for p in $pkgs; do
    if dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null \
        | grep -qv '^not-installed$'
    then
        fail "$p is already on this machine ($(dpkg-query -W -f '${db:Status-Abbrev}' "$p")): this test installs and purges it, remove it first"
    fi
done
[ ! -e "$testconf" ] || fail "$testconf exists (left by an interrupted run?): remove it first"

work=$(mktemp -d /tmp/test-deb.XXXXXX)

# --- 1. the state the machine must be in again at the end

state() {
    for p in $pkgs; do
        printf 'dpkg %s: %s\n' "$p" \
            "$(dpkg-query -W -f '${db:Status-Abbrev} ${Version}' "$p" 2>/dev/null || echo 'unknown')"
    done
    for d in /etc/nginx/modules-enabled /usr/lib/nginx/modules \
             /usr/share/nginx/modules-available /var/lib/resources \
             /etc/nginx/conf.d /etc/systemd/system \
             /var/lib/systemd/deb-systemd-helper-enabled \
             /var/lib/systemd/deb-systemd-helper-masked
    do
        if [ -e "$d" ]; then
            find "$d" -printf '%p %y %m %u:%g -> %l\n' | sort
        else
            echo "$d absent"
        fi
    done
    for f in /etc/default/resources-load /usr/bin/resources-load \
             /lib/systemd/system/resources-load.service \
             /lib/systemd/system/resources-load.path \
             /lib/systemd/system/resources-load.timer \
             /usr/share/man/man1/resources-load.1.gz \
             /usr/share/doc/resources-loader \
             /usr/share/doc/libnginx-mod-http-resources "$pidfile"
    do
        [ -e "$f" ] && echo "$f present" || echo "$f absent"
    done
    find /var/lib/nginx -maxdepth 1 -printf '%p %m %u:%g\n' 2>/dev/null | sort
}

state > "$work/before"
had_var_lib_resources=no
[ -d /var/lib/resources ] && had_var_lib_resources=yes

# nginx: running already (then reload it) or started here (then stop it)
nginx_running() {
    [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}
was_running=no
nginx_running && was_running=yes
started_pid=

# what starting the system nginx changes besides its pid: the owner of its
# temporary directories (chowned to www-data) and its logs (appended)
find /var/lib/nginx -mindepth 1 -maxdepth 1 -printf 'chown %u:%g %p\n' \
    > "$work/nginx-owners" 2>/dev/null || true
for l in /var/log/nginx/access.log /var/log/nginx/error.log; do
    [ -f "$l" ] && printf '%s %s\n' "$(stat -c %s "$l")" "$l"
done > "$work/nginx-logs"

restored=no
restore() {
    [ "$restored" = yes ] && return 0
    restored=yes
    set +e
    if [ -n "$started_pid" ]; then
        kill -QUIT "$started_pid" 2>/dev/null
        i=0
        while kill -0 "$started_pid" 2>/dev/null && [ $i -lt 100 ]; do
            sleep 0.1; i=$((i + 1))
        done
        if kill -0 "$started_pid" 2>/dev/null; then
            echo "test-deb: nginx $started_pid did not stop: SIGKILL" >&2
            kill -KILL "$started_pid"
            # its workers: children of that master, by pid
            for w in $(ps -o pid= --ppid "$started_pid" 2>/dev/null); do
                kill -KILL "$w" 2>/dev/null
            done
        fi
        started_pid=
    fi
    rm -f "$testconf"
    rm -f "$catalogue" "$catalogue.prev" "$catalogue".tmp.*
    for p in $pkgs; do
        if dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null \
            | grep -qv '^not-installed$'
        then
            apt-get purge -y -q "$p" > "$work/purge-$p.log" 2>&1 \
                || { cat "$work/purge-$p.log" >&2; echo "test-deb: purge of $p failed" >&2; }
        fi
    done
    if [ "$was_running" = yes ] && nginx_running; then
        "$nginx" -s reload 2>>"$work/nginx.log"
    fi
    if [ "$was_running" = no ]; then
        # the nginx started here is gone: undo what it did
        sh "$work/nginx-owners" 2>/dev/null
        while read -r size log; do
            [ -f "$log" ] || continue
            if [ "$(stat -c %s "$log")" -gt "$size" ]; then
                if [ "$status" != 0 ]; then
                    echo "test-deb: what nginx wrote to $log:" >&2
                    tail -c +"$((size + 1))" "$log" | tail -n 20 >&2
                fi
                truncate -s "$size" "$log"
            fi
        done < "$work/nginx-logs"
    fi
    if [ "$had_var_lib_resources" = no ] && [ -d /var/lib/resources ]; then
        rmdir /var/lib/resources 2>/dev/null
    fi
    set -e
}

status=1
on_exit() {
    status=$?
    restore
    rm -rf "$work"
    exit $status
}
trap on_exit EXIT
trap 'exit 1' HUP INT TERM

# --- 2. install

say "installing $(basename "$mod_deb") $(basename "$loader_deb")"
apt-get install -y -q --no-install-recommends "$mod_deb" "$loader_deb" \
    > "$work/install.log" 2>&1 \
    || { cat "$work/install.log" >&2; fail "apt-get install failed"; }

for p in $pkgs; do
    [ "$(dpkg-query -W -f '${db:Status-Abbrev}' "$p")" = "ii " ] \
        || fail "$p is not installed: $(dpkg-query -W -f '${db:Status-Abbrev}' "$p")"
done
[ -f /usr/lib/nginx/modules/ngx_http_resources_module.so ] \
    || fail "no /usr/lib/nginx/modules/ngx_http_resources_module.so"
[ "$(cat /usr/share/nginx/modules-available/mod-http-resources.conf)" \
    = "load_module modules/ngx_http_resources_module.so;" ] \
    || fail "bad /usr/share/nginx/modules-available/mod-http-resources.conf"
[ "$(readlink /etc/nginx/modules-enabled/50-mod-http-resources.conf)" \
    = /usr/share/nginx/modules-available/mod-http-resources.conf ] \
    || fail "the module is not enabled in /etc/nginx/modules-enabled"
[ "$(stat -c '%U:%G %a' /var/lib/resources)" = "root:root 755" ] \
    || fail "/var/lib/resources: $(stat -c '%U:%G %a' /var/lib/resources), not root:root 755"
[ -x /usr/bin/resources-load ] || fail "no /usr/bin/resources-load"
[ -f /usr/share/man/man1/resources-load.1.gz ] || fail "no manual page for resources-load"
if command -v man >/dev/null 2>&1; then
    man -w resources-load >/dev/null 2>&1 || fail "man does not find resources-load(1)"
fi
for u in service path timer; do
    [ -f /lib/systemd/system/resources-load.$u ] \
        || fail "no /lib/systemd/system/resources-load.$u"
done
if ls /etc/systemd/system/*.wants/resources-load.* >/dev/null 2>&1; then
    fail "a resources-load unit is enabled: $(ls /etc/systemd/system/*.wants/resources-load.*)"
fi
if command -v systemd-analyze >/dev/null 2>&1; then
    man_opt=
    command -v man >/dev/null 2>&1 || man_opt=--man=no
    systemd-analyze verify $man_opt /lib/systemd/system/resources-load.service \
        /lib/systemd/system/resources-load.path \
        /lib/systemd/system/resources-load.timer > "$work/verify.log" 2>&1 \
        || { cat "$work/verify.log" >&2; fail "systemd-analyze verify"; }
    say "systemd-analyze verify: ok"
fi
say "installed: module enabled, loader, manual page, units (not enabled), /var/lib/resources"

# --- 3. the system configuration plus a test server

cat > "$testconf" <<EOF
# written by $root/t/pkg/test-deb.sh for the duration of the test
server {
    listen 127.0.0.1:$port;
    access_log off;
    location /resources {
        resources_db $catalogue;
        resources;
    }
}
EOF
"$nginx" -t > "$work/nginx-t.log" 2>&1 \
    || { cat "$work/nginx-t.log" >&2; fail "nginx -t with the module and the test server"; }
say "nginx -t: ok"

# --- 4. the catalogue, with the packaged loader

/usr/bin/resources-load -o "$catalogue" "$root/t/data/sample.jsonl" \
    > "$work/load.log" 2>&1 \
    || { cat "$work/load.log" >&2; fail "resources-load"; }
version=$(sed -n 's/.*version \([0-9a-f]\{16\}\).*/\1/p' "$work/load.log")
[ -n "$version" ] || { cat "$work/load.log" >&2; fail "no version in the loader's summary"; }
[ "$(stat -c %a "$catalogue")" = 644 ] || fail "$catalogue is not 0644"
/usr/bin/resources-load --verify "$catalogue" > /dev/null || fail "resources-load --verify"
say "$(cat "$work/load.log")"

# --- 5. the system nginx serves it

if [ "$was_running" = yes ]; then
    "$nginx" -s reload || fail "nginx -s reload"
else
    "$nginx" > "$work/nginx.log" 2>&1 \
        || { cat "$work/nginx.log" >&2; fail "cannot start $nginx"; }
    i=0
    while ! nginx_running && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    nginx_running || fail "nginx did not write $pidfile"
    started_pid=$(cat "$pidfile")
    say "started $nginx (pid $started_pid)"
fi

url="http://127.0.0.1:$port/resources?kw=QPV"
i=0
body=
while [ $i -lt 50 ]; do
    body=$(curl -s --max-time 2 "$url") && [ -n "$body" ] && break
    sleep 0.1; i=$((i + 1))
done
total=$(printf '%s' "$body" | perl -MJSON::PP -0777 -ne \
    'my $j = eval { decode_json($_) } or exit 1; print $j->{total}') \
    || fail "$url: not JSON: $body"
[ "$total" = 3 ] || fail "$url: total $total, 3 expected: $body"
say "GET $url: total 3"

meta=$(curl -s --max-time 2 "http://127.0.0.1:$port/resources/_meta")
mversion=$(printf '%s' "$meta" | perl -MJSON::PP -0777 -ne \
    'my $j = eval { decode_json($_) } or exit 1; print $j->{version}') \
    || fail "_meta: not JSON: $meta"
[ "$mversion" = "$version" ] || fail "_meta: version $mversion, $version expected"
say "GET /resources/_meta: version $version"

# --- 6. remove everything, compare

restore
say "nginx stopped, test server and catalogue removed, packages purged"

state > "$work/after"
if ! diff -u "$work/before" "$work/after" > "$work/state.diff"; then
    cat "$work/state.diff" >&2
    fail "the machine is not as it was"
fi
for f in /usr/lib/nginx/modules/ngx_http_resources_module.so \
         /usr/share/nginx/modules-available/mod-http-resources.conf \
         /etc/nginx/modules-enabled/50-mod-http-resources.conf \
         /etc/nginx/modules-enabled/50-mod-http-resources.conf.removed \
         /etc/default/resources-load "$testconf"
do
    if [ -e "$f" ] || [ -L "$f" ]; then fail "$f left behind"; fi
done
if [ "$had_var_lib_resources" = no ] && [ -e /var/lib/resources ]; then
    fail "/var/lib/resources left behind"
fi
for p in $pkgs; do
    s=$(dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null) || s=
    case $s in ''|'un '|'pn ') ;; *) fail "$p: dpkg status '$s' after purge" ;; esac
done
say "state before and after: identical"
say ok
