using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNet.Generator.Model;
using StaticNet.Generator.Weights;
using StaticNet.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Generator.Tests;

/// <summary>
/// Weights baked in at compile time: the generated code and its snapshot, the diagnostics SNET0016 to SNET0019 with
/// their squiggles, the incremental pipeline (the file's edits re-emit, nothing else does), and a differential fuzz
/// test that the generator's safetensors reader agrees with the runtime library's on every file of the corpus.
/// </summary>
public sealed class WeightsTests(ITestOutputHelper output)
{
    /// <summary>The layers of a 2 -> 3 -> 1 network, as the generator's parser gives them.</summary>
    private static readonly EquatableArray<Layers.LayerSpec> TinyLayers = new(
        [new Layers.Dense.DenseLayerSpec(2, 3, Shared.Activation.ReLU), new Layers.Dense.DenseLayerSpec(3, 1, Shared.Activation.Identity)]);

    private const string Path = "models/tiny.safetensors";

    /// <summary>A 2 -> 3 -> 1 network that bakes <see cref="Path"/> in.</summary>
    private static string Network(string arguments = $"Weights = \"{Path}\"", string precision = "Single") => $$"""
        using StaticNet;

        namespace Samples;

        /// <summary>Baked.</summary>
        [Network(Layers = [2, 3, 1], Activation = Activation.Tanh, Precision = Precision.{{precision}}, {{arguments}})]
        public partial class Tiny;
        """;

    /// <summary>The values of <see cref="TinyFile"/>: 0.5, -0.25, 1, ... recognisable in the output.</summary>
    private static readonly float[] TinyValues = Enumerable.Range(0, (2 * 3) + 3 + 3 + 1).Select(i => (i % 2 == 0 ? 1 : -1) * (i + 1) / 4f).ToArray();

    private static byte[] TinyFile(string dtype = "F32", string[]? prefixes = null, long[]? firstShape = null)
    {
        prefixes ??= ["0", "2"];
        byte[] Encode(IEnumerable<float> values) => values.SelectMany(v => dtype switch
        {
            "F64" => BitConverter.GetBytes((double)v),
            "F16" => BitConverter.GetBytes((Half)v),
            "BF16" => BitConverter.GetBytes((ushort)(BitConverter.SingleToInt32Bits(v) >> 16)),
            _ => BitConverter.GetBytes(v),
        }).ToArray();
        return SafeTensorsCorpus.Write(
        [
            (prefixes[0] + ".weight", dtype, firstShape ?? [3, 2], Encode(TinyValues[..6])),
            (prefixes[0] + ".bias", dtype, [3], Encode(TinyValues[6..9])),
            (prefixes[1] + ".weight", dtype, [1, 3], Encode(TinyValues[9..12])),
            (prefixes[1] + ".bias", dtype, [1], Encode(TinyValues[12..])),
        ], "{\"format\":\"pt\"}");
    }

    private static GeneratorResult Run(string source, params AdditionalText[] texts) =>
        GeneratorHarness.Run(GeneratorHarness.Compilation(source), texts);

    private static string Generated(GeneratorResult result, string hintName) =>
        result.Sources.Single(s => s.HintName == hintName).SourceText.ToString();

    /// <summary>The bytes a generated weights file bakes in: the base64 lines of its raw string literal.</summary>
    private static byte[] BakedBytes(string weightsFile) => Convert.FromBase64String(weightsFile.Split("\"\"\"")[1]);

