# Lookups, _meta, suggestions, unknown routes, methods, headers, caching,
# variables, on the sample catalogue (8 resources, 2 private).

use lib 't/lib';
use Resources::TestNginx 'no_plan';

our $Config = <<'_EOC_';
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
    location /staff/resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_private on;
    }
_EOC_

# the content version of the sample, as the loader computes it (dry run)
my $loader = $ENV{TEST_RESOURCES_LOADER} || 'build/resources-load';
# the version of the public location: that of the public records
our ($Version) = `$loader -n t/data/sample.jsonl` =~ /public version ([0-9a-f]{16})/;
die "no version from $loader" unless $Version;

# the full form of one resource, byte for byte (TEST 1b, 1c)
our $Cantine = '{"id":"fiche-deniche-12-la-cantine-partagee","title":"Fiche Déniché pour vous n°12 - La Cantine partagée","type":"Ressources RTES","private":false,"date":"2024-03","updated":null,"keywords":["alimentation","tiers-lieu","SCIC"],"series":"Déniché pour vous","number":12,"summary":"Une cantine coopérative installée dans un ancien garage municipal sert des repas à prix libre.","tags":[],"body":"Une cantine coopérative installée dans un ancien garage municipal sert des repas à prix libre.\n\nLa collectivité a mis le local à disposition ; l’association gère la cuisine et les bénévoles.","links":[{"label":"Téléchargez la fiche n°12","url":null}]}';

no_shuffle();
run_tests();

__DATA__

=== TEST 1: a lookup gives the full form
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /resources/fiche-deniche-12-la-cantine-partagee
--- error_code: 200
--- response_headers
Content-Type: application/json; charset=utf-8
--- response_json
{"id":"fiche-deniche-12-la-cantine-partagee","title":"Fiche Déniché pour vous n°12 - La Cantine partagée","type":"Ressources RTES","private":false,"date":"2024-03","updated":null,"keywords":["alimentation","tiers-lieu","SCIC"],"tags":[],"series":"Déniché pour vous","number":12,"summary":"Une cantine coopérative installée dans un ancien garage municipal sert des repas à prix libre.","body":"Une cantine coopérative installée dans un ancien garage municipal sert des repas à prix libre.\n\nLa collectivité a mis le local à disposition ; l’association gère la cuisine et les bénévoles.","links":[{"label":"Téléchargez la fiche n°12","url":null}]}
--- no_error_log
[error]
[alert]



=== TEST 1b: a packed record's bytes, exactly (the list form from the map, the rest unpacked)
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /resources/fiche-deniche-12-la-cantine-partagee
--- error_code: 200
--- response_body eval: $::Cantine
--- no_error_log
[error]
[alert]



=== TEST 1c: the same bytes from a snapshot whose records are not packed (resources-load -u)
--- catalogue
-u
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /resources/fiche-deniche-12-la-cantine-partagee
--- error_code: 200
--- response_body eval: $::Cantine
--- no_error_log
[error]
[alert]



=== TEST 2: extra fields of a record are served in the full form
--- catalogue_jsonl
{"id":"with-extras","title":"T","type":"Autres","source":{"site":"rtes.fr","page":3},"lang":"fr"}
--- config eval: $::Config
--- request
GET /resources/with-extras
--- response_json
{"id":"with-extras","title":"T","type":"Autres","private":false,"date":null,"updated":null,"keywords":[],"tags":[],"series":null,"number":null,"summary":"","body":"","links":[],"source":{"site":"rtes.fr","page":3},"lang":"fr"}
--- no_error_log
[error]



=== TEST 3: a private resource is a 404 in public, the same as an unknown id
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources/note-interne-budget-2025", "GET /resources/no-such-resource",
 "GET /staff/resources/note-interne-budget-2025"]
--- error_code eval
[404, 404, 200]
--- response_json_subset eval
['{"error":{"status":404,"message":"no resource with this id"}}',
 '{"error":{"status":404,"message":"no resource with this id"}}',
 '{"id":"note-interne-budget-2025","private":true}']
--- no_error_log
[error]



=== TEST 4: ids that cannot be ids are 404s
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources/Fiche-Deniche", "GET /resources/a.b", "GET /resources/a/b",
 "GET /resources/%C3%A9t%C3%A9", "GET /resources/-abc",
 "GET /resources/webinaire-monnaies-locales/", "GET /resourcesx"]
--- error_code eval
[404, 404, 404, 404, 404, 404, 404]
--- response_body_like eval
[qr/"status":404/, qr/"status":404/, qr/"status":404/, qr/"status":404/,
 qr/"status":404/, qr/"status":404/, qr/"status":404/]
--- no_error_log
[error]



=== TEST 5: _meta as each location sees it
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources/_meta", "GET /staff/resources/_meta"]
--- response_json_subset eval
['{"total":6,"keywords":11,"types":[{"value":"Ressources RTES","count":5},{"value":"Autres","count":1}]}',
 '{"total":8,"keywords":14,"types":[{"value":"Ressources RTES","count":5},{"value":"Documents internes","count":2},{"value":"Autres","count":1}]}']
--- response_body_like eval
[qr/"version":"[0-9a-f]{16}","built":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/,
 qr/"version":"[0-9a-f]{16}"/]
--- no_error_log
[error]



=== TEST 6: _keywords: by folded prefix, most used first (variants are one keyword)
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources/_keywords?prefix=ti", "GET /resources/_keywords?limit=2",
 "GET /resources/_keywords?prefix=%C3%A9co", "GET /resources/_keywords?prefix=zzz",
 "GET /resources/_keywords?prefix=conf", "GET /staff/resources/_keywords?prefix=conf",
 "GET /staff/resources/_keywords?limit=1"]
