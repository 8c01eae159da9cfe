"""Two changes to openapi-python-client's own templates for the partner SDK, so that a
module holds its operation or its model once and not the same lines many times over:

- an operation's responses that are parsed alike (every ``application/problem+json``
  status of an operation: ``Problem``) are one branch, ``if response.status_code in (...)``,
  instead of one branch each;
- the mapping methods of a model's additional properties (``additional_keys``,
  ``__getitem__``, ``__setitem__``, ``__delitem__``, ``__contains__``) live once, in
  ``pamtalk_client.types.AdditionalProperties``, instead of in every model.

The SDK's API is the same (names, signatures, types, behaviour). The templates are not
copied into the repository: ``write(folder)`` takes the installed generator's (pinned in
pyproject.toml), applies these edits and fails when a piece an edit expects has changed."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

_RESPONSE_BRANCHES = """\
    {% for response in endpoint.responses.patterns %}
    {% set code_range = response.status_code.range %}
    {% if code_range[0] == code_range[1] %}
    if response.status_code == {{ code_range[0] }}:
    {% else %}
    if {{ code_range[0] }} <= response.status_code <= {{ code_range[1] }}:
    {% endif %}
        {{ parse_response(parsed_responses, response) | indent(8) }}
    {% endfor %}
"""
# Exact statuses parsed alike share a branch (named for the first). An operation with a
# range of statuses (4XX) keeps one branch per pattern: their order decides which matches.
_GROUPED_BRANCHES = """\
    {% set has_range = namespace(any=false) %}
    {% for response in endpoint.responses.patterns %}
    {% set one_range = response.status_code.range %}
    {% if one_range[0] != one_range[1] %}{% set has_range.any = true %}{% endif %}
    {% endfor %}
    {% set taken = namespace(codes=[]) %}
    {% for response in endpoint.responses.patterns %}
    {% set code_range = response.status_code.range %}
    {% set parsed = parse_response(parsed_responses, response) %}
    {% if code_range[0] != code_range[1] %}
    if {{ code_range[0] }} <= response.status_code <= {{ code_range[1] }}:
        {{ parsed | indent(8) }}
    {% elif code_range[0] not in taken.codes %}
    {% set alike = namespace(codes=[code_range[0]]) %}
    {% if not has_range.any %}
    {% for other in endpoint.responses.patterns[loop.index:] %}
    {% set other_range = other.status_code.range %}
    {% set other_parsed = parse_response(parsed_responses, other) %}
    {% set other_parsed = other_parsed | replace(other.prop.python_name, response.prop.python_name) %}
    {% if other_range[0] == other_range[1] and other_parsed == parsed %}
    {% set alike.codes = alike.codes + [other_range[0]] %}
    {% endif %}
    {% endfor %}
    {% endif %}
    {% set taken.codes = taken.codes + alike.codes %}
    {% if alike.codes | length == 1 %}
    if response.status_code == {{ code_range[0] }}:
    {% else %}
    if response.status_code in ({{ alike.codes | join(", ") }}):
    {% endif %}
        {{ parsed | indent(8) }}
    {% endif %}
    {% endfor %}
"""

_MAPPING_METHODS = """\
    {% if model.additional_properties %}
    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> {{ additional_property_type }}:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: {{ additional_property_type }}) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
    {% endif %}
"""
_CLASS_LINE = "class {{ class_name }}:\n"
# The value type as a string: it may name a model imported only for type checkers.
_CLASS_WITH_MAPPING = (
    "class {{ class_name }}{% if model.additional_properties %}"
    '(AdditionalProperties["{{ additional_property_type }}"]){% endif %}:\n'
)
_MODEL_IMPORT = "from ..types import UNSET, Unset\n"

_TYPES_ALL = '__all__ = ["UNSET", "File", "FileTypes", "RequestFiles", "Response", "Unset"]'
_MAPPING_CLASS = '''\
V = TypeVar("V")


class AdditionalProperties(Generic[V]):
    """The properties of a model beyond its declared ones, read and written as a mapping."""

    __slots__ = ()
    additional_properties: dict[str, V]

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> V:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: V) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


__all__ = ["UNSET", "AdditionalProperties", "File", "FileTypes", "RequestFiles", "Response", "Unset"]'''

EDITS: dict[str, list[tuple[str, str]]] = {
    "endpoint_module.py.jinja": [(_RESPONSE_BRANCHES, _GROUPED_BRANCHES)],
    "model.py.jinja": [
        (_MAPPING_METHODS, ""),
        (_CLASS_LINE, _CLASS_WITH_MAPPING),
        (_MODEL_IMPORT, "from ..types import UNSET, AdditionalProperties, Unset\n"),
    ],
    "types.py.jinja": [(_TYPES_ALL, _MAPPING_CLASS)],
}


class TemplateChanged(RuntimeError):
    """The installed generator's template no longer holds what an edit replaces."""


def edited(name: str, text: str) -> str:
    """``text`` (the generator's template ``name``) with this module's edits of it."""
    for old, new in EDITS[name]:
        if text.count(old) != 1:
            raise TemplateChanged(f"{name}: the piece to replace is not there once:\n{old}")
        text = text.replace(old, new)
    return text


def write(folder: Path) -> Path:
    """The edited templates, written into ``folder`` (for ``--custom-template-path``)."""
    folder.mkdir(parents=True, exist_ok=True)
    upstream = files("openapi_python_client") / "templates"
    for name in EDITS:
        (folder / name).write_text(edited(name, (upstream / name).read_text()))
    return folder
