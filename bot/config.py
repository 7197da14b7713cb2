"""Settings read from the environment (and `.env`), validated once at start-up."""

from __future__ import annotations

import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SUPPORTED_LANGUAGES = ("zh", "en")
DEFAULT_DATABASE_URL = "sqlite:///data/houqin.db"


class Settings(BaseSettings):
    """Everything configurable about one bot deployment."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str | None = Field(default=None, alias="TELEGRAM_API_URL")
    database_url: str = Field(default=DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    default_timezone: str = Field(default="Asia/Shanghai", alias="HOUQIN_DEFAULT_TIMEZONE")
    default_language: str = Field(default="zh", alias="HOUQIN_DEFAULT_LANGUAGE")
    webhook_url: str | None = Field(default=None, alias="HOUQIN_WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(default=None, alias="HOUQIN_WEBHOOK_SECRET")
    webhook_listen: str = Field(default="0.0.0.0", alias="HOUQIN_WEBHOOK_LISTEN")
    webhook_port: int = Field(default=8443, ge=1, le=65535, alias="HOUQIN_WEBHOOK_PORT")
    rate_limit: bool = Field(default=True, alias="HOUQIN_RATE_LIMIT")
    # A group may get 20 messages a minute: one edit of a live card every 3 s keeps us inside.
    card_edit_interval: float = Field(default=3.0, ge=0, alias="HOUQIN_CARD_EDIT_INTERVAL")
    # How long to wait for Telegram's answer to a send; a later answer is lost (jobs.outbox).
    send_timeout: float = Field(default=30.0, gt=0, le=300, alias="HOUQIN_SEND_TIMEOUT")
    # Files the bot keeps (repair photos as evidence that outlives Telegram).
    data_dir: Path = Field(default=Path("data"), alias="HOUQIN_DATA_DIR")

    @field_validator("default_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("default_language")
    @classmethod
    def _supported_language(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("telegram_bot_token", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

    @property
    def api_base_url(self) -> str | None:
        return f"{self.telegram_api_url.rstrip('/')}/bot" if self.telegram_api_url else None

    @property
    def api_base_file_url(self) -> str | None:
        return f"{self.telegram_api_url.rstrip('/')}/file/bot" if self.telegram_api_url else None

    def ensure_sqlite_folder(self) -> None:
        """Create the folder of a file-based SQLite URL so a fresh checkout just runs."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix) and ":memory:" not in self.database_url:
            Path(self.database_url.removeprefix(prefix)).parent.mkdir(parents=True, exist_ok=True)


def load_settings(**overrides: object) -> Settings:
    """Read the settings; on invalid config print one line per bad variable and exit 2."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        for error in exc.errors():
            variable = str(error["loc"][0]) if error["loc"] else "?"
            print(f"Invalid configuration: {variable}: {error['msg']}", file=sys.stderr)
        raise SystemExit(2) from None
