"""``build_app``: the one place where a system's Flask app is wired to the core."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import Flask, g, request
from flask.wrappers import Response
from werkzeug.exceptions import MethodNotAllowed

from . import fastctx
from .admin import admin_blueprint
from .adminguard import ADMIN_PREFIX
from .bodies import read_body_first
from .clock import OFFSET_KEY, Clock, StateStore
from .config import Config
from .datafile import Document, apply_section, real_now, seed_marker, start_documents
from .envelopes import admin_error
from .errors import ApiError, Envelope, install_error_handlers
from .faults import install_faults
from .journal import entry as journal_entry
from .masking import Masker
from .pagecache import GENERATION_KEY, PageCache
from .prefer import install_prefer
from .ratelimit import RateLimiter, RedisWindowStore, SqlWindowStore, WindowStore
from .request_turns import TURNS
from .requestlog import RequestLog
from .schema import SCHEMA_KEY, check_compatible, fingerprint
from .standin import StandInStore
from .storage import Storage
from .tokens import TokenStore
from .wirejson import WireJSONProvider

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

SEEDED_KEY = "seeded_with"


@dataclass
class Core:
    """The shared services of one system's app, kept in ``app.extensions``."""

    profile: Any  # SystemProfile (typed loosely to avoid an import cycle)
    config: Config
    storage: Storage
    state: StateStore
    clock: Clock
    limiter: RateLimiter
    tokens: TokenStore
    requests: RequestLog
    pages: PageCache
    standin: StandInStore  # deviations and faults (see .standin)
    #: names of the tables the system declared (its world, with the issued tokens)
    system_tables: tuple[str, ...] = ()
    #: the data files given at start for this system, applied after every seed
    start_documents: tuple[Document, ...] = field(default_factory=tuple)

    def ensure_seeded(self) -> None:
        """Seed an empty database, reseed one seeded with other start files, and refuse
        one this mock cannot serve as is (another version's tables, another seed)."""
        self.storage.create_all()
        stored = self.state.get(SEEDED_KEY)
        marker = seed_marker(self.config.seed, self.start_documents)
        if stored is None or (stored != marker and "+" in stored + marker):
            self.reset()
            return
        check_compatible(where=f"The {self.profile.name} database ({self.storage.safe_url()})",
                         stored_schema=self.state.get(SCHEMA_KEY),
                         schema=fingerprint(self.storage.metadata),
                         stored_seed=stored.split("+", 1)[0],  # "seed+files digest"
                         seed=self.config.seed)

    def reset(self) -> None:
        """Reseed every table and apply the start files; clear rate windows and tokens,
        return to real time."""
        self.standin.suspend()  # the seed is never written under a deviation
        now = real_now(self)  # the clock is put back to real time below
        with self.storage.begin() as connection:
            for table in reversed(self.storage.metadata.sorted_tables):
                connection.execute(table.delete())
            self.profile.seed(self, connection)
            for document in self.start_documents:
                apply_section(self, connection, document, now)
            self.storage.analyze(connection, self.data_tables())
        self.limiter.clear()
        self.pages.clear()
        self.standin.clear()
        self.clock.reset()
        self.state.set(SCHEMA_KEY, fingerprint(self.storage.metadata))
        self.state.set(SEEDED_KEY, seed_marker(self.config.seed, self.start_documents))

    def read_shared_state(self) -> None:
        """Before every request, one driver-level read of what all workers share and most
        requests need: the clock offset, the data generation (for the page cache) and
        whether the stand-in store holds anything. Each is then cached for the request,
        so neither the journal nor a view reads it again (about a third of the cost of
        a small request before)."""
        row = self.storage.first_row(self._shared_state_sql)
        offset, generation, armed = row if row is not None else (None, None, None)
        self.clock.remember(offset)
        self.pages.remember(generation)
        if not armed:
            self.standin.note_nothing_armed()

    @cached_property
    def _shared_state_sql(self) -> str:
        state, standin = self.state.table.name, self.standin.table.name
        return (f"SELECT (SELECT value FROM {state} WHERE key = '{OFFSET_KEY}'), "
                f"(SELECT value FROM {state} WHERE key = '{GENERATION_KEY}'), "
                f"(SELECT 1 FROM {standin} LIMIT 1)")

    def data_tables(self) -> list[sa.Table]:
        """The tables a data file describes, in dependency order: the system's own tables
        and the issued tokens (a ``replace`` empties exactly these)."""
        names = {self.storage.tables[name].name for name in self.system_tables}
        names.add(self.tokens.table.name)
        return [t for t in self.storage.metadata.sorted_tables if t.name in names]


def current_core() -> Core:
    return fastctx.app().extensions["apidouble"]  # type: ignore[no-any-return]


