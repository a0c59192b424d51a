#!/usr/bin/env python3
"""Run `canon normalize` over a corpus with Apache Spark.

    spark-submit scripts/spark_normalize.py --canon PATH [options] INPUT... OUTPUT_DIR

Every input line is a JSON Lines record (all input files are read as JSON
Lines, whatever their extension; .gz and other Hadoop codecs are decompressed).
Each Spark partition is piped through one

    canon normalize --quiet --jobs N --rejects TMPFILE [--aliases FILE...]

process.  Normalized records are written as JSON Lines shards
(OUTPUT_DIR/part-NNNNN.jsonl); rejected lines go, with their source file, line
and Spark partition, to --rejects-output DIR.  At the end the job prints
`records in / out / rejected` (in = non-blank input lines), writes the same
numbers to OUTPUT_DIR/_counts.json, and exits

    0  every input record is accounted for (in == out + rejected)
    1  --fail-on-rejects was given and some records were rejected
    2  bad arguments, or canon refused its arguments on the driver
    3  the counts do not add up (records lost or duplicated)
    4  the Spark job failed

A partition whose canon exits 2 (fatal: bad alias table, ...) or dies fails
its Spark task with canon's stderr in the error, which fails the job (4).

The canon binary and alias tables are shipped to the executors with
SparkContext.addFile when --canon / --aliases name a file the driver can read
(or a hdfs://, s3a://, ... URI).  A bare file name that the driver cannot
find is taken to have been shipped already with `spark-submit --files`.

Only the Python standard library is used on the executors.
"""

import argparse
import bisect
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

# Bytes handed to canon's stdin per write: canon closes a batch whenever its
# stdin has nothing buffered, so feeding it in large chunks keeps batches
# (and its worker threads) full.
_FEED_CHUNK = 1 << 18

_STDERR_TAIL_LINES = 200


# Rust's char::is_whitespace (Unicode White_Space) plus the byte order mark:
# exactly what canon treats as a blank line, which is not a record.
_UNICODE_WS = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def is_blank(line):
    return line.strip(_UNICODE_WS) == ""


# --------------------------------------------------------------------------
# Executor side
# --------------------------------------------------------------------------

def resolve_shipped(name):
    """Local path of a file shipped with addFile or spark-submit --files."""
    candidates = []
    try:
        from pyspark import SparkFiles
        candidates.append(SparkFiles.get(name))
    except Exception:  # no SparkFiles root (not in a Spark worker)
        pass
    candidates.append(os.path.abspath(name))  # YARN puts --files in the container's cwd
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        "canon-spark: %r was not shipped to this executor (looked in %s); pass a path the "
        "driver can read, or ship it with spark-submit --files" % (name, ", ".join(candidates)))


def ensure_executable(path):
    if not os.access(path, os.X_OK):
        os.chmod(path, os.stat(path).st_mode | 0o755)
    return path


def number_lines(rows):
    """(text, file, split_start) rows -> (text, file, split_start, line_in_split)."""
    key, n = None, 0
    for text, path, split_start in rows:
        if (path, split_start) != key:
            key, n = (path, split_start), 0
        n += 1
        yield text, path, split_start, n


class _Segments:
    """Maps canon's stdin line numbers back to (file, split start, line in split).

    Consecutive lines of one file split form one segment, so a partition
    costs a few entries per file, not one per line."""

    def __init__(self):
        self.starts = []   # first stream line (1-based) of each segment
        self.info = []     # (file, split_start, line_in_split of the first line)
        self._last = None  # (file, split_start, next expected line_in_split)

    def add(self, stream_line, path, split_start, line_in_split):
        if self._last != (path, split_start, line_in_split):
            self.starts.append(stream_line)
            self.info.append((path, split_start, line_in_split))
        self._last = (path, split_start, line_in_split + 1)

    def lookup(self, stream_line):
        i = bisect.bisect_right(self.starts, stream_line) - 1
        if i < 0:
            return None
        path, split_start, first = self.info[i]
        return path, split_start, first + (stream_line - self.starts[i])


def _local_tmpdir():
    for d in os.environ.get("SPARK_LOCAL_DIRS", "").split(","):
        if d and os.path.isdir(d):
            return tempfile.mkdtemp(prefix="canon-spark-", dir=d)
    return tempfile.mkdtemp(prefix="canon-spark-")


