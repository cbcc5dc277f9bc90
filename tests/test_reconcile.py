"""The reconciliation service (W3C Entity Reconciliation API 0.2, issue 12 item 5) through a
real `casegraph serve`: the manifest, a batch as OpenRefine sends it (form-encoded POST), the
same batch by GET, romanisation variants found and auto-matched, types and the `kind` property
honoured, suggest, the preview card (framed by OpenRefine), and the refusals of a public
endpoint (bad JSON, too many or too long queries, unknown types)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.curated.reconcile import MAX_QUERIES, MAX_QUERY_LENGTH
from ingest.store.embedded import EmbeddedStore
from tests.api_support import DEFENDER, DEFENDER_OTHER_SPELLING, fill
from tests.serving import running_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("reconcile") / "store"
    store = fill(EmbeddedStore(path))
    store.flush()
    store.close()
    with running_server(path, "--workers", "1") as base:
        yield base


# What OpenRefine 3.x posts for a column of names reconciled against type Person, with a
# second column sent as a property, and a second query without a type.
OPENREFINE_BATCH = {
    "q0": {
        "query": "Max Bokayev",
        "type": "Person",
        "type_strict": "should",
        "limit": 3,
        "properties": [{"pid": "kind", "v": "defender"}],
    },
    "q1": {"query": DEFENDER_OTHER_SPELLING, "type": "Person", "type_strict": "should", "limit": 3},
    "q2": {"query": "Northbridge District Court", "type": "Court", "type_strict": "should"},
    "q3": {"query": "Nobody Atall Zzyzx"},
}


def _post(base: str, batch: Any) -> httpx.Response:
    return httpx.post(f"{base}/reconcile", data={"queries": json.dumps(batch)}, timeout=30)


def test_the_manifest_names_the_spaces_types_view_and_suggest(server: str) -> None:
    manifest = httpx.get(f"{server}/reconcile", timeout=10).json()
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"].endswith("/id/") and manifest["schemaSpace"].endswith("/ontology#")
    assert [t["id"] for t in manifest["defaultTypes"]] == ["Person", "Organisation", "Court"]
    assert manifest["view"]["url"] == f"{server}/id/{{{{id}}}}"
    assert manifest["preview"] == {"url": f"{server}/reconcile/preview?id={{{{id}}}}", "width": 430, "height": 200}
    suggest = manifest["suggest"]["entity"]
    found = httpx.get(f"{suggest['service_url']}{suggest['service_path']}", params={"prefix": "North"}, timeout=10)
    assert any(r["name"] == "Northbridge District Court" for r in found.json()["result"])


def test_an_openrefine_batch_finds_romanisation_variants_and_auto_matches_them(server: str) -> None:
    response = _post(server, OPENREFINE_BATCH)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer) == set(OPENREFINE_BATCH)
    [bokaev, *_] = answer["q0"]["result"]
    assert bokaev["name"] == "Maks Bokaev" and bokaev["match"] is True and bokaev["score"] == 100
    assert bokaev["type"] == [{"id": "Person", "name": "Person"}]
    # The id fills the manifest's view template: the entity page answers there.
    assert httpx.get(f"{server}/id/{bokaev['id']}", timeout=10).status_code == 200
    # Two spellings that resolution merged: one candidate, the survivor.
    [markovich] = [r for r in answer["q1"]["result"] if r["match"]]
    assert markovich["name"] == DEFENDER
    [court, *_] = answer["q2"]["result"]
    assert court["name"] == "Northbridge District Court" and court["type"][0]["id"] == "Court"
    assert all(r["type"][0]["id"] == "Court" for r in answer["q2"]["result"])
    assert answer["q3"]["result"] == []
    # The same batch by GET gives the same answer.
    by_get = httpx.get(f"{server}/reconcile", params={"queries": json.dumps(OPENREFINE_BATCH)}, timeout=30)
    assert by_get.json() == answer


def test_types_and_the_kind_property_narrow_the_candidates(server: str) -> None:
    answer = _post(
        server,
        {
            "person": {"query": "Northbridge District Court", "type": "Person"},
            "authority": {"query": "Max Bokayev", "properties": [{"pid": "kind", "v": "authority"}], "type": "Person"},
            "any": {"query": "Markovich", "limit": 1},
        },
    ).json()
    assert all(r["type"][0]["id"] == "Person" for r in answer["person"]["result"])
    assert answer["authority"]["result"] == []
    assert len(answer["any"]["result"]) == 1
    # A partial name scores, but only a whole name up to romanisation is a match.
    assert answer["any"]["result"][0]["match"] is False


@pytest.mark.parametrize(
    ("queries", "says"),
    [
        ("{not json", "queries is not JSON"),
        ("[1, 2]", "queries must be a JSON object"),
        (json.dumps({"q0": {"type": "Person"}}), 'needs "query"'),
        (json.dumps({"q0": {"query": "x" * (MAX_QUERY_LENGTH + 1)}}), f"longer than {MAX_QUERY_LENGTH}"),
        (json.dumps({f"q{i}": {"query": "Ana"} for i in range(MAX_QUERIES + 1)}), f"at most {MAX_QUERIES} queries"),
        (json.dumps({"q0": {"query": "Ana", "type": "Vessel"}}), "type 'Vessel' is not one of"),
        (json.dumps({"q0": {"query": "Ana", "limit": "ten"}}), "limit must be a positive integer"),
    ],
)
def test_a_bad_batch_is_refused_with_a_clear_400(server: str, queries: str, says: str) -> None:
    for response in (
        httpx.post(f"{server}/reconcile", data={"queries": queries}, timeout=10),
        httpx.get(f"{server}/reconcile", params={"queries": queries}, timeout=10),
    ):
        assert response.status_code == 400, response.text
        assert says in response.json()["error"]


def test_a_limit_past_the_cap_is_cut_to_it(server: str) -> None:
    answer = _post(server, {"q0": {"query": "Court", "limit": 10_000}}).json()
    assert len(answer["q0"]["result"]) <= 25


def _preview(server: str, entity_id: str) -> httpx.Response:
    return httpx.get(f"{server}/reconcile/preview", params={"id": entity_id}, timeout=10)


def test_a_candidate_has_a_preview_card_other_sites_may_frame(server: str) -> None:
    answer = _post(server, OPENREFINE_BATCH).json()
    markovich = next(r for r in answer["q1"]["result"] if r["match"])
    card = _preview(server, markovich["id"])
    assert card.status_code == 200 and card.headers["content-type"].startswith("text/html")
    assert f"<h1>{DEFENDER}</h1>" in card.text
    # The other spelling resolution folded into him is listed; the IRI links out of the frame.
    assert DEFENDER_OTHER_SPELLING in card.text and "defender" in card.text
    assert f'href="/id/{markovich["id"]}" target="_blank"' in card.text
    # OpenRefine frames it from its own origin: this path alone lifts the frame ban.
    assert "x-frame-options" not in card.headers
    csp = card.headers["content-security-policy"]
    assert "frame-ancestors *" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    court = _preview(server, answer["q2"]["result"][0]["id"])
    assert court.status_code == 200 and "Northbridge District Court" in court.text and "Court" in court.text
    page = httpx.get(f"{server}/id/{markovich['id']}", headers={"Accept": "text/html"}, timeout=10)
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


@pytest.mark.parametrize("entity_id", ["person/nobody-at-all", "document/x", "../../etc/passwd", "person/"])
def test_a_preview_of_no_such_candidate_is_404(server: str, entity_id: str) -> None:
    response = _preview(server, entity_id)
    assert response.status_code == 404
    assert "x-frame-options" not in response.headers  # the frame shows the refusal too


def test_a_preview_without_an_id_is_refused(server: str) -> None:
    assert httpx.get(f"{server}/reconcile/preview", timeout=10).status_code == 422
