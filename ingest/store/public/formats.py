"""Media types the server speaks, and content negotiation over them (RFC 9110 Accept with
q-values). Kept free of web-framework imports: the SPARQL worker processes use it too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ingest.store.base import Job, Outcome
from ingest.store.rdf import Format

# SPARQL results (SELECT, ASK): media type -> format key used by ingest.store.public.results.
RESULTS_JSON = "application/sparql-results+json"
RESULTS_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"

SELECT_TYPES: dict[str, str] = {RESULTS_JSON: "json", RESULTS_XML: "xml", CSV: "csv", TSV: "tsv"}
ASK_TYPES: dict[str, str] = {RESULTS_JSON: "json", RESULTS_XML: "xml"}

# RDF graphs (CONSTRUCT, DESCRIBE, service description, linked data): media type -> format.
GRAPH_TYPES: dict[str, Format] = {
    "text/turtle": Format.TURTLE,
    "application/n-triples": Format.NTRIPLES,
    "application/rdf+xml": Format.RDFXML,
    "application/ld+json": Format.JSONLD,
}
# RDF datasets (dumps).
DATASET_TYPES: dict[str, Format] = {
    "application/n-quads": Format.NQUADS,
    "application/trig": Format.TRIG,
}

# Generic or legacy names a client may ask for, answered with the canonical type.
ALIASES: dict[str, str] = {
    "application/json": RESULTS_JSON,
    "application/xml": RESULTS_XML,
    "text/xml": RESULTS_XML,
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
}
GRAPH_ALIASES: dict[str, str] = {
    "application/json": "application/ld+json",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
}

# Short names for a `?format=` override.
FORMAT_NAMES: dict[str, str] = {
    "json": RESULTS_JSON,
    "xml": RESULTS_XML,
    "csv": CSV,
    "tsv": TSV,
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "nq": "application/n-quads",
    "nquads": "application/n-quads",
    "trig": "application/trig",
}


@dataclass(frozen=True)
class Range:
    type: str  # "text/turtle", "text/*" or "*/*"
    q: float
    order: int

    def matches(self, media_type: str) -> int:
        """Specificity of the match (3 exact, 2 type/*, 1 */*) or 0 for none."""
        if self.type == media_type:
            return 3
        major = media_type.split("/")[0]
        if self.type == f"{major}/*":
            return 2
        return 1 if self.type == "*/*" else 0


def parse_accept(header: str | None) -> list[Range]:
    if not header or not header.strip():
        return [Range("*/*", 1.0, 0)]
    ranges = []
    for i, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media or "/" not in media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(Range(media, q, i))
    return ranges or [Range("*/*", 1.0, 0)]


def negotiate(accept: str | None, offers: list[str], aliases: dict[str, str] | None = None) -> str | None:
    """The offer (first in `offers` wins ties) that best fits `accept`, or None (-> 406).
    `aliases` maps other names a client may use to one of the offers."""
    aliases = aliases or {}
    best: tuple[float, int, int, int] | None = None
    chosen: str | None = None
    ranges = parse_accept(accept)
    for rank, offer in enumerate(offers):
        names = [offer] + [alias for alias, target in aliases.items() if target == offer]
        # The most specific range that names this offer decides its q (RFC 9110 12.5.1).
        spec, q, order = 0, 0.0, 0
        for r in ranges:
            # wildcards match the offer's own type; an alias only when named exactly
            s = max(r.matches(offer), 3 if r.type in names[1:] else 0)
            if s > spec or (s == spec and s and r.q > q):
                spec, q, order = s, r.q, r.order
        if not spec or q <= 0:
            continue
        key = (q, spec, -order, -rank)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen


def by_name(name: str | None) -> str | None:
    """The media type for a `?format=` value (a short name or a media type), else None."""
    if not name:
        return None
    name = name.strip().lower()
    return FORMAT_NAMES.get(name, name if "/" in name else None)


def error_outcome(status: int, message: str) -> Outcome:
    """A refused or failed public query as plain text, the same on every backend."""
    return {
        "status": status,
        "media_type": "text/plain",
        "body": message.encode("utf-8"),
        "truncated": False,
        "rows": 0,
    }


def offers_for(form: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The media types (and their aliases) a result of query form `form` can be written in."""
    if form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH_TYPES, GRAPH_ALIASES
    return (SELECT_TYPES if form == "SELECT" else ASK_TYPES), ALIASES


def choose_format(job: Job, form: str) -> str | None:
    """The media type to answer `job` (a query of form `form`) in: the one ?format= names (None
    if it is not offered), else the best match for its Accept header."""
    offers, aliases = offers_for(form)
    if job["media_type"]:
        wanted = aliases.get(job["media_type"], job["media_type"])
        return wanted if wanted in offers else None
    return negotiate(job["accept"], list(offers), aliases)


def not_acceptable(form: str) -> Outcome:
    offers, _ = offers_for(form)
    return error_outcome(406, f"no acceptable format for a {form} result; this endpoint offers: " + ", ".join(offers))
