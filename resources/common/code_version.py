"""The code version recorded in every report: package version and commit when known."""

from __future__ import annotations

import subprocess
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from resources.common.institution import project_root


@cache
def code_version() -> str:
    try:
        base = version("opendata-sup")
    except PackageNotFoundError:
        base = "0+unknown"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=project_root(), capture_output=True,
                                text=True, timeout=5, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return base
    return f"{base}+g{commit}" if commit else base
