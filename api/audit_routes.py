"""Audit endpoints: explanations, publications and their reproduction, evidence
bundles, and the ledger's checkpoints and proofs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from api import reads, reads_year
from api.auth import Caller
from api.deps import CallerDep, ScopeDep, Services, ServicesDep
from api.params import CodePath
from api.publishing import draft_now, reproduce_publication
from domain.actors import Role
from domain.agency import Publication
from domain.errors import NotAuthorised, NotFound
from projections.explain import render
from projections.merkle import ProofError
from projections.publication import SERVANTS, Draft, Kind
from projections.publication import Reproduction as Recomputed

router = APIRouter(tags=["audit"])

AsOfPosition = Annotated[int | None, Query(ge=0, description="As the log stood at this position")]
AsOfTime = Annotated[
    datetime | None, Query(description="As the log stood at this moment (ISO 8601)")
]
Language = Annotated[Literal["vi", "en"], Query(description="Language of the readable text")]
AgencyCode = CodePath
YearPath = Annotated[int, Path(ge=2000, le=2100)]


class Explanation(BaseModel):
    subject: dict[str, Any]
    as_of: dict[str, int]
    policy: dict[str, Any]
    result: dict[str, Any] | None
    sections: list[dict[str, Any]]
    inputs: list[dict[str, Any]] = Field(description="Every event the result rests on")
    findings: list[dict[str, Any]] = Field(
        default_factory=list,
        description="The facts that decided an annual classification, each with its article",
    )
    text: str = Field(description="The same, readable, in the requested language")


@router.get("/servants/{code}/years/{year}/explanation", response_model=Explanation)
def explain_year(
    code: CodePath,
    year: YearPath,
    svc: ServicesDep,
    scope: ScopeDep,
    lang: Language = "vi",
    as_of_position: AsOfPosition = None,
    as_of_time: AsOfTime = None,
) -> Explanation:
    """Every step of arithmetic behind an annual classification, and its events."""
    document = reads_year.year_explanation(svc, scope, code, year, as_of_position, as_of_time)
    return Explanation(**document, text=render(document, lang))


@router.get("/servants/{code}/periods/{period}/explanation", response_model=Explanation)
def explain_period(
    code: CodePath,
    period: Annotated[str, Path(pattern=r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$")],
    svc: ServicesDep,
    scope: ScopeDep,
    lang: Language = "vi",
    as_of_position: AsOfPosition = None,
    as_of_time: AsOfTime = None,
) -> Explanation:
    """Every step behind one period result."""
    document = reads_year.period_explanation(svc, scope, code, period, as_of_position, as_of_time)
    return Explanation(**document, text=render(document, lang))


class PublishRequest(BaseModel):
    notice: str = Field(min_length=1, max_length=300, description="The notice that publishes")


class PublicationOut(BaseModel):
    number: int
    year: int
    position: int
    policy_id: str
    policy_version: int
    digest: str
    rows: int

    @classmethod
    def of(cls, number: int, year: int, table: Draft | Publication) -> PublicationOut:
        """A publication (or the draft just published) as the API shows it."""
        return cls(
            number=number,
            year=year,
            position=table.position,
            policy_id=table.policy_id,
            policy_version=table.policy_version,
            digest=table.digest,
            rows=len(table.rows),
        )


@router.post("/agencies/{agency}/years/{year}/publications", response_model=PublicationOut)
def publish(
    agency: AgencyCode, year: YearPath, body: PublishRequest, svc: ServicesDep, who: CallerDep
) -> PublicationOut:
    """Publish the agency's annual results as they stand (HR or the authority)."""
    return publish_table(svc, who, agency, year, body, SERVANTS)


def publish_table(
    svc: Services, who: Caller, agency: str, year: int, body: PublishRequest, kind: Kind
) -> PublicationOut:
    """The table of ``kind`` as it stands, published under the notice (HR or the
    authority): the API's routes for servants' and organisations' results."""
    if who.role not in (Role.HR, Role.AUTHORITY):
        raise NotAuthorised("HR or the competent authority publishes results")
    table = draft_now(svc, agency, year, kind)
    result = svc.app.execute(table.command(), who.context(body.notice))
    return PublicationOut.of(int(result.result["publication"]), year, table)


@router.get("/agencies/{agency}/years/{year}/publications", response_model=list[PublicationOut])
def publications(
    agency: AgencyCode, year: YearPath, svc: ServicesDep, scope: ScopeDep
) -> list[PublicationOut]:
    """Every publication of an agency's results for a year."""
    found = reads.publications(svc, scope, agency, year)
    return [PublicationOut.of(p.number, p.year, p) for p in found]


