"""Source documents: the list, and one document with the facts it gave and its validation."""

from __future__ import annotations

from typing import Any

from api.cache import per_store
from api.curated.common import Ctx, NotFound, split
from api.curated.events import events_by
from ingest.store.terms import IRI
from ingest.vocab import CG

EXTRACTION = {str(CG.Curated): "curated", str(CG.Automatic): "automatic"}


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def human_date(iso: str | None) -> str | None:
    """2017-01-27 -> "27 Jan 2017"; 2016-05 -> "May 2016"; 2016 -> "2016"."""
    if not iso:
        return None
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def document_label(publishers: list[str], published: str | None, title: str | None, file: str | None) -> str:
    """How a document is named wherever it is named: "Publisher, date: title" with what is
    known ("Human Rights Watch, 23 Jan 2017"; two publishers joined by "and", more "et al."),
    the file name only when the document says nothing about itself."""
    names = publishers[:2]
    who = " and ".join(names) + (" et al." if len(publishers) > 2 else "")
    head = ", ".join(p for p in (who, human_date(published) or "") if p)
    if head and title:
        return f"{head}: {title}"
    return head or title or file or "untitled document"


def _metadata(ctx: Ctx, r: dict[str, str | None]) -> dict[str, Any]:
    publishers = split(r["publishers"])
    return {
        **ctx.plain_ref(r["doc"] or "", document_label(publishers, r["published"], r["title"], r["file"])),
        "file": r["file"],
        "title": r["title"],
        "published": r["published"],
        "reference": r["reference"],
        "language": r["language"],
        "publishers": publishers,
        "extraction": EXTRACTION.get(r["extraction"] or "", r["extraction"]),
        "graph": r["g"],
    }


def list_documents(ctx: Ctx) -> list[dict[str, Any]]:
    """Newest first (undated last), with how many events, people and organisations each gave
    (counted over the whole store, so kept per store: see api.cache)."""
    ctx.note("documents.rq")
    return per_store(ctx.store, "documents", lambda: _list_documents(ctx))


def _list_documents(ctx: Ctx) -> list[dict[str, Any]]:
    items = []
    for r in ctx.run("documents.rq"):
        item = _metadata(ctx, r)
        item["counts"] = {k: int(r[k] or 0) for k in ("events", "people", "organisations")}
        items.append(item)
    items.sort(key=lambda d: d["file"] or "")
    items.sort(key=lambda d: d["published"] or "", reverse=True)  # stable: undated ("") last
    return items


def document_labels(ctx: Ctx) -> dict[str, str]:
    """document IRI -> its label ("Publisher, date: title"), for naming documents anywhere."""
    ctx.note("documents.rq")
    return per_store(ctx.store, "document_labels", lambda: {d["iri"]: d["label"] for d in list_documents(ctx)})


def validation(extraction: str | None) -> dict[str, Any]:
    """What is known about the document graph's SHACL validation. `casegraph build` stores a
    document only when its graph conforms, and marks how it was made (cg:extraction); a graph
    loaded as RDF (`casegraph load`) carries no such mark and was not validated here."""
    if extraction in EXTRACTION.values():
        return {
            "status": "conforms",
            "checked": "at build",
            "note": "casegraph build stores a document graph only when it conforms to the SHACL shapes",
        }
    return {"status": "not checked", "checked": None, "note": "loaded as RDF; run `casegraph validate` on it"}


def document_detail(ctx: Ctx, iri: str) -> dict[str, Any]:
    rows = ctx.run("document.rq", {"doc": IRI(iri)})
    if not rows:
        raise NotFound(f"no document {iri}")
    r = rows[0]
    doc = _metadata(ctx, r)
    doc.update(
        {
            "url": r["url"],
            "content_hash": r["hash"],
            "publisher_organisations": [ctx.ref(o) for o in split(r["publisherOrgs"])],
        }
    )
    facts: dict[str, list[dict[str, Any]]] = {"people": [], "organisations": []}
    # Each item once, with its first name in code point order, sorted here by name and IRI:
    # the query's ORDER BY is not what every engine keeps (Virtuoso's order varied per instance).
    names: dict[tuple[str, str], str] = {}
    for f in ctx.run("document_facts.rq", {"g": IRI(r["g"] or "")}):
        key, label = (f["kind"] or "", f["item"] or ""), f["label"] or ""
        if key not in names or label < names[key]:
            names[key] = label
    for (kind, item), label in sorted(names.items(), key=lambda entry: (entry[0][0], entry[1], entry[0][1])):
        facts["people" if kind == "person" else "organisations"].append(ctx.ref(item, label))
    doc["facts"] = {
        "events": events_by(ctx, iri, str(CG.source)),
        "people": facts["people"],
        "organisations": facts["organisations"],
    }
    doc["validation"] = validation(doc["extraction"])
    return doc
