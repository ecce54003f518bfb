#!/usr/bin/python3
"""Builds the comparison table of benchmarks/compare.sh from the raw outputs in OUT.

Usage: compare_table.py OUT
Reads OUT/peak.txt (benchmarks/native/peak.cpp), OUT/native.txt (anchors/native/build.sh), OUT/python/*.jsonl (anchors/python/run_all.sh),
OUT/check.txt (StaticNet.Benchmarks --check: whether TorchSharp loaded) and the BenchmarkDotNet JSON reports under
OUT/bdn; prints markdown: the machine, one table of medians with ratios, the table of the .NET peers (ONNX Runtime,
TorchSharp), and the issue's targets with PASS or MISS. Medians of several native runs are combined by their median.
"""

import glob
import json
import os
import re
import statistics
import sys

TOPOLOGIES = ["T1", "T2", "T3"]
CASES = ["fwd_1", "train_1", "train_32", "fwd_256"]
# ActivationBenchmarks: StaticNet's forward pass of wide networks of other activations than ReLU, in the width table.
ACTIVATION_TOPOLOGIES = ["WideTanh", "WideGelu"]
ACTIVATION_CASES = ["fwd_1", "fwd_64"]
LAYERS = {"T1": [2, 16, 16, 1], "T2": [64, 64, 64, 10], "T3": [784, 128, 64, 10]}
MACS = {t: sum(a * b for a, b in zip(l, l[1:])) for t, l in LAYERS.items()}


def flops(topology, case):
    """The floating-point operations of a case (a multiply-add counts 2): the forward pass; for training also the
    weight gradient, the gradient propagated to every layer but the first, and the SGD update of every parameter."""
    layers = LAYERS[topology]
    forward = 2 * MACS[topology]
    backward = 2 * MACS[topology] + 2 * sum(a * b for a, b in zip(layers[1:], layers[2:]))
    parameters = sum((a + 1) * b for a, b in zip(layers, layers[1:]))
    return {"fwd_1": forward, "fwd_256": 256 * forward, "train_1": forward + backward + 2 * parameters,
            "train_32": 32 * (forward + backward) + 2 * parameters}[case]
NATIVE_NAMES = {"hand AVX512 split-acc": "AVX-512 C++", "hand AVX2 split-acc": "AVX2 C++",
                "hand Eigen fixed colmajor": "Eigen", "hand Eigen fixed rowmajor": "Eigen"}
# The sequence networks' Step (SequenceBenchmarks), in the width table.
STEPS = {"StepGru8": "GRU(8)", "StepGru32": "GRU(32)", "StepLstm32": "LSTM(32)", "StepConvGru": "Conv1D→GRU(16)→Dense(1)"}
# The same on the Freeze() snapshot ("StepGru8Frozen", ...): the case "step Freeze()".
STEPS_FROZEN = {name + "Frozen": case for name, case in STEPS.items()}
METHOD_CASES = {"Forward": "fwd_1", "TrainStep": "train_1", "TrainBatch": "train_32", "ForwardBatch": "fwd_256", "ForwardBatch64": "fwd_64"}
PYTHON_NAMES = {"torch": "PyTorch", "numpy": "NumPy", "fann": "FANN"}
# The suffix of a benchmark method's name says which implementation it times; no suffix is StaticNet.
METHOD_SUFFIXES = {"Frozen": "StaticNet Freeze()", "Scalar": "Scalar C#", "TensorPrimitives": "TensorPrimitives", "OnnxRuntime": "ONNX Runtime", "TorchSharp": "TorchSharp"}
PEERS = ["ONNX Runtime", "TorchSharp"]


def native(out):
    runs = {}
    path = os.path.join(out, "native.txt")
    if not os.path.exists(path):
        return {}
    pattern = re.compile(r"^(hand .+?)\s+(T\d)\s+indep\s+median\s+([\d.]+) ns")
    for line in open(path):
        m = pattern.match(line)
        if m and m.group(1) in NATIVE_NAMES:
            runs.setdefault((NATIVE_NAMES[m.group(1)], m.group(2)), {}).setdefault(m.group(1), []).append(float(m.group(3)) / 1000)
    # Eigen: the better of its two layouts, each the median of its runs.
    return {key: min(statistics.median(v) for v in variants.values()) for key, variants in runs.items()}


