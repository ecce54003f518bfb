using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Reflection;
using StaticNet.Tests;

namespace StaticNet.Conformance;

/// <summary>
/// One sequence network of SequenceNetworks.cs: its layers (from the generated Topology, in order), the layer attributes
/// they must match, the plain-math reference (<see cref="ReferenceSequence"/>), and a factory.
/// </summary>
internal sealed class SequenceCase : ICase
{
    private readonly Func<SequenceAdapter> _create;

    private SequenceCase(string name, NetworkAttribute declaration, string[] declaredLayers, NetworkTopology topology, int inputSize, int outputSize, int parameterCount, int stateSize, Func<SequenceAdapter> create)
    {
        Name = name;
        Declaration = declaration;
        DeclaredLayers = declaredLayers;
        Topology = topology;
        GeneratedSizes = (inputSize, outputSize, parameterCount, stateSize);
        IsDouble = topology.Precision == Precision.Double;
        Reference = new ReferenceSequence(topology.InputSize, topology.Layers.ToArray(), topology.Loss);
        _create = create;
    }

    /// <summary>Every sequence network, in a fixed order.</summary>
    public static IReadOnlyList<SequenceCase> All { get; } =
    [
        Of<SeqStack, float>(),
        Of<SeqLstmTagger, float>(),
        Of<SeqGruDetector, float>(),
        Of<SeqDoubleStack, double>(),
        Of<SeqDoubleWideGru, double>(),
        Of<SeqDoubleTiny, double>(),
    ];

    public string Name { get; }

    public bool IsDouble { get; }

    /// <summary>The reference, built from the generated Topology's layers (the attributes give no order; the Topology check compares them).</summary>
    public ReferenceSequence Reference { get; }

    /// <summary>The [Network] attribute.</summary>
    public NetworkAttribute Declaration { get; }

    /// <summary>The layer attributes, as NetworkLayer's text.</summary>
    public IReadOnlyList<string> DeclaredLayers { get; }

    /// <summary>What the generator made of the declaration.</summary>
    public NetworkTopology Topology { get; }

    /// <summary>The generated constants InputSize, OutputSize, ParameterCount, StateSize.</summary>
    public (int InputSize, int OutputSize, int ParameterCount, int StateSize) GeneratedSizes { get; }

    public int InputSize => Reference.InputSize;

    public int OutputSize => Reference.OutputSize;

    public int ParameterCount => Reference.ParameterCount;

    public int StateSize => GeneratedSizes.StateSize;

    /// <summary>Whether every activation is differentiable everywhere (no ReLU-family kink).</summary>
    public bool IsSmooth => Reference.Layers.All(l => l.Activation is not (Activation.ReLU or Activation.LeakyReLU));

    /// <summary>"3: Conv1D(5, k=3, d=2, Tanh), Gru(9), Dense(2, Identity) float".</summary>
    public string Description => $"{InputSize}: {string.Join(", ", Reference.Layers)} {(IsDouble ? "double" : "float")}";

    /// <summary>A new instance of the generated network (seed 0).</summary>
    public SequenceAdapter Create() => _create();

    /// <summary>Random values in [-scale, scale], rounded to the network's precision so that the reference sees the same numbers.</summary>
    public double[] Random(Random random, int length, double scale) =>
        Enumerable.Range(0, length).Select(_ => Round(((2 * random.NextDouble()) - 1) * scale)).ToArray();

    /// <summary>Random parameters, as the sequence tests make them: uniform in ±0.6, rounded to the precision.</summary>
    public double[] RandomParameters(Random random) => Random(random, ParameterCount, 0.6);

    /// <summary>Random frames, inputs in ±1.5.</summary>
    public double[] Frames(Random random, int frames) => Random(random, frames * InputSize, 1.5);

    /// <summary>Targets for <paramref name="frames"/> frames that suit the loss: any values in ±1 for MSE, a distribution per frame for cross-entropy, values in [0, 1] for BCE.</summary>
    public double[] Targets(Random random, int frames)
    {
        int n = OutputSize;
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

        return targets.Select(Round).ToArray();
    }

    public double Round(double value) => IsDouble ? value : (float)value;

    public override string ToString() => Name;

    private static SequenceCase Of<TNet, T>()
        where TNet : class, ISequenceNetwork<TNet, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        NetworkAttribute declaration = typeof(TNet).GetCustomAttribute<NetworkAttribute>()
            ?? throw new InvalidOperationException($"{typeof(TNet).Name} has no [Network] attribute");
        string[] layers = typeof(TNet).GetCustomAttributes().Select(attribute => attribute switch
        {
            DenseAttribute dense => new NetworkLayer(LayerKind.Dense, dense.Size, dense.Activation).ToString(),
            Conv1DAttribute conv => new NetworkLayer(LayerKind.Conv1D, conv.Channels, conv.Activation, conv.KernelSize, conv.Dilation).ToString(),
            GruAttribute gru => new NetworkLayer(LayerKind.Gru, gru.Size).ToString(),
            LstmAttribute lstm => new NetworkLayer(LayerKind.Lstm, lstm.Size).ToString(),
            _ => null,
        }).OfType<string>().ToArray();
        return new SequenceCase(typeof(TNet).Name, declaration, layers, TNet.Topology, TNet.InputSize, TNet.OutputSize, TNet.ParameterCount, TNet.StateSize,
            () => new SequenceAdapter<T>(TNet.Create(0), TNet.InputSize, TNet.OutputSize, TNet.StateSize));
    }
}

