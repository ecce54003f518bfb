using System;
using Samples.AmpModel;
using Samples.Digits;
using Samples.Spiral;
using Samples.Xor;
using Xunit;

namespace StaticNet.Tests;

/// <summary>The samples reach what README says they reach.</summary>
public sealed class SampleTests
{
    [Fact]
    public void Xor_learns_xor()
    {
        XorNet net = XorTraining.Train();
        var output = new float[1];
        for (int i = 0; i < XorTraining.Inputs.Length; i++)
        {
            net.Forward(XorTraining.Inputs[i], output);
            Assert.True(Math.Abs(output[0] - XorTraining.Targets[i]) < 0.05f, $"{XorTraining.Inputs[i][0]} xor {XorTraining.Inputs[i][1]} gave {output[0]}");
        }
    }

    [Fact]
    public void Spiral_reaches_95_percent_training_accuracy_with_the_trainer_and_Adam()
    {
        SpiralResult result = SpiralTraining.Run();
        Assert.True(result.Accuracy >= 0.95, $"accuracy {result.Accuracy:P1}");
        Assert.Equal(SpiralTraining.Epochs, result.Epochs);

        string svg = SpiralPlot.Svg(result.Network, result.Inputs, result.Labels);
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Equal(300, svg.Split("<circle").Length - 1);
    }

    [Fact]
    public void AmpModel_reaches_an_error_to_signal_ratio_below_0_05_on_held_out_audio()
    {
        AmpResult result = AmpTraining.Run();
        Assert.True(result.Esr < 0.05, $"ESR {result.Esr:F4}");
        Assert.Equal(AmpTraining.Epochs, result.History.Epochs.Count);
        Assert.Equal(result.HeldOut.Length, result.Output.Length);

        // Streaming through Step gives what Forward gives on the whole held-out sequence.
        var forward = new float[result.HeldOut.Length];
        result.Network.Forward(result.HeldOut, forward);
        Tolerance.AssertClose(Array.ConvertAll(forward, v => (double)v), Array.ConvertAll(result.Output, v => (double)v), 1e-4, "Step against Forward");
        Tolerance.AssertClose(Array.ConvertAll(result.Output, v => (double)v), Array.ConvertAll(result.FrozenOutput, v => (double)v), 1e-4, "the snapshot's Step against Step");
        Assert.True(result.RealTimeFactor > 0 && result.FrozenRealTimeFactor > 0);

        string svg = Audio.Svg(result.HeldOut.AsSpan(0, 480), result.Target.AsSpan(0, 480), result.Output.AsSpan(0, 480));
        Assert.Equal(3, svg.Split("<polyline").Length - 1);
        string wav = System.IO.Path.GetTempFileName();
        Audio.WriteWav(wav, result.Output);
        Assert.Equal(44 + (2 * result.Output.Length), new System.IO.FileInfo(wav).Length);
        System.IO.File.Delete(wav);
    }

    [Fact]
    public void Digits_reaches_95_percent_test_accuracy()
    {
        DigitsResult result = DigitsTraining.Run();
        Assert.True(result.TestAccuracy >= 0.95, $"test accuracy {result.TestAccuracy:P1}");
        Assert.Equal(1797 - DigitsTraining.TestCount, result.TrainCount);
        int total = 0;
        foreach (int cell in result.Confusion)
        {
            total += cell;
        }

        Assert.Equal(DigitsTraining.TestCount, total);
    }
}
