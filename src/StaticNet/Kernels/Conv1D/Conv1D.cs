using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNet.Kernels;

/// <summary>
/// The causal convolution layer, as generated sequence networks call it: PyTorch's <c>nn.Conv1d(In, Out, KernelSize,
/// dilation: Dilation)</c> over the input left-padded with <c>(KernelSize − 1)·Dilation</c> zero frames, then an
/// activation. On each frame it is the dense layer <see cref="Conv1DWindow{TShape}"/> on the window of input frames it
/// sees, so it runs on <see cref="Dense{T}"/>'s kernels: one frame at a time when streaming, all frames of a sequence
/// as one batch when training (the windows gathered first, im2col).
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
[SkipLocalsInit]
public static class Conv1D<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>
    /// One frame: <c>y = f(W · window + b)</c>, where the window is the <c>(KernelSize − 1)·Dilation</c> past input frames
    /// held in <paramref name="state"/> (oldest first) and <paramref name="x"/>; then <paramref name="x"/> joins the state.
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <typeparam name="TActivation">The layer's activation.</typeparam>
    /// <param name="w">The weights, <c>[Out][In][KernelSize]</c>.</param>
    /// <param name="b">The bias, <c>[Out]</c>.</param>
    /// <param name="state">The past input frames, <c>[(KernelSize − 1)·Dilation][In]</c>, oldest first; advanced by one frame.</param>
    /// <param name="x">The input frame, <c>[In]</c>.</param>
    /// <param name="y">Receives the output frame, <c>[Out]</c>.</param>
    /// <param name="window">Scratch for the window, <c>[In·KernelSize]</c>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Step<TShape, TActivation>(ref T w, ref T b, ref T state, ref T x, ref T y, ref T window)
        where TShape : IConv1DShape
        where TActivation : IActivation
    {
        if (TShape.KernelSize == 1)
        {
            Dense<T>.Forward<Conv1DWindow<TShape>, TActivation>(ref w, ref b, ref x, ref y, ref Unsafe.NullRef<T>());
            return;
        }

        Gather<TShape>(ref state, ref x, ref window);
        Dense<T>.Forward<Conv1DWindow<TShape>, TActivation>(ref w, ref b, ref window, ref y, ref Unsafe.NullRef<T>());
        Advance<TShape>(ref state, ref x);
    }

    /// <summary>Elements of the layer in an inference snapshot: <see cref="DensePacked{T}"/>'s layout of the window's dense layer.</summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <returns>The length.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PackedLength<TShape>()
        where TShape : IConv1DShape => DensePacked<T>.Length<Conv1DWindow<TShape>>();

    /// <summary>Copies the layer's parameters into the layout <see cref="StepPacked{TShape, TActivation}"/> reads.</summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <param name="w">The weights, <c>[Out][In][KernelSize]</c>.</param>
    /// <param name="b">The bias, <c>[Out]</c>.</param>
    /// <param name="q">Receives the packed layer, <see cref="PackedLength{TShape}"/> elements.</param>
    public static void Pack<TShape>(ref T w, ref T b, ref T q)
        where TShape : IConv1DShape => DensePacked<T>.Pack<Conv1DWindow<TShape>>(ref w, ref b, ref q);

    /// <summary>One frame from the packed layer, as <see cref="Step{TShape, TActivation}"/> computes it from the parameters.</summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <typeparam name="TActivation">The layer's activation.</typeparam>
    /// <param name="q">The packed layer (<see cref="Pack{TShape}"/>).</param>
    /// <param name="state">The past input frames, as for <see cref="Step{TShape, TActivation}"/>; advanced by one frame.</param>
    /// <param name="x">The input frame, <c>[In]</c>.</param>
    /// <param name="y">Receives the output frame, <c>[Out]</c>.</param>
    /// <param name="window">Scratch for the window, <c>[In·KernelSize]</c>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void StepPacked<TShape, TActivation>(ref T q, ref T state, ref T x, ref T y, ref T window)
        where TShape : IConv1DShape
        where TActivation : IActivation
    {
        if (TShape.KernelSize == 1)
        {
            DensePacked<T>.Forward<Conv1DWindow<TShape>, TActivation>(ref q, ref x, ref y);
            return;
        }

        Gather<TShape>(ref state, ref x, ref window);
        DensePacked<T>.Forward<Conv1DWindow<TShape>, TActivation>(ref q, ref window, ref y);
        Advance<TShape>(ref state, ref x);
    }

    /// <summary>The window of a frame: the past frames in <paramref name="state"/> and <paramref name="x"/>, <c>[In][KernelSize]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Gather<TShape>(ref T state, ref T x, ref T window)
        where TShape : IConv1DShape
    {
        nuint inputs = (nuint)TShape.In;
        nuint taps = (nuint)TShape.KernelSize;
        nuint history = (nuint)((TShape.KernelSize - 1) * TShape.Dilation);
        for (nuint tap = 0; tap < taps; tap++)
        {
            nuint lag = (taps - 1 - tap) * (nuint)TShape.Dilation;
            ref T frame = ref lag == 0 ? ref x : ref Unsafe.Add(ref state, (history - lag) * inputs);
            for (nuint i = 0; i < inputs; i++)
            {
                Unsafe.Add(ref window, (i * taps) + tap) = Unsafe.Add(ref frame, i);
            }
        }
    }

    /// <summary>Advances the past frames by one: the oldest leaves, <paramref name="x"/> joins.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Advance<TShape>(ref T state, ref T x)
        where TShape : IConv1DShape
    {
        // The move overlaps, so it goes through Span (memmove).
        nuint inputs = (nuint)TShape.In;
        nuint history = (nuint)((TShape.KernelSize - 1) * TShape.Dilation);
        int kept = (int)((history - 1) * inputs);
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref state, inputs), kept).CopyTo(MemoryMarshal.CreateSpan(ref state, kept));
        MemoryMarshal.CreateReadOnlySpan(ref x, (int)inputs).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref state, (nuint)kept), (int)inputs));
    }

    /// <summary>
    /// A whole sequence from the zero state: gathers each frame's window into <paramref name="windows"/>, then runs the
    /// frames through the dense kernel as one batch.
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <typeparam name="TActivation">The layer's activation.</typeparam>
    /// <param name="w">The weights, <c>[Out][In][KernelSize]</c>.</param>
    /// <param name="b">The bias, <c>[Out]</c>.</param>
    /// <param name="x">The input frames, <c>[frames][In]</c>.</param>
    /// <param name="windows">Receives the windows, <c>[frames][In·KernelSize]</c> (not used with one tap: the window is the frame).</param>
    /// <param name="y">Receives the output frames, <c>[frames][Out]</c>.</param>
    /// <param name="z">Receives the pre-activations, <c>[frames][Out]</c>, or a null reference.</param>
    /// <param name="frames">The number of frames.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TShape, TActivation>(ref T w, ref T b, ref T x, ref T windows, ref T y, ref T z, int frames)
        where TShape : IConv1DShape
        where TActivation : IActivation
    {
        nuint width = (nuint)Conv1DWindow<TShape>.In;
        if (TShape.KernelSize == 1)
        {
            Dense<T>.ForwardBatch<Conv1DWindow<TShape>, TActivation>(ref w, ref b, ref x, width, ref y, ref z, (nuint)TShape.Out, frames);
            return;
        }

        nuint inputs = (nuint)TShape.In;
        nuint taps = (nuint)TShape.KernelSize;
        for (nuint t = 0; t < (nuint)frames; t++)
        {
            ref T window = ref Unsafe.Add(ref windows, t * width);
            for (nuint tap = 0; tap < taps; tap++)
            {
                nuint lag = (taps - 1 - tap) * (nuint)TShape.Dilation;
                if (lag > t)
                {
                    // Before the start of the sequence: zero frames.
                    for (nuint i = 0; i < inputs; i++)
                    {
                        Unsafe.Add(ref window, (i * taps) + tap) = T.Zero;
                    }

                    continue;
                }

                ref T frame = ref Unsafe.Add(ref x, (t - lag) * inputs);
                for (nuint i = 0; i < inputs; i++)
                {
                    Unsafe.Add(ref window, (i * taps) + tap) = Unsafe.Add(ref frame, i);
                }
            }
        }

        Dense<T>.ForwardBatch<Conv1DWindow<TShape>, TActivation>(ref w, ref b, ref windows, width, ref y, ref z, (nuint)TShape.Out, frames);
    }

    /// <summary>
    /// The backward pass over a sequence: adds the weight and bias gradients of all frames; unless <paramref name="dx"/> is a
    /// null reference, writes dLoss/dInput of every input frame (the windows' gradients added back to the frames they came from).
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <param name="w">The weights, <c>[Out][In][KernelSize]</c>.</param>
    /// <param name="gw">Accumulates the weight gradient.</param>
    /// <param name="gb">Accumulates the bias gradient.</param>
    /// <param name="x">The input frames, <c>[frames][In]</c>.</param>
    /// <param name="windows">The windows <see cref="Forward"/> gathered.</param>
    /// <param name="dz">dLoss/dz of the layer, <c>[frames][Out]</c>.</param>
    /// <param name="windowGradients">Scratch, <c>[frames][In·KernelSize]</c> (not used with one tap).</param>
    /// <param name="dx">Receives dLoss/dInput, <c>[frames][In]</c>, or a null reference.</param>
    /// <param name="frames">The number of frames.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<TShape>(ref T w, ref T gw, ref T gb, ref T x, ref T windows, ref T dz, ref T windowGradients, ref T dx, int frames)
        where TShape : IConv1DShape
    {
        nuint width = (nuint)Conv1DWindow<TShape>.In;
        nuint outputs = (nuint)TShape.Out;
        ref T none = ref Unsafe.NullRef<T>();
        if (TShape.KernelSize == 1)
        {
            Dense<T>.BackwardBatch<Conv1DWindow<TShape>, Activations.Identity>(ref w, ref gw, ref gb, ref x, width, ref dz, outputs, ref dx, width, ref none, frames);
            return;
        }

        bool propagate = !Unsafe.IsNullRef(ref dx);
        Dense<T>.BackwardBatch<Conv1DWindow<TShape>, Activations.Identity>(
            ref w, ref gw, ref gb, ref windows, width, ref dz, outputs, ref propagate ? ref windowGradients : ref none, width, ref none, frames);
        if (!propagate)
        {
            return;
        }

        nuint inputs = (nuint)TShape.In;
        nuint taps = (nuint)TShape.KernelSize;
        Frames<T>.Clear(ref dx, (nuint)frames * inputs);
        for (nuint t = 0; t < (nuint)frames; t++)
        {
            ref T window = ref Unsafe.Add(ref windowGradients, t * width);
            for (nuint tap = 0; tap < taps; tap++)
            {
                nuint lag = (taps - 1 - tap) * (nuint)TShape.Dilation;
                if (lag > t)
                {
                    continue;
                }

                ref T frame = ref Unsafe.Add(ref dx, (t - lag) * inputs);
                for (nuint i = 0; i < inputs; i++)
                {
                    Unsafe.Add(ref frame, i) += Unsafe.Add(ref window, (i * taps) + tap);
                }
            }
        }
    }
}
