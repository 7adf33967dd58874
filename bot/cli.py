"""The ``sellerbot`` command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from importlib import metadata
from typing import Any

from bot.core.language import LanguageContext, match_locale

log = logging.getLogger(__name__)

PLATFORMS = ("telegram", "discord", "console")
#: Exit code when the data folder or database cannot be used (as for a usage error: the
#: setting, not the bot, needs changing).
EXIT_STORAGE = 2


def version() -> str:
    """The installed package's version (its metadata), or a note when it is not installed."""
    try:
        return metadata.version("sellerbot")
    except metadata.PackageNotFoundError:
        return "unknown (not installed; pip install -e .)"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sellerbot",
        description="Step-by-step guidance for marketplace sellers, in English, Indonesian "
        "and Dutch.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    verbose = (
        "show log messages (-vv: debug messages too); otherwise the console shows only "
        "the conversation"
    )
    p.add_argument("-v", "--verbose", action="count", default=0, help=verbose)
    sub = p.add_subparsers(dest="command")
    run = sub.add_parser("run", help="start the configured adapters, or the console channel")
    run.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS, help=verbose)
    ask = sub.add_parser("ask", help="answer one question (or one per line with '-')")
    ask.add_argument("question", help="the question, or '-' to read one per line from stdin")
    ask.add_argument("--lang", help="answer in this language (en, id, nl; or a locale: nl-BE)")
    ask.add_argument("--json", action="store_true", help="print JSON (one object per line)")
    ask.add_argument(
        "--format",
        choices=("text", "discord", "telegram"),
        default="text",
        help="markup of the printed answer (default: text)",
    )
    sub.add_parser("check", help="validate catalogs, decision steps and platform limits")
    sits = sub.add_parser("situations", help="list the situations")
    sits.add_argument("--json", action="store_true")
    sits.add_argument("--lang", help="language of the titles (default: en)")
    sub.add_parser("graph", help="print the decision steps as a Mermaid diagram")
    stats = sub.add_parser("stats", help="questions, helpful votes and unrouted questions")
    stats.add_argument("--platform", choices=PLATFORMS, help="one platform (default: all)")
    stats.add_argument("--chat", help="one community's chat or server id (default: all)")
    stats.add_argument("--lang", help="language of the report (default: en)")
    dsc = sub.add_parser("discord", help="Discord tools")
    dsub = dsc.add_subparsers(dest="discord_command", required=True)
    dsync = dsub.add_parser("sync", help="register the slash commands with Discord")
    dsync.add_argument("--guild", type=int, help="only in this server (instant; for testing)")
    web = sub.add_parser("web", help="serve the moderators' dashboard (SELLERBOT_WEB_PORT)")
    web.add_argument(
        "--link",
        nargs=2,
        metavar=("PLATFORM", "CHAT_ID"),
        help="print a one-time sign-in link for one community and exit",
    )
    exm = sub.add_parser("examples", help="examples suggested by members, confirmed by moderators")
    exsub = exm.add_subparsers(dest="examples_command", required=True)
    export = exsub.add_parser("export", help="write examples as corpus JSON Lines")
    export.add_argument(
        "--status",
        choices=("confirmed", "suggested", "rejected"),
        default="confirmed",
        help="which examples (default: confirmed)",
    )
    export.add_argument("file", help="the .jsonl file to write ('-': standard output)")
    train = sub.add_parser(
        "train",
        help="retrain the question router with this deployment's confirmed examples",
        description="Retrain the question router from the shipped corpus plus the confirmed "
        "examples in the configured database; adopt it only when cross-validation on the "
        "shipped real posts says it is not worse (right and wrong guide). Needs the train "
        "extra: pip install -e '.[train]'.",
    )
    train.add_argument("--folds", type=int, default=None, help="cross-validation folds (5)")
    train.add_argument(
        "--corpus", nargs="+", metavar="FILE", help="corpus files (default: corpus/*.jsonl)"
    )
    train.add_argument("--dry-run", action="store_true", help="evaluate only; store nothing")
    train.add_argument(
        "--revert", action="store_true", help="go back to the shipped model (nothing is trained)"
    )
    dbp = sub.add_parser("db", help="database tools: migrate, copy to another database")
    dbsub = dbp.add_subparsers(dest="db_command", required=True)
    dbup = dbsub.add_parser("upgrade", help="apply the schema migrations and say the revision")
    dbup.add_argument("url", nargs="?", help="storage URL (default: the configured database)")
    dbcopy = dbsub.add_parser(
        "copy", help="copy every table into an empty database (e.g. SQLite to PostgreSQL)"
    )
    dbcopy.add_argument("source", help="storage URL to read (e.g. sqlite:///data/sellerbot.db)")
    dbcopy.add_argument("destination", help="empty database (postgresql://user@host/db)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        if command == "ask":
            return _ask(args)
        if command == "check":
            return _check()
        if command == "situations":
            return _situations(args)
        if command == "discord":
            from bot.adapters.discord.run import main as discord_main

            return discord_main(args)
        if command == "stats":
            return _stats(args)
        if command == "db":
            return _db(args)
        if command == "web":
            return _web(args)
        if command == "examples":
            return _examples(args)
        if command == "train":
            return _train(args)
        if command == "graph":
            from bot.core import flow

            print(flow.mermaid())
            return 0
        return _run(args.verbose)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def _core() -> Any:
    from bot.core.engine import default_core

    return default_core()


def _language(core: Any, value: str | None, command: str) -> str | None:
    """The language a ``--lang`` value names (``en``, ``EN``, ``nl-BE``, ``id_ID``: parsed with
    Babel, as platform locales are), English without one; None (after saying so) if unknown."""
    if value is None:
        return "en"
    lang = match_locale(value, core.languages)
    if lang is None:
        print(
            f"sellerbot {command}: unknown language {value!r}; choose one of: "
            f"{', '.join(core.languages)}",
            file=sys.stderr,
        )
    return lang


def _ask_core() -> Any:
    """The core, answering with the deployment's retrained router model when one is active
    (read quickly: a cold ``sellerbot ask`` answers within a second)."""
    from bot.active_model import configured_database_url, model_for_ask
    from bot.core.engine import build

    stored = model_for_ask(configured_database_url())
    return _core() if stored is None else build(router=stored)


def _ask(args: argparse.Namespace) -> int:
    core = _ask_core()
    lang = _language(core, args.lang, "ask") if args.lang else None
    if args.lang and lang is None:
        return 2
    ctx = LanguageContext(explicit=lang)

    def one(question: str) -> str:
        reply = core.ask(question, ctx)
        # No buttons on a terminal: list the choices an unsure or off-topic answer offers.
        chunks = core.renderer.chunks(reply.answer, args.format, choices=True)
        text = "\n\n".join(chunks)
        if not args.json:
            return text
        route = reply.route
        return json.dumps(
            {
                "situation": reply.answer.situation,
                "lang": reply.language.lang,
                "confidence": route.confidence if route else 0.0,
                "kind": reply.answer.kind,
                "candidates": list(route.candidates) if route else [],
                "also": route.also if route else None,
                "elsewhere": route.elsewhere if route else False,
                "text": text,
            },
            ensure_ascii=False,
        )

    if args.question == "-":
        first = True
        for line in sys.stdin:
            question = line.rstrip("\r\n")
            if args.json:  # one object per line, blank lines included
                print(one(question), flush=True)
                continue
            if not question.strip():
                continue
            # Plain text: each answer under its question, a blank line between them.
            if not first:
                print()
            print(f"> {question.strip()}")
            print(one(question), flush=True)
            first = False
        return 0
    print(one(args.question))
    return 0


def _check() -> int:
    from bot.core.catalogs import CatalogError
    from bot.core.engine import build
    from bot.core.lexicon import LexiconError
    from bot.core.validate import problems

    try:
        core = build()
    except (CatalogError, LexiconError) as exc:
        print(f"sellerbot check: cannot load content: {exc}", file=sys.stderr)
        return 1
    found = problems(core)
    if found:
        print(f"sellerbot check: {len(found)} problem(s):", file=sys.stderr)
        for line in found:
            print(f"  - {line}", file=sys.stderr)
        return 1
    print(
        f"sellerbot check: ok ({len(core.languages)} languages: {', '.join(core.languages)}; "
        f"content version {core.content_version})"
    )
    return 0


def _situations(args: argparse.Namespace) -> int:
    from bot.core import situations

    core = _core()
    lang = _language(core, args.lang, "situations")
    if lang is None:
        return 2
    rows = [
        {"id": s.id, "title": core.t(lang, f"{s.id}.title"), "sources": list(s.sources)}
        for s in situations.SITUATIONS
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for r in rows:
            print(f"{r['id']:<24} {r['title']}")
    return 0


def _stats(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bot.active_model import describe, in_use
    from bot.config import load_settings
    from bot.moderation.stats import community_stats, render_stats
    from bot.storage import MissingDatabase, StorageError, open_repository

    settings = load_settings()
    core = _core()
    lang = _language(core, args.lang, "stats")
    if lang is None:
        return 2

    async def report() -> str:
        # A report reads: it creates no folder or database and migrates nothing.
        from bot.storage import salt as hash_salt

        salt = hash_salt.choose(settings, read_only=True)
        repo = await open_repository(settings.database_url, salt=salt.value, read_only=True)
        try:
            stats = await community_stats(repo, args.platform, args.chat, datetime.now(UTC))
            model = await in_use(repo, core.model)
        finally:
            await repo.close()
        return (
            render_stats(core, stats, lang, "text")
            + "\n\n"
            + describe(core, model, lang, "mod.stats.router")
        )

    try:
        print(asyncio.run(report()))
    except MissingDatabase as exc:
        print(f"sellerbot stats: no statistics yet ({exc})")
        return 0
    except StorageError as exc:
        print(f"sellerbot stats: {exc}", file=sys.stderr)
        return EXIT_STORAGE
    return 0


def _train(args: argparse.Namespace) -> int:
    """``sellerbot train [--folds K] [--corpus FILE...] [--dry-run] [--revert]``."""
    from bot import learning
    from bot.config import load_settings
    from bot.storage import StorageError, open_repository
    from bot.storage import salt as hash_salt

    settings = load_settings()
    if not args.revert:
        try:
            learning.check_dependencies()
        except learning.MissingTrainingDependencies as exc:
            print(f"sellerbot train: {exc}", file=sys.stderr)
            return 2
    if args.folds is not None and args.folds < 2:
        print("sellerbot train: --folds is 2 or more", file=sys.stderr)
        return 2
    shipped = None
    if args.corpus:
        from pathlib import Path

        from bot.core.corpus import CorpusError, load

        try:
            shipped = load([Path(f) for f in args.corpus])
        except (OSError, CorpusError) as exc:
            print(f"sellerbot train: {exc}", file=sys.stderr)
            return 2

    def progress(line: str) -> None:
        print(f"  ... {line}", flush=True)

    async def work() -> int:
        salt = hash_salt.choose(settings)
        repo = await open_repository(settings.database_url, salt=salt.value)
        try:
            if args.revert:
                n = await repo.deactivate_router_models()
                print(
                    "sellerbot train: back to the shipped model (restart the bot's processes "
                    "to use it)"
                    if n
                    else "sellerbot train: the shipped model is already in use"
                )
                return 0
            outcome = await learning.retrain(
                _core(), repo, shipped, folds=args.folds, dry_run=args.dry_run, report=progress
            )
        finally:
            await repo.close()
        print(_train_report(outcome, args.dry_run))
        return 0

    try:
        return asyncio.run(work())
    except StorageError as exc:
        print(f"sellerbot train: {exc}", file=sys.stderr)
        return EXIT_STORAGE


def _train_report(outcome: Any, dry_run: bool) -> str:
    """What ``sellerbot train`` did, for the terminal."""
    head = f"sellerbot train: {outcome.examples} confirmed examples, {outcome.items} corpus items"
    if not outcome.examples:
        return f"{head}: nothing to learn; the model in use stays ({outcome.before_name})"
    if outcome.nothing_new:
        return f"{head}: the model in use ({outcome.before_name}) learnt from these already"
    b, a = outcome.before, outcome.after
    lines = [
        head,
        f"cross-validated on the {b.n} shipped real posts ({outcome.folds} folds; the examples "
        "in every fold's training, never judged):",
        f"  {'':28} {'right':>7} {'useful':>7} {'wrong guide':>12}",
    ]
    for name, f in ((f"in use: {outcome.before_name}", b), ("retrained", a)):
        lines.append(
            f"  {name[:28]:28} {f.pct('right'):6.1f}% {f.pct('useful'):6.1f}% "
            f"{f.pct('wrong'):11.1f}%"
        )
    if outcome.adopted:
        if dry_run:
            lines.append("it would be adopted (--dry-run: nothing stored)")
        else:
            lines.append(
                f"adopted: model #{outcome.stored_id} is now this deployment's question router "
                "(the bot's processes use it from their next start)"
            )
    else:
        worse = []
        if a.right < b.right:
            worse.append(f"right {b.right} -> {a.right} of {b.n}")
        if a.wrong > b.wrong:
            worse.append(f"wrong guide {b.wrong} -> {a.wrong} of {b.n}")
        lines.append(
            f"refused: worse on the real posts ({', '.join(worse)}); the model in use stays"
        )
    if outcome.changed:
        lines.append("confirmed examples whose question gets another answer:")
        for c in outcome.changed:
            text = " ".join(c.text.split())
            text = text if len(text) <= 70 else text[:69] + "…"
            lines.append(f"  {c.before} -> {c.after} (confirmed: {c.label or 'off-topic'}): {text}")
    else:
        lines.append("no confirmed example's question gets another answer")
    return "\n".join(lines)


def _db(args: argparse.Namespace) -> int:
    """``sellerbot db upgrade [URL]`` and ``sellerbot db copy SRC DST``."""
    from bot.storage import StorageError, admin

    try:
        if args.db_command == "upgrade":
            url = args.url
            if url is None:
                from bot.config import load_settings

                url = load_settings().database_url
            done = asyncio.run(admin.upgrade(url))
            change = (
                f"upgraded from schema version {done.before}"
                if done.after != done.before
                else "already up to date"
            )
            print(f"{done.where}: at revision {done.revision} ({change})")
            return 0

        def copied(table: str, rows: int) -> None:
            print(f"{table}: {rows} rows", flush=True)

        counts = asyncio.run(admin.copy(args.source, args.destination, report=copied))
        print(f"copied {sum(counts.values())} rows in {len(counts)} tables")
        return 0
    except StorageError as exc:
        print(f"sellerbot db {args.db_command}: {exc}", file=sys.stderr)
        return EXIT_STORAGE


def _log_level(settings: Any, verbose: int) -> str:
    """``-v``/``-vv``, else the log level setting, else INFO when serving platforms and
    WARNING in the console channel (its log lines would land inside the conversation)."""
    if verbose:
        return "DEBUG" if verbose > 1 else "INFO"
    if settings.sellerbot_log_level:
        return str(settings.sellerbot_log_level)
    return "INFO" if settings.telegram_token or settings.discord_token else "WARNING"


def _run(verbose: int = 0) -> int:
    from bot.config import load_settings
    from bot.logging_setup import setup
    from bot.storage import StorageError

    settings = load_settings()
    try:
        role = settings.role
    except ValueError as exc:  # a sharding setting that cannot work: one clear line
        print(f"sellerbot: {exc}", file=sys.stderr)
        return 2
    if settings.sellerbot_web_port is not None:
        try:
            settings.web_secret()
        except ValueError as exc:
            print(f"sellerbot: {exc}", file=sys.stderr)
            return 2
    setup(_log_level(settings, verbose), settings.sellerbot_log_format, settings.secrets(), role)
    from bot.runner import run

    try:
        return asyncio.run(run(settings))
    except StorageError as exc:  # one line, no traceback: the setting needs changing
        print(f"sellerbot: {exc}", file=sys.stderr)
        return EXIT_STORAGE


def _web(args: argparse.Namespace) -> int:
    """``sellerbot web``: the dashboard alone (pins listed and forgotten, not refreshed: that
    needs the adapters, in ``sellerbot run``); ``--link PLATFORM CHAT_ID``: a sign-in link."""
    from bot.config import load_settings
    from bot.logging_setup import setup
    from bot.storage import StorageError, open_repository
    from bot.storage import salt as hash_salt

    settings = load_settings()
    if args.link:
        platform, chat_id = args.link
        if platform not in ("telegram", "discord"):
            print("sellerbot web --link: the platform is telegram or discord", file=sys.stderr)
            return 2
        if not settings.web_url:
            print(
                "sellerbot web --link: set SELLERBOT_WEB_PORT or SELLERBOT_WEB_URL", file=sys.stderr
            )
            return 2

        async def link() -> str:
            from bot.web.links import issue_link

            salt = hash_salt.choose(settings)
            repo = await open_repository(settings.database_url, salt=salt.value)
            try:
                return await issue_link(repo, settings.web_url or "", platform, chat_id)
            finally:
                await repo.close()

        try:
            print(asyncio.run(link()))
        except StorageError as exc:
            print(f"sellerbot web: {exc}", file=sys.stderr)
            return EXIT_STORAGE
        return 0
    if settings.sellerbot_web_port is None:
        print("sellerbot web: set SELLERBOT_WEB_PORT (and SELLERBOT_WEB_SECRET)", file=sys.stderr)
        return 2
    try:
        secret = settings.web_secret()
    except ValueError as exc:
        print(f"sellerbot web: {exc}", file=sys.stderr)
        return 2
    setup(_log_level(settings, args.verbose) if args.verbose else "INFO",
          settings.sellerbot_log_format, settings.secrets(), settings.sellerbot_role)  # fmt: skip

    async def serve() -> None:
        from bot.signals import stop_on_signals
        from bot.web.app import create_app
        from bot.web.server import serve as serve_app

        salt = hash_salt.choose(settings)
        repo = await open_repository(settings.database_url, salt=salt.value)
        try:
            app = create_app(
                _core(), repo, secret, https_only=(settings.web_url or "").startswith("https://")
            )
            stop = asyncio.Event()
            print(f"sellerbot web: serving the dashboard at {settings.web_url}", flush=True)
            with stop_on_signals(stop):
                assert settings.sellerbot_web_port is not None
                await serve_app(
                    app, settings.sellerbot_web_listen, settings.sellerbot_web_port, stop
                )
        finally:
            await repo.close()

    try:
        asyncio.run(serve())
    except StorageError as exc:
        print(f"sellerbot web: {exc}", file=sys.stderr)
        return EXIT_STORAGE
    except OSError as exc:
        print(f"sellerbot web: {exc}", file=sys.stderr)
        return 1
    return 0


def example_rows(examples: Sequence[Any]) -> list[dict[str, Any]]:
    """Examples as corpus lines (:mod:`bot.core.corpus`): provenance ``community``."""
    return [
        {
            "id": f"community-{e.platform}-{e.id}",
            "lang": e.lang,
            "label": e.answer,
            "accept": [e.answer],
            "text": e.text,
            "source": f"community:{e.platform}",
            "provenance": "community",
            "platform": e.platform,
            "why": f"{e.source}, {e.status} by a moderator"
            if e.status != "suggested"
            else f"{e.source}, not yet confirmed",
        }
        for e in examples
    ]


def _examples(args: argparse.Namespace) -> int:
    """``sellerbot examples export [--status S] FILE``: JSON Lines in the corpus format."""
    from bot.config import load_settings
    from bot.storage import MissingDatabase, StorageError, open_repository
    from bot.storage import salt as hash_salt

    settings = load_settings()

    async def read() -> list[Any]:
        salt = hash_salt.choose(settings, read_only=True)
        repo = await open_repository(settings.database_url, salt=salt.value, read_only=True)
        try:
            return await repo.list_examples(status=args.status)
        finally:
            await repo.close()

    try:
        rows = example_rows(asyncio.run(read()))
    except MissingDatabase:
        rows = []
    except StorageError as exc:
        print(f"sellerbot examples: {exc}", file=sys.stderr)
        return EXIT_STORAGE
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if args.file == "-":
        sys.stdout.write(lines)
    else:
        with open(args.file, "w", encoding="utf-8") as fh:
            fh.write(lines)
        print(f"sellerbot examples: wrote {len(rows)} {args.status} examples to {args.file}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
