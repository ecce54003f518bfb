#!/usr/bin/env python3
"""PyTorch side of StaticNet's round-trip test.

Trains a small nn.Sequential on a toy problem (three interleaved spirals, as in samples/Spiral), saves its state_dict
as safetensors files (F32, and the same weights as F64, F16 and BF16), and records the model's outputs on fixed inputs.
The files and outputs are committed under tests/StaticNet.Tests/PyTorch/; StaticNet.Tests loads them at run time
(SafeTensors.Load) and bakes spiral.safetensors in at compile time ([Network(Weights = ...)]), and both must give these
outputs within 1e-5.

Run with Debian's PyTorch:  /usr/bin/python3 tests/pytorch/spiral_round_trip.py
Check a file StaticNet saved: /usr/bin/python3 tests/pytorch/spiral_round_trip.py --check FILE

The `safetensors` package is not needed: the format is an 8-byte little-endian header length, a JSON header and the
raw little-endian data, written and read below in a few lines.
"""
import json
import math
import os
import struct
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "StaticNet.Tests", "PyTorch")
DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16"}
TORCH_DTYPES = {name: dtype for dtype, name in DTYPES.items()}


def save_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        tensor = tensor.detach().contiguous().cpu()
        # numpy has no bfloat16: take the raw 16-bit patterns; the machine is little-endian like the format.
        raw = tensor.view(torch.int16) if tensor.dtype in (torch.float16, torch.bfloat16) else tensor
        data = raw.numpy().tobytes()
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def load_safetensors(path):
    with open(path, "rb") as file:
        (length,) = struct.unpack("<Q", file.read(8))
        header = json.loads(file.read(length))
        data = file.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = TORCH_DTYPES[info["dtype"]]
        raw = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.int16 if dtype in (torch.float16, torch.bfloat16) else dtype)
        tensors[name] = raw.view(dtype).reshape(info["shape"]).clone()
    return tensors


def model():
    return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 3))


def spirals(points_per_class=100):
    xs, ys = [], []
    for c in range(3):
        for i in range(points_per_class):
            r = i / points_per_class
            t = c * 4 + 4 * r + 0.2 * math.sin(7.0 * i + c)  # deterministic "noise"
            xs.append([r * math.sin(t), r * math.cos(t)])
            ys.append(c)
    return torch.tensor(xs, dtype=torch.float32), torch.tensor(ys)


def fixed_inputs():
    grid = [[-0.9 + 0.6 * i, -0.9 + 0.6 * j] for i in range(4) for j in range(4)]
    return torch.tensor(grid + [[0.0, 0.0], [0.31, -0.47], [-0.05, 0.83], [1.5, -1.5]], dtype=torch.float32)


def probabilities(net, inputs):
    with torch.no_grad():
        return torch.softmax(net(inputs), dim=1)


def main():
    torch.manual_seed(0)
    net = model()
    x, y = spirals()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.02)
    for epoch in range(600):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(net(x), y)
        loss.backward()
        optimizer.step()
    accuracy = (net(x).argmax(dim=1) == y).float().mean().item()
    print(f"trained: loss {loss.item():.4f}, accuracy {accuracy:.3f}")

    inputs = fixed_inputs()
    state = net.state_dict()
    metadata = {"format": "pt", "source": "tests/pytorch/spiral_round_trip.py"}
    outputs = {"inputs": inputs.tolist(), "probabilities": {}}
    for dtype, name in DTYPES.items():
        suffix = "" if dtype == torch.float32 else "-" + name.lower()
        path = os.path.join(OUT, f"spiral{suffix}.safetensors")
        save_safetensors(path, {key: value.to(dtype) for key, value in state.items()}, metadata)

        # Read the file back into a fresh nn.Sequential, strictly by name, and record what it computes.
        loaded = model().to(torch.float64 if dtype == torch.float64 else torch.float32)
        loaded.load_state_dict({key: value.to(next(loaded.parameters()).dtype) for key, value in load_safetensors(path).items()}, strict=True)
        p = probabilities(loaded, inputs.to(next(loaded.parameters()).dtype))
        outputs["probabilities"][name] = p.double().tolist()
        print(f"wrote {os.path.relpath(path)}")

    with open(os.path.join(OUT, "spiral-outputs.json"), "w") as file:
        json.dump(outputs, file, indent=1)
        file.write("\n")


def check(path):
    """Loads a file StaticNet saved into the same nn.Sequential (strict names) and compares with the recorded outputs."""
    with open(os.path.join(OUT, "spiral-outputs.json")) as file:
        outputs = json.load(file)
    net = model()
    net.load_state_dict(load_safetensors(path), strict=True)
    p = probabilities(net, torch.tensor(outputs["inputs"], dtype=torch.float32)).double()
    error = (p - torch.tensor(outputs["probabilities"]["F32"], dtype=torch.float64)).abs().max().item()
    print(f"{path}: loads into nn.Sequential with strict names; largest difference from the recorded outputs {error:.3g}")
    sys.exit(0 if error <= 1e-6 else 1)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        main()
