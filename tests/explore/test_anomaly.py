import numpy as np
import pytest

import aelib
from aelib.explore.anomaly import anomaly_report, normal_only


@pytest.fixture(scope="module")
def zeros_held_out(bundled):
    """A dense model trained on every digit but 0, and its report on the 2,000 test digits."""
    ae = aelib.build("dense", seed=0)
    aelib.train(ae, normal_only(bundled, [0]).subset(3000, None, seed=0), epochs=3,
                batch_size=128)
    return anomaly_report(ae, normal_only(bundled, [0]), [0])  # its test images are whole


def test_training_images_of_the_anomalous_classes_are_left_out(bundled):
    normal = normal_only(bundled, [0, 7])
    assert not np.isin(normal.y_train, [0, 7]).any()
    assert len(normal.x_train) == np.isin(bundled.y_train, [0, 7], invert=True).sum()
    assert len(normal.x_test) == len(bundled.x_test)  # every test image is scored


def test_reconstruction_error_separates_a_held_out_digit(zeros_held_out, bundled):
    report = zeros_held_out
    assert report.auc > 0.7  # chance is 0.5; measured about 0.82
    assert report.loss == "bce"  # the model's loss, which the scores are measured in
    assert (report.is_anomaly == (bundled.y_test == 0)).all()
    top = report.ranking[:50]
    assert report.is_anomaly[top].mean() > 3 * report.is_anomaly.mean()  # 0s crowd the top
    assert np.all(np.diff(report.scores[report.ranking]) <= 0)
    assert report.false_positive_rate[0] == 0 and report.true_positive_rate[-1] == 1


@pytest.mark.parametrize("held_out, message", [
    ([], "Choose one or more classes"),
    ([11], "the labels are [0, 1, 2"),
    (list(range(10)), "leave some normal ones"),
])
def test_impossible_choices_of_anomalies_say_why(bundled, held_out, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        normal_only(bundled, held_out)


def test_unlabelled_data_cannot_be_split_into_normal_and_anomalous(bundled):
    with pytest.raises(ValueError, match="needs labelled images"):
        normal_only(aelib.Dataset.from_arrays(bundled.x_test[:100]), [0])
