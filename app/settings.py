"""Every setting the app reads, from the environment (or a `.env` file). Documented in README.md."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


def normalise_database_url(url: str) -> str:
    """`postgres://` (Heroku, many hosting panels) and a bare `postgresql://` mean the psycopg 3
    driver this app ships; SQLAlchemy would otherwise look for psycopg2 or reject the scheme."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(
        default=f"sqlite:///{ROOT / 'data' / 'wizard.db'}",
        validation_alias="DATABASE_URL",
        description="SQLAlchemy URL. SQLite by default; postgresql+psycopg://user@host/db for PostgreSQL.",
    )

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, url: str) -> str:
        return normalise_database_url(url)

    host: str = Field(
        default="127.0.0.1", validation_alias="HOST", description="Address `make run` binds to."
    )
    port: int = Field(
        default=8000, validation_alias="PORT", description="Port `make run` binds to."
    )
    default_language: Literal["en", "zh"] = Field(
        default="en",
        validation_alias="APP_DEFAULT_LANGUAGE",
        description="Language when neither the cookie nor Accept-Language decides.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info",
        validation_alias="APP_LOG_LEVEL",
        description="Log level: debug, info, warning or error (the app's and uvicorn's).",
    )

    log_format: Literal["text", "json"] = Field(
        default="text",
        validation_alias="APP_LOG_FORMAT",
        description="text, or json: one JSON object a line with the request's id.",
    )
    metrics: bool = Field(
        default=False,
        validation_alias="APP_METRICS",
        description="Serve /metrics (Prometheus) to anyone who can reach the app; with a password "
        "set it is served behind sign-in either way.",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _any_case(cls, level: object) -> object:
        return level.strip().lower() if isinstance(level, str) else level

    max_body_bytes: int = Field(
        default=64 * 1024,
        validation_alias="APP_MAX_BODY_BYTES",
        description="Largest request body accepted; bigger ones get 413.",
    )
    max_upload_bytes: int = Field(
        default=20 * 1024 * 1024,
        validation_alias="APP_MAX_UPLOAD_BYTES",
        description="Largest file the dataset check reads; bigger ones get 413 before being read whole.",
    )
    max_concurrent_checks: int = Field(
        default=2,
        ge=1,
        validation_alias="APP_MAX_CONCURRENT_CHECKS",
        description="Dataset checks run at once; more get 503 with Retry-After.",
    )
    max_check_examples: int = Field(
        default=1_000_000,
        ge=1,
        validation_alias="APP_MAX_CHECK_EXAMPLES",
        description="Most lines (examples) one dataset check reads; a file with more gets 413.",
    )
    https: bool = Field(
        default=False,
        validation_alias="APP_HTTPS",
        description="Set when users reach the app over HTTPS: cookies get Secure, responses get HSTS.",
    )
    public_origin: str | None = Field(
        default=None,
        validation_alias="APP_PUBLIC_ORIGIN",
        description="The origin users see behind a proxy (https://wizard.example.com); form posts from it are accepted.",
    )
    access_password: str | None = Field(
        default=None,
        validation_alias="APP_ACCESS_PASSWORD",
        description="If set, a sign-in page guards the wizard, history and API (bearer token for the API).",
    )
    protect_share_links: bool = Field(
        default=False,
        validation_alias="APP_PROTECT_SHARE_LINKS",
        description="With a password set, also require sign-in to open share links.",
    )
    secret_key: str | None = Field(
        default=None,
        validation_alias="APP_SECRET_KEY",
        description="Signs session cookies. Unset: a random key generated once and kept in the database.",
    )
    trusted_proxies: str = Field(
        default="",
        validation_alias="APP_TRUSTED_PROXIES",
        description="Comma-separated addresses or networks of reverse proxies whose X-Forwarded-For "
        "and X-Forwarded-Proto are believed. Default: none.",
    )
    allowed_hosts: str = Field(
        default="",
        validation_alias="APP_ALLOWED_HOSTS",
        description="Comma-separated host names (`*.example.com` allowed) accepted in Host, besides "
        "loopback names and the host of APP_PUBLIC_ORIGIN; others get 400.",
    )
    search_timeout: float = Field(
        default=2.0,
        gt=0,
        validation_alias="APP_SEARCH_TIMEOUT",
        description="Seconds a history search may run in the database before it is stopped (503).",
    )
    page_cache_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=0,
        validation_alias="APP_PAGE_CACHE_BYTES",
        description="Bytes of rendered verdict pages each worker keeps in memory (least recently used go first).",
    )
    insights_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        validation_alias="APP_INSIGHTS_CACHE_SECONDS",
        description="Seconds each worker reuses the counts of /insights for the same filters (0: never).",
    )
    pool_timeout: float = Field(
        default=5.0,
        gt=0,
        validation_alias="APP_POOL_TIMEOUT",
        description="Seconds a request waits for a free database connection before a 503.",
    )
    body_timeout: float = Field(
        default=15.0,
        gt=0,
        validation_alias="APP_BODY_TIMEOUT",
        description="Seconds a client may take between two parts of a request body before a 408.",
    )
    retention_days: int | None = Field(
        default=None,
        gt=0,
        validation_alias="APP_RETENTION_DAYS",
        description="If set, finished assessments older than this many days are deleted, with their "
        "comments, by `make purge` and at start-up. Unset: kept for ever. Drafts untouched for 30 days "
        "are deleted either way.",
    )

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [item.strip() for item in self.trusted_proxies.split(",") if item.strip()]

    @property
    def allowed_host_list(self) -> list[str]:
        return [item.strip().lower() for item in self.allowed_hosts.split(",") if item.strip()]


@lru_cache
def get_settings() -> Settings:
    return Settings()
