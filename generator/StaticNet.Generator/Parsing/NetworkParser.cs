using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Emit;
using StaticNet.Generator.Layers;
using StaticNet.Generator.Layers.Conv1D;
using StaticNet.Generator.Layers.Dense;
using StaticNet.Generator.Layers.Recurrent;
using StaticNet.Generator.Model;
using StaticNet.Generator.Planning;
using StaticNet.Generator.Weights;

namespace StaticNet.Generator.Parsing;

/// <summary>Turns one <c>[Network]</c> attribute into a <see cref="NetworkSpec"/> and the diagnostics of its arguments.</summary>
internal static class NetworkParser
{
    private const string LayersName = "Layers";
    private const string InputName = "Input";
    private const string ActivationName = "Activation";
    private const string OutputName = "Output";
    private const string ActivationsName = "Activations";
    private const string LossName = "Loss";
    private const string PrecisionName = "Precision";
    private const string WeightsName = "Weights";
    private const string WeightNamesName = "WeightNames";

    /// <summary>
    /// Parses the declaration, or returns <see langword="null"/> for one the generator must not emit code for: a shape
    /// problem or an old language version (both reported by the analyzer), a declaration or attribute the compiler
    /// already rejects (reported by the compiler), or the second of duplicate attributes.
    /// </summary>
    public static NetworkParseResult? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type ||
            !NetworkShape.IsCandidate(type) ||
            context.Attributes.IsEmpty ||
            !NetworkShape.IsLanguageVersionSupported(context.TargetNode.SyntaxTree) ||
            NetworkShape.FindProblem(type, cancellationToken) is not null ||
            !DeclaresFirstNetworkAttribute(type, context.TargetNode))
        {
            return null;
        }

        AttributeData attribute = context.Attributes[0];
        if (attribute.NamedArguments.Any(argument => HasErrors(argument.Value)) || attribute.ConstructorArguments.Any(HasErrors) ||
            IsRejectedByTheCompiler(attribute, context.SemanticModel, cancellationToken))
        {
            return null;
        }

        List<AttributeData> layers = LayerAttributes(type);
        if (layers.Any(layer => IsLayerRejectedByTheCompiler(layer, context.SemanticModel, cancellationToken)))
        {
            return null;
        }

        var parser = new ArgumentReader(attribute, cancellationToken);
        return parser.Read(GetHierarchy(type), ShortNamesAreSafe(type, context.SemanticModel, context.TargetNode.SpanStart), layers, context.TargetNode);
    }

    /// <summary>The metadata names of the layer attributes, and the layer kind each declares.</summary>
    internal static readonly IReadOnlyDictionary<string, LayerKind> LayerAttributeKinds = new Dictionary<string, LayerKind>(StringComparer.Ordinal)
    {
        ["StaticNet.DenseAttribute"] = LayerKind.Dense,
        ["StaticNet.Conv1DAttribute"] = LayerKind.Conv1D,
        ["StaticNet.GruAttribute"] = LayerKind.Gru,
        ["StaticNet.LstmAttribute"] = LayerKind.Lstm,
    };

    /// <summary>The layer attributes of the type, in source order (by file, then position).</summary>
    private static List<AttributeData> LayerAttributes(INamedTypeSymbol type) => type.GetAttributes()
        .Where(attribute => attribute.AttributeClass?.ToDisplayString() is string name && LayerAttributeKinds.ContainsKey(name))
        .OrderBy(attribute => attribute.ApplicationSyntaxReference?.SyntaxTree.FilePath, StringComparer.Ordinal)
        .ThenBy(attribute => attribute.ApplicationSyntaxReference?.Span.Start ?? 0)
        .ToList();

    /// <summary>Whether the compiler reports an error on a layer attribute (a missing or mistyped size, an unknown property): then its values mean nothing.</summary>
    private static bool IsLayerRejectedByTheCompiler(AttributeData attribute, SemanticModel model, CancellationToken cancellationToken)
    {
        if (attribute.AttributeConstructor is null || attribute.ConstructorArguments.Any(HasErrors) || attribute.NamedArguments.Any(argument => HasErrors(argument.Value)))
        {
            return true;
        }

        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax)
        {
            return true;
        }

        // An attribute in another file is reported as misplaced (SNET0023); only the compiler's word on this file is read here.
        return syntax.ContainsDiagnostics ||
            (syntax.SyntaxTree == model.SyntaxTree && model.GetDiagnostics(syntax.Span, cancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>
    /// Whether the compiler reports an error on the attribute itself: a syntax error, an argument of the wrong type or
    /// not constant, an unknown or positional argument, a repeated argument. The values Roslyn recovers from such an
    /// attribute (a double read as an int, an argument left out) mean nothing, so the generator reports nothing of its
    /// own on them and leaves the word to the compiler.
    /// </summary>
    /// <remarks>
    /// The compiler's diagnostics for a span cost a walk over every declaration of the compilation, so they are asked
    /// for only when a look at the bound attribute finds something off; the answer is always the compiler's.
    /// </remarks>
    private static bool IsRejectedByTheCompiler(AttributeData attribute, SemanticModel model, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax || syntax.SyntaxTree != model.SyntaxTree)
        {
            return true;
        }

        if (syntax.ContainsDiagnostics)
        {
            return true;
        }

        return LooksWrong(syntax, model, cancellationToken) &&
            model.GetDiagnostics(syntax.Span, cancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error);
    }

    /// <summary>Whether the bound attribute shows a sign of a compiler error (false alarms only cost time).</summary>
    private static bool LooksWrong(AttributeSyntax syntax, SemanticModel model, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (AttributeArgumentSyntax argument in syntax.ArgumentList?.Arguments ?? default)
        {
            // NetworkAttribute takes named properties only, each once.
            if (argument.NameEquals is null || !names.Add(argument.NameEquals.Name.Identifier.ValueText))
            {
                return true;
            }
        }

        if (model.GetOperation(syntax, cancellationToken) is not { } operation)
        {
            return true;
        }

        foreach (IOperation node in operation.DescendantsAndSelf())
        {
            switch (node)
            {
                case { Kind: OperationKind.Invalid }:
                case IConversionOperation conversion when !conversion.Conversion.Exists || (conversion.IsImplicit && !conversion.Conversion.IsImplicit):
                case ISimpleAssignmentOperation assignment when !IsAttributeConstant(assignment.Value):
                case IArrayCreationOperation { Initializer: { } initializer } array when array.DimensionSizes.Length != 1 ||
                    array.DimensionSizes[0].ConstantValue is not { HasValue: true, Value: int length } || length != initializer.ElementValues.Length:
                    return true;
            }
        }

        return false;

        // What an attribute argument may be: a constant, or an array or collection of constants.
        static bool IsAttributeConstant(IOperation value) => value switch
        {
            { ConstantValue.HasValue: true } => true,
            IConversionOperation conversion => IsAttributeConstant(conversion.Operand),
            IArrayCreationOperation array => array.Initializer is null ? array.DimensionSizes.All(IsAttributeConstant) : array.Initializer.ElementValues.All(IsAttributeConstant),
            { Syntax: CollectionExpressionSyntax } => value.ChildOperations.All(IsAttributeConstant),
            _ => false,
        };
    }

    private static bool HasErrors(TypedConstant constant) =>
        constant.Kind == TypedConstantKind.Error ||
        (constant.Kind == TypedConstantKind.Array && !constant.IsNull && constant.Values.Any(HasErrors));

    /// <summary>
    /// With the attribute applied twice, on two partial declarations (an error the compiler reports), generate for the
    /// declaration that holds the first application only, so that two outputs never share a file name.
    /// </summary>
    private static bool DeclaresFirstNetworkAttribute(INamedTypeSymbol type, SyntaxNode declaration)
    {
        AttributeData? first = null;
        foreach (AttributeData candidate in type.GetAttributes())
        {
            if (candidate.AttributeClass?.ToDisplayString() != NetworkShape.AttributeMetadataName)
            {
                continue;
            }

            if (first is null || Compare(candidate.ApplicationSyntaxReference, first.ApplicationSyntaxReference) < 0)
            {
                first = candidate;
            }
        }

        return first?.ApplicationSyntaxReference is not { } reference ||
            (reference.SyntaxTree == declaration.SyntaxTree && declaration.Span.Contains(reference.Span));

        static int Compare(SyntaxReference? left, SyntaxReference? right)
        {
            int byPath = string.CompareOrdinal(left?.SyntaxTree.FilePath, right?.SyntaxTree.FilePath);
            return byPath != 0 ? byPath : (left?.Span.Start ?? 0).CompareTo(right?.Span.Start ?? 0);
        }
    }

    /// <summary>
    /// Whether the generated file may name the types it uses by their simple names, through <c>using</c> directives of its
    /// own. In that file a simple name is looked up first among the nested types of the network's type and of the types
    /// around it, then among the members of its namespace, then in the usings of its namespace declaration (ours); so for
    /// a network in a namespace it is safe when none of the former declares a type or namespace of one of the names. In
    /// the global namespace our usings share their lookup step with the project's global usings, so there a name must
    /// also look up, at the declaration, to nothing or to the very type the generated code means. The usings themselves
    /// are bound from inside the network's namespace, so no enclosing namespace may hold a member named like the first
    /// part of one of them (a namespace <c>MyApp.System</c> would capture <c>using System.Runtime.CompilerServices;</c>).
    /// The locals and local functions of top-level statements are in scope in the whole global namespace too (a use from
    /// another type is error CS8801), and the lookup of namespaces and types does not see them, so there a name must not
    /// be declared by a top-level statement either (a local function <c>Dense&lt;T&gt;</c> captured <c>Dense&lt;float&gt;</c>).
    /// </summary>
    private static bool ShortNamesAreSafe(INamedTypeSymbol type, SemanticModel model, int position)
    {
        HashSet<string> topLevel = type.ContainingNamespace.IsGlobalNamespace ? TopLevelNames(model.Compilation) : [];
        foreach (string root in EmitContext.Imports.Values.Select(ns => ns.Split('.')[0]).Distinct())
        {
            for (INamespaceSymbol? enclosing = type.ContainingNamespace; enclosing is { IsGlobalNamespace: false }; enclosing = enclosing.ContainingNamespace)
            {
                if (enclosing.GetMembers(root).Any())
                {
                    return false;
                }
            }
        }

        foreach (KeyValuePair<string, string> import in EmitContext.Imports)
        {
            string name = import.Key;
            if (type.ContainingNamespace.GetMembers(name).Any())
            {
                return false;
            }

            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                for (INamedTypeSymbol? declaring = current; declaring is not null; declaring = declaring.BaseType)
                {
                    if (!declaring.GetTypeMembers(name).IsEmpty)
                    {
                        return false;
                    }
                }
            }

            if (type.ContainingNamespace.IsGlobalNamespace &&
                (topLevel.Contains(name) ||
                 model.LookupNamespacesAndTypes(position, name: name).Any(symbol => symbol.ContainingNamespace?.ToDisplayString() != import.Value)))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The names that the compilation's top-level statements declare: their local functions and, more than needed but
    /// never less, every variable declared anywhere inside them (locals, patterns, <c>out var</c>, deconstructions).
    /// </summary>
    private static HashSet<string> TopLevelNames(Compilation compilation)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            if (tree.GetRoot() is not CompilationUnitSyntax unit)
            {
                continue;
            }

            foreach (GlobalStatementSyntax statement in unit.Members.OfType<GlobalStatementSyntax>())
            {
                if (statement.Statement is LocalFunctionStatementSyntax function)
                {
                    names.Add(function.Identifier.ValueText);
                }

                foreach (SyntaxNode node in statement.Statement.DescendantNodesAndSelf())
                {
                    switch (node)
                    {
                        case VariableDeclaratorSyntax variable: names.Add(variable.Identifier.ValueText); break;
                        case SingleVariableDesignationSyntax designation: names.Add(designation.Identifier.ValueText); break;
                    }
                }
            }
        }

        return names;
    }

    private static HierarchyInfo GetHierarchy(INamedTypeSymbol type)
    {
        var types = new List<TypeDeclarationInfo>();
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            types.Insert(0, new TypeDeclarationInfo(Keyword(current), Identifier(current.Name)));
        }

        // The display string spells a keyword namespace part as @namespace, as the generated code must.
        string ns = type.ContainingNamespace.IsGlobalNamespace ? string.Empty : type.ContainingNamespace.ToDisplayString();
        return new HierarchyInfo(ns, types.ToEquatableArray());

        // A type named with a keyword (@class, @record) keeps its @ in the generated code.
        static string Identifier(string name) =>
            SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

        static string Keyword(INamedTypeSymbol symbol) => symbol switch
        {
            { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
            { IsRecord: true } => "record",
            { TypeKind: TypeKind.Struct } => "struct",
            { TypeKind: TypeKind.Interface } => "interface",
            _ => "class",
        };
    }

    /// <summary>Reads and validates the named arguments of one attribute application.</summary>
    private sealed class ArgumentReader
    {
        private readonly AttributeData _attribute;
        private readonly CancellationToken _cancellationToken;
        private readonly AttributeSyntax? _syntax;
        private readonly Dictionary<string, TypedConstant> _arguments = new(StringComparer.Ordinal);
        private readonly List<DiagnosticInfo> _diagnostics = new();

        public ArgumentReader(AttributeData attribute, CancellationToken cancellationToken)
        {
            _attribute = attribute;
            _cancellationToken = cancellationToken;
            _syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                _arguments[argument.Key] = argument.Value;
            }
        }

        private bool HasErrors => _diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error);

        public NetworkParseResult Read(HierarchyInfo hierarchy, bool shortNames, List<AttributeData> layerAttributes, SyntaxNode declaration)
        {
            Loss loss = ReadEnum(LossName, Loss.MeanSquaredError, (int)Loss.BinaryCrossEntropy, "Loss");
            Precision precision = ReadEnum(PrecisionName, Precision.Single, (int)Precision.Double, "Precision");
            EquatableArray<LayerSpec> layers = layerAttributes.Count > 0 || _arguments.ContainsKey(InputName)
                ? ReadLayerAttributes(loss, precision, layerAttributes, declaration)
                : ReadLayersForm(loss, precision);
            bool sequence = layerAttributes.Any(attribute => LayerAttributeKinds[attribute.AttributeClass!.ToDisplayString()] != LayerKind.Dense);
            return Finish(hierarchy, shortNames, loss, precision, layers, sequence);
        }

        /// <summary>
        /// The long form: <c>Input</c> and one layer attribute per layer, in source order, on the declaration that holds
        /// <c>[Network]</c>. Every problem is reported; the layers are returned only when there is none.
        /// </summary>
        private EquatableArray<LayerSpec> ReadLayerAttributes(Loss loss, Precision precision, List<AttributeData> attributes, SyntaxNode declaration)
        {
            string name = TargetName();
            if (_arguments.ContainsKey(LayersName))
            {
                Report(DiagnosticDescriptors.LayersDeclaredTwice, ArgumentLocation(LayersName), name,
                    attributes.Count > 0 ? "gives both 'Layers' and layer attributes" : "gives both 'Layers' and 'Input'");
            }

            foreach (string property in new[] { ActivationName, OutputName, ActivationsName }.Where(_arguments.ContainsKey))
            {
                Report(DiagnosticDescriptors.LayersDeclaredTwice, ArgumentLocation(property), name, $"gives '{property}', which belongs to the Layers form, with layer attributes");
            }

            if (attributes.FirstOrDefault(attribute => attribute.ApplicationSyntaxReference is not { } reference ||
                reference.SyntaxTree != declaration.SyntaxTree || !declaration.Span.Contains(reference.Span)) is { } misplaced)
            {
                Report(DiagnosticDescriptors.LayerAttributesSpread, misplaced.ApplicationSyntaxReference?.GetSyntax(_cancellationToken).GetLocation() ?? AttributeLocation(), name);
            }

            int input = 0;
            if (!_arguments.TryGetValue(InputName, out TypedConstant inputArgument))
            {
                Report(DiagnosticDescriptors.LayerArgumentOutOfRange, AttributeLocation(), "'Input' of [Network]", "missing", "the number of inputs of one frame, as in [Network(Input = 1)]");
            }
            else if ((input = inputArgument.Value is int value ? value : 0) < 1)
            {
                Report(DiagnosticDescriptors.LayerArgumentOutOfRange, ArgumentLocation(InputName), "'Input' of [Network]", input.ToString(CultureInfo.InvariantCulture), "the number of inputs of one frame, at least 1");
            }

            if (attributes.Count == 0)
            {
                // With Layers too, SNET0022 has said what to do.
                if (!_arguments.ContainsKey(LayersName))
                {
                    Report(DiagnosticDescriptors.LayersMissing, ArgumentLocation(InputName), name, "'Input' is given, but no layer attribute");
                }

                return EquatableArray<LayerSpec>.Empty;
            }

            var specs = new List<LayerSpec>();
            int inputs = Math.Max(input, 1);
            bool tooLarge = false;
            Activation last = Activation.Identity;
            for (int i = 0; i < attributes.Count; i++)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                AttributeData attribute = attributes[i];
                LayerKind kind = LayerAttributeKinds[attribute.AttributeClass!.ToDisplayString()];
                string label = $"layer {i + 1} ([{kind}])";
                int size = attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Value is int given ? given : 0;
                if (size < 1)
                {
                    Report(DiagnosticDescriptors.LayerArgumentOutOfRange, LayerLocation(attribute, null), $"The size of {label}", size.ToString(CultureInfo.InvariantCulture), "every layer a size of at least 1");
                }

                Activation activation = Activation.Identity;
                if (Named(attribute, ActivationName) is int activationValue)
                {
                    if (!ActivationFacts.IsDefined(activationValue))
                    {
                        Report(DiagnosticDescriptors.UndefinedEnumValue, LayerLocation(attribute, ActivationName), $"Activation of {label}", activationValue.ToString(CultureInfo.InvariantCulture), "Activation");
                    }
                    else if ((activation = (Activation)activationValue) == Activation.Softmax && i < attributes.Count - 1)
                    {
                        Report(DiagnosticDescriptors.SoftmaxOnHiddenLayer, LayerLocation(attribute, ActivationName), (i + 1).ToString(CultureInfo.InvariantCulture));
                    }
                }

                int kernelSize = 1, dilation = 1;
                if (kind == LayerKind.Conv1D)
                {
                    kernelSize = Named(attribute, "KernelSize") ?? 0;
                    dilation = Named(attribute, "Dilation") ?? 1;
                    if (kernelSize < 1)
                    {
                        Report(DiagnosticDescriptors.LayerArgumentOutOfRange, LayerLocation(attribute, "KernelSize"), $"'KernelSize' of {label}",
                            Named(attribute, "KernelSize") is null ? "missing" : kernelSize.ToString(CultureInfo.InvariantCulture), "the number of taps, at least 1 (it is required)");
                    }

                    if (dilation < 1)
                    {
                        Report(DiagnosticDescriptors.LayerArgumentOutOfRange, LayerLocation(attribute, "Dilation"), $"'Dilation' of {label}", dilation.ToString(CultureInfo.InvariantCulture), "the distance in frames between taps, at least 1");
                    }
                }

                if (size < 1 || kernelSize < 1 || dilation < 1)
                {
                    continue;
                }

                // Every count the kernels index with an int must fit: four gates, a convolution's window and its history.
                tooLarge |= 4L * size > NetworkPlanner.MaxArrayLength || (long)inputs * kernelSize > NetworkPlanner.MaxArrayLength ||
                    (long)(kernelSize - 1) * dilation * inputs > NetworkPlanner.MaxArrayLength;
                specs.Add(kind switch
                {
                    LayerKind.Conv1D => new Conv1DLayerSpec(inputs, size, activation, kernelSize, dilation),
                    LayerKind.Gru => new GruLayerSpec(inputs, size),
                    LayerKind.Lstm => new LstmLayerSpec(inputs, size),
                    _ => new DenseLayerSpec(inputs, size, activation),
                });
                inputs = size;
                last = activation;
            }

            if (HasErrors)
            {
                return EquatableArray<LayerSpec>.Empty;
            }

            CheckLoss(loss, last);
            EquatableArray<LayerSpec> layers = specs.ToEquatableArray();
            long parameters = tooLarge ? long.MaxValue : layers.Sum(layer => layer.ParameterCount);
            long memory = tooLarge ? long.MaxValue : layers.Any(layer => layer.Kind != LayerKind.Dense) ? NetworkPlanner.StepMemoryLength(layers) : NetworkPlanner.ScratchLength(layers);
            if (NetworkPlanner.ParameterArrayLength(parameters, precision) > NetworkPlanner.MaxArrayLength || memory > NetworkPlanner.MaxArrayLength)
            {
                Report(DiagnosticDescriptors.NetworkTooLarge, ArgumentLocation(InputName) ?? AttributeLocation(),
                    tooLarge ? "more than " + NetworkPlanner.MaxArrayLength.ToString(CultureInfo.InvariantCulture) : ParameterText(parameters, precision),
                    tooLarge ? "more than " + NetworkPlanner.MaxArrayLength.ToString(CultureInfo.InvariantCulture) : memory.ToString(CultureInfo.InvariantCulture),
                    NetworkPlanner.MaxArrayLength.ToString(CultureInfo.InvariantCulture));
            }

            return HasErrors ? EquatableArray<LayerSpec>.Empty : layers;
        }

        /// <summary>The value of a named int (or enum) argument of a layer attribute, or null when it is not given.</summary>
        private static int? Named(AttributeData attribute, string name)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key == name)
                {
                    return argument.Value.Value is int value ? value : null;
                }
            }

            return null;
        }

        /// <summary>Where a layer attribute's argument is (its size with <paramref name="argument"/> null), or the attribute itself.</summary>
        private Location? LayerLocation(AttributeData attribute, string? argument)
        {
            if (attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken) is not AttributeSyntax syntax)
            {
                return AttributeLocation();
            }

            AttributeArgumentSyntax? found = syntax.ArgumentList?.Arguments.FirstOrDefault(candidate => argument is null
                ? candidate.NameEquals is null && candidate.NameColon is null
                : candidate.NameEquals?.Name.Identifier.ValueText == argument);
            return (found ?? (SyntaxNode)syntax).GetLocation();
        }

        /// <summary>The parameter count for SNET0012's message, with the array it takes when the padding makes the difference.</summary>
        private static string ParameterText(long parameters, Precision precision)
        {
            string count = parameters.ToString(CultureInfo.InvariantCulture);
            long array = NetworkPlanner.ParameterArrayLength(parameters, precision);
            return parameters <= NetworkPlanner.MaxArrayLength && array > NetworkPlanner.MaxArrayLength
                ? $"{count} (an array of {array.ToString(CultureInfo.InvariantCulture)} elements with the 64-byte alignment padding)"
                : count;
        }

        /// <summary>The short form: <c>Layers = [...]</c> with <c>Activation</c> and <c>Output</c> or <c>Activations</c>, dense layers only.</summary>
        private EquatableArray<LayerSpec> ReadLayersForm(Loss loss, Precision precision)
        {
            int[]? sizes = ReadLayers();
            Activation[]? activations = sizes is null ? null : ReadActivations(sizes.Length - 1);

            EquatableArray<LayerSpec> layers = EquatableArray<LayerSpec>.Empty;
            if (sizes is not null && activations is not null)
            {
                CheckLoss(loss, activations[activations.Length - 1]);
                long parameters = 0;
                var specs = new LayerSpec[activations.Length];
                for (int i = 0; i < specs.Length; i++)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                    specs[i] = new DenseLayerSpec(sizes[i], sizes[i + 1], activations[i]);
                    parameters += specs[i].ParameterCount;
                }

                layers = specs.ToEquatableArray();
                long scratch = NetworkPlanner.ScratchLength(layers);
                if (NetworkPlanner.ParameterArrayLength(parameters, precision) > NetworkPlanner.MaxArrayLength || scratch > NetworkPlanner.MaxArrayLength)
                {
                    Report(DiagnosticDescriptors.NetworkTooLarge, ArgumentLocation(LayersName),
                        ParameterText(parameters, precision), scratch.ToString(CultureInfo.InvariantCulture),
                        NetworkPlanner.MaxArrayLength.ToString(CultureInfo.InvariantCulture));
                }
            }

            return layers;
        }

        private NetworkParseResult Finish(HierarchyInfo hierarchy, bool shortNames, Loss loss, Precision precision, EquatableArray<LayerSpec> layers, bool sequence)
        {
            bool valid = !HasErrors && layers.Count > 0;
            long perCall = !valid ? 0 : sequence ? NetworkPlanner.StepMemoryLength(layers) : NetworkPlanner.ScratchLength(layers);
            if (valid && perCall * NetworkPlanner.ElementSize(precision) is var bytes && bytes > NetworkPlanner.StackScratchLimitBytes)
            {
                Report(DiagnosticDescriptors.ScratchOnHeap, ArgumentLocation(LayersName) ?? ArgumentLocation(InputName), hierarchy.Target.Name,
                    bytes.ToString(CultureInfo.InvariantCulture), NetworkPlanner.StackScratchLimitBytes.ToString(CultureInfo.InvariantCulture));
            }

            string? weights = _arguments.TryGetValue(WeightsName, out TypedConstant path) ? path.Value as string : null;
            EquatableArray<string> weightNames = ReadWeightNames(weights is not null, layers.Count);
            valid &= !HasErrors;

            var spec = new NetworkSpec(
                hierarchy,
                valid ? layers[0].Inputs : 0,
                valid ? layers : EquatableArray<LayerSpec>.Empty,
                loss,
                precision,
                valid,
                valid ? weights : null,
                valid ? weightNames : EquatableArray<string>.Empty,
                shortNames,
                sequence);
            WeightsRequest? request = null;
            if (spec.IsValid && weights is not null)
            {
                Location? location = ArgumentLocation(WeightsName) ?? AttributeLocation();
                request = new WeightsRequest(weights, weightNames, spec.InputSize, spec.Layers, precision, hierarchy.Target.Name, location?.SourceTree, location?.SourceSpan ?? default);
            }

            return new NetworkParseResult(spec, _diagnostics.ToEquatableArray(), request);
        }

        /// <summary>The module names of <c>WeightNames</c>: one distinct, non-empty name per layer, and only with <c>Weights</c>.</summary>
        private EquatableArray<string> ReadWeightNames(bool hasWeights, int layerCount)
        {
            if (!_arguments.TryGetValue(WeightNamesName, out TypedConstant list) || list.IsNull || list.Kind != TypedConstantKind.Array)
            {
                return EquatableArray<string>.Empty;
            }

            string[] names = list.Values.Select(value => value.Value as string ?? string.Empty).ToArray();
            string? problem = !hasWeights ? "'WeightNames' is given without 'Weights'; add Weights = \"path/to/file.safetensors\" or remove WeightNames"
                : layerCount > 0 && names.Length != layerCount ? $"'WeightNames' has {names.Length} entries, but the network has {layerCount} layers; give the module name of each layer, as in WeightNames = [\"fc1\", \"fc2\"]"
                : names.Any(name => name.Length == 0) || names.Distinct(StringComparer.Ordinal).Count() != names.Length ? "'WeightNames' must hold distinct, non-empty module names"
                : null;
            if (problem is not null)
            {
                Report(DiagnosticDescriptors.WeightsMismatch, ArgumentLocation(WeightNamesName), TargetName(), problem);
                return EquatableArray<string>.Empty;
            }

            return names.ToEquatableArray();
        }

        private int[]? ReadLayers()
        {
            if (!_arguments.TryGetValue(LayersName, out TypedConstant layers) || layers.IsNull || layers.Kind != TypedConstantKind.Array || layers.Values.Length < 2)
            {
                string found = !_arguments.TryGetValue(LayersName, out layers) ? "it is missing"
                    : layers.IsNull || layers.Kind != TypedConstantKind.Array ? "it is null"
                    : $"it has {layers.Values.Length} {(layers.Values.Length == 1 ? "entry" : "entries")}";
                Report(DiagnosticDescriptors.LayersMissing, ArgumentLocation(LayersName) ?? AttributeLocation(), TargetName(), found);
                return null;
            }

            var sizes = new int[layers.Values.Length];
            bool valid = true;
            for (int i = 0; i < sizes.Length; i++)
            {
                sizes[i] = layers.Values[i].Value is int size ? size : 0;
                if (sizes[i] < 1)
                {
                    Report(DiagnosticDescriptors.LayerSizeTooSmall, ElementLocation(LayersName, i, sizes.Length),
                        i.ToString(CultureInfo.InvariantCulture), sizes[i].ToString(CultureInfo.InvariantCulture));
                    valid = false;
                }
            }

            return valid ? sizes : null;
        }

        private Activation[]? ReadActivations(int layerCount)
        {
            if (_arguments.TryGetValue(ActivationsName, out TypedConstant list) && !list.IsNull && list.Kind == TypedConstantKind.Array)
            {
                string? conflict = _arguments.ContainsKey(ActivationName) ? ActivationName : _arguments.ContainsKey(OutputName) ? OutputName : null;
                if (conflict is not null)
                {
                    Report(DiagnosticDescriptors.ConflictingActivations, ArgumentLocation(ActivationsName), conflict);
                    return null;
                }

                if (list.Values.Length != layerCount)
                {
                    Report(DiagnosticDescriptors.ActivationsLengthMismatch, ArgumentLocation(ActivationsName),
                        list.Values.Length.ToString(CultureInfo.InvariantCulture), layerCount.ToString(CultureInfo.InvariantCulture));
                    return null;
                }

                var perLayer = new Activation[layerCount];
                bool valid = true;
                for (int i = 0; i < layerCount; i++)
                {
                    int value = list.Values[i].Value is int v ? v : -1;
                    Location? location = ElementLocation(ActivationsName, i, layerCount);
                    if (!ActivationFacts.IsDefined(value))
                    {
                        Report(DiagnosticDescriptors.UndefinedEnumValue, location, $"Activations[{i}]", value.ToString(CultureInfo.InvariantCulture), "Activation");
                        valid = false;
                    }
                    else if (value == (int)Activation.Softmax && i < layerCount - 1)
                    {
                        Report(DiagnosticDescriptors.SoftmaxOnHiddenLayer, location, (i + 1).ToString(CultureInfo.InvariantCulture));
                        valid = false;
                    }

                    perLayer[i] = (Activation)value;
                }

                return valid ? perLayer : null;
            }

            Activation hidden = ReadEnum(ActivationName, Activation.ReLU, ActivationFacts.MaxValue, "Activation");
            Activation output = ReadEnum(OutputName, Activation.Identity, ActivationFacts.MaxValue, "Activation");
            if (hidden == Activation.Softmax && layerCount > 1)
            {
                Report(DiagnosticDescriptors.SoftmaxOnHiddenLayer, ArgumentLocation(ActivationName), "1");
                return null;
            }

            if (HasErrors)
            {
                return null;
            }

            var activations = new Activation[layerCount];
            for (int i = 0; i < layerCount; i++)
            {
                activations[i] = i == layerCount - 1 ? output : hidden;
            }

            return activations;
        }

        private void CheckLoss(Loss loss, Activation output)
        {
            if (loss == Loss.CrossEntropy && output != Activation.Softmax)
            {
                Report(DiagnosticDescriptors.CrossEntropyRequiresSoftmax, ArgumentLocation(LossName) ?? AttributeLocation(), output.ToString());
            }
            else if (loss == Loss.BinaryCrossEntropy && output != Activation.Sigmoid)
            {
                Report(DiagnosticDescriptors.BinaryCrossEntropyRequiresSigmoid, ArgumentLocation(LossName) ?? AttributeLocation(), output.ToString());
            }
        }

        private TEnum ReadEnum<TEnum>(string name, TEnum defaultValue, int maxValue, string enumName)
            where TEnum : struct, Enum
        {
            if (!_arguments.TryGetValue(name, out TypedConstant constant) || constant.Value is not int value)
            {
                return defaultValue;
            }

            if (!IsDefined(value, maxValue))
            {
                Report(DiagnosticDescriptors.UndefinedEnumValue, ArgumentLocation(name), name, value.ToString(CultureInfo.InvariantCulture), enumName);
                return defaultValue;
            }

            return (TEnum)(object)value;
        }

        private static bool IsDefined(int value, int maxValue) => value >= 0 && value <= maxValue;

        private string TargetName() => _attribute.ApplicationSyntaxReference?.GetSyntax(_cancellationToken).Parent?.Parent is BaseTypeDeclarationSyntax declaration
            ? declaration.Identifier.ValueText
            : "The network";

        private void Report(DiagnosticDescriptor descriptor, Location? location, params string[] arguments) =>
            _diagnostics.Add(DiagnosticInfo.Create(descriptor, location ?? AttributeLocation(), arguments));

        private Location? AttributeLocation() => _syntax?.GetLocation();

        private AttributeArgumentSyntax? ArgumentSyntax(string name) =>
            _syntax?.ArgumentList?.Arguments.FirstOrDefault(argument => argument.NameEquals?.Name.Identifier.ValueText == name);

        private Location? ArgumentLocation(string name) => ArgumentSyntax(name)?.GetLocation();

        /// <summary>The location of one element of an array argument, or of the whole argument when the elements cannot be matched.</summary>
        private Location? ElementLocation(string name, int index, int count)
        {
            AttributeArgumentSyntax? argument = ArgumentSyntax(name);
            IReadOnlyList<SyntaxNode>? elements = argument?.Expression switch
            {
                CollectionExpressionSyntax collection => (IReadOnlyList<SyntaxNode>)collection.Elements,
                ArrayCreationExpressionSyntax { Initializer: { } initializer } => (IReadOnlyList<SyntaxNode>)initializer.Expressions,
                ImplicitArrayCreationExpressionSyntax { Initializer: { } initializer } => (IReadOnlyList<SyntaxNode>)initializer.Expressions,
                _ => null,
            };

            return elements is not null && elements.Count == count ? elements[index].GetLocation() : argument?.GetLocation();
        }
    }
}
