using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// The dense layer of a network's inference snapshot (its <c>Freeze()</c>): the weights copied once into the layout its
/// forward pass reads fastest, <see cref="DensePackedKernels{T, TSimd, TVector}"/>'s tiles of <c>Wᵀ</c> at the widest
/// accelerated vector that the layer's outputs fill. A layer with fewer outputs than the narrowest vector keeps
/// PyTorch's <c>[out][in]</c> (its weights, then its bias) and runs <see cref="Dense{T}.Forward"/>. The width and so
/// the layout are constants of the process (<c>VectorNNN.IsHardwareAccelerated</c>), the same when the snapshot is
/// packed and when it is read.
/// </summary>
/// <typeparam name="T">The scalar type, <see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DensePacked<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The number of elements of the layer's packed weights and bias, in whole 64-byte lines.</summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <returns>The length.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Length<TShape>()
        where TShape : ILayerShape => DensePackedLength<T, TShape>.Value;

    /// <summary>What <see cref="Length{TShape}"/> returns, computed (once per shape: see <see cref="DensePackedLength{T, TShape}"/>).</summary>
    internal static int ComputeLength<TShape>()
        where TShape : ILayerShape => Aligned(Written<TShape>());

    /// <summary>The elements the layer's packed form itself takes, before <see cref="Length{TShape}"/> rounds them up.</summary>
    private static int Written<TShape>()
        where TShape : ILayerShape => Width<TShape>() switch
        {
            512 => DensePackedKernels<T, Simd512<T>, Vector512<T>>.Length<TShape>(),
            256 => DensePackedKernels<T, Simd256<T>, Vector256<T>>.Length<TShape>(),
            128 => DensePackedKernels<T, Simd128<T>, Vector128<T>>.Length<TShape>(),
            _ => (TShape.In * TShape.Out) + TShape.Out,
        };

    /// <summary>
    /// <paramref name="length"/> rounded up to whole 64-byte lines: a layer's part of a packed copy ends there (the rest
    /// zeros), so that the next layer's part starts as aligned as the copy, and no vector load of it crosses a cache line.
    /// </summary>
    /// <param name="length">Elements the layer writes.</param>
    /// <returns>Elements the layer takes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Aligned(int length)
    {
        int line = 64 / Unsafe.SizeOf<T>();
        return (length + line - 1) / line * line;
    }

    /// <summary>Writes the packed layout of the layer's weights <c>[Out][In]</c> and bias <c>[Out]</c>.</summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <param name="w">The weights, <c>[Out][In]</c>.</param>
    /// <param name="b">The bias, <c>[Out]</c>.</param>
    /// <param name="q">Receives the packed layer, <see cref="Length{TShape}"/> elements (the last line's rest zeros).</param>
    public static void Pack<TShape>(ref T w, ref T b, ref T q)
        where TShape : ILayerShape
    {
        switch (Width<TShape>())
        {
            case 512: DensePackedKernels<T, Simd512<T>, Vector512<T>>.Pack<TShape>(ref w, ref b, ref q); break;
            case 256: DensePackedKernels<T, Simd256<T>, Vector256<T>>.Pack<TShape>(ref w, ref b, ref q); break;
            case 128: DensePackedKernels<T, Simd128<T>, Vector128<T>>.Pack<TShape>(ref w, ref b, ref q); break;
            default:
                int weights = TShape.In * TShape.Out;
                MemoryMarshal.CreateReadOnlySpan(ref w, weights).CopyTo(MemoryMarshal.CreateSpan(ref q, weights));
                MemoryMarshal.CreateReadOnlySpan(ref b, TShape.Out).CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref q, weights), TShape.Out));
                break;
        }

        MemoryMarshal.CreateSpan(ref Unsafe.Add(ref q, Written<TShape>()), Length<TShape>() - Written<TShape>()).Clear();
    }

    /// <summary><c>y = f(W x + b)</c> for one sample, from the packed layer.</summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <typeparam name="TActivation">The layer's activation.</typeparam>
    /// <param name="q">The packed layer (<see cref="Pack{TShape}"/>).</param>
    /// <param name="x">The input, <c>[In]</c>.</param>
    /// <param name="y">Receives the output, <c>[Out]</c>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TShape, TActivation>(ref T q, ref T x, ref T y)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        switch (Width<TShape>())
        {
            case 512: DensePackedKernels<T, Simd512<T>, Vector512<T>>.Forward<TShape, TActivation>(ref q, ref x, ref y); break;
            case 256: DensePackedKernels<T, Simd256<T>, Vector256<T>>.Forward<TShape, TActivation>(ref q, ref x, ref y); break;
            case 128: DensePackedKernels<T, Simd128<T>, Vector128<T>>.Forward<TShape, TActivation>(ref q, ref x, ref y); break;
            default: Dense<T>.Forward<TShape, TActivation>(ref q, ref Unsafe.Add(ref q, TShape.In * TShape.Out), ref x, ref y, ref Unsafe.NullRef<T>()); break;
        }
    }

    /// <summary>
    /// <see cref="Forward{TShape, TActivation}"/> for <paramref name="count"/> samples, to the bit what it gives one sample at a time: sample
    /// <c>s</c> reads <c>x[s · xStride..]</c> and writes <c>y[s · yStride..]</c>. The samples share each load of the packed
    /// weights (<see cref="DensePackedKernels{T, TSimd, TVector}.ForwardBatch"/>); a layer kept in rows runs
    /// <see cref="Dense{T}.ForwardBatch"/>.
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <typeparam name="TActivation">The layer's activation.</typeparam>
    /// <param name="q">The packed layer (<see cref="Pack{TShape}"/>).</param>
    /// <param name="x">The first sample's input.</param>
    /// <param name="xStride">Elements from one sample's input to the next.</param>
    /// <param name="y">Receives the first sample's output.</param>
    /// <param name="yStride">Elements from one sample's output to the next.</param>
    /// <param name="count">The number of samples.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardBatch<TShape, TActivation>(ref T q, ref T x, nuint xStride, ref T y, nuint yStride, int count)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        switch (Width<TShape>())
        {
            case 512: DensePackedKernels<T, Simd512<T>, Vector512<T>>.ForwardBatch<TShape, TActivation>(ref q, ref x, xStride, ref y, yStride, count); break;
            case 256: DensePackedKernels<T, Simd256<T>, Vector256<T>>.ForwardBatch<TShape, TActivation>(ref q, ref x, xStride, ref y, yStride, count); break;
            case 128: DensePackedKernels<T, Simd128<T>, Vector128<T>>.ForwardBatch<TShape, TActivation>(ref q, ref x, xStride, ref y, yStride, count); break;
            default: Dense<T>.ForwardBatch<TShape, TActivation>(ref q, ref Unsafe.Add(ref q, TShape.In * TShape.Out), ref x, xStride, ref y, ref Unsafe.NullRef<T>(), yStride, count); break;
        }
    }

    /// <summary>
    /// <c>y = softmax(W x + b)</c> for one sample, from the packed layer (a classifier's output layer): the softmax on the
    /// sums in registers where the layer is one tile of at most two vectors, else the layer and then
    /// <see cref="Output{T}.Softmax"/>.
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <param name="q">The packed layer (<see cref="Pack{TShape}"/>).</param>
    /// <param name="x">The input, <c>[In]</c>.</param>
    /// <param name="y">Receives the probabilities, <c>[Out]</c>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardSoftmax<TShape>(ref T q, ref T x, ref T y)
        where TShape : ILayerShape
    {
        switch (Width<TShape>())
        {
            case 512: DensePackedKernels<T, Simd512<T>, Vector512<T>>.ForwardSoftmax<TShape>(ref q, ref x, ref y); break;
            case 256: DensePackedKernels<T, Simd256<T>, Vector256<T>>.ForwardSoftmax<TShape>(ref q, ref x, ref y); break;
            case 128: DensePackedKernels<T, Simd128<T>, Vector128<T>>.ForwardSoftmax<TShape>(ref q, ref x, ref y); break;
            default:
                Dense<T>.Forward<TShape, Activations.Identity>(ref q, ref Unsafe.Add(ref q, TShape.In * TShape.Out), ref x, ref y, ref Unsafe.NullRef<T>());
                Output<T>.Softmax<TShape>(ref y);
                break;
        }
    }

    /// <summary>
    /// The width the layer is packed at, in bits: the widest accelerated vector that its outputs fill, or 0, where
    /// <c>[out][in]</c> is kept and <see cref="Dense{T}.Forward"/> runs: too few outputs for any vector, or outputs that
    /// fill their last vector so little that the rows' form is the shorter (<see cref="RowsAreShorter"/>). One rule for
    /// the length, the packing and the passes, a constant to the JIT.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Width<TShape>()
        where TShape : ILayerShape =>
        Vector512.IsHardwareAccelerated && TShape.Out >= Vector512<T>.Count ? (RowsAreShorter<TShape>(Vector512<T>.Count) ? 0 : 512)
        : Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count ? (RowsAreShorter<TShape>(Vector256<T>.Count) ? 0 : 256)
        : Vector128.IsHardwareAccelerated && TShape.Out >= Vector128<T>.Count ? (RowsAreShorter<TShape>(Vector128<T>.Count) ? 0 : 128)
        : 0;

    /// <summary>
    /// Whether the rows' form (<c>[out][in]</c>, a vector of inputs at a time) takes at most three quarters of the
    /// multiply-adds of the packed form (a vector of outputs per input, the last one padded with zeros): a classifier's
    /// 64 → 10 layer at 8 lanes is 10 rows of 8 vectors, 80 multiply-adds, against 64 inputs by 2 vectors, 128. Its
    /// weights are then 2.5 KB instead of 4.2, which matters where a network's weights are near the size of the L1 cache
    /// (docs/benchmarks.md, the sitting of 2026-12-04).
    /// </summary>
    /// <param name="lanes">The lanes of the width the layer would be packed at.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool RowsAreShorter<TShape>(int lanes)
        where TShape : ILayerShape =>
        4 * TShape.Out * ((TShape.In + lanes - 1) / lanes) <= 3 * TShape.In * ((TShape.Out + lanes - 1) / lanes);
}

/// <summary>
/// A dense layer's packed length, computed once per shape: a static readonly field, which the JIT reads as a constant in
/// code compiled after the class is initialised. The computation (the width, the tiles) is many small inlined calls, and a
/// network's composition needs the lengths of all its layers in one method (the offsets of their parts), where so many
/// would use up the method's inlining budget.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
/// <typeparam name="TShape">The layer's sizes.</typeparam>
internal static class DensePackedLength<T, TShape>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
    where TShape : ILayerShape
{
    public static readonly int Value = DensePacked<T>.ComputeLength<TShape>();
}
