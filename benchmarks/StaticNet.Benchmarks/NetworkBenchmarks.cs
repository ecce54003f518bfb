using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using StaticNet.Benchmarks.Baselines;
using StaticNet.Benchmarks.Peers;
using StaticNet.Training;

namespace StaticNet.Benchmarks;

/// <summary>
/// The four cases of the anchors for one topology, each as StaticNet (the baseline row of its category), the plain
/// scalar C# a developer would write, a TensorPrimitives MLP, and the peers a .NET developer would pick instead: ONNX
/// Runtime (the two forward cases: it does inference only) and TorchSharp (all four; left out of a run where its native
/// libraries do not load, see Program.cs):
/// <list type="bullet">
/// <item><description><c>fwd_1</c>: single-sample Forward;</description></item>
/// <item><description><c>train_1</c>: single-sample SGD step (forward, loss, backward, update);</description></item>
/// <item><description><c>train_32</c>: the mean gradient of 32 samples (StaticNet: BackwardBatch) and one SGD update;</description></item>
/// <item><description><c>fwd_256</c>: ForwardBatch of 256 samples.</description></item>
/// </list>
/// Inputs cycle through a pool of 64 random vectors, so that nothing is constant; every result feeds the return value.
/// The weights are those of <c>benchmarks/models/{TNet}.safetensors</c>; ONNX Runtime runs <c>{TNet}.onnx</c>, exported
/// from the same PyTorch module (<c>--check</c> compares them all first).
/// </summary>
/// <typeparam name="TNet">The generated network: T1, T2 or T3.</typeparam>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[GenericTypeArguments(typeof(T1))]
[GenericTypeArguments(typeof(T2))]
[GenericTypeArguments(typeof(T3))]
public class NetworkBenchmarks<TNet>
    where TNet : class, INetwork<TNet, float>
{
    private const int Pool = 64;
    private const float LearningRate = 1e-4f;

    private TNet _net = null!;
    private ScalarMlp _scalar = null!;
    private TensorPrimitivesMlp _tensor = null!;
    private IFrozenNetwork<float> _frozen = null!;
    private OnnxRuntimePeer _onnx = null!;
    private TorchSharpPeer _torch = null!;
    private Sgd<float> _sgd = null!;
    private Adam<float> _adam = null!;
    private float[] _inputs = null!;
    private float[] _targets = null!;
    private float[] _outputs = null!;
    private float[] _gradients = null!;
    private float[] _output = null!;
    private int _next;

    /// <summary>The network with the weights of its safetensors file, the baselines with a copy of them, the data.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _net = Models.Create<TNet>();
        (Hidden hidden, Baselines.Loss loss) = Kind();
        _frozen = _net.Freeze();
        _scalar = new ScalarMlp(TNet.LayerSizes, _net.Parameters, hidden, loss);
        _tensor = new TensorPrimitivesMlp(TNet.LayerSizes, _net.Parameters, hidden, loss);
        _sgd = new Sgd<float>(TNet.ParameterCount, LearningRate);
        _adam = new Adam<float>(TNet.ParameterCount, LearningRate);
        int samples = Math.Max(Pool, 256);
        _inputs = ReferenceData.Inputs(TNet.InputSize, samples, seed: 2);
        _targets = Targets(samples, loss);
        _outputs = new float[256 * TNet.OutputSize];
        _gradients = new float[TNet.ParameterCount];
        _output = new float[TNet.OutputSize];
    }

    /// <summary>As <see cref="Setup"/>, and an ONNX Runtime session for the network's ONNX model (for its cases only: the others' processes never load it).</summary>
    [GlobalSetup(Targets = [nameof(ForwardOnnxRuntime), nameof(ForwardBatchOnnxRuntime)])]
    public void SetupOnnxRuntime()
    {
        Setup();
        _onnx = new OnnxRuntimePeer(Models.Onnx(typeof(TNet).Name), TNet.InputSize, TNet.OutputSize, _inputs, Pool, 256, _output, _outputs, OnnxCall);
    }

    /// <summary>Ends the ONNX Runtime session.</summary>
    [GlobalCleanup(Targets = [nameof(ForwardOnnxRuntime), nameof(ForwardBatchOnnxRuntime)])]
    public void CleanupOnnxRuntime() => _onnx.Dispose();

    /// <summary>
    /// How the ONNX Runtime cases call the session: with an IO binding, the faster of the two ways (measured on one
    /// sample: 5.4 µs against 7.7–10.6 µs with <c>Run</c> for T1, 8.5 against 12.9 for T2, the same within noise for
    /// T3 and the batches; docs/benchmarks.md). <c>--check</c> checks both.
    /// </summary>
    private const OnnxRuntimeCall OnnxCall = OnnxRuntimeCall.IoBinding;

    /// <summary>As <see cref="Setup"/>, and the TorchSharp module with the same weights (for its cases only).</summary>
    [GlobalSetup(Targets = [nameof(ForwardTorchSharp), nameof(ForwardBatchTorchSharp), nameof(TrainStepTorchSharp), nameof(TrainBatchTorchSharp)])]
    public void SetupTorchSharp()
    {
        Setup();
        (Hidden hidden, Baselines.Loss loss) = Kind();
        var starts = new int[32];
        for (int i = 0; i < starts.Length; i++)
        {
            starts[i] = i * 2;
        }

        _torch = new TorchSharpPeer(TNet.LayerSizes, hidden == Hidden.Tanh, loss == Baselines.Loss.CrossEntropy, _net.Parameters, _inputs, _targets, Pool, 256, 32, starts, LearningRate);
    }

    /// <summary>Frees the TorchSharp module and tensors.</summary>
    [GlobalCleanup(Targets = [nameof(ForwardTorchSharp), nameof(ForwardBatchTorchSharp), nameof(TrainStepTorchSharp), nameof(TrainBatchTorchSharp)])]
    public void CleanupTorchSharp() => _torch.Dispose();

    /// <summary>T1 is tanh with mean squared error; T2 and T3 are ReLU with softmax and cross-entropy.</summary>
    public static (Hidden Hidden, Baselines.Loss Loss) Kind() =>
        TNet.Topology.Loss == StaticNet.Loss.CrossEntropy ? (Hidden.ReLU, Baselines.Loss.CrossEntropy) : (Hidden.Tanh, Baselines.Loss.MeanSquaredError);

    /// <summary>The targets of <paramref name="samples"/> samples: one-hot rows of a random class, or random values in [-1, 1).</summary>
    public static float[] Targets(int samples, Baselines.Loss loss)
    {
        var random = new Random(3);
        var targets = new float[samples * TNet.OutputSize];
        for (int s = 0; s < samples; s++)
        {
            if (loss == Baselines.Loss.CrossEntropy)
            {
                targets[(s * TNet.OutputSize) + random.Next(TNet.OutputSize)] = 1f;
            }
            else
            {
                for (int j = 0; j < TNet.OutputSize; j++)
                {
                    targets[(s * TNet.OutputSize) + j] = (2 * random.NextSingle()) - 1;
                }
            }
        }

        return targets;
    }

    private ReadOnlySpan<float> Input(int sample) => _inputs.AsSpan(sample * TNet.InputSize, TNet.InputSize);

    private ReadOnlySpan<float> Target(int sample) => _targets.AsSpan(sample * TNet.OutputSize, TNet.OutputSize);

    private int Next() => _next = (_next + 1) & (Pool - 1);

    // ---- fwd_1 ------------------------------------------------------------------------------------------------------

    /// <summary>StaticNet: single-sample Forward.</summary>
    [Benchmark(Baseline = true, Description = "StaticNet")]
    [BenchmarkCategory("fwd_1")]
    public float Forward()
    {
        _net.Forward(Input(Next()), _output);
        return _output[0];
    }

    /// <summary>StaticNet: single-sample Forward of the network's inference snapshot (<c>Freeze()</c>, packed weights).</summary>
    [Benchmark(Description = "StaticNet Freeze()")]
    [BenchmarkCategory("fwd_1")]
    public float ForwardFrozen()
    {
        _frozen.Forward(Input(Next()), _output);
        return _output[0];
    }

    /// <summary>Scalar C#: single-sample forward.</summary>
    [Benchmark(Description = "Scalar C#")]
    [BenchmarkCategory("fwd_1")]
    public float ForwardScalar()
    {
        _scalar.Forward(Input(Next()), _output);
        return _output[0];
    }

    /// <summary>TensorPrimitives: single-sample forward.</summary>
    [Benchmark(Description = "TensorPrimitives")]
    [BenchmarkCategory("fwd_1")]
    public float ForwardTensorPrimitives()
    {
        _tensor.Forward(Input(Next()), _output);
        return _output[0];
    }

    /// <summary>ONNX Runtime: one sample, its output written into a pinned array.</summary>
    [Benchmark(Description = "ONNX Runtime")]
    [BenchmarkCategory("fwd_1")]
    public float ForwardOnnxRuntime()
    {
        _onnx.Forward(Next());
        return _output[0];
    }

    /// <summary>TorchSharp: one sample under no_grad, its output copied out.</summary>
    [Benchmark(Description = "TorchSharp")]
    [BenchmarkCategory("fwd_1")]
    public float ForwardTorchSharp()
    {
        _torch.Forward(Next(), _output);
        return _output[0];
    }

    // ---- train_1 ----------------------------------------------------------------------------------------------------

    /// <summary>StaticNet: single-sample TrainStep.</summary>
    [Benchmark(Baseline = true, Description = "StaticNet")]
    [BenchmarkCategory("train_1")]
    public float TrainStep()
    {
        int sample = Next();
        return _net.TrainStep(Input(sample), Target(sample), LearningRate);
    }

    /// <summary>Scalar C#: single-sample SGD step.</summary>
    [Benchmark(Description = "Scalar C#")]
    [BenchmarkCategory("train_1")]
    public float TrainStepScalar()
    {
        int sample = Next();
        return _scalar.TrainStep(Input(sample), Target(sample), LearningRate);
    }

    /// <summary>TensorPrimitives: single-sample SGD step.</summary>
    [Benchmark(Description = "TensorPrimitives")]
    [BenchmarkCategory("train_1")]
    public float TrainStepTensorPrimitives()
    {
        int sample = Next();
        return _tensor.TrainStep(Input(sample), Target(sample), LearningRate);
    }

    /// <summary>TorchSharp: zero_grad, forward, loss, backward, torch.optim.SGD step on one sample.</summary>
    [Benchmark(Description = "TorchSharp")]
    [BenchmarkCategory("train_1")]
    public float TrainStepTorchSharp() => _torch.TrainStep(Next());

    // ---- train_32 ---------------------------------------------------------------------------------------------------

    /// <summary>StaticNet: BackwardBatch over 32 samples, then one SGD update of the parameters.</summary>
    [Benchmark(Baseline = true, Description = "StaticNet")]
    [BenchmarkCategory("train_32")]
    public float TrainBatch() => TrainBatchWith(_sgd);

    /// <summary>StaticNet: BackwardBatch over 32 samples, then one Adam update (the optimizer of the README's samples).</summary>
    [Benchmark(Description = "StaticNet, Adam")]
    [BenchmarkCategory("train_32_adam")]
    public float TrainBatchAdam() => TrainBatchWith(_adam);

    /// <summary>BackwardBatch over the next 32 samples, then one step of <paramref name="optimizer"/>.</summary>
    private float TrainBatchWith<TOptimizer>(TOptimizer optimizer)
        where TOptimizer : IOptimizer<float>
    {
        int start = (Next() & 31) * 2;
        Array.Clear(_gradients);
        float loss = _net.BackwardBatch(_inputs.AsSpan(start * TNet.InputSize, 32 * TNet.InputSize), _targets.AsSpan(start * TNet.OutputSize, 32 * TNet.OutputSize), _gradients);
        optimizer.Step(_net.Parameters, _gradients);
        return loss;
    }

    /// <summary>Scalar C#: the mean gradient of 32 samples, then one SGD update.</summary>
    [Benchmark(Description = "Scalar C#")]
    [BenchmarkCategory("train_32")]
    public float TrainBatchScalar()
    {
        int start = (Next() & 31) * 2;
        return _scalar.TrainBatch(_inputs.AsSpan(start * TNet.InputSize, 32 * TNet.InputSize), _targets.AsSpan(start * TNet.OutputSize, 32 * TNet.OutputSize), LearningRate);
    }

    /// <summary>TensorPrimitives: the mean gradient of 32 samples, then one SGD update.</summary>
    [Benchmark(Description = "TensorPrimitives")]
    [BenchmarkCategory("train_32")]
    public float TrainBatchTensorPrimitives()
    {
        int start = (Next() & 31) * 2;
        return _tensor.TrainBatch(_inputs.AsSpan(start * TNet.InputSize, 32 * TNet.InputSize), _targets.AsSpan(start * TNet.OutputSize, 32 * TNet.OutputSize), LearningRate);
    }

    /// <summary>TorchSharp: one torch.optim.SGD step on the mean loss of the same 32 samples.</summary>
    [Benchmark(Description = "TorchSharp")]
    [BenchmarkCategory("train_32")]
    public float TrainBatchTorchSharp() => _torch.TrainBatch(Next() & 31);

    // ---- fwd_256 ----------------------------------------------------------------------------------------------------

    /// <summary>StaticNet: ForwardBatch of 256 samples.</summary>
    [Benchmark(Baseline = true, Description = "StaticNet")]
    [BenchmarkCategory("fwd_256")]
    public float ForwardBatch()
    {
        _net.ForwardBatch(_inputs.AsSpan(0, 256 * TNet.InputSize), _outputs);
        return _outputs[^1];
    }

    /// <summary>StaticNet: ForwardBatch of 256 samples on the network's inference snapshot (<c>Freeze()</c>, packed weights).</summary>
    [Benchmark(Description = "StaticNet Freeze()")]
    [BenchmarkCategory("fwd_256")]
    public float ForwardBatchFrozen()
    {
        _frozen.ForwardBatch(_inputs.AsSpan(0, 256 * TNet.InputSize), _outputs);
        return _outputs[^1];
    }

        /// <summary>Scalar C#: 256 samples one after another.</summary>
    [Benchmark(Description = "Scalar C#")]
    [BenchmarkCategory("fwd_256")]
    public float ForwardBatchScalar()
    {
        _scalar.ForwardBatch(_inputs.AsSpan(0, 256 * TNet.InputSize), _outputs);
        return _outputs[^1];
    }

    /// <summary>TensorPrimitives: 256 samples one after another.</summary>
    [Benchmark(Description = "TensorPrimitives")]
    [BenchmarkCategory("fwd_256")]
    public float ForwardBatchTensorPrimitives()
    {
        _tensor.ForwardBatch(_inputs.AsSpan(0, 256 * TNet.InputSize), _outputs);
        return _outputs[^1];
    }

    /// <summary>ONNX Runtime: one run over a [256, inputs] tensor.</summary>
    [Benchmark(Description = "ONNX Runtime")]
    [BenchmarkCategory("fwd_256")]
    public float ForwardBatchOnnxRuntime()
    {
        _onnx.ForwardBatch();
        return _outputs[^1];
    }

    /// <summary>TorchSharp: one no_grad forward over a [256, inputs] tensor, the outputs copied out.</summary>
    [Benchmark(Description = "TorchSharp")]
    [BenchmarkCategory("fwd_256")]
    public float ForwardBatchTorchSharp()
    {
        _torch.ForwardBatch(_outputs);
        return _outputs[^1];
    }
}

/// <summary>The 4096 -> 4096 -> 10 network once: its scratch is rented from ArrayPool (SNET0014), and it must not overflow the stack.</summary>
[MemoryDiagnoser]
public class LargeNetworkBenchmarks
{
    private Large _net = null!;
    private float[] _input = null!;
    private readonly float[] _output = new float[Large.OutputSize];

    /// <summary>The network with the anchors' kind of weights and one input.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _net = new Large(1);
        ReferenceData.FillParameters(Large.LayerSizes, _net.Parameters, seed: 1);
        _input = ReferenceData.Inputs(Large.InputSize, 1, seed: 2);
    }

    /// <summary>Single-sample Forward.</summary>
    [Benchmark]
    [BenchmarkCategory("fwd_1")]
    public float Forward()
    {
        _net.Forward(_input, _output);
        return _output[0];
    }

    /// <summary>Single-sample TrainStep on class 3.</summary>
    [Benchmark]
    [BenchmarkCategory("train_1")]
    public float TrainStep() => _net.TrainStep(_input, 3, 1e-5f);
}
