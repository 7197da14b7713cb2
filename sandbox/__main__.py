"""`python -m sandbox` runs the sandbox server standalone (see server.main)."""

from sandbox.server import main

raise SystemExit(main())
