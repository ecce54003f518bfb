#!/usr/bin/python3
"""Golden data for StaticNet: PyTorch's float64 results on a fixed matrix of random dense networks.

Run from anywhere with the system Python (Debian's python3-torch and python3-numpy):

    /usr/bin/python3 tests/golden/generate_golden.py

It writes two data sets of the same format, next to this script, each from its own seed:

    golden.json     the index: one entry per network (name, precision, layer sizes, activations, loss, learning rate,
                    the group it belongs to, and where its numbers start in golden.bin.gz)
    golden.bin.gz   every number, little-endian float64, gzip-compressed (mtime 0, so the bytes are reproducible)

    golden-activations.json, golden-activations.bin.gz
                    the same for networks with GELU (exact, erf), SiLU, ELU (alpha 1) and Softplus (beta 1, threshold 20)
                    in hidden and output position, mixed with the other activations (names AF000... and AD000...),
                    then the "matrix" networks: whatever golden and those miss of the combinations of activations,
                    losses, depths and kernel shapes that the two data sets promise together (check_union_coverage)

Per network the numbers are, in this order (P = parameter count, n0 = input size, nL = output size):

    parameters[P]            StaticNet's layout: per layer the weights [out][in] row-major, then the bias [out]
    input[n0], target[nL]    one sample
    output[nL]               the network's output (after the output activation, softmax included)
    loss[1]
    gradient[P]              dLoss/dParameters, same layout as the parameters
    inputGradient[n0]        dLoss/dInput
    parametersAfterStep[P]   the parameters after torch.optim.SGD(lr).step() on that gradient

For Single (float) networks the parameters, input, target and learning rate are values a float holds exactly, so the
float network and PyTorch start from the same numbers; PyTorch always computes in float64. Double networks get full
53-bit values.

The losses are PyTorch's own: nn.functional.mse_loss, cross_entropy on the logits with a probability (or one-hot)
target, binary_cross_entropy on the sigmoid output. StaticNet clamps probabilities to [1e-7, 1 - 1e-7] inside its
cross-entropy losses and PyTorch clamps log at -100; the data is drawn so that neither clamp is active (every softmax
probability in [1e-6, 1 - 1e-6], every sigmoid output of a BCE network in [1e-4, 1 - 1e-4]), where both definitions
agree. ReLU-family pre-activations are kept at least 1e-3 away from the kink so that float rounding cannot flip a
derivative, except in the "edge" networks, whose chosen units have a pre-activation of exactly 0 (ReLU'(0) = 0 and
LeakyReLU'(0) = 0.01 in PyTorch), and the "saturated" networks, whose output logits are exactly +1000, -1000 and 0
(softmax, sigmoid and tanh outputs of exactly 0 and 1; a cross-entropy target there puts its mass on the classes of
probability 1/k only, so that the clamps stay inactive).

In golden-activations the pre-activations of most networks are placed on purpose (each layer's bias is set so that
every unit's pre-activation lands where it is drawn): negative, around 0 and positive, and for Softplus also far
negative, just below its threshold of 20 and beyond it; Softplus pre-activations are kept at least 1e-3 from 20 (where
PyTorch switches from log1p(exp(z)) to z) except in its "edge" networks, which sit exactly on 20 (PyTorch takes the
log1p branch there: its test is z > 20).

generate_sequence_golden.py imports this module for its shared parts (activations, rounding, the record writer).
"""

import gzip
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

