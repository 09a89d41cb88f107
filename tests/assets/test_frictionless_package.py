"""Frictionless validates every datapackage.json of the store as a package: every file, its size and SHA-256.

The package follows the generic ``data-package`` profile: the CSV is the one ``table`` resource (validated
against its Table Schema), the Parquet, the DECP JSON and the README are ``file`` resources.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from frictionless import validate

from tests.quality.conftest import DemoRun


def test_every_data_package_of_the_store_validates(clean_demo: DemoRun) -> None:
    packages = sorted((clean_demo.demo / "store").glob("*/*/datapackage.json"))
    assert len({p.parent.parent.name for p in packages}) >= 10
    invalid = {}
    for path in packages:
        report = validate(str(path))
        if not report.valid:
            invalid[str(path.relative_to(clean_demo.demo))] = [e.type for e in report.errors] + [
                f"{task.name}: {error.type}" for task in report.tasks for error in task.errors]
    assert invalid == {}


def test_a_file_whose_bytes_changed_fails_the_package(clean_demo: DemoRun, tmp_path: Path) -> None:
    # The Parquet is a plain file resource: its size and checksum are what Frictionless checks.
    folder = tmp_path / "structures"
    shutil.copytree(clean_demo.demo / "store" / "structures" / "latest", folder)
    (folder / "structures.parquet").write_bytes((folder / "structures.parquet").read_bytes() + b"\0")
    report = validate(str(folder / "datapackage.json"))
    assert not report.valid
    assert {e.type for task in report.tasks for e in task.errors} == {"byte-count", "hash-count"}


