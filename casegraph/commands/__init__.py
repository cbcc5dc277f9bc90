"""One module per subcommand; see casegraph/cli.py."""
