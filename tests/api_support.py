"""A fixed store for the API, page and example tests: the five gold facts files (so the
expectations do not move while extraction improves) plus two small synthetic documents written
here, from an invented country, that carry quotes with offsets, a name with markup in it and
two spellings of one person merged by an owl:sameAs decision, and the fused view built over
them. The example queries run on the gold files alone (gold_store)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from ingest.facts_yaml import read_facts
from ingest.fusion import rebuild_fused_graph
from ingest.ids import person_iri
from ingest.model import DocumentRecord, EventRecord, Evidence, Facts, OrganisationRecord, PersonRecord
from ingest.rdf import facts_to_graph
from ingest.store.embedded import EmbeddedStore
from ingest.texts import replace_document
from ingest.vocab import ID

GOLD = Path(__file__).resolve().parent / "fixtures" / "gold"

SCRIPT_NAME = "<script>alert('x')</script> Dara Vell"
DEFENDER = "Jovan Markovich"
DEFENDER_OTHER_SPELLING = "Yovan Markovic"

TEXT_A = (
    "Northbridge, 3 March 2021. Police arrested Jovan Markovich, a lawyer, on 2 March 2021 in Northbridge. "
    "On 5 March 2021 he was charged under Article 212 of the Penal Code. "
    "The Northbridge District Court remanded him on 6 March 2021. "
    f"His colleague {SCRIPT_NAME} was summoned on 4 March 2021."
)
TEXT_B = "Yovan Markovic was moved from Lakeside Remand Centre to Eastfield Colony on 1 April 2021."


def _evidence(text: str, quote: str) -> list[Evidence]:
    start = text.index(quote)
    return [Evidence(quote=quote, start=start, end=start + len(quote), method="rule", rule="test-fixture")]


def synthetic_facts() -> list[Facts]:
    a = Facts(
        document=DocumentRecord(
            file="900_synthetic_a.txt",
            publishers=["Veldoria Rights Watch"],
            published="2021-03-07",
            reference="VRW 7/21",
            title="Lawyer arrested in Northbridge",
            text=TEXT_A,
        ),
        people=[
            PersonRecord(
                DEFENDER, kind="defender", roles=["lawyer"], evidence=_evidence(TEXT_A, "Jovan Markovich, a lawyer")
            ),
            PersonRecord(SCRIPT_NAME, kind="defender", roles=["colleague"]),
        ],
        organisations=[
            OrganisationRecord("Northbridge District Court", kind="court", place="Northbridge"),
            OrganisationRecord("Veldoria Rights Watch", kind="ngo"),
        ],
        events=[
            EventRecord(
                "arrest",
                people=[DEFENDER],
                date="2021-03-02",
                place="Northbridge",
                evidence=_evidence(TEXT_A, "Police arrested Jovan Markovich, a lawyer, on 2 March 2021 in Northbridge"),
            ),
            EventRecord(
                "charge",
                people=[DEFENDER],
                date="2021-03-05",
                provisions=["Penal Code 212"],
                evidence=_evidence(TEXT_A, "charged under Article 212 of the Penal Code"),
            ),
            EventRecord(
                "pretrial-detention",
                people=[DEFENDER],
                date="2021-03-06",
                authority="Northbridge District Court",
                evidence=_evidence(TEXT_A, "The Northbridge District Court remanded him on 6 March 2021"),
            ),
            EventRecord("summons", people=[SCRIPT_NAME], date="2021-03-04", evidence=_evidence(TEXT_A, "was summoned")),
        ],
    )
    b = Facts(
        document=DocumentRecord(
            file="901_synthetic_b.txt", publishers=["Veldoria Rights Watch"], published="2021-04-02", text=TEXT_B
        ),
        people=[PersonRecord(DEFENDER_OTHER_SPELLING, kind="defender")],
        organisations=[
            OrganisationRecord("Lakeside Remand Centre", kind="detention-facility"),
            OrganisationRecord("Eastfield Colony", kind="detention-facility"),
        ],
        events=[
            EventRecord(
                "transfer",
                people=[DEFENDER_OTHER_SPELLING],
                date="2021-04-01",
                from_="Lakeside Remand Centre",
                to="Eastfield Colony",
                evidence=_evidence(TEXT_B, "moved from Lakeside Remand Centre to Eastfield Colony"),
            )
        ],
    )
    return [a, b]


def resolver_graph() -> Graph:
    """A reviewed identity decision, published as owl:sameAs the way resolution does."""
    g = Graph(identifier=URIRef(str(ID["graph/resolver"])))
    g.add((person_iri(DEFENDER_OTHER_SPELLING), OWL.sameAs, person_iri(DEFENDER)))
    return g


def fill(store: EmbeddedStore, *, synthetic: bool = True) -> EmbeddedStore:
    for path in sorted(GOLD.glob("*.yaml")):
        replace_document(store, facts_to_graph(read_facts(path)))
    if synthetic:
        for facts in synthetic_facts():
            replace_document(store, facts_to_graph(facts))
        store.replace_graph(resolver_graph())
        # As `casegraph build` does after every build: the fused view (canonical events,
        # conflicts), which the person pages and timelines show.
        rebuild_fused_graph(store)
    return store


def gold_store() -> EmbeddedStore:
    """The five gold files only (the example queries' expectations rest on these)."""
    return fill(EmbeddedStore(memory=True), synthetic=False)


def api_store() -> EmbeddedStore:
    return fill(EmbeddedStore(memory=True))
