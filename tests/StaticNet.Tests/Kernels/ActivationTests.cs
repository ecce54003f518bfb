using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using StaticNet.Kernels;
using StaticNet.Kernels.Activations;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;
using Scalar = StaticNet.Kernels.VectorMath<double, StaticNet.Kernels.Simd1<double>, double>;

namespace StaticNet.Tests.Kernels;

/// <summary>
/// The activation structs (<see cref="IActivation"/>), value and gradient, in float and double, at every width: against
/// the double-double references of <see cref="ReferenceMath"/> on dense sweeps plus the special values (largest error in
/// ulps reported in kernels/*.txt beside the test assembly, and bounded), every width against the one-lane form bit for
/// bit, and the double gradient against central finite differences of the double value.
/// </summary>
/// <remarks>
/// A gradient is judged in ulps of its largest term, not of its value, where the formula subtracts: GELU′ = Φ(z) + z·φ(z)
/// has a root near z = −0.75 and SiLU′ = σ(z)·(1 + z·σ(−z)) one near z = −1.28, where the value is the difference of
/// terms of order 1 and no formula in working precision keeps its relative accuracy. The gradients computed from the
/// activation (LeakyReLU, Sigmoid, Tanh, ELU) are judged as functions of the <c>a</c> they are given: their reference is
/// the same formula evaluated exactly.
/// </remarks>
public sealed class ActivationTests(ITestOutputHelper output)
{
    [Fact]
    public void LeakyReLU_matches_the_scalar_code_bit_for_bit()
    {
        // The value and gradient of the generator's scalar code: z < 0 ? 0.01·z : z, and a > 0 ? g : 0.01·g.
        Check<LeakyReLU>(
            "LeakyReLU",
            z => z < 0 ? 0.01 * z : z,
            (g, z, a) => a > 0 ? g : 0.01 * g,
            gradientScale: null,
            kinks: [0],
            singleBounds: (1, 0.5),
            doubleBounds: (0.5, 0.5));
        AssertMatchesScalar<LeakyReLU, float>(z => z < 0 ? 0.01f * z : z, (g, a) => a > 0 ? g : 0.01f * g);
        AssertMatchesScalar<LeakyReLU, double>(z => z < 0 ? 0.01 * z : z, (g, a) => a > 0 ? g : 0.01 * g);
    }

    [Fact]
    public void Sigmoid_value_and_gradient()
    {
        Check<Sigmoid>(
            "Sigmoid",
            ReferenceMath.Sigmoid,
            (g, z, a) => (DoubleDouble)g * a * (1 - (DoubleDouble)a),
            gradientScale: null,
            kinks: [],
            singleBounds: (2.5, 2),
            doubleBounds: (2.5, 1.5));
    }

    [Fact]
    public void Tanh_value_and_gradient()
    {
        Check<Tanh>(
            "Tanh",
            ReferenceMath.Tanh,
            (g, z, a) => (DoubleDouble)g * (1 - (DoubleDouble)a) * (1 + (DoubleDouble)a),
            gradientScale: null,
            kinks: [],
            singleBounds: (2, 2),
            doubleBounds: (1.5, 1.5));
    }

    [Fact]
    public void Gelu_value_and_gradient()
    {
        Check<Gelu>(
            "Gelu",
            z => z == double.NegativeInfinity ? double.NaN : ReferenceMath.Gelu(z),
            (g, z, a) => double.IsInfinity(z) ? double.NaN : g * ReferenceMath.GeluDerivative(z),
            gradientScale: (g, z) => g * Math.Max(Scalar.NormalCdf(z), Math.Abs(z * Scalar.NormalPdf(z))),
            kinks: [],
            singleBounds: (4.5, 4.5),
            doubleBounds: (4.5, 4.5));
    }

    [Fact]
    public void Silu_value_and_gradient()
    {
        Check<Silu>(
            "Silu",
            z => z == double.NegativeInfinity ? double.NaN : ReferenceMath.Silu(z),
            (g, z, a) => double.IsInfinity(z) ? double.NaN : g * ReferenceMath.SiluDerivative(z),
            gradientScale: (g, z) => g * Scalar.Sigmoid(z) * Math.Max(1, Math.Abs(z * Scalar.Sigmoid(-z))),
            kinks: [],
            singleBounds: (3.5, 4.5),
            doubleBounds: (3.5, 4.5));
    }

    [Fact]
    public void Elu_value_and_gradient()
    {
        Check<Elu>(
            "Elu",
            z => z > 0 ? z : ReferenceMath.ExpM1(z),
            (g, z, a) => a > 0 ? g : (DoubleDouble)g * (a + (DoubleDouble)1),
            gradientScale: null,
            kinks: [0],
            singleBounds: (1.5, 1),
            doubleBounds: (2, 1));
    }

