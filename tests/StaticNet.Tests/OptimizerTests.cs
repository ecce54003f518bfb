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
