using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>The generated source, character for character, for a few declarations: reviewed like code.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public void Small_network() => Snapshot.Verify(GeneratorHarness.Run(Sources.XorNet).Source, "XorNet");

    [Fact]
    public void T2_sized_classifier() => Snapshot.Verify(GeneratorHarness.Run(Sources.T2).Source, "T2");

    [Fact]
    public void Double_precision_in_the_global_namespace() => Snapshot.Verify(GeneratorHarness.Run(Sources.DoubleBinary).Source, "DoubleBinary");

    [Fact]
    public void Sequence_network_of_every_layer_kind() => Snapshot.Verify(GeneratorHarness.Run(Sources.AmpModel).Source, "AmpModel");

    [Fact]
    public void Invalid_declaration_gets_members_that_throw() => Snapshot.Verify(GeneratorHarness.Run(Sources.Invalid).Source, "Broken");

    /// <summary>docs/generated-code.md quotes the XorNet snapshot's length: it follows the snapshot.</summary>
    [Fact]
    public void The_walkthrough_quotes_the_snapshots_length()
    {
        string docs = File.ReadAllText(Repository.PathOf("docs", "generated-code.md"));
        Match quoted = Regex.Match(docs, @"XorNet\.verified\.cs\)\s*\((\d+) lines");
        Assert.True(quoted.Success, "docs/generated-code.md no longer quotes the length of XorNet.verified.cs");
        int lines = File.ReadAllText(Repository.PathOf("tests", "StaticNet.Generator.Tests", "Snapshots", "XorNet.verified.cs")).Count(c => c == '\n');
        Assert.Equal(lines, int.Parse(quoted.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_generated_text_does_not_depend_on_the_culture()
    {
        string invariant = GeneratorHarness.Run(Sources.T2).Source;
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            // Swedish formats negative numbers with U+2212 and decimals with a comma.
            CultureInfo.CurrentCulture = new CultureInfo("sv-SE");
            Assert.Equal(invariant, GeneratorHarness.Run(Sources.T2).Source);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }
}
