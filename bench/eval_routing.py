"""Routing figures under ROUTING_SPEC, by k-fold cross-validation (no item is scored by a
model that was trained on it, and no threshold is chosen with the items it is judged on).

    python bench/eval_routing.py [corpus/*.jsonl ...] [-v]

Prints right / useful / wrong guide per language and per answer on the real posts, then for
every labelled set, and with -v every real post that was not answered right. Needs the
training dependencies (``pip install -e '.[train]'``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot import training
from bot.core import catalogs, corpus, lexicon


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    files = [Path(a) for a in argv if a != "-v"] or None
    cats = catalogs.load()
    lex = lexicon.load(cats.directory, cats.languages)
    data = training.featurize(lex, corpus.load(files), cats.languages)
    training.print_report(training.evaluate(data, training.Params()), verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
