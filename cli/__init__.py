"""Registry of manage.py commands; each feature adds a module in this package with its @command functions."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from config import load_settings
from db.engine import build_engine

COMMANDS: dict[str, tuple[Callable, Callable[[argparse.ArgumentParser], None], str]] = {}


def command(name: str, help_text: str, arguments: Callable[[argparse.ArgumentParser], None] = lambda p: None):
    def register(function: Callable) -> Callable:
        COMMANDS[name] = (function, arguments, help_text)
        return function

    return register


def engine():
    return build_engine(load_settings().database_url)
