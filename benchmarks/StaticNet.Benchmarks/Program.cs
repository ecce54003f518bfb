using System;
using System.Linq;
using BenchmarkDotNet.Running;
using StaticNet.Benchmarks;
using StaticNet.Benchmarks.Baselines;

// `--check`: the baselines compute what StaticNet computes (forward outputs and one training step) before anything is
// timed. Anything else goes to BenchmarkDotNet (e.g. `--filter '*' --exporters json`).
if (args.Contains("--check"))
{
    return Check.Run<T1>() & Check.Run<T2>() & Check.Run<T3>() ? 0 : 1;
}

BenchmarkSwitcher.FromAssembly(typeof(NetworkBenchmarks<>).Assembly).Run(args);
return 0;
