#!/usr/bin/env bash
# Runs every test of Verken, the browser tests and the reverse-proxy tests
# included. Installs what those tests need (Debian's chromium and nginx)
# when it is missing.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1 || ! command -v nginx >/dev/null 2>&1; then
  echo "test.sh: installing chromium and nginx for the browser and proxy tests"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium nginx-light >/dev/null
fi

# A browser or proxy test may not skip here: a missing program is a failure.
export VERKEN_REQUIRE_BROWSER=1
export VERKEN_REQUIRE_NGINX=1
# The browser tests write screenshots of the main pages at 390 px and
# 1366 px here; docs/screenshots.md shows them.
export VERKEN_SCREENSHOTS="$PWD/docs/screenshots"
echo "test.sh: the browser tests write screenshots to docs/screenshots"

echo "test.sh: go vet"
go vet ./...
echo "test.sh: staticcheck"
go tool staticcheck ./...
echo "test.sh: go test"
go test -count=1 "$@" ./...
# The packages whose code runs goroutines of its own (the indexer, the
# caches, the store's writers, the transit holder, the server) run again
# under the race detector.
echo "test.sh: go test -race"
go test -count=1 -race "$@" ./search/... ./market ./ui ./directory ./transit
