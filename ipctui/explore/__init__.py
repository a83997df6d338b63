"""Explore: run a script under every schedule of its per-process programs (SPEC section 4).

`state` runs one schedule and says what each step touched, `dpor` finds the races that make
another order worth trying, `search` walks the schedules, `report` prints the outcomes.
"""

from .search import ExploreResult, OutcomeGroup, explore, programs_of

__all__ = ["ExploreResult", "OutcomeGroup", "explore", "programs_of"]