def canon_partition(conf, counts_acc):
    """The mapPartitionsWithIndex function: pipes one partition through canon.

    Yields ("o", output line) for every normalized record, in input order, then
    ("r", reject JSON line) for every rejected line.  Adds
    {partition: (in, out, rejected)} to counts_acc (idempotent under retries)."""

    def run(pid, rows):
        rows = iter(rows)
        first = next(rows, None)
        if first is None:  # empty partition: no process
            counts_acc.add({pid: (0, 0, 0)})
            return
        canon = ensure_executable(resolve_shipped(conf["canon"]))
        tmpdir = _local_tmpdir()
        rejects_path = os.path.join(tmpdir, "rejects.jsonl")
        cmd = [canon, "normalize", "--quiet", "--jobs", str(conf["jobs"]),
               "--rejects", rejects_path, "--text-field", conf["text_field"]]
        for name in conf["aliases"]:
            cmd += ["--aliases", resolve_shipped(name)]
        cmd += conf["extra_args"]

        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, bufsize=1 << 20)
        segments = _Segments()
        fed = {"lines": 0, "nonblank": 0, "error": None}
        stderr_tail = collections.deque(maxlen=_STDERR_TAIL_LINES)

        def feed():
            buf, size = [], 0
            try:
                for text, path, split_start, line in _chain(first, rows):
                    fed["lines"] += 1
                    segments.add(fed["lines"], path, split_start, line)
                    if not is_blank(text):
                        fed["nonblank"] += 1
                    b = text.encode("utf-8", "surrogatepass") + b"\n"
                    buf.append(b)
                    size += len(b)
                    if size >= _FEED_CHUNK:
                        proc.stdin.write(b"".join(buf))
                        buf, size = [], 0
                if buf:
                    proc.stdin.write(b"".join(buf))
            except BrokenPipeError:
                pass  # canon exited early; its exit status says why
            except BaseException as e:  # upstream failure: stop canon, re-raise below
                fed["error"] = e
                proc.kill()
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass

        def drain_stderr():
            for raw in proc.stderr:
                stderr_tail.append(raw.decode("utf-8", "replace").rstrip("\n"))

        feeder = threading.Thread(target=feed, name="canon-feed-%d" % pid, daemon=True)
        drainer = threading.Thread(target=drain_stderr, name="canon-stderr-%d" % pid, daemon=True)
        feeder.start()
        drainer.start()
        out = 0
        try:
            for raw in proc.stdout:
                out += 1
                yield "o", raw.decode("utf-8").rstrip("\n")
            feeder.join()
            rc = proc.wait()
            drainer.join()
            if fed["error"] is not None:
                raise fed["error"]
            if rc not in (0, 1):
                raise RuntimeError(
                    "canon exited with status %s on partition %d (%d lines fed)\ncommand: %s\n"
                    "canon stderr (last %d lines):\n%s"
                    % (rc, pid, fed["lines"], " ".join(cmd), len(stderr_tail),
                       "\n".join(stderr_tail)))
            rejected = 0
            if os.path.exists(rejects_path):
                with open(rejects_path, encoding="utf-8") as f:
                    for raw in f:
                        if not raw.strip():
                            continue
                        rejected += 1
                        yield "r", _locate_reject(json.loads(raw), pid, segments,
                                                  fed["lines"])
            if (rc == 1) != (rejected > 0):
                raise RuntimeError(
                    "canon exited %d on partition %d but wrote %d rejects\ncanon stderr:\n%s"
                    % (rc, pid, rejected, "\n".join(stderr_tail)))
            counts_acc.add({pid: (fed["nonblank"], out, rejected)})
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            shutil.rmtree(tmpdir, ignore_errors=True)

    return run


def _chain(first, rest):
    yield first
    yield from rest


def _locate_reject(rec, pid, segments, n_fed):
    """canon's reject record (file "-", line = line of the partition's stream)
    -> the same record with the source file and line, and the partition."""
    stream_line = rec.get("line")
    where = None
    if isinstance(stream_line, int) and 1 <= stream_line <= n_fed:
        where = segments.lookup(stream_line)
    if where is None:
        raise RuntimeError("canon reported a reject at line %r of partition %d, which was "
                           "never fed to it: %r" % (stream_line, pid, rec))
    path, split_start, line_in_split = where
    out = {"file": path,
           # A line number in the file is known only for a split that starts
           # the file; otherwise give the split's byte offset and line in it.
           "line": line_in_split if split_start == 0 else None,
           "reason": rec.get("reason"),
           "raw": rec.get("raw"),
           "partition": pid,
           "partition_line": stream_line}
    if split_start != 0:
        out["split_start"] = split_start
        out["split_line"] = line_in_split
    return json.dumps(out, ensure_ascii=False)


