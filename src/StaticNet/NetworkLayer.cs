using System;
using System.Globalization;

namespace StaticNet;

/// <summary>
/// One layer of a network as declared: its kind, its size (outputs per frame: a dense layer's units, a convolution's
/// channels, a GRU's or LSTM's hidden size), its activation and, for a convolution, its taps.
/// </summary>
/// <param name="Kind">The layer kind.</param>
/// <param name="Size">The outputs per frame (per sample for a dense network).</param>
/// <param name="Activation">The activation of the outputs; <see cref="Activation.Identity"/> for GRU and LSTM layers, whose gates have their own.</param>
/// <param name="KernelSize">A convolution's number of taps; 1 for other kinds.</param>
/// <param name="Dilation">A convolution's distance in frames between taps; 1 for other kinds.</param>
public readonly record struct NetworkLayer(LayerKind Kind, int Size, Activation Activation = Activation.Identity, int KernelSize = 1, int Dilation = 1)
{
    /// <summary>Describes the layer, e.g. <c>Dense(10, Softmax)</c>, <c>Conv1D(8, k=3, d=2, Tanh)</c> or <c>Gru(16)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Kind switch
    {
        LayerKind.Conv1D => string.Create(CultureInfo.InvariantCulture, $"Conv1D({Size}, k={KernelSize}, d={Dilation}, {Activation})"),
        LayerKind.Gru or LayerKind.Lstm => string.Create(CultureInfo.InvariantCulture, $"{Kind}({Size})"),
        _ => string.Create(CultureInfo.InvariantCulture, $"Dense({Size}, {Activation})"),
    };

    /// <summary>Throws unless the layer is well formed: a defined kind, a size, kernel size and dilation of at least 1.</summary>
    internal void Validate(int index, string paramName)
    {
        if (!Enum.IsDefined(Kind) || Size < 1 || KernelSize < 1 || Dilation < 1 || !ActivationFacts.IsDefined((int)Activation) ||
            (Kind != LayerKind.Conv1D && (KernelSize != 1 || Dilation != 1)) || (Kind is LayerKind.Gru or LayerKind.Lstm && Activation != Activation.Identity))
        {
            throw new ArgumentException($"Layer {index + 1} ({this}) is not a valid layer: sizes, kernel sizes and dilations are at least 1, only a Conv1D layer has taps, and GRU and LSTM layers have no activation.", paramName);
        }
    }
}
