using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace StaticNet.Tests.Kernels;

/// <summary>
/// Errors in units in the last place: <c>|actual − reference| / ulp(reference)</c>, the ulp of the result's precision at
/// the reference value (2^−149 and 2^−1074 among the subnormals). The float reference is the double-double value rounded
/// to double, as good as exact at float's scale; the double reference is that value rounded to double, itself within
/// half an ulp, so a double error counts whole ulps of distance from the correctly rounded result.
/// </summary>
internal static class Ulp
{
    /// <summary>
    /// The error of <paramref name="actual"/>, or +∞ if it is NaN or infinite where the reference is not; in ulps of
    /// <paramref name="scale"/> where that is larger than the reference (the largest term of a sum that cancels).
    /// </summary>
    public static double Error<T>(T actual, double reference, double scale = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double value = double.CreateChecked(actual);
        bool single = typeof(T) == typeof(float);
        if (double.IsNaN(reference) || double.IsNaN(value))
        {
            return double.IsNaN(reference) && double.IsNaN(value) ? 0 : double.PositiveInfinity;
        }

        // Where the correctly rounded result is infinite, only that infinity will do (and the reverse).
        double rounded = single ? (float)reference : reference;
        if (double.IsInfinity(rounded) || double.IsInfinity(value))
        {
            return rounded == value ? 0 : double.PositiveInfinity;
        }

        double magnitude = double.IsFinite(scale) ? Math.Max(Math.Abs(reference), Math.Abs(scale)) : Math.Abs(reference);
        return Math.Abs(value - reference) / Of(magnitude, single);
    }

    /// <summary>The ulp of float (or double) at <paramref name="value"/>.</summary>
    public static double Of(double value, bool single)
    {
        double magnitude = Math.Abs(value);
        return single
            ? magnitude < 1.1754943508222875e-38 ? Math.ScaleB(1.0, -149) : Math.ScaleB(1.0, Math.ILogB(magnitude) - 23)
            : magnitude < 2.2250738585072014e-308 ? Math.ScaleB(1.0, -1074) : Math.ScaleB(1.0, Math.ILogB(magnitude) - 52);
    }
}

/// <summary>
/// The largest error of one quantity (a function, in one precision, at one width) over a sweep, where it occurred, and
/// its bound. <see cref="Report"/> writes the table to the test output and to kernels/<c>name</c>.txt beside the test
/// assembly, and fails with the quantities over their bound.
/// </summary>
internal sealed class Accuracy
{
    private readonly List<Row> _rows = [];

    /// <summary>
    /// Compares <paramref name="actual"/> with <paramref name="reference"/> element by element and records the largest
    /// error, in ulps of the reference or of <paramref name="scale"/> where given and larger (see <see cref="Ulp.Error"/>).
    /// </summary>
    public void Add<T>(string quantity, int width, double bound, T[] input, T[] actual, double[] reference, double[]? scale = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var row = new Row(quantity, typeof(T) == typeof(float) ? "float" : "double", width, bound, input.Length);
        for (int i = 0; i < input.Length; i++)
        {
            double error = Ulp.Error(actual[i], reference[i], scale?[i] ?? 0);
            if (!(error <= row.Error))
            {
                row.Error = error;
                row.At = double.CreateChecked(input[i]);
                row.Expected = reference[i];
                row.Actual = double.CreateChecked(actual[i]);
            }
        }

        _rows.Add(row);
    }

