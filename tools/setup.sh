#!/usr/bin/env bash
# Installs what `make serve` and `make test` need, idempotently, at pinned versions. Each tool is
# skipped when already present at the right version. Only crates.io, npm and Debian are used;
# nothing downloads a prebuilt binary.
set -euo pipefail

TRUNK_VERSION=0.21.14
# Must equal the wasm-bindgen version in Cargo.toml/Cargo.lock, or Trunk tries to download one.
WASM_BINDGEN_VERSION=0.2.130
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$CARGO_BIN:$PATH"
here="$(cd "$(dirname "$0")/.." && pwd)"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages: Chromium + driver for browser tests, clang + llvm to compile zstd for wasm32.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v clang >/dev/null 2>&1 || missing+=(clang)
command -v llvm-ar >/dev/null 2>&1 || missing+=(llvm)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
    # A dpkg temp-file error has been seen once on this machine kind; repair and retry.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

# --- Rust: the wasm target and the lint tools.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for c in rustfmt clippy; do
  rustup component list --installed | grep -q "^$c" || rustup component add "$c"
done

# --- wasm-bindgen CLI (also provides wasm-bindgen-test-runner). Not --locked: a pinned
# dependency of its lock file is missing from the registry reachable here.
if [ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install --root "${CARGO_HOME:-$HOME/.cargo}" --force wasm-bindgen-cli@"$WASM_BINDGEN_VERSION"
fi

# --- Trunk, built in debug (3 min instead of 8; it only orchestrates the build).
if [ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION"
  cargo install --root "${CARGO_HOME:-$HOME/.cargo}" --force --locked --debug trunk@"$TRUNK_VERSION"
fi

# --- npm packages of the end-to-end tests (playwright-core drives Debian's Chromium; no download).
if [ "${1:-}" = "--e2e" ]; then
  cd "$here/tests/e2e"
  if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages for the end-to-end tests"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  fi
fi
say "tools ready: $(trunk --version), $(wasm-bindgen --version), $(chromium --version 2>/dev/null | head -1)"
