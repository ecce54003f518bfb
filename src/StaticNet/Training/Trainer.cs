using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;

namespace StaticNet.Training;

/// <summary>How <see cref="Trainer{TNet, T}.Fit(ReadOnlyMemory{T}, ReadOnlyMemory{T}, IProgress{EpochResult}?, CancellationToken)"/> trains.</summary>
public sealed record TrainerOptions
{
    /// <summary>Passes over the training samples; default 10. With 0 nothing is trained and the history is empty.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per optimizer step; default 32. The last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Whether the training samples are visited in a new random order every epoch; default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The seed of the shuffling; the same seed gives the same training on every machine.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// The fraction of the samples held out for validation, in [0, 1): the last ones, in the order given (as Keras does);
    /// default 0. Their loss and accuracy are reported every epoch; they are never trained on.
    /// </summary>
    public double ValidationSplit { get; init; }

    /// <summary>An optional schedule of the optimizer's learning rate, applied before every epoch or step.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>
    /// Samples per shard: the gradient of a batch is computed in shards of this many samples, in parallel, each into its
    /// own buffer, then summed in shard order. The shards do not depend on the number of cores, so neither do the results.
    /// Default 16.
    /// </summary>
    public int ShardSize { get; init; } = 16;

    /// <summary>The most shards computed at once; default <see cref="Environment.ProcessorCount"/>. 1 trains on one core.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Sequence networks (<see cref="SequenceTrainer{TNet, T}"/>): the frames of each training window, each
    /// backpropagated through from the zero state (truncated backpropagation through time); default 64. The samples of
    /// <see cref="BatchSize"/>, <see cref="ShardSize"/> and <see cref="ValidationSplit"/> are windows.
    /// </summary>
    public int WindowLength { get; init; } = 64;

    /// <summary>
    /// Sequence networks: the frames from one window's start to the next one's; default 0, which means
    /// <see cref="WindowLength"/> (windows side by side). Less than the window length makes overlapping windows.
    /// </summary>
    public int WindowStride { get; init; }
}

/// <summary>What one epoch reached.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Loss">The mean training loss over the epoch's samples, as computed during the epoch.</param>
/// <param name="Accuracy">For classifiers, the fraction of training samples classified right after the epoch; otherwise null.</param>
/// <param name="ValidationLoss">The mean loss on the validation samples after the epoch, or null without validation samples.</param>
/// <param name="ValidationAccuracy">For classifiers, the accuracy on the validation samples after the epoch, or null.</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
/// <param name="Elapsed">Time since the training started.</param>
public sealed record EpochResult(int Epoch, double Loss, double? Accuracy, double? ValidationLoss, double? ValidationAccuracy, double LearningRate, TimeSpan Elapsed);

/// <summary>The results of every epoch of a training run, in order.</summary>
/// <param name="Epochs">One result per epoch.</param>
public sealed record TrainingHistory(IReadOnlyList<EpochResult> Epochs)
{
    /// <summary>The last epoch's result.</summary>
    /// <exception cref="InvalidOperationException">The history is empty: no epoch ran (<see cref="TrainerOptions.Epochs"/> was 0).</exception>
    public EpochResult Last => Epochs.Count > 0
        ? Epochs[^1]
        : throw new InvalidOperationException("The training history is empty: no epoch ran (TrainerOptions.Epochs was 0), so there is no last epoch.");
}

/// <summary>What a <see cref="TrainingDivergedException"/> found NaN or infinite, and so whether the step was taken.</summary>
public enum DivergedValue
{
    /// <summary>The batch's loss. The optimizer's step was not taken: the parameters are as they were before the batch.</summary>
    Loss,

    /// <summary>
    /// The batch's gradient, while its loss was finite (a saturated activation, such as tanh or sigmoid, hides an
    /// infinite input from the loss but not from the gradient). The step was not taken: the parameters are as they were
    /// before the batch.
    /// </summary>
    Gradient,

    /// <summary>
    /// The parameters after the optimizer's step, from a finite loss and gradient: the step overflowed (a learning rate
    /// or values too large). The step was taken: the parameters hold its NaN or infinite values.
    /// </summary>
    Parameters,
}

