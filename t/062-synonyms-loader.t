# resources-load --synonyms (issue #22): the file parsed, bad lines
# reported as FILE:LINE: message with exit 1 and the published snapshot
# untouched (byte for byte, its generations too, and still what nginx
# serves); the synonyms hashed into the content and public versions (a
# change of synonyms publishes, the same synonyms are "unchanged", their
# order and comments do not count, a load without them publishes again);
# the module opens a snapshot with synonyms; --verify checks them; the
# judged set's t/relevance/synonyms.txt loads.

use strict;
use warnings;

use lib 't/lib';
use Resources::TestNginx;
use JSON::PP;
use File::Temp qw(tempdir);
use Digest::SHA qw(sha256_hex);
use Time::HiRes qw(sleep);

plan 'no_plan';

my $loader = $ENV{TEST_RESOURCES_LOADER} || 'build/resources-load';
my $tmp = tempdir(CLEANUP => 1);

sub spew {
    my ($file, $s) = @_;
    open my $f, '>:raw', $file or die "$file: $!";
    print $f $s;
    close $f;
    return $file;
}

sub slurp {
    my ($file) = @_;
    open my $f, '<:raw', $file or return '';
    local $/;
    return scalar <$f>;
}

# runs the loader: (exit code, stdout, stderr)
sub load {
    my (@args) = @_;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open STDOUT, '>', "$tmp/stdout" or die;
        open STDERR, '>', "$tmp/stderr" or die;
        exec $loader, @args or exit 127;
    }
    waitpid $pid, 0;
    my $rc = ($? & 127) ? 128 + ($? & 127) : $? >> 8;
    return ($rc, slurp("$tmp/stdout"), slurp("$tmp/stderr"));
}

sub versions {
    my ($out) = @_;
    my ($v, $pv) = $out =~ /version ([0-9a-f]{16}), public version ([0-9a-f]{16})/
        or return ('', '');
    return ($v, $pv);
}

my $cat = spew("$tmp/c.jsonl", join '', map {
    encode_json({ id => "r$_", title => "Quartiers prioritaires $_", type => 'Autres',
                  date => "2024-0$_", keywords => ['QPV'],
                  private => ($_ == 3 ? JSON::PP::true : JSON::PP::false),
                  summary => "Économie sociale et solidaire $_" }) . "\n"
} 1 .. 5);

my $syn1 = spew("$tmp/s1.txt", <<'_EOS_');
# the first synonyms
ess, économie sociale et solidaire
qpv, quartiers prioritaires
maison de retraite => ehpad
_EOS_

# the same rules: another order, other comments, spacing and spelling
my $syn1b = spew("$tmp/s1b.txt", "\xef\xbb\xbf  # reordered\r\n"
    . "Maisons de retraite  =>  EHPAD\r\n\r\nQuartiers Prioritaires , QPV\r\n"
    . "ESS,Économie sociale et solidaire\r\n");

my $syn2 = spew("$tmp/s2.txt", <<'_EOS_');
ess, économie sociale et solidaire
qpv, quartiers prioritaires, quartiers politique de la ville
maison de retraite => ehpad
_EOS_

my $pid = start_nginx(
    config => <<"_EOC_",
    location /r {
        resources_db html/catalogue.mdb;
        resources_check_interval 100ms;
        resources;
    }
    location /p {
        resources_db html/catalogue.mdb;
        resources_check_interval 100ms;
        resources;
        resources_private on;
    }
_EOC_
);

my $db = html_dir() . '/catalogue.mdb';

sub meta_version {
    my ($loc) = @_;
    sleep 0.4;
    my ($st, $h, $body) = http_request("$loc/_meta");
    return "$st " . ($st == 200 ? decode_json($body)->{version} : '');
}

# --- without synonyms, then with

my ($rc, $out, $err) = load('-o', $db, $cat);
is $rc, 0, 'a load without synonyms' or diag $err;
my ($v0, $pv0) = versions($out);
unlike $out, qr/synonyms/, 'without synonyms: the summary says none';

