# One loader run feeds three edges: the loader publishes a snapshot at an
# "origin" path, conf/resources-sync copies it to each edge's own snapshot
# (two edges from the local path, one over http from a fourth nginx serving
# the origin file), and every edge answers with the same version; an
# unchanged snapshot is not downloaded again (304, same inode); a broken one
# is refused and the edges keep theirs; a new catalogue published at the
# origin and synced again reaches all three within the check interval.
#
# Four nginx instances of our own (not the harness's single one), on
# 127.0.0.1:19901-19904 (TEST_EDGES_PORT overrides 19901: the first of four),
# each with its own prefix under a temporary directory, stopped by pid at the
# end, even on failure.

use strict;
use warnings;

use Test::More;
use Cwd qw(getcwd);
use File::Path qw(make_path);
use File::Spec;
use File::Temp qw(tempdir);
use HTTP::Tiny;
use JSON::PP;
use POSIX ();
use Time::HiRes qw(sleep time);

my $root = getcwd();
my $nginx_bin = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
my @modules = map { File::Spec->rel2abs($_, $root) } grep { length }
    split /\s+/, ($ENV{TEST_NGINX_LOAD_MODULES}
                  || 'build/ngx_http_resources_module.so');
my $loader = File::Spec->rel2abs($ENV{TEST_RESOURCES_LOADER}
                                 || 'build/resources-load', $root);
my $sync = "$root/conf/resources-sync";
my $base_port = $ENV{TEST_EDGES_PORT} || 19901;
my $interval = 0.2;    # resources_check_interval of the edges

plan skip_all => "no nginx at $nginx_bin" unless -x $nginx_bin;
plan skip_all => "no module at $modules[0]" unless -f $modules[0];
plan skip_all => "no loader at $loader" unless -x $loader;
plan skip_all => "no curl (http mode of resources-sync)"
    unless grep { -x "$_/curl" } split /:/, $ENV{PATH};

$ENV{RESOURCES_LOAD} = $loader;

# --- the servers

my %port = (edge1 => $base_port, edge2 => $base_port + 1,
            edge3 => $base_port + 2, origin => $base_port + 3);
my @edges = qw(edge1 edge2 edge3);

my $tmp = tempdir('resources-edges-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $tmp;    # workers run as nobody: they must reach html/

my $user = '';
if ($> == 0) {
    $user = defined(scalar getgrnam('nogroup')) ? 'user nobody nogroup;'
                                                : 'user nobody;';
}

my %pid;           # name => master pid
my $parent = $$;

sub listening {
    my ($port) = @_;
    for my $f ('/proc/net/tcp', '/proc/net/tcp6') {
        open my $in, '<', $f or next;
        while (my $line = <$in>) {
            my @f = split ' ', $line;
            return 1 if @f > 3 && $f[1] =~ /:([0-9A-Fa-f]{4})$/
                        && hex($1) == $port && $f[3] eq '0A';
        }
    }
    return 0;
}

sub prefix { "$tmp/$_[0]" }
sub snapshot { prefix($_[0]) . '/html/catalogue.mdb' }

sub write_config {
    my ($name) = @_;
    my $p = prefix($name);
    make_path(map { "$p/$_" } qw(conf logs html tmp));
    chmod 0755, $p, "$p/html";
    my $load = join '', map { "load_module $_;\n" } @modules;
    my $temps = join '', map { "    ${_}_temp_path $p/tmp/$_;\n" }
        qw(client_body proxy fastcgi uwsgi scgi);
    my $locations = $name eq 'origin' ? <<"_EOC_" : <<"_EOC_";
        # the origin's published snapshot, as any static web server serves it
        location = /catalogue.mdb { root $p/html; }
        location = /broken.mdb { root $p/html; }
_EOC_
        location /resources {
            resources_db $p/html/catalogue.mdb;
            resources_check_interval 200ms;
            resources;
        }
_EOC_
    open my $f, '>', "$p/conf/nginx.conf" or die "$p/conf/nginx.conf: $!";
    print $f <<"_EOC_";
# written by t/060-edges.t: $name
$load$user
worker_processes 1;
daemon off;
master_process on;
error_log $p/logs/error.log notice;
pid $p/logs/nginx.pid;
lock_file $p/logs/nginx.lock;

events {
    worker_connections 64;
}

http {
    log_format edges '\$status \$body_bytes_sent "\$request"';
    access_log $p/logs/access.log edges;
$temps
    default_type application/octet-stream;

    server {
        listen 127.0.0.1:$port{$name};
        server_name localhost;
$locations    }
}
_EOC_
    close $f;
}

sub start_nginx {
    my ($name) = @_;
    my $p = prefix($name);
    die "port $port{$name} is in use: set TEST_EDGES_PORT to another base port\n"
        if listening($port{$name});
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        setpgrp(0, 0);
        chdir $p;
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', "$p/logs/stderr";
        open STDERR, '>&', \*STDOUT;
        { exec { $nginx_bin } $nginx_bin, '-p', "$p/", '-c', 'conf/nginx.conf' }
        POSIX::_exit(127);
    }
    $pid{$name} = $pid;
    my $deadline = time + 10;
    while (time < $deadline) {
        if (waitpid($pid, POSIX::WNOHANG()) == $pid) {
            delete $pid{$name};
            die "nginx $name exited: " . slurp("$p/logs/stderr")
                . slurp("$p/logs/error.log");
        }
        return $pid if listening($port{$name}) && -s "$p/logs/nginx.pid";
        sleep 0.02;
    }
    die "nginx $name did not listen on $port{$name} within 10 s\n";
}

