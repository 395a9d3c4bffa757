# Concurrency Lab — the README's commands. Each target installs what it needs.
SHELL := /bin/bash

GO       ?= go
BIN      := concurrency-lab
VERSION  := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
# The release's day: the day of the commit that last changed FyneApp.toml.
RELEASE_DATE := $(or $(shell git log -1 --format=%cs -- FyneApp.toml 2>/dev/null),$(shell date -u +%F))
DEB      := dist/$(BIN)_$(VERSION)_amd64.deb
TOOLS    := $(CURDIR)/.bin
STATICCHECK_VERSION := v0.8.2
FYNE_TOOLS_VERSION  := v1.7.4

# Fyne logs a locale error under the bare C locale.
ifeq ($(filter-out C POSIX,$(or $(LANG),C)),)
export LANG := C.UTF-8
endif

BUILD_DEBS := gcc libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev
WIN_DEBS   := gcc-mingw-w64-x86-64
# check also compiles every package for Windows, which takes MinGW (cgo).
TEST_DEBS  := $(BUILD_DEBS) $(WIN_DEBS) xvfb xauth xdotool xclip x11-utils
WINE_DEBS  := $(WIN_DEBS) wine wine64 xvfb xauth
DEB_DEBS   := $(BUILD_DEBS) dpkg-dev desktop-file-utils appstream lintian xvfb xauth

# The Windows cross-compiler, for cgo (GLFW's C code).
WINDOWS_ENV := GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc

.PHONY: run build test check e2e bench lint package package-windows package-deb check-deb check-windows screenshots deps test-deps clean

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

# check: formatting, vet, staticcheck and the unit tests under the race
# detector; then vet and the tests compiled for Windows, so its code paths
# (GetCurrentThreadId, no /proc) at least build. The first Windows compile
# builds GLFW's C code with MinGW (minutes); later ones take seconds.
check: $(TOOLS)/staticcheck
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed on: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(WINDOWS_ENV) $(GO) vet ./...
	$(WINDOWS_ENV) $(GO) test -c -o /dev/null ./... >/dev/null
	$(TOOLS)/staticcheck ./...
	$(GO) test -race -count=1 ./...

# e2e drives the real binary in a real window: the harness
# (e2e/harness_test.go) makes a -race build and starts its own Xvfb.
e2e: test-deps
	LAB_E2E=1 GO=$(GO) $(GO) test -count=1 -v -timeout 20m ./e2e/

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

# bench: the Go benchmarks, the idle window's CPU and memory beside Fyne's
# own demo app at the same Fyne version, then the responsiveness table: the
# real window pinged from outside (_NET_WM_PING) for every panel, right way
# and blocking way, beside the demo app again.
bench: test-deps build
	$(GO) test -run '^$$' -bench . ./techniques/...
	$(GO) build -o $(TOOLS)/fyne_demo fyne.io/fyne/v2/cmd/fyne_demo
	$(GO) build -o $(TOOLS)/idlecpu ./tools/idlecpu
	xvfb-run -a -s "-screen 0 1400x900x24 -noreset" $(TOOLS)/idlecpu -lab ./$(BIN) -demo $(TOOLS)/fyne_demo
	xvfb-run -a -s "-screen 0 1400x900x24 -noreset" env LAB_BIN=$(CURDIR)/$(BIN) FYNE_DEMO=$(TOOLS)/fyne_demo PING_TABLE=1 \
	  $(GO) test -count=1 -run TestResponsivenessTable -v -timeout 20m ./e2e/

lint: $(TOOLS)/staticcheck
	$(GO) vet ./...
	$(TOOLS)/staticcheck ./...

# dist/linux/concurrency-lab is the release build every Linux package
# ships, under the same name as `make build`'s: fyne build --release, i.e.
# go build -trimpath -ldflags "-s -w" -tags release,migrated_fynedo.
dist/linux/$(BIN): $(TOOLS)/fyne $(wildcard $(shell git ls-files '*.go' FyneApp.toml assets 2>/dev/null))
	@./.ci/apt-install $(BUILD_DEBS)
	@mkdir -p dist/linux
	$(TOOLS)/fyne build -os linux --release -o dist/linux/$(BIN)

# package: the tarball, for any Linux (sudo make install inside it).
# It leaves the tree as it found it: fyne package bumps Build in FyneApp.toml.
package: dist/linux/$(BIN)
	cp FyneApp.toml .FyneApp.toml.orig
	rm -f *.tar.xz
	$(TOOLS)/fyne package -os linux --release --exe dist/linux/$(BIN) || { mv .FyneApp.toml.orig FyneApp.toml; exit 1; }
	mv .FyneApp.toml.orig FyneApp.toml
	mv *.tar.xz dist/$(BIN).tar.xz
	@echo "dist/$(BIN).tar.xz: $$(du -h dist/$(BIN).tar.xz | cut -f1)"

# package-deb: the Debian/Ubuntu package, built with dpkg-deb alone: the
# binary, the desktop entry, hicolor icons and AppStream metadata.
package-deb: dist/linux/$(BIN)
	packaging/deb/build.sh dist/linux/$(BIN) $(VERSION) $(RELEASE_DATE) $(DEB)
	@echo "$(DEB): $$(du -h $(DEB) | cut -f1)"

# check-deb: the validators (desktop-file-validate on the .deb's and the
# tarball's desktop entries, appstreamcli, lintian),
# Depends against dpkg-shlibdeps, then the package unpacked into a scratch
# root and its program started from elsewhere under Xvfb to a screenshot.
check-deb: package-deb package
	@./.ci/apt-install $(DEB_DEBS)
	@tmp=$$(mktemp -d) && tar -xf dist/$(BIN).tar.xz -C $$tmp && \
	  for f in packaging/linux/*.desktop $$tmp/*/usr/local/share/applications/*.desktop; do \
	    out=$$(desktop-file-validate "$$f" 2>&1); \
	    if [ -n "$$out" ]; then echo "$$out"; rm -rf $$tmp; exit 1; fi; \
	    echo "desktop-file-validate: $${f#$$tmp/}: no remarks"; \
	  done; \
	  [ -x $$tmp/*/usr/local/bin/$(BIN) ] || { echo "the tarball's program is not named $(BIN)"; rm -rf $$tmp; exit 1; }; \
	  rm -rf $$tmp
	packaging/deb/check.sh $(DEB)

# check-windows: the .exe started under Wine (Debian's) as a user would:
# every panel to a screenshot, in a fresh prefix, under Xvfb. Not part of
# make test: the first cross-build takes about ten minutes. Screenshots and
# reports go to dist/wine-check/. See tools/winecheck/check.sh.
check-windows:
	@./.ci/apt-install $(BUILD_DEBS) $(WINE_DEBS)
	@[ -f dist/$(BIN).exe ] || $(MAKE) package-windows
	xvfb-run -a -s "-screen 0 1400x900x24 -noreset" tools/winecheck/check.sh dist/$(BIN).exe dist/wine-check

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
