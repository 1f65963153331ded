# A damaged snapshot must not be able to crash a worker (#20): snapshots
# crafted through LMDB itself (so that LMDB's own structure stays valid and
# only our data is wrong: a posting entry past the end, an unsorted
# posting, columns out of range, short bitmaps, bad facet and pair tables)
# and snapshots with one random bit flipped are renamed into place while
# nginx serves.  Each must be refused at open (the previous snapshot keeps
# being served) or served with every answer a 200, a 4xx, or a JSON 500
# with an [alert] naming the file: never a crash, never an HTML 500.  Under
# t/asan/run.sh the same requests also prove no read outside the map.

use strict;
use warnings;

use lib 't/lib';
use Resources::TestNginx;
use JSON::PP;
use File::Copy qw(copy);
use File::Temp qw(tempdir);
use Time::HiRes qw(sleep);

BEGIN {
    eval { require LMDB_File; LMDB_File->import(qw(:flags :cursor_op)); 1 }
        or do { print "1..0 # SKIP LMDB_File (liblmdb-file-perl) is missing\n"; exit 0 };
}

plan 'no_plan';

my $loader = $ENV{TEST_RESOURCES_LOADER} || 'build/resources-load';
my $tmp = tempdir(CLEANUP => 1);
my $interval = 0.1;

# a catalogue above every threshold: bitmaps (4096+ resources, terms over
# 1/64 of them), facet tables, pair counts, prefix unions, packed records
my $N = 5000;
my @words = qw(economie solidaire territoire cooperation foncier habitat
               mobilite alimentation emploi insertion culture numerique);
srand(20);
my $jsonl = '';
for my $i (0 .. $N - 1) {
    my @kw = grep { defined } ($i % 2 ? 'QPV' : undef), ($i % 3 ? undef : 'tiers-lieux'),
        ($i % 500 ? undef : 'rare'), ($i % 7 ? undef : 'SCIC');
    my $text = join ' ', map { $words[($i * 7 + $_ * 3) % @words] } 0 .. 5;
    $jsonl .= encode_json({
        id => "r$i", title => "Fiche $i " . $words[$i % @words],
        type => ($i % 4 ? 'Autres' : 'Ressources RTES'),
        private => ($i % 13 == 0 ? JSON::PP::true : JSON::PP::false),
        date => sprintf('%d-%02d', 2018 + $i % 7, 1 + $i % 12),
        keywords => \@kw, summary => "Résumé $text",
        body => "Corps du texte $i : $text, mot$i." }) . "\n";
}
open my $f, '>', "$tmp/c.jsonl" or die; print $f $jsonl; close $f;

# with synonyms ("meta" "syn", checked whole when the file opens)
open $f, '>', "$tmp/syn.txt" or die;
print $f "qpv, quartiers prioritaires, quartiers politique de la ville\n",
         "economie => solidaire, cooperation\nscic, tiers-lieux\n";
close $f;

my $good = "$tmp/good.mdb";
system($loader, '-q', '--synonyms', "$tmp/syn.txt", '-o', $good, "$tmp/c.jsonl") == 0
    or die 'loader failed';

my $pid = start_nginx(
    workers => 1,
    log_level => 'info',
    config => <<"_EOC_",
    location /r {
        resources_db html/catalogue.mdb;
        resources_check_interval 100ms;
        resources;
        resources_max_limit 1000;
    }
    location /p {
        resources_db html/catalogue.mdb;
        resources_check_interval 100ms;
        resources;
        resources_private on;
        resources_max_limit 1000;
    }
_EOC_
);

my $db = html_dir() . '/catalogue.mdb';

sub install {
    my ($file) = @_;
    copy($file, "$db.new") or die "copy: $!";
    chmod 0644, "$db.new";
    rename "$db.new", $db or die "rename: $!";
    sleep $interval * 3;
}

install($good);
my ($st, $h, $body) = http_request('/r?limit=0');
is $st, 200, 'the good snapshot is served';
my $good_etag = $h->{etag};

