"""The farm service's SQL, one module per aggregate: ``store.farms`` (a farm, its edits, its
grade and the list's pages) and ``store.esg`` (ESG submissions and their assessments)."""

from services.farm.store import esg, farms

__all__ = ["esg", "farms"]
