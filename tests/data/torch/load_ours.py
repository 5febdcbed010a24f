"""What torch 2.14.1 and safetensors 0.8.0 read from the files ``write_ours.py`` wrote: each loaded with
the default ``torch.load`` (``weights_only=True``) or ``safetensors.torch.load_file`` into the research
tutorial's module (``make_files.AL_RNN``, or its driven variant) by the strict ``load_state_dict``, and
the module's free run from the standardised first observation, saved in ``ours_expected.npz``. Run with
PyTorch installed (not the package): ``python tests/data/torch/load_ours.py``."""

from pathlib import Path

import numpy as np
import torch
from make_files import AL_RNN, DrivenAL_RNN, free_run
from safetensors.torch import load_file

HERE = Path(__file__).parent


def main():
    stored = np.load(HERE / "ours_parameters.npz")
    expected = {}
    for stem in ("ours_m7_p2", "ours_m6_p2_driven"):
        M, N = stored[f"{stem}.a"].size, stored[f"{stem}.mean"].size
        inputs = stored[f"{stem}.inputs"]
        start = (stored[f"{stem}.initial_observation"] - stored[f"{stem}.mean"]) / stored[f"{stem}.scale"]
        for suffix in (".pt", ".safetensors"):
            path = HERE / (stem + suffix)
            state = torch.load(path) if suffix == ".pt" else load_file(path)
            module = DrivenAL_RNN(M, 2, N, phi_dim=inputs.shape[1]) if inputs.shape[1] else AL_RNN(M, 2, N)
            module = module.to(next(iter(state.values())).dtype)
            module.load_state_dict(state)
            start_tensor = torch.tensor(start[None], dtype=module.A.dtype)
            driving = torch.tensor(inputs, dtype=module.A.dtype) if inputs.shape[1] else None
            expected[f"{stem}{suffix}.dtypes"] = np.array([str(state[k].dtype) for k in sorted(state)])
            expected[f"{stem}{suffix}.free_run"] = free_run(module, start_tensor, len(inputs), driving)
    np.savez(HERE / "ours_expected.npz", **expected)


if __name__ == "__main__":
    main()
