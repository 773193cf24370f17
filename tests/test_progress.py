"""The progress bar: on standard error, never in the results, and complete at the end."""

import io

import numpy as np

import momentum as m
from momentum.progress import progress


def test_progress_in_a_log_writes_one_line_per_tenth_and_yields_everything():
    log = io.StringIO()  # not a terminal
    assert list(progress(range(25), "work", stream=log)) == list(range(25))
    lines = log.getvalue().splitlines()
    assert [line.split("]")[1].split()[0] for line in lines] == [
        "1/25", "3/25", "5/25", "8/25", "10/25", "13/25", "15/25", "18/25", "20/25", "23/25", "25/25"]
    assert lines[-1].startswith("work [" + "#" * 20 + "] 25/25")


def test_progress_takes_a_total_for_iterators_without_length():
    log = io.StringIO()
    assert sum(progress(iter(range(4)), "sum", total=4, stream=log)) == 6
    assert log.getvalue().splitlines()[-1].startswith("sum [" + "#" * 20 + "] 4/4")


def test_run_with_progress_reports_on_stderr_and_changes_nothing(capsys):
    quiet = m.run(m.HeavyBall(0.1, 0.9), m.problems.Parabola(), 5.0, 50)
    shown = m.run(m.HeavyBall(0.1, 0.9), m.problems.Parabola(), 5.0, 50, progress=True)
    captured = capsys.readouterr()
    np.testing.assert_array_equal(shown.params, quiet.params)
    assert captured.out == ""
    assert "run [" + "#" * 20 + "] 50/50" in captured.err


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_on_a_terminal_redraws_one_line_as_the_bar_grows():
    terminal = Terminal()
    list(progress(range(100), "work", stream=terminal))
    drawn = terminal.getvalue()
    assert drawn.count("\r") == 21 and drawn.count("\n") == 1  # first item, 20 bar widths; one newline
    assert drawn.rsplit("\r", 1)[1].startswith("work [" + "#" * 20 + "] 100/100")
