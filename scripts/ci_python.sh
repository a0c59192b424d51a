#!/usr/bin/env bash
# CI for the Python package (python/, canon_nlp): builds it into a virtualenv
# with pip (maturin, a release build of canon), installs the pinned test
# requirements and runs python/tests against the CLI binary.
#
# Needs python3 (>= 3.10 for datatrove) with venv, and the CLI already built
# (cargo build --release, or CANON_BIN). Quiet on success, loud and non-zero
# on failure.
#
# Environment:
#   CANON_BIN         canon binary the records are compared with
#                     (default: <repo>/target/release/canon)
#   PYTHON_VENV       virtualenv dir (default: <repo>/.venv-python)
#   PYTHON            interpreter for the venv (default: python3)
#   CI_PYTHON_VERBOSE=1  show pip and pytest output even on success
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${PYTHON_VENV:-$repo/.venv-python}"
python="${PYTHON:-python3}"
export CANON_BIN="${CANON_BIN:-$repo/target/release/canon}"
log="$(mktemp -t ci_python.XXXXXX)"
trap 'rm -f "$log"' EXIT

fail() {
    echo "ci_python: $*" >&2
    if [[ -s "$log" ]]; then
        echo "---- output ----" >&2
        cat "$log" >&2
    fi
    exit 1
}

# Run a step, keeping its output in $log; show it only when the step fails
# (or always with CI_PYTHON_VERBOSE=1). Prints how long the step took.
step() {
    local what="$1"; shift
    local start=$SECONDS
    : >"$log"
    if [[ "${CI_PYTHON_VERBOSE:-0}" == 1 ]]; then
        "$@" 2>&1 | tee "$log" || fail "$what failed"
    else
        "$@" >"$log" 2>&1 || fail "$what failed"
    fi
    echo "ci_python: $what: $((SECONDS - start)) s"
}

[[ -x "$CANON_BIN" ]] || fail "no canon binary at $CANON_BIN (run cargo build --release first, or set CANON_BIN)"

if ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    rm -rf "$venv"
    step "creating venv $venv" "$python" -m venv "$venv"
fi
[[ -f "$venv/.gitignore" ]] || echo '*' >"$venv/.gitignore"

pip=("$venv/bin/python" -m pip --disable-pip-version-check)
# Idempotent: pip skips what is installed at the pinned version.
step "pip install -r python/requirements-test.txt" "${pip[@]}" install --quiet -r "$repo/python/requirements-test.txt"
# The package itself, always rebuilt from this checkout: a release build of
# canon in the workspace's target/ (most of it left by cargo build --release).
step "pip install ./python" "${pip[@]}" install --quiet --force-reinstall --no-deps "$repo/python"

# pytest by its script, from the repository root: the source folder
# python/canon_nlp must not shadow the installed package.
cd "$repo"
step "pytest python/tests" "$venv/bin/pytest" python/tests -q -p no:cacheprovider
tail -n 1 "$log"
