"""The public SPARQL service's policy, shared by every backend: what query text is refused
(guard), the network barrier of a local engine's workers (sandbox), the result formats and their
negotiation (formats, results). The API's /sparql route and each backend's query service use the
same modules, so a query is judged and answered alike wherever the graph lives."""
