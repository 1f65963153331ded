# The loader counts every pair of frequent terms' bitmaps (key "c*",
# docs/design.md "Pair counts"): a request whose filters are one or two of
# them, over every date, takes its total from that table.  Here the totals
# are checked against the same query computed in Perl, whether the table
# answered (the debug log says "as the loader counted it") or not; that the
# table answers exactly when it should; that it keeps the most frequent
# bitmaps, one per 128 resources; and that --verify counts it again.

use strict;
use warnings;

use lib 't/lib';
use Resources::TestNginx;
use File::Temp qw(tempdir);
use JSON::PP;

plan 'no_plan';

my $N = 6000;
my (@recs, $jsonl);
for my $i (0 .. $N - 1) {
    my @kw = grep { defined } ($i % 2 == 0 ? 'Alpha' : undef),
        ($i % 3 == 0 ? 'beta' : undef), ($i % 1000 == 0 ? 'rare' : undef);
    my @words = grep { defined } ($i % 2 == 1 ? 'foncier' : undef),
        ($i % 3 == 1 ? 'solidaire' : undef), ($i % 11 == 0 ? 'special' : undef),
        ($i % 200 == 0 ? 'unique' : undef),
        (qw(coop coopérative coopération coopératives coopère))[$i % 5];
    my $r = { id => "r$i", title => sprintf('Titre %05d', $i),
              type => ($i % 4 == 0 ? 'T1' : 'T2'),
              private => ($i % 7 == 0 ? JSON::PP::true : JSON::PP::false),
              date => sprintf('%d-%02d', 2020 + $i % 5, 1 + $i % 12),
              keywords => \@kw, summary => join(' ', 'texte', @words) };
    push @recs, { %$r, i => $i, words => { map { $_ => 1 } @words } };
    $jsonl .= encode_json($r) . "\n";
}

my @order = sort { $b->{date} cmp $a->{date} || $a->{i} <=> $b->{i} } @recs;

