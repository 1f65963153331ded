# The list route: every parameter, on the project's sample catalogue
# (t/data/sample.jsonl: 8 resources, 2 private).

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

no_shuffle();
run_tests();

__DATA__

=== TEST 1: the whole public list, newest first, undated last
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /resources
--- error_code: 200
--- response_headers
Content-Type: application/json; charset=utf-8
--- response_json_subset
{"total":6,"offset":0,"limit":20,"items":[
 {"id":"fiche-deniche-12-la-cantine-partagee","date":"2024-03"},
 {"id":"guide-achats-publics-responsables","date":"2023-11"},
 {"id":"fiche-deniche-11-le-garage-solidaire","date":"2023-11"},
 {"id":"compte-rendu-seminaire-tiers-lieux","date":"2023-09"},
 {"id":"webinaire-monnaies-locales","date":"2022-06"},
 {"id":"catalogue-ess-et-quartiers","date":null}]}
--- no_error_log
[error]
[alert]



=== TEST 2: a trailing slash is the list too
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /resources/?limit=1
--- response_json_subset
{"total":6,"offset":0,"limit":1,"items":[{"id":"fiche-deniche-12-la-cantine-partagee"}]}
--- no_error_log
[error]



=== TEST 3: an item's list form: the fields, in order, no body
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /resources?kw=mobilit%C3%A9
--- response_body
{"total":1,"offset":0,"limit":20,"items":[{"id":"fiche-deniche-11-le-garage-solidaire","title":"Fiche Déniché pour vous n°11 - Le Garage solidaire","type":"Ressources RTES","private":false,"date":"2023-11","updated":null,"keywords":["mobilité","QPV","insertion"],"series":"Déniché pour vous","number":11,"summary":"Un garage associatif répare les voitures des habitants des quartiers prioritaires."}]}
--- no_error_log
[error]



=== TEST 4: the private location sees everything
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /staff/resources?limit=0
--- response_json
{"total":8,"offset":0,"limit":0,"items":[]}
--- no_error_log
[error]



=== TEST 5: kw matches the folded form: QPV, qpv, Qpv
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources?kw=QPV&limit=0", "GET /resources?kw=qpv&limit=0",
 "GET /resources?kw=Qpv&limit=0", "GET /staff/resources?kw=QPV&limit=0"]
--- response_json eval
['{"total":3,"offset":0,"limit":0,"items":[]}',
 '{"total":3,"offset":0,"limit":0,"items":[]}',
 '{"total":3,"offset":0,"limit":0,"items":[]}',
 '{"total":4,"offset":0,"limit":0,"items":[]}']
--- no_error_log
[error]



=== TEST 6: kw: accents and case are folded; spelling variants are one keyword
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources?kw=economie%20circulaire",
 "GET /resources?kw=%C3%89CONOMIE+CIRCULAIRE",
 "GET /resources?kw=tiers-lieux", "GET /resources?kw=TIERS-LIEU",
 "GET /resources?kw=tiers%20lieu"]
--- response_json_subset eval
['{"total":1,"items":[{"id":"guide-achats-publics-responsables"}]}',
 '{"total":1,"items":[{"id":"guide-achats-publics-responsables"}]}',
 '{"total":2}',
 '{"total":2}',
 '{"total":2}']
--- no_error_log
[error]



=== TEST 7: repeated kw: all are required
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources?kw=QPV&kw=insertion", "GET /resources?kw=QPV&kw=alimentation",
 "GET /resources?kw=QPV&kw=nothing-like-it"]
--- response_json_subset eval
['{"total":1,"items":[{"id":"fiche-deniche-11-le-garage-solidaire"}]}',
 '{"total":0,"items":[]}',
 '{"total":0,"items":[]}']
--- no_error_log
[error]



=== TEST 8: type: folded; repeated, any of them
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources?type=autres", "GET /resources?type=Ressources%20RTES&limit=0",
 "GET /resources?type=ressources+rtes&type=AUTRES&limit=0",
 "GET /resources?type=Documents%20internes&limit=0",
 "GET /staff/resources?type=Documents%20internes&limit=0"]
--- response_json_subset eval
['{"total":1,"items":[{"id":"webinaire-monnaies-locales","type":"Autres"}]}',
 '{"total":5,"items":[]}',
 '{"total":6,"items":[]}',
 '{"total":0,"items":[]}',
 '{"total":2,"items":[]}']
--- no_error_log
[error]



=== TEST 9: type and kw together
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /resources?type=autres&kw=finances
--- response_json_subset
{"total":1,"items":[{"id":"webinaire-monnaies-locales"}]}
--- no_error_log
[error]



=== TEST 10: from and to, inclusive, undated left out
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources?from=2023", "GET /resources?to=2023-09",
 "GET /resources?from=2023-09&to=2023-11", "GET /resources?from=2023-11&to=2023-11",
 "GET /resources?from=2025", "GET /resources?to=2022-05"]
