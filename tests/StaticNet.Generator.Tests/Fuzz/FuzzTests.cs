using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using StaticNet.Generator.Analyzers;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Generator.Tests.Fuzz;

/// <summary>
/// A generator that never breaks a build: over ten thousand random and extreme declarations it never throws, every
/// invalid declaration gets an SNET error (or, when C# itself rejects it, a compiler error), and the code generated for
/// every valid one compiles without a warning and has no line over 160 characters.
/// </summary>
/// <remarks>
/// <para>
/// The rule, per declaration (<see cref="Verdict"/> is the oracle's, <see cref="Declaration.Violations"/>), where "its
/// files" are the declaration's own source files:
/// </para>
/// <list type="bullet">
/// <item><description>Always: no generator exception (GeneratorRunResult.Exception, CS8785); every SNET diagnostic lies in its
/// files and is an error the oracle allows or one of the infos below; the files generated for it compile with no error
/// and no warning at warning level 9999 with CS1591 on.</description></item>
/// <item><description>Valid (legal C#, a valid network): no error or warning in its files; exactly one generated file with the
/// network's members; the only SNET diagnostic is the info SNET0014, exactly when the scratch is above the stack limit
/// (with AllowUnsafeBlocks on or off: the generated code does not depend on it).</description></item>
/// <item><description>Invalid (legal C#, but a broken rule of [Network]: topology, enum values, loss, the type's shape, the
/// language version): at least one SNET error, every one of them a rule the declaration breaks; no compiler error in
/// its files.</description></item>
/// <item><description>CompilerRejects (arguments of the wrong type, not constant or overflowing; unknown, positional or repeated
/// arguments; a repeated attribute; [Network] on a struct, interface, enum, delegate, method, return value or the
/// assembly; collection expressions before C# 12; syntax errors): at least one compiler (CS) error in its files. The
/// generator leaves an attribute the compiler rejects to the compiler (no SNET error, no code); after a syntax error
/// the parser's recovery can make the rest mean anything, so there any SNET error is allowed.</description></item>
/// </list>
/// <para>
/// How it stays fast: the declarations are compiled in batches of <see cref="BatchSize"/>, one generator run and one
/// pass of the compiler and the analyzer over their own files per batch. A generated file is compiled, together with
/// the declaration's own files in a compilation of their own, the first time its text (up to the declaration's tag)
/// appears around the same template, and for every valid declaration whose files use the generated members; any
/// other declaration with the same template and generated text differs only in how its attribute is spelled, which
/// the pass over its own files checks. The valid topologies come from a pool (see <see cref="DeclarationFuzzer"/>).
/// </para>
/// </remarks>
public sealed partial class FuzzTests(ITestOutputHelper output)
{
    /// <summary>The seed of the fixed run; STATICNET_FUZZ_SEED=N runs another one.</summary>
    private const int DefaultSeed = 20261123;

    /// <summary>Declarations per compilation. A bigger batch costs more: some compiler queries walk every declaration.</summary>
    private const int BatchSize = 250;

    /// <summary>Time spent per phase, summed over the batches (which run in parallel), in stopwatch ticks.</summary>
    private static readonly ConcurrentDictionary<string, long> Phases = new(StringComparer.Ordinal);

    private static T Timed<T>(string phase, Func<T> work)
    {
        long start = Stopwatch.GetTimestamp();
        T result = work();
        Phases.AddOrUpdate(phase, Stopwatch.GetTimestamp() - start, (_, total) => total + Stopwatch.GetTimestamp() - start);
        return result;
    }

