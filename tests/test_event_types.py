"""The registry of event types (ingest/data/event_types.yaml) is the one list of types: the
model, the vocabulary, the ontology, the extractor's patterns and the fusion rules agree with
it, and a broken registry or patterns file is refused naming the file and the key."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import Graph
from rdflib.namespace import RDF, RDFS

from ingest import event_types
from ingest.errors import InputError
from ingest.event_types import REGISTRY_FILE, parse_registry, registry, types_taking, types_where
from ingest.extract.events.patterns import parse_event_rules
from ingest.extract.resources import DATA, DataFileError, event_rules
from ingest.model import EVENT_TYPES, ORGANISATION_KINDS
from ingest.vocab import CG, EVENT_CLASS, ORGANISATION_CLASS

ROOT = Path(__file__).resolve().parent.parent
FORMAT = ROOT.parent / "shared" / "gold" / "FORMAT.md"


def shipped() -> dict[str, Any]:
    return yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))


def test_model_and_vocabulary_are_derived_from_the_registry() -> None:
    assert EVENT_TYPES == tuple(registry()) == tuple(shipped()["types"])
    assert list(EVENT_CLASS) == list(EVENT_TYPES)
    assert all(EVENT_CLASS[name] == CG[t.class_name] for name, t in registry().items())
    assert set(ORGANISATION_CLASS) == set(ORGANISATION_KINDS)


def test_registry_classes_are_the_ontologys_event_classes() -> None:
    ontology = Graph().parse(ROOT / "ontology" / "casegraph.ttl", format="turtle")
    declared = {str(c) for c in ontology.subjects(RDFS.subClassOf, CG.LegalEvent)}
    assert declared == {str(c) for c in EVENT_CLASS.values()}
    for cls in EVENT_CLASS.values():
        assert (cls, RDF.type, None) in ontology


@pytest.mark.skipif(not FORMAT.exists(), reason="../shared/gold/FORMAT.md is not beside the project")
def test_registry_types_are_the_types_of_format_md() -> None:
    table = FORMAT.read_text(encoding="utf-8").split("Event types", 1)[1].split("## Scoring", 1)[0]
    listed = re.findall(r"^\| ([a-z-]+) \|", table, re.M)
    assert [t for t in listed if t != "type"] == list(EVENT_TYPES)  # "type" heads the table


def test_every_type_has_trigger_patterns() -> None:
    rules = parse_event_rules(event_rules(), "events.yaml").rules
    assert {r.type for r in rules} == set(EVENT_TYPES)


def test_the_extractors_type_sets_read_the_registry() -> None:
    assert types_where(state=True) == {"pretrial-detention", "house-arrest", "administrative-detention"}
    assert types_where(verdict=True) == {"conviction", "sentence", "acquittal"}
    assert types_taking("to") == types_taking("from") == {"transfer"}
    assert types_taking("outcome") == {"appeal-decision"}
    assert "judge" not in registry()["arrest"].arguments
    assert registry()["appeal-filed"].authority_role == "addressee"
    assert registry()["arrest"].authority_kinds == ("state-body",)
    with pytest.raises(KeyError):
        types_taking("venue")


def _broken(edit: Any) -> dict[str, Any]:
    data = copy.deepcopy(shipped())
    edit(data)
    return data


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda d: d.update(version=2), "version"),
        (lambda d: d.update(kinds=[]), "kinds: unknown key"),
        (lambda d: d["types"].update({"Deportation": d["types"]["arrest"]}), "'Deportation' is not a type name"),
        (lambda d: d["types"]["arrest"].update(klass="Arrest"), "types.arrest.klass: unknown key"),
        (lambda d: d["types"]["arrest"].update({"class": "arrest"}), "types.arrest.class"),
        (lambda d: d["types"]["charge"].update({"class": "Arrest"}), "Arrest is already the class of arrest"),
        (lambda d: d["types"]["arrest"].update(arguments=["place", "venue"]), "types.arrest.arguments: 'venue'"),
        (lambda d: d["types"]["arrest"]["authority"].update(kinds=["police"]), "types.arrest.authority.kinds"),
        (lambda d: d["types"]["arrest"]["authority"].update(role="boss"), "types.arrest.authority.role"),
        (lambda d: d["types"]["arrest"].update(state="yes"), "types.arrest.state"),
        (lambda d: d["types"]["arrest"].update(proceeding="main"), "types.arrest.proceeding"),
        (lambda d: d["types"]["arrest"].update(arguments=["place"]), "types.arrest.authority: names authority"),
        (lambda d: d["types"]["arrest"].pop("description"), "types.arrest.description"),
    ],
)
def test_a_broken_registry_names_the_file_and_key(edit: Any, problem: str) -> None:
    with pytest.raises(InputError) as err:
        parse_registry(_broken(edit), "event_types.yaml")
    assert err.value.source == "event_types.yaml"
    assert problem in err.value.problem


def test_an_unreadable_registry(tmp_path: Path) -> None:
    bad = tmp_path / "event_types.yaml"
    bad.write_text("types: [unclosed", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        event_types.read_registry(bad)
    with pytest.raises(InputError, match="cannot read"):
        event_types.read_registry(tmp_path / "missing.yaml")


def _rules_with(edit: Any) -> dict[str, Any]:
    data = copy.deepcopy(yaml.safe_load((DATA / "events.yaml").read_text(encoding="utf-8")))
    edit(data["rules"])
    return data


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda rules: rules[0].update(type="pretrial-detension"), "type: 'pretrial-detension' is not an event type"),
        (lambda rules: rules[0].update(kind="arrest"), "unknown key 'kind'"),
        (lambda rules: rules.append(dict(rules[0])), "is used by an earlier rule"),
        (
            lambda rules: rules.append({"type": "arrest", "id": "x.outcome", "pattern": "x", "outcome": "upheld"}),
            "outcome",
        ),
        (lambda rules: rules.append({"type": "arrest", "id": "x.penalty", "pattern": "x", "penalty": True}), "penalty"),
        (
            lambda rules: rules.append({"type": "arrest", "id": "x.status", "pattern": "x", "status": "feared"}),
            "status",
        ),
        (
            lambda rules: rules.append({"type": "arrest", "id": "x.bad", "pattern": "(unclosed"}),
            "bad regular expression",
        ),
        (lambda rules: rules.append({"type": "arrest", "pattern": "x"}), "every rule needs an id"),
    ],
)
def test_a_typo_in_the_patterns_file_is_a_clear_error(edit: Any, problem: str) -> None:
    with pytest.raises(DataFileError) as err:
        parse_event_rules(_rules_with(edit), "/data/extract/events.yaml")
    message = str(err.value)
    assert message.startswith("/data/extract/events.yaml: rules[")
    assert problem in message


def test_a_new_type_needs_only_the_registry_and_its_patterns() -> None:
    """A type added to the registry is accepted by the patterns file at once (its ontology
    class and shape are checked by tests/test_ontology.py)."""
    data = shipped()
    data["types"]["deportation"] = {
        "class": "Deportation",
        "description": "expelled from the country",
        "arguments": ["place", "authority"],
        "authority": {"kinds": ["state-body"], "role": "agent"},
        "proceeding": "step",
    }
    extended = parse_registry(data, "event_types.yaml")
    assert list(extended)[-1] == "deportation"
    assert extended["deportation"].takes("place")
    patterns = _rules_with(lambda rules: rules.append({"type": "deportation", "id": "deported", "pattern": "deported"}))
    rules = parse_event_rules(patterns, "events.yaml", extended).rules
    assert rules[-1].type == "deportation"
    with pytest.raises(DataFileError, match="'deportation' is not an event type"):
        parse_event_rules(patterns, "events.yaml")
