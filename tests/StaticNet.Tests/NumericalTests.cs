using System;
using System.Linq;
using Xunit;
using static StaticNet.Tests.Tolerance;

namespace StaticNet.Tests;

/// <summary>Every declared network against the double-precision reference and against finite differences.</summary>
public sealed class NumericalTests
{
    private const int Samples = 4;

    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void Forward_matches_the_reference(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(1);
        NetworkAdapter generated = network.Create(seed: 0);
        double[] parameters = network.RandomizeParameters(generated, random);
        for (int sample = 0; sample < Samples; sample++)
        {
            double[] input = network.Random(random, network.InputSize, scale: 2);
            AssertClose(network.Reference.Forward(parameters, input), generated.Forward(input), For(network), "output");
        }
    }

    /// <summary>
    /// 37 samples: more than one block of the batched kernels, tiles of several samples sharing each weight load, and a
    /// remainder that goes through the single-sample kernels; every output must still be the single-sample one to the bit.
    /// </summary>
    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void ForwardBatch_of_many_samples_matches_Forward_to_the_bit(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(12);
        NetworkAdapter generated = network.Create(seed: 0);
        network.RandomizeParameters(generated, random);
        double[][] inputs = Enumerable.Range(0, 37).Select(_ => network.Random(random, network.InputSize)).ToArray();

        double[] batch = generated.ForwardBatch(inputs.SelectMany(x => x).ToArray(), 37 * network.OutputSize);

        Assert.Equal(inputs.SelectMany(generated.Forward).ToArray(), batch);
    }

    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void ForwardBatch_matches_Forward_sample_by_sample(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(2);
        NetworkAdapter generated = network.Create(seed: 0);
        network.RandomizeParameters(generated, random);
        double[][] inputs = Enumerable.Range(0, 3).Select(_ => network.Random(random, network.InputSize)).ToArray();

        double[] batch = generated.ForwardBatch(inputs.SelectMany(x => x).ToArray(), 3 * network.OutputSize);

        double[] oneByOne = inputs.SelectMany(generated.Forward).ToArray();
        Assert.Equal(oneByOne, batch);
        Assert.Empty(generated.ForwardBatch([], 0));
    }

    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void ComputeLoss_matches_the_reference(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(3);
        NetworkAdapter generated = network.Create(seed: 0);
        double[] parameters = network.RandomizeParameters(generated, random);
        for (int sample = 0; sample < Samples; sample++)
        {
            double[] input = network.Random(random, network.InputSize, scale: 2);
            double[] target = network.Target(random);
            AssertClose(network.Reference.ComputeLoss(parameters, input, target), generated.ComputeLoss(input, target), For(network), "loss");
        }
    }

    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void Backward_matches_the_reference(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(4);
        NetworkAdapter generated = network.Create(seed: 0);
        double[] parameters = network.RandomizeParameters(generated, random);
        for (int sample = 0; sample < Samples; sample++)
        {
            double[] input = network.Random(random, network.InputSize, scale: 2);
            double[] target = network.Target(random);
            (double loss, double[] gradient, double[] inputGradient) = network.Reference.Backward(parameters, input, target);

            var gradients = new double[parameters.Length];
            var actualInputGradient = new double[network.InputSize];
            double actualLoss = generated.Backward(input, target, gradients, actualInputGradient);
            var gradientsOnly = new double[parameters.Length];
            double lossOnly = generated.Backward(input, target, gradientsOnly);

            AssertClose(loss, actualLoss, For(network), "loss");
            AssertClose(gradient, gradients, For(network), "dLoss/dParameters");
            AssertClose(inputGradient, actualInputGradient, For(network), "dLoss/dInput");
            Assert.Equal(gradients, gradientsOnly);
            Assert.Equal(actualLoss, lossOnly);
            Assert.Equal(parameters, generated.Parameters);
        }
    }

    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void Backward_adds_into_the_gradients(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(5);
        NetworkAdapter generated = network.Create(seed: 0);
        network.RandomizeParameters(generated, random);
        double[] first = network.Random(random, network.InputSize), second = network.Random(random, network.InputSize);
        double[] firstTarget = network.Target(random), secondTarget = network.Target(random);
        var firstGradient = new double[network.Reference.ParameterCount];
        var secondGradient = new double[network.Reference.ParameterCount];
        generated.Backward(first, firstTarget, firstGradient);
        generated.Backward(second, secondTarget, secondGradient);

        double[] accumulated = (double[])firstGradient.Clone();
        generated.Backward(second, secondTarget, accumulated);

        double[] sum = firstGradient.Zip(secondGradient, (a, b) => network.Round(a + b)).ToArray();
        Assert.Equal(sum, accumulated);
    }

    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void The_reference_gradient_matches_finite_differences(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(6);
        double[] parameters = network.RandomParameters(random);
        double[] input = network.Random(random, network.InputSize, scale: 2);
        double[] target = network.Target(random);
        int[] indices = SampleIndices(random, parameters.Length);

        (_, double[] gradient, double[] inputGradient) = network.Reference.Backward(parameters, input, target);
        (double[] numeric, double[] numericInput) = network.Reference.FiniteDifferences(parameters, input, target, indices);

        AssertClose(numeric, gradient, 1e-5, "dLoss/dParameters");
        AssertClose(numericInput, inputGradient, 1e-5, "dLoss/dInput");
    }

    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void Backward_matches_finite_differences_of_ComputeLoss(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(7);
        NetworkAdapter generated = network.Create(seed: 0);
        double[] parameters = network.RandomizeParameters(generated, random);
        double[] input = network.Random(random, network.InputSize, scale: 2);
        double[] target = network.Target(random);
        var gradients = new double[parameters.Length];
        generated.Backward(input, target, gradients);

        // Central differences of the generated ComputeLoss itself, in the network's own precision. ReLU-family networks
        // have kinks where a difference quotient is meaningless: there only parameters whose quotient is stable (equal
        // for two step sizes) are compared.
        double epsilon = network.IsDouble ? 1e-6 : 1e-2;
        double relative = network.IsDouble ? 1e-6 : 2e-2;
        int compared = 0;
        foreach (int k in SampleIndices(random, parameters.Length))
        {
            double numeric = Difference(generated, parameters, k, epsilon, input, target);
            if (!network.IsSmooth && Math.Abs(numeric - Difference(generated, parameters, k, epsilon / 2, input, target)) > relative * (Math.Abs(numeric) + 1e-2))
            {
                continue;
            }

            compared++;
            AssertClose(numeric, gradients[k], relative, $"dLoss/dParameters[{k}] against finite differences");
        }

        generated.Parameters = parameters;
        Assert.True(compared > 0, "no parameter was compared");
    }

    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void TrainStep_subtracts_the_learning_rate_times_the_gradient(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(8);
        NetworkAdapter generated = network.Create(seed: 0);
        double[] parameters = network.RandomizeParameters(generated, random);
        double[] input = network.Random(random, network.InputSize, scale: 2);
        double[] target = network.Target(random);
        const double LearningRate = 0.125;
        (double loss, double[] gradient, _) = network.Reference.Backward(parameters, input, target);

        double returned = generated.TrainStep(input, target, LearningRate);

        double[] expected = parameters.Zip(gradient, (p, g) => p - (LearningRate * g)).ToArray();
        AssertClose(loss, returned, For(network), "loss before the update");
        AssertClose(expected, generated.Parameters, For(network), "parameters after the step");
    }

    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void BackwardBatch_adds_the_mean_gradient_and_returns_the_mean_loss(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(10);
        NetworkAdapter generated = network.Create(seed: 0);
        double[] parameters = network.RandomizeParameters(generated, random);

        // 1 sample, a block and a few (with remainders of the blocks and of the sample tiles), and an odd count.
        foreach (int count in new[] { 1, 5, 37 })
        {
            double[][] inputs = Enumerable.Range(0, count).Select(_ => network.Random(random, network.InputSize, scale: 2)).ToArray();
            double[][] targets = Enumerable.Range(0, count).Select(_ => network.Target(random)).ToArray();
            var expected = new double[parameters.Length];
            double expectedLoss = 0;
            for (int s = 0; s < count; s++)
            {
                (double loss, double[] gradient, _) = network.Reference.Backward(parameters, inputs[s], targets[s]);
                expectedLoss += loss / count;
                for (int k = 0; k < gradient.Length; k++)
                {
                    expected[k] += gradient[k] / count;
                }
            }

            double[] start = network.Random(random, parameters.Length);
            double[] gradients = (double[])start.Clone();
            double actualLoss = generated.BackwardBatch(inputs.SelectMany(x => x).ToArray(), targets.SelectMany(t => t).ToArray(), gradients);

            AssertClose(expectedLoss, actualLoss, For(network), $"mean loss of {count}");
            AssertClose(expected, gradients.Zip(start, (g, s0) => g - s0).ToArray(), For(network), $"mean dLoss/dParameters of {count}");
            Assert.Equal(parameters, generated.Parameters);
        }
    }

