using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using StaticNet.Roslyn;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>The generated code compiles with no warning at the highest warning level, whatever the declaration.</summary>
public sealed class CompileTests
{
    public static TheoryData<string> Declarations => new()
    {
        "[Network(Layers = [2, 16, 16, 1], Activation = Activation.Tanh, Output = Activation.Identity, Loss = Loss.MeanSquaredError)]",
        "[Network(Layers = [64, 64, 64, 10], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]",
        "[Network(Layers = [1, 1])]",
        "[Network(Layers = [3, 1], Output = Activation.Softmax, Loss = Loss.CrossEntropy)]",
        "[Network(Layers = [7, 9, 8, 17], Activation = Activation.LeakyReLU, Output = Activation.ReLU)]",
        "[Network(Layers = [33, 65, 3], Activation = Activation.Sigmoid, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]",
        "[Network(Layers = [5, 4, 3, 2, 1], Activations = [Activation.Identity, Activation.Tanh, Activation.Sigmoid, Activation.Softmax])]",
        "[Network(Layers = [9, 8, 7], Activation = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]",
        "[Network(Layers = [4, 20000, 3], Output = Activation.Softmax, Loss = Loss.CrossEntropy)]",
        "[Network(Layers = [4, 20000, 3], Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)]",
    };

    [Theory]
    [MemberData(nameof(Declarations))]
    public void Generated_code_compiles_without_warnings(string attribute)
    {
        foreach (bool allowUnsafe in new[] { true, false })
        {
            GeneratorResult result = GeneratorHarness.Run(Wrap(attribute), allowUnsafe: allowUnsafe);
            Assert.Single(result.Sources);
            AssertNoWarnings(result.Output.GetDiagnostics());
        }
    }

    public static TheoryData<string, string> RepresentativeDeclarationsOnEachFramework()
    {
        var data = new TheoryData<string, string>();
        foreach (TargetFramework framework in TargetFramework.All)
        {
            foreach (string name in new[] { nameof(Sources.XorNet), nameof(Sources.T2), nameof(Sources.DoubleBinary), nameof(Sources.AmpModel) })
            {
                data.Add(framework.Name, name);
            }
        }

        return data;
    }

    /// <summary>
    /// A dense classifier, a small regression network, a double network and a sequence network of every layer kind, each
    /// compiled against the reference assemblies and StaticNet.dll of both frameworks the runtime library builds for, with
    /// that framework's preprocessor symbols: the testing framework fails on any diagnostic down to Info.
    /// </summary>
    [Theory]
    [MemberData(nameof(RepresentativeDeclarationsOnEachFramework))]
    public async Task Generated_code_compiles_without_warnings_on_net8_and_net10(string framework, string declaration)
    {
        string source = (string)typeof(Sources).GetField(declaration)!.GetValue(null)!;
        var test = new GeneratorTest(source, framework: TargetFramework.All.Single(f => f.Name == framework))
        {
            TestBehaviors = TestBehaviors.SkipGeneratedSourcesCheck,
        };
        await test.RunAsync();
        Assert.Single(test.GeneratedSources);
        string directory = $"{System.IO.Path.DirectorySeparatorChar}{framework}{System.IO.Path.DirectorySeparatorChar}StaticNet.dll";
        Assert.Contains(test.Output.References, r => r.Display is { } path && path.EndsWith(directory, System.StringComparison.Ordinal));
    }

