using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace StaticNet.Conformance;

/// <summary>
/// Checks the numbers of the generated code on the machine that runs it: for every network of Networks.cs, Forward,
/// ForwardBatch, Backward (gradients and input gradient), BackwardBatch, TrainStep and the label overloads, and for every
/// sequence network of SequenceNetworks.cs, Forward, Step, ForwardBatch, Backward through time, BackwardBatch and
/// TrainStep, against the double-precision references of tests/Shared at the numerical tests' tolerances; optionally against the results that
/// another run wrote (--compare), e.g. the x64 run when this one runs on ARM64. Exits with 1 on any mismatch.
/// </summary>
public static class Program
{
    private const string Usage = """
        StaticNet.Conformance [options]
          --name NAME       the run's name in the output and the TRX file (default: the process architecture)
          --write FILE      write every result to FILE
          --compare FILE    compare every result with FILE, written by another run (1e-5 relative in float, 1e-12 in double)
          --trx FILE        write the outcomes as a TRX file (one test per network and check)
          --filter TEXT     only the networks whose name contains TEXT
          --jit-calls FILE  instead of the checks: check that the JIT disassembly in FILE (written by a run with
                            DOTNET_TieredCompilation=0 DOTNET_JitDisasm=* DOTNET_JitStdOutFile=FILE) calls no operation
                            of a vector width (every one is inlined) and that the dense layers' accumulator loops keep
                            no vector on the stack (JitInlining.cs)
        Exit code: 0 if every check passed, 1 if one failed, 2 on a usage error.
        """;

    /// <summary>The entry point.</summary>
    /// <param name="args">The options of <see cref="Usage"/>.</param>
    /// <returns>0 if every check passed, 1 if one failed, 2 on a usage error.</returns>
    public static int Main(string[] args)
    {
        string name = RuntimeInformation.ProcessArchitecture.ToString();
        string? write = null, compare = null, trx = null, filter = null, jitCalls = null;
        for (int i = 0; i < args.Length; i++)
        {
            string? Value() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--name": name = Value() ?? name; break;
                case "--write": write = Value(); break;
                case "--compare": compare = Value(); break;
                case "--trx": trx = Value(); break;
                case "--filter": filter = Value(); break;
                case "--jit-calls": jitCalls = Value(); break;
                case "-h" or "--help": Console.WriteLine(Usage); return 0;
                default: Console.Error.WriteLine($"unknown argument {args[i]}\n{Usage}"); return 2;
            }
        }

        if (jitCalls is not null)
        {
            DateTimeOffset started = DateTimeOffset.Now;
            IReadOnlyList<Outcome> jit = JitInlining.Check(jitCalls);
            foreach (string failure in jit.SelectMany(outcome => outcome.Failures))
            {
                Console.WriteLine($"FAILED {failure}");
            }

            if (trx is not null)
            {
                Trx.Write(trx, name, jit, started, DateTimeOffset.Now);
            }

            return jit.All(outcome => outcome.Passed) ? 0 : 1;
        }

        string machine = Describe();
        Console.WriteLine($"StaticNet conformance, run {name}: {machine}");
        ResultFile? recorded = compare is null ? null : ResultFile.Load(compare);
        if (recorded is not null)
        {
            Console.WriteLine($"comparing with {compare}: {recorded.Count} results of run {recorded.Label}");
        }

        var results = new ResultFile($"{name}: {machine}");
        var outcomes = new List<Outcome>();
        DateTimeOffset start = DateTimeOffset.Now;
        // Every check of every network: the dense networks' checks (Labels for classifiers only), then the sequence networks'.
        IEnumerable<(ICase Network, string Check, Action<CheckContext> Run)> runs = Case.All
            .SelectMany(c => Checks.All
                .Where(k => k.Name != "Labels" || c.IsClassifier)
                .Select(k => (Network: (ICase)c, Check: k.Name, Run: (Action<CheckContext>)(context => k.Run(c, context)))))
            .Concat(SequenceCase.All.SelectMany(c => SequenceChecks.All
                .Select(k => (Network: (ICase)c, Check: k.Name, Run: (Action<CheckContext>)(context => k.Run(c, context))))))
            .Where(r => filter is null || r.Network.Name.Contains(filter, StringComparison.OrdinalIgnoreCase));
        foreach ((ICase network, string check, Action<CheckContext> run) in runs)
        {
            var context = new CheckContext(network, check, results, recorded);
            var clock = Stopwatch.StartNew();
            try
            {
                run(context);
            }
#pragma warning disable CA1031 // An exception in one check is that check's failure; the others still run.
            catch (Exception e)
#pragma warning restore CA1031
            {
                context.True(false, $"threw {e}");
            }

            var outcome = new Outcome(network.Name, network.IsDouble, check, context.Failures, context.ReferenceError, context.RecordedError, context.WorstRecorded, clock.Elapsed);
            outcomes.Add(outcome);
            if (!outcome.Passed)
            {
                Console.WriteLine($"FAILED {network.Name} ({network.Description}) {check}:");
                foreach (string failure in outcome.Failures.Take(10))
                {
                    Console.WriteLine($"    {failure}");
                }
            }
        }

        DateTimeOffset finish = DateTimeOffset.Now;
        if (write is not null)
        {
            results.Save(write);
            Console.WriteLine($"wrote {results.Count} results to {write}");
        }

        if (trx is not null)
        {
            Trx.Write(trx, name, outcomes, start, finish);
        }

        int passed = outcomes.Count(o => o.Passed), failed = outcomes.Count - passed;
        int networks = outcomes.Select(o => o.Network).Distinct().Count();
        string Worst(bool isDouble, Func<Outcome, double> error) => outcomes
            .Where(o => o.IsDouble == isDouble)
            .Select(error).DefaultIfEmpty(0).Max().ToString("G2", CultureInfo.InvariantCulture);
        string against = "";
        if (recorded is not null)
        {
            string WorstOf(bool isDouble) => outcomes.Where(o => o.IsDouble == isDouble)
                .MaxBy(o => o.RecordedError)?.WorstRecorded is { } name ? $"{Worst(isDouble, o => o.RecordedError)} ({name})" : "0";
            against = $", against run {recorded.Name} {WorstOf(false)} float / {WorstOf(true)} double";
        }

        Console.WriteLine($"conformance {name}: {passed} checks passed, {failed} failed, {networks} networks, {results.Count} results; " +
            $"largest error against the reference {Worst(false, o => o.ReferenceError)} float / {Worst(true, o => o.ReferenceError)} double{against}");
        return failed == 0 && outcomes.Count > 0 ? 0 : 1;
    }

    /// <summary>
    /// What decides the code path: the architecture, the vector widths, whether code is jitted (the JIT has compiled
    /// methods; RuntimeFeature.IsDynamicCodeSupported would not tell, as PublishAot turns it off for the JIT build too).
    /// </summary>
    private static string Describe() =>
        $"{RuntimeInformation.ProcessArchitecture} {RuntimeInformation.FrameworkDescription.Trim()}" +
        $" {(JitInfo.GetCompiledMethodCount() > 0 ? "JIT" : "NativeAOT")}" +
        $" Vector<float>.Count={Vector<float>.Count}" +
        $" Vector128={Vector128.IsHardwareAccelerated} Vector256={Vector256.IsHardwareAccelerated} Vector512={Vector512.IsHardwareAccelerated}" +
        $" AdvSimd={AdvSimd.IsSupported} Avx2={Avx2.IsSupported} Fma={Fma.IsSupported}";
}
