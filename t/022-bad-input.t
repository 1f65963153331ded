# Hostile and broken requests: each is a 4xx with a JSON error that says
# what is wrong, never more than an info line in the log, and the worker
# keeps serving.  (A q of more than 10 words is no error: its first words
# are used and the answer says which were not, t/058-query-syntax.t.)

use lib 't/lib';
use Resources::TestNginx 'no_plan';

my $k8 = 'a' x 8200;
my $id1k = 'a' x 1024;

# [ request, status, message (regex) ]
our @Cases = (
    [ 'limit=-1',                 400, qr/"limit" must be a whole number from 0 to 100/ ],
    [ 'limit=abc',                400, qr/"limit"/ ],
    [ 'limit=99999999999999999999', 400, qr/"limit"/ ],
    [ 'limit=',                   400, qr/"limit"/ ],
    [ 'limit=1.5',                400, qr/"limit"/ ],
    [ 'limit=+1',                 400, qr/"limit"/ ],
    [ 'limit=0x10',               400, qr/"limit"/ ],
    [ 'limit=101',                400, qr/"limit"/ ],
    [ 'limit=1&limit=2',          400, qr/"limit" is given more than once/ ],
    [ 'offset=-5',                400, qr/"offset"/ ],
    [ 'offset=abc',               400, qr/"offset"/ ],
    [ 'offset=1000000001',        400, qr/"offset" must be a whole number from 0 to 1000000000/ ],
    [ 'offset=99999999999999999999999', 400, qr/"offset"/ ],
    [ 'kw=',                      400, qr/"kw" must not be empty/ ],
    [ 'kw',                       400, qr/"kw" must not be empty/ ],
    [ "kw=$k8",                   400, qr/"kw" is longer than 1024 bytes/ ],
    [ "q=$k8",                    400, qr/"q" is longer than 1024 bytes/ ],
    [ join('&', map { 'kw=QPV' } 1 .. 17), 400, qr/"kw" is given more than 16 times/ ],
    [ join('&', map { 'type=a' } 1 .. 3000), 400, qr/"type" is given more than 16 times/ ],
    [ join('&', map { "_x$_=1" } 1 .. 2000) . '&limit=x', 400, qr/"limit"/ ],
    [ 'kwd=QPV',                  400, qr/unknown parameter "kwd": this route accepts kw, type, series, q, from, to, sort, limit, offset, facets, facet_limit, typos, highlight, crop, format \(and any parameter whose name starts with "_" or "utm_"\)/ ],
    [ 'tag=Deniche',              400, qr/unknown parameter "tag"/ ],
    [ 'series=',                  400, qr/"series" must not be empty/ ],
    [ join('&', map { 'series=a' } 1 .. 17), 400, qr/"series" is given more than 16 times/ ],
    [ 'format=xml',               400, qr/"format" must be json or html/ ],
    [ 'format=json&format=html',  400, qr/"format" is given more than once/ ],
    [ 'kw=QPV&Kw=QPV',            400, qr/unknown parameter "Kw"/ ],
    [ 'prefix=ti',                400, qr/unknown parameter "prefix"/ ],
    [ 'utm=1',                    400, qr/unknown parameter "utm"/ ],
    [ '%6Bwd=QPV',                400, qr/unknown parameter "kwd"/ ],
    [ 'x%7Cy=1',                  400, qr/unknown parameter "x\|y"/ ],
    [ 'kw=%C3%28',                400, qr/"kw" is not valid UTF-8 text/ ],
    [ 'kw=%FF',                   400, qr/"kw" is not valid UTF-8/ ],
    [ 'kw=%C0%AF',                400, qr/"kw" is not valid UTF-8/ ],
    [ 'q=%ED%A0%80',              400, qr/"q" is not valid UTF-8/ ],
    [ 'q=%F4%90%80%80',           400, qr/"q" is not valid UTF-8/ ],
    [ 'kw=a%00b',                 400, qr/"kw" is not valid UTF-8/ ],
    [ 'type=%00',                 400, qr/"type" is not valid UTF-8/ ],
    [ 'kw=%ZZ',                   400, qr/malformed percent-encoding in "kw"/ ],
    [ 'kw=abc%',                  400, qr/malformed percent-encoding in "kw"/ ],
    [ 'kw=abc%4',                 400, qr/malformed percent-encoding/ ],
    [ 'q=%',                      400, qr/malformed percent-encoding in "q"/ ],
    [ 'li%ZZmit=1',               400, qr/malformed percent-encoding in a parameter name/ ],
    [ 'from=2024-13',             400, qr/"from" must be a year \(YYYY\) or a month \(YYYY-MM\)/ ],
    [ 'from=2024-00',             400, qr/"from"/ ],
    [ 'from=24',                  400, qr/"from"/ ],
    [ 'from=2024-1',              400, qr/"from"/ ],
    [ 'from=2024-01-01',          400, qr/"from"/ ],
    [ 'from=',                    400, qr/"from"/ ],
    [ 'to=abcd',                  400, qr/"to"/ ],
    [ 'to=0999',                  400, qr/"to"/ ],
    [ 'from=2024&to=2023',        400, qr/"to" is before "from"/ ],
    [ 'from=2024-05&to=2024-04',  400, qr/"to" is before "from"/ ],
    [ 'from=2023&from=2024',      400, qr/"from" is given more than once/ ],
    [ 'sort=random',              400, qr/"sort" must be one of newest, oldest, title, relevance, updated/ ],
    [ 'sort=',                    400, qr/"sort"/ ],
    [ 'sort=NEWEST',              400, qr/"sort"/ ],
    [ 'sort=newest&sort=oldest',  400, qr/"sort" is given more than once/ ],
    [ 'facets=color',             400, qr/"facets" must be a comma-separated list of kw, type, year/ ],
    [ 'facets=kw,',               400, qr/"facets"/ ],
    [ 'facets=',                  400, qr/"facets"/ ],
    [ 'facet_limit=0',            400, qr/"facet_limit" must be a whole number from 1 to 100/ ],
    [ 'facet_limit=101',          400, qr/"facet_limit"/ ],
    [ 'facets=kw&facet_limit=x',  400, qr/"facet_limit"/ ],
    [ 'q=a&q=b',                  400, qr/"q" is given more than once/ ],
);

