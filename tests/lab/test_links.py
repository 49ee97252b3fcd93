"""Links as the lab's remembered settings, in the forms the widgets hold them."""

from aelib.runs.links import from_query
from aelib.sweeps.plan import make_plan
from lab.links import setting_values, sweep_setting_values


def test_an_experiment_link_becomes_the_train_page_s_settings():
    setup, notices = from_query({"arch": "deep", "data": "bundled", "train_size": "4000",
                                 "hidden_units": "128,32", "epochs": "3", "optimizer": "sgd",
                                 "learning_rate": "0.05"})
    assert notices == []
    values = setting_values(setup)
    assert values["arch"] == "deep" and values["dataset"] == "bundled"
    assert values["train_size_bundled"] == 4000 and values["epochs"] == 3
    assert values["deep_hidden_units"] == "128, 32"  # a list as its text box holds it
    assert values["learning_rate_sgd"] == 0.05 and "learning_rate" not in values


def test_a_sweep_plan_becomes_the_sweep_page_s_settings():
    plan = make_plan(["dense", "sparse"], {"encoding_dim": [8, 16]}, seeds=[0, 1],
                     settings={"epochs": 2})
    values = sweep_setting_values(plan)
    assert values["sweep_architectures"] == ["dense", "sparse"]
    assert values["sweep_vary"] == ["encoding_dim"] and values["sweep_epochs"] == 2
    assert values["sweep_values_encoding_dim"] == "8,16" and values["sweep_seeds"] == "0,1"


def test_a_sweep_plan_brings_its_dataset_and_its_training_images_for_that_dataset():
    plan = make_plan(["vae"], {"beta": [1.0, 4.0]}, settings={"train_size": 3000},
                     dataset="shapes")
    values = sweep_setting_values(plan)
    assert values["dataset"] == "shapes"
    assert values["sweep_train_size_shapes"] == 3000 and "sweep_train_size" not in values
