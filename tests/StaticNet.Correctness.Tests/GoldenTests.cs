using System;
using System.Collections.Generic;
using System.Linq;
using StaticNet.Tests;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Correctness.Tests;

/// <summary>The golden data, and every network in it compiled by the real generator in one in-memory compilation.</summary>
public sealed class GoldenFixture : IDisposable
{
    public GoldenFixture()
    {
        Data = GoldenData.Load();
        Networks = CompiledNetworks.Compile(Data.Networks.Select(n => n.Declaration).ToArray(), "StaticNet.Golden");
    }

    public GoldenData Data { get; }

    public CompiledNetworks Networks { get; }

    public void Dispose() => Networks.Dispose();
}

/// <summary>
/// The generated code against PyTorch: for every network of the golden data (tests/golden: golden and
/// golden-activations), in float at 1e-4 and in double at 1e-10 relative, the output, the loss, dLoss/dParameters,
/// dLoss/dInput and the parameters after one SGD step. Each test checks every network of its precision and reports all
/// failures and the largest error seen.
/// </summary>
public sealed class GoldenTests(GoldenFixture fixture, ITestOutputHelper output) : IClassFixture<GoldenFixture>
{
    /// <summary>Every element-wise activation: all may be hidden.</summary>
    private static readonly Activation[] Hidden =
    [
        Activation.Identity, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid, Activation.Tanh,
        Activation.Gelu, Activation.Silu, Activation.Elu, Activation.Softplus,
    ];

    /// <summary>Where an activation switches branch or PyTorch's convention matters: the edge networks sit exactly there.</summary>
    private static readonly (Activation Activation, double PreActivation)[] ExactPoints =
    [
        (Activation.ReLU, 0), (Activation.LeakyReLU, 0), (Activation.Gelu, 0), (Activation.Silu, 0), (Activation.Elu, 0),
        (Activation.Softplus, 0), (Activation.Softplus, 20),
    ];

    /// <summary>The outputs the saturated networks drive to pre-activations of exactly +1000, −1000 and 0.</summary>
    private static readonly (Activation Output, Loss Loss)[] Saturated =
    [
        (Activation.Softmax, Loss.MeanSquaredError), (Activation.Softmax, Loss.CrossEntropy), (Activation.Sigmoid, Loss.MeanSquaredError),
        (Activation.Tanh, Loss.MeanSquaredError), (Activation.Gelu, Loss.MeanSquaredError), (Activation.Silu, Loss.MeanSquaredError),
        (Activation.Elu, Loss.MeanSquaredError), (Activation.Softplus, Loss.MeanSquaredError),
    ];

    private static readonly (Activation Output, Loss Loss)[] Outputs =
    [
        .. Enum.GetValues<Activation>().Select(a => (a, Loss.MeanSquaredError)),
        (Activation.Softmax, Loss.CrossEntropy),
        (Activation.Sigmoid, Loss.BinaryCrossEntropy),
    ];

    [Fact]
    public void Float_networks_match_PyTorch_to_1e_4() => CompareWithPyTorch(Precision.Single);

    [Fact]
    public void Double_networks_match_PyTorch_to_1e_10() => CompareWithPyTorch(Precision.Double);

