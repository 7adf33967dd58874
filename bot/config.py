"""Settings, read once from the environment and ``.env`` (see ``.env.example``)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting the bot reads. Names are the environment variables, case-insensitive."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    sellerbot_data_dir: Path = Field(default=Path("data"))
    sellerbot_database_url: str | None = None
    sellerbot_default_lang: str = "en"
    #: None: INFO when serving Telegram or Discord, WARNING in the console channel.
    sellerbot_log_level: str | None = None
    sellerbot_log_format: str = "text"
    sellerbot_hash_salt: SecretStr = SecretStr("")

    telegram_token: SecretStr | None = None
    telegram_api_base_url: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = 8443
    #: This process's share of the bot's overall flood limit (Telegram allows a bot about 30
    #: messages a second): with N processes on one token, about 30 / N each; 0: no limit.
    telegram_max_messages_per_second: float = Field(default=30.0, ge=0)

    discord_token: SecretStr | None = None
    discord_api_base_url: str | None = None
    #: Sharding over several processes: the shards in all, and this process's ("0,1").
    discord_shard_count: int | None = None
    discord_shard_ids: str | None = None
    #: The gateway websocket to connect to instead of Discord's (a gateway proxy; tests).
    discord_gateway_url: str | None = None

    #: What this process is, in every log line (e.g. "telegram-worker-2"); empty: none, or
    #: the Discord shards it runs.
    sellerbot_role: str | None = None
    #: Health (/healthz) and Prometheus metrics (/metrics) over HTTP; empty: off.
    sellerbot_metrics_port: int | None = None
    sellerbot_metrics_listen: str = "127.0.0.1"
    #: Seconds between checks for due deadline reminders.
    sellerbot_reminder_interval: float = Field(default=30.0, gt=0)
    #: Seconds one process's claim on due reminders holds: if it dies while sending, the
    #: reminders it claimed go out from another process after this (late, never lost).
    sellerbot_reminder_lease: float = Field(default=600.0, gt=0)
    #: The moderators' dashboard (``sellerbot web``; ``sellerbot run`` too when set); empty: off.
    sellerbot_web_port: int | None = Field(default=None, ge=1, le=65535)
    sellerbot_web_listen: str = "127.0.0.1"
    #: The dashboard's public address, used in sign-in links; empty: http://LISTEN:PORT.
    sellerbot_web_url: str | None = None
    #: Signs the dashboard's sessions; required when the dashboard is on.
    sellerbot_web_secret: SecretStr | None = None

    def secrets(self) -> list[str]:
        """Every configured secret's value (kept out of the logs)."""
        values = (
            self.sellerbot_hash_salt,
            self.telegram_token,
            self.telegram_webhook_secret,
            self.discord_token,
            self.sellerbot_web_secret,
        )
        return [v.get_secret_value() for v in values if v is not None and v.get_secret_value()]

    @property
    def shard_ids(self) -> list[int] | None:
        """This process's Discord shards, or None for all of them.

        Raises:
            ValueError: For ids that are not numbers or not below ``DISCORD_SHARD_COUNT``.
        """
        if not self.discord_shard_ids:
            return None
        try:
            ids = sorted({int(part) for part in self.discord_shard_ids.split(",") if part.strip()})
        except ValueError:
            raise ValueError(
                f"DISCORD_SHARD_IDS must be numbers like 0,1; got {self.discord_shard_ids!r}"
            ) from None
        count = self.discord_shard_count
        if count is None or not ids or ids[0] < 0 or ids[-1] >= count:
            raise ValueError(
                "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT, and each id from 0 to the count - 1"
            )
        return ids

    @property
    def gateway_url(self) -> str | None:
        """The Discord gateway address to connect to instead of Discord's, or None.

        Raises:
            ValueError: For an address that is not a ws:// or wss:// URL with a host.
        """
        url = self.discord_gateway_url
        if not url:
            return None
        try:
            parts = urlsplit(url)
            ok = parts.scheme in ("ws", "wss") and bool(parts.hostname)
        except ValueError:  # e.g. an unclosed [IPv6 address
            ok = False
        if not ok:
            raise ValueError(
                f"DISCORD_GATEWAY_URL must be a ws:// or wss:// address like "
                f"wss://gateway.example.com/; got {url!r}"
            )
        return url

    @property
    def role(self) -> str | None:
        """What this process is, for the logs: the setting, else its Discord shards."""
        if self.sellerbot_role:
            return self.sellerbot_role
        ids = self.shard_ids
        return f"discord-shards-{'-'.join(map(str, ids))}" if ids else None

    @property
    def web_url(self) -> str | None:
        """The dashboard's public address for sign-in links (no trailing slash), or None when
        the dashboard is not configured (no port nor address)."""
        if self.sellerbot_web_url:
            return self.sellerbot_web_url.rstrip("/")
        if self.sellerbot_web_port is None:
            return None
        host = self.sellerbot_web_listen
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.sellerbot_web_port}"

    def web_secret(self) -> str:
        """The secret that signs dashboard sessions.

        Raises:
            ValueError: When it is not set (one line saying what to set).
        """
        secret = self.sellerbot_web_secret.get_secret_value() if self.sellerbot_web_secret else ""
        if len(secret) < 16:
            raise ValueError(
                "the dashboard needs SELLERBOT_WEB_SECRET (at least 16 random characters, e.g. "
                "from: python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        return secret

    @property
    def database_url(self) -> str:
        """The storage URL: the explicit setting, else a SQLite file in the data directory."""
        if self.sellerbot_database_url:
            return self.sellerbot_database_url
        return str(self.sellerbot_data_dir / "sellerbot.db")


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
