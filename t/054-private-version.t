# A private record's edit shows nowhere in a public location (#20): not in
# its version, ETag, Last-Modified, _meta or feed, so that a 304 stays a
# 304; a private location's version covers everything and changes.

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

sub catalogue {
    my ($private_summary, $public_summary) = @_;
    my $out = '';
    for my $i (1 .. 6) {
        my $priv = $i % 3 == 0;
        $out .= encode_json({ id => "r$i", title => "Ressource $i", type => 'Autres',
            date => "2024-0$i", keywords => ['QPV'],
            private => $priv ? JSON::PP::true : JSON::PP::false,
            summary => $priv ? "$private_summary $i" : "$public_summary $i" }) . "\n";
    }
    open my $f, '>', "$tmp/c.jsonl" or die; print $f $out; close $f;
    return "$tmp/c.jsonl";
}

my $pid = start_nginx(
    config => <<"_EOC_",
    location /r {
        resources_db html/catalogue.mdb;
        resources_check_interval 100ms;
        resources;
    }
    location /p {
        resources_db html/catalogue.mdb;
        resources_check_interval 100ms;
        resources;
        resources_private on;
    }
_EOC_
);

my $db = html_dir() . '/catalogue.mdb';

sub publish {
    my ($file, $epoch) = @_;
    local $ENV{SOURCE_DATE_EPOCH} = $epoch;
    system($loader, '-q', '-o', $db, $file) == 0 or die "loader failed";
    sleep 0.4;
}

sub state_of {
    my ($loc) = @_;
    my %s;
    for my $uri ("/$loc?limit=0", "/$loc/_meta", "/$loc/_feed", "/$loc/r1") {
        my ($st, $h, $body) = http_request($uri);
        die "$uri: $st" unless $st == 200;
        $s{$uri} = { etag => $h->{etag}, lm => $h->{'last-modified'},
                     body => $uri =~ /_meta|_feed/ ? $body : '' };
    }
    return \%s;
}

publish(catalogue('secret one', 'public'), 1700000000);
my %before = (r => state_of('r'), p => state_of('p'));

# a private record's summary changes, a day later
publish(catalogue('secret two', 'public'), 1700086400);
my %after = (r => state_of('r'), p => state_of('p'));

is_deeply $after{r}, $before{r},
    'public location: ETag, Last-Modified, _meta and feed unchanged by a private edit';
isnt $after{p}{'/p?limit=0'}{etag}, $before{p}{'/p?limit=0'}{etag},
    'private location: the ETag changes';
isnt $after{p}{'/p/_meta'}{lm}, $before{p}{'/p/_meta'}{lm},
    'private location: Last-Modified changes';

my $etag = $before{r}{'/r?limit=0'}{etag};
my $lm = $before{r}{'/r?limit=0'}{lm};
my ($st) = http_request('/r?limit=0', headers => { 'If-None-Match' => $etag });
is $st, 304, 'public location: a 304 on the old ETag stays a 304';
($st) = http_request('/r?limit=0', headers => { 'If-Modified-Since' => $lm });
is $st, 304, 'public location: a 304 on the old Last-Modified stays a 304';
($st) = http_request('/p?limit=0', headers => { 'If-None-Match' => $before{p}{'/p?limit=0'}{etag} });
is $st, 200, 'private location: the old ETag gets a 200';

my ($v) = $etag =~ /^"([0-9a-f]{16})"$/;
my $meta = decode_json($before{r}{'/r/_meta'}{body});
is $meta->{version}, $v, 'public _meta shows the public version';
is $meta->{built}, '2023-11-14T22:13:20Z', 'public _meta shows when the public records last changed';
like $before{r}{'/r/_feed'}{body}, qr{<updated>2023-11-14T22:13:20Z</updated>},
    'the public feed is updated when the public records last changed';
is decode_json($after{p}{'/p/_meta'}{body})->{built}, '2023-11-15T22:13:20Z',
    'private _meta shows the last load';

# the public version is that of the same catalogue without its private records
my $only_public = join '', grep { !/"private":true/ } do {
    open my $i, '<', catalogue('secret two', 'public') or die; <$i> };
open my $f, '>', "$tmp/public.jsonl" or die; print $f $only_public; close $f;
my ($pv) = `$loader -n $tmp/public.jsonl` =~ /version ([0-9a-f]{16})/;
is $pv, $v, 'the public version is the version of the public records alone';

# a public edit changes the public version and its time
publish(catalogue('secret two', 'changed'), 1700172800);
my %third = (r => state_of('r'));
isnt $third{r}{'/r?limit=0'}{etag}, $etag, 'a public edit changes the public ETag';
is decode_json($third{r}{'/r/_meta'}{body})->{built}, '2023-11-16T22:13:20Z',
    'and its time';

# (before the first load, the workers say once that there is no file yet)
unlike join('', grep { !/cannot stat/ } split /^/, error_log_text()),
    qr/\[(error|alert|crit)\]/, 'no error';

stop_nginx();
