#!/usr/bin/env bash
# Installs everything Hinomi needs on Debian 12: build libraries for Tauri/WebKitGTK, the real
# monitoring stack (Prometheus, Alertmanager, node-exporter), the e2e tools (Xvfb, D-Bus,
# WebKitWebDriver, tauri-driver), a CJK font, and the npm packages of ui/ and tests/e2e/.
# Idempotent: skips what is already there. Needs the Rust toolchain (rust-toolchain.toml) and
# Node.js >= 20.19 on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # Tauri 2 on Linux
  build-essential pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev
  # The real demo stack
  prometheus prometheus-alertmanager prometheus-node-exporter
  # End-to-end tests and screenshots
  webkit2gtk-driver xvfb xauth dbus dbus-x11 imagemagick fonts-noto-cjk poppler-utils
  # Notification tests (a real org.freedesktop.Notifications on a private bus)
  python3-dbusmock
  # Datasource secrets through a real Secret Service (keyring test under dbus-run-session)
  gnome-keyring
  # Benchmarks
  hyperfine
)

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The Debian packages start their own services on 9090/9093/9100 where systemd runs; the demo
# uses its own ports, so they do not conflict and are left alone.

command -v cargo >/dev/null || { echo "cargo not found: install the Rust toolchain first" >&2; exit 1; }
command -v node >/dev/null || { echo "node not found: install Node.js >= 20.19 first" >&2; exit 1; }

if ! command -v tauri-driver >/dev/null; then
  echo "==> cargo install tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi

for dir in ui tests/e2e; do
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "==> npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
