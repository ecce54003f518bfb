using System;
using System.Collections.Generic;
using System.Linq;
using StaticNet.Tests;

namespace StaticNet.Conformance;

/// <summary>The outcome of one check of one network.</summary>
internal sealed record Outcome(string Network, bool IsDouble, string Check, IReadOnlyList<string> Failures, double ReferenceError, double RecordedError, string? WorstRecorded, TimeSpan Duration)
{
    public bool Passed => Failures.Count == 0;
}

/// <summary>
/// What one check compares: each result of the generated code against the double-precision reference (at the tolerance
/// of the numerical tests), against the same result recorded by another run (at <see cref="Recorded"/>), and identities
/// that must hold to the bit. Every result is recorded under "network/check/what".
/// </summary>
internal sealed class CheckContext(ICase network, string check, ResultFile results, ResultFile? recorded)
{
    private readonly List<string> _failures = [];

    /// <summary>
    /// The tolerance between two runs on different machines or vector widths: 1e-5 in float, 1e-12 in double, in the
    /// measure of <see cref="Tolerance.RelativeError"/>. Ten times tighter than the reference tolerance in float; it
    /// leaves room for another summation order (vector width) and fused multiply-adds, nothing more.
    /// </summary>
    public static double Recorded(bool isDouble) => isDouble ? 1e-12 : 1e-5;

    public IReadOnlyList<string> Failures => _failures;

    public double ReferenceError { get; private set; }

    public double RecordedError { get; private set; }

    /// <summary>The name of the result furthest from the recorded run.</summary>
    public string? WorstRecorded { get; private set; }

    /// <summary>
    /// Compares with the reference at <see cref="Tolerance.For(bool)"/>, then records <paramref name="actual"/> (or
    /// <paramref name="recordInstead"/>, what the network returned when <paramref name="actual"/> is derived from it) and
    /// compares it with the recorded run.
    /// </summary>
    public void Reference(string what, double[] expected, double[] actual, double[]? recordInstead = null)
    {
        double error = Tolerance.RelativeError(expected, actual);
        ReferenceError = Math.Max(ReferenceError, error);
        if (!(error <= Tolerance.For(network.IsDouble)))
        {
            Fail(what, "the reference", expected, actual, error, Tolerance.For(network.IsDouble));
        }

        Record(what, recordInstead ?? actual);
    }

    public void Reference(string what, double expected, double actual) => Reference(what, [expected], [actual]);

    /// <summary>
    /// Records a result under "network/check/what" and compares it with the recorded run, if there is one. The array is
    /// kept, not copied: pass one that nothing changes afterwards.
    /// </summary>
    public void Record(string what, double[] actual)
    {
        string key = $"{network.Name}/{check}/{what}";
        results.Add(key, actual);
        if (recorded is null)
        {
            return;
        }

        if (!recorded.TryGet(key, out double[]? expected))
        {
            _failures.Add($"{what}: no result \"{key}\" in {recorded.Path}");
            return;
        }

        double error = Tolerance.RelativeError(expected, actual);
        if (!(error <= RecordedError))
        {
            (RecordedError, WorstRecorded) = (error, key);
        }

        if (!(error <= Recorded(network.IsDouble)))
        {
            Fail(what, $"run {recorded.Name}", expected, actual, error, Recorded(network.IsDouble));
        }
    }

    /// <summary>
    /// Compares <paramref name="actual"/> with <paramref name="expected"/> (another result of the generated code, or an
    /// estimate such as central differences: named by <paramref name="against"/>) at <paramref name="tolerance"/>, in the
    /// measure of <see cref="Tolerance.RelativeError"/>. Records nothing.
    /// </summary>
    public void Close(string what, string against, double[] expected, double[] actual, double tolerance)
    {
        double error = Tolerance.RelativeError(expected, actual);
        if (!(error <= tolerance))
        {
            Fail(what, against, expected, actual, error, tolerance);
        }
    }

    /// <summary>Requires two results of the generated code to be equal to the bit.</summary>
    public void Identical(string what, double[] expected, double[] actual)
    {
        if (expected.Length != actual.Length)
        {
            _failures.Add($"{what}: {actual.Length} values where {expected.Length} were expected");
            return;
        }

        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
            {
                _failures.Add($"{what}[{i}]: {actual[i]:R} is not {expected[i]:R} to the bit");
                return;
            }
        }
    }

    public void Identical(string what, double expected, double actual) => Identical(what, [expected], [actual]);

    public void True(bool condition, string what)
    {
        if (!condition)
        {
            _failures.Add(what);
        }
    }

    private void Fail(string what, string against, double[] expected, double[] actual, double error, double tolerance)
    {
        int worst = 0;
        double worstError = -1;
        for (int i = 0; i < Math.Min(expected.Length, actual.Length); i++)
        {
            double e = Tolerance.RelativeError([expected[i]], [actual[i]]);
            if (double.IsNaN(e) || e > worstError)
            {
                (worst, worstError) = (i, double.IsNaN(e) ? double.PositiveInfinity : e);
            }
        }

        string where = expected.Length == actual.Length && expected.Length > 0
            ? $"[{worst}] {actual[worst]:R} where {against} has {expected[worst]:R}"
            : $"{actual.Length} values where {against} has {expected.Length}";
        _failures.Add($"{what}: {where} (error {error:G3} > {tolerance:G3})");
    }
}

