"""Train on the taxonomy's data (packaged YAML + annotated examples) and evaluate on the fixed test split."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from accueil.understanding.classifier import LinearModel, TrainingOptions, train
from accueil.understanding.dataset import Example, data_fingerprint, split, training_examples
from accueil.understanding.embeddings import SentenceEncoder, default_encoder
from accueil.understanding.engine import NluEngine
from accueil.understanding.evaluation import Evaluation, evaluate
from accueil.understanding.features import FeatureConfig

# Sentence embeddings (USE, shared with the knowledge search) are on by default: +4 to +5 points of accuracy
# on our data, CLINC150 above the 93 / 66 goal, for ~3 ms per parse and ~25 s of training (bench/results/nlu_*.json,
# docs/decisions/0004). `accueil nlu train --sans-embeddings` gives the TF-IDF model (< 1.5 ms p99, > 2,000/s).
DEFAULT_OPTIONS = TrainingOptions(features=FeatureConfig(french=True, embeddings=True))
TFIDF_OPTIONS = TrainingOptions(features=FeatureConfig(french=True, embeddings=False))


def encoder_for(config: FeatureConfig) -> SentenceEncoder | None:
    """The process-wide encoder when the model needs one; raises EncoderUnavailable (French) if it cannot load."""
    return default_encoder() if config.embeddings else None


def test_split(added: Sequence[Example] = ()) -> list[Example]:
    return split(training_examples(added))[1]


def evaluate_model(model: LinearModel, examples: Sequence[Example]) -> Evaluation:
    return evaluate(NluEngine(model, encoder=encoder_for(model.config)).parse, examples)


def build_model(
    added: Sequence[Example] = (), *, options: TrainingOptions | None = None, source: str = "cli"
) -> tuple[LinearModel, Evaluation]:
    """Train on the training split of (packaged + added) examples; evaluate on the fixed test split."""
    options = options or DEFAULT_OPTIONS
    train_set, test_set = split(training_examples(added))
    model = train(train_set, options, encoder=encoder_for(options.features))
    evaluation = evaluate_model(model, test_set)
    summary = {key: value for key, value in evaluation.as_dict().items() if key not in {"per_intent"}}
    model.metadata.update(
        {
            "source": source,
            "data_sha256": data_fingerprint(extra=added),
            "examples_added": len(added),
            "test_split": summary,
        }
    )
    model.metadata["training"]["test_examples"] = len(test_set)
    return model, evaluation


def with_features(options: TrainingOptions, **changes: object) -> TrainingOptions:
    return replace(options, features=replace(options.features, **changes))  # type: ignore[arg-type]
