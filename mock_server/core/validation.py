"""Request bodies validated against the system's own OpenAPI document.

The spec is the single description of what a request may contain: the mock
checks bodies against its ``components/schemas`` with jsonschema (Draft
2020-12, as OpenAPI 3.1 uses), so spec and behaviour cannot drift apart.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import ApiError

SPEC_URI = "urn:apidouble:spec"


@cache
def load_spec(system: str) -> dict[str, Any]:
    """``spec/<system>.yaml`` as shipped in the package."""
    text = resources.files("apidouble.spec").joinpath(f"{system}.yaml").read_text("utf-8")
    return yaml.safe_load(text)


class BodyValidator:
    def __init__(self, spec: dict[str, Any], code: str = "invalid_body") -> None:
        resource = Resource.from_contents(spec, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(SPEC_URI, resource)
        self.code = code
        self._validators: dict[str, jsonschema.Draft202012Validator] = {}

    def validate(self, schema_name: str, body: Any) -> Any:
        """Raise 400 with a message naming the first offending field; return ``body``."""
        validator = self._validators.get(schema_name)
        if validator is None:
            schema = {"$ref": f"{SPEC_URI}#/components/schemas/{schema_name}"}
            validator = jsonschema.Draft202012Validator(
                schema, registry=self.registry,
                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
            )
            self._validators[schema_name] = validator
        error = jsonschema.exceptions.best_match(validator.iter_errors(body))
        if error is not None:
            raise ApiError(400, self.code, describe(error))
        return body


def describe(error: jsonschema.ValidationError) -> str:
    """``testDefinitionIds[1]: 'x' is not of type 'integer'``: where, then what."""
    location = ""
    for part in error.absolute_path:
        location += f"[{part}]" if isinstance(part, int) else (f".{part}" if location else part)
    if error.validator == "required":
        return f"{error.message}." if not location else f"{location}: {error.message}."
    return f"{location or 'body'}: {error.message}."

