"""Routing accuracy on labelled question sets (TSV: lang, situation, question).

    python bench/eval_routing.py tests/data/questions_*.tsv bench/heldout_questions.tsv [-v]

Prints accuracy per file and language, and with -v every miss.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

from bot.core import catalogs, lexicon, routing
from bot.core.language import detect


def read(path: Path) -> list[tuple[str, str | None, str]]:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r[0], None if r[1] == "null" else r[1], r[2]) for r in rows[1:] if len(r) == 3]


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    files = [Path(a) for a in argv if a != "-v"]
    locales = catalogs.default_locales_dir()
    langs = [p.name for p in locales.iterdir() if (p / "routing.toml").exists()]
    lex = lexicon.load(locales, langs)
    total = Counter[str]()
    for path in files:
        per = Counter[tuple[str, str]]()
        for lang, want, q in read(path):
            written_in = detect(lex, q, langs)[0]
            r = routing.route(lex, q, written_in)
            got = r.situation
            ok = got == want
            # An unsure answer that offers the right situation first is half right.
            lang_ok = written_in in (lang, None)
            per[(lang, "n")] += 1
            per[(lang, "ok")] += ok
            per[(lang, "lang")] += lang_ok
            per[(lang, "unsure")] += r.kind == "unsure"
            per[(lang, "wrong")] += (not ok) and r.kind != "unsure"
            if verbose and not ok:
                print(f"  MISS {lang} want={want} got={got} ({r.kind} {r.confidence}) "
                      f"{[(k, round(v, 2)) for k, v in r.scores[:2]]} | {q}")
        for lang in sorted({k[0] for k in per}):
            n = per[(lang, "n")]
            print(f"{path.name:28} {lang}: {per[(lang, 'ok')]}/{n} routed right "
                  f"({100 * per[(lang, 'ok')] / n:.0f}%), unsure {per[(lang, 'unsure')]}, "
                  f"wrong {per[(lang, 'wrong')]}, language right {per[(lang, 'lang')]}/{n}")
            total["n"] += n
            total["ok"] += per[(lang, "ok")]
    if total["n"]:
        print(f"overall: {total['ok']}/{total['n']} ({100 * total['ok'] / total['n']:.1f}%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
