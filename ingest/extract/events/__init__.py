"""Legal events, one step per module; the patterns and rules are data in ingest/data/extract/
and the registry of event types (ingest/data/event_types.yaml).

- `patterns`  the trigger patterns (events.yaml), checked against the registry on load;
- `triggers`  per sentence, the words that tell an act, negated or planned;
- `dating`    the date of each act: its own clause, then borrowed across sentences (dating.yaml);
- `subjects`  the people each act is done to, following who the text is talking about;
- `arguments` authority, judge, place, from/to, provisions, penalty;
- `merging`   headlines folded into the acts they name, mentions of one act merged;
- `extractor` the document loop that runs them in that order.
"""

from __future__ import annotations

from ingest.extract.events.extractor import EventExtractor

__all__ = ["EventExtractor", "warm_up"]


def warm_up() -> None:
    """Load and check every pattern file once."""
    from ingest.extract.events.dating import dating_rules
    from ingest.extract.events.patterns import anaphors, trigger_patterns

    trigger_patterns()
    anaphors()
    dating_rules()