/// <summary>
/// Thrown when training meets a NaN or infinite value: in a batch's loss, in its gradient, or in the parameters after a
/// step. Training stops instead of going on silently; <see cref="Value"/> says which, and so whether the parameters are
/// still as they were before the batch.
/// </summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception for the batch whose loss was not finite.</summary>
    /// <param name="epoch">The epoch, from 1.</param>
    /// <param name="batch">The batch within the epoch, from 1.</param>
    /// <param name="loss">The loss of that batch.</param>
    public TrainingDivergedException(int epoch, int batch, double loss)
        : this(epoch, batch, loss, DivergedValue.Loss, count: 0, sample: null)
    {
    }

    /// <summary>Creates the exception for a batch whose loss, gradient, or parameters after the step were not finite.</summary>
    /// <param name="epoch">The epoch, from 1.</param>
    /// <param name="batch">The batch within the epoch, from 1.</param>
    /// <param name="loss">The loss of that batch.</param>
    /// <param name="value">What was not finite.</param>
    /// <param name="count">How many gradient values or parameters were NaN or infinite (0 for the loss).</param>
    /// <param name="sample">The index in the data set of the first sample of the batch with a NaN or infinite value, if any.</param>
    public TrainingDivergedException(int epoch, int batch, double loss, DivergedValue value, int count, int? sample)
        : base(Describe(epoch, batch, loss, value, count, sample))
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
        Value = value;
        Count = count;
        Sample = sample;
    }

    /// <summary>The epoch, from 1.</summary>
    public int Epoch { get; }

    /// <summary>The batch within the epoch, from 1.</summary>
    public int Batch { get; }

    /// <summary>The loss of the batch: not finite when <see cref="Value"/> is <see cref="DivergedValue.Loss"/>.</summary>
    public double Loss { get; }

    /// <summary>What was not finite: the loss or the gradient (the parameters are as before the batch), or the parameters after the step.</summary>
    public DivergedValue Value { get; }

    /// <summary>How many gradient values (or parameters, after the step) were NaN or infinite; 0 when the loss was.</summary>
    public int Count { get; }

    /// <summary>The index in the data set of the first sample of the batch with a NaN or infinite input or target, or null if none has one.</summary>
    public int? Sample { get; }

    private static string Describe(int epoch, int batch, double loss, DivergedValue value, int count, int? sample)
    {
        string where = string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}, batch {batch}");
        string data = sample is int index
            ? string.Create(CultureInfo.InvariantCulture, $" Sample {index} of the data has a NaN or infinite value: check the data.")
            : " Lower the learning rate, scale the inputs, or check the data for NaN or infinite values.";
        return value switch
        {
            DivergedValue.Gradient => string.Create(CultureInfo.InvariantCulture,
                $"The gradient of {where} has {count} NaN or infinite values although its loss ({loss}) is finite (a saturated activation hides a non-finite input from the loss, not from the gradient); the parameters are left as they were before that batch.{data}"),
            DivergedValue.Parameters => string.Create(CultureInfo.InvariantCulture,
                $"The optimizer's step for {where} made {count} parameters NaN or infinite although the batch's loss ({loss}) and gradient were finite: the step overflowed, and the parameters hold that step. Lower the learning rate or scale the inputs."),
            _ => string.Create(CultureInfo.InvariantCulture,
                $"The training loss became {loss} in {where}; the parameters are left as they were before that batch.{data}"),
        };
    }
}

