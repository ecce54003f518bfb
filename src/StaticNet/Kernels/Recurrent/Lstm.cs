using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using StaticNet.Kernels.Activations;

namespace StaticNet.Kernels;

/// <summary>
/// The LSTM layer, as generated sequence networks call it: PyTorch's <c>nn.LSTM(In, H)</c>, one layer, bias on. Gates i, f,
/// g, o from <c>W_ih x + b_ih + W_hh h + b_hh</c> (σ, σ, tanh, σ); <c>c' = f ⊙ c + i ⊙ g</c>, <c>h' = o ⊙ tanh(c')</c>. The
/// parameters, from <c>p</c>: <c>weight_ih [4H][In]</c>, <c>weight_hh [4H][H]</c>, <c>bias_ih [4H]</c>, <c>bias_hh [4H]</c>.
/// Both projections run on <see cref="Dense{T}"/>'s kernels; the gates a vector of hidden units at a time.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
[SkipLocalsInit]
public static class Lstm<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>One frame: reads and advances the state (<c>h</c>, then <c>c</c>), writes the new <c>h</c> to <paramref name="y"/>.</summary>
    /// <typeparam name="TShape">The layer's sizes (<c>Out</c> is H).</typeparam>
    /// <param name="p">The layer's parameters.</param>
    /// <param name="state">The state, <c>[2H]</c>: the hidden state, then the cell state.</param>
    /// <param name="x">The input frame, <c>[In]</c>.</param>
    /// <param name="y">Receives the output frame, <c>[H]</c>.</param>
    /// <param name="scratch">Scratch, <c>[8H]</c>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Step<TShape>(ref T p, ref T state, ref T x, ref T y, ref T scratch)
        where TShape : ILayerShape
    {
        if (Vector512.IsHardwareAccelerated && TShape.Out >= Vector512<T>.Count)
        {
            LstmKernels<T, Simd512<T>, Vector512<T>>.Step<TShape>(ref p, ref state, ref x, ref y, ref scratch);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count)
        {
            LstmKernels<T, Simd256<T>, Vector256<T>>.Step<TShape>(ref p, ref state, ref x, ref y, ref scratch);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            LstmKernels<T, Simd128<T>, Vector128<T>>.Step<TShape>(ref p, ref state, ref x, ref y, ref scratch);
        }
        else
        {
            LstmKernels<T, Simd1<T>, T>.Step<TShape>(ref p, ref state, ref x, ref y, ref scratch);
        }
    }

    /// <summary>Elements of the layer in an inference snapshot (<see cref="Pack{TShape}"/>).</summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <returns>The length.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PackedLength<TShape>()
        where TShape : ILayerShape => RecurrentPacked<T>.Length<TShape, LstmCell>();

    /// <summary>Elements of scratch <see cref="StepPacked{TShape}"/> needs.</summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <returns>The length.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PackedScratchLength<TShape>()
        where TShape : ILayerShape => RecurrentPacked<T>.ScratchLength<TShape, LstmCell>();

    /// <summary>
    /// Copies the layer's parameters into the layout <see cref="StepPacked{TShape}"/> reads fastest: the weights of every
    /// gate of a vector of hidden units side by side for each input and state value, so that each value is broadcast once.
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <param name="p">The layer's parameters, in PyTorch's layout.</param>
    /// <param name="q">Receives the packed layer, <see cref="PackedLength{TShape}"/> elements.</param>
    public static void Pack<TShape>(ref T p, ref T q)
        where TShape : ILayerShape => RecurrentPacked<T>.Pack<TShape, LstmCell>(ref p, ref q);

    /// <summary>One frame from the packed layer, as <see cref="Step{TShape}"/> computes it from the parameters.</summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <param name="q">The packed layer (<see cref="Pack{TShape}"/>).</param>
    /// <param name="state">The state, <c>[2H]</c>: the hidden state, then the cell state; read and advanced.</param>
    /// <param name="x">The input frame, <c>[In]</c>.</param>
    /// <param name="y">Receives the output frame, <c>[H]</c>.</param>
    /// <param name="scratch">Scratch, <see cref="PackedScratchLength{TShape}"/> elements.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StepPacked<TShape>(ref T q, ref T state, ref T x, ref T y, ref T scratch)
        where TShape : ILayerShape => RecurrentPacked<T>.Step<TShape, LstmCell>(ref q, ref state, ref x, ref y, ref scratch);

    /// <summary>
    /// A whole sequence from the zero state, keeping what the backward pass needs: the hidden states <paramref name="h"/> and
    /// cell states <paramref name="c"/> (frame 0 the zero state, frame <c>t + 1</c> that after frame <c>t</c>) and per frame
    /// the gates i, f, g, o in <paramref name="cache"/>.
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <param name="p">The layer's parameters.</param>
    /// <param name="x">The input frames, <c>[frames][In]</c>.</param>
    /// <param name="h">Receives the hidden states, <c>[frames + 1][H]</c>.</param>
    /// <param name="c">Receives the cell states, <c>[frames + 1][H]</c>.</param>
    /// <param name="cache">Receives the gates, <c>[frames][4H]</c>.</param>
    /// <param name="scratch">Scratch, <c>[4H]</c>.</param>
    /// <param name="frames">The number of frames.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TShape>(ref T p, ref T x, ref T h, ref T c, ref T cache, ref T scratch, int frames)
        where TShape : ILayerShape
    {
        if (Vector512.IsHardwareAccelerated && TShape.Out >= Vector512<T>.Count)
        {
            LstmKernels<T, Simd512<T>, Vector512<T>>.Forward<TShape>(ref p, ref x, ref h, ref c, ref cache, ref scratch, frames);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count)
        {
            LstmKernels<T, Simd256<T>, Vector256<T>>.Forward<TShape>(ref p, ref x, ref h, ref c, ref cache, ref scratch, frames);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            LstmKernels<T, Simd128<T>, Vector128<T>>.Forward<TShape>(ref p, ref x, ref h, ref c, ref cache, ref scratch, frames);
        }
        else
        {
            LstmKernels<T, Simd1<T>, T>.Forward<TShape>(ref p, ref x, ref h, ref c, ref cache, ref scratch, frames);
        }
    }

    /// <summary>
    /// Backpropagation through time over the sequence <see cref="Forward"/> ran: adds dLoss/dParameters into <paramref name="g"/>
    /// and, unless <paramref name="dx"/> is a null reference, writes dLoss/dInput. The cache is overwritten.
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <param name="p">The layer's parameters.</param>
    /// <param name="g">Accumulates the layer's gradient.</param>
    /// <param name="x">The input frames, <c>[frames][In]</c>.</param>
    /// <param name="h">The hidden states <see cref="Forward"/> wrote.</param>
    /// <param name="c">The cell states <see cref="Forward"/> wrote.</param>
    /// <param name="cache">The gates <see cref="Forward"/> wrote.</param>
    /// <param name="dy">dLoss/dOutput of every frame, <c>[frames][H]</c>.</param>
    /// <param name="dx">Receives dLoss/dInput, <c>[frames][In]</c>, or a null reference.</param>
    /// <param name="scratch">Scratch, <c>[2H]</c>.</param>
    /// <param name="frames">The number of frames.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<TShape>(ref T p, ref T g, ref T x, ref T h, ref T c, ref T cache, ref T dy, ref T dx, ref T scratch, int frames)
        where TShape : ILayerShape
    {
        if (Vector512.IsHardwareAccelerated && TShape.Out >= Vector512<T>.Count)
        {
            LstmKernels<T, Simd512<T>, Vector512<T>>.Backward<TShape>(ref p, ref g, ref x, ref h, ref c, ref cache, ref dy, ref dx, ref scratch, frames);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count)
        {
            LstmKernels<T, Simd256<T>, Vector256<T>>.Backward<TShape>(ref p, ref g, ref x, ref h, ref c, ref cache, ref dy, ref dx, ref scratch, frames);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            LstmKernels<T, Simd128<T>, Vector128<T>>.Backward<TShape>(ref p, ref g, ref x, ref h, ref c, ref cache, ref dy, ref dx, ref scratch, frames);
        }
        else
        {
            LstmKernels<T, Simd1<T>, T>.Backward<TShape>(ref p, ref g, ref x, ref h, ref c, ref cache, ref dy, ref dx, ref scratch, frames);
        }
    }
}

