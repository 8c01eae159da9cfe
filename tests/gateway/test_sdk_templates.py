"""The partner SDK's two template edits (``gateway/sdk_templates.py``): statuses parsed alike
share one branch, and a model's additional-property mapping lives once in ``types.py``; what
a partner calls and gets is as before."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

from gateway import sdk_templates

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "sdk" / "python"))  # the package as a partner installs it

from pamtalk_client import Client  # noqa: E402
from pamtalk_client.api.farms import list_farms  # noqa: E402
from pamtalk_client.models.esg_assessment_detail_breakdown import EsgAssessmentDetailBreakdown  # noqa: E402
from pamtalk_client.models.farm_out import FarmOut  # noqa: E402
from pamtalk_client.models.page_farm_out import PageFarmOut  # noqa: E402
from pamtalk_client.models.problem import Problem  # noqa: E402

PROBLEM = {"type": "https://pamtalk.kr/problems/x", "title": "X", "status": 0, "detail": "d",
           "instance": "/api/v1/farms", "request_id": "r1"}  # fmt: skip


def test_the_edits_apply_to_the_installed_generator(tmp_path: Path) -> None:
    folder = sdk_templates.write(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == sorted(sdk_templates.EDITS)
    assert "response.status_code in (" in (folder / "endpoint_module.py.jinja").read_text()
    assert "def __contains__" not in (folder / "model.py.jinja").read_text()
    assert "class AdditionalProperties(Generic[V])" in (folder / "types.py.jinja").read_text()


def test_a_template_that_changed_is_refused() -> None:
    with pytest.raises(sdk_templates.TemplateChanged, match=r"model\.py\.jinja"):
        sdk_templates.edited("model.py.jinja", "class {{ class_name }}:\n")  # the rest is gone


@pytest.mark.parametrize("status", [401, 403, 414, 422, 429, 502, 503, 504])
def test_every_problem_status_of_an_operation_is_parsed_as_a_problem(status: int) -> None:
    answer = httpx.Response(status, json={**PROBLEM, "status": status})
    parsed = list_farms._parse_response(client=Client("http://sdk.test"), response=answer)
    assert isinstance(parsed, Problem) and parsed.status == status and parsed.request_id == "r1"


def test_other_statuses_keep_their_own_parsing() -> None:
    client = Client("http://sdk.test")
    page = list_farms._parse_response(client=client, response=httpx.Response(200, json={"items": []}))
    assert isinstance(page, PageFarmOut) and page.items == []
    assert list_farms._parse_response(client=client, response=httpx.Response(304)) is None
    assert list_farms._parse_response(client=client, response=httpx.Response(418, json={})) is None
    strict = Client("http://sdk.test", raise_on_unexpected_status=True)
    with pytest.raises(Exception, match="418"):
        list_farms._parse_response(client=strict, response=httpx.Response(418, json={}))


def test_additional_properties_read_and_write_as_a_mapping() -> None:
    problem = Problem.from_dict({**PROBLEM, "status": 422, "retry_after": 5})
    assert problem.additional_keys == ["retry_after"] and "retry_after" in problem
    assert problem["retry_after"] == 5
    problem["hint"] = "later"
    del problem["retry_after"]
    assert problem.to_dict()["hint"] == "later" and "retry_after" not in problem.to_dict()
    breakdown = EsgAssessmentDetailBreakdown.from_dict({"environmental": []})
    assert breakdown["environmental"] == [] and breakdown.additional_keys == ["environmental"]
    assert "__slots__" in vars(FarmOut)  # models stay slotted with the mapping as their base
    with pytest.raises(AttributeError):
        breakdown.anything_else = 1  # type: ignore[attr-defined]  # slots: no stray attributes
