using System;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Runtime;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using StaticNet;

// A consumer of the StaticNet package that prints what its networks compute, every number in round-trip form: the
// package test builds it once for the JIT and publishes it once with NativeAOT, and compares the two outputs. It is
// compiled only by the consumers the package test writes (StaticNet.Package.Tests.csproj removes it from its own build).
namespace Probe;

/// <summary>T1's topology: tanh, identity, mean squared error.</summary>
[Network(Layers = [2, 16, 16, 1], Activation = Activation.Tanh, Output = Activation.Identity, Loss = Loss.MeanSquaredError)]
public partial class Regression;

/// <summary>T2's topology: ReLU, softmax, cross-entropy.</summary>
[Network(Layers = [64, 64, 64, 10], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class Classifier;

/// <summary>LeakyReLU, sigmoid, binary cross-entropy, sizes off every multiple of 4.</summary>
[Network(Layers = [9, 19, 3], Activation = Activation.LeakyReLU, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class Binary;

/// <summary>Double precision: sigmoid, tanh, mean squared error.</summary>
[Network(Layers = [13, 21, 5], Activation = Activation.Sigmoid, Output = Activation.Tanh, Precision = Precision.Double)]
public partial class DoubleRegression;

/// <summary>Prints the code path, then "name: values" lines for each network.</summary>
public static class Program
{
    /// <summary>The entry point.</summary>
    public static void Main()
    {
        // JIT or not: whether the JIT has compiled anything (PublishAot in the project file turns
        // RuntimeFeature.IsDynamicCodeSupported off for the JIT build as well).
        Console.WriteLine(
            $"runtime: {(JitInfo.GetCompiledMethodCount() > 0 ? "JIT" : "NativeAOT")} Vector<float>.Count={Vector<float>.Count} " +
            $"Vector256={Vector256.IsHardwareAccelerated} Vector512={Vector512.IsHardwareAccelerated} Avx2={Avx2.IsSupported}");
        Run<Regression, float>();
        Run<Classifier, float>();
        Run<Binary, float>();
        Run<DoubleRegression, double>();
    }

    /// <summary>The initial parameters, Forward, ForwardBatch, Backward, BackwardBatch and twenty SGD steps of one network.</summary>
    private static void Run<TNet, T>()
        where TNet : class, INetwork<TNet, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        string name = typeof(TNet).Name;
        var random = new Random(7);
        TNet net = TNet.Create(1);
        Print($"{name} parameters at seed 1", net.Parameters);

        const int Count = 37;
        T[] inputs = Values<T>(random, Count * TNet.InputSize);
        T[] targets = Targets<T>(random, Count, TNet.OutputSize, TNet.Topology.Loss);

        var output = new T[TNet.OutputSize];
        net.Forward(inputs.AsSpan(0, TNet.InputSize), output);
        Print($"{name} Forward", output);

        var outputs = new T[Count * TNet.OutputSize];
        net.ForwardBatch(inputs, outputs);
        Print($"{name} ForwardBatch", outputs);

        var gradients = new T[TNet.ParameterCount];
        var inputGradient = new T[TNet.InputSize];
        T loss = net.Backward(inputs.AsSpan(0, TNet.InputSize), targets.AsSpan(0, TNet.OutputSize), gradients, inputGradient);
        Print($"{name} Backward loss", [loss]);
        Print($"{name} Backward dLoss/dParameters", gradients);
        Print($"{name} Backward dLoss/dInput", inputGradient);

        Array.Clear(gradients);
        loss = net.BackwardBatch(inputs, targets, gradients);
        Print($"{name} BackwardBatch loss", [loss]);
        Print($"{name} BackwardBatch dLoss/dParameters", gradients);

        var losses = new T[20];
        for (int step = 0; step < losses.Length; step++)
        {
            int sample = step % Count;
            losses[step] = net.TrainStep(inputs.AsSpan(sample * TNet.InputSize, TNet.InputSize), targets.AsSpan(sample * TNet.OutputSize, TNet.OutputSize), T.CreateChecked(0.05));
        }

        Print($"{name} TrainStep losses", losses);
        Print($"{name} parameters after TrainStep", net.Parameters);
    }

    private static T[] Values<T>(Random random, int count)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Enumerable.Range(0, count).Select(_ => T.CreateChecked((2 * random.NextDouble()) - 1)).ToArray();

    /// <summary>Targets that suit the loss: one-hot for cross-entropy, probabilities for binary cross-entropy, values otherwise.</summary>
    private static T[] Targets<T>(Random random, int count, int size, Loss loss)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var targets = new T[count * size];
        for (int s = 0; s < count; s++)
        {
            int label = random.Next(size);
            for (int j = 0; j < size; j++)
            {
                double value = loss switch
                {
                    Loss.CrossEntropy => j == label ? 1 : 0,
                    Loss.BinaryCrossEntropy => random.NextDouble(),
                    _ => (2 * random.NextDouble()) - 1,
                };
                targets[(s * size) + j] = T.CreateChecked(value);
            }
        }

        return targets;
    }

    private static void Print<T>(string what, ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var line = new System.Text.StringBuilder(what).Append(':');
        foreach (T value in values)
        {
            line.Append(' ').Append(double.CreateChecked(value).ToString("R", CultureInfo.InvariantCulture));
        }

        Console.WriteLine(line.ToString());
    }
}
