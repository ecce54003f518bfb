#!/usr/bin/env python3
"""PyTorch side of StaticNet's round-trip test for sequence networks (issue 13, "Weights").

Builds a small sequence model with PyTorch's own modules under the attribute names conv (nn.Conv1d, causal: the input
left-padded by (K-1)*D frames), rnn (nn.GRU, then nn.LSTM, batch_first) and head (nn.Linear), trains it briefly on a toy
signal so that its weights are not those of any initialisation, saves its state_dict as safetensors files, and records
the model's outputs for a fixed input sequence. The files and outputs are committed under tests/StaticNet.Tests/PyTorch/;
StaticNet.Tests loads them at run time (SafeTensors.Load with layerNames ["conv", "rnn", "head"]) and bakes them in at
compile time ([Network(Weights = ..., WeightNames = ["conv", "rnn", "head"])]), and both must give these outputs.

    sequence-gru.safetensors       conv.weight, conv.bias, rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0,
                                   rnn.bias_hh_l0, head.weight, head.bias (F32)
    sequence-lstm.safetensors      the same with an nn.LSTM (F32)
    sequence-gru-f64.safetensors   the GRU model's weights as F64
    sequence-outputs.json          the input sequence and each model's outputs, frame by frame
    sequence-gru.staticnet.safetensors  written by StaticNet's SafeTensors.Save(BakedGruModel, names) and checked
                                   here with --check gru (StaticNet.Tests asserts that Save still writes these bytes)

Run with Debian's PyTorch:  /usr/bin/python3 tests/pytorch/sequence_round_trip.py
Check a file StaticNet saved: /usr/bin/python3 tests/pytorch/sequence_round_trip.py --check gru|lstm FILE
(loads it into the same module with load_state_dict(strict=True) and compares with the recorded outputs).
"""
import json
import math
import os
import sys

import torch
from torch import nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spiral_round_trip import load_safetensors, save_safetensors  # noqa: E402  (the same few lines of the format)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "StaticNet.Tests", "PyTorch")

INPUT, CHANNELS, KERNEL, DILATION, HIDDEN, OUTPUT = 2, 4, 3, 2, 5, 1


class SequenceModel(nn.Module):
    """Conv1D(4, k=3, d=2, Tanh) -> GRU(5) or LSTM(5) -> Dense(1): StaticNet's layers, PyTorch's modules and names."""

    def __init__(self, recurrent):
        super().__init__()
        self.conv = nn.Conv1d(INPUT, CHANNELS, KERNEL, dilation=DILATION)
        self.rnn = recurrent(CHANNELS, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, OUTPUT)

    def forward(self, x):  # x: [batch, frames, INPUT]
        padded = F.pad(x.transpose(1, 2), ((KERNEL - 1) * DILATION, 0))  # causal: frame t sees t, t-D, t-2D
        h = torch.tanh(self.conv(padded)).transpose(1, 2)
        h, _ = self.rnn(h)
        return self.head(h)


def signal(frames, phase):
    """A toy task: predict a smoothed product of two sine waves."""
    t = torch.arange(frames, dtype=torch.float32)
    a, b = torch.sin(0.3 * t + phase), torch.cos(0.17 * t + 2 * phase)
    x = torch.stack([a, b], dim=1)
    y = torch.zeros(frames, 1)
    for i in range(frames):
        y[i, 0] = 0.5 * (a[i] * b[i]) + (0.25 * (a[i - 1] * b[i - 1]) if i > 0 else 0.0)
    return x, y


def fixed_input():
    """The sequence whose outputs are recorded: 12 frames of values that are not a training sequence."""
    return torch.tensor([[math.sin(0.7 * i) - 0.1 * i / 3, 0.5 * math.cos(1.3 * i) + 0.05 * i] for i in range(12)], dtype=torch.float32)


def outputs(model, x):
    with torch.no_grad():
        return model(x.unsqueeze(0)).squeeze(0)


def train(recurrent, seed):
    torch.manual_seed(seed)
    model = SequenceModel(recurrent)
    data = [signal(40, 0.37 * k) for k in range(8)]
    x = torch.stack([d[0] for d in data])
    y = torch.stack([d[1] for d in data])
    optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
    for _ in range(150):
        optimizer.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
    print(f"{recurrent.__name__}: trained, loss {loss.item():.5f}")
    return model


def main():
    x = fixed_input()
    record = {"input": x.tolist(), "outputs": {}}
    metadata = {"format": "pt", "source": "tests/pytorch/sequence_round_trip.py"}
    for key, recurrent, seed in (("gru", nn.GRU, 1), ("lstm", nn.LSTM, 2)):
        model = train(recurrent, seed)
        state = model.state_dict()
        print(f"{key}: {[(name, list(value.shape)) for name, value in state.items()]}")
        variants = [(f"sequence-{key}.safetensors", torch.float32, key)]
        if key == "gru":
            variants.append(("sequence-gru-f64.safetensors", torch.float64, "gru-f64"))
        for file, dtype, label in variants:
            path = os.path.join(OUT, file)
            save_safetensors(path, {name: value.to(dtype) for name, value in state.items()}, metadata)

            # Read the file back into a fresh module, strictly by name, and record what it computes.
            loaded = SequenceModel(recurrent).to(dtype)
            loaded.load_state_dict(load_safetensors(path), strict=True)
            record["outputs"][label] = outputs(loaded, x.to(dtype)).double().tolist()
            print(f"wrote {os.path.relpath(path)}")

    with open(os.path.join(OUT, "sequence-outputs.json"), "w") as file:
        json.dump(record, file, indent=1)
        file.write("\n")


def check(key, path):
    """Loads a file StaticNet saved into the same module (strict names) and compares with the recorded outputs."""
    with open(os.path.join(OUT, "sequence-outputs.json")) as file:
        record = json.load(file)
    model = SequenceModel(nn.GRU if key == "gru" else nn.LSTM)
    model.load_state_dict(load_safetensors(path), strict=True)
    y = outputs(model, torch.tensor(record["input"], dtype=torch.float32)).double()
    error = (y - torch.tensor(record["outputs"][key], dtype=torch.float64)).abs().max().item()
    print(f"{path}: loads into the {key} model with strict names; largest difference from the recorded outputs {error:.3g}")
    sys.exit(0 if error <= 1e-6 else 1)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--check":
        check(sys.argv[2], sys.argv[3])
    else:
        main()
