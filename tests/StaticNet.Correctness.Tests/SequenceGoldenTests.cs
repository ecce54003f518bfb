using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using StaticNet.Tests;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Correctness.Tests;

/// <summary>One layer of a golden-sequence network, as the index writes it.</summary>
public sealed record SequenceLayerEntry(LayerKind Kind, int Size, int KernelSize = 1, int Dilation = 1, Activation Activation = Activation.Identity)
{
    /// <summary>The layer's attribute in C#.</summary>
    public string Attribute => Kind switch
    {
        LayerKind.Dense => $"[Dense({Size}, Activation = Activation.{Activation})]",
        LayerKind.Conv1D => $"[Conv1D({Size}, KernelSize = {KernelSize}, Dilation = {Dilation}, Activation = Activation.{Activation})]",
        LayerKind.Gru => $"[Gru({Size})]",
        LayerKind.Lstm => $"[Lstm({Size})]",
        _ => throw new InvalidDataException($"Unknown layer kind {Kind}."),
    };
}

/// <summary>One network of golden-sequence.json.</summary>
public sealed record SequenceEntry(
    string Name,
    Precision Precision,
    int InputSize,
    SequenceLayerEntry[] Layers,
    Loss Loss,
    double LearningRate,
    int Length,
    int Offset,
    int Count)
{
    public int OutputSize => Layers[^1].Size;

    /// <summary>The declaration as C#: the [Network] attribute, one attribute per layer and the class.</summary>
    public string Source =>
        $"[Network(Input = {InputSize}, Loss = Loss.{Loss}, Precision = Precision.{Precision})]\n" +
        string.Concat(Layers.Select(l => l.Attribute + "\n")) + $"public partial class {Name};\n";

    public override string ToString() =>
        $"{Name}: {InputSize} -> {string.Join(" -> ", Layers.Select(l => l.Attribute))}, {Loss}, T = {Length}";
}

/// <summary>The index of golden-sequence.json.</summary>
public sealed record SequenceIndex(string Description, string Generator, long Seed, string Torch, long Values, SequenceEntry[] Networks);

/// <summary>A golden-sequence network with its numbers (tests/golden/README.md, golden-sequence.json).</summary>
public sealed class SequenceGolden
{
    public SequenceGolden(SequenceEntry entry, double[] values, int parameterCount)
    {
        Entry = entry;
        int offset = entry.Offset;
        double[] Next(int length)
        {
            double[] slice = values.AsSpan(offset, length).ToArray();
            offset += length;
            return slice;
        }

        int inputs = entry.Length * entry.InputSize, outputs = entry.Length * entry.OutputSize;
        Parameters = Next(parameterCount);
        Input = Next(inputs);
        Target = Next(outputs);
        Output = Next(outputs);
        Loss = Next(1)[0];
        Gradient = Next(parameterCount);
        InputGradient = Next(inputs);
        ParametersAfterStep = Next(parameterCount);
        if (offset - entry.Offset != entry.Count)
        {
            throw new InvalidDataException($"{entry.Name}: golden-sequence.json says {entry.Count} values, the layers make {offset - entry.Offset}.");
        }
    }

    public SequenceEntry Entry { get; }

    public double[] Parameters { get; }

    public double[] Input { get; }

    public double[] Target { get; }

    public double[] Output { get; }

    public double Loss { get; }

    public double[] Gradient { get; }

    public double[] InputGradient { get; }

    public double[] ParametersAfterStep { get; }

    public override string ToString() => Entry.ToString();
}

