"""The PAM-TALK load-test tool (``python loadtests/performance_test.py``, ``make load``).

Pure modules (importable anywhere, tests included): ``mix``, ``scenarios``, ``latency``,
``verdict``, ``summary``, ``report``. ``locustfile`` and ``runner`` import Locust, which
patches the process with gevent: they only ever run in the load generator's own process.
"""
