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

        return FindMemberProblem(type, cancellationToken);
    }

    /// <summary>
    /// The names of the members the generator declares on a network (both kinds, every loss: one list, so that a name
    /// does not become legal or illegal with the loss): a member of the user's type, or of a base type, by one of them would
    /// collide with a generated one or be hidden by it.
    /// </summary>
    public static readonly string[] ReservedNames =
    [
        "InputSize", "OutputSize", "ParameterCount", "StateSize", "DefaultSeed", "LayerSizes", "Topology", "Parameters", "Create",
        "Step", "Forward", "ForwardBatch", "ComputeLoss", "Backward", "BackwardBatch", "TrainStep", "Predict",
        "_staticNetParameters", "_staticNetOffset",
    ];

    /// <summary>
    /// What of the type's members or base class the generated members cannot live with: a primary constructor (the
    /// generated constructors would have to call it), a base class that is a network (its members would be hidden) or
    /// has no parameterless constructor the generated ones can call, a required member (<c>Create(seed)</c> cannot set
    /// it), a member or constructor the generator declares itself.
    /// </summary>
    private static Diagnostic? FindMemberProblem(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax { ParameterList: { } parameters })
            {
                return Diagnostic.Create(DiagnosticDescriptors.PrimaryConstructor, parameters.GetLocation(), type.Name);
            }
        }

        if (type.BaseType is { SpecialType: not SpecialType.System_Object } baseType)
        {
            if (IsNetwork(baseType))
            {
                return Diagnostic.Create(DiagnosticDescriptors.UnsupportedBaseClass, BaseLocation(type, cancellationToken), type.Name, baseType.Name,
                    "another network, whose members the generated ones would hide", "hold that network in a field");
            }

            // A constructor the generated ones can call as base(): no required argument, and visible to the derived type.
            bool callable = baseType.InstanceConstructors.Any(constructor =>
                constructor.Parameters.All(parameter => parameter.IsOptional || parameter.IsParams) &&
                (constructor.DeclaredAccessibility is Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal ||
                 (constructor.DeclaredAccessibility is Accessibility.Internal or Accessibility.ProtectedAndInternal &&
                  SymbolEqualityComparer.Default.Equals(constructor.ContainingAssembly, type.ContainingAssembly))));
            if (!callable)
            {
                return Diagnostic.Create(DiagnosticDescriptors.UnsupportedBaseClass, BaseLocation(type, cancellationToken), type.Name, baseType.Name,
                    "which has no parameterless constructor the generated constructors could call", "give it a parameterless constructor (it may be protected)");
            }
        }

        for (INamedTypeSymbol? current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (ISymbol member in current.GetMembers())
            {
                if (member is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true })
                {
                    return Diagnostic.Create(DiagnosticDescriptors.RequiredMember, MemberLocation(member, type, cancellationToken), type.Name, member.Name);
                }
            }
        }

        foreach (ISymbol member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared || IsGenerated(member))
            {
                continue;
            }

            if (member is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor &&
                (constructor.Parameters.Length == 0 || (constructor.Parameters.Length == 1 && constructor.Parameters[0].Type.SpecialType == SpecialType.System_Int32)))
            {
                return Diagnostic.Create(DiagnosticDescriptors.ReservedMember, MemberLocation(member, type, cancellationToken), type.Name,
                    constructor.Parameters.Length == 0 ? $"a parameterless constructor" : "a constructor that takes one int",
                    "the generated constructors (new(), and new(int seed), which initialises the parameters from a seed)");
            }

            if (System.Array.IndexOf(ReservedNames, member.Name) >= 0)
            {
                return Diagnostic.Create(DiagnosticDescriptors.ReservedMember, MemberLocation(member, type, cancellationToken), type.Name,
                    $"a member named '{member.Name}'", "a generated member of that name");
            }
        }

        for (INamedTypeSymbol? current = type.BaseType; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (ISymbol member in current.GetMembers())
            {
                if (!member.IsImplicitlyDeclared && member.DeclaredAccessibility != Accessibility.Private && System.Array.IndexOf(ReservedNames, member.Name) >= 0)
                {
                    return Diagnostic.Create(DiagnosticDescriptors.ReservedMember, BaseLocation(type, cancellationToken), type.Name,
                        $"a base class '{current.Name}' with a member named '{member.Name}'", "a generated member of that name, which would hide it");
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the member is one StaticNet generated: the analyzer sees the compilation with the generated files, whose
    /// paths are <c>StaticNet.Generator/StaticNet.Generator.NetworkGenerator/...</c>.
    /// </summary>
    private static bool IsGenerated(ISymbol member) =>
        member.DeclaringSyntaxReferences.Length > 0 &&
        member.DeclaringSyntaxReferences.All(reference => reference.SyntaxTree.FilePath.Replace('\\', '/').Contains("StaticNet.Generator/StaticNet.Generator.NetworkGenerator/"));

    /// <summary>Whether the type is a generated network: it has [Network] or implements a network interface.</summary>
    private static bool IsNetwork(INamedTypeSymbol type) =>
        type.GetAttributes().Any(attribute => attribute.AttributeClass?.ToDisplayString() == AttributeMetadataName) ||
        type.AllInterfaces.Any(candidate => candidate.ContainingNamespace?.ToDisplayString() == "StaticNet" &&
            candidate.Name is "INetwork" or "ISequenceNetwork");

    /// <summary>The base class in the base list of the user's declaration, or the type's name.</summary>
    private static Location BaseLocation(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax { BaseList.Types: { Count: > 0 } types })
            {
                return types[0].GetLocation();
            }
        }

        return IdentifierLocation(type, cancellationToken);
    }

    /// <summary>The member's name in the user's code (a member of a base type from metadata: the network's name).</summary>
    private static Location MemberLocation(ISymbol member, INamedTypeSymbol type, CancellationToken cancellationToken) =>
        member.Locations.FirstOrDefault(location => location.IsInSource) ?? IdentifierLocation(type, cancellationToken);

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
