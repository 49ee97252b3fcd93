"""Hyperparameter specs: the data a UI renders into widgets and `build` validates against.

A spec carries the default (the tutorial's value), the allowed range and a help text. Validation
happens once, where a user's values come in, and fails with a `ValueError` that names the
parameter, what was passed and what is allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from collections.abc import Mapping, Sequence
from typing import Any


@dataclass(frozen=True)
class ParamSpec:
    """One tunable parameter.

    Args:
        name: keyword name, as passed to `aelib.build` or `aelib.train`.
        default: the value used when none is given.
        help: one sentence for a tooltip.
        kind: "int", "float", "int_list" (a tuple of ints) or "choice".
        low: smallest allowed value (each element's, for "int_list").
        high: largest allowed value (each element's, for "int_list").
        choices: allowed values for "choice".
        log_scale: a UI hint: the value spans orders of magnitude.
        max_length: most elements an "int_list" may have.
    """

    name: str
    default: Any
    help: str
    kind: str = "int"
    low: float | None = None
    high: float | None = None
    choices: tuple = ()
    log_scale: bool = False
    max_length: int = 6

    def allowed(self) -> str:
        """Describe the allowed values in words, for error messages and help texts."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        span = f"between {self.low:g} and {self.high:g}"
        if self.kind == "int_list":
            return f"1 to {self.max_length} whole numbers, each {span}"
        return ("a whole number " if self.kind == "int" else "a number ") + span

    def to_text(self, value: Any) -> str:
        """`value` as text (a URL parameter, a text box), so that `from_text` gives it back."""
        if self.kind == "int_list":
            return ",".join(str(int(v)) for v in value)
        return repr(value) if self.kind == "float" else str(value)

    def from_text(self, text: str) -> Any:
        """Parse and validate text written by `to_text` (or a person).

        Raises:
            ValueError: text that is not a value of this spec.
        """
        text = str(text).strip()
        try:
            if self.kind == "int_list":
                value = tuple(int(part) for part in text.split(",") if part.strip())
            elif self.kind == "int":
                value = int(text)
            elif self.kind == "float":
                value = float(text)
            else:
                value = text
        except ValueError:
            raise self._error(text) from None
        return self.validate(value)

    def validate(self, value: Any) -> Any:
        """Return `value` converted to this spec's type, or raise `ValueError` if not allowed."""
        if self.kind == "choice":
            if value not in self.choices:
                raise self._error(value)
            return value
        if self.kind == "int_list":
            return self._validate_list(value)
        return self._validate_number(value)

    def _validate_list(self, value: Any) -> tuple[int, ...]:
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise self._error(value)
        if not 1 <= len(value) <= self.max_length:
            raise self._error(value)
        return tuple(self._validate_number(v, kind="int", whole=value) for v in value)

    def _validate_number(self, value: Any, kind: str | None = None,
                         whole: Any = None) -> float | int:
        kind = kind or self.kind
        shown = value if whole is None else whole
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self._error(shown)
        # Python compares an int of any size with a float exactly; converting one past
        # float's range (10**400) would raise OverflowError, so check the range first.
        if isinstance(value, float) and not math.isfinite(value):
            raise self._error(shown)
        if not self.low <= value <= self.high or (kind == "int" and value != int(value)):
            raise self._error(shown)
        return int(value) if kind == "int" else float(value)

    def _error(self, value: Any) -> ValueError:
        return ValueError(f"{self.name}={value!r} is not allowed: expected {self.allowed()}.")


def resolve(specs: Sequence[ParamSpec], given: Mapping[str, Any], what: str) -> dict[str, Any]:
    """Merge `given` values over the specs' defaults, validating each one.

    Args:
        specs: the parameters `what` accepts.
        given: values a user passed; missing ones take their default.
        what: names the thing being configured, for the error message.

    Returns:
        A dict with one validated value per spec, in spec order.

    Raises:
        ValueError: a name `what` does not accept, or a value out of its range.
    """
    known = {spec.name: spec for spec in specs}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ValueError(
            f"{what} has no parameter {', '.join(unknown)}; "
            f"its parameters are: {', '.join(known) or 'none'}."
        )
    return {name: spec.validate(given.get(name, spec.default)) for name, spec in known.items()}
