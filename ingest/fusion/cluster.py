"""Which claims describe the same real-world act: the matching rules applied, deterministically.

Claims are partitioned by (type, status) and taken in a fixed order: day-precise dates first
(by date), then month, then year, then undated. Each claim joins the best compatible cluster
or founds a new one. Precise claims shape the clusters; vaguer ones then attach where they
fit, and stay apart when they fit several clusters equally well (a guess would merge acts).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ingest.fusion.claims import Claim
from ingest.fusion.rules import Rules
from ingest.fusion.values import compatible, date_gap, date_interval, date_precision

_PRECISION_ORDER = {"day": 0, "month": 1, "year": 2, "none": 3}


@dataclass
class Cluster:
    type: str
    status: str
    claims: list[Claim] = field(default_factory=list)

    @property
    def subjects(self) -> frozenset[str]:
        return frozenset().union(*(c.subjects for c in self.claims))

    @property
    def documents(self) -> set[str]:
        return {c.document for c in self.claims}

    def iris(self) -> list[str]:
        return sorted(c.iri for c in self.claims)


def _sort_key(c: Claim) -> tuple[int, str, str, str]:
    precision = date_precision(c.date)
    # Within a precision, earlier first; a tie is broken by document and IRI so order never
    # depends on how the store happened to return rows.
    start = date_interval(c.date)[0].isoformat() if c.date else ""
    return (_PRECISION_ORDER[precision], start, c.document, c.iri)


def fits(claim: Claim, cluster: Cluster, rules: Rules) -> bool:
    """Whether `claim` may join `cluster` under the rules (see fusion_rules.yaml)."""
    rule = rules.for_type(claim.type)
    if claim.document in cluster.documents:
        return False
    if len(claim.subjects & cluster.subjects) < min(rule.min_shared_subjects, len(claim.subjects)):
        return False
    if not claim.subjects & cluster.subjects:
        return False
    for other in cluster.claims:
        if claim.date and other.date and date_gap(claim.date, other.date) > rule.date_tolerance_days:
            return False
        for prop in rule.must_agree:
            kind = rules.event_properties[prop]
            mine, theirs = claim.value(prop), other.value(prop)
            if mine is not None and theirs is not None and not compatible(kind, mine, theirs, rules):
                return False
    return True


def _score(claim: Claim, cluster: Cluster) -> tuple[int, int, int]:
    """Higher is better: more shared people, nearer date, more claims."""
    distance = 0
    if claim.date:
        gaps = [date_gap(claim.date, c.date) for c in cluster.claims if c.date]
        distance = min(gaps) if gaps else 0
    return (len(claim.subjects & cluster.subjects), -distance, len(cluster.claims))


def cluster_claims(claims: list[Claim], rules: Rules) -> list[Cluster]:
    partitions: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for c in claims:
        partitions[(c.type, c.status)].append(c)
    clusters: list[Cluster] = []
    for (event_type, status), members in sorted(partitions.items()):
        rule = rules.for_type(event_type)
        local: list[Cluster] = []
        # Clusters by person: a claim is only compared with clusters that share someone, so
        # the work grows with the acts per person, not with the square of all claims.
        by_subject: dict[str, list[int]] = defaultdict(list)
        for claim in sorted(members, key=_sort_key):
            precision = date_precision(claim.date)
            near = sorted({i for s in claim.subjects for i in by_subject.get(s, [])})
            candidates = [i for i in near if fits(claim, local[i], rules)] if precision in rule.join_precisions else []
            best: int | None = None
            if candidates:
                scored = sorted(((_score(claim, local[i]), i) for i in candidates), reverse=True)
                # A vague claim (partial or no date) must fit one act better than any other
                # on people and date; cluster size is no evidence for it. A day-precise
                # claim that ties on everything takes the earlier-founded cluster (stable).
                decisive = 3 if precision == "day" else 2
                ambiguous = len(scored) > 1 and scored[0][0][:decisive] == scored[1][0][:decisive]
                if not ambiguous:
                    best = scored[0][1]
                elif precision == "day":
                    best = min(i for sc, i in scored if sc == scored[0][0])
                elif precision in rule.join_by_support:
                    tied = [i for sc, i in scored if sc[:decisive] == scored[0][0][:decisive]]
                    support = sorted(((len(local[i].documents), i) for i in tied), reverse=True)
                    if support[0][0] > support[1][0]:
                        best = support[0][1]
            if best is None:
                best = len(local)
                local.append(Cluster(event_type, status, [claim]))
            else:
                local[best].claims.append(claim)
            for s in claim.subjects:
                if best not in by_subject[s]:
                    by_subject[s].append(best)
        clusters.extend(local)
    return clusters
