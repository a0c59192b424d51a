"""End-to-end tests for scripts/spark_normalize.py (canon on Apache Spark).

Run with:  CANON_BIN=target/release/canon python3 -m pytest tests/spark -q

Spark runs for real in local mode (local[2]).  The canon binary comes from
CANON_BIN (default <repo>/target/release/canon).  A missing pyspark fails the
run, unless CANON_SPARK_OPTIONAL=1, which turns it into a skip.
"""

import glob
import importlib.util
import json
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO, "scripts", "spark_normalize.py")
CANON = os.environ.get("CANON_BIN") or os.path.join(REPO, "target", "release", "canon")

try:
    import pyspark
    _NO_SPARK = None
except ImportError as e:
    if os.environ.get("CANON_SPARK_OPTIONAL") != "1":
        pytest.fail("pyspark is not importable (%s): install it (scripts/ci_spark.sh does) or "
                    "set CANON_SPARK_OPTIONAL=1 to skip the Spark tests" % e, pytrace=False)
    _NO_SPARK = ("pyspark is not importable (%s); Spark tests skipped because "
                 "CANON_SPARK_OPTIONAL=1" % e)

# Tests that run Spark; skipped (per test, so pytest still exits 0) only when
# pyspark is missing and CANON_SPARK_OPTIONAL=1.
needs_spark = pytest.mark.skipif(_NO_SPARK is not None, reason=_NO_SPARK or "")


