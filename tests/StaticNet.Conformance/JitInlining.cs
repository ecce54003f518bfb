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
/// </summary>
internal static partial class JitInlining
{
    private const string Listing = "; Assembly listing for method ";

    [GeneratedRegex(@"\bcall\s+.*StaticNet\.Kernels\.(Simd(1|128|256|512)`1\[(float|double)\]:|Lanes`3\[)")]
    private static partial Regex SimdCall();

    /// <summary>The outcome of the check of the disassembly in <paramref name="path"/>.</summary>
    public static Outcome Check(string path)
    {
        var clock = Stopwatch.StartNew();
        var failures = new List<string>();
        string method = "";
        int listings = 0;
        foreach (string line in File.Exists(path) ? File.ReadLines(path) : [])
        {
            if (line.StartsWith(Listing, StringComparison.Ordinal))
            {
                method = line[Listing.Length..];
                listings++;
            }
            else if (SimdCall().IsMatch(line) && !line.Contains("ThroughMemory", StringComparison.Ordinal))
            {
                failures.Add($"{method}: {line.Trim()}");
            }
        }

        if (listings == 0)
        {
            failures.Add($"{path} holds no method listing: run with DOTNET_JitDisasm=* and DOTNET_JitStdOutFile={path}");
        }

        Console.WriteLine($"{path}: {listings} methods, {failures.Count} calls to a width's operations");
        return new Outcome("JitInlining", false, "NoWidthOperationLeftACall", failures, 0, 0, null, clock.Elapsed);
    }
}
