# highlight= and crop= (issue #22, "Highlighting"): each item of a JSON
# list gets a "highlight" object with its title and summary HTML-escaped
# and q's words in <mark>, found as the loader finds words (folded,
# elisions dropped, stemmed; q's last word typed on as a prefix) and
# mapped back to the words as written; crop=N cuts the summary to about
# N words around the first match.  format=html shows the same marks; a
# resources_gzip location answers such lists identity; a private record
# is highlighted only where it is seen.

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
    location /gz/resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_gzip on;
    }
_EOC_

# "markup": a record's own <, >, & and quotes; "long": 30 words for crop;
# "private": seen by /staff only
our $Catalogue = <<'_EOJ_';
{"id":"markup","title":"Les <b>collectivités</b> & l'Économie \"sociale\"","type":"Autres","date":"2024-05","keywords":["ESS"],"summary":"Un guide <script>alert('x')</script> pour l’économie sociale & solidaire des collectivités."}
{"id":"long","title":"Coopération et tiers-lieux","type":"Autres","date":"2024-04","keywords":["tiers-lieux"],"summary":"Un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze des tiers-lieux seize dix-sept dix-huit dix-neuf vingt vingt-et-un vingt-deux vingt-trois vingt-quatre vingt-cinq fin."}
{"id":"private","title":"Note interne : économie du budget","type":"Autres","date":"2024-03","private":true,"summary":"Confidentiel : l'économie des coopératives."}
{"id":"bare","title":"Sans résumé, économie","type":"Autres","date":"2024-02"}
_EOJ_

no_shuffle();
run_tests();

__DATA__

=== TEST 1: highlight=1: title and summary escaped, the words of q marked in full (accents, case, elision)
--- catalogue_jsonl eval: $::Catalogue
--- config eval: $::Config
--- request
GET /resources?q=economie&highlight=1
--- response_json_subset
{"total":2,"items":[
 {"id":"markup","title":"Les <b>collectivités</b> & l'Économie \"sociale\"",
  "highlight":{"title":"Les &lt;b&gt;collectivités&lt;/b&gt; &amp; l&#39;<mark>Économie</mark> &quot;sociale&quot;",
   "summary":"Un guide &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; pour l’<mark>économie</mark> sociale &amp; solidaire des collectivités."}},
 {"id":"bare","highlight":{"title":"Sans résumé, <mark>économie</mark>","summary":""}}]}
--- no_error_log
[error]
[alert]



=== TEST 2: the highlight object holds no markup of the record's: only <mark>
--- catalogue_jsonl eval: $::Catalogue
--- config eval: $::Config
--- request
GET /resources?q=alert%20script&highlight=1
--- response_body_like chomp
"highlight":\{"title":"[^<"]*","summary":"Un guide &lt;<mark>script</mark>&gt;<mark>alert</mark>\(&#39;x&#39;\)&lt;/<mark>script</mark>&gt; pour
--- no_error_log
[error]
[alert]



=== TEST 3: highlight=title, highlight=summary: only that field; the other members as without
--- catalogue_jsonl eval: $::Catalogue
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=cooperation&highlight=title',
  'GET /resources?q=cooperation&highlight=summary' ]
--- response_json eval
[ '{"total":1,"offset":0,"limit":20,"items":[{"id":"long","title":"Coopération et tiers-lieux","type":"Autres","private":false,"date":"2024-04","updated":null,"keywords":["tiers-lieux"],"series":null,"number":null,"summary":"Un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze des tiers-lieux seize dix-sept dix-huit dix-neuf vingt vingt-et-un vingt-deux vingt-trois vingt-quatre vingt-cinq fin.","highlight":{"title":"<mark>Coopération</mark> et tiers-lieux"}}]}',
  '{"total":1,"offset":0,"limit":20,"items":[{"id":"long","title":"Coopération et tiers-lieux","type":"Autres","private":false,"date":"2024-04","updated":null,"keywords":["tiers-lieux"],"series":null,"number":null,"summary":"Un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze des tiers-lieux seize dix-sept dix-huit dix-neuf vingt vingt-et-un vingt-deux vingt-trois vingt-quatre vingt-cinq fin.","highlight":{"summary":"Un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze des tiers-lieux seize dix-sept dix-huit dix-neuf vingt vingt-et-un vingt-deux vingt-trois vingt-quatre vingt-cinq fin."}}]}' ]
