"""One settings object for the build and the API; every setting has a default and an env var."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .resources import SOURCE_TREE, packaged

# A list setting is written as comma-separated words in its environment variable.
Words = Annotated[list[str], NoDecode]

PROJECT_ROOT = SOURCE_TREE  # the source tree (the project folder when run from it)
# Folders inside the project folder, unless set one by one.
IN_PROJECT = {"data_dir": "data", "store_dir": "var/store", "cache_dir": "var/cache"}


class Settings(BaseSettings):
    """Settings read from CSPKG_* environment variables (see the README's table); what is given
    by name wins over the environment.

    >>> settings = Settings(query_timeout_s=5, cors_origins="https://a.example, https://b.example")
    >>> settings.query_timeout_s, settings.cors_origins  # a list: comma-separated words, as in the environment
    (5.0, ['https://a.example', 'https://b.example'])
    >>> settings.store_dir == Path.cwd() / "var" / "store"  # inside the project folder (here, the current one)
    True
    >>> Settings(public_url="cspkg.example")
    Traceback (most recent call last):
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Settings
    public_url
      Value error, CSPKG_PUBLIC_URL must be an absolute http(s) URL such as https://cspkg.example/, not 'cspkg.example' ...
    """

    model_config = SettingsConfigDict(env_prefix="CSPKG_", extra="ignore")

    base_uri: str = Field("https://w3id.org/cspkg/", description="Base of every resource URI")
    project_dir: Path = Field(
        default_factory=Path.cwd, description="The project folder: its data/ is read, its var/ written"
    )
    data_dir: Path = Field(Path("data"), description="Fact files and reference data")
    ontology_dir: Path = Field(
        default_factory=lambda: packaged("ontology"), description="Ontology Turtle files"
    )
    shapes_dir: Path = Field(default_factory=lambda: packaged("shapes"), description="SHACL shapes")
    store_dir: Path = Field(Path("var/store"), description="Embedded store folder")
    cache_dir: Path = Field(
        Path("var/cache"), description="What `cspkg validate FILE` keeps of the other files"
    )
    shacl_engine: Literal["compiled", "pyshacl"] = Field(
        "compiled",
        description="SHACL validator: plain-Python checks of shapes/ (fast) or pyshacl (the reference)",
    )
    store: str | None = Field(None, description="Remote SPARQL query endpoint URL; embedded when unset")
    store_update: str | None = Field(None, description="Remote SPARQL update endpoint URL")
    store_gsp: str | None = Field(None, description="Remote Graph Store Protocol URL")
    store_user: str | None = Field(None, description="User name for the remote store (HTTP basic auth)")
    store_password: str | None = Field(None, description="Password for the remote store")
    store_timeout_s: float = Field(30.0, description="Timeout of one request to a remote store")
    store_write_timeout_s: float = Field(300.0, description="Timeout of one graph load into a remote store")
    store_union_default_graph: bool = Field(
        False, description="The remote server's default graph is already the union of its named graphs"
    )
    query_timeout_s: float = Field(10.0, description="Time limit of one /sparql query")
    result_limit: int = Field(10000, description="Most rows or triples one /sparql answer returns")
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = Field(
        None,
        description="The URL clients reach the API at (default: http://HOST:PORT when that is not a wildcard)",
    )
    prepare_views: bool = Field(
        True, description="Build every body's JSON-LD view ahead, after each new build"
    )
    view_cache_mb: int = Field(
        64, description="Most memory the views kept for the served build take, per HTTP process"
    )
    workers: int = Field(2, description="Query worker processes of the API")
    query_memory_mb: int = Field(2048, description="Most heap one /sparql query worker may use (0: no limit)")
    jemalloc: bool = Field(True, description="Run query and HTTP workers with jemalloc when it is installed")
    quick_workers: int = Field(
        1, ge=0, description="Query workers kept for queries that finish quickly (the quick lane)"
    )
    quick_lane_s: float = Field(
        1.0, gt=0, description="Time limit of a query in the quick lane; past it, it goes on in the main lane"
    )
    queue_wait_s: float = Field(
        2.0, gt=0, description="Longest wait for a free query worker before answering 503 with Retry-After"
    )
    client_queries: int = Field(8, ge=1, description="Most /sparql queries one client address runs at once")
    max_body_kb: int = Field(1024, ge=1, description="Largest request body accepted (413 past it)")
    header_timeout_s: float = Field(
        10.0,
        gt=0,
        description="Time a client has to send a request's headers before the connection is closed",
    )
    body_timeout_s: float = Field(
        30.0, gt=0, description="Time a client has to send a request's body before the connection is closed"
    )
    cors_origins: Words = Field(
        ["*"], description="Origins whose pages may read the API's answers (CORS); '*' for any"
    )
    allowed_hosts: Words = Field(
        [], description="Host header values answered; empty: any (links use CSPKG_PUBLIC_URL when set)"
    )

    @field_validator("cors_origins", "allowed_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [word.strip() for word in value.split(",") if word.strip()]
        return value

    @field_validator("public_url")
    @classmethod
    def _absolute_http_url(cls, value: str | None) -> str | None:
        if value is not None and (
            urlsplit(value).scheme not in ("http", "https") or not urlsplit(value).netloc
        ):
            raise ValueError(
                f"CSPKG_PUBLIC_URL must be an absolute http(s) URL such as https://cspkg.example/, "
                f"not {value!r}"
            )
        return value

    @model_validator(mode="before")
    @classmethod
    def _in_the_project(cls, values: Any) -> Any:
        """data/, var/store and var/cache are in the project folder unless set themselves."""
        if isinstance(values, dict):
            project = Path(values.get("project_dir") or Path.cwd()).resolve()
            values = {**values, "project_dir": project}
            for name, relative in IN_PROJECT.items():
                if values.get(name) in (None, ""):
                    values[name] = project / relative
        return values

    @property
    def id_base(self) -> str:
        return self.base_uri.rstrip("/") + "/id/"

    @property
    def graph_base(self) -> str:
        return self.base_uri.rstrip("/") + "/graph/"


@lru_cache
def get_settings() -> Settings:
    return Settings()
