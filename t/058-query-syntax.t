# q's syntax (issue #22, "Query syntax"): -word and -"phrase" exclude, OR
# between pieces makes them alternatives, "phrases" are matched as their
# words (until the store has positions), anything unbalanced is plain
# text and never a 400, and a q of more than 10 words uses its first ten
# and says which pieces it did not use ("query":{"ignored":[...]}).  On the
# project's sample catalogue (t/data/sample.jsonl: 8 resources, 2 private:
# "budget", "confidentiel", "annuaire" are words of private records only).

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

=== TEST 1: -word excludes the resources that have the word
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /resources?q=tiers%20-cantine
--- response_json
{"total":1,"offset":0,"limit":20,"items":[
 {"id":"compte-rendu-seminaire-tiers-lieux","title":"Compte rendu du séminaire Tiers-lieux et territoires","type":"Ressources RTES","private":false,"date":"2023-09","updated":null,"keywords":["Tiers-lieux","QPV","coopération"],"series":null,"number":null,"summary":"Synthèse d'une journée d'échanges entre collectivités et tiers-lieux."}]}
--- no_error_log
[error]



=== TEST 2: without the exclusion, both (the answer's members as before)
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request
GET /resources?q=tiers
--- response_body_like chomp
^\{"total":2,"offset":0,"limit":20,"items":\[\{"id":"compte-rendu-seminaire-tiers-lieux",.*\},\{"id":"fiche-deniche-12-la-cantine-partagee",.*\}\]\}$



=== TEST 3: an excluded word is folded and stemmed, matched exactly (no prefix)
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=tiers%20-CANTINES&limit=0',
  'GET /resources?q=tiers%20-cant&limit=0' ]
--- response_json eval
[ '{"total":1,"offset":0,"limit":0,"items":[]}',
  '{"total":2,"offset":0,"limit":0,"items":[]}' ]



=== TEST 4: exclusions alone: the whole catalogue (of the location) but them
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=-cantine',
  'GET /staff/resources?q=-cantine&limit=0',
  'GET /resources?q=-cantine%20-garage%20-tiers%20-monnaies%20-catalogue%20-guide' ]
--- response_json_subset eval
[ '{"total":5,"items":[{"id":"guide-achats-publics-responsables"},
    {"id":"fiche-deniche-11-le-garage-solidaire"},
    {"id":"compte-rendu-seminaire-tiers-lieux"},{"id":"webinaire-monnaies-locales"},
    {"id":"catalogue-ess-et-quartiers"}]}',
  '{"total":7}',
  '{"total":0,"items":[]}' ]



=== TEST 5: -"phrase" excludes the resources that have all its words
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=-%22tiers%20lieux%22&limit=0',
  'GET /resources?q=-%22cantine%20garage%22&limit=0',
  'GET /resources?q=-%22cantine%20zorglub%22&limit=0',
  'GET /resources?q=collectivit%C3%A9s%20-%22tiers-lieux%22%20-monnaie' ]
--- response_json_subset eval
[ '{"total":4}', '{"total":5}', '{"total":6}',
  '{"total":1,"items":[{"id":"guide-achats-publics-responsables"}]}' ]



=== TEST 6: exclusions with the other filters, facets, orders, pages
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
[ 'GET /resources?kw=QPV&q=-garage',
  'GET /resources?q=-cantine&facets=type&limit=0',
  'GET /resources?q=-cantine&sort=title&limit=2',
  'GET /resources?q=-cantine&sort=oldest&limit=1&offset=1',
  'GET /resources?q=-cantine&from=2023&to=2023' ]
--- response_json_subset eval
[ '{"total":2,"items":[{"id":"guide-achats-publics-responsables"},
    {"id":"compte-rendu-seminaire-tiers-lieux"}]}',
  '{"total":5,"facets":{"type":[{"value":"Ressources RTES","count":4},
    {"value":"Autres","count":1}]}}',
  '{"total":5,"items":[{"id":"catalogue-ess-et-quartiers"},
    {"id":"compte-rendu-seminaire-tiers-lieux"}]}',
  '{"total":5,"items":[{"id":"compte-rendu-seminaire-tiers-lieux"}]}',
  '{"total":3}' ]



