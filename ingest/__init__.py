"""CaseGraph ingest: documents and curated facts -> RDF, one named graph per source document."""

__version__ = "0.1.0"
