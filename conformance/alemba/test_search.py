"""Search: results, paging, counting, selecting, case, joins and partitions (AL-14..17, 19..21).

Property names come from the target's own metadata where the guide does not
fix them; the guide's own examples (``Ref``, ``Description``, ``Priority``,
``Priority.Name``) are used as written.
"""

from __future__ import annotations

from typing import Any

import pytest

from ..target import Target
from ._client import Session, body_of, brief, results_of
from ._fixtures import Catalog, search


def refs(results: list[dict[str, Any]]) -> list[Any]:
    """Each result's Ref (selected), else the number its _self ends with."""
    found = []
    for result in results:
        ref = result.get("Ref")
        if ref is None and str(result.get("_self", "")).rsplit("/", 1)[-1].isdigit():
            ref = int(str(result["_self"]).rsplit("/", 1)[-1])
        found.append(ref)
    return found


# ------------------------------------------------------------------- AL-14


@pytest.mark.rule("AL-14")
def test_search_shape(analyst: Session) -> None:
    response, results = search(analyst, "call", **{"$top": 5})
    body = body_of(response)
    assert response.status_code == 200, f"AL-14: GET call searches: {brief(response)}"
    assert isinstance(body.get("results"), list), "AL-14: the answer has a results array"
    assert results, "AL-14: the target has calls to search (none were returned)"
    for result in results:
        assert isinstance(result.get("_context"), str) and isinstance(result.get("_self"), str), \
            f"AL-14: every result has _context and _self: {result}"
    assert isinstance(body.get("_self"), str) and "$top=" in body["_self"], \
        f"AL-14: the response's _self carries the $top applied: {body.get('_self')!r}"


# ------------------------------------------------------------------- AL-15


@pytest.mark.rule("AL-15")
def test_top_and_default_page_size(analyst: Session, target: Target) -> None:
    _, five = search(analyst, "call", **{"$top": 5})
    assert len(five) == 5, f"AL-15: $top=5 returns 5 results, got {len(five)}"
    response, default = search(analyst, "call")
    assert response.status_code == 200, f"AL-15: a search without $top works: {brief(response)}"
    if target.is_mock:  # spec choice 1: the paging section's default
        assert len(default) == 100, f"AL-15: $top defaults to 100, got {len(default)}"
        assert "$top=100" in body_of(response).get("_self", ""), \
            "AL-15: the default $top is hinted in _self"


@pytest.mark.rule("AL-15")
def test_skip_and_orderby(analyst: Session) -> None:
    _, ascending = search(analyst, "call", **{"$top": 6, "$orderby": "Ref"})
    keys = refs(ascending)
    assert keys == sorted(keys), f"AL-15: $orderby=Ref is ascending by default: {keys}"
    _, explicit = search(analyst, "call", **{"$top": 6, "$orderby": "Ref asc"})
    assert refs(explicit) == keys, "AL-15: 'Ref asc' equals the default order"
    _, descending = search(analyst, "call", **{"$top": 6, "$orderby": "Ref desc"})
    down = refs(descending)
    assert down == sorted(down, reverse=True) and down[0] > keys[-1], \
        f"AL-15: 'Ref desc' is descending from the highest: {down}"
    _, page = search(analyst, "call", **{"$skip": 2, "$top": 3, "$orderby": "Ref"})
    assert refs(page) == keys[2:5], f"AL-15: $skip=2&$top=3 gives rows 3-5: {refs(page)} " \
        f"vs {keys[2:5]}"


@pytest.mark.rule("AL-15")
def test_options_combine_in_any_order(analyst: Session) -> None:
    first = analyst.alemba.api("GET", "/call?$top=4&$skip=4&$orderby=Ref desc",
                               analyst.access_token)
    second = analyst.alemba.api("GET", "/call?$orderby=Ref desc&$skip=4&$top=4",
                                analyst.access_token)
    assert first.status_code == second.status_code == 200, \
        f"AL-15: both orders are accepted: {brief(first)} / {brief(second)}"
    assert refs(results_of(first)) == refs(results_of(second)), \
        "AL-15: $top, $skip and $orderby give the same page in any order"


