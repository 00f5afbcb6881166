"""Run the command-line interface: ``python -m ipexkg``."""

from ipexkg.cli import main

# guarded: the query workers of ``ipexkg serve`` import the main module again when they start
if __name__ == "__main__":
    raise SystemExit(main())
