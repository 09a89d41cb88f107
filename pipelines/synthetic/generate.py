"""Entry point of the synthetic source generator: create a system's tables at a URL and fill them.

The data are fictitious and deterministic: the same seed, scale and
``as_of`` date always give the same rows, on SQLite, PostgreSQL or MariaDB.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import sqlalchemy as sa
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import make_url

from pipelines.synthetic.context import Context, TableOutput
from pipelines.synthetic.load import create_indexes, create_tables, existing_tables, load_table
from pipelines.synthetic.schema import system_metadata

Advance = Callable[[int], None]
Finish = Callable[[], None]


def _builder(system: str) -> Callable[[Context], Iterator[TableOutput]]:
    """The generator of a system's tables (imported on demand: each pulls its own reference data)."""
    if system == "hr":
        from pipelines.synthetic.hr import build
    elif system == "finance":
        from pipelines.synthetic.finance import build
    else:
        from pipelines.synthetic.students import build
    return build


class SourceTablesExistError(FileExistsError):
    """The system's tables are already in the target database and ``replace`` was not asked for."""


def generate(
    url: str,
    system: Literal["hr", "finance", "students"],
    scale: Literal["small", "large"],
    *,
    seed: int = 20161007,
    as_of: dt.date | None = None,
    replace: bool = False,
    progress: bool = True,
) -> dict[str, int]:
    """Create the system's tables at `url` and fill them; return rows written per table.

    The years covered end with the academic or fiscal year containing
    ``as_of`` (default: today), so the current year always has data. With
    ``replace``, existing tables of the system are dropped first; without
    it, finding any of them is an error that names the system and the
    database (password hidden).
    """
    metadata = system_metadata(system)
    ctx = Context(seed, scale, as_of or dt.date.today())
    safe_url = make_url(url).render_as_string(hide_password=True)
    _ensure_sqlite_folder(url)
    engine = sa.create_engine(url)
    try:
        present = existing_tables(engine, metadata)
        if present and not replace:
            raise SourceTablesExistError(
                f"{system}: tables already exist at {safe_url} ({', '.join(present)}); "
                "use replace=True (--replace) to drop and recreate them"
            )
        if present:
            metadata.drop_all(engine, checkfirst=True)
        create_tables(engine, metadata)
        counts: dict[str, int] = {}
        with _progress(progress) as track:
            for output in _builder(system)(ctx):
                table = metadata.tables[output.name]
                advance, finish = track(f"{system}.{output.name}", output.total)
                counts[output.name] = load_table(engine, table, output.chunks, advance)
                finish()
                create_indexes(engine, table)
        return counts
    finally:
        engine.dispose()


def _ensure_sqlite_folder(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str, int | None], tuple[Advance, Finish]]]:
    """A factory of per-table progress bars (on stderr), or of silent ones when disabled.

    Each table gets an ``advance(rows)`` and a ``finish()`` that sets the
    bar's total to the rows actually written (the announced total is an
    estimate for some tables).
    """
    if not enabled:
        yield lambda _label, _total: (lambda _n: None, lambda: None)
        return
    columns = (TextColumn("{task.description:<32}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as bar:

        def track(label: str, total: int | None) -> tuple[Advance, Finish]:
            task = bar.add_task(label, total=total)

            def advance(n: int) -> None:
                bar.update(task, advance=n)

            def finish() -> None:
                done = bar.tasks[task].completed
                bar.update(task, total=done, completed=done)

            return advance, finish

        yield track