($rc, $out, $err) = load('--synonyms', $syn1, '-o', $db, $cat);
is $rc, 0, '--synonyms: published' or diag $err;
like $out, qr/^resources-load: published \Q$db\E: 5 resources \(1 private\), .*, synonyms: 3 rules, 5 forms searched for\n\z/,
    'the summary counts the rules and the forms searched for';
my ($v1, $pv1) = versions($out);
isnt $v1, $v0, 'synonyms: another content version';
isnt $pv1, $pv0, 'synonyms: another public version';
is meta_version('/r'), "200 $pv1", 'nginx opens a snapshot with synonyms: the public version';
is meta_version('/p'), "200 $v1", 'and the private location, the content version';

($rc, $out, $err) = load('--verify', $db);
is $rc, 0, '--verify: a snapshot with synonyms is good' or diag $err;
like $out, qr/, synonyms: 5 forms searched for, 6 forms$/m, '--verify counts them';
like $out, qr/version \Q$v1\E, .*public version \Q$pv1\E/, '--verify: the versions hashed with them';

# --- the same synonyms: unchanged, also in another order and spelling

my $mtime = (stat $db)[9];
my $inode = (stat $db)[1];
for my $file ($syn1, $syn1b) {
    ($rc, $out, $err) = load('-s', $file, '-o', $db, $cat);
    is $rc, 0, "the same records and synonyms ($file): exit 0";
    like $out, qr/^resources-load: unchanged \Q$db\E: 5 resources \(1 private\), version \Q$v1\E, public version \Q$pv1\E, [\d.]+ s: it is the published one, nothing was published$/,
        "the same records and synonyms ($file): unchanged";
}
is((stat $db)[1], $inode, 'unchanged: the file is the same file');
ok !-e "$db.prev.2", 'unchanged: no generation added';

# --- other synonyms: published again, both versions change

($rc, $out, $err) = load('-s', $syn2, '-o', $db, $cat);
is $rc, 0, 'other synonyms: exit 0' or diag $err;
like $out, qr/^resources-load: published /, 'other synonyms: published';
my ($v2, $pv2) = versions($out);
isnt $v2, $v1, 'other synonyms: another content version';
isnt $pv2, $pv1, 'other synonyms: another public version';
is meta_version('/r'), "200 $pv2", 'nginx serves it';

# --- a bad line: exit 1, FILE:LINE:, nothing published

my $published = sha256_hex(slurp($db));
my @generations = map { -e $_ ? sha256_hex(slurp($_)) : 'none' }
                  "$db.prev", "$db.prev.2", "$db.prev.3";

my @bad = (
    [ "ess, économie sociale et solidaire\nqpv,, quartiers prioritaires\n",
      '2: an empty form (a "," or "=>" with nothing before or after it)' ],
    [ "# x\n\nqpv, quartiers => zones => quartiers\n",
      '3: "=>" more than once (write "\=>" for the text)' ],
    [ "qpv, quartiers prioritaires\nle, la\n",
      '2: "le": no word to search for once folded (stop words and punctuation are not searched for)' ],
    [ "ok, fine\nqpv, " . ('quartier ' x 600) . "\n",
      '2: a line of 5405 bytes, more than 4096' ],
    [ "qpv, caf\xc3\n",
      '1: invalid UTF-8 (byte 9 of the line)' ],
    [ "qpv\n",
      '1: one form alone: a rule has two forms or more ("a, b"), or "=>" ("a => b")' ],
);

for my $b (@bad) {
    my ($text, $message) = @$b;
    my $file = spew("$tmp/bad.txt", $text);
    ($rc, $out, $err) = load('-s', $file, '-o', $db, $cat);
    my ($line) = $message =~ /^(\d+):/;
    is $rc, 1, "a bad line ($line): exit 1";
    is $err, "resources-load: $file:$message\nresources-load: 1 problem in the synonyms: nothing was published\n",
        "a bad line: resources-load: FILE:LINE: message";
    is $out, '', 'nothing on standard output';
    is sha256_hex(slurp($db)), $published, 'the published snapshot is untouched';
}