def python(out):
    results = {}
    for path in glob.glob(os.path.join(out, "python", "*.jsonl")):
        for line in open(path):
            record = json.loads(line)
            if "case" not in record:
                continue
            impl = record["impl"]
            name = next((v for k, v in PYTHON_NAMES.items() if impl.lower().startswith(k)), impl)
            case = record["case"]
            if case == "fwd_1_jit":
                name, case = name + " TorchScript", "fwd_1"
            results[(name, record["topology"], case)] = record["median_us"]
    return results


def staticnet(out, folder="bdn"):
    results = {}
    for path in glob.glob(os.path.join(out, folder, "**", "*-report-full*.json"), recursive=True):
        report = json.load(open(path))
        for b in report.get("Benchmarks", []):
            stats = b.get("Statistics")
            if not stats:
                continue
            full = b.get("FullName", "") + " " + b.get("Type", "")
            topology = "Large" if "Large" in full else next((t for t in TOPOLOGIES + ACTIVATION_TOPOLOGIES if f"<{t}>" in full or f"[{t}]" in full), None)
            method = b.get("Method", "")
            if method in STEPS or method in STEPS_FROZEN:
                key = ("StaticNet", STEPS[method], "step") if method in STEPS else ("StaticNet", STEPS_FROZEN[method], "step Freeze()")
                results[key] = (stats["Median"] / 1000, (b.get("Memory") or {}).get("BytesAllocatedPerOperation"))
                continue
            suffix = next((s for s in METHOD_SUFFIXES if method.endswith(s)), "")
            impl = METHOD_SUFFIXES.get(suffix, "StaticNet")
            case = METHOD_CASES.get(method.removesuffix(suffix) if suffix else method)
            if topology is None or case is None:
                continue
            allocated = (b.get("Memory") or {}).get("BytesAllocatedPerOperation")
            results[(impl, topology, case)] = (stats["Median"] / 1000, allocated)
    return results


def torchsharp_note(out):
    """Why TorchSharp was left out of the run, from the --check output, or None if it ran (or nothing says)."""
    path = os.path.join(out, "check.txt")
    if not os.path.exists(path):
        return None
    for line in open(path):
        if line.startswith("TorchSharp: not loaded"):
            return line.strip()
    return None


