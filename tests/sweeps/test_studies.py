"""The ready-made studies: the β study's plan, and that its link gives the same plan back."""

from aelib.sweeps import links
from aelib.sweeps.studies import BETA_STUDY, STUDIES


def test_the_beta_study_trains_the_vae_at_five_betas_and_three_seeds_on_the_shapes():
    plan = BETA_STUDY.plan
    assert STUDIES["β study"] is BETA_STUDY
    assert plan.architectures == ("vae",) and plan.dataset == "shapes"
    assert plan.grid == {"beta": (1.0, 2.0, 4.0, 8.0, 16.0)} and plan.seeds == (0, 1, 2)
    assert plan.size == 15
    assert plan.settings["latent_dim"] == 10 and plan.settings["train_size"] == 8000


def test_the_beta_study_is_a_link_like_any_sweep():
    plan, notices = links.from_query(links.to_query(BETA_STUDY.plan))
    assert notices == [] and plan == BETA_STUDY.plan
