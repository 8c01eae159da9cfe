"""Framework-free ML core of the prediction service (see docs/prediction-model.md).

Serving entry points: ``runtime.get_runtime()`` -> ``ModelRuntime`` with ``forecast_many``,
``validate`` and ``anomaly_score``. Training: ``python -m services.prediction.ml.train``.
Training data is GENERATED from DOMAIN.md's parameters (``generator.py``) until the platform
has enough history of its own.
"""
