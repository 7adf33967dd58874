"""Core benchmark: time per free-text answer and per decision step, throughput, memory.

    python bench/bench_core.py

A free-text answer is the whole path an adapter takes: language choice, routing, composing and
rendering the reply (Telegram HTML). Questions cycle through the labelled corpus in corpus/, so
every language and situation is exercised. Prints median and p99 per answer and per step,
answers per second on one core, peak memory, and the cold start of `sellerbot ask`.
"""

from __future__ import annotations

import gc
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bot.core import actions, corpus, flow
from bot.core.engine import default_core
from bot.core.language import LanguageContext

ROOT = Path(__file__).resolve().parents[1]


def questions() -> list[str]:
    """Every question of the labelled corpus: short chat lines and long real posts."""
    return [item.text for item in corpus.load()]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main() -> None:
    t0 = time.perf_counter()
    core = default_core()
    load_ms = (time.perf_counter() - t0) * 1000
    qs = questions()
    ctx = LanguageContext(platform_locale="en-US")
    for q in qs:  # warm caches the way a running bot's would be
        core.render(core.ask(q, ctx).answer, "telegram")
    # Five rounds; the figures are from the quickest round, so that another process briefly
    # taking the core does not count against the bot (as timeit does).
    n = 5_000
    rounds: list[list[float]] = []
    for _ in range(5):
        times: list[float] = []
        gc.disable()
        for i in range(n):
            q = qs[i % len(qs)]
            s = time.perf_counter_ns()
            core.render(core.ask(q, ctx).answer, "telegram")
            times.append((time.perf_counter_ns() - s) / 1000)
        gc.enable()
        rounds.append(times)
    times = min(rounds, key=statistics.median)
    tokens = []
    for path in flow.all_paths():
        for k in range(len(path) + 1):
            for lang in core.languages:
                tokens.append(actions.walk(lang, path[:k]))
    step_times: list[float] = []
    for i in range(20_000):
        tok = tokens[i % len(tokens)]
        s = time.perf_counter_ns()
        core.render(core.act(tok, ctx), "telegram")
        step_times.append((time.perf_counter_ns() - s) / 1000)

    cold = []
    for _ in range(5):
        s = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot.cli", "ask", "--json", "buyer minta cancel"],
            capture_output=True,
            check=True,
        )
        cold.append(time.perf_counter() - s)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(
        f"questions: {len(qs)} distinct, 5 rounds of {n} answers (best round shown); "
        f"content load {load_ms:.0f} ms"
    )
    print(
        f"free-text answer: median {statistics.median(times):.1f} us, "
        f"p99 {percentile(times, 0.99):.1f} us, "
        f"{1e6 / statistics.mean(times):,.0f} answers/s on one core"
    )
    print(
        f"decision step:    median {statistics.median(step_times):.1f} us, "
        f"p99 {percentile(step_times, 0.99):.1f} us"
    )
    print(
        f"`sellerbot ask` cold start: median {statistics.median(cold) * 1000:.0f} ms "
        f"(best {min(cold) * 1000:.0f} ms)"
    )
    print(f"peak memory (max RSS): {peak_mb:.1f} MB")


if __name__ == "__main__":
    main()
