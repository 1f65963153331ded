#!/usr/bin/perl
# md2man.pl - turn a manual page written in Markdown (docs/loader.md) into
# man(7) source, at package build time (pandoc and ronn are not build
# dependencies).  Only what the project's manual uses is supported:
#
#   # title(1)                first heading: replaced by .TH (see the options)
#   ## Section, ### Sub       .SH (upper case), .SS
#   paragraphs                .PP, text refilled by man
#   ```fenced``` and 4-space indented code blocks
#   | tables |                two columns: .TP (first cell as the tag);
#                             more: .TP, then "header: cell" lines
#   - * + and 1. lists        .IP, with indented continuation lines
#   > quotes                  .RS/.RE
#   `code` **bold** *italic* [text](url) <url> \-escapes
#
# The NAME section's "name — what" becomes "name \- what" (whatis entry).
#
# usage: md2man.pl --name NAME --section N [--date YYYY-MM-DD]
#                  [--source "pkg version"] [--manual "User Commands"] FILE.md

use strict;
use warnings;
use Getopt::Long qw(GetOptions);

my %opt = (section => 1, date => '', source => '', manual => '');
GetOptions(\%opt, 'name=s', 'section=s', 'date=s', 'source=s', 'manual=s')
    && @ARGV == 1
    or die "usage: $0 --name NAME --section N [--date D] [--source S]"
         . " [--manual M] FILE.md\n";

my $file = shift @ARGV;
open my $in, '<:encoding(UTF-8)', $file or die "$0: $file: $!\n";
my @lines = <$in>;
close $in;
chomp @lines;
s/\r$// for @lines;
binmode STDOUT, ':encoding(UTF-8)';

