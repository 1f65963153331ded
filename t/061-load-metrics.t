# resources-load --metrics-file: the node_exporter textfile after a good, an
# unchanged and a failed load, its counts against the snapshot replaced,
# the modes that leave it alone, a file that cannot be written, label
# escaping, and the text exposition format (0.0.4) read by a strict parser.
# The loader only: no nginx.

use strict;
use warnings;

use Test::More;
use File::Temp qw(tempdir);
use IO::Handle;
use JSON::PP;
use Time::HiRes qw(time);

my $loader = $ENV{TEST_RESOURCES_LOADER} || 'build/resources-load';
my $dir = tempdir(CLEANUP => 1);
my $json = JSON::PP->new->canonical;

# runs the loader; returns (exit code, stdout, stderr)
sub load {
    my (@args) = @_;
    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        open STDOUT, '>', "$dir/stdout" or die;
        open STDERR, '>', "$dir/stderr" or die;
        exec $loader, @args or exit 127;
    }
    waitpid $pid, 0;
    my $rc = ($? & 127) ? 128 + ($? & 127) : $? >> 8;
    return ($rc, slurp("$dir/stdout"), slurp("$dir/stderr"));
}

sub slurp {
    my ($file) = @_;
    open my $f, '<:raw', $file or return undef;
    local $/;
    my $s = <$f>;
    return $s // '';
}

sub spew {
    my ($file, $s) = @_;
    open my $f, '>:raw', $file or die "$file: $!";
    print $f $s;
    close $f;
    return $file;
}

sub rec {
    my (%f) = @_;
    return $json->encode({ id => 'r1', title => 'Titre', type => 'Autres',
                           %f }) . "\n";
}

# ---------------------------------------------------------------------------
# A strict reader of the text exposition format 0.0.4, as node_exporter's
# textfile collector reads it: every line "# HELP name text", "# TYPE name
# type" or "name{label="value",...} value" (no timestamp: the collector
# refuses them), a family's HELP then TYPE before its samples, its samples
# together, no family twice, label values escaped (\\, \", \n only), the
# file ending with a line feed.  Dies with the line at fault; returns the
# samples, [name, {labels}, value] each.
# ---------------------------------------------------------------------------

my $NAME = qr/[a-zA-Z_:][a-zA-Z0-9_:]*/;
my $VALUE = qr/(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]Inf|NaN)/;

sub parse_textfile {
    my ($text) = @_;
    die "empty file\n" if !defined $text || $text eq '';
    die "no line feed at the end\n" if $text !~ /\n\z/;
    my (%help, %type, %family_done, %seen, @samples);
    my $current = '';
    my $n = 0;
    for my $line (split /\n/, $text) {
        $n++;
        my $at = "line $n: \"$line\"";
        if ($line =~ /^# HELP ($NAME) (.*)$/) {
            my ($name, $help) = ($1, $2);
            die "$at: a second HELP\n" if exists $help{$name};
            die "$at: HELP after its samples\n" if $family_done{$name} || $current eq $name;
            die "$at: a bad escape in the help\n"
                if $help !~ /^(?:[^\\]|\\[\\n])*$/;
            $help{$name} = $help;
        } elsif ($line =~ /^# TYPE ($NAME) (\S+)$/) {
            my ($name, $type) = ($1, $2);
            die "$at: unknown type\n"
                if $type !~ /^(?:counter|gauge|histogram|summary|untyped)$/;
            die "$at: a second TYPE\n" if exists $type{$name};
            die "$at: TYPE before HELP\n" if !exists $help{$name};
            die "$at: TYPE after its samples\n" if $family_done{$name} || $current eq $name;
            $type{$name} = $type;
        } elsif ($line =~ /^#/) {
            die "$at: a comment that is neither HELP nor TYPE\n";
        } elsif ($line =~ /^($NAME)(\{.*\})? ($VALUE)$/) {
            my ($name, $labels, $value) = ($1, $2 // '{}', $3);
            die "$at: no HELP before it\n" if !exists $help{$name};
            die "$at: no TYPE before it\n" if !exists $type{$name};
            if ($current ne $name) {
                die "$at: its family's samples are not together\n"
                    if $family_done{$name};
                $family_done{$current} = 1 if $current ne '';
                $current = $name;
            }
            my %l;
            die "$at: bad labels\n" if $labels !~ /^\{(.*)\}$/s;
            my $in = $1;
            while (length $in) {
                $in =~ s/^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)//
                    or die "$at: bad label at \"$in\"\n";
                my ($k, $v, $comma) = ($1, $2, $3);
                die "$at: label $k twice\n" if exists $l{$k};
                $v =~ s/\\(.)/$1 eq 'n' ? "\n" : $1/ge;
                $l{$k} = $v;
                die "$at: a comma at the end\n" if $comma eq ',' && $in eq '';
            }
            my $key = $name . "\0" . join "\0", map { "$_=$l{$_}" } sort keys %l;
            die "$at: a sample twice\n" if $seen{$key}++;
            push @samples, [$name, \%l, $value];
        } else {
            die "$at: not a HELP, TYPE or sample line\n";
        }
    }
    for my $name (keys %help) {
        die "HELP of $name without samples\n"
            if !grep { $_->[0] eq $name } @samples;
    }
    return \@samples;
}

