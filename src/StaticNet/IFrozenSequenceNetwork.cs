using System;
using System.Numerics;

namespace StaticNet;

/// <summary>
/// An inference-only snapshot of a sequence network (<see cref="ISequenceNetwork{T}.Freeze"/>): the parameters as they were
/// when it was made, copied once into the layout its step reads fastest (a GRU's or LSTM's weights of every gate of a vector
/// of hidden units side by side for each input and state value, so that each value is broadcast once to fused
/// multiply-adds with no horizontal sum; dense and convolution weights transposed into tiles). It never reads the network
/// again: writing the network's <see cref="ISequenceNetwork{T}.Parameters"/> afterwards, training it or loading new weights
/// into it does not change the snapshot (freeze again for the new weights), so it can never be stale.
/// </summary>
/// <remarks>
/// Its outputs equal the network's <see cref="ISequenceNetwork{T}.Step"/> and <see cref="ISequenceNetwork{T}.Forward"/> to
/// rounding: the same products, added in another order. Its state is the network's state (the same size and layout), so a
/// stream can move between the network and its snapshot. It is immutable, so any number of threads may call it at once,
/// each stream with its own state. Lengths and aliasing are checked as the network's methods check them.
/// </remarks>
/// <typeparam name="T">The scalar type the network computes in.</typeparam>
public interface IFrozenSequenceNetwork<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Runs one frame: reads <paramref name="state"/> and advances it by the frame. A state of zeros is the start of a
    /// stream. Allocation-free, lock-free and constant time: the real-time call.
    /// </summary>
    /// <param name="state">The stream's state: <c>StateSize</c> values, read and written.</param>
    /// <param name="input">One frame: <c>InputSize</c> values.</param>
    /// <param name="output">Receives the output frame: <c>OutputSize</c> values.</param>
    void Step(Span<T> state, ReadOnlySpan<T> input, Span<T> output);

    /// <summary>Runs a whole sequence from the zero state: the same as one <see cref="Step"/> per frame.</summary>
    /// <param name="inputs">The frames: a positive multiple of <c>InputSize</c> values.</param>
    /// <param name="outputs">Receives the output of every frame: <c>OutputSize</c> values per frame.</param>
    void Forward(ReadOnlySpan<T> inputs, Span<T> outputs);

    /// <summary>Runs several sequences of one length, each from the zero state, stored one after another.</summary>
    /// <param name="inputs">The sequences: a multiple of <paramref name="sequenceLength"/> frames.</param>
    /// <param name="outputs">Receives the output of every frame.</param>
    /// <param name="sequenceLength">The frames of each sequence, at least 1.</param>
    void ForwardBatch(ReadOnlySpan<T> inputs, Span<T> outputs, int sequenceLength);
}
