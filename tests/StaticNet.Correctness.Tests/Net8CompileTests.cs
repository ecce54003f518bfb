using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using StaticNet.Roslyn;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Correctness.Tests;

/// <summary>
/// The golden networks' generated code also compiles cleanly for the runtime library's other framework, net8.0. The
/// golden tests compile, emit and run it for net10.0 only (the framework the tests run on); doing that for net8.0 too
/// would double their time. This test only generates and compiles (no emit) against the net8.0 reference assemblies and
/// the net8.0 StaticNet.dll. Measured on a 2-core machine shared with a CI run: all 947 golden declarations took 62 s, the
/// first of each distinct (precision, loss, activations or layer kinds) 493 of them 37 s; so it takes the declarations
/// that cover, in each precision, every loss with every output activation, every hidden activation, every depth, and
/// for the sequence networks every layer kind with every activation it has and every pair of adjacent layer kinds
/// (sizes only change constants in the generated code): 69 declarations (39 dense, 30 sequence), 14 s.
/// </summary>
public sealed class Net8CompileTests(ITestOutputHelper output)
{
    [Fact]
    public void Net8_the_generated_code_of_the_golden_declarations_compiles_cleanly()
    {
        var stopwatch = Stopwatch.StartNew();
        (string Name, string Source)[] dense = Covering(
            GoldenData.Load().Networks.Select(n => n.Declaration),
            d => [
                $"{d.Precision}|{d.Loss}|{d.Activations[^1]}",
                $"{d.Precision}|depth {d.Layers.Length}",
                .. d.Activations[..^1].Select(a => $"{d.Precision}|hidden {a}"),
            ])
            .Select(d => (d.Name, d.Source))
            .ToArray();
        (string Name, string Source)[] sequence = Covering(
            SequenceGoldenFixture.ReadIndex().Networks,
            n => [
                $"{n.Precision}|{n.Loss}",
                .. n.Layers.Select(l => $"{n.Precision}|{l.Kind} {l.Activation}"),
                .. n.Layers.Zip(n.Layers.Skip(1), (a, b) => $"{n.Precision}|{a.Kind} then {b.Kind}"),
            ])
            .Select(n => (n.Name, n.Source))
            .ToArray();
        Assert.NotEmpty(dense);
        Assert.NotEmpty(sequence);

        CompiledNetworks.Check([.. dense, .. sequence], "StaticNet.Golden.Net8", TargetFramework.Net8);
        output.WriteLine($"Generated and compiled {dense.Length} dense and {sequence.Length} sequence networks against net8.0 in {stopwatch.Elapsed.TotalSeconds:F1} s.");
    }

    /// <summary>In order, each item that has a feature no item before it had.</summary>
    private static List<T> Covering<T>(IEnumerable<T> items, Func<T, string[]> features)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var chosen = new List<T>();
        foreach (T item in items)
        {
            bool added = false;
            foreach (string feature in features(item))
            {
                added |= seen.Add(feature);
            }

            if (added)
            {
                chosen.Add(item);
            }
        }

        return chosen;
    }
}
