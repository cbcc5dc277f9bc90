"""Organisations and people from general shapes of report prose: one table of text -> the
organisations (name: kind) and people expected, run by one parametrized test."""

from __future__ import annotations

import pytest

from tests.extract_support import facts

CASES = [
    # Media named by their domain; platforms are not listed.
    ("The editor of kyzylnews.kz was detained. He posted it on facebook.com.", {"kyzylnews.kz": "media"}, set()),
    # A news agency's dateline.
    ("Almaty/12.03.21/Vesti: On Monday the police detained two activists.", {"Vesti": "media"}, set()),
    # An acronym that speaks is an organisation.
    ("Nobody was released, KHRB said today.", {"KHRB": "ngo"}, set()),
    # A descriptive court of a rank; a bare "a court" names nothing.
    (
        "The provincial-level court upheld the verdict after a court heard the case.",
        {"provincial-level court": "court"},
        set(),
    ),
    # A facility named by its code after its kind.
    ("He was moved to the penal colony Zarech-7 last week.", {"penal colony Zarech-7": "detention-facility"}, set()),
    # A title-case headline's words are no organisation.
    (
        "Activists Say That Bail Hearing At Regional Labour Camp Was Unfair\n\nThe hearing was held on Monday.",
        {},
        set(),
    ),
    # Names in any case and the office of a post.
    (
        "Reporters without Borders condemned the move by the Prosecutor General’s Office.",
        {"Reporters Without Borders": "ngo", "Prosecutor General’s Office": "state-body"},
        set(),
    ),
    # An organisation's name does not run into the person's name after it.
    (
        "The leader of the Green Front Aliaksei Marchuk was detained. Aliaksei Marchuk was later freed.",
        {"Green Front": "ngo"},
        {"Aliaksei Marchuk"},
    ),
]


@pytest.mark.parametrize(("text", "organisations", "people"), CASES)
def test_organisations_and_people(text: str, organisations: dict[str, str], people: set[str]) -> None:
    f = facts(text)
    assert {o.name: o.kind for o in f.organisations} == organisations
    assert {p.name for p in f.people} == people
