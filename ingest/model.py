"""Plain records that extractors and the facts reader produce and the RDF mapping consumes.

They mirror ../shared/gold/FORMAT.md one to one, so a curated facts file, an extractor's
output and the facts export are the same shape. Extractors never build triples: they build
these, and `ingest.rdf` is the only module that knows the triple layout.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest import event_types

# The event types and organisation kinds come from the registry of event types
# (ingest/data/event_types.yaml): one list, so a new type needs no edit here.
EVENT_TYPES: tuple[str, ...] = event_types.EVENT_TYPES
ORGANISATION_KINDS: tuple[str, ...] = event_types.ORGANISATION_KINDS
PERSON_KINDS: tuple[str, ...] = ("defender", "authority", "other")
OUTCOMES: tuple[str, ...] = ("upheld", "overturned", "reduced", "referred-back")
STATUSES: tuple[str, ...] = ("occurred", "planned")


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the exact quote, its character offsets in the document text,
    and what found it (a rule id, a model name, or "curated")."""

    quote: str
    start: int
    end: int
    method: str = "rule"
    rule: str = ""
    confidence: float | None = None


@dataclass
class DocumentRecord:
    file: str
    publishers: list[str] = field(default_factory=list)
    published: str | None = None  # ISO date keeping its precision: YYYY, YYYY-MM or YYYY-MM-DD
    reference: str | None = None
    language: str | None = "en"
    source_url: str | None = None
    title: str | None = None
    content_hash: str | None = None  # "sha256:<hex>" of the original bytes
    licence: str | None = None  # the publisher's licence of the document (a URL); None: not stated
    text_public: bool = False  # its licence allows publishing the full text (sidecar `text: public`)
    text: str | None = None
    curated: bool = False
    # "public" or "withheld" when the metadata says (ingest.publication): where the graph is
    # served, never a statement in it.
    publication: str | None = None


@dataclass
class PersonRecord:
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str = "other"
    roles: list[str] = field(default_factory=list)
    organisation: str | None = None
    position: str | None = None
    residence: str | None = None
    evidence: list[Evidence] = field(default_factory=list)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass
class OrganisationRecord:
    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str = "other"
    place: str | None = None
    evidence: list[Evidence] = field(default_factory=list)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass
class EventRecord:
    type: str
    people: list[str] = field(default_factory=list)
    date: str | None = None
    status: str = "occurred"
    place: str | None = None
    authority: str | None = None
    judge: str | None = None
    provisions: list[str] = field(default_factory=list)
    from_: str | None = None
    to: str | None = None
    outcome: str | None = None
    penalty: str | None = None
    replaces: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Facts:
    """Everything one source document states: the unit that becomes one named graph."""

    document: DocumentRecord
    people: list[PersonRecord] = field(default_factory=list)
    organisations: list[OrganisationRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
