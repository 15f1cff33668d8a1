# consentguard — see README.md. Every target works offline except the installs
# (Debian packages, npm), which go only to the registries reachable here.
SHELL := /bin/bash
GO ?= go
GOROOT := $(shell $(GO) env GOROOT)
WASM_EXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec
NPM_DIR := $(CURDIR)/.cache/npm
SHARED ?= $(abspath $(CURDIR)/../shared)
BIN := $(CURDIR)/bin
WORKERD_VERSION ?= 1.20261117.1
export WORKERD_VERSION
export CONSENTGUARD_NODE_MODULES := $(NPM_DIR)/node_modules

# Packages that must build and pass under GOOS=js GOARCH=wasm (the core).
WASM_PKGS := ./wasm/... ./edge/...
# Packages with a guard-tagged variant (the extension's core, `make wasm`), also tested with -tags guard.
GUARD_PKGS := ./wasm/consent ./wasm/msg

.PHONY: all demo test test-unit test-wasm test-e2e vet bench bench-wasm bench-workerd fuzz wasm startup size lists edge clean deps deps-node deps-chromium build audit-e2e audit-peer

all: build

# VERSION: what 'consentguard version' prints (git describe, else the build info).
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN)/consentguard ./cmd/consentguard

demo: build
	$(BIN)/consentguard demo

## test: every test, e2e included. Installs what it needs, fails loudly when it cannot.
test: deps vet test-unit test-wasm test-e2e
	@echo "make test: all suites passed"

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet $(WASM_PKGS)
	GOOS=js GOARCH=wasm $(GO) vet -tags guard ./wasm/cmd/guard ./wasm/engine ./policylists $(GUARD_PKGS)

test-unit:
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -tags guard $(GUARD_PKGS)
	$(GO) test -count=1 -tags guard -run Guard ./policylists

test-wasm: deps-node
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$(WASM_EXEC)" $(WASM_PKGS)
	GOOS=js GOARCH=wasm $(GO) test -count=1 -tags guard -exec="$(WASM_EXEC)" $(GUARD_PKGS)

