"""How the PyTorch files beside it were written (torch 2.14.1, safetensors 0.8.0, CPU; run with them
installed, which the package never needs): the research tutorial's AL_RNN module saved whole, as a
state dict, as safetensors, in the format before torch 1.6 and traced (TorchScript), a training
checkpoint with NumPy statistics, tensors of several kinds and layouts (also in the format before
1.6), a sparse tensor, two variants other projects made of the tutorial's class (ReLU slots made
identity by a ``relu_mask`` buffer; external inputs through ``C``), and ``expected.npz``, what
``torch.load`` reads from each and the modules' free runs, for ``tests/test_torch_files.py``."""

import math
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save_file

HERE = Path(__file__).parent


class AL_RNN(nn.Module):  # noqa: N801 - the tutorial's name, which the pickle of the whole module records
    """The AL-RNN of the research code's Python tutorial (DurstewitzLab/ALRNN-DSR, alrnn_python)."""

    def __init__(self, M, P, N):  # noqa: N803
        super().__init__()
        self.M, self.P, self.N = M, P, N
        self.A = nn.Parameter(torch.rand(M) * 0.9)
        self.W = nn.Parameter(torch.randn(M, M) * 0.2)
        self.h = nn.Parameter(torch.randn(M) * 0.1)
        self.B = nn.Parameter(torch.empty(N, M).uniform_(-1 / math.sqrt(N), 1 / math.sqrt(N)))

    def forward(self, z):
        linear = torch.clone(z)
        z[:, -self.P:] = F.relu(z[:, -self.P:])
        return self.A * linear + z @ self.W.t() + self.h


class MaskedAL_RNN(AL_RNN):  # noqa: N801
    """The tutorial's AL_RNN with some of its last P slots made identity by a boolean ``relu_mask``
    buffer (the graph reduction of hiroto0324/alrnn-fp-guided-reduction)."""

    def __init__(self, M, P, N, relu_mask):  # noqa: N803
        super().__init__(M, P, N)
        self.register_buffer("relu_mask", torch.as_tensor(relu_mask, dtype=torch.bool))

    def forward(self, z):
        slots = z[:, -self.P:]
        activated = torch.cat([z[:, :self.M - self.P], torch.where(self.relu_mask, F.relu(slots), slots)], dim=-1)
        return self.A * z + activated @ self.W.t() + self.h


class DrivenAL_RNN(AL_RNN):  # noqa: N801
    """The tutorial's AL_RNN with external inputs ``phi_t @ C.T`` added to each step (``phi_dim``)."""

    def __init__(self, M, P, N, phi_dim):  # noqa: N803
        super().__init__(M, P, N)
        self.C = nn.Parameter(torch.randn(M, phi_dim) * 0.5)

    def forward(self, z, phi_t):
        return super().forward(z) + phi_t @ self.C.t()


def free_run(model, start, steps, inputs=None):
    """The observed units of the tutorial's ``predict_free_sequence`` from one observation."""
    with torch.no_grad():
        z = start @ model.B
        z[:, :start.shape[1]] = start
        run = []
        for t in range(steps):
            z = model(z) if inputs is None else model(z, inputs[t:t + 1])
            run.append(z[0, :start.shape[1]].clone())
    return torch.stack(run).numpy()


def main():
    torch.manual_seed(0)
    model = AL_RNN(6, 2, 3)
    torch.save(model, HERE / "al_rnn_m6_p2")
    torch.save(model.state_dict(), HERE / "al_rnn_m6_p2_state.pt")
    optimizer = torch.optim.RAdam(model.parameters())
    stats = {"mean": np.array([1.5, -2.0, 0.25]), "std": np.array([[1.0, 2.0], [3.0, 4.0]], ">f4", order="F"),
             "count": np.int64(7000)}  # the data's, as NumPy arrays and numbers beside the state dict
    torch.save({"epoch": 7, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "device": torch.device("cpu"), "data": stats}, HERE / "checkpoint.pt")
    grid = torch.arange(60, dtype=torch.float64).reshape(6, 10)
    kinds = {"view": grid[1:4, 2:9:3], "transposed": grid.t(), "half": torch.randn(4, 3).half(),
             "bfloat16": torch.randn(5).bfloat16(), "long": torch.arange(5), "bool": torch.tensor([True, False]),
             "scalar": torch.tensor(2.5), "empty": torch.zeros(0, 3)}
    torch.save(kinds, HERE / "kinds.pt")
    torch.save({"adjacency": torch.eye(3).to_sparse()}, HERE / "sparse.pt")
    torch.save(model, HERE / "al_rnn_m6_p2_legacy.pt", _use_new_zipfile_serialization=False)  # before torch 1.6
    torch.jit.trace(model, torch.zeros(1, 6)).save(HERE / "al_rnn_m6_p2_traced.pt")  # TorchScript
    torch.save(kinds, HERE / "kinds_legacy.pt", _use_new_zipfile_serialization=False)
    save_file({k: v.detach() for k, v in model.state_dict().items()} | {"bf16": kinds["bfloat16"]},
              HERE / "al_rnn_m6_p2.safetensors", metadata={"P": "2", "note": "the tutorial's AL_RNN"})
    expected = {f"kinds.{k}": (v.float() if v.dtype == torch.bfloat16 else v).numpy() for k, v in kinds.items()}
    expected |= {f"data.{k}": v for k, v in stats.items()}
    expected |= {f"model.{k}": v.detach().numpy() for k, v in model.state_dict().items()}
    expected["free_run"] = free_run(model, torch.tensor([[0.3, -0.2, 0.5]]), 30)
    masked = MaskedAL_RNN(7, 3, 2, relu_mask=[True, False, True])
    torch.save(masked, HERE / "al_rnn_m7_p3_masked")
    torch.save(masked.state_dict(), HERE / "al_rnn_m7_p3_masked_state.pt")
    expected["masked_free_run"] = free_run(masked, torch.tensor([[0.4, -0.3]]), 30)
    driven = DrivenAL_RNN(6, 2, 3, phi_dim=2)
    torch.save(driven.state_dict(), HERE / "al_rnn_m6_p2_driven_state.pt")
    expected["driven_inputs"] = torch.randn(30, 2).numpy()
    expected["driven_free_run"] = free_run(driven, torch.tensor([[0.3, -0.2, 0.5]]), 30,
                                           torch.from_numpy(expected["driven_inputs"]))
    np.savez(HERE / "expected.npz", **expected)


if __name__ == "__main__":
    main()
