# Tally. `make run` and `make test` work on a fresh Debian machine with Node 20.
SHELL := /bin/bash
.DEFAULT_GOAL := build

TS_SOURCES := $(shell find services core -name '*.ts' 2>/dev/null)
TEST_FILES = $(shell find tests -name '*.test.ts' | sort)
CONSOLE_SOURCES := $(shell find console -type f 2>/dev/null)

.PHONY: deps build run test bench clean reliability-report soak

build/.system-deps: scripts/system-deps.sh
	@scripts/system-deps.sh
	@mkdir -p build && touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

deps: build/.system-deps node_modules/.package-lock.json

# The console's end-to-end tests drive Debian's chromium (never a downloaded browser).
build/.chromium: scripts/system-deps.sh
	@scripts/system-deps.sh chromium
	@mkdir -p build && touch $@

build/kafka-mock: tools/kafka-mock/kafka-mock.c build/.system-deps
	cc -O2 -Wall -o $@ $< -lrdkafka

dist/.built: node_modules/.package-lock.json $(TS_SOURCES) tsconfig.json
	npx tsc -p tsconfig.json
	@touch $@

# The operator console: type-checked, then bundled by Vite into dist/console (served at /console).
# After dist/.built: tsc also emits the console modules its tests import; the bundle replaces them.
dist/console/index.html: dist/.built node_modules/.package-lock.json $(CONSOLE_SOURCES)
	npx tsc -p console/tsconfig.json
	npx vite build --config console/vite.config.ts

build: deps dist/.built dist/console/index.html

run: build
	@scripts/run-local.sh

test: deps build build/kafka-mock build/.chromium
	node --import tsx --test --test-concurrency=2 $(TEST_FILES)

# Renders the summaries of the last reliability test run into README.md's Reliability section.
reliability-report:
	node --import tsx scripts/reliability-report.ts

# The reliability suites with heavier settings (more rounds, kills and load); not part of make test.
soak: deps build build/kafka-mock
	TALLY_SOAK=1 node --import tsx --test --test-concurrency=1 tests/reliability/*.test.ts
	node --import tsx scripts/reliability-report.ts

bench: deps build build/kafka-mock
	node --import tsx bench/run.ts $(BENCH_ARGS)

clean:
	rm -rf dist build
