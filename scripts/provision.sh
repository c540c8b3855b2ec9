#!/usr/bin/env bash
# Makes sure the programs the test suite drives are installed: a real redis-server, Debian's
# chromium (for the page tests), promtool/prometheus (for the monitoring files), haproxy (the load
# balancer in front of several instances, test/scale/) and script(1) (gives the service a terminal
# in the log-format test; Debian ships it in bsdutils). Installs them
# with apt when it can (root + apt-get); otherwise names the exact install line and fails.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
command -v script >/dev/null 2>&1 || need+=(bsdutils)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

install_line="apt-get update && apt-get install -y --no-install-recommends ${need[*]}"
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "provision: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian may start its own redis/prometheus/haproxy services; the tests start their own on free ports.
  for service in redis-server prometheus haproxy; do
    if command -v service >/dev/null 2>&1; then service "$service" stop >/dev/null 2>&1 || true; fi
  done
else
  echo "provision: missing ${need[*]}. Install with: sudo sh -c '$install_line'" >&2
  exit 1
fi
