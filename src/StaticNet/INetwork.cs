using System;
using System.Numerics;

namespace StaticNet;

/// <summary>
/// The instance surface every generated network has, in its scalar type <typeparamref name="T"/>
/// (<see cref="float"/> or <see cref="double"/>). Lets code hold and drive any network without knowing its type.
/// </summary>
/// <remarks>
/// <para>
/// Threads: <see cref="Forward"/>, <see cref="ForwardBatch"/>, <see cref="ComputeLoss"/>, both <c>Backward</c> overloads,
/// <see cref="BackwardBatch"/> and the classifier overloads of <see cref="IClassifierNetwork{T}"/> read the parameters
/// only, so any number of threads may call them at once on one instance, each with its own output and gradient buffers,
/// and they give the single-threaded results to the bit. <see cref="TrainStep"/> writes the parameters: it must not run
/// on two threads at once on one instance, nor while another thread calls any method of it (the results would differ
/// from run to run); the same holds while anything else writes <see cref="Parameters"/>.
/// </para>
/// <para>
/// Spans: lengths are checked at entry (<see cref="ArgumentException"/>), and so is aliasing: a span that a method writes
/// must not share memory with a span it reads or with <see cref="Parameters"/> (<see cref="ArgumentException"/> naming
/// both). Spans that are only read may share memory.
/// </para>
/// </remarks>
/// <typeparam name="T">The scalar type the network computes in.</typeparam>
public interface INetwork<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Every parameter of the network in one flat block, owned by the instance. Layout, layer by layer from the input:
    /// the weights <c>[out][in]</c> row-major (the layout of PyTorch's <c>nn.Linear.weight</c>), then the bias <c>[out]</c>.
    /// </summary>
    Span<T> Parameters { get; }

    /// <summary>Computes the output of the network for one sample. Reads the parameters only: safe to call concurrently.</summary>
    /// <param name="input">One sample, of the network's input size.</param>
    /// <param name="output">Receives the output, of the network's output size.</param>
    void Forward(ReadOnlySpan<T> input, Span<T> output);

    /// <summary>Computes the outputs of several samples stored row by row; the sample count is <c>inputs.Length / InputSize</c>.</summary>
    /// <param name="inputs">The samples, one after another; the length must be a multiple of the input size.</param>
    /// <param name="outputs">Receives the outputs, one after another; the length must be the sample count times the output size.</param>
    void ForwardBatch(ReadOnlySpan<T> inputs, Span<T> outputs);

    /// <summary>
    /// Makes an inference-only snapshot of the network as it is now, its parameters copied into the layout the forward
    /// pass reads fastest (<see cref="IFrozenNetwork{T}"/>): for serving a trained model. Later writes to the network do
    /// not reach the snapshot.
    /// </summary>
    /// <returns>The snapshot.</returns>
    IFrozenNetwork<T> Freeze();

    /// <summary>Computes the loss of one sample without changing anything.</summary>
    /// <param name="input">One sample, of the network's input size.</param>
    /// <param name="target">The expected output, of the network's output size.</param>
    /// <returns>The loss.</returns>
    T ComputeLoss(ReadOnlySpan<T> input, ReadOnlySpan<T> target);

    /// <summary>
    /// Backpropagates one sample: adds dLoss/dParameters into <paramref name="gradients"/> and returns the loss. Reads the
    /// parameters only: safe to call concurrently. NaN and infinite values are not refused: they make the gradient
    /// non-finite, even where a saturated activation (tanh, sigmoid) keeps the loss finite.
    /// </summary>
    /// <param name="input">One sample, of the network's input size.</param>
    /// <param name="target">The expected output, of the network's output size.</param>
    /// <param name="gradients">Accumulates the gradient, in the layout of <see cref="Parameters"/>.</param>
    /// <returns>The loss of the sample, before any change.</returns>
    T Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradients);

    /// <summary>Backpropagates one sample, adding dLoss/dParameters into <paramref name="gradients"/> and writing dLoss/dInput.</summary>
    /// <param name="input">One sample, of the network's input size.</param>
    /// <param name="target">The expected output, of the network's output size.</param>
    /// <param name="gradients">Accumulates the gradient, in the layout of <see cref="Parameters"/>.</param>
    /// <param name="inputGradient">Receives dLoss/dInput (overwritten, not accumulated), of the network's input size.</param>
    /// <returns>The loss of the sample.</returns>
    T Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradients, Span<T> inputGradient);

    /// <summary>
    /// One step of stochastic gradient descent on one sample: afterwards the parameters are
    /// <c>old - learningRate·dLoss/dParameters</c>. Each layer is updated as soon as its gradient is known, after the
    /// gradient for the layer below has been taken from its old weights; no gradient array for the whole network is used.
    /// </summary>
    /// <remarks>
    /// Not thread-safe: it writes the parameters (see the interface's remarks). Before it changes anything it refuses a
    /// learning rate that is NaN, infinite or negative, a NaN or infinite value in the input or the target (which a
    /// saturated activation could hide from the loss while it reaches the parameters), and spans that overlap
    /// <see cref="Parameters"/>. It does not check its result: with finite arguments a parameter becomes infinite only when
    /// the step overflows (a huge learning rate or huge values); <c>Trainer</c> checks that after every step.
    /// </remarks>
    /// <param name="input">One sample, of the network's input size.</param>
    /// <param name="target">The expected output, of the network's output size.</param>
    /// <param name="learningRate">The step size: finite and not negative.</param>
    /// <returns>The loss of the sample before the update.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is NaN, infinite or negative; nothing has changed.</exception>
    /// <exception cref="ArgumentException">A span has the wrong length, holds a NaN or infinite value, or overlaps <see cref="Parameters"/>; nothing has changed.</exception>
    T TrainStep(ReadOnlySpan<T> input, ReadOnlySpan<T> target, T learningRate);

    /// <summary>
    /// Backpropagates a batch of samples stored row by row: adds the mean over the samples of dLoss/dParameters into
    /// <paramref name="gradients"/> and returns the mean loss. The samples go through the network in blocks, each layer as
    /// one matrix operation on the block. Reads the parameters only, so several batches can run at once on one network.
    /// An empty batch returns 0 and adds nothing. NaN and infinite values are not refused: they make the gradient
    /// non-finite, even where a saturated activation keeps the loss finite (<c>Trainer</c> checks the summed gradient).
    /// </summary>
    /// <param name="inputs">The samples, one after another; the length must be a multiple of the input size.</param>
    /// <param name="targets">The expected outputs, one after another: the output size per sample.</param>
    /// <param name="gradients">Accumulates the mean gradient, in the layout of <see cref="Parameters"/>.</param>
    /// <returns>The mean loss of the samples.</returns>
    T BackwardBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradients);
}

