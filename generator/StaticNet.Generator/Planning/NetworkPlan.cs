using StaticNet.Generator.Model;
using StaticNet.Generator.Weights;

namespace StaticNet.Generator.Planning;

/// <summary>
/// Everything the emitter needs to write one network, decided up front so that the emitter only formats text.
/// Offsets are in elements of the scalar type.
/// </summary>
internal sealed record NetworkPlan(
    HierarchyInfo Type,
    bool IsValid,
    ScalarKind Scalar,
    LossKind Loss,
    bool SkipLocalsInit,
    EquatableArray<int> LayerSizes,
    EquatableArray<LayerPlan> Layers,
    int ParameterCount,
    int ActivationsLength,
    int DeltaLength,
    int ForwardScratchLength,
    int BackwardScratchLength,
    bool ScratchOnHeap,
    int BatchBlock,
    BakedWeights? Weights = null)
{
    public int InputSize => LayerSizes.Count > 0 ? LayerSizes[0] : 0;

    public int OutputSize => LayerSizes.Count > 0 ? LayerSizes[LayerSizes.Count - 1] : 0;

    public LayerPlan OutputLayer => Layers[Layers.Count - 1];

    public string HintName => Type.FullName + ".g.cs";

    /// <summary>Scratch of the batched calls: per sample of a block, the activations, two gradient rows and a one-hot target.</summary>
    public int BatchScratchLength => BatchBlock * (ActivationsLength + (2 * DeltaLength) + OutputSize);

    /// <summary>Scratch of ForwardBatch: the activations of a block of samples.</summary>
    public int BatchForwardScratchLength => BatchBlock * ActivationsLength;

    /// <summary>The file that holds the baked-in <see cref="Weights"/>, apart from the code so that the code stays readable.</summary>
    public string WeightsHintName => Type.FullName + ".Weights.g.cs";
}

/// <summary>One dense layer with where its parameters, gradients and activations live and how its kernels are shaped.</summary>
/// <param name="Number">1-based, as in the comments and diagnostics.</param>
/// <param name="WeightOffset">Offset of <c>W[Outputs, Inputs]</c> in the parameters (and gradients).</param>
/// <param name="BiasOffset">Offset of <c>b[Outputs]</c> in the parameters (and gradients).</param>
/// <param name="OutputOffset">Offset of this layer's activations in the activations scratch.</param>
/// <param name="InputActivation">The activation of the layer below (whose outputs are this layer's inputs), or null for the first layer.</param>
/// <param name="Accumulators">Independent vector accumulators in the inner products over the inputs.</param>
/// <param name="ScalarInputs">Whether the inputs are so few that the inner products are written out as scalar code.</param>
/// <param name="UnrolledChunks">
/// When the inputs fit in a few vectors, the number of vector chunks written out one by one (each compiled only if it
/// fits at the machine's vector width); 0 for the loop form.
/// </param>
/// <param name="TileSamples">
/// Samples whose inner products share each load of a weight row in the batched forward pass: as many as keep at most
/// eight vector accumulators in flight.
/// </param>
/// <param name="InitLimit">Bound of the uniform initialisation: He for the ReLU family, Glorot otherwise.</param>
/// <param name="InitName">Name of the initialisation, for the comment.</param>
internal sealed record LayerPlan(
    int Number,
    int Inputs,
    int Outputs,
    ActivationKind Activation,
    ActivationKind? InputActivation,
    int WeightOffset,
    int BiasOffset,
    int OutputOffset,
    int Accumulators,
    bool ScalarInputs,
    int UnrolledChunks,
    int TileSamples,
    double InitLimit,
    string InitName)
{
    public int WeightCount => Inputs * Outputs;

    public bool IsFirst => InputActivation is null;

    /// <summary>Vector accumulators per sample in the inner products: what the single-sample kernel uses.</summary>
    public int AccumulatorsPerSample => ScalarInputs ? 0 : UnrolledChunks > 0 ? System.Math.Min(2, UnrolledChunks) : Accumulators;
}
