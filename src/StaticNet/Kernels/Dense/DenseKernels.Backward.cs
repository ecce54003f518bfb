using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// The backward kernels of one sample. The weight gradient and the update run along the rows
/// (<c>g[o] += dz[o] · x</c>); the gradient for the layer below (<c>dx = Wᵀ dz</c>) keeps a tile of up to eight input
/// chunks in registers while every row passes once, broadcasting <c>dz[o]</c>, so there is no horizontal sum; in the
/// training step the same pass updates the row from the value it has just read (the gradient below is taken from the
/// old weights, the seeds' order). The inputs past the last whole chunk are the last whole vector of the row: its lanes
/// that the chunk before already covered are computed again (the same value) where nothing is written back, and left as
/// they are where something is.
/// </summary>
internal static partial class DenseKernels<T, TSimd, TVector>
{
    /// <summary>Input chunks of <c>dx</c> kept in registers while the rows pass.</summary>
    private const int PropagationChunks = 8;

    /// <summary>
    /// Adds <c>dLoss/dW = dz xᵀ</c> into <paramref name="gw"/> and <c>dLoss/db = dz</c> into <paramref name="gb"/>; unless
    /// <paramref name="dx"/> is a null reference, writes <c>(Wᵀ dz)</c> through the gradient of the layer below's activation
    /// into it (<paramref name="x"/> is that layer's output, <paramref name="zBelow"/> its pre-activation or a null reference).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Backward<TShape, TBelow>(ref T w, ref T gw, ref T gb, ref T x, ref T dz, ref T dx, ref T zBelow)
        where TShape : IDenseShape
        where TBelow : IActivation
    {
        Lanes<T, TSimd, TVector>.Add(ref gb, ref dz, TShape.Out);
        nuint n = (nuint)TShape.In;
        for (nuint o = 0; o < (nuint)TShape.Out; o++)
        {
            AddScaledRow<TShape>(ref Unsafe.Add(ref gw, o * n), ref x, Unsafe.Add(ref dz, o), fused: false);
        }

        if (!Unsafe.IsNullRef(ref dx))
        {
            Propagate<TShape, TBelow>(ref w, ref x, ref dz, ref dx, ref zBelow, update: false, T.Zero);
        }
    }

    /// <summary>
    /// One SGD step of the layer: unless <paramref name="dx"/> is a null reference, first writes the gradient for the layer
    /// below into it from the old weights (as <see cref="Backward"/>), in the same pass as <c>W -= learningRate · dz xᵀ</c>;
    /// then <c>b -= learningRate · dz</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Train<TShape, TBelow>(ref T w, ref T b, ref T x, ref T dz, ref T dx, ref T zBelow, T learningRate)
        where TShape : IDenseShape
        where TBelow : IActivation
    {
        if (Unsafe.IsNullRef(ref dx))
        {
            nuint n = (nuint)TShape.In;
            for (nuint o = 0; o < (nuint)TShape.Out; o++)
            {
                AddScaledRow<TShape>(ref Unsafe.Add(ref w, o * n), ref x, -learningRate * Unsafe.Add(ref dz, o), fused: true);
            }
        }
        else
        {
            Propagate<TShape, TBelow>(ref w, ref x, ref dz, ref dx, ref zBelow, update: true, learningRate);
        }

        Lanes<T, TSimd, TVector>.AddScaled(ref b, ref dz, -learningRate, TShape.Out);
    }

