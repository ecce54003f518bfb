using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using StaticNet.Kernels;

namespace StaticNet.Training;

/// <summary>
/// A network as <see cref="TrainingRun{T}"/> sees it. A sample is <see cref="InputLength"/> input values starting at
/// <c>index · InputStride</c> with <see cref="TargetLength"/> target values starting at <c>index · TargetStride</c>:
/// a row of a dense network, a window of <see cref="Frames"/> frames of a sequence network (which may overlap the next).
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
internal abstract class TrainingModel<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The network type's name, for messages.</summary>
    public abstract string Name { get; }

    /// <summary>Input values from one sample's start to the next one's.</summary>
    public abstract int InputStride { get; }

    /// <summary>Target values from one sample's start to the next one's.</summary>
    public abstract int TargetStride { get; }

    /// <summary>Frames per sample: 1 for a dense network.</summary>
    public abstract int Frames { get; }

    /// <summary>Outputs of one frame.</summary>
    public abstract int OutputSize { get; }

    public abstract int ParameterCount { get; }

    public abstract Span<T> Parameters { get; }

    public abstract bool IsClassifier { get; }

    /// <summary>Input values of one sample.</summary>
    public abstract int InputLength { get; }

    /// <summary>Target (and output) values of one sample.</summary>
    public int TargetLength => Frames * OutputSize;

    /// <summary>The mean loss over the samples; adds their mean gradient.</summary>
    public abstract T BackwardBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradients);

    /// <summary>As the other overload, with a class per sample (dense classifiers only).</summary>
    public abstract T BackwardBatch(ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, Span<T> gradients);

    public abstract void ForwardBatch(ReadOnlySpan<T> inputs, Span<T> outputs);

    public abstract T ComputeLoss(ReadOnlySpan<T> input, ReadOnlySpan<T> target);

    /// <summary>The loss of a sample by its class (dense classifiers only).</summary>
    public abstract T ComputeLoss(ReadOnlySpan<T> input, int label);
}

