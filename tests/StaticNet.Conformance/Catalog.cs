using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Reflection;
using StaticNet.Tests;

namespace StaticNet.Conformance;

/// <summary>A network the runner checks: a dense one (<see cref="Case"/>) or a sequence network (<see cref="SequenceCase"/>).</summary>
internal interface ICase
{
    string Name { get; }

    bool IsDouble { get; }

    /// <summary>The layers and the precision, for the output.</summary>
    string Description { get; }
}

/// <summary>One network of Networks.cs: its declaration read back from the attribute, the reference math for it, and a factory.</summary>
internal sealed class Case : ICase
{
    private readonly Func<NetworkAdapter> _create;

    private Case(string name, NetworkAttribute declaration, Func<NetworkAdapter> create)
    {
        Name = name;
        int layers = declaration.Layers.Length - 1;
        Activation[] activations = declaration.Activations
            ?? Enumerable.Range(0, layers).Select(l => l == layers - 1 ? declaration.Output : declaration.Activation).ToArray();
        Reference = new ReferenceNetwork(declaration.Layers, activations, declaration.Loss);
        IsDouble = declaration.Precision == Precision.Double;
        _create = create;
    }

    /// <summary>Every network, in a fixed order.</summary>
    public static IReadOnlyList<Case> All { get; } =
    [
        Of<T1, float>(),
        Of<T2, float>(),
        Of<T3, float>(),
        Of<SingleWeight, float>(),
        Of<ReLUHidden, float>(),
        Of<ReLUOutput, float>(),
        Of<LeakyReLU, float>(),
        Of<SigmoidMse, float>(),
        Of<TanhOutput, float>(),
        Of<SoftmaxMse, float>(),
        Of<CrossEntropyLeaky, float>(),
        Of<CrossEntropyTanh, float>(),
        Of<BinarySingle, float>(),
        Of<BinaryMulti, float>(),
        Of<PerLayer, float>(),
        Of<TwoInputs, float>(),
        Of<NarrowInlined, float>(),
        Of<Halved, float>(),
        Of<Wide, float>(),
        Of<DoubleBinary, double>(),
        Of<DoubleCrossEntropy, double>(),
        Of<DoubleRegression, double>(),
        Of<DoubleTanh, double>(),
        Of<DoubleT2, double>(),
        Of<DoubleHalved, double>(),
        Of<DoubleTwoInputs, double>(),
    ];

    public string Name { get; }

    public ReferenceNetwork Reference { get; }

    public bool IsDouble { get; }

    public int InputSize => Reference.Sizes[0];

    public int OutputSize => Reference.Sizes[^1];

    public int ParameterCount => Reference.ParameterCount;

    public bool IsClassifier => Reference.Loss == Loss.CrossEntropy;

    /// <summary>"784-128-64-10 float".</summary>
    public string Description => $"{string.Join('-', Reference.Sizes)} {(IsDouble ? "double" : "float")}";

    /// <summary>A new instance of the generated network (seed 0).</summary>
    public NetworkAdapter Create() => _create();

    /// <summary>Random values in [-scale, scale], rounded to the network's precision so that the reference sees the same numbers.</summary>
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
    /// Random parameters, as the numerical tests make them: weights uniform in ±1.5/√fan_in (activations and logits stay
    /// of order one, no probability reaches the loss's clamp) and biases uniform in ±0.5, rounded to the precision.
    /// </summary>
    public double[] RandomParameters(Random random)
    {
        var parameters = new double[ParameterCount];
        for (int layer = 0; layer < Reference.LayerCount; layer++)
        {
            int inputs = Reference.Sizes[layer], outputs = Reference.Sizes[layer + 1], offset = Reference.WeightOffset(layer);
            Random(random, inputs * outputs, 1.5 / Math.Sqrt(inputs)).CopyTo(parameters, offset);
            Random(random, outputs, 0.5).CopyTo(parameters, offset + (inputs * outputs));
        }

        return parameters;
    }

    public override string ToString() => Name;

    private static Case Of<TNet, T>()
        where TNet : class, INetwork<TNet, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The reference is built from the declaration, not from what the generator made of it (TNet.Topology).
        NetworkAttribute declaration = typeof(TNet).GetCustomAttribute<NetworkAttribute>()
            ?? throw new InvalidOperationException($"{typeof(TNet).Name} has no [Network] attribute");
        return new Case(typeof(TNet).Name, declaration, () => new NetworkAdapter<T>(TNet.Create(0), TNet.OutputSize));
    }
}