sub stop_all {
    return if $$ != $parent;
    for my $name (sort keys %pid) {
        my $pid = delete $pid{$name} // next;
        kill 'QUIT', $pid;
        my $deadline = time + 5;
        my $gone = 0;
        while (time < $deadline) {
            my $r = waitpid($pid, POSIX::WNOHANG());
            if ($r == $pid || $r == -1) { $gone = 1; last }
            sleep 0.02;
        }
        if (!$gone) {
            kill 'KILL', -$pid;    # its process group: master and worker
            waitpid($pid, 0);
        }
    }
}

END { my $status = $?; stop_all(); $? = $status }
$SIG{$_} = sub { stop_all(); exit 1 } for qw(INT TERM HUP);

sub slurp {
    my ($file) = @_;
    open my $f, '<', $file or return '';
    local $/;
    return scalar <$f>;
}

# --- helpers

# the version a public location shows for each loaded version
our %Public;

my $http = HTTP::Tiny->new(timeout => 3);

sub meta_version {
    my ($name) = @_;
    my $r = $http->get("http://127.0.0.1:$port{$name}/resources/_meta");
    return "HTTP $r->{status}" unless $r->{status} == 200;
    my $j = eval { decode_json($r->{content}) } or return 'not JSON';
    return $j->{version} // 'no version';
}

sub total {
    my ($name) = @_;
    my $r = $http->get("http://127.0.0.1:$port{$name}/resources?limit=0");
    return -1 unless $r->{status} == 200;
    return decode_json($r->{content})->{total};
}

