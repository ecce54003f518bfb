using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using StaticNet.Generator;
using StaticNet.Generator.Analyzers;
using StaticNet.Roslyn;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// Runs the generator and the analyzer in memory on C# sources, as the compiler does in a build. The diagnostic tests
/// use the Roslyn testing framework (<see cref="GeneratorTest"/>); this hand-rolled harness stays for what that framework
/// does not do: driving a GeneratorDriver directly (the incremental tests' tracked steps and cached outputs, the generation
/// time tests, the weights tests' additional files), the fuzzer's thousands of batched declarations, the snapshot tests'
/// exact generated text, and the compile tests that vary options per run.
/// </summary>
internal static class GeneratorHarness
{
    /// <summary>The framework the tests run on (net10.0: its reference assemblies) plus its build of the StaticNet runtime library.</summary>
    public static ImmutableArray<MetadataReference> References => TargetFramework.Net10.References;

    public static CSharpParseOptions ParseOptions(LanguageVersion version = LanguageVersion.Latest, TargetFramework? framework = null) =>
        new CSharpParseOptions(version, DocumentationMode.Diagnose, preprocessorSymbols: (framework ?? TargetFramework.Net10).PreprocessorSymbols);

    /// <summary>The compilation options of a consumer's project: nullable enabled, every warning level, CS1591 on.</summary>
    public static CSharpCompilationOptions CompilationOptions(bool allowUnsafe = true) =>
        new(
            OutputKind.DynamicallyLinkedLibrary,
            allowUnsafe: allowUnsafe,
            nullableContextOptions: NullableContextOptions.Enable,
            warningLevel: 9999,
            specificDiagnosticOptions: [new("CS1591", ReportDiagnostic.Warn)]);

    public static CSharpCompilation Compilation(string source, LanguageVersion version = LanguageVersion.Latest, bool allowUnsafe = true, TargetFramework? framework = null) =>
        Compilation([source], version, allowUnsafe, framework);

    /// <summary>A consumer's compilation for <paramref name="framework"/> (net10.0 unless said otherwise).</summary>
    public static CSharpCompilation Compilation(string[] sources, LanguageVersion version = LanguageVersion.Latest, bool allowUnsafe = true, TargetFramework? framework = null) =>
        CSharpCompilation.Create(
            "Consumer",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions(version, framework), path: $"Source{i}.cs")),
            (framework ?? TargetFramework.Net10).References,
            CompilationOptions(allowUnsafe));

    public static GeneratorDriver Driver(bool trackSteps = false, LanguageVersion version = LanguageVersion.Latest, IEnumerable<AdditionalText>? additionalTexts = null) =>
        Driver(ParseOptions(version), trackSteps, additionalTexts);

    public static GeneratorDriver Driver(CSharpParseOptions parseOptions, bool trackSteps = false, IEnumerable<AdditionalText>? additionalTexts = null) =>
        CSharpGeneratorDriver.Create(
            [new NetworkGenerator().AsSourceGenerator()],
            additionalTexts: additionalTexts,
            parseOptions: parseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>Runs the generator; returns the compilation with the generated trees and the generator's own diagnostics.</summary>
    public static GeneratorResult Run(Compilation compilation, IEnumerable<AdditionalText>? additionalTexts = null)
    {
        GeneratorDriver driver = Driver((CSharpParseOptions)compilation.SyntaxTrees.First().Options, additionalTexts: additionalTexts);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return new GeneratorResult(output, diagnostics, result.GeneratedSources);
    }

    public static GeneratorResult Run(string source, LanguageVersion version = LanguageVersion.Latest, bool allowUnsafe = true, TargetFramework? framework = null) =>
        Run(Compilation(source, version, allowUnsafe, framework));

    /// <summary>The analyzer's diagnostics on a compilation (normally the generator's output compilation).</summary>
    public static ImmutableArray<Diagnostic> Analyze(Compilation compilation) =>
        compilation.WithAnalyzers([new NetworkDeclarationAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
}

internal sealed record GeneratorResult(Compilation Output, ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<GeneratedSourceResult> Sources)
{
    /// <summary>The text of the only generated file.</summary>
    public string Source => Sources.Single().SourceText.ToString();

    /// <summary>Every diagnostic: the generator's, the analyzer's and the compiler's on the output compilation.</summary>
    public ImmutableArray<Diagnostic> AllDiagnostics =>
        Diagnostics.AddRange(GeneratorHarness.Analyze(Output)).AddRange(Output.GetDiagnostics());
}

/// <summary>An AdditionalFiles item in memory.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText GetText(System.Threading.CancellationToken cancellationToken = default) => SourceText.From(text);

    /// <summary>
    /// The text form that build/StaticNet.targets writes for a .safetensors AdditionalFiles item of a project in
    /// /project: the magic line, the full path, the project-relative path, then the bytes in base64 lines.
    /// </summary>
    public static InMemoryAdditionalText Weights(string projectPath, byte[] file) => new(
        $"/project/obj/staticnet/{System.IO.Path.GetFileNameWithoutExtension(projectPath)}.0000abcd.safetensors.base64",
        $"staticnet-weights 1\n/project/{projectPath}\n{projectPath}\n{Convert.ToBase64String(file, Base64FormattingOptions.InsertLineBreaks)}\n");
}
