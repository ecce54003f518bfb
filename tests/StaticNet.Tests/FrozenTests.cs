using System;
using System.Linq;
using StaticNet.Tests.Networks;
using Xunit;
using static StaticNet.Tests.Tolerance;

namespace StaticNet.Tests;

/// <summary>
/// The inference snapshot (<c>Freeze()</c>): its packed forward pass against the reference math and against the network's
/// own Forward, the snapshot's independence from later writes, its argument checks. The declared networks include layers
/// whose outputs are not a whole number of vectors at any width, layers of several tiles (170 and 20,000 outputs) and
/// layers too narrow to pack (fewer outputs than a vector has lanes), in float and in double; CI runs these at every width.
/// </summary>
public sealed class FrozenTests
{
    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void Frozen_Forward_matches_the_reference_and_Forward(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(31);
        NetworkAdapter generated = network.Create(seed: 0);
        double[] parameters = network.RandomizeParameters(generated, random);
        FrozenAdapter frozen = generated.Freeze();
        for (int sample = 0; sample < 4; sample++)
        {
            double[] input = network.Random(random, network.InputSize, scale: 2);
            double[] output = frozen.Forward(input);
            AssertClose(network.Reference.Forward(parameters, input), output, For(network), "output");
            AssertClose(generated.Forward(input), output, For(network), "output against Forward");
        }
    }

    /// <summary>
    /// The snapshot's batch, whose samples share each load of the packed weights, against its Forward sample by sample: 5
    /// samples (a tile of three, one of two, or one left over), and 37 (a whole block of 32 and a part of one).
    /// </summary>
    [Theory]
    [MemberData(nameof(NetworkCase.Names), MemberType = typeof(NetworkCase))]
    public void Frozen_ForwardBatch_is_its_Forward_sample_by_sample_to_the_bit(string name)
    {
        NetworkCase network = NetworkCase.Get(name);
        var random = new Random(32);
        NetworkAdapter generated = network.Create(seed: 0);
        network.RandomizeParameters(generated, random);
        FrozenAdapter frozen = generated.Freeze();
        foreach (int count in new[] { 5, 37 })
        {
            double[][] inputs = Enumerable.Range(0, count).Select(_ => network.Random(random, network.InputSize)).ToArray();

            double[] batch = frozen.ForwardBatch(inputs.SelectMany(x => x).ToArray(), count * network.OutputSize);

            Assert.Equal(inputs.SelectMany(frozen.Forward).ToArray(), batch);
        }
    }

    [Fact]
    public void A_snapshot_keeps_the_parameters_it_was_made_from()
    {
        var net = new T2(seed: 3);
        var input = new float[T2.InputSize];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (i % 7) - 3;
        }

        T2.Frozen before = net.Freeze();
        float[] frozenOutput = Run(before, input);
        float[] networkOutput = Run(net, input);

        // Training and a direct write change the network, not the snapshot.
        for (int step = 0; step < 5; step++)
        {
            net.TrainStep(input, label: 3, learningRate: 0.1f);
        }

        net.Parameters[0] += 1;
        Assert.Equal(frozenOutput, Run(before, input));
        Assert.NotEqual(networkOutput, Run(net, input));

        // A new snapshot has the new parameters.
        AssertClose(Run(net, input).Select(v => (double)v).ToArray(), Run(net.Freeze(), input).Select(v => (double)v).ToArray(), 1e-4, "output of a new snapshot");
    }

    [Fact]
    public void Predict_is_the_largest_output_of_the_snapshot()
    {
        var net = new T2(seed: 5);
        T2.Frozen frozen = net.Freeze();
        var random = new Random(6);
        for (int sample = 0; sample < 20; sample++)
        {
            float[] input = Enumerable.Range(0, T2.InputSize).Select(_ => (random.NextSingle() * 4) - 2).ToArray();
            float[] output = Run(frozen, input);
            Assert.Equal(Array.IndexOf(output, output.Max()), frozen.Predict(input));
            Assert.Equal(net.Predict(input), frozen.Predict(input));
        }
    }

    [Fact]
    public void The_snapshot_checks_its_arguments()
    {
        XorNet.Frozen frozen = new XorNet().Freeze();
        var buffer = new float[8];
        Assert.Throws<ArgumentException>("input", () => frozen.Forward(new float[3], new float[1]));
        Assert.Throws<ArgumentException>("output", () => frozen.Forward(new float[2], new float[2]));
        Assert.Throws<ArgumentException>("inputs", () => frozen.ForwardBatch(new float[3], new float[1]));
        Assert.Throws<ArgumentException>("outputs", () => frozen.ForwardBatch(new float[4], new float[1]));
        Assert.Throws<ArgumentException>("output", () => frozen.Forward(buffer.AsSpan(0, 2), buffer.AsSpan(1, 1)));
        Assert.Throws<ArgumentException>(() => new T2().Freeze().Predict(new float[3]));
    }

    [Fact]
    public void Freeze_through_the_interface_gives_the_same_snapshot()
    {
        INetwork<double> net = new DoubleRegression(seed: 7);
        IFrozenNetwork<double> frozen = net.Freeze();
        var input = new double[] { 0.5, -1.5, 2 };
        var expected = new double[1];
        var actual = new double[1];
        net.Forward(input, expected);
        frozen.Forward(input, actual);
        Assert.Equal(expected[0], actual[0], 1e-12);
    }

    private static float[] Run(IFrozenNetwork<float> frozen, float[] input)
    {
        var output = new float[T2.OutputSize];
        frozen.Forward(input, output);
        return output;
    }

    private static float[] Run(T2 net, float[] input)
    {
        var output = new float[T2.OutputSize];
        net.Forward(input, output);
        return output;
    }
}
