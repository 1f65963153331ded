# Search that forgives (issue #22): typos, word forms, type-ahead that
# agrees with stemming, split and joined words, synonyms, the words found
# so marked by highlight=, and privacy: no expansion reveals a private
# record's words in a public location.  On the judged set's catalogue
# (t/relevance/catalogue.jsonl: 202 resources, 21 private; "budget" and
# "trésorerie" are words of private records only), loaded with and
# without t/relevance/synonyms.txt.  Behaviours, not scores (those are
# make relevance's).

use strict;
use warnings;

use lib 't/lib';
use Resources::TestNginx;
use JSON::PP;
use Time::HiRes ();

plan 'no_plan';

my $loader = $ENV{TEST_RESOURCES_LOADER} || 'build/resources-load';
my $cat = 't/relevance/catalogue.jsonl';
my $syn = 't/relevance/synonyms.txt';

sub load {
    my (@args) = @_;
    my $out = `$loader -q --force @args 2>&1`;
    is $?, 0, "resources-load @args" or diag $out;
}

start_nginx(config => <<'_EOC_');
    location /r {
        resources_db html/catalogue.mdb;
        resources_check_interval 100ms;
        resources;
        resources_max_limit 500;
    }
    location /p {
        resources_db html/catalogue.mdb;
        resources_check_interval 100ms;
        resources;
        resources_private on;
        resources_max_limit 500;
    }
    location /n {
        resources_db html/nosyn.mdb;
        resources_check_interval 100ms;
        resources;
        resources_max_limit 500;
    }
_EOC_

load('--synonyms', $syn, '-o', html_dir() . '/catalogue.mdb', $cat);
load('-o', html_dir() . '/nosyn.mdb', $cat);
Time::HiRes::sleep(0.5);
error_log_new();        # (before the loads: "cannot stat", as expected)

sub get {
    my ($uri) = @_;
    my ($st, $h, $body) = http_request($uri);
    is $st, 200, "GET $uri: 200" or diag $body;
    return $st == 200 ? decode_json($body) : { total => -1, items => [] };
}

sub ids { return [ map { $_->{id} } @{ $_[0]{items} } ] }

sub total { return get($_[0])->{total} }

# ---- typos

my $j = get('/r?q=cirquits%20courts');
ok $j->{total} > 0, 'cirquits courts: found';
like $j->{items}[0]{title}, qr/circuits courts/i, 'cirquits courts: a record about circuits courts first';
is_deeply ids($j), ids(get('/r?q=circuits%20courts')),
    'cirquits courts: the answer of circuits courts';
is total('/r?q=cirquits%20courts&typos=0'), 0, 'typos=0: no typo matching';

like get('/r?q=economi%20solidare')->{items}[0]{title}, qr/conomie.* solidaire/i,
    'economi solidare: a record with both words in its title first (each word a typo, the last one typed on)';
ok total('/r?q=monaie%20locale') > 0, 'monaie locale: one edit from the form monnaie';
ok total('/r?q=recylcerie%20') > 0, 'recylcerie: a transposition counts as one';
is total('/r?q=cirqit%20'), 0, 'cirqit: two edits in 6 letters is too many';
ok total('/r?q=developement%20economique%20') > 0,
    'developement: a word of 9 letters or more allows two';

# an exact match is never widened by typos: the same answer with typos=0
for my $q ('circuit', 'courts%20', 'monnaie%20locale%20', 'solidaire%20') {
    is_deeply ids(get("/r?q=$q&limit=500")), ids(get("/r?q=$q&limit=500&typos=0")),
        "q=$q: an exact match, no typo derivation";
}

# an exclusion is never a typo: -cirquits excludes nothing
is total('/r?q=courts%20-cirquits'), total('/r?q=courts%20'),
    '-cirquits excludes no record of circuits';

my ($st, $h, $body) = http_request('/r?q=x&typos=2');
is $st, 400, 'typos=2: 400';
like $body, qr/\\"typos\\" must be 0 or 1/, 'typos=2: the message names it';

