using System;

namespace StaticNet.Benchmarks.Baselines;

/// <summary>What each baseline implements, with the same math as the generated network (see <see cref="Loss"/>).</summary>
public interface IBaseline
{
    /// <summary>One sample through the network.</summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Samples row by row through the network.</summary>
    void ForwardBatch(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>One SGD step on one sample; returns the loss before the step.</summary>
    float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> target, float learningRate);

    /// <summary>One SGD step on the mean gradient of a batch of samples; returns the mean loss.</summary>
    float TrainBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate);
}

/// <summary>The losses the reference topologies use: mean squared error (T1) or cross-entropy over softmax (T2, T3).</summary>
public enum Loss
{
    /// <summary>Mean squared error over an identity output.</summary>
    MeanSquaredError,

    /// <summary>Cross-entropy over a softmax output.</summary>
    CrossEntropy,
}

/// <summary>The hidden activations the reference topologies use.</summary>
public enum Hidden
{
    /// <summary>tanh (T1).</summary>
    Tanh,

    /// <summary>max(0, x) (T2, T3).</summary>
    ReLU,
}
