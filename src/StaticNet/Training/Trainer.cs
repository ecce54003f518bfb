using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Numerics.Tensors;
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
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.Epochs, 0, "options.Epochs");
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.BatchSize, 1, "options.BatchSize");
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.ShardSize, 1, "options.ShardSize");
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxDegreeOfParallelism, 1, "options.MaxDegreeOfParallelism");
        if (!(Options.ValidationSplit >= 0 && Options.ValidationSplit < 1))
        {
            throw new ArgumentOutOfRangeException("options.ValidationSplit", Options.ValidationSplit, "The validation split must be in [0, 1).");
        }

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

        return new Run(this, inputs, targets, default, count).Train(progress, cancellationToken);
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

        return new Run(this, inputs, default, labels, count).Train(progress, cancellationToken);
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

    /// <summary>One call of Fit: the buffers, allocated once, and the loop over epochs and batches.</summary>
    private sealed class Run
    {
        private readonly Trainer<TNet, T> _trainer;
        private readonly ReadOnlyMemory<T> _inputs;
        private readonly ReadOnlyMemory<T> _targets;
        private readonly ReadOnlyMemory<int> _labels;
        private readonly bool _byLabel;
        private readonly int _trainCount;
        private readonly int _validationCount;
        private readonly int[] _order;
        private readonly T[] _batchInputs;
        private readonly T[] _batchTargets;
        private readonly int[] _batchLabels;
        private readonly T[][] _shardGradients;
        private readonly double[] _shardLosses;
        private readonly T[] _gradient;
        private readonly T[] _outputs;
        private readonly bool[] _sliceFinite;
        private readonly double[] _blockLosses;
        private readonly int[] _blockCorrect;
        private readonly ParallelOptions _parallel;
        private readonly Action<int> _shardBody;
        private readonly Action<int> _reduceBody;
        private int _batchCount;

        public Run(Trainer<TNet, T> trainer, ReadOnlyMemory<T> inputs, ReadOnlyMemory<T> targets, ReadOnlyMemory<int> labels, int count)
        {
            _trainer = trainer;
            _inputs = inputs;
            _targets = targets;
            _labels = labels;
            _byLabel = targets.IsEmpty && !labels.IsEmpty;
            _validationCount = (int)(count * trainer.Options.ValidationSplit);
            _trainCount = count - _validationCount;
            if (_trainCount == 0 && count > 0)
            {
                throw new ArgumentException("The validation split leaves no sample to train on.", nameof(trainer));
            }

            int batch = Math.Min(trainer.Options.BatchSize, Math.Max(1, _trainCount));
            int shards = (batch + trainer.Options.ShardSize - 1) / trainer.Options.ShardSize;
            _order = new int[_trainCount];
            for (int i = 0; i < _order.Length; i++)
            {
                _order[i] = i;
            }

            _batchInputs = new T[batch * TNet.InputSize];
            _batchTargets = _byLabel ? [] : new T[batch * TNet.OutputSize];
            _batchLabels = _byLabel ? new int[batch] : [];
            _shardGradients = new T[shards][];
            for (int k = 0; k < shards; k++)
            {
                _shardGradients[k] = new T[TNet.ParameterCount];
            }

            _shardLosses = new double[shards];
            _gradient = new T[TNet.ParameterCount];
            _sliceFinite = new bool[(TNet.ParameterCount + ReductionSlice - 1) / ReductionSlice];
            _outputs = new T[EvaluationBlock * TNet.OutputSize];
            int evaluationBlocks = (Math.Max(_trainCount, _validationCount) + EvaluationBlock - 1) / EvaluationBlock;
            _blockLosses = new double[evaluationBlocks];
            _blockCorrect = new int[evaluationBlocks];
            _parallel = new ParallelOptions { MaxDegreeOfParallelism = trainer.Options.MaxDegreeOfParallelism };
            _shardBody = ComputeShard;
            _reduceBody = ReduceSlice;
        }

        private const int EvaluationBlock = 256;

        /// <summary>Parameters per slice of the parallel reduction (64 KiB of each shard's gradient in float).</summary>
        private const int ReductionSlice = 16384;

        private TNet Network => _trainer.Network;

        public TrainingHistory Train(IProgress<EpochResult>? progress, CancellationToken cancellationToken)
        {
            TrainerOptions options = _trainer.Options;
            IOptimizer<T> optimizer = _trainer.Optimizer;
            double initialRate = optimizer.LearningRate;
            var random = new Random(options.Seed);
            var history = new List<EpochResult>(options.Epochs);
            var clock = Stopwatch.StartNew();
            long steps = 0;
            bool classifier = Network is IClassifierNetwork<T>;
            if (CountNonFinite(Network.Parameters) is int broken and > 0)
            {
                // Then no divergence message could say which step made a parameter non-finite.
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{typeof(TNet).Name} holds {broken} NaN or infinite parameters before training; no training can repair them. Initialise it from a seed, or load finite weights."));
            }

            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                if (options.Shuffle)
                {
                    random.Shuffle(_order);
                }

                if (options.Schedule is { Unit: ScheduleUnit.Epoch } perEpoch)
                {
                    optimizer.LearningRate = perEpoch.Rate(initialRate, epoch - 1);
                }

                double lossSum = 0;
                int batchNumber = 0;
                for (int start = 0; start < _trainCount; start += options.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    batchNumber++;
                    if (options.Schedule is { Unit: ScheduleUnit.Step } perStep)
                    {
                        optimizer.LearningRate = perStep.Rate(initialRate, steps);
                    }

                    int size = Math.Min(options.BatchSize, _trainCount - start);
                    double loss = ComputeGradient(start, size);
                    if (!double.IsFinite(loss))
                    {
                        throw new TrainingDivergedException(epoch, batchNumber, loss, DivergedValue.Loss, 0, FindNonFiniteSample(start, size));
                    }

                    // The loss does not see everything: a saturated tanh or sigmoid turns an infinite input into a
                    // finite output, while the gradient of the weights it multiplies is infinite or NaN. Each slice of
                    // the reduction summed its part of the gradient (a finite sum means finite values); only a
                    // non-finite sum is looked at value by value, which also tells an overflowing sum of finite values.
                    if (Array.IndexOf(_sliceFinite, false) >= 0 && CountNonFinite(_gradient) is int bad and > 0)
                    {
                        throw new TrainingDivergedException(epoch, batchNumber, loss, DivergedValue.Gradient, bad, FindNonFiniteSample(start, size));
                    }

                    optimizer.Step(Network.Parameters, _gradient);
                    steps++;

                    // A finite step can still overflow (a learning rate or values too large): one vectorised sum of the
                    // parameters, as for the gradient, so that no parameter becomes NaN or infinite silently.
                    if (!T.IsFinite(TensorPrimitives.Sum<T>(Network.Parameters)) && CountNonFinite(Network.Parameters) is int overflowed and > 0)
                    {
                        throw new TrainingDivergedException(epoch, batchNumber, loss, DivergedValue.Parameters, overflowed, null);
                    }

                    lossSum += loss * size;
                }

                double? accuracy = classifier ? Evaluate(0, _trainCount, withLoss: false).Accuracy : null;
                (double? validationLoss, double? validationAccuracy) = Evaluate(_trainCount, _validationCount, withLoss: true);
                var result = new EpochResult(epoch, _trainCount > 0 ? lossSum / _trainCount : 0, accuracy, validationLoss, validationAccuracy, optimizer.LearningRate, clock.Elapsed);
                history.Add(result);
                progress?.Report(result);
            }

            return new TrainingHistory(history);
        }

        /// <summary>
        /// Gathers the batch's rows, computes the gradient of each shard of <see cref="TrainerOptions.ShardSize"/> samples in
        /// parallel, then sums the shards in order, each weighted by its share of the batch. Returns the batch's mean loss.
        /// </summary>
        private double ComputeGradient(int start, int size)
        {
            int inputSize = TNet.InputSize, outputSize = TNet.OutputSize;
            ReadOnlySpan<T> inputs = _inputs.Span;
            for (int s = 0; s < size; s++)
            {
                int sample = _order[start + s];
                inputs.Slice(sample * inputSize, inputSize).CopyTo(_batchInputs.AsSpan(s * inputSize));
                if (_byLabel)
                {
                    _batchLabels[s] = _labels.Span[sample];
                }
                else
                {
                    _targets.Span.Slice(sample * outputSize, outputSize).CopyTo(_batchTargets.AsSpan(s * outputSize));
                }
            }

            _batchCount = size;
            int shardSize = _trainer.Options.ShardSize;
            int shards = (size + shardSize - 1) / shardSize;
            ForEach(shards, _shardBody);

            // The reduction adds the shards in shard order whatever the number of cores, so the sum is the same on every
            // machine. Each parameter's sum is independent of the others': on several cores the parameters are split
            // into slices reduced in parallel, each in the same order (a serial reduction of a large network's shards is
            // memory-bound work that would otherwise eat most of the parallel speed-up).
            ForEach((TNet.ParameterCount + ReductionSlice - 1) / ReductionSlice, _reduceBody);

            double loss = 0;
            for (int k = 0; k < shards; k++)
            {
                int samples = Math.Min(shardSize, size - (k * shardSize));
                loss += _shardLosses[k] * samples / size;
            }

            return loss;
        }

        private static int CountNonFinite(ReadOnlySpan<T> values)
        {
            int count = 0;
            foreach (T value in values)
            {
                count += T.IsFinite(value) ? 0 : 1;
            }

            return count;
        }

        /// <summary>The index in the data set of the first sample of the batch with a NaN or infinite input or target, or null.</summary>
        private int? FindNonFiniteSample(int start, int size)
        {
            for (int s = 0; s < size; s++)
            {
                int sample = _order[start + s];
                if (GeneratedCodeHelpers.IndexOfNonFinite(_inputs.Span.Slice(sample * TNet.InputSize, TNet.InputSize)) >= 0 ||
                    (!_byLabel && GeneratedCodeHelpers.IndexOfNonFinite(_targets.Span.Slice(sample * TNet.OutputSize, TNet.OutputSize)) >= 0))
                {
                    return sample;
                }
            }

            return null;
        }

        /// <summary>Runs <paramref name="body"/> for 0 to <paramref name="count"/> - 1: in parallel where there are several, on this thread otherwise.</summary>
        private void ForEach(int count, Action<int> body)
        {
            if (count == 1 || _parallel.MaxDegreeOfParallelism == 1)
            {
                for (int i = 0; i < count; i++)
                {
                    body(i);
                }
            }
            else
            {
                Parallel.For(0, count, _parallel, body);
            }
        }

        /// <summary>
        /// The batch's gradient on parameters [slice * <see cref="ReductionSlice"/>, ...): the sum, in shard order, of each
        /// shard's gradient weighted by its share of the batch.
        /// </summary>
        private void ReduceSlice(int slice)
        {
            int first = slice * ReductionSlice;
            int count = Math.Min(ReductionSlice, TNet.ParameterCount - first);
            int shardSize = _trainer.Options.ShardSize;
            int shards = (_batchCount + shardSize - 1) / shardSize;
            Span<T> gradient = _gradient.AsSpan(first, count);
            gradient.Clear();
            for (int k = 0; k < shards; k++)
            {
                int samples = Math.Min(shardSize, _batchCount - (k * shardSize));
                T weight = T.CreateChecked((double)samples / _batchCount);
                TensorPrimitives.MultiplyAdd(_shardGradients[k].AsSpan(first, count), weight, gradient, gradient);
            }

            // While the slice is in cache: a finite sum means that every value is finite.
            _sliceFinite[slice] = T.IsFinite(TensorPrimitives.Sum<T>(gradient));
        }

        private void ComputeShard(int shard)
        {
            int shardSize = _trainer.Options.ShardSize;
            int first = shard * shardSize;
            int samples = Math.Min(shardSize, _batchCount - first);
            T[] gradient = _shardGradients[shard];
            Array.Clear(gradient);
            ReadOnlySpan<T> inputs = _batchInputs.AsSpan(first * TNet.InputSize, samples * TNet.InputSize);
            T loss = _byLabel
                ? ((IClassifierNetwork<T>)Network).BackwardBatch(inputs, _batchLabels.AsSpan(first, samples), gradient)
                : Network.BackwardBatch(inputs, _batchTargets.AsSpan(first * TNet.OutputSize, samples * TNet.OutputSize), gradient);
            _shardLosses[shard] = double.CreateChecked(loss);
        }

        /// <summary>
        /// The mean loss (if <paramref name="withLoss"/>) and, for classifiers, the accuracy on samples [first, first + count),
        /// predicted with the batched forward pass. Null for no samples. Blocks of <see cref="EvaluationBlock"/> samples run
        /// in parallel; their partial sums are added in block order, so the result is the same on any number of cores.
        /// </summary>
        private (double? Loss, double? Accuracy) Evaluate(int first, int count, bool withLoss)
        {
            if (count == 0)
            {
                return (null, null);
            }

            int blocks = (count + EvaluationBlock - 1) / EvaluationBlock;
            if (blocks == 1 || _parallel.MaxDegreeOfParallelism == 1)
            {
                for (int block = 0; block < blocks; block++)
                {
                    EvaluateBlock(first, count, block, withLoss, _outputs);
                }
            }
            else
            {
                Parallel.For(
                    0,
                    blocks,
                    _parallel,
                    () => new T[EvaluationBlock * TNet.OutputSize],
                    (block, _, outputs) =>
                    {
                        EvaluateBlock(first, count, block, withLoss, outputs);
                        return outputs;
                    },
                    static _ => { });
            }

            double loss = 0;
            int correct = 0;
            for (int block = 0; block < blocks; block++)
            {
                loss += _blockLosses[block];
                correct += _blockCorrect[block];
            }

            return (withLoss ? loss / count : null, Network is IClassifierNetwork<T> ? (double)correct / count : null);
        }

        /// <summary>Block <paramref name="block"/> of <see cref="Evaluate"/>: its loss sum and correct count, in its slot.</summary>
        private void EvaluateBlock(int first, int count, int block, bool withLoss, T[] buffer)
        {
            var classifier = Network as IClassifierNetwork<T>;
            int inputSize = TNet.InputSize, outputSize = TNet.OutputSize;
            ReadOnlySpan<T> inputs = _inputs.Span;
            int size = Math.Min(EvaluationBlock, count - (block * EvaluationBlock));
            int row = first + (block * EvaluationBlock);
            Span<T> outputs = buffer.AsSpan(0, size * outputSize);
            Network.ForwardBatch(inputs.Slice(row * inputSize, size * inputSize), outputs);
            double loss = 0;
            int correct = 0;
            for (int s = 0; s < size; s++)
            {
                ReadOnlySpan<T> input = inputs.Slice((row + s) * inputSize, inputSize);
                int predicted = TensorPrimitives.IndexOfMax<T>(outputs.Slice(s * outputSize, outputSize));
                if (_byLabel)
                {
                    int label = _labels.Span[row + s];
                    loss += withLoss ? double.CreateChecked(classifier!.ComputeLoss(input, label)) : 0;
                    correct += predicted == label ? 1 : 0;
                }
                else
                {
                    ReadOnlySpan<T> target = _targets.Span.Slice((row + s) * outputSize, outputSize);
                    loss += withLoss ? double.CreateChecked(Network.ComputeLoss(input, target)) : 0;
                    correct += predicted == TensorPrimitives.IndexOfMax(target) ? 1 : 0;
                }
            }

            _blockLosses[block] = loss;
            _blockCorrect[block] = correct;
        }
    }
}
