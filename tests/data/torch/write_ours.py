"""The files ``formats.forecaster_to_torch`` wrote for ``load_ours.py`` to read with PyTorch: two networks
(float64 without inputs, float32 driven by two), each as ``torch.save``'s archive and as safetensors,
and ``ours_parameters.npz``, the parameters they were built from. Run from the repository root with
the package installed: ``python tests/data/torch/write_ours.py``."""

from pathlib import Path

import numpy as np

from sklearn_alrnn import ALRNNForecaster
from sklearn_alrnn.formats import forecaster_to_torch

HERE = Path(__file__).parent


def parameters():
    """Two networks' parameters by file stem: ``M`` units, ``N`` observed, two ReLU, ``K`` inputs."""
    rng = np.random.default_rng(2026)
    networks = {}
    for stem, M, N, K, dtype in (("ours_m7_p2", 7, 2, 0, "float64"), ("ours_m6_p2_driven", 6, 3, 2, "float32")):
        networks[stem] = {"a": rng.uniform(0, 0.8, M), "W": rng.normal(size=(M, M)) * 0.3 / np.sqrt(M),
                          "h": rng.normal(size=M) * 0.1, "L": rng.normal(size=(M - N, N)) * 0.5,
                          "C": rng.normal(size=(M, K)), "mean": rng.normal(size=N) * 10,
                          "scale": rng.uniform(0.5, 3, N), "initial_observation": rng.normal(size=N),
                          "inputs": rng.normal(size=(30, K)), "dtype": np.array(dtype)}
    return networks


def forecaster(network):
    """The forecaster of one of :func:`parameters`' networks."""
    given = {k: v for k, v in network.items() if k not in ("a", "W", "h", "L", "inputs", "dtype")}
    return ALRNNForecaster.from_parameters(network["a"], network["W"], network["h"], network["L"], n_nonlinear=2,
                                           dtype=str(network["dtype"]), **given)


def main():
    networks = parameters()
    np.savez(HERE / "ours_parameters.npz", **{f"{stem}.{k}": v for stem, n in networks.items() for k, v in n.items()})
    for stem, network in networks.items():
        for suffix in (".pt", ".safetensors"):
            forecaster_to_torch(forecaster(network), HERE / (stem + suffix))


if __name__ == "__main__":
    main()
