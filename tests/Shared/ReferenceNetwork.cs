using System;
using System.Linq;

namespace StaticNet.Tests;

/// <summary>
/// The plain math of a dense network in double precision, written from the seed documents and independently of the
/// generator: nested loops, derivatives taken from the pre-activations, softmax through its full Jacobian, the losses
/// differentiated term by term. The generated code is checked against it; it is checked against finite differences.
/// </summary>
public sealed class ReferenceNetwork
{
    private const double LeakySlope = 0.01;
    private const double ClampLow = 1e-7;

    public ReferenceNetwork(int[] sizes, Activation[] activations, Loss loss)
    {
        Sizes = sizes;
        Activations = activations;
        Loss = loss;
        ParameterCount = Enumerable.Range(0, sizes.Length - 1).Sum(l => (sizes[l] + 1) * sizes[l + 1]);
    }

    public int[] Sizes { get; }

    public Activation[] Activations { get; }

    public Loss Loss { get; }

    public int ParameterCount { get; }

    public int LayerCount => Sizes.Length - 1;

    /// <summary>Offset of layer <paramref name="layer"/>'s weights W[out, in] (row-major); the bias follows them.</summary>
    public int WeightOffset(int layer)
    {
        int offset = 0;
        for (int l = 0; l < layer; l++)
        {
            offset += (Sizes[l] + 1) * Sizes[l + 1];
        }

        return offset;
    }

    /// <summary>Pre-activations z and activations a of every layer; a[0] is the input.</summary>
    public (double[][] Z, double[][] A) ForwardAll(double[] p, double[] x)
    {
        var z = new double[LayerCount + 1][];
        var a = new double[LayerCount + 1][];
        a[0] = x;
        for (int l = 0; l < LayerCount; l++)
        {
            int inputs = Sizes[l], outputs = Sizes[l + 1], w = WeightOffset(l), b = w + (inputs * outputs);
            z[l + 1] = new double[outputs];
            for (int o = 0; o < outputs; o++)
            {
                double sum = p[b + o];
                for (int i = 0; i < inputs; i++)
                {
                    sum += p[w + (o * inputs) + i] * a[l][i];
                }

                z[l + 1][o] = sum;
            }

            a[l + 1] = Activate(Activations[l], z[l + 1]);
        }

        return (z, a);
    }

    public double[] Forward(double[] p, double[] x) => ForwardAll(p, x).A[LayerCount];

    public double ComputeLoss(double[] p, double[] x, double[] t) => LossValue(Forward(p, x), t);

    public double LossValue(double[] y, double[] t)
    {
        int n = y.Length;
        switch (Loss)
        {
            case Loss.CrossEntropy:
                return -Enumerable.Range(0, n).Sum(j => t[j] * Math.Log(Clamp(y[j])));
            case Loss.BinaryCrossEntropy:
                return -Enumerable.Range(0, n).Sum(j => (t[j] * Math.Log(Clamp(y[j]))) + ((1 - t[j]) * Math.Log(1 - Clamp(y[j])))) / n;
            default:
                return Enumerable.Range(0, n).Sum(j => (y[j] - t[j]) * (y[j] - t[j])) / n;
        }
    }

    /// <summary>The loss, dLoss/dParameters and dLoss/dInput by the chain rule, layer by layer.</summary>
    public (double Loss, double[] Gradient, double[] InputGradient) Backward(double[] p, double[] x, double[] t)
    {
        (double[][] z, double[][] a) = ForwardAll(p, x);
        double[] y = a[LayerCount];
        int n = y.Length;

        // dLoss/dy, term by term (no clamp: the gradient is that of the unclamped loss).
        var dy = new double[n];
        for (int j = 0; j < n; j++)
        {
            dy[j] = Loss switch
            {
                Loss.CrossEntropy => -t[j] / y[j],
                Loss.BinaryCrossEntropy => -((t[j] / y[j]) - ((1 - t[j]) / (1 - y[j]))) / n,
                _ => 2 * (y[j] - t[j]) / n,
            };
        }

        var gradient = new double[ParameterCount];
        double[] da = dy;
        for (int l = LayerCount - 1; l >= 0; l--)
        {
            double[] dz = ThroughActivation(Activations[l], z[l + 1], a[l + 1], da);
            int inputs = Sizes[l], outputs = Sizes[l + 1], w = WeightOffset(l), b = w + (inputs * outputs);
            var below = new double[inputs];
            for (int o = 0; o < outputs; o++)
            {
                gradient[b + o] += dz[o];
                for (int i = 0; i < inputs; i++)
                {
                    gradient[w + (o * inputs) + i] += dz[o] * a[l][i];
                    below[i] += p[w + (o * inputs) + i] * dz[o];
                }
            }

            da = below;
        }

        return (LossValue(y, t), gradient, da);
    }

