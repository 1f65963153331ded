# Frequent keywords and types have bitmaps (catalogues of 4096+ resources):
# answers that go through them must be exactly those of the lists, checked
# here against the same query computed in Perl on a generated catalogue.

use strict;
use warnings;

use lib 't/lib';
use Resources::TestNginx;
use JSON::PP;

plan 'no_plan';

my $N = 6000;
my (@recs, $jsonl);
for my $i (0 .. $N - 1) {
    my @kw = grep { defined } ($i % 2 == 0 ? 'Alpha' : undef),
        ($i % 3 == 0 ? 'beta' : undef), ($i % 5 == 0 ? 'Gamma' : undef),
        ($i % 1000 == 0 ? 'rare' : undef);
    my $r = { id => "r$i", title => sprintf('Titre %05d', ($i * 7919) % $N)
                                     . ($i % 13 == 0 ? ' Coopération' : ''),
              type => ($i % 4 == 0 ? 'T1' : 'T2'), private => ($i % 7 == 0 ? JSON::PP::true : JSON::PP::false),
              date => sprintf('%d-%02d', 2020 + $i % 5, 1 + $i % 12), keywords => \@kw,
              summary => ($i % 11 == 0 ? 'mot special' : 'texte') . ' '
                         . (qw(coop coopérative coopération coopératives coopère))[$i % 5]
                         . ($i % 3 == 0 ? ' alpha' : '') };
    push @recs, { %$r, i => $i };
    $jsonl .= encode_json($r) . "\n";
}

# the default order: date descending, then input order
my @order = sort { $b->{date} cmp $a->{date} || $a->{i} <=> $b->{i} } @recs;

sub expect {
    my (%q) = @_;
    my @m = grep { !$_->{private} } @order;
    for my $k (@{ $q{kw} || [] }) {
        @m = grep { my $r = $_; grep { lc $_ eq lc $k } @{ $r->{keywords} } } @m;
    }
    @m = grep { lc $_->{type} eq lc $q{type} } @m if $q{type};
    @m = grep { $_->{summary} =~ /\bspecial\b/ } @m if $q{q};
    @m = grep { $_->{date} ge $q{from} } @m if $q{from};
    @m = grep { $_->{date} le $q{to} } @m if $q{to};
    return (scalar @m, [ map { $_->{id} } @m ]);
}

my $pid = start_nginx(
    catalogue_jsonl => $jsonl,
    config => <<'_EOC_',
    location /r {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_max_limit 1000;
    }
    location /p {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_private on;
        resources_max_limit 1000;
    }
_EOC_
);

my @cases = (
    [ 'kw=Alpha&kw=beta',               { kw => ['Alpha', 'beta'] } ],
    [ 'kw=alpha&kw=BETA&kw=gamma',      { kw => ['Alpha', 'beta', 'Gamma'] } ],
    [ 'kw=Alpha&type=T1',               { kw => ['Alpha'], type => 'T1' } ],
    [ 'kw=beta&type=t2&kw=Gamma',       { kw => ['beta', 'Gamma'], type => 'T2' } ],
    [ 'kw=Alpha&kw=beta&from=2022&to=2023-06', { kw => ['Alpha', 'beta'], from => '2022-01', to => '2023-06' } ],
    [ 'kw=Alpha&kw=beta&from=2024-12',  { kw => ['Alpha', 'beta'], from => '2024-12' } ],
    [ 'kw=Alpha&kw=beta&kw=rare',       { kw => ['Alpha', 'beta', 'rare'] } ],
    [ 'kw=Alpha&kw=beta&q=special',     { kw => ['Alpha', 'beta'], q => 1 } ],
    [ 'kw=Alpha&kw=nothing',            { kw => ['Alpha', 'nothing'] } ],
    [ 'kw=Alpha&q=special',             { kw => ['Alpha'], q => 1 } ],
    [ 'kw=rare&type=T1',                { kw => ['rare'], type => 'T1' } ],
    [ 'type=T2&q=special&from=2021&to=2023', { type => 'T2', q => 1, from => '2021-01', to => '2023-12' } ],
);

