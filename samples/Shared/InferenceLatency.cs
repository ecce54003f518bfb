using System;
using System.Diagnostics;

namespace Samples;

/// <summary>Measures single-sample inference the way a latency-sensitive caller sees it.</summary>
public static class InferenceLatency
{
    /// <summary>
    /// Calls <paramref name="call"/> in 301 rounds of 200 calls after a warm-up, and returns the median over the rounds of
    /// the time per call, in nanoseconds (timing rounds, not single calls, keeps the clock's own cost out of it).
    /// </summary>
    public static double MedianNanoseconds(Action call)
    {
        const int Rounds = 301, CallsPerRound = 200;
        for (int i = 0; i < 20_000; i++)
        {
            call();
        }

        var perCall = new double[Rounds];
        for (int round = 0; round < Rounds; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < CallsPerRound; i++)
            {
                call();
            }

            perCall[round] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / CallsPerRound;
        }

        Array.Sort(perCall);
        return perCall[Rounds / 2];
    }
}
