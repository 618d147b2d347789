#!/usr/bin/env bash
# Debian's docker-compose (1.29, Python) for the test that validates docker-compose.yml: install | path.
#
# `docker-compose config` resolves and checks a compose file without a Docker engine, which is all this
# machine can do with it. The package comes from the host's Debian mirrors without installing it
# system-wide: `apt-get download` fetches it and its pure-Python dependencies and `dpkg -x` unpacks them
# into the shared cache, run by the host's own /usr/bin/python3 (bookworm's 3.11, which those packages
# are built for) with PYTHONPATH pointing there. A host without /usr/bin/python3 gets the package
# installed with apt-get instead (root only; CI runs as root).
# `path` installs it when missing and prints the command's path; `./kyoyu test` hands that to the tests
# as KYOYU_TEST_DOCKER_COMPOSE.
set -euo pipefail

# shellcheck source=deploy/local/lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"

COMPOSE_ROOT="$KYOYU_CACHE/docker-compose/root"
COMPOSE_BIN="$COMPOSE_ROOT/bin/docker-compose"
COMPOSE_LOG="$KYOYU_LOGS/docker-compose-install.log"
# docker-compose and what it imports (python3-docker's and python3-jsonschema's own dependencies included).
COMPOSE_PACKAGES=(docker-compose python3-attr python3-cached-property python3-certifi python3-chardet
  python3-charset-normalizer python3-distro python3-docker python3-dockerpty python3-docopt python3-dotenv
  python3-idna python3-importlib-metadata python3-jsonschema python3-more-itertools python3-pkg-resources
  python3-pyrsistent python3-requests python3-six python3-texttable python3-urllib3 python3-websocket
  python3-yaml python3-zipp)

usage() {
  say "usage: $0 install|path"
  exit 2
}

installed() {
  [[ -x $COMPOSE_BIN ]] && "$COMPOSE_BIN" version >/dev/null 2>&1
}

cmd_install() {
  installed || with_lock "$KYOYU_CACHE/docker-compose.lock" install_packages
}

# Downloads and unpacks into a side directory, renamed when complete, so an interrupted install never
# looks installed. Runs under the cache lock; another instance may have finished meanwhile. Messages go
# to stderr: stdout of `path` is the command's path and nothing else.
install_packages() {
  installed && return 0
  if [[ ! -x /usr/bin/python3 ]]; then
    install_system_package
    return
  fi
  local partial="$COMPOSE_ROOT.partial" deb
  rm -rf "$partial"
  mkdir -p "$partial/debs" "$partial/bin"
  say "installing docker-compose from Debian packages into $COMPOSE_ROOT…" >&2
  # A fresh machine may have no package lists yet; update only when the plain download fails.
  if ! (cd "$partial/debs" && apt-get download -q "${COMPOSE_PACKAGES[@]}" >"$COMPOSE_LOG" 2>&1); then
    apt-get update -q >>"$COMPOSE_LOG" 2>&1 || true
    (cd "$partial/debs" && apt-get download -q "${COMPOSE_PACKAGES[@]}" >>"$COMPOSE_LOG" 2>&1) || {
      show_log_tail "$COMPOSE_LOG"
      die "apt-get download ${COMPOSE_PACKAGES[*]} failed (log: $COMPOSE_LOG)"
    }
  fi
  for deb in "$partial"/debs/*.deb; do dpkg -x "$deb" "$partial"; done
  rm -rf "$partial/debs"
  # -s: the user's own site-packages never shadow the unpacked ones.
  cat >"$partial/bin/docker-compose" <<SCRIPT
#!/bin/sh
# Written by deploy/local/docker-compose.sh: Debian's docker-compose, unpacked beside this file.
PYTHONPATH="$COMPOSE_ROOT/usr/lib/python3/dist-packages" exec /usr/bin/python3 -s "$COMPOSE_ROOT/usr/bin/docker-compose" "\$@"
SCRIPT
  chmod +x "$partial/bin/docker-compose"
  rm -rf "$COMPOSE_ROOT"
  mv "$partial" "$COMPOSE_ROOT"
  installed || die "docker-compose was unpacked but does not run: $("$COMPOSE_BIN" version 2>&1 | head -n 3)"
  say "installed $("$COMPOSE_BIN" version 2>&1 | head -n 1)" >&2
}

# No Debian Python to run the unpacked packages with: the package itself, with its dependencies.
install_system_package() {
  ((EUID == 0)) || die "docker-compose needs /usr/bin/python3 (Debian's python3) or root to apt-get install docker-compose"
  say "installing Debian's docker-compose package (apt-get install)…" >&2
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker-compose; } \
    >"$COMPOSE_LOG" 2>&1 || { show_log_tail "$COMPOSE_LOG"; die "apt-get install docker-compose failed (log: $COMPOSE_LOG)"; }
  mkdir -p "$COMPOSE_ROOT/bin"
  ln -sfn /usr/bin/docker-compose "$COMPOSE_BIN"
  installed || die "docker-compose was installed but does not run"
}

cmd_path() {
  cmd_install
  say "$COMPOSE_BIN"
}

case ${1:-} in
  install) cmd_install ;;
  path) cmd_path ;;
  *) usage ;;
esac
