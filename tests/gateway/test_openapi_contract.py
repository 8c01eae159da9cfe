"""The partner contract (issue 15): the platform's one OpenAPI document is the code's, valid,
compatible with the last released one, shaped as partners need it, and the SDK generated
from it is current and generated without a warning."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from openapi_spec_validator import validate

from gateway import openapi, sdk
from pamtalk.openapi.breaking import breaking_changes
from pamtalk.openapi.combine import ConflictingSchemas, combine
from pamtalk.openapi.components import BEARER
from pamtalk.openapi.shape import operations

PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return openapi.document()


def test_committed_document_is_the_code_and_valid(doc: dict[str, Any]) -> None:
    validate(doc)
    assert openapi.CURRENT.read_text() == openapi.dumps(doc), "run `make openapi`"


def test_no_breaking_change_since_the_release(doc: dict[str, Any]) -> None:
    assert openapi.last_released() is not None, "a released document is kept in openapi/released/"
    assert openapi.breaking(doc) == []


def test_operation_ids_are_readable_and_unique(doc: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(doc)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)+", i) for i in ids), ids
    assert {"createTrade", "confirmTrade", "getFarm", "listFarms", "forecastDemand"} <= set(ids)


def test_every_error_is_a_problem_and_the_common_statuses_are_declared(doc: dict[str, Any]) -> None:
    assert "HTTPValidationError" not in doc["components"]["schemas"]
    for path, method, op in operations(doc):
        responses = op["responses"]
        where = f"{method} {path}"
        for status, response in responses.items():
            headers = response.get("headers", {})
            assert "X-Request-ID" in headers, where
            if int(status) >= 400:
                assert response["content"] == {"application/problem+json": {"schema": PROBLEM}}, where
            if status in ("429", "503"):
                assert "Retry-After" in headers, where
        assert {"429", "503", "414", "502", "504"} <= set(responses), where
        if "requestBody" in op:
            assert {"400", "413", "422"} <= set(responses), where
        if "security" in op:
            assert "401" in responses, where
        if "{" in path:
            assert "404" in responses, where


def test_public_reads_take_an_optional_token(doc: dict[str, Any]) -> None:
    ops = {(m, p): op for p, m, op in operations(doc)}
    for key in [("get", "/api/v1/farms"), ("get", "/api/v1/farms/{farm_id}")]:
        assert ops[key]["security"] == [{}, {BEARER: []}]
    for key in [
        ("get", "/api/v1/predictions/demand"),
        ("get", "/api/v1/dashboard"),
        ("get", "/api/v1/ledger/entries"),
    ]:
        assert "security" not in ops[key]  # no token taken at all
    assert ops[("post", "/api/v1/transactions")]["security"] == [{BEARER: []}]


def test_headers_are_described(doc: dict[str, Any]) -> None:
    ops = {(m, p): op for p, m, op in operations(doc)}
    create = ops[("post", "/api/v1/transactions")]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in create["parameters"])
    assert {"Location", "Idempotent-Replayed"} <= set(create["responses"]["201"]["headers"])
    farm = ops[("get", "/api/v1/farms/{farm_id}")]
    assert any(p["name"] == "If-None-Match" for p in farm["parameters"])
    assert {"ETag", "Cache-Control"} <= set(farm["responses"]["200"]["headers"])
    assert "ETag" in farm["responses"]["304"]["headers"]
    edit = ops[("patch", "/api/v1/farms/{farm_id}")]
    assert any(p["name"].lower() == "if-match" for p in edit["parameters"]) and "412" in edit["responses"]
    assert "Location" in ops[("post", "/api/v1/predictions/jobs")]["responses"]["202"]["headers"]


def test_one_name_one_shape(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    assert set(schemas["Crop"]["enum"]) == {"tomatoes", "cabbage", "rice", "lettuce", "carrots"}
    demand = {p["name"]: p["schema"] for p in doc["paths"]["/api/v1/predictions/demand"]["get"]["parameters"]}
    assert demand["crop"] == {"$ref": "#/components/schemas/Crop"}
    assert demand["region"] == {"$ref": "#/components/schemas/ForecastRegion"}
    text = json.dumps(doc)
    assert '"enum": ["tomatoes"' not in text.replace(json.dumps(schemas["Crop"]), "")  # no inline copies
    base, detail = schemas["EsgAssessment"], schemas["EsgAssessmentDetail"]
    assert all(detail["properties"][name] == field for name, field in base["properties"].items())
    assert "EsgAssessmentOut" not in schemas


def test_two_services_giving_one_name_two_shapes_is_refused() -> None:
    first = {"paths": {}, "components": {"schemas": {"Thing": {"type": "string"}}}}
    second = {"paths": {}, "components": {"schemas": {"Thing": {"type": "integer"}}}}
    with pytest.raises(ConflictingSchemas):
        combine({"a": first, "b": second})


def _op(doc: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    op: dict[str, Any] = doc["paths"][path][method]
    return op


def test_breaking_changes_are_found(doc: dict[str, Any]) -> None:
    assert breaking_changes(doc, doc) == []
    schemas = doc["components"]["schemas"]

    removed_path = copy.deepcopy(doc)
    del removed_path["paths"]["/api/v1/dashboard"]
    assert breaking_changes(doc, removed_path) == ["GET /api/v1/dashboard: removed"]

    removed_field = copy.deepcopy(doc)
    del removed_field["components"]["schemas"]["TradeOut"]["properties"]["total_value"]
    assert any("total_value: removed" in line for line in breaking_changes(doc, removed_field))

    removed_value = copy.deepcopy(doc)
    removed_value["components"]["schemas"]["Crop"]["enum"].remove("rice")
    found = breaking_changes(doc, removed_value)
    assert found and all("enum value(s) removed: rice" in line for line in found)

    required_input = copy.deepcopy(doc)
    trade_in = required_input["components"]["schemas"]["TradeIn"]
    trade_in["properties"]["promo"] = {"type": "string"}
    trade_in["required"].append("promo")
    assert any("promo: new required field" in line for line in breaking_changes(doc, required_input))

    added = copy.deepcopy(doc)  # new optional input, new output field, new path: compatible
    added["components"]["schemas"]["TradeOut"]["properties"]["note"] = {"type": "string"}
    added["components"]["schemas"]["TradeIn"]["properties"]["note"] = {"type": "string"}
    added["paths"]["/api/v1/new"] = {"get": {"operationId": "getNew", "responses": {}}}
    assert breaking_changes(doc, added) == []
    assert schemas == doc["components"]["schemas"]  # the fixture was not touched


def test_a_breaking_change_passes_with_a_new_major_version(doc: dict[str, Any]) -> None:
    changed = copy.deepcopy(doc)
    del changed["paths"]["/api/v1/dashboard"]
    assert openapi.breaking(changed) == ["GET /api/v1/dashboard: removed"]
    major = int(doc["info"]["version"].split(".")[0]) + 1
    changed["info"]["version"] = f"{major}.0.0"
    assert openapi.breaking(changed) == []


def test_sdk_is_generated_without_warnings_and_is_current() -> None:
    assert sdk.main(["--check"]) == 0, "run `make sdk` (or the generator warned: see the output)"


async def test_the_embedded_platform_serves_the_same_document() -> None:
    import httpx

    from gateway.embedded.host import EmbeddedPlatform
    from pamtalk.cache import make_redis

    # nothing is started: the host builds the document from the service apps
    platform = EmbeddedPlatform("postgresql+asyncpg://nobody@127.0.0.1:9/none", make_redis("fake"))
    transport = httpx.ASGITransport(app=platform)
    async with httpx.AsyncClient(transport=transport, base_url="http://embedded") as client:
        served = await client.get("/openapi.json")
    assert served.status_code == 200
    assert served.json() == json.loads(openapi.CURRENT.read_text())
