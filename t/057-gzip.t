# Compressed answers (issue #26): resources_gzip answers lists as gzip
# streams made of the loader's pieces.  Every compressed answer inflates
# to the identity answer byte for byte (a few hundred random queries, and
# gzip -t); the headers are nginx's (Content-Encoding, Vary with
# gzip_vary, a weak ETag, 304 on either ETag); nginx's own tests decide
# (HTTP/1.0, gzip_proxied, q=0); nginx's gzip filter does not compress
# again; a snapshot without pieces answers identity; a run of more than a
# stored block (64 KiB of facets) is split; the public location's ETag
# stays the public one.

use strict;
use warnings;

use lib 't/lib';
use Resources::TestNginx;
use JSON::PP;
use File::Temp qw(tempdir);
use IO::Uncompress::Gunzip qw(gunzip $GunzipError);

plan 'no_plan';

my $loader = $ENV{TEST_RESOURCES_LOADER} || 'build/resources-load';
my $tmp = tempdir(CLEANUP => 1);

# a catalogue of 300 records: French words, keywords, types, series, some
# private, some with markup and quotes
srand(26);
my @words = qw(economie solidaire sociale territoire collectivite tiers-lieux
    insertion commande publique circuits courts alimentation durable monnaie
    locale cooperation scic ptce quartier politique ville emploi jeunesse
    culture mobilite energie habitat sante hopital numerique formation);
my @kws = ('QPV', 'tiers-lieux', 'PTCE', 'SCIC', 'circuits courts',
           'commande publique', 'Économie <sociale> & "solidaire"', 'emploi',
           'culture', 'mobilité');
my @types = ('Ressources RTES', 'Autres', 'Guides', 'Webinaires');
sub pick { $_[int rand @_] }
sub sentence { join ' ', map { pick(@words) } 1 .. $_[0] }

my @recs;
for my $i (1 .. 300) {
    my %k;
    $k{ pick(@kws) } = 1 for 1 .. 1 + int rand 4;
    push @recs, {
        id => "r-$i",
        title => ucfirst(sentence(3 + int rand 8)) . ($i % 17 ? '' : ' <b>&</b>'),
        type => pick(@types),
        date => sprintf('%04d-%02d', 2015 + int rand 11, 1 + int rand 12),
        keywords => [ sort keys %k ],
        summary => sentence(20 + int rand 50),
        body => sentence(100 + int rand 200),
        ($i % 10 == 0 ? (private => JSON::PP::true) : ()),
        ($i % 7 == 0 ? (series => 'Déniché pour vous', number => $i) : ()),
    };
}

my $cat = "$tmp/cat.jsonl";
open my $f, '>', $cat or die;
print $f JSON::PP->new->utf8->canonical->encode($_), "\n" for @recs;
close $f;

# facets of more than 64 KiB: 100 keywords and 100 types whose spelling
# is mostly quotes (escaped in JSON, dropped when folded)
my $big = "$tmp/big.jsonl";
open $f, '>', $big or die;
for my $i (1 .. 100) {
    my $q = '"' x 150;
    print $f JSON::PP->new->utf8->canonical->encode({
        id => "b-$i", title => "Titre $i", date => '2020-01',
        type => sprintf('t%03d%s%s', $i, $q, 'x' x 40),
        keywords => [ sprintf('k%03d%s%s', $i, $q, 'y' x 40) ],
        summary => sentence(10) }), "\n";
}
close $f;

my $html = html_dir();

start_nginx(
    workers => 1,
    config => <<"_EOC_",
    resources_db html/catalogue.mdb;
    gzip_vary on;

    location /resources {
        resources_gzip on;
        resources;
    }
    location /staff {
        resources_private on;
        resources_gzip on;
        resources;
    }
    location /identity {
        resources;
    }
    location /filtered {
        resources_gzip on;
        gzip on;
        gzip_min_length 1;
        gzip_types application/json;
        resources;
    }
    location /filter-only {
        gzip on;
        gzip_min_length 1;
        gzip_types application/json;
        resources;
    }
    location /proxied-any {
        gzip_proxied any;
        resources_gzip on;
        resources;
    }
    location /proxied-no-etag {
        gzip_proxied no_etag;
        resources_gzip on;
        resources;
    }
    location /novary {
        gzip_vary off;
        resources_gzip on;
        resources;
    }
    location /nopieces {
        resources_db html/nopieces.mdb;
        resources_gzip on;
        resources;
    }
    location /big {
        resources_db html/big.mdb;
        resources_gzip on;
        resources;
    }
_EOC_
);

