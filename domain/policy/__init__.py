"""Scoring policy ND335-2025: versioned parameters and pure, explained scoring functions."""

from domain.policy.parameters import (
    ND335_2025_V1,
    POLICIES,
    Criterion,
    Policy,
    get_policy,
    policy_in_force,
)
from domain.policy.steps import Computed, Step

__all__ = [
    "ND335_2025_V1",
    "POLICIES",
    "Computed",
    "Criterion",
    "Policy",
    "Step",
    "get_policy",
    "policy_in_force",
]
