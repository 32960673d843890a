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

# A Prometheus 3 promtool beside Debian 12's 2.42 (issue 16): see the script.
bash "$(dirname "$0")/fetch-promtool3.sh"
