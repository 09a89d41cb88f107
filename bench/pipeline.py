"""Benchmark: the whole pipeline on the large scale, as the night runs it and as a 20-year backfill.

Loads the large HR, finance and students sources into PostgreSQL if missing (the
`opendata_bench` database of bench/anonymise.py, then reused), and runs
`opendata backfill` as a subprocess, in a fresh working folder (OPENDATA_HOME and
DAGSTER_HOME in a temporary directory) with the three source URLs pointed at it:

- nightly: `--from Y --to Y` (Y = this year): both calendars' extraction of the
  year in progress plus one publication run, the same runs as a night;
- backfill: `--from Y-19 --to Y` (or the institution's first year if later).

For each it prints the wall time, the peak RSS (the sum over the process tree,
polled from /proc every 0.2 s, and the largest single process from `wait4`'s
ru_maxrss), and seconds and rows/s per stage from the Dagster event log of the
runs (step start to success, per asset-key layer; rows from `dagster/row_count`).
The floor is psql `COPY (<the pipeline's own SELECT>) TO STDOUT` of every
table and year extracted, plus writing the published files again with pyarrow.

    .venv/bin/python bench/pipeline.py [--only nightly|backfill] [--url postgresql+psycopg://...]

Counts and timings only: no value is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.anonymise import ensure_sources  # noqa: E402
from bench.extract import DEFAULT_URL  # noqa: E402
from resources.common.institution import DEFAULT_URL_ENV, SYSTEMS, load_institution  # noqa: E402

STAGES = ("extract", "anonymise", "check", "publish")
LAYER_STAGE = {"extracted": "extract", "anonymised": "anonymise", "open": "publish", "datagouv": "publish"}
TARGETS = {"nightly": 10 * 60, "backfill": 60 * 60}  # seconds
MEMORY_TARGET_MB = 4 * 1024


@dataclass
class Measure:
    wall: float = 0.0
    tree_peak_mb: float = 0.0  # sum of RSS over the process tree, polled
    maxrss_mb: float = 0.0  # largest single process (wait4 ru_maxrss)
    peak_at: float = 0.0  # epoch seconds of the polled peak
    peak_step: str = "between steps"
    steps: dict[str, float] = field(default_factory=dict)  # step key -> seconds
    returncode: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    anonymised_out: int = 0
    runs: int = 0


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children[ppid].append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_backfill(first: int, last: int, url: str, work: Path) -> Measure:
    """`opendata backfill --from first --to last` in a fresh working folder; wall time and memory."""
    env = {**os.environ, "OPENDATA_HOME": str(work / "home"), "DAGSTER_HOME": str(work / "dagster"),
           "OPENDATA_INSTITUTION": "demo", **{DEFAULT_URL_ENV[s]: url for s in SYSTEMS}}
    (work / "dagster").mkdir(parents=True)
    (work / "dagster" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    command = [str(ROOT / ".venv" / "bin" / "opendata"), "backfill", "--from", str(first), "--to", str(last)]
    measure, done = Measure(), threading.Event()
    log = open(work / "backfill.log", "w", encoding="utf-8")  # noqa: SIM115
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=work, stdout=log, stderr=subprocess.STDOUT)

    def poll() -> None:
        while not done.is_set():
            rss = sum(_rss_mb(p) for p in _tree(proc.pid))
            if rss > measure.tree_peak_mb:
                measure.tree_peak_mb, measure.peak_at = rss, time.time()
            done.wait(0.2)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    _, status, usage = os.wait4(proc.pid, 0)
    measure.wall = time.perf_counter() - started
    done.set()
    poller.join()
    proc.returncode = measure.returncode = os.waitstatus_to_exitcode(status)
    log.close()
    measure.maxrss_mb = usage.ru_maxrss / 1024
    return measure


def read_event_log(dagster_home: Path, measure: Measure) -> None:
    """Seconds per stage (sum of step durations) and rows per stage, from the runs' event log."""
    import dagster as dg
    from dagster import DagsterEventType

    instance = dg.DagsterInstance.from_config(str(dagster_home))
    for run in instance.get_runs():
        measure.runs += 1
        starts, ends, layers = {}, {}, defaultdict(set)
        for entry in instance.all_logs(run.run_id):
            event = entry.dagster_event
            if event is None or event.step_key is None:
                continue
            kind = event.event_type
            if kind == DagsterEventType.STEP_START:
                starts[event.step_key] = entry.timestamp
            elif kind in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
                ends[event.step_key] = entry.timestamp
            elif kind == DagsterEventType.ASSET_MATERIALIZATION:
                mat = event.event_specific_data.materialization
                layer = mat.asset_key.path[1]
                layers[event.step_key].add(LAYER_STAGE.get(layer, layer))
                count = mat.metadata.get("dagster/row_count")
                if count is not None:
                    measure.rows[LAYER_STAGE.get(layer, layer)] += count.value
                    if layer == "anonymised":
                        measure.anonymised_out += count.value
            elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
                layers[event.step_key].add("check")
        for step, start in starts.items():
            stage = _stage(step, layers[step])
            end = ends.get(step, start)
            measure.seconds[stage] += end - start
            measure.steps[step] = measure.steps.get(step, 0.0) + end - start
            if start <= measure.peak_at <= end:
                measure.peak_step = f"{step} ({stage})"
    instance.dispose()


