"""Fixtures shared by the wire-level tests."""

from tests.wire.test_wire_smoke import start_bot  # noqa: F401 - a fixture, shared with every wire test
