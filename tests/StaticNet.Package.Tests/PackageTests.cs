using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using StaticNet.Tests;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Package.Tests;

/// <summary>
/// The StaticNet package works the way a user consumes it: one package reference, restored from a feed, brings the
/// runtime library and the generator; the generated code compiles warning-free for net8.0 and net10.0, is documented,
/// survives a trimmed self-contained publish, and computes the same numbers when published with NativeAOT.
/// </summary>
public sealed partial class PackageTests(PackageFixture fixture, ITestOutputHelper output) : IClassFixture<PackageFixture>
{
    [Fact]
    public void The_package_holds_the_runtime_library_the_generator_the_readme_and_the_licence()
    {
        Assert.True(File.Exists(fixture.PackagePath), $"no {Path.GetFileName(fixture.PackagePath)} in the feed; dotnet pack printed:\n{fixture.PackOutput}");
        using ZipArchive archive = ZipFile.OpenRead(fixture.PackagePath);
        string[] entries = archive.Entries.Select(e => e.FullName).ToArray();
        foreach (string expected in new[]
        {
            "lib/net8.0/StaticNet.dll", "lib/net8.0/StaticNet.xml",
            "lib/net10.0/StaticNet.dll", "lib/net10.0/StaticNet.xml",
            "analyzers/dotnet/cs/StaticNet.Generator.dll",
            "build/StaticNet.targets", "buildTransitive/StaticNet.targets",
            "README.md", "LICENSE",
        })
        {
            Assert.Contains(expected, entries);
        }

        // The generator is an analyzer only: never a library the consumer references.
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generator", StringComparison.Ordinal));
        Assert.Equal(File.ReadAllBytes(Path.Combine(fixture.RepoRoot, "README.md")), ReadAll(archive.GetEntry("README.md")!));
        Assert.Equal(File.ReadAllBytes(Path.Combine(fixture.RepoRoot, "LICENSE")), ReadAll(archive.GetEntry("LICENSE")!));
    }

