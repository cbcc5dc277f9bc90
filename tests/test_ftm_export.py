"""FollowTheMoney export (issue 12 item 4): the sample corpus built with `casegraph build` and
exported with `casegraph export --format ftm`, read back with the followthemoney package: every
line an FtM entity that round-trips and validates, every link pointing at an exported entity,
the known people, courts and events with the properties the mapping promises, ids stable."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model
from followthemoney.util import make_entity_id

from casegraph.cli import main
from ingest.ftm.mapping import MAPPING, MappingError, load_mapping
from ingest.vocab import ID

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("ftm")
    store = folder / "store"
    assert main(["build", "--store", str(store), "--workers", "1", str(ROOT / "data" / "documents")]) == 0
    first, second = folder / "one.jsonl", folder / "two.jsonl"
    assert main(["export", "--store", str(store), "--format", "ftm", "--out", str(first)]) == 0
    assert main(["export", "--store", str(store), "--format", "ftm", "--out", str(second)]) == 0
    return store, first, second


def _entities(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _named(entities: list[dict[str, Any]], schema: str, name: str) -> dict[str, Any]:
    [found] = [e for e in entities if e["schema"] == schema and name in e["properties"].get("name", [])]
    return found


def test_every_line_is_a_valid_ftm_entity_and_every_link_resolves(exported: tuple[Path, Path, Path]) -> None:
    entities = _entities(exported[1])
    assert len(entities) > 50
    ids = {e["id"] for e in entities}
    assert len(ids) == len(entities), "one entity per id"
    for data in entities:
        proxy = model.get_proxy(data)  # raises on an unknown schema or property
        assert proxy.to_dict() == data, "round trip through followthemoney changes nothing"
        proxy.schema.validate(data)  # raises InvalidData on a bad value
        assert all(proxy.get(p) for p in proxy.schema.required), f"{data['id']} lacks {proxy.schema.required}"
        for prop, values in data["properties"].items():
            if proxy.schema.properties[prop].type.name == "entity":
                assert set(values) <= ids, f"{data['id']}.{prop} points at an entity not exported"
    schemata = {e["schema"] for e in entities}
    assert {"Person", "PublicBody", "Organization", "Event", "Document", "CourtCase", "CourtCaseParty"} <= schemata


def test_people_courts_and_events_carry_what_the_mapping_says(exported: tuple[Path, Path, Path]) -> None:
    entities = _entities(exported[1])
    by_id = {e["id"]: e for e in entities}
    person = _named(entities, "Person", "Maks Bokaev")
    # The fused view's readable IRI names the person; spellings from other sources are aliases.
    assert person["id"] == make_entity_id("casegraph", f"{ID}person/maks-bokaev")
    assert "Max Bokayev" in person["properties"]["alias"]
    assert f"{ID}person/maks-bokaev" in person["properties"]["sourceUrl"]
    assert "human rights defender" in person["properties"]["keywords"]
    proofs = [by_id[p] for p in person["properties"]["proof"]]
    assert len(proofs) >= 4 and all(p["schema"] == "Document" for p in proofs)
    court = _named(entities, "PublicBody", "Atyrau City Court No. 2")
    assert "gov.judicial" in court["properties"]["topics"]
    judge = _named(entities, "Person", "Gulnara Dauleshova")
    assert "role.judge" in judge["properties"]["topics"]
    [sentence] = [
        e
        for e in entities
        if e["schema"] == "Event"
        and "sentence" in e["properties"].get("keywords", [])
        and person["id"] in e["properties"]["involved"]
        and e["properties"].get("date") == ["2016-11-28"]
    ]
    props = sentence["properties"]
    assert props["date"] == ["2016-11-28"]
    assert person["id"] in props["involved"] and judge["id"] in props["involved"]
    assert props["organizer"] == [court["id"]]
    assert any("five years" in s for s in props["summary"]) and any("Criminal Code" in s for s in props["summary"])
    assert "“" in props["description"][0], "the quotes the sources give"
    assert len(props["proof"]) == 3
    # Where the sources disagree (a date, say) the event says so.
    described = [e for e in entities if e["schema"] == "Event" and "Sources disagree" in str(e["properties"])]
    assert described
    case = _named(entities, "CourtCase", "Proceeding against Maks Bokaev, Talgat Ayanov (2016–2017)")
    parties = [e for e in entities if e["schema"] == "CourtCaseParty" and e["properties"]["case"] == [case["id"]]]
    roles = {(p["properties"]["party"][0], p["properties"]["role"][0]) for p in parties}
    assert (person["id"], "defendant") in roles and (court["id"], "involved") in roles
    assert "Atyrau City Court No. 2" in case["properties"]["court"]


def test_ids_and_bytes_are_the_same_in_two_exports(exported: tuple[Path, Path, Path]) -> None:
    _, first, second = exported
    assert first.read_bytes() == second.read_bytes()


def test_without_followthemoney_the_export_says_what_to_install(exported: tuple[Path, Path, Path]) -> None:
    store = exported[0]
    code = (
        "import sys; sys.modules['followthemoney'] = None\n"
        "from casegraph.cli import main\n"
        f"sys.exit(main(['export', '--store', {str(store)!r}, '--format', 'ftm', '--out', '-']))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2
    assert "needs the followthemoney package" in result.stderr and "casegraph[ftm]" in result.stderr
    assert result.stdout == ""


def test_a_mapping_naming_what_ftm_lacks_is_refused_with_the_file_and_entry(tmp_path: Path) -> None:
    bad = tmp_path / "mapping.yaml"
    bad.write_text(
        MAPPING.read_text(encoding="utf-8").replace("{property: position, only", "{property: rank, only"),
        encoding="utf-8",
    )
    with pytest.raises(MappingError, match=r"mapping\.yaml: entity 'agent', 'position': FtM schema Person has no"):
        load_mapping(bad)
    assert load_mapping().entities, "the shipped mapping loads"


def test_a_date_known_to_the_month_or_year_keeps_its_precision(tmp_path: Path) -> None:
    from ingest.ftm.export import entities
    from ingest.store.embedded import EmbeddedStore
    from ingest.store.rdf import Format

    trig = tmp_path / "partial.trig"
    trig.write_text(
        f"""@prefix cg: <https://w3id.org/casegraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{ID}graph/_fused> {{
  <{ID}fused/event/a> a cg:CanonicalEvent ; rdfs:label "arrest of Ana Vell, 2019-06" ;
      cg:eventClass cg:Arrest ; cg:date "2019-06"^^xsd:gYearMonth ; cg:subject <{ID}person/ana-vell> .
  <{ID}fused/event/b> a cg:CanonicalEvent ; rdfs:label "release of Ana Vell, 2020" ;
      cg:eventClass cg:Release ; cg:date "2020"^^xsd:gYear ; cg:subject <{ID}person/ana-vell> .
}}
<{ID}graph/d> {{ <{ID}person/ana-vell> a cg:Person ; rdfs:label "Ana Vell" . }}
""",
        encoding="utf-8",
    )
    store = EmbeddedStore(memory=True)
    store.load_file(trig, Format.TRIG)
    found = {e["properties"]["name"][0]: e for e in entities(store)}
    assert found["arrest of Ana Vell, 2019-06"]["properties"]["date"] == ["2019-06"]
    assert found["release of Ana Vell, 2020"]["properties"]["date"] == ["2020"]
    assert found["release of Ana Vell, 2020"]["properties"]["involved"] == [found["Ana Vell"]["id"]]
