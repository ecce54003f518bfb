using System;
using System.Linq;
using System.Numerics;

namespace StaticNet.Tests;

/// <summary>Drives a generated network through doubles, whatever its scalar type.</summary>
public abstract class NetworkAdapter
{
    public abstract object Network { get; }

    public abstract double[] Parameters { get; set; }

    public abstract double[] Forward(double[] input);

    public abstract double[] ForwardBatch(double[] inputs, int outputLength);

    public abstract double ComputeLoss(double[] input, double[] target);

    /// <summary>Calls Backward, adding into <paramref name="gradients"/>; with <paramref name="inputGradient"/> the four-argument overload.</summary>
    public abstract double Backward(double[] input, double[] target, double[] gradients, double[]? inputGradient = null);

    public abstract double TrainStep(double[] input, double[] target, double learningRate);

    /// <summary>Calls BackwardBatch on samples and targets stored row by row, adding into <paramref name="gradients"/>.</summary>
    public abstract double BackwardBatch(double[] inputs, double[] targets, double[] gradients);

    public abstract double BackwardBatch(double[] inputs, int[] labels, double[] gradients);

    public abstract int Predict(double[] input);

    public abstract double ComputeLoss(double[] input, int label);

    public abstract double Backward(double[] input, int label, double[] gradients);

    public abstract double TrainStep(double[] input, int label, double learningRate);

    /// <summary>The network's inference snapshot (<c>Freeze()</c>), driven through doubles.</summary>
    public abstract FrozenAdapter Freeze();
}

/// <summary>Drives a network's inference snapshot through doubles, whatever its scalar type.</summary>
public abstract class FrozenAdapter
{
    public abstract object Snapshot { get; }

    public abstract double[] Forward(double[] input);

    public abstract double[] ForwardBatch(double[] inputs, int outputLength);
}

public sealed class FrozenAdapter<T>(IFrozenNetwork<T> frozen, int outputSize) : FrozenAdapter
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public override object Snapshot => frozen;

    public override double[] Forward(double[] input)
    {
        var output = new T[outputSize];
        frozen.Forward(NetworkAdapter<T>.From(input), output);
        return NetworkAdapter<T>.ToDouble(output);
    }

    public override double[] ForwardBatch(double[] inputs, int outputLength)
    {
        var outputs = new T[outputLength];
        frozen.ForwardBatch(NetworkAdapter<T>.From(inputs), outputs);
        return NetworkAdapter<T>.ToDouble(outputs);
    }
}

public sealed class NetworkAdapter<T>(INetwork<T> network, int outputSize) : NetworkAdapter
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public override object Network => network;

    public override double[] Parameters
    {
        get => ToDouble(network.Parameters.ToArray());
        set => From(value).CopyTo(network.Parameters);
    }

    private IClassifierNetwork<T> Classifier => (IClassifierNetwork<T>)network;

    public override double[] Forward(double[] input)
    {
        var output = new T[outputSize];
        network.Forward(From(input), output);
        return ToDouble(output);
    }

    public override double[] ForwardBatch(double[] inputs, int outputLength)
    {
        var outputs = new T[outputLength];
        network.ForwardBatch(From(inputs), outputs);
        return ToDouble(outputs);
    }

    public override double ComputeLoss(double[] input, double[] target) => double.CreateChecked(network.ComputeLoss(From(input), From(target)));

    public override double Backward(double[] input, double[] target, double[] gradients, double[]? inputGradient = null)
    {
        T[] g = From(gradients);
        T loss;
        if (inputGradient is null)
        {
            loss = network.Backward(From(input), From(target), g);
        }
        else
        {
            T[] dx = From(inputGradient);
            loss = network.Backward(From(input), From(target), g, dx);
            ToDouble(dx).CopyTo(inputGradient, 0);
        }

        ToDouble(g).CopyTo(gradients, 0);
        return double.CreateChecked(loss);
    }

    public override double TrainStep(double[] input, double[] target, double learningRate) =>
        double.CreateChecked(network.TrainStep(From(input), From(target), T.CreateChecked(learningRate)));

    public override double BackwardBatch(double[] inputs, double[] targets, double[] gradients)
    {
        T[] g = From(gradients);
        T loss = network.BackwardBatch(From(inputs), From(targets), g);
        ToDouble(g).CopyTo(gradients, 0);
        return double.CreateChecked(loss);
    }

    public override double BackwardBatch(double[] inputs, int[] labels, double[] gradients)
    {
        T[] g = From(gradients);
        T loss = Classifier.BackwardBatch(From(inputs), labels, g);
        ToDouble(g).CopyTo(gradients, 0);
        return double.CreateChecked(loss);
    }

    public override int Predict(double[] input) => Classifier.Predict(From(input));

    public override double ComputeLoss(double[] input, int label) => double.CreateChecked(Classifier.ComputeLoss(From(input), label));

    public override double Backward(double[] input, int label, double[] gradients)
    {
        T[] g = From(gradients);
        T loss = Classifier.Backward(From(input), label, g);
        ToDouble(g).CopyTo(gradients, 0);
        return double.CreateChecked(loss);
    }

    public override double TrainStep(double[] input, int label, double learningRate) =>
        double.CreateChecked(Classifier.TrainStep(From(input), label, T.CreateChecked(learningRate)));

    public override FrozenAdapter Freeze() => new FrozenAdapter<T>(network.Freeze(), outputSize);

    internal static T[] From(double[] values) => values.Select(T.CreateChecked).ToArray();

    internal static double[] ToDouble(T[] values) => values.Select(double.CreateChecked).ToArray();
}
