"""Every shipped OpenAPI document is valid and traces every rule of its system."""

from __future__ import annotations

import re
from importlib import import_module, resources
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate

from apidouble.cli import main
from apidouble.mock_server.systems import SYSTEMS

REPO = Path(__file__).resolve().parents[2]
BEHAVIOURS = REPO.parent / "shared" / "behaviours.md"
PREFIXES = {"aliquora": "AQ", "qatrack": "QT", "alemba": "AL", "alisqi": "AS", "qses": "QS"}
SPECS = sorted(p.stem for p in resources.files("apidouble.spec").iterdir()
               if p.name.endswith(".yaml"))


@pytest.mark.parametrize("name", SPECS)
def test_spec_is_valid_openapi(name: str) -> None:
    document = yaml.safe_load(resources.files("apidouble.spec").joinpath(f"{name}.yaml")
                              .read_text("utf-8"))
    validate(document)
    assert document["openapi"].startswith("3.1")


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_every_rule_is_in_spec_and_conformance_catalogue(system: str) -> None:
    text = resources.files("apidouble.spec").joinpath(f"{system}.yaml").read_text("utf-8")
    catalogue = import_module(f"apidouble.conformance.{system}").RULES
    in_spec = set(re.findall(rf"\b{PREFIXES[system]}-\d\d\b", text))
    assert set(catalogue) <= in_spec, sorted(set(catalogue) - in_spec)
    if BEHAVIOURS.exists():
        documented = set(re.findall(rf"\*\*({PREFIXES[system]}-\d\d)\*\*",
                                    BEHAVIOURS.read_text("utf-8")))
        assert documented == set(catalogue)


def test_spec_command_prints_and_checks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "aliquora"]) == 0
    assert capsys.readouterr().out.startswith("openapi: 3.1")
    assert main(["spec", "aliquora", "--check"]) == 0
    assert "valid OpenAPI" in capsys.readouterr().out
    assert main(["spec", "nonesuch"]) == 2
