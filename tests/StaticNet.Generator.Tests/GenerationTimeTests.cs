using System;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Generator.Tests;

/// <summary>
/// How long the generator takes on a project with ten T3-sized networks (784 -> 128 -> 64 -> 10, ReLU, softmax,
/// cross-entropy). The numbers are printed (dotnet test --logger "console;verbosity=detailed"), never asserted: wall
/// time on a shared machine is no test. docs/generated-code.md records them with the machine they came from.
/// </summary>
public sealed class GenerationTimeTests(ITestOutputHelper output)
{
    private const int Runs = 15;

    public static readonly string TenT3Networks = BuildSource();

    [Fact]
    public void Generation_time_for_ten_T3_networks_is_reported()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation([TenT3Networks, Unrelated(0)]);

        // Roslyn warm, the generator idle: a run over code without networks, then the compiler's diagnostics.
        CSharpCompilation idle = GeneratorHarness.Compilation([Unrelated(0)]);
        TimeSpan idleRun = Time(() => GeneratorHarness.Driver().RunGenerators(idle));
        Assert.Empty(idle.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        // The first run with networks pays for compiling (JIT) the generator's parser, planner and emitter, as a build
        // does whenever the compiler has not run them yet (meaningful when this test runs first in its process).
        TimeSpan first = Time(() => Assert.Equal(10, GeneratorHarness.Driver().RunGenerators(Fresh(compilation)).GetRunResult().GeneratedTrees.Length));

        // A new driver on a new compilation each time: what a command-line build does (the generator runs from scratch,
        // and nothing of the project is bound yet, so the attributes are bound for the generator).
        TimeSpan full = Median(() => GeneratorHarness.Driver().RunGenerators(Fresh(compilation)));

        // The same driver after an edit elsewhere: what the IDE does while you type in another file.
        GeneratorDriver driver = GeneratorHarness.Driver().RunGenerators(compilation);
        int edit = 0;
        TimeSpan unrelated = Median(() =>
        {
            CSharpCompilation edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.ElementAt(1), CSharpSyntaxTree.ParseText(Unrelated(++edit), GeneratorHarness.ParseOptions(), "Source1.cs"));
            driver = driver.RunGenerators(edited);
        });

        // Compiling the generated code is build time the networks add too: emit with and without it.
        GeneratorHarness.Driver().RunGeneratorsAndUpdateCompilation(compilation, out Compilation withGenerated, out _);
        CSharpCompilation withoutGenerated = GeneratorHarness.Compilation([Unrelated(0)]);
        TimeSpan emitWith = Median(() => Emit(Fresh(withGenerated)));
        TimeSpan emitWithout = Median(() => Emit(Fresh(withoutGenerated)));
        int lines = withGenerated.SyntaxTrees.Skip(2).Sum(tree => tree.GetText().Lines.Count);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            Ten T3 networks (784 -> 128 -> 64 -> 10), medians of {Runs} runs, {Environment.ProcessorCount} cores:
              generator, first run without networks in the process: {idleRun.TotalMilliseconds,7:F1} ms
              generator, first run with networks (its JIT included): {first.TotalMilliseconds,7:F1} ms
              generator, full run with a new driver:              {full.TotalMilliseconds,7:F1} ms
              generator, incremental run after an unrelated edit: {unrelated.TotalMilliseconds,7:F1} ms
              compiling the {lines} generated lines (emit with minus emit without): {(emitWith - emitWithout).TotalMilliseconds,7:F1} ms
            """));
    }

    private static string BuildSource()
    {
        var source = new StringBuilder("using StaticNet;\n\nnamespace Benchmarks;\n");
        for (int i = 0; i < 10; i++)
        {
            source.Append(CultureInfo.InvariantCulture, $"""

                /// <summary>T3 number {i}.</summary>
                [Network(Layers = [784, 128, 64, 10], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
                public partial class T3Net{i};

                """);
        }

        return source.ToString();
    }

    private static string Unrelated(int value) => $$"""
        namespace Benchmarks;
        /// <summary>Unrelated.</summary>
        public static class Other
        {
            /// <summary>A value.</summary>
            public const int Value = {{value}};
        }
        """;

    /// <summary>The same syntax trees in a new compilation, which has bound nothing yet.</summary>
    private static Compilation Fresh(Compilation compilation) => compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees);

    private static void Emit(Compilation compilation)
    {
        using var stream = new MemoryStream();
        Assert.True(compilation.Emit(stream).Success);
    }

    private static TimeSpan Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed;
    }

    private static TimeSpan Median(Action action)
    {
        action(); // Warm-up.
        return Enumerable.Range(0, Runs).Select(_ => Time(action)).Order().ElementAt(Runs / 2);
    }
}
