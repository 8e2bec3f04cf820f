"""Settings from THEMABOT_* environment variables (also read from a `.env` file)."""

from __future__ import annotations

import os
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from conversations.texts import DEFAULT_LANGUAGE, LANGUAGES, catalogue, known_language

TELEGRAM_API_URL = "https://api.telegram.org/bot"
TELEGRAM_FILE_URL = "https://api.telegram.org/file/bot"


class SettingsError(Exception):
    """A setting with a bad value; the message is one line naming the variable."""


class Settings(BaseSettings):
    """The bot's settings. Each field's description is its documentation (see README)."""

    model_config = SettingsConfigDict(
        env_prefix="THEMABOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    token: str = Field(default="", description="Bot token from @BotFather; required for `run`.")
    api_url: str = Field(
        default=TELEGRAM_API_URL,
        description="Bot API base URL; the token is appended (PTB's base_url).",
    )
    file_url: str = Field(
        default=TELEGRAM_FILE_URL, description="Bot API file base URL (PTB's base_file_url)."
    )
    db: str = Field(default="themabot.db", description="SQLite database file.")
    coordinators: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated Telegram user ids that are coordinators.",
    )
    timezone: str = Field(
        default="Europe/Amsterdam", description="IANA time zone for deadlines and reminders."
    )
    language: str = Field(
        default=DEFAULT_LANGUAGE,
        description=f"Default language of the bot's texts ({', '.join(LANGUAGES)}).",
    )
    docx_template: str = Field(
        default="",
        description="A .docx whose styles, headers and footers the Word overview uses.",
    )
    send_rate: float = Field(
        default=30.0,
        ge=0,
        le=1000,
        description=(
            "Messages per second the bot sends across all chats; 0 = not paced (a local Bot "
            "API server, paid broadcasts)."
        ),
    )

    @field_validator("coordinators", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            ids = []
            for part in value.replace(";", ",").split(","):
                part = part.strip()
                if not part:
                    continue
                if not part.lstrip("-").isdigit():
                    raise PydanticCustomError(
                        "not_an_id",
                        "{part} is not a numeric Telegram user id",
                        {"part": repr(part)},
                    )
                ids.append(int(part))
            return ids
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise PydanticCustomError(
                "unknown_zone",
                "unknown time zone {value} (use an IANA name like Europe/Amsterdam)",
                {"value": repr(value)},
            ) from None
        return value

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        try:
            return known_language(value)
        except ValueError:
            raise PydanticCustomError(
                "unknown_language",
                "unsupported language {value} (use {languages})",
                {"value": repr(value), "languages": ", ".join(LANGUAGES)},
            ) from None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def load_settings(**overrides: Any) -> Settings:
    """Reads the settings; a bad value raises SettingsError with one line naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "?"
        raise SettingsError(f"THEMABOT_{field.upper()}: {_reason(error)}") from None


# The mistakes a setting can have, each a [cli] text "settings_<type>" of the catalogues: ours
# (raised above) and pydantic's own for a number (THEMABOT_SEND_RATE).
_TOLD = frozenset(
    {
        "not_an_id",
        "unknown_zone",
        "unknown_language",
        "float_parsing",
        "less_than_equal",
        "greater_than_equal",
    }
)


def _reason(error: Any) -> str:
    """What is wrong with a setting, in THEMABOT_LANGUAGE when that one can be read."""
    if error["type"] not in _TOLD:
        return str(error["msg"]).removeprefix("Value error, ")
    wanted = os.environ.get("THEMABOT_LANGUAGE", "")
    t = catalogue(wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE)
    return t.cli(f"settings_{error['type']}", **error.get("ctx", {}), input=repr(error["input"]))
