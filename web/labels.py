"""The names the pages show for the domain's codes: levels in the decree's own
words, statuses, reasons, roles and error codes. Marked here, translated by the
catalogues where they are shown."""

from __future__ import annotations

from web.i18n import N_

LEVELS = {
    "EXCELLENT": N_("Excellent completion of duties"),
    "GOOD": N_("Good completion of duties"),
    "COMPLETE": N_("Completion of duties"),
    "FAIL": N_("Failure to complete duties"),
}

STATUSES = {
    "proposed": N_("Proposed"),
    "not_classified": N_("Not classified"),
    "pending_tie": N_("Pending: tie at the quota limit"),
    "pending_organisation": N_("Pending: the organisation's level is not decided yet"),
}

REASONS = {
    "score": N_("By annual score"),
    "fail_trigger": N_("A ground for failure (Art. 20(4))"),
    "quota": N_("Moved down by the EXCELLENT quota"),
    "quota_tie_pending": N_("Tied at the quota limit: the head decides"),
    "organisation_cap": N_("Capped by the organisation's level"),
    "organisation_level_pending": N_("A head waits for their organisation's level (Art. 20(6))"),
    "not_classified_time_worked": N_("Not classified: under 6 months worked"),
    "not_classified_no_score": N_("Not classified: no score"),
}

ROLES = {
    "civil_servant": N_("Civil servant"),
    "manager": N_("Manager"),
    "hr": N_("Personnel office"),
    "authority": N_("Competent authority"),
    "inspector": N_("Inspector"),
    "appeals_reviewer": N_("Appeals reviewer"),
    "admin": N_("Administrator"),
}

LEADERSHIP = {
    "head": N_("Head"),
    "deputy": N_("Deputy"),
    "staff": N_("Staff"),
}

QUOTA_VERDICTS = {
    "EXCELLENT": N_("Within the quota"),
    "GOOD": N_("Beyond the quota"),
    "PENDING": N_("Pending"),
}

# What went wrong, and what to do next, by error code (else by HTTP status).
ERRORS = {
    "not_authorised": (
        N_("You may not see this page"),
        N_(
            "It lies outside your role or your unit. Go back to your home page, or ask "
            "the personnel office if you need this access."
        ),
    ),
    "outside_unit": (
        N_("Outside your unit"),
        N_("You may act only on the people of your own unit. Go back to your home page."),
    ),
    "outside_agency": (
        N_("Outside your agency"),
        N_("You may act only in your own agency. Go back to your home page."),
    ),
    "not_found": (
        N_("Page not found"),
        N_(
            "The address may be mistyped, or the record does not exist. "
            "Start again from your home page."
        ),
    ),
    "csrf": (
        N_("This form has expired"),
        N_(
            "For your safety every form is valid for one page only. Go back, reload the "
            "page and send the form again."
        ),
    ),
    "invalid_request": (
        N_("Some values are not valid"),
        N_("Go back, correct the values marked and send the form again."),
    ),
    "conflict": (
        N_("The records changed meanwhile"),
        N_("Someone changed these records at the same moment. Reload the page and try again."),
    ),
    "unavailable": (
        N_("The service is busy for a moment"),
        N_(
            "The database is busy or out of reach. Try again in a few seconds; if it "
            "lasts, tell the administrator."
        ),
    ),
    "internal_error": (
        N_("Something went wrong on our side"),
        N_(
            "The error was logged for the administrators. Try again in a moment; if it "
            "persists, tell the administrator the time and the address of the page."
        ),
    ),
    "weak_password": (
        N_("The new password is too weak"),
        N_("Use at least 10 characters, not your login name. Go back and try another."),
    ),
}

INDICATORS = {
    "criteria_mean": N_("Mean general-criteria score given"),
    "criteria_full_marks": N_("Share of general criteria at full marks"),
    "self_score_unchanged": N_("Share of self-scores confirmed unchanged"),
    "first_assessment_accepted": N_("Share of results accepted at the first assessment"),
    "late_excused": N_("Share of late results excused by an objective cause"),
    "leader_components_full": N_("Share of đ and e at 100%"),
    "excellent_candidates": N_("Share of EXCELLENT candidates by score"),
    "near_threshold": N_("EXCELLENT candidates just above 90 (90.00–90.50)"),
}

GROUP_KINDS = {"evaluator": N_("Evaluator"), "unit": N_("Unit")}
