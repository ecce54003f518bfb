using System;
using System.Collections.Generic;
using System.Linq;
using StaticNet.Tests;

namespace StaticNet.Conformance;

/// <summary>
/// The checks of a sequence network, each run on a fresh instance with its own random numbers: against the plain-math
/// reference (<see cref="ReferenceSequence"/>) at the numerical tests' tolerance where the reference computes the
/// quantity (outputs, losses), against central differences of the reference for a few gradients, and against identities
/// between the methods. Every result of the generated code is recorded, so that another run compares all of them.
/// </summary>
internal static class SequenceChecks
{
    private const double LearningRate = 0.125;

    /// <summary>The lengths: one frame (no recurrence, a convolution sees padding only) and more than every convolution's reach.</summary>
    private static readonly int[] Lengths = [1, 13];

    public static IReadOnlyList<(string Name, Action<SequenceCase, CheckContext> Run)> All { get; } =
    [
        ("Topology", Topology),
        ("Forward", Forward),
        ("Step", Step),
        ("ForwardBatch", ForwardBatch),
        ("Backward", Backward),
        ("BackwardBatch", BackwardBatch),
        ("TrainStep", TrainStep),
        ("Frozen", Frozen),
    ];

    /// <summary>
    /// The inference snapshot (Freeze): Forward, Step frame by frame from the zero state and ForwardBatch of two sequences
    /// against the reference, and against the network's Forward to the tolerance.
    /// </summary>
    private static void Frozen(SequenceCase network, CheckContext check)
    {
        var random = new Random(11);
        SequenceAdapter generated = network.Create();
        double[] parameters = Randomize(network, generated, random);
        FrozenSequenceAdapter frozen = generated.Freeze();
        foreach (int frames in Lengths)
        {
            double[] x = network.Frames(random, frames);
            double[] expected = network.Reference.Forward(parameters, x, frames);
            double[] outputs = frozen.Forward(x);
            check.Reference($"outputs of {frames} frames (Forward)", expected, outputs);
            check.Close($"outputs of {frames} frames against the network's Forward", "Forward", generated.Forward(x), outputs, Tolerance.For(network.IsDouble));
            var state = new double[network.StateSize];
            var stepped = new List<double>();
            for (int t = 0; t < frames; t++)
            {
                stepped.AddRange(frozen.Step(state, x[(t * network.InputSize)..((t + 1) * network.InputSize)]));
            }

            check.Reference($"outputs of {frames} frames (Step)", expected, stepped.ToArray());
            double[] other = network.Frames(random, frames);
            check.Reference($"outputs of two sequences of {frames} frames (ForwardBatch)", [.. expected, .. network.Reference.Forward(parameters, other, frames)], frozen.ForwardBatch([.. x, .. other], frames));
        }
    }

    /// <summary>The generated Topology and constants agree with the attributes and with the reference's parameter count.</summary>
    private static void Topology(SequenceCase network, CheckContext check)
    {
        string[] generated = network.Topology.Layers.ToArray().Select(l => l.ToString()).ToArray();
        check.True(
            generated.Order(StringComparer.Ordinal).SequenceEqual(network.DeclaredLayers.Order(StringComparer.Ordinal), StringComparer.Ordinal),
            $"Topology's layers [{string.Join(", ", generated)}] are not the attributes' [{string.Join(", ", network.DeclaredLayers)}]");
        check.True(network.Topology.IsSequence, "Topology.IsSequence");
        check.True(network.Topology.InputSize == network.Declaration.Input, $"Topology.InputSize {network.Topology.InputSize} is not Input = {network.Declaration.Input}");
        check.True(network.Topology.Loss == network.Declaration.Loss, $"Topology.Loss {network.Topology.Loss} is not {network.Declaration.Loss}");
        check.True(network.Topology.Precision == network.Declaration.Precision, $"Topology.Precision {network.Topology.Precision} is not {network.Declaration.Precision}");
        (int inputSize, int outputSize, int parameterCount, int stateSize) = network.GeneratedSizes;
        check.True(inputSize == network.Declaration.Input, $"InputSize {inputSize} is not {network.Declaration.Input}");
        check.True(outputSize == network.Reference.OutputSize, $"OutputSize {outputSize} is not {network.Reference.OutputSize}");
        check.True(parameterCount == network.Reference.ParameterCount, $"ParameterCount {parameterCount} is not the reference's {network.Reference.ParameterCount}");
        check.True(network.Topology.ParameterCount == parameterCount, $"Topology.ParameterCount {network.Topology.ParameterCount} is not ParameterCount {parameterCount}");
        check.True(network.Topology.StateSize == stateSize, $"Topology.StateSize {network.Topology.StateSize} is not StateSize {stateSize}");
        check.True(network.Create().Parameters.Length == parameterCount, "Parameters has ParameterCount values");
    }

