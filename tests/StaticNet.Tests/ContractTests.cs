using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using StaticNet.Tests.Networks;
using Xunit;

namespace StaticNet.Tests;

/// <summary>The public contract of generated networks: sizes, argument checks, initialisation, the interfaces, threads.</summary>
public sealed class ContractTests
{
    [Fact]
    public void Constants_and_layer_sizes_follow_the_declaration()
    {
        Assert.Equal(2, XorNet.InputSize);
        Assert.Equal(1, XorNet.OutputSize);
        Assert.Equal((2 * 16) + 16 + (16 * 16) + 16 + 16 + 1, XorNet.ParameterCount);
        Assert.Equal([2, 16, 16, 1], XorNet.LayerSizes.ToArray());
        Assert.Equal(8970, T2.ParameterCount);
        Assert.Equal(XorNet.ParameterCount, new XorNet().Parameters.Length);
    }

    [Fact]
    public void Generic_code_sees_the_static_members_through_the_interface()
    {
        (int input, int output, int count, int[] sizes, float[] parameters) = Describe<T2>();
        Assert.Equal((64, 10, 8970), (input, output, count));
        Assert.Equal([64, 64, 64, 10], sizes);
        Assert.Equal(new T2(3).Parameters.ToArray(), parameters);
        Assert.IsAssignableFrom<IClassifierNetwork<float>>(new T2());
        Assert.False(new XorNet() is IClassifierNetwork<float>);
        Assert.IsAssignableFrom<INetwork<double>>(new DoubleRegression());

        static (int, int, int, int[], float[]) Describe<TNet>()
            where TNet : class, INetwork<TNet, float> =>
            (TNet.InputSize, TNet.OutputSize, TNet.ParameterCount, TNet.LayerSizes.ToArray(), TNet.Create(3).Parameters.ToArray());
    }

    [Fact]
    public void Parameters_is_a_view_in_the_documented_layout()
    {
        // Layer 1 of XorNet: W[16 x 2] at 0, b at 32; layer 2: W[16 x 16] at 48, b at 304; layer 3: W[1 x 16] at 320, b at 336.
        var net = new XorNet();
        net.Parameters.Clear();
        net.Parameters[336] = 0.25f;
        Span<float> output = stackalloc float[1];
        net.Forward([3, 4], output);
        Assert.Equal(0.25f, output[0]);

        // A unit weight from input 1 to hidden unit 0, then from hidden unit 0 to hidden unit 5, then from unit 5 to the output.
        net.Parameters[(0 * 2) + 1] = 1;
        net.Parameters[48 + (5 * 16) + 0] = 1;
        net.Parameters[320 + 5] = 1;
        net.Forward([3, 0.5f], output);
        Assert.Equal(0.25f + MathF.Tanh(MathF.Tanh(0.5f)), output[0], 6);
    }

    [Fact]
    public void The_same_seed_gives_the_same_parameters_and_the_default_seed_is_documented()
    {
        Assert.Equal(new T2(5).Parameters.ToArray(), new T2(5).Parameters.ToArray());
        Assert.NotEqual(new T2(5).Parameters.ToArray(), new T2(6).Parameters.ToArray());
        Assert.Equal(new T2(T2.DefaultSeed).Parameters.ToArray(), new T2().Parameters.ToArray());
    }

