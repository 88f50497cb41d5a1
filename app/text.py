"""Names that look like what they are: titles, team names and comment authors without invisible
or direction-changing characters, and without accents stacked into a smear.

"Ana\u200b" looks like "Ana" but is another name; a right-to-left override makes "gpj.exe" read
"exe.jpg"; forty combining accents on one letter paint over the lines around it. One-line fields
(title, team, author) go through `tidy_name` before they are checked and stored. Notes and
comment texts are prose and keep what they hold (their control characters aside).

What is removed:
- bidirectional controls: LRE, RLE, PDF, LRO, RLO (U+202A–U+202E), LRI, RLI, FSI, PDI
  (U+2066–U+2069), and the marks LRM, RLM, ALM (U+200E, U+200F, U+061C). A name in Arabic or
  Hebrew displays right to left by itself (the Unicode bidirectional algorithm); the marks only
  matter in mixed text, which a one-line name rarely needs, and they are exactly what spoofing
  uses;
- zero-width and invisible characters: ZERO WIDTH SPACE (U+200B), WORD JOINER (U+2060), the
  invisible operators (U+2061–U+2064), ZERO WIDTH NO-BREAK SPACE / BOM (U+FEFF), MONGOLIAN VOWEL
  SEPARATOR (U+180E), SOFT HYPHEN (U+00AD), COMBINING GRAPHEME JOINER (U+034F), the Hangul
  fillers (U+115F, U+1160, U+3164, U+FFA0) and the interlinear annotation marks (U+FFF9–U+FFFB);
- ZERO WIDTH JOINER and NON-JOINER (U+200D, U+200C) except between two characters that are
  neither ASCII nor space: there they shape Persian, Arabic and Indic words (می‌خواهم, क्‍ष) and
  join emoji (👩‍💻), so they stay; at either end of a name or next to ASCII they only hide.

What is limited: a letter carries at most MAX_MARKS combining marks in a row (after NFC, which
folds most accented letters into one character). Vietnamese needs two, Thai and most Indic
scripts at most three, Tibetan stacks four; the rest are dropped.
"""

import re
import unicodedata

MAX_MARKS = 4

_REMOVED = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
    "\u200b\u2060-\u2064\ufeff\u180e\u00ad\u034f\u115f\u1160\u3164\uffa0\ufff9-\ufffb]"
)
_JOINERS = frozenset("\u200c\u200d")


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Me")


def _keeps_joiner(before: str, after: str) -> bool:
    return all(
        neighbour and not neighbour.isascii() and not neighbour.isspace()
        for neighbour in (before, after)
    )


def tidy_name(value: str) -> str:
    """`value` in NFC, without bidirectional controls and invisible characters, with at most
    MAX_MARKS combining marks on one letter (see the module's docstring for the lists)."""
    value = _REMOVED.sub("", unicodedata.normalize("NFC", value))
    kept: list[str] = []
    marks = 0
    for index, char in enumerate(value):
        if char in _JOINERS:
            after = value[index + 1] if index + 1 < len(value) else ""
            if not _keeps_joiner(kept[-1] if kept else "", after):
                continue
        if _is_mark(char):
            marks += 1
            if marks > MAX_MARKS:
                continue
        else:
            marks = 0
        kept.append(char)
    return "".join(kept)
