# Strata — two commands on a fresh machine (see README):
#   make serve   installs what is missing, builds the app, serves it on http://127.0.0.1:8080
#   make test    installs what is missing and runs every test layer
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CARGO_BIN):$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 120
WASM := --target wasm32-unknown-unknown

.PHONY: help setup setup-e2e serve build-release test lint test-native test-wasm test-e2e bench bench-browser fuzz

help:
	@echo "make serve   build and serve Strata on http://127.0.0.1:8080"
	@echo "make test    run every test layer (lint, native, wasm in Chromium, end-to-end)"
	@echo "make bench   native criterion benchmarks; make bench-browser for the in-browser benchmark"
	@echo "make fuzz    a long run of the ingest property tests"

setup:
	@tools/setup.sh

setup-e2e:
	@tools/setup.sh --e2e

serve: setup
	trunk serve --release --no-autoreload --address 127.0.0.1 --port 8080

build-release: setup
	trunk build --release

test: setup-e2e lint test-native test-wasm test-e2e
	@echo "== all test layers passed =="

lint:
	@echo "== rustfmt =="
	cargo fmt --all --check
	@echo "== clippy (native) =="
	cargo clippy --all-targets -- -D warnings
	@echo "== clippy (wasm32) =="
	cargo clippy --all-targets $(WASM) -- -D warnings

test-native:
	@echo "== native tests (cargo test) =="
	cargo test --all-targets

test-wasm:
	@echo "== wasm tests in headless Chromium (wasm-bindgen-test) =="
	cargo test $(WASM) --test web_worker --test web_ui

test-e2e:
	@echo "== end-to-end tests (Playwright + Chromium) =="
	trunk build
	@echo "== the page's wasm links no Arrow, Parquet or codec code =="
	python3 tools/check_app_wasm.py dist/app_bg.wasm
	cd tests/e2e && node --test --test-concurrency=1 specs/

bench:
	cargo bench --bench ingest
	cargo bench --bench profile
	cargo bench --bench compare
	cargo bench --bench sample
	cargo bench --bench validate
	cargo bench --bench clean

bench-browser: setup-e2e build-release
	cargo build --release --bin strata
	cd tests/e2e && node bench/ingest.bench.mjs
	cd tests/e2e && node bench/validate.bench.mjs
	cd tests/e2e && node bench/steps.bench.mjs
	cd tests/e2e && node bench/startup.bench.mjs
	cd tests/e2e && node bench/export.bench.mjs

fuzz:
	PROPTEST_CASES=$${PROPTEST_CASES:-20000} cargo test --release --test fuzz_ingest
