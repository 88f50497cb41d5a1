"""Token counts with OpenAI's cl100k_base encoding, loaded from a file shipped in a wheel.

tiktoken itself downloads its encodings on first use. This package ships the cl100k_base file
(the encoding of GPT-4 and GPT-3.5-turbo, published by OpenAI with tiktoken under the MIT licence)
in `app/datasets/data/`; it is read here directly, checked against the SHA-256 tiktoken itself
checks, and handed to tiktoken, so nothing is ever fetched from the network or written to
tiktoken's cache. Counts are exact for cl100k_base models and approximate
for every other model (other tokenizers split text differently, often by 10-30%).
"""

import base64
import hashlib
import threading
from importlib import resources

import tiktoken

ENCODING_NAME = "cl100k_base"
TOKENIZER_LABEL = "tiktoken cl100k_base"
# The hash tiktoken itself checks for this file (tiktoken_ext/openai_public.py).
CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+"""
    r"""|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)

_lock = threading.Lock()
_encoding: tiktoken.Encoding | None = None


def _read_ranks() -> dict[bytes, int]:
    data = (resources.files("app.datasets") / "data" / "cl100k_base.tiktoken").read_bytes()
    if hashlib.sha256(data).hexdigest() != CL100K_SHA256:
        raise RuntimeError("the bundled cl100k_base file does not match its published hash")
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def encoding() -> tiktoken.Encoding:
    """The cl100k_base encoding, built once per process (about 0.3 s)."""
    global _encoding
    with _lock:
        if _encoding is None:
            _encoding = tiktoken.Encoding(
                ENCODING_NAME,
                pat_str=CL100K_PATTERN,
                mergeable_ranks=_read_ranks(),
                special_tokens={},
            )
        return _encoding


def token_ids(texts: list[str]) -> list[list[int]]:
    """Token ids of each text (special-token strings count as plain text)."""
    return encoding().encode_ordinary_batch(texts, num_threads=1)


# --- a text of two parts joined by a newline, from the parts' own token ids -------------------
#
# cl100k_base first splits a text into pieces with CL100K_PATTERN, then encodes each piece on its
# own; so encode(a + "\n" + b) is encode(a + "\n") + encode(b) wherever a piece ends at b's start,
# and encode(a + "\n") is encode(a) with its last piece, and the newline, encoded again. Which is
# sure from the characters at the joint alone (ASCII ones, or b's first one being a letter or a
# digit, which is never whitespace in any Unicode version):
# - b's start begins a piece when b starts with a letter, a digit or ASCII punctuation, or with one
#   space and then one of those: the newline's piece (`\s*[\r\n]`, or punctuation's
#   `[\r\n]*+`) ends at the last \r or \n of the whitespace run it is in, which is the newline
#   itself, and no alternative of the pattern takes a newline and then a letter;
# - a's last piece stays one when a ends with an ASCII letter or digit (letters and digits are
#   taken possessively, never with a newline), and the newline is then a piece of its own;
# - when a ends with a run of ASCII punctuation, that run (with the space before it, if any) is
#   a's last piece (` ?[^\s\p{L}\p{N}]++`), which the newline joins (`[\r\n]*+`): when the
#   character before the run is an ASCII letter, digit or space, the run can't be longer.
# Anything else is encoded whole. tests/datasets/test_datasets_profile.py compares this with
# encoding the joined text on every character at each side of the joint.
NEWLINE = 198  # encode("\n")
ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
MAX_PIECE = 8  # punctuation runs up to this long are looked up; longer ones encoded whole
PIECE_CACHE = 256


def starts_a_piece(text: str) -> bool:
    """Whether text, after a newline, is encoded as it is on its own (see above)."""
    first = text[:1]
    if first == " ":
        first = text[1:2]
    return first in PUNCTUATION or first.isalnum()


class Joiner:
    """encode(a + "\\n" + b) from encode(a) and encode(b) where that is sure (see above)."""

    def __init__(self, encoding: tiktoken.Encoding) -> None:
        self.encode = encoding.encode_ordinary
        self.pieces: dict[str, tuple[list[int], list[int]]] = {}

    def joined(self, a: str, a_ids: list[int], b_ids: list[int]) -> list[int] | None:
        """encode(a + "\\n" + b), for a b that starts_a_piece; None when not sure."""
        if not a:
            return [NEWLINE, *b_ids]
        end = len(a)
        if a[-1] in ALNUM:
            return [*a_ids, NEWLINE, *b_ids]
        start = end - 1
        if a[start] not in PUNCTUATION:
            return None
        while start and a[start - 1] in PUNCTUATION:
            start -= 1
            if end - start > MAX_PIECE:
                return None
        if start:
            before = a[start - 1]
            if before == " ":
                start -= 1
            elif before not in ALNUM:
                return None
        piece = a[start:]
        known = self.pieces.get(piece)
        if known is None:
            if len(self.pieces) >= PIECE_CACHE:
                self.pieces.clear()
            known = self.pieces[piece] = (self.encode(piece), self.encode(piece + "\n"))
        alone, with_newline = known
        cut = len(a_ids) - len(alone)
        if cut < 0 or a_ids[cut:] != alone:
            return None
        return [*a_ids[:cut], *with_newline, *b_ids]
