using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using StaticNet.Tests.Sequence.Networks;
using StaticNet.Tests.Shared;
using Xunit;

namespace StaticNet.Tests.Sequence;

/// <summary>
/// safetensors files of sequence networks with PyTorch's own names (issue 13): the files of
/// tests/pytorch/sequence_round_trip.py (a module with attributes conv: nn.Conv1d, rnn: nn.GRU or nn.LSTM, head:
/// nn.Linear) loaded at run time and baked in at compile time against the outputs PyTorch recorded, Save and Load, the
/// default module names, and the messages for missing and misshaped tensors.
/// </summary>
public sealed class SequenceSafeTensorsTests
{
    private const double PyTorchTolerance = 1e-5;

    private static readonly string[] ModuleNames = ["conv", "rnn", "head"];

    /// <summary>The tensors of the GRU model (2 inputs, Conv1D(4, k=3), Gru(5), Dense(1)) in the order of its parameters, as PyTorch names and shapes them.</summary>
    private static readonly (string Name, long[] Shape)[] GruTensors =
    [
        ("conv.weight", [4, 2, 3]), ("conv.bias", [4]),
        ("rnn.weight_ih_l0", [15, 4]), ("rnn.weight_hh_l0", [15, 5]), ("rnn.bias_ih_l0", [15]), ("rnn.bias_hh_l0", [15]),
        ("head.weight", [1, 5]), ("head.bias", [1]),
    ];

    private static string PyTorchFile(string name) => Path.Combine(AppContext.BaseDirectory, "PyTorch", name);

    /// <summary>The input sequence of the script and, per model, the outputs PyTorch computed for it, frame by frame.</summary>
    private static readonly (double[] Input, Dictionary<string, double[]> Outputs) Recorded = ReadRecorded();

