"""``python -m portal_tools``: the command line (see :mod:`portal_tools.cli`)."""

from portal_tools.cli import main

raise SystemExit(main())