    /// <summary>Forward of 1 and 13 frames from the zero state.</summary>
    private static void Forward(SequenceCase network, CheckContext check)
    {
        var random = new Random(1);
        SequenceAdapter generated = network.Create();
        double[] parameters = Randomize(network, generated, random);
        foreach (int frames in Lengths)
        {
            double[] x = network.Frames(random, frames);
            check.Reference($"outputs of {frames} frames", network.Reference.Forward(parameters, x, frames), generated.Forward(x));
        }
    }

    /// <summary>
    /// Step frame by frame from the zero state: the reference's outputs, and Forward's to the tolerance; then the stream
    /// continues from where it stopped (the reference of the sequence run twice). The state is recorded too.
    /// </summary>
    private static void Step(SequenceCase network, CheckContext check)
    {
        var random = new Random(3);
        SequenceAdapter generated = network.Create();
        double[] parameters = Randomize(network, generated, random);
        foreach (int frames in Lengths)
        {
            double[] x = network.Frames(random, frames);
            var state = new double[network.StateSize];
            double[] stepped = StepThrough(network, generated, state, x, frames);
            check.Reference($"outputs of {frames} frames", network.Reference.Forward(parameters, x, frames), stepped);
            check.Close($"outputs of {frames} frames against Forward", "Forward", generated.Forward(x), stepped, Tolerance.For(network.IsDouble));
            check.Record($"state after {frames} frames", (double[])state.Clone());

            double[] twice = network.Reference.Forward(parameters, [.. x, .. x], 2 * frames);
            double[] continued = StepThrough(network, generated, state, x, frames);
            check.Reference($"outputs of {frames} more frames", twice[(frames * network.OutputSize)..], continued);
            check.Record($"state after {2 * frames} frames", (double[])state.Clone());
        }
    }

    /// <summary>ForwardBatch of two sequences of 1 and of 13 frames: the reference's outputs, and Forward's of each to the bit.</summary>
    private static void ForwardBatch(SequenceCase network, CheckContext check)
    {
        var random = new Random(2);
        SequenceAdapter generated = network.Create();
        double[] parameters = Randomize(network, generated, random);
        foreach (int frames in Lengths)
        {
            double[] a = network.Frames(random, frames), b = network.Frames(random, frames);
            double[] batch = generated.ForwardBatch([.. a, .. b], frames);
            check.Reference($"outputs of 2 x {frames} frames", [.. network.Reference.Forward(parameters, a, frames), .. network.Reference.Forward(parameters, b, frames)], batch);
            check.Identical($"outputs of 2 x {frames} frames against Forward", [.. generated.Forward(a), .. generated.Forward(b)], batch);
        }
    }

