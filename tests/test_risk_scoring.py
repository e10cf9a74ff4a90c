"""The risk method: validation, scoring to exactly one level, rescaling."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openisms.core.permissions import Role
from openisms.risk.scoring import MethodError, default_method, parse

ROLES = [r.value for r in Role]


@st.composite
def methods(draw):
    n_l = draw(st.integers(2, 10))
    n_i = draw(st.integers(2, 10))
    n_levels = draw(st.integers(1, 10))
    keys = [f"lv{i}" for i in range(n_levels)]
    orders = draw(st.permutations(range(1, n_levels + 1)))
    levels = [
        {
            "key": key,
            "name": f"Level {i}",
            "colour": draw(st.from_regex(r"#[0-9a-f]{6}", fullmatch=True)),
            "order": orders[i],
            "accept_roles": draw(st.lists(st.sampled_from(ROLES), unique=True)),
        }
        for i, key in enumerate(keys)
    ]
    matrix = [[draw(st.sampled_from(keys)) for _ in range(n_i)] for _ in range(n_l)]
    return {
        "likelihood": [{"label": f"L{i}"} for i in range(n_l)],
        "impact": [{"label": f"I{i}"} for i in range(n_i)],
        "levels": levels,
        "matrix": matrix,
        "acceptance_threshold": draw(st.sampled_from(keys)),
        "review_months": draw(st.integers(1, 36)),
    }


@settings(max_examples=200, deadline=None)
@given(raw=methods(), data=st.data())
def test_any_valid_method_scores_any_valid_risk_to_exactly_one_level(raw, data):
    method = parse(raw)
    li = data.draw(st.integers(1, len(method.likelihood)))
    im = data.draw(st.integers(1, len(method.impact)))
    level = method.level_for(li, im)
    matching = [lv for lv in method.levels if lv.key == raw["matrix"][li - 1][im - 1]]
    assert matching == [level]
    # Round trip through storage keeps the scoring identical.
    assert parse(method.to_dict()).level_for(li, im) == level


@settings(max_examples=100, deadline=None)
@given(raw=methods(), data=st.data())
def test_out_of_range_scores_are_refused(raw, data):
    method = parse(raw)
    bad_l = data.draw(st.one_of(st.integers(max_value=0), st.integers(len(method.likelihood) + 1)))
    with pytest.raises(ValueError, match="Likelihood"):
        method.level_for(bad_l, 1)


@settings(max_examples=100, deadline=None)
@given(old=st.integers(2, 10), new=st.integers(2, 10), data=st.data())
def test_rescaling_stays_on_the_scale_and_keeps_the_ends(old, new, data):
    raw = default_method()
    raw["likelihood"] = [{"label": f"L{i}"} for i in range(new)]
    raw["matrix"] = [["low"] * 5 for _ in range(new)]
    method = parse(raw)
    value = data.draw(st.integers(1, old))
    scaled = method.rescale(value, old, "likelihood")
    assert 1 <= scaled <= new
    assert method.rescale(1, old, "likelihood") == 1
    assert method.rescale(old, old, "likelihood") == new


def test_default_method_is_5x5_with_four_levels():
    method = parse(default_method())
    assert (len(method.likelihood), len(method.impact)) == (5, 5)
    assert [lv.name for lv in method.ordered_levels()] == ["Low", "Medium", "High", "Critical"]
    assert method.level_for(1, 1).key == "low" and method.level_for(5, 5).key == "critical"
    assert method.level_for(3, 3).key == "medium" and method.level_for(4, 4).key == "high"
    assert method.within_criteria(method.level("medium"))
    assert not method.within_criteria(method.level("high"))
    assert method.may_accept(method.level("low"), "contributor")
    assert not method.may_accept(method.level("high"), "isms_manager")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.update(likelihood=[{"label": "only"}]), "between 2 and 10"),
        (lambda m: m.update(impact=[{"label": str(i)} for i in range(11)]), "between 2 and 10"),
        (lambda m: m["likelihood"][1].update(label=m["likelihood"][0]["label"]), "differ"),
        (lambda m: m["levels"][0].update(colour="green"), "colour"),
        (lambda m: m["levels"][1].update(key=m["levels"][0]["key"]), "unique"),
        (lambda m: m["levels"][1].update(order=m["levels"][0]["order"]), "distinct orders"),
        (lambda m: m["levels"][0].update(accept_roles=["emperor"]), "unknown role"),
        (lambda m: m["matrix"][0].__setitem__(0, "nope"), "no valid level"),
        (lambda m: m["matrix"].pop(), "needs 5 rows"),
        (lambda m: m.update(acceptance_threshold="nope"), "acceptance criteria"),
        (lambda m: m.update(review_months=0), "review frequency"),
    ],
)
def test_invalid_methods_are_refused_with_a_reason(change, message):
    raw = default_method()
    change(raw)
    with pytest.raises(MethodError) as exc:
        parse(raw)
    assert any(message in e for e in exc.value.errors), exc.value.errors
