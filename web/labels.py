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

# An organisation's year of rating (Chapter II): its status, the steps of its level
# and its place in the quota of the recognising authority's scope.
ORGANISATION_STATUSES = {
    "not_assessed": N_("Not assessed by the recognising authority yet"),
    "ready": N_("Ready for the decision"),
    "awaiting_subordinates": N_("Waiting for the organisations under it (Art. 9(1))"),
    "verification_open": N_("Verification open: no decision until it closes (Art. 9(2)(a))"),
    "decided": N_("Decided"),
}

ORGANISATION_STEPS = {
    "points": N_("Total points: general criteria (≤ 30) + task criteria (≤ 70)"),
    "plan": N_("Work plan: completed, on time, exceeded, behind schedule"),
    "force_majeure": N_("Tasks excused for force majeure"),
    "fail_violation": N_("Concluded violation: FAIL"),
    "fail_plan": N_("Under seven tenths of the plan completed: FAIL"),
    "fail_points": N_("Under 50 points: FAIL"),
    "conditions_excellent": N_("Conditions of excellent completion"),
    "conditions_good": N_("Conditions of good completion"),
    "conditions_complete": N_("Conditions of completion"),
    "conditions_none": N_("No level's conditions met: FAIL"),
    "quota_limit": N_("EXCELLENT allowed: a ratio (0.20, up to 0.25) of those rated GOOD"),
    "organisation_quota": N_("EXCELLENT organisations, ranked by points"),
    "timing": N_("When the level was decided"),
}

RATING_TIMINGS = {
    "on_time": N_("before 15 December"),
    "special_case": N_("special case: before 15 January of the next year"),
    "late": N_("after the deadline"),
}

QUOTA_PLACES = {
    "excellent": N_("Within the limit"),
    "good": N_("Beyond the limit: GOOD"),
    "pending": N_("Tied across the limit: the authority chooses, with a reason"),
}

