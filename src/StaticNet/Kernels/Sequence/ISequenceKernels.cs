using System.ComponentModel;
using System.Numerics;

namespace StaticNet.Kernels;

/// <summary>
/// The composition of a generated sequence network (one with a Conv1D, GRU or LSTM layer): its sizes, its state, and its
/// passes as the sequence of layer kernel calls with constant sizes. The generator writes one struct implementing this per
/// network; <see cref="SequenceRunner{TKernels, T}"/> checks the arguments of the public methods, provides the scratch and
/// calls these.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISequenceKernels<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The number of inputs of one frame.</summary>
    static abstract int InputSize { get; }

    /// <summary>The number of outputs of one frame.</summary>
    static abstract int OutputSize { get; }

    /// <summary>The number of parameters.</summary>
    static abstract int ParameterCount { get; }

    /// <summary>The number of values of the streaming state.</summary>
    static abstract int StateSize { get; }

    /// <summary>Elements of scratch <see cref="Step"/> needs.</summary>
    static abstract int StepScratchLength { get; }

    /// <summary>Elements of scratch <see cref="Backward"/> needs per frame of the sequence.</summary>
    static abstract int SequenceScratchPerFrame { get; }

    /// <summary>Elements of scratch <see cref="Backward"/> needs besides those per frame.</summary>
    static abstract int SequenceScratchFixed { get; }

    /// <summary>One frame: reads and advances <paramref name="state"/>, writes the output frame <paramref name="y"/>.</summary>
    static abstract void Step(ref T p, ref T state, ref T x, ref T y, ref T scratch);

    /// <summary>Elements of the inference snapshot's packed copy of the parameters (a constant of the process: it depends on the vector width).</summary>
    static abstract int PackedLength { get; }

    /// <summary>Elements of scratch <see cref="StepPacked"/> needs.</summary>
    static abstract int PackedStepScratchLength { get; }

    /// <summary>Writes the packed copy of the parameters <paramref name="p"/> to <paramref name="q"/> (64-byte aligned).</summary>
    static abstract void Pack(ref T p, ref T q);

    /// <summary>One frame from the packed copy <paramref name="q"/>: as <see cref="Step"/>.</summary>
    static abstract void StepPacked(ref T q, ref T state, ref T x, ref T y, ref T scratch);

    /// <summary>
    /// A whole sequence of <paramref name="frames"/> frames from the zero state against the targets <paramref name="t"/>:
    /// returns the loss (the mean over frames); unless <paramref name="g"/> is a null reference, adds
    /// <paramref name="scale"/> · dLoss/dParameters into it, and unless <paramref name="dx"/> is a null reference, writes
    /// <paramref name="scale"/> · dLoss/dInputs into it.
    /// </summary>
    static abstract T Backward(ref T p, ref T g, ref T x, ref T t, ref T dx, int frames, T scale, ref T scratch);
}
