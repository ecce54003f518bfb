using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Diagnostics;

/// <summary>
/// A diagnostic in a form the incremental pipeline can compare: the syntax tree (not a <see cref="Location"/>, which
/// holds on to the compilation) keeps <c>#pragma warning disable</c> working.
/// </summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, SyntaxTree? Tree, TextSpan Span, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments) =>
        new(descriptor, location?.SourceTree, location?.SourceSpan ?? default, new EquatableArray<string>(arguments));

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Tree is null ? Location.None : Location.Create(Tree, Span), Arguments.AsSpan().ToArray());
}

/// <summary>
/// The result of parsing one <c>[Network]</c> declaration: the spec to emit (if any), its diagnostics, and what its
/// <c>Weights</c> argument asks for (checked against the weights files in a branch of its own).
/// </summary>
internal sealed record NetworkParseResult(NetworkSpec Spec, EquatableArray<DiagnosticInfo> Diagnostics, Weights.WeightsRequest? Weights = null);
