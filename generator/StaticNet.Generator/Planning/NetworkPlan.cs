using StaticNet.Generator.Model;
using StaticNet.Generator.Weights;

namespace StaticNet.Generator.Planning;

/// <summary>
/// Everything the emitter needs to write one network, decided up front so that the emitter only formats text.
/// Offsets and lengths are in elements of the scalar type.
/// </summary>
/// <param name="Layers">The planned layers, from the input.</param>
/// <param name="ParameterCount">The number of parameters.</param>
/// <param name="ActivationsLength">The activations of one sample: every layer's outputs, then the pre-activations the backward pass keeps.</param>
/// <param name="DeltaLength">One of the two gradient buffers of the backward pass: as wide as the widest layer.</param>
/// <param name="BatchBlock">The most samples the batched passes take through the network at once.</param>
/// <param name="ShortNames">Whether the file names the types it uses by their simple names (see <see cref="NetworkSpec.ShortNames"/>).</param>
internal sealed record NetworkPlan(
    HierarchyInfo Type,
    bool IsValid,
    Precision Precision,
    Loss Loss,
    int InputSize,
    EquatableArray<LayerPlan> Layers,
    int ParameterCount,
    int ActivationsLength,
    int DeltaLength,
    int BatchBlock,
    bool ShortNames,
    BakedWeights? Weights = null)
{
    public int OutputSize => Layers.Count > 0 ? OutputLayer.Outputs : 0;

    public LayerPlan OutputLayer => Layers[Layers.Count - 1];

    public string HintName => Type.FullName + ".g.cs";

    /// <summary>The file that holds the baked-in <see cref="Weights"/>, apart from the code so that the code stays readable.</summary>
    public string WeightsHintName => Type.FullName + ".Weights.g.cs";

    /// <summary>Scratch of Forward: the outputs of every layer but the last (which go to the caller's output).</summary>
    public int ForwardScratchLength => System.Math.Max(1, OutputLayer.OutputOffset);

    /// <summary>Where the two gradient buffers start in the training scratch.</summary>
    public int DeltaOffset => ActivationsLength;

    /// <summary>Scratch of Backward and TrainStep: the activations, then the two gradient buffers.</summary>
    public int TrainScratchLength => ActivationsLength + (2 * DeltaLength);

    /// <summary>Scratch of the batched passes for one block: the block's activations (layer by layer), then two gradient buffers per sample.</summary>
    public int BatchScratchLength => BatchBlock * TrainScratchLength;
}
