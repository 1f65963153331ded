# What "make run" serves: conf/demo.conf in a prefix made by "make
# demo-prefix" (the module, the sample catalogue, www/ as html/www/), on this
# test's port instead of 8080. The demo page at / holds the list nginx
# renders through SSI, the widget's element and script, and the snippets;
# the widget's files are served; the locations that were there still answer.
# Then, when the browser tests can run (see t/080-widget.t), Chromium opens
# the page: the widget takes the list over, and without JavaScript the list
# and its paging links work.

use strict;
use warnings;
BEGIN { $ENV{TEST_NGINX_SERVROOT} ||= 't/servroot-demo' }
use lib 't/lib', 't/browser';
use Resources::TestNginx;
use NodeTests qw(run_node_tests chromium_path);
use Cwd qw(getcwd);
use File::Path qw(make_path remove_tree);
use File::Spec;
use IO::Socket::INET ();
use IPC::Run ();
use Time::HiRes ();

my $root = getcwd();
my $port = server_port();
my $prefix = server_root() . '/demo';
my $nginx = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
my ($module) = grep { length } split /\s+/, ($ENV{TEST_NGINX_LOAD_MODULES} // '');
$module = File::Spec->rel2abs($module // 'build/ngx_http_resources_module.so', $root);
my $loader = File::Spec->rel2abs($ENV{TEST_RESOURCES_LOADER} || 'build/resources-load', $root);

sub slurp {
    my $f = shift;
    open my $in, '<:raw', $f or die "cannot read $f: $!\n";
    local $/;
    return scalar <$in>;
}

sub run_cmd {
    my @cmd = @_;
    my ($out, $err) = ('', '');
    my $ok = IPC::Run::run(\@cmd, '<', \undef, '>', \$out, '2>', \$err, IPC::Run::timeout(120));
    return ($ok, "$out$err");
}

# --- the prefix, as "make run" makes it

remove_tree($prefix);
make_path($prefix);
my ($ok, $out) = run_cmd('make', '-s', '--no-print-directory', '-C', $root, 'demo-prefix',
    "RUN_DIR=$prefix", "MODULE=$module", "LOADER=$loader");
ok $ok, 'make demo-prefix' or diag $out;
ok -f "$prefix/html/www/index.html", 'the demo page is in the prefix';
ok -f "$prefix/html/www/resources-widget.js", 'the widget too';
ok -f "$prefix/html/catalogue.mdb", 'the sample catalogue';

# conf/demo.conf, on this test's port
my $conf = slurp('conf/demo.conf');
my $listens = () = $conf =~ /^\s*listen\s+127\.0\.0\.1:8080;/mg;
is $listens, 1, 'conf/demo.conf listens on 127.0.0.1:8080, once';
$conf =~ s/^(\s*listen\s+127\.0\.0\.1:)8080;/${1}$port;/m;
open my $fh, '>', "$prefix/demo.conf" or die "$prefix/demo.conf: $!\n";
print $fh $conf;
close $fh;

($ok, $out) = run_cmd($nginx, '-t', '-p', "$prefix/", '-c', "$prefix/demo.conf");
ok $ok, 'nginx -t' or diag $out;

# "daemon on", as make run: the pid file says whom to stop
my $pidfile = "$prefix/logs/nginx.pid";
unlink $pidfile;
($ok, $out) = run_cmd($nginx, '-p', "$prefix/", '-c', "$prefix/demo.conf");
ok $ok, 'nginx starts with conf/demo.conf' or BAIL_OUT("nginx: $out");
my $pid;
for (1 .. 100) {
    if (-s $pidfile) {
        $pid = slurp($pidfile) =~ s/\s+//gr;
        last if IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp');
    }
    Time::HiRes::sleep(0.1);
}
ok $pid, "nginx listens on $port";

sub stop_demo {
    return unless $pid;
    kill 'QUIT', $pid;
    for (1 .. 50) {
        last unless kill 0, $pid;
        Time::HiRes::sleep(0.1);
    }
    kill 'KILL', $pid if kill 0, $pid;
    undef $pid;
}
END { stop_demo() }

# --- the demo page

my ($status, $h, $body) = http_request('/');
is $status, 200, 'GET /';
is $h->{'content-type'}, 'text/html; charset=utf-8', 'HTML, in UTF-8';
unlike $body, qr/<!--#/, 'every SSI include was processed';
like $body, qr{<div id="catalogue" data-resources-api="/demo/resources"[^>]*>\s*<div class="resources" data-total="6" data-offset="0" data-limit="3">}s,
    'the list nginx rendered, in the widget\'s element';
my @items = $body =~ /<li class="resource" data-id="([^"]+)"/g;
is_deeply [@items[0 .. 2]], [qw(fiche-deniche-12-la-cantine-partagee guide-achats-publics-responsables
    fiche-deniche-11-le-garage-solidaire)], 'its first page: three resources, newest first';
like $body, qr{<a class="resources-next" rel="next" href="\?offset=3">}, 'a paging link to the page itself';
like $body, qr{<a href="/demo/resources/fiche-deniche-12-la-cantine-partagee\?format=html">},
    'titles link to the resource (resources_link)';
