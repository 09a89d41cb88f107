"""The analyzer never reaches the network: tldextract answers from its bundled snapshot.

Each check runs in a fresh interpreter whose sockets refuse to resolve or
connect and whose tldextract cache is empty, so a download attempt would
show up as a recorded call.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

GUARD = """
import json, socket
calls = []
def refuse(*args, **kwargs):
    calls.append(str(args[:1]))
    raise OSError("network disabled by the test")
socket.getaddrinfo = refuse
socket.create_connection = refuse
socket.socket.connect = refuse
"""

SCAN = GUARD + """
from anonymisation.freetext import engine
from presidio_analyzer.predefined_recognizers import EmailRecognizer, UrlRecognizer
analyzer = engine.analyzer()
email = EmailRecognizer(supported_language="fr").analyze("écrire à jean.dupont@univ-demo.example.fr",
                                                         ["EMAIL_ADDRESS"], None)
url = UrlRecognizer(supported_language="fr").analyze("voir https://www.univ-demo.example.fr/page", ["URL"], None)
results = analyzer.analyze("Dossier de Jean Dupont, joignable au 06 12 34 56 78.", language="fr")
print(json.dumps({"calls": calls, "email": len(email), "url": len(url),
                  "entities": sorted({r.entity_type for r in results})}))
"""

DEFAULT = GUARD + """
import tldextract
tldextract.extract("www.univ-demo.example.fr")
print(json.dumps({"calls": calls}))
"""


def _run(code: str, tmp_path: Path) -> dict:
    env = {**os.environ, "HOME": str(tmp_path), "TLDEXTRACT_CACHE": str(tmp_path / "tld"),
           "PYTHONPATH": str(ROOT)}
    env.pop("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", None)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_analyzer_makes_no_network_call(tmp_path: Path) -> None:
    out = _run(SCAN, tmp_path)
    assert out["calls"] == []
    assert out["email"] == 1 and out["url"] == 1   # tldextract answered, from the snapshot
    assert {"PERSON", "TELEPHONE"} <= set(out["entities"])


def test_the_guard_would_see_a_download_attempt(tmp_path: Path) -> None:
    """Control: unconfigured tldextract does try the network, so the test above can fail."""
    assert _run(DEFAULT, tmp_path)["calls"] != []
