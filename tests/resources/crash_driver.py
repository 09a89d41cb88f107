"""Kill a store write at each of its write points in turn, in forked children of one process (imports paid once).

Run as ``python -m tests.resources.crash_driver PAYLOAD SEED WORK MODE [ARGS_JSON]``:

1. the payload runs once on a copy of SEED with ``OPENDATA_CRASH_TRACE`` set,
   which lists the sequence of write points it reaches;
2. for the n-th point of that sequence, a fresh copy ``WORK/case-<n>`` is made
   and the payload runs on it with ``OPENDATA_CRASH_AT=<point>:<k>`` (the k-th
   time that point is reached), which kills it there;
3. a JSON document on stdout gives the sequence and each case's exit status.

MODE ``no-exchange`` makes the store use its two-rename fallback. The test
then inspects every ``case-<n>`` folder as a reader and as the next run would.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
from pathlib import Path

from resources.publishing.crashpoints import CRASH_ENV, TRACE_ENV


def tiny_commit(root: Path, args: dict) -> None:
    """A one-file version of dataset ``d`` committed on 2026-11-02 (the unit tests' store)."""
    from resources.store import OutputStore

    store = OutputStore(root=str(root))
    with store.prepare("d") as folder:
        (folder / "d.csv").write_text("a\n2\n", encoding="utf-8")
        (folder / "datapackage.json").write_text(json.dumps({"version": "2026-11-02"}), encoding="utf-8")
        store.commit("d", folder, dt.date(2026, 11, 2))


def demo_publish(root: Path, args: dict) -> None:
    """The real publication step of one demo dataset: verify the version online, then publish a candidate."""
    import logging

    from anonymisation.policy import load_catalogue
    from assets.published import publish, verify_online
    from pipelines.definitions import producer
    from resources.common.institution import load_institution
    from resources.store import OutputStore

    policy = load_catalogue()[args["dataset"]]
    store, day, reports = OutputStore(root=str(root)), dt.date.fromisoformat(args["day"]), Path(args["reports"])
    republish = verify_online(policy, store, reports, day, "crash_test", "crash-test", logging.getLogger("crash"))
    publish(policy, Path(args["candidate"]), store, producer(load_institution("demo")), reports, day,
            republish=republish)


def _child(payload, root: Path, args: dict, env: dict[str, str]) -> int:
    pid = os.fork()
    if pid == 0:
        os.environ.update(env)
        try:
            payload(root, args)
        except BaseException:  # noqa: BLE001 - the parent reads the exit status only
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def main() -> None:
    name, seed, work, mode = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
    args = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
    payload = {"tiny_commit": tiny_commit, "demo_publish": demo_publish}[name]
    if "home" in args:
        os.environ["OPENDATA_HOME"] = args["home"]
    if name == "demo_publish":  # imported once here, not again in every forked child
        import assets.published  # noqa: F401
        import pipelines.definitions  # noqa: F401
    import resources.publishing.store_folders as store_module

    if mode == "no-exchange":
        store_module._renameat2 = None
    trace = work / "trace"
    shutil.copytree(seed, work / "traced", symlinks=True)
    traced = _child(payload, work / "traced", args, {TRACE_ENV: str(trace)})
    points = trace.read_text(encoding="utf-8").splitlines() if trace.is_file() else []
    cases = []
    for n, point in enumerate(points, start=1):
        case = work / f"case-{n}"
        shutil.copytree(seed, case, symlinks=True)
        nth = points[:n].count(point)
        cases.append({"case": str(case), "point": point, "nth": nth,
                      "exit": _child(payload, case, args, {CRASH_ENV: f"{point}:{nth}"})})
    print(json.dumps({"traced_exit": traced, "points": points, "cases": cases}))


if __name__ == "__main__":
    main()
