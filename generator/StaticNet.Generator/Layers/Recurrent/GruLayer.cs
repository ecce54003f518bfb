using StaticNet.Generator.Model;
using StaticNet.Generator.Planning;

namespace StaticNet.Generator.Layers.Recurrent;

/// <summary>
/// A GRU: PyTorch's <c>nn.GRU(Inputs, Outputs)</c>, gates r, z, n; <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c>,
/// <c>h' = (1 − z) ⊙ n + z ⊙ h</c>.
/// </summary>
internal sealed record GruLayerSpec(int Inputs, int Outputs) : RecurrentLayerSpec(Inputs, Outputs)
{
    public override LayerKind Kind => LayerKind.Gru;

    public override int Gates => 3;

    public override LayerPlan Plan(int number, int parameterOffset, int outputOffset, int preActivationOffset) =>
        new GruLayerPlan(number, this, PlanBlocks(number, parameterOffset), outputOffset, preActivationOffset);
}

/// <summary>The planned GRU; its calls go to the runtime library's <c>Gru&lt;T&gt;</c> kernels.</summary>
internal sealed record GruLayerPlan(int Number, LayerSpec Spec, EquatableArray<ParameterBlock> Parameters, int OutputOffset, int PreActivationOffset)
    : RecurrentLayerPlan(Number, Spec, Parameters, OutputOffset, PreActivationOffset)
{
    protected override string KernelName => "Gru";

    // Forward: the hidden projection of a frame (3H); backward: the carried dh, dLoss/d(W_hh h + b_hh) and W_hhᵀ of it (5H).
    protected override int SequenceScratch => 5 * Outputs;
}
