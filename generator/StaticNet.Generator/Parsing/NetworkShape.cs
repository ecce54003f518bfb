using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generator.Diagnostics;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Checks of the declaration's shape that need no parse of the attribute: shared by the analyzer, which reports
/// them, and the generator, which silently skips such types (emitting code for them would only add compiler errors).
/// </summary>
internal static class NetworkShape
{
    public const string AttributeMetadataName = "StaticNet.NetworkAttribute";

    public const LanguageVersion MinimumLanguageVersion = LanguageVersion.CSharp11;

    /// <summary>
    /// Whether the type is one StaticNet looks at: a class or record class whose name and namespace are identifiers.
    /// On anything else (a struct, an interface, an enum, a delegate, which [Network] does not apply to; a declaration
    /// whose name a syntax error left out) the compiler reports the error, and StaticNet adds none.
    /// </summary>
    public static bool IsCandidate(INamedTypeSymbol type)
    {
        if (type.TypeKind != TypeKind.Class)
        {
            return false;
        }

        for (ISymbol? current = type; current is not null && current is not INamespaceSymbol { IsGlobalNamespace: true }; current = current.ContainingSymbol)
        {
            if (!SyntaxFacts.IsValidIdentifier(current.Name))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns the first problem of the type's shape, or <see langword="null"/> when code can be generated for it.</summary>
    public static Diagnostic? FindProblem(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsGenericType)
            {
                return Diagnostic.Create(DiagnosticDescriptors.GenericTypeNotSupported, IdentifierLocation(type, cancellationToken), type.Name);
            }
        }

        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (!IsPartial(current, cancellationToken))
            {
                return Diagnostic.Create(DiagnosticDescriptors.TypeNotPartial, IdentifierLocation(current, cancellationToken), current.Name);
            }
        }

        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            // The generated part would be a different, non-file type of the same name: the user's type would silently
            // get nothing.
            if (current.IsFileLocal)
            {
                return Diagnostic.Create(DiagnosticDescriptors.FileLocalType, IdentifierLocation(current, cancellationToken), current.Name);
            }
        }

        if (type.IsStatic || type.IsAbstract)
        {
            return Diagnostic.Create(DiagnosticDescriptors.StaticOrAbstractType, IdentifierLocation(type, cancellationToken), type.Name, type.IsStatic ? "static" : "abstract");
        }

        return null;
    }

    /// <summary>Whether the syntax tree's C# version can compile the generated code (static abstract interface members, file-local types).</summary>
    public static bool IsLanguageVersionSupported(SyntaxTree tree) =>
        tree.Options is not CSharpParseOptions options || options.LanguageVersion >= MinimumLanguageVersion;

    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.DeclaringSyntaxReferences.Length > 0 &&
        type.DeclaringSyntaxReferences.All(reference =>
            reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration &&
            declaration.Modifiers.Any(SyntaxKind.PartialKeyword));

    private static Location IdentifierLocation(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is BaseTypeDeclarationSyntax declaration)
            {
                return declaration.Identifier.GetLocation();
            }
        }

        return type.Locations.FirstOrDefault() ?? Location.None;
    }
}
