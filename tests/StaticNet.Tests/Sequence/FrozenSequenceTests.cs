using System;
using System.Linq;
using System.Numerics;
using Xunit;
using static StaticNet.Tests.ContractTests;
using static StaticNet.Tests.Tolerance;

namespace StaticNet.Tests.Sequence;

/// <summary>
/// The inference snapshot of a sequence network (<c>Freeze()</c>): its packed Step, Forward and ForwardBatch against the
/// plain math and against the network, its state interchangeable with the network's, its independence from later writes,
/// no allocation, its argument checks. Every declared sequence network runs (recurrent layers below, at and off every
/// vector width, of one tile and several; convolutions of one tap and several), in float and double; CI runs these at
/// every width.
/// </summary>
public sealed class FrozenSequenceTests
{
    [Theory]
    [MemberData(nameof(SequenceTests.NamesAndLengths), MemberType = typeof(SequenceTests))]
    public void Frozen_Step_Forward_and_ForwardBatch_match_the_plain_math_and_the_network(string name, int frames)
    {
        SequenceCase network = SequenceCase.Get(name);
        if (network.IsDouble)
        {
            Matches<double>(network, frames);
        }
        else
        {
            Matches<float>(network, frames);
        }
    }

    [Theory]
    [MemberData(nameof(SequenceCase.Names), MemberType = typeof(SequenceCase))]
    public void A_frozen_network_allocates_nothing_after_warm_up(string name)
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
            AssertThrows<double>(network);
        }
        else
        {
            AssertThrows<float>(network);
        }
    }

    [Fact]
    public void A_snapshot_keeps_the_parameters_it_was_made_from()
    {
        var net = Networks.GruTagger.Create(seed: 3);
        float[] x = Enumerable.Range(0, 10 * Networks.GruTagger.InputSize).Select(i => ((i % 7) - 3) / 3f).ToArray();
        float[] targets = Enumerable.Repeat(0.25f, 10 * Networks.GruTagger.OutputSize).ToArray();
        Networks.GruTagger.Frozen before = net.Freeze();
        float[] frozenOutput = Run(before.Forward, x);
        float[] networkOutput = Run(net.Forward, x);

        // Training and a direct write change the network, not the snapshot.
        for (int step = 0; step < 5; step++)
        {
            net.TrainStep(x, targets, 0.5f);
        }

        net.Parameters[0] += 1;
        Assert.Equal(frozenOutput, Run(before.Forward, x));
        Assert.NotEqual(networkOutput, Run(net.Forward, x));

        // A new snapshot has the new parameters.
        AssertClose(Run(net.Forward, x).Select(v => (double)v).ToArray(), Run(net.Freeze().Forward, x).Select(v => (double)v).ToArray(), 1e-4, "outputs of a new snapshot");
    }

    [Fact]
    public void Freeze_through_the_interface_is_the_generated_snapshot()
    {
        ISequenceNetwork<float> net = Networks.WideGru.Create(seed: 1);
        IFrozenSequenceNetwork<float> frozen = net.Freeze();
        Assert.IsType<Networks.WideGru.Frozen>(frozen);
        Assert.Equal(Networks.WideGru.StateSize, Networks.WideGru.Frozen.StateSize);
        Assert.Equal(Networks.WideGru.InputSize, Networks.WideGru.Frozen.InputSize);
        Assert.Equal(Networks.WideGru.OutputSize, Networks.WideGru.Frozen.OutputSize);
    }

    [Fact]
    public void Spans_that_Step_writes_must_not_overlap_the_spans_it_reads()
    {
        Networks.GruTagger.Frozen net = Networks.GruTagger.Create(seed: 1).Freeze();
        int state = Networks.GruTagger.StateSize, input = Networks.GruTagger.InputSize, output = Networks.GruTagger.OutputSize;
        var buffer = new float[state + input + output];

        // Side by side in one buffer: no overlap, in any order.
        net.Step(buffer.AsSpan(0, state), buffer.AsSpan(state, input), buffer.AsSpan(state + input, output));
        net.Step(buffer.AsSpan(output + input, state), buffer.AsSpan(output, input), buffer.AsSpan(0, output));

        // One element shared, at either end.
        AssertOverlap(() => net.Step(new float[state], buffer.AsSpan(0, input), buffer.AsSpan(input - 1, output)), "output", "input");
        AssertOverlap(() => net.Step(new float[state], buffer.AsSpan(output - 1, input), buffer.AsSpan(0, output)), "output", "input");
        AssertOverlap(() => net.Step(buffer.AsSpan(0, state), new float[input], buffer.AsSpan(state - 1, output)), "output", "state");
        AssertOverlap(() => net.Step(buffer.AsSpan(1, state), buffer.AsSpan(0, input), new float[output]), "state", "input");
        AssertOverlap(() => net.Forward(buffer.AsSpan(0, 2 * input), buffer.AsSpan(input, 2 * output)), "outputs", "inputs");
        AssertOverlap(() => net.ForwardBatch(buffer.AsSpan(0, 2 * input), buffer.AsSpan(input, 2 * output), 1), "outputs", "inputs");
    }

    private static void Matches<T>(SequenceCase network, int frames)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(200 + frames);
        var net = (ISequenceNetwork<T>)network.Instantiate(0);
        double[] parameters = network.RandomizeParameters(net, random);
        IFrozenSequenceNetwork<T> frozen = net.Freeze();
        double[] x = SequenceCase.Exact<T>(SequenceCase.Random(random, frames * network.Reference.InputSize, 1.5));
        double[] expected = network.Reference.Forward(parameters, x, frames);
        int inputSize = network.Reference.InputSize, outputSize = network.Reference.OutputSize;
        double tolerance = For(network.IsDouble);
        T[] input = SequenceCase.Convert<T>(x);

        var y = new T[frames * outputSize];
        frozen.Forward(input, y);
        AssertClose(expected, SequenceCase.Back<T>(y), tolerance, "outputs (frozen Forward)");
        var own = new T[frames * outputSize];
        net.Forward(input, own);
        AssertClose(SequenceCase.Back<T>(own), SequenceCase.Back<T>(y), tolerance, "outputs (frozen Forward against the network's)");

        // Step from the zero state, frame by frame; it equals Forward to the bit (the same kernels, frame by frame).
        var state = new T[network.StateSize];
        var stepped = new T[frames * outputSize];
        for (int t = 0; t < frames; t++)
        {
            frozen.Step(state, input.AsSpan(t * inputSize, inputSize), stepped.AsSpan(t * outputSize, outputSize));
        }

        Assert.Equal(y, stepped);

        // The state is the network's: a stream continues on the network from where the snapshot left it, and back.
        double[] twice = network.Reference.Forward(parameters, [.. x, .. x, .. x], 3 * frames);
        for (int t = 0; t < frames; t++)
        {
            net.Step(state, input.AsSpan(t * inputSize, inputSize), stepped.AsSpan(t * outputSize, outputSize));
        }

        AssertClose(twice[(frames * outputSize)..(2 * frames * outputSize)], SequenceCase.Back<T>(stepped), tolerance, "outputs (the network's Step, continuing the snapshot's stream)");
        for (int t = 0; t < frames; t++)
        {
            frozen.Step(state, input.AsSpan(t * inputSize, inputSize), stepped.AsSpan(t * outputSize, outputSize));
        }

        AssertClose(twice[(2 * frames * outputSize)..], SequenceCase.Back<T>(stepped), tolerance, "outputs (the snapshot's Step, continuing the network's stream)");

        // Three sequences at once; each starts from the zero state.
        double[] other = SequenceCase.Exact<T>(SequenceCase.Random(random, frames * inputSize, 1.5));
        var batch = new T[3 * frames * outputSize];
        frozen.ForwardBatch(SequenceCase.Convert<T>([.. x, .. other, .. x]), batch, frames);
        AssertClose([.. expected, .. network.Reference.Forward(parameters, other, frames), .. expected], SequenceCase.Back<T>(batch), tolerance, "outputs (frozen ForwardBatch)");
    }

    private static void AllocatesNothing<T>(SequenceCase network)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Frames = 16;
        IFrozenSequenceNetwork<T> frozen = ((ISequenceNetwork<T>)network.Instantiate(0)).Freeze();
        int inputSize = network.Reference.InputSize, outputSize = network.Reference.OutputSize;
        var x = new T[Frames * inputSize];
        var y = new T[Frames * outputSize];
        var state = new T[network.StateSize];
        var batch = new T[3 * x.Length];
        var batchOutputs = new T[3 * y.Length];

        NoAllocation.AfterWarmUp(() =>
        {
            frozen.Step(state, x.AsSpan(0, inputSize), y.AsSpan(0, outputSize));
            frozen.Forward(x, y);
            frozen.ForwardBatch(batch, batchOutputs, Frames);
        });
    }

    private static void AssertThrows<T>(SequenceCase network)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        IFrozenSequenceNetwork<T> net = ((ISequenceNetwork<T>)network.Instantiate(0)).Freeze();
        int inputSize = network.Reference.InputSize, outputSize = network.Reference.OutputSize, stateSize = network.StateSize;
        var x = new T[3 * inputSize];
        var y = new T[3 * outputSize];
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
        Assert.Throws<ArgumentException>(() => net.ForwardBatch(x, y, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.ForwardBatch(x, y, 0));
    }

    private delegate void ForwardCall(ReadOnlySpan<float> inputs, Span<float> outputs);

    private static float[] Run(ForwardCall forward, float[] x)
    {
        var y = new float[x.Length / Networks.GruTagger.InputSize * Networks.GruTagger.OutputSize];
        forward(x, y);
        return y;
    }
}
