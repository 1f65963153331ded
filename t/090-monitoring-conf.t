# conf/prometheus/ and conf/grafana/: the example alert rules, their unit
# tests, the scrape example and the Grafana dashboard (docs/operations.md,
# "Alerts and dashboard").
#
# - Every PromQL expression (rules, dashboard panels, its annotation, its
#   variables' label_values, the rule tests' input series) names only the
#   metrics the module's status location and the loader's --metrics-file
#   write, and in its {matchers} only their labels: a renamed metric or
#   label breaks this test.
# - The dashboard shows every one of those metrics, and uses the
#   datasource and db variables.
# - Each alert has a comment, "for", a severity, a summary and a
#   description, a unit test where it fires and one where it does not, and
#   its paragraph in docs/operations.md.
# - promtool checks the rules (and the dashboard's expressions, written as
#   recording rules) and the scrape example, and runs the rules' tests.
#
# No nginx. promtool: RESOURCES_PROMTOOL (make test sets it), else
# build/promtool/promtool ("make promtool": unpacked from Debian's
# prometheus package, nothing installed), else promtool on PATH. Without
# it the test fails: make test provides it.

use strict;
use warnings;

use Test::More;
use JSON::PP;
use YAML::XS ();
use File::Temp qw(tempdir);
use File::Spec;

my $rules_file = 'conf/prometheus/resources-alerts.yml';
my $tests_file = 'conf/prometheus/resources-alerts.test.yml';
my $scrape_file = 'conf/prometheus/scrape.yml.example';
my $dash_file = 'conf/grafana/resources-dashboard.json';
my $ops_doc = 'docs/operations.md';

# the metrics, with their own labels (instance and job are Prometheus's)
my %metrics = (
    # the module's status location
    resources_requests_total                 => [qw(route status)],
    resources_request_duration_seconds_bucket => [qw(route le)],
    resources_request_duration_seconds_sum   => [qw(route)],
    resources_request_duration_seconds_count => [qw(route)],
    resources_zero_results_total             => [],
    resources_snapshot_info                  => [qw(db version)],
    resources_snapshot_resources             => [qw(db)],
    resources_snapshot_age_seconds           => [qw(db)],
    resources_snapshot_swaps_total           => [qw(db)],
    resources_snapshot_refused_total         => [qw(db)],
    resources_worker_snapshot_info           => [qw(db worker pid version)],
    resources_worker_snapshot_stale          => [qw(db worker)],
    # the loader's textfile
    map({ ("resources_load_$_" => [qw(db)]) } qw(
        last_success_timestamp_seconds last_failure_timestamp_seconds
        duration_seconds resources public_resources snapshot_bytes
        added_resources removed_resources changed_resources)),
);
my %target_labels = map { $_ => 1 } qw(instance job);

my %not_metrics = map { $_ => 1 } qw(
    by without on ignoring group_left group_right bool and or unless offset
    sum min max avg count stddev stdvar topk bottomk quantile count_values
    group atan2 inf nan Inf NaN);

sub slurp {
    my ($file) = @_;
    open my $f, '<:encoding(UTF-8)', $file or die "$file: $!";
    local $/;
    return scalar <$f>;
}

