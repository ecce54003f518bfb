using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// One network declared in this test project, read back from its [Network] attribute (not from generated code), with
/// the reference math for it and an adapter that drives the generated code in doubles whatever its precision.
/// </summary>
public sealed class NetworkCase
{
    private NetworkCase(Type type, NetworkAttribute declaration)
    {
        Type = type;
        int layers = declaration.Layers.Length - 1;
        Activation[] activations = declaration.Activations
            ?? Enumerable.Range(0, layers).Select(l => l == layers - 1 ? declaration.Output : declaration.Activation).ToArray();
        Reference = new ReferenceNetwork(declaration.Layers, activations, declaration.Loss);
        IsDouble = declaration.Precision == Precision.Double;
    }

    public Type Type { get; }

    public ReferenceNetwork Reference { get; }

    public bool IsDouble { get; }

    public int InputSize => Reference.Sizes[0];

    public int OutputSize => Reference.Sizes[^1];

    public bool IsClassifier => Reference.Loss == Loss.CrossEntropy;

    /// <summary>Whether every activation is differentiable everywhere, so that finite differences are exact up to rounding.</summary>
    public bool IsSmooth => Reference.Activations.All(a => a is Activation.Identity or Activation.Sigmoid or Activation.Tanh or Activation.Softmax);

    /// <summary>Every dense network declared in this project (the sequence networks are <see cref="Sequence.SequenceCase"/>'s).</summary>
    public static IReadOnlyList<NetworkCase> All { get; } = typeof(NetworkCase).Assembly.GetTypes()
        .Select(type => (type, declaration: type.GetCustomAttribute<NetworkAttribute>()))
        .Where(pair => pair.declaration is not null && pair.declaration.Layers is { Length: > 0 })
        .OrderBy(pair => pair.type.Name, StringComparer.Ordinal)
        .Select(pair => new NetworkCase(pair.type, pair.declaration!))
        .ToArray();

    /// <summary>The names of every declared network, for [MemberData].</summary>
    public static TheoryData<string> Names => new(All.Select(c => c.Type.Name));

    public static TheoryData<string> Classifiers => new(All.Where(c => c.IsClassifier).Select(c => c.Type.Name));

    public static NetworkCase Get(string name) => All.Single(c => c.Type.Name == name);

    /// <summary>A new instance of the generated network.</summary>
    public object Instantiate(int seed) => Activator.CreateInstance(Type, seed)!;

    public NetworkAdapter Create(int seed) => IsDouble
        ? new NetworkAdapter<double>((INetwork<double>)Instantiate(seed), OutputSize)
        : new NetworkAdapter<float>((INetwork<float>)Instantiate(seed), OutputSize);

    /// <summary>Random values in [-scale, scale], rounded to the network's precision so the reference sees the same numbers.</summary>
    public double[] Random(Random random, int length, double scale = 1) =>
        Enumerable.Range(0, length).Select(_ => Round(((2 * random.NextDouble()) - 1) * scale)).ToArray();

    /// <summary>A target suited to the loss: any values for MSE, a probability vector for CrossEntropy, probabilities for BCE.</summary>
    public double[] Target(Random random)
    {
        switch (Reference.Loss)
        {
            case Loss.CrossEntropy:
                double[] weights = Enumerable.Range(0, OutputSize).Select(_ => random.NextDouble() + 0.05).ToArray();
                double sum = weights.Sum();
                return weights.Select(w => Round(w / sum)).ToArray();
            case Loss.BinaryCrossEntropy:
                return Enumerable.Range(0, OutputSize).Select(_ => Round(random.NextDouble())).ToArray();
            default:
                return Random(random, OutputSize);
        }
    }

    public double Round(double value) => IsDouble ? value : (float)value;

    /// <summary>
    /// Random parameters: weights uniform in ±1.5/√fan_in (so that activations and logits stay of order one and no
    /// probability reaches the loss's clamp) and biases uniform in ±0.5, rounded to the network's precision.
    /// </summary>
    public double[] RandomParameters(Random random)
    {
        var parameters = new double[Reference.ParameterCount];
        for (int layer = 0; layer < Reference.LayerCount; layer++)
        {
            int inputs = Reference.Sizes[layer], outputs = Reference.Sizes[layer + 1], offset = Reference.WeightOffset(layer);
            Random(random, inputs * outputs, 1.5 / Math.Sqrt(inputs)).CopyTo(parameters, offset);
            Random(random, outputs, 0.5).CopyTo(parameters, offset + (inputs * outputs));
        }

        return parameters;
    }

    /// <summary>Sets <see cref="RandomParameters"/> on the network and returns them.</summary>
    public double[] RandomizeParameters(NetworkAdapter network, Random random)
    {
        double[] parameters = RandomParameters(random);
        network.Parameters = parameters;
        return parameters;
    }

    public override string ToString() => Type.Name;
}
