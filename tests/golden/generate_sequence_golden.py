#!/usr/bin/python3
"""Golden data for StaticNet's sequence networks: PyTorch's float64 results on random networks of Conv1D, GRU, LSTM and
Dense layers, run over whole sequences.

Run from anywhere with the system Python (Debian's python3-torch and python3-numpy):

    /usr/bin/python3 tests/golden/generate_sequence_golden.py

It writes, next to this script, deterministically from SEED (gzip with mtime 0):

    golden-sequence.json     the index: one entry per network (name, precision, input size, layers, loss, learning rate,
                             sequence length, and where its numbers start in golden-sequence.bin.gz)
    golden-sequence.bin.gz   every number, little-endian float64, gzip-compressed

Every architecture is drawn once and appears twice, declared with Precision.Single (SF000...) and with Precision.Double
(SD000..., the same index), each with its own parameters and data. Per network, with P parameters, T frames, I inputs
and O outputs per frame, the numbers are, in this order:

    parameters[P]            StaticNet's flat block, PyTorch's order and layout (below)
    inputs[T*I]              the sequence, frame by frame ([T][I] row-major)
    targets[T*O]             one target per frame
    outputs[T*O]             the network's output at every frame (after the last layer's activation, softmax included)
    loss[1]
    gradient[P]              dLoss/dParameters, same layout as the parameters
    inputGradient[T*I]       dLoss/dInputs
    parametersAfterStep[P]   the parameters after torch.optim.SGD(lr).step() on that gradient

The semantics (one sequence, batch_first, from the zero state):

    Conv1D(C, K, D, act)  causal convolution, stride 1: nn.Conv1d(in, C, K, dilation=D) on the input left-padded with
                          (K-1)*D zero frames, then act; output frame t sees input frames t-(K-1)*D ... t, and weight
                          tap k multiplies input frame t - (K-1-k)*D (tap K-1 the current frame)
    Gru(H)                nn.GRU(in, H, batch_first=True), one layer, bias; output h_t at every frame
    Lstm(H)               nn.LSTM(in, H, batch_first=True), likewise
    Dense(N, act)         nn.Linear(in, N) and act at every frame (Softmax over the frame's N outputs)

and the parameter layout, per layer in order:

    Conv1D  weight [C][in][K], bias [C]
    Gru     weight_ih [3H][in], weight_hh [3H][H], bias_ih [3H], bias_hh [3H]     gates r, z, n
    Lstm    weight_ih [4H][in], weight_hh [4H][H], bias_ih [4H], bias_hh [4H]     gates i, f, g, o
    Dense   weight [N][in], bias [N]

Losses (PyTorch's own): MeanSquaredError is F.mse_loss over [T, O] (the mean over frames and outputs); CrossEntropy is
F.cross_entropy of the last Dense layer's logits [T, O] with a probability (or one-hot) target per frame, the mean over
frames; BinaryCrossEntropy is F.binary_cross_entropy of the last layer's sigmoid output over [T, O]. As in
generate_golden.py the data keeps the clamps inactive (softmax probabilities of cross-entropy networks in
[1e-6, 1 - 1e-6], sigmoid outputs of BCE networks in [1e-4, 1 - 1e-4]) and ReLU/LeakyReLU pre-activations at least 1e-3
from 0, Softplus ones at least 1e-3 from its threshold 20.

For Single networks the parameters, inputs, targets and learning rate are values a float holds exactly; PyTorch always
computes in float64.

Before anything is written, every network is run a second time through hand-written per-frame loops in float64 (the
causal convolution as a loop over frames and taps, the GRU and LSTM cells from their equations, the losses term by term),
and outputs, loss, dLoss/dParameters and dLoss/dInputs must agree with the nn modules' to 1e-12 (relative to the
largest value of each).
"""

import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import generate_golden as golden  # noqa: E402  (the shared activations, rounding and record writer)