    [Fact]
    public void Initialisation_is_He_uniform_for_ReLU_and_Glorot_uniform_otherwise_with_zero_biases()
    {
        // The documented algorithm re-implemented here: SplitMix64 from the seed, one stream over the layers' weights in
        // order, each weight (2u - 1) * limit with u from the top 24 bits; biases zero. Integer arithmetic and sqrt only,
        // so the result is the same on every machine.
        AssertInitialisation(new T2(17).Parameters.ToArray(), seed: 17, [64, 64, 64, 10], [true, true, false]);
        AssertInitialisation(new XorNet(-3).Parameters.ToArray(), seed: -3, [2, 16, 16, 1], [false, false, false]);

        static void AssertInitialisation(float[] actual, int seed, int[] sizes, bool[] he)
        {
            ulong state = unchecked((ulong)(long)seed) ^ 0x5DEECE66DUL;
            int offset = 0;
            for (int layer = 0; layer < sizes.Length - 1; layer++)
            {
                int inputs = sizes[layer], outputs = sizes[layer + 1];
                float limit = (float)(he[layer] ? Math.Sqrt(6.0 / inputs) : Math.Sqrt(6.0 / (inputs + outputs)));
                for (int k = 0; k < inputs * outputs; k++)
                {
                    float u = (Next(ref state) >> 40) * (1.0f / (1 << 24));
                    Assert.Equal(((2f * u) - 1f) * limit, actual[offset + k]);
                }

                offset += inputs * outputs;
                Assert.All(actual.Skip(offset).Take(outputs), bias => Assert.Equal(0f, bias));
                offset += outputs;
            }

            Assert.Equal(actual.Length, offset);
        }

        static ulong Next(ref ulong state)
        {
            unchecked
            {
                ulong z = state += 0x9E3779B97F4A7C15UL;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                return z ^ (z >> 31);
            }
        }
    }

    [Fact]
    public void The_first_parameters_of_seed_1_are_pinned()
    {
        // Pinned once from the algorithm above; a change here changes every user's initial network.
        float[] first = new XorNet(1).Parameters[..4].ToArray();
        Assert.Equal([-0.42981115f, -0.243591189f, -0.451524705f, -0.34022373f], first);
    }