    /// <summary>
    /// Over golden and golden-activations together (tests/golden/README.md; generate_golden.py asserts the same before it
    /// writes), per precision: every (output activation, loss) × every kernel shape of the output layer's inputs; every
    /// hidden activation × every kernel shape of its layer's inputs × every (output activation, loss); every (output
    /// activation, loss) at depths 1 to 4; per vector width, layer inputs at and off a multiple of its lanes; widths 1 and
    /// at least 70; edge networks exactly on the kinks and saturated ones. Each layer's inputs come from the generator's
    /// own plan, their kernel shape from <see cref="CompiledNetworks.KernelShape"/>.
    /// </summary>
    [Theory]
    [InlineData(Precision.Single)]
    [InlineData(Precision.Double)]
    public void The_golden_data_covers_every_activation_loss_depth_and_kernel_shape(Precision precision)
    {
        Assert.Equal(Enum.GetValues<Activation>().Where(a => a != Activation.Softmax), Hidden);
        Assert.Equal(GoldenData.DataSets, fixture.Data.Networks.Select(n => n.DataSet).Distinct());
        GoldenNetwork[] networks = fixture.Data.Networks.Where(n => n.Entry.Precision == precision).ToArray();
        Assert.True(networks.Length >= 200, $"{networks.Length} {precision} networks");
        string[] shapes = networks.SelectMany(n => fixture.Networks.KernelShapes[n.Entry.Name]).Distinct().Order().ToArray();
        Assert.Equal(["128", "256", "512", "scalar"], shapes);

        var missing = new List<string>();
        int items = 0;
        foreach ((Activation outputActivation, Loss loss) in Outputs)
        {
            GoldenNetwork[] withOutput = networks.Where(n => n.Entry.Activations[^1] == outputActivation && n.Entry.Loss == loss).ToArray();
            foreach (string shape in shapes)
            {
                Require(withOutput.Any(n => fixture.Networks.KernelShapes[n.Entry.Name][^1] == shape), $"{outputActivation} output, {loss}, {shape} output layer");
                foreach (Activation hidden in Hidden)
                {
                    Require(
                        withOutput.Any(n => Enumerable.Range(0, n.Entry.Activations.Length - 1).Any(l => n.Entry.Activations[l] == hidden && fixture.Networks.KernelShapes[n.Entry.Name][l] == shape)),
                        $"{hidden} hidden layer with {shape} inputs, {outputActivation} output, {loss}");
                }
            }

            for (int depth = 1; depth <= 4; depth++)
            {
                Require(withOutput.Any(n => n.Entry.Layers.Length - 1 == depth), $"{outputActivation} output, {loss}, depth {depth}");
            }
        }

        // Widths: 1, at least 70, and, for each vector width, input sizes at and off a multiple of its lanes.
        int[] widths = networks.SelectMany(n => n.Entry.Layers).Distinct().ToArray();
        Require(widths.Contains(1) && widths.Max() >= 70, "widths 1 and at least 70");
        foreach (string width in new[] { "128", "256", "512" })
        {
            int lanes = int.Parse(width, System.Globalization.CultureInfo.InvariantCulture) / (precision == Precision.Double ? 64 : 32);
            int[] inputs = networks.SelectMany(n => Enumerable.Range(0, n.Entry.Layers.Length - 1).Where(l => fixture.Networks.KernelShapes[n.Entry.Name][l] == width).Select(l => n.Entry.Layers[l])).ToArray();
            Require(inputs.Any(i => i % lanes == 0), $"{width}-bit inputs at a multiple of {lanes}");
            Require(inputs.Any(i => i % lanes != 0), $"{width}-bit inputs off a multiple of {lanes}");
        }

        // PyTorch's conventions, as recorded by the script: its derivatives at the kinks, and the definitions of the
        // activations of golden-activations, which must be StaticNet's (Activation's summaries).
        foreach (GoldenIndex index in fixture.Data.Indexes.Values)
        {
            Assert.Equal(0.0, index.ReluGradientAtZero);
            Assert.Equal(0.01, index.LeakyReluGradientAtZero);
        }

        GoldenIndex activations = fixture.Data.Indexes["golden-activations"];
        Assert.Equal("none", activations.GeluApproximate);
        Assert.Equal(1.0, activations.EluAlpha);
        Assert.Equal(1.0, activations.SoftplusBeta);
        Assert.Equal(20.0, activations.SoftplusThreshold);

        // Edge networks: units with a zero weight row and a bias exactly on an activation's switch point.
        foreach ((Activation activation, double point) in ExactPoints)
        {
            Require(
                networks.Any(n => n.Entry.Group == "edge" && Enumerable.Range(0, n.Entry.Activations.Length).Any(l => n.Entry.Activations[l] == activation && n.ConstantPreActivations(l).Contains(point))),
                $"an edge network with {activation} pre-activations of exactly {point}");
        }

        // Saturated networks: output pre-activations of exactly +1000, -1000 and 0.
        foreach ((Activation outputActivation, Loss loss) in Saturated)
        {
            Require(
                networks.Any(n => n.Entry.Group == "saturated" && n.Entry.Activations[^1] == outputActivation && n.Entry.Loss == loss
                    && new[] { 1000.0, -1000.0, 0.0 }.All(n.ConstantPreActivations(n.Entry.Activations.Length - 1).Contains)),
                $"a saturated {outputActivation} output ({loss}) with pre-activations of exactly +1000, -1000 and 0");
        }

        output.WriteLine($"{precision}: {items} coverage items checked over {networks.Length} networks " +
            $"({string.Join(", ", networks.GroupBy(n => n.DataSet).Select(g => $"{g.Count()} of {g.Key}"))}); {missing.Count} missing.");
        Assert.True(missing.Count == 0, "The golden data does not cover:\n" + string.Join("\n", missing));

        void Require(bool covered, string what)
        {
            items++;
            if (!covered)
            {
                missing.Add(what);
            }
        }
    }

