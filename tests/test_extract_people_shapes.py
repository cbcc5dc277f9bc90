"""People from general shapes of report prose, on sentences written for these tests: one
table of text -> the people expected (name: kind), run through the whole extraction."""

from __future__ import annotations

import pytest

from tests.extract_support import facts

CASES = [
    # A title in the plural covers the list after it.
    (
        "Police detained the CSF leaders Tolqyn Abenuly and Zhenis Baqyt.",
        {"Tolqyn Abenuly": "defender", "Zhenis Baqyt": "defender"},
    ),
    # A nationality before a title and a name is no part of the name; "Two British" is no one.
    ("Palestinian Human Rights Defender Zaid Nasser spoke. Two British journalists left.", {"Zaid Nasser": "defender"}),
    # A relative clause about a person, and a post named before the name and a comma.
    (
        "It recalled the case of Tadeu Vorkan, who died in custody. The OSCE Representative on Freedom of the "
        "Media, Osvaldo Pirlanti, condemned it.",
        {"Tadeu Vorkan": "other", "Osvaldo Pirlanti": "other"},
    ),
    # Words the report calls a place ("Phu Tho province") are never a person.
    (
        "Defenders Hoang Duc Binh and Phu Tho were tried in Phu Tho province.",
        {"Hoang Duc Binh": "defender"},
    ),
    # Other names used in quotes after "under the names of" belong to the person.
    (
        "Blogger Tran Thi Lan was detained. She wrote under the names of “Lan Tran” and “Tran Lan Anh”.",
        {"Tran Thi Lan": "defender"},
    ),
    # One name in either order (headline and text).
    ("Yusuf Karem convicted\n\nOn Monday a court convicted the activist Karem Yusuf.", {"Yusuf Karem": "defender"}),
    # A title before a name that begins like a town, and a town before a given name after "of".
    (
        "Police detained activist Kazan Ildarov. It followed an attack on the head of Shymkent Arman Ospanov.",
        {"Kazan Ildarov": "defender", "Arman Ospanov": "other"},
    ),
    # The objects of an act on people are people, also with a quoted nickname inside the name or
    # a first word that names a town somewhere; the post before the verb is the actor's, and a
    # run after "at" is a place.
    (
        "Prosecutors on Monday charged Lanna Prakong, Parit “Moon” Siriwat and Somsak “Big Tree Man” "
        "Wongdee with sedition over the rally at Sanam Thong.",
        {"Lanna Prakong": "defender", "Parit “Moon” Siriwat": "defender", "Somsak “Big Tree Man” Wongdee": "defender"},
    ),
    # A name closing an apposition before a passive act: "One of them, X, was detained".
    ("One of them, Arman Zhakupov, was detained by police.", {"Arman Zhakupov": "defender"}),
    # The one who chairs a court is its judge.
    ("The Supreme Court, chaired by Nurlan Aidarov, rejected the appeal.", {"Nurlan Aidarov": "authority"}),
    # The body a post is held in types its holder: an NGO's director is a defender, a ministry's
    # spokesman an official.
    (
        "Amnesty International deputy director Lerato Molefe condemned it. “It is wrong,” said Oleg Barsov, a "
        "spokesman for the Ministry of Justice. Ana Sefo, Head of Research at Human Rights Watch, agreed.",
        {"Lerato Molefe": "defender", "Oleg Barsov": "authority", "Ana Sefo": "defender"},
    ),
]


@pytest.mark.parametrize(("text", "people"), CASES)
def test_people(text: str, people: dict[str, str]) -> None:
    f = facts(text)
    assert {p.name: p.kind for p in f.people} == people
