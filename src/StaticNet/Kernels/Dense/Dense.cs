using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// The dense layer, as generated networks call it: <c>y = f(W x + b)</c> with <c>W</c> of shape <c>[Out][In]</c> (PyTorch's
/// <c>nn.Linear</c> layout). Each method picks the width for the layer, the widest accelerated vector that the layer's
/// inputs fill (<c>Vector512/256/128.IsHardwareAccelerated</c> and the sizes are constants to the JIT, so only the chosen
/// path is compiled; a layer of at most one 512-bit vector of inputs and of outputs takes 256 bits, see
/// <see cref="Wide{TShape}"/>), and runs <see cref="DenseKernels{T, TSimd, TVector}"/> at that width.
/// </summary>
/// <typeparam name="T">The scalar type, <see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
[SkipLocalsInit]
public static class Dense<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>
    /// <c>y = f(W x + b)</c> for one sample. Where <paramref name="z"/> is not a null reference, it receives the
    /// pre-activation <c>W x + b</c> (what the backward pass of an activation whose gradient reads it needs).
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <typeparam name="TActivation">The layer's activation.</typeparam>
    /// <param name="w">The weights, <c>[Out][In]</c>.</param>
    /// <param name="b">The bias, <c>[Out]</c>.</param>
    /// <param name="x">The input, <c>[In]</c>.</param>
    /// <param name="y">Receives the output, <c>[Out]</c>.</param>
    /// <param name="z">Receives the pre-activation, <c>[Out]</c>, or a null reference.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TShape, TActivation>(ref T w, ref T b, ref T x, ref T y, ref T z)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        if (Wide<TShape>())
        {
            DenseKernels<T, Simd512<T>, Vector512<T>>.Forward<TShape, TActivation>(ref w, ref b, ref x, ref y, ref z);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.In >= Vector256<T>.Count)
        {
            DenseKernels<T, Simd256<T>, Vector256<T>>.Forward<TShape, TActivation>(ref w, ref b, ref x, ref y, ref z);
        }
        else if (Vector128.IsHardwareAccelerated && TShape.In >= Vector128<T>.Count)
        {
            DenseKernels<T, Simd128<T>, Vector128<T>>.Forward<TShape, TActivation>(ref w, ref b, ref x, ref y, ref z);
        }
        else if (TShape.In <= 2 && Vector512.IsHardwareAccelerated && TShape.Out > Vector512<T>.Count)
        {
            DenseKernels<T, Simd512<T>, Vector512<T>>.ForwardColumns<TShape, TActivation>(ref w, ref b, ref x, ref y, ref z);
        }
        else if (TShape.In <= 2 && Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count)
        {
            DenseKernels<T, Simd256<T>, Vector256<T>>.ForwardColumns<TShape, TActivation>(ref w, ref b, ref x, ref y, ref z);
        }
        else if (TShape.In <= 2 && Vector128.IsHardwareAccelerated && TShape.Out >= Vector128<T>.Count)
        {
            DenseKernels<T, Simd128<T>, Vector128<T>>.ForwardColumns<TShape, TActivation>(ref w, ref b, ref x, ref y, ref z);
        }
        else
        {
            // Inputs too few for a vector: scalar inner products, then the activation a vector of outputs at a time. (A
            // layer of three inputs could gather its columns as ForwardBatch does, but for one sample, gathering them lane
            // by lane measured slower than the scalar products: T1's two inputs on Zen 5, 105-113 ns against 119-121,
            // before two columns were split from two loads by shuffles.)
            DenseKernels<T, Simd1<T>, T>.Forward<TShape, Activations.Identity>(ref w, ref b, ref x, ref y, ref Unsafe.NullRef<T>());
            ActivationPass<T>.Apply<TShape, TActivation>(ref y, ref z);
        }
    }
    /// <summary>
    /// The backward pass of one sample: adds <c>dLoss/dW = dz xᵀ</c> into <paramref name="gw"/> and <c>dLoss/db = dz</c> into
    /// <paramref name="gb"/>; unless <paramref name="dx"/> is a null reference, writes the gradient with respect to the
    /// pre-activation of the layer below, <c>(Wᵀ dz)</c> through that layer's activation <typeparamref name="TBelow"/>.
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <typeparam name="TBelow">The activation of the layer below (<see cref="Activations.Identity"/> for the network's input).</typeparam>
    /// <param name="w">The weights, <c>[Out][In]</c>.</param>
    /// <param name="gw">Accumulates the weight gradient, <c>[Out][In]</c>.</param>
    /// <param name="gb">Accumulates the bias gradient, <c>[Out]</c>.</param>
    /// <param name="x">The input of the layer: the output of the layer below, <c>[In]</c>.</param>
    /// <param name="dz">dLoss/dz of this layer, <c>[Out]</c>.</param>
    /// <param name="dx">Receives dLoss/dz of the layer below, <c>[In]</c>, or a null reference.</param>
    /// <param name="zBelow">The pre-activation of the layer below where its activation's gradient reads it, else a null reference.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<TShape, TBelow>(ref T w, ref T gw, ref T gb, ref T x, ref T dz, ref T dx, ref T zBelow)
        where TShape : ILayerShape
        where TBelow : IActivation
    {
        if (Wide<TShape>())
        {
            DenseKernels<T, Simd512<T>, Vector512<T>>.Backward<TShape, TBelow>(ref w, ref gw, ref gb, ref x, ref dz, ref dx, ref zBelow);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.In >= Vector256<T>.Count)
        {
            DenseKernels<T, Simd256<T>, Vector256<T>>.Backward<TShape, TBelow>(ref w, ref gw, ref gb, ref x, ref dz, ref dx, ref zBelow);
        }
        else if (Vector128.IsHardwareAccelerated && TShape.In >= Vector128<T>.Count)
        {
            DenseKernels<T, Simd128<T>, Vector128<T>>.Backward<TShape, TBelow>(ref w, ref gw, ref gb, ref x, ref dz, ref dx, ref zBelow);
        }
        else
        {
            DenseKernels<T, Simd1<T>, T>.Backward<TShape, TBelow>(ref w, ref gw, ref gb, ref x, ref dz, ref dx, ref zBelow);
        }
    }

    /// <summary>
    /// One SGD step of the layer, the seeds' order: unless <paramref name="dx"/> is a null reference, first the gradient for
    /// the layer below from the old weights (as <see cref="Backward"/>), in the same pass over the weights as
    /// <c>W -= learningRate · dz xᵀ</c>; then <c>b -= learningRate · dz</c>.
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <typeparam name="TBelow">The activation of the layer below.</typeparam>
    /// <param name="w">The weights, <c>[Out][In]</c>, updated.</param>
    /// <param name="b">The bias, <c>[Out]</c>, updated.</param>
    /// <param name="x">The input of the layer, <c>[In]</c>.</param>
    /// <param name="dz">dLoss/dz of this layer, <c>[Out]</c>.</param>
    /// <param name="dx">Receives dLoss/dz of the layer below, <c>[In]</c>, or a null reference.</param>
    /// <param name="zBelow">The pre-activation of the layer below where its activation's gradient reads it, else a null reference.</param>
    /// <param name="learningRate">The step size.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Train<TShape, TBelow>(ref T w, ref T b, ref T x, ref T dz, ref T dx, ref T zBelow, T learningRate)
        where TShape : ILayerShape
        where TBelow : IActivation
    {
        if (Wide<TShape>())
        {
            DenseKernels<T, Simd512<T>, Vector512<T>>.Train<TShape, TBelow>(ref w, ref b, ref x, ref dz, ref dx, ref zBelow, learningRate);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.In >= Vector256<T>.Count)
        {
            DenseKernels<T, Simd256<T>, Vector256<T>>.Train<TShape, TBelow>(ref w, ref b, ref x, ref dz, ref dx, ref zBelow, learningRate);
        }
        else if (Vector128.IsHardwareAccelerated && TShape.In >= Vector128<T>.Count)
        {
            DenseKernels<T, Simd128<T>, Vector128<T>>.Train<TShape, TBelow>(ref w, ref b, ref x, ref dz, ref dx, ref zBelow, learningRate);
        }
        else
        {
            DenseKernels<T, Simd1<T>, T>.Train<TShape, TBelow>(ref w, ref b, ref x, ref dz, ref dx, ref zBelow, learningRate);
        }
    }

    /// <summary>
    /// <see cref="Forward"/> for <paramref name="count"/> samples stored with strides, in tiles that share every weight load
    /// between samples; the results are the same to the bit as <see cref="Forward"/> sample by sample.
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <typeparam name="TActivation">The layer's activation.</typeparam>
    /// <param name="w">The weights, <c>[Out][In]</c>.</param>
    /// <param name="b">The bias, <c>[Out]</c>.</param>
    /// <param name="x">The inputs: sample <c>s</c> at <c>x[s · xStride..]</c>.</param>
    /// <param name="xStride">The distance between two samples' inputs.</param>
    /// <param name="y">Receives the outputs: sample <c>s</c> at <c>y[s · yStride..]</c>.</param>
    /// <param name="z">Receives the pre-activations at the same places as <paramref name="y"/>'s, or a null reference.</param>
    /// <param name="yStride">The distance between two samples' outputs.</param>
    /// <param name="count">The number of samples.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardBatch<TShape, TActivation>(ref T w, ref T b, ref T x, nuint xStride, ref T y, ref T z, nuint yStride, int count)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        if (Wide<TShape>())
        {
            DenseKernels<T, Simd512<T>, Vector512<T>>.ForwardBatch<TShape, TActivation>(ref w, ref b, ref x, xStride, ref y, ref z, yStride, count);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.In >= Vector256<T>.Count)
        {
            DenseKernels<T, Simd256<T>, Vector256<T>>.ForwardBatch<TShape, TActivation>(ref w, ref b, ref x, xStride, ref y, ref z, yStride, count);
        }
        else if (Vector128.IsHardwareAccelerated && TShape.In >= Vector128<T>.Count)
        {
            DenseKernels<T, Simd128<T>, Vector128<T>>.ForwardBatch<TShape, TActivation>(ref w, ref b, ref x, xStride, ref y, ref z, yStride, count);
        }
        else if (TShape.In <= DenseKernels<T, Simd512<T>, Vector512<T>>.MaxColumns && Vector512.IsHardwareAccelerated && TShape.Out > Vector512<T>.Count)
        {
            DenseKernels<T, Simd512<T>, Vector512<T>>.ForwardColumnsBatch<TShape, TActivation>(ref w, ref b, ref x, xStride, ref y, ref z, yStride, count);
        }
        else if (TShape.In <= DenseKernels<T, Simd256<T>, Vector256<T>>.MaxColumns && Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count)
        {
            DenseKernels<T, Simd256<T>, Vector256<T>>.ForwardColumnsBatch<TShape, TActivation>(ref w, ref b, ref x, xStride, ref y, ref z, yStride, count);
        }
        else if (TShape.In <= DenseKernels<T, Simd128<T>, Vector128<T>>.MaxColumns && Vector128.IsHardwareAccelerated && TShape.Out >= Vector128<T>.Count)
        {
            DenseKernels<T, Simd128<T>, Vector128<T>>.ForwardColumnsBatch<TShape, TActivation>(ref w, ref b, ref x, xStride, ref y, ref z, yStride, count);
        }
        else
        {
            ForwardBatchScalar<TShape, TActivation>(ref w, ref b, ref x, xStride, ref y, ref z, yStride, count);
        }
    }

    /// <summary>
    /// <see cref="ForwardBatch"/> for a layer of too few inputs for a vector, as <see cref="Forward"/> runs it: scalar inner
    /// products, then the activation a vector of outputs at a time, sample by sample. A method of its own: inlined, its
    /// body and the tests before it ran the dispatcher's inlining budget out (a store left as a call: the conformance
    /// runner's JIT check).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void ForwardBatchScalar<TShape, TActivation>(ref T w, ref T b, ref T x, nuint xStride, ref T y, ref T z, nuint yStride, int count)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        DenseKernels<T, Simd1<T>, T>.ForwardBatch<TShape, Activations.Identity>(ref w, ref b, ref x, xStride, ref y, ref Unsafe.NullRef<T>(), yStride, count);
        for (nuint s = 0; s < (nuint)count; s++)
        {
            ActivationPass<T>.Apply<TShape, TActivation>(ref Unsafe.Add(ref y, s * yStride), ref Unsafe.IsNullRef(ref z) ? ref z : ref Unsafe.Add(ref z, s * yStride));
        }
    }

    /// <summary>
    /// <see cref="Backward"/> for <paramref name="count"/> samples stored with strides: adds the sum over the samples of the
    /// weight and bias gradients, and writes each sample's gradient for the layer below.
    /// </summary>
    /// <typeparam name="TShape">The layer's sizes.</typeparam>
    /// <typeparam name="TBelow">The activation of the layer below.</typeparam>
    /// <param name="w">The weights, <c>[Out][In]</c>.</param>
    /// <param name="gw">Accumulates the weight gradient.</param>
    /// <param name="gb">Accumulates the bias gradient.</param>
    /// <param name="x">The inputs: sample <c>s</c> at <c>x[s · xStride..]</c>.</param>
    /// <param name="xStride">The distance between two samples' inputs (and pre-activations below).</param>
    /// <param name="dz">dLoss/dz of this layer: sample <c>s</c> at <c>dz[s · dzStride..]</c>.</param>
    /// <param name="dzStride">The distance between two samples' dz.</param>
    /// <param name="dx">Receives dLoss/dz of the layer below: sample <c>s</c> at <c>dx[s · dxStride..]</c>; or a null reference.</param>
    /// <param name="dxStride">The distance between two samples' dx.</param>
    /// <param name="zBelow">The pre-activations of the layer below (at <paramref name="x"/>'s places), or a null reference.</param>
    /// <param name="count">The number of samples.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardBatch<TShape, TBelow>(ref T w, ref T gw, ref T gb, ref T x, nuint xStride, ref T dz, nuint dzStride, ref T dx, nuint dxStride, ref T zBelow, int count)
        where TShape : ILayerShape
        where TBelow : IActivation
    {
        if (Wide<TShape>())
        {
            DenseKernels<T, Simd512<T>, Vector512<T>>.BackwardBatch<TShape, TBelow>(ref w, ref gw, ref gb, ref x, xStride, ref dz, dzStride, ref dx, dxStride, ref zBelow, count);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.In >= Vector256<T>.Count)
        {
            DenseKernels<T, Simd256<T>, Vector256<T>>.BackwardBatch<TShape, TBelow>(ref w, ref gw, ref gb, ref x, xStride, ref dz, dzStride, ref dx, dxStride, ref zBelow, count);
        }
        else if (Vector128.IsHardwareAccelerated && TShape.In >= Vector128<T>.Count)
        {
            DenseKernels<T, Simd128<T>, Vector128<T>>.BackwardBatch<TShape, TBelow>(ref w, ref gw, ref gb, ref x, xStride, ref dz, dzStride, ref dx, dxStride, ref zBelow, count);
        }
        else
        {
            DenseKernels<T, Simd1<T>, T>.BackwardBatch<TShape, TBelow>(ref w, ref gw, ref gb, ref x, xStride, ref dz, dzStride, ref dx, dxStride, ref zBelow, count);
        }
    }

    /// <summary>
    /// Whether a layer runs at 512 bits: where they are accelerated and the layer's inputs fill a vector, except a
    /// layer of at most one vector of inputs and one of outputs (T1's 16 → 16 and 16 → 1 in float), which runs at 256
    /// bits (as the columns' form of a layer of fewer inputs than a vector takes 512 bits only for more outputs than
    /// one 512-bit vector holds: T1's 2 → 16 runs at 256 too). Such a layer is all latency: one chunk per row, the tree
    /// and the activation of one vector on the network's dependency chain; at 512 bits on Zen 4 every operation of that
    /// chain is two 256-bit halves in turn and the tree has a fourth level, where at 256 bits two vectors' chains run
    /// side by side. T1 on Zen 4 (the probe, the minimum of 7 rounds in each of 3 processes, interleaved with the old
    /// code's): <c>Forward</c> 57-70 to 49.5-52 ns, with ReLU instead of tanh 36.6-36.9 to 25.6-26.3. Every dispatcher
    /// here takes the same test, so a layer's batch gives the bits of its one sample.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Wide<TShape>()
        where TShape : ILayerShape =>
        Vector512.IsHardwareAccelerated && TShape.In >= Vector512<T>.Count && (TShape.In > Vector512<T>.Count || TShape.Out > Vector512<T>.Count);
}
