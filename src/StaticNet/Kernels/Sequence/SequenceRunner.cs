using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using StaticNet.Training;

namespace StaticNet.Kernels;

/// <summary>
/// The public methods of every generated sequence network, written once: each checks its arguments (a wrong length is an
/// <see cref="ArgumentException"/> naming the parameter, the expected and the actual length; so is a span the method writes
/// that overlaps one it reads or the parameters), takes its scratch from the stack at a 64-byte boundary
/// (<see cref="StackScratch{T}"/>; or, above <see cref="StackScratchLimitBytes"/>, from the thread's
/// <see cref="ScratchBuffers{T}"/>) and runs the network's composition
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
    public static void Step(Span<T> parameters, Span<T> state, ReadOnlySpan<T> input, Span<T> output) =>
        Step<No>(parameters, parameters, state, input, output);

    /// <summary>A whole sequence from the zero state: what as many <see cref="Step"/> calls give.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">The frames.</param>
    /// <param name="outputs">Receives the output frames.</param>
    public static void Forward(Span<T> parameters, ReadOnlySpan<T> inputs, Span<T> outputs) =>
        ForwardBatch<No>(parameters, parameters, inputs, outputs, null);

    /// <summary>Several sequences of <paramref name="sequenceLength"/> frames, one after another, each from the zero state.</summary>
    /// <param name="parameters">The network's parameters.</param>
    /// <param name="inputs">The sequences.</param>
    /// <param name="outputs">Receives their output frames.</param>
    /// <param name="sequenceLength">The number of frames of each sequence.</param>
    public static void ForwardBatch(Span<T> parameters, ReadOnlySpan<T> inputs, Span<T> outputs, int sequenceLength) =>
        ForwardBatch<No>(parameters, parameters, inputs, outputs, sequenceLength);

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
    public static void StepPacked(ReadOnlySpan<T> packed, Span<T> state, ReadOnlySpan<T> input, Span<T> output) =>
        Step<Yes>(packed, default, state, input, output);

    /// <summary>A whole sequence from the zero state, from a packed copy of the parameters: what as many <see cref="StepPacked"/> calls give.</summary>
    /// <param name="packed">The packed copy.</param>
    /// <param name="inputs">The frames.</param>
    /// <param name="outputs">Receives the output frames.</param>
    public static void ForwardPacked(ReadOnlySpan<T> packed, ReadOnlySpan<T> inputs, Span<T> outputs) =>
        ForwardBatch<Yes>(packed, default, inputs, outputs, null);

    /// <summary>Several sequences of <paramref name="sequenceLength"/> frames, each from the zero state, from a packed copy of the parameters.</summary>
    /// <param name="packed">The packed copy.</param>
    /// <param name="inputs">The sequences.</param>
    /// <param name="outputs">Receives their output frames.</param>
    /// <param name="sequenceLength">The number of frames of each sequence.</param>
    public static void ForwardPackedBatch(ReadOnlySpan<T> packed, ReadOnlySpan<T> inputs, Span<T> outputs, int sequenceLength) =>
        ForwardBatch<Yes>(packed, default, inputs, outputs, sequenceLength);

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
        ElementWise.Run(new SgdUpdate<T>(double.CreateTruncating(learningRate), 0, 0, 0, nesterov: false, firstStep: true), parameters, g, [], []);
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

    /// <summary>
    /// One frame, from the parameters (<see cref="ISequenceKernels{T}.Step"/>) or, with <typeparamref name="TPacked"/>, from
    /// a packed copy of them (<see cref="ISequenceKernels{T}.StepPacked"/>): the checks, the scratch and the call.
    /// </summary>
    /// <param name="weights">What the step reads: the parameters or the packed copy.</param>
    /// <param name="parameters">The network's parameters, which the written spans must not overlap (empty for a snapshot).</param>
    /// <param name="state">The streaming state, read and advanced.</param>
    /// <param name="input">One frame.</param>
    /// <param name="output">Receives the output frame.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Step<TPacked>(ReadOnlySpan<T> weights, Span<T> parameters, Span<T> state, ReadOnlySpan<T> input, Span<T> output)
        where TPacked : IFlag
    {
        CheckLength(state.Length, TKernels.StateSize, nameof(state));
        CheckLength(input.Length, TKernels.InputSize, nameof(input));
        CheckLength(output.Length, TKernels.OutputSize, nameof(output));
        GeneratedCodeHelpers.ThrowIfOverlapping(output, nameof(output), input, nameof(input), (ReadOnlySpan<T>)state, nameof(state), parameters);
        GeneratedCodeHelpers.ThrowIfOverlapping(state, nameof(state), input, nameof(input), parameters);
        int length = TPacked.Value ? TKernels.PackedStepScratchLength : TKernels.StepScratchLength;
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? StackScratch<T>.Align(stackalloc T[length + StackScratch<T>.Pad], length) : (rented = ScratchBuffers<T>.Rent(length));
        Step<TPacked>(
            ref MemoryMarshal.GetReference(weights),
            ref MemoryMarshal.GetReference(state),
            ref MemoryMarshal.GetReference(input),
            ref MemoryMarshal.GetReference(output),
            ref MemoryMarshal.GetReference(scratch));
        Return(rented);
    }

    /// <summary>
    /// Several sequences of <paramref name="sequenceLength"/> frames (or, for null, one sequence of all the frames), each
    /// from the zero state, from the parameters or (<typeparamref name="TPacked"/>) a packed copy: the checks, then the frames.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardBatch<TPacked>(ReadOnlySpan<T> weights, Span<T> parameters, ReadOnlySpan<T> inputs, Span<T> outputs, int? sequenceLength)
        where TPacked : IFlag
    {
        int frames = sequenceLength ?? FrameCount(inputs.Length, nameof(inputs));
        int count = sequenceLength is { } length ? SequenceCount(inputs.Length, length) : 1;
        CheckLength(outputs.Length, (long)count * frames * TKernels.OutputSize, nameof(outputs));
        GeneratedCodeHelpers.ThrowIfOverlapping(outputs, nameof(outputs), inputs, nameof(inputs), parameters);
        int inputLength = frames * TKernels.InputSize;
        int outputLength = frames * TKernels.OutputSize;
        for (int s = 0; s < count; s++)
        {
            Run<TPacked>(weights, inputs.Slice(s * inputLength, inputLength), outputs.Slice(s * outputLength, outputLength), frames);
        }
    }

    /// <summary>The frames through the step from the zero state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private static void Run<TPacked>(ReadOnlySpan<T> weights, ReadOnlySpan<T> inputs, Span<T> outputs, int frames)
        where TPacked : IFlag
    {
        int length = TKernels.StateSize + (TPacked.Value ? TKernels.PackedStepScratchLength : TKernels.StepScratchLength);
        T[]? rented = null;
        Span<T> scratch = OnStack(length) ? StackScratch<T>.Align(stackalloc T[length + StackScratch<T>.Pad], length) : (rented = ScratchBuffers<T>.Rent(length));
        scratch.Slice(0, TKernels.StateSize).Clear();
        ref T p = ref MemoryMarshal.GetReference(weights);
        ref T state = ref MemoryMarshal.GetReference(scratch);
        ref T stepScratch = ref Unsafe.Add(ref state, TKernels.StateSize);
        ref T x = ref MemoryMarshal.GetReference(inputs);
        ref T y = ref MemoryMarshal.GetReference(outputs);
        for (nint t = 0; t < frames; t++)
        {
            Step<TPacked>(ref p, ref state, ref Unsafe.Add(ref x, t * TKernels.InputSize), ref Unsafe.Add(ref y, t * TKernels.OutputSize), ref stepScratch);
        }

        Return(rented);
    }

    /// <summary>The composition's step, from the parameters or (<typeparamref name="TPacked"/>) the packed copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TPacked>(ref T weights, ref T state, ref T x, ref T y, ref T scratch)
        where TPacked : IFlag
    {
        if (TPacked.Value)
        {
            TKernels.StepPacked(ref weights, ref state, ref x, ref y, ref scratch);
        }
        else
        {
            TKernels.Step(ref weights, ref state, ref x, ref y, ref scratch);
        }
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
        Span<T> scratch = OnStack(length) ? StackScratch<T>.Align(stackalloc T[length + StackScratch<T>.Pad], length) : (rented = ScratchBuffers<T>.Rent(length));
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
