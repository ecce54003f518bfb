using System;
using BenchmarkDotNet.Attributes;
using StaticNet.Training;

namespace StaticNet.Benchmarks;

/// <summary>
/// The trainer's speed-up on several cores: one epoch of <see cref="Trainer{TNetwork, T}.Fit(ReadOnlyMemory{T}, ReadOnlyMemory{int}, IProgress{EpochResult}?, System.Threading.CancellationToken)"/>
/// for T3 on 4,096 samples (SGD, shards of 16, accuracy on the training set at the end of the epoch), on one core and on
/// all of them. The results are the same to the bit either way (the tests check it); only the time differs.
/// </summary>
[MemoryDiagnoser]
public class TrainerBenchmarks
{
    private const int Samples = 4096;

    private float[] _inputs = null!;
    private int[] _labels = null!;
    private Trainer<T3, float> _trainer = null!;

    /// <summary>Samples per batch: 256 (16 shards) or 32 (2 shards).</summary>
    [Params(32, 256)]
    public int BatchSize { get; set; }

    /// <summary>Cores the trainer may use: 1, or all of the machine's (0).</summary>
    [Params(1, 0)]
    public int Cores { get; set; }

    /// <summary>Random inputs and labels, and a trainer for one epoch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _inputs = ReferenceData.Inputs(T3.InputSize, Samples, seed: 3);
        _labels = new int[Samples];
        for (int i = 0; i < Samples; i++)
        {
            _labels[i] = i % T3.OutputSize;
        }

        var options = new TrainerOptions { Epochs = 1, BatchSize = BatchSize, Seed = 1, MaxDegreeOfParallelism = Cores > 0 ? Cores : Environment.ProcessorCount };
        _trainer = new Trainer<T3, float>(new T3(1), new Sgd<float>(T3.ParameterCount, learningRate: 1e-4), options);
    }

    /// <summary>One epoch over the 4,096 samples.</summary>
    [Benchmark]
    public double Fit() => _trainer.Fit(_inputs, _labels).Last.Loss;
}
