"""JSON-LD: the published context (a term per ontology class and property, with coercions),
its bundled copy, and the server's JSON-LD round-tripping through pyld and rdflib to exactly
the triples of the Turtle of the same IRI; `casegraph validate` reads it offline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.compare import to_isomorphic
from rdflib.namespace import OWL, RDF

from api.app import create_app
from api.settings import Settings
from casegraph.cli import main
from ingest.jsonld_context import CONTEXT_IRI, build_context, bundled_context, render_context
from ingest.jsonld_write import compact
from ingest.store import Store
from ingest.validate import ontology_graph, shapes_graph
from ingest.vocab import CG, ID
from tests.api_support import api_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def store() -> Store:
    return api_store()


@pytest.fixture(scope="module")
def client(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(Settings(store=tmp_path_factory.mktemp("unused") / "store"))
    app.state.store = store
    yield TestClient(app)


def _loader(url: str, options: Any = None) -> dict[str, Any]:
    """pyld's document loader: the project's context from the bundled copy, nothing else."""
    if url != CONTEXT_IRI:
        raise AssertionError(f"pyld tried to fetch {url}")
    return {"contextUrl": None, "documentUrl": url, "document": bundled_context()}


def _entities(store: Store) -> list[str]:
    """Two IRIs of each kind the server describes (person, organisation, event, document...)."""
    by_kind: dict[str, list[str]] = {}
    for row in store.select("SELECT DISTINCT ?s WHERE { ?s a ?c FILTER isIRI(?s) } ORDER BY ?s"):
        iri = row["s"] or ""
        if iri.startswith(str(ID)) and "#" not in iri:
            kind = iri[len(str(ID)) :].rsplit("/", 1)[0]
            found = by_kind.setdefault(kind, [])
            if iri not in found and len(found) < 2:
                found.append(iri)
    return sorted(iri for iris in by_kind.values() for iri in iris)


def test_the_bundled_context_is_the_one_the_ontology_and_shapes_give() -> None:
    built = render_context(build_context(ontology_graph(), shapes_graph()))
    assert (ROOT / "ontology" / "context.jsonld").read_text(encoding="utf-8") == built, (
        "ontology/context.jsonld is stale: run `python -m ingest.jsonld_context`"
    )


def test_every_class_and_property_of_the_ontology_has_a_term() -> None:
    context = bundled_context()["@context"]
    ontology = ontology_graph()
    named = {(v["@id"] if isinstance(v, dict) else v) for v in context.values()}
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for iri in ontology.subjects(RDF.type, kind):
            if isinstance(iri, URIRef) and str(iri).startswith(str(CG)):
                assert "cg:" + str(iri)[len(str(CG)) :] in named, f"no term for {iri}"
    assert context["subject"] == {"@id": "cg:subject", "@type": "@id"}
    assert context["earliestDate"] == {"@id": "cg:earliestDate", "@type": "xsd:date"}
    assert context["sourceCount"] == {"@id": "cg:sourceCount", "@type": "xsd:nonNegativeInteger"}
    # Offsets take xsd:nonNegativeInteger or xsd:integer (a store may keep one as the other): no coercion.
    assert context["start"] == "oa:start"
    assert context["Person"] == "cg:Person" and context["altLabel"] == "skos:altLabel"


def test_the_server_publishes_the_context(client: TestClient) -> None:
    r = client.get("/context.jsonld")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    assert r.json() == bundled_context()


def test_compaction_keeps_datatypes_that_json_numbers_would_lose() -> None:
    from rdflib import Literal
    from rdflib.namespace import XSD

    s = URIRef("https://example.org/sel")
    triples = [
        (s, CG.sourceCount, Literal("4", datatype=XSD.nonNegativeInteger)),
        (s, CG.confidence, Literal("9", datatype=XSD.integer)),  # not the term's type (xsd:decimal)
        (s, CG.earliestDate, Literal("2020-02", datatype=XSD.gYearMonth)),
        (s, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("x", lang="en")),
    ]
    doc = compact(triples, bundled_context()["@context"], bundled_context()["@context"])
    [node] = doc["@graph"]
    assert node["sourceCount"] == "4" and node["cg:confidence"] == {"@value": "9", "@type": "xsd:integer"}
    back = Graph().parse(data=json.dumps(doc), format="json-ld")
    assert set(back) == set(triples)


def test_server_jsonld_round_trips_through_pyld_and_rdflib(client: TestClient, store: Store) -> None:
    entities = _entities(store)
    kinds = {iri[len(str(ID)) :].split("/")[0] for iri in entities}
    assert {"person", "organisation", "document"} <= kinds and len(entities) >= 10
    for iri in entities:
        path = "/id/" + iri[len(str(ID)) :]
        turtle = Graph().parse(data=client.get(path, params={"format": "ttl"}).text, format="turtle")
        doc = client.get(path, headers={"Accept": "application/ld+json"}).json()
        assert doc["@context"] == CONTEXT_IRI
        nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": _loader})
        via_pyld = Graph().parse(data=nquads, format="nt")
        inlined = {**doc, "@context": bundled_context()["@context"]}
        via_rdflib = Graph().parse(data=json.dumps(inlined), format="json-ld")
        assert len(turtle) > 0
        assert to_isomorphic(via_pyld) == to_isomorphic(turtle), f"pyld differs from Turtle for {iri}"
        assert to_isomorphic(via_rdflib) == to_isomorphic(turtle), f"rdflib differs from Turtle for {iri}"


def test_validate_reads_server_jsonld_with_the_bundled_context(
    client: TestClient, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Offline, and with the same verdict as the Turtle of the same IRI."""
    for n, iri in enumerate(_entities(store)):
        path = "/id/" + iri[len(str(ID)) :]
        as_jsonld = tmp_path / f"{n}.jsonld"
        as_jsonld.write_bytes(client.get(path, headers={"Accept": "application/ld+json"}).content)
        as_turtle = tmp_path / f"{n}.ttl"
        as_turtle.write_bytes(client.get(path, params={"format": "ttl"}).content)
        code = main(["validate", "--format", "json", str(as_jsonld), str(as_turtle)])
        report = json.loads(capsys.readouterr().out)
        assert code in (0, 1), report
        jsonld_file, turtle_file = report["files"]
        assert jsonld_file["usable"] and jsonld_file["results"] == turtle_file["results"]
        if n > 4:
            break


def test_validate_exits_0_on_conforming_jsonld_that_names_the_context(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = Graph().parse(ROOT / "ontology" / "examples" / "veloria-case.trig", format="trig")
    doc = compact(example, bundled_context()["@context"], CONTEXT_IRI)
    path = tmp_path / "veloria.jsonld"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    assert "conforms" in capsys.readouterr().out
    doc["@context"] = [CONTEXT_IRI, "https://example.org/other-context.jsonld"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["validate", str(path)]) == 2  # any other remote context is still refused
    assert "other-context.jsonld" in capsys.readouterr().err
