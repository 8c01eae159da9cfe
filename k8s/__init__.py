"""Deployment artefacts generated from the route table (``gateway/routes.py``).

``python -m k8s.generate`` writes the Kubernetes base and overlays, the compose file, the
service Dockerfiles and the Grafana dashboard; ``--check`` reports drift instead (CI).
"""
