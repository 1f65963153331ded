# resources_status: with 2 workers, requests of known routes and statuses
# give exactly those counts in the summed counters; the histogram agrees
# with them; lists that found nothing are counted and their q shows in the
# JSON top list; each worker's snapshot, swaps, refused files and a worker
# left on an old file show; the Prometheus text parses strictly; a private
# location's status shows nothing more than a public one's, and nothing of
# the private records.

use strict;
use warnings;

use lib 't/lib';
use Resources::TestNginx;
use JSON::PP;
use File::Temp qw(tempdir);
use Time::HiRes qw(sleep);

plan 'no_plan';

my $loader = $ENV{TEST_RESOURCES_LOADER} || 'build/resources-load';
my $tmp = tempdir(CLEANUP => 1);

# a third of the resources private, with words and a keyword of their own
my $cat = "$tmp/cat.jsonl";
open my $f, '>', $cat or die;
for my $i (1 .. 9) {
    my $p = $i % 3 == 0;
    print $f encode_json({
        id => $p ? "secret-$i" : "public-$i",
        title => $p ? "Zorglub confidentiel $i" : "Ressource ouverte $i",
        type => 'Autres', private => $p ? JSON::PP::true : JSON::PP::false,
        date => sprintf('2023-%02d', $i),
        keywords => $p ? ['Xylophage'] : ['QPV'],
        summary => $p ? 'Le plan Zorglub.' : 'Un texte public.',
    }), "\n";
}
close $f;

my ($public_version) = `$loader -n $cat` =~ /public version ([0-9a-f]{16})/;
ok $public_version, "the loader names the public version ($public_version)";

my $html = html_dir();

my $pid = start_nginx(
    workers => 2,
    config => <<"_EOC_",
    add_header X-Pid \$pid always;
    resources_db html/catalogue.mdb;
    resources_check_interval 200ms;

    location /resources {
        resources_cors *;
        resources;
    }
    location /quiet {
        resources_status_searches off;
        resources;
    }
    location /private {
        resources_private on;
        resources;
    }
    location /weird {
        resources_db 'html/we"ird.mdb';
        resources;
    }
    location = /status {
        resources_status;
    }
    location = /status-nosearches {
        resources_status_searches off;
        resources_status;
    }
    location = /private/status {
        resources_private on;
        resources_status;
    }
_EOC_
);

# before any catalogue: the status answers, with no snapshot and both workers
# (each shows once it has started)
my ($status, $h, $body);
for (1 .. 50) {
    ($status, $h, $body) = http_request('/status');
    my $n = () = $body =~ /^resources_worker_snapshot_stale\{db="[^"]*catalogue/mg;
    last if $n == 2;
    sleep 0.1;
}
is $status, 200, 'the status answers before any catalogue';
like $h->{'content-type'}, qr{^text/plain; version=0\.0\.4}, 'Prometheus text';
my @w = $body =~ /^resources_worker_snapshot_stale\{db="[^"]*catalogue\.mdb",worker="\d"\} 1$/mg;
is scalar @w, 2, "both workers show, stale: they serve no file" or diag $body;
unlike $body, qr/^resources_snapshot_info/m, 'no snapshot info without a snapshot';

system($loader, '-q', '-o', "$html/catalogue.mdb", $cat) == 0 or die;
sleep 0.6;

# --- a strict reading of the text format

