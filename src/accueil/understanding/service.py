"""The learning loop: record misunderstood messages, annotate them, retrain, compare, activate. Audited."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accueil.core.clock import utcnow
from accueil.core.errors import Conflict, InvalidInput, NotFound
from accueil.core.pii import mask_pii
from accueil.identity import audit
from accueil.identity.access import Actor
from accueil.referential.taxonomy import load_taxonomy
from accueil.understanding import artifact
from accueil.understanding.artifact import ModelFileError
from accueil.understanding.choices import InboxStatus, MisunderstoodReason, VersionStatus
from accueil.understanding.classifier import LinearModel, TrainingOptions
from accueil.understanding.dataset import OUT_OF_SCOPE, Example
from accueil.understanding.embeddings import EncoderUnavailable
from accueil.understanding.engine import MAX_CHARS, coerce_text
from accueil.understanding.entities import extract_entities, mask_sensitive
from accueil.understanding.evaluation import Evaluation
from accueil.understanding.models import MisunderstoodUtterance, ModelVersion, TrainingExample
from accueil.understanding.normalizer import canonical_key
from accueil.understanding.registry import ModelRegistry
from accueil.understanding.training import build_model, evaluate_model, test_split

DEFAULT_MAX_ACCURACY_DROP = 0.01


def safe_text(raw: object) -> str:
    """Text fit for storage: cut at MAX_CHARS, NIR and IBAN masked (twice: our extractor, then core.pii)."""
    text = coerce_text(raw)[:MAX_CHARS]
    return mask_pii(mask_sensitive(text, extract_entities(text)))


def record_misunderstood(
    session: Session,
    *,
    text: str,
    channel: str,
    public_code: str | None,
    reason: str,
    conversation_id: int | None = None,
    nlu: dict[str, Any] | None = None,
) -> MisunderstoodUtterance:
    """Put a message the bots did not understand in the formateurs' inbox."""
    if reason not in MisunderstoodReason.__members__.values():
        raise InvalidInput(f"Motif inconnu : {reason}.")
    stored_nlu = dict(nlu) if nlu else None
    if stored_nlu is not None and "text" in stored_nlu:
        stored_nlu["text"] = safe_text(stored_nlu["text"])
    ranking = (stored_nlu or {}).get("ranking") or []
    item = MisunderstoodUtterance(
        text=safe_text(text),
        channel=channel[:16],
        public_code=public_code[:8] if public_code else None,
        reason=reason,
        conversation_id=conversation_id,
        predicted_intent=(stored_nlu or {}).get("intent") or (ranking[0]["intent"] if ranking else None),
        confidence=(stored_nlu or {}).get("confidence"),
        nlu=stored_nlu,
        status=InboxStatus.TO_REVIEW,
    )
    session.add(item)
    session.flush()
    return item


@dataclass(frozen=True, slots=True)
class InboxFilter:
    status: str | None = InboxStatus.TO_REVIEW
    channel: str | None = None
    public_code: str | None = None
    reason: str | None = None


def list_misunderstood(
    session: Session, flt: InboxFilter, *, limit: int = 50, offset: int = 0
) -> tuple[Sequence[MisunderstoodUtterance], int]:
    query = select(MisunderstoodUtterance)
    if flt.status:
        query = query.where(MisunderstoodUtterance.status == flt.status)
    if flt.channel:
        query = query.where(MisunderstoodUtterance.channel == flt.channel)
    if flt.public_code:
        query = query.where(MisunderstoodUtterance.public_code == flt.public_code)
    if flt.reason:
        query = query.where(MisunderstoodUtterance.reason == flt.reason)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(MisunderstoodUtterance.id.desc()).limit(limit).offset(offset)).all()
    return rows, total


