using System;
using System.Linq;
using StaticNet.Generator.Model;
using StaticNet.Generator.Weights;

namespace StaticNet.Generator.Planning;

/// <summary>Pure C#, no Roslyn: decides buffer sizes, offsets and kernel shapes for a valid <see cref="NetworkSpec"/>.</summary>
internal static class NetworkPlanner
{
    /// <summary>The longest array .NET allows (<c>Array.MaxLength</c>): the bound of the parameters and of the scratch.</summary>
    public const long MaxArrayLength = 0x7FFFFFC7;

    /// <summary>Scratch above this many bytes per call is rented from ArrayPool instead of taken with stackalloc.</summary>
    public const int StackScratchLimitBytes = 64 * 1024;

    /// <summary>Inner products over at most this many inputs are written out as scalar code.</summary>
    public const int ScalarInputLimit = 4;

    /// <summary>The most samples the batched kernels take through the network at once.</summary>
    public const int MaxBatchBlock = 16;

    /// <summary>Vector accumulators the batched forward pass keeps in flight at most (16 registers: the rest hold weights and inputs).</summary>
    public const int MaxTileAccumulators = 8;

    /// <summary>Inputs that fit in at most this many of the narrowest vectors (128 bits) are unrolled completely.</summary>
    public const int UnrollChunkLimit = 8;

    public static NetworkPlan Plan(NetworkSpec spec, TargetInfo target, BakedWeights? weights = null)
    {
        if (!spec.IsValid)
        {
            return new NetworkPlan(spec.Type, false, spec.Scalar, spec.Loss, target.AllowUnsafe, EquatableArray<int>.Empty,
                EquatableArray<LayerPlan>.Empty, 0, 0, 0, 0, 0, false, 0);
        }

        var layers = new LayerPlan[spec.Layers.Count];
        long perSampleBytes = ScratchLength(spec.Layers) * ElementSize(spec.Scalar);
        int parameterOffset = 0;
        int activationOffset = 0;
        for (int i = 0; i < layers.Length; i++)
        {
            LayerSpec layer = spec.Layers[i];
            int weightOffset = parameterOffset;
            int biasOffset = weightOffset + (layer.Inputs * layer.Outputs);
            bool he = layer.Activation is ActivationKind.ReLU or ActivationKind.LeakyReLU;
            layers[i] = new LayerPlan(
                Number: i + 1,
                Inputs: layer.Inputs,
                Outputs: layer.Outputs,
                Activation: layer.Activation,
                InputActivation: i == 0 ? null : spec.Layers[i - 1].Activation,
                WeightOffset: weightOffset,
                BiasOffset: biasOffset,
                OutputOffset: activationOffset,
                Accumulators: AccumulatorsFor(layer.Inputs),
                ScalarInputs: layer.Inputs <= ScalarInputLimit,
                UnrolledChunks: UnrolledChunksFor(layer.Inputs, spec.Scalar),
                TileSamples: TileSamplesFor(layer.Inputs, spec.Scalar),
                InitLimit: he ? Math.Sqrt(6.0 / layer.Inputs) : Math.Sqrt(6.0 / (layer.Inputs + layer.Outputs)),
                InitName: he ? $"He uniform, limit sqrt(6 / {layer.Inputs})" : $"Glorot uniform, limit sqrt(6 / ({layer.Inputs} + {layer.Outputs}))");
            parameterOffset = biasOffset + layer.Outputs;
            activationOffset += layer.Outputs;
        }

        int activations = activationOffset;
        int delta = DeltaLength(spec.Layers);
        int forward = Math.Max(1, activations - spec.Layers[spec.Layers.Count - 1].Outputs);
        int backward = (int)ScratchLength(spec.Layers);
        return new NetworkPlan(
            spec.Type,
            true,
            spec.Scalar,
            spec.Loss,
            target.AllowUnsafe,
            spec.LayerSizes,
            layers.ToEquatableArray(),
            parameterOffset,
            activations,
            delta,
            forward,
            backward,
            perSampleBytes > StackScratchLimitBytes,
            (int)Math.Max(1, Math.Min(MaxBatchBlock, StackScratchLimitBytes / perSampleBytes)),
            weights);
    }

    /// <summary>
    /// Elements of scratch the largest call (Backward, TrainStep) needs: every layer's activations for the backward
    /// pass, two gradient buffers of the widest layer (the seeds' memory plan: only two are alive at once) and room
    /// for a one-hot target.
    /// </summary>
    public static long ScratchLength(EquatableArray<LayerSpec> layers)
    {
        long activations = layers.Sum(layer => (long)layer.Outputs);
        return activations + (2L * DeltaLength(layers)) + layers[layers.Count - 1].Outputs;
    }

    public static int ElementSize(ScalarKind scalar) => scalar == ScalarKind.Double ? 8 : 4;

    private static int DeltaLength(EquatableArray<LayerSpec> layers) => layers.Max(layer => layer.Outputs);

    /// <summary>
    /// How many vector chunks to write out for <paramref name="inputs"/>: as many as the narrowest vector (128 bits: 4
    /// floats, 2 doubles) needs, when that is at most <see cref="UnrollChunkLimit"/>; wider vectors use the first ones.
    /// </summary>
    private static int UnrolledChunksFor(int inputs, ScalarKind scalar)
    {
        int narrowest = 16 / ElementSize(scalar);
        return inputs > ScalarInputLimit && inputs <= UnrollChunkLimit * narrowest ? inputs / narrowest : 0;
    }

    private static int TileSamplesFor(int inputs, ScalarKind scalar)
    {
        if (inputs <= ScalarInputLimit)
        {
            return 1;
        }

        int chunks = UnrolledChunksFor(inputs, scalar);
        int accumulators = chunks > 0 ? Math.Min(2, chunks) : AccumulatorsFor(inputs);
        return MaxTileAccumulators / accumulators;
    }

    private static int AccumulatorsFor(int inputs) => inputs switch
    {
        >= 64 => 4,
        >= 16 => 2,
        _ => 1,
    };
}
