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
