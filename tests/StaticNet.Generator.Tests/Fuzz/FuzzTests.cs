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
/// every valid one compiles without a warning.
/// </summary>
/// <remarks>
/// The rule, per declaration (see <see cref="Verdict"/>), with "its files" the declaration's own source files:
/// <list type="bullet">
/// <item><description>Always: no generator exception (GeneratorRunResult.Exception, CS8785); every SNET diagnostic lies in its
/// files; every SNET error is one the oracle allows; the files generated for it have no error and no warning at warning
/// level 9999 with CS1591 on.</description></item>
/// <item><description>Valid (legal C#, a valid network): no error or warning in its files; exactly one generated file with the
/// real members; the only SNET diagnostics are the infos SNET0014 (exactly when the scratch is above the stack limit) and
/// SNET0015 (exactly when AllowUnsafeBlocks is off).</description></item>
/// <item><description>Invalid (legal C#, not a valid network): at least one SNET error; no compiler error in its files.</description></item>
/// <item><description>CompilerRejects (wrong types, non-constant or overflowing arguments, duplicate attributes, the attribute on
/// something that is not a class, syntax errors, collection expressions before C# 12): at least one compiler (CS)
/// error in its files. The generator may add SNET errors the oracle allows, but nothing that does not compile.</description></item>
/// </list>
/// Declarations are compiled in batches of a few hundred per compilation (one generator run each); a generated file
/// that is identical to one already compiled, up to the case's tag, is not compiled again.
/// </remarks>
public sealed partial class FuzzTests(ITestOutputHelper output)
{
    /// <summary>The seed of the fixed run; STATICNET_FUZZ_SEED=N runs another one.</summary>
    private const int DefaultSeed = 20261123;

    private const int BatchSize = 400;

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
        IReadOnlyList<FuzzCase> cases = Timed("writing the declarations", () => new DeclarationFuzzer(seed).Generate().Cases);
        FuzzCase[][] batches = cases.GroupBy(c => (c.Version, c.AllowUnsafe)).SelectMany(group => group.Chunk(BatchSize)).ToArray();

        var failures = new ConcurrentQueue<(string Category, string Text)>();
        var compiled = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        Parallel.ForEach(batches, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, batch => CheckBatch(batch, failures, compiled));
        clock.Stop();

        output.WriteLine(Summary(seed, cases, compiled, clock.Elapsed));
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
        var parseOptions = new CSharpParseOptions(version, DocumentationMode.Diagnose);
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

        Compilation compilation = input;
        ImmutableArray<Diagnostic> generatorDiagnostics = default;
        GeneratorDriver driver = Timed("running the generator", () => CSharpGeneratorDriver.Create([new NetworkGenerator().AsSourceGenerator()], parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(input, out compilation, out generatorDiagnostics));
        GeneratorRunResult run = driver.GetRunResult().Results.Single();
        if (run.Exception is not null || generatorDiagnostics.Any(d => d.Id == "CS8785"))
        {
            failures.Enqueue(("generator exception", $"The generator threw on the batch {batch[0].Id}..{batch[^1].Id}: {run.Exception}\n{string.Join("\n", generatorDiagnostics.Where(d => d.Id == "CS8785"))}"));
            return;
        }

        ImmutableArray<Diagnostic> analyzerDiagnostics = Timed("running the analyzer", () => input.WithAnalyzers([new NetworkDeclarationAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult());
        ILookup<string, Diagnostic> snet = generatorDiagnostics.Concat(analyzerDiagnostics).ToLookup(d => CaseOf(d.Location.SourceTree?.FilePath));
        foreach (Diagnostic unplaced in snet[string.Empty])
        {
            failures.Enqueue(("unplaced diagnostic", $"A diagnostic outside every declaration's files: {unplaced}"));
        }

        ILookup<string, GeneratedSourceResult> sources = run.GeneratedSources.ToLookup(s => CaseOf(s.HintName));
        ILookup<string, SyntaxTree> ownTrees = trees.ToLookup(t => CaseOf(t.FilePath));
        Dictionary<string, SyntaxTree> generatedTrees = compilation.SyntaxTrees.Except(trees).ToDictionary(t => Path.GetFileName(t.FilePath), StringComparer.Ordinal);

        foreach (FuzzCase fuzzCase in batch)
        {
            var problems = new List<string>();
            Diagnostic[] own = Timed("compiling the declarations", () => ownTrees[fuzzCase.Id].SelectMany(t => compilation.GetSemanticModel(t).GetDiagnostics()).ToArray());
            Diagnostic[] ours = snet[fuzzCase.Id].ToArray();
            Diagnostic[] ourErrors = ours.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
            GeneratedSourceResult[] generated = sources[fuzzCase.Id].ToArray();

            problems.AddRange(ours.Where(d => !d.Id.StartsWith("SNET", StringComparison.Ordinal) || d.Severity == DiagnosticSeverity.Warning).Select(d => $"unexpected diagnostic {d}"));
            problems.AddRange(ourErrors.Where(d => !fuzzCase.AllowedErrors.Contains(d.Id)).Select(d => $"an SNET error the declaration does not deserve (allowed: {string.Join(", ", fuzzCase.AllowedErrors.Order(StringComparer.Ordinal))}): {d}"));
            foreach (GeneratedSourceResult source in generated)
            {
                string text = source.SourceText.ToString();
                string key = $"{fuzzCase.Version}|{text.Replace(fuzzCase.Id, "C#####", StringComparison.Ordinal)}";
                if (compiled.TryAdd(key, true))
                {
                    problems.AddRange(Timed("compiling the generated files", () => compilation.GetSemanticModel(generatedTrees[source.HintName]).GetDiagnostics())
                        .Where(d => d.Severity >= DiagnosticSeverity.Warning)
                        .Select(d => $"the generated {source.HintName} does not compile cleanly: {d}"));
                }
            }

            switch (fuzzCase.Verdict)
            {
                case Verdict.Valid:
                    problems.AddRange(own.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => $"a valid declaration has {d}"));
                    problems.AddRange(ourErrors.Select(d => $"a valid declaration has {d}"));
                    string[] infos = ours.Where(d => d.Severity == DiagnosticSeverity.Info).Select(d => d.Id).Order(StringComparer.Ordinal).ToArray();
                    string[] expectedInfos = [.. fuzzCase.ExpectsHeapScratch ? ["SNET0014"] : Array.Empty<string>(), .. fuzzCase.AllowUnsafe ? [] : new[] { "SNET0015" }];
                    if (!infos.SequenceEqual(expectedInfos))
                    {
                        problems.Add($"infos [{string.Join(", ", infos)}], expected [{string.Join(", ", expectedInfos)}]");
                    }

                    if (generated.Length != 1 || generated[0].SourceText.ToString().Contains("InvalidDeclaration(", StringComparison.Ordinal))
                    {
                        problems.Add($"a valid declaration got {generated.Length} generated files, not one with the network's members");
                    }

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

    private static string Summary(int seed, IReadOnlyList<FuzzCase> cases, ConcurrentDictionary<string, bool> compiled, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Fuzz seed {seed}: {cases.Count} declarations in {elapsed.TotalSeconds:F1} s; {compiled.Count} distinct generated files compiled.");
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
