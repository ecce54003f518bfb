using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StaticNet.Generator.Emit;
using StaticNet.Generator.Layers;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Planning;

/// <summary>
/// A planned layer: where its parameters are, where its outputs (and, if its activation's gradient needs them, its
/// pre-activations) go in the scratch of one sample, and the calls its kind writes into each pass of the network's
/// composition. Each layer kind derives one, in its folder under <c>Layers/</c>. A dense network is built from dense layers
/// only and uses the per-sample calls (<see cref="Forward"/> … <see cref="BackwardBatch"/>); a sequence network (any
/// Conv1D, GRU or LSTM layer) uses the per-frame and per-sequence calls (<see cref="Step"/>, <see cref="SequenceForward"/>,
/// <see cref="SequenceBackward"/>), which every kind writes.
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

    /// <summary>The interface of the struct that carries the layer's sizes (a simple name of <see cref="EmitContext.Imports"/>).</summary>
    protected virtual string ShapeInterface => "ILayerShape";

    /// <summary>The sizes the layer's struct carries, as its static properties: <c>In</c> and <c>Out</c>, and what the kind adds.</summary>
    protected virtual IEnumerable<(string Name, int Value)> ShapeMembers()
    {
        yield return ("In", Inputs);
        yield return ("Out", Outputs);
    }

    /// <summary>Writes the declaration of the struct that carries the layer's sizes: on one line, or a block if it is long.</summary>
    public void WriteShape(EmitContext context) =>
        context.Writer.WriteCompact(
            $"private readonly struct {ShapeName} : {context.Name(ShapeInterface)}",
            [.. ShapeMembers().Select(member => $"public static int {member.Name} => {member.Value.ToString(CultureInfo.InvariantCulture)};")]);

    /// <summary>The forward call of one sample: input at <paramref name="x"/>, output to <paramref name="y"/>, pre-activation to <paramref name="z"/> (ref expressions).</summary>
    public virtual string Forward(EmitContext context, string x, string y, string z) => throw new NotSupportedException();

    /// <summary>
    /// The backward call of one sample: adds the parameter gradients into <c>g</c>; from <paramref name="dz"/> (dLoss/dz
    /// of this layer) writes dLoss/dz of the layer below into <paramref name="dx"/> through <paramref name="below"/>'s
    /// activation (<paramref name="zBelow"/>: its pre-activations, or a null reference).
    /// </summary>
    public virtual string Backward(EmitContext context, string x, string dz, string dx, string zBelow, LayerPlan? below) => throw new NotSupportedException();

    /// <summary>The SGD step of the layer, the gradient for the layer below first (as <see cref="Backward"/>, from the old parameters).</summary>
    public virtual string Train(EmitContext context, string x, string dz, string dx, string zBelow, LayerPlan? below) => throw new NotSupportedException();

    /// <summary>The forward call of a block of <c>count</c> samples stored with strides.</summary>
    public virtual string ForwardBatch(EmitContext context, string x, string xStride, string y, string z, string yStride) => throw new NotSupportedException();

    /// <summary>The length of the layer's part of an inference snapshot's packed copy (an expression, constant to the JIT).</summary>
    public virtual string PackedLength(EmitContext context) => throw new NotSupportedException();

    /// <summary>The call that writes the layer's part of the packed copy to <paramref name="q"/> from the parameters.</summary>
    public virtual string Pack(EmitContext context, string q) => throw new NotSupportedException();

    /// <summary>
    /// The forward call of one sample from the layer's part <paramref name="q"/> of the packed copy; with
    /// <paramref name="softmax"/>, the output layer's call that also applies the network's softmax.
    /// </summary>
    public virtual string ForwardPacked(EmitContext context, string q, string x, string y, bool softmax) => throw new NotSupportedException();

    /// <summary>
    /// The forward call of a block of <c>count</c> samples stored with strides from the layer's part <paramref name="q"/> of
    /// the packed copy, without a softmax (the block's softmax follows the output layer).
    /// </summary>
    public virtual string ForwardPackedBatch(EmitContext context, string q, string x, string xStride, string y, string yStride) => throw new NotSupportedException();

    /// <summary>The backward call of a block of <c>count</c> samples stored with strides.</summary>
    public virtual string BackwardBatch(EmitContext context, string x, string xStride, string dz, string dzStride, string dx, string dxStride, string zBelow, LayerPlan? below) => throw new NotSupportedException();

    // ------------------------------------------------------------------ in a sequence network

    /// <summary>The values of streaming state the layer keeps between frames.</summary>
    public int StateSize => (int)Spec.StateSize;

    /// <summary>Scratch the layer's <see cref="Step"/> call needs besides its output frame.</summary>
    public virtual int StepScratch => 0;

    /// <summary>
    /// The layer's regions of the scratch of a whole sequence (<c>frames</c> frames), in order: the outputs of every frame
    /// (<c>a1</c>), the pre-activations its activation's gradient reads (<c>z1</c>), and what its kind keeps for the
    /// backward pass. Each is <c>PerFrame · frames + Fixed</c> values.
    /// </summary>
    public virtual IEnumerable<SequenceRegion> SequenceRegions()
    {
        yield return new SequenceRegion("a" + Number, Outputs, 0);
        if (KeepsPreActivation)
        {
            yield return new SequenceRegion("z" + Number, Outputs, 0);
        }
    }

    /// <summary>References the composition derives from the regions (a recurrent layer's outputs follow its zero state).</summary>
    public virtual IEnumerable<(string Name, string Value)> SequenceAliases(EmitContext context) => Array.Empty<(string, string)>();

    /// <summary>The call that runs one frame: state at <paramref name="state"/>, input <paramref name="x"/>, output <paramref name="y"/>, scratch <paramref name="scratch"/>.</summary>
    public virtual string Step(EmitContext context, string state, string x, string y, string scratch) => throw new NotSupportedException();

    /// <summary>
    /// The call that runs one frame from the layer's part <paramref name="q"/> of an inference snapshot's packed copy, as
    /// <see cref="Step"/> does from the parameters.
    /// </summary>
    public virtual string StepPacked(EmitContext context, string q, string state, string x, string y, string scratch) => throw new NotSupportedException();

    /// <summary>Scratch the layer's <see cref="StepPacked"/> call needs besides its output frame (an expression, constant to the JIT).</summary>
    public virtual string PackedStepScratch(EmitContext context) => "0";

    /// <summary>The calls that run the layer over every frame of a sequence from its zero state (inputs at <paramref name="x"/>, <c>Inputs</c> apart).</summary>
    public virtual IEnumerable<string> SequenceForward(EmitContext context, string x) => throw new NotSupportedException();

    /// <summary>
    /// The calls of backpropagation through time: from dLoss/dOutput of every frame at <paramref name="dy"/> (dLoss/dz
    /// already, through the activation, when <paramref name="isOutput"/>), adds the layer's gradient and writes dLoss/dInput
    /// of every frame to <paramref name="dx"/> (a null reference for the network's input when it is not wanted).
    /// </summary>
    public virtual IEnumerable<string> SequenceBackward(EmitContext context, string x, string dy, string dx, bool isOutput) => throw new NotSupportedException();

    /// <summary>The call of the layer's activation gradient over every frame, unless it is the output layer or its activation is the identity.</summary>
    protected IEnumerable<string> ActivationGradient(EmitContext context, string dy, bool isOutput)
    {
        if (!isOutput && Activation != Activation.Identity)
        {
            string z = KeepsPreActivation ? "ref z" + Number : context.Null;
            yield return $"{context.Name("Frames")}<{context.Scalar}>.Gradient<{context.KernelActivation(Activation)}>({dy}, {z}, ref a{Number}, (nuint)frames * {Outputs});";
        }
    }
}

/// <summary>A region of a sequence network's scratch: <c>PerFrame · frames + Fixed</c> values, named as the composition's local.</summary>
internal sealed record SequenceRegion(string Name, int PerFrame, int Fixed);
