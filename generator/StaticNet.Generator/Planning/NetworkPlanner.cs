using System;
using System.Linq;
using StaticNet.Generator.Layers;
using StaticNet.Generator.Model;
using StaticNet.Generator.Weights;

namespace StaticNet.Generator.Planning;

/// <summary>Pure C#, no Roslyn: lays out the parameters and the scratch of a valid <see cref="NetworkSpec"/>, layer by layer.</summary>
internal static class NetworkPlanner
{
    /// <summary>The longest array .NET allows (<c>Array.MaxLength</c>): the bound of the parameters and of the scratch.</summary>
    public const long MaxArrayLength = 0x7FFFFFC7;

    /// <summary>Scratch above this many bytes per call is rented from ArrayPool instead of taken from the stack (as the runtime's NetworkRunner does).</summary>
    public const int StackScratchLimitBytes = 64 * 1024;

    /// <summary>The most samples the batched passes take through the network at once.</summary>
    public const int MaxBatchBlock = 16;

    public static NetworkPlan Plan(NetworkSpec spec, BakedWeights? weights = null)
    {
        if (!spec.IsValid)
        {
            return new NetworkPlan(spec.Type, false, spec.Precision, spec.Loss, 0, EquatableArray<LayerPlan>.Empty, 0, 0, 0, 0, spec.ShortNames);
        }

        var layers = new LayerPlan[spec.Layers.Count];
        int parameterOffset = 0;
        int outputOffset = 0;
        int preActivationOffset = spec.Layers.Sum(layer => layer.Outputs);
        for (int i = 0; i < layers.Length; i++)
        {
            LayerSpec layer = spec.Layers[i];
            bool keep = ActivationFacts.GradientUsesPreActivation(layer.Activation);
            layers[i] = layer.Plan(i + 1, parameterOffset, outputOffset, keep ? preActivationOffset : -1);
            parameterOffset += (int)layer.ParameterCount;
            outputOffset += layer.Outputs;
            preActivationOffset += keep ? layer.Outputs : 0;
        }

        int activations = preActivationOffset;
        int delta = DeltaLength(spec.Layers);
        long perSample = (long)(activations + (2 * delta) + spec.Layers[spec.Layers.Count - 1].Outputs) * ElementSize(spec.Precision);
        int block = (int)Math.Max(1, Math.Min(MaxBatchBlock, StackScratchLimitBytes / perSample));
        return new NetworkPlan(spec.Type, true, spec.Precision, spec.Loss, spec.InputSize, layers.ToEquatableArray(), parameterOffset, activations, delta, block, spec.ShortNames, weights);
    }

    /// <summary>
    /// Elements of scratch the largest single-sample call needs (Backward, TrainStep, and the one-hot target of a label):
    /// every layer's activations and kept pre-activations, two gradient buffers of the widest layer (the seeds' memory
    /// plan: only two are alive at once) and the target. What the size checks of the declaration use.
    /// </summary>
    public static long ScratchLength(EquatableArray<LayerSpec> layers)
    {
        long activations = layers.Sum(layer => (long)layer.Outputs * (ActivationFacts.GradientUsesPreActivation(layer.Activation) ? 2 : 1));
        return activations + (2L * DeltaLength(layers)) + layers[layers.Count - 1].Outputs;
    }

    public static int ElementSize(Precision precision) => precision == Precision.Double ? 8 : 4;

    private static int DeltaLength(EquatableArray<LayerSpec> layers) => layers.Max(layer => layer.Outputs);
}
