"""`python -m livingtheory`: the command line (livingtheory.cli)."""
import sys

from .cli import main

sys.exit(main())
