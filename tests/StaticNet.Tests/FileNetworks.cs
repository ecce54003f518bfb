using StaticNet;

// Networks with the topology of the PyTorch model of tests/pytorch/spiral_round_trip.py
// (nn.Sequential(Linear(2, 16), ReLU, Linear(16, 16), Tanh, Linear(16, 3)) with a softmax on its logits), each with a
// file of that script baked in at compile time. SafeTensorsTests also loads the same files into them at run time.
// Like every network of this project, they also run through the numerical tests (from a seed).
namespace StaticNet.Tests.Files;

[Network(Layers = [2, 16, 16, 3], Activations = [Activation.ReLU, Activation.Tanh, Activation.Softmax], Loss = Loss.CrossEntropy,
         Weights = "PyTorch/spiral.safetensors")]
public partial class BakedSpiral;

// F64 values into a double network.
[Network(Layers = [2, 16, 16, 3], Activations = [Activation.ReLU, Activation.Tanh, Activation.Softmax], Loss = Loss.CrossEntropy,
         Precision = Precision.Double, Weights = "PyTorch/spiral-f64.safetensors")]
public partial class BakedSpiralDouble;

// F16 and BF16 values, widened to float by the generator exactly as SafeTensors.Load widens them.
[Network(Layers = [2, 16, 16, 3], Activations = [Activation.ReLU, Activation.Tanh, Activation.Softmax], Loss = Loss.CrossEntropy,
         Weights = "PyTorch/spiral-f16.safetensors")]
public partial class BakedSpiralHalf;

[Network(Layers = [2, 16, 16, 3], Activations = [Activation.ReLU, Activation.Tanh, Activation.Softmax], Loss = Loss.CrossEntropy,
         Weights = "PyTorch/spiral-bf16.safetensors")]
public partial class BakedSpiralBFloat16;
