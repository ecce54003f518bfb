using System;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// The packed layer's forward pass for a block of samples stored row by row with a stride (the inference snapshot's
/// <c>ForwardBatch</c>). A register tile is three samples (two where a multiply-add needs a temporary of its own: 16
/// registers and no fused multiply-add) by up to <see cref="BatchSlots"/> accumulators each, the same (chain, vector)
/// pairs as <see cref="Forward"/>'s for a part of a tile's vectors: every weight load is shared by the samples, and each
/// input's broadcast by the part's vectors. The parts of a tile are the outer loop, so a part's weights stay near while the
/// block's samples pass. Each accumulator sees the same multiply-adds in the same order as in <see cref="Forward"/>, and
/// its chains are added in the same pairs, so a batch gives, to the bit, what one sample at a time gives.
/// </summary>
internal static partial class DensePackedKernels<T, TSimd, TVector>
{
    /// <summary>
    /// Accumulators per sample of a batch tile: 8 where the machine has 32 vector registers (three samples' 24, a weight and
    /// three broadcasts), else 4 (12, and the same four: 16).
    /// </summary>
    private static int BatchSlots
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TSimd.Registers >= 32 ? 8 : 4;
    }

    /// <summary>
    /// <see cref="Forward"/> for <paramref name="count"/> samples: sample <c>s</c> reads <c>x[s · xStride..]</c> and writes
    /// <c>y[s · yStride..]</c>. Tiles of three samples (or two) over as many samples as they take; the rest, and layers
    /// whose tiles run more chains than a batch tile holds (a tile of one vector in 8 or 16 chains: a narrow layer, whose
    /// weights stay in the L1 cache anyway), one sample at a time. A method of its own, called once per layer and block:
    /// inlined, its tests ran the inlining budget of a network's composition out (a call left to a size's getter at 128
    /// bits: the conformance runner's JIT check).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void ForwardBatch<TShape, TActivation>(ref T q, ref T x, nuint xStride, ref T y, nuint yStride, int count)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        nuint done = 0;
        bool three = TSimd.IsFused || TSimd.Registers >= 32;
        if (Chains<TShape>() <= BatchSlots && count >= (three ? 3 : 2))
        {
            done = three
                ? ForwardTiles<TShape, TActivation, Yes>(ref q, ref x, xStride, ref y, yStride, count)
                : ForwardTiles<TShape, TActivation, No>(ref q, ref x, xStride, ref y, yStride, count);
        }

        for (nuint s = done; s < (nuint)count; s++)
        {
            Forward<TShape, TActivation>(ref q, ref Unsafe.Add(ref x, s * xStride), ref Unsafe.Add(ref y, s * yStride));
        }
    }

    /// <summary>
    /// The batch tiles over the first samples, three at a time where <typeparamref name="TThree"/> is set, else two;
    /// returns how many samples they took. Tile by tile, each tile's parts in turn, every part over all those samples. A
    /// method of its own, compiled fully optimised at its first call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static nuint ForwardTiles<TShape, TActivation, TThree>(ref T q, ref T x, nuint xStride, ref T y, nuint yStride, int count)
        where TShape : ILayerShape
        where TActivation : IActivation
        where TThree : IFlag
    {
        nuint samples = TThree.Value ? 3u : 2u;
        nuint groups = (nuint)count / samples;
        for (nuint t = 0; t + 1 < (nuint)Tiles<TShape>(); t++)
        {
            Parts<TShape, TActivation, No, TThree>(ref q, ref x, xStride, ref y, yStride, t, groups);
        }

        Parts<TShape, TActivation, Yes, TThree>(ref q, ref x, xStride, ref y, yStride, (nuint)Tiles<TShape>() - 1, groups);
        return groups * samples;
    }

    /// <summary>
    /// The vectors of a batch tile's part of a tile (<typeparamref name="TLast"/>: of the last tile, of which
    /// only the vectors that hold outputs of the layer are computed): as many as <see cref="BatchSlots"/> allow beside the
    /// tile's chains, a power of two where there are several chains (so that they add in the pairs of <see cref="Forward"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PartVectors<TShape, TLast>()
        where TShape : ILayerShape
        where TLast : IFlag
    {
        int chains = Chains<TShape>();
        int most = Math.Min(TileVectorsWithOutputs<TShape, TLast>(), BatchSlots / chains);
        return chains > 1 ? PowerOfTwoAtMost(most) : most;
    }

    /// <summary>The vectors of a tile that hold outputs of the layer: all of them but in the last tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int TileVectorsWithOutputs<TShape, TLast>()
        where TShape : ILayerShape
        where TLast : IFlag =>
        TLast.Value ? OutputVectors<TShape>() - ((Tiles<TShape>() - 1) * TileVectors<TShape>()) : TileVectors<TShape>();

    /// <summary>
    /// Tile <paramref name="t"/>'s parts, each over <paramref name="groups"/> groups of samples; a last part that would
    /// pass the tile's vectors overlaps the one before it instead (the same outputs computed the same way, stored twice).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Parts<TShape, TActivation, TLast, TThree>(ref T q, ref T x, nuint xStride, ref T y, nuint yStride, nuint t, nuint groups)
        where TShape : ILayerShape
        where TActivation : IActivation
        where TLast : IFlag
        where TThree : IFlag
    {
        int vectors = TileVectorsWithOutputs<TShape, TLast>();
        int part = PartVectors<TShape, TLast>();
        nuint samples = TThree.Value ? 3u : 2u;
        int first = 0;
        for (; first + part <= vectors; first += part)
        {
            for (nuint g = 0; g < groups; g++)
            {
                BatchTile<TShape, TActivation, TLast, TThree>(ref q, ref x, xStride, ref y, yStride, t, g * samples, first);
            }
        }

        if (vectors % part != 0)
        {
            for (nuint g = 0; g < groups; g++)
            {
                BatchTile<TShape, TActivation, TLast, TThree>(ref q, ref x, xStride, ref y, yStride, t, g * samples, vectors - part);
            }
        }
    }

    /// <summary>
    /// Samples <c>s</c>, <c>s + 1</c> (and <c>s + 2</c> where <typeparamref name="TThree"/> is set) for the part of tile
    /// <paramref name="t"/> from its vector <paramref name="first"/>: the accumulators (chain <c>k / part</c>, vector
    /// <c>first + k % part</c>, as <see cref="Forward"/>'s chain and vector) over every input, the chains added in
    /// <see cref="Forward"/>'s pairs, then bias, activation and store. A method of its own, compiled fully optimised at its
    /// first call, with every size a constant.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BatchTile<TShape, TActivation, TLast, TThree>(ref T q, ref T x, nuint xStride, ref T y, nuint yStride, nuint t, nuint s, int first)
        where TShape : ILayerShape
        where TActivation : IActivation
        where TLast : IFlag
        where TThree : IFlag
    {
        int tb = TileVectors<TShape>();
        nuint width = (nuint)(tb * TSimd.Count);
        int chains = ChainsOf(tb, TShape.In);
        int part = PartVectors<TShape, TLast>();
        int active = chains * part;
        int lastStart = ((OutputVectors<TShape>() - 1) / tb) * tb * TSimd.Count;
        ref T tile = ref Unsafe.Add(ref q, t * ((nuint)TShape.In + 1) * width);
        ref T columns = ref Unsafe.Add(ref tile, (nuint)(first * TSimd.Count));
        ref T xa = ref Unsafe.Add(ref x, s * xStride);
        ref T xb = ref Unsafe.Add(ref xa, xStride);
        ref T xc = ref Unsafe.Add(ref xb, TThree.Value ? xStride : 0);
        TVector a0 = TSimd.Zero, a1 = TSimd.Zero, a2 = TSimd.Zero, a3 = TSimd.Zero, a4 = TSimd.Zero, a5 = TSimd.Zero, a6 = TSimd.Zero, a7 = TSimd.Zero;
        TVector b0 = TSimd.Zero, b1 = TSimd.Zero, b2 = TSimd.Zero, b3 = TSimd.Zero, b4 = TSimd.Zero, b5 = TSimd.Zero, b6 = TSimd.Zero, b7 = TSimd.Zero;
        TVector c0 = TSimd.Zero, c1 = TSimd.Zero, c2 = TSimd.Zero, c3 = TSimd.Zero, c4 = TSimd.Zero, c5 = TSimd.Zero, c6 = TSimd.Zero, c7 = TSimd.Zero;
        nuint i = 0;
        for (nuint whole = (nuint)(TShape.In / chains * chains); i < whole; i += (nuint)chains)
        {
            ref T rows = ref Unsafe.Add(ref columns, i * width);
            ref T ia = ref Unsafe.Add(ref xa, i);
            ref T ib = ref Unsafe.Add(ref xb, i);
            ref T ic = ref Unsafe.Add(ref xc, i);
            Step<TThree>(ref a0, ref b0, ref c0, ref rows, ref ia, ref ib, ref ic, 0, 0, part, width);
            if (active > 1) { Step<TThree>(ref a1, ref b1, ref c1, ref rows, ref ia, ref ib, ref ic, 0, 1, part, width); }
            if (active > 2) { Step<TThree>(ref a2, ref b2, ref c2, ref rows, ref ia, ref ib, ref ic, 0, 2, part, width); }
            if (active > 3) { Step<TThree>(ref a3, ref b3, ref c3, ref rows, ref ia, ref ib, ref ic, 0, 3, part, width); }
            if (active > 4) { Step<TThree>(ref a4, ref b4, ref c4, ref rows, ref ia, ref ib, ref ic, 0, 4, part, width); }
            if (active > 5) { Step<TThree>(ref a5, ref b5, ref c5, ref rows, ref ia, ref ib, ref ic, 0, 5, part, width); }
            if (active > 6) { Step<TThree>(ref a6, ref b6, ref c6, ref rows, ref ia, ref ib, ref ic, 0, 6, part, width); }
            if (active > 7) { Step<TThree>(ref a7, ref b7, ref c7, ref rows, ref ia, ref ib, ref ic, 0, 7, part, width); }
        }

        // The inputs past the last whole step go to the first chains, as in Forward.
        int rest = (TShape.In % chains) * part;
        if (rest != 0)
        {
            Step<TThree>(ref a0, ref b0, ref c0, ref columns, ref xa, ref xb, ref xc, i, 0, part, width);
            if (rest > 1) { Step<TThree>(ref a1, ref b1, ref c1, ref columns, ref xa, ref xb, ref xc, i, 1, part, width); }
            if (rest > 2) { Step<TThree>(ref a2, ref b2, ref c2, ref columns, ref xa, ref xb, ref xc, i, 2, part, width); }
            if (rest > 3) { Step<TThree>(ref a3, ref b3, ref c3, ref columns, ref xa, ref xb, ref xc, i, 3, part, width); }
            if (rest > 4) { Step<TThree>(ref a4, ref b4, ref c4, ref columns, ref xa, ref xb, ref xc, i, 4, part, width); }
            if (rest > 5) { Step<TThree>(ref a5, ref b5, ref c5, ref columns, ref xa, ref xb, ref xc, i, 5, part, width); }
            if (rest > 6) { Step<TThree>(ref a6, ref b6, ref c6, ref columns, ref xa, ref xb, ref xc, i, 6, part, width); }
        }

        // The chains added in Forward's pairs: chain k and chain k + chains / 2, until one is left.
        if (active == 8 && part < 8)
        {
            a0 = TSimd.Add(a0, a4); a1 = TSimd.Add(a1, a5); a2 = TSimd.Add(a2, a6); a3 = TSimd.Add(a3, a7);
            b0 = TSimd.Add(b0, b4); b1 = TSimd.Add(b1, b5); b2 = TSimd.Add(b2, b6); b3 = TSimd.Add(b3, b7);
            c0 = TSimd.Add(c0, c4); c1 = TSimd.Add(c1, c5); c2 = TSimd.Add(c2, c6); c3 = TSimd.Add(c3, c7);
            active = 4;
        }

        if (active == 4 && part < 4)
        {
            a0 = TSimd.Add(a0, a2); a1 = TSimd.Add(a1, a3);
            b0 = TSimd.Add(b0, b2); b1 = TSimd.Add(b1, b3);
            c0 = TSimd.Add(c0, c2); c1 = TSimd.Add(c1, c3);
            active = 2;
        }

        if (active == 2 && part < 2)
        {
            a0 = TSimd.Add(a0, a1);
            b0 = TSimd.Add(b0, b1);
            c0 = TSimd.Add(c0, c1);
        }

        // Every bias is added before the first activation (which may be a call that keeps no vector register; see Forward).
        ref T bias = ref Unsafe.Add(ref columns, (nuint)TShape.In * width);
        AddBias<TThree>(ref a0, ref b0, ref c0, ref bias, 0);
        if (part > 1) { AddBias<TThree>(ref a1, ref b1, ref c1, ref bias, 1); }
        if (part > 2) { AddBias<TThree>(ref a2, ref b2, ref c2, ref bias, 2); }
        if (part > 3) { AddBias<TThree>(ref a3, ref b3, ref c3, ref bias, 3); }
        if (part > 4) { AddBias<TThree>(ref a4, ref b4, ref c4, ref bias, 4); }
        if (part > 5) { AddBias<TThree>(ref a5, ref b5, ref c5, ref bias, 5); }
        if (part > 6) { AddBias<TThree>(ref a6, ref b6, ref c6, ref bias, 6); }
        if (part > 7) { AddBias<TThree>(ref a7, ref b7, ref c7, ref bias, 7); }
        nuint o = t * width;
        int lastOutputs = TShape.Out - lastStart;
        ref T ya = ref Unsafe.Add(ref y, s * yStride);
        ref T yb = ref Unsafe.Add(ref ya, yStride);
        ref T yc = ref Unsafe.Add(ref yb, yStride);
        FinishSamples<TActivation, TLast, TThree>(a0, b0, c0, ref ya, ref yb, ref yc, o, first, lastOutputs);
        if (part > 1) { FinishSamples<TActivation, TLast, TThree>(a1, b1, c1, ref ya, ref yb, ref yc, o, first + 1, lastOutputs); }
        if (part > 2) { FinishSamples<TActivation, TLast, TThree>(a2, b2, c2, ref ya, ref yb, ref yc, o, first + 2, lastOutputs); }
        if (part > 3) { FinishSamples<TActivation, TLast, TThree>(a3, b3, c3, ref ya, ref yb, ref yc, o, first + 3, lastOutputs); }
        if (part > 4) { FinishSamples<TActivation, TLast, TThree>(a4, b4, c4, ref ya, ref yb, ref yc, o, first + 4, lastOutputs); }
        if (part > 5) { FinishSamples<TActivation, TLast, TThree>(a5, b5, c5, ref ya, ref yb, ref yc, o, first + 5, lastOutputs); }
        if (part > 6) { FinishSamples<TActivation, TLast, TThree>(a6, b6, c6, ref ya, ref yb, ref yc, o, first + 6, lastOutputs); }
        if (part > 7) { FinishSamples<TActivation, TLast, TThree>(a7, b7, c7, ref ya, ref yb, ref yc, o, first + 7, lastOutputs); }
    }

    /// <summary>
    /// Accumulator <paramref name="k"/> of each sample (chain <c>k / part</c>, the part's vector <c>k % part</c>, whose
    /// rows are <paramref name="width"/> long) after input <c>i + chain</c>: one weight load for the samples.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TThree>(ref TVector a, ref TVector b, ref TVector c, ref T rows, ref T xa, ref T xb, ref T xc, nuint i, int k, int part, nuint width)
        where TThree : IFlag
    {
        nuint input = i + (nuint)(k / part);
        TVector w = TSimd.Load(ref rows, (input * width) + (nuint)((k % part) * TSimd.Count));
        a = TSimd.MultiplyAdd(w, TSimd.Create(Unsafe.Add(ref xa, input)), a);
        b = TSimd.MultiplyAdd(w, TSimd.Create(Unsafe.Add(ref xb, input)), b);
        if (TThree.Value)
        {
            c = TSimd.MultiplyAdd(w, TSimd.Create(Unsafe.Add(ref xc, input)), c);
        }
    }

    /// <summary>The tile's vector <paramref name="j"/> of each sample: activation and store (<see cref="Finish"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishSamples<TActivation, TLast, TThree>(TVector a, TVector b, TVector c, ref T ya, ref T yb, ref T yc, nuint o, int j, int lastOutputs)
        where TActivation : IActivation
        where TLast : IFlag
        where TThree : IFlag
    {
        Finish<TActivation, TLast>(a, ref ya, o, j, lastOutputs);
        Finish<TActivation, TLast>(b, ref yb, o, j, lastOutputs);
        if (TThree.Value)
        {
            Finish<TActivation, TLast>(c, ref yc, o, j, lastOutputs);
        }
    }

    /// <summary>The bias of the part's vector <paramref name="j"/> added to each sample's sums of it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddBias<TThree>(ref TVector a, ref TVector b, ref TVector c, ref T bias, int j)
        where TThree : IFlag
    {
        TVector v = TSimd.Load(ref bias, (nuint)(j * TSimd.Count));
        a = TSimd.Add(a, v);
        b = TSimd.Add(b, v);
        if (TThree.Value)
        {
            c = TSimd.Add(c, v);
        }
    }
}