# ---- word forms: gender, number, the public / publique override

for my $set ([qw(social sociale sociaux sociales)], [qw(public publique publics publiques)],
             [qw(territorial territoriale territoriaux)], [qw(collectif collective collectifs)],
             [qw(hopital hopitaux)])
{
    my @t = map { total("/r?q=$_%20") } @$set;
    ok $t[0] > 0, "$set->[0]: found";
    is_deeply \@t, [ ($t[0]) x @t ], "@$set: one word, the same answer";
}
{
    my %f = map { $_ => 1 } @{ ids(get('/r?q=formation%20&limit=500')) };
    my %g = map { $_ => 1 } @{ ids(get('/r?q=forme%20&limit=500')) };
    ok keys %f && (grep { !$g{$_} } keys %f),
        'formation and forme are kept apart: records of formation that forme does not find';
}

# ---- type-ahead agrees with stemming

is_deeply [ sort @{ ids(get('/r?q=hopitau&limit=500')) } ],
          [ sort @{ ids(get('/r?q=hopitaux%20&limit=500')) } ],
    'hopitau finds what hopitaux finds';
is_deeply [ sort @{ ids(get('/r?q=territoriau&limit=500')) } ],
          [ sort @{ ids(get('/r?q=territoriaux%20&limit=500')) } ],
    'territoriau finds what territoriaux finds';

# ---- ranking: proximity, then exactness (the titles' signatures)

is_deeply [ map { $_->{title} =~ /conomie solidaire/i ? 1 : 0 } @{ get('/r?q=economie%20solidaire&limit=2')->{items} } ],
          [ 1, 1 ], 'economie solidaire: the titles that hold the two words side by side first';
like get('/r?q=sociale%20&limit=1')->{items}[0]{title}, qr/sociale/i,
    'sociale: a title with the word as typed first (exactness), before social or sociaux';
ok total('/r?q=conciergeri') > 0, 'conciergeri: typed past its stem (concierg)';
ok total('/r?q=monn') > 0, 'monn: the start of monnaie';
ok total('/r?q=ressourc') > 0, 'ressourc: the start of ressources, ressourceries';

# ---- split and joined words

my %eco = map { $_ => 1 } @{ ids(get('/r?q=ecoconception%20')) };
ok $eco{'guide-de-l-eco-conception-des-services-publics-locaux'},
    'ecoconception finds the record that writes éco-conception';
ok $eco{'l-ecoconception-des-objets-du-quotidien-initiatives-de-l-ess'},
    'ecoconception finds the record that writes écoconception';
for my $q ('eco-conception%20', 'eco%20conception%20') {
    is_deeply [ sort @{ ids(get("/r?q=$q")) } ], [ sort keys %eco ],
        "q=$q: the reverse, the same records";
}
ok total('/r?q=tierslieux%20') > 0, 'tierslieux finds tiers-lieux';

# ---- synonyms: the loaded file, and the same catalogue without it

{
    my %with = map { $_ => 1 } @{ ids(get('/r?q=maison%20de%20retraite%20&limit=500')) };
    my %without = map { $_ => 1 } @{ ids(get('/n?q=maison%20de%20retraite%20&limit=500')) };
    my @ehpad = @{ ids(get('/r?q=ehpad%20&limit=500')) };
    ok @ehpad, 'ehpad: found';
    ok !(grep { !$with{$_} } @ehpad), 'maison de retraite: every record of ehpad (its synonym)';
    ok((grep { !$without{$_} } @ehpad), 'which the same catalogue without the synonyms does not find');
}
ok total('/r?q=alimentation%20locale%20') >= total('/n?q=alimentation%20locale%20'),
    'a synonym only adds records';

# ---- highlight marks what was found through typos and synonyms