# [ request, status, who answers: our JSON, or nginx itself before us ]
our @Routes = (
    [ 'GET /resources/Fiche-Deniche',        404, 'json' ],
    [ 'GET /resources/a.b',                  404, 'json' ],
    [ 'GET /resources/a/b',                  404, 'json' ],
    [ 'GET /resources/x%2Fy',                404, 'json' ],
    [ 'GET /resources/a/%2e%2e/b',           404, 'json' ],
    [ 'GET /resources/%C3%A9t%C3%A9',        404, 'json' ],
    [ 'GET /resources/%00',                  400, 'nginx' ],
    [ "GET /resources/$id1k",                404, 'json' ],
    [ 'GET /resources/%2e%2e/etc/passwd',    404, 'nginx' ],
    [ 'GET /resources/..%2f..%2f..%2fetc',   400, 'nginx' ],
    [ 'GET /resources/_keywords?limit=-1',   400, 'json' ],
    [ 'GET /resources/_keywords?prefix=%FF', 400, 'json' ],
    [ 'GET /resources/_types?limit=1000',    400, 'json' ],
    [ 'GET /resources/_keywords?kw=QPV',     400, 'json' ],
    [ 'GET /resources/_types?prefix=a&q=x',  400, 'json' ],
    [ 'GET /resources/_meta?version=1',      400, 'json' ],
    [ 'GET /resources/x?fmt=html',           400, 'json' ],
    [ 'POST /resources',                     405, 'json' ],
    [ 'PUT /resources',                      405, 'json' ],
    [ 'DELETE /resources/x',                 405, 'json' ],
    [ 'PATCH /resources',                    405, 'json' ],
    [ 'OPTIONS /resources',                  405, 'json' ],
    [ 'PROPFIND /resources',                 405, 'json' ],
    [ 'TRACE /resources',                    405, 'nginx' ],
);

no_root_location();
no_shuffle();
run_tests();

__DATA__

=== TEST 1: bad parameters: 400, a JSON message naming the parameter
--- catalogue
t/data/sample.jsonl
--- http_config
    large_client_header_buffers 4 64k;
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
--- log_level: info
--- request eval
[ map { "GET /resources?$_->[0]" } @::Cases ]
--- error_code eval
[ map { $_->[1] } @::Cases ]
--- response_body_like eval
[ map { (my $m = "$_->[2]") =~ s/"/\\\\"/g;
        qr/^\{"error":\{"status":400,"message":".*$m.*"\}\}$/ } @::Cases ]
