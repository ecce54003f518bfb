using System;
using System.Linq;
using System.Numerics;
using Xunit;
using static StaticNet.Tests.Tolerance;
using static StaticNet.Tests.ContractTests;

namespace StaticNet.Tests.Sequence;

/// <summary>
/// The generated sequence networks against the plain math (<see cref="ReferenceSequence"/>) and finite differences, at
/// whatever vector width the process runs (CI runs this project at 512, 256 and 128 bits): Forward, Step, ForwardBatch,
/// the loss, the gradients through time, TrainStep and BackwardBatch, and no allocation.
/// </summary>
public sealed class SequenceTests
{
    /// <summary>Lengths: one frame, fewer frames than a convolution's reach, and a longer sequence.</summary>
    public static TheoryData<string, int> NamesAndLengths
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (SequenceCase network in SequenceCase.All)
            {
                foreach (int frames in new[] { 1, 3, 23 })
                {
                    data.Add(network.Type.Name, frames);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(NamesAndLengths))]
    public void Forward_Step_and_ForwardBatch_match_the_plain_math(string name, int frames)
    {
        SequenceCase network = SequenceCase.Get(name);
        if (network.IsDouble)
        {
            ForwardMatches<double>(network, frames);
        }
        else
        {
            ForwardMatches<float>(network, frames);
        }
    }

    [Theory]
    [MemberData(nameof(NamesAndLengths))]
    public void Backward_matches_finite_differences_of_the_plain_math(string name, int frames)
    {
        SequenceCase network = SequenceCase.Get(name);
        if (network.IsDouble)
        {
            BackwardMatches<double>(network, frames);
        }
        else
        {
            BackwardMatches<float>(network, frames);
        }
    }

    [Theory]
    [MemberData(nameof(SequenceCase.Names), MemberType = typeof(SequenceCase))]
    public void TrainStep_and_BackwardBatch_agree_with_Backward(string name)
    {
        SequenceCase network = SequenceCase.Get(name);
        if (network.IsDouble)
        {
            TrainingAgrees<double>(network);
        }
        else
        {
            TrainingAgrees<float>(network);
        }
    }

    [Theory]
    [MemberData(nameof(SequenceCase.Names), MemberType = typeof(SequenceCase))]
    public void No_method_allocates_after_warm_up(string name)
    {
        SequenceCase network = SequenceCase.Get(name);
        if (network.IsDouble)
        {
            AllocatesNothing<double>(network);
        }
        else
        {
            AllocatesNothing<float>(network);
        }
    }

    [Theory]
    [MemberData(nameof(SequenceCase.Names), MemberType = typeof(SequenceCase))]
    public void Wrong_lengths_throw_ArgumentException(string name)
    {
        SequenceCase network = SequenceCase.Get(name);
        if (network.IsDouble)
        {
            AssertThrows((ISequenceNetwork<double>)network.Instantiate(0));
        }
        else
        {
            AssertThrows((ISequenceNetwork<float>)network.Instantiate(0));
        }
    }

    [Fact]
    public void Spans_that_Step_writes_must_not_overlap_the_spans_it_reads_or_the_parameters()
    {
        var net = Networks.GruTagger.Create(seed: 1);
        int state = Networks.GruTagger.StateSize, input = Networks.GruTagger.InputSize, output = Networks.GruTagger.OutputSize;
        var buffer = new float[state + input + output];

        // Side by side in one buffer: no overlap, in any order.
        net.Step(buffer.AsSpan(0, state), buffer.AsSpan(state, input), buffer.AsSpan(state + input, output));
        net.Step(buffer.AsSpan(output + input, state), buffer.AsSpan(output, input), buffer.AsSpan(0, output));

        // One element shared, at either end (ContractTests.AssertOverlap: the exception names the span written).
        AssertOverlap(() => net.Step(new float[state], buffer.AsSpan(0, input), buffer.AsSpan(input - 1, output)), "output", "input");
        AssertOverlap(() => net.Step(new float[state], buffer.AsSpan(output - 1, input), buffer.AsSpan(0, output)), "output", "input");
        AssertOverlap(() => net.Step(buffer.AsSpan(0, state), new float[input], buffer.AsSpan(state - 1, output)), "output", "state");
        AssertOverlap(() => net.Step(new float[state], new float[input], net.Parameters.Slice(5, output)), "output", "Parameters");
        AssertOverlap(() => net.Step(buffer.AsSpan(1, state), buffer.AsSpan(0, input), new float[output]), "state", "input");
        AssertOverlap(() => net.Step(net.Parameters.Slice(net.Parameters.Length - state, state), new float[input], new float[output]), "state", "Parameters");
    }

