package NodeTests;

# NodeTests - run a node test file (node --test, TAP) from a Perl .t file:
# used by t/080-widget.t (the widget in Chromium) and t/085-openapi.t (the
# OpenAPI document against real answers).
#
#   use lib 't/browser';
#   use NodeTests qw(check_prerequisites run_node_tests);
#   check_prerequisites(dir => 't/browser', modules => ['playwright-core'],
#                       chromium => 1, required_by => ['RESOURCES_BROWSER_TESTS']);
#   ... start nginx ...
#   run_node_tests('t/browser/widget.test.mjs', env => { PAGE_URL => ... });
#
# check_prerequisites() plans "skip_all" with the reason when node, the npm
# packages (node_modules) or Chromium are missing, unless one of the
# environment variables in required_by is true: then the prerequisites are a
# failing test (make test sets them, after installing what is needed).
#
# run_node_tests() runs "node --test --test-reporter=tap FILE" in the project
# root, in its own process group, bounded in time; each top-level node test
# becomes one ok()/not ok() of the .t with the same name, its whole output is
# shown with note() (prove -v) or diag() (when anything failed), and the
# node process's exit status is a test too.

use strict;
use warnings;

use Exporter 'import';
use IPC::Run ();
use POSIX ();
use Test::More ();
use Time::HiRes ();

our @EXPORT_OK = qw(check_prerequisites run_node_tests node_version chromium_path);

our $MinNode = 20;    # playwright-core 1.64 needs node >= 20

sub chromium_path { $ENV{RESOURCES_CHROMIUM} || '/usr/bin/chromium' }

sub node_version {
    my $v = `node --version 2>/dev/null`;
    return undef unless defined $v && $v =~ /^v(\d+)\.(\d+)/;
    return wantarray ? ($1, $2) : $1;
}

# What is missing, as readable lines (empty list: all there).
sub missing_prerequisites {
    my (%o) = @_;
    my @missing;
    my $major = node_version();
    if (!defined $major) {
        push @missing, 'node is not installed (apt-get install -y nodejs npm)';
    } elsif ($major < $MinNode) {
        push @missing, "node $major is too old (>= $MinNode needed)";
    }
    my $dir = $o{dir};
    my @mods = grep { !-f "$dir/node_modules/$_/package.json" } @{ $o{modules} || [] };
    push @missing, "$dir/node_modules lacks @mods (npm ci --prefix $dir)" if @mods;
    if ($o{chromium}) {
        my $c = chromium_path();
        push @missing, "$c is missing (apt-get install -y --no-install-recommends chromium fonts-liberation)"
            unless -x $c;
    }
    return @missing;
}

sub check_prerequisites {
    my (%o) = @_;
    my @missing = missing_prerequisites(%o);
    return 1 unless @missing;
    my @required_by = grep { $ENV{$_} } @{ $o{required_by} || [] };
    if (@required_by) {
        Test::More::plan(tests => 1);
        Test::More::fail("prerequisites of this test (required: @required_by=$ENV{$required_by[0]})");
        Test::More::diag("missing: $_") for @missing;
        exit 1;
    }
    Test::More::plan(skip_all => join('; ', @missing)
        . ' (set ' . join(' or ', map { "$_=1" } @{ $o{required_by} || [] }) . ' to make this a failure)');
    exit 0;    # not reached: skip_all exits
}

# Run one node test file; returns true when it passed.
sub run_node_tests {
    my ($file, %o) = @_;
    my $timeout = $o{timeout} || 120;
    my %env = %{ $o{env} || {} };
    my @cmd = ('node', '--test', '--test-reporter=tap', $file);
    my ($out, $err) = ('', '');
    my $t0 = Time::HiRes::time();
    my $status;
    my $h;
    {
        local @ENV{ keys %env } = values %env;
        my $ok = eval {
            $h = IPC::Run::start(\@cmd, '<', \undef, '>', \$out, '2>', \$err,
                init => sub { setpgrp(0, 0) },
                IPC::Run::timeout($timeout));
            $h->finish;
            $status = $h->full_result(0);
            1;
        };
        if (!$ok) {
            my $why = $@;
            # a timeout: stop node (it stops its browser on SIGTERM), then the group
            my @pids = eval { grep { $_ } map { $_->{PID} } @{ $h->{KIDS} || [] } };
            kill 'TERM', map { -$_ } @pids if @pids;
            Time::HiRes::sleep(3);
            kill 'KILL', map { -$_ } @pids if @pids;
            eval { $h->kill_kill(grace => 1) } if $h;
            $status = -1;
            $err .= "\n$why";
        }
    }
    my $secs = sprintf '%.1f', Time::HiRes::time() - $t0;

    # one test of ours per top-level node test
    my ($n, $failed) = (0, 0);
    for my $line (split /\n/, $out) {
        next unless $line =~ /^(not )?ok \d+ - (.*?)(?:\s+#\s*(SKIP|TODO)\b.*)?$/;
        my ($not, $name, $directive) = ($1, $2, $3);
        $n++;
        if ($directive && $directive eq 'SKIP') {
            Test::More::pass("$file: $name # skipped by node");
            next;
        }
        $failed++ if $not;
        Test::More::ok(!$not, "$file: $name");
    }
    Test::More::ok($n > 0, "$file: ran $n node tests in ${secs}s");
    my $exit = $status == -1 ? 'timed out' : ($status & 127) ? 'killed by signal ' . ($status & 127)
        : 'exit status ' . ($status >> 8);
    Test::More::ok(defined $status && $status == 0, "$file: node --test succeeded ($exit)");

    my $all = $out . ($err ne '' ? "--- stderr:\n$err" : '');
    if ($failed || !$n || $status) {
        Test::More::diag("node --test $file ($exit, ${secs}s):\n$all");
    } else {
        Test::More::note("node --test $file (${secs}s):\n$all");
    }
    return !$failed && $n && !$status;
}

1;
