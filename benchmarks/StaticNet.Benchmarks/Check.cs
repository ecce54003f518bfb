using System;
using StaticNet.Benchmarks.Baselines;

namespace StaticNet.Benchmarks;

/// <summary>Checks that the baselines compute what the generated network computes: forward outputs and one SGD step.</summary>
public static class Check
{
    /// <summary>Compares on one topology; prints the largest differences and returns whether they are within 1e-4.</summary>
    public static bool Run<TNet>()
        where TNet : class, INetwork<TNet, float>
    {
        TNet net = TNet.Create(seed: 1);
        ReferenceData.FillParameters(TNet.LayerSizes, net.Parameters, seed: 1);
        (Hidden hidden, Baselines.Loss loss) = NetworkBenchmarks<TNet>.Kind();
        IBaseline[] baselines = [new ScalarMlp(TNet.LayerSizes, net.Parameters, hidden, loss), new TensorPrimitivesMlp(TNet.LayerSizes, net.Parameters, hidden, loss)];
        float[] input = ReferenceData.Inputs(TNet.InputSize, 1, seed: 4);
        var target = new float[TNet.OutputSize];
        target[TNet.OutputSize / 2] = 1f;
        var expected = new float[TNet.OutputSize];
        net.Forward(input, expected);
        float expectedLoss = net.TrainStep(input, target, 0.1f);
        var after = new float[TNet.OutputSize];
        net.Forward(input, after);

        bool ok = true;
        foreach (IBaseline baseline in baselines)
        {
            var actual = new float[TNet.OutputSize];
            baseline.Forward(input, actual);
            float lossDifference = MathF.Abs(baseline.TrainStep(input, target, 0.1f) - expectedLoss);
            var actualAfter = new float[TNet.OutputSize];
            baseline.Forward(input, actualAfter);
            float forward = MaxDifference(expected, actual), trained = MaxDifference(after, actualAfter);
            bool pass = forward < 1e-4f && trained < 1e-4f && lossDifference < 1e-4f;
            ok &= pass;
            Console.WriteLine($"{typeof(TNet).Name} {baseline.GetType().Name}: forward {forward:E2}, loss {lossDifference:E2}, after one step {trained:E2} {(pass ? "ok" : "MISMATCH")}");
        }

        return ok;
    }

    private static float MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        }

        return max;
    }
}
