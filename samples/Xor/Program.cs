using System;
using StaticNet;

namespace Samples.Xor;

/// <summary>2 inputs, two hidden layers of 16 tanh units, one linear output, trained on mean squared error.</summary>
[Network(Layers = [2, 16, 16, 1], Activation = Activation.Tanh, Output = Activation.Identity, Loss = Loss.MeanSquaredError)]
public partial class XorNet;

public static class Program
{
    public static void Main()
    {
        float[][] inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
        float[] targets = [0, 1, 1, 0];
        var net = new XorNet(seed: 1);
        Span<float> output = stackalloc float[XorNet.OutputSize];

        Console.WriteLine($"XorNet: {string.Join(" -> ", XorNet.LayerSizes.ToArray())}, {XorNet.ParameterCount} parameters");
        const int Epochs = 2000;
        for (int epoch = 1; epoch <= Epochs; epoch++)
        {
            float loss = 0;
            for (int i = 0; i < inputs.Length; i++)
            {
                loss += net.TrainStep(inputs[i], targets.AsSpan(i, 1), learningRate: 0.05f);
            }

            if (epoch == 1 || epoch % 200 == 0)
            {
                Console.WriteLine($"epoch {epoch,5}: mean loss {loss / inputs.Length:F6}");
            }
        }

        Console.WriteLine();
        for (int i = 0; i < inputs.Length; i++)
        {
            net.Forward(inputs[i], output);
            Console.WriteLine($"{inputs[i][0]} xor {inputs[i][1]} = {output[0],7:F4} (target {targets[i]})");
        }
    }
}
