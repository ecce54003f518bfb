using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using StaticNet.Tests.Networks;
using StaticNet.Training;
using Xunit;

namespace StaticNet.Tests;

/// <summary>The trainer: learning, determinism whatever the core count, cancellation, divergence, progress, validation.</summary>
public sealed class TrainerTests
{
    private const int Samples = 300;

    /// <summary>Three Gaussian blobs in four dimensions, one per class (seeded).</summary>
    private static (float[] Inputs, int[] Labels) BlobData(int seed = 3)
    {
        var random = new Random(seed);
        var inputs = new float[Samples * 4];
        var labels = new int[Samples];
        for (int s = 0; s < Samples; s++)
        {
            int label = s % 3;
            labels[s] = label;
            for (int d = 0; d < 4; d++)
            {
                inputs[(s * 4) + d] = (float)((d == label ? 2.0 : 0.0) + (random.NextDouble() - 0.5));
            }
        }

        return (inputs, labels);
    }

    [Fact]
    public void Fit_learns_a_separable_problem_and_reports_every_epoch()
    {
        (float[] inputs, int[] labels) = BlobData();
        var net = new Blobs(seed: 1);
        var reports = new List<EpochResult>();
        var trainer = new Trainer<Blobs, float>(net, new Adam<float>(Blobs.ParameterCount, learningRate: 0.02), new TrainerOptions { Epochs = 15, BatchSize = 32, ValidationSplit = 0.2 });

        TrainingHistory history = trainer.Fit(inputs, labels, new SynchronousProgress<EpochResult>(reports.Add));

        Assert.Equal(15, history.Epochs.Count);
        Assert.Equal(history.Epochs, reports);
        Assert.Equal(Enumerable.Range(1, 15), reports.Select(r => r.Epoch));
        Assert.True(history.Last.Loss < history.Epochs[0].Loss / 4, $"loss went from {history.Epochs[0].Loss} to {history.Last.Loss}");
        Assert.True(history.Last.Accuracy >= 0.99, $"accuracy {history.Last.Accuracy}");
        Assert.True(history.Last.ValidationAccuracy >= 0.95, $"validation accuracy {history.Last.ValidationAccuracy}");
        Assert.NotNull(history.Last.ValidationLoss);
    }

    [Fact]
    public void Results_are_identical_whatever_the_number_of_cores()
    {
        (float[] inputs, int[] labels) = BlobData();
        float[] Train(int cores)
        {
            var net = new Blobs(seed: 2);
            var options = new TrainerOptions { Epochs = 3, BatchSize = 50, ShardSize = 8, MaxDegreeOfParallelism = cores, Seed = 9 };
            new Trainer<Blobs, float>(net, new Adam<float>(Blobs.ParameterCount, 0.01), options).Fit(inputs, labels);
            return net.Parameters.ToArray();
        }

        float[] one = Train(1);
        Assert.Equal(one, Train(2));
        Assert.Equal(one, Train(4));
        Assert.Equal(one, Train(7));
    }

    [Fact]
    public void Results_are_identical_whatever_the_number_of_cores_when_reduction_and_evaluation_run_in_parallel()
    {
        // 18,880 parameters: two slices of the parallel reduction; 450 training and 150 validation samples: two
        // evaluation blocks of 256. The parameters and every figure of the history must match to the bit.
        var random = new Random(5);
        var inputs = new float[600 * 100];
        var labels = new int[600];
        for (int s = 0; s < labels.Length; s++)
        {
            labels[s] = s % 10;
            for (int d = 0; d < 100; d++)
            {
                inputs[(s * 100) + d] = (float)((d % 10 == labels[s] ? 1.0 : 0.0) + random.NextDouble() - 0.5);
            }
        }

        (float[] Parameters, TrainingHistory History) Train(int cores)
        {
            var net = new WideClassifier(seed: 3);
            var options = new TrainerOptions { Epochs = 2, BatchSize = 64, ShardSize = 8, MaxDegreeOfParallelism = cores, Seed = 4, ValidationSplit = 0.25 };
            TrainingHistory history = new Trainer<WideClassifier, float>(net, new Adam<float>(WideClassifier.ParameterCount, 0.01), options).Fit(inputs, labels);
            return (net.Parameters.ToArray(), history);
        }

        (float[] parameters, TrainingHistory one) = Train(1);
        Assert.True(one.Last.Accuracy > 0.5, $"accuracy {one.Last.Accuracy}");
        foreach (int cores in new[] { 2, 3 })
        {
            (float[] p, TrainingHistory h) = Train(cores);
            Assert.Equal(parameters, p);
            Assert.Equal(one.Epochs.Select(e => (e.Loss, e.Accuracy, e.ValidationLoss, e.ValidationAccuracy)), h.Epochs.Select(e => (e.Loss, e.Accuracy, e.ValidationLoss, e.ValidationAccuracy)));
        }
    }

