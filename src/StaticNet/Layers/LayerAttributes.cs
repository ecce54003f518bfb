using System;

namespace StaticNet;

/// <summary>
/// A dense layer of a network declared layer by layer (<see cref="NetworkAttribute.Input"/> and layer attributes in source
/// order): PyTorch's <c>nn.Linear(inputs, size)</c> and an activation. In a sequence network it applies to each frame.
/// </summary>
/// <example>
/// <code>
/// [Network(Input = 1, Loss = Loss.MeanSquaredError)]
/// [Gru(16)]
/// [Dense(1)]
/// public partial class Filter;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>Creates the layer.</summary>
    /// <param name="size">The number of outputs, at least 1.</param>
    public DenseAttribute(int size) => Size = size;

    /// <summary>The number of outputs.</summary>
    public int Size { get; }

    /// <summary>The activation of the outputs. Default <see cref="Activation.Identity"/>.</summary>
    public Activation Activation { get; set; } = Activation.Identity;
}

/// <summary>
/// A causal convolution over time, stride 1: PyTorch's <c>nn.Conv1d(inputs, channels, KernelSize, dilation: Dilation)</c>
/// on the input left-padded with <c>(KernelSize − 1)·Dilation</c> zero frames, then an activation. Output frame <c>t</c>
/// sees input frames <c>t − (KernelSize − 1)·Dilation … t</c>; frames before the start are zero.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class Conv1DAttribute : Attribute
{
    /// <summary>Creates the layer.</summary>
    /// <param name="channels">The number of output channels, at least 1.</param>
    public Conv1DAttribute(int channels) => Channels = channels;

    /// <summary>The number of output channels.</summary>
    public int Channels { get; }

    /// <summary>The number of taps: required, at least 1.</summary>
    public int KernelSize { get; set; }

    /// <summary>The distance in frames between two taps, at least 1. Default 1.</summary>
    public int Dilation { get; set; } = 1;

    /// <summary>The activation of the outputs. Default <see cref="Activation.Identity"/>.</summary>
    public Activation Activation { get; set; } = Activation.Identity;
}

/// <summary>
/// A gated recurrent unit: PyTorch's <c>nn.GRU(inputs, size, batch_first=True)</c>, one layer, bias on. Gates r, z, n:
/// <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c>, <c>h' = (1 − z) ⊙ n + z ⊙ h</c>; its output is <c>h'</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GruAttribute : Attribute
{
    /// <summary>Creates the layer.</summary>
    /// <param name="size">The hidden size H, at least 1.</param>
    public GruAttribute(int size) => Size = size;

    /// <summary>The hidden size.</summary>
    public int Size { get; }
}

/// <summary>
/// A long short-term memory: PyTorch's <c>nn.LSTM(inputs, size, batch_first=True)</c>, one layer, bias on. Gates i, f, g,
/// o: <c>c' = f ⊙ c + i ⊙ g</c>, <c>h' = o ⊙ tanh(c')</c>; its output is <c>h'</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LstmAttribute : Attribute
{
    /// <summary>Creates the layer.</summary>
    /// <param name="size">The hidden size H, at least 1.</param>
    public LstmAttribute(int size) => Size = size;

    /// <summary>The hidden size.</summary>
    public int Size { get; }
}