sub parse_prometheus {
    my ($text) = @_;
    my (%help, %type, %samples, @errors);
    my $n = 0;
    for my $line (split /\n/, $text) {
        $n++;
        if ($line =~ /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/) {
            push @errors, "line $n: a second HELP for $1" if $help{$1}++;
            next;
        }
        if ($line =~ /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/) {
            push @errors, "line $n: TYPE for $1 after its samples" if $samples{$1};
            $type{$1} = $2;
            next;
        }
        if ($line =~ /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+]+|\+Inf|NaN)$/) {
            my ($name, $labels, $value) = ($1, $2 // '', $3);
            my %l;
            while ($labels =~ /\G([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)",?/gc) {
                push @errors, "line $n: label $1 twice" if exists $l{$1};
                $l{$1} = $2;
            }
            push @errors, "line $n: bad labels: $labels"
                if (pos($labels) // 0) != length $labels;
            my $family = $name;
            $family =~ s/_(?:bucket|sum|count)$// unless $type{$name};
            push @errors, "line $n: $name has no TYPE" unless $type{$family};
            push @errors, "line $n: $name has no HELP" unless $help{$family};
            $samples{$family}++;
            push @{ $samples{list} }, [$name, \%l, $value];
            next;
        }
        push @errors, "line $n: not the text format: $line";
    }
    return ($samples{list} // [], \@errors, \%type);
}

sub status {
    my ($path) = @_;
    my ($s, $hd, $b) = http_request($path // '/status');
    die "status: $s" unless $s == 200;
    my ($list, $errors, $types) = parse_prometheus($b);
    return ($list, $errors, $types, $b);
}

sub value {
    my ($list, $name, %want) = @_;
    my $sum;
    S: for my $s (@$list) {
        next unless $s->[0] eq $name;
        for (keys %want) {
            next S unless defined $s->[1]{$_} && $s->[1]{$_} eq $want{$_};
        }
        $sum += $s->[2];
    }
    return $sum;
}

# --- known routes and statuses, over both workers

my @requests = (
    ['/resources', 200, 'list', 40],
    ['/resources?kw=QPV&limit=2', 200, 'list', 10],
    ['/resources?limit=abc', 400, 'list', 7],
    ['/resources/public-1', 200, 'lookup', 9],
    ['/resources/nope', 404, 'lookup', 5],
    ['/resources/_meta', 200, 'meta', 4],
    ['/resources/_keywords', 200, 'keywords', 6],
    ['/resources/_types', 200, 'types', 3],
    ['/resources/_feed', 200, 'feed', 8],
    ['/resources?q=introuvable', 200, 'list', 3],
    ['/resources?q=%C3%89conomie+perdue', 200, 'list', 2],
    ['/resources?kw=inconnu', 200, 'list', 1],
    ['/resources?series=inconnue', 200, 'list', 2],
    ['/quiet?q=silence', 200, 'list', 2],
);

my (%want, %pids);
for my $r (@requests) {
    my ($path, $code, $route, $times) = @$r;
    for (1 .. $times) {
        my ($s, $hd) = http_request($path);
        is $s, $code, "$path: $code" if $_ == 1;
        $pids{ $hd->{'x-pid'} }++ if $hd->{'x-pid'};
        $want{$route}{$code}++;
    }
}

# a 304, a preflight, a method not allowed (through the same connection
# path as a client's)
my (undef, $hd) = http_request('/resources');
$want{list}{200}++;
$pids{ $hd->{'x-pid'} }++;
for (1 .. 4) {
    my ($s) = http_request('/resources', headers => { 'If-None-Match' => $hd->{etag} });
    is $s, 304, 'If-None-Match: 304' if $_ == 1;
    $want{list}{304}++;
}
for (1 .. 3) {
    my ($s) = http_request("OPTIONS /resources HTTP/1.1\r\nHost: localhost\r\n"
        . "Origin: https://example.org\r\nAccess-Control-Request-Method: GET\r\n"
        . "Connection: close\r\n\r\n", raw => 1);
    is $s, 204, 'a preflight: 204' if $_ == 1;
    $want{preflight}{204}++;
}
for (1 .. 2) {
    my ($s) = http_request("DELETE /resources HTTP/1.1\r\nHost: localhost\r\n"
        . "Connection: close\r\n\r\n", raw => 1);
    is $s, 405, 'DELETE: 405' if $_ == 1;
    $want{other}{405}++;
}

# until both workers answered: counts are summed over workers
my $more = 0;
while (keys %pids < 2 && $more < 400) {
    my (undef, $hx) = http_request('/resources/_meta');
    $pids{ $hx->{'x-pid'} }++;
    $want{meta}{200}++;
    $more++;
}
is scalar keys %pids, 2, 'both workers answered some of the requests';

my ($list, $errors, $types, $text) = status();
is_deeply $errors, [], 'the Prometheus text parses strictly' or diag(Test::More::explain($errors));
is $types->{resources_requests_total}, 'counter', 'requests: a counter';
is $types->{resources_request_duration_seconds}, 'histogram', 'duration: a histogram';

my %got;
for my $s (@$list) {
    next unless $s->[0] eq 'resources_requests_total';
    $got{ $s->[1]{route} }{ $s->[1]{status} } = $s->[2];
}
is_deeply \%got, \%want, 'every request counted once, by route and status, summed over workers'
    or diag(Test::More::explain([\%got, \%want]));

for my $route (sort keys %want) {
    my $n = 0;
    $n += $_ for values %{ $want{$route} };
    my @b = map { [$_->[1]{le}, $_->[2]] }
        grep { $_->[0] eq 'resources_request_duration_seconds_bucket' && $_->[1]{route} eq $route } @$list;
    is value($list, 'resources_request_duration_seconds_count', route => $route), $n,
        "$route: the histogram's count is its requests";
    is $b[-1][0], '+Inf', "$route: the last bucket is +Inf";
    is $b[-1][1], $n, "$route: +Inf holds them all";
    my $sorted = 1;
    $b[$_][1] >= $b[$_ - 1][1] or $sorted = 0 for 1 .. $#b;
    ok $sorted, "$route: the buckets are cumulative";
    ok value($list, 'resources_request_duration_seconds_sum', route => $route) > 0,
        "$route: a sum of seconds";
}

is value($list, 'resources_zero_results_total'), 3 + 2 + 1 + 2 + 2,
    'lists that found nothing with q or a filter (and only those)';

# --- the snapshot, as a public location sees it

my $db = "$html/catalogue.mdb";
is value($list, 'resources_snapshot_info', db => $db, version => $public_version), 1,
    'the public version is served';
is value($list, 'resources_snapshot_resources', db => $db), 6, 'public resources: 6';
my $age = value($list, 'resources_snapshot_age_seconds', db => $db);
ok defined $age && $age >= 0 && $age < 600, "an age in seconds ($age)";
is value($list, 'resources_snapshot_swaps_total', db => $db), 0, 'no swap yet (a first open is not one)';
is value($list, 'resources_snapshot_refused_total', db => $db), 0, 'nothing refused';

my %wpid = map { $_->[1]{pid} => $_->[1]{version} }
    grep { $_->[0] eq 'resources_worker_snapshot_info' && $_->[1]{db} eq $db } @$list;
is_deeply [sort keys %wpid], [sort keys %pids], 'a line per worker, with its pid';
is_deeply [values %wpid], [$public_version, $public_version], 'each on the public version';
is value($list, 'resources_worker_snapshot_stale', db => $db), 0, 'no worker stale';

# the db whose path has a quote: escaped in the label
like $text, qr/^resources_snapshot_swaps_total\{db="[^"]*we\\"ird\.mdb"\} 0$/m,
    'a quote in a path is escaped in the label';

# --- JSON

($status, $h, $body) = http_request('/status?format=json');
is $status, 200, 'format=json';
like $h->{'content-type'}, qr{^application/json}, 'JSON';
my $j = decode_json($body);
is_deeply $j->{requests}, \%want, 'the same counts in JSON';
is $j->{zero_results}, 10, 'zero results in JSON';
my ($snap) = grep { $_->{db} eq $db } @{ $j->{snapshots} };
is $snap->{version}, $public_version, 'JSON: the public version';
is $snap->{resources}, 6, 'JSON: the public resources';
is scalar @{ $snap->{workers} }, 2, 'JSON: both workers';
is_deeply [map { $_->{stale} ? 1 : 0 } @{ $snap->{workers} }], [0, 0], 'JSON: none stale';
my %top = map { $_->{q} => $_->{count} } @{ $j->{searches}{without_results} };
is_deeply \%top, { introuvable => 3, "\x{c9}conomie perdue" => 2 },
    'the searches that found nothing, with their counts (not kw alone, not'
    . ' from a location with resources_status_searches off)'
    or diag(Test::More::explain(\%top));
is $j->{searches}{without_results}[0]{q}, 'introuvable', 'most counted first';

($status, $h, $body) = http_request('/status-nosearches?format=json');
ok !exists decode_json($body)->{searches}, 'resources_status_searches off: no searches shown';

($status, $h, $body) = http_request('/status?format=xml');
is $status, 400, 'an unknown format: 400';
like $body, qr/"format: \\"json\\" or \\"prometheus\\""/, 'that says which';

($status) = http_request("POST /status HTTP/1.1\r\nHost: localhost\r\n"
    . "Content-Length: 0\r\nConnection: close\r\n\r\n", raw => 1);
is $status, 405, 'POST: 405';

# --- a private location's status shows no more than a public one's

for my $q (qw(zorglub xylophage)) {
    http_request("/private?q=$q");
    http_request("/resources?q=ouverte+$q");
}
http_request('/private?q=rechercheinterne');
my ($pub) = (http_request('/status'))[2];
my ($prv) = (http_request('/private/status'))[2];
s/^resources_snapshot_age_seconds.*$//m for $pub, $prv;
is $prv, $pub, 'a private location\'s status is the public one\'s';
unlike $pub, qr/secret|[zZ]orglub|[xX]ylophage|confidentiel/,
    'nothing of the private records (ids, words, keywords)';
($pub) = (http_request('/status?format=json'))[2];
($prv) = (http_request('/private/status?format=json'))[2];
s/"age_seconds":\d+,// for $pub, $prv;
is $prv, $pub, 'the same in JSON';
my @q = map { $_->{q} } @{ decode_json($pub)->{searches}{without_results} };
ok((grep { $_ eq 'ouverte zorglub' } @q) && !(grep { /^(?:zorglub|xylophage)$/ } @q),
    'a private location\'s search that found something is not listed');
ok(!(grep { $_ eq 'rechercheinterne' } @q),
    'nor one that found nothing: staff\'s searches are not counted by default');

# --- more distinct searches than the counters: the frequent one stays

for my $i (1 .. 300) {
    http_request("/resources?q=rare$i");
    http_request('/resources?q=frequente') if $i % 30 == 0;
}
$j = decode_json((http_request('/status?format=json'))[2]);
my $top = $j->{searches}{without_results};
is scalar @$top, 50, 'fifty searches shown';
is $j->{searches}{capacity}, 256, 'out of 256 counted';
is $j->{searches}{counted}, 3 + 2 + 2 + 300 + 10, 'every search that found nothing counted';
my ($freq) = grep { $_->{q} eq 'frequente' } @$top;
ok $freq && $freq->{count} >= 10 && $freq->{count} - $freq->{error} <= 10,
    'a search more frequent than 1/256 of them stays, its count at most error too high'
    or diag(Test::More::explain($freq));
my $desc = 1;
$top->[$_]{count} <= $top->[$_ - 1]{count} or $desc = 0 for 1 .. $#$top;
ok $desc, 'most counted first';

# --- a swap, then a broken file: refused, the workers stay on the old one

my $cat2 = "$tmp/cat2.jsonl";
system("head -n 8 $cat > $cat2") == 0 or die;
my ($v2) = `$loader -n $cat2` =~ /public version ([0-9a-f]{16})/;
system($loader, '-q', '-o', $db, $cat2) == 0 or die;
sleep 0.8;
($list, $errors) = status();
is_deeply $errors, [], "still parses" or diag(Test::More::explain($errors));
is value($list, 'resources_snapshot_swaps_total', db => $db), 2, 'each worker swapped once';
is value($list, 'resources_snapshot_info', db => $db, version => $v2), 1, 'the new version';
is scalar(grep { $_->[0] eq 'resources_worker_snapshot_info' && $_->[1]{version} eq $v2 } @$list), 2,
    'both workers on it';

open my $g, '>', "$html/broken.mdb" or die;
print $g "not a snapshot\n" x 100;
close $g;
rename "$html/broken.mdb", $db or die;
sleep 0.8;
($list, $errors) = status();
is value($list, 'resources_snapshot_refused_total', db => $db), 2, 'each worker refused the broken file once';
is value($list, 'resources_worker_snapshot_stale', db => $db), 2,
    'both workers show stale: they serve another file than the one at the path';
is value($list, 'resources_snapshot_info', db => $db, version => $v2), 1,
    'and still serve the last good one';
like error_log_text(), qr/resources: cannot open ".*catalogue\.mdb": .*still serving/,
    'the error log says why';

# counters survive a reload
my $before = value($list, 'resources_requests_total');
system($loader, '-q', '--force', '-o', $db, $cat2) == 0 or die;
kill 'HUP', nginx_pid();
sleep 1.5;
($list, $errors) = status();
is value($list, 'resources_requests_total'), $before, 'a reload keeps the counters';
is value($list, 'resources_worker_snapshot_stale', db => $db), 0, 'the new workers serve the file'
    or diag(Test::More::explain($list));
is scalar(grep { $_->[0] eq 'resources_worker_snapshot_info' && $_->[1]{db} eq $db } @$list), 2,
    'two workers, not four, after the reload';

unlike error_log_text(), qr/\[(?:alert|crit|emerg)\]/, 'no alert in the error log';

stop_nginx();
