using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using StaticNet.Tests.Shared;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// Generated code a person can read: no line of any generated file is longer than <see cref="MaxLength"/> characters,
/// whatever the sizes, the layer kinds and the activations (long comments wrap, long declarations break into blocks,
/// baked-in weights come in lines), and a file with its weights baked in still compiles.
/// </summary>
public sealed class LineLengthTests
{
    private const int MaxLength = 160;

    /// <summary>
    /// A sequence network with sizes of up to six digits, so that every offset and size in the text is long, in a namespace
    /// with a type of the name of one the generated code uses, so that it names them all with <c>global::</c>.
    /// </summary>
    private const string WideSequence = """
        using StaticNet;

        namespace Samples.Long.Namespace;

        /// <summary>Wide.</summary>
        [Network(Input = 240, Loss = Loss.MeanSquaredError)]
        [Conv1D(512, KernelSize = 16, Dilation = 64, Activation = Activation.LeakyReLU)]
        [Gru(768)]
        [Lstm(1024)]
        [Conv1D(300, KernelSize = 1, Activation = Activation.Softplus)]
        [Dense(100000, Activation = Activation.Gelu)]
        [Dense(10)]
        public partial class WideSequence;

        /// <summary>A type of the user's that shares a name with one of the library's.</summary>
        public static class Output;
        """;

    /// <summary>A deep dense classifier with wide layers, two-digit layer numbers and every activation, named with <c>global::</c>.</summary>
    private const string DeepDense = """
        using StaticNet;

        namespace Samples.Long.Namespace;

        /// <summary>Deep.</summary>
        [Network(
            Layers = [784, 100000, 4096, 2048, 1024, 512, 256, 128, 64, 32, 16, 12, 10],
            Activations = [Activation.LeakyReLU, Activation.Softplus, Activation.Gelu, Activation.Silu, Activation.Elu, Activation.Tanh,
                Activation.Sigmoid, Activation.ReLU, Activation.Identity, Activation.LeakyReLU, Activation.Softplus, Activation.Softmax],
            Loss = Loss.CrossEntropy,
            Precision = Precision.Double)]
        public partial class DeepDense;

        /// <summary>A type of the user's that shares a name with one of the library's.</summary>
        public static class Dense;
        """;

    /// <summary>A network of 40 layers: the lists of sizes and activations take several lines.</summary>
    private static readonly string ManyLayers = $$"""
        using StaticNet;

        namespace Samples;

        /// <summary>Many.</summary>
        [Network(Layers = [{{string.Join(", ", Enumerable.Repeat(1000, 41))}}], Activation = Activation.LeakyReLU, Loss = Loss.MeanSquaredError)]
        public partial class ManyLayers;
        """;

    public static TheoryData<string, string> Declarations => new()
    {
        { "XorNet", Sources.XorNet },
        { "T2", Sources.T2 },
        { "DoubleBinary", Sources.DoubleBinary },
        { "AmpModel", Sources.AmpModel },
        { "Broken", Sources.Invalid },
        { "WideSequence", WideSequence },
        { "DeepDense", DeepDense },
        { "ManyLayers", ManyLayers },
    };

    [Theory]
    [MemberData(nameof(Declarations))]
    public void No_generated_line_is_longer_than_160_characters(string name, string source)
    {
        GeneratorResult result = GeneratorHarness.Run(source);
        if (name != "Broken")
        {
            Assert.DoesNotContain(result.AllDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
        }

        AssertShort(result);
        Assert.Equal(name is "WideSequence" or "DeepDense", result.Sources[0].SourceText.ToString().Contains("global::StaticNet.Kernels.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Single", "F32")]
    [InlineData("Double", "F64")]
    public void Baked_weights_come_in_short_lines_and_compile(string precision, string dtype)
    {
        // 16 -> 32 -> 4: 676 values, 3.6 KB of base64 in float, 7.2 KB in double.
        const string path = "models/wide.safetensors";
        string source = $$"""
            using StaticNet;

            namespace Samples;

            /// <summary>Baked.</summary>
            [Network(Layers = [16, 32, 4], Activation = Activation.Tanh, Precision = Precision.{{precision}}, Weights = "{{path}}")]
            public partial class Wide;
            """;
        byte[] Values(int count, int seed) => Enumerable.Range(seed, count)
            .SelectMany(i => dtype == "F64" ? BitConverter.GetBytes(Math.Sin(i)) : BitConverter.GetBytes((float)Math.Sin(i))).ToArray();
        byte[] file = SafeTensorsCorpus.Write(
        [
            ("0.weight", dtype, [32, 16], Values(512, 0)),
            ("0.bias", dtype, [32], Values(32, 1000)),
            ("2.weight", dtype, [4, 32], Values(128, 2000)),
            ("2.bias", dtype, [4], Values(4, 3000)),
        ]);

        GeneratorResult result = GeneratorHarness.Run(GeneratorHarness.Compilation(source), [InMemoryAdditionalText.Weights(path, file)]);

        Assert.Contains(result.Sources, s => s.HintName == "Samples.Wide.Weights.g.cs");
        Assert.Empty(result.AllDiagnostics.Where(d => d.Severity > DiagnosticSeverity.Hidden));
        AssertShort(result);
    }

    private static void AssertShort(GeneratorResult result)
    {
        Assert.NotEmpty(result.Sources);
        string[] longLines = result.Sources
            .SelectMany(s => s.SourceText.ToString().Split('\n').Select((line, i) => (s.HintName, Number: i + 1, Line: line)))
            .Where(l => l.Line.Length > MaxLength)
            .Select(l => $"{l.HintName}:{l.Number} ({l.Line.Length} characters): {l.Line}")
            .ToArray();
        Assert.True(longLines.Length == 0, $"{longLines.Length} generated lines are longer than {MaxLength} characters:\n{string.Join("\n", longLines.Take(20))}");
    }
}
