"""Train the question router on the labelled corpus and write ``model/router.json``.

    python tools/train_router.py [--corpus corpus/*.jsonl] [--out model/router.json] [-v]

Cross-validates first (figures and thresholds as in bench/eval_routing.py), then trains on
every item and writes the model with the chosen thresholds and the cross-validated figures.
Deterministic: the same corpus gives the same file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import training  # noqa: E402
from bot.core import catalogs, classifier, corpus, lexicon  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", nargs="*", type=Path)
    ap.add_argument("--out", type=Path, default=classifier.default_model_path())
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    cats = catalogs.load()
    lex = lexicon.load(cats.directory, cats.languages)
    items = corpus.load(args.corpus)
    data = training.featurize(lex, items, cats.languages)
    params = training.Params()
    report = training.evaluate(data, params)
    training.print_report(report, args.verbose)
    model = training.train(data, params, report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(model.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {args.out} ({len(model.weights)} features, {len(items)} items)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
