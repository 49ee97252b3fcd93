"""Sweep plans: validated against the Train page's specs, expanded seed by seed, estimated; and
sweep links, which restore a plan and never raise."""

import pytest

from aelib.runs.store import RunRecord
from aelib.sweeps.links import DEFAULT_PLAN, from_query, to_query
from aelib.sweeps.plan import (
    MAX_RUNS,
    estimate_seconds,
    make_plan,
    parameter_specs,
    values_from_text,
    values_to_text,
)


def test_points_cover_architectures_grid_and_seeds_seed_by_seed():
    plan = make_plan(["dense", "sparse"], {"encoding_dim": [8, 16], "optimizer": ["adam", "sgd"]},
                     seeds=[0, 1], settings={"epochs": 2, "train_size": 300})
    points = plan.points()
    assert plan.size == len(points) == 2 * 4 * 2
    assert [p.seed for p in points] == [0] * 8 + [1] * 8  # a stopped sweep has whole curves
    first = points[0]
    assert (first.architecture, first.hparams, first.train_size) == ("dense", {"encoding_dim": 8},
                                                                    300)
    assert first.training == {"epochs": 2, "batch_size": 256, "optimizer": "adam",
                              "learning_rate": 1e-3, "seed": 0}
    assert points[1].training["learning_rate"] == 1e-2  # sgd's own default
    assert first.label == "dense · encoding_dim=8 · optimizer=adam · seed 0"
    assert {p.architecture for p in points} == {"dense", "sparse"}


def test_a_single_value_is_a_setting_and_the_plan_round_trips_as_data():
    plan = make_plan(["deep"], {"hidden_units": [[64, 32], [32]], "epochs": [3]}, seeds=[4])
    assert plan.grid == {"hidden_units": ((64, 32), (32,))} and plan.settings == {"epochs": 3}
    assert make_plan(**plan.to_dict()) == plan


@pytest.mark.parametrize("arguments, message", [
    ({"architectures": ["densest"]}, "Choose architectures among dense, sparse"),
    ({"architectures": []}, "Choose architectures among"),
    ({"architectures": ["dense", "dense"]}, "Each architecture may appear once"),
    ({"grid": {"l1": [0.0, 1e-4]}}, "No chosen architecture has a parameter 'l1'"),
    ({"architectures": ["dense", "conv"], "grid": {"encoding_dim": [8, 16]}},
     "encoding_dim is a parameter of dense but not of conv"),
    ({"grid": {"seed": [0, 1]}}, "Seeds are an axis of their own"),
    ({"grid": {"encoding_dim": [8, 0]}}, r"encoding_dim=0 is not allowed: expected a whole "
                                         r"number between 1 and 512"),
    ({"grid": {"encoding_dim": 8}}, "The grid takes a list of values for encoding_dim"),
    ({"grid": {"encoding_dim": []}}, "The grid takes a list of values"),
    ({"grid": {"encoding_dim": [8, 8.0]}}, "encoding_dim has a value twice"),
    ({"grid": {"epochs": [1, 2]}, "settings": {"epochs": 3}}, "epochs is both varied and set"),
    ({"settings": {"optimizer": "lbfgs"}}, "optimizer='lbfgs' is not allowed"),
    ({"architectures": ["lstm", "vae"], "grid": {"latent_dim": [2, 100]}},
     "latent_dim=100 is not allowed: expected a whole number between 1 and 64"),
    ({"seeds": []}, "at least one seed"),
    ({"seeds": [-1]}, "seed=-1 is not allowed"),
    ({"grid": {"encoding_dim": list(range(1, 35))}, "seeds": [0, 1, 2]},
     f"This sweep would train 102 models; a sweep may train at most {MAX_RUNS}"),
])
def test_invalid_plans_are_refused_with_what_to_do(arguments, message):
    with pytest.raises(ValueError, match=message):
        make_plan(**arguments)


def test_the_specs_are_those_every_chosen_architecture_shares_plus_training_settings():
    assert set(parameter_specs(["dense", "sparse"])) == {
        "encoding_dim", "loss", "epochs", "batch_size", "optimizer", "learning_rate",
        "train_size"}
    assert "encoding_dim" not in parameter_specs(["dense", "conv"])
    assert len(parameter_specs(["lstm", "vae"])["latent_dim"]) == 2  # each one's own range


def test_values_are_read_from_text_as_a_person_types_them():
    specs = parameter_specs(["deep"])
    assert values_from_text(specs["hidden_units"], "128,64,32; 64,32") == ((128, 64, 32),
                                                                            (64, 32))
    assert values_from_text(specs["learning_rate"], "1e-3, 0.01;0.1") == (1e-3, 0.01, 0.1)
    assert values_to_text(specs["hidden_units"][0], ((128, 64), (32,))) == "128,64;32"
    with pytest.raises(ValueError, match="Give at least one value for epochs"):
        values_from_text(specs["epochs"], " , ")
    with pytest.raises(ValueError, match="epochs='two' is not allowed"):
        values_from_text(specs["epochs"], "1, two")


def test_the_estimate_uses_past_runs_of_the_architecture_and_parallel_runs():
    plan = make_plan(["dense"], {"encoding_dim": [8, 16]}, seeds=[0, 1], settings={"epochs": 10})
    guess = estimate_seconds(plan, 8000)
    past = RunRecord(1, "local", "dense", {}, {"train_images": 1000}, "bundled", "", 0, {},
                     started_at=0.0, ended_at=3.0 + 2.0, status="finished",
                     reason=None, history={"loss": [0.3] * 10})
    measured = estimate_seconds(plan, 8000, [past])  # 2 s for 10 epochs of 1,000 images
    assert measured == pytest.approx(4 * (3.0 + 2.0 / 10_000 * 8000 * 10))
    assert measured != pytest.approx(guess)
    assert estimate_seconds(plan, 8000, [past], parallel=2) == pytest.approx(measured / 2)


def test_a_link_restores_the_plan():
    plan = make_plan(["dense", "sparse"], {"encoding_dim": [8, 16, 32]}, seeds=[0, 3],
                     settings={"epochs": 7, "optimizer": "rmsprop", "train_size": 500},
                     dataset="digits")
    query = to_query(plan)
    assert query["sweep"] == "dense,sparse" and query["encoding_dim"] == "8,16,32"
    assert from_query(query) == (plan, [])
    lists = make_plan(["deep"], {"hidden_units": [[64, 32], [16]]})
    assert from_query(to_query(lists)) == (lists, [])


def test_a_tampered_link_falls_back_with_notices_and_never_raises():
    plan, notices = from_query({"sweep": "dense,bogus", "encoding_dim": "8,zero",
                                "epochs": "3", "seeds": "-5", "data": "secret",
                                "l1": "0.1", "workspace": "x" * 20})
    assert plan.architectures == ("dense",) and plan.grid == {}
    assert plan.settings == {"epochs": 3} and plan.seeds == (0,) and plan.dataset == "bundled"
    assert len(notices) == 5
    assert any("bogus" in n for n in notices) and any("'zero'" in n for n in notices)
    assert any("l1 is not a parameter of every architecture" in n for n in notices)
    too_big, notices = from_query({"sweep": "dense", "encoding_dim": ",".join(map(str, range(
        1, 60))), "seeds": "0,1"})
    assert too_big == DEFAULT_PLAN and "at most 100" in notices[0]
    empty, notices = from_query({})
    assert empty.architectures == ("dense",) and empty.size == 1
    assert notices == ["The link names no architecture; using dense."]
