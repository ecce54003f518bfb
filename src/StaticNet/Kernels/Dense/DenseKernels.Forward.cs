using System.Numerics;
using System.Runtime.CompilerServices;

namespace StaticNet.Kernels;

/// <summary>
/// The dense layer's kernels, written once for every width <typeparamref name="TSimd"/>. The weights keep the public
/// <c>[out][in]</c> layout (PyTorch's), so each output is an inner product along a weight row.
/// <para>
/// Forward: a group of rows (16 where a vector has 16 lanes or the machine has 32 vector registers, else 8; see
/// <see cref="GroupRows{TShape}"/>) has one vector accumulator each, filled by fused
/// multiply-adds over the chunks of the row; the group shares each load of an input chunk. One transpose-and-add tree
/// (<see cref="ISimd{T, TVector}.Sums"/>) then turns a vector's worth of accumulators into one vector of outputs, instead of
/// one horizontal sum per output; the bias and the activation are applied in registers. The inputs past the last whole
/// chunk are read as the last whole vector of the row with its already counted lanes masked off, so nothing is read
/// past a row or the input, and a layer whose outputs do not fill a group ends with a group that overlaps the one
/// before it (the same outputs computed the same way, stored twice).
/// </para>
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
/// <typeparam name="TSimd">The vector width; the dispatcher in <see cref="Dense{T}"/> picks it per layer.</typeparam>
/// <typeparam name="TVector">The vector type of the width.</typeparam>
[SkipLocalsInit]
internal static partial class DenseKernels<T, TSimd, TVector>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TSimd : ISimd<T, TVector>
    where TVector : struct
{
    /// <summary>
    /// Rows of a forward group: one accumulator each, at most 16 (the inputs of <see cref="ISimd{T, TVector}.Sums"/>). 16
    /// where they fit the registers beside the input chunk (16 lanes, or 32 registers: AVX-512VL at 256 bits, ARM64), as
    /// twice the independent chains and half the groups: T2 at 256 bits on Zen 5, 319 to 287 ns (median of 6). Rows
    /// longer than <see cref="LongRow"/> take 8: 16 weight streams at once from L2 measured slower than 8 (T3's
    /// 784-input layer at 512 bits, 4.36 to 4.11 µs with 8). (A layer of 16 outputs taken in two halves of 8,
    /// <see cref="HalvedGroup"/>, is one call of its own.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int GroupRows<TShape>()
        where TShape : ILayerShape =>
        (TSimd.Count >= 16 || TSimd.Registers >= 32) && TShape.In <= LongRow ? 16 : 8;

    /// <summary>
    /// Whether a layer of 16 outputs at 8 lanes (float at 256 bits, double at 512) is one group of 16 rows taken in two
    /// halves of 8 (<see cref="ForwardHalves"/>), the activation inlined for both. With 16 registers (AVX2), 16 accumulators and an
    /// input chunk would not fit, and the layer was two groups of 8, two calls, each with its own activation; with 32
    /// (AVX-512VL), one group of 16 whose activation was a call. T1's hidden layer, the whole <c>Forward</c> on Zen 4 (the
    /// minimum of 7 rounds in each of 4-5 processes, interleaved with the old code's): with AVX-512 off 55.4-57.3 to
    /// 48.9-49.7 ns, at 256 bits with AVX-512VL 56.8-58.1 to 50.3-51.1. Wider layers measured no faster in halves (T2
    /// with AVX-512 off: 307-313 ns before, 316-343 with groups of 16 in halves).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool HalvedGroup<TShape>()
        where TShape : ILayerShape =>
        TSimd.Count == 8 && TShape.Out == 16;

    /// <summary>
    /// <see cref="Forward"/> for a <see cref="HalvedGroup"/>: the sums of the first 8 rows, then of the last 8, then the bias
    /// and the activation of both. A method of its own, compiled fully optimised at its first call, and taken by one test
    /// in <see cref="Forward"/>: written in <see cref="ForwardGroup"/>, the branch took that method's inlining budget even
    /// where it folded away (a 65 → 9 tanh layer's activation left as calls at 256 bits), and each more call site in the
    /// inlined dispatchers took the scalar batch's (a store left as a call: the conformance runner's JIT check).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void ForwardHalves<TShape, TActivation>(ref T w, ref T b, ref T x, ref T y, ref T z)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        TVector first = EightRowSums<TShape>(ref w, ref x);
        TVector second = EightRowSums<TShape>(ref Unsafe.Add(ref w, 8 * (nuint)TShape.In), ref x);
        FinishOutputs<TActivation>(first, ref b, ref y, ref z, 0, 8);
        FinishOutputs<TActivation>(second, ref b, ref y, ref z, 8, 8);
    }

    /// <summary>
    /// The sums of 8 rows from <paramref name="row"/> with the input, as <see cref="ForwardGroup"/> forms them (one
    /// accumulator per row, the same fused multiply-adds in the same order, the same tree), so the same bits: half of a
    /// <see cref="HalvedGroup"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector EightRowSums<TShape>(ref T row, ref T x)
        where TShape : ILayerShape
    {
        nuint n = (nuint)TShape.In;
        int lanes = TSimd.Count;
        TVector a0 = TSimd.Zero, a1 = TSimd.Zero, a2 = TSimd.Zero, a3 = TSimd.Zero, a4 = TSimd.Zero, a5 = TSimd.Zero, a6 = TSimd.Zero, a7 = TSimd.Zero;
        nuint i = 0;
        for (nuint whole = (nuint)(TShape.In / lanes * lanes); i < whole; i += (nuint)lanes)
        {
            TVector xv = TSimd.Load(ref x, i);
            a0 = TSimd.MultiplyAdd(TSimd.Load(ref row, i), xv, a0);
            a1 = TSimd.MultiplyAdd(TSimd.Load(ref row, n + i), xv, a1);
            a2 = TSimd.MultiplyAdd(TSimd.Load(ref row, (2 * n) + i), xv, a2);
            a3 = TSimd.MultiplyAdd(TSimd.Load(ref row, (3 * n) + i), xv, a3);
            a4 = TSimd.MultiplyAdd(TSimd.Load(ref row, (4 * n) + i), xv, a4);
            a5 = TSimd.MultiplyAdd(TSimd.Load(ref row, (5 * n) + i), xv, a5);
            a6 = TSimd.MultiplyAdd(TSimd.Load(ref row, (6 * n) + i), xv, a6);
            a7 = TSimd.MultiplyAdd(TSimd.Load(ref row, (7 * n) + i), xv, a7);
        }

        if (TShape.In % lanes != 0)
        {
            i = n - (nuint)lanes;
            TVector mask = TSimd.LastLanes(TShape.In % lanes);
            TVector xv = TSimd.And(TSimd.Load(ref x, i), mask);
            a0 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, i), mask), xv, a0);
            a1 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, n + i), mask), xv, a1);
            a2 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (2 * n) + i), mask), xv, a2);
            a3 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (3 * n) + i), mask), xv, a3);
            a4 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (4 * n) + i), mask), xv, a4);
            a5 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (5 * n) + i), mask), xv, a5);
            a6 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (6 * n) + i), mask), xv, a6);
            a7 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (7 * n) + i), mask), xv, a7);
        }

        return TSimd.Sums(a0, a1, a2, a3, a4, a5, a6, a7, a0, a0, a0, a0, a0, a0, a0, a0);
    }

    /// <summary>The longest row (in elements) that a group of 16 rows streams well.</summary>
    private const int LongRow = 256;

    /// <summary>
    /// <c>y = f(W x + b)</c> for one sample; <c>z = W x + b</c> too unless <paramref name="z"/> is a null reference. A layer
    /// of one or two vectors of outputs is a narrow layer whose activation is on the network's dependency chain: where its
    /// groups are whole vectors of rows (one activation site each), they take the activation's inlined form
    /// (<see cref="Inlined{TActivation}"/>, the same values without a call), as the packed kernels' single tile does. (A
    /// group of fewer rows, or of two vectors, ran out of the JIT's inlining budget with it: the conformance runner's JIT
    /// check found ISimd operations left as calls, in double at 256 bits and in float at 128; the two halves of a
    /// <see cref="HalvedGroup"/>, a method of their own, fit.) T1's 16-output hidden layer at 256 bits on Zen 4, the whole
    /// <c>Forward</c> with AVX-512 off (the minimum of 7 rounds in each of 6 processes, interleaved with the old code's):
    /// 63-64 to 56-60 ns, in two groups of 8 rows, before the halves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Forward<TShape, TActivation>(ref T w, ref T b, ref T x, ref T y, ref T z)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        if (HalvedGroup<TShape>())
        {
            ForwardHalves<TShape, Inlined<TActivation>>(ref w, ref b, ref x, ref y, ref z);
        }
        else if (GroupRows<TShape>() == TSimd.Count && TShape.Out >= TSimd.Count && TShape.Out <= 2 * TSimd.Count)
        {
            ForwardGroups<TShape, Inlined<TActivation>>(ref w, ref b, ref x, ref y, ref z);
        }
        else
        {
            ForwardGroups<TShape, TActivation>(ref w, ref b, ref x, ref y, ref z);
        }
    }

    /// <summary><see cref="Forward"/>'s groups of rows: the whole groups, then the overlapping last one, or one group of fewer rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardGroups<TShape, TActivation>(ref T w, ref T b, ref T x, ref T y, ref T z)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        int rows = GroupRows<TShape>();
        if (TShape.Out < rows)
        {
            ForwardGroup<TShape, TActivation, Yes>(ref w, ref b, ref x, ref y, ref z, 0);
            return;
        }

        nuint o = 0;
        for (; o + (nuint)rows <= (nuint)TShape.Out; o += (nuint)rows)
        {
            ForwardGroup<TShape, TActivation, No>(ref w, ref b, ref x, ref y, ref z, o);
        }

        if (TShape.Out % rows != 0)
        {
            ForwardGroup<TShape, TActivation, No>(ref w, ref b, ref x, ref y, ref z, (nuint)(TShape.Out - rows));
        }
    }

    /// <summary>
    /// <see cref="Forward"/> for a layer of fewer inputs than a vector has lanes (one input per frame of a recurrent
    /// layer's input projection, T1's two inputs, a one-channel convolution window): each input's weights for a vector of
    /// outputs, a column of <c>W</c>, times the input broadcast, instead of one scalar inner product per output; the bias
    /// and the activation then apply to the vector in registers. Per output these are the scalar kernel's operations (a
    /// fused multiply-add onto zero, one per input in order, then the bias), so the results are the same to the bit as
    /// theirs and as <see cref="ForwardColumnsBatch"/>'s. A layer whose outputs are not a whole number of vectors ends with
    /// a vector that overlaps the one before it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ForwardColumns<TShape, TActivation>(ref T w, ref T b, ref T x, ref T y, ref T z)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        if (TShape.Out <= 2 * TSimd.Count)
        {
            ForwardColumnVectors<TShape, Inlined<TActivation>>(ref w, ref b, ref x, ref y, ref z);
        }
        else
        {
            ForwardColumnVectors<TShape, TActivation>(ref w, ref b, ref x, ref y, ref z);
        }
    }

    /// <summary>
    /// <see cref="ForwardColumns"/>, a vector of outputs at a time. A method of its own (never inlined: its body is one
    /// call, but what that call inlines, the activation with it, would come out of the dispatcher's inlining budget),
    /// compiled fully optimised at its first call; a layer of one or two vectors of outputs takes the activation's
    /// inlined form.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void ForwardColumnVectors<TShape, TActivation>(ref T w, ref T b, ref T x, ref T y, ref T z)
        where TShape : ILayerShape
        where TActivation : IActivation =>
        ColumnVectors<TShape, TActivation>(ref w, ref b, ref x, 0, ref y, ref z, 0, 1);

    /// <summary>The most inputs <see cref="ForwardColumns"/> takes (a float layer of 4 inputs fills a 128-bit vector).</summary>
    internal const int MaxColumns = 3;

    /// <summary>
    /// Lanes <c>k</c> of <c>W[at + k][i]</c> for each input <c>i</c>: the columns of the weights for a vector of outputs (zero
    /// past the layer's inputs). One input: a load. Two: the vector's rows are two vectors of interleaved pairs, split by
    /// <see cref="ISimd{T, TVector}.Evens"/> and <see cref="ISimd{T, TVector}.Odds"/> (T1's first layer at 256 bits, two loads
    /// and four shuffles for 8 outputs instead of 16 scalar products). Three: gathered lane by lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Columns<TShape>(ref T w, nuint at, out TVector c0, out TVector c1, out TVector c2)
        where TShape : ILayerShape
    {
        if (TShape.In == 1)
        {
            c0 = TSimd.Load(ref w, at);
            c1 = c2 = TSimd.Zero;
        }
        else if (TShape.In == 2)
        {
            TVector first = TSimd.Load(ref w, 2 * at), second = TSimd.Load(ref w, (2 * at) + (nuint)TSimd.Count);
            c0 = TSimd.Evens(first, second);
            c1 = TSimd.Odds(first, second);
            c2 = TSimd.Zero;
        }
        else
        {
            c0 = Lanes<T, TSimd, TVector>.LoadStrided(ref w, at * (nuint)TShape.In, (nuint)TShape.In);
            c1 = Lanes<T, TSimd, TVector>.LoadStrided(ref w, (at * (nuint)TShape.In) + 1, (nuint)TShape.In);
            c2 = Lanes<T, TSimd, TVector>.LoadStrided(ref w, (at * (nuint)TShape.In) + 2, (nuint)TShape.In);
        }
    }

    /// <summary>The columns times the inputs, added in order onto zero: a vector of outputs' <c>W x</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ColumnsTimes<TShape>(TVector c0, TVector c1, TVector c2, ref T x)
        where TShape : ILayerShape
    {
        TVector sums = TSimd.MultiplyAdd(c0, TSimd.Create(x), TSimd.Zero);
        if (TShape.In > 1) { sums = TSimd.MultiplyAdd(c1, TSimd.Create(Unsafe.Add(ref x, 1)), sums); }
        if (TShape.In > 2) { sums = TSimd.MultiplyAdd(c2, TSimd.Create(Unsafe.Add(ref x, 2)), sums); }
        return sums;
    }

    /// <summary>
    /// A group of outputs from <c>o</c>: <see cref="GroupRows{TShape}"/> of them, or all of a layer that has fewer
    /// (<typeparamref name="TFew"/>); one accumulator per row over every input chunk, then the tree, bias and activation.
    /// A method of its own, compiled fully optimised at its first call: the kernels that are methods of their own take
    /// their sizes from type arguments only, so that they are as specialised as if they were inlined.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardGroup<TShape, TActivation, TFew>(ref T w, ref T b, ref T x, ref T y, ref T z, nuint o)
        where TShape : ILayerShape
        where TActivation : IActivation
        where TFew : IFlag
    {
        int active = TFew.Value ? TShape.Out : GroupRows<TShape>();
        nuint n = (nuint)TShape.In;
        int lanes = TSimd.Count;
        ref T row = ref Unsafe.Add(ref w, o * n);
        TVector a0 = TSimd.Zero, a1 = TSimd.Zero, a2 = TSimd.Zero, a3 = TSimd.Zero, a4 = TSimd.Zero, a5 = TSimd.Zero, a6 = TSimd.Zero, a7 = TSimd.Zero;
        TVector a8 = TSimd.Zero, a9 = TSimd.Zero, a10 = TSimd.Zero, a11 = TSimd.Zero, a12 = TSimd.Zero, a13 = TSimd.Zero, a14 = TSimd.Zero, a15 = TSimd.Zero;
        nuint i = 0;

        // The loops over whole chunks here and in the other kernels compare the index with the end of the whole chunks, a
        // constant: written `i + lanes <= n`, the JIT kept the sum in a second register and moved it back every iteration
        // (T2 Forward at 128 bits without AVX, 8 rows of 3 operations per chunk: 539-551 -> 494-525 ns).
        for (nuint whole = (nuint)(TShape.In / lanes * lanes); i < whole; i += (nuint)lanes)
        {
            TVector xv = TSimd.Load(ref x, i);
            a0 = TSimd.MultiplyAdd(TSimd.Load(ref row, i), xv, a0);
            if (active > 1) { a1 = TSimd.MultiplyAdd(TSimd.Load(ref row, n + i), xv, a1); }
            if (active > 2) { a2 = TSimd.MultiplyAdd(TSimd.Load(ref row, (2 * n) + i), xv, a2); }
            if (active > 3) { a3 = TSimd.MultiplyAdd(TSimd.Load(ref row, (3 * n) + i), xv, a3); }
            if (active > 4) { a4 = TSimd.MultiplyAdd(TSimd.Load(ref row, (4 * n) + i), xv, a4); }
            if (active > 5) { a5 = TSimd.MultiplyAdd(TSimd.Load(ref row, (5 * n) + i), xv, a5); }
            if (active > 6) { a6 = TSimd.MultiplyAdd(TSimd.Load(ref row, (6 * n) + i), xv, a6); }
            if (active > 7) { a7 = TSimd.MultiplyAdd(TSimd.Load(ref row, (7 * n) + i), xv, a7); }
            if (active > 8) { a8 = TSimd.MultiplyAdd(TSimd.Load(ref row, (8 * n) + i), xv, a8); }
            if (active > 9) { a9 = TSimd.MultiplyAdd(TSimd.Load(ref row, (9 * n) + i), xv, a9); }
            if (active > 10) { a10 = TSimd.MultiplyAdd(TSimd.Load(ref row, (10 * n) + i), xv, a10); }
            if (active > 11) { a11 = TSimd.MultiplyAdd(TSimd.Load(ref row, (11 * n) + i), xv, a11); }
            if (active > 12) { a12 = TSimd.MultiplyAdd(TSimd.Load(ref row, (12 * n) + i), xv, a12); }
            if (active > 13) { a13 = TSimd.MultiplyAdd(TSimd.Load(ref row, (13 * n) + i), xv, a13); }
            if (active > 14) { a14 = TSimd.MultiplyAdd(TSimd.Load(ref row, (14 * n) + i), xv, a14); }
            if (active > 15) { a15 = TSimd.MultiplyAdd(TSimd.Load(ref row, (15 * n) + i), xv, a15); }
        }

        if (TShape.In % lanes != 0)
        {
            // The last whole vector of the row, with the lanes the loop already counted masked off (in the weights too, so
            // that an infinite weight there cannot make a NaN).
            i = n - (nuint)lanes;
            TVector mask = TSimd.LastLanes(TShape.In % lanes);
            TVector xv = TSimd.And(TSimd.Load(ref x, i), mask);
            a0 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, i), mask), xv, a0);
            if (active > 1) { a1 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, n + i), mask), xv, a1); }
            if (active > 2) { a2 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (2 * n) + i), mask), xv, a2); }
            if (active > 3) { a3 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (3 * n) + i), mask), xv, a3); }
            if (active > 4) { a4 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (4 * n) + i), mask), xv, a4); }
            if (active > 5) { a5 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (5 * n) + i), mask), xv, a5); }
            if (active > 6) { a6 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (6 * n) + i), mask), xv, a6); }
            if (active > 7) { a7 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (7 * n) + i), mask), xv, a7); }
            if (active > 8) { a8 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (8 * n) + i), mask), xv, a8); }
            if (active > 9) { a9 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (9 * n) + i), mask), xv, a9); }
            if (active > 10) { a10 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (10 * n) + i), mask), xv, a10); }
            if (active > 11) { a11 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (11 * n) + i), mask), xv, a11); }
            if (active > 12) { a12 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (12 * n) + i), mask), xv, a12); }
            if (active > 13) { a13 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (13 * n) + i), mask), xv, a13); }
            if (active > 14) { a14 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (14 * n) + i), mask), xv, a14); }
            if (active > 15) { a15 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref row, (15 * n) + i), mask), xv, a15); }
        }

        // One tree per vector's worth of accumulators (several when a vector has fewer lanes than the group has rows),
        // every tree before the first output is finished: the activation may be a call, across which no vector register
        // survives, and accumulators still live after it were kept on the stack inside the loop above, stored at every
        // fused multiply-add and loaded again at every iteration (T1's second layer at 256 bits, 8 of 16).
        if (lanes >= 16)
        {
            FinishOutputs<TActivation>(TSimd.Sums(a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15), ref b, ref y, ref z, o, active);
        }
        else if (lanes == 8)
        {
            TVector s0 = TSimd.Sums(a0, a1, a2, a3, a4, a5, a6, a7, a0, a0, a0, a0, a0, a0, a0, a0);
            TVector s1 = active > 8 ? TSimd.Sums(a8, a9, a10, a11, a12, a13, a14, a15, a0, a0, a0, a0, a0, a0, a0, a0) : s0;
            FinishOutputs<TActivation>(s0, ref b, ref y, ref z, o, active);
            if (active > 8) { FinishOutputs<TActivation>(s1, ref b, ref y, ref z, o + 8, active - 8); }
        }
        else if (lanes == 4)
        {
            TVector s0 = TSimd.Sums(a0, a1, a2, a3, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0);
            TVector s1 = active > 4 ? TSimd.Sums(a4, a5, a6, a7, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0) : s0;
            TVector s2 = active > 8 ? TSimd.Sums(a8, a9, a10, a11, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0) : s0;
            TVector s3 = active > 12 ? TSimd.Sums(a12, a13, a14, a15, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0) : s0;
            FinishOutputs<TActivation>(s0, ref b, ref y, ref z, o, active);
            if (active > 4) { FinishOutputs<TActivation>(s1, ref b, ref y, ref z, o + 4, active - 4); }
            if (active > 8) { FinishOutputs<TActivation>(s2, ref b, ref y, ref z, o + 8, active - 8); }
            if (active > 12) { FinishOutputs<TActivation>(s3, ref b, ref y, ref z, o + 12, active - 12); }
        }
        else if (lanes == 2)
        {
            TVector s0 = TSimd.Sums(a0, a1, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0);
            TVector s1 = active > 2 ? TSimd.Sums(a2, a3, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0) : s0;
            TVector s2 = active > 4 ? TSimd.Sums(a4, a5, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0) : s0;
            TVector s3 = active > 6 ? TSimd.Sums(a6, a7, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0) : s0;
            TVector s4 = active > 8 ? TSimd.Sums(a8, a9, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0) : s0;
            TVector s5 = active > 10 ? TSimd.Sums(a10, a11, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0) : s0;
            TVector s6 = active > 12 ? TSimd.Sums(a12, a13, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0) : s0;
            TVector s7 = active > 14 ? TSimd.Sums(a14, a15, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0, a0) : s0;
            FinishOutputs<TActivation>(s0, ref b, ref y, ref z, o, active);
            if (active > 2) { FinishOutputs<TActivation>(s1, ref b, ref y, ref z, o + 2, active - 2); }
            if (active > 4) { FinishOutputs<TActivation>(s2, ref b, ref y, ref z, o + 4, active - 4); }
            if (active > 6) { FinishOutputs<TActivation>(s3, ref b, ref y, ref z, o + 6, active - 6); }
            if (active > 8) { FinishOutputs<TActivation>(s4, ref b, ref y, ref z, o + 8, active - 8); }
            if (active > 10) { FinishOutputs<TActivation>(s5, ref b, ref y, ref z, o + 10, active - 10); }
            if (active > 12) { FinishOutputs<TActivation>(s6, ref b, ref y, ref z, o + 12, active - 12); }
            if (active > 14) { FinishOutputs<TActivation>(s7, ref b, ref y, ref z, o + 14, active - 14); }
        }
        else
        {
            FinishOutputs<TActivation>(a0, ref b, ref y, ref z, o, active);
            if (active > 1) { FinishOutputs<TActivation>(a1, ref b, ref y, ref z, o + 1, active - 1); }
            if (active > 2) { FinishOutputs<TActivation>(a2, ref b, ref y, ref z, o + 2, active - 2); }
            if (active > 3) { FinishOutputs<TActivation>(a3, ref b, ref y, ref z, o + 3, active - 3); }
            if (active > 4) { FinishOutputs<TActivation>(a4, ref b, ref y, ref z, o + 4, active - 4); }
            if (active > 5) { FinishOutputs<TActivation>(a5, ref b, ref y, ref z, o + 5, active - 5); }
            if (active > 6) { FinishOutputs<TActivation>(a6, ref b, ref y, ref z, o + 6, active - 6); }
            if (active > 7) { FinishOutputs<TActivation>(a7, ref b, ref y, ref z, o + 7, active - 7); }
        }
    }

    /// <summary>Adds the bias to a vector of sums for outputs <c>[o, o + count)</c>, keeps the pre-activation if asked, applies the activation, stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishOutputs<TActivation>(TVector sums, ref T b, ref T y, ref T z, nuint o, int count)
        where TActivation : IActivation
    {
        // A whole vector of biases is loaded here, not through LoadFirst, whose inlined result the JIT kept in a stack
        // temporary (a store and a reload on the way to the add) even where the count folded to a whole vector.
        TVector pre;
        if (count >= TSimd.Count)
        {
            pre = TSimd.Add(sums, TSimd.Load(ref b, o));
        }
        else
        {
            pre = TSimd.Add(sums, Lanes<T, TSimd, TVector>.LoadFirst(ref b, o, count));
        }

        if (!Unsafe.IsNullRef(ref z))
        {
            Lanes<T, TSimd, TVector>.StoreFirst(pre, ref z, o, count);
        }

        Lanes<T, TSimd, TVector>.StoreFirst(TActivation.Apply<T, TSimd, TVector>(pre), ref y, o, count);
    }
}
