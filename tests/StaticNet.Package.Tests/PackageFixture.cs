using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;

namespace StaticNet.Package.Tests;

/// <summary>
/// Packs StaticNet once for the tests of a class: <c>dotnet pack src/StaticNet -c Release</c> into a new, empty folder
/// feed in a temporary directory, beside an empty packages folder that the consumers restore into (so no cached
/// StaticNet package from an earlier build can ever be used).
/// </summary>
public sealed class PackageFixture : IDisposable
{
    public PackageFixture()
    {
        RepoRoot = typeof(PackageFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
        Version = XDocument.Load(Path.Combine(RepoRoot, "Directory.Build.props")).Descendants("Version").Single().Value;
        Root = Directory.CreateTempSubdirectory("staticnet-package-").FullName;
        Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
        Packages = Directory.CreateDirectory(Path.Combine(Root, "packages")).FullName;
        PackOutput = DotNet.Run(RepoRoot, "pack", Path.Combine(RepoRoot, "src", "StaticNet", "StaticNet.csproj"), "-c", "Release", "-o", Feed, "--disable-build-servers");
        PackagePath = Path.Combine(Feed, $"StaticNet.{Version}.nupkg");
    }

    /// <summary>The repository's root folder.</summary>
    public string RepoRoot { get; }

    /// <summary>The version in Directory.Build.props: the package's version.</summary>
    public string Version { get; }

    /// <summary>The temporary folder that holds the feed, the packages folder and the consumers.</summary>
    public string Root { get; }

    /// <summary>The local folder feed that holds only the package just packed.</summary>
    public string Feed { get; }

    /// <summary>The consumers' own, initially empty, global packages folder.</summary>
    public string Packages { get; }

    /// <summary>What <c>dotnet pack</c> printed.</summary>
    public string PackOutput { get; }

    /// <summary>The package file.</summary>
    public string PackagePath { get; }

    /// <summary>
    /// Writes a consumer project into a new folder: <paramref name="program"/> (by default the Xor sample's Program.cs)
    /// compiled against the package for <paramref name="targetFrameworks"/>, with warnings as errors, XML documentation
    /// required, the trim, AOT and single-file analyzers on, <paramref name="properties"/> (more MSBuild properties), and
    /// its own NuGet.config.
    /// </summary>
    public string CreateConsumer(string name, string? program = null, string targetFrameworks = "net10.0;net8.0", string properties = "")
    {
        program ??= Path.Combine(RepoRoot, "samples", "Xor", "Program.cs");
        string directory = Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

        // Stops MSBuild's search for Directory.Build.* files above the consumer: it is a project of its own.
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />\n");

        // StaticNet comes only from the folder feed (package source mapping); everything else (the framework's
        // targeting and runtime packs, ILLink) from nuget.org; all of it into the consumers' own packages folder.
        File.WriteAllText(Path.Combine(directory, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Packages}" />
              </config>
              <packageSources>
                <clear />
                <add key="staticnet-feed" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="staticnet-feed">
                  <package pattern="StaticNet" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);

        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFrameworks>{targetFrameworks}</TargetFrameworks>
                <Nullable>enable</Nullable>
                <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <WarningLevel>9999</WarningLevel>
                <GenerateDocumentationFile>true</GenerateDocumentationFile>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
                <EnableTrimAnalyzer>true</EnableTrimAnalyzer>
                <EnableAotAnalyzer>true</EnableAotAnalyzer>
                <EnableSingleFileAnalyzer>true</EnableSingleFileAnalyzer>
                <TrimmerSingleWarn>false</TrimmerSingleWarn>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="StaticNet" Version="{Version}" />
                <Compile Include="{program}" Link="Program.cs" />
              </ItemGroup>
            </Project>
            """);
        return directory;
    }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("STATICNET_KEEP_PACKAGE_TESTS") != "1")
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
