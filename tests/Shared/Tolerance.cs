using System;
using System.Linq;

namespace StaticNet.Tests;

/// <summary>
/// Element-wise comparison with a relative tolerance and an absolute floor scaled by the vector's magnitude: element
/// <c>i</c> passes when <c>|expected[i] - actual[i]| ≤ relative·|expected[i]| + relative/10·max(1, max |expected|)</c>.
/// </summary>
public static partial class Tolerance
{
    /// <summary>The relative tolerance of a float network against a double-precision expectation.</summary>
    public const double Single = 1e-4;

    /// <summary>The relative tolerance of a double network against a double-precision expectation.</summary>
    public const double Double = 1e-10;

    /// <summary>The relative tolerance of the generated code against the double reference: 1e-4 in float, 1e-10 in double.</summary>
    public static double For(bool isDouble) => isDouble ? Double : Single;

    /// <summary>
    /// The largest error of <paramref name="actual"/> in the measure <c>AssertClose</c> (Tolerance.Assert.cs)
    /// applies: <c>max |expected[i] - actual[i]| / (|expected[i]| + max(1, max |expected|)/10)</c>, so that the comparison
    /// passes exactly when this is at most the relative tolerance. Infinite if an element is NaN where a number was
    /// expected or the lengths differ; expected NaNs are skipped.
    /// </summary>
    public static double RelativeError(double[] expected, double[] actual)
    {
        if (expected.Length != actual.Length)
        {
            return double.PositiveInfinity;
        }

        double floor = Magnitude(expected) / 10;
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]))
            {
                continue;
            }

            double error = Math.Abs(expected[i] - actual[i]) / (Math.Abs(expected[i]) + floor);
            worst = double.IsNaN(error) ? double.PositiveInfinity : Math.Max(worst, error);
        }

        return worst;
    }

    /// <summary>max(1, the largest finite |expected|): the scale of the absolute floor.</summary>
    private static double Magnitude(double[] expected) =>
        Math.Max(1, expected.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max());
}
