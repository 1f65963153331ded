# The real RTES listing (../shared/catalogue/rtes-listing.txt), loaded by
# the loader and served: keywords, types, full text, facets, suggestions.

use lib 't/lib';
use Resources::TestNginx;

plan skip_all => 'no shared listing' unless -r '../shared/catalogue/rtes-listing.txt';
plan 'no_plan';

our $Config = <<'_EOC_';
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
_EOC_

no_shuffle();
run_tests();

__DATA__

=== TEST 1: ten resources, nine of type "Ressources RTES", one "Autres"
--- catalogue
../shared/catalogue/rtes-listing.txt
--- config eval: $::Config
--- request
GET /resources/_meta
--- response_json_subset
{"total":10,"types":[{"value":"Ressources RTES","count":9},{"value":"Autres","count":1}]}
--- no_error_log
[error]
[alert]



=== TEST 2: kw=QPV gives the three "Déniché pour vous" sheets n°125, 124, 123
--- catalogue
../shared/catalogue/rtes-listing.txt
--- config eval: $::Config
--- request
GET /resources?kw=QPV
--- response_json_subset
{"total":3,"items":[
 {"title":"Fiche Déniché pour vous n°125 - Le Petit Lieu","number":125,"date":"2023-11"},
 {"title":"Fiche Déniché pour vous n°124 - Collectif Abbal","number":124,"date":"2023-09"},
 {"title":"Fiche Déniché pour vous n°123 - Les Imaginations Fertiles & le FIL","number":123,"date":"2023-09"}]}
--- no_error_log
[error]



=== TEST 3: kw=scic gives n°126 and n°123
--- catalogue
../shared/catalogue/rtes-listing.txt
--- config eval: $::Config
--- request eval
["GET /resources?kw=scic", "GET /resources?kw=SCIC", "GET /resources?kw=Scic"]
--- response_json_subset eval
[('{"total":2,"items":[{"number":126,"series":"Déniché pour vous"},{"number":123}]}') x 3]
--- no_error_log
[error]



=== TEST 4: type=autres gives one
--- catalogue
../shared/catalogue/rtes-listing.txt
--- config eval: $::Config
--- request
GET /resources?type=autres
--- response_json_subset
{"total":1,"items":[{"type":"Autres","date":null,"keywords":[]}]}
--- response_body_like chomp
tourisme responsable
--- no_error_log
[error]



=== TEST 5: q=economie finds "économie" and "Économie"
--- catalogue
../shared/catalogue/rtes-listing.txt
--- config eval: $::Config
--- request eval
["GET /resources?q=economie&limit=0", "GET /resources?q=%C3%89CONOMIE&limit=0",
 "GET /resources?q=%C3%A9conomies&limit=0"]
--- response_body_like eval
[qr/^\{"total":[4-9],/, qr/^\{"total":[4-9],/, qr/^\{"total":[4-9],/]
--- no_error_log
[error]



=== TEST 6: q=tiers-lieu finds n°126, n°124 and n°123 (singular and plural)
The fourth is the "ruralités" report: "tiers lieux en milieu rural".
--- catalogue
../shared/catalogue/rtes-listing.txt
--- config eval: $::Config
--- request eval
["GET /resources?q=tiers-lieu&sort=newest", "GET /resources?q=tiers-lieux&sort=newest",
 "GET /resources?q=tiers%20lie&sort=newest", "GET /resources?q=Tiers+Lieux&sort=newest"]
--- response_json_subset eval
[('{"total":4,"items":[{"number":126},{"number":124},{"number":123},{"id":"co-construisons-les-ruralites-de-demain-retour-sur-la-journee-mcdr-grand-est"}]}') x 4]
--- no_error_log
[error]



=== TEST 7: facets=kw with kw=QPV counts QPV 3
--- catalogue
../shared/catalogue/rtes-listing.txt
--- config eval: $::Config
--- request
GET /resources?kw=QPV&facets=kw,type,year&limit=0
--- response_json
{"total":3,"offset":0,"limit":0,"items":[],"facets":{
 "kw":[{"value":"QPV","count":3},{"value":"tiers-lieux","count":2},
       {"value":"foncier","count":1},{"value":"PTCE","count":1},
       {"value":"réemploi","count":1},{"value":"Scic","count":1},
       {"value":"urbanisme transitoire","count":1}],
 "type":[{"value":"Ressources RTES","count":3}],
 "year":[{"value":"2023","count":3}]}}
--- no_error_log
[error]



=== TEST 8: _keywords?prefix=ti offers tiers-lieux, tiers-lieu as one keyword (most common spelling)
--- catalogue
../shared/catalogue/rtes-listing.txt
--- config eval: $::Config
--- request
GET /resources/_keywords?prefix=ti
--- response_json
{"items":[{"value":"tiers-lieux","count":3}]}
--- no_error_log
[error]



=== TEST 9: Scic and SCIC are one keyword, shown as published (first seen on a tie)
--- catalogue
../shared/catalogue/rtes-listing.txt
--- config eval: $::Config
--- request
GET /resources/_keywords?prefix=sc
--- response_json
{"items":[{"value":"Scic","count":2}]}
--- no_error_log
[error]



=== TEST 10: the update date and the n°126 lookup
--- catalogue
../shared/catalogue/rtes-listing.txt
--- config eval: $::Config
--- request eval
["GET /resources?q=catalogue%20politique%20ville&limit=1",
 "GET /resources/fiche-deniche-pour-vous-n-126-le-centieme-singe"]
--- response_json_subset eval
['{"items":[{"updated":"2023-09-29","date":null}]}',
 '{"id":"fiche-deniche-pour-vous-n-126-le-centieme-singe","keywords":["tiers-lieu","Scic","alimentation"],"date":"2024-02","number":126}']
--- no_error_log
[error]
