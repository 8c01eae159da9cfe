"""The farm service's SQL, one module per aggregate: ``farms`` (a farm, its edits, its
grade and the list's pages) and ``esg`` (ESG submissions and their assessments)."""
