import pytest
from hypothesis import HealthCheck, settings

import ntkflow as nf

# Property tests: the same few examples on every run, no example database, no
# deadline (the machine is shared), so the suite stays fast and deterministic.
settings.register_profile(
    "ntkflow",
    derandomize=True,
    database=None,
    max_examples=20,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ntkflow")


@pytest.fixture(scope="session")
def iris_problem():
    """The centerpiece's setting: 10 flowers per species, a 4-32-3 tanh MLP."""
    data = nf.iris_subset(10, rng=1)
    net = nf.MLP((4, 32, 3))
    theta0 = net.init(0)
    outputs = net.outputs(data.X)
    loss = nf.L2(nf.one_hot(data.labels))
    return outputs, loss, theta0
