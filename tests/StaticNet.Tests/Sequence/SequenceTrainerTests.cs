using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using StaticNet.Tests.Sequence.Networks;
using StaticNet.Training;
using Xunit;

namespace StaticNet.Tests.Sequence;

/// <summary>
/// The sequence trainer: windows cut from a recording, truncated backpropagation through time, learning, determinism
/// whatever the core count, batches as the mean of their windows, validation, cancellation, divergence and argument checks.
/// </summary>
public sealed class SequenceTrainerTests
{
    /// <summary>A recording of 1-input frames and a target with memory: y[t] = tanh(2 (x[t] + 0.5 x[t - 2])).</summary>
    private static (float[] Inputs, float[] Targets) Echo(int frames, int seed = 1)
    {
        var random = new Random(seed);
        float[] x = Enumerable.Range(0, frames).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        float[] y = Enumerable.Range(0, frames).Select(t => MathF.Tanh(2 * (x[t] + (t >= 2 ? 0.5f * x[t - 2] : 0)))).ToArray();
        return (x, y);
    }

    [Fact]
    public void Fit_learns_a_target_with_memory_and_reports_every_epoch()
    {
        (float[] x, float[] y) = Echo(4000);
        var net = new WideGru(1);
        var epochs = new List<EpochResult>();
        var trainer = new SequenceTrainer<WideGru, float>(net, new Adam<float>(WideGru.ParameterCount, 0.01), new TrainerOptions { Epochs = 8, BatchSize = 8, WindowLength = 20, ValidationSplit = 0.2 });
        float before = net.ComputeLoss(x.AsSpan(3200), y.AsSpan(3200));

        TrainingHistory history = trainer.Fit(x, y, new SynchronousProgress<EpochResult>(epochs.Add));

        Assert.Equal(8, history.Epochs.Count);
        Assert.Equal(history.Epochs, epochs);
        Assert.True(history.Last.ValidationLoss < before / 4, $"validation loss {history.Last.ValidationLoss} against {before} before training");
        Assert.True(history.Last.Loss < history.Epochs[0].Loss);
        Assert.Null(history.Last.Accuracy);
    }

    [Fact]
    public void Results_are_identical_whatever_the_number_of_cores()
    {
        (float[] x, float[] y) = Echo(1500);
        float[] Train(int cores)
        {
            var net = new WideGru(3);
            new SequenceTrainer<WideGru, float>(net, new Adam<float>(WideGru.ParameterCount, 0.01), new TrainerOptions { Epochs = 2, BatchSize = 12, ShardSize = 2, WindowLength = 16, WindowStride = 7, MaxDegreeOfParallelism = cores, Seed = 5 }).Fit(x, y);
            return net.Parameters.ToArray();
        }

        Assert.Equal(Train(1), Train(2));
    }

    [Fact]
    public void A_batch_gradient_is_the_mean_gradient_of_its_windows_with_the_given_stride()
    {
        (float[] x, float[] y) = Echo(61);
        const int Window = 12, Stride = 5;
        var net = new DilatedConvOne(2);
        var expected = new DilatedConvOne(2);
        int windows = ((61 - Window) / Stride) + 1;
        var gradient = new float[DilatedConvOne.ParameterCount];
        var windowInputs = new List<float>();
        var windowTargets = new List<float>();
        for (int w = 0; w < windows; w++)
        {
            windowInputs.AddRange(x.AsSpan(w * Stride, Window).ToArray());
            windowTargets.AddRange(y.AsSpan(w * Stride, Window).ToArray());
        }

        float loss = expected.BackwardBatch(windowInputs.ToArray(), windowTargets.ToArray(), gradient, Window);
        new Sgd<float>(DilatedConvOne.ParameterCount, 1).Step(expected.Parameters, gradient);

        TrainingHistory history = new SequenceTrainer<DilatedConvOne, float>(net, new Sgd<float>(DilatedConvOne.ParameterCount, 1), new TrainerOptions { Epochs = 1, BatchSize = windows, ShardSize = 3, Shuffle = false, WindowLength = Window, WindowStride = Stride }).Fit(x, y);

        Assert.Equal(loss, history.Last.Loss, 5);
        Tolerance.AssertClose(expected.Parameters.ToArray().Select(v => (double)v).ToArray(), net.Parameters.ToArray().Select(v => (double)v).ToArray(), 1e-5, "parameters after one batch of every window");
    }

