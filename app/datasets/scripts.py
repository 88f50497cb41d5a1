"""Which writing system a text is in, and whether it looks malformed, without a language model.

Scripts are told apart by Unicode block (Latin, Han, Kana, Hangul, Cyrillic, Arabic, ...): that
separates English from Chinese or Russian reliably, but not English from French, which share a
script. Only the first 300 characters are looked at.
"""

import re

LOOK_AT = 300
NONE, LATIN, HAN, KANA, HANGUL, CYRILLIC, ARABIC, OTHER = range(8)
NAMES = ("none", "latin", "han", "kana", "hangul", "cyrillic", "arabic", "other")
_RANGES = (  # (first, last, script), by code point
    (0x0041, 0x024F, LATIN),
    (0x0370, 0x03FF, OTHER),
    (0x0400, 0x052F, CYRILLIC),
    (0x0590, 0x05FF, OTHER),
    (0x0600, 0x06FF, ARABIC),
    (0x0750, 0x077F, ARABIC),
    (0x0900, 0x0DFF, OTHER),
    (0x0E00, 0x0E7F, OTHER),
    (0x1100, 0x11FF, HANGUL),
    (0x1E00, 0x1EFF, LATIN),
    (0x3040, 0x30FF, KANA),
    (0x3400, 0x4DBF, HAN),
    (0x4E00, 0x9FFF, HAN),
    (0xAC00, 0xD7AF, HANGUL),
    (0xF900, 0xFAFF, HAN),
    (0x20000, 0x2FA1F, HAN),
)


_ASCII_LETTER = re.compile(r"[A-Za-z]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
# str.translate tables for ASCII text: keep only the whitespace, or only the symbols.
_ONLY_SPACE_LEFT = {c: None for c in range(128) if not chr(c).isspace()}
_ONLY_SYMBOLS_LEFT = {
    c: None for c in range(128) if chr(c).isalnum() or chr(c).isspace() or c == 95
}
# The same for bytes.translate(None, delete): the ASCII whitespace, or it with the word characters.
_SPACE_BYTES = bytes(c for c in range(128) if chr(c).isspace())
_WORD_OR_SPACE_BYTES = bytes(_ONLY_SYMBOLS_LEFT)


def _script(char: str) -> int:
    point = ord(char)
    for first, last, script in _RANGES:
        if first <= point <= last:
            return script
    return OTHER


def dominant(text: str) -> int:
    """The script most of the text's letters are in; NONE for a text without letters."""
    head = text[:LOOK_AT]
    if head.isascii():
        return LATIN if _ASCII_LETTER.search(head) else NONE
    counts = [0] * len(NAMES)
    for char in head:
        if char.isalpha():
            counts[_script(char)] += 1
    best = max(range(len(counts)), key=counts.__getitem__)
    return best if counts[best] else NONE


def looks_malformed(text: str) -> int:
    """1 for an input that is empty, carries replacement or control characters, or is mostly
    symbols rather than words (a stack trace, a JSON fragment, line noise); else 0."""
    head = text[:LOOK_AT]
    if not head.strip() or "\ufffd" in head or _CONTROL.search(head):
        return 1
    if head.isascii():
        visible = len(head) - len(head.translate(_ONLY_SPACE_LEFT))
        symbols = len(head.translate(_ONLY_SYMBOLS_LEFT))
    else:
        rest = _SPACE.sub("", head)
        visible, symbols = len(rest), len(_WORD.sub("", rest))
    return 1 if visible >= 10 and symbols > 0.5 * visible else 0


def describe(text: str) -> tuple[int, int]:
    """(dominant(text), looks_malformed(text)), looking at the text's head once."""
    head = text[:LOOK_AT]
    if not head.isascii():
        return dominant(head), looks_malformed(head)
    script = LATIN if _ASCII_LETTER.search(head) else NONE
    if not head.strip() or _CONTROL.search(head):
        return script, 1
    if len(head) < 10:
        return script, 0  # fewer than 10 visible characters
    ascii_bytes = head.encode("ascii")
    visible = len(ascii_bytes.translate(None, _SPACE_BYTES))
    symbols = len(ascii_bytes.translate(None, _WORD_OR_SPACE_BYTES))
    return script, 1 if visible >= 10 and symbols > 0.5 * visible else 0
