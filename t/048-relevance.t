# Relevance (q, sort=relevance) answered from the words' bitmaps: frequent
# words carry their fields as bitmaps (catalogues of 4096+ resources), and
# the module then ranks level by level without reading the lists.  Every
# answer is checked against the same ranking computed in Perl, on both
# paths: the debug log says which one answered.

use strict;
use warnings;

use lib 't/lib';
use Resources::TestNginx;
use Resources::Differential ();
use JSON::PP;

plan 'no_plan';

my $N = 6000;
my @fields = qw(body summary keywords title);     # field number = weight rank

# words (none a stop word, none changed by folding or stemming: no final
# e, r, s or x, no doubled letter, for the light stemmer); how often
# each is in a resource, in 1000ths; tangol is rare (no bitmap), and so is
# kilo; tang starts tango, tangi, tangu and tangol (the loader makes their
# union); zulu starts 72 words, zuluak the only frequent one (more than a
# prefix expands to: no union)
my %freq = (alpha => 500, bravo => 400, delta => 250, hotel => 150,
            india => 120, tango => 200, tangi => 60, tangu => 30,
            tangol => 5, kilo => 8);
for my $x ('a' .. 'h') {
    $freq{"zulu$x$_"} = 2 for qw(k m n p q t v w y);
}
$freq{zuluak} = 100;
my @vocab = sort keys %freq;

srand(48);

my (@recs, $jsonl);
for my $i (0 .. $N - 1) {
    my (%in, %best);
    for my $v (@vocab) {
        next unless rand(1000) < $freq{$v};
        # the fields it is in: mostly the body, sometimes more
        my $r = rand();
        my $f = $r < 0.08 ? 3 : $r < 0.18 ? 2 : $r < 0.45 ? 1 : 0;
        push @{ $in{$f} }, $v;
        push @{ $in{0} }, $v if $f > 0 && rand() < 0.5;
        $best{$v} = $f;
    }
    my @kw = (@{ $in{2} || [] }, ($i % 9 == 0 ? 'Ninth' : ()));
    my $r = { id => "r$i",
              title => join(' ', 'Titre', @{ $in{3} || [] }),
              type => ($i % 4 == 0 ? 'T1' : 'T2'),
              private => ($i % 7 == 0 ? JSON::PP::true : JSON::PP::false),
              date => sprintf('%d-%02d', 2020 + $i % 5, 1 + ($i * 5) % 12),
              keywords => \@kw,
              summary => join(' ', 'Résumé', @{ $in{1} || [] }),
              body => join(' ', 'Corps du texte', @{ $in{0} || [] }) };
    push @recs, { %$r, i => $i, best => \%best };
    $jsonl .= encode_json($r) . "\n";
}

# the default order: date descending, then input order
my @order = sort { $b->{date} cmp $a->{date} || $a->{i} <=> $b->{i} } @recs;
my (%rank, %title);
$rank{ $order[$_]{id} } = $_ for 0 .. $#order;
$title{ $_->{id} } = $_->{title} for @recs;