# --- mutations through LMDB: (name, code given the write txn's databases)

sub u32s { return unpack 'V*', $_[0] }

sub longest {
    my ($post, $prefix, $shortest) = @_;
    my $c = $post->Cursor;
    my ($k, $v, $best, $len);
    my $ok = eval { $c->get($k, $v, MDB_FIRST()); 1 };
    while ($ok) {
        if (substr($k, 0, length $prefix) eq $prefix && length($v) >= 8
            && (!defined $len || ($shortest ? length($v) < $len : length($v) > $len)))
        {
            ($best, $len) = ($k, length $v);
        }
        $ok = eval { $c->get($k, $v, MDB_NEXT()); 1 };
    }
    die "no posting under $prefix" unless defined $best;
    return $best;
}

sub set_u32 {
    my ($dbh, $key, $index, $value) = @_;
    my $v = $dbh->get($key);
    die "no $key" unless defined $v;
    $index = length($v) / 4 + $index if $index < 0;
    substr($v, $index * 4, 4) = pack 'V', $value;
    $dbh->put($key, $v);
}

my $past = 0x3ffffff0 << 2 | 1;     # an ordinal far past the end

my @mutations = (
    [ 'the longest word posting: an entry past the end', sub {
        my ($d) = @_; my $k = longest($d->{post}, 'pw');
        set_u32($d->{post}, $k, int(length($d->{post}->get($k)) / 8), $past) } ],
    [ 'a frequent word posting: an entry past the end', sub {
        set_u32($_[0]{post}, 'pweconom', 100, $past) } ],
    [ 'a word of a keyword: an entry past the end', sub {
        set_u32($_[0]{post}, 'pwtier', 10, $past) } ],
    [ 'a rare word posting: an entry past the end', sub {
        my ($d) = @_; my $k = longest($d->{post}, 'pw', 1);
        set_u32($d->{post}, $k, -1, $past) } ],
    [ 'an excluded rare word: a middle entry past the end', sub {
        set_u32($_[0]{post}, 'pwrare', 4, $past) } ],
    [ 'a private word posting: an entry past the end', sub {
        my ($d) = @_; my $k = longest($d->{post}, 'xw');
        set_u32($d->{post}, $k, 0, $past) } ],
    [ 'a keyword posting: its last entry past the end', sub {
        set_u32($_[0]{post}, 'pkqpv', -1, $past) } ],
    [ 'a keyword posting: its first entry past the end', sub {
        set_u32($_[0]{post}, 'pkrare', 0, $past) } ],
    [ 'every resource: an entry past the end', sub {
        set_u32($_[0]{post}, 'p*', 3, $past) } ],
    [ 'a word posting out of order', sub {
        my ($d) = @_; my $k = longest($d->{post}, 'pw');
        my @e = u32s($d->{post}->get($k)); @e[1, -2] = @e[-2, 1];
        $d->{post}->put($k, pack 'V*', @e) } ],
    [ 'a type posting: zero entries, then past the end', sub {
        my ($d) = @_; my @e = u32s($d->{post}->get('ptautres'));
        $e[$_] = 0 for 0 .. 9; $e[-1] = $past;
        $d->{post}->put('ptautres', pack 'V*', @e) } ],
    [ 'a posting of odd length', sub {
        my ($d) = @_; $d->{post}->put('pkqpv', substr($d->{post}->get('pkqpv'), 0, -2)) } ],
    [ 'kwids: a keyword id out of range', sub { set_u32($_[0]{cols}, 'kwids', 5, 0xffffff) } ],
    [ 'kwoff: an offset past the end', sub { set_u32($_[0]{cols}, 'kwoff', 100, 0x7fffffff) } ],
    [ 'kwoff: decreasing', sub { set_u32($_[0]{cols}, 'kwoff', 200, 1) } ],
    [ 'type: a type id out of range', sub { set_u32($_[0]{cols}, 'type', 7, 0xffffff) } ],
    [ 'date: increasing', sub {
        set_u32($_[0]{cols}, 'date', 0, 19000100); set_u32($_[0]{cols}, 'date', -1, 29991200) } ],
    [ 'title: a rank out of range', sub { set_u32($_[0]{cols}, 'title', 11, 0xfffffff0) } ],
    [ 'bytitle: a docno out of range', sub { set_u32($_[0]{cols}, 'bytitle', 13, $N + 7) } ],
    [ 'rec: an offset past its chunk', sub {
        my ($d) = @_; my $v = $d->{cols}->get('rec');
        substr($v, 8 * 3, 8) = pack 'VV', 0x7ffffff0, 0; $d->{cols}->put('rec', $v) } ],
    [ 'rec: a chunk that does not exist', sub {
        my ($d) = @_; my $v = $d->{cols}->get('rec');
        substr($v, 8 * 4, 8) = pack 'VV', 0, 999; $d->{cols}->put('rec', $v) } ],
    [ 'a keyword bitmap cut short', sub {
        my ($d) = @_; $d->{post}->put('bkqpv', substr($d->{post}->get('bkqpv'), 0, -16)) } ],
    [ 'a keyword bitmap with bits past the last resource', sub {
        my ($d) = @_; my $v = $d->{post}->get('bkqpv');
        substr($v, -8, 8) = "\xff" x 8; $d->{post}->put('bkqpv', $v) } ],
    [ 'a word bitmap cut short', sub {
        my ($d) = @_; my $k = longest($d->{post}, 'bw');
        $d->{post}->put($k, substr($d->{post}->get($k), 0, 8)) } ],
    [ 'a facets table: a keyword id out of range', sub { set_u32($_[0]{post}, 'fkqpv', 3, 0xffffff) } ],
    [ 'a facets table: counts longer than the table', sub { set_u32($_[0]{post}, 'fkqpv', 0, 0x10000000) } ],
    [ 'the facets of every resource: a year of 0', sub {
        my ($d) = @_; my @e = u32s($d->{post}->get('f*'));
        my $at = 3 + 2 * ($e[0] + $e[1]); $e[$at] = 0 if $at < @e;
        $d->{post}->put('f*', pack 'V*', @e) } ],
    [ 'the pair counts: more bitmaps than the table holds', sub { set_u32($_[0]{post}, 'c*', 0, 0x7fffffff) } ],
    [ 'the pair counts: a key length past the value', sub {
        my ($d) = @_; my $v = $d->{post}->get('c*'); substr($v, 4, 1) = "\xff"; $d->{post}->put('c*', $v) } ],
    [ 'a term: a display length past its value', sub {
        my ($d) = @_; my $v = $d->{terms}->get('kqpv'); substr($v, 12, 4) = pack 'V', 0x7fffffff;
        $d->{terms}->put('kqpv', $v) } ],
    [ 'a term id: a folded length past its value', sub {
        my ($d) = @_; my $c = $d->{tids}->Cursor; my ($k, $v);
        $c->get($k, $v, MDB_FIRST()); substr($v, 16, 4) = pack 'V', 0x7fffffff;
        $d->{tids}->put($k, $v) } ],
    [ 'a prefix union cut short', sub {
        my ($d) = @_; my $k = eval { longest($d->{post}, 'bu') } or return;
        $d->{post}->put($k, substr($d->{post}->get($k), 0, 24)) } ],
    [ 'an id pointing past the last resource', sub { $_[0]{ids}->put('r5', pack 'V', $N + 50) } ],
    [ 'the synonyms: a trigger\'s form out of range', sub { set_u32($_[0]{meta}, 'syn', 6, 0xfffffff) } ],
    [ 'the synonyms: an expansion list past the others', sub { set_u32($_[0]{meta}, 'syn', 8, 0x7fffffff) } ],
    [ 'the synonyms: a word offset past the text', sub {
        my $v = $_[0]{meta}->get('syn'); my ($t, $f, $w, $e) = unpack 'x4 V4', $v;
        set_u32($_[0]{meta}, 'syn', 6 + 3 * $t + $e + 2 * $f + 1, 0xfffff) } ],
    [ 'the synonyms: cut short', sub { my $v = $_[0]{meta}->get('syn'); $_[0]{meta}->put('syn', substr($v, 0, -4)) } ],
    [ 'the synonyms: the header\'s flag without the value', sub { $_[0]{meta}->del('syn') } ],
    [ 'the word list: cut short', sub { my $v = $_[0]{meta}->get('words'); $_[0]{meta}->put('words', substr($v, 0, -1)) } ],
    [ 'the word list: a word offset past the text', sub { set_u32($_[0]{meta}, 'words', 4, 0xfffffff) } ],
    [ 'the word list: a form\'s word out of range', sub {
        my $v = $_[0]{meta}->get('words'); my ($n, $b) = unpack 'x4 V2', $v;
        my $at = (12 + 4 * ($n + 1) + $n + $b + 3) & ~3;                  # the forms
        my ($nf) = unpack "x$at V", $v;
        set_u32($_[0]{meta}, 'words', ($at + 8 + 4 * ($nf + 1)) / 4, 0xfffffff) } ],
    [ 'the word list: the header\'s flag without the value', sub { $_[0]{meta}->del('words') } ],
    [ 'the typo index: cut short', sub { my $v = $_[0]{meta}->get('typoix'); $_[0]{meta}->put('typoix', substr($v, 0, -4)) } ],
    [ 'the typo index: a bucket past the entries', sub {
        my ($bits, $n) = unpack 'x4 V2', $_[0]{meta}->get('typoix');
        set_u32($_[0]{meta}, 'typoix', 4 + (1 << $bits) / 2, $n + 7) } ],
    [ 'the typo index: a node past its form\'s end', sub {
        my ($bits, $n) = unpack 'x4 V2', $_[0]{meta}->get('typoix');
        set_u32($_[0]{meta}, 'typoix', 4 + (1 << $bits) + 1 + $n, 0xff) } ],
    [ 'the typo index: the header\'s flag without the value', sub { $_[0]{meta}->del('typoix') } ],
);

