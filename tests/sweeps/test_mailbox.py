"""The sweep's mailbox, as a plain object: progress kept per run, stop and close."""

from aelib.sweeps.mailbox import SweepMonitor


def test_progress_is_passed_on_once_and_the_latest_wins():
    monitor = SweepMonitor()
    assert monitor.report(0, None) is False and monitor.report(0, b"epoch 1") is False
    monitor.report(1, b"first")
    assert monitor.drain() == {0: b"epoch 1", 1: b"first"} and monitor.drain() == {}


def test_a_stop_tells_every_run_to_stop_and_names_those_that_began():
    monitor = SweepMonitor()
    monitor.report(0, None)
    assert monitor.stop() == {0}
    assert monitor.report(0, b"late") is True  # it stops, and its last snapshot is kept
    assert monitor.report(1, None) is True and monitor.drain() == {0: b"late"}


def test_a_close_lets_running_runs_go_on_and_no_other_begin():
    monitor = SweepMonitor()
    monitor.report(0, None)
    assert monitor.close() == {0}
    assert monitor.report(0, b"goes on") is False
    assert monitor.report(1, None) is True and 1 not in monitor.drain()
