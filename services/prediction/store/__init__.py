"""The prediction service's SQL, one module per aggregate, each statement written once with
explicit columns: ``forecast_jobs``, ``esg_assessments``, ``trade_anomalies`` and
``daily_demand`` (its tables), and ``forecasts`` (where served forecasts are kept, Redis,
and the daily-demand history they start from)."""
