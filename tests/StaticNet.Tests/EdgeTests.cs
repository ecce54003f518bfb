using System;
using System.Linq;
using Xunit;
using static StaticNet.Tests.Tolerance;

namespace StaticNet.Tests;

/// <summary>
/// Behaviour at the edges, for every declared network: logits of ±1000, targets of exactly 0 and 1, pre-activations of
/// exactly 0 at the ReLU kink, NaN inputs, and an infinite input behind a saturated activation.
/// </summary>
public sealed class EdgeTests
{
    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void Logits_of_plus_and_minus_1000_give_finite_outputs_losses_and_gradients(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(11);
        NetworkAdapter generated = network.Create(seed: 0);
        double[] parameters = WithOutputLogits(network, network.RandomParameters(random), Logits(network.OutputSize));
        generated.Parameters = parameters;
        double[] input = network.Random(random, network.InputSize, scale: 2);
        double[] target = network.Target(random);

        double[] output = generated.Forward(input);
        AssertFinite(output, "output");
        AssertClose(network.Reference.Forward(parameters, input), output, For(network), "output");
        if (network.Reference.Activations[^1] == Activation.Softmax)
        {
            Assert.Equal(1, output.Sum(), 1e-6);
        }

        double loss = generated.ComputeLoss(input, target);
        AssertFinite([loss], "loss");
        AssertClose(network.Reference.ComputeLoss(parameters, input, target), loss, For(network), "loss");

        var gradient = new double[parameters.Length];
        var inputGradient = new double[network.InputSize];
        Assert.Equal(loss, generated.Backward(input, target, gradient, inputGradient));
        AssertFinite(gradient, "dLoss/dParameters");
        AssertFinite(inputGradient, "dLoss/dInput");
        AssertClose(ExpectedGradient(network, parameters, input, target), gradient, For(network), "dLoss/dParameters");

        Assert.Equal(loss, generated.TrainStep(input, target, 0.01));
        AssertFinite(generated.Parameters, "parameters after one SGD step");
    }

    [Theory]
    [MemberData(nameof(CrossEntropyNetworks))]
    public void Targets_of_exactly_0_and_1_give_a_finite_cross_entropy(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(12);
        NetworkAdapter generated = network.Create(seed: 0);
        double[] input = network.Random(random, network.InputSize, scale: 2);
        int n = network.OutputSize;
        double[][] targets = network.IsClassifier
            ? Enumerable.Range(0, n).Select(label => Enumerable.Range(0, n).Select(j => j == label ? 1.0 : 0.0).ToArray()).ToArray()
            : [new double[n], Enumerable.Repeat(1.0, n).ToArray(), Enumerable.Range(0, n).Select(j => (double)(j % 2)).ToArray()];

        // Logits of ±1000 make probabilities of exactly 0 and 1; ordinary parameters make them moderate.
        foreach (double[] parameters in new[] { WithOutputLogits(network, network.RandomParameters(random), Logits(n)), network.RandomParameters(random) })
        {
            generated.Parameters = parameters;
            foreach (double[] target in targets)
            {
                double loss = generated.ComputeLoss(input, target);
                AssertFinite([loss], "loss");
                AssertClose(network.Reference.ComputeLoss(parameters, input, target), loss, For(network), "loss");
                var gradient = new double[parameters.Length];
                Assert.Equal(loss, generated.Backward(input, target, gradient));
                AssertFinite(gradient, "dLoss/dParameters");
                if (network.IsClassifier)
                {
                    int label = Array.IndexOf(target, 1.0);
                    Assert.Equal(loss, generated.ComputeLoss(input, label));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(ReLUNetworks))]
    public void At_a_pre_activation_of_exactly_0_ReLU_has_derivative_0_and_LeakyReLU_its_slope_as_in_PyTorch(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        ReferenceNetwork reference = network.Reference;
        var random = new Random(13);
        NetworkAdapter generated = network.Create(seed: 0);
        double[] parameters = network.RandomParameters(random);

        // Unit 0 of every ReLU-family layer gets a zero weight row and a zero bias: its pre-activation is exactly 0.
        int[] layers = Enumerable.Range(0, reference.LayerCount).Where(l => reference.Activations[l] is Activation.ReLU or Activation.LeakyReLU).ToArray();
        foreach (int layer in layers)
        {
            int inputs = reference.Sizes[layer], offset = reference.WeightOffset(layer);
            Array.Clear(parameters, offset, inputs);
            parameters[offset + (inputs * reference.Sizes[layer + 1])] = 0;
        }

        generated.Parameters = parameters;
        double[] input = network.Random(random, network.InputSize, scale: 2);
        double[] target = network.Target(random);
        Assert.All(layers, layer => Assert.Equal(0, reference.ForwardAll(parameters, input).Z[layer + 1][0]));

        var gradient = new double[parameters.Length];
        generated.Backward(input, target, gradient);

        // The reference takes ReLU'(0) = 0 and LeakyReLU'(0) = 0.01, PyTorch's values (tests/golden records them).
        AssertClose(reference.Backward(parameters, input, target).Gradient, gradient, For(network), "dLoss/dParameters");
        foreach (int layer in layers)
        {
            int inputs = reference.Sizes[layer], offset = reference.WeightOffset(layer);
            double bias = gradient[offset + (inputs * reference.Sizes[layer + 1])];
            double[] row = gradient[offset..(offset + inputs)];
            if (reference.Activations[layer] == Activation.ReLU)
            {
                Assert.Equal(0, bias);
                Assert.All(row, g => Assert.Equal(0, g));
            }
            else
            {
                Assert.NotEqual(0, bias);
            }
        }
    }

    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void NaN_in_the_input_propagates_to_every_output_the_loss_and_the_gradients(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(14);
        NetworkAdapter generated = network.Create(seed: 0);
        network.RandomizeParameters(generated, random);
        double[] input = network.Random(random, network.InputSize, scale: 2);
        input[input.Length / 2] = double.NaN;
        double[] target = network.Target(random);

        Assert.All(generated.Forward(input), y => Assert.True(double.IsNaN(y), $"output {y} is not NaN"));
        Assert.True(double.IsNaN(generated.ComputeLoss(input, target)));
        var gradient = new double[network.Reference.ParameterCount];
        var inputGradient = new double[network.InputSize];
        Assert.True(double.IsNaN(generated.Backward(input, target, gradient, inputGradient)));
        Assert.All(gradient, g => Assert.True(double.IsNaN(g), $"gradient {g} is not NaN"));
        Assert.All(inputGradient, g => Assert.True(double.IsNaN(g), $"input gradient {g} is not NaN"));
        if (network.IsClassifier)
        {
            // Every output is NaN, so no output is larger than the first: the arg-max is 0.
            Assert.Equal(0, generated.Predict(input));
        }

        // TrainStep is the one method that writes the parameters: it refuses the sample before changing anything, so a
        // NaN never reaches a parameter silently (issue 14).
        double[] before = generated.Parameters;
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => generated.TrainStep(input, target, 0.01)).ParamName);
        Assert.Equal(before, generated.Parameters);
    }

