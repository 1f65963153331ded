# The widget's state in the page's URL, its controls, and the list that
# nginx renders through SSI (format=html), in a real browser.
#
# One nginx, one origin (port P): pages served with "ssi on"
# (t/browser/state.html, small.html, fragment.html), the widget's files
# (www/), and three API locations over the sample catalogue plus one record
# with markup in its text (t/browser/catalogue-extra.jsonl):
#   /resources          the one the SSI include and the widgets use:
#                       resources_default_limit 3, resources_link, and
#                       resources_strict_args off (the page's other
#                       parameters, such as the second widget's b-*, reach
#                       it through the include and are ignored)
#   /small/resources    resources_max_limit 5: the widget asks for 10
#   /plain/resources    no resources_link
# Then t/browser/widget-state.test.mjs (node --test) drives Debian's
# Chromium through playwright-core: the URL state (a search in the URL,
# reload, Back and Forward, a shared URL, two widgets, the fragment), the
# sort and year controls, the small location's limit, the SSI list taken
# over without a gap, and the same page with JavaScript off.
#
# Needs what t/080-widget.t needs (node >= 20, t/browser/node_modules,
# /usr/bin/chromium); skips without them unless RESOURCES_BROWSER_TESTS=1.

use strict;
use warnings;
BEGIN { $ENV{TEST_NGINX_SERVROOT} ||= 't/servroot-widget-state' }
use lib 't/lib', 't/browser';
use Resources::TestNginx;
use NodeTests qw(check_prerequisites run_node_tests chromium_path);
use Cwd qw(getcwd);
use File::Spec;

check_prerequisites(
    dir => 't/browser',
    modules => ['playwright-core'],
    chromium => 1,
    required_by => ['RESOURCES_BROWSER_TESTS'],
);

sub slurp {
    my $f = shift;
    open my $in, '<:raw', $f or die "cannot read $f: $!\n";
    local $/;
    return scalar <$in>;
}

my $root = getcwd();
my $port = server_port();
my $origin = "http://127.0.0.1:$port";
my $link = 'https://www.rtes.fr/ressources/{id}';

start_nginx(
    catalogue => ['t/data/sample.jsonl', 't/browser/catalogue-extra.jsonl'],
    log_level => 'info',
    user_files => [
        (map { [$_, slurp("t/browser/$_")] } qw(state.html small.html fragment.html)),
        ['www/resources-widget.js', slurp('www/resources-widget.js')],
        ['www/resources-widget.css', slurp('www/resources-widget.css')],
    ],
    config => <<"_EOC_",
        types {
            text/html        html;
            text/css         css;
            text/javascript  js;
        }
        charset utf-8;
        charset_types text/css text/javascript;

        location /www/ {
            root \$TEST_NGINX_HTML_DIR;
        }

        # the pages: the list rendered by nginx, the page's query string
        # passed to the API
        location ~ \\.html\$ {
            root \$TEST_NGINX_HTML_DIR;
            ssi on;
        }

        location /resources {
            resources_db \$TEST_NGINX_CATALOGUE;
            resources;
            resources_default_limit 3;
            resources_link "$link";
            resources_strict_args off;
        }

        location /small/resources {
            resources_db \$TEST_NGINX_CATALOGUE;
            resources;
            resources_max_limit 5;
            resources_default_limit 5;
        }

        location /plain/resources {
            resources_db \$TEST_NGINX_CATALOGUE;
            resources;
        }
_EOC_
);

# --- what the browser will get, checked first with plain HTTP

my ($status, $h, $body) = http_request('/state.html');
is $status, 200, 'the page';
is $h->{'content-type'}, 'text/html; charset=utf-8', 'the page is HTML';
unlike $body, qr/<!--#/, 'the SSI include was processed';
like $body, qr{<div id="w-main"[^>]*>\s*<div class="resources" data-total="7" data-offset="0" data-limit="3">}s,
    'the list rendered by nginx is inside the widget\'s element';
my @ids = $body =~ /<li class="resource" data-id="([^"]+)"/g;
is_deeply \@ids, [qw(fiche-deniche-12-la-cantine-partagee guide-achats-publics-responsables
    fiche-deniche-11-le-garage-solidaire)], 'three resources, newest first';
like $body, qr{<a href="https://www\.rtes\.fr/ressources/guide-achats-publics-responsables">},
    'titles link to resources_link';

($status, $h, $body) = http_request('/state.html?kw=QPV&offset=3&b-q=garage');
is $status, 200, 'the page with a state in its URL';
like $body, qr{<div class="resources" data-total="4" data-offset="3" data-limit="3">},
    'the include got the page\'s query string (the second widget\'s b-q ignored)';

($status, $h, $body) = http_request('/resources/_meta');
like $body, qr/"limits":\{"default":3,"max":100\}/, '_meta: the limits';
like $body, qr/"link":"\Qhttps:\/\/www.rtes.fr\/ressources\/{id}\E"/, '_meta: the link template';
($status, $h, $body) = http_request('/small/resources/_meta');
like $body, qr/"limits":\{"default":5,"max":5\}/, '_meta of the small location';
($status, $h, $body) = http_request('/plain/resources/_meta');
like $body, qr/"link":null/, '_meta without resources_link';

# --- the browser

my $shots = File::Spec->catdir($root, 'build', 'browser');
run_node_tests('t/browser/widget-state.test.mjs',
    timeout => 180,
    env => {
        ORIGIN => $origin,
        SCREENSHOT_DIR => $shots,
        CHROMIUM => chromium_path(),
    });

# what the widgets asked
my $log = do {
    local $/;
    open my $in, '<', server_root() . '/logs/access.log' or die "access.log: $!\n";
    <$in>;
};
like $log, qr{"GET /small/resources\?limit=5 HTTP/1\.1" 200}, 'the small location: limit=5 (its maximum)';
unlike $log, qr{"GET /small/resources\?[^"]*limit=(?:10|50)\b}, 'never more than its maximum';
unlike $log, qr{"GET /small/resources\S* HTTP/1\.1" 400}, 'no 400 from the small location';
like $log, qr{"GET /resources\?limit=0&facets=year&facet_limit=100 HTTP/1\.1" 200}, 'the years of the year control';
like $log, qr{"GET /resources\?from=2023&to=2023&sort=title&limit=3&facets=kw%2Ctype HTTP/1\.1" 200},
    'a year and an order';

stop_nginx();
my $errors = error_log_text();
unlike $errors, qr/\[(?:alert|crit|emerg)\]/, 'no alert in the error log';
my @resource_errors = grep { /resources:/ && /\[error\]/ } split /\n/, $errors;
is scalar @resource_errors, 0, 'no [error] from the module' or diag join "\n", @resource_errors;

done_testing();