    /// <summary>Writes the table and fails if any quantity exceeds its bound.</summary>
    public void Report(ITestOutputHelper output, string name)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"quantity",-28} {"type",-6} {"width",5} {"points",8} {"max ulp",9} {"bound",6}  at");
        foreach (Row row in _rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{row.Quantity,-28} {row.Type,-6} {row.Width,5} {row.Points,8} {row.Error,9:F3} {row.Bound,6:G3}  x = {row.At:R}: expected {row.Expected:R}, got {row.Actual:R}");
        }

        string table = text.ToString();
        output.WriteLine(table);
        string directory = Path.Combine(AppContext.BaseDirectory, "kernels");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name + ".txt"), table);

        Row[] failed = _rows.Where(r => !(r.Error <= r.Bound)).ToArray();
        if (failed.Length > 0)
        {
            throw new XunitException(
                $"{failed.Length} over their bound:\n" +
                string.Join("\n", failed.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Quantity} ({r.Type}, width {r.Width}): {r.Error:G4} ulp > {r.Bound} at x = {r.At:R}, expected {r.Expected:R}, got {r.Actual:R}"))) +
                "\n\n" + table);
        }
    }

    private sealed class Row(string quantity, string type, int width, double bound, int points)
    {
        public string Quantity { get; } = quantity;

        public string Type { get; } = type;

        public int Width { get; } = width;

        public double Bound { get; } = bound;

        public int Points { get; } = points;

        public double Error { get; set; }

        public double At { get; set; }

        public double Expected { get; set; }

        public double Actual { get; set; }
    }
}

/// <summary>
/// Sweeps of arguments: dense grids over the ranges that matter, and the special values, at several lane positions. The
/// grids' sizes are multiplied by <see cref="Density"/>, from the environment variable <c>STATICNET_KERNEL_SWEEP</c> (1 by
/// default: about 10^4 points per function and precision, quick in a Debug build; 100 gives the 10^6 of
/// docs/correctness.md).
/// </summary>
internal static class Sweep
{
    /// <summary>The multiplier of the grids' sizes.</summary>
    public static readonly int Density =
        int.TryParse(Environment.GetEnvironmentVariable("STATICNET_KERNEL_SWEEP"), out int density) && density > 0 ? density : 1;

    /// <summary>
    /// <paramref name="count"/> points spread over [<paramref name="low"/>, <paramref name="high"/>], one in each of
    /// <paramref name="count"/> equal cells at a quasi-random place (so no two lanes of a vector, and no two runs of a
    /// pattern, see the same offset), plus both ends.
    /// </summary>
    public static IEnumerable<double> Linear(double low, double high, int count)
    {
        count *= Density;
        yield return low;
        yield return high;
        for (int i = 0; i < count; i++)
        {
            double offset = (i * 0.6180339887498949) % 1;
            yield return low + ((high - low) * ((i + offset) / count));
        }
    }

    /// <summary>Points spread evenly in log scale over magnitudes [<paramref name="low"/>, <paramref name="high"/>], with both signs when <paramref name="signed"/>.</summary>
    public static IEnumerable<double> Logarithmic(double low, double high, int count, bool signed)
    {
        double a = Math.Log(low);
        double b = Math.Log(high);
        foreach (double x in Linear(a, b, count))
        {
            double magnitude = Math.Exp(x);
            yield return magnitude;
            if (signed)
            {
                yield return -magnitude;
            }
        }
    }

    /// <summary>
    /// The arguments as <typeparamref name="T"/> (rounded), then <paramref name="specials"/> (if any) four times at
    /// shifting lane positions, padded to a multiple of 16 (the lanes of the widest vector).
    /// </summary>
    public static T[] Build<T>(IEnumerable<double> points, IEnumerable<double> specials)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var values = points.Select(T.CreateSaturating).ToList();
        T[] special = specials.Select(T.CreateSaturating).ToArray();
        for (int shift = 0; special.Length > 0 && shift < 16; shift += 5)
        {
            values.AddRange(Enumerable.Repeat(T.CreateChecked(0.5), shift));
            values.AddRange(special);
        }

        while (values.Count % 16 != 0)
        {
            values.Add(T.One);
        }

        return [.. values];
    }

    /// <summary>
    /// Special values every function meets: NaN, ±∞, ±0, the smallest subnormal and normal numbers, the largest number, ±1,
    /// of <typeparamref name="T"/>.
    /// </summary>
    public static double[] Common<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        bool single = typeof(T) == typeof(float);
        double epsilon = single ? float.Epsilon : double.Epsilon;
        double normal = single ? 1.1754943508222875e-38 : 2.2250738585072014e-308;
        double max = single ? float.MaxValue : double.MaxValue;
        return [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.0, -0.0, epsilon, -epsilon, normal, -normal, max, -max, 1, -1];
    }
}
