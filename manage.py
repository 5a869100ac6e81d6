"""Admin commands: python manage.py COMMAND --help (the commands live in cli/, one module per feature)."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import cli
from config import SettingsError
from db.engine import DatabaseError
from services.core.errors import DomainError


def _load_commands() -> None:
    for module in pkgutil.iter_modules(cli.__path__):
        importlib.import_module(f"cli.{module.name}")


def main(argv: list[str] | None = None) -> int:
    _load_commands()
    parser = argparse.ArgumentParser(prog="manage.py", description="Lệnh quản trị motcua")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name, (_, arguments, help_text) in cli.COMMANDS.items():
        arguments(subparsers.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    try:
        cli.COMMANDS[args.command][0](args)
    except (DomainError, DatabaseError, SettingsError) as exc:
        print(f"Lỗi: {getattr(exc, 'message', exc)}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