    [Fact]
    public void A_baked_network_gets_its_values_in_a_file_of_their_own_and_a_constructor_that_decodes_them()
    {
        GeneratorResult result = Run(Network(), InMemoryAdditionalText.Weights(Path, TinyFile()));
        Assert.Equal(["Samples.Tiny.Weights.g.cs", "Samples.Tiny.g.cs"], result.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        Snapshot.Verify(Generated(result, "Samples.Tiny.g.cs"), "Baked");
        Snapshot.Verify(Generated(result, "Samples.Tiny.Weights.g.cs"), "Baked.Weights");
        Assert.Empty(result.AllDiagnostics.Where(d => d.Severity > DiagnosticSeverity.Hidden));
    }

    [Theory]
    [InlineData("Single", "F32")]
    [InlineData("Single", "F64")]
    [InlineData("Single", "F16")]
    [InlineData("Single", "BF16")]
    [InlineData("Double", "F32")]
    [InlineData("Double", "F64")]
    public void The_baked_values_compile_without_warnings_and_are_the_files_values_in_the_networks_precision(string precision, string dtype)
    {
        GeneratorResult result = Run(Network(precision: precision), InMemoryAdditionalText.Weights(Path, TinyFile(dtype)));
        CompileTests.AssertNoWarnings(result.Output.GetDiagnostics());
        byte[] values = BakedBytes(Generated(result, "Samples.Tiny.Weights.g.cs"));
        double[] decoded = precision == "Double"
            ? Enumerable.Range(0, values.Length / 8).Select(i => BinaryPrimitives.ReadDoubleLittleEndian(values.AsSpan(8 * i))).ToArray()
            : Enumerable.Range(0, values.Length / 4).Select(i => (double)BinaryPrimitives.ReadSingleLittleEndian(values.AsSpan(4 * i))).ToArray();
        // The tiny values (multiples of 1/4 up to 13/4) are exact in every dtype.
        Assert.Equal(TinyValues.Select(v => (double)v), decoded);
    }

    [Fact]
    public void Baked_networks_nested_in_types_records_and_the_global_namespace_compile_without_warnings()
    {
        string source = $$"""
            using StaticNet;

            /// <summary>Global.</summary>
            [Network(Layers = [2, 3, 1], Weights = "{{Path}}")]
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
                        [Network(Layers = [2, 3, 1], Precision = Precision.Double, Weights = "{{Path}}")]
                        public partial record Nested;
                    }
                }
            }
            """;
        GeneratorResult result = Run(source, InMemoryAdditionalText.Weights(Path, TinyFile()));
        Assert.Equal(
            ["A.B.Outer.Middle.Nested.Weights.g.cs", "A.B.Outer.Middle.Nested.g.cs", "GlobalNet.Weights.g.cs", "GlobalNet.g.cs"],
            result.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        CompileTests.AssertNoWarnings(result.Output.GetDiagnostics());
        Assert.Empty(result.Diagnostics);
    }

    [Fact]
    public void Weights_paths_match_with_either_separator_a_dot_segment_or_the_full_path()
    {
        foreach (string path in new[] { "models/tiny.safetensors", "models\\\\tiny.safetensors", "./models/../models/tiny.safetensors", "/project/models/tiny.safetensors" })
        {
            GeneratorResult result = Run(Network($"Weights = \"{path}\""), InMemoryAdditionalText.Weights(Path, TinyFile()));
            Assert.Empty(result.Diagnostics);
            Assert.Equal(2, result.Sources.Length);
        }
    }

    [Fact]
    public void WeightNames_finds_the_tensors_of_named_modules()
    {
        GeneratorResult result = Run(Network($"Weights = \"{Path}\", WeightNames = [\"fc1\", \"out\"]"), InMemoryAdditionalText.Weights(Path, TinyFile(prefixes: ["fc1", "out"])));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(2, result.Sources.Length);
    }

    /// <summary>A sequence network, Conv1D(4, k=3, d=2) -> Gru(5) -> Dense(1) over 2 inputs, that bakes <see cref="Path"/> in.</summary>
    private static string SequenceNetwork(string arguments = $"Weights = \"{Path}\", WeightNames = [\"conv\", \"rnn\", \"head\"]", string recurrent = "Gru") => $$"""
        using StaticNet;

        namespace Samples;

        /// <summary>Baked sequence network.</summary>
        [Network(Input = 2, Loss = Loss.MeanSquaredError, {{arguments}})]
        [Conv1D(4, KernelSize = 3, Dilation = 2, Activation = Activation.Tanh)]
        [{{recurrent}}(5)]
        [Dense(1)]
        public partial class Amp;
        """;

    /// <summary>The tensors of <see cref="SequenceNetwork"/> with a GRU, in the order of its parameters, as PyTorch names and shapes them.</summary>
    private static readonly (string Module, string Name, long[] Shape)[] SequenceTensors =
    [
        ("conv", "weight", [4, 2, 3]), ("conv", "bias", [4]),
        ("rnn", "weight_ih_l0", [15, 4]), ("rnn", "weight_hh_l0", [15, 5]), ("rnn", "bias_ih_l0", [15]), ("rnn", "bias_hh_l0", [15]),
        ("head", "weight", [1, 5]), ("head", "bias", [1]),
    ];

    /// <summary>Values 1/8, -2/8, 3/8, ... (exact in F32), one per parameter of <see cref="SequenceNetwork"/>.</summary>
    private static readonly float[] SequenceValues = Enumerable.Range(0, 199).Select(i => (i % 2 == 0 ? 1 : -1) * (i + 1) / 8f).ToArray();

    /// <summary>
    /// A file of <see cref="SequenceTensors"/>, listed in reverse (the header order does not matter), with the module names
    /// renamed, one tensor left out or given another shape.
    /// </summary>
    private static byte[] SequenceFile(Func<string, string>? module = null, string? skip = null, (string Name, long[] Shape)? reshape = null)
    {
        var tensors = new List<(string, string, long[], byte[])>();
        int offset = 0;
        foreach ((string owner, string name, long[] shape) in SequenceTensors)
        {
            int count = (int)shape.Aggregate(1L, (a, b) => a * b);
            byte[] data = SequenceValues[offset..(offset + count)].SelectMany(BitConverter.GetBytes).ToArray();
            offset += count;
            string full = (module ?? (m => m))(owner) + "." + name;
            if (full != skip)
            {
                tensors.Add((full, "F32", reshape is { } r && r.Name == full ? r.Shape : shape, data));
            }
        }

        tensors.Reverse();
        return SafeTensorsCorpus.Write(tensors, "{\"format\":\"pt\"}");
    }

    [Fact]
    public void A_sequence_network_bakes_PyTorch_Conv1d_GRU_and_Linear_tensors_under_WeightNames_in_its_parameter_order()
    {
        GeneratorResult result = Run(SequenceNetwork(), InMemoryAdditionalText.Weights(Path, SequenceFile()));
        Assert.Equal(["Samples.Amp.Weights.g.cs", "Samples.Amp.g.cs"], result.Sources.Select(s => s.HintName).Order(StringComparer.Ordinal));
        CompileTests.AssertNoWarnings(result.Output.GetDiagnostics());
        Assert.Empty(result.AllDiagnostics.Where(d => d.Severity > DiagnosticSeverity.Hidden));
        string code = Generated(result, "Samples.Amp.g.cs");
        Assert.Contains("DecodeBakedParameters(StaticNetBakedParameters, Parameters);", code, StringComparison.Ordinal);
        Assert.Contains($"with the parameters read from <c>{Path}</c> at build time", code, StringComparison.Ordinal);
        byte[] values = BakedBytes(Generated(result, "Samples.Amp.Weights.g.cs"));
        Assert.Equal(SequenceValues, Enumerable.Range(0, values.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(values.AsSpan(4 * i))));

        // Without Weights, the same declaration starts from its seed: baking changes only the parameterless constructor.
        GeneratorResult seeded = Run(SequenceNetwork("Precision = Precision.Single"));
        Assert.Equal(["Samples.Amp.g.cs"], seeded.Sources.Select(s => s.HintName));
        Assert.Contains("this(DefaultSeed)", Generated(seeded, "Samples.Amp.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_WeightNames_a_sequence_network_bakes_numbered_modules_in_index_order()
    {
        byte[] file = SequenceFile(module => module switch { "conv" => "0", "rnn" => "3", _ => "10" });
        GeneratorResult result = Run(SequenceNetwork($"Weights = \"{Path}\""), InMemoryAdditionalText.Weights(Path, file));
        Assert.Empty(result.AllDiagnostics.Where(d => d.Severity > DiagnosticSeverity.Hidden));
        byte[] values = BakedBytes(Generated(result, "Samples.Amp.Weights.g.cs"));
        Assert.Equal(SequenceValues, Enumerable.Range(0, values.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(values.AsSpan(4 * i))));
    }

    [Theory]
    [InlineData("rnn.bias_hh_l0", "in 'models/tiny.safetensors', there is no tensor 'rnn.bias_hh_l0' for layer 2, Gru 4 -> 5; the file has 'conv.bias', 'conv.weight', 'head.bias', 'head.weight', 'rnn.bias_ih_l0', 'rnn.weight_hh_l0', 'rnn.weight_ih_l0'")]
    [InlineData("conv.weight", "there is no tensor 'conv.weight' for layer 1, Conv1D 2 -> 4")]
    public void SNET0018_a_missing_GRU_or_Conv1d_tensor_is_named(string missing, string message)
    {
        GeneratorResult result = Run(SequenceNetwork(), InMemoryAdditionalText.Weights(Path, SequenceFile(skip: missing)));
        Diagnostic diagnostic = AssertSingle(result, "SNET0018", $"Weights = \"{Path}\"");
        Assert.Contains(message, diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.StartsWith("The Weights do not fit the network Amp (2 -> 4 -> 5 -> 1): ", diagnostic.GetMessage(), StringComparison.Ordinal);

        // Still a network, from its seed: nothing else is reported.
        Assert.Equal(["Samples.Amp.g.cs"], result.Sources.Select(s => s.HintName));
        Assert.Empty(result.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Theory]
    [InlineData("rnn.weight_hh_l0", new long[] { 5, 15 }, "tensor 'rnn.weight_hh_l0' (the weight_hh_l0 of layer 2, Gru 4 -> 5) has shape [5, 15], but the network needs [15, 5]")]
    [InlineData("rnn.weight_ih_l0", new long[] { 3, 5, 4 }, "tensor 'rnn.weight_ih_l0' (the weight_ih_l0 of layer 2, Gru 4 -> 5) has shape [3, 5, 4], but the network needs [15, 4]")]
    [InlineData("conv.weight", new long[] { 4, 6 }, "tensor 'conv.weight' (the weights of layer 1, Conv1D 2 -> 4) has shape [4, 6], but the network needs [4, 2, 3]")]
    public void SNET0018_a_misshaped_GRU_or_Conv1d_tensor_is_named_with_both_shapes(string tensor, long[] shape, string message)
    {
        GeneratorResult result = Run(SequenceNetwork(), InMemoryAdditionalText.Weights(Path, SequenceFile(reshape: (tensor, shape))));
        Diagnostic diagnostic = AssertSingle(result, "SNET0018", $"Weights = \"{Path}\"");
        Assert.Contains(message, diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void SNET0018_a_GRU_file_does_not_bake_into_an_LSTM()
    {
        GeneratorResult result = Run(SequenceNetwork(recurrent: "Lstm"), InMemoryAdditionalText.Weights(Path, SequenceFile()));
        Diagnostic diagnostic = AssertSingle(result, "SNET0018", $"Weights = \"{Path}\"");
        Assert.Contains("tensor 'rnn.weight_ih_l0' (the weight_ih_l0 of layer 2, Lstm 4 -> 5) has shape [15, 4], but the network needs [20, 4]", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "is not named as a tensor of a numbered module (an nn.ModuleList of one module per layer: '0.weight', '1.weight_ih_l0', …)")]
    [InlineData(true, "module 1 holds 'bias_ih_l0', 'weight_hh_l0', 'weight_ih_l0', but layer 2 (Gru 4 -> 5) has 'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'")]
    public void SNET0018_without_WeightNames_a_sequence_file_must_be_numbered_modules_of_the_layers(bool numbered, string message)
    {
        byte[] file = numbered ? SequenceFile(module => module switch { "conv" => "0", "rnn" => "1", _ => "2" }, skip: "1.bias_hh_l0") : SequenceFile();
        GeneratorResult result = Run(SequenceNetwork($"Weights = \"{Path}\""), InMemoryAdditionalText.Weights(Path, file));
        Diagnostic diagnostic = AssertSingle(result, "SNET0018", $"Weights = \"{Path}\"");
        Assert.Contains(message, diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("set WeightNames", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void SNET0018_WeightNames_of_a_sequence_network_name_one_module_per_layer()
    {
        const string Names = "WeightNames = [\"conv\", \"rnn\"]";
        GeneratorResult result = Run(SequenceNetwork($"Weights = \"{Path}\", {Names}"), InMemoryAdditionalText.Weights(Path, SequenceFile()));
        Diagnostic diagnostic = AssertSingle(result, "SNET0018", Names);
        Assert.Contains("'WeightNames' has 2 entries, but the network has 3 layers", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void SNET0016_a_file_that_is_not_among_the_AdditionalFiles()
    {
        GeneratorResult result = Run(Network(), InMemoryAdditionalText.Weights("models/other.safetensors", TinyFile()));
        Diagnostic diagnostic = AssertSingle(result, "SNET0016", $"Weights = \"{Path}\"");
        Assert.Contains($"add it to the project as <AdditionalFiles Include=\"{Path}\" />", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("it is not among the project's AdditionalFiles, whose weights files are 'models/other.safetensors'", diagnostic.GetMessage(), StringComparison.Ordinal);

        // Still a network: the seeded members are generated, so nothing else is reported.
        Assert.Equal(["Samples.Tiny.g.cs"], result.Sources.Select(s => s.HintName));
        Assert.Empty(result.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void SNET0016_a_safetensors_file_that_reached_the_compiler_unconverted_is_named_and_never_read()
    {
        var raw = new ThrowingAdditionalText("/project/models/tiny.safetensors");
        GeneratorResult result = Run(Network(), raw);
        Diagnostic diagnostic = AssertSingle(result, "SNET0016", $"Weights = \"{Path}\"");
        Assert.Contains("reached the compiler as a binary file", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("build/StaticNet.targets", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void SNET0017_a_file_that_is_not_valid_safetensors()
    {
        byte[] file = TinyFile();
        GeneratorResult result = Run(Network(), InMemoryAdditionalText.Weights(Path, file[..^3]));
        Diagnostic diagnostic = AssertSingle(result, "SNET0017", $"Weights = \"{Path}\"");
        Assert.Contains("is not a valid safetensors file: the header describes 52 bytes of data, but 49 bytes follow it", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void SNET0017_a_damaged_text_form()
    {
        var damaged = new InMemoryAdditionalText("/project/obj/staticnet/tiny.1.safetensors.base64", "staticnet-weights 1\n/project/models/tiny.safetensors\nmodels/tiny.safetensors\n!!!not base64!!!\n");
        AssertSingle(Run(Network(), damaged), "SNET0017", $"Weights = \"{Path}\"");
    }

    [Fact]
    public void SNET0018_a_tensor_of_the_wrong_shape_names_the_tensor_and_both_shapes()
    {
        GeneratorResult result = Run(Network(), InMemoryAdditionalText.Weights(Path, TinyFile(firstShape: [2, 3])));
        Diagnostic diagnostic = AssertSingle(result, "SNET0018", $"Weights = \"{Path}\"");
        Assert.Equal(
            $"The Weights do not fit the network Tiny (2 -> 3 -> 1): in '{Path}', tensor '0.weight' (the weights of layer 1, 2 -> 3) has shape [2, 3], but the network needs [3, 2]; use a file saved from a model of this topology, or set WeightNames to the module name of each layer",
            diagnostic.GetMessage());
    }

    [Fact]
    public void SNET0018_tensors_that_are_not_a_Sequential_suggest_WeightNames()
    {
        GeneratorResult result = Run(Network(), InMemoryAdditionalText.Weights(Path, TinyFile(prefixes: ["fc1", "out"])));
        Diagnostic diagnostic = AssertSingle(result, "SNET0018", $"Weights = \"{Path}\"");
        Assert.Contains("tensor 'fc1.weight' is not the weight or bias of a layer of an nn.Sequential", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("set WeightNames", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WeightNames = [\"fc1\"]", "'WeightNames' has 1 entries, but the network has 2 layers")]
    [InlineData("WeightNames = [\"fc1\", \"fc1\"]", "must hold distinct, non-empty module names")]
    public void SNET0018_WeightNames_that_do_not_name_one_module_per_layer(string names, string message)
    {
        GeneratorResult result = Run(Network($"Weights = \"{Path}\", {names}"), InMemoryAdditionalText.Weights(Path, TinyFile()));
        Diagnostic diagnostic = AssertSingle(result, "SNET0018", names);
        Assert.Contains(message, diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void SNET0018_WeightNames_without_Weights()
    {
        GeneratorResult result = Run(Network("WeightNames = [\"a\", \"b\"]"));
        Diagnostic diagnostic = AssertSingle(result, "SNET0018", "WeightNames = [\"a\", \"b\"]");
        Assert.Contains("'WeightNames' is given without 'Weights'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void SNET0019_a_tensor_of_an_unsupported_dtype()
    {
        byte[] file = SafeTensorsCorpus.Write(
        [
            ("0.weight", "I32", [3, 2], new byte[24]),
            ("0.bias", "F32", [3], new byte[12]),
            ("2.weight", "F32", [1, 3], new byte[12]),
            ("2.bias", "F32", [1], new byte[4]),
        ]);
        GeneratorResult result = Run(Network(), InMemoryAdditionalText.Weights(Path, file));
        Diagnostic diagnostic = AssertSingle(result, "SNET0019", $"Weights = \"{Path}\"");
        Assert.Equal($"Tensor '0.weight' of the Weights file '{Path}' has dtype I32, but StaticNet reads F32, F64, F16 and BF16 tensors; use floating-point tensors (in PyTorch, save {{k: v.float() for k, v in state_dict.items()}})", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("Single", "F32", float.NaN, "NaN")]
    [InlineData("Single", "F32", float.PositiveInfinity, "+Infinity")]
    [InlineData("Double", "F64", double.NegativeInfinity, "-Infinity")]
    [InlineData("Single", "F64", 1e300, "+Infinity")]
    public void SNET0021_a_file_with_NaN_or_infinite_values_is_baked_with_a_warning(string precision, string dtype, double value, string shown)
    {
        byte[] Encode(double v) => dtype == "F64" ? BitConverter.GetBytes(v) : BitConverter.GetBytes((float)v);
        byte[] file = SafeTensorsCorpus.Write(
        [
            ("0.weight", dtype, [3, 2], [.. Encode(0.5), .. Encode(0.25), .. Encode(value), .. Encode(1), .. Encode(2), .. Encode(3)]),
            ("0.bias", dtype, [3], [.. Encode(0), .. Encode(0), .. Encode(0)]),
            ("2.weight", dtype, [1, 3], [.. Encode(1), .. Encode(value), .. Encode(1)]),
            ("2.bias", dtype, [1], Encode(0)),
        ]);
        GeneratorResult result = Run(Network(precision: precision), InMemoryAdditionalText.Weights(Path, file));
        Diagnostic diagnostic = Assert.Single(result.AllDiagnostics, d => d.Id == "SNET0021");
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal($"Weights = \"{Path}\"", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Equal(
            $"The Weights file '{Path}' holds 2 NaN or infinite values in the network's precision, the first in tensor '0.weight' at index 2 ({shown}), from which the network computes NaN or infinities; use a file saved before the training diverged, or repair the values (in PyTorch, torch.nan_to_num)",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Empty(result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != "SNET0021"));
        Assert.Equal(2, result.Sources.Length);
    }

    /// <summary>As at run time (SafeTensorsTests): issue 14's header of 1.67 M tensors cost the generator 1.9 GB and 30 s.</summary>
    [Fact]
    public void A_file_of_more_tensors_than_the_cap_is_rejected_quickly()
    {
        byte[] file = SafeTensorsCorpus.All.Single(c => c.Name == "100,001 empty tensors").File;
        TimeSpan? start = ThreadClock.Now();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        byte[]? values = WeightsResolver.ReadValues(file, Path, EquatableArray<string>.Empty, 2, TinyLayers, Shared.Precision.Single, "Tiny", convert: true, CancellationToken.None, out WeightsResolver.Problem? problem);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        TimeSpan? spent = ThreadClock.Now() - start;
        Assert.Null(values);
        Assert.Equal("SNET0017", problem!.Descriptor.Id);
        Assert.Contains("more than 100000 tensors", problem.Arguments.Last(), StringComparison.Ordinal);
        output.WriteLine($"{file.Length} bytes rejected with {spent?.TotalMilliseconds} ms of the thread's processor time and {allocated} bytes allocated");
        Assert.True(allocated < 8L * file.Length, $"{allocated} bytes allocated for a file of {file.Length}");
        Assert.True(spent is null || spent < TimeSpan.FromSeconds(2), $"{spent} of processor time");
    }

    [Fact]
    public void Editing_the_weights_file_re_emits_the_network_and_other_edits_do_not()
    {
        AdditionalText weights = InMemoryAdditionalText.Weights(Path, TinyFile());
        AdditionalText other = InMemoryAdditionalText.Weights("models/other.safetensors", TinyFile("F16"));
        CSharpCompilation compilation = GeneratorHarness.Compilation([Network(), "namespace Consumer; /// <summary>U.</summary>\npublic static class U { /// <summary>V.</summary>\npublic const int V = 1; }"]);
        GeneratorDriver driver = GeneratorHarness.Driver(trackSteps: true, additionalTexts: [weights, other]).RunGenerators(compilation);

        // An unrelated C# edit: the weights steps are cached, nothing is emitted again.
        GeneratorDriver edited = driver.RunGenerators(compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.ElementAt(1),
            CSharpSyntaxTree.ParseText("namespace Consumer; /// <summary>U.</summary>\npublic static class U { /// <summary>V.</summary>\npublic const int V = 2; }", GeneratorHarness.ParseOptions(), "Source1.cs")));
        GeneratorRunResult result = edited.GetRunResult().Results.Single();
        AssertReasons(result, TrackingNames.Weights, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.Plan, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertOutputs(result, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);

        // Editing another weights file: the network's values are unchanged, so its code is not emitted again.
        AdditionalText otherEdited = InMemoryAdditionalText.Weights("models/other.safetensors", TinyFile("BF16"));
        result = driver.ReplaceAdditionalText(other, otherEdited).RunGenerators(compilation).GetRunResult().Results.Single();
        AssertReasons(result, TrackingNames.WeightsFiles, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.Weights, IncrementalStepRunReason.Unchanged);
        AssertReasons(result, TrackingNames.Plan, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        AssertOutputs(result, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);

        // Editing the network's own file: new values, a new plan, both files emitted again.
        result = driver.ReplaceAdditionalText(weights, InMemoryAdditionalText.Weights(Path, SafeTensorsCorpus.Write(
        [
            ("0.weight", "F32", [3, 2], new byte[24]),
            ("0.bias", "F32", [3], new byte[12]),
            ("2.weight", "F32", [1, 3], new byte[12]),
            ("2.bias", "F32", [1], new byte[4]),
        ]))).RunGenerators(compilation).GetRunResult().Results.Single();
        AssertReasons(result, TrackingNames.Weights, IncrementalStepRunReason.Modified);
        AssertReasons(result, TrackingNames.Plan, IncrementalStepRunReason.Modified);
        Assert.Contains(result.TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(run => run.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("AAAAAAAAAAAA", result.GeneratedSources.Single(s => s.HintName == "Samples.Tiny.Weights.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void No_weights_step_holds_a_symbol_a_syntax_node_or_a_compilation()
    {
        CSharpCompilation compilation = GeneratorHarness.Compilation([Network(), Sources.T2]);
        GeneratorRunResult result = GeneratorHarness.Driver(trackSteps: true, additionalTexts: [InMemoryAdditionalText.Weights(Path, TinyFile())])
            .RunGenerators(compilation).GetRunResult().Results.Single();
        string[] steps = [TrackingNames.WeightsFile, TrackingNames.WeightsFiles, TrackingNames.Weights, TrackingNames.WeightsRequest, TrackingNames.WeightsDiagnostics];
        foreach (string step in steps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"no step named {step}");
            foreach ((object value, _) in result.TrackedSteps[step].SelectMany(run => run.Outputs))
            {
                IncrementalTests.AssertNoCompilationObjects(value, step, depth: 0);
            }
        }
    }

    /// <summary>
    /// Differential fuzzing: on every file of the shared corpus (the one StaticNet.Tests feeds to SafeTensors.Load), in
    /// float and in double, the generator and the runtime must agree: both reject, or both accept with bit-identical
    /// values. They share the header rules (one source file compiled into both); the matching against the layers and the
    /// conversions are each side's own. Values that are NaN or infinite in the network's precision are baked with the
    /// warning SNET0021 exactly when Load refuses them unless given allowNonFinite. The generator never throws.
    /// </summary>
    [Fact]
    public void Fuzz_the_generators_reader_agrees_with_SafeTensors_Load_on_every_corpus_file()
    {
        int[] sizes = SafeTensorsCorpus.Sizes;
        var layers = Enumerable.Range(0, sizes.Length - 1)
            .Select(i => (Layers.LayerSpec)new Layers.Dense.DenseLayerSpec(sizes[i], sizes[i + 1], Shared.Activation.ReLU)).ToEquatableArray();
        int accepted = 0, rejected = 0;
        foreach ((string name, byte[] file) in SafeTensorsCorpus.All)
        {
            foreach (Shared.Precision scalar in new[] { Shared.Precision.Single, Shared.Precision.Double })
            {
                byte[]? baked = WeightsResolver.ReadValues(file, "fuzz.safetensors", EquatableArray<string>.Empty, sizes[0], layers, scalar, "Fuzz", convert: true, CancellationToken.None, out WeightsResolver.Problem? problem);
                long[]? loaded = scalar == Shared.Precision.Single ? LoadBits<FakeSingle, float>(file, allowNonFinite: true) : LoadBits<FakeDouble, double>(file, allowNonFinite: true);
                Assert.True((baked is null) == (loaded is null), $"{name} ({scalar}): the generator {(baked is null ? "rejects" : "accepts")} it ({problem?.Arguments.LastOrDefault()}), SafeTensors.Load {(loaded is null ? "rejects" : "accepts")} it");
                if (baked is null)
                {
                    Assert.Contains(problem!.Descriptor.Id, new[] { "SNET0017", "SNET0018", "SNET0019" });
                    rejected++;
                    continue;
                }

                bool refused = (scalar == Shared.Precision.Single ? LoadBits<FakeSingle, float>(file, allowNonFinite: false) : LoadBits<FakeDouble, double>(file, allowNonFinite: false)) is null;
                Assert.True(refused == (problem?.Descriptor.Id == "SNET0021"), $"{name} ({scalar}): the generator reports {problem?.Descriptor.Id ?? "nothing"}, Load {(refused ? "refuses" : "accepts")} it without allowNonFinite");
                Assert.True(problem is null || problem.Descriptor.Id == "SNET0021", $"{name} ({scalar}): baked with {problem?.Descriptor.Id}");
                long[] bakedBits = scalar == Shared.Precision.Single
                    ? Enumerable.Range(0, baked.Length / 4).Select(i => (long)Canonical(BinaryPrimitives.ReadInt32LittleEndian(baked.AsSpan(4 * i)))).ToArray()
                    : Enumerable.Range(0, baked.Length / 8).Select(i => Canonical(BinaryPrimitives.ReadInt64LittleEndian(baked.AsSpan(8 * i)))).ToArray();
                Assert.Equal(loaded, bakedBits);
                accepted++;
            }
        }

        output.WriteLine($"{SafeTensorsCorpus.All.Count} files, in float and double: both readers accept {accepted} and reject {rejected}.");
        Assert.True(accepted > 100 && rejected > 1000, $"{accepted} accepted, {rejected} rejected");
    }

    /// <summary>
    /// The shared header rules check UTF-8 themselves (netstandard2.0 has no Utf8.IsValid); they must decide as the
    /// runtime's Utf8.IsValid does: every sequence of two bytes, every three-byte sequence that starts with a lead byte,
    /// four-byte sequences around the edges of U+10FFFF and the surrogates, and random mixes with ASCII runs.
    /// </summary>
    [Fact]
    public void The_shared_UTF8_check_decides_as_Utf8_IsValid()
    {
        var bytes = new byte[4];
        for (int value = 0; value < 1 << 24; value++)
        {
            bytes[0] = (byte)(value >> 16);
            bytes[1] = (byte)(value >> 8);
            bytes[2] = (byte)value;
            if (bytes[0] < 0xC0 && value >= 1 << 16)
            {
                continue;
            }

            ReadOnlySpan<byte> text = bytes.AsSpan(0, value < 1 << 16 ? 2 : 3);
            Assert.True(System.Text.Unicode.Utf8.IsValid(text) == SafeTensorsHeader.IsValidUtf8(text), Convert.ToHexString(text));
        }

        var random = new Random(4);
        for (int i = 0; i < 200_000; i++)
        {
            byte[] text = new byte[random.Next(1, 24)];
            for (int k = 0; k < text.Length; k++)
            {
                text[k] = random.Next(4) switch
                {
                    0 => (byte)random.Next(0x80),
                    1 => (byte)random.Next(0x80, 0xC0),
                    2 => (byte)random.Next(0xC0, 0x100),
                    _ => (byte)(0xE0 + random.Next(0x15)),
                };
            }

            if (random.Next(4) == 0)
            {
                text[random.Next(text.Length)] = (byte)(0xF0 + random.Next(8));
            }

            Assert.True(System.Text.Unicode.Utf8.IsValid(text) == SafeTensorsHeader.IsValidUtf8(text), Convert.ToHexString(text));
        }
    }

    [Fact]
    public void The_generators_half_conversion_is_the_runtimes_for_all_65536_values()
    {
        for (int bits = 0; bits <= ushort.MaxValue; bits++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf((ushort)bits);
            float actual = WeightsResolver.HalfToSingle((ushort)bits);
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual) || (float.IsNaN(expected) && float.IsNaN(actual)), $"0x{bits:X4}: {expected} vs {actual}");
            Assert.Equal(BitConverter.Int32BitsToSingle(bits << 16), WeightsResolver.BFloat16ToSingle((ushort)bits));
        }
    }

    /// <summary>The parameters SafeTensors.Load reads from <paramref name="file"/> as bits (NaNs made canonical), or null if it rejects the file.</summary>
    private static long[]? LoadBits<TNet, T>(byte[] file, bool allowNonFinite)
        where TNet : class, INetwork<TNet, T>
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        TNet network = TNet.Create(0);
        try
        {
            SafeTensors.Load(network, new MemoryStream(file), allowNonFinite: allowNonFinite);
        }
        catch (InvalidDataException)
        {
            return null;
        }

        return network.Parameters.ToArray().Select(value => value switch
        {
            float f => (long)Canonical(BitConverter.SingleToInt32Bits(f)),
            double d => Canonical(BitConverter.DoubleToInt64Bits(d)),
            _ => throw new NotSupportedException(),
        }).ToArray();
    }

    private static int Canonical(int bits) => float.IsNaN(BitConverter.Int32BitsToSingle(bits)) ? int.MinValue : bits;

    private static long Canonical(long bits) => double.IsNaN(BitConverter.Int64BitsToDouble(bits)) ? long.MinValue : bits;

    private static Diagnostic AssertSingle(GeneratorResult result, string id, string squiggle)
    {
        Diagnostic diagnostic = Assert.Single(result.AllDiagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.True(diagnostic.Location.IsInSource, $"{id} has no source location");
        Assert.Equal(squiggle, diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Empty(result.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id != id));
        return diagnostic;
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
        foreach ((_, IncrementalStepRunReason reason) in result.TrackedOutputSteps.SelectMany(pair => pair.Value).SelectMany(run => run.Outputs))
        {
            Assert.True(allowed.Contains(reason), $"an output ran as {reason}, expected {string.Join(" or ", allowed)}");
        }
    }

    /// <summary>A raw .safetensors AdditionalFiles item: reading its text fails the test (the compiler would report CS2015).</summary>
    private sealed class ThrowingAdditionalText(string path) : AdditionalText
    {
        public override string Path { get; } = path;

        public override Microsoft.CodeAnalysis.Text.SourceText GetText(CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The generator read a binary AdditionalFiles item.");
    }

    /// <summary>Hand-written stand-ins for generated networks of the corpus topology, for SafeTensors.Load.</summary>
    private sealed class FakeSingle : FakeNetwork<FakeSingle, float>, INetwork<FakeSingle, float>
    {
        public static FakeSingle Create(int seed) => new();

        public static NetworkTopology Topology { get; } = new(SafeTensorsCorpus.Sizes, [Activation.ReLU, Activation.Tanh, Activation.Softmax], Loss.CrossEntropy, Precision.Single);
    }

    private sealed class FakeDouble : FakeNetwork<FakeDouble, double>, INetwork<FakeDouble, double>
    {
        public static FakeDouble Create(int seed) => new();

        public static NetworkTopology Topology { get; } = new(SafeTensorsCorpus.Sizes, [Activation.ReLU, Activation.Tanh, Activation.Softmax], Loss.CrossEntropy, Precision.Double);
    }

    private abstract class FakeNetwork<TSelf, T>
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        private readonly T[] _parameters = new T[SafeTensorsCorpus.ParameterCount];

        public static int InputSize => 2;

        public static int OutputSize => 3;

        public static int ParameterCount => SafeTensorsCorpus.ParameterCount;

        public static ReadOnlySpan<int> LayerSizes => SafeTensorsCorpus.Sizes;

        public Span<T> Parameters => _parameters;

        public void Forward(ReadOnlySpan<T> input, Span<T> output) => throw new NotSupportedException();

        public void ForwardBatch(ReadOnlySpan<T> inputs, Span<T> outputs) => throw new NotSupportedException();

        public IFrozenNetwork<T> Freeze() => throw new NotSupportedException();

        public T ComputeLoss(ReadOnlySpan<T> input, ReadOnlySpan<T> target) => throw new NotSupportedException();

        public T Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradients) => throw new NotSupportedException();

        public T Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradients, Span<T> inputGradient) => throw new NotSupportedException();

        public T TrainStep(ReadOnlySpan<T> input, ReadOnlySpan<T> target, T learningRate) => throw new NotSupportedException();

        public T BackwardBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradients) => throw new NotSupportedException();
    }
}
