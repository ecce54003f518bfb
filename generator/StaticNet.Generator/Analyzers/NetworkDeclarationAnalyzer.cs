using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Parsing;

namespace StaticNet.Generator.Analyzers;

/// <summary>
/// Reports the problems of a <c>[Network]</c> type's shape (not partial, generic, file-local, static or abstract) and of the
/// language version, and layer attributes on a type without <c>[Network]</c>. The generator skips such types silently; the attribute's arguments are checked by the generator itself.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkDeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.LanguageVersionNotSupported,
        DiagnosticDescriptors.TypeNotPartial,
        DiagnosticDescriptors.GenericTypeNotSupported,
        DiagnosticDescriptors.StaticOrAbstractType,
        DiagnosticDescriptors.FileLocalType,
        DiagnosticDescriptors.PrimaryConstructor,
        DiagnosticDescriptors.UnsupportedBaseClass,
        DiagnosticDescriptors.RequiredMember,
        DiagnosticDescriptors.ReservedMember,
        DiagnosticDescriptors.LayerWithoutNetwork);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? attributeType = start.Compilation.GetTypeByMetadataName(NetworkShape.AttributeMetadataName);
            if (attributeType is null)
            {
                return;
            }

            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, attributeType), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol attributeType)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (!NetworkShape.IsCandidate(type))
        {
            return;
        }

        AttributeData? attribute = null;
        foreach (AttributeData candidate in type.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(candidate.AttributeClass, attributeType))
            {
                attribute = candidate;
                break;
            }
        }

        if (attribute is null)
        {
            // Layer attributes alone declare nothing: say so on the first one rather than generate nothing in silence.
            foreach (AttributeData candidate in type.GetAttributes())
            {
                if (candidate.AttributeClass?.ToDisplayString() is string name && NetworkParser.LayerAttributeKinds.ContainsKey(name) &&
                    candidate.ApplicationSyntaxReference is { } layer)
                {
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LayerWithoutNetwork, layer.GetSyntax(context.CancellationToken).GetLocation(), type.Name, candidate.AttributeClass.Name.Replace("Attribute", string.Empty)));
                    return;
                }
            }

            return;
        }

        if (attribute.ApplicationSyntaxReference is not { } reference)
        {
            return;
        }

        if (NetworkShape.FindProblem(type, context.CancellationToken) is { } problem)
        {
            context.ReportDiagnostic(problem);
            return;
        }

        if (!NetworkShape.IsLanguageVersionSupported(reference.SyntaxTree))
        {
            Location location = reference.GetSyntax(context.CancellationToken).GetLocation();
            LanguageVersion version = ((CSharpParseOptions)reference.SyntaxTree.Options).LanguageVersion;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.LanguageVersionNotSupported, location, type.Name, version.ToDisplayString()));
        }
    }
}
