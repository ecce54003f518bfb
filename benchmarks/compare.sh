#!/usr/bin/env bash
# Runs, in one sitting, StaticNet's BenchmarkDotNet suite and the references of ../shared/anchors: the native C++
# forward passes (hand-written AVX-512 where the CPU has it, hand-written AVX2, fixed-size Eigen), PyTorch, NumPy and
# FANN; then StaticNet's own cases again at each narrower vector width the CPU allows (256 bits where it has AVX-512, and
# 128); then prints one markdown table of medians with the ratio of each StaticNet figure to the best reference beside
# it, one of StaticNet beside the .NET peers that the suite runs in the same BenchmarkDotNet run: ONNX Runtime (forward
# cases) and TorchSharp (all four cases; left out, with a note, where its native library does not load: see
# benchmarks/torchsharp/glibcxx-shim.sh); and one of StaticNet at every width.
#
# Usage: benchmarks/compare.sh [--quick]
#   --quick   short BenchmarkDotNet jobs and one native run: a smoke test of the whole pipeline (a few minutes);
#             without it, about 35 minutes on 2 cores (on an AVX2 machine; one more width where the CPU has AVX-512).
#             Keep the machine otherwise idle: timings are per core.
# Environment:
#   ANCHORS=DIR   the references (default: ../shared/anchors next to the repository)
#   OUT=DIR       where the raw outputs go (default: /tmp/staticnet-compare)
#   CORE=N        the core every timed process is pinned to (default: 1)
# Needs: the .NET SDK; for the references g++ and libeigen3-dev, and python3-torch, python3-numpy, libfann-dev and
# libopenblas0-pthread (apt-get install -y ...). A reference that cannot run is left out of the table, with a note.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
anchors=${ANCHORS:-$repo/../shared/anchors}
out=${OUT:-/tmp/staticnet-compare}
core=${CORE:-1}
quick=0
[ "${1:-}" = "--quick" ] && quick=1

rm -rf "$out"
mkdir -p "$out/python" "$out/bdn"
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc --all) cores, flags: $(grep -o -m1 -w 'avx512f\|avx2\|fma' /proc/cpuinfo | sort -u | xargs)"
    echo "cpu family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs), model $(grep -m1 '^model\s' /proc/cpuinfo | cut -d: -f2 | xargs), L2 $(lscpu | grep -m1 'L2 cache' | cut -d: -f2 | xargs)"
    echo "dotnet: $(dotnet --version)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt"

echo "== this core's ceiling (benchmarks/native/peak.cpp)"
if command -v g++ >/dev/null; then
    g++ -O2 -march=native -o "$out/peak" "$repo/benchmarks/native/peak.cpp" && taskset -c "$core" "$out/peak" | tee "$out/peak.txt"
else
    echo "skipped: needs g++" | tee "$out/peak.txt"
fi

echo "== native references ($anchors/native)"
if [ ! -d "$anchors" ]; then
    echo "skipped: no anchors at $anchors (set ANCHORS=DIR)" | tee "$out/native.txt"
elif command -v g++ >/dev/null && [ -d /usr/include/eigen3 ]; then
    OUT_DIR="$out/native-bin" bash "$anchors/native/build.sh" "$([ $quick = 1 ] && echo 1 || echo 3)" | tee "$out/native.txt"
else
    echo "skipped: needs g++ and libeigen3-dev" | tee "$out/native.txt"
fi

echo "== PyTorch, NumPy, FANN ($anchors/python)"
if [ ! -d "$anchors" ]; then
    echo "skipped: no anchors at $anchors (set ANCHORS=DIR)" | tee "$out/python.txt"
elif /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null; then
    benches=(torch numpy)
    [ -e /usr/include/fann.h ] && benches+=(fann)
    RESULTS_DIR="$out/python" BLAS=openblas PYTHON=/usr/bin/python3 taskset -c "$core" bash "$anchors/python/run_all.sh" "${benches[@]}" | tee "$out/python.txt"
else
    echo "skipped: /usr/bin/python3 cannot import torch and numpy" | tee "$out/python.txt"
fi

echo "== StaticNet (BenchmarkDotNet)"
dotnet build "$repo/benchmarks/StaticNet.Benchmarks" -c Release -v quiet -nologo
dll="$repo/benchmarks/StaticNet.Benchmarks/bin/Release/net10.0/StaticNet.Benchmarks.dll"
dotnet "$dll" --check | tee "$out/check.txt"
if [ $quick = 1 ]; then
    job=(--job short)
else
    job=(--launchCount 1 --warmupCount 6 --iterationCount 15)
fi
mask=$((1 << core))
dotnet "$dll" --filter '*' --exporters json --artifacts "$out/bdn" --affinity "$mask" "${job[@]}" | tee "$out/bdn.txt" | grep -E '^\| |// \*|Run time' || true

# The same kernels at the narrower vector widths, in the same sitting: StaticNet's own cases (the dense networks' four,
# the sequence networks' Step and the wide tanh and GELU networks' forward passes) again with the JIT told to use 256-bit vectors at most (DOTNET_PreferredVectorBitWidth=256,
# where the CPU has AVX-512) or no AVX at all (DOTNET_EnableAVX=0: the 128-bit path, which is also the one ARM64's NEON
# runs). The benchmark processes BenchmarkDotNet starts inherit the variable; its summary ("VectorSize=") shows the width.
flags=$(grep -m1 '^flags' /proc/cpuinfo)
if grep -qw avx512f <<<"$flags"; then
    echo "512 bdn" > "$out/widths.txt"; narrower=(256 128)
elif grep -qw avx2 <<<"$flags"; then
    echo "256 bdn" > "$out/widths.txt"; narrower=(128)
else
    echo "128 bdn" > "$out/widths.txt"; narrower=()
fi
own=('*NetworkBenchmarks*.Forward' '*NetworkBenchmarks*.ForwardFrozen' '*NetworkBenchmarks*.TrainStep' '*NetworkBenchmarks*.TrainBatch' '*NetworkBenchmarks*.ForwardBatch' '*NetworkBenchmarks*.ForwardBatchFrozen' '*SequenceBenchmarks*' '*ActivationBenchmarks*')
for width in "${narrower[@]}"; do
    echo "== StaticNet at $width bits (BenchmarkDotNet)"
    if [ "$width" = 256 ]; then setting=DOTNET_PreferredVectorBitWidth=256; else setting=DOTNET_EnableAVX=0; fi
    env "$setting" dotnet "$dll" --filter "${own[@]}" --exporters json --artifacts "$out/bdn-$width" --affinity "$mask" "${job[@]}" \
        | tee "$out/bdn-$width.txt" | grep -E '^\| |// \*|Run time|VectorSize' || true
    echo "$width bdn-$width" >> "$out/widths.txt"
done

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/machine.txt"
/usr/bin/python3 "$repo/benchmarks/compare_table.py" "$out" | tee "$out/table.md"