--- response_json_subset eval
['{"total":4,"items":[{"id":"fiche-deniche-12-la-cantine-partagee"},{"id":"guide-achats-publics-responsables"},{"id":"fiche-deniche-11-le-garage-solidaire"},{"id":"compte-rendu-seminaire-tiers-lieux"}]}',
 '{"total":2,"items":[{"id":"compte-rendu-seminaire-tiers-lieux"},{"id":"webinaire-monnaies-locales"}]}',
 '{"total":3,"items":[{"id":"guide-achats-publics-responsables"},{"id":"fiche-deniche-11-le-garage-solidaire"},{"id":"compte-rendu-seminaire-tiers-lieux"}]}',
 '{"total":2,"items":[{"id":"guide-achats-publics-responsables"},{"id":"fiche-deniche-11-le-garage-solidaire"}]}',
 '{"total":0,"items":[]}',
 '{"total":0,"items":[]}']
--- no_error_log
[error]



=== TEST 11: sort=oldest: oldest first, undated last, ties in input order
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /resources?sort=oldest
--- response_json_subset
{"total":6,"items":[
 {"id":"webinaire-monnaies-locales"},
 {"id":"compte-rendu-seminaire-tiers-lieux"},
 {"id":"guide-achats-publics-responsables"},
 {"id":"fiche-deniche-11-le-garage-solidaire"},
 {"id":"fiche-deniche-12-la-cantine-partagee"},
 {"id":"catalogue-ess-et-quartiers"}]}
--- no_error_log
[error]



=== TEST 12: sort=title: folded title
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /resources?sort=title
--- response_json_subset
{"total":6,"items":[
 {"id":"catalogue-ess-et-quartiers"},
 {"id":"compte-rendu-seminaire-tiers-lieux"},
 {"id":"fiche-deniche-11-le-garage-solidaire"},
 {"id":"fiche-deniche-12-la-cantine-partagee"},
 {"id":"guide-achats-publics-responsables"},
 {"id":"webinaire-monnaies-locales"}]}
--- no_error_log
[error]



=== TEST 13: sort=newest is the default order
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /resources?sort=newest&limit=2
--- response_json_subset
{"total":6,"limit":2,"items":[{"id":"fiche-deniche-12-la-cantine-partagee"},{"id":"guide-achats-publics-responsables"}]}
--- no_error_log
[error]



=== TEST 14: limit and offset page through the list
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources?limit=2&offset=2", "GET /resources?limit=2&offset=5",
 "GET /resources?offset=6", "GET /resources?offset=1000000000",
 "GET /resources?limit=100", "GET /resources?limit=0"]
--- response_json_subset eval
['{"total":6,"offset":2,"limit":2,"items":[{"id":"fiche-deniche-11-le-garage-solidaire"},{"id":"compte-rendu-seminaire-tiers-lieux"}]}',
 '{"total":6,"offset":5,"limit":2,"items":[{"id":"catalogue-ess-et-quartiers"}]}',
 '{"total":6,"offset":6,"limit":20,"items":[]}',
 '{"total":6,"offset":1000000000,"limit":20,"items":[]}',
 '{"total":6,"offset":0,"limit":100}',
 '{"total":6,"offset":0,"limit":0,"items":[]}']
--- no_error_log
[error]



=== TEST 15: resources_default_limit and resources_max_limit
--- catalogue
t/data/sample.jsonl
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources_default_limit 2;
        resources_max_limit 3;
        resources;
    }
--- request eval
["GET /resources", "GET /resources?limit=3", "GET /resources?limit=4"]
--- error_code eval
[200, 200, 400]
--- response_json_subset eval
['{"total":6,"limit":2,"items":[{"id":"fiche-deniche-12-la-cantine-partagee"},{"id":"guide-achats-publics-responsables"}]}',
 '{"total":6,"limit":3}',
 '{"error":{"status":400,"message":"\"limit\" must be a whole number from 0 to 3"}}']
--- no_error_log
[error]



=== TEST 16: cache busters and campaign tags are ignored, other unknown parameters are a 400
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources?_=1234&utm_source=news&kw=QPV&limit=0",
 "GET /resources?_=1234&utm_source=news&kw=QPV&callback=x&limit=0"]
--- error_code eval
[200, 400]
--- response_body_like eval
[qr/^\{"total":3,"offset":0,"limit":0,"items":\[\]\}$/,
 qr/"unknown parameter \\"callback\\": this route accepts kw, /]
--- no_error_log
[error]



=== TEST 17: q finds words in titles, summaries, bodies, keywords
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources?q=garage&limit=0", "GET /resources?q=benevoles&limit=0",
 "GET /resources?q=CITOYENNES", "GET /resources?q=finance"]
