using StaticNet;

// The sequence networks the tests run, compiled by the real generator as part of this project: every layer kind first,
// in the middle and last; sizes off every vector width (1, 3, 5, 9, 17, 33); Conv1D with a kernel of 1, 2 and 3 taps,
// dilated and not; each loss; both precisions. SequenceCase reads the layers back from the attributes, so a network
// added here joins every test.
namespace StaticNet.Tests.Sequence.Networks;

[Network(Input = 3, Loss = Loss.MeanSquaredError)]
[Conv1D(5, KernelSize = 3, Dilation = 2, Activation = Activation.Tanh)]
[Dense(2)]
public partial class DilatedConv;

[Network(Input = 2, Loss = Loss.CrossEntropy)]
[Gru(9)]
[Dense(4, Activation = Activation.Softmax)]
public partial class GruTagger;

[Network(Input = 5, Loss = Loss.BinaryCrossEntropy)]
[Lstm(17)]
[Dense(1, Activation = Activation.Sigmoid)]
public partial class LstmDetector;

[Network(Input = 17, Loss = Loss.MeanSquaredError)]
[Dense(9, Activation = Activation.LeakyReLU)]
[Conv1D(3, KernelSize = 1, Activation = Activation.ReLU)]
[Lstm(5)]
[Gru(3)]
public partial class MixedStack;

[Network(Input = 1, Loss = Loss.MeanSquaredError)]
[Gru(33)]
[Conv1D(1, KernelSize = 2, Activation = Activation.Identity)]
public partial class WideGru;

[Network(Input = 3, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
[Conv1D(4, KernelSize = 2, Activation = Activation.Tanh)]
[Gru(5)]
[Lstm(7)]
[Dense(3, Activation = Activation.Sigmoid)]
public partial class DoubleStack;

[Network(Input = 9, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
[Lstm(33)]
[Dense(5, Activation = Activation.Softmax)]
public partial class DoubleWideLstm;

[Network(Input = 1, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
[Gru(1)]
[Dense(1)]
public partial class DoubleTinyGru;

[Network(Input = 1, Loss = Loss.MeanSquaredError)]
[Conv1D(3, KernelSize = 3, Dilation = 2, Activation = Activation.Tanh)]
[Dense(1)]
public partial class DilatedConvOne;

// The models of tests/pytorch/sequence_round_trip.py (a PyTorch module with attributes conv: nn.Conv1d, rnn: nn.GRU or
// nn.LSTM, head: nn.Linear), their weights baked in at compile time under PyTorch's own names. SafeTensorsTests checks that
// they compute what PyTorch computed; like the networks above, they also run through every sequence test (from a seed).
[Network(Input = 2, Loss = Loss.MeanSquaredError, Weights = "PyTorch/sequence-gru.safetensors", WeightNames = ["conv", "rnn", "head"])]
[Conv1D(4, KernelSize = 3, Dilation = 2, Activation = Activation.Tanh)]
[Gru(5)]
[Dense(1)]
public partial class BakedGruModel;

[Network(Input = 2, Loss = Loss.MeanSquaredError, Weights = "PyTorch/sequence-lstm.safetensors", WeightNames = ["conv", "rnn", "head"])]
[Conv1D(4, KernelSize = 3, Dilation = 2, Activation = Activation.Tanh)]
[Lstm(5)]
[Dense(1)]
public partial class BakedLstmModel;

// F64 values into a double network.
[Network(Input = 2, Loss = Loss.MeanSquaredError, Precision = Precision.Double, Weights = "PyTorch/sequence-gru-f64.safetensors", WeightNames = ["conv", "rnn", "head"])]
[Conv1D(4, KernelSize = 3, Dilation = 2, Activation = Activation.Tanh)]
[Gru(5)]
[Dense(1)]
public partial class BakedGruModelDouble;

// Recurrent layers of several tiles at every width (70 and 41 hidden units: 5 and 3 vectors of 16 floats, 9 and 6 of 8,
// 18 and 11 of 4), for the inference snapshot's packed step.
[Network(Input = 3, Loss = Loss.MeanSquaredError)]
[Lstm(70)]
[Gru(41)]
[Dense(2)]
public partial class WideRecurrent;
