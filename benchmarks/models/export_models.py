#!/usr/bin/python3
"""Writes the benchmark networks T1, T2 and T3 from one PyTorch module each, in two formats:

- T{n}.safetensors: the module's state_dict (names 0.weight, 0.bias, 2.weight, ...), which StaticNet's benchmark
  networks load (SafeTensors.Load) and copy into the scalar C#, TensorPrimitives and TorchSharp peers;
- T{n}.onnx: the same module exported by torch.onnx.export (weights as initializers, a dynamic batch dimension), which
  ONNX Runtime runs.

So StaticNet, ONNX Runtime and TorchSharp compute the same function; `StaticNet.Benchmarks --check` (run by CI) checks
that they agree to 1e-5 on the same inputs before anything is timed. The files are committed, so neither CI nor a
benchmark run needs PyTorch: run this again only to change the networks.

The topologies and the weights follow ../shared/anchors/README.md: T1 2->16->16->1 (tanh, tanh, identity), T2
64->64->64->10 and T3 784->128->64->10 (ReLU, ReLU, softmax); weights uniform in +-1/sqrt(fan_in), biases uniform in
+-0.1, from a seeded generator. The softmax of T2 and T3 is part of the module (nn.Softmax(dim=1), after the last
Linear), so the ONNX model outputs probabilities as StaticNet's Forward does; a training step uses the logits (the
module without its last entry) with cross-entropy, as PyTorch code does.

Run with Debian's PyTorch 1.13 (python3-torch); neither the onnx nor the safetensors package is needed:
    /usr/bin/python3 benchmarks/models/export_models.py
"""
import json
import os
import struct

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OPSET = 17  # the newest torch 1.13 exports; ONNX Runtime 1.31 runs it

# name: (layer sizes, hidden activation, softmax output, seed)
TOPOLOGIES = {
    "T1": ([2, 16, 16, 1], nn.Tanh, False, 1),
    "T2": ([64, 64, 64, 10], nn.ReLU, True, 2),
    "T3": ([784, 128, 64, 10], nn.ReLU, True, 3),
}


def module(sizes, hidden, softmax, seed):
    """nn.Sequential of Linear layers with `hidden` between them, and nn.Softmax(dim=1) last if `softmax`."""
    generator = torch.Generator().manual_seed(seed)
    layers = []
    for i, (inputs, outputs) in enumerate(zip(sizes, sizes[1:])):
        linear = nn.Linear(inputs, outputs)
        with torch.no_grad():
            limit = 1.0 / inputs ** 0.5
            linear.weight.copy_((torch.rand(outputs, inputs, generator=generator) * 2 - 1) * limit)
            linear.bias.copy_((torch.rand(outputs, generator=generator) * 2 - 1) * 0.1)
        layers.append(linear)
        if i + 2 < len(sizes):
            layers.append(hidden())
    if softmax:
        layers.append(nn.Softmax(dim=1))
    return nn.Sequential(*layers).eval()


def save_safetensors(path, tensors, metadata):
    """The safetensors format: an 8-byte little-endian header length, a JSON header, the raw little-endian data."""
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        data = tensor.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main():
    for name, (sizes, hidden, softmax, seed) in TOPOLOGIES.items():
        net = module(sizes, hidden, softmax, seed)
        activation = "Tanh" if hidden is nn.Tanh else "ReLU"
        activations = [activation] * (len(sizes) - 2) + ["Softmax" if softmax else "Identity"]
        metadata = {
            "staticnet.layers": ",".join(str(size) for size in sizes),
            "staticnet.activations": ",".join(activations),
            "staticnet.loss": "CrossEntropy" if softmax else "MeanSquaredError",
            "staticnet.precision": "Single",
        }
        save_safetensors(os.path.join(HERE, f"{name}.safetensors"), net.state_dict(), metadata)
        example = torch.zeros(1, sizes[0])
        torch.onnx.export(
            net, (example,), os.path.join(HERE, f"{name}.onnx"),
            input_names=["input"], output_names=["output"],
            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
            opset_version=OPSET, do_constant_folding=True, export_params=True)
        parameters = sum(p.numel() for p in net.parameters())
        print(f"{name}: {' -> '.join(map(str, sizes))}, {', '.join(activations)}, {parameters:,} parameters")


if __name__ == "__main__":
    main()