    [Fact]
    public void The_generator_never_throws_reports_every_invalid_declaration_and_every_valid_one_compiles()
    {
        int seed = Environment.GetEnvironmentVariable("STATICNET_FUZZ_SEED") is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : DefaultSeed;
        var clock = Stopwatch.StartNew();
        TimeSpan processorTime = Process.GetCurrentProcess().TotalProcessorTime;
        IReadOnlyList<FuzzCase> cases = Timed("writing the declarations", () => new DeclarationFuzzer(seed).Generate().Cases);
        FuzzCase[][] batches = cases.GroupBy(c => (c.Version, c.AllowUnsafe)).SelectMany(group => group.Chunk(BatchSize)).ToArray();

        var failures = new ConcurrentQueue<(string Category, string Text)>();
        var compiled = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, batch => CheckBatch(batch, failures, compiled));
        clock.Stop();
        processorTime = Process.GetCurrentProcess().TotalProcessorTime - processorTime;

        output.WriteLine(Summary(seed, cases, compiled, clock.Elapsed, processorTime));
        if (Environment.GetEnvironmentVariable("STATICNET_FUZZ_REPORT") is { Length: > 0 } report)
        {
            // Every failure, for a closer look: STATICNET_FUZZ_REPORT=/tmp/fuzz.txt dotnet test --filter FuzzTests
            File.WriteAllLines(report, failures.Select(f => f.Text));
        }

