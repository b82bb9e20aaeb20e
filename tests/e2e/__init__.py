"""End-to-end tests: the built packages in headless Chromium (see conftest.py)."""
