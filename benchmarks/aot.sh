#!/usr/bin/env bash
# Times Forward, TrainStep and ForwardBatch(256) of T1, T2 and T3 under the JIT and under NativeAOT at three instruction
# sets, in one sitting (benchmarks/StaticNet.AotBenchmarks, a Stopwatch loop: the median of many batches of calls), and
# prints one table. NativeAOT compiles for the instruction set that IlcInstructionSet names, where the JIT compiles for
# the machine it runs on: docs/packaging.md says which to publish with.
#
# Usage: benchmarks/aot.sh [--quick]
#   --quick   a smoke run: short warm-up, 5 batches of 2 ms per case (the figures mean little)
# Environment:
#   OUT=DIR   where the builds and raw outputs go (default: /tmp/staticnet-aot)
#   CORE=N    the core every timed process is pinned to (default: 1)
# Needs: the .NET SDK, and for NativeAOT clang and zlib1g-dev (apt-get install -y clang zlib1g-dev). Keep the machine
# otherwise idle: the timings are per core.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
project="$repo/benchmarks/StaticNet.AotBenchmarks"
out=${OUT:-/tmp/staticnet-aot}
core=${CORE:-1}
quick=()
[ "${1:-}" = "--quick" ] && quick=(--quick)

rm -rf "$out"
mkdir -p "$out"
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc --all) cores, flags: $(grep -o -m1 -w 'avx512f\|avx2\|fma' /proc/cpuinfo | sort -u | xargs)"
    echo "dotnet: $(dotnet --version)"
} | tee "$out/machine.txt"

# The instruction sets: the default (x86-64-v2 at most: no AVX, so the 128-bit path), x86-64-v3 (AVX2, FMA: the 256-bit
# path) where this CPU can run it, and native (whatever this CPU has).
sets=(default)
grep -q -m1 -w avx2 /proc/cpuinfo && grep -q -m1 -w fma /proc/cpuinfo && sets+=(x86-64-v3)
sets+=(native)

echo "== build (JIT) and publish (NativeAOT: ${sets[*]})"
dotnet build "$project" -c Release -v quiet -nologo
for set in "${sets[@]}"; do
    # One publish folder per instruction set; the compiler's response file changes with the setting, so the native
    # compilation runs again for each.
    args=()
    [ "$set" = default ] || args=("-p:IlcInstructionSet=$set")
    dotnet publish "$project" -c Release -v quiet -nologo "${args[@]}" -o "$out/aot-$set"
done

echo "== run (pinned to core $core, load before: $(cut -d' ' -f1-3 /proc/loadavg))"
taskset -c "$core" dotnet "$project/bin/Release/net10.0/StaticNet.AotBenchmarks.dll" "${quick[@]}" | tee "$out/jit.txt"
for set in "${sets[@]}"; do
    taskset -c "$core" "$out/aot-$set/StaticNet.AotBenchmarks" "${quick[@]}" | tee "$out/aot-$set.txt"
done

echo
echo "== median ns per call (JIT: the same program under dotnet; NativeAOT: published with IlcInstructionSet=...)"
files=("$out/jit.txt")
header="| case | JIT"
for set in "${sets[@]}"; do
    files+=("$out/aot-$set.txt")
    header+=" | AOT $set"
done
echo "$header |"
echo "|---|$(printf -- '---:|%.0s' "${files[@]}")"
awk '
    FNR == 1 { file++; next }
    { key = $1 " " $2; if (!(key in seen)) { seen[key] = 1; order[++n] = key } value[key, file] = $3 }
    END {
        for (i = 1; i <= n; i++) {
            line = "| " order[i]
            for (f = 1; f <= file; f++) line = line " | " ((order[i], f) in value ? sprintf("%.0f", value[order[i], f]) : "-")
            print line " |"
        }
    }' "${files[@]}"
echo
echo "code paths:"
for f in "${files[@]}"; do echo "  $(basename "$f" .txt): $(head -n 1 "$f")"; done
