# The judged relevance set of issue #22 (t/relevance/, docs/relevance.md)
# is well-formed: the loader accepts the catalogue, it has the size and the
# material the issue asks for, every judged id exists and is public, every
# category is there, and the synonyms file parses. Scores are measured by
# "make relevance", not asserted here. No server needed.

use strict;
use utf8;
use warnings;

use Test::More;
use JSON::PP;
use File::Temp qw(tempdir);
use Unicode::Normalize qw(NFD);

binmode(Test::More->builder->$_, ":encoding(UTF-8)") for qw(output failure_output todo_output);

my $loader = $ENV{TEST_RESOURCES_LOADER} || 'build/resources-load';
my $dir = 't/relevance';
my $tmp = tempdir(CLEANUP => 1);

sub slurp {
    my ($file) = @_;
    open my $f, '<:encoding(UTF-8)', $file or die "$file: $!";
    local $/;
    return scalar <$f>;
}

sub fold {
    my $s = NFD(lc shift);
    $s =~ s/\p{M}//g;
    return $s;
}

# the catalogue: JSON Lines the loader takes as it is

my @recs = map { JSON::PP->new->utf8(0)->decode($_) }
           grep { /\S/ } split /\n/, slurp("$dir/catalogue.jsonl");
my %rec = map { $_->{id} => $_ } @recs;
my $private = grep { $_->{private} } @recs;

cmp_ok(scalar @recs, '>=', 200, 'at least 200 records');
is(scalar keys %rec, scalar @recs, 'ids are unique');
ok($private >= 0.05 * @recs && $private <= 0.2 * @recs,
   "about 10% private records ($private)");
my %types = map { $_->{type} => 1 } @recs;
cmp_ok(scalar keys %types, '>=', 2, 'several types');
ok((grep { !defined $_->{date} } @recs), 'some records are undated');
ok((grep { "$_->{title} $_->{summary} $_->{body}" =~ /[<&]/ } @recs),
   'some records have < or & in their text');

{
    local $ENV{TMPDIR} = $tmp;
    my $out = `$loader -n $dir/catalogue.jsonl 2>&1`;
    is($?, 0, 'the loader accepts the catalogue') or diag $out;
    my $n = @recs;
    like($out, qr/dry run: $n resources \($private private\)/,
         'every record loaded, none skipped');
}

# words only in private records (#22: no expansion may reveal them publicly)
for my $w (qw(budget tresorerie cotisation)) {
    my @pub = grep { !$_->{private}
                     && fold(join ' ', $_->{title}, @{ $_->{keywords} },
                                       $_->{summary}, $_->{body}) =~ /$w/ } @recs;
    my @priv = grep { $_->{private}
                      && fold(join ' ', $_->{title}, @{ $_->{keywords} },
                                        $_->{summary}, $_->{body}) =~ /$w/ } @recs;
    ok(!@pub && @priv, "\"$w\" is only in private records")
        or diag join ' ', map { $_->{id} } @pub;
}

# catalogue.jsonl is what make-catalogue.mjs makes of catalogue.txt
SKIP: {
    skip 'node not installed', 1 unless `node --version 2>/dev/null` =~ /^v/;
    my $made = `node $dir/make-catalogue.mjs`;
    open my $f, '<:raw', "$dir/catalogue.jsonl" or die;
    local $/;
    my $file = <$f>;
    ok($made eq $file, 'catalogue.jsonl is make-catalogue.mjs\'s output of catalogue.txt');
}

# the judged queries

my @categories = qw(plain typo form elision synonym phrase exclusion or
                    acronym typeahead split-join);
my (%seen_cat, @queries, %query_text);
my $bad = 0;
for my $line (split /\n/, slurp("$dir/queries.tsv")) {
    next if $line =~ /^#/ || $line !~ /\S/;
    my ($cat, $q, $judged, @rest) = split /\t/, $line;
    unless (defined $judged && !@rest && grep { $_ eq $cat } @categories) {
        fail("queries.tsv: a line of 3 columns with a known category: $line");
        $bad++;
        next;
    }
    $seen_cat{$cat}++;
    $query_text{$q}++;
    my (%g, $top);
    for my $j (split ' ', $judged) {
        my ($id, $grade) = $j =~ /^([a-z0-9][a-z0-9-]*):([12])$/;
        unless (defined $id && $rec{$id} && !$rec{$id}{private} && !$g{$id}) {
            fail("\"$q\": $j is no public record, or no grade 1 or 2, or twice");
            $bad++;
            next;
        }
        $g{$id} = $grade;
        $top++ if $grade == 2;
    }
    unless ($top) {
        fail("\"$q\": no record graded 2 (expected first)");
        $bad++;
    }
    push @queries, $q;
}
is($bad, 0, 'every judged id is a public record of the catalogue, graded 1 or 2');
cmp_ok(scalar @queries, '>=', 80, 'at least 80 queries (' . scalar(@queries) . ')');
is(scalar(grep { $query_text{$_} > 1 } keys %query_text), 0, 'no query twice');
for my $c (@categories) {
    cmp_ok($seen_cat{$c} || 0, '>=', 5, "category $c has at least 5 queries");
}
# the issue's own examples
for my $q ('economi solidare', 'cirquits courts', 'sociale', 'hopitau',
           'tierslieux', 'ecoconception', '"économie solidaire"') {
    ok($query_text{$q}, "the issue's example \"$q\" is judged");
}
ok((grep { /(^|\s)-\S/ } @queries), 'a query with -word');
ok((grep { /\sOR\s/ } @queries), 'a query with OR');

# synonyms.txt: Solr's format, every line a list or a one-way rule
my ($rules, $synbad) = (0, 0);
my $n = 0;
for my $line (split /\n/, slurp("$dir/synonyms.txt")) {
    $n++;
    next if $line =~ /^\s*(#|$)/;
    my @sides = split /=>/, $line, -1;
    my $ok = @sides <= 2
        && !grep { my @t = split /,/, $_, -1;
                   !@t || grep { !/\S/ } @t } @sides;
    $ok &&= ($line =~ /,/ || @sides == 2);
    $rules++;
    unless ($ok) {
        fail("synonyms.txt:$n: not a Solr synonyms line: $line");
        $synbad++;
    }
}
ok($rules >= 10 && !$synbad, "synonyms.txt: $rules rules");

done_testing();
