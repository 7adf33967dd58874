"""A local stand-in for Discord's REST API, for tests and the bench.

It records every call and rejects what Discord rejects, in Discord's error format
(``{"code": 50035, "message": "Invalid Form Body", "errors": {...}}``): command payloads
(names, descriptions, option and choice counts, locales, sizes), message bodies (content,
embeds, components), late or repeated interaction responses, unknown webhooks and pins
without the permission. Limits follow /work/shared/PLATFORM_FACTS.md and Discord's docs.
"""

from __future__ import annotations

import itertools
import json
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

API = "/api/v10"
APP_ID = 900000000000000001
BOT_ID = 900000000000000001
PIN_MESSAGES = 1 << 51

LOCALES = frozenset(
    (
        "id",
        "da",
        "de",
        "en-GB",
        "en-US",
        "es-ES",
        "es-419",
        "fr",
        "hr",
        "it",
        "lt",
        "hu",
        "nl",
        "no",
        "pl",
        "pt-BR",
        "ro",
        "fi",
        "sv-SE",
        "vi",
        "tr",
        "cs",
        "el",
        "bg",
        "ru",
        "uk",
        "hi",
        "th",
        "zh-CN",
        "ja",
        "zh-TW",
        "ko",
    )
)
DISCORD_EPOCH = 1420070400000

BOT_USER = {
    "id": str(BOT_ID), "username": "sellerbot", "discriminator": "0", "global_name": None,
    "avatar": None, "bot": True, "flags": 0, "public_flags": 0,
}  # fmt: skip


def snowflake(at: float | None = None, seq: int = 0) -> int:
    """A snowflake id for the time ``at`` (Unix seconds; default now)."""
    ms = int((time.time() if at is None else at) * 1000)
    return ((ms - DISCORD_EPOCH) << 22) | (seq & 0x3FFFFF)


def snowflake_seconds(value: int) -> float:
    return ((value >> 22) + DISCORD_EPOCH) / 1000


_ids = itertools.count(1)


def new_id() -> int:
    return snowflake(seq=next(_ids))


# -- validation -------------------------------------------------------------------------
class Invalid(Exception):
    """A request Discord would refuse with 400 Invalid Form Body."""

    def __init__(self, errors: dict[tuple[Any, ...], tuple[str, str]]) -> None:
        super().__init__(errors)
        self.errors = errors

    def body(self) -> dict[str, Any]:
        tree: dict[str, Any] = {}
        for path, (code, message) in self.errors.items():
            node = tree
            for part in path:
                node = node.setdefault(str(part), {})
            node.setdefault("_errors", []).append({"code": code, "message": message})
        return {"code": 50035, "message": "Invalid Form Body", "errors": tree}


class Errors:
    def __init__(self) -> None:
        self.found: dict[tuple[Any, ...], tuple[str, str]] = {}

    def length(self, path: tuple[Any, ...], value: Any, low: int, high: int) -> None:
        if not isinstance(value, str):
            self.found[path] = ("BASE_TYPE_REQUIRED", "This field is required")
        elif not low <= len(value) <= high:
            self.found[path] = (
                "BASE_TYPE_BAD_LENGTH",
                f"Must be between {low} and {high} in length.",
            )

    def max_items(self, path: tuple[Any, ...], value: list[Any], high: int) -> None:
        if len(value) > high:
            self.found[path] = ("BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")

    def add(self, path: tuple[Any, ...], code: str, message: str) -> None:
        self.found[path] = (code, message)

    def raise_if_any(self) -> None:
        if self.found:
            raise Invalid(self.found)


def _name_char_ok(ch: str) -> bool:
    if ch in "-_'":
        return True
    cat = unicodedata.category(ch)
    if cat[0] in "LN":
        return True
    cp = ord(ch)
    return 0x0900 <= cp <= 0x097F or 0xA8E0 <= cp <= 0xA8FF or 0x0E00 <= cp <= 0x0E7F


