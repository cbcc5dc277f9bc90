"""The scorer, on hand-made gold/predicted pairs, and `casegraph evaluate` end to end."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.evaluation import Score, format_report, name_score, score_corpus
from ingest.model import DocumentRecord, EventRecord, Facts, OrganisationRecord, PersonRecord
from tests.conftest import GOLD

CLI = [sys.executable, "-m", "casegraph"]


def gold_facts() -> Facts:
    return Facts(
        document=DocumentRecord(file="valdora.txt"),
        people=[
            PersonRecord(name="Jane Roe", aliases=["Jana Rou"], kind="defender"),
            PersonRecord(name="Peter Quill", kind="authority", position="judge"),
            PersonRecord(name="Omar Haddad", kind="defender"),
        ],
        organisations=[
            OrganisationRecord(name="Valdora District Court", kind="court"),
            OrganisationRecord(name="Lawyers for Valdora", kind="ngo"),
        ],
        events=[
            EventRecord(type="arrest", people=["Jane Roe"], date="2019-06-02", place="Valdora"),
            EventRecord(
                type="pretrial-detention",
                people=["Jane Roe", "Omar Haddad"],
                date="2019-06",
                authority="Valdora District Court",
                judge="Peter Quill",
                provisions=["Criminal Code 190 part 2"],
            ),
            EventRecord(
                type="sentence",
                people=["Jane Roe"],
                date="2020-01-15",
                authority="Valdora District Court",
                penalty="5 years' imprisonment in a penal colony",
            ),
            EventRecord(type="appeal-filed", people=["Jane Roe"], date=None, status="planned"),
        ],
    )


def score(gold: Facts, predicted: Facts) -> Score:
    return score_corpus([gold], [predicted])


def test_perfect_prediction_scores_one() -> None:
    s = score(gold_facts(), gold_facts())
    for counts in (s.people, s.organisations, s.events, s.arguments):
        assert (counts.precision, counts.recall, counts.f1) == (1.0, 1.0, 1.0)
    assert s.people_kinds.accuracy == s.organisation_kinds.accuracy == 1.0
    assert format_report(s).splitlines()[-1] == "event F1 1.000 argument F1 1.000"


def test_one_missing_event() -> None:
    predicted = gold_facts()
    del predicted.events[2]
    s = score(gold_facts(), predicted)
    assert (s.events.tp, s.events.fp, s.events.fn) == (3, 0, 1)
    assert s.events.precision == 1.0
    assert s.events.recall == 0.75
    assert round(s.events.f1, 3) == 0.857
    assert s.event_types["sentence"].recall == 0.0
    assert s.event_types["arrest"].f1 == 1.0
    assert s.arguments.f1 == 1.0  # arguments count on matched events only


def test_a_wrong_date_breaks_the_event_match() -> None:
    predicted = gold_facts()
    predicted.events[0].date = "2019-06-03"
    s = score(gold_facts(), predicted)
    assert (s.events.tp, s.events.fp, s.events.fn) == (3, 1, 1)
    assert s.event_types["arrest"].as_dict()["fp"] == 1


def test_month_precision_gold_holds_any_day_of_that_month() -> None:
    predicted = gold_facts()
    predicted.events[1].date = "2019-06-04"
    assert score(gold_facts(), predicted).events.f1 == 1.0
    # ...but a gold day is not matched by a predicted month
    gold = gold_facts()
    gold.events[1].date = "2019-06-04"
    predicted = gold_facts()
    assert score(gold, predicted).events.fn == 1


def test_a_missing_date_only_matches_a_missing_date() -> None:
    predicted = gold_facts()
    predicted.events[3].date = "2020-02-01"
    assert score(gold_facts(), predicted).event_types["appeal-filed"].tp == 0


def test_alias_and_spelling_matching() -> None:
    predicted = gold_facts()
    predicted.people[0] = PersonRecord(name="Ms. Jana Rou", kind="defender")  # only the gold alias fits
    predicted.people[2] = PersonRecord(name="Dr Omar Al-Haddad", kind="other")  # fuzzy: ratio >= 85
    predicted.organisations[1] = OrganisationRecord(name="Lawyers for Valdora Association", kind="ngo")
    for event in predicted.events:
        event.people = ["Jana Rou" if p == "Jane Roe" else p for p in event.people]
    s = score(gold_facts(), predicted)
    assert s.people.f1 == 1.0
    assert s.people_kinds.accuracy == pytest.approx(2 / 3)
    assert s.organisations.f1 == 1.0
    assert s.events.f1 == 1.0  # event people match through the person's aliases


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ("José Núñez", "Jose Nunez", True),
        ("Mr. Jose Nunez", "jose nunez", True),
        ("Nunez, Jose", "Jose Nunez", True),  # token order does not matter
        ("Jane Alice Roe", "Jane Alice", True),  # whole-token prefix of two tokens
        ("Jane Roe", "Jane", False),  # a one-token prefix is not enough
        ("Jane Roe", "Janet Rowe", True),  # token_sort_ratio 89: spelling variants pass
        ("Jane Roe", "Jane Rowley", False),
        ("Jane Roe", "John Rowe", False),
        ("Messrs Roe", "Roe", True),
    ],
)
def test_name_matching(a: str, b: str, match: bool) -> None:
    assert (name_score(a, b) > 0) is match
    assert (name_score(b, a) > 0) is match


def test_penalty_is_matched_fuzzily() -> None:
    predicted = gold_facts()
    predicted.events[2].penalty = "5 years' imprisonment"
    s = score(gold_facts(), predicted)
    assert s.argument_names["penalty"].tp == 1
    predicted.events[2].penalty = "a fine of 500 euros"
    s = score(gold_facts(), predicted)
    assert (s.argument_names["penalty"].fp, s.argument_names["penalty"].fn) == (1, 1)


def test_arguments_right_wrong_missing_and_extra() -> None:
    predicted = gold_facts()
    predicted.events[0].place = "Valdora city"  # not a name match ("valdora city" vs "valdora": ratio 78)
    predicted.events[1].judge = None  # missing
    predicted.events[1].provisions = ["criminal code 190"]  # the part is not compared
    predicted.events[2].outcome = "upheld"  # not in the gold: a false positive
    predicted.events[3].status = "occurred"  # the planned appeal told as done: a miss
    s = score(gold_facts(), predicted)
    names = s.argument_names
    assert (names["place"].tp, names["place"].fp, names["place"].fn) == (0, 1, 1)
    assert (names["judge"].tp, names["judge"].fn) == (0, 1)
    assert names["provisions"].tp == 1
    assert (names["outcome"].tp, names["outcome"].fp, names["outcome"].fn) == (0, 1, 0)
    # status counts only the planned appeal: occurred, the default, earns nothing
    assert (names["status"].tp, names["status"].fp, names["status"].fn) == (0, 0, 1)
    gold_arguments = s.arguments.tp + s.arguments.fn
    assert gold_arguments == 1 + 1 + 2 + 1 + 1 + 1  # planned status, place, authority x2, judge, provisions, penalty
    assert s.arguments.tp == gold_arguments - 3


def test_matching_is_one_to_one_and_best_first() -> None:
    gold = gold_facts()
    gold.events = [
        EventRecord(type="transfer", people=["Jane Roe"], date="2019-07", to="Prison No. 2"),
        EventRecord(type="transfer", people=["Jane Roe"], date="2019-07-10", to="Prison No. 5"),
    ]
    predicted = copy.deepcopy(gold)
    predicted.events = [
        EventRecord(type="transfer", people=["Jane Roe"], date="2019-07-10", to="Prison No. 5"),
        EventRecord(type="transfer", people=["Jane Roe"], date="2019-07-10", to="Prison No. 2"),
    ]
    s = score(gold, predicted)
    assert s.events.f1 == 1.0
    # the exact-date pair was taken first, so both destinations line up
    assert s.argument_names["to"].tp == 2
    predicted.events.append(EventRecord(type="transfer", people=["Jane Roe"], date="2019-07-10"))
    assert score(gold, predicted).events.fp == 1


def test_status_counts_only_where_a_side_says_planned() -> None:
    gold = gold_facts()
    s = score(gold, gold_facts())
    # four matched events, one of them planned: only that one is scored
    assert (s.argument_names["status"].tp, s.argument_names["status"].fp, s.argument_names["status"].fn) == (1, 0, 0)
    predicted = gold_facts()
    predicted.events[0].status = "planned"  # an arrest the gold says happened, told as announced
    names = score(gold, predicted).argument_names
    assert (names["status"].tp, names["status"].fp, names["status"].fn) == (1, 1, 0)
    # an argument-free event that occurred on both sides has nothing to score
    bare = Facts(document=DocumentRecord(file="bare.txt"), events=[EventRecord(type="arrest", people=["Jane Roe"])])
    s = score(bare, copy.deepcopy(bare))
    assert s.events.tp == 1
    assert (s.arguments.tp, s.arguments.fp, s.arguments.fn) == (0, 0, 0)


def test_each_provision_counts_one() -> None:
    gold = gold_facts()
    gold.events[1].provisions = ["Criminal Code 190 part 2", "Criminal Code 174", "Criminal Code 182"]
    predicted = gold_facts()
    # two of three found (one written without its part), one extra
    predicted.events[1].provisions = ["criminal code 190", "Criminal Code 174 part 1", "Criminal Code 400"]
    names = score(gold, predicted).argument_names
    assert (names["provisions"].tp, names["provisions"].fn, names["provisions"].fp) == (2, 1, 1)
    # provisions the gold does not state are each a false positive
    gold.events[1].provisions = []
    names = score(gold, predicted).argument_names
    assert (names["provisions"].tp, names["provisions"].fn, names["provisions"].fp) == (0, 0, 3)


def test_each_replaced_provision_counts_one() -> None:
    gold = gold_facts()
    gold.events = [
        EventRecord(
            type="charge-change",
            people=["Jane Roe"],
            date="2019-08-01",
            provisions=["Criminal Code 190"],
            replaces=["Criminal Code 174", "Criminal Code 182 part 2"],
        )
    ]
    predicted = copy.deepcopy(gold)
    predicted.events[0].replaces = ["Criminal Code 182"]
    names = score(gold, predicted).argument_names
    assert (names["replaces"].tp, names["replaces"].fn, names["replaces"].fp) == (1, 1, 0)
    assert names["provisions"].tp == 1


def test_equal_people_share_pairs_by_agreeing_arguments() -> None:
    # Two undated transfers of one person: they pair by their destinations, whatever the order.
    gold = gold_facts()
    gold.events = [
        EventRecord(type="transfer", people=["Jane Roe"], from_="Harbour Remand Centre", to="Northgate Prison"),
        EventRecord(type="transfer", people=["Jane Roe"], from_="Northgate Prison", to="Eastfield Penal Colony"),
    ]
    predicted = copy.deepcopy(gold)
    predicted.events.reverse()
    s = score(gold, predicted)
    assert s.events.f1 == 1.0
    assert s.arguments.f1 == 1.0
    assert (s.argument_names["to"].tp, s.argument_names["from"].tp) == (2, 2)


def test_agreeing_arguments_go_before_an_exact_date() -> None:
    # A gold month holds the predicted day; the pair whose destinations agree is taken first,
    # not the pair whose dates are equal to the day.
    gold = gold_facts()
    gold.events = [
        EventRecord(type="transfer", people=["Jane Roe"], date="2019-07", to="Northgate Prison"),
        EventRecord(type="transfer", people=["Jane Roe"], date="2019-07-10", to="Eastfield Penal Colony"),
    ]
    predicted = copy.deepcopy(gold)
    predicted.events = [EventRecord(type="transfer", people=["Jane Roe"], date="2019-07-10", to="Northgate Prison")]
    s = score(gold, predicted)
    assert s.argument_names["to"].tp == 1
    assert "valdora.txt: missed event transfer 2019-07-10 [Jane Roe]" in s.errors


def test_people_share_goes_before_agreeing_arguments() -> None:
    gold = gold_facts()
    gold.events = [
        EventRecord(type="arrest", people=["Jane Roe", "Omar Haddad"], date="2019-06-02"),
        EventRecord(type="arrest", people=["Jane Roe"], date="2019-06-02", place="Valdora"),
    ]
    predicted = copy.deepcopy(gold)
    predicted.events = [
        EventRecord(type="arrest", people=["Jane Roe", "Omar Haddad"], date="2019-06-02", place="Valdora"),
    ]
    s = score(gold, predicted)
    assert s.events.tp == 1
    assert "valdora.txt: missed event arrest 2019-06-02 [Jane Roe]" in s.errors
    assert (s.argument_names["place"].tp, s.argument_names["place"].fp) == (0, 1)


def test_documents_are_paired_by_file_and_micro_averaged() -> None:
    a, b = gold_facts(), gold_facts()
    b.document = DocumentRecord(file="other.txt")
    b.events = b.events[:1]
    predicted_a = gold_facts()
    s = score_corpus([a, b], [predicted_a, Facts(document=DocumentRecord(file="extra.txt"))])
    assert s.missing == ["other.txt"]
    assert s.without_gold == ["extra.txt"]
    assert (s.events.tp, s.events.fn) == (4, 1)  # 4 of 5 gold events over both documents
    assert s.people.recall == 0.5


# --- end to end ----------------------------------------------------------------------------


def test_evaluating_the_gold_files_against_themselves_is_perfect(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(GOLD, docs)  # curated facts files build the same RDF extraction would
    result = subprocess.run(
        [*CLI, "evaluate", "--docs", str(docs), "--gold", str(GOLD), "--json", "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert len(report["documents"]["scored"]) == 5
    assert report["build_failures"] == []
    for section in ("people", "organisations", "events", "arguments"):
        assert report[section]["f1"] == 1.0, section
        assert report[section]["tp"] > 0, section
    assert report["event_f1"] == report["argument_f1"] == 1.0

    text = subprocess.run(
        [*CLI, "evaluate", "--docs", str(docs), "--gold", str(GOLD), "--workers", "0"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert text.returncode == 0, text.stderr
    assert text.stdout.rstrip().splitlines()[-1] == "event F1 1.000 argument F1 1.000"


def test_evaluate_refuses_unusable_gold(tmp_path: Path) -> None:
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "bad.yaml").write_text("events: []\n", encoding="utf-8")
    result = subprocess.run(
        [*CLI, "evaluate", "--docs", str(tmp_path), "--gold", str(tmp_path / "gold")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert "bad.yaml: document must be a mapping" in result.stderr


def test_details_name_each_error() -> None:
    predicted = gold_facts()
    predicted.events[0].place = "Streslau"
    del predicted.events[2]
    predicted.people.append(PersonRecord(name="Ivo Novak"))
    s = score(gold_facts(), predicted)
    assert s.errors == [
        "valdora.txt: person: spurious 'Ivo Novak' (other)",
        "valdora.txt: event arrest 2019-06-02 [Jane Roe]: place is 'Valdora', predicted 'Streslau'",
        "valdora.txt: missed event sentence 2020-01-15 [Jane Roe]",
    ]
    report = format_report(s, details=True)
    assert report.startswith("errors\n  valdora.txt: person: spurious 'Ivo Novak' (other)\n")