    private static void ForwardMatches<T>(SequenceCase network, int frames)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(frames);
        var net = (ISequenceNetwork<T>)network.Instantiate(0);
        double[] parameters = network.RandomizeParameters(net, random);
        double[] x = SequenceCase.Exact<T>(SequenceCase.Random(random, frames * network.Reference.InputSize, 1.5));
        double[] expected = network.Reference.Forward(parameters, x, frames);
        int inputSize = network.Reference.InputSize, outputSize = network.Reference.OutputSize;
        double tolerance = For(network.IsDouble);

        var y = new T[frames * outputSize];
        net.Forward(SequenceCase.Convert<T>(x), y);
        AssertClose(expected, SequenceCase.Back<T>(y), tolerance, "outputs (Forward)");

        // Step from the zero state, frame by frame; then a stream continues from where it stopped.
        var state = new T[network.StateSize];
        var stepped = new T[frames * outputSize];
        T[] input = SequenceCase.Convert<T>(x);
        for (int t = 0; t < frames; t++)
        {
            net.Step(state, input.AsSpan(t * inputSize, inputSize), stepped.AsSpan(t * outputSize, outputSize));
        }

        AssertClose(expected, SequenceCase.Back<T>(stepped), tolerance, "outputs (Step)");
        double[] twice = network.Reference.Forward(parameters, [.. x, .. x], 2 * frames);
        for (int t = 0; t < frames; t++)
        {
            net.Step(state, input.AsSpan(t * inputSize, inputSize), stepped.AsSpan(t * outputSize, outputSize));
        }

        AssertClose(twice[(frames * outputSize)..], SequenceCase.Back<T>(stepped), tolerance, "outputs (Step, the stream continued)");

