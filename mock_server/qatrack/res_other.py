"""Resources outside ``qa``: auth, content types, attachments, comments, units, faults,
parts and the service log. Read-only unless ``writable`` (the real API's full CRUD sets)."""

from __future__ import annotations

from .model import Field, Resource, b, computed, d, dt, f, i, link, links, s, stamps, text

AUTH = (
    Resource("auth", "users", "user", (
        dt("last_login"), b("is_superuser", default=False), s("username", 150),
        s("first_name", 150, default=""), s("last_name", 150, default=""),
        s("email", 254, default=""), b("is_staff", default=False),
        b("is_active", default=True), dt("date_joined"),
        links("groups", "auth/groups", through=("user_groups", "user_id", "group_id")),
        Field("password", "str", max_length=128, hidden=True),
    )),
    Resource("auth", "groups", "group", (s("name", 150, nullable=False),), writable=True),
)

GENERIC = (
    Resource("contenttypes", "contenttypes", "contenttype", (s("app_label"), s("model")),
             verbose="Content Type"),
    Resource("attachments", "attachments", "attachment", (
        computed("attachment"), s("label", default=""), text("comment", default=""),
        link("testlistinstance", "qa/testlistinstances"),
        link("testinstance", "qa/testinstances"), *stamps()[:2],
        s("filename", hidden=True), Field("content", "bytes", hidden=True),
    )),
    Resource("comments", "comments", "comment", (
        link("content_type", "contenttypes/contenttypes"), s("object_pk"),
        link("user", "auth/users"), s("user_name", default=""), text("comment"),
        dt("submit_date"), b("is_public", default=True), b("is_removed", default=False),
    )),
)

UNITS = (
    Resource("units", "vendors", "vendor", (s("name"), text("notes", default=""))),
    Resource("units", "unitclasses", "unitclass", (s("name"),), verbose="Unit Class"),
    Resource("units", "unittypes", "unittype", (
        s("name"), link("vendor", "units/vendors"), link("unit_class", "units/unitclasses"),
        s("model", default=""), b("collecting", default=True),
    ), verbose="Unit Type"),
    Resource("units", "modalities", "modality", (s("name"),), verbose="Modality"),
    Resource("units", "sites", "site", (s("name"), s("slug"))),
    Resource("units", "units", "unit", (
        s("name"), i("number"), link("site", "units/sites"), link("type", "units/unittypes"),
        s("serial_number", default=""), s("location", default=""), d("install_date"),
        d("date_acceptance"), b("active", default=True), b("is_serviceable", default=False),
        links("modalities", "units/modalities", detail_only=True),
        b("restricted", default=False, hidden=True),  # 3.1 dropped the field from the API
    ), ordering=("number",)),
    Resource("units", "availabletimes", "unitavailabletime", (
        link("unit", "units/units"), d("date_changed"),
        *(s(f"hours_{day}", default="08:00:00") for day in
          ("monday", "tuesday", "wednesday", "thursday", "friday")),
        s("hours_saturday", default="00:00:00"), s("hours_sunday", default="00:00:00"),
    ), verbose="Unit Available Time"),
    Resource("units", "availabletimeedits", "unitavailabletimeedit", (
        s("name", default=""), link("unit", "units/units"), d("date"), s("hours"),
    ), verbose="Unit Available Time Edit"),
)

FAULTS = (
    Resource("faults", "faulttypes", "faulttype", (
        s("code", nullable=False), s("slug"), text("description", default=""),
    ), writable=True, verbose="Fault Type"),
    Resource("faults", "faults", "fault", (
        link("unit", "units/units", nullable=False), link("modality", "units/modalities"),
        links("fault_types", "faults/faulttypes", nullable=False), dt("occurred", nullable=False),
        s("treatment_technique", default=""), *stamps(),
    ), writable=True),
)


def _w(name: str, model: str, fields: tuple[Field, ...], verbose: str = "") -> Resource:
    app = "parts" if name.startswith(("part", "supplier", "storage")) else "servicelog"
    return Resource(app, name, model, fields, writable=True, verbose=verbose)


