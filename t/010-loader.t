# The loader: input formats, validation, diagnostics, exit codes and the
# publish protocol (the published snapshot never changes on a failure).

use strict;
use warnings;

use Test::More;
use File::Temp qw(tempdir);
use JSON::PP;
use Digest::SHA qw(sha256_hex);
use POSIX qw(:sys_wait_h);
use Time::HiRes qw(time);

my $loader = $ENV{TEST_RESOURCES_LOADER} || 'build/resources-load';
my $listing = '../shared/catalogue/rtes-listing.txt';
my $dir = tempdir(CLEANUP => 1);
my $json = JSON::PP->new->canonical;

# runs the loader; returns (exit code, stdout, stderr).  A first argument
# \$text is its standard input, a file; { pipe => $text }, a pipe
sub load {
    my (@args) = @_;
    my $stdin = ref $args[0] ? shift @args : undef;
    my $out = "$dir/stdout";
    my $err = "$dir/stderr";
    my ($r, $w);
    if (ref $stdin eq 'HASH') {
        pipe($r, $w) or die "pipe: $!";
    }
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        if ($r) {
            close $w;
            open STDIN, '<&', $r or die;
        } elsif ($stdin) {
            spew("$dir/stdin", $$stdin);
            open STDIN, '<', "$dir/stdin" or die;
        }
        open STDOUT, '>', $out or die;
        open STDERR, '>', $err or die;
        exec $loader, @args or exit 127;
    }
    if ($r) {
        close $r;
        print $w $stdin->{pipe};
        close $w;
    }
    waitpid $pid, 0;
    # a crash is 128 + its signal, as a shell says, never 0
    my $rc = ($? & 127) ? 128 + ($? & 127) : $? >> 8;
    return ($rc, slurp($out), slurp($err));
}

sub slurp {
    my ($file) = @_;
    open my $f, '<:raw', $file or return '';
    local $/;
    my $s = <$f>;
    return $s;
}

sub spew {
    my ($file, $s) = @_;
    open my $f, '>:raw', $file or die "$file: $!";
    print $f $s;
    close $f;
    return $file;
}

sub hash_of { my ($f) = @_; return -e $f ? sha256_hex(slurp($f)) : 'none' }

sub rec {
    my (%f) = @_;
    return $json->encode({ id => 'r1', title => 'Titre', type => 'Autres',
                           %f }) . "\n";
}

sub dump_records {
    my ($db) = @_;
    my ($rc, $out) = load('--dump', $db);
    return [ map { decode_json($_) } grep { length } split /\n/, $out ];
}

my $db = "$dir/catalogue.mdb";

# --- a good load, verify, dump

# (14 keywords: tiers-lieu and Tiers-lieux are one keyword since 0.7)
my ($rc, $out, $err) = load('-o', $db, 't/data/sample.jsonl');
is $rc, 0, 'sample loads' or diag $err;
like $out, qr/published \Q$db\E: 8 resources \(2 private\), 14 keywords, 3 types, \d+ bytes, version [0-9a-f]{16}, public version [0-9a-f]{16}, [\d.]+ s/,
    'summary line';
is sprintf('%o', (stat $db)[2] & 07777), '644', 'readable by the workers';
my ($version) = $out =~ /version ([0-9a-f]{16})/;

($rc, $out) = load('--verify', $db);
is $rc, 0, '--verify passes';
like $out, qr/ok: 8 resources \(2 private\), 14 keywords, 3 types, \d+ words, \d+ bytes, version $version, built \d{4}-/,
    '--verify summary';

my $records = dump_records($db);
is scalar @$records, 8, '--dump gives every record';
is $records->[0]{id}, 'fiche-deniche-12-la-cantine-partagee',
    'in input order';
is $records->[5]{private}, JSON::PP::true, 'private flag dumped';
is_deeply $records->[0]{keywords}, ['alimentation', 'tiers-lieu', 'SCIC'],
    'keywords as published';
is $records->[1]{series}, undef, 'missing optional fields are null';
is_deeply $records->[1]{links}, [], 'missing links are []';

# round trip: the dump loads to the same content version
(undef, my $dump) = load('--dump', $db);
spew("$dir/dump.jsonl", $dump);
($rc, $out) = load('-o', "$dir/again.mdb", "$dir/dump.jsonl");
is $rc, 0, 'the dump loads';
like $out, qr/version $version/, 'the dump round-trips to the same version';
(undef, my $dump2) = load('--dump', "$dir/again.mdb");
is $dump2, $dump, 'and dumps to the same bytes';

# --- records packed: the tail of each full form as an LZ4 block against the
# input's first bytes (docs/design.md, "Packed records"); -u stores them as
# they are; either way the same bytes come out

