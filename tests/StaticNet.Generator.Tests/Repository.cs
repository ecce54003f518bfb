using System.IO;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using StaticNet.Generator.Diagnostics;

namespace StaticNet.Generator.Tests;

/// <summary>The repository around the tests: its root folder, Directory.Build.props and the diagnostic catalog.</summary>
internal static class Repository
{
    /// <summary>The repository's root folder (set at build time from MSBuild's RepoRoot).</summary>
    public static readonly string Root = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    /// <summary>Every descriptor in <see cref="DiagnosticDescriptors"/>, in the order they are declared.</summary>
    public static DiagnosticDescriptor[] Descriptors => typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(member => member.FieldType == typeof(DiagnosticDescriptor))
        .Select(member => (DiagnosticDescriptor)member.GetValue(null)!)
        .ToArray();

    /// <summary>A property set in Directory.Build.props.</summary>
    public static string BuildProperty(string name) =>
        XDocument.Load(Path.Combine(Root, "Directory.Build.props")).Descendants(name).Single().Value;

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);
}
