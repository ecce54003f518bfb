using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using StaticNet.Kernels;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace StaticNet.Tests.Kernels;

/// <summary>
/// <see cref="VectorMath{T, TSimd, TVector}"/> against the double-double references of <see cref="ReferenceMath"/>, in
/// float and double, at every width, on dense sweeps of the ranges that matter plus the special values: the largest error
/// in ulps of each function is reported (kernels/*.txt beside the test assembly) and bounded. Every width must also give
/// the bits of the one-lane form (<see cref="Simd1{T}"/>): the same operations, lane for lane.
/// </summary>
public sealed class VectorMathTests(ITestOutputHelper output)
{
    [Fact]
    public void Exp_over_its_whole_range_through_the_subnormals_to_overflow()
    {
        Check<ExpFunction>(
            "Exp",
            ReferenceMath.Exp,
            singleBound: 1.5,
            doubleBound: 1.5,
            single: [
                Sweep.Linear(-110, 90, 10_000), Sweep.Linear(-1, 1, 2000), Sweep.Logarithmic(1e-30, 1, 1000, signed: true),
                [88.72283f, 88.7228394f, -87.33654f, -87.33655f, -103.2789f, -103.97208f, -103.972084f, -104f, 1e-8f, -1e-8f]],
            dbl: [
                Sweep.Linear(-750, 710, 10_000), Sweep.Linear(-1, 1, 2000), Sweep.Logarithmic(1e-300, 1, 1000, signed: true),
                [709.782712893384, 709.7827128933841, -708.3964185322641, -708.3964185322642, -744.4400719213812, -745.1332191019411,
                 -745.1332191019412, -746, 1e-17, -1e-17]]);
    }

    [Fact]
    public void ExpM1_over_its_whole_range()
    {
        Check<ExpM1Function>(
            "ExpM1",
            ReferenceMath.ExpM1,
            singleBound: 2,
            doubleBound: 2.5,
            single: [
                Sweep.Linear(-25, 90, 10_000), Sweep.Linear(-1, 1, 4000), Sweep.Logarithmic(1e-40, 1, 1000, signed: true),
                [88.72283f, 88.7228394f, -17.32868f, -17.32869f, 0.34657359f, -0.34657359f, 1e-8f, -1e-8f]],
            dbl: [
                Sweep.Linear(-45, 710, 10_000), Sweep.Linear(-1, 1, 4000), Sweep.Logarithmic(1e-310, 1, 1000, signed: true),
                [709.782712893384, 709.7827128933841, -37.42994775023705, -37.42994775023704, 0.34657359027997264, 1e-17, -1e-17]]);
    }

    [Fact]
    public void Log_from_the_subnormals_to_the_largest_number()
    {
        Check<LogFunction>(
            "Log",
            ReferenceMath.Log,
            singleBound: 1.5,
            doubleBound: 1.5,
            single: [
                Sweep.Logarithmic(float.Epsilon, float.MaxValue, 6000, signed: false), Sweep.Linear(0.5, 2, 4000),
                Sweep.Linear(1 - 1e-3, 1 + 1e-3, 1000), [0.70710677f, 0.7071068f, 1.4142135f, 1.4142137f, 1 - 6e-8f, 1 + 1.2e-7f, -2]],
            dbl: [
                Sweep.Logarithmic(double.Epsilon, double.MaxValue, 6000, signed: false), Sweep.Linear(0.5, 2, 4000),
                Sweep.Linear(1 - 1e-3, 1 + 1e-3, 1000), [0.7071067811865475, 0.7071067811865476, 1.414213562373095, 1.4142135623730951, -2]]);
    }

    [Fact]
    public void Log1P_over_its_whole_range()
    {
        Check<Log1PFunction>(
            "Log1P",
            ReferenceMath.Log1P,
            singleBound: 1.5,
            doubleBound: 1.5,
            single: [
                Sweep.Linear(-1, 2, 4000), Sweep.Logarithmic(1e-40, 1, 2000, signed: true), Sweep.Logarithmic(1, float.MaxValue, 2000, signed: false),
                [-0.99999994f, -0.9999999f, -0.5f, -0.29289323f, 0.41421357f, -2]],
            dbl: [
                Sweep.Linear(-1, 2, 4000), Sweep.Logarithmic(1e-310, 1, 2000, signed: true), Sweep.Logarithmic(1, double.MaxValue, 2000, signed: false),
                [-0.9999999999999999, -0.5, -0.2928932188134524, 0.4142135623730951, -2]]);
    }

