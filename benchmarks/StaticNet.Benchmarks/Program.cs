using System;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Running;
using StaticNet.Benchmarks;
using StaticNet.Benchmarks.Peers;

// TorchSharp 0.107's native library needs a newer libstdc++ than some systems have (Debian 12's, for one): where it
// does not load, its cases are left out, with a note. benchmarks/torchsharp/glibcxx-shim.sh is the workaround.
bool torchSharp = TorchSharpPeer.TryInitialize(out string? failure);
if (!torchSharp)
{
    Console.WriteLine($"TorchSharp: not loaded, its cases are left out ({failure})");
}

// `--check`: the baselines and the peers compute what StaticNet computes (forward outputs and training steps) before
// anything is timed. Anything else goes to BenchmarkDotNet (e.g. `--filter '*' --exporters json`).
if (args.Contains("--check"))
{
    return Check.Run<T1>(torchSharp) & Check.Run<T2>(torchSharp) & Check.Run<T3>(torchSharp) ? 0 : 1;
}

// BenchmarkDotNet builds a project of its own, which compiles the generator and the runtime library again and copies
// this project's native libraries (ONNX Runtime's and LibTorch's, about 1 GB): on a busy 2-core machine that takes
// longer than its default build timeout of 2 minutes.
ManualConfig config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(15));
if (!torchSharp)
{
    config.AddFilter(new SimpleFilter(benchmark => !benchmark.Descriptor.WorkloadMethod.Name.EndsWith("TorchSharp", StringComparison.Ordinal)));
}

BenchmarkSwitcher.FromAssembly(typeof(NetworkBenchmarks<>).Assembly).Run(args, config);
return 0;
