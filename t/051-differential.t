# A differential test of the list route (issue #20): random combinations of
# kw, type, q, from/to, sort, offset/limit and facets, on generated
# catalogues on both sides of every size threshold of the store, each answer
# compared with a reference evaluator written in Perl the slow obvious way
# (t/lib/Resources/Differential.pm: a byte per resource and per set, read
# resource by resource): the total, the ids of the page in their order
# (relevance: the sum of each required word's best-field weight, title 8,
# keywords 4, summary 2, body 1, ties newest first, as docs/api.md defines
# it), and the facets (values, counts, order, limit).
#
# The catalogues: 300 resources (lists only), 4,200 (just above 4,096:
# bitmaps for terms with 1/64 of the resources, dense lists, pair counts,
# the loader's facets, prefix unions, relevance from bitmaps) and 6,000;
# about 6% of them private, Zipf-like keywords (QPV in 30%, foncier in 17%,
# a long tail of rare ones), nine types, dates over twelve years with 14%
# undated and a quarter with a day, French-like text with stop words,
# elisions, plurals, frequent and rare words, a family of 50 words and one
# of 90 words sharing a prefix.  Every query is asked of a public location
# and of a private one (resources_private on), each against its own view.
#
# On a mismatch the request, the expected and the received answers are
# printed (the first 25 in full).  Everything is drawn from fixed seeds.
#
# TEST_DIFF_QUERIES=N changes the number of random queries of the largest
# catalogue (the others scale with it).

use strict;
use warnings;

use lib 't/lib';
use Resources::TestNginx;
use Resources::Differential qw(generate to_jsonl random_query query_string);
use JSON::PP ();
use Time::HiRes ();

plan 'no_plan';

my $Queries = $ENV{TEST_DIFF_QUERIES} || 1200;
my $JSON = JSON::PP->new->utf8->canonical;
my $Started = Time::HiRes::time();

# [ name, resources, share of private ones, seed, random queries, debug log ]
my @Catalogues = (
    [ 'small', 300, 0.08, 5101, int($Queries / 3), 0 ],
    [ 'threshold', 4200, 0.05, 5102, int($Queries / 2), 0 ],
    [ 'large', 6000, 0.06, 5103, $Queries, 1 ],
);

# requests that every catalogue gets, before the random ones
my @Fixed = (
    'kw=QPV&kw=foncier&facets=year',            # a 500 of issue #20
    'kw=QPV&type=Autres&facets=year',           # the other one
    'kw=QPV&kw=foncier&facets=year&limit=0', 'kw=foncier&kw=QPV&facets=year,kw',
    'type=Autres&kw=QPV&facets=type', 'kw=QPV&kw=foncier&facets=kw',
    'kw=QPV&facets=year', 'type=Autres&facets=year', 'facets=year',
    'kw=QPV&kw=foncier&type=Autres&facets=kw,type,year&facet_limit=100',
    '', 'limit=100', 'sort=oldest&limit=100', 'sort=title&limit=100',
    'facets=kw,type,year&facet_limit=100&limit=0',
    'q=vol', 'q=vo&limit=100', 'q=zorb&limit=100', 'q=zo&sort=newest', 'q=zorbb',
    'q=vol&facets=kw,type,year', 'q=tiers-li', 'q=l%27%C3%A9conomie%20sociale',
    'q=coop%20', 'q=coop', 'q=territoriaux', 'q=ch%C3%A2teaux%20journaux',
    'q=de%20la', 'q=de%20la&sort=relevance', 'q=aujourd%E2%80%99hui',
    'kw=QPV&q=%C3%A9tude%20collectivit%C3%A9', 'kw=QPV&kw=foncier&q=budget&sort=relevance',
    'offset=1000000000', 'kw=QPV&offset=1000000000&facets=kw', 'from=2030', 'to=2000',
    'from=2020&to=2019', 'from=2020-06&to=2020-06&sort=oldest&limit=100',
    # typed-on typos whose words are the loader's unions (0.8)
    'q=territorx', 'q=developement', 'q=a%20solidarites', 'q=developement&kw=QPV',
    'q=developpement%20territorx', 'q=vol%20territorx&limit=100',
);

my $Failures = 0;
my $Shown = 0;
my %Coverage;

