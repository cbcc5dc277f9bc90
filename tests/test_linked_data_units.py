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


def test_survivor_is_the_fullest_described_form_whatever_the_order() -> None:
    members = [
        ("https://x/id/person/ann-berg", True),
        ("https://x/id/person/ann-maria-lisa-berg", False),
        ("https://x/id/person/ann-maria-berg", True),
        ("https://x/id/person/ann-bergstrom", True),
    ]
    for order in itertools.permutations(members):
        # The fullest form (most words, then longest) the graph describes, never an undescribed one.
        assert survivor(order) == "https://x/id/person/ann-maria-berg"
    undescribed = [("https://x/id/person/lo-ka", False), ("https://x/id/person/lo-kar", False)]
    assert survivor(undescribed) == "https://x/id/person/lo-kar"
    assert (
        survivor([("https://x/id/person/b-c", False), ("https://x/id/person/a-c", False)]) == "https://x/id/person/a-c"
    )
    assert survivor([]) is None