# the public resources that match: keywords (AND), a type, words of q (AND;
# a word ending in "*" is a prefix), a date range
sub expect {
    my (%q) = @_;
    my @m = grep { !$_->{private} } @order;
    for my $k (@{ $q{kw} || [] }) {
        @m = grep { my $r = $_; grep { lc $_ eq lc $k } @{ $r->{keywords} } } @m;
    }
    @m = grep { $_->{type} eq $q{type} } @m if $q{type};
    for my $w (@{ $q{q} || [] }) {
        if ($w =~ /^(.*)\*$/) {
            my $p = $1;
            @m = grep { grep { /^\Q$p\E/ } keys %{ $_->{words} } } @m;
        } else {
            @m = grep { $_->{words}{$w} } @m;
        }
    }
    @m = grep { $_->{date} ge $q{from} } @m if $q{from};
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

# [ query, the model's arguments, the total as the loader counted it? ]
my @cases = (
    [ 'kw=Alpha&kw=beta',              { kw => ['Alpha', 'beta'] }, 1 ],
    [ 'kw=beta&kw=ALPHA',              { kw => ['Alpha', 'beta'] }, 1 ],
    [ 'kw=Alpha&kw=alpha',             { kw => ['Alpha'] }, 1 ],
    [ 'kw=Alpha&type=T1',              { kw => ['Alpha'], type => 'T1' }, 1 ],
    [ 'q=foncier%20solidaire',         { q => ['foncier', 'solidaire'] }, 1 ],
    [ 'q=solidaire%20special',         { q => ['solidaire', 'special'] }, 1 ],
    [ 'q=special',                     { q => ['special'] }, 1 ],
    [ 'q=special%20coop',              { q => ['special', 'coop*'] }, 1 ],
    [ 'kw=beta&q=foncier',             { kw => ['beta'], q => ['foncier'] }, 1 ],
    [ 'type=T2&q=solidaire',           { type => 'T2', q => ['solidaire'] }, 1 ],
    [ 'kw=Alpha&kw=beta&from=2000',    { kw => ['Alpha', 'beta'] }, 1 ],
    # not: three filters, a date range, a rare term, a sort, a list
    [ 'kw=Alpha&kw=beta&type=T1',      { kw => ['Alpha', 'beta'], type => 'T1' }, 0 ],
    [ 'q=foncier%20solidaire%20special', { q => ['foncier', 'solidaire', 'special'] }, 0 ],
    [ 'kw=Alpha&kw=beta&from=2022',    { kw => ['Alpha', 'beta'], from => '2022-01' }, 0 ],
    [ 'q=foncier%20solidaire&from=2023', { q => ['foncier', 'solidaire'], from => '2023-01' }, 0 ],
    [ 'kw=Alpha&kw=rare',              { kw => ['Alpha', 'rare'] }, 0 ],
    [ 'q=special%20unique',            { q => ['special', 'unique'] }, 0 ],
    [ 'kw=Alpha',                      { kw => ['Alpha'] }, 0 ],
);

for my $c (@cases) {
    my ($args, $q, $table) = @$c;
    my ($total, $ids) = expect(%$q);
    error_log_new();
    my ($st, $h, $body) = http_request("/r?$args&limit=5");
    is $st, 200, "$args: 200";
    is decode_json($body)->{total}, $total, "$args: total $total";
    my $log = error_log_new();
    is(($log =~ /total \d+ as the loader counted it/ ? 1 : 0), $table,
       "$args: " . ($table ? '' : 'not ') . 'as the loader counted it');
    unlike $log, qr/\[(error|alert|crit)\]/, "$args: no error";

    # the default order's page, from the bitmaps, whatever the total's source
    next if $args =~ /q=/;
    ($st, $h, $body) = http_request("/r?$args&offset=37&limit=25");
    is_deeply [ map { $_->{id} } @{ decode_json($body)->{items} } ],
        [ grep { defined } @$ids[37 .. 61] ], "$args: page at 37";
}

# the private location never reads the table
{
    my @m = grep { my $r = $_; (grep { $_ eq 'Alpha' } @{ $r->{keywords} })
                   && grep { $_ eq 'beta' } @{ $r->{keywords} } } @order;
    error_log_new();
    my ($st, $h, $body) = http_request('/p?kw=Alpha&kw=beta&limit=0');
    is decode_json($body)->{total}, scalar @m, 'private location: its total';
    unlike error_log_new(), qr/as the loader counted it/,
        'private location: not as the loader counted it';
}

stop_nginx();

# --verify counts the table again: a bitmap changed under it is found

my $dir = tempdir(CLEANUP => 1);
chmod 0755, $dir;       # the workers run as nobody
my $loader = $ENV{TEST_RESOURCES_LOADER} || 'build/resources-load';

sub run_loader {
    my $out = `$loader @_ 2>&1`;
    return (($? & 127) ? 128 + ($? & 127) : $? >> 8, $out);
}

{
    open my $f, '>', "$dir/c.jsonl" or die;
    print $f $jsonl;
    close $f;
    my ($rc, $out) = run_loader('-q', '-o', "$dir/c.mdb", "$dir/c.jsonl");
    is $rc, 0, 'the catalogue loads' or diag $out;
    ($rc, $out) = run_loader('--verify', "$dir/c.mdb");
    is $rc, 0, 'and verifies' or diag $out;

    # the bitmap of "beta" (750 bytes, in a leaf page after its key): one
    # byte of it changed
    open my $g, '<:raw', "$dir/c.mdb" or die;
    my $bytes = do { local $/; <$g> };
    close $g;
    my $at = index($bytes, "bkbeta");
    ok $at > 0, 'the bitmap of "beta" found in the file';
    is index($bytes, "bkbeta", $at + 1), -1, 'once';
    substr($bytes, $at + 6 + 100, 1) ^= "\x01";
    open $g, '>:raw', "$dir/changed.mdb" or die;
    print $g $bytes;
    close $g;
    ($rc, $out) = run_loader('--verify', "$dir/changed.mdb");
    is $rc, 1, 'a bitmap changed under the pair counts: --verify exits 1';
    like $out, qr/changed\.mdb: the pair counts are wrong/, 'and says so';

    # without /proc (a chroot, a container), where the bitmaps' offsets in
    # the file cannot be known: counted through the map, the same verdicts
    SKIP: {
        my $probe = `unshare -m sh -c 'mount -t tmpfs none /proc && echo ok' 2>/dev/null`;
        skip 'no mount namespace here (unshare -m needs root)', 4
            unless $probe =~ /^ok/;

        # t/asan's loader: its sanitizer's runtime stops the process
        # without /proc ("LeakSanitizer has encountered a fatal error",
        # even with detect_leaks=0); the plain loader runs this
        skip 'the sanitizers need /proc', 4 if $ENV{ASAN_OPTIONS};
        for my $c ([ 'c.mdb', 0, qr/: ok: / ],
                   [ 'changed.mdb', 1, qr/the pair counts are wrong/ ])
        {
            my ($f, $want, $re) = @$c;
            my $cmd = "mount -t tmpfs none /proc && $loader --verify $dir/$f";
            my $got = `unshare -m sh -c '$cmd' 2>&1`;
            is $? >> 8, $want, "no /proc: --verify $f exits $want" or diag $got;
            like $got, $re, "no /proc: --verify $f";
        }
    }
}

# The table keeps the bitmaps with the most bits (ties in key order), one
# per 128 resources at most (and 1024): 4096 resources here, so 32.  Word
# j is in the resources i with i % 64 == j % 64, i.e. in 64 of them,
# exactly ndocs / 64: 40 such words, and "titre", "texte" and the type in
# every resource, so the table holds those three and the first 29 words in
# key order, and leaves out the last 11.

{
    my @letters = split //, 'bcdfghjklmnpqrtvz';
    # no two words share their first two letters: no prefix union
    my @w = map { $letters[$_ / 17] . $letters[$_ % 17] . 'a' } 0 .. 39;
    open my $f, '>', "$dir/many.jsonl" or die;
    for my $i (0 .. 4095) {
        my @mine = @w[grep { $_ % 64 == $i % 64 } 0 .. 39];
        print $f encode_json({ id => "m$i", title => "Titre $i", type => 'T',
                               date => '2024-01',
                               summary => join(' ', 'texte', @mine) }), "\n";
    }
    close $f;
    my ($rc, $out) = run_loader('-q', '-o', "$dir/many.mdb", "$dir/many.jsonl");
    is $rc, 0, '40 frequent words: loads' or diag $out;
    ($rc, $out) = run_loader('--verify', "$dir/many.mdb");
    is $rc, 0, 'and verifies' or diag $out;

    start_nginx(config => <<"_EOC_");
    location /r {
        resources_db $dir/many.mdb;
        resources;
    }
_EOC_

    for my $c ([ "$w[0] $w[28]", 0, 1 ], [ "titre $w[5]", 64, 1 ],
               [ "$w[28] texte", 64, 1 ], [ "$w[29] titre", 64, 0 ],
               [ "$w[39]", 64, 0 ], [ "$w[28]", 64, 1 ],
               [ "$w[3] $w[35]", 0, 0 ])
    {
        my ($q, $total, $table) = @$c;
        error_log_new();
        my ($st, $h, $body) = http_request("/r?q=$q&limit=1" =~ s/ /%20/gr);
        is decode_json($body)->{total}, $total, "q=$q: total $total";
        my $log = error_log_new();
        is(($log =~ /as the loader counted it/ ? 1 : 0), $table,
           "q=$q: " . ($table ? '' : 'not ') . 'as the loader counted it');
        unlike $log, qr/\[(error|alert|crit)\]/, "q=$q: no error";
    }
    stop_nginx();
}