--- no_error_log
[error]
[alert]



=== TEST 4: the last word typed on is a prefix; with a final space it is not
--- catalogue_jsonl eval: $::Catalogue
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=coop&highlight=title',
  'GET /resources?q=tiers%20lie&highlight=title',
  'GET /resources?q=tiers%20lieu%20&highlight=title' ]
--- response_json_subset eval
[ '{"total":1,"items":[{"id":"long","highlight":{"title":"<mark>Coopération</mark> et tiers-lieux"}}]}',
  '{"total":1,"items":[{"id":"long","highlight":{"title":"Coopération et <mark>tiers</mark>-<mark>lieux</mark>"}}]}',
  '{"total":1,"items":[{"id":"long","highlight":{"title":"Coopération et <mark>tiers</mark>-<mark>lieux</mark>"}}]}' ]
--- no_error_log
[error]
[alert]



=== TEST 5: crop=N: about N words around the first match, "…" where cut
--- catalogue_jsonl eval: $::Catalogue
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=tiers&highlight=summary&crop=4',
  'GET /resources?q=cooperation&highlight=1&crop=3',
  'GET /resources?q=tiers&highlight=1&crop=200',
  'GET /resources?q=fin&highlight=summary&crop=3' ]
--- response_json_subset eval
[ '{"items":[{"id":"long","highlight":{"summary":"…quinze des <mark>tiers</mark>-lieux…"}}]}',
  '{"items":[{"id":"long","highlight":{"title":"<mark>Coopération</mark> et tiers-lieux","summary":"Un deux trois…"}}]}',
  '{"items":[{"id":"long","highlight":{"title":"Coopération et <mark>tiers</mark>-lieux","summary":"Un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze des <mark>tiers</mark>-lieux seize dix-sept dix-huit dix-neuf vingt vingt-et-un vingt-deux vingt-trois vingt-quatre vingt-cinq fin."}}]}',
  '{"items":[{"id":"long","highlight":{"summary":"…vingt-cinq <mark>fin</mark>."}}]}' ]
--- no_error_log
[error]
[alert]



=== TEST 6: without q: the fields escaped, no mark (crop from the start)
--- catalogue_jsonl eval: $::Catalogue
--- config eval: $::Config
--- request
GET /resources?highlight=1&crop=5&limit=2
--- response_json_subset
{"total":3,"items":[
 {"id":"markup","highlight":{"title":"Les &lt;b&gt;collectivités&lt;/b&gt; &amp; l&#39;Économie &quot;sociale&quot;",
   "summary":"Un guide &lt;script&gt;alert(&#39;x…"}},
 {"id":"long","highlight":{"title":"Coopération et tiers-lieux","summary":"Un deux trois quatre cinq…"}}]}
--- no_error_log
[error]
[alert]



=== TEST 7: an excluded word and very common words are not marked
--- catalogue_jsonl eval: $::Catalogue
--- config eval: $::Config
--- request
GET /resources?q=les%20economie%20-tiers&highlight=title
--- response_json_subset
{"total":2,"items":[
 {"id":"markup","highlight":{"title":"Les &lt;b&gt;collectivités&lt;/b&gt; &amp; l&#39;<mark>Économie</mark> &quot;sociale&quot;"}},
 {"id":"bare","highlight":{"title":"Sans résumé, <mark>économie</mark>"}}]}
--- no_error_log
[error]
[alert]



