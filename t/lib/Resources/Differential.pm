package Resources::Differential;

# Resources::Differential - what t/051-differential.t and t/052-privacy-diff.t
# share: generated catalogues, a reference evaluator of the list route written
# the slow obvious way, random list queries, and a keep-alive HTTP client.
#
#   fold($text)            resources_fold() for the characters the generator
#                          uses (and most others): compatibility decomposition,
#                          case folding, marks removed, œ/æ spelled out,
#                          apostrophes and dashes unified, white space
#                          collapsed and trimmed (src/resources_text.c)
#   text_words($folded)    resources_words(): [bytes, stop, last] per word,
#                          elisions dropped, light stemming (plurals)
#   generate(%opts)        a deterministic catalogue: records (hashes, input
#                          order) with Zipf-like keywords, types, dates (some
#                          undated, some with a day), French-like text whose
#                          frequent words get bitmaps and whose prefixes get
#                          unions, a family of more than 64 words sharing a
#                          prefix, private records
#   to_jsonl(\@records)    the JSON Lines the loader reads
#   Resources::Differential::Reference->new(\@records, private => 0|1)
#       ->list(\%query)    what /resources answers, computed from the records
#                          one by one: { total, offset, limit, ids, facets }
#   random_query($cat, $ref)   a random list query (a hash, see below)
#   query_string($query)   its URL query string
#   Resources::Differential::Client->new(port => P)
#       ->request($method, $uri, @header_lines)   keep-alive HTTP/1.1:
#       { status, headers => [[name, value], ...], body, error }
#
# A query is { kw => [...], type => [...], q => text, from, to, sort, limit,
# offset, facets => 'kw,type', facet_limit } (any key may be absent).
# generate() seeds Perl's rand() with its seed; random_query() and
# query_string() draw from it: call srand() first.  No result depends on the
# order in which Perl walks a hash.
#
# The reference follows docs/api.md: kw (AND) and type (OR) on folded forms;
# every word of q that is not a stop word required, the last one (2 bytes or
# more once stemmed, the text not ending with a separator) as the union of
# the first 64 words of the view that start with it, in byte order; from/to
# on the publication month, undated resources out, "to" before "from" a 400;
# newest (the default order: date, then day, descending, undated last, ties
# in input order), oldest (date groups reversed, undated last), title
# (folded title, then input order), relevance (the sum of each required
# word's best field, title 8, keywords 4, summary 2, body 1, ties in the
# default order); facets over the whole result, most frequent first, ties by
# folded value, the spelling the view's resources use most (the first seen
# on a tie).

use strict;
use warnings;
use utf8;
use feature 'fc';

use Exporter 'import';
use IO::Select ();
use IO::Socket::INET ();
use JSON::PP ();
use Socket qw(IPPROTO_TCP TCP_NODELAY);
use Time::HiRes ();
use Unicode::Normalize qw(NFKD);

our @EXPORT_OK = qw(fold text_words stem generate to_jsonl random_query
                    query_string uri_escape pick weighted);

# ---------------------------------------------------------------------------
# Folding and words (a port of src/resources_text.c)
# ---------------------------------------------------------------------------

my %UNIFY;
$UNIFY{ chr $_ } = "'" for 0x2018, 0x2019, 0x201b, 0x02bc, 0x2032, 0x60, 0xb4, 0xff07;
$UNIFY{ chr $_ } = '-' for 0x2010 .. 0x2015, 0x2212, 0xfe63, 0xff0d, 0xad;

sub _unify { my $c = shift; return exists $UNIFY{$c} ? $UNIFY{$c} : $c }

sub _is_space {
    my $c = shift;
    my $cp = ord $c;
    return 1 if $cp == 0x20 || $cp == 0x09 || $cp == 0x0a || $cp == 0x0d;
    return ($cp < 0x20 || $cp == 0x7f) ? 1 : 0 if $cp < 0x80;
    return $c =~ /[\p{Zs}\p{Zl}\p{Zp}\p{Cc}\p{Cf}]/ ? 1 : 0;
}

my %FOLD_CACHE;

# a character string in, a character string out
sub fold {
    my ($s) = @_;
    my ($out, $space) = ('', 0);
    for my $c (split //, $s) {
        my $d = $FOLD_CACHE{$c};
        if (!defined $d) {
            my @d;
            if (ord($c) < 0x80) {
                @d = $c =~ /[A-Z]/ ? (lc $c) : _is_space($c) ? (undef) : (_unify($c));
            } elsif (_is_space($c)) {
                @d = (undef);
            } else {
                my $x = NFKD(fc(_unify($c)));
                $x =~ s/\p{M}//g;
                @d = map { my $u = _unify($_); _is_space($u) ? undef : $u } split //, $x;
                @d = map { !defined $_ ? undef : $_ eq "\x{153}" ? 'oe' : $_ eq "\x{e6}" ? 'ae' : $_ } @d;
            }
            $d = $FOLD_CACHE{$c} = \@d;
        }
        for my $u (@$d) {
            if (!defined $u) {
                $space = length($out) > 0;
                next;
            }
            if ($space) {
                $out .= ' ';
                $space = 0;
            }
            $out .= $u;
        }
    }
    return $out;
}

our %STOP = map { $_ => 1 } qw(
    a au aux avec c ce ces cet cette d dans de des du elle en est et il ils
    j l la le les leur leurs lui m ma mais me mes n ne nos notre nous on ont
    ou par pas pour qu que qui s sa se ses son sont sur t ta te tes un une
    vos votre vous y);
our %ELISION = map { $_ => 1 } qw(c d j l m n s t qu jusqu lorsqu puisqu
                                   quoiqu presqu);

# bytes in, bytes out: plurals undone
sub stem {
    my ($w) = @_;
    my $n = length $w;
    return $w if $n < 4;
    my $last = substr $w, -1;
    my $prev = substr $w, -2, 1;
    if ($last eq 'x' && $n >= 5 && $prev eq 'u' && substr($w, -3, 1) eq 'a'
        && substr($w, -4, 1) ne 'e')
    {
        substr($w, -2, 1) = 'l';
    }
    $n-- if $last eq 'x' || ($last eq 's' && $prev ne 's');
    return substr $w, 0, $n;
}

# bytes in, bytes out: src/resources_stem.c (Lucene's FrenchLightStemmer
# on folded words, without its doubled-letter rule, after the overrides)
our %OVERRIDE = (
    autorisation => 'autorisation', classique => 'classique', copie => 'copie',
    directeur => 'directeur', directrice => 'directeur', entree => 'entree',
    fondation => 'fondation', formation => 'formation', laic => 'laic',
    laique => 'laic', mobilisation => 'mobilisation', porteur => 'porteur',
    porteuse => 'porteur', public => 'public', publication => 'publication',
    publique => 'public', repas => 'repas', ressourcerie => 'ressourcerie',
    utilisation => 'utilisation');