@pytest.mark.rule("AL-15")
def test_orderby_several_properties(analyst: Session) -> None:
    _, results = search(analyst, "call", **{"$top": 40, "$orderby": "Priority desc, Ref asc",
                                            "$select": "Ref,Priority",
                                            "$filter": "Priority!=null"})
    pairs = [(int(r["Priority"]), int(r["Ref"])) for r in results
             if isinstance(r.get("Priority"), int) and isinstance(r.get("Ref"), int)]
    assert pairs, "AL-15: calls with a priority exist"
    expected = sorted(pairs, key=lambda p: (-p[0], p[1]))
    assert pairs == expected, f"AL-15: 'Priority desc, Ref asc' sorts by both: {pairs[:8]}"


# ------------------------------------------------------------------- AL-16


@pytest.mark.rule("AL-16")
def test_count_and_inlinecount(analyst: Session) -> None:
    counted = analyst.get("/call", **{"$count": "true"})
    assert counted.status_code == 200, f"AL-16: $count=true answers: {brief(counted)}"
    assert counted.headers.get("Content-Type", "").startswith("text/plain"), \
        f"AL-16: $count=true answers text/plain: {counted.headers.get('Content-Type')}"
    assert counted.text.strip().isdigit(), f"AL-16: the count is a number: {counted.text!r}"
    total = int(counted.text.strip())
    inline = analyst.get("/call", **{"$top": 3, "$inlinecount": "true"})
    body = body_of(inline)
    assert body.get("__count") == total, \
        f"AL-16: $inlinecount adds __count ({body.get('__count')!r}) equal to $count ({total})"
    assert len(results_of(inline)) == min(3, total), "AL-16: $inlinecount keeps the page"
    plain = body_of(analyst.get("/call", **{"$top": 3}))
    assert "__count" not in plain, "AL-16: __count only comes with $inlinecount"


# ------------------------------------------------------------------- AL-17


@pytest.mark.rule("AL-17")
def test_select_properties(analyst: Session, call_props: dict[str, Any]) -> None:
    _, results = search(analyst, "call", **{"$top": 5, "$select": "Ref,Description"})
    assert results, "AL-17: $select=Ref,Description returns results"
    others = set(call_props) - {"Ref", "Description"}
    for result in results:
        assert "Ref" in result and "Description" in result, \
            f"AL-17: selected properties are included: {sorted(result)}"
        assert not others & set(result), \
            f"AL-17: unselected properties are left out: {sorted(others & set(result))}"


@pytest.mark.rule("AL-17")
def test_select_through_relations_and_aliases(analyst: Session) -> None:
    params = {"$top": 5, "$filter": "Priority!=null"}
    _, nested = search(analyst, "call", **params, **{"$select": "Ref,Priority.Name"})
    assert nested, "AL-17: calls with a priority exist"
    for result in nested:
        priority = result.get("Priority")
        assert isinstance(priority, dict) and "Name" in priority, \
            f"AL-17: Priority.Name comes back nested: {result}"
        assert str(priority.get("_self", "")).startswith("api:") and "_context" in priority, \
            f"AL-17: the linked entity carries its own _context and _self: {priority}"
    _, aliased = search(analyst, "call", **params,
                        **{"$select": "Ref,PriorityName:Priority.Name"})
    by_ref = {r.get("Ref"): r["Priority"]["Name"] for r in nested}
    for result in aliased:
        assert "PriorityName" in result and "Priority" not in result, \
            f"AL-17: an aliased path comes back under its alias: {result}"
        assert result["PriorityName"] == by_ref.get(result.get("Ref"), result["PriorityName"]), \
            "AL-17: the alias holds the same value as the nested path"