=== TEST 8: bad values: a JSON 400 that names the parameter
--- catalogue_jsonl eval: $::Catalogue
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=x&highlight=1&crop=0',
  'GET /resources?q=x&highlight=1&crop=201',
  'GET /resources?q=x&highlight=1&crop=abc',
  'GET /resources?q=x&crop=10',
  'GET /resources?q=x&highlight=body',
  'GET /resources?q=x&highlight=',
  'GET /resources/markup?highlight=1' ]
--- error_code eval
[ 400, 400, 400, 400, 400, 400, 400 ]
--- response_json eval
[ '{"error":{"status":400,"message":"\"crop\" must be a whole number from 1 to 200"}}',
  '{"error":{"status":400,"message":"\"crop\" must be a whole number from 1 to 200"}}',
  '{"error":{"status":400,"message":"\"crop\" must be a whole number from 1 to 200"}}',
  '{"error":{"status":400,"message":"\"crop\" cuts the highlighted summary: it needs \"highlight\" with summary"}}',
  '{"error":{"status":400,"message":"\"highlight\" must be 1 or a comma-separated list of title, summary"}}',
  '{"error":{"status":400,"message":"\"highlight\" must be 1 or a comma-separated list of title, summary"}}',
  '{"error":{"status":400,"message":"unknown parameter \"highlight\": this route accepts format (and any parameter whose name starts with \"_\" or \"utm_\")"}}' ]
--- no_error_log
[error]
[alert]



=== TEST 9: private records: highlighted where they are seen, never elsewhere
--- catalogue_jsonl eval: $::Catalogue
--- config eval: $::Config
--- request eval
[ 'GET /resources?q=budget&highlight=1',
  'GET /staff/resources?q=budget%20econ&highlight=1',
  'GET /resources?q=econ&highlight=1&limit=0' ]
--- response_json eval
[ '{"total":0,"offset":0,"limit":20,"items":[]}',
  '{"total":1,"offset":0,"limit":20,"items":[{"id":"private","title":"Note interne : économie du budget","type":"Autres","private":true,"date":"2024-03","updated":null,"keywords":[],"series":null,"number":null,"summary":"Confidentiel : l\'économie des coopératives.","highlight":{"title":"Note interne : <mark>économie</mark> du <mark>budget</mark>","summary":"Confidentiel : l&#39;<mark>économie</mark> des coopératives."}}]}',
  '{"total":2,"offset":0,"limit":0,"items":[]}' ]
--- no_error_log
[error]
[alert]



=== TEST 10: a resources_gzip location answers a highlighted list identity (and without highlight, gzip)
--- catalogue_jsonl eval: $::Catalogue
--- config eval: $::Config
--- more_headers
Accept-Encoding: gzip
--- request eval
[ 'GET /gz/resources?q=economie&highlight=1',
  'GET /gz/resources?q=economie' ]
--- response_headers eval
[ "!Content-Encoding", "Content-Encoding: gzip" ]
--- response_body_like eval
[ qr/^\{"total":2,.*"highlight":\{"title":"Les &lt;b&gt;collectivités&lt;\/b&gt; &amp; l&#39;<mark>Économie<\/mark>/s,
  qr/^\x1f\x8b/ ]
--- no_error_log
[error]
[alert]



=== TEST 11: format=html: the highlighted title and summary in the fragment
--- catalogue_jsonl eval: $::Catalogue
--- config eval: $::Config
--- request
GET /resources?q=economie&highlight=1&crop=3&format=html&limit=1
--- response_body_like
<h3 class="resource-title"><a href="/resources/markup\?format=html">Les &lt;b&gt;collectivités&lt;/b&gt; &amp; l&#39;<mark>Économie</mark> &quot;sociale&quot;</a></h3>
.*<div class="resource-summary"><p>…pour l’<mark>économie</mark> sociale…</p></div>
--- no_error_log
[error]
[alert]



=== TEST 12: format=html without highlight: no mark
--- catalogue_jsonl eval: $::Catalogue
--- config eval: $::Config
--- request
GET /resources?q=economie&format=html&limit=1
--- response_body_unlike
<mark>
--- no_error_log
[error]
[alert]