/// <summary>The golden-sequence data, and every network in it compiled by the real generator in one in-memory compilation.</summary>
public sealed class SequenceGoldenFixture : IDisposable
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true, Converters = { new JsonStringEnumConverter() } };

    public SequenceGoldenFixture()
    {
        string directory = Path.Combine(AppContext.BaseDirectory, "golden");
        Index = ReadIndex();
        double[] values = GoldenData.ReadValues(directory, "golden-sequence", Index.Values);

        Compiled = CompiledNetworks.Compile(Index.Networks.Select(n => (n.Name, n.Source)).ToArray(), "StaticNet.GoldenSequence");
        Networks = Index.Networks
            .Select(entry => new SequenceGolden(entry, values, (int)Compiled[entry.Name].GetField("ParameterCount")!.GetValue(null)!))
            .ToArray();
    }

    public SequenceIndex Index { get; }

    public CompiledNetworks Compiled { get; }

    /// <summary>The index of the golden-sequence data (golden-sequence.json), without the values.</summary>
    public static SequenceIndex ReadIndex() =>
        JsonSerializer.Deserialize<SequenceIndex>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "golden-sequence.json")), JsonOptions)!;

    public SequenceGolden[] Networks { get; }

    public void Dispose() => Compiled.Dispose();
}

/// <summary>
/// The generated sequence networks (Conv1D, GRU, LSTM and Dense layers) against PyTorch, for every network of
/// tests/golden/golden-sequence.json, in float at 1e-4 and in double at 1e-10 relative: the outputs of every frame by
/// <c>Forward</c>, by <c>Step</c> from the zero state and by <c>ForwardBatch</c>; the loss; dLoss/dParameters and
/// dLoss/dInputs through time; the parameters after one SGD step.
/// </summary>
public sealed class SequenceGoldenTests(SequenceGoldenFixture fixture, ITestOutputHelper output) : IClassFixture<SequenceGoldenFixture>
{
    [Fact]
    public void Float_sequence_networks_match_PyTorch_to_1e_4() => CompareWithPyTorch(Precision.Single);

    [Fact]
    public void Double_sequence_networks_match_PyTorch_to_1e_10() => CompareWithPyTorch(Precision.Double);

    /// <summary>Per precision, the data holds every layer kind first, last and in the middle, every loss, and lengths 1 and above 32.</summary>
    [Theory]
    [InlineData(Precision.Single)]
    [InlineData(Precision.Double)]
    public void The_sequence_data_covers_every_layer_kind_position_loss_and_length(Precision precision)
    {
        SequenceEntry[] networks = fixture.Index.Networks.Where(n => n.Precision == precision).ToArray();
        var missing = new List<string>();
        foreach (LayerKind kind in Enum.GetValues<LayerKind>())
        {
            Require(networks.Any(n => n.Layers[0].Kind == kind), $"a {kind} first layer");
            Require(networks.Any(n => n.Layers[^1].Kind == kind), $"a {kind} last layer");
            Require(networks.Any(n => n.Layers.Length > 2 && n.Layers[1..^1].Any(l => l.Kind == kind)), $"a {kind} layer in the middle");
        }

        foreach (Loss loss in Enum.GetValues<Loss>())
        {
            Require(networks.Any(n => n.Loss == loss), $"the loss {loss}");
        }

        Require(networks.Any(n => n.Layers.Any(l => l.Kind == LayerKind.Conv1D && l.Dilation > 1)), "a dilated Conv1D");
        Require(networks.Any(n => n.Layers.Any(l => l.Kind == LayerKind.Conv1D && l.KernelSize == 1)), "a Conv1D of kernel size 1");
        Require(networks.Any(n => n.Length == 1) && networks.Any(n => n.Length > 32), "sequences of 1 frame and of more than 32");
        Require(networks.Any(n => n.Layers.Any(l => l.Kind is LayerKind.Gru or LayerKind.Lstm && l.Size >= 16)), "a recurrent layer of at least 16 units");
        Assert.True(missing.Count == 0, "The sequence golden data does not cover:\n" + string.Join("\n", missing));

        void Require(bool covered, string what)
        {
            if (!covered)
            {
                missing.Add(what);
            }
        }
    }

