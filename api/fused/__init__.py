"""Curated views of the fused graph (ingest.fusion writes it): conflicts, canonical events,
proceedings and the timeline layout. For other routers and pages:

    from api.fused.conflicts import conflicts_for_person      # conflicts about a person
    from api.fused.timeline import person_timeline_view       # layout for _timeline.html
"""