    [Fact]
    public void Validation_windows_are_never_trained_on()
    {
        (float[] x, float[] y) = Echo(400);
        float[] Train(float[] targets)
        {
            var net = new WideGru(4);
            new SequenceTrainer<WideGru, float>(net, new Sgd<float>(WideGru.ParameterCount, 0.1), new TrainerOptions { Epochs = 2, BatchSize = 4, WindowLength = 20, ValidationSplit = 0.25 }).Fit(x, targets);
            return net.Parameters.ToArray();
        }

        // The last quarter of the windows (frames 300 on) is held out: changing its targets changes nothing trained.
        float[] changed = (float[])y.Clone();
        changed.AsSpan(300).Fill(5);
        Assert.Equal(Train(y), Train(changed));
    }

    [Fact]
    public void Cancellation_is_honoured_between_batches()
    {
        (float[] x, float[] y) = Echo(800);
        using var cancellation = new CancellationTokenSource();
        var trainer = new SequenceTrainer<WideGru, float>(new WideGru(), new Sgd<float>(WideGru.ParameterCount, 0.1), new TrainerOptions { Epochs = 5, BatchSize = 2, WindowLength = 20 });
        int epochs = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => trainer.Fit(x, y, new SynchronousProgress<EpochResult>(_ =>
        {
            epochs++;
            cancellation.Cancel();
        }), cancellation.Token));
        Assert.Equal(1, epochs);
    }

    [Fact]
    public void A_non_finite_frame_stops_training_and_names_its_window()
    {
        (float[] x, float[] y) = Echo(200);
        x[125] = float.NaN;
        var net = new WideGru();
        float[] before = net.Parameters.ToArray();
        var trainer = new SequenceTrainer<WideGru, float>(net, new Sgd<float>(WideGru.ParameterCount, 0.1), new TrainerOptions { Epochs = 1, BatchSize = 10, Shuffle = false, WindowLength = 25 });

        TrainingDivergedException exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(x, y));

        Assert.Equal(5, exception.Sample);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void Wrong_arguments_are_reported()
    {
        var net = new GruTagger();
        var sgd = new Sgd<float>(GruTagger.ParameterCount, 0.1);
        Assert.Throws<ArgumentException>(() => new SequenceTrainer<GruTagger, float>(net, new Sgd<float>(3, 0.1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceTrainer<GruTagger, float>(net, sgd, new TrainerOptions { WindowLength = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceTrainer<GruTagger, float>(net, sgd, new TrainerOptions { WindowStride = -1 }));
        var trainer = new SequenceTrainer<GruTagger, float>(net, sgd, new TrainerOptions { WindowLength = 10 });
        ArgumentException shortRecording = Assert.Throws<ArgumentException>(() => trainer.Fit(new float[2 * 9], new float[4 * 9]));
        Assert.Contains("fewer than one window of 10", shortRecording.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => trainer.Fit(new float[(2 * 20) + 1], new float[4 * 20]));
        Assert.Throws<ArgumentException>(() => trainer.Fit(new float[2 * 20], new float[(4 * 20) - 1]));
    }

    [Fact]
    public void A_cross_entropy_network_reports_the_accuracy_of_its_frames()
    {
        var random = new Random(2);
        const int Frames = 600;
        var x = new float[Frames * 2];
        var y = new float[Frames * 4];
        for (int t = 0; t < Frames; t++)
        {
            int label = random.Next(4);
            x[2 * t] = label & 1;
            x[(2 * t) + 1] = label >> 1;
            y[(4 * t) + label] = 1;
        }

        var trainer = new SequenceTrainer<GruTagger, float>(new GruTagger(1), new Adam<float>(GruTagger.ParameterCount, 0.05), new TrainerOptions { Epochs = 6, BatchSize = 4, WindowLength = 10 });
        TrainingHistory history = trainer.Fit(x, y);
        Assert.True(history.Last.Accuracy > 0.95, $"accuracy {history.Last.Accuracy}");
    }

    private sealed class SynchronousProgress<TValue>(Action<TValue> report) : IProgress<TValue>
    {
        public void Report(TValue value) => report(value);
    }
}