--- response_json eval
['{"items":[{"value":"tiers-lieu","count":2}]}',
 '{"items":[{"value":"QPV","count":3},{"value":"tiers-lieu","count":2}]}',
 '{"items":[{"value":"Économie circulaire","count":1}]}',
 '{"items":[]}',
 '{"items":[]}',
 '{"items":[{"value":"confidentiel","count":1}]}',
 '{"items":[{"value":"QPV","count":4}]}']
--- no_error_log
[error]



=== TEST 6b: _keywords: ties in folded order, not in order of first use
--- catalogue_jsonl
{"id":"a","title":"A","type":"T","keywords":["zeta","Mu","beta"]}
{"id":"b","title":"B","type":"T","keywords":["zeta","alpha"]}
{"id":"c","title":"C","type":"T","keywords":["Omega","mu"]}
{"id":"d","title":"D","type":"T","private":true,"keywords":["Zeta","kappa","alpha"]}
--- config eval: $::Config
--- request eval
["GET /resources/_keywords?limit=2", "GET /resources/_keywords?limit=3",
 "GET /resources/_keywords", "GET /resources/_keywords?limit=0",
 "GET /staff/resources/_keywords?limit=3"]
--- response_json eval
['{"items":[{"value":"Mu","count":2},{"value":"zeta","count":2}]}',
 '{"items":[{"value":"Mu","count":2},{"value":"zeta","count":2},{"value":"alpha","count":1}]}',
 '{"items":[{"value":"Mu","count":2},{"value":"zeta","count":2},{"value":"alpha","count":1},{"value":"beta","count":1},{"value":"Omega","count":1}]}',
 '{"items":[]}',
 '{"items":[{"value":"zeta","count":3},{"value":"alpha","count":2},{"value":"Mu","count":2}]}']
--- no_error_log
[error]



=== TEST 7: _types
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources/_types", "GET /staff/resources/_types?prefix=doc",
 "GET /resources/_types?prefix=doc"]
--- response_json eval
['{"items":[{"value":"Ressources RTES","count":5},{"value":"Autres","count":1}]}',
 '{"items":[{"value":"Documents internes","count":2}]}',
 '{"items":[]}']
--- no_error_log
[error]



=== TEST 8: unknown routes under the prefix
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources/_metadata", "GET /resources/_meta/x", "GET /resources/_Meta"]
--- error_code eval
[404, 404, 404]
--- no_error_log
[error]



=== TEST 9: methods other than GET and HEAD: 405 with Allow
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["POST /resources", "PUT /resources/x", "DELETE /resources/x",
 "PATCH /resources", "OPTIONS /resources"]
--- error_code eval
[405, 405, 405, 405, 405]
--- response_headers eval
["Allow: GET, HEAD", "Allow: GET, HEAD", "Allow: GET, HEAD", "Allow: GET, HEAD",
 "Allow: GET, HEAD"]
--- response_json_subset eval
['{"error":{"status":405,"message":"only GET and HEAD are allowed"}}',
 '{"error":{"status":405}}', '{"error":{"status":405}}', '{"error":{"status":405}}',
 '{"error":{"status":405}}']
--- no_error_log
[error]



=== TEST 10: ETag and Last-Modified; 304 on If-None-Match
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- more_headers
If-None-Match: "DUMMY"
--- request
GET /resources?kw=QPV
--- error_code: 200
--- response_headers_like
ETag: ^"[0-9a-f]{16}"$
Last-Modified: ^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$
--- no_error_log
[error]



=== TEST 11: the same catalogue gives the same ETag, and 304s
--- catalogue
t/data/sample.jsonl
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        if_modified_since before;
    }
--- request eval
["GET /resources?kw=QPV", "GET /resources/_meta", "GET /resources/_meta"]
--- more_headers eval
["If-None-Match: \"$::Version\"",
 "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT",
 "If-None-Match: \"0000000000000000\""]
--- error_code eval
[304, 304, 200]
--- no_error_log
[error]



=== TEST 12: add_header (always) and expires apply to answers and errors
--- catalogue
t/data/sample.jsonl
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        expires 1m;
        add_header X-Catalogue $resources_version always;
        add_header X-Total $resources_total always;
    }
--- request eval
["GET /resources?kw=QPV&limit=1", "GET /resources?limit=abc", "GET /resources/_meta"]
--- error_code eval
[200, 400, 200]
--- response_headers_like eval
["Cache-Control: max-age=60\nX-Catalogue: ^[0-9a-f]{16}\$\nX-Total: ^3\$",
 "X-Catalogue: ^[0-9a-f]{16}\$",
 "X-Catalogue: ^[0-9a-f]{16}\$"]
--- response_headers eval
["", "X-Total:", "X-Total:"]
--- no_error_log
[error]



=== TEST 13: a client's mistake is logged at info at most
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- log_level: info
--- request
GET /resources?limit=-1
--- error_code: 400
--- error_log
resources: 400: "limit" must be a whole number
--- no_error_log
[error]
[warn]



=== TEST 14: the error log says which version each worker serves
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /resources?limit=0
--- error_log eval
qr/\[notice\] .* resources: serving ".*catalogue\.mdb" version [0-9a-f]{16}, 8 resources \(6 public\)/
--- no_error_log
[error]



=== TEST 15: $resources_version and $resources_total in the access log
--- catalogue
t/data/sample.jsonl
--- http_config
    log_format res 'v=$resources_version t=$resources_total';
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        access_log html/res.log res;
    }
    location = /res.log {
        root html;
    }
--- request eval
["GET /resources?kw=QPV&limit=0", "GET /resources/_meta", "GET /res.log"]
--- response_body_like eval
[qr/"total":3/, qr/"version"/, qr/\Av=[0-9a-f]{16} t=3\nv=[0-9a-f]{16} t=-\n\z/]
--- no_error_log
[error]
