using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StaticNet.Generator.Emit;
using StaticNet.Generator.Model;
using StaticNet.Generator.Planning;

namespace StaticNet.Generator.Layers.Conv1D;

/// <summary>
/// A causal convolution over time, stride 1: PyTorch's <c>nn.Conv1d(Inputs, Outputs, KernelSize, dilation: Dilation)</c> on
/// the input left-padded with <c>(KernelSize − 1)·Dilation</c> zero frames, then an activation. Weight <c>[Out][In][K]</c>.
/// </summary>
internal sealed record Conv1DLayerSpec(int Inputs, int Outputs, Activation Activation, int KernelSize, int Dilation) : LayerSpec(Inputs, Outputs, Activation)
{
    public override LayerKind Kind => LayerKind.Conv1D;

    public override ParameterTensorShape[] Tensors => ParameterLayout.Of(Kind, Inputs, Outputs, KernelSize);

    public override long StateSize => ParameterLayout.StateSize(Kind, Inputs, Outputs, KernelSize, Dilation);

    public override string TopologyArguments(EmitContext context) => base.TopologyArguments(context) + $", {KernelSize}, {Dilation}";

    public override LayerPlan Plan(int number, int parameterOffset, int outputOffset, int preActivationOffset)
    {
        ParameterTensorShape[] tensors = Tensors;

        // As a dense layer's, with the fans of the whole window: In·K inputs, Out·K outputs.
        long fanIn = (long)Inputs * KernelSize, fanOut = (long)Outputs * KernelSize;
        bool he = ActivationFacts.InitializerOf(Activation) == Initializer.He;
        double limit = he ? Math.Sqrt(6.0 / fanIn) : Math.Sqrt(6.0 / (fanIn + fanOut));
        string init = he ? $"He uniform, limit sqrt(6 / {fanIn})" : $"Glorot uniform, limit sqrt(6 / ({fanIn} + {fanOut}))";
        var weight = new ParameterBlock(tensors[0].Name, tensors[0].Shape.ToEquatableArray(), parameterOffset, limit, init, "w" + number);
        var bias = new ParameterBlock(tensors[1].Name, tensors[1].Shape.ToEquatableArray(), parameterOffset + weight.Count, 0, "zeros", "b" + number);
        return new Conv1DLayerPlan(number, this, new EquatableArray<ParameterBlock>([weight, bias]), outputOffset, preActivationOffset);
    }
}

/// <summary>The planned convolution; its calls go to the runtime library's <c>Conv1D&lt;T&gt;</c> kernels.</summary>
internal sealed record Conv1DLayerPlan(int Number, LayerSpec Spec, EquatableArray<ParameterBlock> Parameters, int OutputOffset, int PreActivationOffset)
    : LayerPlan(Number, Spec, Parameters, OutputOffset, PreActivationOffset)
{
    private Conv1DLayerSpec Conv => (Conv1DLayerSpec)Spec;

    private ParameterBlock Weight => Parameters[0];

    private ParameterBlock Bias => Parameters[1];

    /// <summary>Whether frames are gathered into windows (more than one tap); with one tap the window is the frame.</summary>
    private bool Windows => Conv.KernelSize > 1;

    private int WindowLength => Inputs * Conv.KernelSize;

    public override string Title => string.Format(CultureInfo.InvariantCulture, "Conv1D {0} -> {1}, kernel {2}, dilation {3}, {4}", Inputs, Outputs, Conv.KernelSize, Conv.Dilation, Activation);

    public override int StepScratch => Windows ? WindowLength : 0;

    protected override string ShapeInterface => "IConv1DShape";

    protected override IEnumerable<(string Name, int Value)> ShapeMembers() =>
        base.ShapeMembers().Concat([("KernelSize", Conv.KernelSize), ("Dilation", Conv.Dilation)]);

    public override IEnumerable<SequenceRegion> SequenceRegions()
    {
        foreach (SequenceRegion region in base.SequenceRegions())
        {
            yield return region;
        }

        if (Windows)
        {
            yield return new SequenceRegion("u" + Number, WindowLength, 0);
            yield return new SequenceRegion("v" + Number, WindowLength, 0);
        }
    }

    public override string Step(EmitContext context, string state, string x, string y, string scratch) =>
        $"{Kernels(context)}.Step<{ShapeName}, {context.KernelActivation(Activation)}>({context.P(Weight)}, {context.P(Bias)}, {state}, {x}, {y}, {scratch});";

    public override string PackedLength(EmitContext context) => $"{Kernels(context)}.PackedLength<{ShapeName}>()";

    public override string Pack(EmitContext context, string q) => $"{Kernels(context)}.Pack<{ShapeName}>({context.P(Weight)}, {context.P(Bias)}, {q});";

    public override string StepPacked(EmitContext context, string q, string state, string x, string y, string scratch) =>
        $"{Kernels(context)}.StepPacked<{ShapeName}, {context.KernelActivation(Activation)}>({q}, {state}, {x}, {y}, {scratch});";

    public override string PackedStepScratch(EmitContext context) => StepScratch.ToString(CultureInfo.InvariantCulture);

    public override IEnumerable<string> SequenceForward(EmitContext context, string x)
    {
        string z = KeepsPreActivation ? "ref z" + Number : context.Null;
        string u = Windows ? "ref u" + Number : context.Null;
        yield return $"{Kernels(context)}.Forward<{ShapeName}, {context.KernelActivation(Activation)}>({context.P(Weight)}, {context.P(Bias)}, {x}, {u}, ref a{Number}, {z}, frames);";
    }

    public override IEnumerable<string> SequenceBackward(EmitContext context, string x, string dy, string dx, bool isOutput)
    {
        foreach (string line in ActivationGradient(context, dy, isOutput))
        {
            yield return line;
        }

        string u = Windows ? "ref u" + Number : context.Null;
        string v = Windows ? "ref v" + Number : context.Null;
        yield return $"{Kernels(context)}.Backward<{ShapeName}>({context.P(Weight)}, {context.G(Weight)}, {context.G(Bias)}, {x}, {u}, {dy}, {v}, {dx}, frames);";
    }

    private static string Kernels(EmitContext context) => $"{context.Name("Conv1D")}<{context.Scalar}>";
}
