using System;
using System.Globalization;
using System.Linq;
using StaticNet.Tests;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Correctness.Tests;

/// <summary>
/// Random topologies drawn from a fixed seed, compiled by the real generator in one in-memory compilation. The seed and
/// the count can be changed with the environment variables STATICNET_RANDOM_SEED and STATICNET_RANDOM_COUNT (for
/// a longer search: the failure messages name the seed and the network).
/// </summary>
public sealed class RandomTopologyFixture : IDisposable
{
    public const int DefaultSeed = 20240603;
    public const int DefaultCount = 200;

    /// <summary>Widths at and around the boundaries of the kernels' shapes (4 scalar inputs, multiples of 4, 8, 16, 32, 64).</summary>
    private static readonly int[] Boundaries = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 95, 96, 97, 127, 128, 129];

    private static readonly Activation[] Hidden = [Activation.Identity, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid, Activation.Tanh];

    public RandomTopologyFixture()
    {
        Seed = FromEnvironment("STATICNET_RANDOM_SEED", DefaultSeed);
        int count = FromEnvironment("STATICNET_RANDOM_COUNT", DefaultCount);
        var random = new Random(Seed);
        Declarations = Enumerable.Range(0, count).Select(i => Draw(random, $"R{i:000}")).ToArray();
        Networks = CompiledNetworks.Compile(Declarations, "StaticNet.RandomTopologies");
    }

    public int Seed { get; }

    public NetworkDeclaration[] Declarations { get; }

    public CompiledNetworks Networks { get; }

    public void Dispose() => Networks.Dispose();

    /// <summary>1 to 5 layers, widths 1 to 129 (half of them on a boundary), any activation per layer, a valid loss, either precision.</summary>
    private static NetworkDeclaration Draw(Random random, string name)
    {
        int depth = random.Next(1, 6);
        int[] layers = Enumerable.Range(0, depth + 1).Select(_ => random.Next(2) == 0 ? Boundaries[random.Next(Boundaries.Length)] : random.Next(1, 130)).ToArray();
        Activation output = Enum.GetValues<Activation>()[random.Next(6)];
        Activation[] activations = [.. Enumerable.Range(0, depth - 1).Select(_ => Hidden[random.Next(Hidden.Length)]), output];
        Loss loss = output switch
        {
            Activation.Softmax when random.Next(2) == 0 => Loss.CrossEntropy,
            Activation.Sigmoid when random.Next(2) == 0 => Loss.BinaryCrossEntropy,
            _ => Loss.MeanSquaredError,
        };
        return new NetworkDeclaration(name, layers, activations, loss, random.Next(2) == 0 ? Precision.Single : Precision.Double);
    }

    private static int FromEnvironment(string variable, int fallback) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}

/// <summary>
/// Property test: for every random topology, Forward, the loss, Backward (parameters and input) and TrainStep of the
/// generated code against the plain double-precision reference (1e-4 in float, 1e-10 in double), and Backward against
/// central differences of the generated ComputeLoss, so that an emission bug in a rare size cannot hide.
/// </summary>
public sealed class RandomTopologyTests(RandomTopologyFixture fixture, ITestOutputHelper output) : IClassFixture<RandomTopologyFixture>
{
    [Fact]
    public void Random_topologies_match_the_reference_and_finite_differences()
    {
        string title = $"Random topologies (seed {fixture.Seed})";
        var reference = new[]
        {
            new Comparison($"{title}, float networks against the double reference", Tolerance.Single),
            new Comparison($"{title}, double networks against the double reference", Tolerance.Double),
        };
        var differences = new[]
        {
            new Comparison($"{title}, float Backward against central differences of ComputeLoss (step 1e-2)", 2e-2),
            new Comparison($"{title}, double Backward against central differences of ComputeLoss (step 1e-6)", 1e-6),
        };
        var random = new Random(fixture.Seed);
        foreach (NetworkDeclaration declaration in fixture.Declarations)
        {
            int precision = declaration.IsDouble ? 1 : 0;
            try
            {
                Check(declaration, new Random(random.Next()), reference[precision], differences[precision]);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                reference[precision].Fail(declaration, exception.ToString());
            }
        }

        output.WriteLine($"Generated, compiled and loaded {fixture.Declarations.Length} random networks in {fixture.Networks.Elapsed.TotalSeconds:F1} s.");
        Assert.All(differences, comparison => Assert.True(comparison.Networks > 0, "no finite difference was compared"));
        Comparison.Report(output, "random-topologies.txt", [.. reference, .. differences]);
    }

