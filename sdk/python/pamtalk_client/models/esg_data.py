from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="EsgData")


@_attrs_define
class EsgData:
    """The 18 ESG fields of DOMAIN.md with their ranges.

    Attributes:
        organic_certified (bool):
        water_usage_per_hectare (float):
        carbon_emissions (float):
        renewable_energy_percentage (float):
        biodiversity_score (float):
        soil_health_score (float):
        waste_management_score (float):
        fair_wage_certification (bool):
        community_investment_percentage (float):
        worker_safety_score (float):
        local_employment_percentage (float):
        training_programs (bool):
        healthcare_provided (bool):
        transparency_score (float):
        record_keeping_score (float):
        stakeholder_engagement_score (float):
        ethical_practices_score (float):
        supply_chain_traceability (bool):
    """

    organic_certified: bool
    water_usage_per_hectare: float
    carbon_emissions: float
    renewable_energy_percentage: float
    biodiversity_score: float
    soil_health_score: float
    waste_management_score: float
    fair_wage_certification: bool
    community_investment_percentage: float
    worker_safety_score: float
    local_employment_percentage: float
    training_programs: bool
    healthcare_provided: bool
    transparency_score: float
    record_keeping_score: float
    stakeholder_engagement_score: float
    ethical_practices_score: float
    supply_chain_traceability: bool

    def to_dict(self) -> dict[str, Any]:
        organic_certified = self.organic_certified

        water_usage_per_hectare = self.water_usage_per_hectare

        carbon_emissions = self.carbon_emissions

        renewable_energy_percentage = self.renewable_energy_percentage

        biodiversity_score = self.biodiversity_score

        soil_health_score = self.soil_health_score

        waste_management_score = self.waste_management_score

        fair_wage_certification = self.fair_wage_certification

        community_investment_percentage = self.community_investment_percentage

        worker_safety_score = self.worker_safety_score

        local_employment_percentage = self.local_employment_percentage

        training_programs = self.training_programs

        healthcare_provided = self.healthcare_provided

        transparency_score = self.transparency_score

        record_keeping_score = self.record_keeping_score

        stakeholder_engagement_score = self.stakeholder_engagement_score

        ethical_practices_score = self.ethical_practices_score

        supply_chain_traceability = self.supply_chain_traceability

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "organic_certified": organic_certified,
                "water_usage_per_hectare": water_usage_per_hectare,
                "carbon_emissions": carbon_emissions,
                "renewable_energy_percentage": renewable_energy_percentage,
                "biodiversity_score": biodiversity_score,
                "soil_health_score": soil_health_score,
                "waste_management_score": waste_management_score,
                "fair_wage_certification": fair_wage_certification,
                "community_investment_percentage": community_investment_percentage,
                "worker_safety_score": worker_safety_score,
                "local_employment_percentage": local_employment_percentage,
                "training_programs": training_programs,
                "healthcare_provided": healthcare_provided,
                "transparency_score": transparency_score,
                "record_keeping_score": record_keeping_score,
                "stakeholder_engagement_score": stakeholder_engagement_score,
                "ethical_practices_score": ethical_practices_score,
                "supply_chain_traceability": supply_chain_traceability,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        organic_certified = d.pop("organic_certified")

        water_usage_per_hectare = d.pop("water_usage_per_hectare")

        carbon_emissions = d.pop("carbon_emissions")

        renewable_energy_percentage = d.pop("renewable_energy_percentage")

        biodiversity_score = d.pop("biodiversity_score")

        soil_health_score = d.pop("soil_health_score")

        waste_management_score = d.pop("waste_management_score")

        fair_wage_certification = d.pop("fair_wage_certification")

        community_investment_percentage = d.pop("community_investment_percentage")

        worker_safety_score = d.pop("worker_safety_score")

        local_employment_percentage = d.pop("local_employment_percentage")

        training_programs = d.pop("training_programs")

        healthcare_provided = d.pop("healthcare_provided")

        transparency_score = d.pop("transparency_score")

        record_keeping_score = d.pop("record_keeping_score")

        stakeholder_engagement_score = d.pop("stakeholder_engagement_score")

        ethical_practices_score = d.pop("ethical_practices_score")

        supply_chain_traceability = d.pop("supply_chain_traceability")

        esg_data = cls(
            organic_certified=organic_certified,
            water_usage_per_hectare=water_usage_per_hectare,
            carbon_emissions=carbon_emissions,
            renewable_energy_percentage=renewable_energy_percentage,
            biodiversity_score=biodiversity_score,
            soil_health_score=soil_health_score,
            waste_management_score=waste_management_score,
            fair_wage_certification=fair_wage_certification,
            community_investment_percentage=community_investment_percentage,
            worker_safety_score=worker_safety_score,
            local_employment_percentage=local_employment_percentage,
            training_programs=training_programs,
            healthcare_provided=healthcare_provided,
            transparency_score=transparency_score,
            record_keeping_score=record_keeping_score,
            stakeholder_engagement_score=stakeholder_engagement_score,
            ethical_practices_score=ethical_practices_score,
            supply_chain_traceability=supply_chain_traceability,
        )

        return esg_data