--- response_json_subset eval
['{"total":2}',
 '{"total":1}',
 '{"total":1,"items":[{"id":"webinaire-monnaies-locales"}]}',
 '{"total":1,"items":[{"id":"webinaire-monnaies-locales"}]}']
--- no_error_log
[error]



=== TEST 18: q never finds private resources in the public location
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources?q=confidentiels", "GET /staff/resources?q=confidentiels",
 "GET /resources?q=budget", "GET /resources?kw=budget"]
--- response_json_subset eval
['{"total":0,"items":[]}',
 '{"total":1,"items":[{"id":"note-interne-budget-2025","private":true}]}',
 '{"total":0,"items":[]}',
 '{"total":0,"items":[]}']
--- no_error_log
[error]



=== TEST 19: facets over the whole filtered set, not the page
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /resources?facets=type,year&limit=1
--- response_json
{"total":6,"offset":0,"limit":1,"items":[{"id":"fiche-deniche-12-la-cantine-partagee","title":"Fiche Déniché pour vous n°12 - La Cantine partagée","type":"Ressources RTES","private":false,"date":"2024-03","updated":null,"keywords":["alimentation","tiers-lieu","SCIC"],"series":"Déniché pour vous","number":12,"summary":"Une cantine coopérative installée dans un ancien garage municipal sert des repas à prix libre."}],
 "facets":{"type":[{"value":"Ressources RTES","count":5},{"value":"Autres","count":1}],
           "year":[{"value":"2023","count":3},{"value":"2022","count":1},{"value":"2024","count":1}]}}
--- no_error_log
[error]



=== TEST 20: facet_limit caps each list; private ones are not counted
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources?kw=QPV&facets=kw&facet_limit=2&limit=0",
 "GET /staff/resources?kw=QPV&facets=kw&facet_limit=2&limit=0"]
--- response_json eval
['{"total":3,"offset":0,"limit":0,"items":[],"facets":{"kw":[{"value":"QPV","count":3},{"value":"commande publique","count":1}]}}',
 '{"total":4,"offset":0,"limit":0,"items":[],"facets":{"kw":[{"value":"QPV","count":4},{"value":"annuaire","count":1}]}}']
--- no_error_log
[error]



=== TEST 21: HEAD: the headers of GET, no body
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
HEAD /resources?kw=QPV
--- error_code: 200
--- response_headers
Content-Type: application/json; charset=utf-8
--- response_headers_like
Content-Length: [1-9]\d+
ETag: "[0-9a-f]{16}"
--- response_body
--- no_error_log
[error]



=== TEST 22: HTTP/1.0
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /resources?kw=finances&limit=0 HTTP/1.0
--- response_json
{"total":1,"offset":0,"limit":0,"items":[]}
--- no_error_log
[error]



=== TEST 23: q made only of stop words matches everything; stop words are not required
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources?q=de+la&limit=0", "GET /resources?q=les%20des%20et&limit=0",
 "GET /resources?q=monnaies+de+la+ville&limit=0", "GET /resources?q=monnaies+locales&limit=0"]
--- response_json eval
['{"total":6,"offset":0,"limit":0,"items":[]}',
 '{"total":6,"offset":0,"limit":0,"items":[]}',
 '{"total":0,"offset":0,"limit":0,"items":[]}',
 '{"total":1,"offset":0,"limit":0,"items":[]}']
--- no_error_log
[error]



=== TEST 24: relevance: a title match ranks above a summary match, ties newest first
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources?q=garage", "GET /resources?q=garage&sort=newest",
 "GET /resources?q=quartiers"]
--- response_json_subset eval
['{"total":2,"items":[{"id":"fiche-deniche-11-le-garage-solidaire"},{"id":"fiche-deniche-12-la-cantine-partagee"}]}',
 '{"total":2,"items":[{"id":"fiche-deniche-12-la-cantine-partagee"},{"id":"fiche-deniche-11-le-garage-solidaire"}]}',
 '{"total":3,"items":[{"id":"catalogue-ess-et-quartiers"},{"id":"fiche-deniche-11-le-garage-solidaire"},{"id":"compte-rendu-seminaire-tiers-lieux"}]}']
--- no_error_log
[error]



=== TEST 25: the last word of q is also a prefix (2 characters or more)
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
["GET /resources?q=coop&limit=0", "GET /resources?q=x&limit=0",
 "GET /resources?q=coop%C3%A9ratives+cantine&limit=0", "GET /resources?q=cantine+coop&limit=0",
 "GET /resources?q=coop.&limit=0"]
--- response_json eval
['{"total":2,"offset":0,"limit":0,"items":[]}',
 '{"total":0,"offset":0,"limit":0,"items":[]}',
 '{"total":1,"offset":0,"limit":0,"items":[]}',
 '{"total":1,"offset":0,"limit":0,"items":[]}',
 '{"total":1,"offset":0,"limit":0,"items":[]}']
--- no_error_log
[error]
