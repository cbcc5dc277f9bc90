"""FollowTheMoney export: the fused view as FtM entities (mapping.yaml says how; export.py runs it)."""
