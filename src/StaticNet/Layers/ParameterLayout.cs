// This file is compiled into the runtime library and, linked, into the generator (there into StaticNet.Generator.Shared):
// the parameter layout of each layer kind is written once. Keep it netstandard2.0-compatible.
#if STATICNET_GENERATOR
namespace StaticNet.Generator.Shared
#else
namespace StaticNet
#endif
{
    /// <summary>The kinds of layer a network is built from.</summary>
    /// <remarks>The numeric values are part of the contract between the runtime library and the generator: do not renumber.</remarks>
    public enum LayerKind
    {
        /// <summary>A fully connected layer, <c>y = f(W x + b)</c>: PyTorch's <c>nn.Linear</c> and an activation.</summary>
        Dense = 0,
    }

    /// <summary>One parameter tensor of a layer: its PyTorch name within the layer's module and its shape.</summary>
    internal readonly struct ParameterTensorShape
    {
        public ParameterTensorShape(string name, params int[] shape)
        {
            Name = name;
            Shape = shape;
        }

        /// <summary>The tensor's name within its module, as PyTorch's <c>state_dict</c> has it: <c>weight</c>, <c>bias</c>, ...</summary>
        public string Name { get; }

        /// <summary>The tensor's shape, outermost dimension first (row-major).</summary>
        public int[] Shape { get; }

        /// <summary>The number of values, or -1 if it does not fit in a <see cref="long"/>.</summary>
        public long Count
        {
            get
            {
                long count = 1;
                foreach (int dimension in Shape)
                {
                    count *= dimension;
                }

                return count;
            }
        }
    }

    /// <summary>
    /// The parameters of each layer kind, in the order and layout of PyTorch's module (so a <c>state_dict</c> loads as it
    /// is): what the generator plans, the initialiser fills, the documentation lists and both safetensors readers expect.
    /// </summary>
    internal static class ParameterLayout
    {
        /// <summary>The tensors of a layer of <paramref name="kind"/> with <paramref name="inputs"/> inputs and <paramref name="outputs"/> outputs, in order.</summary>
        public static ParameterTensorShape[] Of(LayerKind kind, int inputs, int outputs) => kind switch
        {
            _ => new[] { new ParameterTensorShape("weight", outputs, inputs), new ParameterTensorShape("bias", outputs) },
        };
    }
}