# [metric, [label names in its matchers]] for each selector of a PromQL
# expression (Grafana's $variables allowed in strings and ranges)
sub selectors {
    my ($expr) = @_;
    my $e = $expr;
    $e =~ s/"(?:[^"\\]|\\.)*"/""/g;
    $e =~ s/'(?:[^'\\]|\\.)*'/''/g;
    $e =~ s/\[[^\]]*\]//g;
    $e =~ s/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/ $1 /g;
    my @sel;
    # NAME{matchers}, or {matchers} alone (a name in __name__)
    my $selector = sub {
        my ($name, $m) = @_;
        my @labels = $m =~ /([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g;
        push @sel, [$name // '', \@labels];
        return ' ';
    };
    $e =~ s#([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^{}]*)\}#$selector->($1, $2)#ge;
    # the bare names left: not followed by "(" (functions), not keywords
    while ($e =~ /(?<![\w.\$])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\s*\()/g) {
        push @sel, [$1, []] unless $not_metrics{$1};
    }
    return @sel;
}

# problems of an expression: unknown metrics, unknown labels, no metric
sub expr_problems {
    my ($expr) = @_;
    my @sel = selectors($expr);
    my @bad;
    push @bad, 'names no metric' unless @sel;
    for my $s (@sel) {
        my ($name, $labels) = @$s;
        if (!exists $metrics{$name}) {
            push @bad, "unknown metric '$name'";
            next;
        }
        my %ok = (%target_labels, map { $_ => 1 } @{ $metrics{$name} });
        push @bad, "$name has no label '$_'" for grep { !$ok{$_} } @$labels;
    }
    return @bad;
}

# the checker checks: a renamed metric or label, a bare metric, a function
is_deeply [expr_problems('resources_snapshot_age_secs > 86400')],
    ["unknown metric 'resources_snapshot_age_secs'"], 'checker: a renamed metric is caught';
is_deeply [expr_problems('sum by (db) (rate(resources_requests_total{db="x"}[5m]))')],
    ["resources_requests_total has no label 'db'"], 'checker: a label the metric lacks is caught';
is_deeply [expr_problems('histogram_quantile(0.9, sum by (le, route) (rate(resources_request_duration_seconds_bucket{instance=~"$instance"}[$__rate_interval])))')],
    [], 'checker: functions, grouping labels and variables are no metrics';
is_deeply [expr_problems('time() - resources_load_last_success_timestamp_seconds > 86400')],
    [], 'checker: a bare metric name';
is_deeply [expr_problems('vector(1)')], ['names no metric'], 'checker: an expression without a metric';

# --- the rules ---------------------------------------------------------------

my $rules_text = slurp($rules_file);
my $rules = YAML::XS::Load($rules_text);
my @alerts;
for my $g (@{ $rules->{groups} }) {
    for my $r (@{ $g->{rules} }) {
        my $name = $r->{alert} // $r->{record};
        my @bad = expr_problems($r->{expr});
        ok !@bad, "rule $name: only known metrics and labels" or diag "$r->{expr}\n@bad";
        next unless $r->{alert};
        push @alerts, $name;
        ok defined $r->{for}, "$name: for";
        like $r->{labels}{severity} // '', qr/^(?:critical|warning|info)$/, "$name: severity";
        ok length($r->{annotations}{summary} // ''), "$name: summary";
        like $r->{annotations}{description} // '', qr/\$(?:labels|value)/,
            "$name: description with \$labels or \$value";
        like $rules_text, qr/\n[ \t]*#[^\n]*\n[ \t]*- alert: \Q$name\E\n/,
            "$name: a comment above it";
    }
}
my %alert = map { $_ => 1 } @alerts;
for my $want (qw(ResourcesSnapshotOld ResourcesSnapshotRefused ResourcesWorkerStale
                 ResourcesLoadFailed ResourcesErrorRatioHigh)) {
    ok $alert{$want}, "the rules have $want";
}
my %uses = map { $_ => scalar($rules_text =~ /\b$_\b/) } qw(
    resources_snapshot_age_seconds resources_snapshot_refused_total
    resources_worker_snapshot_stale resources_load_last_failure_timestamp_seconds
    resources_requests_total);
ok $uses{$_}, "the rules watch $_" for sort keys %uses;

# --- the rules' tests ------------------------------------------------------------

my $tests = YAML::XS::Load(slurp($tests_file));
is_deeply $tests->{rule_files}, ['resources-alerts.yml'], "$tests_file tests the rules beside it";
my (%fires, %quiet);
for my $t (@{ $tests->{tests} }) {
    for my $s (@{ $t->{input_series} }) {
        my @bad = expr_problems($s->{series});
        ok !@bad, "input series $s->{series}: a known metric and labels" or diag "@bad";
    }
    for my $a (@{ $t->{alert_rule_test} || [] }) {
        ok $alert{ $a->{alertname} }, "a test of $a->{alertname}, an alert of the rules";
        if (@{ $a->{exp_alerts} || [] }) { $fires{ $a->{alertname} }++ } else { $quiet{ $a->{alertname} }++ }
    }
}
for my $name (@alerts) {
    ok $fires{$name}, "$name: a test where it fires";
    ok $quiet{$name}, "$name: a test where it does not";
}

# --- the dashboard ----------------------------------------------------------------

my $dash = JSON::PP->new->decode(slurp($dash_file));
ok $dash->{schemaVersion} >= 36 && $dash->{schemaVersion} <= 39,
    "schemaVersion $dash->{schemaVersion}: Grafana 9 or 10";
my %var = map { $_->{name} => $_ } @{ $dash->{templating}{list} };
is $var{datasource}{type}, 'datasource', 'a datasource variable';
is $var{datasource}{query}, 'prometheus', '... of Prometheus data sources';
is $var{db}{type}, 'query', 'a db variable';

my @exprs;    # [where, expr]
my %seen_in_dash;
for my $v (grep { $_->{type} eq 'query' } values %var) {
    my $q = ref $v->{query} ? $v->{query}{query} : $v->{query};
    if ($q =~ /^label_values\(\s*(.+?)\s*,\s*([a-zA-Z_]\w*)\s*\)$/) {
        my ($sel, $label) = ($1, $2);
        push @exprs, ["variable $v->{name}", $sel];
        my ($name) = $sel =~ /^([a-zA-Z_:][\w:]*)/;
        ok $target_labels{$label} || grep({ $_ eq $label } @{ $metrics{$name} || [] }),
            "variable $v->{name}: $name has the label $label";
    } else {
        fail "variable $v->{name}: label_values(metric, label), not $q";
    }
}
for my $a (@{ $dash->{annotations}{list} }) {
    push @exprs, ["annotation $a->{name}", $a->{expr}] if defined $a->{expr};
}

my (%ids, @panels);
my @todo = @{ $dash->{panels} };
while (my $p = shift @todo) {
    push @panels, $p;
    push @todo, @{ $p->{panels} || [] };
}
for my $p (@panels) {
    ok !$ids{ $p->{id} }++, "panel $p->{id} ($p->{title}): its own id";
    ok $p->{gridPos} && $p->{gridPos}{x} + $p->{gridPos}{w} <= 24,
        "panel $p->{id}: within the 24 columns";
    next if $p->{type} eq 'row';
    is $p->{datasource}{uid}, '${datasource}', "panel $p->{id} ($p->{title}): the datasource variable";
    ok @{ $p->{targets} || [] }, "panel $p->{id}: queries";
    my %ref;
    for my $t (@{ $p->{targets} }) {
        ok !$ref{ $t->{refId} }++, "panel $p->{id}: refId $t->{refId} once";
        is $t->{datasource}{uid}, '${datasource}', "panel $p->{id} $t->{refId}: the datasource variable";
        push @exprs, ["panel $p->{id} ($p->{title}) $t->{refId}", $t->{expr}];
    }
}
# no two panels on the same cells
my %cell;
my $overlap = 0;
for my $p (@panels) {
    my $g = $p->{gridPos};
    for my $y ($g->{y} .. $g->{y} + $g->{h} - 1) {
        for my $x ($g->{x} .. $g->{x} + $g->{w} - 1) {
            $overlap++ if $cell{"$x,$y"}++;
        }
    }
}
is $overlap, 0, 'no panels overlap';

for my $e (@exprs) {
    my ($where, $expr) = @$e;
    my @bad = expr_problems($expr);
    ok !@bad, "$where: only known metrics and labels" or diag "$expr\n@bad";
    $seen_in_dash{ $_->[0] }++ for selectors($expr);
    if ($where =~ /^panel/) {
        like $expr, qr/\$(?:db|instance)\b/, "$where: filtered by \$instance or \$db";
    }
}
for my $m (sort keys %metrics) {
    ok $seen_in_dash{$m}, "the dashboard shows $m";
}

# --- the docs -----------------------------------------------------------------------

my $ops = slurp($ops_doc);
my ($section) = $ops =~ /\n### Alerts and dashboard\n(.*?)(?=\n## |\z)/s;
ok defined $section, "$ops_doc: ### Alerts and dashboard";
$section //= '';
like $section, qr/\Q$_\E/, "$ops_doc explains $_" for @alerts;
like $section, qr/\Q$_\E/, "$ops_doc names $_"
    for 'resources-alerts.yml', 'resources-dashboard.json', 'promtool test rules';

# --- promtool ---------------------------------------------------------------------

my $promtool = $ENV{RESOURCES_PROMTOOL};
$promtool = 'build/promtool/promtool' if !$promtool && -x 'build/promtool/promtool';
if (!$promtool) {
    for my $dir (File::Spec->path) {
        if (-x "$dir/promtool") { $promtool = "$dir/promtool"; last }
    }
}
ok $promtool && -x $promtool, 'promtool: ' . ($promtool // 'not found: make promtool')
    or done_testing(), exit;

sub run {
    my (@cmd) = @_;
    my $out = `@cmd 2>&1`;
    return ($? >> 8, $out);
}

my ($rc, $out) = run($promtool, 'check', 'rules', '--lint=all', '--lint-fatal', $rules_file);
is $rc, 0, "promtool check rules $rules_file" or diag $out;
like $out, qr/SUCCESS: @{[ scalar @alerts ]} rules found/, 'promtool found every rule';

my $dir = tempdir(CLEANUP => 1);

# the dashboard's expressions, with Grafana's variables given values, as
# recording rules: promtool parses them
{
    my %val = ('$__rate_interval' => '5m', '$__interval' => '1m', '$__range' => '1d',
               '$instance' => '.*', '$db' => '.*');
    my @rules;
    my $n = 0;
    for my $e (@exprs) {
        my ($where, $expr) = @$e;
        next if $where =~ /^variable/;
        $expr =~ s/(\$__rate_interval|\$__interval|\$__range|\$instance|\$db)\b/$val{$1}/g;
        unlike $expr, qr/\$/, "$where: no other variables";
        push @rules, { record => 'dashboard:expr_' . ++$n, expr => $expr };
    }
    my $f = "$dir/dashboard-exprs.yml";
    open my $fh, '>', $f or die "$f: $!";
    print $fh YAML::XS::Dump({ groups => [ { name => 'dashboard', rules => \@rules } ] });
    close $fh;
    ($rc, $out) = run($promtool, 'check', 'rules', $f);
    is $rc, 0, "promtool parses the dashboard's $n expressions" or diag $out;
}

# the scrape example, with its rule file where this tree has it
{
    my $cfg = slurp($scrape_file);
    my $abs = File::Spec->rel2abs($rules_file);
    ok $cfg =~ s{/etc/prometheus/resources-alerts\.yml}{$abs}g, "$scrape_file loads resources-alerts.yml";
    my $f = "$dir/prometheus.yml";
    open my $fh, '>', $f or die "$f: $!";
    print $fh $cfg;
    close $fh;
    ($rc, $out) = run($promtool, 'check', 'config', $f);
    is $rc, 0, "promtool check config $scrape_file" or diag $out;
}

# the unit tests (from anywhere: the rule file is found beside them)
($rc, $out) = run($promtool, 'test', 'rules', $tests_file);
is $rc, 0, "promtool test rules $tests_file" or diag $out;
like $out, qr/SUCCESS/, '... SUCCESS';

done_testing();
