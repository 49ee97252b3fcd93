"""Plain words for a learner: warnings on a training setup before it runs, and whether a trained
model beats PCA after.

Both are pure functions of a few numbers, so a page (or a script) can say them without
importing Keras. The PCA comparison takes the losses `aelib.explore.analysis.run_metrics` stores
with every run (`test_loss`, `pca_loss`): both are means over the test images' pixels of the loss
the model trains with (its `loss`: binary cross-entropy or mean squared error, as
`aelib.architectures.LOSS_LABELS` names them), PCA's with as many components as the model's code
has numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

# Fewer steps than this per epoch and a model sees too few updates for a few epochs to show
# anything: with 240 images and batch 256, one epoch is one step and the model comes out grey.
FEW_STEPS_PER_EPOCH = 10


def training_warnings(train_size: int, batch_size: int) -> list[str]:
    """What is likely to go wrong with training on `train_size` images in batches of
    `batch_size`, in sentences that say what to change; empty when nothing is.

    Args:
        train_size: training images.
        batch_size: images per gradient step.

    Returns:
        Zero, one or two warnings: the batch is not smaller than the training set, and an
        epoch has fewer than `FEW_STEPS_PER_EPOCH` steps.

    Raises:
        ValueError: a size below 1.
    """
    for name, value in (("train_size", train_size), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1; got {value!r}.")
    warnings = []
    if batch_size >= train_size:
        warnings.append(
            f"The batch ({batch_size:,} images) is not smaller than the training set "
            f"({train_size:,} images): every epoch is a single gradient step on all of them. "
            f"Choose a batch of at most {_images(max(1, train_size // FEW_STEPS_PER_EPOCH))}.")
    # as aelib.training._batches.steps_per_epoch counts them
    steps = math.ceil(train_size / batch_size)
    if steps < FEW_STEPS_PER_EPOCH:
        warnings.append(
            f"An epoch is only {steps} step{'s' if steps > 1 else ''} ({train_size:,} images "
            f"in batches of {batch_size:,}), so a few epochs barely train the model and its "
            f"reconstructions may come out grey. Use a smaller batch, more images or many "
            f"more epochs.")
    return warnings


@dataclass(frozen=True)
class PCAVerdict:
    """Whether a model reconstructs the test images better than PCA with the same code size.

    Args:
        model_loss: the model's test loss (mean per pixel, in the model's `loss`).
        pca_loss: PCA's test loss with `code_size` components, in the same loss.
        code_size: numbers in the model's code (and PCA components).
        beats_pca: whether `model_loss` is below `pca_loss`.
        sentence: the comparison in words, with both numbers.
    """

    model_loss: float
    pca_loss: float
    code_size: int
    beats_pca: bool
    sentence: str


def _images(count: int) -> str:
    return f"{count:,} image{'' if count == 1 else 's'}"


# A test loss below this is a reconstruction all but exact (MSE 1e-4 is 1% of the pixel range).
EXACT_LOSS = 1e-4


def latent_spread_sentence(spread: Iterable[float]) -> str:
    """What the spreads of a VAE's code means over a test set say, against the prior N(0, 1).

    If the codes as a whole matched the prior, each dimension's means would spread a little
    under 1 (each image's own variance fills the rest); wider means the KL term has not pulled
    them in, near 0 means the dimension is unused.

    Args:
        spread: the standard deviation of each code dimension's means, e.g.
            `aelib.explore.analysis.latent_frame(codes).spread`.
    """
    spread = [float(value) for value in spread]
    low, high = min(spread), max(spread)
    said = [f"Here the spreads run from {low:.2f} to {high:.2f}."]
    if high > 1.05:
        said.append("Wider than the prior: the KL term has not pulled these codes in yet (a "
                    "short training, or a small beta), so points far out on the plane decode "
                    "to images the model has rarely seen.")
    if low < 0.1:
        said.append("A spread near 0 is a dimension the model does not use (posterior "
                    "collapse).")
    if len(said) == 1:
        said.append("Under 1, as the prior asks: the codes fill the space the decoder samples.")
    return " ".join(said)


def pca_verdict(model_loss: float, pca_loss: float, code_size: int,
                pixels: int | None = None) -> PCAVerdict:
    """Say plainly whether a trained model beats PCA at the same code size.

    Args:
        model_loss: the model's test loss, e.g. `run_metrics(...)["test_loss"]`.
        pca_loss: PCA's, e.g. `run_metrics(...)["pca_loss"]`.
        code_size: the model's code size (`ae.code_size`).
        pixels: pixels per image, if known: a code at least that large compresses nothing
            (the denoising model's 7x7x32 code for 28x28 images), and the sentence says so.

    Returns:
        A `PCAVerdict` with the numbers and one or two sentences.

    Raises:
        ValueError: a loss that is not a finite number of at least 0, or a code size below 1.
    """
    for name, value in (("model_loss", model_loss), ("pca_loss", pca_loss)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number of at least 0; got {value!r}.")
    if isinstance(code_size, bool) or not isinstance(code_size, int) or code_size < 1:
        raise ValueError(f"code_size must be a whole number of at least 1; got {code_size!r}.")
    if pixels is not None and (isinstance(pixels, bool) or not isinstance(pixels, int)
                               or pixels < 1):
        raise ValueError(f"pixels must be a whole number of at least 1; got {pixels!r}.")
    beats = model_loss < pca_loss
    pca = (f"PCA with {code_size} component{'s' if code_size > 1 else ''} (the same code "
           f"size) reaches {pca_loss:.4f}")
    if pixels is not None and code_size >= pixels:
        sentence = (f"This model's code ({code_size:,} numbers) is no smaller than an image "
                    f"({pixels:,} pixels): it compresses nothing, and PCA with as many "
                    f"components can keep every image whole (test loss {model_loss:.4f}, PCA "
                    f"{pca_loss:.4f}), so the comparison says little.")
    elif pca_loss < EXACT_LOSS and not beats:
        sentence = (f"{pca}: these images vary in so few directions that a linear projection "
                    f"keeps them almost whole, and no network can do much better (this model: "
                    f"{model_loss:.4f}). Try data with more variety.")
    elif beats:
        lower = 1 - model_loss / pca_loss
        sentence = (f"This model beats PCA: test loss {model_loss:.4f}, {lower:.0%} lower. "
                    f"{pca}.")
    else:
        sentence = (f"This model does not beat PCA yet: test loss {model_loss:.4f}, while {pca}. "
                    f"A linear projection still reconstructs these images better; more "
                    f"training may close the gap.")
    return PCAVerdict(float(model_loss), float(pca_loss), code_size, beats, sentence)