@pytest.mark.rule("AL-17")
def test_select_star_and_augmenter(analyst: Session, call_props: dict[str, Any]) -> None:
    _, star = search(analyst, "call", **{"$top": 2, "$select": "*"})
    assert star, "AL-17: $select=* returns results"
    public = {n for n, p in call_props.items() if p.get("usage", "Public") == "Public"}
    present = public & set(star[0])
    assert len(present) >= min(len(public), 5), \
        f"AL-17: $select=* returns the entity's properties, got {sorted(star[0])}"
    response, augmented = search(analyst, "call", **{"$top": 2, "$select": "Ref,@AssignmentState"})
    assert response.status_code == 200, f"AL-17: $select accepts the guide's extension " \
        f"augmenter @AssignmentState: {brief(response)}"
    for result in augmented:
        assert "AssignmentState" in result, \
            f"AL-17: @AssignmentState adds AssignmentState: {sorted(result)}"


# ------------------------------------------------------------------- AL-19


@pytest.mark.rule("AL-19")
@pytest.mark.parametrize("params", [
    {"$filter": "priority==1"},
    {"$filter": "Priority==1 && ref>0"},
    {"$select": "Ref,description"},
    {"$orderby": "ref"},
    {"$orderby": "Ref DESC"},
], ids=["filter-property", "filter-second-property", "select", "orderby", "orderby-direction"])
def test_names_are_case_sensitive(analyst: Session, params: dict[str, str]) -> None:
    response = analyst.get("/call", **{"$top": 2, **params})
    assert response.status_code == 400, \
        f"AL-19: {params} is not a known name (case sensitive): expected 400, got " \
        f"{brief(response)}"


@pytest.mark.rule("AL-19")
def test_values_are_case_sensitive(analyst: Session, catalog: Catalog) -> None:
    texts = catalog.props_of_type("call", "Text")
    name = next((n for n in ("ShortDescription", "Description") if n in texts), None) or \
        (texts[0] if texts else None)
    if name is None:
        pytest.skip("not checkable: Call has no searchable Text property")
    _, rows = search(analyst, "call", **{"$top": 50, "$select": f"Ref,{name}",
                                         "$filter": f"{name}!=null"})
    sample = next((r for r in rows if isinstance(r.get(name), str) and
                   any(c.isalpha() for c in r[name]) and r[name].swapcase() != r[name]), None)
    if sample is None:
        pytest.skip(f"not checkable: no call has a {name} with letters")
    word = next(w for w in sample[name].split() if any(c.isalpha() for c in w)).strip('"\\')
    swapped = word.swapcase()
    _, exact = search(analyst, "call", **{"$top": 200, "$select": f"Ref,{name}",
                                          "$filter": f'{name}.Contains("{word}")'})
    assert sample["Ref"] in [r.get("Ref") for r in exact], \
        f"AL-19: {name}.Contains({word!r}) finds call {sample['Ref']}"
    _, other = search(analyst, "call", **{"$top": 200, "$select": f"Ref,{name}",
                                          "$filter": f'{name}.Contains("{swapped}")'})
    for row in other:
        assert swapped in str(row.get(name)), \
            f"AL-19: Contains({swapped!r}) is case sensitive, but matched {row.get(name)!r}"


# ------------------------------------------------------------------- AL-20


@pytest.mark.rule("AL-20")
def test_joins(analyst: Session, catalog: Catalog) -> None:
    target = catalog.data_type("call", "Priority")
    if not target or not catalog.resource_of(target):
        pytest.skip("not checkable: Call has no Priority lookup")
    join = f"P:{target}(Ref==Priority)"
    params = {"$top": 20, "$select": "Ref,Priority,P.Name", "$orderby": "Ref"}
    response, left = search(analyst, "call", **params, **{"$leftJoin": join})
    assert response.status_code == 200, f"AL-20: $leftJoin={join} works: {brief(response)}"
    assert left, "AL-20: the left join keeps the calls"
    _, plain = search(analyst, "call", **{"$top": 20, "$orderby": "Ref",
                                          "$select": "Ref,Priority.Name"})
    names = {r.get("Ref"): (r.get("Priority") or {}).get("Name") for r in plain}
    for row in left:
        joined = row.get("P")
        name = joined.get("Name") if isinstance(joined, dict) else None
        assert name == names.get(row.get("Ref")), \
            f"AL-20: the alias P reads the joined {target}: {row} vs {names.get(row.get('Ref'))}"
    response, inner = search(analyst, "call", **{"$innerJoin": join, "$filter": "P.Ref==1",
                                                 "$select": "Ref,Priority", "$top": 20})
    assert response.status_code == 200, f"AL-20: $innerJoin with $filter works: {brief(response)}"
    assert inner and all(r.get("Priority") == 1 for r in inner), \
        f"AL-20: $filter on the alias applies: {[r.get('Priority') for r in inner]}"
    both = analyst.get("/call", **{"$leftJoin": join, "$count": "true"})
    some = analyst.get("/call", **{"$innerJoin": join, "$count": "true"})
    if both.text.strip().isdigit() and some.text.strip().isdigit():
        assert int(some.text) <= int(both.text), "AL-20: an inner join keeps no more rows"