SEED = 20261202
ARCHITECTURES = 110
PRECISIONS = golden.PRECISIONS
SEQUENCE_KINDS = ["Conv1D", "Gru", "Lstm"]
# Conv1D and Dense layers take any activation; Softmax only on a last Dense layer (a diagnostic elsewhere).
FRAME_ACTIVATIONS = golden.ALL_HIDDEN
LOSSES = ["MeanSquaredError", "CrossEntropy", "MeanSquaredError", "BinaryCrossEntropy"]
KERNEL_SIZES = [1, 2, 3, 4, 5]
DILATIONS = [1, 2, 3, 4]
MAX_SIZE = 40
MAX_LENGTH = 50
# Layer sizes: mostly small, to keep the data compact; now and then up to the limit of 40.
SMALL_SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17]
LARGE_SIZES = [23, 24, 25, 31, 32, 33, 39, 40]
PARAMETER_BUDGET = 300
# One network in ten has a recurrent layer of a medium width (vector tails at 128, 256 and 512 bits), with more room.
MEDIUM_SIZES = [8, 12, 15, 16, 17, 20, 24]
MEDIUM_BUDGET = 2600
# Initialisation: PyTorch's default bounds (1/sqrt(fan-in), U(-1/sqrt(H), 1/sqrt(H)) for recurrent layers) scaled so
# that over 50 frames gradients neither vanish nor explode: larger recurrent weights, and the GRU's update gate and the
# LSTM's forget gate biased towards keeping the state. Over 50 frames the last output's sensitivity to the first input
# is then typically 0.1 of its sensitivity to the current one (main() prints the spread and checks its median).
DENSE_GAIN = 1.5
CONV_GAIN = 1.5
INPUT_GAIN = 1.0
RECURRENT_GAIN = (1.0, 2.0)
MEMORY_BIAS = (2.0, 4.0)
AGREEMENT = 1e-12
MEDIAN_MEMORY = 1e-2
LARGEST_GRADIENT = 1e3


class SequenceNet:
    """One network: its declaration and sequence length."""

    def __init__(self, precision, input_size, layers, loss, length):
        self.precision = precision
        self.input_size = input_size
        self.layers = layers
        self.loss = loss
        self.length = length

    @property
    def output_size(self):
        return self.layers[-1]["size"]

    def blocks(self):
        """(layer index, block name, shape) of every parameter block, in StaticNet's (PyTorch's) order."""
        inputs = self.input_size
        for l, layer in enumerate(self.layers):
            n = layer["size"]
            if layer["kind"] == "Conv1D":
                yield l, "weight", (n, inputs, layer["kernelSize"])
                yield l, "bias", (n,)
            elif layer["kind"] in ("Gru", "Lstm"):
                gates = 3 if layer["kind"] == "Gru" else 4
                yield l, "weight_ih", (gates * n, inputs)
                yield l, "weight_hh", (gates * n, n)
                yield l, "bias_ih", (gates * n,)
                yield l, "bias_hh", (gates * n,)
            else:
                yield l, "weight", (n, inputs)
                yield l, "bias", (n,)
            inputs = n

    @property
    def parameter_count(self):
        return sum(int(np.prod(shape)) for _, _, shape in self.blocks())


class Deck:
    """Draws the items of a list in shuffled rounds, so every item comes up as often as the others."""

    def __init__(self, rng, items):
        self.rng, self.items, self.pending = rng, list(items), []

    def next(self):
        if not self.pending:
            self.pending = [self.items[i] for i in self.rng.permutation(len(self.items))]
        return self.pending.pop()


