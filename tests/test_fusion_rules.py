"""The fusion rules file: the shipped one loads, and a broken one is refused with the file and
the key named."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from ingest import event_types
from ingest.errors import InputError
from ingest.fusion.rules import RULES_FILE, parse_rules, read_rules
from ingest.fusion.values import Relation, Value, compare, date_gap
from ingest.model import EVENT_TYPES


def shipped() -> dict:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


def test_shipped_rules_cover_every_event_type() -> None:
    rules = read_rules(RULES_FILE)
    assert set(rules.types) == set(EVENT_TYPES)
    assert rules.for_type("transfer").must_agree == ("toLocation", "fromLocation")
    # an event type the file does not tune falls back to the defaults
    assert all(r.min_shared_subjects >= 1 for r in rules.types.values())


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda d: d.update(version=2), "version"),
        (lambda d: d.update(tolerance=3), "tolerance: unknown key"),
        (lambda d: d.update(types={"arrest": {"date_tolerance_days": 2}}), "types: unknown key"),
        (lambda d: d["event_properties"].update(penalty="prose"), "event_properties.penalty"),
        (lambda d: d.update(stop_words=["the", True]), "stop_words"),  # YAML reads a bare `on` as true
        (lambda d: d.update(resolution="loudest"), "resolution"),
        (lambda d: d["proceedings"].update(core=["charge"]), "proceedings.core: unknown key"),
        (lambda d: d["defaults"].update(must_agree=["destination"]), "defaults.must_agree"),
    ],
)
def test_broken_rules_name_file_and_key(edit, problem: str) -> None:  # type: ignore[no-untyped-def]
    data = shipped()
    edit(data)
    with pytest.raises(InputError) as err:
        parse_rules(data, "rules.yaml")
    assert err.value.source == "rules.yaml"
    assert problem in err.value.problem


@pytest.mark.parametrize(
    ("fusion", "problem"),
    [
        ({"must_agree": ["destination"]}, "types.transfer.fusion.must_agree"),
        ({"date_tolerance_days": "ten"}, "types.transfer.fusion.date_tolerance_days"),
        ({"tolerance": 3}, "types.transfer.fusion.tolerance: unknown key"),
    ],
)
def test_a_broken_fusion_entry_in_the_registry_names_the_registry(fusion: dict, problem: str) -> None:
    registry = dict(event_types.registry())
    registry["transfer"] = dataclasses.replace(registry["transfer"], fusion=fusion)
    with pytest.raises(InputError) as err:
        parse_rules(shipped(), "rules.yaml", registry, "event_types.yaml")
    assert err.value.source == "event_types.yaml"
    assert problem in err.value.problem


def test_fusion_tolerances_and_proceedings_come_from_the_registry() -> None:
    rules = read_rules(RULES_FILE)
    for name, t in event_types.registry().items():
        assert rules.for_type(name).date_tolerance_days == t.fusion.get(
            "date_tolerance_days", shipped()["defaults"]["date_tolerance_days"]
        )
    assert "other" not in rules.proceedings.types
    assert {"charge", "conviction", "appeal-decision"} <= rules.proceedings.core
    assert "arrest" in rules.proceedings.types - rules.proceedings.core


def test_unreadable_rules_file(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("types: [unclosed", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        read_rules(bad)
    with pytest.raises(InputError, match="cannot read"):
        read_rules(tmp_path / "missing.yaml")


def test_value_comparison() -> None:
    rules = read_rules(RULES_FILE)

    def rel(kind: str, a: str, b: str) -> Relation:
        return compare(kind, Value("x:" + a, a), Value("y:" + b, b), rules)

    assert compare("date", Value("2019-03", "2019-03"), Value("2019-03-04", "2019-03-04"), rules) is Relation.A_VAGUER
    assert (
        compare("date", Value("2019-03-05", "2019-03-05"), Value("2019-03-04", "2019-03-04"), rules)
        is Relation.DIFFERENT
    )
    assert date_gap("2019-03", "2019-04-02") == 2
    assert rel("entity", "pre-trial detention centre of Braga", "Braga pretrial detention centre") is Relation.SAME
    assert rel("entity", "court in Braga", "Braga District Court") is Relation.A_VAGUER
    assert rel("entity", "Braga District Court", "Faro District Court") is Relation.DIFFERENT
    assert rel("text", "five-year prison term", "5 years in prison") is Relation.SAME
    assert rel("text", "fine of 300 euros", "fine of 500 euros") is Relation.DIFFERENT
    assert rel("text", "five years in prison", "five years in prison and a fine of 200 euros") is Relation.A_VAGUER