    [Theory]
    [MemberData(nameof(NetworkCase.Classifiers), MemberType = typeof(NetworkCase))]
    public void BackwardBatch_with_labels_equals_one_hot_targets(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(11);
        NetworkAdapter generated = network.Create(seed: 0);
        double[] parameters = network.RandomizeParameters(generated, random);
        const int Count = 21;
        double[] inputs = network.Random(random, Count * network.InputSize, scale: 2);
        int[] labels = Enumerable.Range(0, Count).Select(_ => random.Next(network.OutputSize)).ToArray();
        double[] oneHot = labels.SelectMany(label => Enumerable.Range(0, network.OutputSize).Select(j => j == label ? 1.0 : 0.0)).ToArray();

        var fromTargets = new double[parameters.Length];
        var fromLabels = new double[parameters.Length];
        Assert.Equal(generated.BackwardBatch(inputs, oneHot, fromTargets), generated.BackwardBatch(inputs, labels, fromLabels));
        Assert.Equal(fromTargets, fromLabels);
    }

    [Theory]
    [MemberData(nameof(NetworkCase.Classifiers), MemberType = typeof(NetworkCase))]
    public void The_label_overloads_equal_a_one_hot_target(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(9);
        NetworkAdapter generated = network.Create(seed: 0);
        double[] parameters = network.RandomizeParameters(generated, random);
        for (int label = 0; label < network.OutputSize; label++)
        {
            double[] input = network.Random(random, network.InputSize, scale: 2);
            double[] oneHot = Enumerable.Range(0, network.OutputSize).Select(j => j == label ? 1.0 : 0.0).ToArray();

            Assert.Equal(generated.ComputeLoss(input, oneHot), generated.ComputeLoss(input, label));

            var fromTarget = new double[parameters.Length];
            var fromLabel = new double[parameters.Length];
            Assert.Equal(generated.Backward(input, oneHot, fromTarget), generated.Backward(input, label, fromLabel));
            Assert.Equal(fromTarget, fromLabel);

            double[] output = generated.Forward(input);
            Assert.Equal(Array.IndexOf(output, output.Max()), generated.Predict(input));

            double lossFromTarget = generated.TrainStep(input, oneHot, 0.01);
            double[] afterTarget = generated.Parameters;
            generated.Parameters = parameters;
            Assert.Equal(lossFromTarget, generated.TrainStep(input, label, 0.01));
            Assert.Equal(afterTarget, generated.Parameters);
            generated.Parameters = parameters;
        }
    }

    /// <summary>Up to 200 parameter indices, always including the first and last (the first weight and the last bias).</summary>
    private static int[] SampleIndices(Random random, int count) =>
        count <= 200
            ? Enumerable.Range(0, count).ToArray()
            : new[] { 0, count - 1 }.Concat(Enumerable.Range(0, 198).Select(_ => random.Next(count))).Distinct().ToArray();

    private static double Difference(NetworkAdapter network, double[] parameters, int k, double epsilon, double[] input, double[] target)
    {
        double[] shifted = (double[])parameters.Clone();
        shifted[k] = parameters[k] + epsilon;
        network.Parameters = shifted;
        double plus = network.ComputeLoss(input, target);
        shifted[k] = parameters[k] - epsilon;
        network.Parameters = shifted;
        double minus = network.ComputeLoss(input, target);
        network.Parameters = parameters;
        return (plus - minus) / (2 * epsilon);
    }
}