    private void CompareWithPyTorch(Precision precision)
    {
        bool isDouble = precision == Precision.Double;
        var comparison = new Comparison($"Golden sequence data, {(isDouble ? "double" : "float")} networks against PyTorch float64", Tolerance.For(isDouble));
        foreach (SequenceGolden golden in fixture.Networks.Where(n => n.Entry.Precision == precision))
        {
            try
            {
                object network = Activator.CreateInstance(fixture.Compiled[golden.Entry.Name], 0)!;
                if (isDouble)
                {
                    Compare((ISequenceNetwork<double>)network, golden, comparison);
                }
                else
                {
                    Compare((ISequenceNetwork<float>)network, golden, comparison);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                comparison.Fail(golden, exception.ToString());
            }
        }

        output.WriteLine($"Generated, compiled and loaded {fixture.Networks.Length} golden sequence networks in {fixture.Compiled.Elapsed.TotalSeconds:F1} s.");
        Comparison.Report(output, $"golden-sequence-{(isDouble ? "double" : "float")}.txt", comparison);
    }

    private static void Compare<T>(ISequenceNetwork<T> network, SequenceGolden golden, Comparison comparison)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        SequenceEntry entry = golden.Entry;
        T[] start = Convert<T>(golden.Parameters);
        start.CopyTo(network.Parameters);
        if (!Back(start).SequenceEqual(golden.Parameters))
        {
            comparison.Fail(golden, "the golden parameters are not exact in the network's precision");
        }

        T[] input = Convert<T>(golden.Input), target = Convert<T>(golden.Target);
        int frames = entry.Length, inputSize = entry.InputSize, outputSize = entry.OutputSize;

        var outputs = new T[frames * outputSize];
        network.Forward(input, outputs);
        comparison.Check(golden, "outputs (Forward)", golden.Output, Back(outputs));

        var state = new T[StateSizeOf(network)];
        var stepped = new T[frames * outputSize];
        for (int t = 0; t < frames; t++)
        {
            network.Step(state, input.AsSpan(t * inputSize, inputSize), stepped.AsSpan(t * outputSize, outputSize));
        }

        comparison.Check(golden, "outputs (Step, frame by frame)", golden.Output, Back(stepped));

        var batch = new T[2 * frames * outputSize];
        network.ForwardBatch([.. input, .. input], batch, frames);
        comparison.Check(golden, "outputs (ForwardBatch, 2 sequences)", [.. golden.Output, .. golden.Output], Back(batch));
        comparison.Check(golden, "loss (ComputeLoss)", golden.Loss, double.CreateChecked(network.ComputeLoss(input, target)));

        var gradient = new T[start.Length];
        var inputGradient = new T[input.Length];
        comparison.Check(golden, "loss (Backward)", golden.Loss, double.CreateChecked(network.Backward(input, target, gradient, inputGradient)));
        comparison.Check(golden, "dLoss/dParameters (Backward)", golden.Gradient, Back(gradient));
        comparison.Check(golden, "dLoss/dInputs (Backward)", golden.InputGradient, Back(inputGradient));

        var gradientOnly = new T[start.Length];
        network.Backward(input, target, gradientOnly);
        if (!gradientOnly.SequenceEqual(gradient))
        {
            comparison.Fail(golden, "Backward without dLoss/dInputs gives another dLoss/dParameters");
        }

        var batchGradient = new T[start.Length];
        comparison.Check(golden, "loss (BackwardBatch, 2 sequences)", golden.Loss, double.CreateChecked(network.BackwardBatch([.. input, .. input], [.. target, .. target], batchGradient, frames)));
        comparison.Check(golden, "dLoss/dParameters (BackwardBatch, 2 sequences)", golden.Gradient, Back(batchGradient));

        comparison.Check(golden, "loss (TrainStep)", golden.Loss, double.CreateChecked(network.TrainStep(input, target, T.CreateChecked(entry.LearningRate))));
        comparison.Check(golden, "parameters after one SGD step (TrainStep)", golden.ParametersAfterStep, Back(network.Parameters.ToArray()));
    }

    /// <summary>The network's <c>StateSize</c>, from its static member.</summary>
    private static int StateSizeOf(object network) => (int)network.GetType().GetField("StateSize")!.GetValue(null)!;

    private static T[] Convert<T>(double[] values)
        where T : unmanaged, IFloatingPointIeee754<T> => values.Select(T.CreateChecked).ToArray();

    private static double[] Back<T>(T[] values)
        where T : unmanaged, IFloatingPointIeee754<T> => values.Select(double.CreateChecked).ToArray();
}