def annotate_misunderstood(
    session: Session, item_id: int, *, actor: Actor, resolution: str, intent: str | None = None
) -> MisunderstoodUtterance:
    """Resolve one message: an intent (becomes a training example), out of scope (example of hors_sujet),
    a new need (no example: the taxonomy must change first) or ignored."""
    item = session.get(MisunderstoodUtterance, item_id)
    if item is None:
        raise NotFound("message")
    if resolution not in InboxStatus.__members__.values() or resolution == InboxStatus.TO_REVIEW:
        raise InvalidInput("Choisissez une décision : intention, nouveau besoin, hors périmètre ou ignorer.")
    if resolution == InboxStatus.ANNOTATED:
        if not intent or intent not in load_taxonomy().intents:
            raise InvalidInput("Intention inconnue : choisissez une intention du catalogue.")
    else:
        intent = OUT_OF_SCOPE if resolution == InboxStatus.OUT_OF_SCOPE else None
    _drop_examples_of(session, item.id)
    if intent is not None:
        add_example(session, text=item.text, intent=intent, actor=actor, misunderstood_id=item.id)
    item.status, item.resolved_intent = resolution, intent
    item.annotated_by_id, item.annotated_at = actor.user_id or None, utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="nlu.utterance_annotated",
        object_type="nlu_misunderstood",
        object_id=item.id,
        summary=f"Message n° {item.id} : {InboxStatus(resolution).label}" + (f" ({intent})" if intent else ""),
        details={"resolution": resolution, "intent": intent},
    )
    return item


def _drop_examples_of(session: Session, item_id: int) -> None:
    for example in session.scalars(select(TrainingExample).where(TrainingExample.misunderstood_id == item_id)):
        session.delete(example)
    session.flush()


def add_example(
    session: Session,
    *,
    text: str,
    intent: str,
    actor: Actor | None,
    misunderstood_id: int | None = None,
    source: str = "inbox",
) -> TrainingExample:
    """Add (or re-label) one training example; the same canonical sentence exists only once."""
    if intent not in load_taxonomy().intents:
        raise InvalidInput(f"Intention inconnue : {intent}.")
    clean = safe_text(text).strip()
    if not canonical_key(clean):
        raise InvalidInput("Exemple vide.")
    key = hashlib.sha1(canonical_key(clean).encode("utf-8")).hexdigest()
    example = session.scalar(select(TrainingExample).where(TrainingExample.text_key == key))
    if example is None:
        example = TrainingExample(
            text=clean,
            text_key=key,
            intent=intent,
            source=source,
            misunderstood_id=misunderstood_id,
            created_by_id=actor.user_id if actor and actor.user_id else None,
        )
        session.add(example)
    else:
        example.intent, example.misunderstood_id = intent, misunderstood_id or example.misunderstood_id
    session.flush()
    return example


def added_examples(session: Session) -> list[Example]:
    rows = session.scalars(select(TrainingExample).order_by(TrainingExample.id))
    return [Example(text=row.text, intent=row.intent, source=row.source) for row in rows]


def list_versions(session: Session) -> Sequence[ModelVersion]:
    return session.scalars(select(ModelVersion).order_by(ModelVersion.id.desc())).all()


def _summary(evaluation: Evaluation) -> dict[str, Any]:
    return {k: v for k, v in evaluation.as_dict().items() if k != "per_intent"}


def train_candidate(
    session: Session,
    registry: ModelRegistry,
    *,
    actor: Actor | None,
    source: str = "formation",
    options: TrainingOptions | None = None,
) -> ModelVersion:
    """Train on packaged + annotated examples, save the files, and compare with the active model
    on the same fixed test split (before/after)."""
    added = added_examples(session)
    try:
        model, evaluation = build_model(added, source=source, options=options)
    except EncoderUnavailable as exc:
        raise Conflict(f"Entraînement impossible : {exc}") from exc
    folder = artifact.save(model, registry.root)
    manifest = artifact.read_manifest(folder)
    baseline_version, baseline = registry.active_version(), None
    if baseline_version:
        try:
            baseline = _summary(evaluate_model(registry.load(baseline_version), test_split(added)))
        except (ModelFileError, EncoderUnavailable):
            baseline_version = None
    row = ModelVersion(
        version=model.version,
        status=VersionStatus.CANDIDATE,
        source=source,
        sha256=manifest["sha256"],
        examples=int(model.metadata["training"]["examples"]),
        accuracy=evaluation.accuracy,
        macro_f1=evaluation.macro_f1,
        oos_recall=evaluation.oos_recall,
        ece=evaluation.ece,
        metrics=_summary(evaluation) | {"seconds": model.metadata["training"]["seconds"]},
        baseline_version=baseline_version,
        baseline_metrics=baseline,
        created_by_id=actor.user_id if actor and actor.user_id else None,
    )
    session.add(row)
    session.flush()
    before = f"{100 * baseline['accuracy']:.1f} %" if baseline else "—"
    audit.record(
        session,
        actor=actor,
        action="nlu.model_trained",
        object_type="nlu_model",
        object_id=row.version,
        summary=f"Modèle {row.version} entraîné : exactitude {100 * row.accuracy:.1f} % (avant : {before})",
        details={"examples": row.examples, "added": len(added), "after": row.metrics, "before": baseline},
    )
    return row


