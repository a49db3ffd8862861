"""Admin routes of the stand-in mechanisms: ``<base>/__admin/deviations`` (and faults).

Errors are the admin interface's ``{"error", "message"}``; see ``spec/admin.yaml``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app
from flask.wrappers import Response

from .admin_journal import register_journal
from .bodies import json_object
from .deviations import describe, find
from .envelopes import admin_json
from .errors import ApiError
from .faults import describe_fault, fault_spec


def _core() -> Any:
    return current_app.extensions["apidouble"]


def register_standin(admin: Blueprint, profile: Any) -> None:
    """Add the deviation, fault and request journal routes to the admin blueprint."""
    _register_deviations(admin, profile)
    _register_faults(admin)
    register_journal(admin)


def _register_deviations(admin: Blueprint, profile: Any) -> None:

    @admin.get("/deviations")
    def list_deviations() -> Response:
        return admin_json({"deviations": _listing(profile)}, 200)

    @admin.post("/deviations")
    def switch_on() -> Response:
        rule, variant = _rule_and_variant(json_object())
        deviation = find(profile.deviations, rule, variant)
        if deviation is None:
            raise _unknown(profile, rule, variant)
        core = _core()
        core.standin.switch_on(deviation.key, core.clock.naive_now())
        return admin_json(describe(deviation, True), 201)

    @admin.delete("/deviations")
    def switch_off() -> Response:
        _core().standin.clear("deviation")
        return admin_json({"deviations": _listing(profile)}, 200)


def _register_faults(admin: Blueprint) -> None:
    @admin.get("/faults")
    def list_faults() -> Response:
        faults = [describe_fault(f) for f in _core().standin.faults()]
        return admin_json({"faults": faults}, 200)

    @admin.post("/faults")
    def add_fault() -> Response:
        spec, times = fault_spec(json_object())
        core = _core()
        fault = core.standin.add_fault(spec, times, core.clock.naive_now())
        return admin_json(describe_fault(fault), 201)

    @admin.delete("/faults")
    def clear_faults() -> Response:
        _core().standin.clear("fault")
        return admin_json({"faults": []}, 200)

    @admin.delete("/faults/<raw_id>")
    def delete_fault(raw_id: str) -> Response:
        if not raw_id.isdigit() or not _core().standin.delete_fault(int(raw_id)):
            raise ApiError(404, "not_found", f"No fault {raw_id}.")
        return Response(status=204)


def _listing(profile: Any) -> list[dict[str, object]]:
    store = _core().standin
    store.forget()
    active = store.snapshot().deviations
    return [describe(d, d.key in active) for d in profile.deviations]


def _rule_and_variant(body: dict[str, Any]) -> tuple[str, str | None]:
    rule, variant = body.get("rule"), body.get("variant")
    if not isinstance(rule, str) or not rule:
        raise ApiError(400, "invalid_body", "'rule' must be a rule ID such as \"AQ-26\".")
    if variant is not None and not isinstance(variant, str):
        raise ApiError(400, "invalid_body", "'variant' must be a string when given.")
    return rule.strip().upper(), variant


def _unknown(profile: Any, rule: str, variant: str | None) -> ApiError:
    available = [{"rule": d.rule, "variant": d.variant} for d in profile.deviations]
    names = ", ".join(d.key for d in profile.deviations) or "none"
    what = rule if variant is None else f"{rule} variant {variant!r}"
    return ApiError(400, "invalid_body",
                    f"No deviation {what} for {profile.name}; available: {names}.",
                    available=available)
