using System.Collections.Generic;
using StaticNet.Generator.Model;
using StaticNet.Generator.Planning;

namespace StaticNet.Generator.Layers.Recurrent;

/// <summary>An LSTM: PyTorch's <c>nn.LSTM(Inputs, Outputs)</c>, gates i, f, g, o; <c>c' = f ⊙ c + i ⊙ g</c>, <c>h' = o ⊙ tanh(c')</c>.</summary>
internal sealed record LstmLayerSpec(int Inputs, int Outputs) : RecurrentLayerSpec(Inputs, Outputs)
{
    public override LayerKind Kind => LayerKind.Lstm;

    public override int Gates => 4;

    public override LayerPlan Plan(int number, int parameterOffset, int outputOffset, int preActivationOffset) =>
        new LstmLayerPlan(number, this, PlanBlocks(number, parameterOffset), outputOffset, preActivationOffset);
}

/// <summary>The planned LSTM; its calls go to the runtime library's <c>Lstm&lt;T&gt;</c> kernels. It also keeps its cell states (<c>k2</c>).</summary>
internal sealed record LstmLayerPlan(int Number, LayerSpec Spec, EquatableArray<ParameterBlock> Parameters, int OutputOffset, int PreActivationOffset)
    : RecurrentLayerPlan(Number, Spec, Parameters, OutputOffset, PreActivationOffset)
{
    protected override string KernelName => "Lstm";

    // Forward: the hidden projection of a frame (4H); backward: the carried dh and dc (2H).
    protected override int SequenceScratch => 4 * Outputs;

    protected override IEnumerable<SequenceRegion> StateRegions() => [new SequenceRegion("k" + Number, Outputs, Outputs)];

    protected override string StateArguments() => $"ref h{Number}, ref k{Number}";
}