    /// <summary>
    /// dLoss/dParameters (at the parameter indices <paramref name="indices"/>, NaN elsewhere) and dLoss/dInput by central
    /// differences of <see cref="ComputeLoss"/>.
    /// </summary>
    public (double[] Gradient, double[] InputGradient) FiniteDifferences(double[] p, double[] x, double[] t, int[] indices, double epsilon = 1e-6)
    {
        var gradient = Enumerable.Repeat(double.NaN, p.Length).ToArray();
        foreach (int k in indices)
        {
            double[] plus = (double[])p.Clone(), minus = (double[])p.Clone();
            plus[k] += epsilon;
            minus[k] -= epsilon;
            gradient[k] = (ComputeLoss(plus, x, t) - ComputeLoss(minus, x, t)) / (2 * epsilon);
        }

        var inputGradient = new double[x.Length];
        for (int k = 0; k < x.Length; k++)
        {
            double[] plus = (double[])x.Clone(), minus = (double[])x.Clone();
            plus[k] += epsilon;
            minus[k] -= epsilon;
            inputGradient[k] = (ComputeLoss(p, plus, t) - ComputeLoss(p, minus, t)) / (2 * epsilon);
        }

        return (gradient, inputGradient);
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    private static double Clamp(double probability) => Math.Clamp(probability, ClampLow, 1 - ClampLow);

    internal static double[] Activate(Activation activation, double[] z)
    {
        if (activation == Activation.Softmax)
        {
            double max = z.Max();
            double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
            double sum = e.Sum();
            return e.Select(v => v / sum).ToArray();
        }

        return z.Select(v => activation switch
        {
            Activation.ReLU => Math.Max(v, 0),
            Activation.LeakyReLU => v > 0 ? v : LeakySlope * v,
            Activation.Sigmoid => Sigmoid(v),
            Activation.Tanh => Math.Tanh(v),
            Activation.Silu => v * Sigmoid(v),
            Activation.Identity => v,
            _ => throw new NotSupportedException($"The reference network has no {activation}."),
        }).ToArray();
    }

    /// <summary>dLoss/dz from dLoss/da: the diagonal derivative, or the softmax Jacobian J[j, k] = a_j (δ_jk - a_k).</summary>
    private static double[] ThroughActivation(Activation activation, double[] z, double[] a, double[] da)
    {
        int n = z.Length;
        var dz = new double[n];
        for (int k = 0; k < n; k++)
        {
            if (activation == Activation.Softmax)
            {
                for (int j = 0; j < n; j++)
                {
                    dz[k] += da[j] * a[j] * ((j == k ? 1 : 0) - a[k]);
                }

                continue;
            }

            double derivative = activation switch
            {
                Activation.ReLU => z[k] > 0 ? 1 : 0,
                Activation.LeakyReLU => z[k] > 0 ? 1 : LeakySlope,
                Activation.Sigmoid => a[k] * (1 - a[k]),
                Activation.Tanh => 1 - (a[k] * a[k]),
                Activation.Silu => Sigmoid(z[k]) * (1 + (z[k] * (1 - Sigmoid(z[k])))),
                Activation.Identity => 1,
                _ => throw new NotSupportedException($"The reference network has no {activation}."),
            };
            dz[k] = da[k] * derivative;
        }

        return dz;
    }
}
