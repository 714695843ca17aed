"""The test suite: helpers in tests/fixtures.py, pytest fixtures in tests/conftest.py, data in tests/data/."""
