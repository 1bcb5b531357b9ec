#!/usr/bin/env bash
# Install what the browser tests need: Debian's Chromium (Playwright's own browser
# download cannot work on these machines) and axe-core from the npm registry.
# Without root or apt, say how to get Chromium and go on: the tests then skip with
# that same one-line hint, except in CI, where they fail.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Chromium from Debian's packages for the browser tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "No Chromium: browser tests will be skipped. Install it with: sudo apt-get install chromium"
  fi
fi

if [ ! -f "$here/node_modules/axe-core/axe.min.js" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "Installing axe-core from the npm registry for the accessibility checks…"
    (cd "$here" && npm install --silent --no-audit --no-fund >/dev/null)
  else
    echo "No npm: the accessibility checks will be skipped. Install Node.js and npm."
  fi
fi
