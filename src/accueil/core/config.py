"""Settings read from ACCUEIL_* environment variables (pydantic-settings)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-secret-change-me"


class Settings(BaseSettings):
    """All configuration of one accueil process. Built once by the app factory or the CLI."""

    model_config = SettingsConfigDict(env_prefix="ACCUEIL_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("var")
    database_url: str = ""
    redis_url: str = ""
    secret_key: str = DEV_SECRET
    log_level: str = "INFO"
    log_json: bool = True
    host: str = "127.0.0.1"
    port: int = 8000
    cookie_secure: bool = False
    session_hours: int = 12
    actor_cache_seconds: float = Field(default=2.0, ge=0, le=60)
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    max_body_bytes: int = 1_000_000
    rate_limit_per_minute: int = 120
    demo_data: bool = True
    kb_parameters_file: Path | None = None
    nlu_model_dir: Path | None = None
    nlu_max_accuracy_drop: float = Field(default=0.01, ge=0, le=1)
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_model: str = ""
    llm_timeout_s: float = Field(default=20.0, gt=0)

    @field_validator("log_level")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()

    @model_validator(mode="after")
    def _refuse_dev_secret_in_production(self) -> Settings:
        if self.environment == "production" and (self.secret_key == DEV_SECRET or len(self.secret_key) < 32):
            raise ValueError("ACCUEIL_SECRET_KEY doit être défini (32 caractères au moins) en production")
        return self

    @cached_property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'accueil.sqlite3').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")
