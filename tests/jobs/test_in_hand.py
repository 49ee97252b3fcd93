"""`aelib.jobs.in_hand.ModelInHand`: a training here and an opened model answer the same
questions, so a page never asks which one it holds."""

import inspect

import numpy as np
import pytest

import aelib
from aelib.jobs.in_hand import ModelInHand

MEMBERS = [name for name, _ in inspect.getmembers(ModelInHand) if not name.startswith("_")]


@pytest.fixture(scope="module")
def trained(small_data, tmp_path_factory):
    store = aelib.RunStore(tmp_path_factory.mktemp("runs"))
    data = small_data.subset(200, None, seed=5)
    job = aelib.TrainingJob(aelib.build("dense", seed=0), data, {"epochs": 1, "seed": 5},
                            data.x_test[:2], store=store).start()
    job.wait(300)
    return job, store


def test_both_kinds_have_every_member_of_the_protocol(trained, small_data):
    job, _ = trained
    opened = aelib.OpenedModel(job.ae, small_data, "run 1")
    assert MEMBERS  # history, run_id, opened, in_progress, active, describe, stop, ...
    for model in (job, opened):
        assert all(hasattr(model, name) for name in [*MEMBERS, "ae", "data", "analysis"])
    assert (job.opened, opened.opened) == (False, True)


def test_a_finished_training_is_no_longer_in_progress_and_knows_its_images(trained):
    job, store = trained
    assert not job.in_progress and not job.active
    assert job.run_id == store.list()[0].id
    images, seed = job.training_images(store)
    assert images is job.data and seed == 5
    assert job.final_metrics(store) == store.get(job.run_id).metrics


def test_an_opened_run_finds_the_images_its_run_trained_on(trained, small_data):
    job, store = trained
    opened = aelib.OpenedModel(job.ae, small_data, "run", job.history, run_id=job.run_id)
    images, seed = opened.training_images(store)
    assert seed == 5 and len(images.x_train) == 200
    np.testing.assert_array_equal(images.x_train, job.data.x_train)  # the same, in order
    assert opened.final_metrics(store) == store.get(job.run_id).metrics
    assert not opened.in_progress and not opened.active
    opened.stop()  # nothing to stop


def test_a_file_or_a_deleted_run_falls_back_to_all_the_data(trained, small_data):
    job, store = trained
    from_file = aelib.OpenedModel(job.ae, small_data, "the file 'x.keras'")
    assert from_file.training_images(store) == (small_data, None)
    assert from_file.final_metrics(store) is None
    gone = aelib.OpenedModel(job.ae, small_data, "run 999", run_id=999)
    assert gone.training_images(store) == (small_data, None) and gone.final_metrics(store) is None