        Assert.True(cases.Count >= 10_000, $"only {cases.Count} declarations");
        string byCategory = string.Join("\n", failures.GroupBy(f => f.Category).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"  {g.Count(),5}  {g.Key}"));
        Assert.True(failures.IsEmpty, $"{failures.Count} of {cases.Count} declarations (seed {seed}) break the rule:\n{byCategory}\nThe first ones:\n\n{string.Join("\n\n", failures.Take(12).Select(f => f.Text))}");
    }

    private static void CheckBatch(FuzzCase[] batch, ConcurrentQueue<(string Category, string Text)> failures, ConcurrentDictionary<string, bool> compiled)
    {
        LanguageVersion version = batch[0].Version;
        CSharpParseOptions parseOptions = GeneratorHarness.ParseOptions(version);
        SyntaxTree[] trees = Timed("parsing", () => batch.SelectMany(c => c.Files.Select((text, i) => CSharpSyntaxTree.ParseText(text, parseOptions, path: $"{c.Id}.{i}.cs"))).ToArray());
        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            allowUnsafe: batch[0].AllowUnsafe,
            nullableContextOptions: version >= LanguageVersion.CSharp8 ? NullableContextOptions.Enable : NullableContextOptions.Disable,
            warningLevel: 9999,
            specificDiagnosticOptions:
            [
                new("CS1591", ReportDiagnostic.Warn), // Every public member, generated ones included, is documented.
                new("CS8981", ReportDiagnostic.Suppress), // A lower-case type name (@class) is the user's choice.
            ]);
        CSharpCompilation input = CSharpCompilation.Create($"Fuzz{batch[0].Id}", trees, GeneratorHarness.References, options);

        ImmutableArray<Diagnostic> generatorDiagnostics = default;
        GeneratorDriver driver = Timed("running the generator", () => CSharpGeneratorDriver.Create([new NetworkGenerator().AsSourceGenerator()], parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(input, out _, out generatorDiagnostics));
        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        if (run.Exception is not null || generatorDiagnostics.Any(d => d.Id == "CS8785"))
        {
            failures.Enqueue(("generator exception", $"The generator threw on the batch {batch[0].Id}..{batch[^1].Id}: {run.Exception}\n{string.Join("\n", generatorDiagnostics.Where(d => d.Id == "CS8785"))}"));
            return;
        }

        // One pass over the declarations' own files (without the generated ones): the compiler's diagnostics and the analyzer's.
        ImmutableArray<Diagnostic> inputDiagnostics = Timed("compiling the declarations, with the analyzer", () =>
            input.WithAnalyzers([new NetworkDeclarationAnalyzer()]).GetAllDiagnosticsAsync().GetAwaiter().GetResult());
        ILookup<string, Diagnostic> compilerOnInput = inputDiagnostics.Where(d => !IsOurs(d)).ToLookup(d => CaseOf(d.Location.SourceTree?.FilePath));
        ILookup<string, Diagnostic> snet = generatorDiagnostics.Concat(inputDiagnostics.Where(IsOurs)).ToLookup(d => CaseOf(d.Location.SourceTree?.FilePath));
        foreach (Diagnostic unplaced in snet[string.Empty])
        {
            failures.Enqueue(("unplaced diagnostic", $"A diagnostic outside every declaration's files: {unplaced}"));
        }

        ILookup<string, GeneratedSourceResult> sources = run.GeneratedSources.ToLookup(s => CaseOf(s.HintName));
        ILookup<string, SyntaxTree> ownTrees = trees.ToLookup(t => CaseOf(t.FilePath));

        foreach (FuzzCase fuzzCase in batch)
        {
            var problems = new List<string>();
            Diagnostic[] ours = snet[fuzzCase.Id].ToArray();
            Diagnostic[] ourErrors = ours.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            GeneratedSourceResult[] generated = sources[fuzzCase.Id].ToArray();

            problems.AddRange(ours.Where(d => !d.Id.StartsWith("SNET", StringComparison.Ordinal) || d.Severity == DiagnosticSeverity.Warning).Select(d => $"unexpected diagnostic {d}"));
            problems.AddRange(ourErrors.Where(d => !fuzzCase.AllowedErrors.Contains(d.Id)).Select(d => $"an SNET error the declaration does not deserve (allowed: {string.Join(", ", fuzzCase.AllowedErrors.Order(StringComparer.Ordinal))}): {d}"));

            // The declaration's files are compiled together with its generated files the first time that generated text
            // (up to the tag) appears around that template, and whenever they use the generated members; otherwise the
            // pass above, over the declarations alone, is their check. Each such compilation holds just this
            // declaration: in one with the whole batch, the first query binds every declaration of the batch.
            bool representative = generated
                .Select(source => $"{fuzzCase.Version}|{fuzzCase.AllowUnsafe}|{fuzzCase.Template}|{source.SourceText.ToString().Replace(fuzzCase.Id, "C#####", StringComparison.Ordinal)}")
                .ToArray()
                .Count(key => compiled.TryAdd(key, true)) > 0;
            Diagnostic[] own;
            if (representative || (fuzzCase.UsesGeneratedMembers && fuzzCase.Verdict != Verdict.CompilerRejects))
            {
                SyntaxTree[] mine = [.. ownTrees[fuzzCase.Id]];
                Diagnostic[] all = Timed(generated.Any(g => !g.SourceText.ToString().Contains("InvalidDeclaration(", StringComparison.Ordinal)) ? "compiling declarations with their networks" : "compiling declarations with members that throw", () =>
                    CSharpCompilation.Create($"Fuzz{fuzzCase.Id}", [.. mine, .. generated.Select(g => g.SyntaxTree)], GeneratorHarness.References, options).GetDiagnostics().ToArray());
                own = all.Where(d => mine.Contains(d.Location.SourceTree)).ToArray();
                problems.AddRange(all.Where(d => d.Severity >= DiagnosticSeverity.Warning && generated.Any(g => g.SyntaxTree == d.Location.SourceTree))
                    .Select(d => $"the generated file does not compile cleanly: {d}"));
            }
            else
            {
                own = compilerOnInput[fuzzCase.Id].ToArray();
            }

            switch (fuzzCase.Verdict)
            {
                case Verdict.Valid:
                    problems.AddRange(own.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => $"a valid declaration has {d}"));
                    problems.AddRange(ourErrors.Select(d => $"a valid declaration has {d}"));
                    string[] infos = ours.Where(d => d.Severity == DiagnosticSeverity.Info).Select(d => d.Id).Order(StringComparer.Ordinal).ToArray();
                    string[] expectedInfos = fuzzCase.ExpectsHeapScratch ? ["SNET0014"] : [];
                    if (!infos.SequenceEqual(expectedInfos))
                    {
                        problems.Add($"infos [{string.Join(", ", infos)}], expected [{string.Join(", ", expectedInfos)}]");
                    }

                    if (generated.Length != 1 || generated[0].SourceText.ToString().Contains("InvalidDeclaration(", StringComparison.Ordinal))
                    {
                        problems.Add($"a valid declaration got {generated.Length} generated files, not one with the network's members");
                    }

                    problems.AddRange(generated.SelectMany(g => g.SourceText.Lines)
                        .Select(line => line.ToString())
                        .Where(line => line.Length > SourceWriterLimit)
                        .Select(line => $"a generated line of {line.Length} characters: {line}"));

                    break;
                case Verdict.Invalid:
                    if (ourErrors.Length == 0)
                    {
                        problems.Add($"no SNET error for an invalid declaration (it breaks {string.Join(", ", fuzzCase.AllowedErrors.Order(StringComparer.Ordinal))})");
                    }

                    problems.AddRange(own.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => $"a compiler error in a declaration that is legal C#: {d}"));
                    break;
                default:
                    if (!own.Any(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("CS", StringComparison.Ordinal)))
                    {
                        problems.Add("no compiler error for a declaration the compiler should reject");
                    }

                    break;
            }

            if (problems.Count > 0)
            {
                failures.Enqueue((fuzzCase.Category, Describe(fuzzCase, problems, generated)));
            }
        }
    }

    /// <summary>The longest generated line (the fuzzer's names are short, so no name of the user's can pass it).</summary>
    private const int SourceWriterLimit = 160;

    private static bool IsOurs(Diagnostic diagnostic) => diagnostic.Id.StartsWith("SNET", StringComparison.Ordinal);

    /// <summary>The case a file belongs to: the tag (C00042) in its name, or empty.</summary>
    private static string CaseOf(string? path) => path is not null && Tag().Match(path) is { Success: true } match ? match.Value : string.Empty;

    private static string Describe(FuzzCase fuzzCase, List<string> problems, GeneratedSourceResult[] generated)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{fuzzCase.Id} [{fuzzCase.Category}] expected {fuzzCase.Verdict} (C# {fuzzCase.Version.ToDisplayString()}, AllowUnsafeBlocks {fuzzCase.AllowUnsafe}):");
        foreach (string problem in problems.Take(6))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  - {problem}");
        }

        foreach ((string file, int i) in fuzzCase.Files.Select((f, i) => (f, i)))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  --- {fuzzCase.Id}.{i}.cs\n{file}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"  --- generated: {string.Join(", ", generated.Select(g => g.HintName))}");
        return text.ToString();
    }

    private static string Summary(int seed, IReadOnlyList<FuzzCase> cases, ConcurrentDictionary<string, bool> compiled, TimeSpan elapsed, TimeSpan processorTime)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Fuzz seed {seed}: {cases.Count} declarations in {elapsed.TotalSeconds:F1} s ({processorTime.TotalSeconds:F1} s of processor time in this process, other tests running beside it included); {compiled.Count} generated files compiled.");
        text.AppendLine(CultureInfo.InvariantCulture, $"  valid {cases.Count(c => c.Verdict == Verdict.Valid)}, invalid {cases.Count(c => c.Verdict == Verdict.Invalid)}, rejected by the compiler {cases.Count(c => c.Verdict == Verdict.CompilerRejects)}");
        foreach ((string phase, long ticks) in Phases.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {phase}: {Stopwatch.GetElapsedTime(0, ticks).TotalSeconds:F1} s (summed over parallel batches)");
        }

        foreach (var group in cases.GroupBy(c => c.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {group.Count(),5}  {group.Key}");
        }

        return text.ToString();
    }

    [GeneratedRegex(@"C\d{5}")]
    private static partial Regex Tag();
}