$j = get('/r?q=cirquits%20courts&highlight=1');
like $j->{items}[0]{highlight}{title}, qr/<mark>Circuits<\/mark> <mark>courts<\/mark>/,
    'highlight: the word found through a typo is marked as written';
$j = get('/r?q=maison%20de%20retraite%20&highlight=title');
like $j->{items}[0]{highlight}{title}, qr/<mark>EHPAD<\/mark>/, 'highlight: a synonym is marked';

# ---- suggestions: a word inside a keyword, punctuation aside, a typo

sub suggested { return [ map { $_->{value} } @{ get($_[0])->{items} } ] }

ok((grep { $_ eq 'circuits courts' } @{ suggested('/r/_keywords?prefix=courts') }),
   '_keywords?prefix=courts: circuits courts (a word inside the keyword)');
{
    my $v = suggested('/r/_keywords?prefix=tiers%20lieux&limit=100');
    ok((grep { /^tiers.lieu/i } @$v), '_keywords?prefix=tiers lieux: the tiers-lieux keyword');
    is scalar(grep { /^tiers.lieu/i } @$v), 1,
       'its spellings (tiers-lieu, tiers-lieux, Tiers lieux, tiers lieu) are one keyword';
}
{
    my $all = get('/r?kw=tiers-lieux&limit=0')->{total};
    ok $all > 0, 'kw=tiers-lieux: found';
    is get('/r?kw=Tiers%20lieu&limit=0')->{total}, $all, 'kw=Tiers lieu: the same keyword';
    is get('/r?kw=tiers-lieu&limit=0')->{total}, $all, 'kw=tiers-lieu: the same keyword';
    my $f = get('/r?facets=kw&facet_limit=100&limit=0')->{facets}{kw};
    is scalar(grep { $_->{value} =~ /^tiers.lieu/i } @$f), 1, 'the keyword facet counts the variants as one';
}
ok((grep { /co-conception/ } @{ suggested('/r/_keywords?prefix=eco%20conc') }),
   '_keywords?prefix=eco conc: éco-conception (punctuation aside)');
ok((grep { $_ eq 'circuits courts' } @{ suggested('/r/_keywords?prefix=circiuts') }),
   '_keywords?prefix=circiuts: circuits courts (a typo from 5 letters)');
is_deeply suggested('/r/_keywords?prefix=circ&limit=100'),
          suggested('/r/_keywords?prefix=circ&limit=100'), '(the same answer twice)';
is_deeply suggested('/r/_keywords?prefix=zzz'), [], '_keywords?prefix=zzz: none';
is_deeply suggested('/r/_keywords?prefix=cirq'), [], 'no typo under 5 letters';
{
    my $v = suggested('/r/_keywords?prefix=c&limit=3');
    is scalar @$v, 3, 'a full first group: the limit';
}

# ---- private stays private

is_deeply suggested('/r/_keywords?prefix=budgte'), [], '_keywords?prefix=budgte: nothing public';
ok((grep { /^budget/ } @{ suggested('/p/_keywords?prefix=budgte') }),
   '_keywords?prefix=budgte: budget in the private location');

is total('/r?q=budgte%20'), 0, 'budgte: nothing in a public location (budget is only in private records)';
ok total('/p?q=budgte%20') > 0, 'budgte: found in the private location';
is total('/r?q=tresoreri'), 0, 'tresoreri (typed on): nothing in public';
ok total('/p?q=tresoreri') > 0, 'tresoreri: found in private';
is total('/r?q=budgt'), 0, 'budgt (typed on, a typo): nothing in public';
# (not "cotisation": a public record has "cotiser", the same stem, cotis)
for my $q ('budget', 'tresorerie') {
    is total("/r?q=$q%20&typos=0"), 0, "q=$q: no public record has it";
    ok total("/p?q=$q%20&typos=0") > 0, "q=$q: private records have it";
}

my $log = error_log_new();
unlike $log, qr/\[(error|alert|crit|emerg)\]/, 'no [error] or [alert] in the error log';
