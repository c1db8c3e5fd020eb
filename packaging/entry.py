"""PyInstaller entry point: the same ``main`` as ``python -m mailer_gui``."""

import sys

from mailer_gui.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
