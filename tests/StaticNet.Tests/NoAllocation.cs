using System;
using System.Collections.Generic;
using Xunit;

namespace StaticNet.Tests;

/// <summary>
/// The allocation tests' one measurement: after warm-up, a pass of calls allocates nothing on the thread
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>).
/// </summary>
/// <remarks>
/// The thread's counter also counts what the runtime allocates on the thread for itself. In full parallel test runs a
/// pass of calls that allocate nothing now and then showed 1 to 3 KB: in the sequence tests, and in CI of stop 24 (2880
/// bytes in 100 calls of <c>T2.Frozen.Predict</c> at <c>DOTNET_EnableAVX=0</c>, in one CI run of many), never when the
/// test ran alone; the runtime's own test of the counter fails the same way now and then (dotnet/runtime#63487,
/// #13502). So the warm-up runs passes until one allocates nothing (at most 10), and the measurement is up to three
/// passes, one of which must allocate nothing. A method that allocates on every call allocates in every pass, so it
/// fails; the failure lists every pass.
/// </remarks>
internal static class NoAllocation
{
    private const int WarmUpPasses = 10;
    private const int MeasuredPasses = 3;

    /// <summary>Asserts that, after warm-up, a pass of <paramref name="calls"/> calls of <paramref name="call"/> allocates nothing.</summary>
    /// <param name="call">One call of everything measured.</param>
    /// <param name="calls">Calls per pass.</param>
    public static void AfterWarmUp(Action call, int calls = 100)
    {
        var warmUp = new List<long>();
        do
        {
            warmUp.Add(Pass(call, calls));
        }
        while (warmUp[^1] != 0 && warmUp.Count < WarmUpPasses);

        var measured = new List<long>();
        do
        {
            measured.Add(Pass(call, calls));
        }
        while (measured[^1] != 0 && measured.Count < MeasuredPasses);

        Assert.True(
            measured[^1] == 0,
            $"every measured pass of {calls} calls allocated: {string.Join(", ", measured)} bytes (warm-up passes: {string.Join(", ", warmUp)} bytes)");
    }

    private static long Pass(Action call, int calls)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
        {
            call();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
