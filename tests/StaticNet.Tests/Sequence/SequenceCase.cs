using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Reflection;
using Xunit;

namespace StaticNet.Tests.Sequence;

/// <summary>
/// A generated sequence network of this project (namespace StaticNet.Tests.Sequence.Networks) with its plain-math
/// reference. The layers come from the generated <c>Topology</c> (in declaration order) and are checked against the
/// layer attributes.
/// </summary>
public sealed class SequenceCase
{
    private SequenceCase(Type type)
    {
        Type = type;
        var topology = (NetworkTopology)type.GetProperty("Topology")!.GetValue(null)!;
        NetworkLayer[] layers = topology.Layers.ToArray();
        Assert.Equal(Attributes(type).Order(), layers.Select(l => l.ToString()).Order());
        IsDouble = topology.Precision == Precision.Double;
        Reference = new ReferenceSequence(topology.InputSize, layers, topology.Loss);
        StateSize = (int)type.GetField("StateSize")!.GetValue(null)!;
        Assert.Equal(Reference.ParameterCount, (int)type.GetField("ParameterCount")!.GetValue(null)!);
    }

    public Type Type { get; }

    public bool IsDouble { get; }

    public ReferenceSequence Reference { get; }

    public int StateSize { get; }

    /// <summary>Whether every activation is differentiable everywhere (no ReLU-family kink).</summary>
    public bool IsSmooth => Reference.Layers.All(l => l.Activation is not (Activation.ReLU or Activation.LeakyReLU));

    public static IReadOnlyList<SequenceCase> All { get; } = typeof(SequenceCase).Assembly.GetTypes()
        .Where(type => type.Namespace == "StaticNet.Tests.Sequence.Networks" && type.GetCustomAttribute<NetworkAttribute>() is not null)
        .OrderBy(type => type.Name, StringComparer.Ordinal)
        .Select(type => new SequenceCase(type))
        .ToArray();

    public static TheoryData<string> Names => new(All.Select(c => c.Type.Name));

    public static SequenceCase Get(string name) => All.Single(c => c.Type.Name == name);

    public object Instantiate(int seed) => Activator.CreateInstance(Type, seed)!;

    /// <summary>Random parameters in [-scale, scale), exact in the network's precision, written into <paramref name="network"/>.</summary>
    public double[] RandomizeParameters<T>(ISequenceNetwork<T> network, Random random, double scale = 0.6)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double[] values = Exact<T>(Random(random, Reference.ParameterCount, scale));
        Convert<T>(values).CopyTo(network.Parameters);
        return values;
    }

    /// <summary>Random values in [-scale, scale), exact in <typeparamref name="T"/>.</summary>
    public static double[] Exact<T>(double[] values)
        where T : unmanaged, IFloatingPointIeee754<T> => values.Select(v => double.CreateChecked(T.CreateChecked(v))).ToArray();

    public static double[] Random(Random random, int count, double scale) =>
        Enumerable.Range(0, count).Select(_ => scale * ((2 * random.NextDouble()) - 1)).ToArray();

    /// <summary>Targets for <paramref name="frames"/> frames that suit the loss: a distribution per frame for cross-entropy, values in [0, 1] for BCE.</summary>
    public double[] Targets(Random random, int frames)
    {
        int n = Reference.OutputSize;
        var targets = new double[frames * n];
        for (int t = 0; t < frames; t++)
        {
            for (int j = 0; j < n; j++)
            {
                targets[(t * n) + j] = Reference.Loss == Loss.MeanSquaredError ? (2 * random.NextDouble()) - 1 : random.NextDouble();
            }

            if (Reference.Loss == Loss.CrossEntropy)
            {
                double sum = targets.AsSpan(t * n, n).ToArray().Sum();
                for (int j = 0; j < n; j++)
                {
                    targets[(t * n) + j] /= sum;
                }
            }
        }

        return IsDouble ? targets : Exact<float>(targets);
    }

    public static T[] Convert<T>(double[] values)
        where T : unmanaged, IFloatingPointIeee754<T> => values.Select(T.CreateChecked).ToArray();

    public static double[] Back<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T> => values.ToArray().Select(double.CreateChecked).ToArray();

    public override string ToString() => Type.Name;

    /// <summary>The layer attributes of <paramref name="type"/>, as NetworkLayer's text.</summary>
    private static IEnumerable<string> Attributes(Type type) => type.GetCustomAttributes().Select(attribute => attribute switch
    {
        DenseAttribute dense => new NetworkLayer(LayerKind.Dense, dense.Size, dense.Activation).ToString(),
        Conv1DAttribute conv => new NetworkLayer(LayerKind.Conv1D, conv.Channels, conv.Activation, conv.KernelSize, conv.Dilation).ToString(),
        GruAttribute gru => new NetworkLayer(LayerKind.Gru, gru.Size).ToString(),
        LstmAttribute lstm => new NetworkLayer(LayerKind.Lstm, lstm.Size).ToString(),
        _ => null,
    }).OfType<string>();
}