/// <summary>The checks, each run on a fresh instance of a network with its own random numbers.</summary>
internal static class Checks
{
    private const double LearningRate = 0.125;

    /// <summary>The sample counts of the batched checks: one sample, a few, and more than a block with remainders.</summary>
    private static readonly int[] BatchSizes = [1, 5, 37];

    public static IReadOnlyList<(string Name, Action<Case, CheckContext> Run)> All { get; } =
    [
        ("Forward", Forward),
        ("ForwardBatch", ForwardBatch),
        ("Frozen", Frozen),
        ("Backward", Backward),
        ("BackwardBatch", BackwardBatch),
        ("TrainStep", TrainStep),
        ("Labels", Labels),
    ];

    /// <summary>Forward of four samples, inputs in ±2.</summary>
    private static void Forward(Case network, CheckContext check)
    {
        var random = new Random(1);
        NetworkAdapter generated = network.Create();
        double[] parameters = Randomize(network, generated, random);
        for (int sample = 0; sample < 4; sample++)
        {
            double[] input = network.Random(random, network.InputSize, scale: 2);
            check.Reference($"output {sample}", network.Reference.Forward(parameters, input), generated.Forward(input));
        }
    }

    /// <summary>ForwardBatch of 1, 5 and 37 samples: the reference's outputs, and Forward's to the bit.</summary>
    private static void ForwardBatch(Case network, CheckContext check)
    {
        var random = new Random(2);
        NetworkAdapter generated = network.Create();
        double[] parameters = Randomize(network, generated, random);
        foreach (int count in BatchSizes)
        {
            double[][] inputs = Enumerable.Range(0, count).Select(_ => network.Random(random, network.InputSize, scale: 2)).ToArray();
            double[] batch = generated.ForwardBatch(inputs.SelectMany(x => x).ToArray(), count * network.OutputSize);
            check.Reference($"outputs of {count}", inputs.SelectMany(x => network.Reference.Forward(parameters, x)).ToArray(), batch);
            check.Identical($"outputs of {count} against Forward", inputs.SelectMany(generated.Forward).ToArray(), batch);
        }

        check.True(generated.ForwardBatch([], 0).Length == 0, "an empty batch gives no output");
    }

    /// <summary>
    /// The inference snapshot (Freeze): its packed Forward against the reference for four samples, its ForwardBatch of 5
    /// samples against its Forward to the bit.
    /// </summary>
    private static void Frozen(Case network, CheckContext check)
    {
        var random = new Random(7);
        NetworkAdapter generated = network.Create();
        double[] parameters = Randomize(network, generated, random);
        FrozenAdapter frozen = generated.Freeze();
        double[][] inputs = Enumerable.Range(0, 5).Select(_ => network.Random(random, network.InputSize, scale: 2)).ToArray();
        for (int sample = 0; sample < 4; sample++)
        {
            check.Reference($"output {sample}", network.Reference.Forward(parameters, inputs[sample]), frozen.Forward(inputs[sample]));
        }

        double[] batch = frozen.ForwardBatch(inputs.SelectMany(x => x).ToArray(), 5 * network.OutputSize);
        check.Identical("outputs of 5 against its Forward", inputs.SelectMany(frozen.Forward).ToArray(), batch);
    }

    /// <summary>ComputeLoss, and Backward's loss, dLoss/dParameters and dLoss/dInput, for two samples.</summary>
    private static void Backward(Case network, CheckContext check)
    {
        var random = new Random(4);
        NetworkAdapter generated = network.Create();
        double[] parameters = Randomize(network, generated, random);
        for (int sample = 0; sample < 2; sample++)
        {
            double[] input = network.Random(random, network.InputSize, scale: 2);
            double[] target = network.Target(random);
            (double loss, double[] gradient, double[] inputGradient) = network.Reference.Backward(parameters, input, target);

            var gradients = new double[parameters.Length];
            var actualInputGradient = new double[network.InputSize];
            double actualLoss = generated.Backward(input, target, gradients, actualInputGradient);
            var gradientsOnly = new double[parameters.Length];
            double lossOnly = generated.Backward(input, target, gradientsOnly);

            check.Reference($"ComputeLoss {sample}", loss, generated.ComputeLoss(input, target));
            check.Reference($"loss {sample}", loss, actualLoss);
            check.Reference($"dLoss/dParameters {sample}", gradient, gradients);
            check.Reference($"dLoss/dInput {sample}", inputGradient, actualInputGradient);
            check.Identical($"dLoss/dParameters {sample} without dLoss/dInput", gradients, gradientsOnly);
            check.Identical($"loss {sample} without dLoss/dInput", actualLoss, lossOnly);
            check.Identical("parameters after Backward", parameters, generated.Parameters);
        }
    }