--- no_error_log
[error]
[warn]
[alert]
[crit]



=== TEST 2: bad routes, ids and methods: 4xx (JSON when it reaches us)
--- catalogue
t/data/sample.jsonl
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
    location / {
        return 404;
    }
--- log_level: info
--- request eval
[ map { $_->[0] } @::Routes ]
--- error_code eval
[ map { $_->[1] } @::Routes ]
--- response_body_like eval
[ map { $_->[2] eq 'json' ? qr/^\{"error":\{"status":$_->[1],"message":"(?:[^"\\]|\\.)+"\}\}$/
                          : qr/<title>$_->[1] / } @::Routes ]
--- no_error_log
[error]
[warn]
[alert]
[crit]



=== TEST 3: after all that the worker still answers, with the same pid
--- catalogue
t/data/sample.jsonl
--- http_config
    large_client_header_buffers 4 64k;
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
--- request eval
[ (map { "GET /resources?$_->[0]" } @::Cases), "GET /resources?kw=QPV&limit=0" ]
--- error_code eval
[ (map { $_->[1] } @::Cases), 200 ]
--- no_error_log
[alert]
[crit]
exited on signal



=== TEST 4: HTTP/1.0 and HEAD on errors
--- catalogue
t/data/sample.jsonl
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
--- request eval
["GET /resources?limit=x HTTP/1.0", "HEAD /resources?limit=x", "HEAD /resources/nope"]
--- error_code eval
[400, 400, 404]
--- response_body eval
[qq({"error":{"status":400,"message":"\\"limit\\" must be a whole number from 0 to 100"}}\n), "", ""]
--- no_error_log
[error]



=== TEST 5: a very long URI is refused by nginx itself (414), not by us
--- catalogue
t/data/sample.jsonl
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
--- request eval
"GET /resources?q=" . ('x' x 20000)
--- error_code: 414
--- no_error_log
[alert]



=== TEST 6: parameters a page adds for itself are ignored, on every route
--- catalogue
t/data/sample.jsonl
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
--- request eval
[ "GET /resources?kw=QPV&_=1700000000&utm_source=lettre&utm_medium=email&limit=0",
  "GET /resources/_meta?_=1",
  "GET /resources/_keywords?prefix=ti&utm_campaign=x",
  "GET /resources/_types?_cache=2",
  "GET /resources/_feed?kw=QPV&utm_source=rss" ]
--- error_code eval
[ 200, 200, 200, 200, 200 ]
--- response_body_like eval
[ qr/^\{"total":3,/, qr/"version"/, qr/tiers-lieu/i, qr/^\{"items":\[/, qr/<feed / ]
--- no_error_log
[error]
[warn]
[alert]



=== TEST 7: a lookup with a misspelt parameter names it
--- catalogue
t/data/sample.jsonl
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
--- request
GET /resources/_meta?verison=2
--- error_code: 400
--- response_body
{"error":{"status":400,"message":"unknown parameter \"verison\": this route accepts no parameter (and any parameter whose name starts with \"_\" or \"utm_\")"}}
--- no_error_log
[error]
[alert]



=== TEST 8: resources_strict_args off: parameters of the site's own are ignored
--- catalogue
t/data/sample.jsonl
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_strict_args off;
    }
--- request eval
[ "GET /resources?kw=QPV&tag=x&page=2&limit=0",
  "GET /resources?kwd=QPV&limit=0",
  "GET /resources/_meta?v=2",
  "GET /resources/_keywords?prefix=ti&lang=fr" ]
--- error_code eval
[ 200, 200, 200, 200 ]
--- response_body_like eval
[ qr/^\{"total":3,/, qr/^\{"total":6,/, qr/"version"/, qr/tiers-lieu/i ]
--- no_error_log
[error]
[alert]



=== TEST 9: resources_strict_args is inherited, and a location can set it back
--- catalogue
t/data/sample.jsonl
--- http_config
    resources_strict_args off;
--- config
    location /loose {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
    location /strict {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_strict_args on;
    }
--- request eval
[ "GET /loose?tag=x&limit=0", "GET /strict?tag=x&limit=0" ]
--- error_code eval
[ 200, 400 ]
--- no_error_log
[error]
[alert]
