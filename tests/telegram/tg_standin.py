"""A stand-in Bot API server: answers what the bot calls, records it, refuses what Telegram does.

Replies are ``{"ok": true, "result": ...}`` or Telegram's error format
``{"ok": false, "error_code": ..., "description": ..., "parameters": {"retry_after": n}}``, so
python-telegram-bot raises its real exceptions (BadRequest, RetryAfter, NetworkError, ...).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tg_html
from aiohttp import web

TOKEN = "123456:TEST-token_for-the-stand-in"
BOT_ID = 123456
BOT_USERNAME = "sellerbot_test_bot"

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
MAX_BUTTONS = 100
MAX_PER_ROW = 8
MAX_INLINE_RESULTS = 50
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SCOPES = {
    "default",
    "all_private_chats",
    "all_group_chats",
    "all_chat_administrators",
    "chat",
    "chat_administrators",
    "chat_member",
}
#: Parameters sent as plain strings (PTB JSON-encodes everything else).
_STRINGS = {
    "text",
    "parse_mode",
    "callback_query_id",
    "inline_query_id",
    "language_code",
    "url",
    "secret_token",
    "inline_message_id",
    "next_offset",
    "query",
}


class Refused(Exception):
    """A Telegram error answer."""

    def __init__(self, description: str, code: int = 400, retry_after: int | None = None):
        super().__init__(description)
        self.description = description
        self.code = code
        self.retry_after = retry_after


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.perf_counter)


def chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


def chat_json(chat_id: int) -> dict[str, Any]:
    kind = chat_type(chat_id)
    if kind == "private":
        return {"id": chat_id, "type": kind, "first_name": "Member"}
    return {"id": chat_id, "type": kind, "title": "Sellers Lounge"}


class BotApiStandIn:
    """The server. ``await start()``, point PTB's ``base_url`` at :attr:`base_url`."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.me = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Sellerbot",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.calls: list[Call] = []
        self.failures: dict[str, list[tuple[int, int | None]]] = {}
        self.members: dict[tuple[int, int], dict[str, Any]] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.pinned: list[tuple[int, int]] = []
        #: Users who never started the bot: it may not write to them in private.
        self.not_started: set[int] = set()
        self.webhook: dict[str, Any] | None = None
        self.next_message_id = 5000
        self.on_call: Callable[[Call], None] | None = None
        #: method -> delays: the call is carried out, and answered only after the delay (what
        #: a client with a shorter read timeout sees as a timeout, though it happened)
        self.late: dict[str, list[float]] = {}
        self._updates: list[dict[str, Any]] = []
        self._new_updates = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- control ----------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        self._new_updates.set()  # release pending long polls
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def answer_late(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Carry out the next ``times`` calls of ``method``, but answer each ``seconds`` late."""
        self.late.setdefault(method, []).extend([seconds] * times)

    def fail(
        self, method: str, status: int, *, retry_after: int | None = None, times: int = 1
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error (429, 500, 502, ...)."""
        self.failures.setdefault(method, []).extend([(status, retry_after)] * times)

    def set_member(self, chat_id: int, user_id: int, status: str, **rights: Any) -> None:
        """What getChatMember says about a user (default: an ordinary member)."""
        self.members[(chat_id, user_id)] = {"status": status, **rights}

    def make_admin(self, chat_id: int, user_id: int, **rights: Any) -> None:
        base = {
            "can_be_edited": False,
            "is_anonymous": False,
            "can_manage_chat": True,
            "can_delete_messages": False,
            "can_manage_video_chats": False,
            "can_restrict_members": False,
            "can_promote_members": False,
            "can_change_info": False,
            "can_invite_users": True,
            "can_post_stories": False,
            "can_edit_stories": False,
            "can_delete_stories": False,
            "can_pin_messages": False,
        }
        base.update(rights)
        self.set_member(chat_id, user_id, "administrator", **base)

    def push_update(self, update: dict[str, Any]) -> None:
        """Make an update available to getUpdates."""
        self._updates.append(update)
        self._new_updates.set()

    def delete_by_hand(self, chat_id: int, message_id: int) -> None:
        """A member deletes a message in the client (a pinned one is unpinned with it)."""
        self.messages.pop((chat_id, message_id), None)
        self.pinned = [p for p in self.pinned if p != (chat_id, message_id)]

    def private_messages(self, user_id: int) -> list[dict[str, Any]]:
        """What the bot sent to a user's private chat, in order."""
        return [p for p in self.sent() if int(p["chat_id"]) == user_id]

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    def sent(self) -> list[dict[str, Any]]:
        return self.calls_to("sendMessage")

    def reset_calls(self) -> None:
        self.calls.clear()

    # -- HTTP -------------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        if token != self.token:
            return _error(Refused("Unauthorized", 401))
        params = await _params(request)
        call = Call(method, params)
        self.calls.append(call)
        if self.on_call is not None:
            self.on_call(call)
        queued = self.failures.get(method)
        if queued:
            status, retry_after = queued.pop(0)
            if retry_after is not None:
                desc = f"Too Many Requests: retry after {retry_after}"
            else:
                desc = {500: "Internal Server Error", 502: "Bad Gateway"}.get(status, "Error")
            return _error(Refused(desc, status, retry_after))
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return _error(Refused("Not Found", 404))
        try:
            result = handler(params) if method != "getUpdates" else await handler(params)
        except Refused as exc:
            return _error(exc)
        delays = self.late.get(method)
        if delays:
            await asyncio.sleep(delays.pop(0))
        return web.json_response({"ok": True, "result": result})

    # -- methods ----------------------------------------------------------------------------
    def api_getMe(self, p: dict[str, Any]) -> dict[str, Any]:
        return self.me

    def api_deleteWebhook(self, p: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    def api_setWebhook(self, p: dict[str, Any]) -> bool:
        secret = p.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise Refused("Bad Request: secret token contains unallowed characters")
        self.webhook = p
        return True

    async def api_getUpdates(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(p.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._new_updates.clear()
            timeout = float(p.get("timeout") or 0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_updates.wait(), min(timeout, 2.0))
        limit = int(p.get("limit") or 100)
        return self._updates[:limit]

    def api_sendMessage(self, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(p["chat_id"])
        if chat_id in self.not_started:
            raise Refused("Forbidden: bot can't initiate conversation with a user", 403)
        plain = _check_text(p.get("text", ""), p.get("parse_mode"))
        _check_markup(p.get("reply_markup"))
        self.next_message_id += 1
        msg: dict[str, Any] = {
            "message_id": self.next_message_id,
            "from": self.me,
            "chat": chat_json(chat_id),
            "date": int(time.time()),
            "text": plain,
        }
        if p.get("reply_markup"):
            msg["reply_markup"] = p["reply_markup"]
        reply = p.get("reply_parameters")
        if reply and (chat_id, int(reply["message_id"])) in self.messages:
            msg["reply_to_message"] = self.messages[(chat_id, int(reply["message_id"]))]
        if p.get("message_thread_id"):
            msg["message_thread_id"] = p["message_thread_id"]
            msg["is_topic_message"] = True
        self.messages[(chat_id, msg["message_id"])] = {**msg, "html": p.get("text")}
        return msg

    def api_editMessageText(self, p: dict[str, Any]) -> dict[str, Any] | bool:
        plain = _check_text(p.get("text", ""), p.get("parse_mode"))
        _check_markup(p.get("reply_markup"))
        if p.get("inline_message_id"):
            return True
        key = (int(p["chat_id"]), int(p["message_id"]))
        old = self.messages.get(key)
        if old is None:
            raise Refused("Bad Request: message to edit not found")
        if old["text"] == plain and old.get("reply_markup") == p.get("reply_markup"):
            raise Refused(
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message"
            )
        new = {**old, "text": plain, "html": p.get("text"), "edit_date": int(time.time())}
        new.pop("reply_markup", None)
        if p.get("reply_markup"):
            new["reply_markup"] = p["reply_markup"]
        self.messages[key] = new
        return {k: v for k, v in new.items() if k != "html"}

    def api_answerCallbackQuery(self, p: dict[str, Any]) -> bool:
        if len(p.get("text") or "") > 200:
            raise Refused("Bad Request: MESSAGE_TOO_LONG")
        # Without a game, the only URL a callback may open is the bot's own deep link.
        url = p.get("url")
        if url and not re.fullmatch(
            rf"https://t\.me/{BOT_USERNAME}\?start=[A-Za-z0-9_-]{{1,64}}", str(url)
        ):
            raise Refused("Bad Request: URL_INVALID")
        return True

    def api_answerInlineQuery(self, p: dict[str, Any]) -> bool:
        results = p.get("results") or []
        if len(results) > MAX_INLINE_RESULTS:
            raise Refused("Bad Request: RESULTS_TOO_MUCH")
        ids = set()
        for r in results:
            rid = str(r.get("id", ""))
            if not 1 <= len(rid.encode()) <= 64 or rid in ids:
                raise Refused("Bad Request: RESULT_ID_INVALID")
            ids.add(rid)
            content = r.get("input_message_content") or {}
            _check_text(content.get("message_text", ""), content.get("parse_mode"))
            _check_markup(r.get("reply_markup"))
        return True

    def api_setMyCommands(self, p: dict[str, Any]) -> bool:
        commands = p.get("commands") or []
        if len(commands) > 100:
            raise Refused("Bad Request: BOT_COMMANDS_TOO_MUCH")
        for c in commands:
            if not _COMMAND.match(c.get("command", "")):
                raise Refused("Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(c.get("description", "")) <= 256:
                raise Refused("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[_scope_key(p)] = commands
        return True

    def api_getMyCommands(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(_scope_key(p), [])

    def api_getChatMember(self, p: dict[str, Any]) -> dict[str, Any]:
        chat_id, user_id = int(p["chat_id"]), int(p["user_id"])
        info = self.members.get((chat_id, user_id), {"status": "member"})
        user = (
            self.me
            if user_id == BOT_ID
            else {"id": user_id, "is_bot": False, "first_name": "Member"}
        )
        return {"user": user, **info}

    def _can(self, chat_id: int, right: str) -> bool:
        info = self.members.get((chat_id, BOT_ID), {"status": "member"})
        return info["status"] == "creator" or (
            info["status"] == "administrator" and bool(info.get(right))
        )

    def api_pinChatMessage(self, p: dict[str, Any]) -> bool:
        chat_id, message_id = int(p["chat_id"]), int(p["message_id"])
        if chat_type(chat_id) != "private" and not self._can(chat_id, "can_pin_messages"):
            raise Refused("Bad Request: not enough rights to manage pinned messages in the chat")
        if (chat_id, message_id) not in self.messages:
            raise Refused("Bad Request: message to pin not found")
        self.pinned.append((chat_id, message_id))
        return True

    def api_getChat(self, p: dict[str, Any]) -> dict[str, Any]:
        """The chat, with its most recent pinned message (as Telegram reports it)."""
        chat_id = int(p["chat_id"])
        chat: dict[str, Any] = {
            "id": chat_id,
            "type": chat_type(chat_id),
            "title": "Group",
            "accent_color_id": 0,
            "max_reaction_count": 11,
        }
        mine = [k for k in self.pinned if k[0] == chat_id]
        if mine:
            chat["pinned_message"] = {
                k: v for k, v in self.messages[mine[-1]].items() if k != "html"
            }
        return chat

    def api_unpinChatMessage(self, p: dict[str, Any]) -> bool:
        chat_id = int(p["chat_id"])
        if chat_type(chat_id) != "private" and not self._can(chat_id, "can_pin_messages"):
            raise Refused("Bad Request: not enough rights to manage pinned messages in the chat")
        message_id = p.get("message_id")
        if message_id is None:  # the most recent pin of the chat
            mine = [k for k in self.pinned if k[0] == chat_id]
            if mine:
                self.pinned.remove(mine[-1])
            return True
        key = (chat_id, int(message_id))
        if key not in self.pinned:
            raise Refused("Bad Request: message to unpin not found")
        self.pinned.remove(key)
        return True

    def api_deleteMessage(self, p: dict[str, Any]) -> bool:
        chat_id, message_id = int(p["chat_id"]), int(p["message_id"])
        own = (chat_id, message_id) in self.messages
        if (
            not own
            and chat_type(chat_id) != "private"
            and not self._can(chat_id, "can_delete_messages")
        ):
            raise Refused("Bad Request: message can't be deleted")
        self.messages.pop((chat_id, message_id), None)
        return True


# -- validation ---------------------------------------------------------------------------
def _check_text(text: str, parse_mode: str | None) -> str:
    if parse_mode == "HTML":
        try:
            plain = tg_html.parse(text)
        except tg_html.HtmlError as exc:
            raise Refused(f"Bad Request: can't parse entities: {exc}") from None
    elif parse_mode is None:
        plain = text
    else:
        raise Refused(f"Bad Request: unsupported parse_mode {parse_mode}")
    plain = plain.strip()
    if not plain:
        raise Refused("Bad Request: message text is empty")
    if tg_html.utf16_len(plain) > MAX_TEXT:
        raise Refused("Bad Request: message is too long")
    return plain


def _check_markup(markup: dict[str, Any] | None) -> None:
    if not markup:
        return
    rows = markup.get("inline_keyboard")
    if rows is None:
        return
    if sum(len(r) for r in rows) > MAX_BUTTONS:
        raise Refused("Bad Request: reply markup is too long")
    for row in rows:
        if len(row) > MAX_PER_ROW:
            raise Refused("Bad Request: too many buttons in a row")
        for button in row:
            if not button.get("text"):
                raise Refused("Bad Request: BUTTON_TEXT_EMPTY")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise Refused("Bad Request: BUTTON_DATA_INVALID")


def _scope_key(p: dict[str, Any]) -> tuple[str, str]:
    scope = p.get("scope") or {"type": "default"}
    if scope.get("type") not in _SCOPES:
        raise Refused("Bad Request: BOT_COMMAND_SCOPE_INVALID")
    lang = p.get("language_code") or ""
    if lang and not re.fullmatch(r"[a-z]{2}", lang):
        raise Refused("Bad Request: LANG_CODE_INVALID")
    return json.dumps(scope, sort_keys=True), lang


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        body = await request.json()
        return body if isinstance(body, dict) else {}
    form = await request.post()
    out: dict[str, Any] = {}
    for key, value in form.items():
        if not isinstance(value, str):
            continue
        if key in _STRINGS:
            out[key] = value
            continue
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out


def _error(exc: Refused) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
    if exc.retry_after is not None:
        body["parameters"] = {"retry_after": exc.retry_after}
    return web.json_response(body, status=exc.code)
