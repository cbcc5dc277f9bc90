"""`casegraph validate` of what a running server serves (issue 12 item 3): the JSON-LD (and
Turtle) description of every resource the server describes conforms, because a description
carries the class and identifying statements of each resource it links through a property
whose shape names a class (ld_describe.rq), and a conflict's claimed values and a sentence's
penalty parts, which are part of it. Through `casegraph serve` and the real command line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ingest.store.embedded import EmbeddedStore
from ingest.vocab import CG, ID
from tests.api_support import fill
from tests.serving import ROOT, running_server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    path: Path = tmp_path_factory.mktemp("served-jsonld") / "store"
    store = fill(EmbeddedStore(path))
    rows = store.select("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a ?c } FILTER isIRI(?s) }")
    iris = sorted({r["s"] or "" for r in rows if (r["s"] or "").startswith(str(ID)) and "#" not in (r["s"] or "")})
    store.flush()
    store.close()
    with running_server(path, "--workers", "1") as base:
        yield base, iris


def _validate(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "casegraph", "validate", *map(str, files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _fetch(base: str, iri: str, accept: str) -> httpx.Response:
    return httpx.get(f"{base}/id/{iri[len(str(ID)) :]}", headers={"Accept": accept}, timeout=30)


def test_validate_exits_0_on_the_jsonld_and_turtle_the_server_gives_for_every_resource(
    served: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, iris = served
    kinds = {iri[len(str(ID)) :].split("/")[0] for iri in iris}
    assert {"person", "organisation", "event", "document", "place", "provision", "fused", "proceeding"} <= kinds
    files = []
    for n, iri in enumerate(iris):
        for accept, suffix in (("application/ld+json", "jsonld"), ("text/turtle", "ttl")):
            response = _fetch(base, iri, accept)
            if response.status_code == 308:  # a key IRI merged into another: described there
                continue
            assert response.status_code == 200, (iri, response.text)
            path = tmp_path / f"{n:04d}.{suffix}"
            path.write_bytes(response.content)
            files.append(path)
    assert len(files) > 40
    result = _validate(*files)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert f"{len(files)} files: 0 with violations, 0 unusable" in result.stdout


def test_a_description_names_the_class_of_what_it_links_and_only_what_identifies_it(
    served: tuple[str, list[str]],
) -> None:
    base, iris = served
    synthetic = [i for i in iris if "/event/900-synthetic-a-" in i]
    [event] = [i for i in synthetic if "cg:provision" in _fetch(base, i, "text/turtle").text]
    graph = Graph().parse(data=_fetch(base, event, "text/turtle").text, format="turtle")
    me = URIRef(event)
    [document] = graph.objects(me, CG.source)
    [provision] = graph.objects(me, CG.provision)
    people = list(graph.objects(me, CG.subject))
    assert (document, RDF.type, CG.Document) in graph and graph.value(document, CG.fileName) is not None
    assert (provision, RDF.type, CG.LegalProvision) in graph and graph.value(provision, CG.article) is not None
    assert people and all((p, RDF.type, CG.Person) in graph for p in people)
    # The linked document's other statements (its text, title, publishers) stay in its own description.
    assert graph.value(document, URIRef("https://schema.org/text")) is None
    assert graph.value(document, URIRef("http://purl.org/dc/terms/title")) is None