    [Fact]
    public void The_package_metadata_comes_from_Directory_Build_props()
    {
        using ZipArchive archive = ZipFile.OpenRead(fixture.PackagePath);
        using Stream stream = archive.GetEntry("StaticNet.nuspec")!.Open();
        XElement metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().Single(e => e.Name.LocalName == name).Value;
        XElement Element(string name) => metadata.Elements().Single(e => e.Name.LocalName == name);

        XDocument props = XDocument.Load(Path.Combine(fixture.RepoRoot, "Directory.Build.props"));
        string repositoryUrl = props.Descendants("StaticNetRepositoryUrl").Single().Value;

        Assert.Equal("StaticNet", Value("id"));
        Assert.Equal(fixture.Version, Value("version"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("expression", Element("license").Attribute("type")!.Value);
        Assert.Equal("README.md", Value("readme"));
        Assert.Equal(repositoryUrl, Value("projectUrl"));
        Assert.Equal(repositoryUrl, Element("repository").Attribute("url")!.Value);
        Assert.Contains("source generator", Value("description"), StringComparison.Ordinal);
        Assert.Contains("source-generator", Value("tags").Split(' '));

        // One dependency group per target framework, and no dependency on the generator's project.
        string[] groups = Element("dependencies").Elements().Select(g => g.Attribute("targetFramework")!.Value).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["net10.0", "net8.0"], groups);
        Assert.DoesNotContain(Element("dependencies").Descendants(), d => d.Attribute("id")?.Value.Contains("Generator", StringComparison.Ordinal) == true);

        // No dependency: the library needs only the framework (the optimizers' one-pass kernels replaced
        // System.Numerics.Tensors), and what the benchmark suite references (BenchmarkDotNet, ONNX Runtime, TorchSharp,
        // LibTorch, System.Numerics.Tensors for its baseline) never reaches the package.
        string[] ids = Element("dependencies").Descendants().Select(d => d.Attribute("id")?.Value).OfType<string>().Distinct().ToArray();
        Assert.Empty(ids);
    }

    [Fact]
    public void The_packed_generator_targets_netstandard2_0_and_Roslyn_4_8_so_that_every_current_SDK_loads_it()
    {
        using ZipArchive archive = ZipFile.OpenRead(fixture.PackagePath);
        using var pe = new PEReader(new MemoryStream(ReadAll(archive.GetEntry("analyzers/dotnet/cs/StaticNet.Generator.dll")!)));
        MetadataReader reader = pe.GetMetadataReader();
        var references = reader.AssemblyReferences.Select(handle => reader.GetAssemblyReference(handle))
            .ToDictionary(r => reader.GetString(r.Name), r => r.Version, StringComparer.Ordinal);
        Assert.Contains("netstandard", references.Keys);
        Assert.Equal(new Version(2, 0, 0, 0), references["netstandard"]);

        // A generator built against a newer Roslyn than the consumer's compiler is not loaded (CS9057).
        Assert.True(references["Microsoft.CodeAnalysis"] <= new Version(4, 8, 0, 0), $"references Microsoft.CodeAnalysis {references["Microsoft.CodeAnalysis"]}");
        Assert.True(references["Microsoft.CodeAnalysis.CSharp"] <= new Version(4, 8, 0, 0), $"references Microsoft.CodeAnalysis.CSharp {references["Microsoft.CodeAnalysis.CSharp"]}");
    }

    [Fact]
    public void A_consumer_restores_the_package_from_the_folder_feed_and_its_generated_code_compiles_documented_for_net8_0()
    {
        string consumer = fixture.CreateConsumer("consumer-net8");
        DotNet.Run(consumer, "build", "-f", "net8.0", "-c", "Release", "--disable-build-servers");

        // Restored into the consumers' own packages folder, from the package just packed.
        string restored = Path.Combine(fixture.Packages, "staticnet", fixture.Version, $"staticnet.{fixture.Version}.nupkg");
        Assert.True(File.Exists(restored), $"StaticNet was not restored into {fixture.Packages}");
        Assert.Equal(SHA512.HashData(File.ReadAllBytes(fixture.PackagePath)), SHA512.HashData(File.ReadAllBytes(restored)));

        // The generator ran from the package (EmitCompilerGeneratedFiles writes its output under obj/) ...
        string generated = Path.Combine(consumer, "obj", "Release", "net8.0", "generated", "StaticNet.Generator", "StaticNet.Generator.NetworkGenerator", "Samples.Xor.XorNet.g.cs");
        Assert.True(File.Exists(generated), $"no generated file {generated}");

        // ... and the generated members are in the documentation file (a missing comment, CS1591, fails the build).
        string documentation = File.ReadAllText(Path.Combine(consumer, "bin", "Release", "net8.0", "Consumer.xml"));
        Assert.Contains("M:Samples.Xor.XorNet.Forward(System.ReadOnlySpan{System.Single},System.Span{System.Single})", documentation, StringComparison.Ordinal);
        Assert.Contains("M:Samples.Xor.XorNet.TrainStep(", documentation, StringComparison.Ordinal);
        Assert.Contains("F:Samples.Xor.XorNet.ParameterCount", documentation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_consumer_publishes_trimmed_and_self_contained_and_the_network_learns_xor()
    {
        string consumer = fixture.CreateConsumer("consumer-trimmed");
        string publish = Path.Combine(consumer, "publish");
        string rid = RuntimeInformation.RuntimeIdentifier;
        DotNet.Run(consumer, "publish", "-f", "net10.0", "-c", "Release", "-r", rid, "--self-contained", "-p:PublishTrimmed=true", "-o", publish, "--disable-build-servers");

        // Self-contained (the runtime is in the folder) and trimmed (an assembly the program never uses is gone).
        Assert.Contains(Directory.GetFiles(publish), f => Path.GetFileName(f).StartsWith("System.Private.CoreLib", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(publish, "System.Private.Xml.dll")), "System.Private.Xml.dll was published: the output is not trimmed");

        string program = Path.Combine(publish, OperatingSystem.IsWindows() ? "Consumer.exe" : "Consumer");
        string output = DotNet.Start(program, consumer);
        Match[] answers = XorLine().Matches(output).ToArray();
        Assert.True(answers.Length == 4, $"expected the four answers of XOR in:\n{output}");
        foreach (Match answer in answers)
        {
            double value = double.Parse(answer.Groups["value"].Value.Replace(',', '.'), CultureInfo.InvariantCulture);
            double target = double.Parse(answer.Groups["target"].Value, CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(value - target) < 0.05, $"{answer.Value.Trim()}: the trimmed program did not learn XOR");
        }
    }

    /// <summary>
    /// NativeAOT compiles the code ahead of time for the instruction set that <c>IlcInstructionSet</c> names (by default
    /// one without AVX: the 128-bit path), where the JIT compiles it for the machine it runs on. A consumer that prints
    /// every number its networks compute (Consumers/NumericsProbe.cs) is built for the JIT and run, then published with
    /// <c>PublishAot</c> (set in its project file) at the default instruction set and at <c>native</c>, and run: the
    /// initial parameters must be the same to the bit, everything else the same to 1e-5 in float and 1e-12 in double
    /// (another vector width sums in another order).
    /// </summary>
    [Fact]
    public void A_consumer_published_with_NativeAOT_computes_what_its_JIT_build_computes()
    {
        string probe = Path.Combine(fixture.RepoRoot, "tests", "StaticNet.Package.Tests", "Consumers", "NumericsProbe.cs");
        const string Aot = "<PublishAot>true</PublishAot>";

        string jitConsumer = fixture.CreateConsumer("consumer-probe-jit", probe, "net10.0", Aot);
        DotNet.Run(jitConsumer, "build", "-c", "Release", "--disable-build-servers");
        string jitOutput = DotNet.Run(jitConsumer, Path.Combine(jitConsumer, "bin", "Release", "net10.0", "Consumer.dll"));
        Dictionary<string, double[]> jit = ParseProbe(jitOutput, "JIT");
        output.WriteLine(jitOutput.Split('\n')[0]);

        foreach (string instructionSet in new[] { "", "native" })
        {
            string consumer = fixture.CreateConsumer($"consumer-probe-aot{(instructionSet.Length > 0 ? "-" + instructionSet : "")}", probe, "net10.0", Aot);
            string publish = Path.Combine(consumer, "publish");
            string[] arguments = ["publish", "-f", "net10.0", "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-o", publish, "--disable-build-servers"];
            DotNet.Run(consumer, instructionSet.Length > 0 ? [.. arguments, $"-p:IlcInstructionSet={instructionSet}"] : arguments);

            // A native executable, not an IL assembly with a runtime beside it.
            Assert.False(File.Exists(Path.Combine(publish, "Consumer.dll")), $"Consumer.dll was published: {publish} is not a NativeAOT build");
            string aotOutput = DotNet.Start(Path.Combine(publish, OperatingSystem.IsWindows() ? "Consumer.exe" : "Consumer"), consumer);
            Dictionary<string, double[]> aot = ParseProbe(aotOutput, "NativeAOT");
            string setting = instructionSet.Length > 0 ? $"IlcInstructionSet={instructionSet}" : "the default instruction set";
            output.WriteLine($"{setting}: {aotOutput.Split('\n')[0]}");

            Assert.Equal(jit.Keys.Order(StringComparer.Ordinal), aot.Keys.Order(StringComparer.Ordinal));
            double worst = 0;
            foreach ((string name, double[] expected) in jit)
            {
                if (name.EndsWith("parameters at seed 1", StringComparison.Ordinal))
                {
                    Assert.True(expected.SequenceEqual(aot[name]), $"{setting}: {name} differ from the JIT build's");
                    continue;
                }

                double tolerance = name.StartsWith("DoubleRegression", StringComparison.Ordinal) ? 1e-12 : 1e-5;
                double error = Tolerance.RelativeError(expected, aot[name]);
                worst = Math.Max(worst, error / tolerance);
                Assert.True(error <= tolerance, $"{setting}: {name} is {error:G3} from the JIT build's (tolerance {tolerance:G3})");
            }

            output.WriteLine($"{setting}: largest error {worst:P1} of the tolerance");
        }
    }

    /// <summary>Reads NumericsProbe's output: its first line names the runtime, then "name: values" per line.</summary>
    private static Dictionary<string, double[]> ParseProbe(string text, string runtime)
    {
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length > 1 && lines[0].StartsWith($"runtime: {runtime} ", StringComparison.Ordinal), $"expected the {runtime} runtime in:\n{text}");
        var values = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            values.Add(line[..colon], line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
        }

        return values;
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using Stream stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [GeneratedRegex(@"^\d xor \d = +(?<value>-?\d+[.,]\d+) \(target (?<target>\d)\)\s*$", RegexOptions.Multiline)]
    private static partial Regex XorLine();
}
