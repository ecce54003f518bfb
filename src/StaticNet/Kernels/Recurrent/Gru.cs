using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using StaticNet.Kernels.Activations;

namespace StaticNet.Kernels;

/// <summary>
/// The GRU layer, as generated sequence networks call it: PyTorch's <c>nn.GRU(In, H)</c>, one layer, bias on. Gates r, z,
/// n: <c>r = σ(W_ir x + b_ir + W_hr h + b_hr)</c>, <c>z = σ(W_iz x + b_iz + W_hz h + b_hz)</c>,
/// <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c>, <c>h' = (1 − z) ⊙ n + z ⊙ h</c>. The parameters, from
/// <c>p</c>: <c>weight_ih [3H][In]</c>, <c>weight_hh [3H][H]</c>, <c>bias_ih [3H]</c>, <c>bias_hh [3H]</c>. Both projections
/// run on <see cref="Dense{T}"/>'s kernels (over a whole sequence, the input projection as one batch); the gates a vector
/// of hidden units at a time, at the widest accelerated vector that H fills.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
[SkipLocalsInit]
public static class Gru<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>One frame: reads and advances the hidden state <paramref name="h"/>, writes it to <paramref name="y"/> too.</summary>
    /// <typeparam name="TShape">The layer's sizes (<c>Out</c> is H).</typeparam>
    /// <param name="p">The layer's parameters.</param>
    /// <param name="h">The hidden state, <c>[H]</c>.</param>
    /// <param name="x">The input frame, <c>[In]</c>.</param>
    /// <param name="y">Receives the output frame (the new state), <c>[H]</c>.</param>
    /// <param name="scratch">Scratch, <c>[6H]</c>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Step<TShape>(ref T p, ref T h, ref T x, ref T y, ref T scratch)
        where TShape : ILayerShape
    {
        if (Vector512.IsHardwareAccelerated && TShape.Out >= Vector512<T>.Count)
        {
            GruKernels<T, Simd512<T>, Vector512<T>>.Step<TShape>(ref p, ref h, ref x, ref y, ref scratch);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count)
        {
            GruKernels<T, Simd256<T>, Vector256<T>>.Step<TShape>(ref p, ref h, ref x, ref y, ref scratch);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            GruKernels<T, Simd128<T>, Vector128<T>>.Step<TShape>(ref p, ref h, ref x, ref y, ref scratch);
        }
        else
        {
            GruKernels<T, Simd1<T>, T>.Step<TShape>(ref p, ref h, ref x, ref y, ref scratch);
        }
    }

    /// <summary>Elements of the layer in an inference snapshot (<see cref="Pack{TShape}"/>).</summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <returns>The length.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PackedLength<TShape>()
        where TShape : ILayerShape => RecurrentPacked<T>.Length<TShape, GruCell>();

    /// <summary>Elements of scratch <see cref="StepPacked{TShape}"/> needs.</summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <returns>The length.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PackedScratchLength<TShape>()
        where TShape : ILayerShape => RecurrentPacked<T>.ScratchLength<TShape, GruCell>();

    /// <summary>
    /// Copies the layer's parameters into the layout <see cref="StepPacked{TShape}"/> reads fastest: the weights of every
    /// gate of a vector of hidden units side by side for each input and state value, so that each value is broadcast once.
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <param name="p">The layer's parameters, in PyTorch's layout.</param>
    /// <param name="q">Receives the packed layer, <see cref="PackedLength{TShape}"/> elements.</param>
    public static void Pack<TShape>(ref T p, ref T q)
        where TShape : ILayerShape => RecurrentPacked<T>.Pack<TShape, GruCell>(ref p, ref q);

    /// <summary>One frame from the packed layer, as <see cref="Step{TShape}"/> computes it from the parameters.</summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <param name="q">The packed layer (<see cref="Pack{TShape}"/>).</param>
    /// <param name="state">The hidden state, <c>[H]</c>; read and advanced.</param>
    /// <param name="x">The input frame, <c>[In]</c>.</param>
    /// <param name="y">Receives the output frame, <c>[H]</c>.</param>
    /// <param name="scratch">Scratch, <see cref="PackedScratchLength{TShape}"/> elements.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StepPacked<TShape>(ref T q, ref T state, ref T x, ref T y, ref T scratch)
        where TShape : ILayerShape => RecurrentPacked<T>.Step<TShape, GruCell>(ref q, ref state, ref x, ref y, ref scratch);

    /// <summary>
    /// A whole sequence from the zero state, keeping what the backward pass needs: the hidden states <paramref name="h"/>
    /// (frame 0 the zero state, frame <c>t + 1</c> the output of frame <c>t</c>) and per frame the gates r, z, n and
    /// <c>W_hn h + b_hn</c> in <paramref name="cache"/>.
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <param name="p">The layer's parameters.</param>
    /// <param name="x">The input frames, <c>[frames][In]</c>.</param>
    /// <param name="h">Receives the states, <c>[frames + 1][H]</c>.</param>
    /// <param name="cache">Receives the gates, <c>[frames][4H]</c>.</param>
    /// <param name="scratch">Scratch, <c>[3H]</c>.</param>
    /// <param name="frames">The number of frames.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TShape>(ref T p, ref T x, ref T h, ref T cache, ref T scratch, int frames)
        where TShape : ILayerShape
    {
        if (Vector512.IsHardwareAccelerated && TShape.Out >= Vector512<T>.Count)
        {
            GruKernels<T, Simd512<T>, Vector512<T>>.Forward<TShape>(ref p, ref x, ref h, ref cache, ref scratch, frames);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count)
        {
            GruKernels<T, Simd256<T>, Vector256<T>>.Forward<TShape>(ref p, ref x, ref h, ref cache, ref scratch, frames);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            GruKernels<T, Simd128<T>, Vector128<T>>.Forward<TShape>(ref p, ref x, ref h, ref cache, ref scratch, frames);
        }
        else
        {
            GruKernels<T, Simd1<T>, T>.Forward<TShape>(ref p, ref x, ref h, ref cache, ref scratch, frames);
        }
    }

    /// <summary>
    /// Backpropagation through time over the sequence <see cref="Forward"/> ran: adds dLoss/dParameters into <paramref name="g"/>
    /// (the layer's block, laid out as <paramref name="p"/>) and, unless <paramref name="dx"/> is a null reference, writes
    /// dLoss/dInput. The cache is overwritten.
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <param name="p">The layer's parameters.</param>
    /// <param name="g">Accumulates the layer's gradient.</param>
    /// <param name="x">The input frames, <c>[frames][In]</c>.</param>
    /// <param name="h">The states <see cref="Forward"/> wrote, <c>[frames + 1][H]</c>.</param>
    /// <param name="cache">The gates <see cref="Forward"/> wrote.</param>
    /// <param name="dy">dLoss/dOutput of every frame, <c>[frames][H]</c>.</param>
    /// <param name="dx">Receives dLoss/dInput, <c>[frames][In]</c>, or a null reference.</param>
    /// <param name="scratch">Scratch, <c>[5H]</c>.</param>
    /// <param name="frames">The number of frames.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<TShape>(ref T p, ref T g, ref T x, ref T h, ref T cache, ref T dy, ref T dx, ref T scratch, int frames)
        where TShape : ILayerShape
    {
        if (Vector512.IsHardwareAccelerated && TShape.Out >= Vector512<T>.Count)
        {
            GruKernels<T, Simd512<T>, Vector512<T>>.Backward<TShape>(ref p, ref g, ref x, ref h, ref cache, ref dy, ref dx, ref scratch, frames);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count)
        {
            GruKernels<T, Simd256<T>, Vector256<T>>.Backward<TShape>(ref p, ref g, ref x, ref h, ref cache, ref dy, ref dx, ref scratch, frames);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            GruKernels<T, Simd128<T>, Vector128<T>>.Backward<TShape>(ref p, ref g, ref x, ref h, ref cache, ref dy, ref dx, ref scratch, frames);
        }
        else
        {
            GruKernels<T, Simd1<T>, T>.Backward<TShape>(ref p, ref g, ref x, ref h, ref cache, ref dy, ref dx, ref scratch, frames);
        }
    }
}

