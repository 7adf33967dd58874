"""The decision steps: a small graph, as data, that walks a member to a situation.

A walk is identified by its *path*: the choice ids taken from :data:`START`. Buttons carry the
whole path (see :mod:`bot.core.actions`), so any process can continue or go back in a walk
after a restart without a stored session. Question and choice text live in the catalogs under
``flow.<node>.question`` and ``flow.<node>.<choice>``.
"""

from __future__ import annotations

from dataclasses import dataclass

START = "who"


@dataclass(frozen=True)
class Option:
    """One choice at a node: it leads either to another node or to a situation."""

    id: str
    node: str | None = None
    situation: str | None = None


@dataclass(frozen=True)
class Node:
    id: str
    options: tuple[Option, ...]

    def option(self, choice: str) -> Option | None:
        return next((o for o in self.options if o.id == choice), None)


NODES: dict[str, Node] = {
    n.id: n
    for n in (
        Node(
            "who",
            (
                Option("buyer", node="why"),
                Option("me", situation="seller-cancel"),
                Option("unhappy", node="delivered"),
                Option("other", situation="general-advice"),
            ),
        ),
        Node(
            "why",
            (
                Option("mistake", situation="ordered-by-mistake"),
                Option("unhappy", node="delivered"),
                Option("other", situation="buyer-cancel-request"),
            ),
        ),
        Node(
            "delivered",
            (
                Option("yes", node="continue"),
                Option("no", situation="buyer-cancel-request"),
            ),
        ),
        Node(
            "continue",
            (
                Option("yes", situation="unhappy-with-delivery"),
                Option("no", situation="seller-cancel"),
            ),
        ),
    )
}


@dataclass(frozen=True)
class Position:
    """Where a path leads: a node still to answer, or a situation reached."""

    path: tuple[str, ...]
    node: Node | None
    situation: str | None


def resolve(path: tuple[str, ...]) -> Position | None:
    """Follow ``path`` from the start. None when the path is not valid (stale or forged)."""
    node = NODES[START]
    for i, choice in enumerate(path):
        option = node.option(choice)
        if option is None:
            return None
        if option.situation is not None:
            return Position(path, None, option.situation) if i == len(path) - 1 else None
        assert option.node is not None
        node = NODES[option.node]
    return Position(path, node, None)


def message_ids() -> list[str]:
    """Every catalog message id the decision steps need."""
    ids: list[str] = []
    for node in NODES.values():
        ids.append(f"flow.{node.id}.question")
        ids += [f"flow.{node.id}.{o.id}" for o in node.options]
    return ids


def all_paths() -> list[tuple[str, ...]]:
    """Every path from the start that ends at a situation (the graph is a DAG)."""
    out: list[tuple[str, ...]] = []

    def visit(node: Node, path: tuple[str, ...], seen: frozenset[str]) -> None:
        for o in node.options:
            p = (*path, o.id)
            if o.situation is not None:
                out.append(p)
            elif o.node is not None and o.node not in seen:
                visit(NODES[o.node], p, seen | {o.node})

    visit(NODES[START], (), frozenset({START}))
    return out


def mermaid() -> str:
    """The graph as a Mermaid flowchart (node and situation ids, language-neutral)."""
    lines = ["flowchart TD"]
    for node in NODES.values():
        lines.append(f'    {node.id}{{"{node.id}?"}}')
        for o in node.options:
            target = o.node if o.node is not None else f"S_{o.situation}"
            lines.append(f"    {node.id} -->|{o.id}| {target}")
    for sid in sorted({o.situation for n in NODES.values() for o in n.options if o.situation}):
        lines.append(f'    S_{sid}["{sid}"]')
    return "\n".join(lines)