def _stage(step: str, seen: set[str]) -> str:
    """A step's stage: what it materialised (a check step materialises nothing), else its name."""
    for stage in ("extract", "anonymise", "publish"):
        if stage in seen:
            return stage
    if "check" in seen:
        return "check"
    for layer, stage in LAYER_STAGE.items():
        if f"__{layer}__" in step:
            return stage
    return "other"


def copy_floor(url: str, first: int, last: int) -> tuple[float, int]:
    """psql COPY of the pipeline's own SELECT of every table and year, one session; (seconds, lines)."""
    from sqlalchemy.dialects import postgresql

    from resources.sources import SourceDatabase
    from resources.sourcing.contracts import load_contract
    from resources.sourcing.streaming import build_select, compile_literal, year_window

    institution = load_institution("demo")
    statements = []
    for system in SYSTEMS:
        db = SourceDatabase(system=system, url=url)
        for table in load_contract(institution.contracts_dir, system).tables.values():
            if not table.extracted_columns:
                continue
            actual, _ = db.resolve_columns(table)
            windows = [year_window(table.partition.kind, y) for y in range(first, last + 1)] if table.partition else [None]
            for window in windows:
                sql = compile_literal(build_select(table, actual, None, window), postgresql.dialect())
                statements.append(f"COPY ({' '.join(sql.split())}) TO STDOUT;")
        db.engine().dispose()
    target = make_url(url)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("\n".join(statements) + "\n")
    command = (f"psql -h {target.host or '127.0.0.1'} -p {target.port or 5432} -U {target.username or 'postgres'} "
               f"-d {target.database} -q -X -f {script.name} | wc -l")
    started = time.perf_counter()
    out = subprocess.run(command, shell=True, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    os.unlink(script.name)
    return seconds, int(out.stdout.strip())


def write_floor(store: Path, scratch: Path) -> tuple[float, int, int]:
    """Write every published CSV and Parquet file again with pyarrow (reading is not timed); (seconds, files, rows).

    Dated versions only: a dataset's ``latest/`` folder repeats its version.
    """
    seconds, files, rows = 0.0, 0, 0
    scratch.mkdir(parents=True, exist_ok=True)
    for path in sorted(store.rglob("*")):
        if path.parent.name == "latest":
            continue
        if path.suffix == ".csv":
            table = pacsv.read_csv(path)
            started = time.perf_counter()
            pacsv.write_csv(table, scratch / "out.csv")
        elif path.suffix == ".parquet":
            table = pq.read_table(path)
            started = time.perf_counter()
            pq.write_table(table, scratch / "out.parquet", compression="zstd")
        else:
            continue
        seconds += time.perf_counter() - started
        files += 1
        rows += table.num_rows
    return seconds, files, rows


def report(name: str, first: int, last: int, measure: Measure, floor: tuple[float, int], written: tuple[float, int, int]) -> None:
    target = TARGETS[name]
    peak = max(measure.tree_peak_mb, measure.maxrss_mb)
    print(f"\n== {name}: opendata backfill --from {first} --to {last} ({measure.runs} Dagster runs, exit {measure.returncode})")
    print(f"wall time {measure.wall:,.1f} s  (target < {target // 60} min: {'PASS' if measure.wall < target else 'FAIL'})")
    print(f"peak RSS: process tree (sum, polled /proc) {measure.tree_peak_mb:,.0f} MB; largest process (wait4 ru_maxrss) "
          f"{measure.maxrss_mb:,.0f} MB  (MB = MiB; target < 4 GiB: {'PASS' if peak < MEMORY_TARGET_MB else 'FAIL'}, "
          f"< 4 GB decimal: {'PASS' if peak * 2**20 < 4e9 else 'FAIL'})")
    print(f"polled peak during step: {measure.peak_step}")
    extracted = measure.rows["extract"]
    inputs = {"extract": extracted, "anonymise": extracted, "check": measure.anonymised_out, "publish": measure.rows["publish"]}
    print(f"{'stage':<11}{'seconds':>9}{'rows':>13}{'rows/s':>12}  rows counted")
    notes = {"extract": "extracted (dagster/row_count)", "anonymise": f"read: every staged row; {measure.anonymised_out:,} out",
             "check": "anonymised candidates checked", "publish": "rows of the open files"}
    for stage in STAGES:
        seconds, rows = measure.seconds[stage], inputs[stage]
        rate = f"{rows / seconds:>12,.0f}" if seconds else f"{'':>12}"
        print(f"{stage:<11}{seconds:>9.1f}{rows:>13,}{rate}  {notes[stage]}")
    steps = sum(measure.seconds.values())
    print(f"{'other':<11}{measure.wall - steps:>9.1f}  (process start, definitions load, run launch, steps not of a stage "
          f"{measure.seconds['other']:.1f} s, reports)")
    slowest = sorted(measure.steps.items(), key=lambda item: -item[1])[:6]
    print("slowest steps: " + "; ".join(f"{step} {seconds:.1f} s" for step, seconds in slowest))
    copy_seconds, copy_lines = floor
    write_seconds, files, rows = written
    total = copy_seconds + write_seconds
    print(f"floor: psql COPY {copy_lines:,} rows {copy_seconds:.1f} s + pyarrow write of {files} published files "
          f"({rows:,} rows) {write_seconds:.1f} s = {total:.1f} s")
    print(f"ours / floor: {measure.wall / total:.1f}x  (steps only: {steps / total:.1f}x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--only", choices=("nightly", "backfill"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary working folders (printed)")
    args = parser.parse_args()
    ensure_sources(args.url)
    year = dt.date.today().year
    first_year = load_institution("demo").first_year
    workloads = {"nightly": (year, year), "backfill": (max(year - 19, first_year), year)}
    tmp = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    for name, (first, last) in workloads.items():
        if args.only and name != args.only:
            continue
        work = tmp / name
        print(f"running {name}: opendata backfill --from {first} --to {last} in {work} ...", flush=True)
        measure = run_backfill(first, last, args.url, work)
        if measure.returncode != 0:
            print(f"{name}: opendata exited {measure.returncode}; its output: {work / 'backfill.log'}")
        read_event_log(work / "dagster", measure)
        floor = copy_floor(args.url, first, last)
        written = write_floor(work / "home" / "demo" / "store", work / "scratch")
        report(name, first, last, measure, floor, written)
    if args.keep:
        print(f"\nworking folders kept in {tmp}")
    else:
        subprocess.run(["rm", "-rf", str(tmp)], check=True)


if __name__ == "__main__":
    main()