def peers_table(out, sn):
    """StaticNet beside ONNX Runtime (forward cases only: it does inference) and TorchSharp, with time ratios."""
    if not any(k[0] in PEERS for k in sn):
        return
    print()
    print("Against the .NET peers (same BenchmarkDotNet run; median per call, bytes allocated per call; a ratio is the "
          "peer's time over StaticNet's):")
    print()
    print("| topology | case | StaticNet | ONNX Runtime | allocated | ONNX Runtime / StaticNet | TorchSharp | allocated | TorchSharp / StaticNet |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for topology in TOPOLOGIES:
        for case in CASES:
            ours = sn.get(("StaticNet", topology, case), (None, None))[0]
            cells = []
            for peer in PEERS:
                us, allocated = sn.get((peer, topology, case), (None, None))
                cells += [fmt(us, case), "-" if allocated is None else f"{allocated:,} B", f"{us / ours:.2f}×" if us and ours else "-"]
            print(f"| {topology} | {case} | {fmt(ours, case)} | " + " | ".join(cells) + " |")
    print()
    print("ONNX Runtime does inference only: it has no training cases.")
    note = torchsharp_note(out)
    if note:
        reason = note.split("(", 1)[1].removesuffix(")") if "(" in note else note
        print(f"TorchSharp is left out of this run: its native library did not load here ({reason}). "
              "benchmarks/torchsharp/glibcxx-shim.sh is the workaround on a system whose libstdc++ is older than GCC 13's "
              "(docs/benchmarks.md, \"Against ONNX Runtime and TorchSharp\").")


def widths(out):
    """StaticNet's results at each vector width of the sitting: {bits: results}, the default run's width first."""
    path = os.path.join(out, "widths.txt")
    if not os.path.exists(path):
        return {}
    found = {}
    for line in open(path):
        if line.strip():
            bits, folder = line.split()
            found[int(bits)] = staticnet(out, folder)
    return found


def ceiling(out, bits):
    """The core's FMA ceiling in FLOP/ns at a width, from peak.txt, or None."""
    path = os.path.join(out, "peak.txt")
    if not os.path.exists(path):
        return None
    m = re.search(rf"^{bits}-bit FMA: ([\d.]+) FLOP/ns", open(path).read(), re.M)
    return float(m.group(1)) if m else None


def widths_table(out, by_width):
    """StaticNet's own cases at every width of the sitting, with the time of each narrower width over the widest's."""
    if len(by_width) < 2:
        return
    bits = sorted(by_width, reverse=True)
    print()
    print("StaticNet at every vector width (same sitting; 256: `DOTNET_PreferredVectorBitWidth=256` where the CPU has "
          "AVX-512, 128: `DOTNET_EnableAVX=0`; median per call, and the ratio to the widest):")
    print()
    print("| network | case | " + " | ".join(f"{b}-bit" for b in bits) + " | " + " | ".join(f"{b} / {bits[0]}" for b in bits[1:]) + " |")
    print("|---|---|" + "---:|" * (2 * len(bits) - 1))
    rows = [(t, c) for t in TOPOLOGIES for c in CASES] + [(name, step) for name in STEPS.values() for step in ("step", "step Freeze()")]
    rows += [(t, c) for t in ACTIVATION_TOPOLOGIES for c in ACTIVATION_CASES]
    for topology, case in rows:
        times = [by_width[b].get(("StaticNet", topology, case), (None, None))[0] for b in bits]
        if all(t is None for t in times):
            continue
        ratios = [f"{t / times[0]:.2f}×" if t and times[0] else "-" for t in times[1:]]
        print(f"| {topology} | {case} | " + " | ".join(fmt(t, case) for t in times) + " | " + " | ".join(ratios) + " |")
    for topology in TOPOLOGIES + ACTIVATION_TOPOLOGIES:
        for case in ("fwd_1", "fwd_256"):
            times = [by_width[b].get(("StaticNet Freeze()", topology, case), (None, None))[0] for b in bits]
            if any(t is not None for t in times):
                ratios = [f"{t / times[0]:.2f}×" if t and times[0] else "-" for t in times[1:]]
                print(f"| {topology} | {case}, Freeze() | " + " | ".join(fmt(t, case) for t in times) + " | " + " | ".join(ratios) + " |")


def frozen_table(out, nat, by_width):
    """The inference snapshot's Forward beside the network's Forward and the hand-written C++ of each width."""
    rows = []
    for bits, results in sorted(by_width.items(), reverse=True):
        native_name = {512: "AVX-512 C++", 256: "AVX2 C++"}.get(bits)
        for topology in TOPOLOGIES:
            frozen = results.get(("StaticNet Freeze()", topology, "fwd_1"), (None, None))
            forward = results.get(("StaticNet", topology, "fwd_1"), (None, None))[0]
            if frozen[0] is None:
                continue
            ref = nat.get((native_name, topology)) if native_name else None
            eigen = nat.get(("Eigen", topology))
            allocated = "-" if frozen[1] is None else f"{frozen[1]:,} B"
            against_forward = f"{frozen[0] / forward:.2f}×" if forward else "-"
            reference = f"{native_name} {fmt(ref, 'fwd_1')}" if ref else "-"
            against_reference = f"{frozen[0] / ref:.2f}×" if ref else "-"
            against_eigen = f"{frozen[0] / eigen:.2f}×" if eigen else "-"
            rows.append(f"| {bits} | {topology} | {fmt(forward, 'fwd_1')} | {fmt(frozen[0], 'fwd_1')} | {allocated} | "
                        f"{against_forward} | {reference} | {against_reference} | {against_eigen} |")
    if not rows:
        return
    print()
    print("The inference snapshot (`Freeze()`, packed weights) beside `Forward`, per width (median per call):")
    print()
    print("| bits | network | Forward | Freeze().Forward | allocated | Freeze / Forward | hand-written C++ of the width | Freeze / C++ | Freeze / Eigen |")
    print("|---:|---|---:|---:|---:|---:|---|---:|---:|")
    for row in rows:
        print(row)


def fmt(us, case):
    if us is None:
        return "-"
    if us < 10:
        return f"{us * 1000:,.0f} ns"
    return f"{us:,.1f} µs" if us < 1000 else f"{us / 1000:,.2f} ms"


def main(out):
    if os.path.exists(os.path.join(out, "machine.txt")):
        print("```")
        print(open(os.path.join(out, "machine.txt")).read().strip())
        print("```")
        print()
    peak = os.path.join(out, "peak.txt")
    if os.path.exists(peak):
        print("This core's ceiling (benchmarks/native/peak.cpp):")
        print()
        print("```")
        print(open(peak).read().strip())
        print("```")
        print()
    nat, py, sn = native(out), python(out), staticnet(out)
    refs = {}
    for (name, topology), us in nat.items():
        refs.setdefault((topology, "fwd_1"), {})[name] = us
    for (name, topology, case), us in py.items():
        refs.setdefault((topology, case), {})[name] = us

    print("| topology | case | StaticNet | FLOP/ns | allocated | Scalar C# | TensorPrimitives | best reference | StaticNet / best | PyTorch / StaticNet |")
    print("|---|---|---:|---:|---:|---:|---:|---|---:|---:|")
    for topology in TOPOLOGIES:
        for case in CASES:
            ours, allocated = sn.get(("StaticNet", topology, case), (None, None))
            scalar = sn.get(("Scalar C#", topology, case), (None, None))[0]
            tensor = sn.get(("TensorPrimitives", topology, case), (None, None))[0]
            candidates = refs.get((topology, case), {})
            best = min(candidates.items(), key=lambda kv: kv[1]) if candidates else None
            torch = candidates.get("PyTorch")
            ratio = f"{ours / best[1]:.2f}×" if ours and best else "-"
            speedup = f"{torch / ours:.1f}×" if ours and torch else "-"
            bytes_ = "-" if allocated is None else f"{allocated:,} B"
            best_text = f"{best[0]} {fmt(best[1], case)}" if best else "-"
            rate = f"{flops(topology, case) / (ours * 1000):.1f}" if ours else "-"
            print(f"| {topology} | {case} | {fmt(ours, case)} | {rate} | {bytes_} | {fmt(scalar, case)} | {fmt(tensor, case)} | {best_text} | {ratio} | {speedup} |")
    for case in ("fwd_1", "train_1"):
        ours, allocated = sn.get(("StaticNet", "Large", case), (None, None))
        if ours is not None:
            print(f"| 4096-4096-10 | {case} | {fmt(ours, 'x')} | - | {allocated:,} B | - | - | - | - | - |")

    peers_table(out, sn)
    by_width = widths(out)
    widths_table(out, by_width)
    frozen_table(out, nat, by_width)

    print()
    print("All references (median per call):")
    print()
    for (topology, case), candidates in sorted(refs.items()):
        print(f"- {topology} {case}: " + ", ".join(f"{name} {fmt(us, case)}" for name, us in sorted(candidates.items(), key=lambda kv: kv[1])))

    print()
    print("Targets:")
    print()

    def s(topology, case):
        return sn.get(("StaticNet", topology, case), (None, None))[0]

    def line(text, value, limit, lower_is_better=True, unit="×"):
        if value is None:
            print(f"- {text}: not measured")
            return
        ok = value <= limit if lower_is_better else value >= limit
        print(f"- {text}: {value:.2f}{unit} (target {'≤' if lower_is_better else '≥'} {limit}{unit}) **{'PASS' if ok else 'MISS'}**")

    for topology in ("T2", "T3"):
        ref = nat.get(("AVX-512 C++", topology))
        line(f"{topology} fwd_1 / AVX-512 C++", s(topology, "fwd_1") / ref if ref and s(topology, "fwd_1") else None, 1.0)
    eigen = nat.get(("Eigen", "T1"))
    line("T1 fwd_1 / Eigen", s("T1", "fwd_1") / eigen if eigen and s("T1", "fwd_1") else None, 1.0)
    line("T2 train_1 / own fwd_1", s("T2", "train_1") / s("T2", "fwd_1") if s("T2", "train_1") and s("T2", "fwd_1") else None, 4.0)
    torch = py.get(("PyTorch", "T2", "train_1"))
    if torch and s("T2", "train_1"):
        ratio = torch / s("T2", "train_1")
        print(f"- T2 train_1: PyTorch takes {ratio:,.0f}× as long (target ≥ 200×) **{'PASS' if ratio >= 200 else 'MISS'}**")
    else:
        print("- T2 train_1 against PyTorch: not measured")
    for case in ("fwd_256", "train_32"):
        torch = py.get(("PyTorch", "T3", case))
        line(f"T3 {case} throughput / PyTorch", torch / s("T3", case) if torch and s("T3", case) else None, 2.0, lower_is_better=False)
    allocations = [sn[k][1] for k in sn if k[0] == "StaticNet" and k[2] in ("fwd_1", "train_1") and k[1] != "Large"]
    if allocations:
        print(f"- bytes allocated by single-sample StaticNet calls: max {max(allocations)} (target 0) **{'PASS' if max(allocations) == 0 else 'MISS'}**")
    if s("T2", "fwd_1") and s("T3", "fwd_1"):
        line("T3 / T2 fwd_1 time per multiply-add", (s("T3", "fwd_1") / MACS["T3"]) / (s("T2", "fwd_1") / MACS["T2"]), 1.2)

    # The targets of the 256-bit and 128-bit paths (issue "Fast on every CPU"), from the runs at those widths.
    if 256 in by_width:
        w256 = by_width[256]

        def s256(topology, case):
            return w256.get(("StaticNet", topology, case), (None, None))[0]

        print()
        print("Targets of the 256-bit and 128-bit paths:")
        print()
        for topology in ("T2", "T3"):
            ref = nat.get(("AVX2 C++", topology))
            line(f"{topology} fwd_1 at 256 bits / hand-written AVX2 C++", s256(topology, "fwd_1") / ref if ref and s256(topology, "fwd_1") else None, 1.0)
        line("T1 fwd_1 at 256 bits / Eigen", s256("T1", "fwd_1") / eigen if eigen and s256("T1", "fwd_1") else None, 1.0)
        line("T2 train_1 / own fwd_1 at 256 bits", s256("T2", "train_1") / s256("T2", "fwd_1") if s256("T2", "train_1") and s256("T2", "fwd_1") else None, 4.0)
        peak = ceiling(out, 256)
        rate = flops("T3", "fwd_256") / (s256("T3", "fwd_256") * 1000) if s256("T3", "fwd_256") else None
        line("T3 fwd_256 at 256 bits, share of the 256-bit FMA ceiling", 100 * rate / peak if rate and peak else None, 80, lower_is_better=False, unit=" %")
        if 128 in by_width:
            t128 = by_width[128].get(("StaticNet", "T2", "fwd_1"), (None, None))[0]
            line("T2 fwd_1 at 128 bits / at 256 bits", t128 / s256("T2", "fwd_1") if t128 and s256("T2", "fwd_1") else None, 2.2)
        allocated = [r[1] for results in by_width.values() for k, r in results.items() if k[0] == "StaticNet" and k[2] in ("fwd_1", "train_1", "step", "step Freeze()") and r[1] is not None]
        if allocated:
            print(f"- bytes allocated by single-sample calls and Step, every width: max {max(allocated)} (target 0) **{'PASS' if max(allocated) == 0 else 'MISS'}**")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/staticnet-compare")
