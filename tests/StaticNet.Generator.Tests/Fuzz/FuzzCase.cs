using System.Collections.Generic;
using Microsoft.CodeAnalysis.CSharp;

namespace StaticNet.Generator.Tests.Fuzz;

/// <summary>What the oracle expects of a declaration.</summary>
internal enum Verdict
{
    /// <summary>Legal C# and a valid network: no error or warning, and generated code that compiles warning-free.</summary>
    Valid,

    /// <summary>Legal C#, but not a valid network: at least one SNET error, each one the oracle allows, and no compiler error.</summary>
    Invalid,

    /// <summary>The compiler itself rejects the declaration (wrong types, syntax errors, ...): at least one CS error in its files.</summary>
    CompilerRejects,
}

/// <summary>
/// One fuzzed declaration: its files (their names start with <see cref="Id"/>), what the oracle expects, the SNET
/// errors it allows, and the compilation settings it needs. <see cref="Template"/> names the text around the attribute
/// (the hierarchy, the modifiers, the other members); <see cref="UsesGeneratedMembers"/> says whether that text uses
/// the members the generator adds, so that it compiles only together with the generated file.
/// </summary>
internal sealed record FuzzCase(
    int Number,
    string Category,
    string Template,
    bool UsesGeneratedMembers,
    Verdict Verdict,
    IReadOnlyCollection<string> AllowedErrors,
    IReadOnlyList<string> Files,
    LanguageVersion Version = LanguageVersion.Latest,
    bool AllowUnsafe = true,
    bool ExpectsHeapScratch = false)
{
    /// <summary>The tag that names the case's files, namespace or type, e.g. <c>C00042</c>.</summary>
    public string Id => Tag(Number);

    public static string Tag(int number) => $"C{number:D5}";
}
