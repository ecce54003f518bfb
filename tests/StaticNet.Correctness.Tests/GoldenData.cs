using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StaticNet.Correctness.Tests;

/// <summary>
/// PyTorch's float64 results on random networks, made by tests/golden/generate_golden.py and committed: two data sets of
/// one format, each an index (<c>.json</c>) and its numbers (<c>.bin.gz</c>, little-endian float64, gzip-compressed):
/// <c>golden</c> (networks <c>F000</c>…, <c>D000</c>…) and <c>golden-activations</c> (<c>AF000</c>…, <c>AD000</c>…).
/// See tests/golden/README.md.
/// </summary>
public sealed class GoldenData
{
    /// <summary>The data sets the tests read, by file name without extension.</summary>
    public static readonly string[] DataSets = ["golden", "golden-activations"];

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true, Converters = { new JsonStringEnumConverter() } };

    private GoldenData(IReadOnlyDictionary<string, GoldenIndex> indexes, GoldenNetwork[] networks)
    {
        Indexes = indexes;
        Networks = networks;
    }

    /// <summary>The index of each data set, by its name in <see cref="DataSets"/>.</summary>
    public IReadOnlyDictionary<string, GoldenIndex> Indexes { get; }

    /// <summary>The networks of every data set, in the order of <see cref="DataSets"/> and of each index.</summary>
    public GoldenNetwork[] Networks { get; }

    public static GoldenData Load()
    {
        string directory = Path.Combine(AppContext.BaseDirectory, "golden");
        var indexes = new Dictionary<string, GoldenIndex>(StringComparer.Ordinal);
        var networks = new List<GoldenNetwork>();
        foreach (string name in DataSets)
        {
            (GoldenIndex index, double[] values) = LoadDataSet(directory, name);
            indexes.Add(name, index);
            networks.AddRange(index.Networks.Select(entry => new GoldenNetwork(entry, values, name)));
        }

        string[] duplicates = networks.GroupBy(n => n.Entry.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (duplicates.Length > 0)
        {
            throw new InvalidDataException($"Network names in more than one golden data set: {string.Join(", ", duplicates)}.");
        }

        return new GoldenData(indexes, [.. networks]);
    }

    private static (GoldenIndex Index, double[] Values) LoadDataSet(string directory, string name)
    {
        GoldenIndex index = JsonSerializer.Deserialize<GoldenIndex>(File.ReadAllText(Path.Combine(directory, name + ".json")), JsonOptions)!;

        double[] values = ReadValues(directory, name, index.Values);
        return (index, values);
    }

    /// <summary>
    /// The numbers of data set <paramref name="name"/> (<c>name.bin.gz</c> in <paramref name="directory"/>: gzip-compressed
    /// little-endian float64), checked against the count its index gives.
    /// </summary>
    internal static double[] ReadValues(string directory, string name, long expected)
    {
        using var compressed = new GZipStream(File.OpenRead(Path.Combine(directory, name + ".bin.gz")), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        compressed.CopyTo(bytes);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException($"{name}.bin.gz holds little-endian doubles.");
        }

        double[] values = MemoryMarshal.Cast<byte, double>(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)).ToArray();
        if (values.Length != expected)
        {
            throw new InvalidDataException($"{name}.bin.gz holds {values.Length} values, {name}.json says {expected}.");
        }

        return values;
    }
}

/// <summary>
/// The index of a data set (golden.json, golden-activations.json): how it was made, PyTorch's conventions it relies on,
/// and its networks.
/// </summary>
public sealed record GoldenIndex(
    string Description,
    string Generator,
    long Seed,
    string Torch,
    double ReluGradientAtZero,
    double LeakyReluGradientAtZero,
    long Values,
    GoldenEntry[] Networks)
{
    /// <summary>golden-activations: PyTorch's GELU variant (<c>none</c>: the exact one, with erf); null in golden.json.</summary>
    public string? GeluApproximate { get; init; }

    /// <summary>golden-activations: ELU's α; null in golden.json.</summary>
    public double? EluAlpha { get; init; }

    /// <summary>golden-activations: Softplus's β; null in golden.json.</summary>
    public double? SoftplusBeta { get; init; }

    /// <summary>golden-activations: where Softplus switches to z itself; null in golden.json.</summary>
    public double? SoftplusThreshold { get; init; }
}

/// <summary>One network of an index: its declaration and where its numbers start.</summary>
public sealed record GoldenEntry(
    string Name,
    string Group,
    Precision Precision,
    int[] Layers,
    Activation[] Activations,
    Loss Loss,
    double LearningRate,
    int Offset,
    int Count);

/// <summary>One network with its numbers: the sample, and what PyTorch computed for it.</summary>
public sealed class GoldenNetwork
{
    public GoldenNetwork(GoldenEntry entry, double[] values, string dataSet)
    {
        Entry = entry;
        DataSet = dataSet;
        Declaration = new NetworkDeclaration(entry.Name, entry.Layers, entry.Activations, entry.Loss, entry.Precision);
        int parameters = Declaration.Reference.ParameterCount, inputs = Declaration.InputSize, outputs = Declaration.OutputSize;
        int offset = entry.Offset;
        double[] Next(int length)
        {
            double[] slice = values.AsSpan(offset, length).ToArray();
            offset += length;
            return slice;
        }

        Parameters = Next(parameters);
        Input = Next(inputs);
        Target = Next(outputs);
        Output = Next(outputs);
        Loss = Next(1)[0];
        Gradient = Next(parameters);
        InputGradient = Next(inputs);
        ParametersAfterStep = Next(parameters);
        if (offset - entry.Offset != entry.Count)
        {
            throw new InvalidDataException($"{entry.Name}: {dataSet}.json says {entry.Count} values, the layers make {offset - entry.Offset}.");
        }
    }

    public GoldenEntry Entry { get; }

    /// <summary>The data set the network comes from (one of <see cref="GoldenData.DataSets"/>).</summary>
    public string DataSet { get; }

    public NetworkDeclaration Declaration { get; }

    public double[] Parameters { get; }

    public double[] Input { get; }

    public double[] Target { get; }

    public double[] Output { get; }

    public double Loss { get; }

    public double[] Gradient { get; }

    public double[] InputGradient { get; }

    public double[] ParametersAfterStep { get; }

    /// <summary>The class of a one-hot target (a CrossEntropy network's label overloads apply), or -1.</summary>
    public int Label =>
        Entry.Loss == StaticNet.Loss.CrossEntropy && Target.Count(t => t == 1) == 1 && Target.All(t => t is 0 or 1) ? Array.IndexOf(Target, 1.0) : -1;

    /// <summary>
    /// The pre-activations of the units of layer <paramref name="layer"/> whose weight row is all zeros (as the edge and
    /// saturated networks set them): their biases, whatever the input.
    /// </summary>
    public double[] ConstantPreActivations(int layer)
    {
        int inputs = Entry.Layers[layer], outputs = Entry.Layers[layer + 1], weights = Declaration.Reference.WeightOffset(layer);
        return Enumerable.Range(0, outputs)
            .Where(o => new ArraySegment<double>(Parameters, weights + (o * inputs), inputs).All(w => w == 0))
            .Select(o => Parameters[weights + (inputs * outputs) + o])
            .ToArray();
    }

    public override string ToString() => Declaration.ToString();
}
