"""Score extracted facts against gold facts, exactly as ../shared/gold/FORMAT.md "Scoring" says.

- Names match after NFKD folding, lower-casing and dropping honorifics and punctuation, when
  `token_sort_ratio` >= 85 or one is a whole-token prefix (of two or more tokens) of the other;
  an entity matches another when any of its names or aliases matches any of the other's.
- People and organisations: one-to-one greedy matching, best score first; P/R/F1 and `kind`
  accuracy on the matched.
- Events: same type, at least one person in common (by name match), and the same date (both
  null is equal; a gold YYYY-MM holds any predicted date in that month). One-to-one, greedy:
  best share of matched people first; among equal shares, the pair whose arguments agree
  most (so two undated transfers of one person pair by their destinations); then an exact
  date over a month-holds-day one; then document order.
- Arguments of matched events: place, authority, judge, from, to by name match; outcome by
  equality; penalty by `token_set_ratio` >= 80: a gold argument counts one (a hit, or a miss
  when absent or wrong), a predicted argument that is wrong or absent from the gold is a false
  positive. Provisions and replaces are sets of normalised "<code> <article>" strings in which
  each element counts one (shared: hit; gold only: miss; predicted only: false positive).
  `status` counts only where either side says planned: occurred is the default and earns
  nothing.
- Everything is micro-averaged: counts summed over documents, then P/R/F1.

Names inside a document resolve through that document's own people and organisations, so an
event naming "Ms Doe" matches a gold event naming "Jane Doe" when the person lists say they
are one entity.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from ingest.export import read_all_facts
from ingest.model import EventRecord, Facts, OrganisationRecord, PersonRecord
from ingest.pipeline import DEFAULT_WORKERS, BuildSummary, ProgressFn, build
from ingest.provisions import parse_provision
from ingest.store import Store

NAME_THRESHOLD = 85.0
PENALTY_THRESHOLD = 80.0
HONORIFICS = frozenset({"mr", "mrs", "ms", "messrs", "dr"})
NAME_ARGUMENTS = ("place", "authority", "judge", "from", "to")
SET_ARGUMENTS = ("provisions", "replaces")
ARGUMENTS = (*NAME_ARGUMENTS, *SET_ARGUMENTS, "outcome", "status", "penalty")
_NON_WORD = re.compile(r"[^\w]+")
Entity = PersonRecord | OrganisationRecord


# --- counts --------------------------------------------------------------------------------


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    # An undefined ratio (nothing claimed, or nothing to find) is 0: with no matched event,
    # "argument F1 1.000" would read as success when nothing was found at all.
    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Kinds:
    """`kind` accuracy over matched entities."""

    correct: int = 0
    matched: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.matched if self.matched else 1.0


@dataclass
class Score:
    documents: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # gold documents with nothing predicted
    without_gold: list[str] = field(default_factory=list)
    people: Counts = field(default_factory=Counts)
    people_kinds: Kinds = field(default_factory=Kinds)
    organisations: Counts = field(default_factory=Counts)
    organisation_kinds: Kinds = field(default_factory=Kinds)
    events: Counts = field(default_factory=Counts)
    arguments: Counts = field(default_factory=Counts)
    event_types: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    argument_names: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    errors: list[str] = field(default_factory=list)  # one line per miss, spurious fact or wrong value

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": {"scored": self.documents, "missing": self.missing, "without_gold": self.without_gold},
            "people": {**self.people.as_dict(), "kind_accuracy": round(self.people_kinds.accuracy, 4)},
            "organisations": {
                **self.organisations.as_dict(),
                "kind_accuracy": round(self.organisation_kinds.accuracy, 4),
            },
            "events": self.events.as_dict(),
            "arguments": self.arguments.as_dict(),
            "event_types": {k: v.as_dict() for k, v in sorted(self.event_types.items())},
            "argument_names": {k: v.as_dict() for k, v in sorted(self.argument_names.items())},
            "event_f1": round(self.events.f1, 3),
            "argument_f1": round(self.arguments.f1, 3),
            "errors": self.errors,
        }


# --- names ---------------------------------------------------------------------------------


def normalise_name(name: str) -> str:
    """NFKD folding (accents dropped), lower case, punctuation and honorifics dropped."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    tokens = _NON_WORD.sub(" ", folded.lower().replace("_", " ")).split()
    return " ".join(t for t in tokens if t not in HONORIFICS)


