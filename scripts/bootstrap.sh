#!/usr/bin/env bash
# DeepTravel bootstrap: installs whatever is missing (Node >= 22.17 and pnpm from the npm registry,
# then the workspace), then runs what you asked for:
#   scripts/bootstrap.sh start   # the server on the embedded default (PGlite + in-memory) unless
#                                # DATABASE_URL / REDIS_URL are set
#   scripts/bootstrap.sh test    # the whole test suite against this machine's PostgreSQL and Redis
#   scripts/bootstrap.sh install # only install
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS="$ROOT/.tools"
PNPM_VERSION=12.21.0
export PATH="$TOOLS/bin:$PATH"

node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=17)?0:1)'
}

if ! node_ok; then
  echo "bootstrap: installing Node 22 into .tools/ (found: $(node --version 2>/dev/null || echo none))"
  npm install --global --prefix "$TOOLS" node@22 --no-audit --no-fund --loglevel=error
  hash -r
  node_ok || { echo "bootstrap: Node >= 22.17 could not be installed" >&2; exit 1; }
fi
if ! command -v pnpm >/dev/null 2>&1; then
  echo "bootstrap: installing pnpm $PNPM_VERSION into .tools/"
  npm install --global --prefix "$TOOLS" "pnpm@$PNPM_VERSION" --no-audit --no-fund --loglevel=error
  hash -r
fi

pnpm install --frozen-lockfile --reporter=append-only

# Starts this machine's PostgreSQL and Redis if they are down (tests need the real ones).
ensure_services() {
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    echo "bootstrap: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "bootstrap: starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || redis-server --daemonize yes --port 6379 --save ""
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
  fi
}

# The apps' end-to-end tests drive Debian's Chromium (never a downloaded browser) and need CJK fonts,
# or every Chinese character is a box; the fault tests put Debian's HAProxy in front of two server
# processes (deploy/haproxy.cfg). Installed with apt-get when missing.
ensure_browser() {
  if [ -x /usr/bin/chromium ] && dpkg -s fonts-noto-cjk >/dev/null 2>&1 && [ -x /usr/sbin/haproxy ]; then return 0; fi
  echo "bootstrap: installing chromium, fonts-noto-cjk and haproxy (apt-get)"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk haproxy >/dev/null ||
    echo "bootstrap: could not install chromium/fonts-noto-cjk/haproxy: the browser and load-balancer tests will fail" >&2
}

case "${1:-start}" in
  start) exec pnpm start ;;
  test) ensure_services; ensure_browser; exec pnpm test ;;
  install) ;;
  *) echo "usage: scripts/bootstrap.sh [start|test|install]" >&2; exit 2 ;;
esac
