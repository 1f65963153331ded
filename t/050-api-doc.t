# Every example of docs/api.md, run against the sample catalogue: a request
# in a ```http block, the answer in the ```json block after it ("..." marks
# fields left out; what is shown must match, arrays item for item).

use strict;
use warnings;

use lib 't/lib';
use Resources::TestNginx;
use JSON::PP;

plan 'no_plan';

open my $f, '<:encoding(UTF-8)', 'docs/api.md' or die "docs/api.md: $!";
my $doc = do { local $/; <$f> };
close $f;

my @examples;
while ($doc =~ /```http\n(.*?)\n```\n```json\n(.*?)\n```/sg) {
    push @examples, [ $1, $2 ];
}
ok @examples >= 10, scalar(@examples) . ' examples in docs/api.md';

start_nginx(
    catalogue => ['t/data/sample.jsonl'],
    config => <<'_EOC_',
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
_EOC_
);

# the expected JSON is a subset of the answer
sub subset {
    my ($want, $got, $path) = @_;
    if (ref $want eq 'HASH') {
        return "$path: not an object" unless ref $got eq 'HASH';
        for my $k (sort keys %$want) {
            return "$path.$k: missing" unless exists $got->{$k};
            my $e = subset($want->{$k}, $got->{$k}, "$path.$k");
            return $e if $e;
        }
        return;
    }
    if (ref $want eq 'ARRAY') {
        return "$path: not an array" unless ref $got eq 'ARRAY';
        return "$path: " . scalar(@$got) . " items, " . scalar(@$want) . " expected"
            unless @$got == @$want;
        for my $i (0 .. $#$want) {
            my $e = subset($want->[$i], $got->[$i], "$path\[$i]");
            return $e if $e;
        }
        return;
    }
    return if !defined $want && !defined $got;
    return "$path: got " . ($got // 'null') . ", expected " . ($want // 'null')
        unless defined $want && defined $got && "$want" eq "$got";
    return;
}

for my $ex (@examples) {
    my ($request, $expected) = @$ex;
    my ($path) = $request =~ m{^GET (\S+)$} or die "bad example request: $request";
    $expected =~ s/,\s*\.\.\.//g;
    my $want = JSON::PP->new->utf8(0)->decode($expected);
    my ($status, $h, $body) = http_request($path);
    my $got = eval { JSON::PP->new->utf8->decode($body) };
    ok $got, "$path: JSON answer" or next;
    my $code = ref $want eq 'HASH' && $want->{error} ? $want->{error}{status} : 200;
    is $status, $code, "$path: status $code";
    my $err = subset($want, $got, '$');
    ok !$err, "$path: answer as documented" or diag "$err\n$body";
}

stop_nginx();
