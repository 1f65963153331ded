# docs/openapi.yaml: a valid OpenAPI 3.1 document, whose schemas, headers and
# examples match the real answers of the module (t/openapi/check.mjs, run
# with node --test: @seriousme/openapi-schema-validator for the document,
# ajv (JSON Schema 2020-12) + ajv-formats for the answers).
#
# Needs node >= 20 and t/openapi/node_modules (npm ci --prefix t/openapi).
# Without them this file skips, or fails when RESOURCES_NODE_TESTS=1 or
# RESOURCES_BROWSER_TESTS=1 (as make test sets them).

use strict;
use warnings;
# a server root of its own unless one is given (make test gives one): runs of
# other test files in the same tree do not wipe it
BEGIN { $ENV{TEST_NGINX_SERVROOT} ||= 't/servroot-openapi' }
use lib 't/lib', 't/browser';
use Resources::TestNginx;
use NodeTests qw(check_prerequisites run_node_tests);

check_prerequisites(
    dir => 't/openapi',
    modules => ['@seriousme/openapi-schema-validator', 'ajv', 'ajv-formats', 'yaml'],
    required_by => ['RESOURCES_NODE_TESTS', 'RESOURCES_BROWSER_TESTS'],
);

start_nginx(
    catalogue => ['t/data/sample.jsonl'],
    log_level => 'info',
    config => <<'_EOC_',
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_cors *;
    }
    location /nocors {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
    location /unavailable {
        resources_db $TEST_NGINX_HTML_DIR/no-such-catalogue.mdb;
        resources;
        resources_retry_after 7s;
    }
_EOC_
);

my $base = 'http://127.0.0.1:' . server_port();
my ($status, $h, $body) = http_request('/resources?limit=0');
is $status, 200, 'the API answers';

run_node_tests('t/openapi/check.mjs',
    timeout => 60,
    env => {
        API_URL => "$base/resources",
        NOCORS_URL => "$base/nocors",
        UNAVAILABLE_URL => "$base/unavailable",
    });

stop_nginx();
unlike error_log_text(), qr/\[(?:alert|crit|emerg)\]/, 'no alert in the error log';

done_testing();