/// <summary>
/// One call of a trainer's Fit: the buffers, allocated once, and the loop over epochs and batches. A sample is what
/// <see cref="TrainingModel{T}"/> says: an input row of a dense network, a window of frames of a sequence network.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
internal sealed class TrainingRun<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly TrainingModel<T> _model;
    private readonly TrainerOptions _options;
    private readonly IOptimizer<T> _optimizer;
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

    public TrainingRun(TrainingModel<T> model, TrainerOptions options, IOptimizer<T> optimizer, ReadOnlyMemory<T> inputs, ReadOnlyMemory<T> targets, ReadOnlyMemory<int> labels, int count)
    {
        _model = model;
        _options = options;
        _optimizer = optimizer;
        TrainerOptions trainer = options;
        _inputs = inputs;
        _targets = targets;
        _labels = labels;
        _byLabel = targets.IsEmpty && !labels.IsEmpty;
        _validationCount = (int)(count * trainer.ValidationSplit);
        _trainCount = count - _validationCount;
        if (_trainCount == 0 && count > 0)
        {
            throw new ArgumentException("The validation split leaves no sample to train on.", nameof(options));
        }

        int batch = Math.Min(trainer.BatchSize, Math.Max(1, _trainCount));
        int shards = (batch + trainer.ShardSize - 1) / trainer.ShardSize;
        _order = new int[_trainCount];
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        _batchInputs = new T[batch * model.InputLength];
        _batchTargets = _byLabel ? [] : new T[batch * model.TargetLength];
        _batchLabels = _byLabel ? new int[batch] : [];
        _shardGradients = new T[shards][];
        for (int k = 0; k < shards; k++)
        {
            _shardGradients[k] = new T[_model.ParameterCount];
        }

        _shardLosses = new double[shards];
        _gradient = new T[_model.ParameterCount];
        _sliceFinite = new bool[(_model.ParameterCount + ReductionSlice - 1) / ReductionSlice];
        _outputs = new T[EvaluationBlock * model.TargetLength];
        int evaluationBlocks = (Math.Max(_trainCount, _validationCount) + EvaluationBlock - 1) / EvaluationBlock;
        _blockLosses = new double[evaluationBlocks];
        _blockCorrect = new int[evaluationBlocks];
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = trainer.MaxDegreeOfParallelism };
        _shardBody = ComputeShard;
        _reduceBody = ReduceSlice;
    }

    private const int EvaluationBlock = 256;

    /// <summary>Parameters per slice of the parallel reduction (64 KiB of each shard's gradient in float).</summary>
    private const int ReductionSlice = 16384;

    public TrainingHistory Train(IProgress<EpochResult>? progress, CancellationToken cancellationToken)
    {
        TrainerOptions options = _options;
        IOptimizer<T> optimizer = _optimizer;
        double initialRate = optimizer.LearningRate;
        var random = new Random(options.Seed);
        var history = new List<EpochResult>(options.Epochs);
        var clock = Stopwatch.StartNew();
        long steps = 0;
        bool classifier = _model.IsClassifier;
        if (CountNonFinite(_model.Parameters) is int broken and > 0)
        {
            // Then no divergence message could say which step made a parameter non-finite.
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{_model.Name} holds {broken} NaN or infinite parameters before training; no training can repair them. Initialise it from a seed, or load finite weights."));
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
                // the reduction checked its part of the gradient while it was in cache (one exact vectorised pass);
                // only a batch with a non-finite value counts them one by one.
                if (Array.IndexOf(_sliceFinite, false) >= 0)
                {
                    throw new TrainingDivergedException(epoch, batchNumber, loss, DivergedValue.Gradient, CountNonFinite(_gradient), FindNonFiniteSample(start, size));
                }

                optimizer.Step(_model.Parameters, _gradient);
                steps++;

                // A finite step can still overflow (a learning rate or values too large): one vectorised check of the
                // parameters, as for the gradient, so that no parameter becomes NaN or infinite silently.
                if (GeneratedCodeHelpers.IndexOfNonFinite<T>(_model.Parameters) >= 0)
                {
                    throw new TrainingDivergedException(epoch, batchNumber, loss, DivergedValue.Parameters, CountNonFinite(_model.Parameters), null);
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
        int inputLength = _model.InputLength, targetLength = _model.TargetLength;
        ReadOnlySpan<T> inputs = _inputs.Span;
        for (int s = 0; s < size; s++)
        {
            int sample = _order[start + s];
            inputs.Slice(sample * _model.InputStride, inputLength).CopyTo(_batchInputs.AsSpan(s * inputLength));
            if (_byLabel)
            {
                _batchLabels[s] = _labels.Span[sample];
            }
            else
            {
                _targets.Span.Slice(sample * _model.TargetStride, targetLength).CopyTo(_batchTargets.AsSpan(s * targetLength));
            }
        }

        _batchCount = size;
        int shardSize = _options.ShardSize;
        int shards = (size + shardSize - 1) / shardSize;
        ForEach(shards, _shardBody);

        // The reduction adds the shards in shard order whatever the number of cores, so the sum is the same on every
        // machine. Each parameter's sum is independent of the others': on several cores the parameters are split
        // into slices reduced in parallel, each in the same order (a serial reduction of a large network's shards is
        // memory-bound work that would otherwise eat most of the parallel speed-up).
        ForEach((_model.ParameterCount + ReductionSlice - 1) / ReductionSlice, _reduceBody);

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
            if (GeneratedCodeHelpers.IndexOfNonFinite(_inputs.Span.Slice(sample * _model.InputStride, _model.InputLength)) >= 0 ||
                (!_byLabel && GeneratedCodeHelpers.IndexOfNonFinite(_targets.Span.Slice(sample * _model.TargetStride, _model.TargetLength)) >= 0))
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
        int count = Math.Min(ReductionSlice, _model.ParameterCount - first);
        int shardSize = _options.ShardSize;
        int shards = (_batchCount + shardSize - 1) / shardSize;
        Span<T> gradient = _gradient.AsSpan(first, count);
        gradient.Clear();
        for (int k = 0; k < shards; k++)
        {
            int samples = Math.Min(shardSize, _batchCount - (k * shardSize));
            double weight = (double)samples / _batchCount;
            ElementWise.Run(new ScaledAdd<float>(weight), new ScaledAdd<double>(weight), gradient, _shardGradients[k].AsSpan(first, count), [], []);
        }

        // While the slice is in cache.
        _sliceFinite[slice] = GeneratedCodeHelpers.IndexOfNonFinite<T>(gradient) < 0;
    }

    private void ComputeShard(int shard)
    {
        int shardSize = _options.ShardSize;
        int first = shard * shardSize;
        int samples = Math.Min(shardSize, _batchCount - first);
        T[] gradient = _shardGradients[shard];
        Array.Clear(gradient);
        ReadOnlySpan<T> inputs = _batchInputs.AsSpan(first * _model.InputLength, samples * _model.InputLength);
        T loss = _byLabel
            ? _model.BackwardBatch(inputs, _batchLabels.AsSpan(first, samples), gradient)
            : _model.BackwardBatch(inputs, _batchTargets.AsSpan(first * _model.TargetLength, samples * _model.TargetLength), gradient);
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
                () => new T[EvaluationBlock * _model.TargetLength],
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

        return (withLoss ? loss / count : null, _model.IsClassifier ? (double)correct / ((double)count * _model.Frames) : null);
    }

    /// <summary>
    /// Block <paramref name="block"/> of <see cref="Evaluate"/>: its loss sum and correct count (frames whose arg-max is the
    /// target's), in its slot.
    /// </summary>
    private void EvaluateBlock(int first, int count, int block, bool withLoss, T[] buffer)
    {
        int inputLength = _model.InputLength, targetLength = _model.TargetLength, outputSize = _model.OutputSize;
        ReadOnlySpan<T> inputs = _inputs.Span;
        int size = Math.Min(EvaluationBlock, count - (block * EvaluationBlock));
        int row = first + (block * EvaluationBlock);
        Span<T> outputs = buffer.AsSpan(0, size * targetLength);
        if (_model.InputStride == inputLength)
        {
            _model.ForwardBatch(inputs.Slice(row * inputLength, size * inputLength), outputs);
        }
        else
        {
            for (int s = 0; s < size; s++)
            {
                _model.ForwardBatch(inputs.Slice((row + s) * _model.InputStride, inputLength), outputs.Slice(s * targetLength, targetLength));
            }
        }

        double loss = 0;
        int correct = 0;
        for (int s = 0; s < size; s++)
        {
            ReadOnlySpan<T> input = inputs.Slice((row + s) * _model.InputStride, inputLength);
            if (_byLabel)
            {
                int label = _labels.Span[row + s];
                loss += withLoss ? double.CreateChecked(_model.ComputeLoss(input, label)) : 0;
                correct += Outputs.ArgMax(outputs.Slice(s * outputSize, outputSize)) == label ? 1 : 0;
            }
            else
            {
                ReadOnlySpan<T> target = _targets.Span.Slice((row + s) * _model.TargetStride, targetLength);
                loss += withLoss ? double.CreateChecked(_model.ComputeLoss(input, target)) : 0;
                for (int f = 0; f < _model.Frames; f++)
                {
                    int predicted = Outputs.ArgMax(outputs.Slice((s * targetLength) + (f * outputSize), outputSize));
                    correct += predicted == Outputs.ArgMax(target.Slice(f * outputSize, outputSize)) ? 1 : 0;
                }
            }
        }

        _blockLosses[block] = loss;
        _blockCorrect[block] = correct;
    }
}

/// <summary>
/// The trainer's reduction of one shard's gradient into the batch's, as an <see cref="ElementWise"/> rule: the
/// "parameters" are the batch's gradient, the "gradients" the shard's; <c>sum += weight · shard</c>, the product rounded
/// on its own.
/// </summary>
/// <typeparam name="T">The scalar type.</typeparam>
internal readonly struct ScaledAdd<T> : IElementUpdate<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T _weight;

    /// <summary>The shard's weight: its share of the batch.</summary>
    public ScaledAdd(double weight) => _weight = T.CreateChecked(weight);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply<TSimd, TVector>(ref T parameters, ref T gradients, ref T first, ref T second, nuint offset)
        where TSimd : ISimd<T, TVector>
        where TVector : struct =>
        TSimd.Store(TSimd.Add(TSimd.Multiply(TSimd.Load(ref gradients, offset), TSimd.Create(_weight)), TSimd.Load(ref parameters, offset)), ref parameters, offset);
}