($rc, $out) = load('--verify', $db);
like $out, qr/, 8 records packed$/m, 'the sample\'s records are packed';
{
    my @words = qw(économie sociale solidaire territoire coopérative
                   collectivité insertion emploi tiers-lieu quartier);
    open my $g, '>', "$dir/bodies.jsonl" or die;
    for my $i (1 .. 300) {
        my $body = join ' ', map { $words[($i * 7 + $_ * 3) % @words] } 1 .. 400;
        print $g rec(id => "b-$i", summary => "summary $i end",
                     body => $body, tags => ["t$i"]);
    }
    close $g;
    ($rc, $out, $err) = load('-o', "$dir/packed.mdb", "$dir/bodies.jsonl");
    is $rc, 0, 'a catalogue with long bodies loads' or diag $err;
    my ($v) = $out =~ /version ([0-9a-f]{16})/;
    ($rc, $out, $err) = load('-u', '-o', "$dir/unpacked.mdb", "$dir/bodies.jsonl");
    is $rc, 0, '-u: loads' or diag $err;
    like $out, qr/version $v/, '-u: the same content version';
    ok -s "$dir/packed.mdb" < (-s "$dir/unpacked.mdb") / 2,
        sprintf('packed: %d bytes, unpacked: %d', -s "$dir/packed.mdb",
                -s "$dir/unpacked.mdb");
    like((load('--verify', "$dir/packed.mdb"))[1], qr/, 300 records packed$/m,
         '--verify counts the packed records');
    like((load('--verify', "$dir/unpacked.mdb"))[1], qr/, 0 records packed$/m,
         '-u: none packed');
    my $packed_dump = (load('--dump', "$dir/packed.mdb"))[1];
    is $packed_dump, (load('--dump', "$dir/unpacked.mdb"))[1],
        'packed or not, --dump gives the same bytes';

    # standard input, a pipe or a file: packed against its first bytes too,
    # as the file itself is
    my $bodies = slurp("$dir/bodies.jsonl");
    ($rc, $out, $err) = load({ pipe => $bodies }, '-o', "$dir/piped.mdb", '-');
    is $rc, 0, 'a pipe: loads' or diag $err;
    like $out, qr/version $v/, 'a pipe: the same content version';
    is -s "$dir/piped.mdb", -s "$dir/packed.mdb",
       'a pipe: packed as the file is (the same size)';
    is((load('--dump', "$dir/piped.mdb"))[1], $packed_dump,
       'a pipe: the same records');
    ($rc, $out, $err) = load(\$bodies, '-o', "$dir/redirected.mdb", '-');
    is $rc, 0, 'a file as standard input: loads' or diag $err;
    is -s "$dir/redirected.mdb", -s "$dir/packed.mdb",
       'a file as standard input: packed as the file is';
    ($rc, $out, $err) = load({ pipe => $bodies }, '-o', "$dir/twice.mdb", '-', '-');
    is $rc, 1, 'a pipe read twice ("- -"): exit 1';
    like $err, qr/^resources-load: -: empty file$/m,
        'the second time, it is empty';
    ($rc, $out, $err) = load({ pipe => substr($bodies, 0, 1000) }, '-o',
                             "$dir/short.mdb", '-');
    is $rc, 1, 'a pipe cut short in its first record: exit 1';
    like $err, qr/^resources-load: -:1: invalid JSON/m,
        'and the line is the pipe\'s first';

    # a snapshot of schema 1 (loaders before packing) is still read: the
    # unpacked layout is schema 1's
    my $bytes = slurp("$dir/unpacked.mdb");
    my $n = ($bytes =~ s/1CSR\x02\x00\x00\x00/1CSR\x01\x00\x00\x00/g);
    is $n, 1, 'schema 1: the header found';
    spew("$dir/schema1.mdb", $bytes);
    ($rc, $out) = load('--verify', "$dir/schema1.mdb");
    is $rc, 0, 'schema 1: verified';
    is((load('--dump', "$dir/schema1.mdb"))[1], $packed_dump,
       'schema 1: the same records');

    # a record changed in place (valid JSON, valid UTF-8): --verify checks
    # its gzip piece against it
    $bytes = slurp("$dir/unpacked.mdb");
    $n = ($bytes =~ s/"summary":"summary 7 end"/"summary":"summary 7 END"/g);
    is $n, 1, 'an unpacked record found in the file';
    spew("$dir/changed-piece.mdb", $bytes);
    ($rc, $out, $err) = load('--verify', "$dir/changed-piece.mdb");
    is $rc, 1, 'a record changed in place: --verify exits 1';
    like $err, qr/changed-piece\.mdb: record \d+: its gzip piece is not its list form/,
        'and says that its gzip piece is not its list form';

    # and, without gzip pieces, against the content version
    ($rc, $out, $err) = load('-u', '--no-gzip', '-o', "$dir/plain.mdb",
                             "$dir/bodies.jsonl");
    is $rc, 0, '-u --no-gzip: loads' or diag $err;
    like $out, qr/version $v/, '--no-gzip: the same content version';
    ok -s "$dir/plain.mdb" < -s "$dir/unpacked.mdb",
        sprintf('without pieces: %d bytes, with: %d', -s "$dir/plain.mdb",
                -s "$dir/unpacked.mdb");
    $bytes = slurp("$dir/plain.mdb");
    $n = ($bytes =~ s/"summary":"summary 7 end"/"summary":"summary 7 END"/g);
    is $n, 1, 'a record without a piece found in the file';
    spew("$dir/changed-in-place.mdb", $bytes);
    ($rc, $out, $err) = load('--verify', "$dir/changed-in-place.mdb");
    is $rc, 1, 'a record changed in place: --verify exits 1';
    like $err, qr/the records give version [0-9a-f]{16}, the header says $v: a record changed after it was written/,
        'and says so';

    # a damaged block is found by --verify
    $bytes = slurp("$dir/packed.mdb");
    my $at = index($bytes, '"summary":"summary 7 end"');
    ok $at > 0, 'a packed record found in the file';
    substr($bytes, $at + length('"summary":"summary 7 end"') + 4, 8) = "\xff" x 8;
    spew("$dir/damaged.mdb", $bytes);
    ($rc, $out, $err) = load('--verify', "$dir/damaged.mdb");
    is $rc, 1, 'a damaged block: --verify exits 1';
    like $err, qr/damaged\.mdb: record \d+ does not unpack/, 'and says which record';

    # --diff against a published snapshot whose block is damaged: an error,
    # not a "changed" record
    ($rc, $out, $err) = load('--diff', '-n', '-o', "$dir/damaged.mdb",
                             "$dir/bodies.jsonl");
    is $rc, 1, '--diff against a damaged snapshot: exit 1';
    like $err, qr/damaged\.mdb: record "b-7" does not unpack/, 'and says which record';
    unlike $out, qr/^~ b-7$/m, 'not reported as changed';

    # --rollback verifies the previous snapshot entirely, its version too
    spew("$dir/rb.mdb", slurp("$dir/packed.mdb"));
    spew("$dir/rb.mdb.prev", slurp("$dir/changed-in-place.mdb"));
    my $before_rb = hash_of("$dir/rb.mdb");
    ($rc, $out, $err) = load('--rollback', '-o', "$dir/rb.mdb");
    is $rc, 1, '--rollback to a snapshot whose record changed: exit 1';
    like $err, qr/rb\.mdb\.prev: the records give version .*\n.*rb\.mdb\.prev: failed verification: nothing was changed/,
        'said so';
    is hash_of("$dir/rb.mdb"), $before_rb, 'the published snapshot is unchanged';
}

# --- input from a FIFO (or a pipe): read once, so no dictionary from it

SKIP: {
    my $fifo = "$dir/fifo";
    skip 'no mkfifo', 2 if system('mkfifo', $fifo) != 0;
    my $pid = fork // die;
    if ($pid == 0) {
        open my $w, '>', $fifo or exit 1;
        print $w slurp('t/data/sample.jsonl');
        close $w;
        exit 0;
    }
    ($rc, $out, $err) = load('-n', $fifo);
    waitpid $pid, 0;
    is $rc, 0, 'a FIFO loads' or diag $err;
    like $out, qr/dry run: 8 resources .*version $version/, 'every record of it';
}

# the same catalogue twice: the same version; a change: another one
($rc, $out) = load('-q', '-o', $db, 't/data/sample.jsonl');
is $out, '', '-q prints nothing on success';

