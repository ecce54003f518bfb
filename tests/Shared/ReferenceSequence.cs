using System;
using System.Linq;

namespace StaticNet.Tests;

/// <summary>
/// A sequence network in plain double-precision math, written from the definitions (PyTorch's <c>nn.Conv1d</c> on the
/// causally padded input, <c>nn.GRU</c>, <c>nn.LSTM</c>, <c>nn.Linear</c>) without any of the library's code: frame by
/// frame, loops over units, the parameter layout of ParameterLayout's documentation. The loss is the mean over frames of
/// each frame's loss (for mean squared error, the mean over frames and outputs).
/// </summary>
public sealed class ReferenceSequence
{
    private const double ClampLow = 1e-7;

    public ReferenceSequence(int inputSize, NetworkLayer[] layers, Loss loss)
    {
        InputSize = inputSize;
        Layers = layers;
        Loss = loss;
        int inputs = inputSize;
        foreach (NetworkLayer layer in layers)
        {
            ParameterCount += layer.Kind switch
            {
                LayerKind.Conv1D => (layer.Size * inputs * layer.KernelSize) + layer.Size,
                LayerKind.Gru => 3 * layer.Size * (inputs + layer.Size + 2),
                LayerKind.Lstm => 4 * layer.Size * (inputs + layer.Size + 2),
                _ => (layer.Size * inputs) + layer.Size,
            };
            inputs = layer.Size;
        }
    }

    public int InputSize { get; }

    public NetworkLayer[] Layers { get; }

    public Loss Loss { get; }

    public int ParameterCount { get; }

    public int OutputSize => Layers[^1].Size;

    /// <summary>The outputs of every frame, <c>[frames][OutputSize]</c>, from the zero state.</summary>
    public double[] Forward(double[] p, double[] x, int frames)
    {
        double[][] current = Enumerable.Range(0, frames).Select(t => x.AsSpan(t * InputSize, InputSize).ToArray()).ToArray();
        int offset = 0, inputs = InputSize;
        foreach (NetworkLayer layer in Layers)
        {
            current = layer.Kind switch
            {
                LayerKind.Conv1D => Conv1D(p, ref offset, inputs, layer, current),
                LayerKind.Gru => Gru(p, ref offset, inputs, layer.Size, current),
                LayerKind.Lstm => Lstm(p, ref offset, inputs, layer.Size, current),
                _ => current.Select(frame => ReferenceNetwork.Activate(layer.Activation, Affine(p, offset, inputs, layer.Size, frame))).ToArray(),
            };
            if (layer.Kind == LayerKind.Dense)
            {
                offset += (layer.Size * inputs) + layer.Size;
            }

            inputs = layer.Size;
        }

        return current.SelectMany(frame => frame).ToArray();
    }

    public double ComputeLoss(double[] p, double[] x, double[] targets, int frames)
    {
        double[] y = Forward(p, x, frames);
        int n = OutputSize;
        double sum = 0;
        for (int t = 0; t < frames; t++)
        {
            for (int j = 0; j < n; j++)
            {
                double a = y[(t * n) + j], target = targets[(t * n) + j];
                sum += Loss switch
                {
                    Loss.CrossEntropy => -target * Math.Log(Math.Clamp(a, ClampLow, 1 - ClampLow)),
                    Loss.BinaryCrossEntropy => -((target * Math.Log(Math.Clamp(a, ClampLow, 1 - ClampLow))) + ((1 - target) * Math.Log(1 - Math.Clamp(a, ClampLow, 1 - ClampLow)))) / n,
                    _ => (a - target) * (a - target) / n,
                };
            }
        }

        return sum / frames;
    }

    /// <summary>Central differences of <see cref="ComputeLoss"/> for the parameters at <paramref name="indices"/>, and every input.</summary>
    public (double[] Parameters, double[] Inputs) FiniteDifferences(double[] p, double[] x, double[] targets, int frames, int[] indices, double epsilon = 1e-6)
    {
        double Difference(double[] values, int k)
        {
            double saved = values[k];
            values[k] = saved + epsilon;
            double plus = ComputeLoss(p, x, targets, frames);
            values[k] = saved - epsilon;
            double minus = ComputeLoss(p, x, targets, frames);
            values[k] = saved;
            return (plus - minus) / (2 * epsilon);
        }

        return (indices.Select(k => Difference(p, k)).ToArray(), Enumerable.Range(0, x.Length).Select(k => Difference(x, k)).ToArray());
    }

