"""``$filter`` (AL-18): operators by type, text methods, dates, augmenters, and robustness.

Every check reads the values back with ``$select`` and compares them with the
predicate, so it holds whatever data the target has. Properties beyond the
guide's examples are chosen from the target's metadata by data type.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from ._client import Session, brief
from ._fixtures import Catalog, search

MALFORMED = [
    "Priority==",
    "(Priority==1",
    "Priority==1)",
    "Priority===1",
    "Priority==1 &&",
    "&& Priority==1",
    "Priority 1",
    "Ref==\"unterminated",
    "NoSuchProperty==1",
    "Priority.NoSuchProperty==1",
    "Ref==\"abc\"",
    "Ref.Contains(\"1\")",
    "Ref==1 OR 1=1",
    "Ref==1; DROP TABLE calls",
    "' OR '1'='1",
    "@NoSuchAugmenter",
    "LoggedDate>@DateTime(yesterday)",
    "@NowOffset(1,2)",
    "Priority==1 || || Priority==2",
    "\u0000",
]


def values(session: Session, prop: str, filter_: str | None, top: int = 200) -> list[Any]:
    params = {"$top": top, "$select": f"Ref,{prop}"}
    if filter_ is not None:
        params["$filter"] = filter_
    response, results = search(session, "call", **params)
    assert response.status_code == 200, f"AL-18: $filter={filter_} is accepted: {brief(response)}"
    return [r.get(prop) for r in results]


def ref_set(session: Session, filter_: str) -> set[Any]:
    response, results = search(session, "call", **{"$top": 1000, "$select": "Ref",
                                                   "$filter": filter_})
    assert response.status_code == 200, f"AL-18: $filter={filter_} is accepted: {brief(response)}"
    return {r.get("Ref") for r in results}


def parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@pytest.mark.rule("AL-18")
def test_equality_operators(analyst: Session) -> None:
    equal = ref_set(analyst, "Priority==1")
    assert equal, "AL-18: some calls have Priority 1"
    assert ref_set(analyst, "Priority=1") == equal, "AL-18: '=' means the same as '=='"
    assert all(v == 1 for v in values(analyst, "Priority", "Priority==1")), \
        "AL-18: Priority==1 keeps priority 1 only"
    assert not equal & ref_set(analyst, "Priority!=1"), "AL-18: '!=' excludes the value"


@pytest.mark.rule("AL-18")
def test_number_comparisons_and_grouping(analyst: Session) -> None:
    window = sorted(ref_set(analyst, "Ref>=1 && Ref<=40"))
    assert window, "AL-18: calls with Ref 1..40 exist"
    low, high = window[len(window) // 4], window[3 * len(window) // 4]
    assert ref_set(analyst, f"Ref>{low} && Ref<{high}") == {r for r in window if low < r < high}, \
        "AL-18: > and < select the open range"
    assert ref_set(analyst, f"Ref>={low}&&Ref<={high}") == \
        {r for r in window if low <= r <= high}, "AL-18: >= and <= select the closed range"
    grouped = ref_set(analyst, f"(Ref<{low}||Ref>{high})&&Ref<=40")
    assert grouped == {r for r in window if r < low or r > high}, \
        "AL-18: || and && combine, grouped by parentheses"
    negated = ref_set(analyst, f"!(Ref>{low})&&Ref>=1")
    assert all(r <= low for r in negated), "AL-18: ! negates a group"


@pytest.mark.rule("AL-18")
def test_boolean_shorthand(analyst: Session, catalog: Catalog) -> None:
    flags = catalog.props_of_type("call", "Boolean")
    if not flags:
        pytest.skip("not checkable: Call has no searchable Boolean property")
    flag = flags[0]
    true_refs = ref_set(analyst, f"{flag}==true")
    assert ref_set(analyst, flag) == true_refs, f"AL-18: '{flag}' alone means '{flag}==true'"
    false_refs = ref_set(analyst, f"{flag}==false")
    assert ref_set(analyst, f"!{flag}") == false_refs, f"AL-18: '!{flag}' means '{flag}==false'"
    assert not true_refs & false_refs, "AL-18: true and false select different calls"
    assert all(v is True for v in values(analyst, flag, flag)), \
        f"AL-18/AL-23: {flag} reads as true where the filter says so"


@pytest.mark.rule("AL-18")
def test_text_methods(analyst: Session, catalog: Catalog) -> None:
    texts = catalog.props_of_type("call", "Text", "RichText")
    name = next((n for n in ("ShortDescription", "Description") if n in texts), None) or \
        (texts[0] if texts else None)
    if name is None:
        pytest.skip("not checkable: Call has no searchable Text property")
    sample = next((v for v in values(analyst, name, f"{name}!=null")
                   if isinstance(v, str) and len(v.strip()) >= 6 and '"' not in v
                   and "\\" not in v), None)
    if sample is None:
        pytest.skip(f"not checkable: no call has a {name} to search for")
    word = sample.strip()
    cases = {"StartsWith": word[:4], "EndsWith": word[-4:], "Contains": word[1:5]}
    checks = {"StartsWith": str.startswith, "EndsWith": str.endswith,
              "Contains": lambda text, part: part in text}
    for method, part in cases.items():
        found = values(analyst, name, f'{name}.{method}("{part}")')
        assert found, f"AL-18: {name}.{method}({part!r}) finds the call it came from"
        for value in found:
            assert isinstance(value, str) and checks[method](value, part), \
                f"AL-18: {name}.{method}({part!r}) matched {value!r}"


@pytest.mark.rule("AL-18")
def test_dates_with_augmenters(analyst: Session, catalog: Catalog) -> None:
    dates = catalog.props_of_type("call", "DateTime")
    name = next((n for n in ("LoggedDate", "CreatedDate") if n in dates), None) or \
        (dates[0] if dates else None)
    if name is None:
        pytest.skip("not checkable: Call has no searchable DateTime property")
    stamps = sorted(t for v in values(analyst, name, f"{name}!=null", top=100)
                    if (t := parse_time(v)) is not None)
    assert stamps, f"AL-18: calls have a {name}"
    pivot = stamps[len(stamps) // 2]
    literal = pivot.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    after = [parse_time(v) for v in values(analyst, name, f"{name}>@DateTime({literal})")]
    assert after and all(t is not None and t > pivot for t in after), \
        f"AL-18: {name}>@DateTime({literal}) keeps later dates only"
    for filter_ in (f"{name}<=@Now", f"{name}>@NowOffset(-7,-2,-30)",
                    f"{name}>=@DateTime(2017-01-01T00:00:00.000+1)&&{name}<=@NowOffset(0,0,-30)"):
        values(analyst, name, filter_)  # accepted (200)
    total = ref_set(analyst, f"{name}!=null")
    recent = ref_set(analyst, f"{name}>@NowOffset(-30,0,0)")
    older = ref_set(analyst, f"{name}<=@NowOffset(-30,0,0)")
    assert recent | older == total and not recent & older, \
        "AL-18: @NowOffset splits the dates at one moment"


@pytest.mark.rule("AL-18")
def test_session_and_deleted_augmenters(analyst: Session) -> None:
    deleted = ref_set(analyst, "@IsDeleted")
    alive = ref_set(analyst, "!@IsDeleted")
    assert not deleted & alive, "AL-18: @IsDeleted and !@IsDeleted select different calls"
    for filter_ in ("User==@UserId", "User.Ref==@UserId", "Organization==@OrganizationId"):
        response = analyst.get("/call", **{"$top": 5, "$filter": filter_})
        assert response.status_code in (200, 400) and response.status_code != 500, \
            f"AL-18: {filter_} is understood: {brief(response)}"
    response = analyst.get("/call", **{"$top": 5, "$filter": "User==@UserId"})
    assert response.status_code == 200, f"AL-18: User==@UserId works: {brief(response)}"


@pytest.mark.rule("AL-18")
def test_binary_compares_with_null_only(analyst: Session, catalog: Catalog) -> None:
    resource = next((r for r in catalog.resources().values()
                     if catalog.props_of_type(r, "Binary")), None)
    if resource is None:
        pytest.skip("not checkable: no searchable Binary property")
    name = catalog.props_of_type(resource, "Binary")[0]
    ok = analyst.get(f"/{resource}", **{"$top": 2, "$filter": f"{name}!=null"})
    assert ok.status_code == 200, f"AL-18: {name}!=null is accepted: {brief(ok)}"
    bad = analyst.get(f"/{resource}", **{"$top": 2, "$filter": f"{name}>1"})
    assert bad.status_code == 400, f"AL-18: {name}>1 is refused: {brief(bad)}"


@pytest.mark.rule("AL-18")
@pytest.mark.parametrize("filter_", MALFORMED)
def test_malformed_filters_are_400(analyst: Session, filter_: str) -> None:
    response = analyst.get("/call", **{"$top": 2, "$filter": filter_})
    assert response.status_code == 400, \
        f"AL-18: a malformed $filter {filter_!r} is 400, never 500: {brief(response)}"


@pytest.mark.rule("AL-18")
def test_values_never_change_the_statement(analyst: Session) -> None:
    everything = ref_set(analyst, "Ref>0")
    for filter_ in ('Description=="x\' OR \'1\'=\'1"', 'Description=="x\\" || Ref>0 || \\"x"',
                    'Description.Contains("\') OR 1=1 --")'):
        found = ref_set(analyst, filter_)
        assert len(found) < len(everything), \
            f"AL-18: a value cannot widen the query: {filter_!r} matched {len(found)} calls"
