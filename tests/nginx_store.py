"""Serve an output store with Debian's nginx and the configuration ``docs/publication.md`` prescribes.

The ``server`` block is read from the documentation itself (its first ``nginx`` code block), so the test
serves exactly what a steward copies: only the listening address and the store's folder are replaced.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "publication.md"
DOC_LISTEN, DOC_STORE = "listen 80;", "/srv/opendata/store/"
PREFIX = "/open-data/"  # the path of public_base_url in the demo institution file


def documented_server_block() -> str:
    """The ``server { ... }`` block of docs/publication.md."""
    blocks = re.findall(r"```nginx\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.S)
    if not blocks:
        raise AssertionError("docs/publication.md has no nginx code block")
    return blocks[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def nginx_serving(store: Path, work: Path) -> Iterator[str]:
    """Run nginx in the foreground on a free loopback port; yields the store's base URL."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    port = _free_port()
    server = documented_server_block()
    assert DOC_LISTEN in server and DOC_STORE in server, "the documented block names its port and store folder"
    server = server.replace(DOC_LISTEN, f"listen 127.0.0.1:{port};").replace(DOC_STORE, f"{store.resolve()}/")
    work.mkdir(parents=True, exist_ok=True)
    # The wrapper a Debian host's /etc/nginx/nginx.conf provides; the worker runs as the test's user.
    (work / "nginx.conf").write_text(
        "user root;\nworker_processes 1;\npid nginx.pid;\nerror_log error.log;\nevents {}\n"
        "http {\n  access_log off;\n  client_body_temp_path tmp;\n  proxy_temp_path tmp;\n  fastcgi_temp_path tmp;\n"
        "  uwsgi_temp_path tmp;\n  scgi_temp_path tmp;\n" + server + "}\n", encoding="utf-8")
    (work / "tmp").mkdir(exist_ok=True)
    process = subprocess.Popen([nginx, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None:
                raise AssertionError(f"nginx did not start: {process.stderr.read().decode()[-500:]}")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}{PREFIX}"
    finally:
        process.terminate()
        process.wait(timeout=10)
