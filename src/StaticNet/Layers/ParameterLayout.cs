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

        /// <summary>A causal convolution over time, stride 1: PyTorch's <c>nn.Conv1d</c> on left-padded frames, and an activation.</summary>
        Conv1D = 1,

        /// <summary>A gated recurrent unit: PyTorch's <c>nn.GRU</c>, one layer, bias on.</summary>
        Gru = 2,

        /// <summary>A long short-term memory: PyTorch's <c>nn.LSTM</c>, one layer, bias on.</summary>
        Lstm = 3,
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
        /// <summary>
        /// The tensors of a layer of <paramref name="kind"/> with <paramref name="inputs"/> inputs and <paramref name="outputs"/>
        /// outputs per frame (a convolution's channels, a recurrent layer's hidden size H), in order.
        /// </summary>
        /// <param name="kind">The layer kind.</param>
        /// <param name="inputs">The inputs per frame.</param>
        /// <param name="outputs">The outputs per frame.</param>
        /// <param name="kernelSize">A convolution's number of taps (1 for other kinds).</param>
        /// <returns>The tensors.</returns>
        public static ParameterTensorShape[] Of(LayerKind kind, int inputs, int outputs, int kernelSize = 1) => kind switch
        {
            LayerKind.Conv1D => new[] { new ParameterTensorShape("weight", outputs, inputs, kernelSize), new ParameterTensorShape("bias", outputs) },
            LayerKind.Gru => Recurrent(3, inputs, outputs),
            LayerKind.Lstm => Recurrent(4, inputs, outputs),
            _ => new[] { new ParameterTensorShape("weight", outputs, inputs), new ParameterTensorShape("bias", outputs) },
        };

        /// <summary>
        /// The values of streaming state a layer keeps between frames: a convolution's past input frames, a GRU's hidden
        /// state, an LSTM's hidden and cell states; none for a dense layer.
        /// </summary>
        /// <param name="kind">The layer kind.</param>
        /// <param name="inputs">The inputs per frame.</param>
        /// <param name="outputs">The outputs per frame.</param>
        /// <param name="kernelSize">A convolution's number of taps.</param>
        /// <param name="dilation">A convolution's dilation.</param>
        /// <returns>The number of values, or -1 if it does not fit in a <see cref="long"/>.</returns>
        public static long StateSize(LayerKind kind, int inputs, int outputs, int kernelSize = 1, int dilation = 1) => kind switch
        {
            LayerKind.Conv1D => (long)(kernelSize - 1) * dilation * inputs,
            LayerKind.Gru => outputs,
            LayerKind.Lstm => 2L * outputs,
            _ => 0,
        };

        /// <summary>PyTorch's <c>nn.GRU</c> (3 gates) and <c>nn.LSTM</c> (4): <c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>, <c>bias_hh_l0</c>.</summary>
        private static ParameterTensorShape[] Recurrent(int gates, int inputs, int hidden) => new[]
        {
            new ParameterTensorShape("weight_ih_l0", gates * hidden, inputs),
            new ParameterTensorShape("weight_hh_l0", gates * hidden, hidden),
            new ParameterTensorShape("bias_ih_l0", gates * hidden),
            new ParameterTensorShape("bias_hh_l0", gates * hidden),
        };
    }
}