    private void CompareWithPyTorch(Precision precision)
    {
        bool isDouble = precision == Precision.Double;
        var comparison = new Comparison($"Golden data, {(isDouble ? "double" : "float")} networks against PyTorch float64", Tolerance.For(isDouble));
        foreach (GoldenNetwork golden in fixture.Data.Networks.Where(n => n.Entry.Precision == precision))
        {
            try
            {
                Compare(golden, comparison);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                comparison.Fail(golden, exception.ToString());
            }
        }

        output.WriteLine($"Generated, compiled and loaded {fixture.Data.Networks.Length} golden networks " +
            $"({string.Join(", ", fixture.Data.Networks.GroupBy(n => n.DataSet).Select(g => $"{g.Count()} of {g.Key}"))}) in {fixture.Networks.Elapsed.TotalSeconds:F1} s.");
        Comparison.Report(output, $"golden-{(isDouble ? "double" : "float")}.txt", comparison);
    }

    private void Compare(GoldenNetwork golden, Comparison comparison)
    {
        NetworkAdapter network = fixture.Networks.Create(golden.Declaration);
        network.Parameters = golden.Parameters;
        double[] start = network.Parameters;
        if (!start.SequenceEqual(golden.Parameters))
        {
            comparison.Fail(golden, "the golden parameters are not exact in the network's precision");
        }

        comparison.Check(golden, "output (Forward)", golden.Output, network.Forward(golden.Input));
        double[] batch = network.ForwardBatch([.. golden.Input, .. golden.Input], 2 * golden.Declaration.OutputSize);
        comparison.Check(golden, "output (ForwardBatch, 2 samples)", [.. golden.Output, .. golden.Output], batch);
        comparison.Check(golden, "loss (ComputeLoss)", golden.Loss, network.ComputeLoss(golden.Input, golden.Target));

        var gradient = new double[golden.Parameters.Length];
        var inputGradient = new double[golden.Input.Length];
        comparison.Check(golden, "loss (Backward)", golden.Loss, network.Backward(golden.Input, golden.Target, gradient, inputGradient));
        comparison.Check(golden, "dLoss/dParameters (Backward)", golden.Gradient, gradient);
        comparison.Check(golden, "dLoss/dInput (Backward)", golden.InputGradient, inputGradient);
        var gradientOnly = new double[golden.Parameters.Length];
        network.Backward(golden.Input, golden.Target, gradientOnly);
        if (!gradientOnly.SequenceEqual(gradient))
        {
            comparison.Fail(golden, "Backward without dLoss/dInput gives another dLoss/dParameters");
        }

        comparison.Check(golden, "loss (TrainStep)", golden.Loss, network.TrainStep(golden.Input, golden.Target, golden.Entry.LearningRate));
        comparison.Check(golden, "parameters after one SGD step (TrainStep)", golden.ParametersAfterStep, network.Parameters);

        if (golden.Label >= 0)
        {
            network.Parameters = start;
            var labelGradient = new double[golden.Parameters.Length];
            comparison.Check(golden, "loss (ComputeLoss, label)", golden.Loss, network.ComputeLoss(golden.Input, golden.Label));
            comparison.Check(golden, "loss (Backward, label)", golden.Loss, network.Backward(golden.Input, golden.Label, labelGradient));
            comparison.Check(golden, "dLoss/dParameters (Backward, label)", golden.Gradient, labelGradient);
            comparison.Check(golden, "loss (TrainStep, label)", golden.Loss, network.TrainStep(golden.Input, golden.Label, golden.Entry.LearningRate));
            comparison.Check(golden, "parameters after one SGD step (TrainStep, label)", golden.ParametersAfterStep, network.Parameters);
        }
    }
}
