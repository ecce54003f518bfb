using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// The kernels of a block of samples, stored row by row with a stride. Forward: tiles of two samples by a few rows (three
/// samples by four rows where the machine has 16 vector registers) share every load of a weight chunk; the row tiles are
/// the outer loop, so a tile's rows stay in the L1 cache while the block's samples pass. Each accumulator sees the same
/// multiply-adds in the same order as in <see cref="Forward"/>, and the tree adds each accumulator's lanes the same way in
/// any slot, so a batch gives, to the bit, what one sample at a time gives. Backward: the weight gradient in register
/// tiles of rows by chunks while the block's samples pass, so that each gradient element is read and written once per
/// block.
/// </summary>
internal static partial class DenseKernels<T, TSimd, TVector>
{
    /// <summary>Rows of a batched forward tile (each of the two samples has one accumulator per row).</summary>
    private static int TileRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TSimd.Count < (TSimd.Registers >= 32 ? 8 : 4) ? TSimd.Count : TSimd.Registers >= 32 ? 8 : 4;
    }

    /// <summary>Rows of a weight-gradient tile.</summary>
    private const int GradientRows = 4;

    /// <summary>Chunks of a weight-gradient tile.</summary>
    private static int GradientChunks
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TSimd.Registers >= 32 ? 4 : 2;
    }

    /// <summary>
    /// <see cref="Forward"/> for <paramref name="count"/> samples: sample <c>s</c> reads <c>x[s · xStride..]</c>, writes
    /// <c>y[s · yStride..]</c> and, unless <paramref name="z"/> is a null reference, <c>z[s · yStride..]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ForwardBatch<TShape, TActivation>(ref T w, ref T b, ref T x, nuint xStride, ref T y, ref T z, nuint yStride, int count)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        int rows = TileRows;
        nuint done = 0;
        if (rows == 4 && TSimd.Registers < 32 && TSimd.IsFused && TShape.Out >= rows && count >= 3)
        {
            // Three samples by four rows where the machine has 16 vector registers: twelve accumulators, the three input
            // chunks and the weight chunk fill them, and each chain waits 6 cycles for its next fused multiply-add where
            // two samples' 8 chains wait 4, the latency itself. T3 ForwardBatch(256) at 256 bits on Zen 4 (AVX-512 off,
            // the probe, three interleaved pairs of processes): 608-614 to 546-551 µs, 76 to 85 % of the core's ceiling.
            // (Without hardware FMA, a multiply and an add need a thirteenth temporary and the loop spilled: 1.22 to
            // 1.91 ms at 128 bits.) One or two samples left over take the tiles of two below.
            done = ForwardTriples<TShape, TActivation>(ref w, ref b, ref x, xStride, ref y, ref z, yStride, count);
        }

        ref T xRest = ref Unsafe.Add(ref x, done * xStride);
        ref T yRest = ref Unsafe.Add(ref y, done * yStride);
        ref T zRest = ref Unsafe.IsNullRef(ref z) ? ref z : ref Unsafe.Add(ref z, done * yStride);
        nuint pairs = ((nuint)count - done) / 2;
        if (TShape.Out < rows)
        {
            for (nuint s = 0; s < pairs; s++)
            {
                ForwardTile<TShape, TActivation, Yes, No>(ref w, ref b, ref xRest, xStride, ref yRest, ref zRest, yStride, 2 * s, 0);
            }
        }
        else
        {
            RowTiles<TShape, TActivation, No>(ref w, ref b, ref xRest, xStride, ref yRest, ref zRest, yStride, pairs);
        }

        if (((nuint)count - done) % 2 != 0)
        {
            nuint s = (nuint)(count - 1);
            Forward<TShape, TActivation>(ref w, ref b, ref Unsafe.Add(ref x, s * xStride), ref Unsafe.Add(ref y, s * yStride),
                ref Unsafe.IsNullRef(ref z) ? ref z : ref Unsafe.Add(ref z, s * yStride));
        }
    }

    /// <summary>
    /// <see cref="ForwardBatch"/>'s tiles of three samples over the first <c>count / 3 · 3</c> samples, which it returns. A
    /// method of its own, compiled fully optimised at its first call: inlined, its body came out of the inlining budget of
    /// the dispatcher in <see cref="Dense{T}"/> even at the widths where it is never called (the scalar path's ISimd
    /// operations were left as calls: the conformance runner's JIT check).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static nuint ForwardTriples<TShape, TActivation>(ref T w, ref T b, ref T x, nuint xStride, ref T y, ref T z, nuint yStride, int count)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        nuint triples = (nuint)(count / 3);
        RowTiles<TShape, TActivation, Yes>(ref w, ref b, ref x, xStride, ref y, ref z, yStride, triples);
        return 3 * triples;
    }

    /// <summary>
    /// The whole row tiles, then the overlapping last one, each over <paramref name="tiles"/> tiles of two samples (three
    /// where <typeparamref name="TThree"/> is set): the row tiles are the outer loop, so a tile's rows stay in the L1 cache
    /// while the samples pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowTiles<TShape, TActivation, TThree>(ref T w, ref T b, ref T x, nuint xStride, ref T y, ref T z, nuint yStride, nuint tiles)
        where TShape : ILayerShape
        where TActivation : IActivation
        where TThree : IFlag
    {
        nuint rows = (nuint)TileRows;
        nuint samples = TThree.Value ? 3u : 2u;
        nuint o = 0;
        for (; o + rows <= (nuint)TShape.Out; o += rows)
        {
            for (nuint t = 0; t < tiles; t++)
            {
                ForwardTile<TShape, TActivation, No, TThree>(ref w, ref b, ref x, xStride, ref y, ref z, yStride, samples * t, o);
            }
        }

        if ((nuint)TShape.Out % rows != 0)
        {
            for (nuint t = 0; t < tiles; t++)
            {
                ForwardTile<TShape, TActivation, No, TThree>(ref w, ref b, ref x, xStride, ref y, ref z, yStride, samples * t, (nuint)TShape.Out - rows);
            }
        }
    }

    /// <summary>
    /// <see cref="ForwardColumns"/> for <paramref name="count"/> samples: each vector of outputs' columns are gathered
    /// once, then every sample is a few broadcasts and multiply-adds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardColumnsBatch<TShape, TActivation>(ref T w, ref T b, ref T x, nuint xStride, ref T y, ref T z, nuint yStride, int count)
        where TShape : ILayerShape
        where TActivation : IActivation =>
        ColumnVectors<TShape, TActivation>(ref w, ref b, ref x, xStride, ref y, ref z, yStride, count);

    /// <summary>
    /// The column kernel's loop, a vector of outputs at a time, every sample for each: <see cref="ForwardColumnsBatch"/>,
    /// and the one-sample <see cref="ForwardColumns"/> with a count of 1 (a constant there).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ColumnVectors<TShape, TActivation>(ref T w, ref T b, ref T x, nuint xStride, ref T y, ref T z, nuint yStride, int count)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        nuint n = (nuint)TShape.Out;
        nuint lanes = (nuint)TSimd.Count;
        for (nuint o = 0; o < n; o += lanes)
        {
            nuint at = o + lanes <= n ? o : n - lanes;
            Columns<TShape>(ref w, at, out TVector c0, out TVector c1, out TVector c2);
            for (nuint s = 0; s < (nuint)count; s++)
            {
                FinishOutputs<TActivation>(ColumnsTimes<TShape>(c0, c1, c2, ref Unsafe.Add(ref x, s * xStride)), ref b, ref Unsafe.Add(ref y, s * yStride),
                    ref Unsafe.IsNullRef(ref z) ? ref z : ref Unsafe.Add(ref z, s * yStride), at, (int)lanes);
            }
        }
    }

    /// <summary>
    /// Samples <c>s</c> and <c>s + 1</c>, and <c>s + 2</c> where <typeparamref name="TThree"/> is set (only where
    /// <see cref="TileRows"/> is 4: the third sample has accumulators for four rows); outputs
    /// from <c>o</c>: <see cref="TileRows"/> of them, or all of a layer that has fewer (<typeparamref name="TFew"/>). A
    /// method of its own, compiled fully optimised at its first call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardTile<TShape, TActivation, TFew, TThree>(ref T w, ref T b, ref T x, nuint xStride, ref T y, ref T z, nuint yStride, nuint s, nuint o)
        where TShape : ILayerShape
        where TActivation : IActivation
        where TFew : IFlag
        where TThree : IFlag
    {
        int active = TFew.Value ? TShape.Out : TileRows;
        nuint n = (nuint)TShape.In;
        int lanes = TSimd.Count;
        ref T row = ref Unsafe.Add(ref w, o * n);
        ref T xa = ref Unsafe.Add(ref x, s * xStride);
        ref T xb = ref Unsafe.Add(ref xa, xStride);
        ref T xc = ref Unsafe.Add(ref xb, TThree.Value ? xStride : 0);
        TVector a0 = TSimd.Zero, a1 = TSimd.Zero, a2 = TSimd.Zero, a3 = TSimd.Zero, a4 = TSimd.Zero, a5 = TSimd.Zero, a6 = TSimd.Zero, a7 = TSimd.Zero;
        TVector b0 = TSimd.Zero, b1 = TSimd.Zero, b2 = TSimd.Zero, b3 = TSimd.Zero, b4 = TSimd.Zero, b5 = TSimd.Zero, b6 = TSimd.Zero, b7 = TSimd.Zero;
        TVector c0 = TSimd.Zero, c1 = TSimd.Zero, c2 = TSimd.Zero, c3 = TSimd.Zero;
        nuint i = 0;
        for (nuint whole = (nuint)(TShape.In / lanes * lanes); i < whole; i += (nuint)lanes)
        {
            TVector va = TSimd.Load(ref xa, i);
            TVector vb = TSimd.Load(ref xb, i);
            TVector vc = TThree.Value ? TSimd.Load(ref xc, i) : va;
            TVector wv = TSimd.Load(ref row, i);
            a0 = TSimd.MultiplyAdd(wv, va, a0);
            b0 = TSimd.MultiplyAdd(wv, vb, b0);
            if (TThree.Value) { c0 = TSimd.MultiplyAdd(wv, vc, c0); }
            if (active > 1) { wv = TSimd.Load(ref row, n + i); a1 = TSimd.MultiplyAdd(wv, va, a1); b1 = TSimd.MultiplyAdd(wv, vb, b1); }
            if (TThree.Value) { c1 = TSimd.MultiplyAdd(wv, vc, c1); }
            if (active > 2) { wv = TSimd.Load(ref row, (2 * n) + i); a2 = TSimd.MultiplyAdd(wv, va, a2); b2 = TSimd.MultiplyAdd(wv, vb, b2); }
            if (TThree.Value) { c2 = TSimd.MultiplyAdd(wv, vc, c2); }
            if (active > 3) { wv = TSimd.Load(ref row, (3 * n) + i); a3 = TSimd.MultiplyAdd(wv, va, a3); b3 = TSimd.MultiplyAdd(wv, vb, b3); }
            if (TThree.Value) { c3 = TSimd.MultiplyAdd(wv, vc, c3); }
            if (active > 4) { wv = TSimd.Load(ref row, (4 * n) + i); a4 = TSimd.MultiplyAdd(wv, va, a4); b4 = TSimd.MultiplyAdd(wv, vb, b4); }
            if (active > 5) { wv = TSimd.Load(ref row, (5 * n) + i); a5 = TSimd.MultiplyAdd(wv, va, a5); b5 = TSimd.MultiplyAdd(wv, vb, b5); }
            if (active > 6) { wv = TSimd.Load(ref row, (6 * n) + i); a6 = TSimd.MultiplyAdd(wv, va, a6); b6 = TSimd.MultiplyAdd(wv, vb, b6); }
            if (active > 7) { wv = TSimd.Load(ref row, (7 * n) + i); a7 = TSimd.MultiplyAdd(wv, va, a7); b7 = TSimd.MultiplyAdd(wv, vb, b7); }
        }

        if (TShape.In % lanes != 0)
        {
            i = n - (nuint)lanes;
            TVector mask = TSimd.LastLanes(TShape.In % lanes);
            TVector va = TSimd.And(TSimd.Load(ref xa, i), mask);
            TVector vb = TSimd.And(TSimd.Load(ref xb, i), mask);
            TVector vc = TThree.Value ? TSimd.And(TSimd.Load(ref xc, i), mask) : va;
            TVector wv = TSimd.And(TSimd.Load(ref row, i), mask);
            a0 = TSimd.MultiplyAdd(wv, va, a0);
            b0 = TSimd.MultiplyAdd(wv, vb, b0);
            if (TThree.Value) { c0 = TSimd.MultiplyAdd(wv, vc, c0); }
            if (active > 1) { wv = TSimd.And(TSimd.Load(ref row, n + i), mask); a1 = TSimd.MultiplyAdd(wv, va, a1); b1 = TSimd.MultiplyAdd(wv, vb, b1); }
            if (TThree.Value) { c1 = TSimd.MultiplyAdd(wv, vc, c1); }
            if (active > 2) { wv = TSimd.And(TSimd.Load(ref row, (2 * n) + i), mask); a2 = TSimd.MultiplyAdd(wv, va, a2); b2 = TSimd.MultiplyAdd(wv, vb, b2); }
            if (TThree.Value) { c2 = TSimd.MultiplyAdd(wv, vc, c2); }
            if (active > 3) { wv = TSimd.And(TSimd.Load(ref row, (3 * n) + i), mask); a3 = TSimd.MultiplyAdd(wv, va, a3); b3 = TSimd.MultiplyAdd(wv, vb, b3); }
            if (TThree.Value) { c3 = TSimd.MultiplyAdd(wv, vc, c3); }
            if (active > 4) { wv = TSimd.And(TSimd.Load(ref row, (4 * n) + i), mask); a4 = TSimd.MultiplyAdd(wv, va, a4); b4 = TSimd.MultiplyAdd(wv, vb, b4); }
            if (active > 5) { wv = TSimd.And(TSimd.Load(ref row, (5 * n) + i), mask); a5 = TSimd.MultiplyAdd(wv, va, a5); b5 = TSimd.MultiplyAdd(wv, vb, b5); }
            if (active > 6) { wv = TSimd.And(TSimd.Load(ref row, (6 * n) + i), mask); a6 = TSimd.MultiplyAdd(wv, va, a6); b6 = TSimd.MultiplyAdd(wv, vb, b6); }
            if (active > 7) { wv = TSimd.And(TSimd.Load(ref row, (7 * n) + i), mask); a7 = TSimd.MultiplyAdd(wv, va, a7); b7 = TSimd.MultiplyAdd(wv, vb, b7); }
        }

        TVector zero = TSimd.Zero;
        nuint ya = s * yStride;
        nuint yb = ya + yStride;
        nuint yc = yb + yStride;
        ref T z0 = ref Unsafe.IsNullRef(ref z) ? ref z : ref Unsafe.Add(ref z, ya);
        ref T z1 = ref Unsafe.IsNullRef(ref z) ? ref z : ref Unsafe.Add(ref z, yb);
        ref T z2 = ref Unsafe.IsNullRef(ref z) ? ref z : ref Unsafe.Add(ref z, yc);
        if (!TFew.Value && 2 * TileRows == lanes)
        {
            // The two samples' rows fill one vector: one tree, lanes [0, rows) the first sample's outputs and [rows, 2 rows)
            // the second's, and whole-half stores instead of partial ones (which go through memory lane by lane). A third
            // sample's four rows fill both halves of another vector, stored twice over the same outputs.
            TVector sums = TileRows == 4
                ? TSimd.Sums(a0, a1, a2, a3, b0, b1, b2, b3, zero, zero, zero, zero, zero, zero, zero, zero)
                : TSimd.Sums(a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7);
            TVector third = TThree.Value ? TSimd.Sums(c0, c1, c2, c3, c0, c1, c2, c3, zero, zero, zero, zero, zero, zero, zero, zero) : zero;
            TVector bias = TSimd.LoadHalves(ref b, o);
            TVector pre = TSimd.Add(sums, bias);
            TVector preThird = TSimd.Add(third, bias);
            if (!Unsafe.IsNullRef(ref z))
            {
                TSimd.StoreHalves(pre, ref z0, ref z1, o);
                if (TThree.Value) { TSimd.StoreHalves(preThird, ref z2, ref z2, o); }
            }

            TSimd.StoreHalves(TActivation.Apply<T, TSimd, TVector>(pre), ref Unsafe.Add(ref y, ya), ref Unsafe.Add(ref y, yb), o);
            if (TThree.Value) { TSimd.StoreHalves(TActivation.Apply<T, TSimd, TVector>(preThird), ref Unsafe.Add(ref y, yc), ref Unsafe.Add(ref y, yc), o); }
            return;
        }

        // Every tree before the first output is finished (see ForwardGroup): no accumulator lives across an activation's call.
        TVector first = TSimd.Sums(a0, a1, a2, a3, a4, a5, a6, a7, zero, zero, zero, zero, zero, zero, zero, zero);
        TVector second = TSimd.Sums(b0, b1, b2, b3, b4, b5, b6, b7, zero, zero, zero, zero, zero, zero, zero, zero);
        TVector last = TThree.Value ? TSimd.Sums(c0, c1, c2, c3, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero, zero) : zero;
        FinishOutputs<TActivation>(first, ref b, ref Unsafe.Add(ref y, ya), ref z0, o, active);
        FinishOutputs<TActivation>(second, ref b, ref Unsafe.Add(ref y, yb), ref z1, o, active);
        if (TThree.Value) { FinishOutputs<TActivation>(last, ref b, ref Unsafe.Add(ref y, yc), ref z2, o, active); }
    }

    /// <summary>
    /// <see cref="Backward"/> for <paramref name="count"/> samples: adds <c>Σ_s dz_s x_sᵀ</c> into <paramref name="gw"/> and
    /// <c>Σ_s dz_s</c> into <paramref name="gb"/>; unless <paramref name="dx"/> is a null reference, writes each sample's
    /// gradient for the layer below into <c>dx[s · dzBelowStride..]</c>. Sample <c>s</c>'s input is at <c>x[s · xStride..]</c>
    /// (and its pre-activation below at <c>zBelow[s · xStride..]</c>), its dz at <c>dz[s · dzStride..]</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BackwardBatch<TShape, TBelow>(ref T w, ref T gw, ref T gb, ref T x, nuint xStride, ref T dz, nuint dzStride, ref T dx, nuint dxStride, ref T zBelow, int count)
        where TShape : ILayerShape
        where TBelow : IActivation
    {
        for (nuint s = 0; s < (nuint)count; s++)
        {
            Lanes<T, TSimd, TVector>.Add(ref gb, ref Unsafe.Add(ref dz, s * dzStride), TShape.Out);
        }

        nuint tile = (nuint)(GradientChunks * TSimd.Count);
        nuint t = 0;
        for (; t + tile <= (nuint)TShape.In; t += tile)
        {
            GradientRowTiles<TShape, No>(ref gw, ref x, xStride, ref dz, dzStride, count, t);
        }

        if (TShape.In % (int)tile != 0)
        {
            GradientRowTiles<TShape, Yes>(ref gw, ref x, xStride, ref dz, dzStride, count, t);
        }

        if (!Unsafe.IsNullRef(ref dx))
        {
            for (nuint s = 0; s < (nuint)count; s++)
            {
                Pass<TShape, TBelow, No, No>(ref w, ref Unsafe.NullRef<T>(), ref Unsafe.Add(ref x, s * xStride), ref Unsafe.Add(ref dz, s * dzStride), ref Unsafe.Add(ref dx, s * dxStride),
                    ref Unsafe.IsNullRef(ref zBelow) ? ref zBelow : ref Unsafe.Add(ref zBelow, s * xStride), T.Zero);
            }
        }
    }

    /// <summary>
    /// The gradient tiles over every row for the chunks from <paramref name="t"/> (<see cref="GradientChunks"/>, or with
    /// <typeparamref name="TLastChunks"/> the chunks left at the end of the rows): <see cref="GradientRows"/> rows at a time, then the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GradientRowTiles<TShape, TLastChunks>(ref T gw, ref T x, nuint xStride, ref T dz, nuint dzStride, int count, nuint t)
        where TShape : ILayerShape
        where TLastChunks : IFlag
    {
        nuint o = 0;
        for (; o + GradientRows <= (nuint)TShape.Out; o += GradientRows)
        {
            GradientTile<TShape, No, TLastChunks>(ref gw, ref x, xStride, ref dz, dzStride, count, o, t);
        }

        if (TShape.Out % GradientRows != 0)
        {
            GradientTile<TShape, Yes, TLastChunks>(ref gw, ref x, xStride, ref dz, dzStride, count, o, t);
        }
    }

    /// <summary>
    /// One gradient tile from row <paramref name="o"/> and input <paramref name="t"/>: <see cref="GradientRows"/> rows (the
    /// rows left, with <typeparamref name="TLastRows"/>) by <see cref="GradientChunks"/> chunks (the chunks left, with
    /// <typeparamref name="TLastChunks"/>, the last of them the row's last whole vector where the inputs end inside a chunk):
    /// loaded, added to by every sample, stored (where the last chunk overlaps the one before, only its own lanes). A method
    /// of its own, compiled fully optimised at its first call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GradientTile<TShape, TLastRows, TLastChunks>(ref T gw, ref T x, nuint xStride, ref T dz, nuint dzStride, int count, nuint o, nuint t)
        where TShape : ILayerShape
        where TLastRows : IFlag
        where TLastChunks : IFlag
    {
        int rows = TLastRows.Value ? TShape.Out % GradientRows : GradientRows;
        int chunks = TLastChunks.Value ? RestChunks(TShape.In, GradientChunks) : GradientChunks;
        bool tail = TLastChunks.Value && TShape.In % TSimd.Count != 0;
        nuint n = (nuint)TShape.In;
        nuint lanes = (nuint)TSimd.Count;
        nuint c0 = chunks == 1 && tail ? n - lanes : t;
        nuint c1 = chunks == 2 && tail ? n - lanes : t + lanes;
        nuint c2 = chunks == 3 && tail ? n - lanes : t + (2 * lanes);
        nuint c3 = chunks == 4 && tail ? n - lanes : t + (3 * lanes);
        ref T g0 = ref Unsafe.Add(ref gw, o * n);
        ref T g1 = ref Unsafe.Add(ref g0, n);
        ref T g2 = ref Unsafe.Add(ref g1, n);
        ref T g3 = ref Unsafe.Add(ref g2, n);
        TVector s00 = TSimd.Zero, s01 = TSimd.Zero, s02 = TSimd.Zero, s03 = TSimd.Zero;
        TVector s10 = TSimd.Zero, s11 = TSimd.Zero, s12 = TSimd.Zero, s13 = TSimd.Zero;
        TVector s20 = TSimd.Zero, s21 = TSimd.Zero, s22 = TSimd.Zero, s23 = TSimd.Zero;
        TVector s30 = TSimd.Zero, s31 = TSimd.Zero, s32 = TSimd.Zero, s33 = TSimd.Zero;
        for (nuint s = 0; s < (nuint)count; s++)
        {
            ref T xs = ref Unsafe.Add(ref x, s * xStride);
            ref T ds = ref Unsafe.Add(ref dz, (s * dzStride) + o);
            TVector x0 = TSimd.Load(ref xs, c0);
            TVector x1 = chunks > 1 ? TSimd.Load(ref xs, c1) : default;
            TVector x2 = chunks > 2 ? TSimd.Load(ref xs, c2) : default;
            TVector x3 = chunks > 3 ? TSimd.Load(ref xs, c3) : default;
            TVector d = TSimd.Create(ds);
            s00 = TSimd.MultiplyAdd(d, x0, s00);
            if (chunks > 1) { s01 = TSimd.MultiplyAdd(d, x1, s01); }
            if (chunks > 2) { s02 = TSimd.MultiplyAdd(d, x2, s02); }
            if (chunks > 3) { s03 = TSimd.MultiplyAdd(d, x3, s03); }
            if (rows > 1)
            {
                d = TSimd.Create(Unsafe.Add(ref ds, 1));
                s10 = TSimd.MultiplyAdd(d, x0, s10);
                if (chunks > 1) { s11 = TSimd.MultiplyAdd(d, x1, s11); }
                if (chunks > 2) { s12 = TSimd.MultiplyAdd(d, x2, s12); }
                if (chunks > 3) { s13 = TSimd.MultiplyAdd(d, x3, s13); }
            }

            if (rows > 2)
            {
                d = TSimd.Create(Unsafe.Add(ref ds, 2));
                s20 = TSimd.MultiplyAdd(d, x0, s20);
                if (chunks > 1) { s21 = TSimd.MultiplyAdd(d, x1, s21); }
                if (chunks > 2) { s22 = TSimd.MultiplyAdd(d, x2, s22); }
                if (chunks > 3) { s23 = TSimd.MultiplyAdd(d, x3, s23); }
            }

            if (rows > 3)
            {
                d = TSimd.Create(Unsafe.Add(ref ds, 3));
                s30 = TSimd.MultiplyAdd(d, x0, s30);
                if (chunks > 1) { s31 = TSimd.MultiplyAdd(d, x1, s31); }
                if (chunks > 2) { s32 = TSimd.MultiplyAdd(d, x2, s32); }
                if (chunks > 3) { s33 = TSimd.MultiplyAdd(d, x3, s33); }
            }
        }

        // The block's sum is added to the gradient in one addition per element, as adding a separately computed gradient would.
        TVector keep = tail ? TSimd.LastLanes(TShape.In % TSimd.Count) : default;
        AddTileRow(ref g0, s00, s01, s02, s03, c0, c1, c2, c3, chunks, tail, keep);
        if (rows > 1) { AddTileRow(ref g1, s10, s11, s12, s13, c0, c1, c2, c3, chunks, tail, keep); }
        if (rows > 2) { AddTileRow(ref g2, s20, s21, s22, s23, c0, c1, c2, c3, chunks, tail, keep); }
        if (rows > 3) { AddTileRow(ref g3, s30, s31, s32, s33, c0, c1, c2, c3, chunks, tail, keep); }
    }

    /// <summary>Adds one row of a gradient tile into the gradient; the last chunk's overlap with the chunk before is left alone.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTileRow(ref T g, TVector v0, TVector v1, TVector v2, TVector v3, nuint c0, nuint c1, nuint c2, nuint c3, int chunks, bool tail, TVector keep)
    {
        AddChunk(ref g, v0, c0, tail && chunks == 1, keep);
        if (chunks > 1) { AddChunk(ref g, v1, c1, tail && chunks == 2, keep); }
        if (chunks > 2) { AddChunk(ref g, v2, c2, tail && chunks == 3, keep); }
        if (chunks > 3) { AddChunk(ref g, v3, c3, tail && chunks == 4, keep); }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddChunk(ref T g, TVector value, nuint offset, bool overlaps, TVector keep)
    {
        TVector old = TSimd.Load(ref g, offset);
        TVector sum = TSimd.Add(old, value);
        TSimd.Store(overlaps ? TSimd.Select(keep, sum, old) : sum, ref g, offset);
    }
}
