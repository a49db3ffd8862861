"""Every resource by key (``"units/units"``), by URL app segment, and Django's app labels."""

from __future__ import annotations

from .model import Resource
from .res_other import OTHER
from .res_qa import QA

RESOURCES: dict[str, Resource] = {r.key: r for r in QA + OTHER}

#: ``GET /api/`` lists these app roots, in this order (as the real server does)
ROOT_APPS = ("auth", "attachments", "contenttypes", "faults", "units", "qa", "servicelog",
             "schema")

#: URL segment -> app of the resources it serves (qa is mounted twice)
URL_APPS = {"qc": "qa", **{r.app: r.app for r in RESOURCES.values()}}

#: Django app label of each app (content types and permissions)
APP_LABELS = {"comments": "django_comments", "servicelog": "service_log"}


def app_label(app: str) -> str:
    return APP_LABELS.get(app, app)


def of_app(app: str) -> list[Resource]:
    return [r for r in RESOURCES.values() if r.app == app]


def find(url_app: str, name: str) -> Resource | None:
    app = URL_APPS.get(url_app)
    return RESOURCES.get(f"{app}/{name}") if app else None


def by_model(model: str) -> Resource | None:
    return next((r for r in RESOURCES.values() if r.model == model), None)
