package Resources::TestNginx;

# Resources::TestNginx - a small, self-contained stand-in for Test::Nginx::Socket
#
# Test files look exactly like Test::Nginx::Socket test files, except for the
# "use" line:
#
#     use lib 't/lib';
#     use Resources::TestNginx 'no_plan';
#     log_level('info');
#     run_tests();
#     __DATA__
#     === TEST 1: hello
#     --- config
#         location /t { return 200 "hello\n"; }
#     --- request
#     GET /t
#     --- response_body
#     hello
#     --- no_error_log
#     [error]
#
# The semantics follow Test::Nginx::Socket (openresty/test-nginx,
# lib/Test/Nginx/{Socket,Util}.pm); the code is our own.  Blocks are parsed by
# Test::Base (filters such as "eval" and "chomp", ONLY/SKIP/LAST markers);
# blocks run in random order unless no_shuffle() or TEST_NGINX_NO_SHUFFLE=1.
#
# Sections
#   main_config, http_config, config, post_main_config, user_files
#   request         "METHOD [URI [PROTOCOL]]" (default "GET / HTTP/1.1"),
#                   optional body on the following lines (trimmed, and sent
#                   with a Content-Length); "request eval" may return an
#                   arrayref: several requests, one connection each, and the
#                   check sections below must then be arrayrefs too (one
#                   element per request), as in Test::Nginx.
#   raw_request     bytes sent as they are (eval arrayref: several packets,
#                   raw_request_middle_delay seconds apart)
#   more_headers    extra request header lines (Host: localhost and
#                   Connection: close are added unless given here)
#   error_code, error_code_like   (the status is always checked; default 200)
#   response_headers       "Name: value"; "Name:" or "!Name": must be absent
#   response_headers_like  "Name: regex" (anchored), raw_response_headers_like
#   response_body          exact (after chunked decoding); eval may give qr//
#   response_body_like, response_body_unlike   regex with /s
#   response_json          body must be JSON deeply equal to the section
#   response_json_subset   expected JSON is a subset of the body's JSON:
#                          object keys must exist and match recursively,
#                          arrays must have the same length, scalars be equal
#                          (numbers numerically; 1 and "1" differ)
#   error_log, no_error_log   one pattern per line (substring), or with eval a
#                   qr// or an arrayref of strings/qr//; checked against the
#                   error.log lines written since the previous check, after
#                   every request (as in Test::Nginx)
#   must_die        nginx must fail to start (optional value: exit code);
#                   error_log is then matched against nginx's stderr+error.log
#   timeout         seconds per request (default 3, "500ms" accepted)
#   wait            seconds to sleep after the requests, before log checks
#   log_level       error_log level for this block (default debug, or
#                   log_level(), or TEST_NGINX_LOG_LEVEL)
#   ignore_response, init, SKIP, ONLY, LAST
#   catalogue       project specific: file paths (relative to the project
#                   root), one per line, loaded before nginx starts with
#                   "$TEST_RESOURCES_LOADER -q -o $servroot/html/catalogue.mdb
#                   <paths>" (default loader: build/resources-load)
#   catalogue_jsonl project specific: inline JSON Lines, written to
#                   $servroot/html/inline.jsonl and loaded the same way
#   shell           project specific: "sh -c" commands run in the project root
#                   after nginx started and before the requests; the block
#                   dies if they fail
# $TEST_NGINX_XXX in config, http_config, main_config, request, raw_request,
# more_headers, catalogue and user_files is replaced by the environment
# variable; TEST_NGINX_SERVROOT, TEST_NGINX_HTML_DIR, TEST_NGINX_CATALOGUE and
# TEST_NGINX_SERVER_PORT are always set.  $ServerPort in response_headers and
# response_body is replaced by the port.
#
# Generated nginx.conf (servroot/conf/nginx.conf): load_module lines from
# TEST_NGINX_LOAD_MODULES, "user nobody nogroup" when run as root,
# worker_processes (workers()), daemon off, master_process (master_on/off,
# default on), error_log/pid/lock_file under servroot, env_to_nginx() vars,
# main_config, events { accept_mutex off; worker_connections 1024 }, http {
# access_log, the five *_temp_path under servroot, default_type text/plain,
# keepalive_timeout 68, http_config, server { listen 127.0.0.1:$port;
# server_name localhost; config; location / { root html } (unless
# no_root_location()) } }.
#
# Process handling: nginx runs in the foreground ("daemon off") as our child,
# in its own process group, restarted for every block; we wait (at most 10 s)
# until it wrote its pid file and listens on the port, and stop it after the
# block with SIGQUIT (SIGKILL to its process group after 5 s).  An END block
# and INT/TERM/HUP/QUIT handlers stop it when the test dies or is interrupted.
#
# Differences from Test::Nginx that matter in practice:
#   * master_process defaults to "on" (Test::Nginx: off), and nginx is not
#     daemonized.
#   * a block without "--- config" gets an empty server config (Test::Nginx
#     re-uses the previous block's nginx).
#   * "Name:" in --- response_headers requires the header to be absent
#     (Test::Nginx accepts an absent or empty header).
#   * packet arrays inside "request eval" are not supported (use raw_request).
#
# Programmatic API, for scripts that do not fit data blocks:
#   start_nginx(config => ..., http_config => ..., main_config => ...,
#               workers => N, master => 0|1, log_level => ...,
#               catalogue => [paths] | "lines", catalogue_jsonl => "...")
#       -> pid; dies with nginx's output when it cannot start
#   stop_nginx()
#   http_request("/path" | "METHOD /path [HTTP/x.y]" | $raw, headers => {..},
#                body => $bytes, timeout => $s, raw => 1)
#       -> ($status, \%headers (lower-cased names, repeats joined by ", "),
#           $body, $error)
#   load_catalogue($out, @files)   (dies with the loader's stderr)
#   error_log_text()               (the whole error.log)
#   error_log_new()                (what error.log gained since the last
#                                   call: the handler logs before it answers)
#
# Environment variables: TEST_NGINX_BINARY (default /usr/sbin/nginx),
# TEST_NGINX_PORT (default 1984), TEST_NGINX_SERVROOT (default t/servroot),
# TEST_NGINX_LOAD_MODULES, TEST_NGINX_LOG_LEVEL (default debug),
# TEST_NGINX_TIMEOUT (default 3), TEST_NGINX_NO_SHUFFLE,
# TEST_NGINX_WORKER_USER, TEST_NGINX_VERBOSE, TEST_NGINX_START_TIMEOUT
# (default 10), TEST_RESOURCES_LOADER (default build/resources-load).

use strict;
use warnings;

# Lower-case "-base": make this package a Test::Base subclass (so that the
# blocks of the test file's __DATA__ are parsed by Test::Base, with its
# filters, ONLY/SKIP/LAST handling, and plan handling in "use ... 'no_plan'"),
# but WITHOUT Spiffy's "$self" source filter that "-Base" would turn on.
use Test::Base -base;

use B ();
use Cwd qw(getcwd);
use File::Path qw(make_path remove_tree);
use File::Spec ();
use IO::Select ();
use IO::Socket::INET ();
use IPC::Run ();
use JSON::PP ();
use List::Util qw(shuffle min);
use POSIX ();
use Scalar::Util qw(looks_like_number);
use Test::LongString ();
use Text::Diff ();
use Time::HiRes ();

our $VERSION = '0.01';

our @EXPORT = qw(
    run_tests run_test done_testing bail_out
    repeat_each no_shuffle log_level workers master_on master_off
    master_process_enabled no_long_string env_to_nginx timeout
    worker_connections no_root_location config_preamble
    server_port server_port_for_client server_addr server_name
    html_dir server_root
    add_block_preprocessor add_cleanup_handler is_str
    $ServerPort $ServerPortForClient $NoLongString
    start_nginx stop_nginx http_request load_catalogue error_log_text
    error_log_new nginx_pid
);

# ---------------------------------------------------------------------------
# Configuration (package variables, Test::Nginx-compatible names)
# ---------------------------------------------------------------------------

our $ProjectRoot = getcwd();    # where prove runs; catalogue paths are relative to it

