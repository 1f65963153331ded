# nginx -s reload and a worker killed with SIGKILL while requests run: the
# API keeps answering; once things settle no process holds an old snapshot.

use strict;
use warnings;

use lib 't/lib';
use Resources::TestNginx;
use JSON::PP;
use Time::HiRes qw(sleep time);
use POSIX ();

plan 'no_plan';

my $loader = $ENV{TEST_RESOURCES_LOADER} || 'build/resources-load';
my $conf = <<'_EOC_';
    location /resources {
        resources_db html/catalogue.mdb;
        resources_check_interval 200ms;
        resources;
    }
_EOC_

my $master = start_nginx(workers => 2, config => $conf);
my $db = html_dir() . '/catalogue.mdb';
system($loader, '-q', '-o', $db, 't/data/sample.jsonl') == 0 or die;
sleep 0.5;

# a client hammering the API, counting answers by status, until told to stop
my $stop = server_root() . '/stop-client';
my $counts = server_root() . '/client-counts';
unlink $stop;
my $client = fork // die;
if ($client == 0) {
    my %n;
    my $t0 = time;
    while (!-e $stop && time - $t0 < 30) {
        my ($st) = http_request('/resources?kw=QPV&limit=1', timeout => 5);
        $n{ $st // 'none' }++;
    }
    open my $f, '>', $counts or die;
    print $f encode_json(\%n);
    close $f;
    POSIX::_exit(0);
}

sub worker_pids { return grep { $_ } split ' ', `pgrep -P $master` }

sleep 1;

# a reload: graceful, no request may fail
kill 'HUP', $master;
sleep 1.5;
my @after_reload = worker_pids();
is scalar @after_reload, 2, 'two workers after the reload';

# a new catalogue (one more record: the same one again would publish
# nothing), then a worker killed
my $extra = server_root() . '/extra.jsonl';
open my $x, '>', $extra or die;
print $x encode_json({ id => 'one-more', title => 'Une de plus',
                       type => 'Autres', keywords => ['QPV'] }), "\n";
close $x;
system($loader, '-q', '-o', $db, 't/data/sample.jsonl', $extra) == 0 or die;
my ($victim) = worker_pids();
kill 'KILL', $victim;
sleep 1.5;
my @now = worker_pids();
is scalar @now, 2, 'the master started a new worker';
ok !(grep { $_ == $victim } @now), 'the killed worker is gone';

open my $s, '>', $stop or die; close $s;
waitpid $client, 0;
my $n = decode_json(do { local $/; open my $f, '<', $counts or die; <$f> });
my $ok = $n->{200} // 0;
my $bad = 0;
$bad += $n->{$_} for grep { $_ ne '200' } keys %$n;
ok $ok > 100, "the client was answered throughout ($ok answers)";
ok $bad <= 2, "at most the requests in flight on the killed worker failed ($bad)";

# after the reload and the swap, no worker holds an old snapshot
sleep 1;
for my $w (worker_pids()) {
    my @maps = grep { /catalogue\.mdb/ } do {
        open my $m, '<', "/proc/$w/maps" or die; <$m>
    };
    is scalar(grep { /\(deleted\)/ } @maps), 0, "worker $w maps no deleted snapshot";
    my @fds = grep { (readlink($_) // '') =~ /catalogue\.mdb/ } glob "/proc/$w/fd/*";
    is scalar @fds, 1, "worker $w holds one descriptor on the snapshot";
    unlike join('', map { readlink($_) // '' } @fds), qr/deleted/, '... of the current file';
}

# and the master itself never opened it
my @mfds = grep { (readlink($_) // '') =~ /catalogue\.mdb/ } glob "/proc/$master/fd/*";
is scalar @mfds, 0, 'the master does not hold the snapshot';

my ($status) = http_request('/resources?limit=0');
is $status, 200, 'still answering';
my @alerts = grep { /\[(alert|crit)\]/ } split /\n/, error_log_text();
is_deeply [ grep { !/worker process $victim exited on signal 9/ } @alerts ], [],
    'no alert or crit but the kill itself';

stop_nginx();