my %glyph = (
    "\x{2014}" => '\(em', "\x{2013}" => '\(en', "\x{2265}" => '\(>=',
    "\x{2264}" => '\(<=', "\x{2192}" => '\(->', "\x{2190}" => '\(<-',
    "\x{00d7}" => '\(mu', "\x{2026}" => '.\|.\|.', "\x{2019}" => q{'},
    "\x{2018}" => '\(oq', "\x{201c}" => '\(lq', "\x{201d}" => '\(rq',
    "\x{00a0}" => '\ ',
);
my $glyphs = join '', keys %glyph;

# escape plain text for roff (no font changes inside)
sub esc {
    my ($s, $code) = @_;
    $s =~ s/\\/\\e/g;
    $s =~ s/-/\\-/g if $code;
    $s =~ s/([$glyphs])/$glyph{$1}/g;
    return $s;
}

# inline Markdown to roff
sub inline {
    my ($s) = @_;
    my $out = '';
    while (length $s) {
        if ($s =~ s/^(`+)(.+?)\1(?!`)//s) {            # code span
            my $c = $2;
            $c =~ s/^ (.*) $/$1/s;
            $out .= '\fB' . esc($c, 1) . '\fR';
        } elsif ($s =~ s/^\\([\\`*_{}\[\]()#+\-.!|<>])//) {   # escape
            $out .= esc($1);
        } elsif ($s =~ s/^\*\*(.+?)\*\*//s || $s =~ s/^__(.+?)__//s) {
            $out .= '\fB' . inline_plain($1) . '\fR';
        } elsif ($s =~ s/^\*(?=\S)(.+?)(?<=\S)\*//s) {
            $out .= '\fI' . inline_plain($1) . '\fR';
        } elsif ($s =~ s/^\[([^\]]+)\]\(([^)\s]+)\)//) {  # link
            my ($t, $u) = ($1, $2);
            $out .= inline($t);
            $out .= ' (' . esc($u, 1) . ')' if $u =~ m{^[a-z]+://};
        } elsif ($s =~ s{^<((?:https?|ftp)://[^>\s]+|[^>\s@]+@[^>\s]+)>}{}) {
            $out .= esc($1, 1);
        } elsif ($s =~ s/^([^`\\*_\[<]+)//) {
            $out .= esc($1);
        } else {
            $s =~ s/^(.)//s;
            $out .= esc($1);
        }
    }
    return $out;
}

# emphasis contents: code spans allowed, no nested font changes
sub inline_plain {
    my ($s) = @_;
    my $r = inline($s);
    $r =~ s/\\f[BIR]//g;
    return $r;
}

# one roff text line: protect a leading control character
sub line {
    my ($s) = @_;
    $s =~ s/^\s+//;
    $s = "\\&$s" if $s =~ /^[.']/;
    return "$s\n";
}

sub split_row {
    my ($row) = @_;
    $row =~ s/^\s*\|//;
    $row =~ s/\|\s*$//;
    my (@cells, $cur, $in_code);
    $cur = '';
    while ($row =~ /\G(\\\||`+|[^`\\|]+|\\|\|)/gc) {
        my $t = $1;
        if ($t =~ /^`/) { $in_code = !$in_code; $cur .= $t }
        elsif ($t eq '\\|') { $cur .= $in_code ? '|' : '\\|' }
        elsif ($t eq '|' && !$in_code) { push @cells, $cur; $cur = '' }
        else { $cur .= $t }
    }
    push @cells, $cur;
    s/^\s+|\s+$//g for @cells;
    return @cells;
}

my $out = '';
my $title_done = 0;
my $section = '';
my @para;

sub flush_para {
    return unless @para;
    if ($section eq 'NAME') {
        my $t = join ' ', map { s/^\s+|\s+$//gr } @para;
        # "name — description": the whatis entry wants "name \- description"
        $t =~ s/\s+(?:\x{2014}|--?)\s+/ \\- /;
        my ($names, $desc) = split / \\- /, $t, 2;
        $out .= line(esc($names, 1) . (defined $desc ? ' \- ' . inline($desc) : ''));
    } else {
        # inline markup may span lines (a code span cut by a line break)
        $out .= ".PP\n";
        $out .= line($_)
            for split /\n/, inline(join "\n", map { s/^\s+|\s+$//gr } @para);
    }
    @para = ();
}

sub code_block {
    my (@code) = @_;
    $out .= ".PP\n.RS 4\n.nf\n";
    for my $c (@code) {
        my $l = esc($c, 1);
        $l = "\\&$l" if $l =~ /^[.']/;
        $out .= "$l\n";
    }
    $out .= ".fi\n.RE\n";
}

my $i = 0;
my $th = sub {
    return if $title_done++;
    my $name = uc($opt{name} // 'UNKNOWN');
    my @f = map { my $v = $_; $v =~ s/"/\\(dq/g; qq{"$v"} }
        ($opt{date}, $opt{source}, $opt{manual});
    $out = ".TH \"" . esc($name, 1) . "\" \"$opt{section}\" @f\n" . $out;
};

while ($i < @lines) {
    my $l = $lines[$i];

    if ($l =~ /^\s*$/) { flush_para(); $i++; next }

    if ($l =~ /^(```+|~~~+)/) {                        # fenced code
        my $fence = substr($1, 0, 3);
        flush_para();
        my @code;
        $i++;
        while ($i < @lines && $lines[$i] !~ /^\Q$fence\E/) {
            push @code, $lines[$i++];
        }
        $i++;
        code_block(@code);
        next;
    }

    if ($l =~ /^(#{1,6})\s+(.*?)\s*#*\s*$/) {          # headings
        my ($level, $text) = (length $1, $2);
        flush_para();
        if ($level == 1) {
            if (!defined $opt{name} && $text =~ /^([\w.-]+)\((\w+)\)/) {
                ($opt{name}, $opt{section}) = ($1, $2);
            }
            $th->();
        } elsif ($level == 2) {
            $th->();
            $section = uc $text;
            $out .= '.SH ' . line(inline($section) =~ s/^\\&//r);
        } else {
            $out .= '.SS ' . line(inline($text) =~ s/^\\&//r);
        }
        $i++;
        next;
    }

    if ($l =~ /^\s*\|/) {                               # table
        flush_para();
        my @rows;
        while ($i < @lines && $lines[$i] =~ /^\s*\|/) {
            push @rows, [split_row($lines[$i++])];
        }
        my @head;
        if (@rows > 1 && grep { /^:?-+:?$/ } @{$rows[1]}) {
            @head = @{shift @rows};
            shift @rows;
        }
        $out .= ".PP\n";
        for my $r (@rows) {
            my @c = @$r;
            $out .= ".TP\n" . line(inline(shift(@c) // ''));
            if (@c == 1) {
                $out .= line(inline($c[0]));
            } else {
                my $n = 1;
                for my $cell (@c) {
                    my $h = $head[$n++] // '';
                    $out .= ".br\n" if $n > 2;
                    $out .= line((length $h ? inline($h) . ': ' : '') . inline($cell));
                }
            }
        }
        next;
    }

    if ($l =~ /^(\s{0,3})([-*+]|\d+[.)])\s+(.*)$/) {   # lists
        flush_para();
        while ($i < @lines && $lines[$i] =~ /^(\s{0,3})([-*+]|\d+[.)])\s+(.*)$/) {
            my ($mark, $text) = ($2, $3);
            $i++;
            while ($i < @lines && $lines[$i] =~ /^\s{2,}\S/
                   && $lines[$i] !~ /^\s{0,3}([-*+]|\d+[.)])\s+/) {
                $text .= ' ' . ($lines[$i++] =~ s/^\s+//r);
            }
            $out .= $mark =~ /^\d/ ? ".IP $mark 4\n" : ".IP \\(bu 2\n";
            $out .= line(inline($text));
        }
        next;
    }

    if ($l =~ /^ {4}/ && !@para) {                      # indented code
        my @code;
        while ($i < @lines && ($lines[$i] =~ /^ {4}/ || $lines[$i] =~ /^\s*$/)) {
            push @code, substr($lines[$i++], 4) // '';
        }
        pop @code while @code && $code[-1] =~ /^\s*$/;
        code_block(@code);
        next;
    }

    if ($l =~ /^>\s?(.*)$/) {                           # block quote
        flush_para();
        my @q;
        while ($i < @lines && $lines[$i] =~ /^>\s?(.*)$/) {
            push @q, $1;
            $i++;
        }
        $out .= ".RS 4\n";
        for my $q (@q) {
            $out .= length($q) ? line(inline($q)) : ".PP\n";
        }
        $out .= ".RE\n";
        next;
    }

    push @para, $l;
    $i++;
}
flush_para();
$th->();

print $out;