def activate_version(
    session: Session,
    registry: ModelRegistry,
    version: str,
    *,
    actor: Actor | None,
    max_accuracy_drop: float = DEFAULT_MAX_ACCURACY_DROP,
) -> ModelVersion:
    """Activate a version unless its accuracy on the current test split drops more than allowed.

    A refusal is not an exception (it must be kept, with its audit entry): the returned row then has
    status `refuse` and a French `note` that says why.
    """
    row = session.scalar(select(ModelVersion).where(ModelVersion.version == version))
    try:
        candidate = registry.load(version)
        examples = test_split(added_examples(session))
        after = evaluate_model(candidate, examples)
    except (ModelFileError, EncoderUnavailable) as exc:
        raise Conflict(f"Activation impossible : {exc}") from exc
    current = registry.active_version()
    before = None
    if current and current != version:
        try:
            before = evaluate_model(registry.load(current), examples)
        except (ModelFileError, EncoderUnavailable):
            before = None
    if row is None:
        row = _register_external(session, registry, candidate, after)
    row.baseline_version = current if before is not None else row.baseline_version
    row.baseline_metrics = _summary(before) if before is not None else row.baseline_metrics
    if before is not None and after.accuracy < before.accuracy - max_accuracy_drop:
        row.status, row.note = (
            VersionStatus.REFUSED,
            (
                f"Exactitude {100 * after.accuracy:.1f} % contre {100 * before.accuracy:.1f} % pour {current}"
                f" (baisse tolérée : {100 * max_accuracy_drop:.1f} point)."
            ),
        )
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="nlu.activation_refused",
            object_type="nlu_model",
            object_id=version,
            summary=f"Activation refusée : {row.note}",
            details={"before": _summary(before), "after": _summary(after)},
        )
        return row
    try:
        registry.activate(version)
    except (ModelFileError, EncoderUnavailable) as exc:
        raise Conflict(f"Activation impossible : {exc}") from exc
    for other in session.scalars(select(ModelVersion).where(ModelVersion.status == VersionStatus.ACTIVE)):
        other.status = VersionStatus.RETIRED
    row.status, row.activated_at = VersionStatus.ACTIVE, utcnow()
    row.activated_by_id = actor.user_id if actor and actor.user_id else None
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="nlu.model_activated",
        object_type="nlu_model",
        object_id=version,
        summary=f"Modèle {version} activé (exactitude {100 * after.accuracy:.1f} %)",
        details={
            "previous": current,
            "after": _summary(after),
            "before": _summary(before) if before is not None else None,
        },
    )
    return row


def _register_external(
    session: Session, registry: ModelRegistry, model: LinearModel, evaluation: Evaluation
) -> ModelVersion:
    """A version trained outside the learning loop (CLI, bootstrap) gets its row on first activation."""
    row = ModelVersion(
        version=model.version,
        status=VersionStatus.CANDIDATE,
        source=str(model.metadata.get("source", "cli")),
        sha256=str(artifact.read_manifest(registry.root / model.version)["sha256"]),
        examples=int(model.metadata.get("training", {}).get("examples", 0)),
        accuracy=evaluation.accuracy,
        macro_f1=evaluation.macro_f1,
        oos_recall=evaluation.oos_recall,
        ece=evaluation.ece,
        metrics=_summary(evaluation),
    )
    session.add(row)
    session.flush()
    return row
