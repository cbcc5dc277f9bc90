"""People named in a report, with kind, roles, post, affiliation and home town.

A capitalised run of two to four words is a person's name when the evidence around it adds up
(`vocabulary.yaml` holds every word list):
- an honorific or a title right before it ("Mr.", "Judge", "lawyer", "HIS EXCELLENCY MR");
- a known given name as its first word (gender-guesser's international first-name list);
- a surname ending ("-ov", "-enko", "-shvili", "-yan", "-uly", ...);
- an apposition naming a role (", a lawyer", ", Minister of Justice", ", 43,");
- a reporting verb ("said X"), a photo credit ("© 2016 X");
- optionally, the statistical model's PERSON label (the model reads only the sentences holding
  a run the rules leave undecided).
Then document-level propagation: a full name seen once makes later surname-only mentions
(and first-name-only ones, "Ales and Nasta") mentions of the same person.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from ingest.extract.organisations import kind_of
from ingest.extract.resources import is_demonym, is_given_name, is_place, titles, vocabulary, word_set
from ingest.extract.text import CleanText
from ingest.model import Evidence
from ingest.names import name_key

PersonSpans = Callable[[str, list[tuple[int, int]]], list[tuple[int, int]]]

_TOKEN = re.compile(r"[^\W\d_]+(?:[’'\-][^\W\d_]+)*(?:’s|'s)?", re.U)
# A surname joined to its particle: "al-Sayyed", "el-Masri", "bin-Laden", "ad-Din".
_PARTICLE_NAME = re.compile(r"(?:al|el|ad|ad|as|ash|at|az|an|ar|ibn|bin|bint|abu|ben|ould)-[A-Z]")
_VERB_FIRST = re.compile(r"\s*(?:[a-z]+ed|found|said|told|gave|took|held|ruled|sentenced|ordered|went|says|tells)\b")
_POSSESSIVE = re.compile(r"(?:’s|'s|’|')$")
_NICKNAME_OPEN = (' "', " “")
_NICKNAME_CLOSE = ('" ', "” ")
_HYPHENATED_GIVEN = re.compile(r"[A-Z][a-z]{1,5}-[a-z]{2,5}")


@dataclass
class PersonMention:
    start: int
    end: int
    text: str


@dataclass(eq=False)  # identity: two mentions of one name are still one entity
class Person:
    name: str
    tokens: list[str]
    kind: str = "other"
    roles: list[str] = field(default_factory=list)
    organisation: str | None = None
    position: str | None = None
    residence: str | None = None
    aliases: list[str] = field(default_factory=list)
    # Introduced as a relative of someone ("his wife, the illustrator X", "her brothers X and
    # Y"): acts against them do not make them defenders, and they are not who a report is about.
    relative: bool = False
    mentions: list[PersonMention] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    score: int = 0

    @property
    def key(self) -> str:
        return name_key(self.name)

    @property
    def surname(self) -> str:
        # Chinese and Korean names put the family name before a hyphenated given name
        # ("Kelvin Chan Tai-man", "Chan Tai-man"): the family name is the word before it.
        if len(self.tokens) >= 2 and _HYPHENATED_GIVEN.fullmatch(self.tokens[-1]):
            return self.tokens[-2]
        return self.tokens[-1]

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


@dataclass
class _Tok:
    start: int
    end: int
    text: str

    @property
    def word(self) -> str:
        return _POSSESSIVE.sub("", self.text)

    @property
    def is_cap(self) -> bool:
        w = self.word
        return bool(w) and ((w[0].isupper() and w[0].isalpha()) or _PARTICLE_NAME.match(w) is not None)

    @property
    def is_caps(self) -> bool:
        w = self.word
        return len(w) >= 2 and w.isupper()


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]


def _phrases(key: str) -> list[str]:
    return sorted((str(p).lower() for p in vocabulary().get(key, [])), key=len, reverse=True)


def _title_kind(words: list[str]) -> tuple[str, str] | None:
    """The title ending at the end of `words` (lower case), with the kind it implies."""
    return _title_of(" ".join(words))


@lru_cache(maxsize=8192)
def _title_of(joined: str) -> tuple[str, str] | None:
    # "ex-union chief": a former post names the same kind of person as the post.
    joined = re.sub(r"(?:^|(?<=\s))ex-", "", joined)
    best: tuple[str, str] | None = None
    for kind, ts in titles().items():
        for t in ts:
            if (joined == t or joined.endswith(" " + t)) and (best is None or len(t) > len(best[1])):
                best = (kind, t)
    return best


def _plural_title(words: list[str]) -> tuple[str, str] | None:
    """A title in the plural ("journalists", "leaders") at the end of `words`."""
    if not words or len(words[-1]) <= 3 or not words[-1].endswith("s"):
        return None
    return _title_of(" ".join([*words[:-1], words[-1][:-1]]))


class _Finder:
    def __init__(self, ct: CleanText, person_spans: PersonSpans | None) -> None:
        self.ct = ct
        self.text = ct.text
        self.toks = _tokens(ct.text)
        self.person_spans = person_spans
        self.not_name = word_set("not_name_words")
        self.honorifics = word_set("honorifics")
        self.particles = word_set("name_particles")
        self.suffixes = sorted(word_set("surname_suffixes"), key=len, reverse=True)
        self.reporting = word_set("reporting_verbs")
        name = r"[A-Z][^\W\d_]+(?:[\-’'][^\W\d_]+)*(?:\s+[A-Z][^\W\d_]+(?:[\-’'][^\W\d_]+)*){1,3}"
        verbs = "|".join(sorted(word_set("subject_verbs"), key=len, reverse=True))
        # The same acts told with the name as their object: "prosecutors charged X, Y and Z with".
        # A list goes on: "charged X, Y “Nick” Z and W" (each item opens with a capital).
        self.object_of = re.compile(rf"(?-i:\b(?:{verbs}))\s+(?:[A-Z][^,;.()]{{1,60}}?(?:,\s*|\s+and\s+)){{0,6}}$")
        # The rest of "X, Y and Z were detained" after one of the names (or of an apposition
        # closing on it: "One of them, X, was detained").
        self.passive_subject = re.compile(
            rf"(?:\s*(?:,|,?\s+and)\s+{name})*,?\s+(?:was|were|has\s+been|have\s+been|had\s+been)\s+"
            rf"(?:\w+ly\s+|also\s+|later\s+)?(?:{verbs})\b"
        )

    def runs(self) -> list[tuple[int, int]]:
        """Token index ranges [i, j) of capitalised runs on one line."""
        out = []
        i = 0
        n = len(self.toks)
        while i < n:
            if not self.toks[i].is_cap:
                i += 1
                continue
            j = i + 1
            while j < n:
                t = self.toks[j]
                gap = self.text[self.toks[j - 1].end : t.start]
                if gap in _NICKNAME_OPEN:
                    # A nickname in quotes inside the name: Robert "Bobby" Okello, X "Mor Lam Bank" Y.
                    close = next(
                        (
                            k
                            for k in range(j, min(j + 3, n - 1))
                            if self.text[self.toks[k].end : self.toks[k + 1].start] in _NICKNAME_CLOSE
                        ),
                        None,
                    )
                    if close is None or not all(x.is_cap for x in self.toks[j : close + 2]):
                        break
                    j = close + 2
                    continue
                if gap not in (" ", ". ", "."):
                    break
                initial = len(self.toks[j - 1].word) == 1 and self.toks[j - 1].word.isupper()
                if gap.startswith(".") and self.toks[j - 1].word.lower() not in self.honorifics and not initial:
                    break
                if t.is_cap or (t.word.lower() in self.particles and j + 1 < n and self.toks[j + 1].is_cap):
                    if _POSSESSIVE.search(self.toks[j - 1].text) and self.toks[j - 1].text[-1] in "’'s":
                        break
                    j += 1
                    continue
                break
            out.append((i, j))
            i = j
        return out

    def candidates(self) -> list[Person]:
        scored = [p for i, j in self.runs() if (p := self._candidate(i, j)) is not None]
        self._model_evidence(scored)
        accepted = [p for p in scored if p.score >= 2]
        # "X and Y", "X, Y and Z": a name coordinated with a person's name is a person's name
        # too (the title before the list covers them all: "defenders X and Y").
        # Only neighbours in the text can be listed together, so each run is compared with the
        # runs next to it (repeated until nothing changes: "X, Y and Z").
        scored.sort(key=lambda p: p.mentions[0].start)
        ok = [p.score >= 2 for p in scored]
        changed = True
        while changed:
            changed = False
            for i, p in enumerate(scored):
                if ok[i]:
                    continue
                for j in (i - 1, i + 1):
                    if 0 <= j < len(scored) and ok[j] and self._coordinated(p, scored[j], strict=p.score == 0):
                        ok[i] = changed = True
                        break
        accepted = [p for i, p in enumerate(scored) if ok[i]]
        # People listed together share the title before the list ("publishers X and Y").
        for i, p in enumerate(accepted):
            if p.kind == "other":
                near = [accepted[j] for j in (i - 1, i + 1) if 0 <= j < len(accepted)]
                p.kind = next((q.kind for q in near if q.kind != "other" and self._coordinated(p, q)), "other")
        return accepted

    def _coordinated(self, a: Person, b: Person, strict: bool = False) -> bool:
        """Joined by "and" (or, unless strict, by a comma in a list)."""
        first, second = sorted((a.mentions[0], b.mentions[0]), key=lambda m: m.start)
        gap = r"\s*,?\s+(?:and|&)\s+" if strict else r"\s*(?:,|,?\s+and|,?\s+&)\s+"
        return bool(re.fullmatch(gap, self.text[first.end : second.start]))

    def _candidate(self, i: int, j: int) -> Person | None:
        toks = _after_organisation(self.toks[i:j], self.text)
        score = 0
        roles: list[str] = []
        kind_hint: str | None = None
        # Strip leading honorifics and titles ("HIS EXCELLENCY MR", "Ambassador Ms.", "Judge").
        k = 0
        honorific = False
        while k < len(toks):
            low = toks[k].word.lower()
            two = " ".join(t.word.lower() for t in toks[k : k + 2])
            if two.replace(" ", ".") in self.honorifics:
                two = two.replace(" ", ".")  # "H.E." read as two initials
            if two in self.honorifics:
                honorific = True
                score += 3
                if two in ("his excellency", "her excellency"):
                    kind_hint = "authority"
                k += 2
                continue
            if low in self.honorifics:
                honorific = True
                score += 3
                k += 1
                continue
            title2 = _title_of(two) if k + 3 <= len(toks) else None
            if title2 and title2[1] == two:  # "Chief Magistrate", "Prime Minister"
                score += 2
                roles.append(f"{toks[k].word} {toks[k + 1].word}")
                kind_hint = kind_hint or title2[0]
                k += 2
                continue
            title = _title_kind([low])
            if title and k + 2 <= len(toks):
                score += 2
                roles.append(toks[k].word)
                kind_hint = kind_hint or title[0]
                k += 1
                continue
            if len(low) == 1 and self.text.startswith(".", toks[k].end):
                break  # an initial ("A. N. Petrova"), not the article "A"
            if low in self.not_name and not toks[k].is_caps:
                k += 1  # "Despite", "Urging", sentence-initial words
                continue
            if len(toks) - k >= 3 and (self._demonym_before(toks, k) or self._place_before_name(toks, k)):
                k += 1  # "Palestinian Human Rights Defender X", "the head of <Town> X Y"
                continue
            if k == 0 and low.endswith("ing") and self._sentence_initial(toks[k].start) and not is_given_name(low):
                k += 1  # "Jailing X and Y for ..." opens with a verb
                continue
            break
        name_toks = toks[k:]
        nickname = _nickname_tokens(name_toks, self.text)
        if nickname:
            name_toks = [t for t in name_toks if t not in nickname]  # "Parit “Penguin” Chiwarak"
        if not 2 <= len(name_toks) <= 4:
            return None
        words = [t.word for t in name_toks]
        if any(w.lower() in self.not_name and len(w) > 1 for w in words) or _title_kind([words[-1].lower()]):
            return None
        if all(t.is_caps for t in name_toks) and not honorific:
            return None  # headings in capitals ("JOURNALIST DETAINED ON ...")
        name = " ".join(words)
        if any(len(w) == 1 and w.isupper() for w in words[:-1]) or nickname:
            name = self.text[name_toks[0].start : name_toks[-1].start + len(words[-1])]  # "E. V. Lukina"
        # Evidence around the run.
        before = self._words_before(toks[0].start, 4)
        pre = None
        for n in range(len(before), 0, -1):
            pre = _title_kind(before[-n:])
            if pre:
                break
        # A first word that names a town is a place ("Almaty Regional"), unless a title or an
        # honorific right before says a person follows ("leaders Agbor Balla").
        # The object of an act on people ("charged X, Y and Z") is a person even where a first
        # word also names a town somewhere.
        acted_on = bool(self.object_of.search(self.text[max(0, toks[0].start - 250) : toks[0].start])) and (
            kind_of(name) is None
        )
        if nickname and not (acted_on or honorific or is_given_name(words[0])):
            return None  # a quoted phrase inside a capitalised run is a person's nickname only so
        titled = honorific or bool(roles) or acted_on or (pre is not None and self._adjacent(before, toks[0].start))
        if is_place(name) or (not titled and any(is_place(w) and not is_given_name(w) for w in words[:1])):
            return None
        if not titled and before and before[-1] == "at" and self._adjacent(before, toks[0].start):
            return None  # "the rally at Sanam Luang": a place
        start, end = name_toks[0].start, name_toks[-1].start + len(name_toks[-1].word)
        if pre is None and before and self._list_goes_on(toks[-1].end):
            # A title in the plural before a list covers it ("CACSC leaders X and Y").
            pre = _plural_title(before[-1:]) if self._adjacent(before, toks[0].start) else None
        if pre:
            score += 2
            roles.append(pre[1])
            kind_hint = kind_hint or pre[0]
        if is_given_name(words[0]):
            score += 2
        if any(words[-1].lower().endswith(s) and len(words[-1]) > len(s) + 2 for s in self.suffixes):
            score += 1
        after = self.text[end : end + 80]
        appos = re.match(r"\s*,\s*(?:(?:a|an|the)\s+)?([^,.;()]{2,70})", after)
        if appos:
            phrase = appos.group(1).lower()
            if re.match(r"\d{2}\b", phrase) or any(re.search(rf"\b{re.escape(r)}\b", phrase) for r in title_like()):
                score += 2
        if self.passive_subject.match(after):
            score += 2
        if acted_on:
            score += 2
        if before and before[-1] in self.reporting:
            score += 1
        if re.match(r"\s*,?\s+(?:" + "|".join(self.reporting) + r")\b", after):
            score += 1
        if re.match(r"\s*,\s+who\s", after) and kind_of(name) is None:
            score += 2  # "Baktash Abtin, who died": a relative clause about a person
        post = None if acted_on else self._post_before(start)  # a post before the verb is the actor's
        if post is not None:
            score += 2  # "the OSCE Representative on Freedom of the Media, Arlem Desir,"
            roles.append(post[1])
            kind_hint = kind_hint or post[0]
        if re.search(r"(?:©|photo:?|credit:?)\s*(?:\d{4}\s+)?$", self.text[max(0, start - 12) : start], re.I):
            score += 2
        person = Person(name=name, tokens=words, roles=roles, score=score)
        if kind_hint:
            person.kind = kind_hint
        person.mentions.append(PersonMention(start, end, self.text[start:end]))
        person.evidence.append(self.ct.evidence(start, end, "person.name"))
        return person

    def _model_evidence(self, scored: list[Person]) -> None:
        """The statistical model's PERSON label as evidence for the runs the rules leave
        undecided. The model alone is not enough (it tags street names and verbs): it needs one
        cue of the rules, or the surname used alone elsewhere ("Kiai also noted"). Runs the
        rules already accept gain nothing from it, so the model reads only the sentences
        holding an undecided run (most of a report needs no model at all)."""
        if self.person_spans is None:
            return
        undecided = []
        for p in scored:
            if p.score >= 2:
                continue
            alone = len(re.findall(rf"(?<![\w\-]){re.escape(p.tokens[-1])}(?![\w\-])", self.text)) > 1
            if p.score >= 1 or alone:
                undecided.append(p)
        if not undecided:
            return
        regions = sorted({(s.start, s.end) for p in undecided for s in [self.ct.sentence_at(p.mentions[0].start)]})
        spans = self.person_spans(self.text, regions)
        for p in undecided:
            m = p.mentions[0]
            if any(s < m.end and m.start < e for s, e in spans):
                p.score += 2
                p.evidence[:1] = [self.ct.evidence(m.start, m.end, "person.name+ner", method="model")]

    def _list_goes_on(self, pos: int) -> bool:
        """Whether "and <Capitalised>" follows `pos` (a list of names goes on)."""
        m = re.match(r"\s*,?\s+(?:and|&)\s+(\w)", self.text[pos : pos + 10])
        return m is not None and m.group(1).isupper()

    def _adjacent(self, before: list[str], pos: int) -> bool:
        """Whether the last word before `pos` is right before it (no comma or stop between)."""
        if not before:
            return False
        return bool(re.search(rf"\b{re.escape(before[-1])}\s+$", self.text[max(0, pos - 40) : pos], re.I))

    def _post_before(self, start: int) -> tuple[str, str] | None:
        """A post named right before the name and a comma ("South Africa’s High Commissioner to
        Tanzania, X, said"): a title word opening the phrase, a few words of office after it."""
        window = self.text[max(0, start - 90) : start]
        m = re.search(r"(?:^|[.;:(]\s|\b(?:the|The|a|an)\s|’s\s|'s\s)([A-Z][\w\-]*(?:\s+[\w’'\-]+){0,9}),\s*$", window)
        if not m:
            return None
        head = re.split(r"\s+(?:of|on|to|for|at)\s+", m.group(1))[0].lower()
        return _title_of(head)

    def _demonym_before(self, toks: list[_Tok], k: int) -> bool:
        """ "Palestinian Human Rights Defender X", "Iranian Narges X": a nationality opening a
        run that goes on with a title or a known given name (not "Turkish Airlines", "the
        Iranian Revolutionary Guards")."""
        nxt = toks[k + 1].word.lower()
        return is_demonym(toks[k].word) and (
            nxt in self.not_name or _title_kind([nxt]) is not None or is_given_name(toks[k + 1].word)
        )

    def _place_before_name(self, toks: list[_Tok], k: int) -> bool:
        """ "the head of Ganja Elmar Veliyev": a place after "of"/"in" that opens a run going on
        with a known given name."""
        return (
            is_place(toks[k].word)
            and not is_given_name(toks[k].word)
            and is_given_name(toks[k + 1].word)
            and bool(re.search(r"\b(?:of|in|from)\s+$", self.text[max(0, toks[k].start - 6) : toks[k].start]))
        )

    def _sentence_initial(self, pos: int) -> bool:
        return not self.text[:pos].strip() or self.text[:pos].rstrip()[-1] in '.!?\n“"('

    def _words_before(self, pos: int, n: int) -> list[str]:
        """Up to n lower-cased words before `pos`, crossing a comma or a line break."""
        window = self.text[max(0, pos - 60) : pos]
        # Not across a sentence's end ("... the Ministry of Justice. Ana Sefo"): a stop after a
        # word of four letters or more ("Mr." and "Dr." are no ends).
        end = list(re.finditer(r"[^\W\d_]{4,}[.!?]\s+", window))
        if end:
            window = window[end[-1].end() :]
        return [w.lower() for w in re.findall(r"[^\W\d_]+", window)][-n:]


def _nickname_tokens(toks: list[_Tok], text: str) -> list[_Tok]:
    """The tokens of a quoted nickname inside a name run (between an opening and a closing quote)."""
    inside: list[_Tok] = []
    opened = False
    for a, b in pairwise(toks):
        gap = text[a.end : b.start]
        if gap in _NICKNAME_OPEN:
            opened = True
        elif opened and text[a.end : a.end + 2] in _NICKNAME_CLOSE:
            opened = False
        if opened:
            inside.append(b)
            if text[b.end : b.end + 2] in _NICKNAME_CLOSE:
                opened = False
    return inside


def _after_organisation(toks: list[_Tok], text: str) -> list[_Tok]:
    """ "the leader of the Young Front Zmitser Dashkevich": a run that opens with an
    organisation's name of two or more words (ending in its head word: Front, Party, Watch)
    goes on with a person, when the rest is a name on its own (a known given name first, or
    the same words used elsewhere without the organisation)."""
    for k in range(len(toks) - 2, 1, -1):
        head = toks[k - 1].word
        if not head[:1].isupper() or toks[k - 1].is_caps or not kind_of(head):
            continue
        if not kind_of(" ".join(t.word for t in toks[:k])):
            continue
        rest = text[toks[k].start : toks[-1].end]
        if is_given_name(toks[k].word) or text.count(rest) > 1:
            return toks[k:]
    return toks


def title_like() -> list[str]:
    words: set[str] = set()
    for ts in titles().values():
        words |= ts
    for key in ("defender_roles", "authority_roles", "other_roles"):
        words |= set(_phrases(key))
    return sorted(words, key=len, reverse=True)


def find_people(ct: CleanText, person_spans: PersonSpans | None = None) -> list[Person]:
    """People named in `ct`; `person_spans(text, regions)` (the statistical model, optional)
    gives the character spans it labels PERSON inside the given regions of the text."""
    finder = _Finder(ct, person_spans)
    places = _places_named(ct.text)
    found = [p for p in finder.candidates() if p.name not in places]
    people: list[Person] = []
    for p in found:
        same = next((q for q in people if q.key == p.key or _same_person(q, p)), None)
        if same is None:
            people.append(p)
            continue
        same.mentions.extend(p.mentions)
        if p.key != same.key and p.name not in same.names():
            same.aliases.append(p.name)  # a spelling of its own ("Hajibayli" for "Hajibeyli")
        same.roles.extend(r for r in p.roles if r not in same.roles)
        if same.kind == "other" and p.kind != "other":
            same.kind = p.kind
        if len(p.tokens) > len(same.tokens):
            same.name, same.tokens = p.name, p.tokens
    people = _fold_pseudonyms(ct.text, people)
    _propagate(ct, people)
    kin = _kin_before()
    for p in people:
        _describe(ct, p)
        p.mentions.sort(key=lambda m: m.start)
        first = p.mentions[0].start
        p.relative = p.kind == "other" and bool(kin.search(ct.text, max(0, first - 70), first))
    return people


_PSEUDONYM = re.compile(
    r"\b(?:under|using|with|as)\s+(?:the\s+)?(?:(?:pseudonym|pen\s+name|nickname|alias|user\s?name|name|names)s?)"
    r"(?:\s+of)?\s*[“\"«][^”\"»]*$|\b(?:known|nicknamed|called)\s+(?:as\s+)?[“\"«][^”\"»]*$",
    re.I,
)


def _fold_pseudonyms(text: str, people: list[Person]) -> list[Person]:
    """ "opened a blog under the names of “Thuy Nga” and “Tran Thi Nga”": a name used only in
    quotes after "under the name of", "pseudonym", "known as" is another name of the person the
    sentence is about (the last one named before it), not a person of its own."""
    kept: list[Person] = []
    for p in sorted(people, key=lambda q: q.mentions[0].start):
        quoted = all(_PSEUDONYM.search(text, max(0, m.start - 80), m.start) for m in p.mentions)
        # The owner is named before it and shares a word with it ("Thuy Nga" of "Tran Thi Nga"):
        # "known as “X”" may as well introduce someone else.
        keys = {name_key(t) for t in p.tokens}
        owners = [q for q in kept if keys & {name_key(t) for t in q.tokens}]
        owner = max(owners, key=lambda q: q.mentions[0].start, default=None)
        if quoted and owner is not None:
            if p.name not in owner.names():
                owner.aliases.append(p.name)
            owner.mentions.extend(p.mentions)
            continue
        kept.append(p)
    return kept


def _places_named(text: str) -> set[str]:
    """Capitalised runs the report itself calls places: "Ha Nam province", "Phu Ly city",
    "the Ha Nam region" (a lower-case place word right after them)."""
    heads = "|".join(sorted((re.escape(w) for w in word_set("place_heads")), key=len, reverse=True))
    run = r"[A-Z][^\W\d_]+(?:\s+[A-Z][^\W\d_]+){1,3}"
    return {m.group(1) for m in re.finditer(rf"({run})\s+(?:{heads})\b", text)}


@lru_cache(maxsize=1)
def _kin_before() -> re.Pattern[str]:
    """ "his wife, the illustrator", "her brothers X and": a relation word right before a name."""
    words = "|".join(sorted((re.escape(w) for w in word_set("relatives")), key=len, reverse=True))
    return re.compile(rf"\b(?:his|her|their)\s+(?:\w+\s+)?(?:{words})\b[^.;:\n]{{0,45}}$", re.I)


def _same_person(a: Person, b: Person) -> bool:
    """One written with a middle name the other omits, or one the other's compound surname
    alone ("Mr. Ramírez Luna" after "Mr. Carlos Ramírez Luna")."""
    ka = [name_key(t) for t in a.tokens]
    kb = [name_key(t) for t in b.tokens]
    if ka[0] == kb[0] and ka[-1] == kb[-1]:
        return True
    if len(ka) == len(kb) >= 2 and sorted(ka) == sorted(kb):
        return True  # "Amro Issa" in a headline, "Issa Amro" in the text: one name in either order
    short, long_ = sorted((ka, kb), key=len)
    # "M.O. Belkacemi" for "Mohand Ouali Belkacemi": initials of the given names, same surname.
    sa, la = sorted((a.tokens, b.tokens), key=lambda ts: sum(len(t) > 1 for t in ts))
    if (
        len(sa) == len(la)
        and ka[-1] == kb[-1]
        and all(len(t.rstrip(".")) == 1 for t in sa[:-1])
        and all(t[0].lower() == u[0].lower() for t, u in zip(sa[:-1], la[:-1], strict=True))
        and any(len(t) > 1 for t in la[:-1])
    ):
        return True
    # "Ana Ruiz" after "Ana María Ruiz Soto": given name and first family name of a name with
    # two family names (Spanish, Portuguese usage).
    if len(short) == 2 and len(long_) == 4 and short[0] == long_[0] and short[1] == long_[2]:
        return True
    # "Mustafa Hajibeyli" and "Mustafa Hajibayli" in one report: one vowel apart in a long
    # surname, the given names alike. A transliteration the key's rules do not fold (the
    # Azerbaijani ə written e or a); within one report it is one person. Across reports such
    # pairs stay apart until a reviewed decision joins them (data/resolver.tsv).
    if len(ka) == len(kb) >= 2 and ka[:-1] == kb[:-1] and _one_vowel_apart(ka[-1], kb[-1]):
        return True
    # "Tesfaye Alemu" after "Tesfaye Alemu Bekele": a whole-token prefix of two or more tokens.
    return len(short) >= 2 and len(long_) > len(short) and short in (long_[-len(short) :], long_[: len(short)])


# A court or a hearing "chaired by" / "presided over by" someone: that person is its judge.
_PRESIDING = re.compile(
    r"\b(?:[Cc]ourt|[Tt]ribunal|[Pp]anel|[Cc]ollegium|[Bb]ench|hearing|session|trial)\b[^.;]{0,60}?"
    r"\b(?:chaired|presided(?:\s+over)?|headed)\s+by\s+(?:[Jj]udge\s+)?$"
)
_VOWELS = frozenset("aeiouy")


def _one_vowel_apart(a: str, b: str) -> bool:
    """Two name keys of six letters or more that differ in one vowel alone."""
    if len(a) != len(b) or len(a) < 6:
        return False
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(diff) == 1 and diff[0][0] in _VOWELS and diff[0][1] in _VOWELS


def _propagate(ct: CleanText, people: list[Person]) -> None:
    """Surname-only and first-name-only mentions of people already named in full."""
    text = ct.text
    # Words glued to a name in PDF copies ("Salimovstarted"): a name followed by one of them.
    glue = (
        "and",
        "was",
        "were",
        "started",
        "began",
        "had",
        "has",
        "is",
        "of",
        "in",
        "to",
        "the",
        "for",
        "with",
        "said",
    )
    surnames: dict[str, list[Person]] = {}
    firsts: dict[str, list[Person]] = {}
    for p in people:
        surnames.setdefault(name_key(p.surname), []).append(p)
        firsts.setdefault(name_key(p.tokens[0]), []).append(p)
        for alias in p.aliases:  # the surname of a spelling of its own ("Hajibayli")
            words = alias.split()
            if len(words) >= 2 and p not in surnames.get(name_key(words[-1]), []):
                surnames.setdefault(name_key(words[-1]), []).append(p)
    taken = sorted((m.start, m.end) for p in people for m in p.mentions)
    taken_starts = [s for s, _ in taken]
    for m in re.finditer(
        r"(?<![\w\-])((?:[a-z]{2,4}-)?[A-Z][^\W\d_]+(?:-[A-Z][^\W\d_]+)?)(?:’s|'s)?(?![^\W\d_])", text
    ):
        word = m.group(1)
        i = bisect_right(taken_starts, m.start()) - 1
        if i >= 0 and taken[i][0] <= m.start() < taken[i][1]:
            continue
        key = _word_key(word)
        if key not in surnames and key not in firsts:
            stem = next((word[: -len(g)] for g in glue if word.endswith(g) and len(word) - len(g) >= 3), None)
            if stem is None:
                continue
            word, key = stem, name_key(stem)
        owners = surnames.get(key, [])
        if len(owners) > 1:
            # Two people share a surname (a defender and a relative): the one already named
            # in full before this mention is meant.
            owners = [o for o in owners if min(x.start for x in o.mentions) < m.start()] or owners
        first_owner = firsts.get(key, [])
        if len(owners) == 1:
            owner = owners[0]
        elif not owners and len(first_owner) == 1 and len(word) >= 3:
            owner = first_owner[0]
            if word not in owner.aliases:
                owner.aliases.append(word)
        else:
            continue
        owner.mentions.append(PersonMention(m.start(1), m.start(1) + len(word), word))


@lru_cache(maxsize=65536)
def _word_key(word: str) -> str:
    return name_key(word)


def _describe(ct: CleanText, p: Person) -> None:
    """Kind, roles, post, affiliation and residence from the words around the mentions."""
    text = ct.text
    defender = _phrases("defender_roles")
    authority = _phrases("authority_roles")
    other = _phrases("other_roles")
    suffix_words = word_set("authority_suffix_words")
    kinds: set[str] = set()
    if p.kind != "other":
        kinds.add(p.kind)
    for m in p.mentions:
        after = text[m.end : m.end + 160]
        before = text[max(0, m.start - 70) : m.start]
        appos = re.match(r"(?:’s|'s)?(?:\[\d+\])?\s*,\s*(?:(?:a|an|the)\s+)?([^.;()\n]{2,140})", after)
        if appos:
            cut = re.search(
                r",\s+(?:and\s+)?(?:Mr|Ms|Mrs|Messrs|Dr)\b|\s+(?:who|which|has|had|was|were|is|are)\s|,\s+(?=[A-Z])",
                appos.group(1),
            )
            phrase = appos.group(1)[: cut.start()] if cut else appos.group(1)
            appos_text: str | None = phrase.strip(" ,")
            if _VERB_FIRST.match(phrase):
                appos_text = None  # "Judge X, found Y guilty": the sentence goes on, no apposition
        else:
            appos_text = None
        context = []
        if appos_text:
            context.append(appos_text)
        pre = re.search(r"(?:^|[,.;:(]\s*|\b(?:the|a|an)\s+)([a-z][\w\s\-]{2,50})\s*,?\s*$", before)
        # "the magistrate released X": a role followed by a verb is the one acting on X.
        if pre and not re.search(r"\b\w+(?:ed|ing)\s*,?\s*$", pre.group(1)):
            context.append(pre.group(1))
        if m.start == p.mentions[0].start and not appos_text:
            line_before = text[: m.start].rsplit("\n", 2)
            if len(line_before) >= 2 and len(line_before[-2]) <= 60 and line_before[-1].strip() == "":
                context.append(line_before[-2])  # "Prosecutor General\nName" in address blocks
        for phrase in context:
            low = phrase.lower()
            found_kind = None
            for kind, table in (("defender", defender), ("authority", authority), ("other", other)):
                hit = next((r for r in table if re.search(rf"\b{re.escape(r)}\b", low)), None)
                if hit:
                    found_kind = kind
                    break
            if found_kind:
                kinds.add(found_kind)
                role = phrase.strip(" ,")
                if role and role not in p.roles and len(role) <= 140:
                    p.roles.append(role)
                if found_kind == "authority" and not p.position:
                    p.position = role
            place = re.search(r"\bfrom\s+([A-Z][\w\-]+)|\b([A-Z][\w\-]+)-based\b", phrase)
            if place and not p.residence:
                p.residence = place.group(1) or place.group(2)
        if re.match(rf"\s+(?:{'|'.join(suffix_words)})\b", after):
            kinds.add("authority")
        if _PRESIDING.search(before):
            kinds.add("authority")  # "the Supreme Court, chaired by X": the presiding judge
            if "presiding judge" not in p.roles:
                p.roles.append("presiding judge")
        residence = re.search(r"\bfrom\s+([A-Z][\w\-]+)\s*$", before) or re.search(
            r"\b([A-Z][\w\-]+)-based\s+\w+\s*$", before
        )
        if residence and not p.residence and is_place(residence.group(1)):
            p.residence = residence.group(1)
    if "authority" in kinds and "defender" not in kinds:
        p.kind = "authority"
    elif "defender" in kinds:
        p.kind = "defender"
    elif "authority" in kinds:
        p.kind = "authority"
