# Snapshots published while nginx serves: no snapshot (503) then one (200)
# without a reload; many swaps under requests with no failure and no answer
# that mixes two catalogues; every worker on the newest version within the
# check interval; no old file left mapped; broken files renamed into place
# are refused while the previous catalogue keeps being served.

use strict;
use warnings;

use lib 't/lib';
use Resources::TestNginx;
use JSON::PP;
use File::Temp qw(tempdir);
use Time::HiRes qw(sleep time);
use POSIX ();

plan 'no_plan';

my $loader = $ENV{TEST_RESOURCES_LOADER} || 'build/resources-load';
my $tmp = tempdir(CLEANUP => 1);
my $interval = 0.2;

# two catalogues: the sample (6 public) and a generated one (40 public)
my $a = 't/data/sample.jsonl';
my $b = "$tmp/b.jsonl";
open my $f, '>', $b or die;
for my $i (1 .. 40) {
    print $f encode_json({ id => "b-$i", title => "Ressource B $i",
        type => 'Autres', date => sprintf('2024-%02d', 1 + $i % 12),
        keywords => ['QPV'] }), "\n";
}
close $f;

sub version_of {
    my ($file) = @_;
    # the version a public location shows: that of the public records
    my ($v) = `$loader -n $file` =~ /public version ([0-9a-f]{16})/;
    die "no version for $file" unless $v;
    return $v;
}

my %total = (version_of($a) => 6, version_of($b) => 40);
my ($va, $vb) = (version_of($a), version_of($b));

my $pid = start_nginx(
    workers => 2,
    config => <<"_EOC_",
    location /resources {
        resources_db html/catalogue.mdb;
        resources_check_interval 200ms;
        resources;
    }
_EOC_
);

my $db = html_dir() . '/catalogue.mdb';

