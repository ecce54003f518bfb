using StaticNet;

namespace StaticNet.Benchmarks;

// The four sequence networks of the benchmark against RTNeural's ModelT (docs/benchmarks.md, "Sequence layers: Step vs
// RTNeural"): the same layers, sizes and activations as the RTNeural models it times. One input per frame, float32.

/// <summary>GRU(8) alone: the output is the hidden state, 8 values (RTNeural: <c>GRULayerT&lt;float, 1, 8&gt;</c>).</summary>
[Network(Input = 1, Loss = Loss.MeanSquaredError)]
[Gru(8)]
public partial class Gru8;

/// <summary>GRU(32) alone: the output is the hidden state, 32 values (RTNeural: <c>GRULayerT&lt;float, 1, 32&gt;</c>).</summary>
[Network(Input = 1, Loss = Loss.MeanSquaredError)]
[Gru(32)]
public partial class Gru32;

/// <summary>LSTM(32) alone: the output is the hidden state, 32 values (RTNeural: <c>LSTMLayerT&lt;float, 1, 32&gt;</c>).</summary>
[Network(Input = 1, Loss = Loss.MeanSquaredError)]
[Lstm(32)]
public partial class Lstm32;

/// <summary>
/// Causal Conv1D(16, kernel 3, dilation 2, no activation) → GRU(16) → Dense(1, identity) (RTNeural:
/// <c>Conv1DT&lt;float, 1, 16, 3, 2&gt;</c>, <c>GRULayerT&lt;float, 16, 16&gt;</c>, <c>DenseT&lt;float, 16, 1&gt;</c>).
/// </summary>
[Network(Input = 1, Loss = Loss.MeanSquaredError)]
[Conv1D(16, KernelSize = 3, Dilation = 2, Activation = Activation.Identity)]
[Gru(16)]
[Dense(1)]
public partial class ConvGru;
