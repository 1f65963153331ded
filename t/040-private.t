# Private stays private: a catalogue where a third of the resources are
# private, with words, keywords, a type and ids of their own.  No answer of
# the public location shows any of them, or counts them; the private location
# shows them all.

use lib 't/lib';
use Resources::TestNginx 'no_plan';

our $Catalogue = join '', map {
    my $i = $_;
    my $p = $i % 3 == 0;
    my $id = $p ? "secret-$i" : "public-$i";
    my $title = $p ? "Zorglub confidentiel $i" : "Ressource ouverte $i";
    my $type = $p ? 'Classifié' : ($i % 2 ? 'Guides' : 'Autres');
    my $kw = $p ? '"Xylophage","QPV","quantique"' : '"QPV","ouvert"';
    my $body = $p ? 'Le plan Zorglub reste entre nous.' : 'Un texte public et ouvert.';
    my $date = $p ? '2030-01' : sprintf('2023-%02d', $i);
    qq({"id":"$id","title":"$title","type":"$type","private":) . ($p ? 'true' : 'false')
      . qq(,"date":"$date","keywords":[$kw],"summary":"$body","body":"$body"}\n)
} 1 .. 9;

# nothing of the private resources: ids, words, keywords, type, their year
our $Clean = qr/\A(?!.*(?:secret|zorglub|Zorglub|xylophage|Xylophage|quantique|Classifi|2030))/s;

our @Public = (
    '/resources', '/resources/', '/resources?limit=100', '/resources?sort=oldest',
    '/resources?sort=title', '/resources?kw=QPV', '/resources?kw=xylophage',
    '/resources?kw=Xylophage&kw=QPV', '/resources?type=Classifi%C3%A9',
    '/resources?type=classifie&type=guides', '/resources?q=zorglub',
    '/resources?q=zorg', '/resources?q=confidentiel', '/resources?q=ressource',
    '/resources?q=nous', '/resources?from=2030', '/resources?from=2029&to=2031',
    '/resources?facets=kw,type,year&facet_limit=100',
    '/resources?kw=QPV&facets=kw,type,year&facet_limit=100',
    '/resources?q=qua&facets=kw', '/resources/_meta', '/resources/_keywords',
    '/resources/_keywords?limit=100', '/resources/_keywords?prefix=x',
    '/resources/_keywords?prefix=qua', '/resources/_types',
    '/resources/_types?prefix=cl', '/resources/secret-3', '/resources/secret-6',
    '/resources/secret-9',
    # q's syntax: private words excluded or as alternatives
    '/resources?q=-zorglub', '/resources?q=-ressource', '/resources?q=-ouvert&facets=kw,type,year',
    '/resources?q=zorglub%20OR%20ressource', '/resources?q=ressource%20OR%20zorg',
    '/resources?q=quantique%20OR%20xylophage&facets=kw', '/resources?q=-%22zorglub%20confidentiel%22&sort=title',
    '/resources/_feed?q=-ouvert',
);

no_shuffle();
run_tests();

__DATA__

=== TEST 1: no trace of a private resource in any public answer
--- catalogue_jsonl eval: $::Catalogue
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
--- request eval
[ map { "GET $_" } @::Public ]
--- error_code eval
[ map { m{/secret-} ? 404 : 200 } @::Public ]
--- response_body_like eval
[ ($::Clean) x @::Public ]
--- no_error_log
[error]
[alert]



=== TEST 2: public counts leave them out
--- catalogue_jsonl eval: $::Catalogue
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
--- request eval
["GET /resources?limit=0", "GET /resources?kw=QPV&limit=0&facets=kw,type,year",
 "GET /resources/_meta", "GET /resources/_keywords"]
--- response_json_subset eval
['{"total":6,"items":[]}',
 '{"total":6,"items":[],"facets":{"kw":[{"value":"ouvert","count":6},{"value":"QPV","count":6}],"type":[{"value":"Autres","count":3},{"value":"Guides","count":3}],"year":[{"value":"2023","count":6}]}}',
 '{"total":6,"keywords":2,"types":[{"value":"Autres","count":3},{"value":"Guides","count":3}]}',
 '{"items":[{"value":"ouvert","count":6},{"value":"QPV","count":6}]}']
--- no_error_log
[error]



