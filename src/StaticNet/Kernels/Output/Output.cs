using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticNet.Kernels;

/// <summary>
/// The output row of a network, as generated networks call it: softmax and the losses with their fused gradients, over the
/// <c>TShape.Out</c> outputs of the last layer, at the widest accelerated vector that the outputs fill.
/// </summary>
/// <typeparam name="T">The scalar type, <see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
[SkipLocalsInit]
public static class Output<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Softmax over the <c>TShape.Out</c> values of <paramref name="y"/>, in place.</summary>
    /// <typeparam name="TShape">The output layer's sizes.</typeparam>
    /// <param name="y">The logits; receives the probabilities.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static void Softmax<TShape>(ref T y)
        where TShape : ILayerShape
    {
        if (Vector512.IsHardwareAccelerated && TShape.Out >= Vector512<T>.Count)
        {
            OutputKernels<T, Simd512<T>, Vector512<T>>.Softmax<TShape>(ref y);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count)
        {
            OutputKernels<T, Simd256<T>, Vector256<T>>.Softmax<TShape>(ref y);
        }
        else if (Vector128.IsHardwareAccelerated && TShape.Out >= Vector128<T>.Count)
        {
            OutputKernels<T, Simd128<T>, Vector128<T>>.Softmax<TShape>(ref y);
        }
        else
        {
            SoftmaxOfFew<TShape>(ref y);
        }
    }

    /// <summary>
    /// <see cref="Softmax"/> of fewer outputs than any vector has lanes, a method of its own: the JIT charges the
    /// dispatcher for every width's kernel it imports, before it finds the branches not taken, and with this one inlined
    /// too the budget ran out (a 3-output softmax at 512 bits left scalar operations as calls).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void SoftmaxOfFew<TShape>(ref T y)
        where TShape : ILayerShape => OutputKernels<T, Simd1<T>, T>.Softmax<TShape>(ref y);

    /// <summary>
    /// The mean squared error of the output <paramref name="y"/> against <paramref name="t"/>; writes
    /// <c>scale · dLoss/dz</c> of the output layer (through its activation <typeparamref name="TActivation"/>) into <paramref name="dz"/>.
    /// </summary>
    /// <typeparam name="TShape">The output layer's sizes.</typeparam>
    /// <typeparam name="TActivation">The output layer's activation.</typeparam>
    /// <param name="y">The output.</param>
    /// <param name="z">The output layer's pre-activation where its activation's gradient reads it, else a null reference.</param>
    /// <param name="t">The target.</param>
    /// <param name="dz">Receives the scaled gradient.</param>
    /// <param name="scale">The factor of the gradient (1, or 1/n for the mean over a batch).</param>
    /// <returns>The loss.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static T MeanSquaredError<TShape, TActivation>(ref T y, ref T z, ref T t, ref T dz, T scale)
        where TShape : ILayerShape
        where TActivation : IActivation
    {
        if (Vector512.IsHardwareAccelerated && TShape.Out >= Vector512<T>.Count)
        {
            return OutputKernels<T, Simd512<T>, Vector512<T>>.MeanSquaredError<TShape, TActivation>(ref y, ref z, ref t, ref dz, scale);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count)
        {
            return OutputKernels<T, Simd256<T>, Vector256<T>>.MeanSquaredError<TShape, TActivation>(ref y, ref z, ref t, ref dz, scale);
        }
        else if (Vector128.IsHardwareAccelerated && TShape.Out >= Vector128<T>.Count)
        {
            return OutputKernels<T, Simd128<T>, Vector128<T>>.MeanSquaredError<TShape, TActivation>(ref y, ref z, ref t, ref dz, scale);
        }

        return OutputKernels<T, Simd1<T>, T>.MeanSquaredError<TShape, TActivation>(ref y, ref z, ref t, ref dz, scale);
    }

    /// <summary>The mean squared error over a softmax output, and <c>scale · dLoss/dz</c> through softmax.</summary>
    /// <typeparam name="TShape">The output layer's sizes.</typeparam>
    /// <param name="y">The output (probabilities).</param>
    /// <param name="t">The target.</param>
    /// <param name="dz">Receives the scaled gradient.</param>
    /// <param name="scale">The factor of the gradient.</param>
    /// <returns>The loss.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static T SoftmaxMeanSquaredError<TShape>(ref T y, ref T t, ref T dz, T scale)
        where TShape : ILayerShape
    {
        if (Vector512.IsHardwareAccelerated && TShape.Out >= Vector512<T>.Count)
        {
            return OutputKernels<T, Simd512<T>, Vector512<T>>.SoftmaxMeanSquaredError<TShape>(ref y, ref t, ref dz, scale);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count)
        {
            return OutputKernels<T, Simd256<T>, Vector256<T>>.SoftmaxMeanSquaredError<TShape>(ref y, ref t, ref dz, scale);
        }
        else if (Vector128.IsHardwareAccelerated && TShape.Out >= Vector128<T>.Count)
        {
            return OutputKernels<T, Simd128<T>, Vector128<T>>.SoftmaxMeanSquaredError<TShape>(ref y, ref t, ref dz, scale);
        }

        return OutputKernels<T, Simd1<T>, T>.SoftmaxMeanSquaredError<TShape>(ref y, ref t, ref dz, scale);
    }

    /// <summary>The cross-entropy of a softmax output, and the fused <c>scale · (p Σt - t)</c>.</summary>
    /// <typeparam name="TShape">The output layer's sizes.</typeparam>
    /// <param name="y">The output (probabilities).</param>
    /// <param name="t">The target.</param>
    /// <param name="dz">Receives the scaled gradient.</param>
    /// <param name="scale">The factor of the gradient.</param>
    /// <returns>The loss.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static T SoftmaxCrossEntropy<TShape>(ref T y, ref T t, ref T dz, T scale)
        where TShape : ILayerShape
    {
        if (Vector512.IsHardwareAccelerated && TShape.Out >= Vector512<T>.Count)
        {
            return OutputKernels<T, Simd512<T>, Vector512<T>>.SoftmaxCrossEntropy<TShape>(ref y, ref t, ref dz, scale);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count)
        {
            return OutputKernels<T, Simd256<T>, Vector256<T>>.SoftmaxCrossEntropy<TShape>(ref y, ref t, ref dz, scale);
        }
        else if (Vector128.IsHardwareAccelerated && TShape.Out >= Vector128<T>.Count)
        {
            return OutputKernels<T, Simd128<T>, Vector128<T>>.SoftmaxCrossEntropy<TShape>(ref y, ref t, ref dz, scale);
        }

        return OutputKernels<T, Simd1<T>, T>.SoftmaxCrossEntropy<TShape>(ref y, ref t, ref dz, scale);
    }

    /// <summary>The binary cross-entropy of a sigmoid output, and the fused <c>scale · (p - t) / n</c>.</summary>
    /// <typeparam name="TShape">The output layer's sizes.</typeparam>
    /// <param name="y">The output (probabilities).</param>
    /// <param name="t">The target.</param>
    /// <param name="dz">Receives the scaled gradient.</param>
    /// <param name="scale">The factor of the gradient.</param>
    /// <returns>The loss.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static T SigmoidBinaryCrossEntropy<TShape>(ref T y, ref T t, ref T dz, T scale)
        where TShape : ILayerShape
    {
        if (Vector512.IsHardwareAccelerated && TShape.Out >= Vector512<T>.Count)
        {
            return OutputKernels<T, Simd512<T>, Vector512<T>>.SigmoidBinaryCrossEntropy<TShape>(ref y, ref t, ref dz, scale);
        }
        else if (Vector256.IsHardwareAccelerated && TShape.Out >= Vector256<T>.Count)
        {
            return OutputKernels<T, Simd256<T>, Vector256<T>>.SigmoidBinaryCrossEntropy<TShape>(ref y, ref t, ref dz, scale);
        }
        else if (Vector128.IsHardwareAccelerated && TShape.Out >= Vector128<T>.Count)
        {
            return OutputKernels<T, Simd128<T>, Vector128<T>>.SigmoidBinaryCrossEntropy<TShape>(ref y, ref t, ref dz, scale);
        }

        return OutputKernels<T, Simd1<T>, T>.SigmoidBinaryCrossEntropy<TShape>(ref y, ref t, ref dz, scale);
    }

    /// <summary>The index of the largest of the <c>TShape.Out</c> values (the first on a tie; 0 when every value is NaN).</summary>
    /// <typeparam name="TShape">The output layer's sizes.</typeparam>
    /// <param name="y">The values.</param>
    /// <returns>The index.</returns>
    public static int ArgMax<TShape>(ref T y)
        where TShape : ILayerShape => Outputs.ArgMax(MemoryMarshal.CreateReadOnlySpan(ref y, TShape.Out));

    /// <summary>Writes rows of <c>TShape.Out</c> values, one-hot at each of <paramref name="count"/> labels, and returns them.</summary>
    /// <typeparam name="TShape">The output layer's sizes.</typeparam>
    /// <param name="rows">Receives the rows.</param>
    /// <param name="labels">The labels, each in [0, Out) (checked by the caller).</param>
    /// <param name="count">The number of rows.</param>
    /// <returns><paramref name="rows"/>.</returns>
    public static ref T OneHot<TShape>(ref T rows, ref int labels, int count)
        where TShape : ILayerShape
    {
        System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref rows, count * TShape.Out).Clear();
        for (int s = 0; s < count; s++)
        {
            Unsafe.Add(ref rows, (s * TShape.Out) + Unsafe.Add(ref labels, s)) = T.One;
        }

        return ref rows;
    }
}

/// <summary>The arg-max of a row of outputs, as the runner's <c>Predict</c>, <see cref="Output{T}"/> and the trainer's accuracy take it.</summary>
internal static class Outputs
{
    /// <summary>The index of the largest of <paramref name="values"/> (the first on a tie; 0 when every value is NaN).</summary>
    /// <typeparam name="T">The scalar type.</typeparam>
    /// <param name="values">The values, at least one.</param>
    /// <returns>The index.</returns>
    internal static int ArgMax<T>(ReadOnlySpan<T> values)
        where T : IFloatingPointIeee754<T>
    {
        int best = 0;
        T max = values[0];
        for (int j = 1; j < values.Length; j++)
        {
            if (values[j] > max)
            {
                max = values[j];
                best = j;
            }
        }

        return best;
    }
}
