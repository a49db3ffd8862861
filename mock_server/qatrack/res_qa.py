"""The ``qa`` app's resources (served at ``/api/qa/`` and ``/api/qc/``, linked at ``qc``)."""

from __future__ import annotations

from .model import (
    Resource,
    b,
    computed,
    d,
    dt,
    f,
    i,
    link,
    links,
    s,
    stamps,
    text,
)

TLI_LIST = ("GET", "POST")
TLI_DETAIL = ("GET", "PATCH")

QA = (
    Resource("qa", "frequencies", "frequency", (
        s("name"), s("slug"), i("nominal_interval"), f("due_interval"), f("overdue_interval"),
        text("recurrences", default=""), f("window_start"), f("window_end"),
        b("classical", default=True),
    ), verbose="Frequency"),
    Resource("qa", "testinstancestatus", "testinstancestatus", (
        s("name"), s("slug"), text("description", default=""), b("is_default", default=False),
        b("requires_review", default=True), b("requires_comment", default=False),
        b("export_by_default", default=True), b("valid", default=True), s("colour"),
    ), verbose="Test Instance Status"),
    Resource("qa", "autoreviewrules", "autoreviewrule", (
        s("pass_fail"), link("status", "qa/testinstancestatus"),
    ), verbose="Auto Review Rule"),
    Resource("qa", "autoreviewrulesets", "autoreviewruleset", (
        s("name"), b("is_default", default=False), links("rules", "qa/autoreviewrules"),
    ), verbose="Auto Review Rule Set"),
    Resource("qa", "references", "reference", (
        s("name"), s("type"), f("value"), *stamps(),
    )),
    Resource("qa", "tolerances", "tolerance", (
        s("name"), s("type"), f("act_low"), f("tol_low"), f("tol_high"), f("act_high"),
        text("mc_pass_choices", default=""), text("mc_tol_choices", default=""),
        b("bool_warning_only", default=False), *stamps(),
    )),
    Resource("qa", "categories", "category", (
        s("name"), s("slug"), text("description", default=""),
    ), verbose="Category"),
    Resource("qa", "tests", "test", (
        s("name"), s("slug"), text("description", default=""), s("procedure", default=""),
        link("category", "qa/categories"), b("chart_visibility", default=True),
        b("auto_review", default=True), s("type"), b("hidden", default=False),
        b("skip_without_comment", default=False), b("display_image", default=False),
        text("calculation_procedure", default=""), text("choices", default=""),
        f("constant_value"), s("formatting", default=""), *stamps(),
    )),
    Resource("qa", "unittestinfos", "unittestinfo", (
        link("unit", "units/units"), link("test", "qa/tests"),
        link("reference", "qa/references"), link("tolerance", "qa/tolerances"),
        b("active", default=True),
    ), verbose="Unit Test Info"),
    Resource("qa", "testlists", "testlist", (
        s("name"), s("slug"), text("description", default=""), text("javascript"),
        *stamps(), s("warning_message", default=""),
        links("tests", "qa/tests", through=("testlistmemberships", "test_list_id", "test_id")),
    ), verbose="Test List"),
    Resource("qa", "testlistmemberships", "testlistmembership", (
        link("test_list", "qa/testlists"), link("test", "qa/tests"), i("order"),
    ), verbose="Test List Membership"),
    Resource("qa", "sublists", "sublist", (
        link("parent", "qa/testlists"), link("child", "qa/testlists"), i("order"),
        b("outline", default=False),
    ), verbose="Sublist"),
    Resource("qa", "testlistcycles", "testlistcycle", (
        s("name"), s("slug"), text("description", default=""),
        s("drop_down_label", default="Choose Day"), s("day_option_text", default="day"),
        *stamps(),
        links("test_lists", "qa/testlists",
              through=("testlistcyclememberships", "cycle_id", "test_list_id")),
    ), verbose="Test List Cycle"),
    Resource("qa", "testlistcyclememberships", "testlistcyclemembership", (
        link("test_list", "qa/testlists"), link("cycle", "qa/testlistcycles"), i("order"),
    ), verbose="Test List Cycle Membership"),
    Resource("qa", "unittestcollections", "unittestcollection", (
        link("unit", "units/units"), link("frequency", "qa/frequencies"), dt("due_date"),
        b("auto_schedule", default=True), link("assigned_to", "auth/groups"),
        links("visible_to", "auth/groups"), b("active", default=True), s("name"),
        link("content_type", "contenttypes/contenttypes"), i("object_id"),
        computed("tests_object"), computed("next_test_list"), i("next_day", default=0),
        link("last_instance", "qa/testlistinstances"),
        link("test_list", "qa/testlists", hidden=True),
        link("test_list_cycle", "qa/testlistcycles", hidden=True),
    ), page_size=10, verbose="Unit Test Collection"),
    Resource("qa", "testinstances", "testinstance", (
        link("status", "qa/testinstancestatus"), dt("review_date"),
        link("reviewed_by", "auth/users"), link("reference", "qa/references"),
        link("tolerance", "qa/tolerances"), link("unit_test_info", "qa/unittestinfos"),
        link("test_list_instance", "qa/testlistinstances"), f("value"),
        text("string_value", default=""), d("date_value"), dt("datetime_value"),
        b("skipped", default=False), text("comment", default=""), s("pass_fail", default=""),
        i("order", default=0), dt("work_started"),
        dt("work_completed", indexed=True),
        b("in_progress", default=False, hidden=True), *stamps(),
        computed("json_value"), computed("attachments"),
    ), verbose="Test Instance"),
    Resource("qa", "testlistinstances", "testlistinstance", (
        computed("site_url"), link("unit_test_collection", "qa/unittestcollections"),
        link("test_list", "qa/testlists"), computed("test_instances"),
        computed("attachments"), computed("comments"), dt("work_started"),
        dt("work_completed", indexed=True), dt("due_date"),
        b("in_progress", default=False),
        b("flagged", default=False), s("user_key", unique=True),
        b("include_for_scheduling", default=True),
        dt("reviewed"), b("all_reviewed", default=False), i("day", default=0),
        link("reviewed_by", "auth/users"), *stamps(),
    ), page_size=10, list_methods=TLI_LIST, detail_methods=TLI_DETAIL,
        verbose="Test List Instance"),
)
