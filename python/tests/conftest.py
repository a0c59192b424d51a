"""Helpers of the canon_nlp tests: the repository's files, the shared corpus
beside it, and the `canon` binary whose records the package must reproduce.

Like tests/common in the Rust tests: what lives outside the repository
(../shared/corpus, a release build of the CLI) makes a test fail when the
environment variable CI is set, and skip loudly (on standard error)
otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Sequence

import pytest

PYTHON_DIR = Path(__file__).resolve().parent.parent
REPO = PYTHON_DIR.parent
SAMPLES = REPO / "data" / "samples"


def _missing(what: str) -> None:
    """Fails under CI (a CI run that skips its real-data tests tests
    nothing), skips loudly otherwise."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing and CI is set", pytrace=False)
    print(f"SKIPPED: {what} is missing", file=sys.stderr)
    pytest.skip(f"{what} is missing")


def shared_corpus(relative: str) -> Path:
    """`relative` inside ../shared/corpus (real data kept out of the repository)."""
    path = REPO.parent / "shared" / "corpus" / relative
    if not path.exists():
        _missing(f"shared corpus file {path}")
    return path


def canon_bin() -> Path:
    """The CLI the records are compared with: $CANON_BIN, or the release build
    target/release/canon (`cargo build --release`)."""
    path = Path(os.environ.get("CANON_BIN", REPO / "target" / "release" / "canon"))
    if not path.is_file():
        _missing(f"canon binary {path} (run cargo build --release or set CANON_BIN)")
    return path


def run_canon(args: Sequence[str], stdin: bytes = b"", expect: Optional[int] = 0) -> subprocess.CompletedProcess:
    """Runs the CLI with `args` in the repository root; checks its exit status
    when `expect` is not None."""
    done = subprocess.run(
        [str(canon_bin()), *args], input=stdin, capture_output=True, cwd=REPO, check=False
    )
    if expect is not None and done.returncode != expect:
        raise AssertionError(
            f"canon {' '.join(args)} exited {done.returncode}:\n{done.stderr.decode(errors='replace')}"
        )
    return done


def jsonl(data: bytes) -> List[dict]:
    """The JSON records of JSON Lines output."""
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line]


def cli_records(texts: Sequence[str], args: Sequence[str] = ()) -> List[dict]:
    """What `canon normalize ARGS` writes for each text given as {"text": ...}."""
    stdin = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts).encode("utf-8")
    records = jsonl(run_canon(["normalize", "--quiet", *args], stdin).stdout)
    assert len(records) == len(texts), "one record per text"
    return records


def canon_fields(cli_record: dict, input_fields: Sequence[str] = ("text",)) -> dict:
    """A CLI record without the input's own fields, checking those come first
    (the output contract: input fields, then canon's)."""
    keys = list(cli_record)
    assert keys[: len(input_fields)] == list(input_fields), keys
    return {k: cli_record[k] for k in keys[len(input_fields) :]}