def architectures(rng):
    """The ARCHITECTURES architectures: (input size, layers, loss, length); the last few at the size limits."""
    activations = {"Conv1D": Deck(rng, FRAME_ACTIVATIONS), "Dense": Deck(rng, FRAME_ACTIVATIONS)}
    taps = Deck(rng, [(k, d) for k in KERNEL_SIZES for d in DILATIONS])
    kinds = Deck(rng, SEQUENCE_KINDS)
    pairs = Deck(rng, [(a, b) for a in SEQUENCE_KINDS for b in SEQUENCE_KINDS])

    def size():
        return int(rng.choice(LARGE_SIZES if rng.random() < 0.08 else SMALL_SIZES))

    def frame_layer(kind, n):
        layer = {"kind": kind, "size": n}
        if kind == "Conv1D":
            k, d = taps.next()
            layer.update(kernelSize=k, dilation=d)
        if kind in ("Conv1D", "Dense"):
            layer["activation"] = activations[kind].next()
        return layer

    result = []
    large = large_architectures()
    while len(result) < ARCHITECTURES - len(large):
        i = len(result)
        loss = LOSSES[i % len(LOSSES)]
        layers = []
        if rng.random() < 0.3:
            layers.append(frame_layer("Dense", size()))
        count = 1 + i % 3
        chosen = [kinds.next()] if count == 1 else list(pairs.next()) + [kinds.next() for _ in range(count - 2)]
        medium = i % 10 == 5
        if medium and not any(kind in ("Gru", "Lstm") for kind in chosen):
            chosen[int(rng.integers(count))] = "Gru" if i % 20 == 5 else "Lstm"
        featured = None
        for s, kind in enumerate(chosen):
            if s > 0 and rng.random() < 0.3:
                layers.append(frame_layer("Dense", size()))
            layers.append(frame_layer(kind, size()))
            if medium and featured is None and kind in ("Gru", "Lstm"):
                featured = layers[-1]
                featured["size"] = int(rng.choice(MEDIUM_SIZES))
        if rng.random() < 0.5:
            layers.append(frame_layer("Dense", size()))
        last = layers[-1]
        if loss == "CrossEntropy":
            if last["kind"] != "Dense":
                layers.append(frame_layer("Dense", size()))
            layers[-1]["activation"] = "Softmax"
            layers[-1]["size"] = max(2, layers[-1]["size"])  # one class is a softmax of 1, on StaticNet's clamp
        elif loss == "BinaryCrossEntropy":
            if last["kind"] not in ("Dense", "Conv1D"):
                room = sum(layer["kind"] in SEQUENCE_KINDS for layer in layers) < 3
                layers.append(frame_layer("Conv1D" if room and rng.random() < 0.5 else "Dense", size()))
            layers[-1]["activation"] = "Sigmoid"
        elif last["kind"] == "Dense" and rng.random() < 0.1:
            layers[-1]["activation"] = "Softmax"
        input_size = size()
        length = 1 if i % 12 == 0 else MAX_LENGTH if i % 12 == 1 else int(rng.integers(2, MAX_LENGTH + 1))
        # Over the budget: halve the widest size until it fits (every draw is kept, so the decks stay balanced); a medium
        # network's featured layer last.
        budget = MEDIUM_BUDGET if medium else PARAMETER_BUDGET
        while SequenceNet("Double", input_size, layers, loss, length).parameter_count > budget:
            smallest = lambda layer: 2 if layer is layers[-1] and loss == "CrossEntropy" else 1  # noqa: E731
            others = [layer for layer in layers if layer is not featured and layer["size"] > smallest(layer)]
            widest = max(others or [featured], key=lambda layer: layer["size"])
            if input_size > 1 and (input_size >= widest["size"] or not others):
                input_size //= 2
            else:
                widest["size"] = max(smallest(widest), widest["size"] // 2)
        result.append((input_size, layers, loss, length))
    return result + large


def large_architectures():
    """Networks at the size limits: 40 inputs, layers of 40 (recurrent and from 40 channels), kernel 5 and dilation 4, 50 frames."""
    conv = {"kind": "Conv1D", "size": MAX_SIZE, "kernelSize": 5, "dilation": 4}
    return [
        (MAX_SIZE, [{"kind": "Gru", "size": MAX_SIZE}], "MeanSquaredError", MAX_LENGTH),
        (1, [{"kind": "Lstm", "size": MAX_SIZE}, {"kind": "Dense", "size": MAX_SIZE, "activation": "Softmax"}],
         "CrossEntropy", MAX_LENGTH),
        (1, [dict(conv, activation="Gelu"), dict(conv, size=1, activation="Sigmoid")], "BinaryCrossEntropy", MAX_LENGTH),
    ]


def draw_parameters(rng, net):
    """Every parameter block (float64 arrays, exact in the network's precision), in layout order."""
    blocks = []
    inputs = net.input_size
    for layer in net.layers:
        n, kind = layer["size"], layer["kind"]
        if kind in ("Gru", "Lstm"):
            gates = 3 if kind == "Gru" else 4
            bound = 1 / np.sqrt(n)
            gain = rng.uniform(*RECURRENT_GAIN)
            weight_ih = rng.uniform(-1, 1, size=(gates * n, inputs)) * INPUT_GAIN / np.sqrt(inputs)
            weight_hh = rng.uniform(-1, 1, size=(gates * n, n)) * gain * bound
            bias_ih = rng.uniform(-bound, bound, size=gates * n)
            bias_hh = rng.uniform(-bound, bound, size=gates * n)
            # The GRU's update gate z (keeps h) is its second block, the LSTM's forget gate f too.
            bias_hh[n:2 * n] += rng.uniform(*MEMORY_BIAS)
            blocks += [weight_ih, weight_hh, bias_ih, bias_hh]
        else:
            fan_in = inputs * (layer["kernelSize"] if kind == "Conv1D" else 1)
            limit = (CONV_GAIN if kind == "Conv1D" else DENSE_GAIN) / np.sqrt(fan_in)
            shape = (n, inputs, layer["kernelSize"]) if kind == "Conv1D" else (n, inputs)
            blocks += [rng.uniform(-limit, limit, size=shape), rng.uniform(-0.5, 0.5, size=n)]
        inputs = n
    return [golden.rounded(net.precision, b) for b in blocks]


def draw_data(rng, net):
    """Inputs [T][I], targets [T][O] and the learning rate."""
    T, O = net.length, net.output_size
    x = golden.rounded(net.precision, rng.uniform(-1, 1, size=(T, net.input_size)))
    if net.loss == "CrossEntropy":
        if rng.random() < 0.3:
            t = np.zeros((T, O))
            t[np.arange(T), rng.integers(O, size=T)] = 1.0
        else:
            t = rng.uniform(0.05, 1.05, size=(T, O))
            t = golden.rounded(net.precision, t / t.sum(axis=1, keepdims=True))
    elif net.loss == "BinaryCrossEntropy":
        t = golden.rounded(net.precision, rng.uniform(0, 1, size=(T, O)))
        if rng.random() < 0.3:
            t = np.round(t)
    else:
        t = golden.rounded(net.precision, rng.uniform(-1, 1, size=(T, O)))
    learning_rate = float(golden.rounded(net.precision, rng.uniform(0.01, 0.5)))
    return x, t, learning_rate


def activate(name, z):
    """An activation on frames [T][N]: softmax over each frame's outputs, the others element by element."""
    return torch.softmax(z, dim=-1) if name == "Softmax" else golden.activate(name, z)


def loss_of(net, output, logits, target):
    if net.loss == "CrossEntropy":
        return F.cross_entropy(logits, target)
    if net.loss == "BinaryCrossEntropy":
        return F.binary_cross_entropy(output, target)
    return F.mse_loss(output, target)


def forward_modules(net, blocks, x):
    """
    The network through PyTorch's nn modules. Returns the leaf parameter tensors (layout order), the output [T][O], the
    last layer's pre-activation [T][O] (the logits of a softmax) and every Conv1D and Dense layer's pre-activations.
    """
    tensors, pre = [], []
    a, inputs, z = x, net.input_size, None
    blocks = iter(blocks)
    for layer in net.layers:
        n, kind = layer["size"], layer["kind"]
        if kind == "Conv1D":
            module = nn.Conv1d(inputs, n, layer["kernelSize"], dilation=layer["dilation"])
            names = ["weight", "bias"]
        elif kind == "Gru":
            module = nn.GRU(inputs, n, batch_first=True)
            names = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
        elif kind == "Lstm":
            module = nn.LSTM(inputs, n, batch_first=True)
            names = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
        else:
            module = nn.Linear(inputs, n)
            names = ["weight", "bias"]
        module = module.double()
        assert [name for name, _ in module.named_parameters()] == names
        with torch.no_grad():
            for name in names:
                getattr(module, name).copy_(torch.from_numpy(next(blocks)))
        tensors += [getattr(module, name) for name in names]
        if kind == "Conv1D":
            padded = F.pad(a.t().unsqueeze(0), ((layer["kernelSize"] - 1) * layer["dilation"], 0))
            z = module(padded).squeeze(0).t()
            pre.append(z)
            a = activate(layer["activation"], z)
        elif kind in ("Gru", "Lstm"):
            a = module(a.unsqueeze(0))[0].squeeze(0)
            z = a
        else:
            z = module(a)
            pre.append(z)
            a = activate(layer["activation"], z)
        inputs = n
    assert next(blocks, None) is None
    return tensors, a, z, pre


def forward_by_hand(net, blocks, x):
    """
    The same network as per-frame loops written from the definitions (float64), for the self-check: returns the leaf
    parameter tensors, the output [T][O] and the loss's own input (the logits for cross-entropy).
    """
    tensors = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in blocks]
    params = iter(tensors)
    T = net.length
    frames = [x[t] for t in range(T)]
    logits = None
    for layer in net.layers:
        n, kind = layer["size"], layer["kind"]
        if kind == "Conv1D":
            w, b = next(params), next(params)
            K, D = layer["kernelSize"], layer["dilation"]
            z = []
            for t in range(T):
                s = b
                for k in range(K):
                    source = t - (K - 1 - k) * D
                    if source >= 0:
                        s = s + w[:, :, k] @ frames[source]
                z.append(s)
            logits = z
            frames = [activate_frame(layer["activation"], v) for v in z]
        elif kind == "Gru":
            w_ih, w_hh, b_ih, b_hh = (next(params) for _ in range(4))
            h = torch.zeros(n, dtype=torch.float64)
            out = []
            for t in range(T):
                gi, gh = w_ih @ frames[t] + b_ih, w_hh @ h + b_hh
                r = torch.sigmoid(gi[:n] + gh[:n])
                u = torch.sigmoid(gi[n:2 * n] + gh[n:2 * n])
                c = torch.tanh(gi[2 * n:] + r * gh[2 * n:])
                h = (1 - u) * c + u * h
                out.append(h)
            frames = logits = out
        elif kind == "Lstm":
            w_ih, w_hh, b_ih, b_hh = (next(params) for _ in range(4))
            h = torch.zeros(n, dtype=torch.float64)
            c = torch.zeros(n, dtype=torch.float64)
            out = []
            for t in range(T):
                g = w_ih @ frames[t] + b_ih + w_hh @ h + b_hh
                i, f, cell, o = torch.sigmoid(g[:n]), torch.sigmoid(g[n:2 * n]), torch.tanh(g[2 * n:3 * n]), torch.sigmoid(g[3 * n:])
                c = f * c + i * cell
                h = o * torch.tanh(c)
                out.append(h)
            frames = logits = out
        else:
            w, b = next(params), next(params)
            logits = [w @ v + b for v in frames]
            frames = [activate_frame(layer["activation"], v) for v in logits]
    assert next(params, None) is None
    return tensors, torch.stack(frames), torch.stack(logits)


