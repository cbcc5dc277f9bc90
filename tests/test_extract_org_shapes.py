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
    # A name its report defines by an acronym, with a lower-case word that no capitalised run
    # covers; a plural, a law and a country in brackets are not organisations.
    (
        "Police searched the office of the Africa Voices for Good governance (AVG). The AVG said the police had "
        "no warrant. Non-Governmental Organisations (NGOs) and the Digital Security Act (DSA) were discussed, "
        "as was the Democratic Republic of Congo (DRC).",
        {"Africa Voices for Good governance": "ngo"},
        set(),
    ),
    # A facility named by its place and kind, "women’s" or "central" between; a second name
    # given with "also known as" is the same facility.
    (
        "She was moved to Dashtak women’s prison, also known as Kaveh prison. He is held in Malir central jail.",
        {"Dashtak women’s prison": "detention-facility", "Malir central jail": "detention-facility"},
        set(),
    ),
    # A determiner is not a place.
    ("The prison guards beat him.", {}, set()),
    # A facility described by its kind and place is the one named in that place.
    (
        "Activist moved to penal colony in Ozersk\n\nOn 3 May he was taken to the penal colony Ozer-5 near the "
        "town of Ozersk.",
        {"penal colony Ozer-5": "detention-facility"},
        set(),
    ),
    # A facility numbered and placed in a town.
    (
        "He was moved to penal colony No. 7 of the town of Ozerny.",
        {"penal colony No. 7 of the town of Ozerny": "detention-facility"},
        set(),
    ),
    # Kind words after a name, and before it without an article; platforms and peoples are not
    # introduced by them.
    (
        "He wrote for the Sabah Bugun newspaper and the Green Lanterns group, according to state-run news "
        "agency Kaztag. The Telegram group and the Kurdish group said nothing.",
        {"Sabah Bugun": "media", "Green Lanterns": "ngo", "Kaztag": "media"},
        set(),
    ),
    # News agencies are media without any head word.
    ("TASS reported the arrest, and so did Interfax.", {"TASS": "media", "Interfax": "media"}, set()),
    # A person's title and name before an organisation are no part of it; counts and days
    # before a name neither.
    (
        "Lawyer Timur Sadykov and the Almaty Bar Association protested. Two Radio Azattyk journalists left. "
        "This Thursday the UN Human Rights Council met.",
        {"Almaty Bar Association": "ngo", "Radio Azattyk": "media", "UN Human Rights Council": "intergovernmental"},
        {"Timur Sadykov"},
    ),
    # The office of a post "of the <Organisation>"; a street inside a paper's name.
    (
        "It was signed by the Special Rapporteur for Freedom of Assembly of the African Commission on Human "
        "and Peoples’ Rights and reported by the Wall Street Journal, not by the European Convention on "
        "Human Rights.",
        {"African Commission on Human and Peoples’ Rights": "intergovernmental", "Wall Street Journal": "media"},
        set(),
    ),
]


@pytest.mark.parametrize(("text", "organisations", "people"), CASES)
def test_organisations_and_people(text: str, organisations: dict[str, str], people: set[str]) -> None:
    f = facts(text)
    assert {o.name: o.kind for o in f.organisations} == organisations
    assert {p.name for p in f.people} == people
