"""Reading a request: strict JSON types, each problem in the request's language beside its field.

The schemas say what is well formed (and so document it in the OpenAPI spec); the services
judge everything else with the messages the forms show. `load` never stops at the first
problem: it returns what parsed and every problem, and `portal.api.web.write` adds the
service's problems about the fields that parsed, so a request learns all of them at once.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from portal.api.problems import ApiProblem
from portal.platform.i18n import lazy_gettext as _l

REQUIRED = _l("This field is required.")
NOT_TEXT = _l("%(field)s: please enter text.")
NOT_WHOLE = _l("%(field)s must be a whole number.")
NOT_CHOICE = _l("%(field)s: please choose a valid value.")
NOT_BOOL = _l("%(field)s: true or false.")
NOT_DATE = _l("%(field)s: a date as YYYY-MM-DD.")
NOT_LIST = _l("%(field)s: a list.")
NOT_OBJECT = _l("%(field)s: an object.")
TOO_LONG = _l("At most %(max)d characters.")
OUT_OF_RANGE = _l("%(field)s must be between %(min)d and %(max)d.")
NUL = _l("Text may not contain the NUL character or unpaired surrogates.")
BODY_NOT_OBJECT = _l("The request body must be a JSON object.")


class StrictInt(fields.Integer):
    """An integer and nothing else: not true/false, not "12", not 12.5."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return value


class StrictBool(fields.Boolean):
    """true or false only (not 1, "yes" or "on")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"-?[0-9]{1,12}")


class StrictDate(fields.Date):
    """A calendar date written YYYY-MM-DD (RFC 3339 full-date), as the spec's `format: date` says."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            raise self.make_error("invalid")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.make_error("invalid") from None


def label_of(field: fields.Field, name: str) -> object:
    return field.metadata.get("label") or name


def text(label, max_length: int, *, required: bool = False, **kwargs) -> fields.String:
    return fields.String(
        required=required,
        validate=validate.Length(max=max_length),
        metadata={"label": label, **kwargs.pop("metadata", {})},
        **kwargs,
    )


def whole(label, low: int, high: int, *, required: bool = False, **kwargs) -> StrictInt:
    return StrictInt(
        required=required,
        validate=validate.Range(min=low, max=high),
        metadata={"label": label, **kwargs.pop("metadata", {})},
        **kwargs,
    )


def one_of(label, choices, *, required: bool = False, **kwargs) -> fields.String:
    return fields.String(
        required=required,
        validate=validate.OneOf(list(choices)),
        metadata={"label": label, **kwargs.pop("metadata", {})},
        **kwargs,
    )


class Input(Schema):
    """Unknown fields are ignored (no mass assignment: `enterprise_id`, `status` … do nothing)."""

    class Meta:
        unknown = EXCLUDE


def _message(field: fields.Field | None, name: str, raw: str) -> object:
    label = label_of(field, name) if field is not None else name
    if raw.startswith("Missing data"):
        return REQUIRED
    if field is None:
        return raw
    for validator in field.validators:
        if isinstance(validator, validate.Length) and raw.startswith("Longer than"):
            return _l("At most %(max)d characters.", max=validator.max)
        if isinstance(validator, validate.Range) and raw.startswith(("Must be greater", "Must be less")):
            return _l(
                "%(field)s must be between %(min)d and %(max)d.",
                field=label,
                min=validator.min,
                max=validator.max,
            )
        if isinstance(validator, validate.OneOf) and raw.startswith("Must be one of"):
            return _l("%(field)s: please choose a valid value.", field=label)
    if isinstance(field, StrictInt):
        return _l("%(field)s must be a whole number.", field=label)
    if isinstance(field, StrictBool):
        return _l("%(field)s: true or false.", field=label)
    if isinstance(field, StrictDate):
        return _l("%(field)s: a date as YYYY-MM-DD.", field=label)
    if isinstance(field, fields.String):
        return _l("%(field)s: please enter text.", field=label)
    if isinstance(field, fields.List):
        return _l("%(field)s: a list.", field=label)
    return _l("%(field)s: an object.", field=label)


def _flatten(schema: Schema, messages: dict) -> list[dict[str, Any]]:
    problems = []
    for name, found in messages.items():
        field = schema.fields.get(name)
        if isinstance(found, dict):  # a list's items or a nested object: the field as a whole
            found = [m for sub in found.values() for m in (sub if isinstance(sub, list) else [str(sub)])]
        for raw in found if isinstance(found, list) else [found]:
            problems.append({"field": name, "message": _message(field, name, str(raw))})
            break  # one message a field, as the forms show
    return problems


def _has_nul(value: Any) -> bool:
    """NUL, or text that is not Unicode (a lone surrogate from a JSON escape): no column stores it."""
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def load(schema: Schema, data: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the fields that parsed, every problem); `data` is a JSON body or the query arguments."""
    if hasattr(data, "to_dict"):  # query arguments: repeated ones keep their first value
        data = {
            name: int(value)
            if isinstance(schema.fields.get(name), StrictInt) and _DIGITS.fullmatch(value)
            else value
            for name, value in data.to_dict().items()
        }
    if data is None or data is ...:
        data = {}
    if not isinstance(data, dict):
        raise ApiProblem(422, BODY_NOT_OBJECT, errors=[])
    problems: list[dict[str, Any]] = []
    clean: dict[str, Any] = {}
    for name, value in data.items():
        # PostgreSQL text cannot hold NUL, and no form can send it.
        if name in schema.fields and _has_nul(value):
            problems.append({"field": name, "message": NUL})
        else:
            clean[name] = value
    try:
        values = schema.load(clean)
    except ValidationError as exc:
        problems.extend(_flatten(schema, exc.messages if isinstance(exc.messages, dict) else {}))
        valid = exc.valid_data if isinstance(exc.valid_data, dict) else {}
        values = {k: v for k, v in valid.items() if k not in {p["field"] for p in problems}}
    return values, problems


def require_valid(schema: Schema, data: Any) -> dict[str, Any]:
    """For query arguments: every problem is a 422 at once, nothing runs."""
    values, problems = load(schema, data)
    if problems:
        raise ApiProblem(422, errors=problems)
    return values