system($loader, '-q', '-o', "$html/catalogue.mdb", $cat) == 0 or die;
system($loader, '-q', '--no-gzip', '-o', "$html/nopieces.mdb", $cat) == 0
    or die;
system($loader, '-q', '-o', "$html/big.mdb", $big) == 0 or die;

sleep 1.2;

my $GZ = { 'Accept-Encoding' => 'gzip, deflate, br' };

sub inflate {
    my ($z) = @_;
    my $out;
    gunzip(\$z => \$out) or return undef;
    return $out;
}

sub gzip_t {
    my ($z) = @_;
    my $file = "$tmp/answer.gz";
    open my $o, '>:raw', $file or die;
    print $o $z;
    close $o;
    return system('gzip', '-t', $file) == 0;
}

# --- one answer, compressed and not

my ($s, $h, $b) = http_request('/resources?kw=QPV&limit=20', headers => $GZ);
is $s, 200, 'compressed: 200';
is $h->{'content-encoding'}, 'gzip', 'Content-Encoding: gzip';
is $h->{vary}, 'Accept-Encoding', 'Vary: Accept-Encoding (gzip_vary on)';
is $h->{'content-length'}, length $b, 'Content-Length: the compressed bytes';
like $h->{'content-type'}, qr{^application/json; charset=utf-8}, 'JSON';
like $h->{etag}, qr{^W/"[0-9a-f]{16}"$}, 'a weak ETag';
ok gzip_t($b), 'gzip -t accepts it';

my ($si, $hi, $bi) = http_request('/resources?kw=QPV&limit=20');
is $si, 200, 'identity: 200';
ok !defined $hi->{'content-encoding'}, 'no Content-Encoding without'
    . ' Accept-Encoding';
is $hi->{vary}, 'Accept-Encoding', 'Vary on the identity answer too';
like $hi->{etag}, qr{^"[0-9a-f]{16}"$}, 'a strong ETag';
is $h->{etag}, "W/$hi->{etag}", 'the same version, weakened';
is inflate($b), $bi, 'it inflates to the identity answer';
ok length($b) < length($bi) * 0.7, 'and is smaller ('
    . length($b) . ' < ' . length($bi) . ')';
is $h->{link}, $hi->{link}, 'the same Link header';

# --- a few hundred random queries, compared byte for byte

my @params = (
    sub { 'kw=' . uri(pick(@kws)) },
    sub { 'type=' . uri(pick(@types)) },
    sub { 'q=' . uri(sentence(1 + int rand 2)) },
    sub { 'q=' . uri(substr(pick(@words), 0, 4)) },
    sub { 'facets=' . pick('kw', 'type', 'year', 'kw,type,year') },
    sub { 'sort=' . pick('newest', 'oldest', 'title', 'updated') },
    sub { 'limit=' . pick(0, 1, 5, 20, 50, 100) },
    sub { 'offset=' . pick(0, 3, 20, 290, 1000) },
    sub { 'year=' . (2015 + int rand 11) },
    sub { 'series=' . uri('Déniché pour vous') },
    sub { 'facet_limit=' . (1 + int rand 20) },
);

sub uri {
    my ($v) = @_;
    utf8::encode($v) if utf8::is_utf8($v);
    $v =~ s/([^A-Za-z0-9_.~-])/sprintf('%%%02X', ord $1)/ge;
    return $v;
}

my ($same, $differ, $bad, $nocomp, $smaller, $large, $large_smaller)
    = (0, 0, 0, 0, 0, 0, 0);