VERIFICATION_KINDS = {
    "complaint": N_("Complaint, denunciation or report"),
    "disunity": N_("Sign of internal disunity"),
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

APPEAL_STATUSES = {
    "open": N_("Open"),
    "upheld": N_("Upheld"),
    "amended": N_("Amended"),
}

DECISION_KINDS = {
    "lower_position": N_("Appointment to a lower position"),
    "dismissal": N_("Dismissal"),
    "higher_position": N_("Appointment to a higher position"),
    "commendation": N_("Commendation"),
}

DECISION_STATUSES = {
    "proposed": N_("Proposed"),
    "approved": N_("Approved"),
    "executed": N_("Executed"),
    "revoked": N_("Revoked"),
}

DOCUMENT_KINDS = {
    "form-01": N_("Form 01: monitoring and assessment sheet"),
    "form-02": N_("Form 02: quality classification sheet"),
    "summary": N_("Summary of the year"),
}

# A receipt checked against the log (forms/verification.py).
RECEIPT_VERDICTS = {
    "valid": N_("MATCHES: the document shows the signed records, unchanged since"),
    "changed": N_("MATCHES as of its position, but the records have changed since"),
    "refused": N_("DOES NOT MATCH: the receipt or the document was altered"),
    "tampered": N_("TAMPERED: the stored log was rewritten below the receipt's position"),
    "unproven": N_("NOT PROVEN: no signed checkpoint covers it"),
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
    "too_large": (
        N_("What was sent is too large"),
        N_(
            "A form may send at most 1 MiB (an Excel workbook to import: 512 KiB). Go "
            "back and send a smaller file."
        ),
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

# The events behind a result, by their type (the log's topic).
EVENT_TYPES = {
    "minhbach.agency:Registered": N_("Agency registered"),
    "minhbach.agency:UnitOpened": N_("Unit opened"),
    "minhbach.agency:OrganisationLevelDecided": N_("Organisation's level decided"),
    "minhbach.agency:QuotaRatioGranted": N_("Higher quota ratio granted"),
    "minhbach.agency:QuotaTieDecided": N_("Tie at the quota limit decided"),
    "minhbach.agency:PolicyVariantAdopted": N_("Policy variant adopted"),
    "minhbach.servant:Registered": N_("Civil servant registered"),
    "minhbach.servant:Placed": N_("Placed in a unit"),
    "minhbach.servant:LeaveRecorded": N_("Leave recorded"),
    "minhbach.servant:Left": N_("Left the agency"),
    "minhbach.task:Assigned": N_("Task assigned"),
    "minhbach.task:Reassigned": N_("Task reassigned"),
    "minhbach.task:ResultSubmitted": N_("Result submitted"),
    "minhbach.task:Assessed": N_("Result assessed"),
    "minhbach.task:AssessmentAmended": N_("Assessment amended"),
    "minhbach.task:ObjectiveCauseConfirmed": N_("Objective cause confirmed"),
    "minhbach.task:DelayRecorded": N_("Delay recorded"),
    "minhbach.evaluation:Opened": N_("Period evaluation opened"),
    "minhbach.evaluation:CriteriaSelfScored": N_("Self-scored general criteria"),
    "minhbach.evaluation:CriteriaScored": N_("General criteria scored"),
    "minhbach.evaluation:LeaderComponentScored": N_("Leader's component scored"),
    "minhbach.discipline:Recorded": N_("Discipline decision recorded"),
    "minhbach.discipline:Annulled": N_("Discipline decision annulled"),
    "minhbach.discipline:ConclusionRecorded": N_("Competent conclusion recorded"),
    "minhbach.discipline:ConclusionWithdrawn": N_("Competent conclusion withdrawn"),
    "minhbach.classification:Opened": N_("Classification opened"),
    "minhbach.classification:Proposed": N_("Level proposed"),
    "minhbach.classification:Decided": N_("Level decided"),
    "minhbach.classification:Notified": N_("Result notified"),
    "minhbach.appeal:Filed": N_("Appeal filed"),
    "minhbach.appeal:ReviewerAssigned": N_("Appeal reviewer assigned"),
    "minhbach.appeal:CorrectionRecorded": N_("Correction recorded on appeal"),
    "minhbach.appeal:Resolved": N_("Appeal resolved"),
    "minhbach.agency:OrganisationQuotaRatioGranted": N_(
        "Higher quota ratio for organisations granted"
    ),
    "minhbach.agency:ResultsPublished": N_("Results published"),
    "minhbach.agency:OrganisationResultsPublished": N_("Organisations' results published"),
    "minhbach.servant:DeputyAreaAssigned": N_("Deputy's area assigned"),
    "minhbach.catalogue:Opened": N_("Catalogue opened"),
    "minhbach.catalogue:ProductAdded": N_("Product added to the catalogue"),
    "minhbach.catalogue:FactorChanged": N_("Product's factor changed"),
    "minhbach.catalogue:ProductWithdrawn": N_("Product withdrawn"),
    "minhbach.task:Cancelled": N_("Task cancelled"),
    "minhbach.task:Corrected": N_("Task corrected"),
    "minhbach.quota_pool:Opened": N_("Quota pool opened"),
    "minhbach.quota_pool:DecisionCounted": N_("Decision counted in the quota pool"),
    "minhbach.organisation_year:Opened": N_("Organisation's year opened"),
    "minhbach.organisation_year:PlanTaskRecorded": N_("Work plan task recorded"),
    "minhbach.organisation_year:SelfAssessed": N_("Organisation's self-assessment"),
    "minhbach.organisation_year:Assessed": N_("Organisation assessed"),
    "minhbach.organisation_year:ForceMajeureDecided": N_("Force majeure decided"),
    "minhbach.organisation_year:LevelDecided": N_("Organisation's level decided"),
    "minhbach.organisation_year:VerificationOpened": N_("Verification opened before the rating"),
    "minhbach.organisation_year:VerificationClosed": N_("Verification closed"),
    "minhbach.organisation_year:RatingNotified": N_("Organisation's result notified"),
    "minhbach.agency:RatedAgencyJoined": N_("Managed agency's year of rating opened"),
    "minhbach.agency:OrganisationCriteriaAdopted": N_("Criteria of organisations adopted"),
    "minhbach.organisation_year:CriteriaScored": N_("Organisation scored criterion by criterion"),
    "minhbach.personnel:Proposed": N_("Personnel decision proposed"),
    "minhbach.personnel:Approved": N_("Personnel decision approved"),
    "minhbach.personnel:Executed": N_("Personnel decision executed"),
    "minhbach.personnel:Reviewed": N_("Personnel decision reviewed"),
}

DISCIPLINE_FORMS = {
    "reprimand": N_("reprimand"),
    "warning": N_("warning"),
    "salary_step_reduction": N_("salary step reduction"),
    "demotion": N_("demotion"),
    "removal_from_office": N_("removal from office"),
    "forced_dismissal": N_("forced dismissal"),
}

# The result's fields, as the "what changed since" table names them.
RESULT_FIELDS = {
    "annual_score": N_("Annual score"),
    "level_by_score": N_("Level by score"),
    "status": N_("Status"),
    "reason": N_("Reason"),
    "proposed_level": N_("Proposed level"),
    "quota_rank": N_("Rank in the quota group"),
    "quota_limit": N_("EXCELLENT limit of the group"),
    "decided_level": N_("Decided level"),
    "decision_no": N_("Decision number"),
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
