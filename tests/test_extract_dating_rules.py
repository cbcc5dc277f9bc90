"""The date-borrowing rules are data (ingest/data/extract/dating.yaml): each rule does what it
says on short reports of our own, and a typo in the file is an error naming it."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from ingest.extract.events.dating import DATING_FILE, parse_dating_rules
from ingest.extract.resources import DataFileError
from tests.extract_support import facts, one


def shipped() -> dict[str, Any]:
    return yaml.safe_load(DATING_FILE.read_text(encoding="utf-8"))


def test_the_shipped_rules_load() -> None:
    rules = parse_dating_rules(shipped(), "dating.yaml")
    assert [r.id for r in rules.borrow] == [
        "weak-mention",
        "verdict",
        "hearing",
        "acquittal-release",
        "decision-release",
    ]
    verdict = next(r for r in rules.borrow if r.id == "verdict")
    # registry fields select the types: every verdict type borrows from every verdict type
    assert verdict.types == verdict.lenders == {"conviction", "sentence", "acquittal"}
    assert {kind for kind, _ in rules.anchors} == {"arrest", "sentence", "trial-start"}
    # the lasting states, and the arrest a lasting custody began with
    assert rules.since_after == {"administrative-detention", "pretrial-detention", "house-arrest", "arrest"}


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda d: d.update(borrowing=[]), "borrowing: unknown key"),
        (lambda d: d["clause"].pop("since"), "clause: must give exactly"),
        (lambda d: d["borrow"][2].update(types=["pretrial-detension"]), "'pretrial-detension' is not an event type"),
        (lambda d: d["borrow"][1].update(types={"verdikt": True}), "'verdikt' is not a field of the registry"),
        (lambda d: d["borrow"][0].update(sentences=[1]), "sentences: must be [min, max]"),
        (lambda d: d["borrow"][0].update(lender="strong"), "lender: must be any or weak"),
        (lambda d: d["borrow"][0].update(when="x"), "unknown key 'when'"),
        (lambda d: d.update(since_after=["arest"]), "'arest' is not an event type"),
        (lambda d: d["borrow"][3].update(unless="(unclosed"), "bad regular expression"),
        (lambda d: d["anchors"][0].update({"from": "arest"}), "anchors[0]: needs `from`"),
    ],
)
def test_a_typo_in_the_dating_rules_names_the_file(edit: Any, problem: str) -> None:
    data = copy.deepcopy(shipped())
    edit(data)
    with pytest.raises(DataFileError) as err:
        parse_dating_rules(data, "/data/extract/dating.yaml")
    assert str(err.value).startswith("/data/extract/dating.yaml: ")
    assert problem in str(err.value)


def test_a_verdict_told_over_two_sentences_is_of_one_day() -> None:
    f = facts(
        "On 12 March 2021 the Regional Court of Tarnow found the union leader Agnieszka Wolska guilty of "
        "slander. She was sentenced to eight months of restricted liberty.\n"
    )
    assert one(f, "sentence").date == "2021-03-12"


def test_a_remand_after_a_charge_is_of_the_same_hearing() -> None:
    f = facts(
        "On 4 August 2020 the journalist Tomas Varga was charged with spreading false news. "
        "The magistrate remanded him in custody.\n"
    )
    assert one(f, "pretrial-detention").date == "2020-08-04"


def test_a_release_after_an_acquittal_is_of_that_day_unless_the_text_moves_it() -> None:
    same_day = facts(
        "On 9 May 2019 the Criminal Court of Ndola acquitted the activist Chanda Mwila. "
        "Mwila was released in the courtroom.\n"
    )
    assert one(same_day, "release").date == "2019-05-09"
    later = facts(
        "On 9 May 2019 the Criminal Court of Ndola acquitted the activist Chanda Mwila. "
        "Mwila was released weeks later.\n"
    )
    assert one(later, "release").date is None