our $NginxBinary = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
our $ServerAddr = '127.0.0.1';
our $ServerName = 'localhost';
our $ServerPort = $ENV{TEST_NGINX_PORT} || $ENV{TEST_NGINX_SERVER_PORT} || 1984;
our $ServerPortForClient = $ServerPort;
our $Timeout = $ENV{TEST_NGINX_TIMEOUT} || 3;
our $StartTimeout = $ENV{TEST_NGINX_START_TIMEOUT} || 10;
our $StopTimeout = 5;
our $LogLevel = $ENV{TEST_NGINX_LOG_LEVEL} || 'debug';
our $Workers = 1;
our $WorkerConnections = 1024;
our $MasterProcessEnabled = $ENV{TEST_NGINX_MASTER_PROCESS} || 'on';
our $RepeatEach = 1;
our $NoShuffle = $ENV{TEST_NGINX_NO_SHUFFLE} || 0;
our $NoLongString;
our $NoRootLocation = 0;
our $ConfigPreamble = '';
our $LoadModules = $ENV{TEST_NGINX_LOAD_MODULES};
our $Verbose = $ENV{TEST_NGINX_VERBOSE};
our $TestNginxSleep = $ENV{TEST_NGINX_SLEEP} || 0.015;
our $ShellTimeout = 120;    # seconds for --- shell and the catalogue loader
our @EnvToNginx;
our @BlockPreprocessors;
our @CleanupHandlers;

our $ServRoot = File::Spec->rel2abs($ENV{TEST_NGINX_SERVROOT} || 't/servroot', $ProjectRoot);
our $ConfDir = "$ServRoot/conf";
our $ConfFile = "$ConfDir/nginx.conf";
our $HtmlDir = "$ServRoot/html";
our $LogDir = "$ServRoot/logs";
our $ErrLogFile = "$LogDir/error.log";
our $AccLogFile = "$LogDir/access.log";
our $PidFile = "$LogDir/nginx.pid";
our $StderrFile = "$LogDir/nginx.stderr";    # nginx's own stdout+stderr
our $CatalogueFile = "$HtmlDir/catalogue.mdb";
our @TempDirs = qw(client_body_temp proxy_temp fastcgi_temp uwsgi_temp scgi_temp);

our $Loader = $ENV{TEST_RESOURCES_LOADER} || 'build/resources-load';

# process state
our $NginxPid;                 # pid of the nginx (master) process we started
my $ParentPid = $$;            # never clean up from a forked child
our $InCleanup = 0;
my $ClientSock;                # socket of the request in progress, if any
my $ShellHarness;              # IPC::Run harness in progress, if any
my $SignalsInstalled = 0;
my $ErrLogPos = 0;             # error.log offset for incremental checks

# ---------------------------------------------------------------------------
# Small setters/getters (Test::Nginx::Util API)
# ---------------------------------------------------------------------------

sub repeat_each (@) { $RepeatEach = shift if @_; return $RepeatEach }
sub no_shuffle () { $NoShuffle = 1 }
sub log_level (@) { $LogLevel = shift if @_; return $LogLevel }
sub workers (@) { $Workers = shift if @_; return $Workers }
sub worker_connections (@) { $WorkerConnections = shift if @_; return $WorkerConnections }
sub master_on () { $MasterProcessEnabled = 'on' }
sub master_off () { $MasterProcessEnabled = 'off' }
sub master_process_enabled (@) {
    $MasterProcessEnabled = (shift() ? 'on' : 'off') if @_;
    return $MasterProcessEnabled;
}
sub no_long_string () { $NoLongString = 1 }
sub no_root_location () { $NoRootLocation = 1 }
sub config_preamble ($) { $ConfigPreamble = shift }
sub timeout (@) { $Timeout = shift if @_; return $Timeout }
sub server_port (@) { if (@_) { $ServerPort = $ServerPortForClient = shift } return $ServerPort }
sub server_port_for_client (@) { $ServerPortForClient = shift if @_; return $ServerPortForClient }
sub server_addr (@) { $ServerAddr = shift if @_; return $ServerAddr }
sub server_name (@) { $ServerName = shift if @_; return $ServerName }
sub html_dir () { return $HtmlDir }
sub server_root () { return $ServRoot }
sub nginx_pid () { return $NginxPid }
sub add_block_preprocessor (&) { unshift @BlockPreprocessors, shift }
sub add_cleanup_handler ($) { unshift @CleanupHandlers, shift }

sub env_to_nginx (@) {
    Carp::croak("env_to_nginx: no arguments specified") unless @_;
    for my $v (@_) {
        Carp::croak("env_to_nginx: bad argument value: $v")
            if $v !~ /^[A-Za-z_]/ || $v =~ /\n/;
        push @EnvToNginx, $v;
    }
}

sub is_str (@) {
    my ($got, $expected, $desc) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    return Test::More::like($got, $expected, $desc)
        if ref $expected && ref $expected eq 'Regexp';
    return Test::More::is($got, $expected, $desc) if $NoLongString;
    return Test::LongString::is_string($got, $expected, $desc);
}

# done_testing() is not exported by Test::Base.  Calling Test::Builder::plan()
# without arguments is a no-op that tells Test::Base (which wraps it) that a
# plan exists, so that its END block does not try to run_compare().
sub done_testing {
    Test::More->builder->plan();
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    return Test::More::done_testing(@_);
}

sub bail_out (@) {
    _cleanup();
    Test::More::BAIL_OUT(join '', @_);
}

sub parse_time ($) {
    my $tm = shift;
    return undef unless defined $tm;
    $tm =~ s/^\s+|\s+$//g;
    if ($tm =~ s/([^_a-zA-Z])ms$/$1/) {
        $tm = $tm / 1000;
    } else {
        $tm =~ s/([^_a-zA-Z])s$/$1/;
    }
    return $tm;
}

sub _trim_str {
    my $s = shift;
    return undef unless defined $s;
    $s =~ s/^\s+|\s+$//g;
    $s =~ s/\s+/ /g;
    return $s;
}

sub _fmt_str {
    my $s = shift;
    $s = "$s";
    chomp $s;
    $s =~ s/"/\\"/g;
    $s =~ s/\r/\\r/g;
    $s =~ s/\n/\\n/g;
    return $s;
}

sub _abbrev {
    my ($s, $max) = @_;
    return 'undef' unless defined $s;
    $max ||= 200;
    $s = substr($s, 0, $max) . "...(" . length($s) . " bytes)" if length $s > $max;
    return _fmt_str($s);
}

sub _slurp {
    my $file = shift;
    open my $in, '<', $file or return undef;
    binmode $in;
    local $/;
    my $data = <$in>;
    close $in;
    return defined $data ? $data : '';
}

sub _spew {
    my ($file, $data) = @_;
    open my $out, '>', $file or die "Resources::TestNginx: cannot write $file: $!\n";
    binmode $out;
    print $out $data;
    close $out or die "Resources::TestNginx: cannot write $file: $!\n";
}

# ---------------------------------------------------------------------------
# Environment handling
# ---------------------------------------------------------------------------

# Variables that configs, requests and shell commands may refer to.
sub _export_env {
    $ENV{TEST_NGINX_SERVROOT} = $ServRoot;
    $ENV{TEST_NGINX_SERVER_ROOT} = $ServRoot;
    $ENV{TEST_NGINX_HTML_DIR} = $HtmlDir;
    $ENV{TEST_NGINX_CATALOGUE} = $CatalogueFile;
    $ENV{TEST_NGINX_SERVER_PORT} = $ServerPort;
    $ENV{TEST_NGINX_PORT} = $ServerPort unless defined $ENV{TEST_NGINX_PORT} && $ENV{TEST_NGINX_PORT} ne '';
    $ENV{TEST_NGINX_BINARY} = $NginxBinary unless defined $ENV{TEST_NGINX_BINARY} && $ENV{TEST_NGINX_BINARY} ne '';
}

