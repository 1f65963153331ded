# Private stays private, compared byte for byte (issue #20): a catalogue
# with private records and the same catalogue without them, each served in
# a public location (no resources_private), must give identical answers to
# every public route and to a fixed random set of requests: status, every
# header but Date, and body.  Loads are made with SOURCE_DATE_EPOCH set to
# the same value, so that the build times (Last-Modified, _meta's "built",
# the feed's <updated>) are the same too; where they are not, that is one
# failed check of its own, and the rest of the comparison reads them as
# "the build time" (docs/api.md: only _meta's "built" may differ).
#
# Three catalogues: 300 resources (lists only), 4,000 public ones plus 150
# private (4,096 resources or more only with the private ones: bitmaps,
# dense lists, pair counts and the loader's facets exist in one of the two
# snapshots only) and 6,000 plus about 360 (both above every threshold).
# Their private records carry spellings that exist only there, more often
# than the public ones ("Qpv" against "QPV", "TIERS-LIEUX" against
# "tiers-lieux", the type "AUTRES" against "Autres", "monnaie locale" seen
# before "Monnaie locale"), a keyword, a type, words and a year of their own,
# and push a keyword and a word across the 1/64 bitmap threshold that their
# public records alone stay under (and another one the other way round: the
# thresholds count the resources of the snapshot).
#
# The requests: every route (list, lookups of public, private and missing
# ids, _meta, _keywords and _types with and without prefixes, _feed, unknown
# routes), 1,000 random list queries per catalogue (kw, type, q with
# prefixes, dates, sorts, offsets past the end, facets), a fifth of them
# again as feeds, HEAD requests, and conditional requests (If-None-Match
# with the ETag of the catalogue without private records, If-Modified-Since
# with the location's own Last-Modified, an older and a later date).
#
# Then: changing one private record's summary (a new load over the
# published snapshot) leaves the public ETag, Last-Modified and _meta
# unchanged, and conditional requests still get their 304; a private
# location's ETag changes; changing a public record changes the public ETag.

use strict;
use warnings;

use lib 't/lib';
use Resources::TestNginx;
use Resources::Differential qw(generate to_jsonl random_query query_string uri_escape pick);
use File::Spec ();
use File::Temp qw(tempdir);
use JSON::PP ();
use POSIX ();
use Time::HiRes ();

plan 'no_plan';

my $Started = Time::HiRes::time();
my $Epoch = 1700000000;                     # 2023-11-14T22:13:20Z
my $Queries = $ENV{TEST_DIFF_QUERIES} || 1000;
my $Show = $ENV{TEST_DIFF_SHOW} // 12;
my $Loader = File::Spec->rel2abs($ENV{TEST_RESOURCES_LOADER} || 'build/resources-load');
my $Dir = tempdir(CLEANUP => 1);
chmod 0755, $Dir;                           # the workers run as nobody

# [ name, public resources, private ones, seed ]
my @Catalogues = (
    [ 'small', 260, 40, 5201 ],
    [ 'threshold', 4000, 150, 5202 ],
    [ 'large', 6000, 360, 5203 ],
);

my $SdeChecked;