/// <summary>The LSTM at one vector width: <see cref="Lstm{T}"/> picks it.</summary>
[SkipLocalsInit]
internal static class LstmKernels<T, TSimd, TVector>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TSimd : ISimd<T, TVector>
    where TVector : struct
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Step<TShape>(ref T p, ref T state, ref T x, ref T y, ref T scratch)
        where TShape : ILayerShape
    {
        nuint hidden = (nuint)TShape.Out;
        ref T h = ref state;
        ref T c = ref Unsafe.Add(ref state, hidden);
        ref T gi = ref scratch;
        ref T gh = ref Unsafe.Add(ref scratch, 4 * hidden);
        Dense<T>.Forward<LstmInput<TShape>, Identity>(ref p, ref BiasIh<TShape>(ref p), ref x, ref gi, ref Unsafe.NullRef<T>());
        Dense<T>.Forward<LstmHidden<TShape>, Identity>(ref WeightHh<TShape>(ref p), ref BiasHh<TShape>(ref p), ref h, ref gh, ref Unsafe.NullRef<T>());
        for (nuint j = 0; j < hidden; j += (nuint)TSimd.Count)
        {
            Cell<TShape>(ref gi, ref gh, ref c, ref c, ref h, ref Unsafe.NullRef<T>(), j);
        }

        Unsafe.CopyBlockUnaligned(ref Unsafe.As<T, byte>(ref y), ref Unsafe.As<T, byte>(ref h), (uint)(hidden * (nuint)Unsafe.SizeOf<T>()));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TShape>(ref T p, ref T x, ref T h, ref T c, ref T cache, ref T scratch, int frames)
        where TShape : ILayerShape
    {
        nuint hidden = (nuint)TShape.Out;
        nuint stride = 4 * hidden;
        Frames<T>.Clear(ref h, hidden);
        Frames<T>.Clear(ref c, hidden);

        // The input projection of every frame at once, into each frame's cache.
        Dense<T>.ForwardBatch<LstmInput<TShape>, Identity>(ref p, ref BiasIh<TShape>(ref p), ref x, (nuint)TShape.In, ref cache, ref Unsafe.NullRef<T>(), stride, frames);
        for (nuint t = 0; t < (nuint)frames; t++)
        {
            ref T previous = ref Unsafe.Add(ref h, t * hidden);
            ref T cell = ref Unsafe.Add(ref c, t * hidden);
            ref T gates = ref Unsafe.Add(ref cache, t * stride);
            Dense<T>.Forward<LstmHidden<TShape>, Identity>(ref WeightHh<TShape>(ref p), ref BiasHh<TShape>(ref p), ref previous, ref scratch, ref Unsafe.NullRef<T>());
            for (nuint j = 0; j < hidden; j += (nuint)TSimd.Count)
            {
                Cell<TShape>(ref gates, ref scratch, ref cell, ref Unsafe.Add(ref cell, hidden), ref Unsafe.Add(ref previous, hidden), ref gates, j);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<TShape>(ref T p, ref T g, ref T x, ref T h, ref T c, ref T cache, ref T dy, ref T dx, ref T scratch, int frames)
        where TShape : ILayerShape
    {
        nuint hidden = (nuint)TShape.Out;
        nuint stride = 4 * hidden;
        ref T dh = ref scratch;
        ref T dc = ref Unsafe.Add(ref scratch, hidden);
        Frames<T>.Clear(ref scratch, 2 * hidden);
        for (nuint t = (nuint)frames; t-- > 0;)
        {
            ref T gates = ref Unsafe.Add(ref cache, t * stride);
            ref T cell = ref Unsafe.Add(ref c, t * hidden);
            for (nuint j = 0; j < hidden; j += (nuint)TSimd.Count)
            {
                CellBackward<TShape>(ref Unsafe.Add(ref dy, t * hidden), ref dh, ref dc, ref gates, ref cell, j);
            }

            // dLoss/dh of the previous frame is W_hhᵀ dLoss/d(gates): written over dh.
            Dense<T>.Backward<LstmHidden<TShape>, Identity>(
                ref WeightHh<TShape>(ref p), ref WeightHh<TShape>(ref g), ref BiasHh<TShape>(ref g), ref Unsafe.Add(ref h, t * hidden), ref gates, ref dh, ref Unsafe.NullRef<T>());
        }

        Dense<T>.BackwardBatch<LstmInput<TShape>, Identity>(
            ref p, ref g, ref BiasIh<TShape>(ref g), ref x, (nuint)TShape.In, ref cache, stride, ref dx, (nuint)TShape.In, ref Unsafe.NullRef<T>(), frames);
    }

    /// <summary>
    /// The gates of hidden units <c>[j, j + lanes)</c>: from the projections (<c>[4H]</c> each) and the cell state
    /// <paramref name="cell"/>, writes the new cell state into <paramref name="nextCell"/>, the new hidden state into
    /// <paramref name="next"/> and, unless <paramref name="cache"/> is a null reference, i, f, g, o into it (it may be <paramref name="gi"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Cell<TShape>(ref T gi, ref T gh, ref T cell, ref T nextCell, ref T next, ref T cache, nuint j)
        where TShape : ILayerShape
    {
        nuint hidden = (nuint)TShape.Out;
        int count = Lanes<T, TSimd, TVector>.BlockCount(TShape.Out, j);
        TVector i = Gates<T, TSimd, TVector>.Sigmoid(TSimd.Add(Load(ref gi, j, count), Load(ref gh, j, count)));
        TVector f = Gates<T, TSimd, TVector>.Sigmoid(TSimd.Add(Load(ref gi, hidden + j, count), Load(ref gh, hidden + j, count)));
        TVector g = Gates<T, TSimd, TVector>.Tanh(TSimd.Add(Load(ref gi, (2 * hidden) + j, count), Load(ref gh, (2 * hidden) + j, count)));
        TVector o = Gates<T, TSimd, TVector>.Sigmoid(TSimd.Add(Load(ref gi, (3 * hidden) + j, count), Load(ref gh, (3 * hidden) + j, count)));
        TVector c = TSimd.MultiplyAdd(f, Load(ref cell, j, count), TSimd.Multiply(i, g));
        Store(c, ref nextCell, j, count);
        Store(TSimd.Multiply(o, Gates<T, TSimd, TVector>.Tanh(c)), ref next, j, count);
        if (!Unsafe.IsNullRef(ref cache))
        {
            Store(i, ref cache, j, count);
            Store(f, ref cache, hidden + j, count);
            Store(g, ref cache, (2 * hidden) + j, count);
            Store(o, ref cache, (3 * hidden) + j, count);
        }
    }

    /// <summary>
    /// The backward pass of the gates of hidden units <c>[j, j + lanes)</c> at one frame: adds <paramref name="dy"/> into the
    /// carried <paramref name="dh"/>, writes dLoss/d(gates' pre-activations) over the frame's gates, and carries dLoss/dc to
    /// the previous frame in <paramref name="dc"/>. <paramref name="cell"/> is the frame's previous cell state (the next one follows it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CellBackward<TShape>(ref T dy, ref T dh, ref T dc, ref T gates, ref T cell, nuint j)
        where TShape : ILayerShape
    {
        nuint hidden = (nuint)TShape.Out;
        int count = Lanes<T, TSimd, TVector>.BlockCount(TShape.Out, j);
        TVector one = TSimd.Create(T.One);
        TVector d = TSimd.Add(Load(ref dh, j, count), Load(ref dy, j, count));
        TVector i = Load(ref gates, j, count);
        TVector f = Load(ref gates, hidden + j, count);
        TVector g = Load(ref gates, (2 * hidden) + j, count);
        TVector o = Load(ref gates, (3 * hidden) + j, count);
        TVector tc = Gates<T, TSimd, TVector>.Tanh(Load(ref cell, hidden + j, count));
        TVector dcv = TSimd.MultiplyAdd(TSimd.Multiply(d, o), TSimd.NegatedMultiplyAdd(tc, tc, one), Load(ref dc, j, count));
        TVector di = TSimd.Multiply(dcv, g);
        TVector dg = TSimd.Multiply(dcv, i);
        TVector df = TSimd.Multiply(dcv, Load(ref cell, j, count));
        TVector dout = TSimd.Multiply(d, tc);
        Store(TSimd.Multiply(dcv, f), ref dc, j, count);
        Store(TSimd.Multiply(TSimd.Multiply(di, i), TSimd.Subtract(one, i)), ref gates, j, count);
        Store(TSimd.Multiply(TSimd.Multiply(df, f), TSimd.Subtract(one, f)), ref gates, hidden + j, count);
        Store(TSimd.Multiply(dg, TSimd.NegatedMultiplyAdd(g, g, one)), ref gates, (2 * hidden) + j, count);
        Store(TSimd.Multiply(TSimd.Multiply(dout, o), TSimd.Subtract(one, o)), ref gates, (3 * hidden) + j, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Load(ref T source, nuint offset, int count) => Lanes<T, TSimd, TVector>.LoadFirst(ref source, offset, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(TVector value, ref T destination, nuint offset, int count) => Lanes<T, TSimd, TVector>.StoreFirst(value, ref destination, offset, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T WeightHh<TShape>(ref T p)
        where TShape : ILayerShape => ref Unsafe.Add(ref p, (nuint)(4 * TShape.Out * TShape.In));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T BiasIh<TShape>(ref T p)
        where TShape : ILayerShape => ref Unsafe.Add(ref p, (nuint)(4 * TShape.Out * (TShape.In + TShape.Out)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T BiasHh<TShape>(ref T p)
        where TShape : ILayerShape => ref Unsafe.Add(ref p, (nuint)((4 * TShape.Out * (TShape.In + TShape.Out)) + (4 * TShape.Out)));
}
