using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// The backward kernels of one sample, in one pass over the weight rows: a tile of up to eight input chunks stays in
/// registers (the chunks of <c>x</c>, and of the gradient for the layer below, <c>dx = Wᵀ dz</c>, which broadcasts
/// <c>dz[o]</c> and so needs no horizontal sum) while every row passes once; the same pass adds the row's gradient
/// <c>g[o] += dz[o] · x</c> or, in the training step, updates the row from the value it has just read (the gradient below is
/// taken from the old weights, the seeds' order). The inputs past the last whole chunk are the last whole vector of the row: its lanes
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
        where TShape : ILayerShape
        where TBelow : IActivation
    {
        Lanes<T, TSimd, TVector>.Add(ref gb, ref dz, TShape.Out);
        if (Unsafe.IsNullRef(ref dx))
        {
            Rows<TShape, No>(ref gw, ref x, ref dz, T.Zero);
        }
        else
        {
            Pass<TShape, TBelow, No, Yes>(ref w, ref gw, ref x, ref dz, ref dx, ref zBelow, T.Zero);
        }
    }

    /// <summary>
    /// One SGD step of the layer: unless <paramref name="dx"/> is a null reference, first writes the gradient for the layer
    /// below into it from the old weights (as <see cref="Backward"/>), in the same pass as <c>W -= learningRate · dz xᵀ</c>;
    /// then <c>b -= learningRate · dz</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Train<TShape, TBelow>(ref T w, ref T b, ref T x, ref T dz, ref T dx, ref T zBelow, T learningRate)
        where TShape : ILayerShape
        where TBelow : IActivation
    {
        if (Unsafe.IsNullRef(ref dx))
        {
            Rows<TShape, Yes>(ref w, ref x, ref dz, learningRate);
        }
        else
        {
            Pass<TShape, TBelow, Yes, No>(ref w, ref Unsafe.NullRef<T>(), ref x, ref dz, ref dx, ref zBelow, learningRate);
        }

        Lanes<T, TSimd, TVector>.AddScaled(ref b, ref dz, -learningRate, TShape.Out);
    }

    /// <summary>
    /// One pass over the weight rows, <see cref="PropagationChunks"/> input chunks at a time: <c>dx = Wᵀ dz</c> through the
    /// gradient of the activation below (the first layer, which has none to write, takes <see cref="Rows"/>); with
    /// <typeparamref name="TUpdate"/>, <c>w -= learningRate · dz[o] · x</c> on each row chunk just read (so the gradient below
    /// comes from the old weights); with <typeparamref name="TGradient"/>, <c>gw[o] += dz[o] · x</c>, the product rounded
    /// before the addition, so that adding a sample's gradient into a sum gives exactly what adding two separately computed
    /// gradients gives.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pass<TShape, TBelow, TUpdate, TGradient>(ref T w, ref T gw, ref T x, ref T dz, ref T dx, ref T zBelow, T learningRate)
        where TShape : ILayerShape
        where TBelow : IActivation
        where TUpdate : IFlag
        where TGradient : IFlag
    {
        nuint tile = (nuint)(PropagationChunks * TSimd.Count);
        nuint t = 0;
        for (; t + tile <= (nuint)TShape.In; t += tile)
        {
            PassTile<TShape, TBelow, TUpdate, TGradient, No>(ref w, ref gw, ref x, ref dz, ref dx, ref zBelow, learningRate, t);
        }

        // The rest: whole chunks, then the last whole vector of the row if the inputs end inside a chunk.
        if (TShape.In % (int)tile != 0)
        {
            PassTile<TShape, TBelow, TUpdate, TGradient, Yes>(ref w, ref gw, ref x, ref dz, ref dx, ref zBelow, learningRate, t);
        }
    }

    /// <summary>
    /// The first layer's update (<typeparamref name="TUpdate"/>: <c>w -= learningRate · dz[o] · x</c>) or gradient
    /// (<c>rows[o] += dz[o] · x</c>, the product rounded first), with no gradient to carry down: row after row, each
    /// read and written once in address order, the same operations per element as <see cref="Pass"/>'s. (Pass goes a tile
    /// of columns at a time down every row, which keeps the inputs in registers but steps through memory a row apart: for
    /// a layer larger than the caches, a page apart, which measured 30 % slower on the 4096 x 4096 network's TrainStep.)
    /// A method of its own, compiled fully optimised at its first call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Rows<TShape, TUpdate>(ref T rows, ref T x, ref T dz, T learningRate)
        where TShape : ILayerShape
        where TUpdate : IFlag
    {
        bool update = TUpdate.Value;
        nuint n = (nuint)TShape.In;
        nuint lanes = (nuint)TSimd.Count;
        bool tail = TShape.In % TSimd.Count != 0;
        TVector keep = tail ? TSimd.LastLanes(TShape.In % TSimd.Count) : default;
        for (nuint o = 0; o < (nuint)TShape.Out; o++)
        {
            ref T row = ref Unsafe.Add(ref rows, o * n);
            T g = Unsafe.Add(ref dz, o);
            TVector factor = TSimd.Create(update ? -learningRate * g : g);
            nuint i = 0;
            for (nuint whole = n / lanes * lanes; i < whole; i += lanes)
            {
                Write(ref row, i, factor, TSimd.Load(ref x, i), update, overlaps: false, keep);
            }

            if (tail)
            {
                Write(ref row, n - lanes, factor, TSimd.Load(ref x, n - lanes), update, overlaps: true, keep);
            }
        }
    }

    /// <summary>The chunks of a row past its last whole tile of <paramref name="tileChunks"/> chunks: whole ones, and the row's last whole vector if the inputs end inside a chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RestChunks(int inputs, int tileChunks)
    {
        int tile = tileChunks * TSimd.Count;
        int rest = inputs - (inputs / tile * tile);
        return (rest + TSimd.Count - 1) / TSimd.Count;
    }

    /// <summary>
    /// One tile of <see cref="Pass"/> from <paramref name="t"/>: <see cref="PropagationChunks"/> chunks, or with
    /// <typeparamref name="TLast"/> the chunks left at the end of the row, the last of them the row's last whole vector where
    /// the inputs end inside a chunk. A method of its own, compiled fully optimised at its first call: its sizes come from
    /// type arguments only, so that it is as specialised as if it were inlined.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PassTile<TShape, TBelow, TUpdate, TGradient, TLast>(ref T w, ref T gw, ref T x, ref T dz, ref T dx, ref T zBelow, T learningRate, nuint t)
        where TShape : ILayerShape
        where TBelow : IActivation
        where TUpdate : IFlag
        where TGradient : IFlag
        where TLast : IFlag
    {
        bool update = TUpdate.Value;
        bool gradient = TGradient.Value;
        int chunks = TLast.Value ? RestChunks(TShape.In, PropagationChunks) : PropagationChunks;
        bool tail = TLast.Value && TShape.In % TSimd.Count != 0;
        nuint n = (nuint)TShape.In;
        nuint lanes = (nuint)TSimd.Count;

        // Everything relative to the tile's first input, so that every chunk is at a constant offset (the last tile's own
        // start is a constant too). The last chunk of a tile that ends inside a chunk is the row's last whole vector.
        nuint start = TLast.Value ? (nuint)(TShape.In / (PropagationChunks * TSimd.Count) * (PropagationChunks * TSimd.Count)) : t;
        nuint last = tail ? n - lanes - start : (nuint)(chunks - 1) * lanes;
        nuint c1 = chunks == 2 ? last : lanes, c2 = chunks == 3 ? last : 2 * lanes, c3 = chunks == 4 ? last : 3 * lanes;
        nuint c4 = chunks == 5 ? last : 4 * lanes, c5 = chunks == 6 ? last : 5 * lanes, c6 = chunks == 7 ? last : 6 * lanes, c7 = chunks == 8 ? last : 7 * lanes;
        nuint c0 = chunks == 1 ? last : 0;
        ref T xs = ref Unsafe.Add(ref x, start);
        ref T ws = ref Unsafe.Add(ref w, start);
        ref T gs = ref gradient ? ref Unsafe.Add(ref gw, start) : ref ws;

        TVector x0 = default, x1 = default, x2 = default, x3 = default, x4 = default, x5 = default, x6 = default, x7 = default;
        if (update || gradient)
        {
            x0 = TSimd.Load(ref xs, c0);
            if (chunks > 1) { x1 = TSimd.Load(ref xs, c1); }
            if (chunks > 2) { x2 = TSimd.Load(ref xs, c2); }
            if (chunks > 3) { x3 = TSimd.Load(ref xs, c3); }
            if (chunks > 4) { x4 = TSimd.Load(ref xs, c4); }
            if (chunks > 5) { x5 = TSimd.Load(ref xs, c5); }
            if (chunks > 6) { x6 = TSimd.Load(ref xs, c6); }
            if (chunks > 7) { x7 = TSimd.Load(ref xs, c7); }
        }

        // Where the last chunk overlaps the one before it, the update (or gradient) of the overlap was done by that chunk: keep it.
        TVector keep = tail ? TSimd.LastLanes(TShape.In % TSimd.Count) : default;
        TVector d0 = TSimd.Zero, d1 = TSimd.Zero, d2 = TSimd.Zero, d3 = TSimd.Zero, d4 = TSimd.Zero, d5 = TSimd.Zero, d6 = TSimd.Zero, d7 = TSimd.Zero;
        for (nuint o = 0; o < (nuint)TShape.Out; o++)
        {
            ref T row = ref Unsafe.Add(ref ws, o * n);
            ref T gradientRow = ref Unsafe.Add(ref gs, o * n);
            T g = Unsafe.Add(ref dz, o);
            TVector dv = TSimd.Create(g);
            TVector sv = update ? TSimd.Create(-learningRate * g) : default;
            d0 = Step(ref row, ref gradientRow, c0, dv, d0, update, gradient, sv, x0, chunks == 1 && tail, keep);
            if (chunks > 1) { d1 = Step(ref row, ref gradientRow, c1, dv, d1, update, gradient, sv, x1, chunks == 2 && tail, keep); }
            if (chunks > 2) { d2 = Step(ref row, ref gradientRow, c2, dv, d2, update, gradient, sv, x2, chunks == 3 && tail, keep); }
            if (chunks > 3) { d3 = Step(ref row, ref gradientRow, c3, dv, d3, update, gradient, sv, x3, chunks == 4 && tail, keep); }
            if (chunks > 4) { d4 = Step(ref row, ref gradientRow, c4, dv, d4, update, gradient, sv, x4, chunks == 5 && tail, keep); }
            if (chunks > 5) { d5 = Step(ref row, ref gradientRow, c5, dv, d5, update, gradient, sv, x5, chunks == 6 && tail, keep); }
            if (chunks > 6) { d6 = Step(ref row, ref gradientRow, c6, dv, d6, update, gradient, sv, x6, chunks == 7 && tail, keep); }
            if (chunks > 7) { d7 = Step(ref row, ref gradientRow, c7, dv, d7, update, gradient, sv, x7, chunks == 8 && tail, keep); }
        }

        ref T dxs = ref Unsafe.Add(ref dx, start);
        ref T zs = ref Unsafe.IsNullRef(ref zBelow) ? ref zBelow : ref Unsafe.Add(ref zBelow, start);
        bool masked = update && tail;
        Finish<TBelow>(d0, ref xs, ref dxs, ref zs, c0, masked && chunks == 1, keep);
        if (chunks > 1) { Finish<TBelow>(d1, ref xs, ref dxs, ref zs, c1, masked && chunks == 2, keep); }
        if (chunks > 2) { Finish<TBelow>(d2, ref xs, ref dxs, ref zs, c2, masked && chunks == 3, keep); }
        if (chunks > 3) { Finish<TBelow>(d3, ref xs, ref dxs, ref zs, c3, masked && chunks == 4, keep); }
        if (chunks > 4) { Finish<TBelow>(d4, ref xs, ref dxs, ref zs, c4, masked && chunks == 5, keep); }
        if (chunks > 5) { Finish<TBelow>(d5, ref xs, ref dxs, ref zs, c5, masked && chunks == 6, keep); }
        if (chunks > 6) { Finish<TBelow>(d6, ref xs, ref dxs, ref zs, c6, masked && chunks == 7, keep); }
        if (chunks > 7) { Finish<TBelow>(d7, ref xs, ref dxs, ref zs, c7, masked && chunks == 8, keep); }
    }

    /// <summary>
    /// A row chunk of the update (<c>row += factor · x</c>, fused) or of the gradient (<c>row += factor · x</c>, the product
    /// rounded first), leaving the lanes that the chunk before covered where the chunk <paramref name="overlaps"/> it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write(ref T row, nuint offset, TVector factor, TVector xv, bool update, bool overlaps, TVector keep)
    {
        TVector old = TSimd.Load(ref row, offset);
        TVector sum = update ? TSimd.MultiplyAdd(factor, xv, old) : TSimd.Add(old, TSimd.Multiply(factor, xv));
        TSimd.Store(overlaps ? TSimd.Select(keep, sum, old) : sum, ref row, offset);
    }

    /// <summary>
    /// One row's contribution to one chunk of dx, with <paramref name="update"/> the row chunk's update and with
    /// <paramref name="gradient"/> its gradient.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Step(ref T row, ref T gradientRow, nuint offset, TVector dv, TVector d, bool update, bool gradient, TVector sv, TVector xv, bool overlaps, TVector keep)
    {
        if (gradient)
        {
            Write(ref gradientRow, offset, dv, xv, update: false, overlaps, keep);
        }

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
