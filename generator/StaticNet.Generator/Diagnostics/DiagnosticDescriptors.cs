using Microsoft.CodeAnalysis;

namespace StaticNet.Generator.Diagnostics;

/// <summary>
/// Every diagnostic StaticNet reports. IDs are never reused; each is listed in AnalyzerReleases.*.md and has a page
/// docs/diagnostics/SNETxxxx.md, which its help link (<see cref="HelpLink"/>) points at.
/// </summary>
internal static class DiagnosticDescriptors
{
    /// <summary>
    /// The repository's address: a PLACEHOLDER until the repository is published. It is StaticNetRepositoryUrl in
    /// Directory.Build.props (the package's project and repository URL); a test checks that the two agree.
    /// </summary>
    public const string RepositoryUrl = "https://github.com/staticnet/StaticNet";

    private const string Usage = "StaticNet.Usage";
    private const string Topology = "StaticNet.Topology";
    private const string Performance = "StaticNet.Performance";

    public static readonly DiagnosticDescriptor LanguageVersionNotSupported = new(
        id: "SNET0001",
        title: "C# language version too old for StaticNet",
        messageFormat: "StaticNet generates code for '{0}' that needs C# 11 or later, but the project uses C# {1}; set <LangVersion>11</LangVersion> or later (or remove it to use the SDK's default)",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0001"));

    public static readonly DiagnosticDescriptor TypeNotPartial = new(
        id: "SNET0002",
        title: "Network type must be partial",
        messageFormat: "'{0}' must be declared 'partial' so that StaticNet can add the generated members; add the 'partial' modifier to '{0}'",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0002"));

    public static readonly DiagnosticDescriptor GenericTypeNotSupported = new(
        id: "SNET0003",
        title: "Network type must not be generic or nested in a generic type",
        messageFormat: "'{0}' is generic or nested in a generic type, which StaticNet does not support; declare the network in a non-generic type",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0003"));

    public static readonly DiagnosticDescriptor LayersMissing = new(
        id: "SNET0004",
        title: "Layers must have at least two entries",
        messageFormat: "'{0}' has no usable 'Layers' ({1}); give at least two entries, the input size then the size of each layer, as in Layers = [2, 16, 1], or declare Input and one layer attribute per layer, as in [Network(Input = 1)] [Gru(16)] [Dense(1)]",
        category: Topology,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0004"));

    public static readonly DiagnosticDescriptor LayerSizeTooSmall = new(
        id: "SNET0005",
        title: "Layer size must be at least 1",
        messageFormat: "Entry {0} of 'Layers' is {1}; give every layer a size of at least 1",
        category: Topology,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0005"));

    public static readonly DiagnosticDescriptor ConflictingActivations = new(
        id: "SNET0006",
        title: "Activations conflicts with Activation or Output",
        messageFormat: "'Activations' gives one activation per layer and cannot be combined with '{0}'; remove '{0}' or 'Activations'",
        category: Topology,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0006"));

    public static readonly DiagnosticDescriptor ActivationsLengthMismatch = new(
        id: "SNET0007",
        title: "Activations must have one entry per layer",
        messageFormat: "'Activations' has {0} entries but 'Layers' declares {1} layers (its length minus one); give exactly {1} activations",
        category: Topology,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0007"));

    public static readonly DiagnosticDescriptor SoftmaxOnHiddenLayer = new(
        id: "SNET0008",
        title: "Softmax is only allowed on the last layer",
        messageFormat: "Layer {0} is a hidden layer and cannot use Softmax; use Softmax only on the last layer (Output = Activation.Softmax, or the Activation of the last layer attribute)",
        category: Topology,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0008"));

    public static readonly DiagnosticDescriptor CrossEntropyRequiresSoftmax = new(
        id: "SNET0009",
        title: "CrossEntropy needs a Softmax output",
        messageFormat: "Loss.CrossEntropy needs a Softmax output layer, but the output activation is {0}; set Output = Activation.Softmax, or use Loss.BinaryCrossEntropy with a Sigmoid output",
        category: Topology,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0009"));

    public static readonly DiagnosticDescriptor BinaryCrossEntropyRequiresSigmoid = new(
        id: "SNET0010",
        title: "BinaryCrossEntropy needs a Sigmoid output",
        messageFormat: "Loss.BinaryCrossEntropy needs a Sigmoid output layer, but the output activation is {0}; set Output = Activation.Sigmoid, or use Loss.CrossEntropy with a Softmax output",
        category: Topology,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0010"));

    public static readonly DiagnosticDescriptor UndefinedEnumValue = new(
        id: "SNET0011",
        title: "Undefined enum value",
        messageFormat: "'{0}' is {1}, which is not a defined {2} value; use one of the named {2} members",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0011"));

    public static readonly DiagnosticDescriptor NetworkTooLarge = new(
        id: "SNET0012",
        title: "Network too large",
        messageFormat: "The network needs {0} parameters and {1} elements of scratch memory per call, but a .NET array holds at most {2} elements; reduce the layer sizes",
        category: Topology,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0012"));

    public static readonly DiagnosticDescriptor StaticOrAbstractType = new(
        id: "SNET0013",
        title: "Network type must not be static or abstract",
        messageFormat: "'{0}' is {1}, but StaticNet generates constructors and instance members for it; remove the '{1}' modifier",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0013"));

    public static readonly DiagnosticDescriptor ScratchOnHeap = new(
        id: "SNET0014",
        title: "Scratch memory too large for the stack",
        messageFormat: "'{0}' needs {1} bytes of scratch memory per call, more than the {2} bytes StaticNet puts on the stack; its methods keep the scratch in a buffer per thread instead (allocation-free after each thread's first call)",
        category: Performance,
        defaultSeverity: DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0014"));

    public static readonly DiagnosticDescriptor WeightsFileNotFound = new(
        id: "SNET0016",
        title: "Weights file not found",
        messageFormat: "The Weights file '{0}' is not available to the generator ({1}); add it to the project as <AdditionalFiles Include=\"{0}\" /> (the path is relative to the project folder) and reference the StaticNet package, whose build step hands .safetensors files to the generator",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0016"));

    public static readonly DiagnosticDescriptor WeightsFileInvalid = new(
        id: "SNET0017",
        title: "Weights file is not a valid safetensors file",
        messageFormat: "The Weights file '{0}' is not a valid safetensors file: {1}; use a file written by SafeTensors.Save or by the PyTorch lines of the README",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0017"));

    public static readonly DiagnosticDescriptor WeightsMismatch = new(
        id: "SNET0018",
        title: "Weights do not fit the network",
        messageFormat: "The Weights do not fit the network {0}: {1}; use a file saved from a model of this topology, or set WeightNames to the module name of each layer",
        category: Topology,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0018"));

    public static readonly DiagnosticDescriptor WeightsDTypeNotSupported = new(
        id: "SNET0019",
        title: "Weights tensor has an unsupported dtype",
        messageFormat: "Tensor '{1}' of the Weights file '{0}' has dtype {2}, but StaticNet reads F32, F64, F16 and BF16 tensors; use floating-point tensors (in PyTorch, save {{k: v.float() for k, v in state_dict.items()}})",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0019"));

    public static readonly DiagnosticDescriptor FileLocalType = new(
        id: "SNET0020",
        title: "Network type must not be file-local",
        messageFormat: "'{0}' is a file-local type, which no other file can extend, so StaticNet cannot add the generated members to it; remove the 'file' modifier (internal or private keep the type out of sight just as well)",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0020"));

    public static readonly DiagnosticDescriptor WeightsNotFinite = new(
        id: "SNET0021",
        title: "Weights file holds NaN or infinite values",
        messageFormat: "The Weights file '{0}' holds {1} NaN or infinite values in the network's precision, the first in tensor '{2}' at index {3} ({4}), from which the network computes NaN or infinities; use a file saved before the training diverged, or repair the values (in PyTorch, torch.nan_to_num)",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0021"));

    public static readonly DiagnosticDescriptor LayersDeclaredTwice = new(
        id: "SNET0022",
        title: "Layers declared in two ways",
        messageFormat: "'{0}' {1}; declare the layers either with Layers = [...] (a dense network, with Activation and Output or Activations) or with Input and one layer attribute per layer ([Dense], [Conv1D], [Gru], [Lstm], each with its own Activation), not both",
        category: Topology,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0022"));

    public static readonly DiagnosticDescriptor LayerAttributesSpread = new(
        id: "SNET0023",
        title: "Layer attributes on another declaration than [Network]",
        messageFormat: "'{0}' has layer attributes on another partial declaration than the one with [Network], so the order of its layers is not defined; declare [Network] and all the layer attributes on one declaration, in the order of the layers",
        category: Topology,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0023"));

    public static readonly DiagnosticDescriptor LayerArgumentOutOfRange = new(
        id: "SNET0024",
        title: "Layer argument out of range",
        messageFormat: "{0} is {1}; give {2}",
        category: Topology,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0024"));

    public static readonly DiagnosticDescriptor LayerWithoutNetwork = new(
        id: "SNET0025",
        title: "Layer attribute without [Network]",
        messageFormat: "'{0}' has a [{1}] layer attribute but no [Network] attribute, so no network is generated for it; add [Network(Input = ...)] before its layer attributes",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0025"));

    public static readonly DiagnosticDescriptor PrimaryConstructor = new(
        id: "SNET0026",
        title: "Network type has a primary constructor",
        messageFormat: "'{0}' has a primary constructor, which the generated constructors (new() and new(int seed)) would have to call; remove the parameter list and declare the members in the type's body",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0026"));

    public static readonly DiagnosticDescriptor UnsupportedBaseClass = new(
        id: "SNET0027",
        title: "Network type's base class is not supported",
        messageFormat: "'{0}' derives from '{1}', {2}; remove the base class, or {3}",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0027"));

    public static readonly DiagnosticDescriptor RequiredMember = new(
        id: "SNET0028",
        title: "Network type has a required member",
        messageFormat: "'{0}' has the required member '{1}', which Create(seed) and the generated constructors cannot set; remove the 'required' modifier (initialise it in the declaration or set it after construction)",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0028"));

    public static readonly DiagnosticDescriptor ReservedMember = new(
        id: "SNET0029",
        title: "Network type declares a member the generator declares",
        messageFormat: "'{0}' has {1}, which would collide with {2}; remove it or give it another name",
        category: Usage,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink("SNET0029"));

    /// <summary>The help link of a diagnostic: its page in the repository's docs/diagnostics folder.</summary>
    public static string HelpLink(string id) => $"{RepositoryUrl}/blob/main/docs/diagnostics/{id}.md";
}
