"""The leak guard's index: direct identifiers and names of the sources, held as keyed hashes.

The guard must know every NIR, INE, e-mail, phone, IBAN and name of the
sources to find them in a candidate file, but it must not hold them in
clear: a keyed hash (HMAC-SHA256) lets it test "is this value one of
them?" and nothing more. The key lives in the staging folder
(:func:`hmac_key`), never next to published files; without it the hashes
cannot be tested against guesses. Keyed hashes are still personal data
(WP29 opinion 05/2014): they are never published either.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path

from anonymisation.freetext.normalise import Token, person_words
from anonymisation.freetext.recognizers import EMAIL, IBAN, INE, NIR, TELEPHONE, compact

KINDS: tuple[str, ...] = (NIR, INE, EMAIL, TELEPHONE, IBAN)
KEY_BYTES = 32


class GuardKeyError(RuntimeError):
    """The HMAC key file is unusable (too open, too short); the message names the file, never the key."""


def hmac_key(path: Path) -> bytes:
    """The guard's key, read from `path` (mode 0600); a random 32-byte key is created there on first use.

    The file is written completely under a temporary name, then linked into
    place, so two processes starting together agree on one key. A key
    file readable by group or others is refused.
    """
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(KEY_BYTES))
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process created it first: use theirs
        finally:
            tmp.unlink(missing_ok=True)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise GuardKeyError(f"the key file {path} is open to group or others (mode {mode:o}): chmod 600 it")
    key = path.read_bytes()
    if len(key) < KEY_BYTES:
        raise GuardKeyError(f"the key file {path} holds fewer than {KEY_BYTES} bytes")
    return key


class IdentifierIndex:
    """Direct identifiers of the sources, held as keyed hashes (HMAC-SHA256), never in clear."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the HMAC key must hold at least 16 bytes")
        # HMAC (RFC 2104) with the two keyed SHA-256 states computed once: copying them costs
        # half of what hmac.digest does per call (1.4 us instead of 2.9 us, and the index
        # of a large university holds millions of values).
        block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
        self._ids: dict[str, set[bytes]] = {kind: set() for kind in KINDS}
        self._names: set[bytes] = set()
        self._name_starts: set[bytes] = set()
        self._name_lengths: set[int] = set()

    def digest(self, normalised: str) -> bytes:
        """HMAC-SHA256 of a normalised value (equal to ``hmac.digest(key, value, "sha256")``)."""
        inner = self._inner.copy()
        inner.update(normalised.encode("utf-8"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def add(self, kind: str, values: Iterable[str | None]) -> None:
        """Add identifiers of one kind (NIR, INE, EMAIL, TELEPHONE, IBAN), normalised as ``compact`` does."""
        if kind not in self._ids:
            raise ValueError(f"unknown identifier kind {kind!r}; expected one of {', '.join(KINDS)}")
        target = self._ids[kind]
        if hasattr(values, "tolist"):
            values = values.tolist()  # iterating a pandas/Arrow column item by item is 10x slower
        for value in values:
            if isinstance(value, str) and (norm := compact(kind, value)):
                target.add(self.digest(norm))

    def add_names(self, names: Iterable[tuple[str | None, str | None]]) -> None:
        """Add full names (first, last) of persons not covered by an exception, in both orders."""
        starts: dict[str, bytes] = {}
        for first_words, last_words in person_words(names):
            if not first_words or not last_words:
                continue  # a lone first name or surname is not a full name
            for words in (first_words + last_words, last_words + first_words):
                self._names.add(self.digest(" ".join(words)))
                if words[0] not in starts:
                    starts[words[0]] = self.digest(words[0])
                    self._name_starts.add(starts[words[0]])
                self._name_lengths.add(len(words))

    def __len__(self) -> int:
        return sum(len(v) for v in self._ids.values()) + len(self._names)

    def has(self, kind: str, normalised: str) -> bool:
        """True when the normalised identifier is one of the sources' identifiers of that kind.

        A kind the sources never hold (a RIB found in a text) is never indexed: False, and the
        guard reports it as a pattern.
        """
        known = self._ids.get(kind)
        return known is not None and self.digest(normalised) in known

    def name_hits(self, words: Sequence[Token], starts: dict[str, bool]) -> list[tuple[int, int]]:
        """(first, last + 1) word positions of indexed full names in `words`, left to right, no overlap.

        Only words that begin an indexed name are tried as starts; `starts`
        memoises that test per word across a whole frame (one hash per
        distinct word, not per occurrence).
        """
        norms = [w.norm for w in words]
        lengths = sorted(self._name_lengths, reverse=True)
        found: list[tuple[int, int]] = []
        i = 0
        while i < len(norms):
            begins = starts.get(norms[i])
            if begins is None:
                begins = starts[norms[i]] = self.digest(norms[i]) in self._name_starts
            size = 0
            if begins:
                size = next((n for n in lengths if i + n <= len(norms)
                             and self.digest(" ".join(norms[i:i + n])) in self._names), 0)
            if size:
                found.append((i, i + size))
            i += size or 1
        return found
