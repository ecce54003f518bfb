using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Emit;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// Diagnostics as a product: every descriptor links to its page docs/diagnostics/SNETxxxx.md, every page is for a
/// descriptor, and each page's examples do what the page says (the wrong one reports the diagnostic, the right one
/// compiles without it). The release tracking files list every descriptor.
/// </summary>
public sealed partial class DiagnosticDocsTests
{
    public static TheoryData<string> Ids => new(Repository.Descriptors.Select(d => d.Id));

    [Fact]
    public void Every_descriptor_has_a_help_link_to_its_page_in_docs_diagnostics()
    {
        Assert.All(Repository.Descriptors, descriptor =>
        {
            Assert.Equal($"{DiagnosticDescriptors.RepositoryUrl}/blob/main/docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri);
            string relative = descriptor.HelpLinkUri[(DiagnosticDescriptors.RepositoryUrl + "/blob/main/").Length..];
            Assert.True(File.Exists(Repository.PathOf(relative.Split('/'))), $"{descriptor.Id} links to {relative}, which does not exist");
        });
    }

    [Fact]
    public void Every_page_in_docs_diagnostics_is_for_a_descriptor()
    {
        string[] pages = Directory.GetFiles(Repository.PathOf("docs", "diagnostics"), "*.md").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(Repository.Descriptors.Select(d => d.Id).Order(StringComparer.Ordinal), pages);
    }

    [Fact]
    public void The_repository_url_and_the_version_are_those_of_Directory_Build_props()
    {
        Assert.Equal(DiagnosticDescriptors.RepositoryUrl, Repository.BuildProperty("StaticNetRepositoryUrl"));
        Assert.Equal(NetworkEmitter.GeneratorVersion, Repository.BuildProperty("Version"));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void A_page_names_its_diagnostic_its_wrong_example_reports_it_and_its_right_example_compiles_without_it(string id)
    {
        DiagnosticDescriptor descriptor = Repository.Descriptors.Single(d => d.Id == id);
        string page = File.ReadAllText(Repository.PathOf("docs", "diagnostics", id + ".md")).Replace("\r\n", "\n", StringComparison.Ordinal);
        string[] lines = page.Split('\n');
        Assert.Equal($"# {id}: {descriptor.Title.ToString(CultureInfo.InvariantCulture)}", lines[0]);
        Assert.Contains(lines, line =>
            line.StartsWith($"| {id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", StringComparison.Ordinal) ||
            line == $"**Severity:** {descriptor.DefaultSeverity.ToString().ToLowerInvariant()} · **Category:** {descriptor.Category}");
        Assert.Contains("## What it means", page, StringComparison.Ordinal);
        Assert.Contains("\n## Wrong\n", page, StringComparison.Ordinal);
        Assert.Contains("\n## Right\n", page, StringComparison.Ordinal);

        // The examples of the Weights diagnostics (SNET0016-SNET0019) need a .safetensors file beside them, which a page
        // cannot hold; the generator tests of baked-in weights cover those diagnostics. Every other page's examples are
        // compiled here.
        if (page.Contains("Weights = \"", StringComparison.Ordinal))
        {
            return;
        }

        Example wrong = Example.Read(page, "Wrong");
        Diagnostic reported = Assert.Single(GeneratorHarness.Run(wrong.Source, wrong.Version, wrong.AllowUnsafe).AllDiagnostics, d => d.Id == id);
        Assert.Equal(descriptor.DefaultSeverity, reported.Severity);
        Assert.True(reported.Location.IsInSource, $"{id} in the wrong example has no source location");

        Example right = Example.Read(page, "Right");
        Diagnostic[] problems = GeneratorHarness.Run(right.Source, right.Version, right.AllowUnsafe).AllDiagnostics
            .Where(d => d.Id == id || d.Severity == DiagnosticSeverity.Error || (d.Id.StartsWith("SNET", StringComparison.Ordinal) && d.Severity >= DiagnosticSeverity.Warning))
            .ToArray();
        Assert.True(problems.Length == 0, $"the right example of {id} reports:\n{string.Join("\n", problems.Select(d => d.ToString()))}");
    }

    [Fact]
    public void The_release_tracking_files_list_every_descriptor_with_its_category_and_severity()
    {
        string directory = Repository.PathOf("generator", "StaticNet.Generator");
        string[] rows = File.ReadAllLines(Path.Combine(directory, "AnalyzerReleases.Shipped.md"))
            .Concat(File.ReadAllLines(Path.Combine(directory, "AnalyzerReleases.Unshipped.md")))
            .Where(line => line.StartsWith("SNET", StringComparison.Ordinal))
            .ToArray();
        Assert.Equal(
            Repository.Descriptors.Select(d => $"{d.Id} | {d.Category} | {d.DefaultSeverity}").Order(StringComparer.Ordinal),
            rows.Select(row => string.Join(" | ", row.Split('|').Take(3).Select(cell => cell.Trim()))).Order(StringComparer.Ordinal));

        // The release tracking analyzer (RS2000-RS2008, Microsoft.CodeAnalysis.Analyzers) reads them as AdditionalFiles ...
        string project = File.ReadAllText(Path.Combine(directory, "StaticNet.Generator.csproj"));
        Assert.Contains("<AdditionalFiles Include=\"AnalyzerReleases.Shipped.md\" />", project, StringComparison.Ordinal);
        Assert.Contains("<AdditionalFiles Include=\"AnalyzerReleases.Unshipped.md\" />", project, StringComparison.Ordinal);
        Assert.Contains("Include=\"Microsoft.CodeAnalysis.Analyzers\"", project, StringComparison.Ordinal);

        // ... and nothing turns its rules off.
        string[] suppressions = Directory.EnumerateFiles(Repository.Root, "*", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}.git{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && Path.GetExtension(path) is ".cs" or ".csproj" or ".props" or ".targets" or ".editorconfig" or ".globalconfig" or ".ruleset"
                && Path.GetFileName(path) != nameof(DiagnosticDocsTests) + ".cs")
            .Where(path => File.ReadAllText(path).Contains("RS2008", StringComparison.Ordinal))
            .ToArray();
        Assert.Empty(suppressions);
    }

    /// <summary>The C# of a page's section, compiled as the section's project snippet (if any) says.</summary>
    private sealed partial record Example(string Source, LanguageVersion Version, bool AllowUnsafe)
    {
        public static Example Read(string page, string heading)
        {
            int start = page.IndexOf($"\n## {heading}\n", StringComparison.Ordinal);
            Assert.True(start >= 0, $"no section '## {heading}'");
            int end = page.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
            string section = end < 0 ? page[start..] : page[start..end];

            Match code = CSharpBlock().Match(section);
            Assert.True(code.Success, $"no csharp block in '## {heading}'");
            string project = string.Concat(XmlBlock().Matches(section).Select(m => m.Groups["code"].Value));

            // A project snippet may pin the language version or turn unsafe code off; the examples otherwise compile
            // as the samples do (latest C#, AllowUnsafeBlocks on).
            LanguageVersion version = LanguageVersion.Latest;
            if (LangVersion().Match(project) is { Success: true } pinned)
            {
                Assert.True(LanguageVersionFacts.TryParse(pinned.Groups["value"].Value, out version));
            }

            bool allowUnsafe = AllowUnsafeBlocks().Match(project) is not { Success: true } unsafeSetting || unsafeSetting.Groups["value"].Value == "true";
            return new Example(code.Groups["code"].Value, version, allowUnsafe);
        }

        [GeneratedRegex("```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
        private static partial Regex CSharpBlock();

        [GeneratedRegex("```xml\n(?<code>.*?)```", RegexOptions.Singleline)]
        private static partial Regex XmlBlock();

        [GeneratedRegex("<LangVersion>(?<value>[^<]+)</LangVersion>")]
        private static partial Regex LangVersion();

        [GeneratedRegex("<AllowUnsafeBlocks>(?<value>[^<]+)</AllowUnsafeBlocks>")]
        private static partial Regex AllowUnsafeBlocks();
    }
}