# every edge (or those named) on $want within a few check intervals
sub all_on {
    my ($want, @names) = @_;
    @names = @edges unless @names;
    my $deadline = time + 3;
    my %v;
    while (1) {
        %v = map { $_ => meta_version($_) } @names;
        return (1, %v) unless grep { $v{$_} ne ($Public{$want} // $want) } @names;
        return (0, %v) if time > $deadline;
        sleep $interval / 2;
    }
}

sub shq { my $s = shift; $s =~ s/'/'\\''/g; "'$s'" }

# run resources-sync: (exit status, stdout, stderr)
sub run_sync {
    my ($src, $dest) = @_;
    my $err = "$tmp/sync.stderr";
    my $out = `sh @{[ shq($sync) ]} @{[ shq($src) ]} @{[ shq($dest) ]} 2>@{[ shq($err) ]}`;
    return ($? >> 8, $out, slurp($err));
}

# --force: the two catalogues have no id in common (a load that removes more
# than a quarter of the published resources is refused without it)
sub load {
    my ($out, @files) = @_;
    my $summary = `@{[ shq($loader) ]} --force -o @{[ shq($out) ]} @{[ join ' ', map { shq($_) } @files ]} 2>&1`;
    die "loader failed: $summary" if $?;
    my ($v, $pv) = $summary =~ /version ([0-9a-f]{16}), public version ([0-9a-f]{16})/
        or die "no version: $summary";
    $Public{$v} = $pv;
    return $v;
}


sub inode { (stat $_[0])[1] // 0 }

sub leftovers { my $d = $_[0]; scalar(() = glob("$d.tmp.*")) }

sub origin_log { [ grep { m{"GET /catalogue\.mdb } } split /\n/, slurp(prefix('origin') . '/logs/access.log') ] }

# --- two catalogues: the sample (8 resources) and a bigger generated one

my $cat_a = "$root/t/data/sample.jsonl";
my $cat_b = "$tmp/b.jsonl";
{
    open my $f, '>', $cat_b or die;
    for my $i (1 .. 40) {
        print $f encode_json({ id => "edge-$i", title => "Ressource B $i",
            type => 'Autres', date => sprintf('2024-%02d', 1 + $i % 12),
            keywords => ['QPV'] }), "\n";
    }
    close $f;
}

write_config($_) for @edges, 'origin';
start_nginx($_) for @edges, 'origin';

my $origin = snapshot('origin');
my $url = "http://127.0.0.1:$port{origin}/catalogue.mdb";
my %source = (edge1 => $origin, edge2 => $origin, edge3 => $url);

is meta_version($_), 'HTTP 503', "$_: no snapshot yet, 503" for @edges;

# --- one loader run, three syncs

my $va = load($origin, $cat_a);

for my $e (@edges) {
    my ($rc, $out, $err) = run_sync($source{$e}, snapshot($e));
    is $rc, 0, "$e: synced from $source{$e}";
    like $out, qr/^resources-sync: updated \Q${\ snapshot($e)}\E .*version $va/,
        "$e: says it updated";
    is $err, '', "$e: nothing on stderr";
    is sprintf('%o', (stat snapshot($e))[2] & 07777), '644', "$e: snapshot 0644";
    is leftovers(snapshot($e)), 0, "$e: no temporary file left";
}
ok -s snapshot('edge3') . '.etag', 'edge3: the ETag is kept';

my ($ok, %v) = all_on($va);
ok $ok, "all edges serve version $va: "
    . join ', ', map { "$_ $v{$_}" } @edges;
is total($_), 6, "$_: the public total of the sample" for @edges;

# --- unchanged: nothing downloaded, nothing replaced

my %ino = map { $_ => inode(snapshot($_)) } @edges;
for my $e (@edges) {
    my ($rc, $out, $err) = run_sync($source{$e}, snapshot($e));
    is $rc, 0, "$e: second sync ok";
    is $out . $err, '', "$e: second sync is quiet";
    is inode(snapshot($e)), $ino{$e}, "$e: snapshot not replaced";
}
my $log = origin_log();
is scalar @$log, 2, 'the origin was asked twice';
like $log->[0], qr/^200 \d+ /, 'first: 200, the snapshot';
like $log->[1], qr/^304 0 /, 'second: 304, nothing downloaded';

# --- a broken snapshot at the source is refused, the edges keep theirs

{
    open my $in, '<:raw', $origin or die;
    read $in, my $head, 8192;
    open my $out, '>:raw', prefix('origin') . '/html/broken.mdb' or die;
    print $out $head;
    close $out;
    chmod 0644, prefix('origin') . '/html/broken.mdb';
}
for my $case (['edge1', prefix('origin') . '/html/broken.mdb'],
              ['edge3', "http://127.0.0.1:$port{origin}/broken.mdb"])
{
    my ($e, $src) = @$case;
    my ($rc, $out, $err) = run_sync($src, snapshot($e));
    is $rc, 1, "$e: a broken source fails";
    like $err, qr/not a valid snapshot, .* kept/, "$e: and says why";
    is inode(snapshot($e)), $ino{$e}, "$e: its snapshot is untouched";
    is leftovers(snapshot($e)), 0, "$e: no temporary file left";
}
my ($rc) = run_sync("http://127.0.0.1:$port{origin}/nothere.mdb", snapshot('edge3'));
is $rc, 1, 'edge3: a missing source fails';
($ok, %v) = all_on($va);
ok $ok, "all edges still serve $va";

# --- a new catalogue at the origin reaches every edge

my $vb = load($origin, $cat_b);
isnt $vb, $va, 'the new catalogue has another version';
for my $e (@edges) {
    my ($rc, $out, $err) = run_sync($source{$e}, snapshot($e));
    is $rc, 0, "$e: synced the new catalogue";
    like $out, qr/updated .*version $vb/, "$e: says so";
    isnt inode(snapshot($e)), $ino{$e}, "$e: a new file (renamed into place)";
}
($ok, %v) = all_on($vb);
ok $ok, "all edges switched to $vb without a reload: "
    . join ', ', map { "$_ $v{$_}" } @edges;
is total($_), 40, "$_: the new total" for @edges;

# the replaced snapshot is kept as .prev: a rollback works on an edge too,
# until the next sync brings the origin's snapshot back
for my $e (@edges) {
    like scalar `@{[ shq($loader) ]} --verify @{[ shq(snapshot($e) . '.prev') ]} 2>&1`,
        qr/ok: .*version $va/, "$e: the previous snapshot is kept as .prev";
}
my $rb = `@{[ shq($loader) ]} --rollback -o @{[ shq(snapshot('edge2')) ]} 2>&1`;
is $?, 0, "edge2: rollback" or diag $rb;
($ok, %v) = all_on($va, 'edge2');
ok $ok, "edge2: serves the previous version again ($v{edge2})";
($rc, my $out, my $err) = run_sync($origin, snapshot('edge2'));
like $out, qr/updated .*version $vb/, 'edge2: the next sync brings the new one back';
($ok, %v) = all_on($vb);
ok $ok, "all edges on $vb again";

($rc, $out, $err) = run_sync($url, snapshot('edge3'));
is "$rc$out$err", '0', 'edge3: unchanged again, quiet';
$log = origin_log();
like $log->[-1], qr/^304 0 /, 'and not downloaded again';
is scalar(grep { /^200 / } @$log), 2, 'the origin sent the snapshot twice in all';

for my $e (@edges) {
    my $elog = slurp(prefix($e) . '/logs/error.log');
    like $elog, qr/\[notice\] .*resources: serving "\Q${\ snapshot($e)}\E" version $vb, 40 resources \(40 public\)/,
        "$e: its error log says what it serves";
    # errors before the first snapshot (no file yet: 503) are expected
    my ($after) = $elog =~ /(resources: serving .*)/s;
    unlike $after // '', qr/\[(?:error|crit|alert|emerg)\]/,
        "$e: no error logged once it served a snapshot";
}

stop_all();
ok !(grep { kill 0, $_ } values %pid), 'all stopped';

done_testing();