sub mutate {
    my ($code, $out) = @_;
    copy($good, $out) or die "copy: $!";
    my $env = LMDB::Env->new($out, { mapsize => 4 * (-s $good) + (64 << 20), maxdbs => 8,
                                     flags => MDB_NOSUBDIR() | MDB_NOLOCK() });
    my $txn = $env->BeginTxn;
    my %d = map { $_ => $txn->OpenDB({ dbname => $_ }) } qw(post cols terms tids ids meta);
    $code->(\%d);
    $txn->commit;
}

# the requests: every route, both views, the strategies of the list
my @requests = map { ("/r$_", "/p$_") } (
    '?limit=5', '?kw=QPV', '?kw=QPV&kw=tiers-lieux', '?kw=QPV&type=Autres&facets=year',
    '?q=economie', '?q=economie&kw=QPV', '?q=tiers&kw=QPV', '?q=solidaire%20foncier',
    '?q=coop', '?q=econ&facets=kw,type', '?q=mot77', '?kw=rare', '?kw=rare&q=economie',
    '?q=habitat%20-rare', '?q=habitat%20-foncier%20-rare',
    '?facets=kw,type,year', '?kw=QPV&facets=kw,type,year&facet_limit=20',
    '?kw=SCIC&facets=kw,type,year', '?type=Autres&type=Ressources%20RTES&kw=SCIC',
    '?sort=title&limit=20', '?kw=QPV&sort=title&offset=100', '?kw=SCIC&sort=title',
    '?sort=oldest&kw=QPV', '?from=2020&to=2022&kw=QPV&facets=year',
    '?q=habitat&sort=newest&offset=50&limit=50', '?q=culture&sort=relevance&limit=100',
    '?kw=QPV&offset=2400&limit=100', '/_keywords?prefix=t', '/_keywords', '/_types',
    '/_meta', '/_feed?kw=QPV', '/r1', '/r5', '/r4999', '/r13',
);

