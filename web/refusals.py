"""A command the domain refused, as the page shows it beside the form: the rule's
words in the reader's language (by the error's stable code) and the field it
belongs beside. The rule itself is the domain's; this only names it."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import DomainError
from web.i18n import N_

# code → (message, the field it is shown beside; "" for the form as a whole)
WORDS: dict[str, tuple[str, str]] = {
    "departure_without_reason": (
        N_(
            "This level departs from the computed proposal: write the reason for the "
            "departure (Art. 21(1))."
        ),
        "departure_reason",
    ),
    "fail_trigger_applies": (
        N_(
            "A ground for FAIL applies (Art. 11(3)(a), 20(4)): no level above "
            "“Failure to complete duties” may be given."
        ),
        "level",
    ),
    "not_classifiable": (
        N_("Under 6 months worked in the year: not classified (Art. 11(1))."),
        "level",
    ),
    "above_organisation_level": (
        N_("A head may not be rated above their organisation's level (Art. 20(6))."),
        "level",
    ),
    "organisation_level_pending": (
        N_(
            "The organisation's level is not recorded yet: record it first, a head's "
            "level depends on it (Art. 20(6))."
        ),
        "level",
    ),
    "quota_exceeded": (
        N_(
            "This would exceed the peer group's EXCELLENT quota (Art. 20(5)): decide a "
            "lower level, or decide the tie first."
        ),
        "level",
    ),
    "missing_source_document": (
        N_(
            "A document is missing: a head's or deputy's classification needs the Party "
            "committee's view, and a tie, an organisation's level or a publication its "
            "document's reference."
        ),
        "document",
    ),
    "already_exists": (
        N_("This decision number is already recorded for this person."),
        "decision_no",
    ),
    "invalid_state": (
        N_("Not yet possible: the step before it is missing (a proposal, or the results)."),
        "",
    ),
    "invalid_tie_decision": (
        N_("Those chosen must be among the tied and within the free places."),
        "excellent",
    ),
    "invalid_value": (N_("Some values are not valid."), ""),
    "not_authorised": (N_("Your role may not do this."), ""),
    "outside_unit": (N_("You may act only on the people of your own unit."), ""),
    "outside_agency": (N_("You may act only in your own agency."), ""),
    "idempotency_key_reused": (
        N_(
            "This form was already sent and its first answer stands: reload the page for a new one."
        ),
        "",
    ),
    "concurrency_conflict": (
        N_("Someone changed these records at the same moment: send the form again."),
        "",
    ),
}
OTHER = (N_("The service refused this command."), "")


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str  # a catalogue entry: the template translates it
    field: str
    detail: str  # the domain's own sentence (English), for the curious and the log

    def on(self, field: str) -> bool:
        """Whether the refusal is shown beside ``field`` (a form-wide one beside none)."""
        return self.field == field


def refusal(error: DomainError) -> Refusal:
    message, field = WORDS.get(error.code, OTHER)
    return Refusal(error.code, message, field, error.message)
