"""The JSON Schema (draft 2020-12) of a case study's front matter, generated from the format.

One source of truth: `fields.CASE_STUDY_FIELDS` and the vocabulary. The schema describes the
front matter as the validator types it (years are numbers, `synthetic` is a boolean, dates are
text), which is also what the open data publishes.
"""

from __future__ import annotations

import json
from typing import Any

from . import fields as f
from .vocabulary import Vocabulary

SCHEMA_PATH = "data/v1/case-study.schema.json"
"""Where the schema is published, below the site root."""

ONLY_MARKS = r"^(\[source [1-9][0-9]{0,2}(, [^\[\]\n]{1,100})?\][ ,;]*)+$"
"""Text that is nothing but reference marks, `[source N]` or `[source N, locator]`."""

_DATE_FULL = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATE_PARTIAL = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"


def json_schema(vocabulary: Vocabulary, base_url: str = "") -> dict[str, Any]:
    """The schema as a mapping."""
    top = _kind(f.Record(f.CASE_STUDY_FIELDS), vocabulary)
    # `facts_from` holds reference marks only (references.only_marks).
    top["properties"]["facts_from"]["additionalProperties"]["allOf"] = [{"pattern": ONLY_MARKS}]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base_url}{SCHEMA_PATH}",
        "title": "Case study",
        "description": "The front matter of a case study in a co-production evidence bank. "
        "Generated from the bank's case-study format and vocabulary.",
        **top,
    }


def json_schema_text(vocabulary: Vocabulary, base_url: str = "") -> str:
    """The schema as deterministic JSON text."""
    return json.dumps(json_schema(vocabulary, base_url), indent=2, ensure_ascii=False) + "\n"


def _conditions(record: f.Record) -> dict[str, Any]:
    """The rules between a record's fields that the validator applies (validate.py) and a
    schema can say: a status needs its date, unless every source is undated; a step's
    principles need their basis (a basis alone says whether the source names none there); a
    source has a year or `undated: true`, not both."""
    names = {field.name for field in record.fields}
    if {"status", "status_date", "sources"} <= names:
        every_source_undated = {
            "required": ["sources"],
            "properties": {
                "sources": {
                    "minItems": 1,
                    "items": {"required": ["undated"], "properties": {"undated": {"const": True}}},
                }
            },
        }
        return {
            "if": {"required": ["status"], "not": every_source_undated},
            "then": {"required": ["status_date"]},
        }
    if {"principles", "principles_basis"} <= names:
        return {"dependentRequired": {"principles": ["principles_basis"]}}
    if {"year", "undated"} <= names:
        return {
            "if": {"properties": {"undated": {"const": True}}, "required": ["undated"]},
            "then": {"not": {"required": ["year"]}},
            "else": {"required": ["year"]},
        }
    return {}


def _kind(kind: f.Kind, vocabulary: Vocabulary) -> dict[str, Any]:
    if isinstance(kind, f.Text):
        schema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": kind.max_length}
        if kind.single_line:
            schema["pattern"] = "^[^\\n<>]*$"
        return schema
    if isinstance(kind, f.Pattern):
        return {"type": "string", "pattern": kind.regex}
    if isinstance(kind, f.Choice):
        return {"type": "string", "enum": list(vocabulary.slugs(kind.vocabulary))}
    if isinstance(kind, f.Choices):
        return {
            "type": "array",
            "items": {"type": "string", "enum": list(vocabulary.slugs(kind.vocabulary))},
            "uniqueItems": True,
            "minItems": kind.min_items,
        }
    if isinstance(kind, f.Date):
        return {"type": "string", "pattern": _DATE_PARTIAL if kind.partial else _DATE_FULL}
    if isinstance(kind, f.Year):
        return {"type": "integer", "minimum": 1000, "maximum": 2999}
    if isinstance(kind, f.Flag):
        return {"type": "boolean"}
    if isinstance(kind, f.Url):
        return {"type": "string", "format": "uri", "pattern": "^https?://"}
    if isinstance(kind, f.ListOf):
        schema = {"type": "array", "items": _kind(kind.item, vocabulary)}
        if kind.min_items:
            schema["minItems"] = kind.min_items
        return schema
    if isinstance(kind, f.Record):
        schema = {
            "type": "object",
            "properties": {
                field.name: {"description": field.description, **_kind(field.kind, vocabulary)}
                for field in kind.fields
            },
            "required": [field.name for field in kind.fields if field.required],
            "additionalProperties": False,
        }
        schema.update(_conditions(kind))
        return schema
    if isinstance(kind, f.MapOf):
        return {
            "type": "object",
            "propertyNames": {"enum": list(vocabulary.slugs(kind.vocabulary))},
            "additionalProperties": _kind(kind.value, vocabulary),
        }
    raise AssertionError(f"unknown kind {kind!r}")  # pragma: no cover