# --------------------------------------------------------------------------
# Driver side
# --------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="spark_normalize.py",
        description="Normalize JSON Lines corpora with canon on Apache Spark.")
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="input files, folders (recursive) or globs, then the output dir last; "
                        "any filesystem Spark reads (file://, hdfs://, s3a://, ...)")
    p.add_argument("--canon", required=True,
                   help="canon binary (shipped to the executors), or the bare name of one "
                        "shipped with spark-submit --files")
    p.add_argument("--aliases", action="append", default=[], metavar="FILE",
                   help="alias table for canon, shipped like --canon: a compiled .canonidx "
                        "(canon alias compile; mapped, not parsed, by every task) or "
                        ".toml / .jsonl tables (repeatable)")
    p.add_argument("--rejects-output", metavar="DIR",
                   help="write rejected lines (JSON Lines: file, line, reason, raw, partition) "
                        "here; without it rejects are only counted")
    p.add_argument("--text-field", default="text", metavar="NAME",
                   help="JSON field holding the text (default: text)")
    p.add_argument("--jobs-per-task", type=int, default=1, metavar="N",
                   help="canon --jobs for each task (default 1; match spark.task.cpus)")
    p.add_argument("--partitions", type=int, metavar="N",
                   help="run N canon processes: fewer than the input splits coalesces, more "
                        "repartitions (a shuffle; output order then differs from input order)")
    p.add_argument("--spans", action="store_true", help="pass --spans to canon")
    p.add_argument("--max-bytes", metavar="SIZE", help="pass --max-bytes to canon")
    p.add_argument("--compress", choices=["none", "gzip"], default="none",
                   help="compress output and reject shards (part-NNNNN.jsonl.gz)")
    p.add_argument("--fail-on-rejects", action="store_true",
                   help="exit 1 when any record was rejected (as canon does)")
    p.add_argument("--no-preflight", action="store_true",
                   help="do not run canon once on the driver to check its arguments first")
    args = p.parse_args(argv)
    if len(args.paths) < 2:
        p.error("need at least one input path and an output dir")
    args.inputs, args.output = args.paths[:-1], args.paths[-1]
    if args.jobs_per_task < 1:
        p.error("--jobs-per-task must be at least 1")
    if args.partitions is not None and args.partitions < 1:
        p.error("--partitions must be at least 1")
    if args.rejects_output and args.rejects_output.rstrip("/") == args.output.rstrip("/"):
        p.error("--rejects-output must differ from the output dir")
    return args


class UsageError(Exception):
    pass


def _is_uri(s):
    return "://" in s


def ship(sc, spec):
    """addFile a driver-readable path or URI; return the name executors resolve."""
    if _is_uri(spec) and not spec.startswith("file://"):
        sc.addFile(spec)
        return spec.rstrip("/").rsplit("/", 1)[-1]
    local = spec[len("file://"):] if spec.startswith("file://") else spec
    if os.path.isfile(local):
        sc.addFile(os.path.abspath(local))
        return os.path.basename(local)
    if os.sep in local:
        raise UsageError("%s: no such file on the driver" % spec)
    return local  # bare name: shipped with spark-submit --files


# The first bytes of a table written by `canon alias compile`.
COMPILED_MAGIC = b"CANONIDX"


