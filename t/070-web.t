# For websites: CORS (resources_cors) and the Atom feed (L/_feed).

use lib 't/lib';
use Resources::TestNginx 'no_plan';
use XML::LibXML;
use utf8;

no_shuffle();
run_tests();

# --- the feed, parsed as XML and checked against the Atom rules

my $pid = start_nginx(
    catalogue => ['t/data/sample.jsonl'],
    config => <<'_EOC_',
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_feed_title "Ressources du RTES";
    }
    location /staff {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_private on;
    }
_EOC_
);

my $port = server_port();
my $A = 'http://www.w3.org/2005/Atom';

sub feed {
    my ($path) = @_;
    my ($status, $h, $body) = http_request($path);
    is $status, 200, "$path: 200";
    is $h->{'content-type'}, 'application/atom+xml; charset=utf-8', "$path: Atom";
    my $doc = eval { XML::LibXML->load_xml(string => $body) };
    ok $doc, "$path: well-formed XML" or diag $@;
    return $doc;
}

sub rfc3339 { $_[0] =~ /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/ }

my $doc = feed('/resources/_feed?kw=QPV');
my $xc = XML::LibXML::XPathContext->new($doc);
$xc->registerNs(a => $A);

is $doc->documentElement->localname, 'feed', 'the root is a feed';
is $doc->documentElement->namespaceURI, $A, 'in the Atom namespace';
is $xc->findvalue('/a:feed/a:title'), 'Ressources du RTES', 'feed title (resources_feed_title)';
is $xc->findvalue('/a:feed/a:id'), "http://localhost/resources/_feed?kw=QPV",
    'feed id: its own URL';
is $xc->findvalue('/a:feed/a:link[@rel="self"]/@href'),
    "http://localhost/resources/_feed?kw=QPV", 'a self link';
ok rfc3339($xc->findvalue('/a:feed/a:updated')), 'feed updated is an RFC 3339 date';
ok $xc->findvalue('/a:feed/a:author/a:name'), 'the feed has an author (entries need none)';
is $doc->documentElement->getAttribute('xml:base'), "http://localhost/resources/",
    'xml:base: the location';

my @entries = $xc->findnodes('/a:feed/a:entry');
is scalar @entries, 3, 'the three public QPV resources';
my (%ids, @updated);
for my $e (@entries) {
    my $id = $xc->findvalue('a:id', $e);
    like $id, qr{^http://localhost/resources/[a-z0-9-]+$}, "entry id $id is its URL";
    ok !$ids{$id}++, 'ids are unique';
    ok $xc->findvalue('a:title', $e), 'entry title';
    my $u = $xc->findvalue('a:updated', $e);
    ok rfc3339($u), "entry updated $u";
    push @updated, $u;
    my ($rel) = $xc->findvalue('a:link/@href', $e) =~ m{^([a-z0-9-]+)$};
    is "http://localhost/resources/$rel", $id, 'the link resolves (xml:base) to the resource';
}
is_deeply [ map { $xc->findvalue('a:id', $_) =~ s{.*/}{}r } @entries ],
    ['guide-achats-publics-responsables', 'fiche-deniche-11-le-garage-solidaire',
     'compte-rendu-seminaire-tiers-lieux'], 'newest first';
is_deeply [ sort { $b cmp $a } @updated ], \@updated, 'updated non-increasing';
is $xc->findvalue('/a:feed/a:entry[1]/a:category[@scheme="type"]/@term'), 'Ressources RTES',
    'the type is a category';
is $xc->findvalue('/a:feed/a:entry[1]/a:summary'),
    'Un guide pratique sur les clauses sociales et environnementales dans les marchés publics.',
    'the summary, as text';

# every public resource, and only those
$doc = feed('/resources/_feed?limit=100');
$xc = XML::LibXML::XPathContext->new($doc);
$xc->registerNs(a => $A);
is scalar(() = $xc->findnodes('/a:feed/a:entry')), 6, 'the public feed has the 6 public resources';
unlike $doc->toString, qr/budget|annuaire|Documents internes/i, 'and nothing private';
$doc = feed('/staff/_feed?limit=100');
$xc = XML::LibXML::XPathContext->new($doc);
$xc->registerNs(a => $A);
is scalar(() = $xc->findnodes('/a:feed/a:entry')), 8, 'the private location feeds all 8';

# the list route's filters and errors apply
$doc = feed('/resources/_feed?q=garage&sort=newest&limit=1');
$xc = XML::LibXML::XPathContext->new($doc);
$xc->registerNs(a => $A);
is $xc->findvalue('/a:feed/a:entry/a:id') =~ s{.*/}{}r, 'fiche-deniche-12-la-cantine-partagee',
    'q, sort and limit apply to the feed';
my ($status, $h, $body) = http_request('/resources/_feed?limit=abc');
is $status, 400, 'a bad parameter: 400';
like $body, qr/\\"limit\\"/, 'as JSON';

# text that XML forbids is dropped, markup is escaped
stop_nginx();
start_nginx(
    catalogue_jsonl => qq({"id":"x","title":"a < b & c \\u0001 \\"d\\"","type":"T","date":"2024-01","summary":"<script>"}\n),
    config => <<'_EOC_',
    location /r {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
_EOC_
);
$doc = feed('/r/_feed');
$xc = XML::LibXML::XPathContext->new($doc);
$xc->registerNs(a => $A);
is $xc->findvalue('/a:feed/a:entry/a:title'), 'a < b & c  "d"', 'escaped, control character dropped';
is $xc->findvalue('/a:feed/a:entry/a:summary'), '<script>', 'summary is text';
stop_nginx();

__DATA__

=== TEST 1: resources_cors *: every answer, errors too; no credentials
--- catalogue
t/data/sample.jsonl
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_cors *;
    }
--- more_headers
Origin: https://site.example
--- request eval
["GET /resources?limit=0", "GET /resources?limit=x", "GET /resources/nope", "GET /resources/_meta"]
--- error_code eval
[200, 400, 404, 200]
--- response_headers eval
[("Access-Control-Allow-Origin: *\nAccess-Control-Expose-Headers: ETag, Last-Modified, Link\nAccess-Control-Allow-Credentials:\nVary:") x 4]
--- no_error_log
[error]



=== TEST 2: OPTIONS preflight: 204
--- catalogue
t/data/sample.jsonl
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_cors *;
    }
