"""The curated JSON: plain dicts built from the .rq files in api/queries/, shared by the JSON
API, the HTML pages (which render the same dicts) and the linked-data `json` format.

Every builder names the query files it ran (`queries`), so a researcher can rerun them at /sparql.
"""
