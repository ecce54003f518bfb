using System.Linq;
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
    BakedWeights? Weights = null,
    SequenceLayout? Sequence = null)
{
    /// <summary>
    /// Whether the network runs over sequences of frames (it is declared with a Conv1D, GRU or LSTM layer); when valid,
    /// <see cref="Sequence"/> is its memory.
    /// </summary>
    public bool IsSequence { get; init; }

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

/// <summary>
/// The memory of a sequence network. Its streaming state is each layer's state in order; <c>Step</c>'s scratch is the
/// output frame of every layer below the last, then room for the largest layer's own scratch; the scratch of a whole
/// sequence (backpropagation through time) is the regions in order, each <c>PerFrame · frames + Fixed</c> values.
/// </summary>
/// <param name="StateSize">The values of streaming state.</param>
/// <param name="StepScratchLength">The scratch of one <c>Step</c>.</param>
/// <param name="Regions">The regions of the scratch of a sequence: every layer's, then the two gradient buffers <c>d0</c>, <c>d1</c>.</param>
internal sealed record SequenceLayout(int StateSize, int StepScratchLength, EquatableArray<SequenceRegion> Regions)
{
    /// <summary>Values of sequence scratch per frame.</summary>
    public int PerFrame => Regions.Sum(region => region.PerFrame);

    /// <summary>Values of sequence scratch besides those per frame.</summary>
    public int Fixed => Regions.Sum(region => region.Fixed);
}
