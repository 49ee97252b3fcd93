"""The sweep engine contract: both engines keep it, and make_engine refuses what does not."""

import pytest

from aelib.sweeps.engine import SweepEngine
from aelib.sweeps.local import LocalEngine, make_engine


def test_the_local_engine_keeps_the_contract():
    engine = LocalEngine()
    assert isinstance(engine, SweepEngine) and make_engine(engine) is engine
    assert engine.parallel_runs() == 1 and engine.where == "this process"


def test_the_ray_engine_keeps_the_contract():
    pytest.importorskip("ray")
    from aelib.sweeps.cluster import RayEngine

    assert isinstance(RayEngine("127.0.0.1:1"), SweepEngine)  # connects only when used


@pytest.mark.parametrize("engine", ["gpu", object(), 3])
def test_anything_else_is_refused_in_words(engine):
    with pytest.raises(ValueError, match="engine must be 'local', 'ray' or an engine object"):
        make_engine(engine)
