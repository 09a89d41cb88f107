"""Alerts without personal values: what one failed run or one integrity incident says, and its delivery.

An alert names the job, the run, the partition, the failed steps and the
class of each step's error: never an error message, which may quote a value
read from a source (a name, an identifier). The steward finds the message in
the run's logs in the Dagster UI, where access is controlled.

Each alert is always logged and appended to ``<work_dir>/alerts/alerts.jsonl``;
it is also sent by e-mail when ``OPENDATA_ALERT_SMTP_HOST`` is set, and
POSTed as JSON when ``OPENDATA_ALERT_WEBHOOK_URL`` is set (the variables are
in ``docs/operations.md``). A channel that fails is recorded in the alert's
line and logged by its error class; the alert itself is never lost.
Plain Python, beside the store's integrity it reports on: the failed-run
sensor (``pipelines.alerts``) and the publication assets (integrity
incidents) both deliver through ``deliver``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import smtplib
import ssl
import urllib.request
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from resources.common.errors import ConfigurationError
from resources.publishing.integrity import Incident

WEBHOOK_ENV = "OPENDATA_ALERT_WEBHOOK_URL"
SMTP_ENV = "OPENDATA_ALERT_SMTP_"  # HOST, PORT, FROM, TO, USER, PASSWORD, SECURITY
TIMEOUT_S = 10


class ErrorInfo(Protocol):
    """A serialised error as Dagster hands it to a failure sensor (its class is private: what we read of it)."""

    @property
    def cls_name(self) -> str | None: ...

    @property
    def cause(self) -> "ErrorInfo | None": ...


@dataclass
class Alert:
    """One failed run: names and classes only."""

    time: str
    job: str
    run_id: str
    failed_steps: list[str]
    error_class: str
    step_errors: dict[str, str] = field(default_factory=dict)  # step key -> error class
    tags: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)  # channel -> "sent" or "failed: <class>"
    title: str = ""  # set for an alert that is not a failed run (an integrity incident)

    def subject(self) -> str:
        return self.title or f"[opendata] échec du job {self.job} ({self.error_class})"

    def text(self) -> str:
        head = (f"{self.title}, run {self.run_id} du job {self.job}, le {self.time}." if self.title
                else f"Le run {self.run_id} du job {self.job} a échoué le {self.time}.")
        label = "fichier" if self.title else "étape"
        lines = [head, ""]
        lines += [f"- {label} {step}: {cls}" for step, cls in self.step_errors.items()] or [f"- {self.error_class}"]
        lines += [f"- {name}: {value}" for name, value in self.tags.items()]
        lines += ["", "Le message d'erreur est dans les journaux du run (interface Dagster), jamais dans une alerte."]
        return "\n".join(lines)


def root_class(error: ErrorInfo | None) -> str:
    """The class of the innermost cause of a serialised error (the user's own, not Dagster's wrapper)."""
    name = "unknown"
    while error is not None:
        name = error.cls_name or name
        error = error.cause
    return name


def integrity_alert(dataset: str, found: list[Incident], job: str, run_id: str) -> Alert:
    """An alert for files of the store that no longer matched their checksums: file names and actions, never contents."""
    return Alert(
        time=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        job=job, run_id=run_id, failed_steps=[], error_class="IntegrityIncident",
        step_errors={f"{i.folder}/{i.file}": f"{i.problem}; {i.action}" for i in found},
        tags={"dataset": dataset},
        title=f"[opendata] incident d'intégrité du magasin: {dataset} ({len(found)} fichier(s))",
    )


def send_webhook(alert: Alert, url: str) -> None:
    """POST the alert as JSON (a chat or incident tool's incoming webhook)."""
    payload = {name: value for name, value in asdict(alert).items() if name != "channels"}
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        response.read()


def _smtp_setting(name: str, default: str | None = None) -> str:
    value = os.environ.get(SMTP_ENV + name) or default
    if value is None:
        raise ConfigurationError(f"{SMTP_ENV}HOST is set but {SMTP_ENV}{name} is not (e-mail alerts)")
    return value


def send_email(alert: Alert, host: str) -> None:
    """Send the alert through the SMTP relay of the environment (STARTTLS unless told otherwise)."""
    security = _smtp_setting("SECURITY", "starttls")
    if security not in ("starttls", "ssl", "none"):
        raise ConfigurationError(f"{SMTP_ENV}SECURITY must be starttls, ssl or none")
    message = EmailMessage()
    message["Subject"], message["From"] = alert.subject(), _smtp_setting("FROM")
    message["To"] = ", ".join(a.strip() for a in _smtp_setting("TO").split(",") if a.strip())
    message.set_content(alert.text())
    port = int(_smtp_setting("PORT", "465" if security == "ssl" else "587"))
    tls = ssl.create_default_context()
    client = (smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_S, context=tls) if security == "ssl"
              else smtplib.SMTP(host, port, timeout=TIMEOUT_S))
    with client:
        if security == "starttls":
            client.starttls(context=tls)
        user = os.environ.get(SMTP_ENV + "USER")
        if user:  # read only now: a missing password fails this alert's e-mail, loudly, not the import
            client.login(user, _smtp_setting("PASSWORD"))
        client.send_message(message)


def deliver(alert: Alert, alerts_file: Path, log: logging.Logger) -> None:
    """Send the alert to the configured channels, then append it to the alerts file and log it."""
    channels = {"webhook": (os.environ.get(WEBHOOK_ENV), send_webhook),
                "email": (os.environ.get(SMTP_ENV + "HOST"), send_email)}
    for name, (target, send) in channels.items():
        if not target:
            continue
        try:
            send(alert, target)
            alert.channels[name] = "sent"
        except Exception as exc:  # noqa: BLE001 - any failure of a channel is recorded, by class only
            alert.channels[name] = f"failed: {type(exc).__name__}"
            log.error(f"alert for run {alert.run_id}: {name} channel failed ({type(exc).__name__})")
    alerts_file.parent.mkdir(parents=True, exist_ok=True)
    with alerts_file.open("a", encoding="utf-8") as out:
        out.write(json.dumps(asdict(alert), ensure_ascii=False) + "\n")
    log.error(alert.subject() if alert.title else f"run {alert.run_id} of job {alert.job} failed: {alert.error_class} "
                          f"in {', '.join(alert.failed_steps) or 'the run itself'}")
