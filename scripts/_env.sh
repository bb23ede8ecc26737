# Sourced by the scripts in this folder: makes sure .venv exists and matches requirements.lock.
# First run: creates .venv and installs the pinned, hash-checked packages, then the plugin
# (plugins/) in editable mode. Later runs: reinstall only when the lock or pyproject.toml changed.
# Needs only Python 3.11+ (with venv) on the machine.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# EB_VENV: an environment set up already, used as it is (the tests run the scripts in scratch
# copies of the project with the suite's own .venv).
VENV="${EB_VENV:-$ROOT/.venv}"
PYTHON=${PYTHON:-python3}
export PIP_DISABLE_PIP_VERSION_CHECK=1

_eb_stamp() { cat "$ROOT/requirements.lock" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1; }

eb_setup() {
  local want have=""
  want=$(_eb_stamp)
  [ -f "$VENV/.installed" ] && have=$(cat "$VENV/.installed")
  [ "$want" = "$have" ] && [ -x "$VENV/bin/python" ] && return 0
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "error: Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))." >&2
    return 1
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    echo "Setting up .venv (first run; this takes a minute)..." >&2
    "$PYTHON" -m venv "$VENV" || {
      echo "error: could not create a virtual environment. On Debian or Ubuntu: apt-get install python3-venv" >&2
      return 1
    }
  fi
  echo "Installing pinned packages from requirements.lock..." >&2
  "$VENV/bin/python" -m pip install --quiet --require-hashes --no-deps -r "$ROOT/requirements.lock" >&2 || return 1
  "$VENV/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e "$ROOT" >&2 || return 1
  echo "$want" > "$VENV/.installed"
}

if [ -z "${EB_VENV:-}" ]; then eb_setup || exit 1; fi
export PATH="$VENV/bin:$PATH"
