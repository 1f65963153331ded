# ngx_http_resources: a resource catalogue served by nginx from LMDB.
#
#   make          deps, then build/ngx_http_resources_module.so and
#                 build/resources-load
#   make run      build, load the sample catalogue, serve it and the demo page
#                 on http://127.0.0.1:8080/
#   make stop     stop what "make run" started
#   make test     build, C unit tests, a short fuzzing run, the tests under
#                 ASan/UBSan and valgrind, then every t/*.t
#   make fuzz     FUZZ_SECONDS=N per fuzz target
#   make test-asan  the tests under AddressSanitizer/UBSan, valgrind
#   make bench    BENCH_N=N resources: req/s against nginx's own ceiling
#   make bench-stemmers  bench/stemmers.c: the French stemmers compared
#                 (docs/format.md section 4)
#   make relevance  the judged set of t/relevance/ (issue #22): the module
#                 against MiniSearch and lunr, build/relevance/results.md
#   make deb, make test-deb   Debian packages, and their install test
#   make deps     install the missing Debian packages (as root)
#   make promtool build/promtool/promtool, from Debian's prometheus package
#   make clean    remove build/ and t/servroot

SHELL := /bin/bash

NGX_SRC     ?= /usr/share/nginx/src
NGINX       ?= /usr/sbin/nginx
BUILD       := build
MODULE      := $(BUILD)/ngx_http_resources_module.so
LOADER      := $(BUILD)/resources-load
PROMTOOL    := $(BUILD)/promtool/promtool
RUN_PORT    ?= 8080

# Debian packages: to build, to test, to run the demo
DEPS := nginx nginx-dev liblmdb-dev lmdb-utils liblz4-dev libpcre2-dev zlib1g-dev \
        libutf8proc-dev libjansson-dev build-essential pkg-config curl \
        libtest-base-perl libtest-longstring-perl libtext-diff-perl \
        libjson-pp-perl libipc-run-perl libio-pty-perl libxml-libxml-perl \
        liblmdb-file-perl libyaml-libyaml-perl \
        chromium fonts-liberation clang libclang-rt-14-dev

CC          ?= gcc
CFLAGS      ?= -O2 -g
WARN        := -Wall -Wextra -Werror -Wno-unused-parameter
ALL_CFLAGS  := -std=gnu99 $(WARN) $(CFLAGS) -Isrc -Isrc/loader \
               $(shell dpkg-buildflags --get CPPFLAGS 2>/dev/null)
LIBS        := -llmdb -llz4 -lz -lutf8proc -ljansson -lpcre2-8 -pthread

SHARED_SRCS := src/resources_text.c src/resources_query.c \
               src/resources_postings.c src/resources_snapshot.c \
               src/resources_atom.c src/resources_fields.c \
               src/resources_html.c src/resources_gzip.c \
               src/resources_containers.c src/resources_highlight.c \
               src/resources_stem.c src/resources_synonyms.c \
               src/resources_typos.c
LOADER_SRCS := src/loader/resources_util.c src/loader/resources_build.c \
               src/loader/resources_prepare.c \
               src/loader/resources_listing.c src/loader/resources_json.c \
               src/loader/resources_jsonl.c src/loader/resources_prefixes.c \
               src/loader/resources_facets.c src/loader/resources_pairs.c \
               src/loader/resources_prefault.c \
               src/loader/resources_metrics.c \
               src/loader/resources_synfile.c
