"""The moa-tui command (pyproject's [project.scripts], and `python -m moa_tui`)."""

from __future__ import annotations

import gc


def main() -> int:
    """Run moa-tui with the garbage collector off until there is work to collect after.
    Loading (moa-tui's modules and peewee, then Textual, the app and its first screen)
    makes some 80,000 objects the collector tracks (gc.get_objects() after make_app),
    all alive as long as the process, and the collector's passes over them while they
    were made were 12-20 ms of a cold start to sign-in (issue 10: the median of nine
    starts in a pseudo-terminal, with and without). It comes back on (collector_on) once
    the app has painted its first screen (SessionWatch.steady_collector), when a command
    starts, or before a demo clinic is built (cli.py)."""
    gc.disable()
    from .cli import main as run

    return run()


def collector_on() -> None:
    """The collector on again, with what was made until now frozen out of its sight
    (gc.freeze): else its first pass would walk all of it, everything made while it was
    off being still its youngest generation."""
    gc.freeze()
    gc.enable()
