using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Emit;
using StaticNet.Generator.Model;
using StaticNet.Generator.Parsing;
using StaticNet.Generator.Planning;
using StaticNet.Generator.Weights;

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

        // Weights files: the text form that build/StaticNet.targets writes for each .safetensors AdditionalFiles item
        // (a binary file cannot be read through AdditionalText), plus any raw .safetensors item, only to say it was not
        // converted. Sorted, so that the order of the project's items does not matter.
        IncrementalValueProvider<EquatableArray<WeightsFile>> weightsFiles = context.AdditionalTextsProvider
            .Where(static text => WeightsFile.IsWeightsFile(text.Path))
            .Select(WeightsFile.Read)
            .WithTrackingName(TrackingNames.WeightsFile)
            .Collect()
            .Select(static (files, _) => files.OrderBy(file => file.FullPath, StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(TrackingNames.WeightsFiles);

        // A Weights argument is checked against the files in its own branch, which carries the argument's location.
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> weightsDiagnostics = results
            .Where(static result => result.Weights is not null)
            .Select(static (result, _) => result.Weights!)
            .WithTrackingName(TrackingNames.WeightsRequest)
            .Combine(weightsFiles)
            .Select(static (pair, ct) => WeightsResolver.Check(pair.Left, pair.Right, ct))
            .WithTrackingName(TrackingNames.WeightsDiagnostics);
        context.RegisterSourceOutput(weightsDiagnostics, static (output, list) =>
        {
            foreach (DiagnosticInfo diagnostic in list)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        IncrementalValuesProvider<NetworkPlan> plans = results
            .Select(static (result, _) => result.Spec)
            .WithTrackingName(TrackingNames.Spec)
            .Combine(weightsFiles)
            .Select(static (pair, ct) => new NetworkSource(pair.Left, WeightsResolver.Bake(pair.Left, pair.Right, ct)))
            .WithTrackingName(TrackingNames.Weights)
            .Select(static (source, _) => NetworkPlanner.Plan(source.Spec, source.Weights))
            .WithTrackingName(TrackingNames.Plan);

        context.RegisterSourceOutput(plans, static (output, plan) =>
        {
            output.AddSource(plan.HintName, NetworkEmitter.Emit(plan, output.CancellationToken));
            if (plan.Weights is not null)
            {
                output.AddSource(plan.WeightsHintName, NetworkEmitter.EmitWeights(plan));
            }
        });
    }
}