sub _norm {
    my ($s) = @_;
    my $n = length $s;
    if ($n > 4 && $s =~ /ie\z/) { $s = substr $s, 0, -2 }
    if (length $s > 4) {
        $s = substr $s, 0, -1 if $s =~ /r\z/;
        $s = substr $s, 0, -1 if $s =~ /e\z/;
        $s = substr $s, 0, -1 if $s =~ /e\z/;
        $s = substr $s, 0, -1 if length $s >= 2 && $s =~ /([a-z])\1\z/;
    }
    return $s;
}

sub _ends { return length($_[0]) >= length($_[1]) && substr($_[0], -length $_[1]) eq $_[1] }

sub stem_light {
    my ($s) = @_;
    return $s if length $s < 4;
    return $OVERRIDE{$s} if exists $OVERRIDE{$s};
    return $OVERRIDE{ substr $s, 0, -1 } if $s =~ /[sx]\z/ && exists $OVERRIDE{ substr $s, 0, -1 };
    my $n = sub { length $s };
    if ($n->() > 5 && $s =~ /x\z/) {
        substr($s, -2, 1) = 'l' if substr($s, -3, 2) eq 'au' && substr($s, -4, 1) ne 'e';
        $s = substr $s, 0, -1;
    }
    $s = substr $s, 0, -1 if $n->() > 3 && $s =~ /x\z/;
    $s = substr $s, 0, -1 if $n->() > 3 && $s =~ /s\z/;
    if ($n->() > 9 && _ends($s, 'issement')) { $s = substr($s, 0, -6); substr($s, -1) = 'r'; return _norm($s) }
    if ($n->() > 8 && _ends($s, 'issant')) { $s = substr($s, 0, -4); substr($s, -1) = 'r'; return _norm($s) }
    if ($n->() > 6 && _ends($s, 'ement')) {
        $s = substr $s, 0, -4;
        if ($n->() > 3 && _ends($s, 'ive')) { $s = substr($s, 0, -1); substr($s, -1) = 'f' }
        return _norm($s);
    }
    if ($n->() > 11 && _ends($s, 'ficatrice')) { $s = substr($s, 0, -5); substr($s, -2) = 'er'; return _norm($s) }
    if ($n->() > 10 && _ends($s, 'ficateur')) { $s = substr($s, 0, -4); substr($s, -2) = 'er'; return _norm($s) }
    if ($n->() > 9 && _ends($s, 'catrice')) { $s = substr($s, 0, -3); substr($s, -4, 3) = 'que'; return _norm($s) }
    if ($n->() > 8 && _ends($s, 'cateur')) { $s = substr($s, 0, -2); substr($s, -4) = 'quer'; return _norm($s) }
    if ($n->() > 8 && _ends($s, 'atrice')) { $s = substr($s, 0, -4); substr($s, -2) = 'er'; return _norm($s) }
    if ($n->() > 7 && _ends($s, 'ateur')) { $s = substr($s, 0, -3); substr($s, -2) = 'er'; return _norm($s) }
    if ($n->() > 6 && _ends($s, 'trice')) { $s = substr($s, 0, -1); substr($s, -3) = 'eur' }
    return _norm(substr $s, 0, -4) if $n->() > 5 && _ends($s, 'ieme');
    if ($n->() > 7 && _ends($s, 'teuse')) { $s = substr($s, 0, -2); substr($s, -1) = 'r'; return _norm($s) }
    if ($n->() > 6 && _ends($s, 'teur')) { $s = substr($s, 0, -1); substr($s, -1) = 'r'; return _norm($s) }
    return _norm(substr $s, 0, -2) if $n->() > 5 && _ends($s, 'euse');
    if ($n->() > 8 && _ends($s, 'ere')) { $s = substr($s, 0, -1); substr($s, -2, 1) = 'e'; return _norm($s) }
    if ($n->() > 7 && _ends($s, 'ive')) { $s = substr($s, 0, -1); substr($s, -1) = 'f'; return _norm($s) }
    if ($n->() > 4 && (_ends($s, 'folle') || _ends($s, 'molle'))) { $s = substr($s, 0, -2); substr($s, -1) = 'u'; return _norm($s) }
    return _norm(substr $s, 0, -5) if $n->() > 9 && _ends($s, 'nnelle');
    return _norm(substr $s, 0, -3) if $n->() > 9 && _ends($s, 'nnel');
    if ($n->() > 4 && _ends($s, 'ete')) { $s = substr($s, 0, -1); substr($s, -2, 1) = 'e' }
    $s = substr $s, 0, -4 if $n->() > 8 && _ends($s, 'ique');
    return _norm(substr $s, 0, -3) if $n->() > 8 && _ends($s, 'esse');
    return _norm(substr $s, 0, -3) if $n->() > 7 && _ends($s, 'inage');
    if ($n->() > 9 && _ends($s, 'isation')) {
        $s = substr $s, 0, -7;
        substr($s, -2, 1) = 'e' if $n->() > 5 && _ends($s, 'ual');
        return _norm($s);
    }
    return _norm(substr $s, 0, -7) if $n->() > 9 && _ends($s, 'isateur');
    return _norm(substr $s, 0, -5) if $n->() > 8 && _ends($s, 'ation');
    return _norm(substr $s, 0, -5) if $n->() > 8 && _ends($s, 'ition');
    return _norm($s);
}

# the words of a folded character string: [ word (UTF-8 bytes, stemmed),
# stop word?, last (runs to the end of the text)?, the word unstemmed ];
# stemmed by the light
# stemmer (the loader's since 0.7).  With $join (the loader's indexing),
# two words with one "-" between them are also given joined, before the
# second ("tiers-lieux": tierslieux, lieux)
sub text_words {
    my ($f, $join) = @_;
    my @w;
    my ($pend, $prev) = (-1, '');
    while ($f =~ /([\p{L}\p{N}]+)/g) {
        my ($run, $end) = ($1, pos $f);
        my $start = $end - length $run;
        my $bytes = $run;
        utf8::encode($bytes);
        if (length $bytes > 64) {       # cut at the last character boundary
            my $cut = '';
            for my $c (split //, $run) {
                my $b = $c;
                utf8::encode($b);
                last if length($cut) + length($b) > 64;
                $cut .= $b;
            }
            $bytes = $cut;
        }
        next if substr($f, $end, 1) eq "'" && $ELISION{$bytes};
        my $stop = length $bytes <= 6 && $STOP{$bytes} ? 1 : 0;
        if ($join && $start == $pend + 1 && substr($f, $pend, 1) eq '-'
            && length($prev) + length($bytes) <= 64)
        {
            push @w, [ stem_light($prev . $bytes), 0, 0, $prev . $bytes ];
        }
        ($pend, $prev) = ($end, $bytes);
        push @w, [ stem_light($bytes), $stop, $end == length $f ? 1 : 0, $bytes ];
    }
    return @w;
}

