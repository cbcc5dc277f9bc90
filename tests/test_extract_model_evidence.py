"""The statistical model as evidence for people: asked only about the sentences holding a name
the rules leave undecided, and its PERSON label then decides (a fake model stands in)."""

from __future__ import annotations

import re

from ingest.extract.people import find_people
from ingest.extract.text import clean

TEXT = (
    "Judge Rustam Nazarov refused bail. "
    "The statement by Kelsang Norbu was read out on the radio. "
    "Norbu was later questioned."
)


class FakeModel:
    """Labels PERSON every listed name inside the regions it is shown; records the regions."""

    def __init__(self, *names: str) -> None:
        self.names = names
        self.seen: list[str] = []

    def __call__(self, text: str, regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
        spans = []
        for start, end in regions:
            self.seen.append(text[start:end])
            for name in self.names:
                spans += [(start + m.start(), start + m.end()) for m in re.finditer(name, text[start:end])]
        return spans


def test_the_model_reads_only_sentences_with_an_undecided_name() -> None:
    model = FakeModel("Kelsang Norbu", "Rustam Nazarov")
    people = {p.name: p for p in find_people(clean(TEXT), model)}
    assert set(people) == {"Rustam Nazarov", "Kelsang Norbu"}
    # The judge is decided by his title: his sentence is never shown to the model.
    assert model.seen == ["The statement by Kelsang Norbu was read out on the radio."]
    assert people["Kelsang Norbu"].evidence[0].method == "model"
    assert people["Rustam Nazarov"].evidence[0].method == "rule"


def test_without_the_models_label_an_undecided_name_is_left_out() -> None:
    assert {p.name for p in find_people(clean(TEXT), FakeModel())} == {"Rustam Nazarov"}
    assert {p.name for p in find_people(clean(TEXT))} == {"Rustam Nazarov"}
