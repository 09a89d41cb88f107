"""Running suites with Great Expectations 1.x, once loaded per process, and keeping values out of every result.

GX costs about 4 s to import (scipy.stats): it is imported on first use and
kept, with one in-memory context and one compiled GX suite per suite. Every
validation runs with the BASIC result format and ``partial_unexpected_count``
0, so GX keeps counts, not sample values; what it returns is scrubbed again
(exception messages can quote a value) before it is stored or rendered. GX
usage analytics are off.

Data Docs: each day's report folder holds a small GX file project whose
validation store receives the scrubbed results; its pages are rendered there
(``<reports>/<day>/gx/``). Several steps may write at once: a file lock
serialises them. A re-run the same day replaces a suite's result and page for
each batch it validates again: the folder does not grow run after run.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from quality.suite import Finding, Outcome, Rule, Suite
from resources.common.errors import OpenDataError

RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": 0, "include_unexpected_rows": False}
# The only parts of an expectation's result kept: counts and observed values
# of expectations allowed by ``Suite.check_privacy`` (type names, row counts,
# years). Sample lists, unexpected values and indexes are dropped.
SAFE_RESULT_KEYS = {"element_count", "unexpected_count", "unexpected_percent", "missing_count", "missing_percent",
                    "unexpected_percent_total", "unexpected_percent_nonmissing", "observed_value"}
DOCS_FOLDER = "gx"
WITHHELD = "The expectation could not run (message withheld: it may quote values; see the pipeline's log for the rule)."


class QualityError(OpenDataError):
    """A suite could not run; the message names the target, the suite and the rule, never a value."""


@cache
def great_expectations() -> Any:
    """Import GX once per process, analytics off, with our own expectations registered."""
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx

    import quality.expectations  # noqa: F401  (registers the custom expectations)

    return gx


@cache
def _context() -> Any:
    gx = great_expectations()
    context = gx.get_context(mode="ephemeral")
    _quiet(context)
    return context


def _quiet(context: Any) -> None:
    context.variables.progress_bars = {"globally": False}
    if hasattr(context, "enable_analytics"):
        context.enable_analytics(False)


@cache
def _data_source() -> Any:
    return _context().data_sources.add_or_update_pandas("opendata")


@cache
def _batch_definition(target: str) -> Any:
    # One data source for every target: re-adding it would drop the assets of the targets already seen.
    source = _data_source()
    name = target.replace("/", "_")
    asset = source.add_dataframe_asset(name)
    return asset.add_batch_definition_whole_dataframe("whole")


_SUITES: dict[tuple[str, int], Any] = {}


def gx_suite(suite: Suite) -> Any:
    """The GX ExpectationSuite of a suite, built once per process."""
    key = (suite.name, hash(suite.rules.__repr__()))
    if key not in _SUITES:
        gx = great_expectations()
        expectations = [_expectation(suite, rule, index) for index, rule in enumerate(suite.rules)]
        _SUITES[key] = gx.ExpectationSuite(name=suite.name, expectations=expectations)
    return _SUITES[key]


def _expectation(suite: Suite, rule: Rule, index: int) -> Any:
    gx = great_expectations()
    import quality.expectations as ours

    cls = getattr(ours, rule.expectation, None) or getattr(gx.expectations, rule.expectation, None)
    if cls is None:
        raise QualityError(f"{suite.target}: unknown expectation {rule.expectation} (rule: suite {suite.name})")
    try:
        # GX returns results in its own order: the rule's index in ``meta`` matches them back.
        return cls(**rule.kwargs, description=rule.description, meta={"rule": index})
    except Exception as exc:  # pydantic errors can quote the arguments: name the rule only
        column = rule.columns[0] if rule.columns else "-"
        raise QualityError(f"{suite.target}: column {column}: {rule.expectation} is malformed "
                           f"({type(exc).__name__}) (rule: suite {suite.name})") from None


def validate(frame: pd.DataFrame, suite: Suite, batch: str) -> tuple[Outcome, Any]:
    """Validate a frame against a suite; returns our outcome and the scrubbed GX result (for Data Docs)."""
    started = time.perf_counter()
    try:
        result = _batch_definition(suite.target).get_batch(batch_parameters={"dataframe": frame}).validate(
            gx_suite(suite), result_format=RESULT_FORMAT)
    except OpenDataError:
        raise
    except Exception as exc:  # a GX or pandas error may quote a value: never pass its message on
        raise QualityError(f"{suite.target}: validation could not run ({type(exc).__name__}) (rule: suite {suite.name})") from None
    finally:
        _release()
    scrub(result)
    by_rule = {int(r.expectation_config.meta["rule"]): r for r in result.results}
    findings = [_finding(rule, by_rule[index]) for index, rule in enumerate(suite.rules)]
    outcome = Outcome(suite.name, suite.target, suite.severity, len(frame), findings, [batch],
                      seconds=round(time.perf_counter() - started, 3))
    return outcome, result


def _release() -> None:
    """Let go of the frame just validated: GX keeps each target's last batch in its execution engine,
    which would hold one frame per table for the life of the process."""
    manager = _data_source().get_execution_engine().batch_manager
    manager.batch_data_cache.clear()
    manager.reset_batch_cache()


def scrub(result: Any) -> None:
    """Drop from a GX suite result everything that could hold a value: samples, indexes, exception texts."""
    for item in result.results:
        item.result = {k: v for k, v in (item.result or {}).items() if k in SAFE_RESULT_KEYS}
        if _raised(item.exception_info):
            # Data Docs render the traceback as text: it must be a string, and say nothing of the data.
            item.exception_info = {"raised_exception": True, "exception_traceback": WITHHELD, "exception_message": WITHHELD}
        else:
            item.exception_info = {"raised_exception": False, "exception_traceback": None, "exception_message": None}


def _raised(info: Any) -> bool:
    """GX reports an error at the top level or per metric (a dict keyed by metric id)."""
    if not isinstance(info, dict):
        return False
    if info.get("raised_exception") or info.get("exception_traceback") or info.get("exception_message"):
        return True
    return any(_raised(v) for v in info.values() if isinstance(v, dict))


def _finding(rule: Rule, item: Any) -> Finding:
    result = item.result or {}
    raised = _raised(item.exception_info)
    observed = result.get("observed_value")
    return Finding(
        expectation=rule.expectation,
        column=", ".join(rule.columns) if rule.expectation != "ExpectTableColumnsToMatchOrderedList" else "(table)",
        description=rule.description,
        success=bool(item.success) and not raised,
        element_count=result.get("element_count"),
        unexpected_count=result.get("unexpected_count"),
        missing_count=result.get("missing_count"),
        unexpected_percent=round(result["unexpected_percent"], 4) if result.get("unexpected_percent") is not None else None,
        observed=None if observed is None else _short(observed),
        error="could not run" if raised else None,
    )


def _short(observed: Any) -> str:
    text = ", ".join(map(str, observed)) if isinstance(observed, (list, tuple)) else str(observed)
    return text if len(text) <= 200 else text[:197] + "..."


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on a report folder, across processes."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_DOCS: dict[str, Any] = {}


def _docs_context(day_folder: Path) -> Any:
    """The GX file project of a day's report folder, its Data Docs site rendered inside it."""
    key = str(day_folder)
    if key not in _DOCS:
        gx = great_expectations()
        context = gx.get_context(mode="file", project_root_dir=str(day_folder / DOCS_FOLDER))
        _quiet(context)
        _DOCS[key] = context
    return _DOCS[key]


