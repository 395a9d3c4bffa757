# Concurrency Lab — the README's commands. Each target installs what it needs.
SHELL := /bin/bash

GO       ?= go
BIN      := concurrency-lab
TOOLS    := $(CURDIR)/.bin
STATICCHECK_VERSION := v0.8.2
FYNE_TOOLS_VERSION  := v1.7.4

# Fyne logs a locale error under the bare C locale.
ifeq ($(filter-out C POSIX,$(or $(LANG),C)),)
export LANG := C.UTF-8
endif

BUILD_DEBS := gcc libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev
TEST_DEBS  := $(BUILD_DEBS) xvfb xauth xdotool x11-utils
WIN_DEBS   := gcc-mingw-w64-x86-64

.PHONY: run build test check e2e bench lint package package-windows screenshots deps test-deps clean

run: deps build
	./$(BIN)

build:
	$(GO) build -o $(BIN) .

# deps installs the Debian packages a build needs, printing what it installs.
deps:
	@./.ci/apt-install $(BUILD_DEBS)

test-deps:
	@./.ci/apt-install $(TEST_DEBS)

$(TOOLS)/staticcheck:
	GOBIN=$(TOOLS) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

$(TOOLS)/fyne:
	GOBIN=$(TOOLS) $(GO) install fyne.io/tools/cmd/fyne@$(FYNE_TOOLS_VERSION)

test: test-deps check e2e

# check: formatting, vet, staticcheck and the unit tests under the race detector.
check: $(TOOLS)/staticcheck
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed on: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(TOOLS)/staticcheck ./...
	$(GO) test -race -count=1 ./...

# e2e drives the real binary (a -race build) under Xvfb.
e2e: test-deps
	$(GO) build -race -o $(BIN)-race .
	xvfb-run -a -s "-screen 0 1400x900x24 -noreset" env LAB_BIN=$(CURDIR)/$(BIN)-race \
	  $(GO) test -count=1 -v -timeout 20m ./e2e/

# screenshots renders every panel after its primary demo (and the server's
# X-ray) into docs/screenshots, each in a fresh home so the window has its
# default size.
screenshots: test-deps build
	@mkdir -p docs/screenshots
	@for id in $$(./$(BIN) --list-panels | cut -f1); do \
	  home=$$(mktemp -d); \
	  HOME=$$home XDG_RUNTIME_DIR=$$home xvfb-run -a -s "-screen 0 1400x900x24 -noreset" \
	    ./$(BIN) --panel $$id --autorun --screenshot docs/screenshots/$$id.png 2>/dev/null || echo "$$id: failed"; \
	  rm -rf $$home; \
	done
	@home=$$(mktemp -d); HOME=$$home XDG_RUNTIME_DIR=$$home xvfb-run -a -s "-screen 0 1400x900x24 -noreset" \
	  ./$(BIN) --panel server --autorun --tab xray --screenshot docs/screenshots/server-xray.png 2>/dev/null; rm -rf $$home
	@ls -la docs/screenshots

# bench: the Go benchmarks, then the responsiveness table: the real window
# pinged from outside (_NET_WM_PING) for every panel, right way and blocking
# way, beside Fyne's own demo app at the same Fyne version.
bench: test-deps build
	$(GO) test -run '^$$' -bench . ./techniques/...
	$(GO) build -o $(TOOLS)/fyne_demo fyne.io/fyne/v2/cmd/fyne_demo
	xvfb-run -a -s "-screen 0 1400x900x24 -noreset" env LAB_BIN=$(CURDIR)/$(BIN) FYNE_DEMO=$(TOOLS)/fyne_demo PING_TABLE=1 \
	  $(GO) test -count=1 -run TestResponsivenessTable -v -timeout 20m ./e2e/

lint: $(TOOLS)/staticcheck
	$(GO) vet ./...
	$(TOOLS)/staticcheck ./...

# package leaves the tree as it found it: fyne package bumps Build in FyneApp.toml.
package: deps $(TOOLS)/fyne
	@mkdir -p dist
	cp FyneApp.toml .FyneApp.toml.orig
	rm -f *.tar.xz
	$(TOOLS)/fyne package -os linux --release || { mv .FyneApp.toml.orig FyneApp.toml; exit 1; }
	mv .FyneApp.toml.orig FyneApp.toml
	mv *.tar.xz dist/$(BIN).tar.xz
	@echo "dist/$(BIN).tar.xz: $$(du -h dist/$(BIN).tar.xz | cut -f1)"

# package-windows cross-builds dist/concurrency-lab.exe with MinGW: the GUI
# subsystem (no console window) and the icon, both checked by tools/pecheck.
# The first build compiles GLFW's C code for Windows: about ten minutes.
package-windows: $(TOOLS)/fyne
	@./.ci/apt-install $(BUILD_DEBS) $(WIN_DEBS)
	@mkdir -p dist
	cp FyneApp.toml .FyneApp.toml.orig
	rm -f "Concurrency Lab.exe"
	CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc $(TOOLS)/fyne package -os windows --release \
	  || { mv .FyneApp.toml.orig FyneApp.toml; exit 1; }
	mv .FyneApp.toml.orig FyneApp.toml
	mv "Concurrency Lab.exe" dist/$(BIN).exe
	$(GO) run ./tools/pecheck dist/$(BIN).exe
	@echo "dist/$(BIN).exe: $$(du -h dist/$(BIN).exe | cut -f1)"

clean:
	rm -rf $(BIN) $(BIN)-race dist
