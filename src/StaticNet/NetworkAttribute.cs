using System;

namespace StaticNet;

/// <summary>
/// Declares a fixed-topology dense neural network on a <see langword="partial"/> class. The StaticNet source generator
/// emits, on that class, the forward pass, the backward pass and a training step for exactly this topology.
/// </summary>
/// <example>
/// <code>
/// [Network(Layers = [2, 16, 16, 1], Activation = Activation.Tanh, Output = Activation.Identity, Loss = Loss.MeanSquaredError)]
/// public partial class XorNet;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>
    /// The layer sizes from input to output: the input size first, then the size of each dense layer.
    /// At least two entries, each at least 1.
    /// </summary>
    public int[] Layers { get; set; } = [];

    /// <summary>The activation of every hidden layer (every layer but the last). Default <see cref="Activation.ReLU"/>.</summary>
    public Activation Activation { get; set; } = Activation.ReLU;

    /// <summary>The activation of the last layer. Default <see cref="Activation.Identity"/>.</summary>
    public Activation Output { get; set; } = Activation.Identity;

    /// <summary>
    /// One activation per dense layer (<c>Layers.Length - 1</c> entries), instead of <see cref="Activation"/> and
    /// <see cref="Output"/>; give either this or those two, not both.
    /// </summary>
    public Activation[]? Activations { get; set; }

    /// <summary>The loss the network is trained on. Default <see cref="StaticNet.Loss.MeanSquaredError"/>.</summary>
    public Loss Loss { get; set; } = Loss.MeanSquaredError;

    /// <summary>
    /// The scalar type of the generated network: <see cref="Precision.Single"/> (<see cref="float"/>, the default) or
    /// <see cref="Precision.Double"/> (<see cref="double"/>); every span, parameter and learning rate is of that type.
    /// </summary>
    public Precision Precision { get; set; } = Precision.Single;

    /// <summary>
    /// A safetensors file whose values the generator bakes into the assembly at build time, so that the network's
    /// parameterless constructor starts with them (no file I/O at run time). The path is relative to the project folder,
    /// and the file must be an <c>AdditionalFiles</c> item of the project: <c>&lt;AdditionalFiles Include="models/digits.safetensors" /&gt;</c>.
    /// The tensors are found and checked as <see cref="SafeTensors.Load{TNet, T}(INetwork{TNet, T}, string, System.Collections.Generic.IReadOnlyList{string}?, bool)"/>
    /// does; a missing file, an invalid one or one that does not fit is a build error (SNET0016 to SNET0019).
    /// </summary>
    public string? Weights { get; set; }

    /// <summary>
    /// The module name of each layer in the <see cref="Weights"/> file (tensors <c>{name}.weight</c> and <c>{name}.bias</c>),
    /// e.g. <c>["fc1", "fc2", "out"]</c>; leave it out for an <c>nn.Sequential</c> (<c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, …).
    /// </summary>
    public string[]? WeightNames { get; set; }
}
