# The module loads into Debian's nginx; its directives are checked at
# configuration time, with the directive's name in the message; a missing
# snapshot does not stop nginx from starting.

use lib 't/lib';
use Resources::TestNginx 'no_plan';
use File::Temp qw(tempdir);

no_shuffle();
run_tests();

# nginx -t with an explicit load_module line, as a sysadmin would run it

my $so = (split ' ', $ENV{TEST_NGINX_LOAD_MODULES} || '')[0]
         || 'build/ngx_http_resources_module.so';
$so = Cwd::abs_path($so);
my $nginx = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
my $dir = tempdir(CLEANUP => 1);
mkdir "$dir/logs";
open my $f, '>', "$dir/nginx.conf" or die;
print $f <<"_EOC_";
load_module $so;
pid logs/nginx.pid;
error_log logs/error.log;
events {}
http {
    resources_db /nonexistent/catalogue.mdb;
    server {
        listen 127.0.0.1:1;
        location /resources { resources; }
    }
}
_EOC_
close $f;
my $out = `$nginx -t -p $dir/ -c $dir/nginx.conf 2>&1`;
is $?, 0, 'nginx -t accepts the module and a location' or diag $out;
like $out, qr/syntax is ok/, 'syntax is ok';
like $out, qr/test is successful/, 'test is successful';

__DATA__

=== TEST 1: no snapshot yet: 503 with Retry-After, said once in the log
--- config
    location /resources {
        resources_db html/does-not-exist.mdb;
        resources;
    }
--- request eval
["GET /resources", "GET /resources/_meta", "GET /resources/x"]
--- error_code eval
[503, 503, 503]
--- response_headers eval
["Retry-After: 5", "Retry-After: 5", "Retry-After: 5"]
--- response_json eval
[('{"error":{"status":503,"message":"the catalogue is not available yet"}}') x 3]
--- no_error_log
[alert]
[crit]



=== TEST 2: the log says why
--- config
    location /resources {
        resources_db html/does-not-exist.mdb;
        resources_retry_after 30s;
        resources;
    }
--- request
GET /resources
--- error_code: 503
--- response_headers
Retry-After: 30
--- error_log eval
qr/\[error\] .*resources: cannot stat ".*html\/does-not-exist\.mdb" \(2: No such file or directory\)/
--- no_error_log
[alert]



=== TEST 3: a file that is not a snapshot: 503, and the log says why
--- config
    location /resources {
        resources_db conf/nginx.conf;
        resources;
    }
--- request
GET /resources
--- error_code: 503
--- error_log eval
qr/resources: cannot open ".*conf\/nginx\.conf": /
--- no_error_log
[alert]



=== TEST 4: "resources" needs "resources_db"
--- config
    location /resources { resources; }
--- must_die
--- error_log
"resources" needs "resources_db" in location "/resources"



=== TEST 5: a bad number names the directive
--- config
    location /resources {
        resources_db x.mdb;
        resources_max_limit abc;
        resources;
    }
--- must_die
--- error_log
"resources_max_limit" directive invalid number



=== TEST 6: a number out of bounds
--- config
    location /resources {
        resources_db x.mdb;
        resources_max_limit 0;
        resources;
    }
--- must_die
--- error_log
"resources_max_limit" must be between 1 and 10000



=== TEST 7: the default limit cannot exceed the max
--- config
    location /resources {
        resources_db x.mdb;
        resources_default_limit 50;
        resources_max_limit 10;
        resources;
    }
--- must_die
--- error_log
"resources_default_limit" 50 is larger than "resources_max_limit" 10



=== TEST 8: resources_private takes on or off
--- config
    location /resources {
        resources_db x.mdb;
        resources_private maybe;
        resources;
    }
--- must_die
--- error_log
invalid value "maybe" in "resources_private" directive, it must be "on" or "off"



=== TEST 9: resources_check_interval must be a time
--- config
    location /resources {
        resources_db x.mdb;
        resources_check_interval soon;
        resources;
    }
--- must_die
--- error_log
"resources_check_interval" directive invalid value



=== TEST 10: "resources" only in a location
--- config
    resources;
--- must_die
--- error_log
"resources" directive is not allowed here



=== TEST 11: not in a regex location
--- config
    location ~ ^/r {
        resources_db x.mdb;
        resources;
    }
--- must_die
--- error_log
"resources" directive cannot be used in a regex location



=== TEST 12: twice in one location
--- config
    location /r {
        resources_db x.mdb;
        resources;
        resources;
    }
--- must_die
--- error_log
"resources" directive is duplicate



=== TEST 13: resources_db at http level serves every location; a location may name another
--- catalogue
t/data/sample.jsonl
--- http_config
    resources_db $TEST_NGINX_CATALOGUE;
--- config
    location /a { resources; }
    location /b { resources_db html/other.mdb; resources; }
--- request eval
["GET /a?limit=0", "GET /b?limit=0"]
--- error_code eval
[200, 503]
--- no_error_log
[alert]



=== TEST 14: resources_status and resources are not for one location
--- config
    location /resources {
        resources_db x.mdb;
        resources;
        resources_status;
    }
--- must_die
--- error_log
"resources_status" directive cannot be used with "resources" in one location



=== TEST 15: nor the other way round
--- config
    location /resources {
        resources_status;
        resources_db x.mdb;
        resources;
    }
--- must_die
--- error_log
"resources" directive cannot be used with "resources_status" in one location
