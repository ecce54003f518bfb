using StaticNet.Generator.Emit;
using StaticNet.Generator.Model;
using StaticNet.Generator.Planning;

namespace StaticNet.Generator.Layers;

/// <summary>
/// One layer as declared: its sizes per sample and the activation of its outputs. Each layer kind is one folder under
/// <c>Layers/</c>: its spec (a record deriving from this one), its plan (deriving from <see cref="LayerPlan"/>: the
/// parameter blocks and what the kind writes into the network's composition) and, in the runtime library, its kernels.
/// </summary>
/// <param name="Inputs">The number of inputs.</param>
/// <param name="Outputs">The number of outputs.</param>
/// <param name="Activation">The activation of the outputs.</param>
internal abstract record LayerSpec(int Inputs, int Outputs, Activation Activation)
{
    /// <summary>The kind, as comments and messages name it.</summary>
    public abstract LayerKind Kind { get; }

    /// <summary>The parameter tensors, in PyTorch's order and layout.</summary>
    public virtual ParameterTensorShape[] Tensors => ParameterLayout.Of(Kind, Inputs, Outputs);

    /// <summary>The values of streaming state the layer keeps between frames (0 for a dense layer).</summary>
    public virtual long StateSize => 0;

    /// <summary>The layer as the <c>NetworkLayer</c> of the generated <c>Topology</c> (without the type name): <c>LayerKind.Gru, 16</c>.</summary>
    public virtual string TopologyArguments(Emit.EmitContext context) =>
        $"{context.Name("LayerKind")}.{Kind}, {Outputs}, {context.Name("Activation")}.{Activation}";

    /// <summary>The number of parameters, or more than <see cref="int.MaxValue"/> for a layer too large to plan.</summary>
    public long ParameterCount
    {
        get
        {
            long count = 0;
            foreach (ParameterTensorShape tensor in Tensors)
            {
                count += tensor.Count;
            }

            return count;
        }
    }

    /// <summary>Plans the layer: where its parameters are and how they are initialised.</summary>
    /// <param name="number">The layer's number, from 1.</param>
    /// <param name="parameterOffset">Where the layer's first parameter is.</param>
    /// <param name="outputOffset">Where its outputs go in the activations of one sample.</param>
    /// <param name="preActivationOffset">Where its pre-activations go, or -1 when the backward pass does not need them.</param>
    /// <returns>The plan.</returns>
    public abstract LayerPlan Plan(int number, int parameterOffset, int outputOffset, int preActivationOffset);
}

/// <summary>
/// One parameter tensor of a planned layer.
/// </summary>
/// <param name="Name">The tensor's name within the layer's PyTorch module: <c>weight</c>, <c>bias</c>, ...</param>
/// <param name="Shape">The shape, outermost first.</param>
/// <param name="Offset">Where its first value is in the network's parameters.</param>
/// <param name="InitLimit">The bound of its uniform initialisation, or 0 for zeros.</param>
/// <param name="InitName">How it is initialised, for the comments.</param>
/// <param name="Local">The name of the reference to it in the generated composition: <c>w1</c>, <c>b1</c>, ...</param>
internal sealed record ParameterBlock(string Name, EquatableArray<int> Shape, int Offset, double InitLimit, string InitName, string Local)
{
    /// <summary>The number of values.</summary>
    public int Count
    {
        get
        {
            int count = 1;
            foreach (int dimension in Shape)
            {
                count *= dimension;
            }

            return count;
        }
    }

    /// <summary>The shape as the comments write it: <c>[64 x 784]</c>.</summary>
    public string ShapeText => "[" + string.Join(" x ", Shape) + "]";
}