def name_score(a: str, b: str) -> float:
    """How well two names match (0 = no match); the ratio, or 85 for a whole-token prefix."""
    x, y = normalise_name(a), normalise_name(b)
    if not x or not y:
        return 0.0
    ratio = float(fuzz.token_sort_ratio(x, y))
    if ratio >= NAME_THRESHOLD:
        return ratio
    tx, ty = x.split(), y.split()
    short, long_ = (tx, ty) if len(tx) <= len(ty) else (ty, tx)
    if len(short) >= 2 and long_[: len(short)] == short:
        return NAME_THRESHOLD
    return 0.0


def names_score(a: Iterable[str], b: Iterable[str]) -> float:
    """Best match between any name of one entity and any name of the other."""
    bs = list(b)
    return max((name_score(x, y) for x in a for y in bs), default=0.0)


def greedy(pairs: Iterable[tuple[Any, int, int]]) -> list[tuple[int, int]]:
    """One-to-one matching, best score first (ties broken by position, so it is deterministic).
    A score is a number or a tuple compared in order; a falsy or all-zero score never matches."""
    used_a: set[int] = set()
    used_b: set[int] = set()
    matched = []
    candidates = [(score, i, j) for score, i, j in pairs if _positive(score)]
    for _, i, j in sorted(candidates, key=lambda t: (_negated(t[0]), t[1], t[2])):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            matched.append((i, j))
    return matched


def _positive(score: Any) -> bool:
    return any(x > 0 for x in score) if isinstance(score, tuple) else score > 0


def _negated(score: Any) -> Any:
    return tuple(-x for x in score) if isinstance(score, tuple) else -score


class Aliases:
    """A document's names -> all names of the entity they belong to."""

    def __init__(self, facts: Facts) -> None:
        self.table: dict[str, tuple[str, ...]] = {}
        entities: list[Entity] = [*facts.people, *facts.organisations]
        for entity in entities:
            names = tuple(dict.fromkeys(n for n in entity.names() if n))
            for n in names:
                self.table.setdefault(n, names)

    def __call__(self, name: str) -> tuple[str, ...]:
        return self.table.get(name, (name,))


# --- events and arguments ------------------------------------------------------------------


def dates_match(gold: str | None, predicted: str | None) -> bool:
    if gold is None or predicted is None:
        return gold is None and predicted is None
    if gold == predicted:
        return True
    return len(gold) == 7 and predicted.startswith(gold + "-")


def provision_key(text: str) -> str:
    parsed = parse_provision(text)
    key = parsed.short if parsed else text
    return " ".join(key.lower().split())


def _argument(event: EventRecord, name: str) -> Any:
    value = getattr(event, "from_" if name == "from" else name)
    if name in SET_ARGUMENTS:
        return frozenset(provision_key(v) for v in value) or None
    if name == "status":
        # Occurred is the default: only a planned act states something to score.
        return value if value == "planned" else None
    return value or None


def _argument_correct(name: str, gold: Any, predicted: Any, gold_names: Aliases, predicted_names: Aliases) -> bool:
    if name in NAME_ARGUMENTS:
        return names_score(gold_names(gold), predicted_names(predicted)) > 0
    if name == "penalty":
        return fuzz.token_set_ratio(normalise_name(gold), normalise_name(predicted)) >= PENALTY_THRESHOLD
    return bool(gold == predicted)