    [Fact]
    public void Tanh_over_its_whole_range()
    {
        Check<TanhFunction>(
            "Tanh",
            ReferenceMath.Tanh,
            singleBound: 2,
            doubleBound: 1.5,
            single: [
                Sweep.Linear(-12, 12, 6000), Sweep.Linear(-1, 1, 4000), Sweep.Logarithmic(1e-40, 1, 1000, signed: true),
                [0.625f, 0.62499994f, 9.010913f, 9.010914f, -9.010913f, 0.0004f, 20, -20, 100]],
            dbl: [
                Sweep.Linear(-25, 25, 6000), Sweep.Linear(-1, 1, 4000), Sweep.Logarithmic(1e-310, 1, 1000, signed: true),
                [0.625, 0.6249999999999999, 19.061547465398498, 19.0615474653985, -19.061547465398498, 40, -40, 1000]]);
    }

    [Fact]
    public void Sigmoid_over_its_whole_range()
    {
        Check<SigmoidFunction>(
            "Sigmoid",
            ReferenceMath.Sigmoid,
            singleBound: 2.5,
            doubleBound: 2.5,
            single: [
                Sweep.Linear(-110, 40, 8000), Sweep.Linear(-5, 5, 4000),
                [16.635532f, 16.635534f, -87.33655f, -103.97208f, -104, 88.8f, -88.8f]],
            dbl: [
                Sweep.Linear(-750, 40, 8000), Sweep.Linear(-5, 5, 4000),
                [36.7368005696771, 36.73680056967711, -708.3964185322641, -745.1332191019411, -746, 710, -710]]);
    }

    /// <summary>The recurrent cells' tanh (one formula, e^(2|x|) − 1 over its value plus 2), over the whole range.</summary>
    [Fact]
    public void TanhGate_over_its_whole_range()
    {
        Check<TanhGateFunction>(
            "TanhGate",
            ReferenceMath.Tanh,
            singleBound: 2.5,
            doubleBound: 2.5,
            single: [
                Sweep.Linear(-12, 12, 6000), Sweep.Linear(-1, 1, 4000), Sweep.Logarithmic(1e-40, 1, 1000, signed: true),
                [0.625f, 0.62499994f, 9.010913f, 9.010914f, -9.010913f, 9.125f, 0.0004f, 20, -20, 100, 0.34657359f, 0.3465736f]],
            dbl: [
                Sweep.Linear(-25, 25, 6000), Sweep.Linear(-1, 1, 4000), Sweep.Logarithmic(1e-310, 1, 1000, signed: true),
                [0.625, 0.6249999999999999, 19.061547465398498, 19.0615474653985, -19.061547465398498, 19.125, 40, -40, 1000, 0.34657359027997264]]);
        ExpectIdentity<TanhGateFunction, float>([0.0, -0.0]);
        ExpectIdentity<TanhGateFunction, double>([0.0, -0.0]);
    }

    /// <summary>
    /// The recurrent cells' sigmoid, over the range where e^−|x| is a normal number (|x| ≤ 87, 708 in double); beyond,
    /// exactly 0 (below, where σ is less than the smallest normal number) and exactly 1 (above).
    /// </summary>
    [Fact]
    public void SigmoidGate_over_its_whole_range()
    {
        Check<SigmoidGateFunction>(
            "SigmoidGate",
            ReferenceMath.Sigmoid,
            singleBound: 2.5,
            doubleBound: 2.5,
            single: [Sweep.Linear(-87, 40, 8000), Sweep.Linear(-5, 5, 4000), [16.635532f, 16.635534f, -86.99f, 88.8f]],
            dbl: [Sweep.Linear(-708, 40, 8000), Sweep.Linear(-5, 5, 4000), [36.7368005696771, 36.73680056967711, -707.9, 710]]);
        Assert.All(AtEveryWidth<SigmoidGateFunction, float>([-87.5, -100, -1e4, double.NegativeInfinity]), v => Assert.Equal(0f, v));
        Assert.All(AtEveryWidth<SigmoidGateFunction, double>([-709, -1e4, double.NegativeInfinity]), v => Assert.Equal(0d, v));
        Assert.All(AtEveryWidth<SigmoidGateFunction, float>([100, 1e4, double.PositiveInfinity]), v => Assert.Equal(1f, v));
        Assert.All(AtEveryWidth<SigmoidGateFunction, double>([1000, 1e6, double.PositiveInfinity]), v => Assert.Equal(1d, v));
    }

