"""A person's organisation, read from the words that tie the two, and the kind it implies.

"RSF deputy director Antoine Bernard", "Odhikar’s Secretary X", "X, Head of Policy at CIVICUS",
"X, director of programs at the Y": a post is a state official's or an NGO's according to
the body it is held in. The people finder types a person by the title alone, and titles such as
"director", "chairman" or "head" are held in NGOs as often as in the state; once the
organisations are known, the body the post is tied to decides (the annotation conventions: NGO
staff are defenders, state officials authorities).
"""

from __future__ import annotations

import re

from ingest.extract.organisations import Organisation
from ingest.extract.people import Person
from ingest.extract.resources import title_words, word_set
from ingest.extract.text import CleanText

# "<Org>['s] deputy director <Name>": a few words of a post between the body and the name.
_BEFORE = re.compile(r"(?:’s|'s|’|')?\s+(?:[\w\-]+\s+){1,3}")
# "<Name>, Head of Policy and Research at <Org>", "<Name>, who is the director of the <Org>".
_AFTER = re.compile(
    r"(?:’s|'s)?\s*,\s+(?:who\s+is\s+)?(?:(?:a|an|the)\s+)?[^.;()\n]{0,90}?\b(?:of|at|for|with|from|in)\s+(?:the\s+)?"
)
_CIVIL = ("ngo", "media")
_STATE = ("state-body", "court")


def _tied(ct: CleanText, person: Person, orgs: list[Organisation]) -> Organisation | None:
    """The organisation a mention of `person` names as the body of their post, if any (by any
    of its names: a later bare "at CIVICUS" need not have been found as a mention)."""
    text = ct.text
    names = sorted(((n, o) for o in orgs for n in o.names() if len(n) > 1), key=lambda x: -len(x[0]))
    for m in person.mentions:
        before = text[max(0, m.start - 60) : m.start]
        after = text[m.end : m.end + 160]
        for name, org in names:
            for hit in re.finditer(rf"(?<![\w\-]){re.escape(name)}(?![\w\-])", before):
                if _BEFORE.fullmatch(before, hit.end()) and _names_a_post(before[hit.end() :]):
                    return org
            for hit in re.finditer(rf"(?<![\w\-]){re.escape(name)}(?![\w\-])", after):
                if _AFTER.fullmatch(after, 0, hit.start()) and _names_a_post(after[: hit.start()]):
                    return org
    return None


def _names_a_post(words: str) -> bool:
    """Whether the words between a name and a body hold a post ("deputy director", "Head of
    Policy at"), not a verb ("the X Court convicted Y")."""
    posts = title_words() | word_set("ambiguous_titles")
    return any(w in posts for w in re.findall(r"[a-z\-]+", words.lower()))


def _titled_only(person: Person, civil_names: list[str]) -> bool:
    """Whether every role stated for `person` is a post held in NGOs as well as in the state
    ("director", "deputy chairman") or names a civil organisation itself."""
    ambiguous = word_set("ambiguous_titles")
    roles = [r.lower() for r in person.roles if r]
    return bool(roles) and all(
        r.split()[-1] in ambiguous or any(n.lower() in r for n in civil_names if len(n) > 2) for r in roles
    )


def affiliate(ct: CleanText, people: list[Person], orgs: list[Organisation]) -> None:
    """Give each person the organisation their post is tied to, and the kind that body implies:
    a post in an NGO or a newsroom makes a defender of someone typed only by an ambiguous title
    or not at all; a post in a state body or a court makes an authority of someone untyped."""
    civil_names = [n for o in orgs if o.kind in _CIVIL for n in o.names()]
    for person in people:
        org = _tied(ct, person, orgs)
        if org is not None and person.organisation is None:
            person.organisation = org.name
        civil = (org is not None and org.kind in _CIVIL) or any(
            n.lower() in r.lower() for r in person.roles for n in civil_names if len(n) > 2
        )
        if civil and (person.kind == "other" or (person.kind == "authority" and _titled_only(person, civil_names))):
            person.kind = "defender"
            person.position = None
        elif org is not None and org.kind in _STATE and person.kind == "other":
            person.kind = "authority"
