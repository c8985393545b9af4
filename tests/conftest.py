import pytest

import ntkflow as nf


@pytest.fixture(scope="session")
def iris_problem():
    """The centerpiece's setting: 10 flowers per species, a 4-32-3 tanh MLP."""
    data = nf.iris_subset(10, rng=1)
    net = nf.MLP((4, 32, 3))
    theta0 = net.init(0)
    outputs = net.outputs(data.X)
    loss = nf.L2(nf.one_hot(data.labels))
    return outputs, loss, theta0