def preflight(args):
    """Run canon on the driver with no input, to catch fatal argument errors
    (a bad alias table, a bad --max-bytes) before any task starts, and
    verify compiled tables (`canon alias check`: checksum and structure),
    which tasks map without verifying.  Skipped
    when the binary cannot run on the driver (other OS, cluster-only path)."""
    def local(spec):
        spec = spec[len("file://"):] if spec.startswith("file://") else spec
        if _is_uri(spec):
            return None
        if os.path.isfile(spec):
            return spec
        try:
            return resolve_shipped(spec)
        except FileNotFoundError:
            return None

    canon = local(args.canon)
    aliases = [local(a) for a in args.aliases]
    if canon is None:
        return
    # Tasks map a compiled table without reading its checksum (loading
    # stays O(1) per task); the driver verifies each local one once instead.
    for a in aliases:
        if a is not None:
            check_compiled_table(canon, a)
    if None in aliases:
        return
    cmd = [canon, "normalize", "--quiet", "--jobs", "1", "--text-field", args.text_field]
    for a in aliases:
        cmd += ["--aliases", a]
    cmd += canon_extra_args(args)
    try:
        r = subprocess.run(cmd, input=b"", capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        print("spark_normalize: preflight skipped (%s)" % e, file=sys.stderr)
        return
    if r.returncode not in (0, 1):
        raise UsageError("canon refused its arguments on the driver (exit %d): %s\n%s"
                         % (r.returncode, " ".join(cmd),
                            r.stderr.decode("utf-8", "replace").rstrip()))


def check_compiled_table(canon, path):
    """`canon alias check PATH` when PATH is a compiled table: its checksum
    and structure, which tasks do not read.  A table that fails, or a check
    that cannot run, stops the job before any task starts."""
    with open(path, "rb") as f:
        if f.read(len(COMPILED_MAGIC)) != COMPILED_MAGIC:
            return
    check = [canon, "alias", "check", path]
    try:
        r = subprocess.run(check, capture_output=True, timeout=600)
    except OSError as e:
        # The binary is for the executors' platform, not the driver's.
        print("spark_normalize: %s cannot run on the driver (%s): the tasks "
              "will map %s unverified" % (" ".join(check), e, path), file=sys.stderr)
        return
    except subprocess.TimeoutExpired as e:
        raise UsageError("%s did not finish on the driver (%s)" % (" ".join(check), e))
    if r.returncode != 0:
        raise UsageError("%s failed on the driver (exit %d):\n%s"
                         % (" ".join(check), r.returncode,
                            (r.stdout + r.stderr).decode("utf-8", "replace").rstrip()))


def canon_extra_args(args):
    extra = []
    if args.spans:
        extra.append("--spans")
    if args.max_bytes:
        extra += ["--max-bytes", args.max_bytes]
    return extra


def _hadoop_fs(sc, path):
    jvm = sc._jvm
    p = jvm.org.apache.hadoop.fs.Path(path)
    return p.getFileSystem(sc._jsc.hadoopConfiguration()), p


def _jsonl_name(name):
    for ext in (".gz", ".bz2", ".zst", ".deflate", ".lz4", ".snappy"):
        if name.endswith(ext):
            return name[: -len(ext)] + ".jsonl" + ext
    return name + ".jsonl"


def rename_shards(sc, directory):
    """part-00000 -> part-00000.jsonl: canon reads extension-less files as one
    plain-text document each, so the shards must say they are JSON Lines."""
    fs, d = _hadoop_fs(sc, directory)
    Path = sc._jvm.org.apache.hadoop.fs.Path
    for st in fs.listStatus(d):
        name = st.getPath().getName()
        if name.startswith("part-") and ".jsonl" not in name:
            if not fs.rename(st.getPath(), Path(d, _jsonl_name(name))):
                raise RuntimeError("could not rename %s" % st.getPath().toString())


def write_small_file(sc, path, text):
    fs, p = _hadoop_fs(sc, path)
    stream = fs.create(p, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def _merge_counts(a, b):
    # Accumulator merge keyed by partition: a retried or recomputed partition
    # overwrites its own entry instead of being counted twice.
    a.update(b)
    return a


def main(argv=None, spark=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)

    from pyspark import AccumulatorParam, StorageLevel
    from pyspark.sql import SparkSession

    class _DictParam(AccumulatorParam):
        def zero(self, value):
            return {}

        def addInPlace(self, a, b):
            return _merge_counts(a, b)

    own_session = spark is None
    if own_session:
        spark = SparkSession.builder.appName("canon-normalize").getOrCreate()
    try:
        return _run(spark, args, _DictParam, StorageLevel)
    except UsageError as e:
        print("spark_normalize: %s" % e, file=sys.stderr)
        return 2
    except Exception as e:  # a failed Spark job, e.g. canon exiting 2 on an executor
        if type(e).__name__ == "AnalysisException":  # e.g. an input path that does not exist
            print("spark_normalize: %s" % str(e).splitlines()[0], file=sys.stderr)
            return 2
        if type(e).__name__ != "Py4JJavaError":
            raise
        text = str(e)
        cause = task_error(text)
        print(cause if cause else text, file=sys.stderr)
        # The output dirs did not exist before this run: remove what the
        # failed job left, so that a rerun starts clean.
        for d in [args.output] + ([args.rejects_output] if args.rejects_output else []):
            try:
                fs, p = _hadoop_fs(spark.sparkContext, d)
                fs.delete(p, True)
            except Exception as cleanup_error:
                print("spark_normalize: could not remove %s: %s" % (d, cleanup_error),
                      file=sys.stderr)
        print("spark_normalize: the Spark job failed", file=sys.stderr, flush=True)
        return 4
    finally:
        if own_session:
            spark.stop()


def task_error(text):
    """The Python exception (type, message and canon's stderr) of the first
    failed task in a Py4JJavaError's text, without the Java stack traces."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception): ", line) and not line.startswith(
                ("org.", "java.", "py4j.", "scala.")):
            out = []
            for l in lines[i:]:
                if not l.strip() or l.startswith("\tat "):
                    break
                out.append(l)
            return "\n".join(out)
    return None


def _run(spark, args, dict_param, storage_level):
    sc = spark.sparkContext
    if __name__ != "__main__" and __name__ in sys.modules:
        # Imported as a module by another driver program: ship this module's
        # functions by value, as executors cannot import it by name.
        from pyspark import cloudpickle
        cloudpickle.register_pickle_by_value(sys.modules[__name__])
    for d in [args.output] + ([args.rejects_output] if args.rejects_output else []):
        fs, p = _hadoop_fs(sc, d)
        if fs.exists(p):
            raise UsageError("%s already exists" % d)

    conf = {
        "canon": ship(sc, args.canon),
        "aliases": [ship(sc, a) for a in args.aliases],
        "jobs": args.jobs_per_task,
        "text_field": args.text_field,
        "extra_args": canon_extra_args(args),
    }
    if len(set(conf["aliases"] + [conf["canon"]])) != len(conf["aliases"]) + 1:
        raise UsageError("--canon and --aliases files need distinct file names")
    if not args.no_preflight:
        preflight(args)

    df = (spark.read.option("recursiveFileLookup", "true")
          .text(args.inputs)
          .select("value", "_metadata.file_path", "_metadata.file_block_start"))
    lines = df.rdd.map(tuple).mapPartitions(number_lines)
    if args.partitions is not None:
        n = lines.getNumPartitions()
        if args.partitions < n:
            lines = lines.coalesce(args.partitions)
        elif args.partitions > n:
            lines = lines.repartition(args.partitions)

    counts_acc = sc.accumulator({}, dict_param())
    tagged = lines.mapPartitionsWithIndex(canon_partition(conf, counts_acc))
    n_parts = tagged.getNumPartitions()
    if args.rejects_output:
        # Two outputs from one canon pass: keep canon's results until both are
        # written (a lost block is recomputed by rerunning canon on that
        # partition, which is deterministic; the keyed counts stay right).
        tagged = tagged.persist(storage_level.MEMORY_AND_DISK)
    codec = "org.apache.hadoop.io.compress.GzipCodec" if args.compress == "gzip" else None

    tagged.filter(lambda t: t[0] == "o").map(lambda t: t[1]) \
        .saveAsTextFile(args.output, compressionCodecClass=codec)
    rename_shards(sc, args.output)
    if args.rejects_output:
        tagged.filter(lambda t: t[0] == "r").map(lambda t: t[1]) \
            .coalesce(max(1, min(n_parts, 16))) \
            .saveAsTextFile(args.rejects_output, compressionCodecClass=codec)
        rename_shards(sc, args.rejects_output)
        tagged.unpersist()

    per_part = counts_acc.value
    n_in = sum(c[0] for c in per_part.values())
    n_out = sum(c[1] for c in per_part.values())
    n_rej = sum(c[2] for c in per_part.values())
    ok = n_in == n_out + n_rej and len(per_part) == n_parts
    bad_parts = sorted(p for p, c in per_part.items() if c[0] != c[1] + c[2])
    summary = {"records_in": n_in, "records_out": n_out, "rejected": n_rej,
               "partitions": n_parts, "partitions_reported": len(per_part),
               "ok": ok, "output": args.output, "rejects_output": args.rejects_output}
    write_small_file(sc, args.output.rstrip("/") + "/_counts.json",
                     json.dumps(summary, sort_keys=True) + "\n")
    print("canon-spark: %d records in, %d out, %d rejected (%d partitions)"
          % (n_in, n_out, n_rej, n_parts), flush=True)
    if not ok:
        print("canon-spark: COUNTS DO NOT ADD UP: in %d != out %d + rejected %d "
              "(partitions reported %d of %d; mismatched partitions: %s)"
              % (n_in, n_out, n_rej, len(per_part), n_parts, bad_parts or "none"),
              file=sys.stderr, flush=True)
        return 3
    if n_rej and not args.rejects_output:
        print("canon-spark: %d rejected lines were not kept (no --rejects-output)" % n_rej,
              file=sys.stderr)
    if n_rej and args.fail_on_rejects:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