    /// <summary>BackwardBatch of 1, 5 and 37 samples, added into gradients that do not start at zero: the mean loss and gradient.</summary>
    private static void BackwardBatch(Case network, CheckContext check)
    {
        var random = new Random(10);
        NetworkAdapter generated = network.Create();
        double[] parameters = Randomize(network, generated, random);
        foreach (int count in BatchSizes)
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

            check.Reference($"mean loss of {count}", expectedLoss, actualLoss);
            // Against the reference: what was added. Against another run: the sums themselves, which both rounded alike.
            check.Reference($"mean dLoss/dParameters of {count}", expected, gradients.Zip(start, (g, s0) => g - s0).ToArray(), recordInstead: gradients);
            check.Identical("parameters after BackwardBatch", parameters, generated.Parameters);
        }
    }

    /// <summary>Three SGD steps in a row: each returns the loss before it and leaves parameters − lr·gradient.</summary>
    private static void TrainStep(Case network, CheckContext check)
    {
        var random = new Random(8);
        NetworkAdapter generated = network.Create();
        Randomize(network, generated, random);
        for (int step = 0; step < 3; step++)
        {
            double[] before = generated.Parameters;
            double[] input = network.Random(random, network.InputSize, scale: 2);
            double[] target = network.Target(random);
            (double loss, double[] gradient, _) = network.Reference.Backward(before, input, target);

            double returned = generated.TrainStep(input, target, LearningRate);

            check.Reference($"loss before step {step}", loss, returned);
            check.Reference($"parameters after step {step}", before.Zip(gradient, (p, g) => p - (LearningRate * g)).ToArray(), generated.Parameters);
        }
    }

    /// <summary>A cross-entropy network's label overloads give what a one-hot target gives, to the bit; Predict is the arg-max.</summary>
    private static void Labels(Case network, CheckContext check)
    {
        if (!network.IsClassifier)
        {
            return;
        }

        var random = new Random(9);
        NetworkAdapter generated = network.Create();
        double[] parameters = Randomize(network, generated, random);
        for (int label = 0; label < Math.Min(network.OutputSize, 3); label++)
        {
            double[] input = network.Random(random, network.InputSize, scale: 2);
            double[] oneHot = OneHot(network, label);

            check.Identical($"ComputeLoss of label {label}", generated.ComputeLoss(input, oneHot), generated.ComputeLoss(input, label));
            var fromTarget = new double[parameters.Length];
            var fromLabel = new double[parameters.Length];
            check.Identical($"Backward's loss for label {label}", generated.Backward(input, oneHot, fromTarget), generated.Backward(input, label, fromLabel));
            check.Identical($"Backward's gradient for label {label}", fromTarget, fromLabel);

            double[] output = generated.Forward(input);
            check.True(generated.Predict(input) == Array.IndexOf(output, output.Max()), $"Predict is the arg-max of the output ({string.Join(", ", output)})");

            double lossFromTarget = generated.TrainStep(input, oneHot, 0.01);
            double[] afterTarget = generated.Parameters;
            generated.Parameters = parameters;
            check.Identical($"TrainStep's loss for label {label}", lossFromTarget, generated.TrainStep(input, label, 0.01));
            check.Identical($"parameters after TrainStep for label {label}", afterTarget, generated.Parameters);
            generated.Parameters = parameters;
        }

        const int Count = 21;
        double[] inputs = network.Random(random, Count * network.InputSize, scale: 2);
        int[] labels = Enumerable.Range(0, Count).Select(_ => random.Next(network.OutputSize)).ToArray();
        var batchFromTargets = new double[parameters.Length];
        var batchFromLabels = new double[parameters.Length];
        double batchLoss = generated.BackwardBatch(inputs, labels.SelectMany(label => OneHot(network, label)).ToArray(), batchFromTargets);
        check.Identical($"BackwardBatch's loss for {Count} labels", batchLoss, generated.BackwardBatch(inputs, labels, batchFromLabels));
        check.Identical($"BackwardBatch's gradient for {Count} labels", batchFromTargets, batchFromLabels);
        check.Record($"BackwardBatch's gradient for {Count} labels", batchFromLabels);
    }

    private static double[] Randomize(Case network, NetworkAdapter generated, Random random)
    {
        double[] parameters = network.RandomParameters(random);
        generated.Parameters = parameters;
        return parameters;
    }

    private static double[] OneHot(Case network, int label) =>
        Enumerable.Range(0, network.OutputSize).Select(j => j == label ? 1.0 : 0.0).ToArray();
}