# -v: the time of each step, on stderr, in order
{
    my @finish = ('the last records written, the columns, ids and titles',
                  'keywords and types', 'words', 'pair counts',
                  'commit');
    ($rc, $out, $err) = load('-v', '-o', "$dir/verbose.mdb",
                             't/data/sample.jsonl');
    is $rc, 0, '-v loads' or diag $err;
    like $out, qr/published \Q$dir\E\/verbose\.mdb: 8 resources/,
        '-v: the summary on stdout';
    my @steps = $err =~ /^resources-load: +\d+\.\d\d s  (.+)$/mg;
    is_deeply \@steps, ['records read, prepared and added', @finish,
                        "verification, and the file's sync", 'publishing'],
        '-v: every step timed, in order';
    is(($err =~ tr/\n//), scalar @steps, '-v: nothing else on stderr');

    ($rc, $out, $err) = load('-v', '-n', '--diff', '-o', $db,
                             't/data/sample.jsonl');
    is $rc, 0, '-v with a dry run and --diff' or diag $err;
    @steps = $err =~ /^resources-load: +\d+\.\d\d s  (.+)$/mg;
    is_deeply \@steps, ['records read, prepared and added', @finish,
                        'verification', 'differences'],
        '-v -n --diff: the differences timed, nothing published';

    ($rc, $out, $err) = load('-v', '-o', "$dir/never.mdb",
                             't/data/sample.jsonl', "$dir/missing.jsonl");
    is $rc, 1, '-v and a failed load: exit 1';
    unlike $err, qr/ s  /, '-v: no times when nothing was published';
}
($rc, $out) = load('--verify', $db);
like $out, qr/version $version/, 'same catalogue, same version';
my $changed = slurp('t/data/sample.jsonl');
$changed =~ s/prix libre/prix coûtant/;
spew("$dir/changed.jsonl", $changed);
($rc, $out) = load('-o', "$dir/changed.mdb", "$dir/changed.jsonl");
unlike $out, qr/version $version/, 'changed content, another version';

# the version goes over each record's full form and private flag, in input
# order, whatever the number of threads (docs/design.md, "Content version")
{
    my @lines = grep { length } split /\n/, slurp('t/data/sample.jsonl');
    my %seen;

    my $version_of = sub {
        my ($name, $text, @env) = @_;
        local %ENV = (%ENV, @env);
        my ($rc, $out) = load('-n', spew("$dir/$name.jsonl", $text));
        return $out =~ /version ([0-9a-f]{16})/ ? $1 : "none ($rc)";
    };

    is $version_of->('t0', join('', map { "$_\n" } @lines),
                     RESOURCES_LOAD_THREADS => 0),
       $version, 'no worker thread: the same version';
    is $version_of->('t3', join('', map { "$_\n" } @lines),
                     RESOURCES_LOAD_THREADS => 3),
       $version, 'three worker threads: the same version';

    my @swapped = @lines;
    @swapped[0, 1] = @swapped[1, 0];
    my $v = $version_of->('swapped', join('', map { "$_\n" } @swapped));
    isnt $v, $version, 'two records swapped: another version';
    $seen{$v}++;

    my @priv = @lines;
    $priv[0] =~ s/"private":false/"private":true/ or die;
    $v = $version_of->('private', join('', map { "$_\n" } @priv));
    isnt $v, $version, 'a private flag changed: another version';
    $seen{$v}++;

    my @less = @lines[0 .. $#lines - 1];
    $v = $version_of->('less', join('', map { "$_\n" } @less));
    isnt $v, $version, 'a record removed: another version';
    $seen{$v}++;

    my @spaced = @lines;
    $spaced[2] =~ s/^\{/{ / or die;
    is $version_of->('spaced', join('', map { "$_\n" } @spaced)), $version,
       'the same full forms (input spacing aside): the same version';

    is scalar keys %seen, 3, 'and three different ones';
}

# stdin and several files
($rc, $out) = load(\slurp('t/data/sample.jsonl'), '-o', "$dir/stdin.mdb", '-');
is $rc, 0, '- reads standard input';
like $out, qr/8 resources/, 'all of it';
spew("$dir/more.jsonl", rec(id => 'extra-one') . rec(id => 'extra-two'));
($rc, $out) = load('-o', "$dir/merged.mdb", 't/data/sample.jsonl',
                   "$dir/more.jsonl");
like $out, qr/10 resources/, 'several files merge into one catalogue';

# standard input closed: /dev/null takes its place, not the snapshot the
# loader opens next
{
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open STDOUT, '>', "$dir/stdout" or die;
        open STDERR, '>', "$dir/stderr" or die;
        close STDIN;
        exec $loader, '-n', '-' or exit 127;
    }
    waitpid $pid, 0;
    is $? >> 8, 1, 'standard input closed: exit 1';
    is slurp("$dir/stderr"),
       "resources-load: -: empty file\n"
       . "resources-load: 1 problem: nothing was published (dry run)\n",
       'and it is empty';
}

# a terminal: one end of file (^D) ends the input, even though its first
# bytes were read ahead for the dictionary
{
    require IO::Pty;
    my $pty = IO::Pty->new;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        my $tty = $pty->slave;
        close $pty;
        open STDIN, '<&', $tty or die;
        open STDOUT, '>', "$dir/stdout" or die;
        open STDERR, '>', "$dir/stderr" or die;
        exec $loader, '-n', '-' or exit 127;
    }
    $pty->close_slave;
    syswrite $pty, rec(id => 'typed-one') . rec(id => 'typed-two');
    select undef, undef, undef, 0.3;
    syswrite $pty, "\x04";
    my $done = 0;
    for (1 .. 100) {
        $done = waitpid($pid, WNOHANG) == $pid and last;
        select undef, undef, undef, 0.05;
    }
    ok $done, 'a terminal: one ^D ends the input';
    if (!$done) {
        kill 'KILL', $pid;
        waitpid $pid, 0;
    }
    is $?, 0, 'a terminal: exit 0';
    like slurp("$dir/stdout"), qr/dry run: 2 resources/,
        'a terminal: the records typed';
}

# --- bad records: strict mode publishes nothing

my $before = hash_of($db);
my $bad = rec(id => 'good-one') . "\n" . rec(id => 'bad-one', title => '')
        . rec(id => 'good-two');
spew("$dir/bad.jsonl", $bad);
($rc, $out, $err) = load('-o', $db, "$dir/bad.jsonl");
is $rc, 1, 'a bad record: exit 1';
like $err, qr{^resources-load: \Q$dir\E/bad\.jsonl:3: "title" must be a non-empty string$}m,
    'file and line named';
like $err, qr/1 problem: nothing was published/, 'nothing published';
is hash_of($db), $before, 'the published snapshot is unchanged';
ok !glob("$db.tmp.*"), 'no temporary file is left';

# -k: skipped with a warning each, the rest published
($rc, $out, $err) = load('-k', '-o', "$dir/k.mdb", "$dir/bad.jsonl");
is $rc, 0, '-k publishes the rest';
like $err, qr{bad\.jsonl:3: skipped: "title"}, 'the skipped record is named';
like $out, qr/2 resources .*some records skipped/, 'two published';

# duplicate ids
spew("$dir/dup.jsonl", rec(id => 'same') . rec(id => 'same'));
($rc, $out, $err) = load('-o', "$dir/dup.mdb", "$dir/dup.jsonl");
is $rc, 1, 'a duplicate id: exit 1';
like $err, qr{dup\.jsonl:2: duplicate id "same"}, 'the second one is named';
ok !-e "$dir/dup.mdb", 'nothing published';
($rc) = load('-k', '-o', "$dir/dup.mdb", "$dir/dup.jsonl");
is $rc, 0, 'with -k the first one is kept';
is scalar @{ dump_records("$dir/dup.mdb") }, 1, 'one record';

# invalid UTF-8, invalid JSON, wrong types, bad dates, bad ids
my %cases = (
    utf8     => [ qq({"id":"a","title":"caf\xc3","type":"x"}\n),
                  qr/:1: invalid UTF-8 \(byte 23\)/ ],
    json     => [ qq({"id":"a","title":\n), qr/:1: invalid JSON: .* \(column \d+\)/ ],
    truncated=> [ rec() . qq({"id":"b","title":"t","ty), qr/:2: invalid JSON/ ],
    notobj   => [ qq([1,2]\n), qr/:1: a record must be a JSON object/ ],
    type     => [ rec(type => 3), qr/:1: "type" must be a non-empty string/ ],
    private  => [ rec(private => 'yes'), qr/:1: "private" must be true or false/ ],
    date     => [ rec(date => '2024-13'), qr/:1: "date" must be YYYY-MM/ ],
    day      => [ rec(date => '2023-02-29'), qr/:1: "date" must be/ ],
    updated  => [ rec(updated => '2023-09'), qr/:1: "updated" must be YYYY-MM-DD/ ],
    id       => [ rec(id => 'Bad.Id'), qr/:1: "id" must be a string matching/ ],
    noid     => [ qq({"title":"t","type":"x"}\n), qr/:1: "id" is missing/ ],
    keywords => [ rec(keywords => 'QPV'), qr/:1: "keywords" must be an array/ ],
    number   => [ rec(number => '12'), qr/:1: "number" must be a whole number/ ],
    links    => [ rec(links => [{ url => 'x' }]), qr/:1: "links" must hold objects/ ],
    dupkey   => [ qq({"id":"a","id":"b","title":"t","type":"x"}\n), qr/:1: invalid JSON: duplicate object key/ ],
    nul      => [ qq({"id":"a","title":"a\\u0000b","type":"x"}\n), qr/:1: invalid JSON/ ],
);
for my $name (sort keys %cases) {
    my ($text, $re) = @{ $cases{$name} };
    my $file = spew("$dir/case-$name.jsonl", $text);
    ($rc, $out, $err) = load('-o', $db, $file);
    is $rc, 1, "$name: exit 1";
    like $err, $re, "$name: message" or diag $err;
}
is hash_of($db), $before, 'after all that, the published snapshot is unchanged';

# the disk fails when the new snapshot is synced (fdatasync fails, through
# a shim preloaded): nothing is published, no temporary file is left
SKIP: {
    my $cc = `command -v cc 2>/dev/null` || `command -v gcc 2>/dev/null`;
    chomp $cc;
    skip 'no C compiler for the shim', 4 unless $cc;
    spew("$dir/eio.c", <<'C');
#include <errno.h>
int fdatasync(int fd) { (void) fd; errno = EIO; return -1; }
C
    system($cc, '-shared', '-fPIC', '-o', "$dir/eio.so", "$dir/eio.c") == 0
        or skip 'the shim did not build', 4;
    local $ENV{LD_PRELOAD} = "$dir/eio.so";
    # a loader built with ASan (t/asan/run.sh) wants its runtime first
    local $ENV{ASAN_OPTIONS} = join ':', grep { length }
        $ENV{ASAN_OPTIONS} // '', 'verify_asan_link_order=0';
    # (another catalogue: the same one would not be written at all)
    ($rc, $out, $err) = load('-o', $db, "$dir/changed.jsonl");
    is $rc, 1, 'the sync fails: exit 1';
    like $err, qr/^resources-load: \Q$db\E\.tmp\.\d+: writing the snapshot: Input\/output error: nothing was published$/m,
        'and says so, naming the file' or diag $err;
    is hash_of($db), $before, 'the published snapshot is unchanged';
    ok !glob("$db.tmp.*"), 'no temporary file is left';
}

# many problems: the first 20, then a count
spew("$dir/many.jsonl", join '', map { "{bad\n" } 1 .. 25);
($rc, $out, $err) = load('-o', $db, "$dir/many.jsonl");
my @lines = $err =~ /^resources-load: \S+many\.jsonl:\d+: /mg;
is scalar @lines, 20, 'twenty problems listed';
like $err, qr/5 more problems not shown/, 'then a count';
like $err, qr/25 problems: nothing was published/, 'and the total';

# a 17 MB line (over the 16 MB limit) and binary garbage
{
    open my $g, '>', "$dir/longline.jsonl" or die;
    print $g rec(id => 'before');
    print $g '{"id":"huge","title":"t","type":"x","body":"', 'x' x (17 * 1024 * 1024), "\"}\n";
    print $g rec(id => 'after');
    close $g;
    ($rc, $out, $err) = load('-o', $db, "$dir/longline.jsonl");
    is $rc, 1, 'a 17 MB line: exit 1';
    like $err, qr/longline\.jsonl:2: line is longer than 16777216 bytes/, 'file and line named';
    ($rc, $out, $err) = load('-k', '-o', "$dir/longline.mdb", "$dir/longline.jsonl");
    like $out, qr/2 resources/, 'with -k the lines around it load';

    srand(42);
    spew("$dir/garbage.bin", join '', map { chr(int(rand(256))) } 1 .. 65536);
    ($rc, $out, $err) = load('-o', $db, "$dir/garbage.bin");
    is $rc, 1, 'binary garbage: exit 1';
    like $err, qr/garbage\.bin/, 'the file is named';
    spew("$dir/garbage2.bin", "{\x00\xff\xfe" . join('', map { chr(int(rand(256))) } 1 .. 4096));
    ($rc, $out, $err) = load('-o', $db, "$dir/garbage2.bin");
    is $rc, 1, 'garbage that starts like JSON: exit 1';
    like $err, qr/garbage2\.bin:1: /, 'with a line';
}

# an empty file, a listing with no resource
spew("$dir/empty.jsonl", '');
($rc, $out, $err) = load('-o', $db, "$dir/empty.jsonl");
is $rc, 1, 'an empty file: exit 1';
like $err, qr/empty\.jsonl: empty file/, 'said so';
spew("$dir/nolisting.txt", "Bonjour\nrien ici\n");
($rc, $out, $err) = load('-o', $db, "$dir/nolisting.txt");
is $rc, 1, 'a listing without resources: exit 1';
like $err, qr/nolisting\.txt/, 'the file is named';
is hash_of($db), $before, 'still unchanged';

# --- usage

($rc, $out, $err) = load();
is $rc, 2, 'no arguments: exit 2';
like $err, qr/^usage: resources-load /, 'one-line usage';
($rc) = load('-x', '-o', $db, 't/data/sample.jsonl');
is $rc, 2, 'unknown option: exit 2';
($rc, $out, $err) = load('-f', 'csv', '-o', $db, 't/data/sample.jsonl');
is $rc, 2, 'unknown format: exit 2';
like $err, qr/unknown format "csv"/, 'named';
($rc) = load('t/data/sample.jsonl');
is $rc, 2, 'no -o: exit 2';
($rc, $out) = load('-V');
is $rc, 0, '-V';
like $out, qr/^resources-load \d+\.\d+\.\d+ \(snapshot schema \d+, LMDB/, 'version line';
($rc, $out) = load('-h');
like $out, qr/^usage:/, '-h';
($rc, $out, $err) = load('-o', "$dir/missing/dir/c.mdb", 't/data/sample.jsonl');
is $rc, 1, 'a missing directory: exit 1';
like $err, qr{missing/dir/c\.mdb\.tmp\.\d+: No such file or directory}, 'said so';
($rc, $out, $err) = load('-o', $db, "$dir/no-such-file.jsonl");
is $rc, 1, 'a missing input: exit 1';
like $err, qr/no-such-file\.jsonl: No such file or directory/, 'named';
($rc, $out, $err) = load('--verify', "$dir/no-such.mdb");
is $rc, 1, '--verify of a missing file: exit 1';
spew("$dir/garbage.mdb", "x" x 10000);
($rc, $out, $err) = load('--verify', "$dir/garbage.mdb");
is $rc, 1, '--verify of garbage: exit 1';
like $err, qr/garbage\.mdb: /, 'named';

# -n: checks, publishes nothing
($rc, $out) = load('-n', '-o', "$dir/dry.mdb", 't/data/sample.jsonl');
is $rc, 0, '-n succeeds';
like $out, qr/dry run: 8 resources.*nothing was published/, 'says so';
ok !-e "$dir/dry.mdb", 'and publishes nothing';
($rc) = load('-n', "$dir/bad.jsonl");
is $rc, 1, '-n finds the bad record';

# format detection and -f
($rc, $out, $err) = load('-f', 'listing', '-o', "$dir/f.mdb", 't/data/sample.jsonl');
is $rc, 1, 'JSON Lines read as a listing fails';

# --- the real listing
SKIP: {
    skip 'no shared listing', 4 unless -r $listing;
    ($rc, $out, $err) = load('-o', "$dir/listing.mdb", $listing);
    is $rc, 0, 'the real listing loads' or diag $err;
    like $out, qr/10 resources \(0 private\)/, 'ten resources';
    my $recs = dump_records("$dir/listing.mdb");
    is scalar(grep { $_->{type} eq 'Autres' } @$recs), 1, 'one of type Autres';
    is_deeply [ map { $_->{number} // () } @$recs ], [126, 125, 124, 123],
        'the four Déniché sheets, in order';
}

# --- --diff, the previous snapshot kept, --rollback

{
    my $pub = "$dir/pub.mdb";
    ($rc) = load('-q', '-o', $pub, 't/data/sample.jsonl');
    my $v1 = (load('--verify', $pub))[1] =~ /version ([0-9a-f]{16})/ && $1;
    ($rc, $out) = load('-n', '--diff', '-o', $pub, 't/data/sample.jsonl');
    is $rc, 0, '--diff -n';
    like $out, qr/against \Q$pub\E: 0 added, 0 removed, 0 changed, 8 unchanged/, 'no change';
    my $ch = slurp('t/data/sample.jsonl');
    $ch =~ s/prix libre/prix fixe/;
    $ch =~ s/^.*annuaire-membres-prive.*\n//m;
    $ch .= rec(id => 'tout-nouveau');
    spew("$dir/ch.jsonl", $ch);
    ($rc, $out) = load('-n', '--diff', '-o', $pub, "$dir/ch.jsonl");
    like $out, qr/^~ fiche-deniche-12-la-cantine-partagee$/m, 'a changed id';
    like $out, qr/^- annuaire-membres-prive$/m, 'a removed id';
    like $out, qr/^\+ tout-nouveau$/m, 'an added id';
    like $out, qr/1 added, 1 removed, 1 changed, 6 unchanged/, 'counted';
    like $out, qr/nothing was published/, '-n publishes nothing';
    like((load('--verify', $pub))[1], qr/version $v1/, 'still the old version');
    ($rc, $out) = load('--diff', '-o', $pub, "$dir/ch.jsonl");
    like $out, qr/1 added, 1 removed, 1 changed.*\n.*published/s, '--diff then publish';
    my ($v2) = $out =~ /version ([0-9a-f]{16})/;
    ok -e "$pub.prev", 'the previous snapshot is kept as .prev';
    like((load('--verify', "$pub.prev"))[1], qr/version $v1/, '.prev is the old one');
    ($rc, $out) = load('--rollback', '-o', $pub);
    is $rc, 0, '--rollback';
    like $out, qr/rolled back \Q$pub\E to version $v1 \(was $v2, kept as \Q$pub\E\.undone\)/,
        'says what';
    like((load('--verify', $pub))[1], qr/version $v1/, 'the old one is served again');
    like((load('--verify', "$pub.undone"))[1], qr/version $v2/,
         'and the new one kept as .undone');
    ok !-e "$pub.prev", 'no older generation: no .prev left';
    ($rc, $out, $err) = load('--rollback', '-o', "$dir/never.mdb");
    is $rc, 1, 'nothing to roll back to: exit 1';
    like $err, qr/never\.mdb\.prev: .*nothing was changed/, 'said so';
    ($rc) = load('--rollback', '-o', $pub, 't/data/sample.jsonl');
    is $rc, 2, '--rollback takes no input';
}

# --- progress on a terminal only

SKIP: {
    skip 'no script(1)', 2 unless -x '/usr/bin/script';
    open my $g, '>', "$dir/progress.jsonl" or die;
    print $g rec(id => "p-$_") for 1 .. 30000;
    close $g;
    my $tty = `script -qfec '$loader -o $dir/p.mdb $dir/progress.jsonl' /dev/null`;
    like $tty, qr/\d+ records, \d+ records\/s, \d+%/, 'a terminal sees records/s and a percentage';
    ($rc, $out, $err) = load('-o', "$dir/p.mdb", "$dir/progress.jsonl");
    unlike $err, qr/records\/s/, 'a pipe does not';
}

# --- a snapshot of another schema version is refused

{
    my $bytes = slurp($db);
    my $n = ($bytes =~ s/1CSR\x02\x00\x00\x00/1CSR\x63\x00\x00\x00/g);
    is $n, 1, 'the header found in the file';
    spew("$dir/schema99.mdb", $bytes);
    ($rc, $out, $err) = load('--verify', "$dir/schema99.mdb");
    is $rc, 1, 'another schema version: exit 1';
    like $err, qr/unknown schema version 99 \(this build reads 1 to 2\)/, 'said so';
}

# --- a full disk: a clear error naming the file, nothing changed (root: a
# small tmpfs).  LMDB says "Input/output error" for the short write that a
# full disk gives; the loader asks the file system what it was

SKIP: {
    skip 'needs root to mount a tmpfs', 13 if $> != 0;
    my $mnt = "$dir/small";
    mkdir $mnt;
    skip 'cannot mount a tmpfs here', 13
        if system("mount -t tmpfs -o size=400k tmpfs $mnt 2>/dev/null") != 0;
    ($rc) = load('-q', '-o', "$mnt/c.mdb", 't/data/sample.jsonl');
    is $rc, 0, 'a small catalogue fits';
    my $small = hash_of("$mnt/c.mdb");
    open my $g, '>', "$dir/large.jsonl" or die;
    # bodies that do not compress: the loader packs records
    print $g rec(id => "large-$_",
                 body => join ' ', map { sprintf '%08x', int rand 2**32 } 1 .. 400)
        for 1 .. 400;
    close $g;
    # the records written by a thread of their own, or by the main thread
    for my $threads (undef, 0) {
        local $ENV{RESOURCES_LOAD_THREADS} = $threads if defined $threads;
        my $how = defined $threads ? 'no worker thread' : 'worker threads';
        # --force: none of the 8 published resources is in the new catalogue
        ($rc, $out, $err) = load('--force', '-o', "$mnt/c.mdb",
                                 "$dir/large.jsonl");
        is $rc, 1, "$how: disk full: exit 1";
        like $err, qr{\Q$mnt\E/c\.mdb\.tmp\.\d+: writing the snapshot: No space left on device\b},
            "$how: \"No space left on device\", naming the file" or diag $err;
        unlike $err, qr/Input\/output error/, "$how: not \"Input/output error\"";
        like $err, qr/nothing was published/, "$how: nothing was published";
        is hash_of("$mnt/c.mdb"), $small, "$how: the published snapshot is unchanged";
        ok !glob("$mnt/c.mdb.tmp.*"), "$how: the temporary file is removed";
    }
    system("umount $mnt");
}

# --- an empty snapshot file: said so (LMDB alone says "Bad file descriptor")

{
    spew("$dir/empty.mdb", '');
    ($rc, $out, $err) = load('--verify', "$dir/empty.mdb");
    is $rc, 1, '--verify of an empty file: exit 1';
    is $err, "resources-load: $dir/empty.mdb: the file is empty (0 bytes)\n",
        '--verify of an empty file: said so';
    ($rc, $out, $err) = load('--dump', "$dir/empty.mdb");
    like $err, qr/empty\.mdb: the file is empty/, '--dump of an empty file: said so';
    # publishing over an empty snapshot: it cannot be compared, --force
    ($rc, $out, $err) = load('-o', "$dir/empty.mdb", 't/data/sample.jsonl');
    is $rc, 1, 'an empty published snapshot: exit 1 without --force';
    like $err, qr/^resources-load: \Q$dir\E\/empty\.mdb: the file is empty \(0 bytes\): the load cannot be compared with the published snapshot; nothing was published; --force to publish over it$/m,
        'said so' or diag $err;
    is -s "$dir/empty.mdb", 0, 'nothing was published';
    ($rc, $out, $err) = load('--force', '-o', "$dir/empty.mdb", 't/data/sample.jsonl');
    is $rc, 0, '--force publishes over it' or diag $err;
    like((load('--verify', "$dir/empty.mdb"))[1], qr/ok: 8 resources/, 'and it is there');
}

# --- a load killed half-way leaves the published file as it was

my $big = "$dir/big.jsonl";
open my $f, '>', $big or die;
for my $i (1 .. 40000) {
    print $f $json->encode({ id => "r$i", title => "Ressource numéro $i",
        type => 'Autres', keywords => ["k" . ($i % 50), 'QPV'],
        summary => 'Un résumé ' x 20, body => "Un texte assez long $i " x 40 }), "\n";
}
close $f;
# how long a whole load of it takes here: the kills fall within it
my $t0 = time;
($rc) = load('-q', '-o', "$dir/big.mdb", $big);
my $took = time - $t0;
unlink "$dir/big.mdb";
($rc) = load('-q', '-o', $db, 't/data/sample.jsonl');
$before = hash_of($db);
my $killed = 0;
# (well within it: a load measured while the machine was busy may take
# twice as long as the one that is killed)
for my $delay (map { sprintf '%.2f', $took * $_ } 0.1, 0.2, 0.3) {
    my $pid = fork // die;
    if ($pid == 0) {
        open STDOUT, '>', '/dev/null'; open STDERR, '>', '/dev/null';
        exec $loader, '-o', $db, $big or exit 127;
    }
    select undef, undef, undef, $delay;
    kill 'KILL', $pid;
    waitpid $pid, 0;
    $killed++ if ($? & 127) == 9;
    is hash_of($db), $before, "killed after ${delay}s: the published file is unchanged";
}
ok $killed >= 1, "the loader was killed mid-write ($killed of 3)";
my @stale = glob("$db.tmp.*");
ok scalar @stale, 'a killed load leaves its temporary file';
($rc, $out, $err) = load('-o', $db, 't/data/sample.jsonl');
like $err, qr/removed \Q$db\E\.tmp\.\d+, left by a load that did not finish/,
    'the next load removes it';
ok !glob("$db.tmp.*"), 'no temporary file is left';

# the temporary links of generations that a killed load left are removed
# too; a live loader's, and names that are not ours, are kept
{
    my $dead = fork // die;
    exit 0 if $dead == 0;
    waitpid $dead, 0;
    my @left = map { "$db$_.tmp.$dead" } '.prev', '.prev.2', '.undone';
    my @kept = ("$db.prev.3.tmp.$$", "$db.prevx.tmp.$dead", "$db.prev.2x.tmp.$dead");
    for my $f (@left, @kept) { open my $o, '>', $f or die "$f: $!"; close $o }
    open my $more, ">", "$dir/stale-more.jsonl" or die;
    print $more slurp('t/data/sample.jsonl'),
        qq({"id":"one-more","title":"Une de plus","type":"Autres","date":"2024-01"}\n);
    close $more;
    ($rc, $out, $err) = load("-o", $db, "$dir/stale-more.jsonl");
    is $rc, 0, 'a load over stale generation links' or diag $err;
    for my $f (@left) {
        ok !-e $f, "removed: $f";
        like $err, qr/removed \Q$f\E, left by a load that did not finish/, "said: $f";
    }
    ok -e $_, "kept: $_" for @kept;
    unlink @kept;
}

# --- a UTF-8 byte order mark (EF BB BF) before JSON Lines or a listing:
# skipped, the format seen through it

{
    my $bom = "\xef\xbb\xbf";
    my $text = slurp('t/data/sample.jsonl');
    ($rc, $out, $err) = load('-n', spew("$dir/bom.jsonl", $bom . $text));
    is $rc, 0, 'BOM: JSON Lines load' or diag $err;
    like $out, qr/dry run: 8 resources .*version $version/,
        'BOM: every record, the same content version';
    ($rc, $out, $err) = load('-n', '-f', 'jsonl', "$dir/bom.jsonl");
    is $rc, 0, 'BOM: with -f jsonl too' or diag $err;
    ($rc, $out, $err) = load({ pipe => $bom . $text }, '-n', '-');
    is $rc, 0, 'BOM: standard input, a pipe' or diag $err;
    like $out, qr/version $version/, 'BOM: standard input, the same version';
    ($rc, $out, $err) = load(\($bom . $text), '-n', '-');
    is $rc, 0, 'BOM: standard input, a file' or diag $err;
    ($rc, $out, $err) = load('-n', spew("$dir/bom-blank.jsonl",
                             "$bom\n\n" . rec(id => 'ok-one')
                             . rec(id => 'bad-one', private => 'no')));
    like $err, qr{bom-blank\.jsonl:4: "private" must be true or false},
        'BOM: the lines counted as before';
    ($rc, $out, $err) = load('-n', spew("$dir/bom-only.jsonl", $bom));
    like $err, qr/bom-only\.jsonl: empty file/, 'BOM alone: an empty file';
    # a listing: its lines were trimmed of U+FEFF already
    my ($lv) = (load('-n', 't/data/listing-sample.txt'))[1]
               =~ /version ([0-9a-f]{16})/;
    ($rc, $out, $err) = load('-n', spew("$dir/bom-listing.txt", $bom
                                        . slurp('t/data/listing-sample.txt')));
    is $rc, 0, 'BOM: a listing loads' or diag $err;
    like $out, qr/version $lv/, 'BOM: the listing gives the same version';
}

# --- "private" is never guessed: true, false or absent, nothing else

{
    my $before_priv = hash_of($db);
    ($rc, $out, $err) = load('-o', $db, spew("$dir/private-null.jsonl",
        rec(id => 'fine') . rec(id => 'null-one', private => undef)));
    is $rc, 1, '"private": null: exit 1';
    like $err, qr{^resources-load: \Q$dir\E/private-null\.jsonl:2: "private" must be true or false, not null$}m,
        '"private": null: file and line named';
    like $err, qr/1 problem: nothing was published/, '"private": null: nothing published';
    is hash_of($db), $before_priv, '"private": null: the snapshot is unchanged';
    for my $v (0, 1, 'false', []) {
        ($rc, $out, $err) = load('-n', spew("$dir/private-other.jsonl",
                                            rec(private => $v)));
        like $err, qr/:1: "private" must be true or false$/m,
            '"private": ' . $json->encode([$v]) . ': refused';
    }
    ($rc, $out, $err) = load('-k', '-n', "$dir/private-null.jsonl");
    like $out, qr/dry run: 1 resources/, '-k: the record skipped, not published';
    # the listing's flag: "Oui" or "Non", nothing else
    (my $listing_text = slurp('t/data/listing-sample.txt'))
        =~ s/(Ressource privée\n)Non\n/$1Peut-être\n/ or die;
    ($rc, $out, $err) = load('-n', spew("$dir/private-listing.txt", $listing_text));
    is $rc, 1, 'listing: a "Ressource privée" neither Oui nor Non: exit 1';
    like $err, qr{private-listing\.txt:\d+: resource ".*": "Ressource privée" is "Peut-être", not "Oui" or "Non"},
        'listing: file and line named';
}

# --- a cut export: a load that would remove more than a quarter of the
# published resources is refused (--max-remove N or P%, --force)

{
    my $cut = "$dir/cut.mdb";
    my $all = join '', map { rec(id => "c-$_", title => "Ressource $_") } 1 .. 52;
    my $first = sub { join '', map { rec(id => "c-$_", title => "Ressource $_") } 1 .. $_[0] };
    spew("$dir/cut-all.jsonl", $all);
    ($rc) = load('-q', '-o', $cut, "$dir/cut-all.jsonl");
    is $rc, 0, '52 resources published';
    my $published = hash_of($cut);
    my $prev = hash_of("$cut.prev");

    ($rc, $out, $err) = load('-o', $cut, spew("$dir/cut-5.jsonl", $first->(5)));
    is $rc, 1, '5 of them: exit 1';
    is $err, "resources-load: $cut: this load would remove 47 of 52 published"
        . " resources (more than 25%); nothing was published; --max-remove 47"
        . " or --force to publish it\n", 'says how many, of how many, how to force it';
    is $out, '', 'no summary';
    is hash_of($cut), $published, 'nothing was published';
    is hash_of("$cut.prev"), $prev, 'the generations are as they were';
    ok !glob("$cut.tmp.*"), 'no temporary file is left';

    ($rc, $out, $err) = load('--diff', '-n', '-o', $cut, "$dir/cut-5.jsonl");
    is $rc, 1, '--diff -n: exit 1';
    like $out, qr/^- c-52$/m, '--diff -n: the removed ids';
    like $out, qr/0 added, 47 removed, 0 changed, 5 unchanged/, '--diff -n: counted';
    like $err, qr/^resources-load: \Q$cut\E: this load would remove 47 of 52 published resources \(more than 25%\): it would be refused; --max-remove 47 or --force to publish it$/m,
        '--diff -n: the same numbers';
    is hash_of($cut), $published, '--diff -n: nothing was published';

    # 25% of 52 is 13: 13 removed pass, 14 do not
    ($rc, $out, $err) = load('-n', '-o', $cut, spew("$dir/cut-39.jsonl", $first->(39)));
    is $rc, 0, '13 of 52 removed (25%): allowed' or diag $err;
    ($rc, $out, $err) = load('-n', '-o', $cut, spew("$dir/cut-38.jsonl", $first->(38)));
    is $rc, 1, '14 of 52 removed: refused';
    like $err, qr/would remove 14 of 52 /, '14 of 52';

    ($rc, $out, $err) = load('--max-remove', '46', '-o', $cut, "$dir/cut-5.jsonl");
    is $rc, 1, '--max-remove 46: refused';
    like $err, qr/would remove 47 of 52 published resources \(more than 46\); nothing was published/,
        '--max-remove 46: said so';
    ($rc, $out, $err) = load('--max-remove', '50%', '-o', $cut, "$dir/cut-5.jsonl");
    like $err, qr/\(more than 50%\)/, '--max-remove 50%: refused';
    is hash_of($cut), $published, 'still nothing published';
    ($rc, $out, $err) = load('--max-remove', '91%', '-n', '-o', $cut, "$dir/cut-5.jsonl");
    is $rc, 0, '--max-remove 91%: allowed (47 of 52 is 90.4%)' or diag $err;
    ($rc, $out, $err) = load('--max-remove', '47', '-o', $cut, "$dir/cut-5.jsonl");
    is $rc, 0, '--max-remove 47: published' or diag $err;
    like $out, qr/published \Q$cut\E: 5 resources/, '--max-remove 47: 5 resources';
    ($rc, $out, $err) = load('-o', $cut, "$dir/cut-all.jsonl");
    is $rc, 0, 'adding resources is never limited' or diag $err;
    ($rc, $out, $err) = load('--force', '-o', $cut, "$dir/cut-5.jsonl");
    is $rc, 0, '--force: published' or diag $err;
    like $out, qr/published \Q$cut\E: 5 resources/, '--force: 5 resources';

    for my $bad ('abc', '101%', '-1', '5%%', '') {
        ($rc, $out, $err) = load('--max-remove', $bad, '-n', '-o', $cut, "$dir/cut-5.jsonl");
        is $rc, 2, "--max-remove '$bad': exit 2";
    }
}

# --- an identical load publishes nothing and keeps the rollback point

{
    my $same = "$dir/same.mdb";
    ($rc, $out) = load('-o', $same, "$dir/changed.jsonl");
    my ($v0) = $out =~ /version ([0-9a-f]{16})/;
    ($rc, $out) = load('-o', $same, 't/data/sample.jsonl');
    is $rc, 0, 'a second catalogue published';
    my $prev = hash_of("$same.prev");
    my $ino = (stat $same)[1];
    ($rc, $out, $err) = load('-o', $same, 't/data/sample.jsonl');
    is $rc, 0, 'the same again: exit 0' or diag $err;
    like $out, qr/^resources-load: unchanged \Q$same\E: 8 resources \(2 private\), version $version, public version [0-9a-f]{16}, [\d.]+ s: it is the published one, nothing was published$/,
        '"unchanged", with the version';
    is $err, '', 'nothing on stderr';
    is((stat $same)[1], $ino, 'the published file is the same file');
    is hash_of("$same.prev"), $prev, '.prev is kept';
    ($rc, $out, $err) = load('-q', '-o', $same, 't/data/sample.jsonl');
    is "$rc$out$err", '0', '-q: quiet';
    ($rc, $out, $err) = load('--diff', '-o', $same, 't/data/sample.jsonl');
    like $out, qr/0 added, 0 removed, 0 changed, 8 unchanged\n.*unchanged \Q$same\E/,
        '--diff, then "unchanged"';
    ($rc, $out) = load('--rollback', '-o', $same);
    like $out, qr/rolled back \Q$same\E to version $v0 \(was $version/,
        'the rollback goes back to the catalogue before';

    # the same content in a file the workers cannot read: published again
    ($rc, $out) = load('-o', $same, 't/data/sample.jsonl');
    chmod 0600, $same;
    ($rc, $out) = load('-o', $same, 't/data/sample.jsonl');
    like $out, qr/^resources-load: published /, 'the same, but mode 0600: published again';
    is sprintf('%o', (stat $same)[2] & 07777), '644', 'readable again';

    # a snapshot of a loader without the public version (the header's
    # flags clear) is replaced, even with the same content
    my $bytes = slurp($same);
    my $at = index($bytes, "1CSR\x02\x00\x00\x00");
    ok $at >= 0, 'the header found';
    substr($bytes, $at + 80, 4) = "\x00\x00\x00\x00";
    spew("$dir/noflag.mdb", $bytes);
    unlike((load('--verify', "$dir/noflag.mdb"))[1], qr/public version/,
           'flags clear: no public version');
    ($rc, $out) = load('-o', "$dir/noflag.mdb", "$dir/changed.jsonl");
    like $out, qr/^resources-load: published /, 'an older snapshot, the same content: published';
    like((load('--verify', "$dir/noflag.mdb"))[1], qr/public version/,
         'with the public version');
}

# --- generations: --keep N previous snapshots (3 by default), and each
# --rollback steps one back

{
    my $gen = "$dir/gen.mdb";
    my @v;
    for my $i (1 .. 5) {
        (my $text = slurp('t/data/sample.jsonl')) =~ s/prix libre/prix $i/ or die;
        ($rc, $out, $err) = load('-o', $gen, spew("$dir/gen-$i.jsonl", $text));
        is $rc, 0, "generation $i published" or diag $err;
        push @v, $out =~ /version ([0-9a-f]{16})/;
    }
    my $version_of = sub { (load('--verify', $_[0]))[1] =~ /version ([0-9a-f]{16})/ ? $1 : 'none' };
    is $version_of->($gen), $v[4], 'the newest is published';
    is $version_of->("$gen.prev"), $v[3], '.prev: the one before';
    is $version_of->("$gen.prev.2"), $v[2], '.prev.2: the one before that';
    is $version_of->("$gen.prev.3"), $v[1], '.prev.3: the third';
    ok !-e "$gen.prev.4", 'no fourth';
    for my $back (3, 2, 1) {
        ($rc, $out, $err) = load('--rollback', '-o', $gen);
        is $rc, 0, "rollback to $back" or diag $err;
        is $version_of->($gen), $v[$back], "rollback: generation " . ($back + 1) . " served";
        is $version_of->("$gen.undone"), $v[$back + 1], 'the one taken down kept as .undone';
    }
    ok !-e "$gen.prev", 'three rollbacks: no generation left';
    ($rc, $out, $err) = load('--rollback', '-o', $gen);
    is $rc, 1, 'a fourth rollback: exit 1';
    like $err, qr/gen\.mdb\.prev: .*nothing was changed/, 'nothing to roll back to';
    is $version_of->($gen), $v[1], 'still served';

    ($rc) = load('--keep', '1', '-o', $gen, "$dir/gen-3.jsonl");
    ($rc) = load('--keep', '1', '-o', $gen, "$dir/gen-4.jsonl");
    is $version_of->("$gen.prev"), $v[2], '--keep 1: .prev';
    ok !-e "$gen.prev.2", '--keep 1: nothing more';
    ($rc) = load('-o', $gen, "$dir/gen-5.jsonl");
    ($rc) = load('--keep', '1', '-o', $gen, "$dir/gen-1.jsonl");
    ok !-e "$gen.prev.2", '--keep 1: older generations removed';
    ($rc) = load('--keep', '0', '-o', $gen, "$dir/gen-2.jsonl");
    ok !-e "$gen.prev", '--keep 0: none kept';
    ($rc) = load('--keep', 'x', '-o', $gen, "$dir/gen-2.jsonl");
    is $rc, 2, '--keep x: exit 2';
}

# --- SOURCE_DATE_EPOCH: the build time; the public view's own version and
# build time (--verify prints them)

{
    local $ENV{SOURCE_DATE_EPOCH} = 1700000000;
    ($rc) = load('-q', '-o', "$dir/sde1.mdb", 't/data/sample.jsonl');
    sleep 1;
    ($rc) = load('-q', '-o', "$dir/sde2.mdb", 't/data/sample.jsonl');
    is hash_of("$dir/sde1.mdb"), hash_of("$dir/sde2.mdb"),
        'SOURCE_DATE_EPOCH: the same bytes twice';
    like((load('--verify', "$dir/sde1.mdb"))[1], qr/built 2023-11-14T22:13:20Z,/,
         'SOURCE_DATE_EPOCH: the build time');
    for my $bad ('soon', '12x', '-5', '') {
        local $ENV{SOURCE_DATE_EPOCH} = $bad;
        ($rc, $out, $err) = load('-n', 't/data/sample.jsonl');
        is $rc, 2, "SOURCE_DATE_EPOCH '$bad': exit 2";
        like $err, qr/^resources-load: SOURCE_DATE_EPOCH: "\Q$bad\E" is not a number of seconds since 1970$/m,
            "SOURCE_DATE_EPOCH '$bad': said so";
    }
}

{
    my @lines = grep { length } split /\n/, slurp('t/data/sample.jsonl');
    my @public = grep { !/"private":true/ } @lines;
    is scalar @public, 6, 'the sample has 6 public records';
    my ($pv) = (load('-n', spew("$dir/public-only.jsonl", join '', map { "$_\n" } @public)))[1]
               =~ /version ([0-9a-f]{16})/;
    my $pub = "$dir/pubv.mdb";
    local $ENV{SOURCE_DATE_EPOCH} = 1000;
    ($rc) = load('-q', '-o', $pub, 't/data/sample.jsonl');
    ($rc, $out) = load('--verify', $pub);
    like $out, qr/version $version, built 1970-01-01T00:16:40Z, public version $pv, public built 1970-01-01T00:16:40Z,/,
        'the public version: the version of the catalogue without its private records';

    # a private record edited: the version changes, the public one does not,
    # nor its build time
    my @edited = @lines;
    my ($i) = grep { $edited[$_] =~ /"private":true/ } 0 .. $#edited;
    $edited[$i] =~ s/"title":"/"title":"Edited / or die;
    local $ENV{SOURCE_DATE_EPOCH} = 2000;
    ($rc, $out) = load('-o', $pub, spew("$dir/private-edit.jsonl", join '', map { "$_\n" } @edited));
    my ($v2) = $out =~ /version ([0-9a-f]{16})/;
    isnt $v2, $version, 'a private edit: another version';
    ($rc, $out) = load('--verify', $pub);
    like $out, qr/version $v2, built 1970-01-01T00:33:20Z, public version $pv, public built 1970-01-01T00:16:40Z,/,
        'a private edit: the same public version and public build time';

    # a public record edited: both change
    my ($j) = grep { $edited[$_] !~ /"private":true/ } 0 .. $#edited;
    $edited[$j] =~ s/"title":"/"title":"Edited /;
    local $ENV{SOURCE_DATE_EPOCH} = 3000;
    ($rc, $out) = load('-q', '-o', $pub, spew("$dir/public-edit.jsonl", join '', map { "$_\n" } @edited));
    ($rc, $out) = load('--verify', $pub);
    my ($pv3) = $out =~ /public version ([0-9a-f]{16})/;
    isnt $pv3, $pv, 'a public edit: another public version';
    like $out, qr/built 1970-01-01T00:50:00Z, public version $pv3, public built 1970-01-01T00:50:00Z,/,
        'a public edit: the public build time is the load\'s';

    # --verify checks the public version against the public records
    my $bytes = slurp($pub);
    my $at = index($bytes, "1CSR\x02\x00\x00\x00");
    substr($bytes, $at + 64, 1) = chr(ord(substr($bytes, $at + 64, 1)) ^ 1);
    spew("$dir/bad-public.mdb", $bytes);
    ($rc, $out, $err) = load('--verify', "$dir/bad-public.mdb");
    is $rc, 1, 'a wrong public version: --verify exits 1';
    like $err, qr/the public records give version $pv3, the header says [0-9a-f]{16}/,
        'and says so';
}

# --- the display spellings of the public view are counted over the public
# resources only; the private view's follows when it differs (read with
# mdb_dump, which lmdb-utils ships)

SKIP: {
    skip 'no mdb_dump', 6 if system('mdb_dump -V >/dev/null 2>&1') != 0;
    my $text = join '',
        (map { rec(id => "p-$_", type => 'Autres', keywords => ['QPV']) } 1 .. 2),
        (map { rec(id => "x-$_", type => 'AUTRES', private => JSON::PP::true,
                   keywords => ['Qpv', 'Secret']) } 1 .. 5);
    ($rc) = load('-q', '-o', "$dir/spell.mdb", spew("$dir/spell.jsonl", $text));
    my %terms;
    my @dump = split /\n/, `mdb_dump -n -p -s terms $dir/spell.mdb`;
    my $data = 0;
    for (my $k = 0; $k < @dump; $k++) {
        if ($dump[$k] eq 'HEADER=END') { $data = 1; next }
        last if $dump[$k] eq 'DATA=END';
        next unless $data;
        my ($key, $value) = map { my $x = substr($_, 1); $x =~ s/\\([0-9a-f]{2})/chr hex $1/ge; $x }
                            @dump[$k, $k + 1];
        $k++;
        my $len = unpack 'V', substr($value, 12, 4);
        $terms{$key} = [ substr($value, 20, $len), substr($value, 20 + $len) ];
    }
    is_deeply $terms{kqpv}, ['QPV', 'Qpv'],
        'keyword: the public spelling, then the private view\'s';
    is_deeply $terms{tautres}, ['Autres', 'AUTRES'], 'type: the same';
    is_deeply $terms{ksecret}, ['Secret', ''], 'a private keyword: one spelling';
    ($rc, $out, $err) = load('--verify', "$dir/spell.mdb");
    is $rc, 0, '--verify reads them' or diag $err;
}

# --- ids are written in LMDB's key order (appended: a wrong order fails
# the load): ids that are prefixes of others, ids alike for 16 bytes and
# more (57 for some: sorted 16 bytes at a time), buckets large and small

{
    my @ids;
    for my $i (0 .. 2999) {
        push @ids, "a" x (1 + $i % 40);
        push @ids, 'compte-rendu-une-de-autres-' . $i;
        push @ids, 'x' . ($i * 7919 % 3001) . '-' . ('b' x ($i % 3));
        push @ids, 'same-first-sixteen-bytes-' . ('z' x ($i % 5)) . $i;
        push @ids, chr(ord('0') + $i % 10) . chr(ord('a') + $i % 26) . $i;
        push @ids, ('long-common-prefix-' x 3) . ($i % 1000) . ('c' x ($i % 4));
    }
    my %seen;
    @ids = grep { !$seen{$_}++ } @ids;
    my $text = join '', map {
        $json->encode({ id => $_, title => "T $_", type => 'Autres' }) . "\n"
    } reverse @ids;
    my ($rc, $out, $err) = load('-o', "$dir/ids.mdb", spew("$dir/ids.jsonl", $text));
    is $rc, 0, scalar(@ids) . ' ids alike: loaded' or diag $err;
    ($rc, $out, $err) = load('--verify', "$dir/ids.mdb");
    is $rc, 0, 'every id leads to its record' or diag $err;
}

done_testing;