    [Fact]
    public void Softplus_value_and_gradient_with_PyTorchs_threshold()
    {
        Check<Softplus>(
            "Softplus",
            ReferenceMath.Softplus,
            (g, z, a) => z > 20 ? g : g * ReferenceMath.Sigmoid(z),
            gradientScale: null,
            kinks: [20],
            singleBounds: (2, 3),
            doubleBounds: (2.5, 3));
    }

    /// <summary>
    /// Each activation's inlined form (<see cref="IActivation.ApplyInline"/>, which the packed kernels' small tiles take
    /// through <see cref="Inlined{TActivation}"/>) gives the bits of <see cref="IActivation.Apply"/>, at every width, in
    /// float and double, over the sweep and the special values.
    /// </summary>
    [Fact]
    public void Inlined_form_gives_the_same_bits_as_Apply()
    {
        AssertInlinedMatches<Identity>();
        AssertInlinedMatches<ReLU>();
        AssertInlinedMatches<LeakyReLU>();
        AssertInlinedMatches<Sigmoid>();
        AssertInlinedMatches<Tanh>();
        AssertInlinedMatches<Gelu>();
        AssertInlinedMatches<Silu>();
        AssertInlinedMatches<Elu>();
        AssertInlinedMatches<Softplus>();
    }

    private static void AssertInlinedMatches<TActivation>()
        where TActivation : IActivation
    {
        AssertInlinedMatches<TActivation, float>(110);
        AssertInlinedMatches<TActivation, double>(750);
    }

