#!/usr/bin/env bash
# Installs the Debian packages the test suite starts itself: real PostgreSQL (primary and
# replica), Redis, RabbitMQ, Prometheus, Alertmanager and Chromium. Runs as `npm test`'s pretest
# step, so the README's test command needs no separate setup. Idempotent: skips what is already
# there (a check of a few paths when nothing is missing). The tests start their own servers on
# free loopback ports; nothing here starts or touches a system service.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }
have /usr/lib/postgresql/15/bin/postgres || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
have redis-server || need+=(redis-server)
have rabbitmq-server || [ -x /usr/sbin/rabbitmq-server ] || need+=(rabbitmq-server)
have prometheus || need+=(prometheus)
have promtool || need+=(prometheus)
have prometheus-alertmanager || need+=(prometheus-alertmanager)
have amtool || need+=(prometheus-alertmanager)
have chromium || need+=(chromium)
if [ "${STATUSGRAPH_BENCH:-}" = 1 ]; then
  have nginx || need+=(nginx-light)
  have prometheus-blackbox-exporter || need+=(prometheus-blackbox-exporter)
fi

if [ ${#need[@]} -gt 0 ] && [ "$(id -u)" != 0 ]; then
  echo "setup-ci: the tests need Debian packages that are missing: ${need[*]}" >&2
  echo "setup-ci: install them as root once: sudo bash scripts/setup-ci.sh" >&2
  exit 1
fi
if [ ${#need[@]} -gt 0 ]; then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  echo "setup-ci: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Debian's maintainer scripts would start the services; the tests run their own instances.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
else
  echo "setup-ci: every Debian package the tests need is installed"
fi

# A Prometheus 3 promtool beside Debian 12's 2.42, so the rule tests run on both lines (issue 16):
# Debian 12 has no 3.x, Debian unstable's static-enough Go build (libc6 >= 2.34) runs here. Only the
# binary is unpacked into node_modules/.cache (no install, no root); the .deb is pinned by version
# and by the SHA256 from unstable's signed index. When unstable moves on and the pool drops this
# version, the download fails: take the new version and SHA256 from `apt-cache show promtool`
# with unstable in the sources, and change both here and in test/alerting/tools.ts.
PROMTOOL3_DEB="promtool_3.5.3+ds1-6_amd64.deb"
PROMTOOL3_SHA256="1fb8bad7b932e7a44bccb12517f0bd96d5d5d83f15d3a1c0e2aa705cbf93fe90"
PROMTOOL3_DIR="$(cd "$(dirname "$0")/.." && pwd)/node_modules/.cache/statusgraph/${PROMTOOL3_DEB%.deb}"
if [ -x "$PROMTOOL3_DIR/promtool" ]; then
  echo "setup-ci: $PROMTOOL3_DEB is unpacked"
else
  echo "setup-ci: fetching $PROMTOOL3_DEB (Debian unstable) for the Prometheus 3 rule tests"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  curl -fsS --retry 3 -o "$tmp/$PROMTOOL3_DEB" "http://deb.debian.org/debian/pool/main/p/prometheus/$PROMTOOL3_DEB"
  echo "$PROMTOOL3_SHA256  $tmp/$PROMTOOL3_DEB" | sha256sum -c --quiet
  dpkg-deb -x "$tmp/$PROMTOOL3_DEB" "$tmp/x"
  mkdir -p "$PROMTOOL3_DIR"
  install -m 0755 "$tmp/x/usr/bin/promtool" "$PROMTOOL3_DIR/promtool"
fi
