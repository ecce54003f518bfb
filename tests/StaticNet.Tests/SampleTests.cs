using System;
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
