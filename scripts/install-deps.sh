#!/usr/bin/env bash
# Installs everything Hinomi needs on Debian 12: build libraries for Tauri/WebKitGTK, the real
# monitoring stack (Prometheus, Alertmanager, node-exporter), real OpenSearch and Elasticsearch
# servers with rsyslog to ship logs into them, the e2e tools (Xvfb, D-Bus, WebKitWebDriver,
# tauri-driver), a CJK font, and the npm packages of ui/ and tests/e2e/.
# Idempotent: skips what is already there. Needs the Rust toolchain (rust-toolchain.toml) and
# Node.js >= 20.19 on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # Tauri 2 on Linux
  build-essential pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev
  # Time zones of local log files' wall times (jiff reads /usr/share/zoneinfo)
  tzdata
  # The real demo stack, with the demo API's PostgreSQL 15 (primary and replica) and its exporter
  prometheus prometheus-alertmanager prometheus-node-exporter
  postgresql prometheus-postgres-exporter
  # Log search: OpenSearch/Elasticsearch need a JVM (their test builds bundle none), Maven fetches
  # them, unzip unpacks them; rsyslog ships the demo API's JSON logs into them like Filebeat.
  openjdk-17-jre-headless maven unzip rsyslog rsyslog-elasticsearch
  # End-to-end tests and screenshots
  webkit2gtk-driver xvfb xauth dbus dbus-x11 imagemagick fonts-noto-cjk poppler-utils
  # The X11 map state of the app window (xwininfo): hidden to the tray, brought forward
  x11-utils
  # The installed package's desktop entry and AppStream metadata checked like a distribution
  # would (e2e specs/package.test.mjs)
  desktop-file-utils appstream
  # Notification tests (a real org.freedesktop.Notifications on a private bus); python3 also runs
  # the Rust test binaries side by side (scripts/run-test-binaries)
  python3 python3-dbusmock
  # Datasource secrets through a real Secret Service (keyring test under dbus-run-session)
  gnome-keyring
  # Benchmarks
  hyperfine
  # The local-files benchmark's baselines (scripts/bench-local-logs.sh): a full scan with
  # ripgrep and lnav's own loading and search of the same files
  ripgrep lnav
)

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# One dpkg-query for all packages (one per package cost seconds on every run, and scripts/test
# runs this again after .ci/run did).
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${APT_PACKAGES[@]}" 2>/dev/null |
  awk '$NF == "installed" && $(NF - 1) == "ok" { print $1 }' || true)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  grep -qxF "$pkg" <<<"$installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The Debian packages start their own services on 9090/9093/9100 (and postgresql's "main"
# cluster on 5432, postgres-exporter on 9187) where systemd runs; the demo uses its own ports,
# clusters and processes, so they do not conflict and are left alone. The same goes for the
# system rsyslogd: the demo runs its own, with its own config and work directory, and opens no
# sockets.

# OpenSearch and Elasticsearch for the log-search tests and the demo: the "integ-test" builds
# that Maven Central serves (one node, no bundled JDK, few modules). Unpacked where an
# unprivileged user can read them; hinomi-demo-stack looks in the same places (see
# crates/demo-stack/src/search/install.rs).
SEARCH_SERVERS=(
  org.opensearch.distribution.integ-test-zip:opensearch:2.19.3
  org.elasticsearch.distribution.integ-test-zip:elasticsearch:8.17.0
  org.elasticsearch.distribution.integ-test-zip:elasticsearch:7.17.29
)
if [ -n "${HINOMI_SEARCH_SERVERS_DIR:-}" ]; then
  search_dir="$HINOMI_SEARCH_SERVERS_DIR"
elif [ "$(id -u)" -eq 0 ]; then
  # Not under /root (mode 700): the servers refuse to run as root, so another user runs them.
  search_dir=/var/cache/hinomi/search-servers
else
  search_dir="${XDG_CACHE_HOME:-$HOME/.cache}/hinomi/search-servers"
fi
mkdir -p "$search_dir"
m2_repo="${HINOMI_MAVEN_REPO:-$HOME/.m2/repository}"
for coordinates in "${SEARCH_SERVERS[@]}"; do
  IFS=: read -r group artifact version <<<"$coordinates"
  dest="$search_dir/$artifact-$version"
  [ -f "$dest/.hinomi-unpacked" ] && continue
  zip="$m2_repo/${group//.//}/$artifact/$version/$artifact-$version.zip"
  if [ ! -f "$zip" ]; then
    echo "==> mvn dependency:get $coordinates:zip"
    mvn -q dependency:get -Dartifact="$coordinates:zip" -Dtransitive=false
  fi
  [ -f "$zip" ] || { echo "Maven fetched $coordinates but $zip is not there (set HINOMI_MAVEN_REPO)" >&2; exit 1; }
  echo "==> unpacking $artifact $version into $dest"
  unpacking="$(mktemp -d "$search_dir/.unpacking.XXXXXX")"
  unzip -q "$zip" -d "$unpacking"
  rm -rf "$dest"
  mv "$unpacking/$artifact-$version" "$dest"
  rmdir "$unpacking"
  chmod -R a+rX "$dest"
  touch "$dest/.hinomi-unpacked"
done
if [ "$(id -u)" -eq 0 ]; then
  chmod a+rx /var/cache/hinomi "$search_dir" 2>/dev/null || true
  # The servers (and PostgreSQL) refuse to run as root; as root, hinomi-demo-stack starts them
  # as this user.
  if ! id hinomi-search >/dev/null 2>&1; then
    echo "==> useradd hinomi-search"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin hinomi-search
  fi
fi

command -v cargo >/dev/null || { echo "cargo not found: install the Rust toolchain first" >&2; exit 1; }
command -v node >/dev/null || { echo "node not found: install Node.js >= 20.19 first" >&2; exit 1; }

if ! command -v tauri-driver >/dev/null; then
  echo "==> cargo install tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi

# npm ci again only when the lockfile's content changed since the last install here (a stamp in
# node_modules), not when it is merely newer: a fresh checkout or worktree has a newer lockfile
# than an install made earlier, and npm ci wipes node_modules first. A node_modules that is a
# symlink is another checkout's install, shared: npm ci would empty it for everyone, so it is
# left alone.
for dir in ui tests/e2e; do
  if [ -L "$dir/node_modules" ]; then
    echo "==> $dir/node_modules is a symlink to a shared install: not reinstalled"
    continue
  fi
  lock_sum=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  stamp="$dir/node_modules/.hinomi-package-lock.sha256"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$lock_sum" ]; then
    echo "==> npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" >"$stamp"
  fi
done
