using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Emit;
using StaticNet.Generator.Model;
using StaticNet.Generator.Parsing;
using StaticNet.Generator.Planning;

namespace StaticNet.Generator;

/// <summary>
/// Emits the forward pass, backward pass and training step of every <c>[Network]</c> declaration. The pipeline reads
/// top to bottom: parse each attribute, report its diagnostics apart from the code, plan, emit.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<NetworkParseResult> results = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkShape.AttributeMetadataName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                NetworkParser.Parse)
            .Where(static result => result is not null)
            .Select(static (result, _) => result!)
            .WithTrackingName(TrackingNames.Parse);

        // Diagnostics have their own output, so that moving a squiggle never re-emits code.
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = results
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (output, list) =>
        {
            foreach (DiagnosticInfo diagnostic in list)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        IncrementalValueProvider<TargetInfo> target = context.CompilationProvider
            .Select(static (compilation, _) => new TargetInfo(compilation.Options is CSharpCompilationOptions { AllowUnsafe: true }))
            .WithTrackingName(TrackingNames.Target);

        IncrementalValuesProvider<NetworkPlan> plans = results
            .Select(static (result, _) => result.Spec)
            .WithTrackingName(TrackingNames.Spec)
            .Combine(target)
            .Select(static (pair, _) => NetworkPlanner.Plan(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.Plan);

        context.RegisterSourceOutput(plans, static (output, plan) =>
            output.AddSource(plan.HintName, NetworkEmitter.Emit(plan, output.CancellationToken)));
    }
}
