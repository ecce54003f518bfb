using StaticNet;

// The sequence networks the conformance runner checks, compiled by the real generator. Together they put Conv1D (a
// kernel of 1, 2 and 3 taps, dilated and not), GRU and LSTM layers first, in the middle and last through the emitted
// code, with every loss, in float and double, with sizes off every vector width (1, 3, 5, 9, 17, 33; hidden sizes of 17
// and 33, so that the 256- and 512-bit paths run), and stay small: the ARM64 run is emulated. SequenceCatalog.cs lists
// them.
namespace StaticNet.Conformance;

/// <summary>Every layer kind in a row: a dilated convolution, a GRU, an LSTM, a dense output; mean squared error.</summary>
[Network(Input = 3, Loss = Loss.MeanSquaredError)]
[Conv1D(5, KernelSize = 3, Dilation = 2, Activation = Activation.Tanh)]
[Gru(9)]
[Lstm(17)]
[Dense(2)]
public partial class SeqStack;

/// <summary>An LSTM of 33 units (132 gate rows) tagging frames: softmax, cross-entropy.</summary>
[Network(Input = 5, Loss = Loss.CrossEntropy)]
[Lstm(33)]
[Dense(3, Activation = Activation.Softmax)]
public partial class SeqLstmTagger;

/// <summary>Dense and a one-tap convolution with ReLU-family kinks before a GRU of 3; binary cross-entropy.</summary>
[Network(Input = 9, Loss = Loss.BinaryCrossEntropy)]
[Dense(5, Activation = Activation.LeakyReLU)]
[Conv1D(9, KernelSize = 1, Activation = Activation.ReLU)]
[Gru(3)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class SeqGruDetector;

/// <summary>Double: a two-tap convolution, an LSTM of 9, a GRU of 17, softmax, cross-entropy.</summary>
[Network(Input = 3, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
[Conv1D(5, KernelSize = 2, Activation = Activation.Sigmoid)]
[Lstm(9)]
[Gru(17)]
[Dense(3, Activation = Activation.Softmax)]
public partial class SeqDoubleStack;

/// <summary>Double: a GRU of 33 on one input, a linear output.</summary>
[Network(Input = 1, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
[Gru(33)]
[Dense(1)]
public partial class SeqDoubleWideGru;

/// <summary>Double: an LSTM of one unit and a dilated convolution as the last layer, one channel throughout.</summary>
[Network(Input = 1, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
[Lstm(1)]
[Conv1D(1, KernelSize = 3, Dilation = 3, Activation = Activation.Identity)]
public partial class SeqDoubleTiny;
