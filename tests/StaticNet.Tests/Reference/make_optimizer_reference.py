#!/usr/bin/python3
"""Records what PyTorch's optimizers and learning-rate schedulers do, for tests/StaticNet.Tests/OptimizerTests.cs.

Run from this folder with Debian's PyTorch (apt-get install -y python3-torch):
    /usr/bin/python3 make_optimizer_reference.py > optimizers.json
Every optimizer starts from the same parameters and is fed the same ten gradients (float64, fixed seed); the file
records the parameters after the first and after the tenth step, and the learning rates of the schedulers.
"""
import json
import torch

torch.manual_seed(20261123)
COUNT, STEPS = 13, 10
initial = torch.randn(COUNT, dtype=torch.float64)
gradients = [torch.randn(COUNT, dtype=torch.float64) for _ in range(STEPS)]

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.25)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.2, weight_decay=0.1)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("AdamW", dict()),
    ("AdamW", dict(lr=0.01, betas=(0.85, 0.995), weight_decay=0.1)),
]

optimizers = []
for kind, options in CONFIGS:
    p = torch.nn.Parameter(initial.clone())
    optimizer = getattr(torch.optim, kind)([p], **options)
    after = []
    for g in gradients:
        p.grad = g.clone()
        optimizer.step()
        after.append(p.detach().clone())
    # Report the options with PyTorch's defaults filled in, so the C# side passes every value explicitly.
    group = {k: v for k, v in optimizer.param_groups[0].items() if k in ("lr", "momentum", "dampening", "weight_decay", "nesterov", "betas", "eps")}
    if "betas" in group:
        group["betas"] = list(group["betas"])
    optimizers.append({"type": kind, "options": group, "after1": after[0].tolist(), "after10": after[-1].tolist()})

schedules = []
for kind, make, options in [
    ("StepLR", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), {"step_size": 3, "gamma": 0.5}),
    ("ExponentialLR", lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9), {"gamma": 0.9}),
    ("InverseTime", lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda t: 1.0 / (1.0 + 0.01 * t)), {"decay": 0.01}),
]:
    p = torch.nn.Parameter(initial.clone())
    optimizer = torch.optim.SGD([p], lr=0.5)
    scheduler = make(optimizer)
    rates = []
    for _ in range(STEPS):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    schedules.append({"type": kind, "initial": 0.5, "options": options, "rates": rates})

print(json.dumps({
    "source": f"PyTorch {torch.__version__}, float64, tests/StaticNet.Tests/Reference/make_optimizer_reference.py",
    "initial": initial.tolist(),
    "gradients": [g.tolist() for g in gradients],
    "optimizers": optimizers,
    "schedules": schedules,
}, indent=1))