/// <summary>
/// Trains any generated network on a data set in memory: epochs of shuffled mini-batches, each batch's mean gradient
/// computed with the network's batched backward pass on all cores in shards, then one optimizer step. Buffers are
/// allocated once per <see cref="Fit(ReadOnlyMemory{T}, ReadOnlyMemory{T}, IProgress{EpochResult}?, CancellationToken)"/>.
/// </summary>
/// <typeparam name="TNet">The generated network type.</typeparam>
/// <typeparam name="T">Its scalar type.</typeparam>
public sealed class Trainer<TNet, T>
    where TNet : class, INetwork<TNet, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a trainer for <paramref name="network"/>.</summary>
    /// <param name="network">The network whose parameters are trained.</param>
    /// <param name="optimizer">The optimizer; its parameter count must be the network's.</param>
    /// <param name="options">How to train; null for the defaults.</param>
    public Trainer(TNet network, IOptimizer<T> optimizer, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (optimizer.ParameterCount != TNet.ParameterCount)
        {
            throw new ArgumentException($"The optimizer updates {optimizer.ParameterCount} parameters but {typeof(TNet).Name} has {TNet.ParameterCount}.", nameof(optimizer));
        }

        Options = options ?? new TrainerOptions();
        TrainingChecks.Validate(Options);
        Network = network;
        Optimizer = optimizer;
    }

    /// <summary>The network being trained.</summary>
    public TNet Network { get; }

    /// <summary>The optimizer.</summary>
    public IOptimizer<T> Optimizer { get; }

    /// <summary>How the trainer trains.</summary>
    public TrainerOptions Options { get; }

    /// <summary>
    /// Trains on samples and targets stored row by row. Accuracy is reported for classifiers (the arg-max of the output
    /// against the arg-max of the target).
    /// </summary>
    /// <param name="inputs">The samples: a multiple of the network's input size.</param>
    /// <param name="targets">The expected outputs: the output size per sample.</param>
    /// <param name="progress">Receives each epoch's result as the epoch ends.</param>
    /// <param name="cancellationToken">Checked between batches; training stops with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The result of every epoch.</returns>
    /// <exception cref="ArgumentException">There are no samples, or the lengths do not match the network.</exception>
    /// <exception cref="InvalidOperationException">The network's parameters hold a NaN or infinite value before training.</exception>
    /// <exception cref="TrainingDivergedException">The loss or the gradient of a batch, or the parameters after a step, had a NaN or infinite value.</exception>
    public TrainingHistory Fit(ReadOnlyMemory<T> inputs, ReadOnlyMemory<T> targets, IProgress<EpochResult>? progress = null, CancellationToken cancellationToken = default)
    {
        int count = SampleCount(inputs);
        if (targets.Length != (long)count * TNet.OutputSize)
        {
            GeneratedCodeHelpers.ThrowLengthMismatch(nameof(targets), (long)count * TNet.OutputSize, targets.Length);
        }

        return new TrainingRun<T>(new DenseModel(network: Network), Options, Optimizer, inputs, targets, default, count).Train(progress, cancellationToken);
    }

    /// <summary>Trains a classifier on samples stored row by row and their classes.</summary>
    /// <param name="inputs">The samples: a multiple of the network's input size.</param>
    /// <param name="labels">The class of each sample, in [0, output size).</param>
    /// <param name="progress">Receives each epoch's result as the epoch ends.</param>
    /// <param name="cancellationToken">Checked between batches; training stops with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The result of every epoch.</returns>
    /// <exception cref="InvalidOperationException">The network is not a classifier (its loss is not CrossEntropy), or its parameters hold a NaN or infinite value before training.</exception>
    /// <exception cref="ArgumentException">There are no samples, or the lengths do not match the network.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is not a class.</exception>
    /// <exception cref="TrainingDivergedException">The loss or the gradient of a batch, or the parameters after a step, had a NaN or infinite value.</exception>
    public TrainingHistory Fit(ReadOnlyMemory<T> inputs, ReadOnlyMemory<int> labels, IProgress<EpochResult>? progress = null, CancellationToken cancellationToken = default)
    {
        if (Network is not IClassifierNetwork<T>)
        {
            throw new InvalidOperationException($"{typeof(TNet).Name} is not a classifier (its loss is not CrossEntropy): train it on targets instead of labels.");
        }

        int count = SampleCount(inputs);
        if (labels.Length != count)
        {
            GeneratedCodeHelpers.ThrowLengthMismatch(nameof(labels), count, labels.Length);
        }

        foreach (int label in labels.Span)
        {
            if ((uint)label >= (uint)TNet.OutputSize)
            {
                GeneratedCodeHelpers.ThrowLabelOutOfRange(label, TNet.OutputSize);
            }
        }

        return new TrainingRun<T>(new DenseModel(network: Network), Options, Optimizer, inputs, default, labels, count).Train(progress, cancellationToken);
    }

    private static int SampleCount(ReadOnlyMemory<T> inputs)
    {
        int count = inputs.Length / TNet.InputSize;
        if (inputs.Length != count * TNet.InputSize)
        {
            GeneratedCodeHelpers.ThrowNotMultiple(nameof(inputs), TNet.InputSize, inputs.Length);
        }

        if (count == 0)
        {
            throw new ArgumentException("The data set is empty: 'inputs' holds no sample to train on.", nameof(inputs));
        }

        return count;
    }

    /// <summary>The network as the training loop sees it: one sample is one input row.</summary>
    private sealed class DenseModel(TNet network) : TrainingModel<T>
    {
        public override string Name => typeof(TNet).Name;

        public override int InputStride => TNet.InputSize;

        public override int InputLength => TNet.InputSize;

        public override int TargetStride => TNet.OutputSize;

        public override int Frames => 1;

        public override int OutputSize => TNet.OutputSize;

        public override int ParameterCount => TNet.ParameterCount;

        public override Span<T> Parameters => network.Parameters;

        public override bool IsClassifier => network is IClassifierNetwork<T>;

        public override T BackwardBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradients) => network.BackwardBatch(inputs, targets, gradients);

        public override T BackwardBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, Span<T> gradients) =>
            ((IClassifierNetwork<T>)network).BackwardBatch(inputs, labels, gradients);

        public override void ForwardBatch(ReadOnlySpan<T> inputs, Span<T> outputs) => network.ForwardBatch(inputs, outputs);

        public override T ComputeLoss(ReadOnlySpan<T> input, ReadOnlySpan<T> target) => network.ComputeLoss(input, target);

        public override T ComputeLoss(ReadOnlySpan<T> input, int label) => ((IClassifierNetwork<T>)network).ComputeLoss(input, label);
    }
}