# Replace $TEST_NGINX_XXX by the value of the environment variable (as
# Test::Nginx's expand_env_in_text does); an undefined variable is fatal.
sub _expand_env {
    my ($text, $name) = @_;
    return $text unless defined $text;
    if (ref $text eq 'ARRAY') {
        return [ map { ref $_ ? $_ : _expand_env($_, $name) } @$text ];
    }
    return $text if ref $text;
    $text =~ s{\$(TEST_NGINX_[_A-Z0-9]+)}{
        defined $ENV{$1}
            ? $ENV{$1}
            : bail_out(($name // 'Resources::TestNginx') . " - No environment $1 defined.\n")
    }ge;
    return $text;
}

sub _which {
    my $prog = shift;
    return File::Spec->rel2abs($prog, $ProjectRoot) if $prog =~ m{/};
    for my $dir (split /:/, $ENV{PATH} || '') {
        my $p = "$dir/$prog";
        return $p if -f $p && -x _;
    }
    return undef;
}

# ---------------------------------------------------------------------------
# Process management
# ---------------------------------------------------------------------------

sub _install_signal_handlers {
    return if $SignalsInstalled++;
    for my $sig (qw(INT TERM HUP QUIT PIPE)) {
        my $prev = $SIG{$sig};
        $SIG{$sig} = sub {
            # prove may be gone already (Ctrl-C reaches the whole process
            # group): writing to its pipe must not kill us before nginx is
            # stopped.
            $SIG{PIPE} = 'IGNORE';
            _cleanup();
            warn "Resources::TestNginx: caught SIG$sig, stopped nginx\n";
            if (ref $prev eq 'CODE') {
                $prev->(@_);
            }
            # Re-raise the signal with its default action, so that our caller
            # sees that we were killed by it.  Perl blocks the signal while
            # its handler runs: unblock it first.
            $SIG{$sig} = 'DEFAULT';
            my $signo = eval "POSIX::SIG$sig()";
            POSIX::sigprocmask(POSIX::SIG_UNBLOCK(), POSIX::SigSet->new($signo)) if $signo;
            kill $sig, $$;
            Time::HiRes::sleep(0.1);
            POSIX::_exit(128 + ($signo || 0));
        };
    }
}

# Stop the command started by _run_cmd (and its process group).
sub _kill_shell {
    return unless $ShellHarness;
    my @pids = eval { grep { $_ } map { $_->{PID} } @{ $ShellHarness->{KIDS} || [] } };
    kill 'TERM', map { -$_ } @pids if @pids;
    eval { $ShellHarness->kill_kill(grace => 1) };
    kill 'KILL', map { -$_ } @pids if @pids;
    undef $ShellHarness;
}

sub _cleanup {
    return if $$ != $ParentPid;
    return if $InCleanup;
    local $InCleanup = 1;
    local ($?, $!, $@);
    local $SIG{PIPE} = 'IGNORE';
    _kill_shell();    # a --- shell command or the catalogue loader in progress
    for my $hdl (@CleanupHandlers) {
        eval { $hdl->() };
        warn "Resources::TestNginx: cleanup handler failed: $@" if $@;
    }
    # A client connection still open (e.g. we were interrupted in the middle
    # of a request) would delay nginx's graceful shutdown.
    if ($ClientSock) {
        close $ClientSock;
        undef $ClientSock;
    }
    _stop_nginx();
}

END {
    local $?;    # do not clobber the test script's exit status
    _cleanup() if $$ == $ParentPid;
}

sub _pidfile_pid {
    my $pid = _slurp($PidFile);
    return 0 unless defined $pid && $pid =~ /^\s*(\d+)\s*$/;
    return $1;
}

# Is anything listening on $ServerPort?  Read /proc/net/tcp{,6} (state 0A =
# LISTEN) so that no connection is made (a probe connection would leave
# "client closed connection" noise in the error log).  Fall back to a
# connect() where /proc is not available.
sub _port_listening {
    my $port = shift // $ServerPort;
    my $seen_proc = 0;
    for my $f ('/proc/net/tcp', '/proc/net/tcp6') {
        open my $in, '<', $f or next;
        $seen_proc = 1;
        while (my $line = <$in>) {
            my @f = split ' ', $line;
            next unless @f > 3 && $f[1] =~ /:([0-9A-Fa-f]{4})$/;
            if (hex($1) == $port && $f[3] eq '0A') {
                close $in;
                return 1;
            }
        }
        close $in;
    }
    return 0 if $seen_proc;
    my $sock = IO::Socket::INET->new(
        PeerAddr => $ServerAddr, PeerPort => $port, Proto => 'tcp', Timeout => 0.5);
    if ($sock) { close $sock; return 1 }
    return 0;
}

sub _check_port_free {
    return unless _port_listening();
    # Wait a little: the previous nginx might still be closing its socket.
    for (1 .. 50) {
        Time::HiRes::sleep(0.05);
        return unless _port_listening();
    }
    my $hint = '';
    my $stale = _pidfile_pid();
    if ($stale && kill(0, $stale)) {
        $hint = " (a stale nginx from $ServRoot may still be running: pid $stale; stop it with: kill -QUIT $stale)";
    }
    bail_out("port $ServerPort is already in use by another process$hint; "
        . "set TEST_NGINX_PORT to use another port");
}

# fork + exec nginx in the foreground, in its own process group, with its
# stdout/stderr going to logs/nginx.stderr.
sub _spawn_nginx {
    _install_signal_handlers();
    my $bin = _which($NginxBinary);
    if (!defined $bin || !-x $bin) {
        bail_out("cannot find the nginx executable \"$NginxBinary\" (set TEST_NGINX_BINARY)");
    }
    unlink $PidFile;
    my @cmd = ($bin, '-p', "$ServRoot/", '-c', 'conf/nginx.conf');
    warn "Resources::TestNginx: starting @cmd\n" if $Verbose;

    my $pid = fork();
    die "Resources::TestNginx: fork() failed: $!\n" unless defined $pid;
    if ($pid == 0) {
        # child
        eval {
            setpgrp(0, 0);
            chdir $ServRoot;
            open STDIN, '<', '/dev/null';
            open STDOUT, '>>', $StderrFile;
            open STDERR, '>&', \*STDOUT;
            exec { $bin } @cmd;
        };
        print STDERR "Resources::TestNginx: failed to exec $bin: $!\n";
        POSIX::_exit(127);
    }
    # also from the parent, to close the race with an early signal
    eval { setpgrp($pid, $pid) };
    $NginxPid = $pid;
    return $pid;
}

# Wait until the nginx we started has written its pid file and listens on the
# port ('ready'), or has exited ('exited', $?), or $limit seconds have passed
# ('timeout').
sub _wait_nginx_ready {
    my ($pid, $limit) = @_;
    # Never "local $?" in a scope that may exit (bail_out) or die: unwinding
    # would restore $? and so replace the exit status.  This loop does not.
    local $?;
    my $deadline = Time::HiRes::time() + $limit;
    while (1) {
        my $r = waitpid($pid, POSIX::WNOHANG());
        if ($r == $pid || $r == -1) {
            my $status = $r == $pid ? $? : -1;
            undef $NginxPid if defined $NginxPid && $NginxPid == $pid;
            return ('exited', $status);
        }
        if (_pidfile_pid() == $pid && _port_listening()) {
            return ('ready');
        }
        return ('timeout') if Time::HiRes::time() > $deadline;
        Time::HiRes::sleep(0.01);
    }
}

# Graceful stop: SIGQUIT, bounded wait, then SIGKILL to the whole process group.
sub _stop_nginx {
    my $pid = $NginxPid;
    return unless defined $pid;
    return if $$ != $ParentPid;
    local ($?, $!);
    warn "Resources::TestNginx: stopping nginx $pid\n" if $Verbose;
    kill 'QUIT', $pid;
    my $deadline = Time::HiRes::time() + $StopTimeout;
    my $reaped = 0;
    while (1) {
        my $r = waitpid($pid, POSIX::WNOHANG());
        if ($r == $pid || $r == -1) { $reaped = 1; last }
        last if Time::HiRes::time() > $deadline;
        Time::HiRes::sleep(0.01);
    }
    if (!$reaped) {
        warn "Resources::TestNginx: WARNING: nginx (pid $pid) did not exit within "
            . "${StopTimeout}s after SIGQUIT; sending SIGKILL\n";
        kill 'KILL', -$pid;    # the process group: master and workers
        kill 'KILL', $pid;
        waitpid($pid, 0);
    }
    # Leftover members of the group (only possible after SIGKILL of the master)
    if (kill 0, -$pid) {
        Time::HiRes::sleep(0.05);
        kill 'KILL', -$pid if kill 0, -$pid;
    }
    undef $NginxPid;
}

# Public: stop the nginx started by start_nginx() (or by run_tests).
sub stop_nginx { _stop_nginx(); return 1 }

# ---------------------------------------------------------------------------
# Server root and nginx.conf
# ---------------------------------------------------------------------------

sub _setup_server_root {
    if (-d $ServRoot) {
        # Only remove what we create ourselves (never rm -rf the servroot).
        remove_tree($ConfDir, $HtmlDir, $LogDir, map { "$ServRoot/$_" } @TempDirs);
    } else {
        make_path($ServRoot) or bail_out("cannot create $ServRoot: $!");
    }
    for my $d ($ConfDir, $HtmlDir, $LogDir, map { "$ServRoot/$_" } @TempDirs) {
        mkdir $d or bail_out("cannot create $d: $!");
    }
    chmod 0755, $ServRoot, $HtmlDir, $ConfDir, $LogDir;
    _spew("$HtmlDir/index.html",
        '<html><head><title>It works!</title></head><body>It works!</body></html>');
    _spew($ErrLogFile, '');
    _spew($StderrFile, '');
    $ErrLogPos = 0;
}

# --- user_files, as in Test::Nginx: ">>> name [date]" lines followed by content
sub _write_user_files {
    my ($name, $files) = @_;
    return unless defined $files;
    if (!ref $files) {
        my @list;
        my ($fname, $body, $date);
        for my $line (split /^/m, $files) {
            if ($line =~ /^>>> (\S+)(?:\s+(.+))?/) {
                push @list, [$fname, $body, $date] if defined $fname;
                ($fname, $date, $body) = ($1, $2, undef);
            } else {
                $body .= $line;
            }
        }
        push @list, [$fname, $body, $date] if defined $fname;
        $files = \@list;
    } elsif (ref $files ne 'ARRAY') {
        bail_out("$name - --- user_files: only a string or an ARRAY is accepted");
    }
    for my $file (@$files) {
        my ($fname, $body, $date) = @$file;
        $body = '' unless defined $body;
        my $path = $fname =~ m{^/} ? $fname : "$HtmlDir/$fname";
        if ($path =~ m{(.*)/}) {
            make_path($1) unless -d $1;
        }
        _spew($path, _expand_env($body, $name));
        if ($date) {
            system('sh', '-c', "TZ=GMT touch -t '$date' '$path'") == 0
                or bail_out("$name - failed to set the date of $path");
        }
    }
}

sub _worker_user_line {
    my $u = $ENV{TEST_NGINX_WORKER_USER};
    if (defined $u && $u ne '') {
        die "Bad value in the env TEST_NGINX_WORKER_USER: $u\n" if $u !~ /^\w+(?:\s+\w+)?$/;
        return "user $u;";
    }
    return '' if $> != 0;
    # Debian has no "nobody" group; it uses "nogroup".
    my $group = defined(scalar getgrnam('nogroup')) ? 'nogroup'
        : defined(scalar getgrnam('nobody')) ? 'nobody' : undef;
    return defined $group ? "user nobody $group;" : "user nobody;";
}

sub _write_config_file {
    my (%c) = @_;
    my $main_config = defined $c{main_config} ? $c{main_config} : '';
    my $http_config = defined $c{http_config} ? $c{http_config} : '';
    my $config = defined $c{config} ? $c{config} : '';
    my $post_main = defined $c{post_main_config} ? $c{post_main_config} : '';
    my $workers = defined $c{workers} ? $c{workers} : $Workers;
    my $master = defined $c{master} ? ($c{master} && $c{master} ne 'off' ? 'on' : 'off')
        : $MasterProcessEnabled;
    my $level = defined $c{log_level} ? $c{log_level} : $LogLevel;
    my $name = $c{name} // '';

    my $load = '';
    if (defined $LoadModules && $LoadModules =~ /\S/) {
        for my $so (grep { length } split /\s+/, $LoadModules) {
            $load .= "load_module " . File::Spec->rel2abs($so, $ProjectRoot) . ";\n";
        }
    }
    my $env = join '', map { my $v = $_; $v = "'$v'" if $v =~ /\s/; "env $v;\n" } @EnvToNginx;
    my $user = _worker_user_line();
    my $temps = join '', map { "    ${_}_path $ServRoot/$_;\n" } @TempDirs;
    my $root_location = $NoRootLocation ? '' : <<"_EOC_";
        location / {
            root $HtmlDir;
            index index.html index.htm;
        }
_EOC_

    my $conf = <<"_EOC_";
# generated by Resources::TestNginx for: $name
$load$user
worker_processes $workers;
daemon off;
master_process $master;
error_log $ErrLogFile $level;
pid $PidFile;
lock_file $LogDir/nginx.lock;
$env
$main_config

events {
    accept_mutex off;
    worker_connections $WorkerConnections;
}

http {
    access_log $AccLogFile;
$temps
    default_type text/plain;
    keepalive_timeout 68;

$http_config

    server {
        listen $ServerAddr:$ServerPort;
        server_name $ServerName;
        client_max_body_size 30M;

        # Begin preamble config...
$ConfigPreamble
        # End preamble config...

        # Begin test case config...
$config
        # End test case config.

$root_location    }
}

$post_main
_EOC_
    _spew($ConfFile, $conf);
}

# Make html/ readable by the unprivileged worker user.
sub _make_world_readable {
    my @todo = ($HtmlDir);
    chmod 0755, $ServRoot;
    while (defined(my $p = shift @todo)) {
        my @st = lstat $p or next;
        next if -l _;
        if (-d _) {
            chmod(($st[2] & 07777) | 0555, $p);
            opendir(my $dh, $p) or next;
            push @todo, map { "$p/$_" } grep { $_ ne '.' && $_ ne '..' } readdir $dh;
            closedir $dh;
        } else {
            chmod(($st[2] & 07777) | 0444, $p);
        }
    }
}

# ---------------------------------------------------------------------------
# Catalogue loading (project specific)
# ---------------------------------------------------------------------------

# Run a command in the project root with stdin from /dev/null, capturing its
# output, bounded by $ShellTimeout.  Returns ($ok, $why, $stdout, $stderr).
sub _run_cmd {
    my ($cmd) = @_;
    local $?;
    my ($stdout, $stderr) = ('', '');
    my $status;
    my $ok = eval {
        $ShellHarness = IPC::Run::start($cmd, '<', \undef, '>', \$stdout, '2>', \$stderr,
            # own process group, so that cleanup can stop grandchildren too
            init => sub { setpgrp(0, 0); chdir $ProjectRoot or die "chdir $ProjectRoot: $!" },
            IPC::Run::timeout($ShellTimeout));
        $ShellHarness->finish;
        $status = $ShellHarness->full_result(0);
        1;
    };
    my $err = $@;
    _kill_shell() if !$ok;
    undef $ShellHarness;
    return (0, "$err", $stdout, $stderr) unless $ok;
    return (1, undef, $stdout, $stderr) if defined $status && $status == 0;
    my $why = !defined $status ? 'unknown status'
        : ($status & 127) ? "killed by signal " . ($status & 127)
        : "exit status " . ($status >> 8);
    return (0, $why, $stdout, $stderr);
}

# Run the loader: <loader> -q -o $out @files (in the project root).  Dies with
# the loader's stderr when it fails.  The result is made world-readable.
sub load_catalogue {
    my ($out, @files) = @_;
    die "load_catalogue: no output file given\n" unless defined $out && length $out;
    die "load_catalogue: no input files given\n" unless @files;
    $out = File::Spec->rel2abs($out, $ProjectRoot);
    my $loader = File::Spec->rel2abs($Loader, $ProjectRoot);
    die "load_catalogue: loader $loader not found or not executable "
        . "(build it first, or set TEST_RESOURCES_LOADER)\n" unless -f $loader && -x _;
    for my $f ($out, "$out-lock") {
        if (-d $f) { remove_tree($f) } elsif (-e $f) { unlink $f }
    }
    my @cmd = ($loader, '-q', '-o', $out, @files);
    my ($ok, $why, $stdout, $stderr) = _run_cmd(\@cmd);
    if (!$ok) {
        $! = 0;    # die's exit code would otherwise be a stale errno
        die "load_catalogue: \"@cmd\" failed ($why)\n"
            . ($stderr ne '' ? "stderr:\n$stderr" : '')
            . ($stdout ne '' ? "stdout:\n$stdout" : '');
    }
    warn $stderr if $Verbose && $stderr ne '';
    for my $f ($out, "$out-lock") {
        next unless -e $f;
        if (-d $f) {
            chmod 0755, $f;
            opendir(my $dh, $f) or next;
            chmod 0644, map { "$f/$_" } grep { -f "$f/$_" } readdir $dh;
            closedir $dh;
        } else {
            chmod 0644, $f;
        }
    }
    return $out;
}

sub _catalogue_paths {
    my ($name, $spec) = @_;
    return () unless defined $spec;
    my @lines = ref $spec eq 'ARRAY' ? @$spec : split /\n/, $spec;
    my @paths;
    for my $l (@lines) {
        next unless defined $l;
        $l = _expand_env($l, $name);
        $l =~ s/^\s+|\s+$//g;
        next if $l eq '' || $l =~ /^#/;
        push @paths, $l;
    }
    return @paths;
}

# Build $servroot/html/catalogue.mdb from --- catalogue (paths) and
# --- catalogue_jsonl (inline JSON Lines).
sub _prepare_catalogue {
    my ($name, $paths, $jsonl) = @_;
    my @files = _catalogue_paths($name, $paths);
    if (defined $jsonl) {
        my $file = "$HtmlDir/inline.jsonl";
        _spew($file, ref $jsonl eq 'ARRAY' ? join('', map { "$_\n" } @$jsonl) : $jsonl);
        push @files, $file;
    }
    return unless @files;
    eval { load_catalogue($CatalogueFile, @files); 1 } or do { my $e = $@; $! = 0; die "$name - $e" };
}

# ---------------------------------------------------------------------------
# Running shell commands (--- shell)
# ---------------------------------------------------------------------------

sub _run_shell {
    my ($name, $cmds) = @_;
    my ($ok, $why, $stdout, $stderr) = _run_cmd(['sh', '-c', $cmds]);
    if (!$ok) {
        $! = 0;
        die "$name - --- shell failed ($why):\n$cmds\n"
            . ($stdout ne '' ? "stdout:\n$stdout" : '')
            . ($stderr ne '' ? "stderr:\n$stderr" : '');
    }
    if ($Verbose) {
        warn "shell stdout: $stdout" if $stdout ne '';
        warn "shell stderr: $stderr" if $stderr ne '';
    }
}

# ---------------------------------------------------------------------------
# Starting nginx for a block / for the programmatic API
# ---------------------------------------------------------------------------

# Text describing why nginx did not start.
sub _startup_diagnostics {
    my $out = '';
    my $stderr = _slurp($StderrFile);
    $out .= "nginx stderr:\n$stderr" if defined $stderr && $stderr ne '';
    my $log = _slurp($ErrLogFile);
    if (defined $log && $log ne '') {
        my @lines = split /^/m, $log;
        @lines = @lines[-20 .. -1] if @lines > 20;
        $out .= "last lines of $ErrLogFile:\n" . join('', @lines);
    }
    return $out eq '' ? '(no output from nginx)' : $out;
}

# Set up servroot + conf + catalogue and start nginx; returns ($state, $status)
# with $state one of ready/exited/timeout (see _wait_nginx_ready).
sub _setup_and_spawn {
    my (%c) = @_;
    _install_signal_handlers();
    _stop_nginx();
    _export_env();
    _check_port_free();
    _setup_server_root();
    _write_user_files($c{name}, $c{user_files});
    _write_config_file(%c);
    _prepare_catalogue($c{name}, $c{catalogue}, $c{catalogue_jsonl});
    _make_world_readable();
    my $pid = _spawn_nginx();
    return _wait_nginx_ready($pid, $StartTimeout);
}

# Public: start nginx outside of data blocks.  Options: config, http_config,
# main_config, post_main_config, workers, master (bool), log_level,
# catalogue (arrayref of paths, or newline-separated string), catalogue_jsonl,
# user_files.  Returns the pid; dies (with nginx's output) on failure.
sub start_nginx {
    my (%opts) = @_;
    my $name = delete $opts{name} // 'start_nginx';
    _export_env();
    my %c = (
        name => $name,
        config => _expand_env($opts{config} // '', $name),
        http_config => _expand_env($opts{http_config}, $name),
        main_config => _expand_env($opts{main_config}, $name),
        post_main_config => _expand_env($opts{post_main_config}, $name),
        workers => $opts{workers},
        master => $opts{master},
        log_level => $opts{log_level},
        catalogue => $opts{catalogue},
        catalogue_jsonl => $opts{catalogue_jsonl},
        user_files => $opts{user_files},
    );
    my ($state, $status) = _setup_and_spawn(%c);
    if ($state ne 'ready') {
        my $diag = _startup_diagnostics();
        _stop_nginx();
        die "start_nginx: nginx failed to start ("
            . ($state eq 'exited' ? "exit status " . ($status >> 8) : "not listening on port $ServerPort after ${StartTimeout}s")
            . "):\n$diag\n";
    }
    return $NginxPid;
}

sub error_log_text {
    my $t = _slurp($ErrLogFile);
    return defined $t ? $t : '';
}

my $ErrLogNewPos = 0;

sub error_log_new {
    my $t = error_log_text();
    $ErrLogNewPos = 0 if $ErrLogNewPos > length $t;    # a new log
    my $new = substr($t, $ErrLogNewPos);
    $ErrLogNewPos = length $t;
    return $new;
}

# Lines of error.log written since the previous call (Test::Nginx's
# error_log_data); sleeps a little first so that log-phase messages written
# after the response was sent are included.
sub _error_log_lines {
    Time::HiRes::sleep($TestNginxSleep * 3);
    open my $in, '<', $ErrLogFile or return [];
    binmode $in;
    seek $in, $ErrLogPos, 0 if $ErrLogPos > 0;
    my @lines = <$in>;
    $ErrLogPos = tell $in;
    close $in;
    return \@lines;
}

# ---------------------------------------------------------------------------
# HTTP client
# ---------------------------------------------------------------------------

sub _parse_more_headers {
    my $in = shift;
    $in = '' unless defined $in;
    my ($out, $chunked) = ('', 0);
    for my $h (split /\n+/, $in) {
        next if $h =~ /^\s*#/ || $h !~ /\S/;
        $h =~ s/\r$//;
        my ($k, $v) = split /:\s*/, $h, 2;
        $v = '' unless defined $v;
        $chunked = 1 if lc($k) eq 'transfer-encoding' && $v =~ /^chunked\s*$/i;
        $out .= "$k: $v\r\n";
    }
    return ($out, $chunked);
}

# Build a request from a Test::Nginx style request text: "METH [URL [VER]]"
# on the first line, the body (if any) on the following lines.  $body, if
# defined, is used verbatim instead of the text's (trimmed) body.
sub _build_request {
    my ($name, $text, $more_headers, $body) = @_;
    $text = '' unless defined $text;
    1 while $text =~ s/^\s*#[^\n]*\n//s || $text =~ s/^\s+//s;
    my ($first, $content) = split /\n/, $text, 2;
    $first = '' unless defined $first;
    $first =~ s/\r$//;
    if ($first !~ /^\s*(\S+)(?:[ \t]+(\S+))?(?:[ \t]+(\S+))?\s*$/) {
        bail_out("$name - Request line is not valid. Should be 'meth [url [version]]' but got \"$first\".");
    }
    my ($meth, $url, $ver) = ($1, $2 // '/', $3 // 'HTTP/1.1');
    my ($hdr, $chunked) = _parse_more_headers($more_headers);
    my $headers = '';
    $headers .= "Host: $ServerName\r\n" unless $hdr =~ /^Host\s*:/mi;
    $headers .= "Connection: close\r\n" unless $hdr =~ /^Connection\s*:/mi;
    $headers .= $hdr;
    if (defined $body) {
        $content = $body;
    } elsif (defined $content && $content ne '' && !$chunked && $hdr !~ /^Content-Length\s*:/mi) {
        $content =~ s/^\s+|\s+$//gs;
    }
    $content = '' unless defined $content;
    if (($content ne '' || defined $body) && !$chunked && $hdr !~ /^Content-Length\s*:/mi) {
        $headers .= "Content-Length: " . length($content) . "\r\n";
    }
    return {
        packets => ["$meth $url $ver\r\n$headers\r\n$content"],
        head => uc($meth) eq 'HEAD',
        close => ($headers =~ /^Connection\s*:\s*close/mi ? 1 : 0),
    };
}

sub _raw_request {
    my $raw = shift;
    my @packets = ref $raw eq 'ARRAY' ? map { ref $_ eq 'HASH' ? $_->{value} : $_ } @$raw : ($raw);
    my $all = join '', map { defined $_ ? $_ : '' } @packets;
    return {
        packets => \@packets,
        head => ($all =~ /^\s*HEAD\s+/ ? 1 : 0),
        close => 1,    # read until EOF
    };
}

# Decode a chunked body.  Returns ($decoded, $complete, $error).
sub _decode_chunked {
    my $raw = shift;
    my $decoded = '';
    pos($raw) = 0;
    while (1) {
        if ($raw =~ /\G([0-9A-Fa-f]+)[ \t]*(?:;[^\r\n]*)?\r?\n/gc) {
            my $len = hex $1;
            if ($len == 0) {
                # optional trailers, then an empty line
                while ($raw =~ /\G([^\r\n]+)\r?\n/gc) { }
                return ($decoded, 1, undef) if $raw =~ /\G\r?\n/gc;
                return ($decoded, 0, undef);
            }
            my $p = pos $raw;
            return ($decoded, 0, undef) if length($raw) - $p < $len;
            $decoded .= substr($raw, $p, $len);
            pos($raw) = $p + $len;
            next if $raw =~ /\G\r?\n/gc;
            return ($decoded, 0, undef) if length($raw) - pos($raw) < 2;
            return ($decoded, 0, 'invalid chunked data (expected CRLF after chunk data)');
        }
        my $rest = substr($raw, pos($raw) // 0);
        return ($decoded, 0, undef) if $rest =~ /^[0-9A-Fa-f]*[ \t]*(?:;[^\r\n]*)?\r?$/;
        return ($decoded, 0, 'invalid chunked data: "' . _abbrev($rest, 40) . '"');
    }
}

# Parse a raw HTTP response.  Returns a hashref: status (undef when no status
# line), reason, protocol, raw_headers, headers (lower-cased names, repeated
# headers joined with ", "), body, error, complete.
sub _parse_response {
    my ($raw, $head) = @_;
    my %res = (status => undef, headers => {}, raw_headers => '', body => undef, complete => 0);
    return \%res unless defined $raw && length $raw;
    my $i = index($raw, "\r\n\r\n");
    my $sep = 4;
    if ($i < 0) {
        $i = index($raw, "\n\n");
        $sep = 2;
    }
    if ($i < 0) {
        $res{error} = 'incomplete response header';
        $res{raw_headers} = $raw;
        ($res{protocol}, $res{status}) = $raw =~ m{^(HTTP/[\d.]+)\s+(\d{3})};
        return \%res;
    }
    my $head_text = substr($raw, 0, $i);
    my $body = substr($raw, $i + $sep);
    $res{raw_headers} = "$head_text\r\n";
    my ($status_line, @lines) = split /\r?\n/, $head_text;
    if ($status_line =~ m{^(HTTP/[\d.]+)\s+(\d{3})(?:\s+(.*))?$}) {
        @res{qw(protocol status reason)} = ($1, $2, $3 // '');
    } else {
        $res{error} = 'invalid status line: "' . _abbrev($status_line, 80) . '"';
    }
    for my $l (@lines) {
        next unless $l =~ /^([^:\s][^:]*?)\s*:\s*(.*?)\s*$/;
        my $k = lc $1;
        $res{headers}{$k} = exists $res{headers}{$k} ? "$res{headers}{$k}, $2" : $2;
    }
    my $code = $res{status} // 0;
    my $te = $res{headers}{'transfer-encoding'};
    my $cl = $res{headers}{'content-length'};
    if ($head || $code == 204 || $code == 304 || ($code >= 100 && $code < 200 && $code != 100)) {
        $res{body} = '';
        $res{complete} = 1;
        $res{extra} = $body if length $body;
    } elsif ($code == 100) {
        # interim response: parse what follows
        my $next = _parse_response($body, $head);
        return $next;
    } elsif (defined $te && $te =~ /\bchunked\b/i) {
        my ($decoded, $complete, $err) = _decode_chunked($body);
        $res{body} = $decoded;
        $res{complete} = $complete;
        $err //= 'incomplete chunked body (no last chunk)' unless $complete;
        if ($err) {
            $res{error} = $err;
            $res{chunked_error} = 1;
        }
    } elsif (defined $cl && $cl =~ /^\d+$/) {
        if (length($body) >= $cl) {
            $res{extra} = substr($body, $cl) if length($body) > $cl;
            $res{body} = substr($body, 0, $cl);
            $res{complete} = 1;
        } else {
            $res{body} = $body;
            $res{error} = "response body truncated: $cl bytes expected, got " . length($body);
        }
    } else {
        $res{body} = $body;    # delimited by EOF
    }
    return \%res;
}

# Send one request (list of packets) and read the response until EOF (or
# until it is complete when the connection is kept alive), bounded by
# $timeout.  Returns ($raw_response, $error).
sub _send_request {
    my ($req, $timeout, $delay) = @_;
    local $SIG{PIPE} = 'IGNORE';
    my $deadline = Time::HiRes::time() + $timeout;
    my ($sock, $cerr);
    for my $try (1 .. 5) {
        $sock = IO::Socket::INET->new(
            PeerAddr => $ServerAddr, PeerPort => $ServerPortForClient,
            Proto => 'tcp', Timeout => $timeout);
        last if $sock;
        $cerr = $! || $@;
        last if Time::HiRes::time() > $deadline;
        Time::HiRes::sleep(0.05 * $try);
    }
    return (undef, "cannot connect to $ServerAddr:$ServerPortForClient: $cerr") unless $sock;
    $ClientSock = $sock;
    binmode $sock;
    $sock->blocking(0);
    my $sel = IO::Select->new($sock);
    my @packets = @{ $req->{packets} };
    my $write_err;
    PACKET: for my $n (0 .. $#packets) {
        my $buf = $packets[$n];
        $buf = '' unless defined $buf;
        while (length $buf) {
            my $left = $deadline - Time::HiRes::time();
            if ($left <= 0) {
                close $sock;
                undef $ClientSock;
                return (undef, "timeout after ${timeout}s while sending the request");
            }
            next unless $sel->can_write($left);
            my $w = syswrite($sock, $buf);
            if (!defined $w) {
                next if $!{EAGAIN} || $!{EWOULDBLOCK} || $!{EINTR};
                $write_err = "write failed: $!";    # e.g. server closed early: still read the response
                last PACKET;
            }
            substr($buf, 0, $w, '');
        }
        Time::HiRes::sleep(parse_time($delay) || 0) if $n < $#packets;
    }
    my $resp = '';
    my $eof = 0;
    while (1) {
        my $left = $deadline - Time::HiRes::time();
        last if $left <= 0;
        next unless $sel->can_read($left);
        my $r = sysread($sock, my $chunk, 65536);
        if (!defined $r) {
            next if $!{EAGAIN} || $!{EWOULDBLOCK} || $!{EINTR};
            last if $!{ECONNRESET} && length $resp;
            my $e = $!;
            close $sock;
            undef $ClientSock;
            return ($resp, "read failed: $e");
        }
        if ($r == 0) { $eof = 1; last }
        $resp .= $chunk;
        # keep-alive connection: stop as soon as the response is complete
        if (!$req->{close} && _parse_response($resp, $req->{head})->{complete}) {
            $eof = 1;
            last;
        }
    }
    close $sock;
    undef $ClientSock;
    if (!$eof && !_parse_response($resp, $req->{head})->{complete}) {
        return ($resp, "timeout after ${timeout}s waiting for the response (received "
            . length($resp) . " bytes)");
    }
    if ($resp eq '') {
        return ($resp, "no response received (connection closed by the server"
            . ($write_err ? "; $write_err" : '') . ")");
    }
    return ($resp, undef);
}

# Public: http_request($path_or_request, %opts)
#   $path_or_request: "/path" (GET), or a request text "METHOD /path [HTTP/x.y]"
#   (optionally followed by a body), or a raw request when raw => 1.
#   %opts: headers => {..} | [[k, v], ..] | "K: v\n..", body => $bytes,
#          timeout => $seconds, raw => 1
# Returns ($status, \%headers, $body, $error); $status is undef when no valid
# response was received ($error says why).
sub http_request {
    my ($req, %opts) = @_;
    my $timeout = $opts{timeout} // $Timeout;
    my $r;
    if ($opts{raw}) {
        $r = _raw_request($req);
    } else {
        my $h = $opts{headers};
        my $more = '';
        if (ref $h eq 'HASH') {
            $more = join '', map { "$_: $h->{$_}\n" } sort keys %$h;
        } elsif (ref $h eq 'ARRAY') {
            $more = join '', map { "$_->[0]: $_->[1]\n" } @$h;
        } elsif (defined $h) {
            $more = $h;
        }
        $req = "GET $req" if $req =~ m{^/};
        $r = _build_request('http_request', $req, $more, $opts{body});
    }
    my ($raw, $err) = _send_request($r, $timeout, $opts{delay});
    my $res = _parse_response($raw, $r->{head});
    $err //= $res->{error};
    $err //= 'no valid HTTP response' unless defined $res->{status};
    return ($res->{status}, $res->{headers}, $res->{body}, $err);
}

# ---------------------------------------------------------------------------
# JSON comparison (response_json / response_json_subset)
# ---------------------------------------------------------------------------

my $JSON = JSON::PP->new->utf8->allow_nonref;
my $JSON_EXPECTED = JSON::PP->new->utf8->allow_nonref->relaxed;
my $JSON_PRETTY = JSON::PP->new->utf8->allow_nonref->canonical->pretty->allow_blessed->convert_blessed;
my $JSON_BRIEF = JSON::PP->new->utf8->allow_nonref->canonical->allow_blessed->convert_blessed;

# JSON type of a decoded value (looks at the SV flags like JSON::PP does, so
# that 1 and "1" are different).
sub _json_type {
    my $v = $_[0];
    return 'null' unless defined $v;
    return 'bool' if JSON::PP::is_bool($v);
    if (my $r = ref $v) {
        return 'object' if $r eq 'HASH';
        return 'array' if $r eq 'ARRAY';
        return 'number' if $r =~ /^Math::Big(?:Int|Float)$/;
        return "perl $r";
    }
    my $flags = B::svref_2object(\$_[0])->FLAGS;
    return 'number' if ($flags & (B::SVp_IOK() | B::SVp_NOK())) && !($flags & B::SVp_POK());
    return 'string';
}

sub _json_brief {
    my $s = eval { $JSON_BRIEF->encode($_[0]) };
    $s = defined $_[0] ? "$_[0]" : 'null' unless defined $s;
    $s = substr($s, 0, 80) . '...' if length $s > 80;
    return $s;
}

sub _json_path {
    my ($path, $key) = @_;
    return "$path.$key" if $key =~ /^[A-Za-z_][A-Za-z0-9_]*$/;
    return $path . '[' . $JSON_BRIEF->encode("$key") . ']';
}

# Returns undef when $_[1] (actual) matches $_[0] (expected), else a message.
sub _json_mismatch {
    my (undef, undef, $path, $subset) = @_;
    my $te = _json_type($_[0]);
    my $tg = _json_type($_[1]);
    my ($exp, $got) = @_;
    if ($te ne $tg) {
        return "$path: expected $te " . _json_brief($exp) . ", got $tg " . _json_brief($got);
    }
    if ($te eq 'object') {
        for my $k (sort keys %$exp) {
            return "$path: missing key \"$k\" (expected " . _json_brief($exp->{$k}) . ")"
                unless exists $got->{$k};
            my $m = _json_mismatch($exp->{$k}, $got->{$k}, _json_path($path, $k), $subset);
            return $m if defined $m;
        }
        if (!$subset) {
            for my $k (sort keys %$got) {
                return "$path: unexpected key \"$k\" (" . _json_brief($got->{$k}) . ")"
                    unless exists $exp->{$k};
            }
        }
        return undef;
    }
    if ($te eq 'array') {
        if (@$exp != @$got) {
            return "$path: expected an array of " . scalar(@$exp) . " elements, got "
                . scalar(@$got) . ": " . _json_brief($got);
        }
        for my $i (0 .. $#$exp) {
            my $m = _json_mismatch($exp->[$i], $got->[$i], "$path\[$i]", $subset);
            return $m if defined $m;
        }
        return undef;
    }
    my $same = $te eq 'null' ? 1
        : $te eq 'bool' ? (!!$exp == !!$got)
        : $te eq 'number' ? ($exp == $got)
        : ("$exp" eq "$got");
    return undef if $same;
    return "$path: expected " . _json_brief($exp) . ", got " . _json_brief($got);
}

sub _check_json {
    my ($name, $kind, $expected, $body, $desc_suffix) = @_;
    my $subset = $kind eq 'response_json_subset';
    my $desc = "$name - $kind - response is expected $desc_suffix";
    my $exp = $expected;
    if (!ref $exp) {
        $exp = eval { $JSON_EXPECTED->decode($expected) };
        if ($@) {
            Test::More::fail($desc);
            Test::More::diag("the expected JSON in --- $kind is invalid: $@");
            return;
        }
    }
    if (!defined $body) {
        Test::More::fail($desc);
        Test::More::diag("no response body");
        return;
    }
    my $got = eval { $JSON->decode($body) };
    if (my $e = $@) {
        Test::More::fail($desc);
        Test::More::diag("response body is not valid JSON: $e  body: \"" . _abbrev($body, 500) . "\"");
        return;
    }
    my $m = _json_mismatch($exp, $got, '$', $subset);
    if (!defined $m) {
        Test::More::pass($desc);
        return;
    }
    Test::More::fail($desc);
    my $pe = $JSON_PRETTY->encode($exp);
    my $pg = $JSON_PRETTY->encode($got);
    my $diag = "mismatch at $m\n";
    if ($subset) {
        $diag .= "expected (subset):\n" . _cap($pe) . "got:\n" . _cap($pg);
    } else {
        $diag .= "diff (--- expected, +++ got):\n"
            . _cap(Text::Diff::diff(\$pe, \$pg, { STYLE => 'Unified', FILENAME_A => 'expected', FILENAME_B => 'got' }));
    }
    Test::More::diag($diag);
}

sub _cap {
    my $s = shift;
    $s = substr($s, 0, 8000) . "\n...(truncated)\n" if length $s > 8000;
    return $s;
}

# ---------------------------------------------------------------------------
# Block checks
# ---------------------------------------------------------------------------

# Value of a check section for request $idx (Test::Nginx's get_indexed_value).
sub _indexed {
    my ($name, $value, $idx, $need_array) = @_;
    if ($need_array) {
        return $value->[$idx] if ref $value eq 'ARRAY';
        bail_out("$name - You asked for many requests, the expected results should be arrays as well.");
    }
    return $value->[0] if ref $value eq 'ARRAY';
    return $value;
}

# "Name: value", "Name:" (absent) or "!Name" (absent) lines, in order.
sub _parse_expected_headers {
    my $s = shift;
    my @h;
    for my $line (split /\n/, defined $s ? $s : '') {
        $line =~ s/^\s+|\s+$//g;
        next if $line eq '';
        if ($line =~ s/^!\s*//) {
            push @h, [$line, undef];
            next;
        }
        my ($k, $v) = split /\s*:\s*/, $line, 2;
        push @h, [$k, (defined $v && $v ne '') ? $v : undef];
    }
    return @h;
}

sub _check_response {
    my ($block, $res, $idx, $rep, $need_array) = @_;
    my $name = $block->name;

    # status code (always checked; default 200)
    my $code = defined $res->{status} ? $res->{status} : '';
    if (defined $block->error_code_like) {
        my $pat = _indexed($name, scalar($block->error_code_like), $idx, $need_array);
        Test::More::like($code, qr/$pat/sm, "$name - status code ok");
    } elsif (defined $block->error_code) {
        Test::More::is($code, _indexed($name, scalar($block->error_code), $idx, $need_array),
            "$name - status code ok");
    } else {
        Test::More::is($code, 200, "$name - status code ok");
    }

    if (defined $block->response_headers) {
        for my $h (_parse_expected_headers(_indexed($name, scalar($block->response_headers), $idx, $need_array))) {
            my ($key, $val) = @$h;
            if (!defined $val) {
                Test::More::unlike($res->{raw_headers}, qr/^\s*\Q$key\E\s*:/mi,
                    "$name - header $key not present in the raw headers");
                next;
            }
            $val =~ s/\$ServerPort\b/$ServerPort/g;
            $val =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
            my $actual = $res->{headers}{lc $key};
            Test::More::is(defined $actual ? $actual : '', $val, "$name - header $key ok");
        }
    }
    if (defined $block->response_headers_like) {
        for my $h (_parse_expected_headers(_indexed($name, scalar($block->response_headers_like), $idx, $need_array))) {
            my ($key, $val) = @$h;
            $val = '' unless defined $val;
            my $actual = $res->{headers}{lc $key};
            Test::More::like(defined $actual ? $actual : '', qr/^$val$/, "$name - header $key like ok");
        }
    }
    if (defined $block->raw_response_headers_like) {
        my $pat = _indexed($name, scalar($block->raw_response_headers_like), $idx, $need_array);
        Test::More::like($res->{raw_headers}, qr/$pat/s, "$name - raw resp headers like");
    }

    my $content = $res->{body};
    if (defined $block->response_body) {
        my $expected = _indexed($name, scalar($block->response_body), $idx, $need_array);
        if (defined $expected && !ref $expected) {
            $expected =~ s/\$ServerPort\b/$ServerPort/g;
            $expected =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
        }
        my $desc = "$name - response_body - response is expected (repeated req $rep, req $idx)";
        if (ref $expected) {
            Test::More::like($content, $expected, "$name - response_body - like (repeated req $rep, req $idx)");
        } elsif ($NoLongString) {
            Test::More::is($content, $expected, $desc);
        } else {
            Test::LongString::is_string($content, $expected, $desc);
        }
    } elsif (defined $block->response_body_like || defined $block->response_body_unlike) {
        my $like = defined $block->response_body_like;
        my $type = $like ? 'like' : 'unlike';
        my $pat = _indexed($name, $like ? scalar($block->response_body_like) : scalar($block->response_body_unlike),
            $idx, $need_array);
        if (!ref $pat) {
            $pat =~ s/\$ServerPort\b/$ServerPort/g;
            $pat =~ s/\$ServerPortForClient\b/$ServerPortForClient/g;
        }
        my $summary = _trim_str($content);
        $summary = '' unless defined $summary;
        $summary = substr($summary, 0, 100) . '...' if length $summary > 100;
        my $desc = "$name - response_body_$type - response is expected ($summary)";
        if ($like) {
            Test::More::like($content, qr/$pat/s, $desc);
        } else {
            Test::More::unlike($content, qr/$pat/s, $desc);
        }
    }

    for my $kind (qw(response_json response_json_subset)) {
        my $spec = $block->$kind;
        next unless defined $spec;
        _check_json($name, $kind, _indexed($name, $spec, $idx, $need_array), $content,
            "(repeated req $rep, req $idx)");
    }
}

sub _normalize_patterns {
    my $pats = shift;
    if (!ref $pats) {
        chomp $pats;
        return [ grep { length } split /\n+/, $pats ];
    }
    return [$pats] if ref $pats eq 'Regexp';
    return [@$pats] if ref $pats eq 'ARRAY';
    return [$pats];
}

sub _line_matches {
    my ($line, $pat) = @_;
    return ref $pat eq 'Regexp' ? $line =~ $pat : index($line, $pat) >= 0;
}

# error_log / no_error_log checks against $lines (Test::Nginx's check_error_log).
sub _check_error_log {
    my ($block, $rep, $lines) = @_;
    my $name = $block->name;
    my ($check_alert, $check_crit, $check_emerg) = (1, 1, 1);
    # an [emerg] message is the expected outcome of a --- must_die block
    $check_emerg = 0 if defined $block->must_die;

    for my $sec (qw(error_log no_error_log)) {
        my $v = $block->$sec;
        next unless defined $v;
        for my $p (@{ _normalize_patterns($v) }) {
            next if ref $p;
            $check_alert = 0 if index($p, '[alert') >= 0;
            $check_crit = 0 if index($p, '[crit') >= 0;
            $check_emerg = 0 if index($p, '[emerg') >= 0;
        }
    }

    if (defined $block->error_log) {
        $lines ||= _error_log_lines();
        my $pats = _normalize_patterns(scalar($block->error_log));
        for my $pat (@$pats) {
            next unless defined $pat;
            my $found = grep { _line_matches($_, $pat) } @$lines;
            my $p = _fmt_str($pat);
            if ($found) {
                Test::More::pass("$name - pattern \"$p\" matches a line in error.log (req $rep)");
            } else {
                Test::More::fail("$name - pattern \"$p\" should match a line in error.log (req $rep)");
            }
        }
    }

    if (defined $block->no_error_log) {
        $lines ||= _error_log_lines();
        my $pats = _normalize_patterns(scalar($block->no_error_log));
        for my $pat (@$pats) {
            next unless defined $pat;
            my $p = _fmt_str($pat);
            my ($hit) = grep { _line_matches($lines->[$_], $pat) } 0 .. $#$lines;
            if (defined $hit) {
                my $ln = _fmt_str($lines->[$hit]);
                my $end = min($hit + 10, $#$lines);
                my $more = join '', @$lines[$hit + 1 .. $end];
                Test::More::fail("$name - pattern \"$p\" should not match any line in error.log "
                    . "but matches line \"$ln\" (req $rep)\n$more");
            } else {
                Test::More::pass("$name - pattern \"$p\" does not match a line in error.log (req $rep)");
            }
        }
    }

    $lines ||= _error_log_lines();
    for my $line (@$lines) {
        if (($check_alert && $line =~ /\[alert\]/)
            || ($check_crit && $line =~ /\[crit\]/)
            || ($check_emerg && $line =~ /\[emerg\]/))
        {
            warn "WARNING: $name - " . _fmt_str($line) . "\n";
        }
    }
}

# Requests of a block: list of {packets, head, close}.
sub _block_requests {
    my $block = shift;
    my $name = $block->name;
    if (defined $block->raw_request) {
        return [ _raw_request(_expand_env(scalar($block->raw_request), $name)) ];
    }
    my $request = $block->request;
    bail_out("$name - no --- request or --- raw_request section") unless defined $request;
    $request = _expand_env($request, $name);
    my $more = _expand_env(scalar($block->more_headers), $name);
    $more = '' unless defined $more;
    my @reqs = ref $request eq 'ARRAY' ? @$request : ($request);
    bail_out("$name - --- request eval returned an empty list") unless @reqs;
    my @out;
    for my $i (0 .. $#reqs) {
        my $hdr = $more;
        if (ref $more eq 'ARRAY') {
            $hdr = $more->[$i];
            bail_out("$name - --- more_headers lacks data for the ${i}th request") unless defined $hdr;
        }
        bail_out("$name - request $i: arrays of packets are not supported; use --- raw_request")
            if ref $reqs[$i];
        push @out, _build_request($name, $reqs[$i], $hdr);
    }
    return \@out;
}

sub _run_requests {
    my ($block, $rep, $timeout) = @_;
    my $name = $block->name;
    my $reqs = _block_requests($block);
    my $need_array = @$reqs > 1;
    my $wait = parse_time(scalar($block->wait));
    for my $idx (0 .. $#$reqs) {
        my ($raw, $err) = _send_request($reqs->[$idx], $timeout, scalar($block->raw_request_middle_delay));
        my $res = _parse_response($raw, $reqs->[$idx]{head});
        if ($err) {
            Test::More::fail("$name - $err (repeated req $rep, req $idx)");
        } elsif ($res->{chunked_error}) {
            Test::More::fail("$name - $res->{error} (repeated req $rep, req $idx)");
        } elsif (defined $res->{error}) {
            Test::More::diag("$name - $res->{error} (repeated req $rep, req $idx); response: \""
                . _abbrev($raw, 300) . "\"");
        }
        if (defined $res->{extra} && length $res->{extra}) {
            warn "WARNING: $name - unexpected extra bytes after the response: \""
                . _abbrev($res->{extra}, 100) . "\"\n";
        }
        if (!defined $block->ignore_response) {
            _check_response($block, $res, $idx, $rep, $need_array);
        }
        if ($idx < $#$reqs) {
            # As in Test::Nginx: the error log is checked after every request.
            Time::HiRes::sleep($wait) if $wait;
            _check_error_log($block, $rep);
        }
    }
    Time::HiRes::sleep($wait) if $wait;
    _check_error_log($block, $rep);
}

sub _block_config {
    my $block = shift;
    my $name = $block->name;
    return (
        name => $name,
        config => _expand_env(scalar($block->config) // '', $name),
        http_config => _expand_env(scalar($block->http_config), $name),
        main_config => _expand_env(scalar($block->main_config), $name),
        post_main_config => _expand_env(scalar($block->post_main_config), $name),
        log_level => _trim_str(scalar($block->log_level)),
        catalogue => scalar($block->catalogue),
        catalogue_jsonl => scalar($block->catalogue_jsonl),
        user_files => scalar($block->user_files),
    );
}

# --- must_die: nginx must fail to start.
sub _run_must_die {
    my $block = shift;
    my $name = $block->name;
    my $must_die = _trim_str(scalar($block->must_die));
    for my $rep (0 .. $RepeatEach - 1) {
        my ($state, $status) = _setup_and_spawn(_block_config($block));
        if ($state eq 'exited') {
            my $exit_code = $status >> 8;
            if ($status == -1) {
                Test::More::fail("$name - failed to execute the nginx command line");
            } elsif ($status & 128) {
                Test::More::fail("$name - nginx core dumped");
            } elsif (defined $must_die && looks_like_number($must_die)) {
                Test::More::is($exit_code, $must_die, "$name - die with the expected exit code");
            } else {
                Test::More::isnt($status, 0, "$name - die as expected");
            }
        } else {
            Test::More::fail("$name - die as expected (nginx "
                . ($state eq 'ready' ? 'started successfully' : "is still running after ${StartTimeout}s")
                . ")");
            _stop_nginx();
        }
        # error_log patterns are matched against nginx's stderr + error.log
        my @lines;
        for my $f ($StderrFile, $ErrLogFile) {
            my $t = _slurp($f);
            push @lines, split /^/m, $t if defined $t;
        }
        _check_error_log($block, $rep, \@lines);
    }
}

sub run_test ($) {
    my $block = shift;
    return if defined $block->SKIP;
    my $name = $block->name;

    _export_env();
    if (defined $block->must_die) {
        _run_must_die($block);
        return;
    }
    my $timeout = parse_time(scalar($block->timeout));
    $timeout = $Timeout unless defined $timeout && $timeout ne '';

    my ($state, $status) = _setup_and_spawn(_block_config($block));
    if ($state ne 'ready') {
        Test::More::fail("$name - nginx failed to start ("
            . ($state eq 'exited' ? "exit status " . ($status >> 8) : "not listening on port $ServerPort after ${StartTimeout}s")
            . ")");
        Test::More::diag(_startup_diagnostics());
        _stop_nginx();
        return;
    }
    if (defined $block->shell) {
        _run_shell($name, scalar($block->shell));
    }
    if (defined $block->init) {
        eval $block->init;
        bail_out("$name - init failed: $@") if $@;
    }
    for my $rep (0 .. $RepeatEach - 1) {
        _run_requests($block, $rep, $timeout);
    }
    _stop_nginx();
}

sub run_tests () {
    # Tell Test::Base a plan exists (or will, via done_testing), so that its
    # END block does not run_compare() on our blocks.
    Test::More->builder->plan();
    my $bin = _which($NginxBinary);
    bail_out("cannot find the nginx executable \"$NginxBinary\" (set TEST_NGINX_BINARY)")
        unless defined $bin && -x $bin;
    my @blocks = Test::Base::blocks();
    @blocks = shuffle @blocks unless $NoShuffle;
    for my $block (@blocks) {
        $_->($block) for @BlockPreprocessors;
        run_test($block);
    }
    _cleanup();
}

1;