    /// <summary>
    /// ComputeLoss and Backward over 1 and 13 frames: the losses against the reference; dLoss/dParameters (at a few
    /// parameters) and dLoss/dInputs (at a few inputs) against central differences of the reference (step 1e-6) at 1e-6
    /// in double and 1e-4 in float, where no ReLU kink makes the quotient unstable; the three-argument overload's
    /// gradient to the bit; the gradient added to what the span holds. Both gradients are recorded in full.
    /// </summary>
    private static void Backward(SequenceCase network, CheckContext check)
    {
        var random = new Random(4);
        SequenceAdapter generated = network.Create();
        double[] parameters = Randomize(network, generated, random);
        foreach (int frames in Lengths)
        {
            double[] x = network.Frames(random, frames);
            double[] targets = network.Targets(random, frames);
            double loss = network.Reference.ComputeLoss(parameters, x, targets, frames);

            var gradients = new double[parameters.Length];
            var inputGradients = new double[x.Length];
            double actualLoss = generated.Backward(x, targets, gradients, inputGradients);
            check.Reference($"ComputeLoss of {frames} frames", loss, generated.ComputeLoss(x, targets));
            check.Reference($"loss of {frames} frames", loss, actualLoss);
            check.Record($"dLoss/dParameters of {frames} frames", gradients);
            check.Record($"dLoss/dInputs of {frames} frames", inputGradients);

            int[] indices = Enumerable.Range(0, 8).Select(_ => random.Next(parameters.Length)).Distinct().Order().ToArray();
            int[] inputIndices = Enumerable.Range(0, 6).Select(_ => random.Next(x.Length)).Distinct().Order().ToArray();
            double tolerance = network.IsDouble ? 1e-6 : 1e-4;
            CompareWithDifferences(network, check, $"dLoss/dParameters of {frames} frames", gradients, indices, tolerance, k => Difference(network, parameters, x, targets, frames, parameters, k));
            CompareWithDifferences(network, check, $"dLoss/dInputs of {frames} frames", inputGradients, inputIndices, tolerance, k => Difference(network, parameters, x, targets, frames, x, k));

            var only = new double[parameters.Length];
            check.Identical($"loss of {frames} frames without dLoss/dInputs", actualLoss, generated.Backward(x, targets, only));
            check.Identical($"dLoss/dParameters of {frames} frames without dLoss/dInputs", gradients, only);
            double[] start = network.Random(random, parameters.Length, 1);
            double[] added = (double[])start.Clone();
            generated.Backward(x, targets, added);
            check.Close($"dLoss/dParameters of {frames} frames added to the gradient given", "the gradient added to it", gradients, added.Zip(start, (g, s) => g - s).ToArray(), Tolerance.For(network.IsDouble));
            check.Identical("parameters after Backward", parameters, generated.Parameters);
        }
    }

    /// <summary>
    /// BackwardBatch of 2 sequences of 7 frames and of 3 of 1 frame, added into gradients that do not start at zero: the
    /// mean loss against the reference, the mean gradient against the mean of Backward's; no sequence gives 0.
    /// </summary>
    private static void BackwardBatch(SequenceCase network, CheckContext check)
    {
        var random = new Random(10);
        SequenceAdapter generated = network.Create();
        double[] parameters = Randomize(network, generated, random);
        foreach ((int count, int frames) in new[] { (2, 7), (3, 1) })
        {
            double[][] inputs = Enumerable.Range(0, count).Select(_ => network.Frames(random, frames)).ToArray();
            double[][] targets = Enumerable.Range(0, count).Select(_ => network.Targets(random, frames)).ToArray();
            double expectedLoss = 0;
            var expected = new double[parameters.Length];
            for (int s = 0; s < count; s++)
            {
                expectedLoss += network.Reference.ComputeLoss(parameters, inputs[s], targets[s], frames) / count;
                var gradient = new double[parameters.Length];
                generated.Backward(inputs[s], targets[s], gradient);
                for (int k = 0; k < gradient.Length; k++)
                {
                    expected[k] += gradient[k] / count;
                }
            }

            double[] start = network.Random(random, parameters.Length, 1);
            double[] gradients = (double[])start.Clone();
            double loss = generated.BackwardBatch(inputs.SelectMany(x => x).ToArray(), targets.SelectMany(t => t).ToArray(), gradients, frames);
            check.Reference($"mean loss of {count} x {frames} frames", expectedLoss, loss);
            check.Close($"mean dLoss/dParameters of {count} x {frames} frames", "the mean of Backward's", expected, gradients.Zip(start, (g, s0) => g - s0).ToArray(), Tolerance.For(network.IsDouble));
            check.Record($"dLoss/dParameters of {count} x {frames} frames", gradients);
            check.Identical("parameters after BackwardBatch", parameters, generated.Parameters);
        }

        var untouched = new double[parameters.Length];
        check.Identical("mean loss of no sequence", 0, generated.BackwardBatch([], [], untouched, 3));
        check.Identical("gradient after no sequence", new double[parameters.Length], untouched);
    }

