"""Telegram's HTML parse mode, as the stand-in server enforces it.

Only the tags Telegram supports, balanced; every other ``<``, ``>`` and ``&`` escaped; only
the named entities ``&lt; &gt; &amp; &quot;`` (and numeric ones). Returns the plain text,
whose length Telegram limits (counted in UTF-16 code units, as its entity offsets are).
"""

from __future__ import annotations

import html
import re

ALLOWED = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "tg-emoji", "code", "pre", "blockquote",
}  # fmt: skip
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")


class HtmlError(ValueError):
    """What Telegram says about text it cannot parse."""


def _offset(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8"))


def _check_attrs(name: str, attrs: str, text: str, i: int) -> None:
    values = {
        m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
        for m in _ATTR.finditer(attrs)
    }
    if name == "span" and values.get("class") != "tg-spoiler":
        raise HtmlError(f'Unsupported start tag "span" at byte offset {_offset(text, i)}')
    if name == "a" and "href" not in values:
        raise HtmlError(f'Unsupported start tag "a" at byte offset {_offset(text, i)}')
    allowed = {
        "a": {"href"},
        "span": {"class"},
        "code": {"class"},
        "tg-emoji": {"emoji-id"},
        "blockquote": {"expandable"},
    }.get(name, set())
    for attr in values:
        if attr not in allowed:
            raise HtmlError(f'Unsupported attribute "{attr}" at byte offset {_offset(text, i)}')


_SPECIAL = re.compile(r"[<>&]")


def parse(text: str) -> str:
    """The plain text of Telegram HTML; raises :class:`HtmlError` like Telegram would."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while True:
        m = _SPECIAL.search(text, i)
        if m is None:
            out.append(text[i:])
            break
        out.append(text[i : m.start()])
        i = m.start()
        c = text[i]
        if c == "<":
            tag = _TAG.match(text, i)
            if tag is None:
                raise HtmlError(f"Unexpected end of name token at byte offset {_offset(text, i)}")
            closing, name, attrs = tag.group(1) == "/", tag.group(2).lower(), tag.group(3)
            if name not in ALLOWED:
                kind = "end" if closing else "start"
                at = _offset(text, i)
                raise HtmlError(f'Unsupported {kind} tag "{name}" at byte offset {at}')
            if closing:
                if not stack:
                    raise HtmlError(f"Unexpected end tag at byte offset {_offset(text, i)}")
                if stack[-1] != name:
                    raise HtmlError(
                        f"Unmatched end tag at byte offset {_offset(text, i)}, expected "
                        f'"</{stack[-1]}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                _check_attrs(name, attrs, text, i)
                stack.append(name)
            i = tag.end()
        elif c == "&":
            entity = _ENTITY.match(text, i)
            if entity is None:
                raise HtmlError(
                    f"Character '&' must be escaped as &amp; at byte offset {_offset(text, i)}"
                )
            out.append(html.unescape(entity.group(0)))
            i = entity.end()
        else:
            at = _offset(text, i)
            raise HtmlError(f"Character '>' must be escaped as &gt; at byte offset {at}")
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