def activate_frame(name, z):
    """One frame's activation, written out (softmax through exp and a sum)."""
    if name == "Softmax":
        e = torch.exp(z - z.max())
        return e / e.sum()
    return golden.activate(name, z)


def loss_by_hand(net, output, logits, target):
    T, O = output.shape
    if net.loss == "CrossEntropy":
        total = 0
        for t in range(T):
            shifted = logits[t] - logits[t].max()
            total = total - (target[t] * (shifted - torch.log(torch.exp(shifted).sum()))).sum()
        return total / T
    if net.loss == "BinaryCrossEntropy":
        return -(target * torch.log(output) + (1 - target) * torch.log(1 - output)).sum() / (T * O)
    return ((output - target) ** 2).sum() / (T * O)


def acceptable(net, output, pre):
    """Off ReLU's kink and Softplus's threshold, and the cross-entropy losses' clamps inactive."""
    frame_layers = [layer for layer in net.layers if layer["kind"] != "Gru" and layer["kind"] != "Lstm"]
    for layer, z in zip(frame_layers, pre):
        if not golden.off_kinks(layer["activation"], z.detach().numpy()):
            return False
    p = output.detach().numpy()
    if net.loss == "CrossEntropy" and not ((p >= 1e-6) & (p <= 1 - 1e-6)).all():
        return False
    if net.loss == "BinaryCrossEntropy" and not ((p >= 1e-4) & (p <= 1 - 1e-4)).all():
        return False
    return True


