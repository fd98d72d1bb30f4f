# devbox: build, install and test. `make test` is what CI runs (.ci/run).
SHELL := /bin/bash
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
PREFIX ?= /usr/local
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE_DIR := .build-release
TEST_USER ?= devbox-test

# Debian packages the build, the tests and the benchmarks use.
DEPS := libcap-dev libseccomp-dev libfuse3-dev libarchive-dev fuse3 uidmap \
        libzstd-dev libacl1-dev nettle-dev libdeflate-dev curl pkg-config bubblewrap util-linux procps \
        python3 python3-cryptography openssl busybox-static docker-registry skopeo apache2-utils \
        neovim git shellcheck runc umoci
BENCH_DEPS := hyperfine time crun podman

.PHONY: all deps build release install test test-kernel test-kernels profiles unit-test integration-test run-flags completions check-completions bench link-order clean

all: build

# Installs only what is missing, so a prepared machine needs no root.
deps:
	@missing=$$(for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing: $$missing"; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

build: deps
	$(SWIFT) build

# One static executable: no Swift runtime libraries needed at run time.
# Concrete type metadata is reached through accessor calls rather than
# mangled names: demangling them at run time was a third of `devbox run`'s
# start-up instructions (callgrind; see docs/ARCHITECTURE.md).
#
# Peak RSS is mostly text pages the kernel maps around each fault (64 KB
# at a time), so the functions `devbox run` executes are laid out together:
# every function gets its own section and lld places those in
# Sources/devbox/link-order.txt first (`make link-order` regenerates it).
# That took peak RSS from 6.6 MB to 3.5 MB; see docs/ARCHITECTURE.md.
LINK_ORDER := Sources/devbox/link-order.txt
RELEASE_FLAGS := -Xswiftc -static-executable \
	-Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors \
	-Xswiftc -Xfrontend -Xswiftc -function-sections -Xcc -ffunction-sections \
	-Xswiftc -use-ld=lld -Xlinker --symbol-ordering-file=$(CURDIR)/$(LINK_ORDER) \
	-Xlinker --no-warn-symbol-ordering \
	-Xlinker -Map=$(CURDIR)/$(RELEASE_DIR)/devbox.map -Xlinker --no-demangle
release: deps
	@# SwiftPM does not know the order file is an input of the link.
	@[ $(LINK_ORDER) -ot $(RELEASE_DIR)/release/devbox ] || rm -f $(RELEASE_DIR)/release/devbox
	$(SWIFT) build -c release $(RELEASE_FLAGS) --scratch-path $(RELEASE_DIR)
	strip -o $(RELEASE_DIR)/devbox $(RELEASE_DIR)/release/devbox

# The AppArmor profile that lets the installed binary create user namespaces
# where Ubuntu restricts them; Sources/Runtime/AppArmorUserns.swift names
# the same template and placeholder.
APPARMOR_PROFILE := packaging/apparmor/devbox
APPARMOR_SYSCTL := /proc/sys/kernel/apparmor_restrict_unprivileged_userns

install: release
	$(SUDO) install -D -m 0755 $(RELEASE_DIR)/devbox $(DESTDIR)$(PREFIX)/bin/devbox
	$(SUDO) install -d $(DESTDIR)$(PREFIX)/share/devbox/profiles
	$(SUDO) install -m 0644 profiles/*.toml $(DESTDIR)$(PREFIX)/share/devbox/profiles/
	$(SUDO) install -D -m 0644 completions/devbox.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/devbox
	$(SUDO) install -D -m 0644 completions/_devbox $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_devbox
	$(SUDO) install -D -m 0644 completions/devbox.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/devbox.fish
	@# Ubuntu 23.10 and later refuse user namespaces to unprivileged programs
	@# that no AppArmor profile grants `userns` (docs/APPARMOR.md). AppArmor
	@# attaches profiles to resolved paths, hence realpath.
	@if [ "$$(cat $(APPARMOR_SYSCTL) 2>/dev/null)" != 1 ]; then \
		echo "AppArmor does not restrict user namespaces here: no AppArmor profile needed"; \
	elif [ -n "$(DESTDIR)" ]; then \
		echo "DESTDIR is set: not loading an AppArmor profile into this machine (packagers: see docs/APPARMOR.md)"; \
	elif ! parser=$$(PATH=$$PATH:/usr/sbin:/sbin command -v apparmor_parser) || [ ! -d /etc/apparmor.d ]; then \
		echo "warning: AppArmor restricts user namespaces but apparmor_parser or /etc/apparmor.d is missing: devbox will not run unprivileged (docs/APPARMOR.md)"; \
	else \
		bin=$$(realpath $(PREFIX)/bin/devbox) && \
		sed "s|@BINARY@|$$bin|" $(APPARMOR_PROFILE) > $(RELEASE_DIR)/apparmor-devbox && \
		$(SUDO) install -m 0644 $(RELEASE_DIR)/apparmor-devbox /etc/apparmor.d/devbox && \
		$(SUDO) $$parser -r /etc/apparmor.d/devbox && \
		echo "AppArmor restricts user namespaces: installed /etc/apparmor.d/devbox for $$bin and loaded it"; \
	fi

# Unit tests, then the integration tests against the real binary: as the
# calling user, and, when that is root, also as an unprivileged user (rootless
# is the product). That user cannot read a clone under /root, so the binary is
# copied to a world-readable directory first.
# The integration tests run against the debug binary (assertions on) and
# the release one (what users install: static, lld, link order), then the
# release one again with every run on the FUSE storage driver.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --filter 'UnitTests\.'
	$(MAKE) release
	@set -e; bindir=$$(mktemp -d /tmp/devbox-bin.XXXXXX); chmod 755 $$bindir; \
	trap 'rm -rf $$bindir' EXIT; \
	if [ "$$(id -u)" = 0 ]; then \
		id -u $(TEST_USER) >/dev/null 2>&1 || useradd -m $(TEST_USER); \
		export DEVBOX_TEST_USER=$(TEST_USER); \
		[ ! -c /dev/fuse ] || chmod 666 /dev/fuse; \
	fi; \
	for bin in .build/debug/devbox $(RELEASE_DIR)/devbox; do \
		echo "integration tests against $$bin"; \
		install -m 0755 $$bin $$bindir/devbox; \
		DEVBOX_BIN=$$bindir/devbox $(SWIFT) test --skip-build --filter 'IntegrationTests\.'; \
	done; \
	if [ -c /dev/fuse ]; then \
		echo "integration tests against $(RELEASE_DIR)/devbox with DEVBOX_STORAGE_DRIVER=fuse"; \
		DEVBOX_STORAGE_DRIVER=fuse DEVBOX_BIN=$$bindir/devbox $(SWIFT) test --skip-build --filter 'IntegrationTests\.'; \
	fi

# Boots a Debian kernel under qemu (default: Debian 12's own, 6.1; KERNEL=
# a package name or a .deb for another) with a debootstrap'ed root, and
# runs the persistent and --rm upper-layer cases there, as root and as an
# unprivileged user (tests/kernel/). Needs root; downloads are cached in
# .build-kernel/. Not part of `make test`.
test-kernel: release
	$(SUDO) env KERNEL='$(KERNEL)' SUITE='$(SUITE)' tests/kernel/run.sh $(CURDIR)/$(RELEASE_DIR)/devbox

# Debian 12's 6.1 and Debian 11's 5.10 (where kernel overlay is refused in
# a user namespace and every run uses the FUSE driver), one after the other.
test-kernels: release
	$(SUDO) env SUITE=bookworm tests/kernel/run.sh $(CURDIR)/$(RELEASE_DIR)/devbox
	$(SUDO) env SUITE=bullseye tests/kernel/run.sh $(CURDIR)/$(RELEASE_DIR)/devbox

# The shipped profiles are compiled in: regenerate after editing profiles/*.toml.
profiles:
	python3 profiles/embed.py

# `run`'s ArgumentParser declarations come from RunFlags.table: regenerate
# after editing Sources/Project/RunFlags+Table.swift, then the completions.
run-flags:
	$(SWIFT) build --product GenerateRunFlags
	.build/debug/GenerateRunFlags run > Sources/devbox/RunFlagOptions.swift
	.build/debug/GenerateRunFlags create > Sources/devbox/CreateFlagOptions.swift
	.build/debug/GenerateRunFlags exec > Sources/devbox/ExecFlagOptions.swift

completions: build
	.build/debug/devbox --generate-completion-script bash > completions/devbox.bash
	.build/debug/devbox --generate-completion-script zsh > completions/_devbox
	.build/debug/devbox --generate-completion-script fish > completions/devbox.fish

# What CompletionTests checks, without the test suite.
check-completions: build
	@.build/debug/devbox --generate-completion-script bash | cmp -s - completions/devbox.bash && \
	.build/debug/devbox --generate-completion-script zsh | cmp -s - completions/_devbox && \
	.build/debug/devbox --generate-completion-script fish | cmp -s - completions/devbox.fish || \
	{ echo "completions/ is out of date: run make completions"; exit 1; }

bench: release
	@for p in $(BENCH_DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get install -y -q $$missing; fi
	bench/startup.sh $(RELEASE_DIR)/devbox

# Re-records what `devbox run` executes and relinks in that order (see
# bench/link-order.sh; a few minutes, needs valgrind and gcc).
link-order: release
	@for p in valgrind gcc; do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get install -y -q $$missing; fi
	bench/link-order.sh $(RELEASE_DIR)/release/devbox
	$(MAKE) release

clean:
	rm -rf .build $(RELEASE_DIR)