    /// <summary>The function at <paramref name="points"/>, at every width.</summary>
    private static IEnumerable<T> AtEveryWidth<TFunction, T>(double[] points)
        where TFunction : IVectorFunction
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] x = Sweep.Build<T>(points, []);
        foreach (int width in Widths.All)
        {
            var y = new T[x.Length];
            Widths.Map<TFunction, T>(x, y, width);
            foreach (T value in y.Take(points.Length))
            {
                yield return value;
            }
        }
    }

    [Fact]
    public void Erf_over_its_whole_range()
    {
        Check<ErfFunction>(
            "Erf",
            ReferenceMath.Erf,
            singleBound: 1.5,
            doubleBound: 1.5,
            single: [
                Sweep.Linear(-7, 7, 8000), Sweep.Linear(-1.5, 1.5, 2000), Sweep.Logarithmic(1e-40, 1, 1000, signed: true),
                [0.84375f, 0.84374994f, 1.25f, 1.2499999f, 2.857143f, 2.8571427f, 6, 28, 30]],
            dbl: [
                Sweep.Linear(-7, 7, 8000), Sweep.Linear(-1.5, 1.5, 2000), Sweep.Logarithmic(1e-310, 1, 1000, signed: true),
                [0.84375, 0.8437499999999999, 1.25, 1.2499999999999998, 2.857142857142857, 2.8571428571428568, 6, 28, 30]]);
    }

    [Fact]
    public void Erfc_over_its_whole_range_through_the_subnormals()
    {
        Check<ErfcFunction>(
            "Erfc",
            ReferenceMath.Erfc,
            singleBound: 3.5,
            doubleBound: 3.5,
            single: [
                Sweep.Linear(-7, 11, 8000), Sweep.Linear(-1.5, 1.5, 2000), Sweep.Logarithmic(1e-40, 1, 1000, signed: true),
                [0.84375f, 0.84374994f, 1.25f, 1.2499999f, 2.857143f, 2.8571427f, 6, 10.0f, 10.05f, 28, 30, -28]],
            dbl: [
                Sweep.Linear(-7, 28.5, 8000), Sweep.Linear(-1.5, 1.5, 2000), Sweep.Logarithmic(1e-310, 1, 1000, signed: true),
                [0.84375, 0.8437499999999999, 1.25, 1.2499999999999998, 2.857142857142857, 2.8571428571428568, 6, 26.5, 27.2, 27.3, 28, 30, -28]]);
    }

    [Fact]
    public void NormalCdf_in_both_tails()
    {
        Check<NormalCdfFunction>(
            "NormalCdf",
            ReferenceMath.NormalCdf,
            singleBound: 3.5,
            doubleBound: 3.5,
            single: [Sweep.Linear(-15, 10, 8000), Sweep.Linear(-2, 2, 2000), Sweep.Logarithmic(1e-40, 1, 500, signed: true), [-14, -14.5f, 39.5f, -39.5f, 40]],
            dbl: [Sweep.Linear(-39, 10, 8000), Sweep.Linear(-2, 2, 2000), Sweep.Logarithmic(1e-310, 1, 500, signed: true), [-37.5, -38.5, 39.5, -39.5, 40]]);
    }

    [Fact]
    public void NormalPdf_through_the_subnormals()
    {
        Check<NormalPdfFunction>(
            "NormalPdf",
            ReferenceMath.NormalPdf,
            singleBound: 2.5,
            doubleBound: 2.5,
            single: [Sweep.Linear(-15, 15, 8000), Sweep.Linear(-2, 2, 2000), [14, -14, 14.5f, 40, -40]],
            dbl: [Sweep.Linear(-39, 39, 8000), Sweep.Linear(-2, 2, 2000), [37, 38.6, -38.6, 40, -40]]);
    }

    [Fact]
    public void Saturated_results_are_exact()
    {
        // Beyond these points the correctly rounded result is exactly the limit; the approximations must give it exactly,
        // not an ulp away (tanh of a large pre-activation is 1, the sigmoid 0 or 1, erf ±1, exp 0 or +∞).
        ExpectExact<TanhFunction, float>(9.02, 1e4, 1f, negate: true);
        ExpectExact<TanhFunction, double>(19.07, 1e4, 1d, negate: true);
        ExpectExact<SigmoidFunction, float>(17.4, 1e4, 1f, negate: false);
        ExpectExact<SigmoidFunction, float>(-104, -1e4, 0f, negate: false);
        ExpectExact<SigmoidFunction, double>(37.5, 1e4, 1d, negate: false);
        ExpectExact<SigmoidFunction, double>(-745.2, -1e4, 0d, negate: false);
        ExpectExact<ErfFunction, float>(3.93, 1e4, 1f, negate: true);
        ExpectExact<ErfFunction, double>(5.95, 1e4, 1d, negate: true);
        ExpectExact<ErfcFunction, float>(10.1, 1e4, 0f, negate: false);
        ExpectExact<ErfcFunction, double>(27.3, 1e4, 0d, negate: false);
        ExpectExact<ExpFunction, float>(-103.98, -1e4, 0f, negate: false);
        ExpectExact<ExpFunction, float>(88.73, 1e4, float.PositiveInfinity, negate: false);
        ExpectExact<ExpFunction, double>(-745.14, -1e4, 0d, negate: false);
        ExpectExact<ExpFunction, double>(709.79, 1e4, double.PositiveInfinity, negate: false);
        ExpectExact<ExpM1Function, float>(-17.34, -1e4, -1f, negate: false);
        ExpectExact<ExpM1Function, double>(-37.43, -1e4, -1d, negate: false);
    }

    [Fact]
    public void Near_zero_tanh_expm1_and_log1p_return_x_itself_and_keep_the_sign_of_zero()
    {
        // Where the correction x²/3 or x²/2 is below half an ulp, the result is x, bit for bit, subnormals included.
        IEnumerable<double> tiny = Sweep.Logarithmic(1e-45, 1e-8, 2000, signed: true);
        ExpectIdentity<TanhFunction, float>(tiny);
        ExpectIdentity<ExpM1Function, float>(tiny);
        ExpectIdentity<Log1PFunction, float>(tiny);
        IEnumerable<double> tinyDouble = Sweep.Logarithmic(5e-324, 1e-17, 2000, signed: true);
        ExpectIdentity<TanhFunction, double>(tinyDouble);
        ExpectIdentity<ExpM1Function, double>(tinyDouble);
        ExpectIdentity<Log1PFunction, double>(tinyDouble);

        // Odd functions keep the sign of zero.
        ExpectIdentity<TanhFunction, float>([0.0, -0.0]);
        ExpectIdentity<ExpM1Function, float>([0.0, -0.0]);
        ExpectIdentity<Log1PFunction, float>([0.0, -0.0]);
        ExpectIdentity<ErfFunction, float>([0.0, -0.0]);
        ExpectIdentity<TanhFunction, double>([0.0, -0.0]);
        ExpectIdentity<ExpM1Function, double>([0.0, -0.0]);
        ExpectIdentity<Log1PFunction, double>([0.0, -0.0]);
        ExpectIdentity<ErfFunction, double>([0.0, -0.0]);
    }

    private void Check<TFunction>(
        string name, Func<double, double> reference, double singleBound, double doubleBound, IEnumerable<double>[] single, IEnumerable<double>[] dbl)
        where TFunction : IVectorFunction
    {
        var accuracy = new Accuracy();
        Measure<TFunction, float>(accuracy, name, reference, singleBound, single);
        Measure<TFunction, double>(accuracy, name, reference, doubleBound, dbl);
        accuracy.Report(output, name);
    }

    /// <summary>Runs <typeparamref name="TFunction"/> at every width on the sweep, checks the widths agree bit for bit, and records the errors.</summary>
    internal static void Measure<TFunction, T>(Accuracy accuracy, string name, Func<double, double> reference, double bound, IEnumerable<double>[] sweeps)
        where TFunction : IVectorFunction
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] x = Sweep.Build<T>(sweeps.SelectMany(s => s), Sweep.Common<T>());
        double[] expected = x.Select(v => reference(double.CreateChecked(v))).ToArray();
        T[]? scalar = null;
        foreach (int width in Widths.All)
        {
            var y = new T[x.Length];
            Widths.Map<TFunction, T>(x, y, width);
            accuracy.Add(name, width, bound, x, y, expected);
            scalar ??= y;
            AssertSameBits(scalar, y, x, $"{name} at width {width}");
        }
    }

    /// <summary>Fails unless <paramref name="actual"/> has the bits of <paramref name="scalar"/> (any NaN matches any NaN).</summary>
    internal static void AssertSameBits<T>(T[] scalar, T[] actual, T[] input, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int i = 0; i < scalar.Length; i++)
        {
            bool same = T.IsNaN(scalar[i]) ? T.IsNaN(actual[i]) : scalar[i].Equals(actual[i]) && T.IsNegative(scalar[i]) == T.IsNegative(actual[i]);
            if (!same)
            {
                throw new XunitException($"{what}: lane {i} differs from the one-lane form at x = {input[i]}: {actual[i]} against {scalar[i]}.");
            }
        }
    }

    /// <summary>
    /// Fails unless the function is exactly <paramref name="limit"/> (−limit for negative arguments, when
    /// <paramref name="negate"/>) from <paramref name="from"/> on towards <paramref name="to"/>: densely over the first 10,
    /// sparsely after, and at the infinity beyond.
    /// </summary>
    private static void ExpectExact<TFunction, T>(double from, double to, T limit, bool negate)
        where TFunction : IVectorFunction
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double near = from + (10 * Math.Sign(to - from));
        IEnumerable<double> points = Sweep.Linear(from, near, 1000).Concat(Sweep.Linear(near, to, 200)).Append(double.PositiveInfinity * Math.Sign(to));
        IEnumerable<double> all = negate ? points.Concat(points.Select(p => -p)) : points;
        T[] x = Sweep.Build<T>(all, []);
        foreach (int width in Widths.All)
        {
            var y = new T[x.Length];
            Widths.Map<TFunction, T>(x, y, width);
            for (int i = 0; i < x.Length; i++)
            {
                T expected = negate && T.IsNegative(x[i]) ? -limit : limit;
                if (x[i] != T.One && !y[i].Equals(expected))
                {
                    throw new XunitException($"{typeof(TFunction).Name} ({typeof(T).Name}, width {width}) at {x[i]}: {y[i]}, not exactly {expected}.");
                }
            }
        }
    }

    private static void ExpectIdentity<TFunction, T>(IEnumerable<double> points)
        where TFunction : IVectorFunction
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] x = Sweep.Build<T>(points, []);
        foreach (int width in Widths.All)
        {
            var y = new T[x.Length];
            Widths.Map<TFunction, T>(x, y, width);
            for (int i = 0; i < x.Length; i++)
            {
                bool same = y[i].Equals(x[i]) && T.IsNegative(y[i]) == T.IsNegative(x[i]);
                if (x[i] != T.One && !same)
                {
                    throw new XunitException($"{typeof(TFunction).Name} ({typeof(T).Name}, width {width}) at {x[i]:R}: {y[i]:R}, not x itself.");
                }
            }
        }
    }
}

