using System;
using StaticNet;

namespace StaticNet.Benchmarks;

// The three reference topologies of ../shared/anchors/README.md, exactly as the native, PyTorch, NumPy and FANN
// references define them, and one large network (its scratch goes to ArrayPool: SNET0014).

/// <summary>T1: 2 -> 16 -> 16 -> 1, tanh, tanh, identity, mean squared error (337 parameters).</summary>
[Network(Layers = [2, 16, 16, 1], Activation = Activation.Tanh, Output = Activation.Identity, Loss = Loss.MeanSquaredError)]
public partial class T1;

/// <summary>T2: 64 -> 64 -> 64 -> 10, ReLU, ReLU, softmax, cross-entropy (8,970 parameters).</summary>
[Network(Layers = [64, 64, 64, 10], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class T2;

/// <summary>T3: 784 -> 128 -> 64 -> 10, ReLU, ReLU, softmax, cross-entropy (109,386 parameters).</summary>
[Network(Layers = [784, 128, 64, 10], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class T3;

/// <summary>4096 -> 4096 -> 10: 16.8 M parameters, scratch above the stack limit.</summary>
[Network(Layers = [4096, 4096, 10], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class Large;

/// <summary>The anchors' data: weights uniform in ±1/√fan_in, biases uniform in ±0.1, inputs from a pool of random vectors.</summary>
public static class ReferenceData
{
    /// <summary>Fills <paramref name="parameters"/> (StaticNet's layout: per layer W[out][in], then b[out]).</summary>
    public static void FillParameters(ReadOnlySpan<int> layers, Span<float> parameters, int seed)
    {
        var random = new Random(seed);
        int offset = 0;
        for (int l = 0; l + 1 < layers.Length; l++)
        {
            int inputs = layers[l], outputs = layers[l + 1];
            float limit = 1f / MathF.Sqrt(inputs);
            for (int i = 0; i < inputs * outputs; i++)
            {
                parameters[offset++] = ((2 * random.NextSingle()) - 1) * limit;
            }

            for (int i = 0; i < outputs; i++)
            {
                parameters[offset++] = ((2 * random.NextSingle()) - 1) * 0.1f;
            }
        }
    }

    /// <summary><paramref name="count"/> random rows of <paramref name="size"/> values in [-1, 1), one after another.</summary>
    public static float[] Inputs(int size, int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[size * count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (2 * random.NextSingle()) - 1;
        }

        return values;
    }
}
