"""Run the command-line interface: ``python -m ipexkg``."""

from ipexkg.cli import main

raise SystemExit(main())