def build_app(profile: Any, config: Config | None = None) -> Flask:
    config = config or Config()
    app = Flask(f"apidouble.{profile.name}")
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json = WireJSONProvider(app, profile.wire_json)
    core = _make_core(profile, config)
    app.extensions["apidouble"] = core
    before = set(core.storage.tables)
    profile.define_tables(core)
    core.system_tables = tuple(name for name in core.storage.tables if name not in before)
    core.start_documents = start_documents(config.data_files, profile)
    if config.seed_on_start:
        core.ensure_seeded()
    install_error_handlers(app, _admin_apart(profile.envelope))
    _install_request_log(app, core)
    app.before_request(core.read_shared_state)  # before the faults, which read the store
    if config.cors_origins and not profile.cross_origin_forbidden:
        _allow_cross_origin(app, config.cors_origins)
    install_faults(app, core.standin, profile)
    install_prefer(app, profile)
    _install_body_drain(app, config.max_body_bytes)
    app.register_blueprint(admin_blueprint(profile))
    profile.register_routes(app)
    _install_static_path_methods(app)
    wsgi_app: WSGIApplication = app.wsgi_app
    if core.storage.engine.dialect.name == "sqlite":
        wsgi_app = TURNS.wrap(wsgi_app)
    app.wsgi_app = read_body_first(wsgi_app, config.max_body_bytes)  # type: ignore[method-assign, assignment]
    return app


def _admin_apart(envelope: Envelope) -> Envelope:
    """The system's envelope, but the admin interface's own for its URLs. The one place
    admin errors are rendered: a handler on the admin blueprint would miss an unknown
    admin path (404) and a method an admin path lacks (405), which match none of its
    routes."""

    def render(error: ApiError) -> Response:
        if request.path.startswith(ADMIN_PREFIX):
            return admin_error(error)
        return envelope(error)

    return render


def _allow_cross_origin(app: Flask, origins: tuple[str, ...]) -> None:
    """CORS for browser front-ends on the system's API; never on the admin interface."""
    from flask_cors import CORS

    CORS(app, resources={rf"^(?!{re.escape(ADMIN_PREFIX)}/).*": {"origins": list(origins)}},
         expose_headers="*", max_age=600)


def _make_core(profile: Any, config: Config) -> Core:
    storage = Storage(config.database_url(profile.name), profile.name)
    state = StateStore(storage)
    clock = Clock(state)
    store: WindowStore = (
        RedisWindowStore(config.redis_url, profile.name)
        if config.redis_url
        else SqlWindowStore(storage)
    )
    pages = PageCache(storage, state.table, enabled=config.page_cache)
    storage.on_write = pages.bump
    standin = StandInStore(storage)
    pages.bypass = lambda: bool(standin.snapshot().deviations)
    return Core(
        profile=profile,
        config=config,
        storage=storage,
        state=state,
        clock=clock,
        limiter=RateLimiter(store, enabled=config.rate_limits),
        tokens=TokenStore(storage, clock),
        requests=RequestLog(storage),
        pages=pages,
        standin=standin,
    )


def _install_request_log(app: Flask, core: Core) -> None:
    masker = Masker(core.profile.secret_fields)

    @app.before_request
    def _start_timer() -> None:
        g.apidouble_started = time.perf_counter()

    @app.after_request
    def _log(response: Response) -> Response:
        if request.blueprint == "apidouble_admin":
            return response  # the admin interface does not log itself
        core.requests.record(journal_entry(request, response, masker, core.clock.naive_now()))
        return response


def _install_body_drain(app: Flask, limit: int) -> None:
    """Read what a view left of the request body before the response goes out.

    An error answered before the body was read (a 401 on a POST, say) would
    leave the body on a keep-alive connection; granian then does not answer
    the connection's next request. Reading the rest (up to the body limit, past
    which the request was refused anyway) keeps every server in step.
    """

    @app.after_request
    def _drain(response: Response) -> Response:
        length = request.content_length
        if length is None and "chunked" not in request.headers.get("Transfer-Encoding", ""):
            return response
        if length is not None and length > limit:
            return response
        try:
            stream = request.stream
            read = 0
            while read <= limit and (chunk := stream.read(65536)):
                read += len(chunk)
        except Exception:  # noqa: BLE001 - a client gone or a bad chunk: nothing to keep
            pass
        return response


def _install_static_path_methods(app: Flask) -> None:
    """A wrong method on a fixed path is a 405 with ``Allow``, not a match of a variable rule.

    ``PATCH /sample-tests/bulk-results`` would otherwise match
    ``PATCH /sample-tests/<id>`` and be answered as a bad id.
    """
    fixed: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.arguments:
            fixed.setdefault(rule.rule, set()).update(rule.methods or ())

    @app.before_request
    def _fixed_path_method() -> None:
        rule = request.url_rule
        if rule is None or not rule.arguments:
            return
        methods = fixed.get(request.path)
        if methods and request.method not in methods:
            raise MethodNotAllowed(valid_methods=sorted(methods))

