using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// The dense layer's forward pass on weights packed for it, the layout of the hand-written C++ references: <c>Wᵀ</c> in
/// tiles of <see cref="TileVectors{TShape}"/> vectors of outputs, each tile <c>[In][TileVectors · Count]</c> (zeros past
/// the layer's outputs) followed by its bias. For each input one broadcast is shared by the tile's fused multiply-adds,
/// one contiguous weight load each, so there is no horizontal sum and one stream of weights. The inputs are split among
/// <see cref="Chains{TShape}"/> independent accumulator chains where the tile has few vectors (a chain of dependent
/// multiply-adds per input would otherwise wait on the FMA's latency), added pairwise at the end.
/// <para>
/// Only <see cref="DensePacked{T}"/>'s inference snapshot (a network's <c>Freeze</c>) reads this layout: the public
/// <c>Parameters</c> keep PyTorch's <c>[out][in]</c>, and a packed copy is made once, from a snapshot of them.
/// </para>
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
/// <typeparam name="TSimd">The vector width.</typeparam>
/// <typeparam name="TVector">The vector type of the width.</typeparam>
[SkipLocalsInit]
internal static partial class DensePackedKernels<T, TSimd, TVector>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TSimd : ISimd<T, TVector>
    where TVector : struct
{
    /// <summary>Vectors of outputs of the layer, the last padded with zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int OutputVectors<TShape>()
        where TShape : ILayerShape => (TShape.Out + TSimd.Count - 1) / TSimd.Count;

    /// <summary>
    /// Vectors of outputs per tile: as few tiles as the accumulators allow, each as narrow as covers the layer's vectors.
    /// A tile of more than half the accumulators runs one chain and takes exactly that width (48 outputs at 256 bits: 6
    /// vectors, not 8 of which 2 are zeros); a narrower one is rounded up to a power of two, so that its chains add
    /// pairwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int TileVectors<TShape>()
        where TShape : ILayerShape
    {
        int accumulators = Lanes<T, TSimd, TVector>.TileAccumulators;
        int tiles = (OutputVectors<TShape>() + accumulators - 1) / accumulators;
        int even = (OutputVectors<TShape>() + tiles - 1) / tiles;
        return even > accumulators / 2 ? even : PowerOfTwoAtLeast(even);
    }

    /// <summary>The number of tiles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Tiles<TShape>()
        where TShape : ILayerShape => (OutputVectors<TShape>() + TileVectors<TShape>() - 1) / TileVectors<TShape>();

    /// <summary>Independent accumulator chains per output vector: a power of two, at most the inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Chains<TShape>()
        where TShape : ILayerShape => ChainsOf(TileVectors<TShape>(), TShape.In);

    /// <summary>The chains of a tile of <paramref name="vectors"/> vectors over <paramref name="inputs"/> inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ChainsOf(int vectors, int inputs) => PowerOfTwoAtMost(Math.Min(Lanes<T, TSimd, TVector>.TileAccumulators / vectors, inputs));

    /// <summary>Elements of one tile row (one input's weights for the tile's outputs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int TileWidth<TShape>()
        where TShape : ILayerShape => TileVectors<TShape>() * TSimd.Count;

    /// <summary>Elements of one tile: its weights, then its bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int TileLength<TShape>()
        where TShape : ILayerShape => (TShape.In + 1) * TileWidth<TShape>();

    /// <summary>Elements of the packed layer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length<TShape>()
        where TShape : ILayerShape => Tiles<TShape>() * TileLength<TShape>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PowerOfTwoAtLeast(int n) => n <= 1 ? 1 : n <= 2 ? 2 : n <= 4 ? 4 : n <= 8 ? 8 : 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PowerOfTwoAtMost(int n) => n >= 16 ? 16 : n >= 8 ? 8 : n >= 4 ? 4 : n >= 2 ? 2 : 1;

    /// <summary>
    /// Writes the packed layout of <c>W [Out][In]</c> and <c>b [Out]</c> to <paramref name="q"/>. Tile by tile, input by
    /// input: each tile row is written in order from one column of the tile's rows of <c>W</c>, whose cache lines serve
    /// the next inputs too (written column by column instead, each write landed on a line of its own: T3's packing took
    /// 210–220 µs against 72 with AVX-512 off; docs/benchmarks.md, the sitting of 2026-12-04, midnight).
    /// </summary>
    public static void Pack<TShape>(ref T w, ref T b, ref T q)
        where TShape : ILayerShape
    {
        int width = TileWidth<TShape>();
        for (int t = 0; t < Tiles<TShape>(); t++)
        {
            ref T tile = ref Unsafe.Add(ref q, t * TileLength<TShape>());
            ref T rows = ref Unsafe.Add(ref w, t * width * TShape.In);
            int outputs = Math.Min(width, TShape.Out - (t * width));
            for (int i = 0; i < TShape.In; i++)
            {
                ref T row = ref Unsafe.Add(ref tile, i * width);
                for (int j = 0; j < outputs; j++)
                {
                    Unsafe.Add(ref row, j) = Unsafe.Add(ref rows, (j * TShape.In) + i);
                }

                for (int j = outputs; j < width; j++)
                {
                    Unsafe.Add(ref row, j) = T.Zero;
                }
            }

            ref T bias = ref Unsafe.Add(ref tile, TShape.In * width);
            for (int j = 0; j < width; j++)
            {
                Unsafe.Add(ref bias, j) = j < outputs ? Unsafe.Add(ref b, (t * width) + j) : T.Zero;
            }
        }
    }

    /// <summary>
    /// <c>y = f(W x + b)</c> for one sample, from the packed layout. A layer of one or two vectors of outputs (one tile) is
    /// a narrow layer whose activation is on the network's dependency chain, at two sites at most: its tile takes the
    /// activation's inlined form (<see cref="Inlined{TActivation}"/>), the same values without a call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Forward<TShape, TActivation>(ref T q, ref T x, ref T y)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        if (Tiles<TShape>() == 1 && TileVectors<TShape>() <= 2)
        {
            ForwardTile<TShape, Inlined<TActivation>, Yes, No>(ref q, ref x, ref y, 0);
            return;
        }

        if (Streams<TShape>())
        {
            for (nuint t = 0; t + 1 < (nuint)Tiles<TShape>(); t++)
            {
                ForwardStreamTile<TShape, TActivation, No>(ref q, ref x, ref y, t);
            }

            ForwardStreamTile<TShape, TActivation, Yes>(ref q, ref x, ref y, (nuint)Tiles<TShape>() - 1);
            return;
        }

        for (nuint t = 0; t + 1 < (nuint)Tiles<TShape>(); t++)
        {
            ForwardTile<TShape, TActivation, No, No>(ref q, ref x, ref y, t);
        }

        ForwardTile<TShape, TActivation, Yes, No>(ref q, ref x, ref y, (nuint)Tiles<TShape>() - 1);
    }

    /// <summary>
    /// Whether the layer's tiles stream their weights from beyond the L1 cache, one chain of eight vectors each (T3's
    /// 784 → 128 layer with 16 registers, at 256 or 128 bits): <see cref="ForwardStreamTile"/> then takes eight inputs an
    /// iteration, so that each of its load instructions strides eight rows (2 KiB at 256 bits) through the stream, and
    /// the core's prefetcher, which follows each load instruction's stride, runs that far ahead of it. One input an
    /// iteration read the layer at 102 bytes a nanosecond from the L2 cache, eight at 110, where the hand-written AVX2
    /// C++, which its compiler unrolls by eight, reads 112 (docs/benchmarks.md, the sitting of 2026-12-04, late evening).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Streams<TShape>()
        where TShape : ILayerShape =>
        Chains<TShape>() == 1 && TileVectors<TShape>() == StreamVectors
        && (long)TShape.In * TileWidth<TShape>() * Unsafe.SizeOf<T>() > StreamBytes;

    /// <summary>The vectors of a streaming tile, and its inputs per iteration (<see cref="Streams"/>).</summary>
    private const int StreamVectors = 8;

    /// <summary>Bytes of a tile's weights above which they stream from beyond the L1 cache (32 KiB, the smallest L1 measured).</summary>
    private const int StreamBytes = 32 * 1024;

    /// <summary>
    /// <c>y = softmax(W x + b)</c> for one sample, from the packed layout: where the layer is one tile of at most two
    /// vectors (the output layer of a classifier), the softmax runs on the accumulators in registers, without storing
    /// the logits and loading them back; otherwise the layer, then <see cref="Output{T}.Softmax"/>. The same operations
    /// in the same order as that softmax, so the results are its results.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ForwardSoftmax<TShape>(ref T q, ref T x, ref T y)
        where TShape : ILayerShape
    {
        if (Tiles<TShape>() == 1 && TileVectors<TShape>() <= 2)
        {
            ForwardTile<TShape, Activations.Identity, Yes, Yes>(ref q, ref x, ref y, 0);
        }
        else
        {
            Forward<TShape, Activations.Identity>(ref q, ref x, ref y);
            Output<T>.Softmax<TShape>(ref y);
        }
    }

    /// <summary>
    /// Tile <paramref name="t"/>: its accumulators over every input, the chains added, then bias, activation and store.
    /// <typeparamref name="TLast"/>: the last tile, whose vectors may pass the layer's outputs (stored in part or not at
    /// all). <typeparamref name="TSoftmax"/>: the layer's only tile, of at most two vectors, followed by a softmax
    /// (<see cref="ForwardSoftmax"/>). A method of its own, compiled fully optimised at its first call, with every size a
    /// constant.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardTile<TShape, TActivation, TLast, TSoftmax>(ref T q, ref T x, ref T y, nuint t)
        where TShape : ILayerShape
        where TActivation : IActivation
        where TLast : IFlag
        where TSoftmax : IFlag
    {
        // The sizes once, as locals: the JIT propagates them as constants into the inlined steps, which stay small enough
        // that the method's inlining budget covers every vector operation.
        // TileVectors once, the rest from it (each inlined call of it counts against that budget).
        int tb = TileVectors<TShape>();
        nuint width = (nuint)(tb * TSimd.Count);
        int chains = ChainsOf(tb, TShape.In);
        int active = chains * tb;
        int lastStart = ((OutputVectors<TShape>() - 1) / tb) * tb * TSimd.Count;
        ref T tile = ref Unsafe.Add(ref q, t * ((nuint)TShape.In + 1) * width);
        TVector a0 = TSimd.Zero, a1 = TSimd.Zero, a2 = TSimd.Zero, a3 = TSimd.Zero, a4 = TSimd.Zero, a5 = TSimd.Zero, a6 = TSimd.Zero, a7 = TSimd.Zero;
        TVector a8 = TSimd.Zero, a9 = TSimd.Zero, a10 = TSimd.Zero, a11 = TSimd.Zero, a12 = TSimd.Zero, a13 = TSimd.Zero, a14 = TSimd.Zero, a15 = TSimd.Zero;
        nuint i = 0;
        for (nuint whole = (nuint)(TShape.In / chains * chains); i < whole; i += (nuint)chains)
        {
            // The step's rows and inputs from one address each, so that every load in it is that address plus a constant.
            ref T rows = ref Unsafe.Add(ref tile, i * width);
            ref T xs = ref Unsafe.Add(ref x, i);
            a0 = Step(a0, ref rows, ref xs, 0, 0, tb, width);
            if (active > 1) { a1 = Step(a1, ref rows, ref xs, 0, 1, tb, width); }
            if (active > 2) { a2 = Step(a2, ref rows, ref xs, 0, 2, tb, width); }
            if (active > 3) { a3 = Step(a3, ref rows, ref xs, 0, 3, tb, width); }
            if (active > 4) { a4 = Step(a4, ref rows, ref xs, 0, 4, tb, width); }
            if (active > 5) { a5 = Step(a5, ref rows, ref xs, 0, 5, tb, width); }
            if (active > 6) { a6 = Step(a6, ref rows, ref xs, 0, 6, tb, width); }
            if (active > 7) { a7 = Step(a7, ref rows, ref xs, 0, 7, tb, width); }
            if (active > 8) { a8 = Step(a8, ref rows, ref xs, 0, 8, tb, width); }
            if (active > 9) { a9 = Step(a9, ref rows, ref xs, 0, 9, tb, width); }
            if (active > 10) { a10 = Step(a10, ref rows, ref xs, 0, 10, tb, width); }
            if (active > 11) { a11 = Step(a11, ref rows, ref xs, 0, 11, tb, width); }
            if (active > 12) { a12 = Step(a12, ref rows, ref xs, 0, 12, tb, width); }
            if (active > 13) { a13 = Step(a13, ref rows, ref xs, 0, 13, tb, width); }
            if (active > 14) { a14 = Step(a14, ref rows, ref xs, 0, 14, tb, width); }
            if (active > 15) { a15 = Step(a15, ref rows, ref xs, 0, 15, tb, width); }
        }

        // The inputs past the last whole step go to the first chains (accumulator k is chain k / TileVectors).
        int rest = (TShape.In % chains) * tb;
        if (rest != 0)
        {
            a0 = Step(a0, ref tile, ref x, i, 0, tb, width);
            if (rest > 1) { a1 = Step(a1, ref tile, ref x, i, 1, tb, width); }
            if (rest > 2) { a2 = Step(a2, ref tile, ref x, i, 2, tb, width); }
            if (rest > 3) { a3 = Step(a3, ref tile, ref x, i, 3, tb, width); }
            if (rest > 4) { a4 = Step(a4, ref tile, ref x, i, 4, tb, width); }
            if (rest > 5) { a5 = Step(a5, ref tile, ref x, i, 5, tb, width); }
            if (rest > 6) { a6 = Step(a6, ref tile, ref x, i, 6, tb, width); }
            if (rest > 7) { a7 = Step(a7, ref tile, ref x, i, 7, tb, width); }
            if (rest > 8) { a8 = Step(a8, ref tile, ref x, i, 8, tb, width); }
            if (rest > 9) { a9 = Step(a9, ref tile, ref x, i, 9, tb, width); }
            if (rest > 10) { a10 = Step(a10, ref tile, ref x, i, 10, tb, width); }
            if (rest > 11) { a11 = Step(a11, ref tile, ref x, i, 11, tb, width); }
            if (rest > 12) { a12 = Step(a12, ref tile, ref x, i, 12, tb, width); }
            if (rest > 13) { a13 = Step(a13, ref tile, ref x, i, 13, tb, width); }
            if (rest > 14) { a14 = Step(a14, ref tile, ref x, i, 14, tb, width); }
        }

        // The chains added pairwise: the upper half of the accumulators onto the lower, until one chain is left.
        if (active == 16 && tb < 16)
        {
            a0 = TSimd.Add(a0, a8); a1 = TSimd.Add(a1, a9); a2 = TSimd.Add(a2, a10); a3 = TSimd.Add(a3, a11);
            a4 = TSimd.Add(a4, a12); a5 = TSimd.Add(a5, a13); a6 = TSimd.Add(a6, a14); a7 = TSimd.Add(a7, a15);
            active = 8;
        }

        if (active == 8 && tb < 8)
        {
            a0 = TSimd.Add(a0, a4); a1 = TSimd.Add(a1, a5); a2 = TSimd.Add(a2, a6); a3 = TSimd.Add(a3, a7);
            active = 4;
        }

        if (active == 4 && tb < 4)
        {
            a0 = TSimd.Add(a0, a2); a1 = TSimd.Add(a1, a3);
            active = 2;
        }

        if (active == 2 && tb < 2)
        {
            a0 = TSimd.Add(a0, a1);
        }

        nuint o = t * width;
        ref T bias = ref Unsafe.Add(ref tile, (nuint)TShape.In * width);
        if (TSoftmax.Value)
        {
            Softmax(a0, a1, ref bias, ref y, TShape.Out, tb);
            return;
        }

        // Every vector's bias is added before the first activation: an activation that is a call keeps no vector register,
        // and accumulators still live after one were kept on the stack inside the loop above, stored at every fused
        // multiply-add (a 256 -> 256 tanh layer at 256 bits: 15 stores per input). The sums plus bias are defined here,
        // after the loop, so whatever is kept across the calls is stored once.
        a0 = TSimd.Add(a0, TSimd.Load(ref bias, 0));
        if (tb > 1) { a1 = TSimd.Add(a1, TSimd.Load(ref bias, (nuint)(1 * TSimd.Count))); }
        if (tb > 2) { a2 = TSimd.Add(a2, TSimd.Load(ref bias, (nuint)(2 * TSimd.Count))); }
        if (tb > 3) { a3 = TSimd.Add(a3, TSimd.Load(ref bias, (nuint)(3 * TSimd.Count))); }
        if (tb > 4) { a4 = TSimd.Add(a4, TSimd.Load(ref bias, (nuint)(4 * TSimd.Count))); }
        if (tb > 5) { a5 = TSimd.Add(a5, TSimd.Load(ref bias, (nuint)(5 * TSimd.Count))); }
        if (tb > 6) { a6 = TSimd.Add(a6, TSimd.Load(ref bias, (nuint)(6 * TSimd.Count))); }
        if (tb > 7) { a7 = TSimd.Add(a7, TSimd.Load(ref bias, (nuint)(7 * TSimd.Count))); }
        if (tb > 8) { a8 = TSimd.Add(a8, TSimd.Load(ref bias, (nuint)(8 * TSimd.Count))); }
        if (tb > 9) { a9 = TSimd.Add(a9, TSimd.Load(ref bias, (nuint)(9 * TSimd.Count))); }
        if (tb > 10) { a10 = TSimd.Add(a10, TSimd.Load(ref bias, (nuint)(10 * TSimd.Count))); }
        if (tb > 11) { a11 = TSimd.Add(a11, TSimd.Load(ref bias, (nuint)(11 * TSimd.Count))); }
        if (tb > 12) { a12 = TSimd.Add(a12, TSimd.Load(ref bias, (nuint)(12 * TSimd.Count))); }
        if (tb > 13) { a13 = TSimd.Add(a13, TSimd.Load(ref bias, (nuint)(13 * TSimd.Count))); }
        if (tb > 14) { a14 = TSimd.Add(a14, TSimd.Load(ref bias, (nuint)(14 * TSimd.Count))); }
        if (tb > 15) { a15 = TSimd.Add(a15, TSimd.Load(ref bias, (nuint)(15 * TSimd.Count))); }
        Finish<TActivation, TLast>(a0, ref y, o, 0, TShape.Out - lastStart);
        if (tb > 1) { Finish<TActivation, TLast>(a1, ref y, o, 1, TShape.Out - lastStart); }
        if (tb > 2) { Finish<TActivation, TLast>(a2, ref y, o, 2, TShape.Out - lastStart); }
        if (tb > 3) { Finish<TActivation, TLast>(a3, ref y, o, 3, TShape.Out - lastStart); }
        if (tb > 4) { Finish<TActivation, TLast>(a4, ref y, o, 4, TShape.Out - lastStart); }
        if (tb > 5) { Finish<TActivation, TLast>(a5, ref y, o, 5, TShape.Out - lastStart); }
        if (tb > 6) { Finish<TActivation, TLast>(a6, ref y, o, 6, TShape.Out - lastStart); }
        if (tb > 7) { Finish<TActivation, TLast>(a7, ref y, o, 7, TShape.Out - lastStart); }
        if (tb > 8) { Finish<TActivation, TLast>(a8, ref y, o, 8, TShape.Out - lastStart); }
        if (tb > 9) { Finish<TActivation, TLast>(a9, ref y, o, 9, TShape.Out - lastStart); }
        if (tb > 10) { Finish<TActivation, TLast>(a10, ref y, o, 10, TShape.Out - lastStart); }
        if (tb > 11) { Finish<TActivation, TLast>(a11, ref y, o, 11, TShape.Out - lastStart); }
        if (tb > 12) { Finish<TActivation, TLast>(a12, ref y, o, 12, TShape.Out - lastStart); }
        if (tb > 13) { Finish<TActivation, TLast>(a13, ref y, o, 13, TShape.Out - lastStart); }
        if (tb > 14) { Finish<TActivation, TLast>(a14, ref y, o, 14, TShape.Out - lastStart); }
        if (tb > 15) { Finish<TActivation, TLast>(a15, ref y, o, 15, TShape.Out - lastStart); }
    }

    /// <summary>
    /// <see cref="ForwardTile"/> for a tile that streams its weights (<see cref="Streams"/>): one chain of eight vectors,
    /// eight inputs an iteration, the same operations in the same order (so the same bits). A method of its own: the
    /// unrolled steps in <see cref="ForwardTile"/> would take its inlining budget in every instantiation, where they
    /// are not used too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardStreamTile<TShape, TActivation, TLast>(ref T q, ref T x, ref T y, nuint t)
        where TShape : ILayerShape
        where TActivation : IActivation
        where TLast : IFlag
    {
        nuint width = StreamVectors * (nuint)TSimd.Count;
        ref T tile = ref Unsafe.Add(ref q, t * ((nuint)TShape.In + 1) * width);
        TVector a0 = TSimd.Zero, a1 = TSimd.Zero, a2 = TSimd.Zero, a3 = TSimd.Zero, a4 = TSimd.Zero, a5 = TSimd.Zero, a6 = TSimd.Zero, a7 = TSimd.Zero;
        nuint i = 0;
        for (nuint whole = (nuint)(TShape.In / StreamVectors * StreamVectors); i < whole; i += StreamVectors)
        {
            ref T rows = ref Unsafe.Add(ref tile, i * width);
            ref T xs = ref Unsafe.Add(ref x, i);
            StreamInput(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref rows, ref xs, 0, width);
            StreamInput(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref rows, ref xs, 1, width);
            StreamInput(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref rows, ref xs, 2, width);
            StreamInput(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref rows, ref xs, 3, width);
            StreamInput(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref rows, ref xs, 4, width);
            StreamInput(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref rows, ref xs, 5, width);
            StreamInput(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref rows, ref xs, 6, width);
            StreamInput(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref rows, ref xs, 7, width);
        }

        for (; i < (nuint)TShape.In; i++)
        {
            StreamInput(ref a0, ref a1, ref a2, ref a3, ref a4, ref a5, ref a6, ref a7, ref Unsafe.Add(ref tile, i * width), ref Unsafe.Add(ref x, i), 0, width);
        }

        nuint o = t * width;
        int lastOutputs = TShape.Out - (int)((nuint)(Tiles<TShape>() - 1) * width);
        ref T bias = ref Unsafe.Add(ref tile, (nuint)TShape.In * width);
        Finish<TActivation, TLast>(TSimd.Add(a0, TSimd.Load(ref bias, 0)), ref y, o, 0, lastOutputs);
        Finish<TActivation, TLast>(TSimd.Add(a1, TSimd.Load(ref bias, (nuint)(1 * TSimd.Count))), ref y, o, 1, lastOutputs);
        Finish<TActivation, TLast>(TSimd.Add(a2, TSimd.Load(ref bias, (nuint)(2 * TSimd.Count))), ref y, o, 2, lastOutputs);
        Finish<TActivation, TLast>(TSimd.Add(a3, TSimd.Load(ref bias, (nuint)(3 * TSimd.Count))), ref y, o, 3, lastOutputs);
        Finish<TActivation, TLast>(TSimd.Add(a4, TSimd.Load(ref bias, (nuint)(4 * TSimd.Count))), ref y, o, 4, lastOutputs);
        Finish<TActivation, TLast>(TSimd.Add(a5, TSimd.Load(ref bias, (nuint)(5 * TSimd.Count))), ref y, o, 5, lastOutputs);
        Finish<TActivation, TLast>(TSimd.Add(a6, TSimd.Load(ref bias, (nuint)(6 * TSimd.Count))), ref y, o, 6, lastOutputs);
        Finish<TActivation, TLast>(TSimd.Add(a7, TSimd.Load(ref bias, (nuint)(7 * TSimd.Count))), ref y, o, 7, lastOutputs);
    }

    /// <summary>Input <paramref name="u"/> of a streaming tile's iteration (<see cref="Streams"/>): its eight fused multiply-adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StreamInput(
        ref TVector a0, ref TVector a1, ref TVector a2, ref TVector a3, ref TVector a4, ref TVector a5, ref TVector a6, ref TVector a7,
        ref T rows, ref T xs, nuint u, nuint width)
    {
        a0 = Step(a0, ref rows, ref xs, u, 0, StreamVectors, width);
        a1 = Step(a1, ref rows, ref xs, u, 1, StreamVectors, width);
        a2 = Step(a2, ref rows, ref xs, u, 2, StreamVectors, width);
        a3 = Step(a3, ref rows, ref xs, u, 3, StreamVectors, width);
        a4 = Step(a4, ref rows, ref xs, u, 4, StreamVectors, width);
        a5 = Step(a5, ref rows, ref xs, u, 5, StreamVectors, width);
        a6 = Step(a6, ref rows, ref xs, u, 6, StreamVectors, width);
        a7 = Step(a7, ref rows, ref xs, u, 7, StreamVectors, width);
    }

    /// <summary>
    /// Accumulator <paramref name="k"/> (chain <c>k / tb</c>, vector <c>k % tb</c> of the tile, whose rows are
    /// <paramref name="width"/> long) after input <c>i + chain</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Step(TVector a, ref T tile, ref T x, nuint i, int k, int tb, nuint width)
    {
        nuint input = i + (nuint)(k / tb);
        return TSimd.MultiplyAdd(TSimd.Load(ref tile, (input * width) + (nuint)((k % tb) * TSimd.Count)), TSimd.Create(Unsafe.Add(ref x, input)), a);
    }

    /// <summary>
    /// The softmax of the one or two vectors of sums <paramref name="a0"/>, <paramref name="a1"/> plus the bias, over the
    /// first <paramref name="outputs"/> lanes, stored to <paramref name="y"/>: as <c>OutputKernels.Softmax</c> computes it
    /// (the lanes past the outputs as −∞ for the maximum and 0 in the sum), in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Softmax(TVector a0, TVector a1, ref T bias, ref T y, int outputs, int vectors)
    {
        int lanes = TSimd.Count;
        TVector lowest = TSimd.Create(T.NegativeInfinity);
        TVector mask0 = TSimd.FirstLanes(Math.Min(outputs, lanes));
        TVector v0 = TSimd.Select(mask0, TSimd.Add(a0, TSimd.Load(ref bias, 0)), lowest);
        TVector max = v0;
        TVector mask1 = TSimd.Zero, v1 = TSimd.Zero;
        if (vectors > 1)
        {
            mask1 = TSimd.FirstLanes(outputs - lanes);
            v1 = TSimd.Select(mask1, TSimd.Add(a1, TSimd.Load(ref bias, (nuint)lanes)), lowest);
            max = TSimd.Max(max, v1);
        }

        TVector shift = TSimd.Create(TSimd.MaxAcross(max));
        TVector e0 = TSimd.And(VectorMath<T, TSimd, TVector>.ExpInline(TSimd.Subtract(v0, shift)), mask0);
        TVector sums = e0;
        TVector e1 = TSimd.Zero;
        if (vectors > 1)
        {
            e1 = TSimd.And(VectorMath<T, TSimd, TVector>.ExpInline(TSimd.Subtract(v1, shift)), mask1);
            sums = TSimd.Add(sums, e1);
        }

        TVector sum = TSimd.Create(TSimd.Sum(sums));
        Lanes<T, TSimd, TVector>.StoreFirst(TSimd.Divide(e0, sum), ref y, 0, Math.Min(outputs, lanes));
        if (vectors > 1)
        {
            Lanes<T, TSimd, TVector>.StoreFirst(TSimd.Divide(e1, sum), ref y, (nuint)lanes, outputs - lanes);
        }
    }

    /// <summary>
    /// Vector <paramref name="j"/> of the tile from output <paramref name="o"/>, its bias added: activation, store. In the last tile
    /// (<typeparamref name="TLast"/>) only the part inside the layer: <paramref name="lastOutputs"/>, the layer's outputs
    /// from the last tile's first, is a constant there, and so is what is stored.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish<TActivation, TLast>(TVector pre, ref T y, nuint o, int j, int lastOutputs)
        where TActivation : IActivation
        where TLast : IFlag
    {
        int at = j * TSimd.Count;
        TVector value = TActivation.Apply<T, TSimd, TVector>(pre);
        if (!TLast.Value)
        {
            TSimd.Store(value, ref y, o + (nuint)at);
        }
        else if (lastOutputs > at)
        {
            Lanes<T, TSimd, TVector>.StoreFirst(value, ref y, o + (nuint)at, lastOutputs - at);
        }
    }
}
