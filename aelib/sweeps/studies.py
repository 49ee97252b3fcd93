"""Ready-made sweeps, each asking one question of the lab.

The β study (Higgins et al. 2017; Locatello et al. 2019): does a larger β disentangle the
coloured shapes' factors, at what cost in reconstruction, and how much does the seed alone
decide? The dense VAE with 10 latent dimensions, β in {1, 2, 4, 8, 16}, three seeds each, on
`shapes`; the Sweep page then draws every score of the scorecard against β, seeds as error bars,
beside the test loss, and the seeds' share of each score's variance.
"""

from __future__ import annotations

from dataclasses import dataclass

from aelib.sweeps.plan import SweepPlan, make_plan


@dataclass(frozen=True)
class Study:
    """A sweep that answers a question.

    Args:
        title: its name on the Sweep page.
        question: what it asks, in a sentence.
        plan: what it trains.
    """

    title: str
    question: str
    plan: SweepPlan


BETA_STUDY = Study(
    "β study",
    "Does a larger β disentangle the shapes' factors, what does it cost in reconstruction, "
    "and how much does the seed alone decide? (15 trainings of the VAE on the coloured shapes.)",
    make_plan(["vae"], {"beta": [1.0, 2.0, 4.0, 8.0, 16.0]}, seeds=[0, 1, 2],
              settings={"latent_dim": 10, "epochs": 20, "batch_size": 128,
                        "train_size": 8000}, dataset="shapes"))
STUDIES = {study.title: study for study in (BETA_STUDY,)}