PARTS = (
    _w("suppliers", "supplier", (s("name", nullable=False), s("phone_number", default=""),
                                 text("address", default=""), s("website", default=""),
                                 text("notes", default=""))),
    _w("storages", "storage", (s("room", nullable=False), s("location", default=""),
                               text("description", default=""))),
    _w("partcategories", "partcategory", (s("name", nullable=False),), "Part Category"),
    _w("parts", "part", (
        s("name", nullable=False), s("part_number", nullable=False),
        s("alt_part_number", default=""), link("part_category", "parts/partcategories"),
        i("quantity_min", default=0), i("quantity_current", default=0), f("cost"),
        text("notes", default=""), b("is_obsolete", default=False),
    )),
    _w("partstoragecollections", "partstoragecollection", (
        link("part", "parts/parts", nullable=False), link("storage", "parts/storages",
                                                           nullable=False),
        i("quantity", default=0),
    ), "Part Storage Collection"),
    _w("partsuppliercollections", "partsuppliercollection", (
        link("part", "parts/parts", nullable=False),
        link("supplier", "parts/suppliers", nullable=False), s("part_number", default=""),
    ), "Part Supplier Collection"),
    _w("partuseds", "partused", (
        link("service_event", "servicelog/serviceevents", nullable=False),
        link("part", "parts/parts", nullable=False), link("from_storage", "parts/storages"),
        i("quantity", default=1),
    ), "Part Used"),
)

SERVICE = (
    _w("serviceareas", "servicearea", (s("name", nullable=False),), "Service Area"),
    _w("unitserviceareas", "unitservicearea", (
        link("unit", "units/units", nullable=False),
        link("service_area", "servicelog/serviceareas", nullable=False),
        text("notes", default=""),
    ), "Unit Service Area"),
    _w("servicetypes", "servicetype", (
        s("name", nullable=False), b("is_review_required", default=True),
        b("is_active", default=True), text("description", default=""),
    ), "Service Type"),
    _w("serviceeventstatus", "serviceeventstatus", (
        s("name", nullable=False), b("is_review_required", default=True),
        b("is_default", default=False), b("rts_qa_must_be_reviewed", default=True),
        text("description", default=""), s("colour", default=""),
    ), "Service Event Status"),
    _w("serviceevents", "serviceevent", (
        link("unit_service_area", "servicelog/unitserviceareas", nullable=False),
        link("service_type", "servicelog/servicetypes", nullable=False),
        link("service_status", "servicelog/serviceeventstatus", nullable=False),
        dt("datetime_service", nullable=False), text("problem_description", nullable=False),
        text("work_description", default=""), text("safety_precautions", default=""),
        text("qafollowup_notes", default=""), s("duration_service_time"),
        b("is_review_required", default=True),
        link("user_created_by", "auth/users", auto="user"),
        dt("datetime_created", auto="now"), dt("datetime_modified", auto="touch"),
    ), "Service Event"),
    _w("serviceeventtemplate", "serviceeventtemplate", (
        s("name", nullable=False), link("service_type", "servicelog/servicetypes"),
        link("service_area", "servicelog/serviceareas"),
        text("problem_description", default=""), text("work_description", default=""),
        *stamps(),
    ), "Service Event Template"),
    _w("serviceeventschedule", "serviceeventschedule", (
        link("unit_service_area", "servicelog/unitserviceareas", nullable=False),
        link("service_event_template", "servicelog/serviceeventtemplate", nullable=False),
        link("frequency", "qa/frequencies"), link("assigned_to", "auth/groups"),
        b("active", default=True), dt("due_date"),
    ), "Service Event Schedule"),
    _w("thirdparty", "thirdparty", (
        s("first_name", nullable=False), s("last_name", nullable=False),
        link("vendor", "units/vendors", nullable=False),
    ), "Third Party"),
    _w("hours", "hours", (
        link("service_event", "servicelog/serviceevents", nullable=False),
        link("third_party", "servicelog/thirdparty"), link("user", "auth/users"),
        s("time", nullable=False),
    ), "Hours"),
    _w("returntoserviceqa", "returntoserviceqa", (
        link("unit_test_collection", "qa/unittestcollections", nullable=False),
        link("service_event", "servicelog/serviceevents", nullable=False),
        link("test_list_instance", "qa/testlistinstances"),
        link("user_assigned_by", "auth/users", auto="user"),
        dt("datetime_assigned", auto="now"),
    ), "Return To Service QA"),
    _w("grouplinker", "grouplinker", (
        link("group", "auth/groups", nullable=False), s("name", nullable=False),
        text("description", default=""), s("help_text", default=""),
    ), "Group Linker"),
    _w("grouplinkerinstance", "grouplinkerinstance", (
        link("group_linker", "servicelog/grouplinker", nullable=False),
        link("user", "auth/users", nullable=False),
        link("service_event", "servicelog/serviceevents", nullable=False),
        dt("datetime_linked", auto="now"),
    ), "Group Linker Instance"),
)

OTHER = AUTH + GENERIC + UNITS + FAULTS + PARTS + SERVICE
