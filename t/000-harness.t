# Self-test of the test harness t/lib/Resources/TestNginx.pm, using only stock
# nginx directives (no module of this project is loaded by these blocks).
#
#   TEST_NGINX_LOAD_MODULES= prove -v t/000-harness.t

use lib 't/lib';
use Resources::TestNginx 'no_plan';

log_level('info');
no_shuffle();
run_tests();

# ---------------------------------------------------------------------------
# The programmatic API (for scripts that do not fit data blocks)
# ---------------------------------------------------------------------------
{
    my $pid = start_nginx(
        http_config => 'map $uri $api_var { default "api"; }',
        config => <<'_EOC_',
    location = /api { return 200 "$api_var $request_method\n"; }
    location = /api/json {
        default_type application/json;
        add_header X-Api yes;
        add_header X-Api second;
        return 200 '{"a":1}';
    }
    location = /api/post { return 200 "len=$content_length\n"; }
_EOC_
        workers => 2,
    );
    ok($pid && kill(0, $pid), "api - start_nginx returns the pid of a running nginx");

    my ($status, $headers, $body, $err) = http_request('/api');
    is($status, 200, 'api - http_request status');
    is($body, "api GET\n", 'api - http_request body');
    ok(!defined $err, 'api - no error');

    ($status, $headers, $body) = http_request('/api/json');
    is($headers->{'content-type'}, 'application/json', 'api - lower-cased header names');
    is($headers->{'x-api'}, 'yes, second', 'api - repeated headers are joined');
    is($body, '{"a":1}', 'api - json body');

    ($status, $headers, $body) = http_request('POST /api/post', body => "abc",
        headers => { 'X-Foo' => 'bar' });
    is($body, "len=3\n", 'api - request text with body and headers');

    ($status, $headers, $body) = http_request("HEAD /api HTTP/1.0");
    is($status, 200, 'api - HEAD HTTP/1.0 status');
    is($body, '', 'api - HEAD has no body');

    ($status, $headers, $body) = http_request(
        "GET /api HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", raw => 1);
    is($body, "api GET\n", 'api - raw request');

    # keep-alive: the client must stop reading when the response is complete
    my $t0 = time;
    ($status, $headers, $body) = http_request('/api', headers => "Connection: keep-alive");
    is($body, "api GET\n", 'api - keep-alive response');
    ok(time - $t0 < 3, 'api - keep-alive response does not wait for the timeout');

    my $workers = () = `pgrep -P $pid`;
    is($workers, 2, 'api - workers => 2');

    like(error_log_text(), qr/\S/, 'api - error_log_text returns the error log');
    stop_nginx();
    ok(!kill(0, $pid), 'api - stop_nginx stopped nginx');

    # a failing start dies with nginx's output
    eval { start_nginx(config => 'foo_bar;') };
    like($@, qr/unknown directive "foo_bar"/, 'api - start_nginx dies when nginx cannot start');
    ok(!defined nginx_pid(), 'api - no nginx left after a failed start');

    # master_process off
    $pid = start_nginx(config => 'location = /m { return 200 "single\n"; }', master => 0);
    ($status, undef, $body) = http_request('/m');
    is($body, "single\n", 'api - master => 0');
    my $children = () = `pgrep -P $pid`;
    is($children, 0, 'api - master => 0 has no worker processes');
    stop_nginx();

    # load_catalogue reports a missing loader clearly
    {
        local $Resources::TestNginx::Loader = 'build/does-not-exist';
        eval { load_catalogue(html_dir() . '/x.mdb', 'nothing.jsonl') };
        like($@, qr/not found or not executable/, 'api - load_catalogue without loader dies');
    }
}

__DATA__

=== TEST 1: simple return
--- config
    location = /t { return 200 "hello\n"; }
--- request
GET /t
--- response_body
hello
--- no_error_log
[error]
[alert]



=== TEST 2: status code, headers, absent headers, header regexes
--- config
    location = /t {
        add_header X-Foo "bar baz";
        add_header X-Num 12345;
        return 201 "created\n";
    }
--- request
GET /t
--- error_code: 201
--- response_headers
X-Foo: bar baz
Content-Type: text/plain
Content-Length: 8
X-Missing:
!X-Also-Missing
--- response_headers_like
X-Num: \d+
Server: nginx/[\d.]+
--- response_body
created



=== TEST 3: 404 from the default root location and its error_log line
--- config
--- request
GET /no-such-file.html
--- error_code: 404
--- response_body_like: 404 Not Found
--- error_log
open() "
no-such-file.html" failed (2: No such file or directory)
--- no_error_log
[alert]



=== TEST 4: the default index.html of the root location
--- config
--- request
GET /
--- response_body_like: ^<html>.*It works!.*</html>$



=== TEST 5: must_die with an unknown directive
--- config
    foo_bar;
--- must_die
--- error_log
unknown directive "foo_bar"
--- no_error_log
[alert]



=== TEST 6: must_die with an exit code and eval error_log
--- main_config
    no_such_main_directive on;
--- must_die: 1
--- error_log eval
[qr/\[emerg\] .*unknown directive "no_such_main_directive"/, "nginx.conf"]



=== TEST 7: several requests (request eval) with per-request expectations
--- config
    location = /a { add_header X-Which a; return 200 "A\n"; }
    location = /b { return 302 /a; }
    location = /c { return 403; }
--- request eval
["GET /a", "GET /b", "GET /c"]
--- error_code eval
[200, 302, 403]
--- response_headers eval
['X-Which: a', "Location: http://localhost:\$ServerPort/a\nX-Which:", '!X-Which']
--- response_body_like eval
["^A\n\\z", "302 Found", "403 Forbidden"]
--- no_error_log
[error]



