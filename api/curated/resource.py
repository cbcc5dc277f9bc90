"""The page data for any minted IRI: the curated view for the kinds that have one (person,
organisation, event, document), a generic one built from the RDF description otherwise. The
HTML page and the `json` linked-data format are both rendered from this one dict."""

from __future__ import annotations

from typing import Any

from api.curated.common import Ctx, NotFound
from api.curated.documents import document_detail
from api.curated.events import event_detail
from api.curated.organisations import organisation_detail
from api.curated.persons import person_acts, person_detail, person_timeline
from api.describe import describe, statements


def person_page(ctx: Ctx, iri: str) -> dict[str, Any]:
    """The person, the story the sources tell together (canonical events of the fused view,
    each with its sources), and behind it what each document states (its own claims)."""
    page = {**person_detail(ctx, iri), "events": person_timeline(ctx, iri), "acts": person_acts(ctx, iri)}
    page["story"] = fused_story(ctx, iri)
    page["visual_timeline"] = visual_timeline(ctx, iri)
    documents = {s["document"]["iri"] for e in page["events"] for s in e["sources"]}
    page["counts"] = {
        "acts": len(page["story"]),
        "claims": len(page["events"]),
        "documents": len(documents),
    }
    return page


def fused_story(ctx: Ctx, iri: str) -> list[dict[str, Any]]:
    """The person's canonical events (empty when the store has no fused view)."""
    try:
        from api.fused.events import fused_events
    except ImportError:
        return []
    return fused_events(ctx, person=iri)


def visual_timeline(ctx: Ctx, iri: str) -> dict[str, Any] | None:
    """The fused visual timeline (api/templates/_timeline.html) when the fusion module is there."""
    try:
        from api.fused.timeline import person_timeline_view
    except ImportError:
        return None
    view: dict[str, Any] = person_timeline_view(ctx, iri)
    return view if view.get("items") or view.get("undated") else None


# Kind (first IRI path segment) -> (template, builder).
VIEWS = {
    "person": ("person.html", person_page),
    "organisation": ("organisation.html", organisation_detail),
    "event": ("event.html", event_detail),
    "document": ("document.html", document_detail),
}


def generic(ctx: Ctx, iri: str) -> dict[str, Any]:
    ctx.note("ld_describe.rq")
    view = statements(describe(ctx.store, iri), iri)
    if not view["own"] and not view["inbound"]:
        raise NotFound(f"nothing is known about {iri}")
    labels = view["labels"]
    return {
        **ctx.ref(iri, labels.get(iri)),
        "statements": [
            {**s, "value_ref": ctx.ref(s["value"], labels.get(s["value"])) if s["is_iri"] else None}
            for s in view["own"]
        ],
        "referenced_by": [
            {**s, "subject_ref": ctx.ref(s["subject"], labels.get(s["subject"]))} for s in view["inbound"]
        ],
    }


def resource_page(ctx: Ctx, iri: str) -> tuple[str, dict[str, Any]]:
    """(template name, page data) for `iri`; NotFound when the graph knows nothing of it."""
    key = ctx.key(iri) or ""
    kind = key.split("/", 1)[0]
    if kind in VIEWS:
        template, build = VIEWS[kind]
        try:
            return template, build(ctx, iri)
        except NotFound:
            pass  # an IRI of that shape the graph knows only in another role: show what there is
    return "resource.html", generic(ctx, iri)