    /// <summary>
    /// <c>row += scale · x</c> over the layer's inputs; the lanes of the last vector that the one before covered are left as
    /// they are. Unless <paramref name="fused"/> (the weight update), the product is rounded before the addition, so that
    /// adding a sample's gradient into a sum gives exactly what adding two separately computed gradients gives.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaledRow<TShape>(ref T row, ref T x, T scale, bool fused)
        where TShape : IDenseShape
    {
        nuint n = (nuint)TShape.In;
        nuint lanes = (nuint)TSimd.Count;
        TVector factor = TSimd.Create(scale);
        nuint i = 0;
        for (; i + lanes <= n; i += lanes)
        {
            TSimd.Store(AddScaled(factor, TSimd.Load(ref x, i), TSimd.Load(ref row, i), fused), ref row, i);
        }

        if (TShape.In % TSimd.Count != 0)
        {
            i = n - lanes;
            TVector old = TSimd.Load(ref row, i);
            TVector updated = AddScaled(factor, TSimd.Load(ref x, i), old, fused);
            TSimd.Store(TSimd.Select(TSimd.LastLanes(TShape.In % TSimd.Count), updated, old), ref row, i);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector AddScaled(TVector factor, TVector x, TVector row, bool fused) =>
        fused ? TSimd.MultiplyAdd(factor, x, row) : TSimd.Add(row, TSimd.Multiply(factor, x));

    /// <summary>
    /// <c>dx = Wᵀ dz</c> through the gradient of the activation below, <see cref="PropagationChunks"/> input chunks at a time;
    /// with <paramref name="update"/>, the same pass applies <c>w -= learningRate · dz[o] · x</c> to each row chunk just read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Propagate<TShape, TBelow>(ref T w, ref T x, ref T dz, ref T dx, ref T zBelow, bool update, T learningRate)
        where TShape : IDenseShape
        where TBelow : IActivation
    {
        int lanes = TSimd.Count;
        int tile = PropagationChunks * lanes;
        nuint t = 0;
        for (; t + (nuint)tile <= (nuint)TShape.In; t += (nuint)tile)
        {
            PropagateTile<TShape, TBelow>(ref w, ref x, ref dz, ref dx, ref zBelow, update, learningRate, t, PropagationChunks, tail: false);
        }

        // The rest: whole chunks, then the last whole vector of the row if the inputs end inside a chunk. The loop above
        // stops at a constant, so the count of chunks left is one too.
        int done = TShape.In / tile * tile;
        int rest = TShape.In - done;
        if (rest > 0)
        {
            int chunks = (rest + lanes - 1) / lanes;
            PropagateTile<TShape, TBelow>(ref w, ref x, ref dz, ref dx, ref zBelow, update, learningRate, (nuint)done, chunks, tail: rest % lanes != 0);
        }
    }

    /// <summary>
    /// One tile of <see cref="Propagate"/>: <paramref name="chunks"/> chunks from <paramref name="t"/>, the last of them the
    /// row's last whole vector when <paramref name="tail"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PropagateTile<TShape, TBelow>(ref T w, ref T x, ref T dz, ref T dx, ref T zBelow, bool update, T learningRate, nuint t, int chunks, bool tail)
        where TShape : IDenseShape
        where TBelow : IActivation
    {
        nuint n = (nuint)TShape.In;
        nuint lanes = (nuint)TSimd.Count;
        nuint last = tail ? n - lanes : t + ((nuint)(chunks - 1) * lanes);
        nuint c0 = t, c1 = t + lanes, c2 = t + (2 * lanes), c3 = t + (3 * lanes), c4 = t + (4 * lanes), c5 = t + (5 * lanes), c6 = t + (6 * lanes), c7 = t + (7 * lanes);
        switch (chunks)
        {
            case 1: c0 = last; break;
            case 2: c1 = last; break;
            case 3: c2 = last; break;
            case 4: c3 = last; break;
            case 5: c4 = last; break;
            case 6: c5 = last; break;
            case 7: c6 = last; break;
            default: c7 = last; break;
        }

        TVector d0 = TSimd.Zero, d1 = TSimd.Zero, d2 = TSimd.Zero, d3 = TSimd.Zero, d4 = TSimd.Zero, d5 = TSimd.Zero, d6 = TSimd.Zero, d7 = TSimd.Zero;
        TVector x0 = default, x1 = default, x2 = default, x3 = default, x4 = default, x5 = default, x6 = default, x7 = default;
        if (update)
        {
            x0 = TSimd.Load(ref x, c0);
            if (chunks > 1) { x1 = TSimd.Load(ref x, c1); }
            if (chunks > 2) { x2 = TSimd.Load(ref x, c2); }
            if (chunks > 3) { x3 = TSimd.Load(ref x, c3); }
            if (chunks > 4) { x4 = TSimd.Load(ref x, c4); }
            if (chunks > 5) { x5 = TSimd.Load(ref x, c5); }
            if (chunks > 6) { x6 = TSimd.Load(ref x, c6); }
            if (chunks > 7) { x7 = TSimd.Load(ref x, c7); }
        }

        // Where the last chunk overlaps the one before it, the update of the overlap was done by that chunk: keep it.
        TVector keep = tail ? TSimd.LastLanes(TShape.In % TSimd.Count) : default;
        for (nuint o = 0; o < (nuint)TShape.Out; o++)
        {
            ref T row = ref Unsafe.Add(ref w, o * n);
            T g = Unsafe.Add(ref dz, o);
            TVector dv = TSimd.Create(g);
            TVector sv = update ? TSimd.Create(-learningRate * g) : default;
            d0 = Step(ref row, c0, dv, d0, update, sv, x0, chunks == 1 && tail, keep);
            if (chunks > 1) { d1 = Step(ref row, c1, dv, d1, update, sv, x1, chunks == 2 && tail, keep); }
            if (chunks > 2) { d2 = Step(ref row, c2, dv, d2, update, sv, x2, chunks == 3 && tail, keep); }
            if (chunks > 3) { d3 = Step(ref row, c3, dv, d3, update, sv, x3, chunks == 4 && tail, keep); }
            if (chunks > 4) { d4 = Step(ref row, c4, dv, d4, update, sv, x4, chunks == 5 && tail, keep); }
            if (chunks > 5) { d5 = Step(ref row, c5, dv, d5, update, sv, x5, chunks == 6 && tail, keep); }
            if (chunks > 6) { d6 = Step(ref row, c6, dv, d6, update, sv, x6, chunks == 7 && tail, keep); }
            if (chunks > 7) { d7 = Step(ref row, c7, dv, d7, update, sv, x7, chunks == 8 && tail, keep); }
        }

        bool masked = update && tail;
        Finish<TBelow>(d0, ref x, ref dx, ref zBelow, c0, masked && chunks == 1, keep);
        if (chunks > 1) { Finish<TBelow>(d1, ref x, ref dx, ref zBelow, c1, masked && chunks == 2, keep); }
        if (chunks > 2) { Finish<TBelow>(d2, ref x, ref dx, ref zBelow, c2, masked && chunks == 3, keep); }
        if (chunks > 3) { Finish<TBelow>(d3, ref x, ref dx, ref zBelow, c3, masked && chunks == 4, keep); }
        if (chunks > 4) { Finish<TBelow>(d4, ref x, ref dx, ref zBelow, c4, masked && chunks == 5, keep); }
        if (chunks > 5) { Finish<TBelow>(d5, ref x, ref dx, ref zBelow, c5, masked && chunks == 6, keep); }
        if (chunks > 6) { Finish<TBelow>(d6, ref x, ref dx, ref zBelow, c6, masked && chunks == 7, keep); }
        if (chunks > 7) { Finish<TBelow>(d7, ref x, ref dx, ref zBelow, c7, masked && chunks == 8, keep); }
    }

    /// <summary>One row's contribution to one chunk of dx, and with <paramref name="update"/> the row chunk's update.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Step(ref T row, nuint offset, TVector dv, TVector d, bool update, TVector sv, TVector xv, bool overlaps, TVector keep)
    {
        TVector wv = TSimd.Load(ref row, offset);
        d = TSimd.MultiplyAdd(wv, dv, d);
        if (update)
        {
            TVector updated = TSimd.MultiplyAdd(sv, xv, wv);
            TSimd.Store(overlaps ? TSimd.Select(keep, updated, wv) : updated, ref row, offset);
        }

        return d;
    }

    /// <summary>A chunk of <c>Wᵀ dz</c> through the activation below, stored (only its own lanes where it overlaps an updated chunk).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TBelow>(TVector d, ref T x, ref T dx, ref T zBelow, nuint offset, bool overlaps, TVector keep)
        where TBelow : IActivation
    {
        TVector zv = Unsafe.IsNullRef(ref zBelow) ? TSimd.Zero : TSimd.Load(ref zBelow, offset);
        TVector gradient = TBelow.Gradient<T, TSimd, TVector>(d, zv, TSimd.Load(ref x, offset));
        TSimd.Store(overlaps ? TSimd.Select(keep, gradient, TSimd.Load(ref dx, offset)) : gradient, ref dx, offset);
    }
}