    /// <summary><c>W v + b</c> with <c>W [rows][columns]</c> at <paramref name="offset"/> and <c>b</c> after it.</summary>
    private static double[] Affine(double[] p, int offset, int columns, int rows, double[] v) =>
        Enumerable.Range(0, rows).Select(r => p[offset + (rows * columns) + r] + Enumerable.Range(0, columns).Sum(c => p[offset + (r * columns) + c] * v[c])).ToArray();

    /// <summary>y[t] = act(b + Σₖ W[:, :, k] x[t − (K − 1 − k)·D]), frames before 0 being zero; W is [C][In][K].</summary>
    private static double[][] Conv1D(double[] p, ref int offset, int inputs, NetworkLayer layer, double[][] x)
    {
        int channels = layer.Size, taps = layer.KernelSize, start = offset;
        var y = new double[x.Length][];
        for (int t = 0; t < x.Length; t++)
        {
            var z = new double[channels];
            for (int c = 0; c < channels; c++)
            {
                z[c] = p[start + (channels * inputs * taps) + c];
                for (int k = 0; k < taps; k++)
                {
                    int source = t - ((taps - 1 - k) * layer.Dilation);
                    for (int i = 0; source >= 0 && i < inputs; i++)
                    {
                        z[c] += p[start + (((c * inputs) + i) * taps) + k] * x[source][i];
                    }
                }
            }

            y[t] = ReferenceNetwork.Activate(layer.Activation, z);
        }

        offset += (channels * inputs * taps) + channels;
        return y;
    }

    /// <summary>nn.GRU: weight_ih [3H][In], weight_hh [3H][H], bias_ih [3H], bias_hh [3H]; gates r, z, n.</summary>
    private static double[][] Gru(double[] p, ref int offset, int inputs, int hidden, double[][] x)
    {
        int wih = offset, whh = wih + (3 * hidden * inputs), bih = whh + (3 * hidden * hidden), bhh = bih + (3 * hidden);
        var h = new double[hidden];
        var y = new double[x.Length][];
        for (int t = 0; t < x.Length; t++)
        {
            double[] gi = Project(p, wih, bih, inputs, 3 * hidden, x[t]), gh = Project(p, whh, bhh, hidden, 3 * hidden, h);
            var next = new double[hidden];
            for (int j = 0; j < hidden; j++)
            {
                double r = Sigmoid(gi[j] + gh[j]), z = Sigmoid(gi[hidden + j] + gh[hidden + j]);
                double n = Math.Tanh(gi[(2 * hidden) + j] + (r * gh[(2 * hidden) + j]));
                next[j] = ((1 - z) * n) + (z * h[j]);
            }

            h = next;
            y[t] = h;
        }

        offset = bhh + (3 * hidden);
        return y;
    }

    /// <summary>nn.LSTM: weight_ih [4H][In], weight_hh [4H][H], bias_ih [4H], bias_hh [4H]; gates i, f, g, o.</summary>
    private static double[][] Lstm(double[] p, ref int offset, int inputs, int hidden, double[][] x)
    {
        int wih = offset, whh = wih + (4 * hidden * inputs), bih = whh + (4 * hidden * hidden), bhh = bih + (4 * hidden);
        var h = new double[hidden];
        var cell = new double[hidden];
        var y = new double[x.Length][];
        for (int t = 0; t < x.Length; t++)
        {
            double[] gi = Project(p, wih, bih, inputs, 4 * hidden, x[t]), gh = Project(p, whh, bhh, hidden, 4 * hidden, h);
            var next = new double[hidden];
            for (int j = 0; j < hidden; j++)
            {
                double i = Sigmoid(gi[j] + gh[j]), f = Sigmoid(gi[hidden + j] + gh[hidden + j]);
                double g = Math.Tanh(gi[(2 * hidden) + j] + gh[(2 * hidden) + j]), o = Sigmoid(gi[(3 * hidden) + j] + gh[(3 * hidden) + j]);
                cell[j] = (f * cell[j]) + (i * g);
                next[j] = o * Math.Tanh(cell[j]);
            }

            h = next;
            y[t] = h;
        }

        offset = bhh + (4 * hidden);
        return y;
    }

    /// <summary><c>W v + b</c> with the weights at <paramref name="weights"/> and the bias at <paramref name="bias"/>.</summary>
    private static double[] Project(double[] p, int weights, int bias, int columns, int rows, double[] v) =>
        Enumerable.Range(0, rows).Select(r => p[bias + r] + Enumerable.Range(0, columns).Sum(c => p[weights + (r * columns) + c] * v[c])).ToArray();

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
}
