"""Named domain errors.

Every rule a command can break has its own class with a stable ``code`` that
the API and the importer report; the message is for people.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A command broke a rule. Nothing was written."""

    code = "domain_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    code = "not_found"


class AlreadyExists(DomainError):
    code = "already_exists"


class ConcurrencyConflict(DomainError):
    """Someone else changed the same record first; reload and retry."""

    code = "concurrency_conflict"


class InvalidValue(DomainError):
    code = "invalid_value"


class NotAuthorised(DomainError):
    """The actor may not do this (wrong role, or outside their unit or agency)."""

    code = "not_authorised"


class OutsideUnit(NotAuthorised):
    code = "outside_unit"


class OutsideAgency(NotAuthorised):
    code = "outside_agency"


class ProductNotInCatalogue(DomainError):
    code = "product_not_in_catalogue"


class InvalidConversionFactor(InvalidValue):
    code = "invalid_conversion_factor"


class InvalidQuantity(InvalidValue):
    code = "invalid_quantity"


class NoResultToAssess(DomainError):
    code = "no_result_to_assess"


class CriteriaScoreAboveMaximum(InvalidValue):
    code = "criteria_score_above_maximum"


class UnknownCriterion(InvalidValue):
    code = "unknown_criterion"


class InvalidLeaderComponent(InvalidValue):
    code = "invalid_leader_component"


class OutsideEmployment(DomainError):
    code = "outside_employment"


class InvalidState(DomainError):
    """The record is not in a state that allows this command."""

    code = "invalid_state"


class IdempotencyKeyReused(DomainError):
    """The same idempotency key came with a different command."""

    code = "idempotency_key_reused"


class UnknownPolicy(NotFound):
    """No scoring policy with that id and version, or none in force on that date."""

    code = "unknown_policy"


class UnknownPolicyVariant(InvalidValue):
    """No registered variant of that name for that policy."""

    code = "unknown_policy_variant"


class InvalidTieDecision(InvalidValue):
    """A tie decision names servants outside the tie, or more than the free slots."""

    code = "invalid_tie_decision"


class QuotaRatioAboveMaximum(InvalidValue):
    """A granted EXCELLENT ratio above the maximum the decree allows (Art. 20(5)(b))."""

    code = "quota_ratio_above_maximum"


class MissingSourceDocument(DomainError):
    """The fact must rest on a document (decision, conclusion, minutes…)."""

    code = "missing_source_document"


class AppealWindowClosed(DomainError):
    """The policy's filing window after notification has passed."""

    code = "appeal_window_closed"


class BasisDoesNotSupport(DomainError):
    """A personnel decision's basis classification does not allow it (Art. 23(3))."""

    code = "basis_does_not_support"


class SamePerson(NotAuthorised):
    """Four eyes: whoever proposed a decision may not approve it."""

    code = "same_person"


# --- the decision step: what the decree makes mandatory (Art. 11, 20, 21) -------


class NotClassifiable(DomainError):
    """Under 6 months worked in the year: not classified (Art. 11(1))."""

    code = "not_classifiable"


class FailTriggerApplies(DomainError):
    """A FAIL trigger applies: no level above FAIL (Art. 11(3)(a), 20(4))."""

    code = "fail_trigger_applies"


class AboveOrganisationLevel(DomainError):
    """A head's level above their organisation's (Art. 20(6))."""

    code = "above_organisation_level"


class OrganisationLevelPending(InvalidState):
    """A head's organisation has no recorded level for the year yet (Art. 20(6))."""

    code = "organisation_level_pending"


class QuotaExceeded(DomainError):
    """The decision would put the pool over its EXCELLENT quota (Art. 20(5))."""

    code = "quota_exceeded"


class DepartureWithoutReason(InvalidValue):
    """A level other than the computed proposal needs a written reason (Art. 21)."""

    code = "departure_without_reason"


class VerificationOpen(InvalidState):
    """A complaint or a sign of disunity is being verified: no level is decided until
    the verification closes (Art. 9(2)(a))."""

    code = "verification_open"


class SubordinatesNotRated(InvalidState):
    """An organisation is rated after the organisations under it (Art. 9(1))."""

    code = "subordinates_not_rated"


class SubordinateRatedFail(DomainError):
    """No EXCELLENT while a directly subordinate organisation is FAIL (Art. 8(1)(b))."""

    code = "subordinate_rated_fail"