=== TEST 3: lookups of private ids are the 404 of an unknown id
--- catalogue_jsonl eval: $::Catalogue
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
--- request eval
["GET /resources/secret-3", "GET /resources/unknown-3"]
--- error_code eval
[404, 404]
--- response_body eval
[qq({"error":{"status":404,"message":"no resource with this id"}}\n),
 qq({"error":{"status":404,"message":"no resource with this id"}}\n)]
--- no_error_log
[error]



=== TEST 4: the private location shows them all
--- catalogue_jsonl eval: $::Catalogue
--- config
    location /staff {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_private on;
    }
--- request eval
["GET /staff?limit=0", "GET /staff?kw=xylophage&limit=3", "GET /staff?q=zorglub&limit=0",
 "GET /staff/secret-9", "GET /staff/_meta", "GET /staff/_keywords?prefix=x",
 "GET /staff?type=classifie&facets=year&limit=0"]
--- response_json_subset eval
['{"total":9,"items":[]}',
 '{"total":3,"items":[{"id":"secret-3"},{"id":"secret-6"},{"id":"secret-9"}]}',
 '{"total":3,"items":[]}',
 '{"id":"secret-9","private":true}',
 '{"total":9,"keywords":4,"types":[{"value":"Autres","count":3},{"value":"Classifié","count":3},{"value":"Guides","count":3}]}',
 '{"items":[{"value":"Xylophage","count":3}]}',
 '{"total":3,"items":[],"facets":{"year":[{"value":"2030","count":3}]}}']
--- no_error_log
[error]



=== TEST 5: resources_private is per location, inherited from the server
--- catalogue_jsonl eval: $::Catalogue
--- config
    resources_db $TEST_NGINX_CATALOGUE;
    resources_private on;
    location /a { resources; }
    location /b { resources; resources_private off; }
--- request eval
["GET /a?limit=0", "GET /b?limit=0"]
--- response_json eval
['{"total":9,"offset":0,"limit":0,"items":[]}',
 '{"total":6,"offset":0,"limit":0,"items":[]}']
--- no_error_log
[error]



=== TEST 6: the public spellings of keywords and types come from the public resources only
Public "QPV" twice, private "Qpv" five times; public type "Autres", private
"AUTRES": no public answer shows the private spellings (issue #20).
--- catalogue_jsonl eval
CORE::join '', (map { qq({"id":"p-$_","title":"Public $_","type":"Autres","keywords":["QPV"]}\n) } 1 .. 2),
         (map { qq({"id":"x-$_","title":"Private $_","type":"AUTRES","private":true,"keywords":["Qpv"]}\n) } 1 .. 5)
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
--- request eval
["GET /resources/_keywords", "GET /resources/_keywords?prefix=q",
 "GET /resources/_types", "GET /resources/_types?prefix=au",
 "GET /resources?facets=kw,type&limit=0"]
--- response_json_subset eval
['{"items":[{"value":"QPV","count":2}]}',
 '{"items":[{"value":"QPV","count":2}]}',
 '{"items":[{"value":"Autres","count":2}]}',
 '{"items":[{"value":"Autres","count":2}]}',
 '{"total":2,"facets":{"kw":[{"value":"QPV","count":2}],"type":[{"value":"Autres","count":2}]}}']
--- response_body_unlike eval
[(qr/Qpv|AUTRES/) x 5]
--- no_error_log
[error]



=== TEST 7: a private location shows the spellings counted over all its resources
--- catalogue_jsonl eval
CORE::join '', (map { qq({"id":"p-$_","title":"Public $_","type":"Autres","keywords":["QPV"]}\n) } 1 .. 2),
         (map { qq({"id":"x-$_","title":"Private $_","type":"AUTRES","private":true,"keywords":["Qpv"]}\n) } 1 .. 5)
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_private on;
    }
--- request eval
["GET /resources/_keywords", "GET /resources/_keywords?prefix=q",
 "GET /resources/_types", "GET /resources/_types?prefix=au",
 "GET /resources?facets=kw,type&limit=0", "GET /resources/_meta"]
--- response_json_subset eval
['{"items":[{"value":"Qpv","count":7}]}',
 '{"items":[{"value":"Qpv","count":7}]}',
 '{"items":[{"value":"AUTRES","count":7}]}',
 '{"items":[{"value":"AUTRES","count":7}]}',
 '{"total":7,"facets":{"kw":[{"value":"Qpv","count":7}],"type":[{"value":"AUTRES","count":7}]}}',
 '{"total":7,"types":[{"value":"AUTRES","count":7}]}']
--- no_error_log
[error]