def agree(name, what, expected, actual):
    expected, actual = np.asarray(expected, dtype=np.float64), np.asarray(actual, dtype=np.float64)
    error = np.max(np.abs(expected - actual), initial=0.0) / max(1.0, np.max(np.abs(expected), initial=0.0))
    assert error <= AGREEMENT, f"{name}: {what} of the nn modules and of the per-frame loops differ by {error:.3g}"
    return error


def memory(net, blocks, x):
    """
    How far back the last output frame looks: max |d v.y[T-1] / dx[0]| over max_t |d v.y[T-1] / dx[t]|, for a fixed
    random v (a softmax's outputs sum to 1), 0 for a network that cannot see that far.
    """
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    _, output, _, _ = forward_modules(net, blocks, xt)
    v = torch.tensor(np.random.default_rng(net.output_size).uniform(0.5, 1.5, size=net.output_size) * (-1) ** np.arange(net.output_size))
    (jacobian,) = torch.autograd.grad((output[-1] * v).sum(), xt)
    row = np.abs(jacobian.numpy()).max(axis=1)
    return float(row[0] / row.max()) if row.max() > 0 else 0.0


def run(rng, net):
    """Draws the network's data until acceptable, runs PyTorch and the self-check; returns the values and diagnostics."""
    for _ in range(1000):
        blocks = draw_parameters(rng, net)
        x, t, learning_rate = draw_data(rng, net)
        xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        tt = torch.tensor(t, dtype=torch.float64)
        tensors, output, logits, pre = forward_modules(net, blocks, xt)
        if acceptable(net, output, pre):
            break
    else:
        raise RuntimeError(f"could not draw data for {net.layers} {net.loss} T={net.length}")
    loss = loss_of(net, output, logits, tt)
    loss.backward()
    gradient = np.concatenate([p.grad.numpy().ravel() for p in tensors])
    input_gradient = xt.grad.numpy().ravel().copy()
    before = np.concatenate([p.detach().numpy().ravel() for p in tensors])
    torch.optim.SGD(tensors, lr=learning_rate).step()
    after = np.concatenate([p.detach().numpy().ravel() for p in tensors])

    # The self-check: the same numbers from the per-frame loops.
    xh = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    hand, output_h, logits_h = forward_by_hand(net, blocks, xh)
    loss_h = loss_by_hand(net, output_h, logits_h, tt)
    loss_h.backward()
    name = f"{net.precision} {net.layers}"
    errors = [
        agree(name, "outputs", output.detach().numpy(), output_h.detach().numpy()),
        agree(name, "loss", [loss.item()], [loss_h.item()]),
        agree(name, "dLoss/dParameters", gradient, np.concatenate([p.grad.numpy().ravel() for p in hand])),
        agree(name, "dLoss/dInputs", input_gradient, xh.grad.numpy().ravel()),
    ]
    assert before.size == net.parameter_count
    values = np.concatenate([before, x.ravel(), t.ravel(), output.detach().numpy().ravel(), [loss.item()], gradient,
                             input_gradient, after]).astype("<f8")
    assert np.isfinite(values).all()
    diagnostics = {"agreement": max(errors), "gradient": float(np.abs(gradient).max()), "memory": memory(net, blocks, x)}
    return values, learning_rate, diagnostics


