using System;
using System.IO;
using Samples.AmpModel;
using StaticNet.Training;

// Learns an overdrive effect (a resonant tone stack into a tanh waveshaper) from audio it synthesises, with a GRU
// trained through time, then streams audio it has not heard through Step, one sample per call.
Console.WriteLine($"AmpNet: {AmpNet.Topology}, {AmpNet.ParameterCount} parameters, {AmpNet.StateSize} values of state.");
Console.WriteLine($"Training on {AmpTraining.TrainingSeconds} s of plucked strings and sweeps at {Audio.SampleRate / 1000} kHz, windows of 256 samples:");
AmpResult result = AmpTraining.Run(new Progress(epoch =>
{
    if (epoch.Epoch % 5 == 0 || epoch.Epoch == 1)
    {
        Console.WriteLine($"  epoch {epoch.Epoch,3}  loss {epoch.Loss:E3}  ({epoch.Elapsed.TotalSeconds:F1} s)");
    }
}));

Console.WriteLine($"Error-to-signal ratio on {AmpTraining.HeldOutSeconds} s of held-out audio: {result.Esr:F4} (target < 0.05)");
Console.WriteLine($"Streaming with Step: {result.RealTimeFactor:F0}x real time at 48 kHz on one core ({1e9 / (result.RealTimeFactor * Audio.SampleRate):F0} ns per sample).");
Console.WriteLine($"Streaming with the Freeze() snapshot's Step: {result.FrozenRealTimeFactor:F0}x real time ({1e9 / (result.FrozenRealTimeFactor * Audio.SampleRate):F0} ns per sample).");

string directory = Path.Combine(AppContext.BaseDirectory, "output");
Directory.CreateDirectory(directory);
Audio.WriteWav(Path.Combine(directory, "input.wav"), result.HeldOut);
Audio.WriteWav(Path.Combine(directory, "target.wav"), result.Target);
Audio.WriteWav(Path.Combine(directory, "model.wav"), result.Output);
int from = Audio.SampleRate + (Audio.SampleRate / 4);
File.WriteAllText(Path.Combine(directory, "waveforms.svg"), Audio.Svg(result.HeldOut.AsSpan(from, 480), result.Target.AsSpan(from, 480), result.Output.AsSpan(from, 480)));
Console.WriteLine($"Wrote input.wav, target.wav, model.wav and waveforms.svg (10 ms) to {directory}");

/// <summary>Reports each epoch on the training thread (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class Progress(Action<EpochResult> report) : IProgress<EpochResult>
{
    public void Report(EpochResult value) => report(value);
}
