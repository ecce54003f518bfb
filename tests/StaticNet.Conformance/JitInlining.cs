using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;

namespace StaticNet.Conformance;

/// <summary>
/// Reads the JIT's disassembly of a run (<c>DOTNET_JitDisasm=*</c> with <c>DOTNET_JitStdOutFile</c>, tiered compilation
/// off) and fails on any call to an operation of a vector width (<c>Simd1/128/256/512</c>) or to <c>Lanes</c>: the kernels
/// are written so that the JIT inlines every one of them, and where a method's inlining budget runs out it leaves them as
/// calls, which makes a kernel several times slower while every number stays right. The calls the kernels make on
/// purpose (the lane-by-lane fallback of a partial load or store, <c>...ThroughMemory</c>) are not counted.
/// <para>
/// It also fails on a vector register stored to the stack frame inside a loop without a call of the dense layers'
/// accumulator kernels (<c>ForwardGroup</c>, <c>ForwardTile</c>): there every vector the loop carries is an accumulator,
/// and one kept in memory is stored at every fused multiply-add. The JIT did that to every accumulator still live at a
/// call after the loop (an activation that is not inlined: no vector register survives a call on x64), which made a
/// 256-wide tanh layer up to 2.8 times slower, with every number still right.
/// </para>
/// </summary>
internal static partial class JitInlining
{
    private const string Listing = "; Assembly listing for method ";

    [GeneratedRegex(@"\bcall\s+.*StaticNet\.Kernels\.(Simd(1|128|256|512)`1\[(float|double)\]:|Lanes`3\[)")]
    private static partial Regex SimdCall();

    /// <summary>The methods whose loops carry nothing but accumulators.</summary>
    [GeneratedRegex(@"^StaticNet\.Kernels\.Dense(Packed)?Kernels`3\[.*?\]:(ForwardGroup|ForwardTile)\[")]
    private static partial Regex AccumulatorKernel();

    [GeneratedRegex(@"^(G_M\d+_IG\d+):")]
    private static partial Regex Label();

    [GeneratedRegex(@"^\s+j\w+\s+(?:SHORT\s+)?(G_M\d+_IG\d+)")]
    private static partial Regex Jump();

    [GeneratedRegex(@"^\s+v?mov(ups|aps|upd|apd|dqu|dqa|dqu32|dqu64|dqa32|dqa64)\s+[xyz]mmword ptr \[(rbp|rsp)")]
    private static partial Regex VectorStoreToFrame();

    [GeneratedRegex(@"^\s+call\s")]
    private static partial Regex Call();

    /// <summary>The outcomes of the checks of the disassembly in <paramref name="path"/>: calls, then accumulators.</summary>
    public static IReadOnlyList<Outcome> Check(string path)
    {
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        var spills = new List<string>();
        string method = "";
        var body = new List<string>();
        bool accumulatorKernel = false;
        int listings = 0;
        foreach (string line in File.Exists(path) ? File.ReadLines(path) : [])
        {
            if (line.StartsWith(Listing, StringComparison.Ordinal))
            {
                CheckLoops(method, body, spills);
                method = line[Listing.Length..];
                body.Clear();
                accumulatorKernel = AccumulatorKernel().IsMatch(method);
                listings++;
            }
            else if (SimdCall().IsMatch(line) && !line.Contains("ThroughMemory", StringComparison.Ordinal))
            {
                failures.Add($"{method}: {line.Trim()}");
            }

            if (accumulatorKernel)
            {
                body.Add(line);
            }
        }

        CheckLoops(method, body, spills);

        if (listings == 0)
        {
            failures.Add($"{path} holds no method listing: run with DOTNET_JitDisasm=* and DOTNET_JitStdOutFile={path}");
        }

        Console.WriteLine($"{path}: {listings} methods, {failures.Count} calls to a width's operations, {spills.Count} accumulator kernels keeping a vector on the stack in a loop");
        return
        [
            new Outcome("JitInlining", false, "NoWidthOperationLeftACall", failures, 0, 0, null, clock.Elapsed),
            new Outcome("JitInlining", false, "NoAccumulatorKeptOnTheStack", spills, 0, 0, null, TimeSpan.Zero),
        ];
    }

    /// <summary>
    /// Adds a failure for <paramref name="method"/> if a loop of its listing <paramref name="body"/> (the lines from a
    /// label to a jump back to it) has no call and stores a vector register to the stack frame.
    /// </summary>
    private static void CheckLoops(string method, List<string> body, List<string> spills)
    {
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var stores = new List<string>();
        for (int i = 0; i < body.Count; i++)
        {
            Match label = Label().Match(body[i]);
            if (label.Success)
            {
                labels[label.Groups[1].Value] = i;
                continue;
            }

            Match jump = Jump().Match(body[i]);
            if (jump.Success && labels.TryGetValue(jump.Groups[1].Value, out int start))
            {
                List<string> loop = body.GetRange(start, i - start + 1);
                if (!loop.Exists(l => Call().IsMatch(l)))
                {
                    stores.AddRange(loop.FindAll(l => VectorStoreToFrame().IsMatch(l)).ConvertAll(l => l.Trim()));
                }
            }
        }

        if (stores.Count > 0)
        {
            spills.Add($"{method}: {stores.Count} vector stores to the stack in a loop without a call ({string.Join("; ", stores.GetRange(0, Math.Min(stores.Count, 4)))}...)");
        }
    }
}
