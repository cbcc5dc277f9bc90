"""Dates keep their precision; a missing year comes from context, never from today."""

from __future__ import annotations

import pytest

from ingest.extract.dates import find_dates
from ingest.extract.metadata import published_date
from ingest.extract.text import clean


def isos(text: str, published: str | None = None) -> list[str | None]:
    return [d.iso for d in find_dates(clean(text), published)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("arrested on 27 August 2016.", "2016-08-27"),
        ("arrested on August 27,2016.", "2016-08-27"),
        ("arrested on 27.08.2016.", "2016-08-27"),
        ("arrested on 2016-08-27.", "2016-08-27"),
        ("arrested on the 3rd of March 2019.", "2019-03-03"),
        ("arrested in March 2019.", "2019-03"),
        ("arrested in mid-March 2019.", "2019-03"),
        ("arrested in 2019.", "2019"),
    ],
)
def test_written_forms(text: str, expected: str) -> None:
    assert isos(text) == [expected]


def test_the_modal_may_is_not_a_month() -> None:
    assert isos("The authorities may 5 times refuse a permit.") == []


def test_a_yearless_date_takes_the_year_of_its_paragraph() -> None:
    text = "On 9 March 2018 she was detained. On 12 March she was charged."
    assert isos(text) == ["2018-03-09", "2018-03-12"]


def test_a_narrative_crossing_new_year_moves_to_the_next_year() -> None:
    text = "The verdict came on 20 December 2019 and on 14 January the appeal court heard the case."
    assert isos(text) == ["2019-12-20", "2020-01-14"]


def test_a_yearless_past_date_is_not_after_the_document_date() -> None:
    assert isos("She was arrested on 10 November.", published="2021-02-01") == ["2020-11-10"]
    assert isos("She will be tried on 10 March.", published="2021-02-01") == ["2021-03-10"]


def test_a_dateline_anchors_the_items_below_it() -> None:
    text = "Bishkek court rules\n\n22 April 2019\n\nOn 8 April the lawyer was summoned.\n"
    assert isos(text)[-1] == "2019-04-08"


def test_no_year_anywhere_gives_no_date() -> None:
    assert isos("On 21 May the police detained him.") == [None]


def test_relative_days() -> None:
    text = "On 4 June 2020 he was summoned. The next day he was arrested. Two days later he was charged."
    assert isos(text) == ["2020-06-04", "2020-06-05", "2020-06-07"]


def test_same_day_ignores_dates_that_name_something_else() -> None:
    text = "On 4 June 2020 he was arrested before the protest of 9 June. On the same day he was fined."
    assert isos(text)[-1] == "2020-06-04"


def test_published_date_is_the_one_dateline_and_none_for_a_page_of_items() -> None:
    one = clean("Report\n\nTbilisi, 3 May 2021\n\nThe court ruled on 2 May 2021.")
    assert published_date(one, find_dates(one)) == "2021-05-03"
    archive = clean("Item one\n\n3 May 2021\n\nText one.\n\nItem two\n\n9 April 2020\n\nText two.")
    assert published_date(archive, find_dates(archive)) is None


def test_a_count_ago_goes_back_from_the_report_date_at_its_unit() -> None:
    # "six months ago" in a report dated 7 April 2021: October 2020, no day invented.
    text = "He was arrested six months ago. He was fined two years ago. He was summoned three days ago."
    assert isos(text, "2021-04-07") == ["2020-10", "2019", "2021-04-04"]


def test_ago_needs_a_date_of_the_text_itself() -> None:
    # Only a date the text gives anchors it (like "today"): with none, no date at all.
    assert isos("He was arrested six months ago.") == []


def test_a_season_of_this_year_gives_the_year() -> None:
    assert isos("He was tortured during his detention this summer.", "2011-12-01") == ["2011"]


def test_later_in_the_day_is_the_day_just_told() -> None:
    assert isos("The hearing was on 7 April 2021. Later in the day he was jailed.") == ["2021-04-07", "2021-04-07"]


def test_yesterday_and_this_or_last_month_count_from_the_report_date() -> None:
    text = "She was detained yesterday. He was charged earlier this month. They were fined last month."
    assert isos(text, "2021-03-01") == ["2021-02-28", "2021-03", "2021-02"]
    assert isos(text) == []  # no date of the text's own: nothing to count from


def test_a_relative_month_yields_to_the_full_date_told_right_after() -> None:
    assert isos("Earlier this month, on 8 April, she challenged the summons.", "2016-04-20") == ["2016-04-08"]