def score_arguments(
    gold: EventRecord, predicted: EventRecord, gold_names: Aliases, predicted_names: Aliases
) -> dict[str, Counts]:
    out: dict[str, Counts] = {}
    for name in ARGUMENTS:
        g, p = _argument(gold, name), _argument(predicted, name)
        c = Counts()
        if name in SET_ARGUMENTS:
            # Each provision counts one: shared ones are hits, the rest misses or extras.
            g_set, p_set = g or frozenset(), p or frozenset()
            c.tp, c.fn, c.fp = len(g_set & p_set), len(g_set - p_set), len(p_set - g_set)
        elif g is not None and p is not None:
            if _argument_correct(name, g, p, gold_names, predicted_names):
                c.tp = 1
            else:
                c.fp = c.fn = 1
        elif g is not None:
            c.fn = 1
        elif p is not None:
            c.fp = 1
        out[name] = c
    return out


def _people_overlap(gold: EventRecord, predicted: EventRecord, gold_names: Aliases, predicted_names: Aliases) -> int:
    pairs = [
        (names_score(gold_names(g), predicted_names(p)), i, j)
        for i, g in enumerate(gold.people)
        for j, p in enumerate(predicted.people)
    ]
    return len(greedy(pairs))


def event_score(
    gold: EventRecord, predicted: EventRecord, gold_names: Aliases, predicted_names: Aliases
) -> tuple[float, int, int]:
    """(0, 0, 0) when the events do not match; otherwise the order in which candidate pairs
    are taken: the share of matched people, then how many arguments agree, then an exact
    date before a gold month holding the predicted day."""
    if gold.type != predicted.type or not dates_match(gold.date, predicted.date):
        return (0.0, 0, 0)
    shared = _people_overlap(gold, predicted, gold_names, predicted_names)
    if shared == 0:
        return (0.0, 0, 0)
    people = shared / max(len(gold.people), len(predicted.people))
    arguments = score_arguments(gold, predicted, gold_names, predicted_names)
    agreement = sum(c.tp for c in arguments.values())
    return (people, agreement, int(gold.date == predicted.date))


# --- one document, all documents -----------------------------------------------------------


def _score_entities(
    gold: Sequence[Entity], predicted: Sequence[Entity], counts: Counts, kinds: Kinds, errors: list[str], where: str
) -> None:
    pairs = [(names_score(g.names(), p.names()), i, j) for i, g in enumerate(gold) for j, p in enumerate(predicted)]
    matched = greedy(pairs)
    counts.tp += len(matched)
    counts.fp += len(predicted) - len(matched)
    counts.fn += len(gold) - len(matched)
    kinds.matched += len(matched)
    kinds.correct += sum(gold[i].kind == predicted[j].kind for i, j in matched)
    for i, j in matched:
        if gold[i].kind != predicted[j].kind:
            errors.append(f"{where}: {gold[i].name!r} kind is {gold[i].kind}, predicted {predicted[j].kind}")
    matched_gold, matched_predicted = {i for i, _ in matched}, {j for _, j in matched}
    errors += [f"{where}: missed {g.name!r} ({g.kind})" for i, g in enumerate(gold) if i not in matched_gold]
    errors += [
        f"{where}: spurious {p.name!r} ({p.kind})" for j, p in enumerate(predicted) if j not in matched_predicted
    ]


def describe(event: EventRecord) -> str:
    return f"{event.type} {event.date or 'undated'} [{', '.join(event.people)}]"


def score_document(gold: Facts, predicted: Facts, score: Score) -> None:
    """Add one document's counts to `score`."""
    file = gold.document.file
    errors = score.errors
    _score_entities(gold.people, predicted.people, score.people, score.people_kinds, errors, f"{file}: person")
    _score_entities(
        gold.organisations,
        predicted.organisations,
        score.organisations,
        score.organisation_kinds,
        errors,
        f"{file}: organisation",
    )
    gold_names, predicted_names = Aliases(gold), Aliases(predicted)
    pairs = [
        (event_score(g, p, gold_names, predicted_names), i, j)
        for i, g in enumerate(gold.events)
        for j, p in enumerate(predicted.events)
    ]
    matched = greedy(pairs)
    matched_gold = {i for i, _ in matched}
    matched_predicted = {j for _, j in matched}
    for i, j in matched:
        g = gold.events[i]
        score.events.tp += 1
        score.event_types[g.type].tp += 1
        p = predicted.events[j]
        for name, c in score_arguments(g, p, gold_names, predicted_names).items():
            score.arguments.add(c)
            score.argument_names[name].add(c)
            if c.fp or c.fn:
                gold_value, predicted_value = _argument(g, name), _argument(p, name)
                errors.append(
                    f"{file}: event {describe(g)}: {name} is {_show(gold_value)}, predicted {_show(predicted_value)}"
                )
    for i, g in enumerate(gold.events):
        if i not in matched_gold:
            score.events.fn += 1
            score.event_types[g.type].fn += 1
            errors.append(f"{file}: missed event {describe(g)}")
    for j, p in enumerate(predicted.events):
        if j not in matched_predicted:
            score.events.fp += 1
            score.event_types[p.type].fp += 1
            errors.append(f"{file}: spurious event {describe(p)}")