HEADERS     := $(wildcard src/*.h src/loader/*.h)
LIB_OBJS    := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SHARED_SRCS) $(LOADER_SRCS))
MODULE_SRCS := $(wildcard src/ngx_http_resources_*.c) $(SHARED_SRCS)

UNIT_SRCS   := $(wildcard t/unit/test_*.c)
UNIT_BINS   := $(patsubst t/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))

# workers run as nobody: their files must be reachable by nobody
NOBODY_OK   := $(shell perl -e '$$> = getpwnam("nobody"); exit(-x $$ARGV[0] ? 0 : 1)' $(CURDIR) 2>/dev/null && echo yes)
ifeq ($(NOBODY_OK),yes)
RUN_DIR     ?= $(CURDIR)/$(BUILD)/run
SERVROOT    ?= $(CURDIR)/t/servroot
else
RUN_DIR     ?= /tmp/ngx-resources-$(shell id -u)/run
SERVROOT    ?= /tmp/ngx-resources-$(shell id -u)/servroot
endif

.PHONY: fuzz test-fuzz-short test-asan test-asan-run bench relevance relevance-deps bench-postings bench-gzip bench-stemmers bench-records node-deps install-packages all deps module loader unit test test-unit test-t run demo-prefix stop clean \
        deb test-deb promtool

all: deps
	@$(MAKE) --no-print-directory module loader

deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEPS)"

# installs the missing ones of $(PACKAGES): as root, one apt-get call
install-packages:
	@missing=""; \
	for p in $(PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	        | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	    echo "missing Debian packages:$$missing"; \
	    echo "run as root: apt-get update && apt-get install -y$$missing"; \
	    exit 1; \
	fi; \
	echo "installing:$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing

# the module, against the nginx that Debian ships (nginx-dev)

$(BUILD)/nginx/Makefile: config
	@mkdir -p $(BUILD)/nginx
	cd $(NGX_SRC) && . ./conf_flags && ./configure \
	    --with-cc-opt="$$(dpkg-buildflags --get CFLAGS) -fPIC $$(dpkg-buildflags --get CPPFLAGS)" \
	    --with-ld-opt="$$(dpkg-buildflags --get LDFLAGS) -fPIC" \
	    "$${NGX_CONF_FLAGS[@]}" \
	    --add-dynamic-module=$(CURDIR) --builddir=$(CURDIR)/$(BUILD)/nginx \
	    > $(CURDIR)/$(BUILD)/nginx/configure.log 2>&1 \
	    || { tail -20 $(CURDIR)/$(BUILD)/nginx/configure.log; exit 1; }

module: $(MODULE)

$(MODULE): $(BUILD)/nginx/Makefile $(MODULE_SRCS) $(HEADERS)
	$(MAKE) --no-print-directory -f $(CURDIR)/$(BUILD)/nginx/Makefile -C $(NGX_SRC) modules
	cp $(BUILD)/nginx/ngx_http_resources_module.so $@.tmp
	mv -f $@.tmp $@

# the loader and the nginx-free code

loader: $(LOADER)

$(BUILD)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LOADER): $(BUILD)/obj/loader/resources_load.o $(LIB_OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# tests

$(BUILD)/unit/%: t/unit/%.c t/unit/tap.h $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -It/unit $< $(LIB_OBJS) -o $@ $(LIBS)

unit: $(UNIT_BINS)

test: all
	@$(MAKE) --no-print-directory install-packages PACKAGES="valgrind"
	@$(MAKE) --no-print-directory test-unit test-fuzz-short test-asan-run \
	    test-t

# fuzzing: a short run in "make test", longer ones by hand
FUZZ_SECONDS ?= 15

fuzz: deps
	t/fuzz/run.sh $(FUZZ_SECONDS)

test-fuzz-short:
	t/fuzz/run.sh 12

# the unit tests and t/ with the module and loader built with ASan and
# UBSan, and valgrind on the loader (about 3 minutes, part of "make test")
test-asan: deps $(PROMTOOL)
	@$(MAKE) --no-print-directory install-packages PACKAGES="valgrind"
	t/asan/run.sh

test-asan-run: node-deps $(PROMTOOL)
	t/asan/run.sh

# the benchmark (docs/benchmarks.md): BENCH_N resources, default 100000;
# BENCH_VOCAB=large (the default: a 20,000-word French vocabulary, wfrench)
# or small (the 536-word catalogue of the figures up to 0.4.0)
BENCH_N ?= 100000
BENCH_VOCAB ?= large

bench: deps
	@$(MAKE) --no-print-directory install-packages PACKAGES="wrk time wfrench"
	@$(MAKE) --no-print-directory module loader
	BENCH_N=$(BENCH_N) BENCH_VOCAB=$(BENCH_VOCAB) bench/run

# search quality (docs/relevance.md): t/relevance/'s 202 resources and
# judged queries searched by the module (public location, Debian's nginx),
# MiniSearch and lunr with lunr-languages' French stemmer (npm, installed
# into build/relevance/ from bench/relevance/package-lock.json);
# success@1, success@3 and nDCG@10 per engine and category, also written to
# build/relevance/results.md (and per query to results.tsv)
relevance: module loader relevance-deps
	node bench/relevance/run.mjs --deps $(BUILD)/relevance --out $(BUILD)/relevance

relevance-deps: $(BUILD)/relevance/node_modules/.package-lock.json

$(BUILD)/relevance/node_modules/.package-lock.json: bench/relevance/package.json \
                                                    bench/relevance/package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null \
	    || $(MAKE) --no-print-directory install-packages PACKAGES="nodejs npm"
	@mkdir -p $(BUILD)/relevance
	cp bench/relevance/package.json bench/relevance/package-lock.json $(BUILD)/relevance/
	npm ci --prefix $(BUILD)/relevance --no-audit --no-fund
	@touch $@

# the posting formats of a snapshot compared, what positions and deflate
# pieces would cost (docs/format.md):
#   taskset -c 1 build/bench/postings_formats SNAPSHOT.mdb
#   build/bench/text_costs CATALOGUE.jsonl
#   taskset -c 1 build/bench/typo_walk SNAPSHOT.mdb
#   taskset -c 1 build/bench/containers_bench SNAPSHOT.mdb   (schema 3's
#                 container sets against u32 lists, flat bitmaps, CRoaring)
bench-postings: $(BUILD)/bench/postings_formats $(BUILD)/bench/text_costs \
                $(BUILD)/bench/typo_walk $(BUILD)/bench/containers_bench

# CRoaring is compared when libroaring-dev is there (postings_formats
# installs it)
$(BUILD)/bench/containers_bench: bench/containers_bench.c \
                                 $(BUILD)/obj/resources_containers.o \
                                 $(BUILD)/obj/resources_postings.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(if $(wildcard /usr/include/roaring/roaring.h),-DRESOURCES_BENCH_ROARING=1) \
	    -o $@ $^ -llmdb -pthread $(if $(wildcard /usr/include/roaring/roaring.h),-lroaring)

$(BUILD)/bench/postings_formats: bench/postings_formats.c \
                                 $(BUILD)/obj/resources_postings.o
	@$(MAKE) --no-print-directory install-packages \
	    PACKAGES="libroaring-dev libstreamvbyte-dev"
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ -llmdb -lroaring -lstreamvbyte

$(BUILD)/bench/typo_walk: bench/typo_walk.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ -llmdb

$(BUILD)/bench/text_costs: bench/text_costs.c $(BUILD)/obj/resources_text.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ -lutf8proc -lz -llz4

# the stemmer of #22's word forms (docs/format.md section 4): Lucene's
# FrenchMinimalStemmer and FrenchLightStemmer (ported), Snowball French
# (libstemmer) and the project's stemmer, after the project's folding:
#   build/bench/stemmers check    (the ports against Lucene's test words)
#   build/bench/stemmers forms
#   build/bench/stemmers vocab CATALOGUE.jsonl
#   taskset -c 1 build/bench/stemmers speed CATALOGUE.jsonl
#   build/bench/stemmers judged t/relevance/catalogue.jsonl t/relevance/queries.tsv
bench-stemmers: $(BUILD)/bench/stemmers

$(BUILD)/bench/stemmers: bench/stemmers.c $(BUILD)/obj/resources_text.o
	@$(MAKE) --no-print-directory install-packages \
	    PACKAGES="libstemmer-dev libjansson-dev libutf8proc-dev"
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ -lstemmer -ljansson -lutf8proc -pthread

# how the records could shrink (issue #23's "Records", docs/format.md
# §13 "Records, measured"): tails and list forms with LZ4 (the input's
# first 64 KiB or a trained dictionary), LZ4HC, zstd, groups of records
#   taskset -c 1 build/bench/records_costs SNAPSHOT.mdb CATALOGUE.jsonl
bench-records: $(BUILD)/bench/records_costs

$(BUILD)/bench/records_costs: bench/records_costs.c src/resources_store.h
	@$(MAKE) --no-print-directory install-packages \
	    PACKAGES="liblz4-dev libzstd-dev liblmdb-dev"
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< -llmdb -llz4 -lzstd

# compressed answers from pieces compressed in advance, against compressing
# the whole answer (issue #26, docs/format.md "Compressed answers (#26):
# measured"):
#   taskset -c 1 build/bench/gzip_pieces [-t 11] [-a] [-w DIR] SNAPSHOT.mdb
#   bench/gzip_callgrind SNAPSHOT.mdb       instructions a body, each method
#   bench/gzip_nginx SNAPSHOT.mdb MODULE.so DIR/pieces6.gz-0
bench-gzip: $(BUILD)/bench/gzip_pieces

$(BUILD)/bench/gzip_pieces: bench/gzip_pieces.c src/resources_store.h \
                            $(BUILD)/obj/resources_gzip.o
	@$(MAKE) --no-print-directory install-packages \
	    PACKAGES="zlib1g-dev libzstd-dev libdeflate-dev liblmdb-dev"
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/obj/resources_gzip.o \
	    -llmdb -lz -lzstd -ldeflate

test-unit: unit
	prove -e '' $(UNIT_BINS)

# npm packages of the browser and OpenAPI tests (node >= 20, as the machine
# has it; Debian's nodejs 18 is too old for playwright-core)

node-deps: t/browser/node_modules/.package-lock.json \
           t/openapi/node_modules/.package-lock.json

t/%/node_modules/.package-lock.json: t/%/package.json t/%/package-lock.json
	@node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' \
	    || { echo "node >= 20 needed (found $$(node --version 2>&1))"; exit 1; }
	npm ci --prefix t/$* --no-audit --no-fund
	@touch $@

test-t: module loader node-deps $(PROMTOOL)
	RESOURCES_BROWSER_TESTS=1 RESOURCES_NODE_TESTS=1 \
	RESOURCES_PROMTOOL=$(CURDIR)/$(PROMTOOL) \
	TEST_NGINX_BINARY=$(NGINX) \
	TEST_NGINX_LOAD_MODULES=$(CURDIR)/$(MODULE) \
	TEST_NGINX_SERVROOT=$(SERVROOT) \
	TEST_RESOURCES_LOADER=$(CURDIR)/$(LOADER) \
	    prove -r t/

# promtool, for t/090-monitoring-conf.t (the alert rules of conf/prometheus/
# checked and their unit tests run): Debian has it only in the prometheus
# package, whose installation adds a system user and enables and starts the
# Prometheus server. So the package is downloaded (apt-get download: the
# archive's signatures checked as for an install, no root needed once the
# package lists are there) and promtool alone unpacked from it into build/;
# nothing is installed. As root the lists are updated when they lack it.
promtool: $(PROMTOOL)

$(PROMTOOL):
	@rm -rf $(BUILD)/promtool.tmp && mkdir -p $(BUILD)/promtool.tmp $(dir $@)
	@cd $(BUILD)/promtool.tmp && \
	get() { apt-get -q -o APT::Sandbox::User=$$(id -un) download prometheus >/dev/null; }; \
	get || { [ "$$(id -u)" = 0 ] && apt-get update -qq && get; } \
	    || { echo "cannot download Debian's prometheus package (for promtool)"; exit 1; }
	dpkg-deb --fsys-tarfile $(BUILD)/promtool.tmp/prometheus_*.deb \
	    | tar -xO ./usr/bin/promtool > $@.tmp
	chmod 755 $@.tmp && mv -f $@.tmp $@
	@rm -rf $(BUILD)/promtool.tmp
	@$@ --version | head -1

# the demo: Debian's nginx with conf/demo.conf, prefix $(RUN_DIR)

run: all
	@$(MAKE) --no-print-directory -s stop >/dev/null
	@$(MAKE) --no-print-directory demo-prefix
	$(NGINX) -p $(RUN_DIR)/ -c $(CURDIR)/conf/demo.conf
	@echo
	@echo "Serving the sample catalogue on http://127.0.0.1:$(RUN_PORT)/"
	@echo "Open http://127.0.0.1:$(RUN_PORT)/ in a browser: the demo page (the list that"
	@echo "nginx renders through SSI, the widget, and what to copy into your site)."
	@echo "Or try the API:"
	@echo "  curl -s 'http://127.0.0.1:$(RUN_PORT)/resources?kw=QPV'"
	@echo "  curl -s 'http://127.0.0.1:$(RUN_PORT)/resources?q=tiers-lieu&facets=kw,type'"
	@echo "  curl -s 'http://127.0.0.1:$(RUN_PORT)/resources/_meta'"
	@echo "Stop it with: make stop"

# the demo's prefix, $(RUN_DIR): the module, the sample catalogue, and www/
# (the demo page and the widget's files) as html/www/; no prerequisite, so
# that t/082-demo.t makes one with the module and loader it tests
# (make demo-prefix RUN_DIR=... MODULE=... LOADER=...)
demo-prefix:
	@mkdir -p $(RUN_DIR)/logs $(RUN_DIR)/html $(RUN_DIR)/tmp
	@chmod 755 $(RUN_DIR) $(RUN_DIR)/html
	@cp $(MODULE) $(RUN_DIR)/ngx_http_resources_module.so
	$(LOADER) -o $(RUN_DIR)/html/catalogue.mdb t/data/sample.jsonl
	@rm -rf $(RUN_DIR)/html/www.tmp && cp -R www $(RUN_DIR)/html/www.tmp \
	    && chmod -R a+rX $(RUN_DIR)/html/www.tmp \
	    && rm -rf $(RUN_DIR)/html/www && mv $(RUN_DIR)/html/www.tmp $(RUN_DIR)/html/www

stop:
	@pidfile=$(RUN_DIR)/logs/nginx.pid; \
	if [ -s $$pidfile ] && kill -0 $$(cat $$pidfile) 2>/dev/null; then \
	    pid=$$(cat $$pidfile); kill -QUIT $$pid; \
	    for i in $$(seq 50); do kill -0 $$pid 2>/dev/null || break; sleep 0.1; done; \
	    kill -0 $$pid 2>/dev/null && kill -KILL $$pid; \
	    echo "stopped nginx (pid $$pid)"; \
	else \
	    echo "nothing to stop"; \
	fi

# Debian packages (debhelper, dh_nginx): build/deb/*.deb

DEB_DEPS := debhelper dpkg-dev lintian

deb: deps
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_DEPS)"
	t/pkg/build-deb.sh

# installs the packages, serves from the system nginx, purges them and
# checks the machine is as it was: changes the system, not in "make test"
test-deb: deb
	t/pkg/test-deb.sh

clean:
	rm -rf $(BUILD) t/servroot
