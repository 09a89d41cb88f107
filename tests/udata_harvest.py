"""Harvest one DCAT catalogue URL with udata's own DCAT backend; print what data.gouv.fr would hold, as JSON.

Run by ``tests/publication_real`` with the Python of ``.venv-udata`` (``tests/side_venvs.sh``), never the
project's: udata pins Flask 3 and its own stack. MongoDB is replaced by mongomock, the licence collection holds
data.gouv.fr's entry for the Licence Ouverte 2.0 (``lov2``), and udata's SSRF guard is told that loopback URLs
are allowed (its own ``URLS_ALLOW_LOCAL`` setting), since the test serves the store on 127.0.0.1.

Usage: ``.venv-udata/bin/python tests/udata_harvest.py <catalogue URL>``. The output lists every harvested
item (status, errors) and every dataset: title, tags, licence, frequency, temporal and spatial coverage,
resources with checksum and size, and udata's quality criteria and score (``Dataset.quality``).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

import mongomock
import mongoengine


def _app():
    """A udata application on an in-memory database, its licence list seeded."""
    from udata.app import create_app, standalone
    from udata.settings import Defaults

    class Settings(Defaults):
        TESTING = True
        MONGODB_HOST = "mongodb://localhost:27017/udata"
        MONGODB_HOST_TEST = "mongodb://localhost:27017/udata"
        URLS_ALLOW_LOCAL = True
        HARVESTER_BACKENDS = ["dcat"]
        SERVER_NAME = "data.gouv.test"
        CELERY_TASK_ALWAYS_EAGER = True
        FS_ROOT = tempfile.mkdtemp(prefix="udata-fs-")
        PLUGINS: list[str] = []
        # A throw-away application: fresh secrets each run, nothing signed outlives it.
        SECRET_KEY = os.urandom(16).hex()
        API_TOKEN_SECRET = os.urandom(16).hex()
        SECURITY_PASSWORD_SALT = os.urandom(16).hex()

    # udata's MongoEngine connection, made in create_app, goes to mongomock's client instead of a server.
    original = mongoengine.connect

    def connect(*args, **kwargs):
        kwargs["mongo_client_class"] = mongomock.MongoClient
        return original(*args, **kwargs)

    mongoengine.connect = connect
    from udata.flask_mongoengine import connection
    connection.mongoengine.connect = connect
    app = standalone(create_app(Settings))
    return app


def _seed_licence() -> None:
    from udata.core.dataset.models import License

    # data.gouv.fr's own record (GET /api/1/datasets/licenses/): udata resolves a harvested licence URL by it.
    License(id="lov2", title="Licence Ouverte / Open Licence version 2.0",
            url="https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            alternate_urls=["https://www.etalab.gouv.fr/wp-content/uploads/2017/04/ETALAB-Licence-Ouverte-v2.0.pdf",
                            "https://spdx.org/licenses/etalab-2.0.html"],
            alternate_titles=["etalab-2.0", "Licence Ouverte v2.0"], active=True).save()


def _dataset(dataset) -> dict:
    quality = dict(dataset.quality)
    quality.pop("next_update_for_update_fulfilled_in_time", None)
    return {
        "remote_id": (dataset.harvest.remote_id if dataset.harvest else None),
        "title": dataset.title,
        "description_length": len(dataset.description or ""),
        "tags": list(dataset.tags),
        "license": dataset.license.id if dataset.license else None,
        "frequency": str(dataset.frequency.value if hasattr(dataset.frequency, "value") else dataset.frequency),
        "temporal_coverage": ({"start": str(dataset.temporal_coverage.start), "end": str(dataset.temporal_coverage.end)}
                              if dataset.temporal_coverage else None),
        "spatial": ({"geom_type": (dataset.spatial.geom or {}).get("type"),
                     "polygons": len((dataset.spatial.geom or {}).get("coordinates") or []),
                     "zones": [str(z.id) for z in dataset.spatial.zones or []]} if dataset.spatial else None),
        "schema": (dataset.schema.url if dataset.schema else None),
        "resources": [{"title": r.title, "url": r.url, "format": r.format, "type": r.type, "mime": r.mime,
                       "filesize": r.filesize, "description": bool(r.description),
                       "checksum": ({"type": r.checksum.type, "value": r.checksum.value} if r.checksum else None),
                       "schema": (r.schema.url if r.schema else None)}
                      for r in dataset.resources],
        "quality": {k: v for k, v in quality.items() if k != "score"},
        "score": quality["score"],
    }


def main(url: str) -> dict:
    app = _app()
    with app.app_context(), app.test_request_context():
        from udata.core.dataset.models import Dataset
        from udata.harvest import actions
        from udata.harvest.models import HarvestSource

        _seed_licence()
        source = HarvestSource.objects.create(name="opendata-sup", url=url, backend="dcat", active=True,
                                              validation={"state": "accepted"})
        actions.run(source)
        source.reload()
        job = source.get_last_job()
        return {
            "job": {"status": job.status, "errors": [e.message for e in job.errors]},
            "items": [{"remote_id": i.remote_id, "status": i.status, "errors": [e.message for e in i.errors]}
                      for i in job.items],
            "datasets": [_dataset(d) for d in Dataset.objects],
        }


if __name__ == "__main__":
    # udata logs each harvested item on stderr; the caller reads only stdout's JSON.
    os.environ.setdefault("UDATA_SETTINGS", os.devnull)
    print(json.dumps(main(sys.argv[1]), ensure_ascii=False, default=str))
