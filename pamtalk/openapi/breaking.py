"""What in a new version of the document breaks a client written (or generated) for an older
one. Checked against the last released document (``python -m gateway.openapi --breaking``).

Breaking: a path or operation removed or its ``operationId`` changed; a parameter removed,
a new required one, or one that became required; an operation that was public needing a
token; a success status removed; in what a client *reads* (responses) a field removed or no
longer always there, a type changed, an enum value removed; in what a client *sends*
(parameters, bodies) a field removed, a new required field, a type narrowed, an enum value
removed. Adding paths, operations, optional inputs, response fields and statuses is not.

No maintained Python tool does this for OpenAPI 3.1 (oasdiff is a Go binary), hence these
rules, kept to what the platform's documents use: ``$ref``, ``anyOf``/``oneOf``, ``allOf``,
objects, arrays and enums.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pamtalk.openapi.shape import operations

JSON = "application/json"


@dataclass
class _Schemas:
    old: dict[str, Any]
    new: dict[str, Any]
    seen: set[tuple[str, str, str]] = field(default_factory=set)


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> tuple[dict[str, Any], str]:
    name = ""
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    if "allOf" in schema:
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            resolved, _ = _resolve(doc, part)
            merged["properties"].update(resolved.get("properties", {}))
            merged["required"] += resolved.get("required", [])
        schema = merged
    return schema, name


def _branches(doc: dict[str, Any], schema: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    resolved, name = _resolve(doc, schema)
    union = resolved.get("anyOf") or resolved.get("oneOf")
    if union:
        return [b for part in union for b in _branches(doc, part)]
    return [(resolved, name)]


def _types(branches: list[tuple[dict[str, Any], str]]) -> set[str]:
    out: set[str] = set()
    for schema, _ in branches:
        kind = schema.get("type")
        if isinstance(kind, list):
            out |= set(kind)
        elif kind:
            out.add(kind)
        elif "properties" in schema:
            out.add("object")
        elif "enum" in schema or "const" in schema:
            out.add("string")
        else:
            out.add("any")
    return out


def _enum(branches: list[tuple[dict[str, Any], str]]) -> set[Any] | None:
    values: set[Any] = set()
    for schema, _ in branches:
        if "enum" in schema:
            values |= set(schema["enum"])
        elif "const" in schema:
            values.add(schema["const"])
        elif schema.get("type") != "null":
            return None  # a branch without an enum: any value
    return values or None


def _compare(s: _Schemas, old: dict[str, Any], new: dict[str, Any], where: str, reading: bool) -> list[str]:
    old_b, new_b = _branches(s.old, old), _branches(s.new, new)
    names = (repr([n for _, n in old_b]), repr([n for _, n in new_b]), str(reading))
    if any(n for _, n in old_b):  # a named schema pair is compared once (and recursion ends)
        if names in s.seen:
            return []
        s.seen.add(names)
    out: list[str] = []
    old_t, new_t = _types(old_b), _types(new_b)
    if "any" not in old_t and "any" not in new_t:
        narrowed = (new_t - old_t - {"integer"} if "number" in old_t else new_t - old_t) if reading else None
        if reading and narrowed:
            out.append(f"{where}: may now be {', '.join(sorted(narrowed))}")
        lost = old_t - new_t - ({"integer"} if "number" in new_t else set())
        if not reading and lost:
            out.append(f"{where}: no longer takes {', '.join(sorted(lost))}")
    old_e, new_e = _enum(old_b), _enum(new_b)
    if old_e is not None and new_e is not None and old_e - new_e:
        out.append(f"{where}: enum value(s) removed: {', '.join(sorted(map(str, old_e - new_e)))}")
    old_obj = next((b for b, _ in old_b if "properties" in b), None)
    new_obj = next((b for b, _ in new_b if "properties" in b), None)
    if old_obj is not None and new_obj is not None:
        out += _compare_objects(s, old_obj, new_obj, where, reading)
    old_arr = next((b for b, _ in old_b if "items" in b), None)
    new_arr = next((b for b, _ in new_b if "items" in b), None)
    if old_arr is not None and new_arr is not None:
        out += _compare(s, old_arr["items"], new_arr["items"], f"{where}[]", reading)
    return out


def _compare_objects(
    s: _Schemas, old: dict[str, Any], new: dict[str, Any], where: str, reading: bool
) -> list[str]:
    out: list[str] = []
    old_p, new_p = old.get("properties", {}), new.get("properties", {})
    old_r, new_r = set(old.get("required", [])), set(new.get("required", []))
    for name, schema in old_p.items():
        if name not in new_p:
            out.append(f"{where}.{name}: removed")
            continue
        if reading and name in old_r and name not in new_r:
            out.append(f"{where}.{name}: no longer always present")
        out += _compare(s, schema, new_p[name], f"{where}.{name}", reading)
    if not reading:
        for name in sorted(new_r - old_r):
            out.append(f"{where}.{name}: new required field")
    return out


def _public(op: dict[str, Any]) -> bool:
    return "security" not in op or {} in op["security"]


def _json(holder: dict[str, Any]) -> dict[str, Any] | None:
    content = holder.get("content", {})
    media = content.get(JSON) or next((v for k, v in content.items() if k.endswith("json")), None)
    return media.get("schema") if media else None


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Every change of ``new`` that breaks a client of ``old`` (empty when compatible)."""
    s = _Schemas(old, new)
    new_ops = {(path, method): op for path, method, op in operations(new)}
    out: list[str] = []
    for path, method, op in operations(old):
        where = f"{method.upper()} {path}"
        now = new_ops.get((path, method))
        if now is None:
            out.append(f"{where}: removed")
            continue
        if op.get("operationId") != now.get("operationId"):
            out.append(f"{where}: operationId {op.get('operationId')} became {now.get('operationId')}")
        if _public(op) and not _public(now):
            out.append(f"{where}: now needs a token")
        old_params = {(p["in"], p["name"]): p for p in op.get("parameters", [])}
        new_params = {(p["in"], p["name"]): p for p in now.get("parameters", [])}
        for key, param in old_params.items():
            label = f"{where} {key[0]} parameter {key[1]}"
            if key not in new_params:
                out.append(f"{label}: removed")
            else:
                out += _compare(s, param.get("schema", {}), new_params[key].get("schema", {}), label, False)
        for key, param in new_params.items():
            if param.get("required") and not old_params.get(key, {}).get("required"):
                out.append(f"{where} {key[0]} parameter {key[1]}: now required")
        old_body, new_body = _json(op.get("requestBody", {})), _json(now.get("requestBody", {}))
        if old_body is not None and new_body is not None:
            out += _compare(s, old_body, new_body, f"{where} body", False)
        elif new_body is not None and now["requestBody"].get("required"):
            out.append(f"{where}: now needs a body")
        for status, response in op.get("responses", {}).items():
            answer = now["responses"].get(status)
            if answer is None:
                if status.startswith("2"):
                    out.append(f"{where} {status}: removed")
                continue
            old_schema, new_schema = _json(response), _json(answer)
            if old_schema is not None and new_schema is not None:
                out += _compare(s, old_schema, new_schema, f"{where} {status}", True)
    return out