/// <summary>
/// Trains a generated sequence network on a long recording: the recording is cut into windows of
/// <see cref="TrainerOptions.WindowLength"/> frames, <see cref="TrainerOptions.WindowStride"/> apart, each backpropagated
/// through from the zero state (truncated backpropagation through time); then epochs of shuffled mini-batches of
/// windows, as <see cref="Trainer{TNet, T}"/> trains dense networks on rows: each batch's mean gradient computed with the
/// network's <c>BackwardBatch</c> on all cores in shards, one optimizer step, the same progress, cancellation,
/// divergence checks and determinism. Buffers are allocated once per <see cref="Fit"/>.
/// </summary>
/// <typeparam name="TNet">The generated sequence network type.</typeparam>
/// <typeparam name="T">Its scalar type.</typeparam>
public sealed class SequenceTrainer<TNet, T>
    where TNet : class, ISequenceNetwork<TNet, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a trainer for <paramref name="network"/>.</summary>
    /// <param name="network">The network whose parameters are trained.</param>
    /// <param name="optimizer">The optimizer; its parameter count must be the network's.</param>
    /// <param name="options">How to train; null for the defaults.</param>
    /// <exception cref="ArgumentException">The optimizer's parameter count is not the network's.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    public SequenceTrainer(TNet network, IOptimizer<T> optimizer, TrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (optimizer.ParameterCount != TNet.ParameterCount)
        {
            throw new ArgumentException($"The optimizer updates {optimizer.ParameterCount} parameters but {typeof(TNet).Name} has {TNet.ParameterCount}.", nameof(optimizer));
        }

        Options = options ?? new TrainerOptions();
        TrainingChecks.Validate(Options);
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.WindowLength, 1, "options.WindowLength");
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.WindowStride, 0, "options.WindowStride");
        Network = network;
        Optimizer = optimizer;
    }

    /// <summary>The network being trained.</summary>
    public TNet Network { get; }

    /// <summary>The optimizer.</summary>
    public IOptimizer<T> Optimizer { get; }

    /// <summary>How the trainer trains.</summary>
    public TrainerOptions Options { get; }

    /// <summary>
    /// Trains on one recording: its frames and the target of every frame. The windows are cut in order; the last
    /// <see cref="TrainerOptions.ValidationSplit"/> of them are held out (with overlapping windows the first of them
    /// shares frames with the last trained ones). Frames after the last whole window are not used. For cross-entropy
    /// networks the accuracy is the fraction of frames whose arg-max output is the target's.
    /// </summary>
    /// <param name="inputs">The recording's frames, one after another: a multiple of the network's input size.</param>
    /// <param name="targets">The target of every frame: the output size per frame.</param>
    /// <param name="progress">Receives each epoch's result as the epoch ends.</param>
    /// <param name="cancellationToken">Checked between batches; training stops with <see cref="OperationCanceledException"/>.</param>
    /// <returns>The result of every epoch.</returns>
    /// <exception cref="ArgumentException">The recording is shorter than one window, or the lengths do not match the network.</exception>
    /// <exception cref="InvalidOperationException">The network's parameters hold a NaN or infinite value before training.</exception>
    /// <exception cref="TrainingDivergedException">The loss or the gradient of a batch, or the parameters after a step, had a NaN or infinite value.</exception>
    public TrainingHistory Fit(ReadOnlyMemory<T> inputs, ReadOnlyMemory<T> targets, IProgress<EpochResult>? progress = null, CancellationToken cancellationToken = default)
    {
        int frames = inputs.Length / TNet.InputSize;
        if (inputs.Length != frames * TNet.InputSize)
        {
            GeneratedCodeHelpers.ThrowNotMultiple(nameof(inputs), TNet.InputSize, inputs.Length);
        }

        if (targets.Length != (long)frames * TNet.OutputSize)
        {
            GeneratedCodeHelpers.ThrowLengthMismatch(nameof(targets), (long)frames * TNet.OutputSize, targets.Length);
        }

        int window = Options.WindowLength;
        int stride = Options.WindowStride == 0 ? window : Options.WindowStride;
        if (frames < window)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The recording has {frames} frames, fewer than one window of {window}: give more frames or set a shorter TrainerOptions.WindowLength."), nameof(inputs));
        }

        int windows = ((frames - window) / stride) + 1;
        return new TrainingRun<T>(new WindowModel(Network, window, stride), Options, Optimizer, inputs, targets, default, windows).Train(progress, cancellationToken);
    }

    /// <summary>The network as the training loop sees it: one sample is a window of frames.</summary>
    private sealed class WindowModel(TNet network, int window, int stride) : TrainingModel<T>
    {
        public override string Name => typeof(TNet).Name;

        public override int InputStride => stride * TNet.InputSize;

        public override int InputLength => window * TNet.InputSize;

        public override int TargetStride => stride * TNet.OutputSize;

        public override int Frames => window;

        public override int OutputSize => TNet.OutputSize;

        public override int ParameterCount => TNet.ParameterCount;

        public override Span<T> Parameters => network.Parameters;

        public override bool IsClassifier => TNet.Topology.Loss == Loss.CrossEntropy;

        public override T BackwardBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradients) => network.BackwardBatch(inputs, targets, gradients, window);

        public override T BackwardBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, Span<T> gradients) =>
            throw new NotSupportedException("Sequence networks train on targets.");

        public override void ForwardBatch(ReadOnlySpan<T> inputs, Span<T> outputs) => network.ForwardBatch(inputs, outputs, window);

        public override T ComputeLoss(ReadOnlySpan<T> input, ReadOnlySpan<T> target) => network.ComputeLoss(input, target);

        public override T ComputeLoss(ReadOnlySpan<T> input, int label) => throw new NotSupportedException("Sequence networks train on targets.");
    }
}

/// <summary>The option checks both trainers share.</summary>
internal static class TrainingChecks
{
    public static void Validate(TrainerOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 0, "options.Epochs");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, "options.BatchSize");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ShardSize, 1, "options.ShardSize");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDegreeOfParallelism, 1, "options.MaxDegreeOfParallelism");
        if (!(options.ValidationSplit >= 0 && options.ValidationSplit < 1))
        {
            throw new ArgumentOutOfRangeException("options.ValidationSplit", options.ValidationSplit, "The validation split must be in [0, 1).");
        }
    }
}
