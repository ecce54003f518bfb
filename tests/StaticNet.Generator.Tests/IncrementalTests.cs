using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>The pipeline caches: an edit re-runs only what it must, and no step holds on to compilation objects.</summary>
public sealed class IncrementalTests
{
    private const string Unrelated = """
        namespace Consumer;
        /// <summary>Unrelated.</summary>
        public static class Other
        {
            /// <summary>A value.</summary>
            public const int Value = 1;
        }
        """;

    private static readonly string[] CodeSteps = [TrackingNames.Parse, TrackingNames.Spec, TrackingNames.Plan];

    [Fact]
    public void An_unrelated_edit_re_emits_nothing()
    {
        GeneratorRunResult result = RunTwice(Sources.T2, Unrelated, edit: (network, other) => (network, other.Replace("Value = 1", "Value = 2", StringComparison.Ordinal)));
        foreach (string step in CodeSteps)
        {
            AssertReasons(result, step, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        AssertOutputs(result, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void A_comment_in_the_network_file_re_emits_nothing()
    {
        GeneratorRunResult result = RunTwice(Sources.T2, Unrelated, edit: (network, other) => ("// A comment.\n" + network, other));
        AssertReasons(result, TrackingNames.Parse, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertReasons(result, TrackingNames.Spec, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertReasons(result, TrackingNames.Plan, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
        AssertOutputs(result, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Changing_a_layer_re_emits_the_network()
    {
        GeneratorRunResult result = RunTwice(Sources.T2, Unrelated, edit: (network, other) => (network.Replace("[64, 64, 64, 10]", "[64, 32, 64, 10]", StringComparison.Ordinal), other));
        AssertReasons(result, TrackingNames.Spec, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.Plan, IncrementalStepRunReason.Modified);
        Assert.Contains(result.TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(run => run.Outputs), output => output.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void A_change_that_only_moves_a_diagnostic_leaves_the_code_unchanged()
    {
        GeneratorRunResult result = RunTwice(Sources.Invalid, Unrelated, edit: (network, other) => ("\n\n" + network, other));
        AssertReasons(result, TrackingNames.Diagnostics, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.Spec, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.Plan, IncrementalStepRunReason.Unchanged, IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void Turning_AllowUnsafeBlocks_off_re_emits_nothing()
    {
        // The generated code does not depend on the compilation options (the runtime library takes the scratch).
        CSharpCompilation compilation = GeneratorHarness.Compilation([Sources.T2, Unrelated]);
        GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.WithOptions(compilation.Options.WithAllowUnsafe(false)));
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        AssertReasons(result, TrackingNames.Spec, IncrementalStepRunReason.Cached);
        AssertReasons(result, TrackingNames.Plan, IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void Editing_one_of_ten_networks_re_emits_that_one_only()
    {
        string[] networks = Enumerable.Range(0, 10).Select(i => $$"""
            using StaticNet;
            namespace Benchmarks;
            /// <summary>T3 number {{i}}.</summary>
            [Network(Layers = [784, 128, 64, 10], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
            public partial class T3Net{{i}};
            """).ToArray();
        CSharpCompilation compilation = GeneratorHarness.Compilation([.. networks, Unrelated]);
        GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);

        SyntaxTree third = compilation.SyntaxTrees.ElementAt(3);
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(third, CSharpSyntaxTree.ParseText(networks[3].Replace("[784, 128, 64, 10]", "[784, 100, 64, 10]", StringComparison.Ordinal), GeneratorHarness.ParseOptions(), third.FilePath));
        GeneratorRunResult result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        IncrementalStepRunReason[] plans = result.TrackedSteps[TrackingNames.Plan].SelectMany(run => run.Outputs).Select(output => output.Reason).ToArray();
        Assert.Equal(10, plans.Length);
        Assert.Equal(1, plans.Count(reason => reason == IncrementalStepRunReason.Modified));
        Assert.All(plans.Where(reason => reason != IncrementalStepRunReason.Modified), reason => Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"a plan ran as {reason}"));

        IncrementalStepRunReason[] outputs = result.TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(run => run.Outputs).Select(output => output.Reason).ToArray();
        Assert.Equal(1, outputs.Count(reason => reason == IncrementalStepRunReason.Modified));
        Assert.DoesNotContain(IncrementalStepRunReason.New, outputs);
    }

    [Fact]
    public void No_step_output_holds_a_symbol_a_syntax_node_or_a_compilation()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation([Sources.T2, Sources.Invalid, Sources.DoubleBinary]);
        GeneratorRunResult result = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation).GetRunResult().Results.Single();
        string[] ours = [TrackingNames.Parse, TrackingNames.Diagnostics, TrackingNames.Spec, TrackingNames.Plan];
        Assert.All(ours, name => Assert.True(result.TrackedSteps.ContainsKey(name), $"no step named {name}"));
        foreach ((string name, var runs) in result.TrackedSteps.Where(pair => ours.Contains(pair.Key)))
        {
            foreach (IncrementalGeneratorRunStep run in runs)
            {
                foreach ((object value, _) in run.Outputs)
                {
                    AssertNoCompilationObjects(value, name, depth: 0);
                }
            }
        }
    }

    private static GeneratorRunResult RunTwice(string network, string other, Func<string, string, (string, string)> edit)
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation([network, other]);
        GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true).RunGenerators(compilation);
        (string newNetwork, string newOther) = edit(network, other);
        CSharpCompilation edited = compilation;
        if (newNetwork != network)
        {
            edited = edited.ReplaceSyntaxTree(edited.SyntaxTrees.ElementAt(0), CSharpSyntaxTree.ParseText(newNetwork, GeneratorHarness.ParseOptions(), "Source0.cs"));
        }

        if (newOther != other)
        {
            edited = edited.ReplaceSyntaxTree(edited.SyntaxTrees.ElementAt(1), CSharpSyntaxTree.ParseText(newOther, GeneratorHarness.ParseOptions(), "Source1.cs"));
        }

        return driver.RunGenerators(edited).GetRunResult().Results.Single();
    }

    private static void AssertReasons(GeneratorRunResult result, string step, params IncrementalStepRunReason[] allowed)
    {
        IncrementalGeneratorRunStep[] runs = result.TrackedSteps[step].ToArray();
        Assert.NotEmpty(runs);
        foreach ((_, IncrementalStepRunReason reason) in runs.SelectMany(run => run.Outputs))
        {
            Assert.True(allowed.Contains(reason), $"step {step} ran as {reason}, expected {string.Join(" or ", allowed)}");
        }
    }

    private static void AssertOutputs(GeneratorRunResult result, params IncrementalStepRunReason[] allowed)
    {
        IncrementalGeneratorRunStep[] runs = result.TrackedOutputSteps.SelectMany(pair => pair.Value).ToArray();
        Assert.NotEmpty(runs);
        foreach ((_, IncrementalStepRunReason reason) in runs.SelectMany(run => run.Outputs))
        {
            Assert.True(allowed.Contains(reason), $"an output ran as {reason}, expected {string.Join(" or ", allowed)}");
        }
    }

    internal static void AssertNoCompilationObjects(object? value, string step, int depth)
    {
        if (value is null || depth > 8 || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum)
        {
            return;
        }

        Assert.False(
            value is ISymbol or SyntaxNode or Compilation or SemanticModel,
            $"step {step} holds a {value.GetType().Name}, which keeps a compilation alive and defeats caching");
        if (value is SyntaxTree or Microsoft.CodeAnalysis.Text.TextSpan or DiagnosticDescriptor)
        {
            return; // A diagnostic's tree and span: allowed, they keep #pragma suppression working.
        }

        if (value is IEnumerable items)
        {
            foreach (object? item in items)
            {
                AssertNoCompilationObjects(item, step, depth + 1);
            }

            return;
        }

        foreach (FieldInfo field in value.GetType().GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
        {
            AssertNoCompilationObjects(field.GetValue(value), step, depth + 1);
        }
    }
}
