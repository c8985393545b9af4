#!/usr/bin/env bash
# Make Debian's chromium available for the browser tests, installing it with the
# system package manager when we are root. Never downloads a browser build.
# Without root and without chromium, the browser tests skip (except under CI,
# where tests/browser/conftest.py makes them fail instead).
set -uo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing chromium for the browser tests (apt-get) ..."
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq chromium >/dev/null; then
    exit 0
  fi
  echo "apt-get could not install chromium." >&2
fi
echo "No /usr/bin/chromium: the browser tests will be skipped." \
  "Install Debian's chromium (sudo apt-get install chromium) to run them." >&2
exit 0
