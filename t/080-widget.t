# The embeddable widget (www/resources-widget.js) in a real browser.
#
# One nginx, two origins: port P serves a page (t/browser/page.html) and the
# widget's files (www/), port P+1 serves the API with resources_cors for the
# page's origin, from the sample catalogue plus one record with markup in its
# text (t/browser/catalogue-extra.jsonl).  Then t/browser/widget.test.mjs
# (node --test) drives Debian's Chromium through playwright-core and checks
# what a person sees; its screenshots go to build/browser/*.png.
#
# Needs node >= 20, t/browser/node_modules (npm ci --prefix t/browser) and
# /usr/bin/chromium (or RESOURCES_CHROMIUM).  Without them this file skips,
# or fails when RESOURCES_BROWSER_TESTS=1 (as make test sets it).

use strict;
use warnings;
# a server root of its own unless one is given (make test gives one): runs of
# other test files in the same tree do not wipe it
BEGIN { $ENV{TEST_NGINX_SERVROOT} ||= 't/servroot-widget' }
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
my $page_port = server_port();
my $api_port = $page_port + 1;
my $page_origin = "http://127.0.0.1:$page_port";
my $api_url = "http://127.0.0.1:$api_port/resources";
my $page_url = "$page_origin/page.html";

(my $page = slurp('t/browser/page.html')) =~ s/__API_URL__/$api_url/g;

start_nginx(
    catalogue => ['t/data/sample.jsonl', 't/browser/catalogue-extra.jsonl'],
    log_level => 'info',
    user_files => [
        ['page.html', $page],
        ['www/resources-widget.js', slurp('www/resources-widget.js')],
        ['www/resources-widget.css', slurp('www/resources-widget.css')],
    ],
    # the page's origin: static files, as in conf/widget.conf.example
    config => <<'_EOC_',
        types {
            text/html        html;
            text/css         css;
            text/javascript  js;
        }
        charset utf-8;
        charset_types text/css text/javascript;

        location /www/ {
            root $TEST_NGINX_HTML_DIR;
            expires 1h;
            add_header X-Content-Type-Options nosniff;
        }
_EOC_
    # the API's origin
    http_config => <<"_EOC_",
    log_format encoding '\$request \$status \$sent_http_content_encoding';
    server {
        listen 127.0.0.1:$api_port;
        server_name localhost;
        access_log logs/access.log;
        access_log logs/encoding.log encoding;
        gzip_vary on;

        location /resources {
            resources_db \$TEST_NGINX_CATALOGUE;
            resources;
            resources_cors $page_origin;
            resources_gzip on;
        }
    }
_EOC_
);

# --- what the browser will get, checked first with plain HTTP

my ($status, $h, $body) = http_request('/page.html');
is $status, 200, 'the page';
is $h->{'content-type'}, 'text/html; charset=utf-8', 'the page is HTML';
like $body, qr/data-resources-api="\Q$api_url\E"/, 'the page points to the API';