# ------------------------------------------------------------------- AL-21


@pytest.mark.rule("AL-21")
def test_partition_filter_and_option(analyst: Session, catalog: Catalog) -> None:
    if "Partition" not in catalog.props("call"):
        pytest.skip("not checkable: Call is not partitioned on this target")
    _, rows = search(analyst, "call", **{"$top": 100, "$select": "Ref,Partition"})
    partitions = sorted({int(r["Partition"]) for r in rows
                         if isinstance(r.get("Partition"), int)})
    assert partitions, "AL-21: calls carry their Partition"
    chosen = partitions[0]
    for params in ({"$filter": f"Partition=={chosen}"}, {"$partition": chosen}):
        response, found = search(analyst, "call", **{"$top": 100, "$select": "Ref,Partition",
                                                     **params})
        assert response.status_code == 200 and found, f"AL-21: {params} works: {brief(response)}"
        assert all(r.get("Partition") == chosen for r in found), \
            f"AL-21: {params} keeps partition {chosen} only: " \
            f"{sorted({str(r.get('Partition')) for r in found})}"


@pytest.mark.rule("AL-21")
def test_partition_on_unpartitioned_entity(analyst: Session, catalog: Catalog) -> None:
    resource = next((r for r in ("call-priority", "ipk-status", "ipk-stream")
                     if r in catalog.resources().values()
                     and "Partition" not in catalog.props(r)), None)
    if resource is None:
        pytest.skip("not checkable: no unpartitioned entity among the guide's examples")
    every = analyst.get(f"/{resource}", **{"$count": "true"})
    option = analyst.get(f"/{resource}", **{"$partition": 1, "$count": "true"})
    assert option.status_code == 200 and option.text.strip() == every.text.strip(), \
        f"AL-21: $partition is ignored by the unpartitioned {resource}: {brief(option)} vs " \
        f"{brief(every)}"
    filtered = analyst.get(f"/{resource}", **{"$filter": "Partition==1"})
    assert filtered.status_code == 200, \
        f"AL-21: every entity accepts Partition in $filter: {brief(filtered)}"


@pytest.mark.rule("AL-21")
def test_results_limited_to_visible_partitions(alemba: Any, target: Target,
                                               sessions: Any) -> None:
    target.need_mock("which partitions a session may see is configuration, not API")
    from ._client import Credentials

    for entry in (target.admin or {}).get("credentials", []):
        visible = entry.get("partitions") or []
        if entry.get("name") == "analyst" and visible:
            creds = Credentials(entry["client_id"], entry.get("client_secret"),
                                entry["username"], entry["password"], entry["scope"])
            session = sessions.open(creds)
            _, rows = search(session, "call", **{"$top": 1000, "$select": "Ref,Partition"})
            seen = {r.get("Partition") for r in rows}
            shown = sorted(str(p) for p in seen)
            assert rows and seen <= set(visible), \
                f"AL-21: an analyst seeing {visible} got calls of partitions {shown}"
            hidden = sorted({1, 2, 3} - set(visible))
            if hidden:
                response = session.get("/call", **{"$partition": hidden[0], "$count": "true"})
                assert response.text.strip() == "0", \
                    f"AL-21: partition {hidden[0]} is invisible: {brief(response)}"
            return
    pytest.fail("AL-21: our mock publishes no analyst with partitions")
