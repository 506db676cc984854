"""Temporary: replaced by the outcomes branch."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Change:
    points: int
    meaningful: bool


def judge(before: int, after: int) -> Change:
    fall = before - after
    return Change(fall, fall >= 2 or (fall > 0 and fall * 10 >= before * 3))
