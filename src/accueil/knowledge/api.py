"""JSON API of the knowledge base under /api/v1/kb: articles, versions, workflow, answers, feedback, import."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query
from starlette.responses import PlainTextResponse, Response

from accueil.core.errors import Conflict
from accueil.knowledge import feedback, history, integration, queues, service, workflow
from accueil.knowledge.deps import (
    EditorialActor,
    ParametersDep,
    ReaderActor,
    SuggesterDep,
    ValidatorActor,
    WriterActor,
)
from accueil.knowledge.presenters import article_detail, article_out, hit_dict
from accueil.knowledge.schemas import (
    ArchiveIn,
    ArticleDetail,
    ArticleOut,
    CommentIn,
    DiffBlockOut,
    DiffOut,
    FeedbackIn,
    FeedbackOut,
    ImportIn,
    ProposalOut,
    ProposeIn,
    QueueItemOut,
    RenderIn,
    RenderOut,
    ResolveIn,
    SimilarOut,
    VersionOut,
)
from accueil.knowledge.yamlio import parse_import, to_markdown, to_yaml
from accueil.web.deps import SessionDep, csrf_protect

router = APIRouter(prefix="/api/v1/kb", tags=["base de connaissances"], dependencies=[Depends(csrf_protect)])
DocumentBody = Annotated[dict[str, Any], Body(description="Article au format de docs/kb-format.md (JSON)")]
STATUS = "^(draft|in_review|published|archived)$"
KIND = "^(procedure|faq|guide|actualite)$"


@router.get("/articles", response_model=list[ArticleOut])
def list_articles(
    session: SessionDep,
    actor: ReaderActor,
    kind: Annotated[str | None, Query(pattern=KIND)] = None,
    public: Annotated[str | None, Query(max_length=8)] = None,
    intent: Annotated[str | None, Query(max_length=80)] = None,
    status: Annotated[str | None, Query(pattern=STATUS)] = None,
    owner: Annotated[str | None, Query(max_length=60)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Any:
    rows = service.list_articles(
        session, actor, kind=kind, public=public, intent=intent, status=status, owner=owner, query=q
    )
    codes = service.organisation_codes(session)
    return [article_out(row.article, row.version, codes) for row in rows]


@router.get("/articles/{slug}", response_model=ArticleDetail)
def get_article(
    slug: str, session: SessionDep, actor: ReaderActor, version: Annotated[int | None, Query(ge=1)] = None
) -> Any:
    article = service.get_article(session, slug)
    shown = service.readable_version(article, actor, version)
    return article_detail(article, shown, service.organisation_codes(session))


@router.get("/articles/{slug}/versions", response_model=list[VersionOut])
def list_versions(slug: str, session: SessionDep, actor: EditorialActor) -> Any:
    return service.versions_of(session, slug, actor=actor)


@router.get("/articles/{slug}/diff", response_model=DiffOut)
def diff(
    slug: str,
    session: SessionDep,
    actor: EditorialActor,
    from_version: Annotated[int, Query(alias="from", ge=1)],
    to_version: Annotated[int, Query(alias="to", ge=1)],
) -> Any:
    blocks = history.diff_versions(session, slug, from_version, to_version, actor=actor)
    return DiffOut(
        slug=slug,
        from_version=from_version,
        to_version=to_version,
        blocks=[DiffBlockOut(key=b.key, label=b.label, changed=b.changed, unified=b.unified) for b in blocks],
    )


@router.get("/articles/{slug}/export", response_class=PlainTextResponse)
def export(
    slug: str,
    session: SessionDep,
    actor: ReaderActor,
    format: Literal["yaml", "markdown"] = "yaml",
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    doc = service.document_of(service.readable_version(service.get_article(session, slug), actor, version))
    if format == "markdown":
        return PlainTextResponse(to_markdown(doc), media_type="text/markdown; charset=utf-8")
    return PlainTextResponse(to_yaml(doc), media_type="application/yaml; charset=utf-8")


@router.post("/articles", response_model=ArticleDetail, status_code=201)
def create_article(
    body: DocumentBody,
    session: SessionDep,
    actor: WriterActor,
    parameters: ParametersDep,
    ignore_duplicates: bool = False,
    note: Annotated[str, Query(max_length=2000)] = "",
) -> Any:
    """Crée un article (brouillon v1). Refusé (409) s'il ressemble à un article existant, sauf `ignore_duplicates`."""
    if not ignore_duplicates:
        text = f"{body.get('title', '')}\n{body.get('summary', '')}\n{(body.get('blocks') or {}).get('context', '')}"
        duplicates = integration.find_duplicates(session, text)
        if duplicates:
            raise Conflict(
                "Des articles proches existent déjà : vérifiez qu'il ne s'agit pas d'un doublon "
                "(ou confirmez avec ignore_duplicates=true).",
                details=[hit_dict(hit) for hit in duplicates],
            )
    version = service.create_article(session, body, actor=actor, parameters=parameters, note=note)
    return article_detail(version.article, version, service.organisation_codes(session))


@router.post("/articles/{slug}/draft", response_model=VersionOut)
def start_draft(slug: str, session: SessionDep, actor: WriterActor) -> Any:
    """Le brouillon en cours de l'article, ou un nouveau brouillon copié de la dernière version."""
    return service.draft_for_edit(session, slug, actor=actor)


