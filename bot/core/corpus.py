"""The labelled question corpus (``corpus/*.jsonl``): what the router learns from and is judged on.

One JSON object per line (the labelling rules are ``ROUTING_SPEC`` in the README)::

    {"id": "dev-0001", "lang": "en", "label": "buyer-cancel-request" | null,
     "accept": ["buyer-cancel-request", "completion-rate"] | [null],
     "text": "...", "source": "https://..." | "written" | "written:<file>",
     "provenance": "real" | "written" | "community", "platform": "fiverr" | ...,
     "why": "..."}

``label`` is the best answer, ``accept`` every answer that helps (label first); ``null`` is
off-topic. ``provenance`` tells real member posts (with their address) from questions the team
wrote; figures are quoted on real posts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.core import situations


@dataclass(frozen=True)
class Item:
    id: str
    lang: str
    label: str | None
    accept: tuple[str | None, ...]
    text: str
    source: str
    provenance: str  # "real", "written" or "community"
    platform: str = "unknown"

    @property
    def real(self) -> bool:
        return self.provenance == "real"

    @property
    def group(self) -> str:
        """Items from one page share a group, so cross-validation never splits a thread."""
        return self.source if self.real else self.id


#: Real member posts (with their address), questions the team wrote, and examples a
#: deployment's moderators confirmed (``sellerbot examples export``).
PROVENANCES = ("real", "written", "community")


class CorpusError(Exception):
    """A corpus line is malformed or breaks the labelling format."""


def default_corpus_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "corpus"


def parse(line: str, where: str) -> Item:
    """One corpus line as an :class:`Item`.

    Raises:
        CorpusError: not JSON, a missing key, an unknown answer id, or ``label`` is not
            the first of ``accept``.
    """
    try:
        row = json.loads(line)
        label = row["label"]
        accept = tuple(row["accept"])
        item = Item(
            str(row["id"]),
            str(row["lang"]),
            label,
            accept,
            str(row["text"]),
            str(row["source"]),
            str(row["provenance"]),
            str(row.get("platform", "")),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise CorpusError(f"{where}: {exc}") from exc
    known = {s.id for s in situations.SITUATIONS} | {None}
    if not accept or accept[0] != label or any(a not in known for a in accept):
        raise CorpusError(f"{where}: label must be accept[0] and every answer known: {accept}")
    if item.provenance not in PROVENANCES:
        raise CorpusError(f"{where}: provenance is 'real', 'written' or 'community'")
    return item


def load(paths: list[Path] | None = None) -> list[Item]:
    """Every item of the given files (default: every ``*.jsonl`` in ``corpus/``).

    Raises:
        CorpusError: a malformed line, or two items with one id.
    """
    if paths is None:
        paths = sorted(default_corpus_dir().glob("*.jsonl"))
    items: list[Item] = []
    seen: set[str] = set()
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                item = parse(line, f"{path.name}:{n}")
                if item.id in seen:
                    raise CorpusError(f"{path.name}:{n}: duplicate id {item.id}")
                seen.add(item.id)
                items.append(item)
    return items