like $body, qr{<div class="resources" data-total="2" data-offset="0" data-limit="2">.*?data-id="fiche-deniche-12-la-cantine-partagee".*?data-id="fiche-deniche-11-le-garage-solidaire"}s,
    'the second list: the series "Déniché pour vous"';
unlike $body, qr/Annuaire|budget/, 'no private resource';
like $body, qr{<script src="/www/resources-widget\.js" defer></script>}, 'the widget\'s script';
like $body, qr{load_module modules/ngx_http_resources_module\.so;}, 'snippet: load_module';
like $body, qr{location /resources \{\s+resources;}, 'snippet: the location';
like $body, qr{&lt;!--# include virtual="/resources\?format=html&amp;\$args" --&gt;}, 'snippet: the SSI include';
like $body, qr{&lt;div data-resources-api="/resources"&gt;}, 'snippet: the widget\'s element';
like $body, qr{&lt;script src="/www/resources-widget\.js" defer&gt;&lt;/script&gt;}, 'snippet: the widget\'s script';

($status, $h, $body) = http_request('/?kw=QPV&offset=0');
is $status, 200, 'the page with a state';
like $body, qr{<div class="resources" data-total="3" data-offset="0" data-limit="3">}, '?kw=QPV: the three QPV resources';

($status, $h, $body) = http_request('/?offset=3');
like $body, qr{<div class="resources" data-total="6" data-offset="3" data-limit="3">}, '?offset=3: the second page';
like $body, qr{<a class="resources-prev" rel="prev" href="\?offset=0">}, 'with a link back';

($status, $h, $body) = http_request('/?utm_source=x&ref=newsletter');
like $body, qr{<div class="resources" data-total="6"}, 'other parameters of the page are ignored';

($status, $h, $body) = http_request('/?from=2024-13');
is $status, 200, 'a bad value: the page still';
like $body, qr{<p class="resources-error" role="alert">[^<]*from}, 'with the error where the list goes';

($status, $h, $body) = http_request('/demo/resources/fiche-deniche-12-la-cantine-partagee?format=html');
is $status, 200, 'a title\'s link';
like $body, qr{^<article class="resource}, 'the resource in HTML';

($status, $h, $body) = http_request('/demo/resources/_meta');
like $body, qr/"limits":\{"default":3,"max":100\}/, 'the widget reads the location\'s limits';

# the widget's files
($status, $h, $body) = http_request('/www/resources-widget.js');
is $status, 200, 'the widget\'s script';
is $h->{'content-type'}, 'text/javascript; charset=utf-8', 'as JavaScript';
is $body, slurp('www/resources-widget.js'), 'www/resources-widget.js';
($status, $h) = http_request('/www/resources-widget.css');
is $status, 200, 'the widget\'s stylesheet';
is $h->{'content-type'}, 'text/css; charset=utf-8', 'as CSS';
($status, $h, $body) = http_request('/www/index.html');
is $status, 200, 'the page at /www/index.html too';
unlike $body, qr/<!--#/, 'with SSI';

# what was there before the demo page still is
($status, $h, $body) = http_request('/resources?kw=QPV');
is $status, 200, 'the API';
like $body, qr/^\{"total":3,/, 'JSON, three QPV resources';
($status, $h, $body) = http_request('/resources?kw=QPV',
                                    headers => { 'Accept-Encoding' => 'gzip' });
is $h->{'content-encoding'}, 'gzip', 'the API compresses its lists'
    . ' (resources_gzip)';
is $h->{vary}, 'Accept-Encoding', 'with Vary';
($status) = http_request('/staff/resources/note-interne-budget-2025');
is $status, 200, 'the staff location';
($status, $h) = http_request('/resources-status');
is $status, 200, 'the status location';

# --- in Chromium, when it can run (as t/080-widget.t)

SKIP: {
    my @missing = NodeTests::missing_prerequisites(
        dir => 't/browser', modules => ['playwright-core'], chromium => 1);
    if (@missing && $ENV{RESOURCES_BROWSER_TESTS}) {
        fail('the prerequisites of the browser test (RESOURCES_BROWSER_TESTS=1)');
        diag("missing: $_") for @missing;
    }
    skip "the browser: @missing", 1 if @missing;
    run_node_tests('t/browser/demo.test.mjs',
        timeout => 90,
        env => {
            DEMO_URL => "http://127.0.0.1:$port/",
            SCREENSHOT_DIR => File::Spec->catdir($root, 'build', 'browser'),
            CHROMIUM => chromium_path(),
        });
}

stop_demo();
my $errors = -f "$prefix/logs/error.log" ? slurp("$prefix/logs/error.log") : '';
unlike $errors, qr/\[(?:alert|crit|emerg)\]/, 'no alert in the error log';
my @resource_errors = grep { /resources:/ && /\[error\]/ } split /\n/, $errors;
is scalar @resource_errors, 0, 'no [error] from the module' or diag join "\n", @resource_errors;

done_testing();