internal readonly struct ExpFunction : IVectorFunction
{
    public static TVector Apply<T, TSimd, TVector>(TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.Exp(x);
}

internal readonly struct ExpM1Function : IVectorFunction
{
    public static TVector Apply<T, TSimd, TVector>(TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.ExpM1(x);
}

internal readonly struct LogFunction : IVectorFunction
{
    public static TVector Apply<T, TSimd, TVector>(TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.Log(x);
}

internal readonly struct Log1PFunction : IVectorFunction
{
    public static TVector Apply<T, TSimd, TVector>(TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.Log1P(x);
}

internal readonly struct TanhFunction : IVectorFunction
{
    public static TVector Apply<T, TSimd, TVector>(TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.Tanh(x);
}

internal readonly struct TanhGateFunction : IVectorFunction
{
    public static TVector Apply<T, TSimd, TVector>(TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.TanhGate(x);
}

internal readonly struct SigmoidGateFunction : IVectorFunction
{
    public static TVector Apply<T, TSimd, TVector>(TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.SigmoidGate(x);
}

internal readonly struct SigmoidFunction : IVectorFunction
{
    public static TVector Apply<T, TSimd, TVector>(TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.Sigmoid(x);
}

internal readonly struct ErfFunction : IVectorFunction
{
    public static TVector Apply<T, TSimd, TVector>(TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.Erf(x);
}

internal readonly struct ErfcFunction : IVectorFunction
{
    public static TVector Apply<T, TSimd, TVector>(TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.Erfc(x);
}

internal readonly struct NormalCdfFunction : IVectorFunction
{
    public static TVector Apply<T, TSimd, TVector>(TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.NormalCdf(x);
}

internal readonly struct NormalPdfFunction : IVectorFunction
{
    public static TVector Apply<T, TSimd, TVector>(TVector x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TSimd : ISimd<T, TVector>
        where TVector : struct => VectorMath<T, TSimd, TVector>.NormalPdf(x);
}
