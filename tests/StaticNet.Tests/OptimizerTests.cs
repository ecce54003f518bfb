using System;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text.Json;
using StaticNet.Training;
using Xunit;
using static StaticNet.Tests.Tolerance;

namespace StaticNet.Tests;

/// <summary>
/// The optimizers and schedules against what PyTorch 1.13 recorded (Reference/optimizers.json, made by
/// Reference/make_optimizer_reference.py): the same start, the same ten gradients, the parameters after one and ten steps.
/// </summary>
public sealed class OptimizerTests
{
    private static readonly JsonElement Recorded = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "optimizers.json"))).RootElement;

    public static TheoryData<int> Optimizers => new(Enumerable.Range(0, Recorded.GetProperty("optimizers").GetArrayLength()));

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Ten_steps_in_double_match_PyTorch(int index) => AssertMatchesPyTorch<double>(index, relative: 1e-12);

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Ten_steps_in_float_match_PyTorch(int index) => AssertMatchesPyTorch<float>(index, relative: 2e-6);

    [Fact]
    public void Schedules_match_PyTorch()
    {
        foreach (JsonElement schedule in Recorded.GetProperty("schedules").EnumerateArray())
        {
            JsonElement options = schedule.GetProperty("options");
            LearningRateSchedule ours = schedule.GetProperty("type").GetString() switch
            {
                "StepLR" => new StepDecay(options.GetProperty("step_size").GetInt32(), options.GetProperty("gamma").GetDouble()),
                "ExponentialLR" => new ExponentialDecay(options.GetProperty("gamma").GetDouble()),
                _ => new InverseTimeDecay(options.GetProperty("decay").GetDouble()),
            };
            double[] rates = schedule.GetProperty("rates").EnumerateArray().Select(r => r.GetDouble()).ToArray();
            double initial = schedule.GetProperty("initial").GetDouble();
            AssertClose(rates, Enumerable.Range(0, rates.Length).Select(t => ours.Rate(initial, t)).ToArray(), 1e-14, schedule.GetProperty("type").GetString()!);
        }
    }

    [Fact]
    public void Step_checks_lengths_and_Reset_forgets_the_state()
    {
        var adam = new Adam<float>(4, learningRate: 0.1);
        Assert.Throws<ArgumentException>(() => adam.Step(new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => adam.Step(new float[4], new float[5]));
        float[] shared = new float[5];
        Assert.Contains("partly overlaps", Assert.Throws<ArgumentException>("gradients", () => adam.Step(shared.AsSpan(0, 4), shared.AsSpan(1, 4))).Message, StringComparison.Ordinal);
        Assert.Equal(0, adam.Steps);

        float[] first = [1, 2, 3, 4];
        float[] gradient = [0.5f, -1, 2, 0.25f];
        adam.Step(first, gradient);
        adam.Step(first, gradient);
        Assert.Equal(2, adam.Steps);
        adam.Reset();
        Assert.Equal(0, adam.Steps);

        float[] again = [1, 2, 3, 4];
        float[] fresh = [1, 2, 3, 4];
        adam.Step(again, gradient);
        new Adam<float>(4, learningRate: 0.1).Step(fresh, gradient);
        Assert.Equal(fresh, again);
    }

    [Fact]
    public void Bad_hyper_parameters_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<float>(4, beta1: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd<float>(4, learningRate: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd<float>(4, learningRate: double.NaN));
        Assert.Throws<ArgumentException>(() => new Sgd<float>(4, learningRate: 0.1, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd<float>(4, learningRate: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true));
    }

    [Fact]
    public void A_step_allocates_nothing()
    {
        var parameters = new float[1000];
        var gradients = new float[1000];
        IOptimizer<float>[] optimizers = [new Sgd<float>(1000, 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1), new Adam<float>(1000, weightDecay: 0.1), new AdamW<float>(1000)];
        foreach (IOptimizer<float> optimizer in optimizers)
        {
            NoAllocation.AfterWarmUp(() => optimizer.Step(parameters, gradients));
        }
    }

    public static TheoryData<int, int> OptimizersAndLengths
    {
        get
        {
            var data = new TheoryData<int, int>();
            for (int index = 0; index < Recorded.GetProperty("optimizers").GetArrayLength(); index++)
            {
                foreach (int length in new[] { 1, 7, 16, 17, 40, 67 })
                {
                    data.Add(index, length);
                }
            }

            return data;
        }
    }

    /// <summary>
    /// At the vector width of the run (CI runs the tests at 512, 256 and 128 bits) and in the tail, every value is what
    /// the optimizer's formula gives, operation by operation in the scalar type, bit for bit: lengths below, at and
    /// across the widths of every vector (PyTorch's recording has 13 values).
    /// </summary>
    [Theory]
    [MemberData(nameof(OptimizersAndLengths))]
    public void Every_value_is_updated_as_the_formula_says_in_float(int index, int length) => AssertMatchesFormula<float>(index, length);

    /// <summary>As <see cref="Every_value_is_updated_as_the_formula_says_in_float"/>, in double.</summary>
    [Theory]
    [MemberData(nameof(OptimizersAndLengths))]
    public void Every_value_is_updated_as_the_formula_says_in_double(int index, int length) => AssertMatchesFormula<double>(index, length);

    /// <summary>Scalar types other than float and double (here <see cref="Half"/>) are updated through double, value by value.</summary>
    [Fact]
    public void Other_scalar_types_are_updated_through_double()
    {
        double[] start = [0.5, -1.25, 2, 0.125, -3];
        double[] gradient = [0.25, 0.5, -1, 2, -0.0625];
        Half[] parameters = start.Select(v => (Half)v).ToArray();
        new Adam<Half>(start.Length, learningRate: 0.1, weightDecay: 0.01).Step(parameters, gradient.Select(v => (Half)v).ToArray());
        double[] expected = [.. start];
        new Adam<double>(start.Length, learningRate: 0.1, weightDecay: 0.01).Step(expected, gradient);
        Assert.Equal(expected.Select(v => (Half)v), parameters);
        Assert.NotEqual(start.Select(v => (Half)v), parameters);
    }

    private static void AssertMatchesFormula<T>(int index, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        JsonElement recorded = Recorded.GetProperty("optimizers")[index];
        string type = recorded.GetProperty("type").GetString()!;
        JsonElement options = recorded.GetProperty("options");
        IOptimizer<T> optimizer = Create<T>(type, options, length);
        var random = new Random((index * 100) + length);
        T[] parameters = Enumerable.Range(0, length).Select(_ => T.CreateChecked((random.NextDouble() * 4) - 2)).ToArray();
        T[] expected = [.. parameters];
        var first = new T[length];
        var second = new T[length];
        double Option(string name) => options.GetProperty(name).GetDouble();
        double lr = Option("lr");
        T weightDecay = T.CreateChecked(Option("weight_decay"));
        bool decay = Option("weight_decay") > 0;
        for (int step = 1; step <= 4; step++)
        {
            T[] gradients = Enumerable.Range(0, length).Select(_ => T.CreateChecked(random.NextDouble() - 0.5)).ToArray();
            optimizer.Step(parameters, gradients);
            for (int i = 0; i < length; i++)
            {
                T p = expected[i], g = gradients[i];
                if (type == "SGD")
                {
                    T momentum = T.CreateChecked(Option("momentum"));
                    g = decay ? (p * weightDecay) + g : g;
                    if (momentum > T.Zero)
                    {
                        first[i] = step == 1 ? g : (g * T.CreateChecked(1 - Option("dampening"))) + (first[i] * momentum);
                        g = options.GetProperty("nesterov").GetBoolean() ? (first[i] * momentum) + g : first[i];
                    }

                    expected[i] = (g * T.CreateChecked(-lr)) + p;
                }
                else
                {
                    double beta1 = options.GetProperty("betas")[0].GetDouble(), beta2 = options.GetProperty("betas")[1].GetDouble();
                    if (decay && type == "AdamW")
                    {
                        p *= T.CreateChecked(1 - (lr * Option("weight_decay")));
                    }
                    else if (decay)
                    {
                        g = (p * weightDecay) + g;
                    }

                    first[i] = (g * T.CreateChecked(1 - beta1)) + (first[i] * T.CreateChecked(beta1));
                    second[i] = (g * g * T.CreateChecked(1 - beta2)) + (second[i] * T.CreateChecked(beta2));
                    T denominator = (T.Sqrt(second[i]) / T.CreateChecked(Math.Sqrt(1 - Math.Pow(beta2, step)))) + T.CreateChecked(Option("eps"));
                    expected[i] = (first[i] / denominator * T.CreateChecked(-lr / (1 - Math.Pow(beta1, step)))) + p;
                }
            }

            int differs = Enumerable.Range(0, length).Where(i => !expected[i].Equals(parameters[i])).DefaultIfEmpty(-1).First();
            Assert.True(differs < 0, $"{type} {options} over {length} values, step {step}: value {differs} is {parameters[Math.Max(differs, 0)]}, the formula gives {expected[Math.Max(differs, 0)]}");
        }
    }

    private static void AssertMatchesPyTorch<T>(int index, double relative)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        JsonElement recorded = Recorded.GetProperty("optimizers")[index];
        T[] parameters = Recorded.GetProperty("initial").EnumerateArray().Select(v => T.CreateChecked(v.GetDouble())).ToArray();
        T[][] gradients = Recorded.GetProperty("gradients").EnumerateArray()
            .Select(g => g.EnumerateArray().Select(v => T.CreateChecked(v.GetDouble())).ToArray()).ToArray();
        IOptimizer<T> optimizer = Create<T>(recorded.GetProperty("type").GetString()!, recorded.GetProperty("options"), parameters.Length);

        for (int step = 0; step < gradients.Length; step++)
        {
            optimizer.Step(parameters, gradients[step]);
            if (step == 0 || step == gradients.Length - 1)
            {
                double[] expected = recorded.GetProperty(step == 0 ? "after1" : "after10").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                AssertClose(expected, parameters.Select(double.CreateChecked).ToArray(), relative, $"{recorded.GetProperty("type")} {recorded.GetProperty("options")} after {step + 1} steps");
            }
        }
    }

    private static IOptimizer<T> Create<T>(string type, JsonElement options, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double lr = options.GetProperty("lr").GetDouble();
        double weightDecay = options.GetProperty("weight_decay").GetDouble();
        if (type == "SGD")
        {
            return new Sgd<T>(count, lr, options.GetProperty("momentum").GetDouble(), options.GetProperty("dampening").GetDouble(), weightDecay, options.GetProperty("nesterov").GetBoolean());
        }

        double beta1 = options.GetProperty("betas")[0].GetDouble(), beta2 = options.GetProperty("betas")[1].GetDouble(), epsilon = options.GetProperty("eps").GetDouble();
        return type == "Adam"
            ? new Adam<T>(count, lr, beta1, beta2, epsilon, weightDecay)
            : new AdamW<T>(count, lr, beta1, beta2, epsilon, weightDecay);
    }
}
