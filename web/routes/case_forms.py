"""What the case forms share (petitions, their review, personnel decisions): one
command per form, run under the form's key, and the domain's refusal in the
words of that form — the same error code reads differently on a petition than on
a classification decision. No rule here: the handlers decide."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.datastructures import FormData

from domain import commands as c
from web.deps import Viewer
from web.i18n import N_
from web.refusals import Refusal
from web.routes import year_forms as f

# code → (message, field) as a case form shows it, before the year-end words.
WORDS: dict[str, tuple[str, str]] = {
    "appeal_window_closed": (
        N_("The time for a petition has passed: it is counted from the notification (Art. 22)."),
        "grounds",
    ),
    "same_person": (
        N_("The person who proposed a decision may not approve it: a second person approves."),
        "",
    ),
    "basis_does_not_support": (
        N_(
            "The classifications named do not support this decision (Art. 23(3)): the "
            "results it would rest on are shown above the form."
        ),
        "basis_years",
    ),
    "not_found": (N_("No such record: check the number."), ""),
}
# Per form, where its own refusals read otherwise.
PETITION_WORDS: dict[str, tuple[str, str]] = {
    "invalid_state": (
        N_(
            "A petition follows the notification of the decided result (Art. 22): there is "
            "no notified result of this year to petition against yet."
        ),
        "",
    ),
    "already_exists": (N_("This petition number is already used: choose another."), "appeal_no"),
}
RESOLUTION_WORDS: dict[str, tuple[str, str]] = {
    "invalid_state": (
        N_(
            "Not possible in the petition's present state: an amended outcome needs a "
            "correction recorded under the petition first, an upheld one none, and a "
            "resolved petition is closed."
        ),
        "",
    ),
}


@dataclass
class Sent:
    """One case form as posted: which, under which key, its values and outcome."""

    form: str
    key: str
    values: dict[str, str] = field(default_factory=dict)
    outcome: f.Outcome = field(default_factory=f.Outcome)

    @property
    def error(self) -> Refusal | None:
        return self.outcome.error()


def values_of(form: FormData) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


def send(
    who: Viewer,
    name: str,
    form: FormData,
    make: Callable[[], c.Command],
    source_ref: str | None = None,
    words: dict[str, tuple[str, str]] | None = None,
) -> Sent:
    """Run the form's one command under its key; the refusal worded for this form."""
    sent = Sent(name, f.form_key(form), values_of(form))
    f.run(who, make, sent.key, "", sent.outcome, source_ref)
    found = sent.error
    chosen = {**WORDS, **(words or {})}
    if found is not None and found.code in chosen:
        message, beside = chosen[found.code]
        sent.outcome.refused[""] = Refusal(found.code, message, beside, found.detail)
    return sent


def keys(who: Viewer, names: tuple[str, ...], sent: Sent | None) -> dict[str, str]:
    """A fresh key per form; the refused form keeps its key, to be sent again."""
    found = {name: who.form_key() for name in names}
    if sent is not None and not sent.outcome.ok:
        found[sent.form] = sent.key
    return found
