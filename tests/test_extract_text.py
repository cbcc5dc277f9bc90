"""Cleaning keeps a map back to the original: every quote is an exact slice of the text."""

from __future__ import annotations

from ingest.extract.text import clean


def test_glued_words_are_split_and_offsets_point_into_the_original() -> None:
    original = "OnJanuary 5, 2020, the court ofUzbekistan heard the case ofMs.Dilnoza Karimova."
    ct = clean(original)
    assert "On January 5, 2020" in ct.text
    assert "of Uzbekistan" in ct.text
    assert "Ms. Dilnoza" in ct.text
    start = ct.text.index("Uzbekistan")
    ev = ct.evidence(start, start + len("Uzbekistan"), "test")
    assert original[ev.start : ev.end] == ev.quote == "Uzbekistan"


def test_day_and_year_glued_by_a_comma_are_separated_but_thousands_are_not() -> None:
    ct = clean("Fined 1,500 euros on May 6,2019 in Tbilisi.")
    assert "May 6, 2019" in ct.text
    assert "1,500" in ct.text


def test_hard_wrapped_lines_are_joined_but_short_headings_are_not() -> None:
    text = "\n".join(
        [
            "URGENT ACTION",
            "Journalist detained",
            "The journalist Aziz Rahimov was detained by officers of the security service in the ",
            "",
            "capital on 3 March 2021 and taken to an unknown place without any warrant being shown ",
            "to him. His family was not told where he is held and his lawyer was refused access to ",
            "the building. The authorities have not replied to requests for information about his ",
            "whereabouts or his health.",
        ]
    )
    ct = clean(text)
    assert "security service in the capital on 3 March 2021" in ct.text
    assert "refused access to the building" in ct.text
    assert ct.text.startswith("URGENT ACTION\nJournalist detained\n")


def test_paragraph_per_line_text_is_never_rejoined() -> None:
    text = (
        "Photo: the activists outside the court building in the capital, 12 May 2022 (c) Anna Berg\n"
        "Kamila Yusupova, 34, is a blogger who writes about corruption in the regional administration.\n"
        "She was arrested on 10 May 2022 after publishing a video about the construction of a new road."
    )
    assert clean(text).text.count("\n") == 2


def test_sentences_do_not_break_after_abbreviations() -> None:
    ct = clean("Mr. Rahimov appeared before Court No. 3 on Monday. He was charged under Art. 244 part 2.")
    texts = [s.text for s in ct.sentences]
    assert texts == ["Mr. Rahimov appeared before Court No. 3 on Monday.", "He was charged under Art. 244 part 2."]


def test_sentences_do_not_break_after_dotted_initials() -> None:
    ct = clean("The U.S. Department of State criticised the verdict. The U.N. expert agreed.")
    texts = [s.text for s in ct.sentences]
    assert texts == ["The U.S. Department of State criticised the verdict.", "The U.N. expert agreed."]


def test_evidence_of_a_multi_line_span_is_the_original_slice() -> None:
    original = "Lawyer Nino Beridze\n\nwas summoned by the prosecutor."
    ct = clean(original)
    ev = ct.evidence(0, len(ct.text), "test")
    assert original[ev.start : ev.end] == ev.quote
    assert ev.quote.startswith("Lawyer") and ev.quote.endswith("prosecutor.")
