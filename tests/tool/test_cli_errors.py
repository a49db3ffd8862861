"""``apidouble`` says what is wrong in one line, never with a traceback."""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import sqlalchemy as sa
from servers import free_port

from apidouble.cli import build_parser
from apidouble.mock_server.core.config import Config
from apidouble.mock_server.serve import ServeOptions, prepare_main

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "apidouble", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT.parent)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("apidouble")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(("args", "expected"), [
    (["--port", "70000"], "between 1 and 65535"),
    (["--port", "0"], "between 1 and 65535"),
    (["--workers", "0"], "at least 1"),
    (["--time-zone", "Mars/Olympus_Mons"], "unknown --time-zone"),
    (["--db", "nonsense://x"], "not a database URL"),
    (["--db", "sqlite:////nonexistent-dir/x.sqlite3"], "cannot use the database"),
    (["--db", "mysql://u:p@127.0.0.1/x"], "driver"),
    (["--redis", "redis://127.0.0.1:1/0"], "cannot reach Redis"),
    (["--open-admin", "--admin-token", "x"], "contradict"),
])
def test_bad_serve_options(args: list[str], expected: str, tmp_path: Path) -> None:
    extra = [] if "--db" in args else ["--db", f"sqlite:///{tmp_path / 'x.sqlite3'}"]
    result = run("serve", "aliquora", "--port", str(free_port()), *extra, *args)
    assert expected in one_line_error(result)
    assert "Aliquora" not in result.stdout  # nothing printed as if it were serving


def test_a_port_in_use_is_found_before_credentials_are_printed(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "aliquora", "--port", str(port),
                     "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert "cannot listen on" in one_line_error(result) and "lk_" not in result.stdout


def prepare_with(config: Config, capsys: pytest.CaptureFixture[str],
                 reset: bool = False) -> tuple[int, str]:
    options = ServeOptions(("aliquora",), False, config, reset=reset)
    code = prepare_main(["serve", options.to_env(), "127.0.0.1", "8000"])
    captured = capsys.readouterr()
    return code, captured.err.strip()


def test_another_seed_is_refused_and_reset_reseeds(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'seeded.sqlite3'}"
    assert prepare_with(Config(db_url=url, seed=1), capsys)[0] == 0
    code, error = prepare_with(Config(db_url=url, seed=2), capsys)
    assert code == 1 and "seeded with --seed 1, not 2" in error and "\n" not in error
    assert prepare_with(Config(db_url=url, seed=2), capsys, reset=True)[0] == 0
    assert prepare_with(Config(db_url=url, seed=2), capsys)[0] == 0


def test_a_database_of_an_older_version_is_refused(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    assert prepare_with(Config(db_url=url), capsys)[0] == 0
    engine = sa.create_engine(url)
    with engine.begin() as connection:  # what a database made before schema versions looks like
        connection.execute(sa.text("DELETE FROM aliquora_core_state WHERE key='schema_version'"))
    engine.dispose()
    code, error = prepare_with(Config(db_url=url), capsys)
    assert code == 1 and "older version of apidouble" in error and "--reset" in error


def test_default_databases_are_per_port(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from apidouble.commands import serve_options

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    parser = build_parser()
    first, _ = serve_options(parser.parse_args(["serve", "--port", "8001"]))
    second, _ = serve_options(parser.parse_args(["serve", "--port", "8002"]))
    assert first.config.database_url("aliquora") != second.config.database_url("aliquora")
    told, _ = serve_options(parser.parse_args(["serve", "--port", "8002", "--db", "sqlite://"]))
    assert told.config.database_url("aliquora") == "sqlite://"


@pytest.mark.parametrize(("host", "args", "needs_token"), [
    ("127.0.0.1", [], False), ("localhost", [], False), ("::1", [], False),
    ("0.0.0.0", [], True), ("0.0.0.0", ["--open-admin"], False),
    ("127.0.0.1", ["--admin-token", "given"], True),
])
def test_admin_token_beyond_loopback(host: str, args: list[str], needs_token: bool,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from apidouble.commands import serve_options

    monkeypatch.delenv("APIDOUBLE_ADMIN_TOKEN", raising=False)
    options, token = serve_options(build_parser().parse_args(["serve", "--host", host, *args]))
    assert (token is not None) == needs_token
    assert options.config.admin_token == token


def test_version_help_and_licence() -> None:
    result = run("--version")
    assert result.returncode == 0 and re.fullmatch(r"apidouble \d+\.\d+\.\d+\S*\n", result.stdout)
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        for action in sub._actions:
            assert action.help, f"apidouble {name} {action.option_strings or action.dest}"
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    assert declared == "MIT" and "MIT License" in (ROOT / "LICENSE").read_text()
