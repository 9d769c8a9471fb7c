#!/usr/bin/env bash
# One entry point for people and CI: `bash scripts/dev.sh demo` or `bash scripts/dev.sh test`.
# It creates .venv inside the repo (git-ignored) and installs what the project needs, including the
# system libraries it cannot get from PyPI (cairo for PNG rendering), so a fresh Debian machine works.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
VENV=.venv
BIN=$VENV/bin

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "dev.sh: need root to run: $*" >&2; return 1; fi; }
apt_updated=""
apt_install() {
  command -v apt-get >/dev/null || { echo "dev.sh: please install $* with your package manager" >&2; return 1; }
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

install() {
  local extra=$1 stamp="$VENV/.installed-$1"
  if ! { ldconfig -p 2>/dev/null || true; } | grep -q 'libcairo\.so\.2'; then apt_install libcairo2; fi
  # Emblems in Japanese, Chinese and Korean are drawn with Noto Sans CJK (SIL OFL), from Debian's packages.
  if ! ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1; then
    apt_install fonts-noto-cjk || echo "dev.sh: without fonts-noto-cjk, CJK emblems cannot be drawn" >&2
  fi
  if [ ! -x "$BIN/python" ]; then
    "$PYTHON" -m venv "$VENV" 2>/dev/null || { rm -rf "$VENV"; apt_install python3-venv; "$PYTHON" -m venv "$VENV"; }
  fi
  # setup.py compiles the hot path of cc issue and cc verify with mypyc: that needs a C compiler and Python.h
  # (without them it installs pure Python, slower). Their sources edited since the build mean a new build.
  if [ ! -f "$("$BIN/python" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h" ] ||
    ! command -v gcc >/dev/null; then
    apt_install gcc python3-dev || echo "dev.sh: no C compiler: cc installs as pure Python (slower)" >&2
  fi
  local native_changed="" source built
  for source in $(grep -o "cc_cli/[a-z_/]*\.py" setup.py); do
    for built in "${source%.py}".cpython-*.so; do
      if [ -f "$built" ] && [ "$source" -nt "$built" ]; then native_changed=1; fi
      # installed as pure Python before a compiler was there: compile now
      if [ ! -f "$built" ] && [ -z "${CC_PURE_PYTHON:-}" ] && command -v gcc >/dev/null; then native_changed=1; fi
    done
  done
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ setup.py -nt "$stamp" ] || [ -n "$native_changed" ]; then
    "$BIN/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$BIN/python" -m pip install -q --disable-pip-version-check -e ".$extra"
    touch "$stamp"
  fi
}

demo() {
  install ""
  local out=${DEMO_OUT:-demo-out}
  set -x
  "$BIN/cc" validate --catalog catalog
  "$BIN/cc" render --catalog catalog --out "$out/emblems"
  { set +x; } 2>/dev/null
  # A throw-away demo key (mode 0600, git-ignored); real issuers keep theirs outside the repository.
  [ -f "$out/issuer.key" ] || { mkdir -p "$out"; "$BIN/cc" keys init "$out/issuer.key"; }
  set -x
  "$BIN/cc" issue examples/roster.csv --catalog catalog --out "$out/awards" --key "$out/issuer.key" --bake png
  "$BIN/cc" verify -q "$out/awards"
  "$BIN/cc" transcript zoe.astrom@example.com --catalog catalog --out "$out/awards"
  "$BIN/cc" site --catalog catalog --out "$out/site" --awards "$out/awards"
  { set +x; } 2>/dev/null
  echo "demo: done; outputs in $out/ (open $out/site/index.html to browse the catalog)"
}

run_tests() {
  install "[dev]"
  command -v node >/dev/null || apt_install nodejs npm
  # The ledger tests start a throw-away PostgreSQL server (tests/pg.py) from the machine's own packages.
  { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null; } || apt_install postgresql
  # The independent Digital Bazaar verifier and the PostgreSQL ledger tests must run here, not be skipped.
  export CC_REQUIRE_JS_VERIFIER=${CC_REQUIRE_JS_VERIFIER:-1}
  export CC_REQUIRE_POSTGRES=${CC_REQUIRE_POSTGRES:-1}
  # ... and the compiled modules (setup.py), which users run and the benchmarks measure
  export CC_REQUIRE_NATIVE=${CC_REQUIRE_NATIVE:-1}
  "$BIN/python" -m pytest -q -n "${PYTEST_WORKERS:-2}" "$@"
}

case "${1:-}" in
  demo) demo ;;
  test) shift; run_tests "$@" ;;
  install) install "[dev]" ;;
  *) echo "usage: bash scripts/dev.sh demo|test|install" >&2; exit 2 ;;
esac
