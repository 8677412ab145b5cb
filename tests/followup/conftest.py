"""Fixtures for staff follow-up: the dashboard server and API clients (shared with tests/staff)."""

from __future__ import annotations

from tests.staff.conftest import agents, server  # noqa: F401  (fixtures)
from tests.staff.test_api import api_for  # noqa: F401  (fixture)
