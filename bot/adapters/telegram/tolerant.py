"""A bot whose polling survives an update this library version cannot parse.

PTB parses a whole getUpdates answer at once; one update it cannot read (a field added by a
newer Bot API, a malformed value relayed by a self-hosted server) makes the call raise, the
offset never moves past it, and polling fetches the same answer again forever, for everyone.
Here such an update is logged once by its id and replaced by an empty one, so the offset
moves on and every other update of that answer is handled as usual.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationBuilder, ExtBot

log = logging.getLogger(__name__)


class _NoBatchDump(logging.Filter):
    """The library logs a batch it cannot parse whole, members' messages included, with a
    traceback, before :class:`TolerantBot` reads it again update by update (and logs the one
    it skips by its id): that record is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Error while parsing updates")


logging.getLogger("telegram.ext.ExtBot").addFilter(_NoBatchDump())


class TolerantBot(ExtBot[Any]):
    """:class:`~telegram.ext.ExtBot` that skips the updates it cannot parse."""

    __slots__ = ()

    async def get_updates(
        self, offset: int | None = None, limit: int | None = None, *args: Any, **kwargs: Any
    ) -> tuple[Update, ...]:
        try:
            return await super().get_updates(offset, limit, *args, **kwargs)
        except TelegramError:
            raise  # the API's or the network's: the updater retries these itself
        except Exception:
            # The answer itself arrived but could not be read: fetch it again without waiting
            # (nothing was confirmed) and read the updates one by one.
            raw = await self._post(
                "getUpdates",
                {
                    "offset": offset,
                    "limit": limit,
                    "timeout": 0,
                    "allowed_updates": kwargs.get("allowed_updates"),
                },
            )
        return tuple(self._read(item) for item in raw if _update_id(item) is not None)

    def _read(self, item: Any) -> Update:
        try:
            update = Update.de_json(item, self)
        except Exception as exc:
            update = None
            log.warning(
                "skipped an update that could not be read",
                extra={"update_id": _update_id(item), "error": type(exc).__name__},
            )
        if update is None:  # an empty update with the same id moves the offset past it
            return Update(update_id=_update_id(item))  # type: ignore[arg-type]
        self.insert_callback_data(update)
        return update


def _update_id(item: Any) -> int | None:
    value = item.get("update_id") if isinstance(item, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class TolerantApplicationBuilder(ApplicationBuilder):
    """ApplicationBuilder that builds a :class:`TolerantBot` (same settings as ExtBot)."""

    def _build_ext_bot(self) -> ExtBot[Any]:
        bot = super()._build_ext_bot()
        bot.__class__ = TolerantBot  # same slots and state: only get_updates differs
        return bot
