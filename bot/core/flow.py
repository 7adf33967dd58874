"""The decision steps: a small graph, as data, that walks a member to a situation.

A walk is identified by its *path*: the choice ids taken from :data:`START`. Buttons carry the
whole path (see :mod:`bot.core.actions`), so any process can continue or go back in a walk
after a restart without a stored session. Question and choice text live in the catalogs under
``flow.<node>.question`` and ``flow.<node>.<choice>``, except for a choice that names an
answer (``names``): it carries that answer's title, so an answer has one title everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

START = "who"


@dataclass(frozen=True)
class Option:
    """One choice at a node: it leads either to another node or to a situation.

    ``names`` is the situation the choice stands for in a menu of situations (the first
    step): its label is that situation's title, the one its guide and every menu show.
    Choices that answer a question ("Not yet", "Ordered by mistake") have their own text.
    """

    id: str
    node: str | None = None
    situation: str | None = None
    names: str | None = None


@dataclass(frozen=True)
class Node:
    """A question with its choices. ``ask`` names the catalog text when two nodes ask the
    same question but lead to different places (``flow.<ask>.question``, ``flow.<ask>.<id>``).
    """

    id: str
    options: tuple[Option, ...]
    ask: str = ""

    @property
    def text_key(self) -> str:
        return self.ask or self.id

    def option(self, choice: str) -> Option | None:
        return next((o for o in self.options if o.id == choice), None)


NODES: dict[str, Node] = {
    n.id: n
    for n in (
        Node(
            "who",
            (
                Option("buyer", node="why", names="buyer-cancel-request"),
                Option("me", situation="seller-cancel", names="seller-cancel"),
                Option("unhappy", node="delivered", names="unhappy-with-delivery"),
                Option("stats", situation="completion-rate", names="completion-rate"),
                Option("other", situation="general-advice", names="general-advice"),
            ),
        ),
        Node(
            "why",
            (
                Option("mistake", situation="ordered-by-mistake"),
                Option("unhappy", node="buyer-delivered"),
                Option("other", situation="buyer-cancel-request"),
            ),
        ),
        # The buyer wants to cancel because they are unhappy: keep going with revisions, or
        # let the order go by accepting the buyer's request (not a cancellation of your own).
        Node(
            "buyer-delivered",
            (
                Option("yes", node="buyer-continue"),
                Option("no", situation="buyer-cancel-request"),
            ),
            ask="delivered",
        ),
        Node(
            "buyer-continue",
            (
                Option("yes", situation="unhappy-with-delivery"),
                Option("no", situation="buyer-cancel-request"),
            ),
            ask="continue",
        ),
        # The buyer is unhappy but has not asked to cancel. Before delivery their feedback on
        # the work so far is still a revision conversation, not a cancellation request.
        Node(
            "delivered",
            (
                Option("yes", node="continue"),
                Option("no", situation="unhappy-with-delivery"),
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


def label_key(node: Node, option: Option) -> str:
    """The catalog message id of a choice's label: the title of the answer it names, or
    ``flow.<node>.<choice>``."""
    return f"{option.names}.title" if option.names else f"flow.{node.text_key}.{option.id}"


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
        ids.append(f"flow.{node.text_key}.question")
        ids += [label_key(node, o) for o in node.options]
    return list(dict.fromkeys(ids))


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
        lines.append(f'    {node.id}{{"{node.text_key}?"}}')
        for o in node.options:
            target = o.node if o.node is not None else f"S_{o.situation}"
            lines.append(f"    {node.id} -->|{o.id}| {target}")
    for sid in sorted({o.situation for n in NODES.values() for o in n.options if o.situation}):
        lines.append(f'    S_{sid}["{sid}"]')
    return "\n".join(lines)
