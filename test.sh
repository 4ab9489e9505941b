#!/usr/bin/env bash
# Runs every test of Verken, the browser tests included. Installs what the
# tests need (Debian's chromium) when it is missing.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1; then
  echo "test.sh: installing chromium for the browser tests"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# A browser test may not skip here: a missing browser is a failure.
export VERKEN_REQUIRE_BROWSER=1

echo "test.sh: go vet"
go vet ./...
echo "test.sh: staticcheck"
go tool staticcheck ./...
echo "test.sh: go test"
go test -count=1 "$@" ./...