($status, $h, $body) = http_request('/www/resources-widget.js');
is $status, 200, 'the script';
is $h->{'content-type'}, 'text/javascript; charset=utf-8', 'the script is JavaScript';
ok $h->{expires} && ($h->{'cache-control'} // '') =~ /max-age=3600/, 'the script is cacheable';
unlike $body, qr/[^\x00-\x7f]/, 'the script is ASCII (works in a page of any charset)';
unlike $body, qr/\.innerHTML\s*=|insertAdjacentHTML|document\.write/, 'the script never parses data as HTML';

($status, $h) = http_request('/www/resources-widget.css');
is $status, 200, 'the stylesheet';
is $h->{'content-type'}, 'text/css; charset=utf-8', 'the stylesheet is CSS';

{
    local $Resources::TestNginx::ServerPortForClient = $api_port;
    ($status, $h, $body) = http_request('/resources?kw=QPV&limit=2&facets=kw,type',
        headers => { Origin => $page_origin });
    is $status, 200, 'the API, on the other port';
    is $h->{'access-control-allow-origin'}, $page_origin, 'allows the page\'s origin';
    like $body, qr/^\{"total":4,/, 'four public QPV resources (the sample\'s three and the extra one)';
}

# --- the browser

my $shots = File::Spec->catdir($root, 'build', 'browser');
run_node_tests('t/browser/widget.test.mjs',
    timeout => 120,
    env => {
        PAGE_URL => $page_url,
        API_URL => $api_url,
        SCREENSHOT_DIR => $shots,
        CHROMIUM => chromium_path(),
    });

# the browser really asked the API, from the page's origin
my $log = do {
    local $/;
    open my $in, '<', server_root() . '/logs/access.log' or die "access.log: $!\n";
    <$in>;
};
like $log, qr{"GET /resources\?kw=QPV&limit=2&facets=kw%2Ctype HTTP/1\.1" 200}, 'the widget\'s first request';
like $log, qr{"GET /resources\?kw=QPV&limit=2&offset=2&facets=kw%2Ctype HTTP/1\.1" 200}, 'paging: offset';
like $log, qr{"GET /resources\?kw=QPV&q=garage&limit=2&facets=kw%2Ctype&highlight=1&crop=30 HTTP/1\.1" 200},
    'search: q, with the marks asked';
like $log, qr{"GET /resources\?kw=QPV&kw=mobilit%C3%A9&limit=2&facets=kw%2Ctype HTTP/1\.1" 200},
    'a keyword chip: one more kw';

# the API's lists went to the browser compressed (resources_gzip on)
my $enc = do {
    local $/;
    open my $in, '<', server_root() . '/logs/encoding.log'
        or die "encoding.log: $!\n";
    <$in>;
};
like $enc, qr{^GET /resources\?kw=QPV&limit=2&facets=kw%2Ctype HTTP/1\.1 200 gzip$}m,
    'the browser got the first list gzip-compressed';
# (but the test's own request above, without Accept-Encoding, and the
# pages without records, limit=0 and a search for nothing: identity)
my @lists = $enc =~ m{^GET /resources\?(?!kw=QPV&limit=2&facets=kw,type )(?!\S*limit=0&)(?!\S*highlight=1)[^\n]* 200 (\S+)$}mg;
# (and searches, which ask for the marks: highlight=, never the pieces)
my @marked = $enc =~ m{^GET /resources\?\S*&highlight=1\S* HTTP/1\.1 200 (\S+)$}mg;
ok @marked >= 3 && !grep({ $_ ne '-' } @marked),
    'highlighted lists went identity (' . scalar(@marked) . ')';
my @empty = $enc =~ m{^GET /resources\?\S*limit=0&\S* HTTP/1\.1 200 (\S+)$}mg;
ok @empty && !grep({ $_ ne '-' } @empty),
    'pages without records went identity (' . scalar(@empty) . ')';
ok @lists >= 4 && !grep({ $_ ne 'gzip' } @lists),
    'every list the browser got was compressed (' . scalar(@lists) . ')';

stop_nginx();
my $errors = error_log_text();
unlike $errors, qr/\[(?:alert|crit|emerg)\]/, 'no alert in the error log';
my @resource_errors = grep { /resources:/ && /\[error\]/ } split /\n/, $errors;
is scalar @resource_errors, 0, 'no [error] from the module' or diag join "\n", @resource_errors;

# --- conf/widget.conf.example is a valid configuration (nginx -t opens no socket)

{
    my $servroot = server_root();
    my $load = join '', map { "load_module " . File::Spec->rel2abs($_, $root) . ";\n" }
        grep { length } split /\s+/, ($ENV{TEST_NGINX_LOAD_MODULES} // '');
    open my $out, '>', "$servroot/conf/widget-example.conf" or die "$servroot/conf: $!\n";
    print $out "${load}error_log $servroot/logs/widget-example.log;\npid $servroot/logs/widget-example.pid;\n"
        . "events {}\nhttp {\n    include $root/conf/widget.conf.example;\n}\n";
    close $out;
    my $nginx = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
    my $t = `$nginx -t -p $servroot/ -e $servroot/logs/widget-example.log -c conf/widget-example.conf 2>&1`;
    is $?, 0, 'conf/widget.conf.example passes nginx -t' or diag $t;
}

done_testing();