    [Fact]
    public void Nested_types_records_and_the_global_namespace_are_supported()
    {
        const string Source = """
            using StaticNet;

            /// <summary>Global.</summary>
            [Network(Layers = [2, 3])]
            public partial class GlobalNet;

            namespace A.B
            {
                /// <summary>Outer.</summary>
                public partial class Outer
                {
                    /// <summary>Inner.</summary>
                    public partial struct Middle
                    {
                        /// <summary>Nested.</summary>
                        [Network(Layers = [2, 3])]
                        public partial class Nested;
                    }
                }

                /// <summary>A record.</summary>
                [Network(Layers = [2, 3])]
                public partial record RecordNet;
            }
            """;
        GeneratorResult result = GeneratorHarness.Run(Source);
        Assert.Equal(["A.B.Outer.Middle.Nested.g.cs", "A.B.RecordNet.g.cs", "GlobalNet.g.cs"], result.Sources.Select(s => s.HintName).Order().ToArray());
        AssertNoWarnings(result.Output.GetDiagnostics());
    }

    [Fact]
    public void Two_networks_with_the_same_name_in_different_namespaces_get_different_files()
    {
        GeneratorResult result = GeneratorHarness.Run("""
            using StaticNet;
            namespace One { /// <summary>1.</summary>
            [Network(Layers = [2, 3])] public partial class Net; }
            namespace Two { /// <summary>2.</summary>
            [Network(Layers = [2, 3])] public partial class Net; }
            """);
        Assert.Equal(2, result.Sources.Length);
        AssertNoWarnings(result.Output.GetDiagnostics());
    }

    [Fact]
    public void A_namespace_that_holds_a_System_or_StaticNet_member_does_not_capture_the_generated_usings()
    {
        // Found by the fuzzer: in namespace Fuzz.System, "using System.Runtime.CompilerServices;" would bind to Fuzz.System.
        GeneratorResult result = GeneratorHarness.Run("""
            using StaticNet;
            namespace App.System { /// <summary>1.</summary>
            [Network(Layers = [2, 3])] public partial class Net; }
            namespace Other.StaticNet.Inner { /// <summary>2.</summary>
            [Network(Layers = [2, 3])] public partial class Net; }
            namespace Other.StaticNet { internal static class Marker; }
            """);
        Assert.Equal(2, result.Sources.Length);
        AssertNoWarnings(result.Output.GetDiagnostics());
    }

    [Fact]
    public void Top_level_statements_declaring_names_the_generated_code_uses_do_not_capture_them()
    {
        // Found by a benchmark probe: a local function Dense of the top-level statements, and a network in the global
        // namespace, whose generated code called the kernels' Dense<float> by its simple name (CS8801).
        CSharpCompilation compilation = GeneratorHarness.Compilation("""
            using StaticNet;

            var net = new GlobalNet();
            float[] output = new float[1];
            float Loss = net.ComputeLoss([1f, 2f], [0.5f]);
            net.Forward([1f, 2f], output);
            System.Console.WriteLine(Dense(output[0]) + Output(Loss) + Frames(2f) + GlobalSequence.ParameterCount);

            static T Dense<T>(T x) => x;
            static T Output<T>(T x) => x;
            static T Frames<T>(T x) => x;

            /// <summary>A dense network in the global namespace.</summary>
            [Network(Layers = [2, 3, 1], Activation = Activation.Tanh)]
            public partial class GlobalNet;

            /// <summary>A sequence network in the global namespace.</summary>
            [Network(Input = 1)]
            [Gru(4)]
            [StaticNet.Dense(1)]
            public partial class GlobalSequence;
            """).WithOptions(GeneratorHarness.CompilationOptions().WithOutputKind(OutputKind.ConsoleApplication));
        GeneratorResult result = GeneratorHarness.Run(compilation);
        Assert.Equal(2, result.Sources.Length);
        AssertNoWarnings(result.Output.GetDiagnostics());
    }

    internal static string Wrap(string attribute) => $$"""
        using StaticNet;

        namespace Consumer;

        /// <summary>Declared by a test.</summary>
        {{attribute}}
        public partial class Net;
        """;

    internal static void AssertNoWarnings(ImmutableArray<Diagnostic> diagnostics)
    {
        Diagnostic[] problems = diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(problems.Length == 0, string.Join("\n", problems.Select(d => d.ToString())));
    }
}
