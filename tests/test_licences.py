"""Licences per source (issue 13 item 7): a sidecar's `licence:` and `text:` reach the document
node, and the dataset description says the licence of CaseGraph's own statements, each source's
publisher's (or that none is stated), publisher, contact, release and version."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, VOID, XSD

from api.app import create_app
from api.settings import Settings
from api.void import ALL_RIGHTS_RESERVED
from ingest.errors import InputError
from ingest.pipeline import build, checked_graph
from ingest.readers import read_document
from ingest.store.embedded import EmbeddedStore
from ingest.vocab import CG
from tests.serving import ROOT

CORPUS = sorted((ROOT / "data" / "documents").glob("*.txt"))[:2]
CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"
DCAT = "http://www.w3.org/ns/dcat#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
DATASET = URIRef("https://w3id.org/casegraph/dataset")
ID = "https://w3id.org/casegraph/id/"


@pytest.fixture(autouse=True)
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEGRAPH_NLP_MODEL", "none")


def documents(folder: Path) -> list[Path]:
    """Two reports: the first with an open licence that allows its text, the second with none."""
    folder.mkdir()
    copies = [Path(shutil.copy(p, folder)) for p in CORPUS]
    copies[0].with_name(copies[0].stem + ".meta.yaml").write_text(
        f"licence: {CC_BY_SA}\ntext: public\n", encoding="utf-8"
    )
    return copies


def test_the_sidecar_licence_and_text_reach_the_document_node(tmp_path: Path) -> None:
    first, second = documents(tmp_path / "docs")
    assert read_document(first).record.licence == CC_BY_SA
    assert read_document(first).record.text_public is True
    assert read_document(second).record.licence is None and read_document(second).record.text_public is False
    graph = checked_graph(first)[0]  # validated by the shapes
    doc = URIRef(f"{ID}document/{first.stem.replace('_', '-')}")
    assert (doc, DCTERMS.license, URIRef(CC_BY_SA)) in graph
    assert (doc, CG.textPublic, Literal(True)) in graph
    other = checked_graph(second)[0]
    assert not list(other.objects(None, DCTERMS.license)) and not list(other.objects(None, CG.textPublic))


@pytest.mark.parametrize(
    ("sidecar", "problem"),
    [
        ("licence: CC BY 4.0\n", "licence: 'CC BY 4.0' is not an http(s) address"),
        ("text: everything\n", "text: 'everything' must be public"),
        ("licence: [a, b]\n", "licence: must be a non-empty text"),
    ],
)
def test_bad_licence_fields_name_the_sidecar_and_the_field(tmp_path: Path, sidecar: str, problem: str) -> None:
    first, _ = documents(tmp_path / "docs")
    meta = first.with_name(first.stem + ".meta.yaml")
    meta.write_text(sidecar, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_document(first)
    assert caught.value.source == str(meta)
    assert problem in caught.value.problem


@pytest.fixture(scope="module")
def void_graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Graph]:
    root = tmp_path_factory.mktemp("licences")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CASEGRAPH_NLP_MODEL", "none")
        documents(root / "docs")
        store = EmbeddedStore(root / "store")
        assert not build([root / "docs"], store, workers=0).failures
        store.close()
    settings = Settings(
        store=root / "store",
        publisher="Example Human Rights Network",
        contact="data@example.org",
        licence="https://creativecommons.org/licenses/by/4.0/",
        version="1.2.3",
    )
    with TestClient(create_app(settings)) as client:
        r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
        assert r.status_code == 200
        yield Graph().parse(data=r.text, format="turtle")


def test_void_names_publisher_contact_release_version_and_our_licence(void_graph: Graph) -> None:
    g = void_graph
    assert (DATASET, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in g
    (publisher,) = g.objects(DATASET, DCTERMS.publisher)
    assert (publisher, FOAF.name, Literal("Example Human Rights Network")) in g
    (contact,) = g.objects(DATASET, URIRef(DCAT + "contactPoint"))
    assert (contact, URIRef(VCARD + "hasEmail"), URIRef("mailto:data@example.org")) in g
    assert (DATASET, OWL.versionInfo, Literal("1.2.3")) in g
    (issued,) = g.objects(DATASET, DCTERMS.issued)
    assert issued.datatype == XSD.dateTime and (DATASET, DCTERMS.modified, issued) in g


def test_void_gives_each_source_its_publishers_licence_never_ours_by_default(void_graph: Graph) -> None:
    g = void_graph
    sources = {}
    for subset in g.objects(DATASET, VOID.subset):
        for doc in g.objects(subset, DCTERMS.source):
            sources[str(doc).rsplit("/", 1)[-1]] = doc
    first, second = (sources[p.stem.replace("_", "-")] for p in CORPUS)
    assert set(g.objects(first, DCTERMS.license)) == {URIRef(CC_BY_SA)}
    assert (first, CG.textPublic, Literal(True)) in g
    # no licence stated: all rights stay with the publisher, and the text is not published
    assert not list(g.objects(second, DCTERMS.license))
    assert (second, DCTERMS.rights, Literal(ALL_RIGHTS_RESERVED, lang="en")) in g
    assert (second, CG.textPublic, Literal(False)) in g
    assert list(g.objects(first, DCTERMS.publisher)) or list(g.objects(second, DCTERMS.publisher))
