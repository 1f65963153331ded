# Exclusions on the bitmaps' path (0.8): in a catalogue above the bitmaps'
# threshold, q=A -B answers from the words' bitmaps with a filter that is
# the NOT of B's bitmap (B frequent), or every docno but B's (B rare, a
# phrase, or mixed).  The set each request finds, page after page, must
# be the records that have A and not B, counted in Perl, in a public and
# a private location; the debug log must show that the public requests
# were answered from the bitmaps.

use strict;
use warnings;

use lib 't/lib';
use Resources::TestNginx;
use JSON::PP;

plan 'no_plan';

# 6,000 records: "habitat" in two thirds, "potager" in half, "foncier" in
# a fifth (all frequent: bitmaps), "jardin" in 20 (rare: none); "foncier
# potager" side by side in some; every 13th private
my $N = 6000;
my (@recs, $jsonl);
for my $i (0 .. $N - 1) {
    my %w = (habitat => $i % 3 != 0, potager => $i % 2 == 0,
             foncier => $i % 5 == 0, jardin => $i % 300 == 7);
    my @text = ('texte', 'commun');
    push @text, 'habitat' if $w{habitat};
    push @text, 'foncier', 'potager' if $w{foncier} && $w{potager};
    push @text, 'foncier', 'lorem' if $w{foncier} && !$w{potager};
    push @text, 'ipsum', 'potager' if $w{potager} && !$w{foncier};
    push @text, 'jardin' if $w{jardin};
    my $private = $i % 13 == 0;
    push @recs, { id => "r$i", private => $private, words => \%w };
    $jsonl .= encode_json({
        id => "r$i", title => "Fiche $i", type => 'Autres',
        private => $private ? JSON::PP::true : JSON::PP::false,
        date => sprintf('%d-%02d', 2018 + $i % 7, 1 + $i % 12),
        keywords => [], summary => join(' ', @text),
        body => "Corps $i." }) . "\n";
}

start_nginx(
    workers => 1,
    log_level => 'debug',
    catalogue_jsonl => $jsonl,
    config => <<"_EOC_",
    location /r {
        resources_db html/catalogue.mdb;
        resources;
        resources_max_limit 1000;
    }
    location /p {
        resources_db html/catalogue.mdb;
        resources;
        resources_private on;
        resources_max_limit 1000;
    }
_EOC_
);

my ($st0) = http_request('/r?limit=0');
is $st0, 200, 'the catalogue is served';
error_log_new();

# [ q, what a record must have ]
my @cases = (
    [ 'habitat -foncier', sub { $_[0]{habitat} && !$_[0]{foncier} } ],
    [ 'habitat -jardin', sub { $_[0]{habitat} && !$_[0]{jardin} } ],
    [ 'habitat -foncier -jardin',
      sub { $_[0]{habitat} && !$_[0]{foncier} && !$_[0]{jardin} } ],
    [ 'habitat -potager -foncier',
      sub { $_[0]{habitat} && !$_[0]{potager} && !$_[0]{foncier} } ],
    [ 'habitat potager -foncier',
      sub { $_[0]{habitat} && $_[0]{potager} && !$_[0]{foncier} } ],
    [ 'habitat -"foncier potager"',
      sub { $_[0]{habitat} && !($_[0]{foncier} && $_[0]{potager}) } ],
);

sub uri_q {
    my ($q) = @_;
    $q =~ s/([^A-Za-z0-9\-])/sprintf '%%%02X', ord $1/ge;
    return $q;
}

for my $c (@cases) {
    my ($q, $has) = @$c;
    for my $loc ('r', 'p') {
        my %want = map { $_->{id} => 1 }
                   grep { ($loc eq 'p' || !$_->{private}) && $has->($_->{words}) }
                   @recs;
        my (%got, $total, $bad);
        for (my $offset = 0; ; $offset += 1000) {
            my ($st, $h, $body) = http_request("/$loc?q=" . uri_q($q)
                                               . "&limit=1000&offset=$offset");
            if ($st != 200) { $bad = "status $st"; last }
            my $r = decode_json($body);
            $total = $r->{total};
            $got{ $_->{id} }++ for @{ $r->{items} };
            last if $offset + 1000 >= $total;
        }
        is $bad, undef, "/$loc q=$q: every page a 200";
        is $total, scalar(keys %want), "/$loc q=$q: the total is the count of records with it";
        is_deeply [ sort grep { $got{$_} != 1 } keys %got ], [], "/$loc q=$q: no record twice";
        is_deeply [ sort keys %got ], [ sort keys %want ], "/$loc q=$q: the records found are those";
    }
}

my $log = error_log_new();
my $from_bitmaps = () = $log =~ /relevance from bitmaps/g;
cmp_ok $from_bitmaps, '>=', scalar(@cases), "the public requests answered from bitmaps ($from_bitmaps)";
unlike $log, qr/\[(error|crit|alert|emerg)\]/, 'no [error] or [alert] in the log';

stop_nginx();
