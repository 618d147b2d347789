#!/usr/bin/env bash
# promtool, Prometheus's rule checker, for the tests of deploy/prometheus/alerts.yml: install | path.
#
# It comes from Debian's `prometheus` package without installing it system-wide (that would start a
# Prometheus server as a system service): `apt-get download` fetches the package and `dpkg -x` unpacks
# it into the shared cache. promtool is a static Go binary, so nothing else is needed.
# `path` installs it when missing and prints the binary's path; `./kyoyu test` hands that to the tests
# as KYOYU_TEST_PROMTOOL.
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

PROMTOOL_ROOT="$KYOYU_CACHE/prometheus/root"
PROMTOOL_BIN="$PROMTOOL_ROOT/usr/bin/promtool"
PROMTOOL_LOG="$KYOYU_LOGS/promtool-install.log"

usage() {
  say "usage: $0 install|path"
  exit 2
}

installed() {
  [[ -x $PROMTOOL_BIN ]] && "$PROMTOOL_BIN" --version >/dev/null 2>&1
}

cmd_install() {
  installed || with_lock "$KYOYU_CACHE/prometheus.lock" install_package
}

# Downloads and unpacks into a side directory, renamed when complete, so an interrupted install never
# looks installed. Runs under the cache lock; another instance may have finished meanwhile. Only the
# messages go to stderr: stdout of `path` is the binary's path and nothing else.
install_package() {
  installed && return 0
  local partial="$PROMTOOL_ROOT.partial" deb
  rm -rf "$partial"
  mkdir -p "$partial/debs"
  say "installing promtool from Debian's prometheus package into $PROMTOOL_ROOT…" >&2
  # A fresh machine may have no package lists yet; update only when the plain download fails.
  if ! (cd "$partial/debs" && apt-get download -q prometheus >"$PROMTOOL_LOG" 2>&1); then
    apt-get update -q >>"$PROMTOOL_LOG" 2>&1 || true
    (cd "$partial/debs" && apt-get download -q prometheus >>"$PROMTOOL_LOG" 2>&1) || {
      show_log_tail "$PROMTOOL_LOG"
      die "apt-get download prometheus failed (log: $PROMTOOL_LOG)"
    }
  fi
  for deb in "$partial"/debs/*.deb; do dpkg -x "$deb" "$partial"; done
  rm -rf "$partial/debs" "$PROMTOOL_ROOT"
  mv "$partial" "$PROMTOOL_ROOT"
  installed || die "promtool was unpacked but does not run: $("$PROMTOOL_BIN" --version 2>&1 | head -n 3)"
  say "installed $("$PROMTOOL_BIN" --version 2>&1 | head -n 1)" >&2
}

cmd_path() {
  cmd_install
  say "$PROMTOOL_BIN"
}

case ${1:-} in
  install) cmd_install ;;
  path) cmd_path ;;
  *) usage ;;
esac
