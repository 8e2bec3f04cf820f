"""`python -m bot` runs the themabot command line."""

import sys

from bot.cli import main

sys.exit(main())
