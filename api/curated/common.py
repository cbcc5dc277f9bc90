"""What every curated view shares: references to resources, term names, the query runner."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from api.cache import per_store
from api.deps import run_query_file, run_query_file_for_each
from api.identity import survivor_map
from ingest.names import fullest_spelling
from ingest.store import Store
from ingest.store.terms import IRI
from ingest.vocab import CG, EVENT_CLASS, ORGANISATION_CLASS, OUTCOME, PERSON_KIND, STATUS, invert

SEP = "\x1f"
TYPE_OF_CLASS = invert(dict(EVENT_CLASS))  # class IRI -> "arrest"
KIND_OF_PERSON = invert(dict(PERSON_KIND))  # cg:Defender -> "defender"
KIND_OF_ORGANISATION = invert(dict(ORGANISATION_CLASS))  # cg:Court -> "court"
OUTCOME_NAME = invert(dict(OUTCOME))
STATUS_NAME = invert(dict(STATUS))
GENERIC_ORGANISATION = str(CG.Organisation)

# Order of event types in a timeline when two events share a date: the order proceedings run.
TYPE_ORDER = {name: i for i, name in enumerate(EVENT_CLASS)}


class NotFound(LookupError):
    """The resource asked for is not in the graph (the message says which)."""


def split(value: str | None) -> list[str]:
    return sorted(v for v in (value or "").split(SEP) if v)


@dataclass
class Ctx:
    """One request's view of the graph: the store, the IRI base it serves, the query files run."""

    store: Store
    base_iri: str
    queries: list[str] = field(default_factory=list)

    @property
    def id_base(self) -> str:
        return self.base_iri + "id/"

    def note(self, name: str) -> None:
        """Record that query file `name` ran (each named once, in first-run order)."""
        if name not in self.queries:
            self.queries.append(name)

    def run(self, name: str, bindings: Mapping[str, Any] | None = None) -> list[dict[str, str | None]]:
        self.note(name)
        return run_query_file(self.store, name, bindings)

    def run_for_each(
        self, name: str, var: str, iris: list[str], bindings: Mapping[str, Any] | None = None
    ) -> list[dict[str, str | None]]:
        """Query file `name` once for a batch of IRIs (VALUES ?var: api.deps.with_values)."""
        self.note(name)
        return run_query_file_for_each(self.store, name, var, iris, bindings)

    def iri_of(self, kind: str, key: str) -> str:
        """The IRI text for an id ("person", "max-x"); not checked (resolve() checks it)."""
        return f"{self.id_base}{kind}/{key}"

    def iri(self, kind: str, key: str) -> IRI:
        """The IRI as a term, for binding (ValueError if `key` makes no valid IRI)."""
        return IRI(self.iri_of(kind, key))

    def key(self, iri: str) -> str | None:
        """The path of a minted IRI below /id/ ("person/max-x"), None for a foreign IRI."""
        return iri[len(self.id_base) :] if iri.startswith(self.id_base) else None

    def href(self, iri: str) -> str | None:
        key = self.key(iri)
        return f"/id/{key}" if key is not None else None

    def ref(self, iri: str, label: str | None = None) -> dict[str, Any]:
        """A link to a resource: its IRI, where to read it here, and a label to show. A
        document is named as everywhere ("Publisher, date: title"), a person by the name
        their page shows (the fullest form the sources use), whatever `label` one graph gave."""
        key = self.key(iri) or ""
        if key.startswith("person/"):
            iri = served_iri(self, iri)
        if key.startswith(("document/", "person/")):
            label = display_label(self, iri) or label
        return self.plain_ref(iri, label)

    def plain_ref(self, iri: str, label: str | None = None) -> dict[str, Any]:
        """ref() with `label` as given (what the indexes behind display_label are made of)."""
        key = self.key(iri)
        return {
            "iri": iri,
            "id": key.split("/", 1)[1] if key and "/" in key else key,
            "href": self.href(iri),
            "label": label or (key.rsplit("/", 1)[-1] if key else iri),
        }


def served_iri(ctx: Ctx, iri: str) -> str:
    """The IRI that answers for `iri` (its survivor, api.identity), so links point where the
    server serves the entity rather than through a 308."""
    ctx.note("same_as.rq")
    return per_store(ctx.store, "survivors", lambda: survivor_map(ctx.store)).get(iri, iri)


def display_label(ctx: Ctx, iri: str) -> str | None:
    """The label a document or person is shown with everywhere (None if it is not in the
    store): documents by api.curated.documents.document_labels, people by the person index."""
    key = ctx.key(iri) or ""
    if key.startswith("document/"):
        from api.curated.documents import document_labels

        return document_labels(ctx).get(iri)
    if key.startswith("person/"):
        from api.curated.persons import person_labels

        return person_labels(ctx).get(iri)
    return None


def best_label(labels: list[str]) -> str:
    """The name to show for an entity several documents name: the fullest form
    (ingest.names.fullest_spelling, the rule that also gives a person's readable IRI)."""
    return fullest_spelling(labels)


def fold_by_survivor(
    rows: list[dict[str, str | None]],
    key: str,
    merged: Mapping[str, str],
    slots: Mapping[str, str],
    value_of: Callable[[str, str], str] = lambda what, value: value,
) -> dict[str, dict[str, set[str]]]:
    """Rows of (entity, what, value) folded into one set per slot for each surviving entity
    (IRIs merged by resolution count as their survivor). `slots` maps each `what` to its set."""
    found: dict[str, dict[str, set[str]]] = {}
    for r in rows:
        iri = r[key] or ""
        entity = found.setdefault(merged.get(iri, iri), {slot: set() for slot in slots.values()})
        what = r["what"] or "label"
        entity[slots[what]].add(value_of(what, r["value"] or ""))
    return found
