"""A laptop whose clock is wrong, for the team tests: the CLI with its clock skewed.

``python tests/team_laptop.py SECONDS [CLI arguments...]`` runs the command
line exactly as ``python -m mailer_gui`` does, except that the clock the app
is given (the one every time decision takes "now" from) runs SECONDS ahead
(negative: behind) of the real time. On a PostgreSQL database the app sets it
right by the server's clock; that is what the tests check.
"""

from __future__ import annotations

import sys

from mailer_gui.cli.main import main
from mailer_gui.core.clock import SkewedClock

if __name__ == "__main__":
    skew = float(sys.argv[1])
    sys.exit(main(sys.argv[2:], clock=SkewedClock(skew)))
