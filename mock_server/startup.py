"""Why ``serve`` could not prepare its databases, in one line a user can act on."""

from __future__ import annotations

from .core.config import Config

DRIVERS = {
    "psycopg": "the PostgreSQL driver (psycopg) is not installed: "
               "pip install 'apidouble[postgres]'",
    "psycopg2": "the PostgreSQL driver (psycopg) is not installed: "
                "pip install 'apidouble[postgres]'",
    "redis": "the Redis client is not installed: pip install 'apidouble[redis]'",
}


def explain(error: BaseException, config: Config) -> str:
    if type(error).__name__ == "DatabaseMismatch":  # imported lazily: it needs SQLAlchemy
        return str(error)
    if isinstance(error, ModuleNotFoundError):
        missing = (error.name or "").split(".")[0]
        return DRIVERS.get(missing, f"the database driver {missing!r} is not installed")
    name = type(error).__name__
    module = type(error).__module__
    where = _where(config)
    if module.startswith("sqlalchemy"):
        if name in ("ArgumentError", "NoSuchModuleError"):
            return f"--db {where} is not a database URL apidouble can use ({_first_line(error)})"
        cause = getattr(error, "orig", None) or error
        return f"cannot use the database {where}: {_first_line(cause)}"
    if module.startswith("redis"):
        return f"cannot reach Redis at {config.redis_url}: {_first_line(error)}"
    if isinstance(error, OSError):
        return f"cannot use the database {where}: {error.strerror or error}"
    return f"preparing the databases failed: {name}: {_first_line(error)}"


def _where(config: Config) -> str:
    if not config.db_url:
        return "in " + (config.data_dir or "the default data directory")
    from sqlalchemy.engine import make_url

    try:
        return make_url(config.db_url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparseable URL is shown as given
        return config.db_url


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
