using StaticNet;

// The networks the numerical tests run, compiled by the real generator as part of this project. Together they put
// every activation in hidden and output position, every loss, depths 1 to 5 and the sizes 1, 3, 7, 8, 9, 17, 33 and 65
// (below, at and above multiples of the vector width) through the emitted code. The tests read each declaration back
// from the attribute, so adding a network here adds it to every test.
namespace StaticNet.Tests.Networks;

[Network(Layers = [1, 1])]
public partial class SingleWeight;

[Network(Layers = [3, 7, 1], Activation = Activation.ReLU, Output = Activation.Identity)]
public partial class MseReLUHidden;

[Network(Layers = [8, 9, 3], Activation = Activation.Tanh, Output = Activation.ReLU)]
public partial class MseReLUOutput;

[Network(Layers = [9, 17, 8], Activation = Activation.LeakyReLU, Output = Activation.LeakyReLU)]
public partial class MseLeakyReLU;

[Network(Layers = [17, 33, 7], Activation = Activation.Sigmoid, Output = Activation.Sigmoid)]
public partial class MseSigmoid;

[Network(Layers = [33, 65, 9], Activation = Activation.Identity, Output = Activation.Tanh)]
public partial class MseTanhOutput;

[Network(Layers = [7, 8, 5], Activation = Activation.ReLU, Output = Activation.Softmax)]
public partial class MseSoftmax;

[Network(Layers = [65, 33, 17, 10], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class CrossEntropyReLU;

[Network(Layers = [1, 9, 3], Activation = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class CrossEntropyTanh;

[Network(Layers = [9, 17, 1], Activation = Activation.LeakyReLU, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class BinaryCrossEntropySingle;

[Network(Layers = [8, 7, 3], Activation = Activation.Sigmoid, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class BinaryCrossEntropyMulti;

[Network(Layers = [5, 9, 8, 7, 3, 2], Activations = [Activation.Tanh, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid, Activation.Identity])]
public partial class PerLayerActivations;

[Network(Layers = [65, 65, 65], Activation = Activation.Tanh, Output = Activation.Identity)]
public partial class Wide;

[Network(Layers = [2, 16, 16, 1], Activation = Activation.Tanh, Output = Activation.Identity, Loss = Loss.MeanSquaredError)]
public partial class XorNet;

[Network(Layers = [64, 64, 64, 10], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class T2;

[Network(Layers = [33, 17, 9], Activation = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)]
public partial class DoubleBinary;

[Network(Layers = [9, 33, 7], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
public partial class DoubleCrossEntropy;

[Network(Layers = [3, 65, 8, 1], Activation = Activation.LeakyReLU, Output = Activation.Identity, Precision = Precision.Double)]
public partial class DoubleRegression;

// Its scratch (about 60,000 floats) is above the stack limit: the generator reports SNET0014 and keeps it in a buffer per thread.
[Network(Layers = [8, 20000, 3], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class HeapScratch;

// A first layer whose packed weights stream from beyond the L1 cache (DensePackedKernels.Streams): with 16 registers one
// tile of eight vectors at 256 bits (75 KB), two at 128 bits (38 KB each, the last one 29 outputs); 300 inputs are not a
// multiple of the eight an iteration takes, 61 outputs not a multiple of any vector.
[Network(Layers = [300, 61, 3], Activation = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class Streaming;

// The same in double: two tiles at 256 bits, four at 128.
[Network(Layers = [300, 61, 3], Activation = Activation.ReLU, Output = Activation.Identity, Precision = Precision.Double)]
public partial class DoubleStreaming;

// A small classifier for the trainer's tests.
[Network(Layers = [4, 16, 3], Activation = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class Blobs;

// A classifier with more parameters (18,880) than one slice of the trainer's parallel reduction (16,384).
[Network(Layers = [100, 170, 10], Activation = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class WideClassifier;

// The reproduction of issue 14: a saturated tanh hides an infinite input from the loss, not from the gradient.
[Network(Layers = [4, 8, 3], Activation = Activation.Tanh)]
public partial class TanhRegression;
