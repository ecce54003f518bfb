using System;
using System.Diagnostics;
using StaticNet;
using StaticNet.Training;

namespace Samples.AmpModel;

/// <summary>
/// A model of an overdrive effect for streaming audio, one sample (frame) in and one out per <see cref="AmpNet.Step"/>:
/// a GRU of 12 units with a dense output, 553 parameters.
/// </summary>
[Network(Input = 1, Loss = Loss.MeanSquaredError)]
[Gru(12)]
[Dense(1)]
public partial class AmpNet;

/// <summary>What <see cref="AmpTraining.Run"/> reached.</summary>
/// <param name="Network">The trained model.</param>
/// <param name="History">Every epoch of the training.</param>
/// <param name="Esr">The error-to-signal ratio on the held-out audio.</param>
/// <param name="HeldOut">The held-out input.</param>
/// <param name="Target">The effect's output on it.</param>
/// <param name="Output">The model's output on it, streamed through <see cref="AmpNet.Step"/>.</param>
/// <param name="RealTimeFactor">Seconds of audio streamed per second of one core.</param>
/// <param name="FrozenOutput">The output of the model's inference snapshot (<see cref="AmpNet.Freeze"/>), streamed the same way.</param>
/// <param name="FrozenRealTimeFactor">Seconds of audio the snapshot streams per second of one core.</param>
public sealed record AmpResult(
    AmpNet Network, TrainingHistory History, double Esr, float[] HeldOut, float[] Target, float[] Output, double RealTimeFactor, float[] FrozenOutput, double FrozenRealTimeFactor);

/// <summary>Trains <see cref="AmpNet"/> on synthesised audio and measures it on audio it has not heard.</summary>
public static class AmpTraining
{
    /// <summary>Seconds of training audio.</summary>
    public const double TrainingSeconds = 8;

    /// <summary>Seconds of held-out audio (another seed).</summary>
    public const double HeldOutSeconds = 3;

    public const int Epochs = 15;

    /// <summary>Trains from a fixed seed and measures; <paramref name="progress"/> receives each epoch.</summary>
    public static AmpResult Run(IProgress<EpochResult>? progress = null)
    {
        float[] input = Audio.Guitar(TrainingSeconds, seed: 1);
        float[] target = Audio.Effect(input);

        // Truncated backpropagation through time on windows of 256 samples (5.3 ms), each from the zero state.
        var net = new AmpNet(seed: 7);
        var options = new TrainerOptions { Epochs = Epochs, BatchSize = 16, WindowLength = 256, Seed = 3, Schedule = new StepDecay(6, 0.3) };
        TrainingHistory history = new SequenceTrainer<AmpNet, float>(net, new Adam<float>(AmpNet.ParameterCount, 0.01), options).Fit(input, target, progress);

        // Held-out audio streamed sample by sample, as a plug-in would run it.
        float[] heldOut = Audio.Guitar(HeldOutSeconds, seed: 2);
        float[] expected = Audio.Effect(heldOut);
        var output = new float[heldOut.Length];
        double realTime = HeldOutSeconds / Stream(net.Step, heldOut, output);

        // The same through the inference snapshot, whose weights are packed for the step: what a plug-in would ship.
        var frozenOutput = new float[heldOut.Length];
        double frozenRealTime = HeldOutSeconds / Stream(net.Freeze().Step, heldOut, frozenOutput);
        return new AmpResult(net, history, Audio.ErrorToSignal(expected, output), heldOut, expected, output, realTime, frozenOutput, frozenRealTime);
    }

    private delegate void StepCall(Span<float> state, ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Streams <paramref name="input"/> sample by sample from the zero state, twice (the first warms up); returns the seconds of the second.</summary>
    private static double Stream(StepCall step, ReadOnlySpan<float> input, Span<float> output)
    {
        Span<float> state = stackalloc float[AmpNet.StateSize];
        Run(step, input, output, state);
        state.Clear();
        long start = Stopwatch.GetTimestamp();
        Run(step, input, output, state);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static void Run(StepCall step, ReadOnlySpan<float> input, Span<float> output, Span<float> state)
    {
        for (int i = 0; i < input.Length; i++)
        {
            step(state, input.Slice(i, 1), output.Slice(i, 1));
        }
    }
}
