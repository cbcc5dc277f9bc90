"""Legal provisions as "<Code> <article>[ part N]", the form FORMAT.md uses."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PROVISION = re.compile(r"^(?P<code>.*?\S)\s+(?P<article>\d+(?:[.\-]\d+)*)(?:\s+part\s+(?P<part>\w+))?$", re.I)


@dataclass(frozen=True)
class Provision:
    code: str
    article: str
    part: str | None = None

    @property
    def label(self) -> str:
        return f"{self.code} {self.article}" + (f" part {self.part}" if self.part else "")

    @property
    def short(self) -> str:
        """The "<code> <article>" form the scorer compares."""
        return f"{self.code} {self.article}"


def parse_provision(text: str) -> Provision | None:
    m = _PROVISION.match(" ".join(text.split()))
    if not m:
        return None
    return Provision(m["code"], m["article"], m["part"])