/// <summary>
/// Implemented by every generated network: its sizes and a factory as static members, so that generic code
/// (trainers, optimizers, serializers, benchmarks) works with any network type.
/// </summary>
/// <typeparam name="TSelf">The generated network type.</typeparam>
/// <typeparam name="T">The scalar type the network computes in.</typeparam>
public interface INetwork<TSelf, T> : INetwork<T>
    where TSelf : class, INetwork<TSelf, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The number of inputs of one sample.</summary>
    static abstract int InputSize { get; }

    /// <summary>The number of outputs of one sample.</summary>
    static abstract int OutputSize { get; }

    /// <summary>The number of parameters (weights and biases) of the network.</summary>
    static abstract int ParameterCount { get; }

    /// <summary>The layer sizes from input to output, as declared.</summary>
    static abstract ReadOnlySpan<int> LayerSizes { get; }

    /// <summary>The whole declaration as data: layer sizes, activations, loss and precision.</summary>
    static abstract NetworkTopology Topology { get; }

    /// <summary>Creates a network whose parameters are initialised deterministically from <paramref name="seed"/>.</summary>
    /// <param name="seed">The seed of the parameter initialisation.</param>
    /// <returns>A new network.</returns>
    static abstract TSelf Create(int seed);
}

/// <summary>
/// Implemented by generated networks with a <see cref="Loss.CrossEntropy"/> loss: the overloads that take a class index
/// instead of a one-hot target.
/// </summary>
/// <typeparam name="T">The scalar type the network computes in.</typeparam>
public interface IClassifierNetwork<T> : INetwork<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Returns the index of the largest output for one sample (the predicted class).</summary>
    /// <param name="input">One sample, of the network's input size.</param>
    /// <returns>The predicted class, in [0, output size).</returns>
    int Predict(ReadOnlySpan<T> input);

    /// <summary>Computes the cross-entropy loss of one sample whose class is <paramref name="label"/>.</summary>
    /// <param name="input">One sample, of the network's input size.</param>
    /// <param name="label">The class of the sample, in [0, output size).</param>
    /// <returns>The loss.</returns>
    T ComputeLoss(ReadOnlySpan<T> input, int label);

    /// <summary>As <see cref="INetwork{T}.Backward(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> with a one-hot target at <paramref name="label"/>.</summary>
    /// <param name="input">One sample, of the network's input size.</param>
    /// <param name="label">The class of the sample, in [0, output size).</param>
    /// <param name="gradients">Accumulates the gradient, in the layout of <see cref="INetwork{T}.Parameters"/>.</param>
    /// <returns>The loss of the sample.</returns>
    T Backward(ReadOnlySpan<T> input, int label, Span<T> gradients);

    /// <summary>As <see cref="INetwork{T}.TrainStep(ReadOnlySpan{T}, ReadOnlySpan{T}, T)"/> with a one-hot target at <paramref name="label"/>; not thread-safe.</summary>
    /// <param name="input">One sample, of the network's input size.</param>
    /// <param name="label">The class of the sample, in [0, output size).</param>
    /// <param name="learningRate">The step size: finite and not negative.</param>
    /// <returns>The loss of the sample before the update.</returns>
    T TrainStep(ReadOnlySpan<T> input, int label, T learningRate);

    /// <summary>As <see cref="INetwork{T}.BackwardBatch(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> with one-hot targets at <paramref name="labels"/>.</summary>
    /// <param name="inputs">The samples, one after another; the length must be a multiple of the input size.</param>
    /// <param name="labels">The class of each sample, in [0, output size).</param>
    /// <param name="gradients">Accumulates the mean gradient, in the layout of <see cref="INetwork{T}.Parameters"/>.</param>
    /// <returns>The mean loss of the samples.</returns>
    T BackwardBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, Span<T> gradients);
}