=== TEST 7: OR: alternatives, ranked by the best field of either
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=cantine%20OR%20garage',
  'GET /resources?q=monnaies%20OR%20tiers-lieux',
  'GET /resources?q=monnaies%20OR%20zorglub%20OR%20garage',
  'GET /resources?q=zorglub%20OR%20zorg' ]
--- response_json_subset eval
[ '{"total":2,"items":[{"id":"fiche-deniche-12-la-cantine-partagee"},
    {"id":"fiche-deniche-11-le-garage-solidaire"}]}',
  '{"total":3,"items":[{"id":"compte-rendu-seminaire-tiers-lieux"},
    {"id":"webinaire-monnaies-locales"},{"id":"fiche-deniche-12-la-cantine-partagee"}]}',
  '{"total":3,"items":[{"id":"fiche-deniche-11-le-garage-solidaire"},
    {"id":"webinaire-monnaies-locales"},{"id":"fiche-deniche-12-la-cantine-partagee"}]}',
  '{"total":0,"items":[]}' ]



=== TEST 8: OR binds two words; other words are still required
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=cantine%20OR%20garage%20quartiers',
  'GET /resources?q=cantine%20OR%20garage%20-quartiers',
  'GET /resources?q=%22monnaies%20locales%22%20OR%20%22tiers%20lieux%22&sort=newest' ]
--- response_json_subset eval
[ '{"total":1,"items":[{"id":"fiche-deniche-11-le-garage-solidaire"}]}',
  '{"total":1,"items":[{"id":"fiche-deniche-12-la-cantine-partagee"}]}',
  '{"total":3,"items":[{"id":"fiche-deniche-12-la-cantine-partagee"},
    {"id":"compte-rendu-seminaire-tiers-lieux"},{"id":"webinaire-monnaies-locales"}]}' ]



=== TEST 9: type-ahead in an OR group: the last word is still a prefix
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=cantine%20OR%20gara',
  'GET /resources?q=cantine%20OR%20gara%20',
  'GET /resources?q=%22monnaies%22%20OR%20gara' ]
--- response_json_subset eval
[ '{"total":2,"items":[{"id":"fiche-deniche-12-la-cantine-partagee"},
    {"id":"fiche-deniche-11-le-garage-solidaire"}]}',
  '{"total":1,"items":[{"id":"fiche-deniche-12-la-cantine-partagee"}]}',
  '{"total":3}' ]



=== TEST 10: or in lower case, OR first or last: plain words
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=cantine%20or%20garage',
  'GET /resources?q=OR%20cantine',
  'GET /resources?q=cantine%20OR%20',
  'GET /resources?q=cantine%20OR%20OR%20garage',
  'GET /resources?q=cantine%20OR%20-garage' ]
--- response_json_subset eval
[ '{"total":0}', '{"total":0}', '{"total":0}',
  '{"total":1,"items":[{"id":"fiche-deniche-12-la-cantine-partagee"}]}',
  '{"total":0}' ]



=== TEST 11: phrases are matched as their words, for now
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=%22tiers%20lieux%22',
  'GET /resources?q=%E2%80%9Cmonnaies%20locales%E2%80%9D',
  'GET /resources?q=%C2%AB%20monnaies%20locales%20%C2%BB',
  'GET /resources?q=%22monn%22' ]
--- response_json_subset eval
[ '{"total":2,"items":[{"id":"compte-rendu-seminaire-tiers-lieux"},
    {"id":"fiche-deniche-12-la-cantine-partagee"}]}',
  '{"total":1,"items":[{"id":"webinaire-monnaies-locales"}]}',
  '{"total":1,"items":[{"id":"webinaire-monnaies-locales"}]}',
  '{"total":0}' ]