test-e2e: deps
	@if ls e2e/*_test.go >/dev/null 2>&1; then \
	  $(GO) test -count=1 -tags e2e -timeout 50m -skip TestAuditBlacklight ./e2e/...; \
	else echo "make test-e2e: no e2e tests in this tree"; fi

deps: deps-node deps-chromium deps-extension deps-firefox deps-peer-pages

## deps-node: npm packages used by tests (Ghostery's engine as the oracle, workerd) in .cache/npm.
deps-node:
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	  echo "deps-node: installing Debian nodejs and npm"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm) || { echo "deps-node: cannot install node/npm"; exit 1; }; \
	fi
	@if [ ! -d $(NPM_DIR)/node_modules/@ghostery/adblocker ] || [ ! -x $(NPM_DIR)/node_modules/.bin/workerd ]; then \
	  mkdir -p $(NPM_DIR) && cd $(NPM_DIR) && ( [ -f package.json ] || echo '{"private":true}' > package.json ) && \
	  npm install --no-audit --no-fund --loglevel=error @ghostery/adblocker@2.18.2 workerd@$(WORKERD_VERSION) || { echo "deps-node: npm install failed"; exit 1; }; \
	fi
	@bash scripts/install-workerd.sh >/dev/null

## deps-chromium: Debian's chromium for the e2e tests.
deps-chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "deps-chromium: installing Debian chromium"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || { echo "deps-chromium: cannot install chromium"; exit 1; }; \
	fi

## bench: Go benchmarks, our match benchmark and the peer anchors in the same run.
bench: build deps-node
	mkdir -p $(CURDIR)/.cache && $(GO) test -run '^$$' -bench . -benchmem -count 3 ./wasm/... ./edge/... | tee $(CURDIR)/.cache/bench-go.txt
	$(BIN)/consentguard bench compare --shared $(SHARED)

## bench-wasm: the matcher and the rewriter compiled to js/wasm under node, and lol-html in the same run.
bench-wasm:
	GOOS=js GOARCH=wasm $(GO) build -o $(BIN)/benchmatch.wasm ./bench/cmd/benchmatch
	node $(GOROOT)/lib/wasm/wasm_exec_node.js $(BIN)/benchmatch.wasm --requests $(SHARED)/data/requests/requests.jsonl \
	  --list $(SHARED)/data/lists/easylist.txt --list $(SHARED)/data/lists/easyprivacy.txt
	GOOS=js GOARCH=wasm $(GO) build -o $(BIN)/rewritebench.wasm ./wasm/rewrite/cmd/rewritebench
	cd $(SHARED)/.. && for p in page-100k:100 page-1m:30; do \
	  node $(GOROOT)/lib/wasm/wasm_exec_node.js $(BIN)/rewritebench.wasm -hosts $(SHARED)/data/lists/tracker-hosts.txt \
	    $(SHARED)/data/html/$${p%%:*}.html $${p##*:} 16; done
	$(BIN)/consentguard bench anchors --what rewrite

## bench-workerd: the Worker in real workerd: CPU added per 100 KB page over a pass-through Worker (after 2000 warm-up requests), cold start.
bench-workerd: deps-node
	$(GO) test -tags e2e -run '^$$' -bench 'WorkerdAdded' -benchtime 1000x ./e2e/
	$(GO) test -tags e2e -run '^$$' -bench 'WorkerdColdWarm' -benchtime 3x ./e2e/

## fuzz: every fuzz target for FUZZTIME each.
FUZZTIME ?= 15s
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; done

## wasm: the extension's Go core, with the guard tag (our catalog only: no Adblock Plus/TDS matcher, regexp or crypto).
wasm:
	$(GO) generate ./policylists
	GOOS=js GOARCH=wasm $(GO) build -tags guard -trimpath -ldflags='-s -w' -o $(BIN)/guard.wasm ./wasm/cmd/guard
	cp "$(GOROOT)/lib/wasm/wasm_exec.js" $(BIN)/wasm_exec.js

## startup: the extension core's cold start under node (instantiate, Go start to ready; medians of 9 fresh processes).
startup: wasm deps-node
	node scripts/guard-ready.js $(BIN)/guard.wasm 9

## size: guard.wasm's gzip -9 size and its code per Go package (from a build that keeps the name section).
size: wasm
	GOOS=js GOARCH=wasm $(GO) build -tags guard -trimpath -o $(BIN)/guard-names.wasm ./wasm/cmd/guard
	$(GO) run ./internal/wasmsize/cmd/wasmsize -top 40 $(BIN)/guard-names.wasm
	@raw=$$(stat -c %s $(BIN)/guard.wasm); gz=$$(gzip -9 -c $(BIN)/guard.wasm | wc -c); \
	echo "guard.wasm: $$raw bytes, gzip -9 $$gz bytes (target <= 1048576)"

lists: build
	$(BIN)/consentguard lists check policylists/*.txt

edge:
	bash scripts/build-worker.sh

clean:
	rm -rf $(BIN) edge/build

## audit-e2e: the audit's browser tests alone (fixture sites, golden reports, bad input).
audit-e2e: deps-chromium
	$(GO) test -count=1 -tags e2e -timeout 20m -run 'TestAudit(Fixtures|BadInput|Remote|CrossSiteFrames|BannerInFrame)' ./e2e/

## audit-peer: Blacklight (npm, into .cache/blacklight) and our audit on the same 10 pages; figures in .cache/audit-peer.json.
audit-peer: deps-chromium deps-node
	sh scripts/install-blacklight.sh >/dev/null
	$(GO) test -count=1 -tags e2e -timeout 40m -run TestAuditBlacklight -v ./e2e/

## extension: the browser extension, extension/dist/chromium and extension/dist/firefox (see extension/build).
## EXT_LISTS="a.txt b.txt": extra Adblock Plus lists (EasyList, EasyPrivacy) for the "upstream" ruleset; none by default.
EXT_DIST := $(CURDIR)/extension/dist
EXT_LISTS ?=
EXT_LIST_FLAGS = $(foreach l,$(EXT_LISTS),-list $(l))
.PHONY: extension extension-zip deps-extension
deps-extension:
	@bash scripts/install-autoconsent.sh >/dev/null
	@bash scripts/install-web-ext.sh >/dev/null

extension: wasm deps-extension
	$(GO) run ./extension/cmd/extbuild -src extension/src -out $(EXT_DIST) -wasm $(BIN)/guard.wasm \
	  -root $(CURDIR) -wasm-exec "$(GOROOT)/lib/wasm/wasm_exec.js" -autoconsent $(NPM_DIR)/node_modules/@duckduckgo/autoconsent $(EXT_LIST_FLAGS)

## extension-zip: store-ready zips, extension/dist/consentguard-{chromium,firefox}.zip.
extension-zip: wasm deps-extension
	$(GO) run ./extension/cmd/extbuild -zip -src extension/src -out $(EXT_DIST) -wasm $(BIN)/guard.wasm \
	  -root $(CURDIR) -wasm-exec "$(GOROOT)/lib/wasm/wasm_exec.js" -autoconsent $(NPM_DIR)/node_modules/@duckduckgo/autoconsent $(EXT_LIST_FLAGS)

.PHONY: clean-extension
clean: clean-extension
clean-extension:
	rm -rf $(EXT_DIST)

## deps-firefox: Debian's firefox-esr and NSS certutil (libnss3-tools) for the Firefox e2e test.
.PHONY: deps-firefox
deps-firefox:
	@if ! command -v firefox-esr >/dev/null || ! command -v certutil >/dev/null; then \
	  echo "deps-firefox: installing Debian firefox-esr and libnss3-tools"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr libnss3-tools) || { echo "deps-firefox: cannot install firefox-esr/libnss3-tools"; exit 1; }; \
	fi

## deps-peer-pages: npm packages of DuckDuckGo's privacy-test-pages server, in .cache/peer-pages.
.PHONY: deps-peer-pages
deps-peer-pages: deps-node
	@bash scripts/install-peer-pages.sh >/dev/null