def _show(value: Any) -> str:
    if value is None:
        return "absent"
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(value)) + "}"
    return repr(value)


def score_corpus(gold: Iterable[Facts], predicted: Iterable[Facts]) -> Score:
    """Micro-averaged scores of `predicted` against `gold`, paired by document file name."""
    score = Score()
    by_file = {f.document.file: f for f in predicted}
    gold_files = set()
    for g in sorted(gold, key=lambda f: f.document.file):
        name = g.document.file
        gold_files.add(name)
        score.documents.append(name)
        p = by_file.get(name)
        if p is None:
            score.missing.append(name)
            p = Facts(document=g.document)
        score_document(g, p, score)
    score.without_gold = sorted(set(by_file) - gold_files)
    return score


# --- report --------------------------------------------------------------------------------


def _row(label: str, c: Counts, extra: str = "") -> str:
    return f"{label:<28} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp + c.fn:6d} {c.tp + c.fp:6d} {c.tp:6d}" + (
        f"  {extra}" if extra else ""
    )


def format_report(score: Score, *, details: bool = False) -> str:
    """The human-readable report; its last line is `event F1 X argument F1 Y`. With
    `details`, every miss, spurious fact and wrong value is listed first."""
    lines = []
    if details:
        lines += ["errors", *[f"  {e}" for e in score.errors], ""]
    lines.append(f"documents scored: {len(score.documents)}")
    if score.missing:
        lines.append(f"  with gold but not built ({len(score.missing)}): " + ", ".join(score.missing))
    if score.without_gold:
        lines.append(
            f"  built but without gold, not scored ({len(score.without_gold)}): " + ", ".join(score.without_gold)
        )
    header = f"{'':<28} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6} {'match':>6}"
    lines += ["", header]
    lines.append(_row("people", score.people, f"kind accuracy {score.people_kinds.accuracy:.3f}"))
    lines.append(_row("organisations", score.organisations, f"kind accuracy {score.organisation_kinds.accuracy:.3f}"))
    lines.append(_row("events", score.events))
    lines.append(_row("arguments", score.arguments))
    lines += ["", "per event type", header]
    lines += [_row(f"  {t}", c) for t, c in sorted(score.event_types.items())]
    lines += ["", "per argument (on matched events)", header]
    lines += [_row(f"  {a}", c) for a, c in sorted(score.argument_names.items())]
    lines += ["", f"event F1 {score.events.f1:.3f} argument F1 {score.arguments.f1:.3f}"]
    return "\n".join(lines)


# --- the whole run: documents -> fresh store -> SPARQL -> scores ---------------------------


def load_gold(folder: Path) -> list[Facts]:
    """Every gold facts file in `folder` (InputError names a bad file and field)."""
    from ingest.facts_yaml import read_facts

    return [read_facts(p) for p in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))]


def evaluate(
    documents: Path,
    gold: list[Facts],
    store: Store,
    *,
    workers: int = DEFAULT_WORKERS,
    on_progress: ProgressFn | None = None,
) -> tuple[Score, BuildSummary]:
    """Build `documents` into `store`, read every document's facts back with SPARQL (the
    facts export, not the extractor's memory) and score them against `gold`."""
    summary = build([documents], store, on_progress, workers=workers)
    return score_corpus(gold, read_all_facts(store)), summary