is_deeply [ map { -e $_ ? sha256_hex(slurp($_)) : 'none' } "$db.prev", "$db.prev.2", "$db.prev.3" ],
    \@generations, 'the generations are untouched';
my @tmp = glob("$db.tmp.*");
is scalar(@tmp), 0, 'no temporary file left';
is meta_version('/r'), "200 $pv2", 'nginx still serves the published snapshot';

# several bad lines: each reported, in order
my $file = spew("$tmp/bad.txt", "a1,\n\nqpv, ok\n=> x1\nx1 => y1 => z1\n");
($rc, $out, $err) = load('-s', $file, '-n', $cat);
is $rc, 1, 'three bad lines: exit 1';
is $err, "resources-load: $file:1: an empty form (a \",\" or \"=>\" with nothing before or after it)\n"
       . "resources-load: $file:4: an empty form (a \",\" or \"=>\" with nothing before or after it)\n"
       . "resources-load: $file:5: \"=>\" more than once (write \"\\=>\" for the text)\n"
       . "resources-load: 3 problems in the synonyms: nothing was published (dry run)\n",
    'three bad lines: three messages, then the count (a dry run)';

($rc, $out, $err) = load('-s', "$tmp/missing.txt", '-o', $db, $cat);
is $rc, 1, 'a missing synonyms file: exit 1';
is $err, "resources-load: $tmp/missing.txt: No such file or directory\nresources-load: 1 problem in the synonyms: nothing was published\n",
    'a missing synonyms file: its message';
is sha256_hex(slurp($db)), $published, 'a missing synonyms file: the published snapshot is untouched';

# -k does not skip a bad rule
($rc, $out, $err) = load('-k', '-s', spew("$tmp/bad.txt", "qpv\n"), '-o', $db, $cat);
is $rc, 1, '-k: a bad synonyms line still stops the load';
unlike $err, qr/skipped/, '-k: not "skipped"';

# --- usage

for my $args ([ '--dump', $db ], [ '--verify', $db ], [ '--rollback', '-o', $db ]) {
    ($rc) = load('-s', $syn1, @$args);
    is $rc, 2, "--synonyms with $args->[0]: bad usage";
}

# --- comments alone: no synonyms (the versions of a load without)

($rc, $out, $err) = load('-s', spew("$tmp/empty.txt", "# nothing yet\n\n"), '-o', $db, $cat);
is $rc, 0, 'a file of comments: exit 0' or diag $err;
is join(' ', versions($out)), "$v0 $pv0", 'a file of comments: the versions of a load without synonyms';
unlike $out, qr/synonyms/, 'a file of comments: the summary says none';

# --- without --synonyms after a load with: published again, without them

load('-s', $syn1, '-o', $db, $cat);
($rc, $out, $err) = load('-o', $db, $cat);
like $out, qr/^resources-load: published /, 'a load without the synonyms publishes again';
is join(' ', versions($out)), "$v0 $pv0", 'the versions of a load without synonyms';
($rc, $out) = load('--verify', $db);
unlike $out, qr/synonyms/, 'no synonyms left in the snapshot';

# --- the judged set's synonyms

($rc, $out, $err) = load('--synonyms', 't/relevance/synonyms.txt', '-o', "$tmp/relevance.mdb",
                         't/relevance/catalogue.jsonl');
is $rc, 0, 't/relevance/synonyms.txt loads with t/relevance/catalogue.jsonl' or diag $err;
like $out, qr/, synonyms: 31 rules, \d+ forms searched for/, 'its 31 rules';
($rc, $out, $err) = load('--verify', "$tmp/relevance.mdb");
is $rc, 0, 'and verifies' or diag $err;

stop_nginx();
