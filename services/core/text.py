"""Text helpers: Unicode normalisation and Vietnamese-to-ASCII folding."""

import unicodedata


def nfc(value: str) -> str:
    """Vietnamese typed on some keyboards arrives decomposed; store and print the composed form."""
    return unicodedata.normalize("NFC", value or "").strip()


def ascii_fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return decomposed.encode("ascii", "ignore").decode()
