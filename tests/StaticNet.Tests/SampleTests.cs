using System;
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
    public void Spiral_reaches_85_percent_training_accuracy()
    {
        SpiralResult result = SpiralTraining.Run();
        Assert.True(result.Accuracy >= 0.85, $"accuracy {result.Accuracy:P1}");
        Assert.Equal(SpiralTraining.Epochs * 300L, result.Steps);
    }
}
