"""Legal events and their arguments, on short reports from other countries."""

from __future__ import annotations

from ingest.extract import extract_facts
from tests.extract_support import document, events_of, facts, one

REPORT = (
    "Tajikistan: lawyer sentenced\n"
    "\n"
    "Dushanbe, 10 October 2022\n"
    "\n"
    "On 5 October 2022, the Firdavsi District Court of Dushanbe found lawyer Daler Imomali and blogger "
    "Mirzo Salimov guilty under Articles 307 and 189 of the Criminal Code. They were sentenced to ten "
    "years in prison and a fine of 5,000 somoni. Judge Saidali Rahimov presided.\n"
    "\n"
    "Both men were arrested on 14 June 2022 in Dushanbe and charged the next day. The State Committee for"
    " National Security had summoned Imomali on 2 June 2022.\n"
    "\n"
    "Their lawyers intend to appeal the verdict. Salimov will be transferred to the penal colony in "
    "Yavan.\n"
    "\n"
    "Please write to the authorities urging them to release Daler Imomali and Mirzo Salimov immediately.\n"
    "\n"
)


def test_one_event_per_act_with_all_people_who_share_it() -> None:
    f = facts(REPORT)
    conviction = one(f, "conviction")
    assert conviction.people == ["Daler Imomali", "Mirzo Salimov"]
    assert conviction.date == "2022-10-05"
    assert conviction.authority == "Firdavsi District Court of Dushanbe"
    assert conviction.place == "Dushanbe"
    assert conviction.provisions == ["Criminal Code 307", "Criminal Code 189"]


def test_a_sentence_told_in_the_next_sentence_shares_the_verdict_day_and_court() -> None:
    sentence = one(facts(REPORT), "sentence")
    assert sentence.date == "2022-10-05"
    assert sentence.people == ["Daler Imomali", "Mirzo Salimov"]
    assert sentence.authority == "Firdavsi District Court of Dushanbe"
    assert "ten years in prison" in (sentence.penalty or "")


def test_relative_dates_and_places() -> None:
    f = facts(REPORT)
    arrest = one(f, "arrest")
    assert (arrest.date, arrest.place, arrest.people) == ("2022-06-14", "Dushanbe", ["Daler Imomali", "Mirzo Salimov"])
    assert one(f, "charge").date == "2022-06-15"
    summons = one(f, "summons")
    assert (summons.people, summons.date, summons.authority) == (
        ["Daler Imomali"],
        "2022-06-02",
        "State Committee for National Security",
    )


def test_announced_acts_are_planned_and_demands_are_not_events() -> None:
    f = facts(REPORT)
    appeal = one(f, "appeal-filed")
    assert appeal.status == "planned"
    transfer = one(f, "transfer")
    assert (transfer.status, transfer.people, transfer.to) == ("planned", ["Mirzo Salimov"], "penal colony in Yavan")
    assert events_of(f, "release") == []


def test_blocked_and_hypothetical_acts_are_not_events() -> None:
    f = facts(
        "On 3 May 2021 the court rejected her request for house arrest. If convicted, Gulnara Sadykova faces "
        "seven years. Activists called for Sadykova to be released. Many other people were detained that day."
    )
    assert f.events == []


def test_evidence_quotes_are_exact_slices_of_the_original_text() -> None:
    text = REPORT.replace("were arrested", "werearrested").replace("On 5 October", "On5 October")
    doc = document(text)
    f = extract_facts(doc)
    assert f.events
    evidence = [ev for e in f.events for ev in e.evidence]
    evidence += [ev for p in f.people for ev in p.evidence] + [ev for o in f.organisations for ev in o.evidence]
    assert evidence
    for ev in evidence:
        assert text[ev.start : ev.end] == ev.quote
        assert ev.method in ("rule", "model") and ev.rule


def test_appeal_outcomes_and_charge_changes() -> None:
    f = facts(
        "On 1 March 2020 investigators charged Arman Zhaksybekov under Article 174 of the Criminal Code. "
        "On 3 April 2020 the charges were requalified under Article 274. On 9 June 2020 the city court "
        "sentenced him to a fine. On 2 August 2020 the regional court overturned the verdict."
    )
    change = one(f, "charge-change")
    assert change.provisions == ["Criminal Code 274"]
    assert change.replaces == ["Criminal Code 174"]
    decision = one(f, "appeal-decision")
    assert (decision.outcome, decision.date) == ("overturned", "2020-08-02")


def test_people_named_in_the_next_sentence() -> None:
    f = facts(
        "Minsk, 2 March 2021\n\nA court in Minsk has upheld the sentences of two journalists. The court on "
        "1 March 2021 ruled to keep Katsiaryna Andreyeva and Darya Chultsova in prison."
    )
    decision = one(f, "appeal-decision")
    assert decision.people == ["Katsiaryna Andreyeva", "Darya Chultsova"]
    assert decision.date == "2021-03-01"


def test_document_metadata_from_the_text() -> None:
    f = facts(
        "Geneva-Paris, 4 April 2019\n\nThe Observatory for the Protection of Human Rights Defenders, a "
        "partnership of FIDH and the World Organisation Against Torture (OMCT), has received new information. "
        "Code: UZB 002 / 0419 / OBS 031."
    )
    assert f.document.published == "2019-04-04"
    assert f.document.reference == "UZB 002 / 0419 / OBS 031"
    assert f.document.publishers == [
        "Observatory for the Protection of Human Rights Defenders",
        "FIDH",
        "World Organisation Against Torture",
    ]
