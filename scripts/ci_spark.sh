#!/usr/bin/env bash
# CI for the Spark runner (scripts/spark_normalize.py).
#
# Needs python3 (3.11) with venv and a Java 17 runtime; the caller has already
# built target/release/canon (or sets CANON_BIN to another binary).  Creates or
# reuses a virtualenv, installs pinned PySpark and pytest into it, and runs
# tests/spark against the binary.  Quiet on success, loud and non-zero on failure.
#
# Environment:
#   CANON_BIN        canon binary to test (default: <repo>/target/release/canon)
#   SPARK_VENV       virtualenv dir (default: <repo>/.venv-spark)
#   PYTHON           interpreter for the venv (default: python3)
#   CI_SPARK_VERBOSE=1  show pip and pytest output even on success
set -euo pipefail

PYSPARK_VERSION=3.5.8    # Spark 3.5 runs on Java 8/11/17 and Python 3.8-3.11
PYTEST_VERSION=8.3.5

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${SPARK_VENV:-$repo/.venv-spark}"
python="${PYTHON:-python3}"
export CANON_BIN="${CANON_BIN:-$repo/target/release/canon}"
log="$(mktemp -t ci_spark.XXXXXX)"
trap 'rm -f "$log"' EXIT

fail() {
    echo "ci_spark: $*" >&2
    if [[ -s "$log" ]]; then
        echo "---- output ----" >&2
        cat "$log" >&2
    fi
    exit 1
}

# Run a step, keeping its output in $log; show it only when the step fails
# (or always with CI_SPARK_VERBOSE=1).
step() {
    local what="$1"; shift
    : >"$log"
    if [[ "${CI_SPARK_VERBOSE:-0}" == 1 ]]; then
        "$@" 2>&1 | tee "$log" || fail "$what failed"
    else
        "$@" >"$log" 2>&1 || fail "$what failed"
    fi
}

[[ -x "$CANON_BIN" ]] || fail "no canon binary at $CANON_BIN (run cargo build --release first, or set CANON_BIN)"
command -v java >/dev/null 2>&1 || [[ -n "${JAVA_HOME:-}" ]] \
    || fail "no java on PATH and JAVA_HOME unset: Spark needs a Java 17 runtime"

# (Re)create the venv when it is missing or broken.
if ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    rm -rf "$venv"
    step "creating venv $venv" "$python" -m venv "$venv"
fi
# Keep the venv out of git without touching the repo's .gitignore.
[[ -f "$venv/.gitignore" ]] || echo '*' >"$venv/.gitignore"

# Install only when the pinned versions are not already there (idempotent, and
# no network on reruns).
if ! "$venv/bin/python" - "$PYSPARK_VERSION" "$PYTEST_VERSION" >/dev/null 2>&1 <<'EOF'
import sys
from importlib.metadata import version
assert version("pyspark") == sys.argv[1]
assert version("pytest") == sys.argv[2]
EOF
then
    step "pip install" "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "pyspark==$PYSPARK_VERSION" "pytest==$PYTEST_VERSION"
fi

# The job runs python on the executors too: make them use the venv's python.
export PYSPARK_PYTHON="$venv/bin/python"
export PYSPARK_DRIVER_PYTHON="$venv/bin/python"
# A missing pyspark must fail here, never skip.
unset CANON_SPARK_OPTIONAL

cd "$repo"
if [[ "${CI_SPARK_VERBOSE:-0}" == 1 ]]; then
    "$venv/bin/python" -m pytest tests/spark -q -p no:cacheprovider
else
    : >"$log"
    if ! "$venv/bin/python" -m pytest tests/spark -q -p no:cacheprovider >"$log" 2>&1; then
        fail "tests/spark failed"
    fi
    # One closing line so CI logs show what ran.
    tail -n 1 "$log"
fi