class Reproduction(BaseModel):
    number: int
    position: int
    published_digest: str
    recomputed_digest: str
    matches: bool
    missing: list[str]
    extra: list[str]
    differences: list[dict[str, str | None]]
    problems: list[str] = Field(description="Claims besides the rows' values that do not hold")

    @classmethod
    def of(cls, outcome: Recomputed) -> Reproduction:
        about = outcome.kind.key.removesuffix("_code")  # "servant", "organisation"
        return cls(
            number=outcome.publication.number,
            position=outcome.publication.position,
            published_digest=outcome.publication.digest,
            recomputed_digest=outcome.digest,
            matches=outcome.matches,
            missing=outcome.missing,
            extra=outcome.extra,
            differences=[
                {about: s, "column": c, "published": p, "recomputed": r}
                for s, c, p, r in outcome.differences
            ],
            problems=outcome.problems,
        )


@router.get(
    "/agencies/{agency}/years/{year}/publications/{number}/reproduction",
    response_model=Reproduction,
)
def reproduction(
    agency: AgencyCode,
    year: YearPath,
    number: Annotated[int, Path(ge=1)],
    svc: ServicesDep,
    scope: ScopeDep,
) -> Reproduction:
    """Recompute a publication from the events up to its position; compare row by row."""
    reads.unit_in_scope(scope, agency, None)
    return Reproduction.of(reproduce_publication(svc, agency, year, number, SERVANTS))


@router.get("/servants/{code}/years/{year}/evidence")
def evidence(code: CodePath, year: YearPath, svc: ServicesDep, scope: ScopeDep) -> dict[str, Any]:
    """One file: the explanation, its events, their inclusion proofs and the signed
    checkpoint. Check it offline with `minhbach verify-bundle FILE --public-key KEY`."""
    return reads_year.evidence_bundle(svc, scope, code, year)


class CheckpointOut(BaseModel):
    seq: int
    size: int
    root_hash: str
    signed_at: str
    key_id: str
    signature: str


@router.get("/ledger/checkpoints", response_model=list[CheckpointOut])
def checkpoints(svc: ServicesDep, who: CallerDep) -> list[CheckpointOut]:
    """Every signed checkpoint, oldest first: keep copies outside the database."""
    return [CheckpointOut(**c.as_dict()) for c in svc.views.ledger.checkpoints()]


class InclusionProof(BaseModel):
    position: int
    leaf_index: int
    leaf_hash: str
    tree_size: int
    root_hash: str
    proof: list[str]


@router.get("/ledger/proofs/inclusion", response_model=InclusionProof)
def inclusion_proof(
    svc: ServicesDep,
    who: CallerDep,
    position: Annotated[int, Query(ge=1)],
    size: Annotated[int | None, Query(ge=1, description="Tree size (default: latest)")] = None,
) -> InclusionProof:
    """RFC 6962 inclusion proof of one event in the tree of ``size`` leaves."""
    ledger = svc.views.ledger
    with svc.views.locked():  # the follower appends to the same tree
        tree_size = size or len(ledger.tree)
        try:
            index, proof = ledger.inclusion(position, tree_size)
        except (KeyError, ProofError) as error:
            raise NotFound(str(error).strip("'\"")) from None
        leaf, root = ledger.tree.leaf(index), ledger.tree.root(tree_size)
    return InclusionProof(
        position=position,
        leaf_index=index,
        leaf_hash=leaf.hex(),
        tree_size=tree_size,
        root_hash=root.hex(),
        proof=[h.hex() for h in proof],
    )


class ConsistencyProof(BaseModel):
    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str]


@router.get("/ledger/proofs/consistency", response_model=ConsistencyProof)
def consistency_proof(
    svc: ServicesDep,
    who: CallerDep,
    first: Annotated[int, Query(ge=1)],
    second: Annotated[int, Query(ge=1)],
) -> ConsistencyProof:
    """RFC 6962 consistency proof that the tree of ``first`` leaves is a prefix of
    the tree of ``second``."""
    tree = svc.views.ledger.tree
    with svc.views.locked():  # the follower appends to the same tree
        try:
            proof = tree.consistency_proof(first, second)
            roots = tree.root(first), tree.root(second)
        except ProofError as error:
            raise NotFound(str(error)) from None
    return ConsistencyProof(
        first=first,
        second=second,
        first_root=roots[0].hex(),
        second_root=roots[1].hex(),
        proof=[h.hex() for h in proof],
    )
