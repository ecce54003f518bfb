using StaticNet.Generator.Emit;
using StaticNet.Generator.Layers;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Planning;

/// <summary>
/// A planned layer: where its parameters are, where its outputs (and, if its activation's gradient needs them, its
/// pre-activations) go in the scratch of one sample, and the calls its kind writes into each pass of the network's
/// composition. Each layer kind derives one, in its folder under <c>Layers/</c>.
/// </summary>
/// <param name="Number">1-based, as in the comments and diagnostics.</param>
/// <param name="Spec">The layer as declared.</param>
/// <param name="Parameters">The layer's parameter tensors.</param>
/// <param name="OutputOffset">Where the layer's outputs go in the activations of one sample.</param>
/// <param name="PreActivationOffset">Where its pre-activations go, or -1 when the backward pass does not need them.</param>
internal abstract record LayerPlan(int Number, LayerSpec Spec, EquatableArray<ParameterBlock> Parameters, int OutputOffset, int PreActivationOffset)
{
    public int Inputs => Spec.Inputs;

    public int Outputs => Spec.Outputs;

    public Activation Activation => Spec.Activation;

    /// <summary>Whether the backward pass keeps this layer's pre-activations.</summary>
    public bool KeepsPreActivation => PreActivationOffset >= 0;

    /// <summary>The name of the struct that carries the layer's sizes in the generated composition.</summary>
    public string ShapeName => "Layer" + Number;

    /// <summary>The layer as comments name it: <c>Dense 64 -> 10, Softmax</c>.</summary>
    public abstract string Title { get; }

    /// <summary>Writes the declaration of the struct that carries the layer's sizes.</summary>
    public abstract void WriteShape(EmitContext context);

    /// <summary>The forward call of one sample: input at <paramref name="x"/>, output to <paramref name="y"/>, pre-activation to <paramref name="z"/> (ref expressions).</summary>
    public abstract string Forward(EmitContext context, string x, string y, string z);

    /// <summary>
    /// The backward call of one sample: adds the parameter gradients into <c>g</c>; from <paramref name="dz"/> (dLoss/dz
    /// of this layer) writes dLoss/dz of the layer below into <paramref name="dx"/> through <paramref name="below"/>'s
    /// activation (<paramref name="zBelow"/>: its pre-activations, or a null reference).
    /// </summary>
    public abstract string Backward(EmitContext context, string x, string dz, string dx, string zBelow, LayerPlan? below);

    /// <summary>The SGD step of the layer, the gradient for the layer below first (as <see cref="Backward"/>, from the old parameters).</summary>
    public abstract string Train(EmitContext context, string x, string dz, string dx, string zBelow, LayerPlan? below);

    /// <summary>The forward call of a block of <c>count</c> samples stored with strides.</summary>
    public abstract string ForwardBatch(EmitContext context, string x, string xStride, string y, string z, string yStride);

    /// <summary>The backward call of a block of <c>count</c> samples stored with strides.</summary>
    public abstract string BackwardBatch(EmitContext context, string x, string xStride, string dz, string dzStride, string dx, string dxStride, string zBelow, LayerPlan? below);
}
