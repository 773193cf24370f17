"""``momentum.exercises.check`` knows the book's answers and says right, close or wrong.

* Every registered reference agrees with its worked solution: the solution's code (found
  and run by ``test_prose``'s own extraction and runner) prints each reference number,
  rounded as it prints it, right after the text that names it (``PRINTED_AFTER``); a
  formula answer agrees with the closed form the solution derives.
* ``check`` says right for the reference, close for a value between its two tolerances,
  wrong for a value far off, and gives each known mistake's hint for the mistaken value,
  computed here independently (the PyTorch buffer with ``m.TorchSGD``, the swapped
  conversion by hand, ...).
* Every exercise of the book (the chapters' ``{exercise}`` cells) is registered or, exactly
  when it is marked ``:class: open-question``, listed as open; and the other way round.
* Bad input is refused by name.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import test_exercises as markup
import test_prose as prose

import momentum as m
from momentum.exercises import EXERCISES, OPEN, Tolerance, check

NUMERIC = sorted((k for k, e in EXERCISES.items() if not e.is_formula), key=lambda k: tuple(map(int, k.split("."))))
FORMULAS = sorted(k for k, e in EXERCISES.items() if e.is_formula)

# Where each reference number stands in its solution's printout: the text printed just before it
# (a regex; searched in order from the previous number). None: the solution states that number in
# prose only (4.2: the upper end is the momentum's own bound γ < 1).
PRINTED_AFTER = {
    "1.1": [r"ln\(51/49\) = .* = ", "measured: "],
    "1.3": ["gradient descent ", "heavy ball ", "gradient descent ", "heavy ball "],
    "2.1": [r"HeavyBall\(lr=", "momentum=", r"EMAMomentum\(lr=", "beta="],
    "2.3": ["shrinks for ", "< lr < "],
    "2.4": [r"steps to 1e-6: \[", "", "", "", "", ""],
    "3.2": ["difference "],
    "3.3": ["correction lambda h = "],
    "3.4": ["gradient flow time ", "heavy-ball time "],
    "3.5": ["t = 2: .* error "],
    "3.6": ["delivered: "],
    "4.1": ["v_4 = ", "theta_4 = "],
    "4.2": ["critical momentum ", None],
    "4.4": [r"^[\d.]+ "],
    "5.3": ["predicted step ratio ", "measured: GD ", "heavy ball "],
    "5.4": [r"stability edge .* = ", r"0.900 eta\*:", r"0.950 eta\*:", r"1.000 eta\*:", r"1.005 eta\*:",
            "diverged at step "],
    "5.5": [r"GD: .*largest \|y_60\| = ", "heavy ball: .*slowest lambda = ", r"largest \|y_60\| = "],
    "5.6": [r"1/T_k\(sigma\) = "],
    "5.7": ["reaches 1e-6 at k = ", "from k = "],
    "6.4": ["on the cycle: "],
    "6.5": ["alpha = ", r"\n[\d.]+ "],
    "6.6": [r"^\(k-1\)/\(k\+2\) ", "function restart ", "gradient restart ", "classical tuning "],
    "6.7": ["gamma 0.0: floor ", "gamma 0.5: floor ", "gamma 0.8: floor ", "gamma 0.9: floor "],
    "7.1": ["growth: gradient descent ", "heavy ball "],
    "7.2": [r"\(a\) eta = 0.01: ", r"\(b\) eta/\(1-gamma\) = 0.01: "],
    "8.1": ["SGD, eta = 0.5: training loss ", "SGD, eta = 0.05: training loss ", "gamma = 0.9: training loss "],
    "8.2": ["best eta = "] * 8,
    "8.3": ["SGD: training loss ", "heavy ball: training loss "],
    "9.2": [r"\)\^2 = "],
    "9.3": ["fixed eta: fastest gamma ", r"fixed eta/\(1-gamma\): fastest gamma "],
    "10.1": ["first failing rate ", "L is about "],
    "10.2": ["heavy ball: bound ", "Nesterov: bound "],
    "10.3": ["^"],
    "10.4": ["constant: diverged at step ", "warm-up: diverged at step "],
}

# The closed forms the worked solutions derive on paper (these solutions have no code to run).
DERIVED = {
    "1.2": lambda mu, L: (L / mu - 1) / (L / mu + 1),                      # (κ−1)/(κ+1)
    "2.2": lambda dampening: 1 / (1 - dampening),                           # PyTorch's first step is 1/(1−d) times
    "3.1": lambda beta, t: 1 - beta ** (t + 1),                             # (1−β) Σ β^k = 1 − β^{t+1}
    "6.1": lambda r, lr, gamma, lam: r**2 - (1 + gamma) * (1 - lr * lam) * r + gamma * (1 - lr * lam),
}

NUMBER = r"\s*(never|-?\d+(?:\.(\d+))?(?:[eE]([-+]?\d+))?)"


def printed(output: str, labels: list[str | None]) -> list[tuple[float, float] | None]:
    """``(value, half a unit in its last printed digit)`` of the number printed after each
    label, searching in order; "never" reads as -1 (what steps_to returns). None where a
    label is None or not found."""
    found, position = [], 0
    for label in labels:
        match = None if label is None else re.compile(label + NUMBER, re.M).search(output, position)
        if match is None:
            found.append(None)
            continue
        position = match.end()
        if match.group(1) == "never":
            found.append((-1.0, 0.0))
            continue
        decimals, exponent = len(match.group(2) or ""), int(match.group(3) or 0)
        found.append((float(match.group(1)), 0.5 * 10.0 ** (exponent - decimals)))
    return found


def disagreeing(reference: np.ndarray, numbers: list[tuple[float, float] | None],
                labels: list[str | None]) -> list[int]:
    """Indices of reference numbers that do not round to the number printed for them."""
    return [i for i, (value, number, label) in enumerate(zip(reference, numbers, labels, strict=True))
            if label is not None and (number is None or abs(number[0] - value) > number[1] * (1 + 1e-9))]


def solution(exercise: str) -> str:
    bodies = [body for label, body in prose.solutions() if label.split(":")[1] == exercise]
    assert len(bodies) == 1, f"exercise {exercise}: {len(bodies)} worked solutions found"
    return bodies[0]


def width(value: np.ndarray, tolerance: Tolerance | tuple[Tolerance, ...]) -> np.ndarray:
    tolerances = [tolerance] * value.size if isinstance(tolerance, Tolerance) else list(tolerance)
    tolerances = tolerances if len(tolerances) == value.size else tolerances[:1] * value.size
    return np.array([t.atol + t.rtol * abs(v) for t, v in zip(tolerances, value, strict=True)])


# --- the references agree with the worked solutions ------------------------------------------------

@pytest.mark.parametrize("exercise", NUMERIC)
def test_reference_is_what_the_worked_solution_prints(exercise):
    reference, labels = EXERCISES[exercise].answer(), PRINTED_AFTER[exercise]
    output = prose.run_solution(solution(exercise))
    numbers = printed(output, labels)
    wrong = disagreeing(reference, numbers, labels)
    assert not wrong, (f"exercise {exercise}: reference {reference[wrong]} (components {wrong}) is not what the "
                       f"worked solution prints after {[labels[i] for i in wrong]}: "
                       f"{[numbers[i] for i in wrong]}\n{output}")


@pytest.mark.parametrize("exercise", FORMULAS)
def test_formula_reference_is_the_solutions_closed_form(exercise):
    entry = EXERCISES[exercise]
    rng = np.random.default_rng(0)
    points = [*entry.samples, *(tuple(p) for p in _random_points(exercise, rng))]
    for point in points:
        assert entry.reference(*point) == pytest.approx(DERIVED[exercise](*point), rel=1e-9, abs=1e-12), point


def _random_points(exercise: str, rng: np.random.Generator) -> list[tuple[float, ...]]:
    if exercise == "1.2":
        return [(mu, mu * k) for mu, k in zip(rng.uniform(0.1, 5, 5), rng.uniform(1, 1e3, 5), strict=True)]
    if exercise == "2.2":
        return [(d,) for d in rng.uniform(0.01, 0.99, 5)]
    if exercise == "3.1":
        return [(b, int(t)) for b, t in zip(rng.uniform(0, 0.99, 5), rng.integers(0, 60, 5), strict=True)]
    return [tuple(p) for p in zip(rng.uniform(-2, 2, 5), rng.uniform(0.01, 1, 5), rng.uniform(0, 0.99, 5),
                                  rng.uniform(0.1, 10, 5), strict=True)]


def test_every_registered_exercise_is_compared_with_its_solution():
    assert set(DERIVED) == set(FORMULAS)
    assert set(PRINTED_AFTER) == set(NUMERIC)
    assert all(len(PRINTED_AFTER[k]) == len(EXERCISES[k].names) for k in NUMERIC)


def test_the_printout_reader_reports_a_number_the_solution_does_not_print():
    output = "theta_3 = 0.31, v_3 = 1.99, v_4 = 1.853, theta_4 = -1.543\nfirst never, then 3.01e-01"
    labels = ["v_4 = ", "theta_4 = "]
    assert printed(output, labels) == [(1.853, 0.0005), (-1.543, 0.0005)]
    assert printed(output, ["first ", "then "]) == [(-1.0, 0.0), (0.301, 0.0005)]
    assert disagreeing(np.array([1.8530001, -1.543]), printed(output, labels), labels) == []
    assert disagreeing(np.array([1.99, -1.543]), printed(output, labels), labels) == [0]    # v_3 for v_4
    assert disagreeing(np.array([-1.543, 1.853]), printed(output, labels), labels) == [0, 1]  # swapped
    assert disagreeing(np.array([1.8536, -1.543]), printed(output, labels), labels) == [0]  # beyond the precision
    assert disagreeing(np.array([1.0]), printed(output, ["v_5 = "]), ["v_5 = "]) == [0]     # not printed at all


# --- right, close, wrong ------------------------------------------------------------------------------

def _shifted(exercise: str, fraction: float):
    """The reference moved by ``fraction`` of the way from the right tolerance to the close
    tolerance (0: the edge of right, 1: the edge of close), as an answer."""
    entry = EXERCISES[exercise]

    def shift(value: np.ndarray) -> np.ndarray:
        right, close = width(value, entry.right), width(value, entry.close)
        return value + right + fraction * (close - right)

    if entry.is_formula:
        return lambda *point: float(shift(np.array([entry.reference(*point)]))[0])
    return shift(entry.answer())


@pytest.mark.parametrize("exercise", sorted(EXERCISES))
def test_reference_is_right_a_small_slip_close_and_a_large_one_wrong(exercise):
    entry = EXERCISES[exercise]
    reference = entry.reference if entry.is_formula else entry.answer()
    verdict = check(exercise, reference)
    assert verdict.status == "right" and verdict and verdict.hint is None, verdict
    assert check(exercise, _shifted(exercise, 0.5)).status == "close"
    assert check(exercise, _shifted(exercise, 10.0)).status == "wrong"


def _parabola_hand() -> tuple[float, float]:
    """v_4 and θ_4 of the worked example by hand, from θ_3 = 0.31 and v_3 = 1.99."""
    v4 = 0.9 * 1.99 + 0.1 * 2 * 0.31
    return v4, 0.31 - v4


def _ref(exercise: str) -> tuple[float, ...]:
    return tuple(EXERCISES[exercise].answer())


# (exercise, the mistaken answer computed independently, a phrase of the expected hint)
HINTS = [
    ("1.2", lambda mu, L: (L - mu) / L, "η = 1/L"),
    ("1.2", lambda mu, L: (np.sqrt(L / mu) - 1) / (np.sqrt(L / mu) + 1), "heavy ball's rate"),
    ("1.3", lambda: (_ref("1.3")[2], _ref("1.3")[3], _ref("1.3")[0], _ref("1.3")[1]), "tilted valley"),
    ("2.1", lambda: (0.05 / (1 - 0.95), 0.95, 0.01 * (1 - 0.99), 0.99), "wrong way round"),
    ("2.1", lambda: (0.0025, 0.95, 0.01 / 0.99, 0.99), "where 1 − β"),  # only the second conversion slips
    ("2.2", lambda d: 1 - d, "upside down"),
    ("2.2", lambda d: 1.0, "does not damp"),
    ("2.3", lambda: (0.0, (2 + 2 * 0.9) / (1 - 0.9)), "correct EMA form"),
    ("2.3", lambda: (0.0, 2.0), "gradient descent's"),
    ("2.4", lambda: (0, *_ref("2.4")[1:]), "answer -1"),
    ("3.1", lambda beta, t: 1.0, "t → ∞"),
    ("3.1", lambda beta, t: 1 - beta**t, "t + 1 gradients"),
    ("3.2", lambda: -(0.9 * 5 - 0.1 * 10), "sign"),
    ("3.2", lambda: 4 + 0.9 * 5 - 0.1 * 8 - 0.1 * 1.9 * 10, "formula's θ₂"),
    ("3.3", lambda: 2 * np.sqrt(2) - 2 * np.sqrt(0.1), "a = (1 − γ)/h"),
    ("3.4", lambda: (1.0, 0.01), "swapped"),
    ("3.5", lambda: -(0.9**2) * 0.1 * 10, "sign"),
    ("3.5", lambda: 0.0, "t = 1"),
    ("3.6", lambda: math.floor(math.log(0.01) / math.log(0.9)), "round up"),
    ("4.1", lambda: (m.run(m.TorchSGD(0.1, 0.9), m.problems.Parabola(), 5.0, 4).velocity[4], _parabola_hand()[1]),
     "PyTorch's momentum buffer"),
    ("4.1", lambda: _parabola_hand()[::-1], "swapped"),
    ("4.1", lambda: (_parabola_hand()[0], 0.31 + _parabola_hand()[0]), "sign"),
    ("4.2", lambda: ((1 - np.sqrt(0.2)) ** 2, 1.2 + np.sqrt(0.8)), "upper root"),
    ("4.2", lambda: (0.0, (1 - np.sqrt(0.2)) ** 2), "over-damped"),
    ("4.4", lambda: (1 - np.sqrt(0.05)) ** 2, "ηλ = 0.1"),
    ("5.3", lambda: (np.log(99 / 101) / np.log(9 / 11), *_ref("5.3")[1:]), "closer to 1"),
    ("5.4", lambda: (2 * (1 + (9 / 11) ** 2) / 100, *_ref("5.4")[1:]), "units of η*"),
    ("5.6", lambda: 2 * ((np.sqrt(1000) - 1) / (np.sqrt(1000) + 1)) ** 20, "denominator"),
    ("5.7", lambda: (int(np.argmax([1 / np.polynomial.Chebyshev.basis(k)(101 / 99) <= 1e-6 for k in range(200)])),
                     math.ceil(math.log(1e-6) / math.log(9 / 11))), "rate alone"),
    ("6.1", lambda r, lr, gamma, lam: r**2 - (1 + gamma - lr * lam) * r + gamma, "heavy ball's polynomial"),
    ("6.5", lambda: (0.02 * (1 - 0.9), 0.9), "wrong way round"),
    ("6.5", lambda: (0.02 / 0.1 * 0.9, 0.9), "look-ahead shift"),
    ("6.6", lambda: (1500, *_ref("6.6")[1:]), "-1"),
    ("6.7", lambda: tuple(sum(lam / 2 * m.theory.stationary_variance(0.01, g, lam, 1.0) for lam in (1.0, 50.0))
                          * (1 - g) for g in (0.0, 0.5, 0.8, 0.9)), "times (1 − γ)"),
    ("7.1", lambda: (10.0, np.sqrt(10)), "κ and √κ"),
    ("7.2", lambda: _ref("7.2")[::-1], "swapped"),
    ("8.2", lambda: tuple(np.array(_ref("8.2")) / (1 - np.array([0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99]))),
     "effective steps"),
    ("9.2", lambda: np.sqrt(_ref("9.2")[0]), "so square"),
    ("9.3", lambda: _ref("9.3")[::-1], "swapped"),
    ("10.1", lambda: (_ref("10.1")[0], 1 / _ref("10.1")[0]), "2/η"),
    ("10.2", lambda: (2 * 1.9 / 50, 2 * 1.9 / 50), "smaller than the heavy ball's"),
    ("10.2", lambda: (2 / 50, 2 / 50), "gradient descent's bound"),
    ("10.3", lambda: 0.01 / 4, "small-step approximation"),
    ("10.3", lambda: 0.01 / (50 * (2 - 0.5)), "Var(θ)"),
    ("10.4", lambda: _ref("10.4")[::-1], "swapped"),
]


@pytest.mark.parametrize(("exercise", "mistaken", "phrase"), HINTS, ids=[f"{e}-{p}" for e, _, p in HINTS])
def test_known_mistake_gets_its_hint(exercise, mistaken, phrase):
    answer = mistaken if EXERCISES[exercise].is_formula else mistaken()
    verdict = check(exercise, answer)
    assert verdict.status == "wrong" and verdict.hint and phrase in verdict.hint, verdict


def test_every_known_mistake_has_a_hint_case():
    untested = [(k, mistake.hint) for k, e in EXERCISES.items() for mistake in e.mistakes
                if not any(k == e2 and phrase in mistake.hint for e2, _, phrase in HINTS)]
    assert not untested, untested


# --- every exercise in the book is registered or open ----------------------------------------------

def book_exercises() -> dict[str, bool]:
    """``{"4.2": is_open}`` for every ``{exercise}`` cell of the chapters."""
    found = {}
    for path in markup.CHAPTERS:
        for cell in markup.load(path):
            match = markup.EXERCISE.match(cell["source"]) if cell["cell_type"] == "markdown" else None
            if match:
                label = re.fullmatch(r"ex-(\d+)-(\d+)", markup.option(match["options"], "label") or "")
                assert label, f"{path.name}: exercise without an ex-C-N label"
                found[f"{label[1]}.{label[2]}"] = markup.option(match["options"], "class") == "open-question"
    return found


def test_every_exercise_is_registered_or_open_and_nothing_else():
    book = book_exercises()
    assert len(book) >= 40  # 44 when this was written; the parser must see the whole book
    assert {k for k, is_open in book.items() if not is_open} == set(EXERCISES)
    assert {k for k, is_open in book.items() if is_open} == set(OPEN)
    assert not set(EXERCISES) & set(OPEN)


# --- bad input and the verdict's text -----------------------------------------------------------------

@pytest.mark.parametrize(("exercise", "answer", "error", "message"), [
    ("9.1", 1.0, ValueError, r"exercise 9.1 is an open question .*\(the design of an experiment"),
    ("4.9", 1.0, ValueError, r"exercise must be the number of a checkable exercise, one of 1.1, 1.2, .*; got '4.9'"),
    (4.1, (1.853, -1.543), TypeError, r"exercise must be a string such as '4.1'; got 4.1"),
    ("4.1", (1.853, -1.543, 0.0), ValueError, r"answer for exercise 4.1 must be 2 numbers \(v4, theta4\); got 3"),
    ("4.1", [[1.853, -1.543]], ValueError, r"answer for exercise 4.1 must be 2 numbers .*got \(1, 2\)"),
    ("4.1", "1.853, -1.543", TypeError, r"answer for exercise 4.1 must be 2 numbers \(v4, theta4\); got '1.853"),
    ("4.1", None, TypeError, r"answer for exercise 4.1 must be 2 numbers"),
    ("4.1", (np.nan, 1.0), ValueError, r"answer must be finite; got nan at index \(0,\)"),
    ("1.2", 0.96, TypeError, r"answer for exercise 1.2 must be a function of \(mu, L\) .*lambda mu, L: ...; got 0.96"),
    ("1.2", lambda mu: mu, ValueError, r"answer for exercise 1.2 failed at \(1.0, 50.0\): TypeError"),
    ("2.2", lambda d: "1", TypeError, r"answer\(0.3,\) must be a real number"),
])
def test_bad_input_is_refused_by_name(exercise, answer, error, message):
    with pytest.raises(error, match=message):
        check(exercise, answer)


def test_a_verdict_reads_as_a_sentence_with_its_hint():
    right = check("4.1", _parabola_hand())
    assert repr(right) == str(right) == ("Exercise 4.1: right. (v4, theta4) = (1.853, -1.543) agrees with the "
                                         "book's answer (tolerance 1e-06 relative + 0.0005).")
    close = check("4.1", (1.85, -1.543))
    assert str(close).startswith("Exercise 4.1: close. v4 is off by more than the book's precision")
    wrong = check("3.2", -3.5)
    assert str(wrong) == ("Exercise 3.2: wrong. error is off.\n"
                          "Hint: sign: the error is the formula's θ₂ minus the true θ₂.")
    assert "3.5" not in str(wrong)  # a wrong verdict never gives the answer away
