"""Routing figures under ROUTING_SPEC, by k-fold cross-validation (no item is scored by a
model that was trained on it; the confidence model and thresholds a fold is judged with are
fitted and chosen on the other folds' real posts, see ``bot.training.evaluate``).

    python bench/eval_routing.py [corpus/*.jsonl ...] [-v] [--seeds 13,1,2,3]

Prints right / useful / wrong guide per language and per answer on the real posts, then for
every labelled set, and with -v every real post that was not answered right. Needs the
training dependencies (``pip install -e '.[train]'``).

``--seeds`` repeats the cross-validation with other fold assignments and prints the real posts'
figures per seed and their mean: on a few hundred real posts, the folds alone move "right" by
several points, so judge a change by its mean over seeds (the same seeds before and after).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot import training
from bot.core import catalogs, corpus, lexicon


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    seeds: list[int] = []
    files: list[Path] = []
    args = iter(argv)
    for a in args:
        if a == "--seeds":
            seeds = [int(s) for s in next(args, "").split(",") if s]
        elif a != "-v":
            files.append(Path(a))
    cats = catalogs.load()
    lex = lexicon.load(cats.directory, cats.languages)
    data = training.featurize(lex, corpus.load(files or None), cats.languages)
    if not seeds:
        training.print_report(training.evaluate(data, training.Params()), verbose)
        return 0
    keys = ("right", "useful", "wrong", "unsure")
    sums = dict.fromkeys(keys, 0.0)
    for seed in seeds:
        real = training.evaluate(data, replace(training.Params(), seed=seed)).real
        print(f"  seed {seed:<6} {real.line()}", flush=True)
        for k in keys:
            sums[k] += real.pct(k)
    print("  mean        " + "  ".join(f"{k} {v / len(seeds):5.1f}%" for k, v in sums.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
