"""`python -m bot.sandbox` runs the sandbox server standalone (see server.main)."""

from bot.sandbox.server import main

raise SystemExit(main())
