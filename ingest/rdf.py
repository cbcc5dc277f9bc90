"""The one mapping from records to triples. No other module knows the triple layout.

Layout (see ontology/examples/ for a worked case):
- one named graph per source document (`ids.graph_iri`) holding everything it states;
- the document node with its metadata; people, organisations, places and provisions with
  the names this document gives them (so each graph reads back on its own);
- one node per legal event with its arguments; each event and each entity carries
  evidence: a W3C Web Annotation whose target selects the quote and its offsets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from ingest import ids, resolve
from ingest.dates import precision
from ingest.model import EventRecord, Evidence, Facts, OrganisationRecord, PersonRecord
from ingest.provisions import parse_provision
from ingest.vocab import CG, EVENT_CLASS, OA, ORGANISATION_CLASS, OUTCOME, PERSON_KIND, PREFIXES, SCHEMA, STATUS

_DATE_TYPE = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}


def date_literal(iso: str) -> Literal:
    return Literal(iso, datatype=_DATE_TYPE[precision(iso)])


def new_graph(identifier: URIRef | BNode | None = None) -> Graph:
    g = Graph(identifier=identifier)
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


class _Names:
    """Resolves a name used inside one document to the entity it names there."""

    def __init__(self, facts: Facts) -> None:
        self.people: dict[str, PersonRecord] = {}
        self.organisations: dict[str, OrganisationRecord] = {}
        for p in facts.people:
            for n in p.names():
                self.people.setdefault(n.casefold(), p)
        for o in facts.organisations:
            for n in o.names():
                self.organisations.setdefault(n.casefold(), o)

    def person(self, name: str) -> PersonRecord | None:
        return self.people.get(name.casefold())

    def organisation(self, name: str) -> OrganisationRecord | None:
        return self.organisations.get(name.casefold())


class _Builder:
    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.file = facts.document.file
        self.doc = ids.document_iri(self.file)
        self.g = new_graph(ids.graph_iri(self.file))
        self.names = _Names(facts)

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.g.add((s, p, o))

    # --- entities -------------------------------------------------------------------------
    def person_node(self, p: PersonRecord) -> URIRef:
        return ids.person_iri(p.name)

    def organisation_node(self, o: OrganisationRecord) -> URIRef:
        return ids.organisation_iri(o.name)

    def place(self, name: str) -> URIRef:
        iri = ids.place_iri(name)
        self.add(iri, RDF.type, CG.Place)
        self.add(iri, RDFS.label, Literal(name))
        return iri

    def agent(self, name: str) -> URIRef:
        """An event argument naming a person or body: the listed entity, else a bare agent."""
        person = self.names.person(name)
        if person is not None:
            return self.person_node(person)
        org = self.names.organisation(name)
        if org is not None:
            return self.organisation_node(org)
        iri = ids.agent_iri(name)
        self.add(iri, RDF.type, CG.Agent)
        self.add(iri, RDFS.label, Literal(name))
        return iri

    def location(self, name: str) -> URIRef:
        """A transfer end: a listed facility or organisation, else a place."""
        org = self.names.organisation(name)
        return self.organisation_node(org) if org is not None else self.place(name)

    def subject(self, name: str) -> URIRef:
        person = self.names.person(name)
        if person is not None:
            return self.person_node(person)
        iri = ids.person_iri(name)
        self.add(iri, RDF.type, CG.Person)
        self.add(iri, RDFS.label, Literal(name))
        self.add(iri, CG.mentionedIn, self.doc)
        return iri

    def provision(self, text: str) -> URIRef | Literal:
        parsed = parse_provision(text)
        if parsed is None:
            return Literal(text)
        iri = ids.provision_iri(parsed.code, parsed.article, parsed.part)
        self.add(iri, RDF.type, CG.LegalProvision)
        self.add(iri, RDFS.label, Literal(parsed.label))
        self.add(iri, CG.code, Literal(parsed.code))
        self.add(iri, CG.article, Literal(parsed.article))
        if parsed.part:
            self.add(iri, CG.part, Literal(parsed.part))
        return iri

    def evidence(self, about: URIRef, evidence: Iterable[Evidence]) -> None:
        for ev in evidence:
            ann = ids.evidence_iri(str(about), ev.quote, ev.start, ev.end)
            target = URIRef(f"{ann}#target")
            quote = URIRef(f"{ann}#quote")
            position = URIRef(f"{ann}#position")
            self.add(about, CG.evidence, ann)
            self.add(ann, RDF.type, OA.Annotation)
            self.add(ann, RDF.type, CG.Evidence)
            self.add(ann, OA.motivatedBy, OA.identifying)
            self.add(ann, OA.hasBody, about)
            self.add(ann, OA.hasTarget, target)
            self.add(ann, CG.method, Literal(ev.method))
            if ev.rule:
                self.add(ann, CG.rule, Literal(ev.rule))
            if ev.confidence is not None:
                self.add(ann, CG.confidence, Literal(round(ev.confidence, 3), datatype=XSD.decimal))
            self.add(target, RDF.type, OA.SpecificResource)
            self.add(target, OA.hasSource, self.doc)
            self.add(target, OA.hasSelector, quote)
            self.add(target, OA.hasSelector, position)
            self.add(quote, RDF.type, OA.TextQuoteSelector)
            self.add(quote, OA.exact, Literal(ev.quote))
            self.add(position, RDF.type, OA.TextPositionSelector)
            self.add(position, OA.start, Literal(ev.start, datatype=XSD.nonNegativeInteger))
            self.add(position, OA.end, Literal(ev.end, datatype=XSD.nonNegativeInteger))

    def same_as(self, kind: str, name: str, iri: URIRef) -> None:
        """Reviewed resolution decisions (data/resolver.tsv): the IRIs the group's other names
        would mint are owl:sameAs this one, so links made before the decision still resolve."""
        for other in resolve.same_as_iris(kind, name, lambda key: str(ids.key_iri(kind, key))):
            self.add(URIRef(other), OWL.sameAs, iri)

    # --- records --------------------------------------------------------------------------
    def document(self) -> None:
        d = self.facts.document
        doc = self.doc
        self.add(doc, RDF.type, CG.Document)
        self.add(doc, CG.fileName, Literal(d.file))
        self.add(doc, CG.namedGraph, ids.graph_iri(d.file))
        self.add(doc, CG.extraction, CG.Curated if d.curated else CG.Automatic)
        for name in d.publishers:
            self.add(doc, CG.publisherName, Literal(name))
            org = self.names.organisation(name)
            if org is not None:
                self.add(doc, DCTERMS.publisher, self.organisation_node(org))
        if d.published:
            self.add(doc, DCTERMS.issued, date_literal(d.published))
        if d.reference:
            self.add(doc, CG.referenceCode, Literal(d.reference))
        if d.language:
            self.add(doc, DCTERMS.language, Literal(d.language))
        if d.source_url:
            self.add(doc, SCHEMA.url, Literal(d.source_url, datatype=XSD.anyURI))
        if d.title:
            self.add(doc, DCTERMS.title, Literal(d.title))
        if d.content_hash:
            self.add(doc, CG.contentHash, Literal(d.content_hash))
        if d.licence:
            self.add(doc, DCTERMS.license, URIRef(d.licence))
        if d.text_public:
            self.add(doc, CG.textPublic, Literal(True))
        if d.text is not None:
            self.add(doc, SCHEMA.text, Literal(d.text))

    def person(self, p: PersonRecord) -> None:
        iri = self.person_node(p)
        self.add(iri, RDF.type, CG.Person)
        self.add(iri, RDFS.label, Literal(p.name))
        self.same_as("person", p.name, iri)
        for alias in p.aliases:
            self.add(iri, SKOS.altLabel, Literal(alias))
        self.add(iri, CG.personKind, PERSON_KIND[p.kind])
        for role in p.roles:
            self.add(iri, CG.role, Literal(role))
        if p.organisation:
            org = self.names.organisation(p.organisation)
            if org is not None:
                self.add(iri, CG.affiliation, self.organisation_node(org))
            else:
                self.add(iri, CG.affiliationName, Literal(p.organisation))
        if p.position:
            self.add(iri, CG.position, Literal(p.position))
        if p.residence:
            self.add(iri, CG.residence, self.place(p.residence))
        self.add(iri, CG.mentionedIn, self.doc)
        self.evidence(iri, p.evidence)

    def organisation(self, o: OrganisationRecord) -> None:
        iri = self.organisation_node(o)
        self.same_as("organisation", o.name, iri)
        self.add(iri, RDF.type, CG.Organisation)
        self.add(iri, RDF.type, ORGANISATION_CLASS[o.kind])
        self.add(iri, RDFS.label, Literal(o.name))
        for alias in o.aliases:
            self.add(iri, SKOS.altLabel, Literal(alias))
        if o.place:
            self.add(iri, CG.place, self.place(o.place))
        self.add(iri, CG.mentionedIn, self.doc)
        self.evidence(iri, o.evidence)

    def event(self, e: EventRecord, iri: URIRef) -> None:
        self.add(iri, RDF.type, CG.LegalEvent)
        self.add(iri, RDF.type, EVENT_CLASS[e.type])
        self.add(iri, CG.source, self.doc)
        self.add(iri, CG.status, STATUS[e.status])
        for name in e.people:
            self.add(iri, CG.subject, self.subject(name))
        if e.date:
            self.add(iri, CG.date, date_literal(e.date))
        if e.place:
            self.add(iri, CG.place, self.place(e.place))
        if e.authority:
            self.add(iri, CG.actor, self.agent(e.authority))
        if e.judge:
            self.add(iri, CG.judge, self.agent(e.judge))
        if e.from_:
            self.add(iri, CG.fromLocation, self.location(e.from_))
        if e.to:
            self.add(iri, CG.toLocation, self.location(e.to))
        for text in e.provisions:
            self.add(iri, CG.provision, self.provision(text))
        for text in e.replaces:
            self.add(iri, CG.replaces, self.provision(text))
        if e.outcome:
            self.add(iri, CG.outcome, OUTCOME[e.outcome])
        if e.penalty:
            self.add(iri, CG.penalty, Literal(e.penalty))
        self.evidence(iri, e.evidence)

    def build(self) -> Graph:
        self.document()
        for p in self.facts.people:
            self.person(p)
        for o in self.facts.organisations:
            self.organisation(o)
        for e, iri in zip(self.facts.events, self.event_iris(), strict=True):
            self.event(e, iri)
        return self.g

    def event_iris(self) -> list[URIRef]:
        """One IRI per event record, in order: a hash of what it states, numbered among
        records that state the same thing."""
        seen: Counter[str] = Counter()
        iris = []
        for e in self.facts.events:
            people = "|".join(sorted(str(self.subject(n)) for n in e.people))
            signature = "|".join((e.type, people, e.date or "", e.status, e.from_ or "", e.to or ""))
            seen[signature] += 1
            iris.append(ids.event_iri(self.file, f"{signature}#{seen[signature]}"))
        return iris


def event_iris(facts: Facts) -> list[URIRef]:
    """The IRIs `facts_to_graph` gives the events of `facts`, in the order of `facts.events`."""
    return _Builder(facts).event_iris()


def facts_to_graph(facts: Facts) -> Graph:
    """One document's facts as its named graph (the graph's identifier is its IRI)."""
    return _Builder(facts).build()
