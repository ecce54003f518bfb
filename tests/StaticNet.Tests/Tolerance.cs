using System;
using System.Linq;
using Xunit;
using Xunit.Sdk;

namespace StaticNet.Tests;

/// <summary>Element-wise comparison with a relative tolerance and an absolute floor scaled by the vector's magnitude.</summary>
public static class Tolerance
{
    /// <summary>The relative tolerance of the generated code against the double reference: 1e-4 in float, 1e-10 in double.</summary>
    public static double For(NetworkCase network) => network.IsDouble ? 1e-10 : 1e-4;

    public static void AssertClose(double expected, double actual, double relative, string what) =>
        AssertClose([expected], [actual], relative, what);

    public static void AssertClose(double[] expected, double[] actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double floor = relative / 10 * Math.Max(1, expected.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max());
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