=== TEST 8: response_body eval arrays
--- config
    location /echo { return 200 "uri=$uri args=$args\n"; }
--- request eval
["GET /echo/1?x=1", "GET /echo/2"]
--- response_body eval
["uri=/echo/1 args=x=1\n", "uri=/echo/2 args=\n"]



=== TEST 9: response_json (key order irrelevant)
--- config
    location = /j {
        default_type application/json;
        return 200 '{"a":1,"b":[1,2]}';
    }
--- request
GET /j
--- response_headers
Content-Type: application/json
--- response_json
{"b": [1, 2], "a": 1}



=== TEST 10: response_json_subset
--- config
    location = /j {
        default_type application/json;
        return 200 '{"a":1,"b":[1,2],"c":{"d":"x","e":true,"n":null,"f":1.50}}';
    }
--- request
GET /j
--- response_json_subset
{"b": [1, 2.0], "c": {"e": true, "n": null, "f": 1.5}}



=== TEST 11: response_json and response_json_subset with eval arrays
--- config
    default_type application/json;
    location = /j1 { return 200 '{"a":1,"b":[1,2]}'; }
    location = /j2 { return 200 '[{"id":"x","v":false},{"id":"y","v":true}]'; }
--- request eval
["GET /j1", "GET /j2"]
--- response_json eval
['{"a":1,"b":[1,2]}', '[{"v":false,"id":"x"},{"v":true,"id":"y"}]']
--- response_json_subset eval
['{"b":[1,2]}', [{id => "x"}, {v => JSON::PP::true}]]



=== TEST 12: more_headers
--- config
    location = /h { return 200 "foo=$http_x_foo ua=$http_user_agent host=$host conn=$http_connection\n"; }
--- request
GET /h
--- more_headers
X-Foo: bar
User-Agent: harness
# a comment line
--- response_body
foo=bar ua=harness host=localhost conn=close



=== TEST 13: request body gets a Content-Length
--- config
    location = /p { return 200 "$request_method len=$content_length\n"; }
--- request
POST /p
hello world
--- response_body
POST len=11



=== TEST 14: raw_request
--- config
    location = /raw { return 200 "raw $server_protocol $http_x_raw\n"; }
--- raw_request eval
"GET /raw HTTP/1.0\r\nHost: localhost\r\nX-Raw: yes\r\n\r\n"
--- response_body
raw HTTP/1.0 yes



=== TEST 15: raw_request in several packets
--- config
    location = /raw { return 200 "raw $http_x_raw\n"; }
--- raw_request eval
["GET /raw HTTP/1.1\r\nHost: local", "host\r\nX-Raw: split\r\nConnection: close\r\n\r\n"]
--- raw_request_middle_delay: 0.05
--- response_body
raw split



=== TEST 16: HEAD request: no body
--- config
    location = /t { return 200 "hello\n"; }
--- request
HEAD /t
--- response_headers
Content-Length: 6
--- response_body



=== TEST 17: chunked response (HTTP/1.1) is decoded
--- config
    location = /c {
        sub_filter_types *;
        sub_filter hello bye;
        return 200 "hello hello\n";
    }
--- request
GET /c
--- response_headers
Transfer-Encoding: chunked
Content-Length:
--- response_body
bye hello



=== TEST 18: the same response to an HTTP/1.0 request is not chunked
--- config
    location = /c {
        sub_filter_types *;
        sub_filter hello bye;
        sub_filter_once off;
        return 200 "hello hello\n";
    }
--- request
GET /c HTTP/1.0
--- response_headers
Transfer-Encoding:
Connection: close
--- response_body
bye bye



=== TEST 19: $TEST_NGINX_* variables, main_config and http_config
--- main_config
    env HARNESS_DUMMY;
--- http_config
    map $uri $mapped { default "mapped-$uri"; }
--- config
    location = /env { return 200 "port=$TEST_NGINX_SERVER_PORT html=$TEST_NGINX_HTML_DIR cat=$TEST_NGINX_CATALOGUE $mapped\n"; }
--- request
GET /env
--- response_body_like chomp
^port=\d+ html=/\S+/servroot/html cat=/\S+/servroot/html/catalogue\.mdb mapped-/env$



=== TEST 20: shell runs after nginx started, before the requests
--- config
    location /files/ { alias $TEST_NGINX_HTML_DIR/; }
--- shell
printf 'made by shell\n' > "$TEST_NGINX_HTML_DIR/shell.txt"
test -n "$TEST_NGINX_SERVROOT"
test -f "$TEST_NGINX_SERVROOT/logs/nginx.pid"
--- request
GET /files/shell.txt
--- response_body
made by shell



=== TEST 21: wait before checking the log; error_log as a regex
--- config
--- request
GET /missing-w.txt
--- wait: 0.2
--- error_code: 404
--- error_log eval
qr/\[error\] .*open\(\) ".*\/missing-w\.txt" failed/
--- no_error_log
[crit]



=== TEST 22: timeout section, error_code_like, response_body_unlike
--- config
    location = /t { return 200 "fine\n"; }
--- request
GET /t
--- timeout: 5
--- error_code_like: ^2\d\d$
--- response_body_unlike: error



=== TEST 23: user_files
--- user_files
>>> static/a.txt
static file
--- config
--- request
GET /static/a.txt
--- response_body
static file



=== TEST 24: SKIP blocks are not run
--- config
    location = /t { return 500; }
--- request
GET /t
--- error_code: 200
--- SKIP