# the titles' signatures (resources_title_sig): FNV-1a 32, a bit of 64
sub _fnv {
    my ($h, $s) = @_;
    $h = (($h ^ $_) * 16777619) & 0xffffffff for unpack 'C*', $s;
    return $h;
}

sub _sig_bits { my $h = shift; return (1 << ($h % 64)) | (1 << (($h >> 6) % 64)) }

sub sig_pair {
    my ($a, $b) = @_;
    my $h = _fnv(2166136261, $a);
    $h = ($h * 16777619) & 0xffffffff;
    return _sig_bits(_fnv($h, $b));
}

sub sig_word { return _sig_bits(_fnv(2166136261, $_[0])) }

# (pairs of words one after the other, stemmed; words as written)
sub title_sig {
    my ($title) = @_;
    my ($s0, $s1, $prev) = (0, 0, undef);
    for my $w (text_words(fold($title))) {
        next if $w->[1];
        $s0 |= sig_pair($prev, $w->[0]) if defined $prev;
        $s1 |= sig_word($w->[3]);
        $prev = $w->[0];
    }
    return ($s0, $s1);
}

# ---------------------------------------------------------------------------
# Random helpers
# ---------------------------------------------------------------------------

sub pick { my $a = shift; return $a->[ int rand @$a ] }

# [ [value, weight], ... ] (or what cumulative() made of one): a value
# drawn with its weight
sub cumulative {
    my ($list) = @_;
    my $sum = 0;
    return { list => $list, c => [ map { $sum += $_->[1] } @$list ] };
}

