"""Every write of community consultation (see governance/services/matters.py for the rules)."""

from .matters import *  # noqa: F401,F403
from .matters import DISPUTE_POINTS_EVENT, POINTS, STEP_BODIES  # noqa: F401
