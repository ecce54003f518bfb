using System;
using BenchmarkDotNet.Attributes;

namespace StaticNet.Benchmarks;

/// <summary>WideTanh: 256 -> 256 -> 256 -> 10, tanh, tanh, identity, mean squared error (134,154 parameters).</summary>
[Network(Layers = [256, 256, 256, 10], Activation = Activation.Tanh, Output = Activation.Identity, Loss = Loss.MeanSquaredError)]
public partial class WideTanh;

/// <summary>WideGelu: 256 -> 256 -> 256 -> 10, GELU, GELU, identity, mean squared error (134,154 parameters).</summary>
[Network(Layers = [256, 256, 256, 10], Activation = Activation.Gelu, Output = Activation.Identity, Loss = Loss.MeanSquaredError)]
public partial class WideGelu;

/// <summary>
/// The forward pass of networks whose hidden activation is not ReLU, layers wide enough that the activation is a call
/// of its own rather than inlined (T1's 16-wide tanh layers are inlined; T2 and T3 are ReLU): <c>Forward</c> of one
/// sample, <c>Freeze().Forward</c>, and <c>ForwardBatch</c> of 64 samples. StaticNet only: the activations' accuracy
/// against PyTorch is the numerical tests' business; this is their cost in the kernels, at each vector width. Inputs
/// cycle through a pool of 64 random vectors; the weights are the networks' own initialisation (the kernels have no
/// branch on the values). Run it with <c>--filter '*ActivationBenchmarks*' --launchCount 1 --warmupCount 6
/// --iterationCount 15</c>, with <c>DOTNET_PreferredVectorBitWidth=256</c> or <c>DOTNET_EnableAVX=0</c> for the
/// narrower paths.
/// </summary>
/// <typeparam name="TNet">The network.</typeparam>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(WideTanh))]
[GenericTypeArguments(typeof(WideGelu))]
public class ActivationBenchmarks<TNet>
    where TNet : class, INetwork<TNet, float>
{
    private const int Pool = 64;

    private TNet _net = null!;
    private IFrozenNetwork<float> _frozen = null!;
    private float[] _inputs = null!;
    private float[] _output = null!;
    private float[] _outputs = null!;
    private int _next;

    /// <summary>The network, its snapshot and the data.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _net = TNet.Create(seed: 1);
        _frozen = _net.Freeze();
        _inputs = ReferenceData.Inputs(TNet.InputSize, Pool, seed: 2);
        _output = new float[TNet.OutputSize];
        _outputs = new float[Pool * TNet.OutputSize];
    }

    /// <summary>One sample.</summary>
    [Benchmark(Baseline = true, Description = "StaticNet")]
    [BenchmarkCategory("fwd_1")]
    public float Forward()
    {
        _net.Forward(Next(), _output);
        return _output[0];
    }

    /// <summary>One sample through the snapshot.</summary>
    [Benchmark(Description = "StaticNet Freeze()")]
    [BenchmarkCategory("fwd_1")]
    public float ForwardFrozen()
    {
        _frozen.Forward(Next(), _output);
        return _output[0];
    }

    /// <summary>The 64 samples of the pool at once.</summary>
    [Benchmark(Description = "StaticNet")]
    [BenchmarkCategory("fwd_64")]
    public float ForwardBatch64()
    {
        _net.ForwardBatch(_inputs, _outputs);
        return _outputs[0];
    }

    private ReadOnlySpan<float> Next()
    {
        int at = _next;
        _next = (at + 1) & (Pool - 1);
        return _inputs.AsSpan(at * TNet.InputSize, TNet.InputSize);
    }
}
