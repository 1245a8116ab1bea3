"""The moa-tui command (pyproject's [project.scripts], and `python -m moa_tui`)."""

from __future__ import annotations

import gc


def main() -> int:
    """Run moa-tui with the garbage collector off until there is work to collect after.
    Loading (moa-tui's modules and peewee, then Textual, the app and its first screen)
    makes some 300,000 objects that live as long as the process, and the collector's
    passes over them while they were made were ~20 ms of a cold start to sign-in (issue
    10, measured in a pseudo-terminal). It comes back on (collector_on) once the app has
    painted its first screen (SessionWatch.steady_collector), when a command starts, or
    before a demo clinic is built (cli.py)."""
    gc.disable()
    from .cli import main as run

    return run()


def collector_on() -> None:
    """The collector on again, with what was made until now frozen out of its sight
    (gc.freeze): else its first pass would walk all of it, everything made while it was
    off being still its youngest generation."""
    gc.freeze()
    gc.enable()
