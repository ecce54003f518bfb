using System;
using StaticNet.Benchmarks.Baselines;
using StaticNet.Benchmarks.Peers;
using StaticNet.Training;

namespace StaticNet.Benchmarks;

/// <summary>
/// Checks, before anything is timed, that everything the suite compares computes what the generated network computes:
/// the scalar C# and TensorPrimitives baselines (forward outputs and one SGD step), ONNX Runtime (forward, one sample
/// and a batch, both ways of calling it) and, where its native libraries load, TorchSharp (forward, one-sample and
/// batch SGD steps).
/// </summary>
public static class Check
{
    /// <summary>The largest difference allowed between StaticNet and a baseline.</summary>
    private const float BaselineTolerance = 1e-4f;

    /// <summary>The largest difference allowed between StaticNet and ONNX Runtime or TorchSharp, which compute the same PyTorch module.</summary>
    private const float PeerTolerance = 1e-5f;

    private const float LearningRate = 0.1f;
    private const int Samples = 256;
    private const int Singles = 8;
    private const int TrainBatch = 32;

    /// <summary>Compares on one topology; prints the largest differences and returns whether they are within the tolerances.</summary>
    /// <param name="torchSharp">Whether TorchSharp loads here (see <see cref="TorchSharpPeer.TryInitialize(out string?)"/>).</param>
    public static bool Run<TNet>(bool torchSharp)
        where TNet : class, INetwork<TNet, float>
    {
        return BaselinesAgree<TNet>() & OnnxRuntimeAgrees<TNet>() & (!torchSharp || TorchSharpAgrees<TNet>());
    }

    private static bool BaselinesAgree<TNet>()
        where TNet : class, INetwork<TNet, float>
    {
        TNet net = Models.Create<TNet>();
        (Hidden hidden, Baselines.Loss loss) = NetworkBenchmarks<TNet>.Kind();
        IBaseline[] baselines = [new ScalarMlp(TNet.LayerSizes, net.Parameters, hidden, loss), new TensorPrimitivesMlp(TNet.LayerSizes, net.Parameters, hidden, loss)];
        float[] input = ReferenceData.Inputs(TNet.InputSize, 1, seed: 4);
        var target = new float[TNet.OutputSize];
        target[TNet.OutputSize / 2] = 1f;
        var expected = new float[TNet.OutputSize];
        net.Forward(input, expected);
        float expectedLoss = net.TrainStep(input, target, LearningRate);
        var after = new float[TNet.OutputSize];
        net.Forward(input, after);

        bool ok = true;
        foreach (IBaseline baseline in baselines)
        {
            var actual = new float[TNet.OutputSize];
            baseline.Forward(input, actual);
            float lossDifference = MathF.Abs(baseline.TrainStep(input, target, LearningRate) - expectedLoss);
            var actualAfter = new float[TNet.OutputSize];
            baseline.Forward(input, actualAfter);
            float forward = MaxDifference(expected, actual), trained = MaxDifference(after, actualAfter);
            ok &= Report<TNet>(baseline.GetType().Name, BaselineTolerance, ("forward", forward), ("loss", lossDifference), ("after one step", trained));
        }

        return ok;
    }

    private static bool OnnxRuntimeAgrees<TNet>()
        where TNet : class, INetwork<TNet, float>
    {
        TNet net = Models.Create<TNet>();
        float[] inputs = ReferenceData.Inputs(TNet.InputSize, Samples, seed: 4);
        (float[] singles, float[] batch) = Expected(net, inputs);
        byte[] model = Models.Onnx(typeof(TNet).Name);
        bool ok = true;
        foreach (OnnxRuntimeCall call in Enum.GetValues<OnnxRuntimeCall>())
        {
            var output = new float[TNet.OutputSize];
            var outputs = new float[Samples * TNet.OutputSize];
            using var peer = new OnnxRuntimePeer(model, TNet.InputSize, TNet.OutputSize, inputs, Singles, Samples, output, outputs, call);
            float forward = 0;
            for (int i = 0; i < Singles; i++)
            {
                peer.Forward(i);
                forward = MathF.Max(forward, MaxDifference(singles.AsSpan(i * TNet.OutputSize, TNet.OutputSize), output));
            }

            peer.ForwardBatch();
            ok &= Report<TNet>($"ONNX Runtime ({call})", PeerTolerance, ("forward", forward), ($"ForwardBatch({Samples})", MaxDifference(batch, outputs)));
        }

        return ok;
    }