    private static (double[], Dictionary<string, double[]>) ReadRecorded()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(PyTorchFile("sequence-outputs.json")));
        static double[] Flat(JsonElement element) => element.EnumerateArray().SelectMany(row => row.EnumerateArray().Select(value => value.GetDouble())).ToArray();
        var outputs = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (JsonProperty property in document.RootElement.GetProperty("outputs").EnumerateObject())
        {
            outputs[property.Name] = Flat(property.Value);
        }

        return (Flat(document.RootElement.GetProperty("input")), outputs);
    }

    private static void AssertPyTorchOutputs(ISequenceNetwork<float> network, string model)
    {
        double[] expected = Recorded.Outputs[model];
        var outputs = new float[expected.Length];
        network.Forward(Recorded.Input.Select(x => (float)x).ToArray(), outputs);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - outputs[i]) <= PyTorchTolerance, $"frame {i}: PyTorch {expected[i]:R}, StaticNet {outputs[i]:R}");
        }
    }

    private static void AssertPyTorchOutputs(ISequenceNetwork<double> network, string model)
    {
        double[] expected = Recorded.Outputs[model];
        var outputs = new double[expected.Length];
        network.Forward(Recorded.Input, outputs);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - outputs[i]) <= PyTorchTolerance, $"frame {i}: PyTorch {expected[i]:R}, StaticNet {outputs[i]:R}");
        }
    }

    [Fact]
    public void PyTorch_files_load_at_run_time_under_the_module_names_and_compute_what_PyTorch_computed()
    {
        var gru = new BakedGruModel(seed: 7);
        SafeTensors.Load(gru, PyTorchFile("sequence-gru.safetensors"), ModuleNames);
        AssertPyTorchOutputs(gru, "gru");

        var lstm = new BakedLstmModel(seed: 7);
        SafeTensors.Load(lstm, PyTorchFile("sequence-lstm.safetensors"), ModuleNames);
        AssertPyTorchOutputs(lstm, "lstm");

        var wide = new BakedGruModelDouble(seed: 7);
        SafeTensors.Load(wide, PyTorchFile("sequence-gru-f64.safetensors"), ModuleNames);
        AssertPyTorchOutputs(wide, "gru-f64");

        // F32 into a double network is exact; the outputs are the float model's.
        var widened = new BakedGruModelDouble(seed: 7);
        SafeTensors.Load(widened, PyTorchFile("sequence-gru.safetensors"), ModuleNames);
        AssertPyTorchOutputs(widened, "gru");
    }

    [Fact]
    public void Networks_with_PyTorch_weights_baked_in_start_with_the_PyTorch_model()
    {
        AssertPyTorchOutputs(new BakedGruModel(), "gru");
        AssertPyTorchOutputs(new BakedLstmModel(), "lstm");
        AssertPyTorchOutputs(new BakedGruModelDouble(), "gru-f64");
    }

    [Fact]
    public void Baked_parameters_are_bit_for_bit_the_parameters_Load_reads_from_the_same_file()
    {
        AssertSameBits(new BakedGruModel(), "sequence-gru.safetensors");
        AssertSameBits(new BakedLstmModel(), "sequence-lstm.safetensors");
        var baked = new BakedGruModelDouble();
        var loaded = new BakedGruModelDouble(seed: 3);
        Assert.NotEqual(loaded.Parameters.ToArray(), baked.Parameters.ToArray());
        SafeTensors.Load(loaded, PyTorchFile("sequence-gru-f64.safetensors"), ModuleNames);
        Assert.Equal(loaded.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits), baked.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits));

        static void AssertSameBits<TNet>(TNet baked, string file)
            where TNet : class, ISequenceNetwork<TNet, float>
        {
            TNet loaded = TNet.Create(3);
            Assert.NotEqual(loaded.Parameters.ToArray(), baked.Parameters.ToArray());
            SafeTensors.Load(loaded, PyTorchFile(file), ModuleNames);
            Assert.Equal(loaded.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits), baked.Parameters.ToArray().Select(BitConverter.SingleToInt32Bits));
        }
    }

    [Fact]
    public void What_Save_writes_is_the_committed_file_that_loads_into_the_PyTorch_model()
    {
        // tests/StaticNet.Tests/PyTorch/sequence-gru.staticnet.safetensors was written by this Save and checked on the
        // PyTorch side with `python3 tests/pytorch/sequence_round_trip.py --check gru FILE` (load_state_dict(strict=True)
        // into the module with conv, rnn and head, and the recorded outputs).
        var stream = new MemoryStream();
        SafeTensors.Save(new BakedGruModel(), stream, ModuleNames);
        Assert.Equal(File.ReadAllBytes(PyTorchFile("sequence-gru.staticnet.safetensors")), stream.ToArray());
    }

    [Fact]
    public void Save_writes_PyTorch_names_and_shapes_for_every_layer_kind_and_the_topology_as_metadata()
    {
        var stream = new MemoryStream();
        SafeTensors.Save(new BakedGruModel(), stream, ModuleNames);
        using JsonDocument header = Header(stream.ToArray(), out int length);
        JsonElement root = header.RootElement;
        Assert.Equal(["__metadata__", .. GruTensors.Select(tensor => tensor.Name)], root.EnumerateObject().Select(p => p.Name));
        foreach ((string name, long[] shape) in GruTensors)
        {
            Assert.Equal("[" + string.Join(",", shape) + "]", root.GetProperty(name).GetProperty("shape").GetRawText());
            Assert.Equal("F32", root.GetProperty(name).GetProperty("dtype").GetString());
        }

        JsonElement metadata = root.GetProperty("__metadata__");
        Assert.Equal("2,4,5,1", metadata.GetProperty(SafeTensors.LayersMetadataKey).GetString());
        Assert.Equal(BakedGruModel.Topology.ToString(), metadata.GetProperty(SafeTensors.TopologyMetadataKey).GetString());
        Assert.Equal("2 -> Conv1D(4, k=3, d=2, Tanh) -> Gru(5) -> Dense(1, Identity), MeanSquaredError, Single", BakedGruModel.Topology.ToString());
        Assert.Equal(0, length % 8);
        Assert.Equal(8 + length + (BakedGruModel.ParameterCount * 4), stream.Length);

        // An LSTM has the same four tensors with four gates.
        stream = new MemoryStream();
        SafeTensors.Save(new BakedLstmModel(), stream, ModuleNames);
        using JsonDocument lstm = Header(stream.ToArray(), out _);
        Assert.Equal("[20,4]", lstm.RootElement.GetProperty("rnn.weight_ih_l0").GetProperty("shape").GetRawText());
        Assert.Equal("[20,5]", lstm.RootElement.GetProperty("rnn.weight_hh_l0").GetProperty("shape").GetRawText());
        Assert.Equal("[20]", lstm.RootElement.GetProperty("rnn.bias_hh_l0").GetProperty("shape").GetRawText());
    }

    [Fact]
    public void Without_names_Save_numbers_the_modules_as_an_nn_ModuleList_and_Load_takes_them_in_index_order()
    {
        var network = new BakedGruModel(seed: 4);
        var stream = new MemoryStream();
        SafeTensors.Save(network, stream);
        using (JsonDocument header = Header(stream.ToArray(), out _))
        {
            Assert.Equal(
                ["__metadata__", "0.weight", "0.bias", "1.weight_ih_l0", "1.weight_hh_l0", "1.bias_ih_l0", "1.bias_hh_l0", "2.weight", "2.bias"],
                header.RootElement.EnumerateObject().Select(p => p.Name));
        }

        stream.Position = 0;
        var copy = new BakedGruModel(seed: 5);
        SafeTensors.Load(copy, stream);
        Assert.Equal(network.Parameters.ToArray(), copy.Parameters.ToArray());

        // Any numbering, in numeric order (modules without parameters may lie between).
        float[] values = network.Parameters.ToArray();
        var renumbered = new BakedGruModel(seed: 5);
        SafeTensors.Load(renumbered, new MemoryStream(MakeFile(values, name => name.Replace("conv.", "3.").Replace("rnn.", "10.").Replace("head.", "12."))));
        Assert.Equal(values, renumbered.Parameters.ToArray());
    }

    [Fact]
    public void Save_then_Load_restores_every_parameter_bit_for_bit_in_both_precisions()
    {
        string folder = Path.Combine(Path.GetTempPath(), "staticnet-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var lstm = new BakedLstmModel(seed: 11);
            SafeTensors.Save(lstm, Path.Combine(folder, "lstm.safetensors"), ModuleNames);
            var lstmCopy = new BakedLstmModel(seed: 12);
            SafeTensors.Load(lstmCopy, Path.Combine(folder, "lstm.safetensors"), ModuleNames);
            Assert.Equal(lstm.Parameters.ToArray(), lstmCopy.Parameters.ToArray());

            var dbl = new BakedGruModelDouble(seed: 11);
            SafeTensors.Save(dbl, Path.Combine(folder, "double.safetensors"));
            var doubleCopy = new BakedGruModelDouble(seed: 12);
            SafeTensors.Load(doubleCopy, Path.Combine(folder, "double.safetensors"));
            Assert.Equal(dbl.Parameters.ToArray(), doubleCopy.Parameters.ToArray());

            // F64 into float rounds to nearest.
            var narrowed = new BakedGruModel(seed: 12);
            SafeTensors.Load(narrowed, Path.Combine(folder, "double.safetensors"));
            Assert.Equal(dbl.Parameters.ToArray().Select(x => (float)x), narrowed.Parameters.ToArray());

            // Every other network of this project, every layer kind in every position.
            foreach (SequenceCase network in SequenceCase.All)
            {
                object original = network.Instantiate(21), copy = network.Instantiate(22);
                string path = Path.Combine(folder, network.Type.Name + ".safetensors");
                typeof(SequenceSafeTensorsTests).GetMethod(nameof(RoundTrip), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                    .MakeGenericMethod(network.Type, network.IsDouble ? typeof(double) : typeof(float))
                    .Invoke(null, [original, copy, path]);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void RoundTrip<TNet, T>(TNet original, TNet copy, string path)
        where TNet : class, ISequenceNetwork<TNet, T>
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        Assert.NotEqual(original.Parameters.ToArray(), copy.Parameters.ToArray());
        SafeTensors.Save(original, path);
        SafeTensors.Load(copy, path);
        Assert.Equal(original.Parameters.ToArray(), copy.Parameters.ToArray());
    }

    [Theory]
    [InlineData("rnn.bias_hh_l0", "there is no tensor 'rnn.bias_hh_l0' for layer 2 of BakedGruModel (2 -> 4 -> 5 -> 1), Gru(5)")]
    [InlineData("conv.weight", "there is no tensor 'conv.weight' for layer 1 of BakedGruModel (2 -> 4 -> 5 -> 1), Conv1D(4, k=3, d=2, Tanh)")]
    public void A_missing_tensor_is_named_and_changes_nothing(string missing, string message)
    {
        byte[] file = MakeFile(new BakedGruModel(seed: 1).Parameters.ToArray(), name => name, skip: missing);
        AssertRejected(file, ModuleNames, message);
    }

    [Theory]
    [InlineData("rnn.weight_hh_l0", new long[] { 5, 15 }, "Tensor 'rnn.weight_hh_l0' (the weight_hh_l0 of layer 2 of BakedGruModel (2 -> 4 -> 5 -> 1), Gru(5)) has shape [5, 15], but the network needs [15, 5].")]
    [InlineData("conv.weight", new long[] { 4, 6 }, "Tensor 'conv.weight' (the weights of layer 1 of BakedGruModel (2 -> 4 -> 5 -> 1), Conv1D(4, k=3, d=2, Tanh)) has shape [4, 6], but the network needs [4, 2, 3].")]
    [InlineData("rnn.bias_ih_l0", new long[] { 3, 5 }, "Tensor 'rnn.bias_ih_l0' (the bias_ih_l0 of layer 2 of BakedGruModel (2 -> 4 -> 5 -> 1), Gru(5)) has shape [3, 5], but the network needs [15].")]
    public void A_misshaped_tensor_is_named_with_both_shapes_and_changes_nothing(string tensor, long[] shape, string message)
    {
        byte[] file = MakeFile(new BakedGruModel(seed: 1).Parameters.ToArray(), name => name, reshape: (tensor, shape));
        AssertRejected(file, ModuleNames, message);
    }

    [Fact]
    public void A_file_of_an_LSTM_does_not_load_into_a_GRU()
    {
        var stream = new MemoryStream();
        SafeTensors.Save(new BakedLstmModel(seed: 1), stream, ModuleNames);
        AssertRejected(stream.ToArray(), ModuleNames, "Tensor 'rnn.weight_ih_l0' (the weight_ih_l0 of layer 2 of BakedGruModel (2 -> 4 -> 5 -> 1), Gru(5)) has shape [20, 4], but the network needs [15, 4].");
    }

    [Theory]
    [InlineData(false, "is not named as a tensor of a numbered module", "pass layerNames with the module name of each layer")]
    [InlineData(true, "module 1 holds 'weight_hh_l0', 'weight_ih_l0', but layer 2 (Gru(5)) has 'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0'", "pass layerNames")]
    public void Without_names_a_file_that_is_not_numbered_modules_says_so(bool numbered, string message, string hint)
    {
        float[] values = new BakedGruModel(seed: 1).Parameters.ToArray();
        byte[] file = numbered
            ? MakeFile(values, name => name.Replace("conv.", "0.").Replace("rnn.", "1.").Replace("head.", "2."), skip: "rnn.bias_ih_l0", skip2: "rnn.bias_hh_l0")
            : MakeFile(values, name => name);
        AssertRejected(file, null, message);
        AssertRejected(file, null, hint);
        AssertRejected(MakeFile(values, name => name.Replace("conv.", "0.").Replace("rnn.", "1.").Replace("head.", "2."), skip: "head.weight", skip2: "head.bias"), null,
            "the file holds 2 modules (0, 1), but the network has 3 layers");
    }

    [Fact]
    public void With_names_other_modules_are_ignored_and_wrong_names_are_argument_errors()
    {
        float[] values = new BakedGruModel(seed: 2).Parameters.ToArray();
        var extra = Tensors(values, name => name).Append(("decoder.weight", "F32", new long[] { 2 }, new byte[8])).ToList();
        var network = new BakedGruModel(seed: 3);
        SafeTensors.Load(network, new MemoryStream(SafeTensorsCorpus.Write(extra)), ModuleNames);
        Assert.Equal(values, network.Parameters.ToArray());

        Assert.Throws<ArgumentException>(() => SafeTensors.Load(network, new MemoryStream(SafeTensorsCorpus.Write(extra)), ["conv", "rnn"]));
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(network, new MemoryStream(), ["conv", "conv", "head"]));
        Assert.Throws<ArgumentNullException>(() => SafeTensors.Save((BakedGruModel)null!, new MemoryStream()));
    }

    [Fact]
    public void A_NaN_in_a_recurrent_tensor_is_refused_by_name_and_index_unless_allowed()
    {
        float[] values = new BakedGruModel(seed: 1).Parameters.ToArray();
        int offset = (4 * 2 * 3) + 4 + (15 * 4) + 7; // rnn.weight_hh_l0, index 7
        values[offset] = float.NaN;
        byte[] file = MakeFile(values, name => name);
        AssertRejected(file, ModuleNames, "Tensor 'rnn.weight_hh_l0' holds a NaN or infinite value at index 7");

        var network = new BakedGruModel(seed: 9);
        SafeTensors.Load(network, new MemoryStream(file), ModuleNames, allowNonFinite: true);
        Assert.True(float.IsNaN(network.Parameters[offset]));
    }

    private static void AssertRejected(byte[] file, string[]? names, string message)
    {
        var network = new BakedGruModel(seed: 9);
        float[] before = network.Parameters.ToArray();
        var error = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(network, new MemoryStream(file), names));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, network.Parameters.ToArray());
    }

    /// <summary>The GRU model's tensors (F32) with the given values, renamed, one left out or given another shape.</summary>
    private static IEnumerable<(string Name, string DType, long[] Shape, byte[] Data)> Tensors(
        float[] values, Func<string, string> rename, string? skip = null, string? skip2 = null, (string Name, long[] Shape)? reshape = null)
    {
        int offset = 0;
        foreach ((string name, long[] shape) in GruTensors)
        {
            int count = (int)shape.Aggregate(1L, (a, b) => a * b);
            byte[] data = new byte[count * 4];
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), values[offset + i]);
            }

            offset += count;
            if (name != skip && name != skip2)
            {
                yield return (rename(name), "F32", reshape is { } r && r.Name == name ? r.Shape : shape, data);
            }
        }
    }

    private static byte[] MakeFile(float[] values, Func<string, string> rename, string? skip = null, string? skip2 = null, (string Name, long[] Shape)? reshape = null) =>
        SafeTensorsCorpus.Write(Tensors(values, rename, skip, skip2, reshape), "{\"format\":\"pt\"}");

    private static JsonDocument Header(byte[] file, out int length)
    {
        length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return JsonDocument.Parse(Encoding.UTF8.GetString(file, 8, length));
    }
}
