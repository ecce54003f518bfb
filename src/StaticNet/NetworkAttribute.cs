using System;

namespace StaticNet;

/// <summary>
/// Declares a fixed-topology neural network on a <see langword="partial"/> class. The StaticNet source generator emits, on
/// that class, the forward pass, the backward pass and a training step for exactly this topology.
/// </summary>
/// <remarks>
/// A dense network is declared in one line with <see cref="Layers"/>. A network of any layers is declared with
/// <see cref="Input"/> and one layer attribute per layer, in source order, on the same declaration:
/// <see cref="DenseAttribute"/>, <see cref="Conv1DAttribute"/>, <see cref="GruAttribute"/>, <see cref="LstmAttribute"/>.
/// With a Conv1D, GRU or LSTM layer it is a sequence network (<see cref="ISequenceNetwork{TSelf, T}"/>), run over
/// sequences of frames and streamed one frame at a time.
/// </remarks>
/// <example>
/// <code>
/// [Network(Layers = [2, 16, 16, 1], Activation = Activation.Tanh, Output = Activation.Identity, Loss = Loss.MeanSquaredError)]
/// public partial class XorNet;
///
/// [Network(Input = 1, Loss = Loss.MeanSquaredError)]
/// [Conv1D(8, KernelSize = 3, Dilation = 2, Activation = Activation.Tanh)]
/// [Gru(16)]
/// [Dense(1)]
/// public partial class AmpModel;
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

    /// <summary>
    /// The inputs of one frame (of one sample for a dense network), for a network declared with layer attributes
    /// (<see cref="DenseAttribute"/>, <see cref="Conv1DAttribute"/>, <see cref="GruAttribute"/>, <see cref="LstmAttribute"/>)
    /// instead of <see cref="Layers"/>. At least 1.
    /// </summary>
    public int Input { get; set; }

    /// <summary>The activation of every hidden layer (every layer but the last) of <see cref="Layers"/>. Default <see cref="Activation.ReLU"/>.</summary>
    public Activation Activation { get; set; } = Activation.ReLU;

    /// <summary>The activation of the last layer of <see cref="Layers"/>. Default <see cref="Activation.Identity"/>.</summary>
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