for my $n (1 .. 300) {
    my %seen;
    my @q = grep { my ($k) = /^([^=]+)/; !$seen{$k}++ }
            map { pick(@params)->() } 1 .. 1 + int rand 4;
    my $loc = pick('/resources', '/staff');
    my $url = "$loc?" . join '&', @q;
    my ($s1, $h1, $b1) = http_request($url);
    my ($s2, $h2, $b2) = http_request($url, headers => $GZ);
    if ($s1 != $s2) {
        $bad++;
        diag "$url: $s1 and $s2";
        next;
    }
    if ($s1 != 200 || $b1 =~ /"items":\[\]/) {
        # errors and pages without records: identity
        if (defined $h2->{'content-encoding'} || $b2 ne $b1) {
            $bad++;
            diag "$url: compressed, or not the identity answer";
        }
        $nocomp++;
        next;
    }
    if (($h2->{'content-encoding'} // '') ne 'gzip') {
        $bad++;
        diag "$url: not compressed";
        next;
    }
    my $i = inflate($b2);
    if (defined $i && $i eq $b1 && $h2->{'content-length'} == length $b2) {
        $same++;
    } else {
        $differ++;
        diag "$url: differs";
    }
    $smaller++ if length($b2) < length($b1);
    $large++ if length($b1) >= 2000;
    $large_smaller++ if length($b1) >= 2000
                      && length($b2) < length($b1) * 0.7;
}
is $bad, 0, 'random queries: same status, compressed when 200 with'
    . ' records, identity otherwise';
ok $nocomp > 0, "random queries: $nocomp errors or empty pages, identity";
is $differ, 0, 'random queries: no compressed answer differs';
ok $same >= 150, "random queries: $same inflate to the identity answer";
ok $large >= 50 && $large_smaller == $large, "the $large of 2 KB or more"
    . " are less than 70% of their size ($smaller of $same smaller in all)";

# --- gzip -t on a few

my $ok = 0;
for my $url ('/resources?limit=100&facets=kw,type,year',
             '/resources?limit=1', '/staff?q=economie&facets=kw',
             '/resources?offset=250&limit=100') {
    my ($s1, $h1, $b1) = http_request($url, headers => $GZ);
    $ok++ if $s1 == 200 && gzip_t($b1)
             && ($h1->{'content-encoding'} // '') eq 'gzip';
}
is $ok, 4, 'gzip -t accepts one record, a hundred, facets, the last page';

# --- pages without records stay identity (but vary)

for my $url ('/resources?limit=0&facets=kw', '/resources?kw=nothing-at-all',
             '/resources?offset=5000') {
    my ($s1, $h1, $b1) = http_request($url, headers => $GZ);
    my ($s2, $h2, $b2) = http_request($url);
    ok $s1 == 200 && !defined $h1->{'content-encoding'} && $b1 eq $b2
       && ($h1->{vary} // '') eq 'Accept-Encoding',
       "$url: no record, identity, Vary";
}

# --- 304 on either ETag, with or without Accept-Encoding

my $weak = $h->{etag};
my $strong = $hi->{etag};
for my $c ([$weak, $GZ, 'weak ETag, compressed'],
           [$strong, $GZ, 'strong ETag, compressed'],
           [$weak, {}, 'weak ETag, identity'],
           [$strong, {}, 'strong ETag, identity']) {
    my ($s1) = http_request('/resources?kw=QPV',
                            headers => { %{ $c->[1] },
                                         'If-None-Match' => $c->[0] });
    is $s1, 304, "304: $c->[2]";
}

# --- HEAD: the compressed answer's headers, no body

($s, $h, $b) = http_request('HEAD /resources?kw=QPV&limit=20 HTTP/1.1',
                            headers => $GZ);
is $s, 200, 'HEAD: 200';
is $h->{'content-encoding'}, 'gzip', 'HEAD: Content-Encoding';
my ($s2, $h2, $b2) = http_request('/resources?kw=QPV&limit=20', headers => $GZ);
is $h->{'content-length'}, length $b2, 'HEAD: the GET\'s Content-Length';
is $b, '', 'HEAD: no body';

# --- Range: byte ranges of the compressed stream, as gzip_static gives of
# its file (one range); identity lists are not ranged

for my $url ('/resources?kw=QPV', '/resources?limit=100&facets=kw,type') {
    my ($s0, $h0, $whole) = http_request($url, headers => $GZ);
    my $len = length $whole;
    my ($s1, $h1, $p1) = http_request($url,
                                      headers => { %$GZ, Range => 'bytes=0-99' });
    my ($s2, $h2, $p2) = http_request($url,
                                      headers => { %$GZ, Range => 'bytes=100-' });
    is "$s1 $s2", '206 206', "$url: Range: 206";
    is $h1->{'content-range'}, "bytes 0-99/$len", "$url: Content-Range";
    is $p1 . $p2, $whole, "$url: two ranges make the stream";
}
($s, $h, $b) = http_request('/resources?kw=QPV',
                            headers => { %$GZ, Range => 'bytes=0-9,20-29' });
is $s, 200, 'Range: two ranges: the whole 200 (one range only)';
($s, $h, $b) = http_request('/resources?kw=QPV',
                            headers => { Range => 'bytes=0-9' });
is $s, 200, 'Range: an identity list: the whole 200';
is $b, http_request_body('/resources?kw=QPV'), 'Range: the whole';

sub http_request_body { my @r = http_request($_[0]); return $r[2] }

# --- nginx's own tests decide

($s, $h) = http_request('GET /resources?kw=QPV HTTP/1.0', headers => $GZ);
ok !defined $h->{'content-encoding'}, 'HTTP/1.0: identity (gzip_http_version)';
($s, $h) = http_request('/resources?kw=QPV',
                        headers => { %$GZ, Via => '1.1 proxy' });
ok !defined $h->{'content-encoding'}, 'a proxied request: identity'
    . ' (gzip_proxied off)';
($s, $h) = http_request('/proxied-any?kw=QPV',
                        headers => { %$GZ, Via => '1.1 proxy' });
is $h->{'content-encoding'}, 'gzip', 'a proxied request: gzip'
    . ' (gzip_proxied any)';
($s, $h) = http_request('/proxied-no-etag?kw=QPV',
                        headers => { %$GZ, Via => '1.1 proxy' });
ok !defined $h->{'content-encoding'}, 'a proxied request: identity'
    . ' (gzip_proxied no_etag: the answer has an ETag)';
($s, $h) = http_request('/proxied-no-etag?kw=QPV', headers => $GZ);
is $h->{'content-encoding'}, 'gzip', 'not proxied: gzip (gzip_proxied'
    . ' no_etag)';
($s, $h) = http_request('/resources?kw=QPV',
                        headers => { 'Accept-Encoding' => 'gzip;q=0' });
ok !defined $h->{'content-encoding'}, 'gzip;q=0: identity';
($s, $h) = http_request('/resources?kw=QPV',
                        headers => { 'Accept-Encoding' => 'br, deflate' });
ok !defined $h->{'content-encoding'}, 'no gzip accepted: identity';
($s, $h) = http_request('/resources?kw=QPV',
                        headers => { 'Accept-Encoding' => 'x-gzip' });
ok !defined $h->{'content-encoding'}, 'x-gzip alone: identity, as nginx';

# --- gzip_vary off: no Vary, as gzip_static

($s, $h, $b) = http_request('/novary?kw=QPV', headers => $GZ);
is $h->{'content-encoding'}, 'gzip', 'gzip_vary off: still compressed';
ok !defined $h->{vary}, 'gzip_vary off: no Vary';

# --- the location without resources_gzip: identity, no Vary

($s, $h, $b) = http_request('/identity?kw=QPV', headers => $GZ);
ok !defined $h->{'content-encoding'}, 'resources_gzip off: identity';
ok !defined $h->{vary}, 'resources_gzip off: no Vary';
like $h->{etag}, qr{^"}, 'resources_gzip off: the strong ETag';

# --- with nginx's gzip filter on as well: not compressed twice

($s, $h, $b) = http_request('/filtered?kw=QPV&limit=20', headers => $GZ);
is $h->{'content-encoding'}, 'gzip', 'with gzip on: gzip';
is inflate($b), $bi, 'with gzip on: inflates once to the identity answer';
is $h->{etag}, $weak, 'with gzip on: our ETag';

# nginx's filter alone still works (and weakens the ETag itself)
($s, $h, $b) = http_request('/filter-only?kw=QPV&limit=20', headers => $GZ);
is $h->{'content-encoding'}, 'gzip', 'gzip filter alone: compressed';
is inflate($b), $bi, 'gzip filter alone: inflates to the same';

# lookups, the feed, HTML and _meta: identity here; nginx's filter when on
for my $u ('/resources/r-1', '/resources/_feed', '/resources?format=html',
           '/resources/_meta', '/resources/_keywords') {
    ($s, $h) = http_request($u, headers => $GZ);
    ok !defined $h->{'content-encoding'}, "$u: identity ($s)";
}
($s, $h, $b) = http_request('/filtered/r-1', headers => $GZ);
is $h->{'content-encoding'}, 'gzip', 'a lookup through gzip on: compressed'
    . ' by the filter';

# every route of a location with both: compressed (by the pieces or by the
# filter), and inflating to the identity answer
my ($routes, $routes_ok) = (0, 0);
sub public_id { my $i = 1 + int rand 299; $i++ if $i % 10 == 0; "r-$i" }
for my $u ((map { '/filtered/' . public_id() } 1 .. 30),
           (map { '/filtered/' . public_id() . '?format=html' } 1 .. 10),
           '/filtered/_feed', '/filtered/_feed?kw=QPV', '/filtered/_meta',
           '/filtered/_keywords?prefix=c', '/filtered/_types',
           '/filtered?format=html&kw=QPV', '/filtered?kw=QPV&limit=50',
           '/filtered?q=economie&facets=kw,type,year') {
    my ($s1, $h1, $b1) = http_request($u);
    my ($s2, $h2, $b2) = http_request($u, headers => $GZ);
    $routes++;
    if ($s1 == $s2 && $s1 == 200
        && (($h2->{'content-encoding'} // '') eq 'gzip'
            ? (inflate($b2) // '') eq $b1 : $b2 eq $b1))
    {
        $routes_ok++;
    } else {
        diag "$u: $s1 $s2 " . ($h2->{'content-encoding'} // 'identity');
    }
}
is $routes_ok, $routes, "every route, $routes requests: the same answer"
    . ' once inflated';

# --- a snapshot without pieces: identity, no error

($s, $h, $b) = http_request('/nopieces?kw=QPV&limit=20', headers => $GZ);
is $s, 200, 'no pieces: 200';
ok !defined $h->{'content-encoding'}, 'no pieces: identity';
ok !defined $h->{vary}, 'no pieces: no Vary';

# --- more than a stored block of facets

($s, $h, $b) = http_request('/big?facets=kw,type&facet_limit=100&limit=3',
                            headers => $GZ);
my ($sb, $hb, $bb) = http_request('/big?facets=kw,type&facet_limit=100'
                                  . '&limit=3');
is $s, 200, 'large facets: 200';
ok length($bb) > 70000, 'large facets: more than a stored block ('
    . length($bb) . ' bytes)';
is $h->{'content-encoding'}, 'gzip', 'large facets: compressed';
is inflate($b), $bb, 'large facets: inflates to the identity answer';
ok gzip_t($b), 'large facets: gzip -t accepts it';

# --- private stays private: the public location's ETag is the public one

my ($sp, $hp) = http_request('/resources?kw=QPV', headers => $GZ);
my ($sx, $hx) = http_request('/staff?kw=QPV', headers => $GZ);
my ($sy, $hy) = http_request('/identity?kw=QPV');
is $hp->{etag}, "W/$hy->{etag}", 'public: the public version, weakened';
isnt $hx->{etag}, $hp->{etag}, 'private: another version';

# --- nothing went to the error log (but the files missing at start)

my @errors = grep { !/cannot stat/ }
             error_log_text() =~ /^.*\[(?:error|alert|crit|emerg)\].*$/mg;
is "@errors", '', 'no error in the log';
