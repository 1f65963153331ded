# Websites (issue #24): format=html fragments of lists and lookups, through
# a real page with nginx's SSI filter; every piece of record text escaped;
# errors as fragments with the JSON error's status; resources_link in the
# fragments, the feed and _meta; _meta's limits; the Link header of lists;
# series= and sort=updated.

use strict;
use warnings;

use lib 't/lib';
use Resources::TestNginx;
use JSON::PP;
use File::Temp qw(tempdir);
use XML::LibXML;
use Encode ();

plan 'no_plan';

my $loader = $ENV{TEST_RESOURCES_LOADER} || 'build/resources-load';
my $tmp = tempdir(CLEANUP => 1);

# records written to break a page: markup, quotes, entities, scripts in
# links; two series; update dates that reorder the catalogue
my @recs = (
    { id => 'piege', title => 'Le <script>alert("t")</script> & "guillemets" \'simples\'',
      type => 'Guides <b>', date => '2024-02',
      keywords => ['<img src=x onerror=alert(1)>', 'QPV', 'a&b'],
      summary => "Premier paragraphe <i>.\n\nSecond paragraphe & fin.",
      body => "Corps <em>un</em>.\n \nCorps deux.",
      links => [ { label => 'Bon lien', url => 'https://www.rtes.fr/a?b=1&c="2"' },
                 { label => 'Mauvais lien', url => 'javascript:alert(1)' },
                 { label => 'Sans URL', url => undef },
                 { label => 'Relatif', url => '/page' } ],
      series => 'Déniché pour vous', number => 126 },
    { id => 'fiche-2', title => 'Fiche deux', type => 'Autres', date => '2023-05-17',
      keywords => ['QPV'], series => 'deniche POUR vous', number => 2, updated => '2025-01-10' },
    { id => 'fiche-3', title => 'Fiche trois', type => 'Autres', date => '2022-01',
      keywords => ['QPV'], series => 'Focus' },
    { id => 'secrete', title => 'Secrète', type => 'Autres', date => '2026-01', private => JSON::PP::true,
      keywords => ['QPV'], series => 'Déniché pour vous', updated => '2026-02-01' },
    { id => 'longue-serie', title => 'Longue série', type => 'Autres', date => '2019-06-01',
      series => 'S' x 300, number => 1 },
    map({ { id => "r-$_", title => "Ressource $_", type => 'Autres',
            date => sprintf('2020-%02d', $_), keywords => ['QPV'] } } 1 .. 9),
);
my $cat = "$tmp/cat.jsonl";
open my $f, '>', $cat or die;
print $f JSON::PP->new->canonical->encode($_), "\n" for @recs;
close $f;

my $html = html_dir();

start_nginx(
    workers => 1,
    config => <<"_EOC_",
    resources_db html/catalogue.mdb;

    location /resources {
        resources;
    }
    location /linked {
        resources_link "https://www.rtes.fr/ressources/{id}?from=catalogue&x=1";
        resources_max_limit 5;
        resources_default_limit 3;
        resources;
    }
    location /staff {
        resources_private on;
        resources;
    }
    location = /page.html {
        ssi on;
        root html;
    }
    location = /loose {
        resources_strict_args off;
        resources;
    }
    location /none {
        resources_db html/no-such.mdb;
        resources;
    }
_EOC_
);

system($loader, '-q', '-o', "$html/catalogue.mdb", $cat) == 0 or die;

open my $p, '>', "$html/page.html" or die;
print $p <<'_PAGE_';
<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Ressources</title></head>
<body><main>
<!--# include virtual="/resources?format=html&limit=4&$args" -->
</main></body></html>
_PAGE_
close $p;

sleep 1.2;

sub get {
    my ($path, %o) = @_;
    my ($s, $h, $b) = http_request($path, %o);
    utf8::decode($b);
    return ($s, $h, $b);
}