def check_coverage(nets):
    """What tests/golden/README.md promises about golden-sequence, per precision."""
    for precision in PRECISIONS:
        mine = [n for n in nets if n.precision == precision]
        assert len(mine) >= 100, len(mine)
        kinds = lambda n: [layer["kind"] for layer in n.layers]  # noqa: E731
        for count in (1, 2, 3):
            assert any(sum(k in SEQUENCE_KINDS for k in kinds(n)) == count for n in mine)
        assert all(1 <= sum(k in SEQUENCE_KINDS for k in kinds(n)) <= 3 for n in mine)
        for kind in SEQUENCE_KINDS:
            assert any(kinds(n)[0] == kind for n in mine), kind
            assert any(kinds(n)[-1] == kind for n in mine), kind
            assert any(n.input_size == 1 and kinds(n)[0] == kind for n in mine), kind
            for size in (1, MAX_SIZE):
                assert any(layer["kind"] == kind and layer["size"] == size for n in mine for layer in n.layers), (kind, size)
            # A Dense layer right before and right after each kind.
            assert any(a == "Dense" and b == kind for n in mine for a, b in zip(kinds(n), kinds(n)[1:])), kind
            assert any(a == kind and b == "Dense" for n in mine for a, b in zip(kinds(n), kinds(n)[1:])), kind
        for a in SEQUENCE_KINDS:
            for b in SEQUENCE_KINDS:
                assert any(x == a and y == b for n in mine for x, y in zip(kinds(n), kinds(n)[1:])), (a, b)
        convs = [layer for n in mine for layer in n.layers if layer["kind"] == "Conv1D"]
        for k in KERNEL_SIZES:
            for d in DILATIONS:
                assert any(c["kernelSize"] == k and c["dilation"] == d for c in convs), (k, d)
        for activation in FRAME_ACTIVATIONS:
            for kind in ("Conv1D", "Dense"):
                assert any(layer["kind"] == kind and layer["activation"] == activation for n in mine for layer in n.layers)
        for kind in SEQUENCE_KINDS + ["Dense"]:
            assert any(n.loss == "MeanSquaredError" and n.layers[-1]["kind"] == kind for n in mine), kind
        assert any(n.loss == "MeanSquaredError" and n.layers[-1].get("activation") == "Softmax" for n in mine)
        assert all(n.layers[-1]["kind"] == "Dense" and n.layers[-1]["activation"] == "Softmax" for n in mine if n.loss == "CrossEntropy")
        assert all(n.layers[-1].get("activation") == "Sigmoid" for n in mine if n.loss == "BinaryCrossEntropy")
        for kind in ("Dense", "Conv1D"):
            assert any(n.loss == "BinaryCrossEntropy" and n.layers[-1]["kind"] == kind for n in mine), kind
        assert all(layer.get("activation") != "Softmax" for n in mine for layer in n.layers[:-1])
        lengths = {n.length for n in mine}
        assert 1 in lengths and MAX_LENGTH in lengths and all(1 <= T <= MAX_LENGTH for T in lengths)
        # Sequences shorter than a convolution's reach (every tap but the last sees only padding at some frame).
        assert any(n.length <= (c["kernelSize"] - 1) * c["dilation"] for n in mine for c in n.layers if c["kind"] == "Conv1D")
        sizes = [n.input_size for n in mine] + [layer["size"] for n in mine for layer in n.layers]
        assert min(sizes) == 1 and max(sizes) == MAX_SIZE


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(SEED)  # the modules' own initialisation, overwritten; fixed anyway
    rng = np.random.default_rng(SEED)
    designs = architectures(rng)
    nets = [SequenceNet(precision, inputs, [dict(layer) for layer in layers], loss, T)
            for precision in PRECISIONS for inputs, layers, loss, T in designs]
    check_coverage(nets)

    chunks, index, offset, diagnostics = [], [], 0, []
    counters = {p: 0 for p in PRECISIONS}
    for net in nets:
        values, learning_rate, diagnostic = run(rng, net)
        diagnostics.append(diagnostic)
        name = f"S{'F' if net.precision == 'Single' else 'D'}{counters[net.precision]:03d}"
        counters[net.precision] += 1
        index.append({
            "name": name,
            "precision": net.precision,
            "inputSize": net.input_size,
            "layers": net.layers,
            "loss": net.loss,
            "learningRate": learning_rate,
            "length": net.length,
            "offset": offset,
            "count": len(values),
        })
        chunks.append(values.tobytes())
        offset += len(values)

    head = {
        "description": "PyTorch float64 results on random StaticNet sequence networks (Conv1D, GRU, LSTM, Dense); see tests/golden/README.md.",
        "generator": "tests/golden/generate_sequence_golden.py",
        "seed": SEED,
        "torch": torch.__version__,
        "numpy": np.__version__,
        **golden.environment(),
        "values": offset,
    }
    golden.write_data(here, "golden-sequence", head, index, chunks)

    agreement = max(d["agreement"] for d in diagnostics)
    largest = max(d["gradient"] for d in diagnostics)
    recurrent = [d["memory"] for n, d in zip(nets, diagnostics)
                 if n.length >= 30 and any(layer["kind"] in ("Gru", "Lstm") for layer in n.layers)]
    print(f"golden-sequence: {len(nets)} networks ({counters['Single']} float, {counters['Double']} double), "
          f"{sum(n.parameter_count for n in nets)} parameters, {offset} values")
    print(f"  nn modules against per-frame loops: largest difference {agreement:.2g} (allowed {AGREEMENT:g})")
    print(f"  largest |dLoss/dParameter| {largest:.3g}")
    if recurrent:
        q = np.quantile(recurrent, [0, 0.1, 0.5, 0.9, 1])
        print(f"  recurrent networks of >= 30 frames: |d v.y[T-1]/dx[0]| / max_t |d v.y[T-1]/dx[t]| "
              f"min {q[0]:.2g}, 10% {q[1]:.2g}, median {q[2]:.2g}, 90% {q[3]:.2g}, max {q[4]:.2g} ({len(recurrent)} networks)")
    # Neither vanishing (the first frames still matter at the end of a long sequence) nor exploding.
    assert len(recurrent) >= 20 and np.median(recurrent) >= MEDIAN_MEMORY
    assert largest <= LARGEST_GRADIENT


if __name__ == "__main__":
    sys.exit(main())