    /// <summary>Three SGD steps in a row (13, 1 and 7 frames): each returns the loss before it and leaves parameters − lr·Backward's gradient.</summary>
    private static void TrainStep(SequenceCase network, CheckContext check)
    {
        var random = new Random(8);
        SequenceAdapter generated = network.Create();
        Randomize(network, generated, random);
        int step = 0;
        foreach (int frames in new[] { 13, 1, 7 })
        {
            double[] before = generated.Parameters;
            double[] x = network.Frames(random, frames);
            double[] targets = network.Targets(random, frames);
            var gradient = new double[before.Length];
            generated.Backward(x, targets, gradient);

            double returned = generated.TrainStep(x, targets, LearningRate);

            check.Reference($"loss before step {step}", network.Reference.ComputeLoss(before, x, targets, frames), returned);
            double[] after = generated.Parameters;
            check.Close($"parameters after step {step}", "parameters − lr·Backward's gradient", before.Zip(gradient, (p, g) => p - (LearningRate * g)).ToArray(), after, Tolerance.For(network.IsDouble));
            check.Record($"parameters after step {step}", after);
            step++;
        }
    }

    private static double[] Randomize(SequenceCase network, SequenceAdapter generated, Random random)
    {
        double[] parameters = network.RandomParameters(random);
        generated.Parameters = parameters;
        return parameters;
    }

    /// <summary>Steps through <paramref name="frames"/> frames of <paramref name="x"/> from <paramref name="state"/>, advancing it.</summary>
    private static double[] StepThrough(SequenceCase network, SequenceAdapter generated, double[] state, double[] x, int frames) =>
        Enumerable.Range(0, frames).SelectMany(t => generated.Step(state, x.AsSpan(t * network.InputSize, network.InputSize).ToArray())).ToArray();

    /// <summary>
    /// Compares <paramref name="actual"/> at <paramref name="indices"/> with central differences of the reference at steps
    /// 1e-6 and 5e-7, leaving out an index where the two differ (a ReLU kink within the step: the quotient is unstable).
    /// </summary>
    private static void CompareWithDifferences(SequenceCase network, CheckContext check, string what, double[] actual, int[] indices, double tolerance, Func<int, (double Step, double HalfStep)> difference)
    {
        var expected = new List<double>();
        var got = new List<double>();
        foreach (int k in indices)
        {
            (double numeric, double half) = difference(k);
            if (network.IsSmooth || Math.Abs(numeric - half) <= 1e-6 * (Math.Abs(numeric) + 1e-2))
            {
                expected.Add(numeric);
                got.Add(actual[k]);
            }
        }

        check.True(expected.Count > 0 || !network.IsSmooth, $"{what}: no index to compare with central differences");
        check.Close($"{what} at [{string.Join(", ", indices)}]", "central differences of the reference", [.. expected], [.. got], tolerance);
    }

    /// <summary>Central differences of the reference's loss in <paramref name="values"/>[<paramref name="k"/>] (the parameters or the inputs), at steps 1e-6 and, for a network with kinks, 5e-7.</summary>
    private static (double Step, double HalfStep) Difference(SequenceCase network, double[] parameters, double[] x, double[] targets, int frames, double[] values, int k)
    {
        double At(double epsilon)
        {
            double saved = values[k];
            values[k] = saved + epsilon;
            double plus = network.Reference.ComputeLoss(parameters, x, targets, frames);
            values[k] = saved - epsilon;
            double minus = network.Reference.ComputeLoss(parameters, x, targets, frames);
            values[k] = saved;
            return (plus - minus) / (2 * epsilon);
        }

        double step = At(1e-6);
        return (step, network.IsSmooth ? step : At(5e-7));
    }
}
