"""Content negotiation for linked data (/id/...): which representation a request wants.

The Accept header decides (q-values honoured, via ingest.store.public.formats), a `?format=` short name
overrides it, and the answer always carries `Vary: Accept` so caches keep them apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.store.public.formats import negotiate

HTML = "text/html"
JSON = "application/json"
JSONLD = "application/ld+json"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
TRIG = "application/trig"
NQUADS = "application/n-quads"
RDFXML = "application/rdf+xml"

# Offers in order of preference when the client does not care (`*/*`): a person reading.
OFFERS = [HTML, TURTLE, JSONLD, JSON, NTRIPLES, TRIG, NQUADS, RDFXML]

# media type -> rdflib serializer name (None: not RDF, rendered by the app).
SERIALIZER: dict[str, str | None] = {
    HTML: None,
    JSON: None,
    JSONLD: "json-ld",
    TURTLE: "turtle",
    NTRIPLES: "nt",
    TRIG: "trig",
    NQUADS: "nquads",
    RDFXML: "xml",
}
# Formats that keep the graph (source document) each statement came from.
DATASET_FORMATS = frozenset({TRIG, NQUADS})

FORMAT_NAMES: dict[str, str] = {
    "html": HTML,
    "json": JSON,
    "jsonld": JSONLD,
    "json-ld": JSONLD,
    "ttl": TURTLE,
    "turtle": TURTLE,
    "nt": NTRIPLES,
    "ntriples": NTRIPLES,
    "trig": TRIG,
    "nq": NQUADS,
    "nquads": NQUADS,
    "rdf": RDFXML,
    "rdfxml": RDFXML,
    "xml": RDFXML,
}
ALIASES = {"application/x-turtle": TURTLE, "text/plain": NTRIPLES, "application/xhtml+xml": HTML}


class NotAcceptable(ValueError):
    """Nothing on offer fits the request; the message lists what is."""


@dataclass(frozen=True)
class Choice:
    media_type: str

    @property
    def serializer(self) -> str | None:
        return SERIALIZER[self.media_type]

    @property
    def is_rdf(self) -> bool:
        return self.serializer is not None

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/") or self.media_type in (JSON, JSONLD, NTRIPLES, NQUADS, TRIG)
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


def choose(accept: str | None, format_name: str | None) -> Choice:
    """The representation to send, or NotAcceptable naming the choices."""
    if format_name:
        media = FORMAT_NAMES.get(format_name.strip().lower())
        if media is None:
            raise NotAcceptable(f"unknown format {format_name!r}; use one of: {', '.join(sorted(FORMAT_NAMES))}")
        return Choice(media)
    media = negotiate(accept, OFFERS, ALIASES)
    if media is None:
        raise NotAcceptable(f"none of the offered types fits Accept: {accept}; offered: {', '.join(OFFERS)}")
    return Choice(media)