    private void Check(NetworkDeclaration declaration, Random random, Comparison reference, Comparison differences)
    {
        ReferenceNetwork math = declaration.Reference;
        (double[] parameters, double[] input, double[] target) = Sample(declaration, random);
        NetworkAdapter network = fixture.Networks.Create(declaration);
        network.Parameters = parameters;

        reference.Check(declaration, "output (Forward)", math.Forward(parameters, input), network.Forward(input));
        reference.Check(declaration, "loss (ComputeLoss)", math.ComputeLoss(parameters, input, target), network.ComputeLoss(input, target));
        (double loss, double[] gradient, double[] inputGradient) = math.Backward(parameters, input, target);
        var actualGradient = new double[parameters.Length];
        var actualInputGradient = new double[input.Length];
        reference.Check(declaration, "loss (Backward)", loss, network.Backward(input, target, actualGradient, actualInputGradient));
        reference.Check(declaration, "dLoss/dParameters (Backward)", gradient, actualGradient);
        reference.Check(declaration, "dLoss/dInput (Backward)", inputGradient, actualInputGradient);

        // Central differences of the generated ComputeLoss itself, in the network's precision, for a few parameters
        // (always the first weight and the last bias) and inputs. Where an activation has a kink, a difference quotient
        // is meaningless: there only quotients that are stable (equal for two step sizes) are compared.
        double step = declaration.IsDouble ? 1e-6 : 1e-2;
        bool smooth = declaration.Activations.All(a => a is Activation.Identity or Activation.Sigmoid or Activation.Tanh or Activation.Softmax);
        int[] indices = [0, parameters.Length - 1, .. Enumerable.Range(0, 4).Select(_ => random.Next(parameters.Length))];
        foreach (int k in indices.Distinct())
        {
            double numeric = Difference(parameters, k, step, p => network.Parameters = p, () => network.ComputeLoss(input, target));
            if (smooth || IsStable(numeric, Difference(parameters, k, step / 2, p => network.Parameters = p, () => network.ComputeLoss(input, target)), differences))
            {
                differences.Check(declaration, "dLoss/dParameters against differences", numeric, actualGradient[k]);
            }
        }

        network.Parameters = parameters;
        foreach (int k in new[] { 0, random.Next(input.Length) }.Distinct())
        {
            double[] shifted = (double[])input.Clone();
            double numeric = Difference(input, k, step, x => shifted = x, () => network.ComputeLoss(shifted, target));
            if (smooth || IsStable(numeric, Difference(input, k, step / 2, x => shifted = x, () => network.ComputeLoss(shifted, target)), differences))
            {
                differences.Check(declaration, "dLoss/dInput against differences", numeric, actualInputGradient[k]);
            }
        }

        const double LearningRate = 0.125;
        reference.Check(declaration, "loss (TrainStep)", loss, network.TrainStep(input, target, LearningRate));
        reference.Check(declaration, "parameters after one SGD step (TrainStep)", parameters.Zip(gradient, (p, g) => p - (LearningRate * g)).ToArray(), network.Parameters);
    }

    private static bool IsStable(double numeric, double half, Comparison differences) =>
        Math.Abs(numeric - half) <= 0.1 * differences.RelativeTolerance * (Math.Abs(numeric) + 1e-2);

    /// <summary>(f(v + step·e_k) − f(v − step·e_k)) / (2·step), setting the shifted vector with <paramref name="set"/>; restores v.</summary>
    private static double Difference(double[] values, int k, double step, Action<double[]> set, Func<double> loss)
    {
        double[] shifted = (double[])values.Clone();
        shifted[k] = values[k] + step;
        set(shifted);
        double plus = loss();
        shifted = (double[])values.Clone();
        shifted[k] = values[k] - step;
        set(shifted);
        double minus = loss();
        set(values);
        return (plus - minus) / (2 * step);
    }

    /// <summary>
    /// Parameters (weights ±1.5/√fan-in, biases ±0.5), an input (±2) and a target suited to the loss, in the network's
    /// precision; redrawn until no ReLU-family pre-activation is within 1e-3 of the kink (where float rounding could flip
    /// a derivative) and no cross-entropy probability is within 1e-6 of 0 or 1 (where the loss's clamp starts).
    /// </summary>
    private static (double[] Parameters, double[] Input, double[] Target) Sample(NetworkDeclaration declaration, Random random)
    {
        ReferenceNetwork math = declaration.Reference;
        double Round(double value) => declaration.IsDouble ? value : (float)value;
        double[] Uniform(int length, double scale) => Enumerable.Range(0, length).Select(_ => Round(((2 * random.NextDouble()) - 1) * scale)).ToArray();
        for (int attempt = 0; ; attempt++)
        {
            var parameters = new double[math.ParameterCount];
            for (int layer = 0; layer < math.LayerCount; layer++)
            {
                int inputs = math.Sizes[layer], outputs = math.Sizes[layer + 1], offset = math.WeightOffset(layer);
                Uniform(inputs * outputs, 1.5 / Math.Sqrt(inputs)).CopyTo(parameters, offset);
                Uniform(outputs, 0.5).CopyTo(parameters, offset + (inputs * outputs));
            }

            double[] input = Uniform(declaration.InputSize, 2);
            double[] target = declaration.Loss switch
            {
                Loss.CrossEntropy => Normalized(Enumerable.Range(0, declaration.OutputSize).Select(_ => random.NextDouble() + 0.05).ToArray()).Select(Round).ToArray(),
                Loss.BinaryCrossEntropy => Enumerable.Range(0, declaration.OutputSize).Select(_ => Round(random.NextDouble())).ToArray(),
                _ => Uniform(declaration.OutputSize, 1),
            };
            (double[][] z, double[][] a) = math.ForwardAll(parameters, input);
            bool offKinks = Enumerable.Range(0, math.LayerCount)
                .Where(l => math.Activations[l] is Activation.ReLU or Activation.LeakyReLU)
                .All(l => z[l + 1].All(v => Math.Abs(v) >= 1e-3));
            bool offClamps = declaration.Loss == Loss.MeanSquaredError || (declaration.Loss == Loss.CrossEntropy && declaration.OutputSize == 1) || a[^1].All(p => p is >= 1e-6 and <= 1 - 1e-6);
            if ((offKinks && offClamps) || attempt == 1000)
            {
                return (parameters, input, target);
            }
        }
    }

    private static double[] Normalized(double[] weights) => weights.Select(w => w / weights.Sum()).ToArray();
}
