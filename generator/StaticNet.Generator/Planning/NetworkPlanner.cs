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

    /// <summary>Scratch above this many bytes per call is kept in a buffer per thread instead of taken from the stack (as the runtime's NetworkRunner does).</summary>
    public const int StackScratchLimitBytes = 64 * 1024;

    /// <summary>The most samples the batched passes take through the network at once.</summary>
    public const int MaxBatchBlock = 32;

    public static NetworkPlan Plan(NetworkSpec spec, BakedWeights? weights = null)
    {
        if (!spec.IsValid)
        {
            return new NetworkPlan(spec.Type, false, spec.Precision, spec.Loss, 0, EquatableArray<LayerPlan>.Empty, 0, 0, 0, 0, spec.ShortNames) { IsSequence = spec.IsSequence };
        }

        if (spec.IsSequence)
        {
            return PlanSequence(spec, weights);
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

    /// <summary>
    /// Plans a sequence network: each layer's parameters, its state, its scratch for one frame and its regions of the
    /// scratch of a whole sequence; then two gradient buffers as wide as the widest layer, per frame.
    /// </summary>
    private static NetworkPlan PlanSequence(NetworkSpec spec, BakedWeights? weights)
    {
        var layers = new LayerPlan[spec.Layers.Count];
        int parameterOffset = 0;
        for (int i = 0; i < layers.Length; i++)
        {
            LayerSpec layer = spec.Layers[i];
            layers[i] = layer.Plan(i + 1, parameterOffset, 0, ActivationFacts.GradientUsesPreActivation(layer.Activation) ? 0 : -1);
            parameterOffset += (int)layer.ParameterCount;
        }

        int width = spec.Layers.Max(layer => layer.Outputs);
        SequenceRegion[] regions = [.. layers.SelectMany(layer => layer.SequenceRegions()), new("d0", width, 0), new("d1", width, 0)];
        var layout = new SequenceLayout(
            layers.Sum(layer => layer.StateSize),
            StepScratchLength(layers),
            regions.ToEquatableArray());
        return new NetworkPlan(spec.Type, true, spec.Precision, spec.Loss, spec.InputSize, layers.ToEquatableArray(), parameterOffset, 0, 0, 1, spec.ShortNames, weights, layout) { IsSequence = true };
    }

    /// <summary>The scratch of one Step: the output frames of the layers below the last, then the largest layer scratch.</summary>
    private static int StepScratchLength(LayerPlan[] layers) =>
        Math.Max(1, layers.Take(layers.Length - 1).Sum(layer => layer.Outputs) + layers.Max(layer => layer.StepScratch));

    /// <summary>
    /// What a sequence network needs at most per call that is known at build time: the streaming state and the scratch of
    /// one Step (the scratch of a whole sequence grows with its length and is checked when it is called).
    /// </summary>
    public static long StepMemoryLength(EquatableArray<LayerSpec> layers)
    {
        long outputs = layers.Take(layers.Count - 1).Sum(layer => (long)layer.Outputs);
        long scratch = layers.Max(layer => layer switch
        {
            Layers.Conv1D.Conv1DLayerSpec conv when conv.KernelSize > 1 => (long)conv.Inputs * conv.KernelSize,
            Layers.Recurrent.RecurrentLayerSpec recurrent => 2L * recurrent.Gates * recurrent.Outputs,
            _ => 0,
        });
        return layers.Sum(layer => layer.StateSize) + outputs + scratch;
    }

    /// <summary>
    /// The length of the array that holds <paramref name="parameters"/> parameters: the runtime's
    /// <c>GeneratedCodeHelpers.AllocateParameters</c> adds two 64-byte alignments of padding (room to align the start, and
    /// after the end for the widest vector loads).
    /// </summary>
    public static long ParameterArrayLength(long parameters, Precision precision) => parameters + (2 * 64 / ElementSize(precision));

    public static int ElementSize(Precision precision) => precision == Precision.Double ? 8 : 4;

    private static int DeltaLength(EquatableArray<LayerSpec> layers) => layers.Max(layer => layer.Outputs);
}
