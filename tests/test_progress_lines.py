"""Progress without a terminal (issue 23.5): piped training and ``coursekit render`` say what they are doing
at least every 30 s. A fake clock or a tiny interval stands in for the 30 s; nothing here trains (the
piped CLI run is ``test_run_card.py::test_piped_training_prints_progress_lines``)."""
from __future__ import annotations

import time
from types import SimpleNamespace

import nbformat

from coursekit.progress import minutes, progress_interval
from coursekit.render_kernel import CellProgress
from coursekit.train.callbacks import PipedProgress


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _state(step, max_steps=100, epoch=0.0):
    return SimpleNamespace(is_world_process_zero=True, global_step=step, max_steps=max_steps, epoch=epoch)


def test_piped_training_prints_a_line_once_the_interval_has_passed():
    clock, lines = FakeClock(), []
    progress = PipedProgress(interval_s=30, write=lines.append, clock=clock, thread=False)
    progress.on_train_begin(None, _state(0), None)
    clock.now += 10
    progress.on_step_end(None, _state(5, epoch=0.05), None)
    assert lines == []  # 10 s: not due yet
    clock.now += 21
    progress.on_step_end(None, _state(10, epoch=0.1), None)
    assert lines == ["training: step 10/100 (epoch 0.10), 0:31 elapsed, about 4:39 left"]
    progress.on_prediction_step(None, _state(10), None)
    clock.now += 30
    progress.tick()  # from the heartbeat: an evaluation that takes long is not silent either
    assert lines[-1].startswith("evaluating on the validation split: step 10/100") and len(lines) == 2
    progress.on_train_end(None, _state(100), None)
    clock.now += 100
    progress.tick()
    assert len(lines) == 2  # nothing after training ended


def test_the_heartbeat_speaks_during_a_step_that_never_ends():
    lines = []
    progress = PipedProgress(interval_s=0.05, write=lines.append)
    progress.on_train_begin(None, _state(3, max_steps=9), None)
    time.sleep(0.4)  # one long step: no on_step_end at all
    progress.stop()
    count = len(lines)
    assert count >= 2 and all(line.startswith("training: step 3/9") for line in lines)
    time.sleep(0.15)
    assert len(lines) == count  # the thread is gone


def test_render_names_the_lesson_the_cell_and_the_time_spent():
    clock, lines = FakeClock(), []
    progress = CellProgress("03_x.ipynb", 12, bar=False, log=lines.append, interval_s=30, clock=clock, thread=False)
    progress.cell_started(cell=nbformat.v4.new_code_cell("x = 1"), cell_index=2)
    progress.cell_done()
    clock.now += 5
    progress.cell_started(cell=nbformat.v4.new_code_cell("\nfolds = cross_validate(splits)\nprint(folds)"),
                          cell_index=4)
    clock.now += 40
    progress.tick()
    progress.tick()  # once per interval
    clock.now += 30
    progress.tick()
    assert lines == ["render: 03_x.ipynb: running 12 code cells",
                     "render: 03_x.ipynb: cell 2/12 running for 0:40 (folds = cross_validate(splits)), 0:45 into "
                     "the lesson",
                     "render: 03_x.ipynb: cell 2/12 running for 1:10 (folds = cross_validate(splits)), 1:15 into "
                     "the lesson"]
    assert progress.close() == 75


def test_render_progress_comes_from_a_thread_and_stops_with_the_lesson():
    lines = []
    progress = CellProgress("04_x.ipynb", 3, bar=False, log=lines.append, interval_s=0.05)
    progress.cell_started(cell=nbformat.v4.new_code_cell("import time; time.sleep(600)"), cell_index=0)
    time.sleep(0.3)
    progress.close()
    count = len(lines)
    assert count >= 3 and "cell 1/3 running for" in lines[-1]
    time.sleep(0.15)
    assert len(lines) == count


def test_the_interval_setting_and_the_clock_format(monkeypatch):
    monkeypatch.setenv("COURSEKIT_PROGRESS_S", "0.5")
    assert progress_interval() == 0.5
    for bad in ("0", "-3", "soon"):
        monkeypatch.setenv("COURSEKIT_PROGRESS_S", bad)
        assert progress_interval() == 30.0
    assert (minutes(59.6), minutes(61), minutes(3725)) == ("1:00", "1:01", "1:02:05")
