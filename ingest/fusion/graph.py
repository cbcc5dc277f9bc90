"""The fused view as triples: the one module that knows the fused graph's layout.

Layout (terms in ontology/fusion.ttl):
- a cg:CanonicalEvent per real-world act: cg:eventClass (cg:Transfer...), cg:status, the
  agreed or chosen argument values under the same properties the claims use (cg:date,
  cg:subject, cg:toLocation...), cg:earliestDate/cg:latestDate (the span the sources give),
  prov:wasDerivedFrom each claim, cg:attestedIn each document, cg:inProceeding;
- a cg:Conflict per disputed property: cg:conflictAbout the event or entity,
  cg:disputedProperty, cg:chosenValue (absent on a tie), cg:resolution, and one
  cg:ClaimedValue per (value, document): cg:value, cg:statedIn, prov:wasDerivedFrom the
  stating node, cg:quote for each evidence quote, cg:lessPrecise for a vaguer form;
- cg:publishedAs from a person's minted (fold key) IRI to the readable IRI they are served
  under, with owl:sameAs back and the person's fullest name as its label; everywhere else
  in the fused graph a person is named by that readable IRI;
- a cg:Proceeding per prosecution: cg:defendant, cg:involves (judges, courts, bodies,
  facilities), cg:earliestDate/cg:latestDate; its events point to it with cg:inProceeding.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, XSD

from ingest import ids
from ingest.fusion.fuse import CanonicalEvent, Conflict, Fusion, Proceeding
from ingest.fusion.penalties import part_kind
from ingest.fusion.rules import Rules
from ingest.fusion.values import Statement, Value, ValueGroup
from ingest.rdf import new_graph
from ingest.vocab import CG, EVENT_CLASS, STATUS

FUSED_GRAPH = ids.fused_graph_iri()
# Arguments whose values are agents or places a proceeding involves.
_INVOLVED = ("actor", "judge", "place", "fromLocation", "toLocation")


def _term(value: Value) -> URIRef | Literal:
    if value.is_iri:
        return URIRef(value.key)
    if value.datatype:
        return Literal(value.key, datatype=URIRef(value.datatype))
    return Literal(value.key)


def _terms(value: Value) -> list[URIRef | Literal]:
    """A set value (provisions) is several terms; any other value one."""
    if value.parts:
        return [URIRef(p[0]) if p[0].startswith(("http://", "https://")) else Literal(p[0]) for p in value.parts]
    return [_term(value)]


def _event_label(e: CanonicalEvent, names: dict[str, str]) -> str:
    people = ", ".join(names.get(s, s.rsplit("/", 1)[-1]) for s in e.subjects)
    when = e.date or (f"{e.earliest} to {e.latest}" if e.earliest and e.earliest != e.latest else e.earliest)
    planned = " (planned)" if e.status == "planned" else ""
    return f"{e.type}{planned} of {people or 'unnamed people'}, {when or 'undated'}"


def _add_event(g: Graph, e: CanonicalEvent, names: dict[str, str], rules: Rules) -> None:
    node = URIRef(e.iri)
    g.add((node, RDF.type, CG.CanonicalEvent))
    g.add((node, RDFS.label, Literal(_event_label(e, names))))
    g.add((node, CG.eventClass, EVENT_CLASS[e.type]))
    g.add((node, CG.status, STATUS[e.status]))
    for s in e.subjects:
        g.add((node, CG.subject, URIRef(s)))
    for c in e.claims:
        g.add((node, PROV.wasDerivedFrom, URIRef(c.iri)))
        g.add((node, CG.attestedIn, URIRef(c.document)))
    g.add((node, CG.sourceCount, Literal(len(e.documents), datatype=XSD.nonNegativeInteger)))
    if e.earliest and e.latest:
        g.add((node, CG.earliestDate, Literal(e.earliest, datatype=XSD.date)))
        g.add((node, CG.latestDate, Literal(e.latest, datatype=XSD.date)))
    for prop, resolution in sorted(e.values.items()):
        value = resolution.event_value
        if value is not None:
            for term in _terms(value):
                g.add((node, CG[prop], term))
        for index, part in enumerate(resolution.parts, start=1):
            _add_penalty_part(g, node, part, index, rules)


def _add_penalty_part(g: Graph, event: URIRef, part: ValueGroup, index: int, rules: Rules) -> None:
    """One agreed part of the event's penalty (a prison term, a fine...): its kind, its
    words, and every document and claim that states it (with their quotes)."""
    node = URIRef(f"{event}#penalty-{index}")
    g.add((event, CG.penaltyPart, node))
    g.add((node, RDF.type, CG.PenaltyPart))
    g.add((node, RDFS.label, Literal(part.value.label)))
    g.add((node, CG.penaltyKind, Literal(part_kind(part.value.label, rules))))
    for st in sorted(part.statements, key=lambda s: (s.document, s.claim)):
        g.add((node, CG.statedIn, URIRef(st.document)))
        g.add((node, PROV.wasDerivedFrom, URIRef(st.claim)))


def _add_statement(g: Graph, conflict: URIRef, st: Statement, index: int, less_precise: bool) -> None:
    node = URIRef(f"{conflict}#v{index}")
    g.add((conflict, CG.claimedValue, node))
    g.add((node, RDF.type, CG.ClaimedValue))
    for term in _terms(st.value):
        g.add((node, CG.value, term))
    g.add((node, RDFS.label, Literal(st.value.label)))
    g.add((node, CG.statedIn, URIRef(st.document)))
    g.add((node, PROV.wasDerivedFrom, URIRef(st.claim)))
    for quote in st.quotes:
        g.add((node, CG.quote, Literal(quote)))
    if less_precise:
        g.add((node, CG.lessPrecise, Literal(True)))


def _add_conflict(g: Graph, c: Conflict) -> None:
    node = URIRef(c.iri)
    about = URIRef(c.about)
    r = c.resolution
    g.add((node, RDF.type, CG.Conflict))
    values = " / ".join(f"{grp.value.label} ({len(grp.supporters)})" for grp in r.groups)
    g.add((node, RDFS.label, Literal(f"{c.property}: {values}")))
    g.add((node, CG.conflictAbout, about))
    g.add((about, CG.hasConflict, node))
    g.add((node, CG.disputedProperty, CG[c.property]))
    if r.tie_break == "earliest":
        resolution = CG.EarliestOfTie
    else:
        resolution = CG.MajorityValue if r.chosen is not None else CG.NoMajority
    g.add((node, CG.resolution, resolution))
    if r.chosen is not None:
        for term in _terms(r.chosen):
            g.add((node, CG.chosenValue, term))
    index = 0
    for grp in r.groups:
        for st in sorted(grp.statements, key=lambda s: (s.document, s.claim)):
            index += 1
            _add_statement(g, node, st, index, less_precise=False)
    for st in sorted(r.vaguer, key=lambda s: (s.document, s.claim)):
        index += 1
        _add_statement(g, node, st, index, less_precise=True)


def _add_proceeding(g: Graph, p: Proceeding, names: dict[str, str]) -> None:
    node = URIRef(p.iri)
    g.add((node, RDF.type, CG.Proceeding))
    people = ", ".join(names.get(s, s.rsplit("/", 1)[-1]) for s in p.subjects)
    span = f"{p.earliest[:4]}–{p.latest[:4]}" if p.earliest and p.latest and p.earliest[:4] != p.latest[:4] else ""
    when = span or (p.earliest[:4] if p.earliest else "undated")
    g.add((node, RDFS.label, Literal(f"Proceeding against {people or 'unnamed people'} ({when})")))
    for s in p.subjects:
        g.add((node, CG.defendant, URIRef(s)))
    if p.earliest and p.latest:
        g.add((node, CG.earliestDate, Literal(p.earliest, datatype=XSD.date)))
        g.add((node, CG.latestDate, Literal(p.latest, datatype=XSD.date)))
    for e in p.events:
        g.add((URIRef(e.iri), CG.inProceeding, node))
        for prop in _INVOLVED:
            r = e.values.get(prop)
            if r is None:
                continue
            for grp in r.groups:
                if grp.value.is_iri:
                    g.add((node, CG.involves, URIRef(grp.value.key)))


def _add_published(g: Graph, key: str, readable: str, names: dict[str, str]) -> None:
    """The readable IRI a person is served under (ingest.fusion.published). Not typed
    cg:Person, so counts of people stay counts of what documents state."""
    g.add((URIRef(key), CG.publishedAs, URIRef(readable)))
    g.add((URIRef(readable), OWL.sameAs, URIRef(key)))
    if key in names:
        g.add((URIRef(readable), RDFS.label, Literal(names[key])))


def _in_published_iris(g: Graph, published: dict[str, str]) -> None:
    """Name every person in the fused view by the IRI they are published under, so the fused
    story of a person is found from the IRI their page is served at."""
    if not published:
        return
    for s, p, o in list(g):
        s2 = URIRef(published[str(s)]) if str(s) in published else s
        o2 = URIRef(published[str(o)]) if isinstance(o, URIRef) and str(o) in published else o
        if (s2, o2) != (s, o):
            g.remove((s, p, o))
            g.add((s2, p, o2))


def fused_graph(fusion: Fusion, names: dict[str, str], rules: Rules, published: dict[str, str] | None = None) -> Graph:
    """The fused graph; `published` maps a person's minted IRI to their readable one
    (ingest.fusion.published)."""
    published = published or {}
    g = new_graph(FUSED_GRAPH)
    for e in fusion.events:
        _add_event(g, e, names, rules)
    for c in fusion.conflicts:
        _add_conflict(g, c)
    for p in fusion.proceedings:
        _add_proceeding(g, p, names)
    _in_published_iris(g, published)
    for key, readable in sorted(published.items()):
        _add_published(g, key, readable, names)
    return g
