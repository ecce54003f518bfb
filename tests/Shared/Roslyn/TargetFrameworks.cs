using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using StaticNet;

namespace StaticNet.Roslyn;

/// <summary>
/// A framework the runtime library builds for, as an in-memory compilation sees it: the framework's reference assemblies
/// (from Basic.Reference.Assemblies, not the test host's implementation assemblies), that framework's build of
/// StaticNet.dll, and the preprocessor symbols the SDK defines when it builds a project for that framework.
/// </summary>
public sealed class TargetFramework
{
    private readonly Lazy<ImmutableArray<MetadataReference>> _references;

    private TargetFramework(string name, Func<ImmutableArray<MetadataReference>> framework, Func<string> runtime, string[] symbols)
    {
        Name = name;
        PreprocessorSymbols = [.. symbols];
        _references = new(() => framework().Add(MetadataReference.CreateFromFile(runtime())));
    }

    /// <summary>The tests' own framework: the StaticNet.dll they load is this framework's build.</summary>
    public static TargetFramework Net10 { get; } = new(
        "net10.0",
        () => [.. Basic.Reference.Assemblies.Net100.References.All],
        () => typeof(NetworkAttribute).Assembly.Location,
        [.. Net8Symbols(), "NET9_0_OR_GREATER", "NET10_0_OR_GREATER", "NET10_0"]);

    /// <summary>
    /// The runtime library's lowest framework; its StaticNet.dll is the net8.0 build of src/StaticNet, which the test
    /// project builds too (a ProjectReference with SetTargetFramework) and whose path it records in the RuntimeNet8 metadata.
    /// </summary>
    public static TargetFramework Net8 { get; } = new(
        "net8.0",
        () => [.. Basic.Reference.Assemblies.Net80.References.All],
        Net8Runtime,
        [.. Net8Symbols().Append("NET8_0")]);

    public static TargetFramework[] All { get; } = [Net8, Net10];

    public string Name { get; }

    /// <summary>The framework's reference assemblies and its build of StaticNet.dll.</summary>
    public ImmutableArray<MetadataReference> References => _references.Value;

    /// <summary>NETCOREAPP, NET and every *_OR_GREATER up to this framework, and the framework's own symbol.</summary>
    public ImmutableArray<string> PreprocessorSymbols { get; }

    public override string ToString() => Name;

    private static string[] Net8Symbols() =>
    [
        "NETCOREAPP", "NET",
        "NETCOREAPP1_0_OR_GREATER", "NETCOREAPP1_1_OR_GREATER", "NETCOREAPP2_0_OR_GREATER", "NETCOREAPP2_1_OR_GREATER",
        "NETCOREAPP2_2_OR_GREATER", "NETCOREAPP3_0_OR_GREATER", "NETCOREAPP3_1_OR_GREATER",
        "NET5_0_OR_GREATER", "NET6_0_OR_GREATER", "NET7_0_OR_GREATER", "NET8_0_OR_GREATER",
    ];

    private static string Net8Runtime()
    {
        string? path = typeof(TargetFramework).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "RuntimeNet8")?.Value;
        if (path is null || !File.Exists(path))
        {
            throw new InvalidOperationException($"The net8.0 build of StaticNet.dll is not at '{path}': build the test project, which builds it.");
        }

        return path;
    }
}
