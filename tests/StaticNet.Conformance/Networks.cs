using StaticNet;

// The networks the conformance runner checks, compiled by the real generator. Together they put every activation in
// hidden and output position and every loss through the emitted code, in float and double, with sizes below, at and
// above multiples of 4, 8 and 16 (the vector widths in floats of 128, 256 and 512 bits) and the three benchmark
// topologies of docs/benchmarks.md. Catalog.cs lists them.
namespace StaticNet.Conformance;

/// <summary>T1 of docs/benchmarks.md: 2 -> 16 -> 16 -> 1, tanh, identity, mean squared error.</summary>
[Network(Layers = [2, 16, 16, 1], Activation = Activation.Tanh, Output = Activation.Identity, Loss = Loss.MeanSquaredError)]
public partial class T1;

/// <summary>T2 of docs/benchmarks.md: 64 -> 64 -> 64 -> 10, ReLU, softmax, cross-entropy.</summary>
[Network(Layers = [64, 64, 64, 10], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class T2;

/// <summary>T3 of docs/benchmarks.md: 784 -> 128 -> 64 -> 10, ReLU, softmax, cross-entropy.</summary>
[Network(Layers = [784, 128, 64, 10], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class T3;

/// <summary>One weight and one bias.</summary>
[Network(Layers = [1, 1])]
public partial class SingleWeight;

/// <summary>ReLU hidden, identity output.</summary>
[Network(Layers = [3, 7, 1], Activation = Activation.ReLU, Output = Activation.Identity)]
public partial class ReLUHidden;

/// <summary>Tanh hidden, ReLU output.</summary>
[Network(Layers = [5, 13, 3], Activation = Activation.Tanh, Output = Activation.ReLU)]
public partial class ReLUOutput;

/// <summary>LeakyReLU in both positions.</summary>
[Network(Layers = [9, 17, 6], Activation = Activation.LeakyReLU, Output = Activation.LeakyReLU)]
public partial class LeakyReLU;

/// <summary>Sigmoid in both positions, mean squared error.</summary>
[Network(Layers = [17, 33, 7], Activation = Activation.Sigmoid, Output = Activation.Sigmoid)]
public partial class SigmoidMse;

/// <summary>Identity hidden, tanh output.</summary>
[Network(Layers = [33, 65, 9], Activation = Activation.Identity, Output = Activation.Tanh)]
public partial class TanhOutput;

/// <summary>Softmax output under mean squared error (the Jacobian product, not the fused gradient).</summary>
[Network(Layers = [7, 9, 5], Activation = Activation.ReLU, Output = Activation.Softmax)]
public partial class SoftmaxMse;

/// <summary>Cross-entropy after LeakyReLU layers, three hidden widths off every multiple of 4.</summary>
[Network(Layers = [65, 31, 17, 10], Activation = Activation.LeakyReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class CrossEntropyLeaky;

/// <summary>Cross-entropy after tanh, one input.</summary>
[Network(Layers = [1, 9, 3], Activation = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class CrossEntropyTanh;

/// <summary>Binary cross-entropy, one output.</summary>
[Network(Layers = [9, 19, 1], Activation = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class BinarySingle;

/// <summary>Binary cross-entropy, several outputs.</summary>
[Network(Layers = [8, 7, 3], Activation = Activation.Sigmoid, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class BinaryMulti;

/// <summary>One activation per layer, five layers.</summary>
[Network(Layers = [5, 9, 8, 7, 3, 2], Activations = [Activation.Tanh, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid, Activation.Identity])]
public partial class PerLayer;

/// <summary>
/// Two inputs into a layer of 8 sigmoids: one sample's weight columns split from two loads by shuffles, the activation
/// inlined for one vector (256 bits) or two (128 bits).
/// </summary>
[Network(Layers = [2, 8, 8, 3], Activation = Activation.Sigmoid, Output = Activation.Tanh)]
public partial class TwoInputs;

/// <summary>
/// Layers of one or two vectors of outputs whose groups of rows are one vector each (16 outputs at 256 and 512 bits, 24 at
/// 512) take the activation's inlined form: SiLU's and the sigmoid's, the largest such bodies.
/// </summary>
[Network(Layers = [16, 16, 24, 3], Activations = [Activation.Silu, Activation.Sigmoid, Activation.Identity])]
public partial class NarrowInlined;

/// <summary>
/// Layers of 16 outputs at 8 lanes (256 bits) are one group in two halves of 8 rows, the activation inlined in both:
/// SiLU's, the largest such body, after 11 inputs (a whole vector and a partial one).
/// </summary>
[Network(Layers = [11, 16, 16, 3], Activations = [Activation.Silu, Activation.Silu, Activation.Identity])]
public partial class Halved;

/// <summary>Wider layers whose sizes are multiples of none of 4, 8 and 16.</summary>
[Network(Layers = [101, 70, 30], Activation = Activation.Tanh, Output = Activation.Identity)]
public partial class Wide;

/// <summary>Double: binary cross-entropy after tanh.</summary>
[Network(Layers = [33, 17, 9], Activation = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)]
public partial class DoubleBinary;

/// <summary>Double: cross-entropy after ReLU.</summary>
[Network(Layers = [9, 33, 7], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
public partial class DoubleCrossEntropy;

/// <summary>Double: regression after LeakyReLU, three layers.</summary>
[Network(Layers = [3, 65, 8, 1], Activation = Activation.LeakyReLU, Output = Activation.Identity, Precision = Precision.Double)]
public partial class DoubleRegression;

/// <summary>Double: sigmoid hidden, tanh output, mean squared error.</summary>
[Network(Layers = [13, 21, 5], Activation = Activation.Sigmoid, Output = Activation.Tanh, Precision = Precision.Double)]
public partial class DoubleTanh;

/// <summary>Double: T2's topology.</summary>
[Network(Layers = [64, 64, 64, 10], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
public partial class DoubleT2;

/// <summary>Double: <see cref="Halved"/>'s layer at 512 bits (8 lanes of double).</summary>
[Network(Layers = [11, 16, 3], Activation = Activation.Silu, Output = Activation.Identity, Precision = Precision.Double)]
public partial class DoubleHalved;

/// <summary>Double: <see cref="TwoInputs"/>, two vectors of 4 at 256 bits, one of 8 at 512.</summary>
[Network(Layers = [2, 8, 8, 3], Activation = Activation.Sigmoid, Output = Activation.Tanh, Precision = Precision.Double)]
public partial class DoubleTwoInputs;
