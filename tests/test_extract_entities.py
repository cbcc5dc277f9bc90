"""People, organisations and provisions, on short texts from other countries."""

from __future__ import annotations

from ingest.extract.organisations import find_organisations, kind_of
from ingest.extract.people import find_people
from ingest.extract.provisions import find_provisions
from ingest.extract.text import clean
from tests.extract_support import facts


def people(text: str) -> dict[str, str]:
    return {p.name: p.kind for p in find_people(clean(text))}


def test_titles_honorifics_and_given_names_make_people() -> None:
    found = people(
        "Judge Rustam Nazarov of the Yunusabad District Court refused bail to Ms. Feruza Tadjibaeva, "
        "a lawyer. HIS EXCELLENCY MR JAVLON VAKHABOV, Ambassador, received the letter."
    )
    assert found == {"Rustam Nazarov": "authority", "Feruza Tadjibaeva": "defender", "JAVLON VAKHABOV": "authority"}


def test_headings_places_and_organisations_are_not_people() -> None:
    found = people(
        "URGENT ACTION\nJOURNALIST DETAINED IN TASHKENT\nThe Human Rights Watch report on New York and Las Vegas "
        "quotes the Nelson Mandela Rules."
    )
    assert found == {}


def test_a_name_listed_with_a_person_is_a_person() -> None:
    found = people("Police detained the bloggers Otabek Sattoriy and Nasiba Qalandarova in Termez.")
    assert set(found) == {"Otabek Sattoriy", "Nasiba Qalandarova"}


def test_surname_mentions_resolve_to_the_full_name_even_when_glued() -> None:
    ct = clean("Lawyer Bakhrom Ismoilov was arrested. Ismoilov’s wife said Ismoilovwas beaten.")
    (person,) = find_people(ct)
    assert person.name == "Bakhrom Ismoilov"
    assert len(person.mentions) == 3


def test_one_report_spelling_a_surname_two_ways_names_one_person() -> None:
    ct = clean(
        "Journalist Mustafa Hajibeyli was convicted. Mustafa Hajibayli said he will appeal. "
        "Hajibayli was fined. Ali Karimov met Ali Karimova."
    )
    found = {p.name: p for p in find_people(ct)}
    assert found["Mustafa Hajibeyli"].aliases == ["Mustafa Hajibayli"]
    assert len(found["Mustafa Hajibeyli"].mentions) == 3  # the surname alone in its other spelling too
    # short surnames and letters that are not one vowel for another stay two people
    assert {"Ali Karimov", "Ali Karimova"} <= set(found)


def test_a_compound_surname_alone_is_the_same_person() -> None:
    found = people("Mr. Carlos Ruiz Ortega was detained. Later Mr. Ruiz Ortega was released.")
    assert list(found) == ["Carlos Ruiz Ortega"]


def test_rulers_and_quoted_ngo_staff() -> None:
    f = facts(
        'Under the Islam Karimov regime, dissent was crushed. "This is unacceptable," said Malika Rahimova, '
        "a researcher at the Uzbek Forum for Human Rights."
    )
    kinds = {p.name: p.kind for p in f.people}
    assert kinds == {"Islam Karimov": "authority", "Malika Rahimova": "defender"}


def orgs(text: str) -> dict[str, str]:
    return {o.name: o.kind for o in find_organisations(clean(text))}


def test_organisation_kinds_from_their_head_words() -> None:
    found = orgs(
        "The Criminal Chamber of the Tbilisi City Court, the State Security Service, the Ministry of Internal "
        "Affairs of Georgia, the Georgian Young Lawyers' Association and the UN Working Group on Arbitrary "
        "Detention were named."
    )
    assert found["Tbilisi City Court"] == "court"
    assert found["State Security Service"] == "state-body"
    assert found["Ministry of Internal Affairs of Georgia"] == "state-body"
    assert found["Georgian Young Lawyers' Association"] == "ngo"
    assert found["UN Working Group on Arbitrary Detention"] == "intergovernmental"


def test_unnamed_courts_and_facilities_and_quoted_names() -> None:
    found = orgs(
        "An appeals court in Tbilisi sent him to the pre-trial detention centre in Rustavi; he heads the NGO "
        "“Free Word”, a member of the “Caucasus Media” Coalition."
    )
    assert found == {
        "appeals court in Tbilisi": "court",
        "pre-trial detention centre in Rustavi": "detention-facility",
        "Free Word": "ngo",
        "Caucasus Media Coalition": "ngo",
    }


def test_two_wordings_of_one_facility_are_one_organisation_with_an_alias() -> None:
    (org,) = find_organisations(
        clean("moved from the Gldani pre-trial detention centre to the Gldani pre-trial detention centre")
    )
    assert org.kind == "detention-facility"
    (org,) = find_organisations(clean("held in the Rustavi detention centre, then the detention centre in Rustavi"))
    assert set(org.names()) == {"Rustavi detention centre", "detention centre in Rustavi"}


def test_acronyms_and_modifiers() -> None:
    found = find_organisations(clean("The Committee to Protect Journalists (CPJ) and the UN General Assembly met."))
    names = {o.name: o.aliases for o in found}
    assert names == {"Committee to Protect Journalists": ["CPJ"], "UN General Assembly": []}


def test_titles_are_not_organisations() -> None:
    assert kind_of("Prosecutor General's Office") == "state-body"
    assert orgs("Mr. Ivanov, Prosecutor General of Armenia, and the Human Rights Commissioner of Armenia") == {}


def test_provisions_listed_with_what_each_offence_is_called() -> None:
    # the glosses in brackets between articles, the code before or after the list; a bracketed
    # letter right after a number stays a subsection
    ct = clean(
        "convicted under Articles: 309 (abuse of power), 313 (official forgery) and 281 (appeals against "
        "the state) of the Criminal Code. He was charged under articles of the Criminal Code: 281.2 "
        "(appeals against the state) and 309.2 (abuse of power). Sentenced under section 505(a) of the Penal Code."
    )
    labels = [p.label for p in find_provisions(ct)]
    assert labels[:5] == [
        "Criminal Code 309",
        "Criminal Code 313",
        "Criminal Code 281",
        "Criminal Code 281.2",
        "Criminal Code 309.2",
    ]
    assert "Penal Code 505" not in labels


def test_provisions_take_codes_from_context() -> None:
    ct = clean(
        "charged under Article 159 part 4 of the Criminal Code; later also under Articles 159, 244.1 and 276. "
        "Fined under Art. 202-1 of the Code of Administrative Offences."
    )
    labels = [p.label for p in find_provisions(ct)]
    assert labels == [
        "Criminal Code 159 part 4",
        "Criminal Code 159",
        "Criminal Code 244.1",
        "Criminal Code 276",
        "Administrative Offences Code 202-1",
    ]


def test_nationality_adjectives_are_told_from_names() -> None:
    from ingest.extract.resources import is_demonym

    assert all(is_demonym(w) for w in ("Chinese", "Iranian", "Nigeriens", "Turkish", "Israeli", "British"))
    assert not any(is_demonym(w) for w in ("Christian", "Adrian", "Julian", "Kevin", "Ruslan", "Moscow", "Iran"))
