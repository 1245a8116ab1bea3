"""The app's stylesheet: Textual's, keeping what it has parsed while the theme stays.

Textual parses every widget's CSS anew whenever a screen of a new kind is first shown:
``App.refresh_css`` calls ``set_variables`` (which empties the parse cache even when the
variables are the same) and ``reparse`` (which parses every source into a fresh
Stylesheet of its own). That was ~40 ms a time on the busy schedule, twice on each area's
first visit, the first after sign-in included (issue 10). Here the parsed
rules are kept, keyed by the CSS text as Textual keys them, until the variables (the
theme) change; a theme change empties them as before.
"""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet


class KeptRulesStylesheet(Stylesheet):
    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        # (Textual's cache drops the least used beyond 64; the sources here are the app's
        # own classes, a fixed number, so none needs dropping.)
        self._parse_cache = {}

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables != self._variables:  # a new theme: parse again with its values
            super().set_variables(variables)

    def reparse(self) -> None:
        """Textual's reparse (into a fresh stylesheet, so one with errors leaves this one
        as it was), lending the fresh one the rules parsed under the same variables."""
        fresh = Stylesheet(variables=self._variables)
        fresh._parse_cache = self._parse_cache
        fresh.source = dict(self.source)
        try:
            fresh.parse()
        except Exception:
            self._invalid_css.update(fresh._invalid_css)
            raise
        self._rules = fresh._rules
        self._rules_map = None
        self._require_parse = False


def keep_parsed_rules(app) -> None:
    """Give *app* (just made) this stylesheet, before any CSS is added to it."""
    app.stylesheet = KeptRulesStylesheet(variables=app.stylesheet._variables)