/// <summary>The GRU at one vector width: <see cref="Gru{T}"/> picks it.</summary>
[SkipLocalsInit]
internal static class GruKernels<T, TSimd, TVector>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TSimd : ISimd<T, TVector>
    where TVector : struct
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Step<TShape>(ref T p, ref T h, ref T x, ref T y, ref T scratch)
        where TShape : ILayerShape
    {
        nuint hidden = (nuint)TShape.Out;
        ref T gi = ref scratch;
        ref T gh = ref Unsafe.Add(ref scratch, 3 * hidden);
        Dense<T>.Forward<GruInput<TShape>, Identity>(ref p, ref BiasIh<TShape>(ref p), ref x, ref gi, ref Unsafe.NullRef<T>());
        Dense<T>.Forward<GruHidden<TShape>, Identity>(ref WeightHh<TShape>(ref p), ref BiasHh<TShape>(ref p), ref h, ref gh, ref Unsafe.NullRef<T>());
        for (nuint j = 0; j < hidden; j += (nuint)TSimd.Count)
        {
            Cell<TShape>(ref gi, ref gh, ref h, ref h, ref Unsafe.NullRef<T>(), j);
        }

        Unsafe.CopyBlockUnaligned(ref Unsafe.As<T, byte>(ref y), ref Unsafe.As<T, byte>(ref h), (uint)(hidden * (nuint)Unsafe.SizeOf<T>()));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TShape>(ref T p, ref T x, ref T h, ref T cache, ref T scratch, int frames)
        where TShape : ILayerShape
    {
        nuint hidden = (nuint)TShape.Out;
        nuint stride = 4 * hidden;
        Frames<T>.Clear(ref h, hidden);

        // The input projection of every frame at once, into the first 3H of each frame's cache.
        Dense<T>.ForwardBatch<GruInput<TShape>, Identity>(ref p, ref BiasIh<TShape>(ref p), ref x, (nuint)TShape.In, ref cache, ref Unsafe.NullRef<T>(), stride, frames);
        for (nuint t = 0; t < (nuint)frames; t++)
        {
            ref T previous = ref Unsafe.Add(ref h, t * hidden);
            ref T gates = ref Unsafe.Add(ref cache, t * stride);
            Dense<T>.Forward<GruHidden<TShape>, Identity>(ref WeightHh<TShape>(ref p), ref BiasHh<TShape>(ref p), ref previous, ref scratch, ref Unsafe.NullRef<T>());
            for (nuint j = 0; j < hidden; j += (nuint)TSimd.Count)
            {
                Cell<TShape>(ref gates, ref scratch, ref previous, ref Unsafe.Add(ref previous, hidden), ref gates, j);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<TShape>(ref T p, ref T g, ref T x, ref T h, ref T cache, ref T dy, ref T dx, ref T scratch, int frames)
        where TShape : ILayerShape
    {
        nuint hidden = (nuint)TShape.Out;
        nuint stride = 4 * hidden;
        ref T dh = ref scratch;
        ref T dgh = ref Unsafe.Add(ref scratch, hidden);
        ref T dhp = ref Unsafe.Add(ref scratch, 4 * hidden);
        Frames<T>.Clear(ref dh, hidden);
        for (nuint t = (nuint)frames; t-- > 0;)
        {
            ref T previous = ref Unsafe.Add(ref h, t * hidden);
            for (nuint j = 0; j < hidden; j += (nuint)TSimd.Count)
            {
                CellBackward<TShape>(ref Unsafe.Add(ref dy, t * hidden), ref dh, ref Unsafe.Add(ref cache, t * stride), ref previous, ref dgh, j);
            }

            Dense<T>.Backward<GruHidden<TShape>, Identity>(
                ref WeightHh<TShape>(ref p), ref WeightHh<TShape>(ref g), ref BiasHh<TShape>(ref g), ref previous, ref dgh, ref dhp, ref Unsafe.NullRef<T>());
            Lanes<T, TSimd, TVector>.Add(ref dh, ref dhp, TShape.Out);
        }

        // The input projection of every frame at once, from dLoss/d(W_ih x + b_ih) left in the first 3H of each frame's cache.
        Dense<T>.BackwardBatch<GruInput<TShape>, Identity>(
            ref p, ref g, ref BiasIh<TShape>(ref g), ref x, (nuint)TShape.In, ref cache, stride, ref dx, (nuint)TShape.In, ref Unsafe.NullRef<T>(), frames);
    }

    /// <summary>
    /// The gates of hidden units <c>[j, j + lanes)</c>: from the projections <paramref name="gi"/> and <paramref name="gh"/>
    /// (<c>[3H]</c> each) and the state <paramref name="previous"/>, writes the new state into <paramref name="next"/> and,
    /// unless <paramref name="cache"/> is a null reference, r, z, n and <c>W_hn h + b_hn</c> into it (it may be <paramref name="gi"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Cell<TShape>(ref T gi, ref T gh, ref T previous, ref T next, ref T cache, nuint j)
        where TShape : ILayerShape
    {
        nuint hidden = (nuint)TShape.Out;
        int count = Lanes<T, TSimd, TVector>.BlockCount(TShape.Out, j);
        TVector hn = Load(ref gh, (2 * hidden) + j, count);
        TVector r = Gates<T, TSimd, TVector>.Sigmoid(TSimd.Add(Load(ref gi, j, count), Load(ref gh, j, count)));
        TVector z = Gates<T, TSimd, TVector>.Sigmoid(TSimd.Add(Load(ref gi, hidden + j, count), Load(ref gh, hidden + j, count)));
        TVector n = Gates<T, TSimd, TVector>.Tanh(TSimd.MultiplyAdd(r, hn, Load(ref gi, (2 * hidden) + j, count)));
        TVector state = TSimd.MultiplyAdd(z, TSimd.Subtract(Load(ref previous, j, count), n), n);
        Store(state, ref next, j, count);
        if (!Unsafe.IsNullRef(ref cache))
        {
            Store(r, ref cache, j, count);
            Store(z, ref cache, hidden + j, count);
            Store(n, ref cache, (2 * hidden) + j, count);
            Store(hn, ref cache, (3 * hidden) + j, count);
        }
    }

    /// <summary>
    /// The backward pass of the gates of hidden units <c>[j, j + lanes)</c> at one frame: adds <paramref name="dy"/> into the
    /// carried <paramref name="dh"/>; writes dLoss/d(W_ih x + b_ih) over the frame's r, z, n in <paramref name="cache"/>,
    /// dLoss/d(W_hh h + b_hh) into <paramref name="dgh"/>, and leaves in <paramref name="dh"/> the part of dLoss/dh of the
    /// previous frame that does not go through W_hh (<c>dh ⊙ z</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CellBackward<TShape>(ref T dy, ref T dh, ref T cache, ref T previous, ref T dgh, nuint j)
        where TShape : ILayerShape
    {
        nuint hidden = (nuint)TShape.Out;
        int count = Lanes<T, TSimd, TVector>.BlockCount(TShape.Out, j);
        TVector one = TSimd.Create(T.One);
        TVector d = TSimd.Add(Load(ref dh, j, count), Load(ref dy, j, count));
        TVector r = Load(ref cache, j, count);
        TVector z = Load(ref cache, hidden + j, count);
        TVector n = Load(ref cache, (2 * hidden) + j, count);
        TVector hn = Load(ref cache, (3 * hidden) + j, count);
        TVector dn = TSimd.Multiply(d, TSimd.Subtract(one, z));
        TVector dz = TSimd.Multiply(d, TSimd.Subtract(Load(ref previous, j, count), n));
        TVector dan = TSimd.Multiply(dn, TSimd.NegatedMultiplyAdd(n, n, one));
        TVector daz = TSimd.Multiply(TSimd.Multiply(dz, z), TSimd.Subtract(one, z));
        TVector dar = TSimd.Multiply(TSimd.Multiply(TSimd.Multiply(dan, hn), r), TSimd.Subtract(one, r));
        Store(dar, ref cache, j, count);
        Store(daz, ref cache, hidden + j, count);
        Store(dan, ref cache, (2 * hidden) + j, count);
        Store(dar, ref dgh, j, count);
        Store(daz, ref dgh, hidden + j, count);
        Store(TSimd.Multiply(dan, r), ref dgh, (2 * hidden) + j, count);
        Store(TSimd.Multiply(d, z), ref dh, j, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Load(ref T source, nuint offset, int count) => Lanes<T, TSimd, TVector>.LoadFirst(ref source, offset, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(TVector value, ref T destination, nuint offset, int count) => Lanes<T, TSimd, TVector>.StoreFirst(value, ref destination, offset, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T WeightHh<TShape>(ref T p)
        where TShape : ILayerShape => ref Unsafe.Add(ref p, (nuint)(3 * TShape.Out * TShape.In));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T BiasIh<TShape>(ref T p)
        where TShape : ILayerShape => ref Unsafe.Add(ref p, (nuint)(3 * TShape.Out * (TShape.In + TShape.Out)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T BiasHh<TShape>(ref T p)
        where TShape : ILayerShape => ref Unsafe.Add(ref p, (nuint)((3 * TShape.Out * (TShape.In + TShape.Out)) + (3 * TShape.Out)));
}