    [Fact]
    public void A_batch_gradient_is_the_mean_gradient_of_its_samples()
    {
        // One batch of 40 samples in shards of 8, plain SGD with rate 1: the step is minus the batch's mean gradient.
        (float[] inputs, int[] labels) = BlobData();
        var net = new Blobs(seed: 4);
        float[] before = net.Parameters.ToArray();
        var expected = new float[Blobs.ParameterCount];
        float loss = net.BackwardBatch(inputs.AsSpan(0, 40 * 4), labels.AsSpan(0, 40), expected);

        var trainer = new Trainer<Blobs, float>(net, new Sgd<float>(Blobs.ParameterCount, learningRate: 1), new TrainerOptions { Epochs = 1, BatchSize = 40, ShardSize = 8, Shuffle = false });
        TrainingHistory history = trainer.Fit(inputs.AsMemory(0, 40 * 4), labels.AsMemory(0, 40));

        float[] step = before.Zip(net.Parameters.ToArray(), (b, a) => b - a).ToArray();
        Tolerance.AssertClose(expected.Select(g => (double)g).ToArray(), step.Select(g => (double)g).ToArray(), 1e-5, "step");
        Tolerance.AssertClose(loss, history.Last.Loss, 1e-6, "loss");
    }

    [Fact]
    public void Cancellation_is_honoured_between_batches()
    {
        (float[] inputs, int[] labels) = BlobData();
        using var cancellation = new CancellationTokenSource();
        var optimizer = new CancellingOptimizer(new Sgd<float>(Blobs.ParameterCount, 0.1), cancellation, afterSteps: 5);
        var trainer = new Trainer<Blobs, float>(new Blobs(), optimizer, new TrainerOptions { Epochs = 10, BatchSize = 10 });

        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(inputs, labels, cancellationToken: cancellation.Token));
        Assert.Equal(5, optimizer.Steps);
    }

    [Fact]
    public void A_loss_that_becomes_NaN_stops_training_with_the_epoch_and_batch()
    {
        (float[] inputs, int[] labels) = BlobData();
        inputs[(70 * 4) + 1] = float.NaN;
        var net = new Blobs();
        var trainer = new Trainer<Blobs, float>(net, new Sgd<float>(Blobs.ParameterCount, 0.1), new TrainerOptions { Epochs = 2, BatchSize = 32, Shuffle = false });

        TrainingDivergedException exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(inputs, labels));

        Assert.Equal((1, 3), (exception.Epoch, exception.Batch));
        Assert.Contains("epoch 1, batch 3", exception.Message, StringComparison.Ordinal);
        Assert.True(double.IsNaN(exception.Loss));
        Assert.Equal((DivergedValue.Loss, 70), (exception.Value, exception.Sample));
        Assert.All(net.Parameters.ToArray(), p => Assert.True(float.IsFinite(p)));
    }

    /// <summary>Regression samples for <see cref="TanhRegression"/>: 4 inputs in [-1, 1], 3 targets (seeded).</summary>
    private static (float[] Inputs, float[] Targets) RegressionData(int samples, int seed = 7)
    {
        var random = new Random(seed);
        float[] inputs = Enumerable.Range(0, samples * 4).Select(_ => (float)((2 * random.NextDouble()) - 1)).ToArray();
        float[] targets = Enumerable.Range(0, samples * 3).Select(_ => (float)((2 * random.NextDouble()) - 1)).ToArray();
        return (inputs, targets);
    }

    /// <summary>
    /// Issue 14's reproduction: +Inf in one input of the last batch. The saturated tanh keeps the loss finite, but the
    /// gradient of the first layer's weights is not; training must stop at that batch, with the parameters as they were
    /// after the batch before it, to the bit, and a message that says so.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void An_infinite_input_hidden_by_a_saturated_tanh_stops_training_before_it_reaches_a_parameter(int epochs)
    {
        (float[] inputs, float[] targets) = RegressionData(100);
        inputs[(98 * 4) + 2] = float.PositiveInfinity;
        var net = new TanhRegression(seed: 1);
        var options = new TrainerOptions { Epochs = epochs, BatchSize = 32, Shuffle = false };
        var trainer = new Trainer<TanhRegression, float>(net, new Adam<float>(TanhRegression.ParameterCount, 0.01), options);

        TrainingDivergedException exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(inputs, targets));

        Assert.Equal((1, 4), (exception.Epoch, exception.Batch));
        Assert.True(double.IsFinite(exception.Loss), $"the loss {exception.Loss} is not finite: the test does not reproduce the issue");
        Assert.Equal(DivergedValue.Gradient, exception.Value);
        Assert.True(exception.Count >= 8, $"{exception.Count} non-finite gradient values");
        Assert.Equal(98, exception.Sample);
        Assert.Contains("Sample 98 of the data", exception.Message, StringComparison.Ordinal);
        Assert.Contains("epoch 1, batch 4", exception.Message, StringComparison.Ordinal);
        Assert.Contains("left as they were before that batch", exception.Message, StringComparison.Ordinal);
        Assert.All(net.Parameters.ToArray(), p => Assert.True(float.IsFinite(p), $"parameter {p}"));

        var expected = new TanhRegression(seed: 1);
        new Trainer<TanhRegression, float>(expected, new Adam<float>(TanhRegression.ParameterCount, 0.01), options with { Epochs = 1 })
            .Fit(inputs.AsMemory(0, 96 * 4), targets.AsMemory(0, 96 * 3));
        Assert.Equal(expected.Parameters.ToArray(), net.Parameters.ToArray());
    }

    [Fact]
    public void A_step_that_overflows_a_parameter_stops_training_and_says_the_step_was_taken()
    {
        // Finite data, a finite loss and a finite gradient (targets far from the tanh network's reach make it large), but
        // a learning rate so large that the SGD step leaves the float range.
        (float[] inputs, float[] targets) = RegressionData(32);
        float[] far = targets.Select(t => t * 1000).ToArray();
        var net = new TanhRegression(seed: 1);
        var trainer = new Trainer<TanhRegression, float>(net, new Sgd<float>(TanhRegression.ParameterCount, 1e37), new TrainerOptions { Epochs = 1, BatchSize = 32 });

        TrainingDivergedException exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(inputs, far));

        Assert.Equal((1, 1), (exception.Epoch, exception.Batch));
        Assert.Equal(DivergedValue.Parameters, exception.Value);
        Assert.True(double.IsFinite(exception.Loss));
        Assert.Null(exception.Sample);
        Assert.Contains("epoch 1, batch 1", exception.Message, StringComparison.Ordinal);
        Assert.Contains("the parameters hold that step", exception.Message, StringComparison.Ordinal);
        Assert.Contains(net.Parameters.ToArray(), p => !float.IsFinite(p));
    }

    [Fact]
    public void A_network_that_starts_with_a_NaN_parameter_is_refused_before_any_step()
    {
        // Otherwise a later exception could not say whether a step made the parameters non-finite.
        (float[] inputs, int[] labels) = BlobData();
        var net = new Blobs(seed: 1);
        net.Parameters[17] = float.NaN;
        var trainer = new Trainer<Blobs, float>(net, new Sgd<float>(Blobs.ParameterCount, 0.1), new TrainerOptions { Epochs = 1 });
        InvalidOperationException exception = Assert.Throws<InvalidOperationException>(() => trainer.Fit(inputs, labels));
        Assert.Contains("1 NaN or infinite parameters before training", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, trainer.Optimizer.Steps);
    }

    [Fact]
    public void An_empty_data_set_is_rejected()
    {
        var trainer = new Trainer<Blobs, float>(new Blobs(), new Adam<float>(Blobs.ParameterCount));
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => trainer.Fit(ReadOnlyMemory<float>.Empty, ReadOnlyMemory<int>.Empty)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => trainer.Fit(ReadOnlyMemory<float>.Empty, ReadOnlyMemory<float>.Empty)).ParamName);
    }

    [Fact]
    public void Zero_epochs_train_nothing_and_the_empty_history_says_so()
    {
        (float[] inputs, int[] labels) = BlobData();
        var net = new Blobs(seed: 3);
        float[] before = net.Parameters.ToArray();
        TrainingHistory history = new Trainer<Blobs, float>(net, new Adam<float>(Blobs.ParameterCount), new TrainerOptions { Epochs = 0 }).Fit(inputs, labels);

        Assert.Empty(history.Epochs);
        Assert.Equal(before, net.Parameters.ToArray());
        InvalidOperationException exception = Assert.Throws<InvalidOperationException>(() => history.Last);
        Assert.Contains("no epoch", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_samples_are_never_trained_on()
    {
        // The last fifth is held out; NaN there would make any training step diverge.
        (float[] inputs, int[] labels) = BlobData();
        inputs.AsSpan(240 * 4).Fill(float.NaN);
        var trainer = new Trainer<Blobs, float>(new Blobs(), new Adam<float>(Blobs.ParameterCount), new TrainerOptions { Epochs = 2, ValidationSplit = 0.2 });

        TrainingHistory history = trainer.Fit(inputs, labels);

        Assert.True(double.IsFinite(history.Last.Loss));
        Assert.True(double.IsNaN(history.Last.ValidationLoss!.Value));
    }

    [Fact]
    public void Targets_train_like_labels_and_a_schedule_sets_the_learning_rate()
    {
        (float[] inputs, int[] labels) = BlobData();
        float[] oneHot = labels.SelectMany(label => Enumerable.Range(0, 3).Select(j => j == label ? 1f : 0f)).ToArray();
        var options = new TrainerOptions { Epochs = 4, Schedule = new StepDecay(stepSize: 2, gamma: 0.5) };

        var byLabel = new Blobs(seed: 5);
        TrainingHistory fromLabels = new Trainer<Blobs, float>(byLabel, new Sgd<float>(Blobs.ParameterCount, 0.2), options).Fit(inputs, labels);
        var byTarget = new Blobs(seed: 5);
        TrainingHistory fromTargets = new Trainer<Blobs, float>(byTarget, new Sgd<float>(Blobs.ParameterCount, 0.2), options).Fit(inputs, oneHot);

        Assert.Equal(byLabel.Parameters.ToArray(), byTarget.Parameters.ToArray());
        Assert.Equal(fromLabels.Epochs.Select(e => e.Accuracy), fromTargets.Epochs.Select(e => e.Accuracy));
        Assert.Equal([0.2, 0.2, 0.1, 0.1], fromLabels.Epochs.Select(e => Math.Round(e.LearningRate, 12)));
    }

    [Fact]
    public void Wrong_arguments_are_reported()
    {
        (float[] inputs, int[] labels) = BlobData();
        Assert.Throws<ArgumentException>(() => new Trainer<Blobs, float>(new Blobs(), new Adam<float>(5)));
        var trainer = new Trainer<Blobs, float>(new Blobs(), new Adam<float>(Blobs.ParameterCount));
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => trainer.Fit(inputs.AsMemory(1), labels)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => trainer.Fit(inputs, labels.AsMemory(1))).ParamName);
        int[] bad = (int[])labels.Clone();
        bad[10] = 3;
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(inputs, bad));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer<Blobs, float>(new Blobs(), new Adam<float>(Blobs.ParameterCount), new TrainerOptions { ValidationSplit = 1 }));
        var regression = new Trainer<XorNet, float>(new XorNet(), new Adam<float>(XorNet.ParameterCount));
        Assert.Throws<InvalidOperationException>(() => regression.Fit(new float[8], new int[4]));
    }

    private sealed class SynchronousProgress<TValue>(Action<TValue> report) : IProgress<TValue>
    {
        public void Report(TValue value) => report(value);
    }

    /// <summary>Cancels the token after a number of steps, to see where training stops.</summary>
    private sealed class CancellingOptimizer(IOptimizer<float> inner, CancellationTokenSource source, int afterSteps) : IOptimizer<float>
    {
        public int ParameterCount => inner.ParameterCount;

        public double LearningRate
        {
            get => inner.LearningRate;
            set => inner.LearningRate = value;
        }

        public long Steps => inner.Steps;

        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
        {
            inner.Step(parameters, gradients);
            if (inner.Steps == afterSteps)
            {
                source.Cancel();
            }
        }

        public void Reset() => inner.Reset();
    }
}