sub weighted {
    my ($w) = @_;
    $w = cumulative($w) if ref $w eq 'ARRAY';
    my ($list, $c) = @$w{qw(list c)};
    my $r = rand($c->[-1]);
    my ($lo, $hi) = (0, $#$c);
    while ($lo < $hi) {
        my $mid = ($lo + $hi) >> 1;
        if ($c->[$mid] > $r) { $hi = $mid } else { $lo = $mid + 1 }
    }
    return $list->[$lo][0];
}

# Zipf-like: rank r gets 1 / (r + $shift)
sub zipf {
    my ($n, $shift) = @_;
    return [ map { 1 / ($_ + $shift) } 0 .. $n - 1 ];
}

sub strip_accents {
    my $s = NFKD(shift);
    $s =~ s/\p{Mn}//g;
    return $s;
}

# another spelling that folds the same
sub case_variant {
    my ($s) = @_;
    my $r = rand;
    return uc $s if $r < 0.25;
    return lc $s if $r < 0.5;
    return ucfirst lc $s if $r < 0.65;
    return strip_accents($s) if $r < 0.8;
    return $s;
}

# ---------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------

# real words: plurals, -aux and -eaux, families that share prefixes
our @WORDS = qw(
    économie économique économies sociale sociales solidaire solidaires
    solidarité collectivité collectivités territoire territoires territorial
    territoriaux territoriale projet projets coopération coopérative
    coopératives coopérer coop coopérateurs association associations
    associatif emploi emplois insertion foncier foncière fonciers habitat
    habitants mobilité alimentation alimentaire culture culturel énergie
    énergies transition numérique jeunesse santé quartier quartiers
    prioritaires politique politiques publique publiques commande marché
    marchés clause clauses achat achats responsable responsables local locaux
    locale locales bureau bureaux réseau réseaux tiers lieu lieux garage
    cantine repas vélo vélos ville villes commune communes département région
    régions acteur acteurs entreprise entreprises financement financements
    budget participatif citoyen citoyens citoyenne monnaie monnaies
    complémentaire épargne innovation sociétal expérimentation développement
    durable agriculture circuit court courts déchet déchets recyclage
    réemploi formation formations accompagnement gouvernance partenariat
    guide fiche webinaire séminaire rencontre rencontres atelier ateliers
    outil outils étude études rapport analyse enquête bilan pratique
    pratiques élus techniciens habitant cuisine bénévoles ancien nouvel
    œuvre cœur manœuvre chapeau chapeaux château châteaux journal journaux
    travail travaux égal égaux index prix choix voix faux ess scic scop
    2022 2023 2024 aujourd hui
);

# pseudo-words from syllables: rare words, and the "vol" and "zorb"
# families (a prefix of about 50 words, one of more than 64)
my @SYL = qw(ba ri to mel cor vin sa lu pé on ka dra fi ne go tur ja ze ul
             mo ki ra bi so);

sub _pseudo {
    my ($head, $k) = @_;
    my @out;
    my %seen;
    while (@out < $k) {
        my $w = $head . join '', map { pick(\@SYL) } 1 .. 1 + int rand 2;
        my $f = join ' ', map { $_->[0] } text_words(fold($w));
        next if $seen{$f}++ || $f =~ / / || $STOP{$f};
        push @out, $w;
    }
    return @out;
}

# keywords: [spelling, share of the records] - QPV > 1/8, several > 1/64
our @KEYWORDS = (
    [ 'QPV', 0.30 ], [ 'foncier', 0.17 ], [ 'Économie circulaire', 0.11 ],
    [ 'tiers-lieux', 0.08 ], [ 'insertion', 0.06 ], [ 'commande publique', 0.045 ],
    [ 'coopération', 0.035 ], [ 'mobilité', 0.028 ], [ 'alimentation', 0.022 ],
    [ 'ESS', 0.019 ], [ 'finances', 0.017 ], [ 'habitat', 0.0155 ],
    [ 'monnaie locale', 0.012 ], [ 'culture', 0.01 ], [ 'numérique', 0.008 ],
    [ 'jeunesse', 0.006 ], [ 'SCIC', 0.005 ], [ 'tiers-lieu', 0.004 ],
    [ 'énergie', 0.003 ], [ 'Développement durable', 0.0025 ],
);

our @TYPES = (
    [ 'Autres', 0.34 ], [ 'Ressources RTES', 0.28 ], [ 'Fiches Déniché', 0.15 ],
    [ 'Guides', 0.09 ], [ 'Webinaires', 0.06 ], [ 'Comptes rendus', 0.05 ],
    [ 'Annuaire', 0.02 ], [ 'Rapport', 0.008 ], [ 'Études de cas', 0.002 ],
);

# generate(n => N, private => share, seed => S, rare_keywords => K)
sub generate {
    my (%o) = @_;
    my $n = $o{n};
    srand($o{seed} // 1);

    my @rare_kw = map { ucfirst } _pseudo('', $o{rare_keywords} // 60);
    my @kw = (@KEYWORDS, map { [ $_, 0.0004 + rand(0.002) ] } @rare_kw);

    # the text vocabulary, Zipf over a fixed shuffle of real words, then
    # rare pseudo-words, then the families
    my @real = @WORDS;
    for my $i (reverse 1 .. $#real) {
        my $j = int rand($i + 1);
        @real[$i, $j] = @real[$j, $i];
    }
    my $z = zipf(scalar @real, 3);
    my @vocab = map { [ $real[$_], $z->[$_] ] } 0 .. $#real;
    my @pseudo = _pseudo('', 250);
    push @vocab, map { [ $_, 0.0015 ] } @pseudo;
    my @vol = _pseudo('vol', 50);
    push @vocab, map { [ $_, 0.004 ] } @vol;
    my @zorb = _pseudo('zorb', 90);
    push @vocab, map { [ $_, 0.0012 ] } @zorb;

    my $vocab = cumulative(\@vocab);
    my @stop = qw(de la et les des le du en pour sur dans avec un une au aux par);
    my @recs;
    for my $i (0 .. $n - 1) {
        my $private = rand() < ($o{private} // 0) ? 1 : 0;
        my $word = sub {
            my $w = weighted($vocab);
            my $r = rand;
            return "l'$w" if $r < 0.04 && $w =~ /^[aeiouéèê]/;
            return "d’$w" if $r < 0.06 && $w =~ /^[aeiouéèê]/;
            return ucfirst $w if $r < 0.1;
            return $w;
        };
        my $text = sub {
            my ($k) = @_;
            my @t;
            for (1 .. $k) {
                push @t, pick(\@stop) if rand() < 0.3;
                push @t, $word->();
            }
            my $s = join ' ', @t;
            $s =~ s/ (\S+) (\S+)/ $1-$2/ if rand() < 0.2;      # joined words
            $s .= rand() < 0.5 ? '.' : rand() < 0.5 ? ' ?' : '';
            return ucfirst $s;
        };
        my $title = $text->(2 + int rand 5);
        $title = sprintf('Fiche n°%d - %s', 1 + int rand 40, $title) if rand() < 0.1;
        $title = "« $title »" if rand() < 0.03;
        my %seen;
        my @k;
        for my $e (@kw) {
            next unless rand() < $e->[1];
            my $s = $e->[0];
            # other spellings of frequent keywords only: the most common
            # spelling stays the same in every view
            $s = case_variant($s) if $e->[1] >= 0.01 && rand() < 0.04;
            push @k, $s unless $seen{ fold($s) }++;
        }
        for my $x (reverse 1 .. $#k) {
            my $y = int rand($x + 1);
            @k[$x, $y] = @k[$y, $x];
        }
        my $type = weighted(\@TYPES);
        $type = case_variant($type) if rand() < 0.02 && $type =~ /^(Autres|Ressources RTES)$/;
        my $date;
        if (rand() < 0.86) {
            my $y = weighted([ map { [ 2014 + $_, 1 + $_ ] } 0 .. 11 ]);
            my $m = 1 + int rand 12;
            $date = rand() < 0.25 ? sprintf('%d-%02d-%02d', $y, $m, 1 + int rand 28)
                                  : sprintf('%d-%02d', $y, $m);
        }
        push @recs, {
            id => sprintf('res-%05d-%s', $i, lc strip_accents((split /[^\w]/, $real[$i % @real])[0] || 'x')),
            title => $title,
            type => $type,
            private => $private,
            date => $date,
            keywords => \@k,
            summary => $text->(3 + int rand 8),
            body => $text->(8 + int rand 25),
            ($i % 17 == 0 ? (updated => sprintf('2025-%02d-%02d', 1 + $i % 12, 1 + $i % 28)) : ()),
            ($i % 23 == 0 ? (series => 'Déniché pour vous', number => $i % 50)
             : $i % 29 == 0 ? (series => 'Focus', number => undef)
             : $i % 31 == 0 ? (series => '  ', number => 1) : ()),
        };
    }
    for (@recs) { $_->{id} =~ s/[^a-z0-9-]/-/g }
    return { records => \@recs, rare_keywords => \@rare_kw, words => [ map { $_->[0] } @vocab ],
             vol => \@vol, zorb => \@zorb };
}

sub to_jsonl {
    my ($recs) = @_;
    my $js = JSON::PP->new->utf8->canonical;
    my $out = '';
    for my $r (@$recs) {
        my %h = %$r;
        $h{private} = $h{private} ? JSON::PP::true : JSON::PP::false;
        delete $h{$_} for grep { /^_/ } keys %h;
        $out .= $js->encode(\%h) . "\n";
    }
    return $out;
}

# ---------------------------------------------------------------------------
# The reference evaluator
# ---------------------------------------------------------------------------
#
# Every set of resources is a string of one byte per docno (the rank in the
# default order: newest first, undated last, ties in input order), zero when
# the resource is not in it: a keyword's, a type's, a date range's, the view's.
# A word's byte says the best field it is in, as a "thermometer" (body 1,
# summary 3, keyword 7, title 15), so that the OR of several words' strings
# is, docno by docno, the best field of any of them (a prefix's union), and
# the AND of any sets is their intersection.  The answer is then read docno
# by docno, in the order asked for.

package Resources::Differential::Reference;

use strict;
use warnings;

our @CODE = (1, 3, 7, 15);                   # body, summary, keyword, title
our %WEIGHT = (1 => 1, 3 => 2, 7 => 4, 15 => 8);

sub _datekey {
    my $d = shift;
    return -1 unless defined $d;
    my ($y, $m, $dd) = $d =~ /^(\d{4})-(\d\d)(?:-(\d\d))?$/ or die "bad date $d";
    return $y * 10000 + $m * 100 + ($dd // 0);
}

sub _bytes { my $s = shift; utf8::encode($s); return $s }
sub _fold { return _bytes(Resources::Differential::fold(shift)) }

# a keyword's key (resources_keyword_key): its words stemmed, stop words
# kept, one space between; its folded form when it has no word
sub _kwkey {
    my ($s) = @_;
    my @w = map { $_->[0] } Resources::Differential::text_words(Resources::Differential::fold($s));
    return @w ? join(' ', @w) : _fold($s);
}

sub new {
    my ($class, $recs, %o) = @_;
    my $self = bless { private => $o{private} ? 1 : 0 }, $class;
    my @r;
    for my $i (0 .. $#$recs) {
        my $x = $recs->[$i];
        my %e = (i => $i, id => $x->{id}, private => $x->{private} ? 1 : 0,
                 datekey => _datekey($x->{date}), rec => $x);
        $e{month} = $e{datekey} < 0 ? undef : int($e{datekey} / 100);
        $e{year} = $e{datekey} < 0 ? undef : int($e{datekey} / 10000);
        $e{title} = _fold($x->{title});
        $e{type} = _fold($x->{type});
        # the series, folded (none when it folds to nothing); the update
        # order's key: the "updated" day, else the date
        $e{series} = defined $x->{series} && length _fold($x->{series}) ? _fold($x->{series}) : undef;
        $e{updkey} = defined $x->{updated} ? _datekey($x->{updated}) : $e{datekey};
        $e{kw} = { map { _kwkey($_) => 1 } @{ $x->{keywords} || [] } };
        # words: the best field of each (title 3, keyword 2, summary 1, body 0)
        my (%w, %forms);
        my @fields = ([ 0, $x->{body} ], [ 1, $x->{summary} ],
                      (map { [ 2, $_ ] } @{ $x->{keywords} || [] }), [ 3, $x->{title} ]);
        for my $f (@fields) {
            next unless defined $f->[1];
            for my $w (Resources::Differential::text_words(Resources::Differential::fold($f->[1]), 1)) {
                next if $w->[1];                                  # a stop word
                $w{ $w->[0] } = $f->[0] if !defined $w{ $w->[0] } || $w{ $w->[0] } < $f->[0];
                $forms{ $w->[3] } = $w->[0];
            }
        }
        $e{words} = \%w;
        $e{forms} = \%forms;
        $e{tsig} = [ Resources::Differential::title_sig($x->{title}) ];
        push @r, \%e;
    }

    my @doc = sort { $b->{datekey} <=> $a->{datekey} || $a->{i} <=> $b->{i} } @r;
    $doc[$_]{docno} = $_ for 0 .. $#doc;
    my $n = @doc;
    $self->{n} = $n;
    $self->{doc} = \@doc;
    $self->{zero} = "\0" x $n;

    my @v = grep { $self->{private} || !$_->{private} } @doc;
    $self->{viewmask} = $self->{zero};
    vec($self->{viewmask}, $_->{docno}, 8) = 1 for @v;

    # the orders of the view: oldest first (undated last, ties in input
    # order), by folded title (then input order)
    $self->{oldest} = [ map { $_->{docno} } sort {
        ($a->{datekey} < 0) <=> ($b->{datekey} < 0) || $a->{datekey} <=> $b->{datekey}
        || $a->{i} <=> $b->{i} } @v ];
    $self->{bytitle} = [ map { $_->{docno} } sort { $a->{title} cmp $b->{title} || $a->{i} <=> $b->{i} } @v ];
    # by update: newest first, undated last, ties in docno order
    $self->{byupdated} = [ map { $_->{docno} } sort {
        ($a->{updkey} < 0) <=> ($b->{updkey} < 0) || $b->{updkey} <=> $a->{updkey}
        || $a->{docno} <=> $b->{docno} } @v ];

    # the sets of the view; spellings: the most common one in the view, the
    # first seen on a tie
    my (%kw, %type, %series, %word, %year, %count, %first);
    my $seq = 0;
    for my $e (sort { $a->{i} <=> $b->{i} } @v) {
        my $d = $e->{docno};
        for my $k (sort keys %{ $e->{kw} }) {
            $kw{$k} //= $self->{zero};
            vec($kw{$k}, $d, 8) = 1;
        }
        $type{ $e->{type} } //= $self->{zero};
        vec($type{ $e->{type} }, $d, 8) = 1;
        if (defined $e->{series}) {
            $series{ $e->{series} } //= $self->{zero};
            vec($series{ $e->{series} }, $d, 8) = 1;
        }
        for my $w (sort keys %{ $e->{words} }) {
            $word{$w} //= $self->{zero};
            vec($word{$w}, $d, 8) = $CODE[ $e->{words}{$w} ];
        }
        $self->{form}{$_} = $e->{forms}{$_} for keys %{ $e->{forms} };
        if (defined $e->{year}) {
            $year{ $e->{year} } //= $self->{zero};
            vec($year{ $e->{year} }, $d, 8) = 1;
        }
        for my $s (@{ $e->{rec}{keywords} || [] }) {
            my $f = _kwkey($s);
            $count{k}{$f}{$s}++;
            $first{k}{$f}{$s} //= $seq++;
        }
        my $s = $e->{rec}{type};
        $count{t}{ $e->{type} }{$s}++;
        $first{t}{ $e->{type} }{$s} //= $seq++;
    }
    for my $k (qw(k t)) {
        for my $f (sort keys %{ $count{$k} || {} }) {
            my ($c, $o) = ($count{$k}{$f}, $first{$k}{$f});
            ($self->{display}{$k}{$f}) = sort { $c->{$b} <=> $c->{$a} || $o->{$a} <=> $o->{$b} } keys %$c;
        }
    }
    @$self{qw(kwset typeset wordset yearset seriesset)} = (\%kw, \%type, \%word, \%year, \%series);
    $self->{vocab} = [ sort keys %word ];
    $self->{formlist} = [ sort keys %{ $self->{form} || {} } ];
    return $self;
}

# the words a prefix (bytes) expands to: the first 64 the view has, in
# key (byte) order
sub expand {
    my ($self, $p) = @_;
    my $v = $self->{vocab};
    my ($lo, $hi) = (0, scalar @$v);
    while ($lo < $hi) {
        my $mid = ($lo + $hi) >> 1;
        if ($v->[$mid] lt $p) { $lo = $mid + 1 } else { $hi = $mid }
    }
    my @w;
    for (my $i = $lo; $i < @$v && @w < 64 && substr($v->[$i], 0, length $p) eq $p; $i++) {
        push @w, $v->[$i];
    }
    return @w;
}

# the required words of q: [ [words], prefix?, the word ]; the first 10
# (the others are ignored, and the answer says so); no syntax (-word, OR,
# quotes: t/058-query-syntax.t)
sub required {
    my ($self, $q) = @_;
    return [] unless defined $q && length $q;
    my $f = Resources::Differential::fold($q);
    $f .= ' ' if length $f && $q =~ /[ \t\r\n]\z/;      # a whole last word
    my @req;
    my @ws = grep { !$_->[1] } Resources::Differential::text_words($f);
    splice @ws, 10 if @ws > 10;
    my $zero = $self->{zero};
    for (my $k = 0; $k < @ws; $k++) {
        my $w = $ws[$k];
        my ($x, $sf) = ($w->[0], $w->[3]);
        # two words that the texts also write joined: both (the second a
        # prefix when it is the last, typed on), or the joined one
        if ($k + 1 < @ws && length($sf) + length($ws[$k + 1][3]) <= 64) {
            # (a form of the texts of the view, then its word)
            my $j = Resources::Differential::stem_light($sf . $ws[$k + 1][3]);
            if (exists $self->{form}{ $sf . $ws[$k + 1][3] } && $self->{wordset}{$j}) {
                my $b = $zero;
                if ($k + 2 == @ws && $ws[-1][2] && length $ws[-1][0] >= 2) {
                    $b |= $self->{wordset}{$_} // $zero for $self->_typed($ws[$k + 1]);
                } else {
                    $b = $self->{wordset}{ $ws[$k + 1][0] } // $zero;
                }
                my $m = (($self->{wordset}{$x} // $zero) & $b) | $self->{wordset}{$j};
                push @req, [ [], 0, $x, $m ];
                $k++;
                next;
            }
        }
        if ($w->[2] && length $x >= 2) {
            push @req, [ [ $self->_typed($w) ], 1, $x ];
        } else {
            my @e = ($x);
            @e = $self->typos($sf, 0) if !$self->{wordset}{$x} && !$self->{notypos};
            push @req, [ \@e, 0, $x ];
        }
    }
    return \@req;
}

# the words the last word typed on stands for: looked up from the word as
# typed, or, when it is a form of the texts, from what it shares with its
# stem; else the words of the forms that start with it; else its typos
sub _typed {
    my ($self, $w) = @_;
    my ($x, $sf) = ($w->[0], $w->[3]);
    my $key = $sf;
    if (exists $self->{form}{$sf}) {
        my $i = 0;
        $i++ while $i < length($x) && $i < length($sf) && substr($x, $i, 1) eq substr($sf, $i, 1);
        $key = substr $sf, 0, $i if $i >= 2;
    }
    my @e = $self->expand($key);
    @e = $self->form_words($sf) unless @e;
    @e = $self->typos($sf, 1) if !@e && !$self->{notypos};
    return @e;
}

# the words of the forms that start with $p: the first 64 distinct
sub form_words {
    my ($self, $p) = @_;
    my (@w, %seen);
    for my $f (@{ $self->{formlist} }) {
        next unless substr($f, 0, length $p) eq $p;
        last if @w == 64;
        my $s = $self->{form}{$f};
        push @w, $s unless $seen{$s}++;
    }
    return @w;
}

# optimal string alignment distance of two byte strings
sub _osa {
    my ($a, $b) = @_;
    my ($m, $n) = (length $a, length $b);
    my @d = ([ 0 .. $n ]);
    for my $i (1 .. $m) {
        $d[$i][0] = $i;
        for my $j (1 .. $n) {
            my $c = substr($a, $i - 1, 1) eq substr($b, $j - 1, 1) ? 0 : 1;
            my $v = $d[$i - 1][$j - 1] + $c;
            $v = $d[$i - 1][$j] + 1 if $d[$i - 1][$j] + 1 < $v;
            $v = $d[$i][$j - 1] + 1 if $d[$i][$j - 1] + 1 < $v;
            $v = $d[$i - 2][$j - 2] + 1
                if $i > 1 && $j > 1 && substr($a, $i - 1, 1) eq substr($b, $j - 2, 1)
                   && substr($a, $i - 2, 1) eq substr($b, $j - 1, 1) && $d[$i - 2][$j - 2] + 1 < $v;
            $d[$i][$j] = $v;
        }
    }
    return \@d;
}

# a word's typo derivations (src/resources_typos.c): the words of the
# first forms of the view, in byte order, that start with its first byte
# and are within 1 edit (5 to 8 bytes) or 2 (9 and more); as a prefix, that
# have a prefix within them; at most 64 distinct words
sub typos {
    my ($self, $q, $prefix) = @_;
    my $k = length $q >= 9 ? 2 : length $q >= 5 ? 1 : 0;
    return () unless $k;
    # one typo first: two only when one finds nothing
    if ($k == 2) {
        my @one = $self->typos_k($q, $prefix, 1);
        return @one if @one;
    }
    return $self->typos_k($q, $prefix, $k);
}

sub typos_k {
    my ($self, $q, $prefix, $k) = @_;
    my (@w, %seen);
    for my $t (@{ $self->{formlist} }) {
        next unless substr($t, 0, 1) eq substr($q, 0, 1);
        my $d = _osa($t, $q);
        my $ok = 0;
        if ($prefix) {
            for my $i (1 .. length $t) { if ($d->[$i][length $q] <= $k) { $ok = 1; last } }
        } else {
            $ok = $d->[length $t][length $q] <= $k;
        }
        next unless $ok;
        last if @w == 64;
        my $s = $self->{form}{$t};
        push @w, $s unless $seen{$s}++;
    }
    return @w;
}

sub _month {
    my ($s, $end) = @_;
    return $s =~ /^(\d{4})-(\d\d)$/ ? $1 * 100 + $2 : $s * 100 + ($end ? 12 : 1);
}

# the answer to a list query: { status, total, offset, limit, ids, facets }
sub list {
    my ($self, $q) = @_;
    my $req = $self->required($q->{q});
    return { status => 400, message => '"q" has more than 10 words' } unless $req;
    return { status => 400, message => '"to" is before "from"' }
        if defined $q->{from} && defined $q->{to} && _month($q->{to}, 1) < _month($q->{from}, 0);
    my $zero = $self->{zero};

    my $m = $self->{viewmask};
    for my $k (@{ $q->{kw} || [] }) {
        $m &= $self->{kwset}{ _kwkey($k) } // $zero;
    }
    if (@{ $q->{type} || [] }) {
        my $u = $zero;
        $u |= $self->{typeset}{ _fold($_) } // $zero for @{ $q->{type} };
        $m &= $u;
    }
    if (@{ $q->{series} || [] }) {
        my $u = $zero;
        $u |= $self->{seriesset}{ _fold($_) } // $zero for @{ $q->{series} };
        $m &= $u;
    }
    my @words;                  # each required word's fields (a prefix: the best)
    for my $r (@$req) {
        my $u = $zero;
        $u |= $self->{wordset}{$_} // $zero for @{ $r->[0] };
        $u = $r->[3] if defined $r->[3];
        push @words, $u;
        $m &= $u;
    }
    if (defined $q->{from} || defined $q->{to}) {
        my $lo = defined $q->{from} ? _month($q->{from}, 0) : 0;
        my $hi = defined $q->{to} ? _month($q->{to}, 1) : 999999;
        # docnos are in date order, newest first: the range is a run of them
        my ($x, $y) = (0, 0);
        my $doc = $self->{doc};
        $x++ while $x < @$doc && defined $doc->[$x]{month} && $doc->[$x]{month} > $hi;
        $y = $x;
        $y++ while $y < @$doc && defined $doc->[$y]{month} && $doc->[$y]{month} >= $lo;
        $m &= "\0" x $x . "\1" x ($y - $x) . "\0" x (@$doc - $y);
    }
    $m =~ tr/\0/\1/c;

    my @m;
    push @m, pos($m) - 1 while $m =~ /\x01/g;          # docno order

    my $sort = $q->{sort} // (@$req ? 'relevance' : 'newest');
    $sort = 'newest' if $sort eq 'relevance' && !@$req;
    if ($sort eq 'oldest') {
        @m = grep { vec($m, $_, 8) } @{ $self->{oldest} };
    } elsif ($sort eq 'title') {
        @m = grep { vec($m, $_, 8) } @{ $self->{bytitle} };
    } elsif ($sort eq 'updated') {
        @m = grep { vec($m, $_, 8) } @{ $self->{byupdated} };
    } elsif ($sort eq 'relevance') {
        # the sum of each word's weight, ties in the default order
        my (@level, %score);
        for my $d (@m) {
            my $s = 0;
            $s += $WEIGHT{ vec($_, $d, 8) } for @words;
            push @{ $level[$s] }, $d;
            $score{$d} = $s;
        }
        @m = map { @{ $_ || [] } } reverse @level;
        # the first 20 again: score, q's pairs the title holds, q's whole
        # words it holds as typed, docno (the titles' signatures)
        my @qw = grep { !$_->[1] } Resources::Differential::text_words(Resources::Differential::fold($q->{q}));
        splice @qw, 10 if @qw > 10;
        my $prefix = @qw && $qw[-1][2] && length $qw[-1][0] >= 2
                     && $q->{q} !~ /[ \t\r\n]\z/;
        # (words of the view only: not a typo's or a prefix's)
        my (@pair, @whole, $prev);
        for my $i (0 .. $#qw) {
            my $x = $qw[$i];
            if (!$self->{wordset}{ $x->[0] }) { undef $prev; next }
            push @pair, Resources::Differential::sig_pair($prev->[0], $x->[0]) if $prev;
            push @whole, Resources::Differential::sig_word($x->[3]) unless $prefix && $i == $#qw;
            $prev = $x;
        }
        if (($q->{offset} // 0) < 20 && (@qw >= 2 || @whole)) {
            my $w = @m < 20 ? scalar @m : 20;
            my %bonus;
            for my $d (@m[0 .. $w - 1]) {
                my ($s0, $s1) = @{ $self->{doc}[$d]{tsig} };
                my $e = grep { ($s0 & $_) == $_ } @pair;
                my $x = grep { ($s1 & $_) == $_ } @whole;
                $bonus{$d} = $e * 32 + $x;
            }
            @m[0 .. $w - 1] = sort { $score{$b} <=> $score{$a} || $bonus{$b} <=> $bonus{$a} || $a <=> $b }
                              @m[0 .. $w - 1];
        }
    }

    my $limit = $q->{limit} // 20;
    my $offset = $q->{offset} // 0;
    my $end = $offset + $limit < @m ? $offset + $limit : scalar @m;
    my @page = $offset < $end ? @m[$offset .. $end - 1] : ();
    my %res = (status => 200, total => scalar @m, offset => $offset + 0, limit => $limit + 0,
               ids => [ map { $self->{doc}[$_]{id} } @page ]);

    if (defined $q->{facets}) {
        my $fl = $q->{facet_limit} // 10;
        my %want = map { $_ => 1 } split /,/, $q->{facets};
        my %f;
        for my $k (grep { $want{ $_->[0] } } [ kw => 'kwset', 'k' ], [ type => 'typeset', 't' ],
                                              [ year => 'yearset', undef ])
        {
            my ($name, $sets, $kind) = @$k;
            my %c;
            for my $v (keys %{ $self->{$sets} }) {
                my $n = ($m & $self->{$sets}{$v}) =~ tr/\0//c;
                $c{$v} = $n if $n;
            }
            my @v = sort { $c{$b} <=> $c{$a} || $a cmp $b } keys %c;
            splice @v, $fl if @v > $fl;
            $f{$name} = [ map { { value => defined $kind ? $self->{display}{$kind}{$_} : sprintf('%04d', $_),
                                  count => $c{$_} } } @v ];
        }
        $res{facets} = \%f;
    }
    return \%res;
}

# ---------------------------------------------------------------------------
# Random queries
# ---------------------------------------------------------------------------

package Resources::Differential;

# a random list query over a generated catalogue ($cat: generate()'s),
# offsets drawn around the total that $ref (a Reference) gives
sub random_query {
    my ($cat, $ref) = @_;
    my %q;
    my @kwlist = (@KEYWORDS, map { [ $_, 0.003 ] } @{ $cat->{rare_keywords} });
    my $nkw = weighted([ [0, 40], [1, 33], [2, 19], [3, 8] ]);
    for (1 .. $nkw) {
        my $k = rand() < 0.04 ? pick([ 'inexistant', 'Zorglub', 'QP' ]) : weighted(\@kwlist);
        $k = case_variant($k) if rand() < 0.3;
        push @{ $q{kw} }, $k;
    }
    my $ntype = weighted([ [0, 60], [1, 30], [2, 10] ]);
    for (1 .. $ntype) {
        my $t = rand() < 0.03 ? 'Classifié' : weighted(\@TYPES);
        $t = case_variant($t) if rand() < 0.3;
        push @{ $q{type} }, $t;
    }
    my $nseries = weighted([ [0, 85], [1, 12], [2, 3] ]);
    for (1 .. $nseries) {
        push @{ $q{series} }, pick([ 'Déniché pour vous', 'deniche POUR vous', 'Focus', 'focus',
                                     'Inconnue', '  ' ]);
    }
    my $nq = weighted([ [0, 42], [1, 28], [2, 20], [3, 10] ]);
    if ($nq) {
        my $words = $cat->{words};
        my @t;
        for my $k (1 .. $nq) {
            my $r = rand;
            my $w = $r < 0.45 ? $words->[ int(rand(rand(60))) ]     # frequent
                  : $r < 0.75 ? pick($words)
                  : $r < 0.85 ? pick([ @{ $cat->{vol} }, @{ $cat->{zorb} } ])
                  : $r < 0.93 ? (pick(\@KEYWORDS))->[0]
                  : pick([ 'inconnu', 'xyzzy', 'élus', 'ESS', 'n°', 'l’ESS', 'aujourd’hui' ]);
            $w = case_variant($w) if rand() < 0.2;
            push @t, pick([qw(de la et les des du l’ d')]) if rand() < 0.12;
            push @t, $w;
        }
        # the last word a prefix
        if (rand() < 0.4) {
            my @c = split //, $t[-1];
            my $len = @c > 2 ? 2 + int rand(@c - 2) : scalar @c;
            $t[-1] = join '', @c[0 .. $len - 1];
        }
        $t[-1] = pick([qw(vo vol volb zo zor zorb zorbb coop tiers-li économ ter terr territ soli)])
            if rand() < 0.08;
        my $s = join ' ', @t;
        $s = "l'$s" if rand() < 0.05;
        $s .= pick([ ' ', '-', '  ', "'" ]) if rand() < 0.1;
        $q{q} = $s;
    }
    if (rand() < 0.25) {
        $q{from} = rand() < 0.5 ? 2014 + int rand 12 : sprintf('%d-%02d', 2014 + int rand 12, 1 + int rand 12);
    }
    if (rand() < 0.25) {
        $q{to} = rand() < 0.5 ? 2015 + int rand 11 : sprintf('%d-%02d', 2015 + int rand 11, 1 + int rand 12);
    }
    my $sort = weighted([ [undef, 40], ['newest', 12], ['oldest', 12], ['title', 12], ['relevance', 12],
                          ['updated', 12] ]);
    $q{sort} = $sort if defined $sort;
    my $r = rand;
    $q{limit} = $r < 0.3 ? undef : $r < 0.4 ? 0 : $r < 0.5 ? 1 : $r < 0.6 ? 100 : 1 + int rand 60;
    delete $q{limit} unless defined $q{limit};
    if (rand() < 0.35) {
        $q{facets} = join ',', pick([ [qw(kw)], [qw(type)], [qw(year)], [qw(kw type)], [qw(kw year)],
                                       [qw(type year)], [qw(kw type year)], [qw(year kw)],
                                       [qw(year type kw)] ])->@*;
        $q{facet_limit} = pick([ 1, 2, 3, 5, 10, 20, 100 ]) if rand() < 0.6;
    }
    # the offset: mostly the start, else around the end
    $r = rand;
    if ($r > 0.5) {
        my $total = $ref ? $ref->list({ %q, limit => 0, offset => 0, facets => undef })->{total} // 0 : 100;
        my $lim = $q{limit} // 20;
        $q{offset} = $r < 0.65 ? 1 + int rand 40
                   : $r < 0.75 ? ($total > $lim ? $total - $lim + int rand 3 : $total)
                   : $r < 0.85 ? int rand($total + 1)
                   : $r < 0.93 ? $total + int rand 5
                   : pick([ 1000000000, 999999, 5000 ]);
    }
    return \%q;
}

sub uri_escape {
    my ($s, $plus) = @_;
    utf8::encode($s);
    $s =~ s/([^A-Za-z0-9\-._~ ])/sprintf '%%%02X', ord $1/ge;
    $s =~ s/ /$plus ? '+' : '%20'/ge;
    return $s;
}

sub query_string {
    my ($q) = @_;
    my @p;
    push @p, map { "kw=" . uri_escape($_, rand() < 0.5) } @{ $q->{kw} || [] };
    push @p, map { "type=" . uri_escape($_, rand() < 0.5) } @{ $q->{type} || [] };
    push @p, map { "series=" . uri_escape($_, rand() < 0.5) } @{ $q->{series} || [] };
    for my $k (qw(q from to sort limit offset facets facet_limit)) {
        push @p, "$k=" . uri_escape($q->{$k}, rand() < 0.5) if defined $q->{$k};
    }
    # any order
    for my $i (reverse 1 .. $#p) {
        my $j = int rand($i + 1);
        @p[$i, $j] = @p[$j, $i];
    }
    return join '&', @p;
}

# ---------------------------------------------------------------------------
# A keep-alive HTTP/1.1 client
# ---------------------------------------------------------------------------

package Resources::Differential::Client;

use strict;
use warnings;

sub new {
    my ($class, %o) = @_;
    return bless { addr => $o{addr} // '127.0.0.1', port => $o{port},
                   host => $o{host} // 'localhost', timeout => $o{timeout} // 10,
                   buf => '' }, $class;
}

sub close {
    my $self = shift;
    close $self->{sock} if $self->{sock};
    delete $self->{sock};
    $self->{buf} = '';
}

sub _connect {
    my $self = shift;
    my $s = IO::Socket::INET->new(PeerAddr => $self->{addr}, PeerPort => $self->{port},
                                  Proto => 'tcp', Timeout => $self->{timeout})
        or return undef;
    binmode $s;
    setsockopt($s, Socket::IPPROTO_TCP(), Socket::TCP_NODELAY(), 1);
    $self->{sock} = $s;
    $self->{buf} = '';
    $self->{used} = 0;
    return $s;
}

# more bytes into the buffer: 1, or 0 at EOF, undef on a timeout or error
sub _fill {
    my $self = shift;
    my $sel = IO::Select->new($self->{sock});
    return undef unless $sel->can_read($self->{timeout});
    my $r = sysread($self->{sock}, my $chunk, 262144);
    return undef unless defined $r;
    return 0 if $r == 0;
    $self->{buf} .= $chunk;
    return 1;
}

sub request {
    my ($self, $method, $uri, @hdr) = @_;
    for my $try (1, 2) {
        if (!$self->{sock}) {
            $self->_connect or return { error => "cannot connect: $!" };
        }
        my $reused = $self->{used}++;
        my $req = "$method $uri HTTP/1.1\r\nHost: $self->{host}\r\n"
            . join('', map { "$_\r\n" } @hdr) . "\r\n";
        local $SIG{PIPE} = 'IGNORE';
        my $w = syswrite($self->{sock}, $req);
        my $res = defined $w && $w == length $req ? $self->_response($method eq 'HEAD') : { error => "write: $!" };
        # a kept-alive connection closed by the server: once more, anew
        if ($res->{error} && $res->{retry} && $reused && $try == 1) {
            $self->close;
            next;
        }
        $self->close if $res->{error} || $res->{close};
        return $res;
    }
}

sub _response {
    my ($self, $head) = @_;
    my $i;
    while (($i = index $self->{buf}, "\r\n\r\n") < 0) {
        my $r = $self->_fill;
        return { error => 'connection closed before a response', retry => length($self->{buf}) == 0 }
            if defined $r && $r == 0;
        return { error => 'timeout waiting for the response header' } unless $r;
    }
    my $h = substr $self->{buf}, 0, $i;
    substr($self->{buf}, 0, $i + 4) = '';
    my ($line, @lines) = split /\r\n/, $h;
    my ($status) = $line =~ m{^HTTP/1\.[01] (\d{3})} or return { error => "bad status line: $line" };
    my @headers = map { /^([^:]+):\s*(.*)$/ ? [ $1, $2 ] : [ $_, '' ] } @lines;
    my %hh;
    $hh{ lc $_->[0] } = $_->[1] for @headers;
    my %res = (status => $status, headers => \@headers, header => \%hh, head => $h);
    $res{close} = 1 if ($hh{connection} // '') =~ /close/i;
    my $body = '';
    if ($head || $status == 304 || $status == 204 || $status < 200) {
        # nothing
    } elsif (($hh{'transfer-encoding'} // '') =~ /chunked/i) {
        while (1) {
            my $j;
            while (($j = index $self->{buf}, "\r\n") < 0) {
                $self->_fill or return { error => 'truncated chunked body' };
            }
            my $len = hex substr($self->{buf}, 0, $j);
            while (length($self->{buf}) < $j + 2 + $len + 2) {
                $self->_fill or return { error => 'truncated chunked body' };
            }
            $body .= substr $self->{buf}, $j + 2, $len;
            substr($self->{buf}, 0, $j + 2 + $len + 2) = '';
            last if $len == 0;
        }
    } elsif (defined $hh{'content-length'}) {
        my $len = $hh{'content-length'};
        while (length($self->{buf}) < $len) {
            $self->_fill or return { error => 'truncated body' };
        }
        $body = substr $self->{buf}, 0, $len;
        substr($self->{buf}, 0, $len) = '';
    } else {
        while (1) {
            my $r = $self->_fill;
            last if defined $r && $r == 0;
            return { error => 'timeout reading the body' } unless $r;
        }
        $body = $self->{buf};
        $self->{buf} = '';
        $res{close} = 1;
    }
    $res{body} = $body;
    return \%res;
}

1;
