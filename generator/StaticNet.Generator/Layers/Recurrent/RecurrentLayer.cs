using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StaticNet.Generator.Emit;
using StaticNet.Generator.Model;
using StaticNet.Generator.Planning;

namespace StaticNet.Generator.Layers.Recurrent;

/// <summary>
/// A recurrent layer as PyTorch's <c>nn.GRU</c> and <c>nn.LSTM</c> have it (one layer, bias on): <c>weight_ih_l0</c>,
/// <c>weight_hh_l0</c>, <c>bias_ih_l0</c>, <c>bias_hh_l0</c>, each of <see cref="Gates"/>·H rows. Its output is the hidden
/// state; it has no activation of its own.
/// </summary>
internal abstract record RecurrentLayerSpec(int Inputs, int Outputs) : LayerSpec(Inputs, Outputs, Activation.Identity)
{
    /// <summary>The number of gates: 3 for the GRU (r, z, n), 4 for the LSTM (i, f, g, o).</summary>
    public abstract int Gates { get; }

    public override long StateSize => ParameterLayout.StateSize(Kind, Inputs, Outputs);

    public override string TopologyArguments(EmitContext context) => $"{context.Name("LayerKind")}.{Kind}, {Outputs}";

    /// <summary>PyTorch's initialisation of these modules: every tensor, biases too, uniform in ±1/√H.</summary>
    protected EquatableArray<ParameterBlock> PlanBlocks(int number, int parameterOffset)
    {
        double limit = 1.0 / Math.Sqrt(Outputs);
        string init = $"PyTorch's default, uniform in ±1/sqrt({Outputs})";
        var blocks = new List<ParameterBlock>();
        int offset = parameterOffset;
        string[] locals = ["p", "whh", "bih", "bhh"];
        ParameterTensorShape[] tensors = Tensors;
        for (int i = 0; i < tensors.Length; i++)
        {
            var block = new ParameterBlock(tensors[i].Name, tensors[i].Shape.ToEquatableArray(), offset, limit, init, locals[i] + number);
            blocks.Add(block);
            offset += block.Count;
        }

        return blocks.ToEquatableArray();
    }
}

/// <summary>
/// A planned recurrent layer. Its calls take the layer's whole parameter block (<c>p2</c>, its gradient <c>gp2</c>); the
/// runtime kernel finds the four tensors in it. Over a sequence it keeps its states (<c>h2</c>: the zero state, then the
/// state after each frame, so its outputs <c>a2</c> start one frame in) and its gates (<c>c2</c>), and a little scratch (<c>t2</c>).
/// </summary>
internal abstract record RecurrentLayerPlan(int Number, LayerSpec Spec, EquatableArray<ParameterBlock> Parameters, int OutputOffset, int PreActivationOffset)
    : LayerPlan(Number, Spec, Parameters, OutputOffset, PreActivationOffset)
{
    protected int Gates => ((RecurrentLayerSpec)Spec).Gates;

    /// <summary>The name of the runtime kernel class: <c>Gru</c> or <c>Lstm</c>.</summary>
    protected abstract string KernelName { get; }

    public override string Title => string.Format(CultureInfo.InvariantCulture, "{0} {1} -> {2}", Spec.Kind, Inputs, Outputs);

    public override int StepScratch => 2 * Gates * Outputs;

    /// <summary>The scratch of the sequence passes: the hidden projection of a frame forward, the carried gradients backward.</summary>
    protected abstract int SequenceScratch { get; }

    public override IEnumerable<SequenceRegion> SequenceRegions()
    {
        yield return new SequenceRegion("h" + Number, Outputs, Outputs);
        foreach (SequenceRegion region in StateRegions())
        {
            yield return region;
        }

        // Both kernels keep 4H per frame: the LSTM's four gates; the GRU's three and W_hn h + b_hn.
        yield return new SequenceRegion("c" + Number, 4 * Outputs, 0);
        yield return new SequenceRegion("t" + Number, 0, SequenceScratch);
    }

    public override IEnumerable<(string Name, string Value)> SequenceAliases(EmitContext context) =>
        [("a" + Number, $"ref At(ref h{Number}, {Outputs})")];

    public override string Step(EmitContext context, string state, string x, string y, string scratch) =>
        $"{Kernels(context)}.Step<{ShapeName}>({context.P(Parameters[0])}, {state}, {x}, {y}, {scratch});";

    public override string PackedLength(EmitContext context) => $"{Kernels(context)}.PackedLength<{ShapeName}>()";

    public override string Pack(EmitContext context, string q) => $"{Kernels(context)}.Pack<{ShapeName}>({context.P(Parameters[0])}, {q});";

    public override string StepPacked(EmitContext context, string q, string state, string x, string y, string scratch) =>
        $"{Kernels(context)}.StepPacked<{ShapeName}>({q}, {state}, {x}, {y}, {scratch});";

    public override string PackedStepScratch(EmitContext context) => $"{Kernels(context)}.PackedScratchLength<{ShapeName}>()";

    public override IEnumerable<string> SequenceForward(EmitContext context, string x)
    {
        yield return $"{Kernels(context)}.Forward<{ShapeName}>({context.P(Parameters[0])}, {x}, {StateArguments()}, ref c{Number}, ref t{Number}, frames);";
    }

    public override IEnumerable<string> SequenceBackward(EmitContext context, string x, string dy, string dx, bool isOutput)
    {
        yield return $"{Kernels(context)}.Backward<{ShapeName}>({context.P(Parameters[0])}, {context.G(Parameters[0])}, {x}, {StateArguments()}, ref c{Number}, {dy}, {dx}, ref t{Number}, frames);";
    }

    /// <summary>Regions of further states kept over the sequence (the LSTM's cell states).</summary>
    protected virtual IEnumerable<SequenceRegion> StateRegions() => [];

    /// <summary>The state arguments of the sequence calls: <c>ref h2</c> (and the LSTM's <c>ref k2</c>).</summary>
    protected virtual string StateArguments() => "ref h" + Number;

    private string Kernels(EmitContext context) => $"{context.Name(KernelName)}<{context.Scalar}>";
}
