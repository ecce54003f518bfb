using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// The sizes of one causal convolution layer: <c>In</c> input channels, <c>Out</c> output channels, and the taps. Output
/// frame <c>t</c> sees input frames <c>t − (KernelSize − 1)·Dilation … t</c>; tap <c>k</c> multiplies input frame
/// <c>t − (KernelSize − 1 − k)·Dilation</c>.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IConv1DShape : ILayerShape
{
    /// <summary>The number of taps, at least 1.</summary>
    static abstract int KernelSize { get; }

    /// <summary>The distance in frames between two taps, at least 1.</summary>
    static abstract int Dilation { get; }
}

/// <summary>
/// A convolution as the dense layer it is on one frame: its weights <c>[Out][In][KernelSize]</c> are <c>[Out][In·KernelSize]</c>
/// rows, applied to the window of input frames laid out <c>[In][KernelSize]</c>.
/// </summary>
/// <typeparam name="TShape">The convolution's sizes.</typeparam>
internal readonly struct Conv1DWindow<TShape> : ILayerShape
    where TShape : IConv1DShape
{
    public static int In
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TShape.In * TShape.KernelSize;
    }

    public static int Out
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TShape.Out;
    }
}
