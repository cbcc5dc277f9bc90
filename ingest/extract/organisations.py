"""Organisations named in a report: courts, state bodies, places of detention, NGOs, media,
international bodies. Found four ways, all driven by `data/extract/organisations.yaml`:

- known organisations (publishers and international bodies) with their acronyms;
- capitalised phrases headed by an organisation word ("Regional Court", "Ministry of Justice",
  "Observatory for the Protection of ..."), typed by their head;
- lower-case descriptions of facilities and unnamed courts ("a pre-trial detention facility
  in <City>", "an administrative court");
- names in quotes after a kind word ("the NGO “X”").

Mentions of one organisation within a document ("<City> Court No. 2" and "<City> City Court
No. 2", "<City> pre-trial detention centre" and "pre-trial detention centre in <City>") are
merged, the fuller name kept and the others kept as aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ingest.extract.acronyms import defined_names
from ingest.extract.resources import (
    compile_pattern,
    is_country,
    is_demonym,
    is_place,
    organisation_rules,
    title_words,
    vocabulary,
)
from ingest.extract.spans import Spans
from ingest.extract.text import CleanText, months
from ingest.model import Evidence

# Any capital letter, not only A-Z: names begin with "İ", "Ş", "Ž", "Ö" as well.
_UP = "[" + "".join(c for c in map(chr, range(0x41, 0x530)) if c.isupper() and c.isalpha()) + "]"
_CAPW = (
    rf"(?:[“\"«]{_UP}[^”\"»\n]{{0,60}}[”\"»]|No\.? ?\d+(?:/\d+)?|{_UP}[\w’'\-]*"
    r"|\d{4}|\d+(?:st|nd|rd|th)\b|\d+(?:/\d+)?)"
)
# Lower-case words allowed inside a name when a capitalised word follows ("the Osh
# regional National Preventive Mechanism").
_CONNECT = (
    r"(?:of|for|on|against|and|the|de|del|de la|di|da|do|dos|das|du|des|la|le|los|las|y|e|pour|para|por"
    r"|regional|city|district|oblast|provincial)"
)
# A name starts with a word, not a number, except an ordinal before a capitalised word ("the
# 36th High Criminal Court").
_FIRST = rf"(?:[“\"«]{_UP}[^”\"»\n]{{0,60}}[”\"»]|{_UP}[\w’'\-]*|\d+(?:st|nd|rd|th)(?= {_UP}))"
_CHUNK = re.compile(rf"{_FIRST}(?: (?:{_CONNECT} )*{_CAPW})*")
# Words of one line: a place name never runs on into the next paragraph's first word.
# A determiner opening a sentence is not a place ("The prison guards", "This jail").
# A month is a time, not a place: "retried at an appeals court in March".
_MONTH_NAMES = "|".join(m.capitalize() for m in months() if len(m) > 3)
_DETERMINERS = "The|A|An|This|That|These|Those|His|Her|Their|Its|Our|My|Your|Every|Each|Any|Some|No"
_NOT_PLACE = rf"(?:{_DETERMINERS}|{_MONTH_NAMES})\b"
_PLACE = rf"(?-i:(?!{_NOT_PLACE}){_UP}[\w’'\-]+(?: {_UP}[\w’'\-]+)?)"
_NUM = r"\d+(?:/\d+)?"
# Words that open a sentence before a name and are no part of it: articles, counts ("Two Vice
# News journalists"), days ("This Thursday the UN Human Rights Council").
_LEAD = re.compile(
    r"(?:(?:The|A|An|This|That|Last|Next|Both|All|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Several|Many"
    r"|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Today|Yesterday|the)\s+)+(?=\S)"
)
_STOP_TOKENS = frozenset({"in", "of", "the", "a", "an", "to", "for", "and", "s"})


@dataclass
class OrgMention:
    start: int
    end: int
    text: str


@dataclass(eq=False)  # identity: two mentions of one name are still one entity
class Organisation:
    name: str
    kind: str
    place: str | None = None
    aliases: list[str] = field(default_factory=list)
    mentions: list[OrgMention] = field(default_factory=list)
    publisher: bool = False
    known: bool = False
    evidence: list[Evidence] = field(default_factory=list)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


@lru_cache(maxsize=1)
def _kind_words() -> list[tuple[str, str]]:
    """(" phrase ", kind) for every kind word, folded as `kind_of` folds names."""
    out = []
    for rule in organisation_rules()["kind_rules"]:
        for w in rule["words"]:
            out.append((" " + " ".join(_words(str(w))) + " ", rule["kind"]))
    return out


@lru_cache(maxsize=1)
def _known() -> list[dict[str, Any]]:
    return list(organisation_rules().get("known", []))


@lru_cache(maxsize=1)
def _generic() -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for rule in organisation_rules().get("generic_patterns", []):
        # The cleaned text separates words with one space and paragraphs with a newline: a
        # description never runs across a paragraph.
        pattern = rule["pattern"].replace(r"\s", " ").replace("{PLACE}", _PLACE).replace("{NUM}", _NUM)
        pattern += r"(?![\w\-])"  # whole words: "prison" is not the start of "prisoners"
        out.append((rule["kind"], compile_pattern(pattern, "organisations.yaml generic_patterns")))
    return out


@lru_cache(maxsize=1)
def _quoted() -> re.Pattern[str]:
    return re.compile(
        r"\b(?P<head>NGO|non-governmental organi[sz]ation|organi[sz]ation|group|movement|association|foundation|"
        r"coalition|party|union|newspaper|website|outlet|network|initiative)\s+[“\"«](?P<name>[^”\"»\n]{2,60})[”\"»]",
        re.I,
    )


@lru_cache(maxsize=1)
def _introduced() -> tuple[re.Pattern[str], dict[str, str]]:
    """ "the weekly X", "the group X": a capitalised name right after a kind word."""
    heads = {str(w).lower(): kind for kind, ws in organisation_rules().get("introduced_by", {}).items() for w in ws}
    alt = "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in sorted(heads, key=len, reverse=True))
    word = r"[A-Z][\w’'\-]*[\w]"
    # "the weekly X", "the privately owned Amharic weekly X": up to three describing words between.
    describing = r"(?:[a-z\-]+\s+|[A-Z][a-z]+(?:ic|ian|ish|ese|i)\s+){0,3}?"
    name = rf"(?:The\s+)?{word}(?:\s+{word}){{0,3}}"
    # The article may be left out before a lower-case kind word ("state-run media outlet RIA
    # Novosti", "human rights organization Odhikar").
    pattern = rf"(?:\b(?P<art>(?i:the|a|an))\s+)?{describing}(?P<head>(?i:{alt}))\s+(?P<name>{name})(?![\w’'])"
    return compile_pattern(pattern, "organisations.yaml introduced_by", flags=0), heads


@lru_cache(maxsize=1)
def _introduced_after() -> tuple[re.Pattern[str], dict[str, str]]:
    """ "the Kommersant newspaper", "the Youth Against Settlements group": capitalised words
    between an article and a lower-case kind word."""
    heads = {str(w).lower(): kind for kind, ws in organisation_rules().get("introduced_after", {}).items() for w in ws}
    alt = "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in sorted(heads, key=len, reverse=True))
    word = r"[A-Z][\w’'\-]*[\w]"
    name = rf"{word}(?:\s+(?:(?:of|for|against|and|the)\s+)?{word}){{0,4}}"
    pattern = rf"\b(?i:the|a|an)\s+(?P<name>{name})\s+(?P<head>{alt})\b(?![\w\-])"
    return compile_pattern(pattern, "organisations.yaml introduced_after", flags=0), heads


@lru_cache(maxsize=1)
def _not_introduced() -> frozenset[str]:
    calendar = [*vocabulary()["months"], "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    return frozenset([*(str(w).lower() for w in organisation_rules().get("not_introduced", [])), *calendar, "today"])


def _introduced_name_ok(name: str) -> bool:
    """Not a platform, a nationality, a place, a date or a word ending a clause."""
    words = name.split()
    first = words[0].lower()
    if first in _not_introduced() or is_demonym(words[0]) or is_place(name):
        return False
    return not any(w.lower().endswith("-based") for w in words)


@lru_cache(maxsize=1)
def _named_heads() -> frozenset[str]:
    return frozenset(str(w).lower() for w in organisation_rules().get("named_with_head", []))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’s", "").replace("'s", ""))


@lru_cache(maxsize=8192)
def kind_of(name: str) -> str | None:
    """The kind of a known organisation, else of its head words."""
    entry = _known_forms()[1].get(name.strip())
    if entry is not None:
        return str(entry.get("kind", "ngo"))
    return _kind_from_words(name)


def _kind_from_words(name: str) -> str | None:
    """The kind of an organisation from its head words (longest phrase wins, then the last one
    before the first "of/for", so "National Security Committee" is a state body)."""
    low = " " + " ".join(_words(name)) + " "
    # A listed name of three or more words ("working group on arbitrary detention") is specific
    # enough to decide before the head words.
    named = [(len(p), kind) for p, kind in _kind_words() if p.count(" ") >= 4 and p in low]
    if named:
        return max(named)[1]
    head_part = re.split(r"\b(?:of|for|against|on)\b", low, maxsplit=1)[0] + " "
    for part in (head_part, low):
        best: tuple[int, int, str] | None = None
        for p, kind in _kind_words():
            idx = part.rfind(p)
            if idx >= 0 and (best is None or (idx + len(p), len(p)) > best[:2]):
                best = (idx + len(p), len(p), kind)
        if best is not None:
            return best[2]
    return None


def _is_title_phrase(chunk: str) -> bool:
    """ "Prosecutor General of X", "Judge Y of Z", "Head of the NGO": a person's post, not an
    organisation (unless it ends in an organisation word: "Prosecutor General's Office")."""
    head = re.split(r"\s+(?:of|for|against|on|to)\s+", chunk, maxsplit=1)[0]
    if re.search(r"(?:’s|'s|s’|s')\s+Office$", head):
        return False  # "Prosecutor General’s Office": the office of a post is a body
    words = _words(head)
    titles = title_words() | {str(w) for w in organisation_rules().get("person_heads", [])}
    if not words:
        return False
    if words[-1] in titles or " ".join(words[-2:]) in titles:
        return True
    return words[0] in titles and kind_of(" ".join(words[1:])) is None


def _bad(chunk: str) -> bool:
    rules = organisation_rules()
    words = _words(chunk)
    vetoed = [i for i, w in enumerate(words) if w in {str(x) for x in rules["not_organisation_words"]}]
    # "Wall Street Journal": a word that names a document or a street inside a name is vetoed
    # only where no organisation head word ends the name after it with nothing joining them
    # ("European Convention on Human Rights" stays a treaty).
    headed = (
        bool(vetoed)
        and _kind_from_words(words[-1]) is not None
        and not set(words[vetoed[-1] :]) & {"of", "on", "for", "against"}
    )
    if vetoed and (vetoed[-1] == len(words) - 1 or not headed):
        return True
    low = " " + " ".join(words) + " "
    if any(f" {p} " in low for p in rules.get("not_organisation_phrases", [])):
        return True
    # "News Line", "Latest News": a site's menu or section heading, made only of generic words.
    menu = {str(w) for w in rules.get("menu_words", [])}
    return all(w in menu for w in words)


def _place_of(name: str) -> str | None:
    m = re.search(r"\b(?:in|of)\s+(?:the\s+(?:city|town|village)\s+of\s+)?([A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)\s*$", name)
    if m and (is_place(m.group(1)) or kind_of(name) in ("detention-facility",)):
        return m.group(1)
    if kind_of(name) in ("court", "detention-facility", "state-body"):
        # The longest run of leading words that names a place: "Ho Chi Minh City People's Court".
        words = re.findall(r"[A-Z][\w\-]*", re.split(r"(?:’s|'s)\b", name)[0])
        lead = name.split()
        for n in range(min(4, len(lead)), 0, -1):
            if n < len(lead) and lead[n].lower() == "district":
                continue  # "<X> District Court": X names a district, not the court's city
            candidate = " ".join(lead[:n]).removesuffix("’s").removesuffix("'s")
            if len(candidate) >= 3 and candidate[:1].isupper() and candidate[1:2].islower() and is_place(candidate):
                return candidate
        del words
    return None


def _normalise(name: str) -> tuple[str, list[str]]:
    """Strip quotes and articles; "<City>’s City Court" -> "<City> City Court"; sub-units
    ("Criminal Division of the X") -> X with the full phrase as an alias."""
    aliases: list[str] = []
    name = re.sub(r"[“”\"«»]", "", name).strip(" ,.")
    name = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I)
    name = re.sub(r"\s+No\.(?=\d)", " No. ", name)
    original = name
    m = re.match(r"([A-Z][\w\-]+)(?:’s|'s)\s+(.*)$", name)
    if m:
        rest = m.group(2)
        if re.match(r"(?:City|Regional|District|Oblast|Provincial|Municipal)\b", rest):
            name = f"{m.group(1)} {rest}"
        elif is_place(m.group(1)) and kind_of(rest):
            name = rest
    subs = "|".join(re.escape(s) for s in organisation_rules().get("sub_units", []))
    sm = re.match(rf"(?:[A-Z][\w\-]*\s+)*(?:{subs})\s+of\s+(?:the\s+)?(.+)$", name, re.I)
    if sm and kind_of(sm.group(1)):
        name = sm.group(1)
    if name != original:
        aliases.append(original)
    return name, aliases


class _Collector:
    def __init__(self, ct: CleanText) -> None:
        self.ct = ct
        self.orgs: list[Organisation] = []
        self.spans = Spans()
        self.by_name: dict[str, Organisation] = {}
        self.first: dict[tuple[int, int], Organisation] = {}  # first mention span -> organisation

    def add(
        self, start: int, end: int, name: str, kind: str, rule: str, *, known: dict[str, Any] | None = None
    ) -> None:
        if self.spans.covers(start, end):
            # Already covered by a longer mention: keep only as a mention of that one.
            return
        overlapping = [self.first[x] for x in self._overlapping(start, end) if x in self.first]
        for org in overlapping:
            m = org.mentions[0]
            if start < m.end and m.start < end and not (start <= m.start and m.end <= end):
                # Two descriptions overlapping ("the X pre-trial detention centre in Y"): one
                # facility, named by their union.
                s0, e0 = min(start, m.start), max(end, m.end)
                org.name, aliases = _normalise(self.ct.text[s0:e0])
                org.aliases.extend(a for a in aliases if a not in org.aliases)
                org.place = org.place or _place_of(org.name)
                self.first.pop((m.start, m.end), None)
                org.mentions[0] = OrgMention(s0, e0, self.ct.text[s0:e0])
                self.first[(s0, e0)] = org
                org.evidence[:1] = [self.ct.evidence(s0, e0, rule)]
                self.spans.add(s0, e0)
                return
        name, aliases = _normalise(name)
        if len(name) < 2:
            return
        same = self.by_name.get(name)
        if same is not None and same.kind == kind:
            # Another mention of a name already found: one organisation, one more mention.
            same.mentions.append(OrgMention(start, end, self.ct.text[start:end]))
            self.spans.add(start, end)
            return
        org = Organisation(name=name, kind=kind, aliases=aliases, place=_place_of(name))
        if known:
            org.known = True
            org.publisher = bool(known.get("publisher"))
        org.mentions.append(OrgMention(start, end, self.ct.text[start:end]))
        org.evidence.append(self.ct.evidence(start, end, rule))
        self.orgs.append(org)
        self.by_name[name] = org
        self.first[(start, end)] = org
        self.spans.add(start, end)

    def _overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        return [x for x in self.spans.near(start, end) if x[0] < end and start < x[1]]


def _extend(text: str, start: int, end: int, name: str) -> int:
    """Extend a chunk by "to the <Org>" (delegations) and "in <Place>" (embassies, facilities, courts)."""
    rules = organisation_rules()
    low = name.lower()
    if any(re.search(rf"\b{h}\b", low) for h in rules.get("to_suffix_heads", [])):
        m = re.match(rf"\s+to\s+the\s+{_CAPW}(?:\s+{_CAPW})*", text[end:])
        if m:
            end += m.end()
    if any(re.search(rf"\b{h}\b", low) for h in rules.get("place_suffix_heads", [])):
        m = re.match(r" in (?:the (?:city|town|village) of )?([A-Z][\w\-]+(?: [A-Z][\w\-]+)?)", text[end:])
        if m and (is_place(m.group(1)) or kind_of(name) == "detention-facility"):
            end += m.end()
    return end


_LEVEL = re.compile(r"(?<=\b[Tt]he )[a-z]+-(?:level|instance) $")


def _level_prefix(text: str, start: int) -> int:
    """ "the high-level People’s Procuracy", "the provincial-level People's Court": the rank
    written in lower case before a capitalised name belongs to the name."""
    m = _LEVEL.search(text, max(0, start - 30), start)
    return m.start() if m else start


def find_organisations(ct: CleanText, people_spans: list[tuple[int, int]] | None = None) -> list[Organisation]:
    text = ct.text
    col = _Collector(ct)
    people = Spans(people_spans or [])
    rules = organisation_rules()
    standalone = {str(w).lower() for w in rules.get("standalone", [])}
    # 3. Quoted names after a kind word.
    for m in _quoted().finditer(text):
        head = m.group("head").lower()
        kind = "ngo" if head in ("ngo", "non-governmental organisation", "non-governmental organization") else None
        col.add(m.start("name") - 1, m.end("name") + 1, m.group("name"), kind or kind_of(head) or "other", "org.quoted")
    # 3b. Names right after a kind word ("the weekly X", "the group X"), unless a person's.
    pattern, heads = _introduced()
    for m in pattern.finditer(text):
        name = re.sub(r"(?:’s|'s)$", "", m.group("name"))
        head = re.sub(r"\s+", " ", m.group("head").lower())
        if name.startswith("The ") and heads[head] != "media":
            continue  # "the group The ...": a sentence going on; only a paper's name opens with "The"
        if not m.group("art") and (not m.group("head")[0].islower()):
            continue  # without an article only a lower-case kind word introduces a name
        bare = name.removeprefix("The ")
        if is_place(name) or not _plausible_name(bare) or not _introduced_name_ok(bare):
            continue
        start = m.start("name")
        if head in _named_heads():
            start = m.start("head")  # "the human rights centre Viasna": the head is part of the name
        col.add(
            start,
            m.start("name") + len(name),
            text[start : m.start("name")] + name,
            kind_of(name) or heads[head],
            "org.introduced",
        )
    # 3c. Names before a lower-case kind word ("the Kommersant newspaper").
    after_pattern, after_heads = _introduced_after()
    for m in after_pattern.finditer(text):
        name = m.group("name")
        if not _introduced_name_ok(name) or not _plausible_name(name) or _is_title_phrase(name):
            continue
        head = re.sub(r"\s+", " ", m.group("head").lower())
        col.add(m.start("name"), m.end("name"), name, kind_of(name) or after_heads[head], "org.introduced")
    # 1. Capitalised chunks headed by an organisation word.
    chunks = []
    for m in _CHUNK.finditer(text):
        chunk = m.group(0)
        start, end = m.start(), m.end()
        # Drop a trailing connector swallowed at the edge and leading articles.
        cut = re.search(r" (?:of|for|and|the) (?:Mr|Mrs|Ms|Messrs|Dr|Judge)\b", chunk)
        if cut:
            end = start + cut.start()
            chunk = chunk[: cut.start()]
        lead = _LEAD.match(chunk)
        if lead:
            start += lead.end()
            chunk = chunk[lead.end() :]
        for s0, part in _split_at_dates(start, chunk):
            for s1, part1 in _split_at_people(s0, part, people):
                chunks.extend(_split_listed(s1, part1))
    for start, end, chunk in chunks:
        _chunk_org(col, text, start, end, chunk, standalone)
    # 1b. Names defined by an acronym in brackets that no capitalised run found ("Africa in
    # Democracy and Good governance (ADG)", "Tournons la page (TLP)").
    _defined(col, pattern, heads)
    # 2. Lower-case facility and court descriptions.
    for kind, pattern in _generic():
        for m in pattern.finditer(text):
            if kind == "detention-facility" and _in_a_country(m.group(0)):
                continue  # "in jail in <Country>": a state of custody, not a named facility
            if re.search(r"(?:’s|'s)$", m.group(0)):
                continue  # "a court in <Country>'s capital": the place is not named
            col.add(m.start(), m.end(), m.group(0), kind, "org.generic")
    # 4. Known organisations and acronyms.
    _known_orgs(col, chunks)
    # 5. Websites named by their domain, agencies in datelines, acronyms that speak.
    _domains(col)
    _datelines(col)
    _speaking_acronyms(col)
    merged = _also_known_as(_placed_descriptions(_merge(col.orgs, ct), ct), text)
    merged = _drop_unconfirmed(merged, ct)
    _acronym_mentions(merged, text)
    return merged


def _defined(col: _Collector, introduced: re.Pattern[str], heads: dict[str, str]) -> None:
    """ "the Rapid Action Battalion (RAB)", "Africa in Democracy and Good governance (ADG)": a
    name its report defines by an acronym. Typed by its head words; without one it is taken
    for an NGO (the usual unknown body in these reports) only where a kind word introduces it
    or the report uses the acronym again, and a name that runs on ("(ICT) Act") is left out."""
    text = col.ct.text
    for d in defined_names(text):
        lead = _LEAD.match(d.name)
        start, name = (d.start + lead.end(), d.name[lead.end() :]) if lead else (d.start, d.name)
        after = text[d.end :]
        if re.match(r"\s*\([^)]*\)\s+[A-Z]", after) or _bad(name) or _is_title_phrase(name) or is_place(name):
            continue
        if re.search(r"\b(?:Republic|Kingdom|States|Emirates)\b", name):
            continue  # a country ("Democratic Republic of Congo (DRC)")
        kind = kind_of(name) or kind_of(d.acronym)
        if kind is None:
            introduced_here = any(
                m.end() >= start and m.start() < start for m in introduced.finditer(text, max(0, start - 60), d.end)
            )
            again = len(re.findall(rf"(?<![\w\-]){re.escape(d.acronym)}(?![\w\-])", text)) > 1
            if not (introduced_here or again):
                continue
            kind = "ngo"
        if col.spans.overlaps(start, d.end):
            continue  # a capitalised run already named it: its extent stands
        col.add(start, d.end, name, kind, "org.acronym-defined")
    del heads


@lru_cache(maxsize=1)
def _domain_pattern() -> re.Pattern[str]:
    # A host name in prose (not a link: no scheme, path or e-mail around it).
    return re.compile(
        r"(?<![\w@/.\-])(?:www\.)?((?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+(?:com|org|net|info|news|media|online|tv|fm|io"
        r"|co|biz|press|live|[a-z]{2}))(?![\w\-/@]|\.[A-Za-z0-9])"
    )


def _domains(col: _Collector) -> None:
    """ "the editor of bastainfo.com", "the sites “criminalaz.com” and “fia.az”": a website named
    by its domain is a media outlet (a known organisation's domain names that organisation;
    platforms are not listed)."""
    rules = organisation_rules()
    platforms = {str(d).lower() for d in rules.get("platform_domains", [])}
    by_domain = {str(d).lower(): e for e in _known() for d in e.get("domains", [])}
    for m in _domain_pattern().finditer(col.ct.text):
        host = m.group(1)
        low = host.lower()
        first = low.split(".")[0]
        if len(first) < 3 or low in platforms or any(low.endswith("." + p) for p in platforms):
            continue
        if low.rsplit(".", 1)[-1] in ("pdf", "jpg", "png", "doc", "htm", "txt", "gif", "mp"):
            continue
        known = by_domain.get(low.removeprefix("www."))
        if known is not None:
            col.add(m.start(1), m.end(1), known["name"], str(known.get("kind", "ngo")), "org.domain", known=known)
        else:
            col.add(m.start(1), m.end(1), host, "media", "org.domain")


_DATELINES = (
    # "Baku/13.11.19/Turan: ..."
    re.compile(r"^[A-Z][\w\- ]{1,30}/\d{1,2}\.\d{1,2}\.\d{2,4}/(?P<agency>[A-Z][\w\-]*(?: [A-Z][\w\-]*){0,3}):"),
    # "Ha Nam, (VNA) - ...", "LONDON (Reuters) — ..."
    re.compile(r"^[A-Z][\w.'’\- ]{1,40},? ?\((?P<agency>[A-Z][\w/\-]*(?: [A-Z][\w/\-]*){0,3})\) ?[-–—]"),
)
# "... in the administration.-VNA": an agency's sign-off closing a paragraph.
_SIGN_OFF = re.compile(r"[.!?”\"] ?[-–—] ?(?P<agency>[A-Z]{2,8})$")


def _datelines(col: _Collector) -> None:
    """The news agency of a dateline or of a closing sign-off is a media outlet."""
    text = col.ct.text
    for start, end in col.ct.paragraphs:
        para = text[start:end]
        for pattern in (*_DATELINES, _SIGN_OFF):
            m = pattern.search(para)
            if m:
                a, b = start + m.start("agency"), start + m.end("agency")
                kind = kind_of(m.group("agency")) if m.group("agency") in _known_forms()[1] else "media"
                col.add(a, b, m.group("agency"), kind or "media", "org.dateline")


@lru_cache(maxsize=1)
def _speaking() -> re.Pattern[str]:
    verbs = "|".join(str(v) for v in organisation_rules().get("speaking_verbs", []))
    return re.compile(rf"(?<![\w\-])(?P<name>[A-Z]{{3,8}}(?: {_UP}[a-z][\w\-]+)?) (?:{verbs})\b")


def _speaking_acronyms(col: _Collector) -> None:
    """ "BCHR said today", "the HRC Viasna reports": an acronym that speaks or reports is an
    organisation (the reports' voices are mostly rights groups)."""
    for m in _speaking().finditer(col.ct.text):
        name = m.group("name")
        acronym = name.split()[0]
        if is_place(acronym) or acronym.lower() in title_words() or _in_capitals_line(col.ct, m.start()):
            continue
        col.add(m.start("name"), m.end("name"), name, kind_of(name) or "ngo", "org.acronym")


def _headline(ct: CleanText, index: int) -> bool:
    """A headline, not prose: a line of six or more words in title case, without a closing stop."""
    start, end = ct.paragraphs[index]
    line = ct.text[start:end].strip()
    if not line or line[-1] in '.!?:;”"’)':
        return False
    words = re.findall(r"[^\W\d_][\w’'\-]*", line)
    long_words = [w for w in words if len(w) >= 4]
    return len(words) >= 6 and sum(w[0].isupper() for w in long_words) >= 0.7 * max(1, len(long_words))


def _drop_unconfirmed(orgs: list[Organisation], ct: CleanText) -> list[Organisation]:
    """Drop an organisation named only in title-case headlines ("Court Denies Bail For ..."):
    the report's prose does not bear it out."""
    headline = {i for i in range(len(ct.paragraphs)) if _headline(ct, i)}
    kept = []
    for org in orgs:
        if org.known or org.publisher:
            kept.append(org)
            continue
        if headline and all(ct.paragraph_of(m.start) in headline for m in org.mentions):
            continue
        kept.append(org)
    return kept


def _acronym_mentions(orgs: list[Organisation], text: str) -> None:
    """ "the Specialized Criminal Court (SCC) ... the SCC convicted her": once a report defines an
    acronym, each later bare use of it names the same organisation."""
    taken = Spans([(m.start, m.end) for o in orgs for m in o.mentions])
    for org in orgs:
        for alias in org.aliases:
            if not re.fullmatch(r"[A-Z][A-Z\-]{1,9}", alias) or alias == org.name:
                continue
            first = org.mentions[0].start
            for m in re.finditer(rf"(?<![\w\-]){re.escape(alias)}(?![\w\-])", text):
                if m.start() > first and not taken.overlaps(m.start(), m.end()):
                    org.mentions.append(OrgMention(m.start(), m.end(), alias))
                    taken.add(m.start(), m.end())
        org.mentions.sort(key=lambda x: x.start)


def _in_a_country(description: str) -> bool:
    m = re.search(r"\s(?:in|of)\s+([A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)$", description)
    return m is not None and is_country(m.group(1))


def _plausible_name(name: str) -> bool:
    """Not a sentence's next word ("the group On ...") nor a person's title ("the group Director")."""
    first = name.split()[0].lower()
    return first not in title_words() and first not in _STOP_TOKENS and not any(c.isdigit() for c in name)


def _in_capitals_line(ct: CleanText, pos: int) -> bool:
    """Whether the paragraph at `pos` is written in capitals (a headline); a name in capitals
    inside an ordinary sentence ("officers of the STATE SECURITY SERVICE") is still a name."""
    start, end = ct.paragraphs[ct.paragraph_of(pos)]
    letters = [c for c in ct.text[start:end] if c.isalpha()]
    return sum(c.isupper() for c in letters) >= 0.6 * len(letters)


@lru_cache(maxsize=1)
def _date_in_chunk() -> re.Pattern[str]:
    names = "|".join(m.capitalize() for m in vocabulary()["months"])
    # "On 14 March 2023 the X Court", "the X Court on 9 October 2023": a date inside a run of
    # capitalised words, with the connectors and numbers around it.
    return re.compile(
        rf"(?:^|\s+)(?P<pre>(?:on|in|of|since|until|by|On|In|Since|Until|By)\s+)?(?:\d{{1,2}}\s+)?(?:{names})\b"
        rf"(?:\s+\d{{1,4}})*(?P<post>\s+(?:the|of|and)\b)?\s*"
    )


def _split_at_dates(start: int, chunk: str) -> list[tuple[int, str]]:
    """The pieces of a capitalised run on either side of the dates inside it."""
    out = []
    pos = 0
    for m in _date_in_chunk().finditer(chunk):
        if not m.group("pre") and not m.group("post") and m.end() < len(chunk):
            continue  # a date that is part of the name ("the 6 April Youth Movement")
        out.append((start + pos, chunk[pos : m.start()]))
        pos = m.end()
    if not pos:
        return [(start, chunk)]
    out.append((start + pos, chunk[pos:]))
    pieces = []
    for s0, piece in out:
        lead = re.match(r"(?:(?:\d+|On|In|By|At|the|The)\s+)*", piece)
        if lead and lead.end():
            s0, piece = s0 + lead.end(), piece[lead.end() :]
        piece = re.sub(r"(?:\s+(?:on|in|of|by|the|and))+$", "", piece)
        if piece.strip():
            pieces.append((s0, piece))
    return pieces


def _split_at_people(start: int, chunk: str, people: Spans) -> list[tuple[int, str]]:
    """ "the Young Front Zmitser Dashkevich": a name never runs on into the full name of a
    person that ends the run. "Human Rights Defender Issa Amro", "Lawyer Veysel Ok and the X Bar
    Association": a person's title and name before an organisation (or alone) are no part of it."""
    for m in re.finditer(r"(?:^| )(?=\S)", chunk):
        at = start + m.end()
        whole = [
            (s, e)
            for s, e in people.containing(at, at + 1)
            if s == at and e - s >= 3 and " " in chunk[s - start : e - start]
        ]
        if not whole:
            continue
        before, after = chunk[: m.start()], chunk[whole[0][1] - start :]
        if before and not _is_title_phrase(before):
            continue
        rest = re.match(r"\s*(?:,|and|&)\s+(?:the\s+)?", after)
        if rest and len(after[rest.end() :].split()) >= 2:
            return [(whole[0][1] + rest.end(), after[rest.end() :])]
        if before and not after.strip():
            return []  # a title and a name, nothing else (a run that is a name alone is judged as a name)
    for m in re.finditer(r" (?=\S)", chunk):
        at = start + m.end()
        before = chunk[: m.start()]
        person = [(s, e) for s, e in people.containing(at, at + 1) if s == at and e == start + len(chunk)]
        if person and " " in chunk[m.end() :] and kind_of(before) and not _is_title_phrase(before):
            return [(start, before)]
    return [(start, chunk)]


def _split_listed(start: int, chunk: str) -> list[tuple[int, int, str]]:
    """ "the X Association and the UN Working Group": two names listed, when each side is an
    organisation on its own (not "Bureau for Human Rights and Rule of Law")."""
    for m in re.finditer(r" and (?:the )?", chunk):
        left, right = chunk[: m.start()], chunk[m.end() :]
        if kind_of(left) and kind_of(right) and not _is_title_phrase(left):
            return [(start, start + m.start(), left), *_split_listed(start + m.end(), right)]
    return [(start, start + len(chunk), chunk)]


def _chunk_org(col: _Collector, text: str, start: int, end: int, chunk: str, standalone: set[str]) -> None:
    words = _words(chunk)
    if not words:
        return
    if _is_title_phrase(chunk):
        # "Investigation Judge of <City> Court No. 2": the organisation is after "of".
        # "Special Rapporteur for Freedom of Expression of the X Commission": an office is
        # "of the <Org>" where the phrase says so, else after the first "of"/"to".
        tail = re.search(r"\s+(?:of|to)\s+the\s+", chunk) or re.search(r"\s+(?:of|to)\s+", chunk)
        if tail:
            s = start + tail.end()
            _chunk_org(col, text, s, end, text[s:end], standalone)
        return
    if _bad(chunk) or _quoted().match(chunk):
        return
    if len(words) > 3 and chunk.upper() == chunk and _in_capitals_line(col.ct, start):
        return  # a headline in capitals ("DEFENDER SENTENCED TO EIGHT YEARS"), not a name
    kind = kind_of(chunk)
    if kind is None:
        return
    if len(words) == 1 and words[0] not in standalone:
        return  # a bare head word ("the Court", "the Observatory") is a short mention, not a new organisation
    end = _extend(text, start, end, chunk)
    start = _level_prefix(text, start)
    col.add(start, end, text[start:end], kind, "org.chunk")


@lru_cache(maxsize=1)
def _known_forms() -> tuple[re.Pattern[str], dict[str, dict[str, Any]]]:
    """One pattern for every name, alias and acronym of the known organisations. Names of two
    or more words match in any case after a capital ("Reporters without Borders")."""
    by_form: dict[str, dict[str, Any]] = {}
    for entry in _known():
        for form in [entry["name"], *entry.get("aliases", []), *([entry["acronym"]] if entry.get("acronym") else [])]:
            by_form.setdefault(form, entry)
    forms = sorted(by_form, key=len, reverse=True)

    def alternative(f: str) -> str:
        # A name ending in a number may be a provision's ("Article 19.3", "Article 19 of the Covenant").
        tail = r"(?!\.\d|\s+of\s)" if f[-1].isdigit() else ""
        if " " in f and not any(c.isdigit() for c in f):
            return f"(?={_UP}){re.escape(f[0])}(?i:{re.escape(f[1:])})"
        return re.escape(f) + tail

    return re.compile(r"(?<![\w-])(?:" + "|".join(alternative(f) for f in forms) + r")(?![\w-])"), by_form


@lru_cache(maxsize=1)
def _known_folded() -> dict[str, str]:
    """Each known form by its case-folded spelling."""
    return {f.casefold(): f for f in _known_forms()[1]}


def _known_orgs(col: _Collector, chunks: list[tuple[int, int, str]]) -> None:
    text = col.ct.text
    pattern, by_form = _known_forms()
    chunk_spans = Spans([(c[0], c[1]) for c in chunks])
    hits: dict[str, list[re.Match[str]]] = {}
    folded = _known_folded()
    for m in pattern.finditer(text):
        hits.setdefault(folded.get(m.group(0).casefold(), m.group(0)), []).append(m)
    for entry in _known():
        forms = [entry["name"], *entry.get("aliases", [])]
        if entry.get("acronym"):
            forms.append(entry["acronym"])
        for form in forms:
            if by_form.get(form) is not entry:
                continue
            for m in hits.get(form, []):
                inside = [(s, e) for s, e in chunk_spans.containing(m.start(), m.end()) if (e - s) > len(form)]
                if inside and inside[0][0] == m.start() and not re.match(r"\s*\(", text[m.end() :]):
                    # A modifier of a longer name ("UN General Assembly"), or the known
                    # organisation named longer ("<Publisher> News"): that one inherits the flag.
                    longer = next((o for o in col.orgs for om in o.mentions if om.start == m.start()), None)
                    if longer is not None or not _is_title_phrase(text[inside[0][0] : inside[0][1]]):
                        if longer is not None and longer.name.startswith(form) and entry.get("publisher"):
                            longer.known = longer.publisher = True
                        continue
                    # The longer run is a post ("OSCE Representative on Freedom of the Media"):
                    # the known organisation is still named in it.
                existing = next((o for o in col.orgs if form in o.names() or entry["name"] in o.names()), None)
                if existing is not None:
                    existing.known = True
                    existing.publisher = existing.publisher or bool(entry.get("publisher"))
                    if entry.get("kind"):
                        existing.kind = entry["kind"]
                    if form not in existing.names():
                        existing.aliases.append(form)
                    existing.mentions.append(OrgMention(m.start(), m.end(), form))
                    continue
                covering = next(
                    (o for o in col.orgs for om in o.mentions if om.start <= m.start() and m.end() <= om.end), None
                )
                if covering is not None and not re.match(r"\s*\(", text[m.end() :]):
                    before = text[max(0, m.start() - 8) : m.start()]
                    if not re.search(r"(?:to|at|of)\s+the\s+$", before):
                        continue
                org = Organisation(name=form, kind=entry.get("kind", "ngo"), known=True)
                org.publisher = bool(entry.get("publisher"))
                org.mentions.append(OrgMention(m.start(), m.end(), form))
                org.evidence.append(col.ct.evidence(m.start(), m.end(), "org.known"))
                col.orgs.append(org)
    # "Full Name (ACR)": the acronym is an alias of the name before it.
    for org in col.orgs:
        for om in list(org.mentions):
            am = re.match(r"\s*\(([A-Z][A-Za-z]{1,9})\)", text[om.end :])
            if am and am.group(1) not in org.names():
                org.aliases.append(am.group(1))


def _placed_descriptions(orgs: list[Organisation], ct: CleanText) -> list[Organisation]:
    """ "transferred to penal colony in Vitsebsk" (headline) and "the penal colony Vitsba-3 near
    the city of Vitsebsk" (text): a headline sums up, so a facility it describes only by kind
    and place is the named facility of that kind the text places there, when it names one. (In
    the prose a description may be another facility: it stays apart.)"""
    text = ct.text
    out = list(orgs)
    for org in orgs:
        if not all(_title_line(ct, x.start) for x in org.mentions):
            continue
        m = re.fullmatch(
            r"(?P<head>[a-z][a-z\- ]*?) (?:in|of) (?:the (?:city|town|village) of )?(?P<place>.+)", org.name
        )
        if org.kind != "detention-facility" or m is None:
            continue
        head = m.group("head").split()[-1]
        named = [
            o
            for o in out
            if o is not org
            and o.kind == org.kind
            and head in o.name.lower().split()
            and m.group("place") not in o.name
            and any(m.group("place") in text[x.end : x.end + 80].split(".")[0] for x in o.mentions)
        ]
        if len(named) != 1:
            continue
        target = named[0]
        target.aliases.extend(n for n in org.names() if n not in target.names())
        target.mentions = sorted([*target.mentions, *org.mentions], key=lambda x: x.start)
        target.place = target.place or m.group("place")
        out.remove(org)
    return out


_AKA = re.compile(r",?\s+(?:also\s+|better\s+|formerly\s+)?(?:known|referred\s+to)\s+as\s+(?:the\s+)?[“\"«]?")


def _also_known_as(orgs: list[Organisation], text: str) -> list[Organisation]:
    """ "Qarchak women’s prison, also known as Shahr-e Rey prison": the second name is another
    name of the first organisation."""
    out = list(orgs)
    for org in orgs:
        if org not in out:
            continue
        for other in [o for o in out if o is not org]:
            if any(
                _AKA.fullmatch(text, a.end, b.start) for a in org.mentions for b in other.mentions if a.end <= b.start
            ):
                org.aliases.extend(n for n in other.names() if n not in org.names())
                org.mentions = sorted([*org.mentions, *other.mentions], key=lambda x: x.start)
                org.known = org.known or other.known
                out.remove(other)
    return out


def _title_line(ct: CleanText, pos: int) -> bool:
    """A short line without a closing stop: a headline or a sub-heading."""
    start, end = ct.paragraphs[ct.paragraph_of(pos)]
    line = ct.text[start:end].strip()
    return bool(line) and len(line) <= 160 and line[-1] not in ".!?:;"


def _content(name: str) -> frozenset[str]:
    return frozenset(w for w in _words(name.replace("pretrial", "pre-trial")) if w not in _STOP_TOKENS)


def _abbreviates(short: str, full: str) -> bool:
    """ "HRC Viasna" for "human rights centre Viasna": an acronym of the leading words, then
    the same remaining words."""
    a, b = short.split(), full.split()
    if len(a) < 2 or not re.fullmatch(r"[A-Z]{2,8}", a[0]) or len(b) <= len(a):
        return False
    rest = len(a) - 1
    if [w.lower() for w in b[-rest:]] != [w.lower() for w in a[1:]]:
        return False
    initials = "".join(w[0] for w in b[:-rest] if w.lower() not in _STOP_TOKENS)
    return initials.lower() == a[0].lower()


def _merge(orgs: list[Organisation], ct: CleanText) -> list[Organisation]:
    merged: list[Organisation] = []
    for org in sorted(orgs, key=lambda o: (-len(_content(o.name)), o.mentions[0].start)):
        target = None
        for other in merged:
            names_a = {_content(n) for n in org.names()}
            names_b = {_content(n) for n in other.names()}
            if names_a & names_b:
                target = other
                break
            a, b = _content(org.name), _content(other.name)
            # "Court No. 2" is not "Court No. 3", "the 36th High Criminal Court" not the 35th (a
            # mention without its ordinal may be either).
            numbers_ok = {w for w in a if w.isdigit()} == {w for w in b if w.isdigit()}
            ordinals_a = {w for w in a if w[:1].isdigit() and not w.isdigit()}
            ordinals_b = {w for w in b if w[:1].isdigit() and not w.isdigit()}
            numbers_ok = numbers_ok and (not ordinals_a or ordinals_a == ordinals_b)
            if org.kind == other.kind and a and a <= b and numbers_ok and len(a) >= 2:
                target = other
                break
            if any(x in names_b for x in names_a):
                target = other
                break
            if _abbreviates(org.name, other.name) or _abbreviates(other.name, org.name):
                target = other
                break
        if target is None:
            merged.append(org)
            continue
        for n in org.names():
            if n not in target.names():
                target.aliases.append(n)
        target.mentions.extend(org.mentions)
        target.known = target.known or org.known
        target.publisher = target.publisher or org.publisher
        target.place = target.place or org.place
        if org.known and not target.known:
            target.kind = org.kind
    for org in merged:
        org.mentions.sort(key=lambda m: m.start)
        # The fullest name used in the document is the name; an acronym stays an alias.
        org.evidence.sort(key=lambda e: e.start)
    merged.sort(key=lambda o: o.mentions[0].start)
    del ct
    return merged
