"""From claims to the fused story: canonical events with chosen values, conflicts, proceedings.

Pure computation over plain records (no store, no triples), so every rule is testable on
claims a test writes by hand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ingest.fusion.claims import Claim, EntityView, statements_for
from ingest.fusion.cluster import Cluster, cluster_claims
from ingest.fusion.rules import Rules
from ingest.fusion.values import Resolution, Statement, date_interval, resolve
from ingest.groups import Groups
from ingest.ids import short_hash
from ingest.vocab import ID


@dataclass
class CanonicalEvent:
    iri: str
    type: str
    status: str
    claims: list[Claim]
    subjects: list[str]
    values: dict[str, Resolution]  # property -> resolution, for every stated property
    earliest: str | None = None  # first and last day any source's date may mean
    latest: str | None = None

    @property
    def documents(self) -> list[str]:
        return sorted({c.document for c in self.claims})

    @property
    def date(self) -> str | None:
        r = self.values.get("date")
        return r.chosen.key if r and r.chosen else None


@dataclass
class Conflict:
    """Sources disagree on one property of one event or entity."""

    iri: str
    about: str
    about_kind: str  # "event" | "person" | "organisation"
    property: str
    resolution: Resolution


@dataclass
class Proceeding:
    iri: str
    events: list[CanonicalEvent]
    subjects: list[str] = field(default_factory=list)

    @property
    def earliest(self) -> str | None:
        dates = [e.earliest for e in self.events if e.earliest]
        return min(dates) if dates else None

    @property
    def latest(self) -> str | None:
        dates = [e.latest for e in self.events if e.latest]
        return max(dates) if dates else None


@dataclass
class Fusion:
    events: list[CanonicalEvent]
    conflicts: list[Conflict]
    proceedings: list[Proceeding]
    claims: int = 0
    entity_views: int = 0


def canonical_event_iri(claim_iris: list[str]) -> str:
    # The hash of the claims it is made of: the same claims always give the same IRI.
    return str(ID[f"fused/event/{short_hash(*sorted(claim_iris))}"])


def conflict_iri(about: str, prop: str) -> str:
    return str(ID[f"fused/conflict/{short_hash(about, prop)}"])


def proceeding_iri(subjects: list[str], first_event: str) -> str:
    return str(ID[f"proceeding/{short_hash(*sorted(subjects), first_event)}"])


def _span(claims: list[Claim]) -> tuple[str | None, str | None]:
    intervals = [date_interval(c.date) for c in claims if c.date]
    if not intervals:
        return None, None
    return min(i[0] for i in intervals).isoformat(), max(i[1] for i in intervals).isoformat()


def canonical_event(cluster: Cluster, rules: Rules) -> CanonicalEvent:
    values: dict[str, Resolution] = {}
    for prop, kind in rules.event_properties.items():
        statements = statements_for(cluster.claims, prop)
        if statements:
            values[prop] = resolve(kind, statements, rules)
    earliest, latest = _span(cluster.claims)
    return CanonicalEvent(
        iri=canonical_event_iri(cluster.iris()),
        type=cluster.type,
        status=cluster.status,
        claims=sorted(cluster.claims, key=lambda c: (c.document, c.iri)),
        subjects=sorted(cluster.subjects),
        values=values,
        earliest=earliest,
        latest=latest,
    )


def entity_conflicts(views: list[EntityView], rules: Rules) -> list[Conflict]:
    """A person's or organisation's property stated differently by different documents."""
    by_entity: dict[tuple[str, str], list[EntityView]] = defaultdict(list)
    for v in views:
        by_entity[(v.kind, v.entity)].append(v)
    conflicts = []
    for (kind, entity), entity_views in sorted(by_entity.items()):
        if len({v.document for v in entity_views}) < 2:
            continue
        for prop, value_kind in sorted(rules.entity_properties[kind].items()):
            statements = [
                Statement(value, v.document, v.stated_as, v.quotes)
                for v in entity_views
                for value in v.properties.get(prop, [])
            ]
            resolution = resolve(value_kind, statements, rules)
            # Two values from one document are two facts (two affiliations), not a dispute.
            if resolution.disputed and len({d for g in resolution.groups for d in g.documents}) > 1:
                conflicts.append(Conflict(conflict_iri(entity, prop), entity, kind, prop, resolution))
    return conflicts


def group_proceedings(events: list[CanonicalEvent], rules: Rules) -> list[Proceeding]:
    """Events of one prosecution: same people, each within max_gap_days of the previous one."""
    pr = rules.proceedings
    eligible = [e for e in events if e.type in pr.types]
    joined = Groups(e.iri for e in eligible)
    find, union = joined.find, joined.join

    by_person: dict[str, list[CanonicalEvent]] = defaultdict(list)
    for e in eligible:
        if e.earliest:
            for s in e.subjects:
                by_person[s].append(e)
    for chain in by_person.values():
        chain.sort(key=lambda e: (e.earliest or "", e.iri))
        reach = chain[0]
        for e in chain[1:]:
            gap = (date_interval(e.earliest or "")[0] - date_interval(reach.latest or "")[0]).days
            if gap <= pr.max_gap_days:
                union(reach.iri, e.iri)
            if (e.latest or "") > (reach.latest or ""):
                reach = e
    # An undated event joins the one dated group of its people, if there is exactly one.
    # Undated events of people with no dated event at all form one group per shared person
    # (a conviction and its sentence that no source dates are still one case).
    undated = [e for e in eligible if not e.earliest]
    for e in undated:
        groups = {find(o.iri) for o in eligible if o.earliest and set(o.subjects) & set(e.subjects)}
        if len(groups) == 1:
            union(next(iter(groups)), e.iri)
        elif not groups:
            for o in undated:
                if o is not e and set(o.subjects) & set(e.subjects) and not _has_dated(o, eligible):
                    union(e.iri, o.iri)
    members: dict[str, list[CanonicalEvent]] = defaultdict(list)
    for e in eligible:
        members[find(e.iri)].append(e)
    proceedings = []
    for group in members.values():
        if not any(e.type in pr.core for e in group):
            continue
        group.sort(key=lambda e: (e.earliest or "9999", e.iri))
        subjects = sorted({s for e in group for s in e.subjects})
        proceedings.append(Proceeding(proceeding_iri(subjects, group[0].iri), group, subjects))
    return sorted(proceedings, key=lambda p: (p.earliest or "9999", p.iri))


def fuse(claims: list[Claim], views: list[EntityView], rules: Rules) -> Fusion:
    events = [canonical_event(c, rules) for c in cluster_claims(claims, rules)]
    events.sort(key=lambda e: (e.earliest or "9999", e.type, e.iri))
    conflicts = [
        Conflict(conflict_iri(e.iri, prop), e.iri, "event", prop, r)
        for e in events
        for prop, r in sorted(e.values.items())
        if r.disputed
    ]
    conflicts.extend(entity_conflicts(views, rules))
    return Fusion(events, conflicts, group_proceedings(events, rules), claims=len(claims), entity_views=len(views))


def _has_dated(event: CanonicalEvent, events: list[CanonicalEvent]) -> bool:
    """Whether any of the event's people has a dated event."""
    people = set(event.subjects)
    return any(o.earliest and people & set(o.subjects) for o in events)
