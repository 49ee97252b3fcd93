"""AppTest of the Train page's teaching aids: presets that follow the architecture until the
learner chooses, warnings on a tiny training set, the verdict against PCA, and continuing a
training."""

import threading
import time

import pytest

import aelib
from lab.navigation import RECONSTRUCTIONS_PAGE, TRAIN_PAGE
from tests.support.apptest import TIMEOUT, button, open_app

pytestmark = [pytest.mark.app, pytest.mark.usefixtures("runs_dir")]


def training_settings(at):
    """(epochs, batch size, adam's learning rate) as the page's widgets show them."""
    return tuple(at.number_input(key=f"_widget_cfg_{name}").value
                 for name in ("epochs", "batch_size", "learning_rate_adam"))


def preset(name, budget="training"):
    chosen = getattr(aelib.REGISTRY[name], budget)
    return (chosen.epochs, chosen.batch_size,
            aelib.settings.learning_rate_for(chosen.optimizer, chosen.learning_rate))


def pick(at, architecture):
    at.selectbox(key="_widget_cfg_arch").set_value(architecture).run()
    assert not at.exception, at.exception


def test_settings_follow_the_architectures_preset_until_the_learner_changes_them():
    at = open_app(TRAIN_PAGE)
    assert training_settings(at) == preset("dense")
    pick(at, "lstm")
    assert training_settings(at) == preset("lstm")

    at.number_input(key="_widget_cfg_epochs").set_value(7).run()
    pick(at, "conv")  # the learner's 7 epochs stay; the rest follows conv
    assert training_settings(at) == (7, *preset("conv")[1:])

    button(at, "Tutorial's budget").click().run()
    assert training_settings(at)[:2] == preset("conv", "tutorial_training")[:2]
    pick(at, "dense")  # the tutorial's budget was chosen: it stays
    assert training_settings(at)[:2] == preset("conv", "tutorial_training")[:2]

    button(at, "Lab's defaults").click().run()
    assert training_settings(at) == preset("dense")
    pick(at, "vae")
    assert training_settings(at) == preset("vae")


def test_lab_s_defaults_after_the_tutorial_s_budget_follow_the_next_architecture():
    at = open_app(TRAIN_PAGE)  # the walk of issue 19: conv, tutorial, defaults, then LSTM
    pick(at, "conv")
    button(at, "Tutorial's budget").click().run()
    button(at, "Lab's defaults").click().run()
    assert training_settings(at) == preset("conv")
    pick(at, "lstm")
    assert training_settings(at) == preset("lstm")


def test_a_tiny_training_set_with_a_big_batch_is_warned_about_before_training():
    at = open_app(TRAIN_PAGE, cfg_train_size_bundled=240, cfg_batch_size=256)
    warnings = " ".join(warning.value for warning in at.warning)
    assert "is not smaller than the training set (240 images)" in warnings
    assert "An epoch is only 1 step" in warnings
    at.number_input(key="_widget_cfg_batch_size").set_value(16).run()
    assert not at.warning  # 15 steps per epoch: nothing to warn about


def test_after_a_run_the_page_says_whether_it_beats_pca_and_can_continue_training_it():
    at = open_app(TRAIN_PAGE, cfg_epochs=1, cfg_train_size_bundled=300)
    assert button(at, "Continue training (+1 epoch)").disabled  # nothing trained yet
    button(at, "Train").click().run()
    first = at.session_state["model"].wait(TIMEOUT)
    assert first.status == "finished" and first.metrics is not None
    at.run()
    verdicts = [box.value for box in (*at.warning, *at.success) if "PCA with 32 components" in
                box.value]
    beats = first.metrics["test_loss"] < first.metrics["pca_loss"]
    assert verdicts and ("This model beats PCA" if beats else "does not beat PCA yet") \
        in verdicts[0]
    at.switch_page(RECONSTRUCTIONS_PAGE).run()
    assert any("PCA with 32 components" in box.value for box in (*at.warning, *at.success))

    at.switch_page(TRAIN_PAGE).run()
    button(at, "Continue training (+1 epoch)").click().run()
    assert not at.exception, at.exception
    more = at.session_state["model"]
    assert more.ae is not None and more.continued_from == first.run_id
    after = more.wait(TIMEOUT)
    assert after.status == "finished" and after.history["loss"][:1] == first.history["loss"]
    assert len(after.history["loss"]) == 2 and after.run_id != first.run_id
    at.run()
    assert at.get("progress")[0].proto.text.startswith("Trained 2 epochs in ")
    store = aelib.RunStore()
    assert store.get(after.run_id).continued_from == first.run_id
    assert len(store.get(after.run_id).history["loss"]) == 2


def test_once_training_is_done_the_buttons_say_so_while_the_pca_comparison_still_runs(
        monkeypatch):
    """"Done" with Train and Continue disabled and Stop lit was the page for as long as the
    metrics took (29 s on shapes64): the buttons follow the training, the verdict follows."""
    release = threading.Event()
    real_run_metrics = aelib.jobs.job.run_metrics

    def slow_run_metrics(ae, data):
        release.wait(TIMEOUT)
        return real_run_metrics(ae, data)

    monkeypatch.setattr(aelib.jobs.job, "run_metrics", slow_run_metrics)
    at = open_app(TRAIN_PAGE, cfg_epochs=1, cfg_train_size_bundled=300)
    button(at, "Train").click().run()
    job = at.session_state["model"]
    while not job.snapshot().done:
        time.sleep(0.1)
    at.run()
    assert job.active  # still saving its run: the comparison with PCA is under way
    assert not button(at, "Train").disabled and button(at, "Stop").disabled
    assert not button(at, "Continue training (+1 epoch)").disabled
    assert any("Comparing with PCA" in caption.value for caption in at.caption)
    release.set()
    job.wait(TIMEOUT)
    at.run()
    assert not any("Comparing with PCA" in caption.value for caption in at.caption)
    assert at.success or at.warning  # the verdict


@pytest.mark.parametrize("place, said", [
    ("elsewhere", "AELIB_TRAIN_ON is 'elsewhere': set it to ray"),
    ("ray", "Say where the Ray cluster is: set AELIB_RAY_ADDRESS"),
])
def test_a_mistaken_training_place_is_said_on_the_page_and_nothing_trains(place, said,
                                                                        monkeypatch):
    monkeypatch.setenv("AELIB_TRAIN_ON", place)
    monkeypatch.delenv("AELIB_RAY_ADDRESS", raising=False)
    at = open_app(TRAIN_PAGE, cfg_epochs=1, cfg_train_size_bundled=300)
    button(at, "Train").click().run()
    assert not at.exception, at.exception
    assert any(error.value.startswith(said) for error in at.error), [e.value for e in at.error]
    assert "model" not in at.session_state or at.session_state["model"] is None