def chat_name_ok(name: Any) -> bool:
    """Discord's ``^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``, lowercase where possible."""
    return (
        isinstance(name, str)
        and 1 <= len(name) <= 32
        and all(map(_name_char_ok, name))
        and name == name.lower()
    )


def _localized(
    errs: Errors, path: tuple[Any, ...], data: dict[str, Any], key: str, check: Any
) -> None:
    values = data.get(key) or {}
    for locale, value in values.items():
        if locale not in LOCALES:
            errs.add((*path, key, locale), "LOCALE_INVALID", f"Invalid locale: {locale}")
        else:
            check((*path, key, locale), value)


def validate_commands(commands: Any) -> None:
    """Validate a bulk-overwrite payload (``PUT /applications/{app}/commands``)."""
    errs = Errors()
    if not isinstance(commands, list):
        raise Invalid({(): ("LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")})
    counts = {1: 0, 2: 0, 3: 0}
    seen: set[tuple[int, str]] = set()
    for i, cmd in enumerate(commands):
        ctype = cmd.get("type", 1)
        counts[ctype] = counts.get(ctype, 0) + 1
        name = cmd.get("name")
        if (ctype, name) in seen:
            errs.add(
                (i, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique: {name}",
            )
        seen.add((ctype, name))
        if ctype == 1:
            _check_chat_name(errs, (i,), cmd)
            _check_description(errs, (i,), cmd)
            _check_options(errs, (i, "options"), cmd.get("options") or [])
        else:
            errs.length((i, "name"), name, 1, 32)
            _localized(errs, (i,), cmd, "name_localizations", lambda p, v: errs.length(p, v, 1, 32))
            if cmd.get("description"):
                errs.add(
                    (i, "description"),
                    "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                    "Context menu commands cannot have description",
                )
        if _command_size(cmd) > 8000:
            errs.add((i,), "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (8000)")
        perms = cmd.get("default_member_permissions")
        if perms is not None and not str(perms).isdigit():
            errs.add(
                (i, "default_member_permissions"),
                "NUMBER_TYPE_COERCE",
                "Value is not a valid integer",
            )
    if counts.get(1, 0) > 100:
        errs.add(
            (), "APPLICATION_COMMANDS_TOO_MANY", "Maximum number of chat commands reached (100)"
        )
    for ctype, label in ((2, "user"), (3, "message")):
        if counts.get(ctype, 0) > 15:
            errs.add(
                (),
                "APPLICATION_COMMANDS_TOO_MANY",
                f"Maximum number of {label} commands reached (15)",
            )
    errs.raise_if_any()


def _check_chat_name(errs: Errors, path: tuple[Any, ...], data: dict[str, Any]) -> None:
    def one(p: tuple[Any, ...], value: Any) -> None:
        if not chat_name_ok(value):
            errs.add(p, "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {value!r}")

    one((*path, "name"), data.get("name"))
    _localized(errs, path, data, "name_localizations", one)


def _check_description(errs: Errors, path: tuple[Any, ...], data: dict[str, Any]) -> None:
    errs.length((*path, "description"), data.get("description"), 1, 100)
    _localized(
        errs, path, data, "description_localizations", lambda p, v: errs.length(p, v, 1, 100)
    )


def _check_options(errs: Errors, path: tuple[Any, ...], options: list[dict[str, Any]]) -> None:
    errs.max_items(path, options, 25)
    optional_seen = False
    names: set[str] = set()
    for j, opt in enumerate(options):
        p = (*path, j)
        _check_chat_name(errs, p, opt)
        _check_description(errs, p, opt)
        if opt.get("name") in names:
            errs.add(
                (*p, "name"),
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                "Option names must be unique",
            )
        names.add(opt.get("name", ""))
        if opt.get("required"):
            if optional_seen:
                errs.add(
                    (*p, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        choices = opt.get("choices") or []
        if choices and opt.get("autocomplete"):
            errs.add(
                (*p, "autocomplete"),
                "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                "Autocomplete cannot be set with choices",
            )
        errs.max_items((*p, "choices"), choices, 25)
        for k, choice in enumerate(choices):
            cp = (*p, "choices", k)
            errs.length((*cp, "name"), choice.get("name"), 1, 100)
            _localized(
                errs, cp, choice, "name_localizations", lambda q, v: errs.length(q, v, 1, 100)
            )
            value = choice.get("value")
            if isinstance(value, str) and not 1 <= len(value) <= 100:
                errs.add((*cp, "value"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100")
        if opt.get("options"):
            _check_options(errs, (*p, "options"), opt["options"])


def _longest(data: dict[str, Any], key: str) -> int:
    values = [data.get(key) or "", *(data.get(f"{key}_localizations") or {}).values()]
    return max(len(v) for v in values)


def _command_size(cmd: dict[str, Any]) -> int:
    """Discord's 8,000-character budget: the longest localization of each field counts."""
    total = _longest(cmd, "name") + _longest(cmd, "description")
    stack = list(cmd.get("options") or [])
    while stack:
        opt = stack.pop()
        total += _longest(opt, "name") + _longest(opt, "description")
        for choice in opt.get("choices") or []:
            total += _longest(choice, "name") + len(str(choice.get("value", "")))
        stack += opt.get("options") or []
    return total


def validate_message(body: dict[str, Any], *, create: bool, prefix: tuple[Any, ...] = ()) -> None:
    """Validate a message body (create, edit or interaction callback data)."""
    errs = Errors()
    content = body.get("content")
    if content is not None and len(content) > 2000:
        errs.add((*prefix, "content"), "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.")
    embeds = body.get("embeds") or []
    errs.max_items((*prefix, "embeds"), embeds, 10)
    total = 0
    for i, e in enumerate(embeds):
        p = (*prefix, "embeds", i)
        for key, limit in (("title", 256), ("description", 4096)):
            value = e.get(key) or ""
            total += len(value)
            if len(value) > limit:
                errs.add((*p, key), "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")
        fields = e.get("fields") or []
        errs.max_items((*p, "fields"), fields, 25)
        for j, f in enumerate(fields):
            for key, limit in (("name", 256), ("value", 1024)):
                value = f.get(key) or ""
                total += len(value)
                if not 1 <= len(value) <= limit:
                    errs.add(
                        (*p, "fields", j, key),
                        "BASE_TYPE_BAD_LENGTH",
                        f"Must be between 1 and {limit} in length.",
                    )
        footer = (e.get("footer") or {}).get("text") or ""
        author = (e.get("author") or {}).get("name") or ""
        total += len(footer) + len(author)
        if len(footer) > 2048:
            errs.add(
                (*p, "footer", "text"), "BASE_TYPE_MAX_LENGTH", "Must be 2048 or fewer in length."
            )
        if len(author) > 256:
            errs.add(
                (*p, "author", "name"), "BASE_TYPE_MAX_LENGTH", "Must be 256 or fewer in length."
            )
    if total > 6000:
        errs.add(
            (*prefix, "embeds"),
            "MAX_EMBED_SIZE_EXCEEDED",
            "Embed size exceeds maximum size of 6000",
        )
    _check_components(errs, (*prefix, "components"), body.get("components") or [])
    am = body.get("allowed_mentions")
    if am is not None:
        for k, v in enumerate(am.get("parse") or []):
            if v not in ("roles", "users", "everyone"):
                errs.add(
                    (*prefix, "allowed_mentions", "parse", k),
                    "ENUM_TYPE_COERCE",
                    f"Value {v!r} is not a valid enum value.",
                )
    errs.raise_if_any()
    if create and not (
        content or embeds or body.get("components") or body.get("poll") or body.get("attachments")
    ):
        raise EmptyMessage()


def validate_modal(data: dict[str, Any]) -> None:
    """Validate a modal (callback type 9): title, custom_id, rows of one text input each."""
    errs = Errors()
    errs.length(("data", "title"), data.get("title"), 1, 45)
    errs.length(("data", "custom_id"), data.get("custom_id"), 1, 100)
    rows = data.get("components") or []
    if not 1 <= len(rows) <= 5:
        errs.add(
            ("data", "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
        )
    for i, row in enumerate(rows):
        items = row.get("components") or []
        if row.get("type") != 1 or len(items) != 1 or items[0].get("type") != 4:
            errs.add(
                ("data", "components", i),
                "COMPONENT_LAYOUT_INVALID",
                "A modal row holds exactly one text input",
            )
            continue
        t = items[0]
        q = ("data", "components", i, "components", 0)
        errs.length((*q, "custom_id"), t.get("custom_id"), 1, 100)
        errs.length((*q, "label"), t.get("label"), 1, 45)
        high = t.get("max_length", 4000)
        if not 1 <= high <= 4000:
            errs.add((*q, "max_length"), "NUMBER_TYPE_MAX", "int value should be <= 4000.")
        if len(t.get("value") or "") > high:
            errs.add((*q, "value"), "BASE_TYPE_BAD_LENGTH", f"Must be {high} or fewer in length.")
        if len(t.get("placeholder") or "") > 100:
            errs.add((*q, "placeholder"), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
    errs.raise_if_any()


class EmptyMessage(Exception):
    """Discord's 50006 Cannot send an empty message."""


def _check_components(errs: Errors, path: tuple[Any, ...], rows: list[dict[str, Any]]) -> None:
    errs.max_items(path, rows, 5)
    ids: set[str] = set()
    for i, row in enumerate(rows):
        p = (*path, i)
        if row.get("type") != 1:
            errs.add((*p, "type"), "COMPONENT_LAYOUT_INVALID", "Top level must be action rows")
            continue
        items = row.get("components") or []
        if not 1 <= len(items) <= 5:
            errs.add(
                (*p, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
            )
        selects = [c for c in items if c.get("type") in (3, 5, 6, 7, 8)]
        if selects and len(items) > 1:
            errs.add(
                (*p, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for j, c in enumerate(items):
            q = (*p, "components", j)
            if c.get("type") == 2 and c.get("style") == 5:
                if not c.get("url"):
                    errs.add((*q, "url"), "BASE_TYPE_REQUIRED", "This field is required")
            else:
                cid = c.get("custom_id")
                errs.length((*q, "custom_id"), cid, 1, 100)
                if cid in ids:
                    errs.add(
                        (*q, "custom_id"),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Component custom id cannot be duplicated",
                    )
                ids.add(cid)
            if c.get("type") == 2:
                label = c.get("label")
                if label is not None and len(label) > 80:
                    errs.add(
                        (*q, "label"), "BASE_TYPE_MAX_LENGTH", "Must be 80 or fewer in length."
                    )
                if not label and not c.get("emoji"):
                    errs.add((*q, "label"), "BASE_TYPE_REQUIRED", "This field is required")
            if c.get("type") == 3:
                opts = c.get("options") or []
                if not 1 <= len(opts) <= 25:
                    errs.add(
                        (*q, "options"),
                        "BASE_TYPE_BAD_LENGTH",
                        "Must be between 1 and 25 in length.",
                    )
                if len(c.get("placeholder") or "") > 150:
                    errs.add(
                        (*q, "placeholder"),
                        "BASE_TYPE_MAX_LENGTH",
                        "Must be 150 or fewer in length.",
                    )
                for k, o in enumerate(opts):
                    errs.length((*q, "options", k, "label"), o.get("label"), 1, 100)
                    errs.length((*q, "options", k, "value"), o.get("value"), 1, 100)


# -- the server -------------------------------------------------------------------------
@dataclass
class Call:
    """One request the stand-in received."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 0
    response: Any = None
    at: float = 0.0  # time.perf_counter() on arrival


@dataclass
class Pending:
    """An interaction Discord "sent" to the bot, until it expires."""

    id: int
    token: str
    type: int
    channel_id: int
    message_id: int | None = None  # the message a component sits on
    acked: int | None = None  # callback type
    original: int | None = None  # the response message id
    ephemeral: bool = False


@dataclass
class StandIn:
    """The stand-in server. ``window`` is the time allowed for the first response."""

    window: float = 3.0
    calls: list[Call] = field(default_factory=list)
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    pins: dict[int, list[int]] = field(default_factory=dict)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    interactions: dict[int, Pending] = field(default_factory=dict)
    #: channel id → the bot's permission bits there (for pins); missing means none.
    bot_permissions: dict[int, int] = field(default_factory=dict)
    url: str = ""
    #: DM channel id → the member it talks to (created by ``POST /users/@me/channels``).
    dm_channels: dict[int, int] = field(default_factory=dict)
    #: Server channel id → its server id (for ``GET /channels/{id}``).
    channels: dict[int, int] = field(default_factory=dict)
    #: Members who do not accept direct messages (Discord: 50007).
    dms_closed: set[int] = field(default_factory=set)
    #: Faults for the next interaction callbacks, in order: 429 (rate limited, as Cloudflare
    #: answers it: no "Via" header), "reset" (the connection dropped before it arrived),
    #: "lost answer" (carried out, then the connection dropped before the answer).
    callback_faults: list[int | str] = field(default_factory=list)
    #: Called with (interaction id, arrival time) when a first response is accepted.
    on_callback: Callable[[int, float], None] | None = None

    def __post_init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._by_token: dict[str, Pending] = {}
        self._arrival = 0.0

    # -- lifecycle ----------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"{self.url}{API}"

    # -- what tests use -----------------------------------------------------------------
    def expect(self, payload: dict[str, Any]) -> None:
        """Register an INTERACTION_CREATE payload the test is about to inject."""
        channel = payload.get("channel_id") or payload.get("channel", {}).get("id")
        message = payload.get("message")
        p = Pending(
            int(payload["id"]),
            payload["token"],
            payload["type"],
            int(channel),
            int(message["id"]) if message else None,
        )
        self.interactions[p.id] = p
        self._by_token[p.token] = p

    def reset(self) -> None:
        """Forget recorded calls, messages and interactions (the bench runs long)."""
        self.calls.clear()
        self.messages.clear()
        self.interactions.clear()
        self._by_token.clear()

    def find(self, method: str | None = None, pattern: str = "") -> list[Call]:
        rx = re.compile(pattern)
        return [
            c for c in self.calls if (method is None or c.method == method) and rx.search(c.path)
        ]

    def callbacks(self, interaction_id: int | str) -> list[Call]:
        return self.find("POST", rf"/interactions/{interaction_id}/")

    def sent_bodies(self) -> list[dict[str, Any]]:
        """Every message body the bot sent or edited (callbacks' data, webhooks, channels)."""
        out = []
        for c in self.calls:
            if not isinstance(c.body, dict):
                continue
            if "/callback" in c.path and c.body.get("type") in (4, 7):
                out.append(c.body.get("data") or {})
            elif re.search(r"/webhooks/|/channels/\d+/messages(/\d+)?$", c.path) and c.method in (
                "POST",
                "PATCH",
            ):
                out.append(c.body)
        return out

    def delete_by_hand(self, message_id: int) -> None:
        """A member deletes a message in Discord's client (no REST call from the bot)."""
        msg = self.messages.pop(message_id, None)
        if msg is not None:
            pinned = self.pins.get(int(msg["channel_id"]), [])
            if message_id in pinned:
                pinned.remove(message_id)

    def dms_to(self, user_id: int) -> list[dict[str, Any]]:
        """Messages the bot sent to a member's DM channel, oldest first."""
        return [
            m
            for m in self.messages.values()
            if self.dm_channels.get(int(m["channel_id"])) == user_id
        ]

    # -- dispatch -----------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        at = time.perf_counter()
        raw = await request.read()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
        call = Call(request.method, request.path, dict(request.query), body, at=at)
        self.calls.append(call)
        self._arrival = at
        if request.path.endswith("/callback") and self.callback_faults:
            fault = self.callback_faults.pop(0)
            if fault == "lost answer":  # carried out, but the answer never came back
                self._route(call)
            if fault in ("reset", "lost answer"):
                call.status = 0
                assert request.transport is not None
                request.transport.close()  # no answer at all: the client sees a dropped line
                return web.Response(status=500)
            call.status, call.response = (
                429,
                {"message": "You are being rate limited.", "retry_after": 0.05, "global": False},
            )
            return web.json_response(call.response, status=429)
        try:
            status, data = self._route(call)
        except Invalid as exc:
            status, data = 400, exc.body()
        except EmptyMessage:
            status, data = 400, {"code": 50006, "message": "Cannot send an empty message"}
        call.status, call.response = status, data
        if status == 204:
            return web.Response(status=204)
        return web.Response(
            status=status,
            body=json.dumps(data).encode(),
            headers={"Content-Type": "application/json"},
        )

    def _route(self, call: Call) -> tuple[int, Any]:
        path = call.path.removeprefix(API)
        m, b = call.method, call.body
        if m == "GET" and path == "/users/@me":
            return 200, BOT_USER
        if m == "GET" and path == "/oauth2/applications/@me":
            return 200, _app_info()
        if mt := re.fullmatch(r"/applications/(\d+)(?:/guilds/(\d+))?/commands", path):
            if m == "PUT":
                validate_commands(b)
                stored = [_stored_command(c, mt.group(2)) for c in b]
                self.commands[mt.group(2) or "global"] = stored
                return 200, stored
            if m == "GET":
                return 200, self.commands.get(mt.group(2) or "global", [])
        if mt := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path):
            return self._callback(int(mt.group(1)), mt.group(2), b)
        if (mt := re.fullmatch(r"/webhooks/(\d+)/([^/]+)", path)) and m == "POST":
            return self._followup(mt.group(2), b)
        if mt := re.fullmatch(r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)", path):
            return self._webhook_message(m, mt.group(2), mt.group(3), b)
        if (mt := re.fullmatch(r"/channels/(\d+)/messages/pins/(\d+)", path)) and m == "PUT":
            return self._pin(int(mt.group(1)), int(mt.group(2)))
        if (mt := re.fullmatch(r"/channels/(\d+)/messages/pins/(\d+)", path)) and m == "DELETE":
            return self._unpin(int(mt.group(1)), int(mt.group(2)))
        if (mt := re.fullmatch(r"/channels/(\d+)/messages", path)) and m == "POST":
            validate_message(b, create=True)
            channel = int(mt.group(1))
            if self.dm_channels.get(channel) in self.dms_closed:
                return 403, {"code": 50007, "message": "Cannot send messages to this user"}
            return 200, self._message(channel, b, 0)
        if mt := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path):
            return self._channel_message(m, int(mt.group(1)), int(mt.group(2)), b)
        if (mt := re.fullmatch(r"/channels/(\d+)", path)) and m == "GET":
            channel = int(mt.group(1))
            if channel not in self.channels:
                return 404, {"code": 10003, "message": "Unknown Channel"}
            return 200, {
                "id": str(channel),
                "type": 0,
                "guild_id": str(self.channels[channel]),
                "name": "sellers-help",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
            }
        if path == "/users/@me/channels" and m == "POST":
            return self._dm_channel(int(b["recipient_id"]))
        return 404, {"code": 0, "message": "404: Not Found"}

    # -- interactions -------------------------------------------------------------------
    def _callback(self, iid: int, token: str, b: dict[str, Any]) -> tuple[int, Any]:
        p = self.interactions.get(iid)
        late = time.time() - snowflake_seconds(iid) > self.window
        if p is None or p.token != token or late:
            return 404, {"code": 10062, "message": "Unknown interaction"}
        if p.acked is not None:
            return 400, {"code": 40060, "message": "Interaction has already been acknowledged."}
        ctype = b.get("type")
        data = b.get("data") or {}
        allowed = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}.get(p.type, set())
        if ctype not in allowed:
            raise Invalid(
                {
                    ("type",): (
                        "INTERACTION_CALLBACK_TYPE_INVALID",
                        f"Callback type {ctype} is invalid for this interaction",
                    )
                }
            )
        if ctype == 8:
            choices = data.get("choices")
            if not isinstance(choices, list):
                raise Invalid(
                    {("data", "choices"): ("BASE_TYPE_REQUIRED", "This field is required")}
                )
            errs = Errors()
            errs.max_items(("data", "choices"), choices, 25)
            for k, c in enumerate(choices):
                errs.length(("data", "choices", k, "name"), c.get("name"), 1, 100)
            errs.raise_if_any()
            p.acked = 8
            self._notify(p)
            return 200, {"interaction": _cb_interaction(p, 8)}
        if ctype in (4, 7):
            validate_message(data, create=ctype == 4, prefix=("data",))
        if ctype == 9:
            validate_modal(data)
            p.acked = 9
            self._notify(p)
            return 200, {"interaction": _cb_interaction(p, 9)}
        p.acked = ctype
        resource: dict[str, Any] = {"type": ctype}
        if ctype in (4, 5):
            flags = int(data.get("flags") or 0)
            p.ephemeral = bool(flags & 64)
            msg = self._message(
                p.channel_id,
                data if ctype == 4 else {},
                (flags & 64) | (128 if ctype == 5 else 0),
                interaction=p,
            )
            p.original = int(msg["id"])
            resource["message"] = msg
        elif ctype in (6, 7):
            p.original = p.message_id
            if ctype == 7 and p.message_id is not None:
                msg = self.messages.get(p.message_id) or self._message(
                    p.channel_id, {}, 0, mid=p.message_id
                )
                _apply(msg, data)
                resource["message"] = msg
        self._notify(p)
        return 200, {"interaction": _cb_interaction(p, ctype), "resource": resource}

    def _notify(self, p: Pending) -> None:
        if self.on_callback is not None:
            self.on_callback(p.id, self._arrival)

    def _pending(self, token: str) -> Pending | None:
        p = self._by_token.get(token)
        if p is None or p.acked is None or time.time() - snowflake_seconds(p.id) > 15 * 60:
            return None
        return p

    def _followup(self, token: str, b: dict[str, Any]) -> tuple[int, Any]:
        p = self._pending(token)
        if p is None:
            return 404, {"code": 10015, "message": "Unknown Webhook"}
        validate_message(b, create=True)
        flags = int(b.get("flags") or 0) & 64
        return 200, self._message(p.channel_id, b, flags, interaction=p)

    def _webhook_message(self, method: str, token: str, which: str, b: Any) -> tuple[int, Any]:
        p = self._pending(token)
        if p is None:
            return 404, {"code": 10015, "message": "Unknown Webhook"}
        mid = p.original if which == "@original" else int(which)
        msg = self.messages.get(mid) if mid is not None else None
        if msg is None:
            return 404, {"code": 10008, "message": "Unknown Message"}
        if method == "GET":
            return 200, msg
        if method == "PATCH":
            validate_message(b or {}, create=False)
            _apply(msg, b or {})
            msg["flags"] = int(msg.get("flags", 0)) & ~128
            return 200, msg
        if method == "DELETE":
            self.messages.pop(mid, None)
            return 204, None
        return 405, {"code": 0, "message": "405: Method Not Allowed"}

    def _pin(self, channel_id: int, message_id: int) -> tuple[int, Any]:
        msg = self.messages.get(message_id)
        if msg is None or int(msg["channel_id"]) != channel_id or int(msg.get("flags", 0)) & 64:
            return 404, {"code": 10008, "message": "Unknown Message"}
        if not self.bot_permissions.get(channel_id, 0) & PIN_MESSAGES:
            return 403, {"code": 50013, "message": "Missing Permissions"}
        pinned = self.pins.setdefault(channel_id, [])
        if len(pinned) >= 250:
            return 400, {"code": 30003, "message": "Maximum number of pins reached (250)"}
        if message_id not in pinned:
            pinned.append(message_id)
        msg["pinned"] = True
        return 204, None

    def _unpin(self, channel_id: int, message_id: int) -> tuple[int, Any]:
        msg = self.messages.get(message_id)
        if msg is None or int(msg["channel_id"]) != channel_id:
            return 404, {"code": 10008, "message": "Unknown Message"}
        if not self.bot_permissions.get(channel_id, 0) & PIN_MESSAGES:
            return 403, {"code": 50013, "message": "Missing Permissions"}
        pinned = self.pins.setdefault(channel_id, [])
        if message_id in pinned:
            pinned.remove(message_id)
        msg["pinned"] = False
        return 204, None

    def _channel_message(
        self, method: str, channel_id: int, message_id: int, b: Any
    ) -> tuple[int, Any]:
        msg = self.messages.get(message_id)
        if msg is None or int(msg["channel_id"]) != channel_id or int(msg.get("flags", 0)) & 64:
            return 404, {"code": 10008, "message": "Unknown Message"}
        if method == "GET":
            return 200, msg
        if method == "PATCH":
            if msg["author"]["id"] != BOT_USER["id"]:
                return 403, {
                    "code": 50005,
                    "message": "Cannot edit a message authored by another user",
                }
            validate_message(b or {}, create=False)
            _apply(msg, b or {})
            msg["edited_timestamp"] = datetime.now(UTC).isoformat()
            return 200, msg
        if method == "DELETE":
            self.delete_by_hand(message_id)
            return 204, None
        return 405, {"code": 0, "message": "405: Method Not Allowed"}

    def _dm_channel(self, user_id: int) -> tuple[int, Any]:
        channel = next((c for c, u in self.dm_channels.items() if u == user_id), None)
        if channel is None:
            channel = new_id()
            self.dm_channels[channel] = user_id
        user = {
            "id": str(user_id),
            "username": f"member{user_id % 1000}",
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "public_flags": 0,
        }
        return 200, {
            "id": str(channel),
            "type": 1,
            "last_message_id": None,
            "recipients": [user],
            "flags": 0,
        }

    def _message(
        self,
        channel_id: int,
        b: dict[str, Any],
        flags: int,
        *,
        interaction: Pending | None = None,
        mid: int | None = None,
    ) -> dict[str, Any]:
        mid = mid or new_id()
        msg: dict[str, Any] = {
            "id": str(mid),
            "channel_id": str(channel_id),
            "type": 20 if interaction else 0,
            "author": BOT_USER,
            "content": "",
            "embeds": [],
            "components": [],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "flags": flags,
            "edited_timestamp": None,
            "timestamp": datetime.now(UTC).isoformat(),
        }
        if interaction is not None:
            msg["application_id"] = str(APP_ID)
            msg["webhook_id"] = str(APP_ID)
        _apply(msg, b)
        self.messages[mid] = msg
        return msg


def _apply(msg: dict[str, Any], b: dict[str, Any]) -> None:
    for key in ("content", "embeds", "components"):
        if key in b and b[key] is not None:
            msg[key] = b[key]
        elif key in b:
            msg[key] = "" if key == "content" else []
    msg["allowed_mentions"] = b.get("allowed_mentions", msg.get("allowed_mentions"))


def _cb_interaction(p: Pending, ctype: int) -> dict[str, Any]:
    out: dict[str, Any] = {"id": str(p.id), "type": p.type}
    if p.original is not None and ctype != 8:
        out["response_message_id"] = str(p.original)
        out["response_message_loading"] = ctype == 5
        out["response_message_ephemeral"] = p.ephemeral
    return out


def _stored_command(cmd: dict[str, Any], guild_id: str | None) -> dict[str, Any]:
    out = dict(cmd)
    out.setdefault("type", 1)
    out.setdefault("description", "")
    out.update(id=str(new_id()), application_id=str(APP_ID), version=str(new_id()))
    if guild_id:
        out["guild_id"] = guild_id
    return out


def _app_info() -> dict[str, Any]:
    return {
        "id": str(APP_ID), "name": "sellerbot", "icon": None, "description": "",
        "bot_public": True, "bot_require_code_grant": False, "owner": BOT_USER,
        "verify_key": "0" * 64, "flags": 0, "summary": "", "rpc_origins": [],
        "interactions_endpoint_url": None, "team": None,
    }  # fmt: skip
