#!/usr/bin/env bash
# Puts promtool (Debian package `prometheus`) on PATH for the PrometheusRule tests. Idempotent: does nothing
# when promtool is already there. Installs only the package; its service is not started by this script.
# With --optional (npm test's pretest), a machine where it cannot be installed says so and goes on: the promtool
# tests then skip, printing why. Without it (.ci/run), failing to install it fails.
set -euo pipefail
optional=false
[ "${1:-}" = "--optional" ] && optional=true
if command -v promtool >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "promtool is missing and installing it needs root: sudo $0 (or apt-get install prometheus); the promtool tests will be skipped" >&2
  $optional && exit 0
  exit 1
fi
if $optional; then
  bash "$0" || { echo "could not install promtool; the promtool tests will be skipped" >&2; exit 0; }
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# One retry: a mirror hiccup should not fail a CI run.
apt-get update -qq || { sleep 5; apt-get update -qq; }
# policy-rc.d 101 keeps Debian's maintainer scripts from starting the prometheus service in a CI container.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get install -y -qq --no-install-recommends prometheus >/dev/null
command -v promtool >/dev/null
