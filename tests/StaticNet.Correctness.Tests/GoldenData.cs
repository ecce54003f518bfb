using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StaticNet.Correctness.Tests;

/// <summary>
/// PyTorch's float64 results on random networks, made by tests/golden/generate_golden.py and committed: golden.json (the
/// index) and golden.bin.gz (every number, little-endian float64, gzip-compressed). See tests/golden/README.md.
/// </summary>
public sealed class GoldenData
{
    private GoldenData(GoldenIndex index, GoldenNetwork[] networks)
    {
        Index = index;
        Networks = networks;
    }

    public GoldenIndex Index { get; }

    public GoldenNetwork[] Networks { get; }

    public static GoldenData Load()
    {
        string directory = Path.Combine(AppContext.BaseDirectory, "golden");
        GoldenIndex index = JsonSerializer.Deserialize<GoldenIndex>(
            File.ReadAllText(Path.Combine(directory, "golden.json")),
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true, Converters = { new JsonStringEnumConverter() } })!;

        using var compressed = new GZipStream(File.OpenRead(Path.Combine(directory, "golden.bin.gz")), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        compressed.CopyTo(bytes);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("golden.bin.gz holds little-endian doubles.");
        }

        double[] values = MemoryMarshal.Cast<byte, double>(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)).ToArray();
        if (values.Length != index.Values)
        {
            throw new InvalidDataException($"golden.bin.gz holds {values.Length} values, golden.json says {index.Values}.");
        }

        return new GoldenData(index, index.Networks.Select(entry => new GoldenNetwork(entry, values)).ToArray());
    }
}

/// <summary>golden.json.</summary>
public sealed record GoldenIndex(
    string Description,
    string Generator,
    long Seed,
    string Torch,
    double ReluGradientAtZero,
    double LeakyReluGradientAtZero,
    long Values,
    GoldenEntry[] Networks);

/// <summary>One network of golden.json: its declaration and where its numbers start.</summary>
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
    public GoldenNetwork(GoldenEntry entry, double[] values)
    {
        Entry = entry;
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
            throw new InvalidDataException($"{entry.Name}: golden.json says {entry.Count} values, the layers make {offset - entry.Offset}.");
        }
    }

    public GoldenEntry Entry { get; }

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

    public override string ToString() => Declaration.ToString();
}
