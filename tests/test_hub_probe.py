"""The full tier's one fast Hub probe (issue: five retries, ~28 s, before the error)."""
from __future__ import annotations

import http.server
import threading

import pytest
from huggingface_hub import constants

from coursekit.errors import HubUnreachableError
from coursekit.models import hub_options, load_tokenizer
from coursekit.profiles import hub_probe


@pytest.fixture(autouse=True)
def _fresh_probe(monkeypatch):
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    hub_probe.cache_clear()
    yield
    hub_probe.cache_clear()


@pytest.fixture
def hub():
    """A local HTTP server that answers 404 to everything and counts the requests."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_refused_connection_is_reported(monkeypatch):
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9")
    reason = hub_probe()
    assert reason is not None and reason.startswith("http://127.0.0.1:9 unreachable")


def test_any_http_answer_means_reachable_and_is_asked_once(monkeypatch, hub):
    url, hits = hub
    monkeypatch.setattr(constants, "ENDPOINT", url)
    assert hub_probe() is None and hub_probe() is None
    assert len(hits) == 1


def test_offline_mode_never_probes(monkeypatch, hub):
    url, hits = hub
    monkeypatch.setattr(constants, "ENDPOINT", url)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert hub_options("distilbert-base-uncased") == {}
    assert hits == []


def test_unreachable_and_not_cached_raises_before_any_download(monkeypatch, tmp_path):
    monkeypatch.setattr(constants, "ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "empty"))
    with pytest.raises(HubUnreachableError, match="--profile offline") as info:
        load_tokenizer("distilbert-base-uncased")
    assert "127.0.0.1:9 unreachable" in str(info.value) and "\n" not in str(info.value)


def test_local_folders_never_probe(monkeypatch, hub, tmp_path):
    url, hits = hub
    monkeypatch.setattr(constants, "ENDPOINT", url)
    assert hub_options(str(tmp_path)) == {}
    assert hits == []