for my $c (@cases) {
    my ($args, $q) = @$c;
    my ($total, $ids) = expect(%$q);
    for my $page ([0, 1000], [37, 25], [$total, 10]) {
        my ($off, $lim) = @$page;
        my ($st, $h, $body) = http_request("/r?$args&offset=$off&limit=$lim&sort=newest");
        is $st, 200, "$args: 200";
        my $j = decode_json($body);
        is $j->{total}, $total, "$args: total $total";
        my @want = @$ids[$off .. ($off + $lim > @$ids ? $#$ids : $off + $lim - 1)];
        is_deeply [ map { $_->{id} } @{ $j->{items} } ], [ @want ],
            "$args: page at $off, $lim";
    }
}

# facets and sorts over a bitmap result
my ($total, $ids) = expect(kw => ['Alpha', 'beta']);
my ($st, $h, $body) = http_request('/r?kw=Alpha&kw=beta&facets=kw,type,year&limit=0');
my $j = decode_json($body);
my %kwc;
for my $id (@$ids) {
    my ($r) = grep { $_->{id} eq $id } @recs;
    $kwc{$_}++ for @{ $r->{keywords} };
}
is_deeply { map { $_->{value} => $_->{count} } @{ $j->{facets}{kw} } }, \%kwc,
    'keyword facet counts over the bitmap result';

# whole facets (values, counts, order, limit) of large and small results:
# large public results count the frequent terms from their bitmaps
sub facets_of {
    my ($ids, $limit) = @_;
    my (%c, %byid);
    $byid{ $_->{id} } = $_ for @recs;
    for my $id (@$ids) {
        my $r = $byid{$id};
        $c{kw}{$_}++ for @{ $r->{keywords} };
        $c{type}{ $r->{type} }++;
        $c{year}{ substr $r->{date}, 0, 4 }++;
    }
    my %f;
    for my $k (qw(kw type year)) {
        my @v = sort { $c{$k}{$b} <=> $c{$k}{$a} || lc $a cmp lc $b } keys %{ $c{$k} };
        splice @v, $limit if @v > $limit;
        $f{$k} = [ map { { value => $_, count => $c{$k}{$_} } } @v ];
    }
    return \%f;
}

# [ query, the model's arguments, facets as the loader counted them? ]
for my $c ([ 'kw=Alpha', { kw => ['Alpha'] }, 1 ],
           [ 'type=T2', { type => 'T2' }, 1 ],
           [ 'kw=GAMMA&sort=title', { kw => ['Gamma'] }, 1 ],
           [ 'kw=beta&q=le', { kw => ['beta'] }, 1 ],
           [ '', {}, 1 ],
           [ 'sort=oldest', {}, 1 ],
           [ 'from=2022', { from => '2022-01' }, 0 ],
           [ 'kw=Alpha&kw=beta', { kw => ['Alpha', 'beta'] }, 0 ],
           [ 'kw=Alpha&kw=beta&sort=title', { kw => ['Alpha', 'beta'] }, 0 ],
           [ 'kw=beta&q=special&sort=oldest', { kw => ['beta'], q => 1 }, 0 ],
           [ 'kw=Gamma&from=2022&to=2023-06', { kw => ['Gamma'], from => '2022-01', to => '2023-06' }, 0 ],
           [ 'kw=Alpha&type=T1', { kw => ['Alpha'], type => 'T1' }, 0 ],
           [ 'type=T2&type=T1', {}, 0 ],
           [ 'kw=rare', { kw => ['rare'] }, 0 ])
{
    my ($args, $q, $table) = @$c;
    my (undef, $ids) = expect(%$q);
    for my $limit (1, 2, 3, 10) {
        error_log_new();
        my ($st, $h, $body) = http_request("/r?$args&facets=kw,type,year&facet_limit=$limit&limit=0");
        is $st, 200, "$args facet_limit=$limit: 200";
        is_deeply decode_json($body)->{facets}, facets_of($ids, $limit),
            "$args facet_limit=$limit: facets";
        my $log = error_log_new();
        is(($log =~ /facets as the loader counted them/ ? 1 : 0), $table,
           "$args facet_limit=$limit: " . ($table ? '' : 'not ')
           . 'as the loader counted them');
        unlike $log, qr/\[(error|alert|crit)\]/, "$args: no error";
    }
}

# with the loader's facets: one facet, and the page, in any order
{
    my (undef, $ids) = expect(kw => ['Gamma']);
    for my $f (qw(kw type year)) {
        my ($st, $h, $body) = http_request("/r?kw=Gamma&facets=$f&facet_limit=2&offset=7&limit=5");
        my $j = decode_json($body);
        is_deeply $j->{facets}, { $f => facets_of($ids, 2)->{$f} }, "facets=$f alone";
        is_deeply [ map { $_->{id} } @{ $j->{items} } ], [ @$ids[7 .. 11] ],
            "facets=$f: the page";
    }
    my @t = map { $_->{id} } sort { $a->{title} cmp $b->{title} || $a->{i} <=> $b->{i} }
            grep { my $r = $_; !$r->{private} && grep { $_ eq 'Gamma' } @{ $r->{keywords} } } @recs;
    my ($st, $h, $body) = http_request('/r?kw=Gamma&facets=type&sort=title&limit=4');
    is_deeply [ map { $_->{id} } @{ decode_json($body)->{items} } ], [ @t[0 .. 3] ],
        'facets and sort=title: the page';
}

# one facet alone over two bitmaps, or a bitmap and a type, with a page of
# the default order: the page comes from the bitmaps, the facet counts the
# whole result (the year facet alone once answered a 500 here)
for my $c ([ 'kw=Alpha&kw=beta', { kw => ['Alpha', 'beta'] } ],
           [ 'kw=Alpha&type=T1', { kw => ['Alpha'], type => 'T1' } ],
           [ 'kw=Alpha&kw=beta&from=2021&to=2023', { kw => ['Alpha', 'beta'], from => '2021-01', to => '2023-12' } ])
{
    my ($args, $q) = @$c;
    my (undef, $ids) = expect(%$q);
    for my $f (qw(year kw type)) {
        error_log_new();
        my ($st, $h, $body) = http_request("/r?$args&facets=$f&facet_limit=3");
        is $st, 200, "$args&facets=$f: 200";
        my $j = eval { decode_json($body) } || {};
        is_deeply $j->{facets}, { $f => facets_of($ids, 3)->{$f} },
            "$args&facets=$f: the facet of the whole result";
        is_deeply [ map { $_->{id} } @{ $j->{items} || [] } ], [ @$ids[0 .. 19] ],
            "$args&facets=$f: the page";
        unlike error_log_new(), qr/\[(error|alert|crit)\]/, "$args&facets=$f: no error";
    }
}

# the private location counts its private resources: not the loader's
for my $kw ('Alpha', undef) {
    my @m = grep { my $r = $_; !defined $kw || grep { $_ eq $kw } @{ $r->{keywords} } } @order;
    my $args = defined $kw ? "kw=$kw&" : '';
    error_log_new();
    my ($st, $h, $body) = http_request("/p?${args}facets=kw,type,year&facet_limit=10&limit=0");
    is_deeply decode_json($body)->{facets}, facets_of([ map { $_->{id} } @m ], 10),
        "private location, $args: facets with the private resources";
    unlike error_log_new(), qr/facets as the loader counted them/,
        "private location, $args: not as the loader counted them";
}

# q with a prefix that expands to many words (a dense union): relevance is
# the sum of each word's best field (title 8, summary 2), ties in the
# default order
for my $c ([ 'q=coop', 0 ], [ 'q=special%20coop', 1 ], [ 'q=coop&kw=Gamma', 0, 'Gamma' ],
           [ 'q=coop&sort=newest&from=2023', 0, undef, '2023-01' ])
{
    my ($args, $special, $kw, $from) = @$c;
    my @m = grep { !$_->{private} } @order;
    @m = grep { $_->{summary} =~ /\bspecial\b/ } @m if $special;
    @m = grep { my $r = $_; grep { $_ eq $kw } @{ $r->{keywords} } } @m if $kw;
    @m = grep { $_->{date} ge $from } @m if $from;
    my %score = map { $_->{id} => ($_->{title} =~ /Coop/ ? 8 : 2) + ($special ? 2 : 0) } @m;
    my @want = $args =~ /sort=newest/ ? @m
             : sort { $score{ $b->{id} } <=> $score{ $a->{id} } } @m;   # stable
    for my $page ([0, 50], [100, 30]) {
        my ($off, $lim) = @$page;
        my ($st, $h, $body) = http_request("/r?$args&offset=$off&limit=$lim");
        my $j = decode_json($body);
        is $j->{total}, scalar @m, "$args: total";
        my @ids = map { $_->{id} } @want[$off .. ($off + $lim > @want ? $#want : $off + $lim - 1)];
        is_deeply [ map { $_->{id} } @{ $j->{items} } ], \@ids, "$args: page at $off";
    }
}

# two words, the larger one (alpha: keyword 4, or summary 2) tested as a
# byte per docno
{
    my @m = grep { !$_->{private} && $_->{summary} =~ /\bmot\b/
                   && ($_->{i} % 2 == 0 || $_->{i} % 3 == 0) } @order;
    my @want = sort { ($b->{i} % 2 == 0 ? 4 : 2) <=> ($a->{i} % 2 == 0 ? 4 : 2) } @m;
    my ($st, $h, $body) = http_request('/r?q=alpha%20mot&limit=100');
    my $j = decode_json($body);
    is $j->{total}, scalar @m, 'q=alpha mot: total';
    is_deeply [ map { $_->{id} } @{ $j->{items} } ],
        [ map { $_->{id} } @want[0 .. ($#want < 99 ? $#want : 99)] ], 'q=alpha mot: by relevance';
}

($st, $h, $body) = http_request('/r?kw=Alpha&kw=beta&sort=title&limit=5');
$j = decode_json($body);
my @bytitle = map { $_->{id} } sort { $a->{title} cmp $b->{title} }
    map { my $id = $_; grep { $_->{id} eq $id } @recs } @$ids;
is_deeply [ map { $_->{id} } @{ $j->{items} } ], [ @bytitle[0 .. 4] ], 'sort=title over it';

# sort=title over bitmaps alone: a large result walks title order, a small
# one (a date range) is listed and selected; pages deep and past the end
for my $c ([ 'kw=Alpha&kw=beta', { kw => ['Alpha', 'beta'] } ],
           [ 'kw=Alpha', { kw => ['Alpha'] } ],
           [ 'kw=beta&from=2021-03&to=2023-10', { kw => ['beta'], from => '2021-03', to => '2023-10' } ],
           [ 'type=T2', { type => 'T2' } ],
           [ 'kw=alpha&kw=beta&kw=gamma&from=2024-11', { kw => ['Alpha', 'beta', 'Gamma'], from => '2024-11' } ],
           [ 'kw=Alpha&type=T1&to=2020-01', { kw => ['Alpha'], type => 'T1', to => '2020-01' } ])
{
    my ($args, $q) = @$c;
    my ($total, $ids) = expect(%$q);
    my %byid = map { $_->{id} => $_ } @recs;
    my @t = sort { $byid{$a}{title} cmp $byid{$b}{title} || $byid{$a}{i} <=> $byid{$b}{i} } @$ids;
    for my $page ([0, 7], [3, 2], [$total, 5]) {
        my ($off, $lim) = @$page;
        my ($st, $h, $body) = http_request("/r?$args&sort=title&offset=$off&limit=$lim");
        my $j = decode_json($body);
        is $j->{total}, $total, "$args sort=title: total";
        my @want = @t[$off .. ($off + $lim > @t ? $#t : $off + $lim - 1)];
        is_deeply [ map { $_->{id} } @{ $j->{items} } ], \@want, "$args sort=title: page at $off";
    }
}

# the private location does not use bitmaps (public parts only): same rules
stop_nginx();
