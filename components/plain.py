"""Showing text someone typed (staff or citizen) as text: never parsed as Markdown, so a typed image link is not
fetched by a colleague's browser and a typed `**` or `:red[…]` changes nothing."""

from __future__ import annotations

import re

import streamlit as st

# The characters that open inline Markdown or Streamlit syntax (emphasis, code, links, images, HTML, strike-through,
# tables, :directives:, $math$); CommonMark lets a backslash escape each. List markers (- + 1.) only count at the
# start of a line, which escaped text never is.
_MARKDOWN = re.compile(r"([\\`*_\[\]()#!<>~|:$])")


def escaped(text) -> str:
    """For the few places that must sit inside our own Markdown (a bold label on the same line, a header)."""
    return _MARKDOWN.sub(r"\\\1", str(text if text is not None else ""))


def labelled(label: str, text) -> None:
    """Our bold label, then the typed text as plain text."""
    st.markdown(f"**{label}**")
    st.text(str(text if text is not None else ""))


def bullet(text) -> None:
    st.text(f"• {text}")