    /// <summary>
    /// An infinite input: Backward and BackwardBatch compute what IEEE arithmetic gives, and the gradient of every
    /// first-layer weight of that input is NaN or infinite even where a saturated activation keeps the loss finite
    /// (for TanhRegression it does). They write no parameter; TrainStep, which does, refuses the sample.
    /// </summary>
    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void An_infinite_input_always_shows_in_the_gradient_even_when_the_loss_stays_finite(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(15);
        NetworkAdapter generated = network.Create(seed: 0);
        network.RandomizeParameters(generated, random);
        double[] input = network.Random(random, network.InputSize, scale: 2);
        int bad = input.Length / 2;
        input[bad] = double.PositiveInfinity;
        double[] target = network.Target(random);
        ReferenceNetwork reference = network.Reference;

        var gradient = new double[reference.ParameterCount];
        double loss = generated.Backward(input, target, gradient);
        var batchGradient = new double[reference.ParameterCount];
        double batchLoss = generated.BackwardBatch([.. network.Random(random, network.InputSize), .. input], [.. target, .. target], batchGradient);
        for (int o = 0; o < reference.Sizes[1]; o++)
        {
            int weight = reference.WeightOffset(0) + (o * network.InputSize) + bad;
            Assert.False(double.IsFinite(gradient[weight]), $"Backward: dLoss/dW1[{o}, {bad}] = {gradient[weight]}");
            Assert.False(double.IsFinite(batchGradient[weight]), $"BackwardBatch: dLoss/dW1[{o}, {bad}] = {batchGradient[weight]}");
        }

        if (name == nameof(Networks.TanhRegression))
        {
            Assert.True(double.IsFinite(loss) && double.IsFinite(batchLoss), $"the losses {loss} and {batchLoss} of the saturated network are not finite");
        }

        double[] before = generated.Parameters;
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => generated.TrainStep(input, target, 0.01)).ParamName);
        Assert.Equal(before, generated.Parameters);
    }

    /// <summary>
    /// The finiteness check of TrainStep, the trainer and the loader (one vectorised pass at the run's width): a NaN or
    /// an infinity at every position of spans of 1 to 70 values (whole vectors and tails at every width) is found, the
    /// first of two is reported, and the largest finite values (whose sum overflows) are finite.
    /// </summary>
    [Fact]
    public void The_finiteness_check_finds_every_NaN_and_infinity_and_only_those()
    {
        for (int length = 1; length <= 70; length++)
        {
            float[] single = Enumerable.Range(0, length).Select(i => (i % 2 == 0 ? 1 : -1) * float.MaxValue).ToArray();
            double[] wide = Enumerable.Range(0, length).Select(i => (i % 2 == 0 ? 1 : -1) * double.MaxValue).ToArray();
            Assert.Equal(-1, GeneratedCodeHelpers.IndexOfNonFinite<float>(single));
            Assert.Equal(-1, GeneratedCodeHelpers.IndexOfNonFinite<double>(wide));
            for (int at = 0; at < length; at++)
            {
                foreach (double bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
                {
                    float[] f = [.. single];
                    double[] d = [.. wide];
                    f[at] = (float)bad;
                    d[at] = bad;
                    Assert.Equal(at, GeneratedCodeHelpers.IndexOfNonFinite<float>(f));
                    Assert.Equal(at, GeneratedCodeHelpers.IndexOfNonFinite<double>(d));
                    f[length - 1] = float.NaN;
                    Assert.Equal(at, GeneratedCodeHelpers.IndexOfNonFinite<float>(f));
                }
            }
        }

        Assert.Equal(-1, GeneratedCodeHelpers.IndexOfNonFinite<float>([]));
        Assert.Equal(1, GeneratedCodeHelpers.IndexOfNonFinite<Half>([Half.One, Half.PositiveInfinity]));
    }

    public static TheoryData<string> CrossEntropyNetworks =>
        new(NetworkCase.All.Where(c => c.Reference.Loss is Loss.CrossEntropy or Loss.BinaryCrossEntropy).Select(c => c.Type.Name));

    public static TheoryData<string> ReLUNetworks =>
        new(NetworkCase.All.Where(c => c.Reference.Activations.Any(a => a is Activation.ReLU or Activation.LeakyReLU)).Select(c => c.Type.Name));

    /// <summary>+1000, -1000, 0, +1000, ...: probabilities of exactly 0 (and 1 for a single largest logit) after softmax or sigmoid.</summary>
    private static double[] Logits(int count) => Enumerable.Range(0, count).Select(j => (j % 3) switch { 0 => 1000.0, 1 => -1000.0, _ => 0.0 }).ToArray();

    /// <summary>The parameters with the output layer's weights zero and its biases <paramref name="logits"/>, so that its pre-activations are exactly those.</summary>
    private static double[] WithOutputLogits(NetworkCase network, double[] parameters, double[] logits)
    {
        ReferenceNetwork reference = network.Reference;
        int last = reference.LayerCount - 1, weights = reference.Sizes[last] * reference.Sizes[last + 1], offset = reference.WeightOffset(last);
        Array.Clear(parameters, offset, weights);
        logits.CopyTo(parameters, offset + weights);
        return parameters;
    }

    /// <summary>
    /// The gradient when the output layer's weights are zero. For mean squared error, the reference's. For the
    /// cross-entropy losses, whose reference goes through 1/p (infinite at p = 0), the fused gradient at the output,
    /// dz = p·Σt − t or (p − t)/n: the output weights get dz·aᵀ, the biases dz, and every layer below 0 (Wᵀdz = 0).
    /// </summary>
    private static double[] ExpectedGradient(NetworkCase network, double[] parameters, double[] input, double[] target)
    {
        ReferenceNetwork reference = network.Reference;
        if (reference.Loss == Loss.MeanSquaredError)
        {
            return reference.Backward(parameters, input, target).Gradient;
        }

        double[][] a = reference.ForwardAll(parameters, input).A;
        double[] p = a[^1];
        int n = p.Length;
        double[] dz = reference.Loss == Loss.CrossEntropy
            ? p.Select((value, j) => (value * target.Sum()) - target[j]).ToArray()
            : p.Select((value, j) => (value - target[j]) / n).ToArray();
        var gradient = new double[parameters.Length];
        int last = reference.LayerCount - 1, inputs = reference.Sizes[last], offset = reference.WeightOffset(last);
        for (int o = 0; o < n; o++)
        {
            gradient[offset + (n * inputs) + o] = dz[o];
            for (int i = 0; i < inputs; i++)
            {
                gradient[offset + (o * inputs) + i] = dz[o] * a[last][i];
            }
        }

        return gradient;
    }

    private static void AssertFinite(double[] values, string what)
    {
        int bad = Array.FindIndex(values, v => !double.IsFinite(v));
        Assert.True(bad < 0, $"{what}[{bad}] is {(bad < 0 ? 0 : values[bad])}");
    }
}
