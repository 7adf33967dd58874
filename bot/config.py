"""Settings, read once from the environment and ``.env`` (see ``.env.example``)."""

from __future__ import annotations

from pathlib import Path

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

    discord_token: SecretStr | None = None
    discord_api_base_url: str | None = None

    def secrets(self) -> list[str]:
        """Every configured secret's value (kept out of the logs)."""
        values = (
            self.sellerbot_hash_salt,
            self.telegram_token,
            self.telegram_webhook_secret,
            self.discord_token,
        )
        return [v.get_secret_value() for v in values if v is not None and v.get_secret_value()]

    @property
    def database_url(self) -> str:
        """The storage URL: the explicit setting, else a SQLite file in the data directory."""
        if self.sellerbot_database_url:
            return self.sellerbot_database_url
        return str(self.sellerbot_data_dir / "sellerbot.db")


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
