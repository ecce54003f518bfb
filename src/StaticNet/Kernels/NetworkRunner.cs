using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNet.Kernels;

/// <summary>
/// The public methods of every generated network, written once: each checks its arguments (a wrong length is an
/// <see cref="ArgumentException"/> naming the parameter, the expected and the actual length; so is a span the method
/// writes that overlaps one it reads or the parameters; TrainStep also refuses a learning rate the optimizers refuse and
/// a sample with a NaN or an infinity, see <see cref="GeneratedCodeHelpers.CheckTrainStep{T}(T, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/>), takes its scratch from the
/// stack (or, above <see cref="StackScratchLimitBytes"/>, from the thread's <see cref="ScratchBuffers{T}"/>) and runs the network's
/// composition <typeparamref name="TKernels"/>. Compiled once per network, with every size a constant.
/// </summary>
/// <typeparam name="TKernels">The network's composition.</typeparam>
/// <typeparam name="T">The scalar type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class NetworkRunner<TKernels, T>
    where TKernels : INetworkKernels<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Scratch above this many bytes per call is taken from the thread's <see cref="ScratchBuffers{T}"/> instead of the stack.</summary>
    public const int StackScratchLimitBytes = 64 * 1024;

    /// <summary>The output of one sample.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="input">One sample.</param>
    /// <param name="output">Receives the output.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Forward(Span<T> parameters, ReadOnlySpan<T> input, Span<T> output)
    {
        CheckLength(input.Length, TKernels.InputSize, nameof(input));
        CheckLength(output.Length, TKernels.OutputSize, nameof(output));
        GeneratedCodeHelpers.ThrowIfOverlapping(output, nameof(output), input, nameof(input), parameters);
        int length = TKernels.ForwardScratchLength;
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? stackalloc T[length] : (rented = ScratchBuffers<T>.Rent(length));
        TKernels.Forward(ref MemoryMarshal.GetReference(parameters), ref MemoryMarshal.GetReference(input), ref MemoryMarshal.GetReference(output), ref MemoryMarshal.GetReference(scratch));
        Return(rented);
    }

    /// <summary>The outputs of several samples stored row by row.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">The samples.</param>
    /// <param name="outputs">Receives the outputs.</param>
    public static void ForwardBatch(Span<T> parameters, ReadOnlySpan<T> inputs, Span<T> outputs) =>
        ForwardBatch<No>(parameters, parameters, inputs, outputs);

    /// <summary>The loss of one sample.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="input">One sample.</param>
    /// <param name="target">The expected output.</param>
    /// <returns>The loss.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T ComputeLoss(Span<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> target)
    {
        CheckLength(input.Length, TKernels.InputSize, nameof(input));
        CheckLength(target.Length, TKernels.OutputSize, nameof(target));
        return Backward(parameters, input, ref MemoryMarshal.GetReference(target), NoLabel, ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>());
    }

    /// <summary>The loss of one sample; adds its gradient.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="input">One sample.</param>
    /// <param name="target">The expected output.</param>
    /// <param name="gradients">Accumulates the gradient.</param>
    /// <returns>The loss.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Backward(Span<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradients)
    {
        CheckLength(input.Length, TKernels.InputSize, nameof(input));
        CheckLength(target.Length, TKernels.OutputSize, nameof(target));
        CheckLength(gradients.Length, TKernels.ParameterCount, nameof(gradients));
        GeneratedCodeHelpers.ThrowIfOverlapping(gradients, nameof(gradients), input, nameof(input), target, nameof(target), parameters);
        return Backward(parameters, input, ref MemoryMarshal.GetReference(target), NoLabel, ref MemoryMarshal.GetReference(gradients), ref Unsafe.NullRef<T>());
    }

    /// <summary>The loss of one sample; adds its gradient and writes dLoss/dInput.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="input">One sample.</param>
    /// <param name="target">The expected output.</param>
    /// <param name="gradients">Accumulates the gradient.</param>
    /// <param name="inputGradient">Receives dLoss/dInput.</param>
    /// <returns>The loss.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Backward(Span<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradients, Span<T> inputGradient)
    {
        CheckLength(input.Length, TKernels.InputSize, nameof(input));
        CheckLength(target.Length, TKernels.OutputSize, nameof(target));
        CheckLength(gradients.Length, TKernels.ParameterCount, nameof(gradients));
        CheckLength(inputGradient.Length, TKernels.InputSize, nameof(inputGradient));
        GeneratedCodeHelpers.ThrowIfOverlapping(gradients, nameof(gradients), inputGradient, nameof(inputGradient), input, nameof(input), target, nameof(target), parameters);
        return Backward(parameters, input, ref MemoryMarshal.GetReference(target), NoLabel, ref MemoryMarshal.GetReference(gradients), ref MemoryMarshal.GetReference(inputGradient));
    }

    /// <summary>One SGD step on one sample.</summary>
    /// <param name="parameters">The network's parameters, updated.</param>
    /// <param name="input">One sample.</param>
    /// <param name="target">The expected output.</param>
    /// <param name="learningRate">The step size.</param>
    /// <returns>The loss before the step.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T TrainStep(Span<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> target, T learningRate)
    {
        CheckLength(input.Length, TKernels.InputSize, nameof(input));
        CheckLength(target.Length, TKernels.OutputSize, nameof(target));
        GeneratedCodeHelpers.CheckTrainStep(learningRate, input, target, parameters);
        return TrainStep(parameters, input, ref MemoryMarshal.GetReference(target), NoLabel, learningRate);
    }

    /// <summary>The mean loss of a batch; adds the mean gradient.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">The samples.</param>
    /// <param name="targets">The expected outputs.</param>
    /// <param name="gradients">Accumulates the mean gradient.</param>
    /// <returns>The mean loss, 0 for an empty batch.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static T BackwardBatch(Span<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradients)
    {
        int count = SampleCount(inputs.Length, nameof(inputs));
        CheckLength(targets.Length, (long)count * TKernels.OutputSize, nameof(targets));
        CheckLength(gradients.Length, TKernels.ParameterCount, nameof(gradients));
        GeneratedCodeHelpers.ThrowIfOverlapping(gradients, nameof(gradients), inputs, nameof(inputs), targets, nameof(targets), parameters);
        if (count == 0)
        {
            return T.Zero;
        }

        int length = TKernels.BatchScratchLength;
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? stackalloc T[length] : (rented = ScratchBuffers<T>.Rent(length));
        ref T t = ref MemoryMarshal.GetReference(targets);
        T scale = T.One / T.CreateTruncating(count);
        T loss = T.Zero;
        for (int start = 0; start < count; start += TKernels.BatchBlock)
        {
            int block = Math.Min(TKernels.BatchBlock, count - start);
            loss += BackwardBlock(parameters, inputs, gradients, ref Unsafe.Add(ref t, (nint)start * TKernels.OutputSize), start, block, scale, scratch);
        }

        Return(rented);
        return loss * scale;
    }

    /// <summary>The index of the largest output of one sample.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="input">One sample.</param>
    /// <returns>The class.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static int Predict(Span<T> parameters, ReadOnlySpan<T> input)
    {
        CheckLength(input.Length, TKernels.InputSize, nameof(input));
        int length = TKernels.ForwardScratchLength + TKernels.OutputSize;
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? stackalloc T[length] : (rented = ScratchBuffers<T>.Rent(length));
        ref T y = ref scratch[TKernels.ForwardScratchLength];
        TKernels.Forward(ref MemoryMarshal.GetReference(parameters), ref MemoryMarshal.GetReference(input), ref y, ref MemoryMarshal.GetReference(scratch));
        int best = Outputs.ArgMax(MemoryMarshal.CreateReadOnlySpan(ref y, TKernels.OutputSize));
        Return(rented);
        return best;
    }

    /// <summary>
    /// The packed copy of <paramref name="parameters"/> for a network's inference snapshot: a new 64-byte aligned array (the
    /// copy is <c>array[offset..][..PackedLength]</c>).
    /// </summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="offset">Receives where the copy starts in the array.</param>
    /// <returns>The array.</returns>
    public static T[] Pack(ReadOnlySpan<T> parameters, out int offset)
    {
        CheckLength(parameters.Length, TKernels.ParameterCount, nameof(parameters));
        T[] packed = GeneratedCodeHelpers.AllocateParameters<T>(TKernels.PackedLength, out offset);
        TKernels.Pack(ref MemoryMarshal.GetReference(parameters), ref packed[offset]);
        return packed;
    }

    /// <summary>The output of one sample from a packed copy of the parameters (<see cref="Pack"/>).</summary>
    /// <param name="packed">The packed copy.</param>
    /// <param name="input">One sample.</param>
    /// <param name="output">Receives the output.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void ForwardPacked(ReadOnlySpan<T> packed, ReadOnlySpan<T> input, Span<T> output)
    {
        CheckLength(input.Length, TKernels.InputSize, nameof(input));
        CheckLength(output.Length, TKernels.OutputSize, nameof(output));
        GeneratedCodeHelpers.ThrowIfOverlapping(output, nameof(output), input, nameof(input), default);
        int length = TKernels.ForwardScratchLength;
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? stackalloc T[length] : (rented = ScratchBuffers<T>.Rent(length));
        TKernels.ForwardPacked(ref MemoryMarshal.GetReference(packed), ref MemoryMarshal.GetReference(input), ref MemoryMarshal.GetReference(output), ref MemoryMarshal.GetReference(scratch));
        Return(rented);
    }

    /// <summary>
    /// The outputs of several samples stored row by row, from a packed copy of the parameters: each sample's outputs to the
    /// bit those of <see cref="ForwardPacked"/>.
    /// </summary>
    /// <param name="packed">The packed copy.</param>
    /// <param name="inputs">The samples.</param>
    /// <param name="outputs">Receives the outputs.</param>
    public static void ForwardPackedBatch(ReadOnlySpan<T> packed, ReadOnlySpan<T> inputs, Span<T> outputs) =>
        ForwardBatch<Yes>(packed, default, inputs, outputs);

    /// <summary>
    /// The samples in blocks of <see cref="INetworkKernels{T}.BatchBlock"/>, each block layer by layer, from the
    /// parameters or (<typeparamref name="TPacked"/>) a packed copy, whose array no span of the caller's can overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void ForwardBatch<TPacked>(ReadOnlySpan<T> weights, Span<T> parameters, ReadOnlySpan<T> inputs, Span<T> outputs)
        where TPacked : IFlag
    {
        int count = SampleCount(inputs.Length, nameof(inputs));
        CheckLength(outputs.Length, (long)count * TKernels.OutputSize, nameof(outputs));
        GeneratedCodeHelpers.ThrowIfOverlapping(outputs, nameof(outputs), inputs, nameof(inputs), parameters);
        int length = TKernels.BatchScratchLength;
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? stackalloc T[length] : (rented = ScratchBuffers<T>.Rent(length));
        ref T p = ref MemoryMarshal.GetReference(weights);
        ref T x = ref MemoryMarshal.GetReference(inputs);
        ref T y = ref MemoryMarshal.GetReference(outputs);
        for (int start = 0; start < count; start += TKernels.BatchBlock)
        {
            int block = Math.Min(TKernels.BatchBlock, count - start);
            ref T xBlock = ref Unsafe.Add(ref x, (nint)start * TKernels.InputSize);
            ref T yBlock = ref Unsafe.Add(ref y, (nint)start * TKernels.OutputSize);
            if (TPacked.Value)
            {
                TKernels.ForwardPackedBatch(ref p, ref xBlock, ref yBlock, block, ref MemoryMarshal.GetReference(scratch));
            }
            else
            {
                TKernels.ForwardBatch(ref p, ref xBlock, ref yBlock, block, ref MemoryMarshal.GetReference(scratch));
            }
        }

        Return(rented);
    }

    /// <summary>The predicted class of one sample from a packed copy of the parameters (<see cref="Pack"/>).</summary>
    /// <param name="packed">The packed copy.</param>
    /// <param name="input">One sample.</param>
    /// <returns>The index of the largest output.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static int PredictPacked(ReadOnlySpan<T> packed, ReadOnlySpan<T> input)
    {
        CheckLength(input.Length, TKernels.InputSize, nameof(input));
        int length = TKernels.ForwardScratchLength + TKernels.OutputSize;
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? stackalloc T[length] : (rented = ScratchBuffers<T>.Rent(length));
        ref T y = ref scratch[TKernels.ForwardScratchLength];
        TKernels.ForwardPacked(ref MemoryMarshal.GetReference(packed), ref MemoryMarshal.GetReference(input), ref y, ref MemoryMarshal.GetReference(scratch));
        int best = Outputs.ArgMax(MemoryMarshal.CreateReadOnlySpan(ref y, TKernels.OutputSize));
        Return(rented);
        return best;
    }

    /// <summary>The loss of one sample of class <paramref name="label"/>.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="input">One sample.</param>
    /// <param name="label">The class.</param>
    /// <returns>The loss.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static T ComputeLoss(Span<T> parameters, ReadOnlySpan<T> input, int label)
    {
        CheckLength(input.Length, TKernels.InputSize, nameof(input));
        CheckLabel(label);
        return Backward(parameters, input, ref Unsafe.NullRef<T>(), label, ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>());
    }

    /// <summary>The loss of one sample of class <paramref name="label"/>; adds its gradient.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="input">One sample.</param>
    /// <param name="label">The class.</param>
    /// <param name="gradients">Accumulates the gradient.</param>
    /// <returns>The loss.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static T Backward(Span<T> parameters, ReadOnlySpan<T> input, int label, Span<T> gradients)
    {
        CheckLength(input.Length, TKernels.InputSize, nameof(input));
        CheckLabel(label);
        CheckLength(gradients.Length, TKernels.ParameterCount, nameof(gradients));
        GeneratedCodeHelpers.ThrowIfOverlapping(gradients, nameof(gradients), input, nameof(input), parameters);
        return Backward(parameters, input, ref Unsafe.NullRef<T>(), label, ref MemoryMarshal.GetReference(gradients), ref Unsafe.NullRef<T>());
    }

    /// <summary>One SGD step on one sample of class <paramref name="label"/>.</summary>
    /// <param name="parameters">The network's parameters, updated.</param>
    /// <param name="input">One sample.</param>
    /// <param name="label">The class.</param>
    /// <param name="learningRate">The step size.</param>
    /// <returns>The loss before the step.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static T TrainStep(Span<T> parameters, ReadOnlySpan<T> input, int label, T learningRate)
    {
        CheckLength(input.Length, TKernels.InputSize, nameof(input));
        CheckLabel(label);
        GeneratedCodeHelpers.CheckTrainStep(learningRate, input, parameters);
        return TrainStep(parameters, input, ref Unsafe.NullRef<T>(), label, learningRate);
    }

    /// <summary>The mean loss of a batch of classes; adds the mean gradient. Every label is checked before anything changes.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">The samples.</param>
    /// <param name="labels">The class of each sample.</param>
    /// <param name="gradients">Accumulates the mean gradient.</param>
    /// <returns>The mean loss, 0 for an empty batch.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static T BackwardBatch(Span<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, Span<T> gradients)
    {
        int count = SampleCount(inputs.Length, nameof(inputs));
        CheckLength(labels.Length, count, nameof(labels));
        CheckLength(gradients.Length, TKernels.ParameterCount, nameof(gradients));
        GeneratedCodeHelpers.ThrowIfOverlapping(gradients, nameof(gradients), inputs, nameof(inputs), labels, nameof(labels), parameters);
        foreach (int label in labels)
        {
            CheckLabel(label);
        }

        if (count == 0)
        {
            return T.Zero;
        }

        int length = TKernels.BatchScratchLength + (TKernels.BatchBlock * TKernels.OutputSize);
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? stackalloc T[length] : (rented = ScratchBuffers<T>.Rent(length));
        Span<T> targets = scratch.Slice(TKernels.BatchScratchLength, TKernels.BatchBlock * TKernels.OutputSize);
        T scale = T.One / T.CreateTruncating(count);
        T loss = T.Zero;
        for (int start = 0; start < count; start += TKernels.BatchBlock)
        {
            int block = Math.Min(TKernels.BatchBlock, count - start);
            targets.Clear();
            for (int s = 0; s < block; s++)
            {
                targets[(s * TKernels.OutputSize) + labels[start + s]] = T.One;
            }

            loss += BackwardBlock(parameters, inputs, gradients, ref MemoryMarshal.GetReference(targets), start, block, scale, scratch);
        }

        Return(rented);
        return loss * scale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T BackwardBlock(Span<T> parameters, ReadOnlySpan<T> inputs, Span<T> gradients, ref T targets, int start, int block, T scale, Span<T> scratch) =>
        TKernels.BackwardBatch(
            ref MemoryMarshal.GetReference(parameters),
            ref MemoryMarshal.GetReference(gradients),
            ref Unsafe.Add(ref MemoryMarshal.GetReference(inputs), (nint)start * TKernels.InputSize),
            ref targets,
            block,
            scale,
            ref MemoryMarshal.GetReference(scratch));

    /// <summary>Marks a call without a label: the target is given.</summary>
    private const int NoLabel = -1;

    /// <summary>
    /// Backward with the target given, or one-hot at <paramref name="label"/> (written after the scratch) unless it is
    /// <see cref="NoLabel"/>. A method of its own, compiled fully optimised at its first call (its stackalloc keeps it from
    /// being inlined, and it must not start unoptimised under tiered compilation).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static T Backward(Span<T> parameters, ReadOnlySpan<T> input, ref T target, int label, ref T gradients, ref T inputGradient)
    {
        int length = TKernels.TrainScratchLength + TKernels.OutputSize;
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? stackalloc T[length] : (rented = ScratchBuffers<T>.Rent(length));
        ref T t = ref label == NoLabel ? ref target : ref OneHot(scratch, label);
        T loss = TKernels.Backward(ref MemoryMarshal.GetReference(parameters), ref gradients, ref MemoryMarshal.GetReference(input), ref t, ref inputGradient, ref MemoryMarshal.GetReference(scratch));
        Return(rented);
        return loss;
    }

    /// <summary>
    /// TrainStep with the target given, or one-hot at <paramref name="label"/> (written after the scratch) unless it is
    /// <see cref="NoLabel"/>. A method of its own, compiled fully optimised at its first call, as Backward.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static T TrainStep(Span<T> parameters, ReadOnlySpan<T> input, ref T target, int label, T learningRate)
    {
        int length = TKernels.TrainScratchLength + TKernels.OutputSize;
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? stackalloc T[length] : (rented = ScratchBuffers<T>.Rent(length));
        ref T t = ref label == NoLabel ? ref target : ref OneHot(scratch, label);
        T loss = TKernels.TrainStep(ref MemoryMarshal.GetReference(parameters), ref MemoryMarshal.GetReference(input), ref t, learningRate, ref MemoryMarshal.GetReference(scratch));
        Return(rented);
        return loss;
    }

    /// <summary>A one-hot row at <paramref name="label"/> in the <c>OutputSize</c> elements after the training scratch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref T OneHot(Span<T> scratch, int label)
    {
        Span<T> target = scratch.Slice(TKernels.TrainScratchLength, TKernels.OutputSize);
        target.Clear();
        target[label] = T.One;
        return ref MemoryMarshal.GetReference(target);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool OnStack(int length) => (long)length * Unsafe.SizeOf<T>() <= StackScratchLimitBytes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Return(T[]? rented)
    {
        if (rented is not null)
        {
            ScratchBuffers<T>.Return(rented);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckLength(int actual, long expected, string name)
    {
        if (actual != expected)
        {
            GeneratedCodeHelpers.ThrowLengthMismatch(name, expected, actual);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckLabel(int label)
    {
        if ((uint)label >= (uint)TKernels.OutputSize)
        {
            GeneratedCodeHelpers.ThrowLabelOutOfRange(label, TKernels.OutputSize);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SampleCount(int length, string name)
    {
        int count = length / TKernels.InputSize;
        if (length != count * TKernels.InputSize)
        {
            GeneratedCodeHelpers.ThrowNotMultiple(name, TKernels.InputSize, length);
        }

        return count;
    }
}