    [Fact]
    public void Spans_of_the_wrong_length_throw_ArgumentException_naming_both_lengths()
    {
        var net = new T2();
        float[] input = new float[64], output = new float[10], gradients = new float[T2.ParameterCount];

        AssertLength(() => net.Forward(new float[63], output), "input", 64, 63);
        AssertLength(() => net.Forward(input, new float[11]), "output", 10, 11);
        AssertLength(() => net.ComputeLoss(input, new float[9]), "target", 10, 9);
        AssertLength(() => net.Backward(input, output, new float[5]), "gradients", T2.ParameterCount, 5);
        AssertLength(() => net.Backward(input, output, gradients, new float[65]), "inputGradient", 64, 65);
        AssertLength(() => net.TrainStep(new float[1], output, 0.1f), "input", 64, 1);
        AssertLength(() => net.Predict(new float[0]), "input", 64, 0);
        AssertLength(() => net.ForwardBatch(new float[128], new float[10]), "outputs", 20, 10);
        AssertLength(() => net.BackwardBatch(new float[128], new float[10], gradients), "targets", 20, 10);
        AssertLength(() => net.BackwardBatch(new float[128], new float[20], new float[1]), "gradients", T2.ParameterCount, 1);
        AssertLength(() => net.BackwardBatch(new float[128], new int[3], gradients), "labels", 2, 3);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => net.BackwardBatch(new float[65], new float[10], gradients)).ParamName);
        ArgumentException notMultiple = Assert.Throws<ArgumentException>(() => net.ForwardBatch(new float[100], new float[10]));
        Assert.Equal("inputs", notMultiple.ParamName);
        Assert.Contains("multiple of 64", notMultiple.Message, StringComparison.Ordinal);
        Assert.Contains("100", notMultiple.Message, StringComparison.Ordinal);

        static void AssertLength(Action call, string parameter, int expected, int actual)
        {
            ArgumentException exception = Assert.Throws<ArgumentException>(call);
            Assert.Equal(parameter, exception.ParamName);
            Assert.Contains($"length {expected}", exception.Message, StringComparison.Ordinal);
            Assert.Contains($"length {actual}", exception.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(10)]
    [InlineData(int.MaxValue)]
    public void A_label_out_of_range_throws_ArgumentOutOfRangeException(int label)
    {
        var net = new T2();
        float[] input = new float[64];
        float[] before = net.Parameters.ToArray();
        Assert.Equal("label", Assert.Throws<ArgumentOutOfRangeException>(() => net.TrainStep(input, label, 0.1f)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.Backward(input, label, new float[T2.ParameterCount]));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.ComputeLoss(input, label));
        Assert.Equal(before, net.Parameters.ToArray());

        // A bad label anywhere in a batch is found before anything is added.
        float[] gradients = new float[T2.ParameterCount];
        Assert.Throws<ArgumentOutOfRangeException>(() => net.BackwardBatch(new float[3 * 64], [1, 2, label], gradients));
        Assert.All(gradients, g => Assert.Equal(0f, g));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(-0.1f)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(float.PositiveInfinity)]
    public void TrainStep_rejects_a_learning_rate_the_optimizers_reject(float learningRate)
    {
        var net = new T2();
        float[] before = net.Parameters.ToArray();
        float[] input = new float[64], target = new float[10];
        target[3] = 1;
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => net.TrainStep(input, target, learningRate)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => net.TrainStep(input, 3, learningRate)).ParamName);
        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new DoubleRegression().TrainStep(new double[3], new double[1], learningRate)).ParamName);
        Assert.Equal(before, net.Parameters.ToArray());

        // Zero is a valid rate: the step changes nothing, as the optimizers' would.
        net.TrainStep(input, target, 0f);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void TrainStep_rejects_a_non_finite_input_or_target_before_changing_anything(float bad)
    {
        // TanhRegression saturates: on main, +Inf gave a finite loss and non-finite parameters (issue 14).
        var net = new TanhRegression(seed: 2);
        float[] before = net.Parameters.ToArray();
        float[] input = [0.5f, -0.25f, 1, 0.125f], target = [0.1f, 0.2f, 0.3f];
        float[] badInput = [0.5f, -0.25f, bad, 0.125f], badTarget = [0.1f, bad, 0.3f];

        ArgumentException inputError = Assert.Throws<ArgumentException>(() => net.TrainStep(badInput, target, 0.1f));
        Assert.Equal("input", inputError.ParamName);
        Assert.Contains("input[2]", inputError.Message, StringComparison.Ordinal);
        Assert.Equal("target", Assert.Throws<ArgumentException>(() => net.TrainStep(input, badTarget, 0.1f)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => new T2().TrainStep(Enumerable.Repeat(bad, 64).ToArray(), 1, 0.1f)).ParamName);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void Spans_that_a_method_writes_must_not_overlap_the_spans_it_reads_or_the_parameters()
    {
        var net = new T2(seed: 4);
        float[] before = net.Parameters.ToArray();
        float[] buffer = new float[T2.ParameterCount + 200];
        var random = new Random(5);
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = (float)random.NextDouble();
        }

        float[] snapshot = (float[])buffer.Clone();
        AssertOverlap(() => net.Forward(buffer.AsSpan(0, 64), buffer.AsSpan(0, 10)), "output", "input");
        AssertOverlap(() => net.Forward(buffer.AsSpan(0, 64), buffer.AsSpan(63, 10)), "output", "input");
        AssertOverlap(() => net.Forward(buffer.AsSpan(0, 64), net.Parameters.Slice(100, 10)), "output", "Parameters");
        AssertOverlap(() => net.ForwardBatch(buffer.AsSpan(0, 4 * 64), buffer.AsSpan(200, 40)), "outputs", "inputs");
        AssertOverlap(() => net.Backward(buffer.AsSpan(0, 64), buffer.AsSpan(64, 10), buffer.AsSpan(70, T2.ParameterCount)), "gradients", "target");
        AssertOverlap(() => net.Backward(buffer.AsSpan(0, 64), buffer.AsSpan(64, 10), net.Parameters), "gradients", "Parameters");
        AssertOverlap(() => net.Backward(buffer.AsSpan(0, 64), buffer.AsSpan(64, 10), buffer.AsSpan(73, T2.ParameterCount), buffer.AsSpan(10, 64)), "gradients", "target");
        AssertOverlap(() => net.Backward(buffer.AsSpan(0, 64), buffer.AsSpan(64, 10), new float[T2.ParameterCount], buffer.AsSpan(32, 64)), "inputGradient", "input");
        float[] shared = new float[T2.ParameterCount + 64];
        AssertOverlap(() => net.Backward(buffer.AsSpan(0, 64), buffer.AsSpan(64, 10), shared.AsSpan(0, T2.ParameterCount), shared.AsSpan(T2.ParameterCount - 1, 64)), "inputGradient", "gradients");
        AssertOverlap(() => net.Backward(buffer.AsSpan(0, 64), 3, buffer.AsSpan(60, T2.ParameterCount)), "gradients", "input");
        AssertOverlap(() => net.BackwardBatch(buffer.AsSpan(0, 128), buffer.AsSpan(128, 20), buffer.AsSpan(140, T2.ParameterCount)), "gradients", "targets");
        AssertOverlap(() => net.BackwardBatch(buffer.AsSpan(0, 128), new int[2], buffer.AsSpan(100, T2.ParameterCount)), "gradients", "inputs");
        AssertOverlap(() => net.BackwardBatch(buffer.AsSpan(0, 128), new int[2], net.Parameters), "gradients", "Parameters");
        AssertOverlap(() => net.TrainStep(net.Parameters.Slice(0, 64), buffer.AsSpan(64, 10), 0.1f), "input", "Parameters");
        AssertOverlap(() => net.TrainStep(buffer.AsSpan(0, 64), net.Parameters.Slice(T2.ParameterCount - 10), 0.1f), "target", "Parameters");
        AssertOverlap(() => net.TrainStep(net.Parameters.Slice(8, 64), 2, 0.1f), "input", "Parameters");
        Assert.Equal(snapshot, buffer);
        Assert.Equal(before, net.Parameters.ToArray());

        // Spans that are only read may share memory: the same buffer as input and target changes nothing.
        float[] copy = buffer[..64];
        var twin = new T2(seed: 4);
        Assert.Equal(net.ComputeLoss(copy.AsSpan(0, 64), copy.AsSpan(0, 10)), net.ComputeLoss(buffer.AsSpan(0, 64), buffer.AsSpan(0, 10)));
        Assert.Equal(twin.TrainStep(copy.AsSpan(0, 64), copy.AsSpan(0, 10), 0.1f), net.TrainStep(buffer.AsSpan(0, 64), buffer.AsSpan(0, 10), 0.1f));
        Assert.Equal(twin.Parameters.ToArray(), net.Parameters.ToArray());
    }

    /// <summary>That <paramref name="call"/> refuses a span it writes, <paramref name="written"/>, overlapping one it reads, <paramref name="read"/>.</summary>
    /// <param name="call">The call.</param>
    /// <param name="written">The name of the span written (the exception's parameter).</param>
    /// <param name="read">The name of the span read, or "Parameters".</param>
    internal static void AssertOverlap(Action call, string written, string read)
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(call);
        Assert.Equal(written, exception.ParamName);
        Assert.Contains($"'{written}' overlaps '{read}'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_batch_returns_zero_and_adds_nothing()
    {
        var net = new T2();
        float[] gradients = new float[T2.ParameterCount];
        Assert.Equal(0f, net.BackwardBatch([], ReadOnlySpan<float>.Empty, gradients));
        Assert.Equal(0f, net.BackwardBatch([], ReadOnlySpan<int>.Empty, gradients));
        Assert.All(gradients, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Forward_from_several_threads_at_once_on_one_instance_gives_the_single_threaded_results()
    {
        var net = new T2(seed: 11);
        var random = new Random(12);
        float[][] inputs = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, 64).Select(_ => (float)random.NextDouble()).ToArray()).ToArray();
        float[][] expected = inputs.Select(x =>
        {
            var y = new float[10];
            net.Forward(x, y);
            return y;
        }).ToArray();

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            var y = new float[10];
            for (int round = 0; round < 200; round++)
            {
                int k = (worker + round) % inputs.Length;
                net.Forward(inputs[k], y);
                Assert.Equal(expected[k], y);
            }
        });
    }

    [Fact]
    public void Concurrent_calls_on_one_classifier_give_the_single_threaded_results_to_the_bit() => AssertConcurrentCallsAreExact<T2, float>(rounds: 60);

    [Fact]
    public void Concurrent_calls_on_one_network_whose_scratch_is_off_the_stack_give_the_single_threaded_results() => AssertConcurrentCallsAreExact<HeapScratch, float>(rounds: 6);

    [Fact]
    public void Concurrent_calls_on_one_double_regression_network_give_the_single_threaded_results() => AssertConcurrentCallsAreExact<DoubleRegression, double>(rounds: 60);

    /// <summary>
    /// The methods documented as safe to call concurrently on one instance (they read the parameters only): Forward,
    /// ForwardBatch, ComputeLoss, Backward, BackwardBatch, and for classifiers Predict and the label overloads. Several
    /// threads (at least 4, twice the cores), released together by a barrier, call them all on shared inputs, each into
    /// its own output buffers, and every result must be the single-threaded one to the bit.
    /// </summary>
    private static void AssertConcurrentCallsAreExact<TNet, T>(int rounds)
        where TNet : class, INetwork<TNet, T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        const int Items = 12, BatchSize = 5;
        TNet net = TNet.Create(21);
        var classifier = net as IClassifierNetwork<T>;
        int inputSize = TNet.InputSize, outputSize = TNet.OutputSize, parameterCount = TNet.ParameterCount;
        var random = new Random(22);
        T[] RandomValues(int count) => Enumerable.Range(0, count).Select(_ => T.CreateChecked((2 * random.NextDouble()) - 1)).ToArray();
        T[][] inputs = Enumerable.Range(0, Items).Select(_ => RandomValues(BatchSize * inputSize)).ToArray();
        T[][] targets = Enumerable.Range(0, Items).Select(_ => Enumerable.Range(0, BatchSize * outputSize).Select(_ => T.CreateChecked(random.NextDouble())).ToArray()).ToArray();
        int[][] labels = Enumerable.Range(0, Items).Select(_ => Enumerable.Range(0, BatchSize).Select(_ => random.Next(outputSize)).ToArray()).ToArray();

        // Every result of item k, in one array of bits, computed on the calling thread with the buffers given.
        long[] Results(int k, T[] output, T[] batchOutput, T[] gradients, T[] inputGradient)
        {
            ReadOnlySpan<T> input = inputs[k].AsSpan(0, inputSize), target = targets[k].AsSpan(0, outputSize);
            var bits = new System.Collections.Generic.List<long>();
            void Add(ReadOnlySpan<T> values)
            {
                foreach (T value in values)
                {
                    bits.Add(BitConverter.DoubleToInt64Bits(double.CreateChecked(value)));
                }
            }

            net.Forward(input, output);
            Add(output);
            net.ForwardBatch(inputs[k], batchOutput);
            Add(batchOutput);
            Add([net.ComputeLoss(input, target)]);
            Array.Clear(gradients);
            Add([net.Backward(input, target, gradients, inputGradient)]);
            Add(gradients);
            Add(inputGradient);
            Array.Clear(gradients);
            Add([net.BackwardBatch(inputs[k], targets[k], gradients)]);
            Add(gradients);
            if (classifier is not null)
            {
                bits.Add(classifier.Predict(input));
                Add([classifier.ComputeLoss(input, labels[k][0])]);
                Array.Clear(gradients);
                Add([classifier.Backward(input, labels[k][0], gradients)]);
                Add(gradients);
                Array.Clear(gradients);
                Add([classifier.BackwardBatch(inputs[k], labels[k], gradients)]);
                Add(gradients);
            }

            return bits.ToArray();
        }

        long[][] expected = Enumerable.Range(0, Items)
            .Select(k => Results(k, new T[outputSize], new T[BatchSize * outputSize], new T[parameterCount], new T[inputSize]))
            .ToArray();

        int threadCount = Math.Max(4, 2 * Environment.ProcessorCount);
        using var start = new Barrier(threadCount);
        var failures = new ConcurrentQueue<string>();
        int calls = 0;
        Thread[] threads = Enumerable.Range(0, threadCount).Select(worker => new Thread(() =>
        {
            try
            {
                T[] output = new T[outputSize], batchOutput = new T[BatchSize * outputSize], gradients = new T[parameterCount], inputGradient = new T[inputSize];
                start.SignalAndWait();
                for (int round = 0; round < rounds; round++)
                {
                    int k = ((worker * 5) + (round * 7)) % Items;
                    if (!Results(k, output, batchOutput, gradients, inputGradient).AsSpan().SequenceEqual(expected[k]))
                    {
                        failures.Enqueue($"thread {worker}, round {round}, item {k}");
                    }

                    Interlocked.Increment(ref calls);
                }
            }
            catch (Exception exception)
            {
                failures.Enqueue($"thread {worker}: {exception}");
            }
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));
        Assert.Equal(threadCount * rounds, calls);
    }
}
