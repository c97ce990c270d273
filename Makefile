# Tally. `make run` and `make test` work on a fresh Debian machine with Node 20.
SHELL := /bin/bash
.DEFAULT_GOAL := build

TS_SOURCES := $(shell find services core -name '*.ts' 2>/dev/null)
TEST_FILES = $(shell find tests -name '*.test.ts' | sort)

.PHONY: deps build run test bench clean

build/.system-deps: scripts/system-deps.sh
	@scripts/system-deps.sh
	@mkdir -p build && touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

deps: build/.system-deps node_modules/.package-lock.json

build/kafka-mock: tools/kafka-mock/kafka-mock.c build/.system-deps
	cc -O2 -Wall -o $@ $< -lrdkafka

dist/.built: node_modules/.package-lock.json $(TS_SOURCES) tsconfig.json
	npx tsc -p tsconfig.json
	@touch $@

build: deps dist/.built

run: build
	@scripts/run-local.sh

test: deps build build/kafka-mock
	node --import tsx --test --test-concurrency=2 $(TEST_FILES)

bench: deps build build/kafka-mock
	node --import tsx bench/run.ts $(BENCH_ARGS)

clean:
	rm -rf dist build