# well-formed XML once wrapped: every tag closed, every entity known
sub parses {
    my ($fragment) = @_;
    my $x = eval { XML::LibXML->load_xml(string => "<root>$fragment</root>") };
    return $x;
}

# --- a list as HTML

my ($s, $h, $b) = get('/resources?kw=QPV&format=html&limit=2');
is $s, 200, 'format=html: 200';
like $h->{'content-type'}, qr{^text/html; charset=utf-8}, 'text/html';
ok $h->{etag}, 'with an ETag';
my $x = parses($b);
ok $x, 'the fragment is well-formed' or diag $b;
like $b, qr{^<div class="resources" data-total="12" data-offset="0" data-limit="2">}, 'the list element, its counts';
like $b, qr{<p class="resources-count">12 ressources</p>}, 'the count';
like $b, qr{<ol class="resources-list" start="1">}, 'an ordered list';
is scalar(() = $b =~ /<li class="resource" data-id=/g), 2, 'limit items';
like $b, qr{<li class="resource" data-id="piege">\n<h3 class="resource-title"><a href="/resources/piege\?format=html">Le &lt;script&gt;alert\(&quot;t&quot;\)&lt;/script&gt; &amp; &quot;guillemets&quot; &#39;simples&#39;</a></h3>},
    'the title escaped, linked to its lookup';
like $b, qr{<span class="resource-type">Guides &lt;b&gt;</span> <time class="resource-date" datetime="2024-02">f\x{e9}vrier 2024</time> <span class="resource-series">D\x{e9}nich\x{e9} pour vous n\x{b0}126</span>},
    'type, date in French, series and number';
like $b, qr{<a class="resource-keyword" href="\?kw=%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E">&lt;img src=x onerror=alert\(1\)&gt;</a>},
    'a keyword: a link to the page with it, escaped both ways';
like $b, qr{<div class="resource-summary"><p>Premier paragraphe &lt;i&gt;.</p><p>Second paragraphe &amp; fin.</p></div>},
    'the summary in paragraphs, escaped';
unlike $b, qr{<(?!/?(?:div|p|ol|li|h3|a|span|time|ul|nav)[ >])}, 'no element but the fragment\'s own';
like $b, qr{<nav class="resources-pages" aria-label="Pages"><span class="resources-range">1\x{2013}2 sur 12</span> <a class="resources-next" rel="next" href="\?kw=QPV&amp;limit=2&amp;offset=2">Suivantes</a> <a class="resources-last" rel="last" href="\?kw=QPV&amp;limit=2&amp;offset=10">Derni\x{e8}res</a></nav>},
    'page links relative to the page, without format, offset replaced';
is $h->{link}, '<?kw=QPV&format=html&limit=2&offset=0>; rel="first", <?kw=QPV&format=html&limit=2&offset=2>; rel="next", <?kw=QPV&format=html&limit=2&offset=10>; rel="last"',
    'the Link header: first, next, last (no prev on the first page)';

($s, $h, $b) = get('/resources?kw=QPV&format=html&limit=2&offset=4&_=1');
like $b, qr{<a class="resources-first" rel="first" href="\?kw=QPV&amp;limit=2&amp;_=1&amp;offset=0">Premi\x{e8}res</a> <a class="resources-prev" rel="prev" href="\?kw=QPV&amp;limit=2&amp;_=1&amp;offset=2">Pr\x{e9}c\x{e9}dentes</a> <span class="resources-range">5\x{2013}6 sur 12</span>},
    'a middle page: first and previous too';
like $h->{link}, qr{^<\?kw=QPV&format=html&limit=2&_=1&offset=0>; rel="first", <\?kw=QPV&format=html&limit=2&_=1&offset=2>; rel="prev", <\?kw=QPV&format=html&limit=2&_=1&offset=6>; rel="next", <\?kw=QPV&format=html&limit=2&_=1&offset=10>; rel="last"$},
    'the Link header of a middle page';

($s, $h, $b) = get('/resources?kw=inconnu&format=html');
is $s, 200, 'nothing found: 200';
is $b, qq{<div class="resources" data-total="0" data-offset="0" data-limit="20">\n<p class="resources-count">Aucune ressource</p>\n</div>\n},
    'nothing found: the count alone';

($s, $h, $b) = get('/resources?kw=QPV&limit=0');
ok !defined $h->{link}, 'limit=0: no Link header';
($s, $h, $b) = http_request("GET /resources?_x=a>,<https://evil.example/x.css>;rel=stylesheet,<&limit=2 HTTP/1.0\r\n\r\n", raw => 1);
is $s, 200, 'a query string with <, > and quotes';
like $h->{link}, qr{^<\?_x=a%3E,%3Chttps://evil.example/x.css%3E;rel=stylesheet,%3C&limit=2&offset=0>; rel="first", },
    'the Link header percent-encodes what could close its <...>';
is scalar(() = $h->{link} =~ /</g), scalar(() = $h->{link} =~ /; rel="/g), 'so it holds its own links only';
($s, $h, $b) = get('/resources?limit=1&%6Fffset=0&kw=QPV');
like $h->{link}, qr{^<\?limit=1&kw=QPV&offset=0>; rel="first", <\?limit=1&kw=QPV&offset=1>; rel="next"},
    'an offset whose name is percent-encoded is one too';
($s, $h, $b) = get('/resources?kw=QPV&limit=5');
is $h->{link}, '<?kw=QPV&limit=5&offset=0>; rel="first", <?kw=QPV&limit=5&offset=5>; rel="next", <?kw=QPV&limit=5&offset=10>; rel="last"',
    'JSON lists have the Link header too';
($s, $h, $b) = get('/resources?kw=QPV&limit=5&offset=100');
like $h->{link}, qr{rel="prev"} , 'past the end: a previous page';
like $h->{link}, qr{<\?kw=QPV&limit=5&offset=10>; rel="prev"}, 'which is the last one';

# --- a lookup as HTML

($s, $h, $b) = get('/resources/piege?format=html');
is $s, 200, 'a lookup as HTML';
like $h->{'content-type'}, qr{^text/html}, 'text/html';
ok parses($b), 'well-formed' or diag $b;
like $b, qr{^<article class="resource resource-full" data-id="piege">\n<h2 class="resource-title">Le &lt;script&gt;}, 'an article, the title unlinked';
like $b, qr{<div class="resource-body"><p>Corps &lt;em&gt;un&lt;/em&gt;.</p><p>Corps deux.</p></div>}, 'the body in paragraphs (a blank line with spaces)';
like $b, qr{<li><a href="https://www.rtes.fr/a\?b=1&amp;c=&quot;2&quot;">Bon lien</a></li>}, 'a link, escaped';
like $b, qr{<li>Mauvais lien</li>}, 'a javascript: URL is not a link';
unlike $b, qr{javascript}, 'and it does not appear';
like $b, qr{<li>Sans URL</li>}, 'a link without URL: its label';
like $b, qr{<li><a href="/page">Relatif</a></li>}, 'a path is a link';

($s, $h, $b) = get('/resources/r-1?format=html');
like $b, qr{datetime="2020-01">janvier 2020</time>}, 'a month';
($s, $h, $b) = get('/resources/fiche-2?format=html');
like $b, qr{<p class="resource-updated">Mis \x{e0} jour le <time class="resource-updated-date" datetime="2025-01-10">10 janvier 2025</time></p>},
    'the update date';
like $b, qr{<time class="resource-date" datetime="2023-05-17">17 mai 2023</time>}, 'a day';

# --- errors as fragments

($s, $h, $b) = get('/resources/nope?format=html');
is $s, 404, 'an unknown id: 404';
is $b, qq{<p class="resources-error" role="alert">no resource with this id</p>\n}, 'as a fragment';
like $h->{'content-type'}, qr{^text/html}, 'text/html';
($s, $h, $b) = get('/resources/secrete?format=html');
is $s, 404, 'a private one, publicly: 404';
($s, $h, $b) = get('/resources?format=html&limit=abc');
is $s, 400, 'a bad limit: 400';
like $b, qr{^<p class="resources-error" role="alert">&quot;limit&quot; must be}, 'as a fragment';
($s, $h, $b) = get('/resources?limit=abc&format=html');
is $s, 400, 'whatever the order of the parameters';
like $b, qr{^<p class="resources-error"}, 'a fragment';
($s, $h, $b) = get('/resources?limit=abc');
like $b, qr/^\{"error":/, 'JSON without format=html';
($s, $h, $b) = get('/resources/_meta?format=html');
is $s, 400, '_meta takes no format';

# --- resources_link, _meta

($s, $h, $b) = get('/linked/_meta');
my $m = decode_json(Encode::encode('UTF-8', $b));
is $m->{link}, 'https://www.rtes.fr/ressources/{id}?from=catalogue&x=1', '_meta: the link template';
is_deeply $m->{limits}, { default => 3, max => 5 }, '_meta: the limits';
($s, $h, $b) = get('/resources/_meta');
$m = decode_json(Encode::encode('UTF-8', $b));
ok exists $m->{link} && !defined $m->{link}, '_meta: no template: null';
is_deeply $m->{limits}, { default => 20, max => 100 }, '_meta: the default limits';

($s, $h, $b) = get('/linked?format=html&kw=QPV');
like $b, qr{<h3 class="resource-title"><a href="https://www.rtes.fr/ressources/fiche-2\?from=catalogue&amp;x=1">Fiche deux</a></h3>},
    'titles link to the template, escaped';
is scalar(() = $b =~ /<li class="resource"/g), 3, 'the location\'s default limit';
($s, $h, $b) = get('/linked/piege?format=html');
like $b, qr{<h2 class="resource-title"><a href="https://www.rtes.fr/ressources/piege\?from=catalogue&amp;x=1">}, 'a lookup\'s title links to its page';

($s, $h, $b) = get('/linked/_feed?series=focus');
my $feed = XML::LibXML->load_xml(string => Encode::encode('UTF-8', $b));
my $xc = XML::LibXML::XPathContext->new($feed);
$xc->registerNs(a => 'http://www.w3.org/2005/Atom');
is $xc->findvalue('//a:entry/a:link[@rel="alternate"]/@href'), 'https://www.rtes.fr/ressources/fiche-3?from=catalogue&x=1',
    'the feed: the page is the alternate link';
is $xc->findvalue('//a:entry/a:link[@rel="alternate"]/@type'), 'text/html', 'as text/html';
is $xc->findvalue('//a:entry/a:link[@rel="related"]/@href'), 'fiche-3', 'the JSON stays, as related (relative to xml:base)';
($s, $h, $b) = get('/resources/_feed?series=focus');
$feed = XML::LibXML->load_xml(string => Encode::encode('UTF-8', $b));
$xc = XML::LibXML::XPathContext->new($feed);
$xc->registerNs(a => 'http://www.w3.org/2005/Atom');
is $xc->findvalue('//a:entry/a:link/@href'), 'fiche-3', 'without a template: the JSON, as before';
is $xc->findvalue('count(//a:entry/a:link)'), 1, 'one link';

# --- series and sort=updated

sub ids {
    my ($path) = @_;
    my (undef, undef, $body) = http_request($path);
    return join ' ', map { $_->{id} } @{ decode_json($body)->{items} };
}

is ids('/resources?series=D%C3%A9nich%C3%A9+pour+vous'), 'piege fiche-2', 'series: folded like type (two spellings are one)';
is ids('/resources?series=deniche+pour+vous&series=Focus'), 'piege fiche-2 fiche-3', 'series: any of them';
is ids('/resources?series=focus&kw=QPV'), 'fiche-3', 'with another filter';
is ids('/resources?series=inconnue'), '', 'an unknown series: nothing';
is ids('/resources?series=' . 'S' x 300), '', 'a series too long to index (over 200 bytes folded) cannot be asked for';
($s) = get('/resources/longue-serie');
is $s, 200, 'but its resource is loaded and served';
is ids('/staff?series=deniche+pour+vous'), 'secrete piege fiche-2', 'a private one in the private location';
is ids('/resources?sort=updated&limit=4'), 'fiche-2 piege fiche-3 r-9', 'sort=updated: the update day, else the date, newest first';
is ids('/staff?sort=updated&limit=2'), 'secrete fiche-2', 'the same in the private view';
is ids('/resources?sort=updated&series=deniche+pour+vous'), 'fiche-2 piege', 'with a filter';

# --- a real page through the SSI filter

($s, $h, $b) = get('/page.html');
is $s, 200, 'the SSI page';
like $b, qr{<main>\n<div class="resources" data-total="13" data-offset="0" data-limit="4">}, 'the list, rendered in the page';
is scalar(() = $b =~ /<li class="resource"/g), 4, 'four resources';
like $b, qr{Le &lt;script&gt;}, 'escaped in the page too';
unlike $b, qr{<script}, 'no script in the page';
like $b, qr{<a class="resources-next" rel="next" href="\?limit=4&amp;offset=4">}, 'its next page: a plain link to the page';

($s, $h, $b) = get('/page.html?offset=4');
like $b, qr{data-total="13" data-offset="4" data-limit="4"}, 'the page\'s own parameters reach the list ($args)';
like $b, qr{<span class="resources-range">5\x{2013}8 sur 13</span>}, 'the second page';
($s, $h, $b) = get('/page.html?limit=4&offset=4');
is $s, 200, 'a page link (with the include\'s own limit) is followed';
like $b, qr{data-total="13" data-offset="4" data-limit="4"}, 'the include\'s limit, given twice the same, is one';
($s, $h, $b) = get('/page.html?limit=5');
like $b, qr{<p class="resources-error" role="alert">&quot;limit&quot; is given more than once</p>}, 'another limit in the page\'s URL: said in place';
($s, $h, $b) = get('/page.html?kw=QPV&offset=8');
like $b, qr{<a class="resources-prev" rel="prev" href="\?limit=4&amp;kw=QPV&amp;offset=4">}, 'a filtered page links to the previous one, filter kept';

($s, $h, $b) = get('/page.html?from=abc');
is $s, 200, 'a bad parameter: the page still answers';
like $b, qr{<main>\n<p class="resources-error" role="alert">&quot;from&quot; must be}, 'with the error in its place';

($s, $h, $b) = get('/none?format=html');
is $s, 503, 'no snapshot: 503';
is $b, qq{<p class="resources-error" role="alert">the catalogue is not available yet</p>\n}, 'as a fragment when HTML is asked';
($s, $h, $b) = get('/none/x?format=html');
like $b, qr{^<p class="resources-error"}, 'a lookup too';
($s, $h, $b) = get('/none/_meta');
like $b, qr{^\{"error":\{"status":503}, '_meta: JSON';

unlike error_log_text(), qr/\[(?:alert|crit|emerg)\]/, 'no alert in the error log';

stop_nginx();

# --- resources_link needs {id}

my $dir = tempdir(CLEANUP => 1);
open my $c, '>', "$dir/nginx.conf" or die;
print $c "load_module $ENV{TEST_NGINX_LOAD_MODULES};\nerror_log stderr;\npid $dir/pid;\n"
    . "events {}\nhttp { server { location /r { resources_db x.mdb;"
    . " resources_link https://example.org/fixed; resources; } } }\n";
close $c;
my $nginx = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
my $out = `$nginx -t -p $dir/ -c $dir/nginx.conf 2>&1`;
isnt $?, 0, 'resources_link without {id}: nginx -t fails';
like $out, qr/"resources_link" must hold "\{id\}"/, 'and says why';
