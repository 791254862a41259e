"""Command handlers: load the records a command touches, check every rule,
then trigger the events. A handler that raises has triggered nothing that
will be saved, so a rejected command writes nothing.

One module per aggregate or area; ``HANDLERS`` below is the one map from a
command class to the function that handles it.
"""

from __future__ import annotations

from domain import commands as c
from domain.handlers import (
    appeals,
    catalogue,
    deputies,
    discipline,
    evaluation,
    organisation,
    organisations_rating,
    personnel,
    policy,
    principals,
    sign_in,
    tasks,
    yearly,
)
from domain.handlers.common import Handler, Outcome, Records

__all__ = ["HANDLERS", "Handler", "Outcome", "Records"]

HANDLERS: dict[type[c.Command], Handler] = {
    # organisation
    c.RegisterAgency: organisation.register_agency,
    c.OpenUnit: organisation.open_unit,
    c.RegisterServant: organisation.register_servant,
    c.PlaceServant: organisation.place_servant,
    c.RecordLeave: organisation.record_leave,
    c.RecordLeaving: organisation.record_leaving,
    c.AssignDeputyArea: deputies.assign_deputy_area,
    # catalogue
    c.AddProduct: catalogue.add_product,
    c.ChangeFactor: catalogue.change_factor,
    c.WithdrawProduct: catalogue.withdraw_product,
    # tasks
    c.AssignTask: tasks.assign_task,
    c.ReassignTask: tasks.reassign_task,
    c.CancelTask: tasks.cancel_task,
    c.CorrectTask: tasks.correct_task,
    c.SubmitResult: tasks.submit_result,
    c.AssessResult: tasks.assess_result,
    c.AmendAssessment: tasks.amend_assessment,
    c.ConfirmObjectiveCause: tasks.confirm_objective_cause,
    c.RecordDelay: tasks.record_delay,
    # evaluation
    c.SelfScoreCriteria: evaluation.self_score_criteria,
    c.ScoreCriteria: evaluation.score_criteria,
    c.ScoreLeaderComponent: evaluation.score_leader_component,
    # discipline
    c.RecordDiscipline: discipline.record_discipline,
    c.AnnulDiscipline: discipline.annul_discipline,
    c.RecordConclusion: discipline.record_conclusion,
    c.WithdrawConclusion: discipline.withdraw_conclusion,
    # yearly
    c.DecideOrganisationLevel: yearly.decide_organisation_level,
    # organisations rated under Chapter II
    c.RecordPlanTask: organisations_rating.record_plan_task,
    c.SelfAssessOrganisation: organisations_rating.self_assess_organisation,
    c.AssessOrganisation: organisations_rating.assess_organisation,
    c.DecideForceMajeure: organisations_rating.decide_force_majeure,
    c.DecideOrganisationRating: organisations_rating.decide_organisation_rating,
    c.GrantOrganisationQuotaRatio: organisations_rating.grant_organisation_quota_ratio,
    c.OpenOrganisationVerification: organisations_rating.open_organisation_verification,
    c.CloseOrganisationVerification: organisations_rating.close_organisation_verification,
    c.NotifyOrganisationRating: organisations_rating.notify_organisation_rating,
    c.AdoptOrganisationCriteria: organisations_rating.adopt_organisation_criteria,
    c.GrantQuotaRatio: yearly.grant_quota_ratio,
    c.DecideQuotaTie: yearly.decide_quota_tie,
    c.ProposeClassification: yearly.propose_classification,
    c.DecideClassification: yearly.decide_classification,
    c.PublishResults: yearly.publish_results,
    c.PublishOrganisationResults: yearly.publish_organisation_results,
    # policy
    c.AdoptPolicyVariant: policy.adopt_policy_variant,
    # principals
    c.RegisterPrincipal: principals.register_principal,
    c.GrantRole: principals.grant_role,
    c.IssueToken: principals.issue_token,
    c.RevokeToken: principals.revoke_token,
    c.DisablePrincipal: principals.disable_principal,
    # passwords and sign-ins
    c.SetPassword: sign_in.set_password,
    c.ChangePassword: sign_in.change_password,
    c.SignIn: sign_in.sign_in,
    c.RecordFailedSignIn: sign_in.record_failed_sign_in,
    c.SignOut: sign_in.sign_out,
    # appeals
    c.NotifyResult: appeals.notify_result,
    c.FileAppeal: appeals.file_appeal,
    c.AssignAppealReviewer: appeals.assign_appeal_reviewer,
    c.ResolveAppeal: appeals.resolve_appeal,
    # personnel
    c.ProposeDecision: personnel.propose_decision,
    c.ApproveDecision: personnel.approve_decision,
    c.ExecuteDecision: personnel.execute_decision,
    c.ReviewDecision: personnel.review_decision,
}
