#!/usr/bin/env bash
# Make sure a Chromium for the browser tests exists. Uses $PORTAL_CHROMIUM, else /usr/bin/chromium;
# installs Debian's chromium with apt-get where that is possible; otherwise stops with a message.
# The browser tests are never skipped silently.
set -euo pipefail
browser="${PORTAL_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$browser" ]; then
  exit 0
fi
if [ -n "${PORTAL_CHROMIUM:-}" ]; then
  echo "PORTAL_CHROMIUM=$PORTAL_CHROMIUM is not an executable file." >&2
  exit 1
fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "Chromium is missing and apt-get needs root: run 'sudo apt-get install -y chromium'." >&2
      exit 1
    fi
  fi
  echo "Installing Debian's chromium for the browser tests (apt-get)..."
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  [ -x /usr/bin/chromium ] && exit 0
fi
cat >&2 <<'MSG'
The browser tests need Chromium and none was found.
Install it (Debian/Ubuntu: apt-get install chromium) or point PORTAL_CHROMIUM at a Chromium or
Chrome executable, e.g. PORTAL_CHROMIUM=/path/to/chrome make test
MSG
exit 1
