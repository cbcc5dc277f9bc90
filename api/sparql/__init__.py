"""The public SPARQL endpoint: query safety checks (guard), evaluation in killable worker
processes (pool, worker), result serialisation (results) and the service description."""
