using System.ComponentModel;
using System.Numerics;

namespace StaticNet.Kernels;

/// <summary>
/// The composition of a generated network: its sizes, the scratch its passes need, and each pass as the sequence of layer
/// kernel calls with constant sizes. The generator writes one struct implementing this per network; <see cref="NetworkRunner{TKernels, T}"/>
/// checks the arguments of the public methods, provides the scratch and calls these.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface INetworkKernels<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The number of inputs of one sample.</summary>
    static abstract int InputSize { get; }

    /// <summary>The number of outputs of one sample.</summary>
    static abstract int OutputSize { get; }

    /// <summary>The number of parameters.</summary>
    static abstract int ParameterCount { get; }

    /// <summary>Elements of scratch <see cref="Forward"/> needs.</summary>
    static abstract int ForwardScratchLength { get; }

    /// <summary>Elements of scratch <see cref="Backward"/> and <see cref="TrainStep"/> need.</summary>
    static abstract int TrainScratchLength { get; }

    /// <summary>The most samples <see cref="ForwardBatch"/> and <see cref="BackwardBatch"/> take at once.</summary>
    static abstract int BatchBlock { get; }

    /// <summary>Elements of scratch <see cref="ForwardBatch"/> and <see cref="BackwardBatch"/> need for a block.</summary>
    static abstract int BatchScratchLength { get; }

    /// <summary>The output <paramref name="y"/> of the input <paramref name="x"/>.</summary>
    static abstract void Forward(ref T p, ref T x, ref T y, ref T scratch);

    /// <summary>
    /// The loss of one sample against the target <paramref name="t"/>; unless <paramref name="g"/> is a null reference, adds
    /// dLoss/dParameters into it, and unless <paramref name="dx"/> is a null reference, writes dLoss/dInput into it.
    /// </summary>
    static abstract T Backward(ref T p, ref T g, ref T x, ref T t, ref T dx, ref T scratch);

    /// <summary>One SGD step on one sample; returns the loss before the step.</summary>
    static abstract T TrainStep(ref T p, ref T x, ref T t, T learningRate, ref T scratch);

    /// <summary>The outputs of <paramref name="count"/> (at most <see cref="BatchBlock"/>) samples stored row by row.</summary>
    static abstract void ForwardBatch(ref T p, ref T x, ref T y, int count, ref T scratch);

    /// <summary>
    /// Adds <paramref name="scale"/> times the sum over <paramref name="count"/> (at most <see cref="BatchBlock"/>) samples of
    /// dLoss/dParameters into <paramref name="g"/>; returns the sum of their losses.
    /// </summary>
    static abstract T BackwardBatch(ref T p, ref T g, ref T x, ref T t, int count, T scale, ref T scratch);

    /// <summary>Elements of the packed copy of the parameters that <see cref="ForwardPacked"/> reads (see <see cref="DensePacked{T}"/>).</summary>
    static abstract int PackedLength { get; }

    /// <summary>Writes the packed copy of the parameters <paramref name="p"/> to <paramref name="q"/>.</summary>
    static abstract void Pack(ref T p, ref T q);

    /// <summary><see cref="Forward"/> from the packed copy <paramref name="q"/> of the parameters.</summary>
    static abstract void ForwardPacked(ref T q, ref T x, ref T y, ref T scratch);

    /// <summary>
    /// <see cref="ForwardBatch"/> from the packed copy <paramref name="q"/> of the parameters: the outputs of
    /// <paramref name="count"/> (at most <see cref="BatchBlock"/>) samples stored row by row, each to the bit what
    /// <see cref="ForwardPacked"/> gives it; the scratch is <see cref="ForwardBatch"/>'s.
    /// </summary>
    static abstract void ForwardPackedBatch(ref T q, ref T x, ref T y, int count, ref T scratch);
}
