using System.Linq;
using StaticNet.Generator.Layers;

namespace StaticNet.Generator.Model;

/// <summary>
/// One type declaration of the hierarchy that holds the network, e.g. <c>("class", "XorNet")</c>; the name as an
/// identifier in C# source (<c>@class</c> for a type named with a keyword).
/// </summary>
internal sealed record TypeDeclarationInfo(string Keyword, string Name);

/// <summary>
/// Where the network type lives: its namespace (empty for the global one) and its declarations, outermost first; names
/// spelled as identifiers in C# source (<c>@namespace</c>, <c>@class</c>).
/// </summary>
internal sealed record HierarchyInfo(string Namespace, EquatableArray<TypeDeclarationInfo> Types)
{
    /// <summary>The declaration of the network type itself.</summary>
    public TypeDeclarationInfo Target => Types[Types.Count - 1];

    /// <summary>
    /// The dotted name without <c>global::</c> or <c>@</c>, e.g. <c>Samples.Outer.XorNet</c>; unique per type, so it names
    /// the file (where <c>@</c> is not allowed) and the network in comments and messages.
    /// </summary>
    public string FullName => QualifiedName.Replace("@", string.Empty);

    /// <summary>The dotted name as C# source spells it, without <c>global::</c>: <c>Samples.Outer.XorNet</c>, <c>Fuzz.@namespace.@class</c>.</summary>
    public string QualifiedName
    {
        get
        {
            var builder = new System.Text.StringBuilder(Namespace);
            foreach (TypeDeclarationInfo type in Types)
            {
                if (builder.Length > 0)
                {
                    builder.Append('.');
                }

                builder.Append(type.Name);
            }

            return builder.ToString();
        }
    }
}

/// <summary>
/// A parsed <c>[Network]</c> declaration. <see cref="IsValid"/> is false when the declaration has errors: then only
/// the type, the loss and the precision are meaningful, and the emitter writes members that throw.
/// </summary>
/// <param name="InputSize">The number of inputs of one sample.</param>
/// <param name="Layers">The layers from the input to the output.</param>
/// <param name="Weights">The <c>Weights</c> argument (a safetensors file to bake in), or null.</param>
/// <param name="WeightNames">The <c>WeightNames</c> argument (the module name of each layer), or empty for <c>nn.Sequential</c> names.</param>
/// <param name="ShortNames">
/// Whether the generated file may name the types it uses by their simple names through <c>using</c> directives in the
/// network's namespace: true unless the user's namespace or types declare a type of one of those names.
/// </param>
/// <param name="IsSequence">
/// Whether the network runs over sequences of frames: it is declared with a Conv1D, GRU or LSTM layer attribute (also
/// when the declaration has errors, so that its stub has the sequence network's members).
/// </param>
internal sealed record NetworkSpec(
    HierarchyInfo Type,
    int InputSize,
    EquatableArray<LayerSpec> Layers,
    Loss Loss,
    Precision Precision,
    bool IsValid,
    string? Weights = null,
    EquatableArray<string> WeightNames = default,
    bool ShortNames = false,
    bool IsSequence = false)
{
    /// <summary>The input size, then each layer's output size.</summary>
    public EquatableArray<int> LayerSizes => IsValid
        ? new[] { InputSize }.Concat(Layers.Select(layer => layer.Outputs)).ToEquatableArray()
        : EquatableArray<int>.Empty;
}
