"""The suite runs on its own settings, whatever the developer's shell exports for `make up`
or a load run (tests/conftest.py): such variables are left out of the tests' environment, so
no service or launcher a test starts inherits them."""

from __future__ import annotations

import os

from tests.conftest import SHELL_SETTINGS_KEPT


def test_no_platform_setting_of_the_shell_reaches_the_tests() -> None:
    leaked = [n for n in os.environ if n.startswith("PAMTALK_") and not n.startswith(SHELL_SETTINGS_KEPT)]
    assert leaked == []
