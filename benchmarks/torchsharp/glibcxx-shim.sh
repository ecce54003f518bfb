#!/usr/bin/env bash
# Makes TorchSharp 0.107 load on a system whose libstdc++ is older than GCC 13's (Debian 12 and others with
# GLIBCXX_3.4.30): its native libLibTorchSharp.so requires GLIBCXX_3.4.32 for one symbol, std::ios_base_library_init,
# and the dynamic loader refuses it ("version `GLIBCXX_3.4.32' not found"). This script, run by hand once:
#
#   1. builds a small shim library (glibcxx_shim.cpp) that defines that symbol, in version GLIBCXX_3.4.32, and carries
#      the static std::ios_base::Init that GCC 13's libstdc++ would run itself;
#   2. patches libLibTorchSharp.so in the NuGet global packages folder: the shim becomes one of its dependencies
#      (patchelf --add-needed, by absolute path) and its requirement of GLIBCXX_3.4.32 is marked weak
#      (mark_version_weak.py), so the loader accepts it and takes the symbol from the shim.
#
# Every build then copies the patched library, and benchmarks/compare.sh fills its TorchSharp column. The original is
# kept beside it as libLibTorchSharp.so.orig; `--undo` puts it back. Nothing in CI runs this: CI leaves TorchSharp out
# where it does not load.
#
# Usage: benchmarks/torchsharp/glibcxx-shim.sh [--undo]
# Needs: g++, patchelf, python3 (apt-get install -y g++ patchelf python3), and a restore of benchmarks/StaticNet.Benchmarks.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=0.107.0
needed=GLIBCXX_3.4.32

packages=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: //p')
native="${packages%/}/torchsharp/$version/runtimes/linux-x64/native"
library="$native/libLibTorchSharp.so"
shim="$native/libstaticnet-glibcxx-shim.so"

if [ "${1:-}" = "--undo" ]; then
    if [ -e "$library.orig" ]; then
        mv "$library.orig" "$library"
        rm -f "$shim"
        echo "restored the original $library"
    else
        echo "nothing to undo: $library.orig does not exist"
    fi
    exit 0
fi

if [ ! -e "$library" ]; then
    echo "== restoring benchmarks/StaticNet.Benchmarks (TorchSharp $version is not in $packages yet)"
    dotnet restore "$repo/benchmarks/StaticNet.Benchmarks"
fi

libstdcxx=$(/sbin/ldconfig -p | sed -n 's/^\s*libstdc++\.so\.6 (libc6,x86-64) => //p' | head -n 1)
if [ -n "$libstdcxx" ] && grep -q "$needed" "$libstdcxx"; then
    echo "$libstdcxx defines $needed: TorchSharp loads as it is, nothing to do"
    exit 0
fi

for tool in g++ patchelf python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y g++ patchelf python3)"; exit 1; }
done

# Always patch the original, so that running the script twice gives the same file.
[ -e "$library.orig" ] || cp -p "$library" "$library.orig"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

g++ -O2 -shared -fPIC -Wl,--version-script="$here/glibcxx_shim.map" -o "$work/shim.so" "$here/glibcxx_shim.cpp"
cp "$library.orig" "$work/lib.so"
patchelf --add-needed "$shim" "$work/lib.so"
python3 "$here/mark_version_weak.py" "$work/lib.so" "$needed"
install -m 755 "$work/shim.so" "$shim"
install -m 755 "$work/lib.so" "$library"

# Load it as .NET will (every symbol bound now), with LibTorch's libraries on the search path.
torch="${packages%/}/libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native"
LD_LIBRARY_PATH="$torch" python3 -c "import ctypes, os; ctypes.CDLL('$library', mode=os.RTLD_NOW)"
echo "patched $library: it loads (original kept as $library.orig)"
echo "check: dotnet run -c Release --project benchmarks/StaticNet.Benchmarks -- --check   (prints TorchSharp's agreement lines)"