sub probe {
    my ($name) = @_;
    my ($bad, $html500, $n500) = (0, 0, 0);
    for my $uri (@requests) {
        my ($s, $hd, $bd) = http_request($uri);
        if (!defined $s || $s !~ /^(200|304|400|404|500)$/) {
            $bad++;
            diag "$name: $uri: " . ($s // 'no answer');
            next;
        }
        next unless $s == 500;
        $n500++;
        if (($hd->{'content-type'} // '') !~ m{^application/json}
            || $bd !~ /^\{"error":\{"status":500,"message":"[^"]+"\}\}$/)
        {
            $html500++;
            diag "$name: $uri: a 500 that is not our JSON: $bd";
        }
    }
    return ($bad, $html500, $n500);
}

my (%outcome, $verify_missed);
for my $m (@mutations) {
    my ($name, $code) = @$m;
    my $file = "$tmp/mutated.mdb";
    mutate($code, $file);

    my $rc = system("$loader --verify $file >/dev/null 2>&1") >> 8;
    $verify_missed .= "$name\n" if $rc == 0;

    error_log_new();
    install($file);
    my ($bad, $html500, $n500) = probe($name);
    my $log = error_log_new();
    my $refused = $log =~ /cannot open "[^"]*catalogue\.mdb"/ ? 1 : 0;

    is $bad, 0, "$name: every answer is a 200, 304, 400, 404 or 500";
    is $html500, 0, "$name: every 500 is our JSON";
    unlike $log, qr/exited on signal|segfault|AddressSanitizer|runtime error/,
        "$name: no worker died";
    if ($n500) {
        like $log, qr/\[alert\].*catalogue\.mdb/, "$name: $n500 500s, with an [alert] naming the file";
    }
    if ($name =~ /^the (synonyms|word list|typo index)/) {
        ok $refused, "$name: refused at open";
    }
    $outcome{$refused ? 'refused at open' : $n500 ? 'served, some 500s' : 'served'}++;
    diag "$name: " . ($refused ? 'refused at open' : "served, $n500 500s");

    install($good);
    ($st, $h) = http_request('/r?limit=0');
    is "$st $h->{etag}", "200 $good_etag", "$name: the good snapshot is served again";
}

is $verify_missed // '', '', 'resources-load --verify refuses every crafted snapshot';

# --- one random bit flipped, anywhere in the file

my $bytes = do { open my $i, '<:raw', $good or die; local $/; <$i> };
my $flips = $ENV{TEST_RESOURCES_FLIPS} || 60;
srand(53);
my ($flip_bad, $flip_html, $flip_dead) = (0, 0, 0);
for my $n (1 .. $flips) {
    my $copy = $bytes;
    my $at = int(rand(length $copy));
    vec($copy, $at * 8 + int(rand(8)), 1) ^= 1;
    open my $o, '>:raw', "$tmp/flip.mdb" or die; print $o $copy; close $o;

    error_log_new();
    install("$tmp/flip.mdb");
    my ($bad, $html500, $n500) = probe("bit flip at byte $at");
    my $log = error_log_new();
    $flip_bad += $bad;
    $flip_html += $html500;
    $flip_dead++ if $log =~ /exited on signal|AddressSanitizer|runtime error/;
    $outcome{'flip: ' . ($log =~ /cannot open/ ? 'refused at open' : $n500 ? 'served, some 500s' : 'served')}++;
}
is $flip_bad, 0, "$flips random bit flips: every answer a 200, 304, 400, 404 or 500";
is $flip_html, 0, "$flips random bit flips: every 500 is our JSON";
is $flip_dead, 0, "$flips random bit flips: no worker died";
diag join ', ', map { "$_: $outcome{$_}" } sort keys %outcome;

install($good);
($st, $h) = http_request('/r?limit=0');
is "$st $h->{etag}", "200 $good_etag", 'after all that, the good snapshot is served';
is((kill 0, $pid), 1, 'the master is alive');

stop_nginx();
