from casegraph.cli import main

raise SystemExit(main())
