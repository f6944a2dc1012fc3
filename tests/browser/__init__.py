"""Helpers for the tests that drive a real browser: Chromium, a JupyterLab server, the
JupyterLab page (tests/test_browser.py, tests/test_render.py)."""