@router.put("/versions/{version_id}", response_model=VersionOut)
def update_draft(
    version_id: int,
    body: DocumentBody,
    session: SessionDep,
    actor: WriterActor,
    parameters: ParametersDep,
    note: Annotated[str | None, Query(max_length=2000)] = None,
) -> Any:
    return service.update_draft(session, version_id, body, actor=actor, parameters=parameters, note=note)


@router.post("/versions/{version_id}/submit", response_model=VersionOut)
def submit(version_id: int, session: SessionDep, actor: WriterActor, parameters: ParametersDep) -> Any:
    return workflow.submit(session, version_id, actor=actor, parameters=parameters)


@router.post("/versions/{version_id}/validate", response_model=VersionOut)
def validate(
    version_id: int,
    session: SessionDep,
    actor: ValidatorActor,
    parameters: ParametersDep,
    body: CommentIn | None = None,
) -> Any:
    comment = body.comment if body else ""
    return workflow.validate(session, version_id, actor=actor, parameters=parameters, comment=comment)


@router.post("/versions/{version_id}/send-back", response_model=VersionOut)
def send_back(version_id: int, body: CommentIn, session: SessionDep, actor: ValidatorActor) -> Any:
    return workflow.send_back(session, version_id, actor=actor, comment=body.comment)


@router.post("/versions/{version_id}/abandon", response_model=VersionOut)
def abandon(version_id: int, session: SessionDep, actor: WriterActor) -> Any:
    return workflow.abandon(session, version_id, actor=actor)


@router.post("/articles/{slug}/archive", response_model=VersionOut)
def archive(
    slug: str, session: SessionDep, actor: ValidatorActor, parameters: ParametersDep, body: ArchiveIn | None = None
) -> Any:
    return workflow.archive(session, slug, actor=actor, parameters=parameters, reason=body.reason if body else "")


@router.post("/articles/{slug}/restore/{number}", response_model=VersionOut)
def restore(slug: str, number: int, session: SessionDep, actor: WriterActor) -> Any:
    return workflow.restore(session, slug, number, actor=actor)


@router.post("/articles/{slug}/answers/{answer_id}/render", response_model=RenderOut)
def render_answer(
    slug: str, answer_id: str, body: RenderIn, session: SessionDep, actor: ReaderActor, parameters: ParametersDep
) -> Any:
    """Remplit une réponse type : valeurs typées -> texte par canal (422 si variable inconnue ou manquante)."""
    channels = service.render_answer(
        session,
        slug,
        answer_id,
        body.values,
        actor=actor,
        parameters=parameters,
        channel=body.channel,
        number=body.version,
    )
    return RenderOut(slug=slug, answer_id=answer_id, channels=channels)


@router.post("/articles/{slug}/feedback", response_model=FeedbackOut, status_code=201)
def report_error(slug: str, body: FeedbackIn, session: SessionDep, actor: ReaderActor) -> Any:
    return feedback.report_error(session, slug, message=body.message, actor=actor)


@router.get("/feedback", response_model=list[FeedbackOut])
def list_feedback(
    session: SessionDep,
    actor: EditorialActor,
    status: Annotated[str | None, Query(pattern="^(open|resolved)$")] = "open",
) -> Any:
    return feedback.list_feedback(session, actor, status=status)


@router.post("/feedback/{feedback_id}/resolve", response_model=FeedbackOut)
def resolve_feedback(feedback_id: int, body: ResolveIn, session: SessionDep, actor: EditorialActor) -> Any:
    return feedback.resolve_feedback(session, feedback_id, actor=actor, resolution=body.resolution)


@router.get("/queue", response_model=list[QueueItemOut])
def review_queue(session: SessionDep, actor: ValidatorActor) -> Any:
    return [
        QueueItemOut(
            slug=item.version.article.slug,
            version_id=item.version.id,
            number=item.version.number,
            title=item.version.title,
            submitted_at=item.version.submitted_at,
            can_validate=item.can_validate,
        )
        for item in queues.review_queue(session, actor)
    ]


@router.get("/expiring", response_model=list[ArticleOut])
def expiring(session: SessionDep, actor: EditorialActor, days: Annotated[int, Query(ge=0, le=3650)] = 30) -> Any:
    codes = service.organisation_codes(session)
    return [article_out(v.article, v, codes) for v in queues.expiring(session, actor, days=days)]


@router.post("/import", response_model=VersionOut, status_code=201)
def import_article(body: ImportIn, session: SessionDep, actor: WriterActor, parameters: ParametersDep) -> Any:
    """Importe un article YAML ou Markdown : nouvel article, ou nouveau brouillon de l'article existant."""
    data = parse_import(body.text, filename=body.filename)
    return service.save_document(session, data, actor=actor, parameters=parameters, note=body.note)


@router.post("/drafting/propose", response_model=ProposalOut)
def propose(
    body: ProposeIn, session: SessionDep, actor: WriterActor, parameters: ParametersDep, suggester: SuggesterDep
) -> Any:
    """Propose un brouillon (titre, contexte, étapes, réponses types, publics, intentions) à partir d'un texte."""
    proposal = integration.propose_draft(
        session,
        actor=actor,
        parameters=parameters,
        text=body.text,
        document_id=body.document_id,
        suggest_intents=suggester,
    )
    return ProposalOut(
        document=proposal.document,
        publics_found=dict(proposal.publics_found),
        intents_found=[{"intent": i, "score": round(s, 4)} for i, s in proposal.intents_found],
        notes=proposal.notes,
        duplicates=[SimilarOut(**hit_dict(hit)) for hit in proposal.duplicates],
    )
