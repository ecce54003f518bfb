using System;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using StaticNet.Kernels;
using StaticNet.Kernels.Activations;
using Xunit;
using Xunit.Sdk;

namespace StaticNet.Tests.Kernels;

/// <summary>
/// The output row's kernels (softmax and each loss with its fused gradient) at every width, in float and double, on rows
/// shorter than, equal to and longer than a vector and not multiples of it, against the plain math in double. The values
/// past the row are never read or written (the row sits between sentinels).
/// </summary>
public sealed class OutputKernelTests
{
    [Fact]
    public void Every_row_length_at_every_width_matches_the_plain_math()
    {
        Run<O1>();
        Run<O2>();
        Run<O3>();
        Run<O4>();
        Run<O5>();
        Run<O9>();
        Run<O10>();
        Run<O17>();
        Run<O33>();
    }

    /// <summary>
    /// The arg-max behind a classifier's <c>Predict</c> and the trainer's accuracy: the first index of the largest value, the
    /// first of equal largest values, 0 when every value is NaN; in float and double alike.
    /// </summary>
    [Theory]
    [InlineData(new[] { 0.5 }, 0)]
    [InlineData(new[] { 0.1, 0.7, 0.2 }, 1)]
    [InlineData(new[] { -3.0, -1.0, -2.0, -1.5 }, 1)]
    [InlineData(new[] { 0.2, 0.9, 0.9, 0.1 }, 1)]
    [InlineData(new[] { 0.0, 0.0, 0.0 }, 0)]
    [InlineData(new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1 }, 10)]
    [InlineData(new[] { double.NegativeInfinity, double.NegativeInfinity, -1e30 }, 2)]
    [InlineData(new[] { double.NaN, double.NaN }, 0)]
    public void ArgMax_is_the_first_largest_value(double[] values, int expected)
    {
        Assert.Equal(expected, Outputs.ArgMax<double>(values));
        Assert.Equal(expected, Outputs.ArgMax<float>(values.Select(v => (float)v).ToArray()));
    }

    private static void Run<TShape>()
        where TShape : ILayerShape
    {
        foreach (int width in Widths.All)
        {
            RunWidth<TShape, float>(width);
            RunWidth<TShape, double>(width);
        }
    }

    private static void RunWidth<TShape, T>(int width)
        where TShape : ILayerShape
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int lanes = width == 1 ? 1 : width / (8 * Unsafe.SizeOf<T>());
        if (TShape.Out < lanes)
        {
            return; // Output<T> never runs a width wider than the row.
        }

        switch (width)
        {
            case 1: Check<TShape, T, Simd1<T>, T>(); break;
            case 128: Check<TShape, T, Simd128<T>, Vector128<T>>(); break;
            case 256: Check<TShape, T, Simd256<T>, Vector256<T>>(); break;
            default: Check<TShape, T, Simd512<T>, Vector512<T>>(); break;
        }
    }

    private static void Check<TShape, T, TSimd, TVector>()
        where TShape : ILayerShape
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct
    {
        int n = TShape.Out;
        string what = $"{typeof(T).Name} row of {n} at {TSimd.Count} lanes";
        double tolerance = typeof(T) == typeof(float) ? 2e-6 : 1e-14;
        var random = new Random(n);
        double[] logits = Enumerable.Range(0, n).Select(_ => (random.NextDouble() * 8) - 4).ToArray();
        double[] target = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
        const double Scale = 0.375;

        // The clamp bounds in the row's precision: 1 - 1e-7 has no exact float (it is 1 - 1.19e-7 there).
        double low = double.CreateTruncating(T.CreateTruncating(1e-7));
        double high = double.CreateTruncating(T.One - T.CreateTruncating(1e-7));
        double Clamp(double value) => Math.Clamp(value, low, high);

        // Softmax in place.
        T[] row = Row<T>(logits);
        OutputKernels<T, TSimd, TVector>.Softmax<TShape>(ref row[1]);
        double max = logits.Max();
        double sum = logits.Sum(v => Math.Exp(v - max));
        double[] p = logits.Select(v => Math.Exp(v - max) / sum).ToArray();
        Close(p, row, tolerance, what + ", softmax");
        double[] probabilities = Inner(row);

        // Cross-entropy over softmax: -Σ t log p, and scale (p Σt - t).
        T[] dz = Row<T>(new double[n]);
        T loss = OutputKernels<T, TSimd, TVector>.SoftmaxCrossEntropy<TShape>(ref Row<T>(probabilities)[1], ref Row<T>(target)[1], ref dz[1], T.CreateTruncating(Scale));
        Close([-target.Zip(probabilities, (t, q) => t * Math.Log(Clamp(q))).Sum()], [loss], tolerance * 10, what + ", cross-entropy");
        Close(probabilities.Zip(target, (q, t) => Scale * ((q * target.Sum()) - t)).ToArray(), dz, tolerance, what + ", cross-entropy gradient");

        // Binary cross-entropy over sigmoid: its mean, and scale (p - t) / n.
        double[] sigmoid = logits.Select(v => 1 / (1 + Math.Exp(-v))).ToArray();
        dz = Row<T>(new double[n]);
        loss = OutputKernels<T, TSimd, TVector>.SigmoidBinaryCrossEntropy<TShape>(ref Row<T>(sigmoid)[1], ref Row<T>(target)[1], ref dz[1], T.CreateTruncating(Scale));
        double bce = -sigmoid.Zip(target, (q, t) => (t * Math.Log(Clamp(q))) + ((1 - t) * Math.Log(Clamp(1 - q)))).Sum() / n;
        Close([bce], [loss], tolerance * 10, what + ", binary cross-entropy");
        Close(sigmoid.Zip(target, (q, t) => Scale * (q - t) / n).ToArray(), dz, tolerance, what + ", binary cross-entropy gradient");

        // Mean squared error through an activation that reads the pre-activation (SiLU), and through softmax.
        double[] silu = logits.Select(v => v / (1 + Math.Exp(-v))).ToArray();
        dz = Row<T>(new double[n]);
        loss = OutputKernels<T, TSimd, TVector>.MeanSquaredError<TShape, Silu>(ref Row<T>(silu)[1], ref Row<T>(logits)[1], ref Row<T>(target)[1], ref dz[1], T.CreateTruncating(Scale));
        Close([silu.Zip(target, (a, t) => (a - t) * (a - t)).Sum() / n], [loss], tolerance * 10, what + ", mean squared error");
        Close(
            Enumerable.Range(0, n).Select(j =>
            {
                double s = 1 / (1 + Math.Exp(-logits[j]));
                return Scale * 2 * (silu[j] - target[j]) / n * s * (1 + (logits[j] * (1 - s)));
            }).ToArray(),
            dz,
            tolerance * 10,
            what + ", mean squared error gradient through SiLU");

        dz = Row<T>(new double[n]);
        loss = OutputKernels<T, TSimd, TVector>.SoftmaxMeanSquaredError<TShape>(ref Row<T>(probabilities)[1], ref Row<T>(target)[1], ref dz[1], T.CreateTruncating(Scale));
        double[] g = probabilities.Zip(target, (q, t) => Scale * 2 * (q - t) / n).ToArray();
        double dot = g.Zip(probabilities, (a, q) => a * q).Sum();
        Close([probabilities.Zip(target, (q, t) => (q - t) * (q - t)).Sum() / n], [loss], tolerance * 10, what + ", mean squared error over softmax");
        Close(probabilities.Zip(g, (q, a) => q * (a - dot)).ToArray(), dz, tolerance, what + ", its gradient through softmax");
    }

    /// <summary>The values with a NaN sentinel on each side (index 0 and n + 1), which the kernels must leave alone.</summary>
    private static T[] Row<T>(double[] values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        [T.NaN, .. values.Select(T.CreateTruncating), T.NaN];

    private static double[] Inner<T>(T[] row)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        row.Skip(1).Take(row.Length - 2).Select(double.CreateTruncating).ToArray();

    private static void Close<T>(double[] expected, T[] actual, double tolerance, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (actual.Length == expected.Length + 2)
        {
            Assert.True(T.IsNaN(actual[0]) && T.IsNaN(actual[^1]), $"{what}: a value past the row was written");
            actual = actual[1..^1];
        }

        double floor = expected.Select(Math.Abs).DefaultIfEmpty(1).Max();
        for (int i = 0; i < expected.Length; i++)
        {
            double value = double.CreateTruncating(actual[i]);
            if (!(Math.Abs(expected[i] - value) <= tolerance * (Math.Abs(expected[i]) + floor)))
            {
                throw new XunitException($"{what}[{i}]: expected {expected[i]:R}, got {value:R}");
            }
        }
    }

    private readonly struct O1 : ILayerShape { public static int In => 1; public static int Out => 1; }

    private readonly struct O2 : ILayerShape { public static int In => 1; public static int Out => 2; }

    private readonly struct O3 : ILayerShape { public static int In => 1; public static int Out => 3; }

    private readonly struct O4 : ILayerShape { public static int In => 1; public static int Out => 4; }

    private readonly struct O5 : ILayerShape { public static int In => 1; public static int Out => 5; }

    private readonly struct O9 : ILayerShape { public static int In => 1; public static int Out => 9; }

    private readonly struct O10 : ILayerShape { public static int In => 1; public static int Out => 10; }

    private readonly struct O17 : ILayerShape { public static int In => 1; public static int Out => 17; }

    private readonly struct O33 : ILayerShape { public static int In => 1; public static int Out => 33; }
}
