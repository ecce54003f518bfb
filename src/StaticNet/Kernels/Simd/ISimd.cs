using System.ComponentModel;
using System.Numerics;

namespace StaticNet.Kernels;

/// <summary>
/// The operations of one vector width, as static members, so that a kernel written once as a generic method over a
/// struct that implements this interface is compiled by the JIT for each width with every call inlined: the kernels are
/// the algorithm (tiles, transposes, register blocking), the width is a type argument. The implementations are
/// <see cref="Simd128{T}"/> (SSE, ARM64 NEON), <see cref="Simd256{T}"/> (AVX2), <see cref="Simd512{T}"/> (AVX-512) and
/// <see cref="Simd1{T}"/>, one lane: the scalar form of the same algorithm, for layers narrower than a vector.
/// </summary>
/// <typeparam name="T">The scalar type, <see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TVector">The vector type of the width (<c>Vector256&lt;T&gt;</c>, ...; <typeparamref name="T"/> itself for one lane).</typeparam>
/// <remarks>
/// Masks, as returned by the comparisons, have every bit of a lane set where the condition holds and none where it does
/// not. The "integer" operations see each lane as a two's-complement integer of the scalar's size (32 bits for
/// <see cref="float"/>, 64 for <see cref="double"/>): they are what exp and log need to build and take apart the bits of
/// a floating-point number.
/// <para>
/// Every member that tests an instruction set (<c>Avx512F.VL.IsSupported</c>, <c>Fma.IsSupported</c>, ...) is
/// <c>AggressiveInlining</c>, the properties' getters too. NativeAOT does not otherwise inline a method that tests an
/// instruction set outside its target: published at its default target (the 128-bit path), the kernels called the getters
/// of <see cref="Registers"/> and <see cref="HasMaskedLoad"/>, so the sizes derived from them were run-time values and the
/// paths of the missing instruction sets were compiled in (T2's first-layer kernel 2,204 bytes with 21 calls, 373 bytes
/// and none with the attribute; T2 <c>Forward</c> 1,824 → 685 ns, T3 <c>ForwardBatch(256)</c> 3.6 → 1.7 ms on an
/// Emerald Rapids Xeon, the JIT's own 128-bit figures). The JIT inlines them either way.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISimd<T, TVector>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TVector : struct
{
    /// <summary>The number of lanes.</summary>
    static abstract int Count { get; }

    /// <summary>
    /// The vector registers the machine has at this width (16 on x64 below AVX-512, 32 with AVX-512 and on ARM64): how many
    /// accumulators a register tile can keep without spilling.
    /// </summary>
    static abstract int Registers { get; }

    /// <summary>Whether <see cref="MultiplyAdd"/> is one fused instruction on this machine (else a multiply and an add).</summary>
    static abstract bool IsFused { get; }

    /// <summary>
    /// Whether <see cref="LoadMasked"/> is one instruction on this machine (AVX-512's masked moves, AVX's <c>vmaskmov</c>).
    /// Elsewhere a load of fewer lanes than a vector goes through memory lane by lane (<see cref="Lanes{T, TSimd, TVector}.LoadFirst"/>).
    /// </summary>
    static abstract bool HasMaskedLoad { get; }

    /// <summary>Whether <see cref="StoreMasked"/> is one fast instruction on this machine (AVX-512's masked moves).</summary>
    static abstract bool HasMaskedStore { get; }

    /// <summary>All lanes zero.</summary>
    static abstract TVector Zero { get; }

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TVector Create(T value);

    /// <summary>
    /// Loads <c>source[offset..offset + count)</c>, where they fit 8 bytes (one lane, or two floats), into the first
    /// <paramref name="count"/> lanes; the other lanes are zero. One scalar move.
    /// </summary>
    static abstract TVector LoadLow(ref T source, nuint offset, int count);

    /// <summary>Stores the first <paramref name="count"/> lanes, where they fit 8 bytes, to <c>destination[offset..]</c>: one scalar move.</summary>
    static abstract void StoreLow(TVector value, ref T destination, nuint offset, int count);

    /// <summary>Loads <see cref="Count"/> values from <c>source[offset..]</c>.</summary>
    static abstract TVector Load(ref T source, nuint offset);

    /// <summary>Stores the lanes to <c>destination[offset..]</c>.</summary>
    static abstract void Store(TVector value, ref T destination, nuint offset);

    /// <summary>
    /// Loads <see cref="Count"/> / 2 values from <c>source[offset..]</c> into both halves of a vector (a batched kernel adds
    /// the same biases to two samples' outputs held in one vector). One lane has no halves: <see cref="Simd1{T}"/> throws.
    /// </summary>
    static abstract TVector LoadHalves(ref T source, nuint offset);

    /// <summary>
    /// Stores the lower half of the lanes to <c>lower[offset..]</c> and the upper half to <c>upper[offset..]</c>, <see cref="Count"/> / 2
    /// each. One lane has no halves: <see cref="Simd1{T}"/> throws.
    /// </summary>
    static abstract void StoreHalves(TVector value, ref T lower, ref T upper, nuint offset);

    /// <summary>
    /// Loads <c>source[offset..offset + count)</c> into the first <paramref name="count"/> lanes (0 &lt; count &lt;
    /// <see cref="Count"/>), zero in the others, with a masked move: nothing past them is read (so it may run past the end
    /// of an array). Only where <see cref="HasMaskedLoad"/>; else it throws.
    /// </summary>
    static abstract TVector LoadMasked(ref T source, nuint offset, int count);

    /// <summary>
    /// Stores the first <paramref name="count"/> lanes to <c>destination[offset..offset + count)</c> (0 &lt; count &lt;
    /// <see cref="Count"/>) with a masked move: nothing past them is written. Only where <see cref="HasMaskedStore"/>; else
    /// it throws.
    /// </summary>
    static abstract void StoreMasked(TVector value, ref T destination, nuint offset, int count);

    /// <summary>Lane 0.</summary>
    static abstract T First(TVector value);

    /// <summary>The sum of the lanes.</summary>
    static abstract T Sum(TVector value);

    /// <summary>The largest lane (for NaN lanes, whatever the hardware's maximum gives).</summary>
    static abstract T MaxAcross(TVector value);

    /// <summary>
    /// The sum of the lanes of each of the first <see cref="Count"/> accumulators, all in one vector: lane <c>k</c> holds
    /// the sum of the lanes of <c>ak</c>. The accumulators past <see cref="Count"/> are ignored. One transpose-and-add
    /// tree instead of one horizontal sum per accumulator.
    /// </summary>
    static abstract TVector Sums(
        TVector a0, TVector a1, TVector a2, TVector a3, TVector a4, TVector a5, TVector a6, TVector a7,
        TVector a8, TVector a9, TVector a10, TVector a11, TVector a12, TVector a13, TVector a14, TVector a15);

    /// <summary>
    /// The lanes at even positions of the concatenation <c>a ‖ b</c>: <c>[a0, a2, …, b0, b2, …]</c>. With
    /// <see cref="Odds"/>, splits two vectors of interleaved pairs (the rows of a two-input layer's weights) into their
    /// two columns.
    /// </summary>
    static abstract TVector Evens(TVector a, TVector b);

    /// <summary>The lanes at odd positions of the concatenation <c>a ‖ b</c>: <c>[a1, a3, …, b1, b3, …]</c>.</summary>
    static abstract TVector Odds(TVector a, TVector b);

    /// <summary>A mask of the last <paramref name="count"/> lanes (<c>0 &lt; count &lt;= Count</c>).</summary>
    static abstract TVector LastLanes(int count);

    /// <summary>A mask of the first <paramref name="count"/> lanes (<c>0 &lt;= count &lt;= Count</c>).</summary>
    static abstract TVector FirstLanes(int count);

    /// <summary><c>left + right</c>.</summary>
    static abstract TVector Add(TVector left, TVector right);

    /// <summary><c>left - right</c>.</summary>
    static abstract TVector Subtract(TVector left, TVector right);

    /// <summary><c>left * right</c>.</summary>
    static abstract TVector Multiply(TVector left, TVector right);

    /// <summary><c>left / right</c>.</summary>
    static abstract TVector Divide(TVector left, TVector right);

    /// <summary><c>a * b + c</c>, rounded once where the machine has fused multiply-add (<see cref="IsFused"/>).</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector c);

    /// <summary><c>c - a * b</c>, rounded once where the machine has fused multiply-add (<see cref="IsFused"/>).</summary>
    static abstract TVector NegatedMultiplyAdd(TVector a, TVector b, TVector c);

    /// <summary><c>-value</c> (the sign bit flipped).</summary>
    static abstract TVector Negate(TVector value);

    /// <summary><c>|value|</c> (the sign bit cleared).</summary>
    static abstract TVector Abs(TVector value);

    /// <summary>The lane-wise maximum as the hardware computes it: for a NaN lane the result is either operand.</summary>
    static abstract TVector Max(TVector left, TVector right);

    /// <summary>The lane-wise minimum as the hardware computes it: for a NaN lane the result is either operand.</summary>
    static abstract TVector Min(TVector left, TVector right);

    /// <summary>Each lane rounded to the nearest integer, ties to even (for magnitudes below 2^22 in float, 2^51 in double).</summary>
    static abstract TVector Round(TVector value);

    /// <summary>The square root of each lane.</summary>
    static abstract TVector Sqrt(TVector value);

    /// <summary>A mask of the lanes where <c>left == right</c> (false for NaN).</summary>
    static abstract TVector Equals(TVector left, TVector right);

    /// <summary>A mask of the lanes where <c>left &lt; right</c>.</summary>
    static abstract TVector LessThan(TVector left, TVector right);

    /// <summary>A mask of the lanes where <c>left &lt;= right</c>.</summary>
    static abstract TVector LessThanOrEqual(TVector left, TVector right);

    /// <summary>A mask of the lanes where <c>left &gt; right</c>.</summary>
    static abstract TVector GreaterThan(TVector left, TVector right);

    /// <summary>Per lane, <paramref name="whenTrue"/> where <paramref name="mask"/> is set, else <paramref name="whenFalse"/>.</summary>
    static abstract TVector Select(TVector mask, TVector whenTrue, TVector whenFalse);

    /// <summary>The bits of both.</summary>
    static abstract TVector And(TVector left, TVector right);

    /// <summary>The bits of either.</summary>
    static abstract TVector Or(TVector left, TVector right);

    /// <summary>The bits of <paramref name="left"/> that are not set in <paramref name="right"/>.</summary>
    static abstract TVector AndNot(TVector left, TVector right);

    /// <summary>The bits set in one but not both.</summary>
    static abstract TVector Xor(TVector left, TVector right);

    /// <summary>Whether any lane of the mask is set.</summary>
    static abstract bool Any(TVector mask);

    /// <summary>The integer lanes shifted left by <paramref name="count"/> bits.</summary>
    static abstract TVector ShiftLeftInteger(TVector value, int count);

    /// <summary>The integer lanes shifted right by <paramref name="count"/> bits, filling with zeros.</summary>
    static abstract TVector ShiftRightLogicalInteger(TVector value, int count);

    /// <summary>The integer lanes added.</summary>
    static abstract TVector AddInteger(TVector left, TVector right);

    /// <summary>The integer lanes subtracted.</summary>
    static abstract TVector SubtractInteger(TVector left, TVector right);

    /// <summary>Every lane the integer <paramref name="value"/> (its bits, as a lane of the scalar's size).</summary>
    static abstract TVector CreateInteger(long value);
}
