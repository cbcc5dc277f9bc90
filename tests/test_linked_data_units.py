"""The pieces behind linked data: content negotiation and the choice of surviving IRI."""

from __future__ import annotations

import itertools

import pytest

from api.identity import survivor
from api.negotiation import HTML, JSON, JSONLD, NTRIPLES, TRIG, TURTLE, NotAcceptable, choose


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, HTML),
        ("*/*", HTML),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", HTML),
        ("text/turtle", TURTLE),
        ("application/ld+json", JSONLD),
        ("application/json", JSON),
        ("text/turtle;q=0.5, application/n-triples", NTRIPLES),
        ("application/trig, text/turtle;q=0.9", TRIG),
        ("text/*", HTML),
        ("text/plain", NTRIPLES),
    ],
)
def test_accept_header_decides(accept: str | None, expected: str) -> None:
    assert choose(accept, None).media_type == expected


def test_format_parameter_overrides_accept() -> None:
    assert choose("text/html", "ttl").media_type == TURTLE
    assert choose("text/html", "JSON").media_type == JSON
    with pytest.raises(NotAcceptable, match="unknown format"):
        choose(None, "docx")
    with pytest.raises(NotAcceptable, match="offered"):
        choose("image/png, video/*", None)


def test_survivor_is_the_same_whatever_the_order() -> None:
    members = [("https://x/id/person/b", True), ("https://x/id/person/a", False), ("https://x/id/person/c", True)]
    for order in itertools.permutations(members):
        # The smallest IRI among those the graph describes, never an undescribed one.
        assert survivor(order) == "https://x/id/person/b"
    assert survivor([("https://x/id/person/z", False), ("https://x/id/person/y", False)]) == "https://x/id/person/y"
    assert survivor([]) is None
