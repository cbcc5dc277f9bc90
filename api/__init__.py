"""CaseGraph's web layer: SPARQL endpoint, linked data, curated JSON API and pages."""