/// <summary>Drives a generated sequence network through doubles, whatever its scalar type.</summary>
internal abstract class SequenceAdapter
{
    public abstract double[] Parameters { get; set; }

    /// <summary>Calls Step on <paramref name="state"/> (read and advanced in place) and returns the output frame.</summary>
    public abstract double[] Step(double[] state, double[] input);

    public abstract double[] Forward(double[] inputs);

    public abstract double[] ForwardBatch(double[] inputs, int sequenceLength);

    public abstract double ComputeLoss(double[] inputs, double[] targets);

    /// <summary>Calls Backward, adding into <paramref name="gradients"/>; with <paramref name="inputGradients"/> the four-argument overload.</summary>
    public abstract double Backward(double[] inputs, double[] targets, double[] gradients, double[]? inputGradients = null);

    public abstract double TrainStep(double[] inputs, double[] targets, double learningRate);

    /// <summary>Calls BackwardBatch, adding into <paramref name="gradients"/>.</summary>
    public abstract double BackwardBatch(double[] inputs, double[] targets, double[] gradients, int sequenceLength);

    /// <summary>Calls Freeze: the inference snapshot, driven through doubles.</summary>
    public abstract FrozenSequenceAdapter Freeze();
}

/// <summary>Drives a sequence network's inference snapshot through doubles, whatever its scalar type.</summary>
internal abstract class FrozenSequenceAdapter
{
    /// <summary>Calls Step on <paramref name="state"/> (read and advanced in place) and returns the output frame.</summary>
    public abstract double[] Step(double[] state, double[] input);

    public abstract double[] Forward(double[] inputs);

    public abstract double[] ForwardBatch(double[] inputs, int sequenceLength);
}

internal sealed class FrozenSequenceAdapter<T>(IFrozenSequenceNetwork<T> network, int inputSize, int outputSize) : FrozenSequenceAdapter
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public override double[] Step(double[] state, double[] input)
    {
        T[] s = state.Select(T.CreateChecked).ToArray();
        var output = new T[outputSize];
        network.Step(s, input.Select(T.CreateChecked).ToArray(), output);
        s.Select(double.CreateChecked).ToArray().CopyTo(state, 0);
        return output.Select(double.CreateChecked).ToArray();
    }

    public override double[] Forward(double[] inputs)
    {
        var outputs = new T[inputs.Length / inputSize * outputSize];
        network.Forward(inputs.Select(T.CreateChecked).ToArray(), outputs);
        return outputs.Select(double.CreateChecked).ToArray();
    }

    public override double[] ForwardBatch(double[] inputs, int sequenceLength)
    {
        var outputs = new T[inputs.Length / inputSize * outputSize];
        network.ForwardBatch(inputs.Select(T.CreateChecked).ToArray(), outputs, sequenceLength);
        return outputs.Select(double.CreateChecked).ToArray();
    }
}

internal sealed class SequenceAdapter<T>(ISequenceNetwork<T> network, int inputSize, int outputSize, int stateSize) : SequenceAdapter
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public override double[] Parameters
    {
        get => ToDouble(network.Parameters.ToArray());
        set => From(value).CopyTo(network.Parameters);
    }

    public override double[] Step(double[] state, double[] input)
    {
        if (state.Length != stateSize)
        {
            throw new ArgumentException($"a state of {state.Length} values, not {stateSize}", nameof(state));
        }

        T[] s = From(state);
        var output = new T[outputSize];
        network.Step(s, From(input), output);
        ToDouble(s).CopyTo(state, 0);
        return ToDouble(output);
    }

    public override double[] Forward(double[] inputs)
    {
        var outputs = new T[inputs.Length / inputSize * outputSize];
        network.Forward(From(inputs), outputs);
        return ToDouble(outputs);
    }

    public override double[] ForwardBatch(double[] inputs, int sequenceLength)
    {
        var outputs = new T[inputs.Length / inputSize * outputSize];
        network.ForwardBatch(From(inputs), outputs, sequenceLength);
        return ToDouble(outputs);
    }

    public override double ComputeLoss(double[] inputs, double[] targets) => double.CreateChecked(network.ComputeLoss(From(inputs), From(targets)));

    public override double Backward(double[] inputs, double[] targets, double[] gradients, double[]? inputGradients = null)
    {
        T[] g = From(gradients);
        double loss;
        if (inputGradients is null)
        {
            loss = double.CreateChecked(network.Backward(From(inputs), From(targets), g));
        }
        else
        {
            var dx = new T[inputGradients.Length];
            loss = double.CreateChecked(network.Backward(From(inputs), From(targets), g, dx));
            ToDouble(dx).CopyTo(inputGradients, 0);
        }

        ToDouble(g).CopyTo(gradients, 0);
        return loss;
    }

    public override double TrainStep(double[] inputs, double[] targets, double learningRate) =>
        double.CreateChecked(network.TrainStep(From(inputs), From(targets), T.CreateChecked(learningRate)));

    public override double BackwardBatch(double[] inputs, double[] targets, double[] gradients, int sequenceLength)
    {
        T[] g = From(gradients);
        double loss = double.CreateChecked(network.BackwardBatch(From(inputs), From(targets), g, sequenceLength));
        ToDouble(g).CopyTo(gradients, 0);
        return loss;
    }

    public override FrozenSequenceAdapter Freeze() => new FrozenSequenceAdapter<T>(network.Freeze(), inputSize, outputSize);

    private static T[] From(double[] values) => values.Select(T.CreateChecked).ToArray();

    private static double[] ToDouble(T[] values) => values.Select(double.CreateChecked).ToArray();
}