for my $c (@Catalogues) {
    my ($name, $npub, $npriv, $seed) = @$c;
    my ($with, $cat) = catalogue($npub, $npriv, $seed);
    my @without = grep { !$_->{private} } @$with;
    my $fw = "$Dir/$name-with.mdb";
    my $fo = "$Dir/$name-without.mdb";
    load("$Dir/$name-with.jsonl", $with, $fw, $Epoch);
    load("$Dir/$name-without.jsonl", \@without, $fo, $Epoch);

    # the requests, the same for both; the catalogue without private
    # records is asked first, its ETag then goes into If-None-Match
    my $ref = Resources::Differential::Reference->new(\@without, private => 0);
    my $sent = {};
    my @answers;
    my $requests;
    for my $file ($fo, $fw) {
        start_nginx(
            name => "052 $name",
            log_level => 'info',
            config => <<"_EOC_",
    location /resources {
        resources_db $file;
        resources;
    }
_EOC_
        );
        error_log_new();
        my $client = Resources::Differential::Client->new(port => server_port());
        my $meta = $client->request('GET', '/resources/_meta');
        my %own = (etag => $meta->{header}{etag}, lm => $meta->{header}{'last-modified'},
                   built => (($meta->{body} // '') =~ /"built":"([^"]+)"/)[0]);
        $requests //= requests($cat, $ref, $with, $own{etag}, $seed);
        my @res;
        for my $r (@$requests) {
            my ($method, $uri, @h) = @$r;
            s/\{OWN_LM\}/$own{lm}/ for @h;
            push @res, $client->request($method, $uri, @h);
        }
        push @answers, { own => \%own, res => \@res };
        my @bad = grep { /\[(error|crit|alert|emerg)\]/ } split /\n/, error_log_new();
        ok !@bad, "$name, " . ($file eq $fw ? 'with' : 'without') . " private records: no [error] or [alert]"
            or diag join "\n", @bad[0 .. ($#bad < 9 ? $#bad : 9)];
        stop_nginx();
    }

    # the build times
    my ($o, $w) = map { $_->{own} } @answers;
    my $iso = POSIX::strftime('%Y-%m-%dT%H:%M:%SZ', gmtime $Epoch);
    if (!$SdeChecked++) {
        is $o->{built}, $iso, "the loader honours SOURCE_DATE_EPOCH: _meta's built is $iso";
    }
    SKIP: {
        skip "$name: the build times differ anyway (SOURCE_DATE_EPOCH is not honoured)", 1
            if ($o->{built} // '') ne $iso;
        is "$w->{lm} / $w->{built}", "$o->{lm} / $o->{built}",
            "$name: the same Last-Modified and build time with and without private records";
    }
    my %norm = map { ($_->{lm} => '{LAST-MODIFIED}', $_->{built} => '{BUILT}') } grep { defined $_->{lm} } $o, $w;

    # every request
    my ($bad, %kinds, @residual) = (0);
    my $shown = 0;
    # what is left once the two leaks issue #20 names are read away: the
    # version (ETag, _meta's version, 304s that became 200s) and the
    # spellings that exist only in private records
    my %known = (%norm, $w->{etag} => $o->{etag}, map { ("\"value\":\"$_->[0]\"" => "\"value\":\"$_->[1]\"") }
                 [ 'Qpv', 'QPV' ], [ 'TIERS-LIEUX', 'tiers-lieux' ], [ 'AUTRES', 'Autres' ],
                 [ 'monnaie locale', 'Monnaie locale' ]);
    (my $vw = $w->{etag} // '') =~ s/"//g;
    (my $vo = $o->{etag} // '') =~ s/"//g;
    $known{"\"version\":\"$vw\""} = "\"version\":\"$vo\"" if $vw ne '';
    for my $i (0 .. $#$requests) {
        my ($method, $uri, @h) = @{ $requests->[$i] };
        my ($ro, $rw) = ($answers[0]{res}[$i], $answers[1]{res}[$i]);
        my @why = differences($ro, $rw, \%norm);
        my $what = "$name: $method $uri" . join('', map { " [$_]" } @h);
        ok !@why, $what;
        next unless @why;
        $bad++;
        $kinds{ kind($uri) . ': ' . join(', ', map { /^(\S+(?: \S+)?)/ ? $1 : $_ } @why) }++;
        diag "$what\n  " . join("\n  ", @why) if $shown++ < $Show;
        next if grep { /^If-None-Match/ } @h;
        my @left = differences($ro, $rw, \%known);
        push @residual, "$what\n  " . join("\n  ", @left) if @left;
    }
    diag "$name: $bad of " . scalar(@$requests) . " requests differ:\n"
        . join('', map { sprintf "  %5d  %s\n", $kinds{$_}, $_ } sort keys %kinds) if $bad;
    diag "$name: " . scalar(@residual) . " of them differ in more than the version and the spellings:\n"
        . join("\n", @residual[0 .. ($#residual < 29 ? $#residual : 29)]) if @residual;
    Test::More::note(sprintf '%s: %d requests, each asked of both snapshots, %d differ, %.1f s so far',
                     $name, scalar @$requests, $bad, Time::HiRes::time() - $Started);
}

private_edit();

Test::More::note(sprintf 'done in %.1f s', Time::HiRes::time() - $Started);

# ---------------------------------------------------------------------------
# The catalogue: generated, then given what private records must not leak

sub catalogue {
    my ($npub, $npriv, $seed) = @_;
    my $n = $npub + $npriv;
    my $cat = generate(n => $n, private => 0, seed => $seed);
    my @recs = @{ $cat->{records} };
    srand($seed + 1);

    # exactly $npriv private records, spread over the catalogue, the first
    # one among the first ten
    my @rest = 10 .. $n - 1;
    for my $i (reverse 1 .. $#rest) { my $j = int rand($i + 1); @rest[$i, $j] = @rest[$j, $i] }
    $recs[$_]{private} = 1 for int rand 10, @rest[0 .. $npriv - 2];
    my @priv = sort { $a <=> $b } grep { $recs[$_]{private} } 0 .. $n - 1;
    my @pub = grep { !$recs[$_]{private} } 0 .. $n - 1;
    my $np = @pub;

    my $fold = \&Resources::Differential::fold;
    my %special = map { $fold->($_) => 1 } ('QPV', 'tiers-lieux', 'monnaie locale', 'Confidentiel',
                                             'Budget participatif', 'Alimentation durable');
    for my $r (@recs) {
        $r->{keywords} = [ grep { !$special{ $fold->($_) } } @{ $r->{keywords} } ];
        $r->{type} = 'Guides' if $fold->($r->{type}) eq 'autres';
    }
    my $some = sub {                    # $k distinct of a list, drawn
        my ($list, $k) = @_;
        my @l = @$list;
        for my $i (reverse 1 .. $#l) { my $j = int rand($i + 1); @l[$i, $j] = @l[$j, $i] }
        return sort { $a <=> $b } @l[0 .. ($k < @l ? $k : scalar @l) - 1];
    };
    my $add = sub { my ($i, $kw) = @_; push @{ $recs[$i]{keywords} }, $kw };

    # spellings: the private ones more common than the public ones
    my $q = int($np / 50) + 3;          # QPV: 2% of the public records, a bitmap when large
    $add->($_, 'QPV') for $some->(\@pub, $q);
    $add->($_, 'Qpv') for $some->(\@priv, int($q * 1.5) < @priv ? int($q * 1.5) : scalar @priv);
    my $t = int($np / 120) + 2;
    $add->($_, 'tiers-lieux') for $some->(\@pub, $t);
    $add->($_, 'TIERS-LIEUX') for $some->(\@priv, $t + 2);
    my $au = int($np / 45) + 2;         # Autres: a bitmap in large catalogues
    $recs[$_]{type} = 'Autres' for $some->(\@pub, $au);
    $recs[$_]{type} = 'AUTRES' for $some->(\@priv, int($au * 1.4) < @priv ? int($au * 1.4) : scalar @priv);
    # a tie, the private spelling seen first
    $add->($priv[0], 'monnaie locale');
    $add->($_, 'Monnaie locale') for $some->([ grep { $_ > $priv[0] } @pub ], 1);
    # of their own
    $add->($_, 'Confidentiel') for $some->(\@priv, 7);
    $recs[$_]{type} = 'Classifié' for $some->(\@priv, 3);
    $recs[$_]{date} = sprintf('2031-%02d', 1 + $_ % 12) for $some->(\@priv, 4);
    $recs[$_]{title} = "Aaaa zorglub $_" for $some->(\@priv, 3);
    $recs[$_]{summary} .= ' ' . join(' ', map { "xylo$_" } 'ba' .. 'bz') for $some->(\@priv, 2);
    # across the 1/64 threshold with the private records only
    my $below = int($np / 64) - 2;
    $below = 2 if $below < 2;
    $add->($_, 'Budget participatif') for $some->(\@pub, $below);
    $add->($_, 'Budget participatif') for $some->(\@priv, 20 < @priv ? 20 : scalar @priv);
    $recs[$_]{summary} .= ' kermesse' for $some->(\@pub, $below);
    $recs[$_]{body} .= ' kermesses' for $some->(\@priv, 20 < @priv ? 20 : scalar @priv);
    # above 1/64 of the public records, under 1/64 of all of them
    my $between = int(($np / 64 + $n / 64) / 2) + 1;
    $add->($_, 'Alimentation durable') for $some->(\@pub, $between);

    return (\@recs, $cat);
}

sub load {
    my ($jsonl, $recs, $out, $epoch) = @_;
    open my $f, '>', $jsonl or die "$jsonl: $!";
    print $f to_jsonl($recs);
    close $f;
    local $ENV{SOURCE_DATE_EPOCH} = $epoch;
    my $msg = `$Loader -q -o $out $jsonl 2>&1`;
    die "the loader failed on $jsonl: $msg" if $?;
    chmod 0644, $out;
}

# ---------------------------------------------------------------------------
# The requests: [ method, uri, header lines ]

sub requests {
    my ($cat, $ref, $with, $etag, $seed) = @_;
    srand($seed + 2);
    my @r;
    my $get = sub { push @r, [ 'GET', @_ ] };

    # the routes
    $get->($_) for '/resources', '/resources/', '/resources?limit=100', '/resources/_meta',
        '/resources/_keywords', '/resources/_keywords?limit=100', '/resources/_keywords?limit=1',
        '/resources/_types', '/resources/_types?limit=100', '/resources/_types?limit=2',
        '/resources/_feed', '/resources/_feed?limit=100', '/resources/_feed?sort=title&limit=100',
        '/resources?facets=kw,type,year&facet_limit=100&limit=0', '/resources?sort=oldest&limit=100',
        '/resources?sort=title&limit=100', '/resources?from=2031', '/resources?q=zorglub',
        '/resources?q=zorg', '/resources?q=xylo', '/resources?q=xylob', '/resources?q=kermesse',
        '/resources?q=kermes', '/resources?kw=Confidentiel', '/resources?type=Classifi%C3%A9',
        '/resources?kw=Qpv&facets=kw,type,year', '/resources?kw=QPV&kw=tiers-lieux&facets=kw',
        '/resources?type=AUTRES&facets=type,kw,year', '/resources?kw=monnaie%20locale&facets=kw',
        '/resources?kw=Budget%20participatif&kw=QPV&facets=kw,year',
        '/resources?kw=Alimentation%20durable&type=Autres&facets=kw,type',
        '/resources?kw=budget%20participatif&q=kermesse&sort=relevance',
        '/resources?q=kermesse%20vol&facets=kw', '/resources?kw=QPV&q=zorb&facets=type',
        # q's syntax: private words excluded, as alternatives, in phrases
        '/resources?q=-kermesse', '/resources?q=-kermesse&facets=kw,type,year&limit=0',
        '/resources?q=vol%20-kermesse&sort=title', '/resources?q=kermesse%20OR%20vol',
        '/resources?q=vol%20OR%20kermes', '/resources?q=kermesse%20OR%20xylo%20OR%20zorglub',
        '/resources?q=-%22kermesse%20vol%22&facets=kw&limit=0',
        '/resources?q=%22kermesse%20vol%22%20OR%20zorb', '/resources/_feed?q=-kermesse',
        '/resources?kw=QPV&q=zorglub%20OR%20xylo%20-kermesse&facets=type',
        '/resources?q=-budget%20-confidentiel&sort=oldest&limit=100',
        '/resources?q=v1%20v2%20v3%20v4%20v5%20v6%20v7%20v8%20v9%20vol%20kermesse%20-kermesse',
        '/resources/_nothing', '/resources/a/b', '/resources/_meta/x', '/resourcesx';
    for my $p ('a' .. 'z', '0', '2', 'é', 'É', 'q', 'Q', 'qp', 'QPV', 'ti', 'TI', 'tiers', 'TIERS-L',
               'mo', 'monnaie', 'Monnaie l', 'bu', 'budget', 'al', 'conf', 'co', 'ec', 'éc', 'ess')
    {
        my $e = uri_escape($p);
        $get->("/resources/_keywords?prefix=$e");
        $get->("/resources/_keywords?prefix=$e&limit=" . pick([ 1, 3, 100 ]));
    }
    for my $p ('a' .. 'z', 'AU', 'aut', 'Autres', 'cl', 'classi', 'ress', 'f') {
        $get->('/resources/_types?prefix=' . uri_escape($p));
    }

    # lookups: every private record (up to 60), public and missing ones
    my @priv = grep { $_->{private} } @$with;
    my @pub = grep { !$_->{private} } @$with;
    $get->("/resources/$_->{id}") for @priv[0 .. ($#priv < 59 ? $#priv : 59)];
    $get->("/resources/$pub[$_ * @pub / 60]{id}") for 0 .. 59;
    $get->("/resources/$_") for qw(res-99999-nothing nothing a-b-c 0 res--);

    # random list queries, some with a filter of the private records' own
    my @special = (
        [ kw => 'Qpv' ], [ kw => 'QPV' ], [ kw => 'qpv' ], [ kw => 'TIERS-LIEUX' ],
        [ kw => 'tiers-lieux' ], [ type => 'AUTRES' ], [ type => 'Autres' ],
        [ kw => 'Confidentiel' ], [ type => 'Classifié' ], [ kw => 'monnaie locale' ],
        [ kw => 'Budget participatif' ], [ kw => 'Alimentation durable' ],
        [ q => 'kermesse' ], [ q => 'kermes' ], [ q => 'zorglub' ], [ q => 'xylo' ],
        [ q => '-kermesse' ], [ q => 'kermesse OR' ], [ q => '-"kermesse vol"' ],
        [ from => '2031' ], [ to => '2031' ],
    );
    my @lists;
    for (1 .. $Queries) {
        my $q = random_query($cat, $ref);
        if (rand() < 0.3) {
            my ($k, $v) = @{ pick(\@special) };
            if ($k eq 'kw' || $k eq 'type') { push @{ $q->{$k} }, $v }
            elsif ($k eq 'q') { $q->{q} = defined $q->{q} ? "$v $q->{q}" : $v }
            else { $q->{$k} = $v }
        }
        my $qs = query_string($q);
        push @lists, $qs;
        $get->("/resources?$qs");
    }
    # a fifth of them as feeds (without facets)
    for my $i (grep { $_ % 5 == 0 } 0 .. $#lists) {
        (my $qs = $lists[$i]) =~ s/(^|&)facets?(_limit)?=[^&]*//g;
        $qs =~ s/^&//;
        $get->("/resources/_feed?$qs");
    }

    # HEAD and conditional requests, on a sample of the above
    my @all = map { $_->[1] } @r;
    my @sample = @all[ map { $_ * @all / 150 } 0 .. 149 ];
    push @r, map { [ 'HEAD', $_ ] } @sample;
    my $n = 0;
    for my $uri (@sample) {
        my $h = (
            [ "If-None-Match: $etag" ],
            [ 'If-None-Match: "0000000000000000"' ],
            [ "If-None-Match: \"0000000000000000\", $etag" ],
            [ 'If-Modified-Since: {OWN_LM}' ],
            [ 'If-Modified-Since: Mon, 01 Jan 2001 00:00:00 GMT' ],
            [ 'If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT' ],
            [ "If-None-Match: $etag", 'If-Modified-Since: {OWN_LM}' ],
        )[ $n++ % 7 ];
        push @r, [ ($n % 3 ? 'GET' : 'HEAD'), $uri, @$h ];
    }
    return \@r;
}

# what makes a request's kind, for the summary
sub kind {
    my ($uri) = @_;
    return $uri =~ m{^/resources/(_\w+)} ? $1
         : $uri =~ m{^/resources/[^?]} ? 'lookup'
         : $uri =~ /facets=/ ? 'list with facets' : 'list';
}

# ---------------------------------------------------------------------------
# Two answers, the same but for Date and the build times ($norm)

sub normalize {
    my ($s, $norm) = @_;
    return $s unless defined $s;
    for my $k (sort keys %$norm) {
        my $v = $norm->{$k};
        $s =~ s/\Q$k\E/$v/g;
    }
    return $s;
}

# the differences of $y from $x, said "..., without private records ..."
# (or $label), with Date, Connection and Keep-Alive (the connection's
# history) left out
sub differences {
    my ($x, $y, $norm, $label) = @_;
    $label //= 'without private records';
    return "no answer $label: $x->{error}" if $x->{error};
    return "no answer: $y->{error}" if $y->{error};
    my @why;
    push @why, "status $y->{status}, $label $x->{status}" if $x->{status} != $y->{status};
    my @hx = map { [ $_->[0], normalize($_->[1], $norm) ] } grep { $_->[0] !~ /^(date|connection|keep-alive)$/i } @{ $x->{headers} };
    my @hy = map { [ $_->[0], normalize($_->[1], $norm) ] } grep { $_->[0] !~ /^(date|connection|keep-alive)$/i } @{ $y->{headers} };
    my %vx = map { (lc $_->[0] => $_->[1]) } @hx;
    my %vy = map { (lc $_->[0] => $_->[1]) } @hy;
    for my $k (sort keys %{ { %vx, %vy } }) {
        next if ($vx{$k} // "\0") eq ($vy{$k} // "\0");
        push @why, "header $k: \"" . ($vy{$k} // '(none)') . "\", $label \""
                   . ($vx{$k} // '(none)') . '"';
    }
    push @why, 'the headers come in another order'
        if !@why && join("\n", map { lc $_->[0] } @hx) ne join("\n", map { lc $_->[0] } @hy);
    my ($bx, $by) = (normalize($x->{body}, $norm), normalize($y->{body}, $norm));
    if ($bx ne $by) {
        my $i = 0;
        $i++ while $i < length $bx && $i < length $by && substr($bx, $i, 1) eq substr($by, $i, 1);
        my $from = $i > 60 ? $i - 60 : 0;
        push @why, "body differs at byte $i: \"" . substr($by, $from, 160) . "\", $label \""
                   . substr($bx, $from, 160) . '"';
    }
    return @why;
}

# ---------------------------------------------------------------------------
# A private record changed: nothing changes in the public location

sub private_edit {
    my ($recs) = catalogue(260, 40, 5201);
    my $out = "$Dir/edit.mdb";
    load("$Dir/edit-1.jsonl", $recs, $out, $Epoch);
    start_nginx(
        name => '052 private edit',
        log_level => 'info',
        config => <<"_EOC_",
    location /resources {
        resources_db $out;
        resources;
        resources_check_interval 100ms;
    }
    location /staff/resources {
        resources_db $out;
        resources;
        resources_private on;
        resources_check_interval 100ms;
    }
_EOC_
    );
    my $client = Resources::Differential::Client->new(port => server_port());
    my ($priv) = grep { $_->{private} } @$recs;
    my ($pub) = grep { !$_->{private} } @$recs;
    my @public = ('/resources', '/resources/_meta', "/resources/$pub->{id}",
                  '/resources?facets=kw,type,year&q=zorb', '/resources/_keywords', '/resources/_feed');
    my %before = map { $_ => $client->request('GET', $_) } @public, '/staff/resources', '/staff/resources/_meta';
    my $etag = $before{'/resources'}{header}{etag};
    my $lm = $before{'/resources'}{header}{'last-modified'};
    my $petag = $before{'/staff/resources'}{header}{etag};
    my ($version) = $before{'/resources/_meta'}{body} =~ /"version":"([0-9a-f]+)"/;
    is $client->request('GET', '/resources', "If-None-Match: $etag")->{status}, 304, 'before: If-None-Match gets a 304';
    is $client->request('GET', '/resources', "If-Modified-Since: $lm")->{status}, 304, 'before: If-Modified-Since gets a 304';

    # one private record's summary changed, loaded over the published file,
    # a day later
    Time::HiRes::sleep(1.1);
    $priv->{summary} = 'Un résumé changé, que seul le personnel voit.';
    load("$Dir/edit-2.jsonl", $recs, $out, $Epoch + 86400);
    my $now;
    for (1 .. 50) {
        $now = $client->request('GET', '/staff/resources');
        last if ($now->{header}{etag} // '') ne $petag;
        Time::HiRes::sleep(0.1);
    }
    isnt $now->{header}{etag}, $petag, "private location: the ETag changes ($petag, then "
        . ($now->{header}{etag} // 'none') . ')';
    my ($pv1) = $before{'/staff/resources/_meta'}{body} =~ /"version":"([0-9a-f]+)"/;
    my ($pv2) = ($client->request('GET', '/staff/resources/_meta')->{body} // '') =~ /"version":"([0-9a-f]+)"/;
    isnt $pv2, $pv1, 'private location: _meta\'s version changes';

    for my $uri (@public) {
        my $r = $client->request('GET', $uri);
        my @why = differences($before{$uri}, $r, {}, 'before');
        ok !@why, "public location, $uri: the same answer after a private edit"
            or diag join "\n", @why;
    }
    my $r = $client->request('GET', '/resources');
    is $r->{header}{etag}, $etag, 'public location: the same ETag';
    is $r->{header}{'last-modified'}, $lm, 'public location: the same Last-Modified';
    my ($v2) = ($client->request('GET', '/resources/_meta')->{body} // '') =~ /"version":"([0-9a-f]+)"/;
    is $v2, $version, 'public location: the same _meta version';
    for my $m ('GET', 'HEAD') {
        is $client->request($m, '/resources', "If-None-Match: $etag")->{status}, 304,
            "public location: If-None-Match still gets a 304 ($m)";
        is $client->request($m, '/resources', "If-Modified-Since: $lm")->{status}, 304,
            "public location: If-Modified-Since still gets a 304 ($m)";
        is $client->request($m, "/resources/$pub->{id}", "If-None-Match: $etag")->{status}, 304,
            "public location, a lookup: If-None-Match still gets a 304 ($m)";
    }
    is $client->request('GET', "/resources/$priv->{id}")->{status}, 404, 'the private record is still a 404 there';
    is $client->request('GET', '/staff/resources', "If-None-Match: $petag")->{status}, 200,
        'private location: its old ETag gets a 200';

    # a public record changed: the public ETag changes (the test above is
    # not a location that never changes)
    $pub->{summary} = 'Un résumé public changé.';
    load("$Dir/edit-3.jsonl", $recs, $out, $Epoch + 2 * 86400);
    for (1 .. 50) {
        $r = $client->request('GET', '/resources');
        last if ($r->{header}{etag} // '') ne $etag;
        Time::HiRes::sleep(0.1);
    }
    isnt $r->{header}{etag}, $etag, 'a public edit changes the public ETag';
    is $client->request('GET', '/resources', "If-None-Match: $etag")->{status}, 200,
        'and the old ETag gets a 200';
    stop_nginx();
}