# the ranking: every word in the resource (the last one also as a prefix:
# the best field of the words it starts), score the sum of the weights of
# the best fields, ties in the default order
sub expect {
    my (%q) = @_;
    my @words = @{ $q{words} };
    my @m = grep { $q{private} || !$_->{private} } @order;
    @m = grep { my $r = $_; grep { $_ eq 'Ninth' } @{ $r->{keywords} } } @m if $q{ninth};
    @m = grep { $_->{type} eq $q{type} } @m if $q{type};
    @m = grep { $_->{date} ge $q{from} } @m if $q{from};
    @m = grep { $_->{date} le $q{to} } @m if $q{to};
    my %score;
    DOC: for my $r (@m) {
        my $s = 0;
        for my $k (0 .. $#words) {
            my $w = $words[$k];
            my @terms = ($k == $#words && $q{prefix})
                      ? grep { index($_, $w) == 0 } @vocab : ($w);
            splice @terms, 64 if @terms > 64;      # the first 64 expand
            my ($best) = sort { $b <=> $a } grep { defined }
                         map { $r->{best}{$_} } @terms;
            next DOC unless defined $best;
            $s += (1, 2, 4, 8)[$best];
        }
        $score{ $r->{id} } = $s;
    }
    my @ids = sort { $score{$b} <=> $score{$a} || $rank{$a} <=> $rank{$b} }
              keys %score;

    # the first 20 again (the titles' signatures): score, q's pairs of
    # words one after the other in the title, q's whole words in it, docno
    # (q's last word is typed on, as the module sees it, unless q ends
    # with a space: last_whole; only words of the catalogue count)
    my (@pair, @whole, $prev);
    for my $i (0 .. $#words) {
        my $x = $words[$i];
        if (!exists $freq{$x}) { undef $prev; next }
        push @pair, Resources::Differential::sig_pair($prev, $x) if defined $prev;
        push @whole, Resources::Differential::sig_word($x) unless !$q{last_whole} && $i == $#words;
        $prev = $x;
    }
    if (@words >= 2 || $#words - ($q{last_whole} ? 0 : 1) >= 0) {
        my $w = @ids < 20 ? scalar @ids : 20;
        my %bonus;
        for my $id (@ids[0 .. $w - 1]) {
            my ($s0, $s1) = Resources::Differential::title_sig($title{$id});
            my $e = grep { ($s0 & $_) == $_ } @pair;
            my $x = grep { ($s1 & $_) == $_ } @whole;
            $bonus{$id} = $e * 32 + $x;
        }
        @ids[0 .. $w - 1] = sort { $score{$b} <=> $score{$a} || $bonus{$b} <=> $bonus{$a}
                                   || $rank{$a} <=> $rank{$b} } @ids[0 .. $w - 1];
    }
    return \@ids;
}

my $pid = start_nginx(
    catalogue_jsonl => $jsonl,
    config => <<'_EOC_',
    location /r {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_max_limit 6000;
    }
    location /p {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_private on;
        resources_max_limit 6000;
    }
_EOC_
);

# [ query, the model's arguments, answered from bitmaps?, the prefix's
#   union used (under the words' longest common prefix) ]
my @cases = (
    [ 'q=alpha',                     { words => ['alpha'] },                     1 ],
    [ 'q=alpha%20bravo',             { words => ['alpha', 'bravo'] },            1 ],
    [ 'q=bravo%20alpha&sort=relevance', { words => ['bravo', 'alpha'] },         1 ],
    [ 'q=alpha%20bravo%20delta',     { words => ['alpha', 'bravo', 'delta'] },   1 ],
    [ 'q=hotel%20india%20delta',     { words => ['hotel', 'india', 'delta'] },   1 ],
    [ 'q=alpha%20tang',              { words => ['alpha', 'tang'], prefix => 1 }, 1, 'tang' ],
    [ 'q=tang',                      { words => ['tang'], prefix => 1 },          1, 'tang' ],
    [ 'q=delta%20tan',               { words => ['delta', 'tan'], prefix => 1 },   1, 'tang' ],
    [ 'q=bravo%20tango',             { words => ['bravo', 'tango'], prefix => 1 }, 1, 'tango' ],
    [ 'q=delta%20tangu',             { words => ['delta', 'tangu'], prefix => 1 }, 1 ],
    [ 'q=hotel%20zulua',             { words => ['hotel', 'zulua'], prefix => 1 }, 1, 'zulua' ],
    [ 'q=alpha%20zulu',              { words => ['alpha', 'zulu'], prefix => 1 }, 1 ],
    [ 'q=zu',                        { words => ['zu'], prefix => 1 },            1 ],
    [ 'q=alpha%20bravo&kw=ninth',    { words => ['alpha', 'bravo'], ninth => 1 }, 1 ],
    [ 'q=alpha%20bravo&type=T1',     { words => ['alpha', 'bravo'], type => 'T1' }, 1 ],
    [ 'q=alpha%20bravo&from=2022&to=2023-06',
      { words => ['alpha', 'bravo'], from => '2022-01', to => '2023-06' },       1 ],
    # not from bitmaps: four words, a rare word, a rare prefix alone
    [ 'q=alpha%20bravo%20delta%20hotel',
      { words => ['alpha', 'bravo', 'delta', 'hotel'] },                         0 ],
    [ 'q=alpha%20kilo',              { words => ['alpha', 'kilo'] },             0 ],
    [ 'q=bravo%20tango%20',          { words => ['bravo', 'tango'], last_whole => 1 }, 1 ],
    [ 'q=alpha%20tangol%20',         { words => ['alpha', 'tangol'], last_whole => 1 }, 0 ],
    [ 'q=alpha%20bravo&type=T1&type=T2', { words => ['alpha', 'bravo'] },        0 ],
);

for my $c (@cases) {
    my ($args, $q, $bitmaps, $union) = @$c;
    my $ids = expect(%$q);
    my $total = @$ids;
    ok $total > 0, "$args: the model finds $total";
    for my $page ([0, 20], [0, 1], [7, 13], [150, 40], [$total - 3, 10],
                  [$total, 5], [0, 0])
    {
        my ($off, $lim) = @$page;
        next if $off < 0;
        error_log_new();
        my ($st, $h, $body) = http_request("/r?$args&offset=$off&limit=$lim");
        is $st, 200, "$args offset=$off limit=$lim: 200";
        my $j = decode_json($body);
        is $j->{total}, $total, "$args offset=$off limit=$lim: total";
        my @want = @$ids[$off .. ($off + $lim > @$ids ? $#$ids : $off + $lim - 1)];
        is_deeply [ map { $_->{id} } @{ $j->{items} } ], \@want,
            "$args offset=$off limit=$lim: the page";
        my $log = error_log_new();
        is(($log =~ /relevance from bitmaps/ ? 1 : 0), $bitmaps,
           "$args offset=$off limit=$lim: " . ($bitmaps ? 'from' : 'not from')
           . ' bitmaps');
        if ($union) {
            like $log, qr/the union of the words "$union" starts/,
                "$args offset=$off limit=$lim: the union of $union";
        } else {
            unlike $log, qr/the union of the words/,
                "$args offset=$off limit=$lim: no union";
        }
        unlike $log, qr/\[(error|alert|crit)\]/, "$args: no error";
    }
}

# the private location and facets do not rank from bitmaps: same answers
for my $c ([ 'q=alpha%20bravo', { words => ['alpha', 'bravo'], private => 1 } ],
           [ 'q=alpha%20tang', { words => ['alpha', 'tang'], prefix => 1, private => 1 } ])
{
    my ($args, $q) = @$c;
    my $ids = expect(%$q);
    error_log_new();
    my ($st, $h, $body) = http_request("/p?$args&offset=5&limit=30");
    my $j = decode_json($body);
    is $j->{total}, scalar @$ids, "private $args: total";
    is_deeply [ map { $_->{id} } @{ $j->{items} } ], [ @$ids[5 .. 34] ],
        "private $args: the page";
    unlike error_log_new(), qr/relevance from bitmaps/, "private $args: from the lists";
}

{
    my $ids = expect(words => ['alpha', 'bravo']);
    error_log_new();
    my ($st, $h, $body) = http_request('/r?q=alpha%20bravo&facets=type&limit=10');
    my $j = decode_json($body);
    is $j->{total}, scalar @$ids, 'with facets: total';
    is_deeply [ map { $_->{id} } @{ $j->{items} } ], [ @$ids[0 .. 9] ], 'with facets: the page';
    unlike error_log_new(), qr/relevance from bitmaps/, 'with facets: from the lists';
}

# the feed ranks the same way
{
    my $ids = expect(words => ['alpha', 'bravo']);
    my ($st, $h, $body) = http_request('/r/_feed?q=alpha%20bravo&limit=5');
    is $st, 200, 'feed: 200';
    my @got = $body =~ m{<id>[^<]*?/r/(r\d+)</id>}g;
    is_deeply \@got, [ @$ids[0 .. 4] ], 'feed: the same first five';
}

stop_nginx();