--- more_headers
Origin: https://site.example
Access-Control-Request-Method: GET
Access-Control-Request-Headers: If-None-Match
--- request
OPTIONS /resources?kw=QPV
--- error_code: 204
--- response_headers
Access-Control-Allow-Origin: *
Access-Control-Allow-Methods: GET, HEAD, OPTIONS
Access-Control-Allow-Headers: If-None-Match, If-Modified-Since
Access-Control-Max-Age: 86400
--- response_body
--- no_error_log
[error]



=== TEST 3: a list of origins: the matching one, with Vary: Origin
--- catalogue
t/data/sample.jsonl
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_cors https://a.example http://b.example:8080;
    }
--- request eval
["GET /resources?limit=0", "GET /resources?limit=0", "GET /resources?limit=0", "GET /resources?limit=0"]
--- more_headers eval
["Origin: https://a.example", "Origin: http://b.example:8080", "Origin: https://evil.example", ""]
--- response_headers eval
["Access-Control-Allow-Origin: https://a.example\nVary: Origin",
 "Access-Control-Allow-Origin: http://b.example:8080\nVary: Origin",
 "Access-Control-Allow-Origin:\nVary: Origin",
 "Access-Control-Allow-Origin:\nVary: Origin"]
--- no_error_log
[error]



=== TEST 4: CORS off (the default): no header, OPTIONS is a 405
--- catalogue
t/data/sample.jsonl
--- config
    location /resources {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
    }
--- more_headers
Origin: https://a.example
--- request eval
["GET /resources?limit=0", "OPTIONS /resources"]
--- error_code eval
[200, 405]
--- response_headers eval
["Access-Control-Allow-Origin:", "Access-Control-Allow-Origin:"]
--- no_error_log
[error]



=== TEST 5: a private location never allows * ...
--- config
    location /staff {
        resources_db x.mdb;
        resources;
        resources_private on;
        resources_cors *;
    }
--- must_die
--- error_log
"resources_cors *" is not allowed with "resources_private on" in location "/staff"



=== TEST 6: ... but may name origins, with credentials
--- catalogue
t/data/sample.jsonl
--- config
    location /staff {
        resources_db $TEST_NGINX_CATALOGUE;
        resources;
        resources_private on;
        resources_cors https://intranet.example;
    }
--- more_headers
Origin: https://intranet.example
--- request
GET /staff?limit=0
--- response_headers
Access-Control-Allow-Origin: https://intranet.example
Access-Control-Allow-Credentials: true
Vary: Origin
--- no_error_log
[error]



=== TEST 7: resources_cors takes origins
--- config
    location /r {
        resources_db x.mdb;
        resources;
        resources_cors example.org;
    }
--- must_die
--- error_log
"resources_cors": "example.org" is not an origin (scheme://host[:port])
