#!/usr/bin/env bash
# CI for the alias generator and the Python side of the ambiguity rule
# (scripts/aliasgen, scripts/audit_entities.py).
#
# Needs python3 (3.11: tomllib) with venv. Creates or reuses a virtualenv with
# the pinned packages of scripts/aliasgen/requirements.txt (their data is the
# generator's input, so the versions must be exactly those), then checks that
# the generated tables and word lists are up to date, runs the generator's and
# the rule's unit tests (the parity fixtures with canon's Rust rule included),
# lints the default table with the rule, and runs the audit's self-test. Quiet
# on success, loud and non-zero on failure.
#
# Environment:
#   ALIASGEN_VENV       virtualenv dir (default: <repo>/.venv-aliasgen)
#   PYTHON              interpreter for the venv (default: python3)
#   CI_ALIASGEN_VERBOSE=1  show every step's output even on success
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${ALIASGEN_VENV:-$repo/.venv-aliasgen}"
python="${PYTHON:-python3}"
requirements="$repo/scripts/aliasgen/requirements.txt"
log="$(mktemp -t ci_aliasgen.XXXXXX)"
trap 'rm -f "$log"' EXIT

fail() {
    echo "ci_aliasgen: $*" >&2
    if [[ -s "$log" ]]; then
        echo "---- output ----" >&2
        cat "$log" >&2
    fi
    exit 1
}

# Run a step, keeping its output in $log; show it only when the step fails
# (or always with CI_ALIASGEN_VERBOSE=1).
step() {
    local what="$1"; shift
    : >"$log"
    if [[ "${CI_ALIASGEN_VERBOSE:-0}" == 1 ]]; then
        "$@" 2>&1 | tee "$log" || fail "$what failed"
    else
        "$@" >"$log" 2>&1 || fail "$what failed"
    fi
    echo "ok: $what"
}

# (Re)create the venv when it is missing or broken.
if ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    rm -rf "$venv"
    step "creating venv $venv" "$python" -m venv "$venv"
fi
# Keep the venv out of git without touching the repo's .gitignore.
[[ -f "$venv/.gitignore" ]] || echo '*' >"$venv/.gitignore"

# Install only when a pinned version is missing (idempotent, and no network on
# reruns): every `name==version` line of requirements.txt must be installed as is.
if ! "$venv/bin/python" - "$requirements" >/dev/null 2>&1 <<'EOF'
import sys
from importlib.metadata import version
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split("#", 1)[0].strip()
    if line:
        name, pinned = line.split("==")
        assert version(name) == pinned, (name, version(name), pinned)
EOF
then
    step "pip install -r scripts/aliasgen/requirements.txt" "$venv/bin/python" -m pip install \
        --quiet --disable-pip-version-check -r "$requirements"
fi

cd "$repo"
py="$venv/bin/python"
step "generated tables and word lists up to date (generate.py --check)" \
    "$py" scripts/aliasgen/generate.py --check
step "aliasgen unit tests" "$py" -m unittest discover -s scripts/aliasgen
step "ambiguity rule on the default table (ambiguity.py lint)" \
    "$py" scripts/aliasgen/ambiguity.py lint data/aliases/*.toml
step "entity audit self-test" "$py" scripts/audit_entities.py selftest
