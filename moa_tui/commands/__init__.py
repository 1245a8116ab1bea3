"""Subcommands of the moa-tui command line (audit, staff, backup, ...).

Each module has ``register(subparsers)``, which adds its commands and sets ``run`` on
them; cli.py names the modules in COMMAND_MODULES and imports them only for a command line
that names a command.
"""