        // Three sequences at once; each starts from the zero state.
        double[] other = SequenceCase.Exact<T>(SequenceCase.Random(random, frames * inputSize, 1.5));
        var batch = new T[3 * frames * outputSize];
        net.ForwardBatch(SequenceCase.Convert<T>([.. x, .. other, .. x]), batch, frames);
        AssertClose([.. expected, .. network.Reference.Forward(parameters, other, frames), .. expected], SequenceCase.Back<T>(batch), tolerance, "outputs (ForwardBatch)");
    }

    private static void BackwardMatches<T>(SequenceCase network, int frames)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(100 + frames);
        var net = (ISequenceNetwork<T>)network.Instantiate(0);
        double[] parameters = network.RandomizeParameters(net, random);
        double[] x = SequenceCase.Exact<T>(SequenceCase.Random(random, frames * network.Reference.InputSize, 1.5));
        double[] targets = network.Targets(random, frames);
        var gradients = new T[parameters.Length];
        var inputGradients = new T[x.Length];
        double loss = double.CreateChecked(net.Backward(SequenceCase.Convert<T>(x), SequenceCase.Convert<T>(targets), gradients, inputGradients));
        AssertClose(network.Reference.ComputeLoss(parameters, x, targets, frames), loss, For(network.IsDouble), "loss (Backward)");
        AssertClose(network.Reference.ComputeLoss(parameters, x, targets, frames), double.CreateChecked(net.ComputeLoss(SequenceCase.Convert<T>(x), SequenceCase.Convert<T>(targets))), For(network.IsDouble), "loss (ComputeLoss)");

        // Central differences of the double reference; where a ReLU kink makes the quotient unstable (it changes with
        // the step), that parameter is skipped.
        int[] indices = Enumerable.Range(0, 40).Select(_ => random.Next(parameters.Length)).Distinct().ToArray();
        (double[] numeric, double[] numericInputs) = network.Reference.FiniteDifferences(parameters, x, targets, frames, indices);
        (double[] half, double[] halfInputs) = network.IsSmooth ? (numeric, numericInputs) : network.Reference.FiniteDifferences(parameters, x, targets, frames, indices, 5e-7);
        double tolerance = network.IsDouble ? 1e-6 : 1e-4;
        double[] actual = SequenceCase.Back<T>(gradients);
        for (int i = 0; i < indices.Length; i++)
        {
            if (Math.Abs(numeric[i] - half[i]) <= 1e-6 * (Math.Abs(numeric[i]) + 1e-2))
            {
                AssertClose(numeric[i], actual[indices[i]], tolerance, $"dLoss/dParameters[{indices[i]}]");
            }
        }

        double[] actualInputs = SequenceCase.Back<T>(inputGradients);
        for (int i = 0; i < x.Length; i++)
        {
            if (Math.Abs(numericInputs[i] - halfInputs[i]) <= 1e-6 * (Math.Abs(numericInputs[i]) + 1e-2))
            {
                AssertClose(numericInputs[i], actualInputs[i], tolerance, $"dLoss/dInputs[{i}]");
            }
        }

        // Without dLoss/dInputs: the same gradient; and the gradient is added to what is there.
        var only = new T[parameters.Length];
        net.Backward(SequenceCase.Convert<T>(x), SequenceCase.Convert<T>(targets), only);
        Assert.Equal(gradients, only);
        var again = new T[parameters.Length];
        again.AsSpan().Fill(T.One);
        net.Backward(SequenceCase.Convert<T>(x), SequenceCase.Convert<T>(targets), again);
        AssertClose(actual.Select(g => g + 1).ToArray(), SequenceCase.Back<T>(again), For(network.IsDouble), "dLoss/dParameters added to the gradient given");
    }

    private static void TrainingAgrees<T>(SequenceCase network)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Frames = 7;
        var random = new Random(5);
        var net = (ISequenceNetwork<T>)network.Instantiate(0);
        double[] parameters = network.RandomizeParameters(net, random);
        T[] a = SequenceCase.Convert<T>(SequenceCase.Exact<T>(SequenceCase.Random(random, Frames * network.Reference.InputSize, 1)));
        T[] b = SequenceCase.Convert<T>(SequenceCase.Exact<T>(SequenceCase.Random(random, Frames * network.Reference.InputSize, 1)));
        T[] ta = SequenceCase.Convert<T>(network.Targets(random, Frames)), tb = SequenceCase.Convert<T>(network.Targets(random, Frames));

        var ga = new T[parameters.Length];
        var gb = new T[parameters.Length];
        double la = double.CreateChecked(net.Backward(a, ta, ga)), lb = double.CreateChecked(net.Backward(b, tb, gb));
        var batch = new T[parameters.Length];
        double loss = double.CreateChecked(net.BackwardBatch([.. a, .. b], [.. ta, .. tb], batch, Frames));
        double tolerance = For(network.IsDouble);
        AssertClose((la + lb) / 2, loss, tolerance, "mean loss (BackwardBatch)");
        AssertClose(SequenceCase.Back<T>(ga).Zip(SequenceCase.Back<T>(gb), (p, q) => (p + q) / 2).ToArray(), SequenceCase.Back<T>(batch), tolerance, "mean gradient (BackwardBatch)");
        Assert.Equal(T.Zero, net.BackwardBatch([], [], batch, Frames));

        const double Rate = 0.25;
        AssertClose(la, double.CreateChecked(net.TrainStep(a, ta, T.CreateChecked(Rate))), tolerance, "loss (TrainStep)");
        AssertClose(parameters.Zip(SequenceCase.Back<T>(ga), (p, g) => p - (Rate * g)).ToArray(), SequenceCase.Back<T>(net.Parameters), tolerance, "parameters after TrainStep");
    }

    private static void AllocatesNothing<T>(SequenceCase network)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Frames = 16;
        var net = (ISequenceNetwork<T>)network.Instantiate(0);
        int inputSize = network.Reference.InputSize, outputSize = network.Reference.OutputSize;
        var x = new T[Frames * inputSize];
        var targets = new T[Frames * outputSize];
        targets.AsSpan().Fill(T.CreateChecked(1.0 / outputSize));
        var y = new T[Frames * outputSize];
        var state = new T[network.StateSize];
        var gradients = new T[net.Parameters.Length];
        var dx = new T[x.Length];
        var batch = new T[3 * x.Length];
        var batchTargets = new T[3 * targets.Length];
        batchTargets.AsSpan().Fill(T.CreateChecked(1.0 / outputSize));
        var batchOutputs = new T[3 * y.Length];

        NoAllocation.AfterWarmUp(() =>
        {
            net.Step(state, x.AsSpan(0, inputSize), y.AsSpan(0, outputSize));
            net.Forward(x, y);
            net.ForwardBatch(batch, batchOutputs, Frames);
            net.ComputeLoss(x, targets);
            net.Backward(x, targets, gradients);
            net.Backward(x, targets, gradients, dx);
            net.TrainStep(x, targets, T.CreateChecked(1e-6));
            net.BackwardBatch(batch, batchTargets, gradients, Frames);
        });
    }

    private static void AssertThrows<T>(ISequenceNetwork<T> net)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inputSize = (int)net.GetType().GetField("InputSize")!.GetValue(null)!, outputSize = (int)net.GetType().GetField("OutputSize")!.GetValue(null)!;
        int stateSize = (int)net.GetType().GetField("StateSize")!.GetValue(null)!;
        var x = new T[3 * inputSize];
        var y = new T[3 * outputSize];
        var g = new T[net.Parameters.Length];
        Assert.Throws<ArgumentException>(() => net.Step(new T[stateSize + 1], x.AsSpan(0, inputSize), y.AsSpan(0, outputSize)));
        Assert.Throws<ArgumentException>(() => net.Step(new T[stateSize], x.AsSpan(0, inputSize + 1), y.AsSpan(0, outputSize)));
        Assert.Throws<ArgumentException>(() => net.Step(new T[stateSize], x.AsSpan(0, inputSize), y.AsSpan(0, outputSize + 1)));
        Assert.Throws<ArgumentException>(() => net.Forward(x, new T[(3 * outputSize) + 1]));
        Assert.Throws<ArgumentException>(() => net.Forward(x, y.AsSpan(0, (3 * outputSize) - 1)));
        if (inputSize > 1)
        {
            Assert.Throws<ArgumentException>(() => net.Forward(x.AsSpan(0, (3 * inputSize) - 1), y));
        }

        Assert.Throws<ArgumentException>(() => net.Forward([], []));
        Assert.Throws<ArgumentException>(() => net.ComputeLoss(x, new T[y.Length + 1]));
        Assert.Throws<ArgumentException>(() => net.Backward(x, y, new T[g.Length + 1]));
        Assert.Throws<ArgumentException>(() => net.Backward(x, y, g, new T[x.Length + 1]));
        Assert.Throws<ArgumentException>(() => net.ForwardBatch(x, y, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.ForwardBatch(x, y, 0));
        Assert.Throws<ArgumentException>(() => net.BackwardBatch(x, y, g, 2));
    }
}