# --force: the two catalogues have no id in common (a load that removes
# more than a quarter of the published resources is refused without it)
sub publish {
    my ($file, $out) = @_;
    system($loader, '-q', '--force', '-o', $out // $db, $file) == 0
        or die "loader failed on $file";
}

# --- no snapshot, then one

my ($status, $h, $body) = http_request('/resources');
is $status, 503, 'no snapshot yet: 503';
is $h->{'retry-after'}, '5', 'with Retry-After';

publish($a);
sleep $interval * 2 + 0.1;

my $ok = 0;
for (1 .. 10) {
    ($status, $h, $body) = http_request('/resources?limit=0');
    $ok++ if $status == 200 && $h->{etag} eq qq{"$va"};
}
is $ok, 10, 'once published, it is served without a reload (both workers)';

my $log = error_log_text();
my $said = () = $log =~ /resources: cannot stat/g;
ok $said >= 1 && $said <= 2, "the missing file was logged once per worker ($said)";

# --- swaps under requests

my $swaps = 60;
my $swapper = fork // die;
if ($swapper == 0) {
    for my $i (1 .. $swaps) {
        publish($i % 2 ? $b : $a);
        sleep 0.03;
    }
    POSIX::_exit(0);
}

my ($requests, $failed, $mixed, %seen) = (0, 0, 0);
my $start = time;
while (waitpid($swapper, POSIX::WNOHANG()) == 0 && time - $start < 60) {
    for my $uri ('/resources?limit=0', '/resources/_meta') {
        my ($st, $hd, $bd, $err) = http_request($uri);
        $requests++;
        if (!defined $st || $st != 200) {
            $failed++;
            diag "failed: " . ($st // 'none') . ' ' . ($err // '');
            next;
        }
        my ($v) = ($hd->{etag} // '') =~ /^"([0-9a-f]{16})"$/;
        my $j = eval { decode_json($bd) };
        $seen{$v // 'none'}++;
        if (!$v || !$j || !exists $total{$v}
            || $j->{total} != $total{$v}
            || ($uri =~ /_meta/ && $j->{version} ne $v))
        {
            $mixed++;
            diag "mixed: etag $hd->{etag} body $bd";
        }
    }
}
is $?, 0, "the loader published $swaps times";
is $failed, 0, "no failed request ($requests requests during $swaps swaps)";
is $mixed, 0, 'every answer agrees with its ETag';
ok keys %seen >= 2, 'both catalogues were served: '
    . join ', ', map { "$_ x$seen{$_}" } sort keys %seen;

# the last swap published $a ($swaps is even): all workers on it soon
sleep $interval * 2 + 0.2;
$ok = 0;
for (1 .. 20) {
    ($status, $h) = http_request('/resources?limit=0');
    $ok++ if $status == 200 && $h->{etag} eq qq{"$va"};
}
is $ok, 20, 'every worker serves the newest version after the interval';

# no old snapshot left mapped or open in any worker
my @workers = split ' ', `pgrep -P $pid`;
is scalar @workers, 2, 'two workers';
for my $w (@workers) {
    my @maps = grep { /catalogue\.mdb/ } do {
        open my $m, '<', "/proc/$w/maps" or die "maps of $w: $!"; <$m>
    };
    is scalar(grep { /\(deleted\)/ } @maps), 0, "worker $w maps no deleted snapshot";
    my %inodes = map { (split ' ')[4] => 1 } @maps;
    is scalar(keys %inodes), 1, "worker $w maps one snapshot";
    my @fds = grep { (readlink($_) // '') =~ /catalogue\.mdb/ } glob "/proc/$w/fd/*";
    is scalar @fds, 1, "worker $w holds one file descriptor on it";
}

# --- broken files renamed into place: refused, the old one kept

sub install {
    my ($bytes, $mode) = @_;
    my $t = "$db.broken";
    open my $o, '>:raw', $t or die; print $o $bytes; close $o;
    chmod $mode // 0644, $t;
    rename $t, $db or die "rename: $!";
}

sub slurp_raw { open my $i, '<:raw', $_[0] or die; local $/; return <$i> }

publish($b, "$tmp/good-b.mdb");
my $good_b = slurp_raw("$tmp/good-b.mdb");

(my $schema99 = $good_b) =~ s/1CSR\x02\x00\x00\x00/1CSR\x63\x00\x00\x00/;

my @broken = (
    [ 'unknown schema version', $schema99,                            qr/cannot open .*catalogue\.mdb": unknown schema version 99/ ],
    [ 'zero-length file',      '',                                   qr/cannot open .*catalogue\.mdb/ ],
    [ 'garbage',               'x' x 8192,                           qr/cannot open .*catalogue\.mdb": not an LMDB file/ ],
    [ 'truncated snapshot',    substr($good_b, 0, length($good_b) / 2), qr/cannot open .*catalogue\.mdb": truncated/ ],
);
for my $case (@broken) {
    my ($name, $bytes, $re) = @$case;
    install($bytes);
    sleep $interval * 2 + 0.1;
    $ok = 0;
    for (1 .. 10) {
        ($status, $h) = http_request('/resources?limit=0');
        $ok++ if $status == 200 && $h->{etag} eq qq{"$va"};
    }
    is $ok, 10, "$name: the previous catalogue is still served";
    like error_log_text(), $re, "$name: the log says why";
}

my $count = () = error_log_text() =~ /truncated/g;
ok $count >= 1 && $count <= 2, "said once per worker, not at every check ($count)";

# an unreadable file (workers run as nobody when the tests run as root)
SKIP: {
    skip 'not root: workers run as this user', 2 if $> != 0;
    install($good_b, 0600);
    sleep $interval * 2 + 0.1;
    ($status, $h) = http_request('/resources?limit=0');
    is $h->{etag}, qq{"$va"}, 'unreadable: the previous catalogue is still served';
    like error_log_text(), qr/cannot open .*catalogue\.mdb": Permission denied/,
        'unreadable: the log says why';
}

# a good one is picked up again
publish($b);
sleep $interval * 2 + 0.1;
$ok = 0;
for (1 .. 10) {
    ($status, $h) = http_request('/resources?limit=0');
    $ok++ if $status == 200 && $h->{etag} eq qq{"$vb"};
}
is $ok, 10, 'a good snapshot after the broken ones is served';

unlike error_log_text(), qr/\[(alert|crit|emerg)\]/, 'no alert, crit or emerg';
unlike error_log_text(), qr/exited on signal/, 'no worker died';

stop_nginx();
