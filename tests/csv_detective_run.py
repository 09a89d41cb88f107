"""Run data.gouv.fr's CSV analysis (csv-detective) on CSV files; print, per file, each column's detected format.

Run with the Python of ``.venv-csvdetective`` (``tests/side_venvs.sh``), never the project's.
Usage: ``.venv-csvdetective/bin/python tests/csv_detective_run.py <file.csv>...``; prints JSON
``{file name: {column: format}}``, the format csv-detective would give udata's tabular API.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from csv_detective import routine


def detect(path: str) -> dict[str, str]:
    analysis = routine(path, num_rows=-1, save_results=False, encoding="utf-8", sep=",")
    return {column: found["format"] for column, found in analysis["columns"].items()}


if __name__ == "__main__":
    print(json.dumps({Path(p).name: detect(p) for p in sys.argv[1:]}, ensure_ascii=False))