    private static void AssertInlinedMatches<TActivation, T>(double far)
        where TActivation : IActivation
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] z = Sweep.Build<T>(Sweep.Linear(-20, 20, 2_000).Concat(Sweep.Linear(-far, far, 1_000)), Sweep.Common<T>());
        foreach (int width in Widths.All)
        {
            T[] called = new T[z.Length], inlined = new T[z.Length];
            Widths.Apply<TActivation, T>(z, called, width);
            Widths.Apply<Inlined<TActivation>, T>(z, inlined, width);
            VectorMathTests.AssertSameBits(called, inlined, z, $"{typeof(TActivation).Name} inlined, {typeof(T).Name} at width {width}");
        }
    }

    private void Check<TActivation>(
        string name,
        Func<double, double> value,
        Func<double, double, double, DoubleDouble> gradient,
        Func<double, double, double>? gradientScale,
        double[] kinks,
        (double Value, double Gradient) singleBounds,
        (double Value, double Gradient) doubleBounds)
        where TActivation : IActivation
    {
        var accuracy = new Accuracy();
        Measure<TActivation, float>(accuracy, name, value, gradient, gradientScale, singleBounds, kinks);
        Measure<TActivation, double>(accuracy, name, value, gradient, gradientScale, doubleBounds, kinks);
        accuracy.Report(output, "Activation" + name);
        AssertGradientMatchesFiniteDifferences<TActivation>(name, kinks);
    }

    private static void Measure<TActivation, T>(
        Accuracy accuracy,
        string name,
        Func<double, double> value,
        Func<double, double, double, DoubleDouble> gradient,
        Func<double, double, double>? gradientScale,
        (double Value, double Gradient) bounds,
        double[] kinks)
        where TActivation : IActivation
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        bool single = typeof(T) == typeof(float);
        double far = single ? 110 : 750;
        T[] z = Sweep.Build<T>(
            Sweep.Linear(-20, 20, 4_000)
                .Concat(Sweep.Linear(-far, far, 2_000))
                .Concat(Sweep.Logarithmic(single ? 1e-40 : 1e-310, 1, 500, signed: true))
                .Concat(kinks.SelectMany(k => Sweep.Linear(k - 1e-3, k + 1e-3, 100))),
            Sweep.Common<T>().Concat(kinks.SelectMany(k => new[] { k, BitDecrement(k, single), BitIncrement(k, single) })));

        // g: ±2^k, k from -3 to 3, different in neighbouring lanes (a power of two, so that g times a correctly rounded
        // derivative is still correctly rounded), with exact zeros and a NaN now and then.
        T[] g = Enumerable.Range(0, z.Length)
            .Select(i => i % 97 == 0 ? double.NaN : i % 13 == 0 ? 0 : Math.ScaleB(i % 2 == 0 ? 1 : -1, (i % 7) - 3))
            .Select(T.CreateChecked)
            .ToArray();

        double[] expectedValue = z.Select(v => value(double.CreateChecked(v))).ToArray();

        // Where a result is tiny, the error is counted in ulps of max(1, |z|)·(the smallest normal number), times
        // max(1, |g|) for a gradient: there the result is z (and g) times a subnormal (σ(z), Φ(z), φ(z)), which carries
        // the subnormal's rounding, at most half a unit of 2^-149 (2^-1074), multiplied by |z| (and |g|).
        double smallest = single ? 1.1754943508222875e-38 : 2.2250738585072014e-308;
        double[] valueFloor = z.Select(v => Math.Max(1, Math.Abs(double.CreateChecked(v))) * smallest).ToArray();
        double[] gradientFloor = z.Select((v, i) => Math.Max(1, Math.Abs(double.CreateChecked(v))) * Math.Max(1, Math.Abs(double.CreateChecked(g[i]))) * smallest).ToArray();
        T[]? scalarValue = null;
        T[]? scalarGradient = null;
        double[]? expectedGradient = null;
        foreach (int width in Widths.All)
        {
            var a = new T[z.Length];
            Widths.Apply<TActivation, T>(z, a, width);
            accuracy.Add(name + " value", width, bounds.Value, z, a, expectedValue, valueFloor);
            scalarValue ??= a;
            VectorMathTests.AssertSameBits(scalarValue, a, z, $"{name} value at width {width}");

            // The gradient is given the activation as the network computes it (the one-lane form's, the same bits).
            expectedGradient ??= Enumerable.Range(0, z.Length)
                .Select(i => gradient(double.CreateChecked(g[i]), double.CreateChecked(z[i]), double.CreateChecked(a[i])).Hi)
                .ToArray();
            var d = new T[z.Length];
            Widths.Gradient<TActivation, T>(g, z, a, d, width);
            double[] scale = gradientScale is null
                ? gradientFloor
                : Enumerable.Range(0, z.Length).Select(i => Math.Max(gradientFloor[i], Math.Abs(gradientScale(double.CreateChecked(g[i]), double.CreateChecked(z[i]))))).ToArray();
            accuracy.Add(name + (gradientScale is null ? " gradient" : " gradient (largest term)"), width, bounds.Gradient, z, d, expectedGradient, scale);

            scalarGradient ??= d;
            VectorMathTests.AssertSameBits(scalarGradient, d, z, $"{name} gradient at width {width}");
        }
    }

    /// <summary>The double gradient at g = 1 against (f(z + h) − f(z − h)) / 2h of the double value, h = 1e-6, at every width.</summary>
    private static void AssertGradientMatchesFiniteDifferences<TActivation>(string name, double[] kinks)
        where TActivation : IActivation
    {
        const double h = 1e-6;
        double[] z = Sweep.Build<double>(Sweep.Linear(-10, 10, 400).Where(x => kinks.All(k => Math.Abs(x - k) > 4 * h)), []);
        double[] plus = z.Select(x => x + h).ToArray();
        double[] minus = z.Select(x => x - h).ToArray();
        double[] one = z.Select(_ => 1.0).ToArray();
        foreach (int width in Widths.All)
        {
            double[] a = new double[z.Length], up = new double[z.Length], down = new double[z.Length], d = new double[z.Length];
            Widths.Apply<TActivation, double>(z, a, width);
            Widths.Apply<TActivation, double>(plus, up, width);
            Widths.Apply<TActivation, double>(minus, down, width);
            Widths.Gradient<TActivation, double>(one, z, a, d, width);
            for (int i = 0; i < z.Length; i++)
            {
                double difference = (up[i] - down[i]) / (plus[i] - minus[i]);
                if (!(Math.Abs(d[i] - difference) <= 1e-7 * Math.Max(1, Math.Abs(difference))))
                {
                    throw new XunitException($"{name} (width {width}) at z = {z[i]:R}: gradient {d[i]:R}, central difference {difference:R}.");
                }
            }
        }
    }

    /// <summary>The activation against the generator's scalar formulas, bit for bit, at every width.</summary>
    private static void AssertMatchesScalar<TActivation, T>(Func<T, T> value, Func<T, T, T> gradient)
        where TActivation : IActivation
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] z = Sweep.Build<T>(Sweep.Linear(-10, 10, 1_000), Sweep.Common<T>());
        T[] g = z.Select((_, i) => T.CreateChecked((((i * 0.7548776662466927) % 1) * 4) - 2)).ToArray();
        T[] a = z.Select(value).ToArray();
        T[] d = a.Select((x, i) => gradient(g[i], x)).ToArray();
        foreach (int width in Widths.All)
        {
            var actual = new T[z.Length];
            Widths.Apply<TActivation, T>(z, actual, width);
            VectorMathTests.AssertSameBits(a, actual, z, $"{typeof(TActivation).Name} value against the scalar code, width {width}");
            Widths.Gradient<TActivation, T>(g, z, a, actual, width);
            VectorMathTests.AssertSameBits(d, actual, z, $"{typeof(TActivation).Name} gradient against the scalar code, width {width}");
        }
    }

    private static double BitDecrement(double x, bool single) => single ? MathF.BitDecrement((float)x) : Math.BitDecrement(x);

    private static double BitIncrement(double x, bool single) => single ? MathF.BitIncrement((float)x) : Math.BitIncrement(x);
}
