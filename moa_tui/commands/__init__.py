"""Subcommands of the moa-tui command line (audit, staff, backup, ...).

Each module has ``register(subparsers)``, which adds its commands and sets ``run`` on
them; cli.py lists the modules in COMMAND_MODULES.
"""
