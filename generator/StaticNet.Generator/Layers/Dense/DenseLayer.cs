using System;
using System.Collections.Generic;
using System.Globalization;
using StaticNet.Generator.Emit;
using StaticNet.Generator.Model;
using StaticNet.Generator.Planning;

namespace StaticNet.Generator.Layers.Dense;

/// <summary>A dense layer: <c>y = f(W x + b)</c>, <c>W</c> of shape [Outputs, Inputs] (PyTorch's <c>nn.Linear</c>).</summary>
internal sealed record DenseLayerSpec(int Inputs, int Outputs, Activation Activation) : LayerSpec(Inputs, Outputs, Activation)
{
    public override LayerKind Kind => LayerKind.Dense;

    public override LayerPlan Plan(int number, int parameterOffset, int outputOffset, int preActivationOffset)
    {
        ParameterTensorShape[] tensors = Tensors;
        bool he = ActivationFacts.InitializerOf(Activation) == Initializer.He;
        double limit = he ? Math.Sqrt(6.0 / Inputs) : Math.Sqrt(6.0 / (Inputs + Outputs));
        string init = he
            ? $"He uniform, limit sqrt(6 / {Inputs})"
            : $"Glorot uniform, limit sqrt(6 / ({Inputs} + {Outputs}))";
        var weight = new ParameterBlock(tensors[0].Name, tensors[0].Shape.ToEquatableArray(), parameterOffset, limit, init, "w" + number);
        var bias = new ParameterBlock(tensors[1].Name, tensors[1].Shape.ToEquatableArray(), parameterOffset + weight.Count, 0, "zeros", "b" + number);
        return new DenseLayerPlan(number, this, new EquatableArray<ParameterBlock>([weight, bias]), outputOffset, preActivationOffset);
    }
}

/// <summary>The planned dense layer; its calls go to the runtime library's <c>Dense&lt;T&gt;</c> kernels.</summary>
internal sealed record DenseLayerPlan(int Number, LayerSpec Spec, EquatableArray<ParameterBlock> Parameters, int OutputOffset, int PreActivationOffset)
    : LayerPlan(Number, Spec, Parameters, OutputOffset, PreActivationOffset)
{
    private ParameterBlock Weight => Parameters[0];

    private ParameterBlock Bias => Parameters[1];

    public override string Title => string.Format(CultureInfo.InvariantCulture, "Dense {0} -> {1}, {2}", Inputs, Outputs, Activation);

    public override string Forward(EmitContext context, string x, string y, string z) =>
        $"{Kernels(context)}.Forward<{ShapeName}, {context.KernelActivation(Activation)}>({context.P(Weight)}, {context.P(Bias)}, {x}, {y}, {z});";

    public override string Backward(EmitContext context, string x, string dz, string dx, string zBelow, LayerPlan? below) =>
        $"{Kernels(context)}.Backward<{ShapeName}, {context.Below(below)}>({context.P(Weight)}, {context.G(Weight)}, {context.G(Bias)}, {x}, {dz}, {dx}, {zBelow});";

    public override string Train(EmitContext context, string x, string dz, string dx, string zBelow, LayerPlan? below) =>
        $"{Kernels(context)}.Train<{ShapeName}, {context.Below(below)}>({context.P(Weight)}, {context.P(Bias)}, {x}, {dz}, {dx}, {zBelow}, learningRate);";

    public override string ForwardBatch(EmitContext context, string x, string xStride, string y, string z, string yStride) =>
        $"{Kernels(context)}.ForwardBatch<{ShapeName}, {context.KernelActivation(Activation)}>({context.P(Weight)}, {context.P(Bias)}, {x}, {xStride}, {y}, {z}, {yStride}, count);";

    public override string BackwardBatch(EmitContext context, string x, string xStride, string dz, string dzStride, string dx, string dxStride, string zBelow, LayerPlan? below) =>
        $"{Kernels(context)}.BackwardBatch<{ShapeName}, {context.Below(below)}>({context.P(Weight)}, {context.G(Weight)}, {context.G(Bias)}, {x}, {xStride}, {dz}, {dzStride}, {dx}, {dxStride}, {zBelow}, count);";

    public override string PackedLength(EmitContext context) =>
        $"{context.Name("DensePacked")}<{context.Scalar}>.Length<{ShapeName}>()";

    public override string Pack(EmitContext context, string q) =>
        $"{context.Name("DensePacked")}<{context.Scalar}>.Pack<{ShapeName}>({context.P(Weight)}, {context.P(Bias)}, {q});";

    public override string ForwardPacked(EmitContext context, string q, string x, string y, bool softmax) => softmax
        ? $"{context.Name("DensePacked")}<{context.Scalar}>.ForwardSoftmax<{ShapeName}>({q}, {x}, {y});"
        : $"{context.Name("DensePacked")}<{context.Scalar}>.Forward<{ShapeName}, {context.KernelActivation(Activation)}>({q}, {x}, {y});";

    public override string ForwardPackedBatch(EmitContext context, string q, string x, string xStride, string y, string yStride) =>
        $"{context.Name("DensePacked")}<{context.Scalar}>.ForwardBatch<{ShapeName}, {context.KernelActivation(Activation)}>({q}, {x}, {xStride}, {y}, {yStride}, count);";

    public override string Step(EmitContext context, string state, string x, string y, string scratch) =>
        Forward(context, x, y, context.Null);

    public override string StepPacked(EmitContext context, string q, string state, string x, string y, string scratch) =>
        ForwardPacked(context, q, x, y, softmax: false);

    public override IEnumerable<string> SequenceForward(EmitContext context, string x)
    {
        string z = KeepsPreActivation ? "ref z" + Number : context.Null;
        yield return $"{Kernels(context)}.ForwardBatch<{ShapeName}, {context.KernelActivation(Activation)}>({context.P(Weight)}, {context.P(Bias)}, {x}, {Inputs}, ref a{Number}, {z}, {Outputs}, frames);";
    }

    public override IEnumerable<string> SequenceBackward(EmitContext context, string x, string dy, string dx, bool isOutput)
    {
        foreach (string line in ActivationGradient(context, dy, isOutput))
        {
            yield return line;
        }

        yield return $"{Kernels(context)}.BackwardBatch<{ShapeName}, {context.Name("Identity")}>({context.P(Weight)}, {context.G(Weight)}, {context.G(Bias)}, {x}, {Inputs}, {dy}, {Outputs}, {dx}, {Inputs}, {context.Null}, frames);";
    }

    private static string Kernels(EmitContext context) => $"{context.Name("Dense")}<{context.Scalar}>";
}
