using System;
using Xunit;
using Xunit.Sdk;

namespace StaticNet.Tests;

/// <summary>
/// The assertions of the tolerance, for xunit tests. Kept apart from Tolerance.cs so that programs that are not xunit
/// tests (tests/StaticNet.Conformance, which also runs as an ARM64 executable) share the numbers and the measure
/// without the test framework.
/// </summary>
public static partial class Tolerance
{
    public static void AssertClose(double expected, double actual, double relative, string what) =>
        AssertClose([expected], [actual], relative, what);

    public static void AssertClose(double[] expected, double[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double floor = relative / 10 * Magnitude(expected);
        for (int i = 0; i < expected.Length; i++)
        {
            if (double.IsNaN(expected[i]))
            {
                continue;
            }

            double error = Math.Abs(expected[i] - actual[i]);
            if (!(error <= (relative * Math.Abs(expected[i])) + floor))
            {
                throw new XunitException($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (error {error:G3}, relative tolerance {relative:G3}, floor {floor:G3}).");
            }
        }
    }
}