def _load_job():
    spec = importlib.util.spec_from_file_location("spark_normalize", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


job = _load_job()

# ---------------------------------------------------------------------------
# The corpus: three shards (one in a subfolder, one with a BOM, one with CRLF
# line ends) plus a shard of bad lines.
# ---------------------------------------------------------------------------

ALIAS_TABLE = """\
[[entity]]
id = "quillfeather-dynamics"
name = "Quillfeather Dynamics"
kind = "org"
topics = ["tech"]
aliases.en = ["Quillfeather Dynamics", "Quillfeather"]
aliases.zh-Hans = ["羽笔动力"]
"""

EN = [
    {"id": "en-1", "text": "The river was quiet before the storm reached the valley."},
    {"id": "en-2", "text": "Quillfeather Dynamics opened a small lab next to the old train station."},
    {"id": "en-3", "text": "DeepSeek and Moonshot AI both published new models this spring.",
     "source": "wire", "tags": ["ai", "models"]},
    {"id": "en-4", "text": "She said the bakery's bread tasted better on rainy mornings."},
]
ZH = [
    {"id": "zh-1", "text": "今天早上下了一场大雨，街上的人都撑着伞。"},
    {"id": "zh-2", "text": "羽笔动力在杭州设立了新的研发中心。"},
    {"id": "zh-3", "text": "月之暗面和阿里巴巴都发布了新的大模型。"},
    {"id": "zh-4", "text": "图书馆周末开放到晚上九点。", "meta": {"page": 3}},
]
MIXED = [
    {"id": "mx-1", "text": "Quillfeather 的工程师说，羽笔动力 will ship next year."},
    {"id": "mx-2", "text": "A short note about tea."},
]
# (raw line, expected reason prefix) in the bad shard, between good records.
BAD = [
    ('{"id": "bad-1", "text": "unterminated', "invalid JSON"),
    ('[1, 2, 3]', "not a JSON object"),
    ('{"id": "bad-3", "title": "no text here"}', "missing text field"),
    ('{"id": "bad-4", "text": 42}', "text field \"text\" is not a string"),
]


def _dump(rec):
    return json.dumps(rec, ensure_ascii=False)


def make_corpus(root):
    """Writes the corpus; returns (corpus dir, expected bad lines as
    {(file name, line): (raw, reason prefix)}, number of non-blank lines)."""
    corpus = os.path.join(root, "corpus")
    os.makedirs(os.path.join(corpus, "sub"))
    with open(os.path.join(corpus, "en-news.jsonl"), "w", encoding="utf-8") as f:
        f.write("\ufeff")  # a byte order mark, as some exporters write
        f.writelines(_dump(r) + "\n" for r in EN)
    with open(os.path.join(corpus, "sub", "zh-news.jsonl"), "w", encoding="utf-8",
              newline="") as f:
        f.writelines(_dump(r) + "\r\n" for r in ZH)
    lines, bad = [], {}
    lines.append(_dump(MIXED[0]))
    lines.append("")  # a blank line: skipped, not a record
    for raw, reason in BAD:
        lines.append(raw)
        bad[("mixed.jsonl", len(lines))] = (raw, reason)
    lines.append(_dump(MIXED[1]))
    with open(os.path.join(corpus, "mixed.jsonl"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    nonblank = len(EN) + len(ZH) + len(MIXED) + len(BAD)
    return corpus, bad, nonblank


def read_jsonl_dir(d):
    recs = []
    for path in sorted(glob.glob(os.path.join(d, "part-*"))):
        with open(path, encoding="utf-8") as f:
            recs += [json.loads(line) for line in f if line.strip()]
    return recs


def by_id(recs):
    out = {}
    for r in recs:
        assert r["id"] not in out, "duplicate record %r" % r["id"]
        out[r["id"]] = r
    return out


def entity_ids(rec):
    return {e["id"] for e in rec["entities"]}


def canon_direct(args, cwd=None):
    r = subprocess.run([CANON, "normalize", "--quiet"] + args, capture_output=True, cwd=cwd)
    assert r.returncode in (0, 1), r.stderr.decode()
    return [json.loads(l) for l in r.stdout.decode("utf-8").splitlines()], r


def spark_env():
    env = dict(os.environ)
    env["PYSPARK_PYTHON"] = sys.executable
    env["PYSPARK_DRIVER_PYTHON"] = sys.executable
    env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return env


@pytest.fixture(scope="module")
def canon_bin():
    if not (os.path.isfile(CANON) and os.access(CANON, os.X_OK)):
        pytest.fail("no canon binary at %s: build it (cargo build --release) or set CANON_BIN"
                    % CANON, pytrace=False)
    return CANON


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("corpus"))
    corpus_dir, bad, nonblank = make_corpus(root)
    aliases = os.path.join(root, "quill-aliases.toml")
    with open(aliases, "w", encoding="utf-8") as f:
        f.write(ALIAS_TABLE)
    return {"root": root, "dir": corpus_dir, "bad": bad, "nonblank": nonblank,
            "aliases": aliases}


@pytest.fixture(scope="module")
def spark_submit_run(canon_bin, corpus):
    """The job as the README tells users to run it: spark-submit (local[2]
    here), the binary and alias table shipped with --files and named by their
    bare file names, rejects kept.  (The in-process tests below pass paths,
    which the job ships itself with addFile.)"""
    out = os.path.join(corpus["root"], "out")
    rejects = os.path.join(corpus["root"], "rejects")
    elsewhere = os.path.join(corpus["root"], "cwd")  # so bare names resolve only via --files
    os.makedirs(elsewhere)
    submit = os.path.join(os.path.dirname(pyspark.__file__), "bin", "spark-submit")
    cmd = [submit, "--master", "local[2]", "--conf", "spark.ui.enabled=false",
           "--files", "%s,%s" % (canon_bin, corpus["aliases"]),
           SCRIPT, "--canon", os.path.basename(canon_bin),
           "--aliases", os.path.basename(corpus["aliases"]),
           "--rejects-output", rejects, corpus["dir"], out]
    r = subprocess.run(cmd, capture_output=True, env=spark_env(), cwd=elsewhere, timeout=600)
    return {"rc": r.returncode, "stdout": r.stdout.decode("utf-8", "replace"),
            "stderr": r.stderr.decode("utf-8", "replace"), "out": out, "rejects": rejects}


def _explain(run):
    return "spark-submit exited %d\nstdout:\n%s\nstderr (tail):\n%s" % (
        run["rc"], run["stdout"], run["stderr"][-6000:])


# ---------------------------------------------------------------------------
# The spark-submit run
# ---------------------------------------------------------------------------

@needs_spark
def test_job_succeeds_and_prints_counts(spark_submit_run, corpus):
    run = spark_submit_run
    assert run["rc"] == 0, _explain(run)
    n_bad = len(corpus["bad"])
    n_in = corpus["nonblank"]
    assert ("canon-spark: %d records in, %d out, %d rejected"
            % (n_in, n_in - n_bad, n_bad)) in run["stdout"], _explain(run)
    with open(os.path.join(run["out"], "_counts.json")) as f:
        counts = json.load(f)
    assert counts["ok"] is True
    assert counts["records_in"] == n_in
    assert counts["records_in"] == counts["records_out"] + counts["rejected"]
    assert counts["rejected"] == n_bad


@needs_spark
def test_output_matches_canon_run_directly(spark_submit_run, corpus, canon_bin):
    run = spark_submit_run
    assert run["rc"] == 0, _explain(run)
    shards = glob.glob(os.path.join(run["out"], "part-*"))
    assert shards and all(s.endswith(".jsonl") for s in shards), shards
    spark_recs = by_id(read_jsonl_dir(run["out"]))
    direct, _ = canon_direct(["--aliases", corpus["aliases"], corpus["dir"]])
    direct_recs = by_id(direct)
    assert len(direct_recs) == corpus["nonblank"] - len(corpus["bad"])
    assert sorted(spark_recs) == sorted(direct_recs)
    for rid in direct_recs:
        assert spark_recs[rid] == direct_recs[rid], rid


@needs_spark
def test_every_bad_line_is_in_the_rejects(spark_submit_run, corpus, canon_bin):
    run = spark_submit_run
    assert run["rc"] == 0, _explain(run)
    rejects = read_jsonl_dir(run["rejects"])
    got = {(os.path.basename(r["file"]), r["line"]): r for r in rejects}
    assert len(got) == len(rejects) == len(corpus["bad"]), rejects
    assert set(got) == set(corpus["bad"])
    for key, (raw, reason) in corpus["bad"].items():
        rec = got[key]
        assert rec["raw"] == raw
        assert rec["reason"].startswith(reason), rec
        assert isinstance(rec["partition"], int) and rec["partition"] >= 0
        assert isinstance(rec["partition_line"], int) and rec["partition_line"] >= 1
    # Same reasons as canon gives when it reads the files itself.
    rej_file = os.path.join(corpus["root"], "direct-rejects.jsonl")
    canon_direct(["--aliases", corpus["aliases"], "--rejects", rej_file, corpus["dir"]])
    with open(rej_file, encoding="utf-8") as f:
        direct = [json.loads(l) for l in f]
    assert ({(os.path.basename(r["file"]), r["line"], r["reason"], r["raw"]) for r in direct}
            == {(os.path.basename(r["file"]), r["line"], r["reason"], r["raw"])
                for r in rejects})


@needs_spark
def test_user_alias_table_is_used_on_executors(spark_submit_run, corpus, canon_bin):
    run = spark_submit_run
    assert run["rc"] == 0, _explain(run)
    recs = by_id(read_jsonl_dir(run["out"]))
    for rid in ("en-2", "zh-2"):
        assert "quillfeather-dynamics" in entity_ids(recs[rid]), recs[rid]
    assert "quillfeather-dynamics" not in entity_ids(recs["en-1"])
    # ... and it is the table that does it: canon alone does not know the name.
    plain, _ = canon_direct([corpus["dir"]])
    assert all("quillfeather-dynamics" not in entity_ids(r) for r in plain)
    # The built-in table still applies next to the user's.
    assert {"deepseek", "moonshot-ai"} <= entity_ids(recs["en-3"])


# ---------------------------------------------------------------------------
# Other options and failures, in one in-process Spark session
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def spark(canon_bin):
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession
    session = (SparkSession.builder.master("local[2]").appName("canon-spark-tests")
               .config("spark.ui.enabled", "false").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@needs_spark
def test_repartition_gzip_and_jobs_per_task(spark, corpus, canon_bin, capsys):
    out = os.path.join(corpus["root"], "out-repart")
    rc = job.main(["--canon", canon_bin, "--aliases", corpus["aliases"],
                   "--partitions", "5", "--jobs-per-task", "2", "--compress", "gzip",
                   corpus["dir"], out], spark=spark)
    captured = capsys.readouterr()
    assert rc == 0, captured.err[-4000:]
    n_in, n_bad = corpus["nonblank"], len(corpus["bad"])
    assert "%d records in, %d out, %d rejected (5 partitions)" % (n_in, n_in - n_bad, n_bad) \
        in captured.out
    shards = sorted(glob.glob(os.path.join(out, "part-*")))
    assert len(shards) == 5 and all(s.endswith(".jsonl.gz") for s in shards), shards
    # canon reads the shards back as JSON Lines: same records as the direct run.
    direct, _ = canon_direct(["--aliases", corpus["aliases"], corpus["dir"]])
    spark_recs = subprocess.run(["sh", "-c", "gzip -dc %s/part-*.jsonl.gz" % out],
                                capture_output=True, check=True).stdout.decode().splitlines()
    assert by_id(json.loads(l) for l in spark_recs) == by_id(direct)


@needs_spark
def test_a_compiled_table_is_shipped_and_mapped(spark, corpus, canon_bin, capsys):
    """The table compiled with `canon alias compile` gives the executors the
    same entities as its source, and a damaged copy fails the job."""
    compiled = os.path.join(corpus["root"], "quill.canonidx")
    subprocess.run([canon_bin, "alias", "compile", "--quiet", "-o", compiled,
                    corpus["aliases"]], check=True)
    out = os.path.join(corpus["root"], "out-compiled")
    rc = job.main(["--canon", canon_bin, "--aliases", compiled, corpus["dir"], out],
                  spark=spark)
    captured = capsys.readouterr()
    assert rc == 0, captured.err[-4000:]
    direct, _ = canon_direct(["--aliases", corpus["aliases"], corpus["dir"]])
    assert by_id(read_jsonl_dir(out)) == by_id(direct)
    assert any(e["id"] == "quillfeather-dynamics" for r in direct for e in r.get("entities", []))

    damaged = os.path.join(corpus["root"], "damaged.canonidx")
    with open(compiled, "rb") as f:
        data = bytearray(f.read())
    data[len(data) // 2] ^= 1
    with open(damaged, "wb") as f:
        f.write(bytes(data))
    rc = job.main(["--canon", canon_bin, "--aliases", damaged, corpus["dir"],
                   os.path.join(corpus["root"], "out-damaged")], spark=spark)
    err = capsys.readouterr().err
    assert rc == 2, err[-4000:]
    assert "damaged.canonidx: checksum mismatch" in err  # verified once, on the driver


@needs_spark
def test_canon_fatal_on_executor_fails_the_job(spark, corpus, canon_bin, capsys):
    bad_table = os.path.join(corpus["root"], "broken-aliases.toml")
    with open(bad_table, "w") as f:
        f.write('[[entity]]\nid = "Not A Slug!"\nname = "x"\nkind = "spaceship"\n')
    out = os.path.join(corpus["root"], "out-fatal")
    rc = job.main(["--canon", canon_bin, "--aliases", bad_table, "--no-preflight",
                   corpus["dir"], out], spark=spark)
    err = capsys.readouterr().err
    assert rc == 4, err[-4000:]
    assert "canon exited with status 2" in err
    assert "broken-aliases.toml" in err  # canon's own message, from the executor
    assert not os.path.exists(out)  # a failed run leaves nothing to trip the next one


@needs_spark
def test_preflight_catches_bad_table_before_any_task(spark, corpus, canon_bin, capsys):
    bad_table = os.path.join(corpus["root"], "broken-aliases-2.toml")
    with open(bad_table, "w") as f:
        f.write("this is = = not toml\n")
    out = os.path.join(corpus["root"], "out-preflight")
    rc = job.main(["--canon", canon_bin, "--aliases", bad_table, corpus["dir"], out],
                  spark=spark)
    err = capsys.readouterr().err
    assert rc == 2, err[-4000:]
    assert "refused its arguments" in err and "broken-aliases-2.toml" in err
    assert not os.path.exists(out)


@needs_spark
def test_existing_output_dir_is_refused(spark, corpus, canon_bin, capsys):
    out = os.path.join(corpus["root"], "already-there")
    os.makedirs(out)
    rc = job.main(["--canon", canon_bin, corpus["dir"], out], spark=spark)
    assert rc == 2
    assert "already exists" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# Pieces that need no Spark
# ---------------------------------------------------------------------------

def test_blank_lines_are_what_canon_skips(canon_bin):
    lines = ["", " ", "\t", "\f", " \t ", "\u3000", "\u00a0", "\v", "\ufeff"]
    r = subprocess.run([canon_bin, "normalize", "--quiet"],
                       input="\n".join(lines).encode() + b"\n", capture_output=True)
    rejected_lines = {int(l.split(":")[1]) for l in r.stderr.decode().splitlines()
                      if l.startswith("-:")}
    for i, line in enumerate(lines, 1):
        assert job.is_blank(line) == (i not in rejected_lines), repr(line)


def test_reject_line_numbers_map_back_to_files():
    seg = job._Segments()
    rows = [("a", "f1", 0, 1), ("b", "f1", 0, 2), ("c", "f2", 0, 1), ("d", "f3", 512, 1),
            ("e", "f3", 512, 2)]
    for n, (_, path, start, line) in enumerate(rows, 1):
        seg.add(n, path, start, line)
    assert seg.lookup(2) == ("f1", 0, 2)
    assert seg.lookup(3) == ("f2", 0, 1)
    assert seg.lookup(5) == ("f3", 512, 2)
    rec = json.loads(job._locate_reject({"file": "-", "line": 5, "reason": "r", "raw": "e"}, 7,
                                        seg, 5))
    assert rec == {"file": "f3", "line": None, "split_start": 512, "split_line": 2,
                   "reason": "r", "raw": "e", "partition": 7, "partition_line": 5}
    with pytest.raises(RuntimeError, match="never fed"):
        job._locate_reject({"file": "-", "line": 6, "reason": "r", "raw": "f"}, 7, seg, 5)
    assert job._jsonl_name("part-00003") == "part-00003.jsonl"
    assert job._jsonl_name("part-00003.gz") == "part-00003.jsonl.gz"


@needs_spark
def test_missing_input_is_a_usage_error(spark, corpus, canon_bin, capsys):
    rc = job.main(["--canon", canon_bin, os.path.join(corpus["root"], "no-such-dir"),
                   os.path.join(corpus["root"], "out-missing")], spark=spark)
    assert rc == 2
    assert "no-such-dir" in capsys.readouterr().err