# the reader itself: what it must refuse
{
    my $ok = "# HELP a_b A help.\n# TYPE a_b gauge\na_b{db=\"x\"} 1\n";
    ok eval { parse_textfile($ok); 1 }, 'the reader takes a good file' or diag $@;
    my %bad = (
        'no HELP'           => "# TYPE a_b gauge\na_b{db=\"x\"} 1\n",
        'no TYPE'           => "# HELP a_b A help.\na_b{db=\"x\"} 1\n",
        'no final newline'  => "# HELP a_b A help.\n# TYPE a_b gauge\na_b{db=\"x\"} 1",
        'a bad escape'      => "# HELP a_b A help.\n# TYPE a_b gauge\na_b{db=\"x\\y\"} 1\n",
        'a raw quote'       => "# HELP a_b A help.\n# TYPE a_b gauge\na_b{db=\"x\"y\"} 1\n",
        'a timestamp'       => "# HELP a_b A help.\n# TYPE a_b gauge\na_b{db=\"x\"} 1 1700000000\n",
        'a bad value'       => "# HELP a_b A help.\n# TYPE a_b gauge\na_b{db=\"x\"} one\n",
        'a blank line'      => "# HELP a_b A help.\n\n# TYPE a_b gauge\na_b{db=\"x\"} 1\n",
        'samples apart'     => "# HELP a_b A.\n# TYPE a_b gauge\na_b{db=\"x\"} 1\n"
                             . "# HELP c_d C.\n# TYPE c_d gauge\nc_d 1\na_b{db=\"y\"} 1\n",
        'a sample twice'    => "# HELP a_b A.\n# TYPE a_b gauge\na_b{db=\"x\"} 1\na_b{db=\"x\"} 2\n",
        'HELP twice'        => "# HELP a_b A.\n# HELP a_b A.\n# TYPE a_b gauge\na_b 1\n",
    );
    for my $what (sort keys %bad) {
        ok !eval { parse_textfile($bad{$what}); 1 }, "the reader refuses $what";
    }
}

my @NAMES = qw(
    resources_load_last_success_timestamp_seconds
    resources_load_last_failure_timestamp_seconds
    resources_load_duration_seconds
    resources_load_resources
    resources_load_public_resources
    resources_load_snapshot_bytes
    resources_load_added_resources
    resources_load_removed_resources
    resources_load_changed_resources
);

# the file read strictly: name => value, for the samples of db (and every
# sample must be of db); undef with a diagnostic when it does not parse
sub metrics {
    my ($file, $db) = @_;
    my $samples = eval { parse_textfile(slurp($file)) };
    if (!$samples) {
        diag "$file: $@";
        return undef;
    }
    my %m;
    for my $s (@$samples) {
        my ($name, $l, $v) = @$s;
        if (join(',', sort keys %$l) ne 'db' || $l->{db} ne $db) {
            diag "$file: $name has labels " . join(',', %$l);
            return undef;
        }
        $m{$name} = $v;
    }
    return \%m;
}

sub no_tmp {
    my ($file, $what) = @_;
    my @left = glob("\Q$file\E.tmp.*");
    ok !@left, "$what: no temporary file left" or diag "@left";
}

# the lines of a text that differ from another's, by index; 3 things
# when their numbers of lines differ
sub changed_lines {
    my ($a, $b) = @_;
    my @a = split /\n/, $a, -1;
    my @b = split /\n/, $b, -1;
    return ('lines:', scalar @a, scalar @b) if @a != @b;
    return grep { $a[$_] ne $b[$_] } 0 .. $#a;
}