SEED = 20240603
ACTIVATION_SEED = 20261201
ACTIVATIONS = ["Identity", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax"]
HIDDEN = ["Identity", "ReLU", "LeakyReLU", "Sigmoid", "Tanh"]
# Every valid (output activation, loss): CrossEntropy needs Softmax, BinaryCrossEntropy needs Sigmoid (other pairs are
# compile errors SNET0009 / SNET0010).
OUTPUTS = [(a, "MeanSquaredError") for a in ACTIVATIONS] + [("Softmax", "CrossEntropy"), ("Sigmoid", "BinaryCrossEntropy")]
PRECISIONS = ["Single", "Double"]
LEAKY_SLOPE = 0.01
KINK_MARGIN = 1e-3

# The activations of golden-activations (StaticNet's enum names), with PyTorch's defaults: F.gelu(approximate="none"),
# F.silu, F.elu(alpha=1), F.softplus(beta=1, threshold=20). They are valid after MSE only as output activations.
NEW_ACTIVATIONS = ["Gelu", "Silu", "Elu", "Softplus"]
ALL_HIDDEN = HIDDEN + NEW_ACTIVATIONS
NEW_OUTPUTS = [(a, "MeanSquaredError") for a in NEW_ACTIVATIONS]
ELU_ALPHA = 1.0
SOFTPLUS_BETA = 1.0
SOFTPLUS_THRESHOLD = 20.0
# Pre-activations that "edge" networks put exactly on, per activation: ReLU's and LeakyReLU's kink, Softplus's threshold,
# and 0, where ELU switches branch and GELU and SiLU have derivative 1/2.
EXACT_POINTS = {"ReLU": [0.0], "LeakyReLU": [0.0], "Softplus": [SOFTPLUS_THRESHOLD, 0.0], "Elu": [0.0], "Gelu": [0.0], "Silu": [0.0]}
# Where golden-activations places pre-activations, (low, high, weight) per range; Softplus gets its own ranges.
RANGES = {"negative": (-8.0, -1.0, 0.3), "around 0": (-1.0, 1.0, 0.4), "positive": (1.0, 8.0, 0.3)}
SOFTPLUS_RANGES = {
    "far negative": (-30.0, -8.0, 0.1),
    "negative": (-8.0, -1.0, 0.15),
    "around 0": (-1.0, 1.0, 0.25),
    "positive": (1.0, 8.0, 0.15),
    "below threshold": (8.0, 19.9, 0.15),
    "beyond threshold": (20.1, 30.0, 0.2),
}
# Output logits of cross-entropy and BCE networks and of Softmax outputs: where neither clamp is reached.
LOGIT_RANGE = (-3.0, 3.0)

# The generator's size classes for a layer's inputs (generator/StaticNet.Generator/Planning/NetworkPlanner.cs): at most
# 4 inputs are scalar code; up to eight 128-bit vectors (32 floats, 16 doubles) are unrolled chunk by chunk; wider
# inputs are loops with 2 (fewer than 64 inputs) or 4 accumulators. The pools hold 1, odd sizes and sizes just below,
# at and above multiples of 8, 16 and 32.
SIZE_CLASSES = ["scalar", "unrolled", "loop2", "loop4"]
POOLS = {
    "Single": {
        "scalar": [1, 2, 3, 4],
        "unrolled": [5, 7, 8, 9, 12, 15, 16, 17, 23, 24, 25, 31, 32],
        "loop2": [33, 39, 40, 41, 47, 48, 49, 55, 56, 57, 63],
        "loop4": [64, 65, 70, 71, 72, 79, 80, 81, 95, 96, 97],
    },
    "Double": {
        "scalar": [1, 2, 3, 4],
        "unrolled": [5, 7, 8, 9, 11, 15, 16],
        "loop2": [17, 23, 24, 25, 31, 32, 33, 40, 47, 48, 49, 63],
        "loop4": [64, 65, 70, 71, 72, 79, 80, 81, 95, 96, 97],
    },
}
# Widths of the layers that are not the one a network is built around: mostly small, to keep the data compact.
OTHER_WIDTHS = [1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17]
OUTPUT_WIDTHS = [1, 2, 3, 4, 5, 7, 8, 9, 10, 16, 17]
PARAMETER_BUDGET = 1000

# The kernel shapes of a dense layer since the kernel redesign (KernelShape in
# tests/StaticNet.Correctness.Tests/NetworkCompiler.cs): the widest vector the layer's inputs fill, counting a double as
# two floats: 512 bits from 16 floats (8 doubles), 256 from 8 (4), 128 from 4 (2), scalar code below; but 256 for a
# layer of exactly one 512-bit vector of inputs and at most one of outputs (Dense<T>.Wide). golden.json was
# drawn around the former planner's size classes above (SIZE_CLASSES, size_class) and stays as drawn; the "matrix"
# networks of golden-activations fill what the two data sets together miss in these shapes (check_union_coverage).
KERNEL_SHAPES = ["scalar", "128", "256", "512"]
VECTOR_WIDTHS = ["128", "256", "512"]
# Every (output activation, loss) and every hidden (element-wise) activation of both data sets.
ALL_OUTPUTS = OUTPUTS + NEW_OUTPUTS
# Widths for a layer's inputs of each kernel shape in the "matrix" networks: at and off a multiple of the shape's lanes,
# with every tail below it (31 floats = 16 + 8 + 4 + 3, 15 doubles = 8 + 4 + 2 + 1).
SHAPE_POOLS = {
    "Single": {"scalar": [1, 2, 3], "128": [4, 5, 6, 7], "256": [8, 9, 11, 12, 13, 15],
               "512": [17, 19, 23, 24, 28, 31, 32, 33, 47, 48, 64, 65]},
    "Double": {"scalar": [1], "128": [2, 3], "256": [4, 5, 6, 7],
               "512": [9, 11, 12, 15, 16, 17, 23, 24, 31, 32, 33, 47, 48, 64, 65]},
}
MATRIX_SEED = 20261202
MATRIX_PARAMETER_BUDGET = 700


def kernel_shape(precision, inputs, outputs):
    """The kernel shape of a dense layer of `inputs` inputs and `outputs` outputs (NetworkCompiler.KernelShape in the C# tests)."""
    floats = inputs if precision == "Single" else 2 * inputs
    output_floats = outputs if precision == "Single" else 2 * outputs
    return ("512" if floats > 16 or (floats == 16 and output_floats > 16) else "256" if floats >= 8
            else "128" if floats >= 4 else "scalar")


def lanes(precision, width):
    """How many values of the network's precision a vector of `width` bits ("128", "256", "512") holds."""
    return int(width) // (32 if precision == "Single" else 64)


def size_class(precision, inputs):
    if inputs <= 4:
        return "scalar"
    if inputs <= (32 if precision == "Single" else 16):
        return "unrolled"
    return "loop2" if inputs < 64 else "loop4"


def activate(name, z):
    if name == "ReLU":
        return torch.relu(z)
    if name == "LeakyReLU":
        return F.leaky_relu(z, LEAKY_SLOPE)
    if name == "Sigmoid":
        return torch.sigmoid(z)
    if name == "Tanh":
        return torch.tanh(z)
    if name == "Softmax":
        return torch.softmax(z, dim=0)
    if name == "Gelu":
        return F.gelu(z, approximate="none")
    if name == "Silu":
        return F.silu(z)
    if name == "Elu":
        return F.elu(z, alpha=ELU_ALPHA)
    if name == "Softplus":
        return F.softplus(z, beta=SOFTPLUS_BETA, threshold=SOFTPLUS_THRESHOLD)
    assert name == "Identity", name
    return z


def activate_numpy(name, z):
    """The activations in NumPy, for drawing the data (PyTorch computes the golden numbers). Softmax is over the last axis."""
    if name == "Softmax":
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    if name == "Sigmoid":
        with np.errstate(over="ignore"):
            return 1 / (1 + np.exp(-z))
    if name == "Tanh":
        return np.tanh(z)
    if name == "ReLU":
        return np.maximum(z, 0)
    if name == "LeakyReLU":
        return np.where(z > 0, z, LEAKY_SLOPE * z)
    if name == "Gelu":
        return 0.5 * z * (1 + np.vectorize(math.erf, otypes=[np.float64])(z / math.sqrt(2)))
    if name == "Silu":
        with np.errstate(over="ignore"):
            return z / (1 + np.exp(-z))
    if name == "Elu":
        with np.errstate(over="ignore"):
            return np.where(z > 0, z, ELU_ALPHA * np.expm1(z))
    if name == "Softplus":
        with np.errstate(over="ignore"):
            return np.where(z * SOFTPLUS_BETA > SOFTPLUS_THRESHOLD, z, np.log1p(np.exp(SOFTPLUS_BETA * z)) / SOFTPLUS_BETA)
    assert name == "Identity", name
    return z


def off_kinks(activation, z, exact=False):
    """
    Whether every pre-activation of a layer is at least KINK_MARGIN away from where its activation switches branch
    (ReLU's and LeakyReLU's 0, Softplus's threshold), so that float rounding cannot change the branch; with `exact`,
    pre-activations exactly on the switch point (the "edge" networks) pass too.
    """
    if activation in ("ReLU", "LeakyReLU"):
        point = 0.0
    elif activation == "Softplus":
        point = SOFTPLUS_THRESHOLD / SOFTPLUS_BETA
    else:
        return True
    ok = np.abs(z - point) >= KINK_MARGIN
    if exact:
        ok |= np.isin(z, EXACT_POINTS[activation])
    return bool(ok.all())


class Net:
    """A network of the matrix: its declaration."""

    def __init__(self, group, precision, layers, activations, loss, edge=False, saturated=False, placed=False):
        if loss == "CrossEntropy" and layers[-1] == 1:
            # A softmax of one output is 1, where StaticNet's clamp (1 - 1e-7) is active: give it two classes.
            layers = layers[:-1] + [2]
        self.group = group
        self.precision = precision
        self.layers = layers
        self.activations = activations
        self.loss = loss
        self.edge = edge
        self.saturated = saturated
        # golden-activations: each layer's bias is set so that the pre-activations land in RANGES (place_preactivations).
        self.placed = placed

    @property
    def parameter_count(self):
        return sum((self.layers[l] + 1) * self.layers[l + 1] for l in range(len(self.layers) - 1))


def rounded(precision, values):
    """Values the network's scalar type holds exactly, as float64."""
    values = np.asarray(values, dtype=np.float64)
    return values.astype(np.float32).astype(np.float64) if precision == "Single" else values


def draw(rng, net):
    """Parameters, input, target and learning rate for a network, redrawn until the data stays off the clamps and kinks."""
    for _ in range(1000):
        weights, biases = [], []
        for l in range(len(net.layers) - 1):
            inputs, outputs = net.layers[l], net.layers[l + 1]
            limit = 1.5 / np.sqrt(inputs)
            weights.append(rounded(net.precision, rng.uniform(-limit, limit, size=(outputs, inputs))))
            biases.append(rounded(net.precision, rng.uniform(-0.5, 0.5, size=outputs)))
        x = rounded(net.precision, rng.uniform(-2, 2, size=net.layers[0]))
        n = net.layers[-1]
        if net.loss == "CrossEntropy":
            if rng.random() < 0.3:
                t = np.zeros(n)
                t[rng.integers(n)] = 1.0
            else:
                t = rng.uniform(0.05, 1.05, size=n)
                t = rounded(net.precision, t / t.sum())
        elif net.loss == "BinaryCrossEntropy":
            t = rounded(net.precision, rng.uniform(0, 1, size=n))
            if rng.random() < 0.3:
                t = np.round(t)
        else:
            t = rounded(net.precision, rng.uniform(-1, 1, size=n))
        learning_rate = float(rounded(net.precision, rng.uniform(0.01, 0.5)))
        if net.placed:
            place_preactivations(rng, net, weights, biases, x)
        if net.edge:
            make_exact_points(rng, net, weights, biases, x)
        if net.saturated:
            # Logits of exactly +1000, -1000, 0, +1000, ...: the output layer's weights are zero, its biases those.
            weights[-1][:, :] = 0.0
            biases[-1] = np.array(saturated_logits(n))
            if net.loss == "CrossEntropy":
                # All the target's mass on the classes of probability 1/k, where neither clamp is active.
                t = np.where(biases[-1] == 1000.0, rng.uniform(0.05, 1.05, size=n), 0.0)
                t = rounded(net.precision, t / t.sum())
        if acceptable(net, weights, biases, x):
            return weights, biases, x, t, learning_rate
    raise RuntimeError(f"could not draw data for {net.layers} {net.activations} {net.loss}")


def saturated_logits(n):
    return [(1000.0, -1000.0, 0.0)[j % 3] for j in range(n)]


def make_exact_points(rng, net, weights, biases, x):
    """
    Edge networks: about a third of the units of each layer whose activation has EXACT_POINTS get a zero weight row and
    a bias on those points in turn, so z is exactly 0 (ReLU, LeakyReLU, ELU, GELU, SiLU) or exactly 20 and 0 (Softplus).
    """
    for l, activation in enumerate(net.activations):
        if activation in EXACT_POINTS:
            rows = rng.choice(net.layers[l + 1], size=max(1, net.layers[l + 1] // 3), replace=False)
            weights[l][rows, :] = 0.0
            points = EXACT_POINTS[activation]
            biases[l][rows] = [points[i % len(points)] for i in range(len(rows))]


def place_preactivations(rng, net, weights, biases, x):
    """
    golden-activations: layer by layer, each unit draws a range (RANGES, or SOFTPLUS_RANGES under Softplus; LOGIT_RANGE
    for Softmax and for the outputs of cross-entropy and BCE networks) and a pre-activation in it, and the bias becomes
    that pre-activation minus the weighted sum (rounded to the network's precision), so the unit lands there.
    """
    a = x
    for l, activation in enumerate(net.activations):
        u = weights[l] @ a
        last = l == len(net.activations) - 1
        if activation == "Softmax" or (last and net.loss != "MeanSquaredError"):
            z = rng.uniform(*LOGIT_RANGE, size=len(u))
        else:
            ranges = list((SOFTPLUS_RANGES if activation == "Softplus" else RANGES).values())
            weights_of_ranges = np.array([w for _, _, w in ranges])
            chosen = rng.choice(len(ranges), size=len(u), p=weights_of_ranges / weights_of_ranges.sum())
            z = np.array([rng.uniform(ranges[c][0], ranges[c][1]) for c in chosen])
        biases[l] = rounded(net.precision, z - u)
        a = activate_numpy(activation, u + biases[l])


def preactivations(net, weights, biases, x):
    """The pre-activations of every layer (NumPy, float64)."""
    zs, a = [], x
    for l, activation in enumerate(net.activations):
        z = weights[l] @ a + biases[l]
        zs.append(z)
        a = activate_numpy(activation, z)
    return zs, a


def acceptable(net, weights, biases, x):
    zs, a = preactivations(net, weights, biases, x)
    if not all(off_kinks(activation, z, net.edge) for activation, z in zip(net.activations, zs)):
        return False
    if net.saturated:
        return True
    if net.loss == "CrossEntropy" and not ((a >= 1e-6) & (a <= 1 - 1e-6)).all():
        return False
    if net.loss == "BinaryCrossEntropy" and not ((a >= 1e-4) & (a <= 1 - 1e-4)).all():
        return False
    return True


def run_torch(net, weights, biases, x, t, learning_rate):
    """PyTorch's float64 forward, loss, backward and one SGD step."""
    params = []
    for w, b in zip(weights, biases):
        params.append(torch.tensor(w, dtype=torch.float64, requires_grad=True))
        params.append(torch.tensor(b, dtype=torch.float64, requires_grad=True))
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    tt = torch.tensor(t, dtype=torch.float64)
    a = xt
    logits = None
    for l, activation in enumerate(net.activations):
        z = params[2 * l] @ a + params[2 * l + 1]
        logits = z
        a = activate(activation, z)
    output = a
    if net.loss == "CrossEntropy":
        loss = F.cross_entropy(logits.unsqueeze(0), tt.unsqueeze(0))
    elif net.loss == "BinaryCrossEntropy":
        loss = F.binary_cross_entropy(output, tt)
    else:
        loss = F.mse_loss(output, tt)
    loss.backward()
    gradient = np.concatenate([p.grad.detach().numpy().ravel() for p in params])
    input_gradient = xt.grad.detach().numpy().copy()
    before = np.concatenate([p.detach().numpy().ravel() for p in params])
    optimizer = torch.optim.SGD(params, lr=learning_rate)
    optimizer.step()
    after = np.concatenate([p.detach().numpy().ravel() for p in params])
    return before, output.detach().numpy().copy(), float(loss.item()), gradient, input_gradient, after


def widths_for(rng, precision, depth, featured_input, featured_class):
    """
    Layer sizes of a network of the given depth whose layer `featured_input` has inputs of the given size class; the
    other sizes are redrawn until the network has at most PARAMETER_BUDGET parameters, to keep the data compact.
    """
    featured = int(rng.choice(POOLS[precision][featured_class]))
    while True:
        sizes = [int(rng.choice(OTHER_WIDTHS)) for _ in range(depth)] + [int(rng.choice(OUTPUT_WIDTHS))]
        sizes[featured_input] = featured
        if sum((sizes[l] + 1) * sizes[l + 1] for l in range(depth)) <= PARAMETER_BUDGET:
            return sizes


def matrix(rng, precision):
    nets = []
    # A: every (output activation, loss) x every size class of the output layer's inputs; depths 1 to 4 each meet every
    # pair; hidden activations drawn per layer.
    for o, (output, loss) in enumerate(OUTPUTS):
        for c, size in enumerate(SIZE_CLASSES):
            depth = 1 + (o + c) % 4
            layers = widths_for(rng, precision, depth, depth - 1, size)
            activations = [str(rng.choice(HIDDEN)) for _ in range(depth - 1)] + [output]
            nets.append(Net("output", precision, layers, activations, loss))
    # B: every hidden activation x every size class of its layer's inputs x every (output activation, loss); depth 2-4,
    # the activation on every hidden layer, the layer built around drawn among the hidden ones.
    for hidden in HIDDEN:
        for size in SIZE_CLASSES:
            for output, loss in OUTPUTS:
                depth = int(rng.integers(2, 5))
                featured = int(rng.integers(0, depth - 1))
                layers = widths_for(rng, precision, depth, featured, size)
                nets.append(Net("hidden", precision, layers, [hidden] * (depth - 1) + [output], loss))
    # C: anything goes: per-layer activations, any width from the pools (at most 3000 parameters, to keep the data
    # compact), and one network whose wide layers feed wide layers.
    everything = sorted({w for pool in POOLS[precision].values() for w in pool})
    while len(nets) < 32 + 160 + 20:
        depth = int(rng.integers(1, 5))
        output, loss = OUTPUTS[int(rng.integers(len(OUTPUTS)))]
        layers = [int(rng.choice(everything)) for _ in range(depth)] + [int(rng.choice(OUTPUT_WIDTHS))]
        activations = [str(rng.choice(HIDDEN)) for _ in range(depth - 1)] + [output]
        net = Net("mixed", precision, layers, activations, loss)
        if net.parameter_count <= 3000:
            nets.append(net)
    nets.append(Net("mixed", precision, [71, 72, 65, 10], ["Tanh", "LeakyReLU", "Softmax"], "CrossEntropy"))
    # E: ReLU and LeakyReLU with pre-activations of exactly 0, in hidden and output position.
    for activation in ("ReLU", "LeakyReLU"):
        nets.append(Net("edge", precision, [9, 17, 8, 3], [activation, activation, "Identity"], "MeanSquaredError", edge=True))
        nets.append(Net("edge", precision, [5, 12, 6], ["Tanh", activation], "MeanSquaredError", edge=True))
    # S: output logits of exactly ±1000: softmax, sigmoid and tanh saturate to exactly 0 and 1 (or ±1).
    for output, loss in (("Softmax", "MeanSquaredError"), ("Softmax", "CrossEntropy"), ("Sigmoid", "MeanSquaredError"), ("Tanh", "MeanSquaredError")):
        nets.append(Net("saturated", precision, [6, 9, 5], ["Tanh", output], loss, saturated=True))
    return nets


def check_coverage(nets):
    """
    golden.json's own matrix as it was drawn, in the former planner's size classes (SIZE_CLASSES). What the C# tests
    check, in the kernel shapes of the redesigned kernels, is check_union_coverage over both data sets.
    """
    for precision in PRECISIONS:
        mine = [n for n in nets if n.precision == precision]
        assert len(mine) >= 200, len(mine)
        for output, loss in OUTPUTS:
            for size in SIZE_CLASSES:
                assert any(n.activations[-1] == output and n.loss == loss and size_class(precision, n.layers[-2]) == size for n in mine)
            for depth in range(1, 5):
                assert any(n.activations[-1] == output and n.loss == loss and len(n.layers) - 1 == depth for n in mine)
        for hidden in HIDDEN:
            for size in SIZE_CLASSES:
                for output, loss in OUTPUTS:
                    assert any(
                        n.activations[-1] == output and n.loss == loss
                        and any(a == hidden and size_class(precision, n.layers[l]) == size for l, a in enumerate(n.activations[:-1]))
                        for n in mine)
        widths = {w for n in mine for w in n.layers}
        assert 1 in widths and max(widths) >= 70


def activation_matrix(rng, precision):
    """golden-activations: the networks of one precision (79)."""
    nets = []
    # A: every new activation as the output activation (after MSE, its only valid loss) x every size class of the output
    # layer's inputs; depths 1 to 4; hidden activations drawn per layer among all.
    for o, output in enumerate(NEW_ACTIVATIONS):
        for c, size in enumerate(SIZE_CLASSES):
            depth = 1 + (o + c) % 4
            layers = widths_for(rng, precision, depth, depth - 1, size)
            activations = [str(rng.choice(ALL_HIDDEN)) for _ in range(depth - 1)] + [output]
            nets.append(Net("output", precision, layers, activations, "MeanSquaredError", placed=True))
    # B: every new activation on every hidden layer x every (output activation, loss), the old and the new ones; the size
    # class of the featured hidden layer's inputs goes round, so each activation meets each class three times.
    pairs = OUTPUTS + NEW_OUTPUTS
    for h, hidden in enumerate(NEW_ACTIVATIONS):
        for p, (output, loss) in enumerate(pairs):
            size = SIZE_CLASSES[(h + p) % len(SIZE_CLASSES)]
            depth = int(rng.integers(2, 5))
            featured = int(rng.integers(0, depth - 1))
            layers = widths_for(rng, precision, depth, featured, size)
            nets.append(Net("hidden", precision, layers, [hidden] * (depth - 1) + [output], loss, placed=True))
    # C: per-layer activations among all, any width from the pools; every other one with the plain draw of golden.json
    # (pre-activations where the weights put them) instead of placed ones.
    everything = sorted({w for pool in POOLS[precision].values() for w in pool})
    while len(nets) < 16 + 48 + 6:
        depth = int(rng.integers(2, 5))
        output, loss = pairs[int(rng.integers(len(pairs)))]
        layers = [int(rng.choice(everything)) for _ in range(depth)] + [int(rng.choice(OUTPUT_WIDTHS))]
        activations = [str(rng.choice(ALL_HIDDEN)) for _ in range(depth - 1)] + [output]
        net = Net("mixed", precision, layers, activations, loss, placed=len(nets) % 2 == 0)
        if net.parameter_count <= 1500 and any(a in NEW_ACTIVATIONS for a in activations):
            nets.append(net)
    # E: pre-activations of exactly 0 (and, for Softplus, exactly its threshold 20), hidden and output.
    for activation in NEW_ACTIVATIONS:
        nets.append(Net("edge", precision, [9, 17, 8, 3], [activation, activation, "Identity"], "MeanSquaredError", edge=True))
    nets.append(Net("edge", precision, [5, 12, 6], ["Tanh", "Softplus"], "MeanSquaredError", edge=True))
    # S: output pre-activations of exactly +1000, -1000 and 0 (where a naive exp overflows).
    for activation in NEW_ACTIVATIONS:
        nets.append(Net("saturated", precision, [6, 9, 5], ["Tanh", activation], "MeanSquaredError", saturated=True))
    return nets


def check_activation_coverage(nets, zs):
    """
    What golden-activations promises beyond check_union_coverage (tests/golden/README.md), on the drawn pre-activations
    `zs` of every network: every range of every new activation hit in hidden and in output position, the edge networks
    exactly on their points, every other Softplus pre-activation off its threshold.
    """
    for precision in PRECISIONS:
        mine = [(n, z) for n, z in zip(nets, zs) if n.precision == precision]
        assert len(mine) >= 79, len(mine)
        for activation in NEW_ACTIVATIONS:
            ranges = SOFTPLUS_RANGES if activation == "Softplus" else RANGES
            for position in ("hidden", "output"):
                values = np.concatenate([
                    z[l] for n, z in mine for l, a in enumerate(n.activations)
                    if a == activation and (l == len(n.activations) - 1) == (position == "output") and not n.saturated])
                for name, (low, high, _) in ranges.items():
                    assert ((values >= low) & (values <= high)).any(), (precision, activation, position, name)
            exact = np.concatenate([z[l] for n, z in mine if n.edge for l, a in enumerate(n.activations) if a == activation])
            for point in EXACT_POINTS.get(activation, []):
                assert (exact == point).any(), (precision, activation, point)
        softplus = np.concatenate([z[l] for n, z in mine if not n.edge and not n.saturated
                                   for l, a in enumerate(n.activations) if a == "Softplus"])
        assert (np.abs(softplus - SOFTPLUS_THRESHOLD) >= KINK_MARGIN).all()


def requirements(precision):
    """
    What golden and golden-activations together promise per precision (tests/golden/README.md), in the kernel shapes of
    the redesigned kernels; GoldenTests.The_golden_data_covers_every_activation_loss_depth_and_kernel_shape checks the
    same on the committed index files.
    """
    needs = set()
    for output, loss in ALL_OUTPUTS:
        for shape in KERNEL_SHAPES:
            needs.add(("output", output, loss, shape))
            for hidden in ALL_HIDDEN:
                needs.add(("hidden", hidden, shape, output, loss))
        for depth in range(1, 5):
            needs.add(("depth", output, loss, depth))
    for width in VECTOR_WIDTHS:
        needs.add(("lanes", width, "at"))
        needs.add(("lanes", width, "off"))
    needs.add(("width", "1"))
    needs.add(("width", ">= 70"))
    return needs


def covers(net):
    """The items of `requirements(net.precision)` that one network covers."""
    output, loss, depth = net.activations[-1], net.loss, len(net.layers) - 1
    items = {("output", output, loss, kernel_shape(net.precision, net.layers[-2], net.layers[-1])), ("depth", output, loss, depth)}
    for l, activation in enumerate(net.activations[:-1]):
        items.add(("hidden", activation, kernel_shape(net.precision, net.layers[l], net.layers[l + 1]), output, loss))
    for l in range(depth):
        shape = kernel_shape(net.precision, net.layers[l], net.layers[l + 1])
        if shape != "scalar":
            items.add(("lanes", shape, "at" if net.layers[l] % lanes(net.precision, shape) == 0 else "off"))
    if 1 in net.layers:
        items.add(("width", "1"))
    if max(net.layers) >= 70:
        items.add(("width", ">= 70"))
    return items


def missing_items(precision, nets):
    covered = set()
    for net in nets:
        if net.precision == precision:
            covered |= covers(net)
    return requirements(precision) - covered


def check_union_coverage(golden_nets, activation_nets):
    """
    golden and golden-activations together: per precision, every item of `requirements`, so that no regeneration can
    lose a combination silently. Returns, per precision, how many items there are and how many each data set covers.
    """
    counts = {}
    for precision in PRECISIONS:
        needs = requirements(precision)
        missing = missing_items(precision, golden_nets + activation_nets)
        assert not missing, (precision, sorted(missing, key=str)[:20], len(missing))
        counts[precision] = (len(needs), len(needs - missing_items(precision, golden_nets)),
                             len(needs - missing_items(precision, activation_nets)))
    return counts


def matrix_fill(rng, precision, covered_nets):
    """
    golden-activations' "matrix" networks: what `covered_nets` (golden and the other golden-activations networks)
    miss of `requirements(precision)`, filled greedily per (output activation, loss). A network of depth 4 takes three
    missing (hidden activation, kernel shape) combinations, one per hidden layer, and a missing shape of the output
    layer's inputs; missing depths come first, and slots left over get a random activation and shape. The layer widths
    come from SHAPE_POOLS, at most MATRIX_PARAMETER_BUDGET parameters; the pre-activations are placed.
    """
    missing = missing_items(precision, covered_nets)
    nets = []
    for output, loss in ALL_OUTPUTS:
        hidden = sorted((m[1], m[2]) for m in missing if m[0] == "hidden" and m[3:] == (output, loss))
        hidden = [hidden[i] for i in rng.permutation(len(hidden))]
        shapes = [s for s in KERNEL_SHAPES if ("output", output, loss, s) in missing]
        depths = [d for d in range(1, 5) if ("depth", output, loss, d) in missing]
        while hidden or shapes or depths:
            depth = depths.pop(0) if depths else min(4, len(hidden) + 1)
            combos = [hidden.pop(0) for _ in range(min(depth - 1, len(hidden)))]
            while len(combos) < depth - 1:
                combos.append((str(rng.choice(ALL_HIDDEN)), str(rng.choice(KERNEL_SHAPES))))
            order = rng.permutation(len(combos))
            combos = [combos[i] for i in order]
            output_shape = shapes.pop(0) if shapes else str(rng.choice(KERNEL_SHAPES))
            layer_shapes = [s for _, s in combos] + [output_shape]
            pools = SHAPE_POOLS[precision]
            while True:
                layers = [int(rng.choice(pools[s])) for s in layer_shapes] + [int(rng.choice(OUTPUT_WIDTHS))]
                if sum((layers[l] + 1) * layers[l + 1] for l in range(depth)) <= MATRIX_PARAMETER_BUDGET:
                    break
            nets.append(Net("matrix", precision, layers, [h for h, _ in combos] + [output], loss, placed=True))
    assert not missing_items(precision, covered_nets + nets)
    return nets


def compute(rng, nets, prefix="", counters=None, offset=0):
    """
    Draws every network's data and runs PyTorch on it, in order. Returns the index entries (named prefix + F000... for
    float, prefix + D000... for double, numbered on from `counters`, with offsets from `offset`), the bytes of every
    network's values, the offset after them, and the pre-activations of every layer of every network (as drawn).
    """
    chunks, index, zs = [], [], []
    counters = {p: 0 for p in PRECISIONS} if counters is None else counters
    for net in nets:
        weights, biases, x, t, learning_rate = draw(rng, net)
        zs.append(preactivations(net, weights, biases, x)[0])
        before, output, loss, gradient, input_gradient, after = run_torch(net, weights, biases, x, t, learning_rate)
        values = np.concatenate([before, x, t, output, [loss], gradient, input_gradient, after]).astype("<f8")
        assert np.isfinite(values).all()
        name = f"{prefix}{'F' if net.precision == 'Single' else 'D'}{counters[net.precision]:03d}"
        counters[net.precision] += 1
        index.append({
            "name": name,
            "group": net.group,
            "precision": net.precision,
            "layers": net.layers,
            "activations": net.activations,
            "loss": net.loss,
            "learningRate": learning_rate,
            "offset": offset,
            "count": len(values),
        })
        chunks.append(values.tobytes())
        offset += len(values)
    return index, chunks, offset, zs


def write_data(directory, stem, head, index, chunks):
    """
    Writes stem.json (the `head` fields, then "networks": one index entry per line, so a regeneration diffs line by line)
    and stem.bin.gz (the chunks, gzip level 9 with mtime 0, so the same numbers give the same bytes).
    """
    with open(os.path.join(directory, stem + ".json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(head, indent=2)[:-2] + ',\n  "networks": [\n')
        f.write(",\n".join("    " + json.dumps(entry) for entry in index))
        f.write("\n  ]\n}\n")
    with open(os.path.join(directory, stem + ".bin.gz"), "wb") as f:
        f.write(gzip.compress(b"".join(chunks), compresslevel=9, mtime=0))


def gradient_at(function, value):
    """PyTorch's derivative of `function` at `value` (float64)."""
    z = torch.full((1,), value, dtype=torch.float64, requires_grad=True)
    function(z).backward()
    return float(z.grad.item())


def environment():
    """
    What else decides the last bits of PyTorch's float64 results: the BLAS library behind torch's and NumPy's matrix
    products (the directory of the loaded libblas.so.3: "openblas-pthread", or "blas" for the reference BLAS) and ATen's
    vector instruction set.
    """
    with open("/proc/self/maps", encoding="utf-8") as f:
        blas = sorted({os.path.basename(os.path.dirname(line.split()[-1])) for line in f if "libblas.so" in line})
    capability = [line.split(":")[1].strip() for line in torch.__config__.show().splitlines() if "CPU capability usage" in line]
    return {"blas": ",".join(blas), "cpuCapability": capability[0] if capability else ""}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    nets = golden_nets = [net for precision in PRECISIONS for net in matrix(rng, precision)]
    check_coverage(nets)

    # Conventions the C# edge tests rely on, read from this PyTorch rather than assumed.
    relu_at_zero = gradient_at(torch.relu, 0.0)
    leaky_at_zero = gradient_at(lambda z: F.leaky_relu(z, LEAKY_SLOPE), 0.0)
    assert relu_at_zero == 0.0 and leaky_at_zero == LEAKY_SLOPE

    index, chunks, offset, _ = compute(rng, nets)
    head = {
        "description": "PyTorch float64 results on random StaticNet networks; see tests/golden/README.md.",
        "generator": "tests/golden/generate_golden.py",
        "seed": SEED,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "reluGradientAtZero": relu_at_zero,
        "leakyReluGradientAtZero": leaky_at_zero,
        "values": offset,
    }
    write_data(here, "golden", head, index, chunks)
    params = sum(n.parameter_count for n in nets)
    print(f"golden: {len(nets)} networks ({sum(n.precision == 'Single' for n in nets)} float, "
          f"{sum(n.precision == 'Double' for n in nets)} double), {params} parameters, {offset} values")

    # golden-activations: its own seed, so that golden.json stays as it is.
    rng = np.random.default_rng(ACTIVATION_SEED)
    nets = [net for precision in PRECISIONS for net in activation_matrix(rng, precision)]
    conventions = {
        "geluApproximate": "none",
        "eluAlpha": ELU_ALPHA,
        "softplusBeta": SOFTPLUS_BETA,
        "softplusThreshold": SOFTPLUS_THRESHOLD,
        "geluGradientAtZero": gradient_at(F.gelu, 0.0),
        "siluGradientAtZero": gradient_at(F.silu, 0.0),
        "eluGradientAtZero": gradient_at(F.elu, 0.0),
        "softplusAtThreshold": float(F.softplus(torch.tensor([SOFTPLUS_THRESHOLD], dtype=torch.float64)).item()),
        "softplusGradientAtThreshold": gradient_at(F.softplus, SOFTPLUS_THRESHOLD),
        "softplusGradientAboveThreshold": gradient_at(F.softplus, SOFTPLUS_THRESHOLD + 1e-9),
    }
    # PyTorch's Softplus takes log1p(exp(z)) at z = 20 itself and z only above it; ELU's derivative is 1 on both sides of 0.
    assert conventions["softplusAtThreshold"] == math.log1p(math.exp(SOFTPLUS_THRESHOLD))
    assert math.isclose(conventions["softplusGradientAtThreshold"], 1 / (1 + math.exp(-SOFTPLUS_THRESHOLD)), rel_tol=1e-15)
    assert conventions["softplusGradientAboveThreshold"] == 1.0
    assert conventions["eluGradientAtZero"] == 1.0
    assert conventions["geluGradientAtZero"] == 0.5 and conventions["siluGradientAtZero"] == 0.5
    index, chunks, offset, zs = compute(rng, nets, prefix="A")
    # The "matrix" networks, from their own seed (so the networks above stay as they were drawn): what golden and the
    # networks above together miss, numbered on after them.
    matrix_rng = np.random.default_rng(MATRIX_SEED)
    filled = [net for precision in PRECISIONS for net in matrix_fill(matrix_rng, precision, golden_nets + nets)]
    counters = {p: sum(n.precision == p for n in nets) for p in PRECISIONS}
    more_index, more_chunks, offset, more_zs = compute(matrix_rng, filled, prefix="A", counters=counters, offset=offset)
    nets, index, chunks, zs = nets + filled, index + more_index, chunks + more_chunks, zs + more_zs
    check_activation_coverage(nets, zs)
    counts = check_union_coverage(golden_nets, nets)
    head = {
        "description": "PyTorch float64 results on random StaticNet networks with GELU, SiLU, ELU and Softplus, and on "
                       "what golden.json misses of the kernel shapes; see tests/golden/README.md.",
        "generator": "tests/golden/generate_golden.py",
        "seed": ACTIVATION_SEED,
        "matrixSeed": MATRIX_SEED,
        "torch": torch.__version__,
        "numpy": np.__version__,
        **environment(),
        "reluGradientAtZero": relu_at_zero,
        "leakyReluGradientAtZero": leaky_at_zero,
        **conventions,
        "values": offset,
    }
    write_data(here, "golden-activations", head, index, chunks)
    params = sum(n.parameter_count for n in nets)
    print(f"golden-activations: {len(nets)} networks ({sum(n.precision == 'Single' for n in nets)} float, "
          f"{sum(n.precision == 'Double' for n in nets)} double; {len(filled)} of them \"matrix\"), "
          f"{params} parameters, {offset} values")
    for precision, (needs, by_golden, by_activations) in counts.items():
        print(f"coverage, {precision}: all {needs} items by both data sets together; {by_golden} by golden alone, "
              f"{by_activations} by golden-activations alone")


if __name__ == "__main__":
    sys.exit(main())