=== TEST 12: anything unbalanced is plain text, never a 400
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=%22monnaies%20loc',
  'GET /resources?q=monnaies%20-',
  'GET /resources?q=-',
  'GET /resources?q=%22',
  'GET /resources?q=--cantine',
  'GET /resources?q=-%22cantine',
  'GET /resources?q=%22%22%22-%22-%22%22--%22%22%20OR%20OR%20-OR%20%22OR',
  'GET /resources?q=-de%20-la',
  'GET /resources?q=OR' ]
--- response_json_subset eval
[ '{"total":1}', '{"total":1}', '{"total":6}', '{"total":6}', '{"total":1}',
  '{"total":1}', '{"total":0}', '{"total":6}', '{"total":0}' ]
--- no_error_log
[error]



=== TEST 13: more than 10 words: the first ten, and the answer says so
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=mot1+mot2+mot3+mot4+mot5+mot6+mot7+mot8+mot9+mot10+mot11+mot12',
  'GET /resources?q=tiers+de+tiers+tiers+tiers+tiers+tiers+tiers+tiers+tiers+tiers+zorglub+%22a+%5C+b%22&limit=1',
  'GET /resources?q=tiers+tiers+tiers+tiers+tiers+tiers+tiers+tiers+tiers+tiers+-cantine+OR&facets=type&limit=0',
  'GET /resources?q=tiers+tiers+tiers+tiers+tiers+tiers+tiers+tiers+tiers+tiers' ]
--- response_body eval
[ qq'{"total":0,"offset":0,"limit":20,"items":[],"query":{"ignored":["mot11","mot12"]}}\n',
  qr'^\{"total":2,"offset":0,"limit":1,"items":\[\{"id":"compte-rendu-seminaire-tiers-lieux",.*\}\],"query":\{"ignored":\["zorglub","\\"a \\\\ b\\""\]\}\}\n\z',
  qq'{"total":2,"offset":0,"limit":0,"items":[],"facets":{"type":[{"value":"Ressources RTES","count":2}]},"query":{"ignored":["-cantine","OR"]}}\n',
  qr'^\{"total":2,"offset":0,"limit":20,"items":\[\{.*\}\]\}\n\z' ]



=== TEST 14: private stays private: an excluded or OR'd word of private records
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=budget%20OR%20cantine',
  'GET /staff/resources?q=budget%20OR%20cantine',
  'GET /resources?q=annuaire%20OR%20budget%20OR%20confidentiel',
  'GET /resources?q=annuaire%20OR%20budg',
  'GET /resources?q=-budget&limit=0',
  'GET /resources?q=-confidentiel%20-%22annuaire%20membres%22&facets=kw&limit=0',
  'GET /staff/resources?q=-budget&limit=0',
  'GET /staff/resources?q=QPV%20-budget%20-annuaire&limit=0' ]
--- response_json_subset eval
[ '{"total":1,"items":[{"id":"fiche-deniche-12-la-cantine-partagee"}]}',
  '{"total":2,"items":[{"id":"note-interne-budget-2025"},
    {"id":"fiche-deniche-12-la-cantine-partagee"}]}',
  '{"total":0,"items":[]}',
  '{"total":0,"items":[]}',
  '{"total":6}',
  '{"total":6,"facets":{"kw":[{"value":"QPV","count":3},{"value":"tiers-lieu","count":2},
    {"value":"alimentation","count":1},
    {"value":"commande publique","count":1},{"value":"coopération","count":1},
    {"value":"Économie circulaire","count":1},{"value":"finances","count":1},
    {"value":"insertion","count":1},{"value":"mobilité","count":1},
    {"value":"monnaie locale","count":1}]}}',
  '{"total":7}',
  '{"total":3}' ]



=== TEST 15: the HTML fragment and the feed take the syntax too
--- catalogue
t/data/sample.jsonl
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=-cantine&format=html',
  'GET /resources/_feed?q=cantine%20OR%20garage' ]
--- response_body_like eval
[ qr/data-total="5"/, qr/<entry>.*cantine-partagee.*<entry>.*garage-solidaire/s ]
--- no_error_log
[error]