def publish_docs(day_folder: Path, suite: Suite, result: Any, run_name: str, batch: str) -> str:
    """Store a scrubbed result in the day's GX project and render its page; returns the page, relative to the day folder."""
    gx = great_expectations()
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    with locked(day_folder), _docs_errors(suite):
        context = _docs_context(day_folder)
        _forget_earlier(day_folder, suite.name, batch.replace("/", "_"))
        context.suites.add_or_update(gx.ExpectationSuite(name=suite.name, expectations=[
            e.configuration.to_domain_obj() if hasattr(e, "configuration") else e for e in gx_suite(suite).expectations]))
        run_id = RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.UTC))
        result.meta["run_id"] = run_id  # what the page shows as the run (the Dagster run's id)
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite.name),
            run_id=run_id,
            batch_identifier=batch.replace("/", "_"),
        )
        context.validation_results_store.set(key, result)
        context.build_data_docs(resource_identifiers=[key, ExpectationSuiteIdentifier(name=suite.name)])
        url = context.get_docs_sites_urls(resource_identifier=key)[0]["site_url"]
    return str(Path(url.removeprefix("file://")).relative_to(day_folder))


@contextmanager
def _docs_errors(suite: Suite) -> Iterator[None]:
    """GX's errors while storing or rendering a page, as ours (the result is scrubbed; its texts are not kept)."""
    try:
        yield
    except OpenDataError:
        raise
    except Exception as exc:
        raise QualityError(f"{suite.target}: the Data Docs page could not be written ({type(exc).__name__}) "
                           f"(rule: suite {suite.name})") from None


def _forget_earlier(day_folder: Path, suite: str, batch: str) -> None:
    """Delete the earlier results and pages of this suite and batch that day: a re-run replaces them.

    Kept, every re-run added a result and a page, and GX re-renders its index
    from all of them: a day's folder grew by ~170 files a run and each run
    was slower than the one before.
    """
    site = _site_root(day_folder)
    validations = day_folder / DOCS_FOLDER / "gx" / "uncommitted" / "validations"
    folder = validations.joinpath(*suite.split("."))
    for stored in list(folder.glob(f"*/*/{batch}.json")) if folder.is_dir() else []:
        relative = stored.relative_to(validations)
        page = (site / "validations" / relative).with_suffix(".html")
        for path in (stored, page):
            path.unlink(missing_ok=True)
            for parent in (path.parent, path.parent.parent):  # <run_time>/, then <run_name>/, once empty
                if parent.is_dir() and not any(parent.iterdir()):
                    parent.rmdir()


def _site_root(day_folder: Path) -> Path:
    return day_folder / DOCS_FOLDER / "gx" / "uncommitted" / "data_docs" / "local_site"


def docs_index(day_folder: Path) -> Path:
    """The GX Data Docs home page of a day's report folder."""
    return _site_root(day_folder) / "index.html"
