using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Benchmarks.Aot;

/// <summary>
/// Times Forward, TrainStep and ForwardBatch(256) of T1, T2 and T3 with a Stopwatch: each case is warmed up (long enough
/// for the JIT's tiers), then timed in batches of calls that each take about 10 ms; the median over the batches is
/// printed as "network case ns". The first line says how the code was compiled. Run by benchmarks/aot.sh.
/// </summary>
public static class Program
{
    private const int Pool = 64;
    private const float LearningRate = 1e-4f;

    private static TimeSpan _warmUp = TimeSpan.FromMilliseconds(700);
    private static TimeSpan _batch = TimeSpan.FromMilliseconds(10);
    private static int _batches = 41;

    /// <summary>The entry point.</summary>
    /// <param name="args"><c>--quick</c> for a smoke run (short warm-up, 5 batches of 2 ms).</param>
    public static void Main(string[] args)
    {
        if (args.Contains("--quick"))
        {
            (_warmUp, _batch, _batches) = (TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(2), 5);
        }

        // JIT or not: whether the JIT has compiled anything (PublishAot in the project file turns
        // RuntimeFeature.IsDynamicCodeSupported off for the JIT build as well).
        Console.WriteLine(
            $"runtime: {(JitInfo.GetCompiledMethodCount() > 0 ? "JIT" : "NativeAOT")} {RuntimeInformation.ProcessArchitecture} " +
            $"Vector<float>.Count={Vector<float>.Count} Vector256={Vector256.IsHardwareAccelerated} " +
            $"Vector512={Vector512.IsHardwareAccelerated} Avx2={Avx2.IsSupported} Fma={Fma.IsSupported}");
        Measure<T1>();
        Measure<T2>();
        Measure<T3>();
    }

    private static void Measure<TNet>()
        where TNet : class, INetwork<TNet, float>
    {
        TNet net = TNet.Create(seed: 1);
        ReferenceData.FillParameters(TNet.LayerSizes, net.Parameters, seed: 1);
        float[] inputs = ReferenceData.Inputs(TNet.InputSize, 256, seed: 2);
        float[] targets = Targets<TNet>(256);
        var output = new float[TNet.OutputSize];
        var outputs = new float[256 * TNet.OutputSize];
        string name = typeof(TNet).Name;

        Report(name, "Forward", n =>
        {
            float sum = 0;
            for (int i = 0; i < n; i++)
            {
                net.Forward(inputs.AsSpan((i & (Pool - 1)) * TNet.InputSize, TNet.InputSize), output);
                sum += output[0];
            }

            return sum;
        });
        Report(name, "TrainStep", n =>
        {
            float sum = 0;
            for (int i = 0; i < n; i++)
            {
                int s = i & (Pool - 1);
                sum += net.TrainStep(inputs.AsSpan(s * TNet.InputSize, TNet.InputSize), targets.AsSpan(s * TNet.OutputSize, TNet.OutputSize), LearningRate);
            }

            return sum;
        });
        Report(name, "ForwardBatch256", n =>
        {
            float sum = 0;
            for (int i = 0; i < n; i++)
            {
                net.ForwardBatch(inputs, outputs);
                sum += outputs[0];
            }

            return sum;
        });
    }

    /// <summary>Warms <paramref name="run"/> up, sizes a batch, and prints the median time per call over the batches.</summary>
    private static void Report(string network, string name, Func<int, float> run)
    {
        float sink = 0;
        var clock = Stopwatch.StartNew();
        int n = 1;
        while (clock.Elapsed < _warmUp)
        {
            long start = Stopwatch.GetTimestamp();
            sink += run(n);
            if (Stopwatch.GetElapsedTime(start) < _batch)
            {
                n *= 2;
            }
        }

        var times = new double[_batches];
        for (int b = 0; b < _batches; b++)
        {
            long start = Stopwatch.GetTimestamp();
            sink += run(n);
            times[b] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / n;
        }

        Array.Sort(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{network} {name} {times[_batches / 2]:F1} ns (min {times[0]:F1}, max {times[^1]:F1}, {_batches} batches of {n}){(float.IsNaN(sink) ? " NaN" : "")}"));
    }

    /// <summary>T1's targets are values in ±1 (mean squared error); T2's and T3's one-hot classes (cross-entropy).</summary>
    private static float[] Targets<TNet>(int samples)
        where TNet : class, INetwork<TNet, float>
    {
        var random = new Random(3);
        var targets = new float[samples * TNet.OutputSize];
        for (int s = 0; s < samples; s++)
        {
            if (TNet.Topology.Loss == Loss.CrossEntropy)
            {
                targets[(s * TNet.OutputSize) + random.Next(TNet.OutputSize)] = 1f;
            }
            else
            {
                for (int j = 0; j < TNet.OutputSize; j++)
                {
                    targets[(s * TNet.OutputSize) + j] = (2 * random.NextSingle()) - 1;
                }
            }
        }

        return targets;
    }
}
