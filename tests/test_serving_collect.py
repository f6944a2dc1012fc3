"""The local request log: one writer per process, whole lines, rotation, a size cap, and a
disk that refuses writes never failing a request."""
from __future__ import annotations

import json
import threading

from coursekit.serving.score_collect import LocalCollector, make_collector


def _records(folder):
    return [json.loads(line) for f in sorted(folder.glob("requests-*.jsonl")) for line in f.read_text().splitlines()]


def test_threads_never_interleave_lines(tmp_path):
    collector = LocalCollector(tmp_path)

    def send(n):
        for i in range(500):
            collector.collect({"thread": n, "i": i, "text": "x" * (i % 97)})

    threads = [threading.Thread(target=send, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    collector.close()
    records = _records(tmp_path)
    assert len(records) == 3000 == collector.stats["written"]
    assert {(r["thread"], r["i"]) for r in records} == {(n, i) for n in range(6) for i in range(500)}


def test_files_rotate_and_the_folder_stays_under_its_cap(tmp_path):
    collector = LocalCollector(tmp_path, file_bytes=20_000, total_bytes=100_000)
    for i in range(3000):
        collector.collect({"i": i, "pad": "y" * 100})
        if i % 200 == 0:
            collector.close()  # flush, then a new writer: each close is a restart of the worker
            collector = LocalCollector(tmp_path, file_bytes=20_000, total_bytes=100_000)
    collector.close()
    files = list(tmp_path.glob("requests-*.jsonl"))
    assert len(files) >= 3 and sum(f.stat().st_size for f in files) <= 100_000
    kept = [r["i"] for r in _records(tmp_path)]
    assert max(kept) == 2999 and min(kept) > 0  # the oldest went first


def test_a_disk_that_refuses_writes_drops_records_quietly(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the log folder should be")
    collector = LocalCollector(blocked / "logs")
    for i in range(10):
        collector.collect({"i": i})  # never raises
    collector.close()
    assert collector.stats["written"] == 0 and collector.stats["dropped_write_errors"] == 10


def test_full_queue_drops_instead_of_waiting(tmp_path):
    collector = LocalCollector(tmp_path, queue_size=1)
    gate, write = threading.Event(), collector._write
    collector._write = lambda records: (gate.wait(10), write(records))  # a disk that hangs
    for i in range(100):
        collector.collect({"i": i})  # returns at once although nothing can be written
    gate.set()
    collector.close()
    assert collector.stats["dropped_queue_full"] >= 97
    assert collector.stats["written"] + collector.stats["dropped_queue_full"] == 100


def test_collector_choice_from_the_environment(tmp_path):
    assert make_collector({}) is None
    assert make_collector({"COURSEKIT_COLLECT": "off", "COURSEKIT_COLLECT_DIR": str(tmp_path)}) is None
    local = make_collector({"COURSEKIT_COLLECT_DIR": str(tmp_path), "COURSEKIT_COLLECT_MAX_MB": "1"})
    assert isinstance(local, LocalCollector) and local.total_bytes == 1 << 20
    local.close()
    azure = make_collector({"AZUREML_MDC_ENABLED": "true"})  # Azure's collector, configured for this test
    assert type(azure).__name__ == "AzureCollector"
    azure.collect({"request_id": "r", "status": 200, "items": [{"label": "POSITIVE", "p_positive": 0.9,
                                                                   "chars": 5}]})  # never raises