# --- a good load: every metric, with its HELP and TYPE, values right

my $db = "$dir/catalogue.mdb";
my $prom = "$dir/resources-load.prom";

my $t0 = time;
my ($rc, $out, $err) = load('--metrics-file', $prom, '-o', $db,
                            't/data/sample.jsonl');
my $t1 = time;
is $rc, 0, 'the sample loads with --metrics-file' or diag $err;
is $err, '', 'and says nothing on stderr';
my $m = metrics($prom, $db);
ok $m, 'the file parses as the text format, every sample db="<-o>"';
$m ||= {};
is_deeply [sort keys %$m], [sort @NAMES], 'every metric is there, once';
my $text = slurp($prom);
for my $name (@NAMES) {
    like $text, qr/^# HELP \Q$name\E \S.*\n# TYPE \Q$name\E gauge\n\Q$name\E\{/m,
        "$name: HELP, TYPE gauge, then its sample";
}
is $m->{resources_load_resources}, 8, 'resources: 8';
is $m->{resources_load_public_resources}, 6, 'public resources: 6 (2 private)';
is $m->{resources_load_snapshot_bytes}, -s $db, 'bytes: the published file\'s size';
is $m->{resources_load_added_resources}, 8, 'nothing published before: 8 added';
is $m->{resources_load_removed_resources}, 0, '0 removed';
is $m->{resources_load_changed_resources}, 0, '0 changed';
is $m->{resources_load_last_failure_timestamp_seconds}, 0, 'no failure yet: 0';
my $ts = $m->{resources_load_last_success_timestamp_seconds} // 0;
ok $ts >= int($t0) && $ts <= $t1 + 0.001,
    "success timestamp $ts is the real time of the load ($t0 .. $t1)";
like $ts, qr/^\d+\.\d{3}$/, 'seconds with milliseconds';
my $d = $m->{resources_load_duration_seconds} // -1;
ok $d > 0 && $d <= $t1 - $t0, "duration $d s, within the load's wall time";
is sprintf('%o', (stat $prom)[2] & 07777), '644', 'the file is 0644';
no_tmp($prom, 'a good load');

