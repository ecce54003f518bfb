using System;
using System.Collections.Generic;
using StaticNet.Generator.Planning;

namespace StaticNet.Generator.Emit;

/// <summary>
/// What the writers of a network's file share: the writer, the scalar type, and how the file names the types it uses:
/// by their simple names through <c>using</c> directives in the network's namespace where that is safe, else qualified
/// with <c>global::</c>.
/// </summary>
internal sealed class EmitContext
{
    /// <summary>
    /// The types the generated code names, by simple name, with the namespace each comes from: the library's types, and
    /// the kernel struct of every elementwise activation, named as the activation (so a new activation needs no entry).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Imports = WithActivations(new Dictionary<string, string>
    {
        ["Span"] = "System",
        ["ArgumentException"] = "System",
        ["ArgumentOutOfRangeException"] = "System",
        ["GeneratedCode"] = "System.CodeDom.Compiler",
        ["ReadOnlySpan"] = "System",
        ["MethodImpl"] = "System.Runtime.CompilerServices",
        ["MethodImplOptions"] = "System.Runtime.CompilerServices",
        ["Unsafe"] = "System.Runtime.CompilerServices",
        ["INetwork"] = "StaticNet",
        ["IClassifierNetwork"] = "StaticNet",
        ["IFrozenNetwork"] = "StaticNet",
        ["IFrozenSequenceNetwork"] = "StaticNet",
        ["NetworkTopology"] = "StaticNet",
        ["NetworkRandom"] = "StaticNet",
        ["GeneratedCodeHelpers"] = "StaticNet",
        ["Activation"] = "StaticNet",
        ["Loss"] = "StaticNet",
        ["Precision"] = "StaticNet",
        ["ISequenceNetwork"] = "StaticNet",
        ["NetworkLayer"] = "StaticNet",
        ["LayerKind"] = "StaticNet",
        ["Dense"] = "StaticNet.Kernels",
        ["DensePacked"] = "StaticNet.Kernels",
        ["Conv1D"] = "StaticNet.Kernels",
        ["Gru"] = "StaticNet.Kernels",
        ["Lstm"] = "StaticNet.Kernels",
        ["Frames"] = "StaticNet.Kernels",
        ["SequenceRunner"] = "StaticNet.Kernels",
        ["ISequenceKernels"] = "StaticNet.Kernels",
        ["IConv1DShape"] = "StaticNet.Kernels",
        ["Output"] = "StaticNet.Kernels",
        ["NetworkRunner"] = "StaticNet.Kernels",
        ["INetworkKernels"] = "StaticNet.Kernels",
        ["ILayerShape"] = "StaticNet.Kernels",
    });

    private static Dictionary<string, string> WithActivations(Dictionary<string, string> imports)
    {
        foreach (Activation activation in Enum.GetValues(typeof(Activation)))
        {
            if (ActivationFacts.IsElementwise(activation))
            {
                imports.Add(activation.ToString(), "StaticNet.Kernels.Activations");
            }
        }

        return imports;
    }

    public EmitContext(SourceWriter writer, string scalar, bool shortNames)
    {
        Writer = writer;
        Scalar = scalar;
        ShortNames = shortNames;
    }

    public SourceWriter Writer { get; }

    /// <summary>The scalar type's keyword, <c>float</c> or <c>double</c>.</summary>
    public string Scalar { get; }

    /// <summary>Whether types are named by their simple names.</summary>
    public bool ShortNames { get; }

    /// <summary>A type the generated code uses, as this file names it.</summary>
    public string Name(string simpleName) => ShortNames ? simpleName : $"global::{Imports[simpleName]}.{simpleName}";

    /// <summary>A reference to a parameter tensor (a local of the composition's methods).</summary>
    public string P(Layers.ParameterBlock block) => "ref " + block.Local;

    /// <summary>A reference to the gradient of a parameter tensor (a local of the composition's methods).</summary>
    public string G(Layers.ParameterBlock block) => "ref g" + block.Local;

    /// <summary>A reference to the element at <paramref name="offset"/> of <paramref name="origin"/>.</summary>
    public string At(string origin, int offset) => offset == 0 ? $"ref {origin}" : $"ref At(ref {origin}, {offset})";

    /// <summary>The kernel struct of a layer's activation (Softmax is applied to the whole output row apart, so its kernels get Identity).</summary>
    public string KernelActivation(Activation activation) => Name(ActivationFacts.IsElementwise(activation) ? activation.ToString() : nameof(Activation.Identity));

    /// <summary>The activation whose gradient a layer's backward pass goes through: the layer below's, or Identity for the network's input.</summary>
    public string Below(LayerPlan? below) => below is null ? Name(nameof(Activation.Identity)) : KernelActivation(below.Activation);

    /// <summary>A null reference of the scalar type (a local of the composition's methods).</summary>
    public string Null => "ref none";
}
