"""Content checks behind ``sellerbot check``: catalogs, decision steps, platform limits."""

from __future__ import annotations

from bot.core import actions, catalogs, flow, situations
from bot.core.answer import Answer
from bot.core.engine import Core, required_message_ids

LABEL_LIMIT = 80  # Discord button label; Telegram buttons are looser
TITLE_LIMIT = 256  # Discord embed title
CUSTOM_ID_LIMIT = 100


def problems(core: Core) -> list[str]:
    """Every problem found, as readable lines; empty when the content is sound."""
    out = catalogs.problems(core.catalogs, required_message_ids())
    out += _flow_problems()
    if out:  # rendering with broken catalogs only repeats the same problems
        return out
    for lang in core.languages:
        for sid in (s.id for s in situations.SITUATIONS):
            out += _answer_problems(core, core.situation(sid, lang), f"{lang}/{sid}")
            out += _answer_problems(core, core.unhelpful(sid, lang), f"{lang}/{sid} not helpful")
        for path in _all_prefixes():
            answer = core.walk(path, lang)
            if answer is None:
                out.append(f"{lang}: decision path {'.'.join(path) or '(start)'} does not resolve")
                continue
            out += _answer_problems(core, answer, f"{lang}/step {'.'.join(path) or 'start'}")
        for kind in ("help", "unsure", "offtopic", "situations"):
            out += _answer_problems(core, core.situation_menu(lang, kind), f"{lang}/{kind}")
    return out


def _all_prefixes() -> list[tuple[str, ...]]:
    seen: set[tuple[str, ...]] = set()
    for path in flow.all_paths():
        for i in range(len(path) + 1):
            seen.add(path[:i])
    return sorted(seen, key=lambda p: (len(p), p))


def _flow_problems() -> list[str]:
    out: list[str] = []
    paths = flow.all_paths()
    reached = {flow.resolve(p).situation for p in paths if flow.resolve(p)}  # type: ignore[union-attr]
    for s in situations.SITUATIONS:
        if s.id not in reached:
            out.append(f"decision steps: situation {s.id!r} cannot be reached")
    nodes_reached = {flow.START}
    for node in flow.NODES.values():
        for o in node.options:
            if o.node is not None:
                nodes_reached.add(o.node)
            if o.node is None and o.situation is None:
                out.append(f"decision steps: {node.id}.{o.id} leads nowhere")
            if o.node is not None and o.node not in flow.NODES:
                out.append(f"decision steps: {node.id}.{o.id} leads to unknown node {o.node!r}")
            if o.situation is not None and situations.get(o.situation) is None:
                out.append(f"decision steps: {node.id}.{o.id} leads to unknown {o.situation!r}")
            if o.names is not None and situations.get(o.names) is None:
                out.append(f"decision steps: {node.id}.{o.id} names unknown {o.names!r}")
            if o.names is not None and o.situation not in (None, o.names):
                out.append(
                    f"decision steps: {node.id}.{o.id} names {o.names!r} but leads to "
                    f"{o.situation!r}"
                )
    for node_id in set(flow.NODES) - nodes_reached:
        out.append(f"decision steps: node {node_id!r} cannot be reached")
    for node in flow.NODES.values():
        if not node.options:
            out.append(f"decision steps: node {node.id!r} has no choices (a dead end)")
    for p in paths:
        if flow.resolve(p) is None:
            out.append(f"decision steps: path {'.'.join(p)} does not terminate")
    return out


def _answer_problems(core: Core, answer: Answer, where: str) -> list[str]:
    out: list[str] = []
    if len(answer.title) > TITLE_LIMIT:
        out.append(f"{where}: title is {len(answer.title)} characters (limit {TITLE_LIMIT})")
    for choice in answer.buttons:
        if not 0 < len(choice.label) <= LABEL_LIMIT:
            out.append(f"{where}: button label {choice.label!r} is over {LABEL_LIMIT} characters")
        if len(choice.token.encode()) > actions.MAX_BYTES:
            out.append(f"{where}: button token {choice.token!r} is over {actions.MAX_BYTES} bytes")
        if len(choice.token) > CUSTOM_ID_LIMIT:
            out.append(f"{where}: button token is over {CUSTOM_ID_LIMIT} characters")
        if actions.parse(choice.token) is None:
            out.append(f"{where}: button token {choice.token!r} does not parse")
    if len(answer.buttons) > 25:
        out.append(f"{where}: {len(answer.buttons)} buttons (Discord allows 25)")
    for fmt, limit in (("discord", 2000), ("telegram", 4096), ("text", 4096)):
        for chunk in core.renderer.chunks(answer, fmt, limit):
            if len(chunk) > limit:
                out.append(f"{where}: a {fmt} message is {len(chunk)} characters (limit {limit})")
    body = core.renderer.render(answer, "discord", title=False, sources=False)
    if len(body) > 4096:
        out.append(f"{where}: Discord embed description is {len(body)} characters (limit 4096)")
    if len(body) + len(answer.title) + 2048 > 6000:
        out.append(f"{where}: Discord embed may exceed 6000 characters in total")
    return out
