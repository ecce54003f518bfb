using System;
using StaticNet;

namespace Samples.Xor;

/// <summary>2 inputs, two hidden layers of 16 tanh units, one linear output, trained on mean squared error.</summary>
[Network(Layers = [2, 16, 16, 1], Activation = Activation.Tanh, Output = Activation.Identity, Loss = Loss.MeanSquaredError)]
public partial class XorNet;

/// <summary>Trains <see cref="XorNet"/> and prints its four answers.</summary>
public static class Program
{
    /// <summary>The entry point.</summary>
    public static void Main()
    {
        XorNet net = XorTraining.Train(Console.WriteLine);
        Console.WriteLine();
        Span<float> output = stackalloc float[XorNet.OutputSize];
        for (int i = 0; i < XorTraining.Inputs.Length; i++)
        {
            net.Forward(XorTraining.Inputs[i], output);
            Console.WriteLine($"{XorTraining.Inputs[i][0]} xor {XorTraining.Inputs[i][1]} = {output[0],7:F4} (target {XorTraining.Targets[i]})");
        }
    }
}

/// <summary>Learns XOR with one <c>TrainStep</c> per sample.</summary>
public static class XorTraining
{
    /// <summary>The number of passes over the four samples.</summary>
    public const int Epochs = 500;

    /// <summary>The four inputs of XOR.</summary>
    public static readonly float[][] Inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];

    /// <summary>The expected output of each of <see cref="Inputs"/>.</summary>
    public static readonly float[] Targets = [0, 1, 1, 0];

    /// <summary>Trains from a fixed seed, writing the mean loss every 50 epochs to <paramref name="log"/>.</summary>
    /// <param name="log">Receives a line of progress, or <see langword="null"/> for silence.</param>
    /// <returns>The trained network.</returns>
    public static XorNet Train(Action<string>? log = null)
    {
        var net = new XorNet(seed: 1);
        log?.Invoke($"XorNet: {string.Join(" -> ", XorNet.LayerSizes.ToArray())}, {XorNet.ParameterCount} parameters, {Epochs} epochs of SGD");
        for (int epoch = 1; epoch <= Epochs; epoch++)
        {
            float loss = 0;
            for (int i = 0; i < Inputs.Length; i++)
            {
                loss += net.TrainStep(Inputs[i], Targets.AsSpan(i, 1), learningRate: 0.05f);
            }

            if (epoch == 1 || epoch % 50 == 0)
            {
                log?.Invoke($"epoch {epoch,4}: mean loss {loss / Inputs.Length:G4}");
            }
        }

        return net;
    }
}
