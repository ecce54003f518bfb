using System;
using System.Numerics;

namespace StaticNet;

/// <summary>
/// The instance surface of every generated sequence network (one with a Conv1D, GRU or LSTM layer), in its scalar type
/// <typeparamref name="T"/>. A sequence is frames stored one after another (<c>[frames][InputSize]</c>, PyTorch's
/// <c>batch_first</c> layout of one sequence), with a target per frame.
/// </summary>
/// <remarks>
/// <para>
/// Threads: every method but <see cref="TrainStep"/> reads the parameters only, so any number of threads may call them at
/// once on one instance, each with its own buffers; in particular one network serves many streams, each with its own
/// state for <see cref="Step"/>. <see cref="TrainStep"/> writes the parameters: it must not run while another thread calls
/// any method of the instance.
/// </para>
/// <para>
/// Spans: lengths are checked at entry (<see cref="ArgumentException"/>), and so is aliasing: a span that a method writes
/// must not share memory with a span it reads or with <see cref="Parameters"/>.
/// </para>
/// </remarks>
/// <typeparam name="T">The scalar type the network computes in.</typeparam>
public interface ISequenceNetwork<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Every parameter of the network in one flat block, owned by the instance, layer by layer in the order and layout of
    /// PyTorch's modules (the generated property's documentation lists each tensor).
    /// </summary>
    Span<T> Parameters { get; }

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

    /// <summary>The loss of a sequence: the mean over its frames (for the mean squared error, over frames and outputs).</summary>
    /// <param name="inputs">The frames.</param>
    /// <param name="targets">The target of every frame.</param>
    /// <returns>The loss.</returns>
    T ComputeLoss(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets);

    /// <summary>
    /// Backpropagation through time over a sequence from the zero state: adds dLoss/dParameters into
    /// <paramref name="gradients"/> and returns the loss.
    /// </summary>
    /// <param name="inputs">The frames.</param>
    /// <param name="targets">The target of every frame.</param>
    /// <param name="gradients">Accumulates the gradient: <c>ParameterCount</c> values in the layout of <see cref="Parameters"/>.</param>
    /// <returns>The loss.</returns>
    T Backward(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradients);

    /// <summary>As <see cref="Backward(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/>, and writes dLoss/dInputs.</summary>
    /// <param name="inputs">The frames.</param>
    /// <param name="targets">The target of every frame.</param>
    /// <param name="gradients">Accumulates the gradient.</param>
    /// <param name="inputGradients">Receives dLoss/dInputs: as many values as <paramref name="inputs"/>.</param>
    /// <returns>The loss.</returns>
    T Backward(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradients, Span<T> inputGradients);

    /// <summary>One step of stochastic gradient descent on one sequence; returns the loss before the step.</summary>
    /// <param name="inputs">The frames.</param>
    /// <param name="targets">The target of every frame.</param>
    /// <param name="learningRate">The step size.</param>
    /// <returns>The loss before the step.</returns>
    T TrainStep(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate);

    /// <summary>
    /// Makes an inference-only snapshot of the network as it is now, its parameters copied into the layout the step reads
    /// fastest (<see cref="IFrozenSequenceNetwork{T}"/>): for streaming a trained model. Later writes to the network do not
    /// reach the snapshot.
    /// </summary>
    /// <returns>The snapshot.</returns>
    IFrozenSequenceNetwork<T> Freeze();

    /// <summary>
    /// Backpropagation through time over several sequences of one length: adds the mean over the sequences of
    /// dLoss/dParameters into <paramref name="gradients"/> and returns the mean loss (0 for no sequence).
    /// </summary>
    /// <param name="inputs">The sequences, one after another.</param>
    /// <param name="targets">The targets of every frame, sequence after sequence.</param>
    /// <param name="gradients">Accumulates the mean gradient.</param>
    /// <param name="sequenceLength">The frames of each sequence, at least 1.</param>
    /// <returns>The mean loss.</returns>
    T BackwardBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradients, int sequenceLength);
}

/// <summary>
/// Implemented by every generated sequence network: its sizes and a factory as static members, for generic code
/// (trainers, serializers, benchmarks).
/// </summary>
/// <typeparam name="TSelf">The generated network type.</typeparam>
/// <typeparam name="T">The scalar type the network computes in.</typeparam>
public interface ISequenceNetwork<TSelf, T> : ISequenceNetwork<T>
    where TSelf : class, ISequenceNetwork<TSelf, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The number of inputs of one frame.</summary>
    static abstract int InputSize { get; }

    /// <summary>The number of outputs of one frame.</summary>
    static abstract int OutputSize { get; }

    /// <summary>The number of parameters.</summary>
    static abstract int ParameterCount { get; }

    /// <summary>The number of values of the streaming state that <see cref="ISequenceNetwork{T}.Step"/> takes.</summary>
    static abstract int StateSize { get; }

    /// <summary>The whole declaration as data.</summary>
    static abstract NetworkTopology Topology { get; }

    /// <summary>Creates a network whose parameters are initialised deterministically from <paramref name="seed"/>.</summary>
    /// <param name="seed">The seed of the parameter initialisation.</param>
    /// <returns>A new network.</returns>
    static abstract TSelf Create(int seed);
}
