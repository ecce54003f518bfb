using System;
using System.ComponentModel;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticNet.Kernels;

/// <summary>
/// The public methods of every generated sequence network, written once: each checks its arguments (a wrong length is an
/// <see cref="ArgumentException"/> naming the parameter, the expected and the actual length; so is a span the method writes
/// that overlaps one it reads or the parameters), takes its scratch from the stack (or, above
/// <see cref="StackScratchLimitBytes"/>, from the thread's <see cref="ScratchBuffers{T}"/>) and runs the network's composition
/// <typeparamref name="TKernels"/>. Compiled once per network, with every size a constant.
/// </summary>
/// <typeparam name="TKernels">The network's composition.</typeparam>
/// <typeparam name="T">The scalar type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SequenceRunner<TKernels, T>
    where TKernels : ISequenceKernels<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Scratch above this many bytes per call is taken from the thread's <see cref="ScratchBuffers{T}"/> instead of the stack.</summary>
    public const int StackScratchLimitBytes = 64 * 1024;

    /// <summary>One frame.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="state">The streaming state, read and advanced.</param>
    /// <param name="input">One frame.</param>
    /// <param name="output">Receives the output frame.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void Step(Span<T> parameters, Span<T> state, ReadOnlySpan<T> input, Span<T> output)
    {
        CheckLength(state.Length, TKernels.StateSize, nameof(state));
        CheckLength(input.Length, TKernels.InputSize, nameof(input));
        CheckLength(output.Length, TKernels.OutputSize, nameof(output));
        GeneratedCodeHelpers.ThrowIfOverlapping(output, nameof(output), input, nameof(input), state, nameof(state), parameters, "Parameters");
        GeneratedCodeHelpers.ThrowIfOverlapping(state, nameof(state), input, nameof(input), parameters);
        int length = TKernels.StepScratchLength;
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? stackalloc T[length] : (rented = ScratchBuffers<T>.Rent(length));
        TKernels.Step(
            ref MemoryMarshal.GetReference(parameters),
            ref MemoryMarshal.GetReference(state),
            ref MemoryMarshal.GetReference(input),
            ref MemoryMarshal.GetReference(output),
            ref MemoryMarshal.GetReference(scratch));
        Return(rented);
    }

    /// <summary>A whole sequence from the zero state: what as many <see cref="Step"/> calls give.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">The frames.</param>
    /// <param name="outputs">Receives the output frames.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(Span<T> parameters, ReadOnlySpan<T> inputs, Span<T> outputs)
    {
        int frames = FrameCount(inputs.Length, nameof(inputs));
        CheckLength(outputs.Length, (long)frames * TKernels.OutputSize, nameof(outputs));
        GeneratedCodeHelpers.ThrowIfOverlapping(outputs, nameof(outputs), inputs, nameof(inputs), parameters);
        Run(parameters, inputs, outputs, frames);
    }

    /// <summary>Several sequences of <paramref name="sequenceLength"/> frames, one after another, each from the zero state.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">The sequences.</param>
    /// <param name="outputs">Receives their output frames.</param>
    /// <param name="sequenceLength">The number of frames of each sequence.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardBatch(Span<T> parameters, ReadOnlySpan<T> inputs, Span<T> outputs, int sequenceLength)
    {
        int count = SequenceCount(inputs.Length, sequenceLength);
        CheckLength(outputs.Length, (long)count * sequenceLength * TKernels.OutputSize, nameof(outputs));
        GeneratedCodeHelpers.ThrowIfOverlapping(outputs, nameof(outputs), inputs, nameof(inputs), parameters);
        int inputLength = sequenceLength * TKernels.InputSize;
        int outputLength = sequenceLength * TKernels.OutputSize;
        for (int s = 0; s < count; s++)
        {
            Run(parameters, inputs.Slice(s * inputLength, inputLength), outputs.Slice(s * outputLength, outputLength), sequenceLength);
        }
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

    /// <summary>One frame from a packed copy of the parameters (<see cref="Pack"/>).</summary>
    /// <param name="packed">The packed copy.</param>
    /// <param name="state">The streaming state, read and advanced.</param>
    /// <param name="input">One frame.</param>
    /// <param name="output">Receives the output frame.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    public static void StepPacked(ReadOnlySpan<T> packed, Span<T> state, ReadOnlySpan<T> input, Span<T> output)
    {
        CheckLength(state.Length, TKernels.StateSize, nameof(state));
        CheckLength(input.Length, TKernels.InputSize, nameof(input));
        CheckLength(output.Length, TKernels.OutputSize, nameof(output));
        GeneratedCodeHelpers.ThrowIfOverlapping(output, nameof(output), input, nameof(input), (ReadOnlySpan<T>)state, nameof(state), default);
        GeneratedCodeHelpers.ThrowIfOverlapping(state, nameof(state), input, nameof(input), default);
        int length = TKernels.PackedStepScratchLength;
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? stackalloc T[length] : (rented = ScratchBuffers<T>.Rent(length));
        TKernels.StepPacked(
            ref MemoryMarshal.GetReference(packed),
            ref MemoryMarshal.GetReference(state),
            ref MemoryMarshal.GetReference(input),
            ref MemoryMarshal.GetReference(output),
            ref MemoryMarshal.GetReference(scratch));
        Return(rented);
    }

    /// <summary>A whole sequence from the zero state, from a packed copy of the parameters: what as many <see cref="StepPacked"/> calls give.</summary>
    /// <param name="packed">The packed copy.</param>
    /// <param name="inputs">The frames.</param>
    /// <param name="outputs">Receives the output frames.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardPacked(ReadOnlySpan<T> packed, ReadOnlySpan<T> inputs, Span<T> outputs)
    {
        int frames = FrameCount(inputs.Length, nameof(inputs));
        CheckLength(outputs.Length, (long)frames * TKernels.OutputSize, nameof(outputs));
        GeneratedCodeHelpers.ThrowIfOverlapping(outputs, nameof(outputs), inputs, nameof(inputs), default);
        RunPacked(packed, inputs, outputs, frames);
    }

    /// <summary>Several sequences of <paramref name="sequenceLength"/> frames, each from the zero state, from a packed copy of the parameters.</summary>
    /// <param name="packed">The packed copy.</param>
    /// <param name="inputs">The sequences.</param>
    /// <param name="outputs">Receives their output frames.</param>
    /// <param name="sequenceLength">The number of frames of each sequence.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardPackedBatch(ReadOnlySpan<T> packed, ReadOnlySpan<T> inputs, Span<T> outputs, int sequenceLength)
    {
        int count = SequenceCount(inputs.Length, sequenceLength);
        CheckLength(outputs.Length, (long)count * sequenceLength * TKernels.OutputSize, nameof(outputs));
        GeneratedCodeHelpers.ThrowIfOverlapping(outputs, nameof(outputs), inputs, nameof(inputs), default);
        int inputLength = sequenceLength * TKernels.InputSize;
        int outputLength = sequenceLength * TKernels.OutputSize;
        for (int s = 0; s < count; s++)
        {
            RunPacked(packed, inputs.Slice(s * inputLength, inputLength), outputs.Slice(s * outputLength, outputLength), sequenceLength);
        }
    }

    /// <summary>The loss of a sequence.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">The frames.</param>
    /// <param name="targets">The target of every frame.</param>
    /// <returns>The loss.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T ComputeLoss(Span<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets)
    {
        int frames = FrameCount(inputs.Length, nameof(inputs));
        CheckLength(targets.Length, (long)frames * TKernels.OutputSize, nameof(targets));
        return Backward(parameters, inputs, targets, ref Unsafe.NullRef<T>(), ref Unsafe.NullRef<T>(), frames, T.One);
    }

    /// <summary>The loss of a sequence; adds its gradient.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">The frames.</param>
    /// <param name="targets">The target of every frame.</param>
    /// <param name="gradients">Accumulates the gradient.</param>
    /// <returns>The loss.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Backward(Span<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradients)
    {
        int frames = FrameCount(inputs.Length, nameof(inputs));
        CheckLength(targets.Length, (long)frames * TKernels.OutputSize, nameof(targets));
        CheckLength(gradients.Length, TKernels.ParameterCount, nameof(gradients));
        GeneratedCodeHelpers.ThrowIfOverlapping(gradients, nameof(gradients), inputs, nameof(inputs), targets, nameof(targets), parameters);
        return Backward(parameters, inputs, targets, ref MemoryMarshal.GetReference(gradients), ref Unsafe.NullRef<T>(), frames, T.One);
    }

    /// <summary>The loss of a sequence; adds its gradient and writes dLoss/dInputs.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">The frames.</param>
    /// <param name="targets">The target of every frame.</param>
    /// <param name="gradients">Accumulates the gradient.</param>
    /// <param name="inputGradients">Receives dLoss/dInputs.</param>
    /// <returns>The loss.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Backward(Span<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradients, Span<T> inputGradients)
    {
        int frames = FrameCount(inputs.Length, nameof(inputs));
        CheckLength(targets.Length, (long)frames * TKernels.OutputSize, nameof(targets));
        CheckLength(gradients.Length, TKernels.ParameterCount, nameof(gradients));
        CheckLength(inputGradients.Length, inputs.Length, nameof(inputGradients));
        GeneratedCodeHelpers.ThrowIfOverlapping(gradients, nameof(gradients), inputGradients, nameof(inputGradients), inputs, nameof(inputs), targets, nameof(targets), parameters);
        return Backward(parameters, inputs, targets, ref MemoryMarshal.GetReference(gradients), ref MemoryMarshal.GetReference(inputGradients), frames, T.One);
    }

    /// <summary>One SGD step on one sequence.</summary>
    /// <param name="parameters">The network's parameters, updated.</param>
    /// <param name="inputs">The frames.</param>
    /// <param name="targets">The target of every frame.</param>
    /// <param name="learningRate">The step size.</param>
    /// <returns>The loss before the step.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T TrainStep(Span<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate)
    {
        int frames = FrameCount(inputs.Length, nameof(inputs));
        CheckLength(targets.Length, (long)frames * TKernels.OutputSize, nameof(targets));
        GeneratedCodeHelpers.CheckSequenceTrainStep(learningRate, inputs, targets, parameters);
        T[] gradient = ScratchBuffers<T>.Rent(TKernels.ParameterCount);
        Span<T> g = gradient.AsSpan(0, TKernels.ParameterCount);
        g.Clear();
        T loss = Backward(parameters, inputs, targets, ref MemoryMarshal.GetReference(g), ref Unsafe.NullRef<T>(), frames, T.One);
        TensorPrimitives.MultiplyAdd(g, -learningRate, parameters, parameters);
        ScratchBuffers<T>.Return(gradient);
        return loss;
    }

    /// <summary>The mean loss of several sequences of one length; adds the mean gradient.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">The sequences, one after another.</param>
    /// <param name="targets">The targets of every frame, sequence after sequence.</param>
    /// <param name="gradients">Accumulates the mean gradient.</param>
    /// <param name="sequenceLength">The number of frames of each sequence.</param>
    /// <returns>The mean loss, 0 for no sequence.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T BackwardBatch(Span<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradients, int sequenceLength)
    {
        int count = SequenceCount(inputs.Length, sequenceLength);
        CheckLength(targets.Length, (long)count * sequenceLength * TKernels.OutputSize, nameof(targets));
        CheckLength(gradients.Length, TKernels.ParameterCount, nameof(gradients));
        GeneratedCodeHelpers.ThrowIfOverlapping(gradients, nameof(gradients), inputs, nameof(inputs), targets, nameof(targets), parameters);
        if (count == 0)
        {
            return T.Zero;
        }

        int inputLength = sequenceLength * TKernels.InputSize;
        int targetLength = sequenceLength * TKernels.OutputSize;
        T scale = T.One / T.CreateTruncating(count);
        T loss = T.Zero;
        for (int s = 0; s < count; s++)
        {
            loss += Backward(parameters, inputs.Slice(s * inputLength, inputLength), targets.Slice(s * targetLength, targetLength),
                ref MemoryMarshal.GetReference(gradients), ref Unsafe.NullRef<T>(), sequenceLength, scale);
        }

        return loss * scale;
    }

    /// <summary>The frames through <see cref="ISequenceKernels{T}.Step"/> from the zero state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Run(Span<T> parameters, ReadOnlySpan<T> inputs, Span<T> outputs, int frames)
    {
        int length = TKernels.StateSize + TKernels.StepScratchLength;
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? stackalloc T[length] : (rented = ScratchBuffers<T>.Rent(length));
        scratch.Slice(0, TKernels.StateSize).Clear();
        ref T p = ref MemoryMarshal.GetReference(parameters);
        ref T state = ref MemoryMarshal.GetReference(scratch);
        ref T stepScratch = ref Unsafe.Add(ref state, TKernels.StateSize);
        ref T x = ref MemoryMarshal.GetReference(inputs);
        ref T y = ref MemoryMarshal.GetReference(outputs);
        for (nint t = 0; t < frames; t++)
        {
            TKernels.Step(ref p, ref state, ref Unsafe.Add(ref x, t * TKernels.InputSize), ref Unsafe.Add(ref y, t * TKernels.OutputSize), ref stepScratch);
        }

        Return(rented);
    }

    /// <summary>The frames through <see cref="ISequenceKernels{T}.StepPacked"/> from the zero state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void RunPacked(ReadOnlySpan<T> packed, ReadOnlySpan<T> inputs, Span<T> outputs, int frames)
    {
        int length = TKernels.StateSize + TKernels.PackedStepScratchLength;
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? stackalloc T[length] : (rented = ScratchBuffers<T>.Rent(length));
        scratch.Slice(0, TKernels.StateSize).Clear();
        ref T q = ref MemoryMarshal.GetReference(packed);
        ref T state = ref MemoryMarshal.GetReference(scratch);
        ref T stepScratch = ref Unsafe.Add(ref state, TKernels.StateSize);
        ref T x = ref MemoryMarshal.GetReference(inputs);
        ref T y = ref MemoryMarshal.GetReference(outputs);
        for (nint t = 0; t < frames; t++)
        {
            TKernels.StepPacked(ref q, ref state, ref Unsafe.Add(ref x, t * TKernels.InputSize), ref Unsafe.Add(ref y, t * TKernels.OutputSize), ref stepScratch);
        }

        Return(rented);
    }

    /// <summary>The sequence through <see cref="ISequenceKernels{T}.Backward"/>, with its scratch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static T Backward(Span<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, ref T gradients, ref T inputGradients, int frames, T scale)
    {
        long needed = TKernels.SequenceScratchFixed + ((long)TKernels.SequenceScratchPerFrame * frames);
        if (needed > Array.MaxLength)
        {
            throw new ArgumentException(
                $"A sequence of {frames} frames needs {needed} values of scratch to backpropagate through, more than an array holds; cut it into shorter windows (Trainer does).",
                nameof(inputs));
        }

        int length = (int)needed;
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? stackalloc T[length] : (rented = ScratchBuffers<T>.Rent(length));
        T loss = TKernels.Backward(
            ref MemoryMarshal.GetReference(parameters),
            ref gradients,
            ref MemoryMarshal.GetReference(inputs),
            ref MemoryMarshal.GetReference(targets),
            ref inputGradients,
            frames,
            scale,
            ref MemoryMarshal.GetReference(scratch));
        Return(rented);
        return loss;
    }

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

    /// <summary>The number of frames of a sequence: its length must be a positive multiple of the frame size.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FrameCount(int length, string name)
    {
        int frames = length / TKernels.InputSize;
        if (frames == 0 || length != frames * TKernels.InputSize)
        {
            GeneratedCodeHelpers.ThrowNotPositiveMultiple(name, TKernels.InputSize, length);
        }

        return frames;
    }

    /// <summary>The number of sequences of <paramref name="sequenceLength"/> frames in <paramref name="length"/> inputs.</summary>
    private static int SequenceCount(int length, int sequenceLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 1);
        long frameValues = (long)sequenceLength * TKernels.InputSize;
        if (frameValues > int.MaxValue || length % (int)frameValues != 0)
        {
            GeneratedCodeHelpers.ThrowNotMultiple("inputs", (int)Math.Min(frameValues, int.MaxValue), length);
        }

        return length / (int)frameValues;
    }
}