# SOURCE_DATE_EPOCH sets the snapshot's build time, never the metrics'
{
    local $ENV{SOURCE_DATE_EPOCH} = '1700000000';
    ($rc, $out, $err) = load('--metrics-file', "$dir/sde.prom", '-o',
                             "$dir/sde.mdb", 't/data/sample.jsonl');
    is $rc, 0, 'SOURCE_DATE_EPOCH: loads' or diag $err;
    my $sm = metrics("$dir/sde.prom", "$dir/sde.mdb") || {};
    ok(($sm->{resources_load_last_success_timestamp_seconds} // 0) >= int($t0),
       'SOURCE_DATE_EPOCH: the success timestamp is the real time');
}

# --- against the snapshot replaced: one added, one removed, one changed

my $cdb = "$dir/counts.mdb";
my $cprom = "$dir/counts.prom";
my @base = map { rec(id => "r-$_", title => "Ressource $_") } 1 .. 10;
spew("$dir/base.jsonl", join '', @base);
($rc, $out, $err) = load('-q', '--metrics-file', $cprom, '-o', $cdb,
                         "$dir/base.jsonl");
is $rc, 0, '10 resources published' or diag $err;
my @next = @base[0 .. 8];                           # r-10 removed
$next[1] = rec(id => 'r-2', title => 'Ressource 2, revue');   # changed
push @next, rec(id => 'r-11', title => 'Ressource 11');       # added
spew("$dir/next.jsonl", join '', @next);
($rc, $out, $err) = load('--diff', '-n', '-o', $cdb, "$dir/next.jsonl");
like $out, qr/: 1 added, 1 removed, 1 changed, 8 unchanged$/m,
    '--diff says 1 added, 1 removed, 1 changed';
($rc, $out, $err) = load('-q', '--metrics-file', $cprom, '-o', $cdb,
                         "$dir/next.jsonl");
is $rc, 0, 'the next catalogue is published' or diag $err;
$m = metrics($cprom, $cdb) || {};
is $m->{resources_load_added_resources}, 1, 'added: 1';
is $m->{resources_load_removed_resources}, 1, 'removed: 1';
is $m->{resources_load_changed_resources}, 1, 'changed: 1';
is $m->{resources_load_resources}, 10, 'resources: 10';
is $m->{resources_load_public_resources}, 10, 'public resources: 10';
is $m->{resources_load_snapshot_bytes}, -s $cdb, 'bytes: the new file\'s size';

# a private flag is part of the record; an order alone changes nothing
{
    my @priv = @next;
    $priv[2] = rec(id => 'r-3', title => 'Ressource 3', private => JSON::PP::true);
    spew("$dir/priv.jsonl", join '', @priv);
    ($rc, $out, $err) = load('-q', '--metrics-file', $cprom, '-o', $cdb,
                             "$dir/priv.jsonl");
    is $rc, 0, 'one resource made private' or diag $err;
    $m = metrics($cprom, $cdb) || {};
    is_deeply [@$m{map { "resources_load_${_}_resources" } qw(added removed changed)}],
        [0, 0, 1], 'made private: 1 changed';
    is $m->{resources_load_public_resources}, 9, 'public resources: 9';

    spew("$dir/reversed.jsonl", join '', reverse @priv);
    ($rc, $out, $err) = load('--metrics-file', $cprom, '-o', $cdb,
                             "$dir/reversed.jsonl");
    like $out, qr/published/, 'the same records in another order: published';
    $m = metrics($cprom, $cdb) || {};
    is_deeply [@$m{map { "resources_load_${_}_resources" } qw(added removed changed)}],
        [0, 0, 0], 'another order: nothing added, removed or changed';
}

# --- an unchanged load is a success: nothing added, removed or changed

{
    my $old = metrics($prom, $db) || {};
    ($rc, $out, $err) = load('--metrics-file', $prom, '-o', $db,
                             't/data/sample.jsonl');
    is $rc, 0, 'the same catalogue again: exit 0';
    like $out, qr/unchanged/, 'unchanged';
    $m = metrics($prom, $db) || {};
    ok(($m->{resources_load_last_success_timestamp_seconds} // 0)
       >= ($old->{resources_load_last_success_timestamp_seconds} // 9e9),
       'unchanged: the success timestamp moves on');
    is $m->{resources_load_resources}, 8, 'unchanged: 8 resources';
    is $m->{resources_load_public_resources}, 6, 'unchanged: 6 public';
    is $m->{resources_load_snapshot_bytes}, -s $db, 'unchanged: the file\'s size';
    is_deeply [@$m{map { "resources_load_${_}_resources" } qw(added removed changed)}],
        [0, 0, 0], 'unchanged: 0 added, removed, changed';
    is $m->{resources_load_last_failure_timestamp_seconds}, 0, 'unchanged: no failure';
    no_tmp($prom, 'an unchanged load');
}

# --- a failed load changes the failure line alone

my $failure_line = qr/^resources_load_last_failure_timestamp_seconds\{db="\Q$db\E"\} (\d+\.\d{3})$/;

sub failed_load {
    my ($what, $want_rc, @args) = @_;
    my $old = slurp($prom);
    my $ino = (stat $prom)[1];
    my $t = time;
    my ($rc, $out, $err) = load('--metrics-file', $prom, @args);
    is $rc, $want_rc, "$what: exit $want_rc, as without --metrics-file";
    my $new = slurp($prom);
    my @diff = changed_lines($old, $new);
    is scalar @diff, 1, "$what: one line changed" or diag "@diff";
    my @lines = split /\n/, $new;
    my ($v) = (defined $diff[0] && $diff[0] =~ /^\d+$/ ? $lines[$diff[0]] : '')
              =~ $failure_line;
    ok defined $v && $v >= int($t), "$what: it is the failure line, now"
        or diag $lines[$diff[0] // 0];
    isnt((stat $prom)[1], $ino, "$what: a new file renamed into place");
    ok metrics($prom, $db), "$what: the file still parses";
    no_tmp($prom, $what);
    unlike $err, qr/metrics were not written/,
        "$what: nothing said about the metrics file";
    return $v;
}

spew("$dir/bad.jsonl", rec(id => 'ok-1') . "{\"id\": \"broken\"\n");
my $first_failure = failed_load('a bad input line', 1, '-o', $db, "$dir/bad.jsonl");
failed_load('a missing input file', 1, '-o', $db, "$dir/missing.jsonl");
spew("$dir/cut.jsonl", rec(id => 'only-one'));
failed_load('a load over the removal limit', 1, '-o', $db, "$dir/cut.jsonl");
{
    local $ENV{SOURCE_DATE_EPOCH} = 'soon';
    failed_load('a bad SOURCE_DATE_EPOCH', 2, '-o', $db, 't/data/sample.jsonl');
}
failed_load('no input file (bad usage, output known)', 2, '-o', $db);
spew("$dir/dup.jsonl", rec(id => 'a') . rec(id => 'a'));
failed_load('a duplicate id', 1, '-o', $db, "$dir/dup.jsonl");
is((load('--verify', $db))[0], 0, 'the published snapshot is still good');

# a success after a failure keeps the failure's time
{
    my $f = metrics($prom, $db)->{resources_load_last_failure_timestamp_seconds};
    ($rc, $out, $err) = load('--metrics-file', $prom, '-o', $db,
                             't/data/sample.jsonl');
    is $rc, 0, 'a good load after the failures';
    $m = metrics($prom, $db) || {};
    is $m->{resources_load_last_failure_timestamp_seconds}, $f,
        'it keeps the last failure\'s timestamp, as it was';
    ok $m->{resources_load_last_success_timestamp_seconds} >= $f,
        'success after failure: the success is the later';
}

# a failure without a previous file, or with one that is not ours
{
    my $fresh = "$dir/fresh.prom";
    ($rc) = load('--metrics-file', $fresh, '-o', "$dir/fresh.mdb",
                 "$dir/bad.jsonl");
    is $rc, 1, 'a first load that fails';
    my $t = slurp($fresh) // '';
    like $t, qr/\A# HELP resources_load_last_failure_timestamp_seconds .+\n# TYPE resources_load_last_failure_timestamp_seconds gauge\nresources_load_last_failure_timestamp_seconds\{db="\Q$dir\E\/fresh\.mdb"\} \d+\.\d{3}\n\z/,
        'no previous file: the failure line alone, with its HELP and TYPE';
    ok metrics($fresh, "$dir/fresh.mdb"), 'and it parses';

    for my $prev ("garbage\n", "half a line",
                  "# HELP resources_load_resources R.\n# TYPE resources_load_resources gauge\nresources_load_resources{db=\"/other.mdb\"} 3\n# HELP resources_load_last_failure_timestamp_seconds F.\n# TYPE resources_load_last_failure_timestamp_seconds gauge\nresources_load_last_failure_timestamp_seconds{db=\"/other.mdb\"} 0\n")
    {
        spew($fresh, $prev);
        ($rc) = load('--metrics-file', $fresh, '-o', "$dir/fresh.mdb",
                     "$dir/bad.jsonl");
        my $t = slurp($fresh) // '';
        my @samples = grep { !/^#/ } split /\n/, $t;
        ok @samples == 1 && $samples[0] =~ /^resources_load_last_failure_timestamp_seconds\{db="\Q$dir\E\/fresh\.mdb"\} /,
            'a previous file that is not this db\'s: the failure line alone'
            or diag $t;
    }
    # a success after a failure-only file: every line, the failure kept
    my $f = metrics($fresh, "$dir/fresh.mdb")->{resources_load_last_failure_timestamp_seconds};
    ($rc) = load('--metrics-file', $fresh, '-o', "$dir/fresh.mdb",
                 't/data/sample.jsonl');
    $m = metrics($fresh, "$dir/fresh.mdb") || {};
    is scalar(keys %$m), scalar @NAMES, 'then a success: every metric';
    is $m->{resources_load_last_failure_timestamp_seconds}, $f, 'the failure kept';
}

# --- modes that leave the file alone: -n (even failing), --diff -n,
# --verify, --dump, --rollback; "" names no file

{
    my $old = slurp($prom);
    my $ino = (stat $prom)[1];
    spew("$dir/more.jsonl", slurp('t/data/sample.jsonl') . rec(id => 'more-1'));
    for my $args (['-n', '-o', $db, "$dir/more.jsonl"],
                  ['-n', '-o', $db, "$dir/bad.jsonl"],
                  ['-n', "$dir/more.jsonl"],
                  ['-n', '-o', $db, "$dir/cut.jsonl"],
                  ['--diff', '-n', '-o', $db, "$dir/more.jsonl"],
                  ['--verify', $db],
                  ['--dump', $db],
                  ['--rollback', '-o', $cdb],
                  ['--bogus-option', '-o', $db, "$dir/more.jsonl"],
                  ['--keep', 'many', '-o', $db, "$dir/more.jsonl"])
    {
        my ($r, undef, $e) = load('--metrics-file', $prom, @$args);
        is $r, 0, '--rollback: done' or diag $e if $args->[0] eq '--rollback';
        is slurp($prom), $old, "@$args: the file is left alone";
        is((stat $prom)[1], $ino, "@$args: not even rewritten");
    }
    ($rc, $out, $err) = load('--metrics-file', '', '-o', "$dir/none.mdb",
                             't/data/sample.jsonl');
    is $rc, 0, '--metrics-file "": a load' or diag $err;
    is $err, '', '--metrics-file "": no file, nothing said';
    # as resources-load.service passes it, RESOURCES_METRICS_FILE empty
    ($rc, $out, $err) = load('--metrics-file=', '-o', "$dir/none.mdb",
                             't/data/sample.jsonl');
    is $rc, 0, '--metrics-file= (empty): a load' or diag $err;
    is $err, '', '--metrics-file= (empty): nothing said';
}

# --- a metrics file that cannot be written: said, the exit status kept

{
    my $nodir = "$dir/no-such-dir/resources-load.prom";
    ($rc, $out, $err) = load('--metrics-file', $nodir, '-o', "$dir/nd.mdb",
                             't/data/sample.jsonl');
    is $rc, 0, 'no such directory: a good load still exits 0';
    like $out, qr/published/, 'and publishes';
    is $err, "resources-load: $nodir: No such file or directory: the load's metrics were not written\n",
        'and says so on stderr, naming the file';
    ($rc, $out, $err) = load('--metrics-file', $nodir, '-o', "$dir/nd.mdb",
                             "$dir/bad.jsonl");
    is $rc, 1, 'no such directory: a bad load still exits 1';
    like $err, qr/^resources-load: \Q$nodir\E: No such file or directory: the load's metrics were not written$/m,
        'and says so too';

    # the path is a directory: the rename fails, nothing left
    mkdir "$dir/isdir.prom";
    ($rc, $out, $err) = load('--metrics-file', "$dir/isdir.prom", '-o',
                             "$dir/nd.mdb", 't/data/sample.jsonl');
    is $rc, 0, 'the file is a directory: exit 0';
    like $err, qr/^resources-load: \Q$dir\E\/isdir\.prom: Is a directory: the load's metrics were not written$/m,
        'said so' or diag $err;
    no_tmp("$dir/isdir.prom", 'a directory');
}

# --- a temporary file of a killed load is removed; the mode whatever the umask

{
    # a pid past the largest one: no process has it
    my $gone = (slurp('/proc/sys/kernel/pid_max') // 4194304) + 1000;
    $gone =~ s/\s+//g;
    spew("$prom.tmp.$gone", "half a file");
    ($rc, $out, $err) = load('--metrics-file', $prom, '-o', $db,
                             't/data/sample.jsonl');
    ok !-e "$prom.tmp.$gone", 'a stale temporary file is removed';
    like $err, qr/removed \Q$prom\E\.tmp\.$gone, left by a load that did not finish/,
        'and said so';

    unlink $prom;
    my $mask = umask 077;
    ($rc) = load('--metrics-file', $prom, '-o', $db, 't/data/sample.jsonl');
    umask $mask;
    is sprintf('%o', (stat $prom)[2] & 07777), '644',
        'umask 077: the file is 0644 all the same (node_exporter reads it)';
}

# --- label values: \, " and a line feed escaped; not UTF-8: U+FFFD

{
    my $weird = "$dir/a \"quoted\" back\\slash\nnew line.mdb";
    my $wprom = "$dir/weird.prom";
    ($rc, $out, $err) = load('--metrics-file', $wprom, '-o', $weird,
                             't/data/sample.jsonl');
    is $rc, 0, 'an output with a quote, a backslash and a line feed' or diag $err;
    my $t = slurp($wprom) // '';
    like $t, qr/^resources_load_resources\{db="\Q$dir\E\/a \\"quoted\\" back\\\\slash\\nnew line\.mdb"\} 8$/m,
        'escaped as the format says' or diag $t;
    $m = metrics($wprom, $weird);
    ok $m && $m->{resources_load_resources} == 8,
        'and read back as the path itself';
    spew("$dir/weird-bad.jsonl", "{\n");
    my $old = $t;
    ($rc) = load('--metrics-file', $wprom, '-o', $weird, "$dir/weird-bad.jsonl");
    is scalar(() = changed_lines($old, slurp($wprom))), 1,
        'a failure of that output: its failure line found and changed alone';

    my $latin = "$dir/caf\xe9.mdb";
    ($rc, $out, $err) = load('--metrics-file', "$dir/latin.prom", '-o', $latin,
                             't/data/sample.jsonl');
    is $rc, 0, 'an output whose name is not UTF-8' or diag $err;
    like slurp("$dir/latin.prom"), qr/\{db="\Q$dir\E\/caf\xef\xbf\xbd\.mdb"\}/,
        'its byte is U+FFFD in the label';
}

# --- two catalogues, two files, labels apart

{
    ($rc) = load('--metrics-file', "$dir/two.prom", '-o', "$dir/two.mdb",
                 "$dir/base.jsonl");
    my $one = metrics($prom, $db);
    my $two = metrics("$dir/two.prom", "$dir/two.mdb");
    ok $one && $two, 'two catalogues: each file of its own db';
    is $two->{resources_load_resources}, 10, 'the second one\'s count';
}

# --- a full disk: the snapshot's (a failed load, the failure line), then
# the metrics file's own (said, exit 0, the file as it was); root: tmpfs

SKIP: {
    skip 'needs root to mount a tmpfs', 9 if $> != 0;
    my $mnt = "$dir/small";
    mkdir $mnt;
    skip 'cannot mount a tmpfs here', 9
        if system("mount -t tmpfs -o size=400k tmpfs $mnt 2>/dev/null") != 0;
    my $sprom = "$dir/small.prom";
    ($rc) = load('-q', '--metrics-file', $sprom, '-o', "$mnt/c.mdb",
                 't/data/sample.jsonl');
    is $rc, 0, 'a small catalogue on a small tmpfs';
    open my $g, '>', "$dir/large.jsonl" or die;
    print $g rec(id => "large-$_",
                 body => join ' ', map { sprintf '%08x', int rand 2**32 } 1 .. 400)
        for 1 .. 400;
    close $g;
    my $old = slurp($sprom);
    ($rc, $out, $err) = load('--force', '--metrics-file', $sprom, '-o',
                             "$mnt/c.mdb", "$dir/large.jsonl");
    is $rc, 1, 'the snapshot\'s disk is full: exit 1';
    like $err, qr/No space left on device/, 'said so';
    my @diff = changed_lines($old, slurp($sprom));
    ok @diff == 1 && (split /\n/, slurp($sprom))[$diff[0]]
        =~ /^resources_load_last_failure_timestamp_seconds\{/,
        'ENOSPC: the failure line alone changed';

    # the metrics file on the full disk (the snapshot elsewhere: LMDB
    # could not even open a new file there)
    my $mprom = "$mnt/m.prom";
    ($rc) = load('-q', '--metrics-file', $mprom, '-o', "$dir/full.mdb",
                 't/data/sample.jsonl');
    $old = slurp($mprom);
    ok $old, 'a metrics file on the small tmpfs';
    if (open my $fill, '>', "$mnt/fill") {
        my $block = 'x' x 4096;
        1 while print $fill $block and $fill->flush;
        close $fill;
    }
    ($rc, $out, $err) = load('-q', '--metrics-file', $mprom, '-o',
                             "$dir/full.mdb", 't/data/sample.jsonl');
    is $rc, 0, 'the metrics file\'s disk is full: the load exits 0 (unchanged)';
    like $err, qr/^resources-load: \Q$mprom\E: No space left on device: the load's metrics were not written$/m,
        'said so, naming the file' or diag $err;
    is slurp($mprom), $old, 'the file is as it was';
    no_tmp($mprom, 'a full disk');
    system("umount $mnt");
}

# --- the usage line and the manual say it

like((load('-h'))[1], qr/\[--metrics-file FILE\]/, '-h: --metrics-file');
ok((slurp('docs/loader.md') // '') =~ /`--metrics-file FILE`/,
    'docs/loader.md: --metrics-file');

done_testing;