    private static bool TorchSharpAgrees<TNet>()
        where TNet : class, INetwork<TNet, float>
    {
        TNet net = Models.Create<TNet>();
        float[] inputs = ReferenceData.Inputs(TNet.InputSize, Samples, seed: 4);
        (Hidden hidden, Baselines.Loss loss) = NetworkBenchmarks<TNet>.Kind();
        float[] targets = NetworkBenchmarks<TNet>.Targets(Samples, loss);
        (float[] singles, float[] batch) = Expected(net, inputs);
        using var peer = new TorchSharpPeer(TNet.LayerSizes, hidden == Hidden.Tanh, loss == Baselines.Loss.CrossEntropy, net.Parameters, inputs, targets,
            Singles, Samples, TrainBatch, [0], LearningRate);

        var output = new float[TNet.OutputSize];
        float forward = 0;
        for (int i = 0; i < Singles; i++)
        {
            peer.Forward(i, output);
            forward = MathF.Max(forward, MaxDifference(singles.AsSpan(i * TNet.OutputSize, TNet.OutputSize), output));
        }

        var outputs = new float[Samples * TNet.OutputSize];
        peer.ForwardBatch(outputs);
        float forwardBatch = MaxDifference(batch, outputs);

        // One SGD step on sample 0, then one on the mean gradient of samples 0..31, both sides from the same weights.
        float stepLoss = MathF.Abs(peer.TrainStep(0) - net.TrainStep(inputs.AsSpan(0, TNet.InputSize), targets.AsSpan(0, TNet.OutputSize), LearningRate));
        float stepParameters = MaxDifference(net.Parameters, peer.Parameters());
        var gradients = new float[TNet.ParameterCount];
        float expectedBatchLoss = net.BackwardBatch(inputs.AsSpan(0, TrainBatch * TNet.InputSize), targets.AsSpan(0, TrainBatch * TNet.OutputSize), gradients);
        new Sgd<float>(TNet.ParameterCount, LearningRate).Step(net.Parameters, gradients);
        float batchLoss = MathF.Abs(peer.TrainBatch(0) - expectedBatchLoss);
        float batchParameters = MaxDifference(net.Parameters, peer.Parameters());
        return Report<TNet>("TorchSharp", PeerTolerance, ("forward", forward), ($"ForwardBatch({Samples})", forwardBatch),
            ("one-sample step: loss", stepLoss), ("parameters", stepParameters), ($"batch-{TrainBatch} step: loss", batchLoss), ("parameters", batchParameters));
    }

    /// <summary>StaticNet's outputs for the first <see cref="Singles"/> samples one by one, and for all of them with ForwardBatch.</summary>
    private static (float[] Singles, float[] Batch) Expected<TNet>(TNet net, float[] inputs)
        where TNet : class, INetwork<TNet, float>
    {
        var singles = new float[Singles * TNet.OutputSize];
        for (int i = 0; i < Singles; i++)
        {
            net.Forward(inputs.AsSpan(i * TNet.InputSize, TNet.InputSize), singles.AsSpan(i * TNet.OutputSize, TNet.OutputSize));
        }

        var batch = new float[Samples * TNet.OutputSize];
        net.ForwardBatch(inputs, batch);
        return (singles, batch);
    }

    private static bool Report<TNet>(string name, float tolerance, params (string Name, float Difference)[] differences)
    {
        bool pass = true;
        foreach ((string _, float difference) in differences)
        {
            pass &= difference <= tolerance;
        }

        string details = string.Join(", ", Array.ConvertAll(differences, d => $"{d.Name} {d.Difference:E2}"));
        Console.WriteLine($"{typeof(TNet).Name} {name}: {details} {(pass ? "ok" : $"MISMATCH (tolerance {tolerance:E0})")}");
        return pass;
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
