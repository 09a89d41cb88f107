"""Running `opendata demo` as a user runs it, in a fresh working folder (the shared run is in tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from resources.common.institution import project_root

OPENDATA = str(Path(sys.executable).parent / "opendata")


def run_opendata(args: list[str], home: Path, **env: str) -> subprocess.CompletedProcess:
    """Run the `opendata` command with ``OPENDATA_HOME`` set to ``home`` and no other setting of ours."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OPENDATA_", "DAGSTER_"))}
    environ.update({"OPENDATA_HOME": str(home), **env})
    return subprocess.run([OPENDATA, *args], cwd=project_root(), env=environ, capture_output=True, text=True,
                          timeout=900)


@dataclass(frozen=True)
class DemoRun:
    home: Path
    done: subprocess.CompletedProcess

    @property
    def demo(self) -> Path:
        return self.home / "demo"

    @property
    def report(self) -> Path:
        """The steward page `opendata demo` printed."""
        line = next(x for x in self.done.stdout.splitlines() if x.startswith("Steward report:"))
        return Path(line.split(":", 1)[1].strip())