for my $c (@Catalogues) {
    my ($name, $n, $private, $seed, $nq, $debug) = @$c;
    my $cat = generate(n => $n, private => $private, seed => $seed);
    my %ref = (public => Resources::Differential::Reference->new($cat->{records}, private => 0),
               private => Resources::Differential::Reference->new($cat->{records}, private => 1));
    my $npriv = grep { $_->{private} } @{ $cat->{records} };

    start_nginx(
        name => "051 $name",
        catalogue_jsonl => to_jsonl($cat->{records}),
        log_level => $debug ? 'debug' : 'info',
        config => <<'_EOC_',
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
    location /staff/resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_private on;
    }
_EOC_
    );
    error_log_new();
    my $client = Resources::Differential::Client->new(port => server_port());

    # the queries: the fixed ones (parsed back into the reference's form),
    # then the random ones
    srand($seed);
    my @queries = map { [ $_, parse_query($_) ] } @Fixed;
    for (1 .. $nq) {
        my $q = random_query($cat, $ref{public});
        push @queries, [ query_string($q), $q ];
    }

    my ($count, $bad) = (0, 0);
    for my $e (@queries) {
        my ($qs, $q) = @$e;
        for my $view (qw(public private)) {
            my $uri = ($view eq 'public' ? '/resources' : '/staff/resources') . ($qs eq '' ? '' : "?$qs");
            my $exp = $ref{$view}->list($q);
            my $res = $client->request('GET', $uri);
            my $why = compare($exp, $res, $count % 20 == 0);
            $count++;
            $bad++ if $why;
            report("$name ($n resources, $npriv private), $view: GET $uri", $why, $exp, $res);
        }
    }

    my $log = error_log_new();
    my @bad = grep { /\[(error|crit|alert|emerg)\]/ } split /\n/, $log;
    ok !@bad, "$name: no [error] or [alert] in the error log" or diag join "\n", @bad[0 .. ($#bad < 9 ? $#bad : 9)];
    if ($debug) {
        # which strategies answered: the test must have gone through them
        my %seen = (
            'relevance from bitmaps' => scalar(() = $log =~ /relevance from bitmaps/g),
            'total as the loader counted it' => scalar(() = $log =~ /as the loader counted it/g),
            'facets as the loader counted them' => scalar(() = $log =~ /facets as the loader counted them/g),
            'prefix unions' => scalar(() = $log =~ /the union of the words/g),
            'typos as one union' => scalar(() = $log =~ /words as one union/g),
        );
        # (pair totals: 3, since the light stemmer of 0.7 joins forms and
        # the random queries meet fewer counted pairs: 4 in the large run)
        for my $k (sort keys %seen) {
            Test::More::cmp_ok $seen{$k}, '>=', $k =~ /total|typos/ ? 3 : 5, "$name: $k, $seen{$k} times";
        }
    }
    Test::More::note sprintf '%s: %d requests, %d mismatches, %.1f s so far', $name, $count, $bad,
        Time::HiRes::time() - $Started;
    stop_nginx();
}

Test::More::note "$Failures mismatches in all";

# ---------------------------------------------------------------------------

# "kw=a&kw=b&q=..." into the reference's form
sub parse_query {
    my ($qs) = @_;
    my %q;
    for my $p (split /&/, $qs) {
        my ($k, $v) = split /=/, $p, 2;
        $v //= '';
        $v =~ tr/+/ /;
        $v =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
        utf8::decode($v);
        if ($k eq 'kw' || $k eq 'type') {
            push @{ $q{$k} }, $v;
        } else {
            $q{$k} = $v;
        }
    }
    return \%q;
}

# undef when the answer is the expected one, else what differs
sub compare {
    my ($exp, $res, $full) = @_;
    return "no answer: $res->{error}" if $res->{error};
    if ($exp->{status} != 200) {
        # a JSON 4xx that says why
        my $want = JSON::PP->new->utf8->canonical->encode(
            { error => { status => $exp->{status} + 0, message => $exp->{message} } }) . "\n";
        return "status $res->{status}, expected $exp->{status}" if $res->{status} != $exp->{status};
        my $got = eval { JSON::PP->new->utf8->canonical->encode(JSON::PP->new->utf8->decode($res->{body})) . "\n" };
        return "body $res->{body}, expected $want" if ($got // '') ne $want;
        return undef;
    }
    return "status $res->{status}, expected 200" if $res->{status} != 200;
    my $ct = $res->{header}{'content-type'} // '';
    return "Content-Type \"$ct\"" if $ct ne 'application/json; charset=utf-8';
    my $b = $res->{body};
    $b =~ s/\n\z// or return 'the body does not end with a newline';
    my ($total, $offset, $limit) = $b =~ /\A\{"total":(\d+),"offset":(\d+),"limit":(\d+),"items":\[/
        or return 'not a list answer';
    my ($items, $facets);
    my $at = index $b, '],"facets":{';
    if ($at >= 0) {
        $items = substr $b, 0, $at;
        $facets = substr $b, $at + 11, length($b) - $at - 12;
        return 'the body does not end with }' unless substr($b, -1) eq '}';
    } else {
        return 'the body does not end with ]}' unless substr($b, -2) eq ']}';
        $items = substr $b, 0, -2;
    }
    my @ids = $items =~ /\{"id":"((?:[^"\\]|\\.)*)"/g;
    my @why;
    push @why, "total $total, expected $exp->{total}" if $total != $exp->{total};
    push @why, "offset $offset, expected $exp->{offset}" if $offset != $exp->{offset};
    push @why, "limit $limit, expected $exp->{limit}" if $limit != $exp->{limit};
    push @why, 'the items differ' if "@ids" ne "@{ $exp->{ids} }";
    if ($full) {
        # now and then, the whole body as JSON
        my $j = eval { JSON::PP->new->utf8->decode($b) };
        push @why, "invalid JSON: $@" unless $j;
        push @why, 'the items parsed differ' if $j && join(' ', map { $_->{id} } @{ $j->{items} }) ne "@ids";
    }
    if (defined $exp->{facets} || defined $facets) {
        my $got = defined $facets ? eval { $JSON->decode($facets) } : undef;
        if (!defined $exp->{facets}) {
            push @why, 'facets not asked for';
        } elsif (!defined $got) {
            push @why, 'no facets' . ($@ ? ": $@" : '');
        } else {
            for my $k (sort keys %{ { %{ $exp->{facets} }, %$got } }) {
                push @why, "facet $k differs"
                    if $JSON->encode($got->{$k} // 'absent') ne $JSON->encode($exp->{facets}{$k} // 'absent');
            }
        }
    }
    return @why ? join('; ', @why) : undef;
}

sub _brief_ids {
    my ($ids) = @_;
    return '[' . join(' ', @$ids[0 .. ($#$ids < 11 ? $#$ids : 11)]) . (@$ids > 12 ? ' ...' : '') . ']';
}

sub report {
    my ($what, $why, $exp, $res) = @_;
    ok !$why, $what;
    return unless $why;
    $Failures++;
    return if ++$Shown > ($ENV{TEST_DIFF_SHOW} // 25);
    my $got;
    if ($res->{error} || $res->{status} != 200 || ($res->{body} // '') !~ /\A\{"total"/) {
        my $b = $res->{body} // '';
        $b = substr($b, 0, 300) . '...' if length $b > 300;
        $got = 'status ' . ($res->{status} // '-') . ', ' . ($res->{header}{'content-type'} // 'no type')
             . ": $b" . ($res->{error} ? " ($res->{error})" : '');
    } else {
        my $b = $res->{body};
        my ($t) = $b =~ /"total":(\d+)/;
        my @ids = $b =~ /\{"id":"((?:[^"\\]|\\.)*)"/g;
        my ($f) = $b =~ /,"facets":(\{.*\})\}\n?\z/s;
        $got = "total $t, items " . _brief_ids(\@ids) . (defined $f ? ", facets $f" : '');
    }
    if ($exp->{status} != 200) {
        diag "$what\n  differs: $why";
        return;
    }
    my $e = "total $exp->{total}, items " . _brief_ids($exp->{ids})
          . (defined $exp->{facets} ? ', facets ' . $JSON->encode($exp->{facets}) : '');
    diag "$what\n  differs: $why\n  expected: $e\n  got:      $got";
}
